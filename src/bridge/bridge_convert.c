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

/* <hostdev><driver> attributes libvirt knows (vpasidCapOffset is ours) */
static const bridgeLibvirtAttr bridgeLibvirtHostdevAttrs[] = {
    { "name", 0 }, { "model", 0 }, { "iommufd", BRIDGE_LIBVIRT_12_1 },
};

struct _bridgeDeviceKind {
    const char *element;              /* <iommu>, <hostdev> */
    const char *aliasPrefix;          /* the user alias the conversion gives */
    const bridgeLibvirtAttr *attrs;   /* the <driver> attributes libvirt knows */
    size_t nattrs;
    const bridgeLibvirtAttr *elems;   /* the <driver> children libvirt knows */
    size_t nelems;
    bool aliasAlways;                 /* an alias even when nothing was removed */
    bool overrideExact;               /* remove the properties only libvirt sets */
};

/* Every vIOMMU is converted: virt-viommu decides all of its properties. */
static const bridgeDeviceKind bridgeIOMMUKind = {
    "iommu", BRIDGE_IOMMU_ALIAS_PREFIX,
    bridgeLibvirtIOMMUAttrs, G_N_ELEMENTS(bridgeLibvirtIOMMUAttrs),
    bridgeLibvirtIOMMUElems, G_N_ELEMENTS(bridgeLibvirtIOMMUElems),
    true, true,
};

/* A hostdev only when it holds something libvirt lacks; libvirt's own
 * properties of it (bootindex, failover, ...) come from parts of the
 * domain the model leaves to libvirt and are kept. */
static const bridgeDeviceKind bridgeHostdevKind = {
    "hostdev", BRIDGE_HOSTDEV_ALIAS_PREFIX,
    bridgeLibvirtHostdevAttrs, G_N_ELEMENTS(bridgeLibvirtHostdevAttrs),
    NULL, 0,
    false, false,
};

/* <iommu model=...> values, when the domain capabilities do not list them */
static const bridgeLibvirtAttr bridgeLibvirtIOMMUModels[] = {
    { "intel", 0 }, { "smmuv3", 0 }, { "virtio", 0 },
    { "amd", BRIDGE_LIBVIRT_12_8 },
};

/* Attributes whose value a device override cannot give: they change which
 * devices libvirt creates, not the properties of one. */
static const char *const bridgeStructuralAttrs[] = { "pciBus", NULL };

/* Keys of a -device value that are addressing, not behaviour, and the
 * file descriptors libvirt passes at start (placeholders in ours) */
static const char *const bridgeIgnoredKeys[] = {
    "id", "bus", "addr", "primary-bus", "multifunction", "fd", NULL
};

bool
bridgeIgnoredKey(const char *key)
{
    return g_strv_contains(bridgeIgnoredKeys, key);
}

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
bridgeDevicePlanFree(bridgeDevicePlan *plan)
{
    if (!plan)
        return;
    g_free(plan->ourId);
    g_free(plan->alias);
    g_ptr_array_unref(plan->removed);
    g_ptr_array_unref(plan->removedElems);
    g_free(plan);
}

static bridgeDevicePlan *
bridgeDevicePlanNew(const bridgeDeviceKind *kind, xmlNodePtr elem,
                    const char *ourId)
{
    bridgeDevicePlan *plan = g_new0(bridgeDevicePlan, 1);

    plan->kind = kind;
    plan->elem = elem;
    plan->ourId = g_strdup(ourId);
    plan->removed = g_ptr_array_new_with_free_func(g_free);
    plan->removedElems = g_ptr_array_new_with_free_func((GDestroyNotify)xmlFreeNode);
    return plan;
}

