/*
 * testutils.h: data-driven test harness in libvirt's style
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Environment:
 *   VIR_TEST_REGENERATE_OUTPUT=1  rewrite expected files from actual output
 *   VIR_TEST_DEBUG=1              print a diff for each failure
 *   VIR_TEST_RANGE=N[-M]          only run tests N..M (1-based)
 *
 * A test program registers the data directories it reads; at the end every
 * file in them that no test opened (virTestUseFile) is reported as an
 * unused data file and fails the program.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#define abs_srcdir (g_getenv("abs_srcdir") ? g_getenv("abs_srcdir") : ABS_SRCDIR)

typedef int (*virTestFunc)(const void *opaque);

/* Run one test case; returns 0 on pass, -1 on failure. */
/* A body that cannot run here returns VIR_TEST_SKIP: counted and printed
 * as skipped, never as passed */
#define VIR_TEST_SKIP 77
int virTestRun(const char *title, virTestFunc body, const void *data);

/* Print "N passed, N failed" (and unused-file failures), return exit code */
int virTestMain(int argc, char **argv, int (*func)(void));

bool virTestRegenerate(void);
bool virTestDebug(void);
/* Whether the program runs under valgrind ('meson test --setup valgrind'
 * sets VIR_TEST_VALGRIND=1): cases whose expected outcome depends on which
 * of two processes gets there first are left out there, because valgrind
 * slows one side by a factor of 20 to 50. */
bool virTestUnderValgrind(void);

/* Remember that @path is used by a test (for the unused-file check). */
void virTestUseFile(const char *path);
/* Files in @dir whose names match @glob (NULL = all) must be used. */
void virTestRegisterDataDir(const char *dir, const char *glob);

/* Compare @actual with the contents of @path. With regenerate on, write it
 * instead (creating the file). The file is marked used. */
int virTestCompareToFile(const char *actual, const char *path);

/* Report a mismatch with a unified-ish diff in debug mode */
int virTestDifference(const char *expect, const char *actual,
                      const char *path);

/* Compare the message of @err, plus a newline and with abs_srcdir written
 * as "ABS_SRCDIR", with the expected-error file @path (regenerated like
 * virTestCompareToFile) */
int virTestCompareErrorToFile(const GError *err, const char *path);

/* The virt-viommu binary under test: $VIRT_VIOMMU, else the build tree's
 * ($abs_top_builddir/tools/virt-viommu); NULL when neither is set.
 * Caller frees. */
char *virTestToolPath(void);

/* Run the program @argv (NULL-terminated, argv[0] a path) and check what
 * it did: exit status @status, standard error exactly @expectErr (NULL:
 * empty) and standard output the content of @outPath (virTestCompareToFile)
 * or, when @outPath is NULL, empty. */
int virTestRunCommand(const char *const *argv, int status,
                      const char *expectErr, const char *outPath);

/* Load a file's content (marks it used); NULL + message on failure */
char *virTestLoadFile(const char *path);

/* Absolute path of a data file: abs_srcdir/@subdir/@name */
char *virTestDataPath(const char *subdir, const char *name);
/* The same with the file name given as a format: ("data", "%s.err", name) */
char *virTestDataPathFormat(const char *subdir, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* The names of the files in @dir that end in @suffix, without the suffix,
 * sorted (strcmp): the stems of the cases a data directory holds. NULL
 * with @error when @dir cannot be read. */
GStrv virTestListStems(const char *dir, const char *suffix, GError **error);

/* Replace every occurrence of @abs_srcdir in @str with "ABS_SRCDIR" */
char *virTestSanitizePaths(const char *str);
