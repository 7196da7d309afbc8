/*
 * hostprobe-bench.c: cost of the host IOMMU probe per device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Generates, in a temporary directory, a host tree with 8 VT-d units and
 * 256 PCI devices on vfio-pci (32 behind each unit; every other device with
 * a PASID capability), then times:
 *   - the probe of every vfio-pci device (sysfs links, config space walk);
 *   - formatting the hostcaps document;
 *   - parsing it back, RelaxNG validation included;
 *   - the probe of a single device asked for by address;
 *   - with the iommufd shim preloaded (LD_PRELOAD=tests/iommufdshim.so),
 *     the deep probe (open, bind, IOMMU_GET_HW_INFO, close) as well.
 * It prints numbers only; nothing is asserted.
 *
 * usage: hostprobe-bench [ITERATIONS]   (default 20)
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostiommu_conf.h"
#include "virhostiommu.h"

#define NUNITS 8
#define NDEVICES 256

static void
benchWrite(const char *root, const char *rel, const void *data, gssize len)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autoptr(GError) err = NULL;

    g_mkdir_with_parents(dir, 0755);
    if (!g_file_set_contents(path, data, len, &err)) {
        fprintf(stderr, "hostprobe-bench: %s\n", err->message);
        exit(EXIT_FAILURE);
    }
}

static void
benchLink(const char *root, const char *rel, const char *target)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    g_mkdir_with_parents(dir, 0755);
    if (symlink(target, path) < 0) {
        perror("hostprobe-bench: symlink");
        exit(EXIT_FAILURE);
    }
}

static void
benchPut32(guint8 *p, guint32 v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
    p[2] = (v >> 16) & 0xff;
    p[3] = v >> 24;
}

/* AER -> ATS [-> PASID] */
static void
benchConfig(guint8 *cfg, bool pasid)
{
    memset(cfg, 0, 4096);
    benchPut32(cfg, 0x8086 | (0x1500u << 16));
    benchPut32(cfg + 0x100, 0x0001 | (2u << 16) | (0x148u << 20));
    benchPut32(cfg + 0x148, 0x000F | (1u << 16) | ((pasid ? 0x150u : 0u) << 20));
    benchPut32(cfg + 0x14c, 0x0020);
    if (pasid) {
        benchPut32(cfg + 0x150, 0x001B | (1u << 16));
        benchPut32(cfg + 0x154, 0x1404 | (0x1u << 16));
    }
}

static char *
benchMakeTree(void)
{
    g_autoptr(GError) err = NULL;
    char *root = g_dir_make_tmp("hostprobe-bench-XXXXXX", &err);
    g_autofree char *drivers = NULL;
    guint8 cfg[4096];
    const char *shim = "type=1\nvtd-flags=0x1\nvtd-cap=0x19ed008c40780c66\n"
                       "vtd-ecap=0x3ef9ea6f050df\nmax-pasid-log2=20\ncapabilities=0x5\n";
    int u, d;

    if (!root) {
        fprintf(stderr, "hostprobe-bench: %s\n", err->message);
        exit(EXIT_FAILURE);
    }
    benchWrite(root, "proc/cmdline", "intel_iommu=on,sm_on\n", -1);
    benchWrite(root, "dev/iommu", "", 0);
    drivers = g_build_filename(root, "sys/bus/pci/drivers/vfio-pci", NULL);
    g_mkdir_with_parents(drivers, 0755);
    for (u = 0; u < NUNITS; u++) {
        g_autofree char *cap = g_strdup_printf("sys/devices/virtual/iommu/dmar%d/intel-iommu/cap", u);
        g_autofree char *ecap = g_strdup_printf("sys/devices/virtual/iommu/dmar%d/intel-iommu/ecap", u);
        g_autofree char *cls = g_strdup_printf("sys/class/iommu/dmar%d", u);
        g_autofree char *target = g_strdup_printf("../../devices/virtual/iommu/dmar%d", u);

        benchWrite(root, cap, "19ed008c40780c66\n", -1);
        benchWrite(root, ecap, u % 2 ? "3ef9ea6f050df\n" : "3ee9e86f050df\n", -1);
        benchLink(root, cls, target);
    }
    for (d = 0; d < NDEVICES; d++) {
        int unit = d / (NDEVICES / NUNITS);
        g_autofree char *bdf = g_strdup_printf("0000:%02x:%02x.0", 0x10 + d / 32, d % 32);
        g_autofree char *rel = g_strdup_printf("devices/pci0000:%02x/%s", 0x10 + d / 32, bdf);
        g_autofree char *dev = g_strdup_printf("sys/%s", rel);
        g_autofree char *p = NULL;
        g_autofree char *t = NULL;

        benchConfig(cfg, d % 2 == 0);
        p = g_strdup_printf("%s/config", dev);
        benchWrite(root, p, cfg, sizeof(cfg));
        g_free(p);
        p = g_strdup_printf("sys/bus/pci/devices/%s", bdf);
        t = g_strdup_printf("../../../%s", rel);
        benchLink(root, p, t);
        g_free(p);
        p = g_strdup_printf("%s/driver", dev);
        benchLink(root, p, "../../../bus/pci/drivers/vfio-pci");
        g_free(p);
        g_free(t);
        p = g_strdup_printf("%s/iommu_group", dev);
        t = g_strdup_printf("../../../kernel/iommu_groups/%d", d);
        benchLink(root, p, t);
        g_free(p);
        g_free(t);
        p = g_strdup_printf("%s/iommu", dev);
        t = g_strdup_printf("../../virtual/iommu/dmar%d", unit);
        benchLink(root, p, t);
        g_free(p);
        p = g_strdup_printf("%s/vfio-dev/vfio%d/dev", dev, d);
        benchWrite(root, p, "511:0\n", -1);
        g_free(p);
        p = g_strdup_printf("dev/vfio/devices/vfio%d", d);
        benchWrite(root, p, shim, -1);
    }
    return root;
}

