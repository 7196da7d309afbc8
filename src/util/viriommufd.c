/*
 * viriommufd.c: the iommufd deep probe of one VFIO device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "virerror.h"
#include "viriommufd.h"

static int
virIOMMUFDNotChardev(virIOMMUFDHwInfoResult *res, virIOMMUFDStep step)
{
    res->step = VIR_IOMMUFD_STEP_NOT_CHARDEV;
    res->errnum = ENODEV;
    res->notChardevIsCdev = step == VIR_IOMMUFD_STEP_OPEN_CDEV;
    return -1;
}

/* Open the node @path read-write, but only once it is known to be the
 * character device @expect (any character device when 0): opening
 * something else read-write (a link to a disk, a FIFO) is never done. */
static int
virIOMMUFDOpen(const char *path, dev_t expect, virIOMMUFDStep step,
               virIOMMUFDHwInfoResult *res)
{
    struct stat before;
    struct stat after;
    int fd;

    if (lstat(path, &before) < 0) {
        res->step = step;
        res->errnum = errno;
        return -1;
    }
    /* a regular file (e.g. a node of a captured host tree) would answer
     * every ioctl with ENOTTY and be mistaken for an old kernel */
    if (!S_ISCHR(before.st_mode))
        return virIOMMUFDNotChardev(res, step);
    if (expect && before.st_rdev != expect) {
        res->step = VIR_IOMMUFD_STEP_WRONG_DEVICE;
        res->errnum = ENODEV;
        res->foundRdev = before.st_rdev;
        res->expectRdev = expect;
        return -1;
    }
    if ((fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY)) < 0) {
        res->step = step;
        res->errnum = errno;
        return -1;
    }
    /* the node may have been replaced between the check and the open */
    if (fstat(fd, &after) < 0 || !S_ISCHR(after.st_mode) ||
        after.st_rdev != before.st_rdev) {
        close(fd);
        return virIOMMUFDNotChardev(res, step);
    }
    return fd;
}

