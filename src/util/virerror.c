/*
 * virerror.c: the single error-reporting path of libvirt-viommu
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <string.h>

#include "virerror.h"

G_DEFINE_QUARK(vir-error-quark, vir_error)

const char *
virErrorPrefix(virErrorNumber code)
{
    switch (code) {
    case VIR_ERR_OK:
        return "";
    case VIR_ERR_INTERNAL_ERROR:
        return _("internal error");
    case VIR_ERR_NO_MEMORY:
        return _("out of memory");
    case VIR_ERR_NO_SUPPORT:
        return _("this function is not supported by the connection driver");
    case VIR_ERR_SYSTEM_ERROR:
        return "";
    case VIR_ERR_OPERATION_FAILED:
        return _("operation failed");
    case VIR_ERR_XML_ERROR:
        return _("XML error");
    case VIR_ERR_XML_DETAIL:
        return _("XML error");
    case VIR_ERR_OPERATION_INVALID:
        return _("Requested operation is not valid");
    case VIR_ERR_CONFIG_UNSUPPORTED:
        return _("unsupported configuration");
    case VIR_ERR_INVALID_ARG:
        return _("invalid argument");
    case VIR_ERR_XML_INVALID_SCHEMA:
        return _("XML document failed to validate against schema");
    case VIR_ERR_OPERATION_UNSUPPORTED:
        return _("Operation not supported");
    }
    return _("unknown error");
}

static void
virErrorSetV(GError **error, virErrorNumber code, const char *suffix,
             const char *fmt, va_list ap)
{
    g_autofree char *msg = NULL;
    const char *prefix = virErrorPrefix(code);

    if (!error || *error)
        return;

    msg = g_strdup_vprintf(fmt, ap);
    g_set_error(error, VIR_ERROR, code, "%s%s%s%s%s",
                prefix, *prefix ? ": " : "", msg,
                suffix ? ": " : "", suffix ? suffix : "");
}

int
virErrorSet(GError **error, virErrorNumber code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    virErrorSetV(error, code, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int
virErrorSetSystem(GError **error, int errnum, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    virErrorSetV(error, VIR_ERR_SYSTEM_ERROR, g_strerror(errnum), fmt, ap);
    va_end(ap);
    return -1;
}

gboolean
virErrorMatches(const GError *error, virErrorNumber code)
{
    return error && error->domain == VIR_ERROR && error->code == (int)code;
}
