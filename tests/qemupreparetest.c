/*
 * qemupreparetest.c: the checking pipeline (qemuDomainPrepareString) on
 *                    documents that choose which program it runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Data in tests/qemupreparedata/:
 *   NAME.xml   a domain, checked without --emulator and --qemu-caps, so
 *              that only the document says which QEMU to probe; the text
 *              ABS_SRCDIR in it stands for the tests directory;
 *   NAME.err   the exact error, when the pipeline must refuse the domain.
 * Without NAME.err the domain must pass (it names the system's QEMU).
 * The scripts evil-emulator and qemu-system-x86_64 leave a mark in
 * $VV_EVIL_MARKER when run: no case may ever run them.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutils.h"
#include "qemu_domain_prepare.h"

#define DATADIR "qemupreparedata"

static char *cacheDir;
static char *marker;

static int
testPrepare(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *xmlPath = virTestDataPathFormat(DATADIR, "%s.xml", name);
    g_autofree char *errPath = virTestDataPathFormat(DATADIR, "%s.err", name);
    g_autofree char *raw = virTestLoadFile(xmlPath);
    g_autoptr(GString) xml = NULL;
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(GError) err = NULL;
    qemuDomainPrepareOptions opts = { .cacheDir = cacheDir, .skipHost = true };
    bool expectFail = g_file_test(errPath, G_FILE_TEST_EXISTS);
    int ret = 0;

    if (!raw)
        return -1;
    xml = g_string_new(raw);
    g_string_replace(xml, "ABS_SRCDIR", abs_srcdir, 0);

    unlink(marker);
    prep = qemuDomainPrepareString(xml->str, xmlPath, &opts, &err);
    if (g_file_test(marker, G_FILE_TEST_EXISTS)) {
        fprintf(stderr, "%s: the emulator named by the document was run\n", name);
        ret = -1;
    }
    if (expectFail) {
        if (prep) {
            fprintf(stderr, "%s: the domain passed, expected an error\n", name);
            return -1;
        }
        return virTestCompareErrorToFile(err, errPath) < 0 ? -1 : ret;
    }
    if (!prep) {
        fprintf(stderr, "%s: %s\n", name, err->message);
        return -1;
    }
    return ret;
}

static int
mymain(void)
{
    g_autofree char *dir = g_build_filename(abs_srcdir, DATADIR, NULL);
    g_autofree char *tmp = g_dir_make_tmp("qemupreparetest-XXXXXX", NULL);
    g_autofree char *evil = g_build_filename(dir, "evil-emulator", NULL);
    g_autofree char *lookalike = g_build_filename(dir, "qemu-system-x86_64", NULL);
    g_autofree char *link = g_build_filename(dir, "link-to-system-qemu", NULL);
    g_auto(GStrv) stems = NULL;
    g_autoptr(GError) err = NULL;
    int ret = 0;
    size_t i;

    if (!tmp || !(stems = virTestListStems(dir, ".xml", &err))) {
        fprintf(stderr, "cannot set up: %s\n", err ? err->message : "temporary directory");
        return -1;
    }
    cacheDir = g_build_filename(tmp, "cache", NULL);
    marker = g_build_filename(tmp, "emulator-ran", NULL);
    g_setenv("VV_EVIL_MARKER", marker, TRUE);
    virTestRegisterDataDir(dir, NULL);
    virTestUseFile(evil);
    virTestUseFile(lookalike);
    virTestUseFile(link);

    for (i = 0; stems[i]; i++) {
        g_autofree char *title = g_strdup_printf("prepare %s", stems[i]);

        if (virTestRun(title, testPrepare, stems[i]) < 0)
            ret = -1;
    }

    /* the marker scripts do work: running one directly leaves the mark */
    if (g_spawn_command_line_sync(evil, NULL, NULL, NULL, NULL) &&
        !g_file_test(marker, G_FILE_TEST_EXISTS)) {
        fprintf(stderr, "evil-emulator does not leave its mark\n");
        ret = -1;
    }
    unlink(marker);
    {
        g_autofree char *quoted = g_shell_quote(tmp);
        g_autofree char *rm = g_strdup_printf("rm -rf %s", quoted);

        g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL);
    }
    g_free(cacheDir);
    g_free(marker);
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
