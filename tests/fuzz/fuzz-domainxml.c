/*
 * fuzz-domainxml.c: libFuzzer harness for the domain XML pipeline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One input is one domain document. It goes through everything that runs
 * on untrusted XML before QEMU would start: parse, post-parse and conf
 * validation (virDomainDefParseString), QEMU validation against a
 * recorded capabilities document of the domain's architecture, host
 * validation against a saved host document, and the command line. The
 * format of a parsed definition is parsed again, which must succeed.
 */
#include <stdint.h>
#include <stdlib.h>

#include "domain_conf.h"
#include "hostiommu_conf.h"
#include "qemu_capabilities.h"
#include "qemu_command.h"
#include "qemu_validate.h"
#include "qemu_viommu.h"
#include "fuzzutils.h"

static virQEMUCaps *capsX86;
static virQEMUCaps *capsArm;
static virHostIOMMU *hostX86;
static virHostIOMMU *hostArm;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc G_GNUC_UNUSED, char ***argv G_GNUC_UNUSED)
{
    virFuzzQuiet();
    capsX86 = virFuzzLoadQEMUCaps("caps_11.1.3_x86_64.xml");
    capsArm = virFuzzLoadQEMUCaps("caps_11.1.3_aarch64.xml");
    hostX86 = virFuzzLoadHost("intel-server-sm.deep.xml");
    hostArm = virFuzzLoadHost("smmuv3.deep.xml");
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = virFuzzString(data, size);
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) again = NULL;
    g_autoptr(qemuCommandLine) cmd = NULL;
    g_autofree char *formatted = NULL;
    g_autofree char *argv = NULL;
    virQEMUCaps *caps = capsX86;
    virHostIOMMU *host = hostX86;

    if (!(def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_NONE, &err)))
        return 0;

    /* what the parser accepted, it must read back from its own output */
    formatted = virDomainDefFormat(def);
    if (!(again = virDomainDefParseString(formatted, VIR_DOMAIN_DEF_PARSE_NONE, &err)))
        virFuzzFail("formatted definition does not parse", err, formatted);

    if (def->arch && g_str_equal(def->arch, "aarch64")) {
        caps = capsArm;
        host = hostArm;
    }
    if (qemuValidateDomainDef(def, caps, &err) < 0)
        return 0;
    if (def->nhostdevs > 0 && qemuViommuValidateHost(def, host, &err) < 0)
        return 0;
    if (!(cmd = qemuBuildCommandLine(def, caps, &err)))
        return 0;
    argv = qemuCommandLineToString(cmd);
    return 0;
}
