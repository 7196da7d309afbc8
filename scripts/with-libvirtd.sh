#!/bin/sh
# Run a command beside a private libvirtd: the host's, or the one of a
# chroot (scripts/with-libvirt-12.sh uses the QEMU 11.1 chroot's 12.9).
#
# libvirt's embedded driver (qemu:///embed) runs no hooks and runs inside
# the client process, so whatever needs a real daemon (the QEMU hook; a
# libvirt other than the one the client links) starts one here. The
# daemon lives in a mount namespace of its own, with tmpfs over libvirt's
# configuration, state, cache, log and socket directories: it sees none of
# the host's domains, and nothing is left behind. COMMAND runs in the same
# namespace with LIBVIRT_URI set to qemu:///system?socket=... of that
# daemon; the daemon is stopped when COMMAND ends, and the exit status is
# COMMAND's.
#
# usage: with-libvirtd.sh [--chroot ROOT] [--hook PATH] [--fake-vfio]
#                         COMMAND [ARGS...]
#
#   --chroot ROOT  start ROOT/usr/sbin/libvirtd chrooted into ROOT, with
#                  /dev, /proc and /sys mounted there, and /tmp and the
#                  working directory bind-mounted at the same paths (as
#                  the chroot script's wrappers do); the host's OVMF is
#                  lent to a chroot that has none.
#   --hook PATH    install PATH as the QEMU hook qemu.d/virt-viommu (a
#                  symbolic link, so the hook still finds what lies beside
#                  it). With --chroot, PATH's directory is bind-mounted at
#                  the same path inside ROOT.
#   --fake-vfio    stand in for a host with VFIO, without hardware
#                  (scripts/fake-vfio-host.sh): domains with a <hostdev>
#                  can be defined (not started).
#
# Exit 77 (skipped) without root, a mount namespace or a libvirtd.
set -eu

usage() {
    echo "usage: with-libvirtd.sh [--chroot ROOT] [--hook PATH] [--fake-vfio] COMMAND [ARGS...]" >&2
    exit 2
}

root=
hook=
fake=0
while [ $# -gt 0 ]; do
    case $1 in
        --chroot) [ $# -ge 2 ] || usage; root=$2; shift 2 ;;
        --hook) [ $# -ge 2 ] || usage; hook=$2; shift 2 ;;
        --fake-vfio) fake=1; shift ;;
        --) shift; break ;;
        -*) usage ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || usage
if [ -n "$root" ]; then
    root=$(cd "$root" && pwd)
fi
if [ -n "$hook" ]; then
    hook=$(readlink -f "$hook")
    [ -x "$hook" ] || { echo "with-libvirtd.sh: $hook is not executable" >&2; exit 2; }
fi

. "$(dirname "$0")/fake-vfio.sh"
if ! in_private_mount_ns; then
    if [ "$(id -u)" -ne 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
        echo "SKIP: needs root and a mount namespace"
        exit 77
    fi
    if [ -n "$root" ] && [ ! -x "$root/usr/sbin/libvirtd" ]; then
        echo "SKIP: no libvirtd in $root"
        exit 77
    fi
    if [ -z "$root" ] && ! command -v libvirtd >/dev/null 2>&1; then
        echo "SKIP: no libvirtd"
        exit 77
    fi
    set -- -- "$@"
    [ "$fake" = 0 ] || set -- --fake-vfio "$@"
    [ -z "$hook" ] || set -- --hook "$hook" "$@"
    [ -z "$root" ] || set -- --chroot "$root" "$@"
    exec unshare --mount --propagation private "$0" "$@"
fi

if [ -n "$root" ]; then
    [ "$fake" = 1 ] || mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    cwd=$(pwd)
    for d in /tmp "$cwd" ${hook:+"$(dirname "$hook")"}; do
        mkdir -p "$root$d"
        mount --bind "$d" "$root$d"
    done
    # a chroot without OVMF (the QEMU 11.1 one has AAVMF only) is lent
    # the host's, with its firmware descriptors (on a tmpfs copy of the
    # chroot's descriptor directory)
    fw=$root/usr/share/qemu/firmware
    if [ -d /usr/share/OVMF ] && [ -d "$fw" ] &&
       [ -z "$(ls -A "$root/usr/share/OVMF" 2>/dev/null)" ]; then
        mkdir -p "$root/usr/share/OVMF"
        mount --bind /usr/share/OVMF "$root/usr/share/OVMF"
        saved=$(mktemp -d)
        cp -a "$fw/." "$saved"
        mount -t tmpfs firmware "$fw"
        cp -a "$saved/." "$fw"
        rm -rf "$saved"
        for f in /usr/share/qemu/firmware/*edk2-x86_64*.json; do
            if [ -f "$f" ]; then cp "$f" "$fw/"; fi
        done
    fi
fi
if [ "$fake" = 1 ]; then
    fake_vfio_mount "${root:-/}"
fi

for d in etc/libvirt run var/lib/libvirt var/cache/libvirt var/log/libvirt; do
    mkdir -p "$root/$d"
    mount -t tmpfs libvirtd "$root/$d"
done
mkdir -p "$root/run/libvirt"
cat > "$root/etc/libvirt/qemu.conf" <<'CONF'
stdio_handler = "file"
namespaces = []
user = "root"
group = "root"
security_driver = "none"
cgroup_controllers = []
CONF
cat > "$root/etc/libvirt/libvirtd.conf" <<'CONF'
log_outputs = "1:file:/var/log/libvirt/libvirtd.log"
CONF
if [ -n "$hook" ]; then
    mkdir -p "$root/etc/libvirt/hooks/qemu.d"
    ln -s "$hook" "$root/etc/libvirt/hooks/qemu.d/virt-viommu"
fi

# a clean environment: nothing of the caller's (a test harness's
# LD_PRELOAD or sanitizer options, LIBVIRT_*) reaches the daemon or hook
env=$(command -v env)
${root:+chroot "$root"} "$env" -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LC_ALL=C.UTF-8 libvirtd --pid-file /run/libvirtd.pid &
daemon=$!
sock=$root/run/libvirt/libvirt-sock
# QEMU outlives libvirtd: the domains still running are destroyed first,
# also when the run is interrupted (a test harness's timeout)
cleanup() {
    trap - EXIT INT TERM HUP
    if command -v virsh >/dev/null 2>&1 && [ -S "$sock" ]; then
        for dom in $(virsh -q -c "qemu:///system?socket=$sock" list --name 2>/dev/null); do
            virsh -q -c "qemu:///system?socket=$sock" destroy "$dom" >/dev/null 2>&1 || true
        done
    fi
    kill $daemon 2>/dev/null
    wait $daemon 2>/dev/null || true
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP
i=0
while [ ! -S "$sock" ]; do
    i=$((i + 1))
    if [ $i -gt 200 ] || ! kill -0 $daemon 2>/dev/null; then
        echo "FAIL: libvirtd${root:+ in $root} did not open its socket"
        tail -n 20 "$root/var/log/libvirt/libvirtd.log" 2>/dev/null || true
        exit 1
    fi
    sleep 0.1
done

# COMMAND in the background (with this script's standard input), so that
# a signal reaches the trap at once rather than when COMMAND ends
exec 3<&0
LIBVIRT_URI="qemu:///system?socket=$sock" "$@" 0<&3 &
cmd=$!
trap 'kill $cmd 2>/dev/null; cleanup; exit 130' INT TERM HUP
rc=0
wait $cmd || rc=$?
exit $rc
