/*
 * qemu_domain_address.c: PCI topology of a domain the way libvirt's QEMU
 *                        driver lays it out at define time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The assignment runs twice, like libvirt's: a first pass over every device
 * finds out how many pcie-root-ports have to be added (a PCIe endpoint
 * without an address needs a hot-pluggable slot, and only root ports and
 * switch downstream ports have one); the ports are then added to the
 * domain, and a second pass hands out the addresses for real, so that the
 * added ports come first on pcie.0 and each device lands on the lowest free
 * port, in libvirt's device order: PCI controllers, interfaces, other
 * controllers, virtio disks, hostdevs, memballoon, PCI vIOMMUs.
 */
#include <string.h>

#include "qemu_domain_address.h"
#include "qemu_opaque.h"
#include "virerror.h"
#include "virpci.h"

#define QEMU_PCI_SLOTS 32
#define QEMU_PCI_FUNCTIONS 8
#define QEMU_PCI_MAX_BUSES 256

#define NULLSTR(s) ((s) ? (s) : "?")

/* Kinds of things that plug into a PCI bus (a bus accepts a set of them) */
typedef enum {
    QEMU_PCI_CONNECT_PCI_DEVICE = 1 << 0,
    QEMU_PCI_CONNECT_PCIE_DEVICE = 1 << 1,
    QEMU_PCI_CONNECT_ROOT_PORT = 1 << 2,
    QEMU_PCI_CONNECT_SWITCH_UP = 1 << 3,
    QEMU_PCI_CONNECT_SWITCH_DOWN = 1 << 4,
    QEMU_PCI_CONNECT_DMI_TO_PCI = 1 << 5,
    QEMU_PCI_CONNECT_PCI_BRIDGE = 1 << 6,
    QEMU_PCI_CONNECT_PCIE_TO_PCI = 1 << 7,
    QEMU_PCI_CONNECT_PXB = 1 << 8,
    QEMU_PCI_CONNECT_PXB_PCIE = 1 << 9,
} qemuPCIConnect;

#define QEMU_PCI_CONNECT_ENDPOINT \
    (QEMU_PCI_CONNECT_PCI_DEVICE | QEMU_PCI_CONNECT_PCIE_DEVICE)

/* What a pcie-root-port accepts: an added root port can host these */
#define QEMU_PCI_CONNECT_ROOT_PORT_CHILD \
    (QEMU_PCI_CONNECT_PCIE_DEVICE | QEMU_PCI_CONNECT_SWITCH_UP | \
     QEMU_PCI_CONNECT_PCIE_TO_PCI)

typedef struct {
    int model;                 /* virDomainControllerModelPCI, -1: no bus */
    unsigned int accepts;      /* qemuPCIConnect mask */
    bool hotplug;              /* slots are hot-pluggable */
    unsigned int minSlot;
    unsigned int maxSlot;
    guint8 used[QEMU_PCI_SLOTS];        /* bitmap of functions in use */
    bool aggregate[QEMU_PCI_SLOTS];     /* slot shared by root ports */
    const char *owner[QEMU_PCI_SLOTS][QEMU_PCI_FUNCTIONS];
} qemuPCIBus;

typedef struct {
    virDomainDeviceInfo *info;
    virDomainControllerDef *cont;   /* set for PCI controllers */
    unsigned int connect;           /* one qemuPCIConnect bit */
    bool hotplug;                   /* needs a hot-pluggable slot */
    bool aggregate;                 /* may share a slot (root ports) */
    bool placed;                    /* given its chipset slot already */
    bool integrated;                /* must sit on bus 0 */
    char *desc;                     /* for messages */
    /* an ICH9 USB2 controller: its function in the slot it shares with
     * the others of its index (-1: not one), and that index */
    int usb2Function;
    int usb2Index;
    /* where this pass put it (the dry run writes no device info) */
    bool at;
    unsigned int atBus;
    unsigned int atSlot;
} qemuPCIDev;

typedef struct {
    GArray *buses;        /* qemuPCIBus, indexed by controller index */
    GPtrArray *devs;      /* qemuPCIDev *, in assignment order */
    /* device infos of what libvirt adds that the model does not hold (the
     * implicit virtio-serial controller): they take a slot all the same */
    GPtrArray *implicit;
    bool dryRun;          /* first pass: may add root ports, writes nothing */
    unsigned int added;   /* controllers added by the first pass */
    GArray *addedModels;  /* their models (int), in index order */
} qemuPCIAddrSet;


static void
qemuPCIDevFree(gpointer opaque)
{
    qemuPCIDev *dev = opaque;

    g_free(dev->desc);
    g_free(dev);
}


static void
qemuPCIAddrSetFree(qemuPCIAddrSet *set)
{
    if (!set)
        return;
    g_array_unref(set->buses);
    g_array_unref(set->addedModels);
    g_ptr_array_unref(set->devs);
    if (set->implicit)
        g_ptr_array_unref(set->implicit);
    g_free(set);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuPCIAddrSet, qemuPCIAddrSetFree);


static void
qemuPCIBusSetModel(qemuPCIBus *bus, int model)
{
    memset(bus, 0, sizeof(*bus));
    bus->model = model;
    bus->minSlot = 0;
    bus->maxSlot = QEMU_PCI_SLOTS - 1;

    switch ((virDomainControllerModelPCI)model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
        bus->accepts = QEMU_PCI_CONNECT_PCI_DEVICE | QEMU_PCI_CONNECT_PCI_BRIDGE |
                       QEMU_PCI_CONNECT_PXB;
        bus->hotplug = true;
        bus->minSlot = 1;   /* slot 0 is the host bridge */
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
        /* integrated devices only: nothing on pcie.0 is hot-pluggable */
        bus->accepts = QEMU_PCI_CONNECT_PCIE_DEVICE | QEMU_PCI_CONNECT_ROOT_PORT |
                       QEMU_PCI_CONNECT_DMI_TO_PCI | QEMU_PCI_CONNECT_PXB_PCIE;
        bus->minSlot = 1;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        bus->accepts = QEMU_PCI_CONNECT_PCI_DEVICE | QEMU_PCI_CONNECT_PCI_BRIDGE;
        bus->hotplug = true;
        bus->minSlot = 1;   /* slot 0 is used by the SHPC */
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_EXPANDER_BUS:
        bus->accepts = QEMU_PCI_CONNECT_PCI_DEVICE | QEMU_PCI_CONNECT_PCI_BRIDGE;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_DOWNSTREAM_PORT:
        bus->accepts = QEMU_PCI_CONNECT_ROOT_PORT_CHILD;
        bus->hotplug = true;
        bus->maxSlot = 0;   /* a port is a link to exactly one device */
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_UPSTREAM_PORT:
        bus->accepts = QEMU_PCI_CONNECT_SWITCH_DOWN;
        bus->hotplug = true;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS:
        bus->accepts = QEMU_PCI_CONNECT_ROOT_PORT;
        break;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_DEFAULT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
    default:
        bus->model = -1;
        break;
    }
}


