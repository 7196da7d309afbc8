#!/bin/sh
# bridgetest against libvirt 12.9 (trixie-backports), through the libvirtd
# that scripts/with-libvirt-12.sh starts inside the QEMU 11.1 chroot (see
# there why a daemon and not the embedded driver). The QEMU behind it is
# the chroot's 11.1, whose capabilities the test replays from
# tests/qemucapabilitiesdata.
#
# usage: run-bridge129.sh CHROOT_SCRIPT BRIDGETEST
# Exit 77 (skipped) without root, a mount namespace or the libvirt stage.
set -eu

scripts=$(dirname "$1")
bridgetest=$2

exec "$scripts/with-libvirt-12.sh" sh -c \
    'BRIDGETEST_URI=$LIBVIRT_URI BRIDGETEST_QEMU=11.1 exec "$0"' "$bridgetest"
