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
# libvirt stage: a later, separate stage (own stamp, so an existing QEMU
# chroot is extended, never rebuilt) installs libvirt's virsh and QEMU
# driver from trixie-backports and virt-install (virtinst) from trixie, and
# writes the wrappers DIR/bin/virsh, DIR/bin/virt-install and DIR/bin/python3
# (the chroot's, with virtinst's libvirt bindings); the versions
# go to DIR/SOURCE.libvirt. They run in the same kind of private mount
# namespace, with /sys too, and see the caller's working directory and
# /tmp at the same paths. Use libvirt's embedded QEMU driver:
#   DIR/bin/virsh -c 'qemu:///embed?root=/tmp/X' domxml-to-native qemu-argv F
#
# hook runtime stage (own stamp too): the shared libraries that the
# host-built virt-viommu-hook-check needs and libvirt does not bring
# (json-glib, and the sanitizer runtimes for a -Db_sanitize build), so
# that a libvirtd 12.9 started in the chroot (scripts/with-libvirt-12.sh)
# can run the project's QEMU hook.
#
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -eu

want=11.1
wantre=11[.]1
format=1
libvirt_format=1
hookrt_format=1
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}
dir=${1:-$cache/libvirt-viommu/qemu-$want-chroot}
done_stamp=$dir/.libvirt-viommu-chroot-format-$format
root=$dir/root

log() {
    echo "qemu-11-chroot: $*" >&2
}

libvirt_stamp=$dir/.stage-libvirt-$libvirt_format
hookrt_stamp=$dir/.stage-hook-runtime-$hookrt_format

base_ready() {
    [ -f "$done_stamp" ] && [ -x "$dir/bin/qemu-system-x86_64" ] &&
        [ -x "$dir/bin/qemu-system-aarch64" ]
}
libvirt_ready() {
    [ -f "$libvirt_stamp" ] && [ -x "$dir/bin/virsh" ] &&
        [ -x "$dir/bin/virt-install" ] && [ -x "$dir/bin/python3" ]
}
hookrt_ready() {
    [ -f "$hookrt_stamp" ]
}

if base_ready && libvirt_ready && hookrt_ready; then
    log "ready in $dir"
    cat "$dir/SOURCE" "$dir/SOURCE.libvirt" >&2
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

# Stages 2 and 3 make the QEMU chroot; a finished one is left alone.
if ! base_ready; then
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
fi

# Stage 4 (its own stamp, added to a finished chroot without touching
# QEMU): libvirt from trixie-backports (virsh and the QEMU driver, used
# through the embedded qemu:///embed?root=DIR URI by the parity suite) and
# virt-install (virtinst) for the client-output test data. Daemons are
# never started: policy-rc.d refuses every service start during apt.
if ! libvirt_ready; then
    cat > "$root/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
exit 101
EOF
    chmod 755 "$root/usr/sbin/policy-rc.d"
    in_chroot apt-get update -q
    madison=$(in_chroot apt-cache madison libvirt-daemon-driver-qemu)
    log "available libvirt-daemon-driver-qemu versions:"
    echo "$madison" | sed 's/^/    /' >&2
    lvsuite=trixie
    if echo "$madison" | grep -q ' trixie-backports/'; then
        lvsuite=trixie-backports
    fi
    in_chroot apt-get install -y -q -t "$lvsuite" \
        libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu
    in_chroot apt-get install -y -q virtinst
    in_chroot apt-get clean
    rm -f "$root/usr/sbin/policy-rc.d"

    mkdir -p "$dir/bin"
    for tool in virsh virt-install python3; do
        cat > "$dir/bin/$tool" <<'EOF'
#!/bin/sh
# Generated by scripts/qemu-11-chroot.sh: run the chroot's @TOOL@ in a
# private mount namespace with /dev, /proc and /sys mounted, and with the
# caller's working directory and /tmp bind-mounted at the same paths, so
# that file names and a qemu:///embed?root=DIR under either of them mean
# the same inside and outside. The environment is reduced to PATH, HOME,
# LC_ALL and the LIBVIRT_* variables.
#
# LIBVIRT_VIOMMU_FAKE_VFIO=1 stands in for a host with VFIO, without
# hardware: /dev becomes a private tmpfs holding the host's null, zero,
# full, random, urandom, tty, net/tun and pts plus a node /dev/vfio/vfio (10:196)
# and /dev/iommu, and /sys/kernel/iommu_groups a tmpfs with one group
# "0". libvirt's check that PCI assignment through VFIO is possible looks
# only at those two (a non-empty iommu_groups and /dev/vfio/vfio); nothing
# is ever opened, so this is enough for define and domxml-to-native.
root=$(cd "$(dirname "$0")/.." && pwd)/root
cwd=$(pwd)
exec unshare --mount --propagation private sh -c '
    root=$1; cwd=$2; fake=$3; shift 3
    if [ "$fake" = 1 ]; then
        mount -t tmpfs -o mode=755 fakedev "$root/dev" || exit 125
        for n in null zero full random urandom tty; do
            touch "$root/dev/$n" &&
            mount --bind "/dev/$n" "$root/dev/$n" || exit 125
        done
        mkdir -p "$root/dev/pts" "$root/dev/shm" "$root/dev/vfio" \
            "$root/dev/net" && touch "$root/dev/net/tun" &&
        mount --bind /dev/net/tun "$root/dev/net/tun" &&
        mount --bind /dev/pts "$root/dev/pts" &&
        ln -s pts/ptmx "$root/dev/ptmx" &&
        ln -s /proc/self/fd "$root/dev/fd" &&
        mknod "$root/dev/vfio/vfio" c 10 196 &&
        mknod "$root/dev/iommu" c 10 123 || exit 125
    else
        mount --rbind /dev "$root/dev" || exit 125
    fi
    mount -t proc proc "$root/proc" &&
    mount -t sysfs sysfs "$root/sys" || exit 125
    if [ "$fake" = 1 ]; then
        mount -t tmpfs fakegroups "$root/sys/kernel/iommu_groups" &&
        mkdir "$root/sys/kernel/iommu_groups/0" || exit 125
    fi
    for d in /tmp "$cwd"; do
        mkdir -p "$root$d" && mount --bind "$d" "$root$d" || exit 125
    done
    exec chroot "$root" sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
' sh "$root" "$cwd" "${LIBVIRT_VIOMMU_FAKE_VFIO:-0}" \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LC_ALL=C.UTF-8 $(env | grep -E '^LIBVIRT_[A-Z_]*=' || true) \
    /usr/bin/@TOOL@ "$@"
EOF
        sed -i "s/@TOOL@/$tool/g" "$dir/bin/$tool"
        chmod 755 "$dir/bin/$tool"
    done

    {
        echo "libvirt-suite=$lvsuite"
        for p in libvirt-daemon-driver-qemu libvirt-clients virtinst; do
            echo "$p=$(in_chroot dpkg-query -W -f='${Version}' "$p")"
        done
    } > "$dir/SOURCE.libvirt"
    touch "$libvirt_stamp"
fi

# Stage 5 (own stamp): the libraries of the host-built hook that the
# chroot lacks. The sanitizer runtimes are trixie's builds of the same
# sonames the host compiler links.
if ! hookrt_ready; then
    in_chroot apt-get update -q
    in_chroot apt-get install -y -q libjson-glib-1.0-0 libasan8 libubsan1
    in_chroot apt-get clean
    touch "$hookrt_stamp"
fi
log "ready in $dir"
cat "$dir/SOURCE" "$dir/SOURCE.libvirt" >&2
