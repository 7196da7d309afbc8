/*
 * bridge_restore.c: the user's domain back from what libvirt keeps: the
 *                   extension attributes in place, the generated alias,
 *                   overrides and metadata removed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "bridge_convert.h"
#include "qemu_command.h"
#include "qemu_domain_prepare.h"
#include "virxml.h"
#include "virxmlopaque.h"

#define NULLSTR(s) ((s) ? (s) : "(null)")

bool
bridgeHasMetadata(const char *xml)
{
    return strstr(xml, BRIDGE_NS_URI) != NULL;
}

static void
bridgeRemoveNode(xmlNodePtr node)
{
    /* the whitespace text before it goes too */
    if (node->prev && node->prev->type == XML_TEXT_NODE &&
        xmlIsBlankNode(node->prev)) {
        xmlNodePtr ws = node->prev;

        xmlUnlinkNode(ws);
        xmlFreeNode(ws);
    }
    xmlUnlinkNode(node);
    xmlFreeNode(node);
}

/* Remove @node, then each ancestor up to (not including) @stop left
 * without element children. */
static void
bridgeRemoveUpwards(xmlNodePtr node, xmlNodePtr stop)
{
    while (node && node != stop) {
        xmlNodePtr parent = node->parent;

        bridgeRemoveNode(node);
        if (!parent || parent == stop || virXMLNodeHasElementChildren(parent))
            return;
        node = parent;
    }
}

/* The <@element> device of @root whose alias is @alias */
static xmlNodePtr
bridgeFindDevice(xmlNodePtr root, const char *element, const char *alias)
{
    xmlNodePtr devices = virXMLNodeGetChild(root, "devices");
    xmlNodePtr cur;

    for (cur = devices ? devices->children : NULL; cur; cur = cur->next) {
        xmlNodePtr a;
        g_autofree char *name = NULL;

        if (cur->type != XML_ELEMENT_NODE || !xmlStrEqual(cur->name, BAD_CAST element))
            continue;
        if ((a = virXMLNodeGetChild(cur, "alias")) &&
            (name = virXMLPropString(a, "name")) && g_str_equal(name, alias))
            return cur;
    }
    return NULL;
}

static xmlNodePtr
bridgeFindOverrideProperty(xmlNodePtr root, const char *alias, const char *prop)
{
    xmlNodePtr override = virXMLNodeGetChildNS(root, "override", BRIDGE_QEMU_NS_URI);
    xmlNodePtr dev = virXMLChildWithProp(override, "device", "alias", alias);
    xmlNodePtr fe = virXMLNodeGetChildNS(dev, "frontend", BRIDGE_QEMU_NS_URI);

    return virXMLChildWithProp(fe, "property", "name", prop);
}

/* Check one recorded property against the override, then remove it. */
static int
bridgeRestoreProperty(xmlNodePtr root, const char *element, const char *alias,
                      xmlNodePtr rec, GError **error)
{
    g_autofree char *name = virXMLPropString(rec, "name");
    g_autofree char *type = virXMLPropString(rec, "type");
    g_autofree char *value = virXMLPropString(rec, "value");
    g_autofree char *otype = NULL;
    g_autofree char *ovalue = NULL;
    xmlNodePtr prop;

    if (!name || !type)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("the virt-viommu metadata of <%1$s> '%2$s' is corrupted: a <property> lacks name= or type="),
                              element, alias);
    if (!(prop = bridgeFindOverrideProperty(root, alias, name)))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("the <qemu:override> of <%1$s> '%2$s' no longer sets '%3$s', which the virt-viommu metadata records: the two disagree (was one of them edited?)"),
                              element, alias, name);
    otype = virXMLPropString(prop, "type");
    ovalue = virXMLPropString(prop, "value");
    if (g_strcmp0(otype, type) != 0 || g_strcmp0(ovalue, value) != 0)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("the <qemu:override> of <%1$s> '%2$s' sets '%3$s' to %4$s '%5$s', but the virt-viommu metadata records %6$s '%7$s': the two disagree (was one of them edited?)"),
                              element, alias, name, NULLSTR(otype), NULLSTR(ovalue),
                              type, NULLSTR(value));
    bridgeRemoveUpwards(prop, root);
    return 0;
}

/* Put the record @rec (<viommu:iommu> or <viommu:hostdev>) back into its
 * device */
