/*
 * virt-viommu-qemu.c: "virt-viommu qemucaps", the QEMU capabilities
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>

#include "qemu_capabilities.h"
#include "virt-viommu.h"

#define VV_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"

int
vvCmdQemucaps(int argc, char **argv)
{
    g_autofree char *emulator = NULL;
    g_autofree char *capsFile = NULL;
    g_autofree char *recordAs = NULL;
    gboolean noCache = FALSE;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    GOptionEntry entries[] = {
        { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &emulator,
          N_("probe this QEMU binary (default: /usr/bin/qemu-system-x86_64)"),
          N_("PATH") },
        { "qemu-caps", 0, 0, G_OPTION_ARG_FILENAME, &capsFile,
          N_("read a saved QEMU capabilities document instead of probing, check it and print it"),
          N_("FILE") },
        { "no-cache", 0, 0, G_OPTION_ARG_NONE, &noCache,
          N_("probe the binary even if the cache holds a current document, and leave the cache alone"),
          NULL },
        { "record-as", 0, 0, G_OPTION_ARG_FILENAME, &recordAs,
          N_("write PATH as the emulator in the document (e.g. for a binary run through a chroot wrapper)"),
          N_("PATH") },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };

    if (!vvParseOptions("qemucaps", NULL, entries, &argc, &argv))
        return VIRT_VIOMMU_EXIT_ENV;
    if (argc > 1)
        return vvUsageError(_("unexpected argument '%1$s'"), argv[1]);
    if (capsFile && (emulator || noCache))
        return vvUsageError(_("--qemu-caps cannot be combined with --emulator or --no-cache"));

    if (capsFile) {
        caps = virQEMUCapsParseFile(capsFile, &err);
    } else {
        const char *binary = emulator ? emulator : VV_DEFAULT_EMULATOR;

        if (noCache)
            caps = virQEMUCapsProbe(binary, &err);
        else
            caps = virQEMUCapsCacheLookup(binary, NULL, &err);
    }
    if (!caps)
        return vvReportError(err);

    if (recordAs)
        virQEMUCapsSetBinary(caps, recordAs);
    xml = virQEMUCapsFormat(caps);
    vvPrint(xml);
    return VIRT_VIOMMU_EXIT_OK;
}
