/*
 * domcapstest.c: the domain capabilities document (domcapabilities) for
 *                captured hosts and recorded QEMU binaries
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Data in tests/domcapsdata/NAME.ARCH-VER.xml: the expected document for
 * the host NAME (a tree in tests/hostdata, or a saved document in
 * tests/hostcapsdata) and tests/qemucapabilitiesdata/caps_VER_ARCH.xml.
 * Each case
 *   - builds the document with qemuDomainCapsBuild() and compares it;
 *   - validates it against docs/schemas/domaincaps.rng;
 *   - runs every domain the build tried through the validate pipeline
 *     (qemuDomainPrepareString: parse, schema, QEMU, host) and requires
 *     the same answer, message for message: the document cannot disagree
 *     with `virt-viommu validate`.
 * Then the command itself runs on some of the same inputs and on usage
 * and error cases with their exact messages.
 *
 *   VIR_TEST_REGENERATE_OUTPUT=1   rewrite the expected documents
 *   VIR_TEST_DEBUG=1               show differences
 */
#include <stdio.h>
#include <string.h>

#include "testutils.h"
#include "domain_capabilities.h"
#include "hostiommu_conf.h"
#include "qemu_capabilities.h"
#include "qemu_domain_prepare.h"
#include "qemu_domcaps.h"
#include "virhostiommu.h"
#include "virxml.h"

#define DATADIR "domcapsdata"
#define CAPSDIR "qemucapabilitiesdata"
#define TREEDIR "hostdata"
#define HOSTCAPSDIR "hostcapsdata"

typedef struct {
    const char *name;              /* host name in the expected file name */
    const char *tree;              /* tests/hostdata/TREE, or NULL */
    const char *hostFile;          /* tests/hostcapsdata/FILE, or NULL */
    const char *arch;
    const char *ver;               /* recorded QEMU, "11.1.3" */
    const char *machine;           /* NULL: the default */
    const char *const *devices;    /* NULL: every device */
} domcapsCase;

static char *
domcapsCapsPath(const char *arch, const char *ver)
{
    g_autofree char *name = g_strdup_printf("caps_%s_%s.xml", ver, arch);

    return virTestDataPath(CAPSDIR, name);
}

static char *
domcapsExpectPath(const domcapsCase *c)
{
    g_autofree char *name = g_strdup_printf("%s.%s-%s.xml", c->name, c->arch, c->ver);

    return virTestDataPath(DATADIR, name);
}

static int
domcapsValidateDocument(const char *xml)
{
    g_autofree char *rng = virXMLSchemaPath(VIR_DOMAIN_CAPS_SCHEMA);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(GError) err = NULL;

    if (!(doc = virXMLParse("domcapabilities", xml, "domainCapabilities", &err)) ||
        virXMLValidateAgainstSchema(doc, rng, &err) < 0) {
        fprintf(stderr, "the document is not valid: %s\n", err->message);
        return -1;
    }
    return 0;
}

/* Every tried domain, through the validate pipeline: the same answer */
static int
domcapsCheckTrials(const domcapsCase *c, const char *capsPath, GPtrArray *trials)
{
    g_autofree char *root = c->tree ? virTestDataPath(TREEDIR, c->tree) : NULL;
    g_autofree char *hostFile = c->hostFile ? virTestDataPath(HOSTCAPSDIR, c->hostFile) : NULL;
    qemuDomainPrepareOptions opts = { 0 };
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;

    opts.qemuCapsFile = capsPath;
    opts.hostRoot = root;
    opts.hostFile = hostFile;
    for (i = 0; i < trials->len; i++) {
        const qemuDomainCapsTrial *trial = trials->pdata[i];
        g_autoptr(qemuPreparedDomain) prep = NULL;
        g_autoptr(GError) err = NULL;

        if (!g_hash_table_add(seen, trial->xml))
            continue;
        prep = qemuDomainPrepareString(trial->xml, "candidate", &opts, &err);
        if ((prep != NULL) == (trial->error == NULL) &&
            (!err || strcmp(err->message, trial->error) == 0))
            continue;
        fprintf(stderr, "domcapabilities and validate disagree on\n%s"
                "domcapabilities: %s\nvalidate: %s\n", trial->xml,
                trial->error ? trial->error : "passes",
                err ? err->message : "passes");
        return -1;
    }
    if (virTestDebug())
        fprintf(stderr, "%u domains tried, %u distinct, validate agrees on each\n",
                trials->len, g_hash_table_size(seen));
    if (trials->len < 10) {
        fprintf(stderr, "only %u domains were tried\n", trials->len);
        return -1;
    }
    return 0;
}

