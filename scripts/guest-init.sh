#!/bin/busybox sh
# The guest's side of the guest-visible suite: print what the guest
# kernel sees of its IOMMU units as "GV ..." lines, then power off.
/bin/busybox mkdir -p /proc /sys /dev /usr/bin /sbin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

arg() {
    for w in $(cat /proc/cmdline); do
        case $w in "$1="*) echo "${w#*=}"; return;; esac
    done
}

echo "GV-BEGIN"
echo "GV kernel $(uname -r) $(uname -m)"
for d in /sys/class/iommu/*; do
    [ -e "$d" ] || continue
    n=${d##*/}
    if [ -d "$d/intel-iommu" ]; then
        a=$(cat "$d/intel-iommu/address")
        echo "GV vtd $n version $(cat "$d/intel-iommu/version")"
        echo "GV vtd $n address $a"
        echo "GV vtd $n cap $(cat "$d/intel-iommu/cap")"
        echo "GV vtd $n ecap $(cat "$d/intel-iommu/ecap")"
        echo "GV vtd $n gsts $(devmem $((0x$a + 0x1c)) 32)"
        echo "GV vtd $n rtaddr $(devmem $((0x$a + 0x20)) 64)"
    fi
    case $n in
    smmu3.0x*)
        b=${n#smmu3.}
        echo "GV smmu $n address $b"
        i=0
        for r in idr0 idr1 idr2 idr3 idr4 idr5 iidr aidr; do
            echo "GV smmu $n $r $(devmem $((b + 4 * i)) 32)"
            i=$((i + 1))
        done
        ;;
    esac
    echo "GV unit $n devices $(ls "$d/devices" 2>/dev/null | tr '\n' ' ')"
done
for g in /sys/kernel/iommu_groups/*; do
    [ -e "$g" ] || continue
    echo "GV group ${g##*/} $(cat "$g/type") $(ls "$g/devices" | tr '\n' ' ')"
done

# DMA through the vIOMMU: a virtio-serial port named gv.dma, on a PCI
# device with VIRTIO_F_ACCESS_PLATFORM (feature bit 33)
for p in /sys/class/virtio-ports/*; do
    [ -e "$p/name" ] && [ "$(cat "$p/name")" = gv.dma ] || continue
    v=$(readlink -f "$p/device")
    pci=$(readlink -f "$v/..")
    bdf=${pci##*/}
    f=$(cat "$v/features")
    echo "GV dma port ${p##*/} virtio ${v##*/} pci $bdf access_platform $(echo "$f" | cut -c34)"
    [ -e "$pci/iommu" ] && echo "GV dma unit $(basename "$(readlink "$pci/iommu")")"
    if [ -e "$pci/iommu_group" ]; then
        grp=$(readlink -f "$pci/iommu_group")
        echo "GV dma group ${grp##*/} $(cat "$grp/type")"
    fi
    echo "GV-DMA $(arg gv.nonce)" > "/dev/${p##*/}" && echo "GV dma written"
done

dmesg | grep -iE 'dmar|iommu|smmu' | sed 's/^/GV dmesg /'
echo "GV-END"
poweroff -f
