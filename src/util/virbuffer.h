/*
 * virbuffer.h: growable string buffer with auto-indentation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

typedef struct {
    GString *str;
    int indent;
} virBuffer;

#define VIR_BUFFER_INITIALIZER { NULL, 0 }
#define VIR_BUFFER_INIT_CHILD(parentbuf) { NULL, (parentbuf)->indent + 2 }

void virBufferAdd(virBuffer *buf, const char *str, int len);
void virBufferAddLit(virBuffer *buf, const char *str);
void virBufferAsprintf(virBuffer *buf, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Like virBufferAsprintf with @str escaped for XML attribute/text content */
void virBufferEscapeString(virBuffer *buf, const char *fmt, const char *str);
void virBufferAdjustIndent(virBuffer *buf, int indent);
void virBufferAddBuffer(virBuffer *buf, virBuffer *toadd);
const char *virBufferCurrentContent(virBuffer *buf);
size_t virBufferUse(const virBuffer *buf);
char *virBufferContentAndReset(virBuffer *buf);
void virBufferFreeAndReset(virBuffer *buf);
void virBufferTrimChars(virBuffer *buf, const char *chars);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virBuffer, virBufferFreeAndReset);
