/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "proc.h"
#include "testlib.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static const char *const names[] = { "dockerd", "containerd", NULL };

static char tmpdir[PATH_MAX];
static pid_t child = -1;

/* PID directory with an optional exe symlink and an optional cmdline of len bytes. */
static void make_proc(const char *pid, const char *exe, const char *cmdline, size_t len) {
        _cleanup_free_ char *dir = path_join(tmpdir, pid);

        assert_non_null(dir);
        assert_int_equal(mkdir(dir, 0755), 0);
        if (exe) {
                _cleanup_free_ char *p = path_join(dir, "exe");
                assert_int_equal(symlink(exe, p), 0);
        }
        if (cmdline) {
                _cleanup_free_ char *p = path_join(dir, "cmdline");
                int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

                assert_true(fd >= 0);
                assert_int_equal(write(fd, cmdline, len), (ssize_t) len);
                close(fd);
        }
}

#define MAKE_PROC(pid, exe, s) make_proc(pid, exe, s, sizeof(s) - 1)

/* PID/status with the given text (a Uid: line among others, as proc(5) shows it). */
static void make_status(const char *pid, const char *text) {
        _cleanup_free_ char *p = NULL;
        int fd;

        assert_true(asprintf(&p, "%s/%s/status", tmpdir, pid) >= 0);
        fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
}

static int setup(void **state _unused_) {
        strcpy(tmpdir, "/tmp/dar-proc-XXXXXX");
        return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state _unused_) {
        if (child > 0) {
                kill(child, SIGKILL);
                (void) waitpid(child, NULL, 0);
                child = -1;
        }
        if (tmpdir[0])
                (void) rm_rf(tmpdir);
        return 0;
}

static void test_fake_tree(void **state _unused_) {
        struct proc_daemon *d = NULL;
        size_t n = 0, piece_len, n_pieces;
        _cleanup_free_ char *big = NULL;
        char piece[100];

        MAKE_PROC("100", "/usr/bin/dockerd", "/usr/bin/dockerd\0--data-root\0/tmp/X\0");
        MAKE_PROC("2", NULL, "");                                           /* kernel thread */
        MAKE_PROC("3", "/usr/bin/dockerd", "");                             /* zombie */
        make_proc("300", "/usr/bin/dockerd", NULL, 0);                      /* exited: no cmdline */
        MAKE_PROC("301", NULL, "dockerd\0");                                /* exited: no exe */
        MAKE_PROC("400", "/usr/bin/bash", "bash\0-c\0dockerd\0");           /* named differently */
        MAKE_PROC("401", "/usr/bin/dockerd-rootless", "dockerd-rootless\0");/* prefix is not a match */
        MAKE_PROC("500", "/usr/bin/containerd (deleted)", "containerd\0");  /* upgraded under it */
        MAKE_PROC("700", "/lib64/ld-linux-x86-64.so.2", "/opt/bin/dockerd\0-H\0fd://\0"); /* by argv[0] */
        MAKE_PROC("800", "/usr/bin/dockerd", "renamed\0--debug\0");          /* by exe */
        MAKE_PROC("900", "/usr/bin/containerd", "containerd\0-c\0/etc/c.toml"); /* no final NUL */
        MAKE_PROC("0", "/usr/bin/dockerd", "dockerd\0");                    /* not PIDs */
        MAKE_PROC("012", "/usr/bin/dockerd", "dockerd\0");
        MAKE_PROC("12x", "/usr/bin/dockerd", "dockerd\0");
        MAKE_PROC("self", "/usr/bin/dockerd", "dockerd\0");
        MAKE_PROC("99999999999", "/usr/bin/dockerd", "dockerd\0");
        {
                _cleanup_free_ char *p = path_join(tmpdir, "1234");     /* a file, not a directory */
                int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                assert_true(fd >= 0);
                close(fd);
        }

        /* Longer than the cap: only complete arguments survive. */
        memset(piece, 'a', sizeof(piece) - 1);
        piece[0] = piece[1] = '-';
        piece[sizeof(piece) - 1] = 0;
        piece_len = sizeof(piece);
        n_pieces = (PROC_CMDLINE_MAX * 2) / piece_len;
        big = malloc(8 + n_pieces * piece_len);
        assert_non_null(big);
        memcpy(big, "dockerd", 8);
        for (size_t i = 0; i < n_pieces; i++)
                memcpy(big + 8 + i * piece_len, piece, piece_len);
        make_proc("1100", "/usr/bin/dockerd", big, 8 + n_pieces * piece_len);

        assert_int_equal(proc_scan(tmpdir, names, &d, &n), 0);
        assert_int_equal(n, 6);

        assert_int_equal(d[0].pid, 100);
        assert_int_equal(d[0].uid, PROC_UID_UNKNOWN); /* no PID/status in this tree */
        assert_false(d[0].root);
        assert_string_equal(d[0].exe, "/usr/bin/dockerd");
        assert_strv(d[0].argv, (const char *[]) { "/usr/bin/dockerd", "--data-root", "/tmp/X", NULL });

        assert_int_equal(d[1].pid, 500);
        assert_string_equal(d[1].exe, "/usr/bin/containerd");
        assert_strv(d[1].argv, (const char *[]) { "containerd", NULL });

        assert_int_equal(d[2].pid, 700);
        assert_string_equal(d[2].exe, "/lib64/ld-linux-x86-64.so.2");
        assert_strv(d[2].argv, (const char *[]) { "/opt/bin/dockerd", "-H", "fd://", NULL });

        assert_int_equal(d[3].pid, 800);
        assert_strv(d[3].argv, (const char *[]) { "renamed", "--debug", NULL });

        assert_int_equal(d[4].pid, 900);
        assert_strv(d[4].argv, (const char *[]) { "containerd", "-c", "/etc/c.toml", NULL });

        assert_int_equal(d[5].pid, 1100);
        assert_string_equal(d[5].argv[0], "dockerd");
        {
                size_t m = strv_length(d[5].argv);

                assert_true(m > 1);
                assert_true(8 + (m - 1) * piece_len <= PROC_CMDLINE_MAX);
                assert_true(8 + m * piece_len > PROC_CMDLINE_MAX); /* nothing complete was dropped */
                for (size_t i = 1; i < m; i++)
                        assert_string_equal(d[5].argv[i], piece);
        }
        proc_daemons_free(d, n);

        /* No match at all. */
        d = (struct proc_daemon *) 0x1;
        assert_int_equal(proc_scan(tmpdir, (const char *const[]) { "nothing", NULL }, &d, &n), 0);
        assert_null(d);
        assert_int_equal(n, 0);
}

