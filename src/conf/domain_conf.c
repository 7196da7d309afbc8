/*
 * domain_conf.c: the domain XML model: parse, format, post-parse and
 *                conf-level validation of everything except <iommu>,
 *                PCI <hostdev> and <iommufd> (domain_conf_iommu.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parser accepts a subset of libvirt's domain XML. Anything outside
 * it (an element or an attribute) is an error that names it: nothing is
 * silently dropped, because a dropped element would change the guest.
 * The formatter writes back what the user wrote: optional attributes are
 * tristates or "-1 = absent", generated aliases are not written.
 */
#include <string.h>

#include "domain_conf.h"
#include "domain_conf_iommu.h"
#include "domain_conf_priv.h"
#include "virpci.h"

VIR_ENUM_IMPL(virDomainDeviceAddress, VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST,
              "none", "pci", "drive");

VIR_ENUM_IMPL(virDomainController, VIR_DOMAIN_CONTROLLER_TYPE_LAST,
              "pci", "usb", "sata", "scsi");

VIR_ENUM_IMPL(virDomainControllerModelPCI, VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST,
              "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge",
              "pcie-root-port", "pcie-switch-upstream-port",
              "pcie-switch-downstream-port", "pci-expander-bus",
              "pcie-expander-bus", "pcie-to-pci-bridge");

VIR_ENUM_IMPL(virDomainControllerModelUSB, VIR_DOMAIN_CONTROLLER_MODEL_USB_LAST,
              "none", "qemu-xhci");

VIR_ENUM_IMPL(virDomainControllerModelSCSI, VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LAST,
              "virtio-scsi");

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
              "destroy", "restart", "preserve", "rename-restart");

VIR_ENUM_IMPL(virDomainOsFirmware, VIR_DOMAIN_OS_FIRMWARE_LAST,
              "none", "bios", "efi");

/* Values of string-typed attributes that the subset accepts. */
static const char *const virDomainVcpuPlacements[] = { "static", "auto", NULL };
static const char *const virDomainOsArches[] = { "x86_64", "aarch64", NULL };
static const char *const virDomainLoaderTypes[] = { "rom", "pflash", NULL };
static const char *const virDomainBootDevs[] = { "hd", "cdrom", "network", NULL };
static const char *const virDomainCPUChecks[] = { "none", "partial", "full", NULL };
static const char *const virDomainClockOffsets[] = { "utc", "localtime", NULL };
static const char *const virDomainTimerNames[] = {
    "platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock",
    "armvtimer", NULL
};
static const char *const virDomainTimerTickpolicies[] = {
    "delay", "catchup", "merge", "discard", NULL
};
static const char *const virDomainSerialTargetTypes[] = {
    "isa-serial", "pci-serial", "system-serial", NULL
};
static const char *const virDomainConsoleTargetTypes[] = { "serial", "virtio", NULL };
static const char *const virDomainChrTargetModels[] = {
    "isa-serial", "pci-serial", "pl011", "16550a", NULL
};

/* Characters allowed after the "ua-" prefix of a user alias (libvirt's). */
#define VIR_DOMAIN_USER_ALIAS_PREFIX "ua-"
#define VIR_DOMAIN_USER_ALIAS_CHARS \
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

#define VIR_DOMAIN_ACPI_INDEX_MAX 16383

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

/* A string attribute restricted to @list; 0 absent, 1 set, -1 error. */
static int
virDomainPropStringInList(xmlNodePtr node, const char *name,
                          const char *const *list, virXMLPropFlags flags,
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
    if (!virDomainStrInList(list, val)) {
        g_autofree char *allowed = g_strjoinv("', '", (char **)list);
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'; use one of '%4$s'"),
                              name, (const char *)node->name, val, allowed);
    }
    *result = g_steal_pointer(&val);
    return 1;
}

/* Element text with surrounding whitespace removed (caller frees). */
static char *
virDomainNodeText(xmlNodePtr node)
{
    char *text = virXMLNodeContentString(node);

    return g_strstrip(text);
}

/* Reject a second occurrence of any element child named in @names. */
static int
virDomainCheckSingletons(xmlNodePtr node, const char *const *names,
                         GError **error)
{
    size_t i;

    for (i = 0; names[i]; i++) {
        if (virXMLNodeCountChildren(node, names[i]) > 1)
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("element <%1$s> may appear only once in <%2$s>"),
                                  names[i], (const char *)node->name);
    }
    return 0;
}

/* Text content of a leaf element such as <name>; its attributes and
 * children are outside the subset. */
static int
virDomainParseTextElement(xmlNodePtr node, char **result, GError **error)
{
    if (virXMLCheckNode(node, NULL, NULL, error) < 0)
        return -1;
    *result = virDomainNodeText(node);
    return 0;
}

/* ---- PCI and drive addresses, device info -------------------------------- */

char *
virPCIDeviceAddressAsString(const virPCIDeviceAddress *addr)
{
    return virPCIAddressFormat(addr->domain, addr->bus, addr->slot,
                               addr->function);
}

bool
virPCIDeviceAddressEqual(const virPCIDeviceAddress *a,
                         const virPCIDeviceAddress *b)
{
    return a->domain == b->domain && a->bus == b->bus &&
           a->slot == b->slot && a->function == b->function;
}

static int
virPCIDeviceAddressParseField(xmlNodePtr node, const char *name,
                              unsigned int max, unsigned int *result,
                              GError **error)
{
    int rc = virXMLPropUInt(node, name, 0, VIR_XML_PROP_NONE, result, error);

    if (rc == 1 && *result > max) {
        g_autofree char *raw = virXMLPropString(node, name);
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Invalid PCI address %1$s='%2$s' in <%3$s>: it must be at most 0x%4$x"),
                              name, raw, (const char *)node->parent->name, max);
    }
    return rc < 0 ? -1 : 0;
}

int
virPCIDeviceAddressParseXML(xmlNodePtr node, virPCIDeviceAddress *addr,
                            GError **error)
{
    static const char *const attrs[] = {
        "type", "domain", "bus", "slot", "function", "multifunction", NULL
    };
    g_autofree char *type = virXMLPropString(node, "type");

    if (virXMLCheckNode(node, attrs, NULL, error) < 0)
        return -1;
    if (type && !g_str_equal(type, "pci"))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("expected a PCI address in <%1$s>, not type='%2$s'"),
                              (const char *)node->parent->name, type);
    memset(addr, 0, sizeof(*addr));
    if (virPCIDeviceAddressParseField(node, "domain", 0xffff, &addr->domain, error) < 0 ||
        virPCIDeviceAddressParseField(node, "bus", 0xff, &addr->bus, error) < 0 ||
        virPCIDeviceAddressParseField(node, "slot", 0x1f, &addr->slot, error) < 0 ||
        virPCIDeviceAddressParseField(node, "function", 0x7, &addr->function, error) < 0)
        return -1;
    if (virXMLPropTristateSwitch(node, "multifunction", VIR_XML_PROP_NONE,
                                 &addr->multi, error) < 0)
        return -1;
    return 0;
}

