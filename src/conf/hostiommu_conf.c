/*
 * hostiommu_conf.c: the host IOMMU capabilities document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "hostiommu_conf.h"
#include "viriommufd_uapi.h"
#include "virpci.h"
#include "virxml.h"

/* ---- format ---------------------------------------------------------- */

static const char *
virHostIOMMUYesNo(bool b)
{
    return b ? "yes" : "no";
}

/* The SMMUv3 ID registers, the same attributes in <registers> and <smmuv3> */
static void
virHostIOMMUFormatSMMUv3IDRs(virBuffer *buf, const virHostIOMMURegisters *regs)
{
    size_t i;

    for (i = 0; i < 6; i++)
        virBufferAsprintf(buf, " idr%zu='0x%x'", i, regs->smmuIDR[i]);
    virBufferAsprintf(buf, " iidr='0x%x' aidr='0x%x'",
                      regs->smmuIIDR, regs->smmuAIDR);
}

static void
virHostIOMMUFormatRegisters(virBuffer *buf, const virHostIOMMUUnit *unit)
{
    if (!unit->haveRegisters)
        return;
    virBufferAddLit(buf, "<registers");
    switch (unit->type) {
    case VIR_HOST_IOMMU_TYPE_INTEL_VTD:
        virBufferAsprintf(buf, " cap='0x%llx' ecap='0x%llx'",
                          unit->regs.vtdCap, unit->regs.vtdEcap);
        break;
    case VIR_HOST_IOMMU_TYPE_ARM_SMMUV3:
        virHostIOMMUFormatSMMUv3IDRs(buf, &unit->regs);
        break;
    case VIR_HOST_IOMMU_TYPE_AMD:
        virBufferAsprintf(buf, " efr='0x%llx' efr2='0x%llx'",
                          unit->regs.amdEFR, unit->regs.amdEFR2);
        if (unit->amdHaveCap)
            virBufferAsprintf(buf, " cap='0x%x'", unit->amdCap);
        break;
    case VIR_HOST_IOMMU_TYPE_UNKNOWN:
    case VIR_HOST_IOMMU_TYPE_LAST:
        break;
    }
    virBufferEscapeString(buf, " source='%s'", unit->registersSource);
    virBufferEscapeString(buf, " device='%s'", unit->registersDevice);
    virBufferAddLit(buf, "/>\n");
}

