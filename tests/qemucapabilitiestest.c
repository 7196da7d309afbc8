/*
 * qemucapabilitiestest.c: QEMU capabilities documents, flag derivation,
 *                         the per-binary cache and the QMP client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Data (tests/qemucapabilitiesdata):
 *   caps_VER_ARCH.xml    documents recorded from real QEMU builds: each is
 *                        schema-valid, parses, formats back byte-identical
 *                        (VIR_TEST_REGENERATE_OUTPUT=1 rewrites them)
 *   caps_VER_ARCH.flags  the flags each must derive, kept by hand (never
 *                        regenerated, so a wrong derivation fails)
 *   derive/NAME.xml      small hand-written documents for the derivation
 *                        rules, with NAME.flags
 *   invalid/NAME.xml     documents the parser must refuse, with the exact
 *                        message in NAME.err
 *
 * The cache and QMP tests run the real QEMU binary ($VIRT_VIOMMU_TEST_QEMU,
 * default /usr/bin/qemu-system-x86_64): a copy of it in a temporary
 * directory stands for a binary that gets replaced.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutils.h"
#include "qemu_capabilities.h"
#include "virqmp.h"
#include "virxml.h"

#define CAPSDIR "qemucapabilitiesdata"

static const char *
testQemuBinary(void)
{
    const char *env = g_getenv("VIRT_VIOMMU_TEST_QEMU");

    return env && *env ? env : "/usr/bin/qemu-system-x86_64";
}


/* ---- flags ------------------------------------------------------------ */

static int
testCompareFlags(const virQEMUCaps *caps, const char *flagsPath)
{
    g_autofree char *text = virTestLoadFile(flagsPath);
    g_auto(GStrv) lines = NULL;
    bool expect[QEMU_CAPS_LAST] = { false };
    int ret = 0;
    size_t i;

    if (!text)
        return -1;
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        const char *line = g_strstrip(lines[i]);
        int flag;

        if (!*line || *line == '#')
            continue;
        if ((flag = virQEMUCapsTypeFromString(line)) < 0) {
            fprintf(stderr, "%s: unknown flag '%s'\n", flagsPath, line);
            return -1;
        }
        expect[flag] = true;
    }
    for (i = 0; i < QEMU_CAPS_LAST; i++) {
        if (expect[i] != virQEMUCapsGet(caps, i)) {
            fprintf(stderr, "%s: flag '%s' expected %s, derived %s\n",
                    flagsPath, virQEMUCapsTypeToString(i),
                    expect[i] ? "set" : "unset",
                    virQEMUCapsGet(caps, i) ? "set" : "unset");
            ret = -1;
        }
    }
    return ret;
}


/* ---- recorded documents ----------------------------------------------- */

typedef struct {
    const char *stem;           /* caps_VER_ARCH */
    const char *arch;
    const char *version;
    unsigned int versionNum;
    const char *machineAlias;
    const char *machineCanon;
    /* one property the generator relies on, with its recorded type and
     * default, and one that this binary must not have */
    const char *propType;
    const char *propName;
    const char *propQAPI;
    const char *propDefault;
    const char *absentType;
    const char *absentName;
} testRecordedInfo;

static int
testCheckAccessors(const virQEMUCaps *caps, const testRecordedInfo *info)
{
    g_autofree char *binary = g_strdup_printf("/usr/bin/qemu-system-%s", info->arch);
    const char *canon = virQEMUCapsGetCanonicalMachine(caps, info->machineAlias);

#define CHECK_STR(what, actual, expected) \
    if (g_strcmp0((actual), (expected)) != 0) { \
        fprintf(stderr, "%s: %s is '%s', expected '%s'\n", info->stem, what, \
                (actual) ? (actual) : "(null)", (expected) ? (expected) : "(null)"); \
        return -1; \
    }
    CHECK_STR("emulator", virQEMUCapsGetBinary(caps), binary);
    CHECK_STR("arch", virQEMUCapsGetArch(caps), info->arch);
    CHECK_STR("version", virQEMUCapsGetVersionString(caps), info->version);
    CHECK_STR("canonical machine", canon, info->machineCanon);
    CHECK_STR("canonical of the canonical machine",
              virQEMUCapsGetCanonicalMachine(caps, info->machineCanon), info->machineCanon);
    CHECK_STR("property type",
              virQEMUCapsGetPropertyType(caps, info->propType, info->propName), info->propQAPI);
    CHECK_STR("property default",
              virQEMUCapsGetPropertyDefault(caps, info->propType, info->propName),
              info->propDefault);
    CHECK_STR("absent property type",
              virQEMUCapsGetPropertyType(caps, info->absentType, info->absentName), NULL);
    CHECK_STR("unknown machine", virQEMUCapsGetCanonicalMachine(caps, "no-such-machine"), NULL);
#undef CHECK_STR

    if (virQEMUCapsGetVersion(caps) != info->versionNum) {
        fprintf(stderr, "%s: version number %u, expected %u\n", info->stem,
                virQEMUCapsGetVersion(caps), info->versionNum);
        return -1;
    }
    /* the document must name the Debian package it came from */
    if (!strstr(virQEMUCapsGetPackage(caps), "Debian") ||
        !strstr(virQEMUCapsGetPackage(caps), info->version)) {
        fprintf(stderr, "%s: package '%s' does not name a Debian %s build\n",
                info->stem, virQEMUCapsGetPackage(caps), info->version);
        return -1;
    }
    return 0;
}

