/*
 * domainxmltest.c: domain XML round-trip and parse-error tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Data in tests/domainxmldata/:
 *   DO_TEST("NAME")             NAME.xml parses, passes post-parse and
 *                               validation, and formats back to NAME.xml;
 *   DO_TEST_OUT("NAME")         the same, but the expected output is
 *                               NAME.out.xml (units normalized, ...);
 *   DO_TEST_PARSE_ERROR("NAME") NAME.xml fails; NAME.err holds the exact
 *                               message followed by a newline.
 * Every round trip is checked twice: the formatted output must parse and
 * format to itself again. What the model does not hold
 * (virDomainDefOpaqueParts) is compared with NAME.opaque, one path a
 * line; a domain the model holds whole has no such file. VIR_TEST_REGENERATE_OUTPUT=1 rewrites .out.xml
 * and .err files (never the inputs).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutils.h"
#include "virxml.h"
#include "domain_conf.h"

#define DATADIR "domainxmldata"

typedef enum {
    TEST_ROUNDTRIP,       /* output == input */
    TEST_ROUNDTRIP_OUT,   /* output == NAME.out.xml */
    TEST_PARSE_ERROR,     /* error == NAME.err */
} testDomainXMLKind;

typedef struct {
    const char *name;
    testDomainXMLKind kind;
} testDomainXMLInfo;

static char *
testFormatFile(const char *path, char **opaque, GError **error)
{
    g_autoptr(virDomainDef) def = virDomainDefParseFile(path, 0, error);
    g_auto(GStrv) parts = NULL;
    g_autofree char *joined = NULL;

    if (!def)
        return NULL;
    if (opaque) {
        parts = virDomainDefOpaqueParts(def);
        joined = g_strjoinv("\n", parts);
        *opaque = parts[0] ? g_strconcat(joined, "\n", NULL) : NULL;
    }
    return virDomainDefFormat(def);
}

/* NAME.opaque lists what the model does not hold, and exists only then */
static int
testOpaqueParts(const char *name, const char *opaque)
{
    g_autofree char *path = virTestDataPathFormat(DATADIR, "%s.opaque", name);

    if (!opaque && !g_file_test(path, G_FILE_TEST_EXISTS))
        return 0;
    return virTestCompareToFile(opaque ? opaque : "", path);
}

/* Formatting is a fixed point: parsing the output gives the same output. */
static int
testFormatIsStable(const char *formatted, const char *name)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDef) def = virDomainDefParseString(formatted, 0, &err);
    g_autofree char *again = NULL;

    if (!def) {
        fprintf(stderr, "%s: formatted XML does not parse again: %s\n",
                name, err->message);
        return -1;
    }
    again = virDomainDefFormat(def);
    if (strcmp(again, formatted) != 0) {
        fprintf(stderr, "%s: second round trip differs\n", name);
        return virTestDifference(formatted, again, name);
    }
    return 0;
}

static int
testRoundTrip(const testDomainXMLInfo *info)
{
    g_autofree char *in = virTestDataPathFormat(DATADIR, "%s.xml", info->name);
    g_autofree char *actual = NULL;
    g_autofree char *opaque = NULL;
    g_autoptr(GError) err = NULL;

    virTestUseFile(in);
    if (!(actual = testFormatFile(in, &opaque, &err))) {
        fprintf(stderr, "%s: unexpected error: %s\n", info->name, err->message);
        return -1;
    }
    if (testOpaqueParts(info->name, opaque) < 0)
        return -1;

    if (info->kind == TEST_ROUNDTRIP_OUT) {
        g_autofree char *out = virTestDataPathFormat(DATADIR, "%s.out.xml", info->name);

        if (virTestCompareToFile(actual, out) < 0)
            return -1;
    } else {
        /* compared without regeneration: the input is never rewritten */
        g_autofree char *expect = virTestLoadFile(in);

        if (!expect)
            return -1;
        if (strcmp(expect, actual) != 0) {
            if (virTestRegenerate())
                fprintf(stderr, "%s: output differs from the input; use DO_TEST_OUT\n",
                        info->name);
            return virTestDifference(expect, actual, in);
        }
    }
    return testFormatIsStable(actual, info->name);
}

