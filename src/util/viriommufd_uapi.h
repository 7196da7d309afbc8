/*
 * viriommufd_uapi.h: our own description of the iommufd and VFIO cdev
 *                    kernel interface
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Distribution headers as old as Linux 6.1 have no <linux/iommufd.h> and
 * no VFIO cdev bind in <linux/vfio.h>, so the project carries the layout
 * itself, under its own names. The compile-time checks below pin every
 * size and offset to the kernel ABI; fields added by later kernels are
 * optional at run time (the kernel accepts any struct size above its
 * minimum as long as the bytes it does not know are zero).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

/* All iommufd and VFIO ioctls are _IO(';', nr): no size/direction bits */
#define VIR_IOMMUFD_TYPE                 0x3B
#define VIR_IOMMUFD_IO(nr)               ((unsigned long)((VIR_IOMMUFD_TYPE << 8) | (nr)))

#define VIR_IOMMU_DESTROY                VIR_IOMMUFD_IO(0x80)
#define VIR_IOMMU_IOAS_ALLOC             VIR_IOMMUFD_IO(0x81)
#define VIR_IOMMU_OPTION                 VIR_IOMMUFD_IO(0x87)
#define VIR_IOMMU_HWPT_ALLOC             VIR_IOMMUFD_IO(0x89)
#define VIR_IOMMU_GET_HW_INFO            VIR_IOMMUFD_IO(0x8A)
#define VIR_VFIO_DEVICE_BIND_IOMMUFD     VIR_IOMMUFD_IO(100 + 18)
#define VIR_VFIO_DEVICE_ATTACH_IOMMUFD_PT VIR_IOMMUFD_IO(100 + 19)
#define VIR_VFIO_DEVICE_DETACH_IOMMUFD_PT VIR_IOMMUFD_IO(100 + 20)

G_STATIC_ASSERT(VIR_IOMMU_GET_HW_INFO == 0x3B8A);
G_STATIC_ASSERT(VIR_VFIO_DEVICE_BIND_IOMMUFD == 0x3B76);
G_STATIC_ASSERT(VIR_IOMMU_HWPT_ALLOC == 0x3B89);

/* ---- IOMMU_GET_HW_INFO --------------------------------------------- */

/* enum iommu_hw_info_type */
enum {
    VIR_IOMMU_HW_INFO_TYPE_NONE = 0,
    VIR_IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
    VIR_IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2,
    VIR_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV = 3,
    VIR_IOMMU_HW_INFO_TYPE_AMD = 4,
};

/* out_capabilities bits */
#define VIR_IOMMU_HW_CAP_DIRTY_TRACKING          (1ULL << 0)
#define VIR_IOMMU_HW_CAP_PCI_PASID_EXEC          (1ULL << 1)
#define VIR_IOMMU_HW_CAP_PCI_PASID_PRIV          (1ULL << 2)
#define VIR_IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED   (1ULL << 3)

/* IOMMU_HWPT_ALLOC flags (for the record; a trial allocation is the only
 * authority on which combinations a driver accepts) */
#define VIR_IOMMU_HWPT_ALLOC_NEST_PARENT         (1U << 0)
#define VIR_IOMMU_HWPT_ALLOC_DIRTY_TRACKING      (1U << 1)
#define VIR_IOMMU_HWPT_FAULT_ID_VALID            (1U << 2)
#define VIR_IOMMU_HWPT_ALLOC_PASID               (1U << 3)

/* struct iommu_hw_info; 32 bytes in Linux 6.6, 40 since 6.7 */
typedef struct {
    uint32_t size;
    uint32_t flags;
    uint32_t dev_id;
    uint32_t data_len;
    uint64_t data_uptr;
    uint32_t out_data_type;
    uint8_t out_max_pasid_log2;    /* 6.15+, reserved before */
    uint8_t reserved[3];
    uint64_t out_capabilities;     /* 6.7+ */
} virIOMMUHwInfo;

