/*
 * virt-viommu-bridge.c: the commands that work through a libvirt
 *   connection: define, dumpxml, start, and the libvirt QEMU hook
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>

#include "virt-viommu.h"
#include "bridge_domain.h"
#include "bridge_convert.h"

int
vvCmdDefine(int argc, char **argv)
{
    g_auto(vvCheckArgs) args = { 0 };
    g_autofree char *uri = NULL;
    gboolean printXML = FALSE;
    GOptionEntry entries[] = {
        VV_CONNECT_OPTION(&uri),
        { "print-xml", 0, 0, G_OPTION_ARG_NONE, &printXML,
          N_("print the converted domain instead of defining it"), NULL },
        VV_CHECK_OPTIONS(&args),
        { NULL }
    };
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(bridgeConn) conn = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *out = NULL;
    const char *path;

    if (!(path = vvParseOneArgCommand("define", "DOMAIN.xml|-", "DOMAIN.xml", entries,
                                      &args, &opts, &argc, &argv)))
        return VIRT_VIOMMU_EXIT_ENV;
    xml = g_str_equal(path, "-") ? vvReadStdin(&err) : virXMLReadFile(path, &err);
    if (!xml || !(conn = bridgeConnOpen(uri, &err)))
        return vvReportError(err);
    if (printXML) {
        if (!(out = bridgeDomainConvert(conn, xml, path, &opts, &err)))
            return vvReportError(err);
        vvPrint(out);
        return VIRT_VIOMMU_EXIT_OK;
    }
    if (!(out = bridgeDomainDefine(conn, xml, path, &opts, &err)))
        return vvReportError(err);
    printf(_("Domain '%s' defined from %s\n"), out, path);
    return VIRT_VIOMMU_EXIT_OK;
}

int
vvCmdDumpxml(int argc, char **argv)
{
    g_auto(vvCheckArgs) args = { 0 };
    g_autofree char *uri = NULL;
    gboolean inactive = FALSE;
    GOptionEntry entries[] = {
        VV_CONNECT_OPTION(&uri),
        { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive,
          N_("the definition, not the running domain's XML"), NULL },
        VV_CHECK_OPTIONS(&args),
        { NULL }
    };
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(bridgeConn) conn = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_auto(GStrv) orphans = NULL;
    const char *name;
    size_t i;

    if (!(name = vvParseOneArgCommand("dumpxml", "NAME", "NAME", entries,
                                      &args, &opts, &argc, &argv)))
        return VIRT_VIOMMU_EXIT_ENV;
    if (!(conn = bridgeConnOpen(uri, &err)) ||
        !(xml = bridgeDomainDumpXML(conn, name, inactive, &opts, &err)))
        return vvReportError(err);
    vvPrint(xml);
    /* reported, not hidden: the metadata of a bridge-defined vIOMMU is gone */
    orphans = bridgeOrphanOverrides(xml);
    for (i = 0; orphans[i]; i++)
        fprintf(stderr, _("warning: the device '%1$s' carries a <qemu:override> like the ones 'virt-viommu define' writes, but the domain has no virt-viommu metadata: if it was defined through virt-viommu, the metadata was removed (virsh edit?) and its extension attributes (nesting, PASID, vpasidCapOffset) cannot be given back; define the domain again with 'virt-viommu define'\n"),
                orphans[i]);
    return VIRT_VIOMMU_EXIT_OK;
}

int
vvCmdStart(int argc, char **argv)
{
    g_auto(vvCheckArgs) args = { 0 };
    g_autofree char *uri = NULL;
    GOptionEntry entries[] = {
        VV_CONNECT_OPTION(&uri),
        VV_CHECK_OPTIONS(&args),
        { NULL }
    };
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(bridgeConn) conn = NULL;
    g_autoptr(GError) err = NULL;
    const char *name;

    if (!(name = vvParseOneArgCommand("start", "NAME", "NAME", entries,
                                      &args, &opts, &argc, &argv)))
        return VIRT_VIOMMU_EXIT_ENV;
    if (!(conn = bridgeConnOpen(uri, &err)) ||
        bridgeDomainStart(conn, name, &opts, &err) < 0)
        return vvReportError(err);
    printf(_("Domain '%s' started\n"), name);
    return VIRT_VIOMMU_EXIT_OK;
}
