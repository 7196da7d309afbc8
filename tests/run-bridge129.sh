#!/bin/sh
# bridgetest against libvirt 12.9 (trixie-backports), through the libvirtd
# that scripts/with-libvirt-12.sh starts inside the QEMU 11.1 chroot (see
# there why a daemon and not the embedded driver). The QEMU behind it is
# the chroot's 11.1, whose capabilities the test replays from
# tests/qemucapabilitiesdata. With --hostdev, bridgetest's part with
# assigned devices, on a daemon that sees a VFIO-capable host
# (scripts/fake-vfio-host.sh).
#
# usage: run-bridge129.sh [--hostdev] CHROOT_SCRIPT BRIDGETEST
# Exit 77 (skipped) without root, a mount namespace or the libvirt stage.
set -eu

hostdev=
if [ "${1:-}" = --hostdev ]; then
    hostdev=1
    shift
fi
scripts=$(dirname "$1")
bridgetest=$2

exec "$scripts/with-libvirt-12.sh" ${hostdev:+--fake-vfio} sh -c \
    'BRIDGETEST_URI=$LIBVIRT_URI BRIDGETEST_QEMU=11.1 BRIDGETEST_HOSTDEV=$1 exec "$0"' \
    "$bridgetest" "$hostdev"
