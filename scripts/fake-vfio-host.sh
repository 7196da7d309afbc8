#!/bin/sh
# Run COMMAND where ROOT (default /) looks like a host that can assign PCI
# devices through VFIO, on a machine that cannot: in a private mount
# namespace, ROOT/dev becomes a tmpfs with the host's null, zero, full,
# random, urandom, tty, kvm, net/tun, vhost-net (those it has) and pts
# plus the nodes /dev/vfio/vfio (10:196) and /dev/iommu (10:123), and
# ROOT/sys/kernel/iommu_groups a tmpfs with one group "0" (ROOT/sys must
# be a sysfs already).
#
# libvirt's define-time check that PCI assignment through VFIO is possible
# looks only at those two places, and neither define nor domxml-to-native
# opens a device, so this is enough for them. Nothing of the real /dev or
# /sys is changed; nothing can be started with an assigned device.
#
# usage: fake-vfio-host.sh [--root ROOT] COMMAND [ARGS...]
# Exit 77 (skipped) without root or a mount namespace. With
# FAKE_VFIO_INNER=1 the caller's mount namespace (already private) is
# used, and the mounts outlive COMMAND (scripts/with-libvirtd.sh).
set -eu

root=/
if [ "${1:-}" = --root ]; then
    root=$2
    shift 2
fi

if [ "${FAKE_VFIO_INNER:-}" != 1 ]; then
    if [ "$(id -u)" -ne 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
        echo "SKIP: needs root and a mount namespace"
        exit 77
    fi
    FAKE_VFIO_INNER=1 exec unshare --mount --propagation private "$0" --root "$root" "$@"
fi
unset FAKE_VFIO_INNER

# the real nodes stay reachable through a private bind of /dev
real=$(mktemp -d)
mount --rbind /dev "$real"
mount -t tmpfs -o mode=755 fakedev "$root/dev"
mkdir -p "$root/dev/pts" "$root/dev/shm" "$root/dev/vfio" "$root/dev/net"
for n in null zero full random urandom tty kvm net/tun vhost-net; do
    [ -c "$real/$n" ] || continue
    touch "$root/dev/$n"
    mount --bind "$real/$n" "$root/dev/$n"
done
mount --bind "$real/pts" "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
mknod "$root/dev/vfio/vfio" c 10 196
mknod "$root/dev/iommu" c 10 123
umount -l "$real"
rmdir "$real"
mkdir -p "$root/sys/kernel/iommu_groups"
mount -t tmpfs fakegroups "$root/sys/kernel/iommu_groups"
mkdir "$root/sys/kernel/iommu_groups/0"
exec "$@"
