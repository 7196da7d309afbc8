/*
 * qemurealtest.c: start every generated QEMU command line under real QEMU
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   qemurealtest [DIR]        (DIR, else $VIRT_VIOMMU_ARGS_DIR, else
 *                              tests/qemuxmlconfdata)
 *
 * Every DIR/NAME.ARCH-VER.args (libvirt's .args test format, written by
 * qemuxmlconftest) is started with the QEMU binary of that version, under
 * TCG and stopped (-S), and QMP then checks that each vIOMMU exists and
 * that every property in its -device JSON reads back (qom-get) with the
 * value the command line asked for. .err cases are not run: their
 * command line is never built.
 *
 * There is no VFIO hardware here, so the command line is adapted, and
 * each change is reported:
 *  - vfio-pci (and vfio-pci-nohotplug) devices are removed; "-object iommufd" gets an fd open on
 *    /dev/null for its placeholder (the object does not touch it until a
 *    device connects);
 *  - -accel kvm becomes tcg, -cpu host becomes max;
 *  - libvirt's monitor (fd placeholder) is replaced by our own QMP socket;
 *  - disk, pflash and NVRAM files become sparse temporary files passed as
 *    /dev/fd/N (which also works through the chroot wrapper), qcow2 nodes
 *    become raw, tap netdevs become user netdevs, file chardevs /dev/null;
 *  - arm-smmuv3 accel=on needs KVM on an ARM host: the unchanged line is
 *    run first and must fail with QEMU's own accel message, then the line
 *    is run without the accel-only keys (accel, ats, ril, ssidsize, oas,
 *    cmdqv) and the rest is checked.
 *
 * Binaries, per ARCH and VER: $VIRT_VIOMMU_QEMU_<ARCH>_<VER> (e.g.
 * VIRT_VIOMMU_QEMU_X86_64_11_1); else VER 10.0 is /usr/bin/qemu-system-ARCH
 * and VER 11.1 is the wrapper made by scripts/qemu-11-chroot.sh
 * ($VIRT_VIOMMU_QEMU_CHROOT, default <user cache>/libvirt-viommu/
 * qemu-11.1-chroot, then bin/qemu-system-ARCH). A binary whose QMP greeting
 * gives another MAJOR.MINOR fails the case.
 *
 * Finding no .args file at all is a failure: an empty run is not a pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutils.h"
#include "qemu_json.h"
#include "virqmp.h"

/* QEMU's refusal of accel=on under TCG (11.1.3, realize of arm-smmuv3) */
#define ACCEL_NEEDS_KVM "SMMUv3 accel=on requires KVM with kernel-irqchip=on support"

/* the first descriptor number handed to QEMU; ours are mapped from here */
#define FIRST_FD 10

static char *argsDir;
static char *tmpDir;
static unsigned int nVIOMMUChecked;
static unsigned int nPropsChecked;

typedef struct {
    char *name;             /* NAME.ARCH-VER */
    char *path;
    char *arch;
    char *ver;              /* "11.1" */
} testRealInfo;

static void
testRealInfoFree(testRealInfo *info)
{
    g_free(info->name);
    g_free(info->path);
    g_free(info->arch);
    g_free(info->ver);
    g_free(info);
}

/* One vIOMMU to check after start */
typedef struct {
    char *driver;
    char *id;               /* NULL: no id, find it by type */
    JsonObject *props;      /* what the command line asked for */
} testVIOMMU;

static void
testVIOMMUFree(testVIOMMU *v)
{
    g_free(v->driver);
    g_free(v->id);
    if (v->props)
        json_object_unref(v->props);
    g_free(v);
}

/* The adapted command line and what it needs */
typedef struct {
    GPtrArray *argv;        /* of char*, NULL-terminated at use */
    GArray *passFds;        /* of int: our descriptors */
    GArray *targetFds;      /* of int: their numbers in QEMU */
    GPtrArray *viommus;     /* of testVIOMMU* */
    char *machineIOMMU;     /* -machine ...,iommu=X */
    GString *changes;       /* what was adapted, for the report */
    unsigned int removedVFIO;
    bool strippedAccel;
    bool hadAccel;
} testCmd;