static void
benchRemoveTree(const char *path)
{
    g_autoptr(GDir) dir = NULL;
    const char *name;

    if (g_file_test(path, G_FILE_TEST_IS_SYMLINK) ||
        !g_file_test(path, G_FILE_TEST_IS_DIR)) {
        unlink(path);
        return;
    }
    if ((dir = g_dir_open(path, 0, NULL))) {
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            benchRemoveTree(child);
        }
    }
    rmdir(path);
}

static virHostIOMMU *
benchProbe(const char *root, const char *const *devices, bool deep)
{
    g_autoptr(GError) err = NULL;
    virHostIOMMU *host = virHostIOMMUProbe(root, devices, deep, &err);

    if (!host) {
        fprintf(stderr, "hostprobe-bench: %s\n", err->message);
        exit(EXIT_FAILURE);
    }
    return host;
}

static void
benchReport(const char *what, double seconds, int iterations, int perIteration)
{
    double per = seconds * 1e6 / ((double)iterations * perIteration);

    printf("%-44s %8.1f ms total  %8.2f us per device\n",
           what, seconds * 1e3, per);
}

int
main(int argc, char **argv)
{
    int iterations = argc > 1 ? atoi(argv[1]) : 20;
    g_autofree char *root = NULL;
    g_autoptr(GTimer) timer = g_timer_new();
    g_autofree char *xml = NULL;
    const char *const one[] = { "0000:17:05.0", NULL };
    bool shim = dlsym(RTLD_DEFAULT, "iommufdShimOpenCount") != NULL;
    size_t ndev = 0;
    int i;

    if (iterations <= 0)
        iterations = 20;
    g_timer_start(timer);
    root = benchMakeTree();
    printf("tree: %d units, %d devices, generated in %.1f ms; %d iterations\n",
           NUNITS, NDEVICES, g_timer_elapsed(timer, NULL) * 1e3, iterations);

    g_timer_start(timer);
    for (i = 0; i < iterations; i++) {
        g_autoptr(virHostIOMMU) host = benchProbe(root, NULL, false);
        ndev = host->ndevices;
    }
    benchReport("probe (all vfio-pci devices)", g_timer_elapsed(timer, NULL),
                iterations, (int)ndev);

    {
        g_autoptr(virHostIOMMU) host = benchProbe(root, NULL, false);

        g_timer_start(timer);
        for (i = 0; i < iterations; i++) {
            g_free(xml);
            xml = virHostIOMMUFormat(host);
        }
        benchReport("format hostcaps document", g_timer_elapsed(timer, NULL),
                    iterations, (int)host->ndevices);
    }

    g_timer_start(timer);
    for (i = 0; i < iterations; i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(virHostIOMMU) parsed = virHostIOMMUParseString(xml, &err);

        if (!parsed) {
            fprintf(stderr, "hostprobe-bench: %s\n", err->message);
            return EXIT_FAILURE;
        }
    }
    benchReport("parse + RelaxNG validation", g_timer_elapsed(timer, NULL),
                iterations, (int)ndev);

    g_timer_start(timer);
    for (i = 0; i < iterations * 10; i++)
        virHostIOMMUFree(benchProbe(root, one, false));
    benchReport("probe of one device by address", g_timer_elapsed(timer, NULL),
                iterations * 10, 1);

    if (shim) {
        g_timer_start(timer);
        for (i = 0; i < iterations; i++)
            virHostIOMMUFree(benchProbe(root, NULL, true));
        benchReport("deep probe through the iommufd shim", g_timer_elapsed(timer, NULL),
                    iterations, (int)ndev);
    } else {
        printf("deep probe: skipped (preload tests/iommufdshim.so to time it)\n");
    }

    benchRemoveTree(root);
    return EXIT_SUCCESS;
}
