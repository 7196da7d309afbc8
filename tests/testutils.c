/*
 * testutils.c: data-driven test harness in libvirt's style
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testutils.h"

static unsigned int testCounter;
static unsigned int testPassed;
static unsigned int testFailed;
static unsigned int testSkipped;
static unsigned int testRangeStart;
static unsigned int testRangeEnd;
static GHashTable *usedFiles;
static GPtrArray *dataDirs;   /* of "dir\nglob" */

bool
virTestRegenerate(void)
{
    const char *env = g_getenv("VIR_TEST_REGENERATE_OUTPUT");
    return env && strcmp(env, "0") != 0;
}

bool
virTestUnderValgrind(void)
{
    return g_strcmp0(g_getenv("VIR_TEST_VALGRIND"), "1") == 0;
}

bool
virTestDebug(void)
{
    const char *env = g_getenv("VIR_TEST_DEBUG");
    return env && strcmp(env, "0") != 0;
}

static void
virTestParseRange(void)
{
    const char *env = g_getenv("VIR_TEST_RANGE");
    g_auto(GStrv) parts = NULL;

    if (!env || !*env)
        return;
    parts = g_strsplit(env, "-", 2);
    testRangeStart = (unsigned int)g_ascii_strtoull(parts[0], NULL, 10);
    testRangeEnd = parts[1] ? (unsigned int)g_ascii_strtoull(parts[1], NULL, 10)
                            : testRangeStart;
}

int
virTestRun(const char *title, virTestFunc body, const void *data)
{
    int ret;

    testCounter++;
    if (testRangeStart &&
        (testCounter < testRangeStart || testCounter > testRangeEnd))
        return 0;

    ret = body(data);
    if (ret == VIR_TEST_SKIP) {
        testSkipped++;
        fprintf(stderr, "%3u) %-70s ... SKIP\n", testCounter, title);
        return 0;
    }
    if (ret == 0) {
        testPassed++;
        if (virTestDebug())
            fprintf(stderr, "%3u) %-70s ... OK\n", testCounter, title);
    } else {
        testFailed++;
        fprintf(stderr, "%3u) %-70s ... FAILED\n", testCounter, title);
    }
    return ret == 0 ? 0 : -1;
}

void
virTestUseFile(const char *path)
{
    g_autofree char *canon = g_canonicalize_filename(path, NULL);

    if (!usedFiles)
        usedFiles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_add(usedFiles, g_steal_pointer(&canon));
}

void
virTestRegisterDataDir(const char *dir, const char *glob)
{
    if (!dataDirs)
        dataDirs = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(dataDirs, g_strdup_printf("%s\n%s", dir, glob ? glob : "*"));
}

char *
virTestDataPath(const char *subdir, const char *name)
{
    return g_build_filename(abs_srcdir, subdir, name, NULL);
}

char *
virTestDataPathFormat(const char *subdir, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *name = NULL;

    va_start(ap, fmt);
    name = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return virTestDataPath(subdir, name);
}

static gint
virTestCompareStrings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GStrv
virTestListStems(const char *dir, const char *suffix, GError **error)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, error);
    g_autoptr(GPtrArray) stems = NULL;
    const char *name;

    if (!d)
        return NULL;
    stems = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, suffix))
            g_ptr_array_add(stems, g_strndup(name, strlen(name) - strlen(suffix)));
    }
    g_ptr_array_sort(stems, virTestCompareStrings);
    g_ptr_array_add(stems, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&stems), FALSE);
}

char *
virTestLoadFile(const char *path)
{
    char *content = NULL;
    g_autoptr(GError) err = NULL;

    virTestUseFile(path);
    if (!g_file_get_contents(path, &content, NULL, &err)) {
        fprintf(stderr, "cannot load %s: %s\n", path, err->message);
        return NULL;
    }
    return content;
}

int
virTestDifference(const char *expect, const char *actual, const char *path)
{
    g_auto(GStrv) el = g_strsplit(expect, "\n", -1);
    g_auto(GStrv) al = g_strsplit(actual, "\n", -1);
    size_t i;

    fprintf(stderr, "Mismatch against %s\n", path);
    if (!virTestDebug()) {
        fprintf(stderr, "(set VIR_TEST_DEBUG=1 for the difference, "
                "VIR_TEST_REGENERATE_OUTPUT=1 to rewrite)\n");
        return -1;
    }
    /* print every line from the first difference on, expected then actual */
    for (i = 0; el[i] && al[i] && strcmp(el[i], al[i]) == 0; i++)
        ;
    fprintf(stderr, "first difference at line %zu\n", i + 1);
    for (size_t j = i; el[j]; j++)
        fprintf(stderr, "-%s\n", el[j]);
    for (size_t j = i; al[j]; j++)
        fprintf(stderr, "+%s\n", al[j]);
    return -1;
}

