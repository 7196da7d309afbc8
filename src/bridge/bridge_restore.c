/*
 * bridge_restore.c: the user's domain back from what libvirt keeps: the
 *                   extension attributes in place, the generated alias,
 *                   overrides and metadata removed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "bridge_convert.h"
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
    xmlNodePtr dev;

    for (dev = override ? override->children : NULL; dev; dev = dev->next) {
        g_autofree char *a = NULL;
        xmlNodePtr fe;
        xmlNodePtr p;

        if (dev->type != XML_ELEMENT_NODE || !xmlStrEqual(dev->name, BAD_CAST "device"))
            continue;
        a = virXMLPropString(dev, "alias");
        if (g_strcmp0(a, alias) != 0 ||
            !(fe = virXMLNodeGetChildNS(dev, "frontend", BRIDGE_QEMU_NS_URI)))
            continue;
        for (p = fe->children; p; p = p->next) {
            g_autofree char *n = NULL;

            if (p->type != XML_ELEMENT_NODE || !xmlStrEqual(p->name, BAD_CAST "property"))
                continue;
            n = virXMLPropString(p, "name");
            if (g_strcmp0(n, prop) == 0)
                return p;
        }
    }
    return NULL;
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
bridgeRestoreDevice(xmlNodePtr root, xmlNodePtr rec, GError **error)
{
    const char *element = (const char *)rec->name;
    g_autofree char *alias = virXMLPropString(rec, "alias");
    g_autofree char *generated = virXMLPropString(rec, "generatedAlias");
    xmlNodePtr dev;
    xmlNodePtr drv;
    xmlNodePtr cur;

    if (!alias)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("the virt-viommu metadata is corrupted: a <%1$s> record has no alias="),
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
    if (g_strcmp0(generated, "yes") == 0)
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

char *
bridgeRestore(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNodePtr root;
    xmlNodePtr md;
    xmlNodePtr ours;
    xmlNodePtr cur;
    if (!(doc = virXMLParse(NULL, xml, "domain", error)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    md = virXMLNodeGetChild(root, "metadata");
    if (!(ours = virXMLNodeGetChildNS(md, "domain", BRIDGE_NS_URI)))
        return g_strdup(xml);
    for (cur = ours->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (!xmlStrEqual(cur->name, BAD_CAST "iommu") &&
            !xmlStrEqual(cur->name, BAD_CAST "hostdev"))
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("the virt-viommu metadata is corrupted: unexpected element <%1$s>"),
                                  (const char *)cur->name), NULL;
        if (bridgeRestoreDevice(root, cur, error) < 0)
            return NULL;
    }
    bridgeRemoveUpwards(ours, root);
    bridgeDropUnusedQemuNs(root);
    return virXMLFormatRoot(doc);
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
            if (alias && (g_str_has_prefix(alias, BRIDGE_IOMMU_ALIAS_PREFIX) ||
                          g_str_has_prefix(alias, BRIDGE_HOSTDEV_ALIAS_PREFIX)))
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
    return 0;
}
