/*
 * virpci.c: PCI device facts from sysfs and from the config space file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "virerror.h"
#include "virfile.h"
#include "virpci.h"

#define VIR_PCI_SYSFS_DEVICES "sys/bus/pci/devices"

/* Split @addr into its hexadecimal parts: "dddd:bb:ss.f" or "bb:ss.f".
 * Each part is read as a 64-bit number, so that an out of range value is
 * seen as such instead of wrapping. */
static bool
virPCIAddressSplit(const char *addr, guint64 parts[4])
{
    const char *p = addr;
    const char seps[] = { ':', ':', '.', '\0' };
    guint64 vals[4];
    size_t n = 0;
    size_t i;

    if (!addr || !*addr)
        return false;
    while (true) {
        const char *start = p;
        guint64 v = 0;

        while (g_ascii_isxdigit(*p)) {
            /* more than 16 digits cannot be a part of a PCI address */
            if (p - start >= 16)
                return false;
            v = (v << 4) | g_ascii_xdigit_value(*p);
            p++;
        }
        if (p == start || n == 4)
            return false;
        vals[n++] = v;
        if (*p == '\0')
            break;
        if (*p != ':' && *p != '.')
            return false;
        p++;
    }
    /* "bb:ss.f" means domain 0 */
    if (n == 3) {
        vals[3] = vals[2];
        vals[2] = vals[1];
        vals[1] = vals[0];
        vals[0] = 0;
    } else if (n != 4) {
        return false;
    }
    /* check the separators: the last one is '.', the others ':' */
    for (i = 0, p = addr; *p; p++) {
        if (*p == ':' || *p == '.') {
            if (*p != seps[(n == 3 ? 1 : 0) + i])
                return false;
            i++;
        }
    }
    memcpy(parts, vals, sizeof(vals));
    return true;
}

char *
virPCIAddressParse(const char *addr, GError **error)
{
    static const char *const names[] = { "domain", "bus", "slot", "function" };
    static const char *const maxStr[] = { "0xFFFF", "0xFF", "0x1F", "0x7" };
    static const guint64 max[] = { 0xffff, 0xff, 0x1f, 0x7 };
    guint64 parts[4];
    size_t i;

    if (!virPCIAddressSplit(addr, parts)) {
        virReportError(error, VIR_ERR_INVALID_ARG,
                       _("'%1$s' is not a PCI address (expected DDDD:BB:SS.F)"),
                       addr ? addr : "");
        return NULL;
    }
    for (i = 0; i < 4; i++) {
        if (parts[i] > max[i]) {
            virReportError(error, VIR_ERR_INVALID_ARG,
                           _("Invalid PCI address %1$s='0x%2$llx' in '%3$s', must be <= %4$s"),
                           names[i], (unsigned long long)parts[i], addr,
                           maxStr[i]);
            return NULL;
        }
    }
    return virPCIAddressFormat(parts[0], parts[1], parts[2], parts[3]);
}

char *
virPCIAddressNormalize(const char *addr)
{
    return virPCIAddressParse(addr, NULL);
}

char *
virPCIAddressFormat(unsigned int domain, unsigned int bus, unsigned int slot,
                    unsigned int function)
{
    return g_strdup_printf("%04x:%02x:%02x.%x", domain, bus, slot, function);
}

char *
virPCIDeviceSysfsPath(const char *root, const char *addr)
{
    return g_build_filename(root ? root : "/", VIR_PCI_SYSFS_DEVICES,
                            addr, NULL);
}

bool
virPCIDeviceExists(const char *root, const char *addr)
{
    g_autofree char *path = virPCIDeviceSysfsPath(root, addr);

    return g_file_test(path, G_FILE_TEST_IS_DIR);
}

/* Basename of the target of the symlink ROOT/.../@addr/@link */
static char *
virPCIDeviceLinkBasename(const char *root, const char *addr, const char *link)
{
    g_autofree char *dir = virPCIDeviceSysfsPath(root, addr);
    g_autofree char *path = g_build_filename(dir, link, NULL);
    g_autofree char *target = g_file_read_link(path, NULL);

    if (!target)
        return NULL;
    return g_path_get_basename(target);
}

char *
virPCIDeviceGetDriver(const char *root, const char *addr)
{
    return virPCIDeviceLinkBasename(root, addr, "driver");
}

int
virPCIDeviceGetIOMMUGroup(const char *root, const char *addr)
{
    g_autofree char *name = virPCIDeviceLinkBasename(root, addr, "iommu_group");
    char *end = NULL;
    unsigned long val;

    if (!name)
        return -1;
    errno = 0;
    val = strtoul(name, &end, 10);
    if (errno || end == name || *end || val > G_MAXINT)
        return -1;
    return (int)val;
}

char *
virPCIDeviceGetIOMMUUnit(const char *root, const char *addr)
{
    return virPCIDeviceLinkBasename(root, addr, "iommu");
}

char *
virPCIDeviceGetPhysfn(const char *root, const char *addr)
{
    return virPCIDeviceLinkBasename(root, addr, "physfn");
}