static int
testValidateSchema(const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlDoc) doc = virXMLParse(path, NULL, "qemuCaps", &err);
    g_autofree char *schema = virXMLSchemaPath("qemucaps.rng");

    if (!doc || virXMLValidateAgainstSchema(doc, schema, &err) < 0) {
        fprintf(stderr, "%s: %s\n", path, err->message);
        return -1;
    }
    return 0;
}

static int
testRecorded(const void *opaque)
{
    const testRecordedInfo *info = opaque;
    g_autofree char *path = virTestDataPathFormat(CAPSDIR, "%s.xml", info->stem);
    g_autofree char *flagsPath = virTestDataPathFormat(CAPSDIR, "%s.flags", info->stem);
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;

    virTestUseFile(path);
    if (testValidateSchema(path) < 0)
        return -1;
    if (!(caps = virQEMUCapsParseFile(path, &err))) {
        fprintf(stderr, "%s: %s\n", path, err->message);
        return -1;
    }
    out = virQEMUCapsFormat(caps);
    if (virTestCompareToFile(out, path) < 0)
        return -1;
    if (testCompareFlags(caps, flagsPath) < 0)
        return -1;
    return testCheckAccessors(caps, info);
}

/* parse(format(x)) == x also for a parsed string, not only a file */
static int
testRoundTripString(const void *opaque)
{
    const testRecordedInfo *info = opaque;
    g_autofree char *path = virTestDataPathFormat(CAPSDIR, "%s.xml", info->stem);
    g_autofree char *xml = virTestLoadFile(path);
    g_autoptr(virQEMUCaps) a = NULL;
    g_autoptr(virQEMUCaps) b = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *outA = NULL;
    g_autofree char *outB = NULL;

    if (!xml || !(a = virQEMUCapsParseString(xml, &err)))
        return -1;
    outA = virQEMUCapsFormat(a);
    if (!(b = virQEMUCapsParseString(outA, &err))) {
        fprintf(stderr, "%s\n", err->message);
        return -1;
    }
    outB = virQEMUCapsFormat(b);
    return strcmp(outA, outB) == 0 ? 0 : virTestDifference(outA, outB, path);
}


/* ---- derivation and invalid documents --------------------------------- */

static int
testDerive(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *path = virTestDataPathFormat(CAPSDIR, "derive/%s.xml", name);
    g_autofree char *flagsPath = virTestDataPathFormat(CAPSDIR, "derive/%s.flags", name);
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) err = NULL;

    virTestUseFile(path);
    if (testValidateSchema(path) < 0)
        return -1;
    /* the parser itself refuses a <flag> list that differs from the
     * derivation, so this already checks the flags written in the file */
    if (!(caps = virQEMUCapsParseFile(path, &err))) {
        fprintf(stderr, "%s: %s\n", path, err->message);
        return -1;
    }
    return testCompareFlags(caps, flagsPath);
}

