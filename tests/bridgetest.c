/*
 * bridgetest.c: the bridge against a real libvirt (the embedded QEMU
 * driver of the libvirt this is built with, in a private root):
 *
 *  - every qemuxmlconfdata domain the native QEMU accepts and that assigns
 *    no device: define through the bridge, dumpxml gives the user's <iommu>
 *    back, a second define of that output is a fixed point, and libvirt's
 *    own command line for the defined domain has exactly the vIOMMU
 *    properties virt-viommu's has;
 *  - failures leave nothing behind; an edited override is reported;
 *  - one Intel nesting + PASID domain is started (TCG) and its vIOMMU
 *    properties read back over QMP.
 *
 * The domains are adapted to TCG (type='qemu', no host-passthrough CPU):
 * this machine has no KVM.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "testutils.h"
#include "bridge_domain.h"
#include "bridge_convert.h"
#include "qemu_command.h"
#include "virxml.h"

static char *uri;
/* the embedded driver allows one connection per process */
static bridgeConn *conn;
/* the QEMU behind the connection: its version names the expected files
 * (NAME.ARCH-VERSION.args/.err); "10.0" is this host's, probed; any other
 * is replayed from tests/qemucapabilitiesdata (the connection's QEMU runs
 * elsewhere, e.g. in the chroot of libvirt 12.9) */
static const char *qemuVersion = "10.0";
static const char *qemuCapsVersion;
static char *cacheDir;

/* the devices whose properties libvirt and virt-viommu must agree on */
static const char *const viommuDrivers[] = {
    "intel-iommu", "virtio-iommu-pci", "arm-smmuv3", "amd-iommu", "AMDVI-PCI",
    "vfio-pci", "vfio-pci-nohotplug", NULL
};

static int
testStrPtrCmp(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static char *
testAdaptTCG(const char *xml)
{
    g_autoptr(GRegex) kvm = g_regex_new("<domain type=['\"]kvm['\"]", 0, 0, NULL);
    g_autoptr(GRegex) cpu = g_regex_new("\\s*<cpu mode=['\"]host-passthrough['\"][^>]*/>",
                                        0, 0, NULL);
    g_autofree char *a = g_regex_replace_literal(kvm, xml, -1, 0, "<domain type='qemu'",
                                                 0, NULL);

    return g_regex_replace_literal(cpu, a, -1, 0, "", 0, NULL);
}

static unsigned int
testVCPUs(const char *xml)
{
    const char *v = strstr(xml, "<vcpu");
    const char *gt = v ? strchr(v, '>') : NULL;

    return gt ? (unsigned int)strtoul(gt + 1, NULL, 10) : 0;
}

/* an <iommu> summary without what libvirt fills in for many vCPUs */
static void
testDropFill(char **summary)
{
    g_autoptr(GRegex) re = g_regex_new("eim=on |intremap=on ", 0, 0, NULL);
    char *out = g_regex_replace_literal(re, *summary, -1, 0, "", 0, NULL);

    g_free(*summary);
    *summary = out;
    if (g_str_equal(*summary, "intel|\n")) {
        g_free(*summary);
        *summary = g_strdup("");
    }
}

/* @xml without the parts the bridge writes or gives back (its metadata,
 * <qemu:override>, xmlns:qemu, every <iommu> and <hostdev>): what
 * dumpxml must leave exactly as libvirt keeps it, the user's own
 * <metadata> too */
static char *
testOutsideBridge(const char *xml)
{
    static const char *const patterns[] = {
        "\\s*<viommu:domain\\b.*?</viommu:domain>",
        "\\s*<metadata>\\s*</metadata>",
        "\\s*<qemu:override>.*?</qemu:override>",
        " xmlns:qemu='[^']*'",
        "\\s*<iommu\\b(?:[^>]*/>|.*?</iommu>)",
        "\\s*<hostdev\\b(?:[^>]*/>|.*?</hostdev>)",
    };
    g_autofree char *out = g_strdup(xml);
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(patterns); i++) {
        g_autoptr(GRegex) re = g_regex_new(patterns[i], G_REGEX_DOTALL, 0, NULL);
        char *next = g_regex_replace_literal(re, out, -1, 0, "", 0, NULL);

        g_free(out);
        out = next;
    }
    return g_steal_pointer(&out);
}

/* "model|attr=value ..." of every <iommu> and <hostdev> of @xml, in
 * document order */
