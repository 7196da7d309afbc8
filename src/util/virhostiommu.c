/*
 * virhostiommu.c: the host IOMMU model and its probe
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "virerror.h"
#include "virfile.h"
#include "virhostiommu.h"
#include "viriommu.h"
#include "viriommufd.h"
#include "virpci.h"

VIR_ENUM_IMPL(virHostIOMMUType, VIR_HOST_IOMMU_TYPE_LAST,
              "unknown", "intel-vtd", "arm-smmuv3", "amd");

VIR_ENUM_IMPL(virHostIOMMUFeature, VIR_HOST_IOMMU_FEATURE_LAST,
              "scalable-mode", "nesting", "first-stage", "second-stage",
              "pasid", "fs1gp", "fs5lp", "dirty-tracking", "device-tlb",
              "page-request", "intremap", "eim", "snoop-control",
              "supervisor-request", "extended-accessed", "ril", "s2fwb",
              "coherent-access");

VIR_ENUM_IMPL(virHostIOMMUFact, VIR_HOST_IOMMU_FACT_LAST,
              "unknown", "yes", "no");

/* Where each fact comes from, as written in the document */
#define SRC_SYSFS   "sysfs"
#define SRC_CMDLINE "cmdline"
#define SRC_KCONFIG "kernel-config"
#define SRC_IOCTL   "ioctl"

static const char *const hwInfoTypes[] = {
    "none", "intel-vtd", "arm-smmuv3", "tegra241-cmdqv", "amd",
};

const char *
virHostIOMMUHwInfoTypeToString(unsigned int type)
{
    return type < G_N_ELEMENTS(hwInfoTypes) ? hwInfoTypes[type] : NULL;
}

int
virHostIOMMUHwInfoTypeFromString(const char *str)
{
    return virEnumFromString(hwInfoTypes, G_N_ELEMENTS(hwInfoTypes), str);
}

static const char *const hwCaps[] = {
    "dirty-tracking", "pasid-exec", "pasid-priv", "ats-not-supported",
};

const char *
virHostIOMMUHwCapToString(unsigned int bit)
{
    return bit < G_N_ELEMENTS(hwCaps) ? hwCaps[bit] : NULL;
}

int
virHostIOMMUHwCapFromString(const char *str)
{
    return virEnumFromString(hwCaps, G_N_ELEMENTS(hwCaps), str);
}

/* ---- object life cycle ---------------------------------------------- */

virHostIOMMU *
virHostIOMMUNew(void)
{
    return g_new0(virHostIOMMU, 1);
}

virHostIOMMUUnit *
virHostIOMMUUnitNew(const char *name, virHostIOMMUType type)
{
    virHostIOMMUUnit *unit = g_new0(virHostIOMMUUnit, 1);

    unit->name = g_strdup(name);
    unit->type = type;
    return unit;
}

static void
virHostIOMMUFeatureInfoClear(virHostIOMMUFeatureInfo *info)
{
    g_clear_pointer(&info->reason, g_free);
    g_clear_pointer(&info->source, g_free);
    info->state = VIR_HOST_IOMMU_FACT_UNKNOWN;
}

void
virHostIOMMUUnitFree(virHostIOMMUUnit *unit)
{
    size_t i;

    if (!unit)
        return;
    for (i = 0; i < VIR_HOST_IOMMU_FEATURE_LAST; i++)
        virHostIOMMUFeatureInfoClear(&unit->features[i]);
    g_free(unit->name);
    g_free(unit->registersSource);
    g_free(unit->registersDevice);
    g_free(unit);
}

virHostIOMMUDevice *
virHostIOMMUDeviceNew(const char *address)
{
    virHostIOMMUDevice *dev = g_new0(virHostIOMMUDevice, 1);

    dev->address = g_strdup(address);
    dev->iommuGroup = -1;
    return dev;
}

void
virHostIOMMUDeviceFree(virHostIOMMUDevice *dev)
{
    if (!dev)
        return;
    g_free(dev->address);
    g_free(dev->error);
    g_free(dev->unit);
    g_free(dev->driver);
    g_free(dev->vfioCdev);
    g_free(dev->physfn);
    g_free(dev->capsReason);
    g_free(dev->pasid.from);
    g_free(dev->deep.error);
    g_free(dev);
}

void
virHostIOMMUFree(virHostIOMMU *host)
{
    size_t i;

    if (!host)
        return;
    for (i = 0; i < host->nunits; i++)
        virHostIOMMUUnitFree(host->units[i]);
    for (i = 0; i < host->ndevices; i++)
        virHostIOMMUDeviceFree(host->devices[i]);
    g_free(host->units);
    g_free(host->devices);
    g_free(host->iommufdReason);
    g_free(host->root);
    g_free(host);
}

void
virHostIOMMUAddUnit(virHostIOMMU *host, virHostIOMMUUnit *unit)
{
    host->units = g_renew(virHostIOMMUUnit *, host->units, host->nunits + 1);
    host->units[host->nunits++] = unit;
}

void
virHostIOMMUAddDevice(virHostIOMMU *host, virHostIOMMUDevice *dev)
{
    host->devices = g_renew(virHostIOMMUDevice *, host->devices,
                            host->ndevices + 1);
    host->devices[host->ndevices++] = dev;
}

void
virHostIOMMUUnitSetFeature(virHostIOMMUUnit *unit, virHostIOMMUFeature feature,
                           virHostIOMMUFact state, const char *source,
                           const char *reason)
{
    virHostIOMMUFeatureInfo *info = &unit->features[feature];

    virHostIOMMUFeatureInfoClear(info);
    info->state = state;
    info->source = g_strdup(source);
    info->reason = g_strdup(reason);
}

const virHostIOMMUDevice *
virHostIOMMUFindDevice(const virHostIOMMU *host, const char *address)
{
    g_autofree char *norm = virPCIAddressNormalize(address);
    size_t i;

    if (!host || !norm)
        return NULL;
    for (i = 0; i < host->ndevices; i++) {
        if (strcmp(host->devices[i]->address, norm) == 0)
            return host->devices[i];
    }
    return NULL;
}

const virHostIOMMUUnit *
virHostIOMMUFindUnit(const virHostIOMMU *host, const char *name)
{
    size_t i;

    if (!host || !name)
        return NULL;
    for (i = 0; i < host->nunits; i++) {
        if (strcmp(host->units[i]->name, name) == 0)
            return host->units[i];
    }
    return NULL;
}

