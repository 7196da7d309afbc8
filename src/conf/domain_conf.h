/*
 * domain_conf.h: the domain XML model (the subset libvirt-viommu handles)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Knows nothing of QEMU. Every optional on/off attribute is a tristate so
 * that the formatter writes back exactly what the user wrote.
 */
#pragma once

#include <stdbool.h>
#include <libxml/tree.h>

#include "virenum.h"
#include "virerror.h"
#include "virbuffer.h"
#include "device_conf.h"

/* ---- controllers ------------------------------------------------------ */

typedef enum {
    VIR_DOMAIN_CONTROLLER_TYPE_PCI = 0,
    VIR_DOMAIN_CONTROLLER_TYPE_USB,
    VIR_DOMAIN_CONTROLLER_TYPE_SATA,
    VIR_DOMAIN_CONTROLLER_TYPE_SCSI,
    /* the other types libvirt knows: indexes and addresses only */
    VIR_DOMAIN_CONTROLLER_TYPE_IDE,
    VIR_DOMAIN_CONTROLLER_TYPE_FDC,
    VIR_DOMAIN_CONTROLLER_TYPE_CCID,
    VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
    VIR_DOMAIN_CONTROLLER_TYPE_XENBUS,
    VIR_DOMAIN_CONTROLLER_TYPE_ISA,
    VIR_DOMAIN_CONTROLLER_TYPE_NVME,
    VIR_DOMAIN_CONTROLLER_TYPE_LAST
} virDomainControllerType;
VIR_ENUM_DECL(virDomainController);

typedef enum {
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_DEFAULT = -1,
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT = 0,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT,
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE,
    VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_UPSTREAM_PORT,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_DOWNSTREAM_PORT,
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_EXPANDER_BUS,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE,
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST
} virDomainControllerModelPCI;
VIR_ENUM_DECL(virDomainControllerModelPCI);

typedef enum {
    VIR_DOMAIN_CONTROLLER_MODEL_USB_DEFAULT = -1,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE = 0,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI,
    /* libvirt's other USB models: kept, not translated */
    VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX4_UHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_EHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI2,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI3,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_VT82C686B_UHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_PCI_OHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB1,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB2,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_LAST
} virDomainControllerModelUSB;
VIR_ENUM_DECL(virDomainControllerModelUSB);

typedef enum {
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_DEFAULT = -1,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_SCSI = 0,
    /* libvirt's other SCSI models: kept, not translated */
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_AUTO,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_BUSLOGIC,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LSILOGIC,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LSISAS1068,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VMPVSCSI,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LSISAS1078,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_TRANSITIONAL,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_NON_TRANSITIONAL,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_NCR53C90,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_AM53C974,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_DC390,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LAST
} virDomainControllerModelSCSI;
VIR_ENUM_DECL(virDomainControllerModelSCSI);

typedef struct {
    virDomainControllerType type;
    int idx;                 /* index=, or assigned by post-parse */
    bool idxFromUser;        /* index= was written */
    int model;               /* per-type model enum, -1 = absent; for the
                              * types without an enum the attribute is kept
                              * in the source element */
    /* <model name=.../> (pci): the QEMU device name, kept if written */
    char *modelName;
    /* <target> of pci controllers; -1 = absent */
    int chassis;
    int chassisNr;           /* pci-bridge <target chassisNr=> */
    int port;
    int busNr;
    int targetIndex;
    /* usb with <master startport=.../>: a companion of the controller of
     * the same index (EHCI and its UHCIs); it gets no alias, as in libvirt */
    bool usbCompanion;
    virDomainDeviceInfo info;
} virDomainControllerDef;

/* ---- disks, interfaces, chardevs, balloon ------------------------------ */

typedef enum {
    VIR_DOMAIN_DISK_TYPE_FILE = 0,
    VIR_DOMAIN_DISK_TYPE_BLOCK,
    VIR_DOMAIN_DISK_TYPE_LAST
} virDomainDiskType;
VIR_ENUM_DECL(virDomainDiskType);

typedef enum {
    VIR_DOMAIN_DISK_DEVICE_DISK = 0,
    VIR_DOMAIN_DISK_DEVICE_CDROM,
    VIR_DOMAIN_DISK_DEVICE_LAST
} virDomainDiskDevice;
VIR_ENUM_DECL(virDomainDiskDevice);

