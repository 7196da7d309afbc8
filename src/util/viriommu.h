/*
 * viriommu.h: decoding of IOMMU unit registers (Intel VT-d CAP/ECAP,
 *             ARM SMMUv3 IDR0-5, AMD-Vi EFR) and of the kernel switches
 *             on the command line that change what the driver uses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The field positions follow the architecture specifications (VT-d 4.x,
 * SMMUv3.3, AMD IOMMU 48882); the decoders are pure functions so that
 * every field can be unit-tested.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

/* ---- Intel VT-d ------------------------------------------------------ */

typedef struct {
    guint64 cap;
    guint64 ecap;

    /* CAP (offset 0x08) */
    unsigned int nd;          /* 2:0, domain IDs = 2^(4 + 2*nd) */
    bool rwbf;                /* 4 */
    bool plmr, phmr;          /* 5, 6 */
    bool cm;                  /* 7, caching mode (emulated units) */
    unsigned int sagaw;       /* 12:8, bit n = agaw n supported */
    unsigned int mgaw;        /* 21:16 + 1 = max guest address width */
    bool zlr;                 /* 22 */
    unsigned int fro;         /* 33:24, fault recording offset / 16 */
    unsigned int sllps;       /* 37:34, bit0 2 MiB, bit1 1 GiB */
    bool psi;                 /* 39 */
    unsigned int nfr;         /* 47:40 + 1 = number of fault records */
    unsigned int mamv;        /* 53:48 */
    bool dwd, drd;            /* 54, 55 */
    bool fs1gp;               /* 56, first-stage 1 GiB pages */
    bool pi;                  /* 59, posted interrupts */
    bool fs5lp;               /* 60, first-stage 5-level paging */
    bool ecmds, esirtps, esrtps; /* 61, 62, 63 */

    /* ECAP (offset 0x10) */
    bool c;                   /* 0, page-walk coherency */
    bool qi;                  /* 1, queued invalidation */
    bool dt;                  /* 2, device-TLB */
    bool ir;                  /* 3, interrupt remapping */
    bool eim;                 /* 4, extended interrupt mode */
    bool pt;                  /* 6, pass-through */
    bool sc;                  /* 7, snoop control */
    unsigned int iro;         /* 17:8, IOTLB register offset / 16 */
    unsigned int mhmv;        /* 23:20 */
    bool mts;                 /* 25 */
    bool nest;                /* 26, nested translation */
    bool prs;                 /* 29, page requests */
    bool ers;                 /* 30, execute requests */
    bool srs;                 /* 31, supervisor requests */
    bool nwfs;                /* 33 */
    bool eafs;                /* 34, extended accessed flag */
    unsigned int pss;         /* 39:35, PASID size - 1 */
    bool pasid;               /* 40 */
    bool dit;                 /* 41 */
    bool pds;                 /* 42 */
    bool smts;                /* 43, scalable-mode translation */
    bool vcs;                 /* 44 */
    bool ssads;               /* 45, second-stage accessed/dirty */
    bool ssts;                /* 46, second-stage translation */
    bool fsts;                /* 47, first-stage translation */
    bool smpwc;               /* 48, scalable-mode page-walk coherency */
    bool rps;                 /* 49 */
    bool pms;                 /* 51 */
} virIOMMUVTdRegs;

void virIOMMUVTdDecode(guint64 cap, guint64 ecap, virIOMMUVTdRegs *regs);

/* Widths in bits of the supported second-stage AGAWs, highest first;
 * returns the number written to @widths (at most 5). */
size_t virIOMMUVTdSAGAWWidths(const virIOMMUVTdRegs *regs,
                              unsigned int widths[5]);

/* Host IOVA width estimate: min(30 + 9 * highest SAGAW bit, MGAW);
 * 0 when SAGAW is empty. */
unsigned int virIOMMUVTdAddressWidth(const virIOMMUVTdRegs *regs);

/* PASID width in bits (PSS + 1) when ECAP.PASID is set, else 0 */
unsigned int virIOMMUVTdPASIDWidth(const virIOMMUVTdRegs *regs);

/* Number of domain IDs the unit supports (2^(4 + 2 * ND)) */
unsigned int virIOMMUVTdDomains(const virIOMMUVTdRegs *regs);

/* Parse a sysfs register file text ("d2008c222f0606\n", %llx) */
bool virIOMMUParseHex64(const char *text, guint64 *val);

/* ---- ARM SMMUv3 ------------------------------------------------------ */