static void
virHostIOMMUFormatUnit(virBuffer *buf, const virHostIOMMUUnit *unit)
{
    size_t i;

    virBufferEscapeString(buf, "<unit name='%s'", unit->name);
    virBufferAsprintf(buf, " type='%s'>\n",
                      virHostIOMMUTypeTypeToString(unit->type));
    virBufferAdjustIndent(buf, 2);
    virHostIOMMUFormatRegisters(buf, unit);
    if (unit->addressWidthMax)
        virBufferAsprintf(buf, "<addressWidth max='%u'/>\n",
                          unit->addressWidthMax);
    if (unit->type == VIR_HOST_IOMMU_TYPE_ARM_SMMUV3 && unit->haveRegisters &&
        unit->smmuOAS)
        virBufferAsprintf(buf, "<smmuv3 oas='%u' ssidSize='%u' sidSize='%u'/>\n",
                          unit->smmuOAS, unit->smmuSSIDSize, unit->smmuSIDSize);
    for (i = 0; i < VIR_HOST_IOMMU_FEATURE_LAST; i++) {
        const virHostIOMMUFeatureInfo *f = &unit->features[i];

        virBufferAsprintf(buf, "<feature name='%s' supported='%s'",
                          virHostIOMMUFeatureTypeToString(i),
                          virHostIOMMUFactTypeToString(f->state));
        if (i == VIR_HOST_IOMMU_FEATURE_PASID && unit->pasidWidth &&
            f->state == VIR_HOST_IOMMU_FACT_YES)
            virBufferAsprintf(buf, " width='%u'", unit->pasidWidth);
        virBufferEscapeString(buf, " source='%s'", f->source);
        virBufferEscapeString(buf, " reason='%s'", f->reason);
        virBufferAddLit(buf, "/>\n");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</unit>\n");
}

static void
virHostIOMMUFormatPCICaps(virBuffer *buf, const virHostIOMMUDevice *dev)
{
    const char *from = dev->pasid.from;

    if (!dev->capsKnown) {
        virBufferEscapeString(buf, "<pciCaps known='no' reason='%s'/>\n",
                              dev->capsReason ? dev->capsReason : "");
        return;
    }
    if (dev->pasid.present) {
        virBufferAsprintf(buf, "<pasid supported='yes' width='%u' exec='%s' priv='%s' enabled='%s' source='config'",
                          dev->pasid.maxWidth,
                          virHostIOMMUYesNo(dev->pasid.exec),
                          virHostIOMMUYesNo(dev->pasid.priv),
                          virHostIOMMUYesNo(dev->pasid.enabled));
    } else {
        virBufferAddLit(buf, "<pasid supported='no' source='config'");
    }
    virBufferEscapeString(buf, " from='%s'", from);
    virBufferAddLit(buf, "/>\n");
    virBufferAsprintf(buf, "<ats supported='%s' source='config'/>\n",
                      virHostIOMMUYesNo(dev->ats));
    virBufferAsprintf(buf, "<pri supported='%s' source='config'",
                      virHostIOMMUYesNo(dev->pri));
    virBufferEscapeString(buf, " from='%s'", from);
    virBufferAddLit(buf, "/>\n");
}

static void
virHostIOMMUFormatHwInfo(virBuffer *buf, const virHostIOMMUDevice *dev)
{
    const virHostIOMMUDeviceDeep *d = &dev->deep;
    const char *type = virHostIOMMUHwInfoTypeToString(d->hwInfoType);
    unsigned int bit;

    if (!d->probed)
        return;
    if (d->error) {
        virBufferEscapeString(buf, "<hwInfo error='%s'/>\n", d->error);
        return;
    }
    virBufferAsprintf(buf, "<hwInfo source='ioctl' type='%s' structSize='%u' maxPasidLog2='%u' capabilities='0x%llx'>\n",
                      type ? type : "none", d->structSize, d->maxPasidLog2,
                      d->capabilities);
    virBufferAdjustIndent(buf, 2);
    for (bit = 0; bit < 64; bit++) {
        const char *name = virHostIOMMUHwCapToString(bit);

        if (name && (d->capabilities & (1ULL << bit)))
            virBufferAsprintf(buf, "<capability name='%s'/>\n", name);
    }
    switch (d->hwInfoType) {
    case VIR_IOMMU_HW_INFO_TYPE_INTEL_VTD:
        virBufferAsprintf(buf, "<vtd flags='0x%x' cap='0x%llx' ecap='0x%llx'",
                          d->vtdFlags, d->regs.vtdCap, d->regs.vtdEcap);
        if (d->vtdFlags & VIR_IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17)
            virBufferAddLit(buf, " errata='772415_SPR17'");
        virBufferAddLit(buf, "/>\n");
        break;
    case VIR_IOMMU_HW_INFO_TYPE_ARM_SMMUV3:
        virBufferAddLit(buf, "<smmuv3");
        virHostIOMMUFormatSMMUv3IDRs(buf, &d->regs);
        virBufferAddLit(buf, "/>\n");
        break;
    case VIR_IOMMU_HW_INFO_TYPE_AMD:
        virBufferAsprintf(buf, "<amd efr='0x%llx' efr2='0x%llx'/>\n",
                          d->regs.amdEFR, d->regs.amdEFR2);
        break;
    default:
        break;
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</hwInfo>\n");
}

static void
virHostIOMMUFormatDevice(virBuffer *buf, const virHostIOMMUDevice *dev)
{
    virBufferEscapeString(buf, "<device address='%s'", dev->address);
    if (!dev->present) {
        virBufferEscapeString(buf, " present='no' reason='%s'/>\n",
                              dev->error ? dev->error : "");
        return;
    }
    virBufferEscapeString(buf, " unit='%s'", dev->unit);
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    virBufferEscapeString(buf, "<driver name='%s' source='sysfs'/>\n",
                          dev->driver);
    if (dev->iommuGroup >= 0)
        virBufferAsprintf(buf, "<iommuGroup id='%d' source='sysfs'/>\n",
                          dev->iommuGroup);
    virBufferEscapeString(buf, "<vfio cdev='%s' source='sysfs'/>\n",
                          dev->vfioCdev);
    virBufferEscapeString(buf, "<physfn address='%s'/>\n", dev->physfn);
    virHostIOMMUFormatPCICaps(buf, dev);
    virHostIOMMUFormatHwInfo(buf, dev);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</device>\n");
}

char *
virHostIOMMUFormat(const virHostIOMMU *host)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    size_t i;

    virBufferAddLit(&buf, "<hostIOMMU>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferAsprintf(&buf, "<iommufd supported='%s'",
                      virHostIOMMUYesNo(host->iommufd));
    virBufferEscapeString(&buf, " reason='%s'", host->iommufdReason);
    virBufferAddLit(&buf, "/>\n");
    for (i = 0; i < host->nunits; i++)
        virHostIOMMUFormatUnit(&buf, host->units[i]);
    for (i = 0; i < host->ndevices; i++)
        virHostIOMMUFormatDevice(&buf, host->devices[i]);
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</hostIOMMU>\n");
    return virBufferContentAndReset(&buf);
}

/* ---- parse ----------------------------------------------------------- */

static int
virHostIOMMUParseHex(xmlNodePtr node, const char *name, bool required,
                     unsigned long long *val, GError **error)
{
    return virXMLPropULongLong(node, name, 16,
                               required ? VIR_XML_PROP_REQUIRED : VIR_XML_PROP_NONE,
                               val, error);
}

static int
virHostIOMMUParseHex32(xmlNodePtr node, const char *name, unsigned int *val,
                       GError **error)
{
    unsigned long long v = 0;

    if (virHostIOMMUParseHex(node, name, true, &v, error) < 0)
        return -1;
    if (v > G_MAXUINT32)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("attribute '%1$s' of element '%2$s' does not fit in 32 bits"),
                              name, (const char *)node->name);
    *val = (unsigned int)v;
    return 0;
}

