/*
 * qemu_viommu.c: vIOMMU, iommufd and hostdev on the QEMU side
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Validation mirrors what QEMU checks when it realizes the vIOMMU or
 * attaches a VFIO device (see docs/qemu-rules.md), so that a domain fails
 * before anything starts, with a message naming the XML to change.
 */
#include <string.h>

#include "qemu_viommu.h"
#include "qemu_domain_address.h"
#include "qemu_json.h"
#include "qemu_opaque.h"

#define QEMU_VIOMMU_PASID_BITS_X_PASID_MODE 1

static const char *
qemuViommuModel(const virDomainIOMMUDef *iommu)
{
    return virDomainIOMMUModelTypeToString(iommu->model);
}

static const char *
qemuViommuVersion(const virQEMUCaps *caps)
{
    return virQEMUCapsGetVersionString(caps);
}

static const char *
qemuViommuIOMMUAlias(const virDomainIOMMUDef *iommu)
{
    return iommu->info.alias ? iommu->info.alias : "iommu";
}

/* Does any PCI hostdev sit behind @iommu? Returns the first or NULL. */
static const virDomainHostdevDef *
qemuViommuFirstHostdev(const virDomainDef *def, const virDomainIOMMUDef *iommu)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        if (virDomainHostdevFindIOMMU(def, def->hostdevs[i]) == iommu)
            return def->hostdevs[i];
    }
    return NULL;
}

/* "attribute X needs the QEMU property P, which QEMU V lacks" */
static int
qemuViommuRequireCap(const virDomainIOMMUDef *iommu, const virQEMUCaps *caps,
                     bool used, virQEMUCapsFlags flag, const char *attr,
                     GError **error)
{
    if (!used || virQEMUCapsGet(caps, flag))
        return 0;
    return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                          _("iommu model '%1$s': %2$s needs the QEMU property '%3$s', which QEMU %4$s lacks"),
                          qemuViommuModel(iommu), attr,
                          virQEMUCapsTypeToString(flag), qemuViommuVersion(caps));
}

static int
qemuViommuValidateMachine(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                          const virQEMUCaps *caps, GError **error)
{
    static const virQEMUCapsFlags deviceCap[] = {
        [VIR_DOMAIN_IOMMU_MODEL_INTEL] = QEMU_CAPS_DEVICE_INTEL_IOMMU,
        [VIR_DOMAIN_IOMMU_MODEL_SMMUV3] = QEMU_CAPS_DEVICE_ARM_SMMUV3,
        [VIR_DOMAIN_IOMMU_MODEL_VIRTIO] = QEMU_CAPS_DEVICE_VIRTIO_IOMMU_PCI,
        [VIR_DOMAIN_IOMMU_MODEL_AMD] = QEMU_CAPS_DEVICE_AMD_IOMMU,
    };
    bool q35 = virDomainDefIsQ35(def);
    bool virt = virDomainDefIsVirt(def);
    const char *machine = def->machine ? def->machine : "";

    switch (iommu->model) {
    case VIR_DOMAIN_IOMMU_MODEL_INTEL:
    case VIR_DOMAIN_IOMMU_MODEL_AMD:
        if (!q35)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("iommu model '%1$s' is only supported with Q35 machines, not '%2$s': use <type machine='q35'>"),
                                  qemuViommuModel(iommu), machine);
        break;
    case VIR_DOMAIN_IOMMU_MODEL_SMMUV3:
        if (!virt)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("iommu model 'smmuv3' is only supported with ARM virt machines, not '%1$s': use <type machine='virt'>"),
                                  machine);
        break;
    case VIR_DOMAIN_IOMMU_MODEL_VIRTIO:
        if (!q35 && !virt)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("iommu model 'virtio' is only supported with Q35 and ARM virt machines, not '%1$s'"),
                                  machine);
        break;
    case VIR_DOMAIN_IOMMU_MODEL_LAST:
        return 0;
    }

    /* smmuv3 without pciBus is a machine property, not a device */
    if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_SMMUV3 && iommu->driver.pci_bus < 0) {
        if (!virQEMUCapsGet(caps, QEMU_CAPS_MACHINE_VIRT_IOMMU))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("iommu model 'smmuv3' needs the machine property '%1$s', which QEMU %2$s lacks"),
                                  virQEMUCapsTypeToString(QEMU_CAPS_MACHINE_VIRT_IOMMU),
                                  qemuViommuVersion(caps));
        return 0;
    }
    if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_SMMUV3 &&
        !virQEMUCapsGet(caps, QEMU_CAPS_DEVICE_ARM_SMMUV3_USER))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'smmuv3' with pciBus needs a user-creatable 'arm-smmuv3' device (property 'arm-smmuv3.smmu_per_bus'), which QEMU %1$s lacks; remove pciBus to use the machine's iommu=smmuv3"),
                              qemuViommuVersion(caps));
    if (!virQEMUCapsGet(caps, deviceCap[iommu->model]))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model '%1$s' is not supported by QEMU %2$s: it has no '%3$s' device"),
                              qemuViommuModel(iommu), qemuViommuVersion(caps),
                              virQEMUCapsTypeToString(deviceCap[iommu->model]));
    return 0;
}

/* ---- intel ---------------------------------------------------------------- */

static int
qemuViommuValidateIntelCaps(const virDomainIOMMUDef *iommu, const virQEMUCaps *caps,
                            GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;

    if (qemuViommuRequireCap(iommu, caps, drv->intremap != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_INTEL_IOMMU_INTREMAP, "intremap", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->caching_mode != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_INTEL_IOMMU_CACHING_MODE, "caching_mode", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->eim != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_INTEL_IOMMU_EIM, "eim", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->iotlb != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_INTEL_IOMMU_DEVICE_IOTLB, "iotlb", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, iommu->eff.awBits != 0,
                             QEMU_CAPS_INTEL_IOMMU_AW_BITS, "aw_bits", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->dma_translation != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_INTEL_IOMMU_DMA_TRANSLATION, "dma_translation", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->svm != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_INTEL_IOMMU_SVM, "svm", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->fs1gp != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_INTEL_IOMMU_FS1GP, "fs1gp", error) < 0)
        return -1;

    if (iommu->eff.scalableMode &&
        !virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_SCALABLE_MODE) &&
        !virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_X_SCALABLE_MODE))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'intel': scalable mode needs the QEMU property 'intel-iommu.scalable-mode' (or 'x-scalable-mode'), which QEMU %1$s lacks"),
                              qemuViommuVersion(caps));
    if (iommu->eff.nesting &&
        !virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_FSTS) &&
        !virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_X_FLTS))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'intel': nesting (first-stage translation) needs the QEMU property 'intel-iommu.fsts' (or 'x-flts'), which QEMU %1$s lacks"),
                              qemuViommuVersion(caps));
    return 0;
}

