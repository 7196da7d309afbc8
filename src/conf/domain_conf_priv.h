/*
 * domain_conf_priv.h: helpers shared by the domain_conf*.c files only
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "domain_conf.h"
#include "virxml.h"
#include "virxmlopaque.h"

/* Shapes of <address>, <alias> and <acpi>, which every device may have */
extern const virXMLShape virDomainAddressShape;
extern const virXMLShape virDomainAliasShape;
extern const virXMLShape virDomainAcpiShape;
#define VIR_DOMAIN_INFO_SHAPES \
    &virDomainAddressShape, &virDomainAliasShape, &virDomainAcpiShape

/* <address type='pci' .../> (guest) or a bare PCI address (hostdev source) */
int virPCIDeviceAddressParseXML(xmlNodePtr node, virPCIDeviceAddress *addr,
                                GError **error);
void virPCIDeviceAddressFormat(virBuffer *buf, const virPCIDeviceAddress *addr,
                               bool withType);

/* The <address>, <alias>, <acpi> children of a device element */
int virDomainDeviceInfoParseXML(xmlNodePtr node, virDomainDeviceInfo *info,
                                GError **error);
void virDomainDeviceInfoFormat(virBuffer *buf, const virDomainDeviceInfo *info);
void virDomainDeviceInfoClear(virDomainDeviceInfo *info);

/* A set of PCI addresses (GHashTable keyed by const virPCIDeviceAddress *,
 * values chosen by the caller), for linear duplicate checks */
GHashTable *virPCIDeviceAddressTableNew(void);