static unsigned int
qemuPCIControllerConnect(const virDomainControllerDef *cont)
{
    switch ((virDomainControllerModelPCI)cont->model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        return QEMU_PCI_CONNECT_ROOT_PORT;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_UPSTREAM_PORT:
        return QEMU_PCI_CONNECT_SWITCH_UP;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_DOWNSTREAM_PORT:
        return QEMU_PCI_CONNECT_SWITCH_DOWN;
    case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        return QEMU_PCI_CONNECT_DMI_TO_PCI;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        return QEMU_PCI_CONNECT_PCI_BRIDGE;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        return QEMU_PCI_CONNECT_PCIE_TO_PCI;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_EXPANDER_BUS:
        return QEMU_PCI_CONNECT_PXB;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS:
        return QEMU_PCI_CONNECT_PXB_PCIE;
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_DEFAULT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
    default:
        return 0;
    }
}


/* What a device is, for messages: "an endpoint device", "a pci-bridge" */
static const char *
qemuPCIConnectName(unsigned int connect)
{
    if (connect & QEMU_PCI_CONNECT_ENDPOINT)
        return _("an endpoint device");
    if (connect & QEMU_PCI_CONNECT_ROOT_PORT)
        return _("a pcie-root-port");
    if (connect & QEMU_PCI_CONNECT_SWITCH_UP)
        return _("a pcie-switch-upstream-port");
    if (connect & QEMU_PCI_CONNECT_SWITCH_DOWN)
        return _("a pcie-switch-downstream-port");
    if (connect & QEMU_PCI_CONNECT_DMI_TO_PCI)
        return _("a dmi-to-pci-bridge");
    if (connect & QEMU_PCI_CONNECT_PCI_BRIDGE)
        return _("a pci-bridge");
    if (connect & QEMU_PCI_CONNECT_PCIE_TO_PCI)
        return _("a pcie-to-pci-bridge");
    if (connect & QEMU_PCI_CONNECT_PXB)
        return _("a pci-expander-bus");
    return _("a pcie-expander-bus");
}


static const char *
qemuPCIModelName(int model)
{
    const char *name = virDomainControllerModelPCITypeToString(model);

    return name ? name : "?";
}


/* ---- machine types -------------------------------------------------------- */

bool
qemuDomainIsI440FX(const virDomainDef *def)
{
    return def->machine &&
           (g_str_equal(def->machine, "pc") ||
            g_str_has_prefix(def->machine, "pc-i440fx-"));
}


bool
qemuDomainHasPCILayout(const virDomainDef *def)
{
    return virDomainDefIsQ35(def) || virDomainDefIsVirt(def) ||
           qemuDomainIsI440FX(def);
}


/* The USB controller that is the PIIX3's UHCI function of an i440fx
 * machine: the first USB controller, when its model is piix3-uhci or left
 * to libvirt (whose default it is there) */
virDomainControllerDef *
qemuDomainFindPIIX3USB(const virDomainDef *def)
{
    size_t i;

    if (!qemuDomainIsI440FX(def))
        return NULL;
    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *cont = def->controllers[i];

        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_USB)
            return cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_DEFAULT ||
                   cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI ? cont : NULL;
    }
    return NULL;
}


/* ---- the bus table ----------------------------------------------------- */

/* The function an ICH9 USB2 controller has in its slot (EHCI at 7, its
 * UHCI companions at 0, 1, 2); -1 for any other controller */
static int
qemuUSB2Function(const virDomainControllerDef *cont)
{
    if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_USB)
        return -1;
    switch (cont->model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1:
        return 7;
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1:
        return 0;
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI2:
        return 1;
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI3:
        return 2;
    default:
        return -1;
    }
}

static qemuPCIBus *
qemuPCIAddrSetBus(qemuPCIAddrSet *set, unsigned int idx)
{
    if (idx >= set->buses->len)
        return NULL;
    return &g_array_index(set->buses, qemuPCIBus, idx);
}


static int
qemuPCIAddrSetAddBus(qemuPCIAddrSet *set, unsigned int idx, int model)
{
    qemuPCIBus bus;

    if (idx >= QEMU_PCI_MAX_BUSES)
        return -1;
    while (set->buses->len <= idx) {
        qemuPCIBusSetModel(&bus, -1);
        g_array_append_val(set->buses, bus);
    }
    qemuPCIBusSetModel(qemuPCIAddrSetBus(set, idx), model);
    return 0;
}


static bool
qemuPCIBusAccepts(const qemuPCIBus *bus, unsigned int connect, bool fromConfig)
{
    unsigned int accepts = bus->accepts;

    if (bus->model < 0)
        return false;
    /* As libvirt does: an address written by the user may put a PCI
     * endpoint on a PCIe bus or the other way round. */
    if (fromConfig && (accepts & QEMU_PCI_CONNECT_ENDPOINT))
        accepts |= QEMU_PCI_CONNECT_ENDPOINT;
    return (accepts & connect) != 0;
}


static void
qemuPCIBusTake(qemuPCIBus *bus, unsigned int slot, unsigned int function,
               const qemuPCIDev *dev)
{
    bus->used[slot] |= 1 << function;
    bus->owner[slot][function] = dev ? dev->desc : NULL;
    if (dev && dev->aggregate)
        bus->aggregate[slot] = true;
}


/* Reserve an address written in the XML (or fixed by the machine type) */
static int
qemuPCIAddrSetReserve(qemuPCIAddrSet *set, const qemuPCIDev *dev,
                      const virPCIDeviceAddress *addr, GError **error)
{
    qemuPCIBus *bus = qemuPCIAddrSetBus(set, addr->bus);
    /* domain 0 is the only one there is; a different one is refused below */
    g_autofree char *str = virPCIAddressFormat(0, addr->bus, addr->slot,
                                               addr->function);
    const char *owner;

    if (addr->domain != 0)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("PCI address %1$s of %2$s: only PCI domain 0 is supported"),
                              str, dev->desc);
    if (dev->integrated && addr->bus != 0)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("The device at PCI address %1$s needs to be an integrated device (bus=0)"),
                              str);
    if (!bus || bus->model < 0)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("PCI address %1$s of %2$s names bus 0x%3$02x, but there is no PCI controller with index='%4$u'"),
                              str, dev->desc, addr->bus, addr->bus);
    if (!qemuPCIBusAccepts(bus, dev->connect, true))
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("PCI address %1$s of %2$s: the %3$s controller with index='%4$u' cannot take %5$s"),
                              str, dev->desc, qemuPCIModelName(bus->model), addr->bus,
                              qemuPCIConnectName(dev->connect));
    if (addr->slot < bus->minSlot || addr->slot > bus->maxSlot) {
        if (bus->minSlot == bus->maxSlot)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("PCI address %1$s of %2$s: the %3$s controller with index='%4$u' only has slot 0x%5$02x"),
                                  str, dev->desc, qemuPCIModelName(bus->model),
                                  addr->bus, bus->minSlot);
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("PCI address %1$s of %2$s: slot must be within 0x%3$02x..0x%4$02x on the %5$s controller with index='%6$u'"),
                              str, dev->desc, bus->minSlot, bus->maxSlot,
                              qemuPCIModelName(bus->model), addr->bus);
    }
    if (addr->function >= QEMU_PCI_FUNCTIONS)
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("PCI address %1$s of %2$s: function must be within 0..7"),
                              str, dev->desc);
    if (bus->used[addr->slot] & (1 << addr->function)) {
        owner = bus->owner[addr->slot][addr->function];
        return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                              _("PCI address %1$s of %2$s is already in use by %3$s"),
                              str, dev->desc, owner ? owner : _("a device built into the machine"));
    }
    qemuPCIBusTake(bus, addr->slot, addr->function, dev);
    return 0;
}


