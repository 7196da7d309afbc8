/*
 * domain_conf_iommu.c: <iommu>, PCI <hostdev> and domain <iommufd>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The vIOMMU can be described with three families of spellings:
 *  - libvirt 12.8's attributes (intremap, caching_mode, ..., accel, ssidsize),
 *  - the spellings proposed upstream for Intel (scalable_mode, fsts, svm,
 *    pasid_bits),
 *  - this project's intent-level extension (nesting, pasid, pasid_bits).
 * Post-parse resolution reduces them to one effective configuration
 * (virDomainIOMMUEffective) and reports contradictions naming both
 * attributes. The formatter writes back exactly what the user wrote.
 */
#include <string.h>

#include "domain_conf_iommu.h"
#include "device_conf.h"
#include "virxmlopaque.h"

VIR_ENUM_IMPL(virDomainIOMMUModel, VIR_DOMAIN_IOMMU_MODEL_LAST,
              "intel", "smmuv3", "virtio", "amd");

/* Width of the guest PASID when pasid='on' gives none (PCIe maximum). */
#define VIR_DOMAIN_IOMMU_PASID_BITS_DEFAULT 20
#define VIR_DOMAIN_IOMMU_PASID_BITS_MAX 20

/* ---- <driver> attributes: one table drives parse, format, and the
 *      per-model checks --------------------------------------------------- */

typedef enum {
    VIR_IOMMU_ATTR_SWITCH,   /* on/off -> virTristateSwitch */
    VIR_IOMMU_ATTR_UINT,     /* unsigned, 0 allowed -> int, -1 absent */
    VIR_IOMMU_ATTR_AWBITS,   /* unsigned, decimal or 0x, non-zero */
} virDomainIOMMUAttrKind;

enum {
    M_INTEL = 1 << VIR_DOMAIN_IOMMU_MODEL_INTEL,
    M_SMMUV3 = 1 << VIR_DOMAIN_IOMMU_MODEL_SMMUV3,
    M_VIRTIO = 1 << VIR_DOMAIN_IOMMU_MODEL_VIRTIO,
    M_AMD = 1 << VIR_DOMAIN_IOMMU_MODEL_AMD,
};

typedef struct {
    const char *name;
    virDomainIOMMUAttrKind kind;
    size_t offset;            /* in virDomainIOMMUDriverDef */
    unsigned int models;      /* M_* mask of models it belongs to */
} virDomainIOMMUAttr;

#define SW(n, f, m) { n, VIR_IOMMU_ATTR_SWITCH, G_STRUCT_OFFSET(virDomainIOMMUDriverDef, f), m }
#define UI(n, f, m) { n, VIR_IOMMU_ATTR_UINT, G_STRUCT_OFFSET(virDomainIOMMUDriverDef, f), m }

/* In the order the formatter writes them: libvirt's own first (in
 * libvirt's order), then the upstream-proposed Intel ones, then ours. */
static const virDomainIOMMUAttr virDomainIOMMUAttrs[] = {
    SW("intremap", intremap, M_INTEL | M_AMD),
    SW("caching_mode", caching_mode, M_INTEL),
    SW("eim", eim, M_INTEL),
    SW("iotlb", iotlb, M_INTEL | M_AMD),
    { "aw_bits", VIR_IOMMU_ATTR_AWBITS,
      G_STRUCT_OFFSET(virDomainIOMMUDriverDef, aw_bits), M_INTEL | M_VIRTIO },
    SW("dma_translation", dma_translation, M_INTEL),
    SW("passthrough", passthrough, M_AMD),
    SW("xtsup", xtsup, M_AMD),
    UI("pciBus", pci_bus, M_SMMUV3),
    SW("accel", accel, M_SMMUV3),
    SW("ats", ats, M_SMMUV3),
    SW("cmdqv", cmdqv, M_SMMUV3),
    SW("ril", ril, M_SMMUV3),
    UI("ssidsize", ssidsize, M_SMMUV3),
    UI("oas", oas, M_SMMUV3),
    SW("scalable_mode", scalable_mode, M_INTEL),
    SW("fsts", fsts, M_INTEL),
    SW("fs1gp", fs1gp, M_INTEL),
    SW("svm", svm, M_INTEL),
    SW("nesting", nesting, M_INTEL | M_SMMUV3),
    SW("pasid", pasid, M_INTEL | M_SMMUV3),
    UI("pasid_bits", pasid_bits, M_INTEL | M_SMMUV3),
};

#undef SW
#undef UI

/* Spellings seen in forks and drafts: rejected with the right name. */
static const struct {
    const char *wrong;
    const char *right;
} virDomainIOMMUMisspellings[] = {
    { "ssidSize", "ssidsize" },
    { "ssid_size", "ssidsize" },
    { "scalable-mode", "scalable_mode" },
    { "scalableMode", "scalable_mode" },
    { "pasid-bits", "pasid_bits" },
    { "pasidBits", "pasid_bits" },
    { "caching-mode", "caching_mode" },
    { "aw-bits", "aw_bits" },
    { "pcibus", "pciBus" },
    { "pci_bus", "pciBus" },
};

static virTristateSwitch *
virDomainIOMMUAttrSwitch(virDomainIOMMUDriverDef *drv, const virDomainIOMMUAttr *a)
{
    return (virTristateSwitch *)((char *)drv + a->offset);
}

static int *
virDomainIOMMUAttrInt(virDomainIOMMUDriverDef *drv, const virDomainIOMMUAttr *a)
{
    return (int *)((char *)drv + a->offset);
}

static unsigned int *
virDomainIOMMUAttrUInt(virDomainIOMMUDriverDef *drv, const virDomainIOMMUAttr *a)
{
    return (unsigned int *)((char *)drv + a->offset);
}

/* Is @a present in @drv? */
static bool
virDomainIOMMUAttrIsSet(const virDomainIOMMUDriverDef *drv,
                        const virDomainIOMMUAttr *a)
{
    virDomainIOMMUDriverDef *d = (virDomainIOMMUDriverDef *)drv;

    switch (a->kind) {
    case VIR_IOMMU_ATTR_SWITCH:
        return *virDomainIOMMUAttrSwitch(d, a) != VIR_TRISTATE_SWITCH_ABSENT;
    case VIR_IOMMU_ATTR_UINT:
        return *virDomainIOMMUAttrInt(d, a) >= 0;
    case VIR_IOMMU_ATTR_AWBITS:
        return *virDomainIOMMUAttrUInt(d, a) != 0;
    }
    return false;
}