static void
testCmdFree(testCmd *cmd)
{
    guint i;

    if (!cmd)
        return;
    for (i = 0; cmd->passFds && i < cmd->passFds->len; i++)
        close(g_array_index(cmd->passFds, int, i));
    g_ptr_array_unref(cmd->argv);
    g_array_unref(cmd->passFds);
    g_array_unref(cmd->targetFds);
    g_ptr_array_unref(cmd->viommus);
    g_free(cmd->machineIOMMU);
    g_string_free(cmd->changes, TRUE);
    g_free(cmd);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testCmd, testCmdFree);

static bool
testIsVIOMMU(const char *driver)
{
    return g_strcmp0(driver, "intel-iommu") == 0 ||
           g_strcmp0(driver, "amd-iommu") == 0 ||
           g_strcmp0(driver, "virtio-iommu") == 0 ||
           g_strcmp0(driver, "virtio-iommu-pci") == 0 ||
           g_strcmp0(driver, "arm-smmuv3") == 0;
}

static bool
testOptionHasValue(const char *opt)
{
    static const char *const noValue[] = {
        "-S", "-nodefaults", "-no-user-config", "-no-shutdown", "-no-reboot",
        "-enable-kvm", "-nographic", NULL,
    };

    return !g_strv_contains(noValue, opt);
}

static void
testNote(testCmd *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
testNote(testCmd *cmd, const char *fmt, ...)
{
    va_list ap;

    if (cmd->changes->len)
        g_string_append(cmd->changes, "; ");
    va_start(ap, fmt);
    g_string_append_vprintf(cmd->changes, fmt, ap);
    va_end(ap);
}

static void
testNoteOnce(testCmd *cmd, const char *text)
{
    if (!strstr(cmd->changes->str, text))
        testNote(cmd, "%s", text);
}

/* Hand @fd to QEMU; returns its number there */
static int
testCmdPassFd(testCmd *cmd, int fd)
{
    int target = FIRST_FD + (int)cmd->passFds->len;

    g_array_append_val(cmd->passFds, fd);
    g_array_append_val(cmd->targetFds, target);
    return target;
}

/* A sparse temporary file standing for a disk or firmware image, passed as
 * /dev/fd/N. aarch64 'virt' wants 64 MiB pflash images; 4 MiB does for x86
 * (OVMF_CODE_4M-sized). */
static char *
testCmdTempImage(testCmd *cmd, const char *arch, GError **error)
{
    g_autofree char *path = g_build_filename(tmpDir, "image-XXXXXX", NULL);
    off_t size = g_str_equal(arch, "aarch64") ? 64 << 20 : 4 << 20;
    int fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600);

    if (fd < 0 || ftruncate(fd, size) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot create a temporary image: %s", g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    unlink(path);
    return g_strdup_printf("/dev/fd/%d", testCmdPassFd(cmd, fd));
}

static JsonObject *
testParseObject(const char *text, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root;

    if (!json_parser_load_from_data(parser, text, -1, error))
        return NULL;
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a JSON object: %s", text);
        return NULL;
    }
    return json_object_ref(json_node_get_object(root));
}

static char *
testObjectToString(JsonObject *obj)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);

    json_node_set_object(node, obj);
    return json_to_string(node, FALSE);
}

/* The accel-only keys of arm-smmuv3; without accel=on QEMU refuses most
 * of their non-default values, so they go together. */
static const char *const accelKeys[] = {
    "accel", "ats", "ril", "ssidsize", "oas", "cmdqv", NULL,
};

/* Returns the -device value to use, or NULL to drop the device */
static char *
testAdaptDevice(testCmd *cmd, const char *val, bool stripAccel, GError **error)
{
    g_autoptr(JsonObject) obj = NULL;
    const char *driver;
    testVIOMMU *v;
    bool changed = false;

    if (val[0] != '{')
        return g_strdup(val);
    if (!(obj = testParseObject(val, error)))
        return NULL;
    driver = json_object_get_string_member_with_default(obj, "driver", "");

    if (g_str_equal(driver, "vfio-pci") ||
        g_str_equal(driver, "vfio-pci-nohotplug")) {
        cmd->removedVFIO++;
        return g_strdup("");
    }
    if (!testIsVIOMMU(driver))
        return g_strdup(val);

    if (g_str_equal(driver, "arm-smmuv3") &&
        json_object_get_boolean_member_with_default(obj, "accel", FALSE)) {
        cmd->hadAccel = true;
        if (stripAccel) {
            size_t i;
            for (i = 0; accelKeys[i]; i++) {
                if (json_object_has_member(obj, accelKeys[i]))
                    json_object_remove_member(obj, accelKeys[i]);
            }
            cmd->strippedAccel = true;
            changed = true;
            testNoteOnce(cmd, "arm-smmuv3 accel keys removed (accel=on needs KVM)");
        }
    }

    v = g_new0(testVIOMMU, 1);
    v->driver = g_strdup(driver);
    v->id = g_strdup(json_object_get_string_member_with_default(obj, "id", NULL));
    v->props = json_object_ref(obj);
    g_ptr_array_add(cmd->viommus, v);
    /* the generator's own text goes to QEMU unless something was removed */
    return changed ? testObjectToString(obj) : g_strdup(val);
}

