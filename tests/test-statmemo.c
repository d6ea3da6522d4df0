/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lookup memo of one discovery: what it answers without a system call (counted by
 * statmemo_stats), and what it never keeps: anything below a directory another user could
 * change. Needs root (the memo keeps only what root owns): skipped otherwise. Works in a
 * directory below /run, which is root's and writable by no one else (/tmp is not: nothing below
 * it is ever kept). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "statmemo.h"
#include "testlib.h"
#include "util.h"

static char dir[] = "/run/dar-statmemo.XXXXXX";

static char *at(const char *name) {
        return xasprintf("%s/%s", dir, name);
}

static void put(const char *name) {
        _cleanup_free_ char *p = at(name);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        close(fd);
}

static int setup(void **state _unused_) {
        if (geteuid() != 0)
                return 0;
        if (!mkdtemp(dir))
                return -1;
        chmod(dir, 0755);
        return 0;
}

static int teardown(void **state _unused_) {
        statmemo_end();
        if (geteuid() == 0)
                (void) rm_rf(dir);
        return 0;
}

static void need_root(void) {
        if (geteuid() != 0)
                skip();
}

/* Looked up twice: the second answer comes from the memo, for what exists and what does not. */
static void test_second_lookup_from_memo(void **state _unused_) {
        _cleanup_free_ char *a = at("a"), *gone = at("gone");
        struct stat st1, st2;
        unsigned hits, calls;

        need_root();
        put("a");
        statmemo_begin();
        assert_int_equal(statmemo_lstat(a, &st1), 0);
        statmemo_stats(&hits, &calls);
        assert_int_equal(hits, 0);
        assert_int_equal(statmemo_lstat(a, &st2), 0);
        assert_int_equal(st1.st_ino, st2.st_ino);
        assert_int_equal(statmemo_lstat(gone, &st1), -ENOENT);
        assert_int_equal(statmemo_lstat(gone, &st1), -ENOENT);
        statmemo_stats(&hits, &calls);
        assert_int_equal(hits, 2);
        /* Below a missing directory: not there either, without asking. */
        {
                _cleanup_free_ char *below = at("gone/x");
                assert_int_equal(statmemo_lstat(below, &st1), -ENOENT);
        }
        statmemo_end();
        statmemo_stats(&hits, &calls);
        assert_int_equal(hits + calls, 0);
}

/* A listed directory answers for the names it does not hold; a name it holds is looked up. */
static void test_listing(void **state _unused_) {
        _cleanup_free_ char *b = at("b"), *none = at("none");
        char *names[] = { (char *) "a", (char *) "b", NULL };
        struct stat st;
        unsigned hits, calls, c0;

        need_root();
        put("b");
        statmemo_begin();
        assert_int_equal(statmemo_lstat(dir, &st), 0);
        statmemo_note_listing(dir, names);
        statmemo_stats(&hits, &c0);
        assert_int_equal(statmemo_lstat(none, &st), -ENOENT);
        statmemo_stats(&hits, &calls);
        assert_int_equal(calls, c0);
        assert_int_equal(statmemo_lstat(b, &st), 0);
        statmemo_stats(&hits, &calls);
        assert_int_equal(calls, c0 + 1);
        statmemo_end();
}

/* What another user could change is looked up every time: a directory of another owner, one
 * writable by others, and what is below them. */