static int
virDomainIOMMUAttrParse(xmlNodePtr node, const virDomainIOMMUAttr *a,
                        virDomainIOMMUDriverDef *drv, GError **error)
{
    unsigned int val = 0;
    int rc;

    switch (a->kind) {
    case VIR_IOMMU_ATTR_SWITCH:
        return virXMLPropTristateSwitch(node, a->name, VIR_XML_PROP_NONE,
                                        virDomainIOMMUAttrSwitch(drv, a), error);
    case VIR_IOMMU_ATTR_UINT:
        if ((rc = virXMLPropUInt(node, a->name, 10, VIR_XML_PROP_NONE,
                                 &val, error)) < 0)
            return -1;
        if (rc == 1) {
            if (val > G_MAXINT)
                return virReportError(error, VIR_ERR_XML_ERROR,
                                      _("Invalid value for attribute '%1$s' in element 'driver': '%2$u' is too large"),
                                      a->name, val);
            *virDomainIOMMUAttrInt(drv, a) = (int)val;
        }
        return rc;
    case VIR_IOMMU_ATTR_AWBITS:
        return virXMLPropUInt(node, a->name, 0, VIR_XML_PROP_NONZERO,
                              virDomainIOMMUAttrUInt(drv, a), error);
    }
    return 0;
}

static void
virDomainIOMMUAttrFormat(virBuffer *attrBuf, const virDomainIOMMUAttr *a,
                         const virDomainIOMMUDriverDef *drv)
{
    virDomainIOMMUDriverDef *d = (virDomainIOMMUDriverDef *)drv;

    if (!virDomainIOMMUAttrIsSet(drv, a))
        return;
    switch (a->kind) {
    case VIR_IOMMU_ATTR_SWITCH:
        virBufferAsprintf(attrBuf, " %s='%s'", a->name,
                          virTristateSwitchTypeToString(*virDomainIOMMUAttrSwitch(d, a)));
        break;
    case VIR_IOMMU_ATTR_UINT:
        virBufferAsprintf(attrBuf, " %s='%d'", a->name, *virDomainIOMMUAttrInt(d, a));
        break;
    case VIR_IOMMU_ATTR_AWBITS:
        virBufferAsprintf(attrBuf, " %s='%u'", a->name, *virDomainIOMMUAttrUInt(d, a));
        break;
    }
}

static void
virDomainIOMMUDriverDefInit(virDomainIOMMUDriverDef *drv)
{
    memset(drv, 0, sizeof(*drv));
    drv->pci_bus = -1;
    drv->ssidsize = -1;
    drv->oas = -1;
    drv->pasid_bits = -1;
}

/* An <iommu> of @model with no <driver> attributes, as a definition that
 * a driver completes (libvirt's QEMU driver adds one for large guests) */
virDomainIOMMUDef *
virDomainIOMMUDefNew(virDomainIOMMUModel model)
{
    virDomainIOMMUDef *iommu = g_new0(virDomainIOMMUDef, 1);

    iommu->model = model;
    virDomainIOMMUDriverDefInit(&iommu->driver);
    return iommu;
}

static int
virDomainIOMMUCheckMisspellings(xmlNodePtr node, GError **error)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virDomainIOMMUMisspellings); i++) {
        if (xmlHasProp(node, BAD_CAST virDomainIOMMUMisspellings[i].wrong))
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("attribute '%1$s' of <iommu><driver> is not known; it is spelled '%2$s'"),
                                  virDomainIOMMUMisspellings[i].wrong,
                                  virDomainIOMMUMisspellings[i].right);
    }
    return 0;
}

static int
virDomainIOMMUGranuleParseXML(xmlNodePtr node, virDomainIOMMUDriverDef *drv,
                              GError **error)
{
    g_autofree char *mode = virXMLPropString(node, "mode");
    g_autofree char *unit = virXMLPropString(node, "unit");
    unsigned int size = 0;
    int rc;

    if ((rc = virXMLPropUInt(node, "size", 10, VIR_XML_PROP_NONZERO,
                             &size, error)) < 0)
        return -1;
    if (mode && rc == 1)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("'mode' and 'size' can't be specified at the same time for 'granule'"));
    if (mode) {
        if (strcmp(mode, "host") != 0)
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("Invalid value for attribute 'mode' in element 'granule': '%1$s'. Expected 'host'"),
                                  mode);
        drv->granule_host = true;
        return 0;
    }
    if (rc == 0)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("element 'granule' needs either 'mode' or 'size'"));
    if (!unit || g_ascii_strcasecmp(unit, "KiB") == 0 ||
        g_ascii_strcasecmp(unit, "K") == 0) {
        drv->granule_kib = size;
    } else if (g_ascii_strcasecmp(unit, "MiB") == 0 ||
               g_ascii_strcasecmp(unit, "M") == 0) {
        drv->granule_kib = size * 1024;
    } else {
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Invalid value for attribute 'unit' in element 'granule': '%1$s'. Expected 'KiB' or 'MiB'"),
                              unit);
    }
    return 0;
}

static int
virDomainIOMMUDriverParseXML(xmlNodePtr node, virDomainIOMMUDriverDef *drv,
                             GError **error)
{
    xmlNodePtr granule;
    size_t i;

    if (virDomainIOMMUCheckMisspellings(node, error) < 0)
        return -1;

    for (i = 0; i < G_N_ELEMENTS(virDomainIOMMUAttrs); i++) {
        if (virDomainIOMMUAttrParse(node, &virDomainIOMMUAttrs[i], drv, error) < 0)
            return -1;
    }

    if (virXMLNodeCountChildren(node, "granule") > 1)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("only one <granule> element is allowed in <iommu><driver>"));
    if ((granule = virXMLNodeGetChild(node, "granule")) &&
        virDomainIOMMUGranuleParseXML(granule, drv, error) < 0)
        return -1;
    return 0;
}

void
virDomainIOMMUDefFree(virDomainIOMMUDef *iommu)
{
    if (!iommu)
        return;
    virDomainDeviceInfoClear(&iommu->info);
    g_free(iommu);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainIOMMUDef, virDomainIOMMUDefFree);

