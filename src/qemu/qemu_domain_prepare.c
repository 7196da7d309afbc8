/*
 * qemu_domain_prepare.c: the checking pipeline shared by every command
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>

#include "qemu_domain_prepare.h"
#include "qemu_postparse.h"
#include "qemu_validate.h"
#include "qemu_viommu.h"
#include "hostiommu_conf.h"
#include "domain_limits.h"
#include "virxml.h"

void
qemuPreparedDomainFree(qemuPreparedDomain *prep)
{
    if (!prep)
        return;
    virDomainDefFree(prep->def);
    virQEMUCapsFree(prep->caps);
    virHostIOMMUFree(prep->host);
    g_free(prep);
}

/* Where the system keeps its QEMU binaries (docs/security.md) */
static const char *const qemuDomainSystemEmulatorDirs[] = {
    "/usr/bin", "/usr/libexec", NULL,
};

/* A binary that the user did not name on the command line (the domain's
 * <emulator>, or the default for the domain's architecture) is run only
 * when it resolves (all links followed) to a file directly in one of the
 * system's QEMU directories and is called qemu-system-* or qemu-kvm.
 * Checking a document must never run a program the document chose.
 * Returns the resolved path, which is what gets probed. */
char *
qemuDomainPrepareSystemEmulator(const char *binary, GError **error)
{
    g_autofree char *real = realpath(binary, NULL);
    g_autofree char *dir = NULL;
    g_autofree char *base = NULL;

    if (real) {
        dir = g_path_get_dirname(real);
        base = g_path_get_basename(real);
        if (g_strv_contains(qemuDomainSystemEmulatorDirs, dir) &&
            (g_str_has_prefix(base, "qemu-system-") || g_str_equal(base, "qemu-kvm")))
            return g_steal_pointer(&real);
    }
    virReportError(error, VIR_ERR_OPERATION_INVALID,
                   _("refusing to run emulator '%1$s' chosen by the domain: without --emulator or --qemu-caps only a qemu-system-* or qemu-kvm binary in /usr/bin or /usr/libexec is probed; give --emulator PATH or --qemu-caps FILE"),
                   binary);
    return NULL;
}

virQEMUCaps *
qemuDomainPrepareCaps(const qemuDomainPrepareOptions *opts,
                      const char *fallbackEmulator, const char *arch,
                      GError **error)
{
    g_autofree char *binary = NULL;
    g_autofree char *system = NULL;

    if (opts->qemuCapsFile)
        return virQEMUCapsParseFile(opts->qemuCapsFile, error);
    if (opts->emulator)
        return virQEMUCapsCacheLookup(opts->emulator, opts->cacheDir, error);
    if (fallbackEmulator)
        binary = g_strdup(fallbackEmulator);
    else
        binary = g_strdup_printf("/usr/bin/qemu-system-%s", virQEMUCapsArchBinaryName(arch));
    if (!(system = qemuDomainPrepareSystemEmulator(binary, error)))
        return NULL;
    return virQEMUCapsCacheLookup(system, opts->cacheDir, error);
}

virHostIOMMU *
qemuDomainPrepareHost(const qemuDomainPrepareOptions *opts,
                      const char *const *devices, GError **error)
{
    if (opts->hostFile)
        return virHostIOMMUParseFile(opts->hostFile, error);
    return virHostIOMMUProbe(opts->hostRoot, devices, opts->deep, error);
}

int
qemuDomainPrepareDef(virDomainDef *def, const virQEMUCaps *caps,
                     GError **error)
{
    if (qemuDomainDefPostParse(def, caps, error) < 0 ||
        qemuValidateDomainDef(def, caps, error) < 0)
        return -1;
    return 0;
}

qemuPreparedDomain *
qemuDomainPrepareString(const char *xml, const char *path,
                        const qemuDomainPrepareOptions *opts, GError **error)
{
    g_autoptr(qemuPreparedDomain) prep = g_new0(qemuPreparedDomain, 1);
    g_autoptr(xmlDoc) doc = NULL;
    g_auto(GStrv) addrs = NULL;

    /* The size limits first: nothing below (the parser with its schema
     * check) may see a document that would make it take minutes. */
    if (!(doc = virXMLParse(path, xml, "domain", error)) ||
        virDomainDefCheckLimits(xmlDocGetRootElement(doc), error) < 0 ||
        !(prep->def = virDomainDefParseNode(doc, xmlDocGetRootElement(doc),
                                            opts->libvirtAccepted ?
                                            VIR_DOMAIN_DEF_PARSE_SKIP_SCHEMA :
                                            VIR_DOMAIN_DEF_PARSE_NONE, error)))
        return NULL;

    if (!(prep->caps = qemuDomainPrepareCaps(opts, prep->def->emulator,
                                             prep->def->arch, error)) ||
        qemuDomainPrepareDef(prep->def, prep->caps, error) < 0)
        return NULL;

    if (opts->skipHost || prep->def->nhostdevs == 0)
        return g_steal_pointer(&prep);

    addrs = virDomainDefHostdevAddresses(prep->def);
    if (!(prep->host = qemuDomainPrepareHost(opts, (const char *const *)addrs, error)) ||
        qemuViommuValidateHost(prep->def, prep->host, error) < 0)
        return NULL;
    return g_steal_pointer(&prep);
}

qemuPreparedDomain *
qemuDomainPrepareFile(const char *path, const qemuDomainPrepareOptions *opts,
                      GError **error)
{
    g_autofree char *xml = virXMLReadFile(path, error);

    if (!xml)
        return NULL;
    return qemuDomainPrepareString(xml, path, opts, error);
}
