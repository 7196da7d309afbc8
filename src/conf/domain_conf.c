/*
 * domain_conf.c: the domain XML model: parse, format, post-parse and
 *                conf-level validation of everything except <iommu>,
 *                PCI <hostdev> and <iommufd> (domain_conf_iommu.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parser accepts every domain libvirt accepts: the document is
 * checked against the superset grammar (libvirt's installed domain
 * grammar plus the extension), then what the vIOMMU decisions depend on is
 * modeled here, and everything else stays in the kept document. Each
 * modeled element has a shape (virxmlopaque.h) listing what the model
 * reads; the formatter writes the model, then what the shape does not
 * list exactly as the user wrote it. Optional attributes are tristates or
 * "-1 = absent", generated aliases are not written.
 */
#include <string.h>

#include "domain_conf.h"
#include "domain_conf_iommu.h"
#include "domain_limits.h"
#include "virpci.h"
#include "virxmlopaque.h"

VIR_ENUM_IMPL(virDomainController, VIR_DOMAIN_CONTROLLER_TYPE_LAST,
              "pci", "usb", "sata", "scsi", "ide", "fdc", "ccid",
              "virtio-serial", "xenbus", "isa", "nvme");

VIR_ENUM_IMPL(virDomainControllerModelPCI, VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST,
              "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge",
              "pcie-root-port", "pcie-switch-upstream-port",
              "pcie-switch-downstream-port", "pci-expander-bus",
              "pcie-expander-bus", "pcie-to-pci-bridge");

VIR_ENUM_IMPL(virDomainControllerModelUSB, VIR_DOMAIN_CONTROLLER_MODEL_USB_LAST,
              "none", "qemu-xhci", "piix3-uhci", "piix4-uhci", "ehci",
              "ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3",
              "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2");

VIR_ENUM_IMPL(virDomainControllerModelSCSI, VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LAST,
              "virtio-scsi", "auto", "buslogic", "lsilogic", "lsisas1068",
              "vmpvscsi", "ibmvscsi", "lsisas1078", "virtio-transitional",
              "virtio-non-transitional", "ncr53c90", "am53c974", "dc390");

VIR_ENUM_IMPL(virDomainDiskType, VIR_DOMAIN_DISK_TYPE_LAST,
              "file", "block");

VIR_ENUM_IMPL(virDomainDiskDevice, VIR_DOMAIN_DISK_DEVICE_LAST,
              "disk", "cdrom");

VIR_ENUM_IMPL(virDomainDiskFormat, VIR_DOMAIN_DISK_FORMAT_LAST,
              "raw", "qcow2");

VIR_ENUM_IMPL(virDomainDiskBus, VIR_DOMAIN_DISK_BUS_LAST,
              "virtio", "sata", "scsi");

VIR_ENUM_IMPL(virDomainNet, VIR_DOMAIN_NET_TYPE_LAST,
              "user", "network", "bridge");

VIR_ENUM_IMPL(virDomainNetModel, VIR_DOMAIN_NET_MODEL_LAST,
              "virtio", "e1000e");

VIR_ENUM_IMPL(virDomainChr, VIR_DOMAIN_CHR_TYPE_LAST,
              "pty", "file");

VIR_ENUM_IMPL(virDomainMemballoonModel, VIR_DOMAIN_MEMBALLOON_MODEL_LAST,
              "virtio", "none");

VIR_ENUM_IMPL(virDomainVirt, VIR_DOMAIN_VIRT_LAST,
              "kvm", "qemu");

VIR_ENUM_IMPL(virDomainIOAPIC, VIR_DOMAIN_IOAPIC_LAST,
              "default", "qemu", "kvm");

VIR_ENUM_IMPL(virCPUMode, VIR_DOMAIN_CPU_MODE_LAST,
              "custom", "host-model", "host-passthrough", "maximum");

VIR_ENUM_IMPL(virDomainLifecycleAction, VIR_DOMAIN_LIFECYCLE_ACTION_LAST,
              "destroy", "restart", "preserve", "rename-restart",
              "coredump-destroy", "coredump-restart");

VIR_ENUM_IMPL(virDomainOsFirmware, VIR_DOMAIN_OS_FIRMWARE_LAST,
              "none", "bios", "efi");

/* The character devices the model translates; any other is kept as an
 * opaque device. */
static const char *const virDomainSerialTargetTypes[] = {
    "isa-serial", "pci-serial", "system-serial", NULL
};
static const char *const virDomainConsoleTargetTypes[] = { "serial", "virtio", NULL };
static const char *const virDomainChrTargetModels[] = {
    "isa-serial", "pci-serial", "pl011", "16550a", NULL
};

/* ---- small helpers ------------------------------------------------------- */

static bool
virDomainStrInList(const char *const *list, const char *str)
{
    size_t i;

    for (i = 0; list[i]; i++) {
        if (g_str_equal(list[i], str))
            return true;
    }
    return false;
}

/* A string attribute (its values are the grammar's business); 0 absent,
 * 1 set, -1 error. */
static int
virDomainPropString(xmlNodePtr node, const char *name, virXMLPropFlags flags,
                    char **result, GError **error)
{
    g_autofree char *val = virXMLPropString(node, name);

    if (!val) {
        if (flags & VIR_XML_PROP_REQUIRED)
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("Missing required attribute '%1$s' in element '%2$s'"),
                                  name, (const char *)node->name);
        return 0;
    }
    *result = g_steal_pointer(&val);
    return 1;
}

/* Is the attribute @name of @node, when both are present, one of @list? */
static bool
virDomainPropIsOneOf(xmlNodePtr node, const char *name, const char *const *list)
{
    g_autofree char *val = node ? virXMLPropString(node, name) : NULL;

    return !val || virDomainStrInList(list, val);
}

/* Element text with surrounding whitespace removed (caller frees). */
static char *
virDomainNodeText(xmlNodePtr node)
{
    char *text = virXMLNodeContentString(node);

    return g_strstrip(text);
}

/* Text content of a leaf element such as <name> */
static int
virDomainParseTextElement(xmlNodePtr node, char **result, GError **error)
{
    (void)error;
    *result = virDomainNodeText(node);
    return 0;
}

/* Write " @name='value'" of the source element @src, when it has it: for
 * a modeled attribute whose value the model does not hold. */
static void
virDomainFormatSrcAttr(virBuffer *attrBuf, xmlNodePtr src, const char *name)
{
    g_autofree char *val = src ? virXMLPropString(src, name) : NULL;

    if (!val)
        return;
    virBufferAsprintf(attrBuf, " %s=", name);
    virBufferEscapeString(attrBuf, "'%s'", val);
}

/* The child @name of @parent as the user wrote it, or "<name/>" */
static void
virDomainFormatChildOrEmpty(virBuffer *buf, xmlNodePtr parent, const char *name)
{
    if (virXMLNodeGetChild(parent, name))
        virXMLFormatChildrenNamed(buf, parent, name);
    else
        virBufferAsprintf(buf, "<%s/>\n", name);
}

/* ---- controllers ------------------------------------------------------- */

static void
virDomainControllerDefFree(virDomainControllerDef *def)
{
    if (!def)
        return;
    g_free(def->modelName);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainControllerDef, virDomainControllerDefFree);

/* An optional integer attribute kept as "-1 = absent". */
static int
virDomainPropOptInt(xmlNodePtr node, const char *name, int base, int *result,
                    GError **error)
{
    unsigned int val = 0;
    int rc = virXMLPropUInt(node, name, base, VIR_XML_PROP_NONE, &val, error);

    if (rc == 1 && val > G_MAXINT) {
        g_autofree char *raw = virXMLPropString(node, name);
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s' is too large"),
                              name, (const char *)node->name, raw);
    }
    if (rc == 1)
        *result = (int)val;
    return rc < 0 ? -1 : 0;
}

static const char *const virDomainControllerAttrs[] = { "type", "index", "model", NULL };
static const char *const virDomainControllerModelAttrs[] = { "name", NULL };
static const char *const virDomainControllerTargetAttrs[] = {
    "chassisNr", "chassis", "port", "busNr", NULL
};
static const virXMLShape virDomainControllerModelShape = {
    "model", virDomainControllerModelAttrs, NULL, false
};
static const virXMLShape virDomainControllerTargetShape = {
    "target", virDomainControllerTargetAttrs, NULL, false
};
static const virXMLShape *const virDomainControllerChildren[] = {
    &virDomainControllerModelShape, &virDomainControllerTargetShape,
    VIR_DOMAIN_INFO_SHAPES, NULL
};
static const virXMLShape *const virDomainControllerChildrenNonPCI[] = {
    &virDomainVirtioDriverShape,
    VIR_DOMAIN_INFO_SHAPES, NULL
};
/* <model> and <target> are modeled for PCI controllers only */
static const virXMLShape virDomainControllerShape = {
    "controller", virDomainControllerAttrs, virDomainControllerChildren, false
};
static const virXMLShape virDomainControllerShapeNonPCI = {
    "controller", virDomainControllerAttrs, virDomainControllerChildrenNonPCI, false
};

static const virXMLShape *
virDomainControllerGetShape(const virDomainControllerDef *def)
{
    return def->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI ?
        &virDomainControllerShape : &virDomainControllerShapeNonPCI;
}

static int
virDomainControllerTargetParseXML(xmlNodePtr node, virDomainControllerDef *def,
                                  GError **error)
{
    if (virDomainPropOptInt(node, "chassisNr", 10, &def->chassisNr, error) < 0 ||
        virDomainPropOptInt(node, "chassis", 10, &def->chassis, error) < 0 ||
        virDomainPropOptInt(node, "port", 0, &def->port, error) < 0 ||
        virDomainPropOptInt(node, "busNr", 10, &def->busNr, error) < 0)
        return -1;
    return 0;
}

static int
virDomainControllerModelParseXML(xmlNodePtr node, virDomainControllerDef *def,
                                 GError **error)
{
    if (!(def->modelName = virXMLPropString(node, "name")))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Missing required attribute '%1$s' in element '%2$s'"),
                              "name", "model");
    return 0;
}

/* model= means a different enum for each controller type */
static int
virDomainControllerModelAttrParse(xmlNodePtr node, virDomainControllerDef *def,
                                  GError **error)
{
    int (*fromString)(const char *) = NULL;

    switch (def->type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
        fromString = virDomainControllerModelPCITypeFromString;
        break;
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        fromString = virDomainControllerModelUSBTypeFromString;
        break;
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        fromString = virDomainControllerModelSCSITypeFromString;
        break;
    default:
        /* kept in the source element, written back from it */
        return 0;
    }
    return virXMLPropEnum(node, "model", fromString, VIR_XML_PROP_NONE,
                          &def->model, error) < 0 ? -1 : 0;
}

