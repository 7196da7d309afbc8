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
#include "qemu_domain_prepare.h"

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

/* The whole of standard input (64 MiB at most) */
char *vvReadStdin(GError **error);
int vvUsageError(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Parse @entries from argv (GOption); on failure prints the error and
 * returns false. */
bool vvParseOptions(const char *cmd, const char *params, GOptionEntry *entries,
                    int *argc, char ***argv);

/* The options every checking command shares (validate, domxml-to-native,
 * explain, domcapabilities): where the host and the QEMU capabilities
 * come from. */
typedef struct {
    char *hostFile;
    char *hostRoot;
    gboolean deep;
    char *qemuCaps;
    char *emulator;
} vvCheckArgs;

void vvCheckArgsClear(vvCheckArgs *args);
/* --host-root, when given, names an existing directory (usage error) */
bool vvCheckHostRoot(const char *root);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vvCheckArgs, vvCheckArgsClear);

#define VV_CHECK_OPTIONS(a) \
    { "host", 0, 0, G_OPTION_ARG_FILENAME, &(a)->hostFile, \
      N_("use a saved host capabilities document instead of probing"), N_("FILE") }, \
    { "host-root", 0, 0, G_OPTION_ARG_FILENAME, &(a)->hostRoot, \
      N_("probe the captured host tree DIR (DIR/sys, DIR/dev, DIR/proc/cmdline) instead of this host"), \
      N_("DIR") }, \
    { "deep", 0, 0, G_OPTION_ARG_NONE, &(a)->deep, \
      N_("bind each VFIO device through iommufd and ask IOMMU_GET_HW_INFO (needs root; the device must not be in use)"), \
      NULL }, \
    { "qemu-caps", 0, 0, G_OPTION_ARG_FILENAME, &(a)->qemuCaps, \
      N_("use a saved QEMU capabilities document"), N_("FILE") }, \
    { "emulator", 0, 0, G_OPTION_ARG_FILENAME, &(a)->emulator, \
      N_("probe this QEMU binary (default: the domain's <emulator>, else /usr/bin/qemu-system-ARCH)"), \
      N_("PATH") }

/* Refuse contradicting sources (prints the usage error). */
bool vvCheckArgsValid(const vvCheckArgs *args);

/* Fill the pipeline options from the parsed arguments (borrowed). */
void vvCheckArgsToOptions(const vvCheckArgs *args,
                          qemuDomainPrepareOptions *opts);

/* Parse the options of @cmd, a command taking exactly one @argName
 * argument (@params in its usage line), check the shared options in
 * @args and fill @opts from them. Returns the argument, or NULL after a
 * usage error was printed. */
const char *vvParseOneArgCommand(const char *cmd, const char *params,
                                 const char *argName, GOptionEntry *entries,
                                 const vvCheckArgs *args,
                                 qemuDomainPrepareOptions *opts,
                                 int *argc, char ***argv);

/* --connect of the commands that work through a libvirt connection */
#define VV_CONNECT_OPTION(uri) \
    { "connect", 'c', 0, G_OPTION_ARG_STRING, (uri), \
      N_("libvirt connection URI (default: libvirt's)"), N_("URI") }

/* Write @text to stdout followed by nothing (the text carries its own \n) */
void vvPrint(const char *text);

/* commands, one file per group */
int vvCmdValidate(int argc, char **argv);         /* virt-viommu-domain.c */
int vvCmdDomxmlToNative(int argc, char **argv);   /* virt-viommu-domain.c */
int vvCmdExplain(int argc, char **argv);          /* virt-viommu-domain.c */
int vvCmdHostcaps(int argc, char **argv);         /* virt-viommu-host.c */
int vvCmdQemucaps(int argc, char **argv);         /* virt-viommu-qemu.c */
int vvCmdDomcapabilities(int argc, char **argv);  /* virt-viommu-domcaps.c */
int vvCmdDefine(int argc, char **argv);           /* virt-viommu-bridge.c */
int vvCmdDumpxml(int argc, char **argv);
int vvCmdStart(int argc, char **argv);
int vvCmdHook(int argc, char **argv);
