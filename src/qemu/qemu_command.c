/*
 * qemu_command.c: the QEMU command line of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Follows what libvirt's QEMU driver emits for QEMU >= 6.0: JSON values for
 * -device/-object/-blockdev/-netdev, a versioned machine type, -nodefaults,
 * a QMP monitor on a passed socket, and the same option order:
 *
 *   -name, -S, firmware -blockdev, -machine, -accel, -cpu, -bios, -m,
 *   -object memory-backend-ram, -overcommit, -smp, -uuid, -display none,
 *   -no-user-config, -nodefaults, monitor, -rtc, -no-shutdown, -boot,
 *   PCI controllers, USB and SCSI controllers, vIOMMU devices, disks,
 *   interfaces, serial ports, -audiodev, the q35 iTCO watchdog,
 *   iommufd and hostdevs, memballoon, -sandbox, -msg.
 *
 * Descriptors libvirt would pass appear as placeholders: "@mon-fd@" for the
 * monitor socket, "@tap-<netdev id>-fd@" and "@vhost-<netdev id>-fd@" for
 * tap and vhost-net, and the iommufd/hostdev ones of qemu_viommu.c.
 *
 * Environment: a fixed set so that output is reproducible:
 *   LC_ALL=C, PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin,
 *   HOME=/var/lib/libvirt/qemu/domain--1-<name>, and XDG_DATA_HOME,
 *   XDG_CACHE_HOME, XDG_CONFIG_HOME below it, where <name> is the domain
 *   name cut to 20 characters and -1 is libvirt's id of an inactive domain.
 *   libvirt also sets USER and LOGNAME to its QEMU user; we do not know it.
 */
#include <string.h>

#include "qemu_command.h"
#include "qemu_opaque.h"
#include "qemu_domain_address.h"
#include "qemu_json.h"
#include "qemu_viommu.h"
#include "virerror.h"

#define QEMU_DOMAIN_DIR "/var/lib/libvirt/qemu"
#define QEMU_NVRAM_DIR "/var/lib/libvirt/qemu/nvram"
#define QEMU_ENV_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
#define QEMU_SHORT_NAME_MAX 20

#define NULLSTR_EMPTY(s) ((s) ? (s) : "")

/* Shell metacharacters after which an argument needs quoting (the set
 * libvirt's virBufferEscapeShell uses) */
#define QEMU_SHELL_SPECIAL "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~"


void
qemuCommandLineFree(qemuCommandLine *cmd)
{
    if (!cmd)
        return;
    g_strfreev(cmd->env);
    g_strfreev(cmd->argv);
    g_free(cmd);
}


/* ---- small helpers ------------------------------------------------------ */

static void
qemuAddArg(GPtrArray *args, const char *arg)
{
    g_ptr_array_add(args, g_strdup(arg));
}


static void G_GNUC_PRINTF(3, 4)
qemuAddArgFormat(GPtrArray *args, const char *opt, const char *fmt, ...)
{
    va_list ap;

    g_ptr_array_add(args, g_strdup(opt));
    va_start(ap, fmt);
    g_ptr_array_add(args, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}


/* QEMU's key=value syntax: a comma inside a value is written twice */
static char *
qemuEscapeComma(const char *str)
{
    g_autoptr(GString) s = g_string_new(str);

    g_string_replace(s, ",", ",,", 0);
    return g_string_free(g_steal_pointer(&s), FALSE);
}


static bool
qemuDomainIsKVM(const virDomainDef *def)
{
    return def->virtType == VIR_DOMAIN_VIRT_KVM;
}


static bool
qemuDomainIsAArch64(const virDomainDef *def)
{
    return def->arch && g_str_equal(def->arch, "aarch64");
}


static char *
qemuDomainDir(const virDomainDef *def)
{
    g_autofree char *shortName = g_utf8_substring(def->name, 0,
                                                  MIN(g_utf8_strlen(def->name, -1),
                                                      QEMU_SHORT_NAME_MAX));

    return g_strdup_printf(QEMU_DOMAIN_DIR "/domain--1-%s", shortName);
}


static int
qemuCheckCap(const virQEMUCaps *caps, virQEMUCapsFlags flag,
             const char *what, GError **error)
{
    if (virQEMUCapsGet(caps, flag))
        return 0;
    return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                          _("%1$s needs QEMU device '%2$s', which QEMU %3$s (%4$s) does not have"),
                          what, virQEMUCapsTypeToString(flag),
                          NULLSTR_EMPTY(virQEMUCapsGetVersionString(caps)),
                          NULLSTR_EMPTY(virQEMUCapsGetBinary(caps)));
}


/* A device that is just its driver, alias and PCI address (xHCI,
 * virtio-scsi, the balloon); @what names it if QEMU lacks the driver */
/* A virtio device's <driver iommu= ats=>: its DMA through the vIOMMU
 * (iommu_platform) and ATS, right after "driver" as libvirt writes them */
static void
qemuBuildVirtioOptionsProps(qemuJSONProps *props, const virDomainDeviceInfo *info)
{
    if (info->driverIOMMU != VIR_TRISTATE_SWITCH_ABSENT)
        qemuJSONPropsAddBool(props, "iommu_platform",
                             info->driverIOMMU == VIR_TRISTATE_SWITCH_ON);
    if (info->driverATS != VIR_TRISTATE_SWITCH_ABSENT)
        qemuJSONPropsAddBool(props, "ats", info->driverATS == VIR_TRISTATE_SWITCH_ON);
}


static int
qemuBuildSimplePCIDevice(GPtrArray *args, const virDomainDef *def,
                         const virQEMUCaps *caps, const virDomainDeviceInfo *info,
                         virQEMUCapsFlags flag, const char *driver,
                         const char *what, GError **error)
{
    g_autoptr(qemuJSONProps) props = NULL;

    if (qemuCheckCap(caps, flag, what, error) < 0)
        return -1;
    props = qemuJSONPropsNew();
    qemuJSONPropsAddString(props, "driver", driver);
    qemuBuildVirtioOptionsProps(props, info);
    qemuJSONPropsAddString(props, "id", info->alias);
    qemuDomainDeviceInfoProps(props, def, info);
    qemuJSONPropsAppendArg(args, "-device", props);
    return 0;
}


