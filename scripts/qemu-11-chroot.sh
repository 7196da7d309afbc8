#!/bin/sh
# Build (once) a Debian trixie chroot that holds QEMU 11.1.x for x86_64 and
# aarch64, and generate wrapper scripts that run those binaries.
#
#   scripts/qemu-11-chroot.sh [DIR]
#
# DIR defaults to $XDG_CACHE_HOME/libvirt-viommu/qemu-11.1-chroot (or
# ~/.cache/...), outside the source tree, so that a fresh clone reuses it.
# Layout: DIR/root is the chroot, DIR/bin the wrappers, DIR/SOURCE says
# where QEMU came from. (The wrappers cannot live in the chroot's own bin/:
# trixie has a merged /usr, so DIR/root/bin is /usr/bin of the chroot.)
# Run as root (debootstrap, chroot, mount namespaces). Running it again on
# a finished DIR does nothing but print where the wrappers are.
#
# QEMU 11.1.x is taken from trixie-backports when that suite has it;
# otherwise from the first of forky, sid that does (pinned low so only the
# QEMU packages and what they need come from there). The choice and the
# exact versions are written to DIR/SOURCE.
#
# Wrappers: DIR/bin/qemu-system-x86_64 and DIR/bin/qemu-system-aarch64.
# Each enters a private mount namespace, bind-mounts /dev and mounts /proc
# inside the chroot, then chroots and execs the binary as
# /usr/bin/qemu-system-ARCH. Inherited file descriptors (e.g. a QMP
# socketpair end passed as -chardev socket,fd=N) stay usable, and the
# mounts vanish with the process.
#
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -eu

want=11.1
wantre=11[.]1
format=1
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}
dir=${1:-$cache/libvirt-viommu/qemu-$want-chroot}
done_stamp=$dir/.libvirt-viommu-chroot-format-$format
root=$dir/root

log() {
    echo "qemu-11-chroot: $*" >&2
}

if [ -f "$done_stamp" ] && [ -x "$dir/bin/qemu-system-x86_64" ] &&
   [ -x "$dir/bin/qemu-system-aarch64" ]; then
    log "ready in $dir"
    cat "$dir/SOURCE" >&2
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    log "must run as root (debootstrap, chroot)"
    exit 2
fi
for tool in debootstrap chroot unshare mount; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        log "$tool is missing (scripts/install-deps.sh installs it)"
        exit 2
    fi
done

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
root=$dir/root
if [ -n "$(ls -A "$dir" 2>/dev/null)" ] && [ ! -d "$root" ] && [ ! -f "$dir/.stage-partial" ]; then
    log "$dir is not empty and was not made by this script; refusing to touch it"
    exit 2
fi

# Stage 1: the base system. A chroot left half-done by an interrupted run
# is recognised by its marker and rebuilt from scratch.
if [ ! -f "$dir/.stage-debootstrap" ]; then
    if [ -f "$dir/.stage-partial" ]; then
        log "removing the unfinished chroot in $root"
        rm -rf "$root"
    fi
    touch "$dir/.stage-partial"
    mkdir -p "$root"
    log "debootstrap trixie (minbase) into $root"
    debootstrap --variant=minbase --include=ca-certificates trixie "$root" "$mirror"
    touch "$dir/.stage-debootstrap"
fi

# Run a command inside the chroot with /dev, /proc and /sys available only
# for the duration of the command (private mount namespace).
in_chroot() {
    unshare --mount --propagation private sh -c '
        root=$1; shift
        mount --rbind /dev "$root/dev"
        mount -t proc proc "$root/proc"
        mount -t sysfs sysfs "$root/sys" 2>/dev/null || true
        exec chroot "$root" "$@"
    ' sh "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# Stage 2: apt sources. trixie-backports is what we want; forky and sid
# are listed with a low pin so that nothing comes from them unless asked.
# The Release files of -updates, -backports, forky and sid carry a
# Valid-Until date; a mirror snapshot older than this machine's clock would
# otherwise make apt refuse them.
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror trixie main
deb [check-valid-until=no] $mirror trixie-updates main
deb [check-valid-until=no] $mirror trixie-backports main
deb [check-valid-until=no] $mirror forky main
deb [check-valid-until=no] $mirror sid main
EOF
cat > "$root/etc/apt/preferences.d/libvirt-viommu" <<EOF
Package: *
Pin: release n=forky
Pin-Priority: 50

Package: *
Pin: release n=sid
Pin-Priority: 40
EOF
cat > "$root/etc/apt/apt.conf.d/90libvirt-viommu" <<EOF
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
in_chroot apt-get update -q

# Which suite has QEMU 11.1.x? "apt-cache madison" lists every version
# with its suite; take the highest 11.1.x of the first suite in order.
madison=$(in_chroot apt-cache madison qemu-system-x86)
log "available qemu-system-x86 versions:"
echo "$madison" | sed 's/^/    /' >&2
suite=""
version=""
for s in trixie-backports forky sid; do
    v=$(echo "$madison" |
        awk -F' [|] ' -v s="$s" 'index($3, " " s "/") { gsub(/ /, "", $2); print $2 }' |
        grep -E "^([0-9]+:)?$wantre[.]" | head -n1 || true)
    if [ -n "$v" ]; then
        suite=$s
        version=$v
        break
    fi
done
if [ -z "$version" ]; then
    log "no suite among trixie-backports, forky, sid has qemu-system-x86 $want.x"
    exit 2
fi
if [ "$suite" != "trixie-backports" ]; then
    log "trixie-backports has no QEMU $want.x; using $suite ($version)"
fi

# Stage 3: QEMU. qemu-efi-aarch64 gives the aarch64 UEFI firmware used for
# ACPI boots of the virt machine.
in_chroot apt-get install -y -q -t "$suite" \
    "qemu-system-x86=$version" "qemu-system-arm=$version" \
    "qemu-system-common=$version" "qemu-system-data=$version" \
    qemu-efi-aarch64
in_chroot apt-get clean

mkdir -p "$dir/bin"
for arch in x86_64 aarch64; do
    cat > "$dir/bin/qemu-system-$arch" <<'EOF'
#!/bin/sh
# Generated by scripts/qemu-11-chroot.sh: run the chroot's QEMU as
# /usr/bin/qemu-system-@ARCH@ with /dev and /proc mounted in a private
# mount namespace. File descriptors are inherited unchanged.
root=$(cd "$(dirname "$0")/.." && pwd)/root
exec unshare --mount --propagation private sh -c '
    root=$1; shift
    mount --rbind /dev "$root/dev" &&
    mount -t proc proc "$root/proc" || exit 125
    exec chroot "$root" /usr/bin/qemu-system-@ARCH@ "$@"
' sh "$root" "$@"
EOF
    sed -i "s/@ARCH@/$arch/g" "$dir/bin/qemu-system-$arch"
    chmod 755 "$dir/bin/qemu-system-$arch"
done

{
    echo "suite=$suite"
    echo "qemu-system-x86=$(in_chroot dpkg-query -W -f='${Version}' qemu-system-x86)"
    echo "qemu-system-arm=$(in_chroot dpkg-query -W -f='${Version}' qemu-system-arm)"
    echo "qemu-efi-aarch64=$(in_chroot dpkg-query -W -f='${Version}' qemu-efi-aarch64)"
    "$dir/bin/qemu-system-x86_64" --version | head -n1
} > "$dir/SOURCE"
rm -f "$dir/.stage-partial"
touch "$done_stamp"
log "ready in $dir"
cat "$dir/SOURCE" >&2
