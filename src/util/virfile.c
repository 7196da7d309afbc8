/*
 * virfile.c: bounded reads of files that an attacker may have placed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virfile.h"

static bool
virFileErrnoIsAbsent(int errnum)
{
    return errnum == ENOENT || errnum == ENOTDIR ||
           errnum == EACCES || errnum == EPERM;
}

static int
virFileOpenRegular(const char *path, unsigned int flags, GError **error)
{
    int oflags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
    struct stat sb;
    int fd;

    if (flags & VIR_FILE_READ_NOFOLLOW)
        oflags |= O_NOFOLLOW;
    if ((fd = open(path, oflags)) < 0) {
        int saved = errno;

        if ((flags & VIR_FILE_READ_ABSENT_OK) && virFileErrnoIsAbsent(saved))
            return -2;
        if (saved == ELOOP && (flags & VIR_FILE_READ_NOFOLLOW))
            return virReportError(error, VIR_ERR_OPERATION_INVALID,
                                  _("file '%1$s' is a symbolic link, where the kernel never makes one"),
                                  path);
        return virReportSystemError(error, saved, _("cannot open file '%1$s'"),
                                    path);
    }
    if (fstat(fd, &sb) < 0) {
        int saved = errno;

        close(fd);
        return virReportSystemError(error, saved, _("cannot stat file '%1$s'"),
                                    path);
    }
    if (S_ISFIFO(sb.st_mode) && (flags & VIR_FILE_READ_PIPE_OK)) {
        /* the caller named a pipe: wait for its writer like cat(1) */
        if (fcntl(fd, F_SETFL, O_RDONLY) < 0) {
            int saved = errno;

            close(fd);
            return virReportSystemError(error, saved,
                                        _("cannot read file '%1$s'"), path);
        }
        return fd;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return virReportError(error, VIR_ERR_OPERATION_INVALID,
                              _("file '%1$s' is not a regular file"), path);
    }
    return fd;
}

int
virFileReadBounded(const char *path, size_t maxlen, unsigned int flags,
                   char **content, size_t *len, GError **error)
{
    g_autofree char *buf = NULL;
    size_t got = 0;
    size_t alloc;
    int fd;

    *content = NULL;
    if (len)
        *len = 0;
    if ((fd = virFileOpenRegular(path, flags, error)) == -2)
        return 0;
    if (fd < 0)
        return -1;

    /* grow as needed: a tiny sysfs attribute does not cost @maxlen */
    alloc = MIN(maxlen, 4096) + 2;
    buf = g_malloc(alloc);
    while (true) {
        ssize_t r;

        if (got + 1 >= alloc) {
            alloc = MIN(alloc * 2, maxlen + 2);
            buf = g_realloc(buf, alloc);
        }
        /* ask for one byte more than allowed to notice a larger file */
        r = read(fd, buf + got, alloc - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int saved = errno;

            close(fd);
            return virReportSystemError(error, saved,
                                        _("cannot read file '%1$s'"), path);
        }
        if (r == 0)
            break;
        got += r;
        if (got > maxlen) {
            close(fd);
            return virReportError(error, VIR_ERR_OPERATION_INVALID,
                                  _("file '%1$s' is larger than %2$zu bytes"),
                                  path, maxlen);
        }
    }
    close(fd);
    buf[got] = '\0';
    if ((flags & VIR_FILE_READ_TEXT) && memchr(buf, '\0', got))
        return virReportError(error, VIR_ERR_OPERATION_INVALID,
                              _("file '%1$s' contains a NUL byte"), path);
    *content = g_steal_pointer(&buf);
    if (len)
        *len = got;
    return 0;
}

static bool
virStringCharIsControl(gunichar c)
{
    return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

bool
virStringIsPrintable(const char *str)
{
    const char *p;

    if (!g_utf8_validate(str, -1, NULL))
        return false;
    for (p = str; *p; p = g_utf8_next_char(p)) {
        if (virStringCharIsControl(g_utf8_get_char(p)))
            return false;
    }
    return true;
}

char *
virStringSanitizeTail(const char *str, size_t len, size_t max)
{
    GString *out = g_string_new(NULL);
    const char *p = str;
    const char *end = str + len;

    if (len > max) {
        g_string_append(out, "...");
        p = end - max;
        /* do not start inside a UTF-8 sequence */
        while (p < end && ((guchar)*p & 0xc0) == 0x80)
            p++;
    }
    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);

        if (c == (gunichar)-1 || c == (gunichar)-2) {
            g_string_append_c(out, '?');
            p++;
            continue;
        }
        if (c != '\n' && c != '\t' && virStringCharIsControl(c))
            g_string_append_c(out, '?');
        else
            g_string_append_unichar(out, c);
        p = g_utf8_next_char(p);
    }
    return g_string_free(out, FALSE);
}
