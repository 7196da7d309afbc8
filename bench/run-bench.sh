#!/bin/sh
# Time libvirt-viommu on a domain with one intel vIOMMU (nesting, PASID) and
# 16 iommufd hostdevs, in process and as whole 'virt-viommu domxml-to-native'
# runs, and compare with libvirt's 'virsh domxml-to-native' on its embedded
# QEMU driver for the same domain without the extension attributes.
#
#   bench/run-bench.sh [OPTIONS] BUILDDIR
#
# BUILDDIR is a configured and built meson build directory: this script
# builds nothing; it runs BUILDDIR/bench/viommu-bench and
# BUILDDIR/tools/virt-viommu. See bench/README.md.
#
# Options:
#   --qemu-caps FILE  QEMU capabilities document to replay (default: the
#                     newest tests/qemucapabilitiesdata/caps_11.1.*_x86_64.xml)
#   -n N              in-process iterations (default 2000)
#   -m M              whole-process runs of each command (default 200)
#   --cold K          virsh runs on a fresh embed root, each one cold
#                     (default 3; the first of them also starts the warm set)
#   --no-virsh        skip the libvirt comparison
#   --mock-vfio       run virsh in a private mount namespace whose /dev has
#                     /dev/vfio/vfio (10:196) and whose
#                     /sys/kernel/iommu_groups is not empty (root only), for
#                     libvirt versions that refuse VFIO hostdevs on a host
#                     without VFIO. libvirt 11.3 does not need it.
#
# Environment: VIRSH (default virsh).
set -eu

usage() {
    sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2
    exit 2
}

die() {
    echo "run-bench: $*" >&2
    exit 1
}

srcdir=$(cd "$(dirname "$0")/.." && pwd)
caps=
iterations=2000
runs=200
cold=3
virsh_enabled=1
mock_vfio=0
builddir=

while [ $# -gt 0 ]; do
    case $1 in
    --qemu-caps) caps=$2; shift 2 ;;
    -n) iterations=$2; shift 2 ;;
    -m) runs=$2; shift 2 ;;
    --cold) cold=$2; shift 2 ;;
    --no-virsh) virsh_enabled=0; shift ;;
    --mock-vfio) mock_vfio=1; shift ;;
    -h|--help) usage ;;
    -*) echo "run-bench: unknown option $1" >&2; usage ;;
    *) [ -z "$builddir" ] || usage; builddir=$1; shift ;;
    esac
done
[ -n "$builddir" ] || usage
[ "$cold" -ge 1 ] || die "--cold must be at least 1"
builddir=$(cd "$builddir" && pwd)

bench=$builddir/bench/viommu-bench
tool=$builddir/tools/virt-viommu
virsh=${VIRSH:-virsh}
[ -x "$bench" ] || die "$bench is missing: build the project first (ninja -C $builddir)"
[ -x "$tool" ] || die "$tool is missing: build the project first (ninja -C $builddir)"

domain=$srcdir/bench/data/intel-16-hostdevs.xml
lvdomain=$srcdir/bench/data/intel-16-hostdevs.libvirt.xml
ndevices=$(grep -c "<hostdev " "$domain")

if [ -z "$caps" ]; then
    caps=$(ls "$srcdir"/tests/qemucapabilitiesdata/caps_11.1.*_x86_64.xml 2>/dev/null |
           sort -V | tail -n 1)
    [ -n "$caps" ] || die "no tests/qemucapabilitiesdata/caps_11.1.*_x86_64.xml; give --qemu-caps FILE (record one with 'virt-viommu qemucaps --emulator PATH')"
fi
[ -r "$caps" ] || die "cannot read $caps"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/viommu-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# The libvirt-side domain must be ours minus exactly the extension: the
# hostdev iommufd attribute and the nesting/pasid attributes.
sed -e "s/ iommufd='yes'//" -e "s/ nesting='on' pasid='on'//" "$domain" > "$tmp/stripped.xml"
cmp -s "$tmp/stripped.xml" "$lvdomain" ||
    die "$lvdomain is not $domain without iommufd='yes' and nesting/pasid; regenerate it"

