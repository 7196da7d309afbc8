/*
 * domain_limits.c: size limits of a domain document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_limits.h"
#include "virerror.h"

/* Element nodes in the subtree of @node, @node included; counting stops
 * once it passes @max. Iterative: the depth of the tree costs no stack. */
static size_t
virDomainCountElements(xmlNodePtr node, size_t max)
{
    xmlNodePtr cur = node;
    size_t n = 0;

    while (cur) {
        if (cur->type == XML_ELEMENT_NODE && ++n > max)
            return n;
        if (cur->type == XML_ELEMENT_NODE && cur->children) {
            cur = cur->children;
            continue;
        }
        while (cur && cur != node && !cur->next)
            cur = cur->parent;
        if (!cur || cur == node)
            break;
        cur = cur->next;
    }
    return n;
}

static int
virDomainCheckLimit(size_t count, size_t max, const char *what, GError **error)
{
    if (count <= max)
        return 0;
    return virReportError(error, VIR_ERR_XML_ERROR,
                          _("the domain has more than %1$zu %2$s, the limit"),
                          max, what);
}

int
virDomainDefCheckLimits(xmlNodePtr root, GError **error)
{
    xmlNodePtr cur;

    if (virDomainCheckLimit(virDomainCountElements(root, VIR_DOMAIN_MAX_ELEMENTS),
                            VIR_DOMAIN_MAX_ELEMENTS, _("XML elements"), error) < 0)
        return -1;
    for (cur = root->children; cur; cur = cur->next) {
        size_t n = 0;
        xmlNodePtr child;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(cur->name, BAD_CAST "metadata") &&
            virDomainCheckLimit(virDomainCountElements(cur, VIR_DOMAIN_MAX_METADATA_ELEMENTS + 1) - 1,
                                VIR_DOMAIN_MAX_METADATA_ELEMENTS,
                                _("elements in <metadata>"), error) < 0)
            return -1;
        if (!xmlStrEqual(cur->name, BAD_CAST "devices"))
            continue;
        for (child = cur->children; child; child = child->next) {
            if (child->type == XML_ELEMENT_NODE &&
                !xmlStrEqual(child->name, BAD_CAST "emulator"))
                n++;
        }
        if (virDomainCheckLimit(n, VIR_DOMAIN_MAX_DEVICES, _("devices in <devices>"), error) < 0)
            return -1;
    }
    return 0;
}
