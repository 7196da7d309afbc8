/*
 * virxmlopaque.c: XML the model does not hold, kept and written back
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <libxml/relaxng.h>

#include "virxmlopaque.h"
#include "virxml.h"

/* Where Debian, Fedora and upstream's default prefix install libvirt's
 * RelaxNG grammars; libvirt-superset.rng includes domain.rng from here. */
#define VIR_XML_LIBVIRT_SCHEMADIR_DEFAULT "/usr/share/libvirt/schemas"

static bool
virXMLShapeListed(const char *const *list, const xmlChar *name)
{
    size_t i;

    for (i = 0; list && list[i]; i++) {
        if (xmlStrEqual(name, BAD_CAST list[i]))
            return true;
    }
    return false;
}

const virXMLShape *
virXMLShapeChild(const virXMLShape *shape, const char *name)
{
    size_t i;

    for (i = 0; shape && shape->children && shape->children[i]; i++) {
        if (g_str_equal(shape->children[i]->name, name))
            return shape->children[i];
    }
    return NULL;
}

/* Is @node a child element the shape models? Namespaced elements never are. */
static bool
virXMLShapeHasChild(const virXMLShape *shape, xmlNodePtr node)
{
    return !node->ns && virXMLShapeChild(shape, (const char *)node->name);
}

static bool
virXMLShapeHasAttr(const virXMLShape *shape, xmlAttrPtr attr)
{
    return !attr->ns && shape && virXMLShapeListed(shape->attrs, attr->name);
}

void
virXMLShapeFormatOpaqueAttrs(virBuffer *attrBuf, xmlNodePtr src,
                             const virXMLShape *shape)
{
    xmlAttrPtr attr;

    for (attr = src ? src->properties : NULL; attr; attr = attr->next) {
        g_autofree char *val = NULL;
        xmlChar *raw;

        if (virXMLShapeHasAttr(shape, attr))
            continue;
        raw = xmlNodeListGetString(src->doc, attr->children, 1);
        val = g_strdup(raw ? (const char *)raw : "");
        xmlFree(raw);
        if (attr->ns && attr->ns->prefix)
            virBufferAsprintf(attrBuf, " %s:%s=", (const char *)attr->ns->prefix,
                              (const char *)attr->name);
        else
            virBufferAsprintf(attrBuf, " %s=", (const char *)attr->name);
        virBufferEscapeString(attrBuf, "'%s'", val);
    }
}

void
virXMLShapeFormatOpaqueChildren(virBuffer *childBuf, xmlNodePtr src,
                                const virXMLShape *shape)
{
    xmlNodePtr cur;

    for (cur = src ? src->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && !virXMLShapeHasChild(shape, cur))
            virXMLFormatNode(childBuf, cur);
    }
}

void
virXMLFormatChildrenNamed(virBuffer *buf, xmlNodePtr src, const char *name)
{
    xmlNodePtr cur;

    for (cur = src ? src->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && !cur->ns &&
            xmlStrEqual(cur->name, BAD_CAST name))
            virXMLFormatNode(buf, cur);
    }
}

xmlNodePtr
virXMLNodeGetChildNS(xmlNodePtr parent, const char *name, const char *uri)
{
    xmlNodePtr cur;

    for (cur = parent ? parent->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && cur->ns &&
            xmlStrEqual(cur->ns->href, BAD_CAST uri) &&
            xmlStrEqual(cur->name, BAD_CAST name))
            return cur;
    }
    return NULL;
}

xmlNodePtr
virXMLChildWithProp(xmlNodePtr parent, const char *name, const char *attr,
                    const char *value)
{
    xmlNodePtr cur;

    for (cur = parent ? parent->children : NULL; cur; cur = cur->next) {
        g_autofree char *v = NULL;

        if (cur->type != XML_ELEMENT_NODE || !xmlStrEqual(cur->name, BAD_CAST name))
            continue;
        v = virXMLPropString(cur, attr);
        if (g_strcmp0(v, value) == 0)
            return cur;
    }
    return NULL;
}

bool
virXMLNodeHasElementChildren(xmlNodePtr node)
{
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE)
            return true;
    }
    return false;
}

static void
virXMLFormatQName(virBuffer *buf, xmlNsPtr ns, const xmlChar *name)
{
    if (ns && ns->prefix)
        virBufferAsprintf(buf, "%s:", (const char *)ns->prefix);
    virBufferAdd(buf, (const char *)name, -1);
}

