/*
 * virerror.h: the single error-reporting path of libvirt-viommu
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every layer reports failures through a GError in the VIR_ERROR domain.
 * The GError code is one of virErrorNumber (numbered like libvirt's own
 * codes) and the message already carries libvirt's translated prefix,
 * e.g. "unsupported configuration: ...", so that callers print it as is.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>
#include <glib/gi18n-lib.h>

#define VIR_ERROR (vir_error_quark())
GQuark vir_error_quark(void);

/* Values follow libvirt's virErrorNumber where a counterpart exists. */
typedef enum {
    VIR_ERR_OK = 0,
    VIR_ERR_INTERNAL_ERROR = 1,
    VIR_ERR_NO_MEMORY = 2,
    VIR_ERR_NO_SUPPORT = 3,
    VIR_ERR_SYSTEM_ERROR = 38,
    VIR_ERR_OPERATION_FAILED = 9,
    VIR_ERR_XML_ERROR = 27,
    VIR_ERR_OPERATION_INVALID = 55,
    VIR_ERR_CONFIG_UNSUPPORTED = 67,
    VIR_ERR_INVALID_ARG = 8,
    VIR_ERR_XML_DETAIL = 44,
    VIR_ERR_XML_INVALID_SCHEMA = 92,
    VIR_ERR_OPERATION_UNSUPPORTED = 84,
} virErrorNumber;

/* Translated prefix for @code ("XML error", "unsupported configuration", ...) */
const char *virErrorPrefix(virErrorNumber code);

/* Set @error (if not NULL and not yet set) to "<prefix>: <message>".
 * Always returns -1. */
int virErrorSet(GError **error, virErrorNumber code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Like virErrorSet but appends ": <strerror(errnum)>" (VIR_ERR_SYSTEM_ERROR). */
int virErrorSetSystem(GError **error, int errnum, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Report the error the libvirt way: returns -1 so that callers can write
 *   return virReportError(error, VIR_ERR_XML_ERROR, _("..."), ...);     */
#define virReportError(error, code, ...) \
    virErrorSet((error), (code), __VA_ARGS__)
#define virReportSystemError(error, errnum, ...) \
    virErrorSetSystem((error), (errnum), __VA_ARGS__)

/* True if @error is of the VIR_ERROR domain with @code */
gboolean virErrorMatches(const GError *error, virErrorNumber code);
