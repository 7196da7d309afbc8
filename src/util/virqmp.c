/*
 * virqmp.c: a small synchronous QMP client for a QEMU process it starts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "virqmp.h"

struct _virQMP {
    char *binary;
    pid_t pid;              /* 0 once reaped */
    int sock;               /* our end of the monitor socketpair */
    int logfd;              /* QEMU's stdout + stderr (unlinked file) */
    unsigned int timeoutMs;
    bool eof;
    GString *rbuf;          /* bytes read but not yet parsed */
    GQueue events;          /* of JsonNode* */
    JsonNode *greeting;
    char *lastErrorClass;
    unsigned int serial;
};

#define VIR_QMP_CHARDEV_ID "vvqmp"

/* Runs in the child between fork and exec: if the parent dies (a crashed
 * or killed test), take QEMU down with it instead of leaking it. */
static void
virQMPChildSetup(gpointer opaque G_GNUC_UNUSED)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static gint64
virQMPDeadline(virQMP *qmp)
{
    return g_get_monotonic_time() + (gint64)qmp->timeoutMs * 1000;
}

static int
virQMPRemainingMs(gint64 deadline)
{
    gint64 left = deadline - g_get_monotonic_time();

    if (left <= 0)
        return 0;
    return (int)((left + 999) / 1000);
}

/* Reap the child if it has exited (or wait up to @deadline for it when
 * @deadline is not 0). Returns true with @status set once reaped. */
static bool
virQMPReap(virQMP *qmp, gint64 deadline, int *status)
{
    while (qmp->pid > 0) {
        pid_t r = waitpid(qmp->pid, status, WNOHANG);

        if (r == qmp->pid || (r < 0 && errno == ECHILD)) {
            qmp->pid = 0;
            return true;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (deadline == 0 || g_get_monotonic_time() >= deadline)
            return false;
        g_usleep(5000);
    }
    return false;
}

static void
virQMPKill(virQMP *qmp)
{
    int status;

    if (qmp->pid <= 0)
        return;
    kill(qmp->pid, SIGKILL);
    while (waitpid(qmp->pid, &status, 0) < 0 && errno == EINTR)
        ;
    qmp->pid = 0;
}

char *
virQMPGetLog(virQMP *qmp)
{
    GString *out = g_string_new(NULL);
    char buf[4096];
    off_t off = 0;
    ssize_t got;

    if (qmp->logfd < 0)
        return g_string_free(out, FALSE);
    while ((got = pread(qmp->logfd, buf, sizeof(buf), off)) > 0 ||
           (got < 0 && errno == EINTR)) {
        if (got < 0)
            continue;
        g_string_append_len(out, buf, got);
        off += got;
    }
    return g_string_free(out, FALSE);
}

static char *
virQMPDescribeStatus(int status)
{
    if (WIFEXITED(status))
        return g_strdup_printf(_("exit status %1$d"), WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return g_strdup_printf(_("killed by signal %1$d"), WTERMSIG(status));
    return g_strdup(_("unknown status"));
}

/* The monitor closed or timed out: say why, with what QEMU printed. */
static int
virQMPReportDeath(virQMP *qmp, const char *what, GError **error)
{
    g_autofree char *log = NULL;
    g_autofree char *how = NULL;
    int status = 0;

    /* give an exiting QEMU a moment to finish writing and exiting */
    if (!virQMPReap(qmp, g_get_monotonic_time() + 2 * G_USEC_PER_SEC, &status)) {
        virQMPKill(qmp);
        how = g_strdup(_("killed after it stopped answering"));
    } else {
        how = virQMPDescribeStatus(status);
    }
    log = virQMPGetLog(qmp);
    g_strstrip(log);
    return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                          _("QEMU '%1$s' %2$s (%3$s): %4$s"),
                          qmp->binary, what, how,
                          *log ? log : _("no output"));
}

/* Read one complete QMP message (one line of JSON). At the end of the
 * stream, returns NULL without an error when @eofOK (after "quit"). */
static JsonNode *
virQMPReadMessage(virQMP *qmp, gint64 deadline, bool eofOK, GError **error)
{
    while (true) {
        char *nl = memchr(qmp->rbuf->str, '\n', qmp->rbuf->len);
        char buf[65536];
        struct pollfd pfd = { .fd = qmp->sock, .events = POLLIN };
        ssize_t got;
        int rc;

        if (nl) {
            g_autofree char *line = g_strndup(qmp->rbuf->str, nl - qmp->rbuf->str);
            g_autoptr(JsonParser) parser = NULL;
            g_autoptr(GError) perr = NULL;
            JsonNode *root;

            g_string_erase(qmp->rbuf, 0, nl - qmp->rbuf->str + 1);
            g_strstrip(line);
            if (!*line)
                continue;
            parser = json_parser_new_immutable();
            if (!json_parser_load_from_data(parser, line, -1, &perr)) {
                virReportError(error, VIR_ERR_INTERNAL_ERROR,
                               _("cannot parse QMP message '%1$s': %2$s"),
                               line, perr->message);
                return NULL;
            }
            root = json_parser_get_root(parser);
            if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
                virReportError(error, VIR_ERR_INTERNAL_ERROR,
                               _("QMP message is not an object: '%1$s'"), line);
                return NULL;
            }
            return json_node_ref(root);
        }

        if (qmp->eof) {
            if (eofOK)
                return NULL;
            virQMPReportDeath(qmp, _("closed the QMP monitor"), error);
            return NULL;
        }

        rc = poll(&pfd, 1, virQMPRemainingMs(deadline));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            virReportSystemError(error, errno, "%s", _("cannot poll the QMP monitor"));
            return NULL;
        }
        if (rc == 0) {
            g_autofree char *what =
                g_strdup_printf(_("did not answer on the QMP monitor within %1$u ms"),
                                qmp->timeoutMs);
            virQMPReportDeath(qmp, what, error);
            return NULL;
        }
        got = read(qmp->sock, buf, sizeof(buf));
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        /* a peer that exits with data of ours unread resets the
         * connection instead of closing it: that is an end too */
        if (got < 0 && errno == ECONNRESET)
            got = 0;
        if (got < 0) {
            virReportSystemError(error, errno, "%s", _("cannot read from the QMP monitor"));
            return NULL;
        }
        if (got == 0)
            qmp->eof = true;
        else
            g_string_append_len(qmp->rbuf, buf, got);
    }
}