virDomainIOMMUDef *
virDomainIOMMUDefParseXML(xmlNodePtr node, GError **error)
{
    g_autoptr(virDomainIOMMUDef) iommu = g_new0(virDomainIOMMUDef, 1);
    xmlNodePtr driver;
    int model = 0;

    virDomainIOMMUDriverDefInit(&iommu->driver);

    if (virXMLPropEnum(node, "model", virDomainIOMMUModelTypeFromString,
                       VIR_XML_PROP_REQUIRED, &model, error) < 0)
        return NULL;
    iommu->model = model;

    if (virXMLNodeCountChildren(node, "driver") > 1) {
        virReportError(error, VIR_ERR_XML_ERROR, "%s",
                       _("only one <driver> element is allowed in <iommu>"));
        return NULL;
    }
    if ((driver = virXMLNodeGetChild(node, "driver"))) {
        iommu->hasDriver = true;
        if (virDomainIOMMUDriverParseXML(driver, &iommu->driver, error) < 0)
            return NULL;
    }

    if (virDomainDeviceInfoParseXML(node, &iommu->info, error) < 0)
        return NULL;

    return g_steal_pointer(&iommu);
}

void
virDomainIOMMUDefFormat(virBuffer *buf, const virDomainIOMMUDef *iommu)
{
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    g_auto(virBuffer) driverAttrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) driverChildBuf = VIR_BUFFER_INIT_CHILD(&childBuf);
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    const virDomainIOMMUDriverDef *drv = &iommu->driver;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virDomainIOMMUAttrs); i++)
        virDomainIOMMUAttrFormat(&driverAttrBuf, &virDomainIOMMUAttrs[i], drv);

    if (drv->granule_host)
        virBufferAddLit(&driverChildBuf, "<granule mode='host'/>\n");
    else if (drv->granule_kib)
        virBufferAsprintf(&driverChildBuf, "<granule size='%u' unit='KiB'/>\n",
                          drv->granule_kib);

    if (iommu->hasDriver)
        virXMLFormatElementEmpty(&childBuf, "driver", &driverAttrBuf, &driverChildBuf);
    virXMLShapeFormatOpaqueChildren(&childBuf, iommu->info.src, &virDomainIOMMUShape);

    virDomainDeviceInfoFormat(&childBuf, &iommu->info);

    virBufferAsprintf(&attrBuf, " model='%s'",
                      virDomainIOMMUModelTypeToString(iommu->model));
    virXMLFormatElement(buf, "iommu", &attrBuf, &childBuf);
}

/* ---- effective configuration ------------------------------------------- */

static const char *
virDomainIOMMUSwitchStr(virTristateSwitch s)
{
    return virTristateSwitchTypeToString(s);
}

/* Report "<a>='x' contradicts <b>='y'" for the iommu model. */
static int
virDomainIOMMUContradiction(const virDomainIOMMUDef *iommu,
                            const char *attrA, const char *valA,
                            const char *attrB, const char *valB,
                            GError **error)
{
    return virReportError(error, VIR_ERR_XML_ERROR,
                          _("iommu model '%1$s': %2$s='%3$s' contradicts %4$s='%5$s'; remove one of them or make them agree"),
                          virDomainIOMMUModelTypeToString(iommu->model),
                          attrA, valA, attrB, valB);
}

static int
virDomainIOMMUContradictionSwitch(const virDomainIOMMUDef *iommu,
                                  const char *attrA, virTristateSwitch a,
                                  const char *attrB, virTristateSwitch b,
                                  GError **error)
{
    return virDomainIOMMUContradiction(iommu, attrA, virDomainIOMMUSwitchStr(a),
                                       attrB, virDomainIOMMUSwitchStr(b), error);
}

/* Two switches that must agree when both are given. */
static int
virDomainIOMMUCheckAgree(const virDomainIOMMUDef *iommu,
                         const char *attrA, virTristateSwitch a,
                         const char *attrB, virTristateSwitch b,
                         GError **error)
{
    if (a != VIR_TRISTATE_SWITCH_ABSENT && b != VIR_TRISTATE_SWITCH_ABSENT &&
        a != b)
        return virDomainIOMMUContradictionSwitch(iommu, attrA, a, attrB, b, error);
    return 0;
}

/* PASID width from pasid / pasid_bits / (smmuv3) ssidsize. */
static int
virDomainIOMMUResolvePASID(virDomainIOMMUDef *iommu, GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;
    int width = drv->pasid_bits;
    g_autofree char *bitsStr = g_strdup_printf("%d", drv->pasid_bits);
    g_autofree char *ssidStr = g_strdup_printf("%d", drv->ssidsize);

    if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_SMMUV3 && drv->ssidsize >= 0) {
        if (width >= 0 && width != drv->ssidsize)
            return virDomainIOMMUContradiction(iommu, "pasid_bits", bitsStr,
                                               "ssidsize", ssidStr, error);
        width = drv->ssidsize;
        if (drv->pasid == VIR_TRISTATE_SWITCH_ON && width == 0)
            return virDomainIOMMUContradiction(iommu, "pasid", "on",
                                               "ssidsize", ssidStr, error);
        if (drv->pasid == VIR_TRISTATE_SWITCH_OFF && width > 0)
            return virDomainIOMMUContradiction(iommu, "pasid", "off",
                                               "ssidsize", ssidStr, error);
    } else if (drv->pasid_bits >= 0) {
        if (drv->pasid == VIR_TRISTATE_SWITCH_ON && width == 0)
            return virDomainIOMMUContradiction(iommu, "pasid", "on",
                                               "pasid_bits", bitsStr, error);
        if (drv->pasid == VIR_TRISTATE_SWITCH_OFF && width > 0)
            return virDomainIOMMUContradiction(iommu, "pasid", "off",
                                               "pasid_bits", bitsStr, error);
    }

    if (width < 0)
        width = drv->pasid == VIR_TRISTATE_SWITCH_ON ?
                VIR_DOMAIN_IOMMU_PASID_BITS_DEFAULT : 0;
    iommu->eff.pasidBits = width;
    return 0;
}