/* First free address for @dev, scanning buses and slots in order.
 * Returns 1 when found, 0 when there is none. */
static void
qemuPCIDevAt(qemuPCIDev *dev, unsigned int bus, unsigned int slot)
{
    dev->at = true;
    dev->atBus = bus;
    dev->atSlot = slot;
}

static int
qemuPCIAddrSetFindFree(qemuPCIAddrSet *set, qemuPCIDev *dev,
                       virPCIDeviceAddress *addr)
{
    size_t b;
    unsigned int slot;
    unsigned int fn;

    for (b = 0; b < set->buses->len; b++) {
        qemuPCIBus *bus = qemuPCIAddrSetBus(set, b);

        if (!qemuPCIBusAccepts(bus, dev->connect, false) ||
            (dev->hotplug && !bus->hotplug))
            continue;
        /* a controller goes below one of lower index: never into its own
         * bus or one of its children */
        if (dev->cont && b >= (size_t)dev->cont->idx)
            break;

        for (slot = bus->minSlot; slot <= bus->maxSlot; slot++) {
            if (dev->aggregate && bus->aggregate[slot] && bus->used[slot] != 0xff) {
                for (fn = 0; bus->used[slot] & (1 << fn); fn++)
                    ;
                goto found;
            }
            if (bus->used[slot] == 0) {
                /* a USB2 controller at its own function of a new slot */
                fn = dev->usb2Function > 0 ? dev->usb2Function : 0;
                goto found;
            }
        }
        continue;

     found:
        memset(addr, 0, sizeof(*addr));
        addr->bus = b;
        addr->slot = slot;
        addr->function = fn;
        qemuPCIBusTake(bus, slot, fn, dev);
        qemuPCIDevAt(dev, b, slot);
        return 1;
    }
    return 0;
}


/* An ICH9 USB2 controller joins the slot of another of its index that
 * has an address already, at its own function, as libvirt puts them */
static bool
qemuPCIAddrSetAssignUSB2(qemuPCIAddrSet *set, qemuPCIDev *dev,
                         virPCIDeviceAddress *addr)
{
    size_t i;

    for (i = 0; dev->usb2Function >= 0 && i < set->devs->len; i++) {
        qemuPCIDev *sib = set->devs->pdata[i];
        unsigned int b;
        unsigned int slot;
        qemuPCIBus *bus;

        if (sib == dev || sib->usb2Function < 0 || sib->usb2Index != dev->usb2Index)
            continue;
        if (sib->at) {
            b = sib->atBus;
            slot = sib->atSlot;
        } else if (sib->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI) {
            b = sib->info->pci.bus;
            slot = sib->info->pci.slot;
        } else {
            continue;
        }
        if (!(bus = qemuPCIAddrSetBus(set, b)) || slot >= QEMU_PCI_SLOTS ||
            bus->used[slot] & (1 << dev->usb2Function))
            return false;
        qemuPCIBusTake(bus, slot, dev->usb2Function, dev);
        qemuPCIDevAt(dev, b, slot);
        memset(addr, 0, sizeof(*addr));
        addr->bus = b;
        addr->slot = slot;
        addr->function = dev->usb2Function;
        return true;
    }
    return false;
}

static int
qemuPCIAddrSetAssign(qemuPCIAddrSet *set, qemuPCIDev *dev, GError **error)
{
    virPCIDeviceAddress addr;
    qemuPCIBus *root = qemuPCIAddrSetBus(set, 0);

    if (qemuPCIAddrSetAssignUSB2(set, dev, &addr))
        goto done;

    /* a dmi-to-pci-bridge goes to 00:1e.0 where real Q35 hardware has it */
    if (dev->connect == QEMU_PCI_CONNECT_DMI_TO_PCI && root &&
        root->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT &&
        root->used[0x1e] == 0) {
        memset(&addr, 0, sizeof(addr));
        addr.slot = 0x1e;
        qemuPCIBusTake(root, 0x1e, 0, dev);
        goto done;
    }

    if (qemuPCIAddrSetFindFree(set, dev, &addr) > 0)
        goto done;

    /* No slot: in the first pass, add a pcie-root-port when one could take
     * the device, as libvirt does; a conventional PCI device gets a
     * pcie-to-pci-bridge (itself on a root port). The controllers get their
     * own addresses in the second pass. */
    if (set->dryRun && root &&
        root->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT &&
        (dev->connect & (QEMU_PCI_CONNECT_ROOT_PORT_CHILD | QEMU_PCI_CONNECT_PCI_DEVICE))) {
        bool bridge = !(dev->connect & QEMU_PCI_CONNECT_ROOT_PORT_CHILD);
        int model = bridge ? VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE :
                             VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT;
        unsigned int idx;
        qemuPCIBus *bus;

        if (bridge) {
            qemuPCIDev bridgeDev = {
                .connect = QEMU_PCI_CONNECT_PCIE_TO_PCI,
                .desc = (char *)"a pcie-to-pci-bridge",
            };
            virDomainDeviceInfo info = { 0 };

            bridgeDev.info = &info;
            if (qemuPCIAddrSetAssign(set, &bridgeDev, error) < 0)
                return -1;
        }
        idx = set->buses->len;
        if (qemuPCIAddrSetAddBus(set, idx, model) < 0)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("No free PCI bus index left for a %1$s for %2$s"),
                                  qemuPCIModelName(model), dev->desc);
        set->added++;
        g_array_append_val(set->addedModels, model);
        bus = qemuPCIAddrSetBus(set, idx);
        qemuPCIBusTake(bus, bus->minSlot, 0, dev);
        return 0;
    }

    return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                          _("No free PCI slot for %1$s: add a controller that can take %2$s, or give it an address"),
                          dev->desc, qemuPCIConnectName(dev->connect));

 done:
    if (!set->dryRun) {
        dev->info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
        dev->info->pci = addr;
        dev->info->pci.multi = VIR_TRISTATE_SWITCH_ABSENT;
    }
    return 0;
}


