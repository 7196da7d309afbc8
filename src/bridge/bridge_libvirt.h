/*
 * bridge_libvirt.h: the few calls of libvirt's public API the bridge makes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's headers name their error codes like virerror.h does, so only
 * bridge_libvirt.c includes them; this header exposes no libvirt type.
 * libvirt's errors come back as GErrors of the VIR_ERROR domain with
 * libvirt's code and message (whose codes virerror.h follows).
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

typedef struct _bridgeConn bridgeConn;

bridgeConn *bridgeConnOpen(const char *uri, GError **error);
void bridgeConnClose(bridgeConn *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(bridgeConn, bridgeConnClose);

/* virConnectGetLibVersion() */
/* The version of the libvirt library this program runs with (whose
 * grammar the checks use unless VIRT_VIOMMU_LIBVIRT_SCHEMADIR names
 * another); 0 when unknown */
unsigned long bridgeLocalLibVersion(void);
int bridgeConnLibVersion(bridgeConn *conn, unsigned long *version, GError **error);

/* virConnectGetDomainCapabilities() */
char *bridgeConnDomainCaps(bridgeConn *conn, const char *emulator,
                           const char *arch, const char *machine,
                           const char *virttype, GError **error);

/* virConnectDomainXMLToNative(conn, "qemu-argv", xml) */
char *bridgeConnXMLToNative(bridgeConn *conn, const char *xml, GError **error);

/* virDomainDefineXMLFlags(VIR_DOMAIN_DEFINE_VALIDATE); the domain's name */
char *bridgeConnDefine(bridgeConn *conn, const char *xml, GError **error);

/* virDomainGetXMLDesc(), VIR_DOMAIN_XML_INACTIVE when @inactive */
char *bridgeConnGetXML(bridgeConn *conn, const char *name, bool inactive,
                       GError **error);

/* virDomainCreate() */
int bridgeConnStart(bridgeConn *conn, const char *name, GError **error);

/* virDomainQemuMonitorCommand() with a QMP command */
char *bridgeConnQMP(bridgeConn *conn, const char *name, const char *cmd,
                    GError **error);

/* virDomainDestroy() then virDomainUndefine(); missing is not an error */
int bridgeConnRemove(bridgeConn *conn, const char *name, GError **error);

/* Is a domain @name defined? */
bool bridgeConnHasDomain(bridgeConn *conn, const char *name);
