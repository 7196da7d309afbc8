/*
 * qemu_validate.c: checks of a domain against the QEMU binary
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every rule here mirrors a failure QEMU would report late (at realize
 * time, when a VFIO device attaches, or as an unknown property), with a
 * message that names the XML to change. Which spelling a feature needs is
 * decided from the binary's recorded properties, never its version; the
 * version only appears in messages.
 */
#include <string.h>

#include "qemu_validate.h"
#include "qemu_postparse.h"
#include "qemu_viommu.h"

static int
qemuValidateMachine(const virDomainDef *def, const virQEMUCaps *caps,
                    GError **error)
{
    const char *arch = virQEMUCapsGetArch(caps);

    if (!virQEMUCapsRunsArch(caps, def->arch))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("the domain's <os><type arch='%1$s'> does not match the emulator, which is for '%2$s'"),
                              def->arch, arch);
    if (def->machine && !virQEMUCapsGetCanonicalMachine(caps, def->machine))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("machine type '%1$s' is not supported by QEMU %2$s; pick one of its machine types in <os><type machine=...>"),
                              def->machine, virQEMUCapsGetVersionString(caps));
    return 0;
}

/* The values that go into -smp and -cpu: QEMU's limit of vCPUs for the
 * machine type, and a CPU model the binary lists (QEMU's -cpu parser
 * does not honour ',,', so the name must be one of its own). */
static int
qemuValidateCPU(const virDomainDef *def, const virQEMUCaps *caps,
                GError **error)
{
    unsigned int maxCpus = def->machine ?
                           virQEMUCapsGetMachineMaxCpus(caps, def->machine) : 0;

    if (maxCpus && virDomainDefGetVcpus(def) > maxCpus)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("Maximum CPUs greater than specified machine type limit %1$u"),
                              maxCpus);
    if (def->hasCPU && def->cpuMode == VIR_DOMAIN_CPU_MODE_CUSTOM && def->cpuModel &&
        !virQEMUCapsHasCPUModel(caps, def->cpuModel))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("CPU model %1$s is not supported by hypervisor (QEMU %2$s does not list it)"),
                              def->cpuModel, virQEMUCapsGetVersionString(caps));
    return 0;
}

static bool
qemuValidateHasGraphics(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nothers; i++) {
        if (g_str_equal(def->others[i]->name, "graphics"))
            return true;
    }
    return false;
}

static int
qemuValidateHostdevs(const virDomainDef *def, const virQEMUCaps *caps,
                     GError **error)
{
    const char *ver = virQEMUCapsGetVersionString(caps);
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];

        /* the device's display goes to the domain's graphics */
        if (hostdev->display == VIR_TRISTATE_SWITCH_ON &&
            !qemuValidateHasGraphics(def))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                  _("graphics device is needed for attribute value 'display=on' in <hostdev>"));

        if (!virQEMUCapsGet(caps, QEMU_CAPS_DEVICE_VFIO_PCI))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("PCI device assignment needs the 'vfio-pci' device, which QEMU %1$s lacks"),
                                  ver);
        if (virDomainHostdevUsesIOMMUFD(def, hostdev) &&
            (!virQEMUCapsGet(caps, QEMU_CAPS_OBJECT_IOMMUFD) ||
             !virQEMUCapsGet(caps, QEMU_CAPS_VFIO_PCI_IOMMUFD)))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("IOMMUFD is not supported by QEMU %1$s (no 'iommufd' object); use <driver iommufd='no'/> or a newer QEMU"),
                                  ver);
        if (hostdev->vpasidCapOffsetSet &&
            !virQEMUCapsGet(caps, QEMU_CAPS_VFIO_PCI_X_VPASID_CAP_OFFSET))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("hostdev vpasidCapOffset needs the property 'vfio-pci.x-vpasid-cap-offset', which QEMU %1$s lacks"),
                                  ver);
    }
    return 0;
}

/* libvirt's old-style UEFI: an explicit pflash loader, or firmware
 * autoselection of an EFI one */
static bool
qemuValidateDomainHasUEFI(const virDomainDef *def)
{
    return def->firmware == VIR_DOMAIN_OS_FIRMWARE_EFI ||
           (def->loader && def->loaderType &&
            g_str_equal(def->loaderType, "pflash"));
}

/* On aarch64 the guest finds its ACPI tables through UEFI only; the
 * device-tree boot of the virt machine has none. */
static int
qemuValidateDomainDefACPI(const virDomainDef *def, GError **error)
{
    if (def->featAcpi && def->arch && g_str_equal(def->arch, "aarch64") &&
        !qemuValidateDomainHasUEFI(def))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("ACPI requires UEFI on this architecture"));
    return 0;
}

/* What the completed definition (qemuDomainDefPostParse) must hold for
 * more than 255 x86 vCPUs, with libvirt's rules and wording: the values
 * filled in for the guest are checked here, the ones a user wrote were
 * already checked by the conf validation. */
static int
qemuValidateDomainDefVcpus(const virDomainDef *def, GError **error)
{
    bool x2apic = def->ioapic == VIR_DOMAIN_IOAPIC_QEMU;
    size_t i;

    for (i = 0; i < def->niommus; i++) {
        const virDomainIOMMUDef *iommu = def->iommus[i];
        const virDomainIOMMUDriverDef *drv = &iommu->driver;

        if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_INTEL &&
            drv->eim == VIR_TRISTATE_SWITCH_ON &&
            drv->intremap != VIR_TRISTATE_SWITCH_ON)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                  _("IOMMU eim requires interrupt remapping to be enabled"));
        if (drv->intremap == VIR_TRISTATE_SWITCH_ON &&
            def->ioapic == VIR_DOMAIN_IOAPIC_KVM)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                  _("IOMMU interrupt remapping requires split I/O APIC (ioapic driver='qemu')"));
        if ((iommu->model == VIR_DOMAIN_IOMMU_MODEL_INTEL &&
             drv->eim == VIR_TRISTATE_SWITCH_ON) ||
            (iommu->model == VIR_DOMAIN_IOMMU_MODEL_AMD &&
             drv->xtsup == VIR_TRISTATE_SWITCH_ON))
            x2apic = true;
    }

    if (!def->arch ||
        (!g_str_equal(def->arch, "x86_64") && !g_str_equal(def->arch, "i686")) ||
        virDomainDefGetVcpus(def) <= QEMU_MAX_VCPUS_WITHOUT_EIM)
        return 0;
    if (!virDomainDefIsQ35(def))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("more than %1$d vCPUs are only supported on q35-based machine types"),
                              QEMU_MAX_VCPUS_WITHOUT_EIM);
    if (!x2apic)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("more than %1$d vCPUs require either IOAPIC in QEMU or an iommu device with EIM or XTSup mode enabled"),
                              QEMU_MAX_VCPUS_WITHOUT_EIM);
    return 0;
}

int
qemuValidateDomainDef(const virDomainDef *def, const virQEMUCaps *caps,
                      GError **error)
{
    if (qemuValidateMachine(def, caps, error) < 0 ||
        qemuValidateCPU(def, caps, error) < 0 ||
        qemuValidateDomainDefACPI(def, error) < 0 ||
        qemuValidateDomainDefVcpus(def, error) < 0 ||
        qemuValidateHostdevs(def, caps, error) < 0 ||
        qemuViommuValidate(def, caps, error) < 0)
        return -1;
    return 0;
}
