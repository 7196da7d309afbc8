/*
 * viriommutest.c: unit tests of the register decoders, the kernel switch
 *                 parsing, the PCI capability walk and the verdicts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every register field is checked twice: alone at its largest value in an
 * otherwise empty register, and at zero in a register with every other bit
 * set, so that a field read from the wrong bits or the wrong width fails.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "testutils.h"
#include "virhostiommu.h"
#include "viriommu.h"
#include "virpci.h"

#define NULLSTR(s) ((s) ? (s) : "(null)")

typedef enum { F_BOOL, F_UINT } fieldKind;

/* The registers a decoder takes, as one array (a 32-bit register in the
 * low half of its slot), and what it decodes them into */
#define FIELD_MAX_REGS 8
typedef union {
    virIOMMUVTdRegs vtd;
    virIOMMUSMMUv3Regs smmu;
    virIOMMUAMDRegs amd;
} fieldRegs;
typedef void (*fieldDecodeFunc)(const guint64 regs[FIELD_MAX_REGS],
                                fieldRegs *out);

typedef struct {
    const char *name;
    fieldDecodeFunc decode;
    int reg;             /* which register of the decoder's set */
    unsigned int hi, lo;
    size_t offset;       /* in the decoded struct */
    fieldKind kind;
    unsigned int bias;   /* decoded = raw + bias (MGAW, NFR) */
} fieldTest;