static bool
virHostIOMMUParseYes(xmlNodePtr node, const char *name)
{
    g_autofree char *v = virXMLPropString(node, name);

    return v && strcmp(v, "yes") == 0;
}

static int
virHostIOMMUParseSMMUv3IDRs(xmlNodePtr node, virHostIOMMURegisters *regs,
                            GError **error)
{
    static const char *const idrs[] = { "idr0", "idr1", "idr2", "idr3", "idr4", "idr5" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(idrs); i++) {
        if (virHostIOMMUParseHex32(node, idrs[i], &regs->smmuIDR[i], error) < 0)
            return -1;
    }
    if (virHostIOMMUParseHex32(node, "iidr", &regs->smmuIIDR, error) < 0 ||
        virHostIOMMUParseHex32(node, "aidr", &regs->smmuAIDR, error) < 0)
        return -1;
    return 0;
}

static int
virHostIOMMUParseRegisters(xmlNodePtr node, virHostIOMMUUnit *unit,
                           GError **error)
{
    g_autofree char *cap = virXMLPropString(node, "cap");
    g_autofree char *efr = virXMLPropString(node, "efr");
    g_autofree char *idr0 = virXMLPropString(node, "idr0");
    bool ok = false;

    switch (unit->type) {
    case VIR_HOST_IOMMU_TYPE_INTEL_VTD:
        ok = cap && !efr && !idr0;
        if (ok &&
            (virHostIOMMUParseHex(node, "cap", true, &unit->regs.vtdCap, error) < 0 ||
             virHostIOMMUParseHex(node, "ecap", true, &unit->regs.vtdEcap, error) < 0))
            return -1;
        break;
    case VIR_HOST_IOMMU_TYPE_ARM_SMMUV3:
        ok = idr0 != NULL;
        if (ok &&
            virHostIOMMUParseSMMUv3IDRs(node, &unit->regs, error) < 0)
            return -1;
        break;
    case VIR_HOST_IOMMU_TYPE_AMD:
        ok = efr != NULL;
        if (ok &&
            (virHostIOMMUParseHex(node, "efr", true, &unit->regs.amdEFR, error) < 0 ||
             virHostIOMMUParseHex(node, "efr2", true, &unit->regs.amdEFR2, error) < 0))
            return -1;
        if (ok && cap) {
            if (virHostIOMMUParseHex32(node, "cap", &unit->amdCap, error) < 0)
                return -1;
            unit->amdHaveCap = true;
        }
        break;
    case VIR_HOST_IOMMU_TYPE_UNKNOWN:
    case VIR_HOST_IOMMU_TYPE_LAST:
        break;
    }
    if (!ok)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("the registers of unit '%1$s' do not match its type '%2$s'"),
                              unit->name, virHostIOMMUTypeTypeToString(unit->type));
    unit->haveRegisters = true;
    unit->registersSource = virXMLPropString(node, "source");
    unit->registersDevice = virXMLPropString(node, "device");
    return 0;
}

