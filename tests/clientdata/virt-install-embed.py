#!/usr/bin/env python3
# Run virt-install (virtinst, as installed in the QEMU 11.1 chroot) against
# libvirt's embedded QEMU driver, with assigned PCI devices that the
# machine does not have.
#
#   virt-install-embed.py [--pci BDF]... -- VIRT-INSTALL-ARGS...
#
# qemu:///embed needs an event loop, which virt-install does not register
# itself: this registers libvirt's default one and runs it in a thread, as
# virt-manager does. The embedded driver has no node device driver, so
# virt-install could not find a host PCI device for --host-device; each
# --pci BDF becomes a node device "pci_DDDD_BB_SS_F" in virtinst's list of
# the host's devices (the host boundary only: virt-install copies the
# address from it into <hostdev><source><address>, as on a real host).
import sys
import threading

import libvirt

sys.path.insert(0, "/usr/share/virt-manager")
from virtinst import virtinstall                  # noqa: E402
from virtinst.connection import VirtinstConnection  # noqa: E402
from virtinst.nodedev import NodeDevice           # noqa: E402

NODEDEV = """<device>
  <name>pci_{d:04x}_{b:02x}_{s:02x}_{f:x}</name>
  <parent>computer</parent>
  <driver><name>vfio-pci</name></driver>
  <capability type='pci'>
    <domain>{d}</domain>
    <bus>{b}</bus>
    <slot>{s}</slot>
    <function>{f}</function>
  </capability>
</device>
"""


def parse_bdf(bdf):
    dom, bus, rest = bdf.split(":")
    slot, fn = rest.split(".")
    return int(dom, 16), int(bus, 16), int(slot, 16), int(fn, 16)


def main():
    args = sys.argv[1:]
    pcis = []
    while args and args[0] == "--pci":
        pcis.append(parse_bdf(args[1]))
        args = args[2:]
    if not args or args[0] != "--":
        sys.exit("usage: virt-install-embed.py [--pci BDF]... -- ARGS...")
    args = args[1:]

    def fetch_all_nodedevs(self):
        return [NodeDevice(self, parsexml=NODEDEV.format(d=d, b=b, s=s, f=f))
                for d, b, s, f in pcis]
    VirtinstConnection.fetch_all_nodedevs = fetch_all_nodedevs

    libvirt.virEventRegisterDefaultImpl()

    def loop():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=loop, daemon=True).start()

    sys.argv = ["virt-install"] + args
    return virtinstall.runcli()


if __name__ == "__main__":
    sys.exit(main())