/* The attributes and namespace declarations of @node, libvirt's style:
 * single quotes, XML-escaped values. */
static void
virXMLFormatNodeAttrs(virBuffer *buf, xmlNodePtr node)
{
    xmlNsPtr ns;
    xmlAttrPtr attr;

    for (attr = node->properties; attr; attr = attr->next) {
        xmlChar *val = xmlNodeListGetString(node->doc, attr->children, 1);

        virBufferAddLit(buf, " ");
        virXMLFormatQName(buf, attr->ns, attr->name);
        virBufferEscapeString(buf, "='%s'", val ? (const char *)val : "");
        xmlFree(val);
    }
    /* after the attributes, as libvirt writes <domain type=... xmlns:qemu=...> */
    for (ns = node->nsDef; ns; ns = ns->next) {
        if (ns->prefix)
            virBufferAsprintf(buf, " xmlns:%s=", (const char *)ns->prefix);
        else
            virBufferAddLit(buf, " xmlns=");
        virBufferEscapeString(buf, "'%s'", (const char *)ns->href);
    }
}

/* Text and CDATA of a leaf element, escaped; blank text and comments
 * between elements are dropped so that the copy is re-indented. */
static void
virXMLFormatNodeText(virBuffer *buf, xmlNodePtr node)
{
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE)
            virBufferEscapeString(buf, "%s", (const char *)cur->content);
    }
}

/* Drop whitespace-only text and comments between elements so that the
 * copy can be re-indented consistently; text inside leaf elements is
 * kept. */
static void
virXMLStripBlanks(xmlNodePtr node)
{
    xmlNodePtr cur = node->children;
    bool hasElements = false;

    for (cur = node->children; cur; cur = cur->next)
        hasElements |= cur->type == XML_ELEMENT_NODE;
    cur = node->children;
    while (cur) {
        xmlNodePtr next = cur->next;

        if (cur->type == XML_ELEMENT_NODE) {
            virXMLStripBlanks(cur);
        } else if (hasElements && (cur->type == XML_COMMENT_NODE ||
                                   (cur->type == XML_TEXT_NODE &&
                                    xmlIsBlankNode(cur)))) {
            xmlUnlinkNode(cur);
            xmlFreeNode(cur);
        }
        cur = next;
    }
}

char *
virXMLNodeDumpStandalone(xmlNodePtr node, int level)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr copy = xmlDocCopyNode(node, doc, 1);
    xmlBufferPtr xbuf = xmlBufferCreate();
    char *ret;

    xmlDocSetRootElement(doc, copy);
    virXMLStripBlanks(copy);
    xmlNodeDump(xbuf, doc, copy, level, 1);
    ret = g_strdup((const char *)xmlBufferContent(xbuf));
    xmlBufferFree(xbuf);
    return ret;
}

/* <metadata> of a domain the way libvirt writes it: libxml2's dump of the
 * element (double quotes) at the buffer's indentation, the continuation
 * lines of a multi-line text left as written */
static void
virXMLFormatMetadata(virBuffer *buf, xmlNodePtr metadata)
{
    g_autofree char *dump = virXMLNodeDumpStandalone(metadata, 1);

    virBufferAdd(buf, dump, -1);
    virBufferAddLit(buf, "\n");
}

static bool
virXMLIsDomainMetadata(xmlNodePtr node)
{
    return !node->ns && xmlStrEqual(node->name, BAD_CAST "metadata") &&
           node->parent && node->parent->type == XML_ELEMENT_NODE &&
           xmlStrEqual(node->parent->name, BAD_CAST "domain") &&
           node->parent->parent && node->parent->parent->type == XML_DOCUMENT_NODE;
}

/* No children, or only the indentation and comments left of children
 * that were removed (blank text with a line break): written as an empty
 * element. A text of spaces alone is content and stays. */
static bool
virXMLNodeIsBlank(xmlNodePtr node)
{
    bool layout = !node->children;
    xmlNodePtr cur;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_COMMENT_NODE)
            continue;
        if (cur->type != XML_TEXT_NODE || !xmlIsBlankNode(cur))
            return false;
        if (cur->content && strchr((const char *)cur->content, '\n'))
            layout = true;
    }
    return layout || (node->children && !node->children->next &&
                      node->children->type == XML_COMMENT_NODE);
}

