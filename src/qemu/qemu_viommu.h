/*
 * qemu_viommu.h: everything vIOMMU / iommufd / hostdev on the QEMU side:
 *                QEMU-caps validation, host-caps validation, the command
 *                line pieces and the explanation of the resulting flags
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "domain_conf.h"
#include "qemu_capabilities.h"

/* Extra -machine properties the vIOMMU needs ("kernel_irqchip=split",
 * "iommu=smmuv3"), appended as ",key=value" to @machineOpts. */
void qemuViommuBuildMachineProps(GString *machineOpts, const virDomainDef *def,
                                 const virQEMUCaps *caps);

/* -device for each vIOMMU that is a device (after the PCI controllers). */
int qemuViommuBuildIOMMUCommandLine(GPtrArray *args, const virDomainDef *def,
                                    const virQEMUCaps *caps, GError **error);

/* -object iommufd (once) and -device vfio-pci for every PCI hostdev. */
int qemuViommuBuildHostdevCommandLine(GPtrArray *args, const virDomainDef *def,
                                      const virQEMUCaps *caps, GError **error);
