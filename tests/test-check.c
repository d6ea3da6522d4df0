/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "check.h"
#include "rule.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static char *k_docker[] = { (char *) "docker", NULL };
static char *k_other[] = { (char *) "other", NULL };
static char *k_both[] = { (char *) "docker", (char *) "other", NULL };

/* The rule the tool wants for a file: -w /usr/bin/dockerd -p wa -k docker */
static struct rule want_file(void) {
        return (struct rule) { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/usr/bin/dockerd",
                               .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker };
}

/* The rule the tool wants for a directory, recursively. */
static struct rule want_dir(void) {
        return (struct rule) { .form = FORM_W, .kind = WATCH_DIR, .path = (char *) "/etc/docker",
                               .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker };
}

/* The data root in the default mode: every change but dockerd's own. */
static struct rule want_state(void) {
        return (struct rule) { .form = FORM_A, .kind = WATCH_DIR, .path = (char *) "/var/lib/docker",
                               .perms = PERM_WRITE | PERM_ATTR, .exe = (char *) "/usr/bin/dockerd",
                               .exe_negated = true, .keys = k_docker };
}

static void parse_watch(const char *line, struct rule *r) {
        const char *why = NULL;
        int t = rule_parse_line(line, r, &why);

        if (t != LINE_WATCH)
                fail_msg("'%s': expected LINE_WATCH, got %d (%s)", line, t, strempty(why));
}

static void test_equal_rules_cover(void **state _unused_) {
        struct rule w = want_file(), k = want_file(), d = want_dir(), kd = want_dir(), s = want_state(),
                    ks = want_state();

        assert_true(kernel_rule_covers(&k, &w));
        assert_true(kernel_rule_covers(&kd, &d));
        assert_true(kernel_rule_covers(&ks, &s));
        /* reflexive on the very same object */
        assert_true(kernel_rule_covers(&w, &w));
}

static void test_form_ignored(void **state _unused_) {
        struct rule w = want_file(), k = want_file(), kd = want_dir(), d = want_dir();

        k.form = FORM_A;
        assert_true(kernel_rule_covers(&k, &w));
        w.form = FORM_A, k.form = FORM_W;
        assert_true(kernel_rule_covers(&k, &w));

        kd.form = FORM_A;
        assert_true(kernel_rule_covers(&kd, &d));
}

static void test_form_ignored_parsed(void **state _unused_) {
        struct rule a = {}, w = {};

        parse_watch("-a always,exit -F path=/x -F perm=wa -k docker", &a);
        parse_watch("-w /x -p wa -k docker", &w);
        assert_int_equal(a.form, FORM_A);
        assert_int_equal(w.form, FORM_W);
        assert_true(kernel_rule_covers(&a, &w));
        assert_true(kernel_rule_covers(&w, &a));
        rule_done(&a);
        rule_done(&w);

        /* exit,always and perm=aw are the same rule */
        parse_watch("-a exit,always -F path=/x -F perm=aw -k docker", &a);
        parse_watch("-w /x -p wa -k docker", &w);
        assert_true(kernel_rule_covers(&a, &w));
        rule_done(&a);
        rule_done(&w);
}

static void test_perms(void **state _unused_) {
        struct rule w = want_file(), k = want_file();

        k.perms = PERM_ALL;
        assert_true(kernel_rule_covers(&k, &w));            /* rwxa covers wa */

        w.perms = PERM_ALL, k.perms = PERM_WRITE | PERM_ATTR;
        assert_false(kernel_rule_covers(&k, &w));           /* wa does not cover rwxa */

        w.perms = PERM_WRITE | PERM_ATTR, k.perms = PERM_WRITE;
        assert_false(kernel_rule_covers(&k, &w));           /* w does not cover wa */

        k.perms = PERM_READ | PERM_EXEC | PERM_ATTR;
        assert_false(kernel_rule_covers(&k, &w));           /* rxa: disjoint in w */

        w.perms = PERM_READ | PERM_WRITE | PERM_ATTR, k.perms = PERM_ALL;
        assert_true(kernel_rule_covers(&k, &w));            /* rwxa covers rwa */

        w.perms = PERM_EXEC, k.perms = PERM_READ | PERM_EXEC;
        assert_true(kernel_rule_covers(&k, &w));            /* rx covers x */
}

static void test_keys_not_compared(void **state _unused_) {
        struct rule w = want_file(), k = want_file();

        k.keys = k_other;
        assert_true(kernel_rule_covers(&k, &w));
        k.keys = k_both;
        assert_true(kernel_rule_covers(&k, &w));
        k.keys = NULL;
        assert_true(kernel_rule_covers(&k, &w));
        w.keys = k_both, k.keys = k_docker;
        assert_true(kernel_rule_covers(&k, &w));
}

