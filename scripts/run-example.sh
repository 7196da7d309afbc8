#!/bin/sh
# The main job on the shipped examples, on a fresh Debian bookworm machine:
# installs the dependencies, builds the project and a QEMU 11.1 chroot, then
# checks each example domain against a captured host and a real QEMU binary
# and prints its QEMU command line and the per-device flags; last, it
# defines and starts an Intel nesting + PASID domain through libvirt 12.9
# and prints what QEMU reports for its vIOMMU over QMP, then cleans up.
#
#   scripts/run-example.sh
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/scripts/install-deps.sh" >&2
if [ ! -f build/build.ninja ]; then
    meson setup build >&2
fi
ninja -C build >&2

# QEMU 11.1.x (trixie-backports) in a chroot; needs root once
if [ "$(id -u)" -eq 0 ]; then
    "$top/scripts/qemu-11-chroot.sh" >&2
else
    sudo -E "$top/scripts/qemu-11-chroot.sh" >&2
fi
q11=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/libvirt-viommu/qemu-11.1-chroot/bin

vv=build/tools/virt-viommu
show() {
    echo
    echo "\$ virt-viommu $*"
    rc=0
    "$vv" "$@" 2>&1 || rc=$?
    echo "(exit status $rc)"
}

echo "== Intel VT-d nesting + PASID, QEMU 11.1.3, captured Sapphire Rapids host"
show validate --verbose --host-root tests/hostdata/intel-server-sm \
    --emulator "$q11/qemu-system-x86_64" examples/intel-nesting-pasid.xml
show domxml-to-native --host-root tests/hostdata/intel-server-sm \
    --emulator "$q11/qemu-system-x86_64" examples/intel-nesting-pasid.xml
show explain --host-root tests/hostdata/intel-server-sm \
    --emulator "$q11/qemu-system-x86_64" examples/intel-nesting-pasid.xml
show explain --host-root tests/hostdata/intel-server-sm \
    --emulator "$q11/qemu-system-x86_64" examples/intel-nesting-two-units.xml

echo
echo "== The same domain against this machine's QEMU 10.0.2: refused before start (exit 1)"
show validate --host-root tests/hostdata/intel-server-sm \
    --emulator /usr/bin/qemu-system-x86_64 examples/intel-nesting-pasid.xml

echo
echo "== The same domain on a host booted with intel_iommu=sm_off: refused (exit 1)"
show validate --host-root tests/hostdata/intel-sm-off \
    --emulator "$q11/qemu-system-x86_64" examples/intel-nesting-pasid.xml

echo
echo "== Accelerated SMMUv3 with PASID, QEMU 11.1.3 aarch64, saved deep-probed host"
show domxml-to-native --host tests/hostcapsdata/smmuv3.deep.xml \
    --emulator "$q11/qemu-system-aarch64" examples/smmuv3-accel.xml
show explain --host tests/hostcapsdata/smmuv3.deep.xml \
    --emulator "$q11/qemu-system-aarch64" examples/smmuv3-accel.xml

echo
echo "== Through libvirt 12.9 (trixie-backports, a libvirtd in the chroot):"
echo "== define, start, what QEMU reports over QMP, then clean up"
"$top/scripts/with-libvirt-12.sh" sh -c '
    vv=$1 q11=$2 xml=$3
    name=vtd-nest-tcg
    set -x
    "$vv" define --connect "$LIBVIRT_URI" --emulator "$q11/qemu-system-x86_64" "$xml"
    "$vv" start --connect "$LIBVIRT_URI" --emulator "$q11/qemu-system-x86_64" "$name"
    set +x
    echo "QMP qom-get on /machine/peripheral/ua-iommu0 (intel-iommu):"
    for prop in scalable-mode fsts pasid-bits aw-bits caching-mode intremap; do
        printf "  %-14s " "$prop"
        virsh -c "$LIBVIRT_URI" qemu-monitor-command "$name" \
            "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/ua-iommu0\",\"property\":\"$prop\"}}"
    done | grep -v "^$"
    set -x
    "$vv" dumpxml --connect "$LIBVIRT_URI" --emulator "$q11/qemu-system-x86_64" \
        --inactive "$name" | grep -A2 "<iommu"
    virsh -c "$LIBVIRT_URI" destroy "$name"
    virsh -c "$LIBVIRT_URI" undefine "$name"
' sh "$top/$vv" "$q11" "$top/examples/intel-nesting-pasid-tcg.xml"

