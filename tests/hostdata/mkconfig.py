#!/usr/bin/env python3
# Re-make the binary PCI "config" files of the captured host trees.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Each device below gets a 4096-byte config space image (what root reads
# from /sys/bus/pci/devices/BDF/config) with a type-0 header, a PCI Express
# capability and the extended capabilities listed, chained from 0x100.
# A device marked "short" gets the 64 bytes an unprivileged reader sees.
#
# usage: tests/hostdata/mkconfig.py [--check]
#   --check  compare instead of writing; exit 1 when a file differs

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# extended capability IDs
AER, ACS, ATS, SRIOV, PRI, PASID = 0x0001, 0x000D, 0x000F, 0x0010, 0x0013, 0x001B


def aer():
    return (AER, 2, bytes(0x48 - 4))


def acs():
    # ACS capability: source validation, request redirect, completion redirect,
    # upstream forwarding (bits 0..4); control all zero
    return (ACS, 1, struct.pack("<HH", 0x001F, 0x0000))


def ats(enabled=False, depth=0, page_aligned=True):
    cap = (depth & 0x1F) | (0x20 if page_aligned else 0)
    ctl = 0x8000 if enabled else 0
    return (ATS, 1, struct.pack("<HH", cap, ctl))


def pri(enabled=False, pasid_required=True, capacity=0x200):
    ctl = 0x1 if enabled else 0
    status = 0x8000 if pasid_required else 0
    return (PRI, 1, struct.pack("<HHII", ctl, status, capacity, 0))


def pasid(width, exec_=False, priv=False, enabled=False, exec_en=False,
          priv_en=False):
    cap = (0x2 if exec_ else 0) | (0x4 if priv else 0) | ((width & 0x1F) << 8)
    ctl = (0x1 if enabled else 0) | (0x2 if exec_en else 0) | (0x4 if priv_en else 0)
    return (PASID, 1, struct.pack("<HH", cap, ctl))


def sriov(total_vfs=4):
    body = bytearray(0x40 - 4)
    struct.pack_into("<H", body, 0x0E - 4, total_vfs)   # TotalVFs
    struct.pack_into("<H", body, 0x0C - 4, total_vfs)   # InitialVFs
    return (SRIOV, 1, bytes(body))


def image(vendor, device, cls, ext, short=False):
    cfg = bytearray(4096)
    struct.pack_into("<HH", cfg, 0x00, vendor, device)
    struct.pack_into("<H", cfg, 0x06, 0x0010)          # status: cap list
    struct.pack_into("<I", cfg, 0x08, cls << 8)        # class code, rev 0
    cfg[0x34] = 0x40                                   # first capability
    # PCI Express capability (ID 0x10), version 2, endpoint, end of list
    struct.pack_into("<BBH", cfg, 0x40, 0x10, 0x00, 0x0002)
    off = 0x100
    for i, (cid, ver, body) in enumerate(ext):
        size = (4 + len(body) + 3) & ~3
        nxt = off + size if i + 1 < len(ext) else 0
        struct.pack_into("<I", cfg, off, cid | (ver << 16) | (nxt << 20))
        cfg[off + 4:off + 4 + len(body)] = body
        off += size
    assert off <= 4096
    return bytes(cfg[:64]) if short else bytes(cfg)


NVME, ETH, ACCEL, VGA, AUDIO = 0x010802, 0x020000, 0x088000, 0x030000, 0x040300

# tree -> device address -> config image
DEVICES = {
    "intel-server-sm": {
        # Intel DSA (Sapphire Rapids accelerator): PASID enabled by the host
        "0000:6a:01.0": image(0x8086, 0x0b25, ACCEL,
                              [aer(), ats(enabled=True), pri(),
                               pasid(20, priv=True, enabled=True, priv_en=True)]),
        # NVMe SSD without PASID or ATS
        "0000:03:00.0": image(0x144d, 0xa80a, NVME, [aer(), acs()]),
        # E810 PF with SR-IOV, PASID enabled, ATS; VFs read their PASID here
        "0000:17:00.0": image(0x8086, 0x1592, ETH,
                              [aer(), ats(), sriov(4), pri(),
                               pasid(20, exec_=True, priv=True, enabled=True)]),
        # its VF: ATS of its own, no PASID capability (it uses the PF's)
        "0000:17:01.0": image(0x8086, 0x1889, ETH, [ats()]),
    },
    "intel-client-nest": {
        # integrated GPU: PASID capability present but not enabled
        "0000:00:02.0": image(0x8086, 0x9a49, VGA,
                              [ats(), pri(), pasid(20, exec_=True, priv=True)]),
    },
    "intel-sm-off": {
        # the same DSA as on the server; with sm_off the host leaves PASID off
        "0000:6a:01.0": image(0x8086, 0x0b25, ACCEL,
                              [aer(), ats(), pri(), pasid(20, priv=True)]),
    },
    "smmuv3": {
        "0000:01:00.0": image(0x15b3, 0x1021, ETH,
                              [aer(), ats(enabled=True), pri(),
                               pasid(20, exec_=True, priv=True, enabled=True)]),
    },
    "amd": {
        "0000:41:00.0": image(0x144d, 0xa804, NVME, [aer()]),
    },
    "no-iommufd": {
        "0000:3b:00.0": image(0x10de, 0x1eb8, 0x030200, [aer()]),
        # the GPU's audio function, captured without CAP_SYS_ADMIN
        "0000:3b:00.1": image(0x10de, 0x10f8, AUDIO, [aer()], short=True),
    },
    "iommufd-eacces": {
        "0000:03:00.0": image(0x144d, 0xa80a, NVME, [aer()]),
    },
    "deep-errors": dict(
        [("0000:%02x:00.0" % b, image(0x8086, 0x1500 + b, ETH, [aer()]))
         for b in range(0x01, 0x0e)] +
        [("0000:01:00.1", image(0x8086, 0x1560, AUDIO, [aer()]))]),
}


def config_path(tree, addr):
    bus = addr[:7]          # "dddd:bb"
    return os.path.join(HERE, tree, "sys", "devices", "pci" + bus, addr,
                        "config")


def main():
    check = "--check" in sys.argv[1:]
    bad = 0
    good = 0
    for tree, devs in DEVICES.items():
        for addr, data in devs.items():
            path = config_path(tree, addr)
            if check:
                try:
                    with open(path, "rb") as f:
                        same = f.read() == data
                except OSError:
                    same = False
                if not same:
                    print("differs: %s" % os.path.relpath(path, HERE))
                    bad += 1
                else:
                    good += 1
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
    if check:
        print("mkconfig: %d passed, %d failed" % (good, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