static virDomainControllerDef *
virDomainControllerDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const singles[] = { "model", "target", NULL };
    g_autoptr(virDomainControllerDef) def = g_new0(virDomainControllerDef, 1);
    unsigned int idx = 0;
    int type = 0;
    int rc;
    xmlNodePtr child;

    def->model = -1;
    def->idx = -1;
    def->chassis = def->chassisNr = def->port = def->busNr = -1;
    def->targetIndex = -1;

    if (virDomainCheckSingletons(node, singles, error) < 0 ||
        virXMLPropEnum(node, "type", virDomainControllerTypeFromString,
                       VIR_XML_PROP_REQUIRED, &type, error) < 0)
        return NULL;
    def->type = type;
    if ((rc = virXMLPropUInt(node, "index", 10, VIR_XML_PROP_NONE, &idx, error)) < 0 ||
        virDomainControllerModelAttrParse(node, def, error) < 0)
        return NULL;
    if (rc == 1 && idx > 255) {
        virReportError(error, VIR_ERR_XML_ERROR,
                       _("controller index '%1$u' is out of range; use 0 to 255"), idx);
        return NULL;
    }
    if (rc == 1) {
        def->idx = idx;
        def->idxFromUser = true;
    }

    def->usbCompanion = def->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
                        virXMLNodeGetChild(node, "master");
    if (def->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI)
        return virDomainDeviceInfoParseXML(node, &def->info, error) < 0 ?
            NULL : g_steal_pointer(&def);
    if ((child = virXMLNodeGetChild(node, "model")) &&
        virDomainControllerModelParseXML(child, def, error) < 0)
        return NULL;
    if ((child = virXMLNodeGetChild(node, "target")) &&
        virDomainControllerTargetParseXML(child, def, error) < 0)
        return NULL;
    if (virDomainDeviceInfoParseXML(node, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static const char *
virDomainControllerModelToString(const virDomainControllerDef *def)
{
    switch (def->type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
        return virDomainControllerModelPCITypeToString(def->model);
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        return virDomainControllerModelUSBTypeToString(def->model);
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        return virDomainControllerModelSCSITypeToString(def->model);
    default:
        break;
    }
    return NULL;
}

static void
virDomainControllerDefFormat(virBuffer *buf, const virDomainControllerDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    g_auto(virBuffer) targetBuf = VIR_BUFFER_INITIALIZER;

    const char *model = def->model >= 0 ? virDomainControllerModelToString(def) : NULL;
    xmlNodePtr src = def->info.src;

    virBufferAsprintf(&attrBuf, " type='%s'", virDomainControllerTypeToString(def->type));
    if (def->idxFromUser)
        virBufferAsprintf(&attrBuf, " index='%d'", def->idx);
    if (model)
        virBufferAsprintf(&attrBuf, " model='%s'", model);
    else
        virDomainFormatSrcAttr(&attrBuf, src, "model");
    virXMLShapeFormatOpaqueAttrs(&attrBuf, src, virDomainControllerGetShape(def));

    virBufferEscapeString(&childBuf, "<model name='%s'/>\n", def->modelName);
    if (def->chassisNr >= 0)
        virBufferAsprintf(&targetBuf, " chassisNr='%d'", def->chassisNr);
    if (def->chassis >= 0)
        virBufferAsprintf(&targetBuf, " chassis='%d'", def->chassis);
    if (def->port >= 0)
        virBufferAsprintf(&targetBuf, " port='0x%x'", def->port);
    if (def->busNr >= 0)
        virBufferAsprintf(&targetBuf, " busNr='%d'", def->busNr);
    virXMLShapeFormatOpaqueAttrs(&targetBuf, virXMLNodeGetChild(src, "target"),
                                 &virDomainControllerTargetShape);
    virXMLFormatElement(&childBuf, "target", &targetBuf, NULL);
    if (def->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI)
        virDomainVirtioDriverFormat(&childBuf, &def->info);
    virXMLShapeFormatOpaqueChildren(&childBuf, src, virDomainControllerGetShape(def));
    virDomainDeviceInfoFormat(&childBuf, &def->info);

    virXMLFormatElement(buf, "controller", &attrBuf, &childBuf);
}

/* ---- disks ------------------------------------------------------------- */

static void
virDomainDiskDefFree(virDomainDiskDef *def)
{
    if (!def)
        return;
    g_free(def->driverName);
    g_free(def->src);
    g_free(def->dst);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDiskDef, virDomainDiskDefFree);

static const char *const virDomainDiskAttrs[] = { "type", "device", NULL };
static const char *const virDomainDiskDriverAttrs[] = { "name", "type", "iommu", "ats", NULL };
static const char *const virDomainDiskSourceAttrs[] = { "file", "dev", NULL };
static const char *const virDomainDiskTargetAttrs[] = { "dev", "bus", NULL };
static const virXMLShape virDomainDiskDriverShape = { "driver", virDomainDiskDriverAttrs, NULL, false };
static const virXMLShape virDomainDiskSourceShape = { "source", virDomainDiskSourceAttrs, NULL, false };
static const virXMLShape virDomainDiskTargetShape = { "target", virDomainDiskTargetAttrs, NULL, false };
static const virXMLShape virDomainDiskReadonlyShape = { "readonly", NULL, NULL, false };
static const virXMLShape *const virDomainDiskChildren[] = {
    &virDomainDiskDriverShape, &virDomainDiskSourceShape, &virDomainDiskTargetShape,
    &virDomainDiskReadonlyShape, VIR_DOMAIN_INFO_SHAPES, NULL
};
static const virXMLShape virDomainDiskShape = {
    "disk", virDomainDiskAttrs, virDomainDiskChildren, false
};

/* A disk the model translates: a file or block disk or cdrom on a
 * virtio, SATA or SCSI bus, raw or qcow2. Any other stays opaque. */
static bool
virDomainDiskIsModeled(xmlNodePtr node)
{
    static const char *const types[] = { "file", "block", NULL };
    static const char *const devices[] = { "disk", "cdrom", NULL };
    static const char *const buses[] = { "virtio", "sata", "scsi", NULL };
    static const char *const formats[] = { "raw", "qcow2", NULL };
    xmlNodePtr target = virXMLNodeGetChild(node, "target");

    return virDomainPropIsOneOf(node, "type", types) &&
           virDomainPropIsOneOf(node, "device", devices) &&
           target && xmlHasProp(target, BAD_CAST "bus") &&
           virDomainPropIsOneOf(target, "bus", buses) &&
           virDomainPropIsOneOf(virXMLNodeGetChild(node, "driver"), "type", formats);
}

static int
virDomainDiskDriverParseXML(xmlNodePtr node, virDomainDiskDef *def,
                            GError **error)
{
    if (virXMLPropEnum(node, "type", virDomainDiskFormatTypeFromString,
                       VIR_XML_PROP_NONE, &def->format, error) < 0)
        return -1;
    def->driverName = virXMLPropString(node, "name");
    if (def->driverName && !g_str_equal(def->driverName, "qemu"))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("disk driver name '%1$s' is not supported; use name='qemu'"),
                              def->driverName);
    return 0;
}

static int
virDomainDiskSourceParseXML(xmlNodePtr node, virDomainDiskDef *def,
                            GError **error)
{
    bool isFile = def->type == VIR_DOMAIN_DISK_TYPE_FILE;
    const char *attr = isFile ? "file" : "dev";
    const char *other = isFile ? "dev" : "file";

    if (xmlHasProp(node, BAD_CAST other))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("<disk type='%1$s'> takes <source %2$s='...'/>, not %3$s='...'"),
                              virDomainDiskTypeTypeToString(def->type), attr, other);
    if (!(def->src = virXMLPropString(node, attr)))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("<disk type='%1$s'> needs <source %2$s='...'/>"),
                              virDomainDiskTypeTypeToString(def->type), attr);
    return 0;
}

static int
virDomainDiskTargetParseXML(xmlNodePtr node, virDomainDiskDef *def,
                            GError **error)
{
    int bus = 0;

    if (virXMLPropEnum(node, "bus", virDomainDiskBusTypeFromString,
                       VIR_XML_PROP_REQUIRED, &bus, error) < 0)
        return -1;
    def->bus = bus;
    if (!(def->dst = virXMLPropString(node, "dev")))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Missing required attribute '%1$s' in element '%2$s'"),
                              "dev", "target");
    return 0;
}

static virDomainDiskDef *
virDomainDiskDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const singles[] = {
        "driver", "source", "target", "readonly", NULL
    };
    g_autoptr(virDomainDiskDef) def = g_new0(virDomainDiskDef, 1);
    int type = 0, device = 0;
    xmlNodePtr child;

    def->format = -1;
    if (virDomainCheckSingletons(node, singles, error) < 0 ||
        virXMLPropEnum(node, "type", virDomainDiskTypeTypeFromString,
                       VIR_XML_PROP_REQUIRED, &type, error) < 0 ||
        virXMLPropEnum(node, "device", virDomainDiskDeviceTypeFromString,
                       VIR_XML_PROP_NONE, &device, error) < 0)
        return NULL;
    def->type = type;
    def->device = device;

    if ((child = virXMLNodeGetChild(node, "driver")) &&
        virDomainDiskDriverParseXML(child, def, error) < 0)
        return NULL;
    if ((child = virXMLNodeGetChild(node, "source")) &&
        virDomainDiskSourceParseXML(child, def, error) < 0)
        return NULL;
    if (!(child = virXMLNodeGetChild(node, "target"))) {
        virReportError(error, VIR_ERR_XML_ERROR, "%s",
                       _("<disk> needs a <target dev='...' bus='...'/>"));
        return NULL;
    }
    if (virDomainDiskTargetParseXML(child, def, error) < 0)
        return NULL;
    if (virXMLNodeGetChild(node, "readonly"))
        def->readonly = true;
    if (virDomainDeviceInfoParseXML(node, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static void
virDomainDiskDefFormat(virBuffer *buf, const virDomainDiskDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    g_auto(virBuffer) drvBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) srcBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) srcChildBuf = VIR_BUFFER_INIT_CHILD(&childBuf);
    g_auto(virBuffer) tgtBuf = VIR_BUFFER_INITIALIZER;
    xmlNodePtr src = def->info.src;
    xmlNodePtr source = virXMLNodeGetChild(src, "source");

    virBufferAsprintf(&attrBuf, " type='%s' device='%s'",
                      virDomainDiskTypeTypeToString(def->type),
                      virDomainDiskDeviceTypeToString(def->device));
    virXMLShapeFormatOpaqueAttrs(&attrBuf, src, &virDomainDiskShape);

    virBufferEscapeString(&drvBuf, " name='%s'", def->driverName);
    if (def->format >= 0)
        virBufferAsprintf(&drvBuf, " type='%s'",
                          virDomainDiskFormatTypeToString(def->format));
    virDomainVirtioDriverFormatAttrs(&drvBuf, &def->info);
    virXMLShapeFormatOpaqueAttrs(&drvBuf, virXMLNodeGetChild(src, "driver"),
                                 &virDomainDiskDriverShape);
    virXMLFormatElement(&childBuf, "driver", &drvBuf, NULL);

    if (def->src)
        virBufferEscapeString(&srcBuf,
                              def->type == VIR_DOMAIN_DISK_TYPE_FILE ?
                              " file='%s'" : " dev='%s'", def->src);
    virXMLShapeFormatOpaqueAttrs(&srcBuf, source, &virDomainDiskSourceShape);
    virXMLShapeFormatOpaqueChildren(&srcChildBuf, source, &virDomainDiskSourceShape);
    virXMLFormatElement(&childBuf, "source", &srcBuf, &srcChildBuf);

    virBufferEscapeString(&tgtBuf, " dev='%s'", def->dst);
    virBufferAsprintf(&tgtBuf, " bus='%s'", virDomainDiskBusTypeToString(def->bus));
    virXMLShapeFormatOpaqueAttrs(&tgtBuf, virXMLNodeGetChild(src, "target"),
                                 &virDomainDiskTargetShape);
    virXMLFormatElement(&childBuf, "target", &tgtBuf, NULL);
    if (def->readonly)
        virBufferAddLit(&childBuf, "<readonly/>\n");
    virXMLShapeFormatOpaqueChildren(&childBuf, src, &virDomainDiskShape);
    virDomainDeviceInfoFormat(&childBuf, &def->info);

    virXMLFormatElement(buf, "disk", &attrBuf, &childBuf);
}

/* ---- network interfaces ------------------------------------------------ */

static void
virDomainNetDefFree(virDomainNetDef *def)
{
    if (!def)
        return;
    g_free(def->mac);
    g_free(def->source);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainNetDef, virDomainNetDefFree);

static const char *const virDomainNetAttrs[] = { "type", NULL };
static const char *const virDomainNetMacAttrs[] = { "address", NULL };
static const char *const virDomainNetSourceAttrs[] = { "network", "bridge", NULL };
static const char *const virDomainNetModelAttrs[] = { "type", NULL };
static const virXMLShape virDomainNetMacShape = { "mac", virDomainNetMacAttrs, NULL, false };
static const virXMLShape virDomainNetSourceShape = { "source", virDomainNetSourceAttrs, NULL, false };
static const virXMLShape virDomainNetModelShape = { "model", virDomainNetModelAttrs, NULL, false };
static const virXMLShape *const virDomainNetChildren[] = {
    &virDomainNetMacShape, &virDomainNetSourceShape, &virDomainNetModelShape,
    &virDomainVirtioDriverShape,
    VIR_DOMAIN_INFO_SHAPES, NULL
};
static const virXMLShape virDomainNetShape = {
    "interface", virDomainNetAttrs, virDomainNetChildren, false
};

/* An interface the model translates: user, network or bridge, virtio or
 * e1000e. Any other (hostdev, direct, vhostuser, ...) stays opaque. */
static bool
virDomainNetIsModeled(xmlNodePtr node)
{
    static const char *const types[] = { "user", "network", "bridge", NULL };
    static const char *const models[] = { "virtio", "e1000e", NULL };
    xmlNodePtr model = virXMLNodeGetChild(node, "model");
    xmlNodePtr source = virXMLNodeGetChild(node, "source");
    g_autofree char *type = virXMLPropString(node, "type");

    if (!type || !virDomainStrInList(types, type) ||
        (model && !virDomainPropIsOneOf(model, "type", models)))
        return false;
    /* <source> of a user interface (a passt backend, ...) */
    return !(g_str_equal(type, "user") && source);
}

static int
virDomainNetMacParseXML(xmlNodePtr node, virDomainNetDef *def, GError **error)
{
    unsigned int octet[6];
    char tail;

    if (!(def->mac = virXMLPropString(node, "address")))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Missing required attribute '%1$s' in element '%2$s'"),
                              "address", "mac");
    if (strlen(def->mac) != 17 ||
        sscanf(def->mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &octet[0], &octet[1],
               &octet[2], &octet[3], &octet[4], &octet[5], &tail) != 6 ||
        strspn(def->mac, "0123456789abcdefABCDEF:") != 17)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("unable to parse mac address '%1$s'; use six hexadecimal octets like 52:54:00:12:34:56"),
                              def->mac);
    if (octet[0] & 1)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("expected unicast mac address, found multicast '%1$s'"),
                              def->mac);
    return 0;
}

static int
virDomainNetSourceParseXML(xmlNodePtr node, virDomainNetDef *def,
                           GError **error)
{
    bool isNetwork = def->type == VIR_DOMAIN_NET_TYPE_NETWORK;

    (void)error;
    def->source = virXMLPropString(node, isNetwork ? "network" : "bridge");
    return 0;
}

static int
virDomainNetModelParseXML(xmlNodePtr node, virDomainNetDef *def, GError **error)
{
    if (virXMLPropEnum(node, "type", virDomainNetModelTypeFromString,
                       VIR_XML_PROP_REQUIRED, &def->model, error) < 0)
        return -1;
    return 0;
}