static int
virHostIOMMUParseFeature(xmlNodePtr node, virHostIOMMUUnit *unit,
                         bool *seen, GError **error)
{
    int f = 0;
    int state = 0;
    g_autofree char *source = virXMLPropString(node, "source");
    g_autofree char *reason = virXMLPropString(node, "reason");

    if (virXMLPropEnum(node, "name", virHostIOMMUFeatureTypeFromString,
                       VIR_XML_PROP_REQUIRED, &f, error) < 0 ||
        virXMLPropEnum(node, "supported", virHostIOMMUFactTypeFromString,
                       VIR_XML_PROP_REQUIRED, &state, error) < 0)
        return -1;
    if (seen[f])
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("feature '%1$s' appears twice in unit '%2$s'"),
                              virHostIOMMUFeatureTypeToString(f), unit->name);
    seen[f] = true;
    if (!virHostIOMMUFeatureApplies(unit->type, f) &&
        state != VIR_HOST_IOMMU_FACT_NO)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("feature '%1$s' does not apply to unit '%2$s' of type '%3$s'"),
                              virHostIOMMUFeatureTypeToString(f), unit->name,
                              virHostIOMMUTypeTypeToString(unit->type));
    if (f == VIR_HOST_IOMMU_FEATURE_PASID &&
        virXMLPropUInt(node, "width", 10, VIR_XML_PROP_NONE,
                       &unit->pasidWidth, error) < 0)
        return -1;
    if (f == VIR_HOST_IOMMU_FEATURE_PASID && unit->pasidWidth &&
        state != VIR_HOST_IOMMU_FACT_YES)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("feature 'pasid' of unit '%1$s' has a width but is not supported"),
                              unit->name);
    virHostIOMMUUnitSetFeature(unit, f, state, source, reason);
    return 0;
}

static virHostIOMMUUnit *
virHostIOMMUParseUnit(xmlNodePtr node, GError **error)
{
    g_autoptr(virHostIOMMUUnit) unit = NULL;
    g_autofree char *name = virXMLPropString(node, "name");
    bool seen[VIR_HOST_IOMMU_FEATURE_LAST] = { false };
    int type = 0;
    xmlNodePtr cur;
    size_t i;

    if (virXMLPropEnum(node, "type", virHostIOMMUTypeTypeFromString,
                       VIR_XML_PROP_REQUIRED, &type, error) < 0)
        return NULL;
    unit = virHostIOMMUUnitNew(name, type);

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(cur->name, BAD_CAST "registers")) {
            if (virHostIOMMUParseRegisters(cur, unit, error) < 0)
                return NULL;
        } else if (xmlStrEqual(cur->name, BAD_CAST "addressWidth")) {
            if (virXMLPropUInt(cur, "max", 10, VIR_XML_PROP_REQUIRED,
                               &unit->addressWidthMax, error) < 0)
                return NULL;
        } else if (xmlStrEqual(cur->name, BAD_CAST "smmuv3")) {
            if (virXMLPropUInt(cur, "oas", 10, VIR_XML_PROP_REQUIRED,
                               &unit->smmuOAS, error) < 0 ||
                virXMLPropUInt(cur, "ssidSize", 10, VIR_XML_PROP_REQUIRED,
                               &unit->smmuSSIDSize, error) < 0 ||
                virXMLPropUInt(cur, "sidSize", 10, VIR_XML_PROP_REQUIRED,
                               &unit->smmuSIDSize, error) < 0)
                return NULL;
        } else if (xmlStrEqual(cur->name, BAD_CAST "feature")) {
            if (virHostIOMMUParseFeature(cur, unit, seen, error) < 0)
                return NULL;
        }
    }

    /* a hand-written document may leave features out */
    for (i = 0; i < VIR_HOST_IOMMU_FEATURE_LAST; i++) {
        g_autofree char *na = NULL;

        if (seen[i])
            continue;
        if (virHostIOMMUFeatureApplies(unit->type, i)) {
            virHostIOMMUUnitSetFeature(unit, i, VIR_HOST_IOMMU_FACT_UNKNOWN, NULL,
                                       _("not recorded in the host capabilities document"));
        } else {
            na = g_strdup_printf(_("does not apply to %1$s units"),
                                 virHostIOMMUTypeTypeToString(unit->type));
            virHostIOMMUUnitSetFeature(unit, i, VIR_HOST_IOMMU_FACT_NO, NULL, na);
        }
    }
    return g_steal_pointer(&unit);
}