typedef enum {
    VIR_DOMAIN_DISK_FORMAT_RAW = 0,
    VIR_DOMAIN_DISK_FORMAT_QCOW2,
    VIR_DOMAIN_DISK_FORMAT_LAST
} virDomainDiskFormat;
VIR_ENUM_DECL(virDomainDiskFormat);

typedef enum {
    VIR_DOMAIN_DISK_BUS_VIRTIO = 0,
    VIR_DOMAIN_DISK_BUS_SATA,
    VIR_DOMAIN_DISK_BUS_SCSI,
    VIR_DOMAIN_DISK_BUS_LAST
} virDomainDiskBus;
VIR_ENUM_DECL(virDomainDiskBus);

typedef struct {
    virDomainDiskType type;
    virDomainDiskDevice device;
    char *driverName;          /* <driver name='qemu'> */
    int format;                /* virDomainDiskFormat, -1 = absent */
    char *src;                 /* file= or dev= */
    char *dst;                 /* <target dev=> */
    virDomainDiskBus bus;
    bool readonly;
    virDomainDeviceInfo info;
} virDomainDiskDef;

/* The drive address libvirt gives the SATA or SCSI disk with target index
 * @idx ("sdc" is 2) when it has no <address>: 6 units per SATA controller,
 * 7 per SCSI controller, bus and target 0. Disk aliases derive from it. */
void virDomainDiskDriveAddressFromIndex(virDomainDiskBus bus, unsigned int idx,
                                        virDomainDeviceDriveAddress *addr);

typedef enum {
    VIR_DOMAIN_NET_TYPE_USER = 0,
    VIR_DOMAIN_NET_TYPE_NETWORK,
    VIR_DOMAIN_NET_TYPE_BRIDGE,
    VIR_DOMAIN_NET_TYPE_LAST
} virDomainNetType;
VIR_ENUM_DECL(virDomainNet);

typedef enum {
    VIR_DOMAIN_NET_MODEL_VIRTIO = 0,
    VIR_DOMAIN_NET_MODEL_E1000E,
    VIR_DOMAIN_NET_MODEL_LAST
} virDomainNetModel;
VIR_ENUM_DECL(virDomainNetModel);

typedef struct {
    virDomainNetType type;
    char *mac;                 /* may be NULL */
    char *source;              /* network or bridge name */
    int model;                 /* virDomainNetModel, -1 = absent */
    virDomainDeviceInfo info;
} virDomainNetDef;

typedef enum {
    VIR_DOMAIN_CHR_DEVICE_SERIAL = 0,
    VIR_DOMAIN_CHR_DEVICE_CONSOLE,
    VIR_DOMAIN_CHR_DEVICE_LAST
} virDomainChrDeviceType;

typedef enum {
    VIR_DOMAIN_CHR_TYPE_PTY = 0,
    VIR_DOMAIN_CHR_TYPE_FILE,
    VIR_DOMAIN_CHR_TYPE_LAST
} virDomainChrType;
VIR_ENUM_DECL(virDomainChr);

typedef struct {
    virDomainChrDeviceType deviceType;
    virDomainChrType type;
    char *path;                /* file: <source path=> */
    char *targetType;          /* <target type=...> as written, may be NULL */
    int targetPort;            /* -1 = absent */
    char *targetModel;         /* <target><model name=/></target>, may be NULL */
    virDomainDeviceInfo info;
} virDomainChrDef;

typedef enum {
    VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO = 0,
    VIR_DOMAIN_MEMBALLOON_MODEL_NONE,
    VIR_DOMAIN_MEMBALLOON_MODEL_LAST
} virDomainMemballoonModel;
VIR_ENUM_DECL(virDomainMemballoonModel);

typedef struct {
    virDomainMemballoonModel model;
    virDomainDeviceInfo info;
} virDomainMemballoonDef;

/* ---- hostdev ----------------------------------------------------------- */

typedef struct {
    virTristateBool managed;
    char *driverName;              /* <driver name='vfio'> */
    char *driverModel;             /* <driver model=>: the host's VFIO
                                    * variant driver, e.g. mlx5_vfio_pci */
    virTristateSwitch display;     /* <hostdev display=> */
    virTristateSwitch ramfb;       /* <hostdev ramfb=> */
    /* written as <interface type='hostdev'>: a network interface that is
     * a PCI hostdev; libvirt lists it among the hostdevs too */
    bool isInterface;
    char *mac;                     /* its <mac address=> */
    virTristateBool iommufd;       /* <driver iommufd=> */
    /* <driver vpasidCapOffset='0x..'>: vfio-pci x-vpasid-cap-offset
     * (extension, following the proposal for libvirt); 0 = absent */
    unsigned int vpasidCapOffset;
    bool vpasidCapOffsetSet;
    virPCIDeviceAddress source;    /* host address */
    virTristateSwitch romBar;      /* <rom bar=> */
    char *romFile;                 /* <rom file=> */
    virDomainDeviceInfo info;      /* guest address, alias, acpi index */
} virDomainHostdevDef;