static virDomainNetDef *
virDomainNetDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const singles[] = { "mac", "source", "model", NULL };
    g_autoptr(virDomainNetDef) def = g_new0(virDomainNetDef, 1);
    int type = 0;
    xmlNodePtr child;

    def->model = -1;
    if (virDomainCheckSingletons(node, singles, error) < 0 ||
        virXMLPropEnum(node, "type", virDomainNetTypeFromString,
                       VIR_XML_PROP_REQUIRED, &type, error) < 0)
        return NULL;
    def->type = type;

    if ((child = virXMLNodeGetChild(node, "mac")) &&
        virDomainNetMacParseXML(child, def, error) < 0)
        return NULL;
    if ((child = virXMLNodeGetChild(node, "source")) &&
        virDomainNetSourceParseXML(child, def, error) < 0)
        return NULL;
    if (def->type != VIR_DOMAIN_NET_TYPE_USER && !def->source) {
        const char *attr = def->type == VIR_DOMAIN_NET_TYPE_NETWORK ? "network" : "bridge";
        virReportError(error, VIR_ERR_XML_ERROR,
                       _("<interface type='%1$s'> needs <source %2$s='...'/>"),
                       virDomainNetTypeToString(def->type), attr);
        return NULL;
    }
    if ((child = virXMLNodeGetChild(node, "model")) &&
        virDomainNetModelParseXML(child, def, error) < 0)
        return NULL;
    if (virDomainDeviceInfoParseXML(node, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static void
virDomainNetDefFormat(virBuffer *buf, const virDomainNetDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    g_auto(virBuffer) macBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) srcBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) modelBuf = VIR_BUFFER_INITIALIZER;
    xmlNodePtr src = def->info.src;

    virBufferAsprintf(&attrBuf, " type='%s'", virDomainNetTypeToString(def->type));
    virXMLShapeFormatOpaqueAttrs(&attrBuf, src, &virDomainNetShape);
    virBufferEscapeString(&macBuf, " address='%s'", def->mac);
    virXMLShapeFormatOpaqueAttrs(&macBuf, virXMLNodeGetChild(src, "mac"),
                                 &virDomainNetMacShape);
    virXMLFormatElement(&childBuf, "mac", &macBuf, NULL);
    if (def->source)
        virBufferEscapeString(&srcBuf,
                              def->type == VIR_DOMAIN_NET_TYPE_NETWORK ?
                              " network='%s'" : " bridge='%s'", def->source);
    virXMLShapeFormatOpaqueAttrs(&srcBuf, virXMLNodeGetChild(src, "source"),
                                 &virDomainNetSourceShape);
    virXMLFormatElement(&childBuf, "source", &srcBuf, NULL);
    if (def->model >= 0)
        virBufferAsprintf(&modelBuf, " type='%s'",
                          virDomainNetModelTypeToString(def->model));
    virXMLShapeFormatOpaqueAttrs(&modelBuf, virXMLNodeGetChild(src, "model"),
                                 &virDomainNetModelShape);
    virXMLFormatElement(&childBuf, "model", &modelBuf, NULL);
    virDomainVirtioDriverFormat(&childBuf, &def->info);
    virXMLShapeFormatOpaqueChildren(&childBuf, src, &virDomainNetShape);
    virDomainDeviceInfoFormat(&childBuf, &def->info);
    virXMLFormatElementEmpty(buf, "interface", &attrBuf, &childBuf);
}

/* ---- serial and console ------------------------------------------------- */

static void
virDomainChrDefFree(virDomainChrDef *def)
{
    if (!def)
        return;
    g_free(def->path);
    g_free(def->targetType);
    g_free(def->targetModel);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainChrDef, virDomainChrDefFree);

static const char *const virDomainChrAttrs[] = { "type", NULL };
static const char *const virDomainChrSourceAttrs[] = { "path", NULL };
static const char *const virDomainChrTargetAttrs[] = { "type", "port", NULL };
static const char *const virDomainChrTargetModelAttrs[] = { "name", NULL };
static const virXMLShape virDomainChrSourceShape = { "source", virDomainChrSourceAttrs, NULL, false };
static const virXMLShape virDomainChrTargetModelShape = {
    "model", virDomainChrTargetModelAttrs, NULL, false
};
static const virXMLShape *const virDomainChrTargetChildren[] = {
    &virDomainChrTargetModelShape, NULL
};
static const virXMLShape virDomainChrTargetShape = {
    "target", virDomainChrTargetAttrs, virDomainChrTargetChildren, false
};
static const virXMLShape *const virDomainChrChildren[] = {
    &virDomainChrSourceShape, &virDomainChrTargetShape, VIR_DOMAIN_INFO_SHAPES, NULL
};
static const virXMLShape virDomainChrShape = {
    "chr", virDomainChrAttrs, virDomainChrChildren, false
};

/* A serial or console the model translates: pty or file, with a target
 * type and model it knows. Any other stays opaque. */
static bool
virDomainChrIsModeled(xmlNodePtr node, virDomainChrDeviceType deviceType)
{
    static const char *const types[] = { "pty", "file", NULL };
    bool serial = deviceType == VIR_DOMAIN_CHR_DEVICE_SERIAL;
    xmlNodePtr target = virXMLNodeGetChild(node, "target");
    g_autofree char *type = virXMLPropString(node, "type");

    return type && virDomainStrInList(types, type) &&
           virDomainPropIsOneOf(target, "type",
                                serial ? virDomainSerialTargetTypes :
                                         virDomainConsoleTargetTypes) &&
           virDomainPropIsOneOf(virXMLNodeGetChild(target, "model"), "name",
                                virDomainChrTargetModels);
}

static int
virDomainChrSourceParseXML(xmlNodePtr node, virDomainChrDef *def,
                           GError **error)
{
    (void)error;
    def->path = virXMLPropString(node, "path");
    return 0;
}

static int
virDomainChrTargetParseXML(xmlNodePtr node, virDomainChrDef *def,
                           GError **error)
{
    static const char *const children[] = { "model", NULL };
    xmlNodePtr model;

    if (virDomainCheckSingletons(node, children, error) < 0 ||
        virDomainPropString(node, "type", VIR_XML_PROP_NONE,
                            &def->targetType, error) < 0 ||
        virDomainPropOptInt(node, "port", 10, &def->targetPort, error) < 0)
        return -1;
    if (!(model = virXMLNodeGetChild(node, "model")))
        return 0;
    if (virDomainPropString(model, "name", VIR_XML_PROP_REQUIRED,
                            &def->targetModel, error) < 0)
        return -1;
    return 0;
}

static virDomainChrDef *
virDomainChrDefParseXML(xmlNodePtr node, virDomainChrDeviceType deviceType,
                        GError **error)
{
    static const char *const singles[] = { "source", "target", NULL };
    g_autoptr(virDomainChrDef) def = g_new0(virDomainChrDef, 1);
    int type = 0;
    xmlNodePtr child;

    def->deviceType = deviceType;
    def->targetPort = -1;
    if (virDomainCheckSingletons(node, singles, error) < 0 ||
        virXMLPropEnum(node, "type", virDomainChrTypeFromString,
                       VIR_XML_PROP_REQUIRED, &type, error) < 0)
        return NULL;
    def->type = type;

    if ((child = virXMLNodeGetChild(node, "source")) &&
        virDomainChrSourceParseXML(child, def, error) < 0)
        return NULL;
    if (def->type == VIR_DOMAIN_CHR_TYPE_FILE && !def->path) {
        virReportError(error, VIR_ERR_XML_ERROR,
                       _("<%1$s type='file'> needs <source path='...'/>"),
                       (const char *)node->name);
        return NULL;
    }
    if ((child = virXMLNodeGetChild(node, "target")) &&
        virDomainChrTargetParseXML(child, def, error) < 0)
        return NULL;
    if (virDomainDeviceInfoParseXML(node, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static void
virDomainChrDefFormat(virBuffer *buf, const virDomainChrDef *def)
{
    const char *name = def->deviceType == VIR_DOMAIN_CHR_DEVICE_SERIAL ?
                       "serial" : "console";
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    g_auto(virBuffer) srcBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) srcChildBuf = VIR_BUFFER_INIT_CHILD(&childBuf);
    g_auto(virBuffer) targetAttrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) targetChildBuf = VIR_BUFFER_INIT_CHILD(&childBuf);
    g_auto(virBuffer) modelBuf = VIR_BUFFER_INITIALIZER;
    xmlNodePtr src = def->info.src;
    xmlNodePtr source = virXMLNodeGetChild(src, "source");
    xmlNodePtr target = virXMLNodeGetChild(src, "target");

    virBufferAsprintf(&attrBuf, " type='%s'", virDomainChrTypeToString(def->type));
    virXMLShapeFormatOpaqueAttrs(&attrBuf, src, &virDomainChrShape);
    virBufferEscapeString(&srcBuf, " path='%s'", def->path);
    virXMLShapeFormatOpaqueAttrs(&srcBuf, source, &virDomainChrSourceShape);
    virXMLShapeFormatOpaqueChildren(&srcChildBuf, source, &virDomainChrSourceShape);
    virXMLFormatElement(&childBuf, "source", &srcBuf, &srcChildBuf);

    virBufferEscapeString(&targetAttrBuf, " type='%s'", def->targetType);
    if (def->targetPort >= 0)
        virBufferAsprintf(&targetAttrBuf, " port='%d'", def->targetPort);
    virXMLShapeFormatOpaqueAttrs(&targetAttrBuf, target, &virDomainChrTargetShape);
    virBufferEscapeString(&modelBuf, " name='%s'", def->targetModel);
    virXMLShapeFormatOpaqueAttrs(&modelBuf, virXMLNodeGetChild(target, "model"),
                                 &virDomainChrTargetModelShape);
    virXMLFormatElement(&targetChildBuf, "model", &modelBuf, NULL);
    virXMLShapeFormatOpaqueChildren(&targetChildBuf, target, &virDomainChrTargetShape);
    virXMLFormatElement(&childBuf, "target", &targetAttrBuf, &targetChildBuf);

    virXMLShapeFormatOpaqueChildren(&childBuf, src, &virDomainChrShape);
    virDomainDeviceInfoFormat(&childBuf, &def->info);
    virXMLFormatElement(buf, name, &attrBuf, &childBuf);
}

/* ---- memballoon ------------------------------------------------------------ */

static void
virDomainMemballoonDefFree(virDomainMemballoonDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainMemballoonDef, virDomainMemballoonDefFree);

static const char *const virDomainMemballoonAttrs[] = { "model", NULL };
static const virXMLShape *const virDomainMemballoonChildren[] = {
    &virDomainVirtioDriverShape,
    VIR_DOMAIN_INFO_SHAPES, NULL
};
static const virXMLShape virDomainMemballoonShape = {
    "memballoon", virDomainMemballoonAttrs, virDomainMemballoonChildren, false
};

static bool
virDomainMemballoonIsModeled(xmlNodePtr node)
{
    static const char *const models[] = { "virtio", "none", NULL };

    return virDomainPropIsOneOf(node, "model", models);
}

static virDomainMemballoonDef *
virDomainMemballoonDefParseXML(xmlNodePtr node, GError **error)
{
    g_autoptr(virDomainMemballoonDef) def = g_new0(virDomainMemballoonDef, 1);
    int model = 0;

    if (virXMLPropEnum(node, "model", virDomainMemballoonModelTypeFromString,
                       VIR_XML_PROP_REQUIRED, &model, error) < 0)
        return NULL;
    def->model = model;
    if (virDomainDeviceInfoParseXML(node, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static void
virDomainMemballoonDefFormat(virBuffer *buf, const virDomainMemballoonDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);

    virBufferAsprintf(&attrBuf, " model='%s'",
                      virDomainMemballoonModelTypeToString(def->model));
    virXMLShapeFormatOpaqueAttrs(&attrBuf, def->info.src, &virDomainMemballoonShape);
    virDomainVirtioDriverFormat(&childBuf, &def->info);
    virXMLShapeFormatOpaqueChildren(&childBuf, def->info.src, &virDomainMemballoonShape);
    virDomainDeviceInfoFormat(&childBuf, &def->info);
    virXMLFormatElement(buf, "memballoon", &attrBuf, &childBuf);
}

/* ---- the domain object -------------------------------------------------- */

virDomainDef *
virDomainDefNew(void)
{
    virDomainDef *def = g_new0(virDomainDef, 1);

    def->onPoweroff = def->onReboot = def->onCrash = -1;
    return def;
}

static void
virDomainTimerDefFree(virDomainTimerDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->tickpolicy);
    g_free(def);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainTimerDef, virDomainTimerDefFree);

#define VIR_DOMAIN_FREE_LIST(list, n, freeFunc) \
    do { \
        size_t _i; \
        for (_i = 0; _i < (n); _i++) \
            freeFunc((list)[_i]); \
        g_free(list); \
    } while (0)

static void virDomainOtherDeviceDefFree(virDomainOtherDeviceDef *dev);

static void
virDomainDefFreeDevices(virDomainDef *def)
{
    g_free(def->emulator);
    VIR_DOMAIN_FREE_LIST(def->disks, def->ndisks, virDomainDiskDefFree);
    VIR_DOMAIN_FREE_LIST(def->controllers, def->ncontrollers,
                         virDomainControllerDefFree);
    VIR_DOMAIN_FREE_LIST(def->nets, def->nnets, virDomainNetDefFree);
    VIR_DOMAIN_FREE_LIST(def->serials, def->nserials, virDomainChrDefFree);
    VIR_DOMAIN_FREE_LIST(def->consoles, def->nconsoles, virDomainChrDefFree);
    VIR_DOMAIN_FREE_LIST(def->hostdevs, def->nhostdevs, virDomainHostdevDefFree);
    VIR_DOMAIN_FREE_LIST(def->iommus, def->niommus, virDomainIOMMUDefFree);
    virDomainMemballoonDefFree(def->memballoon);
    VIR_DOMAIN_FREE_LIST(def->others, def->nothers, virDomainOtherDeviceDefFree);
}

void
virDomainDefFree(virDomainDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->uuid);
    g_free(def->title);
    g_free(def->description);
    g_free(def->metadata);
    g_free(def->vcpuPlacement);
    g_free(def->osType);
    g_free(def->arch);
    g_free(def->machine);
    g_free(def->loader);
    g_free(def->loaderType);
    g_free(def->nvram);
    g_strfreev(def->bootDevs);
    g_free(def->cpuCheck);
    g_free(def->cpuModel);
    g_free(def->clockOffset);
    VIR_DOMAIN_FREE_LIST(def->timers, def->ntimers, virDomainTimerDefFree);
    virDomainDefFreeDevices(def);
    g_free(def->iommufdFdgroup);
    if (def->doc)
        xmlFreeDoc(def->doc);
    g_free(def);
}

/* Append @item to the array @list of @n elements */
#define VIR_DOMAIN_APPEND(list, n, item) \
    do { \
        (list) = g_renew(__typeof__(*(list)), (list), (n) + 1); \
        (list)[(n)++] = (item); \
    } while (0)

/* ---- top-level elements: identity, memory, vcpu ---------------------------- */

typedef struct {
    const char *unit;
    unsigned long long bytes;
} virDomainMemoryUnit;

/* libvirt's scaled-integer units: powers of 1024 and of 1000 */
static const virDomainMemoryUnit virDomainMemoryUnits[] = {
    { "b", 1ULL }, { "bytes", 1ULL },
    { "k", 1ULL << 10 }, { "KiB", 1ULL << 10 }, { "KB", 1000ULL },
    { "M", 1ULL << 20 }, { "MiB", 1ULL << 20 }, { "MB", 1000000ULL },
    { "G", 1ULL << 30 }, { "GiB", 1ULL << 30 }, { "GB", 1000000000ULL },
    { "T", 1ULL << 40 }, { "TiB", 1ULL << 40 }, { "TB", 1000000000000ULL },
    { "P", 1ULL << 50 }, { "PiB", 1ULL << 50 }, { "PB", 1000000000000000ULL },
    { "E", 1ULL << 60 }, { "EiB", 1ULL << 60 }, { "EB", 1000000000000000000ULL },
};

static const char *const virDomainMemoryAttrs[] = { "unit", NULL };
static const char *const virDomainVcpuAttrs[] = { "placement", NULL };
static const virXMLShape virDomainMemoryShape = { "memory", virDomainMemoryAttrs, NULL, false };
static const virXMLShape virDomainCurrentMemoryShape = {
    "currentMemory", virDomainMemoryAttrs, NULL, false
};
static const virXMLShape virDomainVcpuShape = { "vcpu", virDomainVcpuAttrs, NULL, false };

/* <memory unit='KiB'>N</memory>, with what else the user wrote on it */
static void
virDomainMemoryFormat(virBuffer *buf, const virDomainDef *def,
                      const char *name, unsigned long long kib)
{
    virBufferAsprintf(buf, "<%s unit='KiB'", name);
    virXMLShapeFormatOpaqueAttrs(buf, virXMLNodeGetChild(def->src, name),
                                 &virDomainMemoryShape);
    virBufferAsprintf(buf, ">%llu</%s>\n", kib, name);
}

/* <memory unit='...'>N</memory> -> KiB, rounding bytes up like libvirt */
static int
virDomainMemoryParseXML(xmlNodePtr node, unsigned long long *kib,
                        GError **error)
{
    const char *name = (const char *)node->name;
    g_autofree char *unit = virXMLPropString(node, "unit");
    g_autofree char *text = NULL;
    unsigned long long scale = 0;
    guint64 value;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virDomainMemoryUnits) && !scale; i++) {
        if (g_str_equal(unit ? unit : "KiB", virDomainMemoryUnits[i].unit))
            scale = virDomainMemoryUnits[i].bytes;
    }
    if (!scale)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("unknown unit '%1$s' in <%2$s>; use b, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)"),
                              unit, name);
    text = virDomainNodeText(node);
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &value, NULL))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("invalid value '%1$s' in <%2$s>: expected a non-negative integer"),
                              text, name);
    /* libvirt's limit (virMemoryMaxValue): the size in bytes fits a
     * signed 64-bit integer, strictly below 2^53 KiB; QEMU's JSON
     * 'size' of the memory backend takes no more either */
    if (value > VIR_DOMAIN_MEMORY_MAX_BYTES / scale ||
        (value * scale) / 1024 + ((value * scale) % 1024 ? 1 : 0) >=
        VIR_DOMAIN_MEMORY_MAX_BYTES / 1024 + 1)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("value '%1$s %2$s' in <%3$s> is too large: the maximum is %4$llu KiB (8 EiB)"),
                              text, unit ? unit : "KiB", name,
                              VIR_DOMAIN_MEMORY_MAX_BYTES / 1024);
    value *= scale;
    *kib = value / 1024 + (value % 1024 ? 1 : 0);
    return 0;
}