static int
virDomainIOMMUResolveIntel(virDomainIOMMUDef *iommu, GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;
    virDomainIOMMUEffective *eff = &iommu->eff;

    if (virDomainIOMMUCheckAgree(iommu, "nesting", drv->nesting,
                                 "fsts", drv->fsts, error) < 0)
        return -1;
    if (drv->scalable_mode == VIR_TRISTATE_SWITCH_OFF) {
        if (drv->nesting == VIR_TRISTATE_SWITCH_ON)
            return virDomainIOMMUContradictionSwitch(iommu, "nesting", drv->nesting,
                                                     "scalable_mode", drv->scalable_mode,
                                                     error);
        if (drv->pasid == VIR_TRISTATE_SWITCH_ON)
            return virDomainIOMMUContradictionSwitch(iommu, "pasid", drv->pasid,
                                                     "scalable_mode", drv->scalable_mode,
                                                     error);
    }

    /* nesting and pasid are intent: they bring what they need (scalable
     * mode, first stage, 48-bit width). The property-level spellings are
     * taken literally and checked by validation. */
    eff->nesting = drv->nesting == VIR_TRISTATE_SWITCH_ON ||
                   drv->fsts == VIR_TRISTATE_SWITCH_ON;
    eff->scalableMode = drv->scalable_mode == VIR_TRISTATE_SWITCH_ON ||
                        drv->nesting == VIR_TRISTATE_SWITCH_ON ||
                        drv->pasid == VIR_TRISTATE_SWITCH_ON;
    eff->svm = drv->svm == VIR_TRISTATE_SWITCH_ON;
    eff->fs1gp = eff->nesting && drv->fs1gp != VIR_TRISTATE_SWITCH_OFF;
    /* First-stage translation is 4-level (48-bit); machine types up to
     * pc-q35-9.1 default to 39 bits, so the width is always made explicit. */
    eff->awBits = drv->aw_bits;
    if (!eff->awBits && eff->nesting)
        eff->awBits = 48;
    return 0;
}

static int
virDomainIOMMUResolveSMMUv3(virDomainIOMMUDef *iommu, GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;

    if (virDomainIOMMUCheckAgree(iommu, "nesting", drv->nesting,
                                 "accel", drv->accel, error) < 0)
        return -1;
    iommu->eff.nesting = drv->nesting == VIR_TRISTATE_SWITCH_ON ||
                         drv->accel == VIR_TRISTATE_SWITCH_ON;
    return 0;
}

int
virDomainIOMMUDefResolve(virDomainIOMMUDef *iommu, GError **error)
{
    memset(&iommu->eff, 0, sizeof(iommu->eff));

    switch (iommu->model) {
    case VIR_DOMAIN_IOMMU_MODEL_INTEL:
        if (virDomainIOMMUResolveIntel(iommu, error) < 0)
            return -1;
        break;
    case VIR_DOMAIN_IOMMU_MODEL_SMMUV3:
        if (virDomainIOMMUResolveSMMUv3(iommu, error) < 0)
            return -1;
        break;
    case VIR_DOMAIN_IOMMU_MODEL_VIRTIO:
        iommu->eff.awBits = iommu->driver.aw_bits;
        return 0;
    case VIR_DOMAIN_IOMMU_MODEL_AMD:
    case VIR_DOMAIN_IOMMU_MODEL_LAST:
        return 0;
    }
    return virDomainIOMMUResolvePASID(iommu, error);
}

/* ---- <hostdev mode='subsystem' type='pci'> ------------------------------ */

/* ---- shapes: what the model reads of these elements -------------------- */

/* <iommu><driver> and <iommufd> are read whole: libvirt's grammar (and the
 * superset grammar) allows nothing there that the model does not read. */
static const virXMLShape virDomainIOMMUDriverShape = { "driver", NULL, NULL, true };
static const char *const virDomainIOMMUAttrNames[] = { "model", NULL };
static const char *const virDomainIOMMUFDAttrs[] = { "enabled", "fdgroup", NULL };
static const virXMLShape *const virDomainIOMMUChildren[] = {
    &virDomainIOMMUDriverShape, VIR_DOMAIN_INFO_SHAPES, NULL
};
const virXMLShape virDomainIOMMUShape = {
    "iommu", virDomainIOMMUAttrNames, virDomainIOMMUChildren, false
};
const virXMLShape virDomainIOMMUFDShape = { "iommufd", virDomainIOMMUFDAttrs, NULL, false };

static const char *const virDomainHostdevAttrs[] = {
    "mode", "type", "managed", "display", "ramfb", NULL
};
static const char *const virDomainHostdevDriverAttrs[] = {
    "name", "model", "iommufd", "vpasidCapOffset", NULL
};
static const char *const virDomainHostdevRomAttrs[] = { "bar", "file", NULL };
static const virXMLShape virDomainHostdevDriverShape = {
    "driver", virDomainHostdevDriverAttrs, NULL, false
};
static const virXMLShape *const virDomainHostdevSourceChildren[] = {
    &virDomainAddressShape, NULL
};
static const virXMLShape virDomainHostdevSourceShape = {
    "source", NULL, virDomainHostdevSourceChildren, false
};
static const virXMLShape virDomainHostdevRomShape = { "rom", virDomainHostdevRomAttrs, NULL, false };
static const virXMLShape *const virDomainHostdevChildren[] = {
    &virDomainHostdevDriverShape, &virDomainHostdevSourceShape,
    &virDomainHostdevRomShape, VIR_DOMAIN_INFO_SHAPES, NULL
};
const virXMLShape virDomainHostdevShape = {
    "hostdev", virDomainHostdevAttrs, virDomainHostdevChildren, false
};

/* <interface type='hostdev'>: the same device; the host-side network
 * settings (vlan, virtualport, ...) stay opaque */
static const char *const virDomainNetHostdevAttrs[] = { "type", "managed", NULL };
static const char *const virDomainNetHostdevMacAttrs[] = { "address", NULL };
static const virXMLShape virDomainNetHostdevMacShape = {
    "mac", virDomainNetHostdevMacAttrs, NULL, false
};
static const virXMLShape *const virDomainNetHostdevChildren[] = {
    &virDomainNetHostdevMacShape, &virDomainHostdevDriverShape,
    &virDomainHostdevSourceShape, &virDomainHostdevRomShape,
    VIR_DOMAIN_INFO_SHAPES, NULL
};
const virXMLShape virDomainNetHostdevShape = {
    "interface", virDomainNetHostdevAttrs, virDomainNetHostdevChildren, false
};

bool
virDomainNetHostdevIsModeled(xmlNodePtr node)
{
    g_autofree char *type = virXMLPropString(node, "type");
    xmlNodePtr source = virXMLNodeGetChild(node, "source");
    xmlNodePtr addr = source ? virXMLNodeGetChild(source, "address") : NULL;
    g_autofree char *addrType = addr ? virXMLPropString(addr, "type") : NULL;

    /* a USB device behind <interface type='hostdev'> stays opaque */
    return g_strcmp0(type, "hostdev") == 0 && g_strcmp0(addrType, "pci") == 0;
}