/* ---- iommu -------------------------------------------------------------- */

typedef enum {
    VIR_DOMAIN_IOMMU_MODEL_INTEL = 0,
    VIR_DOMAIN_IOMMU_MODEL_SMMUV3,
    VIR_DOMAIN_IOMMU_MODEL_VIRTIO,
    VIR_DOMAIN_IOMMU_MODEL_AMD,
    VIR_DOMAIN_IOMMU_MODEL_LAST
} virDomainIOMMUModel;
VIR_ENUM_DECL(virDomainIOMMUModel);

/* smmuv3 oas / ssidsize accept a number or (QEMU) auto; we keep -1 = absent */
typedef struct {
    /* libvirt 12.8 attributes */
    virTristateSwitch intremap;
    virTristateSwitch caching_mode;
    virTristateSwitch eim;
    virTristateSwitch iotlb;
    unsigned int aw_bits;          /* 0 = absent */
    virTristateSwitch dma_translation;
    virTristateSwitch passthrough;
    virTristateSwitch xtsup;
    int pci_bus;                   /* pciBus, -1 = absent */
    virTristateSwitch accel;
    virTristateSwitch ats;
    virTristateSwitch ril;
    int ssidsize;                  /* -1 = absent */
    int oas;                       /* -1 = absent */
    virTristateSwitch cmdqv;
    /* granule (virtio): mode='host' or size in KiB */
    bool granule_host;
    unsigned int granule_kib;      /* 0 = absent */

    /* upstream-proposed Intel spellings */
    virTristateSwitch scalable_mode;
    virTristateSwitch fsts;
    virTristateSwitch svm;
    virTristateSwitch fs1gp;       /* extension: first-stage 1 GiB pages */

    /* libvirt-viommu extension */
    virTristateSwitch nesting;
    virTristateSwitch pasid;
    int pasid_bits;                /* -1 = absent; 0 = off (upstream) */
} virDomainIOMMUDriverDef;

/* What the user asked for, reduced to one configuration: computed by
 * post-parse resolution from every spelling. Never from the host. */
typedef struct {
    bool nesting;          /* intel: scalable-mode+fsts; smmuv3: accel */
    bool scalableMode;     /* intel */
    unsigned int pasidBits;/* 0 = no PASID for the guest */
    bool svm;              /* intel */
    bool fs1gp;            /* intel with nesting: QEMU default on */
    unsigned int awBits;   /* intel/virtio: explicit or implied (48 for
                            * nesting), 0 = QEMU default */
} virDomainIOMMUEffective;

typedef struct {
    virDomainIOMMUModel model;
    virDomainIOMMUDriverDef driver;
    bool hasDriver;                /* <driver> present (possibly empty) */
    virDomainIOMMUEffective eff;   /* filled by post-parse */
    virDomainDeviceInfo info;      /* address, alias, acpi index */
} virDomainIOMMUDef;

/* ---- devices the model does not translate ------------------------------- */

/* Any other child of <devices> (graphics, video, input, rng, sound, a
 * non-PCI hostdev, ...): kept as written, with what the vIOMMU decisions
 * need from it (its PCI address, user alias, <driver iommu= ats=>). */
typedef struct {
    char *name;                    /* element name */
    virDomainDeviceInfo info;
} virDomainOtherDeviceDef;

/* ---- the domain ---------------------------------------------------------- */

typedef enum {
    VIR_DOMAIN_VIRT_KVM = 0,
    VIR_DOMAIN_VIRT_QEMU,
    VIR_DOMAIN_VIRT_LAST
} virDomainVirtType;
VIR_ENUM_DECL(virDomainVirt);

typedef enum {
    VIR_DOMAIN_IOAPIC_DEFAULT = 0,
    VIR_DOMAIN_IOAPIC_QEMU,
    VIR_DOMAIN_IOAPIC_KVM,
    VIR_DOMAIN_IOAPIC_LAST
} virDomainIOAPIC;
VIR_ENUM_DECL(virDomainIOAPIC);

