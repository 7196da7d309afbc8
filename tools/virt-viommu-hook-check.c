/*
 * virt-viommu-hook-check: the checks the libvirt QEMU hook runs on a
 *   domain defined through virt-viommu, in a program that does not load
 *   libvirt's library (which virt-viommu links for its bridge commands):
 *   a libvirt start should not pay for what the check does not use.
 *
 *   virt-viommu-hook-check NAME OPERATION SUB-OPERATION [EXTRA] < DOMAIN.xml
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <locale.h>

#include "virt-viommu.h"

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    g_set_prgname("virt-viommu-hook-check");
    return vvCmdHook(argc, argv);
}