/* ---- feature derivation ---------------------------------------------- */

bool
virHostIOMMUFeatureApplies(virHostIOMMUType type, virHostIOMMUFeature f)
{
    switch (type) {
    case VIR_HOST_IOMMU_TYPE_INTEL_VTD:
        return f != VIR_HOST_IOMMU_FEATURE_RIL &&
               f != VIR_HOST_IOMMU_FEATURE_S2FWB &&
               f != VIR_HOST_IOMMU_FEATURE_COHERENT;
    case VIR_HOST_IOMMU_TYPE_ARM_SMMUV3:
        switch (f) {
        case VIR_HOST_IOMMU_FEATURE_NESTING:
        case VIR_HOST_IOMMU_FEATURE_FIRST_STAGE:
        case VIR_HOST_IOMMU_FEATURE_SECOND_STAGE:
        case VIR_HOST_IOMMU_FEATURE_PASID:
        case VIR_HOST_IOMMU_FEATURE_DIRTY_TRACKING:
        case VIR_HOST_IOMMU_FEATURE_DEVICE_TLB:
        case VIR_HOST_IOMMU_FEATURE_PAGE_REQUEST:
        case VIR_HOST_IOMMU_FEATURE_RIL:
        case VIR_HOST_IOMMU_FEATURE_S2FWB:
        case VIR_HOST_IOMMU_FEATURE_COHERENT:
            return true;
        default:
            return false;
        }
    case VIR_HOST_IOMMU_TYPE_AMD:
        switch (f) {
        case VIR_HOST_IOMMU_FEATURE_NESTING:
        case VIR_HOST_IOMMU_FEATURE_FIRST_STAGE:
        case VIR_HOST_IOMMU_FEATURE_SECOND_STAGE:
        case VIR_HOST_IOMMU_FEATURE_PASID:
        case VIR_HOST_IOMMU_FEATURE_FS5LP:
        case VIR_HOST_IOMMU_FEATURE_DIRTY_TRACKING:
        case VIR_HOST_IOMMU_FEATURE_DEVICE_TLB:
        case VIR_HOST_IOMMU_FEATURE_PAGE_REQUEST:
        case VIR_HOST_IOMMU_FEATURE_INTREMAP:
        case VIR_HOST_IOMMU_FEATURE_EIM:
            return true;
        default:
            return false;
        }
    case VIR_HOST_IOMMU_TYPE_UNKNOWN:
    case VIR_HOST_IOMMU_TYPE_LAST:
        break;
    }
    return true;
}

/* A derived verdict before it is stored */
typedef struct {
    virHostIOMMUFact state;
    const char *source;
    char *reason;
} virHostIOMMUVerdict;

static void
virHostIOMMUUnitStore(virHostIOMMUUnit *unit, virHostIOMMUFeature f,
                      virHostIOMMUVerdict *v)
{
    virHostIOMMUUnitSetFeature(unit, f, v->state, v->source, v->reason);
    g_clear_pointer(&v->reason, g_free);
}

static void
virHostIOMMUUnitYes(virHostIOMMUUnit *unit, virHostIOMMUFeature f)
{
    virHostIOMMUUnitSetFeature(unit, f, VIR_HOST_IOMMU_FACT_YES,
                               unit->registersSource, NULL);
}

static void
virHostIOMMUUnitNo(virHostIOMMUUnit *unit, virHostIOMMUFeature f,
                   const char *reason)
{
    virHostIOMMUUnitSetFeature(unit, f, VIR_HOST_IOMMU_FACT_NO,
                               unit->registersSource, reason);
}

/* A feature that is one register bit: YES when @set, else NO for @reason */
static void
virHostIOMMUUnitBit(virHostIOMMUUnit *unit, virHostIOMMUFeature f, bool set,
                    const char *reason)
{
    if (set)
        virHostIOMMUUnitYes(unit, f);
    else
        virHostIOMMUUnitNo(unit, f, reason);
}

/* Whether the kernel runs the VT-d unit in scalable mode */
static void
virHostIOMMUVTdScalableMode(const virIOMMUVTdRegs *regs,
                            const virIOMMUCmdline *cmd,
                            const char *kconfig,
                            const char *regsSource,
                            virHostIOMMUVerdict *sm)
{
    virIOMMUSwitch cfg;

    memset(sm, 0, sizeof(*sm));
    if (!regs->smts) {
        sm->state = VIR_HOST_IOMMU_FACT_NO;
        sm->source = regsSource;
        sm->reason = g_strdup(_("ECAP.SMTS is clear: the unit has no scalable-mode translation"));
        return;
    }
    /* the last switch on the command line wins, then the build default */
    if (cmd->scalableMode == VIR_IOMMU_SWITCH_OFF) {
        sm->state = VIR_HOST_IOMMU_FACT_NO;
        sm->source = SRC_CMDLINE;
        sm->reason = g_strdup_printf(_("the kernel was booted with intel_iommu=%1$s: scalable mode is off although the unit supports it"),
                                     cmd->intelIOMMUText);
        return;
    }
    if (cmd->scalableMode == VIR_IOMMU_SWITCH_ON) {
        sm->state = VIR_HOST_IOMMU_FACT_YES;
        sm->source = SRC_CMDLINE;
        return;
    }
    cfg = virIOMMUKernelConfigLookup(kconfig,
                                     "INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON");
    if (cfg == VIR_IOMMU_SWITCH_ON) {
        sm->state = VIR_HOST_IOMMU_FACT_YES;
        sm->source = SRC_KCONFIG;
    } else if (cfg == VIR_IOMMU_SWITCH_OFF) {
        sm->state = VIR_HOST_IOMMU_FACT_NO;
        sm->source = SRC_KCONFIG;
        sm->reason = g_strdup(_("the kernel is built without CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON and was not booted with intel_iommu=sm_on"));
    } else {
        sm->state = VIR_HOST_IOMMU_FACT_UNKNOWN;
        sm->source = NULL;
        sm->reason = g_strdup(_("the unit supports scalable mode (ECAP.SMTS) but neither the kernel command line (intel_iommu=sm_on/sm_off) nor the kernel configuration tells whether the kernel uses it"));
    }
}

/* A VT-d feature: its own bit (@missing is the reason when it is clear),
 * then scalable mode when @needSM, then the bits it relies on (@support is
 * the reason when one of them is clear). The first failing check gives the
 * verdict, so a unit without scalable mode says so before anything else. */
