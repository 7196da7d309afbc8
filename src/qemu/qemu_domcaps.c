/*
 * qemu_domcaps.c: domain capabilities of a QEMU binary on a host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Nothing here decides what QEMU or the host can do. Each question ("can
 * this device sit behind an intel vIOMMU with nesting?", "how wide a PASID
 * can it get?") is turned into a small domain that asks for exactly that,
 * and the domain goes through the same stages as `virt-viommu validate`:
 * parse with post-parse resolution and conf validation, then
 * qemuDomainPrepareDef() against the binary, then qemuViommuValidateHost()
 * for the assigned device. The verdict is whether it passes; the reason is
 * the message of the check that refused it. A new rule in any of those
 * stages therefore shows up here without a change to this file.
 *
 * What this file does know is how to ask: which <driver> attributes
 * request a feature, and which alternatives a user could pick when the
 * plain request fails for a reason that has a documented way out (a
 * 39-bit vIOMMU on a 39-bit host, fs1gp='off' on a host without 1 GiB
 * first-stage pages, explicit SMMUv3 properties when no device is
 * assigned).
 */
#include <stdio.h>

#include "qemu_domcaps.h"
#include "qemu_domain_prepare.h"
#include "qemu_validate.h"
#include "qemu_viommu.h"
#include "virpci.h"

/* What a probe's <driver> attributes are appended to */
typedef enum {
    QEMU_DOMCAPS_ON_NOTHING = 0,  /* the probe's attributes alone */
    QEMU_DOMCAPS_ON_BASE,         /* the model's first passing base variant */
    QEMU_DOMCAPS_ON_NESTING,      /* the model's first passing nesting
                                   * variant (or its first one) */
} qemuDomainCapsLayer;

typedef struct {
    const char *name;            /* feature name in the document */
    qemuDomainCapsLayer layer;
    const char *attrs;           /* fixed <driver> attributes, may be NULL */
    const char *ranged;          /* attribute whose largest value is sought */
    const unsigned int *values;  /* its values, largest first, 0-terminated */
    bool iommufd;                /* the assigned device uses iommufd */
    bool hostdevOnly;            /* asked only with an assigned device */
} qemuDomainCapsProbe;

typedef struct {
    virDomainIOMMUModel model;
    /* <driver> attributes of the plain model, then of nesting='on':
     * alternatives, NULL-terminated; the first that passes is used */
    const char *const *base;
    const char *const *nesting;
    const qemuDomainCapsProbe *probes;   /* terminated by a NULL name */
} qemuDomainCapsModel;

/* Every PASID width, widest first: the first that passes is the maximum */
static const unsigned int qemuDomainCapsPASIDWidths[] = {
    20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
};
/* the address widths QEMU's intel-iommu implements */
static const unsigned int qemuDomainCapsIntelAwBits[] = { 48, 39, 0 };
/* the output address sizes QEMU's arm-smmuv3 implements */
static const unsigned int qemuDomainCapsSMMUv3OAS[] = { 48, 44, 0 };

/* Device assignment behind intel-iommu needs caching mode; a 39-bit host
 * unit needs aw_bits='39' (nesting cannot use it: first stage is 48-bit);
 * a host without 1 GiB first-stage pages needs fs1gp='off'. */
static const char *const qemuDomainCapsIntelBase[] = {
    "caching_mode='on'",
    "caching_mode='on' aw_bits='39'",
    NULL,
};
static const char *const qemuDomainCapsIntelNesting[] = {
    "caching_mode='on' nesting='on'",
    "caching_mode='on' nesting='on' fs1gp='off'",
    NULL,
};
static const qemuDomainCapsProbe qemuDomainCapsIntelProbes[] = {
    { "pasid_bits", QEMU_DOMCAPS_ON_NESTING, NULL, "pasid_bits",
      qemuDomainCapsPASIDWidths, true, false },
    { "fs1gp", QEMU_DOMCAPS_ON_NOTHING, "caching_mode='on' nesting='on' fs1gp='on'",
      NULL, NULL, true, true },
    { "aw_bits", QEMU_DOMCAPS_ON_NOTHING, "caching_mode='on'", "aw_bits",
      qemuDomainCapsIntelAwBits, false, true },
    { "iotlb", QEMU_DOMCAPS_ON_BASE, "iotlb='on'", NULL, NULL, false, true },
    { NULL, 0, NULL, NULL, NULL, false, false },
};