static char *
testIOMMUSummary(const char *xml)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlDoc) doc = virXMLParse(NULL, xml, "domain", &err);
    g_autoptr(GString) out = g_string_new(NULL);
    xmlNodePtr devices;
    xmlNodePtr cur;

    if (!doc)
        return g_strdup(err->message);
    devices = virXMLNodeGetChild(xmlDocGetRootElement(doc), "devices");
    for (cur = devices ? devices->children : NULL; cur; cur = cur->next) {
        g_autoptr(GPtrArray) attrs = g_ptr_array_new_with_free_func(g_free);
        xmlNodePtr drv;
        xmlAttrPtr a;
        g_autofree char *model = NULL;
        guint i;

        if (cur->type != XML_ELEMENT_NODE ||
            (!xmlStrEqual(cur->name, BAD_CAST "iommu") &&
             !xmlStrEqual(cur->name, BAD_CAST "hostdev")))
            continue;
        /* libvirt fills in the backend of a hostdev (name='vfio') */
        model = xmlStrEqual(cur->name, BAD_CAST "hostdev") ? g_strdup("hostdev") :
                virXMLPropString(cur, "model");
        drv = virXMLNodeGetChild(cur, "driver");
        for (a = drv ? drv->properties : NULL; a; a = a->next) {
            g_autofree char *v = virXMLPropString(drv, (const char *)a->name);

            if (g_str_equal(model, "hostdev") && xmlStrEqual(a->name, BAD_CAST "name"))
                continue;
            g_ptr_array_add(attrs, g_strdup_printf("%s=%s", a->name, v));
        }
        g_ptr_array_sort(attrs, testStrPtrCmp);
        g_string_append_printf(out, "%s|", model);
        for (i = 0; i < attrs->len; i++)
            g_string_append_printf(out, "%s ", (char *)g_ptr_array_index(attrs, i));
        g_string_append_c(out, '\n');
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* "driver: key=value ..." of one -device/-object value, sorted; without
 * the file descriptors libvirt passes at start: virt-viommu prints
 * placeholders, and libvirt's domxml-to-native opens nothing and prints
 * no "fd" at all (12.9) */
static char *
testDeviceLine(const char *drv, JsonObject *obj)
{
    g_autoptr(GList) keys = g_list_sort(json_object_get_members(obj), (GCompareFunc)g_strcmp0);
    GString *line = g_string_new(drv);
    GList *k;

    g_string_append_c(line, ':');
    for (k = keys; k; k = k->next) {
        g_autofree char *v = NULL;

        if (g_str_equal(k->data, "id") || g_str_equal(k->data, "driver") ||
            g_str_equal(k->data, "qom-type") || g_str_equal(k->data, "fd"))
            continue;
        v = json_to_string(json_object_get_member(obj, k->data), FALSE);
        g_string_append_printf(line, " %s=%s", (char *)k->data, v);
    }
    return g_string_free(line, FALSE);
}

/* the -object iommufd values of @argv */
static void
testAddIOMMUFDObjects(const char *const *argv, GPtrArray *lines)
{
    size_t i;

    for (i = 0; argv[i] && argv[i + 1]; i++) {
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonNode *root;
        JsonObject *obj;

        if (!g_str_equal(argv[i], "-object") || argv[i + 1][0] != '{' ||
            !json_parser_load_from_data(parser, argv[i + 1], -1, NULL) ||
            !(root = json_parser_get_root(parser)) || !JSON_NODE_HOLDS_OBJECT(root))
            continue;
        obj = json_node_get_object(root);
        if (g_strcmp0(json_object_get_string_member_with_default(obj, "qom-type", NULL),
                      "iommufd") == 0)
            g_ptr_array_add(lines, testDeviceLine("iommufd", obj));
    }
}

/* the vIOMMU, vfio-pci and iommufd values of @argv, one line each */
static char *
testVIOMMUProps(const char *const *argv)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GHashTable) devs = bridgeDevicesFromArgv(argv, &err);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) out = g_string_new(NULL);
    GHashTableIter it;
    gpointer value;
    guint i;

    if (!devs)
        return g_strdup(err->message);
    g_hash_table_iter_init(&it, devs);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        JsonObject *obj = value;
        const char *drv = json_object_get_string_member_with_default(obj, "driver", "");

        if (!g_strv_contains(viommuDrivers, drv))
            continue;
        g_ptr_array_add(lines, testDeviceLine(drv, obj));
    }
    testAddIOMMUFDObjects(argv, lines);
    g_ptr_array_sort(lines, testStrPtrCmp);
    for (i = 0; i < lines->len; i++)
        g_string_append_printf(out, "%s\n", (char *)g_ptr_array_index(lines, i));
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* 0 when equal, else the difference is reported */
static int
testCompare(const char *expect, const char *actual, const char *what)
{
    if (g_strcmp0(expect, actual) == 0)
        return 0;
    return virTestDifference(expect, actual, what);
}

static int
testFail(const char *what, const GError *err)
{
    g_printerr("%s: %s\n", what, err ? err->message : "");
    return -1;
}

typedef struct {
    const char *name;
    const char *subdir;              /* qemuxmlconfdata unless set */
    const char *arch;
    qemuDomainPrepareOptions opts;   /* the QEMU capabilities to check with */
    char *caps;
    char *hostRoot;                  /* tests/hostdata/HOST for assigned devices */
    char *errPath;                   /* the refusal, when not the QEMU's .err */
} testCase;

static void
testCaseFree(gpointer p)
{
    testCase *tc = p;

    g_free(tc->caps);
    g_free(tc->hostRoot);
    g_free(tc->errPath);
    g_free(tc);
}

/* The TCG form of @tc's domain; *@path is its file */
static char *
testCaseXML(const testCase *tc, char **path)
{
    g_autofree char *raw = NULL;

    *path = virTestDataPathFormat(tc->subdir ? tc->subdir : "qemuxmlconfdata",
                                  "%s.xml", tc->name);
    if (!(raw = virTestLoadFile(*path)))
        return NULL;
    return testAdaptTCG(raw);
}

