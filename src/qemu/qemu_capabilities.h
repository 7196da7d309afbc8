/*
 * qemu_capabilities.h: what a QEMU binary can do, probed over QMP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A capability set records the binary's version, the QOM properties (name,
 * type, default) of the device and object types this project cares about,
 * and the machine types with their aliases. Flags are derived from the
 * recorded properties, never from the version number. The same data
 * is written and read back as a document (virt-viommu qemucaps /
 * --qemu-caps), so tests replay recorded real binaries.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "virenum.h"
#include "virerror.h"

/* Each flag is "<qom type>" (the type exists) or "<qom type>.<property>"
 * (the property exists), except the derived ones marked below. The string
 * table (virQEMUCapsTypeToString) gives exactly those names. */
typedef enum {
    /* intel-iommu */
    QEMU_CAPS_DEVICE_INTEL_IOMMU = 0,     /* "intel-iommu" */
    QEMU_CAPS_INTEL_IOMMU_INTREMAP,       /* "intel-iommu.intremap" */
    QEMU_CAPS_INTEL_IOMMU_CACHING_MODE,   /* "intel-iommu.caching-mode" */
    QEMU_CAPS_INTEL_IOMMU_EIM,
    QEMU_CAPS_INTEL_IOMMU_DEVICE_IOTLB,
    QEMU_CAPS_INTEL_IOMMU_AW_BITS,
    QEMU_CAPS_INTEL_IOMMU_DMA_TRANSLATION,
    QEMU_CAPS_INTEL_IOMMU_SCALABLE_MODE,  /* 11.1+ name */
    QEMU_CAPS_INTEL_IOMMU_X_SCALABLE_MODE,/* pre-11.1 name */
    QEMU_CAPS_INTEL_IOMMU_FSTS,           /* 11.1+ */
    QEMU_CAPS_INTEL_IOMMU_X_FLTS,         /* 10.0 / 11.0 */
    QEMU_CAPS_INTEL_IOMMU_PASID_BITS,     /* 11.1+ uint8 */
    QEMU_CAPS_INTEL_IOMMU_X_PASID_MODE,   /* pre-11.1 bool */
    QEMU_CAPS_INTEL_IOMMU_SVM,
    QEMU_CAPS_INTEL_IOMMU_FS1GP,
    QEMU_CAPS_INTEL_IOMMU_SNOOP_CONTROL,
    /* derived: first-stage translation works for assigned (VFIO/iommufd)
     * devices, i.e. HW nesting. True when 'fsts' exists, or 'x-flts'
     * together with a property that arrived with nesting in 11.0
     * ('intel-iommu.svm' or 'vfio-pci.x-vpasid-cap-offset'). */
    QEMU_CAPS_INTEL_IOMMU_NESTING_VFIO,   /* "intel-iommu-nesting-vfio" */
    /* derived: PASID can be given to assigned devices ('pasid-bits') */
    QEMU_CAPS_INTEL_IOMMU_PASID_VFIO,     /* "intel-iommu-pasid-vfio" */

    /* amd-iommu */
    QEMU_CAPS_DEVICE_AMD_IOMMU,
    QEMU_CAPS_AMD_IOMMU_PCI_ID,
    QEMU_CAPS_AMD_IOMMU_XTSUP,
    QEMU_CAPS_AMD_IOMMU_PT,
    QEMU_CAPS_AMD_IOMMU_INTREMAP,
    QEMU_CAPS_AMD_IOMMU_DEVICE_IOTLB,
    QEMU_CAPS_DEVICE_AMDVI_PCI,           /* "AMDVI-PCI" */

    /* virtio-iommu-pci */
    QEMU_CAPS_DEVICE_VIRTIO_IOMMU_PCI,
    QEMU_CAPS_VIRTIO_IOMMU_AW_BITS,
    QEMU_CAPS_VIRTIO_IOMMU_GRANULE,
    QEMU_CAPS_VIRTIO_IOMMU_BOOT_BYPASS,

    /* arm-smmuv3 */
    QEMU_CAPS_DEVICE_ARM_SMMUV3,
    QEMU_CAPS_ARM_SMMUV3_PRIMARY_BUS,
    QEMU_CAPS_ARM_SMMUV3_ACCEL,
    QEMU_CAPS_ARM_SMMUV3_ATS,
    QEMU_CAPS_ARM_SMMUV3_RIL,
    QEMU_CAPS_ARM_SMMUV3_SSIDSIZE,
    QEMU_CAPS_ARM_SMMUV3_OAS,
    QEMU_CAPS_ARM_SMMUV3_CMDQV,
    /* machine 'virt' has the 'iommu' property (iommu=smmuv3) */
    QEMU_CAPS_MACHINE_VIRT_IOMMU,         /* "virt.iommu" */

    /* iommufd and vfio-pci */
    QEMU_CAPS_OBJECT_IOMMUFD,             /* "iommufd" */
    QEMU_CAPS_DEVICE_VFIO_PCI,
    QEMU_CAPS_VFIO_PCI_IOMMUFD,
    QEMU_CAPS_VFIO_PCI_FD,
    QEMU_CAPS_VFIO_PCI_X_VPASID_CAP_OFFSET,
    QEMU_CAPS_VFIO_PCI_ATS,

    /* PCI topology and other devices used by the command line */
    QEMU_CAPS_DEVICE_PCIE_ROOT_PORT,
    QEMU_CAPS_DEVICE_PXB_PCIE,
    QEMU_CAPS_DEVICE_PCI_BRIDGE,
    QEMU_CAPS_DEVICE_PCIE_PCI_BRIDGE,
    QEMU_CAPS_DEVICE_X3130_UPSTREAM,       /* "x3130-upstream" */
    QEMU_CAPS_DEVICE_XIO3130_DOWNSTREAM,   /* "xio3130-downstream" */
    QEMU_CAPS_DEVICE_QEMU_XHCI,
    QEMU_CAPS_DEVICE_VIRTIO_BLK_PCI,
    QEMU_CAPS_DEVICE_VIRTIO_SCSI_PCI,
    QEMU_CAPS_DEVICE_VIRTIO_NET_PCI,
    QEMU_CAPS_DEVICE_E1000E,
    QEMU_CAPS_DEVICE_VIRTIO_BALLOON_PCI,
    QEMU_CAPS_DEVICE_ISA_SERIAL,
    QEMU_CAPS_DEVICE_PL011,
    QEMU_CAPS_OBJECT_MEMORY_BACKEND_RAM,

    /* Added after the first version of this list. */
    /* derived: "-device arm-smmuv3" is user-creatable. The type and its
     * 'primary-bus' link exist in older QEMU too (10.0.2 has them: the
     * virt machine creates the device for iommu=smmuv3), but there
     * -device refuses it ("expects a pluggable device type"). User
     * creation arrived together with 'arm-smmuv3.smmu_per_bus'. */
    QEMU_CAPS_DEVICE_ARM_SMMUV3_USER,     /* "arm-smmuv3-user-creatable" */

    QEMU_CAPS_LAST
} virQEMUCapsFlags;
VIR_ENUM_DECL(virQEMUCaps);

