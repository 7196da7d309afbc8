/*
 * virt-viommu-domcaps.c: "virt-viommu domcapabilities", which vIOMMU
 *                        models, nesting and PASID widths this QEMU and
 *                        this host allow, per assignable device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>

#include "domain_capabilities.h"
#include "qemu_domain_prepare.h"
#include "qemu_domcaps.h"
#include "virt-viommu.h"

typedef struct {
    vvCheckArgs check;
    char *arch;
    char *machine;
    GStrv devices;
} vvDomcapsArgs;

static void
vvDomcapsArgsClear(vvDomcapsArgs *args)
{
    vvCheckArgsClear(&args->check);
    g_free(args->arch);
    g_free(args->machine);
    g_strfreev(args->devices);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vvDomcapsArgs, vvDomcapsArgsClear);

int
vvCmdDomcapabilities(int argc, char **argv)
{
    g_auto(vvDomcapsArgs) args = { 0 };
    GOptionEntry entries[] = {
        VV_CHECK_OPTIONS(&args.check),
        { "arch", 0, 0, G_OPTION_ARG_STRING, &args.arch,
          N_("guest architecture (default: the emulator's)"), N_("ARCH") },
        { "machine", 0, 0, G_OPTION_ARG_STRING, &args.machine,
          N_("machine type (default: q35 on x86_64, virt on aarch64)"), N_("NAME") },
        { "device", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &args.devices,
          N_("report this PCI device (DDDD:BB:SS.F); may be repeated. Default: every device bound to vfio-pci (with --host: every device of the document)"),
          N_("BDF") },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    qemuDomainPrepareOptions prep = { 0 };
    qemuDomainCapsOptions opts = { 0 };
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(virDomainCaps) doc = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;

    if (!vvParseOptions("domcapabilities", NULL, entries, &argc, &argv))
        return VIRT_VIOMMU_EXIT_ENV;
    if (argc > 1)
        return vvUsageError(_("unexpected argument '%1$s'"), argv[1]);
    if (!vvCheckArgsValid(&args.check))
        return VIRT_VIOMMU_EXIT_ENV;

    vvCheckArgsToOptions(&args.check, &prep);
    opts.arch = args.arch;
    opts.machine = args.machine;
    opts.devices = (const char *const *)args.devices;

    if (!(caps = qemuDomainPrepareCaps(&prep, NULL, args.arch, &err)) ||
        !(host = qemuDomainPrepareHost(&prep, opts.devices, &err)) ||
        !(doc = qemuDomainCapsBuild(caps, host, &opts, &err)))
        return vvReportError(err);

    xml = virDomainCapsFormat(doc);
    vvPrint(xml);
    return VIRT_VIOMMU_EXIT_OK;
}
