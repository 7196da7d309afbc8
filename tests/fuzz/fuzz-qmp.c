/*
 * fuzz-qmp.c: libFuzzer harness for QMP message parsing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One input is what QEMU sent, split at newlines like the monitor reader
 * does; every non-empty line goes through virQMPParseLine() (with the
 * nesting-depth check and bounded error text). A message that parses
 * is an object, and an error always comes with a message.
 */
#include <stdint.h>
#include <string.h>

#include "virqmp.h"
#include "fuzzutils.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = virFuzzString(data, size);
    char *line = text;

    while (line) {
        char *nl = strchr(line, '\n');
        g_autoptr(GError) err = NULL;
        g_autoptr(JsonNode) msg = NULL;

        if (nl)
            *nl = '\0';
        /* the reader strips each line and skips empty ones */
        g_strstrip(line);
        if (*line) {
            msg = virQMPParseLine("fuzz", line, strlen(line), &err);
            if (msg && !JSON_NODE_HOLDS_OBJECT(msg))
                virFuzzFail("QMP message is not an object", NULL, line);
            if (!msg && !err)
                virFuzzFail("QMP line refused without an error", NULL, line);
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}
