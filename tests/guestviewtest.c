/*
 * guestviewtest.c: boot a small Linux guest for each domain and check the
 *                  vIOMMU it sees against the configuration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Data in tests/guestviewdata/:
 *   NAME.xml              the domain (no assigned devices: no hardware here);
 *   NAME.ARCH-VER.guest   what the guest read, for the register fields the
 *                         configuration decides (and the DMA proof).
 *
 * For each case:
 *  1. `virt-viommu domxml-to-native --qemu-caps` with the recorded
 *     capabilities of QEMU VER (tests/qemucapabilitiesdata) gives the
 *     command line;
 *  2. the command line is adapted for a direct-kernel boot, and only so
 *     (testAdapt): the emulator becomes the real binary, -S, -no-shutdown
 *     and libvirt's monitor go, -kernel/-initrd/-append, -no-reboot and a
 *     serial port on a file come in; a case with DMA proof gets a
 *     virtio-serial-pci device with iommu_platform=on (the domain subset
 *     has no <driver iommu='on'/> yet) whose port writes to a host file.
 *     The vIOMMU options are passed untouched;
 *  3. the guest (scripts/guest-image.sh: Debian kernel, busybox-static,
 *     scripts/guest-init.sh as /init) prints its IOMMU registers as "GV"
 *     lines on the serial port and powers off; boots run two at a time
 *     under TCG, each in its own process group, killed on timeout;
 *  4. the registers are decoded with src/util/viriommu and every field the
 *     guest-view table (src/qemu/qemu_viommu_guest.c, also used by
 *     `virt-viommu explain`) decides is compared with the guest's value;
 *     the decided fields as read by the guest are then compared with
 *     NAME.ARCH-VER.guest.
 *
 * Environment: VIRT_VIOMMU (the virt-viommu binary), VIRT_VIOMMU_GUEST_KEEP=1
 * (keep the serial logs, QEMU's output and the DMA files), VIRT_VIOMMU_GUEST_IMAGE
 * (default <user cache>/libvirt-viommu/guest-image), the QEMU binaries as for
 * qemurealtest ($VIRT_VIOMMU_QEMU_<ARCH>_<VER>, /usr/bin for 10.0, the
 * chroot wrapper for 11.1), VIRT_VIOMMU_GUEST_JOBS (parallel boots,
 * default 2), VIRT_VIOMMU_GUEST_TIMEOUT (seconds a boot may take,
 * default 240).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gio/gio.h>

#include "testutils.h"
#include "domain_conf.h"
#include "qemu_capabilities.h"
#include "qemu_viommu_guest.h"
#include "viriommu.h"

#define DATADIR "guestviewdata"
#define CAPSDIR "qemucapabilitiesdata"
/* the largest serial log read back: the init prints a few KiB */
#define MAX_LOG (1 << 20)
#define NULLSTR(s) ((s) ? (s) : "?")

typedef struct {
    const char *name;
    const char *arch;
    const char *ver;           /* "11.1" */
    const char *capsFile;      /* caps_VER.N_ARCH.xml */
    bool dma;

    /* filled while running */
    char *setupError;
    char **argv;
    char *nonce;
    char *serialPath;
    char *dmaPath;
    char *qemuLogPath;
    GPid pid;
    gint64 started;
    double seconds;
    int status;
    bool timedOut;
    bool done;
} testGuestCase;

static char *tmpDir;
static char *imageDir;
static unsigned int nBoots;
static unsigned int nFieldsChecked;
static double bootSeconds;

/* ---- the command line ---------------------------------------------------- */

static char *
testBinaryFor(const char *arch, const char *ver)
{
    g_autofree char *raw = g_strdup_printf("VIRT_VIOMMU_QEMU_%s_%s", arch, ver);
    g_autofree char *envName = g_ascii_strup(raw, -1);
    const char *env;

    g_strdelimit(envName, ".-", '_');
    if ((env = g_getenv(envName)) && *env)
        return g_strdup(env);
    if (g_str_equal(ver, "11.1")) {
        const char *chroot = g_getenv("VIRT_VIOMMU_QEMU_CHROOT");
        g_autofree char *dir = chroot && *chroot ? g_strdup(chroot) :
            g_build_filename(g_get_user_cache_dir(), "libvirt-viommu",
                             "qemu-11.1-chroot", NULL);

        return g_strdup_printf("%s/bin/qemu-system-%s", dir, arch);
    }
    return g_strdup_printf("/usr/bin/qemu-system-%s", arch);
}