bool
virDomainHostdevIsModeled(xmlNodePtr node)
{
    g_autofree char *mode = virXMLPropString(node, "mode");
    g_autofree char *type = virXMLPropString(node, "type");

    return g_strcmp0(mode, "subsystem") == 0 && g_strcmp0(type, "pci") == 0;
}

void
virDomainHostdevDefFree(virDomainHostdevDef *hostdev)
{
    if (!hostdev)
        return;
    g_free(hostdev->driverName);
    g_free(hostdev->driverModel);
    g_free(hostdev->mac);
    g_free(hostdev->romFile);
    virDomainDeviceInfoClear(&hostdev->info);
    g_free(hostdev);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainHostdevDef, virDomainHostdevDefFree);

static int
virDomainHostdevDriverParseXML(xmlNodePtr node, virDomainHostdevDef *hostdev,
                               GError **error)
{
    int rc;

    hostdev->driverName = virXMLPropString(node, "name");
    hostdev->driverModel = virXMLPropString(node, "model");
    if (virXMLPropTristateBool(node, "iommufd", VIR_XML_PROP_NONE,
                               &hostdev->iommufd, error) < 0)
        return -1;
    if ((rc = virXMLPropUInt(node, "vpasidCapOffset", 0, VIR_XML_PROP_NONE,
                             &hostdev->vpasidCapOffset, error)) < 0)
        return -1;
    hostdev->vpasidCapOffsetSet = rc == 1;
    return 0;
}

static int
virDomainHostdevSourceParseXML(xmlNodePtr node, virDomainHostdevDef *hostdev,
                               GError **error)
{
    xmlNodePtr addr;

    if (!(addr = virXMLNodeGetChild(node, "address")))
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("PCI host devices must have a <source><address> with domain, bus, slot and function"));
    return virPCIDeviceAddressParseXML(addr, &hostdev->source, error);
}

static int
virDomainHostdevRomParseXML(xmlNodePtr node, virDomainHostdevDef *hostdev,
                            GError **error)
{
    if (virXMLPropTristateSwitch(node, "bar", VIR_XML_PROP_NONE,
                                 &hostdev->romBar, error) < 0)
        return -1;
    hostdev->romFile = virXMLPropString(node, "file");
    return 0;
}

virDomainHostdevDef *
virDomainHostdevDefParseXML(xmlNodePtr node, GError **error)
{
    g_autoptr(virDomainHostdevDef) hostdev = g_new0(virDomainHostdevDef, 1);
    xmlNodePtr child;

    hostdev->isInterface = g_str_equal((const char *)node->name, "interface");
    if (virXMLPropTristateBool(node, "managed", VIR_XML_PROP_NONE,
                               &hostdev->managed, error) < 0)
        return NULL;
    if (!hostdev->isInterface &&
        (virXMLPropTristateSwitch(node, "display", VIR_XML_PROP_NONE,
                                  &hostdev->display, error) < 0 ||
         virXMLPropTristateSwitch(node, "ramfb", VIR_XML_PROP_NONE,
                                  &hostdev->ramfb, error) < 0))
        return NULL;
    if (hostdev->isInterface && (child = virXMLNodeGetChild(node, "mac")))
        hostdev->mac = virXMLPropString(child, "address");

    if ((child = virXMLNodeGetChild(node, "driver")) &&
        virDomainHostdevDriverParseXML(child, hostdev, error) < 0)
        return NULL;
    if (!(child = virXMLNodeGetChild(node, "source"))) {
        virReportError(error, VIR_ERR_XML_ERROR, "%s",
                       _("Missing <source> element in PCI hostdev"));
        return NULL;
    }
    if (virDomainHostdevSourceParseXML(child, hostdev, error) < 0)
        return NULL;
    if ((child = virXMLNodeGetChild(node, "rom")) &&
        virDomainHostdevRomParseXML(child, hostdev, error) < 0)
        return NULL;
    if (virDomainDeviceInfoParseXML(node, &hostdev->info, error) < 0)
        return NULL;

    return g_steal_pointer(&hostdev);
}

void
virDomainHostdevDefFormat(virBuffer *buf, const virDomainHostdevDef *hostdev)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    g_auto(virBuffer) drvBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) romBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) srcBuf = VIR_BUFFER_INIT_CHILD(&childBuf);
    g_auto(virBuffer) srcAttrBuf = VIR_BUFFER_INITIALIZER;

    xmlNodePtr src = hostdev->info.src;
    xmlNodePtr source = virXMLNodeGetChild(src, "source");
    const virXMLShape *shape = hostdev->isInterface ? &virDomainNetHostdevShape
                                                    : &virDomainHostdevShape;

    if (hostdev->isInterface) {
        virBufferAddLit(&attrBuf, " type='hostdev'");
    } else {
        virBufferAddLit(&attrBuf, " mode='subsystem' type='pci'");
    }
    if (hostdev->managed)
        virBufferAsprintf(&attrBuf, " managed='%s'",
                          virTristateBoolTypeToString(hostdev->managed));
    if (hostdev->display)
        virBufferAsprintf(&attrBuf, " display='%s'",
                          virTristateSwitchTypeToString(hostdev->display));
    if (hostdev->ramfb)
        virBufferAsprintf(&attrBuf, " ramfb='%s'",
                          virTristateSwitchTypeToString(hostdev->ramfb));
    virXMLShapeFormatOpaqueAttrs(&attrBuf, src, shape);

    if (hostdev->isInterface)
        virBufferEscapeString(&childBuf, "<mac address='%s'/>\n", hostdev->mac);

    virBufferEscapeString(&drvBuf, " name='%s'", hostdev->driverName);
    virBufferEscapeString(&drvBuf, " model='%s'", hostdev->driverModel);
    if (hostdev->iommufd)
        virBufferAsprintf(&drvBuf, " iommufd='%s'",
                          virTristateBoolTypeToString(hostdev->iommufd));
    if (hostdev->vpasidCapOffsetSet)
        virBufferAsprintf(&drvBuf, " vpasidCapOffset='0x%x'",
                          hostdev->vpasidCapOffset);
    virXMLShapeFormatOpaqueAttrs(&drvBuf, virXMLNodeGetChild(src, "driver"),
                                 &virDomainHostdevDriverShape);
    virXMLFormatElement(&childBuf, "driver", &drvBuf, NULL);

    /* an interface names the type of its source address */
    virPCIDeviceAddressFormat(&srcBuf, &hostdev->source, hostdev->isInterface);
    virXMLShapeFormatOpaqueChildren(&srcBuf, source, &virDomainHostdevSourceShape);
    virXMLShapeFormatOpaqueAttrs(&srcAttrBuf, source, &virDomainHostdevSourceShape);
    virXMLFormatElementEmpty(&childBuf, "source", &srcAttrBuf, &srcBuf);

    if (hostdev->romBar)
        virBufferAsprintf(&romBuf, " bar='%s'",
                          virTristateSwitchTypeToString(hostdev->romBar));
    virBufferEscapeString(&romBuf, " file='%s'", hostdev->romFile);
    virXMLShapeFormatOpaqueAttrs(&romBuf, virXMLNodeGetChild(src, "rom"),
                                 &virDomainHostdevRomShape);
    virXMLFormatElement(&childBuf, "rom", &romBuf, NULL);

    virXMLShapeFormatOpaqueChildren(&childBuf, src, shape);
    virDomainDeviceInfoFormat(&childBuf, &hostdev->info);
    virXMLFormatElement(buf, hostdev->isInterface ? "interface" : "hostdev",
                        &attrBuf, &childBuf);
}

