/*
 * qemu_capabilities.c: what a QEMU binary can do, probed over QMP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The probe starts the binary with "-machine none -S" under TCG and asks
 * QMP: query-version, query-target, qom-list-types, query-machines, and
 * the properties (name, type, default) of the device, object and machine
 * types listed in virQEMUCapsProbeTypes. Only those recorded facts are
 * kept; every flag is computed from them by virQEMUCapsDeriveFlags, so a
 * recorded document replays exactly what the binary said, and a flag can
 * never be set from a version number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "qemu_capabilities.h"
#include "virbuffer.h"
#include "virqmp.h"
#include "virxml.h"

/* Bump when the document's layout or the set of probed types changes:
 * cached documents of another format are re-probed, and parsing a
 * document of another format is an error. */
#define VIR_QEMU_CAPS_FORMAT 2

#define NULLSTR_EMPTY(s) ((s) ? (s) : "")

/* How long "BINARY -version" may take for the cache check of a wrapper
 * script, and how much of its output is read */
#define VIR_QEMU_CAPS_VERSION_TIMEOUT_MS 10000
#define VIR_QEMU_CAPS_VERSION_MAX_OUTPUT 4096

VIR_ENUM_IMPL(virQEMUCaps, QEMU_CAPS_LAST,
    /* intel-iommu */
    "intel-iommu",
    "intel-iommu.intremap",
    "intel-iommu.caching-mode",
    "intel-iommu.eim",
    "intel-iommu.device-iotlb",
    "intel-iommu.aw-bits",
    "intel-iommu.dma-translation",
    "intel-iommu.scalable-mode",
    "intel-iommu.x-scalable-mode",
    "intel-iommu.fsts",
    "intel-iommu.x-flts",
    "intel-iommu.pasid-bits",
    "intel-iommu.x-pasid-mode",
    "intel-iommu.svm",
    "intel-iommu.fs1gp",
    "intel-iommu.snoop-control",
    "intel-iommu-nesting-vfio",
    "intel-iommu-pasid-vfio",

    /* amd-iommu */
    "amd-iommu",
    "amd-iommu.pci-id",
    "amd-iommu.xtsup",
    "amd-iommu.pt",
    "amd-iommu.intremap",
    "amd-iommu.device-iotlb",
    "AMDVI-PCI",

    /* virtio-iommu-pci */
    "virtio-iommu-pci",
    "virtio-iommu-pci.aw-bits",
    "virtio-iommu-pci.granule",
    "virtio-iommu-pci.boot-bypass",

    /* arm-smmuv3 */
    "arm-smmuv3",
    "arm-smmuv3.primary-bus",
    "arm-smmuv3.accel",
    "arm-smmuv3.ats",
    "arm-smmuv3.ril",
    "arm-smmuv3.ssidsize",
    "arm-smmuv3.oas",
    "arm-smmuv3.cmdqv",
    "virt.iommu",

    /* iommufd and vfio-pci */
    "iommufd",
    "vfio-pci",
    "vfio-pci.iommufd",
    "vfio-pci.fd",
    "vfio-pci.x-vpasid-cap-offset",
    "vfio-pci.ats",

    /* PCI topology and other devices */
    "pcie-root-port",
    "pxb-pcie",
    "pci-bridge",
    "pcie-pci-bridge",
    "x3130-upstream",
    "xio3130-downstream",
    "qemu-xhci",
    "virtio-blk-pci",
    "virtio-scsi-pci",
    "virtio-net-pci",
    "e1000e",
    "virtio-balloon-pci",
    "isa-serial",
    "pl011",
    "memory-backend-ram",

    "arm-smmuv3-user-creatable",
);

typedef enum {
    VIR_QEMU_CAPS_KIND_DEVICE = 0,
    VIR_QEMU_CAPS_KIND_OBJECT,
    VIR_QEMU_CAPS_KIND_MACHINE,

    VIR_QEMU_CAPS_KIND_LAST
} virQEMUCapsKind;

VIR_ENUM_DECL(virQEMUCapsKind);
VIR_ENUM_IMPL(virQEMUCapsKind, VIR_QEMU_CAPS_KIND_LAST,
              "device", "object", "machine");

/* The QOM types the probe asks about. With @props the properties are
 * recorded too; without, only whether the type exists. */
static const struct {
    const char *name;
    virQEMUCapsKind kind;
    bool props;
} virQEMUCapsProbeTypes[] = {
    { "intel-iommu", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "amd-iommu", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "AMDVI-PCI", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "virtio-iommu-pci", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "arm-smmuv3", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "vfio-pci", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "pcie-root-port", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "pxb-pcie", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "pci-bridge", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "pcie-pci-bridge", VIR_QEMU_CAPS_KIND_DEVICE, true },
    { "x3130-upstream", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "xio3130-downstream", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "qemu-xhci", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "virtio-blk-pci", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "virtio-scsi-pci", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "virtio-net-pci", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "e1000e", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "virtio-balloon-pci", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "isa-serial", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "pl011", VIR_QEMU_CAPS_KIND_DEVICE, false },
    { "iommufd", VIR_QEMU_CAPS_KIND_OBJECT, true },
    { "memory-backend-ram", VIR_QEMU_CAPS_KIND_OBJECT, true },
};

/* Machine aliases whose canonical machine type has its properties
 * recorded (as type "<canonical>-machine"). */
static const char *const virQEMUCapsProbeMachineAliases[] = { "q35", "virt" };

typedef struct {
    char *name;
    char *type;
    char *defval;       /* NULL: QEMU reports no default */
} virQEMUCapsProperty;

typedef struct {
    char *name;
    virQEMUCapsKind kind;
    GPtrArray *props;   /* of virQEMUCapsProperty, sorted by name */
} virQEMUCapsQOMType;

typedef struct {
    char *name;
    char *alias;
    bool isDefault;
    bool deprecated;
    unsigned int maxCpus;   /* query-machines 'cpu-max' */
} virQEMUCapsMachine;

struct _virQEMUCaps {
    char *binary;
    char *arch;
    unsigned int version;
    char *versionStr;
    char *package;
    GPtrArray *machines;    /* of virQEMUCapsMachine, sorted by name */
    GPtrArray *types;       /* of virQEMUCapsQOMType, sorted by name */
    GPtrArray *cpuModels;   /* of char *, query-cpu-definitions, sorted */
    bool flags[QEMU_CAPS_LAST];