/* the command line virt-viommu prints, as words */
static char **
testDomxmlToNative(const testGuestCase *c, GError **error)
{
    const char *tool = g_getenv("VIRT_VIOMMU");
    g_autofree char *xml = virTestDataPathFormat(DATADIR, "%s.xml", c->name);
    g_autofree char *caps = virTestDataPath(CAPSDIR, c->capsFile);
    const char *argv[] = { tool, "domxml-to-native", "--qemu-caps", caps, xml, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    char **words = NULL;
    int status;

    if (!tool || !*tool) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "VIRT_VIOMMU is not set");
        return NULL;
    }
    virTestUseFile(xml);
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &out, &err, &status, error))
        return NULL;
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                    "domxml-to-native failed: %s", err);
        return NULL;
    }
    if (!g_shell_parse_argv(out, NULL, &words, error))
        return NULL;
    return words;
}

/* Adapt the generated command line for a direct-kernel boot. Every change
 * is here; the vIOMMU options pass unchanged. */
static char **
testAdapt(testGuestCase *c, char **words, GError **error)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    bool x86 = g_str_equal(c->arch, "x86_64");
    size_t i;

    /* environment assignments, then the emulator: the real binary */
    for (i = 0; words[i] && words[i][0] != '/'; i++)
        ;
    if (!words[i]) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no emulator");
        return NULL;
    }
    g_ptr_array_add(argv, testBinaryFor(c->arch, c->ver));

    for (i++; words[i]; i++) {
        const char *opt = words[i];
        const char *val = words[i + 1];

        /* stopped at start and kept after poweroff: not for a boot */
        if (g_str_equal(opt, "-S") || g_str_equal(opt, "-no-shutdown"))
            continue;
        /* libvirt's monitor socket is passed by libvirt: not here */
        if (val && ((g_str_equal(opt, "-chardev") && strstr(val, "id=charmonitor,")) ||
                    (g_str_equal(opt, "-mon") && strstr(val, "chardev=charmonitor")))) {
            i++;
            continue;
        }
        if (g_str_equal(opt, "-accel") && val && !g_str_equal(val, "tcg")) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "-accel %s: the case must be a domain of type 'qemu'", val);
            return NULL;
        }
        if (val && strchr(val, '@')) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                        "unhandled placeholder in %s %s", opt, val);
            return NULL;
        }
        g_ptr_array_add(argv, g_strdup(opt));
    }

    /* the guest: descriptors 10 kernel, 11 initrd, 12 serial, 13 DMA file */
    g_ptr_array_add(argv, g_strdup("-no-reboot"));
    g_ptr_array_add(argv, g_strdup("-kernel"));
    g_ptr_array_add(argv, g_strdup("/dev/fd/10"));
    g_ptr_array_add(argv, g_strdup("-initrd"));
    g_ptr_array_add(argv, g_strdup("/dev/fd/11"));
    g_ptr_array_add(argv, g_strdup("-append"));
    g_ptr_array_add(argv, g_strdup_printf("%s iomem=relaxed panic=-1 loglevel=4 gv.nonce=%s",
                                          x86 ? "console=ttyS0 intel_iommu=on,sm_on no_timer_check" :
                                                "console=ttyAMA0",
                                          c->nonce));
    g_ptr_array_add(argv, g_strdup("-chardev"));
    g_ptr_array_add(argv, g_strdup("file,id=gvserial,path=/dev/fd/12"));
    g_ptr_array_add(argv, g_strdup("-serial"));
    g_ptr_array_add(argv, g_strdup("chardev:gvserial"));
    if (c->dma) {
        g_ptr_array_add(argv, g_strdup("-chardev"));
        g_ptr_array_add(argv, g_strdup("file,id=gvdma,path=/dev/fd/13"));
        g_ptr_array_add(argv, g_strdup("-device"));
        g_ptr_array_add(argv, g_strdup("{\"driver\":\"virtio-serial-pci\",\"id\":\"gvdmabus\","
                                       "\"iommu_platform\":true,\"disable-legacy\":\"on\"}"));
        g_ptr_array_add(argv, g_strdup("-device"));
        g_ptr_array_add(argv, g_strdup("{\"driver\":\"virtserialport\",\"bus\":\"gvdmabus.0\","
                                       "\"chardev\":\"gvdma\",\"name\":\"gv.dma\"}"));
    }
    g_ptr_array_add(argv, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&argv), FALSE);
}