/* ---- domain-level <iommufd> --------------------------------------------- */

int
virDomainIOMMUFDParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    if (def->iommufd != VIR_TRISTATE_BOOL_ABSENT)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("only one 'iommufd' element is supported"));
    if (virXMLPropTristateBool(node, "enabled", VIR_XML_PROP_REQUIRED,
                               &def->iommufd, error) < 0)
        return -1;
    def->iommufdFdgroup = virXMLPropString(node, "fdgroup");
    return 0;
}

void
virDomainIOMMUFDFormat(virBuffer *buf, const virDomainDef *def)
{
    if (def->iommufd == VIR_TRISTATE_BOOL_ABSENT)
        return;
    virBufferAsprintf(buf, "<iommufd enabled='%s'",
                      virTristateBoolTypeToString(def->iommufd));
    virBufferEscapeString(buf, " fdgroup='%s'", def->iommufdFdgroup);
    virBufferAddLit(buf, "/>\n");
}

/* ---- naming a hostdev ------------------------------------------------------ */

char *
virDomainHostdevLabel(const virDomainHostdevDef *hostdev)
{
    g_autofree char *addr = virPCIDeviceAddressAsString(&hostdev->source);

    if (hostdev->info.alias)
        return g_strdup_printf("%s (%s)", addr, hostdev->info.alias);
    return g_steal_pointer(&addr);
}

GStrv
virDomainDefHostdevAddresses(const virDomainDef *def)
{
    g_autoptr(GPtrArray) addrs = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    for (i = 0; i < def->nhostdevs; i++)
        g_ptr_array_add(addrs, virPCIDeviceAddressAsString(&def->hostdevs[i]->source));
    g_ptr_array_add(addrs, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&addrs), FALSE);
}

/* ---- topology: which vIOMMU is in front of a hostdev --------------------- */

bool
virDomainHostdevUsesIOMMUFD(const virDomainDef *def,
                            const virDomainHostdevDef *hostdev)
{
    if (hostdev->iommufd != VIR_TRISTATE_BOOL_ABSENT)
        return hostdev->iommufd == VIR_TRISTATE_BOOL_YES;
    return def->iommufd == VIR_TRISTATE_BOOL_YES;
}

/* Walk from bus @bus towards its root complex. Stops at the first
 * controller for which @stop returns true (and returns it), or returns
 * NULL at the root. *@root gets the root complex index (0 = pcie.0/pci.0,
 * else the index of a pcie/pci-expander-bus). Devices and controllers
 * without an address are placed on bus 0. */
static const virDomainControllerDef *
virDomainPCIBusWalk(const virDomainDef *def, unsigned int bus,
                    bool (*stop)(const virDomainControllerDef *ctrl),
                    int *root)
{
    size_t guard;

    *root = 0;
    for (guard = 0; guard <= def->ncontrollers; guard++) {
        const virDomainControllerDef *ctrl =
            virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, bus);

        if (!ctrl || bus == 0)
            return NULL;
        if (stop && stop(ctrl))
            return ctrl;
        if (ctrl->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS ||
            ctrl->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_EXPANDER_BUS) {
            *root = ctrl->idx;
            return NULL;
        }
        if (ctrl->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
            return NULL;
        bus = ctrl->info.pci.bus;
    }
    return NULL;  /* a loop in the topology: validation reports it elsewhere */
}

int
virDomainPCIBusRootComplex(const virDomainDef *def, unsigned int bus)
{
    int root;

    virDomainPCIBusWalk(def, bus, NULL, &root);
    return root;
}

static bool
virDomainControllerIsConventionalBridge(const virDomainControllerDef *ctrl)
{
    return ctrl->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE ||
           ctrl->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE ||
           ctrl->model == VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE;
}

const virDomainControllerDef *
virDomainPCIBusFindBridge(const virDomainDef *def, unsigned int bus)
{
    int root;

    return virDomainPCIBusWalk(def, bus, virDomainControllerIsConventionalBridge,
                               &root);
}

bool
virDomainHostdevIsUnassigned(const virDomainHostdevDef *hostdev)
{
    xmlNodePtr addr;
    g_autofree char *type = NULL;

    if (hostdev->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_OTHER ||
        !(addr = virXMLNodeGetChild(hostdev->info.src, "address")))
        return false;
    type = virXMLPropString(addr, "type");
    return g_strcmp0(type, "unassigned") == 0;
}

const virDomainIOMMUDef *
virDomainHostdevFindIOMMU(const virDomainDef *def,
                          const virDomainHostdevDef *hostdev)
{
    unsigned int bus = hostdev->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI ?
                       hostdev->info.pci.bus : 0;
    int root = virDomainPCIBusRootComplex(def, bus);
    const virDomainIOMMUDef *fallback = NULL;
    size_t i;

    /* not given to the guest: no vIOMMU translates for it */
    if (virDomainHostdevIsUnassigned(hostdev))
        return NULL;

    for (i = 0; i < def->niommus; i++) {
        const virDomainIOMMUDef *iommu = def->iommus[i];

        if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_SMMUV3 &&
            iommu->driver.pci_bus >= 0) {
            if (iommu->driver.pci_bus == root)
                return iommu;
        } else if (!fallback) {
            fallback = iommu;
        }
    }
    return fallback;
}