    /* what the cache checks; only written into cache files */
    bool haveStat;
    long long binarySize;
    char *binaryMTime;      /* "seconds.nanoseconds" */
    char *selfVersion;      /* the VERSION of the project that probed */
    char *versionLine;      /* first line of "-version", for a script */
};


static void
virQEMUCapsPropertyFree(virQEMUCapsProperty *prop)
{
    g_free(prop->name);
    g_free(prop->type);
    g_free(prop->defval);
    g_free(prop);
}

static void
virQEMUCapsQOMTypeFree(virQEMUCapsQOMType *type)
{
    g_free(type->name);
    g_ptr_array_unref(type->props);
    g_free(type);
}

static void
virQEMUCapsMachineFree(virQEMUCapsMachine *mach)
{
    g_free(mach->name);
    g_free(mach->alias);
    g_free(mach);
}

static virQEMUCapsQOMType *
virQEMUCapsQOMTypeNew(const char *name, virQEMUCapsKind kind)
{
    virQEMUCapsQOMType *type = g_new0(virQEMUCapsQOMType, 1);

    type->name = g_strdup(name);
    type->kind = kind;
    type->props = g_ptr_array_new_with_free_func((GDestroyNotify)virQEMUCapsPropertyFree);
    return type;
}

virQEMUCaps *
virQEMUCapsNew(void)
{
    virQEMUCaps *caps = g_new0(virQEMUCaps, 1);

    caps->machines = g_ptr_array_new_with_free_func((GDestroyNotify)virQEMUCapsMachineFree);
    caps->types = g_ptr_array_new_with_free_func((GDestroyNotify)virQEMUCapsQOMTypeFree);
    caps->cpuModels = g_ptr_array_new_with_free_func(g_free);
    return caps;
}

void
virQEMUCapsFree(virQEMUCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->binary);
    g_free(caps->arch);
    g_free(caps->versionStr);
    g_free(caps->package);
    g_ptr_array_unref(caps->machines);
    g_ptr_array_unref(caps->types);
    g_ptr_array_unref(caps->cpuModels);
    g_free(caps->binaryMTime);
    g_free(caps->selfVersion);
    g_free(caps->versionLine);
    g_free(caps);
}


/* ---- lookups ---------------------------------------------------------- */

static const virQEMUCapsQOMType *
virQEMUCapsFindType(const virQEMUCaps *caps, const char *name)
{
    size_t i;

    for (i = 0; i < caps->types->len; i++) {
        const virQEMUCapsQOMType *type = g_ptr_array_index(caps->types, i);
        if (strcmp(type->name, name) == 0)
            return type;
    }
    return NULL;
}

static const virQEMUCapsMachine *
virQEMUCapsFindMachine(const virQEMUCaps *caps, const char *name)
{
    size_t i;

    /* an alias wins: "virt" is both an alias and nothing else, but be
     * explicit about the order anyway */
    for (i = 0; i < caps->machines->len; i++) {
        const virQEMUCapsMachine *mach = g_ptr_array_index(caps->machines, i);
        if (mach->alias && strcmp(mach->alias, name) == 0)
            return mach;
    }
    for (i = 0; i < caps->machines->len; i++) {
        const virQEMUCapsMachine *mach = g_ptr_array_index(caps->machines, i);
        if (strcmp(mach->name, name) == 0)
            return mach;
    }
    return NULL;
}

/* The recorded type @typeName; a machine name or alias ("virt") also finds
 * the "<canonical>-machine" type. */
static const virQEMUCapsQOMType *
virQEMUCapsFindTypeOrMachine(const virQEMUCaps *caps, const char *typeName)
{
    const virQEMUCapsQOMType *type = virQEMUCapsFindType(caps, typeName);
    const virQEMUCapsMachine *mach;
    g_autofree char *machType = NULL;

    if (type)
        return type;
    if (!(mach = virQEMUCapsFindMachine(caps, typeName)))
        return NULL;
    machType = g_strdup_printf("%s-machine", mach->name);
    return virQEMUCapsFindType(caps, machType);
}

static const virQEMUCapsProperty *
virQEMUCapsFindProperty(const virQEMUCaps *caps, const char *typeName,
                        const char *property)
{
    const virQEMUCapsQOMType *type = virQEMUCapsFindTypeOrMachine(caps, typeName);
    size_t i;

    if (!type)
        return NULL;
    for (i = 0; i < type->props->len; i++) {
        const virQEMUCapsProperty *prop = g_ptr_array_index(type->props, i);
        if (strcmp(prop->name, property) == 0)
            return prop;
    }
    return NULL;
}

bool
virQEMUCapsGet(const virQEMUCaps *caps, virQEMUCapsFlags flag)
{
    if (!caps || (int)flag < 0 || (int)flag >= QEMU_CAPS_LAST)
        return false;
    return caps->flags[flag];
}

const char *
virQEMUCapsGetBinary(const virQEMUCaps *caps)
{
    return caps->binary;
}

void
virQEMUCapsSetBinary(virQEMUCaps *caps, const char *binary)
{
    g_free(caps->binary);
    caps->binary = g_strdup(binary);
}

const char *
virQEMUCapsGetArch(const virQEMUCaps *caps)
{
    return caps->arch;
}


bool
virQEMUCapsRunsArch(const virQEMUCaps *caps, const char *arch)
{
    const char *own = virQEMUCapsGetArch(caps);

    if (!own || !arch || g_str_equal(own, arch))
        return true;
    return g_str_equal(own, "x86_64") && g_str_equal(arch, "i686");
}

const char *
virQEMUCapsArchBinaryName(const char *arch)
{
    if (!arch || g_str_equal(arch, "i686"))
        return "x86_64";
    return arch;
}

unsigned int
virQEMUCapsGetVersion(const virQEMUCaps *caps)
{
    return caps->version;
}

const char *
virQEMUCapsGetVersionString(const virQEMUCaps *caps)
{
    return caps->versionStr;
}

const char *
virQEMUCapsGetPackage(const virQEMUCaps *caps)
{
    return caps->package;
}

const char *
virQEMUCapsGetCanonicalMachine(const virQEMUCaps *caps, const char *name)
{
    const virQEMUCapsMachine *mach = virQEMUCapsFindMachine(caps, name);

    return mach ? mach->name : NULL;
}

unsigned int
virQEMUCapsGetMachineMaxCpus(const virQEMUCaps *caps, const char *name)
{
    const virQEMUCapsMachine *mach = virQEMUCapsFindMachine(caps, name);

    return mach ? mach->maxCpus : 0;
}

