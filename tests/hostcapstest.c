/*
 * hostcapstest.c: probe every captured host tree (tests/hostdata/NAME) and
 *                 compare the hostcaps document with tests/hostcapsdata;
 *                 check that it is schema-valid and parses back to the same
 *                 text; run the deep probe through the iommufd shim; and
 *                 check the parser's error messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The program re-executes itself with LD_PRELOAD set to the shim named by
 * $IOMMUFD_SHIM (tests/iommufdshim.c), which stands in for /dev/iommu and
 * the VFIO cdevs of a tree at the system-call boundary.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostiommu_conf.h"
#include "testutils.h"
#include "virerror.h"
#include "virhostiommu.h"
#include "viriommufd.h"
#include "virpci.h"

#define DATADIR "hostcapsdata"
#define TREEDIR "hostdata"

typedef struct {
    const char *name;              /* expected output DATADIR/NAME.xml */
    const char *tree;
    const char *const *devices;    /* NULL: every vfio-pci device */
    bool deep;
} hostcapsCase;

static int (*shimOpenCount)(void);
static int (*shimBoundCount)(void);
static int (*shimCdevOpenCalls)(void);

static char *
treePath(const char *tree)
{
    return virTestDataPath(TREEDIR, tree);
}

/* probe -> format -> compare; then the document must validate and parse
 * back to the same text */
static int
testHostcaps(const void *opaque)
{
    const hostcapsCase *c = opaque;
    g_autofree char *root = treePath(c->tree);
    g_autofree char *expect = virTestDataPathFormat(DATADIR, "%s.xml", c->name);
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(virHostIOMMU) parsed = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *again = NULL;

    if (!(host = virHostIOMMUProbe(root, c->devices, c->deep, &err))) {
        fprintf(stderr, "probe failed: %s\n", err->message);
        return -1;
    }
    xml = virHostIOMMUFormat(host);
    if (virTestCompareToFile(xml, expect) < 0)
        return -1;

    if (shimOpenCount() != 0 || shimBoundCount() != 0) {
        fprintf(stderr, "the probe left %d node(s) open, %d bound\n",
                shimOpenCount(), shimBoundCount());
        return -1;
    }

    if (!(parsed = virHostIOMMUParseString(xml, &err))) {
        fprintf(stderr, "the document does not parse back: %s\n", err->message);
        return -1;
    }
    again = virHostIOMMUFormat(parsed);
    if (strcmp(xml, again) != 0)
        return virTestDifference(xml, again, "(round trip)");
    return 0;
}

/* The lookups the QEMU layer uses */
static int
testLookups(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *root = treePath("intel-server-sm");
    const char *const devs[] = { "17:01.0", "0000:99:00.0", NULL };
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(GError) err = NULL;
    const virHostIOMMUDevice *vf;
    const virHostIOMMUDevice *absent;
    const virHostIOMMUUnit *unit;

    if (!(host = virHostIOMMUProbe(root, devs, false, &err)))
        return -1;
    if (!(vf = virHostIOMMUFindDevice(host, "0000:17:01.0")) ||
        !vf->present || g_strcmp0(vf->physfn, "0000:17:00.0") != 0 ||
        !vf->pasid.present || vf->pasid.maxWidth != 20 ||
        g_strcmp0(vf->pasid.from, "0000:17:00.0") != 0 ||
        g_strcmp0(vf->vfioCdev, "/dev/vfio/devices/vfio2") != 0 ||
        vf->iommuGroup != 31 || g_strcmp0(vf->unit, "dmar0") != 0)
        return -1;
    if (!(absent = virHostIOMMUFindDevice(host, "99:00.0")) || absent->present ||
        g_strcmp0(absent->error, "host device 0000:99:00.0 does not exist on this host") != 0)
        return -1;
    if (virHostIOMMUFindDevice(host, "0000:03:00.0") ||
        virHostIOMMUFindDevice(host, "not-an-address"))
        return -1;
    if (!(unit = virHostIOMMUFindUnit(host, vf->unit)) ||
        unit->type != VIR_HOST_IOMMU_TYPE_INTEL_VTD ||
        unit->addressWidthMax != 57 ||
        unit->features[VIR_HOST_IOMMU_FEATURE_NESTING].state != VIR_HOST_IOMMU_FACT_YES ||
        virHostIOMMUFindUnit(host, "dmar9"))
        return -1;
    if (!(unit = virHostIOMMUFindUnit(host, "dmar1")) || unit->pasidWidth != 20)
        return -1;
    return 0;
}

