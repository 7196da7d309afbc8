/*
 * virenum.h: enum <-> string tables in libvirt's style
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   VIR_ENUM_DECL(virDomainIOMMUModel);
 *   VIR_ENUM_IMPL(virDomainIOMMUModel, VIR_DOMAIN_IOMMU_MODEL_LAST,
 *                 "intel", "smmuv3", "virtio", "amd");
 *
 * gives virDomainIOMMUModelTypeToString() and ...TypeFromString(),
 * the latter returning -1 for an unknown string.
 */
#pragma once

#include <glib.h>

const char *virEnumToString(const char * const *types, unsigned int ntypes,
                            int type);
int virEnumFromString(const char * const *types, unsigned int ntypes,
                      const char *type);

#define VIR_ENUM_DECL(name) \
    const char *name ## TypeToString(int type); \
    int name ## TypeFromString(const char *type)

#define VIR_ENUM_IMPL(name, lastVal, ...) \
    static const char *const _ ## name ## TypeList[] = { __VA_ARGS__ }; \
    G_STATIC_ASSERT(G_N_ELEMENTS(_ ## name ## TypeList) == lastVal); \
    const char *name ## TypeToString(int type) \
    { \
        return virEnumToString(_ ## name ## TypeList, \
                               G_N_ELEMENTS(_ ## name ## TypeList), type); \
    } \
    int name ## TypeFromString(const char *type) \
    { \
        return virEnumFromString(_ ## name ## TypeList, \
                                 G_N_ELEMENTS(_ ## name ## TypeList), type); \
    }

/* Tristate used for every on/off (or yes/no) attribute: ABSENT means the
 * user did not write it, so the formatter does not write it back. */
typedef enum {
    VIR_TRISTATE_SWITCH_ABSENT = 0,
    VIR_TRISTATE_SWITCH_ON,
    VIR_TRISTATE_SWITCH_OFF,
    VIR_TRISTATE_SWITCH_LAST
} virTristateSwitch;

typedef enum {
    VIR_TRISTATE_BOOL_ABSENT = 0,
    VIR_TRISTATE_BOOL_YES,
    VIR_TRISTATE_BOOL_NO,
    VIR_TRISTATE_BOOL_LAST
} virTristateBool;

VIR_ENUM_DECL(virTristateSwitch);
VIR_ENUM_DECL(virTristateBool);
