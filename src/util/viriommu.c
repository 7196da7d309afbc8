/*
 * viriommu.c: decoding of IOMMU unit registers and kernel switches
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "viriommu.h"

/* Bits @hi..@lo of @v */
#define VIR_BITS(v, hi, lo) \
    ((unsigned int)(((v) >> (lo)) & ((1ULL << ((hi) - (lo) + 1)) - 1)))
#define VIR_BIT(v, n) ((((v) >> (n)) & 1) != 0)

void
virIOMMUVTdDecode(guint64 cap, guint64 ecap, virIOMMUVTdRegs *r)
{
    memset(r, 0, sizeof(*r));
    r->cap = cap;
    r->ecap = ecap;

    r->nd = VIR_BITS(cap, 2, 0);
    r->rwbf = VIR_BIT(cap, 4);
    r->plmr = VIR_BIT(cap, 5);
    r->phmr = VIR_BIT(cap, 6);
    r->cm = VIR_BIT(cap, 7);
    r->sagaw = VIR_BITS(cap, 12, 8);
    r->mgaw = VIR_BITS(cap, 21, 16) + 1;
    r->zlr = VIR_BIT(cap, 22);
    r->fro = VIR_BITS(cap, 33, 24);
    r->sllps = VIR_BITS(cap, 37, 34);
    r->psi = VIR_BIT(cap, 39);
    r->nfr = VIR_BITS(cap, 47, 40) + 1;
    r->mamv = VIR_BITS(cap, 53, 48);
    r->dwd = VIR_BIT(cap, 54);
    r->drd = VIR_BIT(cap, 55);
    r->fs1gp = VIR_BIT(cap, 56);
    r->pi = VIR_BIT(cap, 59);
    r->fs5lp = VIR_BIT(cap, 60);
    r->ecmds = VIR_BIT(cap, 61);
    r->esirtps = VIR_BIT(cap, 62);
    r->esrtps = VIR_BIT(cap, 63);

    r->c = VIR_BIT(ecap, 0);
    r->qi = VIR_BIT(ecap, 1);
    r->dt = VIR_BIT(ecap, 2);
    r->ir = VIR_BIT(ecap, 3);
    r->eim = VIR_BIT(ecap, 4);
    r->pt = VIR_BIT(ecap, 6);
    r->sc = VIR_BIT(ecap, 7);
    r->iro = VIR_BITS(ecap, 17, 8);
    r->mhmv = VIR_BITS(ecap, 23, 20);
    r->mts = VIR_BIT(ecap, 25);
    r->nest = VIR_BIT(ecap, 26);
    r->prs = VIR_BIT(ecap, 29);
    r->ers = VIR_BIT(ecap, 30);
    r->srs = VIR_BIT(ecap, 31);
    r->nwfs = VIR_BIT(ecap, 33);
    r->eafs = VIR_BIT(ecap, 34);
    r->pss = VIR_BITS(ecap, 39, 35);
    r->pasid = VIR_BIT(ecap, 40);
    r->dit = VIR_BIT(ecap, 41);
    r->pds = VIR_BIT(ecap, 42);
    r->smts = VIR_BIT(ecap, 43);
    r->vcs = VIR_BIT(ecap, 44);
    r->ssads = VIR_BIT(ecap, 45);
    r->ssts = VIR_BIT(ecap, 46);
    r->fsts = VIR_BIT(ecap, 47);
    r->smpwc = VIR_BIT(ecap, 48);
    r->rps = VIR_BIT(ecap, 49);
    r->pms = VIR_BIT(ecap, 51);
}

size_t
virIOMMUVTdSAGAWWidths(const virIOMMUVTdRegs *r, unsigned int widths[5])
{
    size_t n = 0;
    int agaw;

    for (agaw = 4; agaw >= 0; agaw--) {
        if (r->sagaw & (1U << agaw))
            widths[n++] = 30 + 9 * agaw;
    }
    return n;
}

unsigned int
virIOMMUVTdAddressWidth(const virIOMMUVTdRegs *r)
{
    unsigned int widths[5];
    unsigned int w;

    if (virIOMMUVTdSAGAWWidths(r, widths) == 0)
        return 0;
    /* the driver clamps the domain width to what the unit can address */
    w = MIN(widths[0], 64);
    return MIN(w, r->mgaw);
}

unsigned int
virIOMMUVTdPASIDWidth(const virIOMMUVTdRegs *r)
{
    return r->pasid ? r->pss + 1 : 0;
}

unsigned int
virIOMMUVTdDomains(const virIOMMUVTdRegs *r)
{
    /* ND 7 is reserved; 2^18 would still fit */
    return 1U << (4 + 2 * MIN(r->nd, 7U));
}