static void
virHostIOMMUVTdFeature(virHostIOMMUUnit *unit, virHostIOMMUFeature f,
                       const char *missing, bool needSM,
                       const virHostIOMMUVerdict *sm, const char *support)
{
    const char *name = virHostIOMMUFeatureTypeToString(f);
    virHostIOMMUVerdict v = { VIR_HOST_IOMMU_FACT_YES, unit->registersSource, NULL };

    if (missing) {
        v.state = VIR_HOST_IOMMU_FACT_NO;
        v.reason = g_strdup(missing);
    } else if (needSM && sm->state != VIR_HOST_IOMMU_FACT_YES) {
        v.state = sm->state;
        v.source = sm->source;
        v.reason = g_strdup_printf(_("%1$s needs scalable mode: %2$s"),
                                   name, sm->reason);
    } else if (support) {
        v.state = VIR_HOST_IOMMU_FACT_NO;
        v.reason = g_strdup(support);
    }
    virHostIOMMUUnitStore(unit, f, &v);
}

static void
virHostIOMMUDecodeVTd(virHostIOMMUUnit *unit, const virIOMMUCmdline *cmd,
                      const char *kconfig)
{
    virIOMMUVTdRegs r;
    virHostIOMMUVerdict sm;
    const char *noFSTS = _("ECAP.FSTS is clear: the unit has no first-stage translation");
    const char *noSSTS = _("ECAP.SSTS is clear: the unit has no scalable-mode second-stage translation");

    virIOMMUVTdDecode(unit->regs.vtdCap, unit->regs.vtdEcap, &r);
    virHostIOMMUVTdScalableMode(&r, cmd, kconfig, unit->registersSource, &sm);
    virHostIOMMUUnitSetFeature(unit, VIR_HOST_IOMMU_FEATURE_SCALABLE_MODE,
                               sm.state, sm.source, sm.reason);

    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_NESTING,
                           !r.nest ? _("ECAP.NEST is clear: the unit has no nested translation") : NULL,
                           true, &sm,
                           !r.ssts ? _("ECAP.SSTS is clear: no second-stage translation for the nest parent") : NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_FIRST_STAGE,
                           !r.fsts ? noFSTS : NULL, true, &sm, NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_SECOND_STAGE,
                           !r.ssts ? noSSTS : NULL, true, &sm, NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_PASID,
                           !r.pasid ? _("ECAP.PASID is clear: the unit does not support PASIDs") : NULL,
                           true, &sm, NULL);
    unit->pasidWidth = unit->features[VIR_HOST_IOMMU_FEATURE_PASID].state ==
        VIR_HOST_IOMMU_FACT_YES ? virIOMMUVTdPASIDWidth(&r) : 0;
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_FS1GP,
                           !r.fs1gp ? _("CAP.FS1GP is clear: no 1 GiB pages in first-stage tables") : NULL,
                           true, &sm, !r.fsts ? noFSTS : NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_FS5LP,
                           !r.fs5lp ? _("CAP.FS5LP is clear: no 5-level first-stage paging") : NULL,
                           true, &sm, !r.fsts ? noFSTS : NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_DIRTY_TRACKING,
                           !r.ssads ? _("ECAP.SSADS is clear: no second-stage accessed/dirty bits") : NULL,
                           true, &sm,
                           !r.smpwc ? _("ECAP.SMPWC is clear: current kernels refuse dirty tracking without scalable-mode page-walk coherency") :
                           !r.ssts ? noSSTS : NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_DEVICE_TLB,
                           !r.dt ? _("ECAP.DT is clear: no device-TLB, so ATS cannot be used") : NULL,
                           false, &sm, NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_PAGE_REQUEST,
                           !r.prs ? _("ECAP.PRS is clear: the unit does not take page requests") : NULL,
                           true, &sm, NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_SUPERVISOR_REQUEST,
                           !r.srs ? _("ECAP.SRS is clear: no supervisor requests") : NULL,
                           true, &sm, NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_EXTENDED_ACCESSED,
                           !r.eafs ? _("ECAP.EAFS is clear: no extended accessed flag") : NULL,
                           true, &sm, NULL);
    virHostIOMMUVTdFeature(unit, VIR_HOST_IOMMU_FEATURE_SNOOP_CONTROL,
                           !r.sc ? _("ECAP.SC is clear: the unit cannot enforce snooping") : NULL,
                           false, &sm, NULL);

    if (!r.ir) {
        virHostIOMMUUnitNo(unit, VIR_HOST_IOMMU_FEATURE_INTREMAP,
                           _("ECAP.IR is clear: the unit has no interrupt remapping"));
    } else if (cmd->intremap == VIR_IOMMU_SWITCH_OFF) {
        virHostIOMMUUnitSetFeature(unit, VIR_HOST_IOMMU_FEATURE_INTREMAP,
                                   VIR_HOST_IOMMU_FACT_NO, SRC_CMDLINE,
                                   _("the kernel was booted with intremap=off"));
    } else {
        virHostIOMMUUnitYes(unit, VIR_HOST_IOMMU_FEATURE_INTREMAP);
    }

    if (!r.eim) {
        virHostIOMMUUnitNo(unit, VIR_HOST_IOMMU_FEATURE_EIM,
                           _("ECAP.EIM is clear: no x2APIC interrupt remapping"));
    } else if (!r.ir || cmd->intremap == VIR_IOMMU_SWITCH_OFF ||
               cmd->intremapNoX2APIC) {
        virHostIOMMUUnitSetFeature(unit, VIR_HOST_IOMMU_FEATURE_EIM,
                                   VIR_HOST_IOMMU_FACT_NO,
                                   r.ir ? SRC_CMDLINE : unit->registersSource,
                                   _("extended interrupt mode needs interrupt remapping in x2APIC mode, which is off"));
    } else {
        virHostIOMMUUnitYes(unit, VIR_HOST_IOMMU_FEATURE_EIM);
    }

    unit->addressWidthMax = virIOMMUVTdAddressWidth(&r);
    g_free(sm.reason);
}

