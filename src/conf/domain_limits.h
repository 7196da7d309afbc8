/*
 * domain_limits.h: size limits of a domain document, checked before any
 *                  per-element work
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parser and RelaxNG validation take time that grows with the number
 * of elements (RelaxNG faster than linearly for the free-form content of
 * <metadata>). These limits, far above any real domain, keep a hostile
 * document from taking minutes; they are counted on the parsed tree
 * before the domain parser and the schema see it (docs/security.md).
 */
#pragma once

#include <libxml/tree.h>
#include <glib.h>

/* Elements in the whole document */
#define VIR_DOMAIN_MAX_ELEMENTS 65536
/* Elements inside <metadata>, at any depth */
#define VIR_DOMAIN_MAX_METADATA_ELEMENTS 10000
/* Devices: children of <devices> other than <emulator>, whatever kind */
#define VIR_DOMAIN_MAX_DEVICES 4096

/* Check the element tree under @root (a <domain>) against the limits */
int virDomainDefCheckLimits(xmlNodePtr root, GError **error);
