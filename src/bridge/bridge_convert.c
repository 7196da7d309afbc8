/*
 * bridge_convert.c: a checked domain in the form a given libvirt accepts,
 *                   and back (see bridge_convert.h)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "bridge_convert.h"
#include "virxml.h"
#include "virxmlopaque.h"

/* The <iommu><driver> attributes libvirt itself knows, with the first
 * libvirt release this project verified to accept them (its domain
 * grammar). Any other attribute of <driver> is ours, and so is one of
 * these on an older libvirt: it is removed and expressed as an override. */
typedef struct {
    const char *name;
    unsigned long minVersion;
} bridgeLibvirtAttr;

#define BRIDGE_LIBVIRT_11_3 11003000UL
#define BRIDGE_LIBVIRT_12_8 12008000UL
/* libvirt NEWS: <hostdev><driver iommufd=> 12.1.0; the domain-level
 * <iommufd> element with fdgroup 12.2.0 */
#define BRIDGE_LIBVIRT_12_1 12001000UL
#define BRIDGE_LIBVIRT_12_2 12002000UL

static const bridgeLibvirtAttr bridgeLibvirtIOMMUAttrs[] = {
    { "intremap", 0 }, { "caching_mode", 0 }, { "eim", 0 }, { "iotlb", 0 },
    { "aw_bits", 0 }, { "dma_translation", BRIDGE_LIBVIRT_11_3 },
    { "passthrough", BRIDGE_LIBVIRT_12_8 }, { "xtsup", BRIDGE_LIBVIRT_12_8 },
    { "pciBus", BRIDGE_LIBVIRT_12_8 }, { "accel", BRIDGE_LIBVIRT_12_8 },
    { "ats", BRIDGE_LIBVIRT_12_8 }, { "ril", BRIDGE_LIBVIRT_12_8 },
    { "ssidsize", BRIDGE_LIBVIRT_12_8 }, { "oas", BRIDGE_LIBVIRT_12_8 },
    { "cmdqv", BRIDGE_LIBVIRT_12_8 },
};

/* <iommu><driver> child elements libvirt knows, likewise */
static const bridgeLibvirtAttr bridgeLibvirtIOMMUElems[] = {
    { "granule", BRIDGE_LIBVIRT_12_8 },
};

/* <iommu model=...> values, when the domain capabilities do not list them */
static const bridgeLibvirtAttr bridgeLibvirtIOMMUModels[] = {
    { "intel", 0 }, { "smmuv3", 0 }, { "virtio", 0 },
    { "amd", BRIDGE_LIBVIRT_12_8 },
};

/* Attributes whose value a device override cannot give: they change which
 * devices libvirt creates, not the properties of one. */
static const char *const bridgeStructuralAttrs[] = { "pciBus", NULL };

/* Keys of a -device value that are addressing, not behaviour */
static const char *const bridgeIgnoredKeys[] = {
    "id", "bus", "addr", "primary-bus", "multifunction", NULL
};

void
bridgeLibvirtFactsClear(bridgeLibvirtFacts *facts)
{
    g_clear_pointer(&facts->iommuModels, g_strfreev);
}

char *
bridgeVersionString(unsigned long version)
{
    return g_strdup_printf("%lu.%lu.%lu", version / 1000000,
                           (version / 1000) % 1000, version % 1000);
}

static void
bridgeIOMMUPlanFree(bridgeIOMMUPlan *plan)
{
    if (!plan)
        return;
    g_free(plan->ourId);
    g_free(plan->alias);
    g_ptr_array_unref(plan->removed);
    g_ptr_array_unref(plan->removedElems);
    g_free(plan);
}

void
bridgeConversionFree(bridgeConversion *conv)
{
    size_t i;

    if (!conv)
        return;
    for (i = 0; i < conv->niommus; i++)
        bridgeIOMMUPlanFree(conv->iommus[i]);
    g_free(conv->iommus);
    g_free(conv);
}

static const bridgeLibvirtAttr *
bridgeFindAttr(const bridgeLibvirtAttr *table, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (g_str_equal(table[i].name, name))
            return &table[i];
    }
    return NULL;
}