typedef struct _virQEMUCaps virQEMUCaps;

virQEMUCaps *virQEMUCapsNew(void);
void virQEMUCapsFree(virQEMUCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQEMUCaps, virQEMUCapsFree);

/* Start @binary (no KVM needed), ask it over QMP, quit it. */
virQEMUCaps *virQEMUCapsProbe(const char *binary, GError **error);

/* Cached probe: the cache file under @cacheDir (NULL: the user's cache
 * directory, g_get_user_cache_dir()/libvirt-viommu/qemucaps) is keyed by
 * the binary's path and is re-probed when its size or mtime changed, when
 * another version of this project wrote it, or, for a wrapper script, when
 * the first line of "BINARY -version" changed. A probe whose document
 * would not read back fails instead of being cached. */
virQEMUCaps *virQEMUCapsCacheLookup(const char *binary, const char *cacheDir,
                                    GError **error);

/* The document (root <qemuCaps>): format and parse are a pair. */
char *virQEMUCapsFormat(const virQEMUCaps *caps);
virQEMUCaps *virQEMUCapsParseString(const char *xml, GError **error);
virQEMUCaps *virQEMUCapsParseFile(const char *path, GError **error);

bool virQEMUCapsGet(const virQEMUCaps *caps, virQEMUCapsFlags flag);

