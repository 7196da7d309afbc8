/*
 * fuzzutils.h: helpers shared by the libFuzzer harnesses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "hostiommu_conf.h"
#include "qemu_capabilities.h"

/* A NUL-terminated copy of the fuzzer's bytes (the first call also runs
 * virFuzzQuiet()) */
char *virFuzzString(const uint8_t *data, size_t size);

/* Silence libxml2's and GLib's own printing: millions of inputs are
 * refused, and their messages only slow the run down. */
void virFuzzQuiet(void);

/* A recorded capabilities document from tests/qemucapabilitiesdata and a
 * saved host document from tests/hostcapsdata; abort when unreadable. */
virQEMUCaps *virFuzzLoadQEMUCaps(const char *name);
virHostIOMMU *virFuzzLoadHost(const char *name);

/* An invariant broke: print what and abort, so libFuzzer saves the input */
void virFuzzFail(const char *what, const GError *err, const char *text)
    G_GNUC_NORETURN;

/* strcmp() for a GPtrArray of strings */
int virFuzzCompareStrPtr(const void *a, const void *b);