static int
virIOMMUFDBind(int cdevfd, int iommufd, virIOMMUFDHwInfoResult *res)
{
    virVFIODeviceBindIOMMUFD bind;

    memset(&bind, 0, sizeof(bind));
    /* the 6.6 size: the token pointer is only read with FLAG_TOKEN */
    bind.argsz = VIR_VFIO_DEVICE_BIND_SIZE_MIN;
    bind.flags = 0;
    bind.iommufd = iommufd;
    if (ioctl(cdevfd, VIR_VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
        res->step = VIR_IOMMUFD_STEP_BIND;
        res->errnum = errno;
        return -1;
    }
    res->devId = bind.out_devid;
    return 0;
}

static int
virIOMMUFDGetHwInfoSized(int iommufd, unsigned int size,
                         virIOMMUFDHwInfoResult *res)
{
    virIOMMUHwInfo info;

    /* every byte the kernel might not know must be zero, or it answers
     * E2BIG; flags stay 0 because kernels before 6.17 refuse any flag */
    memset(&info, 0, sizeof(info));
    memset(res->data, 0, sizeof(res->data));
    info.size = size;
    info.flags = 0;
    info.dev_id = res->devId;
    info.data_len = sizeof(res->data);
    info.data_uptr = (uint64_t)(uintptr_t)res->data;

    if (ioctl(iommufd, VIR_IOMMU_GET_HW_INFO, &info) < 0)
        return -errno;

    res->structSize = size;
    res->dataType = info.out_data_type;
    res->dataLen = info.data_len;
    /* a kernel that copied back only its shorter struct left the later
     * fields at the zero we put there: 0 means "absent or unknown" */
    res->maxPasidLog2 = size > offsetof(virIOMMUHwInfo, out_max_pasid_log2) ?
        info.out_max_pasid_log2 : 0;
    res->capabilities = size >= VIR_IOMMU_HW_INFO_SIZE ?
        info.out_capabilities : 0;
    return 0;
}

static int
virIOMMUFDGetHwInfo(int iommufd, virIOMMUFDHwInfoResult *res)
{
    int rc = virIOMMUFDGetHwInfoSized(iommufd, VIR_IOMMU_HW_INFO_SIZE, res);

    /* a kernel that refuses the current size gets the 6.6 one */
    if (rc == -E2BIG || rc == -EINVAL)
        rc = virIOMMUFDGetHwInfoSized(iommufd, VIR_IOMMU_HW_INFO_SIZE_MIN, res);
    if (rc < 0) {
        res->step = VIR_IOMMUFD_STEP_HW_INFO;
        res->errnum = -rc;
        return -1;
    }
    return 0;
}

int
virIOMMUFDProbeDevice(const char *iommuPath, const char *cdevPath,
                      dev_t cdevRdev, virIOMMUFDHwInfoResult *res)
{
    int iommufd = -1;
    int cdevfd = -1;
    int ret = -1;

    memset(res, 0, sizeof(*res));

    if ((iommufd = virIOMMUFDOpen(iommuPath, 0, VIR_IOMMUFD_STEP_OPEN_IOMMU,
                                  res)) < 0)
        goto cleanup;
    if ((cdevfd = virIOMMUFDOpen(cdevPath, cdevRdev, VIR_IOMMUFD_STEP_OPEN_CDEV,
                                 res)) < 0)
        goto cleanup;
    if (virIOMMUFDBind(cdevfd, iommufd, res) < 0)
        goto cleanup;
    if (virIOMMUFDGetHwInfo(iommufd, res) < 0)
        goto cleanup;

    res->step = VIR_IOMMUFD_STEP_NONE;
    res->errnum = 0;
    ret = 0;

 cleanup:
    /* closing the device fd unbinds it and gives the group back; the
     * iommufd goes last so that nothing refers to it any more */
    if (cdevfd >= 0)
        close(cdevfd);
    if (iommufd >= 0)
        close(iommufd);
    return ret;
}

static char *
virIOMMUFDOpenReason(int errnum, const char *path, bool isIOMMU)
{
    switch (errnum) {
    case ENOENT:
        if (isIOMMU)
            return g_strdup_printf(_("'%1$s' does not exist: the kernel has no iommufd (CONFIG_IOMMUFD) or the iommufd module is not loaded"),
                                   path);
        return g_strdup_printf(_("VFIO device node '%1$s' does not exist: the vfio-dev entry is stale or devtmpfs is not mounted"),
                               path);
    case EACCES:
    case EPERM:
        if (isIOMMU)
            return g_strdup_printf(_("permission denied opening '%1$s' (root-only by default): run as root or grant access to the device node"),
                                   path);
        return g_strdup_printf(_("permission denied opening '%1$s' (mode 0600 by default): run as root or grant access to the device node"),
                               path);
    case EBUSY:
        return g_strdup_printf(_("'%1$s' is busy: the device is already open, probably in use by a running VM"),
                               path);
    default:
        return g_strdup_printf(_("cannot open '%1$s': %2$s"),
                               path, g_strerror(errnum));
    }
}

static char *
virIOMMUFDBindReason(int errnum, const char *cdevPath)
{
    switch (errnum) {
    case EBUSY:
        return g_strdup_printf(_("VFIO_DEVICE_BIND_IOMMUFD on '%1$s' failed: the device or its IOMMU group is in use (a running VM, a legacy VFIO group user, or another device of the group bound to a host driver)"),
                               cdevPath);
    case EPERM:
        return g_strdup_printf(_("VFIO_DEVICE_BIND_IOMMUFD on '%1$s' was refused: the platform has no isolated MSI (interrupt remapping or GIC ITS) and iommufd.allow_unsafe_interrupts is off"),
                               cdevPath);
    case EINVAL:
        return g_strdup_printf(_("VFIO_DEVICE_BIND_IOMMUFD on '%1$s' was rejected as invalid: the device was opened through the legacy VFIO group interface, the IOMMU does not enforce cache coherency, or a VF token is required"),
                               cdevPath);
    case ENOTTY:
        return g_strdup_printf(_("the kernel does not support VFIO_DEVICE_BIND_IOMMUFD on '%1$s' (Linux older than 6.6 or no VFIO cdev support)"),
                               cdevPath);
    default:
        return g_strdup_printf(_("VFIO_DEVICE_BIND_IOMMUFD on '%1$s' failed: %2$s"),
                               cdevPath, g_strerror(errnum));
    }
}

static char *
virIOMMUFDHwInfoReason(int errnum)
{
    switch (errnum) {
    case ENOTTY:
        return g_strdup(_("the kernel does not support IOMMU_GET_HW_INFO (Linux older than 6.6)"));
    case EOPNOTSUPP:
        return g_strdup(_("IOMMU_GET_HW_INFO is not supported by this kernel or IOMMU driver for the request"));
    case ENOENT:
        return g_strdup(_("IOMMU_GET_HW_INFO does not know the bound device ID"));
    default:
        return g_strdup_printf(_("IOMMU_GET_HW_INFO failed: %1$s"),
                               g_strerror(errnum));
    }
}

char *
virIOMMUFDProbeErrorReason(const virIOMMUFDHwInfoResult *res,
                           const char *iommuPath, const char *cdevPath)
{
    switch (res->step) {
    case VIR_IOMMUFD_STEP_NONE:
        return NULL;
    case VIR_IOMMUFD_STEP_OPEN_IOMMU:
        return virIOMMUFDOpenReason(res->errnum, iommuPath, true);
    case VIR_IOMMUFD_STEP_OPEN_CDEV:
        return virIOMMUFDOpenReason(res->errnum, cdevPath, false);
    case VIR_IOMMUFD_STEP_NOT_CHARDEV:
        return g_strdup_printf(_("'%1$s' is not a character device (a link, a FIFO or a file): it was not opened (a captured host tree can only be deep-probed through a test shim)"),
                               res->notChardevIsCdev ? cdevPath : iommuPath);
    case VIR_IOMMUFD_STEP_WRONG_DEVICE:
        return g_strdup_printf(_("'%1$s' is character device %2$u:%3$u, but sysfs gives %4$u:%5$u for this VFIO device: it was not opened"),
                               cdevPath, major(res->foundRdev),
                               minor(res->foundRdev), major(res->expectRdev),
                               minor(res->expectRdev));
    case VIR_IOMMUFD_STEP_BIND:
        return virIOMMUFDBindReason(res->errnum, cdevPath);
    case VIR_IOMMUFD_STEP_HW_INFO:
        return virIOMMUFDHwInfoReason(res->errnum);
    }
    return g_strdup_printf(_("deep probe failed: %1$s"),
                           g_strerror(res->errnum));
}

/* Copy the vendor payload into @out when it is of @type and complete */
static bool
virIOMMUFDHwInfoGetPayload(const virIOMMUFDHwInfoResult *res, unsigned int type,
                           void *out, size_t size)
{
    if (res->dataType != type || res->dataLen < size)
        return false;
    memcpy(out, res->data, size);
    return true;
}

bool
virIOMMUFDHwInfoGetVTd(const virIOMMUFDHwInfoResult *res,
                       virIOMMUHwInfoVTd *vtd)
{
    return virIOMMUFDHwInfoGetPayload(res, VIR_IOMMU_HW_INFO_TYPE_INTEL_VTD,
                                      vtd, sizeof(*vtd));
}

bool
virIOMMUFDHwInfoGetSMMUv3(const virIOMMUFDHwInfoResult *res,
                          virIOMMUHwInfoSMMUv3 *smmu)
{
    return virIOMMUFDHwInfoGetPayload(res, VIR_IOMMU_HW_INFO_TYPE_ARM_SMMUV3,
                                      smmu, sizeof(*smmu));
}

bool
virIOMMUFDHwInfoGetAMD(const virIOMMUFDHwInfoResult *res,
                       virIOMMUHwInfoAMD *amd)
{
    return virIOMMUFDHwInfoGetPayload(res, VIR_IOMMU_HW_INFO_TYPE_AMD,
                                      amd, sizeof(*amd));
}