/* Without pciBus the SMMUv3 is the machine's; nesting (accel) needs a
 * device SMMUv3 on a root complex. With no assigned device QEMU cannot
 * take ats, ril, oas and cmdqv from one, so they must be explicit. */
static const char *const qemuDomainCapsNoAttrs[] = { "", NULL };
static const char *const qemuDomainCapsSMMUv3Nesting[] = {
    "pciBus='0' nesting='on'",
    "pciBus='0' nesting='on' ats='off' ril='off' oas='44' cmdqv='off'",
    NULL,
};
static const qemuDomainCapsProbe qemuDomainCapsSMMUv3Probes[] = {
    { "pasid_bits", QEMU_DOMCAPS_ON_NESTING, NULL, "pasid_bits",
      qemuDomainCapsPASIDWidths, true, false },
    { "oas", QEMU_DOMCAPS_ON_NOTHING, "pciBus='0' nesting='on'", "oas",
      qemuDomainCapsSMMUv3OAS, true, true },
    { "ril", QEMU_DOMCAPS_ON_NOTHING, "pciBus='0' nesting='on' ril='on'",
      NULL, NULL, true, true },
    { "ats", QEMU_DOMCAPS_ON_NOTHING, "pciBus='0' nesting='on' ats='on'",
      NULL, NULL, true, true },
    { NULL, 0, NULL, NULL, NULL, false, false },
};

/* virtio and amd: asked the same questions, so that the document says
 * why not */
static const char *const qemuDomainCapsPlainNesting[] = { "nesting='on'", NULL };
static const qemuDomainCapsProbe qemuDomainCapsPlainProbes[] = {
    { "pasid_bits", QEMU_DOMCAPS_ON_NESTING, NULL, "pasid_bits",
      qemuDomainCapsPASIDWidths, true, false },
    { NULL, 0, NULL, NULL, NULL, false, false },
};

static const qemuDomainCapsModel qemuDomainCapsModels[] = {
    { VIR_DOMAIN_IOMMU_MODEL_INTEL, qemuDomainCapsIntelBase,
      qemuDomainCapsIntelNesting, qemuDomainCapsIntelProbes },
    { VIR_DOMAIN_IOMMU_MODEL_SMMUV3, qemuDomainCapsNoAttrs,
      qemuDomainCapsSMMUv3Nesting, qemuDomainCapsSMMUv3Probes },
    { VIR_DOMAIN_IOMMU_MODEL_VIRTIO, qemuDomainCapsNoAttrs,
      qemuDomainCapsPlainNesting, qemuDomainCapsPlainProbes },
    { VIR_DOMAIN_IOMMU_MODEL_AMD, qemuDomainCapsNoAttrs,
      qemuDomainCapsPlainNesting, qemuDomainCapsPlainProbes },
};
G_STATIC_ASSERT(G_N_ELEMENTS(qemuDomainCapsModels) == VIR_DOMAIN_IOMMU_MODEL_LAST);

typedef struct {
    const virQEMUCaps *caps;
    const virHostIOMMU *host;
    char *arch;                /* XML-escaped */
    char *machine;             /* XML-escaped */
    GPtrArray *trials;
} qemuDomainCapsCtx;

/* One question, as a domain */
typedef struct {
    const char *model;         /* vIOMMU model, NULL for none */
    const char *driver;        /* its <driver> attributes, NULL/"" for none */
    const char *address;       /* assigned host device, NULL for none */
    bool iommufd;
} qemuDomainCapsCandidate;

static void
qemuDomainCapsFormatHostdev(GString *xml, const char *address, bool iommufd)
{
    unsigned int domain = 0, bus = 0, slot = 0, function = 0;

    /* addresses are normalized before they get here */
    if (sscanf(address, "%x:%x:%x.%x", &domain, &bus, &slot, &function) != 4)
        return;
    g_string_append(xml, "    <hostdev mode='subsystem' type='pci' managed='yes'>\n");
    if (iommufd)
        g_string_append(xml, "      <driver iommufd='yes'/>\n");
    g_string_append_printf(xml,
                           "      <source>\n"
                           "        <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
                           "      </source>\n"
                           "    </hostdev>\n",
                           domain, bus, slot, function);
}

/* A KVM domain booting UEFI with ACPI (what SMMUv3 nesting needs; nothing
 * in it matters to the other models), no emulated PCI endpoint */
