/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostenv_kernel_off_limits() on fake /proc and root trees, one case each, and on this machine
 * compared with what systemd-detect-virt says about it. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "hostenv.h"
#include "testlib.h"
#include "util.h"

#define _unused_ __attribute__((unused))

/* A temporary directory holding a fake root "root/" and a fake proc "proc/" with proc/1/root
 * pointing at the fake root, i.e. a plain host. Each test bends one thing. */
struct host_tree {
        char *top;
        char *root;
        char *proc;
};

static void mkdir_at(const struct host_tree *t, const char *rel) {
        _cleanup_free_ char *p = path_join(t->top, rel);

        assert_non_null(p);
        assert_int_equal(mkdir(p, 0755), 0);
}

static void write_at(const struct host_tree *t, const char *rel, const char *data, size_t len) {
        _cleanup_free_ char *p = path_join(t->top, rel);
        _cleanup_close_ int fd = -1;

        assert_non_null(p);
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, len), (ssize_t) len);
}

static void symlink_at(const struct host_tree *t, const char *target, const char *rel) {
        _cleanup_free_ char *p = path_join(t->top, rel);

        assert_non_null(p);
        assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state) {
        struct host_tree *t = calloc(1, sizeof(*t));

        assert_non_null(t);
        t->top = strdup("/tmp/test-hostenv-XXXXXX");
        assert_non_null(t->top);
        assert_non_null(mkdtemp(t->top));
        t->root = xasprintf("%s/root", t->top);
        t->proc = xasprintf("%s/proc", t->top);
        mkdir_at(t, "root");
        mkdir_at(t, "root/run");
        mkdir_at(t, "proc");
        mkdir_at(t, "proc/1");
        symlink_at(t, t->root, "proc/1/root");
        /* We run in the initial PID namespace, as on a host. */
        mkdir_at(t, "proc/self");
        mkdir_at(t, "proc/self/ns");
        symlink_at(t, "pid:[4026531836]", "proc/self/ns/pid");
        /* A host's PID 1 environment: nothing about containers. */
        write_at(t, "proc/1/environ", "HOME=/\0TERM=linux\0BOOT_IMAGE=/vmlinuz\0", 38);
        assert_int_equal(unsetenv("DPKG_ROOT"), 0);
        *state = t;
        return 0;
}

static int teardown(void **state) {
        struct host_tree *t = *state;

        (void) unsetenv("DPKG_ROOT");
        assert_int_equal(rm_rf(t->top), 0);
        free(t->top);
        free(t->root);
        free(t->proc);
        free(t);
        return 0;
}

static int check(const struct host_tree *t, const char **ret_reason) {
        *ret_reason = "unset";
        return hostenv_kernel_off_limits(t->proc, t->root, ret_reason);
}

static void expect_host(const struct host_tree *t) {
        const char *reason;

        assert_int_equal(check(t, &reason), 0);
        assert_null(reason);
}

static void expect_off_limits(const struct host_tree *t, const char *want) {
        const char *reason;

        assert_int_equal(check(t, &reason), 1);
        assert_non_null(reason);
        assert_string_equal(reason, want);
}

/* Pretend to run in a PID namespace of our own, as in a container; NULL: no link at all. */
static void set_pid_ns(const struct host_tree *t, const char *link) {
        _cleanup_free_ char *p = xasprintf("%s/proc/self/ns/pid", t->top);

        assert_int_equal(unlink(p), 0);
        if (link)
                assert_int_equal(symlink(link, p), 0);
}

/* The baseline: a fake host tree is a host. */
static void test_plain_host(void **state) {
        expect_host(*state);
}

static void test_dpkg_root(void **state) {
        struct host_tree *t = *state;

        assert_int_equal(setenv("DPKG_ROOT", "/srv/chroot/bookworm", 1), 0);
        expect_off_limits(t, "DPKG_ROOT is set: installing into another root");
        /* It wins over every other finding. */
        write_at(t, "root/.dockerenv", "", 0);
        expect_off_limits(t, "DPKG_ROOT is set: installing into another root");
}

/* dpkg exports DPKG_ROOT empty for an ordinary run; "/" is the same root. */
static void test_dpkg_root_empty_or_slash(void **state) {
        struct host_tree *t = *state;

        assert_int_equal(setenv("DPKG_ROOT", "", 1), 0);
        expect_host(t);
        assert_int_equal(setenv("DPKG_ROOT", "/", 1), 0);
        expect_host(t);
        assert_int_equal(setenv("DPKG_ROOT", "//", 1), 0);
        expect_host(t);
}

