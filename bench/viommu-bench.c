/*
 * viommu-bench.c: how long the checking pipeline and the command line of a
 *                 domain with one vIOMMU and many assigned devices take
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Subcommands (bench/run-bench.sh drives them; see bench/README.md):
 *
 *   mkhost --tree DIR --host-out FILE [--domain FILE]
 *       Write a captured host tree (sysfs, devfs, proc: only the kernel
 *       boundary is made up) that holds every PCI hostdev of the domain
 *       behind one Intel VT-d unit with nesting and 20-bit PASID, probe it
 *       with the project's own probe, write the hostcaps document with the
 *       project's formatter and read it back through the schema.
 *
 *   inprocess --domain FILE --qemu-caps FILE (--host FILE | --host-root DIR)
 *             [-n N] [--warmup W]
 *       N times: parse + every check (qemuDomainPrepareString) +
 *       qemuBuildCommandLine + qemuCommandLineToString, timed as a whole and
 *       in those three parts. Then N times the same checks called one by
 *       one through their public functions, in qemuDomainPrepareString's
 *       order, to show where the checking time goes (label <label>.stage.*).
 *
 *   spawn [-n M] [--first-apart] [--output FILE] -- COMMAND ARGS...
 *       Run a command M times (stdout to FILE for the first run, then to
 *       /dev/null) and time each whole process. With --first-apart the
 *       first run is reported on its own (a cold cache) and the others
 *       make the statistics.
 *
 * Every result is one line:
 *   RESULT <label> n=<runs> min_us=<..> median_us=<..> mean_us=<..> \
 *          max_us=<..> [devices=<k> per_device_median_us=<..> ...]
 * so that scripts can pick numbers without guessing. Nothing here judges
 * the numbers: a benchmark measures, it does not assert.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "domain_conf.h"
#include "hostiommu_conf.h"
#include "qemu_capabilities.h"
#include "qemu_command.h"
#include "qemu_domain_prepare.h"
#include "qemu_postparse.h"
#include "qemu_validate.h"
#include "qemu_viommu.h"
#include "virhostiommu.h"
#include "virxml.h"
#include "virxmlopaque.h"

#define BENCH_DEFAULT_ITERATIONS 2000
#define BENCH_DEFAULT_WARMUP 20
#define BENCH_DEFAULT_SPAWNS 200

/* ---- timing and statistics ------------------------------------------- */

