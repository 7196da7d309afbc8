/*
 * device_conf.h: what every device has: its guest address, user alias,
 *                ACPI index and <driver iommu= ats=>, with their
 *                parse/format pairs (shared by domain_conf*.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "virenum.h"
#include "virerror.h"
#include "virbuffer.h"
#include "virxml.h"
#include "virxmlopaque.h"

/* ---- addresses ------------------------------------------------------- */

typedef enum {
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE = 0,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE,
    /* any other type libvirt knows (usb, virtio-serial, unassigned, ...):
     * not modeled, written back from the source element */
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_OTHER,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST
} virDomainDeviceAddressType;
VIR_ENUM_DECL(virDomainDeviceAddress);

typedef struct {
    unsigned int domain;
    unsigned int bus;
    unsigned int slot;
    unsigned int function;
    virTristateSwitch multi;
} virPCIDeviceAddress;

typedef struct {
    unsigned int controller;
    unsigned int bus;
    unsigned int target;
    unsigned int unit;
} virDomainDeviceDriveAddress;

/* Common per-device info: guest address, alias, ACPI index, rom */
typedef struct {
    virDomainDeviceAddressType type;
    virPCIDeviceAddress pci;          /* type == PCI */
    virDomainDeviceDriveAddress drive; /* type == DRIVE */
    char *alias;                      /* <alias name=...>; user or generated */
    bool aliasFromUser;               /* written by the user: format it back */
    unsigned int acpiIndex;           /* <acpi index=...>, 0 = absent */
    /* <driver iommu= ats=> of a virtio device: its DMA goes through the
     * vIOMMU (QEMU iommu_platform), with ATS */
    virTristateSwitch driverIOMMU;
    virTristateSwitch driverATS;
    /* the device element in the definition's kept document, NULL for a
     * device post-parse added: what the model does not hold is written
     * back from it (virxmlopaque.h) */
    xmlNodePtr src;
} virDomainDeviceInfo;

/* "DDDD:BB:SS.F" of a PCI address (caller frees) */
char *virPCIDeviceAddressAsString(const virPCIDeviceAddress *addr);
bool virPCIDeviceAddressEqual(const virPCIDeviceAddress *a,
                              const virPCIDeviceAddress *b);

/* A set of PCI addresses (GHashTable keyed by const virPCIDeviceAddress *,
 * values chosen by the caller), for linear duplicate checks */
GHashTable *virPCIDeviceAddressTableNew(void);

/* Characters allowed after the "ua-" prefix of a user alias (libvirt's). */
#define VIR_DOMAIN_USER_ALIAS_PREFIX "ua-"
#define VIR_DOMAIN_USER_ALIAS_CHARS \
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

/* Reject a second occurrence of any element child named in @names. */
int virDomainCheckSingletons(xmlNodePtr node, const char *const *names,
                             GError **error);

/* Shapes of <address>, <alias> and <acpi>, which every device may have */
extern const virXMLShape virDomainAddressShape;
extern const virXMLShape virDomainAliasShape;
extern const virXMLShape virDomainAcpiShape;
#define VIR_DOMAIN_INFO_SHAPES \
    &virDomainAddressShape, &virDomainAliasShape, &virDomainAcpiShape

/* <address type='pci' .../> (guest) or a bare PCI address (hostdev source) */
int virPCIDeviceAddressParseXML(xmlNodePtr node, virPCIDeviceAddress *addr,
                                GError **error);
void virPCIDeviceAddressFormat(virBuffer *buf, const virPCIDeviceAddress *addr,
                               bool withType);

/* The <address>, <alias>, <acpi> children of a device element */
int virDomainDeviceInfoParseXML(xmlNodePtr node, virDomainDeviceInfo *info,
                                GError **error);
void virDomainDeviceInfoFormat(virBuffer *buf, const virDomainDeviceInfo *info);

/* The <driver> of a virtio device, as far as the model reads it: iommu=
 * and ats= (virDomainDeviceInfo driverIOMMU, driverATS) */
extern const virXMLShape virDomainVirtioDriverShape;
/* Write that <driver>: the two switches from @info, then what else the
 * user wrote on it, as written */
void virDomainVirtioDriverFormat(virBuffer *buf, const virDomainDeviceInfo *info);
/* The two switches alone (" iommu='on' ats='on'"), for a <driver> whose
 * other attributes are modeled */
void virDomainVirtioDriverFormatAttrs(virBuffer *attrBuf, const virDomainDeviceInfo *info);
void virDomainDeviceInfoClear(virDomainDeviceInfo *info);
