/*
 * virt-viommu-host.c: "virt-viommu hostcaps", the host IOMMU capabilities
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>

#include "hostiommu_conf.h"
#include "virhostiommu.h"
#include "virt-viommu.h"

int
vvCmdHostcaps(int argc, char **argv)
{
    g_auto(GStrv) devices = NULL;
    gboolean deep = FALSE;
    g_autofree char *root = NULL;
    g_autofree char *hostFile = NULL;
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    GOptionEntry entries[] = {
        { "device", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &devices,
          N_("report this PCI device (DDDD:BB:SS.F); may be repeated. Default: every device bound to vfio-pci"),
          N_("BDF") },
        { "deep", 0, 0, G_OPTION_ARG_NONE, &deep,
          N_("bind each VFIO device through iommufd and ask IOMMU_GET_HW_INFO (needs root; the device must not be in use)"),
          NULL },
        { "host-root", 0, 0, G_OPTION_ARG_FILENAME, &root,
          N_("probe the captured host tree DIR (DIR/sys, DIR/dev, DIR/proc/cmdline) instead of this host"),
          N_("DIR") },
        { "host", 0, 0, G_OPTION_ARG_FILENAME, &hostFile,
          N_("validate and print a saved host capabilities document instead of probing"),
          N_("FILE") },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };

    if (!vvParseOptions("hostcaps", NULL, entries, &argc, &argv))
        return VIRT_VIOMMU_EXIT_ENV;
    if (argc > 1)
        return vvUsageError(_("unexpected argument '%1$s'"), argv[1]);
    if (hostFile && (root || deep || devices))
        return vvUsageError(_("--host cannot be combined with --host-root, --deep or --device"));
    if (!vvCheckHostRoot(root))
        return VIRT_VIOMMU_EXIT_ENV;

    if (hostFile)
        host = virHostIOMMUParseFile(hostFile, &err);
    else
        host = virHostIOMMUProbe(root, (const char *const *)devices, deep, &err);
    if (!host)
        return vvReportError(err);

    xml = virHostIOMMUFormat(host);
    vvPrint(xml);
    return VIRT_VIOMMU_EXIT_OK;
}
