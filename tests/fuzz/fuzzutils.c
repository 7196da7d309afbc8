/*
 * fuzzutils.c: helpers shared by the libFuzzer harnesses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlerror.h>

#include "fuzzutils.h"

char *
virFuzzString(const uint8_t *data, size_t size)
{
    static bool quiet;
    char *str = g_malloc(size + 1);

    /* the first input silences libxml2 and GLib for the whole run */
    if (!quiet) {
        virFuzzQuiet();
        quiet = true;
    }

    memcpy(str, data, size);
    str[size] = '\0';
    return str;
}

static void
virFuzzNoXMLError(void *ctx G_GNUC_UNUSED, const char *msg G_GNUC_UNUSED, ...)
{
}

static void
virFuzzNoLog(const gchar *domain G_GNUC_UNUSED, GLogLevelFlags level G_GNUC_UNUSED,
             const gchar *msg G_GNUC_UNUSED, gpointer opaque G_GNUC_UNUSED)
{
}

void
virFuzzQuiet(void)
{
    xmlSetGenericErrorFunc(NULL, virFuzzNoXMLError);
    g_log_set_default_handler(virFuzzNoLog, NULL);
}

static char *
virFuzzDataPath(const char *subdir, const char *name)
{
    return g_build_filename(ABS_TOP_SRCDIR, "tests", subdir, name, NULL);
}

virQEMUCaps *
virFuzzLoadQEMUCaps(const char *name)
{
    g_autofree char *path = virFuzzDataPath("qemucapabilitiesdata", name);
    g_autoptr(GError) err = NULL;
    virQEMUCaps *caps = virQEMUCapsParseFile(path, &err);

    if (!caps)
        virFuzzFail("cannot load capabilities", err, path);
    return caps;
}

virHostIOMMU *
virFuzzLoadHost(const char *name)
{
    g_autofree char *path = virFuzzDataPath("hostcapsdata", name);
    g_autoptr(GError) err = NULL;
    virHostIOMMU *host = virHostIOMMUParseFile(path, &err);

    if (!host)
        virFuzzFail("cannot load host document", err, path);
    return host;
}

void
virFuzzFail(const char *what, const GError *err, const char *text)
{
    fprintf(stderr, "fuzz invariant: %s: %s\n%s\n", what,
            err ? err->message : "", text ? text : "");
    abort();
}

int
virFuzzCompareStrPtr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