static void
testSetup(testGuestCase *c)
{
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) words = NULL;

    c->nonce = g_strdup_printf("%08x%08x", g_random_int(), g_random_int());
    c->serialPath = g_strdup_printf("%s/%s-%s.serial", tmpDir, c->name, c->ver);
    c->dmaPath = g_strdup_printf("%s/%s-%s.dma", tmpDir, c->name, c->ver);
    c->qemuLogPath = g_strdup_printf("%s/%s-%s.qemu", tmpDir, c->name, c->ver);
    if (!(words = testDomxmlToNative(c, &err)) ||
        !(c->argv = testAdapt(c, words, &err)))
        c->setupError = g_strdup(err->message);
}

/* ---- booting ------------------------------------------------------------- */

static void
testChildSetup(gpointer data G_GNUC_UNUSED)
{
    /* its own process group, so that a timeout kills the wrapper's
     * children (unshare, chroot) too */
    setpgid(0, 0);
}

static int
testOpen(const char *path, int flags, GError **error)
{
    int fd = open(path, flags | O_CLOEXEC, 0600);

    if (fd < 0)
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot open %s: %s", path, g_strerror(errno));
    return fd;
}

static bool
testBootStart(testGuestCase *c, GError **error)
{
    g_autofree char *kernel = g_build_filename(imageDir, c->arch, "vmlinuz", NULL);
    g_autofree char *initrd = g_build_filename(imageDir, c->arch, "initrd.gz", NULL);
    int fds[4] = { -1, -1, -1, -1 };
    int targets[4] = { 10, 11, 12, 13 };
    size_t nfds = c->dma ? 4 : 3;
    int logfd = -1;
    bool ok = false;
    size_t i;

    if ((fds[0] = testOpen(kernel, O_RDONLY, error)) < 0 ||
        (fds[1] = testOpen(initrd, O_RDONLY, error)) < 0 ||
        (fds[2] = testOpen(c->serialPath, O_WRONLY | O_CREAT | O_TRUNC, error)) < 0 ||
        (c->dma && (fds[3] = testOpen(c->dmaPath, O_WRONLY | O_CREAT | O_TRUNC, error)) < 0) ||
        (logfd = testOpen(c->qemuLogPath, O_WRONLY | O_CREAT | O_TRUNC, error)) < 0)
        goto cleanup;

    c->started = g_get_monotonic_time();
    ok = g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)c->argv, NULL,
                                          G_SPAWN_DO_NOT_REAP_CHILD |
                                          G_SPAWN_STDIN_FROM_DEV_NULL,
                                          testChildSetup, NULL, -1, logfd, logfd,
                                          fds, targets, nfds, &c->pid,
                                          NULL, NULL, NULL, error);
 cleanup:
    for (i = 0; i < G_N_ELEMENTS(fds); i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    if (logfd >= 0)
        close(logfd);
    return ok;
}

/* Boot every case, @jobs at a time; each must power off within
 * @timeout seconds or its process group is killed. */