static void
virHostIOMMUDecodeSMMUv3(virHostIOMMUUnit *unit)
{
    virIOMMUSMMUv3Regs r;

    virIOMMUSMMUv3Decode(unit->regs.smmuIDR, unit->regs.smmuIIDR,
                         unit->regs.smmuAIDR, &r);

    if (!r.s1p)
        virHostIOMMUUnitNo(unit, VIR_HOST_IOMMU_FEATURE_NESTING,
                           _("IDR0.S1P is clear: no stage-1 translation to nest"));
    else if (!r.s2p)
        virHostIOMMUUnitNo(unit, VIR_HOST_IOMMU_FEATURE_NESTING,
                           _("IDR0.S2P is clear: no stage-2 translation for the nest parent"));
    else
        virHostIOMMUUnitYes(unit, VIR_HOST_IOMMU_FEATURE_NESTING);

    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_FIRST_STAGE, r.s1p,
                        _("IDR0.S1P is clear"));
    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_SECOND_STAGE, r.s2p,
                        _("IDR0.S2P is clear"));

    if (r.ssidSize > 0) {
        virHostIOMMUUnitYes(unit, VIR_HOST_IOMMU_FEATURE_PASID);
        /* without 2-level CD tables the kernel caps a device at 10 bits */
        unit->pasidWidth = r.cd2l ? r.ssidSize : MIN(r.ssidSize, 10U);
    } else {
        virHostIOMMUUnitNo(unit, VIR_HOST_IOMMU_FEATURE_PASID,
                           _("IDR1.SSIDSIZE is 0: the unit has no substreams"));
        unit->pasidWidth = 0;
    }

    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_DIRTY_TRACKING, r.httu == 2,
                        _("IDR0.HTTU does not include hardware dirty-state updates"));

    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_DEVICE_TLB, r.ats,
                        _("IDR0.ATS is clear: the unit does not take ATS requests"));
    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_PAGE_REQUEST, r.pri,
                        _("IDR0.PRI is clear: the unit does not take page requests"));
    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_RIL, r.ril,
                        _("IDR3.RIL is clear: no range invalidation"));
    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_S2FWB, r.fwb,
                        _("IDR3.FWB is clear: a vIOMMU then needs a CANWBS root complex"));
    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_COHERENT, r.cohacc,
                        _("IDR0.COHACC is clear: table walks are not coherent"));

    unit->smmuOAS = r.oasBits;
    unit->smmuSSIDSize = r.ssidSize;
    unit->smmuSIDSize = r.sidSize;
    unit->addressWidthMax = r.oasBits;
}

static void
virHostIOMMUDecodeAMD(virHostIOMMUUnit *unit, const virIOMMUCmdline *cmd)
{
    virIOMMUAMDRegs r;

    virIOMMUAMDDecode(unit->regs.amdEFR, unit->regs.amdEFR2, unit->amdHaveCap,
                      unit->amdCap, &r);

    if (!r.gtSup) {
        virHostIOMMUUnitNo(unit, VIR_HOST_IOMMU_FEATURE_NESTING,
                           _("EFR.GTSup is clear: no guest translation to nest"));
        virHostIOMMUUnitNo(unit, VIR_HOST_IOMMU_FEATURE_FIRST_STAGE,
                           _("EFR.GTSup is clear: no guest (v2) page tables"));
    } else {
        virHostIOMMUUnitSetFeature(unit, VIR_HOST_IOMMU_FEATURE_NESTING,
                                   VIR_HOST_IOMMU_FACT_UNKNOWN, NULL,
                                   _("whether the AMD IOMMU driver accepts nested translation is not visible in sysfs: only a trial allocation through iommufd can tell"));
        virHostIOMMUUnitYes(unit, VIR_HOST_IOMMU_FEATURE_FIRST_STAGE);
    }
    /* host (v1) page tables are the architecture's base translation */
    virHostIOMMUUnitYes(unit, VIR_HOST_IOMMU_FEATURE_SECOND_STAGE);

    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_PASID, r.gtSup && r.pprSup,
                        _("PASIDs need EFR.GTSup and EFR.PPRSup"));
    unit->pasidWidth = unit->features[VIR_HOST_IOMMU_FEATURE_PASID].state ==
        VIR_HOST_IOMMU_FACT_YES ? r.pasMax + 1 : 0;

    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_FS5LP, r.gtSup && r.gats == 1,
                        _("EFR.GATS does not allow 5-level guest page tables"));

    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_DIRTY_TRACKING, r.hdSup,
                        _("EFR.HDSup is clear: no hardware dirty tracking"));

    if (!r.haveCap)
        virHostIOMMUUnitSetFeature(unit, VIR_HOST_IOMMU_FEATURE_DEVICE_TLB,
                                   VIR_HOST_IOMMU_FACT_UNKNOWN, NULL,
                                   _("the IOMMU capability header is not readable"));
    else if (r.iotlbSup)
        virHostIOMMUUnitYes(unit, VIR_HOST_IOMMU_FEATURE_DEVICE_TLB);
    else
        virHostIOMMUUnitNo(unit, VIR_HOST_IOMMU_FEATURE_DEVICE_TLB,
                           _("capability IotlbSup is clear: no remote IOTLB (ATS)"));

    virHostIOMMUUnitBit(unit, VIR_HOST_IOMMU_FEATURE_PAGE_REQUEST, r.pprSup,
                        _("EFR.PPRSup is clear: no peripheral page requests"));

    /* interrupt remapping is part of every AMD-Vi unit */
    if (cmd->intremap == VIR_IOMMU_SWITCH_OFF)
        virHostIOMMUUnitSetFeature(unit, VIR_HOST_IOMMU_FEATURE_INTREMAP,
                                   VIR_HOST_IOMMU_FACT_NO, SRC_CMDLINE,
                                   _("the kernel was booted with intremap=off"));
    else
        virHostIOMMUUnitYes(unit, VIR_HOST_IOMMU_FEATURE_INTREMAP);

    if (!r.xtSup)
        virHostIOMMUUnitNo(unit, VIR_HOST_IOMMU_FEATURE_EIM,
                           _("EFR.XTSup is clear: no x2APIC interrupt remapping"));
    else if (cmd->intremap == VIR_IOMMU_SWITCH_OFF || cmd->intremapNoX2APIC)
        virHostIOMMUUnitSetFeature(unit, VIR_HOST_IOMMU_FEATURE_EIM,
                                   VIR_HOST_IOMMU_FACT_NO, SRC_CMDLINE,
                                   _("extended interrupt mode needs interrupt remapping in x2APIC mode, which is off"));
    else
        virHostIOMMUUnitYes(unit, VIR_HOST_IOMMU_FEATURE_EIM);

    unit->addressWidthMax = virIOMMUAMDAddressWidth(&r);
}