void
virPCIDeviceAddressFormat(virBuffer *buf, const virPCIDeviceAddress *addr,
                          bool withType)
{
    virBufferAsprintf(buf,
                      "<address %sdomain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'",
                      withType ? "type='pci' " : "",
                      addr->domain, addr->bus, addr->slot, addr->function);
    if (addr->multi != VIR_TRISTATE_SWITCH_ABSENT)
        virBufferAsprintf(buf, " multifunction='%s'",
                          virTristateSwitchTypeToString(addr->multi));
    virBufferAddLit(buf, "/>\n");
}

static int
virDomainDeviceDriveAddressParseXML(xmlNodePtr node,
                                    virDomainDeviceDriveAddress *addr,
                                    GError **error)
{
    static const char *const attrs[] = {
        "type", "controller", "bus", "target", "unit", NULL
    };

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virXMLPropUInt(node, "controller", 10, VIR_XML_PROP_NONE,
                       &addr->controller, error) < 0 ||
        virXMLPropUInt(node, "bus", 10, VIR_XML_PROP_NONE, &addr->bus, error) < 0 ||
        virXMLPropUInt(node, "target", 10, VIR_XML_PROP_NONE, &addr->target, error) < 0 ||
        virXMLPropUInt(node, "unit", 10, VIR_XML_PROP_NONE, &addr->unit, error) < 0)
        return -1;
    return 0;
}

static int
virDomainDeviceAddressParseXML(xmlNodePtr node, virDomainDeviceInfo *info,
                               GError **error)
{
    int type = 0;

    if (virXMLPropEnum(node, "type", virDomainDeviceAddressTypeFromString,
                       VIR_XML_PROP_REQUIRED | VIR_XML_PROP_NONZERO,
                       &type, error) < 0)
        return -1;
    info->type = type;
    if (type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
        return virPCIDeviceAddressParseXML(node, &info->pci, error);
    return virDomainDeviceDriveAddressParseXML(node, &info->drive, error);
}

static int
virDomainDeviceAliasParseXML(xmlNodePtr node, virDomainDeviceInfo *info,
                             GError **error)
{
    static const char *const attrs[] = { "name", NULL };
    g_autofree char *name = NULL;
    const char *device = (const char *)node->parent->name;

    if (virXMLCheckNode(node, attrs, NULL, error) < 0)
        return -1;
    if (!(name = virXMLPropString(node, "name")))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Missing required attribute '%1$s' in element '%2$s'"),
                              "name", "alias");
    /* Only user aliases belong in a configuration: libvirt ignores any
     * other alias of an inactive definition, we refuse it instead. */
    if (!g_str_has_prefix(name, VIR_DOMAIN_USER_ALIAS_PREFIX))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("alias '%1$s' of <%2$s> is not a user alias: user aliases must start with 'ua-'"),
                              name, device);
    if (name[strlen(VIR_DOMAIN_USER_ALIAS_PREFIX)] == '\0' ||
        strspn(name, VIR_DOMAIN_USER_ALIAS_CHARS) != strlen(name))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("alias '%1$s' of <%2$s> is invalid: after 'ua-' use only letters, digits, '_' and '-'"),
                              name, device);
    info->alias = g_steal_pointer(&name);
    info->aliasFromUser = true;
    return 0;
}

static int
virDomainDeviceAcpiParseXML(xmlNodePtr node, virDomainDeviceInfo *info,
                            GError **error)
{
    static const char *const attrs[] = { "index", NULL };

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virXMLPropUInt(node, "index", 10,
                       VIR_XML_PROP_REQUIRED | VIR_XML_PROP_NONZERO,
                       &info->acpiIndex, error) < 0)
        return -1;
    if (info->acpiIndex > VIR_DOMAIN_ACPI_INDEX_MAX)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("ACPI index '%1$u' of <%2$s> is out of range; use 1 to %3$d"),
                              info->acpiIndex, (const char *)node->parent->name,
                              VIR_DOMAIN_ACPI_INDEX_MAX);
    return 0;
}

int
virDomainDeviceInfoParseXML(xmlNodePtr node, virDomainDeviceInfo *info,
                            GError **error)
{
    static const char *const singles[] = { "address", "alias", "acpi", NULL };
    xmlNodePtr child;

    if (virDomainCheckSingletons(node, singles, error) < 0)
        return -1;
    if ((child = virXMLNodeGetChild(node, "alias")) &&
        virDomainDeviceAliasParseXML(child, info, error) < 0)
        return -1;
    if ((child = virXMLNodeGetChild(node, "acpi")) &&
        virDomainDeviceAcpiParseXML(child, info, error) < 0)
        return -1;
    if ((child = virXMLNodeGetChild(node, "address")) &&
        virDomainDeviceAddressParseXML(child, info, error) < 0)
        return -1;
    return 0;
}

void
virDomainDeviceInfoFormat(virBuffer *buf, const virDomainDeviceInfo *info)
{
    if (info->alias && info->aliasFromUser)
        virBufferEscapeString(buf, "<alias name='%s'/>\n", info->alias);
    if (info->acpiIndex)
        virBufferAsprintf(buf, "<acpi index='%u'/>\n", info->acpiIndex);

    switch (info->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI:
        virPCIDeviceAddressFormat(buf, &info->pci, true);
        break;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
        virBufferAsprintf(buf,
                          "<address type='drive' controller='%u' bus='%u' target='%u' unit='%u'/>\n",
                          info->drive.controller, info->drive.bus,
                          info->drive.target, info->drive.unit);
        break;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
        break;
    }
}

void
virDomainDeviceInfoClear(virDomainDeviceInfo *info)
{
    g_clear_pointer(&info->alias, g_free);
    info->aliasFromUser = false;
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

static int
virDomainControllerTargetParseXML(xmlNodePtr node, virDomainControllerDef *def,
                                  GError **error)
{
    static const char *const attrs[] = {
        "chassisNr", "chassis", "port", "busNr", NULL
    };

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virDomainPropOptInt(node, "chassisNr", 10, &def->chassisNr, error) < 0 ||
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
    static const char *const attrs[] = { "name", NULL };

    if (virXMLCheckNode(node, attrs, NULL, error) < 0)
        return -1;
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
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
    case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
        if (xmlHasProp(node, BAD_CAST "model"))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                  _("attribute 'model' of <controller type='sata'> is not supported by libvirt-viommu; remove it"));
        return 0;
    }
    return virXMLPropEnum(node, "model", fromString, VIR_XML_PROP_NONE,
                          &def->model, error) < 0 ? -1 : 0;
}

