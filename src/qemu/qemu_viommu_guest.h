/*
 * qemu_viommu_guest.h: the guest's view of an emulated vIOMMU: which
 *                      register fields (VT-d CAP/ECAP, SMMUv3 IDRn) the
 *                      guest kernel will read, derived from the effective
 *                      configuration and the QEMU binary's capabilities
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One table serves both `virt-viommu explain` and the guest-visible test
 * suite, which boots a guest and compares its registers with it. Only
 * fields the configuration decides are listed: what QEMU resolves from
 * the accelerator, the machine type or the host ('auto' values, the
 * default address width) is left out.
 */
#pragma once

#include "domain_conf.h"
#include "qemu_capabilities.h"
#include "viriommu.h"

/* The registers a guest read from one unit, decoded */
typedef struct {
    virIOMMUVTdRegs vtd;          /* model intel */
    virIOMMUSMMUv3Regs smmu;      /* model smmuv3 */
} qemuViommuGuestRegs;

typedef struct {
    const char *name;             /* "ECAP.SMTS", "IDR1.SSIDSIZE" */
    unsigned int value;           /* what the guest will read */
    const char *cause;            /* untranslated: the setting deciding it */
} qemuViommuGuestField;

typedef struct {
    char *alias;                  /* iommu0 */
    virDomainIOMMUModel model;
    qemuViommuGuestField *fields;
    size_t nfields;
} qemuViommuGuestView;

void qemuViommuGuestViewFree(qemuViommuGuestView *view);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuViommuGuestView, qemuViommuGuestViewFree);

/* The fields @iommu of @def shows its guest with the binary of @caps, in
 * table order. Models without a guest-view table (virtio, amd) give a view
 * with no fields. */
qemuViommuGuestView *qemuViommuGuestViewNew(const virDomainDef *def,
                                            const virDomainIOMMUDef *iommu,
                                            const virQEMUCaps *caps);

/* The value of the field @name in registers a guest read; false when the
 * table of @model has no such field. */
bool qemuViommuGuestRead(virDomainIOMMUModel model, const char *name,
                         const qemuViommuGuestRegs *regs, unsigned int *value);

/* "0x6" for SAGAW (a bit mask), decimal for the others */
char *qemuViommuGuestFormatValue(const char *name, unsigned int value);