static int
testInvalid(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *path = virTestDataPathFormat(CAPSDIR, "invalid/%s.xml", name);
    g_autofree char *errPath = virTestDataPathFormat(CAPSDIR, "invalid/%s.err", name);
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) err = NULL;

    virTestUseFile(path);
    if ((caps = virQEMUCapsParseFile(path, &err))) {
        fprintf(stderr, "%s: parsed, but must be refused\n", path);
        return -1;
    }
    if (err->domain != VIR_ERROR ||
        (err->code != VIR_ERR_XML_ERROR && err->code != VIR_ERR_XML_DETAIL)) {
        fprintf(stderr, "%s: wrong error code %d: %s\n", path, err->code, err->message);
        return -1;
    }
    return virTestCompareErrorToFile(err, errPath);
}

static void
testRunDir(const char *sub, const char *suffix, virTestFunc func, int *ret)
{
    g_autofree char *dirPath = virTestDataPath(CAPSDIR, sub);
    g_auto(GStrv) stems = virTestListStems(dirPath, suffix, NULL);
    size_t i;

    virTestRegisterDataDir(dirPath, NULL);
    if (!stems) {
        fprintf(stderr, "cannot open %s\n", dirPath);
        *ret = -1;
        return;
    }
    if (!stems[0]) {
        fprintf(stderr, "no %s files in %s\n", suffix, dirPath);
        *ret = -1;
    }
    for (i = 0; stems[i]; i++) {
        g_autofree char *title = g_strdup_printf("%s/%s", sub, stems[i]);

        if (virTestRun(title, func, stems[i]) < 0)
            *ret = -1;
    }
}


/* ---- the cache, with the real binary ---------------------------------- */

typedef struct {
    char *tmpdir;
    char *cacheDir;
    char *binary;       /* a copy of the real QEMU binary */
    char *realPackage;
} testCacheState;

static testCacheState cacheState;

static int
testCopyFile(const char *from, const char *to)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(from, &data, &len, &err) ||
        !g_file_set_contents(to, data, len, &err)) {
        fprintf(stderr, "cannot copy %s: %s\n", from, err->message);
        return -1;
    }
    return chmod(to, 0755);
}

static void
testRemoveTree(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    if (dir) {
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            testRemoveTree(child);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int
testSetMTime(const char *path, time_t sec)
{
    struct timespec ts[2] = { { sec, 0 }, { sec, 0 } };

    if (utimensat(AT_FDCWD, path, ts, 0) < 0) {
        fprintf(stderr, "cannot set mtime of %s: %s\n", path, g_strerror(errno));
        return -1;
    }
    return 0;
}

static char *
testCachePath(void)
{
    return virQEMUCapsCacheFile(cacheState.binary, cacheState.cacheDir);
}

/* Mark the cache file so that a hit can be told from a probe */
static int
testTamperCache(void)
{
    g_autofree char *path = testCachePath();
    g_autofree char *xml = NULL;
    g_autofree char *needle = NULL;
    g_autoptr(GString) s = NULL;

    if (!(xml = virTestLoadFile(path)))
        return -1;
    s = g_string_new(xml);
    needle = g_strdup_printf("<package>%s</package>", cacheState.realPackage);
    if (g_string_replace(s, needle, "<package>from-the-cache</package>", 1) != 1) {
        fprintf(stderr, "%s has no %s\n", path, needle);
        return -1;
    }
    return g_file_set_contents(path, s->str, -1, NULL) ? 0 : -1;
}

static const char *
testLookupPackage(virQEMUCaps **out)
{
    g_autoptr(GError) err = NULL;

    g_clear_pointer(out, virQEMUCapsFree);
    if (!(*out = virQEMUCapsCacheLookup(cacheState.binary, cacheState.cacheDir, &err))) {
        fprintf(stderr, "lookup: %s\n", err->message);
        return NULL;
    }
    return virQEMUCapsGetPackage(*out);
}

static int
testCacheFirstProbe(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virQEMUCaps) direct = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *path = testCachePath();
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    if (!testLookupPackage(&caps))
        return -1;
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        fprintf(stderr, "no cache file %s after a probe\n", path);
        return -1;
    }
    if (testValidateSchema(path) < 0)
        return -1;
    cacheState.realPackage = g_strdup(virQEMUCapsGetPackage(caps));

    /* what the cache returns is what a direct probe says */
    if (!(direct = virQEMUCapsProbe(cacheState.binary, &err))) {
        fprintf(stderr, "probe: %s\n", err->message);
        return -1;
    }
    a = virQEMUCapsFormat(caps);
    b = virQEMUCapsFormat(direct);
    if (strcmp(a, b) != 0)
        return virTestDifference(b, a, path);
    if (strstr(a, "<cache")) {
        fprintf(stderr, "the public document must not carry cache data\n");
        return -1;
    }
    return 0;
}