static void test_multi_key_vs_rule_equal(void **state _unused_) {
        struct rule a = {}, b = {};

        parse_watch("-w /etc/docker/daemon.json -p rwxa -k docker -k other", &a);
        parse_watch("-w /etc/docker/daemon.json -p rwxa -k docker", &b);
        assert_int_equal(strv_length(a.keys), 2);

        assert_true(kernel_rule_covers(&a, &b));
        assert_true(kernel_rule_covers(&b, &a));
        /* a different rule for the kernel (the key is part of it) */
        assert_false(rule_equal(&a, &b));
        assert_false(rule_equal(&b, &a));
        assert_true(rule_equal(&a, &a));
        assert_true(rule_has_key(&a, "other"));
        assert_false(rule_has_key(&b, "other"));

        rule_done(&a);
        rule_done(&b);
}

static void test_kind(void **state _unused_) {
        struct rule d = want_dir(), k = want_dir(), f = want_dir();

        /* a non-recursive watch on the directory (added before it existed) */
        k.kind = WATCH_FILE;
        assert_false(kernel_rule_covers(&k, &d));
        k.perms = PERM_ALL;
        assert_false(kernel_rule_covers(&k, &d));

        /* a recursive one covers a want for the directory inode alone */
        f.kind = WATCH_FILE;
        k.kind = WATCH_DIR;
        k.perms = PERM_WRITE | PERM_ATTR;
        assert_true(kernel_rule_covers(&k, &f));
}

static void test_path(void **state _unused_) {
        struct rule w = want_file(), k = want_file();

        k.path = (char *) "/usr/bin/dockerd2";
        assert_false(kernel_rule_covers(&k, &w));
        k.path = (char *) "/usr/bin";
        assert_false(kernel_rule_covers(&k, &w));
        k.path = (char *) "/usr/bin/docker";
        assert_false(kernel_rule_covers(&k, &w));

        /* a recursive watch on the parent directory is not the same watch either */
        k.path = (char *) "/usr/bin";
        k.kind = WATCH_DIR;
        k.perms = PERM_ALL;
        assert_false(kernel_rule_covers(&k, &w));
}

static void test_exe(void **state _unused_) {
        struct rule w = want_state(), k = want_state();

        /* no filter: covers everything the filtered want asks for */
        k.exe = NULL, k.exe_negated = false;
        assert_true(kernel_rule_covers(&k, &w));

        /* the same filter */
        k = want_state();
        assert_true(kernel_rule_covers(&k, &w));

        /* exe=X: only X's changes, the opposite of what is wanted */
        k.exe_negated = false;
        assert_false(kernel_rule_covers(&k, &w));

        /* exe!=Y: misses Y's changes, which the want includes */
        k.exe_negated = true;
        k.exe = (char *) "/usr/local/bin/dockerd";
        assert_false(kernel_rule_covers(&k, &w));

        /* a filtered rule never covers an unfiltered want */
        k = want_state();
        w.exe = NULL, w.exe_negated = false;
        assert_false(kernel_rule_covers(&k, &w));
        k.exe_negated = false;
        assert_false(kernel_rule_covers(&k, &w));

        /* the unfiltered one does */
        k.exe = NULL;
        assert_true(kernel_rule_covers(&k, &w));

        /* exe=X wanted, exe=X held */
        w = want_state(), k = want_state();
        w.exe_negated = k.exe_negated = false;
        assert_true(kernel_rule_covers(&k, &w));
        k.exe_negated = true;
        assert_false(kernel_rule_covers(&k, &w));
}

static void test_exe_parsed(void **state _unused_) {
        struct rule w = {}, k = {};

        parse_watch("-a always,exit -F dir=/var/lib/docker -F perm=wa -F exe!=/usr/bin/dockerd -k docker", &w);
        assert_true(w.exe_negated);
        assert_int_equal(w.kind, WATCH_DIR);

        parse_watch("-a always,exit -F dir=/var/lib/docker -F perm=rwxa -k mine", &k);
        assert_true(kernel_rule_covers(&k, &w));
        assert_false(kernel_rule_covers(&w, &k));   /* filtered and narrower perms */
        rule_done(&k);

        parse_watch("-a always,exit -F dir=/var/lib/docker -F perm=wa -F exe=/usr/bin/dockerd -k docker", &k);
        assert_false(kernel_rule_covers(&k, &w));
        rule_done(&k);

        parse_watch("-a always,exit -F path=/var/lib/docker -F perm=wa -k docker", &k);
        assert_false(kernel_rule_covers(&k, &w));   /* path= is not recursive */
        rule_done(&k);

        rule_done(&w);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_equal_rules_cover),
                cmocka_unit_test(test_form_ignored),
                cmocka_unit_test(test_form_ignored_parsed),
                cmocka_unit_test(test_perms),
                cmocka_unit_test(test_keys_not_compared),
                cmocka_unit_test(test_multi_key_vs_rule_equal),
                cmocka_unit_test(test_kind),
                cmocka_unit_test(test_path),
                cmocka_unit_test(test_exe),
                cmocka_unit_test(test_exe_parsed),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