/* Can this binary give the guest a PASID of eff.pasidBits? */
static int
qemuViommuValidateIntelPASID(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                             const virQEMUCaps *caps, GError **error)
{
    unsigned int bits = iommu->eff.pasidBits;

    if (!bits || virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_PASID_BITS))
        return 0;
    if (!virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_X_PASID_MODE))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'intel': PASID needs the QEMU property 'intel-iommu.pasid-bits', which QEMU %1$s lacks"),
                              qemuViommuVersion(caps));
    /* The boolean x-pasid-mode advertises a 1-bit PASID, for emulated
     * devices only: it expresses pasid_bits='1' without assigned devices
     * and nothing else. */
    if (bits != QEMU_VIOMMU_PASID_BITS_X_PASID_MODE)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'intel': a %1$u-bit PASID needs the QEMU property 'intel-iommu.pasid-bits' (QEMU 11.1 or later); QEMU %2$s only has 'x-pasid-mode', which gives a 1-bit PASID to emulated devices"),
                              bits, qemuViommuVersion(caps));
    if (qemuViommuFirstHostdev(def, iommu))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'intel': PASID for assigned devices needs the QEMU property 'intel-iommu.pasid-bits' (QEMU 11.1 or later); QEMU %1$s only has 'x-pasid-mode', for emulated devices"),
                              qemuViommuVersion(caps));
    if (iommu->driver.iotlb == VIR_TRISTATE_SWITCH_ON)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'intel': QEMU %1$s does not support PASID together with iotlb='on' (PASID-based device IOTLB); remove one of them"),
                              qemuViommuVersion(caps));
    return 0;
}

/* QEMU's own realize rules of intel-iommu (vtd_decide_config). */
static int
qemuViommuValidateIntelRealize(const virDomainIOMMUDef *iommu, GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;
    const virDomainIOMMUEffective *eff = &iommu->eff;

    if (eff->nesting && eff->awBits != 48)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'intel': with nesting (first-stage translation) QEMU supports only aw_bits='48', not '%1$u'"),
                              eff->awBits);
    if (!eff->nesting && eff->awBits && eff->awBits != 39 && eff->awBits != 48)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'intel': QEMU supports aw_bits='39' or '48', not '%1$u'"),
                              eff->awBits);
    if (!eff->svm)
        return 0;
    if (drv->iotlb != VIR_TRISTATE_SWITCH_ON)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("iommu model 'intel': svm='on' needs iotlb='on'"));
    if (!eff->nesting)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("iommu model 'intel': svm='on' needs first-stage translation: add nesting='on' (or fsts='on')"));
    if (drv->dma_translation == VIR_TRISTATE_SWITCH_OFF)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("iommu model 'intel': svm='on' contradicts dma_translation='off'"));
    if (!eff->pasidBits)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("iommu model 'intel': svm='on' needs PASID: add pasid='on'"));
    return 0;
}

/* Rules QEMU checks when a VFIO device attaches behind intel-iommu. */
static int
qemuViommuValidateIntelHostdevs(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                                const virQEMUCaps *caps, GError **error)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];
        g_autofree char *label = NULL;
        const virDomainControllerDef *bridge;

        if (virDomainHostdevFindIOMMU(def, hostdev) != iommu)
            continue;
        label = virDomainHostdevLabel(hostdev);
        if (iommu->driver.caching_mode != VIR_TRISTATE_SWITCH_ON)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("hostdev %1$s is assigned behind iommu model 'intel', which needs caching_mode='on' for device assignment; add it to <iommu><driver>"),
                                  label);
        if (!iommu->eff.nesting)
            continue;
        if (!virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_NESTING_VFIO))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("hostdev %1$s: iommu model 'intel' with nesting='on' needs QEMU 11.0 or later for assigned devices; QEMU %2$s has first-stage translation ('x-flts') for emulated devices only and refuses it when a VFIO device attaches"),
                                  label, qemuViommuVersion(caps));
        bridge = hostdev->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI ?
                 virDomainPCIBusFindBridge(def, hostdev->info.pci.bus) : NULL;
        if (bridge)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("hostdev %1$s sits behind the conventional PCI bridge <controller type='pci' index='%2$d' model='%3$s'>; with nesting='on' assigned devices must be on PCIe root or switch ports"),
                                  label, bridge->idx,
                                  virDomainControllerModelPCITypeToString(bridge->model));
    }
    return 0;
}

static int
qemuViommuValidateIntel(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                        const virQEMUCaps *caps, GError **error)
{
    if (qemuViommuValidateIntelCaps(iommu, caps, error) < 0 ||
        qemuViommuValidateIntelPASID(def, iommu, caps, error) < 0 ||
        qemuViommuValidateIntelRealize(iommu, error) < 0 ||
        qemuViommuValidateIntelHostdevs(def, iommu, caps, error) < 0)
        return -1;
    return 0;
}

/* ---- smmuv3 --------------------------------------------------------------- */

static int
qemuViommuValidateSMMUv3Caps(const virDomainIOMMUDef *iommu, const virQEMUCaps *caps,
                             GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;

    if (qemuViommuRequireCap(iommu, caps, iommu->eff.nesting,
                             QEMU_CAPS_ARM_SMMUV3_ACCEL,
                             drv->accel ? "accel" : "nesting", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->ats != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_ARM_SMMUV3_ATS, "ats", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->ril != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_ARM_SMMUV3_RIL, "ril", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->ssidsize >= 0 || iommu->eff.pasidBits,
                             QEMU_CAPS_ARM_SMMUV3_SSIDSIZE,
                             drv->ssidsize >= 0 ? "ssidsize" : "pasid", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->oas >= 0,
                             QEMU_CAPS_ARM_SMMUV3_OAS, "oas", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->cmdqv != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_ARM_SMMUV3_CMDQV, "cmdqv", error) < 0)
        return -1;
    if (drv->oas >= 0 && drv->oas != 44 && drv->oas != 48)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'smmuv3': QEMU implements oas='44' or '48' only, not '%1$d'"),
                              drv->oas);
    return 0;
}

static bool
qemuViommuInfoOnRoot(const virDomainDef *def, const virDomainDeviceInfo *info,
                     int root)
{
    unsigned int bus = info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI ?
                       info->pci.bus : 0;

    return virDomainPCIBusRootComplex(def, bus) == root;
}

/* Alias of a PCI endpoint that is not an assigned device, placed under
 * root complex @root, or NULL. */
static const char *
qemuViommuFindEmulatedEndpoint(const virDomainDef *def, int root)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->bus == VIR_DOMAIN_DISK_BUS_VIRTIO &&
            qemuViommuInfoOnRoot(def, &def->disks[i]->info, root))
            return def->disks[i]->info.alias;
    }
    for (i = 0; i < def->nnets; i++) {
        if (qemuViommuInfoOnRoot(def, &def->nets[i]->info, root))
            return def->nets[i]->info.alias;
    }
    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *ctrl = def->controllers[i];

        if (ctrl->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI ||
            (ctrl->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
             ctrl->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE))
            continue;
        if (qemuViommuInfoOnRoot(def, &ctrl->info, root))
            return ctrl->info.alias;
    }
    if (def->memballoon &&
        def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO &&
        qemuViommuInfoOnRoot(def, &def->memballoon->info, root))
        return def->memballoon->info.alias;
    /* the devices kept opaque that are PCI endpoints (virtio-rng, a
     * virtio-gpu, ...) count as well */
    for (i = 0; i < def->nothers; i++) {
        const virDomainOtherDeviceDef *dev = def->others[i];

        if (qemuOpaqueDevicePCIKind(dev) != QEMU_OPAQUE_PCI_NONE &&
            qemuViommuInfoOnRoot(def, &dev->info, root))
            return dev->info.alias ? dev->info.alias : dev->name;
    }
    return NULL;
}

static bool
qemuViommuSMMUv3AllExplicit(const virDomainIOMMUDef *iommu)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;

    return drv->ats != VIR_TRISTATE_SWITCH_ABSENT &&
           drv->ril != VIR_TRISTATE_SWITCH_ABSENT &&
           drv->oas >= 0 &&
           drv->cmdqv == VIR_TRISTATE_SWITCH_OFF &&
           (drv->ssidsize >= 0 || drv->nesting != VIR_TRISTATE_SWITCH_ABSENT ||
            drv->pasid != VIR_TRISTATE_SWITCH_ABSENT || drv->pasid_bits >= 0);
}

