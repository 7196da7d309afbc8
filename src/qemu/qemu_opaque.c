/*
 * qemu_opaque.c: what the QEMU command line leaves out, and where libvirt
 *                puts the devices it leaves out
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The PCI kinds follow libvirt's QEMU driver (how it computes a device's
 * PCI connection and which devices its address assignment skips); they
 * matter because an opaque device that takes a slot or a root port moves
 * the devices assigned after it.
 */
#include <string.h>

#include "qemu_opaque.h"
#include "qemu_domain_address.h"
#include "virxml.h"

static bool
qemuOpaqueStrIn(const char *str, const char *const *list)
{
    size_t i;

    for (i = 0; str && list[i]; i++) {
        if (g_str_equal(str, list[i]))
            return true;
    }
    return false;
}

/* The attribute @attr of the child @child (NULL: of the element itself) */
static char *
qemuOpaqueProp(const virDomainOtherDeviceDef *dev, const char *child,
               const char *attr)
{
    xmlNodePtr node = dev->info.src;

    if (child)
        node = virXMLNodeGetChild(node, child);
    return node ? virXMLPropString(node, attr) : NULL;
}

/* virtio devices: a PCIe endpoint, except the transitional models */
static qemuOpaquePCIKind
qemuOpaqueVirtioKind(const char *model)
{
    if (g_strcmp0(model, "virtio-transitional") == 0)
        return QEMU_OPAQUE_PCI_CONVENTIONAL;
    return QEMU_OPAQUE_PCI_EXPRESS;
}

static qemuOpaquePCIKind
qemuOpaqueInterfaceKind(const virDomainOtherDeviceDef *dev)
{
    static const char *const express[] = {
        "virtio", "virtio-non-transitional", "e1000e", "igb", NULL
    };
    static const char *const none[] = { "spapr-vlan", "usb-net", NULL };
    g_autofree char *type = qemuOpaqueProp(dev, NULL, "type");
    g_autofree char *model = qemuOpaqueProp(dev, "model", "type");

    if (g_strcmp0(type, "hostdev") == 0 || g_strcmp0(type, "vdpa") == 0)
        return QEMU_OPAQUE_PCI_EXPRESS;
    if (qemuOpaqueStrIn(model, express))
        return QEMU_OPAQUE_PCI_EXPRESS;
    if (qemuOpaqueStrIn(model, none))
        return QEMU_OPAQUE_PCI_NONE;
    /* e1000, rtl8139 (libvirt's default model), virtio-transitional, ... */
    return QEMU_OPAQUE_PCI_CONVENTIONAL;
}

static qemuOpaquePCIKind
qemuOpaqueHostdevKind(const virDomainOtherDeviceDef *dev)
{
    g_autofree char *mode = qemuOpaqueProp(dev, NULL, "mode");
    g_autofree char *type = qemuOpaqueProp(dev, NULL, "type");
    g_autofree char *model = qemuOpaqueProp(dev, NULL, "model");

    if (g_strcmp0(mode, "subsystem") != 0)
        return QEMU_OPAQUE_PCI_NONE;
    if (g_strcmp0(type, "scsi_host") == 0 ||
        (g_strcmp0(type, "mdev") == 0 && g_strcmp0(model, "vfio-pci") == 0))
        return QEMU_OPAQUE_PCI_EXPRESS;
    return QEMU_OPAQUE_PCI_NONE;
}

static qemuOpaquePCIKind
qemuOpaqueVideoKind(const virDomainOtherDeviceDef *dev)
{
    g_autofree char *type = qemuOpaqueProp(dev, "model", "type");

    if (!type || g_str_equal(type, "none") || g_str_equal(type, "ramfb"))
        return QEMU_OPAQUE_PCI_NONE;
    if (g_str_equal(type, "virtio"))
        return QEMU_OPAQUE_PCI_EXPRESS;
    return QEMU_OPAQUE_PCI_CONVENTIONAL;  /* qxl, vga, cirrus, bochs, ... */
}

/* The devices whose PCI kind follows from their model attribute */
static qemuOpaquePCIKind
qemuOpaqueModelKind(const virDomainOtherDeviceDef *dev)
{
    static const char *const pciSounds[] = { "ich6", "ich7", "ich9", "ac97", "es1370", NULL };
    g_autofree char *model = qemuOpaqueProp(dev, NULL, "model");
    const char *name = dev->name;

    if (g_str_equal(name, "sound"))
        return qemuOpaqueStrIn(model, pciSounds) ? QEMU_OPAQUE_PCI_CONVENTIONAL :
                                                   QEMU_OPAQUE_PCI_NONE;
    if (g_str_equal(name, "watchdog"))
        return g_strcmp0(model, "i6300esb") == 0 ? QEMU_OPAQUE_PCI_CONVENTIONAL :
                                                   QEMU_OPAQUE_PCI_NONE;
    if (g_str_equal(name, "memballoon") || g_str_equal(name, "rng") ||
        g_str_equal(name, "vsock") || g_str_equal(name, "crypto") ||
        g_str_equal(name, "filesystem"))
        return g_strcmp0(model, "none") == 0 || g_strcmp0(model, "xen") == 0 ?
            QEMU_OPAQUE_PCI_NONE : qemuOpaqueVirtioKind(model);
    if (g_str_equal(name, "memory"))
        return g_strcmp0(model, "virtio-pmem") == 0 || g_strcmp0(model, "virtio-mem") == 0 ?
            QEMU_OPAQUE_PCI_EXPRESS : QEMU_OPAQUE_PCI_NONE;
    if (g_str_equal(name, "shmem"))
        return QEMU_OPAQUE_PCI_CONVENTIONAL;
    return QEMU_OPAQUE_PCI_NONE;
}

