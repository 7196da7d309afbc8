/*
 * iommufdshim.c: LD_PRELOAD stand-in for the kernel's /dev/iommu and
 *                /dev/vfio/devices/vfioN, at the system-call boundary
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * lstat() of such a node file reports a character device (a node the test
 * replaced with a FIFO or a link is reported as what it is); fstat() of a
 * stand-in descriptor reports the same device.
 *
 * open()/openat() (without O_CREAT) of a path ending in "/dev/iommu" or in
 * "/dev/vfio/devices/vfioN" (inside a captured host tree) reads that file's
 * "key=value" lines and hands out a real descriptor of /dev/null standing
 * for the node; ioctl() on such a descriptor behaves like the kernel's
 * VFIO_DEVICE_BIND_IOMMUFD and IOMMU_GET_HW_INFO, including their argument
 * checks; close() forgets it. Everything else goes to the C library.
 *
 * The argument layouts are written out here by byte offset, independently
 * of the project's own uAPI header, so that a wrong header fails the tests.
 *
 * Keys (all optional):
 *   /dev/iommu:  open-errno=NAME
 *   both:        rdev=MAJOR:MINOR, the device number lstat()/fstat() give
 *                (default: 10:124 for /dev/iommu, 511:N for vfioN, the
 *                numbers the trees' sysfs "dev" attributes hold)
 *   vfioN:       open-errno, bind-errno, hwinfo-errno=NAME; dev-id=N;
 *                kernel-struct-size=32|40 (32: a Linux 6.6 kernel that
 *                knows nothing after out_data_type); reject-larger=yes
 *                (refuse a struct larger than the kernel's with E2BIG);
 *                type=N; max-pasid-log2=N; capabilities=N;
 *                vtd-flags/-cap/-ecap, smmu-idr0..5/-iidr/-aidr,
 *                amd-efr/-efr2 (the vendor payload)
 */
/* _GNU_SOURCE comes from the build (RTLD_NEXT, O_TMPFILE). Without the
 * build's _FILE_OFFSET_BITS=64, open and open64 stay two symbols that can
 * both be defined here. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SHIM_MAX_FILES 64
#define SHIM_IOCTL_BIND     0x3B76UL   /* VFIO_DEVICE_BIND_IOMMUFD */
#define SHIM_IOCTL_HW_INFO  0x3B8AUL   /* IOMMU_GET_HW_INFO */

enum { SHIM_IOMMU = 1, SHIM_CDEV = 2 };

typedef struct {
    int fd;                 /* 0 = free slot */
    int kind;
    int bindErrno;
    int hwinfoErrno;
    unsigned int devId;
    int boundTo;            /* iommufd the device is bound to, -1 */
    unsigned int kernelSize;
    bool rejectLarger;
    unsigned int type;
    unsigned int maxPasidLog2;
    uint64_t caps;
    uint8_t payload[64];
    size_t payloadLen;
    dev_t rdev;
} ShimFile;

static ShimFile files[SHIM_MAX_FILES];

/* exported for the tests (looked up with dlsym) */
int iommufdShimOpenCount(void);
int iommufdShimBoundCount(void);
int iommufdShimHwInfoCalls(void);
int iommufdShimCdevOpenCalls(void);

static int hwInfoCalls;
static int cdevOpenCalls;   /* open() of a vfioN node, failed ones too */