/* ---- the devices ------------------------------------------------------- */

static qemuPCIDev *
qemuPCIAddrSetAddDev(qemuPCIAddrSet *set, virDomainDeviceInfo *info,
                     virDomainControllerDef *cont, unsigned int connect,
                     bool hotplug, char *desc)
{
    qemuPCIDev *dev = g_new0(qemuPCIDev, 1);

    dev->info = info;
    dev->cont = cont;
    dev->connect = connect;
    dev->hotplug = hotplug;
    dev->aggregate = connect == QEMU_PCI_CONNECT_ROOT_PORT;
    dev->desc = desc;
    dev->usb2Function = -1;
    g_ptr_array_add(set->devs, dev);
    return dev;
}


static gint
qemuPCIControllerCompare(gconstpointer a, gconstpointer b)
{
    const virDomainControllerDef *ca = *(virDomainControllerDef * const *)a;
    const virDomainControllerDef *cb = *(virDomainControllerDef * const *)b;

    return ca->idx - cb->idx;
}


static char *
qemuPCIDescribeAlias(const char *what, const char *alias, size_t i)
{
    if (alias)
        return g_strdup_printf("%s '%s'", what, alias);
    return g_strdup_printf("%s #%zu", what, i + 1);
}


/* The opaque devices of libvirt's assignment stage @stage that take a PCI
 * slot: a PCIe endpoint gets a root port on q35, a conventional PCI device
 * a slot of a pcie-to-pci-bridge (added like libvirt adds it). The primary
 * video is always collected: it gets its chipset slot first
 * (qemuPCIAddrSetPlaceChipsetSlots). */
static void
qemuPCIAddrSetAddOthers(qemuPCIAddrSet *set, virDomainDef *def, const char *stage)
{
    virDomainOtherDeviceDef *primary = qemuOpaquePrimaryVideo(def);
    size_t i;

    for (i = 0; i < def->nothers; i++) {
        virDomainOtherDeviceDef *dev = def->others[i];
        qemuOpaquePCIKind kind = qemuOpaqueDevicePCIKind(dev);
        bool addressed = dev->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
        /* below a pci-root (i440fx) every endpoint is conventional PCI */
        unsigned int connect = kind == QEMU_OPAQUE_PCI_CONVENTIONAL || qemuDomainIsI440FX(def) ?
            QEMU_PCI_CONNECT_PCI_DEVICE : QEMU_PCI_CONNECT_PCIE_DEVICE;

        bool chipset = dev == primary || qemuOpaqueIsICH9Sound(dev);

        if (!g_str_equal(qemuOpaqueDeviceStage(dev), stage))
            continue;
        if (!addressed && !chipset &&
            (dev->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE ||
             kind == QEMU_OPAQUE_PCI_NONE))
            continue;
        qemuPCIAddrSetAddDev(set, &dev->info, NULL, connect, true,
                             qemuPCIDescribeAlias(dev->name, dev->info.alias, i));
    }
}


/* libvirt adds a virtio-serial controller for a virtio channel or console
 * when the domain has none; it takes a PCIe slot among the controllers */
static void
qemuPCIAddrSetAddImplicitVirtioSerial(qemuPCIAddrSet *set, virDomainDef *def)
{
    virDomainDeviceInfo *info;

    if (!qemuOpaqueNeedsVirtioSerial(def))
        return;
    if (!set->implicit)
        set->implicit = g_ptr_array_new_with_free_func(g_free);
    info = g_new0(virDomainDeviceInfo, 1);
    g_ptr_array_add(set->implicit, info);
    qemuPCIAddrSetAddDev(set, info, NULL, QEMU_PCI_CONNECT_PCIE_DEVICE, true,
                         g_strdup(_("the virtio-serial controller libvirt adds")));
}


/* How a controller other than a PCI one connects, 0 for none (libvirt's
 * stage of "device controllers": USB, SCSI, virtio-serial, NVMe, SATA and
 * IDE beyond the built-in ones) */
static unsigned int
qemuPCIOtherControllerConnect(const virDomainDef *def,
                              const virDomainControllerDef *cont)
{
    switch (cont->type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB1 ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB2)
            return 0;
        if (cont->model < 0 || cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI)
            return QEMU_PCI_CONNECT_PCIE_DEVICE;
        return QEMU_PCI_CONNECT_PCI_DEVICE;
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        if (cont->model < 0 || cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_SCSI ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_NON_TRANSITIONAL)
            return QEMU_PCI_CONNECT_PCIE_DEVICE;
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_NCR53C90)
            return 0;
        return QEMU_PCI_CONNECT_PCI_DEVICE;
    case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
    case VIR_DOMAIN_CONTROLLER_TYPE_NVME:
        return QEMU_PCI_CONNECT_PCIE_DEVICE;
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
        /* the q35 built-in one at 1f.2 is reserved as a built-in */
        return cont->idx == 0 && virDomainDefIsQ35(def) ? 0 : QEMU_PCI_CONNECT_PCIE_DEVICE;
    case VIR_DOMAIN_CONTROLLER_TYPE_IDE:
        return cont->idx == 0 ? 0 : QEMU_PCI_CONNECT_PCI_DEVICE;
    default:
        return 0;
    }
}