static void
testBootAll(testGuestCase *cases, size_t ncases, unsigned int jobs,
            unsigned int timeout)
{
    size_t next = 0;
    unsigned int running = 0;

    while (next < ncases || running) {
        size_t i;

        while (running < jobs && next < ncases) {
            testGuestCase *c = &cases[next++];
            g_autoptr(GError) err = NULL;

            if (c->setupError)
                continue;
            if (!testBootStart(c, &err)) {
                c->setupError = g_strdup(err->message);
                continue;
            }
            running++;
        }
        g_usleep(G_USEC_PER_SEC / 10);
        for (i = 0; i < next; i++) {
            testGuestCase *c = &cases[i];
            gint64 now = g_get_monotonic_time();

            if (c->setupError || c->done)
                continue;
            if (waitpid(c->pid, &c->status, WNOHANG) == c->pid) {
                c->done = true;
            } else if (now - c->started > (gint64)timeout * G_USEC_PER_SEC) {
                kill(-c->pid, SIGKILL);
                waitpid(c->pid, &c->status, 0);
                c->timedOut = true;
                c->done = true;
            }
            if (c->done) {
                c->seconds = (now - c->started) / (double)G_USEC_PER_SEC;
                g_spawn_close_pid(c->pid);
                running--;
            }
        }
    }
}

/* ---- what the guest printed ---------------------------------------------- */

typedef struct {
    char *name;                /* dmar0, smmu3.0x... */
    bool vtd;
    guint64 cap, ecap, gsts, rtaddr;
    bool haveCap, haveEcap;
    guint32 idr[8];            /* IDR0..5, IIDR, AIDR */
    unsigned int nidr;
} testGuestUnit;

typedef struct {
    GPtrArray *units;          /* testGuestUnit*, in the guest's order */
    char *kernel;
    char *dmaUnit;
    char *dmaGroupType;
    char *dmaPCI;
    bool dmaAccessPlatform;
    bool dmaWritten;
    bool complete;             /* GV-END seen */
} testGuestReport;

static void
testGuestUnitFree(testGuestUnit *u)
{
    g_free(u->name);
    g_free(u);
}

static void
testGuestReportFree(testGuestReport *r)
{
    g_ptr_array_unref(r->units);
    g_free(r->kernel);
    g_free(r->dmaUnit);
    g_free(r->dmaGroupType);
    g_free(r->dmaPCI);
    g_free(r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(testGuestReport, testGuestReportFree);

static testGuestUnit *
testGuestReportUnit(testGuestReport *r, const char *name, bool vtd)
{
    testGuestUnit *u;
    guint i;

    for (i = 0; i < r->units->len; i++) {
        u = g_ptr_array_index(r->units, i);
        if (g_str_equal(u->name, name))
            return u;
    }
    u = g_new0(testGuestUnit, 1);
    u->name = g_strdup(name);
    u->vtd = vtd;
    g_ptr_array_add(r->units, u);
    return u;
}

static bool
testParseRegister(const char *text, guint64 *val)
{
    return virIOMMUParseHex64(text, val);
}

/* One "GV ..." line; unknown lines (dmesg, groups) are only shown */
static bool
testGuestParseLine(testGuestReport *r, char **w, GError **error)
{
    guint n = g_strv_length(w);
    guint64 v;

    if (n >= 5 && g_str_equal(w[1], "vtd")) {
        testGuestUnit *u = testGuestReportUnit(r, w[2], true);
        guint64 *dst = g_str_equal(w[3], "cap") ? &u->cap :
                       g_str_equal(w[3], "ecap") ? &u->ecap :
                       g_str_equal(w[3], "gsts") ? &u->gsts :
                       g_str_equal(w[3], "rtaddr") ? &u->rtaddr : NULL;
        if (!dst)
            return true;
        if (!testParseRegister(w[4], dst))
            goto bad;
        u->haveCap |= dst == &u->cap;
        u->haveEcap |= dst == &u->ecap;
    } else if (n >= 5 && g_str_equal(w[1], "smmu")) {
        static const char *const regs[] = {
            "idr0", "idr1", "idr2", "idr3", "idr4", "idr5", "iidr", "aidr",
        };
        testGuestUnit *u = testGuestReportUnit(r, w[2], false);
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(regs); i++) {
            if (!g_str_equal(w[3], regs[i]))
                continue;
            if (!testParseRegister(w[4], &v) || v > G_MAXUINT32)
                goto bad;
            u->idr[i] = v;
            u->nidr |= 1u << i;
        }
    } else if (n >= 3 && g_str_equal(w[1], "kernel")) {
        g_free(r->kernel);
        r->kernel = g_strjoinv(" ", w + 2);
    } else if (n >= 10 && g_str_equal(w[1], "dma") && g_str_equal(w[2], "port")) {
        g_free(r->dmaPCI);
        r->dmaPCI = g_strdup(w[7]);
        r->dmaAccessPlatform = g_str_equal(w[9], "1");
    } else if (n >= 4 && g_str_equal(w[1], "dma") && g_str_equal(w[2], "unit")) {
        g_free(r->dmaUnit);
        r->dmaUnit = g_strdup(w[3]);
    } else if (n >= 5 && g_str_equal(w[1], "dma") && g_str_equal(w[2], "group")) {
        g_free(r->dmaGroupType);
        r->dmaGroupType = g_strdup(w[4]);
    } else if (n >= 3 && g_str_equal(w[1], "dma") && g_str_equal(w[2], "written")) {
        r->dmaWritten = true;
    }
    return true;

 bad:
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "bad register value '%s' for %s %s", w[4], w[2], w[3]);
    return false;
}

