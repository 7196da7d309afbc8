/*
 * virxml.c: libxml2 helpers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <string.h>

#include "virfile.h"
#include "virxml.h"

typedef struct {
    GString *msg;
} virXMLErrorCtxt;

static void
virXMLErrorCollect(void *opaque, const char *fmt, ...)
{
    virXMLErrorCtxt *ctxt = opaque;
    va_list ap;

    va_start(ap, fmt);
    g_string_append_vprintf(ctxt->msg, fmt, ap);
    va_end(ap);
}

char *
virXMLReadFile(const char *path, GError **error)
{
    g_autofree char *content = NULL;
    const char *nul;
    size_t len = 0;

    if (virFileReadBounded(path, VIR_XML_MAX_DOCUMENT_SIZE,
                           VIR_FILE_READ_PIPE_OK, &content, &len, error) < 0)
        return NULL;
    /* what follows a NUL byte would be silently ignored by the parser */
    if ((nul = memchr(content, '\0', len))) {
        virErrorSet(error, VIR_ERR_XML_ERROR,
                    _("%1$s: the document contains a NUL byte at offset %2$zu"),
                    path, (size_t)(nul - content));
        return NULL;
    }
    return g_steal_pointer(&content);
}

/* SAX hook: the parser met "<!DOCTYPE". Stop before the internal subset
 * (entity declarations) or an external one is looked at. */
static void
virXMLRefuseDocType(void *ctx,
                    const xmlChar *name G_GNUC_UNUSED,
                    const xmlChar *externalID G_GNUC_UNUSED,
                    const xmlChar *systemID G_GNUC_UNUSED)
{
    xmlParserCtxtPtr pctxt = ctx;
    bool *seen = pctxt->_private;

    *seen = true;
    xmlStopParser(pctxt);
}

xmlDocPtr
virXMLParse(const char *filename, const char *xmlStr, const char *rootName,
            GError **error)
{
    g_autofree char *content = NULL;
    xmlParserCtxtPtr pctxt;
    xmlDocPtr doc;
    xmlNodePtr root;
    virXMLErrorCtxt ectxt = { g_string_new(NULL) };
    const char *label = filename ? filename : "[inline data]";
    bool docType = false;

    if (!xmlStr) {
        if (!(content = virXMLReadFile(filename, error))) {
            g_string_free(ectxt.msg, TRUE);
            return NULL;
        }
        xmlStr = content;
    }

    if (strnlen(xmlStr, VIR_XML_MAX_DOCUMENT_SIZE + 1) > VIR_XML_MAX_DOCUMENT_SIZE) {
        g_string_free(ectxt.msg, TRUE);
        virErrorSet(error, VIR_ERR_XML_ERROR,
                    _("%1$s: the document is larger than %2$d bytes"),
                    label, VIR_XML_MAX_DOCUMENT_SIZE);
        return NULL;
    }

    pctxt = xmlNewParserCtxt();
    /* No DTD at all: no entity declarations (so no expansion bombs), no
     * external subset; with NONET and without NOENT, DTDLOAD, DTDATTR
     * and XINCLUDE, nothing outside the document is ever loaded. */
    pctxt->_private = &docType;
    pctxt->sax->internalSubset = virXMLRefuseDocType;
    xmlSetGenericErrorFunc(&ectxt, virXMLErrorCollect);
    doc = xmlCtxtReadMemory(pctxt, xmlStr, strlen(xmlStr), label, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING |
                            XML_PARSE_NOERROR);
    xmlSetGenericErrorFunc(NULL, NULL);

    if (docType) {
        if (doc)
            xmlFreeDoc(doc);
        xmlFreeParserCtxt(pctxt);
        g_string_free(ectxt.msg, TRUE);
        virErrorSet(error, VIR_ERR_XML_ERROR,
                    _("%1$s: a document type declaration (<!DOCTYPE>) is not allowed"),
                    label);
        return NULL;
    }

    if (!doc) {
        const xmlError *err = xmlCtxtGetLastError(pctxt);
        g_autofree char *detail = g_strdup(err && err->message ? err->message :
                                           _("unknown parse error"));
        g_strchomp(detail);
        virErrorSet(error, VIR_ERR_XML_DETAIL, _("%1$s:%2$d: %3$s"),
                    label, err ? err->line : 0, detail);
        xmlFreeParserCtxt(pctxt);
        g_string_free(ectxt.msg, TRUE);
        return NULL;
    }
    xmlFreeParserCtxt(pctxt);
    g_string_free(ectxt.msg, TRUE);

    root = xmlDocGetRootElement(doc);
    if (rootName && (!root || !xmlStrEqual(root->name, BAD_CAST rootName))) {
        virErrorSet(error, VIR_ERR_XML_ERROR,
                    _("expecting root element of '%1$s', not '%2$s'"),
                    rootName, root ? (const char *)root->name : "");
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

char *
virXMLPropString(xmlNodePtr node, const char *name)
{
    xmlChar *val = xmlGetNoNsProp(node, BAD_CAST name);
    char *ret;

    if (!val)
        return NULL;
    ret = g_strdup((const char *)val);
    xmlFree(val);
    return ret;
}

static int
virXMLPropMissing(xmlNodePtr node, const char *name, virXMLPropFlags flags,
                  GError **error)
{
    if (flags & VIR_XML_PROP_REQUIRED)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Missing required attribute '%1$s' in element '%2$s'"),
                              name, (const char *)node->name);
    return 0;
}

int
virXMLPropEnum(xmlNodePtr node, const char *name,
               int (*strToInt)(const char *), virXMLPropFlags flags,
               int *result, GError **error)
{
    g_autofree char *tmp = virXMLPropString(node, name);
    int val;

    if (!tmp)
        return virXMLPropMissing(node, name, flags, error);

    if ((val = strToInt(tmp)) < 0 ||
        ((flags & VIR_XML_PROP_NONZERO) && val == 0))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'."),
                              name, (const char *)node->name, tmp);
    *result = val;
    return 1;
}