bool
virQEMUCapsHasCPUModel(const virQEMUCaps *caps, const char *model)
{
    size_t i;

    for (i = 0; i < caps->cpuModels->len; i++) {
        if (g_str_equal(g_ptr_array_index(caps->cpuModels, i), model))
            return true;
    }
    return false;
}

/* A machine type or CPU model name goes into -machine or -cpu as the
 * first, unnamed value of an option that QEMU splits at commas and '=':
 * a name must be a plain word, whatever a probe or a document says. */
bool
virQEMUCapsNameIsPlain(const char *name)
{
    const char *p;

    if (!name || !*name)
        return false;
    for (p = name; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("._+-", *p))
            return false;
    }
    return true;
}

const char *
virQEMUCapsGetPropertyType(const virQEMUCaps *caps, const char *typeName,
                           const char *property)
{
    const virQEMUCapsProperty *prop = virQEMUCapsFindProperty(caps, typeName, property);

    return prop ? prop->type : NULL;
}

const char *
virQEMUCapsGetPropertyDefault(const virQEMUCaps *caps, const char *typeName,
                              const char *property)
{
    const virQEMUCapsProperty *prop = virQEMUCapsFindProperty(caps, typeName, property);

    return prop ? prop->defval : NULL;
}

bool
virQEMUCapsHasType(const virQEMUCaps *caps, const char *typeName)
{
    return virQEMUCapsFindTypeOrMachine(caps, typeName) != NULL;
}

bool
virQEMUCapsHasProperty(const virQEMUCaps *caps, const char *typeName,
                       const char *property)
{
    return virQEMUCapsFindProperty(caps, typeName, property) != NULL;
}


/* ---- flags ------------------------------------------------------------ */

/* Intel first-stage translation for assigned devices (HW nesting).
 * 'fsts' is the 11.1 name and always implies it. 10.0 already had
 * 'x-flts', but only for emulated devices: VFIO attach refuses it there.
 * 11.0 made 'x-flts' work with iommufd VFIO and brought, in the same
 * release, 'intel-iommu.svm' and 'vfio-pci.x-vpasid-cap-offset'; one of
 * those next to 'x-flts' tells an 11.0-style binary from a 10.x one
 * without looking at the version number. */
static bool
virQEMUCapsDeriveIntelNesting(const virQEMUCaps *caps)
{
    if (virQEMUCapsHasProperty(caps, "intel-iommu", "fsts"))
        return true;
    return virQEMUCapsHasProperty(caps, "intel-iommu", "x-flts") &&
           (virQEMUCapsHasProperty(caps, "intel-iommu", "svm") ||
            virQEMUCapsHasProperty(caps, "vfio-pci", "x-vpasid-cap-offset"));
}

/* PASID for assigned devices needs a width ('pasid-bits', 11.1): the old
 * boolean 'x-pasid-mode' gives emulated devices a 1-bit PASID only. */
static bool
virQEMUCapsDeriveIntelPASID(const virQEMUCaps *caps)
{
    return virQEMUCapsHasProperty(caps, "intel-iommu", "pasid-bits");
}

static bool
virQEMUCapsDeriveFlag(const virQEMUCaps *caps, virQEMUCapsFlags flag)
{
    const char *name = virQEMUCapsTypeToString(flag);
    const char *dot;
    g_autofree char *typeName = NULL;

    switch (flag) {
    case QEMU_CAPS_INTEL_IOMMU_NESTING_VFIO:
        return virQEMUCapsDeriveIntelNesting(caps);
    case QEMU_CAPS_INTEL_IOMMU_PASID_VFIO:
        return virQEMUCapsDeriveIntelPASID(caps);
    case QEMU_CAPS_DEVICE_ARM_SMMUV3_USER:
        return virQEMUCapsHasProperty(caps, "arm-smmuv3", "smmu_per_bus");
    case QEMU_CAPS_MACHINE_VIRT_IOMMU:
        /* "virt.iommu": the machine whose alias is 'virt' */
        return virQEMUCapsHasProperty(caps, "virt", "iommu");
    default:
        break;
    }

    if (!(dot = strchr(name, '.')))
        return virQEMUCapsFindType(caps, name) != NULL;
    typeName = g_strndup(name, dot - name);
    return virQEMUCapsHasProperty(caps, typeName, dot + 1);
}

static void
virQEMUCapsDeriveFlags(virQEMUCaps *caps)
{
    size_t i;

    for (i = 0; i < QEMU_CAPS_LAST; i++)
        caps->flags[i] = virQEMUCapsDeriveFlag(caps, i);
}


/* ---- probing ---------------------------------------------------------- */

static gint
virQEMUCapsCompareStrPtr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char * const *)a, *(const char * const *)b);
}

static gint
virQEMUCapsComparePropPtr(gconstpointer a, gconstpointer b)
{
    const virQEMUCapsProperty *pa = *(virQEMUCapsProperty * const *)a;
    const virQEMUCapsProperty *pb = *(virQEMUCapsProperty * const *)b;

    return strcmp(pa->name, pb->name);
}

static gint
virQEMUCapsCompareTypePtr(gconstpointer a, gconstpointer b)
{
    const virQEMUCapsQOMType *ta = *(virQEMUCapsQOMType * const *)a;
    const virQEMUCapsQOMType *tb = *(virQEMUCapsQOMType * const *)b;

    return strcmp(ta->name, tb->name);
}

static gint
virQEMUCapsCompareMachinePtr(gconstpointer a, gconstpointer b)
{
    const virQEMUCapsMachine *ma = *(virQEMUCapsMachine * const *)a;
    const virQEMUCapsMachine *mb = *(virQEMUCapsMachine * const *)b;

    return strcmp(ma->name, mb->name);
}

/* A QMP default-value as the string the document records: booleans as
 * true/false, numbers in decimal, strings as they are, anything else
 * (lists, objects, null) as compact JSON. */
static char *
virQEMUCapsDefaultToString(JsonNode *node)
{
    if (JSON_NODE_HOLDS_VALUE(node)) {
        GType t = json_node_get_value_type(node);

        if (t == G_TYPE_BOOLEAN)
            return g_strdup(json_node_get_boolean(node) ? "true" : "false");
        if (t == G_TYPE_INT64)
            return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
        if (t == G_TYPE_DOUBLE) {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            return g_strdup(g_ascii_dtostr(buf, sizeof(buf), json_node_get_double(node)));
        }
        if (t == G_TYPE_STRING)
            return g_strdup(json_node_get_string(node));
    }
    return json_to_string(node, FALSE);
}

