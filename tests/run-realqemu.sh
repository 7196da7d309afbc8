#!/bin/sh
# Run the real-QEMU suite: first make sure the QEMU 11.1 chroot exists
# (scripts/qemu-11-chroot.sh is idempotent: a finished chroot costs
# nothing), then run the test program with the remaining arguments.
#   run-realqemu.sh CHROOT_SCRIPT TEST_PROGRAM [ARGS...]
set -eu
chroot_script=$1
shift
if [ -z "${VIRT_VIOMMU_QEMU_X86_64_11_1:-}" ]; then
    if ! "$chroot_script" ${VIRT_VIOMMU_QEMU_CHROOT:+"$VIRT_VIOMMU_QEMU_CHROOT"} >&2; then
        echo "run-realqemu.sh: cannot build the QEMU 11.1 chroot" >&2
        exit 1
    fi
fi
exec "$@"