qemuOpaquePCIKind
qemuOpaqueDevicePCIKind(const virDomainOtherDeviceDef *dev)
{
    g_autofree char *bus = NULL;
    g_autofree char *model = NULL;

    if (g_str_equal(dev->name, "interface"))
        return qemuOpaqueInterfaceKind(dev);
    if (g_str_equal(dev->name, "hostdev"))
        return qemuOpaqueHostdevKind(dev);
    if (g_str_equal(dev->name, "video"))
        return qemuOpaqueVideoKind(dev);
    if (g_str_equal(dev->name, "disk")) {
        bus = qemuOpaqueProp(dev, "target", "bus");
        model = qemuOpaqueProp(dev, NULL, "model");
        return g_strcmp0(bus, "virtio") == 0 ? qemuOpaqueVirtioKind(model) :
                                               QEMU_OPAQUE_PCI_NONE;
    }
    if (g_str_equal(dev->name, "input")) {
        bus = qemuOpaqueProp(dev, NULL, "bus");
        model = qemuOpaqueProp(dev, NULL, "model");
        return g_strcmp0(bus, "virtio") == 0 ? qemuOpaqueVirtioKind(model) :
                                               QEMU_OPAQUE_PCI_NONE;
    }
    return qemuOpaqueModelKind(dev);
}

const char *
qemuOpaqueDeviceStage(const virDomainOtherDeviceDef *dev)
{
    g_autofree char *type = NULL;

    if (!g_str_equal(dev->name, "interface"))
        return dev->name;
    type = qemuOpaqueProp(dev, NULL, "type");
    return g_strcmp0(type, "hostdev") == 0 ? "hostdev" : "interface";
}

virDomainOtherDeviceDef *
qemuOpaquePrimaryVideo(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nothers; i++) {
        virDomainOtherDeviceDef *dev = def->others[i];

        if (!g_str_equal(dev->name, "video"))
            continue;
        return qemuOpaqueVideoKind(dev) != QEMU_OPAQUE_PCI_NONE ? dev : NULL;
    }
    return NULL;
}

bool
qemuOpaqueIsICH9Sound(const virDomainOtherDeviceDef *dev)
{
    g_autofree char *model = NULL;

    if (!g_str_equal(dev->name, "sound"))
        return false;
    model = qemuOpaqueProp(dev, NULL, "model");
    return g_strcmp0(model, "ich9") == 0;
}

bool
qemuOpaqueNeedsVirtioSerial(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL)
            return false;
    }
    for (i = 0; i < def->nconsoles; i++) {
        if (g_strcmp0(def->consoles[i]->targetType, "virtio") == 0)
            return true;
    }
    for (i = 0; i < def->nothers; i++) {
        const virDomainOtherDeviceDef *dev = def->others[i];
        g_autofree char *type = NULL;

        if (!g_str_equal(dev->name, "channel") && !g_str_equal(dev->name, "console"))
            continue;
        type = qemuOpaqueProp(dev, "target", "type");
        if (g_strcmp0(type, "virtio") == 0)
            return true;
    }
    return false;
}

/* ---- what the command line leaves out -------------------------------------- */

bool
qemuFirmwareIsAutoselected(const virDomainDef *def)
{
    return def->firmware == VIR_DOMAIN_OS_FIRMWARE_EFI &&
           (!def->loader || !*def->loader);
}

bool
qemuControllerIsTranslated(const virDomainDef *def,
                           const virDomainControllerDef *cont)
{
    switch (cont->type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
        return true;
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        return cont->model < 0 || cont == qemuDomainFindPIIX3USB(def) ||
               cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI ||
               cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE;
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        return cont->model < 0 ||
               cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_SCSI;
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
        return cont->idx == 0 && virDomainDefIsQ35(def);
    default:
        return false;
    }
}

static char *
qemuControllerLeftOutPath(const virDomainControllerDef *cont)
{
    const char *type = virDomainControllerTypeToString(cont->type);
    g_autofree char *model = cont->info.src ?
        virXMLPropString(cont->info.src, "model") : NULL;

    if (model)
        return g_strdup_printf("domain/devices/controller[@type='%s'][@model='%s']",
                               type, model);
    return g_strdup_printf("domain/devices/controller[@type='%s']", type);
}

GStrv
qemuDomainLeftOut(const virDomainDef *def)
{
    g_auto(GStrv) parts = virDomainDefOpaqueParts(def);
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    size_t i;

    for (i = 0; parts[i]; i++)
        g_ptr_array_add(out, g_strdup(parts[i]));
    if (qemuFirmwareIsAutoselected(def))
        g_ptr_array_add(out, g_strdup("domain/os/@firmware"));
    for (i = 0; i < def->ncontrollers; i++) {
        g_autofree char *path = NULL;
        size_t j;
        bool seen = false;

        if (qemuControllerIsTranslated(def, def->controllers[i]))
            continue;
        path = qemuControllerLeftOutPath(def->controllers[i]);
        for (j = 0; j < out->len && !seen; j++)
            seen = g_str_equal(out->pdata[j], path);
        if (!seen)
            g_ptr_array_add(out, g_steal_pointer(&path));
    }
    g_ptr_array_add(out, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}