static int
testBadAddress(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *root = treePath("intel-server-sm");
    const char *const devs[] = { "0000:03:00.0", "0000:03:00", NULL };
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(GError) err = NULL;

    if ((host = virHostIOMMUProbe(root, devs, false, &err)))
        return -1;
    if (!virErrorMatches(err, VIR_ERR_INVALID_ARG) ||
        strcmp(err->message, "invalid argument: '0000:03:00' is not a PCI address (expected DDDD:BB:SS.F)") != 0) {
        fprintf(stderr, "got: %s\n", err->message);
        return -1;
    }
    return 0;
}

/* Paths the shim does not stand in for reach the real system calls */
static int
testProbeWithoutShim(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *root = treePath("intel-server-sm");
    g_autofree char *regular = g_build_filename(root, "proc", "cmdline", NULL);
    g_autofree char *missing = g_build_filename(root, "no-such-iommu-node", NULL);
    virIOMMUFDHwInfoResult res;
    g_autofree char *reason = NULL;

    if (virIOMMUFDProbeDevice(regular, regular, 0, &res) == 0 ||
        res.step != VIR_IOMMUFD_STEP_NOT_CHARDEV)
        return -1;
    reason = virIOMMUFDProbeErrorReason(&res, "/dev/iommu", "/dev/vfio/devices/vfio0");
    if (strcmp(reason, "'/dev/iommu' is not a character device (a link, a FIFO or a file): it was not opened (a captured host tree can only be deep-probed through a test shim)") != 0) {
        fprintf(stderr, "got: %s\n", reason);
        return -1;
    }
    g_free(reason);
    if (virIOMMUFDProbeDevice(missing, regular, 0, &res) == 0 ||
        res.step != VIR_IOMMUFD_STEP_OPEN_IOMMU || res.errnum != ENOENT)
        return -1;
    reason = virIOMMUFDProbeErrorReason(&res, "/dev/iommu", "/dev/vfio/devices/vfio0");
    if (strcmp(reason, "'/dev/iommu' does not exist: the kernel has no iommufd (CONFIG_IOMMUFD) or the iommufd module is not loaded") != 0) {
        fprintf(stderr, "got: %s\n", reason);
        return -1;
    }
    if (shimOpenCount() != 0)
        return -1;
    return 0;
}

/* A saved document that is wrong: the exact message is expected */
static int
testParseError(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *xmlPath = virTestDataPathFormat(DATADIR, "%s.xml", name);
    g_autofree char *errPath = virTestDataPathFormat(DATADIR, "%s.err", name);
    g_autofree char *xml = virTestLoadFile(xmlPath);
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(GError) err = NULL;

    if (!xml)
        return -1;
    if ((host = virHostIOMMUParseString(xml, &err))) {
        fprintf(stderr, "%s.xml parsed without error\n", name);
        return -1;
    }
    return virTestCompareErrorToFile(err, errPath);
}

/* A hand-written document: parses, and comes back complete */
static int
testParseFile(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *xmlPath = virTestDataPathFormat(DATADIR, "%s.xml", name);
    g_autofree char *outPath = virTestDataPathFormat(DATADIR, "%s.out.xml", name);
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;

    virTestUseFile(xmlPath);
    if (!(host = virHostIOMMUParseFile(xmlPath, &err))) {
        fprintf(stderr, "%s\n", err->message);
        return -1;
    }
    xml = virHostIOMMUFormat(host);
    return virTestCompareToFile(xml, outPath);
}

/* The command line tool, run as a user would (under the same shim) */
typedef struct {
    const char *title;
    const char *args[12];    /* after "hostcaps"; "@TREE/x" and "@DATA/x"
                              * are expanded to the data directories */
    int status;
    const char *out;         /* expected stdout: a DATADIR file, or NULL */
    const char *err;         /* expected stderr text, or NULL for none */
} cliCase;

static char *
cliExpand(const char *arg)
{
    if (g_str_has_prefix(arg, "@TREE/"))
        return treePath(arg + 6);
    if (g_str_has_prefix(arg, "@DATA/"))
        return virTestDataPath(DATADIR, arg + 6);
    return g_strdup(arg);
}

