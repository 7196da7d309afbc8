/*
 * qemu_validate.h: checks of a domain against the QEMU binary: the machine
 *                  type, the rules QEMU enforces when it realizes a vIOMMU
 *                  or attaches a VFIO device, and whether this binary can
 *                  express what the domain asks for
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "domain_conf.h"
#include "qemu_capabilities.h"

int qemuValidateDomainDef(const virDomainDef *def, const virQEMUCaps *caps,
                          GError **error);