static int
testDomcaps(const void *opaque)
{
    const domcapsCase *c = opaque;
    g_autofree char *capsPath = domcapsCapsPath(c->arch, c->ver);
    g_autofree char *expect = domcapsExpectPath(c);
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(virDomainCaps) doc = NULL;
    g_autoptr(GPtrArray) trials =
        g_ptr_array_new_with_free_func((GDestroyNotify)qemuDomainCapsTrialFree);
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    qemuDomainCapsOptions opts = { 0 };

    opts.machine = c->machine;
    opts.devices = c->devices;
    opts.trials = trials;
    if (!(caps = virQEMUCapsParseFile(capsPath, &err)))
        goto error;
    if (c->tree) {
        g_autofree char *root = virTestDataPath(TREEDIR, c->tree);
        host = virHostIOMMUProbe(root, c->devices, false, &err);
    } else {
        g_autofree char *path = virTestDataPath(HOSTCAPSDIR, c->hostFile);
        host = virHostIOMMUParseFile(path, &err);
    }
    if (!host || !(doc = qemuDomainCapsBuild(caps, host, &opts, &err)))
        goto error;

    xml = virDomainCapsFormat(doc);
    if (virTestCompareToFile(xml, expect) < 0 ||
        domcapsValidateDocument(xml) < 0 ||
        domcapsCheckTrials(c, capsPath, trials) < 0)
        return -1;
    return 0;

 error:
    fprintf(stderr, "%s\n", err->message);
    return -1;
}

/* The library's own refusals */
typedef struct {
    const char *title;
    const char *arch;          /* opts.arch */
    const char *machine;
    const char *const *devices;
    const char *message;
} domcapsErrorCase;

static int
testDomcapsError(const void *opaque)
{
    const domcapsErrorCase *c = opaque;
    g_autofree char *capsPath = domcapsCapsPath("x86_64", "11.1.3");
    g_autofree char *hostPath = virTestDataPath(HOSTCAPSDIR, "amd.xml");
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(virDomainCaps) doc = NULL;
    g_autoptr(GError) err = NULL;
    qemuDomainCapsOptions opts = { 0 };

    opts.arch = c->arch;
    opts.machine = c->machine;
    opts.devices = c->devices;
    if (!(caps = virQEMUCapsParseFile(capsPath, &err)) ||
        !(host = virHostIOMMUParseFile(hostPath, &err))) {
        fprintf(stderr, "%s\n", err->message);
        return -1;
    }
    if ((doc = qemuDomainCapsBuild(caps, host, &opts, &err))) {
        fprintf(stderr, "built a document\n");
        return -1;
    }
    if (strcmp(err->message, c->message) != 0)
        return virTestDifference(c->message, err->message, "(error)");
    return 0;
}

/* The command, run as a user would */
typedef struct {
    const char *title;
    const char *args[14];   /* after "domcapabilities"; "@TREE/x", "@HOST/x",
                             * "@CAPS/x" name files in the data directories */
    int status;
    const char *out;        /* expected stdout: a DATADIR file, or NULL */
    const char *err;        /* expected stderr, or NULL for none */
} cliCase;

