/*
 * virxml.h: libxml2 helpers: strict attribute/child checks, typed
 *           attribute getters, element formatting
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/relaxng.h>

#include "virbuffer.h"
#include "virenum.h"
#include "virerror.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject);

/* The largest document read (bytes): libvirt's RPC carries no string
 * longer than this (REMOTE_STRING_MAX), so no domain libvirt can define
 * is larger. */
#define VIR_XML_MAX_DOCUMENT_SIZE (4 * 1024 * 1024)

/* Parse @xmlStr (or the file @filename when @xmlStr is NULL). When
 * @rootName is given the root element must have that name. A document
 * type declaration (and with it every entity declaration and external
 * subset) is refused, so is a document larger than
 * VIR_XML_MAX_DOCUMENT_SIZE or, read from a file, one with a NUL byte. */
xmlDocPtr virXMLParse(const char *filename, const char *xmlStr,
                      const char *rootName, GError **error);

/* Read a whole document (at most VIR_XML_MAX_DOCUMENT_SIZE bytes, no NUL
 * byte, a regular file or a pipe) into memory. */
char *virXMLReadFile(const char *path, GError **error);

typedef enum {
    VIR_XML_PROP_NONE = 0,
    VIR_XML_PROP_REQUIRED = 1 << 0,  /* missing attribute is an error */
    VIR_XML_PROP_NONZERO = 1 << 1,   /* zero is rejected */
} virXMLPropFlags;

char *virXMLPropString(xmlNodePtr node, const char *name);

/* All typed getters: return 0 when absent (result untouched), 1 when
 * present and valid, -1 with @error set otherwise. */
int virXMLPropTristateSwitch(xmlNodePtr node, const char *name,
                             virXMLPropFlags flags,
                             virTristateSwitch *result, GError **error);
int virXMLPropTristateBool(xmlNodePtr node, const char *name,
                           virXMLPropFlags flags,
                           virTristateBool *result, GError **error);
int virXMLPropUInt(xmlNodePtr node, const char *name, int base,
                   virXMLPropFlags flags, unsigned int *result,
                   GError **error);
int virXMLPropULongLong(xmlNodePtr node, const char *name, int base,
                        virXMLPropFlags flags, unsigned long long *result,
                        GError **error);
int virXMLPropEnum(xmlNodePtr node, const char *name,
                   int (*strToInt)(const char *),
                   virXMLPropFlags flags, int *result, GError **error);

/* Text content of @node, whitespace kept (caller frees). */
char *virXMLNodeContentString(xmlNodePtr node);

/* First element child of @node called @name, or NULL (also for a NULL
 * @node). */
xmlNodePtr virXMLNodeGetChild(xmlNodePtr node, const char *name);
/* Number of element children called @name. */
size_t virXMLNodeCountChildren(xmlNodePtr node, const char *name);

/* Reject anything in @node outside the supported subset: every attribute
 * must be in @attrs and every element child in @children (both
 * NULL-terminated, either may be NULL for "none allowed"). The error
 * names the element, its parent and the offending item. */
int virXMLCheckNode(xmlNodePtr node, const char *const *attrs,
                    const char *const *children, GError **error);

/* Write "<name attrs>children</name>" or "<name attrs/>" into @buf; does
 * nothing if both buffers are empty. Consumes both buffers. */
void virXMLFormatElement(virBuffer *buf, const char *name,
                         virBuffer *attrBuf, virBuffer *childBuf);
/* Same, but writes "<name/>" even when both are empty. */
void virXMLFormatElementEmpty(virBuffer *buf, const char *name,
                              virBuffer *attrBuf, virBuffer *childBuf);

/* Canonical XML text of a node (for metadata kept verbatim). */
char *virXMLNodeToString(xmlDocPtr doc, xmlNodePtr node);

/* Full path of the RelaxNG schema @name ("domaincommon.rng"): the
 * directory in $VIRT_VIOMMU_SCHEMADIR if set, else the source tree's
 * docs/schemas when it exists (running from a build tree), else the
 * installed schema directory. */
char *virXMLSchemaPath(const char *name);

/* libxml2 RelaxNG error callback: appends to the GString @opaque, at most
 * about 1 KiB in all */
void virXMLRelaxNGCollect(void *opaque, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Validate @doc against the RelaxNG schema file @schemaPath. The error
 * (VIR_ERR_XML_INVALID_SCHEMA) quotes libxml2's first complaints. */
int virXMLValidateAgainstSchema(xmlDocPtr doc, const char *schemaPath,
                                GError **error);