/* ---- environment, name, machine ----------------------------------------- */

static char **
qemuBuildEnv(const virDomainDef *def)
{
    g_autofree char *dir = qemuDomainDir(def);
    GPtrArray *env = g_ptr_array_new();

    g_ptr_array_add(env, g_strdup("LC_ALL=C"));
    g_ptr_array_add(env, g_strdup("PATH=" QEMU_ENV_PATH));
    g_ptr_array_add(env, g_strdup_printf("HOME=%s", dir));
    g_ptr_array_add(env, g_strdup_printf("XDG_DATA_HOME=%s/.local/share", dir));
    g_ptr_array_add(env, g_strdup_printf("XDG_CACHE_HOME=%s/.cache", dir));
    g_ptr_array_add(env, g_strdup_printf("XDG_CONFIG_HOME=%s/.config", dir));
    g_ptr_array_add(env, NULL);
    return (char **)g_ptr_array_free(env, FALSE);
}


typedef struct {
    const char *loader;        /* NULL: no pflash */
    bool loaderFormatNode;     /* read-only loader: a raw format node on top */
    char *nvram;
} qemuFirmware;


static void
qemuFirmwareClear(qemuFirmware *fw)
{
    g_free(fw->nvram);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemuFirmware, qemuFirmwareClear);


static bool
qemuLoaderIsPflash(const virDomainDef *def)
{
    if (def->loaderType)
        return g_str_equal(def->loaderType, "pflash");
    return def->nvram != NULL;
}


static int
qemuPrepareFirmware(const virDomainDef *def, qemuFirmware *fw, GError **error)
{
    memset(fw, 0, sizeof(*fw));

    /* firmware autoselection: libvirt picks the image from the firmware
     * descriptors of the host; the command line leaves it out
     * (qemuDomainLeftOut names it) */
    if (qemuFirmwareIsAutoselected(def) || !def->loader)
        return 0;
    if (!qemuLoaderIsPflash(def))
        return 0;

    fw->loader = def->loader;
    fw->loaderFormatNode = def->loaderReadonly == VIR_TRISTATE_BOOL_YES;
    if (def->nvram)
        fw->nvram = g_strdup(def->nvram);
    else if (fw->loaderFormatNode)
        /* libvirt's default variable store for a read-only pflash loader */
        fw->nvram = g_strdup_printf(QEMU_NVRAM_DIR "/%s_VARS.fd", def->name);
    return 0;
}


static void
qemuBuildPflashCommandLine(GPtrArray *args, const qemuFirmware *fw)
{
    g_autoptr(qemuJSONProps) storage = NULL;
    g_autoptr(qemuJSONProps) format = NULL;
    g_autoptr(qemuJSONProps) vars = NULL;

    if (!fw->loader)
        return;

    storage = qemuJSONPropsNew();
    qemuJSONPropsAddString(storage, "driver", "file");
    qemuJSONPropsAddString(storage, "filename", fw->loader);
    qemuJSONPropsAddString(storage, "node-name", "libvirt-pflash0-storage");
    if (fw->loaderFormatNode) {
        qemuJSONPropsAddBool(storage, "auto-read-only", true);
        qemuJSONPropsAddString(storage, "discard", "unmap");
    } else {
        qemuJSONPropsAddBool(storage, "read-only", false);
    }
    qemuJSONPropsAppendArg(args, "-blockdev", storage);

    if (fw->loaderFormatNode) {
        format = qemuJSONPropsNew();
        qemuJSONPropsAddString(format, "node-name", "libvirt-pflash0-format");
        qemuJSONPropsAddBool(format, "read-only", true);
        qemuJSONPropsAddString(format, "driver", "raw");
        qemuJSONPropsAddString(format, "file", "libvirt-pflash0-storage");
        qemuJSONPropsAppendArg(args, "-blockdev", format);
    }

    if (fw->nvram) {
        vars = qemuJSONPropsNew();
        qemuJSONPropsAddString(vars, "driver", "file");
        qemuJSONPropsAddString(vars, "filename", fw->nvram);
        qemuJSONPropsAddString(vars, "node-name", "libvirt-pflash1-storage");
        qemuJSONPropsAddBool(vars, "read-only", false);
        qemuJSONPropsAppendArg(args, "-blockdev", vars);
    }
}


static const virDomainTimerDef *
qemuFindTimer(const virDomainDef *def, const char *name)
{
    size_t i;

    for (i = 0; i < def->ntimers; i++) {
        if (def->timers[i]->name && g_str_equal(def->timers[i]->name, name))
            return def->timers[i];
    }
    return NULL;
}


