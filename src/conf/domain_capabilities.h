/*
 * domain_capabilities.h: the domain capabilities document
 *                        (virt-viommu domcapabilities): which vIOMMU
 *                        models, nesting and PASID widths a QEMU binary and
 *                        a host allow, per assignable device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Only the model and its formatter live here; they hold verdicts and
 * reasons as text and know nothing of QEMU. The verdicts are computed by
 * src/qemu/qemu_domcaps.c. The document is described by
 * docs/schemas/domaincaps.rng.
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "domain_conf.h"

#define VIR_DOMAIN_CAPS_SCHEMA "domaincaps.rng"

/* One verdict: an XML attribute (or element) and whether a domain that
 * uses it passes every check. A ranged feature (pasid_bits, aw_bits, oas)
 * also gives the largest value that passes; its reason then says why the
 * next larger value does not. */
typedef struct {
    char *name;             /* "nesting", "pasid_bits", "iommufd", ... */
    bool supported;
    bool ranged;            /* has a maximum value */
    unsigned int max;       /* ranged: largest passing value, 0 for none */
    char *reason;           /* why not (or why not more); NULL for none */
} virDomainCapsFeature;

typedef struct {
    virDomainIOMMUModel model;
    bool supported;
    char *reason;
    GPtrArray *features;    /* virDomainCapsFeature */
} virDomainCapsIOMMU;

/* A host PCI device asked about, and what can be done with it when it is
 * assigned to the domain */
typedef struct {
    char *address;          /* "0000:6a:01.0" */
    char *unit;             /* host IOMMU unit in front of it, or NULL */
    bool supported;         /* assignable at all (no vIOMMU) */
    char *reason;
    virDomainCapsFeature *iommufd;  /* NULL when not assignable */
    GPtrArray *models;      /* virDomainCapsIOMMU, models that fit */
} virDomainCapsHostdev;

typedef struct {
    char *path;             /* the emulator binary */
    char *version;          /* "11.1.3" */
    char *package;          /* "Debian 1:11.1.3+ds-1", may be NULL */
    char *virttype;         /* "kvm" */
    char *arch;
    char *machine;          /* canonical machine type */
    GPtrArray *iommus;      /* virDomainCapsIOMMU, every model, no hostdev */
    GPtrArray *hostdevs;    /* virDomainCapsHostdev */
} virDomainCaps;

virDomainCaps *virDomainCapsNew(void);
void virDomainCapsFree(virDomainCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainCaps, virDomainCapsFree);

virDomainCapsIOMMU *virDomainCapsIOMMUNew(virDomainIOMMUModel model);
void virDomainCapsIOMMUFree(virDomainCapsIOMMU *iommu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainCapsIOMMU, virDomainCapsIOMMUFree);

virDomainCapsHostdev *virDomainCapsHostdevNew(const char *address);
void virDomainCapsHostdevFree(virDomainCapsHostdev *hostdev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainCapsHostdev, virDomainCapsHostdevFree);

virDomainCapsFeature *virDomainCapsFeatureNew(const char *name);
void virDomainCapsFeatureFree(virDomainCapsFeature *feature);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainCapsFeature, virDomainCapsFeatureFree);

/* The document for @caps; never fails */
char *virDomainCapsFormat(const virDomainCaps *caps);
