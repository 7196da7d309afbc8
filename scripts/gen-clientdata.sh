#!/bin/sh
# Regenerate tests/clientdata/*.xml: domains printed by virt-install
# (virtinst from the QEMU 11.1 chroot, 'virt-install --print-xml') against
# libvirt's embedded QEMU driver in that chroot, as a user would write them
# with virt-install and as virt-manager's XML builder (the same virtinst
# code) writes them. Needs root and the chroot (scripts/qemu-11-chroot.sh).
#
#   scripts/gen-clientdata.sh
#
# Assigned devices are devices of the captured hosts in tests/hostdata
# (intel-server-sm for x86_64, smmuv3 for aarch64); see
# tests/clientdata/README.md.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
chroot_script="$top/scripts/qemu-11-chroot.sh"
dir=${VIRT_VIOMMU_QEMU_CHROOT:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/libvirt-viommu/qemu-11.1-chroot}
"$chroot_script" ${VIRT_VIOMMU_QEMU_CHROOT:+"$VIRT_VIOMMU_QEMU_CHROOT"} >&2

# The wrapper sees the working directory and /tmp: keep the embed root
# under the source tree's build-independent temporary directory.
tmp=$(mktemp -d /tmp/gen-clientdata.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/embed/etc"
cat > "$tmp/embed/etc/qemu.conf" <<'CONF'
stdio_handler = "file"
namespaces = []
user = "root"
group = "root"
CONF

# vinstall NAME UUID-SUFFIX [--pci BDF]... -- VIRT-INSTALL-ARGS...
vinstall() {
    name=$1
    uuid=6d1f0c7e-0000-4000-8000-0000000000$2
    shift 2
    pcis=""
    while [ "$1" = --pci ]; do
        pcis="$pcis --pci $2"
        shift 2
    done
    shift
    # shellcheck disable=SC2086
    "$dir/bin/python3" tests/clientdata/virt-install-embed.py $pcis -- \
        --connect "qemu:///embed?root=$tmp/embed" --print-xml \
        --name "$name" --uuid "$uuid" --memory 4096 --vcpus 4 \
        --disk none --import --network none "$@" \
        > "tests/clientdata/$name.xml.new"
    mv "tests/clientdata/$name.xml.new" "tests/clientdata/$name.xml"
    echo "gen-clientdata: tests/clientdata/$name.xml" >&2
}

# virt-install: nesting and PASID through --xml XPath edits, iommufd too
vinstall virt-install-q35-intel-nesting 01 --pci 0000:6a:01.0 -- \
    --machine q35 --osinfo linux2022 --graphics none \
    --features ioapic.driver=qemu \
    --iommu model=intel,driver.intremap=on,driver.caching_mode=on \
    --xml ./devices/iommu/driver/@nesting=on \
    --xml ./devices/iommu/driver/@pasid=on \
    --xml ./devices/iommu/driver/@pasid_bits=20 \
    --xml ./iommufd/@enabled=yes \
    --host-device pci_0000_6a_01_0

# virt-install: libvirt's own intel-iommu attributes only
vinstall virt-install-q35-intel 02 --pci 0000:03:00.0 -- \
    --machine q35 --osinfo linux2022 --graphics none \
    --features ioapic.driver=qemu \
    --iommu model=intel,driver.intremap=on,driver.caching_mode=on,driver.eim=on \
    --host-device pci_0000_03_00_0

# virt-install: virtio-iommu
vinstall virt-install-q35-virtio-iommu 03 --pci 0000:03:00.0 -- \
    --machine q35 --osinfo linux2022 --graphics none \
    --iommu model=virtio --host-device pci_0000_03_00_0

# virt-install: aarch64 virt with UEFI (the chroot's AAVMF firmware
# descriptors), SMMUv3 and an iommufd-backed device
vinstall virt-install-aarch64-smmuv3 04 --pci 0000:01:00.0 -- \
    --arch aarch64 --machine virt --osinfo debian12 --boot uefi \
    --graphics none --iommu model=smmuv3 \
    --xml ./iommufd/@enabled=yes \
    --host-device pci_0000_01_00_0

# what virt-manager's "New VM" wizard plus "Add Hardware > PCI Host Device"
# writes: virtinst's defaults with a graphical display, and the host
# device. virt-manager asks for SPICE only when the QEMU has it; Debian's
# QEMU 11.1.3 build does not (libvirt: "spice graphics are not supported
# with this QEMU"), so the display is VNC, as virt-manager falls back to.
vinstall virt-manager-q35 05 --pci 0000:03:00.0 -- \
    --machine q35 --osinfo linux2022 --graphics vnc \
    --host-device pci_0000_03_00_0
vinstall virt-manager-aarch64 06 --pci 0000:01:00.0 -- \
    --arch aarch64 --machine virt --osinfo debian12 --boot uefi \
    --graphics vnc --host-device pci_0000_01_00_0