static int
virQEMUCapsReplyArray(JsonNode *reply, const char *command, JsonArray **arr,
                      GError **error)
{
    if (!reply || !JSON_NODE_HOLDS_ARRAY(reply))
        return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                              _("QMP reply to '%1$s' is not an array"), command);
    *arr = json_node_get_array(reply);
    return 0;
}

static int
virQEMUCapsProbeProperties(virQEMUCaps *caps, virQMP *qmp, const char *name,
                           virQEMUCapsKind kind, GError **error)
{
    const char *command = kind == VIR_QEMU_CAPS_KIND_DEVICE ?
                          "device-list-properties" : "qom-list-properties";
    g_autoptr(JsonNode) reply = NULL;
    virQEMUCapsQOMType *type;
    JsonArray *arr;
    guint i;

    if (!(reply = virQMPCommandStrings(qmp, command, error, "typename", name, NULL)) ||
        virQEMUCapsReplyArray(reply, command, &arr, error) < 0)
        return -1;

    type = virQEMUCapsQOMTypeNew(name, kind);
    g_ptr_array_add(caps->types, type);
    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *obj = json_array_get_object_element(arr, i);
        virQEMUCapsProperty *prop;
        const char *propName;

        if (!obj || !(propName = json_object_get_string_member_with_default(obj, "name", NULL)))
            continue;
        prop = g_new0(virQEMUCapsProperty, 1);
        prop->name = g_strdup(propName);
        prop->type = g_strdup(json_object_get_string_member_with_default(obj, "type", ""));
        if (json_object_has_member(obj, "default-value"))
            prop->defval = virQEMUCapsDefaultToString(json_object_get_member(obj, "default-value"));
        g_ptr_array_add(type->props, prop);
    }
    g_ptr_array_sort(type->props, virQEMUCapsComparePropPtr);
    return 0;
}

static int
virQEMUCapsProbeVersion(virQEMUCaps *caps, virQMP *qmp, GError **error)
{
    g_autoptr(JsonNode) reply = virQMPCommand(qmp, "query-version", NULL, error);
    JsonObject *obj;
    JsonObject *ver;
    gint64 major, minor, micro;

    if (!reply)
        return -1;
    if (!JSON_NODE_HOLDS_OBJECT(reply) ||
        !(ver = json_object_get_object_member(obj = json_node_get_object(reply), "qemu")))
        return virReportError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                              _("malformed reply to 'query-version'"));
    major = json_object_get_int_member_with_default(ver, "major", -1);
    minor = json_object_get_int_member_with_default(ver, "minor", -1);
    micro = json_object_get_int_member_with_default(ver, "micro", -1);
    /* what the document can hold and read back (virQEMUCapsParseVersion):
     * anything else must fail the probe, not be cached and refused on
     * every later read */
    if (major < 0 || major > 4000 || minor < 0 || minor > 999 ||
        micro < 0 || micro > 999)
        return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                              _("malformed reply to 'query-version': version %1$" G_GINT64_FORMAT ".%2$" G_GINT64_FORMAT ".%3$" G_GINT64_FORMAT " is not MAJOR.MINOR.MICRO with MAJOR at most 4000 and MINOR and MICRO at most 999"),
                              major, minor, micro);
    caps->version = major * 1000000 + minor * 1000 + micro;
    caps->versionStr = g_strdup_printf("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
                                       ".%" G_GINT64_FORMAT, major, minor, micro);
    caps->package = g_strstrip(g_strdup(json_object_get_string_member_with_default(obj, "package", "")));
    return 0;
}

static int
virQEMUCapsProbeArch(virQEMUCaps *caps, virQMP *qmp, GError **error)
{
    g_autoptr(JsonNode) reply = virQMPCommand(qmp, "query-target", NULL, error);
    const char *arch;

    if (!reply)
        return -1;
    if (!JSON_NODE_HOLDS_OBJECT(reply) ||
        !(arch = json_object_get_string_member_with_default(json_node_get_object(reply),
                                                            "arch", NULL)))
        return virReportError(error, VIR_ERR_INTERNAL_ERROR, "%s",
                              _("malformed reply to 'query-target'"));
    caps->arch = g_strdup(arch);
    return 0;
}

static int
virQEMUCapsProbeMachines(virQEMUCaps *caps, virQMP *qmp, GError **error)
{
    g_autoptr(JsonNode) reply = virQMPCommand(qmp, "query-machines", NULL, error);
    JsonArray *arr;
    guint i;

    if (!reply || virQEMUCapsReplyArray(reply, "query-machines", &arr, error) < 0)
        return -1;
    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *obj = json_array_get_object_element(arr, i);
        virQEMUCapsMachine *mach;
        const char *name;

        if (!obj || !(name = json_object_get_string_member_with_default(obj, "name", NULL)))
            continue;
        gint64 maxCpus = json_object_get_int_member_with_default(obj, "cpu-max", 0);
        const char *alias = json_object_get_string_member_with_default(obj, "alias", NULL);

        /* "none" is the probe's own machine, not something to run */
        if (strcmp(name, "none") == 0)
            continue;
        if (!virQEMUCapsNameIsPlain(name) || (alias && !virQEMUCapsNameIsPlain(alias)))
            return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                                  _("malformed reply to 'query-machines': machine type '%1$s' is not a plain name"),
                                  virQEMUCapsNameIsPlain(name) ? alias : name);
        mach = g_new0(virQEMUCapsMachine, 1);
        g_ptr_array_add(caps->machines, mach);
        mach->name = g_strdup(name);
        mach->alias = g_strdup(alias);
        mach->isDefault = json_object_get_boolean_member_with_default(obj, "is-default", FALSE);
        mach->deprecated = json_object_get_boolean_member_with_default(obj, "deprecated", FALSE);
        mach->maxCpus = CLAMP(maxCpus, 0, G_MAXUINT32);
    }
    g_ptr_array_sort(caps->machines, virQEMUCapsCompareMachinePtr);
    return 0;
}

static int
virQEMUCapsProbeCPUModels(virQEMUCaps *caps, virQMP *qmp, GError **error)
{
    g_autoptr(JsonNode) reply = virQMPCommand(qmp, "query-cpu-definitions", NULL, error);
    JsonArray *arr;
    guint i;

    if (!reply || virQEMUCapsReplyArray(reply, "query-cpu-definitions", &arr, error) < 0)
        return -1;
    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *obj = json_array_get_object_element(arr, i);
        const char *name;

        if (!obj || !(name = json_object_get_string_member_with_default(obj, "name", NULL)))
            continue;
        if (!virQEMUCapsNameIsPlain(name))
            return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                                  _("malformed reply to 'query-cpu-definitions': CPU model '%1$s' is not a plain name"),
                                  name);
        g_ptr_array_add(caps->cpuModels, g_strdup(name));
    }
    g_ptr_array_sort(caps->cpuModels, virQEMUCapsCompareStrPtr);
    return 0;
}

