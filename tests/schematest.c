/*
 * schematest.c: RelaxNG checks of the domain XML test data
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Positive documents (must validate), selected by file naming:
 *   tests/domainxmldata/NAME.xml      when there is no NAME.err next to it
 *                                     (NAME.err marks a parse-error case);
 *   tests/domainxmldata/NAME.out.xml  always;
 *   tests/qemuxmlconfdata/NAME.xml    when some NAME.*.args exists (the
 *                                     domain got as far as a command line);
 *   tests/qemuxmlconfdata/NAME.out.xml always.
 * Each is validated against docs/schemas/libvirt-superset.rng (libvirt's
 * installed domain grammar plus the extension): every domain libvirt
 * accepts is ours to accept, and the extension is the only addition.
 *
 * The parser must agree with the grammar: it accepts every positive
 * document and rejects every negative one.
 *
 * Negative documents (must fail) are listed below with DO_TEST_FAIL;
 * they live in tests/domainschemadata/, and every file there must be
 * listed.
 *
 * VIR_TEST_LIBVIRT_SCHEMADIR overrides where libvirt's schemas are looked
 * for (default /usr/share/libvirt/schemas).
 */
#include <stdio.h>
#include <string.h>

#include <libxml/relaxng.h>

#include "testutils.h"
#include "virxml.h"
#include "domain_conf.h"

#define LIBVIRT_SCHEMADIR_DEFAULT "/usr/share/libvirt/schemas"

static xmlRelaxNGPtr supersetSchema;

typedef struct {
    const char *path;
    bool positive;
} testSchemaInfo;

static void
testCollectError(void *opaque, const xmlError *err)
{
    GString *msg = opaque;

    g_string_append_printf(msg, "%s:%d: %s", err->file ? err->file : "",
                           err->line, err->message ? err->message : "\n");
}

/* 0 valid, 1 invalid (message in @msg), -1 could not try */
static int
testValidate(xmlRelaxNGPtr schema, const char *path, GString *msg)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlRelaxNGValidCtxtPtr vctxt;
    int rc;

    if (!(doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING))) {
        g_string_append_printf(msg, "%s is not well-formed XML\n", path);
        return 1;
    }
    vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctxt, (xmlStructuredErrorFunc)testCollectError, msg);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    return rc == 0 ? 0 : (rc > 0 ? 1 : -1);
}

static int
testCheckOne(xmlRelaxNGPtr schema, const char *which, const char *path,
             bool positive)
{
    g_autoptr(GString) msg = g_string_new(NULL);
    int rc = testValidate(schema, path, msg);

    if (rc < 0) {
        fprintf(stderr, "%s: internal error validating against %s\n%s",
                path, which, msg->str);
        return -1;
    }
    if (positive && rc != 0) {
        fprintf(stderr, "%s does not validate against %s:\n%s", path, which, msg->str);
        return -1;
    }
    if (!positive && rc == 0) {
        fprintf(stderr, "%s validates against %s although it must not\n", path, which);
        return -1;
    }
    if (virTestDebug() && !positive)
        fprintf(stderr, "%s rejected as expected by %s:\n%s", path, which, msg->str);
    return 0;
}

/* The grammar and the parser accept the same documents. */
static int
testParserAgrees(const testSchemaInfo *info)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDef) def = virDomainDefParseFile(info->path, 0, &err);

    if (info->positive && !def) {
        fprintf(stderr, "%s validates but the parser rejects it: %s\n",
                info->path, err->message);
        return -1;
    }
    if (!info->positive && def) {
        fprintf(stderr, "%s is invalid for the schema but the parser accepts it\n",
                info->path);
        return -1;
    }
    return 0;
}

static int
testSchema(const void *opaque)
{
    const testSchemaInfo *info = opaque;

    virTestUseFile(info->path);
    if (testParserAgrees(info) < 0)
        return -1;
    if (testCheckOne(supersetSchema, "libvirt-superset.rng", info->path,
                     info->positive) < 0)
        return -1;
    return 0;
}

static xmlRelaxNGPtr
testLoadSchemaDoc(xmlDocPtr doc)
{
    xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewDocParserCtxt(doc);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pctxt);

    xmlRelaxNGFreeParserCtxt(pctxt);
    return schema;
}

/* The superset grammar, including libvirt's domain.rng from @libvirtDir. */
static xmlRelaxNGPtr
testLoadSupersetSchema(const char *libvirtDir)
{
    g_autofree char *path = virXMLSchemaPath("libvirt-superset.rng");
    g_autofree char *text = NULL;
    g_autofree char *href = g_build_filename(libvirtDir, "domain.rng", NULL);
    g_autoptr(GString) s = NULL;
    g_autoptr(xmlDoc) doc = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    s = g_string_new(text);
    g_string_replace(s, LIBVIRT_SCHEMADIR_DEFAULT "/domain.rng", href, 0);
    if (!(doc = xmlReadMemory(s->str, s->len, path, NULL, XML_PARSE_NONET)))
        return NULL;
    return testLoadSchemaDoc(doc);
}

