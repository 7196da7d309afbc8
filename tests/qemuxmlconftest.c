/*
 * qemuxmlconftest.c: domain XML -> QEMU command line, against recorded QEMU
 *                    capabilities (and captured host trees)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Data in tests/qemuxmlconfdata/, named like libvirt's:
 *   NAME.xml                    the input domain;
 *   NAME.out.xml                its formatted form when that differs;
 *   NAME.ARCH-VER.args          the expected command line for QEMU VER
 *                               (major.minor) on ARCH, in libvirt's .args
 *                               layout;
 *   NAME.ARCH-VER.err           the exact error (plus a newline) when the
 *                               case must fail;
 *   NAME.leftout                what the command line leaves out
 *                               (qemuDomainLeftOut), one path a line, for
 *                               every version; absent when nothing is.
 * VER maps to tests/qemucapabilitiesdata/caps_VER.*_ARCH.xml (the newest
 * micro release recorded). A case may name a captured host tree
 * tests/hostdata/HOST/ that assigned devices are checked against.
 *
 * Each case runs: parse (post-parse + conf validation) and the format
 * round trip, then QEMU validation, host validation (with a host tree),
 * qemuBuildCommandLine and the comparison with the expected file. For
 * command lines that build, the one-line shell form must split back
 * (g_shell_parse_argv) into exactly the environment and argv.
 *
 *   VIR_TEST_REGENERATE_OUTPUT=1   rewrite .args/.err/.out.xml files
 *   VIR_TEST_DEBUG=1               show differences
 */
#include <stdio.h>
#include <string.h>

#include "testutils.h"
#include "domain_conf.h"
#include "qemu_capabilities.h"
#include "qemu_command.h"
#include "qemu_domain_address.h"
#include "qemu_opaque.h"
#include "qemu_domain_prepare.h"
#include "qemu_validate.h"
#include "qemu_viommu.h"
#include "virhostiommu.h"
#include "hostiommu_conf.h"

#define DATADIR "qemuxmlconfdata"
#define CAPSDIR "qemucapabilitiesdata"
#define HOSTDIR "hostdata"
#define HOSTCAPSDIR "hostcapsdata"

typedef enum {
    TEST_ARGS,          /* builds; compare NAME.ARCH-VER.args */
    TEST_FAILURE,       /* parses, then validation or building fails */
    TEST_PARSE_ERROR,   /* parsing or conf validation fails */
} testQemuKind;

typedef struct {
    const char *name;
    const char *arch;
    const char *ver;        /* "11.1" */
    testQemuKind kind;
    const char *host;       /* tests/hostdata/HOST, or NULL */
} testQemuInfo;

static GHashTable *capsCache;   /* "ARCH-VER" -> virQEMUCaps */


/* The newest recorded caps_VER.N_ARCH.xml */
static char *
testQemuFindCapsFile(const char *arch, const char *ver)
{
    g_autofree char *dirPath = g_build_filename(abs_srcdir, CAPSDIR, NULL);
    g_autoptr(GDir) dir = g_dir_open(dirPath, 0, NULL);
    g_autofree char *prefix = g_strdup_printf("caps_%s.", ver);
    g_autofree char *suffix = g_strdup_printf("_%s.xml", arch);
    g_autofree char *best = NULL;
    unsigned long bestMicro = 0;
    const char *name;

    if (!dir)
        return NULL;
    while ((name = g_dir_read_name(dir))) {
        const char *micro = name + strlen(prefix);
        char *end = NULL;
        unsigned long m;

        if (!g_str_has_prefix(name, prefix) || !g_str_has_suffix(name, suffix))
            continue;
        m = strtoul(micro, &end, 10);
        if (end == micro || !g_str_equal(end, suffix))
            continue;
        if (!best || m > bestMicro) {
            g_free(best);
            best = g_strdup(name);
            bestMicro = m;
        }
    }
    if (!best)
        return NULL;
    return g_build_filename(dirPath, best, NULL);
}


static const virQEMUCaps *
testQemuGetCaps(const char *arch, const char *ver)
{
    g_autofree char *key = g_strdup_printf("%s-%s", arch, ver);
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    virQEMUCaps *caps;

    if ((caps = g_hash_table_lookup(capsCache, key)))
        return caps;
    if (!(path = testQemuFindCapsFile(arch, ver))) {
        fprintf(stderr, "no recorded capabilities for QEMU %s on %s in %s/\n",
                ver, arch, CAPSDIR);
        return NULL;
    }
    if (!(caps = virQEMUCapsParseFile(path, &err))) {
        fprintf(stderr, "%s: %s\n", path, err->message);
        return NULL;
    }
    g_hash_table_insert(capsCache, g_steal_pointer(&key), caps);
    return caps;
}


static char *
testQemuOutputPath(const testQemuInfo *info, const char *ext)
{
    return virTestDataPathFormat(DATADIR, "%s.%s-%s.%s", info->name,
                                 info->arch, info->ver, ext);
}


