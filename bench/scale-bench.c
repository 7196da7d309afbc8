/*
 * scale-bench.c: time of each checking stage on very large domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   scale-bench [--hostdevs N] [--metadata M] [--no-guest-address]
 *               [--qemu-caps FILE]
 *
 * Generates in memory one q35 domain with N assigned PCI devices (each
 * with its own host address, guest PCI address and user alias) and M
 * empty elements inside <metadata>, then times every stage the tool runs
 * on it: libxml2 parsing, the domain parser (with post-parse, conf
 * validation and the RelaxNG check against libvirt's grammar), QEMU
 * validation and the command line.
 * A stage that refuses the document prints its error and the time it
 * took to refuse it. Prints numbers only; asserts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_conf.h"
#include "qemu_capabilities.h"
#include "qemu_command.h"
#include "qemu_validate.h"
#include "virxml.h"

static gboolean noGuestAddress;

static char *
benchDomainXML(unsigned int nhostdevs, unsigned int nmeta)
{
    GString *xml = g_string_new(NULL);
    unsigned int i;

    g_string_append(xml,
                    "<domain type='kvm'>\n"
                    "  <name>scale</name>\n"
                    "  <memory unit='GiB'>4</memory>\n"
                    "  <vcpu>2</vcpu>\n");
    if (nmeta) {
        g_string_append(xml, "  <metadata>\n    <b:bench xmlns:b='http://example.org/bench'>\n");
        for (i = 0; i < nmeta; i++)
            g_string_append_printf(xml, "      <b:item n='%u'/>\n", i);
        g_string_append(xml, "    </b:bench>\n  </metadata>\n");
    }
    g_string_append(xml,
                    "  <os>\n"
                    "    <type arch='x86_64' machine='q35'>hvm</type>\n"
                    "  </os>\n"
                    "  <devices>\n"
                    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n");
    for (i = 0; i < nhostdevs; i++) {
        /* 8 functions x 32 slots x 255 buses per guest PCI domain */
        unsigned int fn = i % 8, slot = (i / 8) % 32, bus = 1 + (i / 256) % 255;
        unsigned int dom = i / (256 * 255);

        g_string_append_printf(xml,
                               "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                               "      <source>\n"
                               "        <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
                               "      </source>\n"
                               "      <alias name='ua-hostdev%u'/>\n",
                               dom, bus, slot, fn, i);
        if (!noGuestAddress)
            g_string_append_printf(xml,
                                   "      <address type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n",
                                   dom, bus, slot, fn);
        g_string_append(xml, "    </hostdev>\n");
    }
    g_string_append(xml, "    <memballoon model='none'/>\n  </devices>\n</domain>\n");
    return g_string_free(xml, FALSE);
}

static void
benchReport(const char *stage, GTimer *timer, const GError *err)
{
    printf("  %-34s %9.3f s%s%s\n", stage, g_timer_elapsed(timer, NULL),
           err ? "  refused: " : "", err ? err->message : "");
}

int
main(int argc, char **argv)
{
    gint nhostdevs = 0, nmeta = 0;
    g_autofree char *capsFile = NULL;
    GOptionEntry entries[] = {
        { "hostdevs", 0, 0, G_OPTION_ARG_INT, &nhostdevs, "assigned devices", "N" },
        { "metadata", 0, 0, G_OPTION_ARG_INT, &nmeta, "elements in <metadata>", "M" },
        { "no-guest-address", 0, 0, G_OPTION_ARG_NONE, &noGuestAddress,
          "leave guest PCI addresses to the address assignment", NULL },
        { "qemu-caps", 0, 0, G_OPTION_ARG_FILENAME, &capsFile, "capabilities document", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- time the checks on a large domain");
    g_autoptr(GError) err = NULL;
    g_autoptr(GTimer) timer = g_timer_new();
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(qemuCommandLine) cmd = NULL;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || nhostdevs < 0 || nmeta < 0) {
        fprintf(stderr, "%s\n", err ? err->message : "counts must not be negative");
        return EXIT_FAILURE;
    }
    if (!capsFile)
        capsFile = g_build_filename(SRC_SCHEMADIR, "..", "..", "tests", "qemucapabilitiesdata",
                                    "caps_11.1.3_x86_64.xml", NULL);
    if (!(caps = virQEMUCapsParseFile(capsFile, &err))) {
        fprintf(stderr, "%s\n", err->message);
        return EXIT_FAILURE;
    }

    xml = benchDomainXML(nhostdevs, nmeta);
    printf("domain with %d hostdevs and %d metadata elements: %zu bytes\n",
           nhostdevs, nmeta, strlen(xml));

    g_timer_start(timer);
    doc = virXMLParse("scale.xml", xml, "domain", &err);
    benchReport("XML parse (virXMLParse)", timer, err);
    if (!doc)
        return EXIT_SUCCESS;

    g_timer_start(timer);
    def = virDomainDefParseNode(doc, xmlDocGetRootElement(doc),
                                VIR_DOMAIN_DEF_PARSE_NONE, &err);
    benchReport("domain parse, conf, RelaxNG", timer, err);
    if (!def)
        return EXIT_SUCCESS;

    g_timer_start(timer);
    qemuValidateDomainDef(def, caps, &err);
    benchReport("QEMU validation", timer, err);
    if (err)
        return EXIT_SUCCESS;

    g_timer_start(timer);
    cmd = qemuBuildCommandLine(def, caps, &err);
    benchReport("command line", timer, err);
    return EXIT_SUCCESS;
}