static const struct proc_daemon *find_pid(const struct proc_daemon *d, size_t n, pid_t pid) {
        for (size_t i = 0; i < n; i++)
                if (d[i].pid == pid)
                        return &d[i];
        fail_msg("pid %d not found", (int) pid);
        return NULL;
}

/* The uids come from PID/status: the real uid, and whether all four are 0. */
static void test_uids(void **state _unused_) {
        struct proc_daemon *d = NULL;
        const struct proc_daemon *x;
        size_t n = 0;

        MAKE_PROC("10", "/usr/bin/dockerd", "dockerd\0");
        make_status("10", "Name:\tdockerd\nPid:\t10\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
        MAKE_PROC("11", "/home/u/bin/dockerd", "dockerd\0--data-root\0/tmp/evil\0");
        make_status("11", "Name:\tdockerd\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n");
        MAKE_PROC("12", "/usr/bin/dockerd", "dockerd\0");               /* setuid root: real uid not 0 */
        make_status("12", "Uid:\t1000\t0\t0\t0\n");
        MAKE_PROC("13", "/usr/bin/dockerd", "dockerd\0");               /* dropped its fs uid only */
        make_status("13", "Uid:\t0\t0\t0\t65534\n");
        MAKE_PROC("14", "/usr/bin/dockerd", "dockerd\0");               /* no status: a fake tree */
        MAKE_PROC("15", "/usr/bin/dockerd", "dockerd\0");               /* no Uid: line */
        make_status("15", "Name:\tdockerd\n");
        MAKE_PROC("16", "/usr/bin/dockerd", "dockerd\0");               /* a malformed one */
        make_status("16", "Uid:\t0\t0\n");
        MAKE_PROC("17", "/usr/bin/dockerd", "dockerd\0");               /* trailing junk */
        make_status("17", "Uid:\t0\t0\t0\t0\t0\n");
        MAKE_PROC("18", "/usr/bin/dockerd", "dockerd\0");               /* the top value, not a uid */
        make_status("18", "Uid:\t4294967295\t0\t0\t0\n");
        MAKE_PROC("19", "/usr/bin/dockerd", "dockerd\0");               /* a directory, not a file */
        {
                _cleanup_free_ char *p = NULL;
                assert_true(asprintf(&p, "%s/19/status", tmpdir) >= 0);
                assert_int_equal(mkdir(p, 0755), 0);
        }

        assert_int_equal(proc_scan(tmpdir, names, &d, &n), 0);
        assert_int_equal(n, 10);
        x = find_pid(d, n, 10);
        assert_int_equal(x->uid, 0);
        assert_true(x->root);
        x = find_pid(d, n, 11);
        assert_int_equal(x->uid, 1000);
        assert_false(x->root);
        assert_strv(x->argv, (const char *[]) { "dockerd", "--data-root", "/tmp/evil", NULL });
        x = find_pid(d, n, 12);
        assert_int_equal(x->uid, 1000);
        assert_false(x->root);
        x = find_pid(d, n, 13);
        assert_int_equal(x->uid, 0);
        assert_false(x->root);
        for (pid_t pid = 14; pid <= 19; pid++) {
                x = find_pid(d, n, pid);
                assert_int_equal(x->uid, PROC_UID_UNKNOWN);
                assert_false(x->root);
        }
        proc_daemons_free(d, n);
}

static void test_missing_dir(void **state _unused_) {
        struct proc_daemon *d = (struct proc_daemon *) 0x1;
        size_t n = 42;
        _cleanup_free_ char *p = path_join(tmpdir, "nonexistent");

        assert_int_equal(proc_scan(p, names, &d, &n), -ENOENT);
        assert_ptr_equal(d, (struct proc_daemon *) 0x1);
        assert_int_equal(n, 42);
}

static int copy_file(const char *from, const char *to) {
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int fd, r;

        r = read_file_bounded(AT_FDCWD, from, 0, &data, &len);
        if (r < 0)
                return r;
        fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
        if (fd < 0)
                return -errno;
        if (write(fd, data, len) != (ssize_t) len) {
                close(fd);
                return -EIO;
        }
        return close(fd) < 0 ? -errno : 0;
}

static void test_real_proc(void **state _unused_) {
        _cleanup_free_ char *exe = NULL, *real = NULL;
        struct proc_daemon *d = NULL;
        size_t n = 0;
        int pfd[2], out[2];
        char c;
        bool seen = false;

        if (access("/usr/bin/yes", X_OK) < 0 || access("/proc/self/cmdline", R_OK) < 0)
                skip();

        real = realpath(tmpdir, NULL);
        assert_non_null(real);
        exe = path_join(real, "dockerd");
        assert_non_null(exe);
        assert_int_equal(copy_file("/usr/bin/yes", exe), 0);

        /* yes prints its arguments forever; "--" keeps it from parsing the rest. Its stdout is a
         * pipe nobody reads, so it soon blocks instead of spinning. A CLOEXEC pipe tells when the
         * exec happened, so the scan cannot see the child still running the test binary. */
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
        child = fork();
        assert_true(child >= 0);
        if (child == 0) {
                if (dup2(out[1], STDOUT_FILENO) < 0)
                        _exit(127);
                execv(exe, (char *[]) { exe, (char *) "--", (char *) "--data-root", (char *) "/tmp/X", NULL });
                c = 1;
                (void) !write(pfd[1], &c, 1);
                _exit(127);
        }
        close(out[1]);
        close(pfd[1]);
        assert_int_equal(read(pfd[0], &c, 1), 0);
        close(pfd[0]);

        assert_int_equal(proc_scan("/proc", names, &d, &n), 0);
        for (size_t i = 0; i < n; i++) {
                if (d[i].pid != child)
                        continue;
                seen = true;
                assert_string_equal(d[i].exe, exe);
                assert_strv(d[i].argv, (const char *[]) { exe, "--", "--data-root", "/tmp/X", NULL });
                /* Our own child: our uids. */
                assert_int_equal(d[i].uid, getuid());
                assert_int_equal(d[i].root, getuid() == 0 && geteuid() == 0);
        }
        proc_daemons_free(d, n);
        assert_true(seen);

        /* Replaced on disk while running (a package upgrade): the kernel says "(deleted)". */
        assert_int_equal(unlink(exe), 0);
        seen = false;
        assert_int_equal(proc_scan("/proc", names, &d, &n), 0);
        for (size_t i = 0; i < n; i++)
                if (d[i].pid == child) {
                        seen = true;
                        assert_string_equal(d[i].exe, exe);
                }
        proc_daemons_free(d, n);
        assert_true(seen);

        assert_int_equal(kill(child, SIGKILL), 0);
        assert_int_equal(waitpid(child, NULL, 0), child);
        child = -1;
        close(out[0]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_fake_tree, setup, teardown),
                cmocka_unit_test_setup_teardown(test_uids, setup, teardown),
                cmocka_unit_test_setup_teardown(test_missing_dir, setup, teardown),
                cmocka_unit_test_setup_teardown(test_real_proc, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
