/*
 * fuzz-hostcaps.c: libFuzzer harness for the host capabilities document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One input is one hostcaps document (schema validation included). A
 * document that parses is formatted, and that output must parse too.
 */
#include <stdint.h>

#include "hostiommu_conf.h"
#include "fuzzutils.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = virFuzzString(data, size);
    g_autoptr(GError) err = NULL;
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(virHostIOMMU) again = NULL;
    g_autofree char *formatted = NULL;

    if (!(host = virHostIOMMUParseString(xml, &err)))
        return 0;
    formatted = virHostIOMMUFormat(host);
    if (!(again = virHostIOMMUParseString(formatted, &err)))
        virFuzzFail("formatted host document does not parse", err, formatted);
    return 0;
}
