/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "problems.h"

void problem_done(struct problem *p) {
        free(p->file);
        free(p->message);
        *p = (struct problem) {};
}

void problems_done(struct problems *l) {
        for (size_t i = 0; i < l->n; i++)
                problem_done(&l->items[i]);
        free(l->items);
        *l = (struct problems) {};
}

int problems_addv(struct problems *l, const char *file, unsigned line, bool warning, const char *fmt, va_list ap) {
        struct problem p = { .line = line, .warning = warning }, *n;

        if (vasprintf(&p.message, fmt, ap) < 0)
                return -ENOMEM;
        if (file && !(p.file = strdup(file))) {
                problem_done(&p);
                return -ENOMEM;
        }
        n = realloc(l->items, sizeof(*n) * (l->n + 1));
        if (!n) {
                problem_done(&p);
                return -ENOMEM;
        }
        l->items = n;
        l->items[l->n++] = p;
        return 0;
}

int problems_add(struct problems *l, const char *file, unsigned line, bool warning, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = problems_addv(l, file, line, warning, fmt, ap);
        va_end(ap);
        return r;
}