/* ---- validation ----------------------------------------------------------- */

static int
virDomainIOMMUValidateModelAttrs(const virDomainIOMMUDef *iommu, GError **error)
{
    const char *model = virDomainIOMMUModelTypeToString(iommu->model);
    unsigned int mask = 1u << iommu->model;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virDomainIOMMUAttrs); i++) {
        const virDomainIOMMUAttr *a = &virDomainIOMMUAttrs[i];
        bool intent = g_str_equal(a->name, "nesting") ||
                      g_str_equal(a->name, "pasid") ||
                      g_str_equal(a->name, "pasid_bits");

        if ((a->models & mask) || !virDomainIOMMUAttrIsSet(&iommu->driver, a))
            continue;
        if (intent)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("iommu model '%1$s' doesn't support attribute '%2$s': nested translation and PASID exist only for models 'intel' and 'smmuv3'"),
                                  model, a->name);
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model '%1$s' doesn't support attribute '%2$s' of <driver>; remove it"),
                              model, a->name);
    }
    if ((iommu->driver.granule_host || iommu->driver.granule_kib) &&
        iommu->model != VIR_DOMAIN_IOMMU_MODEL_VIRTIO)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model '%1$s' doesn't support <granule>; only model 'virtio' has it"),
                              model);
    if (iommu->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE &&
        (iommu->model == VIR_DOMAIN_IOMMU_MODEL_INTEL ||
         iommu->model == VIR_DOMAIN_IOMMU_MODEL_SMMUV3))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model '%1$s' can't have address"), model);
    return 0;
}

static int
virDomainIOMMUValidateRanges(const virDomainIOMMUDef *iommu, GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;
    const char *model = virDomainIOMMUModelTypeToString(iommu->model);
    static const int oasValues[] = { 32, 36, 40, 42, 44, 48, 52, 56 };
    size_t i;

    if (drv->pasid_bits > VIR_DOMAIN_IOMMU_PASID_BITS_MAX)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model '%1$s': pasid_bits='%2$d' is out of range; a PASID is at most %3$d bits wide (use 1 to %3$d)"),
                              model, drv->pasid_bits, VIR_DOMAIN_IOMMU_PASID_BITS_MAX);
    if (drv->ssidsize > VIR_DOMAIN_IOMMU_PASID_BITS_MAX)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model '%1$s': ssidsize='%2$d' is out of range; use 0 to %3$d"),
                              model, drv->ssidsize, VIR_DOMAIN_IOMMU_PASID_BITS_MAX);
    if (drv->oas >= 0) {
        for (i = 0; i < G_N_ELEMENTS(oasValues) && oasValues[i] != drv->oas; i++)
            ;
        if (i == G_N_ELEMENTS(oasValues))
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("iommu model '%1$s': oas='%2$d' is not an SMMUv3 output address size; use one of 32, 36, 40, 42, 44, 48, 52, 56"),
                                  model, drv->oas);
    }
    if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_VIRTIO && drv->aw_bits &&
        (drv->aw_bits < 32 || drv->aw_bits > 64))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model 'virtio': aw_bits='%1$u' is out of range; use 32 to 64"),
                              drv->aw_bits);
    if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_INTEL && drv->aw_bits &&
        drv->aw_bits != 39 && drv->aw_bits != 48 && drv->aw_bits != 57)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model 'intel': aw_bits='%1$u' is not a VT-d address width; use 39, 48 or 57"),
                              drv->aw_bits);
    if (drv->granule_kib && drv->granule_kib != 4 && drv->granule_kib != 8 &&
        drv->granule_kib != 16 && drv->granule_kib != 64)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model 'virtio': unsupported granule size %1$u KiB; use 4, 8, 16 or 64 KiB, or mode='host'"),
                              drv->granule_kib);
    return 0;
}

static int
virDomainIOMMUValidateIntel(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                            GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;
    const virDomainIOMMUEffective *eff = &iommu->eff;

    if (eff->nesting && !eff->scalableMode)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("iommu model 'intel': fsts='on' needs scalable_mode='on' (first-stage translation exists only in scalable mode); add scalable_mode='on' or use nesting='on'"));
    if (eff->pasidBits && !eff->scalableMode)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model 'intel': pasid_bits='%1$d' needs scalable_mode='on' (PASID exists only in scalable mode); add scalable_mode='on' or use pasid='on'"),
                              drv->pasid_bits);
    if (drv->fs1gp != VIR_TRISTATE_SWITCH_ABSENT && !eff->nesting)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("iommu model 'intel': fs1gp only applies to first-stage translation; remove it or add nesting='on'"));
    /* both decided by libvirt too: its words */
    if (drv->eim == VIR_TRISTATE_SWITCH_ON && drv->intremap != VIR_TRISTATE_SWITCH_ON)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("IOMMU eim requires interrupt remapping to be enabled"));
    if (drv->intremap == VIR_TRISTATE_SWITCH_ON && def->ioapic == VIR_DOMAIN_IOAPIC_KVM)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("IOMMU interrupt remapping requires split I/O APIC (ioapic driver='qemu')"));
    return 0;
}

static int
virDomainIOMMUValidateSMMUv3(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                             GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;
    static const char *const accelOnly[] = { "ats", "ril", "ssidsize", "oas", "cmdqv" };
    const virDomainControllerDef *ctrl;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(accelOnly) && !iommu->eff.nesting; i++) {
        size_t j;
        for (j = 0; j < G_N_ELEMENTS(virDomainIOMMUAttrs); j++) {
            if (g_str_equal(virDomainIOMMUAttrs[j].name, accelOnly[i]) &&
                virDomainIOMMUAttrIsSet(drv, &virDomainIOMMUAttrs[j]))
                return virReportError(error, VIR_ERR_XML_ERROR,
                                      _("iommu model 'smmuv3': %1$s needs accel='on' (or nesting='on')"),
                                      accelOnly[i]);
        }
    }
    if (iommu->eff.pasidBits && !iommu->eff.nesting)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("iommu model 'smmuv3': PASID (pasid / pasid_bits) needs nesting='on' (or accel='on')"));

    if (drv->pci_bus <= 0)
        return 0;
    ctrl = virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, drv->pci_bus);
    if (!ctrl)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model 'smmuv3': pciBus='%1$d' names no PCI controller; add <controller type='pci' index='%1$d' model='pcie-expander-bus'> or use pciBus='0'"),
                              drv->pci_bus);
    if (ctrl->model != VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("iommu model 'smmuv3': pciBus='%1$d' names a '%2$s' controller; it must name the pcie-root (0) or a pcie-expander-bus"),
                              drv->pci_bus,
                              virDomainControllerModelPCITypeToString(ctrl->model));
    return 0;
}