int open(const char *path, int flags, ...);
int open64(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int close(int fd);
int ioctl(int fd, unsigned long request, ...);
int lstat(const char *path, struct stat *sb);
int lstat64(const char *path, struct stat64 *sb);
int fstat(int fd, struct stat *sb);
int fstat64(int fd, struct stat64 *sb);

/* like the C library: a mode argument follows only for these flags */
#define SHIM_NEEDS_MODE(flags) \
    (((flags) & O_CREAT) || ((flags) & O_TMPFILE) == O_TMPFILE)

/* Fetch that mode argument into @mode; a macro, because va_start has to
 * run in the variadic wrapper itself (@flags is its last named parameter) */
#define SHIM_GET_MODE(mode, flags) \
    do { \
        if (SHIM_NEEDS_MODE(flags)) { \
            va_list ap; \
            va_start(ap, flags); \
            mode = va_arg(ap, mode_t); \
            va_end(ap); \
        } \
    } while (0)

static int (*realOpen)(const char *, int, ...);
static int (*realOpenat)(int, const char *, int, ...);
static int (*realClose)(int);
static int (*realIoctl)(int, unsigned long, ...);
static int (*realLstat)(const char *, struct stat *);
static int (*realLstat64)(const char *, struct stat64 *);
static int (*realFstat)(int, struct stat *);
static int (*realFstat64)(int, struct stat64 *);

static void
shimInit(void)
{
    if (realOpen)
        return;
    realOpen = dlsym(RTLD_NEXT, "open");
    realOpenat = dlsym(RTLD_NEXT, "openat");
    realClose = dlsym(RTLD_NEXT, "close");
    realIoctl = dlsym(RTLD_NEXT, "ioctl");
    realLstat = dlsym(RTLD_NEXT, "lstat");
    realLstat64 = dlsym(RTLD_NEXT, "lstat64");
    realFstat = dlsym(RTLD_NEXT, "fstat");
    realFstat64 = dlsym(RTLD_NEXT, "fstat64");
    if (!realOpen || !realOpenat || !realClose || !realIoctl ||
        !realLstat || !realLstat64 || !realFstat || !realFstat64) {
        fprintf(stderr, "iommufdshim: cannot find the C library functions\n");
        abort();
    }
}

int
iommufdShimOpenCount(void)
{
    int n = 0;

    for (size_t i = 0; i < SHIM_MAX_FILES; i++)
        n += files[i].fd > 0;
    return n;
}

int
iommufdShimBoundCount(void)
{
    int n = 0;

    for (size_t i = 0; i < SHIM_MAX_FILES; i++)
        n += files[i].fd > 0 && files[i].boundTo >= 0;
    return n;
}

int
iommufdShimHwInfoCalls(void)
{
    return hwInfoCalls;
}

int
iommufdShimCdevOpenCalls(void)
{
    return cdevOpenCalls;
}

static int
shimKind(const char *path, int flags)
{
    const char *name;
    size_t len;

    /* the probe never creates nodes; a temporary file next to a node
     * (g_file_set_contents) is not one */
    if (!path || (flags & O_CREAT))
        return 0;
    len = strlen(path);
    if (len >= 10 && strcmp(path + len - 10, "/dev/iommu") == 0)
        return SHIM_IOMMU;
    if ((name = strstr(path, "/dev/vfio/devices/vfio")) &&
        name[22] && strspn(name + 22, "0123456789") == strlen(name + 22))
        return SHIM_CDEV;
    return 0;
}

static ShimFile *
shimLookup(int fd)
{
    for (size_t i = 0; i < SHIM_MAX_FILES; i++) {
        if (fd > 0 && files[i].fd == fd)
            return &files[i];
    }
    return NULL;
}

static int
shimErrno(const char *name)
{
    static const struct { const char *name; int val; } names[] = {
        { "EACCES", EACCES }, { "EPERM", EPERM }, { "EBUSY", EBUSY },
        { "EINVAL", EINVAL }, { "ENOTTY", ENOTTY }, { "ENOENT", ENOENT },
        { "EOPNOTSUPP", EOPNOTSUPP }, { "E2BIG", E2BIG }, { "ENODEV", ENODEV },
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(names[i].name, name) == 0)
            return names[i].val;
    }
    fprintf(stderr, "iommufdshim: unknown errno name '%s'\n", name);
    abort();
}

static void
put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void
put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static uint32_t
get32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static uint64_t
get64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