static int
qemuViommuValidateSMMUv3Accel(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                              GError **error)
{
    const char *alias = qemuViommuIOMMUAlias(iommu);
    const char *endpoint;

    if (iommu->driver.pci_bus < 0)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("iommu model 'smmuv3': nesting (accel) needs a pciBus attribute; the machine-wide SMMUv3 cannot be accelerated (add pciBus='0' for pcie.0 or name a pcie-expander-bus)"));
    if (def->virtType != VIR_DOMAIN_VIRT_KVM)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu %1$s (smmuv3) with nesting (accel) needs KVM with an in-kernel irqchip: use <domain type='kvm'>"),
                              alias);
    if (!def->featAcpi ||
        (def->firmware != VIR_DOMAIN_OS_FIRMWARE_EFI && !def->loader))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu %1$s (smmuv3) with nesting (accel) is not supported with device-tree boot: add <acpi/> to <features> and boot UEFI (<os firmware='efi'> or a <loader>)"),
                              alias);
    if ((endpoint = qemuViommuFindEmulatedEndpoint(def, iommu->driver.pci_bus)))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("device '%1$s' is an emulated PCI endpoint on the root complex of iommu %2$s (smmuv3 with nesting), where QEMU allows only assigned devices; give it an <address> on another root complex"),
                              endpoint, alias);
    if (!qemuViommuFirstHostdev(def, iommu) &&
        (iommu->driver.cmdqv == VIR_TRISTATE_SWITCH_ON ||
         !qemuViommuSMMUv3AllExplicit(iommu)))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu %1$s (smmuv3 with nesting) has no assigned device behind it; QEMU takes ats, ril, oas, ssidsize and cmdqv from the first cold-plugged iommufd hostdev, so add one or set ats, ril, oas, ssidsize and cmdqv='off' explicitly"),
                              alias);
    return 0;
}

static int
qemuViommuValidateSMMUv3(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                         const virQEMUCaps *caps, GError **error)
{
    if (qemuViommuValidateSMMUv3Caps(iommu, caps, error) < 0)
        return -1;
    if (iommu->eff.nesting &&
        qemuViommuValidateSMMUv3Accel(def, iommu, error) < 0)
        return -1;
    return 0;
}

/* ---- virtio and amd ----------------------------------------------------- */

static int
qemuViommuValidateOthers(const virDomainDef *def, const virDomainIOMMUDef *iommu,
                         const virQEMUCaps *caps, GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;

    if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_VIRTIO) {
        /* QEMU describes the endpoints behind virtio-iommu to the guest in
         * the ACPI VIOT table; libvirt refuses it without ACPI */
        if (!def->featAcpi)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("IOMMU device: '%1$s' requires ACPI"),
                                  qemuViommuModel(iommu));
        if (qemuViommuRequireCap(iommu, caps, drv->aw_bits != 0,
                                 QEMU_CAPS_VIRTIO_IOMMU_AW_BITS, "aw_bits", error) < 0 ||
            qemuViommuRequireCap(iommu, caps, drv->granule_host || drv->granule_kib,
                                 QEMU_CAPS_VIRTIO_IOMMU_GRANULE, "granule", error) < 0)
            return -1;
        return 0;
    }

    if (!virQEMUCapsGet(caps, QEMU_CAPS_DEVICE_AMDVI_PCI) ||
        !virQEMUCapsGet(caps, QEMU_CAPS_AMD_IOMMU_PCI_ID))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("iommu model 'amd' needs the 'AMDVI-PCI' device and the property 'amd-iommu.pci-id', which QEMU %1$s lacks"),
                              qemuViommuVersion(caps));
    if (qemuViommuRequireCap(iommu, caps, drv->intremap != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_AMD_IOMMU_INTREMAP, "intremap", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->iotlb != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_AMD_IOMMU_DEVICE_IOTLB, "iotlb", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->xtsup != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_AMD_IOMMU_XTSUP, "xtsup", error) < 0 ||
        qemuViommuRequireCap(iommu, caps, drv->passthrough != VIR_TRISTATE_SWITCH_ABSENT,
                             QEMU_CAPS_AMD_IOMMU_PT, "passthrough", error) < 0)
        return -1;
    return 0;
}

int
qemuViommuValidate(const virDomainDef *def, const virQEMUCaps *caps,
                   GError **error)
{
    size_t i;

    for (i = 0; i < def->niommus; i++) {
        const virDomainIOMMUDef *iommu = def->iommus[i];
        int rc = 0;

        if (qemuViommuValidateMachine(def, iommu, caps, error) < 0)
            return -1;
        switch (iommu->model) {
        case VIR_DOMAIN_IOMMU_MODEL_INTEL:
            rc = qemuViommuValidateIntel(def, iommu, caps, error);
            break;
        case VIR_DOMAIN_IOMMU_MODEL_SMMUV3:
            rc = qemuViommuValidateSMMUv3(def, iommu, caps, error);
            break;
        case VIR_DOMAIN_IOMMU_MODEL_VIRTIO:
        case VIR_DOMAIN_IOMMU_MODEL_AMD:
            rc = qemuViommuValidateOthers(def, iommu, caps, error);
            break;
        case VIR_DOMAIN_IOMMU_MODEL_LAST:
            break;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- command line ------------------------------------------------------- */

void
qemuViommuBuildMachineProps(GString *machineOpts, const virDomainDef *def,
                            const virQEMUCaps *caps)
{
    bool intremap = false;
    bool machineSMMU = false;
    size_t i;

    for (i = 0; i < def->niommus; i++) {
        const virDomainIOMMUDef *iommu = def->iommus[i];

        if (iommu->driver.intremap == VIR_TRISTATE_SWITCH_ON &&
            (iommu->model == VIR_DOMAIN_IOMMU_MODEL_INTEL ||
             iommu->model == VIR_DOMAIN_IOMMU_MODEL_AMD))
            intremap = true;
        if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_SMMUV3 &&
            iommu->driver.pci_bus < 0)
            machineSMMU = true;
    }
    /* <ioapic driver='qemu'/> brings kernel_irqchip=split with it already;
     * like libvirt, interrupt remapping implies the split irqchip too. */
    if (intremap && def->ioapic != VIR_DOMAIN_IOAPIC_QEMU)
        g_string_append(machineOpts, ",kernel_irqchip=split");
    if (machineSMMU && virQEMUCapsGet(caps, QEMU_CAPS_MACHINE_VIRT_IOMMU))
        g_string_append(machineOpts, ",iommu=smmuv3");
}

static void
qemuViommuAddSwitchString(qemuJSONProps *props, const char *key, virTristateSwitch s)
{
    if (s != VIR_TRISTATE_SWITCH_ABSENT)
        qemuJSONPropsAddString(props, key, virTristateSwitchTypeToString(s));
}

static void
qemuViommuAddSwitchBool(qemuJSONProps *props, const char *key, virTristateSwitch s)
{
    if (s != VIR_TRISTATE_SWITCH_ABSENT)
        qemuJSONPropsAddBool(props, key, s == VIR_TRISTATE_SWITCH_ON);
}

/* The binary's name for a renamed property: the new one when present. */
static const char *
qemuViommuPropName(const virQEMUCaps *caps, virQEMUCapsFlags newFlag,
                   virQEMUCapsFlags oldFlag)
{
    const char *name = virQEMUCapsTypeToString(virQEMUCapsGet(caps, newFlag) ?
                                               newFlag : oldFlag);
    const char *dot = strchr(name, '.');

    return dot ? dot + 1 : name;
}

static void
qemuViommuBuildIntelProps(qemuJSONProps *props, const virDomainIOMMUDef *iommu,
                          const virQEMUCaps *caps)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;
    const virDomainIOMMUEffective *eff = &iommu->eff;

    qemuViommuAddSwitchString(props, "intremap", drv->intremap);
    qemuViommuAddSwitchBool(props, "caching-mode", drv->caching_mode);
    qemuViommuAddSwitchString(props, "eim", drv->eim);
    qemuViommuAddSwitchBool(props, "device-iotlb", drv->iotlb);
    if (eff->awBits)
        qemuJSONPropsAddUInt(props, "aw-bits", eff->awBits);
    qemuViommuAddSwitchBool(props, "dma-translation", drv->dma_translation);

    if (eff->scalableMode || drv->scalable_mode == VIR_TRISTATE_SWITCH_OFF)
        qemuJSONPropsAddBool(props,
                             qemuViommuPropName(caps, QEMU_CAPS_INTEL_IOMMU_SCALABLE_MODE,
                                                QEMU_CAPS_INTEL_IOMMU_X_SCALABLE_MODE),
                             eff->scalableMode);
    if (eff->nesting || drv->fsts == VIR_TRISTATE_SWITCH_OFF)
        qemuJSONPropsAddBool(props,
                             qemuViommuPropName(caps, QEMU_CAPS_INTEL_IOMMU_FSTS,
                                                QEMU_CAPS_INTEL_IOMMU_X_FLTS),
                             eff->nesting);
    qemuViommuAddSwitchBool(props, "fs1gp", drv->fs1gp);

    if (virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_PASID_BITS)) {
        if (eff->pasidBits || drv->pasid_bits == 0)
            qemuJSONPropsAddUInt(props, "pasid-bits", eff->pasidBits);
    } else if (eff->pasidBits) {
        qemuJSONPropsAddBool(props, "x-pasid-mode", true);
    }
    qemuViommuAddSwitchBool(props, "svm", drv->svm);
}