static int
testQemuCompareError(const testQemuInfo *info, const GError *err)
{
    g_autofree char *path = testQemuOutputPath(info, "err");

    return virTestCompareErrorToFile(err, path);
}


static virDomainDef *
testQemuParse(const testQemuInfo *info, GError **err)
{
    g_autofree char *path = virTestDataPathFormat(DATADIR, "%s.xml", info->name);

    virTestUseFile(path);
    return virDomainDefParseFile(path, 0, err);
}


/* Parse and format: the output is NAME.out.xml if there is one, else the
 * input itself (the formatter writes back what the user wrote). */
static int
testQemuRoundTrip(const void *opaque)
{
    const testQemuInfo *info = opaque;
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDef) def = testQemuParse(info, &err);
    g_autofree char *outPath = virTestDataPathFormat(DATADIR, "%s.out.xml", info->name);
    g_autofree char *inPath = virTestDataPathFormat(DATADIR, "%s.xml", info->name);
    g_autofree char *formatted = NULL;

    if (!def) {
        fprintf(stderr, "%s: %s\n", info->name, err->message);
        return -1;
    }
    formatted = virDomainDefFormat(def);
    if (g_file_test(outPath, G_FILE_TEST_EXISTS))
        return virTestCompareToFile(formatted, outPath);
    if (virTestRegenerate()) {
        g_autofree char *input = virTestLoadFile(inPath);

        /* never rewrite an input: a differing format goes to .out.xml */
        if (input && !g_str_equal(input, formatted))
            return virTestCompareToFile(formatted, outPath);
        return input ? 0 : -1;
    }
    return virTestCompareToFile(formatted, inPath);
}


/* The host the assigned devices are checked against: a captured tree
 * (tests/hostdata/HOST) or, when HOST ends in ".xml", a saved hostcaps
 * document such as a deep-probed one: tests/hostcapsdata/HOST, or
 * tests/HOST when HOST has a directory part. */
static virHostIOMMU *
testQemuLoadHost(const testQemuInfo *info, const virDomainDef *def,
                 GError **err)
{
    if (g_str_has_suffix(info->host, ".xml")) {
        g_autofree char *path = strchr(info->host, '/') ?
                                virTestDataPath(".", info->host) :
                                virTestDataPath(HOSTCAPSDIR, info->host);

        virTestUseFile(path);
        return virHostIOMMUParseFile(path, err);
    } else {
        g_autofree char *root = virTestDataPath(HOSTDIR, info->host);
        g_auto(GStrv) devices = virDomainDefHostdevAddresses(def);

        return virHostIOMMUProbe(root, (const char *const *)devices, false, err);
    }
}


/* Host validation of the assigned devices */
static int
testQemuValidateHost(const testQemuInfo *info, const virDomainDef *def,
                     GError **err)
{
    g_autoptr(virHostIOMMU) host = testQemuLoadHost(info, def, err);

    if (!host)
        return -1;
    return qemuViommuValidateHost(def, host, err);
}


/* The one-line form must split back into the same words */
static int
testQemuCheckShellLine(const testQemuInfo *info, const qemuCommandLine *cmd)
{
    g_autofree char *line = qemuCommandLineToString(cmd);
    g_auto(GStrv) words = NULL;
    g_autoptr(GError) err = NULL;
    size_t nenv = g_strv_length(cmd->env);
    size_t nargv = g_strv_length(cmd->argv);
    size_t i;

    if (!g_shell_parse_argv(line, NULL, &words, &err)) {
        fprintf(stderr, "%s: shell line does not parse: %s\n", info->name, err->message);
        return -1;
    }
    if (g_strv_length(words) != nenv + nargv) {
        fprintf(stderr, "%s: shell line has %u words, expected %zu\n",
                info->name, g_strv_length(words), nenv + nargv);
        return -1;
    }
    for (i = 0; i < nenv + nargv; i++) {
        const char *expect = i < nenv ? cmd->env[i] : cmd->argv[i - nenv];

        if (!g_str_equal(words[i], expect)) {
            fprintf(stderr, "%s: shell word %zu is '%s', expected '%s'\n",
                    info->name, i, words[i], expect);
            return -1;
        }
    }
    return 0;
}


/* NAME.leftout lists what the command line leaves out, and exists only then */
static int
testQemuCompareLeftOut(const testQemuInfo *info, const virDomainDef *def)
{
    g_auto(GStrv) parts = qemuDomainLeftOut(def);
    g_autofree char *joined = g_strjoinv("\n", parts);
    g_autofree char *actual = parts[0] ? g_strconcat(joined, "\n", NULL) : NULL;
    g_autofree char *path = virTestDataPathFormat(DATADIR, "%s.leftout",
                                                  info->name);

    if (!actual && !g_file_test(path, G_FILE_TEST_EXISTS))
        return 0;
    return virTestCompareToFile(actual ? actual : "", path);
}