void
bridgeConversionFree(bridgeConversion *conv)
{
    if (!conv)
        return;
    g_ptr_array_unref(conv->plans);
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

/* Is the <driver> attribute @name of @elem one the connected libvirt
 * knows? */
static bool
bridgeLibvirtKnows(const bridgeDeviceKind *kind, xmlNodePtr elem,
                   const char *name, const bridgeLibvirtFacts *facts,
                   unsigned long *minVersion)
{
    const bridgeLibvirtAttr *a = bridgeFindAttr(kind->attrs, kind->nattrs, name);

    *minVersion = a ? a->minVersion : 0;
    if (!a || facts->version < a->minVersion)
        return false;
    /* libvirt 11.3 takes no <driver> attribute for virtio-iommu */
    if (kind == &bridgeIOMMUKind && facts->version < BRIDGE_LIBVIRT_12_8) {
        g_autofree char *model = virXMLPropString(elem, "model");

        return g_strcmp0(model, "virtio") != 0;
    }
    return true;
}

static int
bridgeStripAttrs(xmlNodePtr driver, bridgeDevicePlan *plan,
                 const bridgeLibvirtFacts *facts, GError **error)
{
    xmlAttrPtr attr;
    xmlAttrPtr next;

    for (attr = driver->properties; attr; attr = next) {
        const char *name = (const char *)attr->name;
        unsigned long minVersion;

        next = attr->next;
        if (bridgeLibvirtKnows(plan->kind, plan->elem, name, facts, &minVersion))
            continue;
        if (minVersion && g_strv_contains(bridgeStructuralAttrs, name)) {
            g_autofree char *need = bridgeVersionString(minVersion);
            g_autofree char *have = bridgeVersionString(facts->version);
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("<%1$s><driver %2$s=...> needs libvirt %3$s or newer, which creates the device it asks for; the connected libvirt is %4$s"),
                                  plan->kind->element, name, need, have);
        }
        g_ptr_array_add(plan->removed, g_strdup(name));
        g_ptr_array_add(plan->removed, virXMLPropString(driver, name));
        xmlRemoveProp(attr);
    }
    return 0;
}

static void
bridgeStripElems(xmlNodePtr driver, bridgeDevicePlan *plan,
                 const bridgeLibvirtFacts *facts)
{
    xmlNodePtr child;
    xmlNodePtr next;

    for (child = xmlFirstElementChild(driver); child; child = next) {
        const bridgeLibvirtAttr *e = bridgeFindAttr(plan->kind->elems, plan->kind->nelems,
                                                    (const char *)child->name);

        next = xmlNextElementSibling(child);
        if (e && facts->version >= e->minVersion)
            continue;
        xmlUnlinkNode(child);
        g_ptr_array_add(plan->removedElems, child);
    }
}

/* Remove from the device's <driver> what the connected libvirt lacks */
static int
bridgeStripDriver(bridgeDevicePlan *plan, const bridgeLibvirtFacts *facts,
                  GError **error)
{
    xmlNodePtr driver = virXMLNodeGetChild(plan->elem, "driver");

    if (!driver)
        return 0;
    if (bridgeStripAttrs(driver, plan, facts, error) < 0)
        return -1;
    bridgeStripElems(driver, plan, facts);
    /* an empty <driver/> is not in every libvirt's grammar (11.3 has none
     * for virtio): drop it, the reverse writes it back */
    if (!driver->properties && !xmlFirstElementChild(driver) &&
        (plan->removed->len || plan->removedElems->len)) {
        xmlUnlinkNode(driver);
        xmlFreeNode(driver);
    }
    return 0;
}

static bool
bridgeAliasInUse(xmlNodePtr root, const char *name)
{
    g_autoptr(xmlXPathContext) ctxt = xmlXPathNewContext(root->doc);
    g_autoptr(xmlXPathObject) obj = NULL;
    /* a device's alias, or one the user's own <qemu:override> names */
    g_autofree char *expr = g_strdup_printf("count(//devices/*/alias[@name='%s'] | "
                                            "/*/*[local-name()='override']/*[local-name()='device'][@alias='%s'])",
                                            name, name);

    ctxt->node = root;
    obj = xmlXPathEvalExpression(BAD_CAST expr, ctxt);
    return obj && obj->floatval > 0;
}

