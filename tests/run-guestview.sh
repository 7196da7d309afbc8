#!/bin/sh
# Run the guest-visible suite: make sure the QEMU 11.1 chroot and the guest
# image exist (scripts/guest-image.sh builds both on first use, as root; a
# finished image costs nothing), then run the test program.
#   run-guestview.sh GUEST_IMAGE_SCRIPT TEST_PROGRAM [ARGS...]
set -eu
image_script=$1
shift
if [ -z "${VIRT_VIOMMU_GUEST_IMAGE:-}" ]; then
    if ! "$image_script" >&2; then
        echo "run-guestview.sh: cannot build the guest image" >&2
        exit 1
    fi
fi
exec "$@"