static int
testQemuCommandLine(const void *opaque)
{
    const testQemuInfo *info = opaque;
    const virQEMUCaps *caps = testQemuGetCaps(info->arch, info->ver);
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(qemuCommandLine) cmd = NULL;
    g_autofree char *args = NULL;
    g_autofree char *path = NULL;

    if (!caps)
        return -1;

    def = testQemuParse(info, &err);
    if (info->kind == TEST_PARSE_ERROR) {
        if (def) {
            fprintf(stderr, "%s: parsing succeeded, expected an error\n", info->name);
            return -1;
        }
        return testQemuCompareError(info, err);
    }
    if (!def) {
        fprintf(stderr, "%s: %s\n", info->name, err->message);
        return -1;
    }

    if (qemuDomainPrepareDef(def, caps, &err) < 0 ||
        (info->host && testQemuValidateHost(info, def, &err) < 0) ||
        !(cmd = qemuBuildCommandLine(def, caps, &err))) {
        if (info->kind == TEST_FAILURE)
            return testQemuCompareError(info, err);
        fprintf(stderr, "%s (%s-%s): %s\n", info->name, info->arch, info->ver,
                err->message);
        return -1;
    }
    if (info->kind == TEST_FAILURE) {
        fprintf(stderr, "%s (%s-%s): the command line was built, expected an error\n",
                info->name, info->arch, info->ver);
        return -1;
    }

    args = qemuCommandLineToArgsFile(cmd);
    path = testQemuOutputPath(info, "args");
    if (virTestCompareToFile(args, path) < 0 ||
        testQemuCompareLeftOut(info, def) < 0)
        return -1;

    /* The completion changed @def like a define does; completing and
     * building again must not change anything. */
    {
        g_autoptr(qemuCommandLine) again = NULL;

        if (qemuDomainPrepareDef(def, caps, &err) == 0)
            again = qemuBuildCommandLine(def, caps, &err);
        g_autofree char *againArgs = again ? qemuCommandLineToArgsFile(again) : NULL;

        if (!again || !g_str_equal(againArgs, args)) {
            fprintf(stderr, "%s (%s-%s): a second build differs%s%s\n",
                    info->name, info->arch, info->ver,
                    err ? ": " : "", err ? err->message : "");
            return -1;
        }
    }
    return testQemuCheckShellLine(info, cmd);
}


static int
testQemuRun(const testQemuInfo *info)
{
    g_autofree char *title = g_strdup_printf("%s (%s-%s)", info->name,
                                             info->arch, info->ver);
    g_autofree char *xmlTitle = g_strdup_printf("%s xml", title);
    g_autofree char *argsTitle = g_strdup_printf("%s %s", title,
                                                 info->kind == TEST_ARGS ? "args" : "error");
    int ret = 0;

    if (info->kind != TEST_PARSE_ERROR &&
        virTestRun(xmlTitle, testQemuRoundTrip, info) < 0)
        ret = -1;
    if (virTestRun(argsTitle, testQemuCommandLine, info) < 0)
        ret = -1;
    return ret;
}


/* virt-viommu explain: per assigned device the flags and host verdicts,
 * per vIOMMU the guest's view (qemu_viommu_guest.c), as text in
 * NAME.ARCH-VER.explain and as JSON in NAME.ARCH-VER.explain.json */
static int
testQemuExplain(const void *opaque)
{
    const testQemuInfo *info = opaque;
    const virQEMUCaps *caps = testQemuGetCaps(info->arch, info->ver);
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virHostIOMMU) host = NULL;
    g_autoptr(qemuViommuExplanation) expl = NULL;
    g_autofree char *text = NULL;
    g_autofree char *json = NULL;
    g_autofree char *textPath = testQemuOutputPath(info, "explain");
    g_autofree char *jsonPath = testQemuOutputPath(info, "explain.json");

    if (!caps)
        return -1;
    if (!(def = testQemuParse(info, &err)) ||
        qemuValidateDomainDef(def, caps, &err) < 0 ||
        (info->host && !(host = testQemuLoadHost(info, def, &err)))) {
        fprintf(stderr, "%s (%s-%s): %s\n", info->name, info->arch, info->ver,
                err->message);
        return -1;
    }
    expl = qemuViommuExplain(def, caps, host);
    text = qemuViommuExplanationFormatText(expl);
    json = qemuViommuExplanationFormatJSON(expl);
    if (virTestCompareToFile(text, textPath) < 0 ||
        virTestCompareToFile(json, jsonPath) < 0)
        return -1;
    return 0;
}

#define DO_TEST_EXPLAIN(_name, _arch, _ver, _host) \
    do { \
        static const testQemuInfo _info = { \
            .name = _name, .arch = _arch, .ver = _ver, \
            .kind = TEST_ARGS, .host = _host, \
        }; \
        if (virTestRun(_name " (" _arch "-" _ver ") explain", \
                       testQemuExplain, &_info) < 0) \
            ret = -1; \
    } while (0)


/* The PCI topology above a bus after address assignment, as the vIOMMU
 * checks see it: the first conventional bridge on the way to the root
 * (-1: none) and the root complex (0, or a pcie-expander-bus index). */
typedef struct {
    const char *name;        /* case of qemuxmlconfdata */
    unsigned int bus;
    int bridge;
    int rootComplex;
} testQemuChainInfo;