static int
virQEMUCapsProbeTypesQMP(virQEMUCaps *caps, virQMP *qmp, GError **error)
{
    g_autoptr(JsonNode) reply = virQMPCommand(qmp, "qom-list-types", NULL, error);
    g_autoptr(GHashTable) known = g_hash_table_new(g_str_hash, g_str_equal);
    JsonArray *arr;
    size_t i;

    if (!reply || virQEMUCapsReplyArray(reply, "qom-list-types", &arr, error) < 0)
        return -1;
    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *obj = json_array_get_object_element(arr, i);
        const char *name = obj ? json_object_get_string_member_with_default(obj, "name", NULL) : NULL;
        if (name)
            g_hash_table_add(known, (gpointer)name);
    }

    for (i = 0; i < G_N_ELEMENTS(virQEMUCapsProbeTypes); i++) {
        const char *name = virQEMUCapsProbeTypes[i].name;

        if (!g_hash_table_contains(known, name))
            continue;
        if (!virQEMUCapsProbeTypes[i].props) {
            g_ptr_array_add(caps->types,
                            virQEMUCapsQOMTypeNew(name, virQEMUCapsProbeTypes[i].kind));
            continue;
        }
        if (virQEMUCapsProbeProperties(caps, qmp, name,
                                       virQEMUCapsProbeTypes[i].kind, error) < 0)
            return -1;
    }

    for (i = 0; i < G_N_ELEMENTS(virQEMUCapsProbeMachineAliases); i++) {
        const char *canon = virQEMUCapsGetCanonicalMachine(caps, virQEMUCapsProbeMachineAliases[i]);
        g_autofree char *typeName = NULL;

        if (!canon)
            continue;
        typeName = g_strdup_printf("%s-machine", canon);
        if (!g_hash_table_contains(known, typeName) ||
            virQEMUCapsFindType(caps, typeName))
            continue;
        if (virQEMUCapsProbeProperties(caps, qmp, typeName,
                                       VIR_QEMU_CAPS_KIND_MACHINE, error) < 0)
            return -1;
    }
    g_ptr_array_sort(caps->types, virQEMUCapsCompareTypePtr);
    return 0;
}

virQEMUCaps *
virQEMUCapsProbe(const char *binary, GError **error)
{
    /* TCG only, no firmware, no devices, no config files: the probe must
     * work on any host, KVM or not. */
    const char *argv[] = {
        binary, "-machine", "none", "-accel", "tcg", "-nodefaults",
        "-no-user-config", "-display", "none", "-S", NULL,
    };
    g_autoptr(virQEMUCaps) caps = virQEMUCapsNew();
    g_autoptr(virQMP) qmp = NULL;
    g_autoptr(GError) err = NULL;

    if (!binary || !*binary) {
        virReportError(error, VIR_ERR_INVALID_ARG, "%s", _("no QEMU binary given"));
        return NULL;
    }
    if (!(qmp = virQMPStart(argv, NULL, &err))) {
        /* say it once: "internal error: cannot probe ...: QEMU ... exited" */
        const char *msg = err->message;
        g_autofree char *prefix = g_strdup_printf("%s: ", virErrorPrefix(err->code));

        if (err->domain == VIR_ERROR && g_str_has_prefix(msg, prefix))
            msg += strlen(prefix);
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("cannot probe the capabilities of QEMU '%1$s': %2$s"),
                       binary, msg);
        return NULL;
    }
    caps->binary = g_strdup(binary);

    /* machines first: the machine types' properties need canonical names */
    if (virQEMUCapsProbeVersion(caps, qmp, error) < 0 ||
        virQEMUCapsProbeArch(caps, qmp, error) < 0 ||
        virQEMUCapsProbeMachines(caps, qmp, error) < 0 ||
        virQEMUCapsProbeCPUModels(caps, qmp, error) < 0 ||
        virQEMUCapsProbeTypesQMP(caps, qmp, error) < 0)
        return NULL;

    if (virQMPQuit(qmp, NULL, error) < 0)
        return NULL;
    virQEMUCapsDeriveFlags(caps);
    return g_steal_pointer(&caps);
}


/* ---- the document ----------------------------------------------------- */

static void
virQEMUCapsFormatTypes(virBuffer *buf, const virQEMUCaps *caps)
{
    size_t i, j;

    for (i = 0; i < caps->types->len; i++) {
        const virQEMUCapsQOMType *type = g_ptr_array_index(caps->types, i);
        g_auto(virBuffer) attrBuf = VIR_BUFFER_INITIALIZER;
        g_auto(virBuffer) childBuf = VIR_BUFFER_INIT_CHILD(buf);

        virBufferEscapeString(&attrBuf, " name='%s'", type->name);
        virBufferAsprintf(&attrBuf, " kind='%s'", virQEMUCapsKindTypeToString(type->kind));
        for (j = 0; j < type->props->len; j++) {
            const virQEMUCapsProperty *prop = g_ptr_array_index(type->props, j);

            virBufferEscapeString(&childBuf, "<property name='%s'", prop->name);
            virBufferEscapeString(&childBuf, " type='%s'", prop->type);
            if (prop->defval)
                virBufferEscapeString(&childBuf, " default='%s'", prop->defval);
            virBufferAddLit(&childBuf, "/>\n");
        }
        virXMLFormatElement(buf, "type", &attrBuf, &childBuf);
    }
}

