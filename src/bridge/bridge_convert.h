/*
 * bridge_convert.h: a checked domain in the form a given libvirt accepts,
 *                   and back
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The conversion works on the domain's kept document (def->doc), never on
 * a re-serialised model: what libvirt lacks is removed from <iommu><driver>,
 * kept under <metadata> in the project's namespace and expressed as
 * <qemu:override> properties of the device's user alias. The reverse puts
 * the attributes back and removes what the conversion generated, reporting
 * an override that no longer says what the metadata records.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "domain_conf.h"
#include "qemu_domain_prepare.h"

#define BRIDGE_NS_URI "http://libvirt-viommu.org/xmlns/domain/1.0"
#define BRIDGE_NS_PREFIX "viommu"
#define BRIDGE_QEMU_NS_URI "http://libvirt.org/schemas/domain/qemu/1.0"
/* the user aliases the conversion gives a device that has none:
 * ua-iommuN, ua-hostdevN */
#define BRIDGE_IOMMU_ALIAS_PREFIX "ua-iommu"
#define BRIDGE_HOSTDEV_ALIAS_PREFIX "ua-hostdev"

/* What the connected libvirt understands, asked from the connection. */
typedef struct {
    unsigned long version;     /* virConnectGetLibVersion(): major*1000000+minor*1000+micro */
    char **iommuModels;        /* from the domain capabilities, NULL = not reported */
} bridgeLibvirtFacts;

void bridgeLibvirtFactsClear(bridgeLibvirtFacts *facts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(bridgeLibvirtFacts, bridgeLibvirtFactsClear);

/* "12.8.0" of a libvirt version number (caller frees) */
char *bridgeVersionString(unsigned long version);

/* What the conversion does with one kind of device (bridge_convert.c) */
typedef struct _bridgeDeviceKind bridgeDeviceKind;

/* One device (<iommu>, or a PCI <hostdev> with extension attributes) on
 * its way to libvirt */
typedef struct {
    const bridgeDeviceKind *kind;
    xmlNodePtr elem;           /* its element in def->doc */
    char *ourId;               /* the "id" virt-viommu's command line gives it */
    char *alias;               /* its user alias in the converted domain */
    bool aliasGenerated;       /* added by the conversion */
    GPtrArray *removed;        /* removed attributes: "name", "value" pairs (char *) */
    GPtrArray *removedElems;   /* removed <driver> children, unlinked from
                                * def->doc and still of it: free the
                                * conversion before the definition */
} bridgeDevicePlan;

typedef struct {
    GPtrArray *plans;          /* bridgeDevicePlan *, in document order */
} bridgeConversion;

void bridgeConversionFree(bridgeConversion *conv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(bridgeConversion, bridgeConversionFree);

/* Step 1: in @def->doc, remove the <driver> attributes @facts' libvirt
 * does not know from every <iommu> and PCI <hostdev>, and give a user
 * alias to every <iommu> and to each hostdev that lost one. Refuses, with the
 * minimum libvirt version, what that libvirt cannot be made to do: an IOMMU
 * model it lacks, iommufd hostdevs before 12.1.0, the domain-level
 * <iommufd> before 12.2.0. */
bridgeConversion *bridgeConvertPrepare(virDomainDef *def,
                                       const bridgeLibvirtFacts *facts,
                                       GError **error);

/* Step 2: with @ours (id -> JSON object of each -device virt-viommu
 * builds) and @theirs (the same from the connected libvirt's command line
 * for the step-1 document), add the <qemu:override> properties that make
 * libvirt's devices equal to ours, and the metadata. A vIOMMU gets the
 * exact set of properties (libvirt's extra ones removed); a hostdev only
 * those virt-viommu sets (libvirt's extra ones come from parts of the
 * domain the model leaves to libvirt, such as <boot order>). */
int bridgeConvertFinish(virDomainDef *def, bridgeConversion *conv,
                        GHashTable *ours, GHashTable *theirs,
                        GError **error);

/* The "-device" JSON objects of @argv (NULL-terminated, or one shell-quoted
 * string split by the caller) by their "id": id -> JsonObject (owned) */
GHashTable *bridgeDevicesFromArgv(const char *const *argv, GError **error);

/* Split a command line as libvirt's domxml-to-native prints it (arguments
 * separated by spaces, JSON values in single quotes). */
char **bridgeSplitArgv(const char *cmdline);

/* The reverse, on a domain XML libvirt returned: the user's XML, with the
 * extension attributes in place and the generated parts removed. A
 * metadata/override pair that no longer agrees is an error. Returns the
 * XML, or the input unchanged when it holds no metadata of ours. */
char *bridgeRestore(const char *xml, GError **error);

/* Does @xml carry metadata of ours? (a cheap text check) */
bool bridgeHasMetadata(const char *xml);

/* The device aliases (ua-iommuN, ua-hostdevN: the conversion's) that carry a
 * <qemu:override> in a domain without virt-viommu metadata: overrides the
 * bridge made whose metadata was removed since (virsh edit?); the
 * extension attributes they came from cannot be given back. Empty when
 * the domain has our metadata or no such override. */
GStrv bridgeOrphanOverrides(const char *xml);

/* Is @key of a -device value addressing or a file descriptor, left out
 * when virt-viommu's and libvirt's devices are compared? */
bool bridgeIgnoredKey(const char *key);

/* Do the metadata and the overrides of @xml (a domain as libvirt holds
 * it) still agree? The user's domain (the metadata put back) and
 * libvirt's (without the metadata, its overrides applied to what
 * virt-viommu builds for it) must give each recorded device the same
 * properties with @caps. 0 also when @xml has no metadata of ours. */
int bridgeCheckAgreement(const char *xml, const virQEMUCaps *caps,
                         GError **error);

/* The check of a domain XML as libvirt holds it (the hook's): the metadata
 * and the overrides agree, and the user's domain passes every check. */
int bridgeDomainCheck(const char *xml, const char *what,
                      const qemuDomainPrepareOptions *opts, GError **error);
