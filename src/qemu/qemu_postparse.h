/*
 * qemu_postparse.h: what libvirt's QEMU driver adds to a domain when it is
 *                   defined, before any QEMU validation runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "domain_conf.h"
#include "qemu_capabilities.h"

/* The largest vCPU count an x86 guest can address without an interrupt
 * remapping IOMMU in extended interrupt mode (8-bit xAPIC IDs) */
#define QEMU_MAX_VCPUS_WITHOUT_EIM 255

/*
 * Complete @def the way libvirt's QEMU driver does at define time:
 *  - an x86 q35 guest with more than 255 vCPUs gets an intel-iommu with
 *    intremap='on' eim='on' when it has no <iommu> at all, and a bare
 *    intel <iommu> gets those two filled in (eim only when not written,
 *    intremap only when neither was written);
 *  - an iommu with intremap='on' turns an absent <ioapic> into
 *    driver='qemu' (the split irqchip interrupt remapping needs);
 *  - the implicit devices and PCI addresses (qemuDomainAssignAddresses).
 * Running it again on the completed definition changes nothing.
 */
int qemuDomainDefPostParse(virDomainDef *def, const virQEMUCaps *caps,
                           GError **error);
