/*
 * qemu_json.c: building the JSON values of -device / -object
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "qemu_json.h"

struct _qemuJSONProps {
    JsonBuilder *builder;
};

qemuJSONProps *
qemuJSONPropsNew(void)
{
    qemuJSONProps *props = g_new0(qemuJSONProps, 1);

    props->builder = json_builder_new();
    json_builder_begin_object(props->builder);
    return props;
}

void
qemuJSONPropsFree(qemuJSONProps *props)
{
    if (!props)
        return;
    g_object_unref(props->builder);
    g_free(props);
}

void
qemuJSONPropsAddString(qemuJSONProps *props, const char *key, const char *value)
{
    json_builder_set_member_name(props->builder, key);
    json_builder_add_string_value(props->builder, value);
}

void
qemuJSONPropsAddBool(qemuJSONProps *props, const char *key, bool value)
{
    json_builder_set_member_name(props->builder, key);
    json_builder_add_boolean_value(props->builder, value);
}

void
qemuJSONPropsAddUInt(qemuJSONProps *props, const char *key, unsigned long long value)
{
    json_builder_set_member_name(props->builder, key);
    json_builder_add_int_value(props->builder, (gint64)value);
}

char *
qemuJSONPropsFormat(qemuJSONProps *props)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_end_object(props->builder);
    root = json_builder_get_root(props->builder);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, FALSE);
    return json_generator_to_data(gen, NULL);
}

void
qemuJSONPropsAppendArg(GPtrArray *args, const char *opt, qemuJSONProps *props)
{
    g_ptr_array_add(args, g_strdup(opt));
    g_ptr_array_add(args, qemuJSONPropsFormat(props));
}
