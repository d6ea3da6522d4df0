/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The settings file: systemd's syntax, drop-ins in name order, later assignments win, unknown
 * keys and bad values are problems that never stop the reading. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "settings.h"
#include "testlib.h"
#include "util.h"

/* The host tree the settings are read from. */
static struct tree t;

static void write_host(const char *host_path, const char *text) {
        tree_file(&t, host_path, text);
}

/* Remove what a test wrote below the temporary root. */
static void clean(void) {
        _cleanup_free_ char *etc = tree_real(&t, "/etc"), *srv = tree_real(&t, "/srv");
        int k;

        k = rm_rf(etc);
        assert_true(k == 0 || k == -ENOENT);
        k = rm_rf(srv);
        assert_true(k == 0 || k == -ENOENT);
}

static int setup(void **state _unused_) {
        tree_new(&t, "test-settings");
        return 0;
}

static int teardown(void **state _unused_) {
        tree_free(&t);
        return 0;
}

static void load(struct settings *s, const char *explicit_path, int expect) {
        struct root root = {};
        assert_int_equal(root_init(&root, t.dir), 0);
        assert_int_equal(settings_load(&root, explicit_path, s), expect);
        root_done(&root);
}

static void test_missing_default_is_fine(void **state _unused_) {
        struct settings s;
        load(&s, NULL, 0);
        assert_null(s.key);
        assert_false(s.have_perms);
        assert_false(s.have_data_root_mode);
        assert_int_equal(s.cis_paths, -1);
        assert_int_equal(s.problems.n, 0);
        assert_int_equal(strv_length(s.files), 0);
        settings_done(&s);
}

static void test_missing_explicit_is_an_error(void **state _unused_) {
        struct settings s = { .key = (char *) "untouched" };
        load(&s, "/etc/nonexistent.conf", -ENOENT);
        assert_string_equal(s.key, "untouched");
}

static void test_every_key_and_dropins_in_order(void **state _unused_) {
        struct settings s;

        write_host("/etc/docker-audit-rules.conf",
                   "# the admin's choices\n"
                   "[Rules]\n"
                   "Key = zzfoo\n"
                   "Permissions=wa\n"
                   "DataRootMode=off\n"
                   "; a comment\n"
                   "CISPaths=no\n");
        write_host("/etc/docker-audit-rules.conf.d/20-later.conf",
                   "[Rules]\nDataRootMode=cis\nRunMode=recursive\nBinaryReads=others\n");
        write_host("/etc/docker-audit-rules.conf.d/10-earlier.conf", "[Rules]\nDataRootMode=recursive\nKey=mid\n");
        write_host("/etc/docker-audit-rules.conf.d/30-not-conf.txt", "[Rules]\nKey=never\n");
        load(&s, NULL, 0);
        assert_string_equal(s.key, "mid");
        assert_true(s.have_perms);
        assert_int_equal(s.perms, PERM_WRITE | PERM_ATTR);
        assert_true(s.have_data_root_mode);
        assert_int_equal(s.data_root_mode, DATA_ROOT_CIS);
        assert_true(s.have_run_mode);
        assert_int_equal(s.run_mode, RUN_RECURSIVE);
        assert_true(s.have_binary_reads);
        assert_int_equal(s.binary_reads, BINARY_READS_OTHERS);
        assert_int_equal(s.cis_paths, 0);
        assert_int_equal(s.problems.n, 0);
        assert_int_equal(strv_length(s.files), 3);
        assert_string_equal(s.files[0], "/etc/docker-audit-rules.conf");
        assert_string_equal(s.files[1], "/etc/docker-audit-rules.conf.d/10-earlier.conf");
        assert_string_equal(s.files[2], "/etc/docker-audit-rules.conf.d/20-later.conf");
        settings_done(&s);
        clean();
}

static void test_explicit_file_alone(void **state _unused_) {
        struct settings s;

        write_host("/etc/docker-audit-rules.conf", "[Rules]\nKey=main\n");
        write_host("/etc/docker-audit-rules.conf.d/10.conf", "[Rules]\nKey=dropin\n");
        write_host("/srv/mine.conf", "[Rules]\nCISPaths=on\n");
        load(&s, "/srv/mine.conf", 0);
        assert_null(s.key);
        assert_int_equal(s.cis_paths, 1);
        settings_done(&s);
        clean();
}

/* Bad values keep the earlier setting; unknown keys and sections are warnings; reading goes on
 * after a line systemd would skip. */
