/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "statmemo.h"
#include "util.h"

struct memo_entry {
        char *path;
        int err;              /* 0: st holds the lstat; ENOENT or ENOTDIR: not there */
        struct stat st;
        char **names;         /* the directory's names, sorted, once listed */
        size_t n_names;
};

static struct {
        bool on;
        struct memo_entry *e;
        size_t n, cap;
        struct hindex index;
        unsigned hits, calls;
} memo;

void statmemo_begin(void) {
        statmemo_end();
        memo.on = true;
}

void statmemo_end(void) {
        for (size_t i = 0; i < memo.n; i++) {
                free(memo.e[i].path);
                strv_free(memo.e[i].names);
        }
        free(memo.e);
        hindex_done(&memo.index);
        memo = (typeof(memo)) {};
}

void statmemo_stats(unsigned *ret_hits, unsigned *ret_calls) {
        *ret_hits = memo.hits;
        *ret_calls = memo.calls;
}

static bool entry_eq(const void *ctx, size_t i, const void *key) {
        (void) ctx;
        return streq(memo.e[i].path, key);
}

static struct memo_entry *find(const char *path) {
        long i = hindex_find(&memo.index, hash_str(0, path), entry_eq, NULL, path);

        return i < 0 ? NULL : &memo.e[i];
}

/* A directory whose names only root can change, whose parents are the same. */
static bool stable(const struct memo_entry *e) {
        return e && e->err == 0 && S_ISDIR(e->st.st_mode) && e->st.st_uid == 0 &&
               !(e->st.st_mode & (S_IWGRP | S_IWOTH));
}

/* "/a/b": absolute, no empty, "." or ".." component, no trailing slash; and not below /proc,
 * /sys or /dev, which the kernel changes as processes come and go and change their owners. */
static bool canonical(const char *path) {
        if (path[0] != '/')
                return false;
        if (path_startswith_dir(path, "/proc") || path_startswith_dir(path, "/sys") ||
            path_startswith_dir(path, "/dev"))
                return false;
        if (path[1] == 0)
                return true;
        for (const char *p = path; *p; ) {
                const char *c = p + 1, *e = strchrnul(c, '/');
                size_t len = (size_t) (e - c);

                if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                p = e;
        }
        return true;
}

/* The entry of path's parent directory ("/" has none), looked up first when the memo does not
 * have it: the chain of stable directories starts at "/", so the directories above it are looked
 * up from "/" down, each finding its own parent in the memo, and no further than the chain goes
 * (below a directory that is not stable nothing is kept). A loop, not a recursion: a user's tree
 * thousands of directories deep costs no stack (a frame per level was 4 KiB, and 2,000 levels
 * went past the stack's limit). */
static const struct memo_entry *parent_of(const char *path, const char **ret_name) {
        const char *slash = strrchr(path, '/');
        const struct memo_entry *e;
        _cleanup_free_ char *parent = NULL;
        size_t len;

        *ret_name = slash + 1;
        len = slash == path ? 1 : (size_t) (slash - path);
        parent = strndup(path, len);
        if (!parent)
                return NULL;
        e = find(parent);
        if (e)
                return e;
        for (size_t end = 1; end <= len; end++) {
                struct stat st;
                char c;

                if (end < len && parent[end] != '/')
                        continue;
                /* parent[0, end): "/", then each directory down to the parent itself */
                c = parent[end];
                parent[end] = 0;
                e = find(parent);
                if (!e && statmemo_lstat(parent, &st) >= 0)
                        e = find(parent);
                parent[end] = c;
                if (end == len)
                        return e;
                if (!stable(e))
                        return NULL;
        }
        return NULL;
}

static int cmp_name(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

static void keep(const char *path, int err, const struct stat *st) {
        struct memo_entry *e;
        char *p;

        if (memo.n == memo.cap) {
                size_t cap = memo.cap ? memo.cap * 2 : 64;
                struct memo_entry *m = reallocarray(memo.e, cap, sizeof(*m));

                if (!m)
                        return;
                memo.e = m, memo.cap = cap;
        }
        p = strdup(path);
        if (!p)
                return;
        if (hindex_add(&memo.index, hash_str(0, path), memo.n) < 0) {
                free(p);
                return;
        }
        e = &memo.e[memo.n++];
        *e = (struct memo_entry) { .path = p, .err = err };
        if (st)
                e->st = *st;
}

int statmemo_lstat(const char *path, struct stat *ret) {
        const struct memo_entry *e, *parent = NULL;
        const char *name = NULL;
        bool parent_stable;
        int err = 0;

        if (!memo.on)
                return lstat(path, ret) < 0 ? -errno : 0;
        if (!path || !canonical(path)) {
                memo.calls++;
                return lstat(path, ret) < 0 ? -errno : 0;
        }
        e = find(path);
        if (e) {
                memo.hits++;
                if (e->err)
                        return -e->err;
                *ret = e->st;
                return 0;
        }
        if (path[1] == 0)
                parent_stable = true;
        else {
                parent = parent_of(path, &name);
                parent_stable = stable(parent);
        }
        if (parent_stable && parent && parent->names &&
            !bsearch(&name, parent->names, parent->n_names, sizeof(char *), cmp_name)) {
                memo.hits++;
                return -ENOENT;
        }
        memo.calls++;
        if (lstat(path, ret) < 0)
                err = errno;
        if (!parent_stable)
                return -err;
        if (err == ENOENT || err == ENOTDIR)
                keep(path, err, NULL);
        else if (err == 0 && ret->st_uid == 0)
                keep(path, 0, ret);
        return -err;
}

void statmemo_note_listing(const char *path, char * const *sorted_names) {
        struct memo_entry *e;

        if (!memo.on || !path || !canonical(path))
                return;
        e = find(path);
        if (!stable(e) || e->names)
                return;
        e->names = strv_copy(sorted_names);
        e->n_names = e->names ? strv_length(e->names) : 0;
}