static int
virQMPWriteAll(virQMP *qmp, const char *data, size_t len, gint64 deadline,
               GError **error)
{
    while (len > 0) {
        struct pollfd pfd = { .fd = qmp->sock, .events = POLLOUT };
        ssize_t done;
        int rc = poll(&pfd, 1, virQMPRemainingMs(deadline));

        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                                  _("cannot send to the QMP monitor of '%1$s'"),
                                  qmp->binary);
        done = send(qmp->sock, data, len, MSG_NOSIGNAL);
        if (done < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (done < 0)
            return virReportSystemError(error, errno, "%s",
                                        _("cannot write to the QMP monitor"));
        data += done;
        len -= done;
    }
    return 0;
}

static bool
virQMPIsEvent(JsonNode *msg)
{
    return json_object_has_member(json_node_get_object(msg), "event");
}

static JsonNode *
virQMPSendReceive(virQMP *qmp, const char *command, JsonNode *arguments,
                  bool quitting, GError **error)
{
    g_autoptr(JsonBuilder) b = json_builder_new_immutable();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *id = g_strdup_printf("vv-%u", ++qmp->serial);
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;
    gint64 deadline = virQMPDeadline(qmp);

    g_clear_pointer(&qmp->lastErrorClass, g_free);

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "execute");
    json_builder_add_string_value(b, command);
    if (arguments) {
        json_builder_set_member_name(b, "arguments");
        json_builder_add_value(b, json_node_copy(arguments));
    }
    json_builder_set_member_name(b, "id");
    json_builder_add_string_value(b, id);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    text = json_to_string(root, FALSE);
    line = g_strconcat(text, "\r\n", NULL);

    if (virQMPWriteAll(qmp, line, strlen(line), deadline, error) < 0)
        return NULL;

    while (true) {
        g_autoptr(JsonNode) msg = NULL;
        JsonObject *obj;
        const char *msgId;

        if (!(msg = virQMPReadMessage(qmp, deadline, quitting, error)))
            return NULL;
        if (virQMPIsEvent(msg)) {
            g_queue_push_tail(&qmp->events, g_steal_pointer(&msg));
            continue;
        }
        obj = json_node_get_object(msg);
        msgId = json_object_get_string_member_with_default(obj, "id", NULL);
        if (g_strcmp0(msgId, id) != 0)
            continue;   /* not ours (e.g. a late reply); skip it */
        if (json_object_has_member(obj, "return"))
            return json_node_ref(json_object_get_member(obj, "return"));
        if (json_object_has_member(obj, "error")) {
            JsonObject *err = json_object_get_object_member(obj, "error");
            const char *cls = err ? json_object_get_string_member_with_default(err, "class", "") : "";
            const char *desc = err ? json_object_get_string_member_with_default(err, "desc", "") : "";

            qmp->lastErrorClass = g_strdup(cls);
            virReportError(error, VIR_ERR_OPERATION_FAILED,
                           _("QMP command '%1$s' failed: %2$s (%3$s)"),
                           command, desc, cls);
            return NULL;
        }
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("unexpected QMP reply to '%1$s'"), command);
        return NULL;
    }
}