static int
testQemuPCIChain(const void *opaque)
{
    const testQemuChainInfo *info = opaque;
    testQemuInfo parse = { .name = info->name, .arch = "x86_64", .ver = "11.1" };
    const virQEMUCaps *caps = testQemuGetCaps("x86_64", "11.1");
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDef) def = NULL;
    const virDomainControllerDef *bridge;
    int root;

    /* after address assignment, as the vIOMMU checks see the topology */
    if (!caps || !(def = testQemuParse(&parse, &err)) ||
        qemuDomainPrepareDef(def, caps, &err) < 0) {
        fprintf(stderr, "%s: %s\n", info->name, err ? err->message : "no caps");
        return -1;
    }
    bridge = virDomainPCIBusFindBridge(def, info->bus);
    root = virDomainPCIBusRootComplex(def, info->bus);
    if ((bridge ? bridge->idx : -1) != info->bridge ||
        root != info->rootComplex) {
        fprintf(stderr, "%s bus %u: bridge %d root %d, expected %d %d\n",
                info->name, info->bus, bridge ? bridge->idx : -1, root,
                info->bridge, info->rootComplex);
        return -1;
    }
    return 0;
}

#define DO_TEST_CHAIN(_name, _bus, _bridge, _root) \
    do { \
        static const testQemuChainInfo _info = { \
            .name = _name, .bus = _bus, \
            .bridge = _bridge, .rootComplex = _root, \
        }; \
        if (virTestRun("PCI chain " _name " bus " #_bus, testQemuPCIChain, &_info) < 0) \
            ret = -1; \
    } while (0)


/* `validate` is qemuDomainPrepareString: on a case that the QEMU stages
 * refuse it must give the message of NAME.ARCH-VER.err, on a case that
 * builds it must pass. */
static int
testQemuValidate(const void *opaque)
{
    const testQemuInfo *info = opaque;
    g_autofree char *path = virTestDataPathFormat(DATADIR, "%s.xml", info->name);
    g_autofree char *capsPath = testQemuFindCapsFile(info->arch, info->ver);
    qemuDomainPrepareOptions opts = { .qemuCapsFile = capsPath, .skipHost = true };
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(GError) err = NULL;

    if (!capsPath)
        return -1;
    prep = qemuDomainPrepareFile(path, &opts, &err);
    if (info->kind == TEST_ARGS) {
        if (!prep)
            fprintf(stderr, "%s: validate refused it: %s\n", info->name, err->message);
        return prep ? 0 : -1;
    }
    if (prep) {
        fprintf(stderr, "%s: validate passed it, expected an error\n", info->name);
        return -1;
    }
    return testQemuCompareError(info, err);
}

#define DO_TEST_VALIDATE(_name, _arch, _ver, _kind) \
    do { \
        static const testQemuInfo _info = { \
            .name = _name, .arch = _arch, .ver = _ver, .kind = _kind, \
        }; \
        if (virTestRun("validate " _name " (" _arch "-" _ver ")", \
                       testQemuValidate, &_info) < 0) \
            ret = -1; \
    } while (0)


#define DO_TEST_FULL(_name, _arch, _ver, _kind, _host) \
    do { \
        static const testQemuInfo _info = { \
            .name = _name, .arch = _arch, .ver = _ver, \
            .kind = _kind, .host = _host, \
        }; \
        if (testQemuRun(&_info) < 0) \
            ret = -1; \
    } while (0)

#define DO_TEST_CAPS_VER(name, arch, ver) \
    DO_TEST_FULL(name, arch, ver, TEST_ARGS, NULL)
#define DO_TEST_CAPS_VER_FAILURE(name, arch, ver) \
    DO_TEST_FULL(name, arch, ver, TEST_FAILURE, NULL)
#define DO_TEST_CAPS_VER_PARSE_ERROR(name, arch, ver) \
    DO_TEST_FULL(name, arch, ver, TEST_PARSE_ERROR, NULL)
/* with a captured host tree tests/hostdata/HOST */
#define DO_TEST_CAPS_VER_HOST(name, arch, ver, host) \
    DO_TEST_FULL(name, arch, ver, TEST_ARGS, host)
#define DO_TEST_CAPS_VER_HOST_FAILURE(name, arch, ver, host) \
    DO_TEST_FULL(name, arch, ver, TEST_FAILURE, host)

/* x86_64 against both recorded QEMU generations */
#define DO_TEST_X86_BOTH(name) \
    do { \
        DO_TEST_CAPS_VER(name, "x86_64", "10.0"); \
        DO_TEST_CAPS_VER(name, "x86_64", "11.1"); \
    } while (0)
#define DO_TEST_AARCH64_BOTH(name) \
    do { \
        DO_TEST_CAPS_VER(name, "aarch64", "10.0"); \
        DO_TEST_CAPS_VER(name, "aarch64", "11.1"); \
    } while (0)
#define DO_TEST_X86_BOTH_FAILURE(name) \
    do { \
        DO_TEST_CAPS_VER_FAILURE(name, "x86_64", "10.0"); \
        DO_TEST_CAPS_VER_FAILURE(name, "x86_64", "11.1"); \
    } while (0)


static int
mymain(void)
{
    g_autofree char *dataDir = g_build_filename(abs_srcdir, DATADIR, NULL);
    int ret = 0;

    capsCache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)virQEMUCapsFree);
    virTestRegisterDataDir(dataDir, NULL);

    /* ---- general domains (no vIOMMU) -------------------------------- */
    DO_TEST_X86_BOTH("q35-minimal");
    /* no <vcpu>: one vCPU, like libvirt */
    DO_TEST_X86_BOTH("vcpu-absent");
    /* more vCPUs than query-machines' cpu-max of the machine type (4096
     * for q35; libvirt's grammar itself stops at 65535) */
    DO_TEST_X86_BOTH_FAILURE("vcpu-too-many");
    /* a custom CPU model must be one the binary lists: -cpu does not
     * honour the ',,' escape, so properties could be injected */
    DO_TEST_X86_BOTH("cpu-custom-model");
    DO_TEST_X86_BOTH_FAILURE("cpu-custom-injection");
    DO_TEST_X86_BOTH_FAILURE("cpu-custom-unknown");
    DO_TEST_X86_BOTH("q35-basic");
    DO_TEST_X86_BOTH("q35-devices");
    DO_TEST_X86_BOTH("q35-no-defaults");
    DO_TEST_X86_BOTH("q35-explicit-addresses");
    /* primary video and ich9 sound at their fixed slots, the other opaque
     * devices in libvirt's order, a conventional NIC behind the
     * pcie-to-pci-bridge libvirt adds */
    DO_TEST_CAPS_VER("q35-opaque-devices", "x86_64", "11.1");
    /* <graphics> without <video>: libvirt adds the primary video */
    DO_TEST_CAPS_VER("q35-graphics-implicit-video", "x86_64", "11.1");
    /* controllers without index: libvirt numbers them at parse time */
    DO_TEST_CAPS_VER("q35-controllers-no-index", "x86_64", "11.1");
    /* an address naming a bus that has no controller: libvirt adds them */
    DO_TEST_X86_BOTH("q35-address-missing-buses");
    DO_TEST_X86_BOTH("q35-many-root-ports");
    DO_TEST_X86_BOTH("q35-pcie-expander-bus");
    DO_TEST_X86_BOTH("q35-pcie-expander-bus-auto");
    DO_TEST_X86_BOTH("q35-switch-ports");
    DO_TEST_X86_BOTH("q35-pci-bridges");
    DO_TEST_X86_BOTH("q35-user-root-ports");
    DO_TEST_X86_BOTH("q35-tcg");
    DO_TEST_X86_BOTH("q35-kvm-host-cpu");
    DO_TEST_X86_BOTH("q35-memory-units");
    DO_TEST_X86_BOTH("q35-clock");
    DO_TEST_X86_BOTH("q35-lifecycle-destroy");
    DO_TEST_X86_BOTH("q35-ioapic-qemu");
    DO_TEST_X86_BOTH("q35-uefi");
    DO_TEST_X86_BOTH("q35-bios-rom");
    DO_TEST_X86_BOTH("q35-versioned-machine");
    DO_TEST_X86_BOTH("q35-hostdev-root-ports");
    DO_TEST_X86_BOTH("q35-serial-file");
    DO_TEST_X86_BOTH("q35-name-quoting");

    /* libvirt rounds the memory it gives QEMU up to a whole MiB */
    DO_TEST_X86_BOTH("q35-memory-round");
    /* i440fx: pci-root, PIIX3 at 00:01 with its UHCI, conventional PCI */
    DO_TEST_X86_BOTH("pc-basic");
    DO_TEST_X86_BOTH("pc-address-missing-buses");
    DO_TEST_CAPS_VER("pc-opaque-devices", "x86_64", "11.1");

    /* PCI hostdev forms: interface, unassigned, variant driver,
     * multifunction, PCI domain, display and ramfb */
    DO_TEST_X86_BOTH("hostdev-pci-forms");
    DO_TEST_CAPS_VER_FAILURE("hostdev-display-no-graphics", "x86_64", "11.1");

    /* more than 255 vCPUs, as libvirt completes and checks them */
    /* (each start of a few hundred vCPUs costs the real-QEMU suite half a
     * minute: the variants run against one QEMU version, with 256) */
    DO_TEST_X86_BOTH("q35-vcpus-288");
    DO_TEST_CAPS_VER("q35-vcpus-288-intel-bare", "x86_64", "11.1");
    DO_TEST_CAPS_VER("q35-vcpus-288-intel-caching", "x86_64", "11.1");
    DO_TEST_CAPS_VER("q35-vcpus-288-virtio-ioapic-qemu", "x86_64", "11.1");
    DO_TEST_X86_BOTH_FAILURE("q35-vcpus-288-ioapic-kvm");
    DO_TEST_X86_BOTH_FAILURE("q35-vcpus-288-intremap-off");
    DO_TEST_X86_BOTH_FAILURE("q35-vcpus-288-eim-off");
    DO_TEST_X86_BOTH_FAILURE("q35-vcpus-288-virtio");
    DO_TEST_X86_BOTH_FAILURE("pc-vcpus-288");

    DO_TEST_AARCH64_BOTH("virt-basic");
    DO_TEST_AARCH64_BOTH("virt-uefi-default-nvram");
    DO_TEST_AARCH64_BOTH("virt-tcg");
    DO_TEST_AARCH64_BOTH("virt-pcie-expander-bus");

    /* ---- the PCI controller chain the vIOMMU checks rely on ------------- */
    DO_TEST_CHAIN("q35-pci-bridges", 5, 5, 0);
    DO_TEST_CHAIN("q35-pci-bridges", 4, 4, 0);
    DO_TEST_CHAIN("q35-pci-bridges", 3, -1, 0);
    DO_TEST_CHAIN("q35-pci-bridges", 2, 2, 0);
    DO_TEST_CHAIN("q35-pcie-expander-bus", 3, -1, 1);
    DO_TEST_CHAIN("q35-pcie-expander-bus", 4, -1, 0);
    DO_TEST_CHAIN("q35-switch-ports", 5, -1, 0);
    DO_TEST_CHAIN("q35-minimal", 0, -1, 0);

    /* validate runs the same QEMU stages as domxml-to-native: the same
     * verdicts, the same messages (the pc machine and a bus with no
     * controller used to pass validate and fail the command line) */
    DO_TEST_VALIDATE("pc-basic", "x86_64", "11.1", TEST_ARGS);
    DO_TEST_VALIDATE("q35-address-missing-buses", "x86_64", "11.1", TEST_ARGS);
    DO_TEST_VALIDATE("q35-vcpus-288", "x86_64", "11.1", TEST_ARGS);
    DO_TEST_VALIDATE("virtio-iommu-root-port", "x86_64", "11.1", TEST_FAILURE);
    DO_TEST_VALIDATE("virtio-iommu-no-acpi", "x86_64", "11.1", TEST_FAILURE);
    DO_TEST_VALIDATE("q35-vcpus-288-ioapic-kvm", "x86_64", "11.1", TEST_FAILURE);
    DO_TEST_VALIDATE("pc-vcpus-288", "x86_64", "11.1", TEST_FAILURE);
    DO_TEST_VALIDATE("virt-acpi-no-uefi", "aarch64", "11.1", TEST_FAILURE);

    /* ---- general failures --------------------------------------------- */
    DO_TEST_X86_BOTH_FAILURE("q35-address-pxb-endpoint");
    DO_TEST_X86_BOTH_FAILURE("q35-address-root-port-slot");
    DO_TEST_X86_BOTH_FAILURE("q35-address-bridge-on-root");
    DO_TEST_X86_BOTH_FAILURE("q35-address-conflict-builtin");
    DO_TEST_X86_BOTH_FAILURE("q35-sata-controller-address");
    DO_TEST_X86_BOTH_FAILURE("q35-host-model");
    DO_TEST_X86_BOTH("q35-firmware-autoselect");
    /* an i686 guest runs on qemu-system-x86_64, as libvirt runs it */
    DO_TEST_X86_BOTH("i686-pc");
    /* virtio devices behind the vIOMMU: <driver iommu= ats=> */
    DO_TEST_X86_BOTH("intel-virtio-iommu-platform");
    DO_TEST_X86_BOTH_FAILURE("q35-scsi-no-controller");
    DO_TEST_X86_BOTH_FAILURE("q35-net-no-model");
    DO_TEST_X86_BOTH_FAILURE("q35-pci-bridge-index");
    DO_TEST_X86_BOTH_FAILURE("q35-no-pci-bus");
    DO_TEST_CAPS_VER_FAILURE("q35-machine-too-new", "x86_64", "10.0");
    /* accepted by validate (libvirt accepts it), not translated */
    DO_TEST_CAPS_VER_FAILURE("x86-microvm", "x86_64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("virt-sata-disk", "aarch64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("virt-machine-too-new", "aarch64", "10.0");
    DO_TEST_CAPS_VER_FAILURE("virt-two-serials", "aarch64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("virt-passthrough-tcg", "aarch64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("virt-acpi-no-uefi", "aarch64", "11.1");

    /* ---- vIOMMU, iommufd and assigned devices ---------------------------- */
#define SERVER "intel-server-sm"
#define X86_11_HOST(name, host) DO_TEST_CAPS_VER_HOST(name, "x86_64", "11.1", host)
#define X86_10_HOST_FAIL(name, host) DO_TEST_CAPS_VER_HOST_FAILURE(name, "x86_64", "10.0", host)
#define X86_11_HOST_FAIL(name, host) DO_TEST_CAPS_VER_HOST_FAILURE(name, "x86_64", "11.1", host)
#define ARM_11(name) DO_TEST_CAPS_VER(name, "aarch64", "11.1")
#define ARM_11_HOST(name, host) DO_TEST_CAPS_VER_HOST(name, "aarch64", "11.1", host)
#define ARM_11_FAIL(name) DO_TEST_CAPS_VER_FAILURE(name, "aarch64", "11.1")
#define ARM_11_HOST_FAIL(name, host) DO_TEST_CAPS_VER_HOST_FAILURE(name, "aarch64", "11.1", host)
#define SMMU_DEEP "smmuv3.deep.xml"

    /* intel: libvirt's attributes, both generations */
    DO_TEST_X86_BOTH("intel-iommu-basic");
    DO_TEST_X86_BOTH("intel-iommu-libvirt-attrs");
    DO_TEST_X86_BOTH("intel-iommu-q35-9.1");
    DO_TEST_X86_BOTH("intel-iommu-intremap-no-ioapic");
    DO_TEST_X86_BOTH("intel-scalable-mode");
    DO_TEST_X86_BOTH("intel-scalable-pasid-1bit");
    /* first stage for emulated devices exists in 10.0 (x-flts) */
    DO_TEST_X86_BOTH("intel-nesting-emulated");
    /* HW nesting for assigned devices: 11.1 only, checked against the host */
    X86_11_HOST("intel-nesting-hostdev", SERVER);
    X86_10_HOST_FAIL("intel-nesting-hostdev", SERVER);
    /* an <interface type='hostdev'> is a hostdev for the vIOMMU rules */
    X86_11_HOST("intel-nesting-net-hostdev", SERVER);
    DO_TEST_CAPS_VER_PARSE_ERROR("intel-nesting-net-hostdev-legacy", "x86_64", "11.1");
    X86_11_HOST("intel-nesting-pasid", SERVER);
    X86_10_HOST_FAIL("intel-nesting-pasid", SERVER);
    X86_11_HOST("intel-nesting-pasid-bits", SERVER);
    X86_10_HOST_FAIL("intel-nesting-pasid-bits", SERVER);
    X86_11_HOST("intel-upstream-spelling", SERVER);
    X86_10_HOST_FAIL("intel-upstream-spelling", SERVER);
    X86_11_HOST("intel-nesting-fs1gp-off", SERVER);
    X86_10_HOST_FAIL("intel-nesting-fs1gp-off", SERVER);
    X86_11_HOST("intel-iommufd-fdgroup", SERVER);
    X86_10_HOST_FAIL("intel-iommufd-fdgroup", SERVER);
    X86_11_HOST("intel-nesting-vpasid-offset", SERVER);
    X86_10_HOST_FAIL("intel-nesting-vpasid-offset", SERVER);
    /* a whole domain as virt-install writes it, with nesting and PASID:
     * what the model leaves out is listed in q35-whole-desktop.leftout */
    X86_11_HOST("q35-whole-desktop", SERVER);
    X86_10_HOST_FAIL("q35-whole-desktop", SERVER);
    X86_11_HOST("intel-nesting-switch-port", SERVER);
    X86_11_HOST("intel-nesting-two-units", SERVER);
    /* shadowed (caching-mode) vIOMMU: what 10.0 can run with VFIO */
    DO_TEST_CAPS_VER_HOST("intel-shadow-iommufd", "x86_64", "10.0", SERVER);
    X86_11_HOST("intel-shadow-iommufd", SERVER);
    DO_TEST_CAPS_VER_HOST("intel-shadow-legacy", "x86_64", "10.0", SERVER);
    X86_11_HOST("intel-shadow-legacy", SERVER);
    DO_TEST_CAPS_VER_HOST("intel-mixed-backends", "x86_64", "10.0", SERVER);
    X86_11_HOST("intel-mixed-backends", SERVER);
    /* a 20-bit PASID: 11.1's pasid-bits; 10.0's x-pasid-mode is 1 bit */
    DO_TEST_CAPS_VER("intel-pasid-20-emulated", "x86_64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("intel-pasid-20-emulated", "x86_64", "10.0");
    DO_TEST_CAPS_VER("intel-pasid-1bit-iotlb", "x86_64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("intel-pasid-1bit-iotlb", "x86_64", "10.0");
    /* QEMU's realize rules */
    DO_TEST_X86_BOTH_FAILURE("intel-iommu-i440fx");
    DO_TEST_X86_BOTH_FAILURE("intel-nesting-aw-bits-39");
    DO_TEST_X86_BOTH_FAILURE("intel-aw-bits-57");
    DO_TEST_X86_BOTH_FAILURE("intel-hostdev-no-caching-mode");
    DO_TEST_X86_BOTH_FAILURE("intel-svm-no-iotlb");
    DO_TEST_CAPS_VER_FAILURE("intel-svm-no-pasid", "x86_64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("intel-svm-dma-translation-off", "x86_64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("intel-svm-no-nesting", "x86_64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("intel-nesting-pci-bridge", "x86_64", "11.1");
    /* the host, device by device */
    X86_11_HOST_FAIL("intel-host-sm-off", "intel-sm-off");
    X86_11_HOST_FAIL("intel-host-client-no-sm", "intel-client-nest");
    X86_11_HOST_FAIL("intel-host-amd", "amd");
    X86_11_HOST_FAIL("intel-host-no-iommufd", "no-iommufd");
    X86_10_HOST_FAIL("intel-host-no-iommufd", "no-iommufd");
    X86_11_HOST_FAIL("intel-host-missing-device", SERVER);
    X86_11_HOST_FAIL("intel-host-unit-no-pasid", SERVER);
    X86_11_HOST_FAIL("intel-host-aw-bits", "intel-client-nest");
    X86_10_HOST_FAIL("intel-host-aw-bits", "intel-client-nest");
    X86_11_HOST_FAIL("intel-host-iotlb-no-ats", SERVER);
    X86_11_HOST_FAIL("intel-host-managed-no", SERVER);

    /* virtio and amd */
    DO_TEST_X86_BOTH("virtio-iommu-x86");
    DO_TEST_CAPS_VER_HOST("virtio-iommu-hostdev", "x86_64", "10.0", SERVER);
    X86_11_HOST("virtio-iommu-hostdev", SERVER);
    DO_TEST_X86_BOTH_FAILURE("virtio-iommu-i440fx");
    DO_TEST_X86_BOTH_FAILURE("virtio-iommu-no-acpi");
    DO_TEST_X86_BOTH_FAILURE("virtio-iommu-root-port");
    /* libvirt's amd-iommu needs 'pci-id' (11.1); 'pt' is gone in 11.1 */
    DO_TEST_CAPS_VER("amd-iommu", "x86_64", "11.1");
    DO_TEST_CAPS_VER_FAILURE("amd-iommu", "x86_64", "10.0");
    DO_TEST_X86_BOTH_FAILURE("amd-iommu-passthrough");
    DO_TEST_X86_BOTH_FAILURE("smmuv3-on-q35");

    /* smmuv3 */
    ARM_11("smmuv3-machine");
    DO_TEST_CAPS_VER("smmuv3-machine", "aarch64", "10.0");
    ARM_11("smmuv3-pcibus");
    DO_TEST_CAPS_VER_FAILURE("smmuv3-pcibus", "aarch64", "10.0");
    ARM_11("smmuv3-pcibus-root");
    ARM_11("smmuv3-with-virtio");
    ARM_11("virtio-iommu-aarch64");
    ARM_11("smmuv3-accel-all-explicit-no-hostdev");
    ARM_11_HOST("smmuv3-accel-explicit", SMMU_DEEP);
    ARM_11_HOST("smmuv3-accel-auto", SMMU_DEEP);
    ARM_11_HOST("smmuv3-nesting", SMMU_DEEP);
    ARM_11_HOST("smmuv3-nesting-pasid", SMMU_DEEP);
    DO_TEST_CAPS_VER_HOST_FAILURE("smmuv3-nesting-pasid", "aarch64", "10.0", SMMU_DEEP);
    ARM_11_FAIL("smmuv3-accel-no-pcibus");
    ARM_11_FAIL("smmuv3-accel-tcg");
    ARM_11_FAIL("smmuv3-accel-no-acpi");
    ARM_11_FAIL("smmuv3-accel-emulated-endpoint");
    ARM_11_FAIL("smmuv3-accel-emulated-rng");
    ARM_11_FAIL("smmuv3-accel-no-hostdev");
    ARM_11_FAIL("smmuv3-oas-52");
    ARM_11_HOST_FAIL("smmuv3-host-ssidsize", "qemuxmlconfdata/smmuv3-ssid8.host.xml");
    ARM_11_HOST_FAIL("smmuv3-host-not-deep", "smmuv3");

    /* explain: flags, host verdicts and the guest's view of each vIOMMU */
    DO_TEST_EXPLAIN("intel-nesting-pasid", "x86_64", "11.1", SERVER);
    DO_TEST_EXPLAIN("intel-nesting-emulated", "x86_64", "10.0", NULL);
    DO_TEST_EXPLAIN("intel-nesting-emulated", "x86_64", "11.1", NULL);
    DO_TEST_EXPLAIN("intel-scalable-pasid-1bit", "x86_64", "10.0", NULL);
    DO_TEST_EXPLAIN("intel-scalable-pasid-1bit", "x86_64", "11.1", NULL);
    DO_TEST_EXPLAIN("intel-iommu-libvirt-attrs", "x86_64", "11.1", NULL);
    DO_TEST_EXPLAIN("intel-iommu-q35-9.1", "x86_64", "11.1", NULL);
    DO_TEST_EXPLAIN("virtio-iommu-x86", "x86_64", "11.1", NULL);
    DO_TEST_EXPLAIN("smmuv3-machine", "aarch64", "11.1", NULL);
    DO_TEST_EXPLAIN("smmuv3-pcibus", "aarch64", "11.1", NULL);
    DO_TEST_EXPLAIN("smmuv3-nesting-pasid", "aarch64", "11.1", SMMU_DEEP);
    DO_TEST_EXPLAIN("smmuv3-accel-auto", "aarch64", "11.1", SMMU_DEEP);


    g_hash_table_unref(capsCache);
    return ret;
}


int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