int
virTestCompareToFile(const char *actual, const char *path)
{
    g_autofree char *expect = NULL;
    g_autoptr(GError) err = NULL;

    virTestUseFile(path);
    if (virTestRegenerate()) {
        g_autofree char *dir = g_path_get_dirname(path);
        g_mkdir_with_parents(dir, 0755);
        if (!g_file_get_contents(path, &expect, NULL, NULL) ||
            strcmp(expect, actual) != 0) {
            if (!g_file_set_contents(path, actual, -1, &err)) {
                fprintf(stderr, "cannot write %s: %s\n", path, err->message);
                return -1;
            }
        }
        return 0;
    }
    if (!g_file_get_contents(path, &expect, NULL, &err)) {
        fprintf(stderr, "cannot load expected output %s: %s\n",
                path, err->message);
        return -1;
    }
    if (strcmp(expect, actual) != 0)
        return virTestDifference(expect, actual, path);
    return 0;
}

char *
virTestSanitizePaths(const char *str)
{
    g_autoptr(GString) s = g_string_new(str);

    g_string_replace(s, abs_srcdir, "ABS_SRCDIR", 0);
    return g_string_free(g_steal_pointer(&s), FALSE);
}

int
virTestCompareErrorToFile(const GError *err, const char *path)
{
    g_autofree char *msg = virTestSanitizePaths(err->message);
    g_autofree char *actual = g_strdup_printf("%s\n", msg);

    return virTestCompareToFile(actual, path);
}

char *
virTestToolPath(void)
{
    const char *tool = g_getenv("VIRT_VIOMMU");
    const char *builddir = g_getenv("abs_top_builddir");

    if (tool)
        return g_strdup(tool);
    if (builddir)
        return g_build_filename(builddir, "tools", "virt-viommu", NULL);
    return NULL;
}

int
virTestRunCommand(const char *const *argv, int status, const char *expectErr,
                  const char *outPath)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    int got = 0;

    if (!expectErr)
        expectErr = "";
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL,
                      NULL, &out, &err, &got, &gerr)) {
        fprintf(stderr, "cannot run %s: %s\n", argv[0], gerr->message);
        return -1;
    }
    if (!WIFEXITED(got) || WEXITSTATUS(got) != status) {
        fprintf(stderr, "exit status %d, expected %d; stderr: %s\n",
                WIFEXITED(got) ? WEXITSTATUS(got) : -1, status, err);
        return -1;
    }
    if (strcmp(err, expectErr) != 0)
        return virTestDifference(expectErr, err, "(stderr)");
    if (outPath)
        return virTestCompareToFile(out, outPath);
    if (*out)
        return virTestDifference("", out, "(stdout)");
    return 0;
}

static unsigned int
virTestCheckUnused(void)
{
    unsigned int unused = 0;
    size_t i;

    if (!dataDirs || testRangeStart)
        return 0;
    for (i = 0; i < dataDirs->len; i++) {
        g_auto(GStrv) dg = g_strsplit(dataDirs->pdata[i], "\n", 2);
        g_autoptr(GDir) dir = g_dir_open(dg[0], 0, NULL);
        g_autoptr(GPatternSpec) pat = g_pattern_spec_new(dg[1]);
        const char *name;

        if (!dir) {
            fprintf(stderr, "cannot open data directory %s\n", dg[0]);
            unused++;
            continue;
        }
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *path = g_build_filename(dg[0], name, NULL);
            g_autofree char *canon = g_canonicalize_filename(path, NULL);

            if (g_file_test(path, G_FILE_TEST_IS_DIR) ||
                !g_pattern_spec_match_string(pat, name) ||
                g_str_has_prefix(name, "README"))
                continue;
            if (!usedFiles || !g_hash_table_contains(usedFiles, canon)) {
                fprintf(stderr, "unused data file: %s\n", path);
                unused++;
            }
        }
    }
    return unused;
}

int
virTestMain(int argc, char **argv, int (*func)(void))
{
    int ret;
    unsigned int unused;
    g_autofree char *progname = g_path_get_basename(argv[0]);

    (void)argc;
    g_setenv("LC_ALL", "C", TRUE);
    virTestParseRange();
    ret = func();
    unused = virTestCheckUnused();
    if (unused) {
        fprintf(stderr, "%s: %u unused data file(s)\n", progname, unused);
        testFailed += unused;
    }
    if (testSkipped)
        printf("%s: %u passed, %u failed, %u skipped\n", progname, testPassed,
               testFailed, testSkipped);
    else
        printf("%s: %u passed, %u failed\n", progname, testPassed, testFailed);
    if (usedFiles)
        g_hash_table_unref(usedFiles);
    if (dataDirs)
        g_ptr_array_unref(dataDirs);
    return (ret == 0 && testFailed == 0) ? EXIT_SUCCESS : EXIT_FAILURE;
}
