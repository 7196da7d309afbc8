/*
 * domain_capabilities.c: the domain capabilities document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "domain_capabilities.h"
#include "virbuffer.h"

virDomainCapsFeature *
virDomainCapsFeatureNew(const char *name)
{
    virDomainCapsFeature *feature = g_new0(virDomainCapsFeature, 1);

    feature->name = g_strdup(name);
    return feature;
}

void
virDomainCapsFeatureFree(virDomainCapsFeature *feature)
{
    if (!feature)
        return;
    g_free(feature->name);
    g_free(feature->reason);
    g_free(feature);
}

virDomainCapsIOMMU *
virDomainCapsIOMMUNew(virDomainIOMMUModel model)
{
    virDomainCapsIOMMU *iommu = g_new0(virDomainCapsIOMMU, 1);

    iommu->model = model;
    iommu->features = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainCapsFeatureFree);
    return iommu;
}

void
virDomainCapsIOMMUFree(virDomainCapsIOMMU *iommu)
{
    if (!iommu)
        return;
    g_free(iommu->reason);
    g_ptr_array_unref(iommu->features);
    g_free(iommu);
}

virDomainCapsHostdev *
virDomainCapsHostdevNew(const char *address)
{
    virDomainCapsHostdev *hostdev = g_new0(virDomainCapsHostdev, 1);

    hostdev->address = g_strdup(address);
    hostdev->models = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainCapsIOMMUFree);
    return hostdev;
}

void
virDomainCapsHostdevFree(virDomainCapsHostdev *hostdev)
{
    if (!hostdev)
        return;
    g_free(hostdev->address);
    g_free(hostdev->unit);
    g_free(hostdev->reason);
    virDomainCapsFeatureFree(hostdev->iommufd);
    g_ptr_array_unref(hostdev->models);
    g_free(hostdev);
}

virDomainCaps *
virDomainCapsNew(void)
{
    virDomainCaps *caps = g_new0(virDomainCaps, 1);

    caps->iommus = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainCapsIOMMUFree);
    caps->hostdevs = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainCapsHostdevFree);
    return caps;
}

void
virDomainCapsFree(virDomainCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->path);
    g_free(caps->version);
    g_free(caps->package);
    g_free(caps->virttype);
    g_free(caps->arch);
    g_free(caps->machine);
    g_ptr_array_unref(caps->iommus);
    g_ptr_array_unref(caps->hostdevs);
    g_free(caps);
}

static const char *
virDomainCapsYesNo(bool b)
{
    return b ? "yes" : "no";
}

/* " supported='yes|no'" and the reason */
static void
virDomainCapsFormatVerdict(virBuffer *buf, bool supported, const char *reason)
{
    virBufferAsprintf(buf, " supported='%s'", virDomainCapsYesNo(supported));
    virBufferEscapeString(buf, " reason='%s'", reason);
}

static void
virDomainCapsFormatFeature(virBuffer *buf, const char *element,
                           const virDomainCapsFeature *feature)
{
    virBufferAsprintf(buf, "<%s", element);
    virBufferEscapeString(buf, " name='%s'", feature->name);
    virBufferAsprintf(buf, " supported='%s'", virDomainCapsYesNo(feature->supported));
    if (feature->ranged)
        virBufferAsprintf(buf, " max='%u'", feature->max);
    virBufferEscapeString(buf, " reason='%s'", feature->reason);
    virBufferAddLit(buf, "/>\n");
}

static void
virDomainCapsFormatIOMMU(virBuffer *buf, const virDomainCapsIOMMU *iommu)
{
    size_t i;

    virBufferAsprintf(buf, "<model name='%s'",
                      virDomainIOMMUModelTypeToString(iommu->model));
    virDomainCapsFormatVerdict(buf, iommu->supported, iommu->reason);
    if (!iommu->features->len) {
        virBufferAddLit(buf, "/>\n");
        return;
    }
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < iommu->features->len; i++)
        virDomainCapsFormatFeature(buf, "feature", iommu->features->pdata[i]);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</model>\n");
}

/* <iommu supported=...>: the enum of the models that pass, then every
 * model with its verdict */
static void
virDomainCapsFormatIOMMUs(virBuffer *buf, const virDomainCaps *caps)
{
    bool any = false;
    size_t i;

    for (i = 0; i < caps->iommus->len; i++) {
        const virDomainCapsIOMMU *iommu = caps->iommus->pdata[i];
        any |= iommu->supported;
    }
    virBufferAsprintf(buf, "<iommu supported='%s'>\n", virDomainCapsYesNo(any));
    virBufferAdjustIndent(buf, 2);
    if (!any) {
        virBufferAddLit(buf, "<enum name='model'/>\n");
    } else {
        virBufferAddLit(buf, "<enum name='model'>\n");
        virBufferAdjustIndent(buf, 2);
        for (i = 0; i < caps->iommus->len; i++) {
            const virDomainCapsIOMMU *iommu = caps->iommus->pdata[i];

            if (iommu->supported)
                virBufferAsprintf(buf, "<value>%s</value>\n",
                                  virDomainIOMMUModelTypeToString(iommu->model));
        }
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</enum>\n");
    }
    for (i = 0; i < caps->iommus->len; i++)
        virDomainCapsFormatIOMMU(buf, caps->iommus->pdata[i]);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</iommu>\n");
}

static void
virDomainCapsFormatHostdev(virBuffer *buf, const virDomainCapsHostdev *hostdev)
{
    size_t i;

    virBufferEscapeString(buf, "<hostdev address='%s'", hostdev->address);
    virBufferEscapeString(buf, " unit='%s'", hostdev->unit);
    virDomainCapsFormatVerdict(buf, hostdev->supported, hostdev->reason);
    if (!hostdev->iommufd && !hostdev->models->len) {
        virBufferAddLit(buf, "/>\n");
        return;
    }
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    if (hostdev->iommufd) {
        virBufferAddLit(buf, "<iommufd");
        virDomainCapsFormatVerdict(buf, hostdev->iommufd->supported,
                                   hostdev->iommufd->reason);
        virBufferAddLit(buf, "/>\n");
    }
    for (i = 0; i < hostdev->models->len; i++)
        virDomainCapsFormatIOMMU(buf, hostdev->models->pdata[i]);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</hostdev>\n");
}

char *
virDomainCapsFormat(const virDomainCaps *caps)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    size_t i;

    virBufferAddLit(&buf, "<domainCapabilities>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<path>%s</path>\n", caps->path);
    virBufferEscapeString(&buf, "<emulator version='%s'", caps->version);
    virBufferEscapeString(&buf, " package='%s'", caps->package);
    virBufferAddLit(&buf, "/>\n");
    virBufferEscapeString(&buf, "<domain>%s</domain>\n", caps->virttype);
    virBufferEscapeString(&buf, "<arch>%s</arch>\n", caps->arch);
    virBufferEscapeString(&buf, "<machine>%s</machine>\n", caps->machine);
    virBufferAddLit(&buf, "<devices>\n");
    virBufferAdjustIndent(&buf, 2);
    virDomainCapsFormatIOMMUs(&buf, caps);
    for (i = 0; i < caps->hostdevs->len; i++)
        virDomainCapsFormatHostdev(&buf, caps->hostdevs->pdata[i]);
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</devices>\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</domainCapabilities>\n");
    return virBufferContentAndReset(&buf);
}