typedef enum {
    VIR_DOMAIN_CPU_MODE_CUSTOM = 0,
    VIR_DOMAIN_CPU_MODE_HOST_MODEL,
    VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH,
    VIR_DOMAIN_CPU_MODE_MAXIMUM,
    VIR_DOMAIN_CPU_MODE_LAST
} virCPUMode;
VIR_ENUM_DECL(virCPUMode);

typedef enum {
    VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY = 0,
    VIR_DOMAIN_LIFECYCLE_ACTION_RESTART,
    VIR_DOMAIN_LIFECYCLE_ACTION_PRESERVE,
    VIR_DOMAIN_LIFECYCLE_ACTION_RENAME_RESTART,
    VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY,
    VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART,
    VIR_DOMAIN_LIFECYCLE_ACTION_LAST
} virDomainLifecycleAction;
VIR_ENUM_DECL(virDomainLifecycleAction);

typedef enum {
    VIR_DOMAIN_OS_FIRMWARE_NONE = 0,
    VIR_DOMAIN_OS_FIRMWARE_BIOS,
    VIR_DOMAIN_OS_FIRMWARE_EFI,
    VIR_DOMAIN_OS_FIRMWARE_LAST
} virDomainOsFirmware;
VIR_ENUM_DECL(virDomainOsFirmware);

typedef struct {
    xmlNodePtr src;        /* the <timer> element, NULL if added */
    char *name;            /* timer name */
    char *tickpolicy;
    virTristateBool present;
} virDomainTimerDef;

typedef struct {
    /* the parsed document, kept: every model object's source element lives
     * in it, and what the model does not hold is written back from it */
    xmlDocPtr doc;
    xmlNodePtr src;             /* <domain> in @doc */

    virDomainVirtType virtType;
    char *name;
    char *uuid;                 /* as written, may be NULL */
    char *title;
    char *description;
    char *metadata;             /* inner XML of <metadata>, kept verbatim */

    unsigned long long memoryKiB;
    unsigned long long currentMemoryKiB; /* 0 = absent */
    unsigned int vcpus;                  /* 0 = absent: 1, like libvirt */
    char *vcpuPlacement;

    /* <os> */
    virDomainOsFirmware firmware;
    char *osType;               /* "hvm" */
    char *arch;                 /* x86_64, aarch64 */
    char *machine;
    char *loader;               /* path */
    virTristateBool loaderReadonly;
    char *loaderType;           /* rom / pflash */
    char *nvram;
    char **bootDevs;            /* NULL-terminated */

    /* <features> */
    bool featAcpi;
    bool featApic;
    virDomainIOAPIC ioapic;
    bool hasGic;                /* <gic> present */
    unsigned int gicVersion;    /* 0 = no version= */
    bool gicHost;               /* version='host' */
    bool hasFeatures;

    /* <cpu> */
    bool hasCPU;
    virCPUMode cpuMode;
    char *cpuCheck;
    virTristateSwitch cpuMigratable;
    char *cpuModel;

    /* <clock> */
    char *clockOffset;          /* NULL = absent */
    virDomainTimerDef **timers;
    size_t ntimers;

    int onPoweroff;             /* virDomainLifecycleAction, -1 = absent */
    int onReboot;
    int onCrash;

    /* <devices> */
    char *emulator;
    virDomainDiskDef **disks;
    size_t ndisks;
    virDomainControllerDef **controllers;
    size_t ncontrollers;
    virDomainNetDef **nets;
    size_t nnets;
    virDomainChrDef **serials;
    size_t nserials;
    virDomainChrDef **consoles;
    size_t nconsoles;
    virDomainHostdevDef **hostdevs;
    size_t nhostdevs;
    virDomainIOMMUDef **iommus;
    size_t niommus;
    virDomainMemballoonDef *memballoon;
    virDomainOtherDeviceDef **others;
    size_t nothers;

    /* domain-level <iommufd enabled= fdgroup=> */
    virTristateBool iommufd;
    char *iommufdFdgroup;
} virDomainDef;

virDomainDef *virDomainDefNew(void);
/* The largest memory size in bytes (libvirt's virMemoryMaxValue on a
 * 64-bit host): <memory> and <currentMemory> stay below 2^53 KiB. */
