/*
 * hostiommu_conf.h: the host IOMMU capabilities document (hostcaps):
 *                   format and parse of virHostIOMMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The document is validated against docs/schemas/hostiommu.rng, located
 * through virXMLSchemaPath(): $VIRT_VIOMMU_SCHEMADIR when set, else the
 * source tree's docs/schemas when it exists (a build tree), else the
 * installed SCHEMADIR.
 */
#pragma once

#include <glib.h>

#include "virhostiommu.h"

#define VIR_HOST_IOMMU_SCHEMA "hostiommu.rng"

/* The document for @host; never fails */
char *virHostIOMMUFormat(const virHostIOMMU *host);

/* Parse (and validate against the RelaxNG schema) a saved document.
 * Units keep the verdicts written in the document; a feature that is
 * missing from a unit becomes "unknown". The result has root NULL. */
virHostIOMMU *virHostIOMMUParseString(const char *xml, GError **error);
virHostIOMMU *virHostIOMMUParseFile(const char *path, GError **error);