static void
virHostIOMMUUnitDecodeFull(virHostIOMMUUnit *unit, const char *cmdline,
                           const char *kconfig, const char *noRegsReason)
{
    virIOMMUCmdline cmd;
    const char *typeStr = virHostIOMMUTypeTypeToString(unit->type);
    size_t i;

    virIOMMUCmdlineParse(cmdline, &cmd);
    unit->pasidWidth = 0;
    unit->addressWidthMax = 0;

    for (i = 0; i < VIR_HOST_IOMMU_FEATURE_LAST; i++) {
        g_autofree char *na = NULL;

        if (virHostIOMMUFeatureApplies(unit->type, i)) {
            virHostIOMMUUnitSetFeature(unit, i, VIR_HOST_IOMMU_FACT_UNKNOWN,
                                       NULL, noRegsReason);
            continue;
        }
        na = g_strdup_printf(_("does not apply to %1$s units"), typeStr);
        virHostIOMMUUnitSetFeature(unit, i, VIR_HOST_IOMMU_FACT_NO, NULL, na);
    }

    if (unit->haveRegisters) {
        switch (unit->type) {
        case VIR_HOST_IOMMU_TYPE_INTEL_VTD:
            virHostIOMMUDecodeVTd(unit, &cmd, kconfig);
            break;
        case VIR_HOST_IOMMU_TYPE_ARM_SMMUV3:
            virHostIOMMUDecodeSMMUv3(unit);
            break;
        case VIR_HOST_IOMMU_TYPE_AMD:
            virHostIOMMUDecodeAMD(unit, &cmd);
            break;
        case VIR_HOST_IOMMU_TYPE_UNKNOWN:
        case VIR_HOST_IOMMU_TYPE_LAST:
            break;
        }
    }
    virIOMMUCmdlineClear(&cmd);
}

void
virHostIOMMUUnitDecode(virHostIOMMUUnit *unit, const char *cmdline,
                       const char *kconfig)
{
    virHostIOMMUUnitDecodeFull(unit, cmdline, kconfig,
                               _("the unit's registers are not known"));
}

/* ---- probing --------------------------------------------------------- */

typedef struct {
    const char *root;
    char *cmdline;
    char *kconfig;
    GError *fatal;      /* the first hostile file or name: ends the probe */
} virHostIOMMUProbeCtxt;

static char *
virHostIOMMURootPath(const char *root, const char *rel)
{
    return g_build_filename(root, rel, NULL);
}

/* Contents of @root/@rel (@root: the probe root or a directory below it),
 * at most @maxlen bytes of text, stripped; NULL when absent or not
 * readable. A file that is not a regular one, is too large or holds a NUL
 * byte records the first such error in @ctxt (and gives NULL). The
 * kernel's proc and sysfs files are never links, so a link is refused;
 * @follow allows one where a distribution may use it (/boot). */
static char *
virHostIOMMUReadText(virHostIOMMUProbeCtxt *ctxt, const char *root,
                     const char *rel, size_t maxlen, bool follow)
{
    g_autofree char *path = virHostIOMMURootPath(root, rel);
    unsigned int flags = VIR_FILE_READ_TEXT | VIR_FILE_READ_ABSENT_OK;
    char *text = NULL;

    if (!follow)
        flags |= VIR_FILE_READ_NOFOLLOW;
    if (ctxt->fatal)
        return NULL;
    if (virFileReadBounded(path, maxlen, flags, &text, NULL, &ctxt->fatal) < 0 ||
        !text)
        return NULL;
    return g_strstrip(text);
}

static void
virHostIOMMUProbeKernel(virHostIOMMUProbeCtxt *ctxt)
{
    g_autofree char *release = NULL;

    ctxt->cmdline = virHostIOMMUReadText(ctxt, ctxt->root, "proc/cmdline",
                                         VIR_FILE_MAX_CMDLINE, false);
    if ((release = virHostIOMMUReadText(ctxt, ctxt->root,
                                        "proc/sys/kernel/osrelease",
                                        VIR_FILE_MAX_SYSFS_ATTR, false)) &&
        *release && !strchr(release, '/')) {
        g_autofree char *rel = g_strdup_printf("boot/config-%s", release);

        ctxt->kconfig = virHostIOMMUReadText(ctxt, ctxt->root, rel,
                                             VIR_FILE_MAX_KCONFIG, true);
    }
}

/* A name taken from the host tree (a directory entry or a link target)
 * goes into the XML document and into messages: refuse one that is not
 * printable UTF-8 (XML 1.0 cannot carry control characters at all). */
static bool
virHostIOMMUCheckName(virHostIOMMUProbeCtxt *ctxt, const char *name,
                      const char *where)
{
    g_autofree char *shown = NULL;

    if (!name || virStringIsPrintable(name))
        return true;
    if (!ctxt->fatal) {
        shown = g_strescape(name, NULL);
        virReportError(&ctxt->fatal, VIR_ERR_OPERATION_INVALID,
                       _("the host tree entry '%1$s' in '%2$s' has a name with control characters or invalid UTF-8"),
                       shown, where);
    }
    return false;
}

static virHostIOMMUType
virHostIOMMUDetectType(const char *dir, const char *name)
{
    g_autofree char *intel = g_build_filename(dir, "intel-iommu", NULL);
    g_autofree char *amd = g_build_filename(dir, "amd-iommu", NULL);

    if (g_file_test(intel, G_FILE_TEST_IS_DIR))
        return VIR_HOST_IOMMU_TYPE_INTEL_VTD;
    if (g_file_test(amd, G_FILE_TEST_IS_DIR))
        return VIR_HOST_IOMMU_TYPE_AMD;
    /* the SMMUv3 driver names its unit after the register base */
    if (g_str_has_prefix(name, "smmu3."))
        return VIR_HOST_IOMMU_TYPE_ARM_SMMUV3;
    return VIR_HOST_IOMMU_TYPE_UNKNOWN;
}

