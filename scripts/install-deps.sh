#!/bin/sh
# Install every build and test dependency of libvirt-viommu on Debian
# bookworm (run as root). Newer QEMU, libvirt, meson and debootstrap come
# from bookworm-backports. Safe to run again: it only installs what is
# missing.
set -eu

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        exec sudo -E "$0" "$@"
    fi
    echo "install-deps.sh: must run as root (apt-get)" >&2
    exit 2
fi

export DEBIAN_FRONTEND=noninteractive

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
bpo=/etc/apt/sources.list.d/libvirt-viommu-backports.list
if ! grep -rqs "${codename}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb http://deb.debian.org/debian ${codename}-backports main" > "$bpo"
fi

# Packages: "name" from the release, "name/bpo" from backports.
pkgs="build-essential ninja-build pkg-config gettext git
      libglib2.0-dev libxml2-dev libxml2-utils libjson-glib-dev
      clang libclang-rt-14-dev valgrind python3
      meson/bpo debootstrap/bpo
      qemu-system-x86/bpo qemu-system-arm/bpo qemu-utils/bpo
      libvirt-dev/bpo libvirt-daemon/bpo libvirt-daemon-driver-qemu/bpo
      libvirt-clients/bpo ovmf python3-docutils"

missing_rel=""
missing_bpo=""
for p in $pkgs; do
    name=${p%/bpo}
    if ! dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed'; then
        if [ "$name" != "$p" ]; then
            missing_bpo="$missing_bpo $name"
        else
            missing_rel="$missing_rel $name"
        fi
    fi
done

# meson from backports is needed too if the installed one is too old
if dpkg --compare-versions "$(dpkg-query -W -f='${Version}' meson 2>/dev/null || echo 0)" lt 1.1; then
    case " $missing_bpo " in *" meson "*) ;; *) missing_bpo="$missing_bpo meson" ;; esac
fi

if [ -n "$missing_rel$missing_bpo" ]; then
    apt-get update -q
    if [ -n "$missing_rel" ]; then
        apt-get install -y -q --no-install-recommends $missing_rel
    fi
    if [ -n "$missing_bpo" ]; then
        apt-get install -y -q --no-install-recommends -t "${codename}-backports" $missing_bpo
    fi
fi
echo "install-deps.sh: all dependencies present"