static int
testRoundTrip(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *path = NULL;
    g_autofree char *xml = testCaseXML(tc, &path);
    g_autoptr(GError) err = NULL;
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(qemuCommandLine) cmd = NULL;
    g_autofree char *name = NULL;
    g_autofree char *back = NULL;
    g_autofree char *back2 = NULL;
    g_autofree char *name2 = NULL;
    g_autofree char *defined = NULL;
    g_autofree char *native = NULL;
    g_autofree char *toNative = NULL;
    g_auto(GStrv) nativeArgv = NULL;
    g_auto(GStrv) toNativeArgv = NULL;
    g_autofree char *gotToNative = NULL;
    g_autofree char *want = NULL;
    g_autofree char *got = NULL;
    g_autofree char *inIOMMU = NULL;
    g_autofree char *outIOMMU = NULL;
    g_autofree char *outside1 = NULL;
    g_autofree char *outside2 = NULL;
    int ret = -1;

    if (!xml)
        return -1;
    if (!(name = bridgeDomainDefine(conn, xml, path, &tc->opts, &err)))
        return testFail("define", err);
    if (!(back = bridgeDomainDumpXML(conn, name, true, &tc->opts, &err))) {
        testFail("dumpxml", err);
        goto cleanup;
    }
    inIOMMU = testIOMMUSummary(xml);
    outIOMMU = testIOMMUSummary(back);
    /* more than 255 vCPUs on q35: libvirt adds an intel <iommu> with
     * intremap and eim, or fills them into one (12.x), as virt-viommu's
     * post-parse does; that is libvirt's normalisation, and the property
     * comparison below covers it */
    if (testVCPUs(xml) > 255) {
        testDropFill(&inIOMMU);
        testDropFill(&outIOMMU);
    }
    if (testCompare(inIOMMU, outIOMMU, "<iommu> after dumpxml") < 0 ||
        bridgeHasMetadata(back) || strstr(back, "qemu:")) {
        g_printerr("dumpxml output:\n%s\n", back);
        goto cleanup;
    }
    /* libvirt's command line for the defined domain vs ours */
    if (!(prep = qemuDomainPrepareString(xml, path, &tc->opts, &err)) ||
        !(cmd = qemuBuildCommandLine(prep->def, prep->caps, &err)) ||
        !(defined = bridgeConnGetXML(conn, name, true, &err)) ||
        !(native = bridgeConnXMLToNative(conn, defined, &err))) {
        testFail("command lines", err);
        goto cleanup;
    }
    nativeArgv = bridgeSplitArgv(native);
    want = testVIOMMUProps((const char *const *)cmd->argv);
    got = testVIOMMUProps((const char *const *)nativeArgv);
    if (testCompare(want, got, "vIOMMU properties (virt-viommu vs libvirt)") < 0)
        goto cleanup;
    /* domxml-to-native --connect: libvirt's command line of the converted
     * domain, without defining it */
    if (!(toNative = bridgeDomainToNative(conn, xml, path, &tc->opts, &err))) {
        testFail("domxml-to-native --connect", err);
        goto cleanup;
    }
    toNativeArgv = bridgeSplitArgv(toNative);
    gotToNative = testVIOMMUProps((const char *const *)toNativeArgv);
    if (testCompare(want, gotToNative, "vIOMMU properties (domxml-to-native --connect)") < 0)
        goto cleanup;
    /* the dumpxml output defines to the same domain */
    if (!(name2 = bridgeDomainDefine(conn, back, path, &tc->opts, &err)) ||
        !(back2 = bridgeDomainDumpXML(conn, name2, true, &tc->opts, &err))) {
        testFail("redefine", err);
        goto cleanup;
    }
    if (testCompare(back, back2, "dumpxml after redefining its output") < 0)
        goto cleanup;
    /* everything else exactly as libvirt keeps it, in libvirt's style */
    outside1 = testOutsideBridge(defined);
    outside2 = testOutsideBridge(back);
    if (testCompare(outside1, outside2, "dumpxml outside <iommu>/<hostdev> vs libvirt's") < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    if (bridgeConnRemove(conn, name, &err) < 0)
        return testFail("undefine", err);
    return ret;
}

/* A domain the checks refuse: the validate message, nothing defined */
static int
testRefused(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *path = NULL;
    g_autofree char *xml = testCaseXML(tc, &path);
    g_autofree char *errPath = tc->errPath ? g_strdup(tc->errPath) :
                               virTestDataPathFormat("qemuxmlconfdata", "%s.%s-%s.err",
                                                     tc->name, tc->arch, qemuVersion);
    g_autoptr(GError) err = NULL;
    g_autofree char *name = NULL;
    g_autoptr(virDomainDef) def = NULL;

    if (!xml)
        return -1;
    if ((name = bridgeDomainDefine(conn, xml, path, &tc->opts, &err))) {
        g_printerr("defined, but should be refused\n");
        bridgeConnRemove(conn, name, NULL);
        return -1;
    }
    if (virTestCompareErrorToFile(err, errPath) < 0)
        return -1;
    g_clear_error(&err);
    if (!(def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE, &err)))
        return testFail("parse", err);
    if (bridgeConnHasDomain(conn, def->name)) {
        g_printerr("domain '%s' left behind\n", def->name);
        return -1;
    }
    return 0;
}

static int
testUnknownURI(const void *opaque)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(bridgeConn) other = bridgeConnOpen("nosuchdriver:///system", &err);

    (void)opaque;
    /* the message is libvirt's and depends on which drivers it tried */
    if (other || !err || err->domain != VIR_ERROR || !*err->message)
        return -1;
    return 0;
}

/* dumpxml and start of the defined domain @name both refuse with @expect */
static int
testDumpAndStartRefuse(const testCase *tc, const char *name, const char *expect)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *back = NULL;

    if ((back = bridgeDomainDumpXML(conn, name, true, &tc->opts, &err))) {
        g_printerr("dumpxml did not report: %s\n", expect);
        return -1;
    }
    if (testCompare(expect, err->message, "dumpxml error") < 0)
        return -1;
    g_clear_error(&err);
    if (bridgeDomainStart(conn, name, &tc->opts, &err) == 0) {
        g_printerr("started although: %s\n", expect);
        return -1;
    }
    return testCompare(expect, err->message, "start error");
}

/* A converted domain edited behind our back with libvirt alone (virsh
 * edit): dumpxml and start of it report what no longer agrees */
typedef struct {
    const char *title;
    const char *name;          /* the qemuxmlconfdata domain */
    const char *pattern;       /* a GRegex over the converted domain */
    const char *replacement;   /* its replacement (\1 ... allowed) */
    const char *expect;        /* what dumpxml and start report */
    testCase *tc;              /* set when registered */
} testEditCase;

static int
testEdited(const void *opaque)
{
    const testEditCase *e = opaque;
    g_autoptr(GRegex) re = g_regex_new(e->pattern, 0, 0, NULL);
    g_autofree char *path = NULL;
    g_autofree char *xml = testCaseXML(e->tc, &path);
    g_autoptr(GError) err = NULL;
    g_autofree char *conv = NULL;
    g_autofree char *edited = NULL;
    g_autofree char *name = NULL;
    int ret;

    if (!xml || !(conv = bridgeDomainConvert(conn, xml, path, &e->tc->opts, &err)))
        return testFail("convert", err);
    edited = g_regex_replace(re, conv, -1, 0, e->replacement, 0, NULL);
    if (g_str_equal(edited, conv)) {
        g_printerr("nothing edited in:\n%s\n", conv);
        return -1;
    }
    if (!(name = bridgeConnDefine(conn, edited, &err)))
        return testFail("plain define", err);
    ret = testDumpAndStartRefuse(e->tc, name, e->expect);
    bridgeConnRemove(conn, name, &err);
    return ret;
}


/* Define @bad with VIRT_VIOMMU_LIBVIRT_SCHEMADIR set to @dir (NULL:
 * unset): refused with @expect, nothing defined */
