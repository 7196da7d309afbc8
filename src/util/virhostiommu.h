/*
 * virhostiommu.h: the host IOMMU model (units, assignable devices, iommufd)
 *                 and the probe that fills it from sysfs, the PCI config
 *                 space, the kernel command line and iommufd ioctls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The same structure is produced by the probe and by parsing a saved
 * hostcaps document (src/conf/hostiommu_conf.h), so that the QEMU layer
 * checks a domain against either.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "virenum.h"

typedef enum {
    VIR_HOST_IOMMU_TYPE_UNKNOWN = 0,
    VIR_HOST_IOMMU_TYPE_INTEL_VTD,
    VIR_HOST_IOMMU_TYPE_ARM_SMMUV3,
    VIR_HOST_IOMMU_TYPE_AMD,
    VIR_HOST_IOMMU_TYPE_LAST
} virHostIOMMUType;
VIR_ENUM_DECL(virHostIOMMUType);

/* Every unit reports every feature; one that does not exist on the
 * unit's architecture is NO with a "does not apply" reason. */
typedef enum {
    VIR_HOST_IOMMU_FEATURE_SCALABLE_MODE = 0,
    VIR_HOST_IOMMU_FEATURE_NESTING,
    VIR_HOST_IOMMU_FEATURE_FIRST_STAGE,
    VIR_HOST_IOMMU_FEATURE_SECOND_STAGE,
    VIR_HOST_IOMMU_FEATURE_PASID,
    VIR_HOST_IOMMU_FEATURE_FS1GP,
    VIR_HOST_IOMMU_FEATURE_FS5LP,
    VIR_HOST_IOMMU_FEATURE_DIRTY_TRACKING,
    VIR_HOST_IOMMU_FEATURE_DEVICE_TLB,     /* VT-d DT, SMMUv3 ATS, AMD IOTLB */
    VIR_HOST_IOMMU_FEATURE_PAGE_REQUEST,   /* VT-d PRS, SMMUv3 PRI, AMD PPR */
    VIR_HOST_IOMMU_FEATURE_INTREMAP,
    VIR_HOST_IOMMU_FEATURE_EIM,
    VIR_HOST_IOMMU_FEATURE_SNOOP_CONTROL,
    VIR_HOST_IOMMU_FEATURE_SUPERVISOR_REQUEST, /* VT-d SRS (guest SRE) */
    VIR_HOST_IOMMU_FEATURE_EXTENDED_ACCESSED,  /* VT-d EAFS (guest EAFE) */
    VIR_HOST_IOMMU_FEATURE_RIL,            /* SMMUv3 range invalidation */
    VIR_HOST_IOMMU_FEATURE_S2FWB,          /* SMMUv3 stage-2 forced WB */
    VIR_HOST_IOMMU_FEATURE_COHERENT,       /* SMMUv3 COHACC */
    VIR_HOST_IOMMU_FEATURE_LAST
} virHostIOMMUFeature;
VIR_ENUM_DECL(virHostIOMMUFeature);

typedef enum {
    VIR_HOST_IOMMU_FACT_UNKNOWN = 0,
    VIR_HOST_IOMMU_FACT_YES,
    VIR_HOST_IOMMU_FACT_NO,
    VIR_HOST_IOMMU_FACT_LAST
} virHostIOMMUFact;
VIR_ENUM_DECL(virHostIOMMUFact);   /* "unknown", "yes", "no" */

typedef struct {
    virHostIOMMUFact state;
    char *reason;   /* why NO / UNKNOWN (translated), NULL for YES */
    char *source;   /* "sysfs", "cmdline", "kernel-config", "ioctl", NULL */
} virHostIOMMUFeatureInfo;

/* The raw registers of an IOMMU unit, as sysfs or IOMMU_GET_HW_INFO give
 * them; the unit's type says which of them are meaningful. */
typedef struct {
    unsigned long long vtdCap;
    unsigned long long vtdEcap;
    unsigned int smmuIDR[6];
    unsigned int smmuIIDR;
    unsigned int smmuAIDR;
    unsigned long long amdEFR;
    unsigned long long amdEFR2;
} virHostIOMMURegisters;

typedef struct {
    char *name;                      /* "dmar0", "smmu3.0x...", "ivhd0" */
    virHostIOMMUType type;
    virHostIOMMUFeatureInfo features[VIR_HOST_IOMMU_FEATURE_LAST];
    unsigned int pasidWidth;         /* bits, 0 unknown/none */
    unsigned int addressWidthMax;    /* host_aw estimate, 0 unknown */

    /* raw registers, valid when haveRegisters */
    bool haveRegisters;
    char *registersSource;           /* "sysfs" or "ioctl" */
    char *registersDevice;           /* device whose GET_HW_INFO gave them */
    virHostIOMMURegisters regs;
    bool amdHaveCap;
    unsigned int amdCap;

    /* SMMUv3 decoded from the IDRs (0 when unknown) */
    unsigned int smmuOAS;            /* output address size, bits */
    unsigned int smmuSSIDSize;       /* IDR1.SSIDSIZE */
    unsigned int smmuSIDSize;        /* IDR1.SIDSIZE */
} virHostIOMMUUnit;