static void test_no_proc(void **state) {
        struct host_tree *t = *state;
        _cleanup_free_ char *missing = xasprintf("%s/not-mounted", t->top);
        const char *reason;

        /* An empty mount point, as in a chroot or an image build where nobody mounted /proc. */
        mkdir_at(t, "not-mounted");
        assert_int_equal(hostenv_kernel_off_limits(missing, t->root, &reason), 1);
        assert_string_equal(reason, "no /proc: image build or chroot");
        /* No directory at all. */
        assert_int_equal(rmdir(missing), 0);
        assert_int_equal(hostenv_kernel_off_limits(missing, t->root, &reason), 1);
        assert_string_equal(reason, "no /proc: image build or chroot");
}

/* PID 1's root is another directory than ours: a chroot. */
static void test_chroot(void **state) {
        struct host_tree *t = *state;
        _cleanup_free_ char *p = xasprintf("%s/proc/1/root", t->top);
        _cleanup_free_ char *host = xasprintf("%s/host", t->top);

        mkdir_at(t, "host");
        assert_int_equal(unlink(p), 0);
        assert_int_equal(symlink(host, p), 0);
        expect_off_limits(t, "running in a chroot: / is not the root directory of PID 1");
}

/* PID 1's root cannot be looked at (a protected PID 1): our own mount table tells. A chroot into
 * a plain directory has no mount at "/"; a host, or a service's sandbox, has one. */
static void test_chroot_pid1_hidden(void **state) {
        struct host_tree *t = *state;
        _cleanup_free_ char *p = xasprintf("%s/proc/1/root", t->top);
        static const char host[] = "22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
                                   "23 22 0:21 / /proc rw shared:12 - proc proc rw\n";
        static const char chroot_[] = "23 22 0:21 / /proc rw shared:12 - proc proc rw\n"
                                      "30 22 0:30 / /run rw shared:5 - tmpfs tmpfs rw\n";

        assert_int_equal(unlink(p), 0);
        assert_int_equal(symlink("/nonexistent/pid1-root", p), 0);
        /* No mount table either: nothing tells, the host is assumed. */
        expect_host(t);
        write_at(t, "proc/self/mountinfo", host, sizeof(host) - 1);
        expect_host(t);
        write_at(t, "proc/self/mountinfo", chroot_, sizeof(chroot_) - 1);
        expect_off_limits(t, "running in a chroot: / is not the root directory of PID 1");
}

/* Run the check on the tree in a child process as nobody; returns its exit status: 0 when it
 * said "host", 1 "off limits", 2 anything else. */
static int check_as_nobody(const struct host_tree *t) {
        pid_t pid;
        int s;

        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                const char *reason = "unset";
                int r;

                if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
                    setresuid(65534, 65534, 65534) < 0)
                        _exit(3);
                r = hostenv_kernel_off_limits(t->proc, t->root, &reason);
                _exit(r == 0 && !reason ? 0 : r == 1 && reason ? 1 : 2);
        }
        assert_int_equal(waitpid(pid, &s, 0), pid);
        assert_true(WIFEXITED(s));
        return WEXITSTATUS(s);
}

/* PID 1's root that cannot be followed (EACCES for a caller without CAP_SYS_PTRACE, or a
 * protected PID 1 as on some VMs) tells nothing: the other checks decide. Likewise an
 * unreadable environ. */
static void test_pid1_unreadable(void **state) {
        struct host_tree *t = *state;
        _cleanup_free_ char *p = xasprintf("%s/proc/1/root", t->top);
        _cleanup_free_ char *dir = xasprintf("%s/proc/1", t->top);

        /* A dangling link: ENOENT. */
        assert_int_equal(unlink(p), 0);
        assert_int_equal(symlink("/nonexistent/hostenv-test", p), 0);
        expect_host(t);
        assert_int_equal(unlink(p), 0);
        /* A link to elsewhere (a chroot, if we could see it) that we may not follow: EACCES.
         * Root ignores mode bits, so that needs an unprivileged caller. */
        mkdir_at(t, "host");
        symlink_at(t, "../../host", "proc/1/root");
        if (geteuid() == 0) {
                assert_int_equal(chmod(t->top, 0755), 0);
                assert_int_equal(chmod(dir, 0700), 0);
                assert_int_equal(check_as_nobody(t), 0);
                /* With a container marker, nobody gets the container reason. */
                mkdir_at(t, "root/run/systemd");
                write_at(t, "root/run/systemd/container", "docker\n", 7);
                assert_int_equal(check_as_nobody(t), 1);
                assert_int_equal(chmod(dir, 0755), 0);
        } else {
                assert_int_equal(chmod(dir, 0), 0);
                expect_host(t);
                assert_int_equal(chmod(dir, 0755), 0);
        }
}

