/*
 * virbuffer.c: growable string buffer with auto-indentation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "virbuffer.h"

static void
virBufferInit(virBuffer *buf)
{
    if (!buf->str)
        buf->str = g_string_new(NULL);
}

static void
virBufferApplyIndent(virBuffer *buf)
{
    virBufferInit(buf);
    if (buf->indent > 0 &&
        (buf->str->len == 0 || buf->str->str[buf->str->len - 1] == '\n')) {
        int i;
        for (i = 0; i < buf->indent; i++)
            g_string_append_c(buf->str, ' ');
    }
}

void
virBufferAdd(virBuffer *buf, const char *str, int len)
{
    if (!str)
        return;
    virBufferApplyIndent(buf);
    if (len < 0)
        g_string_append(buf->str, str);
    else
        g_string_append_len(buf->str, str, len);
}

void
virBufferAddLit(virBuffer *buf, const char *str)
{
    virBufferAdd(buf, str, -1);
}

void
virBufferAsprintf(virBuffer *buf, const char *fmt, ...)
{
    va_list ap;

    virBufferApplyIndent(buf);
    va_start(ap, fmt);
    g_string_append_vprintf(buf->str, fmt, ap);
    va_end(ap);
}

void
virBufferEscapeString(virBuffer *buf, const char *fmt, const char *str)
{
    g_autofree char *escaped = NULL;

    if (!str)
        return;
    escaped = g_markup_escape_text(str, -1);
    virBufferAsprintf(buf, fmt, escaped);
}

void
virBufferAdjustIndent(virBuffer *buf, int indent)
{
    buf->indent += indent;
    if (buf->indent < 0)
        buf->indent = 0;
}

void
virBufferAddBuffer(virBuffer *buf, virBuffer *toadd)
{
    if (!toadd->str)
        return;
    virBufferInit(buf);
    g_string_append_len(buf->str, toadd->str->str, toadd->str->len);
    virBufferFreeAndReset(toadd);
}

const char *
virBufferCurrentContent(virBuffer *buf)
{
    virBufferInit(buf);
    return buf->str->str;
}

size_t
virBufferUse(const virBuffer *buf)
{
    return buf->str ? buf->str->len : 0;
}

char *
virBufferContentAndReset(virBuffer *buf)
{
    char *ret;

    virBufferInit(buf);
    ret = g_string_free(buf->str, FALSE);
    buf->str = NULL;
    return ret;
}

void
virBufferFreeAndReset(virBuffer *buf)
{
    if (buf->str)
        g_string_free(buf->str, TRUE);
    buf->str = NULL;
}

void
virBufferTrimChars(virBuffer *buf, const char *chars)
{
    if (!buf->str)
        return;
    while (buf->str->len > 0 &&
           strchr(chars, buf->str->str[buf->str->len - 1]))
        g_string_truncate(buf->str, buf->str->len - 1);
}