static char *
virQEMUCapsFormatInternal(const virQEMUCaps *caps, bool forCache)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    size_t i;

    virBufferAsprintf(&buf, "<qemuCaps format='%d'>\n", VIR_QEMU_CAPS_FORMAT);
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<emulator>%s</emulator>\n", caps->binary);
    if (forCache && caps->haveStat) {
        virBufferAsprintf(&buf, "<cache size='%lld'", caps->binarySize);
        virBufferEscapeString(&buf, " mtime='%s'", caps->binaryMTime);
        virBufferEscapeString(&buf, " self='%s'", caps->selfVersion);
        virBufferEscapeString(&buf, " versionLine='%s'", caps->versionLine);
        virBufferAddLit(&buf, "/>\n");
    }
    virBufferEscapeString(&buf, "<arch>%s</arch>\n", caps->arch);
    virBufferEscapeString(&buf, "<version>%s</version>\n", caps->versionStr);
    virBufferEscapeString(&buf, "<package>%s</package>\n", caps->package);

    for (i = 0; i < caps->machines->len; i++) {
        const virQEMUCapsMachine *mach = g_ptr_array_index(caps->machines, i);

        virBufferEscapeString(&buf, "<machine name='%s'", mach->name);
        if (mach->alias)
            virBufferEscapeString(&buf, " alias='%s'", mach->alias);
        if (mach->isDefault)
            virBufferAddLit(&buf, " default='yes'");
        if (mach->deprecated)
            virBufferAddLit(&buf, " deprecated='yes'");
        if (mach->maxCpus)
            virBufferAsprintf(&buf, " maxCpus='%u'", mach->maxCpus);
        virBufferAddLit(&buf, "/>\n");
    }
    for (i = 0; i < caps->cpuModels->len; i++)
        virBufferEscapeString(&buf, "<cpu name='%s'/>\n",
                              (const char *)g_ptr_array_index(caps->cpuModels, i));

    virQEMUCapsFormatTypes(&buf, caps);

    /* The flags are derived from the types above; they are written for
     * the reader and checked, not trusted, when parsed. */
    for (i = 0; i < QEMU_CAPS_LAST; i++) {
        if (caps->flags[i])
            virBufferAsprintf(&buf, "<flag name='%s'/>\n", virQEMUCapsTypeToString(i));
    }
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</qemuCaps>\n");
    return virBufferContentAndReset(&buf);
}

char *
virQEMUCapsFormat(const virQEMUCaps *caps)
{
    return virQEMUCapsFormatInternal(caps, false);
}

static int
virQEMUCapsParseError(GError **error, xmlNodePtr node, const char *what)
{
    return virReportError(error, VIR_ERR_XML_ERROR,
                          _("invalid QEMU capabilities document: %1$s (line %2$ld)"),
                          what, node ? xmlGetLineNo(node) : 0L);
}

/* Text of the only element child @name of @root, required. */
static char *
virQEMUCapsParseText(xmlNodePtr root, const char *name, GError **error)
{
    xmlNodePtr node;
    char *text;

    if (virXMLNodeCountChildren(root, name) != 1) {
        g_autofree char *what = g_strdup_printf(_("exactly one <%1$s> is required"), name);
        virQEMUCapsParseError(error, root, what);
        return NULL;
    }
    node = virXMLNodeGetChild(root, name);
    text = virXMLNodeContentString(node);
    if (!text || !*text) {
        g_autofree char *what = g_strdup_printf(_("<%1$s> is empty"), name);
        g_free(text);
        virQEMUCapsParseError(error, node, what);
        return NULL;
    }
    return text;
}

static int
virQEMUCapsParseVersion(virQEMUCaps *caps, xmlNodePtr root, GError **error)
{
    unsigned int major, minor, micro;
    char tail;

    if (!(caps->versionStr = virQEMUCapsParseText(root, "version", error)))
        return -1;
    /* the bounds of the probe: major * 1000000 must fit the version */
    if (sscanf(caps->versionStr, "%u.%u.%u%c", &major, &minor, &micro, &tail) != 3 ||
        major > 4000 || minor > 999 || micro > 999)
        return virQEMUCapsParseError(error, virXMLNodeGetChild(root, "version"),
                                     _("<version> must be MAJOR.MINOR.MICRO, with MAJOR at most 4000 and MINOR and MICRO at most 999"));
    caps->version = major * 1000000 + minor * 1000 + micro;
    return 0;
}

static int
virQEMUCapsParseYesNo(xmlNodePtr node, const char *name, bool *result,
                      GError **error)
{
    virTristateBool val = VIR_TRISTATE_BOOL_ABSENT;

    if (virXMLPropTristateBool(node, name, VIR_XML_PROP_NONE, &val, error) < 0)
        return -1;
    *result = val == VIR_TRISTATE_BOOL_YES;
    return 0;
}

static int
virQEMUCapsParseMachine(virQEMUCaps *caps, xmlNodePtr node, GError **error)
{
    g_autofree char *name = virXMLPropString(node, "name");
    virQEMUCapsMachine *mach;

    if (!name)
        return virQEMUCapsParseError(error, node, _("<machine> needs a name"));
    mach = g_new0(virQEMUCapsMachine, 1);
    g_ptr_array_add(caps->machines, mach);
    mach->name = g_steal_pointer(&name);
    mach->alias = virXMLPropString(node, "alias");
    if (!virQEMUCapsNameIsPlain(mach->name) ||
        (mach->alias && !virQEMUCapsNameIsPlain(mach->alias))) {
        g_autofree char *what = g_strdup_printf(_("machine type '%1$s' is not a plain name of letters, digits and '._+-'"),
                                                virQEMUCapsNameIsPlain(mach->name) ?
                                                mach->alias : mach->name);
        return virQEMUCapsParseError(error, node, what);
    }
    if (virQEMUCapsParseYesNo(node, "default", &mach->isDefault, error) < 0 ||
        virQEMUCapsParseYesNo(node, "deprecated", &mach->deprecated, error) < 0 ||
        virXMLPropUInt(node, "maxCpus", 10, VIR_XML_PROP_NONE, &mach->maxCpus, error) < 0)
        return -1;
    return 0;
}

static int
virQEMUCapsParseCPU(virQEMUCaps *caps, xmlNodePtr node, GError **error)
{
    g_autofree char *name = virXMLPropString(node, "name");

    if (!virQEMUCapsNameIsPlain(name)) {
        g_autofree char *what = g_strdup_printf(_("CPU model '%1$s' is not a plain name of letters, digits and '._+-'"),
                                                NULLSTR_EMPTY(name));
        return virQEMUCapsParseError(error, node, what);
    }
    g_ptr_array_add(caps->cpuModels, g_steal_pointer(&name));
    return 0;
}