static void test_user_directories_never_kept(void **state _unused_) {
        _cleanup_free_ char *u = at("user"), *uf = at("user/f"), *o = at("open"), *of = at("open/f");
        struct stat st;
        unsigned hits, calls;

        need_root();
        assert_int_equal(mkdir(u, 0755), 0);
        assert_int_equal(chown(u, 65534, 65534), 0);
        assert_int_equal(mkdir(o, 0777), 0);
        assert_int_equal(chmod(o, 0777), 0);
        statmemo_begin();
        assert_int_equal(statmemo_lstat(uf, &st), -ENOENT);
        assert_int_equal(statmemo_lstat(of, &st), -ENOENT);
        /* The user makes them: seen at once. */
        put("user/f");
        put("open/f");
        assert_int_equal(statmemo_lstat(uf, &st), 0);
        assert_int_equal(statmemo_lstat(of, &st), 0);
        /* The user's own directory is not kept either: its mode is the user's to change. */
        assert_int_equal(statmemo_lstat(u, &st), 0);
        assert_int_equal(chmod(u, 0700), 0);
        assert_int_equal(statmemo_lstat(u, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        statmemo_stats(&hits, &calls);
        /* The two files and the directory, each time: only the parents came from the memo. */
        assert_true(calls >= 7);
        statmemo_end();
}

/* Outside begin/end, and for a path that is not canonical, every call is lstat(2). */
static void test_pass_through(void **state _unused_) {
        _cleanup_free_ char *a = at("a"), *dotted = at("./a"), *doubled = at("/a");
        struct stat st;
        unsigned hits, calls;

        need_root();
        put("a");
        assert_int_equal(statmemo_lstat(a, &st), 0);
        assert_int_equal(statmemo_lstat(a, &st), 0);
        statmemo_stats(&hits, &calls);
        assert_int_equal(hits + calls, 0); /* not counted: the memo is off */
        statmemo_begin();
        assert_int_equal(statmemo_lstat(dotted, &st), 0);
        assert_int_equal(statmemo_lstat(dotted, &st), 0);
        assert_int_equal(statmemo_lstat(doubled, &st), 0);
        /* What the kernel changes on its own is never kept. */
        assert_int_equal(statmemo_lstat("/proc/self", &st), 0);
        assert_int_equal(statmemo_lstat("/proc/self", &st), 0);
        statmemo_stats(&hits, &calls);
        assert_int_equal(hits, 0);
        assert_int_equal(calls, 5);
        statmemo_end();
}

/* A user's tree 2,000 directories deep (what fits in PATH_MAX): a look-up at its bottom costs no
 * more memory than one at its top. The directories above a path were looked up one recursion
 * per level, 4 KiB of stack each: 8.8 MiB here, past the default stack limit of 8 MiB, so root's
 * run was killed by a user's mkdir. */
#define DEEP_LEVELS 2000

static void deep_lookup(const char *path) {
        struct rusage ru;
        struct stat st;
        long before;
        int r;

        assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
        before = ru.ru_maxrss;
        statmemo_begin();
        r = statmemo_lstat(path, &st);
        statmemo_end();
        assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
        print_message("a look-up %d directories deep: %ld KiB more (%d)\n", DEEP_LEVELS, ru.ru_maxrss - before, r);
        _exit(r == 0 && S_ISDIR(st.st_mode) && (!RSS_MEASURED || ru.ru_maxrss - before < 1024) ? 0 : 1);
}

static void test_deep_user_tree(void **state _unused_) {
        _cleanup_free_ char *u = at("deep");
        struct strbuf path = {};
        int fd, status;
        pid_t pid;

        need_root();
        assert_int_equal(mkdir(u, 0755), 0);
        assert_int_equal(chown(u, 65534, 65534), 0);
        assert_int_equal(strbuf_append(&path, u, strlen(u)), 0);
        fd = open(u, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        for (int i = 0; i < DEEP_LEVELS; i++) {
                int next;

                assert_int_equal(mkdirat(fd, "d", 0755), 0);
                next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                assert_true(next >= 0);
                close(fd);
                fd = next;
                assert_int_equal(strbuf_append(&path, "/d", 2), 0);
        }
        close(fd);
        assert_true(path.n < PATH_MAX);
        /* In a child: before, the look-up was killed by SIGSEGV. */
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                deep_lookup(path.s);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        free(path.s);
        if (!WIFEXITED(status))
                fail_msg("the look-up was killed by signal %d", WTERMSIG(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_teardown(test_second_lookup_from_memo, NULL),
                cmocka_unit_test(test_listing),
                cmocka_unit_test(test_user_directories_never_kept),
                cmocka_unit_test(test_pass_through),
                cmocka_unit_test(test_deep_user_tree),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
