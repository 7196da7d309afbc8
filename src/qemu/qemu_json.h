/*
 * qemu_json.h: building the JSON values of -device / -object
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Keys keep the order in which they are added, the output is compact
 * ({"driver":"x","id":"y"}) exactly as libvirt emits it.
 */
#pragma once

#include <stdbool.h>
#include <json-glib/json-glib.h>

typedef struct _qemuJSONProps qemuJSONProps;

qemuJSONProps *qemuJSONPropsNew(void);
void qemuJSONPropsFree(qemuJSONProps *props);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuJSONProps, qemuJSONPropsFree);

void qemuJSONPropsAddString(qemuJSONProps *props, const char *key, const char *value);
void qemuJSONPropsAddBool(qemuJSONProps *props, const char *key, bool value);
void qemuJSONPropsAddUInt(qemuJSONProps *props, const char *key, unsigned long long value);
/* Serialize; the props can no longer be extended afterwards. */
char *qemuJSONPropsFormat(qemuJSONProps *props);
/* Append @opt ("-device", "-object", ...) and the serialized @props to the
 * argument list @args (of char *); @props is finished like Format does. */
void qemuJSONPropsAppendArg(GPtrArray *args, const char *opt,
                            qemuJSONProps *props);