static int
testGrammarRefusalWith(const testCase *tc, const char *bad, const char *path,
                       const char *dir, const char *expect)
{
    g_autofree char *saved = g_strdup(g_getenv("VIRT_VIOMMU_LIBVIRT_SCHEMADIR"));
    g_autoptr(GError) err = NULL;
    g_autofree char *name = NULL;

    if (dir)
        g_setenv("VIRT_VIOMMU_LIBVIRT_SCHEMADIR", dir, TRUE);
    else
        g_unsetenv("VIRT_VIOMMU_LIBVIRT_SCHEMADIR");
    name = bridgeDomainDefine(conn, bad, path, &tc->opts, &err);
    if (saved)
        g_setenv("VIRT_VIOMMU_LIBVIRT_SCHEMADIR", saved, TRUE);
    else
        g_unsetenv("VIRT_VIOMMU_LIBVIRT_SCHEMADIR");
    if (name) {
        g_printerr("defined, but should be refused\n");
        bridgeConnRemove(conn, name, NULL);
        return -1;
    }
    if (bridgeConnHasDomain(conn, tc->name)) {
        g_printerr("domain '%s' left behind\n", tc->name);
        return -1;
    }
    return testCompare(expect, err->message, "grammar refusal");
}

/* A domain outside libvirt's grammar is refused with the grammar's
 * message. When the connected libvirt is another release than the one
 * whose grammar was used (installed here, VIRT_VIOMMU_LIBVIRT_SCHEMADIR
 * unset), the message says so; with the variable set, it does not. */
static int
testGrammarRefusal(const void *opaque)
{
    const testCase *tc = opaque;
    const char *dir = "/usr/share/libvirt/schemas";
    g_autofree char *path = NULL;
    g_autofree char *xml = testCaseXML(tc, &path);
    g_autoptr(GRegex) re = g_regex_new("</devices>", 0, 0, NULL);
    g_autoptr(GError) err = NULL;
    g_autofree char *bad = NULL;
    g_autofree char *plain = NULL;
    g_autofree char *hinted = NULL;
    g_autofree char *here = bridgeVersionString(bridgeLocalLibVersion());
    g_autofree char *have = NULL;
    unsigned long version = 0;

    if (!xml || bridgeConnLibVersion(conn, &version, &err) < 0)
        return testFail("setup", err);
    have = bridgeVersionString(version);
    bad = g_regex_replace_literal(re, xml, -1, 0, "<bogus/></devices>", 0, NULL);
    plain = g_strdup_printf("XML document failed to validate against schema: the document is not a libvirt domain (libvirt's grammar from '%s' plus the vIOMMU extension): Extra element devices in interleave\n"
                            "Element domain failed to validate content", dir);
    if (bridgeLocalLibVersion() / 1000 != version / 1000)
        hinted = g_strdup_printf("%s (the grammar of libvirt %s, installed here; the connected libvirt is %s, whose grammar may differ: set VIRT_VIOMMU_LIBVIRT_SCHEMADIR to its schema directory to check against it)",
                                 plain, here, have);
    if (testGrammarRefusalWith(tc, bad, path, NULL, hinted ? hinted : plain) < 0 ||
        testGrammarRefusalWith(tc, bad, path, dir, plain) < 0)
        return -1;
    return 0;
}

/* libvirt refuses the define (the name exists with another UUID): the
 * existing definition is left exactly as it was */