int
virXMLPropTristateSwitch(xmlNodePtr node, const char *name,
                         virXMLPropFlags flags, virTristateSwitch *result,
                         GError **error)
{
    int val = 0;
    int rc = virXMLPropEnum(node, name, virTristateSwitchTypeFromString,
                            flags | VIR_XML_PROP_NONZERO, &val, error);
    if (rc == 1)
        *result = val;
    return rc;
}

int
virXMLPropTristateBool(xmlNodePtr node, const char *name,
                       virXMLPropFlags flags, virTristateBool *result,
                       GError **error)
{
    int val = 0;
    int rc = virXMLPropEnum(node, name, virTristateBoolTypeFromString,
                            flags | VIR_XML_PROP_NONZERO, &val, error);
    if (rc == 1)
        *result = val;
    return rc;
}

int
virXMLPropULongLong(xmlNodePtr node, const char *name, int base,
                    virXMLPropFlags flags, unsigned long long *result,
                    GError **error)
{
    g_autofree char *tmp = virXMLPropString(node, name);
    guint64 val;
    char *end = NULL;
    const char *p;

    if (!tmp)
        return virXMLPropMissing(node, name, flags, error);

    p = tmp;
    errno = 0;
    if (*p == '-' || *p == '+' || *p == '\0' || g_ascii_isspace(*p))
        goto invalid;
    val = g_ascii_strtoull(p, &end, base);
    if (errno != 0 || !end || *end != '\0')
        goto invalid;
    if ((flags & VIR_XML_PROP_NONZERO) && val == 0)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Invalid value for attribute '%1$s' in element '%2$s': Zero is not permitted"),
                              name, (const char *)node->name);
    *result = val;
    return 1;

 invalid:
    return virReportError(error, VIR_ERR_XML_ERROR,
                          _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'. Expected non-negative integer value"),
                          name, (const char *)node->name, tmp);
}

int
virXMLPropUInt(xmlNodePtr node, const char *name, int base,
               virXMLPropFlags flags, unsigned int *result, GError **error)
{
    unsigned long long val = 0;
    int rc = virXMLPropULongLong(node, name, base, flags, &val, error);

    if (rc != 1)
        return rc;
    if (val > G_MAXUINT) {
        g_autofree char *tmp = virXMLPropString(node, name);
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'. Expected non-negative integer value"),
                              name, (const char *)node->name, tmp);
    }
    *result = (unsigned int)val;
    return 1;
}

char *
virXMLNodeContentString(xmlNodePtr node)
{
    xmlChar *val = xmlNodeGetContent(node);
    char *ret;

    if (!val)
        return g_strdup("");
    ret = g_strdup((const char *)val);
    xmlFree(val);
    return ret;
}

xmlNodePtr
virXMLNodeGetChild(xmlNodePtr node, const char *name)
{
    xmlNodePtr cur;

    for (cur = node ? node->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE &&
            xmlStrEqual(cur->name, BAD_CAST name))
            return cur;
    }
    return NULL;
}

size_t
virXMLNodeCountChildren(xmlNodePtr node, const char *name)
{
    xmlNodePtr cur;
    size_t n = 0;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE &&
            xmlStrEqual(cur->name, BAD_CAST name))
            n++;
    }
    return n;
}

static bool
virXMLNameListed(const char *const *list, const xmlChar *name)
{
    size_t i;

    for (i = 0; list && list[i]; i++) {
        if (xmlStrEqual(name, BAD_CAST list[i]))
            return true;
    }
    return false;
}

