/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "problems.h"
#include "util.h"

void problem_done(struct problem *p) {
        free(p->file);
        free(p->message);
        *p = (struct problem) {};
}

void problems_done(struct problems *l) {
        for (size_t i = 0; i < l->n; i++)
                problem_done(&l->items[i]);
        free(l->items);
        hindex_done(&l->index);
        *l = (struct problems) {};
}

struct problem_key {
        const char *file;
        unsigned line;
        const char *message;
};

static bool problem_eq(const void *ctx, size_t i, const void *key) {
        const struct problem *p = &((const struct problems *) ctx)->items[i];
        const struct problem_key *k = key;

        return streq_ptr(p->file, k->file) && p->line == k->line && streq(p->message, k->message);
}

int problems_addv(struct problems *l, const char *file, unsigned line, bool warning, const char *fmt, va_list ap) {
        struct problem p = { .line = line, .warning = warning }, *n;
        unsigned long long h = 0;

        if (vasprintf(&p.message, fmt, ap) < 0)
                return -ENOMEM;
        if (file && !(p.file = strdup(file))) {
                problem_done(&p);
                return -ENOMEM;
        }
        if (l->once) {
                h = hash_bytes(hash_str(hash_str(0, file), p.message), &line, sizeof(line));
                if (hindex_find(&l->index, h, problem_eq, l, &(struct problem_key) { file, line, p.message }) >= 0) {
                        problem_done(&p);
                        return 0;
                }
        }
        n = realloc(l->items, sizeof(*n) * (l->n + 1));
        if (!n) {
                problem_done(&p);
                return -ENOMEM;
        }
        l->items = n;
        if (l->once && hindex_add(&l->index, h, l->n) < 0) {
                problem_done(&p);
                return -ENOMEM;
        }
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