static int
virHostIOMMUParsePCICaps(xmlNodePtr node, virHostIOMMUDevice *dev,
                         GError **error)
{
    xmlNodePtr cur;

    if ((cur = virXMLNodeGetChild(node, "pciCaps"))) {
        dev->capsKnown = false;
        dev->capsReason = virXMLPropString(cur, "reason");
        return 0;
    }
    dev->capsKnown = true;
    if ((cur = virXMLNodeGetChild(node, "pasid"))) {
        dev->pasid.present = virHostIOMMUParseYes(cur, "supported");
        dev->pasid.from = virXMLPropString(cur, "from");
        if (dev->pasid.present) {
            if (virXMLPropUInt(cur, "width", 10, VIR_XML_PROP_REQUIRED,
                               &dev->pasid.maxWidth, error) < 0)
                return -1;
            if (dev->pasid.maxWidth < 1 ||
                dev->pasid.maxWidth > VIR_PCI_PASID_WIDTH_MAX)
                return virReportError(error, VIR_ERR_XML_ERROR,
                                      _("device '%1$s' has a PASID width of %2$u bits; valid widths are 1 to %3$d"),
                                      dev->address, dev->pasid.maxWidth,
                                      VIR_PCI_PASID_WIDTH_MAX);
            dev->pasid.exec = virHostIOMMUParseYes(cur, "exec");
            dev->pasid.priv = virHostIOMMUParseYes(cur, "priv");
            dev->pasid.enabled = virHostIOMMUParseYes(cur, "enabled");
        }
    }
    if ((cur = virXMLNodeGetChild(node, "ats")))
        dev->ats = virHostIOMMUParseYes(cur, "supported");
    if ((cur = virXMLNodeGetChild(node, "pri")))
        dev->pri = virHostIOMMUParseYes(cur, "supported");
    return 0;
}

static int
virHostIOMMUParseHwInfo(xmlNodePtr node, virHostIOMMUDevice *dev,
                        GError **error)
{
    virHostIOMMUDeviceDeep *d = &dev->deep;
    unsigned long long v = 0;
    xmlNodePtr cur;
    int type = 0;

    d->probed = true;
    if ((d->error = virXMLPropString(node, "error")))
        return 0;
    if (virXMLPropEnum(node, "type", virHostIOMMUHwInfoTypeFromString,
                       VIR_XML_PROP_REQUIRED, &type, error) < 0 ||
        virXMLPropUInt(node, "structSize", 10, VIR_XML_PROP_REQUIRED,
                       &d->structSize, error) < 0 ||
        virXMLPropUInt(node, "maxPasidLog2", 10, VIR_XML_PROP_REQUIRED,
                       &d->maxPasidLog2, error) < 0 ||
        virHostIOMMUParseHex(node, "capabilities", true, &d->capabilities,
                             error) < 0)
        return -1;
    d->hwInfoType = type;

    for (cur = node->children; cur; cur = cur->next) {
        int bit;

        if (cur->type != XML_ELEMENT_NODE ||
            !xmlStrEqual(cur->name, BAD_CAST "capability"))
            continue;
        if (virXMLPropEnum(cur, "name", virHostIOMMUHwCapFromString,
                           VIR_XML_PROP_REQUIRED, &bit, error) < 0)
            return -1;
        if (!(d->capabilities & (1ULL << bit)))
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("capability '%1$s' of device '%2$s' is not in its capabilities mask"),
                                  virHostIOMMUHwCapToString(bit), dev->address);
    }
    if ((cur = virXMLNodeGetChild(node, "vtd"))) {
        if (virHostIOMMUParseHex(cur, "flags", true, &v, error) < 0 ||
            virHostIOMMUParseHex(cur, "cap", true, &d->regs.vtdCap, error) < 0 ||
            virHostIOMMUParseHex(cur, "ecap", true, &d->regs.vtdEcap, error) < 0)
            return -1;
        d->vtdFlags = (unsigned int)v;
    }
    if ((cur = virXMLNodeGetChild(node, "smmuv3")) &&
        virHostIOMMUParseSMMUv3IDRs(cur, &d->regs, error) < 0)
        return -1;
    if ((cur = virXMLNodeGetChild(node, "amd"))) {
        if (virHostIOMMUParseHex(cur, "efr", true, &d->regs.amdEFR, error) < 0 ||
            virHostIOMMUParseHex(cur, "efr2", true, &d->regs.amdEFR2, error) < 0)
            return -1;
    }
    return 0;
}