bool
virIOMMUParseHex64(const char *text, guint64 *val)
{
    g_autofree char *copy = NULL;
    const char *p;
    char *end = NULL;

    if (!text)
        return false;
    copy = g_strstrip(g_strdup(text));
    p = copy;
    if (g_str_has_prefix(p, "0x") || g_str_has_prefix(p, "0X"))
        p += 2;
    if (!*p || strspn(p, "0123456789abcdefABCDEF") != strlen(p))
        return false;
    errno = 0;
    *val = g_ascii_strtoull(p, &end, 16);
    return errno == 0 && end && *end == '\0';
}

unsigned int
virIOMMUSMMUv3OASBits(unsigned int oas)
{
    static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48, 52 };

    return oas < G_N_ELEMENTS(bits) ? bits[oas] : 0;
}

void
virIOMMUSMMUv3Decode(const guint32 idr[6], guint32 iidr, guint32 aidr,
                     virIOMMUSMMUv3Regs *r)
{
    guint32 i0 = idr[0], i1 = idr[1], i3 = idr[3], i5 = idr[5];

    memset(r, 0, sizeof(*r));
    memcpy(r->idr, idr, sizeof(r->idr));
    r->iidr = iidr;
    r->aidr = aidr;

    r->s2p = VIR_BIT(i0, 0);
    r->s1p = VIR_BIT(i0, 1);
    r->ttf = VIR_BITS(i0, 3, 2);
    r->cohacc = VIR_BIT(i0, 4);
    r->btm = VIR_BIT(i0, 5);
    r->httu = VIR_BITS(i0, 7, 6);
    r->dormhint = VIR_BIT(i0, 8);
    r->hyp = VIR_BIT(i0, 9);
    r->ats = VIR_BIT(i0, 10);
    r->ns1ats = VIR_BIT(i0, 11);
    r->asid16 = VIR_BIT(i0, 12);
    r->msi = VIR_BIT(i0, 13);
    r->sev = VIR_BIT(i0, 14);
    r->atos = VIR_BIT(i0, 15);
    r->pri = VIR_BIT(i0, 16);
    r->vmw = VIR_BIT(i0, 17);
    r->vmid16 = VIR_BIT(i0, 18);
    r->cd2l = VIR_BIT(i0, 19);
    r->vatos = VIR_BIT(i0, 20);
    r->ttendian = VIR_BITS(i0, 22, 21);
    r->stallModel = VIR_BITS(i0, 25, 24);
    r->termModel = VIR_BIT(i0, 26);
    r->stLevel = VIR_BITS(i0, 28, 27);

    r->sidSize = VIR_BITS(i1, 5, 0);
    r->ssidSize = VIR_BITS(i1, 10, 6);
    r->priqs = VIR_BITS(i1, 15, 11);
    r->eventqs = VIR_BITS(i1, 20, 16);
    r->cmdqs = VIR_BITS(i1, 25, 21);

    r->had = VIR_BIT(i3, 2);
    r->fwb = VIR_BIT(i3, 8);
    r->ril = VIR_BIT(i3, 10);
    r->bbml = VIR_BITS(i3, 12, 11);

    r->oas = VIR_BITS(i5, 2, 0);
    r->oasBits = virIOMMUSMMUv3OASBits(r->oas);
    r->gran4k = VIR_BIT(i5, 4);
    r->gran16k = VIR_BIT(i5, 5);
    r->gran64k = VIR_BIT(i5, 6);
    r->vax = VIR_BITS(i5, 11, 10);
}

void
virIOMMUAMDDecode(guint64 efr, guint64 efr2, bool haveCap, guint32 cap,
                  virIOMMUAMDRegs *r)
{
    memset(r, 0, sizeof(*r));
    r->efr = efr;
    r->efr2 = efr2;
    r->haveCap = haveCap;
    r->cap = cap;

    r->prefSup = VIR_BIT(efr, 0);
    r->pprSup = VIR_BIT(efr, 1);
    r->xtSup = VIR_BIT(efr, 2);
    r->nxSup = VIR_BIT(efr, 3);
    r->gtSup = VIR_BIT(efr, 4);
    r->iaSup = VIR_BIT(efr, 6);
    r->gaSup = VIR_BIT(efr, 7);
    r->heSup = VIR_BIT(efr, 8);
    r->pcSup = VIR_BIT(efr, 9);
    r->hats = VIR_BITS(efr, 11, 10);
    r->gats = VIR_BITS(efr, 13, 12);
    r->glxSup = VIR_BITS(efr, 15, 14);
    r->pasMax = VIR_BITS(efr, 36, 32);
    r->gioSup = VIR_BIT(efr, 48);
    r->haSup = VIR_BIT(efr, 49);
    r->hdSup = VIR_BIT(efr, 52);
    r->snpSup = VIR_BIT(efr, 63);

    r->iotlbSup = haveCap && VIR_BIT(cap, 24);
}