static int
testNameExists(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *path = NULL;
    g_autofree char *xml = testCaseXML(tc, &path);
    g_autoptr(GError) err = NULL;
    g_autoptr(GRegex) uuid = g_regex_new("<uuid>[^<]*</uuid>", 0, 0, NULL);
    g_autoptr(GRegex) nesting = g_regex_new("nesting='on'", 0, 0, NULL);
    g_autofree char *other = NULL;
    g_autofree char *other2 = NULL;
    g_autofree char *name = NULL;
    g_autofree char *name2 = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    int ret = -1;

    if (!xml || !(name = bridgeDomainDefine(conn, xml, path, &tc->opts, &err)) ||
        !(before = bridgeConnGetXML(conn, name, true, &err)))
        return testFail("define", err);
    other = g_regex_replace_literal(uuid, xml, -1, 0,
                                    "<uuid>0b1d4a52-3c41-4d7e-9c0e-2f4f0f6c7a11</uuid>", 0, NULL);
    other2 = g_regex_replace_literal(nesting, other, -1, 0, "nesting='off'", 0, NULL);
    if ((name2 = bridgeDomainDefine(conn, other2, path, &tc->opts, &err))) {
        g_printerr("a second domain named '%s' was defined\n", name2);
        goto cleanup;
    }
    if (!strstr(err->message, "already exists with uuid")) {
        g_printerr("unexpected: %s\n", err->message);
        goto cleanup;
    }
    g_clear_error(&err);
    if (!(after = bridgeConnGetXML(conn, name, true, &err))) {
        testFail("dumpxml", err);
        goto cleanup;
    }
    if (testCompare(before, after, "the existing definition after a refused define") < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    g_clear_error(&err);
    bridgeConnRemove(conn, name, &err);
    return ret;
}

/* Metadata removed by hand (virsh edit): the overrides the bridge wrote are
 * reported by bridgeOrphanOverrides, dumpxml gives libvirt's XML as it is;
 * a domain with its metadata has no such report */
static int
testRemovedMetadata(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *path = NULL;
    g_autofree char *xml = testCaseXML(tc, &path);
    g_autoptr(GError) err = NULL;
    g_autoptr(GRegex) re = g_regex_new("<metadata>.*</metadata>", G_REGEX_DOTALL, 0, NULL);
    g_autofree char *conv = NULL;
    g_autofree char *edited = NULL;
    g_autofree char *name = NULL;
    g_autofree char *back = NULL;
    g_auto(GStrv) before = NULL;
    g_auto(GStrv) after = NULL;
    g_autofree char *joined = NULL;
    int ret = -1;

    if (!xml || !(conv = bridgeDomainConvert(conn, xml, path, &tc->opts, &err)))
        return testFail("convert", err);
    before = bridgeOrphanOverrides(conv);
    edited = g_regex_replace_literal(re, conv, -1, 0, "", 0, NULL);
    if (before[0] || g_str_equal(edited, conv) ||
        !(name = bridgeConnDefine(conn, edited, &err))) {
        g_printerr("metadata: %s\n", before[0] ? "reported while present" : "not removed");
        return testFail("plain define", err);
    }
    if (!(back = bridgeDomainDumpXML(conn, name, true, &tc->opts, &err))) {
        testFail("dumpxml", err);
        goto cleanup;
    }
    after = bridgeOrphanOverrides(back);
    joined = g_strjoinv(",", after);
    if (testCompare("ua-iommu0", joined, "overrides without metadata") < 0)
        goto cleanup;
    ret = 0;
 cleanup:
    g_clear_error(&err);
    bridgeConnRemove(conn, name, &err);
    return ret;
}

/* qom-get @prop of @path on the running domain: its JSON value */
static char *
testQOMGet(const char *name, const char *path, const char *prop, GError **err)
{
    g_autofree char *cmd = g_strdup_printf(
        "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"%s\",\"property\":\"%s\"}}",
        path, prop);
    g_autofree char *reply = bridgeConnQMP(conn, name, cmd, err);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root;
    JsonObject *obj;

    if (!reply)
        return NULL;
    if (!json_parser_load_from_data(parser, reply, -1, NULL) ||
        !(root = json_parser_get_root(parser)) || !JSON_NODE_HOLDS_OBJECT(root) ||
        !json_object_has_member((obj = json_node_get_object(root)), "return"))
        return g_strdup(reply);
    return json_to_string(json_object_get_member(obj, "return"), FALSE);
}

/* Start the domain for real (TCG); every property virt-viommu's command
 * line gives each vIOMMU device is read back over QMP, and a machine-level
 * SMMUv3 is the machine's iommu property. */
static int
testStart(const void *opaque)
{
    const testCase *tc = opaque;
    g_autofree char *path = NULL;
    g_autofree char *xml = testCaseXML(tc, &path);
    g_autoptr(GError) err = NULL;
    g_autoptr(qemuPreparedDomain) prep = NULL;
    g_autoptr(qemuCommandLine) cmd = NULL;
    g_autoptr(GHashTable) ours = NULL;
    g_autofree char *name = NULL;
    GHashTableIter it;
    gpointer key;
    gpointer value;
    size_t checked = 0;
    size_t i;
    int ret = -1;

    if (!xml ||
        !(prep = qemuDomainPrepareString(xml, path, &tc->opts, &err)) ||
        !(cmd = qemuBuildCommandLine(prep->def, prep->caps, &err)) ||
        !(ours = bridgeDevicesFromArgv((const char *const *)cmd->argv, &err)) ||
        !(name = bridgeDomainDefine(conn, xml, path, &tc->opts, &err)))
        return testFail("define", err);
    if (bridgeDomainStart(conn, name, &tc->opts, &err) < 0) {
        testFail("start", err);
        goto cleanup;
    }
    g_hash_table_iter_init(&it, ours);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        JsonObject *obj = value;
        g_autoptr(GList) keys = json_object_get_members(obj);
        g_autofree char *qom = NULL;
        GList *k;

        if (!g_strv_contains(viommuDrivers,
                             json_object_get_string_member_with_default(obj, "driver", "")))
            continue;
        /* the bridge gave it a user alias: ua-iommuN for iommuN */
        qom = g_strdup_printf("/machine/peripheral/%s%s",
                              g_str_has_prefix(key, "ua-") ? "" : "ua-", (char *)key);
        for (k = keys; k; k = k->next) {
            g_autofree char *want = NULL;
            g_autofree char *got = NULL;
            g_autofree char *what = NULL;

            if (g_strv_contains((const char *const[]){ "id", "driver", "bus", "addr",
                                                       "primary-bus", NULL }, k->data))
                continue;
            want = json_to_string(json_object_get_member(obj, k->data), FALSE);
            if (!(got = testQOMGet(name, qom, k->data, &err))) {
                testFail("qom-get", err);
                goto cleanup;
            }
            what = g_strdup_printf("QMP %s %s", qom, (char *)k->data);
            if (virTestDebug())
                g_printerr("%s: %s\n", what, got);
            if (testCompare(want, got, what) < 0)
                goto cleanup;
            checked++;
        }
    }
    for (i = 0; cmd->argv[i]; i++) {
        g_autofree char *got = NULL;

        if (!strstr(cmd->argv[i], "iommu=smmuv3"))
            continue;
        if (!(got = testQOMGet(name, "/machine", "iommu", &err))) {
            testFail("qom-get", err);
            goto cleanup;
        }
        if (virTestDebug())
            g_printerr("QMP /machine iommu: %s\n", got);
        if (testCompare("\"smmuv3\"", got, "QMP /machine iommu") < 0)
            goto cleanup;
        checked++;
    }
    if (checked == 0) {
        g_printerr("no vIOMMU property to check\n");
        goto cleanup;
    }
    ret = 0;
 cleanup:
    g_clear_error(&err);
    if (bridgeConnRemove(conn, name, &err) < 0)
        return testFail("destroy", err);
    if (bridgeConnHasDomain(conn, name)) {
        g_printerr("domain '%s' left behind\n", name);
        return -1;
    }
    return ret;
}

static bool
testHasHostdev(const char *path)
{
    g_autofree char *xml = virTestLoadFile(path);

    return !xml || strstr(xml, "<hostdev") || strstr(xml, "type='hostdev'");
}

static bool
testNeedsKVM(const char *path)
{
    g_autofree char *xml = virTestLoadFile(path);

    return !xml || strstr(xml, "accel='on'") ||
           (strstr(xml, "model='smmuv3'") && strstr(xml, "nesting='on'"));
}

/* Does the connection offer UEFI firmware autoselection for @arch?
 * (the chroot of libvirt 12.9 may hold no OVMF) */
static bool
testHasEFI(const char *arch)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *caps = bridgeConnDomainCaps(conn, NULL, arch, NULL, "qemu", &err);
    const char *os = caps ? strstr(caps, "<enum name='firmware'>") : NULL;
    const char *end = os ? strstr(os, "</enum>") : NULL;
    const char *efi = os ? strstr(os, "<value>efi</value>") : NULL;

    return efi && end && efi < end;
}