static int
virDomainVcpuParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    g_autofree char *text = NULL;
    guint64 value;

    if (virDomainPropString(node, "placement", VIR_XML_PROP_NONE,
                            &def->vcpuPlacement, error) < 0)
        return -1;
    text = virDomainNodeText(node);
    /* libvirt's grammar takes at most 65535 (countCPU) */
    if (!g_ascii_string_to_unsigned(text, 10, 1, VIR_DOMAIN_MAX_VCPUS, &value, NULL))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("invalid number of vCPUs '%1$s' in <vcpu>: expected an integer from 1 to 65535"),
                              text);
    def->vcpus = value;
    return 0;
}

unsigned int
virDomainDefGetVcpus(const virDomainDef *def)
{
    return def->vcpus ? def->vcpus : 1;
}

static int
virDomainIdentityParseXML(xmlNodePtr root, virDomainDef *def, GError **error)
{
    xmlNodePtr node;

    if (!(node = virXMLNodeGetChild(root, "name")))
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("missing <name> element in <domain>"));
    if (virDomainParseTextElement(node, &def->name, error) < 0)
        return -1;
    if (!*def->name || strchr(def->name, '/'))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("domain name '%1$s' is invalid: it must not be empty or contain '/'"),
                              def->name);

    if ((node = virXMLNodeGetChild(root, "uuid"))) {
        if (virDomainParseTextElement(node, &def->uuid, error) < 0)
            return -1;
        if (!g_uuid_string_is_valid(def->uuid))
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("malformed uuid element '%1$s': expected the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
                                  def->uuid);
    }
    if ((node = virXMLNodeGetChild(root, "title"))) {
        def->title = virXMLNodeContentString(node);
        if (strchr(def->title, '\n'))
            return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                                  _("Domain title can't contain newlines"));
    }
    if ((node = virXMLNodeGetChild(root, "description"))) {
        def->description = virXMLNodeContentString(node);
    }
    return 0;
}

static int
virDomainMemoryVcpuParseXML(xmlNodePtr root, virDomainDef *def, GError **error)
{
    xmlNodePtr node;

    if (!(node = virXMLNodeGetChild(root, "memory")))
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("missing <memory> element in <domain>: the guest needs a memory size"));
    if (virDomainMemoryParseXML(node, &def->memoryKiB, error) < 0)
        return -1;
    if ((node = virXMLNodeGetChild(root, "currentMemory")) &&
        virDomainMemoryParseXML(node, &def->currentMemoryKiB, error) < 0)
        return -1;
    if ((node = virXMLNodeGetChild(root, "vcpu")) &&
        virDomainVcpuParseXML(node, def, error) < 0)
        return -1;
    return 0;
}

/* ---- <metadata>: kept, re-indented ------------------------------------------ */

static int
virDomainMetadataParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    xmlNodePtr cur;

    if (node->properties)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("attribute '%1$s' of element <metadata> is not supported by libvirt-viommu; remove it"),
                              (const char *)node->properties->name);
    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_TEXT_NODE && !xmlIsBlankNode(cur))
            return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                                  _("<metadata> may only contain elements (each in its own namespace), not text"));
    }
    /* written one level below <domain>, as libvirt writes it */
    def->metadata = virXMLNodeDumpStandalone(node, 1);
    return 0;
}

static void
virDomainMetadataFormat(virBuffer *buf, const char *metadata)
{
    if (!metadata)
        return;
    virBufferAdd(buf, metadata, -1);
    virBufferAddLit(buf, "\n");
}

/* ---- <os> ------------------------------------------------------------------ */

static const char *const virDomainOsAttrs[] = { "firmware", NULL };
static const char *const virDomainOsTypeAttrs[] = { "arch", "machine", NULL };
static const char *const virDomainOsLoaderAttrs[] = { "readonly", "type", NULL };
static const char *const virDomainOsBootAttrs[] = { "dev", NULL };
static const virXMLShape virDomainOsTypeShape = { "type", virDomainOsTypeAttrs, NULL, false };
static const virXMLShape virDomainOsLoaderShape = { "loader", virDomainOsLoaderAttrs, NULL, false };
static const virXMLShape virDomainOsNvramShape = { "nvram", NULL, NULL, true };
static const virXMLShape virDomainOsBootShape = { "boot", virDomainOsBootAttrs, NULL, false };
static const virXMLShape *const virDomainOsChildren[] = {
    &virDomainOsTypeShape, &virDomainOsLoaderShape, &virDomainOsNvramShape,
    &virDomainOsBootShape, NULL
};
static const virXMLShape virDomainOsShape = {
    "os", virDomainOsAttrs, virDomainOsChildren, false
};

static int
virDomainOsTypeParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    if (virDomainPropString(node, "arch", VIR_XML_PROP_NONE, &def->arch, error) < 0)
        return -1;
    def->machine = virXMLPropString(node, "machine");
    def->osType = virDomainNodeText(node);
    if (!g_str_equal(def->osType, "hvm"))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("os type '%1$s' is not supported by libvirt-viommu; use <type>hvm</type>"),
                              def->osType);
    return 0;
}

static int
virDomainOsLoaderParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    if (virXMLPropTristateBool(node, "readonly", VIR_XML_PROP_NONE,
                               &def->loaderReadonly, error) < 0 ||
        virDomainPropString(node, "type", VIR_XML_PROP_NONE, &def->loaderType,
                            error) < 0)
        return -1;
    def->loader = virDomainNodeText(node);
    return 0;
}

static int
virDomainOsBootParseXML(xmlNodePtr os, virDomainDef *def, GError **error)
{
    g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func(g_free);
    xmlNodePtr cur;

    for (cur = os->children; cur; cur = cur->next) {
        char *dev = NULL;

        if (cur->type != XML_ELEMENT_NODE || !xmlStrEqual(cur->name, BAD_CAST "boot"))
            continue;
        if (virDomainPropString(cur, "dev", VIR_XML_PROP_REQUIRED, &dev, error) < 0)
            return -1;
        g_ptr_array_add(devs, dev);
    }
    if (devs->len == 0)
        return 0;
    g_ptr_array_add(devs, NULL);
    /* without the segment, the elements are not freed: they move to def */
    def->bootDevs = (char **)g_ptr_array_free(g_steal_pointer(&devs), FALSE);
    return 0;
}

static int
virDomainOsParseXML(xmlNodePtr root, virDomainDef *def, GError **error)
{
    static const char *const singles[] = { "type", "loader", "nvram", NULL };
    xmlNodePtr node = virXMLNodeGetChild(root, "os");
    xmlNodePtr child;
    int firmware = 0;

    if (!node)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("missing <os> element in <domain>: add <os><type>hvm</type></os>"));
    if (virDomainCheckSingletons(node, singles, error) < 0 ||
        virXMLPropEnum(node, "firmware", virDomainOsFirmwareTypeFromString,
                       VIR_XML_PROP_NONZERO, &firmware, error) < 0)
        return -1;
    def->firmware = firmware;
    if (!(child = virXMLNodeGetChild(node, "type")))
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("missing <type> element in <os>: add <type>hvm</type>"));
    if (virDomainOsTypeParseXML(child, def, error) < 0)
        return -1;
    if ((child = virXMLNodeGetChild(node, "loader")) &&
        virDomainOsLoaderParseXML(child, def, error) < 0)
        return -1;
    /* the path, if any; the element is written back as the user wrote it */
    if ((child = virXMLNodeGetChild(node, "nvram")))
        def->nvram = virDomainNodeText(child);
    return virDomainOsBootParseXML(node, def, error);
}