static int
testParseError(const testDomainXMLInfo *info)
{
    g_autofree char *in = virTestDataPathFormat(DATADIR, "%s.xml", info->name);
    g_autofree char *errFile = virTestDataPathFormat(DATADIR, "%s.err", info->name);
    g_autofree char *actual = NULL;
    g_autoptr(GError) err = NULL;

    virTestUseFile(in);
    if ((actual = testFormatFile(in, NULL, &err))) {
        fprintf(stderr, "%s: parsed although an error was expected\n", info->name);
        return -1;
    }
    if (!err || err->domain != VIR_ERROR) {
        fprintf(stderr, "%s: failed without a VIR_ERROR error\n", info->name);
        return -1;
    }
    return virTestCompareErrorToFile(err, errFile);
}

static int
testDomainXML(const void *opaque)
{
    const testDomainXMLInfo *info = opaque;

    if (info->kind == TEST_PARSE_ERROR)
        return testParseError(info);
    return testRoundTrip(info);
}

/* A domain padded with a comment to exactly @size bytes */
static char *
testPaddedDomain(size_t size)
{
    const char *head = "<domain type='kvm'>\n  <name>padded</name>\n"
                       "  <memory unit='KiB'>1048576</memory>\n"
                       "  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n"
                       "  </os>\n</domain>\n<!--";
    GString *doc = g_string_new(head);

    while (doc->len < size - 4)
        g_string_append_c(doc, 'x');
    g_string_append(doc, "-->\n");
    return g_string_free(doc, FALSE);
}

/* The size limit: VIR_XML_MAX_DOCUMENT_SIZE bytes pass, one more is
 * refused, from a file and from a string */
static int
testDocumentSize(const void *opaque G_GNUC_UNUSED)
{
    g_autofree char *fits = testPaddedDomain(VIR_XML_MAX_DOCUMENT_SIZE);
    g_autofree char *big = testPaddedDomain(VIR_XML_MAX_DOCUMENT_SIZE + 1);
    g_autofree char *dir = g_dir_make_tmp("domainxmltest-XXXXXX", NULL);
    g_autofree char *path = dir ? g_build_filename(dir, "big.xml", NULL) : NULL;
    g_autofree char *expectFile = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;
    int ret = -1;

    if (!dir || strlen(fits) != VIR_XML_MAX_DOCUMENT_SIZE)
        return -1;
    if (!(def = virDomainDefParseString(fits, 0, &err))) {
        fprintf(stderr, "a document of the largest size is refused: %s\n", err->message);
        goto cleanup;
    }
    g_clear_pointer(&def, virDomainDefFree);
    if ((def = virDomainDefParseString(big, 0, &err)) ||
        g_strcmp0(err->message, "XML error: [inline data]: the document is larger than 4194304 bytes") != 0) {
        fprintf(stderr, "string: %s\n", err ? err->message : "accepted");
        goto cleanup;
    }
    g_clear_error(&err);
    expectFile = g_strdup_printf("Requested operation is not valid: file '%s' is larger than 4194304 bytes", path);
    if (!g_file_set_contents(path, big, -1, NULL) ||
        (def = virDomainDefParseFile(path, 0, &err)) ||
        g_strcmp0(err->message, expectFile) != 0) {
        fprintf(stderr, "file: %s\n", err ? err->message : "accepted");
        goto cleanup;
    }
    ret = 0;

 cleanup:
    if (path)
        unlink(path);
    rmdir(dir);
    return ret;
}