JsonNode *
virQMPCommand(virQMP *qmp, const char *command, JsonNode *arguments,
              GError **error)
{
    return virQMPSendReceive(qmp, command, arguments, false, error);
}

JsonNode *
virQMPCommandStrings(virQMP *qmp, const char *command, GError **error, ...)
{
    g_autoptr(JsonBuilder) b = json_builder_new_immutable();
    g_autoptr(JsonNode) args = NULL;
    const char *key;
    va_list ap;

    json_builder_begin_object(b);
    va_start(ap, error);
    while ((key = va_arg(ap, const char *))) {
        json_builder_set_member_name(b, key);
        json_builder_add_string_value(b, va_arg(ap, const char *));
    }
    va_end(ap);
    json_builder_end_object(b);
    args = json_builder_get_root(b);
    return virQMPCommand(qmp, command, args, error);
}

const char *
virQMPErrorClass(virQMP *qmp)
{
    return qmp->lastErrorClass;
}

GPtrArray *
virQMPTakeEvents(virQMP *qmp)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
    JsonNode *ev;

    while ((ev = g_queue_pop_head(&qmp->events)))
        g_ptr_array_add(out, ev);
    return out;
}

static bool
virQMPEventIs(JsonNode *ev, const char *name)
{
    return g_strcmp0(json_object_get_string_member_with_default(
                         json_node_get_object(ev), "event", NULL), name) == 0;
}

JsonNode *
virQMPWaitEvent(virQMP *qmp, const char *name, GError **error)
{
    gint64 deadline = virQMPDeadline(qmp);
    GList *l;

    for (l = qmp->events.head; l; l = l->next) {
        if (virQMPEventIs(l->data, name)) {
            JsonNode *ev = l->data;
            g_queue_delete_link(&qmp->events, l);
            return ev;
        }
    }
    while (true) {
        g_autoptr(JsonNode) msg = virQMPReadMessage(qmp, deadline, false, error);

        if (!msg)
            return NULL;
        if (!virQMPIsEvent(msg))
            continue;
        if (virQMPEventIs(msg, name))
            return g_steal_pointer(&msg);
        g_queue_push_tail(&qmp->events, g_steal_pointer(&msg));
    }
}

JsonNode *
virQMPGetGreeting(virQMP *qmp)
{
    return qmp->greeting;
}

pid_t
virQMPGetPid(virQMP *qmp)
{
    return qmp->pid;
}

int
virQMPQuit(virQMP *qmp, int *status, GError **error)
{
    g_autoptr(JsonNode) reply = NULL;
    int st = 0;

    if (qmp->pid > 0 && !qmp->eof) {
        g_autoptr(GError) qerr = NULL;

        /* QEMU may close the socket before or after replying; both are a
         * successful quit. Only an exit that does not follow counts. */
        reply = virQMPSendReceive(qmp, "quit", NULL, true, &qerr);
        if (!reply && qerr) {
            g_propagate_error(error, g_steal_pointer(&qerr));
            virQMPKill(qmp);
            return -1;
        }
    }
    if (qmp->pid > 0 && !virQMPReap(qmp, virQMPDeadline(qmp), &st)) {
        virQMPKill(qmp);
        return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                              _("QEMU '%1$s' did not exit within %2$u ms after 'quit'; killed it"),
                              qmp->binary, qmp->timeoutMs);
    }
    if (status)
        *status = st;
    return 0;
}

void
virQMPFree(virQMP *qmp)
{
    JsonNode *ev;

    if (!qmp)
        return;
    virQMPKill(qmp);
    if (qmp->sock >= 0)
        close(qmp->sock);
    if (qmp->logfd >= 0)
        close(qmp->logfd);
    while ((ev = g_queue_pop_head(&qmp->events)))
        json_node_unref(ev);
    if (qmp->greeting)
        json_node_unref(qmp->greeting);
    if (qmp->rbuf)
        g_string_free(qmp->rbuf, TRUE);
    g_free(qmp->lastErrorClass);
    g_free(qmp->binary);
    g_free(qmp);
}