static virDomainControllerDef *
virDomainControllerDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "type", "index", "model", NULL };
    static const char *const children[] = {
        "model", "target", "address", "alias", NULL
    };
    static const char *const singles[] = { "model", "target", NULL };
    g_autoptr(virDomainControllerDef) def = g_new0(virDomainControllerDef, 1);
    unsigned int idx = 0;
    int type = 0;
    xmlNodePtr child;

    def->model = -1;
    def->chassis = def->chassisNr = def->port = def->busNr = -1;
    def->targetIndex = -1;

    if (virXMLCheckNode(node, attrs, children, error) < 0 ||
        virDomainCheckSingletons(node, singles, error) < 0 ||
        virXMLPropEnum(node, "type", virDomainControllerTypeFromString,
                       VIR_XML_PROP_REQUIRED, &type, error) < 0)
        return NULL;
    def->type = type;
    if (virXMLPropUInt(node, "index", 10, VIR_XML_PROP_REQUIRED, &idx, error) < 0 ||
        virDomainControllerModelAttrParse(node, def, error) < 0)
        return NULL;
    if (idx > 255) {
        virReportError(error, VIR_ERR_XML_ERROR,
                       _("controller index '%1$u' is out of range; use 0 to 255"), idx);
        return NULL;
    }
    def->idx = idx;

    if ((child = virXMLNodeGetChild(node, "model")) ||
        (child = virXMLNodeGetChild(node, "target"))) {
        if (def->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI) {
            virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                           _("element <%1$s> of <controller type='%2$s'> is not supported by libvirt-viommu; only PCI controllers have it"),
                           (const char *)child->name,
                           virDomainControllerTypeToString(def->type));
            return NULL;
        }
    }
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
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
    case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
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

    virBufferAsprintf(&attrBuf, " type='%s' index='%d'",
                      virDomainControllerTypeToString(def->type), def->idx);
    if (def->model >= 0)
        virBufferAsprintf(&attrBuf, " model='%s'",
                          virDomainControllerModelToString(def));

    virBufferEscapeString(&childBuf, "<model name='%s'/>\n", def->modelName);
    if (def->chassisNr >= 0)
        virBufferAsprintf(&targetBuf, " chassisNr='%d'", def->chassisNr);
    if (def->chassis >= 0)
        virBufferAsprintf(&targetBuf, " chassis='%d'", def->chassis);
    if (def->port >= 0)
        virBufferAsprintf(&targetBuf, " port='0x%x'", def->port);
    if (def->busNr >= 0)
        virBufferAsprintf(&targetBuf, " busNr='%d'", def->busNr);
    virXMLFormatElement(&childBuf, "target", &targetBuf, NULL);
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

