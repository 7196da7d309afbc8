/*
 * fuzz-replay.c: run a harness over saved inputs, without libFuzzer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Linked with one harness (LLVMFuzzerTestOneInput), in every build, this
 * is the normal test that replays the seed corpora and every regression
 * input in tests/fuzz/regress/HARNESS/: an input that once crashed or
 * broke an invariant must now pass (a failure aborts the program).
 *
 *   fuzz-replay-NAME [--match GLOB] FILE|DIR...
 *
 * Directories are walked recursively; with --match only files whose name
 * matches GLOB are run (every file of a regress directory is always run).
 * Ends with "NAME: N passed, 0 failed" like the other test programs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutils.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t virFuzzReplayed;

static void
virFuzzReplayFile(const char *path)
{
    g_autofree char *data = NULL;
    g_autoptr(GError) err = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "cannot read %s: %s\n", path, err->message);
        exit(EXIT_FAILURE);
    }
    if (g_getenv("VIR_TEST_DEBUG"))
        fprintf(stderr, "replay %s\n", path);
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    virFuzzReplayed++;
}

static void
virFuzzReplayPath(const char *path, GPatternSpec *match)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = NULL;
    const char *name;
    size_t i;

    /* host trees link back into themselves: never follow a link */
    if (g_file_test(path, G_FILE_TEST_IS_SYMLINK))
        return;
    /* a harness without regression inputs yet has no directory */
    if (!g_file_test(path, G_FILE_TEST_EXISTS) && strstr(path, "/regress/"))
        return;
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_autofree char *base = g_path_get_basename(path);

        if (!match || g_pattern_spec_match_string(match, base))
            virFuzzReplayFile(path);
        return;
    }
    if (!(dir = g_dir_open(path, 0, NULL))) {
        fprintf(stderr, "cannot open directory %s\n", path);
        exit(EXIT_FAILURE);
    }
    /* sorted, so that a failure is reproducible in the same order */
    names = g_ptr_array_new_with_free_func(g_free);
    while ((name = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_ptr_array_sort(names, (GCompareFunc)virFuzzCompareStrPtr);
    for (i = 0; i < names->len; i++)
        virFuzzReplayPath(g_ptr_array_index(names, i), match);
}

int
main(int argc, char **argv)
{
    g_autofree char *prog = g_path_get_basename(argv[0]);
    g_autoptr(GPatternSpec) match = NULL;
    int i = 1;

    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    if (argc > 2 && g_str_equal(argv[1], "--match")) {
        match = g_pattern_spec_new(argv[2]);
        i = 3;
    }
    for (; i < argc; i++) {
        /* regression inputs have no suffix to match */
        if (strstr(argv[i], "/regress/"))
            virFuzzReplayPath(argv[i], NULL);
        else
            virFuzzReplayPath(argv[i], match);
    }
    if (virFuzzReplayed == 0) {
        fprintf(stderr, "%s: no input replayed\n", prog);
        return EXIT_FAILURE;
    }
    printf("%s: %zu passed, 0 failed\n", prog, virFuzzReplayed);
    return EXIT_SUCCESS;
}