static testGuestReport *
testGuestParse(const char *text, GError **error)
{
    g_autoptr(testGuestReport) r = g_new0(testGuestReport, 1);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    bool begun = false;
    size_t i;

    r->units = g_ptr_array_new_with_free_func((GDestroyNotify)testGuestUnitFree);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) w = NULL;

        g_strstrip(lines[i]);
        if (g_str_equal(lines[i], "GV-BEGIN")) {
            begun = true;
            continue;
        }
        if (!begun)
            continue;
        if (g_str_equal(lines[i], "GV-END")) {
            r->complete = true;
            break;
        }
        if (!g_str_has_prefix(lines[i], "GV "))
            continue;
        w = g_strsplit_set(lines[i], " ", -1);
        if (!testGuestParseLine(r, w, error))
            return NULL;
    }
    if (!r->complete) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    "the guest's report is %s", begun ? "incomplete" : "missing");
        return NULL;
    }
    return g_steal_pointer(&r);
}

/* ---- checking ------------------------------------------------------------ */

static char *
testTail(const char *text, size_t max)
{
    size_t len = strlen(text);

    return g_strdup(len > max ? text + len - max : text);
}

static bool
testUnitMatches(const testGuestUnit *u, virDomainIOMMUModel model)
{
    return model == VIR_DOMAIN_IOMMU_MODEL_INTEL ? u->vtd :
           model == VIR_DOMAIN_IOMMU_MODEL_SMMUV3 ? !u->vtd : false;
}

static void
testDecodeUnit(const testGuestUnit *u, qemuViommuGuestRegs *regs)
{
    memset(regs, 0, sizeof(*regs));
    if (u->vtd) {
        virIOMMUVTdDecode(u->cap, u->ecap, &regs->vtd);
    } else {
        guint32 idr[6];

        memcpy(idr, u->idr, sizeof(idr));
        virIOMMUSMMUv3Decode(idr, u->idr[6], u->idr[7], &regs->smmu);
    }
}

/* Compare one vIOMMU's view with the unit the guest read; write the
 * decided fields as read into @out. */
