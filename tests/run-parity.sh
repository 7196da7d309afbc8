#!/bin/sh
# Run the parity suite: make sure the QEMU 11.1 chroot with libvirt exists
# (scripts/qemu-11-chroot.sh is idempotent and extends an existing chroot
# with the libvirt stage), then compare libvirt's embedded driver with
# virt-viommu (with libvirt 12.9's grammar) on tests/paritydata/.
#   run-parity.sh CHROOT_SCRIPT PARITYTEST VIRT_VIOMMU [ARGS...]
set -eu
chroot_script=$1
paritytest=$2
virt_viommu=$3
shift 3
dir=${VIRT_VIOMMU_QEMU_CHROOT:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/libvirt-viommu/qemu-11.1-chroot}
if ! "$chroot_script" ${VIRT_VIOMMU_QEMU_CHROOT:+"$VIRT_VIOMMU_QEMU_CHROOT"} >&2; then
    echo "run-parity.sh: cannot build the chroot with libvirt" >&2
    exit 1
fi
# virt-viommu checks against the grammar of the libvirt it is compared with
VIRT_VIOMMU_LIBVIRT_SCHEMADIR=$dir/root/usr/share/libvirt/schemas
export VIRT_VIOMMU_LIBVIRT_SCHEMADIR
exec python3 "$paritytest" --virsh "$dir/bin/virsh" \
    --virt-viommu "$virt_viommu" "$@"
