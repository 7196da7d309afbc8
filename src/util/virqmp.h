/*
 * virqmp.h: a small synchronous QMP client for a QEMU process it starts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virQMPStart() runs the caller's argv with a QMP monitor appended
 * ("-chardev socket,id=...,fd=N -mon ...,mode=control"), where N is one
 * end of a socketpair inherited by the child. No socket path is involved,
 * so this works for a binary run through a chroot or namespace wrapper as
 * well. It reads the greeting and negotiates capabilities. Every wait is
 * bounded by the timeout: a QEMU that hangs makes the call fail, never
 * block forever, and bytes that keep arriving never extend it. QEMU runs in
 * its own process group, which is killed as a whole; the exit of QEMU
 * itself ends a wait even when a process it forked keeps the monitor
 * open. The last VIR_QMP_LOG_TAIL bytes of its standard output and error
 * are kept (control characters replaced), readable with virQMPGetLog()
 * (QEMU's own error message when it refused the command line).
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "virerror.h"

typedef struct _virQMP virQMP;

/* One received, non-empty line of @len bytes (without its newline) as a
 * QMP message from @binary: the JSON object it holds, with the caller's
 * reference. Anything nested too deeply, not JSON or not an object gives
 * NULL and @error. Used by the monitor reader and by the fuzzer. */
JsonNode *virQMPParseLine(const char *binary, const char *line, size_t len,
                          GError **error);

/* Default for every wait (greeting, reply, exit), in milliseconds */
#define VIR_QMP_DEFAULT_TIMEOUT_MS 30000

/* Limits on what a QEMU may send (the largest real answer, qom-list-types
 * of a full system emulator, is about 100 KiB, nested 4 levels deep) */
#define VIR_QMP_MAX_MESSAGE (8 * 1024 * 1024)    /* one line of JSON */
#define VIR_QMP_MAX_RECEIVED (32 * 1024 * 1024)  /* bytes during one wait */
#define VIR_QMP_MAX_EVENTS 1024                  /* queued, not yet taken */
#define VIR_QMP_MAX_DEPTH 64                     /* JSON nesting */
/* the last bytes of QEMU's stdout/stderr kept for error messages */
#define VIR_QMP_LOG_TAIL 4096

typedef struct {
    /* Descriptors of the caller to hand to the child: passFds[i] appears
     * as targetFds[i] in QEMU (e.g. an fd for "-object iommufd,fd=N").
     * The caller keeps ownership of passFds. */
    const int *passFds;
    const int *targetFds;
    size_t nfds;
    unsigned int timeoutMs;      /* 0: VIR_QMP_DEFAULT_TIMEOUT_MS */
} virQMPOptions;

/* Start argv[0] (a path, or a name looked up in PATH) with @argv and a QMP
 * monitor. @opts may be NULL. On failure (QEMU exited, e.g. because it
 * refused an option), the error carries QEMU's exit status and output. */
virQMP *virQMPStart(const char *const *argv, const virQMPOptions *opts,
                    GError **error);

/* Kill the process if it still runs, reap it and free everything. */
void virQMPFree(virQMP *qmp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virQMP, virQMPFree);

/* The greeting's "QMP" member ({"version":..., "capabilities":...}). */
JsonNode *virQMPGetGreeting(virQMP *qmp);

/* Run @command with @arguments (an object node or NULL; not consumed).
 * Returns the "return" member (caller unrefs), or NULL with @error set:
 * VIR_ERR_OPERATION_FAILED when QEMU answered with an error (the message
 * has QEMU's error class and description, see virQMPErrorClass()),
 * VIR_ERR_INTERNAL_ERROR when the monitor failed or timed out. */
JsonNode *virQMPCommand(virQMP *qmp, const char *command,
                        JsonNode *arguments, GError **error);

/* Like virQMPCommand, with string-valued arguments given as NULL
 * terminated key, value pairs: ("qom-get", err, "path", p, "property", n,
 * NULL). */
JsonNode *virQMPCommandStrings(virQMP *qmp, const char *command,
                               GError **error, ...) G_GNUC_NULL_TERMINATED;

/* QMP error class ("GenericError", "DeviceNotFound", ...) of the last
 * command that QEMU answered with an error, NULL otherwise. */
const char *virQMPErrorClass(virQMP *qmp);

/* Events received so far (JsonNode objects with "event", "data",
 * "timestamp"), oldest first; the array is handed over to the caller. */
GPtrArray *virQMPTakeEvents(virQMP *qmp);

/* Wait for the event @name (already received or arriving within the
 * timeout); returns it (caller unrefs) or NULL with @error set. */
JsonNode *virQMPWaitEvent(virQMP *qmp, const char *name, GError **error);

/* Send "quit", wait for QEMU to exit and reap it. Returns 0 and stores
 * the wait status in @status (if not NULL), or -1 with @error set; a QEMU
 * that does not exit within the timeout is killed. */
int virQMPQuit(virQMP *qmp, int *status, GError **error);

/* The tail of what QEMU wrote to stdout/stderr so far, printable, with
 * "..." in front when older output was dropped (caller frees). */
char *virQMPGetLog(virQMP *qmp);

pid_t virQMPGetPid(virQMP *qmp);
