/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "testlib.h"
#include "util.h"

static int rm_one(const char *p, const struct stat *st _unused_, int type _unused_, struct FTW *f _unused_) {
        return remove(p);
}

char *xasprintf(const char *fmt, ...) {
        va_list ap;
        char *s;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&s, fmt, ap);
        va_end(ap);
        assert_true(k >= 0);
        return s;
}

char *repeat(char c, size_t n) {
        char *s = malloc(n + 1);

        assert_non_null(s);
        memset(s, c, n);
        s[n] = 0;
        return s;
}

void assert_string_or_null(const char *actual, const char *expected) {
        if (expected)
                assert_string_equal(actual, expected);
        else
                assert_null(actual);
}

void assert_strv(char **l, const char *const *expected) {
        size_t n = 0;

        assert_non_null(l);
        for (; expected[n]; n++) {
                if (!l[n])
                        fail_msg("missing entry %zu, \"%s\"", n, expected[n]);
                assert_string_equal(l[n], expected[n]);
        }
        if (l[n])
                fail_msg("extra entry \"%s\"", l[n]);
}

int rm_rf(const char *dir) {
        return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

void tree_new(struct tree *t, const char *name) {
        if (asprintf(&t->dir, "/tmp/%s-XXXXXX", name) < 0)
                fail_msg("out of memory");
        assert_non_null(mkdtemp(t->dir));
        t->root = (struct root) {};
        assert_int_equal(root_init(&t->root, t->dir), 0);
        assert_string_equal(t->root.dir, t->dir);
        assert_false(t->root.live);
}

void tree_free(struct tree *t) {
        assert_int_equal(rm_rf(t->dir), 0);
        free(t->dir);
        t->dir = NULL;
        root_done(&t->root);
}

char *tree_real(const struct tree *t, const char *host_path) {
        char *p = path_join(t->dir, host_path);

        assert_non_null(p);
        return p;
}

void tree_mkdir(const struct tree *t, const char *host_dir) {
        _cleanup_free_ char *p = tree_real(t, host_dir);

        for (char *s = p + strlen(t->dir) + 1; ; s++) {
                if (*s == '/' || *s == 0) {
                        char c = *s;
                        *s = 0;
                        if (mkdir(p, 0755) < 0 && errno != EEXIST)
                                fail_msg("mkdir %s: %m", p);
                        *s = c;
                        if (!c)
                                break;
                }
        }
}

static void tree_parent(const struct tree *t, const char *host_path) {
        _cleanup_free_ char *parent = path_parent(host_path);

        assert_non_null(parent);
        if (!streq(parent, "/"))
                tree_mkdir(t, parent);
}

void tree_file(const struct tree *t, const char *host_path, const char *data) {
        _cleanup_free_ char *p = tree_real(t, host_path);
        FILE *f;

        tree_parent(t, host_path);
        f = fopen(p, "we");
        if (!f)
                fail_msg("fopen %s: %m", p);
        assert_true(fputs(data, f) >= 0);
        assert_int_equal(fclose(f), 0);
}

void tree_link(const struct tree *t, const char *host_path, const char *target) {
        _cleanup_free_ char *p = tree_real(t, host_path);

        tree_parent(t, host_path);
        if (symlink(target, p) < 0)
                fail_msg("symlink %s -> %s: %m", p, target);
}

void tree_fifo(const struct tree *t, const char *host_path) {
        _cleanup_free_ char *p = tree_real(t, host_path);

        tree_parent(t, host_path);
        assert_int_equal(mkfifo(p, 0600), 0);
}
