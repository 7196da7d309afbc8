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
 *
 * The size limits (domain_limits.h) are checked on documents generated
 * here, one element over each limit and exactly at it; limit-NAME.err
 * holds the exact error of the one over it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutils.h"
#include "qemu_domain_prepare.h"
#include "domain_limits.h"

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

/* A domain with @ndevices <serial> devices, @nmeta elements in
 * <metadata> and @ndeep elements nested in its <memballoon>; with @over,
 * one more of the kind the case is about */
typedef struct {
    const char *name;
    unsigned int ndevices;
    unsigned int nmeta;
    unsigned int ndeep;     /* elements nested under one device */
} testLimitInfo;

static char *
testLimitXML(const testLimitInfo *info, int over)
{
    GString *xml = g_string_new("<domain type='kvm'>\n  <name>limits</name>\n"
                                "  <memory unit='MiB'>512</memory>\n");
    unsigned int ndevices = info->ndevices + (info->ndevices ? over : 0);
    unsigned int nmeta = info->nmeta + (info->nmeta ? over : 0);
    unsigned int ndeep = info->ndeep + (info->ndeep ? over : 0);
    unsigned int i;

    if (nmeta) {
        g_string_append(xml, "  <metadata>\n    <m:list xmlns:m='http://example.org/m'>\n");
        /* the <m:list> wrapper counts too */
        for (i = 1; i < nmeta; i++)
            g_string_append(xml, "      <m:i/>\n");
        g_string_append(xml, "    </m:list>\n  </metadata>\n");
    }
    g_string_append(xml, "  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n"
                         "  <devices>\n");
    for (i = 0; i < ndevices; i++)
        g_string_append(xml, "    <serial type='pty'/>\n");
    if (ndeep) {
        /* the whole document: the elements above plus this many more */
        g_string_append(xml, "    <memballoon model='none'>\n");
        for (i = 0; i < ndeep; i++)
            g_string_append(xml, "<x/>");
        g_string_append(xml, "\n    </memballoon>\n");
    }
    g_string_append(xml, "  </devices>\n</domain>\n");
    return g_string_free(xml, FALSE);
}

static int
testLimit(const void *opaque)
{
    const testLimitInfo *info = opaque;
    g_autofree char *errPath = virTestDataPathFormat(DATADIR, "limit-%s.err", info->name);
    g_autofree char *over = testLimitXML(info, 1);
    g_autofree char *at = testLimitXML(info, 0);
    qemuDomainPrepareOptions opts = { .cacheDir = cacheDir, .skipHost = true };
    g_autofree char *caps = g_build_filename(abs_srcdir, "qemucapabilitiesdata",
                                             "caps_11.1.3_x86_64.xml", NULL);
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(GError) err = NULL;

    opts.qemuCapsFile = caps;
    if ((prep = qemuDomainPrepareString(over, "limit.xml", &opts, &err))) {
        fprintf(stderr, "%s: one over the limit passed\n", info->name);
        return -1;
    }
    if (virTestCompareErrorToFile(err, errPath) < 0)
        return -1;
    g_clear_error(&err);
    /* exactly at the limit the limit itself is not what refuses it */
    prep = qemuDomainPrepareString(at, "limit.xml", &opts, &err);
    if (err && strstr(err->message, ", the limit")) {
        fprintf(stderr, "%s: refused at the limit: %s\n", info->name, err->message);
        return -1;
    }
    return 0;
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

    {
        /* <domain>, <name>, <memory>, <os>, <type>, <devices> and
         * <memballoon> are the 7 elements around the nested ones */
        static const testLimitInfo limits[] = {
            { "devices", VIR_DOMAIN_MAX_DEVICES, 0, 0 },
            { "metadata", 0, VIR_DOMAIN_MAX_METADATA_ELEMENTS, 0 },
            { "elements", 0, 0, VIR_DOMAIN_MAX_ELEMENTS - 7 },
        };

        for (i = 0; i < G_N_ELEMENTS(limits); i++) {
            g_autofree char *title = g_strdup_printf("limit %s", limits[i].name);

            if (virTestRun(title, testLimit, &limits[i]) < 0)
                ret = -1;
        }
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