static int
virDomainIOMMUValidateOne(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                          GError **error)
{
    if (virDomainIOMMUValidateModelAttrs(iommu, error) < 0 ||
        virDomainIOMMUValidateRanges(iommu, error) < 0)
        return -1;
    switch (iommu->model) {
    case VIR_DOMAIN_IOMMU_MODEL_INTEL:
        return virDomainIOMMUValidateIntel(def, iommu, error);
    case VIR_DOMAIN_IOMMU_MODEL_SMMUV3:
        return virDomainIOMMUValidateSMMUv3(def, iommu, error);
    case VIR_DOMAIN_IOMMU_MODEL_AMD:
        if (iommu->driver.intremap == VIR_TRISTATE_SWITCH_ON &&
            def->ioapic == VIR_DOMAIN_IOAPIC_KVM)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                  _("IOMMU interrupt remapping requires split I/O APIC (ioapic driver='qemu')"));
        return 0;
    case VIR_DOMAIN_IOMMU_MODEL_VIRTIO:
    case VIR_DOMAIN_IOMMU_MODEL_LAST:
        break;
    }
    return 0;
}

/* Several <iommu>: only smmuv3 each on its own pciBus, plus at most one
 * virtio-iommu; intel and amd must be alone. */
static int
virDomainIOMMUValidateSet(const virDomainDef *def, GError **error)
{
    size_t i, j;
    size_t nvirtio = 0;

    if (def->niommus < 2)
        return 0;
    for (i = 0; i < def->niommus; i++) {
        const virDomainIOMMUDef *iommu = def->iommus[i];

        switch (iommu->model) {
        case VIR_DOMAIN_IOMMU_MODEL_INTEL:
        case VIR_DOMAIN_IOMMU_MODEL_AMD:
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("the domain has %1$zu <iommu> devices, but an iommu of model '%2$s' must be the only one; remove the others"),
                                  def->niommus,
                                  virDomainIOMMUModelTypeToString(iommu->model));
        case VIR_DOMAIN_IOMMU_MODEL_VIRTIO:
            if (++nvirtio > 1)
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                      _("only one <iommu model='virtio'> is allowed"));
            break;
        case VIR_DOMAIN_IOMMU_MODEL_SMMUV3:
            if (iommu->driver.pci_bus < 0)
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                      _("with several <iommu> devices every iommu model 'smmuv3' needs its own pciBus attribute"));
            for (j = 0; j < i; j++) {
                if (def->iommus[j]->model == VIR_DOMAIN_IOMMU_MODEL_SMMUV3 &&
                    def->iommus[j]->driver.pci_bus == iommu->driver.pci_bus)
                    return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                          _("two iommu devices of model 'smmuv3' use pciBus='%1$d'; each PCI root complex takes one SMMU"),
                                          iommu->driver.pci_bus);
            }
            break;
        case VIR_DOMAIN_IOMMU_MODEL_LAST:
            break;
        }
    }
    return 0;
}

static int
virDomainHostdevValidateOne(const virDomainDef *def,
                            const virDomainHostdevDef *hostdev, GError **error)
{
    g_autofree char *label = virDomainHostdevLabel(hostdev);
    const virDomainIOMMUDef *iommu = virDomainHostdevFindIOMMU(def, hostdev);
    unsigned int off = hostdev->vpasidCapOffset;

    if (hostdev->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE ||
        (hostdev->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_OTHER &&
         !virDomainHostdevIsUnassigned(hostdev)))
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("PCI host devices must use 'pci' or 'unassigned' address type"));
    if (hostdev->driverName && strcmp(hostdev->driverName, "vfio") != 0)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: driver name='%2$s' is not supported; use name='vfio' or leave it out"),
                              label, hostdev->driverName);
    if (iommu && iommu->eff.nesting && !virDomainHostdevUsesIOMMUFD(def, hostdev))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s is behind iommu model '%2$s' with nesting, which needs iommufd: add <driver iommufd='yes'/> to the hostdev or <iommufd enabled='yes'/> to the domain"),
                              label, virDomainIOMMUModelTypeToString(iommu->model));
    if (!hostdev->vpasidCapOffsetSet)
        return 0;
    if (off % 4 != 0 || off < 0x100 || off + 8 > 0x1000)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("hostdev %1$s: vpasidCapOffset='0x%2$x' must be 4-byte aligned and within the extended configuration space (0x100 to 0xff8)"),
                              label, off);
    if (!iommu || !iommu->eff.pasidBits)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: vpasidCapOffset has no effect because no vIOMMU in front of it exposes PASID; remove it or set pasid='on' on the iommu"),
                              label);
    return 0;
}

static int
virDomainHostdevsValidate(const virDomainDef *def, GError **error)
{
    g_autoptr(GHashTable) seen = virPCIDeviceAddressTableNew();
    size_t nramfb = 0;
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *a = def->hostdevs[i];

        /* one boot framebuffer for the guest firmware */
        if (a->ramfb == VIR_TRISTATE_SWITCH_ON && ++nramfb > 1)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                  _("Only one vgpu device can have 'ramfb' enabled"));

        if (!g_hash_table_add(seen, (gpointer)&a->source)) {
            g_autofree char *addr = virPCIDeviceAddressAsString(&a->source);
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("host PCI device %1$s is assigned twice; each <hostdev> needs its own <source><address>"),
                                  addr);
        }
        if (virDomainHostdevValidateOne(def, a, error) < 0)
            return -1;
    }
    return 0;
}

int
virDomainIOMMUDefsValidate(const virDomainDef *def, GError **error)
{
    size_t i;

    if (def->iommufdFdgroup && def->iommufd == VIR_TRISTATE_BOOL_NO)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("Setting 'fdgroup' when 'iommufd' is disabled is not supported."));
    for (i = 0; i < def->niommus; i++) {
        if (virDomainIOMMUValidateOne(def, def->iommus[i], error) < 0)
            return -1;
    }
    if (virDomainIOMMUValidateSet(def, error) < 0)
        return -1;
    return virDomainHostdevsValidate(def, error);
}
