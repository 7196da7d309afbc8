/*
 * fuzz-iommuregs.c: libFuzzer harness for the IOMMU register decoders
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One input feeds both halves of the decoding: the text parsers for what
 * sysfs holds (a VT-d cap/ecap hex word, AMD's "features" line, the
 * kernel command line and a kernel config), and the decoders, which get
 * the input's first bytes as VT-d CAP/ECAP, SMMUv3 IDR0-5/IIDR/AIDR and
 * AMD EFR/EFR2/capability header. Derived widths must stay in range.
 */
#include <stdint.h>
#include <string.h>

#include "viriommu.h"
#include "fuzzutils.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 8 + 8 (VT-d) + 32 (SMMUv3) + 8 + 8 + 4 + 1 (AMD) */
#define VIR_FUZZ_REGS_SIZE 69

static void
virFuzzDecodeVTd(guint64 cap, guint64 ecap)
{
    virIOMMUVTdRegs regs;
    unsigned int widths[5];
    size_t n;

    virIOMMUVTdDecode(cap, ecap, &regs);
    n = virIOMMUVTdSAGAWWidths(&regs, widths);
    if (n > 5 || virIOMMUVTdPASIDWidth(&regs) > 32 ||
        virIOMMUVTdAddressWidth(&regs) > 64)
        virFuzzFail("VT-d width out of range", NULL, NULL);
    (void)virIOMMUVTdDomains(&regs);
}

static void
virFuzzDecodeRegs(const guint8 *raw)
{
    guint64 cap, ecap, efr, efr2;
    guint32 idr[6], iidr, aidr, amdCap;
    virIOMMUSMMUv3Regs smmu;
    virIOMMUAMDRegs amd;

    memcpy(&cap, raw, 8);
    memcpy(&ecap, raw + 8, 8);
    memcpy(idr, raw + 16, sizeof(idr));
    memcpy(&iidr, raw + 40, 4);
    memcpy(&aidr, raw + 44, 4);
    memcpy(&efr, raw + 48, 8);
    memcpy(&efr2, raw + 56, 8);
    memcpy(&amdCap, raw + 64, 4);

    virFuzzDecodeVTd(cap, ecap);
    virIOMMUSMMUv3Decode(idr, iidr, aidr, &smmu);
    if (smmu.oasBits > 52)
        virFuzzFail("SMMUv3 output address size out of range", NULL, NULL);
    virIOMMUAMDDecode(efr, efr2, raw[68] & 1, amdCap, &amd);
    if (virIOMMUAMDAddressWidth(&amd) > 64)
        virFuzzFail("AMD address width out of range", NULL, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = virFuzzString(data, size);
    virIOMMUCmdline cmd = { 0 };
    guint64 v1 = 0, v2 = 0;

    if (virIOMMUParseHex64(text, &v1))
        virFuzzDecodeVTd(v1, v1);
    if (virIOMMUAMDParseFeatures(text, &v1, &v2)) {
        virIOMMUAMDRegs amd;

        virIOMMUAMDDecode(v1, v2, false, 0, &amd);
        if (virIOMMUAMDAddressWidth(&amd) > 64)
            virFuzzFail("AMD address width out of range", NULL, text);
    }
    virIOMMUCmdlineParse(text, &cmd);
    virIOMMUCmdlineClear(&cmd);
    (void)virIOMMUKernelConfigLookup(text, "CONFIG_INTEL_IOMMU");
    (void)virIOMMUKernelConfigLookup(text, "CONFIG_IOMMUFD");

    if (size >= VIR_FUZZ_REGS_SIZE)
        virFuzzDecodeRegs(data);
    return 0;
}