static int
qemuBuildMachineCommandLine(GPtrArray *args, const virDomainDef *def,
                            const virQEMUCaps *caps, const qemuFirmware *fw,
                            GError **error)
{
    const char *machine = virQEMUCapsGetCanonicalMachine(caps, def->machine);
    const virDomainTimerDef *hpet = qemuFindTimer(def, "hpet");
    g_autoptr(GString) opts = NULL;
    unsigned int gic = def->gicVersion;

    if (!machine)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("Emulator '%1$s' (QEMU %2$s) does not support machine type '%3$s'"),
                              NULLSTR_EMPTY(virQEMUCapsGetBinary(caps)),
                              NULLSTR_EMPTY(virQEMUCapsGetVersionString(caps)),
                              def->machine);

    opts = g_string_new(machine);
    g_string_append(opts, ",usb=off");
    if (virDomainDefIsVirt(def)) {
        /* libvirt's choice when the XML has none: GICv2 under TCG (the
         * emulated GICv3 had no ITS), the newest the host has under KVM,
         * which for the hosts this project targets is GICv3 */
        if (!gic)
            gic = qemuDomainIsKVM(def) ? 3 : 2;
        g_string_append_printf(opts, ",gic-version=%u", gic);
    }
    if (def->ioapic == VIR_DOMAIN_IOAPIC_QEMU)
        g_string_append(opts, ",kernel_irqchip=split");
    else if (def->ioapic == VIR_DOMAIN_IOAPIC_KVM)
        g_string_append(opts, ",kernel_irqchip=on");
    qemuViommuBuildMachineProps(opts, def, caps);
    g_string_append(opts, ",dump-guest-core=off");
    g_string_append_printf(opts, ",memory-backend=%s",
                           virDomainDefIsVirt(def) ? "mach-virt.ram" : "pc.ram");
    if (fw->loader) {
        g_string_append_printf(opts, ",pflash0=%s",
                               fw->loaderFormatNode ? "libvirt-pflash0-format"
                                                    : "libvirt-pflash0-storage");
        if (fw->nvram)
            g_string_append(opts, ",pflash1=libvirt-pflash1-storage");
    }
    if (hpet && hpet->present != VIR_TRISTATE_BOOL_ABSENT)
        g_string_append_printf(opts, ",hpet=%s",
                               hpet->present == VIR_TRISTATE_BOOL_YES ? "on" : "off");
    g_string_append_printf(opts, ",acpi=%s", def->featAcpi ? "on" : "off");

    qemuAddArg(args, "-machine");
    g_ptr_array_add(args, g_string_free(g_steal_pointer(&opts), FALSE));
    qemuAddArgFormat(args, "-accel", "%s", qemuDomainIsKVM(def) ? "kvm" : "tcg");
    return 0;
}


static int
qemuBuildCpuCommandLine(GPtrArray *args, const virDomainDef *def, GError **error)
{
    bool aarch64 = qemuDomainIsAArch64(def);

    if (!def->hasCPU) {
        /* QEMU's default CPU for x86; on aarch64 libvirt leaves it to QEMU */
        if (!aarch64)
            qemuAddArgFormat(args, "-cpu", "qemu64");
        return 0;
    }

    switch (def->cpuMode) {
    case VIR_DOMAIN_CPU_MODE_HOST_MODEL:
        if (!aarch64)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                  _("CPU mode 'host-model' needs the host CPU model, which is not probed here: use mode='host-passthrough' or a named model"));
        G_GNUC_FALLTHROUGH;
    case VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
        if (!qemuDomainIsKVM(def))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                  _("CPU mode 'host-passthrough' is only possible with domain type 'kvm'"));
        if (def->cpuMigratable == VIR_TRISTATE_SWITCH_OFF)
            qemuAddArgFormat(args, "-cpu", "host,migratable=off");
        else
            qemuAddArgFormat(args, "-cpu", "host");
        return 0;
    case VIR_DOMAIN_CPU_MODE_MAXIMUM:
        qemuAddArgFormat(args, "-cpu", "max");
        return 0;
    case VIR_DOMAIN_CPU_MODE_CUSTOM:
        if (def->cpuModel) {
            g_autofree char *model = qemuEscapeComma(def->cpuModel);
            qemuAddArgFormat(args, "-cpu", "%s", model);
        } else if (!aarch64) {
            qemuAddArgFormat(args, "-cpu", "qemu64");
        }
        return 0;
    case VIR_DOMAIN_CPU_MODE_LAST:
    default:
        break;
    }
    return 0;
}


/* libvirt hands QEMU the guest memory rounded up to a whole MiB (QEMU
 * itself needs whole pages; libvirt takes the coarser step on every
 * architecture this project targets, 256 MiB being for ppc64 only), so
 * the guest sees that size. The definition keeps what the user wrote. */
#define QEMU_MEMORY_ALIGN_KIB 1024ULL

static int
qemuBuildMemoryCommandLine(GPtrArray *args, const virDomainDef *def,
                           GError **error)
{
    g_autoptr(qemuJSONProps) props = qemuJSONPropsNew();
    unsigned long long kib = def->memoryKiB;

    if (kib > (G_MAXUINT64 / 1024) - QEMU_MEMORY_ALIGN_KIB)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                              _("initial memory size overflowed after alignment"));
    kib = (kib + QEMU_MEMORY_ALIGN_KIB - 1) / QEMU_MEMORY_ALIGN_KIB * QEMU_MEMORY_ALIGN_KIB;

    qemuAddArgFormat(args, "-m", "size=%lluk", kib);
    qemuJSONPropsAddString(props, "qom-type", "memory-backend-ram");
    qemuJSONPropsAddString(props, "id",
                           virDomainDefIsVirt(def) ? "mach-virt.ram" : "pc.ram");
    qemuJSONPropsAddUInt(props, "size", kib * 1024);
    qemuJSONPropsAppendArg(args, "-object", props);
    qemuAddArgFormat(args, "-overcommit", "mem-lock=off");
    return 0;
}