const char *virQEMUCapsGetBinary(const virQEMUCaps *caps);
const char *virQEMUCapsGetArch(const virQEMUCaps *caps);    /* x86_64, aarch64 */
/* Does this QEMU binary run guests of @arch? Its own arch, and i686 guests
 * on an x86_64 binary (libvirt runs them on qemu-system-x86_64) */
bool virQEMUCapsRunsArch(const virQEMUCaps *caps, const char *arch);
/* The QEMU binary name for guests of @arch: qemu-system-ARCH, with i686
 * guests on qemu-system-x86_64 */
const char *virQEMUCapsArchBinaryName(const char *arch);
/* major * 1000000 + minor * 1000 + micro, e.g. 11001003 */
unsigned int virQEMUCapsGetVersion(const virQEMUCaps *caps);
/* "11.1.3" */
const char *virQEMUCapsGetVersionString(const virQEMUCaps *caps);
/* The package string QEMU reports, e.g. "Debian 1:11.1.3+ds-1" */
const char *virQEMUCapsGetPackage(const virQEMUCaps *caps);
/* KVM available on the probing host (informational only) */

/* Machine types: canonical name for @name (an alias such as "q35" or
 * "virt", or a versioned name itself), NULL when this binary lacks it. */
const char *virQEMUCapsGetCanonicalMachine(const virQEMUCaps *caps,
                                           const char *name);

/* The most vCPUs machine type @name (alias or name) takes, as QEMU's
 * query-machines 'cpu-max' says; 0 when unknown */
unsigned int virQEMUCapsGetMachineMaxCpus(const virQEMUCaps *caps,
                                          const char *name);

/* Whether @model is one of the CPU models query-cpu-definitions lists */
bool virQEMUCapsHasCPUModel(const virQEMUCaps *caps, const char *model);

/* Whether @name is a plain word (letters, digits, '._+-') that can be
 * the first value of -machine or -cpu without being split there */
bool virQEMUCapsNameIsPlain(const char *name);

/* Recorded QOM property of @typeName: its QAPI type (e.g. "bool",
 * "uint8", "OnOffAuto") and default value as a string (NULL when none).
 * Both return NULL when the type or property is not known. */
const char *virQEMUCapsGetPropertyType(const virQEMUCaps *caps,
                                       const char *typeName,
                                       const char *property);
const char *virQEMUCapsGetPropertyDefault(const virQEMUCaps *caps,
                                          const char *typeName,
                                          const char *property);

/* Additions for the probe, the cache and the recorded documents. */

/* Replace the recorded binary path, e.g. to record a binary that runs
 * through a wrapper under the path it has on a real host. */
void virQEMUCapsSetBinary(virQEMUCaps *caps, const char *binary);

/* Whether the QOM type @typeName (or the machine type of a machine name
 * or alias such as "virt") was recorded, and whether it has @property.
 * For names not in the probe list these say false. */
bool virQEMUCapsHasType(const virQEMUCaps *caps, const char *typeName);
bool virQEMUCapsHasProperty(const virQEMUCaps *caps, const char *typeName,
                            const char *property);

/* The cache file that virQEMUCapsCacheLookup uses for @binary (an
 * absolute path) under @cacheDir (NULL: the user's cache directory). */
char *virQEMUCapsCacheFile(const char *binary, const char *cacheDir);