#define VIR_DOMAIN_MEMORY_MAX_BYTES ((unsigned long long)G_MAXINT64)

/* The most vCPUs <vcpu> takes (libvirt's grammar, 'countCPU') */
#define VIR_DOMAIN_MAX_VCPUS 65535

/* The number of vCPUs: <vcpu>, or libvirt's default of 1 without it */
unsigned int virDomainDefGetVcpus(const virDomainDef *def);

void virDomainDefFree(virDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDef, virDomainDefFree);

typedef enum {
    VIR_DOMAIN_DEF_PARSE_NONE = 0,
    /* skip post-parse resolution and conf validation (format tests) */
    VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE = 1 << 0,
    /* skip the check against the superset grammar (libvirt's domain
     * grammar plus the extension); the parser alone is no gate */
    VIR_DOMAIN_DEF_PARSE_SKIP_SCHEMA = 1 << 1,
} virDomainDefParseFlags;

/* XML -> model, then post-parse (aliases, effective vIOMMU config) and
 * conf-level validation unless SKIP_VALIDATE. */
virDomainDef *virDomainDefParseString(const char *xml, unsigned int flags,
                                      GError **error);
virDomainDef *virDomainDefParseFile(const char *path, unsigned int flags,
                                    GError **error);
virDomainDef *virDomainDefParseNode(xmlDocPtr doc, xmlNodePtr root,
                                    unsigned int flags, GError **error);

/* model -> XML (what the user wrote; generated aliases are not written).
 * What the model does not hold is written back as the user wrote it. */
char *virDomainDefFormat(const virDomainDef *def);

/* What in @def the model does not hold (and so no command line built from
 * the model can express), one "element/child/@attr" path per item, each
 * once, in document order; NULL-terminated, caller frees. */
GStrv virDomainDefOpaqueParts(const virDomainDef *def);

/* Post-parse: resolve the effective vIOMMU configuration and assign
 * aliases (iommuN, hostdevN, pci.N ...). */
int virDomainDefPostParse(virDomainDef *def, GError **error);

/* Conf-level validation: no QEMU, no host knowledge. */
int virDomainDefValidate(const virDomainDef *def, GError **error);

/* "DDDD:BB:SS.F (alias)" of a PCI hostdev, as messages name it (the alias
 * is left out when there is none); caller frees. */
char *virDomainHostdevLabel(const virDomainHostdevDef *hostdev);

/* The host PCI addresses ("DDDD:BB:SS.F") of every hostdev of @def, in
 * order, NULL-terminated: the devices a host probe has to look at. */
GStrv virDomainDefHostdevAddresses(const virDomainDef *def);

/* <address type='unassigned'/>: the hostdev is detached from the host and
 * kept, but not given to the guest (no device, no vIOMMU in front) */
bool virDomainHostdevIsUnassigned(const virDomainHostdevDef *hostdev);

/* Effective iommufd for a PCI hostdev: its own attribute, else the
 * domain's <iommufd enabled=>, else off. */
bool virDomainHostdevUsesIOMMUFD(const virDomainDef *def,
                                 const virDomainHostdevDef *hostdev);

/* The vIOMMU in front of @hostdev: for smmuv3 with pciBus the one whose
 * bus is the hostdev's root complex, else the domain's single vIOMMU;
 * NULL when there is none. */
const virDomainIOMMUDef *virDomainHostdevFindIOMMU(const virDomainDef *def,
                                                   const virDomainHostdevDef *hostdev);

/* Index of the PCI root complex bus @bus hangs off: 0 for pcie.0/pci.0, or
 * the index of a pcie/pci-expander-bus. Unaddressed devices count as bus 0. */
int virDomainPCIBusRootComplex(const virDomainDef *def, unsigned int bus);

/* The first conventional PCI bridge (pci-bridge, pcie-to-pci-bridge,
 * dmi-to-pci-bridge) between bus @bus and its root complex, or NULL. */
const virDomainControllerDef *virDomainPCIBusFindBridge(const virDomainDef *def,
                                                         unsigned int bus);

/* Controller lookup by type + index */
virDomainControllerDef *virDomainDefFindController(const virDomainDef *def,
                                                   virDomainControllerType type,
                                                   int idx);

bool virDomainDefIsQ35(const virDomainDef *def);

/* Has @def a <memballoon>, modeled or kept opaque? */
bool virDomainDefHasMemballoon(const virDomainDef *def);
bool virDomainDefIsVirt(const virDomainDef *def);