/* Vendor payload fields: key -> offset, width */
static bool
shimPayloadKey(ShimFile *f, const char *key, uint64_t val)
{
    static const struct { const char *key; size_t off; size_t width; size_t len; } keys[] = {
        { "vtd-flags", 0, 4, 24 }, { "vtd-cap", 8, 8, 24 }, { "vtd-ecap", 16, 8, 24 },
        { "smmu-idr0", 8, 4, 40 }, { "smmu-idr1", 12, 4, 40 },
        { "smmu-idr2", 16, 4, 40 }, { "smmu-idr3", 20, 4, 40 },
        { "smmu-idr4", 24, 4, 40 }, { "smmu-idr5", 28, 4, 40 },
        { "smmu-iidr", 32, 4, 40 }, { "smmu-aidr", 36, 4, 40 },
        { "amd-efr", 0, 8, 16 }, { "amd-efr2", 8, 8, 16 },
    };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strcmp(keys[i].key, key) != 0)
            continue;
        if (keys[i].width == 4)
            put32(f->payload + keys[i].off, (uint32_t)val);
        else
            put64(f->payload + keys[i].off, val);
        if (f->payloadLen < keys[i].len)
            f->payloadLen = keys[i].len;
        return true;
    }
    return false;
}

static void
shimParseLine(ShimFile *f, char *line, int *openErrno)
{
    char *eq = strchr(line, '=');
    const char *key = line;
    const char *val;

    if (!*line || *line == '#' || !eq)
        return;
    *eq = '\0';
    val = eq + 1;
    if (strcmp(key, "open-errno") == 0)
        *openErrno = shimErrno(val);
    else if (strcmp(key, "bind-errno") == 0)
        f->bindErrno = shimErrno(val);
    else if (strcmp(key, "hwinfo-errno") == 0)
        f->hwinfoErrno = shimErrno(val);
    else if (strcmp(key, "dev-id") == 0)
        f->devId = (unsigned int)strtoul(val, NULL, 0);
    else if (strcmp(key, "kernel-struct-size") == 0)
        f->kernelSize = (unsigned int)strtoul(val, NULL, 0);
    else if (strcmp(key, "reject-larger") == 0)
        f->rejectLarger = strcmp(val, "yes") == 0;
    else if (strcmp(key, "type") == 0)
        f->type = (unsigned int)strtoul(val, NULL, 0);
    else if (strcmp(key, "max-pasid-log2") == 0)
        f->maxPasidLog2 = (unsigned int)strtoul(val, NULL, 0);
    else if (strcmp(key, "capabilities") == 0)
        f->caps = strtoull(val, NULL, 0);
    else if (strcmp(key, "rdev") == 0)
        f->rdev = makedev(strtoul(val, NULL, 10),
                          strtoul(strchr(val, ':') ? strchr(val, ':') + 1 : "0",
                                  NULL, 10));
    else if (!shimPayloadKey(f, key, strtoull(val, NULL, 0))) {
        fprintf(stderr, "iommufdshim: unknown key '%s'\n", key);
        abort();
    }
}

static dev_t
shimDefaultRdev(const char *path)
{
    const char *name = strstr(path, "/dev/vfio/devices/vfio");

    if (name)
        return makedev(511, strtoul(name + 22, NULL, 10));
    return makedev(10, 124);
}

/* Read the node file of the tree into @f; returns the errno open() must
 * fail with, 0 to succeed */
static int
shimLoad(int dirfd, const char *path, ShimFile *f)
{
    char buf[4096];
    ssize_t len;
    int fd;
    int openErrno = 0;
    char *line, *save = NULL;

    fd = realOpenat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    len = read(fd, buf, sizeof(buf) - 1);
    realClose(fd);
    if (len < 0)
        return EIO;
    buf[len] = '\0';

    memset(f, 0, sizeof(*f));
    f->rdev = shimDefaultRdev(path);
    f->devId = 1;
    f->boundTo = -1;
    f->kernelSize = 40;
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        shimParseLine(f, line, &openErrno);
    return openErrno;
}

