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

#include <glib-unix.h>

#include "virfile.h"
#include "virqmp.h"

struct _virQMP {
    char *binary;
    pid_t pid;              /* 0 once reaped */
    pid_t pgid;             /* QEMU's own process group (its pid) */
    int status;             /* wait status, once reaped */
    bool reaped;
    int sock;               /* our end of the monitor socketpair */
    int logfd;              /* read end of QEMU's stdout + stderr, -1 at EOF */
    GByteArray *log;        /* the tail of what QEMU printed */
    bool logTruncated;      /* older output was dropped */
    unsigned int timeoutMs;
    bool eof;
    GString *rbuf;          /* bytes read but not yet parsed */
    size_t received;        /* bytes read since the current wait began */
    GQueue events;          /* of JsonNode* */
    JsonNode *greeting;
    char *lastErrorClass;
    unsigned int serial;
};

/* How long to wait in one poll() before looking at the child again */
#define VIR_QMP_POLL_SLICE_MS 100

#define VIR_QMP_CHARDEV_ID "vvqmp"

/* Runs in the child between fork and exec: if the parent dies (a crashed
 * or killed test), take QEMU down with it instead of leaking it. */
static void
virQMPChildSetup(gpointer opaque G_GNUC_UNUSED)
{
    /* its own process group: a timeout or the end kills every process it
     * started, not only the first */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* Keep the last VIR_QMP_LOG_TAIL bytes of what QEMU printed; read only
 * what is there now (the pipe does not block). */
static void
virQMPDrainLog(virQMP *qmp)
{
    char buf[4096];

    while (qmp->logfd >= 0) {
        ssize_t got = read(qmp->logfd, buf, sizeof(buf));

        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                close(qmp->logfd);
                qmp->logfd = -1;
            }
            return;
        }
        g_byte_array_append(qmp->log, (const guint8 *)buf, got);
        if (qmp->log->len > 2 * VIR_QMP_LOG_TAIL) {
            g_byte_array_remove_range(qmp->log, 0,
                                      qmp->log->len - VIR_QMP_LOG_TAIL);
            qmp->logTruncated = true;
        }
    }
}

/* Wait up to @ms for QEMU's output (and keep it); 0 just drains. */
static void
virQMPWaitLog(virQMP *qmp, int ms)
{
    struct pollfd pfd = { .fd = qmp->logfd, .events = POLLIN };

    if (qmp->logfd < 0) {
        if (ms > 0)
            g_usleep(ms * 1000);
        return;
    }
    if (poll(&pfd, 1, ms) > 0)
        virQMPDrainLog(qmp);
}

