/*
 * virenum.c: enum <-> string tables
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "virenum.h"

const char *
virEnumToString(const char * const *types, unsigned int ntypes, int type)
{
    if (type < 0 || (unsigned int)type >= ntypes)
        return NULL;
    return types[type];
}

int
virEnumFromString(const char * const *types, unsigned int ntypes,
                  const char *type)
{
    unsigned int i;

    if (!type)
        return -1;
    for (i = 0; i < ntypes; i++) {
        if (types[i] && strcmp(types[i], type) == 0)
            return i;
    }
    return -1;
}

VIR_ENUM_IMPL(virTristateSwitch, VIR_TRISTATE_SWITCH_LAST,
              "default", "on", "off");
VIR_ENUM_IMPL(virTristateBool, VIR_TRISTATE_BOOL_LAST,
              "default", "yes", "no");