static char *
testAdaptObject(testCmd *cmd, const char *val, GError **error)
{
    g_autoptr(JsonObject) obj = NULL;
    int devnull;
    g_autofree char *fd = NULL;

    if (val[0] != '{')
        return g_strdup(val);
    if (!(obj = testParseObject(val, error)))
        return NULL;
    if (!g_str_equal(json_object_get_string_member_with_default(obj, "qom-type", ""), "iommufd") ||
        !json_object_has_member(obj, "fd"))
        return g_strdup(val);

    if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot open /dev/null");
        return NULL;
    }
    fd = g_strdup_printf("%d", testCmdPassFd(cmd, devnull));
    json_object_set_string_member(obj, "fd", fd);
    testNoteOnce(cmd, "iommufd fd -> /dev/null");
    return testObjectToString(obj);
}

static char *
testAdaptBlockdev(testCmd *cmd, const char *arch, const char *val, GError **error)
{
    g_autoptr(JsonObject) obj = NULL;
    const char *driver;

    if (!(obj = testParseObject(val, error)))
        return NULL;
    driver = json_object_get_string_member_with_default(obj, "driver", "");
    if (g_str_equal(driver, "file") || g_str_equal(driver, "host_device")) {
        g_autofree char *image = testCmdTempImage(cmd, arch, error);

        if (!image)
            return NULL;
        json_object_set_string_member(obj, "driver", "file");
        json_object_set_string_member(obj, "filename", image);
        testNoteOnce(cmd, "image files -> temporary files");
    } else if (g_str_equal(driver, "qcow2")) {
        json_object_set_string_member(obj, "driver", "raw");
        testNoteOnce(cmd, "qcow2 -> raw");
    }
    return testObjectToString(obj);
}

static char *
testAdaptNetdev(testCmd *cmd, const char *val, GError **error)
{
    g_autoptr(JsonObject) obj = NULL;
    g_autofree char *id = NULL;

    if (val[0] != '{')
        return g_strdup(val);
    if (!(obj = testParseObject(val, error)))
        return NULL;
    if (!g_str_equal(json_object_get_string_member_with_default(obj, "type", ""), "tap"))
        return g_strdup(val);
    id = g_strdup(json_object_get_string_member_with_default(obj, "id", ""));
    testNoteOnce(cmd, "tap -> user netdev");
    return g_strdup_printf("{\"type\":\"user\",\"id\":\"%s\"}", id);
}

