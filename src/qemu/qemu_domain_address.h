/*
 * qemu_domain_address.h: PCI topology of a domain the way libvirt's QEMU
 *                        driver lays it out at define time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "domain_conf.h"
#include "qemu_capabilities.h"
#include "qemu_json.h"

/*
 * Complete @def the way libvirt does when a domain is defined:
 *  - the implicit devices of the machine type: pcie-root (index 0) on
 *    q35 and virt; on x86 a default USB controller (qemu-xhci) when no USB
 *    controller is given, and a virtio memballoon when no <memballoon> is;
 *  - a PCI address for every PCI device and controller that has none,
 *    adding one pcie-root-port per PCIe endpoint that needs a slot
 *    (endpoints are hot-pluggable and so never go on pcie.0), packed eight
 *    to a slot of pcie.0 (0x1, 0x1.0x1, ...), plus one spare root port when
 *    the user gave no PCI controller besides the root (as libvirt does so
 *    that the domain can take one hot-plugged device);
 *  - the defaults of controller targets: root port chassis = index,
 *    port = slot << 3 | function; downstream port chassis = index,
 *    port = slot; pci-bridge chassisNr = index; pcie-expander-bus busNr
 *    counting down from 254 in steps of 2 below the lowest busNr in use;
 *  - drive addresses of SATA and SCSI disks from their target names.
 * User-provided addresses and controllers are kept and checked: the bus
 * must exist and accept that kind of device, the slot must be free.
 * Errors name the device and the address.
 */
int qemuDomainAssignAddresses(virDomainDef *def, const virQEMUCaps *caps,
                              GError **error);

/* Machine type i440fx ("pc", "pc-i440fx-*") */
bool qemuDomainIsI440FX(const virDomainDef *def);

/* Machine types whose PCI layout qemuDomainAssignAddresses knows: q35,
 * i440fx and virt; it leaves any other alone */
bool qemuDomainHasPCILayout(const virDomainDef *def);

/* The USB controller that is the PIIX3's own UHCI function on i440fx (the
 * first USB controller when it has no model), or NULL */
virDomainControllerDef *qemuDomainFindPIIX3USB(const virDomainDef *def);

/* QEMU id of the PCI bus provided by the controller with index @busIdx:
 * "pcie.0" / "pci.0" for the root, else the controller's alias ("pci.N").
 * NULL when there is no such PCI controller. */
const char *qemuDomainPCIBusAlias(const virDomainDef *def, unsigned int busIdx);

/* Add "bus", "multifunction" (when set) and "addr" of a device with a PCI
 * address to @props the way libvirt writes them, e.g.
 * "bus":"pci.1","addr":"0x0" or "bus":"pcie.0","multifunction":true,
 * "addr":"0x1". Nothing when @info has no PCI address. */
void qemuDomainPCIAddressProps(qemuJSONProps *props, const virDomainDef *def,
                               const virDomainDeviceInfo *info);
/* qemuDomainPCIAddressProps, then "acpi-index" when the device has one: the
 * tail of most -device values (disks and NICs put a bootindex between). */
void qemuDomainDeviceInfoProps(qemuJSONProps *props, const virDomainDef *def,
                               const virDomainDeviceInfo *info);

/* The QEMU device name of a PCI controller: its <model name=> if given,
 * else the default for the model (pcie-root-port, pxb-pcie, ...); NULL for
 * the roots. */
const char *qemuDomainPCIControllerDriver(const virDomainControllerDef *cont);