static double
benchNowUs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
benchCompareDouble(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

typedef struct {
    size_t n;
    double min, median, mean, max;
} benchStats;

/* Sorts @samples in place */
static benchStats
benchStatsCompute(double *samples, size_t n)
{
    benchStats st = { 0 };
    double sum = 0;
    size_t i;

    if (n == 0)
        return st;
    qsort(samples, n, sizeof(double), benchCompareDouble);
    for (i = 0; i < n; i++)
        sum += samples[i];
    st.n = n;
    st.min = samples[0];
    st.max = samples[n - 1];
    st.mean = sum / n;
    st.median = n % 2 ? samples[n / 2]
                      : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    return st;
}

/* One RESULT line; per-device figures when @devices > 0 */
static void
benchPrintResult(const char *label, double *samples, size_t n, size_t devices)
{
    benchStats st = benchStatsCompute(samples, n);

    printf("RESULT %s n=%zu min_us=%.1f median_us=%.1f mean_us=%.1f max_us=%.1f",
           label, st.n, st.min, st.median, st.mean, st.max);
    if (devices > 0)
        printf(" devices=%zu per_device_min_us=%.2f per_device_median_us=%.2f"
               " per_device_mean_us=%.2f",
               devices, st.min / devices, st.median / devices,
               st.mean / devices);
    printf("\n");
    fflush(stdout);
}

/* ---- mkhost: a captured host tree for the domain's hostdevs ---------- */

/* Registers of a Sapphire Rapids VT-d unit that has PASID (20 bits),
 * scalable mode, both translation stages, nesting and dirty tracking. */
#define BENCH_VTD_CAP  "19ed008c40780c66"
#define BENCH_VTD_ECAP "3ef9ea6f050df"
#define BENCH_UNIT "dmar0"
#define BENCH_OSRELEASE "6.12.38+deb13-amd64"
/* the first IOMMU group and vfio cdev number handed out */
#define BENCH_GROUP_BASE 40

/* PCI config space: header, PCIe capability, ATS and PASID (width 20,
 * execute and privileged modes) as extended capabilities. */
#define CFG_SIZE 4096

static void
benchPut16(guint8 *cfg, size_t off, unsigned int v)
{
    cfg[off] = v & 0xff;
    cfg[off + 1] = (v >> 8) & 0xff;
}

static void
benchPut32(guint8 *cfg, size_t off, unsigned int v)
{
    benchPut16(cfg, off, v & 0xffff);
    benchPut16(cfg, off + 2, v >> 16);
}

static void
benchConfigSpace(guint8 *cfg)
{
    const unsigned int ats = 0x100;
    const unsigned int pasid = 0x108;

    memset(cfg, 0, CFG_SIZE);
    benchPut16(cfg, 0x00, 0x8086);          /* vendor */
    benchPut16(cfg, 0x02, 0x0b25);          /* device */
    benchPut16(cfg, 0x06, 0x0010);          /* status: capability list */
    benchPut32(cfg, 0x08, 0x088000 << 8);   /* class: system peripheral */
    cfg[0x34] = 0x40;
    cfg[0x40] = 0x10;                       /* PCI Express, endpoint */
    benchPut16(cfg, 0x42, 0x0002);
    /* extended header: ID | version << 16 | next << 20 */
    benchPut32(cfg, ats, 0x000F | (1 << 16) | (pasid << 20));
    benchPut16(cfg, ats + 4, 0x0020);       /* page-aligned requests */
    benchPut32(cfg, pasid, 0x001B | (1 << 16));
    benchPut16(cfg, pasid + 4, 0x2 | 0x4 | (20 << 8));
}

static bool
benchWrite(const char *root, const char *rel, const void *data, gssize len,
           GError **error)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    if (g_mkdir_with_parents(dir, 0755) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot create %s: %s", dir, g_strerror(errno));
        return false;
    }
    return g_file_set_contents(path, data, len, error);
}

static bool
benchSymlink(const char *root, const char *rel, const char *target,
             GError **error)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    if (g_mkdir_with_parents(dir, 0755) < 0 ||
        symlink(target, path) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot create %s: %s", path, g_strerror(errno));
        return false;
    }
    return true;
}

static bool
benchMkdir(const char *root, const char *rel, GError **error)
{
    g_autofree char *path = g_build_filename(root, rel, NULL);

    if (g_mkdir_with_parents(path, 0755) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot create %s: %s", path, g_strerror(errno));
        return false;
    }
    return true;
}

/* The kernel side shared by all devices: one VT-d unit in scalable mode,
 * iommufd, vfio-pci. */
static bool
benchTreeKernel(const char *root, GError **error)
{
    return benchWrite(root, "proc/cmdline",
                      "BOOT_IMAGE=/boot/vmlinuz-" BENCH_OSRELEASE
                      " ro intel_iommu=on,sm_on iommu=pt\n", -1, error) &&
        benchWrite(root, "proc/sys/kernel/osrelease",
                   BENCH_OSRELEASE "\n", -1, error) &&
        benchWrite(root, "dev/iommu", "", 0, error) &&
        benchMkdir(root, "sys/bus/pci/drivers/vfio-pci", error) &&
        benchWrite(root, "sys/devices/virtual/iommu/" BENCH_UNIT "/intel-iommu/cap",
                   BENCH_VTD_CAP "\n", -1, error) &&
        benchWrite(root, "sys/devices/virtual/iommu/" BENCH_UNIT "/intel-iommu/ecap",
                   BENCH_VTD_ECAP "\n", -1, error) &&
        benchWrite(root, "sys/devices/virtual/iommu/" BENCH_UNIT "/intel-iommu/version",
                   "6:0\n", -1, error) &&
        benchSymlink(root, "sys/class/iommu/" BENCH_UNIT,
                     "../../devices/virtual/iommu/" BENCH_UNIT, error);
}

