/*
 * fuzz-pciconfig.c: libFuzzer harness for the PCI config-space walk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One input is the content of a device's sysfs 'config' file (any length,
 * as a hostile host tree may hold). The extended-capability walk must
 * stay inside the buffer and end, and whatever it reports must lie in
 * extended config space.
 */
#include <stdint.h>

#include "virpci.h"
#include "fuzzutils.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
virFuzzCheckOffset(bool present, unsigned int offset, size_t size)
{
    if (present && (offset < VIR_PCI_CONFIG_EXT_START || offset + 4 > size))
        virFuzzFail("capability outside extended config space", NULL, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so that ASan sees any read past the end */
    g_autofree guint8 *cfg = g_memdup2(data, size);
    virPCIExtCaps caps = { 0 };
    unsigned int id;

    virPCIConfigParseExtCaps(cfg, size, &caps);
    virFuzzCheckOffset(caps.pasid.present, caps.pasid.offset, size);
    virFuzzCheckOffset(caps.ats.present, caps.ats.offset, size);
    virFuzzCheckOffset(caps.pri.present, caps.pri.offset, size);
    for (id = 0; id < 0x30; id++) {
        unsigned int off = virPCIConfigFindExtCap(cfg, size, id);
        virFuzzCheckOffset(off != 0, off, size);
    }
    return 0;
}