static testCase *
testCaseNew(GPtrArray *cases, const char *name, const char *arch)
{
    testCase *tc = g_new0(testCase, 1);

    tc->name = name;
    tc->arch = arch;
    tc->opts.cacheDir = cacheDir;
    if (qemuCapsVersion) {
        tc->caps = virTestDataPathFormat("qemucapabilitiesdata", "caps_%s_%s.xml",
                                         qemuCapsVersion, arch);
        tc->opts.qemuCapsFile = tc->caps;
    }
    g_ptr_array_add(cases, tc);
    return tc;
}

/* Run @edits (@n of them); a case without its own test case gets one of
 * its domain */
static int
testEditCases(GPtrArray *cases, testEditCase *edits, size_t n)
{
    int ret = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!edits[i].tc)
            edits[i].tc = testCaseNew(cases, edits[i].name, "x86_64");
        if (virTestRun(edits[i].title, testEdited, &edits[i]) < 0)
            ret = -1;
    }
    return ret;
}

/* The domains this QEMU version accepts (NAME.ARCH-VERSION.args) round
 * trip; those it refuses (.err) are refused with the same message. */
static int
testDataDriven(GPtrArray *names, GPtrArray *cases, const char *dir)
{
    static const char *const arches[] = { "x86_64", "aarch64", NULL };
    int ret = 0;
    guint i;
    size_t a;

    for (i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        g_autofree char *xmlPath = g_strdup_printf("%s/%s.xml", dir, n);

        /* smmuv3 accel/nesting uses the host's SMMU: KVM only, and this
         * machine runs TCG, which changes the verdict */
        if (testHasHostdev(xmlPath) || testNeedsKVM(xmlPath))
            continue;
        for (a = 0; arches[a]; a++) {
            g_autofree char *args = g_strdup_printf("%s/%s.%s-%s.args", dir, n, arches[a],
                                                    qemuVersion);
            g_autofree char *errf = g_strdup_printf("%s/%s.%s-%s.err", dir, n, arches[a],
                                                    qemuVersion);
            g_autofree char *title = NULL;
            g_autofree char *raw = NULL;

            if (g_file_test(args, G_FILE_TEST_EXISTS)) {
                g_autofree char *xml = virTestLoadFile(xmlPath);

                if (xml && strstr(xml, "firmware='efi'") && !testHasEFI(arches[a])) {
                    g_printerr("skipped %s: the connection offers no EFI firmware\n", n);
                    continue;
                }
                title = g_strdup_printf("round trip %s (%s)", n, arches[a]);
                if (virTestRun(title, testRoundTrip, testCaseNew(cases, n, arches[a])) < 0)
                    ret = -1;
                continue;
            }
            if (!g_file_test(errf, G_FILE_TEST_EXISTS))
                continue;
            /* host-passthrough refusals are about KVM, which TCG drops */
            raw = virTestLoadFile(errf);
            if (raw && strstr(raw, "host-passthrough"))
                continue;
            title = g_strdup_printf("refused %s (%s)", n, arches[a]);
            if (virTestRun(title, testRefused, testCaseNew(cases, n, arches[a])) < 0)
                ret = -1;
        }
    }
    return ret;
}

/* Domains with assigned devices, checked against a captured host tree.
 * They need a host with VFIO, which this machine is not: this part runs
 * alone (BRIDGETEST_HOSTDEV=1) under scripts/fake-vfio-host.sh, and these
 * domains are defined and compared, never started. A refusal by the
 * connected libvirt's version is bridgedata/NAME.libvirt-X.Y.err; else
 * the QEMU's .args/.err decide, as for the other domains. */
static const char *const hostdevDomains[] = {
    "intel-shadow-legacy", "intel-shadow-iommufd", "intel-mixed-backends",
    "virtio-iommu-hostdev", "intel-nesting-hostdev", "intel-nesting-pasid",
    "intel-nesting-vpasid-offset", "intel-nesting-two-units",
    "intel-upstream-spelling", NULL
};

/* The shipped examples: accepted by this QEMU, round trip; refused, the
 * message is bridgedata/examples/NAME.ARCH-VERSION.err. Those with an
 * assigned device run in the assigned-device part, against @hostRoot
 * (NULL: none). smmuv3-accel is left out: accel needs KVM. */
static const char *const exampleDomains[] = { "intel-nesting-pasid-tcg", NULL };
static const char *const exampleHostdevDomains[] = {
    "intel-nesting-pasid", "intel-nesting-two-units", NULL
};

static int
testExamples(GPtrArray *cases, const char *const *names, const char *hostRoot)
{
    g_autofree char *errDir = virTestDataPath("bridgedata", "examples");
    int ret = 0;
    size_t i;

    for (i = 0; names[i]; i++) {
        testCase *tc = testCaseNew(cases, names[i], "x86_64");
        g_autofree char *errName = g_strdup_printf("%s.x86_64-%s.err", names[i], qemuVersion);
        g_autofree char *errPath = g_build_filename(errDir, errName, NULL);
        g_autofree char *title = NULL;
        bool refused = g_file_test(errPath, G_FILE_TEST_EXISTS);

        virTestRegisterDataDir(errDir, errName);

        tc->subdir = "../examples";
        if (hostRoot) {
            tc->hostRoot = virTestDataPath("hostdata", hostRoot);
            tc->opts.hostRoot = tc->hostRoot;
        }
        if (refused)
            tc->errPath = g_steal_pointer(&errPath);
        title = g_strdup_printf("%s example %s", refused ? "refused" : "round trip", names[i]);
        if (virTestRun(title, refused ? testRefused : testRoundTrip, tc) < 0)
            ret = -1;
    }
    return ret;
}

