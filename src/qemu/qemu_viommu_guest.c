/*
 * qemu_viommu_guest.c: the guest's view of an emulated vIOMMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each row of the tables below names one register field, how to read it
 * from decoded registers, and how the configuration decides its value.
 * A row whose decision function returns false says "not decided by the
 * configuration" (an 'auto' QEMU resolves from the accelerator, a
 * host-derived value): such a field is neither shown nor checked.
 *
 * The values follow QEMU's emulation, as measured by booting guests under
 * QEMU 10.0.2 and 11.1.3 (tests/guestviewtest.c, docs/guest-view.md).
 */
#include <stdio.h>
#include <string.h>

#include "qemu_viommu_guest.h"
#include "virerror.h"

typedef struct {
    const virDomainDef *def;
    const virDomainIOMMUDef *iommu;
    const virQEMUCaps *caps;
} qemuViommuGuestCtx;

typedef struct {
    virDomainIOMMUModel model;
    const char *name;
    const char *cause;
    unsigned int (*read)(const qemuViommuGuestRegs *r);
    bool (*decide)(const qemuViommuGuestCtx *c, unsigned int *value);
} qemuViommuGuestRow;


/* MAJOR.MINOR of a versioned machine type "PREFIX-X.Y"; false for an
 * alias such as "q35" or "virt" (the binary's newest). */
static bool
qemuViommuGuestMachineVersion(const char *machine, const char *prefix,
                              unsigned int *major, unsigned int *minor)
{
    size_t len = strlen(prefix);
    char tail;

    if (!machine || strncmp(machine, prefix, len) != 0)
        return false;
    return sscanf(machine + len, "%u.%u%c", major, minor, &tail) == 2;
}

/* The machine type is at most MAJOR.MINOR (aliases are the newest) */
static bool
qemuViommuGuestMachineUpTo(const virDomainDef *def, const char *prefix,
                           unsigned int major, unsigned int minor)
{
    unsigned int ma, mi;

    if (!qemuViommuGuestMachineVersion(def->machine, prefix, &ma, &mi))
        return false;
    return ma < major || (ma == major && mi <= minor);
}

static bool
qemuViommuGuestSwitch(virTristateSwitch s, unsigned int *value)
{
    if (s == VIR_TRISTATE_SWITCH_ABSENT)
        return false;
    *value = s == VIR_TRISTATE_SWITCH_ON;
    return true;
}

/* ---- Intel VT-d ----------------------------------------------------------- */

#define VTD_READER(field) \
    static unsigned int \
    qemuViommuGuestReadVTd_##field(const qemuViommuGuestRegs *r) \
    { \
        return r->vtd.field; \
    }

VTD_READER(smts)
VTD_READER(fsts)
VTD_READER(ssts)
VTD_READER(srs)
VTD_READER(pasid)
VTD_READER(pss)
VTD_READER(sagaw)
VTD_READER(mgaw)
VTD_READER(cm)
VTD_READER(ir)
VTD_READER(eim)
VTD_READER(dt)
VTD_READER(prs)
VTD_READER(fs1gp)

static bool
qemuViommuGuestVTdSMTS(const qemuViommuGuestCtx *c, unsigned int *value)
{
    *value = c->iommu->eff.scalableMode;
    return true;
}

static bool
qemuViommuGuestVTdFSTS(const qemuViommuGuestCtx *c, unsigned int *value)
{
    *value = c->iommu->eff.nesting;
    return true;
}

/* QEMU advertises one translation stage in scalable mode: the first with
 * fsts, else the second. */
static bool
qemuViommuGuestVTdSSTS(const qemuViommuGuestCtx *c, unsigned int *value)
{
    *value = c->iommu->eff.scalableMode && !c->iommu->eff.nesting;
    return true;
}

/* QEMU sets SRS (supervisor requests) with the second stage only: a
 * nesting guest cannot ask for SRE in its first-stage tables. */
static bool
qemuViommuGuestVTdSRS(const qemuViommuGuestCtx *c, unsigned int *value)
{
    *value = c->iommu->eff.scalableMode && !c->iommu->eff.nesting;
    return true;
}

static bool
qemuViommuGuestVTdPASID(const qemuViommuGuestCtx *c, unsigned int *value)
{
    *value = c->iommu->eff.pasidBits > 0;
    return true;
}

/* pasid-bits=N gives PSS = N - 1; the older boolean x-pasid-mode gives
 * PSS = 0, a 1-bit PASID. Without PASID the field means nothing. */
static bool
qemuViommuGuestVTdPSS(const qemuViommuGuestCtx *c, unsigned int *value)
{
    unsigned int bits = c->iommu->eff.pasidBits;

    if (!bits)
        return false;
    *value = virQEMUCapsGet(c->caps, QEMU_CAPS_INTEL_IOMMU_PASID_BITS) ? bits - 1 : 0;
    return true;
}

/* The IOVA width: aw_bits, 48 for nesting, else the machine type's
 * default (39 up to pc-q35-9.1, 48 since 9.2). */
