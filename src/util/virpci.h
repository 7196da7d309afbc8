/*
 * virpci.h: PCI device facts from sysfs and from the config space file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything is read below a root prefix: "ROOT/sys/bus/pci/devices/BDF"
 * stands for "/sys/bus/pci/devices/BDF", so that a captured host tree
 * replays exactly (root "/" or NULL is the running host).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

/* PCI Express extended capability IDs used here */
#define VIR_PCI_EXT_CAP_ID_ATS    0x000F
#define VIR_PCI_EXT_CAP_ID_PRI    0x0013
#define VIR_PCI_EXT_CAP_ID_PASID  0x001B

/* Extended capabilities live at 0x100..0xFFF of the config space */
#define VIR_PCI_CONFIG_EXT_START  0x100
#define VIR_PCI_CONFIG_SIZE_EXT   4096

/* The PASID capability's Max PASID Width is a 5-bit field, but PCIe
 * allows only 1 to 20 */
#define VIR_PCI_PASID_WIDTH_MAX   20

typedef struct {
    bool present;
    unsigned int offset;       /* of the capability header */
    unsigned int maxWidth;     /* PASID capability bits 12:8 */
    bool exec;                 /* Execute Permission Supported */
    bool priv;                 /* Privileged Mode Supported */
    bool enabled;              /* Control: PASID Enable */
    bool execEnabled;          /* Control: Execute Permission Enable */
    bool privEnabled;          /* Control: Privileged Mode Enable */
} virPCIPASIDCap;

typedef struct {
    bool present;
    unsigned int offset;
    unsigned int invalidateQueueDepth;  /* 0 in the register means 32 */
    bool pageAligned;
    bool enabled;                       /* ATS Control bit 15 */
} virPCIATSCap;

typedef struct {
    bool present;
    unsigned int offset;
    bool enabled;                       /* PRI Control bit 0 */
    bool pasidRequired;                 /* Status bit 15 */
} virPCIPRICap;

typedef struct {
    virPCIPASIDCap pasid;
    virPCIATSCap ats;
    virPCIPRICap pri;
} virPCIExtCaps;

/* "dddd:bb:ss.f" in lower case from any accepted spelling ("bb:ss.f",
 * upper case hex); NULL if @addr is not a PCI address. */
char *virPCIAddressNormalize(const char *addr);

/* The same, with an error that says why @addr is refused: not a PCI
 * address at all, or a part above libvirt's limits (domain 0xFFFF, bus
 * 0xFF, slot 0x1F, function 7), never wrapped. VIR_ERR_INVALID_ARG. */
char *virPCIAddressParse(const char *addr, GError **error);

/* "dddd:bb:ss.f", the one spelling of a PCI address in every document and
 * message (caller frees) */
char *virPCIAddressFormat(unsigned int domain, unsigned int bus,
                          unsigned int slot, unsigned int function);

/* ROOT/sys/bus/pci/devices/@addr (@root NULL = "/") */
char *virPCIDeviceSysfsPath(const char *root, const char *addr);

bool virPCIDeviceExists(const char *root, const char *addr);

/* Basename of the "driver" link, NULL when no driver is bound */
char *virPCIDeviceGetDriver(const char *root, const char *addr);

/* Number of the "iommu_group" link, -1 when there is none */
int virPCIDeviceGetIOMMUGroup(const char *root, const char *addr);

/* Basename of the "iommu" link (the unit, e.g. "dmar3"), or NULL */
char *virPCIDeviceGetIOMMUUnit(const char *root, const char *addr);

/* Name of the VFIO character device ("vfio0") found in
 * ROOT/sys/bus/pci/devices/@addr/vfio-dev/, or NULL */
char *virPCIDeviceGetVFIODevName(const char *root, const char *addr);

/* Basename of the "physfn" link of a VF (the PF address), or NULL */
char *virPCIDeviceGetPhysfn(const char *root, const char *addr);

/* Addresses (sorted) of the other devices in IOMMU group @group */
GStrv virPCIIOMMUGroupDevices(const char *root, int group);

/* Sorted addresses of all devices under ROOT/sys/bus/pci/devices */
GStrv virPCIListDevices(const char *root);

/* Read the whole config file. Returns the number of bytes read (a short
 * read is normal without CAP_SYS_ADMIN: 64 bytes), or -1 with @error. */
gssize virPCIConfigRead(const char *root, const char *addr,
                        guint8 **data, GError **error);

/* Offset of extended capability @id in @cfg, or 0 when absent. Walks at
 * most the number of slots the extended space can hold, so a corrupt
 * list that loops ends. */
unsigned int virPCIConfigFindExtCap(const guint8 *cfg, size_t len,
                                    unsigned int id);

/* Decode PASID / ATS / PRI from a config space image */
void virPCIConfigParseExtCaps(const guint8 *cfg, size_t len,
                              virPCIExtCaps *caps);