#define FIELD(type, decode, name, reg, hi, lo, kind, bias) \
    { #name, decode, reg, hi, lo, offsetof(type, name), kind, bias }

static unsigned int
fieldRead(const void *regs, const fieldTest *t)
{
    const char *p = (const char *)regs + t->offset;

    if (t->kind == F_BOOL)
        return *(const bool *)p ? 1 : 0;
    return *(const unsigned int *)p;
}

static guint64
fieldMask(const fieldTest *t)
{
    return (((guint64)2 << (t->hi - t->lo)) - 1) << t->lo;
}

/* Every field alone at its largest value in an otherwise empty register
 * set, then at zero with every other bit of every register set */
static int
testField(const void *opaque)
{
    const fieldTest *t = opaque;
    guint64 mask = fieldMask(t);
    unsigned int max = (unsigned int)(mask >> t->lo);
    guint64 regs[FIELD_MAX_REGS];
    fieldRegs r;
    unsigned int got;
    size_t i;

    for (i = 0; i < FIELD_MAX_REGS; i++)
        regs[i] = (int)i == t->reg ? mask : 0;
    t->decode(regs, &r);
    if ((got = fieldRead(&r, t)) != max + t->bias) {
        fprintf(stderr, "%s alone: got %u, expected %u\n", t->name, got, max + t->bias);
        return -1;
    }
    for (i = 0; i < FIELD_MAX_REGS; i++)
        regs[i] = (int)i == t->reg ? ~mask : ~0ULL;
    t->decode(regs, &r);
    if ((got = fieldRead(&r, t)) != t->bias) {
        fprintf(stderr, "%s cleared: got %u, expected %u\n", t->name, got, t->bias);
        return -1;
    }
    return 0;
}

/* ---- VT-d ------------------------------------------------------------ */

/* CAP, ECAP */
static void
testDecodeVTd(const guint64 regs[FIELD_MAX_REGS], fieldRegs *out)
{
    virIOMMUVTdDecode(regs[0], regs[1], &out->vtd);
}

#define VTD(name, reg, hi, lo, kind) \
    FIELD(virIOMMUVTdRegs, testDecodeVTd, name, reg, hi, lo, kind, 0)
#define VTDB(name, reg, hi, lo, kind, bias) \
    FIELD(virIOMMUVTdRegs, testDecodeVTd, name, reg, hi, lo, kind, bias)

static const fieldTest vtdFields[] = {
    VTD(nd, 0, 2, 0, F_UINT), VTD(rwbf, 0, 4, 4, F_BOOL),
    VTD(plmr, 0, 5, 5, F_BOOL), VTD(phmr, 0, 6, 6, F_BOOL),
    VTD(cm, 0, 7, 7, F_BOOL), VTD(sagaw, 0, 12, 8, F_UINT),
    VTDB(mgaw, 0, 21, 16, F_UINT, 1), VTD(zlr, 0, 22, 22, F_BOOL),
    VTD(fro, 0, 33, 24, F_UINT), VTD(sllps, 0, 37, 34, F_UINT),
    VTD(psi, 0, 39, 39, F_BOOL), VTDB(nfr, 0, 47, 40, F_UINT, 1),
    VTD(mamv, 0, 53, 48, F_UINT), VTD(dwd, 0, 54, 54, F_BOOL),
    VTD(drd, 0, 55, 55, F_BOOL), VTD(fs1gp, 0, 56, 56, F_BOOL),
    VTD(pi, 0, 59, 59, F_BOOL), VTD(fs5lp, 0, 60, 60, F_BOOL),
    VTD(ecmds, 0, 61, 61, F_BOOL), VTD(esirtps, 0, 62, 62, F_BOOL),
    VTD(esrtps, 0, 63, 63, F_BOOL),

    VTD(c, 1, 0, 0, F_BOOL), VTD(qi, 1, 1, 1, F_BOOL),
    VTD(dt, 1, 2, 2, F_BOOL), VTD(ir, 1, 3, 3, F_BOOL),
    VTD(eim, 1, 4, 4, F_BOOL), VTD(pt, 1, 6, 6, F_BOOL),
    VTD(sc, 1, 7, 7, F_BOOL), VTD(iro, 1, 17, 8, F_UINT),
    VTD(mhmv, 1, 23, 20, F_UINT), VTD(mts, 1, 25, 25, F_BOOL),
    VTD(nest, 1, 26, 26, F_BOOL), VTD(prs, 1, 29, 29, F_BOOL),
    VTD(ers, 1, 30, 30, F_BOOL), VTD(srs, 1, 31, 31, F_BOOL),
    VTD(nwfs, 1, 33, 33, F_BOOL), VTD(eafs, 1, 34, 34, F_BOOL),
    VTD(pss, 1, 39, 35, F_UINT), VTD(pasid, 1, 40, 40, F_BOOL),
    VTD(dit, 1, 41, 41, F_BOOL), VTD(pds, 1, 42, 42, F_BOOL),
    VTD(smts, 1, 43, 43, F_BOOL), VTD(vcs, 1, 44, 44, F_BOOL),
    VTD(ssads, 1, 45, 45, F_BOOL), VTD(ssts, 1, 46, 46, F_BOOL),
    VTD(fsts, 1, 47, 47, F_BOOL), VTD(smpwc, 1, 48, 48, F_BOOL),
    VTD(rps, 1, 49, 49, F_BOOL), VTD(pms, 1, 51, 51, F_BOOL),
};

typedef struct {
    const char *cap;
    const char *ecap;
    unsigned int aw;      /* expected virIOMMUVTdAddressWidth */
    unsigned int pasid;   /* expected virIOMMUVTdPASIDWidth */
    unsigned int domains;
    bool smts, nest, fsts, ssts;
} vtdVector;

/* Real register values (see tests/hostdata/README.md for their origin) */
static const vtdVector vtdVectors[] = {
    /* QEMU 10.0.2 emulated unit, legacy mode */
    { "d2008c222f0606", "f00f4a", 48, 0, 65536, false, false, false, false },
    { "80d2008c222f0606", "880000f00f4a", 48, 0, 65536, true, false, true, false },
    { "80d2008c222f0606", "499880f00f4a", 48, 20, 65536, true, false, false, true },
    /* Sapphire Rapids server unit */
    { "19ed008c40780c66", "3ee9e86f050df", 57, 0, 65536, true, true, true, true },
    /* Tiger Lake graphics unit: NEST without scalable mode */
    { "1c0000c40660462", "49e2ff0505e", 39, 0, 256, false, true, false, false },
    /* Cascade Lake server unit */
    { "8d2078c106f0466", "f020df", 48, 0, 65536, false, false, false, false },
};

static int
testVTdVector(const void *opaque)
{
    const vtdVector *v = opaque;
    guint64 cap, ecap;
    virIOMMUVTdRegs r;

    if (!virIOMMUParseHex64(v->cap, &cap) || !virIOMMUParseHex64(v->ecap, &ecap))
        return -1;
    virIOMMUVTdDecode(cap, ecap, &r);
    if (virIOMMUVTdAddressWidth(&r) != v->aw ||
        virIOMMUVTdPASIDWidth(&r) != v->pasid ||
        virIOMMUVTdDomains(&r) != v->domains ||
        r.smts != v->smts || r.nest != v->nest ||
        r.fsts != v->fsts || r.ssts != v->ssts) {
        fprintf(stderr, "cap %s ecap %s: aw %u pasid %u domains %u smts %d nest %d fsts %d ssts %d\n",
                v->cap, v->ecap, virIOMMUVTdAddressWidth(&r),
                virIOMMUVTdPASIDWidth(&r), virIOMMUVTdDomains(&r),
                r.smts, r.nest, r.fsts, r.ssts);
        return -1;
    }
    return 0;
}

typedef struct {
    unsigned int sagaw;
    unsigned int mgaw;   /* field value, width - 1 */
    unsigned int aw;
} awVector;

static const awVector awVectors[] = {
    { 0x6, 47, 48 },     /* 39/48-bit, MGAW 48 */
    { 0x2, 38, 39 },     /* 39-bit only */
    { 0xe, 56, 57 },     /* 39/48/57-bit */
    { 0xe, 47, 48 },     /* 57-bit tables but MGAW 48 clamps */
    { 0x4, 56, 48 },     /* 48-bit only, MGAW 57 */
    { 0x0, 47, 0 },      /* no AGAW at all */
};

static int
testVTdAddressWidth(const void *opaque)
{
    const awVector *v = opaque;
    virIOMMUVTdRegs r;
    unsigned int got;

    virIOMMUVTdDecode(((guint64)v->sagaw << 8) | ((guint64)v->mgaw << 16), 0, &r);
    if ((got = virIOMMUVTdAddressWidth(&r)) != v->aw) {
        fprintf(stderr, "SAGAW 0x%x MGAW %u: got %u expected %u\n",
                v->sagaw, v->mgaw + 1, got, v->aw);
        return -1;
    }
    return 0;
}

static int
testVTdSAGAWWidths(const void *opaque G_GNUC_UNUSED)
{
    virIOMMUVTdRegs r;
    unsigned int w[5];
    size_t n;

    virIOMMUVTdDecode(0xeULL << 8, 0, &r);
    n = virIOMMUVTdSAGAWWidths(&r, w);
    if (n != 3 || w[0] != 57 || w[1] != 48 || w[2] != 39)
        return -1;
    return 0;
}

static int
testParseHex(const void *opaque G_GNUC_UNUSED)
{
    guint64 v = 0;

    if (!virIOMMUParseHex64("d2008c222f0606\n", &v) || v != 0xd2008c222f0606ULL)
        return -1;
    if (!virIOMMUParseHex64("0x1F", &v) || v != 0x1f)
        return -1;
    if (virIOMMUParseHex64("", &v) || virIOMMUParseHex64("12g4", &v) ||
        virIOMMUParseHex64("-1", &v) || virIOMMUParseHex64(NULL, &v) ||
        virIOMMUParseHex64("1ffffffffffffffff", &v))
        return -1;
    return 0;
}

/* ---- SMMUv3 ---------------------------------------------------------- */

/* IDR0..IDR5, IIDR, AIDR */
static void
testDecodeSMMUv3(const guint64 regs[FIELD_MAX_REGS], fieldRegs *out)
{
    guint32 idr[6];
    size_t i;

    for (i = 0; i < 6; i++)
        idr[i] = (guint32)regs[i];
    virIOMMUSMMUv3Decode(idr, (guint32)regs[6], (guint32)regs[7], &out->smmu);
}

#define SMMU(name, reg, hi, lo, kind) \
    FIELD(virIOMMUSMMUv3Regs, testDecodeSMMUv3, name, reg, hi, lo, kind, 0)

static const fieldTest smmuFields[] = {
    SMMU(s2p, 0, 0, 0, F_BOOL), SMMU(s1p, 0, 1, 1, F_BOOL),
    SMMU(ttf, 0, 3, 2, F_UINT), SMMU(cohacc, 0, 4, 4, F_BOOL),
    SMMU(btm, 0, 5, 5, F_BOOL), SMMU(httu, 0, 7, 6, F_UINT),
    SMMU(dormhint, 0, 8, 8, F_BOOL), SMMU(hyp, 0, 9, 9, F_BOOL),
    SMMU(ats, 0, 10, 10, F_BOOL), SMMU(ns1ats, 0, 11, 11, F_BOOL),
    SMMU(asid16, 0, 12, 12, F_BOOL), SMMU(msi, 0, 13, 13, F_BOOL),
    SMMU(sev, 0, 14, 14, F_BOOL), SMMU(atos, 0, 15, 15, F_BOOL),
    SMMU(pri, 0, 16, 16, F_BOOL), SMMU(vmw, 0, 17, 17, F_BOOL),
    SMMU(vmid16, 0, 18, 18, F_BOOL), SMMU(cd2l, 0, 19, 19, F_BOOL),
    SMMU(vatos, 0, 20, 20, F_BOOL), SMMU(ttendian, 0, 22, 21, F_UINT),
    SMMU(stallModel, 0, 25, 24, F_UINT), SMMU(termModel, 0, 26, 26, F_BOOL),
    SMMU(stLevel, 0, 28, 27, F_UINT),
    SMMU(sidSize, 1, 5, 0, F_UINT), SMMU(ssidSize, 1, 10, 6, F_UINT),
    SMMU(priqs, 1, 15, 11, F_UINT), SMMU(eventqs, 1, 20, 16, F_UINT),
    SMMU(cmdqs, 1, 25, 21, F_UINT),
    SMMU(had, 3, 2, 2, F_BOOL), SMMU(fwb, 3, 8, 8, F_BOOL),
    SMMU(ril, 3, 10, 10, F_BOOL), SMMU(bbml, 3, 12, 11, F_UINT),
    SMMU(oas, 5, 2, 0, F_UINT), SMMU(gran4k, 5, 4, 4, F_BOOL),
    SMMU(gran16k, 5, 5, 5, F_BOOL), SMMU(gran64k, 5, 6, 6, F_BOOL),
    SMMU(vax, 5, 11, 10, F_UINT),
};

static int
testSMMUv3OAS(const void *opaque G_GNUC_UNUSED)
{
    static const unsigned int bits[8] = { 32, 36, 40, 42, 44, 48, 52, 0 };
    unsigned int i;

    for (i = 0; i < 8; i++) {
        if (virIOMMUSMMUv3OASBits(i) != bits[i])
            return -1;
    }
    return 0;
}

static int
testSMMUv3QEMU(const void *opaque G_GNUC_UNUSED)
{
    /* QEMU's emulated SMMUv3 with stage=nested (see hostdata/README.md) */
    const guint32 idr[6] = { 0x0d44101b, 0x02730010, 0, 0x1404, 0, 0x75 };
    virIOMMUSMMUv3Regs r;

    virIOMMUSMMUv3Decode(idr, 0, 1, &r);
    if (!r.s1p || !r.s2p || r.ttf != 2 || !r.cohacc || !r.asid16 ||
        !r.vmid16 || r.ttendian != 2 || r.stallModel != 1 || !r.termModel ||
        r.stLevel != 1 || r.sidSize != 16 || r.ssidSize != 0 ||
        r.eventqs != 19 || r.cmdqs != 19 || !r.ril || !r.had || r.bbml != 2 ||
        r.oasBits != 48 || !r.gran4k || !r.gran16k || !r.gran64k ||
        r.ats || r.pri || r.aidr != 1)
        return -1;
    return 0;
}

/* ---- AMD ------------------------------------------------------------- */

/* EFR, the capability header (with haveCap), EFR2 */
static void
testDecodeAMD(const guint64 regs[FIELD_MAX_REGS], fieldRegs *out)
{
    virIOMMUAMDDecode(regs[0], regs[2], true, (guint32)regs[1], &out->amd);
}

#define AMDF(name, reg, hi, lo, kind) \
    FIELD(virIOMMUAMDRegs, testDecodeAMD, name, reg, hi, lo, kind, 0)

static const fieldTest amdFields[] = {
    AMDF(prefSup, 0, 0, 0, F_BOOL), AMDF(pprSup, 0, 1, 1, F_BOOL),
    AMDF(xtSup, 0, 2, 2, F_BOOL), AMDF(nxSup, 0, 3, 3, F_BOOL),
    AMDF(gtSup, 0, 4, 4, F_BOOL), AMDF(iaSup, 0, 6, 6, F_BOOL),
    AMDF(gaSup, 0, 7, 7, F_BOOL), AMDF(heSup, 0, 8, 8, F_BOOL),
    AMDF(pcSup, 0, 9, 9, F_BOOL), AMDF(hats, 0, 11, 10, F_UINT),
    AMDF(gats, 0, 13, 12, F_UINT), AMDF(glxSup, 0, 15, 14, F_UINT),
    AMDF(pasMax, 0, 36, 32, F_UINT), AMDF(gioSup, 0, 48, 48, F_BOOL),
    AMDF(haSup, 0, 49, 49, F_BOOL), AMDF(hdSup, 0, 52, 52, F_BOOL),
    AMDF(snpSup, 0, 63, 63, F_BOOL),
    AMDF(iotlbSup, 1, 24, 24, F_BOOL),
};

static int
testAMDFeatures(const void *opaque G_GNUC_UNUSED)
{
    guint64 efr = 0, efr2 = 1;
    virIOMMUAMDRegs r;

    /* newer kernels: "efr:efr2"; older: "efr" */
    if (!virIOMMUAMDParseFeatures("206d73ef22254ade:0", &efr, &efr2) ||
        efr != 0x206d73ef22254adeULL || efr2 != 0)
        return -1;
    if (!virIOMMUAMDParseFeatures("58f77ef22294a5a", &efr, &efr2) ||
        efr != 0x58f77ef22294a5aULL || efr2 != 0)
        return -1;
    if (virIOMMUAMDParseFeatures("1:2:3", &efr, &efr2) ||
        virIOMMUAMDParseFeatures("zz", &efr, &efr2))
        return -1;
    /* the boot log names PPR X2APIC NX GT IA GA PC for this value */
    virIOMMUAMDDecode(0x206d73ef22254adeULL, 0, false, 0, &r);
    if (!r.pprSup || !r.xtSup || !r.nxSup || !r.gtSup || !r.iaSup ||
        !r.gaSup || r.heSup || !r.pcSup || r.prefSup || r.pasMax != 15 ||
        r.hats != 2 || virIOMMUAMDAddressWidth(&r) != 64 || r.iotlbSup)
        return -1;
    r.hats = 0;
    if (virIOMMUAMDAddressWidth(&r) != 48)
        return -1;
    r.hats = 3;
    if (virIOMMUAMDAddressWidth(&r) != 0)
        return -1;
    return 0;
}

/* ---- kernel switches --------------------------------------------------- */

typedef struct {
    const char *cmdline;
    virIOMMUSwitch intel;
    virIOMMUSwitch sm;
    virIOMMUSwitch intremap;
    bool nox2apic;
} cmdlineVector;

static const cmdlineVector cmdlineVectors[] = {
    { "ro quiet", VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_DEFAULT, false },
    { "intel_iommu=on", VIR_IOMMU_SWITCH_ON, VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_DEFAULT, false },
    { "intel_iommu=on,sm_off", VIR_IOMMU_SWITCH_ON, VIR_IOMMU_SWITCH_OFF, VIR_IOMMU_SWITCH_DEFAULT, false },
    { "intel_iommu=sm_on iommu=pt", VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_ON, VIR_IOMMU_SWITCH_DEFAULT, false },
    /* the last one wins, as in the kernel */
    { "intel_iommu=on,sm_off intel_iommu=sm_on", VIR_IOMMU_SWITCH_ON, VIR_IOMMU_SWITCH_ON, VIR_IOMMU_SWITCH_DEFAULT, false },
    { "intel_iommu=sm_on,sm_off", VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_OFF, VIR_IOMMU_SWITCH_DEFAULT, false },
    { "intel_iommu=off intremap=off", VIR_IOMMU_SWITCH_OFF, VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_OFF, false },
    { "intremap=nox2apic", VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_DEFAULT, true },
    /* a lookalike option and what follows "--" are not ours */
    { "xintel_iommu=sm_off -- intel_iommu=sm_off", VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_DEFAULT, VIR_IOMMU_SWITCH_DEFAULT, false },
};

static int
testCmdline(const void *opaque)
{
    const cmdlineVector *v = opaque;
    virIOMMUCmdline c;
    int ret = 0;

    virIOMMUCmdlineParse(v->cmdline, &c);
    if (c.intelIOMMU != v->intel || c.scalableMode != v->sm ||
        c.intremap != v->intremap || c.intremapNoX2APIC != v->nox2apic) {
        fprintf(stderr, "'%s': intel %d sm %d intremap %d nox2apic %d\n",
                v->cmdline, c.intelIOMMU, c.scalableMode, c.intremap,
                c.intremapNoX2APIC);
        ret = -1;
    }
    virIOMMUCmdlineClear(&c);
    return ret;
}

static int
testKernelConfig(const void *opaque G_GNUC_UNUSED)
{
    const char *cfg = "CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=m\nCONFIG_D=\"x\"\nCONFIG_AB=y\n";

    if (virIOMMUKernelConfigLookup(cfg, "A") != VIR_IOMMU_SWITCH_ON ||
        virIOMMUKernelConfigLookup(cfg, "B") != VIR_IOMMU_SWITCH_OFF ||
        virIOMMUKernelConfigLookup(cfg, "C") != VIR_IOMMU_SWITCH_ON ||
        virIOMMUKernelConfigLookup(cfg, "D") != VIR_IOMMU_SWITCH_OFF ||
        virIOMMUKernelConfigLookup(cfg, "E") != VIR_IOMMU_SWITCH_DEFAULT ||
        virIOMMUKernelConfigLookup(NULL, "A") != VIR_IOMMU_SWITCH_DEFAULT)
        return -1;
    return 0;
}

/* ---- verdicts from registers -------------------------------------------- */

typedef struct {
    const char *title;
    guint64 cap, ecap;
    const char *cmdline;
    const char *kconfig;
    virHostIOMMUFeature feature;
    virHostIOMMUFact state;
    const char *source;
    const char *reason;     /* exact, NULL for none */
} verdictVector;

#define SPR_CAP 0x19ed008c40780c66ULL
#define SPR_ECAP 0x3ee9e86f050dfULL
#define BIT(n) (1ULL << (n))

static const verdictVector verdictVectors[] = {
    { "sm from cmdline", SPR_CAP, SPR_ECAP, "intel_iommu=on,sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_SCALABLE_MODE, VIR_HOST_IOMMU_FACT_YES, "cmdline", NULL },
    { "sm from kconfig", SPR_CAP, SPR_ECAP, "", "CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON=y\n",
      VIR_HOST_IOMMU_FEATURE_SCALABLE_MODE, VIR_HOST_IOMMU_FACT_YES, "kernel-config", NULL },
    { "sm off in kconfig", SPR_CAP, SPR_ECAP, "", "# CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON is not set\n",
      VIR_HOST_IOMMU_FEATURE_SCALABLE_MODE, VIR_HOST_IOMMU_FACT_NO, "kernel-config",
      "the kernel is built without CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON and was not booted with intel_iommu=sm_on" },
    { "sm unknown", SPR_CAP, SPR_ECAP, "", NULL,
      VIR_HOST_IOMMU_FEATURE_SCALABLE_MODE, VIR_HOST_IOMMU_FACT_UNKNOWN, NULL,
      "the unit supports scalable mode (ECAP.SMTS) but neither the kernel command line (intel_iommu=sm_on/sm_off) nor the kernel configuration tells whether the kernel uses it" },
    { "nesting under sm_off", SPR_CAP, SPR_ECAP, "intel_iommu=on,sm_off", "CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON=y\n",
      VIR_HOST_IOMMU_FEATURE_NESTING, VIR_HOST_IOMMU_FACT_NO, "cmdline",
      "nesting needs scalable mode: the kernel was booted with intel_iommu=on,sm_off: scalable mode is off although the unit supports it" },
    { "nesting unknown", SPR_CAP, SPR_ECAP, "", NULL,
      VIR_HOST_IOMMU_FEATURE_NESTING, VIR_HOST_IOMMU_FACT_UNKNOWN, NULL,
      "nesting needs scalable mode: the unit supports scalable mode (ECAP.SMTS) but neither the kernel command line (intel_iommu=sm_on/sm_off) nor the kernel configuration tells whether the kernel uses it" },
    { "nesting without SSTS", SPR_CAP, SPR_ECAP & ~BIT(46), "intel_iommu=sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_NESTING, VIR_HOST_IOMMU_FACT_NO, "sysfs",
      "ECAP.SSTS is clear: no second-stage translation for the nest parent" },
    { "client NEST without SMTS", 0x1c0000c40660462ULL, 0x49e2ff0505eULL, "intel_iommu=on", NULL,
      VIR_HOST_IOMMU_FEATURE_NESTING, VIR_HOST_IOMMU_FACT_NO, "sysfs",
      "nesting needs scalable mode: ECAP.SMTS is clear: the unit has no scalable-mode translation" },
    { "pasid bit clear", SPR_CAP, SPR_ECAP, "intel_iommu=sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_PASID, VIR_HOST_IOMMU_FACT_NO, "sysfs",
      "ECAP.PASID is clear: the unit does not support PASIDs" },
    { "pasid", SPR_CAP, SPR_ECAP | BIT(40), "intel_iommu=sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_PASID, VIR_HOST_IOMMU_FACT_YES, "sysfs", NULL },
    { "dirty tracking without SMPWC", SPR_CAP, SPR_ECAP & ~BIT(48), "intel_iommu=sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_DIRTY_TRACKING, VIR_HOST_IOMMU_FACT_NO, "sysfs",
      "ECAP.SMPWC is clear: current kernels refuse dirty tracking without scalable-mode page-walk coherency" },
    { "dirty tracking", SPR_CAP, SPR_ECAP, "intel_iommu=sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_DIRTY_TRACKING, VIR_HOST_IOMMU_FACT_YES, "sysfs", NULL },
    { "fs1gp without FSTS", SPR_CAP, SPR_ECAP & ~BIT(47), "intel_iommu=sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_FS1GP, VIR_HOST_IOMMU_FACT_NO, "sysfs",
      "ECAP.FSTS is clear: the unit has no first-stage translation" },
    { "fs5lp", SPR_CAP, SPR_ECAP, "intel_iommu=sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_FS5LP, VIR_HOST_IOMMU_FACT_YES, "sysfs", NULL },
    { "fs5lp clear", SPR_CAP & ~BIT(60), SPR_ECAP, "intel_iommu=sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_FS5LP, VIR_HOST_IOMMU_FACT_NO, "sysfs",
      "CAP.FS5LP is clear: no 5-level first-stage paging" },
    { "device-tlb in legacy mode", SPR_CAP, SPR_ECAP, "intel_iommu=sm_off", NULL,
      VIR_HOST_IOMMU_FEATURE_DEVICE_TLB, VIR_HOST_IOMMU_FACT_YES, "sysfs", NULL },
    { "page requests clear", SPR_CAP, SPR_ECAP, "intel_iommu=sm_on", NULL,
      VIR_HOST_IOMMU_FEATURE_PAGE_REQUEST, VIR_HOST_IOMMU_FACT_NO, "sysfs",
      "ECAP.PRS is clear: the unit does not take page requests" },
    { "intremap=off", SPR_CAP, SPR_ECAP, "intremap=off", NULL,
      VIR_HOST_IOMMU_FEATURE_INTREMAP, VIR_HOST_IOMMU_FACT_NO, "cmdline",
      "the kernel was booted with intremap=off" },
    { "eim with nox2apic", SPR_CAP, SPR_ECAP, "intremap=nox2apic", NULL,
      VIR_HOST_IOMMU_FEATURE_EIM, VIR_HOST_IOMMU_FACT_NO, "cmdline",
      "extended interrupt mode needs interrupt remapping in x2APIC mode, which is off" },
    { "eim", SPR_CAP, SPR_ECAP, "", NULL,
      VIR_HOST_IOMMU_FEATURE_EIM, VIR_HOST_IOMMU_FACT_YES, "sysfs", NULL },
    { "snoop control clear", SPR_CAP, SPR_ECAP & ~BIT(7), "", NULL,
      VIR_HOST_IOMMU_FEATURE_SNOOP_CONTROL, VIR_HOST_IOMMU_FACT_NO, "sysfs",
      "ECAP.SC is clear: the unit cannot enforce snooping" },
    { "ril does not apply", SPR_CAP, SPR_ECAP, "", NULL,
      VIR_HOST_IOMMU_FEATURE_RIL, VIR_HOST_IOMMU_FACT_NO, NULL,
      "does not apply to intel-vtd units" },
};

static int
testVerdict(const void *opaque)
{
    const verdictVector *v = opaque;
    g_autoptr(virHostIOMMUUnit) unit = virHostIOMMUUnitNew("dmar0", VIR_HOST_IOMMU_TYPE_INTEL_VTD);
    const virHostIOMMUFeatureInfo *f;

    unit->haveRegisters = true;
    unit->registersSource = g_strdup("sysfs");
    unit->regs.vtdCap = v->cap;
    unit->regs.vtdEcap = v->ecap;
    virHostIOMMUUnitDecode(unit, v->cmdline, v->kconfig);
    f = &unit->features[v->feature];
    if (f->state != v->state || g_strcmp0(f->source, v->source) != 0 ||
        g_strcmp0(f->reason, v->reason) != 0) {
        fprintf(stderr, "%s: state %s source %s reason '%s'\n",
                virHostIOMMUFeatureTypeToString(v->feature),
                virHostIOMMUFactTypeToString(f->state),
                NULLSTR(f->source), NULLSTR(f->reason));
        return -1;
    }
    if (v->feature == VIR_HOST_IOMMU_FEATURE_PASID &&
        unit->pasidWidth != (v->state == VIR_HOST_IOMMU_FACT_YES ? 20U : 0U))
        return -1;
    return 0;
}

static int
testSMMUv3Verdicts(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virHostIOMMUUnit) unit = virHostIOMMUUnitNew("smmu3.0x0", VIR_HOST_IOMMU_TYPE_ARM_SMMUV3);
    const guint32 idr[6] = { 0x0d44101b, 0x02730010 | (20 << 6), 0, 0x1404, 0, 0x75 };

    /* no registers: unknown, with the reason given by the caller */
    virHostIOMMUUnitDecode(unit, NULL, NULL);
    if (unit->features[VIR_HOST_IOMMU_FEATURE_NESTING].state != VIR_HOST_IOMMU_FACT_UNKNOWN ||
        unit->features[VIR_HOST_IOMMU_FEATURE_INTREMAP].state != VIR_HOST_IOMMU_FACT_NO)
        return -1;

    memcpy(unit->regs.smmuIDR, idr, sizeof(idr));
    unit->haveRegisters = true;
    unit->registersSource = g_strdup("ioctl");
    virHostIOMMUUnitDecode(unit, NULL, NULL);
    /* no CD2L: the kernel gives a device at most 10 SSID bits */
    if (unit->features[VIR_HOST_IOMMU_FEATURE_NESTING].state != VIR_HOST_IOMMU_FACT_YES ||
        unit->features[VIR_HOST_IOMMU_FEATURE_PASID].state != VIR_HOST_IOMMU_FACT_YES ||
        unit->pasidWidth != 10 || unit->smmuSSIDSize != 20 || unit->smmuOAS != 48 ||
        unit->smmuSIDSize != 16 ||
        unit->features[VIR_HOST_IOMMU_FEATURE_RIL].state != VIR_HOST_IOMMU_FACT_YES ||
        unit->features[VIR_HOST_IOMMU_FEATURE_S2FWB].state != VIR_HOST_IOMMU_FACT_NO ||
        unit->features[VIR_HOST_IOMMU_FEATURE_DEVICE_TLB].state != VIR_HOST_IOMMU_FACT_NO ||
        g_strcmp0(unit->features[VIR_HOST_IOMMU_FEATURE_NESTING].source, "ioctl") != 0)
        return -1;
    unit->regs.smmuIDR[0] |= 1U << 19;   /* CD2L */
    unit->regs.smmuIDR[0] &= ~1U;        /* no S2P */
    virHostIOMMUUnitDecode(unit, NULL, NULL);
    if (unit->pasidWidth != 20 ||
        unit->features[VIR_HOST_IOMMU_FEATURE_NESTING].state != VIR_HOST_IOMMU_FACT_NO ||
        g_strcmp0(unit->features[VIR_HOST_IOMMU_FEATURE_NESTING].reason,
                  "IDR0.S2P is clear: no stage-2 translation for the nest parent") != 0)
        return -1;
    return 0;
}

/* ---- PCI --------------------------------------------------------------- */

static int
testPCIAddress(const void *opaque G_GNUC_UNUSED)
{
    static const char *const good[][2] = {
        { "0000:03:00.0", "0000:03:00.0" },
        { "03:00.0", "0000:03:00.0" },
        { "0000:6A:01.0", "0000:6a:01.0" },
        { "1:2:3.4", "0001:02:03.4" },
    };
    static const char *const bad[] = {
        "", "0000:03:00", "0000:03:20.0", "0000:03:00.8", "10000:00:00.0",
        "0x00:03:00.0", "00:03:00.0 ", "-1:00.0", "0000:100:00.0", "g0:00.0",
        /* parts that would wrap in 32 or 64 bits */
        "100000000:6a:01.0", "10000000000000000:6a:01.0",
        "100000000000000000000:6a:01.0", "0000:6a:100000020.0",
        "0000:6a:01.100000000", "0000.6a:01:0", "0000:6a:01.0.0",
        "0000:6a:01:0", ":6a:01.0", "0000::01.0",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autofree char *n = virPCIAddressNormalize(good[i][0]);

        if (g_strcmp0(n, good[i][1]) != 0) {
            fprintf(stderr, "'%s' -> '%s'\n", good[i][0], NULLSTR(n));
            return -1;
        }
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *n = virPCIAddressNormalize(bad[i]);

        if (n) {
            fprintf(stderr, "'%s' accepted as '%s'\n", bad[i], n);
            return -1;
        }
    }
    return 0;
}

static void
putExtCap(guint8 *cfg, unsigned int off, unsigned int id, unsigned int next,
          guint16 w4, guint16 w6)
{
    guint32 hdr = id | (1U << 16) | (next << 20);

    cfg[off] = hdr & 0xff;
    cfg[off + 1] = (hdr >> 8) & 0xff;
    cfg[off + 2] = (hdr >> 16) & 0xff;
    cfg[off + 3] = hdr >> 24;
    cfg[off + 4] = w4 & 0xff;
    cfg[off + 5] = w4 >> 8;
    cfg[off + 6] = w6 & 0xff;
    cfg[off + 7] = w6 >> 8;
}

static int
testPCIExtCaps(const void *opaque G_GNUC_UNUSED)
{
    g_autofree guint8 *cfg = g_new0(guint8, 4096);
    virPCIExtCaps caps;

    /* AER -> ATS -> PRI -> PASID */
    putExtCap(cfg, 0x100, 0x0001, 0x148, 0, 0);
    putExtCap(cfg, 0x148, 0x000F, 0x150, 0x0020, 0x8000);
    putExtCap(cfg, 0x150, 0x0013, 0x160, 0x0001, 0x8000);
    putExtCap(cfg, 0x160, 0x001B, 0, 0x1406, 0x0005);
    virPCIConfigParseExtCaps(cfg, 4096, &caps);
    if (!caps.pasid.present || caps.pasid.offset != 0x160 ||
        caps.pasid.maxWidth != 20 || !caps.pasid.exec || !caps.pasid.priv ||
        !caps.pasid.enabled || caps.pasid.execEnabled || !caps.pasid.privEnabled ||
        !caps.ats.present || !caps.ats.enabled || !caps.ats.pageAligned ||
        caps.ats.invalidateQueueDepth != 32 ||
        !caps.pri.present || !caps.pri.enabled || !caps.pri.pasidRequired)
        return -1;

    /* a short read (no extended space) finds nothing */
    virPCIConfigParseExtCaps(cfg, 64, &caps);
    if (caps.pasid.present || caps.ats.present || caps.pri.present)
        return -1;

    /* a list that points back at itself ends */
    putExtCap(cfg, 0x160, 0x0002, 0x100, 0, 0);
    if (virPCIConfigFindExtCap(cfg, 4096, 0x001B) != 0)
        return -1;
    /* an empty extended space */
    memset(cfg + 0x100, 0xff, 4);
    if (virPCIConfigFindExtCap(cfg, 4096, 0x0001) != 0)
        return -1;
    return 0;
}

static int
mymain(void)
{
    int ret = 0;
    size_t i;

#define RUN_TABLE(prefix, table, func) \
    for (i = 0; i < G_N_ELEMENTS(table); i++) { \
        g_autofree char *title = g_strdup_printf("%s %s", prefix, table[i].name); \
        if (virTestRun(title, func, &table[i]) < 0) \
            ret = -1; \
    }

    RUN_TABLE("VT-d field", vtdFields, testField);
    RUN_TABLE("SMMUv3 field", smmuFields, testField);
    RUN_TABLE("AMD field", amdFields, testField);

    for (i = 0; i < G_N_ELEMENTS(vtdVectors); i++) {
        g_autofree char *title = g_strdup_printf("VT-d cap %s ecap %s",
                                                 vtdVectors[i].cap, vtdVectors[i].ecap);
        if (virTestRun(title, testVTdVector, &vtdVectors[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(awVectors); i++) {
        g_autofree char *title = g_strdup_printf("VT-d address width SAGAW 0x%x MGAW %u",
                                                 awVectors[i].sagaw, awVectors[i].mgaw + 1);
        if (virTestRun(title, testVTdAddressWidth, &awVectors[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(cmdlineVectors); i++) {
        g_autofree char *title = g_strdup_printf("cmdline '%s'", cmdlineVectors[i].cmdline);
        if (virTestRun(title, testCmdline, &cmdlineVectors[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(verdictVectors); i++) {
        g_autofree char *title = g_strdup_printf("verdict %s", verdictVectors[i].title);
        if (virTestRun(title, testVerdict, &verdictVectors[i]) < 0)
            ret = -1;
    }

    if (virTestRun("VT-d SAGAW widths", testVTdSAGAWWidths, NULL) < 0 ||
        virTestRun("register text", testParseHex, NULL) < 0 ||
        virTestRun("SMMUv3 OAS encoding", testSMMUv3OAS, NULL) < 0 ||
        virTestRun("SMMUv3 QEMU registers", testSMMUv3QEMU, NULL) < 0 ||
        virTestRun("SMMUv3 verdicts", testSMMUv3Verdicts, NULL) < 0 ||
        virTestRun("AMD features attribute", testAMDFeatures, NULL) < 0 ||
        virTestRun("kernel config lookup", testKernelConfig, NULL) < 0 ||
        virTestRun("PCI address spellings", testPCIAddress, NULL) < 0 ||
        virTestRun("PCI extended capability walk", testPCIExtCaps, NULL) < 0)
        ret = -1;
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