static int
bridgeRestoreDevice(xmlNodePtr root, xmlNodePtr rec, bool keepAliases,
                    GError **error)
{
    const char *element = (const char *)rec->name;
    g_autofree char *alias = virXMLPropString(rec, "alias");
    g_autofree char *generated = virXMLPropString(rec, "generatedAlias");
    xmlNodePtr dev;
    xmlNodePtr drv;
    xmlNodePtr cur;

    if (!alias)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("the virt-viommu metadata is corrupted: a record for <%1$s> has no alias="),
                              element);
    if (!(dev = bridgeFindDevice(root, element, alias)))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("the virt-viommu metadata describes <%1$s> '%2$s', which the domain no longer has"),
                              element, alias);
    for (cur = rec->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && xmlStrEqual(cur->name, BAD_CAST "property") &&
            bridgeRestoreProperty(root, element, alias, cur, error) < 0)
            return -1;
    }
    if ((drv = virXMLNodeGetChildNS(rec, "driver", BRIDGE_NS_URI)) &&
        (drv->properties || xmlFirstElementChild(drv))) {
        xmlNodePtr target = virXMLNodeGetChild(dev, "driver");
        xmlAttrPtr a;

        if (!target) {
            target = xmlNewNode(NULL, BAD_CAST "driver");
            if (dev->children)
                xmlAddPrevSibling(dev->children, target);
            else
                xmlAddChild(dev, target);
        }
        for (a = drv->properties; a; a = a->next) {
            g_autofree char *v = virXMLPropString(drv, (const char *)a->name);

            if (xmlHasProp(target, a->name))
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                      _("<%1$s> '%2$s' has <driver %3$s=...> both in the domain and in the virt-viommu metadata: the two disagree"),
                                      element, alias, (const char *)a->name);
            xmlNewProp(target, a->name, BAD_CAST v);
        }
        for (cur = xmlFirstElementChild(drv); cur; cur = xmlNextElementSibling(cur))
            xmlAddChild(target, xmlDocCopyNode(cur, root->doc, 1));
    }
    if (!keepAliases && g_strcmp0(generated, "yes") == 0)
        bridgeRemoveNode(virXMLNodeGetChild(dev, "alias"));
    return 0;
}

/* Drop the xmlns:qemu declaration of the root once nothing uses it. */
static void
bridgeDropUnusedQemuNs(xmlNodePtr root)
{
    xmlNsPtr *prev = &root->nsDef;
    xmlNsPtr ns;
    xmlNodePtr cur;

    for (cur = root->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && cur->ns &&
            xmlStrEqual(cur->ns->href, BAD_CAST BRIDGE_QEMU_NS_URI))
            return;
    }
    for (ns = root->nsDef; ns; prev = &ns->next, ns = ns->next) {
        if (xmlStrEqual(ns->href, BAD_CAST BRIDGE_QEMU_NS_URI)) {
            *prev = ns->next;
            ns->next = NULL;
            xmlFreeNs(ns);
            return;
        }
    }
}

/* The virt-viommu metadata of @root, NULL when it has none */
static xmlNodePtr
bridgeMetadataOf(xmlNodePtr root)
{
    return virXMLNodeGetChildNS(virXMLNodeGetChild(root, "metadata"), "domain",
                                BRIDGE_NS_URI);
}

/* Restore @doc in place (see bridgeRestore); with @keepAliases the aliases
 * the bridge generated stay, so that each device keeps the id its
 * override names. Returns 0 (nothing to do), 1 (restored) or -1. */
static int
bridgeRestoreDoc(xmlDocPtr doc, bool keepAliases, GError **error)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr ours = bridgeMetadataOf(root);
    xmlNodePtr cur;

    if (!ours)
        return 0;
    for (cur = ours->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (!xmlStrEqual(cur->name, BAD_CAST "iommu") &&
            !xmlStrEqual(cur->name, BAD_CAST "hostdev"))
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("the virt-viommu metadata is corrupted: unexpected element <%1$s>"),
                                  (const char *)cur->name);
        if (bridgeRestoreDevice(root, cur, keepAliases, error) < 0)
            return -1;
    }
    bridgeRemoveUpwards(ours, root);
    bridgeDropUnusedQemuNs(root);
    return 1;
}

char *
bridgeRestore(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    int rc;

    if (!(doc = virXMLParse(NULL, xml, "domain", error)) ||
        (rc = bridgeRestoreDoc(doc, false, error)) < 0)
        return NULL;
    return rc == 0 ? g_strdup(xml) : virXMLFormatRoot(doc);
}

/* ---- the agreement of the metadata and the overrides -------------------- */

/* id -> JSON object of every -device virt-viommu builds for @xml */
static GHashTable *
bridgeBuildDevices(const char *xml, const virQEMUCaps *caps, GError **error)
{
    g_autoptr(virDomainDef) def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_SKIP_SCHEMA,
                                                          error);
    g_autoptr(qemuCommandLine) cmd = NULL;

    if (!def || qemuDomainPrepareDef(def, caps, error) < 0 ||
        !(cmd = qemuBuildCommandLine(def, caps, error)))
        return NULL;
    return bridgeDevicesFromArgv((const char *const *)cmd->argv, error);
}

