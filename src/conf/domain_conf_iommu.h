/*
 * domain_conf_iommu.h: <iommu>, PCI <hostdev> and domain <iommufd>:
 *                      parse/format pairs, post-parse resolution of the
 *                      effective vIOMMU configuration, conf validation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "domain_conf.h"
#include "virxmlopaque.h"

/* What the model reads of <iommu>, a PCI <hostdev> and <iommufd> */
extern const virXMLShape virDomainIOMMUShape;
extern const virXMLShape virDomainHostdevShape;
extern const virXMLShape virDomainNetHostdevShape;
extern const virXMLShape virDomainIOMMUFDShape;

/* Is the <hostdev> @node one the model holds (mode='subsystem'
 * type='pci')? Any other is kept as an opaque device. */
bool virDomainHostdevIsModeled(xmlNodePtr node);
/* <interface type='hostdev'> of a PCI device: modeled as a hostdev
 * (virDomainHostdevDefParseXML takes it too) and written back as the
 * <interface> it is */
bool virDomainNetHostdevIsModeled(xmlNodePtr node);

virDomainIOMMUDef *virDomainIOMMUDefParseXML(xmlNodePtr node, GError **error);
void virDomainIOMMUDefFormat(virBuffer *buf, const virDomainIOMMUDef *iommu);
void virDomainIOMMUDefFree(virDomainIOMMUDef *iommu);
virDomainIOMMUDef *virDomainIOMMUDefNew(virDomainIOMMUModel model);

virDomainHostdevDef *virDomainHostdevDefParseXML(xmlNodePtr node, GError **error);
void virDomainHostdevDefFormat(virBuffer *buf, const virDomainHostdevDef *hostdev);
void virDomainHostdevDefFree(virDomainHostdevDef *hostdev);

/* domain-level <iommufd enabled= fdgroup=> */
int virDomainIOMMUFDParseXML(xmlNodePtr node, virDomainDef *def, GError **error);
void virDomainIOMMUFDFormat(virBuffer *buf, const virDomainDef *def);

/* Effective configuration of every <iommu> (post-parse). */
int virDomainIOMMUDefResolve(virDomainIOMMUDef *iommu, GError **error);

/* Conf-level validation of the vIOMMUs, hostdevs and iommufd. */
int virDomainIOMMUDefsValidate(const virDomainDef *def, GError **error);