/* Read the sysfs registers; returns the reason when they are not there */
static char *
virHostIOMMUReadUnitRegisters(virHostIOMMUProbeCtxt *ctxt,
                              virHostIOMMUUnit *unit, const char *dir)
{
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    guint64 v1 = 0, v2 = 0;

    switch (unit->type) {
    case VIR_HOST_IOMMU_TYPE_INTEL_VTD:
        a = virHostIOMMUReadText(ctxt, dir, "intel-iommu/cap",
                                 VIR_FILE_MAX_SYSFS_ATTR, false);
        b = virHostIOMMUReadText(ctxt, dir, "intel-iommu/ecap",
                                 VIR_FILE_MAX_SYSFS_ATTR, false);
        if (!virIOMMUParseHex64(a, &v1) || !virIOMMUParseHex64(b, &v2))
            return g_strdup(_("the intel-iommu/cap and ecap attributes are missing or not hexadecimal"));
        unit->regs.vtdCap = v1;
        unit->regs.vtdEcap = v2;
        break;
    case VIR_HOST_IOMMU_TYPE_AMD:
        a = virHostIOMMUReadText(ctxt, dir, "amd-iommu/features",
                                 VIR_FILE_MAX_SYSFS_ATTR, false);
        if (!virIOMMUAMDParseFeatures(a, &v1, &v2))
            return g_strdup(_("the amd-iommu/features attribute is missing or malformed"));
        unit->regs.amdEFR = v1;
        unit->regs.amdEFR2 = v2;
        b = virHostIOMMUReadText(ctxt, dir, "amd-iommu/cap",
                                 VIR_FILE_MAX_SYSFS_ATTR, false);
        if (virIOMMUParseHex64(b, &v1) && v1 <= G_MAXUINT32) {
            unit->amdHaveCap = true;
            unit->amdCap = (unsigned int)v1;
        }
        break;
    case VIR_HOST_IOMMU_TYPE_ARM_SMMUV3:
        return g_strdup(_("the SMMUv3 ID registers are not visible in sysfs: run the deep probe (--deep) on a device behind this unit that is bound to vfio-pci"));
    case VIR_HOST_IOMMU_TYPE_UNKNOWN:
    case VIR_HOST_IOMMU_TYPE_LAST:
        return g_strdup(_("unknown IOMMU driver: no register view"));
    }
    unit->haveRegisters = true;
    unit->registersSource = g_strdup(SRC_SYSFS);
    return NULL;
}

/* "dmar2" sorts before "dmar10", as a person reads them */
static gint
virHostIOMMUCompareNames(gconstpointer a, gconstpointer b)
{
    const char *x = *(char *const *)a;
    const char *y = *(char *const *)b;

    while (*x && *y) {
        if (g_ascii_isdigit(*x) && g_ascii_isdigit(*y)) {
            char *ex, *ey;
            guint64 nx = g_ascii_strtoull(x, &ex, 10);
            guint64 ny = g_ascii_strtoull(y, &ey, 10);

            if (nx != ny)
                return nx < ny ? -1 : 1;
            x = ex;
            y = ey;
            continue;
        }
        if (*x != *y)
            return (unsigned char)*x - (unsigned char)*y;
        x++;
        y++;
    }
    return (unsigned char)*x - (unsigned char)*y;
}

