#!/bin/sh
# Run a command beside libvirt 12.9 (trixie-backports), which lives in the
# QEMU 11.1 chroot that scripts/qemu-11-chroot.sh builds (its libvirt
# stage): the chroot is made (or found ready), and scripts/with-libvirtd.sh
# starts its libvirtd in a private mount namespace; COMMAND runs with
# LIBVIRT_URI set to qemu:///system?socket=... of that daemon, which is
# stopped when COMMAND ends, and VIRT_VIOMMU_LIBVIRT_SCHEMADIR set to that
# libvirt's schemas, so that virt-viommu checks domains against the
# grammar of the libvirt it talks to. The exit status is COMMAND's.
#
# Clients built against the host's libvirt (11.3) reach 12.9 this way:
# libvirt's embedded driver would run inside the client process.
#
# usage: with-libvirt-12.sh [--hook PATH] [--fake-vfio] COMMAND [ARGS...]
# (the options are with-libvirtd.sh's). Exit 77 (skipped) without root, a
# mount namespace or the libvirt stage.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" -ne 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
    echo "SKIP: needs root and a mount namespace"
    exit 77
fi
"$top/scripts/qemu-11-chroot.sh" ${VIRT_VIOMMU_QEMU_CHROOT:+"$VIRT_VIOMMU_QEMU_CHROOT"} >&2 || {
    echo "with-libvirt-12.sh: cannot build the chroot" >&2
    exit 1
}
dir=${VIRT_VIOMMU_QEMU_CHROOT:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/libvirt-viommu/qemu-11.1-chroot}
# the clients check domains against that libvirt's own grammar
VIRT_VIOMMU_LIBVIRT_SCHEMADIR=$dir/root/usr/share/libvirt/schemas
export VIRT_VIOMMU_LIBVIRT_SCHEMADIR
exec "$top/scripts/with-libvirtd.sh" --chroot "$dir/root" "$@"