static int
virDomainDiskDriverParseXML(xmlNodePtr node, virDomainDiskDef *def,
                            GError **error)
{
    static const char *const attrs[] = { "name", "type", NULL };

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virXMLPropEnum(node, "type", virDomainDiskFormatTypeFromString,
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
    static const char *const attrs[] = { "file", "dev", NULL };
    bool isFile = def->type == VIR_DOMAIN_DISK_TYPE_FILE;
    const char *attr = isFile ? "file" : "dev";
    const char *other = isFile ? "dev" : "file";

    if (virXMLCheckNode(node, attrs, NULL, error) < 0)
        return -1;
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
    static const char *const attrs[] = { "dev", "bus", NULL };
    int bus = 0;

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virXMLPropEnum(node, "bus", virDomainDiskBusTypeFromString,
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
    static const char *const attrs[] = { "type", "device", NULL };
    static const char *const children[] = {
        "driver", "source", "target", "readonly", "address", "alias", NULL
    };
    static const char *const singles[] = {
        "driver", "source", "target", "readonly", NULL
    };
    g_autoptr(virDomainDiskDef) def = g_new0(virDomainDiskDef, 1);
    int type = 0, device = 0;
    xmlNodePtr child;

    def->format = -1;
    if (virXMLCheckNode(node, attrs, children, error) < 0 ||
        virDomainCheckSingletons(node, singles, error) < 0 ||
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
    if ((child = virXMLNodeGetChild(node, "readonly"))) {
        if (virXMLCheckNode(child, NULL, NULL, error) < 0)
            return NULL;
        def->readonly = true;
    }
    if (virDomainDeviceInfoParseXML(node, &def->info, error) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

static void
virDomainDiskDefFormat(virBuffer *buf, const virDomainDiskDef *def)
{
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    g_auto(virBuffer) drvBuf = VIR_BUFFER_INITIALIZER;

    virBufferAsprintf(buf, "<disk type='%s' device='%s'>\n",
                      virDomainDiskTypeTypeToString(def->type),
                      virDomainDiskDeviceTypeToString(def->device));

    virBufferEscapeString(&drvBuf, " name='%s'", def->driverName);
    if (def->format >= 0)
        virBufferAsprintf(&drvBuf, " type='%s'",
                          virDomainDiskFormatTypeToString(def->format));
    virXMLFormatElement(&childBuf, "driver", &drvBuf, NULL);
    if (def->src) {
        if (def->type == VIR_DOMAIN_DISK_TYPE_FILE)
            virBufferEscapeString(&childBuf, "<source file='%s'/>\n", def->src);
        else
            virBufferEscapeString(&childBuf, "<source dev='%s'/>\n", def->src);
    }
    virBufferEscapeString(&childBuf, "<target dev='%s'", def->dst);
    virBufferAsprintf(&childBuf, " bus='%s'/>\n",
                      virDomainDiskBusTypeToString(def->bus));
    if (def->readonly)
        virBufferAddLit(&childBuf, "<readonly/>\n");
    virDomainDeviceInfoFormat(&childBuf, &def->info);

    virBufferAddBuffer(buf, &childBuf);
    virBufferAddLit(buf, "</disk>\n");
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

static int
virDomainNetMacParseXML(xmlNodePtr node, virDomainNetDef *def, GError **error)
{
    static const char *const attrs[] = { "address", NULL };
    unsigned int octet[6];
    char tail;

    if (virXMLCheckNode(node, attrs, NULL, error) < 0)
        return -1;
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
    static const char *const networkAttrs[] = { "network", NULL };
    static const char *const bridgeAttrs[] = { "bridge", NULL };
    bool isNetwork = def->type == VIR_DOMAIN_NET_TYPE_NETWORK;

    if (def->type == VIR_DOMAIN_NET_TYPE_USER)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("element <source> of <interface type='user'> is not supported by libvirt-viommu; remove it"));
    if (virXMLCheckNode(node, isNetwork ? networkAttrs : bridgeAttrs, NULL,
                        error) < 0)
        return -1;
    def->source = virXMLPropString(node, isNetwork ? "network" : "bridge");
    return 0;
}

static int
virDomainNetModelParseXML(xmlNodePtr node, virDomainNetDef *def, GError **error)
{
    static const char *const attrs[] = { "type", NULL };

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virXMLPropEnum(node, "type", virDomainNetModelTypeFromString,
                       VIR_XML_PROP_REQUIRED, &def->model, error) < 0)
        return -1;
    return 0;
}

static virDomainNetDef *
virDomainNetDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "type", NULL };
    static const char *const children[] = {
        "mac", "source", "model", "address", "alias", "acpi", NULL
    };
    static const char *const singles[] = { "mac", "source", "model", NULL };
    g_autoptr(virDomainNetDef) def = g_new0(virDomainNetDef, 1);
    int type = 0;
    xmlNodePtr child;

    def->model = -1;
    if (virXMLCheckNode(node, attrs, children, error) < 0 ||
        virDomainCheckSingletons(node, singles, error) < 0 ||
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

    virBufferAsprintf(&attrBuf, " type='%s'", virDomainNetTypeToString(def->type));
    virBufferEscapeString(&childBuf, "<mac address='%s'/>\n", def->mac);
    if (def->source) {
        if (def->type == VIR_DOMAIN_NET_TYPE_NETWORK)
            virBufferEscapeString(&childBuf, "<source network='%s'/>\n", def->source);
        else
            virBufferEscapeString(&childBuf, "<source bridge='%s'/>\n", def->source);
    }
    if (def->model >= 0)
        virBufferAsprintf(&childBuf, "<model type='%s'/>\n",
                          virDomainNetModelTypeToString(def->model));
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

static int
virDomainChrSourceParseXML(xmlNodePtr node, virDomainChrDef *def,
                           GError **error)
{
    static const char *const attrs[] = { "path", NULL };

    if (def->type != VIR_DOMAIN_CHR_TYPE_FILE)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("element <source> of <%1$s type='pty'> is not supported by libvirt-viommu; remove it"),
                              (const char *)node->parent->name);
    if (virXMLCheckNode(node, attrs, NULL, error) < 0)
        return -1;
    def->path = virXMLPropString(node, "path");
    return 0;
}

static int
virDomainChrTargetParseXML(xmlNodePtr node, virDomainChrDef *def,
                           GError **error)
{
    static const char *const attrs[] = { "type", "port", NULL };
    static const char *const children[] = { "model", NULL };
    static const char *const modelAttrs[] = { "name", NULL };
    bool serial = def->deviceType == VIR_DOMAIN_CHR_DEVICE_SERIAL;
    xmlNodePtr model;

    if (virXMLCheckNode(node, attrs, serial ? children : NULL, error) < 0 ||
        virDomainCheckSingletons(node, children, error) < 0 ||
        virDomainPropStringInList(node, "type",
                                  serial ? virDomainSerialTargetTypes :
                                           virDomainConsoleTargetTypes,
                                  VIR_XML_PROP_NONE, &def->targetType, error) < 0 ||
        virDomainPropOptInt(node, "port", 10, &def->targetPort, error) < 0)
        return -1;
    if (!(model = virXMLNodeGetChild(node, "model")))
        return 0;
    if (virXMLCheckNode(model, modelAttrs, NULL, error) < 0 ||
        virDomainPropStringInList(model, "name", virDomainChrTargetModels,
                                  VIR_XML_PROP_REQUIRED, &def->targetModel,
                                  error) < 0)
        return -1;
    return 0;
}

static virDomainChrDef *
virDomainChrDefParseXML(xmlNodePtr node, virDomainChrDeviceType deviceType,
                        GError **error)
{
    static const char *const attrs[] = { "type", NULL };
    static const char *const children[] = {
        "source", "target", "address", "alias", NULL
    };
    static const char *const singles[] = { "source", "target", NULL };
    g_autoptr(virDomainChrDef) def = g_new0(virDomainChrDef, 1);
    int type = 0;
    xmlNodePtr child;

    def->deviceType = deviceType;
    def->targetPort = -1;
    if (virXMLCheckNode(node, attrs, children, error) < 0 ||
        virDomainCheckSingletons(node, singles, error) < 0 ||
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
    g_auto(virBuffer) targetAttrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) targetChildBuf = VIR_BUFFER_INIT_CHILD(&childBuf);

    virBufferAsprintf(&attrBuf, " type='%s'", virDomainChrTypeToString(def->type));
    virBufferEscapeString(&childBuf, "<source path='%s'/>\n", def->path);

    virBufferEscapeString(&targetAttrBuf, " type='%s'", def->targetType);
    if (def->targetPort >= 0)
        virBufferAsprintf(&targetAttrBuf, " port='%d'", def->targetPort);
    virBufferEscapeString(&targetChildBuf, "<model name='%s'/>\n", def->targetModel);
    virXMLFormatElement(&childBuf, "target", &targetAttrBuf, &targetChildBuf);

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

static virDomainMemballoonDef *
virDomainMemballoonDefParseXML(xmlNodePtr node, GError **error)
{
    static const char *const attrs[] = { "model", NULL };
    static const char *const children[] = { "address", "alias", NULL };
    g_autoptr(virDomainMemballoonDef) def = g_new0(virDomainMemballoonDef, 1);
    int model = 0;

    if (virXMLCheckNode(node, attrs, children, error) < 0 ||
        virXMLPropEnum(node, "model", virDomainMemballoonModelTypeFromString,
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

/* <memory unit='...'>N</memory> -> KiB, rounding bytes up like libvirt */
static int
virDomainMemoryParseXML(xmlNodePtr node, unsigned long long *kib,
                        GError **error)
{
    static const char *const attrs[] = { "unit", NULL };
    const char *name = (const char *)node->name;
    g_autofree char *unit = virXMLPropString(node, "unit");
    g_autofree char *text = NULL;
    unsigned long long scale = 0;
    guint64 value;
    size_t i;

    if (virXMLCheckNode(node, attrs, NULL, error) < 0)
        return -1;
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
    if (value > G_MAXUINT64 / scale)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("value '%1$s %2$s' in <%3$s> is too large"),
                              text, unit ? unit : "KiB", name);
    value *= scale;
    *kib = value / 1024 + (value % 1024 ? 1 : 0);
    return 0;
}

static int
virDomainVcpuParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    static const char *const attrs[] = { "placement", NULL };
    g_autofree char *text = NULL;
    guint64 value;

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virDomainPropStringInList(node, "placement", virDomainVcpuPlacements,
                                  VIR_XML_PROP_NONE, &def->vcpuPlacement,
                                  error) < 0)
        return -1;
    text = virDomainNodeText(node);
    if (!g_ascii_string_to_unsigned(text, 10, 1, G_MAXUINT, &value, NULL))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("invalid number of vCPUs '%1$s' in <vcpu>: expected a positive integer"),
                              text);
    def->vcpus = value;
    return 0;
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
        if (virXMLCheckNode(node, NULL, NULL, error) < 0)
            return -1;
        def->title = virXMLNodeContentString(node);
        if (strchr(def->title, '\n'))
            return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                                  _("Domain title can't contain newlines"));
    }
    if ((node = virXMLNodeGetChild(root, "description"))) {
        if (virXMLCheckNode(node, NULL, NULL, error) < 0)
            return -1;
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

/* Drop whitespace-only text between elements so that the copy can be
 * re-indented consistently; text inside leaf elements is kept. */
static void
virDomainMetadataStripBlanks(xmlNodePtr node)
{
    xmlNodePtr cur = node->children;
    bool hasElements = false;

    for (cur = node->children; cur; cur = cur->next)
        hasElements |= cur->type == XML_ELEMENT_NODE;
    cur = node->children;
    while (cur) {
        xmlNodePtr next = cur->next;

        if (cur->type == XML_ELEMENT_NODE) {
            virDomainMetadataStripBlanks(cur);
        } else if (hasElements && (cur->type == XML_COMMENT_NODE ||
                                   (cur->type == XML_TEXT_NODE &&
                                    xmlIsBlankNode(cur)))) {
            xmlUnlinkNode(cur);
            xmlFreeNode(cur);
        }
        cur = next;
    }
}

/* One element of <metadata> as standalone text: copying it into its own
 * document re-declares the namespaces it inherited. */
static char *
virDomainMetadataChildToString(xmlNodePtr child)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr copy = xmlDocCopyNode(child, doc, 1);
    xmlBufferPtr xbuf = xmlBufferCreate();
    char *ret;

    xmlDocSetRootElement(doc, copy);
    virDomainMetadataStripBlanks(copy);
    xmlNodeDump(xbuf, doc, copy, 0, 1);
    ret = g_strdup((const char *)xmlBufferContent(xbuf));
    xmlBufferFree(xbuf);
    return ret;
}

static int
virDomainMetadataParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    g_autoptr(GString) str = g_string_new(NULL);
    xmlNodePtr cur;

    if (node->properties)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("attribute '%1$s' of element <metadata> is not supported by libvirt-viommu; remove it"),
                              (const char *)node->properties->name);
    for (cur = node->children; cur; cur = cur->next) {
        g_autofree char *child = NULL;

        if (cur->type == XML_TEXT_NODE && !xmlIsBlankNode(cur))
            return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                                  _("<metadata> may only contain elements (each in its own namespace), not text"));
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        child = virDomainMetadataChildToString(cur);
        if (str->len)
            g_string_append_c(str, '\n');
        g_string_append(str, child);
    }
    def->metadata = g_string_free(g_steal_pointer(&str), FALSE);
    return 0;
}

