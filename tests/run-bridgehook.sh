#!/bin/sh
# The virt-viommu hook driven by a real libvirt start.
#
# libvirt's embedded driver (qemu:///embed) runs no hooks, so a private
# libvirtd is started (scripts/with-libvirtd.sh: a mount namespace of its
# own, tmpfs over libvirt's directories, nothing of the host's libvirt
# seen or changed) with the build's hook installed as qemu.d/virt-viommu,
# and real "virsh start"s go through it:
#   1. a domain defined through virt-viommu starts;
#   2. the same domain with its metadata edited to ask for what the QEMU
#      cannot do is refused, with exactly the message "virt-viommu
#      validate" gives for that request, and is left shut off;
#   3. a domain without virt-viommu's metadata starts, untouched.
#
# Without --libvirt-12 the daemon is the host's (libvirt 11.3, QEMU 10.0):
# the domain is Intel scalable-mode with a 1-bit PASID, and the edit asks
# for 20 PASID bits. With --libvirt-12 it is libvirt 12.9 in the QEMU 11.1
# chroot (scripts/with-libvirt-12.sh), where the hook runs the host-built
# virt-viommu-hook-check inside the chroot: the domain is Intel nesting +
# 20-bit PASID, and the edit asks for aw_bits 39, which QEMU 11.1 refuses
# with nesting. There define and validate use the recorded QEMU 11.1
# capabilities (tests/qemucapabilitiesdata), as the host's QEMU is 10.0.
# The domains are adapted to TCG (this machine has no KVM).
#
# usage: run-bridgehook.sh [--libvirt-12] BUILDDIR SRCDIR
# Exit 77 (skipped) without root, a mount namespace or the libvirtd.
set -eu

variant=11.3
opt=
if [ "${1:-}" = --libvirt-12 ]; then
    variant=12.9
    opt=$1
    shift
fi
builddir=$1
srcdir=$2

if [ "${BRIDGEHOOK_INNER:-}" != 1 ]; then
    case $variant in
        11.3) launcher=$srcdir/scripts/with-libvirtd.sh ;;
        12.9) launcher=$srcdir/scripts/with-libvirt-12.sh ;;
    esac
    BRIDGEHOOK_INNER=1 exec "$launcher" --hook "$builddir/tools/virt-viommu-hook" \
        "$0" ${opt:+"$opt"} "$builddir" "$srcdir"
fi

vv="$builddir/tools/virt-viommu"
uri=$LIBVIRT_URI
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }
echo "libvirt $variant: $(virsh -c "$uri" version | sed -n 's/^Running hypervisor: //p')"

case $variant in
    11.3)
        name=intel-scalable-pasid-1bit
        caps=
        # metadata edit (sed on dumpxml) and the same request in the
        # domain as written (sed on the test domain)
        edit="s/pasid_bits=\"1\"/pasid_bits=\"20\"/;s/pasid_bits='1'/pasid_bits='20'/"
        want_edit="s/pasid_bits='1'/pasid_bits='20'/"
        # a metadata edit validate accepts, which the override does not
        # follow: the PASID dropped, x-pasid-mode still set
        disagree='s/ pasid_bits="1"//'
        disagree_msg="<iommu> 'ua-iommu0': 'x-pasid-mode' is true with its <qemu:override> but unset with the virt-viommu metadata: the two disagree (was one of them edited?)"
        ;;
    12.9)
        name=intel-pasid-20-emulated
        caps=$srcdir/tests/qemucapabilitiesdata/caps_11.1.3_x86_64.xml
        edit='s/<viommu:driver nesting="on" pasid="on"/& aw_bits="39"/'
        want_edit="s/<driver nesting='on' pasid='on'/& aw_bits='39'/"
        disagree='s/<viommu:driver nesting="on" pasid="on"/<viommu:driver nesting="on"/'
        disagree_msg="<iommu> 'ua-iommu0': 'pasid-bits' is 20 with its <qemu:override> but unset with the virt-viommu metadata: the two disagree (was one of them edited?)"
        ;;
