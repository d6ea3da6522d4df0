/* SPDX-License-Identifier: GPL-2.0-or-later */
/* userread.c: a user's file read with the user's rights, inside the root, regular files only. As
 * root, the reads are made as uid 1000; otherwise with this process's own rights (then the
 * root-only case is skipped: this process cannot make a file it cannot read). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "root.h"
#include "testlib.h"
#include "userread.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static char dir[] = "/tmp/test-userread-XXXXXX";
static struct root root;
static uid_t uid;
static gid_t gid;

static void put(const char *rel, const char *text, mode_t mode) {
        _cleanup_free_ char *p = NULL;
        FILE *f;

        assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
        f = fopen(p, "we");
        assert_non_null(f);
        assert_true(fputs(text, f) >= 0);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(chmod(p, mode), 0);
}

static void link_at(const char *rel, const char *target) {
        _cleanup_free_ char *p = NULL;

        assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
        assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state _unused_) {
        _cleanup_free_ char *home = NULL, *fifo = NULL;

        assert_non_null(mkdtemp(dir));
        assert_int_equal(chmod(dir, 0755), 0);
        assert_int_equal(root_init(&root, dir), 0);
        uid = geteuid() ? geteuid() : 1000;
        gid = getegid() ? getegid() : 1000;
        assert_true(asprintf(&home, "%s/home", dir) > 0);
        assert_int_equal(mkdir(home, 0755), 0);
        put("home/daemon.json", "{\"data-root\": \"/home/x\"}\n", 0644);
        put("secret", "SECRET\n", 0600);
        link_at("home/abs", "/home/daemon.json");
        link_at("home/up", "../../../../../secret");
        link_at("home/shadow", "/secret");
        link_at("home/magic", "/proc/self/fd/0");
        assert_true(asprintf(&fifo, "%s/home/fifo", dir) > 0);
        assert_int_equal(mkfifo(fifo, 0666), 0);
        return 0;
}

static int teardown(void **state _unused_) {
        assert_int_equal(rm_rf(dir), 0);
        root_done(&root);
        return 0;
}

static void test_reads_the_users_file(void **state _unused_) {
        _cleanup_free_ char *data = NULL;
        size_t len = 0;

        assert_int_equal(user_read_file(&root, uid, gid, "/home/daemon.json", &data, &len), 0);
        assert_string_equal(data, "{\"data-root\": \"/home/x\"}\n");
        assert_int_equal(len, strlen(data));
}

/* An absolute link starts again at the root of the tree, not at the host's. */
static void test_links_stay_in_the_root(void **state _unused_) {
        _cleanup_free_ char *data = NULL;
        size_t len = 0;

        assert_int_equal(user_read_file(&root, uid, gid, "/home/abs", &data, &len), 0);
        assert_string_equal(data, "{\"data-root\": \"/home/x\"}\n");
        assert_int_equal(user_read_file(&root, uid, gid, "/home/missing", &data, &len), -ENOENT);
        assert_int_equal(user_read_file(&root, uid, gid, "home/daemon.json", &data, &len), -EINVAL);
}

/* Root-only, directly, through an absolute link and by climbing with "..": the user's rights. */
static void test_root_only_refused(void **state _unused_) {
        char *data = (char *) "untouched";
        size_t len = 7;

        if (geteuid() != 0)
                skip();
        assert_int_equal(user_read_file(&root, uid, gid, "/secret", &data, &len), -EACCES);
        assert_int_equal(user_read_file(&root, uid, gid, "/home/shadow", &data, &len), -EACCES);
        assert_int_equal(user_read_file(&root, uid, gid, "/home/up", &data, &len), -EACCES);
        assert_string_equal(data, "untouched");
        assert_int_equal(len, 7);
}

/* Never a FIFO (it would block), a directory or a /proc magic link. */
static void test_not_regular(void **state _unused_) {
        char *data = NULL;
        size_t len = 0;
        int r;

        assert_int_equal(user_read_file(&root, uid, gid, "/home/fifo", &data, &len), -EBADFD);
        assert_int_equal(user_read_file(&root, uid, gid, "/home", &data, &len), -EISDIR);
        /* Inside the tree /proc does not exist; with openat2 a magic link is refused anyway. */
        r = user_read_file(&root, uid, gid, "/home/magic", &data, &len);
        assert_true(r == -ENOENT || r == -ELOOP || r == -EXDEV);
        assert_null(data);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_reads_the_users_file),
                cmocka_unit_test(test_links_stay_in_the_root),
                cmocka_unit_test(test_root_only_refused),
                cmocka_unit_test(test_not_regular),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