static void test_problems_never_stop_reading(void **state _unused_) {
        struct settings s;

        write_host("/etc/docker-audit-rules.conf",
                   "[Rules]\n"
                   "Key=good\n"
                   "Key=has space\n"
                   "Permissions=rwz\n"
                   "DataRootMode=everything\n"
                   "RunMode=quiet\n"
                   "BinaryReads=self\n"
                   "CISPaths=maybe\n"
                   "Colour=blue\n"
                   "[Other]\n"
                   "Key=elsewhere\n");
        load(&s, NULL, 0);
        assert_string_equal(s.key, "good");
        assert_false(s.have_perms);
        assert_false(s.have_data_root_mode);
        assert_false(s.have_run_mode);
        assert_false(s.have_binary_reads);
        assert_int_equal(s.cis_paths, -1);
        assert_int_equal(s.problems.n, 8);
        assert_int_equal(s.problems.items[0].line, 3);
        assert_non_null(strstr(s.problems.items[0].message, "Key=has space"));
        assert_non_null(strstr(s.problems.items[3].message, "RunMode=quiet"));
        assert_non_null(strstr(s.problems.items[4].message, "BinaryReads=self: all or others"));
        assert_int_equal(s.problems.items[6].line, 9);
        assert_non_null(strstr(s.problems.items[6].message, "unknown key Colour="));
        assert_non_null(strstr(s.problems.items[7].message, "unknown section [Other]"));
        settings_done(&s);
        clean();
}

/* An empty Permissions= means each component's own default, and is a setting of its own. */
static void test_empty_permissions(void **state _unused_) {
        struct settings s = { .cis_paths = -1 };
        assert_int_equal(settings_parse(&s, "x.conf", "[Rules]\nPermissions=\n", 22), 0);
        assert_true(s.have_perms);
        assert_int_equal(s.perms, 0);
        settings_done(&s);
}

/* Order= takes the words of --order; a later file wins; anything else is a problem and leaves
 * the earlier setting. */
static void test_order(void **state _unused_) {
        struct settings s = { .cis_paths = -1 };
        const char *first = "[Rules]\nOrder=first\n", *bad = "[Rules]\nOrder=top\n", *empty = "[Rules]\nOrder=\n";

        assert_false(s.have_order);
        assert_int_equal(settings_parse(&s, "a.conf", first, strlen(first)), 0);
        assert_true(s.have_order);
        assert_int_equal(s.order, ORDER_FIRST);
        assert_int_equal(settings_parse(&s, "b.conf", bad, strlen(bad)), 0);
        assert_int_equal(settings_parse(&s, "c.conf", empty, strlen(empty)), 0);
        assert_int_equal(s.order, ORDER_FIRST);
        assert_int_equal(s.problems.n, 2);
        assert_string_equal(s.problems.items[0].file, "b.conf");
        assert_int_equal(s.problems.items[0].line, 2);
        assert_non_null(strstr(s.problems.items[0].message, "Order=top: first or last"));
        settings_done(&s);

        s = (struct settings) { .cis_paths = -1 };
        assert_int_equal(settings_parse(&s, "d.conf", "[Rules]\nOrder=last\n", 19), 0);
        assert_true(s.have_order);
        assert_int_equal(s.order, ORDER_LAST);
        assert_int_equal(s.problems.n, 0);
        settings_done(&s);

        assert_string_equal(rule_order_to_string(ORDER_FIRST), "first");
        assert_string_equal(rule_order_to_string(ORDER_LAST), "last");
        assert_int_equal((int) rule_order_from_string("First"), -1);
        assert_int_equal((int) rule_order_from_string(NULL), -1);
}

static void test_parse_boolean(void **state _unused_) {
        assert_int_equal(parse_boolean("YES"), 1);
        assert_int_equal(parse_boolean("on"), 1);
        assert_int_equal(parse_boolean("0"), 0);
        assert_int_equal(parse_boolean("False"), 0);
        assert_int_equal(parse_boolean("2"), -EINVAL);
        assert_int_equal(parse_boolean(""), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_missing_default_is_fine),
                cmocka_unit_test(test_missing_explicit_is_an_error),
                cmocka_unit_test(test_every_key_and_dropins_in_order),
                cmocka_unit_test(test_explicit_file_alone),
                cmocka_unit_test(test_problems_never_stop_reading),
                cmocka_unit_test(test_empty_permissions),
                cmocka_unit_test(test_order),
                cmocka_unit_test(test_parse_boolean),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
