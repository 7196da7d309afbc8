/*
 * virt-viommu.h: shared declarations of the virt-viommu command-line tool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Exit status (DESIGN §4): 0 success; 1 the configuration is invalid or
 * unsupported; 2 usage, I/O or environment error.
 */
#pragma once

#include <glib.h>

#include "virerror.h"

enum {
    VIRT_VIOMMU_EXIT_OK = 0,
    VIRT_VIOMMU_EXIT_INVALID = 1,
    VIRT_VIOMMU_EXIT_ENV = 2,
};

typedef int (*vvCommandFunc)(int argc, char **argv);

typedef struct {
    const char *name;
    vvCommandFunc func;
    const char *summary;   /* untranslated; translated when printed */
} vvCommand;

/* Print "error: <message>" on stderr and return the exit status that fits
 * the error: 1 for configuration errors, 2 for I/O / environment / usage. */
int vvReportError(const GError *err);
int vvUsageError(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Parse @entries from argv (GOption); on failure prints the error and
 * returns false. */
bool vvParseOptions(const char *cmd, const char *params, GOptionEntry *entries,
                    int *argc, char ***argv);

/* Write @text to stdout followed by nothing (the text carries its own \n) */
void vvPrint(const char *text);

/* commands, one file per group */
int vvCmdValidate(int argc, char **argv);         /* virt-viommu-domain.c */
int vvCmdDomxmlToNative(int argc, char **argv);   /* virt-viommu-domain.c */
int vvCmdExplain(int argc, char **argv);          /* virt-viommu-domain.c */
int vvCmdHostcaps(int argc, char **argv);         /* virt-viommu-host.c */
int vvCmdQemucaps(int argc, char **argv);         /* virt-viommu-qemu.c */
int vvCmdDomcapabilities(int argc, char **argv);  /* virt-viommu-domcaps.c */