typedef struct {
    guint32 idr[6];
    guint32 iidr;
    guint32 aidr;

    /* IDR0 */
    bool s2p, s1p;            /* 0, 1 */
    unsigned int ttf;         /* 3:2, 2 AArch64, 3 AArch32+64 */
    bool cohacc;              /* 4 */
    bool btm;                 /* 5 */
    unsigned int httu;        /* 7:6, 1 access flag, 2 access+dirty */
    bool dormhint;            /* 8 */
    bool hyp;                 /* 9 */
    bool ats;                 /* 10 */
    bool ns1ats;              /* 11 */
    bool asid16;              /* 12 */
    bool msi;                 /* 13 */
    bool sev;                 /* 14 */
    bool atos;                /* 15 */
    bool pri;                 /* 16 */
    bool vmw;                 /* 17 */
    bool vmid16;              /* 18 */
    bool cd2l;                /* 19 */
    bool vatos;               /* 20 */
    unsigned int ttendian;    /* 22:21, 0 mixed, 2 little, 3 big */
    unsigned int stallModel;  /* 25:24 */
    bool termModel;           /* 26 */
    unsigned int stLevel;     /* 28:27 */

    /* IDR1 */
    unsigned int sidSize;     /* 5:0 */
    unsigned int ssidSize;    /* 10:6 */
    unsigned int priqs;       /* 15:11 */
    unsigned int eventqs;     /* 20:16 */
    unsigned int cmdqs;       /* 25:21 */

    /* IDR3 */
    bool had;                 /* 2 */
    bool fwb;                 /* 8, stage-2 forced write-back */
    bool ril;                 /* 10, range invalidation */
    unsigned int bbml;        /* 12:11 */

    /* IDR5 */
    unsigned int oas;         /* 2:0, encoded */
    unsigned int oasBits;     /* decoded: 32, 36, 40, 42, 44, 48, 52 */
    bool gran4k, gran16k, gran64k; /* 4, 5, 6 */
    unsigned int vax;         /* 11:10 */
} virIOMMUSMMUv3Regs;

void virIOMMUSMMUv3Decode(const guint32 idr[6], guint32 iidr, guint32 aidr,
                          virIOMMUSMMUv3Regs *regs);

/* Output address size in bits for the IDR5.OAS encoding, 0 if reserved */
unsigned int virIOMMUSMMUv3OASBits(unsigned int oas);

/* ---- AMD-Vi ---------------------------------------------------------- */

typedef struct {
    guint64 efr;
    guint64 efr2;
    guint32 cap;              /* capability header from PCI config */
    bool haveCap;

    bool prefSup;             /* EFR 0 */
    bool pprSup;              /* 1, peripheral page requests */
    bool xtSup;               /* 2, x2APIC */
    bool nxSup;               /* 3 */
    bool gtSup;               /* 4, guest translation (v2 tables) */
    bool iaSup;               /* 6 */
    bool gaSup;               /* 7, guest virtual APIC */
    bool heSup;               /* 8 */
    bool pcSup;               /* 9 */
    unsigned int hats;        /* 11:10, host table levels - 4 */
    unsigned int gats;        /* 13:12, guest table levels - 4 */
    unsigned int glxSup;      /* 15:14 */
    unsigned int pasMax;      /* 36:32, PASID width - 1 */
    bool gioSup;              /* 48 */
    bool haSup;               /* 49 */
    bool hdSup;               /* 52, host dirty tracking */
    bool snpSup;              /* 63 */

    bool iotlbSup;            /* capability header bit 24 */
} virIOMMUAMDRegs;

void virIOMMUAMDDecode(guint64 efr, guint64 efr2, bool haveCap, guint32 cap,
                       virIOMMUAMDRegs *regs);

/* Host address width from HATS (4 levels 48 bits ... capped at 64), 0 if
 * the encoding is reserved */
unsigned int virIOMMUAMDAddressWidth(const virIOMMUAMDRegs *regs);

/* Parse the amd-iommu "features" attribute: "efr" (older kernels) or
 * "efr:efr2" (newer), hex without 0x */
bool virIOMMUAMDParseFeatures(const char *text, guint64 *efr, guint64 *efr2);

/* ---- kernel command line -------------------------------------------- */

typedef enum {
    VIR_IOMMU_SWITCH_DEFAULT = 0,   /* not on the command line */
    VIR_IOMMU_SWITCH_ON,
    VIR_IOMMU_SWITCH_OFF,
} virIOMMUSwitch;

typedef struct {
    virIOMMUSwitch intelIOMMU;      /* intel_iommu=on|off */
    virIOMMUSwitch scalableMode;    /* intel_iommu=...,sm_on|sm_off */
    virIOMMUSwitch intremap;        /* intremap=off / on */
    bool intremapNoX2APIC;          /* intremap=nox2apic */
    virIOMMUSwitch amdIOMMU;        /* amd_iommu=off */
    char *intelIOMMUText;           /* the last intel_iommu= value */
} virIOMMUCmdline;

/* Parse a kernel command line. Options are applied in order, so a later
 * switch overrides an earlier one, as the kernel does. */
void virIOMMUCmdlineParse(const char *cmdline, virIOMMUCmdline *out);
void virIOMMUCmdlineClear(virIOMMUCmdline *cmd);

/* Value of CONFIG_@name in a kernel .config text: ON for "=y"/"=m", OFF for
 * "# ... is not set", DEFAULT when the option is not mentioned. */
virIOMMUSwitch virIOMMUKernelConfigLookup(const char *config,
                                          const char *name);