static void
virDomainMetadataFormat(virBuffer *buf, const char *metadata)
{
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (!metadata)
        return;
    if (!*metadata) {
        virBufferAddLit(buf, "<metadata/>\n");
        return;
    }
    virBufferAddLit(buf, "<metadata>\n");
    virBufferAdjustIndent(buf, 2);
    lines = g_strsplit(metadata, "\n", -1);
    for (i = 0; lines[i]; i++)
        virBufferAsprintf(buf, "%s\n", lines[i]);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</metadata>\n");
}

/* ---- <os> ------------------------------------------------------------------ */

static int
virDomainOsTypeParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    static const char *const attrs[] = { "arch", "machine", NULL };

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virDomainPropStringInList(node, "arch", virDomainOsArches,
                                  VIR_XML_PROP_NONE, &def->arch, error) < 0)
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
    static const char *const attrs[] = { "readonly", "type", NULL };

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virXMLPropTristateBool(node, "readonly", VIR_XML_PROP_NONE,
                               &def->loaderReadonly, error) < 0 ||
        virDomainPropStringInList(node, "type", virDomainLoaderTypes,
                                  VIR_XML_PROP_NONE, &def->loaderType, error) < 0)
        return -1;
    def->loader = virDomainNodeText(node);
    return 0;
}

static int
virDomainOsBootParseXML(xmlNodePtr os, virDomainDef *def, GError **error)
{
    static const char *const attrs[] = { "dev", NULL };
    g_autoptr(GPtrArray) devs = g_ptr_array_new_with_free_func(g_free);
    xmlNodePtr cur;

    for (cur = os->children; cur; cur = cur->next) {
        char *dev = NULL;

        if (cur->type != XML_ELEMENT_NODE || !xmlStrEqual(cur->name, BAD_CAST "boot"))
            continue;
        if (virXMLCheckNode(cur, attrs, NULL, error) < 0 ||
            virDomainPropStringInList(cur, "dev", virDomainBootDevs,
                                      VIR_XML_PROP_REQUIRED, &dev, error) < 0)
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
    static const char *const attrs[] = { "firmware", NULL };
    static const char *const children[] = { "type", "loader", "nvram", "boot", NULL };
    static const char *const singles[] = { "type", "loader", "nvram", NULL };
    xmlNodePtr node = virXMLNodeGetChild(root, "os");
    xmlNodePtr child;
    int firmware = 0;

    if (!node)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("missing <os> element in <domain>: add <os><type>hvm</type></os>"));
    if (virXMLCheckNode(node, attrs, children, error) < 0 ||
        virDomainCheckSingletons(node, singles, error) < 0 ||
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
    if ((child = virXMLNodeGetChild(node, "nvram")) &&
        virDomainParseTextElement(child, &def->nvram, error) < 0)
        return -1;
    return virDomainOsBootParseXML(node, def, error);
}

static void
virDomainOsFormat(virBuffer *buf, const virDomainDef *def)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    size_t i;

    if (def->firmware != VIR_DOMAIN_OS_FIRMWARE_NONE)
        virBufferAsprintf(&attrBuf, " firmware='%s'",
                          virDomainOsFirmwareTypeToString(def->firmware));

    virBufferAddLit(&childBuf, "<type");
    virBufferEscapeString(&childBuf, " arch='%s'", def->arch);
    virBufferEscapeString(&childBuf, " machine='%s'", def->machine);
    virBufferEscapeString(&childBuf, ">%s</type>\n", def->osType);
    if (def->loader) {
        virBufferAddLit(&childBuf, "<loader");
        if (def->loaderReadonly != VIR_TRISTATE_BOOL_ABSENT)
            virBufferAsprintf(&childBuf, " readonly='%s'",
                              virTristateBoolTypeToString(def->loaderReadonly));
        virBufferEscapeString(&childBuf, " type='%s'", def->loaderType);
        if (*def->loader)
            virBufferEscapeString(&childBuf, ">%s</loader>\n", def->loader);
        else
            virBufferAddLit(&childBuf, "/>\n");
    }
    virBufferEscapeString(&childBuf, "<nvram>%s</nvram>\n", def->nvram);
    for (i = 0; def->bootDevs && def->bootDevs[i]; i++)
        virBufferAsprintf(&childBuf, "<boot dev='%s'/>\n", def->bootDevs[i]);

    virXMLFormatElement(buf, "os", &attrBuf, &childBuf);
}