/* "file,id=X,path=P" (',,' escapes a comma) -> same with path=/dev/null */
static char *
testAdaptChardev(testCmd *cmd, const char *val)
{
    g_autoptr(GString) out = NULL;
    const char *p;

    if (!g_str_has_prefix(val, "file,"))
        return g_strdup(val);
    out = g_string_new(NULL);
    for (p = val; *p; ) {
        const char *end = p;

        while (*end && !(*end == ',' && end[1] != ',')) {
            end += (*end == ',' && end[1] == ',') ? 2 : 1;
        }
        if (out->len)
            g_string_append_c(out, ',');
        if (g_str_has_prefix(p, "path="))
            g_string_append(out, "path=/dev/null");
        else
            g_string_append_len(out, p, end - p);
        p = *end ? end + 1 : end;
    }
    testNoteOnce(cmd, "file chardev -> /dev/null");
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* ",iommu=X" of -machine */
static char *
testMachineIOMMU(const char *val)
{
    g_auto(GStrv) parts = g_strsplit(val, ",", -1);
    size_t i;

    for (i = 0; parts[i]; i++) {
        if (g_str_has_prefix(parts[i], "iommu="))
            return g_strdup(parts[i] + strlen("iommu="));
    }
    return NULL;
}

/* Read the .args file into argv: join the continued lines, split like a
 * shell, skip the leading environment assignments and the emulator. */
static char **
testReadArgs(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GString) joined = NULL;
    g_auto(GStrv) words = NULL;
    GPtrArray *out;
    size_t i;

    if (!g_file_get_contents(path, &text, NULL, error))
        return NULL;
    virTestUseFile(path);
    joined = g_string_new(text);
    g_string_replace(joined, "\\\n", " ", 0);
    if (!g_shell_parse_argv(joined->str, NULL, &words, error))
        return NULL;
    for (i = 0; words[i] && words[i][0] != '/'; i++) {
        if (!strchr(words[i], '=')) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "'%s' is neither an environment assignment nor the emulator", words[i]);
            return NULL;
        }
    }
    if (!words[i]) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no emulator path");
        return NULL;
    }
    out = g_ptr_array_new();
    for (i++; words[i]; i++)
        g_ptr_array_add(out, g_strdup(words[i]));
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static testCmd *
testBuildCmd(const testRealInfo *info, const char *binary, bool stripAccel,
             GError **error)
{
    g_autoptr(testCmd) cmd = g_new0(testCmd, 1);
    g_auto(GStrv) args = NULL;
    size_t i;

    cmd->argv = g_ptr_array_new_with_free_func(g_free);
    cmd->passFds = g_array_new(FALSE, FALSE, sizeof(int));
    cmd->targetFds = g_array_new(FALSE, FALSE, sizeof(int));
    cmd->viommus = g_ptr_array_new_with_free_func((GDestroyNotify)testVIOMMUFree);
    cmd->changes = g_string_new(NULL);

    if (!(args = testReadArgs(info->path, error)))
        return NULL;

    g_ptr_array_add(cmd->argv, g_strdup(binary));
    for (i = 0; args[i]; i++) {
        const char *opt = args[i];
        const char *val = NULL;
        g_autofree char *newVal = NULL;

        if (testOptionHasValue(opt)) {
            if (!(val = args[++i])) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "option %s has no value", opt);
                return NULL;
            }
        }
        if (!val) {
            g_ptr_array_add(cmd->argv, g_strdup(opt));
            continue;
        }

        if (g_str_equal(opt, "-accel") && g_str_has_prefix(val, "kvm")) {
            newVal = g_strdup("tcg");
            testNoteOnce(cmd, "kvm -> tcg");
        } else if (g_str_equal(opt, "-cpu") && g_str_has_prefix(val, "host")) {
            newVal = g_strdup("max");
            testNoteOnce(cmd, "cpu host -> max");
        } else if ((g_str_equal(opt, "-chardev") && strstr(val, "id=charmonitor")) ||
                   (g_str_equal(opt, "-mon") && strstr(val, "chardev=charmonitor"))) {
            newVal = g_strdup("");   /* our own QMP monitor replaces it */
        } else if (g_str_equal(opt, "-chardev")) {
            newVal = testAdaptChardev(cmd, val);
        } else if (g_str_equal(opt, "-device")) {
            newVal = testAdaptDevice(cmd, val, stripAccel, error);
        } else if (g_str_equal(opt, "-object")) {
            newVal = testAdaptObject(cmd, val, error);
        } else if (g_str_equal(opt, "-blockdev")) {
            newVal = testAdaptBlockdev(cmd, info->arch, val, error);
        } else if (g_str_equal(opt, "-netdev")) {
            newVal = testAdaptNetdev(cmd, val, error);
        } else {
            if (g_str_equal(opt, "-machine"))
                cmd->machineIOMMU = testMachineIOMMU(val);
            newVal = g_strdup(val);
        }
        if (!newVal)
            return NULL;
        if (!*newVal)
            continue;
        if (strchr(newVal, '@')) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "unhandled placeholder in %s %s", opt, newVal);
            return NULL;
        }
        g_ptr_array_add(cmd->argv, g_strdup(opt));
        g_ptr_array_add(cmd->argv, g_steal_pointer(&newVal));
    }
    if (cmd->removedVFIO)
        testNote(cmd, "%u vfio-pci removed", cmd->removedVFIO);
    g_ptr_array_add(cmd->argv, NULL);
    return g_steal_pointer(&cmd);
}


/* ---- checking over QMP ------------------------------------------------ */