static int
virQMPOpenLog(GError **error)
{
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    int fd = g_file_open_tmp("virqmp-XXXXXX.log", &path, &err);

    if (fd < 0)
        return virReportError(error, VIR_ERR_SYSTEM_ERROR,
                              _("cannot create a log file for QEMU: %1$s"),
                              err->message);
    unlink(path);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

/* Spawn QEMU with the monitor end @childSock mapped to @qmpTarget and the
 * caller's descriptors mapped as asked. */
static int
virQMPSpawn(virQMP *qmp, const char *const *argv, const virQMPOptions *opts,
            int childSock, GError **error)
{
    size_t nfds = opts ? opts->nfds : 0;
    g_autofree int *src = g_new0(int, nfds + 1);
    g_autofree int *dst = g_new0(int, nfds + 1);
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    int maxTarget = 2;
    size_t i;
    GPid pid;
    int ret = -1;

    for (i = 0; i < nfds; i++)
        maxTarget = MAX(maxTarget, opts->targetFds[i]);

    /* Duplicate every source above all targets, so that mapping one fd
     * never overwrites a source that another mapping still needs. */
    for (i = 0; i < nfds + 1; i++)
        src[i] = -1;
    for (i = 0; i < nfds + 1; i++) {
        int from = i < nfds ? opts->passFds[i] : childSock;

        if ((src[i] = fcntl(from, F_DUPFD_CLOEXEC, maxTarget + 2)) < 0) {
            virReportSystemError(error, errno, "%s",
                                 _("cannot duplicate a descriptor for QEMU"));
            goto cleanup;
        }
        dst[i] = i < nfds ? opts->targetFds[i] : maxTarget + 1;
    }

    for (i = 0; argv[i]; i++)
        g_ptr_array_add(args, g_strdup(argv[i]));
    g_ptr_array_add(args, g_strdup("-chardev"));
    g_ptr_array_add(args, g_strdup_printf("socket,id=%s,fd=%d",
                                          VIR_QMP_CHARDEV_ID, maxTarget + 1));
    g_ptr_array_add(args, g_strdup("-mon"));
    g_ptr_array_add(args, g_strdup("chardev=" VIR_QMP_CHARDEV_ID ",mode=control"));
    g_ptr_array_add(args, NULL);

    if (!g_spawn_async_with_pipes_and_fds(NULL, (const char * const *)args->pdata, NULL,
                                          G_SPAWN_DO_NOT_REAP_CHILD |
                                          G_SPAWN_SEARCH_PATH |
                                          G_SPAWN_STDIN_FROM_DEV_NULL,
                                          virQMPChildSetup, NULL,
                                          -1, qmp->logfd, qmp->logfd,
                                          src, dst, nfds + 1,
                                          &pid, NULL, NULL, NULL, &err)) {
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("cannot start QEMU '%1$s': %2$s"),
                       argv[0], err->message);
        goto cleanup;
    }
    qmp->pid = pid;
    ret = 0;

 cleanup:
    for (i = 0; i < nfds + 1; i++) {
        if (src[i] >= 0)
            close(src[i]);
    }
    return ret;
}

virQMP *
virQMPStart(const char *const *argv, const virQMPOptions *opts, GError **error)
{
    g_autoptr(virQMP) qmp = g_new0(virQMP, 1);
    g_autoptr(JsonNode) greeting = NULL;
    g_autoptr(JsonNode) reply = NULL;
    int sv[2];

    qmp->sock = -1;
    qmp->logfd = -1;
    qmp->rbuf = g_string_new(NULL);
    g_queue_init(&qmp->events);
    qmp->timeoutMs = opts && opts->timeoutMs ? opts->timeoutMs
                                             : VIR_QMP_DEFAULT_TIMEOUT_MS;

    if (!argv || !argv[0]) {
        virReportError(error, VIR_ERR_INVALID_ARG, "%s", _("no QEMU binary given"));
        return NULL;
    }
    qmp->binary = g_strdup(argv[0]);

    if ((qmp->logfd = virQMPOpenLog(error)) < 0)
        return NULL;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        virReportSystemError(error, errno, "%s", _("cannot create the QMP socket pair"));
        return NULL;
    }
    qmp->sock = sv[0];
    if (virQMPSpawn(qmp, argv, opts, sv[1], error) < 0) {
        close(sv[1]);
        return NULL;
    }
    /* Only QEMU may hold the other end now: its exit must read as EOF. */
    close(sv[1]);

    if (!(greeting = virQMPReadMessage(qmp, virQMPDeadline(qmp), false, error)))
        return NULL;
    if (!json_object_has_member(json_node_get_object(greeting), "QMP")) {
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("QEMU '%1$s' sent no QMP greeting"), qmp->binary);
        return NULL;
    }
    qmp->greeting = json_node_ref(json_object_get_member(json_node_get_object(greeting), "QMP"));

    if (!(reply = virQMPCommand(qmp, "qmp_capabilities", NULL, error)))
        return NULL;
    return g_steal_pointer(&qmp);
}
