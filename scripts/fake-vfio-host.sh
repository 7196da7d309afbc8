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
# Exit 77 (skipped) without root or a mount namespace. The mounts are made
# only in a mount namespace of the script's own (checked against its
# parent's, not taken from the environment).
set -eu

root=/
if [ "${1:-}" = --root ]; then
    root=$2
    shift 2
fi
here=$(dirname "$0")
. "$here/fake-vfio.sh"

if ! in_private_mount_ns; then
    if [ "$(id -u)" -ne 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
        echo "SKIP: needs root and a mount namespace"
        exit 77
    fi
    exec unshare --mount --propagation private "$0" --root "$root" "$@"
fi
fake_vfio_mount "$root"
exec "$@"