static int
testHostdevDomains(GPtrArray *cases, const char *libvirtVersion)
{
    g_autofree char *bridgeDir = virTestDataPath("bridgedata", "");
    g_autofree char *glob = g_strdup_printf("*.libvirt-%s.err", libvirtVersion);
    int ret = 0;
    size_t i;

    virTestRegisterDataDir(bridgeDir, glob);

    for (i = 0; hostdevDomains[i]; i++) {
        const char *n = hostdevDomains[i];
        g_autofree char *lvErr = virTestDataPathFormat("bridgedata", "%s.libvirt-%s.err",
                                                       n, libvirtVersion);
        g_autofree char *args = virTestDataPathFormat("qemuxmlconfdata", "%s.x86_64-%s.args",
                                                      n, qemuVersion);
        g_autofree char *qemuErr = virTestDataPathFormat("qemuxmlconfdata", "%s.x86_64-%s.err",
                                                         n, qemuVersion);
        g_autofree char *title = NULL;
        testCase *tc;
        int (*fn)(const void *) = testRefused;

        g_autofree char *xmlPath = virTestDataPathFormat("qemuxmlconfdata", "%s.xml", n);

        if (!g_file_test(xmlPath, G_FILE_TEST_EXISTS)) {
            g_printerr("no such test domain: %s\n", xmlPath);
            ret = -1;
            continue;
        }
        /* no expectation for this QEMU (qemuxmlconftest has none either) */
        if (!g_file_test(lvErr, G_FILE_TEST_EXISTS) &&
            !g_file_test(args, G_FILE_TEST_EXISTS) &&
            !g_file_test(qemuErr, G_FILE_TEST_EXISTS))
            continue;
        tc = testCaseNew(cases, n, "x86_64");
        tc->hostRoot = virTestDataPath("hostdata", "intel-server-sm");
        tc->opts.hostRoot = tc->hostRoot;
        if (g_file_test(lvErr, G_FILE_TEST_EXISTS))
            tc->errPath = g_steal_pointer(&lvErr);
        else if (g_file_test(args, G_FILE_TEST_EXISTS))
            fn = testRoundTrip;
        title = g_strdup_printf("%s %s with an assigned device",
                                fn == testRoundTrip ? "round trip" : "refused", n);
        if (virTestRun(title, fn, tc) < 0)
            ret = -1;
        if (fn == testRoundTrip && g_str_equal(n, "intel-nesting-vpasid-offset")) {
            /* the vfio-pci override of vpasidCapOffset, and its metadata */
            testEditCase edits[] = {
                { "edited vfio-pci override reported", n,
                  "(<qemu:property name='x-vpasid-cap-offset' type='unsigned' value=)'3328'",
                  "\\1'3332'",
                  "unsupported configuration: the <qemu:override> of <hostdev> 'ua-hostdev0' sets 'x-vpasid-cap-offset' to unsigned '3332', but the virt-viommu metadata records unsigned '3328': the two disagree (was one of them edited?)",
                  tc },
                { "edited hostdev metadata reported", n,
                  "vpasidCapOffset=\"0xd00\"", "vpasidCapOffset=\"0xd04\"",
                  "unsupported configuration: <hostdev> 'ua-hostdev0': 'x-vpasid-cap-offset' is 3328 with its <qemu:override> but 3332 with the virt-viommu metadata: the two disagree (was one of them edited?)",
                  tc },
            };

            if (testEditCases(cases, edits, G_N_ELEMENTS(edits)) < 0)
                ret = -1;
        }
    }
    if (testExamples(cases, exampleHostdevDomains, "intel-server-sm") < 0)
        ret = -1;
    return ret;
}

/* iommufd needs a libvirt that passes the file descriptors: refused with
 * the minimum version for an older one (no connection needed) */
typedef struct {
    const char *name;
    unsigned long version;
    const char *expect;    /* NULL: accepted */
} testIOMMUFDCase;

static int
testIOMMUFDVersion(const void *opaque)
{
    const testIOMMUFDCase *c = opaque;
    g_autofree char *path = virTestDataPathFormat("qemuxmlconfdata", "%s.xml", c->name);
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDef) def = virDomainDefParseFile(path, 0, &err);
    bridgeLibvirtFacts facts = { .version = c->version };
    g_autoptr(bridgeConversion) conv = NULL;

    if (!def)
        return testFail("parse", err);
    conv = bridgeConvertPrepare(def, &facts, &err);
    if (!c->expect)
        return conv ? 0 : testFail("conversion", err);
    if (conv) {
        g_printerr("%s: converted for libvirt %lu, expected: %s\n",
                   c->name, c->version, c->expect);
        return -1;
    }
    return testCompare(c->expect, err->message, "refusal");
}