static int
testCacheHit(const void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    const char *pkg;

    if (testTamperCache() < 0 || !(pkg = testLookupPackage(&caps)))
        return -1;
    if (strcmp(pkg, "from-the-cache") != 0) {
        fprintf(stderr, "a current cache file was probed again (package '%s')\n", pkg);
        return -1;
    }
    return 0;
}

static int
testCacheExpectReprobe(const char *why)
{
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virQEMUCaps) again = NULL;
    const char *pkg;

    if (!(pkg = testLookupPackage(&caps)))
        return -1;
    if (strcmp(pkg, cacheState.realPackage) != 0) {
        fprintf(stderr, "%s: stale cache used (package '%s')\n", why, pkg);
        return -1;
    }
    /* and the refreshed file is used from now on */
    if (testTamperCache() < 0 || !(pkg = testLookupPackage(&again)) ||
        strcmp(pkg, "from-the-cache") != 0) {
        fprintf(stderr, "%s: the re-probed document was not cached\n", why);
        return -1;
    }
    return 0;
}

static int
testCacheStaleMTime(const void *opaque G_GNUC_UNUSED)
{
    struct stat sb;

    if (stat(cacheState.binary, &sb) < 0 ||
        testSetMTime(cacheState.binary, sb.st_mtime - 3600) < 0)
        return -1;
    return testCacheExpectReprobe("changed mtime");
}

static int
testCacheStaleSize(const void *opaque G_GNUC_UNUSED)
{
    struct stat sb;
    int fd;

    /* grow the binary by one byte but keep its mtime: only the size
     * tells that it changed (trailing bytes do not disturb an ELF file) */
    if (stat(cacheState.binary, &sb) < 0 ||
        (fd = open(cacheState.binary, O_WRONLY | O_APPEND)) < 0)
        return -1;
    if (write(fd, "", 1) != 1) {
        close(fd);
        return -1;
    }
    close(fd);
    if (testSetMTime(cacheState.binary, sb.st_mtime) < 0)
        return -1;
    return testCacheExpectReprobe("changed size");
}

static int
testCacheCorrupt(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testCachePath();

    if (!g_file_set_contents(path, "<qemuCaps format='2'>truncat", -1, NULL))
        return -1;
    return testCacheExpectReprobe("corrupt cache file");
}

static int
testCacheOtherFormat(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *path = testCachePath();
    g_autofree char *xml = NULL;
    g_autoptr(GString) s = NULL;

    if (!(xml = virTestLoadFile(path)))
        return -1;
    s = g_string_new(xml);
    g_string_replace(s, "<qemuCaps format='2'>", "<qemuCaps format='0'>", 1);
    if (!g_file_set_contents(path, s->str, -1, NULL))
        return -1;
    return testCacheExpectReprobe("cache file of another format");
}

static int
testCacheMissingBinary(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *missing = g_build_filename(cacheState.tmpdir, "no-such-qemu", NULL);
    g_autofree char *expect = g_strdup_printf("cannot stat QEMU binary '%s': No such file or directory",
                                              missing);
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) err = NULL;

    if ((caps = virQEMUCapsCacheLookup(missing, cacheState.cacheDir, &err)))
        return -1;
    if (strcmp(err->message, expect) != 0) {
        fprintf(stderr, "got '%s'\nexpected '%s'\n", err->message, expect);
        return -1;
    }
    return 0;
}


/* A wrapper script around the real binary, like the chroot wrappers: its
 * size and time stay when the QEMU behind it changes, what "-version"
 * prints does not. */
