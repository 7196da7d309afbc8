/*
 * virt-viommu-common.c: what the virt-viommu commands share: error and
 *   usage reporting, option parsing, the checking options, standard input
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Linked into virt-viommu and into virt-viommu-hook-check, which must not
 * pull in libvirt's library: nothing here may call the bridge's libvirt
 * half.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "virt-viommu.h"

int
vvReportError(const GError *err)
{
    fprintf(stderr, "error: %s\n", err->message);
    if (err->domain != VIR_ERROR)
        return VIRT_VIOMMU_EXIT_ENV;
    switch ((virErrorNumber)err->code) {
    case VIR_ERR_XML_ERROR:
    case VIR_ERR_XML_DETAIL:
    case VIR_ERR_CONFIG_UNSUPPORTED:
    case VIR_ERR_XML_INVALID_SCHEMA:
    case VIR_ERR_OPERATION_UNSUPPORTED:
        return VIRT_VIOMMU_EXIT_INVALID;
    default:
        return VIRT_VIOMMU_EXIT_ENV;
    }
}

int
vvUsageError(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "error: %s\n", msg);
    fprintf(stderr, _("Try 'virt-viommu --help'.\n"));
    return VIRT_VIOMMU_EXIT_ENV;
}

bool
vvParseOptions(const char *cmd, const char *params, GOptionEntry *entries,
               int *argc, char ***argv)
{
    g_autoptr(GOptionContext) ctx = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *prgname = g_strdup_printf("virt-viommu %s", cmd);

    /* "Usage: virt-viommu CMD [OPTION...] PARAMS" */
    g_set_prgname(prgname);
    ctx = g_option_context_new(params);
    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(ctx, argc, argv, &err)) {
        vvUsageError("%s", err->message);
        return false;
    }
    return true;
}

void
vvCheckArgsClear(vvCheckArgs *args)
{
    g_free(args->hostFile);
    g_free(args->hostRoot);
    g_free(args->qemuCaps);
    g_free(args->emulator);
}

bool
vvCheckHostRoot(const char *root)
{
    if (!root)
        return true;
    /* '' would otherwise mean the real host, silently */
    if (!*root) {
        vvUsageError(_("--host-root must name a directory, not an empty string"));
        return false;
    }
    if (!g_file_test(root, G_FILE_TEST_IS_DIR)) {
        vvUsageError(_("--host-root '%1$s' is not a directory"), root);
        return false;
    }
    return true;
}

bool
vvCheckArgsValid(const vvCheckArgs *args)
{
    if (args->hostFile && (args->hostRoot || args->deep)) {
        vvUsageError(_("--host cannot be combined with --host-root or --deep"));
        return false;
    }
    if (!vvCheckHostRoot(args->hostRoot))
        return false;
    if (args->qemuCaps && args->emulator) {
        vvUsageError(_("--qemu-caps cannot be combined with --emulator"));
        return false;
    }
    return true;
}

void
vvCheckArgsToOptions(const vvCheckArgs *args, qemuDomainPrepareOptions *opts)
{
    opts->hostFile = args->hostFile;
    opts->hostRoot = args->hostRoot;
    opts->deep = args->deep;
    opts->qemuCapsFile = args->qemuCaps;
    opts->emulator = args->emulator;
}

const char *
vvParseOneArgCommand(const char *cmd, const char *params, const char *argName,
                     GOptionEntry *entries, const vvCheckArgs *args,
                     qemuDomainPrepareOptions *opts, int *argc, char ***argv)
{
    if (!vvParseOptions(cmd, params, entries, argc, argv) ||
        !vvCheckArgsValid(args))
        return NULL;
    if (*argc != 2) {
        vvUsageError(_("%1$s takes exactly one %2$s argument"), cmd, argName);
        return NULL;
    }
    vvCheckArgsToOptions(args, opts);
    return (*argv)[1];
}

void
vvPrint(const char *text)
{
    fputs(text, stdout);
    fflush(stdout);
}

/* The whole of standard input */
char *
vvReadStdin(GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    char chunk[65536];
    size_t n;

    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        g_string_append_len(buf, chunk, n);
        if (buf->len > 64 * 1024 * 1024) {
            virReportError(error, VIR_ERR_XML_ERROR, "%s",
                           _("the domain XML on standard input is larger than 64 MiB"));
            return NULL;
        }
    }
    if (ferror(stdin)) {
        virReportError(error, VIR_ERR_OPERATION_FAILED, "%s",
                       _("cannot read the domain XML from standard input"));
        return NULL;
    }
    return g_string_free(g_steal_pointer(&buf), FALSE);
}