static char *
qemuDomainCapsCandidateXML(const qemuDomainCapsCtx *ctx,
                           const qemuDomainCapsCandidate *cand)
{
    g_autoptr(GString) xml = g_string_new(NULL);

    g_string_append_printf(xml,
                           "<domain type='kvm'>\n"
                           "  <name>domcaps</name>\n"
                           "  <memory unit='KiB'>1048576</memory>\n"
                           "  <os firmware='efi'>\n"
                           "    <type arch='%s' machine='%s'>hvm</type>\n"
                           "  </os>\n"
                           "  <features>\n"
                           "    <acpi/>\n"
                           "  </features>\n"
                           "  <devices>\n"
                           "    <controller type='usb' index='0' model='none'/>\n",
                           ctx->arch, ctx->machine);
    if (cand->address)
        qemuDomainCapsFormatHostdev(xml, cand->address, cand->iommufd);
    g_string_append(xml, "    <memballoon model='none'/>\n");
    if (cand->model) {
        g_string_append_printf(xml, "    <iommu model='%s'", cand->model);
        if (cand->driver && *cand->driver)
            g_string_append_printf(xml, ">\n      <driver %s/>\n    </iommu>\n",
                                   cand->driver);
        else
            g_string_append(xml, "/>\n");
    }
    g_string_append(xml, "  </devices>\n</domain>\n");
    return g_string_free(g_steal_pointer(&xml), FALSE);
}

void
qemuDomainCapsTrialFree(qemuDomainCapsTrial *trial)
{
    if (!trial)
        return;
    g_free(trial->xml);
    g_free(trial->error);
    g_free(trial);
}

/* The stages `validate` runs, in its order, except the schema (the
 * candidates are fixed text; the test suite runs every one of them
 * through the whole validate pipeline, schema included). */
static int
qemuDomainCapsRunChecks(const qemuDomainCapsCtx *ctx, const char *xml,
                        bool hostdev, GError **error)
{
    g_autoptr(virDomainDef) def = NULL;

    if (!(def = virDomainDefParseString(xml, VIR_DOMAIN_DEF_PARSE_NONE, error)) ||
        qemuDomainPrepareDef(def, ctx->caps, error) < 0)
        return -1;
    if (hostdev && ctx->host &&
        qemuViommuValidateHost(def, ctx->host, error) < 0)
        return -1;
    return 0;
}

static int
qemuDomainCapsCheck(const qemuDomainCapsCtx *ctx,
                    const qemuDomainCapsCandidate *cand, GError **error)
{
    g_autofree char *xml = qemuDomainCapsCandidateXML(ctx, cand);
    g_autoptr(GError) err = NULL;
    int ret = qemuDomainCapsRunChecks(ctx, xml, cand->address != NULL, &err);

    if (ctx->trials) {
        qemuDomainCapsTrial *trial = g_new0(qemuDomainCapsTrial, 1);

        trial->xml = g_steal_pointer(&xml);
        if (err)
            trial->error = g_strdup(err->message);
        g_ptr_array_add(ctx->trials, trial);
    }
    if (err)
        g_propagate_error(error, g_steal_pointer(&err));
    return ret;
}

/* Does @cand pass? If not, *@reason gets the message, without the alias
 * the synthesized domain gave its device (it means nothing to the
 * reader). */
static bool
qemuDomainCapsTry(const qemuDomainCapsCtx *ctx,
                  const qemuDomainCapsCandidate *cand, char **reason)
{
    g_autoptr(GError) err = NULL;
    GString *msg;

    if (qemuDomainCapsCheck(ctx, cand, &err) == 0)
        return true;
    msg = g_string_new(err->message);
    g_string_replace(msg, " (hostdev0)", "", 0);
    *reason = g_string_free(msg, FALSE);
    return false;
}

/* Index of the first of @variants that passes, or -1 with the first
 * one's reason in *@reason */
static int
qemuDomainCapsTryVariants(const qemuDomainCapsCtx *ctx, const char *model,
                          const char *const *variants, const char *address,
                          bool iommufd, char **reason)
{
    g_autofree char *first = NULL;
    size_t i;

    for (i = 0; variants[i]; i++) {
        qemuDomainCapsCandidate cand = { model, variants[i], address, iommufd };
        g_autofree char *why = NULL;

        if (qemuDomainCapsTry(ctx, &cand, &why))
            return i;
        if (!first)
            first = g_steal_pointer(&why);
    }
    *reason = g_steal_pointer(&first);
    return -1;
}