static bool
testHasArgsSibling(const char *dir, const char *stem)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autofree char *prefix = g_strdup_printf("%s.", stem);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        if (g_str_has_prefix(name, prefix) && g_str_has_suffix(name, ".args"))
            return true;
    }
    return false;
}

/* Is @name (a file in @dir) a positive document by the rules above? */
static bool
testIsPositive(const char *dir, const char *name, bool qemuData)
{
    g_autofree char *stem = NULL;
    g_autofree char *errName = NULL;
    g_autofree char *errPath = NULL;

    if (!g_str_has_suffix(name, ".xml"))
        return false;
    if (g_str_has_suffix(name, ".out.xml"))
        return true;
    stem = g_strndup(name, strlen(name) - strlen(".xml"));
    if (qemuData)
        return !strchr(stem, '.') && testHasArgsSibling(dir, stem);
    errName = g_strdup_printf("%s.err", stem);
    errPath = g_build_filename(dir, errName, NULL);
    return !g_file_test(errPath, G_FILE_TEST_EXISTS);
}

/* g_ptr_array_sort() passes pointers to the elements */
static gint
testSortNames(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static int
testPositiveDir(const char *subdir, bool qemuData, unsigned int *count)
{
    g_autofree char *dir = g_build_filename(abs_srcdir, subdir, NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    int ret = 0;
    size_t i;

    if (!d)
        return 0;
    while ((name = g_dir_read_name(d))) {
        if (testIsPositive(dir, name, qemuData))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, testSortNames);
    for (i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        g_autofree char *title = g_strdup_printf("schema valid %s/%s", subdir, n);
        testSchemaInfo info = { NULL, true };

        info.path = g_build_filename(dir, n, NULL);
        if (virTestRun(title, testSchema, &info) < 0)
            ret = -1;
        g_free((char *)info.path);
        (*count)++;
    }
    return ret;
}

static int
mymain(void)
{
    const char *libvirtDir = g_getenv("VIR_TEST_LIBVIRT_SCHEMADIR");
    g_autofree char *libvirtDomain = NULL;
    g_autofree char *negDir = g_build_filename(abs_srcdir, "domainschemadata", NULL);
    unsigned int positives = 0;
    int ret = 0;

    if (!libvirtDir)
        libvirtDir = LIBVIRT_SCHEMADIR_DEFAULT;
    libvirtDomain = g_build_filename(libvirtDir, "domain.rng", NULL);

    if (!g_file_test(libvirtDomain, G_FILE_TEST_EXISTS)) {
        fprintf(stderr, "libvirt's domain schema %s is not installed "
                "(scripts/install-deps.sh installs it)\n", libvirtDomain);
        return -1;
    }
    if (!(supersetSchema = testLoadSupersetSchema(libvirtDir))) {
        fprintf(stderr, "cannot compile docs/schemas/libvirt-superset.rng "
                "against %s\n", libvirtDomain);
        return -1;
    }

    if (testPositiveDir("domainxmldata", false, &positives) < 0)
        ret = -1;
    if (testPositiveDir("qemuxmlconfdata", true, &positives) < 0)
        ret = -1;
    if (positives == 0) {
        fprintf(stderr, "no positive domain XML found: the selection is broken\n");
        ret = -1;
    }

    virTestRegisterDataDir(negDir, NULL);

#define DO_TEST_FAIL(name) \
    do { \
        testSchemaInfo info = { NULL, false }; \
        g_autofree char *path = g_build_filename(negDir, name ".xml", NULL); \
        info.path = path; \
        if (virTestRun("schema invalid " name, testSchema, &info) < 0) \
            ret = -1; \
    } while (0)

    /* invalid for libvirt as well */
    DO_TEST_FAIL("controller-model-bad");
    DO_TEST_FAIL("disk-block-source-file");
    DO_TEST_FAIL("mac-multicast");
    DO_TEST_FAIL("memballoon-twice");
    DO_TEST_FAIL("memory-unit-bad");
    DO_TEST_FAIL("vcpu-zero");

    /* vIOMMU, hostdev and iommufd: the extension keeps libvirt's rules */
    DO_TEST_FAIL("iommu-bad-model");
    DO_TEST_FAIL("iommu-nesting-yes");
    DO_TEST_FAIL("iommu-fsts-bad-value");
    DO_TEST_FAIL("iommu-pasid-bits-21");
    DO_TEST_FAIL("iommu-unknown-driver-attr");
    DO_TEST_FAIL("iommu-granule-both");
    DO_TEST_FAIL("iommu-granule-mode-guest");
    DO_TEST_FAIL("hostdev-vpasid-not-number");
    DO_TEST_FAIL("hostdev-iommufd-on");
    DO_TEST_FAIL("iommufd-no-enabled");
    DO_TEST_FAIL("iommufd-bad-enabled");

    printf("schematest: %u positive documents checked\n", positives);
    if (supersetSchema)
        xmlRelaxNGFree(supersetSchema);
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