static void
qemuViommuBuildSMMUv3Props(qemuJSONProps *props, const virDomainDef *def,
                           const virDomainIOMMUDef *iommu)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;
    g_autofree char *ssid = NULL;
    /* The extension pins the PASID width: never left to the host. */
    bool pinSSID = drv->ssidsize >= 0 || drv->pasid != VIR_TRISTATE_SWITCH_ABSENT ||
                   drv->pasid_bits >= 0 || drv->nesting == VIR_TRISTATE_SWITCH_ON;

    qemuJSONPropsAddString(props, "primary-bus",
                           qemuDomainPCIBusAlias(def, drv->pci_bus));
    qemuJSONPropsAddString(props, "id", iommu->info.alias);
    if (iommu->eff.nesting || drv->accel == VIR_TRISTATE_SWITCH_OFF)
        qemuJSONPropsAddBool(props, "accel", iommu->eff.nesting);
    qemuViommuAddSwitchString(props, "ats", drv->ats);
    qemuViommuAddSwitchString(props, "ril", drv->ril);
    if (pinSSID && iommu->eff.nesting) {
        ssid = g_strdup_printf("%u", iommu->eff.pasidBits);
        qemuJSONPropsAddString(props, "ssidsize", ssid);
    }
    if (drv->oas >= 0) {
        g_autofree char *oas = g_strdup_printf("%d", drv->oas);
        qemuJSONPropsAddString(props, "oas", oas);
    }
    qemuViommuAddSwitchString(props, "cmdqv", drv->cmdqv);
}

static void
qemuViommuBuildVirtio(GPtrArray *args, const virDomainDef *def,
                      const virDomainIOMMUDef *iommu)
{
    g_autoptr(qemuJSONProps) props = qemuJSONPropsNew();
    const virDomainIOMMUDriverDef *drv = &iommu->driver;

    qemuJSONPropsAddString(props, "driver", "virtio-iommu");
    qemuJSONPropsAddString(props, "id", iommu->info.alias);
    if (drv->aw_bits)
        qemuJSONPropsAddUInt(props, "aw-bits", drv->aw_bits);
    if (drv->granule_host) {
        qemuJSONPropsAddString(props, "granule", "host");
    } else if (drv->granule_kib) {
        g_autofree char *g = g_strdup_printf("%uk", drv->granule_kib);
        qemuJSONPropsAddString(props, "granule", g);
    }
    qemuDomainDeviceInfoProps(props, def, &iommu->info);
    qemuJSONPropsAppendArg(args, "-device", props);
}

static void
qemuViommuBuildAMD(GPtrArray *args, const virDomainDef *def,
                   const virDomainIOMMUDef *iommu)
{
    g_autoptr(qemuJSONProps) pci = qemuJSONPropsNew();
    g_autoptr(qemuJSONProps) props = qemuJSONPropsNew();
    const virDomainIOMMUDriverDef *drv = &iommu->driver;

    qemuJSONPropsAddString(pci, "driver", "AMDVI-PCI");
    qemuJSONPropsAddString(pci, "id", iommu->info.alias);
    qemuDomainDeviceInfoProps(pci, def, &iommu->info);
    qemuJSONPropsAppendArg(args, "-device", pci);

    qemuJSONPropsAddString(props, "driver", "amd-iommu");
    qemuJSONPropsAddString(props, "pci-id", iommu->info.alias);
    qemuViommuAddSwitchString(props, "intremap", drv->intremap);
    qemuViommuAddSwitchBool(props, "pt", drv->passthrough);
    qemuViommuAddSwitchBool(props, "xtsup", drv->xtsup);
    qemuViommuAddSwitchBool(props, "device-iotlb", drv->iotlb);
    qemuJSONPropsAppendArg(args, "-device", props);
}

int
qemuViommuBuildIOMMUCommandLine(GPtrArray *args, const virDomainDef *def,
                                const virQEMUCaps *caps, GError **error)
{
    size_t i;

    for (i = 0; i < def->niommus; i++) {
        const virDomainIOMMUDef *iommu = def->iommus[i];
        g_autoptr(qemuJSONProps) props = NULL;

        switch (iommu->model) {
        case VIR_DOMAIN_IOMMU_MODEL_INTEL:
            props = qemuJSONPropsNew();
            qemuJSONPropsAddString(props, "driver", "intel-iommu");
            qemuJSONPropsAddString(props, "id", iommu->info.alias);
            qemuViommuBuildIntelProps(props, iommu, caps);
            qemuJSONPropsAppendArg(args, "-device", props);
            break;
        case VIR_DOMAIN_IOMMU_MODEL_SMMUV3:
            if (iommu->driver.pci_bus < 0)
                break;  /* machine property, see qemuViommuBuildMachineProps */
            if (!qemuDomainPCIBusAlias(def, iommu->driver.pci_bus))
                return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                                      _("Could not find a suitable controller for smmuv3 (pciBus='%1$d')"),
                                      iommu->driver.pci_bus);
            props = qemuJSONPropsNew();
            qemuJSONPropsAddString(props, "driver", "arm-smmuv3");
            qemuViommuBuildSMMUv3Props(props, def, iommu);
            qemuJSONPropsAppendArg(args, "-device", props);
            break;
        case VIR_DOMAIN_IOMMU_MODEL_VIRTIO:
            qemuViommuBuildVirtio(args, def, iommu);
            break;
        case VIR_DOMAIN_IOMMU_MODEL_AMD:
            qemuViommuBuildAMD(args, def, iommu);
            break;
        case VIR_DOMAIN_IOMMU_MODEL_LAST:
            break;
        }
    }
    return 0;
}

/* The iommufd object: its fd comes from libvirt (/dev/iommu) or, with
 * fdgroup, from the descriptor a client associated with the domain. */