static void
virDomainOsFormat(virBuffer *buf, const virDomainDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    xmlNodePtr os = virXMLNodeGetChild(def->src, "os");
    size_t i;

    if (def->firmware != VIR_DOMAIN_OS_FIRMWARE_NONE)
        virBufferAsprintf(&attrBuf, " firmware='%s'",
                          virDomainOsFirmwareTypeToString(def->firmware));
    virXMLShapeFormatOpaqueAttrs(&attrBuf, os, &virDomainOsShape);

    virBufferAddLit(&childBuf, "<type");
    virBufferEscapeString(&childBuf, " arch='%s'", def->arch);
    virBufferEscapeString(&childBuf, " machine='%s'", def->machine);
    virXMLShapeFormatOpaqueAttrs(&childBuf, virXMLNodeGetChild(os, "type"),
                                 &virDomainOsTypeShape);
    virBufferEscapeString(&childBuf, ">%s</type>\n", def->osType);
    if (def->loader) {
        virBufferAddLit(&childBuf, "<loader");
        if (def->loaderReadonly != VIR_TRISTATE_BOOL_ABSENT)
            virBufferAsprintf(&childBuf, " readonly='%s'",
                              virTristateBoolTypeToString(def->loaderReadonly));
        virBufferEscapeString(&childBuf, " type='%s'", def->loaderType);
        virXMLShapeFormatOpaqueAttrs(&childBuf, virXMLNodeGetChild(os, "loader"),
                                     &virDomainOsLoaderShape);
        if (*def->loader)
            virBufferEscapeString(&childBuf, ">%s</loader>\n", def->loader);
        else
            virBufferAddLit(&childBuf, "/>\n");
    }
    if (virXMLNodeGetChild(os, "nvram"))
        virXMLFormatChildrenNamed(&childBuf, os, "nvram");
    else
        virBufferEscapeString(&childBuf, "<nvram>%s</nvram>\n", def->nvram);
    for (i = 0; def->bootDevs && def->bootDevs[i]; i++)
        virBufferAsprintf(&childBuf, "<boot dev='%s'/>\n", def->bootDevs[i]);
    virXMLShapeFormatOpaqueChildren(&childBuf, os, &virDomainOsShape);

    virXMLFormatElement(buf, "os", &attrBuf, &childBuf);
}

/* ---- <features>, <cpu>, <clock>, lifecycle ---------------------------------- */

static const char *const virDomainFeatureIOAPICAttrs[] = { "driver", NULL };
static const char *const virDomainFeatureGICAttrs[] = { "version", NULL };
static const virXMLShape virDomainFeatureAcpiShape = { "acpi", NULL, NULL, false };
static const virXMLShape virDomainFeatureApicShape = { "apic", NULL, NULL, false };
static const virXMLShape virDomainFeatureIOAPICShape = {
    "ioapic", virDomainFeatureIOAPICAttrs, NULL, false
};
static const virXMLShape virDomainFeatureGICShape = {
    "gic", virDomainFeatureGICAttrs, NULL, false
};
static const virXMLShape *const virDomainFeaturesChildren[] = {
    &virDomainFeatureAcpiShape, &virDomainFeatureApicShape,
    &virDomainFeatureIOAPICShape, &virDomainFeatureGICShape, NULL
};
static const virXMLShape virDomainFeaturesShape = {
    "features", NULL, virDomainFeaturesChildren, false
};

static int
virDomainFeatureGICParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    g_autofree char *version = virXMLPropString(node, "version");

    def->hasGic = true;
    if (!version)
        return 0;
    if (g_str_equal(version, "host")) {
        def->gicHost = true;
        return 0;
    }
    return virXMLPropUInt(node, "version", 10, VIR_XML_PROP_NONE,
                          &def->gicVersion, error) < 0 ? -1 : 0;
}

static int
virDomainFeaturesParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    xmlNodePtr child;
    int ioapic = 0;

    def->hasFeatures = true;
    def->featAcpi = virXMLNodeGetChild(node, "acpi") != NULL;
    def->featApic = virXMLNodeGetChild(node, "apic") != NULL;
    if ((child = virXMLNodeGetChild(node, "ioapic"))) {
        if (virXMLPropEnum(child, "driver", virDomainIOAPICTypeFromString,
                           VIR_XML_PROP_REQUIRED | VIR_XML_PROP_NONZERO,
                           &ioapic, error) < 0)
            return -1;
        def->ioapic = ioapic;
    }
    if ((child = virXMLNodeGetChild(node, "gic")) &&
        virDomainFeatureGICParseXML(child, def, error) < 0)
        return -1;
    return 0;
}

static void
virDomainFeaturesFormat(virBuffer *buf, const virDomainDef *def)
{
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    xmlNodePtr features = virXMLNodeGetChild(def->src, "features");

    if (!def->hasFeatures)
        return;
    /* libvirt's order: acpi, apic, ..., gic, ..., ioapic; the features the
     * model does not hold come after those it holds */
    if (def->featAcpi)
        virDomainFormatChildOrEmpty(&childBuf, features, "acpi");
    if (def->featApic)
        virDomainFormatChildOrEmpty(&childBuf, features, "apic");
    if (def->hasGic) {
        virBufferAddLit(&childBuf, "<gic");
        if (def->gicHost)
            virBufferAddLit(&childBuf, " version='host'");
        else if (def->gicVersion)
            virBufferAsprintf(&childBuf, " version='%u'", def->gicVersion);
        virXMLShapeFormatOpaqueAttrs(&childBuf, virXMLNodeGetChild(features, "gic"),
                                     &virDomainFeatureGICShape);
        virBufferAddLit(&childBuf, "/>\n");
    }
    if (def->ioapic != VIR_DOMAIN_IOAPIC_DEFAULT)
        virBufferAsprintf(&childBuf, "<ioapic driver='%s'/>\n",
                          virDomainIOAPICTypeToString(def->ioapic));
    virXMLShapeFormatOpaqueChildren(&childBuf, features, &virDomainFeaturesShape);
    virXMLFormatElementEmpty(buf, "features", NULL, &childBuf);
}

static const char *const virDomainCPUAttrs[] = { "mode", "check", "migratable", NULL };
static const virXMLShape virDomainCPUModelShape = { "model", NULL, NULL, false };
static const virXMLShape *const virDomainCPUChildren[] = { &virDomainCPUModelShape, NULL };
static const virXMLShape virDomainCPUShape = {
    "cpu", virDomainCPUAttrs, virDomainCPUChildren, false
};

static int
virDomainCPUParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    static const char *const children[] = { "model", NULL };
    xmlNodePtr model;
    int mode = VIR_DOMAIN_CPU_MODE_CUSTOM;

    if (virDomainCheckSingletons(node, children, error) < 0 ||
        virXMLPropEnum(node, "mode", virCPUModeTypeFromString,
                       VIR_XML_PROP_NONE, &mode, error) < 0 ||
        virDomainPropString(node, "check", VIR_XML_PROP_NONE, &def->cpuCheck,
                            error) < 0 ||
        virXMLPropTristateSwitch(node, "migratable", VIR_XML_PROP_NONE,
                                 &def->cpuMigratable, error) < 0)
        return -1;
    def->hasCPU = true;
    def->cpuMode = mode;
    if ((model = virXMLNodeGetChild(node, "model")) &&
        virDomainParseTextElement(model, &def->cpuModel, error) < 0)
        return -1;
    return 0;
}

static void
virDomainCPUFormat(virBuffer *buf, const virDomainDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    xmlNodePtr cpu = virXMLNodeGetChild(def->src, "cpu");

    if (!def->hasCPU)
        return;
    virBufferAsprintf(&attrBuf, " mode='%s'", virCPUModeTypeToString(def->cpuMode));
    virBufferEscapeString(&attrBuf, " check='%s'", def->cpuCheck);
    if (def->cpuMigratable != VIR_TRISTATE_SWITCH_ABSENT)
        virBufferAsprintf(&attrBuf, " migratable='%s'",
                          virTristateSwitchTypeToString(def->cpuMigratable));
    virXMLShapeFormatOpaqueAttrs(&attrBuf, cpu, &virDomainCPUShape);
    if (def->cpuModel) {
        virBufferAddLit(&childBuf, "<model");
        virXMLShapeFormatOpaqueAttrs(&childBuf, virXMLNodeGetChild(cpu, "model"),
                                     &virDomainCPUModelShape);
        virBufferEscapeString(&childBuf, ">%s</model>\n", def->cpuModel);
    }
    virXMLShapeFormatOpaqueChildren(&childBuf, cpu, &virDomainCPUShape);
    virXMLFormatElement(buf, "cpu", &attrBuf, &childBuf);
}

static const char *const virDomainClockAttrs[] = { "offset", NULL };
static const char *const virDomainTimerAttrs[] = { "name", "present", "tickpolicy", NULL };
static const virXMLShape virDomainTimerShape = { "timer", virDomainTimerAttrs, NULL, false };
static const virXMLShape *const virDomainClockChildren[] = { &virDomainTimerShape, NULL };
static const virXMLShape virDomainClockShape = {
    "clock", virDomainClockAttrs, virDomainClockChildren, false
};

static int
virDomainTimerParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    g_autoptr(virDomainTimerDef) timer = g_new0(virDomainTimerDef, 1);

    timer->src = node;
    if (virDomainPropString(node, "name", VIR_XML_PROP_REQUIRED, &timer->name,
                            error) < 0 ||
        virXMLPropTristateBool(node, "present", VIR_XML_PROP_NONE,
                               &timer->present, error) < 0 ||
        virDomainPropString(node, "tickpolicy", VIR_XML_PROP_NONE,
                            &timer->tickpolicy, error) < 0)
        return -1;
    VIR_DOMAIN_APPEND(def->timers, def->ntimers, g_steal_pointer(&timer));
    return 0;
}

static int
virDomainClockParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    xmlNodePtr cur;

    if (virDomainPropString(node, "offset", VIR_XML_PROP_REQUIRED,
                            &def->clockOffset, error) < 0)
        return -1;
    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && !cur->ns &&
            xmlStrEqual(cur->name, BAD_CAST "timer") &&
            virDomainTimerParseXML(cur, def, error) < 0)
            return -1;
    }
    return 0;
}

static void
virDomainClockFormat(virBuffer *buf, const virDomainDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    xmlNodePtr clock = virXMLNodeGetChild(def->src, "clock");
    size_t i;

    if (!def->clockOffset)
        return;
    virBufferEscapeString(&attrBuf, " offset='%s'", def->clockOffset);
    virXMLShapeFormatOpaqueAttrs(&attrBuf, clock, &virDomainClockShape);
    for (i = 0; i < def->ntimers; i++) {
        const virDomainTimerDef *timer = def->timers[i];
        g_auto(virBuffer) timerAttrBuf = VIR_BUFFER_INITIALIZER;
        g_auto(virBuffer) timerChildBuf = VIR_BUFFER_INIT_CHILD(&childBuf);

        virBufferEscapeString(&timerAttrBuf, " name='%s'", timer->name);
        if (timer->present != VIR_TRISTATE_BOOL_ABSENT)
            virBufferAsprintf(&timerAttrBuf, " present='%s'",
                              virTristateBoolTypeToString(timer->present));
        virBufferEscapeString(&timerAttrBuf, " tickpolicy='%s'", timer->tickpolicy);
        virXMLShapeFormatOpaqueAttrs(&timerAttrBuf, timer->src, &virDomainTimerShape);
        virXMLShapeFormatOpaqueChildren(&timerChildBuf, timer->src, &virDomainTimerShape);
        virXMLFormatElement(&childBuf, "timer", &timerAttrBuf, &timerChildBuf);
    }
    virXMLShapeFormatOpaqueChildren(&childBuf, clock, &virDomainClockShape);
    virXMLFormatElement(buf, "clock", &attrBuf, &childBuf);
}

static int
virDomainLifecycleParseXML(xmlNodePtr root, const char *name, int *action,
                           GError **error)
{
    xmlNodePtr node = virXMLNodeGetChild(root, name);
    g_autofree char *text = NULL;

    if (!node)
        return 0;
    if (virDomainParseTextElement(node, &text, error) < 0)
        return -1;
    if ((*action = virDomainLifecycleActionTypeFromString(text)) < 0)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("invalid action '%1$s' in <%2$s>; use destroy, restart, preserve, rename-restart, coredump-destroy or coredump-restart"),
                              text, name);
    return 0;
}

static void
virDomainLifecycleFormat(virBuffer *buf, const char *name, int action)
{
    if (action < 0)
        return;
    virBufferAsprintf(buf, "<%s>%s</%s>\n", name,
                      virDomainLifecycleActionTypeToString(action), name);
}

/* ---- devices the model does not translate ------------------------------- */

static void
virDomainOtherDeviceDefFree(virDomainOtherDeviceDef *dev)
{
    if (!dev)
        return;
    g_free(dev->name);
    virDomainDeviceInfoClear(&dev->info);
    g_free(dev);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainOtherDeviceDef, virDomainOtherDeviceDefFree);

static int
virDomainDeviceParseOther(xmlNodePtr node, virDomainDef *def, GError **error)
{
    g_autoptr(virDomainOtherDeviceDef) dev = g_new0(virDomainOtherDeviceDef, 1);

    dev->name = g_strdup((const char *)node->name);
    if (virDomainDeviceInfoParseXML(node, &dev->info, error) < 0)
        return -1;
    VIR_DOMAIN_APPEND(def->others, def->nothers, g_steal_pointer(&dev));
    return 0;
}

/* ---- <devices> ----------------------------------------------------------- */

static int
virDomainDeviceParseDisk(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainDiskDef *disk;

    if (!virDomainDiskIsModeled(node))
        return virDomainDeviceParseOther(node, def, error);
    if (!(disk = virDomainDiskDefParseXML(node, error)))
        return -1;
    VIR_DOMAIN_APPEND(def->disks, def->ndisks, disk);
    return 0;
}

static int
virDomainDeviceParseController(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainControllerDef *ctrl = virDomainControllerDefParseXML(node, error);

    if (!ctrl)
        return -1;
    VIR_DOMAIN_APPEND(def->controllers, def->ncontrollers, ctrl);
    return 0;
}

/* libvirt lists an <interface type='hostdev'> among the hostdevs, ahead of
 * the <hostdev> elements (it parses the interfaces first): the aliases
 * hostdev0, hostdev1, ... and the order on the command line follow. */