static void test_dockerenv(void **state) {
        struct host_tree *t = *state;

        write_at(t, "root/.dockerenv", "", 0);
        set_pid_ns(t, "pid:[4026532512]");
        expect_off_limits(t, "running in a container (/.dockerenv exists)");
        /* Namespace unknown: the marker counts. */
        set_pid_ns(t, NULL);
        expect_off_limits(t, "running in a container (/.dockerenv exists)");
}

static void test_containerenv(void **state) {
        struct host_tree *t = *state;

        write_at(t, "root/run/.containerenv", "engine=\"podman-4.3.1\"\n", 22);
        set_pid_ns(t, "pid:[4026532513]");
        expect_off_limits(t, "running in a container (/run/.containerenv exists)");
}

/* A VM or a host whose root file system was built from a container image keeps /.dockerenv
 * (and possibly /run/.containerenv), but runs in the initial PID namespace with its own init as
 * PID 1: that is a host. */
static void test_image_markers_on_host(void **state) {
        struct host_tree *t = *state;

        write_at(t, "root/.dockerenv", "", 0);
        write_at(t, "root/run/.containerenv", "", 0);
        expect_host(t);
        /* ... unless PID 1 says otherwise. */
        write_at(t, "proc/1/environ", "container=docker", 16);
        expect_off_limits(t, "running in a container (PID 1's environment has container=)");
}

static void test_run_systemd_container(void **state) {
        struct host_tree *t = *state;

        mkdir_at(t, "root/run/systemd");
        write_at(t, "root/run/systemd/container", "systemd-nspawn\n", 15);
        expect_off_limits(t, "running in a container (/run/systemd/container exists)");
}

static void test_run_host_container_manager(void **state) {
        struct host_tree *t = *state;

        mkdir_at(t, "root/run/host");
        write_at(t, "root/run/host/container-manager", "docker\n", 7);
        expect_off_limits(t, "running in a container (/run/host/container-manager exists)");
}

static void test_environ_container(void **state) {
        struct host_tree *t = *state;
        static const char env[] = "HOME=/\0container=lxc\0TERM=linux\0";

        write_at(t, "proc/1/environ", env, sizeof(env) - 1);
        expect_off_limits(t, "running in a container (PID 1's environment has container=)");
}

/* Only a whole "container=VALUE" entry counts: not an empty value, not a longer name, not a
 * value of another variable. */
static void test_environ_near_misses(void **state) {
        struct host_tree *t = *state;
        static const char env[] = "container=\0XYZcontainer=lxc\0container_uuid=1234\0FOO=container=lxc\0";

        write_at(t, "proc/1/environ", env, sizeof(env) - 1);
        expect_host(t);
        /* The last entry without a trailing NUL still counts. */
        write_at(t, "proc/1/environ", "HOME=/\0container=docker", 23);
        expect_off_limits(t, "running in a container (PID 1's environment has container=)");
}

/* An unreadable environ (EACCES for a caller that is not root) is not conclusive. */
static void test_environ_missing(void **state) {
        struct host_tree *t = *state;
        _cleanup_free_ char *p = xasprintf("%s/proc/1/environ", t->top);

        assert_int_equal(unlink(p), 0);
        expect_host(t);
}

/* The order of the findings: the chroot is named before the container markers. */
static void test_order(void **state) {
        struct host_tree *t = *state;
        _cleanup_free_ char *p = xasprintf("%s/proc/1/root", t->top);

        write_at(t, "root/.dockerenv", "", 0);
        mkdir_at(t, "host");
        assert_int_equal(unlink(p), 0);
        symlink_at(t, "../../host", "proc/1/root");
        expect_off_limits(t, "running in a chroot: / is not the root directory of PID 1");
}

static void test_root_dir_missing(void **state) {
        struct host_tree *t = *state;
        _cleanup_free_ char *missing = xasprintf("%s/no-such-root", t->top);
        const char *reason = "unset";

        assert_int_equal(hostenv_kernel_off_limits(t->proc, missing, &reason), -ENOENT);
}

/* Run systemd-detect-virt ARG quietly: 1 when it says yes, 0 no, -1 when it cannot be run. */
static int detect_virt(const char *arg) {
        _cleanup_free_ char *cmd = xasprintf("systemd-detect-virt -q %s </dev/null >/dev/null 2>&1", arg);
        int s;

        if (system("command -v systemd-detect-virt >/dev/null 2>&1") != 0)
                return -1;
        s = system(cmd);
        if (s == -1 || !WIFEXITED(s))
                return -1;
        return WEXITSTATUS(s) == 0;
}