static char *
qemuDomainCapsJoin(const char *a, const char *b)
{
    if (!a || !*a)
        return g_strdup(b ? b : "");
    if (!b || !*b)
        return g_strdup(a);
    return g_strdup_printf("%s %s", a, b);
}

/* A switch: does the request pass? A range: the largest value that
 * passes; the reason is the refusal of the next larger value (or of the
 * smallest, when none passes). */
static virDomainCapsFeature *
qemuDomainCapsRunProbe(const qemuDomainCapsCtx *ctx, const char *model,
                       const char *prefix, const qemuDomainCapsProbe *probe,
                       const char *address)
{
    g_autoptr(virDomainCapsFeature) feature = virDomainCapsFeatureNew(probe->name);
    g_autofree char *fixed = qemuDomainCapsJoin(prefix, probe->attrs);
    size_t i;

    if (!probe->ranged) {
        qemuDomainCapsCandidate cand = { model, fixed, address, probe->iommufd };

        feature->supported = qemuDomainCapsTry(ctx, &cand, &feature->reason);
        return g_steal_pointer(&feature);
    }
    feature->ranged = true;
    for (i = 0; probe->values[i]; i++) {
        g_autofree char *value = g_strdup_printf("%s='%u'", probe->ranged,
                                                 probe->values[i]);
        g_autofree char *attrs = qemuDomainCapsJoin(fixed, value);
        qemuDomainCapsCandidate cand = { model, attrs, address, probe->iommufd };
        g_autofree char *why = NULL;

        if (qemuDomainCapsTry(ctx, &cand, &why)) {
            feature->supported = true;
            feature->max = probe->values[i];
            break;
        }
        g_free(feature->reason);
        feature->reason = g_steal_pointer(&why);
    }
    return g_steal_pointer(&feature);
}

/* One model, with @address assigned behind it or (NULL) with no device */
static virDomainCapsIOMMU *
qemuDomainCapsProbeModel(const qemuDomainCapsCtx *ctx,
                         const qemuDomainCapsModel *m, const char *address)
{
    const char *model = virDomainIOMMUModelTypeToString(m->model);
    g_autoptr(virDomainCapsIOMMU) iommu = virDomainCapsIOMMUNew(m->model);
    virDomainCapsFeature *nesting;
    const qemuDomainCapsProbe *p;
    int base;
    int nest;

    if ((base = qemuDomainCapsTryVariants(ctx, model, m->base, address, false,
                                          &iommu->reason)) < 0)
        return g_steal_pointer(&iommu);
    iommu->supported = true;
    nesting = virDomainCapsFeatureNew("nesting");
    g_ptr_array_add(iommu->features, nesting);
    nest = qemuDomainCapsTryVariants(ctx, model, m->nesting, address, true,
                                     &nesting->reason);
    nesting->supported = nest >= 0;

    for (p = m->probes; p->name; p++) {
        const char *prefix = NULL;

        if (p->hostdevOnly && !address)
            continue;
        if (p->layer == QEMU_DOMCAPS_ON_BASE)
            prefix = m->base[base];
        else if (p->layer == QEMU_DOMCAPS_ON_NESTING)
            prefix = m->nesting[MAX(nest, 0)];
        g_ptr_array_add(iommu->features,
                        qemuDomainCapsRunProbe(ctx, model, prefix, p, address));
    }
    return g_steal_pointer(&iommu);
}

static virDomainCapsHostdev *
qemuDomainCapsProbeHostdev(const qemuDomainCapsCtx *ctx, const char *address,
                           const virDomainCaps *doc)
{
    g_autoptr(virDomainCapsHostdev) hostdev = virDomainCapsHostdevNew(address);
    const virHostIOMMUDevice *dev = virHostIOMMUFindDevice(ctx->host, address);
    qemuDomainCapsCandidate plain = { NULL, NULL, address, false };
    qemuDomainCapsCandidate iommufd = { NULL, NULL, address, true };
    size_t i;

    if (dev && dev->unit)
        hostdev->unit = g_strdup(dev->unit);
    hostdev->supported = qemuDomainCapsTry(ctx, &plain, &hostdev->reason);
    if (!hostdev->supported)
        return g_steal_pointer(&hostdev);

    hostdev->iommufd = virDomainCapsFeatureNew("iommufd");
    hostdev->iommufd->supported = qemuDomainCapsTry(ctx, &iommufd,
                                                    &hostdev->iommufd->reason);
    /* only the models this binary and machine can have at all; the
     * general verdicts are in the order of qemuDomainCapsModels */
    for (i = 0; i < doc->iommus->len; i++) {
        const virDomainCapsIOMMU *general = doc->iommus->pdata[i];

        if (general->supported)
            g_ptr_array_add(hostdev->models,
                            qemuDomainCapsProbeModel(ctx, &qemuDomainCapsModels[i],
                                                     address));
    }
    return g_steal_pointer(&hostdev);
}

