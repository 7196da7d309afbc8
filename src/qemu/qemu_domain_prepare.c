/*
 * qemu_domain_prepare.c: the checking pipeline shared by every command
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "qemu_domain_prepare.h"
#include "qemu_postparse.h"
#include "qemu_validate.h"
#include "qemu_viommu.h"
#include "hostiommu_conf.h"
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

virQEMUCaps *
qemuDomainPrepareCaps(const qemuDomainPrepareOptions *opts,
                      const char *fallbackEmulator, const char *arch,
                      GError **error)
{
    g_autofree char *binary = NULL;

    if (opts->qemuCapsFile)
        return virQEMUCapsParseFile(opts->qemuCapsFile, error);
    if (opts->emulator)
        binary = g_strdup(opts->emulator);
    else if (fallbackEmulator)
        binary = g_strdup(fallbackEmulator);
    else
        binary = g_strdup_printf("/usr/bin/qemu-system-%s", arch ? arch : "x86_64");
    return virQEMUCapsCacheLookup(binary, opts->cacheDir, error);
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

    /* the parser checks the document against the superset grammar too */
    if (!(doc = virXMLParse(path, xml, "domain", error)) ||
        !(prep->def = virDomainDefParseNode(doc, xmlDocGetRootElement(doc),
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
