/*
 * device_conf.c: what every device has: guest address, user alias, ACPI
 *                index and <driver iommu= ats=>, parse and format
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "device_conf.h"
#include "virpci.h"

VIR_ENUM_IMPL(virDomainDeviceAddress, VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST,
              "none", "pci", "drive", "other");

#define VIR_DOMAIN_ACPI_INDEX_MAX 16383

/* Reject a second occurrence of any element child named in @names. */
int
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

/* Shapes of the device children every device may have */
static const char *const virDomainAddressAttrs[] = {
    "type", "domain", "bus", "slot", "function", "multifunction",
    "controller", "target", "unit", NULL
};
static const char *const virDomainAliasAttrs[] = { "name", NULL };
static const char *const virDomainAcpiAttrs[] = { "index", NULL };
const virXMLShape virDomainAddressShape = { "address", virDomainAddressAttrs, NULL, false };
const virXMLShape virDomainAliasShape = { "alias", virDomainAliasAttrs, NULL, false };
const virXMLShape virDomainAcpiShape = { "acpi", virDomainAcpiAttrs, NULL, false };

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

static guint
virPCIDeviceAddressHash(gconstpointer key)
{
    const virPCIDeviceAddress *a = key;

    return ((a->domain * 257u + a->bus) * 33u + a->slot) * 9u + a->function;
}

static gboolean
virPCIDeviceAddressHashEqual(gconstpointer a, gconstpointer b)
{
    return virPCIDeviceAddressEqual(a, b);
}

GHashTable *
virPCIDeviceAddressTableNew(void)
{
    return g_hash_table_new(virPCIDeviceAddressHash, virPCIDeviceAddressHashEqual);
}

static int
virPCIDeviceAddressParseField(xmlNodePtr node, const char *name,
                              unsigned int max, unsigned int *result,
                              GError **error)
{
    unsigned long long val = 0;
    /* read as 64 bits: a larger value must be refused, never wrapped */
    int rc = virXMLPropULongLong(node, name, 0, VIR_XML_PROP_NONE, &val, error);

    if (rc == 1 && val > max) {
        g_autofree char *raw = virXMLPropString(node, name);
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Invalid PCI address %1$s='%2$s' in <%3$s>: it must be at most 0x%4$x"),
                              name, raw, (const char *)node->parent->name, max);
    }
    if (rc == 1)
        *result = (unsigned int)val;
    return rc < 0 ? -1 : 0;
}

int
virPCIDeviceAddressParseXML(xmlNodePtr node, virPCIDeviceAddress *addr,
                            GError **error)
{
    g_autofree char *type = virXMLPropString(node, "type");

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
    if (virXMLPropUInt(node, "controller", 10, VIR_XML_PROP_NONE,
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
    g_autofree char *type = virXMLPropString(node, "type");

    if (g_strcmp0(type, "pci") == 0) {
        info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
        return virPCIDeviceAddressParseXML(node, &info->pci, error);
    }
    if (g_strcmp0(type, "drive") == 0) {
        info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE;
        return virDomainDeviceDriveAddressParseXML(node, &info->drive, error);
    }
    /* usb, virtio-serial, unassigned, ...: written back from the source */
    info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_OTHER;
    return 0;
}

static int
virDomainDeviceAliasParseXML(xmlNodePtr node, virDomainDeviceInfo *info,
                             GError **error)
{
    g_autofree char *name = NULL;
    const char *device = (const char *)node->parent->name;

    if (!(name = virXMLPropString(node, "name")))
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("Missing required attribute '%1$s' in element '%2$s'"),
                              "name", "alias");
    /* Only user aliases belong in a configuration: like libvirt, ignore any
     * other alias of an inactive definition (it is written back, unused). */
    if (!g_str_has_prefix(name, VIR_DOMAIN_USER_ALIAS_PREFIX))
        return 0;
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
    if (virXMLPropUInt(node, "index", 10,
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

    info->src = node;
    if (virDomainCheckSingletons(node, singles, error) < 0)
        return -1;
    if ((child = virXMLNodeGetChild(node, "driver")) &&
        (virXMLPropTristateSwitch(child, "iommu", VIR_XML_PROP_NONE,
                                  &info->driverIOMMU, error) < 0 ||
         virXMLPropTristateSwitch(child, "ats", VIR_XML_PROP_NONE,
                                  &info->driverATS, error) < 0))
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

static const char *const virDomainVirtioDriverAttrs[] = { "iommu", "ats", NULL };
const virXMLShape virDomainVirtioDriverShape = {
    "driver", virDomainVirtioDriverAttrs, NULL, false
};

void
virDomainVirtioDriverFormatAttrs(virBuffer *attrBuf, const virDomainDeviceInfo *info)
{
    if (info->driverIOMMU != VIR_TRISTATE_SWITCH_ABSENT)
        virBufferAsprintf(attrBuf, " iommu='%s'",
                          virTristateSwitchTypeToString(info->driverIOMMU));
    if (info->driverATS != VIR_TRISTATE_SWITCH_ABSENT)
        virBufferAsprintf(attrBuf, " ats='%s'",
                          virTristateSwitchTypeToString(info->driverATS));
}

void
virDomainVirtioDriverFormat(virBuffer *buf, const virDomainDeviceInfo *info)
{
    g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);
    xmlNodePtr driver = virXMLNodeGetChild(info->src, "driver");

    virDomainVirtioDriverFormatAttrs(&attrBuf, info);
    virXMLShapeFormatOpaqueAttrs(&attrBuf, driver, &virDomainVirtioDriverShape);
    virXMLShapeFormatOpaqueChildren(&childBuf, driver, &virDomainVirtioDriverShape);
    if (driver)
        virXMLFormatElementEmpty(buf, "driver", &attrBuf, &childBuf);
    else
        virXMLFormatElement(buf, "driver", &attrBuf, &childBuf);
}

void
virDomainDeviceInfoFormat(virBuffer *buf, const virDomainDeviceInfo *info)
{
    if (info->alias && info->aliasFromUser)
        virBufferEscapeString(buf, "<alias name='%s'/>\n", info->alias);
    else
        virXMLFormatChildrenNamed(buf, info->src, "alias");
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
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_OTHER:
        virXMLFormatChildrenNamed(buf, info->src, "address");
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