static int
bridgeCheckModel(xmlNodePtr iommu, const bridgeLibvirtFacts *facts,
                 GError **error)
{
    g_autofree char *model = virXMLPropString(iommu, "model");
    g_autofree char *have = bridgeVersionString(facts->version);
    const bridgeLibvirtAttr *m;

    if (!model)
        return 0;
    if (facts->iommuModels) {
        if (g_strv_contains((const char *const *)facts->iommuModels, model))
            return 0;
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("the connected libvirt %1$s does not offer the IOMMU model '%2$s' (its domain capabilities)"),
                              have, model);
    }
    m = bridgeFindAttr(bridgeLibvirtIOMMUModels,
                       G_N_ELEMENTS(bridgeLibvirtIOMMUModels), model);
    if (m && facts->version >= m->minVersion)
        return 0;
    if (m) {
        g_autofree char *need = bridgeVersionString(m->minVersion);
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("the IOMMU model '%1$s' needs libvirt %2$s or newer; the connected libvirt is %3$s"),
                              model, need, have);
    }
    return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                          _("the connected libvirt %1$s does not know the IOMMU model '%2$s'"),
                          have, model);
}

/* Is the <driver> attribute @name one the connected libvirt knows? */
static bool
bridgeLibvirtKnows(const char *name, const bridgeLibvirtFacts *facts,
                   unsigned long *minVersion)
{
    const bridgeLibvirtAttr *a = bridgeFindAttr(bridgeLibvirtIOMMUAttrs,
                                                G_N_ELEMENTS(bridgeLibvirtIOMMUAttrs),
                                                name);

    *minVersion = a ? a->minVersion : 0;
    return a && facts->version >= a->minVersion;
}

static int
bridgeStripDriver(xmlNodePtr iommu, bridgeIOMMUPlan *plan,
                  const bridgeLibvirtFacts *facts, GError **error)
{
    xmlNodePtr driver = virXMLNodeGetChild(iommu, "driver");
    g_autofree char *model = virXMLPropString(iommu, "model");
    xmlAttrPtr attr;
    xmlAttrPtr next;
    xmlNodePtr child;
    xmlNodePtr nextChild;

    for (attr = driver ? driver->properties : NULL; attr; attr = next) {
        const char *name = (const char *)attr->name;
        unsigned long minVersion;

        next = attr->next;
        /* libvirt 11.3 takes no <driver> attribute for virtio-iommu */
        if (bridgeLibvirtKnows(name, facts, &minVersion) &&
            (g_strcmp0(model, "virtio") != 0 || facts->version >= BRIDGE_LIBVIRT_12_8))
            continue;
        if (minVersion && g_strv_contains(bridgeStructuralAttrs, name)) {
            g_autofree char *need = bridgeVersionString(minVersion);
            g_autofree char *have = bridgeVersionString(facts->version);
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("<iommu><driver %1$s=...> needs libvirt %2$s or newer, which creates the device it asks for; the connected libvirt is %3$s"),
                                  name, need, have);
        }
        g_ptr_array_add(plan->removed, g_strdup(name));
        g_ptr_array_add(plan->removed, virXMLPropString(driver, name));
        xmlRemoveProp(attr);
    }
    for (child = driver ? xmlFirstElementChild(driver) : NULL; child; child = nextChild) {
        const bridgeLibvirtAttr *e = bridgeFindAttr(bridgeLibvirtIOMMUElems,
                                                    G_N_ELEMENTS(bridgeLibvirtIOMMUElems),
                                                    (const char *)child->name);

        nextChild = xmlNextElementSibling(child);
        if (e && facts->version >= e->minVersion)
            continue;
        xmlUnlinkNode(child);
        g_ptr_array_add(plan->removedElems, child);
    }
    /* an empty <driver/> is not in every libvirt's grammar (11.3 has none
     * for virtio): drop it, the reverse writes it back */
    if (driver && !driver->properties && !xmlFirstElementChild(driver) &&
        (plan->removed->len || plan->removedElems->len)) {
        xmlUnlinkNode(driver);
        xmlFreeNode(driver);
    }
    return 0;
}

static void
bridgeAssignAlias(xmlNodePtr iommu, bridgeIOMMUPlan *plan, size_t idx)
{
    xmlNodePtr alias = virXMLNodeGetChild(iommu, "alias");
    g_autofree char *name = alias ? virXMLPropString(alias, "name") : NULL;

    if (name && g_str_has_prefix(name, VIR_DOMAIN_USER_ALIAS_PREFIX)) {
        plan->alias = g_steal_pointer(&name);
        return;
    }
    /* libvirt ignores any other alias of an inactive definition */
    if (alias) {
        xmlUnlinkNode(alias);
        xmlFreeNode(alias);
    }
    plan->alias = g_strdup_printf(BRIDGE_IOMMU_ALIAS_PREFIX "%zu", idx);
    plan->aliasGenerated = true;
    alias = xmlNewChild(iommu, NULL, BAD_CAST "alias", NULL);
    xmlNewProp(alias, BAD_CAST "name", BAD_CAST plan->alias);
}