# ---- versions -------------------------------------------------------------
field() {
    sed -n "s|.*<$1>\(.*\)</$1>.*|\1|p" "$2" | head -n 1
}
echo "# date:        $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# machine:     $(uname -srm); $(nproc) CPUs; $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "# project:     $(git -C "$srcdir" describe --always --dirty 2>/dev/null || echo unknown)"
echo "# QEMU caps:   $(basename "$caps"): QEMU $(field version "$caps") ($(field package "$caps"))"
if [ "$virsh_enabled" = 1 ]; then
    command -v "$virsh" >/dev/null 2>&1 || die "$virsh not found (install libvirt-clients and libvirt-daemon-driver-qemu, or use --no-virsh)"
    pkg=$(dpkg-query -W -f '${Version}' libvirt-daemon-driver-qemu 2>/dev/null || echo "not a Debian package")
    echo "# libvirt:     virsh $("$virsh" --version), QEMU driver $pkg"
    qemu=$(sed -n "s|.*<emulator>\(.*\)</emulator>.*|\1|p" "$lvdomain")
    echo "# libvirt QEMU: $qemu: $("$qemu" --version | head -n 1)"
fi
echo "# domain:      $(basename "$domain"): 1 intel vIOMMU, $ndevices hostdevs"
echo

# Run a viommu-bench subcommand: show its output and keep its RESULT lines
results=$tmp/results
: > "$results"
step() {
    "$@" > "$tmp/step.out" || { cat "$tmp/step.out"; die "failed: $*"; }
    cat "$tmp/step.out"
    grep '^RESULT ' "$tmp/step.out" >> "$results" || true
}

# One command to run virsh under: plain, or inside a private mount
# namespace with a VFIO node. viommu-bench itself runs inside it, so
# setting the namespace up is not part of any timed run.
in_ns() {
    if [ "$mock_vfio" = 1 ]; then
        mkdir -p "$tmp/ns-upper" "$tmp/ns-work"
        unshare -m sh -c '
            set -e
            mount --make-rprivate /
            mount -t overlay overlay -o "lowerdir=/dev,upperdir=$1,workdir=$2" /dev
            mkdir -p /dev/vfio
            [ -e /dev/vfio/vfio ] || mknod /dev/vfio/vfio c 10 196
            mount -t tmpfs tmpfs /sys/kernel/iommu_groups
            mkdir -p /sys/kernel/iommu_groups/0/devices
            shift 2
            exec "$@"' sh "$tmp/ns-upper" "$tmp/ns-work" "$@"
    else
        "$@"
    fi
}

count_vfio() {
    tr ' ' '\n' < "$1" | grep -c '"driver":"vfio-pci"' || true
}

# ---- host description -------------------------------------------------------
step "$bench" mkhost --tree "$tmp/host-tree" --host-out "$tmp/host.xml" --domain "$domain"
echo

# ---- in process -------------------------------------------------------------
step "$bench" inprocess --domain "$domain" --qemu-caps "$caps" --host "$tmp/host.xml" \
    -n "$iterations" --label inprocess
step "$bench" inprocess --domain "$domain" --qemu-caps "$caps" --host-root "$tmp/host-tree" \
    -n "$iterations" --label inprocess-hostroot
echo

# ---- whole virt-viommu runs -------------------------------------------------
step "$bench" spawn -n "$runs" --devices "$ndevices" --label virt-viommu \
    --output "$tmp/virt-viommu.out" -- \
    "$tool" domxml-to-native --qemu-caps "$caps" --host "$tmp/host.xml" "$domain"
step "$bench" spawn -n "$runs" --devices "$ndevices" --label virt-viommu-hostroot -- \
    "$tool" domxml-to-native --qemu-caps "$caps" --host-root "$tmp/host-tree" "$domain"
# process start-up alone, for scale
step "$bench" spawn -n "$runs" --label virt-viommu-startup -- "$tool" --version
n=$(count_vfio "$tmp/virt-viommu.out")
echo "# virt-viommu argv: $(wc -c < "$tmp/virt-viommu.out") bytes, $n vfio-pci devices"
[ "$n" = "$ndevices" ] || die "virt-viommu emitted $n vfio-pci devices, expected $ndevices"

