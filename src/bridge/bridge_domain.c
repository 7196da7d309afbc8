/*
 * bridge_domain.c: define, dumpxml, start and the start-time check of a
 *                  domain on the connected libvirt
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "bridge_domain.h"
#include "bridge_convert.h"
#include "qemu_command.h"
#include "virxml.h"
#include "virxmlopaque.h"

/* The IOMMU models and the emulator in @caps (domain capabilities XML) */
static int
bridgeParseDomainCaps(const char *caps, bridgeLibvirtFacts *facts,
                      char **emulator, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlXPathObject) models = NULL;
    g_autoptr(xmlXPathObject) path = NULL;
    g_autoptr(GPtrArray) list = NULL;
    int i;

    if (!(doc = virXMLParse(NULL, caps, "domainCapabilities", error)))
        return -1;
    ctxt = xmlXPathNewContext(doc);
    path = xmlXPathEvalExpression(BAD_CAST "string(/domainCapabilities/path)", ctxt);
    if (path && path->stringval && *path->stringval)
        *emulator = g_strdup((const char *)path->stringval);
    models = xmlXPathEvalExpression(BAD_CAST
        "/domainCapabilities/devices/iommu/enum[@name='model']/value", ctxt);
    if (!models || !models->nodesetval || models->nodesetval->nodeNr == 0)
        return 0;
    list = g_ptr_array_new();
    for (i = 0; i < models->nodesetval->nodeNr; i++)
        g_ptr_array_add(list, virXMLNodeContentString(models->nodesetval->nodeTab[i]));
    g_ptr_array_add(list, NULL);
    facts->iommuModels = (char **)g_ptr_array_free(g_steal_pointer(&list), FALSE);
    return 0;
}

/* Ask the connection what its libvirt understands, and which emulator it
 * runs for @def. */
static int
bridgeGetFacts(bridgeConn *conn, const virDomainDef *def,
               bridgeLibvirtFacts *facts, char **emulator, GError **error)
{
    g_autofree char *caps = NULL;

    if (bridgeConnLibVersion(conn, &facts->version, error) < 0 ||
        !(caps = bridgeConnDomainCaps(conn, def->emulator, def->arch, NULL,
                                      virDomainVirtTypeToString(def->virtType),
                                      error)))
        return -1;
    return bridgeParseDomainCaps(caps, facts, emulator, error);
}

/* A grammar refusal of a domain on its way to a libvirt other than the
 * one installed here says so: the grammar checked is the local one,
 * unless VIRT_VIOMMU_LIBVIRT_SCHEMADIR names another */
static void
bridgeExplainGrammar(const bridgeLibvirtFacts *facts, GError **error)
{
    unsigned long local = bridgeLocalLibVersion();
    const char *dir = g_getenv("VIRT_VIOMMU_LIBVIRT_SCHEMADIR");
    g_autofree char *have = NULL;
    g_autofree char *here = NULL;
    char *msg;

    /* a micro release does not change the grammar */
    if (!error || !*error || !virErrorMatches(*error, VIR_ERR_XML_INVALID_SCHEMA) ||
        local == 0 || local / 1000 == facts->version / 1000 || (dir && *dir))
        return;
    have = bridgeVersionString(facts->version);
    here = bridgeVersionString(local);
    msg = g_strdup_printf(_("%1$s (the grammar of libvirt %2$s, installed here; the connected libvirt is %3$s, whose grammar may differ: set VIRT_VIOMMU_LIBVIRT_SCHEMADIR to its schema directory to check against it)"),
                          (*error)->message, here, have);
    g_free((*error)->message);
    (*error)->message = msg;
}