static int
testCheckUnit(const testGuestCase *c, const qemuViommuGuestView *view,
              const testGuestUnit *u, GString *out)
{
    qemuViommuGuestRegs regs;
    int ret = 0;
    size_t i;

    if ((!u->vtd && u->nidr != 0xff) || (u->vtd && !(u->haveCap && u->haveEcap))) {
        fprintf(stderr, "%s: %s: not every register was read\n", c->name, u->name);
        return -1;
    }
    testDecodeUnit(u, &regs);
    if (u->vtd)
        printf("  %-34s %s cap %016" G_GINT64_MODIFIER "x ecap %012" G_GINT64_MODIFIER "x"
               " (guest's RTADDR.TTM %u)\n",
               "", u->name, u->cap, u->ecap, (unsigned int)((u->rtaddr >> 10) & 3));
    else
        printf("  %-34s %s IDR0 0x%08x IDR1 0x%08x IDR3 0x%08x IDR5 0x%08x\n", "",
               u->name, u->idr[0], u->idr[1], u->idr[3], u->idr[5]);

    g_string_append_printf(out, "%s %s (the guest's %s)\n", view->alias,
                           virDomainIOMMUModelTypeToString(view->model),
                           u->vtd ? u->name : "smmu3");
    for (i = 0; i < view->nfields; i++) {
        const qemuViommuGuestField *f = &view->fields[i];
        g_autofree char *want = qemuViommuGuestFormatValue(f->name, f->value);
        g_autofree char *got = NULL;
        unsigned int value;

        if (!qemuViommuGuestRead(view->model, f->name, &regs, &value)) {
            fprintf(stderr, "%s: no reader for %s\n", c->name, f->name);
            return -1;
        }
        got = qemuViommuGuestFormatValue(f->name, value);
        g_string_append_printf(out, "  %-14s %s\n", f->name, got);
        nFieldsChecked++;
        if (value != f->value) {
            fprintf(stderr, "%s (QEMU %s): %s: the guest reads %s, the configuration says %s\n",
                    c->name, c->ver, f->name, got, want);
            ret = -1;
        }
    }
    return ret;
}

static int
testCheckDMA(const testGuestCase *c, const testGuestReport *r, GString *out)
{
    g_autofree char *data = NULL;
    g_autofree char *want = g_strdup_printf("GV-DMA %s\n", c->nonce);
    struct stat st;
    gsize len = 0;

    if (!r->dmaPCI || !r->dmaWritten) {
        fprintf(stderr, "%s: the guest found no DMA port or could not write it\n", c->name);
        return -1;
    }
    if (!r->dmaAccessPlatform || !r->dmaUnit || !r->dmaGroupType ||
        !(g_str_equal(r->dmaGroupType, "DMA") || g_str_equal(r->dmaGroupType, "DMA-FQ"))) {
        fprintf(stderr, "%s: the DMA device %s is not translated by the vIOMMU "
                "(ACCESS_PLATFORM %d, unit %s, domain type %s)\n", c->name, r->dmaPCI,
                r->dmaAccessPlatform, NULLSTR(r->dmaUnit), NULLSTR(r->dmaGroupType));
        return -1;
    }
    if (stat(c->dmaPath, &st) < 0 || st.st_size > MAX_LOG ||
        !g_file_get_contents(c->dmaPath, &data, &len, NULL) || !g_str_equal(data, want)) {
        fprintf(stderr, "%s: the host file holds '%s', expected '%s'\n", c->name,
                data ? data : "(nothing)", want);
        return -1;
    }
    printf("  %-34s DMA: %" G_GSIZE_FORMAT " bytes from %s through %s (%s domain) arrived in the host file\n",
           "", len, r->dmaPCI, r->dmaUnit, r->dmaGroupType);
    g_string_append_printf(out, "dma %s behind %s, VIRTIO_F_ACCESS_PLATFORM, %s domain: "
                           "the guest's bytes arrived\n", r->dmaPCI,
                           g_str_has_prefix(r->dmaUnit, "smmu3.") ? "smmu3" : r->dmaUnit,
                           r->dmaGroupType);
    return 0;
}

