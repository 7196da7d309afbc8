/*
 * virxmlopaque.h: XML the model does not hold, kept and written back as
 *                 the user wrote it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A parser describes each element it models by a shape: the attributes it
 * reads and the child elements it reads (each with its own shape). Anything
 * else in the source element is opaque: libvirt accepted it (the document
 * was validated against libvirt's grammar first), it is not ours to judge,
 * and the formatter writes it back unchanged. The same shapes tell what a
 * consumer of the model (the command-line builder) did not see.
 */
#pragma once

#include <libxml/tree.h>

#include "virbuffer.h"
#include "virerror.h"

typedef struct _virXMLShape virXMLShape;
struct _virXMLShape {
    const char *name;
    const char *const *attrs;             /* NULL-terminated, or NULL */
    const virXMLShape *const *children;   /* NULL-terminated, or NULL */
    /* the whole subtree is read by the parser: do not look inside */
    bool whole;
};

/* Shape of the child element @name of @shape, or NULL */
const virXMLShape *virXMLShapeChild(const virXMLShape *shape, const char *name);

/* Append to @attrBuf (" name='value'") every attribute of @src that
 * @shape does not list. @src may be NULL. */
void virXMLShapeFormatOpaqueAttrs(virBuffer *attrBuf, xmlNodePtr src,
                                  const virXMLShape *shape);

/* Append to @childBuf, in document order, every element child of @src
 * that @shape does not list, as the user wrote it. @src may be NULL. */
void virXMLShapeFormatOpaqueChildren(virBuffer *childBuf, xmlNodePtr src,
                                     const virXMLShape *shape);

/* Append to @buf every element child of @src called @name (namespace-less)
 * as the user wrote it. */
void virXMLFormatChildrenNamed(virBuffer *buf, xmlNodePtr src, const char *name);

/* The first element child of @parent called @name in the namespace @uri,
 * or NULL (also for a NULL @parent) */
xmlNodePtr virXMLNodeGetChildNS(xmlNodePtr parent, const char *name,
                                const char *uri);

/* Has @node an element child? */
bool virXMLNodeHasElementChildren(xmlNodePtr node);

/* The first child element of @parent named @name (in any namespace) whose
 * attribute @attr is @value; NULL when none is */
xmlNodePtr virXMLChildWithProp(xmlNodePtr parent, const char *name,
                               const char *attr, const char *value);

/* Append @node (an element) to @buf as the user wrote it, re-indented to
 * the buffer's indentation. Namespaces it inherited are declared on it. */
void virXMLFormatNode(virBuffer *buf, xmlNodePtr node);

/* @node as libxml2 writes it (double quotes) at nesting @level (two
 * spaces each; the first line is not indented), standalone (the
 * namespaces it inherits declared on it), whitespace between elements and
 * comments dropped so that it re-indents, text as written: libvirt writes
 * <metadata> so (caller frees) */
char *virXMLNodeDumpStandalone(xmlNodePtr node, int level);

/* The root element of @doc as libvirt writes a domain: no XML
 * declaration, two-space indentation, attribute values in single quotes
 * (<metadata> children as libxml2 writes them), no comments (caller
 * frees) */
char *virXMLFormatRoot(xmlDocPtr doc);

/* Add to @out (char * items) one "path" for each thing in @src that
 * @shape does not list: "@attr" for an attribute, "child" for an element,
 * prefixed by @prefix ("disk/driver/@cache"). Known children are
 * descended into. */
void virXMLShapeCollectOpaque(xmlNodePtr src, const virXMLShape *shape,
                              const char *prefix, GPtrArray *out);

/* The superset grammar: libvirt's domain grammar from @libvirtSchemaDir
 * (NULL: where the installed libvirt keeps it) plus the extension. Loaded
 * and compiled once per directory and process. Validates @doc; the error
 * (VIR_ERR_XML_INVALID_SCHEMA) quotes libxml2's first complaints and
 * names the grammar. */
int virXMLValidateDomainSuperset(xmlDocPtr doc, const char *libvirtSchemaDir,
                                 GError **error);

/* Where libvirt's domain grammar is: $VIRT_VIOMMU_LIBVIRT_SCHEMADIR, or
 * the directory an installed libvirt uses. */
const char *virXMLLibvirtSchemaDir(void);
