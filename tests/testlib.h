/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the cmocka tests share: temporary host trees to pass as a root, and removing a tree.
 * Every helper fails the running test (cmocka's fail_msg()) instead of returning an error. */

#include <stdbool.h>
#include <stddef.h>

#include "root.h"

#ifndef _unused_
#define _unused_ __attribute__((unused))
#endif

/* AddressSanitizer holds freed memory in quarantine (256 MiB by default): the peak resident
 * memory then says nothing of what the code keeps. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TESTLIB_ASAN 1
#endif
#endif
/* gcc defines __SANITIZE_ADDRESS__, clang only answers __has_feature(). */
#if defined(__SANITIZE_ADDRESS__) || defined(TESTLIB_ASAN)
#define RSS_MEASURED 0
#else
#define RSS_MEASURED 1
#endif

/* vasprintf() that fails the test when out of memory. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* n copies of c, NUL-terminated (malloc'd). */
char *repeat(char c, size_t n);
/* actual equals expected, or both are NULL. */
void assert_string_or_null(const char *actual, const char *expected);
/* l holds exactly the strings of the NULL-terminated expected, in order. */
void assert_strv(char **l, const char *const *expected);

/* A temporary host tree: dir is a fresh directory below /tmp, root a struct root on it. */
struct tree {
        char *dir;
        struct root root;
};

/* mkdtemp() a directory named /tmp/NAME-XXXXXX and open it as a root (not the live one). */
void tree_new(struct tree *t, const char *name);
/* Remove the tree and everything in it (links are removed, never followed). */
void tree_free(struct tree *t);
/* The real path of host path host_path inside the tree (malloc'd). */
char *tree_real(const struct tree *t, const char *host_path);
/* mkdir -p of host directory host_dir inside the tree, mode 0755. */
void tree_mkdir(const struct tree *t, const char *host_dir);
/* Write data to host path host_path (its parent directories made), mode 0666 & ~umask. */
void tree_file(const struct tree *t, const char *host_path, const char *data);
/* A symbolic link at host_path to target, as given (relative or absolute). */
void tree_link(const struct tree *t, const char *host_path, const char *target);
/* A FIFO at host_path, mode 0600. */
void tree_fifo(const struct tree *t, const char *host_path);

/* rm -rf of a directory this test made (links removed, never followed). Returns 0 or -errno. */
int rm_rf(const char *dir);