static char *
cliExpand(const char *arg)
{
    if (g_str_has_prefix(arg, "@TREE/"))
        return virTestDataPath(TREEDIR, arg + 6);
    if (g_str_has_prefix(arg, "@HOST/"))
        return virTestDataPath(HOSTCAPSDIR, arg + 6);
    if (g_str_has_prefix(arg, "@CAPS/"))
        return virTestDataPath(CAPSDIR, arg + 6);
    return g_strdup(arg);
}

static int
testCLI(const void *opaque)
{
    const cliCase *c = opaque;
    g_autofree char *tool = virTestToolPath();
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *outPath = c->out ? virTestDataPath(DATADIR, c->out) : NULL;
    size_t i;

    if (!tool) {
        fprintf(stderr, "set VIRT_VIOMMU or abs_top_builddir\n");
        return -1;
    }
    g_ptr_array_add(argv, g_strdup(tool));
    g_ptr_array_add(argv, g_strdup("domcapabilities"));
    for (i = 0; c->args[i]; i++)
        g_ptr_array_add(argv, cliExpand(c->args[i]));
    g_ptr_array_add(argv, NULL);
    return virTestRunCommand((const char *const *)argv->pdata, c->status,
                             c->err, outPath);
}

static const char *const serverDevices[] = {
    "0000:17:00.0", "17:01.0", "0000:99:00.0", NULL,
};
static const char *const smmuDevices[] = { "01:00.0", "0000:02:00.0", NULL };
static const char *const badDevices[] = { "0000:41:00.0", "0000:41:00", NULL };

static const domcapsCase cases[] = {
    { "intel-server-sm", "intel-server-sm", NULL, "x86_64", "11.1.3", NULL, NULL },
    { "intel-server-sm", "intel-server-sm", NULL, "x86_64", "10.0.2", NULL, NULL },
    { "intel-server-sm-devices", "intel-server-sm", NULL, "x86_64", "11.1.3", NULL,
      serverDevices },
    { "intel-server-sm-i440fx", "intel-server-sm", NULL, "x86_64", "11.1.3",
      "pc-i440fx-11.1", NULL },
    { "intel-sm-off", "intel-sm-off", NULL, "x86_64", "11.1.3", NULL, NULL },
    { "intel-client-nest", "intel-client-nest", NULL, "x86_64", "11.1.3", NULL, NULL },
    { "amd", "amd", NULL, "x86_64", "11.1.3", NULL, NULL },
    { "amd", "amd", NULL, "x86_64", "10.0.2", NULL, NULL },
    { "no-iommufd", "no-iommufd", NULL, "x86_64", "11.1.3", NULL, NULL },
    { "smmuv3-deep", NULL, "smmuv3.deep.xml", "aarch64", "11.1.3", NULL, NULL },
    { "smmuv3-deep", NULL, "smmuv3.deep.xml", "aarch64", "10.0.2", NULL, NULL },
    { "smmuv3-deep-devices", NULL, "smmuv3.deep.xml", "aarch64", "11.1.3", NULL,
      smmuDevices },
    { "smmuv3", "smmuv3", NULL, "aarch64", "11.1.3", NULL, NULL },
};

static const domcapsErrorCase errorCases[] = {
    { "unknown machine", NULL, "pc-q35-1.0", NULL,
      "unsupported configuration: machine type 'pc-q35-1.0' is not supported by QEMU 11.1.3; pick one of its machine types in <os><type machine=...>" },
    { "architecture mismatch", "aarch64", NULL, NULL,
      "unsupported configuration: the domain's <os><type arch='aarch64'> does not match the emulator, which is for 'x86_64'" },
    { "no default machine", "riscv64", NULL, NULL,
      "invalid argument: there is no default machine type for architecture 'riscv64'; name one with --machine" },
    { "bad address", NULL, NULL, badDevices,
      "invalid argument: '0000:41:00' is not a PCI address (expected DDDD:BB:SS.F)" },
};