unsigned int
virIOMMUAMDAddressWidth(const virIOMMUAMDRegs *r)
{
    /* HATS 0..2 = 4..6 levels of 9 bits over 4 KiB pages; 3 reserved */
    if (r->hats > 2)
        return 0;
    return MIN(12 + 9 * (4 + r->hats), 64U);
}

bool
virIOMMUAMDParseFeatures(const char *text, guint64 *efr, guint64 *efr2)
{
    g_auto(GStrv) parts = NULL;

    if (!text)
        return false;
    parts = g_strsplit(text, ":", 3);
    if (!parts[0] || (parts[1] && parts[2]))
        return false;
    if (!virIOMMUParseHex64(parts[0], efr))
        return false;
    *efr2 = 0;
    if (parts[1] && !virIOMMUParseHex64(parts[1], efr2))
        return false;
    return true;
}

static void
virIOMMUCmdlineIntel(const char *val, virIOMMUCmdline *out)
{
    g_auto(GStrv) opts = g_strsplit(val, ",", -1);
    size_t i;

    g_free(out->intelIOMMUText);
    out->intelIOMMUText = g_strdup(val);
    for (i = 0; opts[i]; i++) {
        if (strcmp(opts[i], "on") == 0)
            out->intelIOMMU = VIR_IOMMU_SWITCH_ON;
        else if (strcmp(opts[i], "off") == 0)
            out->intelIOMMU = VIR_IOMMU_SWITCH_OFF;
        else if (strcmp(opts[i], "sm_on") == 0)
            out->scalableMode = VIR_IOMMU_SWITCH_ON;
        else if (strcmp(opts[i], "sm_off") == 0)
            out->scalableMode = VIR_IOMMU_SWITCH_OFF;
    }
}

static void
virIOMMUCmdlineIntremap(const char *val, virIOMMUCmdline *out)
{
    g_auto(GStrv) opts = g_strsplit(val, ",", -1);
    size_t i;

    for (i = 0; opts[i]; i++) {
        if (strcmp(opts[i], "off") == 0)
            out->intremap = VIR_IOMMU_SWITCH_OFF;
        else if (strcmp(opts[i], "on") == 0)
            out->intremap = VIR_IOMMU_SWITCH_ON;
        else if (strcmp(opts[i], "nox2apic") == 0)
            out->intremapNoX2APIC = true;
    }
}

void
virIOMMUCmdlineParse(const char *cmdline, virIOMMUCmdline *out)
{
    g_auto(GStrv) argv = NULL;
    size_t i;

    memset(out, 0, sizeof(*out));
    if (!cmdline)
        return;
    /* kernel parameters never contain quoted spaces that matter here */
    argv = g_strsplit_set(cmdline, " \t\n", -1);
    for (i = 0; argv[i]; i++) {
        const char *arg = argv[i];

        if (g_str_has_prefix(arg, "intel_iommu="))
            virIOMMUCmdlineIntel(arg + strlen("intel_iommu="), out);
        else if (g_str_has_prefix(arg, "intremap="))
            virIOMMUCmdlineIntremap(arg + strlen("intremap="), out);
        else if (strcmp(arg, "amd_iommu=off") == 0)
            out->amdIOMMU = VIR_IOMMU_SWITCH_OFF;
        else if (strcmp(arg, "--") == 0)
            break;  /* the rest goes to init */
    }
}

void
virIOMMUCmdlineClear(virIOMMUCmdline *cmd)
{
    g_clear_pointer(&cmd->intelIOMMUText, g_free);
}

virIOMMUSwitch
virIOMMUKernelConfigLookup(const char *config, const char *name)
{
    g_auto(GStrv) lines = NULL;
    g_autofree char *set = g_strdup_printf("CONFIG_%s=", name);
    g_autofree char *unset = g_strdup_printf("# CONFIG_%s is not set", name);
    size_t i;

    if (!config)
        return VIR_IOMMU_SWITCH_DEFAULT;
    lines = g_strsplit(config, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *l = lines[i];

        if (g_str_has_prefix(l, set)) {
            const char *v = l + strlen(set);

            return (strcmp(v, "y") == 0 || strcmp(v, "m") == 0) ?
                VIR_IOMMU_SWITCH_ON : VIR_IOMMU_SWITCH_OFF;
        }
        if (strcmp(l, unset) == 0)
            return VIR_IOMMU_SWITCH_OFF;
    }
    return VIR_IOMMU_SWITCH_DEFAULT;
}