/* iommufd: libvirt opens /dev/iommu and the VFIO cdevs and passes the
 * file descriptors to QEMU; no override can do that for an older libvirt */
static int
bridgeCheckIOMMUFD(const virDomainDef *def, const bridgeLibvirtFacts *facts,
                   GError **error)
{
    g_autofree char *have = bridgeVersionString(facts->version);
    size_t i;

    if (def->iommufd != VIR_TRISTATE_BOOL_ABSENT && facts->version < BRIDGE_LIBVIRT_12_2) {
        g_autofree char *need = bridgeVersionString(BRIDGE_LIBVIRT_12_2);
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("the domain-level <iommufd> element needs libvirt %1$s or newer; the connected libvirt is %2$s: set <driver iommufd='yes'/> on each hostdev instead (libvirt 12.1.0) or use a newer libvirt"),
                              need, have);
    }
    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];
        g_autofree char *label = NULL;
        g_autofree char *need = NULL;

        if (!virDomainHostdevUsesIOMMUFD(def, hostdev) ||
            facts->version >= BRIDGE_LIBVIRT_12_1)
            continue;
        label = virDomainHostdevLabel(hostdev);
        need = bridgeVersionString(BRIDGE_LIBVIRT_12_1);
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s uses iommufd, which needs libvirt %2$s or newer to pass the iommufd and VFIO file descriptors to QEMU; the connected libvirt is %3$s"),
                              label, need, have);
    }
    return 0;
}

bridgeConversion *
bridgeConvertPrepare(virDomainDef *def, const bridgeLibvirtFacts *facts,
                     GError **error)
{
    g_autoptr(bridgeConversion) conv = g_new0(bridgeConversion, 1);
    size_t i;

    if (bridgeCheckIOMMUFD(def, facts, error) < 0)
        return NULL;
    conv->iommus = g_new0(bridgeIOMMUPlan *, def->niommus);
    for (i = 0; i < def->niommus; i++) {
        virDomainIOMMUDef *iommu = def->iommus[i];
        bridgeIOMMUPlan *plan = g_new0(bridgeIOMMUPlan, 1);

        conv->iommus[conv->niommus++] = plan;
        plan->iommu = iommu->info.src;
        plan->ourId = g_strdup(iommu->info.alias);
        plan->removed = g_ptr_array_new_with_free_func(g_free);
        plan->removedElems = g_ptr_array_new_with_free_func((GDestroyNotify)xmlFreeNode);
        if (!plan->iommu)
            continue;   /* added by post-parse: libvirt adds it too */
        if (bridgeCheckModel(plan->iommu, facts, error) < 0 ||
            bridgeStripDriver(plan->iommu, plan, facts, error) < 0)
            return NULL;
        bridgeAssignAlias(plan->iommu, plan, i);
    }
    return g_steal_pointer(&conv);
}

/* ---- the overrides ------------------------------------------------------ */

static bool
bridgeNodeEqual(JsonNode *a, JsonNode *b)
{
    g_autofree char *sa = json_to_string(a, FALSE);
    g_autofree char *sb = json_to_string(b, FALSE);

    return g_str_equal(sa, sb);
}

/* type= and value= of a <qemu:property> giving @node */
static int
bridgePropertyTypeValue(const char *key, JsonNode *node, const char **type,
                        char **value, GError **error)
{
    if (JSON_NODE_HOLDS_VALUE(node)) {
        switch (json_node_get_value_type(node)) {
        case G_TYPE_BOOLEAN:
            *type = "bool";
            *value = g_strdup(json_node_get_boolean(node) ? "true" : "false");
            return 0;
        case G_TYPE_INT64:
            *type = json_node_get_int(node) < 0 ? "signed" : "unsigned";
            *value = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
            return 0;
        case G_TYPE_STRING:
            *type = "string";
            *value = g_strdup(json_node_get_string(node));
            return 0;
        default:
            break;
        }
    }
    return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                          _("the device property '%1$s' cannot be given through <qemu:override>"),
                          key);
}

static xmlNsPtr
bridgeRootNs(xmlNodePtr root, const char *prefix, const char *uri)
{
    xmlNsPtr ns = xmlSearchNsByHref(root->doc, root, BAD_CAST uri);

    return ns ? ns : xmlNewNs(root, BAD_CAST uri, BAD_CAST prefix);
}

