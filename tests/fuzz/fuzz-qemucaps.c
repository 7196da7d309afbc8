/*
 * fuzz-qemucaps.c: libFuzzer harness for the QEMU capabilities document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One input is one qemucaps document (what --qemu-caps and the cache
 * read). A document that parses must format to a document that parses
 * and formats to the same text again.
 */
#include <stdint.h>

#include "qemu_capabilities.h"
#include "fuzzutils.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = virFuzzString(data, size);
    g_autoptr(GError) err = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virQEMUCaps) again = NULL;
    g_autofree char *formatted = NULL;
    g_autofree char *formatted2 = NULL;

    if (!(caps = virQEMUCapsParseString(xml, &err)))
        return 0;
    formatted = virQEMUCapsFormat(caps);
    if (!(again = virQEMUCapsParseString(formatted, &err)))
        virFuzzFail("formatted capabilities do not parse", err, formatted);
    formatted2 = virQEMUCapsFormat(again);
    if (!g_str_equal(formatted, formatted2))
        virFuzzFail("capabilities change on a second round trip", NULL, formatted2);
    return 0;
}