typedef struct {
    bool present;            /* PASID capability (of the PF for a VF) */
    unsigned int maxWidth;   /* Max PASID Width */
    bool exec, priv;         /* Execute / Privileged Mode Supported */
    bool enabled;            /* Control.Enable: the host driver enabled it */
    char *from;              /* PF address when read from the PF, else NULL */
} virHostIOMMUDevicePASID;

typedef struct {
    bool probed;                     /* the deep probe was asked for */
    char *error;                     /* why it failed or could not run */
    unsigned int structSize;         /* 40, or 32 on a 6.6-era kernel */
    unsigned int hwInfoType;         /* enum iommu_hw_info_type */
    unsigned int maxPasidLog2;
    unsigned long long capabilities; /* IOMMU_HW_CAP_* */
    /* vendor payload */
    unsigned int vtdFlags;
    virHostIOMMURegisters regs;
} virHostIOMMUDeviceDeep;

typedef struct {
    char *address;           /* "0000:03:00.0" */
    bool present;            /* false: asked about, but not on this host */
    char *error;             /* why the device cannot be used (translated) */
    char *unit;              /* unit name or NULL */
    char *driver;            /* bound driver or NULL */
    int iommuGroup;          /* -1 when none */
    char *vfioCdev;          /* "/dev/vfio/devices/vfio0" or NULL */
    char *physfn;            /* PF address for a VF */
    bool capsKnown;          /* the extended config space was readable */
    char *capsReason;        /* why not */
    virHostIOMMUDevicePASID pasid;
    bool ats;
    bool pri;
    virHostIOMMUDeviceDeep deep;
} virHostIOMMUDevice;

typedef struct {
    bool iommufd;            /* /dev/iommu */
    char *iommufdReason;
    char *root;              /* probe root ("/" for the host); not saved */
    virHostIOMMUUnit **units;
    size_t nunits;
    virHostIOMMUDevice **devices;
    size_t ndevices;
} virHostIOMMU;

/* Probe the host below @root (NULL = "/"). @devices is a NULL-terminated
 * list of PCI addresses to report (any spelling virPCIAddressNormalize
 * accepts), or NULL for every device bound to vfio-pci (or to a VFIO
 * variant driver: anything with a vfio-dev entry). A device that is asked
 * about but absent is reported with present=false and an error; only an
 * address that is not a PCI address at all fails the probe. @deep runs the
 * iommufd probe on every reported device that has a VFIO cdev. */
virHostIOMMU *virHostIOMMUProbe(const char *root,
                                const char *const *devices,
                                bool deep,
                                GError **error);

void virHostIOMMUFree(virHostIOMMU *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostIOMMU, virHostIOMMUFree);

virHostIOMMU *virHostIOMMUNew(void);
virHostIOMMUUnit *virHostIOMMUUnitNew(const char *name, virHostIOMMUType type);
void virHostIOMMUUnitFree(virHostIOMMUUnit *unit);
virHostIOMMUDevice *virHostIOMMUDeviceNew(const char *address);
void virHostIOMMUDeviceFree(virHostIOMMUDevice *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostIOMMUUnit, virHostIOMMUUnitFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virHostIOMMUDevice, virHostIOMMUDeviceFree);

/* Take ownership of @unit / @dev */
void virHostIOMMUAddUnit(virHostIOMMU *host, virHostIOMMUUnit *unit);
void virHostIOMMUAddDevice(virHostIOMMU *host, virHostIOMMUDevice *dev);

/* Set a feature (replacing what was there); @reason may be NULL */
void virHostIOMMUUnitSetFeature(virHostIOMMUUnit *unit,
                                virHostIOMMUFeature feature,
                                virHostIOMMUFact state,
                                const char *source,
                                const char *reason);

/* Whether @feature exists on units of @type at all */
bool virHostIOMMUFeatureApplies(virHostIOMMUType type,
                                virHostIOMMUFeature feature);

/* Fill the features of a unit of @type from its raw registers (VT-d CAP/
 * ECAP, SMMUv3 IDRs, AMD EFR) as the probe does; @cmdline/@kconfig are
 * the kernel command line and .config text (either may be NULL). Exposed
 * for the decoder tests and for re-deriving a saved document. */
void virHostIOMMUUnitDecode(virHostIOMMUUnit *unit,
                            const char *cmdline,
                            const char *kconfig);

/* Lookup by canonical address / unit name; NULL when not reported. The
 * address is normalized first, so "03:00.0" finds "0000:03:00.0". */
const virHostIOMMUDevice *virHostIOMMUFindDevice(const virHostIOMMU *host,
                                                 const char *address);
const virHostIOMMUUnit *virHostIOMMUFindUnit(const virHostIOMMU *host,
                                             const char *name);

/* Name of an IOMMU_GET_HW_INFO data type ("intel-vtd", "arm-smmuv3",
 * "tegra241-cmdqv", "amd", "none"), NULL if unknown */
const char *virHostIOMMUHwInfoTypeToString(unsigned int type);
int virHostIOMMUHwInfoTypeFromString(const char *str);

/* Names of the IOMMU_HW_CAP_* bits ("dirty-tracking", "pasid-exec",
 * "pasid-priv", "ats-not-supported"), NULL for an unknown bit */
const char *virHostIOMMUHwCapToString(unsigned int bit);
int virHostIOMMUHwCapFromString(const char *str);