static int
shimOpen(int dirfd, const char *path, int flags, mode_t mode)
{
    int kind;
    ShimFile tmp;
    int err;
    size_t i;

    shimInit();
    if (!(kind = shimKind(path, flags)))
        return realOpenat(dirfd, path, flags, mode);
    if (kind == SHIM_CDEV)
        cdevOpenCalls++;

    if ((err = shimLoad(dirfd, path, &tmp))) {
        errno = err;
        return -1;
    }
    if ((flags & O_ACCMODE) != O_RDWR) {
        errno = EINVAL;   /* the probe must open the nodes read-write */
        return -1;
    }
    for (i = 0; i < SHIM_MAX_FILES && files[i].fd > 0; i++)
        ;
    if (i == SHIM_MAX_FILES) {
        errno = EMFILE;
        return -1;
    }
    /* a genuine character-device descriptor stands for the node */
    if ((tmp.fd = realOpen("/dev/null", O_RDWR | (flags & O_CLOEXEC))) < 0)
        return -1;
    tmp.kind = kind;
    files[i] = tmp;
    return tmp.fd;
}

/* A node file of the tree seen through lstat(): the character device it
 * stands for. true when @sb was filled in (or the call failed: @rc). */
static bool
shimStatNode(const char *path, struct stat *sb, int *rc)
{
    ShimFile tmp;

    shimInit();
    if (!shimKind(path, 0))
        return false;
    if ((*rc = realLstat(path, sb)) < 0 || !S_ISREG(sb->st_mode))
        return true;
    shimLoad(AT_FDCWD, path, &tmp);
    sb->st_mode = S_IFCHR | 0600;
    sb->st_rdev = tmp.rdev;
    sb->st_size = 0;
    return true;
}

int
lstat(const char *path, struct stat *sb)
{
    int rc;

    if (shimStatNode(path, sb, &rc))
        return rc;
    return realLstat(path, sb);
}

int
lstat64(const char *path, struct stat64 *sb)
{
    struct stat st;
    int rc;

    /* the same layout on the 64-bit hosts the tests run on */
    _Static_assert(sizeof(struct stat) == sizeof(struct stat64),
                   "struct stat and struct stat64 differ");
    if (shimStatNode(path, &st, &rc)) {
        memcpy(sb, &st, sizeof(st));
        return rc;
    }
    return realLstat64(path, sb);
}

int
fstat(int fd, struct stat *sb)
{
    ShimFile *f;
    int rc;

    shimInit();
    rc = realFstat(fd, sb);
    if (rc == 0 && (f = shimLookup(fd)))
        sb->st_rdev = f->rdev;
    return rc;
}

int
fstat64(int fd, struct stat64 *sb)
{
    ShimFile *f;
    int rc;

    shimInit();
    rc = realFstat64(fd, sb);
    if (rc == 0 && (f = shimLookup(fd)))
        sb->st_rdev = f->rdev;
    return rc;
}