int
virXMLCheckNode(xmlNodePtr node, const char *const *attrs,
                const char *const *children, GError **error)
{
    xmlAttrPtr attr;
    xmlNodePtr cur;
    const char *parent = node->parent && node->parent->type == XML_ELEMENT_NODE ?
                         (const char *)node->parent->name : "";

    for (attr = node->properties; attr; attr = attr->next) {
        if (!virXMLNameListed(attrs, attr->name))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("attribute '%1$s' of element <%2$s> (in <%3$s>) is not supported by libvirt-viommu; remove it"),
                                  (const char *)attr->name,
                                  (const char *)node->name, parent);
    }
    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (!virXMLNameListed(children, cur->name))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("element <%1$s> in <%2$s> is not supported by libvirt-viommu; remove it"),
                                  (const char *)cur->name,
                                  (const char *)node->name);
    }
    return 0;
}

static void
virXMLFormatElementInternal(virBuffer *buf, const char *name,
                            virBuffer *attrBuf, virBuffer *childBuf,
                            bool allowEmpty)
{
    bool haveAttrs = attrBuf && virBufferUse(attrBuf) > 0;
    bool haveChildren = childBuf && virBufferUse(childBuf) > 0;

    if (!allowEmpty && !haveAttrs && !haveChildren)
        return;

    virBufferAsprintf(buf, "<%s", name);
    if (haveAttrs)
        virBufferAddBuffer(buf, attrBuf);
    if (haveChildren) {
        virBufferAddLit(buf, ">\n");
        virBufferAddBuffer(buf, childBuf);
        virBufferAsprintf(buf, "</%s>\n", name);
    } else {
        virBufferAddLit(buf, "/>\n");
    }
    if (attrBuf)
        virBufferFreeAndReset(attrBuf);
    if (childBuf)
        virBufferFreeAndReset(childBuf);
}

void
virXMLFormatElement(virBuffer *buf, const char *name,
                    virBuffer *attrBuf, virBuffer *childBuf)
{
    virXMLFormatElementInternal(buf, name, attrBuf, childBuf, false);
}

void
virXMLFormatElementEmpty(virBuffer *buf, const char *name,
                         virBuffer *attrBuf, virBuffer *childBuf)
{
    virXMLFormatElementInternal(buf, name, attrBuf, childBuf, true);
}

char *
virXMLNodeToString(xmlDocPtr doc, xmlNodePtr node)
{
    xmlBufferPtr xbuf = xmlBufferCreate();
    char *ret;

    xmlNodeDump(xbuf, doc, node, 0, 0);
    ret = g_strdup((const char *)xmlBufferContent(xbuf));
    xmlBufferFree(xbuf);
    return ret;
}

char *
virXMLSchemaPath(const char *name)
{
    const char *env = g_getenv("VIRT_VIOMMU_SCHEMADIR");
    g_autofree char *src = g_build_filename(SRC_SCHEMADIR, name, NULL);

    if (env && *env)
        return g_build_filename(env, name, NULL);
    if (g_file_test(src, G_FILE_TEST_EXISTS))
        return g_steal_pointer(&src);
    return g_build_filename(SCHEMADIR, name, NULL);
}

void
virXMLRelaxNGCollect(void *opaque, const char *fmt, ...)
{
    GString *msg = opaque;
    va_list ap;

    if (msg->len > 1024)
        return;
    va_start(ap, fmt);
    g_string_append_vprintf(msg, fmt, ap);
    va_end(ap);
}

int
virXMLValidateAgainstSchema(xmlDocPtr doc, const char *schemaPath,
                            GError **error)
{
    xmlRelaxNGParserCtxtPtr pctxt = NULL;
    xmlRelaxNGPtr rng = NULL;
    xmlRelaxNGValidCtxtPtr vctxt = NULL;
    g_autoptr(GString) msg = g_string_new(NULL);
    int ret = -1;

    if (!(pctxt = xmlRelaxNGNewParserCtxt(schemaPath))) {
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("cannot create a RelaxNG parser for '%1$s'"), schemaPath);
        goto cleanup;
    }
    xmlRelaxNGSetParserErrors(pctxt, virXMLRelaxNGCollect, virXMLRelaxNGCollect, msg);
    if (!(rng = xmlRelaxNGParse(pctxt))) {
        g_strchomp(msg->str);
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("cannot load the RelaxNG schema '%1$s': %2$s"),
                       schemaPath, msg->str);
        goto cleanup;
    }
    vctxt = xmlRelaxNGNewValidCtxt(rng);
    xmlRelaxNGSetValidErrors(vctxt, virXMLRelaxNGCollect, virXMLRelaxNGCollect, msg);
    if (xmlRelaxNGValidateDoc(vctxt, doc) != 0) {
        g_autofree char *base = g_path_get_basename(schemaPath);
        g_strchomp(msg->str);
        virReportError(error, VIR_ERR_XML_INVALID_SCHEMA,
                       _("%1$s: %2$s"), base, msg->str);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    if (vctxt)
        xmlRelaxNGFreeValidCtxt(vctxt);
    if (rng)
        xmlRelaxNGFree(rng);
    if (pctxt)
        xmlRelaxNGFreeParserCtxt(pctxt);
    return ret;
}
