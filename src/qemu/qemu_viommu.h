/*
 * qemu_viommu.h: everything vIOMMU / iommufd / hostdev on the QEMU side:
 *                QEMU-caps validation, host-caps validation, the command
 *                line pieces and the explanation of the resulting flags
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "domain_conf.h"
#include "qemu_capabilities.h"
#include "virhostiommu.h"
#include "qemu_viommu_guest.h"

/* ---- validation ---------------------------------------------------------- */

/* The vIOMMUs of @def against the binary and QEMU's realize/attach rules. */
int qemuViommuValidate(const virDomainDef *def, const virQEMUCaps *caps,
                       GError **error);

/* Every PCI hostdev of @def against the host, device by device. Nothing
 * learnt from the host is written into @def. */
int qemuViommuValidateHost(const virDomainDef *def, const virHostIOMMU *host,
                           GError **error);

/* ---- command line -------------------------------------------------------- */

/* Extra -machine properties the vIOMMU needs ("kernel_irqchip=split",
 * "iommu=smmuv3"), appended as ",key=value" to @machineOpts. */
void qemuViommuBuildMachineProps(GString *machineOpts, const virDomainDef *def,
                                 const virQEMUCaps *caps);

/* -device for each vIOMMU that is a device (after the PCI controllers). */
int qemuViommuBuildIOMMUCommandLine(GPtrArray *args, const virDomainDef *def,
                                    const virQEMUCaps *caps, GError **error);

/* -object iommufd (once) and -device vfio-pci for every PCI hostdev. */
int qemuViommuBuildHostdevCommandLine(GPtrArray *args, const virDomainDef *def,
                                      const virQEMUCaps *caps, GError **error);

/* ---- explain -------------------------------------------------------------- */

/* vIOMMU flags QEMU reports to VFIO (include/hw/core/iommu.h) */
typedef enum {
    QEMU_VIOMMU_FLAG_WANT_NESTING_PARENT = 1 << 0,
    QEMU_VIOMMU_FLAG_PASID_SUPPORTED = 1 << 1,
    QEMU_VIOMMU_FLAG_WANT_NESTING_DIRTY_TRACKING = 1 << 2,
    QEMU_VIOMMU_FLAG_WANT_PASID_ATTACH = 1 << 3,
} qemuViommuFlag;

/* IOMMU_HWPT_ALLOC flags VFIO requests for the device's default HWPT */
typedef enum {
    QEMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
    QEMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
    QEMU_HWPT_ALLOC_PASID = 1 << 3,
} qemuHWPTAllocFlag;

typedef struct {
    char *alias;              /* hostdev alias */
    char *address;            /* host BDF */
    char *iommuAlias;         /* vIOMMU in front, NULL for none */
    char *iommuModel;
    char *hostUnit;           /* host IOMMU unit, NULL if unknown */
    char *hostUnitType;
    bool iommufd;             /* effective backend */
    unsigned int viommuFlags; /* qemuViommuFlag */
    unsigned int hwptFlags;   /* qemuHWPTAllocFlag; 0 for the legacy container */
    unsigned int pasidBits;   /* guest PASID width asked for, 0 none */
    bool supported;           /* this host supports the combination */
    char *reason;             /* why not / caveat, NULL when nothing to say */
    GPtrArray *notes;         /* further remarks (char *) */
} qemuViommuExplainDevice;

typedef struct {
    qemuViommuExplainDevice **devices;
    size_t ndevices;
    /* per vIOMMU: the register fields its guest will read
     * (qemu_viommu_guest.h) */
    qemuViommuGuestView **guestViews;
    size_t nguestViews;
} qemuViommuExplanation;

void qemuViommuExplanationFree(qemuViommuExplanation *expl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuViommuExplanation, qemuViommuExplanationFree);

/* Per assigned device: flags and host verdicts. @host may be NULL (then
 * the host columns say "not checked"). Per vIOMMU: the guest's view. */
qemuViommuExplanation *qemuViommuExplain(const virDomainDef *def,
                                         const virQEMUCaps *caps,
                                         const virHostIOMMU *host);

char *qemuViommuExplanationFormatText(const qemuViommuExplanation *expl);
char *qemuViommuExplanationFormatJSON(const qemuViommuExplanation *expl);