static int
testCLI(const void *opaque)
{
    const cliCase *c = opaque;
    const char *tool = g_getenv("VIRT_VIOMMU");
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *outPath = c->out ? virTestDataPath(DATADIR, c->out) : NULL;
    size_t i;

    if (!tool) {
        fprintf(stderr, "VIRT_VIOMMU must name the virt-viommu binary\n");
        return -1;
    }
    g_ptr_array_add(argv, g_strdup(tool));
    g_ptr_array_add(argv, g_strdup("hostcaps"));
    for (i = 0; c->args[i]; i++)
        g_ptr_array_add(argv, cliExpand(c->args[i]));
    g_ptr_array_add(argv, NULL);
    return virTestRunCommand((const char *const *)argv->pdata, c->status,
                             c->err, outPath);
}

static const cliCase cliCases[] = {
    { "probe a tree", { "--host-root", "@TREE/intel-server-sm", NULL },
      0, "intel-server-sm.xml", NULL },
    { "deep probe a tree", { "--deep", "--host-root", "@TREE/smmuv3", NULL },
      0, "smmuv3.deep.xml", NULL },
    { "devices of a tree", { "--host-root", "@TREE/intel-server-sm", "-d", "0000:17:00.0",
                             "--device", "17:01.0", "--device", "0000:6a:01.0",
                             "--device", "0000:99:00.0", NULL },
      0, "intel-server-sm.devices.xml", NULL },
    { "replay a document", { "--host", "@DATA/no-iommufd.deep.xml", NULL },
      0, "no-iommufd.deep.xml", NULL },
    { "bad address", { "--host-root", "@TREE/amd", "--device", "0000:41:00", NULL },
      2, NULL, "error: invalid argument: '0000:41:00' is not a PCI address (expected DDDD:BB:SS.F)\n" },
    { "invalid document", { "--host", "@DATA/bad-schema.xml", NULL },
      1, NULL, "error: XML document failed to validate against schema: hostiommu.rng: Element unit failed to validate attributes\n" },
    { "--host with --deep", { "--host", "@DATA/amd.xml", "--deep", NULL },
      2, NULL, "error: --host cannot be combined with --host-root, --deep or --device\nTry 'virt-viommu --help'.\n" },
    { "empty --host-root", { "--host-root", "", NULL },
      2, NULL, "error: --host-root must name a directory, not an empty string\nTry 'virt-viommu --help'.\n" },
    { "missing --host-root", { "--host-root", "/nonexistent-host-root", NULL },
      2, NULL, "error: --host-root '/nonexistent-host-root' is not a directory\nTry 'virt-viommu --help'.\n" },
    { "file as --host-root", { "--host-root", "/dev/null", NULL },
      2, NULL, "error: --host-root '/dev/null' is not a directory\nTry 'virt-viommu --help'.\n" },
    { "domain out of range", { "--host-root", "@TREE/amd", "--device", "100000000:6a:01.0", NULL },
      2, NULL, "error: invalid argument: Invalid PCI address domain='0x100000000' in '100000000:6a:01.0', must be <= 0xFFFF\n" },
    { "bus out of range", { "--host-root", "@TREE/amd", "--device", "0000:100:01.0", NULL },
      2, NULL, "error: invalid argument: Invalid PCI address bus='0x100' in '0000:100:01.0', must be <= 0xFF\n" },
    { "slot out of range", { "--host-root", "@TREE/amd", "--device", "6a:20.0", NULL },
      2, NULL, "error: invalid argument: Invalid PCI address slot='0x20' in '6a:20.0', must be <= 0x1F\n" },
    { "function out of range", { "--host-root", "@TREE/amd", "--device", "0:6a:01.8", NULL },
      2, NULL, "error: invalid argument: Invalid PCI address function='0x8' in '0:6a:01.8', must be <= 0x7\n" },
    { "extra argument", { "--host-root", "@TREE/amd", "amd", NULL },
      2, NULL, "error: unexpected argument 'amd'\nTry 'virt-viommu --help'.\n" },
};

/* ---- hostile host trees, built at run time in a copy of a tree ---------- */

typedef enum {
    HOSTILE_FIFO,       /* @file becomes a FIFO */
    HOSTILE_LINK,       /* @file becomes a symbolic link to @data */
    HOSTILE_SIZE,       /* @file becomes a sparse file of @len bytes */
    HOSTILE_CONTENT,    /* @file gets the @len bytes of @data */
    HOSTILE_PASID,      /* the device's Max PASID Width becomes @len */
} hostileKind;

typedef struct {
    const char *name;       /* expected DATADIR/hostile-NAME.err */
    hostileKind kind;
    const char *file;       /* in the copy of intel-client-nest */
    const char *data;
    guint64 len;
    bool deep;              /* the deep probe must refuse the node unopened */
} hostileCase;

