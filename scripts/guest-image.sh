#!/bin/sh
# Build (once) the tiny Linux guest that the guest-visible suite boots:
# a stock Debian trixie kernel and busybox-static, for x86_64 and aarch64,
# with scripts/guest-init.sh as /init. Nothing is compiled.
#
#   scripts/guest-image.sh [DIR]
#
# DIR defaults to $XDG_CACHE_HOME/libvirt-viommu/guest-image (or
# ~/.cache/...), outside the source tree. Layout:
#   DIR/x86_64/vmlinuz   DIR/x86_64/initrd.gz
#   DIR/aarch64/vmlinuz  DIR/aarch64/initrd.gz
#   DIR/SOURCE           the Debian packages used
# The packages are downloaded with apt inside the trixie chroot that
# scripts/qemu-11-chroot.sh builds (it is run first, and does nothing when
# the chroot is finished), with a private apt state so that the chroot's own
# configuration is not touched; they are unpacked with dpkg-deb, never
# installed. Run as root. Running it again does nothing unless the init
# script changed (then only the initrds are rebuilt).
#
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian),
# VIRT_VIOMMU_QEMU_CHROOT (the chroot directory, as for the chroot script).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
format=1
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}
dir=${1:-$cache/libvirt-viommu/guest-image}
chrootdir=${VIRT_VIOMMU_QEMU_CHROOT:-$cache/libvirt-viommu/qemu-11.1-chroot}
init=$top/scripts/guest-init.sh

log() {
    echo "guest-image: $*" >&2
}

ready() {
    [ -f "$dir/.format-$format" ] || return 1
    for arch in x86_64 aarch64; do
        [ -f "$dir/$arch/vmlinuz" ] && [ -f "$dir/$arch/initrd.gz" ] &&
            cmp -s "$init" "$dir/$arch/init" || return 1
    done
}

if ready; then
    log "ready in $dir"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    log "must run as root (chroot, unshare)"
    exit 2
fi
for tool in dpkg-deb unshare chroot gzip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        log "$tool is missing"
        exit 2
    fi
done

"$top/scripts/qemu-11-chroot.sh" "$chrootdir"
root=$chrootdir/root
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# Stage 1: the packages, downloaded inside the chroot with a private apt
# state (its own sources list with arm64 added, lists and cache).
g=/var/lib/libvirt-viommu-guest
if [ ! -f "$dir/.stage-download-$format" ]; then
    rm -rf "$root$g"
    mkdir -p "$root$g/lists/partial" "$root$g/cache/archives/partial" \
             "$root$g/empty" "$root$g/debs"
    echo "deb [arch=amd64,arm64] $mirror trixie main" > "$root$g/sources.list"
    cat > "$root$g/download.sh" <<'SCRIPT'
set -eu
g=/var/lib/libvirt-viommu-guest
aptopts="-q -o Dir::Etc::SourceList=$g/sources.list -o Dir::Etc::SourceParts=$g/empty
 -o Dir::Etc::Preferences=$g/empty/none -o Dir::Etc::PreferencesParts=$g/empty
 -o Dir::State::Lists=$g/lists -o Dir::Cache=$g/cache
 -o APT::Architectures::=amd64 -o APT::Architectures::=arm64
 -o APT::Sandbox::User=root"
apt-get $aptopts update
cd $g/debs
for a in amd64 arm64; do
    # linux-image-ARCH is a metapackage: take the image it depends on
    pkg=$(apt-cache $aptopts depends "linux-image-$a:$a" |
          awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
    if [ -z "$pkg" ]; then
        echo "no kernel image behind linux-image-$a" >&2
        exit 1
    fi
    apt-get $aptopts download "$pkg" "busybox-static:$a"
done
SCRIPT
    log "downloading the kernels and busybox-static (trixie, amd64 + arm64)"
    unshare --mount --propagation private sh -c '
        root=$1; shift
        mount --rbind /dev "$root/dev"
        mount -t proc proc "$root/proc"
        exec chroot "$root" "$@"
    ' sh "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
        sh "$g/download.sh"
    rm -rf "$dir/debs"
    mv "$root$g/debs" "$dir/debs"
    rm -rf "$root$g"
    touch "$dir/.stage-download-$format"
fi

# Stage 2: kernels and initrds, unpacked with dpkg-deb.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$tmp/SOURCE"
for pair in x86_64:amd64 aarch64:arm64; do
    arch=${pair%:*}
    deb=${pair#*:}
    kdeb=$(ls "$dir"/debs/linux-image-*_"$deb".deb)
    bdeb=$(ls "$dir"/debs/busybox-static_*_"$deb".deb)
    mkdir -p "$tmp/k-$arch" "$tmp/b-$arch" "$tmp/rd-$arch/bin"
    dpkg-deb -x "$kdeb" "$tmp/k-$arch"
    dpkg-deb -x "$bdeb" "$tmp/b-$arch"
    echo "$arch: $(dpkg-deb -f "$kdeb" Package Version | tr '\n' ' ')" >> "$tmp/SOURCE"
    echo "$arch: $(dpkg-deb -f "$bdeb" Package Version | tr '\n' ' ')" >> "$tmp/SOURCE"
    mkdir -p "$dir/$arch"
    cp "$tmp"/k-"$arch"/boot/vmlinuz-* "$dir/$arch/vmlinuz"
    cp "$tmp/b-$arch/usr/bin/busybox" "$tmp/rd-$arch/bin/busybox"
    cp "$init" "$tmp/rd-$arch/init"
    chmod 755 "$tmp/rd-$arch/init" "$tmp/rd-$arch/bin/busybox"
done
# busybox's own cpio writes the newc archive (the x86_64 one runs here)
for arch in x86_64 aarch64; do
    (cd "$tmp/rd-$arch" && find . | "$tmp/b-x86_64/usr/bin/busybox" cpio -o -H newc) |
        gzip -1 > "$dir/$arch/initrd.gz"
    cp "$init" "$dir/$arch/init"
done
mv "$tmp/SOURCE" "$dir/SOURCE"
touch "$dir/.format-$format"
log "ready in $dir"
cat "$dir/SOURCE" >&2