char *
virPCIDeviceGetVFIODevName(const char *root, const char *addr)
{
    g_autofree char *dev = virPCIDeviceSysfsPath(root, addr);
    g_autofree char *dir = g_build_filename(dev, "vfio-dev", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    if (!d)
        return NULL;
    /* the kernel creates exactly one "vfioN" entry per device */
    while ((name = g_dir_read_name(d))) {
        if (g_str_has_prefix(name, "vfio") && name[4] &&
            strspn(name + 4, "0123456789") == strlen(name + 4))
            return g_strdup(name);
    }
    return NULL;
}

static gint
virPCICompareStrings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static GStrv
virPCIListDir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    if (d) {
        while ((name = g_dir_read_name(d))) {
            g_autofree char *norm = virPCIAddressNormalize(name);

            /* only canonical names: the kernel never writes others */
            if (norm && strcmp(norm, name) == 0)
                g_ptr_array_add(names, g_strdup(name));
        }
    }
    g_ptr_array_sort(names, virPCICompareStrings);
    g_ptr_array_add(names, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

GStrv
virPCIListDevices(const char *root)
{
    g_autofree char *dir = g_build_filename(root ? root : "/",
                                            VIR_PCI_SYSFS_DEVICES, NULL);

    return virPCIListDir(dir);
}

GStrv
virPCIIOMMUGroupDevices(const char *root, int group)
{
    g_autofree char *num = g_strdup_printf("%d", group);
    g_autofree char *dir = g_build_filename(root ? root : "/",
                                            "sys/kernel/iommu_groups", num,
                                            "devices", NULL);

    return virPCIListDir(dir);
}

gssize
virPCIConfigRead(const char *root, const char *addr, guint8 **data,
                 GError **error)
{
    g_autofree char *dir = virPCIDeviceSysfsPath(root, addr);
    g_autofree char *path = g_build_filename(dir, "config", NULL);
    char *buf = NULL;
    size_t len = 0;

    /* the kernel's "config" attribute is a regular file, never a link */
    if (virFileReadBounded(path, VIR_PCI_CONFIG_SIZE_EXT,
                           VIR_FILE_READ_NOFOLLOW, &buf, &len, error) < 0)
        return -1;
    *data = (guint8 *)buf;
    return (gssize)len;
}

static guint32
virPCIConfigRead32(const guint8 *cfg, size_t len, unsigned int off)
{
    if (off + 4 > len)
        return 0;
    /* config space is little endian */
    return (guint32)cfg[off] | ((guint32)cfg[off + 1] << 8) |
           ((guint32)cfg[off + 2] << 16) | ((guint32)cfg[off + 3] << 24);
}

static guint16
virPCIConfigRead16(const guint8 *cfg, size_t len, unsigned int off)
{
    if (off + 2 > len)
        return 0;
    return (guint16)(cfg[off] | (cfg[off + 1] << 8));
}

unsigned int
virPCIConfigFindExtCap(const guint8 *cfg, size_t len, unsigned int id)
{
    unsigned int off = VIR_PCI_CONFIG_EXT_START;
    /* each capability takes at least 4 bytes: more hops means a loop */
    unsigned int ttl = (VIR_PCI_CONFIG_SIZE_EXT - VIR_PCI_CONFIG_EXT_START) / 4;

    while (off >= VIR_PCI_CONFIG_EXT_START && off + 4 <= len && ttl-- > 0) {
        guint32 hdr = virPCIConfigRead32(cfg, len, off);

        /* an all-zero or all-one header means no extended capabilities */
        if (hdr == 0 || hdr == 0xffffffff)
            return 0;
        if ((hdr & 0xffff) == id)
            return off;
        off = (hdr >> 20) & 0xffc;
    }
    return 0;
}

void
virPCIConfigParseExtCaps(const guint8 *cfg, size_t len, virPCIExtCaps *caps)
{
    unsigned int off;

    memset(caps, 0, sizeof(*caps));

    if ((off = virPCIConfigFindExtCap(cfg, len, VIR_PCI_EXT_CAP_ID_PASID))) {
        guint16 cap = virPCIConfigRead16(cfg, len, off + 4);
        guint16 ctl = virPCIConfigRead16(cfg, len, off + 6);

        caps->pasid.present = true;
        caps->pasid.offset = off;
        caps->pasid.exec = !!(cap & 0x2);
        caps->pasid.priv = !!(cap & 0x4);
        caps->pasid.maxWidth = (cap >> 8) & 0x1f;
        caps->pasid.enabled = !!(ctl & 0x1);
        caps->pasid.execEnabled = !!(ctl & 0x2);
        caps->pasid.privEnabled = !!(ctl & 0x4);
    }
    if ((off = virPCIConfigFindExtCap(cfg, len, VIR_PCI_EXT_CAP_ID_ATS))) {
        guint16 cap = virPCIConfigRead16(cfg, len, off + 4);
        guint16 ctl = virPCIConfigRead16(cfg, len, off + 6);
        unsigned int depth = cap & 0x1f;

        caps->ats.present = true;
        caps->ats.offset = off;
        caps->ats.invalidateQueueDepth = depth ? depth : 32;
        caps->ats.pageAligned = !!(cap & 0x20);
        caps->ats.enabled = !!(ctl & 0x8000);
    }
    if ((off = virPCIConfigFindExtCap(cfg, len, VIR_PCI_EXT_CAP_ID_PRI))) {
        guint16 ctl = virPCIConfigRead16(cfg, len, off + 4);
        guint16 sta = virPCIConfigRead16(cfg, len, off + 6);

        caps->pri.present = true;
        caps->pri.offset = off;
        caps->pri.enabled = !!(ctl & 0x1);
        caps->pri.pasidRequired = !!(sta & 0x8000);
    }
}
