/*
 * qemu_domain_prepare.h: the checking pipeline shared by every command:
 *   XML -> virDomainDef (parse, post-parse, conf validation, schema)
 *       -> QEMU capabilities (replayed document or probed binary)
 *       -> QEMU post-parse (implicit devices, addresses) -> QEMU
 *          validation -> host capabilities (saved, captured tree or
 *          the real host) -> host validation, device by device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "domain_conf.h"
#include "qemu_capabilities.h"
#include "virhostiommu.h"

typedef struct {
    const char *hostFile;      /* --host: saved hostcaps document */
    const char *hostRoot;      /* --host-root: captured host tree */
    bool deep;                 /* --deep: bind through iommufd */
    const char *qemuCapsFile;  /* --qemu-caps: saved capabilities */
    const char *emulator;      /* --emulator: binary to probe */
    const char *cacheDir;      /* capabilities cache, NULL = user cache */
    bool skipHost;             /* do not look at the host at all */
    /* the XML is what a libvirt daemon already accepted (the hook): skip
     * the superset grammar, whose compilation is most of a run's time */
    bool libvirtAccepted;
} qemuDomainPrepareOptions;

typedef struct {
    virDomainDef *def;
    virQEMUCaps *caps;
    virHostIOMMU *host;        /* NULL when the domain assigns no device */
} qemuPreparedDomain;

void qemuPreparedDomainFree(qemuPreparedDomain *prep);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuPreparedDomain, qemuPreparedDomainFree);

/* The QEMU half of the pipeline on a parsed (and conf-validated) @def:
 * what libvirt's QEMU driver completes at define time (implicit devices,
 * PCI addresses, the IOMMU of a large guest; qemuDomainDefPostParse),
 * then the checks against @caps (qemuValidateDomainDef). Every command
 * runs it, so validate refuses exactly what domxml-to-native refuses for
 * a reason other than translating it; qemuBuildCommandLine needs a
 * definition that went through it. */
int qemuDomainPrepareDef(virDomainDef *def, const virQEMUCaps *caps,
                         GError **error);

/* Run every check on the domain XML in @xml (@path names it in messages).
 * On failure @error tells which stage refused it. */
qemuPreparedDomain *qemuDomainPrepareString(const char *xml, const char *path,
                                            const qemuDomainPrepareOptions *opts,
                                            GError **error);
qemuPreparedDomain *qemuDomainPrepareFile(const char *path,
                                          const qemuDomainPrepareOptions *opts,
                                          GError **error);

/* The capabilities the options name: --qemu-caps, else --emulator, else
 * @fallbackEmulator (the domain's <emulator>), else the default binary
 * for @arch (may be NULL: x86_64). The last two are probed only when
 * qemuDomainPrepareSystemEmulator() accepts them. */
virQEMUCaps *qemuDomainPrepareCaps(const qemuDomainPrepareOptions *opts,
                                   const char *fallbackEmulator,
                                   const char *arch,
                                   GError **error);

/* @binary resolved (realpath) when it is a system QEMU binary: a
 * qemu-system-* or qemu-kvm file in /usr/bin or /usr/libexec. Otherwise
 * NULL and an error asking for --emulator or --qemu-caps. */
char *qemuDomainPrepareSystemEmulator(const char *binary, GError **error);

/* The host description the options name, for @devices (NULL-terminated
 * PCI addresses, NULL = every VFIO device). */
virHostIOMMU *qemuDomainPrepareHost(const qemuDomainPrepareOptions *opts,
                                    const char *const *devices,
                                    GError **error);
