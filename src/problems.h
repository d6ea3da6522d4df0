/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* What a reader found wrong in a file: at a line, or in the file as a whole. The one shape for
 * discovery, the settings files, containerd's configuration and the rules directory. */
struct problem {
        char *file;           /* host path, or NULL */
        unsigned line;        /* 1-based; 0: the whole file */
        char *message;
        bool warning;         /* what the reading program itself skips with a warning (a line
                               * systemd ignores): shown, but not a problem for the exit status */
};

struct problems {
        struct problem *items;
        size_t n;
        bool once;            /* said once is enough: an addition with the file, line and message
                               * of one already listed is dropped (discovery's list) */
        struct hindex index;  /* with once: the items by (file, line, message) */
};

void problem_done(struct problem *p);
void problems_done(struct problems *l);

/* Append one (file copied, message formatted); with l->once, one already listed is not added
 * again. 0 or -ENOMEM (then nothing is added). */
int problems_add(struct problems *l, const char *file, unsigned line, bool warning, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
int problems_addv(struct problems *l, const char *file, unsigned line, bool warning, const char *fmt, va_list ap)
        __attribute__((format(printf, 5, 0)));