static void
virHostIOMMUProbeUnits(virHostIOMMU *host, virHostIOMMUProbeCtxt *ctxt)
{
    g_autofree char *classdir = virHostIOMMURootPath(ctxt->root,
                                                     "sys/class/iommu");
    g_autoptr(GDir) d = g_dir_open(classdir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    size_t i;

    if (!d)
        return;
    while ((name = g_dir_read_name(d))) {
        if (!virHostIOMMUCheckName(ctxt, name, classdir))
            return;
        g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, virHostIOMMUCompareNames);

    for (i = 0; i < names->len; i++) {
        const char *n = names->pdata[i];
        g_autofree char *dir = g_build_filename(classdir, n, NULL);
        virHostIOMMUUnit *unit;
        g_autofree char *noRegs = NULL;

        unit = virHostIOMMUUnitNew(n, virHostIOMMUDetectType(dir, n));
        noRegs = virHostIOMMUReadUnitRegisters(ctxt, unit, dir);
        virHostIOMMUUnitDecodeFull(unit, ctxt->cmdline, ctxt->kconfig, noRegs);
        virHostIOMMUAddUnit(host, unit);
    }
}

/* Read the extended capabilities of @addr; false with @reason if the
 * extended config space is not there. */
static bool
virHostIOMMUReadCaps(virHostIOMMUProbeCtxt *ctxt, const char *addr,
                     virPCIExtCaps *caps, char **reason)
{
    g_autofree guint8 *cfg = NULL;
    g_autoptr(GError) err = NULL;
    gssize len;

    if ((len = virPCIConfigRead(ctxt->root, addr, &cfg, &err)) < 0) {
        /* a file that cannot be config space ends the probe */
        if (!virErrorMatches(err, VIR_ERR_SYSTEM_ERROR) && !ctxt->fatal)
            ctxt->fatal = g_steal_pointer(&err);
        *reason = g_strdup_printf(_("the config space of %1$s is not readable"),
                                  addr);
        return false;
    }
    if (len <= VIR_PCI_CONFIG_EXT_START) {
        *reason = g_strdup_printf(_("only %1$zd bytes of the config space of %2$s are readable: the extended capabilities need CAP_SYS_ADMIN (run as root)"),
                                  len, addr);
        return false;
    }
    virPCIConfigParseExtCaps(cfg, len, caps);
    if (caps->pasid.present &&
        (caps->pasid.maxWidth < 1 || caps->pasid.maxWidth > VIR_PCI_PASID_WIDTH_MAX)) {
        *reason = g_strdup_printf(_("the PASID capability of %1$s declares a Max PASID Width of %2$u bits; valid widths are 1 to %3$d"),
                                  addr, caps->pasid.maxWidth, VIR_PCI_PASID_WIDTH_MAX);
        return false;
    }
    return true;
}

static void
virHostIOMMUDeviceSetPASID(virHostIOMMUDevice *dev, const virPCIPASIDCap *cap)
{
    dev->pasid.present = cap->present;
    dev->pasid.maxWidth = cap->maxWidth;
    dev->pasid.exec = cap->exec;
    dev->pasid.priv = cap->priv;
    dev->pasid.enabled = cap->enabled;
}

static void
virHostIOMMUProbePCICaps(virHostIOMMUProbeCtxt *ctxt, virHostIOMMUDevice *dev)
{
    virPCIExtCaps own;
    virPCIExtCaps pf;
    g_autofree char *reason = NULL;

    if (!virHostIOMMUReadCaps(ctxt, dev->address, &own, &reason)) {
        dev->capsReason = g_steal_pointer(&reason);
        return;
    }
    dev->ats = own.ats.present;
    dev->pri = own.pri.present;
    if (!dev->physfn) {
        virHostIOMMUDeviceSetPASID(dev, &own.pasid);
        dev->capsKnown = true;
        return;
    }
    /* a VF shares its PF's PASID and PRI capabilities */
    if (!virHostIOMMUReadCaps(ctxt, dev->physfn, &pf, &reason)) {
        dev->capsReason = g_steal_pointer(&reason);
        return;
    }
    virHostIOMMUDeviceSetPASID(dev, &pf.pasid);
    dev->pasid.from = g_strdup(dev->physfn);
    dev->pri = pf.pri.present;
    dev->capsKnown = true;
}

static virHostIOMMUDevice *
virHostIOMMUProbeDevice(virHostIOMMUProbeCtxt *ctxt, const char *addr)
{
    const char *root = ctxt->root;
    virHostIOMMUDevice *dev = virHostIOMMUDeviceNew(addr);
    g_autofree char *vfio = NULL;
    g_autofree char *sysfs = virPCIDeviceSysfsPath(root, addr);

    if (!virPCIDeviceExists(root, addr)) {
        dev->error = g_strdup_printf(_("host device %1$s does not exist on this host"),
                                     addr);
        return dev;
    }
    dev->present = true;
    dev->driver = virPCIDeviceGetDriver(root, addr);
    dev->iommuGroup = virPCIDeviceGetIOMMUGroup(root, addr);
    dev->unit = virPCIDeviceGetIOMMUUnit(root, addr);
    dev->physfn = virPCIDeviceGetPhysfn(root, addr);
    if (!virHostIOMMUCheckName(ctxt, dev->driver, sysfs) ||
        !virHostIOMMUCheckName(ctxt, dev->unit, sysfs))
        return dev;
    if (dev->physfn) {
        /* the name goes into a path: it must be a PCI address */
        g_autofree char *norm = virPCIAddressNormalize(dev->physfn);

        if (g_strcmp0(norm, dev->physfn) != 0) {
            g_autofree char *shown = g_strescape(dev->physfn, NULL);

            if (!ctxt->fatal)
                virReportError(&ctxt->fatal, VIR_ERR_OPERATION_INVALID,
                               _("the 'physfn' link of '%1$s' names '%2$s', which is not a PCI address"),
                               sysfs, shown);
            return dev;
        }
    }
    if ((vfio = virPCIDeviceGetVFIODevName(root, addr)))
        dev->vfioCdev = g_strdup_printf("/dev/vfio/devices/%s", vfio);
    virHostIOMMUProbePCICaps(ctxt, dev);
    return dev;
}

/* Devices in @dev's IOMMU group that a host driver holds, for EBUSY */
static char *
virHostIOMMUGroupBlockers(const char *root, const virHostIOMMUDevice *dev)
{
    g_auto(GStrv) members = NULL;
    g_autoptr(GString) out = NULL;
    size_t i;

    if (dev->iommuGroup < 0)
        return NULL;
    members = virPCIIOMMUGroupDevices(root, dev->iommuGroup);
    for (i = 0; members[i]; i++) {
        g_autofree char *drv = NULL;

        if (strcmp(members[i], dev->address) == 0)
            continue;
        drv = virPCIDeviceGetDriver(root, members[i]);
        if (!drv || strcmp(drv, "vfio-pci") == 0)
            continue;
        if (!out)
            out = g_string_new(NULL);
        else
            g_string_append(out, ", ");
        g_string_append_printf(out, "%s (%s)", members[i], drv);
    }
    return out ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}

static void
virHostIOMMUDeepStore(virHostIOMMUDevice *dev,
                      const virIOMMUFDHwInfoResult *res)
{
    virIOMMUHwInfoVTd vtd;
    virIOMMUHwInfoSMMUv3 smmu;
    virIOMMUHwInfoAMD amd;

    dev->deep.structSize = res->structSize;
    dev->deep.hwInfoType = res->dataType;
    dev->deep.maxPasidLog2 = res->maxPasidLog2;
    dev->deep.capabilities = res->capabilities;
    if (virIOMMUFDHwInfoGetVTd(res, &vtd)) {
        dev->deep.vtdFlags = vtd.flags;
        dev->deep.regs.vtdCap = vtd.cap_reg;
        dev->deep.regs.vtdEcap = vtd.ecap_reg;
    } else if (virIOMMUFDHwInfoGetSMMUv3(res, &smmu)) {
        memcpy(dev->deep.regs.smmuIDR, smmu.idr, sizeof(smmu.idr));
        dev->deep.regs.smmuIIDR = smmu.iidr;
        dev->deep.regs.smmuAIDR = smmu.aidr;
    } else if (virIOMMUFDHwInfoGetAMD(res, &amd)) {
        dev->deep.regs.amdEFR = amd.efr;
        dev->deep.regs.amdEFR2 = amd.efr2;
    }
}

/* The device number sysfs gives for the VFIO cdev of @dev
 * (vfio-dev/vfioN/dev, "MAJOR:MINOR"): the node is opened only if it is
 * that device. -1 with dev->deep.error set when it is not known. */
static int
virHostIOMMUVFIODevNumber(const char *root, virHostIOMMUDevice *dev,
                          dev_t *rdev)
{
    g_autofree char *sysfs = virPCIDeviceSysfsPath(root, dev->address);
    g_autofree char *name = g_path_get_basename(dev->vfioCdev);
    g_autofree char *path = g_build_filename(sysfs, "vfio-dev", name, "dev", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    unsigned int maj, min;
    int consumed = 0;

    if (virFileReadBounded(path, VIR_FILE_MAX_SYSFS_ATTR,
                           VIR_FILE_READ_TEXT | VIR_FILE_READ_NOFOLLOW |
                           VIR_FILE_READ_ABSENT_OK, &text, NULL, &err) < 0 ||
        !text || sscanf(g_strstrip(text), "%u:%u%n", &maj, &min, &consumed) != 2 ||
        text[consumed] != '\0') {
        dev->deep.error = g_strdup_printf(_("the device number of %1$s is not readable from sysfs (%2$s): its node is not opened"),
                                          dev->vfioCdev,
                                          err ? err->message : _("no MAJOR:MINOR"));
        return -1;
    }
    *rdev = makedev(maj, min);
    return 0;
}

static void
virHostIOMMUDeepProbeDevice(virHostIOMMU *host, virHostIOMMUDevice *dev)
{
    virIOMMUFDHwInfoResult res;
    dev_t rdev = 0;
    g_autofree char *iommuPath = NULL;
    g_autofree char *cdevPath = NULL;

    if (!dev->present)
        return;
    /* "probed" means it was asked for; results are valid without error */
    dev->deep.probed = true;
    if (!host->iommufd) {
        dev->deep.error = g_strdup(host->iommufdReason);
        return;
    }
    if (!dev->vfioCdev) {
        if (!dev->driver)
            dev->deep.error = g_strdup_printf(_("host device %1$s is not bound to any driver: bind it to vfio-pci"),
                                              dev->address);
        else if (strcmp(dev->driver, "vfio-pci") != 0)
            dev->deep.error = g_strdup_printf(_("host device %1$s is bound to '%2$s', not to vfio-pci: it has no VFIO character device"),
                                              dev->address, dev->driver);
        else
            dev->deep.error = g_strdup_printf(_("host device %1$s has no VFIO character device (vfio-dev): the kernel lacks CONFIG_VFIO_DEVICE_CDEV"),
                                              dev->address);
        return;
    }

    if (virHostIOMMUVFIODevNumber(host->root, dev, &rdev) < 0)
        return;
    iommuPath = virHostIOMMURootPath(host->root, "dev/iommu");
    cdevPath = g_build_filename(host->root, dev->vfioCdev, NULL);
    if (virIOMMUFDProbeDevice(iommuPath, cdevPath, rdev, &res) < 0) {
        g_autofree char *reason = NULL;
        g_autofree char *blockers = NULL;

        /* name the host-side paths, not the ones below a probe root */
        reason = virIOMMUFDProbeErrorReason(&res, "/dev/iommu", dev->vfioCdev);
        if (res.step == VIR_IOMMUFD_STEP_BIND && res.errnum == EBUSY &&
            (blockers = virHostIOMMUGroupBlockers(host->root, dev))) {
            dev->deep.error = g_strdup_printf(_("%1$s; IOMMU group %2$d also holds %3$s"),
                                              reason, dev->iommuGroup, blockers);
        } else {
            dev->deep.error = g_steal_pointer(&reason);
        }
        return;
    }
    virHostIOMMUDeepStore(dev, &res);
}

/* SMMUv3 registers are only known through a device behind the unit */
static void
virHostIOMMUUnitsFromDeep(virHostIOMMU *host, virHostIOMMUProbeCtxt *ctxt)
{
    size_t i, j;

    for (i = 0; i < host->nunits; i++) {
        virHostIOMMUUnit *unit = host->units[i];

        if (unit->type != VIR_HOST_IOMMU_TYPE_ARM_SMMUV3 || unit->haveRegisters)
            continue;
        for (j = 0; j < host->ndevices; j++) {
            virHostIOMMUDevice *dev = host->devices[j];

            if (!dev->deep.probed || dev->deep.error ||
                dev->deep.hwInfoType != VIR_IOMMU_HW_INFO_TYPE_ARM_SMMUV3 ||
                g_strcmp0(dev->unit, unit->name) != 0)
                continue;
            /* an SMMUv3 payload sets only the SMMUv3 registers */
            unit->regs = dev->deep.regs;
            unit->haveRegisters = true;
            unit->registersSource = g_strdup(SRC_IOCTL);
            unit->registersDevice = g_strdup(dev->address);
            virHostIOMMUUnitDecodeFull(unit, ctxt->cmdline, ctxt->kconfig, NULL);
            break;
        }
    }
}

static bool
virHostIOMMUIsVFIODevice(const char *root, const char *addr)
{
    g_autofree char *drv = virPCIDeviceGetDriver(root, addr);
    g_autofree char *cdev = NULL;

    if (drv && strcmp(drv, "vfio-pci") == 0)
        return true;
    /* VFIO variant drivers (mlx5_vfio_pci, ...) also create vfio-dev */
    cdev = virPCIDeviceGetVFIODevName(root, addr);
    return cdev != NULL;
}

static GStrv
virHostIOMMUDeviceList(const char *root, const char *const *devices,
                       GError **error)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (devices) {
        for (i = 0; devices[i]; i++) {
            char *norm = virPCIAddressParse(devices[i], error);

            if (!norm)
                return NULL;
            if (g_ptr_array_find_with_equal_func(list, norm, g_str_equal, NULL))
                g_free(norm);
            else
                g_ptr_array_add(list, norm);
        }
    } else {
        g_auto(GStrv) all = virPCIListDevices(root);

        for (i = 0; all[i]; i++) {
            if (virHostIOMMUIsVFIODevice(root, all[i]))
                g_ptr_array_add(list, g_strdup(all[i]));
        }
    }
    g_ptr_array_add(list, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&list), FALSE);
}