static unsigned int
qemuViommuGuestVTdWidth(const qemuViommuGuestCtx *c)
{
    if (c->iommu->eff.awBits)
        return c->iommu->eff.awBits;
    if (qemuViommuGuestMachineUpTo(c->def, "pc-q35-", 9, 1))
        return 39;
    return 48;
}

/* dma_translation='off' clears SAGAW: the guest kernel then registers no
 * DMA-remapping unit ("No supported address widths") */
static bool
qemuViommuGuestVTdSAGAW(const qemuViommuGuestCtx *c, unsigned int *value)
{
    if (c->iommu->driver.dma_translation == VIR_TRISTATE_SWITCH_OFF) {
        *value = 0;
        return true;
    }
    switch (qemuViommuGuestVTdWidth(c)) {
    case 39:
        *value = 0x2;           /* 3-level tables only */
        return true;
    case 48:
        *value = 0x6;           /* 3- and 4-level tables */
        return true;
    default:
        return false;
    }
}

static bool
qemuViommuGuestVTdMGAW(const qemuViommuGuestCtx *c, unsigned int *value)
{
    if (c->iommu->driver.dma_translation == VIR_TRISTATE_SWITCH_OFF)
        return false;
    *value = qemuViommuGuestVTdWidth(c);
    return true;
}

static bool
qemuViommuGuestVTdCM(const qemuViommuGuestCtx *c, unsigned int *value)
{
    *value = c->iommu->driver.caching_mode == VIR_TRISTATE_SWITCH_ON;
    return true;
}

/* intremap and eim are OnOffAuto in QEMU: 'auto' depends on the
 * accelerator and the irqchip, so only an explicit value decides. */
static bool
qemuViommuGuestVTdIR(const qemuViommuGuestCtx *c, unsigned int *value)
{
    return qemuViommuGuestSwitch(c->iommu->driver.intremap, value);
}

static bool
qemuViommuGuestVTdEIM(const qemuViommuGuestCtx *c, unsigned int *value)
{
    return qemuViommuGuestSwitch(c->iommu->driver.eim, value);
}

static bool
qemuViommuGuestVTdDT(const qemuViommuGuestCtx *c, unsigned int *value)
{
    *value = c->iommu->driver.iotlb == VIR_TRISTATE_SWITCH_ON;
    return true;
}

static bool
qemuViommuGuestVTdPRS(const qemuViommuGuestCtx *c, unsigned int *value)
{
    *value = c->iommu->eff.svm;
    return true;
}

static bool
qemuViommuGuestVTdFS1GP(const qemuViommuGuestCtx *c, unsigned int *value)
{
    *value = c->iommu->eff.fs1gp;
    return true;
}

/* ---- ARM SMMUv3 ----------------------------------------------------------- */

static unsigned int
qemuViommuGuestReadS1P(const qemuViommuGuestRegs *r)
{
    return r->smmu.s1p;
}

static unsigned int
qemuViommuGuestReadS2P(const qemuViommuGuestRegs *r)
{
    return r->smmu.s2p;
}

static unsigned int
qemuViommuGuestReadSSIDSize(const qemuViommuGuestRegs *r)
{
    return r->smmu.ssidSize;
}

static bool
qemuViommuGuestSMMUS1P(const qemuViommuGuestCtx *c G_GNUC_UNUSED,
                       unsigned int *value)
{
    /* every variant QEMU builds translates at stage 1 */
    *value = 1;
    return true;
}

/* The SMMUv3 of -machine virt,iommu=smmuv3 is created with stage=nested
 * since virt-9.2 (stage 1 only up to virt-9.1); a pciBus instance
 * (-device arm-smmuv3) keeps QEMU's default, stage 1, which accel=on
 * requires anyway. */
static bool
qemuViommuGuestSMMUS2P(const qemuViommuGuestCtx *c, unsigned int *value)
{
    if (c->iommu->driver.pci_bus >= 0)
        *value = 0;
    else
        *value = !qemuViommuGuestMachineUpTo(c->def, "virt-", 9, 1);
    return true;
}

/* SSIDSIZE > 0 exists only with accel=on; there the width is the
 * configuration's when pasid, pasid_bits, ssidsize or nesting pin it
 * (qemuViommuBuildSMMUv3Props), else QEMU takes it from the host. */
static bool
qemuViommuGuestSMMUSSIDSize(const qemuViommuGuestCtx *c, unsigned int *value)
{
    const virDomainIOMMUDriverDef *drv = &c->iommu->driver;

    if (!c->iommu->eff.nesting) {
        *value = 0;
        return true;
    }
    if (drv->ssidsize < 0 && drv->pasid == VIR_TRISTATE_SWITCH_ABSENT &&
        drv->pasid_bits < 0 && drv->nesting != VIR_TRISTATE_SWITCH_ON)
        return false;
    *value = c->iommu->eff.pasidBits;
    return true;
}