static int
qemuBuildClockCommandLine(GPtrArray *args, const virDomainDef *def, GError **error)
{
    const char *base = "utc";
    bool driftfix = false;
    bool pitDelay = false;
    size_t i;

    if (def->clockOffset) {
        if (g_str_equal(def->clockOffset, "localtime"))
            base = "localtime";
        else if (!g_str_equal(def->clockOffset, "utc"))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("clock offset '%1$s' is not supported: use 'utc' or 'localtime'"),
                                  def->clockOffset);
    }

    for (i = 0; i < def->ntimers; i++) {
        const virDomainTimerDef *timer = def->timers[i];
        const char *name = timer->name ? timer->name : "";

        if (g_str_equal(name, "rtc")) {
            if (timer->tickpolicy && g_str_equal(timer->tickpolicy, "catchup"))
                driftfix = true;
            else if (timer->tickpolicy && !g_str_equal(timer->tickpolicy, "delay"))
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                      _("rtc timer tickpolicy '%1$s' is not supported: use 'catchup' or 'delay'"),
                                      timer->tickpolicy);
        } else if (g_str_equal(name, "pit")) {
            if (timer->tickpolicy && g_str_equal(timer->tickpolicy, "delay"))
                pitDelay = true;
            else if (timer->tickpolicy)
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                      _("pit timer tickpolicy '%1$s' is not supported: use 'delay'"),
                                      timer->tickpolicy);
        } else if (g_str_equal(name, "kvmclock")) {
            /* on by default with KVM; turning it off is a CPU feature */
            if (timer->present == VIR_TRISTATE_BOOL_NO)
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                                      _("timer 'kvmclock' with present='no' is not supported by this command line"));
        } else if (!g_str_equal(name, "hpet")) {
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("timer '%1$s' is not supported by this command line: use rtc, pit, hpet or kvmclock"),
                                  name);
        }
    }

    qemuAddArgFormat(args, "-rtc", "base=%s%s", base, driftfix ? ",driftfix=slew" : "");
    /* the in-kernel PIT only exists with KVM */
    if (pitDelay && qemuDomainIsKVM(def))
        qemuAddArgFormat(args, "-global", "kvm-pit.lost_tick_policy=delay");
    return 0;
}


static void
qemuBuildLifecycleCommandLine(GPtrArray *args, const virDomainDef *def)
{
    /* absent means libvirt's defaults: destroy, restart, destroy */
    bool poweroffDestroy = def->onPoweroff < 0 ||
                           def->onPoweroff == VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    bool rebootDestroy = def->onReboot == VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY;
    bool crashDestroy = def->onCrash < 0 ||
                        def->onCrash == VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY;

    /* every guest event ends the domain: a reboot becomes a shutdown */
    if (poweroffDestroy && rebootDestroy && crashDestroy)
        qemuAddArgFormat(args, "-action", "reboot=shutdown");
    /* the management layer decides what a guest shutdown means */
    qemuAddArg(args, "-no-shutdown");
}


/* ---- controllers --------------------------------------------------------- */

static gint
qemuControllerCompare(gconstpointer a, gconstpointer b)
{
    const virDomainControllerDef *ca = *(virDomainControllerDef * const *)a;
    const virDomainControllerDef *cb = *(virDomainControllerDef * const *)b;

    return ca->idx - cb->idx;
}


static virQEMUCapsFlags
qemuPCIControllerCap(const virDomainControllerDef *cont)
{
    switch ((virDomainControllerModelPCI)cont->model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        return QEMU_CAPS_DEVICE_PCIE_ROOT_PORT;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS:
        return QEMU_CAPS_DEVICE_PXB_PCIE;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        return QEMU_CAPS_DEVICE_PCI_BRIDGE;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        return QEMU_CAPS_DEVICE_PCIE_PCI_BRIDGE;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_UPSTREAM_PORT:
        return QEMU_CAPS_DEVICE_X3130_UPSTREAM;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_DOWNSTREAM_PORT:
        return QEMU_CAPS_DEVICE_XIO3130_DOWNSTREAM;
    case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_EXPANDER_BUS:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_DEFAULT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
    default:
        return QEMU_CAPS_LAST;
    }
}


static int
qemuBuildPCIControllerCommandLine(GPtrArray *args, const virDomainDef *def,
                                  const virQEMUCaps *caps,
                                  const virDomainControllerDef *cont,
                                  GError **error)
{
    g_autoptr(qemuJSONProps) props = NULL;
    const char *driver = qemuDomainPCIControllerDriver(cont);
    virQEMUCapsFlags cap = qemuPCIControllerCap(cont);
    g_autofree char *what = NULL;

    if (!driver)
        return 0;   /* the roots are part of the machine */

    what = g_strdup_printf(_("PCI controller index='%1$d'"), cont->idx);
    if (!cont->modelName && cap != QEMU_CAPS_LAST &&
        qemuCheckCap(caps, cap, what, error) < 0)
        return -1;

    props = qemuJSONPropsNew();
    qemuJSONPropsAddString(props, "driver", driver);
    switch ((virDomainControllerModelPCI)cont->model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_DOWNSTREAM_PORT:
        qemuJSONPropsAddUInt(props, "port", cont->port);
        qemuJSONPropsAddUInt(props, "chassis", cont->chassis);
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        qemuJSONPropsAddUInt(props, "chassis_nr", cont->chassisNr);
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_EXPANDER_BUS:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS:
        qemuJSONPropsAddUInt(props, "bus_nr", cont->busNr);
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_UPSTREAM_PORT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_DEFAULT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
    default:
        break;
    }
    qemuJSONPropsAddString(props, "id", cont->info.alias);
    qemuDomainDeviceInfoProps(props, def, &cont->info);
    qemuJSONPropsAppendArg(args, "-device", props);
    return 0;
}


static int
qemuBuildControllersCommandLine(GPtrArray *args, const virDomainDef *def,
                                const virQEMUCaps *caps, GError **error)
{
    g_autoptr(GPtrArray) pcis = g_ptr_array_new();
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI)
            g_ptr_array_add(pcis, def->controllers[i]);
    }
    g_ptr_array_sort(pcis, qemuControllerCompare);
    for (i = 0; i < pcis->len; i++) {
        if (qemuBuildPCIControllerCommandLine(args, def, caps, pcis->pdata[i], error) < 0)
            return -1;
    }

    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *cont = def->controllers[i];
        g_autofree char *what = NULL;

        /* another model is left out (qemuDomainLeftOut says so) */
        if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_USB ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE ||
            !qemuControllerIsTranslated(def, cont))
            continue;
        if (cont == qemuDomainFindPIIX3USB(def)) {
            g_autoptr(qemuJSONProps) props = qemuJSONPropsNew();

            qemuJSONPropsAddString(props, "driver", "piix3-usb-uhci");
            qemuJSONPropsAddString(props, "id", cont->info.alias);
            qemuDomainDeviceInfoProps(props, def, &cont->info);
            qemuJSONPropsAppendArg(args, "-device", props);
            continue;
        }
        what = g_strdup_printf(_("USB controller index='%1$d'"), cont->idx);
        if (qemuBuildSimplePCIDevice(args, def, caps, &cont->info,
                                     QEMU_CAPS_DEVICE_QEMU_XHCI, "qemu-xhci",
                                     what, error) < 0)
            return -1;
    }

    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *cont = def->controllers[i];
        g_autofree char *what = NULL;

        if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_SCSI ||
            !qemuControllerIsTranslated(def, cont))
            continue;
        what = g_strdup_printf(_("SCSI controller index='%1$d'"), cont->idx);
        if (qemuBuildSimplePCIDevice(args, def, caps, &cont->info,
                                     QEMU_CAPS_DEVICE_VIRTIO_SCSI_PCI, "virtio-scsi-pci",
                                     what, error) < 0)
            return -1;
    }
    /* q35's AHCI at 1f.2 is built in; another SATA controller (ich9-ahci)
     * is left out like the other controller types */
    return 0;
}