static void
qemuViommuBuildIOMMUFDObject(GPtrArray *args, const virDomainDef *def)
{
    g_autoptr(qemuJSONProps) props = qemuJSONPropsNew();
    g_autofree char *fd = NULL;

    if (def->iommufdFdgroup)
        fd = g_strdup_printf("@%s-0@-dup", def->iommufdFdgroup);
    else
        fd = g_strdup("@iommufd-fd@");
    qemuJSONPropsAddString(props, "qom-type", "iommufd");
    qemuJSONPropsAddString(props, "id", "iommufd0");
    qemuJSONPropsAddString(props, "fd", fd);
    qemuJSONPropsAppendArg(args, "-object", props);
}

static void
qemuViommuBuildHostdev(GPtrArray *args, const virDomainDef *def,
                       const virDomainHostdevDef *hostdev)
{
    g_autoptr(qemuJSONProps) props = qemuJSONPropsNew();
    const virDomainDeviceInfo *info = &hostdev->info;

    /* a boot framebuffer (ramfb) cannot be unplugged: libvirt then uses
     * the variant of vfio-pci without hot-plug */
    qemuJSONPropsAddString(props, "driver",
                           hostdev->ramfb == VIR_TRISTATE_SWITCH_ON ?
                           "vfio-pci-nohotplug" : "vfio-pci");
    if (virDomainHostdevUsesIOMMUFD(def, hostdev)) {
        g_autofree char *fd = g_strdup_printf("@hostdev-%s-fd@", info->alias);
        qemuJSONPropsAddString(props, "id", info->alias);
        qemuJSONPropsAddString(props, "iommufd", "iommufd0");
        qemuJSONPropsAddString(props, "fd", fd);
    } else {
        /* the host address in any PCI domain, e.g. "0021:de:1f.1" */
        g_autofree char *host = virPCIDeviceAddressAsString(&hostdev->source);
        qemuJSONPropsAddString(props, "host", host);
        qemuJSONPropsAddString(props, "id", info->alias);
    }
    if (hostdev->display != VIR_TRISTATE_SWITCH_ABSENT)
        qemuJSONPropsAddString(props, "display",
                               virTristateSwitchTypeToString(hostdev->display));
    if (hostdev->ramfb != VIR_TRISTATE_SWITCH_ABSENT)
        qemuJSONPropsAddBool(props, "ramfb", hostdev->ramfb == VIR_TRISTATE_SWITCH_ON);
    qemuDomainDeviceInfoProps(props, def, info);
    if (hostdev->romBar != VIR_TRISTATE_SWITCH_ABSENT)
        qemuJSONPropsAddUInt(props, "rombar", hostdev->romBar == VIR_TRISTATE_SWITCH_ON);
    if (hostdev->romFile)
        qemuJSONPropsAddString(props, "romfile", hostdev->romFile);
    if (hostdev->vpasidCapOffsetSet)
        qemuJSONPropsAddUInt(props, "x-vpasid-cap-offset", hostdev->vpasidCapOffset);
    qemuJSONPropsAppendArg(args, "-device", props);
}

int
qemuViommuBuildHostdevCommandLine(GPtrArray *args, const virDomainDef *def,
                                  const virQEMUCaps *caps, GError **error)
{
    bool haveObject = false;
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];

        if (!hostdev->info.alias)
            return virReportError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                                  _("hostdev without an alias"));
        if (!haveObject && virDomainHostdevUsesIOMMUFD(def, hostdev)) {
            qemuViommuBuildIOMMUFDObject(args, def);
            haveObject = true;
        }
    }
    for (i = 0; i < def->nhostdevs; i++) {
        /* detached from the host and kept, but not given to the guest */
        if (virDomainHostdevIsUnassigned(def->hostdevs[i]))
            continue;
        qemuViommuBuildHostdev(args, def, def->hostdevs[i]);
    }
    return 0;
}

/* ---- the host, device by device ----------------------------------------- */

static const char *
qemuViommuFeatureName(virHostIOMMUFeature feature)
{
    return virHostIOMMUFeatureTypeToString(feature);
}

/* @what: the XML that needs the feature, e.g. "nesting='on'" */
static int
qemuViommuRequireHostFeature(const virHostIOMMUUnit *unit,
                             virHostIOMMUFeature feature,
                             const char *label, const char *what,
                             GError **error)
{
    const virHostIOMMUFeatureInfo *info = &unit->features[feature];
    const char *reason = info->reason ? info->reason : _("no reason recorded");

    switch (info->state) {
    case VIR_HOST_IOMMU_FACT_YES:
        return 0;
    case VIR_HOST_IOMMU_FACT_UNKNOWN:
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: cannot tell whether host IOMMU %2$s supports %3$s, which %4$s needs: %5$s"),
                              label, unit->name, qemuViommuFeatureName(feature),
                              what, reason);
    case VIR_HOST_IOMMU_FACT_NO:
    case VIR_HOST_IOMMU_FACT_LAST:
        break;
    }
    return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                          _("hostdev %1$s: host IOMMU %2$s does not support %3$s, which %4$s needs: %5$s"),
                          label, unit->name, qemuViommuFeatureName(feature),
                          what, reason);
}

static int
qemuViommuValidateHostDevice(const virDomainDef *def,
                             const virDomainHostdevDef *hostdev,
                             const virHostIOMMUDevice *dev,
                             const virHostIOMMU *host,
                             const char *label, GError **error)
{
    bool iommufd = virDomainHostdevUsesIOMMUFD(def, hostdev);
    bool vfio = g_strcmp0(dev->driver, "vfio-pci") == 0 || dev->vfioCdev;

    if (!dev->present)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: the host PCI device does not exist on this host; fix <source><address>"),
                              label);
    if (!dev->unit)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: the host device is not behind any IOMMU, so it cannot be assigned; enable the host IOMMU (e.g. intel_iommu=on)"),
                              label);
    if (hostdev->managed == VIR_TRISTATE_BOOL_NO && !vfio)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s has managed='no' but the host device is bound to '%2$s', not vfio-pci; bind it to vfio-pci or set managed='yes'"),
                              label, dev->driver ? dev->driver : _("no driver"));
    if (!iommufd)
        return 0;
    if (!host->iommufd)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s uses iommufd, but IOMMUFD is not supported by the host kernel (%2$s); load the iommufd module or use <driver iommufd='no'/>"),
                              label, host->iommufdReason ? host->iommufdReason : _("no /dev/iommu"));
    if (vfio && !dev->vfioCdev)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s uses iommufd, but the host device has no VFIO character device (vfio-dev/vfioN): the kernel lacks CONFIG_VFIO_DEVICE_CDEV; use <driver iommufd='no'/>"),
                              label);
    return 0;
}

/* The PASID width fits the unit and the device's own PASID capability. */
static int
qemuViommuValidateHostPASID(const virHostIOMMUUnit *unit,
                            const virHostIOMMUDevice *dev,
                            unsigned int bits, const char *label,
                            GError **error)
{
    g_autofree char *what = g_strdup_printf("pasid_bits='%u'", bits);

    if (qemuViommuRequireHostFeature(unit, VIR_HOST_IOMMU_FEATURE_PASID,
                                     label, what, error) < 0)
        return -1;
    if (unit->pasidWidth && unit->pasidWidth < bits)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: the guest PASID width %2$u exceeds the %3$u bits host IOMMU %4$s supports; set pasid_bits='%3$u' or less"),
                              label, bits, unit->pasidWidth, unit->name);
    if (dev->pasid.present && dev->pasid.maxWidth < bits)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: the guest PASID width %2$u exceeds the device's own PASID capability (%3$u bits); set pasid_bits='%3$u' or less"),
                              label, bits, dev->pasid.maxWidth);
    return 0;
}