static int
testGuestCheck(const void *opaque)
{
    const testGuestCase *c = opaque;
    g_autofree char *xml = virTestDataPathFormat(DATADIR, "%s.xml", c->name);
    g_autofree char *capsPath = virTestDataPath(CAPSDIR, c->capsFile);
    g_autofree char *expectPath = virTestDataPathFormat(DATADIR, "%s.%s-%s.guest",
                                                        c->name, c->arch, c->ver);
    g_autoptr(GError) err = NULL;
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virQEMUCaps) caps = NULL;
    g_autoptr(testGuestReport) report = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *serial = NULL;
    g_autofree char *qemuLog = NULL;
    struct stat st;
    size_t i, unit = 0;
    int ret = 0;

    if (c->setupError) {
        fprintf(stderr, "%s: %s\n", c->name, c->setupError);
        return -1;
    }
    if (stat(c->qemuLogPath, &st) == 0 && st.st_size <= MAX_LOG)
        g_file_get_contents(c->qemuLogPath, &qemuLog, NULL, NULL);
    /* the guest writes the serial log: bounded before it is read */
    if (stat(c->serialPath, &st) < 0 || st.st_size > MAX_LOG) {
        fprintf(stderr, "%s: serial log %s is missing or larger than %d bytes\n",
                c->name, c->serialPath, MAX_LOG);
        return -1;
    }
    if (!g_file_get_contents(c->serialPath, &serial, NULL, &err)) {
        fprintf(stderr, "%s: serial log: %s\n", c->name, err->message);
        return -1;
    }
    if (c->timedOut || !WIFEXITED(c->status) || WEXITSTATUS(c->status) != 0) {
        g_autofree char *tail = testTail(serial, 2000);

        fprintf(stderr, "%s (QEMU %s): %s after %.1f s\nQEMU: %s\nserial: ...%s\n",
                c->name, c->ver, c->timedOut ? "killed: no poweroff" : "QEMU failed",
                c->seconds, qemuLog ? qemuLog : "", tail);
        return -1;
    }
    if (!(report = testGuestParse(serial, &err))) {
        g_autofree char *tail = testTail(serial, 2000);

        fprintf(stderr, "%s: %s\nserial: ...%s\n", c->name, err->message, tail);
        return -1;
    }
    nBoots++;
    bootSeconds += c->seconds;
    printf("  %-34s QEMU %s %s: guest powered off after %.1f s (%s)\n", c->name, c->ver,
           c->arch, c->seconds, NULLSTR(report->kernel));

    if (!(def = virDomainDefParseFile(xml, 0, &err)) ||
        !(caps = virQEMUCapsParseFile(capsPath, &err))) {
        fprintf(stderr, "%s: %s\n", c->name, err->message);
        return -1;
    }
    for (i = 0; i < def->niommus; i++) {
        g_autoptr(qemuViommuGuestView) view = qemuViommuGuestViewNew(def, def->iommus[i], caps);
        const testGuestUnit *u = NULL;

        if (!view->nfields)
            continue;
        for (; unit < report->units->len && !u; unit++) {
            const testGuestUnit *cand = g_ptr_array_index(report->units, unit);

            if (testUnitMatches(cand, view->model))
                u = cand;
        }
        if (!u) {
            fprintf(stderr, "%s: the guest sees no IOMMU unit for %s\n", c->name, view->alias);
            return -1;
        }
        if (testCheckUnit(c, view, u, out) < 0)
            ret = -1;
    }
    for (; unit < report->units->len; unit++) {
        const testGuestUnit *u = g_ptr_array_index(report->units, unit);

        fprintf(stderr, "%s: the guest sees an IOMMU unit %s the domain does not have\n",
                c->name, u->name);
        ret = -1;
    }
    if (c->dma && testCheckDMA(c, report, out) < 0)
        ret = -1;
    if (ret < 0)
        return -1;
    return virTestCompareToFile(out->str, expectPath);
}

/* ---- the cases ------------------------------------------------------------ */

#define X86_11 "x86_64", "11.1", "caps_11.1.3_x86_64.xml"
#define X86_10 "x86_64", "10.0", "caps_10.0.2_x86_64.xml"
#define ARM_11 "aarch64", "11.1", "caps_11.1.3_aarch64.xml"
#define ARM_10 "aarch64", "10.0", "caps_10.0.2_aarch64.xml"