static int
virDomainDeviceParseNetHostdev(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainHostdevDef *hostdev = virDomainHostdevDefParseXML(node, error);
    size_t pos = 0;

    if (!hostdev)
        return -1;
    while (pos < def->nhostdevs && def->hostdevs[pos]->isInterface)
        pos++;
    def->hostdevs = g_renew(virDomainHostdevDef *, def->hostdevs, def->nhostdevs + 1);
    memmove(def->hostdevs + pos + 1, def->hostdevs + pos,
            (def->nhostdevs - pos) * sizeof(*def->hostdevs));
    def->hostdevs[pos] = hostdev;
    def->nhostdevs++;
    return 0;
}

static int
virDomainDeviceParseNet(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainNetDef *net;

    if (virDomainNetHostdevIsModeled(node))
        return virDomainDeviceParseNetHostdev(node, def, error);
    if (!virDomainNetIsModeled(node))
        return virDomainDeviceParseOther(node, def, error);
    if (!(net = virDomainNetDefParseXML(node, error)))
        return -1;
    VIR_DOMAIN_APPEND(def->nets, def->nnets, net);
    return 0;
}

static int
virDomainDeviceParseChr(xmlNodePtr node, virDomainDef *def,
                        virDomainChrDeviceType deviceType, GError **error)
{
    virDomainChrDef *chr;

    if (!virDomainChrIsModeled(node, deviceType))
        return virDomainDeviceParseOther(node, def, error);
    if (!(chr = virDomainChrDefParseXML(node, deviceType, error)))
        return -1;
    if (deviceType == VIR_DOMAIN_CHR_DEVICE_SERIAL)
        VIR_DOMAIN_APPEND(def->serials, def->nserials, chr);
    else
        VIR_DOMAIN_APPEND(def->consoles, def->nconsoles, chr);
    return 0;
}

static int
virDomainDeviceParseSerial(xmlNodePtr node, virDomainDef *def, GError **error)
{
    return virDomainDeviceParseChr(node, def, VIR_DOMAIN_CHR_DEVICE_SERIAL, error);
}

static int
virDomainDeviceParseConsole(xmlNodePtr node, virDomainDef *def, GError **error)
{
    return virDomainDeviceParseChr(node, def, VIR_DOMAIN_CHR_DEVICE_CONSOLE, error);
}

static int
virDomainDeviceParseHostdev(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainHostdevDef *hostdev;

    if (!virDomainHostdevIsModeled(node))
        return virDomainDeviceParseOther(node, def, error);
    if (!(hostdev = virDomainHostdevDefParseXML(node, error)))
        return -1;
    VIR_DOMAIN_APPEND(def->hostdevs, def->nhostdevs, hostdev);
    return 0;
}

static int
virDomainDeviceParseIOMMU(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainIOMMUDef *iommu = virDomainIOMMUDefParseXML(node, error);

    if (!iommu)
        return -1;
    VIR_DOMAIN_APPEND(def->iommus, def->niommus, iommu);
    return 0;
}

bool
virDomainDefHasMemballoon(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nothers; i++) {
        if (g_str_equal(def->others[i]->name, "memballoon"))
            return true;
    }
    return def->memballoon != NULL;
}

static int
virDomainDeviceParseMemballoon(xmlNodePtr node, virDomainDef *def, GError **error)
{
    if (virDomainDefHasMemballoon(def))
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("only one <memballoon> element is allowed in <devices>"));
    if (!virDomainMemballoonIsModeled(node))
        return virDomainDeviceParseOther(node, def, error);
    if (!(def->memballoon = virDomainMemballoonDefParseXML(node, error)))
        return -1;
    return 0;
}

static int
virDomainDeviceParseEmulator(xmlNodePtr node, virDomainDef *def, GError **error)
{
    if (def->emulator)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("only one <emulator> element is allowed in <devices>"));
    return virDomainParseTextElement(node, &def->emulator, error);
}

typedef int (*virDomainDeviceParseFunc)(xmlNodePtr node, virDomainDef *def,
                                        GError **error);

/* The elements of <devices> the model knows, and who parses them; a
 * parser hands what it does not translate to virDomainDeviceParseOther. */
static const struct {
    const char *name;
    virDomainDeviceParseFunc parse;
} virDomainDeviceParsers[] = {
    { "emulator", virDomainDeviceParseEmulator },
    { "disk", virDomainDeviceParseDisk },
    { "controller", virDomainDeviceParseController },
    { "interface", virDomainDeviceParseNet },
    { "serial", virDomainDeviceParseSerial },
    { "console", virDomainDeviceParseConsole },
    { "hostdev", virDomainDeviceParseHostdev },
    { "memballoon", virDomainDeviceParseMemballoon },
    { "iommu", virDomainDeviceParseIOMMU },
};

static int
virDomainDevicesParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    xmlNodePtr cur;
    size_t i;

    for (cur = node->children; cur; cur = cur->next) {
        virDomainDeviceParseFunc parse = virDomainDeviceParseOther;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        for (i = 0; i < G_N_ELEMENTS(virDomainDeviceParsers) && !cur->ns; i++) {
            if (xmlStrEqual(cur->name, BAD_CAST virDomainDeviceParsers[i].name))
                parse = virDomainDeviceParsers[i].parse;
        }
        if (parse(cur, def, error) < 0)
            return -1;
    }
    return 0;
}

/* libvirt's order of the children of <devices> (virDomainDefFormatInternal) */
static const char *const virDomainDevicesOrder[] = {
    "emulator", "disk", "controller", "lease", "filesystem", "interface",
    "smartcard", "serial", "parallel", "console", "channel", "input", "tpm",
    "graphics", "sound", "audio", "video", "hostdev", "redirdev", "redirfilter",
    "hub", "watchdog", "memballoon", "rng", "nvram", "panic", "shmem", "memory",
    "iommu", "vsock", "crypto", "pstore", NULL
};

static void
virDomainOthersFormat(virBuffer *buf, const virDomainDef *def, const char *name)
{
    size_t i;

    for (i = 0; i < def->nothers; i++) {
        const virDomainOtherDeviceDef *dev = def->others[i];
        bool listed = virDomainStrInList(virDomainDevicesOrder, dev->name);

        if (name ? g_str_equal(dev->name, name) : !listed)
            virXMLFormatNode(buf, dev->info.src);
    }
}

/* The devices of kind @name the model holds, in their order */
static void
virDomainDevicesFormatModeled(virBuffer *buf, const virDomainDef *def,
                              const char *name)
{
    size_t i;

    if (g_str_equal(name, "emulator")) {
        virBufferEscapeString(buf, "<emulator>%s</emulator>\n", def->emulator);
    } else if (g_str_equal(name, "disk")) {
        for (i = 0; i < def->ndisks; i++)
            virDomainDiskDefFormat(buf, def->disks[i]);
    } else if (g_str_equal(name, "controller")) {
        for (i = 0; i < def->ncontrollers; i++)
            virDomainControllerDefFormat(buf, def->controllers[i]);
    } else if (g_str_equal(name, "interface")) {
        for (i = 0; i < def->nnets; i++)
            virDomainNetDefFormat(buf, def->nets[i]);
        for (i = 0; i < def->nhostdevs; i++) {
            if (def->hostdevs[i]->isInterface)
                virDomainHostdevDefFormat(buf, def->hostdevs[i]);
        }
    } else if (g_str_equal(name, "serial")) {
        for (i = 0; i < def->nserials; i++)
            virDomainChrDefFormat(buf, def->serials[i]);
    } else if (g_str_equal(name, "console")) {
        for (i = 0; i < def->nconsoles; i++)
            virDomainChrDefFormat(buf, def->consoles[i]);
    } else if (g_str_equal(name, "hostdev")) {
        for (i = 0; i < def->nhostdevs; i++) {
            if (!def->hostdevs[i]->isInterface)
                virDomainHostdevDefFormat(buf, def->hostdevs[i]);
        }
    } else if (g_str_equal(name, "memballoon")) {
        if (def->memballoon)
            virDomainMemballoonDefFormat(buf, def->memballoon);
    } else if (g_str_equal(name, "iommu")) {
        for (i = 0; i < def->niommus; i++)
            virDomainIOMMUDefFormat(buf, def->iommus[i]);
    }
}

/* libvirt's order; within one kind, the modeled devices come first, then
 * those kept as written; kinds libvirt's order does not name come last */
static void
virDomainDevicesFormat(virBuffer *buf, const virDomainDef *def)
{
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    size_t i;

    for (i = 0; virDomainDevicesOrder[i]; i++) {
        virDomainDevicesFormatModeled(&childBuf, def, virDomainDevicesOrder[i]);
        virDomainOthersFormat(&childBuf, def, virDomainDevicesOrder[i]);
    }
    virDomainOthersFormat(&childBuf, def, NULL);

    virXMLFormatElement(buf, "devices", NULL, &childBuf);
}

/* ---- parse / format entry points ----------------------------------------- */

/* The children of <domain> the model reads; any other is kept as written */
static const char *const virDomainTopModeled[] = {
    "name", "uuid", "title", "description", "metadata", "memory",
    "currentMemory", "vcpu", "iommufd", "os", "features", "cpu", "clock",
    "on_poweroff", "on_reboot", "on_crash", "devices", NULL
};

/* libvirt's order of the children of <domain>; namespaced elements and any
 * name it does not list come after them, in document order */
static const char *const virDomainTopOrder[] = {
    "name", "uuid", "genid", "title", "description", "metadata", "maxMemory",
    "memory", "currentMemory", "blkiotune", "memtune", "memoryBacking",
    "vcpu", "vcpus", "iothreads", "iothreadids", "defaultiothread", "cputune",
    "numatune", "resource", "sysinfo", "bootloader", "bootloader_args",
    "iommufd", "os", "idmap", "features", "cpu", "clock", "on_poweroff",
    "on_reboot", "on_crash", "on_lockfailure", "pm", "perf", "devices",
    "seclabel", "keywrap", "launchSecurity", "throttlegroups", NULL
};

/* Every top-level element but <iommufd>, whose parser reports a second
 * one with libvirt's own message. */
static const char *const virDomainTopSingletons[] = {
    "name", "uuid", "title", "description", "metadata", "memory",
    "currentMemory", "vcpu", "os", "features", "cpu", "clock",
    "on_poweroff", "on_reboot", "on_crash", "devices", NULL
};

/* The shape of <domain>: for the children whose content the model reads as
 * a whole (text, <metadata>, <devices> whose devices have their own
 * shapes), nothing inside is looked at. */
static const char *const virDomainRootAttrs[] = { "type", NULL };
static const virXMLShape virDomainNameShape = { "name", NULL, NULL, true };
static const virXMLShape virDomainUUIDShape = { "uuid", NULL, NULL, true };
static const virXMLShape virDomainTitleShape = { "title", NULL, NULL, true };
static const virXMLShape virDomainDescriptionShape = { "description", NULL, NULL, true };
static const virXMLShape virDomainMetadataShape = { "metadata", NULL, NULL, true };
static const virXMLShape virDomainOnPoweroffShape = { "on_poweroff", NULL, NULL, true };
static const virXMLShape virDomainOnRebootShape = { "on_reboot", NULL, NULL, true };
static const virXMLShape virDomainOnCrashShape = { "on_crash", NULL, NULL, true };
static const virXMLShape virDomainDevicesShape = { "devices", NULL, NULL, true };
static const virXMLShape *const virDomainRootChildren[] = {
    &virDomainNameShape, &virDomainUUIDShape, &virDomainTitleShape,
    &virDomainDescriptionShape, &virDomainMetadataShape, &virDomainMemoryShape,
    &virDomainCurrentMemoryShape, &virDomainVcpuShape, &virDomainIOMMUFDShape,
    &virDomainOsShape, &virDomainFeaturesShape, &virDomainCPUShape,
    &virDomainClockShape, &virDomainOnPoweroffShape, &virDomainOnRebootShape,
    &virDomainOnCrashShape, &virDomainDevicesShape, NULL
};
static const virXMLShape virDomainRootShape = {
    "domain", virDomainRootAttrs, virDomainRootChildren, false
};

static int
virDomainDefParseSections(xmlNodePtr root, virDomainDef *def, GError **error)
{
    xmlNodePtr node;

    if (virDomainIdentityParseXML(root, def, error) < 0)
        return -1;
    if ((node = virXMLNodeGetChild(root, "metadata")) &&
        virDomainMetadataParseXML(node, def, error) < 0)
        return -1;
    if (virDomainMemoryVcpuParseXML(root, def, error) < 0)
        return -1;
    for (node = root->children; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && !node->ns &&
            xmlStrEqual(node->name, BAD_CAST "iommufd") &&
            virDomainIOMMUFDParseXML(node, def, error) < 0)
            return -1;
    }
    if (virDomainOsParseXML(root, def, error) < 0)
        return -1;
    if ((node = virXMLNodeGetChild(root, "features")) &&
        virDomainFeaturesParseXML(node, def, error) < 0)
        return -1;
    if ((node = virXMLNodeGetChild(root, "cpu")) &&
        virDomainCPUParseXML(node, def, error) < 0)
        return -1;
    if ((node = virXMLNodeGetChild(root, "clock")) &&
        virDomainClockParseXML(node, def, error) < 0)
        return -1;
    if (virDomainLifecycleParseXML(root, "on_poweroff", &def->onPoweroff, error) < 0 ||
        virDomainLifecycleParseXML(root, "on_reboot", &def->onReboot, error) < 0 ||
        virDomainLifecycleParseXML(root, "on_crash", &def->onCrash, error) < 0)
        return -1;
    if ((node = virXMLNodeGetChild(root, "devices")) &&
        virDomainDevicesParseXML(node, def, error) < 0)
        return -1;
    return 0;
}