static const char *
testLastPathComponent(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* "0x1.0x2" -> devfn (slot * 8 + function) */
static int
testParseAddr(const char *addr)
{
    char *end = NULL;
    unsigned long slot = strtoul(addr, &end, 16);
    unsigned long fn = 0;

    if (*end == '.')
        fn = strtoul(end + 1, &end, 16);
    if (*end)
        return -1;
    return (int)(slot * 8 + fn);
}

static bool
testValueMatches(const char *key, JsonNode *want, JsonNode *got, char **wantStr,
                 char **gotStr)
{
    *wantStr = json_to_string(want, FALSE);
    *gotStr = json_to_string(got, FALSE);

    if (g_str_equal(key, "addr") && JSON_NODE_HOLDS_VALUE(want) &&
        json_node_get_value_type(want) == G_TYPE_STRING &&
        JSON_NODE_HOLDS_VALUE(got) && json_node_get_value_type(got) == G_TYPE_INT64)
        return testParseAddr(json_node_get_string(want)) == json_node_get_int(got);

    /* links read back as QOM paths; the bus is the last component */
    if ((g_str_equal(key, "primary-bus") || g_str_equal(key, "bus")) &&
        JSON_NODE_HOLDS_VALUE(got) && json_node_get_value_type(got) == G_TYPE_STRING)
        return g_str_equal(testLastPathComponent(json_node_get_string(got)),
                           json_node_get_string(want));

    return json_node_equal(want, got);
}

/* QOM path of a vIOMMU; one without an id is found by its type among the
 * anonymous devices */
static char *
testFindVIOMMUPath(virQMP *qmp, const testVIOMMU *v, GError **error)
{
    g_autoptr(JsonNode) list = NULL;
    g_autofree char *wantType = NULL;
    JsonArray *arr;
    guint i;

    if (v->id)
        return g_strdup_printf("/machine/peripheral/%s", v->id);
    if (!(list = virQMPCommandStrings(qmp, "qom-list", error,
                                      "path", "/machine/peripheral-anon", NULL)))
        return NULL;
    arr = json_node_get_array(list);
    wantType = g_strdup_printf("child<%s>", v->driver);
    for (i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (g_strcmp0(json_object_get_string_member_with_default(o, "type", NULL), wantType) == 0)
            return g_strdup_printf("/machine/peripheral-anon/%s",
                                   json_object_get_string_member(o, "name"));
    }
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                "no %s among the devices without id", v->driver);
    return NULL;
}

static int
testCheckVIOMMU(virQMP *qmp, const char *name, const testVIOMMU *v,
                unsigned int *nprops)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *path = testFindVIOMMUPath(qmp, v, &err);
    g_autoptr(GList) members = NULL;
    GList *l;

    if (!path) {
        fprintf(stderr, "%s: %s\n", name, err->message);
        return -1;
    }
    members = json_object_get_members(v->props);
    for (l = members; l; l = l->next) {
        const char *key = l->data;
        const char *qomKey = g_str_equal(key, "bus") ? "parent_bus" : key;
        g_autoptr(JsonNode) got = NULL;
        g_autofree char *wantStr = NULL;
        g_autofree char *gotStr = NULL;

        if (g_str_equal(key, "driver") || g_str_equal(key, "id"))
            continue;
        if (!(got = virQMPCommandStrings(qmp, "qom-get", &err,
                                         "path", path, "property", qomKey, NULL))) {
            fprintf(stderr, "%s: %s: %s\n", name, path, err->message);
            return -1;
        }
        if (!testValueMatches(key, json_object_get_member(v->props, key), got,
                              &wantStr, &gotStr)) {
            fprintf(stderr, "%s: %s.%s is %s, the command line asked for %s\n",
                    name, path, key, gotStr, wantStr);
            return -1;
        }
        (*nprops)++;
    }
    /* the device really is what the command line named */
    {
        g_autoptr(JsonNode) type = virQMPCommandStrings(qmp, "qom-get", &err, "path", path,
                                                        "property", "type", NULL);
        if (!type) {
            fprintf(stderr, "%s: %s: %s\n", name, path, err->message);
            return -1;
        }
        if (!g_str_equal(json_node_get_string(type), v->driver) &&
            !(g_str_equal(v->driver, "virtio-iommu") &&
              g_str_equal(json_node_get_string(type), "virtio-iommu-pci"))) {
            fprintf(stderr, "%s: %s is a %s, not a %s\n", name, path,
                    json_node_get_string(type), v->driver);
            return -1;
        }
    }
    return 0;
}