#define HOSTILE_DEV "sys/devices/pci0000:00/0000:00:02.0"
#define HOSTILE_CAP "sys/devices/virtual/iommu/dmar0/intel-iommu/cap"
#define HOSTILE_KCONFIG "boot/config-6.8.0-45-generic"

static const hostileCase hostileCases[] = {
    { "fifo-config", HOSTILE_FIFO, HOSTILE_DEV "/config", NULL, 0 },
    { "fifo-cap", HOSTILE_FIFO, HOSTILE_CAP, NULL, 0 },
    { "fifo-cmdline", HOSTILE_FIFO, "proc/cmdline", NULL, 0 },
    { "fifo-osrelease", HOSTILE_FIFO, "proc/sys/kernel/osrelease", NULL, 0 },
    { "fifo-kconfig", HOSTILE_FIFO, HOSTILE_KCONFIG, NULL, 0 },
    { "zero-cap", HOSTILE_LINK, HOSTILE_CAP, "/dev/zero", 0 },
    { "zero-config", HOSTILE_LINK, HOSTILE_DEV "/config", "/dev/zero", 0 },
    { "zero-kconfig", HOSTILE_LINK, HOSTILE_KCONFIG, "/dev/zero", 0 },
    { "huge-cap", HOSTILE_SIZE, HOSTILE_CAP, NULL, 3ULL << 30 },
    { "huge-config", HOSTILE_SIZE, HOSTILE_DEV "/config", NULL, 3ULL << 30 },
    { "huge-cmdline", HOSTILE_SIZE, "proc/cmdline", NULL, 3ULL << 30 },
    { "nul-cap", HOSTILE_CONTENT, HOSTILE_CAP, "19ed\0ff\n", 8 },
    { "nul-cmdline", HOSTILE_CONTENT, "proc/cmdline", "ro\0intel_iommu=off\n", 19 },
    { "ctrl-unit-name", HOSTILE_LINK, "sys/class/iommu/dmar\0339",
      "../../devices/virtual/iommu/dmar1", 0 },
    { "ctrl-driver-name", HOSTILE_LINK, HOSTILE_DEV "/driver",
      "../../../bus/pci/drivers/vfio\001pci", 0 },
    { "utf8-driver-name", HOSTILE_LINK, HOSTILE_DEV "/driver",
      "../../../bus/pci/drivers/vfio\377pci", 0 },
    { "physfn-not-address", HOSTILE_LINK, HOSTILE_DEV "/physfn", "../../etc", 0 },
    { "pasid-width-0", HOSTILE_PASID, NULL, NULL, 0 },
    { "pasid-width-31", HOSTILE_PASID, NULL, NULL, 31 },
    { "deep-cdev-zero-link", HOSTILE_LINK, "dev/vfio/devices/vfio0", "/dev/zero", 0, true },
    { "deep-cdev-fifo", HOSTILE_FIFO, "dev/vfio/devices/vfio0", NULL, 0, true },
    { "deep-iommu-zero-link", HOSTILE_LINK, "dev/iommu", "/dev/zero", 0, true },
    { "deep-cdev-wrong-number", HOSTILE_CONTENT, HOSTILE_DEV "/vfio-dev/vfio0/dev",
      "511:7\n", 6, true },
    { "deep-cdev-no-number", HOSTILE_CONTENT, HOSTILE_DEV "/vfio-dev/vfio0/dev",
      "vfio\n", 5, true },
};

/* Set the Max PASID Width (bits 12:8 of the PASID capability register) */
static int
hostilePatchPASID(const char *config, unsigned int width)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    unsigned int off;

    if (!g_file_get_contents(config, &data, &len, NULL) ||
        !(off = virPCIConfigFindExtCap((const guint8 *)data, len,
                                       VIR_PCI_EXT_CAP_ID_PASID)))
        return -1;
    data[off + 5] = (char)(((guint8)data[off + 5] & ~0x1f) | width);
    return g_file_set_contents(config, data, len, NULL) ? 0 : -1;
}

