#!/bin/sh
# The virt-viommu hook driven by a real libvirt start.
#
# libvirt's embedded driver (qemu:///embed) runs no hooks, so this starts
# a private libvirtd: in a mount namespace of its own, with tmpfs over
# libvirt's configuration, state and socket directories, the hook
# installed there as qemu.d/virt-viommu. Nothing of the host's libvirt is
# seen or changed. Needs root (mount namespace); skipped (exit 77)
# otherwise.
#
# usage: run-bridgehook.sh BUILDDIR SRCDIR
set -eu

builddir=$1
srcdir=$2

if [ "${BRIDGEHOOK_INNER:-}" != 1 ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v libvirtd >/dev/null 2>&1 ||
       ! unshare --mount --propagation private true 2>/dev/null; then
        echo "SKIP: needs root, libvirtd and a mount namespace"
        exit 77
    fi
    BRIDGEHOOK_INNER=1 exec unshare --mount --propagation private "$0" "$@"
fi

for d in /etc/libvirt /run /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
    mount -t tmpfs bridgehook "$d"
done
mkdir -p /etc/libvirt/hooks/qemu.d /run/libvirt
ln -s "$builddir/tools/virt-viommu-hook" /etc/libvirt/hooks/qemu.d/virt-viommu
cat > /etc/libvirt/qemu.conf <<'CONF'
stdio_handler = "file"
namespaces = []
user = "root"
group = "root"
security_driver = "none"
cgroup_controllers = []
CONF
cat > /etc/libvirt/libvirtd.conf <<'CONF'
log_outputs = "1:file:/var/log/libvirt/libvirtd.log"
CONF

libvirtd --pid-file /run/libvirtd.pid &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
i=0
while [ ! -S /run/libvirt/libvirt-sock ]; do
    i=$((i + 1))
    if [ $i -gt 100 ]; then
        echo "FAIL: libvirtd did not open its socket"
        exit 1
    fi
    sleep 0.1
done

vv="$builddir/tools/virt-viommu"
uri=qemu:///system
work=$(mktemp -d)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }

# TCG form of a test domain (this machine has no KVM)
sed -e "s/<domain type='kvm'/<domain type='qemu'/" -e "/<cpu mode='host-passthrough'/d" \
    "$srcdir/tests/qemuxmlconfdata/intel-scalable-pasid-1bit.xml" > "$work/dom.xml"
name=intel-scalable-pasid-1bit

# 1. a domain defined through the bridge: plain "virsh start" passes the hook
"$vv" define -c "$uri" "$work/dom.xml" >/dev/null
if virsh -q -c "$uri" start "$name" >/dev/null 2>"$work/err"; then
    ok "hook accepts a domain defined through virt-viommu"
else
    bad "hook refused a good domain: $(cat "$work/err")"
fi
virsh -q -c "$uri" destroy "$name" >/dev/null 2>&1 || true

# 2. the metadata asks for what this QEMU cannot do: the hook refuses with
#    the message validate gives for the same request
virsh -q -c "$uri" dumpxml --inactive "$name" |
    sed -e 's/pasid_bits="1"/pasid_bits="20"/' -e "s/pasid_bits='1'/pasid_bits='20'/" \
    > "$work/edited.xml"
virsh -q -c "$uri" define "$work/edited.xml" >/dev/null
sed -e "s/pasid_bits='1'/pasid_bits='20'/" "$work/dom.xml" > "$work/want.xml"
want=$("$vv" validate "$work/want.xml" 2>&1 | sed -n 's/^error: //p')
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
virsh -q -c "$uri" undefine "$name" >/dev/null

# 3. a domain without our metadata is left alone
sed -e "s/<name>[^<]*</<name>plain</" -e "/<iommu/,/<\/iommu>/d" "$work/dom.xml" > "$work/plain.xml"
virsh -q -c "$uri" define "$work/plain.xml" >/dev/null
if virsh -q -c "$uri" start plain >/dev/null 2>"$work/err"; then
    ok "hook passes a domain without virt-viommu metadata"
else
    bad "hook refused a plain domain: $(cat "$work/err")"
fi
virsh -q -c "$uri" destroy plain >/dev/null 2>&1 || true
virsh -q -c "$uri" undefine plain >/dev/null

rm -rf "$work"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