/* One PCI function @addr ("0000:20:00.0") bound to vfio-pci, alone in
 * IOMMU group @group, with the VFIO cdev vfio@group */
static bool
benchTreeDevice(const char *root, const char *addr, const guint8 *cfg,
                unsigned int group, GError **error)
{
    g_autofree char *hostBridge = g_strdup_printf("pci%.7s", addr);
    g_autofree char *devRel = g_strdup_printf("sys/devices/%s/%s", hostBridge, addr);
    g_autofree char *rel = NULL;
    g_autofree char *target = NULL;
    g_autofree char *cdev = g_strdup_printf("vfio%u", group);
    g_autofree char *majmin = g_strdup_printf("237:%u\n", group);

#define BENCH_REL(...) (g_free(rel), rel = g_strdup_printf(__VA_ARGS__))
#define BENCH_TARGET(...) (g_free(target), target = g_strdup_printf(__VA_ARGS__))
    if (!benchWrite(root, BENCH_REL("%s/config", devRel), cfg, CFG_SIZE, error) ||
        !benchSymlink(root, BENCH_REL("%s/driver", devRel),
                      "../../../bus/pci/drivers/vfio-pci", error) ||
        !benchSymlink(root, BENCH_REL("%s/iommu", devRel),
                      "../../virtual/iommu/" BENCH_UNIT, error) ||
        !benchSymlink(root, BENCH_REL("%s/iommu_group", devRel),
                      BENCH_TARGET("../../../kernel/iommu_groups/%u", group), error) ||
        !benchWrite(root, BENCH_REL("%s/vfio-dev/%s/dev", devRel, cdev),
                    majmin, -1, error) ||
        !benchSymlink(root, BENCH_REL("sys/bus/pci/devices/%s", addr),
                      BENCH_TARGET("../../../devices/%s/%s", hostBridge, addr), error) ||
        !benchWrite(root, BENCH_REL("sys/kernel/iommu_groups/%u/type", group),
                    "DMA\n", -1, error) ||
        !benchSymlink(root, BENCH_REL("sys/kernel/iommu_groups/%u/devices/%s", group, addr),
                      BENCH_TARGET("../../../../devices/%s/%s", hostBridge, addr), error) ||
        !benchWrite(root, BENCH_REL("dev/vfio/devices/%s", cdev), "", 0, error))
        return false;
#undef BENCH_REL
#undef BENCH_TARGET
    return true;
}