static int
virQEMUCapsParseType(virQEMUCaps *caps, xmlNodePtr node, GError **error)
{
    g_autofree char *name = virXMLPropString(node, "name");
    int kind = -1;
    virQEMUCapsQOMType *type;
    xmlNodePtr cur;

    if (!name)
        return virQEMUCapsParseError(error, node, _("<type> needs a name"));
    if (virXMLPropEnum(node, "kind", virQEMUCapsKindTypeFromString,
                       VIR_XML_PROP_REQUIRED, &kind, error) < 0)
        return -1;
    if (virQEMUCapsFindType(caps, name)) {
        g_autofree char *what = g_strdup_printf(_("type '%1$s' is listed twice"), name);
        return virQEMUCapsParseError(error, node, what);
    }

    type = virQEMUCapsQOMTypeNew(name, kind);
    g_ptr_array_add(caps->types, type);
    for (cur = node->children; cur; cur = cur->next) {
        virQEMUCapsProperty *prop;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (!xmlStrEqual(cur->name, BAD_CAST "property"))
            return virQEMUCapsParseError(error, cur, _("unexpected element in <type>"));
        prop = g_new0(virQEMUCapsProperty, 1);
        g_ptr_array_add(type->props, prop);
        prop->name = virXMLPropString(cur, "name");
        prop->type = virXMLPropString(cur, "type");
        prop->defval = virXMLPropString(cur, "default");
        if (!prop->name || !prop->type)
            return virQEMUCapsParseError(error, cur,
                                         _("<property> needs a name and a type"));
    }
    g_ptr_array_sort(type->props, virQEMUCapsComparePropPtr);
    return 0;
}

static int
virQEMUCapsParseCache(virQEMUCaps *caps, xmlNodePtr node, GError **error)
{
    unsigned long long size = 0;

    if (virXMLPropULongLong(node, "size", 10, VIR_XML_PROP_REQUIRED, &size, error) < 0)
        return -1;
    caps->binarySize = (long long)size;
    caps->binaryMTime = virXMLPropString(node, "mtime");
    caps->selfVersion = virXMLPropString(node, "self");
    caps->versionLine = virXMLPropString(node, "versionLine");
    if (!caps->binaryMTime || !caps->selfVersion)
        return virQEMUCapsParseError(error, node, _("<cache> needs mtime and self"));
    caps->haveStat = true;
    return 0;
}

/* Check the <flag> elements against the flags derived from the types:
 * a document whose flags disagree was edited by hand or written by a
 * different derivation, and replaying it would mislead. */
static int
virQEMUCapsCheckFlags(const virQEMUCaps *caps, xmlNodePtr root, GError **error)
{
    bool listed[QEMU_CAPS_LAST] = { false };
    xmlNodePtr cur;
    size_t i;

    for (cur = root->children; cur; cur = cur->next) {
        g_autofree char *name = NULL;
        int flag;

        if (cur->type != XML_ELEMENT_NODE || !xmlStrEqual(cur->name, BAD_CAST "flag"))
            continue;
        name = virXMLPropString(cur, "name");
        if (!name || (flag = virQEMUCapsTypeFromString(name)) < 0)
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("invalid QEMU capabilities document: unknown flag '%1$s'"),
                                  name ? name : "");
        listed[flag] = true;
    }
    for (i = 0; i < QEMU_CAPS_LAST; i++) {
        if (listed[i] != caps->flags[i])
            return virReportError(error, VIR_ERR_XML_ERROR,
                                  _("invalid QEMU capabilities document: flag '%1$s' is %2$s, but the recorded properties say it is %3$s"),
                                  virQEMUCapsTypeToString(i),
                                  listed[i] ? _("listed") : _("not listed"),
                                  caps->flags[i] ? _("set") : _("not set"));
    }
    return 0;
}

static virQEMUCaps *
virQEMUCapsParseDoc(xmlDocPtr doc, GError **error)
{
    g_autoptr(virQEMUCaps) caps = virQEMUCapsNew();
    xmlNodePtr root = xmlDocGetRootElement(doc);
    unsigned int format = 0;
    xmlNodePtr cur;

    if (virXMLPropUInt(root, "format", 10, VIR_XML_PROP_REQUIRED, &format, error) < 0)
        return NULL;
    if (format != VIR_QEMU_CAPS_FORMAT) {
        virReportError(error, VIR_ERR_XML_ERROR,
                       _("QEMU capabilities document has format %1$u, this program reads format %2$u; record it again with 'virt-viommu qemucaps'"),
                       format, VIR_QEMU_CAPS_FORMAT);
        return NULL;
    }
    if (!(caps->binary = virQEMUCapsParseText(root, "emulator", error)) ||
        !(caps->arch = virQEMUCapsParseText(root, "arch", error)) ||
        virQEMUCapsParseVersion(caps, root, error) < 0)
        return NULL;
    /* the package string may legitimately be empty (a plain build) */
    if (virXMLNodeCountChildren(root, "package") != 1) {
        virQEMUCapsParseError(error, root, _("exactly one <package> is required"));
        return NULL;
    }
    caps->package = virXMLNodeContentString(virXMLNodeGetChild(root, "package"));
    if (!caps->package)
        caps->package = g_strdup("");

    for (cur = root->children; cur; cur = cur->next) {
        int rc = 0;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(cur->name, BAD_CAST "machine"))
            rc = virQEMUCapsParseMachine(caps, cur, error);
        else if (xmlStrEqual(cur->name, BAD_CAST "cpu"))
            rc = virQEMUCapsParseCPU(caps, cur, error);
        else if (xmlStrEqual(cur->name, BAD_CAST "type"))
            rc = virQEMUCapsParseType(caps, cur, error);
        else if (xmlStrEqual(cur->name, BAD_CAST "cache"))
            rc = virQEMUCapsParseCache(caps, cur, error);
        else if (!xmlStrEqual(cur->name, BAD_CAST "emulator") &&
                 !xmlStrEqual(cur->name, BAD_CAST "arch") &&
                 !xmlStrEqual(cur->name, BAD_CAST "version") &&
                 !xmlStrEqual(cur->name, BAD_CAST "package") &&
                 !xmlStrEqual(cur->name, BAD_CAST "flag")) {
            g_autofree char *what = g_strdup_printf(_("unexpected element <%1$s>"),
                                                    (const char *)cur->name);
            rc = virQEMUCapsParseError(error, cur, what);
        }
        if (rc < 0)
            return NULL;
    }
    g_ptr_array_sort(caps->machines, virQEMUCapsCompareMachinePtr);
    g_ptr_array_sort(caps->types, virQEMUCapsCompareTypePtr);
    g_ptr_array_sort(caps->cpuModels, virQEMUCapsCompareStrPtr);

    virQEMUCapsDeriveFlags(caps);
    if (virQEMUCapsCheckFlags(caps, root, error) < 0)
        return NULL;
    return g_steal_pointer(&caps);
}

virQEMUCaps *
virQEMUCapsParseString(const char *xml, GError **error)
{
    g_autoptr(xmlDoc) doc = virXMLParse(NULL, xml, "qemuCaps", error);

    if (!doc)
        return NULL;
    return virQEMUCapsParseDoc(doc, error);
}