#define VIR_IOMMU_HW_INFO_SIZE_MIN     32   /* Linux 6.6 */
#define VIR_IOMMU_HW_INFO_SIZE         40

G_STATIC_ASSERT(sizeof(virIOMMUHwInfo) == VIR_IOMMU_HW_INFO_SIZE);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfo, size) == 0);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfo, flags) == 4);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfo, dev_id) == 8);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfo, data_len) == 12);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfo, data_uptr) == 16);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfo, out_data_type) == 24);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfo, out_max_pasid_log2) == 28);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfo, reserved) == 29);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfo, out_capabilities) ==
                VIR_IOMMU_HW_INFO_SIZE_MIN);

/* struct iommu_hw_info_vtd */
typedef struct {
    uint32_t flags;                /* bit0: ERRATA_772415_SPR17 */
    uint32_t reserved;
    uint64_t cap_reg;
    uint64_t ecap_reg;
} virIOMMUHwInfoVTd;

#define VIR_IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17  (1U << 0)

G_STATIC_ASSERT(sizeof(virIOMMUHwInfoVTd) == 24);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfoVTd, cap_reg) == 8);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfoVTd, ecap_reg) == 16);

/* struct iommu_hw_info_arm_smmuv3 */
typedef struct {
    uint32_t flags;
    uint32_t reserved;
    uint32_t idr[6];
    uint32_t iidr;
    uint32_t aidr;
} virIOMMUHwInfoSMMUv3;

G_STATIC_ASSERT(sizeof(virIOMMUHwInfoSMMUv3) == 40);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfoSMMUv3, idr) == 8);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfoSMMUv3, iidr) == 32);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfoSMMUv3, aidr) == 36);

/* struct iommu_hw_info_amd */
typedef struct {
    uint64_t efr;
    uint64_t efr2;
} virIOMMUHwInfoAMD;

G_STATIC_ASSERT(sizeof(virIOMMUHwInfoAMD) == 16);
G_STATIC_ASSERT(offsetof(virIOMMUHwInfoAMD, efr2) == 8);

/* Largest vendor payload we ask for */
#define VIR_IOMMU_HW_INFO_DATA_MAX     64

/* ---- VFIO cdev ------------------------------------------------------ */

/* struct vfio_device_bind_iommufd; 16 bytes in 6.6, 24 with the token */
typedef struct {
    uint32_t argsz;
    uint32_t flags;                /* bit0: VFIO_DEVICE_BIND_FLAG_TOKEN */
    int32_t iommufd;
    uint32_t out_devid;
    uint64_t token_uuid_ptr;
} virVFIODeviceBindIOMMUFD;

#define VIR_VFIO_DEVICE_BIND_SIZE_MIN  16
#define VIR_VFIO_DEVICE_BIND_FLAG_TOKEN (1U << 0)

G_STATIC_ASSERT(sizeof(virVFIODeviceBindIOMMUFD) == 24);
G_STATIC_ASSERT(offsetof(virVFIODeviceBindIOMMUFD, flags) == 4);
G_STATIC_ASSERT(offsetof(virVFIODeviceBindIOMMUFD, iommufd) == 8);
G_STATIC_ASSERT(offsetof(virVFIODeviceBindIOMMUFD, out_devid) == 12);
G_STATIC_ASSERT(offsetof(virVFIODeviceBindIOMMUFD, token_uuid_ptr) ==
                VIR_VFIO_DEVICE_BIND_SIZE_MIN);

/* struct iommu_destroy / iommu_ioas_alloc (for completeness of the ABI
 * pins; the probe itself never allocates) */
typedef struct {
    uint32_t size;
    uint32_t id;
} virIOMMUDestroy;

typedef struct {
    uint32_t size;
    uint32_t flags;
    uint32_t out_ioas_id;
} virIOMMUIOASAlloc;

G_STATIC_ASSERT(sizeof(virIOMMUDestroy) == 8);
G_STATIC_ASSERT(sizeof(virIOMMUIOASAlloc) == 12);