/* Every device that has or needs a PCI address, in libvirt's order */
static void
qemuPCIAddrSetCollect(qemuPCIAddrSet *set, virDomainDef *def)
{
    g_autoptr(GPtrArray) pcis = g_ptr_array_new();
    const virDomainControllerDef *root = virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0);
    /* what an endpoint is on this machine: PCIe under pcie-root, else
     * conventional PCI (i440fx), as libvirt decides for virtio devices */
    unsigned int endpoint = root && root->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT ?
                            QEMU_PCI_CONNECT_PCI_DEVICE : QEMU_PCI_CONNECT_PCIE_DEVICE;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *cont = def->controllers[i];

        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            qemuPCIControllerConnect(cont) != 0)
            g_ptr_array_add(pcis, cont);
    }
    g_ptr_array_sort(pcis, qemuPCIControllerCompare);
    for (i = 0; i < pcis->len; i++) {
        virDomainControllerDef *cont = pcis->pdata[i];

        qemuPCIAddrSetAddDev(set, &cont->info, cont, qemuPCIControllerConnect(cont),
                             false,
                             g_strdup_printf(_("PCI controller index='%1$d' (%2$s)"),
                                             cont->idx, qemuPCIModelName(cont->model)));
    }

    qemuPCIAddrSetAddOthers(set, def, "filesystem");

    for (i = 0; i < def->nnets; i++)
        qemuPCIAddrSetAddDev(set, &def->nets[i]->info, NULL,
                             endpoint, true,
                             qemuPCIDescribeAlias("interface", def->nets[i]->info.alias, i));
    qemuPCIAddrSetAddOthers(set, def, "interface");
    qemuPCIAddrSetAddOthers(set, def, "sound");

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *cont = def->controllers[i];
        unsigned int connect;
        qemuPCIDev *dev;

        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI ||
            cont == qemuDomainFindPIIX3USB(def) ||
            !(connect = qemuPCIOtherControllerConnect(def, cont)))
            continue;
        if (connect == QEMU_PCI_CONNECT_PCIE_DEVICE)
            connect = endpoint;
        dev = qemuPCIAddrSetAddDev(set, &cont->info, NULL, connect, true,
                                   g_strdup_printf(_("%1$s controller index='%2$d'"),
                                                   virDomainControllerTypeToString(cont->type),
                                                   cont->idx));
        dev->usb2Function = qemuUSB2Function(cont);
        dev->usb2Index = cont->idx;
    }
    qemuPCIAddrSetAddImplicitVirtioSerial(set, def);

    for (i = 0; i < def->ndisks; i++) {
        virDomainDiskDef *disk = def->disks[i];

        if (disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO)
            qemuPCIAddrSetAddDev(set, &disk->info, NULL, endpoint, true,
                                 g_strdup_printf(_("disk '%1$s'"), NULLSTR(disk->dst)));
    }
    qemuPCIAddrSetAddOthers(set, def, "disk");

    for (i = 0; i < def->nhostdevs; i++) {
        virDomainHostdevDef *hostdev = def->hostdevs[i];
        g_autofree char *src = virPCIDeviceAddressAsString(&hostdev->source);
        g_autofree char *what = qemuPCIDescribeAlias("hostdev", hostdev->info.alias, i);

        qemuPCIAddrSetAddDev(set, &hostdev->info, NULL, endpoint, true,
                             g_strdup_printf(_("%1$s (host device %2$s)"), what, src));
    }

    qemuPCIAddrSetAddOthers(set, def, "hostdev");

    if (def->memballoon && def->memballoon->model == VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO)
        qemuPCIAddrSetAddDev(set, &def->memballoon->info, NULL,
                             endpoint, true,
                             g_strdup(_("memballoon")));
    qemuPCIAddrSetAddOthers(set, def, "memballoon");
    qemuPCIAddrSetAddOthers(set, def, "rng");
    qemuPCIAddrSetAddOthers(set, def, "watchdog");
    qemuPCIAddrSetAddOthers(set, def, "video");
    qemuPCIAddrSetAddOthers(set, def, "shmem");
    qemuPCIAddrSetAddOthers(set, def, "input");

    /* virtio-iommu-pci and AMDVI-PCI are integrated devices of the root */
    for (i = 0; i < def->niommus; i++) {
        virDomainIOMMUDef *iommu = def->iommus[i];

        if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_VIRTIO ||
            iommu->model == VIR_DOMAIN_IOMMU_MODEL_AMD) {
            qemuPCIAddrSetAddDev(set, &iommu->info, NULL, endpoint, false,
                                 qemuPCIDescribeAlias("iommu", iommu->info.alias, i));
            /* libvirt marks virtio-iommu integrated: QEMU wants it on the
             * root bus ("virtio-iommu-pci must be plugged on the root bus") */
            if (iommu->model == VIR_DOMAIN_IOMMU_MODEL_VIRTIO)
                ((qemuPCIDev *)g_ptr_array_index(set->devs, set->devs->len - 1))->integrated = true;
        }
    }
    qemuPCIAddrSetAddOthers(set, def, "vsock");
    qemuPCIAddrSetAddOthers(set, def, "memory");
    qemuPCIAddrSetAddOthers(set, def, "crypto");
}


static qemuPCIAddrSet *
qemuPCIAddrSetNew(virDomainDef *def, bool dryRun, GError **error)
{
    g_autoptr(qemuPCIAddrSet) set = g_new0(qemuPCIAddrSet, 1);
    size_t i;

    set->buses = g_array_new(FALSE, TRUE, sizeof(qemuPCIBus));
    set->addedModels = g_array_new(FALSE, TRUE, sizeof(int));
    set->devs = g_ptr_array_new_with_free_func(qemuPCIDevFree);
    set->dryRun = dryRun;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *cont = def->controllers[i];

        if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI)
            continue;
        if (cont->idx < 0 || cont->idx >= QEMU_PCI_MAX_BUSES) {
            virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                           _("PCI controller index='%1$d' is out of range 0..%2$d"),
                           cont->idx, QEMU_PCI_MAX_BUSES - 1);
            return NULL;
        }
        if (qemuPCIAddrSetAddBus(set, cont->idx, cont->model) < 0)
            return NULL;
    }

    qemuPCIAddrSetCollect(set, def);
    return g_steal_pointer(&set);
}


/* The PIIX3 of i440fx at 00:01: ISA bridge (.0), IDE (.1), the USB
 * controller libvirt gives the machine by default (.2, piix3-uhci) and the
 * ACPI power management function (.3) */
static int
qemuPCIAddrSetReservePIIX3(qemuPCIAddrSet *set, virDomainDef *def,
                           qemuPCIBus *root)
{
    virDomainControllerDef *usb = qemuDomainFindPIIX3USB(def);
    unsigned int fn;

    for (fn = 0; fn < 4; fn++)
        qemuPCIBusTake(root, 1, fn, NULL);
    if (usb && !set->dryRun) {
        usb->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
        memset(&usb->info.pci, 0, sizeof(usb->info.pci));
        usb->info.pci.slot = 1;
        usb->info.pci.function = 2;
    }
    return 0;
}


/* Slots of the machine type that are not in the domain model */
static int
qemuPCIAddrSetReserveBuiltins(qemuPCIAddrSet *set, virDomainDef *def,
                              GError **error)
{
    qemuPCIBus *root = qemuPCIAddrSetBus(set, 0);
    virPCIDeviceAddress sata = { .slot = 0x1f, .function = 2 };
    size_t i;

    if (!root)
        return 0;
    if (qemuDomainIsI440FX(def))
        return qemuPCIAddrSetReservePIIX3(set, def, root);
    if (!virDomainDefIsQ35(def))
        return 0;

    /* ICH9: LPC/ISA bridge at 1f.0, AHCI at 1f.2, SMBus at 1f.3 */
    qemuPCIBusTake(root, 0x1f, 0, NULL);
    qemuPCIBusTake(root, 0x1f, 3, NULL);

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *cont = def->controllers[i];
        g_autofree char *str = NULL;

        if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_SATA || cont->idx != 0)
            continue;
        if (cont->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            (cont->info.pci.bus != 0 || cont->info.pci.slot != 0x1f ||
             cont->info.pci.function != 2)) {
            str = virPCIAddressFormat(0, cont->info.pci.bus, cont->info.pci.slot,
                                      cont->info.pci.function);
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("SATA controller index='0' is built into the q35 machine at PCI address 0000:00:1f.2, not %1$s"),
                                  str);
        }
        if (!set->dryRun) {
            cont->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
            cont->info.pci = sata;
        }
    }
    qemuPCIBusTake(root, 0x1f, 2, NULL);
    root->owner[0x1f][2] = NULL;
    return 0;
}