static char *
testBinaryFor(const char *arch, const char *ver)
{
    g_autofree char *raw = g_strdup_printf("VIRT_VIOMMU_QEMU_%s_%s", arch, ver);
    g_autofree char *envName = g_ascii_strup(raw, -1);
    const char *env;
    const char *chroot;

    g_strdelimit(envName, ".-", '_');
    if ((env = g_getenv(envName)) && *env)
        return g_strdup(env);
    if (g_str_equal(ver, "11.1")) {
        g_autofree char *dir = NULL;

        if ((chroot = g_getenv("VIRT_VIOMMU_QEMU_CHROOT")) && *chroot)
            dir = g_strdup(chroot);
        else
            dir = g_build_filename(g_get_user_cache_dir(), "libvirt-viommu",
                                   "qemu-11.1-chroot", NULL);
        return g_strdup_printf("%s/bin/qemu-system-%s", dir, arch);
    }
    return g_strdup_printf("/usr/bin/qemu-system-%s", arch);
}

/* MAJOR.MINOR.MICRO from the QMP greeting */
static char *
testGreetingVersion(virQMP *qmp)
{
    JsonObject *ver = json_object_get_object_member(json_node_get_object(virQMPGetGreeting(qmp)),
                                                    "version");
    JsonObject *q = json_object_get_object_member(ver, "qemu");

    return g_strdup_printf("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT,
                           json_object_get_int_member(q, "major"),
                           json_object_get_int_member(q, "minor"),
                           json_object_get_int_member(q, "micro"));
}

static virQMP *
testStart(testCmd *cmd, GError **error)
{
    virQMPOptions opts = {
        .passFds = (const int *)cmd->passFds->data,
        .targetFds = (const int *)cmd->targetFds->data,
        .nfds = cmd->passFds->len,
        .timeoutMs = 60000,
    };

    return virQMPStart((const char *const *)cmd->argv->pdata, &opts, error);
}

/* accel=on under TCG: QEMU must refuse with its own message */
static int
testAccelRefused(const testRealInfo *info, const char *binary)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(testCmd) cmd = testBuildCmd(info, binary, false, &err);
    g_autoptr(virQMP) qmp = NULL;

    if (!cmd) {
        fprintf(stderr, "%s: %s\n", info->name, err->message);
        return -1;
    }
    if ((qmp = testStart(cmd, &err))) {
        fprintf(stderr, "%s: QEMU started arm-smmuv3 accel=on under TCG\n", info->name);
        return -1;
    }
    if (!strstr(err->message, ACCEL_NEEDS_KVM)) {
        fprintf(stderr, "%s: accel=on refused for another reason: %s\n",
                info->name, err->message);
        return -1;
    }
    return 0;
}

static int
testRealArgs(const void *opaque)
{
    const testRealInfo *info = opaque;
    g_autofree char *binary = testBinaryFor(info->arch, info->ver);
    g_autoptr(GError) err = NULL;
    g_autoptr(testCmd) cmd = NULL;
    g_autoptr(virQMP) qmp = NULL;
    g_autofree char *version = NULL;
    g_autofree char *verPrefix = g_strdup_printf("%s.", info->ver);
    unsigned int nprops = 0;
    int status = 0;
    guint i;

    if (!g_file_test(binary, G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "%s: no QEMU %s for %s at %s%s\n", info->name, info->ver,
                info->arch, binary,
                g_str_equal(info->ver, "11.1") ? " (run scripts/qemu-11-chroot.sh)" : "");
        return -1;
    }
    if (!(cmd = testBuildCmd(info, binary, true, &err))) {
        fprintf(stderr, "%s: %s\n", info->name, err->message);
        return -1;
    }
    if (cmd->viommus->len == 0 && !cmd->machineIOMMU)
        testNoteOnce(cmd, "no vIOMMU: started only");

    if (!(qmp = testStart(cmd, &err))) {
        fprintf(stderr, "%s: QEMU refused the command line: %s\n", info->name, err->message);
        return -1;
    }
    version = testGreetingVersion(qmp);
    if (!g_str_has_prefix(version, verPrefix)) {
        fprintf(stderr, "%s: %s is QEMU %s, not %s.x\n", info->name, binary, version, info->ver);
        return -1;
    }

    for (i = 0; i < cmd->viommus->len; i++) {
        if (testCheckVIOMMU(qmp, info->name, g_ptr_array_index(cmd->viommus, i), &nprops) < 0)
            return -1;
    }
    if (cmd->machineIOMMU) {
        g_autoptr(JsonNode) got = virQMPCommandStrings(qmp, "qom-get", &err, "path", "/machine",
                                                       "property", "iommu", NULL);
        if (!got || g_strcmp0(json_node_get_string(got), cmd->machineIOMMU) != 0) {
            fprintf(stderr, "%s: machine iommu is not %s: %s\n", info->name,
                    cmd->machineIOMMU, err ? err->message : "other value");
            return -1;
        }
        nprops++;
    }

    if (virQMPQuit(qmp, &status, &err) < 0) {
        fprintf(stderr, "%s: %s\n", info->name, err->message);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_autofree char *log = virQMPGetLog(qmp);
        fprintf(stderr, "%s: QEMU exited with status %d: %s\n", info->name, status, log);
        return -1;
    }
    if (cmd->hadAccel && testAccelRefused(info, binary) < 0)
        return -1;

    nVIOMMUChecked += cmd->viommus->len;
    nPropsChecked += nprops;
    printf("  %-48s QEMU %s: %u vIOMMU, %u values%s%s%s\n", info->name, version,
           cmd->viommus->len, nprops,
           cmd->changes->len ? " [" : "", cmd->changes->str, cmd->changes->len ? "]" : "");
    if (cmd->hadAccel)
        printf("  %-48s accel=on as written: refused under TCG (\"" ACCEL_NEEDS_KVM "\")\n", "");
    return 0;
}


