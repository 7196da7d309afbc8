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
#include "virpci.h"

#define VIR_PCI_SYSFS_DEVICES "sys/bus/pci/devices"

char *
virPCIAddressNormalize(const char *addr)
{
    unsigned int domain = 0, bus, slot, func;
    int consumed = 0;
    const char *p;

    if (!addr || !*addr)
        return NULL;
    /* sscanf accepts signs, spaces and "0x": insist on plain hex digits */
    for (p = addr; *p; p++) {
        if (!g_ascii_isxdigit(*p) && *p != ':' && *p != '.')
            return NULL;
    }
    if (sscanf(addr, "%x:%x:%x.%x%n", &domain, &bus, &slot, &func,
               &consumed) != 4 || addr[consumed] != '\0') {
        /* the short form "bb:ss.f" means domain 0 */
        domain = 0;
        consumed = 0;
        if (sscanf(addr, "%x:%x.%x%n", &bus, &slot, &func, &consumed) != 3 ||
            addr[consumed] != '\0')
            return NULL;
    }
    if (domain > 0xffff || bus > 0xff || slot > 0x1f || func > 7)
        return NULL;
    return virPCIAddressFormat(domain, bus, slot, func);
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
    g_autofree guint8 *buf = g_new0(guint8, VIR_PCI_CONFIG_SIZE_EXT);
    size_t got = 0;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        virReportSystemError(error, errno,
                             _("cannot open PCI config space '%1$s'"), path);
        return -1;
    }
    while (got < VIR_PCI_CONFIG_SIZE_EXT) {
        ssize_t r = read(fd, buf + got, VIR_PCI_CONFIG_SIZE_EXT - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int saved = errno;

            close(fd);
            virReportSystemError(error, saved,
                                 _("cannot read PCI config space '%1$s'"),
                                 path);
            return -1;
        }
        if (r == 0)
            break;
        got += r;
    }
    close(fd);
    *data = g_steal_pointer(&buf);
    return (gssize)got;
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