static int
benchCmdMkhost(int argc, char **argv)
{
    g_autofree char *tree = NULL;
    g_autofree char *hostOut = NULL;
    g_autofree char *domain = NULL;
    GOptionEntry entries[] = {
        { "tree", 0, 0, G_OPTION_ARG_FILENAME, &tree,
          "directory to create the captured host tree in (must not exist)", "DIR" },
        { "host-out", 0, 0, G_OPTION_ARG_FILENAME, &hostOut,
          "where to write the hostcaps document", "FILE" },
        { "domain", 0, 0, G_OPTION_ARG_FILENAME, &domain,
          "domain whose PCI hostdevs the host holds", "FILE" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- write a captured host tree and its hostcaps document");
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_auto(GStrv) addrs = NULL;
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(virHostIOMMU) back = NULL;
    g_autofree char *doc = NULL;
    guint8 cfg[CFG_SIZE];
    size_t i;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err))
        goto error;
    if (!tree || !hostOut || !domain) {
        g_printerr("mkhost: --tree, --host-out and --domain are required\n");
        return 2;
    }
    if (g_file_test(tree, G_FILE_TEST_EXISTS)) {
        g_printerr("mkhost: %s already exists\n", tree);
        return 2;
    }

    /* the domain's own parser says which devices the host must hold */
    if (!g_file_get_contents(domain, &xml, NULL, &err) ||
        !(def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_NONE, &err)))
        goto error;
    addrs = virDomainDefHostdevAddresses(def);

    benchConfigSpace(cfg);
    if (!benchTreeKernel(tree, &err))
        goto error;
    for (i = 0; addrs[i]; i++) {
        if (!benchTreeDevice(tree, addrs[i], cfg, BENCH_GROUP_BASE + i, &err))
            goto error;
    }

    /* the project's probe, formatter and schema-checked parser */
    if (!(host = virHostIOMMUProbe(tree, (const char *const *)addrs, false, &err)))
        goto error;
    doc = virHostIOMMUFormat(host);
    if (!g_file_set_contents(hostOut, doc, -1, &err) ||
        !(back = virHostIOMMUParseFile(hostOut, &err)))
        goto error;
    for (i = 0; i < back->ndevices; i++) {
        if (!back->devices[i]->present || back->devices[i]->error) {
            g_printerr("mkhost: device %s is not usable in the generated tree: %s\n",
                       back->devices[i]->address,
                       back->devices[i]->error ? back->devices[i]->error : "absent");
            return 1;
        }
    }
    printf("mkhost: %zu devices behind %zu unit(s) in %s; hostcaps document %s\n",
           back->ndevices, back->nunits, tree, hostOut);
    return 0;

 error:
    g_printerr("mkhost: %s\n", err ? err->message : "failed");
    return 1;
}

/* ---- inprocess: the pipeline in this process ------------------------- */

/* One iteration; false with @error when the domain does not pass */
static bool
benchRunOnce(const char *xml, const char *path,
             const qemuDomainPrepareOptions *opts,
             double *tPrepare, double *tBuild, double *tFormat,
             size_t *outLen, size_t *ndevices, GError **error)
{
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(qemuCommandLine) cmd = NULL;
    g_autofree char *line = NULL;
    double t0, t1, t2, t3;

    t0 = benchNowUs();
    if (!(prep = qemuDomainPrepareString(xml, path, opts, error)))
        return false;
    t1 = benchNowUs();
    if (!(cmd = qemuBuildCommandLine(prep->def, prep->caps, error)))
        return false;
    t2 = benchNowUs();
    line = qemuCommandLineToString(cmd);
    t3 = benchNowUs();

    *tPrepare = t1 - t0;
    *tBuild = t2 - t1;
    *tFormat = t3 - t2;
    *outLen = strlen(line);
    *ndevices = prep->def->nhostdevs;
    return true;
}

/* The stages of qemuDomainPrepareString, called one by one in its order
 * (XML, domain parser, schema, QEMU caps, QEMU define-time completion and
 * addresses, QEMU validation, host, host validation), so that the breakdown covers the same work. */
typedef enum {
    BENCH_STAGE_XML = 0,
    BENCH_STAGE_DOMAIN,
    BENCH_STAGE_SCHEMA,
    BENCH_STAGE_QEMU_CAPS,
    BENCH_STAGE_QEMU_POSTPARSE,
    BENCH_STAGE_QEMU_VALIDATE,
    BENCH_STAGE_HOST,
    BENCH_STAGE_HOST_VALIDATE,
    BENCH_STAGE_LAST
} benchStage;

static const char *const benchStageNames[BENCH_STAGE_LAST] = {
    "xml-parse", "domain-parse", "domain-schema", "qemu-caps",
    "qemu-postparse", "qemu-validate", "host", "host-validate",
};

static bool
benchRunStages(const char *xml, const char *path,
               const qemuDomainPrepareOptions *opts,
               double t[BENCH_STAGE_LAST], GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virHostIOMMU) host = NULL;
    g_auto(GStrv) addrs = NULL;
    double t0 = benchNowUs(), t1;

