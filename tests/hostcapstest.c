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
#include <unistd.h>

#include "hostiommu_conf.h"
#include "testutils.h"
#include "virerror.h"
#include "virhostiommu.h"
#include "viriommufd.h"

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

    if (virIOMMUFDProbeDevice(regular, regular, &res) == 0 ||
        res.step != VIR_IOMMUFD_STEP_NOT_CHARDEV)
        return -1;
    reason = virIOMMUFDProbeErrorReason(&res, "/dev/iommu", "/dev/vfio/devices/vfio0");
    if (strcmp(reason, "'/dev/iommu' or '/dev/vfio/devices/vfio0' is not a character device (a captured host tree can only be deep-probed through a test shim)") != 0) {
        fprintf(stderr, "got: %s\n", reason);
        return -1;
    }
    g_free(reason);
    if (virIOMMUFDProbeDevice(missing, regular, &res) == 0 ||
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
    { "extra argument", { "--host-root", "@TREE/amd", "amd", NULL },
      2, NULL, "error: unexpected argument 'amd'\nTry 'virt-viommu --help'.\n" },
};

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
    "bad-idr-width", "bad-xml",
};

static int
mymain(void)
{
    g_autofree char *datadir = virTestDataPath(DATADIR, NULL);
    int ret = 0;
    size_t i;

    shimOpenCount = (int (*)(void))dlsym(RTLD_DEFAULT, "iommufdShimOpenCount");
    shimBoundCount = (int (*)(void))dlsym(RTLD_DEFAULT, "iommufdShimBoundCount");
    if (!shimOpenCount || !shimBoundCount) {
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
    execv("/proc/self/exe", argv);
    fprintf(stderr, "cannot re-execute with the shim: %s\n", g_strerror(errno));
    exit(EXIT_FAILURE);
}

int
main(int argc, char **argv)
{
    hostcapsPreload(argv);
    return virTestMain(argc, argv, mymain);
}