/* The collected device whose info is @info */
static qemuPCIDev *
qemuPCIAddrSetFindDev(qemuPCIAddrSet *set, const virDomainDeviceInfo *info)
{
    size_t i;

    for (i = 0; i < set->devs->len; i++) {
        qemuPCIDev *dev = set->devs->pdata[i];

        if (dev->info == info)
            return dev;
    }
    return NULL;
}


/* Put an unaddressed device at the slot of the root bus the chipset has
 * for it, if that slot is free (else it is assigned like any other) */
static void
qemuPCIAddrSetPlaceAt(qemuPCIAddrSet *set, virDomainDeviceInfo *info,
                      unsigned int slot)
{
    qemuPCIBus *root = qemuPCIAddrSetBus(set, 0);
    qemuPCIDev *dev = qemuPCIAddrSetFindDev(set, info);

    if (!dev || !root || info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE ||
        root->used[slot] != 0)
        return;
    qemuPCIBusTake(root, slot, 0, dev);
    qemuPCIDevAt(dev, 0, slot);
    dev->placed = true;
    if (!set->dryRun) {
        info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
        memset(&info->pci, 0, sizeof(info->pci));
        info->pci.slot = slot;
    }
}

/* q35: an unaddressed ICH9 UHCI1 goes to 00:1d.0, or 00:1a.0 when 1d is
 * taken (where real Q35 hardware has its USB2 functions); the other ICH9
 * USB2 controllers of its index join it when addresses are assigned
 * (qemuPCIAddrSetAssignUSB2), as libvirt places them */
static void
qemuPCIAddrSetPlaceUSB2(qemuPCIAddrSet *set, virDomainDef *def)
{
    qemuPCIBus *root = qemuPCIAddrSetBus(set, 0);
    size_t i;

    for (i = 0; root && i < def->ncontrollers; i++) {
        virDomainControllerDef *uhci1 = def->controllers[i];

        if (uhci1->type != VIR_DOMAIN_CONTROLLER_TYPE_USB ||
            uhci1->model != VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1 ||
            uhci1->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
            continue;
        if (root->used[0x1d] == 0)
            qemuPCIAddrSetPlaceAt(set, &uhci1->info, 0x1d);
        else
            qemuPCIAddrSetPlaceAt(set, &uhci1->info, 0x1a);
    }
}


/* What libvirt puts at fixed slots of the chipset before assigning the
 * rest: the primary video card at 00:01.0 on q35 (00:02.0 behind PIIX3 on
 * i440fx), an ICH9 sound card at 00:1b.0 and the ICH9 USB2 controllers at
 * 00:1d on q35 */
/* A domain with <graphics> and no <video> gets one from libvirt (cirrus on
 * x86), at the primary video slot */
static bool
qemuDomainHasImplicitVideo(const virDomainDef *def)
{
    bool graphics = false;
    size_t i;

    for (i = 0; i < def->nothers; i++) {
        if (g_str_equal(def->others[i]->name, "video"))
            return false;
        if (g_str_equal(def->others[i]->name, "graphics"))
            graphics = true;
    }
    return graphics;
}


static void
qemuPCIAddrSetPlaceChipsetSlots(qemuPCIAddrSet *set, virDomainDef *def)
{
    virDomainOtherDeviceDef *video = qemuOpaquePrimaryVideo(def);
    qemuPCIBus *root = qemuPCIAddrSetBus(set, 0);
    size_t i;

    if (root && qemuDomainHasImplicitVideo(def) && !virDomainDefIsVirt(def)) {
        unsigned int slot = virDomainDefIsQ35(def) ? 1 : 2;

        if (root->used[slot] == 0)
            qemuPCIBusTake(root, slot, 0, NULL);
    }

    if (video && virDomainDefIsQ35(def))
        qemuPCIAddrSetPlaceAt(set, &video->info, 1);
    else if (video && !virDomainDefIsVirt(def))
        qemuPCIAddrSetPlaceAt(set, &video->info, 2);
    for (i = 0; i < def->nothers && virDomainDefIsQ35(def); i++) {
        virDomainOtherDeviceDef *dev = def->others[i];

        if (qemuOpaqueIsICH9Sound(dev)) {
            qemuPCIAddrSetPlaceAt(set, &dev->info, 0x1b);
            break;
        }
    }
    if (virDomainDefIsQ35(def))
        qemuPCIAddrSetPlaceUSB2(set, def);
}


static int
qemuPCIAddrSetRun(qemuPCIAddrSet *set, virDomainDef *def, GError **error)
{
    size_t i;

    if (qemuPCIAddrSetReserveBuiltins(set, def, error) < 0)
        return -1;

    for (i = 0; i < set->devs->len; i++) {
        qemuPCIDev *dev = set->devs->pdata[i];

        if (dev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            qemuPCIAddrSetReserve(set, dev, &dev->info->pci, error) < 0)
            return -1;
    }

    qemuPCIAddrSetPlaceChipsetSlots(set, def);

    for (i = 0; i < set->devs->len; i++) {
        qemuPCIDev *dev = set->devs->pdata[i];

        if (dev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE &&
            !dev->placed &&
            qemuPCIAddrSetAssign(set, dev, error) < 0)
            return -1;
    }
    return 0;
}


/* ---- changes to the domain --------------------------------------------- */

static virDomainControllerDef *
qemuDomainNewController(virDomainControllerType type, int idx, int model)
{
    virDomainControllerDef *cont = g_new0(virDomainControllerDef, 1);

    cont->type = type;
    cont->idx = idx;
    cont->model = model;
    cont->chassis = -1;
    cont->chassisNr = -1;
    cont->port = -1;
    cont->busNr = -1;
    cont->targetIndex = -1;
    return cont;
}


/* Insert @cont after the last controller of its type (libvirt keeps them
 * grouped by type, PCI ones by index) */
static void
qemuDomainInsertController(virDomainDef *def, virDomainControllerDef *cont)
{
    size_t pos = def->ncontrollers;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == cont->type &&
            (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI ||
             def->controllers[i]->idx < cont->idx))
            pos = i + 1;
    }
    def->controllers = g_renew(virDomainControllerDef *, def->controllers,
                               def->ncontrollers + 1);
    memmove(def->controllers + pos + 1, def->controllers + pos,
            (def->ncontrollers - pos) * sizeof(*def->controllers));
    def->controllers[pos] = cont;
    def->ncontrollers++;
}