static void
virXMLFormatElementNode(virBuffer *buf, xmlNodePtr node)
{
    xmlNodePtr cur;

    if (virXMLIsDomainMetadata(node)) {
        virXMLFormatMetadata(buf, node);
        return;
    }

    virBufferAddLit(buf, "<");
    virXMLFormatQName(buf, node->ns, node->name);
    virXMLFormatNodeAttrs(buf, node);
    if (virXMLNodeIsBlank(node)) {
        virBufferAddLit(buf, "/>\n");
        return;
    }
    if (!virXMLNodeHasElementChildren(node)) {
        virBufferAddLit(buf, ">");
        virXMLFormatNodeText(buf, node);
    } else {
        virBufferAddLit(buf, ">\n");
        virBufferAdjustIndent(buf, 2);
        for (cur = node->children; cur; cur = cur->next) {
            if (cur->type == XML_ELEMENT_NODE)
                virXMLFormatElementNode(buf, cur);
        }
        virBufferAdjustIndent(buf, -2);
    }
    virBufferAddLit(buf, "</");
    virXMLFormatQName(buf, node->ns, node->name);
    virBufferAddLit(buf, ">\n");
}

void
virXMLFormatNode(virBuffer *buf, xmlNodePtr node)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr copy = xmlDocCopyNode(node, doc, 1);

    /* a copy into its own document declares the namespaces it inherited */
    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    virXMLFormatElementNode(buf, copy);
}

char *
virXMLFormatRoot(xmlDocPtr doc)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    xmlNodePtr root = xmlDocGetRootElement(doc);

    if (root)
        virXMLFormatElementNode(&buf, root);
    return virBufferContentAndReset(&buf);
}

static void
virXMLShapeCollectAttrs(xmlNodePtr src, const virXMLShape *shape,
                        const char *prefix, GPtrArray *out)
{
    xmlAttrPtr attr;

    for (attr = src->properties; attr; attr = attr->next) {
        if (!virXMLShapeHasAttr(shape, attr))
            g_ptr_array_add(out, g_strdup_printf("%s/@%s", prefix,
                                                 (const char *)attr->name));
    }
}

void
virXMLShapeCollectOpaque(xmlNodePtr src, const virXMLShape *shape,
                         const char *prefix, GPtrArray *out)
{
    xmlNodePtr cur;

    if (!src || (shape && shape->whole))
        return;
    virXMLShapeCollectAttrs(src, shape, prefix, out);
    for (cur = src->children; cur; cur = cur->next) {
        g_autofree char *path = NULL;
        const virXMLShape *child;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        path = cur->ns && cur->ns->prefix ?
            g_strdup_printf("%s/%s:%s", prefix, (const char *)cur->ns->prefix,
                            (const char *)cur->name) :
            g_strdup_printf("%s/%s", prefix, (const char *)cur->name);
        if (!virXMLShapeHasChild(shape, cur)) {
            g_ptr_array_add(out, g_steal_pointer(&path));
            continue;
        }
        child = virXMLShapeChild(shape, (const char *)cur->name);
        virXMLShapeCollectOpaque(cur, child, path, out);
    }
}

/* ---- the superset grammar ------------------------------------------------- */

const char *
virXMLLibvirtSchemaDir(void)
{
    const char *env = g_getenv("VIRT_VIOMMU_LIBVIRT_SCHEMADIR");

    return env && *env ? env : VIR_XML_LIBVIRT_SCHEMADIR_DEFAULT;
}

/* Does libvirt's grammar in @dir have the domain-level <iommufd> element
 * (libvirt 12.2 and later)? */
static bool
virXMLLibvirtHasIOMMUFD(const char *dir)
{
    g_autofree char *common = g_build_filename(dir, "domaincommon.rng", NULL);
    g_autofree char *text = NULL;

    return g_file_get_contents(common, &text, NULL, NULL) &&
           strstr(text, "<define name=\"iommufd\">");
}

/* Drop the superset's own domain-level <iommufd> (the define that combines
 * with libvirt's "events") when libvirt's grammar has the element:
 * two of them in one interleave do not compile. */
