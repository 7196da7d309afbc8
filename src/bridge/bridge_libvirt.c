/*
 * bridge_libvirt.c: the few calls of libvirt's public API the bridge makes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <libvirt/libvirt.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>

#include "bridge_libvirt.h"

/* virerror.h's quark; its header cannot be included beside libvirt's */
GQuark vir_error_quark(void);

struct _bridgeConn {
    virConnectPtr conn;
};

/* libvirt's default event loop, run in a thread of its own: the embedded
 * driver needs one to talk to QEMU's monitor. Registered once. */
static gpointer
bridgeEventLoop(gpointer opaque)
{
    (void)opaque;
    for (;;) {
        if (virEventRunDefaultImpl() < 0)
            return NULL;
    }
    return NULL;
}

static void
bridgeEventLoopStart(void)
{
    static gsize started;

    if (g_once_init_enter(&started)) {
        if (virEventRegisterDefaultImpl() == 0)
            g_thread_unref(g_thread_new("libvirt-events", bridgeEventLoop, NULL));
        g_once_init_leave(&started, 1);
    }
}

static void
bridgeSilentErrorFunc(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

/* libvirt's last error as a GError; returns -1 */
static int
bridgeLibvirtError(GError **error)
{
    virErrorPtr err = virGetLastError();

    if (error && !*error)
        g_set_error_literal(error, vir_error_quark(),
                            err ? err->code : VIR_ERR_INTERNAL_ERROR,
                            err && err->message ? err->message : "libvirt failed");
    return -1;
}

bridgeConn *
bridgeConnOpen(const char *uri, GError **error)
{
    g_autofree bridgeConn *c = g_new0(bridgeConn, 1);

    virSetErrorFunc(NULL, bridgeSilentErrorFunc);
    bridgeEventLoopStart();
    if (!(c->conn = virConnectOpen(uri))) {
        bridgeLibvirtError(error);
        return NULL;
    }
    return g_steal_pointer(&c);
}

void
bridgeConnClose(bridgeConn *conn)
{
    if (!conn)
        return;
    if (conn->conn)
        virConnectClose(conn->conn);
    g_free(conn);
}

int
bridgeConnLibVersion(bridgeConn *conn, unsigned long *version, GError **error)
{
    if (virConnectGetLibVersion(conn->conn, version) < 0)
        return bridgeLibvirtError(error);
    return 0;
}

unsigned long
bridgeLocalLibVersion(void)
{
    unsigned long version = 0;

    if (virGetVersion(&version, NULL, NULL) < 0)
        return 0;
    return version;
}

/* libvirt allocates with malloc: hand back a GLib string */
static char *
bridgeTakeString(char *s)
{
    char *ret = g_strdup(s);

    free(s);
    return ret;
}

char *
bridgeConnDomainCaps(bridgeConn *conn, const char *emulator, const char *arch,
                     const char *machine, const char *virttype, GError **error)
{
    char *caps = virConnectGetDomainCapabilities(conn->conn, emulator, arch,
                                                 machine, virttype, 0);

    if (!caps)
        return bridgeLibvirtError(error), NULL;
    return bridgeTakeString(caps);
}

char *
bridgeConnXMLToNative(bridgeConn *conn, const char *xml, GError **error)
{
    char *argv = virConnectDomainXMLToNative(conn->conn, "qemu-argv", xml, 0);

    if (!argv)
        return bridgeLibvirtError(error), NULL;
    return bridgeTakeString(argv);
}

char *
bridgeConnDefine(bridgeConn *conn, const char *xml, GError **error)
{
    virDomainPtr dom = virDomainDefineXMLFlags(conn->conn, xml,
                                               VIR_DOMAIN_DEFINE_VALIDATE);
    char *name;

    if (!dom)
        return bridgeLibvirtError(error), NULL;
    name = g_strdup(virDomainGetName(dom));
    virDomainFree(dom);
    return name;
}

static virDomainPtr
bridgeLookup(bridgeConn *conn, const char *name, GError **error)
{
    virDomainPtr dom = virDomainLookupByName(conn->conn, name);

    if (!dom)
        bridgeLibvirtError(error);
    return dom;
}

char *
bridgeConnGetXML(bridgeConn *conn, const char *name, bool inactive,
                 GError **error)
{
    virDomainPtr dom = bridgeLookup(conn, name, error);
    char *xml;

    if (!dom)
        return NULL;
    xml = virDomainGetXMLDesc(dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
    if (!xml)
        bridgeLibvirtError(error);
    virDomainFree(dom);
    return xml ? bridgeTakeString(xml) : NULL;
}

int
bridgeConnStart(bridgeConn *conn, const char *name, GError **error)
{
    virDomainPtr dom = bridgeLookup(conn, name, error);
    int rc;

    if (!dom)
        return -1;
    rc = virDomainCreate(dom);
    if (rc < 0)
        bridgeLibvirtError(error);
    virDomainFree(dom);
    return rc < 0 ? -1 : 0;
}

char *
bridgeConnQMP(bridgeConn *conn, const char *name, const char *cmd,
              GError **error)
{
    virDomainPtr dom = bridgeLookup(conn, name, error);
    char *reply = NULL;

    if (!dom)
        return NULL;
    if (virDomainQemuMonitorCommand(dom, cmd, &reply, 0) < 0)
        bridgeLibvirtError(error);
    virDomainFree(dom);
    return reply ? bridgeTakeString(reply) : NULL;
}

int
bridgeConnRemove(bridgeConn *conn, const char *name, GError **error)
{
    virDomainPtr dom = virDomainLookupByName(conn->conn, name);
    int rc = 0;

    if (!dom)
        return 0;
    if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) < 0)
        rc = bridgeLibvirtError(error);
    if (rc == 0 && virDomainUndefine(dom) < 0)
        rc = bridgeLibvirtError(error);
    virDomainFree(dom);
    return rc;
}

bool
bridgeConnHasDomain(bridgeConn *conn, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(conn->conn, name);

    if (!dom)
        return false;
    virDomainFree(dom);
    return true;
}