virDomainDef *
virDomainDefParseNode(xmlDocPtr doc, xmlNodePtr root, unsigned int flags,
                      GError **error)
{
    g_autoptr(virDomainDef) def = virDomainDefNew();
    int virtType = 0;

    if (!xmlStrEqual(root->name, BAD_CAST "domain")) {
        virReportError(error, VIR_ERR_XML_ERROR,
                       _("expecting root element of '%1$s', not '%2$s'"),
                       "domain", (const char *)root->name);
        return NULL;
    }
    /* the size limits before any per-element work, copy included */
    if (virDomainDefCheckLimits(root, error) < 0)
        return NULL;
    /* The model points into its own copy of the document */
    def->doc = xmlNewDoc(BAD_CAST "1.0");
    def->src = xmlDocCopyNode(root, def->doc, 1);
    xmlDocSetRootElement(def->doc, def->src);
    (void)doc;

    if (virDomainCheckSingletons(def->src, virDomainTopSingletons, error) < 0 ||
        virXMLPropEnum(def->src, "type", virDomainVirtTypeFromString,
                       VIR_XML_PROP_REQUIRED, &virtType, error) < 0)
        return NULL;
    def->virtType = virtType;

    /* The parser's and validator's messages are the precise ones, so they
     * run first; the grammar then refuses whatever else libvirt would. */
    if (virDomainDefParseSections(def->src, def, error) < 0)
        return NULL;
    if (!(flags & VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE) &&
        (virDomainDefPostParse(def, error) < 0 ||
         virDomainDefValidate(def, error) < 0))
        return NULL;
    if (!(flags & VIR_DOMAIN_DEF_PARSE_SKIP_SCHEMA) &&
        virXMLValidateDomainSuperset(def->doc, NULL, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

virDomainDef *
virDomainDefParseString(const char *xml, unsigned int flags, GError **error)
{
    g_autoptr(xmlDoc) doc = virXMLParse(NULL, xml, "domain", error);

    if (!doc)
        return NULL;
    return virDomainDefParseNode(doc, xmlDocGetRootElement(doc), flags, error);
}

virDomainDef *
virDomainDefParseFile(const char *path, unsigned int flags, GError **error)
{
    g_autoptr(xmlDoc) doc = virXMLParse(path, NULL, "domain", error);

    if (!doc)
        return NULL;
    return virDomainDefParseNode(doc, xmlDocGetRootElement(doc), flags, error);
}

static void
virDomainDefFormatGeneral(virBuffer *buf, const virDomainDef *def,
                          const char *name)
{
    if (g_str_equal(name, "name")) {
        virBufferEscapeString(buf, "<name>%s</name>\n", def->name);
    } else if (g_str_equal(name, "uuid")) {
        virBufferEscapeString(buf, "<uuid>%s</uuid>\n", def->uuid);
    } else if (g_str_equal(name, "title")) {
        virBufferEscapeString(buf, "<title>%s</title>\n", def->title);
    } else if (g_str_equal(name, "description")) {
        virBufferEscapeString(buf, "<description>%s</description>\n", def->description);
    } else if (g_str_equal(name, "metadata")) {
        virDomainMetadataFormat(buf, def->metadata);
    } else if (g_str_equal(name, "memory")) {
        virDomainMemoryFormat(buf, def, "memory", def->memoryKiB);
    } else if (g_str_equal(name, "currentMemory") && def->currentMemoryKiB) {
        virDomainMemoryFormat(buf, def, "currentMemory", def->currentMemoryKiB);
    } else if (g_str_equal(name, "vcpu") && def->vcpus) {
        virBufferAddLit(buf, "<vcpu");
        virBufferEscapeString(buf, " placement='%s'", def->vcpuPlacement);
        virXMLShapeFormatOpaqueAttrs(buf, virXMLNodeGetChild(def->src, "vcpu"),
                                     &virDomainVcpuShape);
        virBufferAsprintf(buf, ">%u</vcpu>\n", def->vcpus);
    }
}

/* One child kind of <domain>, from the model */
static void
virDomainDefFormatModeled(virBuffer *buf, const virDomainDef *def,
                          const char *name)
{
    if (g_str_equal(name, "iommufd"))
        virDomainIOMMUFDFormat(buf, def);
    else if (g_str_equal(name, "os"))
        virDomainOsFormat(buf, def);
    else if (g_str_equal(name, "features"))
        virDomainFeaturesFormat(buf, def);
    else if (g_str_equal(name, "cpu"))
        virDomainCPUFormat(buf, def);
    else if (g_str_equal(name, "clock"))
        virDomainClockFormat(buf, def);
    else if (g_str_equal(name, "on_poweroff"))
        virDomainLifecycleFormat(buf, name, def->onPoweroff);
    else if (g_str_equal(name, "on_reboot"))
        virDomainLifecycleFormat(buf, name, def->onReboot);
    else if (g_str_equal(name, "on_crash"))
        virDomainLifecycleFormat(buf, name, def->onCrash);
    else if (g_str_equal(name, "devices"))
        virDomainDevicesFormat(buf, def);
    else
        virDomainDefFormatGeneral(buf, def, name);
}

/* The children of <domain> libvirt's order does not name, as written */
static void
virDomainDefFormatUnordered(virBuffer *buf, const virDomainDef *def)
{
    xmlNodePtr cur;

    for (cur = def->src ? def->src->children : NULL; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE &&
            (cur->ns || !virDomainStrInList(virDomainTopOrder, (const char *)cur->name)))
            virXMLFormatNode(buf, cur);
    }
}

char *
virDomainDefFormat(const virDomainDef *def)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    size_t i;

    virBufferAsprintf(&buf, "<domain type='%s'",
                      virDomainVirtTypeToString(def->virtType));
    virXMLShapeFormatOpaqueAttrs(&buf, def->src, &virDomainRootShape);
    virBufferAddLit(&buf, ">\n");
    virBufferAdjustIndent(&buf, 2);
    for (i = 0; virDomainTopOrder[i]; i++) {
        const char *name = virDomainTopOrder[i];

        if (virDomainStrInList(virDomainTopModeled, name))
            virDomainDefFormatModeled(&buf, def, name);
        else
            virXMLFormatChildrenNamed(&buf, def->src, name);
    }
    virDomainDefFormatUnordered(&buf, def);
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</domain>\n");
    return virBufferContentAndReset(&buf);
}

/* ---- what the model does not hold ------------------------------------------ */

static const virXMLShape *
virDomainDeviceShape(const char *name, const virDomainDeviceInfo *info,
                     const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        if (&def->hostdevs[i]->info == info)
            return def->hostdevs[i]->isInterface ? &virDomainNetHostdevShape
                                                 : &virDomainHostdevShape;
    }
    if (g_str_equal(name, "disk"))
        return &virDomainDiskShape;
    if (g_str_equal(name, "interface"))
        return &virDomainNetShape;
    if (g_str_equal(name, "serial") || g_str_equal(name, "console"))
        return &virDomainChrShape;
    if (g_str_equal(name, "memballoon"))
        return &virDomainMemballoonShape;
    if (g_str_equal(name, "hostdev"))
        return &virDomainHostdevShape;
    if (g_str_equal(name, "iommu"))
        return &virDomainIOMMUShape;
    for (i = 0; i < def->ncontrollers; i++) {
        if (&def->controllers[i]->info == info)
            return virDomainControllerGetShape(def->controllers[i]);
    }
    return NULL;
}

static void
virDomainDeviceCollectOpaque(const virDomainDef *def, const virDomainDeviceInfo *info,
                             GPtrArray *out)
{
    const char *name;
    g_autofree char *prefix = NULL;

    if (!info->src)
        return;
    name = (const char *)info->src->name;
    prefix = g_strdup_printf("domain/devices/%s", name);
    virXMLShapeCollectOpaque(info->src, virDomainDeviceShape(name, info, def),
                             prefix, out);
}

static void
virDomainDevicesCollectOpaque(const virDomainDef *def, GPtrArray *out)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++)
        virDomainDeviceCollectOpaque(def, &def->disks[i]->info, out);
    for (i = 0; i < def->ncontrollers; i++)
        virDomainDeviceCollectOpaque(def, &def->controllers[i]->info, out);
    for (i = 0; i < def->nnets; i++)
        virDomainDeviceCollectOpaque(def, &def->nets[i]->info, out);
    for (i = 0; i < def->nserials; i++)
        virDomainDeviceCollectOpaque(def, &def->serials[i]->info, out);
    for (i = 0; i < def->nconsoles; i++)
        virDomainDeviceCollectOpaque(def, &def->consoles[i]->info, out);
    for (i = 0; i < def->nhostdevs; i++)
        virDomainDeviceCollectOpaque(def, &def->hostdevs[i]->info, out);
    if (def->memballoon)
        virDomainDeviceCollectOpaque(def, &def->memballoon->info, out);
    for (i = 0; i < def->niommus; i++)
        virDomainDeviceCollectOpaque(def, &def->iommus[i]->info, out);
    for (i = 0; i < def->nothers; i++)
        g_ptr_array_add(out, g_strdup_printf("domain/devices/%s", def->others[i]->name));
}

GStrv
virDomainDefOpaqueParts(const virDomainDef *def)
{
    g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;

    virXMLShapeCollectOpaque(def->src, &virDomainRootShape, "domain", all);
    virDomainDevicesCollectOpaque(def, all);
    for (i = 0; i < all->len; i++) {
        char *path = g_ptr_array_index(all, i);

        if (g_hash_table_add(seen, path))
            g_ptr_array_add(out, g_strdup(path));
    }
    g_ptr_array_add(out, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}


/* ---- post-parse: aliases, effective vIOMMU configuration -------------------- */

/* Give @info the generated alias @alias unless the user named it. */
static void
virDomainDeviceInfoSetAlias(virDomainDeviceInfo *info, char *alias)
{
    if (info->aliasFromUser) {
        g_free(alias);
        return;
    }
    g_free(info->alias);
    info->alias = alias;
}

/* "vda" -> 0, "sdb" -> 1, "vdaa" -> 26; -1 if @dst is not prefix+letters */
static int
virDomainDiskNameToIndex(const char *dst, const char *prefix)
{
    const char *p;
    int idx = 0;

    if (!g_str_has_prefix(dst, prefix) || !dst[strlen(prefix)])
        return -1;
    for (p = dst + strlen(prefix); *p; p++) {
        if (*p < 'a' || *p > 'z' || idx > G_MAXINT / 27)
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
    }
    return idx - 1;
}

static const char *
virDomainDiskBusPrefix(virDomainDiskBus bus)
{
    return bus == VIR_DOMAIN_DISK_BUS_VIRTIO ? "vd" : "sd";
}

/* The index of a target name with any prefix libvirt knows ("sda" on a
 * virtio bus is fine for libvirt too); -1 if it has none. */
static int
virDomainDiskTargetIndex(const char *dst)
{
    static const char *const prefixes[] = { "fd", "hd", "vd", "sd", "xvd", "ubd", NULL };
    size_t i;
    int idx = -1;

    for (i = 0; prefixes[i] && idx < 0; i++)
        idx = virDomainDiskNameToIndex(dst, prefixes[i]);
    return idx;
}

void
virDomainDiskDriveAddressFromIndex(virDomainDiskBus bus, unsigned int idx,
                                   virDomainDeviceDriveAddress *addr)
{
    /* an AHCI controller has 6 ports; libvirt puts 7 units on a SCSI
     * controller */
    unsigned int units = bus == VIR_DOMAIN_DISK_BUS_SATA ? 6 : 7;

    memset(addr, 0, sizeof(*addr));
    addr->controller = idx / units;
    addr->unit = idx % units;
}

/* libvirt's disk aliases: virtio-diskN, sataC-B-U, scsiC-B-T-U, where a
 * missing drive address is derived from the target name. */
static char *
virDomainDiskAlias(const virDomainDiskDef *disk)
{
    int idx = virDomainDiskTargetIndex(disk->dst);
    virDomainDeviceDriveAddress addr = { 0 };

    if (disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO)
        return g_strdup_printf("virtio-disk%d", idx);
    if (disk->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE)
        addr = disk->info.drive;
    else
        virDomainDiskDriveAddressFromIndex(disk->bus, idx, &addr);
    if (disk->bus == VIR_DOMAIN_DISK_BUS_SATA)
        return g_strdup_printf("sata%u-%u-%u", addr.controller, addr.bus, addr.unit);
    return g_strdup_printf("scsi%u-%u-%u-%u", addr.controller, addr.bus,
                           addr.target, addr.unit);
}

static char *
virDomainControllerAlias(const virDomainControllerDef *ctrl)
{
    switch (ctrl->type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
        if (ctrl->idx == 0 && ctrl->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT)
            return g_strdup("pcie.0");
        return g_strdup_printf("pci.%d", ctrl->idx);
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        if (ctrl->idx == 0)
            return g_strdup("usb");
        return g_strdup_printf("usb%d", ctrl->idx);
    default:
        break;
    }
    /* sataN, scsiN, virtio-serialN, ccidN, ... */
    return g_strdup_printf("%s%d", virDomainControllerTypeToString(ctrl->type),
                           ctrl->idx);
}

static void
virDomainDefAssignAliases(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->usbCompanion)
            continue;
        virDomainDeviceInfoSetAlias(&def->controllers[i]->info,
                                    virDomainControllerAlias(def->controllers[i]));
    }
    for (i = 0; i < def->ndisks; i++)
        virDomainDeviceInfoSetAlias(&def->disks[i]->info,
                                    virDomainDiskAlias(def->disks[i]));
    for (i = 0; i < def->nnets; i++)
        virDomainDeviceInfoSetAlias(&def->nets[i]->info,
                                    g_strdup_printf("net%zu", i));
    for (i = 0; i < def->nserials; i++)
        virDomainDeviceInfoSetAlias(&def->serials[i]->info,
                                    g_strdup_printf("serial%zu", i));
    for (i = 0; i < def->nconsoles; i++)
        virDomainDeviceInfoSetAlias(&def->consoles[i]->info,
                                    g_strdup_printf("console%zu", i));
    for (i = 0; i < def->nhostdevs; i++)
        virDomainDeviceInfoSetAlias(&def->hostdevs[i]->info,
                                    g_strdup_printf("hostdev%zu", i));
    for (i = 0; i < def->niommus; i++)
        virDomainDeviceInfoSetAlias(&def->iommus[i]->info,
                                    g_strdup_printf("iommu%zu", i));
    if (def->memballoon)
        virDomainDeviceInfoSetAlias(&def->memballoon->info, g_strdup("balloon0"));
}