static int
testCacheWrapper(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *wrapper = g_build_filename(cacheState.tmpdir, "wrapper", NULL);
    g_autofree char *version = g_build_filename(cacheState.tmpdir, "wrapper-version", NULL);
    g_autofree char *script = g_strdup_printf("#!/bin/sh\n"
                                              "if [ \"$1\" = -version ]; then cat '%s'; exit 0; fi\n"
                                              "exec '%s' \"$@\"\n", version, cacheState.binary);
    g_autofree char *real = g_steal_pointer(&cacheState.binary);
    g_autoptr(virQEMUCaps) caps = NULL;
    const char *pkg;
    int ret = -1;

    cacheState.binary = g_strdup(wrapper);
    if (!g_file_set_contents(wrapper, script, -1, NULL) || chmod(wrapper, 0755) < 0 ||
        !g_file_set_contents(version, "QEMU emulator version 11.1.3 (old)\n", -1, NULL))
        goto cleanup;
    /* first lookup probes; the tampered file is then used */
    if (!testLookupPackage(&caps) || testTamperCache() < 0 ||
        !(pkg = testLookupPackage(&caps)) || strcmp(pkg, "from-the-cache") != 0) {
        fprintf(stderr, "the wrapper's cache file is not used\n");
        goto cleanup;
    }
    /* "upgrade" the QEMU behind the wrapper */
    if (!g_file_set_contents(version, "QEMU emulator version 11.1.3 (new)\n", -1, NULL))
        goto cleanup;
    ret = testCacheExpectReprobe("upgraded QEMU behind a wrapper script");

 cleanup:
    g_free(cacheState.binary);
    cacheState.binary = g_steal_pointer(&real);
    return ret;
}


/* ---- probing a fake QEMU (probe/fakeqemu) ----------------------------- */

/* probe/NAME.json are the fake's replies. With probe/NAME.err the lookup
 * through the cache must fail with that message and cache nothing;
 * otherwise the document (recorded as /usr/bin/qemu-system-x86_64) must
 * equal probe/NAME.xml and be cached. */
static int
testProbe(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *fake = virTestDataPath(CAPSDIR, "probe/fakeqemu");
    g_autofree char *replies = virTestDataPathFormat(CAPSDIR, "probe/%s.json", name);
    g_autofree char *errPath = virTestDataPathFormat(CAPSDIR, "probe/%s.err", name);
    g_autofree char *xmlPath = virTestDataPathFormat(CAPSDIR, "probe/%s.xml", name);
    g_autofree char *cacheDir = g_build_filename(cacheState.tmpdir, "probe", name, NULL);
    g_autofree char *cacheFile = virQEMUCapsCacheFile(fake, cacheDir);
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;

    virTestUseFile(fake);
    virTestUseFile(replies);
    g_setenv("FAKEQEMU_REPLIES", replies, TRUE);
    caps = virQEMUCapsCacheLookup(fake, cacheDir, &err);
    g_unsetenv("FAKEQEMU_REPLIES");

    if (g_file_test(errPath, G_FILE_TEST_EXISTS)) {
        if (caps) {
            fprintf(stderr, "%s: the probe succeeded, expected an error\n", name);
            return -1;
        }
        if (g_file_test(cacheFile, G_FILE_TEST_EXISTS)) {
            fprintf(stderr, "%s: a failed probe was cached\n", name);
            return -1;
        }
        return virTestCompareErrorToFile(err, errPath);
    }
    if (!caps) {
        fprintf(stderr, "%s: %s\n", name, err->message);
        return -1;
    }
    if (!g_file_test(cacheFile, G_FILE_TEST_IS_REGULAR) || testValidateSchema(cacheFile) < 0) {
        fprintf(stderr, "%s: no valid cache file after the probe\n", name);
        return -1;
    }
    virQEMUCapsSetBinary(caps, "/usr/bin/qemu-system-x86_64");
    xml = virQEMUCapsFormat(caps);
    return virTestCompareToFile(xml, xmlPath);
}


/* ---- the QMP client, with the real binary ----------------------------- */

static const char *const testQMPArgs[] = {
    "-machine", "none", "-accel", "tcg", "-nodefaults", "-no-user-config",
    "-display", "none", "-S",
};

static GPtrArray *
testQMPArgv(const char *binary, const char *const *extra)
{
    GPtrArray *argv = g_ptr_array_new();
    size_t i;

    g_ptr_array_add(argv, (gpointer)binary);
    for (i = 0; i < G_N_ELEMENTS(testQMPArgs); i++)
        g_ptr_array_add(argv, (gpointer)testQMPArgs[i]);
    for (i = 0; extra && extra[i]; i++)
        g_ptr_array_add(argv, (gpointer)extra[i]);
    g_ptr_array_add(argv, NULL);
    return argv;
}