static int
qemuViommuValidateHostATS(const virHostIOMMUUnit *unit,
                          const virHostIOMMUDevice *dev,
                          const char *what, const char *label, GError **error)
{
    if (qemuViommuRequireHostFeature(unit, VIR_HOST_IOMMU_FEATURE_DEVICE_TLB,
                                     label, what, error) < 0)
        return -1;
    if (dev->capsKnown && !dev->ats)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: %2$s needs ATS, but the device has no ATS capability"),
                              label, what);
    return 0;
}

/* nesting='on' behind intel-iommu: the unit must do nested translation */
static int
qemuViommuValidateHostIntelNesting(const virDomainIOMMUDef *iommu,
                                   const virHostIOMMUUnit *unit,
                                   const virHostIOMMUDevice *dev,
                                   const char *label, GError **error)
{
    const virDomainIOMMUEffective *eff = &iommu->eff;
    static const virHostIOMMUFeature nestingNeeds[] = {
        VIR_HOST_IOMMU_FEATURE_SCALABLE_MODE, VIR_HOST_IOMMU_FEATURE_NESTING,
        VIR_HOST_IOMMU_FEATURE_FIRST_STAGE, VIR_HOST_IOMMU_FEATURE_SECOND_STAGE,
    };
    size_t i;

    if (unit->type != VIR_HOST_IOMMU_TYPE_INTEL_VTD)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s is behind host IOMMU %2$s of type '%3$s', but nesting with iommu model 'intel' needs an Intel VT-d host IOMMU"),
                              label, unit->name, virHostIOMMUTypeTypeToString(unit->type));
    for (i = 0; i < G_N_ELEMENTS(nestingNeeds); i++) {
        if (qemuViommuRequireHostFeature(unit, nestingNeeds[i], label,
                                         "nesting='on'", error) < 0)
            return -1;
    }
    if (eff->fs1gp &&
        qemuViommuRequireHostFeature(unit, VIR_HOST_IOMMU_FEATURE_FS1GP, label,
                                     "first-stage 1 GiB pages (fs1gp, on by default; set fs1gp='off')",
                                     error) < 0)
        return -1;
    if (eff->pasidBits &&
        qemuViommuValidateHostPASID(unit, dev, eff->pasidBits, label, error) < 0)
        return -1;
    return 0;
}

static int
qemuViommuValidateHostIntel(const virDomainIOMMUDef *iommu,
                            const virHostIOMMUUnit *unit,
                            const virHostIOMMUDevice *dev,
                            const char *label, GError **error)
{
    /* QEMU's default for current machine types when aw_bits is absent */
    unsigned int aw = iommu->eff.awBits ? iommu->eff.awBits : 48;

    if (iommu->eff.nesting &&
        qemuViommuValidateHostIntelNesting(iommu, unit, dev, label, error) < 0)
        return -1;
    if (unit->addressWidthMax && aw > unit->addressWidthMax)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: the vIOMMU address width %2$u bits exceeds the %3$u bits of host IOMMU %4$s; set aw_bits='%3$u'"),
                              label, aw, unit->addressWidthMax, unit->name);
    if (iommu->driver.iotlb == VIR_TRISTATE_SWITCH_ON &&
        qemuViommuValidateHostATS(unit, dev, "iotlb='on'", label, error) < 0)
        return -1;
    return 0;
}

static int
qemuViommuValidateHostSMMUv3(const virDomainIOMMUDef *iommu,
                             const virHostIOMMUUnit *unit,
                             const virHostIOMMUDevice *dev,
                             const char *label, GError **error)
{
    const virDomainIOMMUDriverDef *drv = &iommu->driver;

    if (!iommu->eff.nesting)
        return 0;
    if (unit->type != VIR_HOST_IOMMU_TYPE_ARM_SMMUV3)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s is behind host IOMMU %2$s of type '%3$s', but nesting with iommu model 'smmuv3' needs an ARM SMMUv3 host IOMMU"),
                              label, unit->name, virHostIOMMUTypeTypeToString(unit->type));
    if (qemuViommuRequireHostFeature(unit, VIR_HOST_IOMMU_FEATURE_NESTING, label,
                                     "nesting='on' (accel)", error) < 0)
        return -1;
    if (iommu->eff.pasidBits &&
        qemuViommuValidateHostPASID(unit, dev, iommu->eff.pasidBits, label, error) < 0)
        return -1;
    if (drv->ats == VIR_TRISTATE_SWITCH_ON &&
        qemuViommuValidateHostATS(unit, dev, "ats='on'", label, error) < 0)
        return -1;
    if (drv->ril == VIR_TRISTATE_SWITCH_ON &&
        qemuViommuRequireHostFeature(unit, VIR_HOST_IOMMU_FEATURE_RIL, label,
                                     "ril='on'", error) < 0)
        return -1;
    if (drv->oas > 0 && unit->smmuOAS && (unsigned int)drv->oas > unit->smmuOAS)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: oas='%2$d' exceeds the %3$u-bit output address size of host IOMMU %4$s; set oas='%3$u' or less"),
                              label, drv->oas, unit->smmuOAS, unit->name);
    return 0;
}

/* One hostdev against the host; @label for messages */
static int
qemuViommuValidateHostOne(const virDomainDef *def,
                          const virDomainHostdevDef *hostdev,
                          const virHostIOMMU *host, GError **error)
{
    g_autofree char *label = virDomainHostdevLabel(hostdev);
    g_autofree char *addr = virPCIDeviceAddressAsString(&hostdev->source);
    const virHostIOMMUDevice *dev = virHostIOMMUFindDevice(host, addr);
    const virDomainIOMMUDef *iommu = virDomainHostdevFindIOMMU(def, hostdev);
    const virHostIOMMUUnit *unit;

    if (!dev)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: the host PCI device was not probed; pass a host description that includes it"),
                              label);
    if (qemuViommuValidateHostDevice(def, hostdev, dev, host, label, error) < 0)
        return -1;
    if (!iommu)
        return 0;
    if (!(unit = virHostIOMMUFindUnit(host, dev->unit)))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("hostdev %1$s: host IOMMU unit '%2$s' is not described"),
                              label, dev->unit);
    switch (iommu->model) {
    case VIR_DOMAIN_IOMMU_MODEL_INTEL:
        return qemuViommuValidateHostIntel(iommu, unit, dev, label, error);
    case VIR_DOMAIN_IOMMU_MODEL_SMMUV3:
        return qemuViommuValidateHostSMMUv3(iommu, unit, dev, label, error);
    case VIR_DOMAIN_IOMMU_MODEL_VIRTIO:
    case VIR_DOMAIN_IOMMU_MODEL_AMD:
    case VIR_DOMAIN_IOMMU_MODEL_LAST:
        break;
    }
    return 0;
}

int
qemuViommuValidateHost(const virDomainDef *def, const virHostIOMMU *host,
                       GError **error)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        if (qemuViommuValidateHostOne(def, def->hostdevs[i], host, error) < 0)
            return -1;
    }
    return 0;
}

/* ---- explain -------------------------------------------------------------- */

static const char *const qemuViommuFlagNames[] = {
    "WANT_NESTING_PARENT", "PASID_SUPPORTED",
    "WANT_NESTING_DIRTY_TRACKING", "WANT_PASID_ATTACH",
};

static const char *const qemuHWPTFlagNames[] = {
    "NEST_PARENT", "DIRTY_TRACKING", NULL, "PASID",
};