static virDomainControllerDef *
qemuDomainFindControllerOfType(const virDomainDef *def, virDomainControllerType type)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == type)
            return def->controllers[i];
    }
    return NULL;
}


/* The implicit devices libvirt adds for q35, i440fx and virt */
static int
qemuDomainAddDefaultDevices(virDomainDef *def, const virQEMUCaps *caps,
                            GError **error)
{
    virDomainControllerDef *root = virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0);
    virDomainControllerDef *usb;
    bool pc = qemuDomainIsI440FX(def);
    bool x86 = pc || virDomainDefIsQ35(def);
    int rootModel = pc ? VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT
                       : VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT;

    if (root && root->model != rootModel)
        return virReportError(error, VIR_ERR_XML_ERROR,
                              _("The PCI controller with index='0' must be model='%1$s' for machine type '%2$s', but model='%3$s' was found instead"),
                              qemuPCIModelName(rootModel), def->machine,
                              qemuPCIModelName(root->model));
    if (!root) {
        root = qemuDomainNewController(VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0, rootModel);
        root->info.alias = g_strdup(pc ? "pci.0" : "pcie.0");
        qemuDomainInsertController(def, root);
    }

    if (!x86)
        return 0;

    usb = qemuDomainFindControllerOfType(def, VIR_DOMAIN_CONTROLLER_TYPE_USB);
    if (pc) {
        /* the PIIX3's own UHCI function */
        if (!usb) {
            usb = qemuDomainNewController(VIR_DOMAIN_CONTROLLER_TYPE_USB, 0,
                                          VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI);
            usb->info.alias = g_strdup("usb");
            qemuDomainInsertController(def, usb);
        }
    } else if (!usb && virQEMUCapsGet(caps, QEMU_CAPS_DEVICE_QEMU_XHCI)) {
        usb = qemuDomainNewController(VIR_DOMAIN_CONTROLLER_TYPE_USB, 0,
                                      VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI);
        usb->info.alias = g_strdup("usb");
        qemuDomainInsertController(def, usb);
    } else if (usb && usb->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_DEFAULT) {
        usb->model = VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI;
    }

    if (!virDomainDefHasMemballoon(def)) {
        def->memballoon = g_new0(virDomainMemballoonDef, 1);
        def->memballoon->model = VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO;
        def->memballoon->info.alias = g_strdup("balloon0");
    }
    return 0;
}


/* The controllers the first pass added, from index @firstIdx on */
static void
qemuDomainAddControllers(virDomainDef *def, int firstIdx, GArray *models)
{
    unsigned int i;

    for (i = 0; i < models->len; i++) {
        virDomainControllerDef *cont;

        cont = qemuDomainNewController(VIR_DOMAIN_CONTROLLER_TYPE_PCI, firstIdx + i,
                                       g_array_index(models, int, i));
        cont->info.alias = g_strdup_printf("pci.%d", firstIdx + (int)i);
        qemuDomainInsertController(def, cont);
    }
}


/* lowest busNr in use minus 2 (one for the expander bus, one for its
 * built-in bridge), leaving the low numbers to buses of pcie.0 */
static int
qemuDomainFindNewBusNr(const virDomainDef *def)
{
    int lowest = 256;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *cont = def->controllers[i];

        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            cont->busNr >= 0 && cont->busNr < lowest)
            lowest = cont->busNr;
    }
    if (lowest <= 2)
        return -1;
    return lowest - 2;
}


static int
qemuDomainSetControllerDefaults(virDomainDef *def, GError **error)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        virDomainControllerDef *cont = def->controllers[i];
        const virPCIDeviceAddress *addr = &cont->info.pci;

        if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_PCI)
            continue;
        if (!cont->info.alias)
            cont->info.alias = cont->idx == 0 ? g_strdup("pcie.0")
                                              : g_strdup_printf("pci.%d", cont->idx);

        switch ((virDomainControllerModelPCI)cont->model) {
        case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
            if (cont->chassisNr < 0)
                cont->chassisNr = cont->idx;
            if ((unsigned int)cont->idx <= addr->bus)
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                      _("PCI controller at index %1$d (0x%2$02x) has bus='0x%3$02x', but index must be larger than bus"),
                                      cont->idx, cont->idx, addr->bus);
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
            if (cont->chassis < 0)
                cont->chassis = cont->idx;
            if (cont->port < 0)
                cont->port = (addr->slot << 3) + addr->function;
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_DOWNSTREAM_PORT:
            if (cont->chassis < 0)
                cont->chassis = cont->idx;
            if (cont->port < 0)
                cont->port = addr->slot;
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_PCI_EXPANDER_BUS:
        case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS:
            if (cont->busNr < 0)
                cont->busNr = qemuDomainFindNewBusNr(def);
            if (cont->busNr < 0)
                return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                      _("No free busNr lower than the lowest busNr in use is left for the %1$s controller with index='%2$d': set <target busNr=...> on it"),
                                      qemuPCIModelName(cont->model), cont->idx);
            break;
        case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
        case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
        case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_UPSTREAM_PORT:
        case VIR_DOMAIN_CONTROLLER_MODEL_PCI_DEFAULT:
        case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
        default:
            break;
        }
    }
    return 0;
}


/* multifunction='on' for function 0 of every slot with more functions */
static void
qemuDomainSetMulti(qemuPCIAddrSet *set)
{
    size_t i;

    for (i = 0; i < set->devs->len; i++) {
        qemuPCIDev *dev = set->devs->pdata[i];
        virDomainDeviceInfo *info = dev->info;
        qemuPCIBus *bus;

        if (info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI ||
            info->pci.function != 0 ||
            info->pci.multi != VIR_TRISTATE_SWITCH_ABSENT)
            continue;
        bus = qemuPCIAddrSetBus(set, info->pci.bus);
        if (bus && (bus->used[info->pci.slot] & 0xfe))
            info->pci.multi = VIR_TRISTATE_SWITCH_ON;
    }
}


/* "sda" -> 0, "vdb" -> 1, "sdaa" -> 26; -1 when not a disk name */
static int
qemuDiskNameToIndex(const char *name)
{
    const char *p;
    int idx = 0;

    if (!name || strlen(name) < 3)
        return -1;
    for (p = name + 2; *p; p++) {
        if (*p < 'a' || *p > 'z' || idx > 100000)
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
    }
    return idx - 1;
}