/* The lowest index no controller of @type has (libvirt's rule for a
 * controller written without index=) */
static int
virDomainControllerFindUnusedIndex(const virDomainDef *def,
                                   virDomainControllerType type)
{
    int idx;

    for (idx = 0; virDomainDefFindController(def, type, idx); idx++)
        ;
    return idx;
}

static void
virDomainDefAssignControllerIndexes(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *ctrl = def->controllers[i];

        if (ctrl->idx < 0)
            ctrl->idx = virDomainControllerFindUnusedIndex(def, ctrl->type);
    }
}

int
virDomainDefPostParse(virDomainDef *def, GError **error)
{
    size_t i;

    virDomainDefAssignControllerIndexes(def);

    /* Disk aliases derive from the target name: check it first. */
    for (i = 0; i < def->ndisks; i++) {
        const virDomainDiskDef *disk = def->disks[i];
        const char *prefix = virDomainDiskBusPrefix(disk->bus);

        if (virDomainDiskTargetIndex(disk->dst) < 0)
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("disk target '%1$s' on bus '%2$s' is not a disk name: use '%3$s' followed by letters, like '%3$sa'"),
                                  disk->dst, virDomainDiskBusTypeToString(disk->bus),
                                  prefix);
    }
    virDomainDefAssignAliases(def);
    for (i = 0; i < def->niommus; i++) {
        if (virDomainIOMMUDefResolve(def->iommus[i], error) < 0)
            return -1;
    }
    return 0;
}

/* ---- lookups ------------------------------------------------------------------ */

virDomainControllerDef *
virDomainDefFindController(const virDomainDef *def,
                           virDomainControllerType type, int idx)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == type && def->controllers[i]->idx == idx)
            return def->controllers[i];
    }
    return NULL;
}

bool
virDomainDefIsQ35(const virDomainDef *def)
{
    return def->machine &&
           (g_str_equal(def->machine, "q35") ||
            g_str_has_prefix(def->machine, "pc-q35-"));
}

bool
virDomainDefIsVirt(const virDomainDef *def)
{
    return def->machine &&
           (g_str_equal(def->machine, "virt") ||
            g_str_has_prefix(def->machine, "virt-"));
}

/* ---- conf-level validation --------------------------------------------------- */

typedef struct {
    const char *element;          /* "disk", "interface", ... */
    const virDomainDeviceInfo *info;
} virDomainDeviceRef;

/* Every device of @def with its element name, in format order. */
static GArray *
virDomainDefCollectDevices(const virDomainDef *def)
{
    GArray *devs = g_array_new(FALSE, FALSE, sizeof(virDomainDeviceRef));
    virDomainDeviceRef ref;
    size_t i;

#define ADD(el, inf) \
    do { ref.element = (el); ref.info = (inf); g_array_append_val(devs, ref); } while (0)
    for (i = 0; i < def->ndisks; i++)
        ADD("disk", &def->disks[i]->info);
    for (i = 0; i < def->ncontrollers; i++)
        ADD("controller", &def->controllers[i]->info);
    for (i = 0; i < def->nnets; i++)
        ADD("interface", &def->nets[i]->info);
    for (i = 0; i < def->nserials; i++)
        ADD("serial", &def->serials[i]->info);
    for (i = 0; i < def->nconsoles; i++)
        ADD("console", &def->consoles[i]->info);
    for (i = 0; i < def->nhostdevs; i++)
        ADD("hostdev", &def->hostdevs[i]->info);
    if (def->memballoon)
        ADD("memballoon", &def->memballoon->info);
    for (i = 0; i < def->niommus; i++)
        ADD("iommu", &def->iommus[i]->info);
#undef ADD
    return devs;
}

static char *
virDomainDeviceRefLabel(const virDomainDeviceRef *ref)
{
    if (ref->info->alias)
        return g_strdup_printf("<%s> '%s'", ref->element, ref->info->alias);
    return g_strdup_printf("<%s>", ref->element);
}

/* One pass with a hash table of the addresses seen: linear in the number
 * of devices (the first device that repeats an address is reported,
 * together with the earliest one that has it) */
static int
virDomainDefValidateAddresses(GArray *devs, GError **error)
{
    g_autoptr(GHashTable) seen = virPCIDeviceAddressTableNew();
    size_t i;

    for (i = 0; i < devs->len; i++) {
        const virDomainDeviceRef *a = &g_array_index(devs, virDomainDeviceRef, i);
        const virDomainDeviceRef *b;

        if (a->info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
            continue;
        if (a->info->pci.bus == 0 && a->info->pci.slot == 0) {
            g_autofree char *labelA = virDomainDeviceRefLabel(a);
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("PCI address of %1$s uses slot 0 of bus 0, which the host bridge occupies; use a slot from 0x01 to 0x1f"),
                                  labelA);
        }
        if ((b = g_hash_table_lookup(seen, &a->info->pci))) {
            g_autofree char *labelA = virDomainDeviceRefLabel(a);
            g_autofree char *labelB = virDomainDeviceRefLabel(b);
            g_autofree char *addr = virPCIDeviceAddressAsString(&a->info->pci);
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("PCI address %1$s is used by both %2$s and %3$s; give each device its own slot or function"),
                                  addr, labelB, labelA);
        }
        g_hash_table_insert(seen, (gpointer)&a->info->pci, (gpointer)a);
    }
    return 0;
}

static int
virDomainDefValidateAliases(GArray *devs, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;

    for (i = 0; i < devs->len; i++) {
        const virDomainDeviceRef *ref = &g_array_index(devs, virDomainDeviceRef, i);

        if (!ref->info->alias)
            continue;
        if (!g_hash_table_add(seen, ref->info->alias))
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("alias '%1$s' is used by more than one device; every alias must be unique"),
                                  ref->info->alias);
    }
    return 0;
}

static bool
virDomainControllerIsRoot(const virDomainControllerDef *ctrl)
{
    return ctrl->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
           (ctrl->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT ||
            ctrl->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT);
}

/* A <target> attribute that only some PCI controller models have. */
static int
virDomainControllerCheckTargetAttr(const virDomainControllerDef *ctrl,
                                   const char *name, int value, int min, int max,
                                   bool allowed, GError **error)
{
    const char *model = ctrl->model >= 0 ?
                        virDomainControllerModelPCITypeToString(ctrl->model) : "";

    if (value < 0)
        return 0;
    if (!allowed)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("<target %1$s='...'> is not valid for controller model '%2$s' (index %3$d); remove it"),
                              name, model, ctrl->idx);
    if (value < min || value > max)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("<target %1$s='%2$d'> of controller model '%3$s' (index %4$d) is out of range; use %5$d to %6$d"),
                              name, value, model, ctrl->idx, min, max);
    return 0;
}

static int
virDomainControllerValidatePCI(const virDomainControllerDef *ctrl, GError **error)
{
    int m = ctrl->model;
    bool port = m == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT ||
                m == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_DOWNSTREAM_PORT;
    bool expander = m == VIR_DOMAIN_CONTROLLER_MODEL_PCI_EXPANDER_BUS ||
                    m == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS;

    if (virDomainControllerIsRoot(ctrl) && ctrl->idx != 0)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("PCI controller model '%1$s' must have index='0', not '%2$d'"),
                              virDomainControllerModelPCITypeToString(m), ctrl->idx);
    if (ctrl->idx == 0 && m >= 0 && !virDomainControllerIsRoot(ctrl))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("PCI controller index 0 is the root bus: use model 'pcie-root' or 'pci-root', not '%1$s'"),
                              virDomainControllerModelPCITypeToString(m));
    if (virDomainControllerIsRoot(ctrl) &&
        ctrl->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("PCI controller model '%1$s' is the root bus and can't have an <address>"),
                              virDomainControllerModelPCITypeToString(m));
    if (virDomainControllerCheckTargetAttr(ctrl, "chassisNr", ctrl->chassisNr, 1, 255,
                                           m == VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE, error) < 0 ||
        virDomainControllerCheckTargetAttr(ctrl, "chassis", ctrl->chassis, 0, 255,
                                           port, error) < 0 ||
        virDomainControllerCheckTargetAttr(ctrl, "port", ctrl->port, 0, 255,
                                           port, error) < 0 ||
        virDomainControllerCheckTargetAttr(ctrl, "busNr", ctrl->busNr, 1, 254,
                                           expander, error) < 0)
        return -1;
    return 0;
}

static int
virDomainDefValidateControllers(const virDomainDef *def, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_autofree gint64 *keys = g_new0(gint64, def->ncontrollers);
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *ctrl = def->controllers[i];

        /* (type, index) as one key: a linear duplicate check. USB
         * controllers may share an index (an EHCI and its UHCI
         * companions), as in libvirt. */
        keys[i] = ((gint64)ctrl->type << 32) | (guint32)ctrl->idx;
        if (ctrl->type != VIR_DOMAIN_CONTROLLER_TYPE_USB &&
            !g_hash_table_add(seen, &keys[i]))
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("Multiple '%1$s' controllers with index '%2$d'"),
                                  virDomainControllerTypeToString(ctrl->type),
                                  ctrl->idx);
        if (ctrl->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            virDomainControllerValidatePCI(ctrl, error) < 0)
            return -1;
        if (ctrl->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE)
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("<controller type='%1$s' index='%2$d'> can't have a drive address; use a PCI address"),
                                  virDomainControllerTypeToString(ctrl->type), ctrl->idx);
    }
    return 0;
}

static int
virDomainDiskValidate(const virDomainDiskDef *disk, GError **error)
{
    bool virtio = disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO;

    if (!disk->src && disk->device != VIR_DOMAIN_DISK_DEVICE_CDROM)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("disk '%1$s' has no <source>; only a cdrom may be empty"),
                              disk->dst);
    if (virtio && disk->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("disk '%1$s' on bus 'virtio' can't have a drive address; use a PCI address"),
                              disk->dst);
    if (!virtio && disk->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("disk '%1$s' on bus '%2$s' can't have a PCI address; use a drive address"),
                              disk->dst, virDomainDiskBusTypeToString(disk->bus));
    return 0;
}

static int
virDomainDefValidateDisks(const virDomainDef *def, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (virDomainDiskValidate(def->disks[i], error) < 0)
            return -1;
        if (!g_hash_table_add(seen, def->disks[i]->dst))
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("target '%1$s' is used by more than one disk; give each disk its own <target dev>"),
                                  def->disks[i]->dst);
    }
    return 0;
}

static int
virDomainDefValidateOtherDevices(const virDomainDef *def, GError **error)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i]->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE)
            return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                                  _("<interface> can't have a drive address; use a PCI address"));
    }
    for (i = 0; i < def->nserials + def->nconsoles; i++) {
        const virDomainChrDef *chr = i < def->nserials ?
                                     def->serials[i] : def->consoles[i - def->nserials];
        bool pci = g_strcmp0(chr->targetType, "pci-serial") == 0;

        if (chr->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE && !pci)
            return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                                  _("only a serial device with <target type='pci-serial'> can have an <address>"));
    }
    if (def->memballoon && def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_NONE &&
        def->memballoon->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("<memballoon model='none'> can't have an <address>: there is no device to place"));
    if (def->memballoon &&
        def->memballoon->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("<memballoon> can't have a drive address; use a PCI address"));
    return 0;
}

static int
virDomainDefValidateGeneral(const virDomainDef *def, GError **error)
{
    if (def->memoryKiB == 0)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("<memory> must be larger than zero"));
    if (def->currentMemoryKiB > def->memoryKiB)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("<currentMemory> (%1$llu KiB) must not be larger than <memory> (%2$llu KiB)"),
                              def->currentMemoryKiB, def->memoryKiB);
    return 0;
}

int
virDomainDefValidate(const virDomainDef *def, GError **error)
{
    g_autoptr(GArray) devs = NULL;

    if (virDomainDefValidateGeneral(def, error) < 0 ||
        virDomainDefValidateControllers(def, error) < 0 ||
        virDomainDefValidateDisks(def, error) < 0 ||
        virDomainDefValidateOtherDevices(def, error) < 0)
        return -1;
    devs = virDomainDefCollectDevices(def);
    if (virDomainDefValidateAddresses(devs, error) < 0 ||
        virDomainDefValidateAliases(devs, error) < 0)
        return -1;
    return virDomainIOMMUDefsValidate(def, error);
}