char *
bridgeDomainConvert(bridgeConn *conn, const char *xml, const char *path,
                    const qemuDomainPrepareOptions *opts, GError **error)
{
    g_autoptr(virDomainDef) probe = NULL;
    g_auto(bridgeLibvirtFacts) facts = { 0 };
    g_autofree char *emulator = NULL;
    qemuDomainPrepareOptions o = *opts;
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(qemuCommandLine) cmd = NULL;
    g_autoptr(GHashTable) ours = NULL;
    g_autoptr(GHashTable) theirs = NULL;
    /* after prep: freed first, its removed nodes belong to prep->def->doc */
    g_autoptr(bridgeConversion) conv = NULL;
    g_autofree char *candidate = NULL;
    g_autofree char *native = NULL;
    g_auto(GStrv) nativeArgv = NULL;

    if (bridgeHasMetadata(xml))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("the domain already holds virt-viommu metadata: give the XML 'virt-viommu dumpxml' prints, not the converted one")),
               NULL;
    /* the connection's emulator, unless the options name QEMU's caps (a
     * first look only: every check, the grammar too, comes below) */
    if (!(probe = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE |
                                          VIR_DOMAIN_DEF_PARSE_SKIP_SCHEMA, error)) ||
        bridgeGetFacts(conn, probe, &facts, &emulator, error) < 0)
        return NULL;
    if (!o.qemuCapsFile && !o.emulator)
        o.emulator = emulator;
    if (!(prep = qemuDomainPrepareString(xml, path, &o, error))) {
        bridgeExplainGrammar(&facts, error);
        return NULL;
    }
    if (!(cmd = qemuBuildCommandLine(prep->def, prep->caps, error)) ||
        !(ours = bridgeDevicesFromArgv((const char *const *)cmd->argv, error)))
        return NULL;
    if (!(conv = bridgeConvertPrepare(prep->def, &facts, error)))
        return NULL;
    candidate = virXMLFormatRoot(prep->def->doc);
    if (!(native = bridgeConnXMLToNative(conn, candidate, error)))
        return NULL;
    nativeArgv = bridgeSplitArgv(native);
    if (!(theirs = bridgeDevicesFromArgv((const char *const *)nativeArgv, error)) ||
        bridgeConvertFinish(prep->def, conv, ours, theirs, error) < 0)
        return NULL;
    return virXMLFormatRoot(prep->def->doc);
}

char *
bridgeDomainDefine(bridgeConn *conn, const char *xml, const char *path,
                   const qemuDomainPrepareOptions *opts, GError **error)
{
    g_autofree char *converted = bridgeDomainConvert(conn, xml, path, opts, error);

    if (!converted)
        return NULL;
    return bridgeConnDefine(conn, converted, error);
}

char *
bridgeDomainToNative(bridgeConn *conn, const char *xml, const char *path,
                     const qemuDomainPrepareOptions *opts, GError **error)
{
    g_autofree char *converted = bridgeDomainConvert(conn, xml, path, opts, error);

    if (!converted)
        return NULL;
    return bridgeConnXMLToNative(conn, converted, error);
}

char *
bridgeDomainDumpXML(bridgeConn *conn, const char *name, bool inactive,
                    const qemuDomainPrepareOptions *opts, GError **error)
{
    g_autofree char *xml = bridgeConnGetXML(conn, name, inactive, error);
    g_autofree char *user = NULL;
    g_autoptr(virDomainDef) probe = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;

    if (!xml || !(user = bridgeRestore(xml, error)))
        return NULL;
    if (!bridgeHasMetadata(xml))
        return g_steal_pointer(&user);
    /* the overrides must still give what the metadata asks for, with the
     * QEMU of the domain (or the one the options name) */
    if (!(probe = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE |
                                          VIR_DOMAIN_DEF_PARSE_SKIP_SCHEMA, error)) ||
        !(caps = qemuDomainPrepareCaps(opts, probe->emulator, probe->arch, error)) ||
        bridgeCheckAgreement(xml, caps, error) < 0)
        return NULL;
    return g_steal_pointer(&user);
}

int
bridgeDomainStart(bridgeConn *conn, const char *name,
                  const qemuDomainPrepareOptions *opts, GError **error)
{
    g_autofree char *xml = bridgeConnGetXML(conn, name, true, error);
    qemuDomainPrepareOptions o = *opts;

    /* the connected libvirt (perhaps newer than the grammar installed
     * here) defined this XML: its own grammar was the one that counts */
    o.libvirtAccepted = true;
    if (!xml || bridgeDomainCheck(xml, name, &o, error) < 0)
        return -1;
    return bridgeConnStart(conn, name, error);
}