/* ---- <features>, <cpu>, <clock>, lifecycle ---------------------------------- */

static int
virDomainFeaturesParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    static const char *const children[] = { "acpi", "apic", "ioapic", "gic", NULL };
    static const char *const ioapicAttrs[] = { "driver", NULL };
    static const char *const gicAttrs[] = { "version", NULL };
    xmlNodePtr child;
    int ioapic = 0;

    if (virXMLCheckNode(node, NULL, children, error) < 0 ||
        virDomainCheckSingletons(node, children, error) < 0)
        return -1;
    def->hasFeatures = true;
    if ((child = virXMLNodeGetChild(node, "acpi"))) {
        if (virXMLCheckNode(child, NULL, NULL, error) < 0)
            return -1;
        def->featAcpi = true;
    }
    if ((child = virXMLNodeGetChild(node, "apic"))) {
        if (virXMLCheckNode(child, NULL, NULL, error) < 0)
            return -1;
        def->featApic = true;
    }
    if ((child = virXMLNodeGetChild(node, "ioapic"))) {
        if (virXMLCheckNode(child, ioapicAttrs, NULL, error) < 0 ||
            virXMLPropEnum(child, "driver", virDomainIOAPICTypeFromString,
                           VIR_XML_PROP_REQUIRED | VIR_XML_PROP_NONZERO,
                           &ioapic, error) < 0)
            return -1;
        def->ioapic = ioapic;
    }
    if ((child = virXMLNodeGetChild(node, "gic"))) {
        if (virXMLCheckNode(child, gicAttrs, NULL, error) < 0 ||
            virXMLPropUInt(child, "version", 10, VIR_XML_PROP_REQUIRED,
                           &def->gicVersion, error) < 0)
            return -1;
        if (def->gicVersion != 2 && def->gicVersion != 3)
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("Invalid value for attribute '%1$s' in element '%2$s': '%3$u'; use 2 or 3"),
                                  "version", "gic", def->gicVersion);
    }
    return 0;
}

static void
virDomainFeaturesFormat(virBuffer *buf, const virDomainDef *def)
{
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);

    if (!def->hasFeatures)
        return;
    /* libvirt's order: acpi, apic, ..., gic, ..., ioapic */
    if (def->featAcpi)
        virBufferAddLit(&childBuf, "<acpi/>\n");
    if (def->featApic)
        virBufferAddLit(&childBuf, "<apic/>\n");
    if (def->gicVersion)
        virBufferAsprintf(&childBuf, "<gic version='%u'/>\n", def->gicVersion);
    if (def->ioapic != VIR_DOMAIN_IOAPIC_DEFAULT)
        virBufferAsprintf(&childBuf, "<ioapic driver='%s'/>\n",
                          virDomainIOAPICTypeToString(def->ioapic));
    virXMLFormatElementEmpty(buf, "features", NULL, &childBuf);
}

static int
virDomainCPUParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    static const char *const attrs[] = { "mode", "check", "migratable", NULL };
    static const char *const children[] = { "model", NULL };
    xmlNodePtr model;
    int mode = VIR_DOMAIN_CPU_MODE_CUSTOM;

    if (virXMLCheckNode(node, attrs, children, error) < 0 ||
        virDomainCheckSingletons(node, children, error) < 0 ||
        virXMLPropEnum(node, "mode", virCPUModeTypeFromString,
                       VIR_XML_PROP_NONE, &mode, error) < 0 ||
        virDomainPropStringInList(node, "check", virDomainCPUChecks,
                                  VIR_XML_PROP_NONE, &def->cpuCheck, error) < 0 ||
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

    if (!def->hasCPU)
        return;
    virBufferAsprintf(&attrBuf, " mode='%s'", virCPUModeTypeToString(def->cpuMode));
    virBufferEscapeString(&attrBuf, " check='%s'", def->cpuCheck);
    if (def->cpuMigratable != VIR_TRISTATE_SWITCH_ABSENT)
        virBufferAsprintf(&attrBuf, " migratable='%s'",
                          virTristateSwitchTypeToString(def->cpuMigratable));
    virBufferEscapeString(&childBuf, "<model>%s</model>\n", def->cpuModel);
    virXMLFormatElement(buf, "cpu", &attrBuf, &childBuf);
}

static int
virDomainTimerParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    static const char *const attrs[] = { "name", "present", "tickpolicy", NULL };
    g_autoptr(virDomainTimerDef) timer = g_new0(virDomainTimerDef, 1);

    if (virXMLCheckNode(node, attrs, NULL, error) < 0 ||
        virDomainPropStringInList(node, "name", virDomainTimerNames,
                                  VIR_XML_PROP_REQUIRED, &timer->name, error) < 0 ||
        virXMLPropTristateBool(node, "present", VIR_XML_PROP_NONE,
                               &timer->present, error) < 0 ||
        virDomainPropStringInList(node, "tickpolicy", virDomainTimerTickpolicies,
                                  VIR_XML_PROP_NONE, &timer->tickpolicy, error) < 0)
        return -1;
    VIR_DOMAIN_APPEND(def->timers, def->ntimers, g_steal_pointer(&timer));
    return 0;
}

