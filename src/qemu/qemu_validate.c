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
#include "qemu_viommu.h"

static int
qemuValidateMachine(const virDomainDef *def, const virQEMUCaps *caps,
                    GError **error)
{
    const char *arch = virQEMUCapsGetArch(caps);

    if (def->arch && arch && strcmp(def->arch, arch) != 0)
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

static int
qemuValidateHostdevs(const virDomainDef *def, const virQEMUCaps *caps,
                     GError **error)
{
    const char *ver = virQEMUCapsGetVersionString(caps);
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];

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

int
qemuValidateDomainDef(const virDomainDef *def, const virQEMUCaps *caps,
                      GError **error)
{
    if (qemuValidateMachine(def, caps, error) < 0 ||
        qemuValidateCPU(def, caps, error) < 0 ||
        qemuValidateHostdevs(def, caps, error) < 0 ||
        qemuViommuValidate(def, caps, error) < 0)
        return -1;
    return 0;
}