static int
testCheckMessage(const GError *err, const char *expect)
{
    g_autofree char *msg = NULL;

    if (!err) {
        fprintf(stderr, "no error, expected '%s'\n", expect);
        return -1;
    }
    msg = g_strdup(err->message);
    if (cacheState.tmpdir) {
        g_autoptr(GString) s = g_string_new(msg);
        g_string_replace(s, cacheState.tmpdir, "TMPDIR", 0);
        g_free(msg);
        msg = g_strdup(s->str);
    }
    if (strcmp(msg, expect) != 0) {
        fprintf(stderr, "got      '%s'\nexpected '%s'\n", msg, expect);
        return -1;
    }
    return 0;
}

/* commands, an error reply, an event, passed descriptors, quit */
static int
testQMPSession(const void *opaque G_GNUC_UNUSED)
{
    /* fd 7 in QEMU is our /dev/null: iommufd takes it without using it
     * until a device connects */
    const char *extra[] = {
        "-object", "{\"qom-type\":\"iommufd\",\"id\":\"iommufd0\",\"fd\":\"7\"}", NULL,
    };
    g_autoptr(GPtrArray) argv = testQMPArgv(testQemuBinary(), extra);
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    int target = 7;
    virQMPOptions opts = { .passFds = &devnull, .targetFds = &target, .nfds = 1 };
    g_autoptr(virQMP) qmp = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(JsonNode) ev = NULL;
    g_autoptr(GPtrArray) events = NULL;
    int status = -1;
    int ret = -1;

    if (!(qmp = virQMPStart((const char *const *)argv->pdata, &opts, &err))) {
        fprintf(stderr, "%s\n", err->message);
        goto cleanup;
    }
    if (!virQMPGetGreeting(qmp) ||
        !json_object_has_member(json_node_get_object(virQMPGetGreeting(qmp)), "version"))
        goto cleanup;

    reply = virQMPCommandStrings(qmp, "qom-get", &err,
                                 "path", "/objects/iommufd0", "property", "type", NULL);
    if (!reply || g_strcmp0(json_node_get_string(reply), "iommufd") != 0) {
        fprintf(stderr, "qom-get type of iommufd0: %s\n", err ? err->message : "wrong value");
        goto cleanup;
    }

    /* an error reply: QEMU's message and class */
    g_clear_pointer(&reply, json_node_unref);
    reply = virQMPCommandStrings(qmp, "qom-get", &err,
                                 "path", "/machine/peripheral/nope", "property", "x", NULL);
    if (reply || testCheckMessage(err, "operation failed: QMP command 'qom-get' failed: Device '/machine/peripheral/nope' not found (DeviceNotFound)") < 0 ||
        g_strcmp0(virQMPErrorClass(qmp), "DeviceNotFound") != 0)
        goto cleanup;
    g_clear_error(&err);

    /* an event: leaving -S emits RESUME */
    g_clear_pointer(&reply, json_node_unref);
    if (!(reply = virQMPCommand(qmp, "cont", NULL, &err)) ||
        !(ev = virQMPWaitEvent(qmp, "RESUME", &err))) {
        fprintf(stderr, "cont/RESUME: %s\n", err->message);
        goto cleanup;
    }
    if (virQMPErrorClass(qmp) != NULL)
        goto cleanup;

    if (virQMPQuit(qmp, &status, &err) < 0) {
        fprintf(stderr, "quit: %s\n", err->message);
        goto cleanup;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || virQMPGetPid(qmp) != 0) {
        fprintf(stderr, "QEMU did not exit cleanly: status %d\n", status);
        goto cleanup;
    }
    /* quit brings SHUTDOWN; it was queued, not lost */
    events = virQMPTakeEvents(qmp);
    if (events->len < 1 ||
        g_strcmp0(json_object_get_string_member(json_node_get_object(g_ptr_array_index(events, events->len - 1)),
                                                "event"), "SHUTDOWN") != 0) {
        fprintf(stderr, "no SHUTDOWN event after quit\n");
        goto cleanup;
    }
    ret = 0;

 cleanup:
    close(devnull);
    return ret;
}

/* QEMU refuses its command line: the error carries its own message */
static int
testQMPRefused(const void *opaque G_GNUC_UNUSED)
{
    const char *extra[] = { "-device", "no-such-device", NULL };
    g_autoptr(GPtrArray) argv = testQMPArgv(testQemuBinary(), extra);
    g_autoptr(virQMP) qmp = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *base = g_path_get_basename(testQemuBinary());
    g_autofree char *expect =
        g_strdup_printf("internal error: QEMU '%1$s' closed the QMP monitor (exit status 1): "
                        "%2$s: -device no-such-device: 'no-such-device' is not a valid device model name",
                        testQemuBinary(), base);

    if ((qmp = virQMPStart((const char *const *)argv->pdata, NULL, &err)))
        return -1;
    return testCheckMessage(err, expect);
}