static int
virDomainClockParseXML(xmlNodePtr node, virDomainDef *def, GError **error)
{
    static const char *const attrs[] = { "offset", NULL };
    static const char *const children[] = { "timer", NULL };
    xmlNodePtr cur;

    if (virXMLCheckNode(node, attrs, children, error) < 0 ||
        virDomainPropStringInList(node, "offset", virDomainClockOffsets,
                                  VIR_XML_PROP_REQUIRED, &def->clockOffset,
                                  error) < 0)
        return -1;
    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE &&
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
    size_t i;

    if (!def->clockOffset)
        return;
    virBufferEscapeString(&attrBuf, " offset='%s'", def->clockOffset);
    for (i = 0; i < def->ntimers; i++) {
        const virDomainTimerDef *timer = def->timers[i];

        virBufferAsprintf(&childBuf, "<timer name='%s'", timer->name);
        if (timer->present != VIR_TRISTATE_BOOL_ABSENT)
            virBufferAsprintf(&childBuf, " present='%s'",
                              virTristateBoolTypeToString(timer->present));
        virBufferEscapeString(&childBuf, " tickpolicy='%s'", timer->tickpolicy);
        virBufferAddLit(&childBuf, "/>\n");
    }
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
                              _("invalid action '%1$s' in <%2$s>; use destroy, restart, preserve or rename-restart"),
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

/* ---- <devices> ----------------------------------------------------------- */

static int
virDomainDeviceParseDisk(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainDiskDef *disk = virDomainDiskDefParseXML(node, error);

    if (!disk)
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

static int
virDomainDeviceParseNet(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainNetDef *net = virDomainNetDefParseXML(node, error);

    if (!net)
        return -1;
    VIR_DOMAIN_APPEND(def->nets, def->nnets, net);
    return 0;
}

static int
virDomainDeviceParseSerial(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainChrDef *chr = virDomainChrDefParseXML(node, VIR_DOMAIN_CHR_DEVICE_SERIAL,
                                                   error);

    if (!chr)
        return -1;
    VIR_DOMAIN_APPEND(def->serials, def->nserials, chr);
    return 0;
}

static int
virDomainDeviceParseConsole(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainChrDef *chr = virDomainChrDefParseXML(node, VIR_DOMAIN_CHR_DEVICE_CONSOLE,
                                                   error);

    if (!chr)
        return -1;
    VIR_DOMAIN_APPEND(def->consoles, def->nconsoles, chr);
    return 0;
}

static int
virDomainDeviceParseHostdev(xmlNodePtr node, virDomainDef *def, GError **error)
{
    virDomainHostdevDef *hostdev = virDomainHostdevDefParseXML(node, error);

    if (!hostdev)
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

static int
virDomainDeviceParseMemballoon(xmlNodePtr node, virDomainDef *def, GError **error)
{
    if (def->memballoon)
        return virReportError(error, VIR_ERR_XML_ERROR, "%s",
                              _("only one <memballoon> element is allowed in <devices>"));
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

/* Every element <devices> may hold, and who parses it. */
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
    const char *names[G_N_ELEMENTS(virDomainDeviceParsers) + 1] = { NULL };
    xmlNodePtr cur;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(virDomainDeviceParsers); i++)
        names[i] = virDomainDeviceParsers[i].name;
    if (virXMLCheckNode(node, NULL, names, error) < 0)
        return -1;

    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        for (i = 0; i < G_N_ELEMENTS(virDomainDeviceParsers); i++) {
            if (xmlStrEqual(cur->name, BAD_CAST virDomainDeviceParsers[i].name))
                break;
        }
        /* virXMLCheckNode() let only listed names through */
        if (i < G_N_ELEMENTS(virDomainDeviceParsers) &&
            virDomainDeviceParsers[i].parse(cur, def, error) < 0)
            return -1;
    }
    return 0;
}

/* libvirt's order in virDomainDefFormatInternal: emulator, disks,
 * controllers, interfaces, serials, consoles, hostdevs, memballoon,
 * iommus (the kinds outside the subset sit in between). */
static void
virDomainDevicesFormat(virBuffer *buf, const virDomainDef *def)
{
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    size_t i;

    virBufferEscapeString(&childBuf, "<emulator>%s</emulator>\n", def->emulator);
    for (i = 0; i < def->ndisks; i++)
        virDomainDiskDefFormat(&childBuf, def->disks[i]);
    for (i = 0; i < def->ncontrollers; i++)
        virDomainControllerDefFormat(&childBuf, def->controllers[i]);
    for (i = 0; i < def->nnets; i++)
        virDomainNetDefFormat(&childBuf, def->nets[i]);
    for (i = 0; i < def->nserials; i++)
        virDomainChrDefFormat(&childBuf, def->serials[i]);
    for (i = 0; i < def->nconsoles; i++)
        virDomainChrDefFormat(&childBuf, def->consoles[i]);
    for (i = 0; i < def->nhostdevs; i++)
        virDomainHostdevDefFormat(&childBuf, def->hostdevs[i]);
    if (def->memballoon)
        virDomainMemballoonDefFormat(&childBuf, def->memballoon);
    for (i = 0; i < def->niommus; i++)
        virDomainIOMMUDefFormat(&childBuf, def->iommus[i]);

    virXMLFormatElement(buf, "devices", NULL, &childBuf);
}

/* ---- parse / format entry points ----------------------------------------- */

static const char *const virDomainTopChildren[] = {
    "name", "uuid", "title", "description", "metadata", "memory",
    "currentMemory", "vcpu", "iommufd", "os", "features", "cpu", "clock",
    "on_poweroff", "on_reboot", "on_crash", "devices", NULL
};

/* Every top-level element but <iommufd>, whose parser reports a second
 * one with libvirt's own message. */
static const char *const virDomainTopSingletons[] = {
    "name", "uuid", "title", "description", "metadata", "memory",
    "currentMemory", "vcpu", "os", "features", "cpu", "clock",
    "on_poweroff", "on_reboot", "on_crash", "devices", NULL
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
        if (node->type == XML_ELEMENT_NODE &&
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

/* The root has no parent element, and a namespaced child such as
 * <qemu:commandline> deserves its prefix in the message. */
static int
virDomainCheckRoot(xmlNodePtr root, GError **error)
{
    xmlAttrPtr attr;
    xmlNodePtr cur;

    for (attr = root->properties; attr; attr = attr->next) {
        if (!xmlStrEqual(attr->name, BAD_CAST "type"))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("attribute '%1$s' of element <domain> is not supported by libvirt-viommu; remove it"),
                                  (const char *)attr->name);
    }
    for (cur = root->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && cur->ns)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("element <%1$s:%2$s> (namespace '%3$s') in <domain> is not supported by libvirt-viommu; remove it"),
                                  cur->ns->prefix ? (const char *)cur->ns->prefix : "",
                                  (const char *)cur->name,
                                  (const char *)cur->ns->href);
    }
    return 0;
}