/* ---- boot order, disks ------------------------------------------------------ */

typedef struct {
    int *disks;   /* bootindex per disk, 0 = none */
    int *nets;
} qemuBootIndexes;


static void
qemuBootIndexesClear(qemuBootIndexes *boot)
{
    g_free(boot->disks);
    g_free(boot->nets);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemuBootIndexes, qemuBootIndexesClear);


/* <os><boot dev=.../> in order becomes bootindex 1, 2, ... on the first
 * device of each kind, as libvirt does; no <boot> at all means 'hd'. */
static int
qemuAssignBootIndexes(const virDomainDef *def, qemuBootIndexes *boot,
                      GError **error)
{
    static const char *const defaultBoot[] = { "hd", NULL };
    const char *const *devs = def->bootDevs ? (const char *const *)def->bootDevs
                                            : defaultBoot;
    int next = 1;
    size_t i;
    size_t j;

    boot->disks = g_new0(int, def->ndisks + 1);
    boot->nets = g_new0(int, def->nnets + 1);

    for (i = 0; devs[i]; i++) {
        if (g_str_equal(devs[i], "hd") || g_str_equal(devs[i], "cdrom")) {
            virDomainDiskDevice want = g_str_equal(devs[i], "hd") ?
                                       VIR_DOMAIN_DISK_DEVICE_DISK :
                                       VIR_DOMAIN_DISK_DEVICE_CDROM;

            for (j = 0; j < def->ndisks; j++) {
                if (def->disks[j]->device == want && !boot->disks[j]) {
                    boot->disks[j] = next++;
                    break;
                }
            }
        } else if (g_str_equal(devs[i], "network")) {
            if (def->nnets > 0 && !boot->nets[0])
                boot->nets[0] = next++;
        } else {
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("boot device '%1$s' is not supported: use hd, cdrom or network"),
                                  devs[i]);
        }
    }
    return 0;
}


static void
qemuBuildDiskBlockdevs(GPtrArray *args, const virDomainDiskDef *disk,
                       size_t nodeIdx, char **driveNode)
{
    g_autoptr(qemuJSONProps) storage = qemuJSONPropsNew();
    g_autofree char *storageName = g_strdup_printf("libvirt-%zu-storage", nodeIdx);
    bool readonly = disk->readonly || disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM;
    bool qcow2 = disk->format == VIR_DOMAIN_DISK_FORMAT_QCOW2;

    qemuJSONPropsAddString(storage, "driver",
                           disk->type == VIR_DOMAIN_DISK_TYPE_BLOCK ? "host_device" : "file");
    qemuJSONPropsAddString(storage, "filename", disk->src);
    qemuJSONPropsAddString(storage, "node-name", storageName);

    /* A raw image needs no format layer: libvirt then opens the storage
     * node with the disk's own read-only flag. */
    if (!qcow2) {
        qemuJSONPropsAddBool(storage, "read-only", readonly);
        qemuJSONPropsAppendArg(args, "-blockdev", storage);
        *driveNode = g_steal_pointer(&storageName);
        return;
    }

    qemuJSONPropsAddBool(storage, "auto-read-only", true);
    qemuJSONPropsAddString(storage, "discard", "unmap");
    qemuJSONPropsAppendArg(args, "-blockdev", storage);

    {
        g_autoptr(qemuJSONProps) format = qemuJSONPropsNew();
        g_autofree char *formatName = g_strdup_printf("libvirt-%zu-format", nodeIdx);

        qemuJSONPropsAddString(format, "node-name", formatName);
        qemuJSONPropsAddBool(format, "read-only", readonly);
        qemuJSONPropsAddString(format, "driver", "qcow2");
        qemuJSONPropsAddString(format, "file", storageName);
        qemuJSONPropsAppendArg(args, "-blockdev", format);
        *driveNode = g_steal_pointer(&formatName);
    }
}


