#!/bin/sh
# bridgetest against libvirt 12.9 (trixie-backports), which lives in the
# QEMU 11.1 chroot that scripts/qemu-11-chroot.sh builds (its libvirt
# stage). libvirt's embedded driver runs inside the client process, and
# the client here is built against the host's libvirt 11.3, so the test
# talks to 12.9 the other way: a libvirtd started inside the chroot, in a
# mount namespace of its own (tmpfs over the chroot's libvirt
# configuration, state and socket directories), whose socket the host
# client opens with qemu:///system?socket=... . The QEMU behind it is the
# chroot's 11.1, whose capabilities the test replays from
# tests/qemucapabilitiesdata.
#
# usage: run-bridge129.sh CHROOT_SCRIPT BRIDGETEST
# Exit 77 (skipped) without root, a mount namespace or the libvirt stage.
set -eu

chroot_script=$1
bridgetest=$2

if [ "${BRIDGE129_INNER:-}" != 1 ]; then
    if [ "$(id -u)" -ne 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
        echo "SKIP: needs root and a mount namespace"
        exit 77
    fi
    "$chroot_script" ${VIRT_VIOMMU_QEMU_CHROOT:+"$VIRT_VIOMMU_QEMU_CHROOT"} >&2 || {
        echo "run-bridge129.sh: cannot build the chroot" >&2
        exit 1
    }
    BRIDGE129_INNER=1 exec unshare --mount --propagation private "$0" "$@"
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
    mount -t tmpfs bridge129 "$root/$d"
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
BRIDGETEST_URI="qemu:///system?socket=$root/run/libvirt/libvirt-sock" \
BRIDGETEST_QEMU=11.1 "$bridgetest" || rc=$?
exit $rc