static int
mymain(void)
{
    g_autofree char *dir = virTestDataPath("qemuxmlconfdata", "");
    g_autofree char *root = g_dir_make_tmp("bridgetest-XXXXXX", NULL);
    g_autofree char *etc = g_build_filename(root, "etc", NULL);
    g_autofree char *conf = g_build_filename(etc, "qemu.conf", NULL);
    g_autoptr(GDir) d = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func(testCaseFree);
    g_autoptr(GError) err = NULL;
    g_autofree char *rm = NULL;
    const char *intelStart;
    const char *entry;
    testCase *smmu;
    testCase *userMetadata;
    testCase *quoted;
    testCase *userOverride;
    int ret = 0;

    g_mkdir_with_parents(etc, 0700);
    g_file_set_contents(conf,
                        "stdio_handler = \"file\"\nnamespaces = []\n"
                        "user = \"root\"\ngroup = \"root\"\n", -1, NULL);
    if (g_getenv("BRIDGETEST_URI")) {
        uri = g_strdup(g_getenv("BRIDGETEST_URI"));
        qemuVersion = g_getenv("BRIDGETEST_QEMU") ? g_getenv("BRIDGETEST_QEMU") : "11.1";
        qemuCapsVersion = g_str_equal(qemuVersion, "11.1") ? "11.1.3" : "10.0.2";
    } else {
        uri = g_strdup_printf("qemu:///embed?root=%s", root);
    }
    cacheDir = g_build_filename(root, "vv-cache", NULL);
    if (!(conn = bridgeConnOpen(uri, &err)))
        return testFail("connect", err);
    if (!(d = g_dir_open(dir, 0, NULL)))
        return -1;
    while ((entry = g_dir_read_name(d))) {
        if (g_str_has_suffix(entry, ".xml") && !g_str_has_suffix(entry, ".out.xml"))
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 4));
    }
    g_ptr_array_sort(names, testStrPtrCmp);
    if (g_strcmp0(g_getenv("BRIDGETEST_HOSTDEV"), "1") == 0) {
        unsigned long version = 0;
        g_autofree char *full = NULL;

        if (bridgeConnLibVersion(conn, &version, &err) < 0)
            return testFail("libvirt version", err);
        full = bridgeVersionString(version);
        *strrchr(full, '.') = '\0';
        ret = testHostdevDomains(cases, full);
        goto done;
    }
    if (testDataDriven(names, cases, dir) < 0 ||
        testExamples(cases, exampleDomains, NULL) < 0)
        ret = -1;

    /* QEMU 10.0 has a 1-bit PASID and no nesting with PASID; 11.1 both */
    intelStart = g_str_equal(qemuVersion, "10.0") ? "intel-scalable-pasid-1bit" :
                                                    "intel-pasid-20-emulated";
    /* device tree: no UEFI firmware needed on this host */
    smmu = testCaseNew(cases, "smmuv3-dt", "aarch64");
    smmu->subdir = "bridgedata";
    userMetadata = testCaseNew(cases, "intel-nesting-user-metadata", "x86_64");
    userMetadata->subdir = "bridgedata";
    quoted = testCaseNew(cases, "intel-nesting-quote-in-value", "x86_64");
    quoted->subdir = "bridgedata";
    userOverride = testCaseNew(cases, "intel-nesting-user-override", "x86_64");
    userOverride->subdir = "bridgedata";
    userOverride->errPath = virTestDataPath("bridgedata", "intel-nesting-user-override.err");
    {
        static const testIOMMUFDCase iommufdCases[] = {
            { "intel-shadow-iommufd", 11003000UL,
              "unsupported configuration: hostdev 0000:03:00.0 (hostdev0) uses iommufd, which needs libvirt 12.1.0 or newer to pass the iommufd and VFIO file descriptors to QEMU; the connected libvirt is 11.3.0" },
            { "intel-shadow-iommufd", 12001000UL, NULL },
            { "intel-iommufd-fdgroup", 12001000UL,
              "unsupported configuration: the domain-level <iommufd> element needs libvirt 12.2.0 or newer; the connected libvirt is 12.1.0: set <driver iommufd='yes'/> on each hostdev instead (libvirt 12.1.0) or use a newer libvirt" },
            { "intel-iommufd-fdgroup", 12009000UL, NULL },
        };
        size_t k;

        for (k = 0; k < G_N_ELEMENTS(iommufdCases); k++) {
            g_autofree char *title = g_strdup_printf("iommufd on libvirt %lu: %s",
                                                     iommufdCases[k].version,
                                                     iommufdCases[k].name);

            if (virTestRun(title, testIOMMUFDVersion, &iommufdCases[k]) < 0)
                ret = -1;
        }
    }
    /* the property names are the qemu layer's for this QEMU: on 10.0
     * x-scalable-mode, and a 1-bit PASID is x-pasid-mode; on 11.x
     * scalable-mode and pasid-bits */
    {
        bool old = g_str_equal(qemuVersion, "10.0");
        testEditCase edits[] = {
            { "edited override reported", "intel-scalable-mode",
              old ? "(<qemu:property name='x-scalable-mode' type='bool' value=)'true'" :
                    "(<qemu:property name='scalable-mode' type='bool' value=)'true'",
              "\\1'false'",
              old ? "unsupported configuration: the <qemu:override> of <iommu> 'ua-iommu0' sets 'x-scalable-mode' to bool 'false', but the virt-viommu metadata records bool 'true': the two disagree (was one of them edited?)" :
                    "unsupported configuration: the <qemu:override> of <iommu> 'ua-iommu0' sets 'scalable-mode' to bool 'false', but the virt-viommu metadata records bool 'true': the two disagree (was one of them edited?)",
              NULL },
            { "corrupted metadata reported", "intel-nesting-emulated",
              "<viommu:iommu alias=\"ua-iommu0\"", "<viommu:iommu",
              "XML error: the virt-viommu metadata is corrupted: a record for <iommu> has no alias=",
              NULL },
            { "edited metadata reported", "intel-scalable-pasid-1bit",
              "<viommu:driver scalable_mode=\"on\" pasid_bits=\"1\"/>",
              "<viommu:driver scalable_mode=\"on\"/>",
              old ? "unsupported configuration: <iommu> 'ua-iommu0': 'x-pasid-mode' is true with its <qemu:override> but unset with the virt-viommu metadata: the two disagree (was one of them edited?)" :
                    "unsupported configuration: <iommu> 'ua-iommu0': 'pasid-bits' is 1 with its <qemu:override> but unset with the virt-viommu metadata: the two disagree (was one of them edited?)",
              NULL },
        };

        if (testEditCases(cases, edits, G_N_ELEMENTS(edits)) < 0)
            ret = -1;
    }
    if (virTestRun("unknown connection URI", testUnknownURI, NULL) < 0 ||
        virTestRun("removed metadata reported", testRemovedMetadata,
                   testCaseNew(cases, "intel-nesting-emulated", "x86_64")) < 0 ||
        virTestRun("round trip with the user's own metadata", testRoundTrip,
                   userMetadata) < 0 ||
        virTestRun("round trip with a quote in a device value", testRoundTrip,
                   quoted) < 0 ||
        virTestRun("the user's own override of a property virt-viommu sets", testRefused,
                   userOverride) < 0 ||
        virTestRun("grammar refusal names the grammar's libvirt", testGrammarRefusal,
                   testCaseNew(cases, "intel-nesting-emulated", "x86_64")) < 0 ||
        virTestRun("name exists: libvirt refuses, nothing changes", testNameExists,
                   testCaseNew(cases, "intel-nesting-emulated", "x86_64")) < 0 ||
        virTestRun("start intel with PASID, QMP", testStart,
                   testCaseNew(cases, intelStart, "x86_64")) < 0 ||
        virTestRun("start smmuv3 (aarch64), QMP", testStart, smmu) < 0)
        ret = -1;

 done:
    bridgeConnClose(conn);
    g_free(uri);
    g_free(cacheDir);
    rm = g_strdup_printf("rm -rf '%s'", root);
    if (system(rm) != 0)
        ret = -1;
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