#define BENCH_LAP(stage) \
    (t1 = benchNowUs(), t[stage] = t1 - t0, t0 = t1)
    if (!(doc = virXMLParse(path, xml, "domain", error)))
        return false;
    BENCH_LAP(BENCH_STAGE_XML);
    if (!(def = virDomainDefParseNode(doc, xmlDocGetRootElement(doc),
                                      VIR_DOMAIN_DEF_PARSE_SKIP_SCHEMA, error)))
        return false;
    BENCH_LAP(BENCH_STAGE_DOMAIN);
    if (virXMLValidateDomainSuperset(doc, NULL, error) < 0)
        return false;
    BENCH_LAP(BENCH_STAGE_SCHEMA);
    if (!(caps = qemuDomainPrepareCaps(opts, def->emulator, def->arch, error)))
        return false;
    BENCH_LAP(BENCH_STAGE_QEMU_CAPS);
    if (qemuDomainDefPostParse(def, caps, error) < 0)
        return false;
    BENCH_LAP(BENCH_STAGE_QEMU_POSTPARSE);
    if (qemuValidateDomainDef(def, caps, error) < 0)
        return false;
    BENCH_LAP(BENCH_STAGE_QEMU_VALIDATE);
    /* the address list is part of the host stage, as in the pipeline */
    addrs = virDomainDefHostdevAddresses(def);
    if (!(host = qemuDomainPrepareHost(opts, (const char *const *)addrs, error)))
        return false;
    BENCH_LAP(BENCH_STAGE_HOST);
    if (qemuViommuValidateHost(def, host, error) < 0)
        return false;
    BENCH_LAP(BENCH_STAGE_HOST_VALIDATE);
#undef BENCH_LAP
    return true;
}

static bool
benchStages(const char *label, const char *xml, const char *path,
            const qemuDomainPrepareOptions *opts, gint iterations,
            GError **error)
{
    g_autofree double *samples = g_new0(double, (size_t)iterations * BENCH_STAGE_LAST);
    double sum[BENCH_STAGE_LAST] = { 0 };
    double total = 0;
    size_t s;
    gint i;

    for (i = 0; i < iterations; i++) {
        double t[BENCH_STAGE_LAST];

        if (!benchRunStages(xml, path, opts, t, error))
            return false;
        for (s = 0; s < BENCH_STAGE_LAST; s++) {
            samples[s * iterations + i] = t[s];
            sum[s] += t[s];
            total += t[s];
        }
    }
    printf("# %s.stage: the checks of qemuDomainPrepareString one by one "
           "(share of their summed mean time)\n", label);
    for (s = 0; s < BENCH_STAGE_LAST; s++) {
        g_autofree char *lbl = g_strdup_printf("%s.stage.%s", label,
                                               benchStageNames[s]);

        printf("# %-40s %5.1f%%\n", lbl, total > 0 ? 100 * sum[s] / total : 0);
        benchPrintResult(lbl, samples + s * iterations, iterations, 0);
    }
    return true;
}

