/*
 * virt-viommu.c: command dispatcher of the virt-viommu tool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "virt-viommu.h"

static const vvCommand commands[] = {
    /* one entry per command; each command lives in its own file */
    { "validate", vvCmdValidate,
      N_("check a domain against its schema, QEMU and the host") },
    { "domxml-to-native", vvCmdDomxmlToNative,
      N_("check a domain, then print its QEMU command line") },
    { "explain", vvCmdExplain,
      N_("show the vIOMMU and HWPT flags of each assigned device and the host verdict") },
    { "hostcaps", vvCmdHostcaps,
      N_("print the host IOMMU capabilities document") },
    { "qemucaps", vvCmdQemucaps,
      N_("print the capabilities of a QEMU binary as a document --qemu-caps can replay") },
    { "domcapabilities", vvCmdDomcapabilities,
      N_("which vIOMMU models, nesting and PASID widths this QEMU and host allow, per device") },
    { "define", vvCmdDefine,
      N_("check a domain, then define it on a libvirt connection") },
    { "dumpxml", vvCmdDumpxml,
      N_("print a domain defined through virt-viommu as the user wrote it") },
    { "start", vvCmdStart,
      N_("check a defined domain against this host, then start it") },
    { "hook", vvCmdHook,
      N_("libvirt QEMU hook: refuse to start a domain that fails the checks") },
    { NULL, NULL, NULL },
};

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

void
vvPrint(const char *text)
{
    fputs(text, stdout);
    fflush(stdout);
}

static void
vvUsage(FILE *out)
{
    size_t i;

    fprintf(out, _("Usage: virt-viommu COMMAND [OPTION...] [ARG...]\n\nCommands:\n"));
    for (i = 0; commands[i].name; i++)
        fprintf(out, "  %-18s %s\n", commands[i].name, _(commands[i].summary));
    fprintf(out, _("\n'virt-viommu COMMAND --help' describes the options of a command.\n"));
}

int
main(int argc, char **argv)
{
    size_t i;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    if (argc < 2)
        return vvUsageError(_("missing command"));
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        vvUsage(stdout);
        return VIRT_VIOMMU_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("virt-viommu %s\n", VERSION);
        return VIRT_VIOMMU_EXIT_OK;
    }
    for (i = 0; commands[i].name; i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].func(argc - 1, argv + 1);
    }
    return vvUsageError(_("unknown command '%s'"), argv[1]);
}
