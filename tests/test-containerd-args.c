/* SPDX-License-Identifier: GPL-2.0-or-later */
/* containerd's command line, as urfave/cli v1 and Go's flag package read it. What containerd
 * itself does with each case was checked against containerd 1.6 (`containerd -root` says "flag
 * needs an argument: -root", `containerd --bogus` "flag provided but not defined: -bogus"). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "containerd_args.h"
#include "util.h"

#define ARGV(...) ((char *[]) { "containerd", __VA_ARGS__, NULL })

static void test_empty(void **state __attribute__((unused))) {
        struct containerd_opts o = {};

        assert_int_equal(containerd_args_parse((char *[]) { "containerd", NULL }, &o), 0);
        assert_null(o.config);
        assert_null(o.address);
        assert_null(o.root);
        assert_null(o.state);
        assert_null(o.problems);
        assert_int_equal(containerd_args_parse((char *[]) { NULL }, &o), 0);
        containerd_opts_done(&o);
}

static void test_forms(void **state __attribute__((unused))) {
        struct containerd_opts o = {};

        /* one dash or two, "=value" or the next argument, short names */
        assert_int_equal(containerd_args_parse(ARGV("-c", "/etc/c.toml", "--address=/run/c.sock", "-root", "/srv/r",
                                                    "--state=/run/s", "-l", "debug"), &o), 0);
        assert_string_equal(o.config, "/etc/c.toml");
        assert_string_equal(o.address, "/run/c.sock");
        assert_string_equal(o.root, "/srv/r");
        assert_string_equal(o.state, "/run/s");
        containerd_opts_done(&o);

        assert_int_equal(containerd_args_parse(ARGV("--config=/a.toml", "-a", "/x.sock", "--root=/r1", "--root", "/r2"),
                                               &o), 0);
        assert_string_equal(o.config, "/a.toml");
        assert_string_equal(o.address, "/x.sock");
        assert_string_equal(o.root, "/r2"); /* the later one */
        containerd_opts_done(&o);
}

static void test_value_taken_whatever_it_looks_like(void **state __attribute__((unused))) {
        struct containerd_opts o = {};

        assert_int_equal(containerd_args_parse(ARGV("--root", "-state", "--state", "/s"), &o), 0);
        assert_string_equal(o.root, "-state");
        assert_string_equal(o.state, "/s");
        containerd_opts_done(&o);
}

static void test_empty_value_unsets(void **state __attribute__((unused))) {
        struct containerd_opts o = {};

        /* applyFlags() applies a flag only when its value is not empty */
        assert_int_equal(containerd_args_parse(ARGV("--root=/r", "--root="), &o), 0);
        assert_null(o.root);
        containerd_opts_done(&o);
}

static void test_end_of_options(void **state __attribute__((unused))) {
        struct containerd_opts o = {};

        /* a subcommand ends the global options */
        assert_int_equal(containerd_args_parse(ARGV("--root", "/r", "config", "dump", "--state", "/s"), &o), 0);
        assert_string_equal(o.root, "/r");
        assert_null(o.state);
        containerd_opts_done(&o);

        assert_int_equal(containerd_args_parse(ARGV("--", "--root", "/r"), &o), 0);
        assert_null(o.root);
        containerd_opts_done(&o);

        /* a lone "-" is an argument, not an option */
        assert_int_equal(containerd_args_parse(ARGV("-", "--root", "/r"), &o), 0);
        assert_null(o.root);
        containerd_opts_done(&o);
}

static void test_booleans_take_no_value(void **state __attribute__((unused))) {
        struct containerd_opts o = {};

        assert_int_equal(containerd_args_parse(ARGV("--help", "/not-a-value", "--root", "/r"), &o), 0);
        assert_null(o.root); /* "/not-a-value" is the first argument: options end there */
        containerd_opts_done(&o);

        assert_int_equal(containerd_args_parse(ARGV("-v", "--root", "/r"), &o), 0);
        assert_string_equal(o.root, "/r");
        containerd_opts_done(&o);
}

static void test_refused(void **state __attribute__((unused))) {
        struct containerd_opts o = {};

        /* containerd would not start; what was read is still filled in, every refusal said */
        assert_int_equal(containerd_args_parse(ARGV("--bogus", "--root", "/r", "---x", "-=y", "--state"), &o), -EINVAL);
        assert_string_equal(o.root, "/r");
        assert_null(o.state);
        assert_int_equal(strv_length(o.problems), 4);
        assert_non_null(strstr(o.problems[0], "--bogus"));
        assert_non_null(strstr(o.problems[1], "---x"));
        assert_non_null(strstr(o.problems[2], "-=y"));
        assert_non_null(strstr(o.problems[3], "--state"));
        assert_non_null(strstr(o.problems[3], "needs a value"));
        containerd_opts_done(&o);
}

static void test_same(void **state __attribute__((unused))) {
        struct containerd_opts a = {}, b = {};

        assert_true(containerd_opts_same(&a, &b));
        assert_int_equal(containerd_args_parse(ARGV("--root", "/r"), &a), 0);
        assert_false(containerd_opts_same(&a, &b));
        assert_int_equal(containerd_args_parse(ARGV("--root=/r"), &b), 0);
        assert_true(containerd_opts_same(&a, &b));
        containerd_opts_done(&a);
        containerd_opts_done(&b);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_forms),
                cmocka_unit_test(test_value_taken_whatever_it_looks_like),
                cmocka_unit_test(test_empty_value_unsets),
                cmocka_unit_test(test_end_of_options),
                cmocka_unit_test(test_booleans_take_no_value),
                cmocka_unit_test(test_refused),
                cmocka_unit_test(test_same),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
