/*
 * virt-viommu-hook.c: the libvirt QEMU hook (installed as
 * /etc/libvirt/hooks/qemu.d/virt-viommu)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt runs every hook on every operation of every domain, so this
 * program links nothing but the C library: it reads the domain XML only
 * for "prepare begin", and hands a domain over to virt-viommu-hook-check (the
 * full checks) only when the XML carries virt-viommu's metadata. Anything
 * else passes at once, untouched.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HOOK_NS_URI "http://libvirt-viommu.org/xmlns/domain/1.0"
#define HOOK_MAX_XML (64u * 1024 * 1024)

/* Read all of standard input into @buf (grown); -1 on error or overflow */
static ssize_t
hookReadAll(char **buf)
{
    size_t cap = 65536;
    size_t len = 0;

    if (!(*buf = malloc(cap + 1)))
        return -1;
    for (;;) {
        ssize_t n;

        if (len == cap) {
            char *tmp;

            if (cap >= HOOK_MAX_XML || !(tmp = realloc(*buf, cap * 2 + 1)))
                return -1;
            *buf = tmp;
            cap *= 2;
        }
        n = read(STDIN_FILENO, *buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        len += n;
    }
    (*buf)[len] = '\0';
    return len;
}

/* Drain standard input so that libvirt's write of the XML never fails */
static void
hookDrain(void)
{
    char chunk[65536];
    ssize_t n;

    while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) > 0 ||
           (n < 0 && errno == EINTR))
        ;
}

/* virt-viommu-hook-check beside this program's real path, else the
 * installed one */
static void
hookVirtViommuPath(char *path, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    if (n > 0) {
        self[n] = '\0';
        if ((slash = strrchr(self, '/'))) {
            *slash = '\0';
            if ((size_t)snprintf(path, size, "%s/virt-viommu-hook-check", self) < size &&
                access(path, X_OK) == 0)
                return;
        }
    }
    snprintf(path, size, "%s/virt-viommu-hook-check", LIBEXECDIR);
}

int
main(int argc, char **argv)
{
    char *xml = NULL;
    ssize_t len;
    int fd;
    char path[PATH_MAX + 16];

    if (argc < 4 || strcmp(argv[2], "prepare") != 0 || strcmp(argv[3], "begin") != 0) {
        hookDrain();
        return 0;
    }
    if ((len = hookReadAll(&xml)) < 0) {
        fprintf(stderr, "error: virt-viommu hook: cannot read the domain XML\n");
        free(xml);
        return 1;
    }
    if (!strstr(xml, HOOK_NS_URI)) {
        free(xml);
        return 0;
    }
    /* the checks: virt-viommu-hook-check NAME prepare begin -, XML on stdin */
    if ((fd = memfd_create("domain-xml", 0)) < 0 ||
        write(fd, xml, len) != len || lseek(fd, 0, SEEK_SET) != 0 ||
        dup2(fd, STDIN_FILENO) < 0) {
        fprintf(stderr, "error: virt-viommu hook: %s\n", strerror(errno));
        free(xml);
        return 1;
    }
    free(xml);
    hookVirtViommuPath(path, sizeof(path));
    execl(path, "virt-viommu-hook-check", argv[1], argv[2], argv[3],
          argc > 4 ? argv[4] : "-", (char *)NULL);
    fprintf(stderr, "error: virt-viommu hook: cannot run %s: %s\n", path, strerror(errno));
    return 1;
}