/* The device's user alias: its own ua- one, or a new one
 * (prefix + the lowest number no device of the domain uses) */
static void
bridgeAssignAlias(xmlNodePtr root, bridgeDevicePlan *plan)
{
    xmlNodePtr alias = virXMLNodeGetChild(plan->elem, "alias");
    g_autofree char *name = alias ? virXMLPropString(alias, "name") : NULL;
    size_t n = 0;

    if (name && g_str_has_prefix(name, VIR_DOMAIN_USER_ALIAS_PREFIX)) {
        plan->alias = g_steal_pointer(&name);
        return;
    }
    /* libvirt ignores any other alias of an inactive definition */
    if (alias) {
        xmlUnlinkNode(alias);
        xmlFreeNode(alias);
    }
    do {
        g_free(plan->alias);
        plan->alias = g_strdup_printf("%s%zu", plan->kind->aliasPrefix, n++);
    } while (bridgeAliasInUse(root, plan->alias));
    plan->aliasGenerated = true;
    alias = xmlNewChild(plan->elem, NULL, BAD_CAST "alias", NULL);
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

/* Convert the device of @info (its element in the kept document) as a
 * @kind, and add its plan to @conv. A device post-parse added (no
 * element) is left alone: libvirt adds it too. */
static int
bridgeConvertDevice(bridgeConversion *conv, xmlNodePtr root,
                    const bridgeDeviceKind *kind, const virDomainDeviceInfo *info,
                    const bridgeLibvirtFacts *facts, GError **error)
{
    bridgeDevicePlan *plan;

    if (!info->src)
        return 0;
    plan = bridgeDevicePlanNew(kind, info->src, info->alias);
    g_ptr_array_add(conv->plans, plan);
    if (kind == &bridgeIOMMUKind && bridgeCheckModel(info->src, facts, error) < 0)
        return -1;
    if (bridgeStripDriver(plan, facts, error) < 0)
        return -1;
    if (kind->aliasAlways || plan->removed->len || plan->removedElems->len)
        bridgeAssignAlias(root, plan);
    return 0;
}

bridgeConversion *
bridgeConvertPrepare(virDomainDef *def, const bridgeLibvirtFacts *facts,
                     GError **error)
{
    g_autoptr(bridgeConversion) conv = g_new0(bridgeConversion, 1);
    size_t i;

    conv->plans = g_ptr_array_new_with_free_func((GDestroyNotify)bridgeDevicePlanFree);
    if (bridgeCheckIOMMUFD(def, facts, error) < 0)
        return NULL;
    for (i = 0; i < def->niommus; i++) {
        if (bridgeConvertDevice(conv, def->src, &bridgeIOMMUKind,
                                &def->iommus[i]->info, facts, error) < 0)
            return NULL;
    }
    for (i = 0; i < def->nhostdevs; i++) {
        if (bridgeConvertDevice(conv, def->src, &bridgeHostdevKind,
                                &def->hostdevs[i]->info, facts, error) < 0)
            return NULL;
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
    if (!(dev = virXMLChildWithProp(override, "device", "alias", alias))) {
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

/* One <qemu:property> of the device's override, and its record. A
 * property the user's own override already sets is refused: the two
 * would fight, and the reverse could not tell them apart. */
static int
bridgeAddProperty(xmlNodePtr root, const bridgeDevicePlan *plan,
                  xmlNodePtr record, const char *key, const char *type,
                  const char *value, GError **error)
{
    xmlNodePtr fe = bridgeOverrideFrontend(root, plan->alias);
    xmlNodePtr prop;
    xmlNodePtr rec;

    if (virXMLChildWithProp(fe, "property", "name", key))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("the domain's own <qemu:override> of '%1$s' sets '%2$s', which virt-viommu sets for <%3$s>: remove it from the override"),
                              plan->alias, key, plan->kind->element);
    prop = xmlNewChild(fe, fe->ns, BAD_CAST "property", NULL);
    rec = xmlNewChild(record, record->ns, BAD_CAST "property", NULL);

    xmlNewProp(prop, BAD_CAST "name", BAD_CAST key);
    xmlNewProp(prop, BAD_CAST "type", BAD_CAST type);
    xmlNewProp(rec, BAD_CAST "name", BAD_CAST key);
    xmlNewProp(rec, BAD_CAST "type", BAD_CAST type);
    if (value) {
        xmlNewProp(prop, BAD_CAST "value", BAD_CAST value);
        xmlNewProp(rec, BAD_CAST "value", BAD_CAST value);
    }
    return 0;
}

static int
bridgeAddOverrides(xmlNodePtr root, const bridgeDevicePlan *plan,
                   JsonObject *ours, JsonObject *theirs, xmlNodePtr record,
                   GError **error)
{
    g_autoptr(GList) keys = json_object_get_members(ours);
    g_autoptr(GList) theirKeys = json_object_get_members(theirs);
    GList *k;

    for (k = keys; k; k = k->next) {
        const char *key = k->data;
        JsonNode *mine = json_object_get_member(ours, key);
        JsonNode *lv = json_object_get_member(theirs, key);
        g_autofree char *value = NULL;
        const char *type = NULL;

        if (bridgeIgnoredKey(key) ||
            (lv && bridgeNodeEqual(mine, lv)))
            continue;
        if (bridgePropertyTypeValue(key, mine, &type, &value, error) < 0 ||
            bridgeAddProperty(root, plan, record, key, type, value, error) < 0)
            return -1;
    }
    if (!plan->kind->overrideExact)
        return 0;
    /* what libvirt sets and virt-viommu does not: removed */
    for (k = theirKeys; k; k = k->next) {
        const char *key = k->data;

        if (bridgeIgnoredKey(key) ||
            json_object_has_member(ours, key))
            continue;
        if (bridgeAddProperty(root, plan, record, key, "remove", NULL, error) < 0)
            return -1;
    }
    return 0;
}

/* <viommu:iommu|hostdev alias=...><viommu:driver .../> of @plan */
static xmlNodePtr
bridgeAddRecord(xmlNodePtr root, const bridgeDevicePlan *plan)
{
    xmlNodePtr dom = bridgeMetadataDomain(root);
    xmlNodePtr record = xmlNewChild(dom, dom->ns, BAD_CAST plan->kind->element, NULL);
    xmlNodePtr drv;
    size_t j;

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
    return record;
}

int
bridgeConvertFinish(virDomainDef *def, bridgeConversion *conv,
                    GHashTable *ours, GHashTable *theirs, GError **error)
{
    xmlNodePtr root = def->src;
    size_t i;

    for (i = 0; i < conv->plans->len; i++) {
        const bridgeDevicePlan *plan = g_ptr_array_index(conv->plans, i);
        JsonObject *mine = plan->ourId ? g_hash_table_lookup(ours, plan->ourId) : NULL;
        JsonObject *lv = NULL;
        xmlNodePtr record;

        if (!plan->alias)
            continue;   /* nothing libvirt lacks */
        lv = g_hash_table_lookup(theirs, plan->alias);
        if (mine && !lv)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("the connected libvirt does not create the device '%1$s' of <%2$s> '%3$s', so no override can configure it"),
                                  json_object_get_string_member_with_default(mine, "driver", "?"),
                                  plan->kind->element, plan->alias);
        record = bridgeAddRecord(root, plan);
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

        /* between arguments: blanks, and "\" at the end of a line */
        while (*p == ' ' || *p == '\n' || (*p == '\\' && p[1] == '\n'))
            p += *p == '\\' ? 2 : 1;
        if (!*p) {
            g_string_free(arg, TRUE);
            break;
        }
        while (*p && *p != ' ' && *p != '\n') {
            /* outside quotes a backslash takes the next character as it
             * is: libvirt writes a quote in a value as '\'' */
            if (*p == '\\' && p[1]) {
                g_string_append_c(arg, p[1]);
                p += 2;
                continue;
            }
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
