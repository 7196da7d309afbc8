/*
 * viriommufd.h: the iommufd deep probe of one VFIO device
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * open /dev/iommu -> open /dev/vfio/devices/vfioN -> VFIO_DEVICE_BIND_IOMMUFD
 * -> IOMMU_GET_HW_INFO -> close both (which undoes the bind). Binding
 * claims DMA ownership of the whole IOMMU group for the duration of the
 * probe, so it must not run while a VM uses the device.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

#include "viriommufd_uapi.h"

typedef enum {
    VIR_IOMMUFD_STEP_NONE = 0,        /* success */
    VIR_IOMMUFD_STEP_OPEN_IOMMU,      /* open /dev/iommu */
    VIR_IOMMUFD_STEP_OPEN_CDEV,       /* open /dev/vfio/devices/vfioN */
    VIR_IOMMUFD_STEP_NOT_CHARDEV,     /* a node that is a plain file */
    VIR_IOMMUFD_STEP_WRONG_DEVICE,    /* the cdev is not the one of sysfs */
    VIR_IOMMUFD_STEP_BIND,            /* VFIO_DEVICE_BIND_IOMMUFD */
    VIR_IOMMUFD_STEP_HW_INFO,         /* IOMMU_GET_HW_INFO */
} virIOMMUFDStep;

typedef struct {
    virIOMMUFDStep step;       /* where it failed, NONE on success */
    int errnum;                /* errno of the failing step */
    bool notChardevIsCdev;     /* NOT_CHARDEV: the VFIO node, not /dev/iommu */
    dev_t foundRdev;           /* WRONG_DEVICE: the node's device number */
    dev_t expectRdev;          /* WRONG_DEVICE: the one sysfs gives */

    unsigned int devId;        /* from the bind */
    unsigned int structSize;   /* IOMMU_GET_HW_INFO size the kernel took */
    unsigned int dataType;     /* out_data_type */
    unsigned int dataLen;      /* payload length the kernel reported */
    guint8 data[VIR_IOMMU_HW_INFO_DATA_MAX];
    unsigned int maxPasidLog2; /* out_max_pasid_log2 (0: none/unknown) */
    guint64 capabilities;      /* out_capabilities (0: none/unknown) */
} virIOMMUFDHwInfoResult;

/* Run the probe sequence with the device nodes @iommuPath and @cdevPath.
 * Each node is checked before it is opened read-write: it must be a
 * character device (not a link, FIFO or file), and @cdevPath must be the
 * device number @cdevRdev that sysfs gives for the VFIO device (0: not
 * checked); the open descriptor must still be that device. Returns 0 on
 * success, -1 with @res->step / @res->errnum set. Never leaves a file
 * descriptor open. */
int virIOMMUFDProbeDevice(const char *iommuPath, const char *cdevPath,
                          dev_t cdevRdev, virIOMMUFDHwInfoResult *res);

/* Translated explanation of a failed probe, for users: names the step,
 * the likely cause for the errno and the fix. */
char *virIOMMUFDProbeErrorReason(const virIOMMUFDHwInfoResult *res,
                                 const char *iommuPath, const char *cdevPath);

/* The vendor payloads of a successful probe; false when the kernel gave
 * another type or too short a payload. */
bool virIOMMUFDHwInfoGetVTd(const virIOMMUFDHwInfoResult *res,
                            virIOMMUHwInfoVTd *vtd);
bool virIOMMUFDHwInfoGetSMMUv3(const virIOMMUFDHwInfoResult *res,
                               virIOMMUHwInfoSMMUv3 *smmu);
bool virIOMMUFDHwInfoGetAMD(const virIOMMUFDHwInfoResult *res,
                            virIOMMUHwInfoAMD *amd);