static void
qemuViommuExplainDeviceFree(qemuViommuExplainDevice *dev)
{
    g_free(dev->alias);
    g_free(dev->address);
    g_free(dev->iommuAlias);
    g_free(dev->iommuModel);
    g_free(dev->hostUnit);
    g_free(dev->hostUnitType);
    g_free(dev->reason);
    g_ptr_array_unref(dev->notes);
    g_free(dev);
}

void
qemuViommuExplanationFree(qemuViommuExplanation *expl)
{
    size_t i;

    if (!expl)
        return;
    for (i = 0; i < expl->ndevices; i++)
        qemuViommuExplainDeviceFree(expl->devices[i]);
    g_free(expl->devices);
    for (i = 0; i < expl->nguestViews; i++)
        qemuViommuGuestViewFree(expl->guestViews[i]);
    g_free(expl->guestViews);
    g_free(expl);
}

/* What the vIOMMU reports to VFIO: from its configuration alone. */
static unsigned int
qemuViommuFlagsFor(const virDomainIOMMUDef *iommu, const virQEMUCaps *caps,
                   GPtrArray *notes)
{
    unsigned int flags = 0;

    if (!iommu || !iommu->eff.nesting)
        return 0;
    switch (iommu->model) {
    case VIR_DOMAIN_IOMMU_MODEL_INTEL:
        if (!virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_NESTING_VFIO)) {
            g_ptr_array_add(notes, g_strdup_printf(_("QEMU %s has no vIOMMU flags: first-stage translation is for emulated devices only"),
                                                   virQEMUCapsGetVersionString(caps)));
            return 0;
        }
        flags = QEMU_VIOMMU_FLAG_WANT_NESTING_PARENT |
                QEMU_VIOMMU_FLAG_WANT_NESTING_DIRTY_TRACKING;
        if (iommu->eff.pasidBits && virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_PASID_VFIO))
            flags |= QEMU_VIOMMU_FLAG_PASID_SUPPORTED | QEMU_VIOMMU_FLAG_WANT_PASID_ATTACH;
        break;
    case VIR_DOMAIN_IOMMU_MODEL_SMMUV3:
        flags = QEMU_VIOMMU_FLAG_WANT_NESTING_PARENT;
        if (iommu->eff.pasidBits)
            flags |= QEMU_VIOMMU_FLAG_PASID_SUPPORTED;
        else if (iommu->driver.ssidsize < 0 && iommu->driver.nesting == VIR_TRISTATE_SWITCH_ABSENT &&
                 iommu->driver.pasid == VIR_TRISTATE_SWITCH_ABSENT && iommu->driver.pasid_bits < 0)
            g_ptr_array_add(notes, g_strdup(_("ssidsize is left to QEMU ('auto'): PASID_SUPPORTED then follows the host SMMUv3; set pasid or ssidsize to make it part of the configuration")));
        break;
    case VIR_DOMAIN_IOMMU_MODEL_VIRTIO:
    case VIR_DOMAIN_IOMMU_MODEL_AMD:
    case VIR_DOMAIN_IOMMU_MODEL_LAST:
        break;
    }
    return flags;
}

/* Host dirty tracking for this device: the kernel's own verdict from
 * IOMMU_GET_HW_INFO when deep-probed, else the unit's register bits. */
static bool
qemuViommuHostDirtyTracking(const virHostIOMMUDevice *dev,
                            const virHostIOMMUUnit *unit)
{
    if (dev && dev->deep.probed && !dev->deep.error)
        return dev->deep.capabilities & 1;
    return unit && unit->features[VIR_HOST_IOMMU_FEATURE_DIRTY_TRACKING].state ==
                   VIR_HOST_IOMMU_FACT_YES;
}

static unsigned int
qemuViommuHWPTFlagsFor(unsigned int viommuFlags, bool iommufd, bool hostDirty)
{
    unsigned int flags = 0;
    bool nesting = viommuFlags & QEMU_VIOMMU_FLAG_WANT_NESTING_PARENT;

    if (!iommufd)
        return 0;
    if (nesting)
        flags |= QEMU_HWPT_ALLOC_NEST_PARENT;
    if (hostDirty &&
        (!nesting || (viommuFlags & QEMU_VIOMMU_FLAG_WANT_NESTING_DIRTY_TRACKING)))
        flags |= QEMU_HWPT_ALLOC_DIRTY_TRACKING;
    if (viommuFlags & QEMU_VIOMMU_FLAG_WANT_PASID_ATTACH)
        flags |= QEMU_HWPT_ALLOC_PASID;
    return flags;
}

static void
qemuViommuExplainHost(qemuViommuExplainDevice *ed, const virDomainDef *def,
                      const virDomainHostdevDef *hostdev,
                      const virHostIOMMU *host)
{
    g_autoptr(GError) err = NULL;
    const virHostIOMMUDevice *dev = virHostIOMMUFindDevice(host, ed->address);
    const virHostIOMMUUnit *unit = dev && dev->unit ?
                                   virHostIOMMUFindUnit(host, dev->unit) : NULL;

    if (unit) {
        ed->hostUnit = g_strdup(unit->name);
        ed->hostUnitType = g_strdup(virHostIOMMUTypeTypeToString(unit->type));
    }
    ed->hwptFlags = qemuViommuHWPTFlagsFor(ed->viommuFlags, ed->iommufd,
                                           qemuViommuHostDirtyTracking(dev, unit));
    ed->supported = qemuViommuValidateHostOne(def, hostdev, host, &err) == 0;
    if (err)
        ed->reason = g_strdup(err->message);
    if (dev && ed->pasidBits && !dev->pasid.present)
        g_ptr_array_add(ed->notes, g_strdup(_("the device has no PASID capability: the guest sees none on this device")));
    if ((ed->hwptFlags & QEMU_HWPT_ALLOC_DIRTY_TRACKING) &&
        (ed->hwptFlags & QEMU_HWPT_ALLOC_PASID))
        g_ptr_array_add(ed->notes, g_strdup(_("the nesting parent gets dirty tracking and PASID: the kernel may refuse guest PASID attaches to a dirty-tracking parent (host-dependent, verify on hardware)")));
}

qemuViommuExplanation *
qemuViommuExplain(const virDomainDef *def, const virQEMUCaps *caps,
                  const virHostIOMMU *host)
{
    qemuViommuExplanation *expl = g_new0(qemuViommuExplanation, 1);
    size_t i;

    expl->devices = g_new0(qemuViommuExplainDevice *, def->nhostdevs + 1);
    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];
        const virDomainIOMMUDef *iommu = virDomainHostdevFindIOMMU(def, hostdev);
        qemuViommuExplainDevice *ed = g_new0(qemuViommuExplainDevice, 1);

        ed->notes = g_ptr_array_new_with_free_func(g_free);
        ed->alias = g_strdup(hostdev->info.alias);
        ed->address = virPCIDeviceAddressAsString(&hostdev->source);
        ed->iommufd = virDomainHostdevUsesIOMMUFD(def, hostdev);
        if (iommu) {
            ed->iommuAlias = g_strdup(iommu->info.alias);
            ed->iommuModel = g_strdup(qemuViommuModel(iommu));
            ed->pasidBits = iommu->eff.pasidBits;
        }
        ed->viommuFlags = qemuViommuFlagsFor(iommu, caps, ed->notes);
        if (!ed->iommufd)
            g_ptr_array_add(ed->notes, g_strdup(_("legacy VFIO container: VFIO allocates no HWPT")));
        if (host) {
            qemuViommuExplainHost(ed, def, hostdev, host);
        } else {
            ed->hwptFlags = qemuViommuHWPTFlagsFor(ed->viommuFlags, ed->iommufd, false);
            ed->reason = g_strdup(_("the host was not checked"));
        }
        expl->devices[expl->ndevices++] = ed;
    }
    expl->guestViews = g_new0(qemuViommuGuestView *, def->niommus + 1);
    for (i = 0; i < def->niommus; i++)
        expl->guestViews[expl->nguestViews++] = qemuViommuGuestViewNew(def, def->iommus[i], caps);
    return expl;
}

