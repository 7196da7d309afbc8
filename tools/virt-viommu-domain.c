/*
 * virt-viommu-domain.c: the commands that check a domain:
 *   validate, domxml-to-native, explain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>

#include "virt-viommu.h"
#include "qemu_command.h"
#include "qemu_domain_prepare.h"
#include "bridge_domain.h"
#include "qemu_opaque.h"
#include "qemu_viommu.h"

/* Say once, on stderr, what the command line leaves out: the parts of the
 * domain the model does not hold and the modeled devices the builder does
 * not express (libvirt would translate them). */
static void
vvWarnOpaque(const virDomainDef *def)
{
    g_auto(GStrv) parts = qemuDomainLeftOut(def);
    g_autofree char *joined = NULL;

    if (!parts[0])
        return;
    joined = g_strjoinv(", ", parts);
    fprintf(stderr, _("warning: the command line leaves out what virt-viommu does not model: %s\n"),
            joined);
}

int
vvCmdValidate(int argc, char **argv)
{
    g_auto(vvCheckArgs) args = { 0 };
    gboolean verbose = FALSE;
    GOptionEntry entries[] = {
        VV_CHECK_OPTIONS(&args),
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
          N_("say what was checked"), NULL },
        { NULL }
    };
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(GError) err = NULL;
    const char *path;

    if (!(path = vvParseOneArgCommand("validate", "DOMAIN.xml", "DOMAIN.xml", entries,
                                      &args, &opts, &argc, &argv)))
        return VIRT_VIOMMU_EXIT_ENV;
    if (!(prep = qemuDomainPrepareFile(path, &opts, &err)))
        return vvReportError(err);
    if (verbose)
        printf(_("%s: valid for QEMU %s (%s); %zu assigned device(s) checked against the host\n"),
               path, virQEMUCapsGetVersionString(prep->caps),
               virQEMUCapsGetArch(prep->caps), prep->def->nhostdevs);
    return VIRT_VIOMMU_EXIT_OK;
}

/* domxml-to-native --connect: the connected libvirt builds the whole
 * command line of the domain converted for it (nothing is left out) */
static int
vvDomxmlToNativeConnect(const char *uri, const char *path,
                        const qemuDomainPrepareOptions *opts)
{
    g_autoptr(bridgeConn) conn = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *native = NULL;

    if (!(xml = virXMLReadFile(path, &err)) ||
        !(conn = bridgeConnOpen(uri, &err)) ||
        !(native = bridgeDomainToNative(conn, xml, path, opts, &err)))
        return vvReportError(err);
    printf("%s\n", g_strchomp(native));
    return VIRT_VIOMMU_EXIT_OK;
}

int
vvCmdDomxmlToNative(int argc, char **argv)
{
    g_auto(vvCheckArgs) args = { 0 };
    g_autofree char *uri = NULL;
    GOptionEntry entries[] = {
        { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
          N_("ask this libvirt for the whole command line of the converted domain"),
          N_("URI") },
        VV_CHECK_OPTIONS(&args),
        { NULL }
    };
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(qemuCommandLine) cmd = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *line = NULL;
    const char *path;

    if (!(path = vvParseOneArgCommand("domxml-to-native", "DOMAIN.xml", "DOMAIN.xml", entries,
                                      &args, &opts, &argc, &argv)))
        return VIRT_VIOMMU_EXIT_ENV;
    if (uri)
        return vvDomxmlToNativeConnect(uri, path, &opts);
    if (!(prep = qemuDomainPrepareFile(path, &opts, &err)) ||
        !(cmd = qemuBuildCommandLine(prep->def, prep->caps, &err)))
        return vvReportError(err);
    line = qemuCommandLineToString(cmd);
    printf("%s\n", line);
    vvWarnOpaque(prep->def);
    return VIRT_VIOMMU_EXIT_OK;
}

int
vvCmdExplain(int argc, char **argv)
{
    g_auto(vvCheckArgs) args = { 0 };
    gboolean json = FALSE;
    GOptionEntry entries[] = {
        VV_CHECK_OPTIONS(&args),
        { "json", 0, 0, G_OPTION_ARG_NONE, &json,
          N_("print JSON"), NULL },
        { NULL }
    };
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(qemuViommuExplanation) expl = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;
    const char *path;

    if (!(path = vvParseOneArgCommand("explain", "DOMAIN.xml", "DOMAIN.xml", entries,
                                      &args, &opts, &argc, &argv)))
        return VIRT_VIOMMU_EXIT_ENV;
    /* the host verdicts are part of the answer, not a reason to stop */
    opts.skipHost = true;
    if (!(prep = qemuDomainPrepareFile(path, &opts, &err)))
        return vvReportError(err);
    if (prep->def->nhostdevs) {
        g_auto(GStrv) addrs = virDomainDefHostdevAddresses(prep->def);

        if (!(host = qemuDomainPrepareHost(&opts, (const char *const *)addrs, &err)))
            return vvReportError(err);
    }
    expl = qemuViommuExplain(prep->def, prep->caps, host);
    out = json ? qemuViommuExplanationFormatJSON(expl) :
                      qemuViommuExplanationFormatText(expl);
    vvPrint(out);
    return VIRT_VIOMMU_EXIT_OK;
}
