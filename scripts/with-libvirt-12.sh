#!/bin/sh
# Run a command beside libvirt 12.9 (trixie-backports), which lives in the
# QEMU 11.1 chroot that scripts/qemu-11-chroot.sh builds (its libvirt
# stage). A libvirtd is started inside the chroot, in a mount namespace of
# its own (tmpfs over the chroot's libvirt configuration, state and socket
# directories, so nothing is left behind), and COMMAND runs with
# LIBVIRT_URI set to qemu:///system?socket=... of that daemon. The daemon
# is stopped when COMMAND ends; the exit status is COMMAND's.
#
# Clients built against the host's libvirt (11.3) reach 12.9 this way:
# libvirt's embedded driver would run inside the client process.
#
# usage: with-libvirt-12.sh COMMAND [ARGS...]
# Exit 77 (skipped) without root, a mount namespace or the libvirt stage.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

if [ "${WITH_LIBVIRT12_INNER:-}" != 1 ]; then
    if [ "$(id -u)" -ne 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
        echo "SKIP: needs root and a mount namespace"
        exit 77
    fi
    "$top/scripts/qemu-11-chroot.sh" ${VIRT_VIOMMU_QEMU_CHROOT:+"$VIRT_VIOMMU_QEMU_CHROOT"} >&2 || {
        echo "with-libvirt-12.sh: cannot build the chroot" >&2
        exit 1
    }
    WITH_LIBVIRT12_INNER=1 exec unshare --mount --propagation private "$0" "$@"
fi

dir=${VIRT_VIOMMU_QEMU_CHROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/libvirt-viommu/qemu-11.1-chroot}
root=$dir/root
if [ ! -x "$root/usr/sbin/libvirtd" ]; then
    echo "SKIP: no libvirtd in $root (the chroot script's libvirt stage)"
    exit 77
fi

mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
for d in etc/libvirt run var/lib/libvirt var/cache/libvirt var/log/libvirt; do
    mkdir -p "$root/$d"
    mount -t tmpfs libvirt12 "$root/$d"
done
mkdir -p "$root/run/libvirt"
# the chroot has AAVMF but no OVMF: lend it the host's (ovmf, install-deps)
if [ -d /usr/share/OVMF ] && [ -d "$root/usr/share/qemu/firmware" ]; then
    mkdir -p "$root/usr/share/OVMF"
    mount --bind /usr/share/OVMF "$root/usr/share/OVMF"
    for f in /usr/share/qemu/firmware/*edk2-x86_64*.json; do
        [ -e "$f" ] || continue
        t="$root/usr/share/qemu/firmware/${f##*/}"
        [ -e "$t" ] || { touch "$t" && mount --bind "$f" "$t"; } || true
    done
fi
cat > "$root/etc/libvirt/qemu.conf" <<'CONF'
stdio_handler = "file"
namespaces = []
user = "root"
group = "root"
security_driver = "none"
cgroup_controllers = []
CONF
cat > "$root/etc/libvirt/libvirtd.conf" <<'CONF'
log_outputs = "1:file:/var/log/libvirt/libvirtd.log"
CONF

chroot "$root" /usr/sbin/libvirtd --pid-file /run/libvirtd.pid &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
i=0
while [ ! -S "$root/run/libvirt/libvirt-sock" ]; do
    i=$((i + 1))
    if [ $i -gt 200 ]; then
        echo "FAIL: libvirtd 12.9 did not open its socket"
        exit 1
    fi
    sleep 0.1
done

rc=0
LIBVIRT_URI="qemu:///system?socket=$root/run/libvirt/libvirt-sock" "$@" || rc=$?
exit $rc