static char *
qemuViommuFlagsString(unsigned int flags, const char *const *names, size_t nnames)
{
    g_autoptr(GString) str = g_string_new(NULL);
    size_t i;

    for (i = 0; i < nnames; i++) {
        if (!(flags & (1u << i)) || !names[i])
            continue;
        if (str->len)
            g_string_append_c(str, '|');
        g_string_append(str, names[i]);
    }
    if (!str->len)
        g_string_append(str, "none");
    return g_string_free(g_steal_pointer(&str), FALSE);
}

/* What the guest's kernel will read from one vIOMMU */
static void
qemuViommuGuestViewFormatText(GString *out, const qemuViommuGuestView *view)
{
    size_t i;

    g_string_append_printf(out, _("%1$s %2$s: the guest's view\n"), view->alias,
                           virDomainIOMMUModelTypeToString(view->model));
    if (!view->nfields)
        g_string_append_printf(out, "  %s\n",
                               _("no register fields decided by the configuration"));
    for (i = 0; i < view->nfields; i++) {
        const qemuViommuGuestField *f = &view->fields[i];
        g_autofree char *value = qemuViommuGuestFormatValue(f->name, f->value);

        g_string_append_printf(out, "  %-18s %-5s %s\n", f->name, value, _(f->cause));
    }
}

char *
qemuViommuExplanationFormatText(const qemuViommuExplanation *expl)
{
    g_autoptr(GString) out = g_string_new(NULL);
    size_t i, j;

    if (!expl->ndevices)
        g_string_append(out, _("no assigned PCI devices\n"));
    for (i = 0; i < expl->ndevices; i++) {
        const qemuViommuExplainDevice *ed = expl->devices[i];
        g_autofree char *vf = qemuViommuFlagsString(ed->viommuFlags, qemuViommuFlagNames,
                                                    G_N_ELEMENTS(qemuViommuFlagNames));
        g_autofree char *hf = qemuViommuFlagsString(ed->hwptFlags, qemuHWPTFlagNames,
                                                    G_N_ELEMENTS(qemuHWPTFlagNames));

        g_string_append_printf(out, "%s %s\n", ed->alias, ed->address);
        g_string_append_printf(out, "  %-18s %s\n", _("vIOMMU:"),
                               ed->iommuAlias ? ed->iommuAlias : _("none"));
        if (ed->iommuModel)
            g_string_append_printf(out, "  %-18s %s\n", _("model:"), ed->iommuModel);
        g_string_append_printf(out, "  %-18s %s\n", _("backend:"),
                               ed->iommufd ? "iommufd" : _("legacy VFIO container"));
        if (ed->pasidBits)
            g_string_append_printf(out, "  %-18s %u\n", _("guest PASID bits:"), ed->pasidBits);
        g_string_append_printf(out, "  %-18s %s\n", _("vIOMMU flags:"), vf);
        g_string_append_printf(out, "  %-18s %s\n", _("HWPT alloc flags:"), hf);
        if (ed->hostUnit)
            g_string_append_printf(out, "  %-18s %s (%s)\n", _("host IOMMU:"),
                                   ed->hostUnit, ed->hostUnitType);
        g_string_append_printf(out, "  %-18s %s\n", _("host verdict:"),
                               ed->supported ? _("supported") : _("not supported"));
        if (ed->reason)
            g_string_append_printf(out, "  %-18s %s\n", _("reason:"), ed->reason);
        for (j = 0; j < ed->notes->len; j++)
            g_string_append_printf(out, "  %-18s %s\n", _("note:"),
                                   (const char *)ed->notes->pdata[j]);
    }
    for (i = 0; i < expl->nguestViews; i++)
        qemuViommuGuestViewFormatText(out, expl->guestViews[i]);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
qemuViommuJSONFlags(JsonBuilder *b, const char *key, unsigned int flags,
                    const char *const *names, size_t nnames)
{
    size_t i;

    json_builder_set_member_name(b, key);
    json_builder_begin_array(b);
    for (i = 0; i < nnames; i++) {
        if ((flags & (1u << i)) && names[i])
            json_builder_add_string_value(b, names[i]);
    }
    json_builder_end_array(b);
}

static void
qemuViommuJSONString(JsonBuilder *b, const char *key, const char *value)
{
    json_builder_set_member_name(b, key);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

/* "guestView": [{"iommu": ..., "model": ..., "fields": {"ECAP.SMTS": 1}}] */
static void
qemuViommuGuestViewsFormatJSON(JsonBuilder *b, const qemuViommuExplanation *expl)
{
    size_t i, j;

    json_builder_set_member_name(b, "guestView");
    json_builder_begin_array(b);
    for (i = 0; i < expl->nguestViews; i++) {
        const qemuViommuGuestView *view = expl->guestViews[i];

        json_builder_begin_object(b);
        qemuViommuJSONString(b, "iommu", view->alias);
        qemuViommuJSONString(b, "model", virDomainIOMMUModelTypeToString(view->model));
        json_builder_set_member_name(b, "fields");
        json_builder_begin_object(b);
        for (j = 0; j < view->nfields; j++) {
            json_builder_set_member_name(b, view->fields[j].name);
            json_builder_add_int_value(b, view->fields[j].value);
        }
        json_builder_end_object(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

char *
qemuViommuExplanationFormatJSON(const qemuViommuExplanation *expl)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *data = NULL;
    size_t i, j;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "devices");
    json_builder_begin_array(b);
    for (i = 0; i < expl->ndevices; i++) {
        const qemuViommuExplainDevice *ed = expl->devices[i];

        json_builder_begin_object(b);
        qemuViommuJSONString(b, "alias", ed->alias);
        qemuViommuJSONString(b, "address", ed->address);
        qemuViommuJSONString(b, "iommu", ed->iommuAlias);
        qemuViommuJSONString(b, "model", ed->iommuModel);
        qemuViommuJSONString(b, "backend", ed->iommufd ? "iommufd" : "legacy");
        json_builder_set_member_name(b, "pasidBits");
        json_builder_add_int_value(b, ed->pasidBits);
        qemuViommuJSONFlags(b, "viommuFlags", ed->viommuFlags, qemuViommuFlagNames,
                            G_N_ELEMENTS(qemuViommuFlagNames));
        qemuViommuJSONFlags(b, "hwptFlags", ed->hwptFlags, qemuHWPTFlagNames,
                            G_N_ELEMENTS(qemuHWPTFlagNames));
        qemuViommuJSONString(b, "hostUnit", ed->hostUnit);
        qemuViommuJSONString(b, "hostUnitType", ed->hostUnitType);
        json_builder_set_member_name(b, "supported");
        json_builder_add_boolean_value(b, ed->supported);
        qemuViommuJSONString(b, "reason", ed->reason);
        json_builder_set_member_name(b, "notes");
        json_builder_begin_array(b);
        for (j = 0; j < ed->notes->len; j++)
            json_builder_add_string_value(b, ed->notes->pdata[j]);
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    qemuViommuGuestViewsFormatJSON(b, expl);
    json_builder_end_object(b);

    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    data = json_generator_to_data(gen, NULL);
    return g_strdup_printf("%s\n", data);
}