virDomainDef *
virDomainDefParseNode(xmlDocPtr doc, xmlNodePtr root, unsigned int flags,
                      GError **error)
{
    static const char *const attrs[] = { "type", NULL };
    g_autoptr(virDomainDef) def = virDomainDefNew();
    int virtType = 0;

    (void)doc;
    if (!xmlStrEqual(root->name, BAD_CAST "domain")) {
        virReportError(error, VIR_ERR_XML_ERROR,
                       _("expecting root element of '%1$s', not '%2$s'"),
                       "domain", (const char *)root->name);
        return NULL;
    }
    if (virDomainCheckRoot(root, error) < 0 ||
        virXMLCheckNode(root, attrs, virDomainTopChildren, error) < 0 ||
        virDomainCheckSingletons(root, virDomainTopSingletons, error) < 0 ||
        virXMLPropEnum(root, "type", virDomainVirtTypeFromString,
                       VIR_XML_PROP_REQUIRED, &virtType, error) < 0)
        return NULL;
    def->virtType = virtType;

    if (virDomainDefParseSections(root, def, error) < 0)
        return NULL;

    if (!(flags & VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE) &&
        (virDomainDefPostParse(def, error) < 0 ||
         virDomainDefValidate(def, error) < 0))
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
virDomainDefFormatGeneral(virBuffer *buf, const virDomainDef *def)
{
    virBufferEscapeString(buf, "<name>%s</name>\n", def->name);
    virBufferEscapeString(buf, "<uuid>%s</uuid>\n", def->uuid);
    virBufferEscapeString(buf, "<title>%s</title>\n", def->title);
    virBufferEscapeString(buf, "<description>%s</description>\n", def->description);
    virDomainMetadataFormat(buf, def->metadata);
    virBufferAsprintf(buf, "<memory unit='KiB'>%llu</memory>\n", def->memoryKiB);
    if (def->currentMemoryKiB)
        virBufferAsprintf(buf, "<currentMemory unit='KiB'>%llu</currentMemory>\n",
                          def->currentMemoryKiB);
    if (def->vcpus) {
        virBufferAddLit(buf, "<vcpu");
        virBufferEscapeString(buf, " placement='%s'", def->vcpuPlacement);
        virBufferAsprintf(buf, ">%u</vcpu>\n", def->vcpus);
    }
}

char *
virDomainDefFormat(const virDomainDef *def)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;

    virBufferAsprintf(&buf, "<domain type='%s'>\n",
                      virDomainVirtTypeToString(def->virtType));
    virBufferAdjustIndent(&buf, 2);
    virDomainDefFormatGeneral(&buf, def);
    /* libvirt writes <iommufd> between <vcpu> and <os> */
    virDomainIOMMUFDFormat(&buf, def);
    virDomainOsFormat(&buf, def);
    virDomainFeaturesFormat(&buf, def);
    virDomainCPUFormat(&buf, def);
    virDomainClockFormat(&buf, def);
    virDomainLifecycleFormat(&buf, "on_poweroff", def->onPoweroff);
    virDomainLifecycleFormat(&buf, "on_reboot", def->onReboot);
    virDomainLifecycleFormat(&buf, "on_crash", def->onCrash);
    virDomainDevicesFormat(&buf, def);
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</domain>\n");
    return virBufferContentAndReset(&buf);
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
    int idx = virDomainDiskNameToIndex(disk->dst, virDomainDiskBusPrefix(disk->bus));
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
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
        return g_strdup_printf("sata%d", ctrl->idx);
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
    case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
        break;
    }
    return g_strdup_printf("scsi%d", ctrl->idx);
}

static void
virDomainDefAssignAliases(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++)
        virDomainDeviceInfoSetAlias(&def->controllers[i]->info,
                                    virDomainControllerAlias(def->controllers[i]));
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

int
virDomainDefPostParse(virDomainDef *def, GError **error)
{
    size_t i;

    /* Disk aliases derive from the target name: check it first. */
    for (i = 0; i < def->ndisks; i++) {
        const virDomainDiskDef *disk = def->disks[i];
        const char *prefix = virDomainDiskBusPrefix(disk->bus);

        if (virDomainDiskNameToIndex(disk->dst, prefix) < 0)
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("disk target '%1$s' does not fit bus '%2$s': use '%3$s' followed by letters, like '%3$sa'"),
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

static int
virDomainDefValidateAddresses(GArray *devs, GError **error)
{
    size_t i, j;

    for (i = 0; i < devs->len; i++) {
        const virDomainDeviceRef *a = &g_array_index(devs, virDomainDeviceRef, i);
        g_autofree char *labelA = NULL;

        if (a->info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
            continue;
        labelA = virDomainDeviceRefLabel(a);
        if (a->info->pci.bus == 0 && a->info->pci.slot == 0)
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("PCI address of %1$s uses slot 0 of bus 0, which the host bridge occupies; use a slot from 0x01 to 0x1f"),
                                  labelA);
        for (j = 0; j < i; j++) {
            const virDomainDeviceRef *b = &g_array_index(devs, virDomainDeviceRef, j);
            g_autofree char *labelB = NULL;
            g_autofree char *addr = NULL;

            if (b->info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI ||
                !virPCIDeviceAddressEqual(&a->info->pci, &b->info->pci))
                continue;
            labelB = virDomainDeviceRefLabel(b);
            addr = virPCIDeviceAddressAsString(&a->info->pci);
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("PCI address %1$s is used by both %2$s and %3$s; give each device its own slot or function"),
                                  addr, labelB, labelA);
        }
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
    size_t i, j;

    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *ctrl = def->controllers[i];

        for (j = 0; j < i; j++) {
            if (def->controllers[j]->type == ctrl->type &&
                def->controllers[j]->idx == ctrl->idx)
                return virReportError(error, VIR_ERR_XML_ERROR,
                                      _("Multiple '%1$s' controllers with index '%2$d'"),
                                      virDomainControllerTypeToString(ctrl->type),
                                      ctrl->idx);
        }
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
    size_t i, j;

    for (i = 0; i < def->ndisks; i++) {
        if (virDomainDiskValidate(def->disks[i], error) < 0)
            return -1;
        for (j = 0; j < i; j++) {
            if (g_str_equal(def->disks[i]->dst, def->disks[j]->dst))
                return virReportError(error, VIR_ERR_XML_ERROR,
                                      _("target '%1$s' is used by more than one disk; give each disk its own <target dev>"),
                                      def->disks[i]->dst);
        }
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