/* The addresses to report: those asked for (normalized), else every
 * device of the host description */
static GStrv
qemuDomainCapsAddresses(const virHostIOMMU *host, const char *const *devices,
                        GError **error)
{
    g_autoptr(GPtrArray) addrs = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (devices) {
        for (i = 0; devices[i]; i++) {
            char *addr = virPCIAddressParse(devices[i], error);

            if (!addr)
                return NULL;
            g_ptr_array_add(addrs, addr);
        }
    } else if (host) {
        for (i = 0; i < host->ndevices; i++)
            g_ptr_array_add(addrs, g_strdup(host->devices[i]->address));
    }
    g_ptr_array_add(addrs, NULL);
    g_ptr_array_set_free_func(addrs, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&addrs), FALSE);
}

static const char *
qemuDomainCapsDefaultMachine(const char *arch)
{
    if (g_strcmp0(arch, "x86_64") == 0)
        return "q35";
    if (g_strcmp0(arch, "aarch64") == 0)
        return "virt";
    return NULL;
}

static void
qemuDomainCapsCtxClear(qemuDomainCapsCtx *ctx)
{
    g_free(ctx->arch);
    g_free(ctx->machine);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemuDomainCapsCtx, qemuDomainCapsCtxClear);

virDomainCaps *
qemuDomainCapsBuild(const virQEMUCaps *caps, const virHostIOMMU *host,
                    const qemuDomainCapsOptions *opts, GError **error)
{
    g_auto(qemuDomainCapsCtx) ctx = { caps, host, NULL, NULL, opts->trials };
    g_autoptr(virDomainCaps) doc = virDomainCapsNew();
    g_auto(GStrv) addrs = NULL;
    qemuDomainCapsCandidate bare = { NULL, NULL, NULL, false };
    const char *arch = opts->arch ? opts->arch : virQEMUCapsGetArch(caps);
    const char *machine = opts->machine;
    const char *canonical;
    size_t i;

    if (!machine && !(machine = qemuDomainCapsDefaultMachine(arch))) {
        virReportError(error, VIR_ERR_INVALID_ARG,
                       _("there is no default machine type for architecture '%1$s'; name one with --machine"),
                       arch ? arch : "");
        return NULL;
    }
    canonical = virQEMUCapsGetCanonicalMachine(caps, machine);
    ctx.arch = g_markup_escape_text(arch ? arch : "", -1);
    ctx.machine = g_markup_escape_text(canonical ? canonical : machine, -1);

    /* the machine itself must pass before any question about it makes
     * sense: its failure is the command's */
    if (qemuDomainCapsCheck(&ctx, &bare, error) < 0 ||
        !(addrs = qemuDomainCapsAddresses(host, opts->devices, error)))
        return NULL;

    doc->path = g_strdup(virQEMUCapsGetBinary(caps));
    doc->version = g_strdup(virQEMUCapsGetVersionString(caps));
    doc->package = g_strdup(virQEMUCapsGetPackage(caps));
    doc->virttype = g_strdup("kvm");
    doc->arch = g_strdup(arch);
    doc->machine = g_strdup(canonical ? canonical : machine);

    for (i = 0; i < G_N_ELEMENTS(qemuDomainCapsModels); i++)
        g_ptr_array_add(doc->iommus,
                        qemuDomainCapsProbeModel(&ctx, &qemuDomainCapsModels[i], NULL));
    for (i = 0; host && addrs[i]; i++)
        g_ptr_array_add(doc->hostdevs,
                        qemuDomainCapsProbeHostdev(&ctx, addrs[i], doc));
    return g_steal_pointer(&doc);
}