static virHostIOMMUDevice *
virHostIOMMUParseDevice(xmlNodePtr node, GError **error)
{
    g_autofree char *address = virXMLPropString(node, "address");
    g_autofree char *present = virXMLPropString(node, "present");
    g_autoptr(virHostIOMMUDevice) dev = virHostIOMMUDeviceNew(address);
    xmlNodePtr cur;

    if (present && strcmp(present, "no") == 0) {
        dev->error = virXMLPropString(node, "reason");
        return g_steal_pointer(&dev);
    }
    dev->present = true;
    dev->unit = virXMLPropString(node, "unit");
    if ((cur = virXMLNodeGetChild(node, "driver")))
        dev->driver = virXMLPropString(cur, "name");
    if ((cur = virXMLNodeGetChild(node, "iommuGroup"))) {
        unsigned int group = 0;

        if (virXMLPropUInt(cur, "id", 10, VIR_XML_PROP_REQUIRED, &group,
                           error) < 0)
            return NULL;
        if (group > G_MAXINT) {
            virReportError(error, VIR_ERR_XML_ERROR,
                           _("IOMMU group %1$u of device '%2$s' is out of range"),
                           group, address);
            return NULL;
        }
        dev->iommuGroup = (int)group;
    }
    if ((cur = virXMLNodeGetChild(node, "vfio")))
        dev->vfioCdev = virXMLPropString(cur, "cdev");
    if ((cur = virXMLNodeGetChild(node, "physfn")))
        dev->physfn = virXMLPropString(cur, "address");
    if (virHostIOMMUParsePCICaps(node, dev, error) < 0)
        return NULL;
    if ((cur = virXMLNodeGetChild(node, "hwInfo")) &&
        virHostIOMMUParseHwInfo(cur, dev, error) < 0)
        return NULL;
    return g_steal_pointer(&dev);
}

static virHostIOMMU *
virHostIOMMUParseRoot(xmlNodePtr root, GError **error)
{
    g_autoptr(virHostIOMMU) host = virHostIOMMUNew();
    xmlNodePtr cur;
    size_t i;

    for (cur = root->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(cur->name, BAD_CAST "iommufd")) {
            host->iommufd = virHostIOMMUParseYes(cur, "supported");
            host->iommufdReason = virXMLPropString(cur, "reason");
        } else if (xmlStrEqual(cur->name, BAD_CAST "unit")) {
            virHostIOMMUUnit *unit = virHostIOMMUParseUnit(cur, error);

            if (!unit)
                return NULL;
            if (virHostIOMMUFindUnit(host, unit->name)) {
                virReportError(error, VIR_ERR_XML_ERROR,
                               _("unit '%1$s' appears twice"), unit->name);
                virHostIOMMUUnitFree(unit);
                return NULL;
            }
            virHostIOMMUAddUnit(host, unit);
        } else if (xmlStrEqual(cur->name, BAD_CAST "device")) {
            virHostIOMMUDevice *dev = virHostIOMMUParseDevice(cur, error);

            if (!dev)
                return NULL;
            if (virHostIOMMUFindDevice(host, dev->address)) {
                virReportError(error, VIR_ERR_XML_ERROR,
                               _("device '%1$s' appears twice"), dev->address);
                virHostIOMMUDeviceFree(dev);
                return NULL;
            }
            virHostIOMMUAddDevice(host, dev);
        }
    }

    for (i = 0; i < host->ndevices; i++) {
        const virHostIOMMUDevice *dev = host->devices[i];

        if (dev->unit && !virHostIOMMUFindUnit(host, dev->unit)) {
            virReportError(error, VIR_ERR_XML_ERROR,
                           _("device '%1$s' refers to unit '%2$s', which is not in the document"),
                           dev->address, dev->unit);
            return NULL;
        }
    }
    return g_steal_pointer(&host);
}

static virHostIOMMU *
virHostIOMMUParse(const char *filename, const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *schema = virXMLSchemaPath(VIR_HOST_IOMMU_SCHEMA);

    if (!(doc = virXMLParse(filename, xml, "hostIOMMU", error)))
        return NULL;
    if (virXMLValidateAgainstSchema(doc, schema, error) < 0)
        return NULL;
    return virHostIOMMUParseRoot(xmlDocGetRootElement(doc), error);
}

virHostIOMMU *
virHostIOMMUParseString(const char *xml, GError **error)
{
    return virHostIOMMUParse(NULL, xml, error);
}

virHostIOMMU *
virHostIOMMUParseFile(const char *path, GError **error)
{
    return virHostIOMMUParse(path, NULL, error);
}