static int
mymain(void)
{
    int ret = 0;
    g_autofree char *dir = g_build_filename(abs_srcdir, DATADIR, NULL);

    virTestRegisterDataDir(dir, NULL);

#define DO_TEST_FULL(name, kind) \
    do { \
        static const testDomainXMLInfo info = { name, kind }; \
        if (virTestRun("domain XML " name, testDomainXML, &info) < 0) \
            ret = -1; \
    } while (0)
#define DO_TEST(name) DO_TEST_FULL(name, TEST_ROUNDTRIP)
#define DO_TEST_OUT(name) DO_TEST_FULL(name, TEST_ROUNDTRIP_OUT)
#define DO_TEST_PARSE_ERROR(name) DO_TEST_FULL(name, TEST_PARSE_ERROR)

    /* domain basics */
    DO_TEST("minimal");
    DO_TEST("basic-q35");
    DO_TEST("title-description");
    DO_TEST("metadata-kept");
    DO_TEST_OUT("metadata-reindent");
    DO_TEST_OUT("memory-units-binary");
    DO_TEST_OUT("memory-units-decimal");
    DO_TEST_OUT("memory-units-default");
    DO_TEST_OUT("memory-units-tib");
    DO_TEST("vcpu-auto");
    DO_TEST("vcpu-plain");
    DO_TEST_OUT("element-order");

    /* os, features, cpu, clock, lifecycle */
    DO_TEST("os-firmware-efi");
    DO_TEST("os-loader-rom");
    DO_TEST("os-aarch64-virt");
    DO_TEST("features-ioapic");
    DO_TEST("features-ioapic-kvm");
    DO_TEST("features-empty");
    DO_TEST("cpu-custom");
    DO_TEST("cpu-host-model");
    DO_TEST("cpu-maximum");
    DO_TEST_OUT("cpu-no-mode");
    DO_TEST("clock-timers");
    DO_TEST("lifecycle");

    /* devices */
    DO_TEST("controllers-pcie");
    DO_TEST("controllers-pci-i440fx");
    DO_TEST_OUT("controller-port-decimal");
    DO_TEST("controllers-storage-usb");
    DO_TEST("disks");
    DO_TEST("interfaces");
    DO_TEST("chardev-file");
    DO_TEST("chardev-pci-serial");
    DO_TEST("memballoon-none");
    DO_TEST("user-aliases");
    DO_TEST_OUT("empty-devices");
    DO_TEST_OUT("pci-address-decimal");
    DO_TEST_OUT("device-order");

    /* XML and subset errors */
    DO_TEST_PARSE_ERROR("err-xml-malformed");
    DO_TEST_PARSE_ERROR("err-xml-entity-expansion");
    DO_TEST_PARSE_ERROR("err-xml-external-entity");
    DO_TEST_PARSE_ERROR("err-xml-xinclude");
    DO_TEST_PARSE_ERROR("err-xml-nul");
    if (virTestRun("domain XML size limit", testDocumentSize, NULL) < 0)
        ret = -1;
    DO_TEST_PARSE_ERROR("err-root-element");
    DO_TEST_OUT("opaque-unknown-element");
    DO_TEST("libvirt-unknown-element");
    DO_TEST_OUT("libvirt-cpu-topology");
    DO_TEST("libvirt-hostdev-usb");
    DO_TEST("libvirt-alias-not-user");
    DO_TEST("libvirt-disk-bus-ide");
    DO_TEST("libvirt-disk-target-bus-mismatch");
    DO_TEST("libvirt-interface-direct");
    DO_TEST("libvirt-serial-tcp");
    DO_TEST("opaque-unknown-device");
    DO_TEST("opaque-unknown-disk-attr");
    DO_TEST("opaque-unknown-cpu-child");
    DO_TEST("opaque-qemu-commandline");
    DO_TEST("opaque-domain-attr");
    DO_TEST("opaque-hostdev-usb");
    DO_TEST("opaque-hostdev-capabilities");
    DO_TEST("opaque-net-type");
    DO_TEST("opaque-chr-type");
    DO_TEST("opaque-controller-type");

    /* domain basics */
    DO_TEST_PARSE_ERROR("err-domain-type");
    DO_TEST_PARSE_ERROR("err-missing-name");
    DO_TEST_PARSE_ERROR("err-duplicate-name");
    DO_TEST_PARSE_ERROR("err-uuid-malformed");
    DO_TEST_PARSE_ERROR("err-metadata-text");
    DO_TEST_PARSE_ERROR("err-missing-memory");
    DO_TEST_PARSE_ERROR("err-memory-unit");
    DO_TEST_PARSE_ERROR("err-memory-overflow");
    /* libvirt's limit: below 2^53 KiB (2^63 bytes) */
    DO_TEST("memory-max-kib");
    DO_TEST_PARSE_ERROR("err-memory-max-plus-1-kib");
    DO_TEST_PARSE_ERROR("err-memory-2p53-plus-1-kib");
    DO_TEST_PARSE_ERROR("err-memory-15-eib");
    DO_TEST_PARSE_ERROR("err-memory-2p64-minus-1-bytes");
    DO_TEST_PARSE_ERROR("err-current-memory-too-large");
    DO_TEST_PARSE_ERROR("err-current-memory-larger");
    DO_TEST_PARSE_ERROR("err-vcpu-zero");
    /* libvirt's grammar: at most 65535 */
    DO_TEST_PARSE_ERROR("err-vcpu-uint-max");
    DO_TEST_PARSE_ERROR("err-vcpu-placement");
    DO_TEST_PARSE_ERROR("err-missing-os");
    DO_TEST_PARSE_ERROR("err-os-type");
    DO_TEST("opaque-os-arch");
    DO_TEST_PARSE_ERROR("err-boot-dev");
    DO_TEST_PARSE_ERROR("err-ioapic-driver");
    DO_TEST_PARSE_ERROR("err-cpu-mode");
    DO_TEST("opaque-clock-offset");
    DO_TEST_PARSE_ERROR("err-clock-timer");
    DO_TEST("opaque-lifecycle");

    /* devices */
    DO_TEST_PARSE_ERROR("err-controller-model");
    DO_TEST_PARSE_ERROR("err-controller-dup-index");
    DO_TEST_PARSE_ERROR("err-controller-root-index");
    DO_TEST_PARSE_ERROR("err-controller-index0-not-root");
    DO_TEST_PARSE_ERROR("err-controller-chassis-range");
    DO_TEST_PARSE_ERROR("err-controller-busnr-model");
    DO_TEST_PARSE_ERROR("err-controller-root-address");
    DO_TEST_PARSE_ERROR("err-pci-address-duplicate");
    DO_TEST_PARSE_ERROR("err-pci-address-slot");
    DO_TEST_PARSE_ERROR("err-pci-address-domain-wrap");
    DO_TEST_PARSE_ERROR("err-pci-address-bus-wrap");
    DO_TEST_PARSE_ERROR("err-pci-address-function");
    DO_TEST_PARSE_ERROR("err-pci-address-host-bridge");
    DO_TEST_PARSE_ERROR("err-acpi-index-range");
    DO_TEST("opaque-address-type");
    DO_TEST_PARSE_ERROR("err-alias-duplicate");
    DO_TEST("opaque-alias-not-user");
    DO_TEST_PARSE_ERROR("err-alias-chars");
    DO_TEST_PARSE_ERROR("err-disk-dup-target");
    DO_TEST("opaque-disk-bus");
    DO_TEST("opaque-disk-format");
    DO_TEST_PARSE_ERROR("err-disk-block-file");
    DO_TEST_PARSE_ERROR("err-disk-no-source");
    DO_TEST_PARSE_ERROR("err-disk-drive-address-virtio");
    DO_TEST_PARSE_ERROR("err-disk-target-name");
    DO_TEST_PARSE_ERROR("err-net-mac");
    DO_TEST_PARSE_ERROR("err-net-mac-multicast");
    DO_TEST_PARSE_ERROR("err-net-no-source");
    DO_TEST("opaque-net-model");
    DO_TEST_PARSE_ERROR("err-chr-file-no-path");
    DO_TEST_PARSE_ERROR("err-memballoon-none-address");
    DO_TEST_PARSE_ERROR("err-memballoon-twice");

    /* iommu, hostdev and iommufd */
    DO_TEST("hostdev-full");
    DO_TEST("hostdev-iommufd-domain");
    DO_TEST("hostdev-legacy");
    DO_TEST("hostdev-vpasid-offset");
    /* every PCI form libvirt accepts: <interface type='hostdev'>, an
     * unassigned hostdev, a variant driver, multifunction, PCI domains,
     * display and ramfb */
    DO_TEST_OUT("hostdev-pci-forms");
    DO_TEST("iommu-amd");
    DO_TEST_OUT("iommu-intel-aw-bits-hex");
    DO_TEST("iommu-intel-basic");
    DO_TEST("iommu-intel-empty-driver");
    DO_TEST_OUT("iommu-intel-fs1gp-off");
    DO_TEST("iommu-intel-libvirt-attrs");
    DO_TEST("iommu-intel-nesting");
    DO_TEST("iommu-intel-nesting-off");
    DO_TEST("iommu-intel-nesting-pasid");
    DO_TEST("iommu-intel-nesting-pasid-bits");
    DO_TEST("iommu-intel-scalable-pasid");
    DO_TEST("iommu-intel-upstream-spelling");
    DO_TEST("iommu-smmuv3-basic");
    DO_TEST_OUT("iommu-smmuv3-multi");
    DO_TEST("iommu-smmuv3-nesting-pasid");
    DO_TEST("iommu-smmuv3-pcibus-accel");
    DO_TEST("iommu-smmuv3-pcibus-root");
    DO_TEST("iommu-smmuv3-with-virtio");
    DO_TEST("iommu-virtio-aarch64");
    DO_TEST("iommu-virtio-granule-host");
    DO_TEST("iommu-virtio-granule-size");
    DO_TEST("iommufd-disabled");
    DO_TEST_PARSE_ERROR("hostdev-driver-kvm");
    DO_TEST_PARSE_ERROR("hostdev-duplicate-source");
    DO_TEST_PARSE_ERROR("hostdev-ramfb-twice");
    DO_TEST_PARSE_ERROR("hostdev-drive-address");
    DO_TEST_PARSE_ERROR("hostdev-iommufd-bad");
    DO_TEST_PARSE_ERROR("hostdev-nesting-no-iommufd");
    DO_TEST_PARSE_ERROR("hostdev-nesting-opt-out");
    DO_TEST_PARSE_ERROR("hostdev-no-source");
    DO_TEST_PARSE_ERROR("hostdev-smmuv3-accel-legacy");
    DO_TEST("opaque-hostdev-usb-2");
    DO_TEST_PARSE_ERROR("hostdev-vpasid-no-pasid");
    DO_TEST_PARSE_ERROR("hostdev-vpasid-too-high");
    DO_TEST_PARSE_ERROR("hostdev-vpasid-unaligned");
    DO_TEST_PARSE_ERROR("iommu-amd-caching-mode");
    DO_TEST_PARSE_ERROR("iommu-amd-pasid");
    DO_TEST_PARSE_ERROR("iommu-bad-model");
    DO_TEST_PARSE_ERROR("iommu-intel-accel");
    DO_TEST_PARSE_ERROR("iommu-intel-address");
    DO_TEST_PARSE_ERROR("iommu-intel-and-virtio");
    DO_TEST_PARSE_ERROR("iommu-intel-aw-bits-0");
    DO_TEST_PARSE_ERROR("iommu-intel-aw-bits-50");
    DO_TEST_PARSE_ERROR("iommu-intel-eim-no-intremap");
    DO_TEST_PARSE_ERROR("iommu-intel-fs1gp-no-nesting");
    DO_TEST_PARSE_ERROR("iommu-intel-fsts-no-sm");
    DO_TEST_PARSE_ERROR("iommu-intel-granule");
    DO_TEST_PARSE_ERROR("iommu-intel-intremap-ioapic-kvm");
    DO_TEST_PARSE_ERROR("iommu-intel-nesting-fsts-off");
    DO_TEST_PARSE_ERROR("iommu-intel-nesting-off-fsts-on");
    DO_TEST_PARSE_ERROR("iommu-intel-nesting-sm-off");
    DO_TEST_PARSE_ERROR("iommu-intel-pasid-bits-21");
    DO_TEST_PARSE_ERROR("iommu-intel-pasid-bits-no-sm");
    DO_TEST_PARSE_ERROR("iommu-intel-pasid-off-bits-8");
    DO_TEST_PARSE_ERROR("iommu-intel-pasid-on-bits-0");
    DO_TEST_PARSE_ERROR("iommu-intel-pasid-sm-off");
    DO_TEST_PARSE_ERROR("iommu-misspelled-ssidSize");
    DO_TEST_PARSE_ERROR("iommu-no-model");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-ats-no-accel");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-multi-no-pcibus");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-nesting-accel-off");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-oas-46");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-pasid-bits-ssidsize");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-pasid-no-accel");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-pasid-ssidsize-0");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-pcibus-missing");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-pcibus-rootport");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-same-pcibus");
    DO_TEST_PARSE_ERROR("iommu-smmuv3-ssidsize-21");
    DO_TEST_PARSE_ERROR("iommu-switch-bad-value");
    DO_TEST_PARSE_ERROR("iommu-two-drivers");
    DO_TEST_PARSE_ERROR("iommu-two-intel");
    DO_TEST_PARSE_ERROR("iommu-two-virtio");
    DO_TEST_PARSE_ERROR("iommu-unknown-attr");
    DO_TEST_PARSE_ERROR("iommu-virtio-aw-bits-16");
    DO_TEST_PARSE_ERROR("iommu-virtio-granule-both");
    DO_TEST_PARSE_ERROR("iommu-virtio-granule-size-32");
    DO_TEST_PARSE_ERROR("iommu-virtio-nesting");
    DO_TEST_PARSE_ERROR("iommufd-fdgroup-disabled");
    DO_TEST_PARSE_ERROR("iommufd-no-enabled");
    DO_TEST_PARSE_ERROR("iommufd-twice");

    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
