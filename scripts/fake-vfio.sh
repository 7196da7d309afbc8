# Sourced by scripts/fake-vfio-host.sh and scripts/with-libvirtd.sh, never
# run: the mounts that make ROOT look like a host that can assign PCI
# devices through VFIO (see fake-vfio-host.sh).

# Is this shell in a mount namespace other than its parent's? Both must be
# readable; anything else counts as "no", so nothing is ever mounted on
# the host's own tree.
in_private_mount_ns() {
    self=$(readlink /proc/self/ns/mnt 2>/dev/null || true)
    parent=$(readlink "/proc/$PPID/ns/mnt" 2>/dev/null || true)
    [ -n "$self" ] && [ -n "$parent" ] && [ "$self" != "$parent" ]
}

# fake_vfio_mount ROOT: ROOT/dev becomes a tmpfs with the host's null,
# zero, full, random, urandom, tty, kvm, net/tun, vhost-net (those it has)
# and pts, plus the nodes vfio/vfio (10:196) and iommu (10:123);
# ROOT/sys/kernel/iommu_groups (ROOT/sys a sysfs already) a tmpfs with one
# group "0". The caller has checked in_private_mount_ns.
fake_vfio_mount() {
    froot=${1%/}
    # the real nodes stay reachable through a private bind of /dev
    real=$(mktemp -d)
    mount --rbind /dev "$real"
    mount -t tmpfs -o mode=755 fakedev "$froot/dev"
    mkdir -p "$froot/dev/pts" "$froot/dev/shm" "$froot/dev/vfio" "$froot/dev/net"
    for n in null zero full random urandom tty kvm net/tun vhost-net; do
        [ -c "$real/$n" ] || continue
        touch "$froot/dev/$n"
        mount --bind "$real/$n" "$froot/dev/$n"
    done
    mount --bind "$real/pts" "$froot/dev/pts"
    ln -s pts/ptmx "$froot/dev/ptmx"
    ln -s /proc/self/fd "$froot/dev/fd"
    mknod "$froot/dev/vfio/vfio" c 10 196
    mknod "$froot/dev/iommu" c 10 123
    umount -l "$real"
    rmdir "$real"
    mount -t tmpfs fakegroups "$froot/sys/kernel/iommu_groups"
    mkdir "$froot/sys/kernel/iommu_groups/0"
}
