/*
 * virfile.h: bounded reads of files that an attacker may have placed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every file of a host tree (sysfs, proc, boot) and every document the
 * tool reads goes through virFileReadBounded(): the file is opened without
 * blocking (a FIFO cannot stall the caller), must be a regular file after
 * the open (a link to /dev/zero or a character device is refused) and may
 * hold at most a given number of bytes (a 3 GB file is refused after
 * reading at most one byte more than the limit).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

#include "virerror.h"

typedef enum {
    VIR_FILE_READ_NONE = 0,
    /* the last component must not be a symbolic link (O_NOFOLLOW) */
    VIR_FILE_READ_NOFOLLOW = 1 << 0,
    /* text: a NUL byte is an error instead of an early end */
    VIR_FILE_READ_TEXT = 1 << 1,
    /* a file that does not exist or may not be read (ENOENT, ENOTDIR,
     * EACCES, EPERM) is not an error: return 0 with *content NULL */
    VIR_FILE_READ_ABSENT_OK = 1 << 2,
    /* a pipe (the user's "/dev/stdin" or "<(cmd)") is read too, blocking */
    VIR_FILE_READ_PIPE_OK = 1 << 3,
} virFileReadFlags;

/* Limits of the host-tree files (bytes), each well above what the kernel
 * writes: a sysfs attribute is at most one page, the boot command line at
 * most COMMAND_LINE_SIZE (2 KiB on x86, 4 KiB elsewhere), a kernel .config
 * about 300 KB. */
#define VIR_FILE_MAX_SYSFS_ATTR (4 * 1024)
#define VIR_FILE_MAX_CMDLINE (64 * 1024)
#define VIR_FILE_MAX_KCONFIG (4 * 1024 * 1024)

/* Read @path (at most @maxlen bytes) into *@content, NUL-terminated, and
 * its length into *@len (if not NULL). Returns 0 on success, -1 with
 * @error naming the file otherwise. */
int virFileReadBounded(const char *path, size_t maxlen, unsigned int flags,
                       char **content, size_t *len, GError **error);

/* True if @str is valid UTF-8 without control characters (C0, DEL, C1):
 * text that can be put into an XML attribute or a terminal as is. */
bool virStringIsPrintable(const char *str);

/* A copy of @str for a message: invalid UTF-8 and control characters are
 * replaced with '?' ('\n' and '\t' are kept), and when @str is longer than
 * @max bytes only its last @max bytes are kept, after "...". */
char *virStringSanitizeTail(const char *str, size_t len, size_t max);
