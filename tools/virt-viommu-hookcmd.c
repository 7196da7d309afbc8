/*
 * virt-viommu-hookcmd.c: the check of the libvirt QEMU hook ("virt-viommu
 *   hook", and the virt-viommu-hook-check program the hook runs)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>

#include "virt-viommu.h"
#include "bridge_convert.h"

/* libvirt runs "HOOK NAME OPERATION SUB-OPERATION EXTRA" with the domain
 * XML on standard input. Only "prepare begin" of a domain that carries
 * our metadata is checked; everything else passes untouched. */
int
vvCmdHook(int argc, char **argv)
{
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;

    if (argc < 4)
        return vvUsageError(_("%s takes NAME OPERATION SUB-OPERATION [EXTRA]"), "hook");
    if (!g_str_equal(argv[2], "prepare") || !g_str_equal(argv[3], "begin"))
        return VIRT_VIOMMU_EXIT_OK;
    if (!(xml = vvReadStdin(&err)))
        return vvReportError(err);
    if (!bridgeHasMetadata(xml))
        return VIRT_VIOMMU_EXIT_OK;
    /* libvirt defined this XML; the extension comes back from our metadata
     * and is checked by the parser and the validators */
    opts.libvirtAccepted = true;
    if (bridgeDomainCheck(xml, argv[1], &opts, &err) < 0)
        return vvReportError(err);
    return VIRT_VIOMMU_EXIT_OK;
}