/* <qemu:override><qemu:device alias=@alias><qemu:frontend> */
static xmlNodePtr
bridgeOverrideFrontend(xmlNodePtr root, const char *alias)
{
    xmlNsPtr ns = bridgeRootNs(root, "qemu", BRIDGE_QEMU_NS_URI);
    xmlNodePtr override = virXMLNodeGetChildNS(root, "override", BRIDGE_QEMU_NS_URI);
    xmlNodePtr dev;
    xmlNodePtr fe;

    if (!override)
        override = xmlNewChild(root, ns, BAD_CAST "override", NULL);
    for (dev = override->children; dev; dev = dev->next) {
        g_autofree char *a = NULL;

        if (dev->type != XML_ELEMENT_NODE || !xmlStrEqual(dev->name, BAD_CAST "device"))
            continue;
        a = virXMLPropString(dev, "alias");
        if (g_strcmp0(a, alias) == 0)
            break;
    }
    if (!dev) {
        dev = xmlNewChild(override, ns, BAD_CAST "device", NULL);
        xmlNewProp(dev, BAD_CAST "alias", BAD_CAST alias);
    }
    if (!(fe = virXMLNodeGetChildNS(dev, "frontend", BRIDGE_QEMU_NS_URI)))
        fe = xmlNewChild(dev, ns, BAD_CAST "frontend", NULL);
    return fe;
}

/* <metadata><viommu:domain> */
static xmlNodePtr
bridgeMetadataDomain(xmlNodePtr root)
{
    xmlNodePtr md = virXMLNodeGetChild(root, "metadata");
    xmlNodePtr dom;
    xmlNsPtr ns;

    if (!md) {
        /* after <description>/<title>/<uuid>/<name>, as libvirt orders it */
        xmlNodePtr after = NULL;
        const char *const before[] = { "description", "title", "uuid", "name", NULL };
        size_t i;

        for (i = 0; before[i] && !after; i++)
            after = virXMLNodeGetChild(root, before[i]);
        md = xmlNewNode(NULL, BAD_CAST "metadata");
        if (after)
            xmlAddNextSibling(after, md);
        else
            xmlAddChild(root, md);
    }
    if ((dom = virXMLNodeGetChildNS(md, "domain", BRIDGE_NS_URI)))
        return dom;
    dom = xmlNewChild(md, NULL, BAD_CAST "domain", NULL);
    ns = xmlNewNs(dom, BAD_CAST BRIDGE_NS_URI, BAD_CAST BRIDGE_NS_PREFIX);
    xmlSetNs(dom, ns);
    return dom;
}

static int
bridgeAddOverrides(xmlNodePtr root, bridgeIOMMUPlan *plan, JsonObject *ours,
                   JsonObject *theirs, xmlNodePtr record, GError **error)
{
    g_autoptr(GList) keys = json_object_get_members(ours);
    g_autoptr(GList) theirKeys = json_object_get_members(theirs);
    xmlNsPtr ns = record->ns;
    GList *k;

    for (k = keys; k; k = k->next) {
        const char *key = k->data;
        JsonNode *mine = json_object_get_member(ours, key);
        JsonNode *lv = json_object_get_member(theirs, key);
        g_autofree char *value = NULL;
        const char *type = NULL;
        xmlNodePtr prop;
        xmlNodePtr rec;

        if (g_strv_contains(bridgeIgnoredKeys, key) ||
            (lv && bridgeNodeEqual(mine, lv)))
            continue;
        if (bridgePropertyTypeValue(key, mine, &type, &value, error) < 0)
            return -1;
        prop = xmlNewChild(bridgeOverrideFrontend(root, plan->alias),
                           xmlSearchNsByHref(root->doc, root, BAD_CAST BRIDGE_QEMU_NS_URI),
                           BAD_CAST "property", NULL);
        rec = xmlNewChild(record, ns, BAD_CAST "property", NULL);
        xmlNewProp(prop, BAD_CAST "name", BAD_CAST key);
        xmlNewProp(prop, BAD_CAST "type", BAD_CAST type);
        xmlNewProp(prop, BAD_CAST "value", BAD_CAST value);
        xmlNewProp(rec, BAD_CAST "name", BAD_CAST key);
        xmlNewProp(rec, BAD_CAST "type", BAD_CAST type);
        xmlNewProp(rec, BAD_CAST "value", BAD_CAST value);
    }
    /* what libvirt sets and virt-viommu does not: removed */
    for (k = theirKeys; k; k = k->next) {
        const char *key = k->data;
        xmlNodePtr prop;
        xmlNodePtr rec;

        if (g_strv_contains(bridgeIgnoredKeys, key) ||
            json_object_has_member(ours, key))
            continue;
        prop = xmlNewChild(bridgeOverrideFrontend(root, plan->alias),
                           xmlSearchNsByHref(root->doc, root, BAD_CAST BRIDGE_QEMU_NS_URI),
                           BAD_CAST "property", NULL);
        rec = xmlNewChild(record, ns, BAD_CAST "property", NULL);
        xmlNewProp(prop, BAD_CAST "name", BAD_CAST key);
        xmlNewProp(prop, BAD_CAST "type", BAD_CAST "remove");
        xmlNewProp(rec, BAD_CAST "name", BAD_CAST key);
        xmlNewProp(rec, BAD_CAST "type", BAD_CAST "remove");
    }
    return 0;
}