static int
hostileApply(const char *tree, const hostileCase *c)
{
    g_autofree char *path = c->file ? g_build_filename(tree, c->file, NULL) :
                            g_build_filename(tree, HOSTILE_DEV, "config", NULL);
    int fd;

    if (c->kind != HOSTILE_PASID && unlink(path) < 0 && errno != ENOENT)
        return -1;
    switch (c->kind) {
    case HOSTILE_FIFO:
        return mkfifo(path, 0600);
    case HOSTILE_LINK:
        return symlink(c->data, path);
    case HOSTILE_SIZE:
        if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
            return -1;
        if (ftruncate(fd, (off_t)c->len) < 0) {
            close(fd);
            return -1;
        }
        return close(fd);
    case HOSTILE_CONTENT:
        return g_file_set_contents(path, c->data, c->len, NULL) ? 0 : -1;
    case HOSTILE_PASID:
        return hostilePatchPASID(path, c->len);
    }
    return -1;
}

/* The probe of the hostile copy: its error, or the reason the device's
 * capabilities are not reported */
static char *
hostileOutcome(const char *tree, bool deep)
{
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(GError) err = NULL;
    const virHostIOMMUDevice *dev;
    g_autoptr(GString) msg = NULL;
    int opens = shimCdevOpenCalls();

    if (!(host = virHostIOMMUProbe(tree, NULL, deep, &err)))
        msg = g_string_new(err->message);
    else if (!(dev = virHostIOMMUFindDevice(host, "0000:00:02.0")))
        return g_strdup("no device\n");
    else if (deep && dev->deep.error && shimCdevOpenCalls() == opens)
        msg = g_string_new(dev->deep.error);
    else if (deep)
        return g_strdup_printf("deep probe: error '%s' after %d open(s) of the node\n",
                               dev->deep.error ? dev->deep.error : "none", shimCdevOpenCalls() - opens);
    else if (!dev->capsKnown)
        msg = g_string_new(dev->capsReason);
    else
        return g_strdup("probe succeeded\n");
    g_string_replace(msg, tree, "TREE", 0);
    g_string_append_c(msg, '\n');
    return g_string_free(g_steal_pointer(&msg), FALSE);
}

static int
testHostile(const void *opaque)
{
    const hostileCase *c = opaque;
    g_autofree char *src = treePath("intel-client-nest");
    g_autofree char *tmp = g_dir_make_tmp("hostcapstest-XXXXXX", NULL);
    g_autofree char *tree = tmp ? g_build_filename(tmp, "tree", NULL) : NULL;
    g_autofree char *expect = virTestDataPathFormat(DATADIR, "hostile-%s.err", c->name);
    g_autofree char *actual = NULL;
    const char *cp[] = { "cp", "-a", src, tree, NULL };
    const char *rm[] = { "rm", "-rf", tmp, NULL };
    /* cp must read the tree's node files, not the shim's stand-ins */
    g_auto(GStrv) env = g_environ_unsetenv(g_get_environ(), "LD_PRELOAD");
    int status = -1;
    int ret = -1;

    if (!tmp)
        return -1;
    if (!g_spawn_sync(NULL, (char **)cp, env, G_SPAWN_SEARCH_PATH, NULL, NULL,
                      NULL, NULL, &status, NULL) || status != 0 ||
        hostileApply(tree, c) < 0) {
        fprintf(stderr, "cannot build the hostile tree: %s\n", g_strerror(errno));
        goto cleanup;
    }
    actual = hostileOutcome(tree, c->deep);
    ret = virTestCompareToFile(actual, expect);

 cleanup:
    g_spawn_sync(NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                 NULL, NULL, NULL, NULL);
    return ret;
}

static const char *const serverDevices[] = {
    "0000:17:00.0", "17:01.0", "0000:6a:01.0", "0000:99:00.0", NULL,
};
static const char *const deepErrorDevices[] = {
    "0000:01:00.0", "0000:02:00.0", "0000:03:00.0", "0000:04:00.0",
    "0000:05:00.0", "0000:06:00.0", "0000:07:00.0", "0000:08:00.0",
    "0000:09:00.0", "0000:0a:00.0", "0000:0b:00.0", "0000:0c:00.0",
    "0000:0d:00.0", "0000:99:00.0", NULL,
};

static const hostcapsCase cases[] = {
    { "intel-server-sm", "intel-server-sm", NULL, false },
    { "intel-server-sm.deep", "intel-server-sm", NULL, true },
    { "intel-server-sm.devices", "intel-server-sm", serverDevices, false },
    { "intel-client-nest", "intel-client-nest", NULL, false },
    { "intel-client-nest.deep", "intel-client-nest", NULL, true },
    { "intel-sm-off", "intel-sm-off", NULL, false },
    { "intel-sm-off.deep", "intel-sm-off", NULL, true },
    { "smmuv3", "smmuv3", NULL, false },
    { "smmuv3.deep", "smmuv3", NULL, true },
    { "amd", "amd", NULL, false },
    { "amd.deep", "amd", NULL, true },
    { "no-iommufd", "no-iommufd", NULL, false },
    { "no-iommufd.deep", "no-iommufd", NULL, true },
    { "iommufd-eacces.deep", "iommufd-eacces", NULL, true },
    { "deep-errors", "deep-errors", NULL, false },
    { "deep-errors.deep", "deep-errors", deepErrorDevices, true },
};