static void
virXMLSupersetDropIOMMUFD(xmlDocPtr doc)
{
    xmlNodePtr cur;

    for (cur = xmlDocGetRootElement(doc)->children; cur; cur = cur->next) {
        g_autofree char *name = NULL;
        g_autofree char *combine = NULL;

        if (cur->type != XML_ELEMENT_NODE || !xmlStrEqual(cur->name, BAD_CAST "define"))
            continue;
        name = virXMLPropString(cur, "name");
        combine = virXMLPropString(cur, "combine");
        if (g_strcmp0(name, "events") == 0 && combine) {
            xmlUnlinkNode(cur);
            xmlFreeNode(cur);
            return;
        }
    }
}

/* Compile libvirt-superset.rng with its include pointing at @dir */
static xmlRelaxNGPtr
virXMLSupersetCompile(const char *dir, GError **error)
{
    g_autofree char *path = virXMLSchemaPath("libvirt-superset.rng");
    g_autofree char *domainRng = g_build_filename(dir, "domain.rng", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GString) s = NULL;
    g_autoptr(GString) msg = g_string_new(NULL);
    g_autoptr(xmlDoc) doc = NULL;
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGPtr rng;

    if (!g_file_test(domainRng, G_FILE_TEST_IS_REGULAR)) {
        virReportError(error, VIR_ERR_OPERATION_FAILED,
                       _("libvirt's domain grammar '%1$s' is missing: install libvirt (Debian: libvirt-daemon or libvirt-clients), or set VIRT_VIOMMU_LIBVIRT_SCHEMADIR to the directory of the libvirt whose domains you check"),
                       domainRng);
        return NULL;
    }
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        virReportError(error, VIR_ERR_OPERATION_FAILED,
                       _("cannot read the RelaxNG schema '%1$s'"), path);
        return NULL;
    }
    s = g_string_new(text);
    g_string_replace(s, VIR_XML_LIBVIRT_SCHEMADIR_DEFAULT "/domain.rng", domainRng, 0);
    if (!(doc = xmlReadMemory(s->str, s->len, path, NULL, XML_PARSE_NONET))) {
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("cannot parse the RelaxNG schema '%1$s'"), path);
        return NULL;
    }
    if (virXMLLibvirtHasIOMMUFD(dir))
        virXMLSupersetDropIOMMUFD(doc);
    pctxt = xmlRelaxNGNewDocParserCtxt(doc);
    xmlRelaxNGSetParserErrors(pctxt, virXMLRelaxNGCollect, virXMLRelaxNGCollect, msg);
    rng = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!rng) {
        g_strchomp(msg->str);
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("cannot load the RelaxNG schema '%1$s' with libvirt's grammar from '%2$s': %3$s"),
                       path, dir, msg->str);
    }
    return rng;
}

/* Compiled grammars by libvirt schema directory, kept for the process */
static GHashTable *virXMLSupersetCache;
G_LOCK_DEFINE_STATIC(virXMLSupersetCache);

static xmlRelaxNGPtr
virXMLSupersetGet(const char *dir, GError **error)
{
    xmlRelaxNGPtr rng;

    G_LOCK(virXMLSupersetCache);
    if (!virXMLSupersetCache)
        virXMLSupersetCache = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                    g_free, NULL);
    if (!(rng = g_hash_table_lookup(virXMLSupersetCache, dir)) &&
        (rng = virXMLSupersetCompile(dir, error)))
        g_hash_table_insert(virXMLSupersetCache, g_strdup(dir), rng);
    G_UNLOCK(virXMLSupersetCache);
    return rng;
}

int
virXMLValidateDomainSuperset(xmlDocPtr doc, const char *libvirtSchemaDir,
                             GError **error)
{
    const char *dir = libvirtSchemaDir ? libvirtSchemaDir : virXMLLibvirtSchemaDir();
    xmlRelaxNGPtr rng = virXMLSupersetGet(dir, error);
    xmlRelaxNGValidCtxtPtr vctxt;
    g_autoptr(GString) msg = g_string_new(NULL);
    int rc;

    if (!rng)
        return -1;
    vctxt = xmlRelaxNGNewValidCtxt(rng);
    xmlRelaxNGSetValidErrors(vctxt, virXMLRelaxNGCollect, virXMLRelaxNGCollect, msg);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    if (rc != 0) {
        g_strchomp(msg->str);
        return virReportError(error, VIR_ERR_XML_INVALID_SCHEMA,
                              _("the document is not a libvirt domain (libvirt's grammar from '%1$s' plus the vIOMMU extension): %2$s"),
                              dir, msg->str);
    }
    return 0;
}
