/*
 * virt-viommu.c: command dispatcher of the virt-viommu tool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <locale.h>
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