int
open(const char *path, int flags, ...)
{
    mode_t mode = 0;

    SHIM_GET_MODE(mode, flags);
    return shimOpen(AT_FDCWD, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
    mode_t mode = 0;

    SHIM_GET_MODE(mode, flags);
    return shimOpen(AT_FDCWD, path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;

    SHIM_GET_MODE(mode, flags);
    return shimOpen(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;

    SHIM_GET_MODE(mode, flags);
    return shimOpen(dirfd, path, flags, mode);
}

int
__open_2(const char *path, int flags)
{
    return shimOpen(AT_FDCWD, path, flags, 0);
}

int
__open64_2(const char *path, int flags)
{
    return shimOpen(AT_FDCWD, path, flags, 0);
}

int
close(int fd)
{
    ShimFile *f;

    shimInit();
    if ((f = shimLookup(fd))) {
        /* closing a device fd undoes its bind; closing the iommufd
         * releases the devices still bound to it */
        for (size_t i = 0; i < SHIM_MAX_FILES; i++) {
            if (files[i].fd > 0 && files[i].boundTo == fd)
                files[i].boundTo = -1;
        }
        memset(f, 0, sizeof(*f));
    }
    return realClose(fd);
}

/* VFIO_DEVICE_BIND_IOMMUFD: argsz@0 flags@4 iommufd@8 out_devid@12 */
static int
shimBind(ShimFile *dev, uint8_t *arg)
{
    uint32_t argsz = get32(arg);
    uint32_t flags = get32(arg + 4);
    int32_t iommufd = (int32_t)get32(arg + 8);
    ShimFile *iommu = shimLookup(iommufd);

    if (argsz < 16 || flags != 0 || iommufd < 0)
        return EINVAL;
    if (!iommu || iommu->kind != SHIM_IOMMU)
        return EBADF;
    if (dev->bindErrno)
        return dev->bindErrno;
    if (dev->boundTo >= 0)
        return EINVAL;
    dev->boundTo = iommufd;
    put32(arg + 12, dev->devId);
    return 0;
}

/* IOMMU_GET_HW_INFO: size@0 flags@4 dev_id@8 data_len@12 data_uptr@16
 * out_data_type@24 out_max_pasid_log2@28 reserved@29..31
 * out_capabilities@32 (Linux 6.7+) */
static int
shimHwInfo(ShimFile *iommu, uint8_t *arg)
{
    uint32_t size = get32(arg);
    uint8_t in[40] = { 0 };
    uint32_t dataLen;
    uint8_t *data;
    ShimFile *dev = NULL;
    unsigned int ksize = 40;
    size_t n, i;

    hwInfoCalls++;
    if (size < 32)
        return EINVAL;
    /* the device decides which kernel we pretend to be */
    for (i = 0; i < SHIM_MAX_FILES; i++) {
        if (files[i].fd > 0 && files[i].kind == SHIM_CDEV &&
            files[i].boundTo == iommu->fd && files[i].devId == get32(arg + 8)) {
            dev = &files[i];
            break;
        }
    }
    if (dev)
        ksize = dev->kernelSize;
    if (size > ksize) {
        if (dev && dev->rejectLarger)
            return E2BIG;
        for (i = ksize; i < size; i++) {
            if (arg[i])
                return E2BIG;
        }
    }
    memcpy(in, arg, size < ksize ? size : ksize);
    if (get32(in + 4) != 0)
        return EOPNOTSUPP;
    for (i = ksize == 32 ? 28 : 29; i < 32; i++) {
        if (in[i])
            return EOPNOTSUPP;
    }
    if (!dev)
        return ENOENT;
    if (dev->hwinfoErrno)
        return dev->hwinfoErrno;

    dataLen = get32(in + 12);
    data = (uint8_t *)(uintptr_t)get64(in + 16);
    n = dataLen < dev->payloadLen ? dataLen : dev->payloadLen;
    if (n && !data)
        return EFAULT;
    if (dataLen) {
        memcpy(data, dev->payload, n);
        memset(data + n, 0, dataLen - n);
    }
    put32(in + 12, (uint32_t)dev->payloadLen);
    put32(in + 24, dev->type);
    if (ksize >= 40) {
        in[28] = (uint8_t)dev->maxPasidLog2;
        put64(in + 32, dev->caps);
    }
    memcpy(arg, in, size < ksize ? size : ksize);
    return 0;
}

int
ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    void *arg;
    ShimFile *f;
    int err;

    shimInit();
    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);

    if (!(f = shimLookup(fd)))
        return realIoctl(fd, request, arg);

    if (f->kind == SHIM_CDEV && request == SHIM_IOCTL_BIND)
        err = shimBind(f, arg);
    else if (f->kind == SHIM_IOMMU && request == SHIM_IOCTL_HW_INFO)
        err = shimHwInfo(f, arg);
    else
        err = ENOTTY;
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}