static const cliCase cliCases[] = {
    { "probe a tree", { "--host-root", "@TREE/intel-server-sm",
                        "--qemu-caps", "@CAPS/caps_11.1.3_x86_64.xml", NULL },
      0, "intel-server-sm.x86_64-11.1.3.xml", NULL },
    { "saved host, devices", { "--host", "@HOST/smmuv3.deep.xml", "--qemu-caps",
                               "@CAPS/caps_11.1.3_aarch64.xml", "-d", "01:00.0",
                               "--device", "0000:02:00.0", NULL },
      0, "smmuv3-deep-devices.aarch64-11.1.3.xml", NULL },
    { "machine option", { "--host-root", "@TREE/intel-server-sm", "--machine",
                          "pc-i440fx-11.1", "--qemu-caps",
                          "@CAPS/caps_11.1.3_x86_64.xml", NULL },
      0, "intel-server-sm-i440fx.x86_64-11.1.3.xml", NULL },
    { "unknown machine", { "--host", "@HOST/amd.xml", "--machine", "q35-nope",
                           "--qemu-caps", "@CAPS/caps_10.0.2_x86_64.xml", NULL },
      1, NULL, "error: unsupported configuration: machine type 'q35-nope' is not supported by QEMU 10.0.2; pick one of its machine types in <os><type machine=...>\n" },
    { "bad address", { "--host", "@HOST/amd.xml", "--qemu-caps",
                       "@CAPS/caps_11.1.3_x86_64.xml", "--device", "41:00", NULL },
      2, NULL, "error: invalid argument: '41:00' is not a PCI address (expected DDDD:BB:SS.F)\n" },
    { "bad address while probing", { "--host-root", "@TREE/amd", "--qemu-caps",
                                     "@CAPS/caps_11.1.3_x86_64.xml", "--device", "41:00", NULL },
      2, NULL, "error: invalid argument: '41:00' is not a PCI address (expected DDDD:BB:SS.F)\n" },
    { "--host with --deep", { "--host", "@HOST/amd.xml", "--deep", NULL },
      2, NULL, "error: --host cannot be combined with --host-root or --deep\nTry 'virt-viommu --help'.\n" },
    { "--qemu-caps with --emulator", { "--qemu-caps", "@CAPS/caps_11.1.3_x86_64.xml",
                                       "--emulator", "/usr/bin/qemu-system-x86_64", NULL },
      2, NULL, "error: --qemu-caps cannot be combined with --emulator\nTry 'virt-viommu --help'.\n" },
    { "extra argument", { "--host", "@HOST/amd.xml", "amd", NULL },
      2, NULL, "error: unexpected argument 'amd'\nTry 'virt-viommu --help'.\n" },
    { "invalid saved host", { "--host", "@HOST/bad-schema.xml", "--qemu-caps",
                              "@CAPS/caps_11.1.3_x86_64.xml", NULL },
      1, NULL, "error: XML document failed to validate against schema: hostiommu.rng: Element unit failed to validate attributes\n" },
};

static int
mymain(void)
{
    g_autofree char *datadir = virTestDataPath(DATADIR, NULL);
    int ret = 0;
    size_t i;

    virTestRegisterDataDir(datadir, NULL);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *title = g_strdup_printf("domcapabilities %s %s-%s",
                                                 cases[i].name, cases[i].arch,
                                                 cases[i].ver);
        if (virTestRun(title, testDomcaps, &cases[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(errorCases); i++) {
        g_autofree char *title = g_strdup_printf("error: %s", errorCases[i].title);
        if (virTestRun(title, testDomcapsError, &errorCases[i]) < 0)
            ret = -1;
    }
    for (i = 0; i < G_N_ELEMENTS(cliCases); i++) {
        g_autofree char *title = g_strdup_printf("virt-viommu domcapabilities: %s",
                                                 cliCases[i].title);
        if (virTestRun(title, testCLI, &cliCases[i]) < 0)
            ret = -1;
    }
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