virHostIOMMU *
virHostIOMMUProbe(const char *root, const char *const *devices, bool deep,
                  GError **error)
{
    g_autoptr(virHostIOMMU) host = virHostIOMMUNew();
    virHostIOMMUProbeCtxt ctxt = { 0 };
    g_auto(GStrv) list = NULL;
    g_autofree char *iommuPath = NULL;
    size_t i;

    host->root = g_strdup(root && *root ? root : "/");
    ctxt.root = host->root;

    if (!(list = virHostIOMMUDeviceList(host->root, devices, error)))
        return NULL;

    iommuPath = virHostIOMMURootPath(host->root, "dev/iommu");
    host->iommufd = g_file_test(iommuPath, G_FILE_TEST_EXISTS);
    if (!host->iommufd)
        host->iommufdReason = g_strdup(_("/dev/iommu does not exist: the kernel has no iommufd (CONFIG_IOMMUFD) or the iommufd module is not loaded"));

    virHostIOMMUProbeKernel(&ctxt);
    virHostIOMMUProbeUnits(host, &ctxt);

    for (i = 0; list[i]; i++)
        virHostIOMMUAddDevice(host, virHostIOMMUProbeDevice(&ctxt, list[i]));

    /* never open a device read-write in a tree already found hostile */
    if (deep && !ctxt.fatal) {
        for (i = 0; i < host->ndevices; i++)
            virHostIOMMUDeepProbeDevice(host, host->devices[i]);
        virHostIOMMUUnitsFromDeep(host, &ctxt);
    }

    g_free(ctxt.cmdline);
    g_free(ctxt.kconfig);
    if (ctxt.fatal) {
        g_propagate_error(error, ctxt.fatal);
        return NULL;
    }
    return g_steal_pointer(&host);
}
