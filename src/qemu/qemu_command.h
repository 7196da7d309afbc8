/*
 * qemu_command.h: the QEMU command line of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Layout and JSON syntax follow libvirt's output for QEMU >= 6.0. File
 * descriptors libvirt would pass appear as stable placeholders:
 * "@iommufd-fd@" and "@hostdev-<alias>-fd@".
 */
#pragma once

#include "domain_conf.h"
#include "qemu_capabilities.h"

typedef struct {
    char **env;      /* NULL-terminated "NAME=value" list */
    char **argv;     /* NULL-terminated; argv[0] is the emulator */
} qemuCommandLine;

void qemuCommandLineFree(qemuCommandLine *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuCommandLine, qemuCommandLineFree);

/* Build the command line of @def. @def must have gone through
 * qemuDomainPrepareDef (define-time completion, PCI addresses, QEMU
 * validation); what is left to fail here is what this builder cannot
 * translate. @def is not modified. */
qemuCommandLine *qemuBuildCommandLine(const virDomainDef *def,
                                      const virQEMUCaps *caps,
                                      GError **error);

/* One shell-quoted line: environment, emulator, arguments (DESIGN §3) */
char *qemuCommandLineToString(const qemuCommandLine *cmd);

/* libvirt's test layout: env and emulator, then one option per line with
 * its value, every line but the last ending in " \" */
char *qemuCommandLineToArgsFile(const qemuCommandLine *cmd);