/* ---- the table ------------------------------------------------------------ */

#define INTEL VIR_DOMAIN_IOMMU_MODEL_INTEL
#define SMMUV3 VIR_DOMAIN_IOMMU_MODEL_SMMUV3
#define VTD_ROW(name, field, cause, decide) \
    { INTEL, name, cause, qemuViommuGuestReadVTd_##field, decide }

static const qemuViommuGuestRow qemuViommuGuestTable[] = {
    VTD_ROW("ECAP.SMTS", smts, N_("scalable_mode, nesting or pasid"),
            qemuViommuGuestVTdSMTS),
    VTD_ROW("ECAP.FSTS", fsts, N_("nesting or fsts"), qemuViommuGuestVTdFSTS),
    VTD_ROW("ECAP.SSTS", ssts, N_("scalable mode without first stage"),
            qemuViommuGuestVTdSSTS),
    VTD_ROW("ECAP.SRS", srs, N_("scalable mode without first stage"),
            qemuViommuGuestVTdSRS),
    VTD_ROW("ECAP.PASID", pasid, N_("pasid or pasid_bits"), qemuViommuGuestVTdPASID),
    VTD_ROW("ECAP.PSS", pss, N_("pasid_bits - 1 (QEMU without pasid-bits: 0, a 1-bit PASID)"),
            qemuViommuGuestVTdPSS),
    VTD_ROW("CAP.SAGAW", sagaw, N_("aw_bits (nesting: 48; else the machine type's default); 0 with dma_translation='off'"),
            qemuViommuGuestVTdSAGAW),
    VTD_ROW("CAP.MGAW", mgaw, N_("aw_bits (nesting: 48; else the machine type's default)"),
            qemuViommuGuestVTdMGAW),
    VTD_ROW("CAP.CM", cm, N_("caching_mode"), qemuViommuGuestVTdCM),
    VTD_ROW("ECAP.IR", ir, N_("intremap"), qemuViommuGuestVTdIR),
    VTD_ROW("ECAP.EIM", eim, N_("eim"), qemuViommuGuestVTdEIM),
    VTD_ROW("ECAP.DT", dt, N_("iotlb"), qemuViommuGuestVTdDT),
    VTD_ROW("ECAP.PRS", prs, N_("svm"), qemuViommuGuestVTdPRS),
    VTD_ROW("CAP.FS1GP", fs1gp, N_("nesting, unless fs1gp='off'"), qemuViommuGuestVTdFS1GP),
    { SMMUV3, "IDR0.S1P", N_("always"), qemuViommuGuestReadS1P, qemuViommuGuestSMMUS1P },
    { SMMUV3, "IDR0.S2P", N_("machine-wide SMMUv3 (stage nested since virt-9.2); a pciBus instance has stage 1 only"),
      qemuViommuGuestReadS2P, qemuViommuGuestSMMUS2P },
    { SMMUV3, "IDR1.SSIDSIZE", N_("pasid_bits or ssidsize with nesting (accel); 0 without"),
      qemuViommuGuestReadSSIDSize, qemuViommuGuestSMMUSSIDSize },
};

#undef VTD_ROW
#undef INTEL
#undef SMMUV3


void
qemuViommuGuestViewFree(qemuViommuGuestView *view)
{
    if (!view)
        return;
    g_free(view->alias);
    g_free(view->fields);
    g_free(view);
}

qemuViommuGuestView *
qemuViommuGuestViewNew(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                       const virQEMUCaps *caps)
{
    qemuViommuGuestCtx ctx = { .def = def, .iommu = iommu, .caps = caps };
    qemuViommuGuestView *view = g_new0(qemuViommuGuestView, 1);
    size_t i;

    view->alias = g_strdup(iommu->info.alias);
    view->model = iommu->model;
    view->fields = g_new0(qemuViommuGuestField, G_N_ELEMENTS(qemuViommuGuestTable));
    for (i = 0; i < G_N_ELEMENTS(qemuViommuGuestTable); i++) {
        const qemuViommuGuestRow *row = &qemuViommuGuestTable[i];
        qemuViommuGuestField *f = &view->fields[view->nfields];

        if (row->model != iommu->model || !row->decide(&ctx, &f->value))
            continue;
        f->name = row->name;
        f->cause = row->cause;
        view->nfields++;
    }
    return view;
}

bool
qemuViommuGuestRead(virDomainIOMMUModel model, const char *name,
                    const qemuViommuGuestRegs *regs, unsigned int *value)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qemuViommuGuestTable); i++) {
        const qemuViommuGuestRow *row = &qemuViommuGuestTable[i];

        if (row->model == model && g_str_equal(row->name, name)) {
            *value = row->read(regs);
            return true;
        }
    }
    return false;
}

char *
qemuViommuGuestFormatValue(const char *name, unsigned int value)
{
    if (g_str_equal(name, "CAP.SAGAW"))
        return g_strdup_printf("0x%x", value);
    return g_strdup_printf("%u", value);
}
