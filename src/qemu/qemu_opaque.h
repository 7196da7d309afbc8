/*
 * qemu_opaque.h: what the QEMU command line built from the model leaves
 *                out, and where libvirt would put the devices it leaves out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The conf layer keeps every part of a domain it does not model as the
 * user wrote it (virDomainDefOpaqueParts). Two QEMU questions remain about
 * those parts: which of them occupy a PCI slot when libvirt lays the domain
 * out (so that the devices we do translate land where libvirt puts them),
 * and which modeled devices the command-line builder cannot express.
 */
#pragma once

#include "domain_conf.h"

typedef enum {
    QEMU_OPAQUE_PCI_NONE = 0,   /* not a PCI device (USB, ISA, virtio-serial port, ...) */
    QEMU_OPAQUE_PCI_EXPRESS,    /* a PCIe endpoint: a root port on q35 */
    QEMU_OPAQUE_PCI_CONVENTIONAL, /* a conventional PCI device */
} qemuOpaquePCIKind;

/* How libvirt's QEMU driver connects the opaque device @dev to PCI. */
qemuOpaquePCIKind qemuOpaqueDevicePCIKind(const virDomainOtherDeviceDef *dev);

/* Which of libvirt's address-assignment stages the opaque device @dev
 * belongs to ("interface", "sound", "video", ...: the element name, except
 * that an <interface type='hostdev'> goes with the hostdevs) */
const char *qemuOpaqueDeviceStage(const virDomainOtherDeviceDef *dev);

/* The first <video> of @def when libvirt gives it the primary video slot
 * (00:01.0 on q35, 00:02.0 on i440fx), else NULL */
virDomainOtherDeviceDef *qemuOpaquePrimaryVideo(const virDomainDef *def);

/* Is @dev an ICH9 sound card (which libvirt puts at 00:1b.0 on q35)? */
bool qemuOpaqueIsICH9Sound(const virDomainOtherDeviceDef *dev);

/* Does libvirt add a virtio-serial controller to @def (a virtio channel
 * or console, and no virtio-serial controller)? */
bool qemuOpaqueNeedsVirtioSerial(const virDomainDef *def);

/* Does the command-line builder express this controller? (USB qemu-xhci
 * or none, virtio-scsi, PCI, the q35 built-in SATA) */
bool qemuControllerIsTranslated(const virDomainDef *def,
                                const virDomainControllerDef *cont);

/* <os firmware='efi'> without a loader image: libvirt picks the image
 * from the host's firmware descriptors, which the command line leaves out */
bool qemuFirmwareIsAutoselected(const virDomainDef *def);

/* Everything in @def the command line leaves out: the opaque parts and the
 * modeled devices the builder does not express, each once, as
 * "domain/devices/controller[@type='virtio-serial']"-like paths. */
GStrv qemuDomainLeftOut(const virDomainDef *def);
