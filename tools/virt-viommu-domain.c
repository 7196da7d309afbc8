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
#include "qemu_viommu.h"

typedef struct {
    char *hostFile;
    char *hostRoot;
    char *qemuCaps;
    char *emulator;
    gboolean deep;
    gboolean verbose;
    gboolean json;
} vvCheckArgs;

static void
vvCheckArgsClear(vvCheckArgs *args)
{
    g_free(args->hostFile);
    g_free(args->hostRoot);
    g_free(args->qemuCaps);
    g_free(args->emulator);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vvCheckArgs, vvCheckArgsClear);

#define VV_CHECK_OPTIONS(a) \
    { "host", 0, 0, G_OPTION_ARG_FILENAME, &(a)->hostFile, \
      N_("use a saved host-caps document instead of probing"), N_("FILE") }, \
    { "host-root", 0, 0, G_OPTION_ARG_FILENAME, &(a)->hostRoot, \
      N_("probe a captured host tree (DIR/sys, DIR/dev, DIR/proc/cmdline)"), N_("DIR") }, \
    { "deep", 0, 0, G_OPTION_ARG_NONE, &(a)->deep, \
      N_("bind devices through iommufd and ask IOMMU_GET_HW_INFO"), NULL }, \
    { "qemu-caps", 0, 0, G_OPTION_ARG_FILENAME, &(a)->qemuCaps, \
      N_("use a saved QEMU capabilities document"), N_("FILE") }, \
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &(a)->emulator, \
      N_("probe this QEMU binary (default: the domain's <emulator>)"), N_("PATH") }

static void
vvCheckArgsToOptions(const vvCheckArgs *args, qemuDomainPrepareOptions *opts)
{
    opts->hostFile = args->hostFile;
    opts->hostRoot = args->hostRoot;
    opts->deep = args->deep;
    opts->qemuCapsFile = args->qemuCaps;
    opts->emulator = args->emulator;
}

/* Parse the options of a command taking exactly one DOMAIN.xml. */
static const char *
vvParseDomainCommand(const char *cmd, GOptionEntry *entries, int *argc, char ***argv)
{
    if (!vvParseOptions(cmd, "DOMAIN.xml", entries, argc, argv))
        return NULL;
    if (*argc != 2) {
        vvUsageError(_("%s takes exactly one DOMAIN.xml argument"), cmd);
        return NULL;
    }
    return (*argv)[1];
}

int
vvCmdValidate(int argc, char **argv)
{
    g_auto(vvCheckArgs) args = { 0 };
    GOptionEntry entries[] = {
        VV_CHECK_OPTIONS(&args),
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &args.verbose,
          N_("say what was checked"), NULL },
        { NULL }
    };
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(GError) err = NULL;
    const char *path;

    if (!(path = vvParseDomainCommand("validate", entries, &argc, &argv)))
        return VIRT_VIOMMU_EXIT_ENV;
    vvCheckArgsToOptions(&args, &opts);
    if (!(prep = qemuDomainPrepareFile(path, &opts, &err)))
        return vvReportError(err);
    if (args.verbose)
        printf(_("%s: valid for QEMU %s (%s); %zu assigned device(s) checked against the host\n"),
               path, virQEMUCapsGetVersionString(prep->caps),
               virQEMUCapsGetArch(prep->caps), prep->def->nhostdevs);
    return VIRT_VIOMMU_EXIT_OK;
}

int
vvCmdDomxmlToNative(int argc, char **argv)
{
    g_auto(vvCheckArgs) args = { 0 };
    GOptionEntry entries[] = {
        VV_CHECK_OPTIONS(&args),
        { NULL }
    };
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(qemuCommandLine) cmd = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *line = NULL;
    const char *path;

    if (!(path = vvParseDomainCommand("domxml-to-native", entries, &argc, &argv)))
        return VIRT_VIOMMU_EXIT_ENV;
    vvCheckArgsToOptions(&args, &opts);
    if (!(prep = qemuDomainPrepareFile(path, &opts, &err)) ||
        !(cmd = qemuBuildCommandLine(prep->def, prep->caps, &err)))
        return vvReportError(err);
    line = qemuCommandLineToString(cmd);
    printf("%s\n", line);
    return VIRT_VIOMMU_EXIT_OK;
}

int
vvCmdExplain(int argc, char **argv)
{
    g_auto(vvCheckArgs) args = { 0 };
    GOptionEntry entries[] = {
        VV_CHECK_OPTIONS(&args),
        { "json", 0, 0, G_OPTION_ARG_NONE, &args.json,
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
    size_t i;

    if (!(path = vvParseDomainCommand("explain", entries, &argc, &argv)))
        return VIRT_VIOMMU_EXIT_ENV;
    vvCheckArgsToOptions(&args, &opts);
    /* the host verdicts are part of the answer, not a reason to stop */
    opts.skipHost = true;
    if (!(prep = qemuDomainPrepareFile(path, &opts, &err)))
        return vvReportError(err);
    if (prep->def->nhostdevs) {
        g_autoptr(GPtrArray) addrs = g_ptr_array_new_with_free_func(g_free);
        for (i = 0; i < prep->def->nhostdevs; i++)
            g_ptr_array_add(addrs, virPCIDeviceAddressAsString(&prep->def->hostdevs[i]->source));
        g_ptr_array_add(addrs, NULL);
        if (!(host = qemuDomainPrepareHost(&opts, (const char *const *)addrs->pdata, &err)))
            return vvReportError(err);
    }
    expl = qemuViommuExplain(prep->def, prep->caps, host);
    out = args.json ? qemuViommuExplanationFormatJSON(expl) :
                      qemuViommuExplanationFormatText(expl);
    vvPrint(out);
    return VIRT_VIOMMU_EXIT_OK;
}