# ---- virsh on the embedded driver -------------------------------------------
if [ "$virsh_enabled" = 1 ]; then
    echo
    # Each cold run uses a fresh embed root: libvirt probes QEMU and writes
    # its capabilities cache there. The last root is kept for the warm
    # runs; its first run is the last cold sample.
    k=1
    while [ "$k" -lt "$cold" ]; do
        mkdir -p "$tmp/embed-$k"
        step in_ns "$bench" spawn -n 1 --devices "$ndevices" --label "virsh.cold$k" -- \
            "$virsh" -c "qemu:///embed?root=$tmp/embed-$k" domxml-to-native qemu-argv "$lvdomain"
        k=$((k + 1))
    done
    mkdir -p "$tmp/embed-$k"
    step in_ns "$bench" spawn -n $((runs + 1)) --first-apart --devices "$ndevices" \
        --label virsh --output "$tmp/virsh.out" -- \
        "$virsh" -c "qemu:///embed?root=$tmp/embed-$k" domxml-to-native qemu-argv "$lvdomain"
    # virsh start-up plus opening the embedded driver on the warm root
    step in_ns "$bench" spawn -n "$runs" --label virsh-startup -- \
        "$virsh" -c "qemu:///embed?root=$tmp/embed-$k" uri
    n=$(count_vfio "$tmp/virsh.out")
    echo "# virsh argv: $(wc -c < "$tmp/virsh.out") bytes, $n vfio-pci devices"
    [ "$n" = "$ndevices" ] || die "virsh emitted $n vfio-pci devices, expected $ndevices"
fi

# ---- summary ----------------------------------------------------------------
echo
awk -v devices="$ndevices" '
    function val(line, key,    re, m) {
        re = " " key "=[0-9.]+"
        if (!match(line, re)) return ""
        m = substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2)
        return m + 0
    }
    {
        label = $2
        med[label] = val($0, "median_us")
        mean[label] = val($0, "mean_us")
        if (label ~ /^virsh\.cold[0-9]+$/ || label == "virsh.first")
            cold[++ncold] = med[label]
    }
    function ms(us) { return sprintf("%.2f ms", us / 1000) }
    function ratio(a, b) { return sprintf("%.3f (virsh takes %.1fx as long)", a / b, b / a) }
    END {
        printf "summary (medians; per device = / %d)\n", devices
        printf "  in process, saved host doc:  %s per iteration, %.1f us per device\n", ms(med["inprocess"]), med["inprocess"] / devices
        printf "  in process, captured tree:   %s per iteration, %.1f us per device\n", ms(med["inprocess-hostroot"]), med["inprocess-hostroot"] / devices
        printf "  virt-viommu whole run:       %s (--host), %s (--host-root); start-up alone (--version) %s\n", ms(med["virt-viommu"]), ms(med["virt-viommu-hostroot"]), ms(med["virt-viommu-startup"])
        if (!("virsh" in med))
            exit
        # cold samples: sort for the median
        for (i = 1; i <= ncold; i++)
            for (j = i + 1; j <= ncold; j++)
                if (cold[j] < cold[i]) { t = cold[i]; cold[i] = cold[j]; cold[j] = t }
        c = ncold % 2 ? cold[(ncold + 1) / 2] : (cold[ncold / 2] + cold[ncold / 2 + 1]) / 2
        printf "  virsh cold (fresh root):     %s median of %d (min %s, max %s)\n", ms(c), ncold, ms(cold[1]), ms(cold[ncold])
        printf "  virsh warm (same root):      %s; start-up and driver open alone (uri) %s\n", ms(med["virsh"]), ms(med["virsh-startup"])
        printf "ratios\n"
        printf "  virt-viommu whole run / virsh warm:  %s\n", ratio(med["virt-viommu"], med["virsh"])
        printf "  in process / virsh warm:             %s\n", ratio(med["inprocess"], med["virsh"])
        printf "  virt-viommu whole run / virsh cold:  %s\n", ratio(med["virt-viommu"], c)
    }' "$results"