/* ---- the project's JSON builder against QEMU's JSON parser ------------- */

/* Values built with qemuJSONProps (json-glib's generator) must read back
 * unchanged through QEMU's parser: escapes, non-ASCII text, booleans, and
 * numbers beyond 32 bits. */
static int
testJSONAgreement(const void *opaque)
{
    const char *ver = opaque;
    g_autofree char *binary = testBinaryFor("x86_64", ver);
    const char *identity = "quote\" backslash\\ slash/ tab\t ctrl\x01 \xc3\xbc\xe2\x82\xac";
    g_autoptr(qemuJSONProps) dev = qemuJSONPropsNew();
    g_autoptr(qemuJSONProps) authz = qemuJSONPropsNew();
    g_autoptr(qemuJSONProps) mem = qemuJSONPropsNew();
    g_autofree char *devStr = NULL;
    g_autofree char *authzStr = NULL;
    g_autofree char *memStr = NULL;
    g_autoptr(virQMP) qmp = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) got = NULL;
    g_autoptr(JsonNode) aw = NULL;
    g_autoptr(JsonNode) cm = NULL;
    g_autoptr(JsonNode) size = NULL;

    qemuJSONPropsAddString(dev, "driver", "intel-iommu");
    qemuJSONPropsAddString(dev, "id", "iommu0");
    qemuJSONPropsAddString(dev, "intremap", "on");
    qemuJSONPropsAddBool(dev, "caching-mode", true);
    qemuJSONPropsAddUInt(dev, "aw-bits", 48);
    devStr = qemuJSONPropsFormat(dev);
    qemuJSONPropsAddString(authz, "qom-type", "authz-simple");
    qemuJSONPropsAddString(authz, "id", "authz0");
    qemuJSONPropsAddString(authz, "identity", identity);
    authzStr = qemuJSONPropsFormat(authz);
    qemuJSONPropsAddString(mem, "qom-type", "memory-backend-ram");
    qemuJSONPropsAddString(mem, "id", "pc.ram");
    qemuJSONPropsAddUInt(mem, "size", 8ULL << 30);
    memStr = qemuJSONPropsFormat(mem);

    {
        const char *argv[] = {
            binary, "-machine", "q35,memory-backend=pc.ram,kernel_irqchip=split",
            "-accel", "tcg", "-m", "8G", "-nodefaults", "-no-user-config",
            "-display", "none", "-S",
            "-object", memStr, "-object", authzStr, "-device", devStr, NULL,
        };
        virQMPOptions opts = { .timeoutMs = 60000 };

        if (!g_file_test(binary, G_FILE_TEST_IS_EXECUTABLE)) {
            fprintf(stderr, "no QEMU %s at %s\n", ver, binary);
            return -1;
        }
        if (!(qmp = virQMPStart(argv, &opts, &err))) {
            fprintf(stderr, "QEMU %s refused %s / %s / %s: %s\n", ver, devStr, authzStr,
                    memStr, err->message);
            return -1;
        }
    }
    if (!(got = virQMPCommandStrings(qmp, "qom-get", &err, "path", "/objects/authz0",
                                     "property", "identity", NULL)) ||
        !(aw = virQMPCommandStrings(qmp, "qom-get", &err, "path", "/machine/peripheral/iommu0",
                                    "property", "aw-bits", NULL)) ||
        !(cm = virQMPCommandStrings(qmp, "qom-get", &err, "path", "/machine/peripheral/iommu0",
                                    "property", "caching-mode", NULL)) ||
        !(size = virQMPCommandStrings(qmp, "qom-get", &err, "path", "/objects/pc.ram",
                                      "property", "size", NULL))) {
        fprintf(stderr, "%s\n", err->message);
        return -1;
    }
    if (g_strcmp0(json_node_get_string(got), identity) != 0 ||
        json_node_get_int(aw) != 48 || !json_node_get_boolean(cm) ||
        json_node_get_int(size) != (gint64)(8ULL << 30)) {
        fprintf(stderr, "values changed on the way through QEMU: %s\n", authzStr);
        return -1;
    }
    printf("  json-glib -> QEMU %s: %s %s %s read back unchanged\n", ver, devStr, authzStr, memStr);
    return virQMPQuit(qmp, NULL, &err) < 0 ? -1 : 0;
}


