/*
 * bridge_domain.h: define, dumpxml, start and the start-time check of a
 *                  domain on the connected libvirt
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "bridge_libvirt.h"
#include "qemu_domain_prepare.h"

/* Every check validate runs (@path names the XML in messages; the QEMU
 * capabilities are those of the connection's emulator unless @opts names
 * others), then the domain in the form the connected libvirt accepts. */
char *bridgeDomainConvert(bridgeConn *conn, const char *xml, const char *path,
                          const qemuDomainPrepareOptions *opts, GError **error);

/* bridgeDomainConvert(), then define it (VIR_DOMAIN_DEFINE_VALIDATE).
 * Nothing is defined or changed when any step fails. Returns the name. */
/* The whole QEMU command line the connected libvirt builds for @xml
 * converted for it (every check validate runs comes first) */
char *bridgeDomainToNative(bridgeConn *conn, const char *xml, const char *path,
                           const qemuDomainPrepareOptions *opts, GError **error);

char *bridgeDomainDefine(bridgeConn *conn, const char *xml, const char *path,
                         const qemuDomainPrepareOptions *opts, GError **error);

/* The user's XML of the defined domain @name (see bridgeRestore()), after
 * checking that its metadata and overrides agree with the QEMU
 * capabilities @opts names (else those of the domain's <emulator>) */
char *bridgeDomainDumpXML(bridgeConn *conn, const char *name, bool inactive,
                          const qemuDomainPrepareOptions *opts, GError **error);

/* Re-run every check on the defined domain (the host may have changed
 * since define), then start it. */
int bridgeDomainStart(bridgeConn *conn, const char *name,
                      const qemuDomainPrepareOptions *opts, GError **error);

