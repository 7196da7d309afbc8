/*
 * qemu_domcaps.h: domain capabilities of a QEMU binary on a host: which
 *                 vIOMMU models, nesting and PASID widths a domain can
 *                 ask for, in general and per assignable host device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every verdict comes from the checks `validate` runs (parse and conf
 * validation, qemuValidateDomainDef(), qemuViommuValidateHost()) applied
 * to small synthesized domains: one vIOMMU configured one way, and at
 * most one assigned device. A "no" carries the message those checks
 * report, so the two can never disagree.
 */
#pragma once

#include "domain_capabilities.h"
#include "qemu_capabilities.h"
#include "virhostiommu.h"

/* One synthesized domain and how the checks answered it */
typedef struct {
    char *xml;
    char *error;                   /* the refusal, NULL when it passed */
} qemuDomainCapsTrial;

void qemuDomainCapsTrialFree(qemuDomainCapsTrial *trial);

typedef struct {
    const char *arch;              /* NULL: the binary's architecture */
    const char *machine;           /* NULL: q35 (x86_64) or virt (aarch64) */
    const char *const *devices;    /* NULL-terminated PCI addresses; NULL:
                                    * every device @host reports */
    GPtrArray *trials;             /* when set, receives every domain that
                                    * was tried (qemuDomainCapsTrial *;
                                    * the caller sets the free function) */
} qemuDomainCapsOptions;

/* The document for @caps on @host (@host NULL: QEMU only, no hostdev
 * section). Fails only when the machine itself is unusable (unknown
 * machine type, architecture mismatch) or an address is malformed. */
virDomainCaps *qemuDomainCapsBuild(const virQEMUCaps *caps,
                                   const virHostIOMMU *host,
                                   const qemuDomainCapsOptions *opts,
                                   GError **error);