/* Set (or remove) one <qemu:property> of an override on @obj */
static int
bridgeApplyProperty(JsonObject *obj, xmlNodePtr prop, GError **error)
{
    g_autofree char *name = virXMLPropString(prop, "name");
    g_autofree char *type = virXMLPropString(prop, "type");
    g_autofree char *value = virXMLPropString(prop, "value");
    gint64 num;

    if (!name || !type)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("a <qemu:property> lacks name= or type="));
    if (g_str_equal(type, "remove")) {
        json_object_remove_member(obj, name);
        return 0;
    }
    if (!value)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("the <qemu:property> '%1$s' lacks value="), name);
    if (g_str_equal(type, "bool"))
        json_object_set_boolean_member(obj, name, g_str_equal(value, "true"));
    else if (g_str_equal(type, "string"))
        json_object_set_string_member(obj, name, value);
    else if ((g_str_equal(type, "unsigned") || g_str_equal(type, "signed")) &&
             g_ascii_string_to_signed(value, 10, G_MININT64, G_MAXINT64, &num, NULL))
        json_object_set_int_member(obj, name, num);
    else
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("the <qemu:property> '%1$s' has type '%2$s' and value '%3$s', which virt-viommu does not write"),
                              name, type, value);
    return 0;
}

/* The <qemu:device> of @alias, unlinked from @root's override (NULL when
 * there is none); the caller frees it */
static xmlNodePtr
bridgeTakeOverride(xmlNodePtr root, const char *alias)
{
    xmlNodePtr override = virXMLNodeGetChildNS(root, "override", BRIDGE_QEMU_NS_URI);
    xmlNodePtr dev = virXMLChildWithProp(override, "device", "alias", alias);

    if (dev)
        xmlUnlinkNode(dev);
    return dev;
}

static int
bridgeApplyOverride(GHashTable *devs, const char *element, const char *alias,
                    xmlNodePtr override, GError **error)
{
    JsonObject *obj = g_hash_table_lookup(devs, alias);
    xmlNodePtr fe = virXMLNodeGetChildNS(override, "frontend", BRIDGE_QEMU_NS_URI);
    xmlNodePtr p;

    if (!obj)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("<%1$s> '%2$s' has a <qemu:override> but no device of that alias on the QEMU command line"),
                              element, alias);
    for (p = fe ? fe->children : NULL; p; p = p->next) {
        if (p->type == XML_ELEMENT_NODE && xmlStrEqual(p->name, BAD_CAST "property") &&
            bridgeApplyProperty(obj, p, error) < 0)
            return -1;
    }
    return 0;
}

static char *
bridgeJsonMember(JsonObject *obj, const char *key)
{
    JsonNode *n = obj ? json_object_get_member(obj, key) : NULL;

    return n ? json_to_string(n, FALSE) : g_strdup(_("unset"));
}

/* The first behaviour property in which @want and @have differ */
static const char *
bridgeFirstDifference(JsonObject *want, JsonObject *have)
{
    g_autoptr(GList) keys = json_object_get_members(want);
    g_autoptr(GList) theirs = json_object_get_members(have);
    GList *lists[] = { keys, theirs };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(lists); i++) {
        GList *k;

        for (k = lists[i]; k; k = k->next) {
            g_autofree char *a = NULL;
            g_autofree char *b = NULL;

            if (bridgeIgnoredKey(k->data))
                continue;
            a = bridgeJsonMember(want, k->data);
            b = bridgeJsonMember(have, k->data);
            if (!g_str_equal(a, b))
                return k->data;
        }
    }
    return NULL;
}

/* A recorded device of the metadata, and its override taken out of the
 * domain */
typedef struct {
    char *element;        /* "iommu", "hostdev" */
    char *alias;
    xmlNodePtr override;  /* its <qemu:device>, unlinked; NULL: none */
} bridgeRecordedDevice;

static void
bridgeRecordedDeviceFree(bridgeRecordedDevice *dev)
{
    g_free(dev->element);
    g_free(dev->alias);
    if (dev->override)
        xmlFreeNode(dev->override);
    g_free(dev);
}

/* Each recorded device of @root's metadata, its override taken out of
 * @root; the metadata removed */
static GPtrArray *
bridgeTakeOverrides(xmlNodePtr root)
{
    GPtrArray *devs = g_ptr_array_new_with_free_func((GDestroyNotify)bridgeRecordedDeviceFree);
    xmlNodePtr ours = bridgeMetadataOf(root);
    xmlNodePtr rec;

    for (rec = ours ? ours->children : NULL; rec; rec = rec->next) {
        bridgeRecordedDevice *dev;
        g_autofree char *alias = NULL;

        if (rec->type != XML_ELEMENT_NODE || !(alias = virXMLPropString(rec, "alias")))
            continue;
        dev = g_new0(bridgeRecordedDevice, 1);
        dev->element = g_strdup((const char *)rec->name);
        dev->override = bridgeTakeOverride(root, alias);
        dev->alias = g_steal_pointer(&alias);
        g_ptr_array_add(devs, dev);
    }
    bridgeRemoveUpwards(ours, root);
    return devs;
}