static int
qemuBuildDiskDevice(GPtrArray *args, const virDomainDef *def,
                    const virQEMUCaps *caps, const virDomainDiskDef *disk,
                    const char *driveNode, int bootindex, GError **error)
{
    g_autoptr(qemuJSONProps) props = qemuJSONPropsNew();
    const virDomainDeviceDriveAddress *drive = &disk->info.drive;
    bool cdrom = disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM;
    g_autofree char *what = g_strdup_printf(_("disk '%1$s'"), disk->dst);
    g_autofree char *bus = NULL;
    g_autofree char *deviceId = NULL;

    switch (disk->bus) {
    case VIR_DOMAIN_DISK_BUS_VIRTIO:
        if (cdrom)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("disk '%1$s': a cdrom cannot be on bus 'virtio', use 'sata' or 'scsi'"),
                                  disk->dst);
        if (qemuCheckCap(caps, QEMU_CAPS_DEVICE_VIRTIO_BLK_PCI, what, error) < 0)
            return -1;
        qemuJSONPropsAddString(props, "driver", "virtio-blk-pci");
        qemuBuildVirtioOptionsProps(props, &disk->info);
        qemuDomainPCIAddressProps(props, def, &disk->info);
        break;

    case VIR_DOMAIN_DISK_BUS_SATA:
        if (!virDomainDefIsQ35(def))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("disk '%1$s': bus 'sata' needs the AHCI controller of machine type q35"),
                                  disk->dst);
        if (drive->controller != 0 || drive->bus != 0 || drive->target != 0 ||
            drive->unit > 5)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("disk '%1$s': drive address controller='%2$u' bus='%3$u' target='%4$u' unit='%5$u' is not on the built-in SATA controller (controller 0, bus 0, target 0, unit 0..5)"),
                                  disk->dst, drive->controller, drive->bus,
                                  drive->target, drive->unit);
        qemuJSONPropsAddString(props, "driver", cdrom ? "ide-cd" : "ide-hd");
        bus = g_strdup_printf("ide.%u", drive->unit);
        qemuJSONPropsAddString(props, "bus", bus);
        break;

    case VIR_DOMAIN_DISK_BUS_SCSI: {
        const virDomainControllerDef *cont;

        cont = virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_SCSI,
                                          drive->controller);
        if (!cont)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("disk '%1$s' is on SCSI controller %2$u, which is not defined: add <controller type='scsi' index='%3$u' model='virtio-scsi'/>"),
                                  disk->dst, drive->controller, drive->controller);
        qemuJSONPropsAddString(props, "driver", cdrom ? "scsi-cd" : "scsi-hd");
        bus = g_strdup_printf("%s.0", cont->info.alias);
        qemuJSONPropsAddString(props, "bus", bus);
        qemuJSONPropsAddUInt(props, "channel", drive->bus);
        qemuJSONPropsAddUInt(props, "scsi-id", drive->target);
        qemuJSONPropsAddUInt(props, "lun", drive->unit);
        deviceId = g_strdup_printf("drive-%s", disk->info.alias);
        qemuJSONPropsAddString(props, "device_id", deviceId);
        break;
    }

    case VIR_DOMAIN_DISK_BUS_LAST:
    default:
        return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                              _("disk '%1$s' has an unknown bus"), disk->dst);
    }

    if (driveNode)
        qemuJSONPropsAddString(props, "drive", driveNode);
    qemuJSONPropsAddString(props, "id", disk->info.alias);
    if (bootindex)
        qemuJSONPropsAddUInt(props, "bootindex", bootindex);
    if (disk->info.acpiIndex)
        qemuJSONPropsAddUInt(props, "acpi-index", disk->info.acpiIndex);
    qemuJSONPropsAppendArg(args, "-device", props);
    return 0;
}


static int
qemuBuildDisksCommandLine(GPtrArray *args, const virDomainDef *def,
                          const virQEMUCaps *caps, const qemuBootIndexes *boot,
                          GError **error)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const virDomainDiskDef *disk = def->disks[i];
        g_autofree char *driveNode = NULL;

        /* libvirt numbers the nodes from the last disk up */
        if (disk->src)
            qemuBuildDiskBlockdevs(args, disk, def->ndisks - i, &driveNode);
        if (qemuBuildDiskDevice(args, def, caps, disk, driveNode,
                                boot->disks[i], error) < 0)
            return -1;
    }
    return 0;
}


/* ---- interfaces ----------------------------------------------------------- */

static int
qemuBuildNetCommandLine(GPtrArray *args, const virDomainDef *def,
                        const virQEMUCaps *caps, const qemuBootIndexes *boot,
                        GError **error)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        const virDomainNetDef *net = def->nets[i];
        g_autoptr(qemuJSONProps) netdev = qemuJSONPropsNew();
        g_autoptr(qemuJSONProps) dev = qemuJSONPropsNew();
        g_autofree char *netdevId = g_strdup_printf("host%s", net->info.alias);
        g_autofree char *what = g_strdup_printf(_("interface '%1$s'"), net->info.alias);
        int model = net->model;
        bool virtio;

        /* libvirt's default model is virtio on aarch64 and rtl8139 (a
         * conventional PCI device we do not place) on x86 */
        if (model < 0 && qemuDomainIsAArch64(def))
            model = VIR_DOMAIN_NET_MODEL_VIRTIO;
        if (model < 0)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("interface '%1$s' has no <model type=...>: use 'virtio' or 'e1000e'"),
                                  net->info.alias);
        virtio = model == VIR_DOMAIN_NET_MODEL_VIRTIO;
        if (qemuCheckCap(caps, virtio ? QEMU_CAPS_DEVICE_VIRTIO_NET_PCI : QEMU_CAPS_DEVICE_E1000E,
                         what, error) < 0)
            return -1;

        if (net->type == VIR_DOMAIN_NET_TYPE_USER) {
            qemuJSONPropsAddString(netdev, "type", "user");
        } else {
            g_autofree char *tapfd = g_strdup_printf("@tap-%s-fd@", netdevId);

            qemuJSONPropsAddString(netdev, "type", "tap");
            qemuJSONPropsAddString(netdev, "fd", tapfd);
            if (virtio) {
                g_autofree char *vhostfd = g_strdup_printf("@vhost-%s-fd@", netdevId);

                qemuJSONPropsAddBool(netdev, "vhost", true);
                qemuJSONPropsAddString(netdev, "vhostfd", vhostfd);
            }
        }
        qemuJSONPropsAddString(netdev, "id", netdevId);
        qemuJSONPropsAppendArg(args, "-netdev", netdev);

        qemuJSONPropsAddString(dev, "driver", virtio ? "virtio-net-pci" : "e1000e");
        if (virtio)
            qemuBuildVirtioOptionsProps(dev, &net->info);
        qemuJSONPropsAddString(dev, "netdev", netdevId);
        qemuJSONPropsAddString(dev, "id", net->info.alias);
        if (net->mac)
            qemuJSONPropsAddString(dev, "mac", net->mac);
        qemuDomainPCIAddressProps(dev, def, &net->info);
        if (boot->nets[i])
            qemuJSONPropsAddUInt(dev, "bootindex", boot->nets[i]);
        if (net->info.acpiIndex)
            qemuJSONPropsAddUInt(dev, "acpi-index", net->info.acpiIndex);
        qemuJSONPropsAppendArg(args, "-device", dev);
    }
    return 0;
}