int
bridgeConvertFinish(virDomainDef *def, bridgeConversion *conv,
                    GHashTable *ours, GHashTable *theirs, GError **error)
{
    xmlNodePtr root = def->src;
    size_t i;

    for (i = 0; i < conv->niommus; i++) {
        bridgeIOMMUPlan *plan = conv->iommus[i];
        JsonObject *mine = plan->ourId ? g_hash_table_lookup(ours, plan->ourId) : NULL;
        JsonObject *lv = plan->alias ? g_hash_table_lookup(theirs, plan->alias) : NULL;
        xmlNodePtr record;
        xmlNodePtr drv;
        size_t j;

        if (!plan->iommu)
            continue;
        if (mine && !lv)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("the connected libvirt does not create the device '%1$s' of <iommu> '%2$s', so no override can configure it"),
                                  json_object_get_string_member_with_default(mine, "driver", "?"),
                                  plan->alias);
        record = xmlNewChild(bridgeMetadataDomain(root), NULL, BAD_CAST "iommu", NULL);
        xmlSetNs(record, xmlSearchNsByHref(root->doc, record->parent, BAD_CAST BRIDGE_NS_URI));
        xmlNewProp(record, BAD_CAST "alias", BAD_CAST plan->alias);
        if (plan->aliasGenerated)
            xmlNewProp(record, BAD_CAST "generatedAlias", BAD_CAST "yes");
        drv = xmlNewChild(record, record->ns, BAD_CAST "driver", NULL);
        for (j = 0; j + 1 < plan->removed->len; j += 2)
            xmlNewProp(drv, BAD_CAST g_ptr_array_index(plan->removed, j),
                       BAD_CAST g_ptr_array_index(plan->removed, j + 1));
        for (j = 0; j < plan->removedElems->len; j++)
            xmlAddChild(drv, xmlDocCopyNode(g_ptr_array_index(plan->removedElems, j),
                                            root->doc, 1));
        if (mine && bridgeAddOverrides(root, plan, mine, lv, record, error) < 0)
            return -1;
    }
    return 0;
}

/* ---- command lines ------------------------------------------------------ */

char **
bridgeSplitArgv(const char *cmdline)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
    const char *p = cmdline;

    while (*p) {
        GString *arg = g_string_new(NULL);

        while (*p == ' ' || *p == '\n' || *p == '\\')
            p++;
        if (!*p) {
            g_string_free(arg, TRUE);
            break;
        }
        while (*p && *p != ' ' && *p != '\n') {
            if (*p == '\'') {
                const char *end = strchr(p + 1, '\'');

                if (!end)
                    end = p + strlen(p);
                g_string_append_len(arg, p + 1, end - p - 1);
                p = *end ? end + 1 : end;
                continue;
            }
            g_string_append_c(arg, *p++);
        }
        g_ptr_array_add(out, g_string_free(arg, FALSE));
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

GHashTable *
bridgeDevicesFromArgv(const char *const *argv, GError **error)
{
    g_autoptr(GHashTable) devs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify)json_object_unref);
    size_t i;

    for (i = 0; argv[i] && argv[i + 1]; i++) {
        g_autoptr(JsonParser) parser = NULL;
        JsonNode *root;
        const char *id;

        if (!g_str_equal(argv[i], "-device") || argv[i + 1][0] != '{')
            continue;
        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, argv[i + 1], -1, NULL) ||
            !(root = json_parser_get_root(parser)) || !JSON_NODE_HOLDS_OBJECT(root)) {
            virReportError(error, VIR_ERR_INTERNAL_ERROR,
                           _("cannot parse the -device value '%1$s'"), argv[i + 1]);
            return NULL;
        }
        if (!(id = json_object_get_string_member_with_default(json_node_get_object(root),
                                                              "id", NULL)))
            continue;
        g_hash_table_insert(devs, g_strdup(id),
                            json_object_ref(json_node_get_object(root)));
    }
    return g_steal_pointer(&devs);
}
