/*
 * bridge-bench.c: what the bridge costs
 *
 *   bridge-bench HOOK VIRT_VIOMMU DOMAIN.xml [N]
 *
 * 1. The libvirt hook, run as libvirt runs it (fork, exec, the domain XML
 *    on standard input, wait), N times each:
 *    - "started begin" (any operation but prepare begin);
 *    - "prepare begin" of the domain without virt-viommu metadata;
 *    - "prepare begin" of the same domain converted by the bridge (with
 *      metadata: virt-viommu hook runs every check).
 * 2. define through the bridge (checks, conversion, define) against a
 *    plain define of the already converted XML (what `virsh define` does),
 *    N times each, on libvirt's embedded driver in a private root.
 *
 * Prints per-run median and mean in milliseconds.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge_domain.h"
#include "bridge_convert.h"
#include "virxml.h"

static int
cmpDouble(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

static void
report(const char *what, double *ms, size_t n)
{
    double sum = 0;
    size_t i;

    for (i = 0; i < n; i++)
        sum += ms[i];
    qsort(ms, n, sizeof(*ms), cmpDouble);
    printf("%-58s median %7.2f ms  mean %7.2f ms  (n=%zu)\n", what, ms[n / 2], sum / n, n);
}

/* fork + exec @argv with @input on stdin, wait; milliseconds, <0 on failure */
static double
runOnce(char *const *argv, const char *input)
{
    gint64 start = g_get_monotonic_time();
    int in[2];
    pid_t pid;
    int status;
    size_t off = 0;
    size_t len = strlen(input);

    if (pipe(in) < 0)
        return -1;
    if ((pid = fork()) == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(in[0], STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        close(in[0]);
        close(in[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    while (off < len) {
        ssize_t w = write(in[1], input + off, len - off);

        if (w <= 0)
            break;
        off += w;
    }
    close(in[1]);
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s exited with %d\n", argv[0], WEXITSTATUS(status));
        return -1;
    }
    return (g_get_monotonic_time() - start) / 1000.0;
}

static int
benchHook(const char *hook, const char *op, const char *subop,
          const char *xml, const char *what, size_t n)
{
    g_autofree double *ms = g_new0(double, n);
    char *argv[] = { (char *)hook, (char *)"bench", (char *)op, (char *)subop,
                     (char *)"-", NULL };
    size_t i;

    for (i = 0; i < n; i++) {
        if ((ms[i] = runOnce(argv, xml)) < 0)
            return -1;
    }
    report(what, ms, n);
    return 0;
}

int
main(int argc, char **argv)
{
    g_autofree char *root = g_dir_make_tmp("bridge-bench-XXXXXX", NULL);
    g_autofree char *etc = g_build_filename(root, "etc", NULL);
    g_autofree char *conf = g_build_filename(etc, "qemu.conf", NULL);
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", root);
    g_autofree char *cache = g_build_filename(root, "cache", NULL);
    qemuDomainPrepareOptions opts = { .cacheDir = cache };
    g_autoptr(GError) err = NULL;
    g_autoptr(bridgeConn) conn = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *converted = NULL;
    g_autofree double *bridge = NULL;
    g_autofree double *plain = NULL;
    g_autofree char *rm = NULL;
    size_t n;
    size_t i;

    if (argc < 4) {
        fprintf(stderr, "usage: %s HOOK VIRT_VIOMMU DOMAIN.xml [N]\n", argv[0]);
        return 2;
    }
    n = argc > 4 ? strtoul(argv[4], NULL, 10) : 50;
    if (n == 0)
        n = 1;
    (void)argv[2];  /* the hook finds virt-viommu beside itself */
    g_mkdir_with_parents(etc, 0700);
    g_file_set_contents(conf, "stdio_handler = \"file\"\nnamespaces = []\n"
                        "user = \"root\"\ngroup = \"root\"\n", -1, NULL);
    if (!(xml = virXMLReadFile(argv[3], &err)) ||
        !(conn = bridgeConnOpen(uri, &err)) ||
        !(converted = bridgeDomainConvert(conn, xml, argv[3], &opts, &err))) {
        fprintf(stderr, "error: %s\n", err->message);
        return 1;
    }

    printf("hook (fork + exec + XML on stdin + wait), %s:\n", argv[3]);
    if (benchHook("/bin/true", "started", "begin", converted,
                  "  baseline: /bin/true run the same way", n) < 0 ||
        benchHook(argv[1], "started", "begin", converted,
                  "  started begin (any other operation)", n) < 0 ||
        benchHook(argv[1], "prepare", "begin", xml,
                  "  prepare begin, domain without virt-viommu metadata", n) < 0 ||
        benchHook(argv[1], "prepare", "begin", converted,
                  "  prepare begin, domain with metadata (all checks)", n) < 0)
        return 1;

    printf("define on %s:\n", "the embedded driver (libvirt 11.3)");
    bridge = g_new0(double, n);
    plain = g_new0(double, n);
    for (i = 0; i < n; i++) {
        gint64 t0 = g_get_monotonic_time();
        g_autofree char *name = bridgeDomainDefine(conn, xml, argv[3], &opts, &err);
        g_autofree char *name2 = NULL;
        gint64 t1 = g_get_monotonic_time();

        if (!name || bridgeConnRemove(conn, name, &err) < 0)
            break;
        t1 = t1 - t0;
        t0 = g_get_monotonic_time();
        name2 = bridgeConnDefine(conn, converted, &err);
        plain[i] = (g_get_monotonic_time() - t0) / 1000.0;
        bridge[i] = t1 / 1000.0;
        if (!name2 || bridgeConnRemove(conn, name2, &err) < 0)
            break;
    }
    if (err) {
        fprintf(stderr, "error: %s\n", err->message);
        return 1;
    }
    report("  through the bridge (checks + conversion + define)", bridge, n);
    report("  plain define of the converted XML (virsh define)", plain, n);
    bridgeConnClose(g_steal_pointer(&conn));
    rm = g_strdup_printf("rm -rf '%s'", root);
    return system(rm) == 0 ? 0 : 1;
}