/* ---- serial ports and consoles ---------------------------------------------- */

static int
qemuBuildChardevArg(GPtrArray *args, const virDomainChrDef *chr,
                    const char *chardevId, GError **error)
{
    switch (chr->type) {
    case VIR_DOMAIN_CHR_TYPE_PTY:
        qemuAddArgFormat(args, "-chardev", "pty,id=%s", chardevId);
        return 0;
    case VIR_DOMAIN_CHR_TYPE_FILE: {
        g_autofree char *path = NULL;

        if (!chr->path)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("serial port '%1$s' of type 'file' has no <source path=...>"),
                                  chr->info.alias);
        path = qemuEscapeComma(chr->path);
        qemuAddArgFormat(args, "-chardev", "file,id=%s,path=%s", chardevId, path);
        return 0;
    }
    case VIR_DOMAIN_CHR_TYPE_LAST:
    default:
        break;
    }
    return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                          _("serial port '%1$s' has an unsupported type"),
                          chr->info.alias);
}


static int
qemuBuildSerialCommandLine(GPtrArray *args, const virDomainDef *def,
                           const virQEMUCaps *caps, GError **error)
{
    virDomainChrDef *const *serials = def->serials;
    size_t nserials = def->nserials;
    size_t i;

    /* A console of target type serial with no <serial> is the first serial
     * port (libvirt turns it into one); with serial ports it only mirrors
     * the first one. */
    if (nserials == 0 && def->nconsoles > 0) {
        const virDomainChrDef *con = def->consoles[0];

        if (con->targetType && !g_str_equal(con->targetType, "serial"))
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("console target type '%1$s' is not supported: use 'serial'"),
                                  con->targetType);
        serials = def->consoles;
        nserials = 1;
    }

    for (i = 0; i < nserials; i++) {
        const virDomainChrDef *chr = serials[i];
        const char *alias = chr->deviceType == VIR_DOMAIN_CHR_DEVICE_CONSOLE ?
                            "serial0" : chr->info.alias;
        g_autofree char *chardevId = g_strdup_printf("char%s", alias);
        const char *target = chr->targetModel ? chr->targetModel : chr->targetType;

        if (virDomainDefIsVirt(def)) {
            if (target && !g_str_equal(target, "pl011") &&
                !g_str_equal(target, "system-serial") && !g_str_equal(target, "serial"))
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                      _("serial port '%1$s': target '%2$s' is not supported on machine type virt, use the built-in pl011 (system-serial)"),
                                      alias, target);
            if (i > 0)
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                      _("serial port '%1$s': machine type virt has a single pl011 serial port"),
                                      alias);
            if (qemuBuildChardevArg(args, chr, chardevId, error) < 0)
                return -1;
            qemuAddArgFormat(args, "-serial", "chardev:%s", chardevId);
        } else {
            g_autoptr(qemuJSONProps) props = NULL;
            g_autofree char *what = g_strdup_printf(_("serial port '%1$s'"), alias);

            if (target && !g_str_equal(target, "isa-serial") && !g_str_equal(target, "serial"))
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                      _("serial port '%1$s': target '%2$s' is not supported, use 'isa-serial'"),
                                      alias, target);
            if (qemuCheckCap(caps, QEMU_CAPS_DEVICE_ISA_SERIAL, what, error) < 0 ||
                qemuBuildChardevArg(args, chr, chardevId, error) < 0)
                return -1;
            props = qemuJSONPropsNew();
            qemuJSONPropsAddString(props, "driver", "isa-serial");
            qemuJSONPropsAddString(props, "chardev", chardevId);
            qemuJSONPropsAddString(props, "id", alias);
            qemuJSONPropsAddUInt(props, "index", chr->targetPort >= 0 ? (unsigned int)chr->targetPort : i);
            qemuJSONPropsAppendArg(args, "-device", props);
        }
    }
    return 0;
}


static int
qemuBuildMemballoonCommandLine(GPtrArray *args, const virDomainDef *def,
                               const virQEMUCaps *caps, GError **error)
{
    if (!def->memballoon || def->memballoon->model != VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO)
        return 0;
    return qemuBuildSimplePCIDevice(args, def, caps, &def->memballoon->info,
                                    QEMU_CAPS_DEVICE_VIRTIO_BALLOON_PCI,
                                    "virtio-balloon-pci", _("memballoon"), error);
}


/* ---- the whole command line ------------------------------------------------- */

static int
qemuBuildPreamble(GPtrArray *args, const virDomainDef *def,
                  const virQEMUCaps *caps, GError **error)
{
    g_auto(qemuFirmware) fw = { 0 };
    g_autofree char *name = qemuEscapeComma(def->name);

    if (qemuPrepareFirmware(def, &fw, error) < 0)
        return -1;

    qemuAddArgFormat(args, "-name", "guest=%s,debug-threads=on", name);
    qemuAddArg(args, "-S");
    qemuBuildPflashCommandLine(args, &fw);
    if (qemuBuildMachineCommandLine(args, def, caps, &fw, error) < 0 ||
        qemuBuildCpuCommandLine(args, def, error) < 0)
        return -1;
    if (def->loader && !fw.loader)
        qemuAddArgFormat(args, "-bios", "%s", def->loader);
    if (qemuBuildMemoryCommandLine(args, def, error) < 0)
        return -1;
    qemuAddArgFormat(args, "-smp", "%u,sockets=%u,cores=1,threads=1",
                     virDomainDefGetVcpus(def), virDomainDefGetVcpus(def));
    if (def->uuid)
        qemuAddArgFormat(args, "-uuid", "%s", def->uuid);
    qemuAddArgFormat(args, "-display", "none");
    qemuAddArg(args, "-no-user-config");
    qemuAddArg(args, "-nodefaults");
    qemuAddArgFormat(args, "-chardev", "socket,id=charmonitor,fd=@mon-fd@,server=on,wait=off");
    qemuAddArgFormat(args, "-mon", "chardev=charmonitor,id=monitor,mode=control");
    if (qemuBuildClockCommandLine(args, def, error) < 0)
        return -1;
    qemuBuildLifecycleCommandLine(args, def);
    qemuAddArgFormat(args, "-boot", "strict=on");
    return 0;
}


