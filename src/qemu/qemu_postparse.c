/*
 * qemu_postparse.c: what libvirt's QEMU driver adds to a domain when it is
 *                   defined, before any QEMU validation runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt completes a definition in its post-parse callbacks and only then
 * validates it, so a check sees the filled-in values. The same order here:
 * qemuDomainDefPostParse() runs before qemuValidateDomainDef().
 */
#include "qemu_postparse.h"
#include "qemu_domain_address.h"
#include "domain_conf_iommu.h"

static bool
qemuDomainDefIsX86(const virDomainDef *def)
{
    return def->arch &&
           (g_str_equal(def->arch, "x86_64") || g_str_equal(def->arch, "i686"));
}


/* More than 255 vCPUs on q35: the guest needs x2APIC, and interrupts can
 * only reach APIC IDs above 255 through an interrupt remapping IOMMU in
 * extended interrupt mode. libvirt adds one when there is no IOMMU at all
 * (and QEMU can do it) and fills in a bare intel one. */
static void
qemuDomainDefAddDefaultIOMMU(virDomainDef *def, const virQEMUCaps *caps)
{
    virDomainIOMMUDef *iommu;
    size_t i;

    if (!qemuDomainDefIsX86(def) || !virDomainDefIsQ35(def) ||
        virDomainDefGetVcpus(def) <= QEMU_MAX_VCPUS_WITHOUT_EIM)
        return;

    if (def->niommus == 0 &&
        virQEMUCapsGet(caps, QEMU_CAPS_DEVICE_INTEL_IOMMU) &&
        virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_INTREMAP) &&
        virQEMUCapsGet(caps, QEMU_CAPS_INTEL_IOMMU_EIM)) {
        iommu = virDomainIOMMUDefNew(VIR_DOMAIN_IOMMU_MODEL_INTEL);
        iommu->info.alias = g_strdup("iommu0");
        def->iommus = g_new0(virDomainIOMMUDef *, 1);
        def->iommus[0] = iommu;
        def->niommus = 1;
    }

    for (i = 0; i < def->niommus; i++) {
        iommu = def->iommus[i];
        if (iommu->model != VIR_DOMAIN_IOMMU_MODEL_INTEL ||
            iommu->driver.eim != VIR_TRISTATE_SWITCH_ABSENT)
            continue;
        if (iommu->driver.intremap == VIR_TRISTATE_SWITCH_ABSENT)
            iommu->driver.intremap = VIR_TRISTATE_SWITCH_ON;
        iommu->driver.eim = VIR_TRISTATE_SWITCH_ON;
        iommu->hasDriver = true;
    }
}


/* Interrupt remapping needs the split irqchip: an absent <ioapic> becomes
 * driver='qemu' (an explicit driver='kvm' is refused by the validation). */
static void
qemuDomainDefEnableDefaultIOAPIC(virDomainDef *def)
{
    size_t i;

    if (def->ioapic != VIR_DOMAIN_IOAPIC_DEFAULT)
        return;
    for (i = 0; i < def->niommus; i++) {
        const virDomainIOMMUDef *iommu = def->iommus[i];

        if ((iommu->model == VIR_DOMAIN_IOMMU_MODEL_INTEL ||
             iommu->model == VIR_DOMAIN_IOMMU_MODEL_AMD) &&
            iommu->driver.intremap == VIR_TRISTATE_SWITCH_ON) {
            def->ioapic = VIR_DOMAIN_IOAPIC_QEMU;
            return;
        }
    }
}


int
qemuDomainDefPostParse(virDomainDef *def, const virQEMUCaps *caps,
                       GError **error)
{
    qemuDomainDefAddDefaultIOMMU(def, caps);
    qemuDomainDefEnableDefaultIOAPIC(def);
    return qemuDomainAssignAddresses(def, caps, error);
}