static int
qemuDomainAssignDriveAddresses(virDomainDef *def, GError **error)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        virDomainDiskDef *disk = def->disks[i];
        int idx;

        if (disk->bus == VIR_DOMAIN_DISK_BUS_VIRTIO ||
            disk->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
            continue;
        if ((idx = qemuDiskNameToIndex(disk->dst)) < 0)
            return virReportError(error, VIR_ERR_CONFIG_UNSUPPORTED,
                                  _("cannot derive a drive address from the target name '%1$s' of a disk"),
                                  NULLSTR(disk->dst));
        disk->info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE;
        virDomainDiskDriveAddressFromIndex(disk->bus, idx, &disk->info.drive);
    }
    return 0;
}


/* A PCI address written in the XML may name a bus that has no controller
 * yet: like libvirt, add the controllers for every missing bus up to the
 * highest one named, of the model a device can be plugged into there
 * (pcie-root-port below a pcie-root, pci-bridge below a pci-root). The
 * new controllers get their own addresses in the normal assignment.
 * Returns how many were added, or -1. */
static int
qemuDomainAddMissingBuses(virDomainDef *def, GError **error)
{
    g_autoptr(qemuPCIAddrSet) probe = NULL;
    const virDomainControllerDef *root;
    unsigned int maxBus = 0;
    unsigned int bus;
    int model;
    int added = 0;
    size_t i;

    if (!(probe = qemuPCIAddrSetNew(def, true, error)))
        return -1;
    for (i = 0; i < probe->devs->len; i++) {
        const qemuPCIDev *dev = probe->devs->pdata[i];
        const virPCIDeviceAddress *addr = &dev->info->pci;

        if (dev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            addr->domain == 0 && addr->bus < QEMU_PCI_MAX_BUSES &&
            addr->bus > maxBus)
            maxBus = addr->bus;
    }

    root = virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, 0);
    model = root && root->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT ?
            VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE :
            VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT;
    for (bus = 1; bus <= maxBus; bus++) {
        virDomainControllerDef *cont;

        if (virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, bus))
            continue;
        cont = qemuDomainNewController(VIR_DOMAIN_CONTROLLER_TYPE_PCI, bus, model);
        cont->info.alias = g_strdup_printf("pci.%u", bus);
        qemuDomainInsertController(def, cont);
        added++;
    }
    return added;
}


int
qemuDomainAssignAddresses(virDomainDef *def, const virQEMUCaps *caps,
                          GError **error)
{
    int missing;
    g_autoptr(qemuPCIAddrSet) dry = NULL;
    g_autoptr(qemuPCIAddrSet) set = NULL;
    int maxIdx = -1;
    size_t i;

    /* another machine type (microvm, isapc, ...): no layout of ours; the
     * command line refuses it (qemuBuildCommandLine) */
    if (!qemuDomainHasPCILayout(def))
        return 0;

    if (qemuDomainAddDefaultDevices(def, caps, error) < 0)
        return -1;

    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
            def->controllers[i]->idx > maxIdx)
            maxIdx = def->controllers[i]->idx;
    }

    if ((missing = qemuDomainAddMissingBuses(def, error)) < 0)
        return -1;

    /* first pass: how many root ports are missing */
    if (!(dry = qemuPCIAddrSetNew(def, true, error)) ||
        qemuPCIAddrSetRun(dry, def, error) < 0)
        return -1;

    /* When the user left the PCI topology to us, add one spare root port so
     * that a device can be hot-plugged later (libvirt does the same). */
    if (maxIdx <= 0 && (dry->added > 0 || missing > 0) &&
        qemuPCIAddrSetBus(dry, 0) &&
        qemuPCIAddrSetBus(dry, 0)->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT) {
        qemuPCIDev spare = {
            .connect = QEMU_PCI_CONNECT_PCIE_DEVICE,
            .hotplug = true,
            .desc = (char *)"a spare hot-plug slot",
        };
        virDomainDeviceInfo info = { 0 };

        spare.info = &info;
        if (qemuPCIAddrSetAssign(dry, &spare, error) < 0)
            return -1;
    }

    if (dry->added > 0)
        qemuDomainAddControllers(def, dry->buses->len - dry->added, dry->addedModels);

    /* second pass: the real addresses */
    if (!(set = qemuPCIAddrSetNew(def, false, error)) ||
        qemuPCIAddrSetRun(set, def, error) < 0)
        return -1;

    qemuDomainSetMulti(set);

    if (qemuDomainSetControllerDefaults(def, error) < 0)
        return -1;

    return qemuDomainAssignDriveAddresses(def, error);
}


/* ---- queries used by the command line ---------------------------------- */

const char *
qemuDomainPCIBusAlias(const virDomainDef *def, unsigned int busIdx)
{
    const virDomainControllerDef *cont;

    cont = virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_PCI, busIdx);
    if (busIdx == 0) {
        if (cont && cont->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT)
            return "pci.0";
        return "pcie.0";
    }
    if (!cont)
        return NULL;
    return cont->info.alias;
}




void
qemuDomainPCIAddressProps(qemuJSONProps *props, const virDomainDef *def,
                          const virDomainDeviceInfo *info)
{
    const virPCIDeviceAddress *addr = &info->pci;
    const char *bus;
    g_autofree char *slot = NULL;

    if (info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
        return;
    bus = qemuDomainPCIBusAlias(def, addr->bus);
    qemuJSONPropsAddString(props, "bus", bus ? bus : "");
    if (addr->multi == VIR_TRISTATE_SWITCH_ON)
        qemuJSONPropsAddBool(props, "multifunction", true);
    else if (addr->multi == VIR_TRISTATE_SWITCH_OFF)
        qemuJSONPropsAddBool(props, "multifunction", false);
    if (addr->function == 0)
        slot = g_strdup_printf("0x%x", addr->slot);
    else
        slot = g_strdup_printf("0x%x.0x%x", addr->slot, addr->function);
    qemuJSONPropsAddString(props, "addr", slot);
}


void
qemuDomainDeviceInfoProps(qemuJSONProps *props, const virDomainDef *def,
                          const virDomainDeviceInfo *info)
{
    qemuDomainPCIAddressProps(props, def, info);
    if (info->acpiIndex)
        qemuJSONPropsAddUInt(props, "acpi-index", info->acpiIndex);
}


const char *
qemuDomainPCIControllerDriver(const virDomainControllerDef *cont)
{
    if (cont->modelName)
        return cont->modelName;

    switch ((virDomainControllerModelPCI)cont->model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE:
        return "pci-bridge";
    case VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE:
        return "i82801b11-bridge";
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT:
        return "pcie-root-port";
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_UPSTREAM_PORT:
        return "x3130-upstream";
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_SWITCH_DOWNSTREAM_PORT:
        return "xio3130-downstream";
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_EXPANDER_BUS:
        return "pxb";
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_EXPANDER_BUS:
        return "pxb-pcie";
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE:
        return "pcie-pci-bridge";
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_DEFAULT:
    case VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST:
    default:
        return NULL;
    }
}