static testGuestCase testCases[] = {
    /* intel, QEMU 11.1 names */
    { "intel-default", X86_11, false },
    { "intel-scalable-mode", X86_11, false },
    { "intel-nesting", X86_11, false },
    { "intel-nesting-pasid-20", X86_11, true },
    { "intel-nesting-pasid-10", X86_11, false },
    { "intel-aw-bits-39", X86_11, false },
    { "intel-caching-mode-eim", X86_11, false },
    { "intel-svm-iotlb", X86_11, false },
    { "intel-upstream-spelling", X86_11, false },
    { "intel-q35-9.1", X86_11, false },
    /* intel, QEMU 10.0: x-scalable-mode, x-flts, x-pasid-mode */
    { "intel-default", X86_10, false },
    { "intel-nesting", X86_10, true },
    { "intel-scalable-pasid-1bit", X86_10, false },
    /* smmuv3 */
    { "smmuv3-machine", ARM_11, true },
    { "smmuv3-pcibus", ARM_11, true },
    { "smmuv3-virt-9.1", ARM_11, false },
    { "smmuv3-machine", ARM_10, false },
};

static int
mymain(void)
{
    g_autofree char *dataDir = g_build_filename(abs_srcdir, DATADIR, NULL);
    g_autoptr(GError) err = NULL;
    const char *env;
    unsigned int jobs = 2;
    unsigned int timeout = 240;
    bool keep;
    gint64 t0;
    int ret = 0;
    size_t i;

    virTestRegisterDataDir(dataDir, NULL);
    if ((env = g_getenv("VIRT_VIOMMU_GUEST_IMAGE")) && *env)
        imageDir = g_strdup(env);
    else
        imageDir = g_build_filename(g_get_user_cache_dir(), "libvirt-viommu",
                                    "guest-image", NULL);
    if ((env = g_getenv("VIRT_VIOMMU_GUEST_JOBS")) && *env)
        jobs = CLAMP(g_ascii_strtoull(env, NULL, 10), 1, 16);
    if ((env = g_getenv("VIRT_VIOMMU_GUEST_TIMEOUT")) && *env)
        timeout = CLAMP(g_ascii_strtoull(env, NULL, 10), 10, 3600);
    if (!(tmpDir = g_dir_make_tmp("guestviewtest-XXXXXX", &err))) {
        fprintf(stderr, "%s\n", err->message);
        return -1;
    }

    for (i = 0; i < G_N_ELEMENTS(testCases); i++)
        testSetup(&testCases[i]);
    t0 = g_get_monotonic_time();
    testBootAll(testCases, G_N_ELEMENTS(testCases), jobs, timeout);

    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        testGuestCase *c = &testCases[i];
        g_autofree char *title = g_strdup_printf("%s (%s-%s)", c->name, c->arch, c->ver);

        if (virTestRun(title, testGuestCheck, c) < 0)
            ret = -1;
    }
    printf("  %u guests booted (%u at a time) in %.1f s, %.1f s a boot on average; "
           "%u register fields checked\n", nBoots, jobs,
           (g_get_monotonic_time() - t0) / (double)G_USEC_PER_SEC,
           nBoots ? bootSeconds / nBoots : 0.0, nFieldsChecked);

    keep = (env = g_getenv("VIRT_VIOMMU_GUEST_KEEP")) && *env && !g_str_equal(env, "0");
    if (keep)
        printf("  the serial logs are kept in %s\n", tmpDir);
    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        testGuestCase *c = &testCases[i];

        if (!keep) {
            unlink(c->serialPath);
            unlink(c->dmaPath);
            unlink(c->qemuLogPath);
        }
        g_free(c->setupError);
        g_strfreev(c->argv);
        g_free(c->nonce);
        g_free(c->serialPath);
        g_free(c->dmaPath);
        g_free(c->qemuLogPath);
    }
    if (!keep)
        rmdir(tmpDir);
    g_free(tmpDir);
    g_free(imageDir);
    return ret;
}

int
main(int argc, char **argv)
{
    return virTestMain(argc, argv, mymain);
}
