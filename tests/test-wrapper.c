/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shell scripts read as text: what a wrapper exec's, a run script's exec line. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "testlib.h"
#include "util.h"
#include "wrapper.h"

#define _unused_ __attribute__((unused))

static int parse(const char *s, char **program, char ***dirs) {
        return wrapper_parse(s, strlen(s), program, dirs);
}

/* nixpkgs' makeWrapper output, as NixOS's docker package has it. */
static void test_makewrapper(void **state _unused_) {
        static const char s[] =
                "#! /nix/store/b-bash-5.2p26/bin/bash -e\n"
                "PATH=${PATH:+':'$PATH':'}\n"
                "PATH=${PATH/':''/nix/store/m-moby/libexec/docker:/nix/store/c-containerd/bin'':'/':'}\n"
                "PATH='/nix/store/m-moby/libexec/docker:/nix/store/c-containerd/bin'$PATH\n"
                "PATH=${PATH#':'}\n"
                "export PATH\n"
                "exec -a \"$0\" \"/nix/store/m-moby/libexec/docker/.dockerd-wrapped\"  \"$@\" \n";
        _cleanup_free_ char *program = NULL;
        _cleanup_strv_free_ char **dirs = NULL;

        assert_int_equal(parse(s, &program, &dirs), 1);
        assert_string_equal(program, "/nix/store/m-moby/libexec/docker/.dockerd-wrapped");
        assert_strv(dirs, (const char * const[]) { "/nix/store/m-moby/libexec/docker", "/nix/store/c-containerd/bin",
                                                    NULL });
}

static void test_plain_exec(void **state _unused_) {
        _cleanup_free_ char *program = NULL;
        _cleanup_strv_free_ char **dirs = NULL;

        assert_int_equal(parse("#!/bin/sh\nset -e\nexec /usr/libexec/docker/dockerd \"$@\"\n", &program, &dirs), 1);
        assert_string_equal(program, "/usr/libexec/docker/dockerd");
        assert_strv(dirs, (const char * const[]) { NULL });
}

static void test_env_shebang(void **state _unused_) {
        _cleanup_free_ char *program = NULL;
        _cleanup_strv_free_ char **dirs = NULL;

        assert_int_equal(parse("#!/usr/bin/env bash\nexec /opt/docker/dockerd \"$@\"\n", &program, &dirs), 1);
        assert_string_equal(program, "/opt/docker/dockerd");
}

/* Not wrappers: a program, another interpreter, a relative program, no exec, a NUL byte. */
static void test_not_wrappers(void **state _unused_) {
        static const char *const no[] = {
                "\177ELF\002\001\001",
                "placeholder\n",
                "#!/sbin/openrc-run\nexec /usr/bin/dockerd\n",
                "#!/usr/bin/python3\nexec /usr/bin/dockerd\n",
                "#!/usr/bin/env perl\nexec /usr/bin/dockerd\n",
                "#!/bin/sh\nexec dockerd \"$@\"\n",
                "#!/bin/sh\n/usr/bin/dockerd \"$@\"\n",
                "#!/bin/sh\n# exec /usr/bin/dockerd\n",
                "#!/bin/sh\nexecx /usr/bin/dockerd\n",
        };
        char *program = NULL, **dirs = NULL;

        for (size_t k = 0; k < ELEMENTSOF(no); k++)
                assert_int_equal(parse(no[k], &program, &dirs), 0);
        assert_int_equal(wrapper_parse("#!/bin/sh\nexec /a\0b\n", 18, &program, &dirs), 0);
        assert_null(program);
        assert_null(dirs);
}

/* A file larger than a script is not read as one. */
static void test_too_big(void **state _unused_) {
        size_t n = WRAPPER_MAX_SIZE + 64;
        _cleanup_free_ char *s = malloc(n);
        char *program = NULL, **dirs = NULL;
        const char *head = "#!/bin/sh\nexec /usr/bin/dockerd\n";

        assert_non_null(s);
        memset(s, '#', n);
        memcpy(s, head, strlen(head));
        s[strlen(head)] = '\n';
        assert_int_equal(wrapper_parse(s, n, &program, &dirs), 0);
        assert_int_equal(wrapper_parse(s, strlen(head), &program, &dirs), 1);
        free(program);
        strv_free(dirs);
}

/* Void's /etc/sv/docker/run: its conf's OPTS expand the exec line; redirections are dropped; the
 * `exec 2>&1` line names no dockerd. */
static void test_runit_run(void **state _unused_) {
        static const char s[] = "#!/bin/sh\n"
                                "exec 2>&1\n"
                                "[ -r conf ] && . ./conf\n"
                                "modprobe -q loop || exit 1\n"
                                "exec chpst -o 1048576 -p 1048576 dockerd $OPTS 2>&1\n";
        char *env[] = { (char *) "OPTS=--data-root=/data/docker -H unix:///run/docker.sock", NULL };
        _cleanup_strv_free_ char **argv = NULL, **none = NULL;

        assert_int_equal(script_exec_argv(s, strlen(s), env, "dockerd", &argv), 1);
        assert_strv(argv, (const char * const[]) { "dockerd", "--data-root=/data/docker", "-H",
                                                    "unix:///run/docker.sock", NULL });
        assert_int_equal(script_exec_argv(s, strlen(s), env, "containerd", &none), 0);
        assert_null(none);
}

/* Continued lines are one; the last exec line is the one that runs. */
static void test_continuation_last(void **state _unused_) {
        static const char s[] = "#!/bin/sh\n"
                                "exec /usr/bin/dockerd --old\n"
                                "exec /usr/bin/dockerd \\\n"
                                "  --data-root /srv/docker \\\n"
                                "  >>/var/log/docker.log\n";
        _cleanup_strv_free_ char **argv = NULL;

        assert_int_equal(script_exec_argv(s, strlen(s), NULL, "dockerd", &argv), 1);
        assert_strv(argv, (const char * const[]) { "/usr/bin/dockerd", "--data-root", "/srv/docker", NULL });
}

static void test_script_is_shell(void **state _unused_) {
        assert_int_equal(script_is_shell("#!/bin/sh\n", 10), 1);
        assert_int_equal(script_is_shell("#! /bin/bash -e\n", 16), 1);
        assert_int_equal(script_is_shell("#!/bin/dash", 11), 1);
        assert_int_equal(script_is_shell("#!/sbin/openrc-run\n", 19), 0);
        assert_int_equal(script_is_shell("#!/bin/shx\n", 11), 0);
        assert_int_equal(script_is_shell("#!/usr/bin/env\n", 15), 0);
        assert_int_equal(script_is_shell("#", 1), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_makewrapper),
                cmocka_unit_test(test_plain_exec),
                cmocka_unit_test(test_env_shebang),
                cmocka_unit_test(test_not_wrappers),
                cmocka_unit_test(test_too_big),
                cmocka_unit_test(test_runit_run),
                cmocka_unit_test(test_continuation_last),
                cmocka_unit_test(test_script_is_shell),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