/* Not QEMU at all: it exits without a greeting */
static int
testQMPNotQEMU(const void *opaque G_GNUC_UNUSED)
{
    const char *argv[] = { "/bin/false", NULL };
    g_autoptr(virQMP) qmp = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;

    if ((qmp = virQMPStart(argv, NULL, &err)) ||
        testCheckMessage(err, "internal error: QEMU '/bin/false' closed the QMP monitor (exit status 1): no output") < 0)
        return -1;
    g_clear_error(&err);
    if ((caps = virQEMUCapsProbe("/bin/false", &err)))
        return -1;
    return testCheckMessage(err, "internal error: cannot probe the capabilities of QEMU '/bin/false': "
                                 "QEMU '/bin/false' closed the QMP monitor (exit status 1): no output");
}

/* A program that never answers: the timeout ends the wait and kills it */
static int
testQMPHang(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *script = g_build_filename(cacheState.tmpdir, "hang.sh", NULL);
    const char *argv[] = { script, NULL };
    virQMPOptions opts = { .timeoutMs = 300 };
    g_autoptr(virQMP) qmp = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_set_contents(script, "#!/bin/sh\necho hanging >&2\nexec sleep 600\n", -1, NULL) ||
        chmod(script, 0755) < 0)
        return -1;
    if ((qmp = virQMPStart(argv, &opts, &err)))
        return -1;
    return testCheckMessage(err, "internal error: QEMU 'TMPDIR/hang.sh' did not answer on the QMP monitor "
                                 "within 300 ms (killed after it stopped answering): hanging");
}

/* @pid no longer runs (gone, or a zombie nobody reaped yet) */
static bool
testProcessGone(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *stat = NULL;
    const char *p;

    if (kill(pid, 0) < 0 || !g_file_get_contents(path, &stat, NULL, NULL))
        return true;
    p = strrchr(stat, ')');
    return p && p[1] == ' ' && p[2] == 'Z';
}

/* A hostile fake QEMU (CAPSDIR/hostile-qmp/NAME.sh): the client must end
 * with the exact error of NAME.err, and no process it started may live on */
static int
testHostileQMP(const void *opaque)
{
    const char *name = opaque;
    g_autofree char *script = virTestDataPathFormat(CAPSDIR, "hostile-qmp/%s.sh", name);
    g_autofree char *errPath = virTestDataPathFormat(CAPSDIR, "hostile-qmp/%s.err", name);
    g_autofree char *pidFile = g_build_filename(cacheState.tmpdir, "fakeqemu.pid", NULL);
    g_autofree char *pidText = NULL;
    const char *argv[] = { script, NULL };
    /* only "trickle" must run into the deadline */
    virQMPOptions opts = { .timeoutMs = g_str_equal(name, "trickle") ? 300 : 0 };
    g_autoptr(virQMP) qmp = NULL;
    g_autoptr(GError) err = NULL;
    pid_t child;
    int i;

    virTestUseFile(script);
    virTestUseFile(errPath);
    /* under valgrind (only there) the client sees the monitor of
     * "forking" closed, not held by the child: "closed the QMP monitor"
     * instead of "exited without closing the QMP monitor" */
    if (g_str_equal(name, "forking") && virTestUnderValgrind())
        return VIR_TEST_SKIP;
    unlink(pidFile);
    g_setenv("FAKEQEMU_PIDFILE", pidFile, TRUE);
    qmp = virQMPStart(argv, &opts, &err);
    g_unsetenv("FAKEQEMU_PIDFILE");
    if (qmp) {
        fprintf(stderr, "%s: the client accepted it\n", name);
        return -1;
    }
    if (virTestCompareErrorToFile(err, errPath) < 0)
        return -1;

    /* a child the fake QEMU left behind was killed with its group */
    if (!g_file_get_contents(pidFile, &pidText, NULL, NULL))
        return 0;
    child = (pid_t)g_ascii_strtoll(pidText, NULL, 10);
    for (i = 0; i < 200 && child > 0 && !testProcessGone(child); i++)
        g_usleep(10 * 1000);
    if (child <= 0 || !testProcessGone(child)) {
        fprintf(stderr, "%s: its child %d still runs\n", name, (int)child);
        return -1;
    }
    return 0;
}