static int
benchCmdInprocess(int argc, char **argv)
{
    g_autofree char *domain = NULL;
    g_autofree char *qemuCaps = NULL;
    g_autofree char *hostFile = NULL;
    g_autofree char *hostRoot = NULL;
    g_autofree char *label = NULL;
    gint iterations = BENCH_DEFAULT_ITERATIONS;
    gint warmup = BENCH_DEFAULT_WARMUP;
    GOptionEntry entries[] = {
        { "domain", 0, 0, G_OPTION_ARG_FILENAME, &domain,
          "domain XML", "FILE" },
        { "qemu-caps", 0, 0, G_OPTION_ARG_FILENAME, &qemuCaps,
          "saved QEMU capabilities document", "FILE" },
        { "host", 0, 0, G_OPTION_ARG_FILENAME, &hostFile,
          "saved hostcaps document", "FILE" },
        { "host-root", 0, 0, G_OPTION_ARG_FILENAME, &hostRoot,
          "captured host tree to probe", "DIR" },
        { "iterations", 'n', 0, G_OPTION_ARG_INT, &iterations,
          "timed iterations (default 2000)", "N" },
        { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup,
          "untimed iterations first (default 20)", "W" },
        { "label", 0, 0, G_OPTION_ARG_STRING, &label,
          "prefix of the RESULT labels (default inprocess)", "NAME" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- time parse + checks + command line in process");
    g_autoptr(GError) err = NULL;
    qemuDomainPrepareOptions opts = { 0 };
    g_autofree char *xml = NULL;
    g_autofree double *total = NULL;
    g_autofree double *prepare = NULL;
    g_autofree double *build = NULL;
    g_autofree double *format = NULL;
    size_t outLen = 0;
    size_t ndevices = 0;
    gint i;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        g_printerr("inprocess: %s\n", err->message);
        return 2;
    }
    if (!domain || !qemuCaps || !!hostFile == !!hostRoot || iterations < 1 ||
        warmup < 0) {
        g_printerr("inprocess: needs --domain, --qemu-caps and exactly one of --host / --host-root; -n >= 1\n");
        return 2;
    }
    if (!g_file_get_contents(domain, &xml, NULL, &err)) {
        g_printerr("inprocess: %s\n", err->message);
        return 2;
    }
    opts.qemuCapsFile = qemuCaps;
    opts.hostFile = hostFile;
    opts.hostRoot = hostRoot;

    total = g_new0(double, iterations);
    prepare = g_new0(double, iterations);
    build = g_new0(double, iterations);
    format = g_new0(double, iterations);

    for (i = -warmup; i < iterations; i++) {
        double p, b, f;

        if (!benchRunOnce(xml, domain, &opts, &p, &b, &f, &outLen, &ndevices,
                          &err)) {
            g_printerr("inprocess: %s: %s\n", domain, err->message);
            return 1;
        }
        if (i < 0)
            continue;
        prepare[i] = p;
        build[i] = b;
        format[i] = f;
        total[i] = p + b + f;
    }

    if (!label)
        label = g_strdup("inprocess");
    printf("# %s: %d iterations after %d warm-up; %zu assigned devices; "
           "command line %zu bytes; host from %s\n",
           label, iterations, warmup, ndevices, outLen,
           hostFile ? "a saved hostcaps document" : "a captured host tree");
    benchPrintResult(label, total, iterations, ndevices);
    {
        const struct { const char *part; double *samples; } parts[] = {
            { "prepare", prepare }, { "build", build }, { "tostring", format },
        };

        for (i = 0; i < (gint)G_N_ELEMENTS(parts); i++) {
            g_autofree char *lbl = g_strdup_printf("%s.%s", label, parts[i].part);

            benchPrintResult(lbl, parts[i].samples, iterations, 0);
        }
    }

    if (!benchStages(label, xml, domain, &opts, iterations, &err)) {
        g_printerr("inprocess: %s: %s\n", domain, err->message);
        return 1;
    }
    return 0;
}

/* ---- spawn: whole process runs --------------------------------------- */

/* Run @argv once with stdout to @outPath (or /dev/null) and stderr to
 * @errPath; returns the wait status, -1 when it could not start. */
static int
benchSpawnOnce(char **argv, const char *outPath, const char *errPath,
               double *elapsed)
{
    double t0 = benchNowUs();
    pid_t pid;
    int status = 0;

    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        int out = open(outPath ? outPath : "/dev/null",
                       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int err = open(errPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        if (out < 0 || err < 0 ||
            dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    *elapsed = benchNowUs() - t0;
    return status;
}

static int
benchCmdSpawn(int argc, char **argv)
{
    gint runs = BENCH_DEFAULT_SPAWNS;
    gboolean firstApart = FALSE;
    g_autofree char *output = NULL;
    g_autofree char *label = NULL;
    gint devices = 0;
    GOptionEntry entries[] = {
        { "runs", 'n', 0, G_OPTION_ARG_INT, &runs,
          "runs (default 200)", "M" },
        { "first-apart", 0, 0, G_OPTION_ARG_NONE, &firstApart,
          "report the first run on its own (cold) and time the others", NULL },
        { "output", 0, 0, G_OPTION_ARG_FILENAME, &output,
          "keep the standard output of the first run here", "FILE" },
        { "label", 0, 0, G_OPTION_ARG_STRING, &label,
          "RESULT label (default spawn)", "NAME" },
        { "devices", 0, 0, G_OPTION_ARG_INT, &devices,
          "assigned devices, for per-device figures", "K" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("[OPTIONS] -- COMMAND [ARGS...] - time whole process runs");
    g_autoptr(GError) err = NULL;
    g_autofree double *samples = NULL;
    g_autofree char *errPath = NULL;
    g_autofree char *coldLabel = NULL;
    size_t nsamples = 0;
    int fd;
    gint i;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        g_printerr("spawn: %s\n", err->message);
        return 2;
    }
    /* GOption leaves "--" in place when it stops there */
    if (argc >= 2 && strcmp(argv[1], "--") == 0) {
        argv++;
        argc--;
    }
    if (argc < 2 || runs < 1 || (firstApart && runs < 2) || devices < 0) {
        g_printerr("spawn: usage: spawn [-n M] [--first-apart] [--output FILE] -- COMMAND [ARGS...]\n");
        return 2;
    }
    if (!label)
        label = g_strdup("spawn");
    if ((fd = g_file_open_tmp("viommu-bench-XXXXXX.err", &errPath, &err)) < 0) {
        g_printerr("spawn: %s\n", err->message);
        return 2;
    }
    close(fd);

    samples = g_new0(double, runs);
    for (i = 0; i < runs; i++) {
        double t = 0;
        int status = benchSpawnOnce(argv + 1, i == 0 ? output : NULL, errPath, &t);

        if (status != 0) {
            g_autofree char *msg = NULL;

            g_file_get_contents(errPath, &msg, NULL, NULL);
            g_printerr("spawn: run %d of '%s' failed (%s %d):\n%s", i + 1, argv[1],
                       status < 0 ? "could not start" :
                       WIFEXITED(status) ? "exit status" : "signal",
                       status < 0 ? errno :
                       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                       msg ? msg : "");
            g_unlink(errPath);
            return 1;
        }
        if (i == 0 && firstApart) {
            coldLabel = g_strdup_printf("%s.first", label);
            benchPrintResult(coldLabel, &t, 1, devices);
            continue;
        }
        samples[nsamples++] = t;
    }
    g_unlink(errPath);
    benchPrintResult(label, samples, nsamples, devices);
    return 0;
}

/* ---- main ------------------------------------------------------------ */

static void
benchUsage(FILE *out)
{
    fprintf(out,
            "usage: viommu-bench mkhost --tree DIR --host-out FILE --domain FILE\n"
            "       viommu-bench inprocess --domain FILE --qemu-caps FILE (--host FILE | --host-root DIR) [-n N] [--warmup W]\n"
            "       viommu-bench spawn [-n M] [--first-apart] [--output FILE] [--label L] [--devices K] -- COMMAND [ARGS...]\n"
            "Each subcommand takes --help. bench/run-bench.sh runs them all.\n");
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        benchUsage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "mkhost") == 0)
        return benchCmdMkhost(argc - 1, argv + 1);
    if (strcmp(argv[1], "inprocess") == 0)
        return benchCmdInprocess(argc - 1, argv + 1);
    if (strcmp(argv[1], "spawn") == 0)
        return benchCmdSpawn(argc - 1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        benchUsage(stdout);
        return 0;
    }
    benchUsage(stderr);
    return 2;
}