esac
sed -e "s/<domain type='kvm'/<domain type='qemu'/" -e "/<cpu mode='host-passthrough'/d" \
    "$srcdir/tests/qemuxmlconfdata/$name.xml" > "$work/dom.xml"

# 1. a domain defined through the bridge: plain "virsh start" passes the hook
"$vv" define -c "$uri" ${caps:+--qemu-caps "$caps"} "$work/dom.xml" >/dev/null
if virsh -q -c "$uri" start "$name" >/dev/null 2>"$work/err"; then
    ok "hook accepts a domain defined through virt-viommu"
else
    bad "hook refused a good domain: $(cat "$work/err")"
fi
virsh -q -c "$uri" destroy "$name" >/dev/null 2>&1 || true

# 2. the metadata asks for what this QEMU cannot do: the hook refuses with
#    the message validate gives for the same request
virsh -q -c "$uri" dumpxml --inactive "$name" | sed -e "$edit" > "$work/edited.xml"
if cmp -s "$work/edited.xml" "$work/dom.xml" || ! grep -q "viommu:" "$work/edited.xml"; then
    bad "dumpxml has no virt-viommu metadata to edit"
fi
virsh -q -c "$uri" define "$work/edited.xml" >/dev/null
sed -e "$want_edit" "$work/dom.xml" > "$work/want.xml"
want=$("$vv" validate ${caps:+--qemu-caps "$caps"} "$work/want.xml" 2>&1 |
       sed -n 's/^error: //p')
if virsh -q -c "$uri" start "$name" >/dev/null 2>"$work/err"; then
    bad "hook let through a domain validate refuses"
    virsh -q -c "$uri" destroy "$name" >/dev/null 2>&1 || true
elif [ -n "$want" ] && grep -qF -- "$want" "$work/err"; then
    ok "hook refuses with the validate message"
    sed 's/^/    /' "$work/err"
else
    bad "hook refusal without the validate message '$want': $(cat "$work/err")"
fi
if [ "$(virsh -q -c "$uri" domstate "$name")" = "shut off" ]; then
    ok "the refused domain is not running"
else
    bad "the refused domain runs"
fi

# 3. the metadata edited to something valid that the override does not
#    give: the hook refuses, naming the disagreement
"$vv" define -c "$uri" ${caps:+--qemu-caps "$caps"} "$work/dom.xml" >/dev/null
virsh -q -c "$uri" dumpxml --inactive "$name" | sed -e "$disagree" > "$work/edited.xml"
virsh -q -c "$uri" define "$work/edited.xml" >/dev/null
if virsh -q -c "$uri" start "$name" >/dev/null 2>"$work/err"; then
    bad "hook let through metadata the override does not follow"
    virsh -q -c "$uri" destroy "$name" >/dev/null 2>&1 || true
elif grep -qF -- "$disagree_msg" "$work/err"; then
    ok "hook refuses metadata the override does not follow"
else
    bad "hook refusal without '$disagree_msg': $(cat "$work/err")"
fi
virsh -q -c "$uri" undefine "$name" >/dev/null

# 4. a domain without our metadata is left alone
sed -e "s/<name>[^<]*</<name>plain</" -e "/<iommu/,/<\/iommu>/d" "$work/dom.xml" > "$work/plain.xml"
virsh -q -c "$uri" define "$work/plain.xml" >/dev/null
if virsh -q -c "$uri" start plain >/dev/null 2>"$work/err"; then
    ok "hook passes a domain without virt-viommu metadata"
else
    bad "hook refused a plain domain: $(cat "$work/err")"
fi
virsh -q -c "$uri" destroy plain >/dev/null 2>&1 || true
virsh -q -c "$uri" undefine plain >/dev/null

echo "libvirt $variant: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