static bool environ_says_container(void) {
        _cleanup_free_ char *data = NULL;
        size_t n = 0;

        if (read_file_bounded(AT_FDCWD, "/proc/1/environ", 0, &data, &n) < 0)
                return false;
        for (size_t i = 0; i < n; i += strlen(data + i) + 1)
                if (startswith(data + i, "container=") && data[i + strlen("container=")])
                        return true;
        return false;
}

/* This machine, with the real /proc and /: the answer must agree with systemd's own detection
 * (systemd-detect-virt --container / --chroot), except where systemd trusts an image marker
 * (/.dockerenv, /run/.containerenv) although we run in the initial PID namespace: a VM whose root
 * disk was made from a Docker image, like the machine this was written on. Container types
 * systemd finds by other means (OpenVZ, WSL, proot) are not ours to judge: skipped there. */
static void test_this_machine(void **state _unused_) {
        _cleanup_free_ char *kind = NULL;
        char ns[64] = "";
        const char *reason = "unset";
        int r, container, chroot, expected;
        bool initial_pid_ns, runtime_evidence;
        ssize_t k;
        FILE *f;

        assert_int_equal(unsetenv("DPKG_ROOT"), 0);
        r = hostenv_kernel_off_limits("/proc", "/", &reason);
        assert_true(r == 0 || r == 1);
        if (r == 0)
                assert_null(reason);
        else
                assert_non_null(reason);
        print_message("this machine: %s\n", r ? reason : "the host kernel may be touched");

        /* DPKG_ROOT pointing elsewhere always wins; "/" changes nothing. */
        assert_int_equal(setenv("DPKG_ROOT", "/", 1), 0);
        assert_int_equal(hostenv_kernel_off_limits("/proc", "/", &reason), r);
        assert_int_equal(setenv("DPKG_ROOT", "/tmp/somewhere", 1), 0);
        assert_int_equal(hostenv_kernel_off_limits("/proc", "/", &reason), 1);
        assert_string_equal(reason, "DPKG_ROOT is set: installing into another root");
        assert_int_equal(unsetenv("DPKG_ROOT"), 0);

        container = detect_virt("--container");
        chroot = detect_virt("--chroot");
        if (container < 0 || chroot < 0)
                skip();
        f = popen("systemd-detect-virt --container 2>/dev/null", "r");
        if (f) {
                char buf[64] = "";
                if (fgets(buf, sizeof(buf), f))
                        buf[strcspn(buf, "\n")] = 0;
                pclose(f);
                kind = strdup(buf);
        }
        k = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
        if (k > 0)
                ns[k] = 0;
        initial_pid_ns = streq(ns, "pid:[4026531836]");
        runtime_evidence = access("/run/systemd/container", F_OK) >= 0 ||
                           access("/run/host/container-manager", F_OK) >= 0 || environ_says_container();
        print_message("systemd-detect-virt: container=%s chroot=%s; %s; runtime container evidence: %s\n",
                      kind ? kind : "?", chroot ? "yes" : "no", ns, runtime_evidence ? "yes" : "no");
        if (kind && (streq(kind, "openvz") || streq(kind, "wsl") || streq(kind, "proot")))
                skip();

        if (chroot)
                expected = 1;
        else if (!container)
                expected = 0;
        else if (initial_pid_ns && !runtime_evidence)
                expected = 0; /* only an image marker: a VM or host built from a container image */
        else
                expected = 1;
        assert_int_equal(r, expected);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_plain_host, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dpkg_root, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dpkg_root_empty_or_slash, setup, teardown),
                cmocka_unit_test_setup_teardown(test_no_proc, setup, teardown),
                cmocka_unit_test_setup_teardown(test_chroot, setup, teardown),
                cmocka_unit_test_setup_teardown(test_chroot_pid1_hidden, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pid1_unreadable, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dockerenv, setup, teardown),
                cmocka_unit_test_setup_teardown(test_containerenv, setup, teardown),
                cmocka_unit_test_setup_teardown(test_image_markers_on_host, setup, teardown),
                cmocka_unit_test_setup_teardown(test_run_systemd_container, setup, teardown),
                cmocka_unit_test_setup_teardown(test_run_host_container_manager, setup, teardown),
                cmocka_unit_test_setup_teardown(test_environ_container, setup, teardown),
                cmocka_unit_test_setup_teardown(test_environ_near_misses, setup, teardown),
                cmocka_unit_test_setup_teardown(test_environ_missing, setup, teardown),
                cmocka_unit_test_setup_teardown(test_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_root_dir_missing, setup, teardown),
                cmocka_unit_test(test_this_machine),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