/* @stem of DIR/@stem.args is NAME.ARCH-VER, VER being MAJOR.MINOR */
static testRealInfo *
testParseName(const char *dir, const char *stem)
{
    g_autoptr(GRegex) re = g_regex_new("^(.+)\\.([a-z0-9_]+)-([0-9]+\\.[0-9]+)$",
                                       0, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    g_autofree char *file = g_strdup_printf("%s.args", stem);
    testRealInfo *info;

    if (!g_regex_match(re, stem, 0, &m))
        return NULL;
    info = g_new0(testRealInfo, 1);
    info->arch = g_match_info_fetch(m, 2);
    info->ver = g_match_info_fetch(m, 3);
    info->name = g_strdup(stem);
    info->path = g_build_filename(dir, file, NULL);
    return info;
}

static int
mymain(void)
{
    g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func((GDestroyNotify)testRealInfoFree);
    g_auto(GStrv) stems = NULL;
    g_autoptr(GError) err = NULL;
    int ret = 0;
    guint i;

    if (!(stems = virTestListStems(argsDir, ".args", &err))) {
        fprintf(stderr, "%s\n", err->message);
        return -1;
    }
    for (i = 0; stems[i]; i++) {
        testRealInfo *info;

        if (!(info = testParseName(argsDir, stems[i]))) {
            fprintf(stderr, "%s.args: not named NAME.ARCH-VER.args\n", stems[i]);
            ret = -1;
            continue;
        }
        g_ptr_array_add(cases, info);
    }
    if (cases->len == 0) {
        fprintf(stderr, "qemurealtest: no .args files in %s: ran nothing\n", argsDir);
        return -1;
    }

    if (!(tmpDir = g_dir_make_tmp("qemurealtest-XXXXXX", &err))) {
        fprintf(stderr, "%s\n", err->message);
        return -1;
    }

    if (virTestRun("json-glib output through QEMU 10.0", testJSONAgreement, "10.0") < 0)
        ret = -1;
    if (virTestRun("json-glib output through QEMU 11.1", testJSONAgreement, "11.1") < 0)
        ret = -1;
    for (i = 0; i < cases->len; i++) {
        testRealInfo *info = g_ptr_array_index(cases, i);

        if (virTestRun(info->name, testRealArgs, info) < 0)
            ret = -1;
    }
    printf("  %u command lines started, %u vIOMMUs and %u values checked over QMP\n",
           cases->len, nVIOMMUChecked, nPropsChecked);

    rmdir(tmpDir);
    g_free(tmpDir);
    return ret;
}

int
main(int argc, char **argv)
{
    const char *env = g_getenv("VIRT_VIOMMU_ARGS_DIR");
    int ret;

    if (argc > 1)
        argsDir = g_strdup(argv[1]);
    else if (env && *env)
        argsDir = g_strdup(env);
    else
        argsDir = g_build_filename(abs_srcdir, "qemuxmlconfdata", NULL);
    ret = virTestMain(argc, argv, mymain);
    g_free(argsDir);
    return ret;
}