static const char *const parseErrors[] = {
    "bad-root", "bad-schema", "bad-registers", "bad-feature-twice",
    "bad-feature-applies", "bad-pasid-width", "bad-unit-twice",
    "bad-device-twice", "bad-device-unit", "bad-capability-mask",
    "bad-idr-width", "bad-xml", "bad-doctype", "bad-device-pasid-width-0",
    "bad-device-pasid-width-32",
};

static int
mymain(void)
{
    g_autofree char *datadir = virTestDataPath(DATADIR, NULL);
    int ret = 0;
    size_t i;

    shimOpenCount = (int (*)(void))dlsym(RTLD_DEFAULT, "iommufdShimOpenCount");
    shimBoundCount = (int (*)(void))dlsym(RTLD_DEFAULT, "iommufdShimBoundCount");
    shimCdevOpenCalls = (int (*)(void))dlsym(RTLD_DEFAULT, "iommufdShimCdevOpenCalls");
    if (!shimOpenCount || !shimBoundCount || !shimCdevOpenCalls) {
        fprintf(stderr, "the iommufd shim is not loaded\n");
        return -1;
    }
    virTestRegisterDataDir(datadir, NULL);

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *title = g_strdup_printf("hostcaps %s", cases[i].name);
        if (virTestRun(title, testHostcaps, &cases[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(parseErrors); i++) {
        g_autofree char *title = g_strdup_printf("parse error %s", parseErrors[i]);
        if (virTestRun(title, testParseError, parseErrors[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(cliCases); i++) {
        g_autofree char *title = g_strdup_printf("virt-viommu hostcaps: %s", cliCases[i].title);
        if (virTestRun(title, testCLI, &cliCases[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(hostileCases); i++) {
        g_autofree char *title = g_strdup_printf("hostile tree %s", hostileCases[i].name);
        if (virTestRun(title, testHostile, &hostileCases[i]) < 0)
            ret = -1;
    }
    if (virTestRun("parse partial document", testParseFile, "partial") < 0 ||
        virTestRun("lookups", testLookups, NULL) < 0 ||
        virTestRun("bad PCI address", testBadAddress, NULL) < 0 ||
        virTestRun("probe without the shim", testProbeWithoutShim, NULL) < 0)
        ret = -1;
    return ret;
}

/* Run again with the shim preloaded (like libvirt's mock libraries) */
static void
hostcapsPreload(char **argv)
{
    const char *shim = g_getenv("IOMMUFD_SHIM");
    const char *preload = g_getenv("LD_PRELOAD");
    const char *asan = g_getenv("ASAN_OPTIONS");
    g_autofree char *newPreload = NULL;
    g_autofree char *newAsan = NULL;
    g_autofree char *self = NULL;

    if (!shim) {
        fprintf(stderr, "IOMMUFD_SHIM must name the iommufd shim library\n");
        exit(EXIT_FAILURE);
    }
    if (preload && strstr(preload, shim))
        return;
    newPreload = preload && *preload ? g_strdup_printf("%s:%s", shim, preload)
                                     : g_strdup(shim);
    /* under ASan the shim comes before the sanitizer runtime, which is
     * fine: its wrappers hand everything that is not a shim node on to
     * the next definition (the sanitizer's or the C library's) */
    newAsan = g_strdup_printf("%s%sverify_asan_link_order=0",
                              asan ? asan : "", asan && *asan ? ":" : "");
    g_setenv("LD_PRELOAD", newPreload, TRUE);
    g_setenv("ASAN_OPTIONS", newAsan, TRUE);
    /* the link's target, not the link: under valgrind, exec of
     * /proc/self/exe would start the tool, reading the link gives this
     * program */
    self = g_file_read_link("/proc/self/exe", NULL);
    execv(self ? self : "/proc/self/exe", argv);
    fprintf(stderr, "cannot re-execute with the shim: %s\n", g_strerror(errno));
    exit(EXIT_FAILURE);
}

int
main(int argc, char **argv)
{
    hostcapsPreload(argv);
    return virTestMain(argc, argv, mymain);
}