static int
qemuCheckDomain(const virDomainDef *def, const virQEMUCaps *caps, GError **error)
{
    const char *capsArch = virQEMUCapsGetArch(caps);

    if (!def->name || !def->machine || !def->arch)
        return virReportError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                              _("the domain has no name, machine type or architecture"));
    if (!virQEMUCapsRunsArch(caps, def->arch))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("the domain's architecture '%1$s' does not match the QEMU binary's '%2$s' (%3$s)"),
                              def->arch, capsArch,
                              NULLSTR_EMPTY(virQEMUCapsGetBinary(caps)));
    if (!qemuDomainHasPCILayout(def))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("machine type '%1$s' is not supported by this command line: use q35 or pc (x86), or virt (aarch64)"),
                              def->machine);
    if (def->memoryKiB == 0)
        return virReportError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                              _("the domain has no memory"));
    return 0;
}


qemuCommandLine *
qemuBuildCommandLine(const virDomainDef *def, const virQEMUCaps *caps,
                     GError **error)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_auto(qemuBootIndexes) boot = { 0 };
    const char *emulator = def->emulator ? def->emulator : virQEMUCapsGetBinary(caps);
    qemuCommandLine *cmd;

    if (qemuCheckDomain(def, caps, error) < 0)
        return NULL;
    if (!emulator) {
        virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("no emulator: give <emulator> in the domain or a QEMU binary"));
        return NULL;
    }
    if (qemuAssignBootIndexes(def, &boot, error) < 0)
        return NULL;

    qemuAddArg(args, emulator);
    if (qemuBuildPreamble(args, def, caps, error) < 0 ||
        qemuBuildControllersCommandLine(args, def, caps, error) < 0 ||
        qemuViommuBuildIOMMUCommandLine(args, def, caps, error) < 0 ||
        qemuBuildDisksCommandLine(args, def, caps, &boot, error) < 0 ||
        qemuBuildNetCommandLine(args, def, caps, &boot, error) < 0 ||
        qemuBuildSerialCommandLine(args, def, caps, error) < 0)
        return NULL;

    qemuAddArgFormat(args, "-audiodev", "{\"id\":\"audio1\",\"driver\":\"none\"}");
    if (virDomainDefIsQ35(def)) {
        /* q35's built-in iTCO watchdog, which libvirt always describes */
        qemuAddArgFormat(args, "-global", "ICH9-LPC.noreboot=off");
        qemuAddArgFormat(args, "-watchdog-action", "reset");
    }

    if (qemuViommuBuildHostdevCommandLine(args, def, caps, error) < 0 ||
        qemuBuildMemballoonCommandLine(args, def, caps, error) < 0)
        return NULL;

    qemuAddArgFormat(args, "-sandbox",
                     "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    qemuAddArgFormat(args, "-msg", "timestamp=on");

    g_ptr_array_add(args, NULL);
    cmd = g_new0(qemuCommandLine, 1);
    cmd->env = qemuBuildEnv(def);
    cmd->argv = (char **)g_ptr_array_steal(args, NULL);
    return cmd;
}


/* ---- output ---------------------------------------------------------------- */

static void
qemuShellEscape(GString *buf, const char *str)
{
    const char *p;

    if (*str && !strpbrk(str, QEMU_SHELL_SPECIAL)) {
        g_string_append(buf, str);
        return;
    }
    g_string_append_c(buf, '\'');
    for (p = str; *p; p++) {
        if (*p == '\'')
            g_string_append(buf, "'\\''");
        else
            g_string_append_c(buf, *p);
    }
    g_string_append_c(buf, '\'');
}


/* NAME=value with the value quoted when needed */
static void
qemuShellEscapeEnv(GString *buf, const char *env)
{
    const char *eq = strchr(env, '=');

    if (!eq) {
        qemuShellEscape(buf, env);
        return;
    }
    g_string_append_len(buf, env, eq - env + 1);
    qemuShellEscape(buf, eq + 1);
}


char *
qemuCommandLineToString(const qemuCommandLine *cmd)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    size_t i;

    for (i = 0; cmd->env && cmd->env[i]; i++) {
        qemuShellEscapeEnv(buf, cmd->env[i]);
        g_string_append_c(buf, ' ');
    }
    for (i = 0; cmd->argv && cmd->argv[i]; i++) {
        if (i > 0)
            g_string_append_c(buf, ' ');
        qemuShellEscape(buf, cmd->argv[i]);
    }
    return g_string_free(g_steal_pointer(&buf), FALSE);
}


char *
qemuCommandLineToArgsFile(const qemuCommandLine *cmd)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    bool first = true;
    size_t i;

    for (i = 0; cmd->env && cmd->env[i]; i++) {
        if (!first)
            g_string_append(buf, " \\\n");
        qemuShellEscapeEnv(buf, cmd->env[i]);
        first = false;
    }
    for (i = 0; cmd->argv && cmd->argv[i]; i++) {
        const char *arg = cmd->argv[i];

        /* an option starts a new line, its value stays on it */
        if (!first && (i == 0 || arg[0] == '-'))
            g_string_append(buf, " \\\n");
        else if (!first)
            g_string_append_c(buf, ' ');
        qemuShellEscape(buf, arg);
        first = false;
    }
    g_string_append_c(buf, '\n');
    return g_string_free(g_steal_pointer(&buf), FALSE);
}