/* @dev as the user's domain gives it (@want) and as libvirt's gives it with
 * its override applied (@have): the same properties? */
static int
bridgeCompareRecorded(const bridgeRecordedDevice *dev, JsonObject *want,
                      JsonObject *have, GError **error)
{
    const char *key = "driver";   /* one side lacks the device */
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    if (!want && !have)
        return 0;   /* not on the command line (an unassigned hostdev) */
    if (want && have && !(key = bridgeFirstDifference(want, have)))
        return 0;
    a = bridgeJsonMember(have, key);
    b = bridgeJsonMember(want, key);
    return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                          _("<%1$s> '%2$s': '%3$s' is %4$s with its <qemu:override> but %5$s with the virt-viommu metadata: the two disagree (was one of them edited?)"),
                          dev->element, dev->alias, key, a, b);
}

int
bridgeCheckAgreement(const char *xml, const virQEMUCaps *caps, GError **error)
{
    g_autoptr(xmlDoc) aliased = virXMLParse(NULL, xml, "domain", error);
    g_autoptr(xmlDoc) base = NULL;
    g_autoptr(GPtrArray) recorded = NULL;
    g_autoptr(GHashTable) want = NULL;
    g_autoptr(GHashTable) have = NULL;
    g_autofree char *wantXML = NULL;
    g_autofree char *baseXML = NULL;
    guint i;
    int rc;

    if (!aliased || (rc = bridgeRestoreDoc(aliased, true, error)) < 0)
        return -1;
    if (rc == 0)
        return 0;   /* no metadata of ours */
    if (!(base = virXMLParse(NULL, xml, "domain", error)))
        return -1;
    recorded = bridgeTakeOverrides(xmlDocGetRootElement(base));
    wantXML = virXMLFormatRoot(aliased);
    baseXML = virXMLFormatRoot(base);
    if (!(want = bridgeBuildDevices(wantXML, caps, error)) ||
        !(have = bridgeBuildDevices(baseXML, caps, error)))
        return -1;
    for (i = 0; i < recorded->len; i++) {
        const bridgeRecordedDevice *dev = g_ptr_array_index(recorded, i);

        if ((dev->override &&
             bridgeApplyOverride(have, dev->element, dev->alias, dev->override, error) < 0) ||
            bridgeCompareRecorded(dev, g_hash_table_lookup(want, dev->alias),
                                  g_hash_table_lookup(have, dev->alias), error) < 0)
            return -1;
    }
    return 0;
}

/* Is @alias one the bridge gives: @prefix and a number? */
static bool
bridgeIsGeneratedAlias(const char *alias, const char *prefix)
{
    const char *p;

    if (!g_str_has_prefix(alias, prefix) || !alias[strlen(prefix)])
        return false;
    for (p = alias + strlen(prefix); *p; p++) {
        if (!g_ascii_isdigit(*p))
            return false;
    }
    return true;
}

GStrv
bridgeOrphanOverrides(const char *xml)
{
    g_autoptr(GPtrArray) aliases = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(xmlDoc) doc = NULL;
    xmlNodePtr root;
    xmlNodePtr override;
    xmlNodePtr dev;

    if (!bridgeHasMetadata(xml) && (doc = virXMLParse(NULL, xml, "domain", NULL))) {
        root = xmlDocGetRootElement(doc);
        override = virXMLNodeGetChildNS(root, "override", BRIDGE_QEMU_NS_URI);
        for (dev = override ? override->children : NULL; dev; dev = dev->next) {
            g_autofree char *alias = NULL;

            if (dev->type != XML_ELEMENT_NODE || !xmlStrEqual(dev->name, BAD_CAST "device"))
                continue;
            alias = virXMLPropString(dev, "alias");
            if (alias && (bridgeIsGeneratedAlias(alias, BRIDGE_IOMMU_ALIAS_PREFIX) ||
                          bridgeIsGeneratedAlias(alias, BRIDGE_HOSTDEV_ALIAS_PREFIX)))
                g_ptr_array_add(aliases, g_steal_pointer(&alias));
        }
    }
    g_ptr_array_add(aliases, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&aliases), FALSE);
}

int
bridgeDomainCheck(const char *xml, const char *what,
                  const qemuDomainPrepareOptions *opts, GError **error)
{
    g_autofree char *user = bridgeRestore(xml, error);
    g_autoptr(qemuPreparedDomain) prep = NULL;

    if (!user || !(prep = qemuDomainPrepareString(user, what, opts, error)))
        return -1;
    return bridgeCheckAgreement(xml, prep->caps, error);
}