static int
mymain(void)
{
    static const testRecordedInfo recorded[] = {
        { "caps_10.0.2_x86_64", "x86_64", "10.0.2", 10000002, "q35", "pc-q35-10.0",
          "intel-iommu", "x-flts", "bool", "false", "intel-iommu", "fsts" },
        { "caps_11.1.3_x86_64", "x86_64", "11.1.3", 11001003, "q35", "pc-q35-11.1",
          "intel-iommu", "pasid-bits", "uint8", "0", "intel-iommu", "x-flts" },
        { "caps_10.0.2_aarch64", "aarch64", "10.0.2", 10000002, "virt", "virt-10.0",
          "virt", "iommu", "string", NULL, "arm-smmuv3", "accel" },
        { "caps_11.1.3_aarch64", "aarch64", "11.1.3", 11001003, "virt", "virt-11.1",
          "arm-smmuv3", "ssidsize", "SsidSizeMode", "auto", "intel-iommu", "aw-bits" },
    };
    g_autofree char *capsDir = virTestDataPath(CAPSDIR, "");
    g_autoptr(GError) err = NULL;
    int ret = 0;
    size_t i;

    virTestRegisterDataDir(capsDir, NULL);
    for (i = 0; i < G_N_ELEMENTS(recorded); i++) {
        g_autofree char *title = g_strdup_printf("recorded %s", recorded[i].stem);
        g_autofree char *title2 = g_strdup_printf("round trip %s", recorded[i].stem);

        if (virTestRun(title, testRecorded, &recorded[i]) < 0)
            ret = -1;
        if (virTestRun(title2, testRoundTripString, &recorded[i]) < 0)
            ret = -1;
    }
    testRunDir("derive", ".xml", testDerive, &ret);
    testRunDir("invalid", ".xml", testInvalid, &ret);

    if (!(cacheState.tmpdir = g_dir_make_tmp("qemucapstest-XXXXXX", &err))) {
        fprintf(stderr, "%s\n", err->message);
        return -1;
    }
    cacheState.cacheDir = g_build_filename(cacheState.tmpdir, "cache", NULL);
    cacheState.binary = g_build_filename(cacheState.tmpdir, "qemu-system-x86_64", NULL);
    if (testCopyFile(testQemuBinary(), cacheState.binary) < 0) {
        ret = -1;
    } else {
        if (virTestRun("cache: first lookup probes and writes the file", testCacheFirstProbe, NULL) < 0)
            ret = -1;
        /* the next steps depend on the first one */
        if (cacheState.realPackage) {
            static const struct {
                const char *title;
                virTestFunc func;
            } steps[] = {
                { "cache: current file is used", testCacheHit },
                { "cache: changed mtime is re-probed", testCacheStaleMTime },
                { "cache: changed size is re-probed", testCacheStaleSize },
                { "cache: corrupt file is re-probed", testCacheCorrupt },
                { "cache: other format is re-probed", testCacheOtherFormat },
                { "cache: upgrade behind a wrapper is re-probed", testCacheWrapper },
            };
            for (i = 0; i < G_N_ELEMENTS(steps); i++) {
                if (virTestRun(steps[i].title, steps[i].func, NULL) < 0)
                    ret = -1;
            }
        }
        if (virTestRun("cache: missing binary", testCacheMissingBinary, NULL) < 0)
            ret = -1;
    }

    testRunDir("probe", ".json", testProbe, &ret);

    if (virTestRun("qmp: session with fds, error, event, quit", testQMPSession, NULL) < 0)
        ret = -1;
    if (virTestRun("qmp: not QEMU", testQMPNotQEMU, NULL) < 0)
        ret = -1;
    if (virTestRun("qmp: hung process times out", testQMPHang, NULL) < 0)
        ret = -1;
    /* QEMU's exit or the client's write: either order gives the same
     * message, also under valgrind, where the client is the slow side */
    if (virTestRun("qmp: QEMU refuses its options", testQMPRefused, NULL) < 0)
        ret = -1;
    testRunDir("hostile-qmp", ".sh", testHostileQMP, &ret);

    testRemoveTree(cacheState.tmpdir);
    g_free(cacheState.tmpdir);
    g_free(cacheState.cacheDir);
    g_free(cacheState.binary);
    g_free(cacheState.realPackage);
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
