/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime types to shim binaries, as containerd derives them, and which daemon a unit runs. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "runtimes.h"
#include "units.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static void expect_shim(const char *type, const char *want) {
        char *got = NULL;

        assert_int_equal(runtime_shim_binary(type, &got), 0);
        assert_string_equal(got, want);
        free(got);
}

static void expect_bad(const char *type) {
        char *got = (char *) "x";

        assert_int_equal(runtime_shim_binary(type, &got), -EINVAL);
        assert_null(got);
}

static void test_shim_names(void **state _unused_) {
        expect_shim("io.containerd.kata.v2", "containerd-shim-kata-v2");
        expect_shim("io.containerd.runc.v2", "containerd-shim-runc-v2");
        expect_shim("io.containerd.runsc.v1", "containerd-shim-runsc-v1");
        /* Only the last two parts count. */
        expect_shim("kata.v2", "containerd-shim-kata-v2");
        expect_shim("a.b.c.wasmtime.v1", "containerd-shim-wasmtime-v1");
        /* An absolute path is the shim itself. */
        expect_shim("/opt/kata/bin/containerd-shim-kata-v2", "/opt/kata/bin/containerd-shim-kata-v2");
}

static void test_bad_types(void **state _unused_) {
        expect_bad("");
        expect_bad(NULL);
        expect_bad("runc");
        expect_bad("io.containerd.kata.");
        expect_bad(".v2");
        expect_bad("io.containerd..v2");
        expect_bad("io.containerd.x/y.v2");
        expect_bad("../bin/evil.v2");
}

static void test_unit_programs(void **state _unused_) {
        assert_int_equal(unit_program_runs("/usr/bin/dockerd -H fd://"), UNIT_RUNS_DOCKERD);
        assert_int_equal(unit_program_runs("-/usr/bin/dockerd-current --data-root /x"), UNIT_RUNS_DOCKERD);
        assert_int_equal(unit_program_runs("/home/a/bin/dockerd-rootless.sh"), UNIT_RUNS_DOCKERD);
        assert_int_equal(unit_program_runs("/usr/local/bin/containerd"), UNIT_RUNS_CONTAINERD);
        assert_int_equal(unit_program_runs("/usr/bin/docker-containerd-current --config x"), UNIT_RUNS_CONTAINERD);
        assert_int_equal(unit_program_runs("/usr/bin/containerd-shim-runc-v2"), UNIT_RUNS_NONE);
        assert_int_equal(unit_program_runs("/usr/bin/docker run busybox"), UNIT_RUNS_NONE);
        assert_int_equal(unit_program_runs("/bin/sh -c dockerd"), UNIT_RUNS_NONE);
        assert_int_equal(unit_program_runs(NULL), UNIT_RUNS_NONE);
        assert_int_equal(unit_program_runs("\"unterminated"), UNIT_RUNS_NONE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shim_names),
                cmocka_unit_test(test_bad_types),
                cmocka_unit_test(test_unit_programs),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