/* Kill every process left in QEMU's group (forked helpers included) */
static void
virQMPKillGroup(virQMP *qmp)
{
    if (qmp->pgid > 0)
        kill(-qmp->pgid, SIGKILL);
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
/* Collect the exited child: first its group is killed (while the zombie
 * still holds the pid, so the group id cannot have been reused). */
static void
virQMPCollect(virQMP *qmp)
{
    int st = 0;

    virQMPKillGroup(qmp);
    while (waitpid(qmp->pid, &st, 0) < 0 && errno == EINTR)
        ;
    qmp->status = st;
    qmp->reaped = true;
    qmp->pid = 0;
}

/* Reap the child if it has exited (or wait up to @deadline for it when
 * @deadline is not 0). Returns true with @status set once reaped. */
static bool
virQMPReap(virQMP *qmp, gint64 deadline, int *status)
{
    while (qmp->pid > 0) {
        siginfo_t info;

        memset(&info, 0, sizeof(info));
        if (waitid(P_PID, qmp->pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0) {
            if (errno == EINTR)
                continue;
            /* not our child any more (ECHILD): nothing to wait for */
            qmp->pid = 0;
            qmp->reaped = true;
            break;
        }
        if (info.si_pid == qmp->pid) {
            virQMPCollect(qmp);
            break;
        }
        if (deadline == 0 || g_get_monotonic_time() >= deadline)
            return false;
        virQMPWaitLog(qmp, 5);
    }
    if (!qmp->reaped)
        return false;
    if (status)
        *status = qmp->status;
    return true;
}

static void
virQMPKill(virQMP *qmp)
{
    if (qmp->pid <= 0)
        return;
    kill(qmp->pid, SIGKILL);
    virQMPCollect(qmp);
}

char *
virQMPGetLog(virQMP *qmp)
{
    g_autofree char *tail = NULL;

    virQMPDrainLog(qmp);
    tail = virStringSanitizeTail((const char *)qmp->log->data, qmp->log->len,
                                 VIR_QMP_LOG_TAIL);
    if (qmp->logTruncated && qmp->log->len <= VIR_QMP_LOG_TAIL)
        return g_strconcat("...", tail, NULL);
    return g_steal_pointer(&tail);
}

/* At most the first 256 bytes of @text, printable, for a message */
static char *
virQMPShowText(const char *text, size_t len)
{
    g_autofree char *head = virStringSanitizeTail(text, MIN(len, 256), 256);

    return len > 256 ? g_strconcat(head, "...", NULL) : g_steal_pointer(&head);
}

/* The nesting depth of the JSON text @line (brackets outside strings) is
 * at most VIR_QMP_MAX_DEPTH: json-glib recurses once per level, so a
 * deeper message must never reach it. */
static bool
virQMPDepthOK(const char *line, size_t len)
{
    unsigned int depth = 0;
    bool inString = false;
    size_t i;

    for (i = 0; i < len; i++) {
        char c = line[i];

        if (inString) {
            if (c == '\\')
                i++;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > VIR_QMP_MAX_DEPTH)
                return false;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return true;
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
virQMPReportDeath(virQMP *qmp, const char *what, bool timedOut, GError **error)
{
    g_autofree char *log = NULL;
    g_autofree char *how = NULL;
    int status = 0;

    /* give an exiting QEMU a moment to finish writing and exiting; one
     * that used up its time gets none */
    if (!virQMPReap(qmp, timedOut ? 0 : g_get_monotonic_time() + 2 * G_USEC_PER_SEC,
                    &status)) {
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

JsonNode *
virQMPParseLine(const char *binary, const char *line, size_t len,
                GError **error)
{
    g_autoptr(JsonParser) parser = NULL;
    g_autoptr(GError) perr = NULL;
    JsonNode *root;

    if (!virQMPDepthOK(line, len)) {
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("QMP message from QEMU '%1$s' is nested deeper than %2$d levels"),
                       binary, VIR_QMP_MAX_DEPTH);
        return NULL;
    }
    parser = json_parser_new_immutable();
    if (!json_parser_load_from_data(parser, line, len, &perr)) {
        g_autofree char *shown = virQMPShowText(line, len);

        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("cannot parse QMP message '%1$s': %2$s"),
                       shown, perr->message);
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_autofree char *shown = virQMPShowText(line, len);

        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("QMP message is not an object: '%1$s'"), shown);
        return NULL;
    }
    return json_node_ref(root);
}

/* Take one complete line out of the read buffer: 1 with *@msg set (or
 * NULL for an empty line), 0 when no line is complete yet, -1 on error. */
static int
virQMPTakeLine(virQMP *qmp, JsonNode **msg, GError **error)
{
    char *nl = memchr(qmp->rbuf->str, '\n', qmp->rbuf->len);
    g_autofree char *line = NULL;
    size_t len;

    *msg = NULL;
    if (!nl) {
        if (qmp->rbuf->len > VIR_QMP_MAX_MESSAGE)
            return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                                  _("QMP message from QEMU '%1$s' is longer than %2$d bytes"),
                                  qmp->binary, VIR_QMP_MAX_MESSAGE);
        return 0;
    }
    len = nl - qmp->rbuf->str;
    if (len > VIR_QMP_MAX_MESSAGE)
        return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                              _("QMP message from QEMU '%1$s' is longer than %2$d bytes"),
                              qmp->binary, VIR_QMP_MAX_MESSAGE);
    line = g_strndup(qmp->rbuf->str, len);
    g_string_erase(qmp->rbuf, 0, len + 1);
    g_strstrip(line);
    if (!*line)
        return 1;
    if (!(*msg = virQMPParseLine(qmp->binary, line, strlen(line), error)))
        return -1;
    return 1;
}

static JsonNode *
virQMPTimedOut(virQMP *qmp, GError **error)
{
    g_autofree char *what =
        g_strdup_printf(_("did not answer on the QMP monitor within %1$u ms"),
                        qmp->timeoutMs);

    virQMPReportDeath(qmp, what, true, error);
    return NULL;
}

/* Read one complete QMP message (one line of JSON). At the end of the
 * stream, returns NULL without an error when @eofOK (after "quit").
 * Arriving bytes never extend @deadline; at most VIR_QMP_MAX_RECEIVED
 * bytes are read during one wait. */
static JsonNode *
virQMPReadMessage(virQMP *qmp, gint64 deadline, bool eofOK, GError **error)
{
    while (true) {
        char buf[65536];
        struct pollfd pfd[2] = {
            { .fd = qmp->sock, .events = POLLIN },
            { .fd = qmp->logfd, .events = POLLIN },
        };
        JsonNode *msg = NULL;
        ssize_t got;
        int rc;

        if ((rc = virQMPTakeLine(qmp, &msg, error)) < 0)
            return NULL;
        if (msg)
            return msg;
        if (rc == 1)
            continue;

        if (qmp->eof) {
            if (eofOK)
                return NULL;
            virQMPReportDeath(qmp, _("closed the QMP monitor"), false, error);
            return NULL;
        }
        if (g_get_monotonic_time() >= deadline)
            return virQMPTimedOut(qmp, error);

        rc = poll(pfd, qmp->logfd >= 0 ? 2 : 1,
                  MIN(virQMPRemainingMs(deadline), VIR_QMP_POLL_SLICE_MS));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            virReportSystemError(error, errno, "%s", _("cannot poll the QMP monitor"));
            return NULL;
        }
        if (qmp->logfd >= 0 && pfd[1].revents)
            virQMPDrainLog(qmp);
        if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            /* QEMU itself exited while something it started keeps the
             * monitor open: do not wait for that one */
            if (virQMPReap(qmp, 0, NULL)) {
                struct pollfd last = { .fd = qmp->sock, .events = POLLIN };

                /* it may have closed the monitor since the poll */
                if (poll(&last, 1, 0) > 0)
                    continue;
                if (eofOK)
                    return NULL;
                virQMPReportDeath(qmp, _("exited without closing the QMP monitor"),
                                  false, error);
                return NULL;
            }
            continue;
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
        if (got == 0) {
            qmp->eof = true;
            continue;
        }
        qmp->received += got;
        if (qmp->received > VIR_QMP_MAX_RECEIVED) {
            virQMPKill(qmp);
            virReportError(error, VIR_ERR_INTERNAL_ERROR,
                           _("QEMU '%1$s' sent more than %2$d bytes on the QMP monitor without completing the answer"),
                           qmp->binary, VIR_QMP_MAX_RECEIVED);
            return NULL;
        }
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
        /* QEMU went away before reading what we say (it refused its
         * options, say): the same report as when the monitor closes while
         * we read, whichever of the two a loaded machine makes us see */
        if (done < 0 && (errno == EPIPE || errno == ECONNRESET))
            return virQMPReportDeath(qmp, _("closed the QMP monitor"), false, error);
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

static int
virQMPQueueEvent(virQMP *qmp, JsonNode *ev, GError **error)
{
    if (qmp->events.length >= VIR_QMP_MAX_EVENTS) {
        json_node_unref(ev);
        virQMPKill(qmp);
        return virReportError(error, VIR_ERR_INTERNAL_ERROR,
                              _("QEMU '%1$s' sent more than %2$d QMP events that nobody asked for"),
                              qmp->binary, VIR_QMP_MAX_EVENTS);
    }
    g_queue_push_tail(&qmp->events, ev);
    return 0;
}

/* The deadline of one wait; the byte count starts again with it */
static gint64
virQMPStartWait(virQMP *qmp)
{
    qmp->received = qmp->rbuf->len;
    return virQMPDeadline(qmp);
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
    gint64 deadline = virQMPStartWait(qmp);

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
            if (virQMPQueueEvent(qmp, g_steal_pointer(&msg), error) < 0)
                return NULL;
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

            g_autofree char *descShown = virQMPShowText(desc, strlen(desc));
            g_autofree char *clsShown = virQMPShowText(cls, strlen(cls));

            qmp->lastErrorClass = g_strdup(cls);
            /* QEMU's words, but printable and bounded */
            virReportError(error, VIR_ERR_OPERATION_FAILED,
                           _("QMP command '%1$s' failed: %2$s (%3$s)"),
                           command, descShown, clsShown);
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
    gint64 deadline = virQMPStartWait(qmp);
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
        if (virQMPQueueEvent(qmp, g_steal_pointer(&msg), error) < 0)
            return NULL;
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
    if (qmp->log)
        g_byte_array_unref(qmp->log);
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

/* A pipe for QEMU's stdout and stderr: returns the write end for the
 * child and keeps the (non-blocking) read end. */
static int
virQMPOpenLog(virQMP *qmp, GError **error)
{
    int fds[2];

    if (!g_unix_open_pipe(fds, FD_CLOEXEC, NULL))
        return virReportSystemError(error, errno, "%s",
                                    _("cannot create a pipe for QEMU's output"));
    if (!g_unix_set_fd_nonblocking(fds[0], TRUE, NULL)) {
        int saved = errno;

        close(fds[0]);
        close(fds[1]);
        return virReportSystemError(error, saved, "%s",
                                    _("cannot create a pipe for QEMU's output"));
    }
    qmp->logfd = fds[0];
    return fds[1];
}

/* Spawn QEMU with the monitor end @childSock mapped to @qmpTarget and the
 * caller's descriptors mapped as asked. */
static int
virQMPSpawn(virQMP *qmp, const char *const *argv, const virQMPOptions *opts,
            int childSock, int logWrite, GError **error)
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
                                          -1, logWrite, logWrite,
                                          src, dst, nfds + 1,
                                          &pid, NULL, NULL, NULL, &err)) {
        virReportError(error, VIR_ERR_INTERNAL_ERROR,
                       _("cannot start QEMU '%1$s': %2$s"),
                       argv[0], err->message);
        goto cleanup;
    }
    qmp->pid = pid;
    qmp->pgid = pid;
    /* set here too: a kill before the child ran its setup must find it */
    setpgid(pid, pid);
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
    int logWrite;

    qmp->sock = -1;
    qmp->logfd = -1;
    qmp->log = g_byte_array_new();
    qmp->rbuf = g_string_new(NULL);
    g_queue_init(&qmp->events);
    qmp->timeoutMs = opts && opts->timeoutMs ? opts->timeoutMs
                                             : VIR_QMP_DEFAULT_TIMEOUT_MS;

    if (!argv || !argv[0]) {
        virReportError(error, VIR_ERR_INVALID_ARG, "%s", _("no QEMU binary given"));
        return NULL;
    }
    qmp->binary = g_strdup(argv[0]);

    if ((logWrite = virQMPOpenLog(qmp, error)) < 0)
        return NULL;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        virReportSystemError(error, errno, "%s", _("cannot create the QMP socket pair"));
        close(logWrite);
        return NULL;
    }
    qmp->sock = sv[0];
    if (virQMPSpawn(qmp, argv, opts, sv[1], logWrite, error) < 0) {
        close(sv[1]);
        close(logWrite);
        return NULL;
    }
    /* Only QEMU may hold the other ends now: its exit must read as EOF. */
    close(sv[1]);
    close(logWrite);

    if (!(greeting = virQMPReadMessage(qmp, virQMPStartWait(qmp), false, error)))
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