virQEMUCaps *
virQEMUCapsParseFile(const char *path, GError **error)
{
    g_autoptr(xmlDoc) doc = virXMLParse(path, NULL, "qemuCaps", error);

    if (!doc)
        return NULL;
    return virQEMUCapsParseDoc(doc, error);
}


/* ---- cache ------------------------------------------------------------ */

char *
virQEMUCapsCacheFile(const char *binary, const char *cacheDir)
{
    g_autofree char *dir = NULL;
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, binary, -1);
    g_autofree char *file = g_strdup_printf("%s.xml", hash);

    if (cacheDir)
        dir = g_strdup(cacheDir);
    else
        dir = g_build_filename(g_get_user_cache_dir(), "libvirt-viommu", "qemucaps", NULL);
    return g_build_filename(dir, file, NULL);
}

static char *
virQEMUCapsStatMTime(const struct stat *sb)
{
    return g_strdup_printf("%lld.%09ld", (long long)sb->st_mtim.tv_sec,
                           (long)sb->st_mtim.tv_nsec);
}

/* Whether @binary is an executable script (#!) rather than a binary:
 * a wrapper whose size and time say nothing about the QEMU it runs. */
static bool
virQEMUCapsIsScript(const char *binary)
{
    char magic[2] = { 0 };
    FILE *fp = fopen(binary, "re");
    bool script;

    if (!fp)
        return false;
    script = fread(magic, 1, sizeof(magic), fp) == sizeof(magic) &&
             magic[0] == '#' && magic[1] == '!';
    fclose(fp);
    return script;
}

/* The first line "BINARY -version" prints, e.g. "QEMU emulator version
 * 11.1.3 (Debian 1:11.1.3+ds-1~bpo13+1)": NULL when it cannot be run,
 * takes longer than VIR_QEMU_CAPS_VERSION_TIMEOUT_MS or prints nothing.
 * At most VIR_QEMU_CAPS_VERSION_MAX_OUTPUT bytes are read. */
static char *
virQEMUCapsRunVersion(const char *binary)
{
    const char *argv[] = { binary, "-version", NULL };
    g_autoptr(GString) out = g_string_new(NULL);
    gint64 deadline = g_get_monotonic_time() + VIR_QEMU_CAPS_VERSION_TIMEOUT_MS * 1000LL;
    GPid pid;
    int fd = -1;
    char *nl;

    if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL |
                                  G_SPAWN_CLOEXEC_PIPES,
                                  NULL, NULL, &pid, NULL, &fd, NULL, NULL))
        return NULL;
    while (out->len < VIR_QEMU_CAPS_VERSION_MAX_OUTPUT && !strchr(out->str, '\n')) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        char buf[512];
        ssize_t got;

        if (left <= 0 || poll(&pfd, 1, left) <= 0)
            break;
        got = read(fd, buf, MIN(sizeof(buf), VIR_QEMU_CAPS_VERSION_MAX_OUTPUT - out->len));
        if (got <= 0)
            break;
        g_string_append_len(out, buf, got);
    }
    close(fd);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    g_spawn_close_pid(pid);

    if (!(nl = strchr(out->str, '\n')))
        return NULL;
    g_string_truncate(out, nl - out->str);
    g_strstrip(out->str);
    if (!*out->str)
        return NULL;
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* The cached document, if it describes this very binary as it is now */
static virQEMUCaps *
virQEMUCapsCacheLoad(const char *path, const char *binary, const struct stat *sb,
                     const char *versionLine)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autofree char *mtime = virQEMUCapsStatMTime(sb);

    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return NULL;
    /* a corrupt or outdated file is simply probed again */
    if (!(caps = virQEMUCapsParseFile(path, &err)))
        return NULL;
    if (!caps->haveStat ||
        g_strcmp0(caps->binary, binary) != 0 ||
        caps->binarySize != (long long)sb->st_size ||
        g_strcmp0(caps->binaryMTime, mtime) != 0 ||
        g_strcmp0(caps->selfVersion, VERSION) != 0 ||
        g_strcmp0(caps->versionLine, versionLine) != 0)
        return NULL;
    return g_steal_pointer(&caps);
}

virQEMUCaps *
virQEMUCapsCacheLookup(const char *binary, const char *cacheDir, GError **error)
{
    g_autofree char *absBinary = NULL;
    g_autofree char *path = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *versionLine = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(virQEMUCaps) check = NULL;
    g_autoptr(GError) err = NULL;
    struct stat sb;

    if (!binary || !*binary) {
        virReportError(error, VIR_ERR_INVALID_ARG, "%s", _("no QEMU binary given"));
        return NULL;
    }
    absBinary = g_canonicalize_filename(binary, NULL);
    if (stat(absBinary, &sb) < 0) {
        virReportSystemError(error, errno, _("cannot stat QEMU binary '%1$s'"), absBinary);
        return NULL;
    }

    /* A wrapper script (like the ones that run a chroot's QEMU) keeps its
     * size and time when the QEMU behind it is upgraded: for a script the
     * cache is also keyed on what "-version" prints. */
    if (virQEMUCapsIsScript(absBinary))
        versionLine = virQEMUCapsRunVersion(absBinary);

    path = virQEMUCapsCacheFile(absBinary, cacheDir);
    if ((caps = virQEMUCapsCacheLoad(path, absBinary, &sb, versionLine)))
        return g_steal_pointer(&caps);

    if (!(caps = virQEMUCapsProbe(absBinary, error)))
        return NULL;
    caps->haveStat = true;
    caps->binarySize = (long long)sb.st_size;
    caps->binaryMTime = virQEMUCapsStatMTime(&sb);
    caps->selfVersion = g_strdup(VERSION);
    caps->versionLine = g_steal_pointer(&versionLine);

    /* What is cached must read back: a probe result the parser refuses
     * would be refused on every later lookup and probed again each time */
    xml = virQEMUCapsFormatInternal(caps, true);
    if (!(check = virQEMUCapsParseString(xml, &err))) {
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("cannot probe the capabilities of QEMU '%1$s': %2$s"),
                       absBinary, err->message);
        return NULL;
    }

    /* Writing the cache is best effort: a read-only cache directory makes
     * every lookup probe, which is slower but still right. The rename
     * makes the new file appear whole to a concurrent reader. */
    dir = g_path_get_dirname(path);
    if (g_mkdir_with_parents(dir, 0700) == 0)
        g_file_set_contents(path, xml, -1, NULL);
    return g_steal_pointer(&caps);
}
