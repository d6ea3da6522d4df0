/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "check.h"
#include "plan.h"
#include "fragment.h"
#include "root.h"
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


/* A host with /run/containerd (now a directory: wanted recursive) and dockerd, a kernel that has
 * /run/containerd as a plain watch (loaded before the directory existed), a stale rule of ours,
 * and a rule with our key and another one. */
static struct target host_targets[] = {
        { .comp = COMP_RUN_CONTAINERD, .path = (char *) "/run/containerd", .state = PATH_EXISTS, .is_dir = true },
        { .comp = COMP_DOCKERD, .path = (char *) "/usr/bin/dockerd", .state = PATH_EXISTS },
};

static struct rendered host_rules[] = {
        { .rule = { .form = FORM_W, .kind = WATCH_DIR, .path = (char *) "/run/containerd",
                    .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker }, .target = 0 },
        { .rule = { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/usr/bin/dockerd",
                    .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker }, .target = 1 },
};

static struct kernel_rule host_kernel[] = {
        { .is_watch = true, .rule = { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/run/containerd",
                                      .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker } },
        { .is_watch = true, .rule = { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/usr/bin/dockerd",
                                      .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker } },
        { .is_watch = true, .rule = { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/old/dockerd",
                                      .perms = PERM_ALL, .keys = k_docker } },
        { .is_watch = true, .rule = { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/etc/default/docker",
                                      .perms = PERM_ALL, .keys = k_both } },
};

static struct plan host_plan(enum kernel_state state) {
        struct plan p = { .key = "docker" };

        p.disc.targets = host_targets;
        p.disc.n_targets = ELEMENTSOF(host_targets);
        p.rules.rules = host_rules;
        p.rules.n_rules = ELEMENTSOF(host_rules);
        p.kernel.state = state;
        p.kernel.rules = host_kernel;
        p.kernel.n_rules = ELEMENTSOF(host_kernel);
        p.fragment_path = (char *) "/etc/audit/rules.d/50-docker.rules";
        p.boot.loader = BOOT_AUGENRULES;
        p.boot_reads_fragment = true;
        return p;
}

static const struct action *find_action(const struct diff *d, enum action_kind k, const char *path) {
        for (size_t i = 0; i < d->n; i++)
                if (d->actions[i].kind == k && streq(d->actions[i].rule->path, path))
                        return &d->actions[i];
        return NULL;
}

static void test_diff_install(void **state _unused_) {
        struct plan p = host_plan(KERNEL_LOADED);
        const struct action *a;
        struct diff d = {};
        char *line = NULL;

        assert_int_equal(diff_build(&p, DIFF_INSTALL, &d), 0);
        /* The plain watch is replaced by the recursive one, and both say why. */
        a = find_action(&d, ACTION_ADD, "/run/containerd");
        assert_non_null(a);
        assert_int_equal(a->reason, REASON_KIND_CHANGED);
        assert_int_equal(a->rule->kind, WATCH_DIR);
        assert_int_equal(diff_rule_line(a->rule, &line), 0);
        assert_string_equal(line, "-w /run/containerd -p wa -k docker (dir=)");
        free(line);
        a = find_action(&d, ACTION_DELETE, "/run/containerd");
        assert_non_null(a);
        assert_int_equal(a->reason, REASON_KIND_CHANGED);
        assert_int_equal(diff_rule_line(a->rule, &line), 0);
        assert_string_equal(line, "-w /run/containerd -p wa -k docker (path=)");
        free(line);
        /* Kept, stale, and not ours. */
        assert_non_null(find_action(&d, ACTION_KEEP, "/usr/bin/dockerd"));
        a = find_action(&d, ACTION_DELETE, "/old/dockerd");
        assert_non_null(a);
        assert_int_equal(a->reason, REASON_NONE);
        a = find_action(&d, ACTION_LEAVE_ALONE, "/etc/default/docker");
        assert_non_null(a);
        assert_int_equal(a->reason, REASON_NOT_OURS);
        assert_int_equal(diff_count(&d, ACTION_ADD), 1);
        assert_int_equal(diff_count(&d, ACTION_DELETE), 2);
        diff_done(&d);
}

/* --remove deletes what our fragment holds, and nothing else. */
static void test_diff_remove(void **state _unused_) {
        struct plan p = host_plan(KERNEL_LOADED);
        struct fragment_line l = { .line = 3, .type = LINE_WATCH, .rule = host_kernel[1].rule };
        struct diff d = {};

        p.disk.lines = (struct fragment_lines) { .lines = &l, .n = 1 };
        assert_int_equal(diff_build(&p, DIFF_REMOVE, &d), 0);
        assert_non_null(find_action(&d, ACTION_DELETE, "/usr/bin/dockerd"));
        assert_non_null(find_action(&d, ACTION_LEAVE_ALONE, "/old/dockerd"));
        assert_int_equal(diff_count(&d, ACTION_DELETE), 1);
        assert_int_equal(diff_count(&d, ACTION_ADD), 0);
        diff_done(&d);
}

static void test_verdict_not_recursive(void **state _unused_) {
        struct plan p = host_plan(KERNEL_LOADED);
        struct fragment_line l[] = { { .line = 1, .type = LINE_WATCH, .rule = host_rules[0].rule },
                                     { .line = 2, .type = LINE_WATCH, .rule = host_rules[1].rule } };
        struct verdicts v = {};

        p.disk.lines = (struct fragment_lines) { .lines = l, .n = 2 };
        assert_int_equal(verdicts_build(&p, -1, &v), 0);
        assert_int_equal(v.n, 2);
        assert_int_equal(v.v[0].status, STATUS_NOT_RECURSIVE);
        assert_string_equal(target_status_to_string(v.v[0].status), "not-recursive");
        assert_non_null(strstr(v.v[0].message, "watched as a plain path, wanted recursive"));
        assert_int_equal(v.v[0].sev, SEV_CRITICAL);
        assert_int_equal(v.v[1].status, STATUS_OK);
        assert_int_equal(v.v[1].sev, SEV_NONE);
        verdicts_done(&v);
}

/* --root: the kernel is not judged; the file is. */
static void test_verdict_root(void **state _unused_) {
        struct plan p = host_plan(KERNEL_SKIPPED);
        struct fragment_line l = { .line = 1, .type = LINE_WATCH, .rule = host_rules[1].rule };
        struct verdicts v = {};

        p.disk.lines = (struct fragment_lines) { .lines = &l, .n = 1 };
        assert_int_equal(verdicts_build(&p, -1, &v), 0);
        assert_int_equal(v.v[0].status, STATUS_NOT_IN_FILE);
        assert_false(v.v[0].in_kernel);
        assert_int_equal(v.v[1].status, STATUS_AT_BOOT);
        assert_int_equal(v.v[1].sev, SEV_NONE);
        verdicts_done(&v);
        /* Not read by augenrules at boot: not in a file that counts. */
        p.boot_reads_fragment = false;
        assert_int_equal(verdicts_build(&p, -1, &v), 0);
        assert_int_equal(v.v[1].status, STATUS_NOT_IN_FILE);
        verdicts_done(&v);
}

static void test_name_tables(void **state _unused_) {
        for (int i = 0; i < _KERNEL_STATE_MAX; i++)
                assert_int_equal(kernel_state_from_string(kernel_state_to_string(i)), i);
        for (int i = 0; i < _ACTION_KIND_MAX; i++)
                assert_int_equal(action_kind_from_string(action_kind_to_string(i)), i);
        for (int i = 0; i < _SEV_MAX; i++)
                assert_int_equal(severity_from_string(severity_to_string(i)), i);
        for (int i = 0; i < _STATUS_MAX; i++)
                assert_int_equal(target_status_from_string(target_status_to_string(i)), i);
        assert_string_equal(kernel_state_to_string(KERNEL_LOCKED), "locked");
        assert_string_equal(target_status_to_string(STATUS_PENDING_REBOOT), "pending-reboot");
        assert_int_equal((int) target_status_from_string("nonsense"), -1);
        assert_null(severity_to_string(_SEV_MAX));
}

static void test_kernel_messages(void **state _unused_) {
        struct kernel_view k = { .state = KERNEL_UNAVAILABLE, .error = -EPERM, .not_root = true };
        const char *why, *todo;

        kernel_view_message(&k, &why, &todo);
        assert_non_null(strstr(why, "needs root"));
        assert_string_equal(todo, "run as root, or use --no-load");
        k.not_root = false;
        kernel_view_message(&k, &why, &todo);
        assert_non_null(strstr(why, "although running as root"));
        k.error = -EPROTONOSUPPORT;
        kernel_view_message(&k, &why, &todo);
        assert_non_null(strstr(why, "CONFIG_AUDIT"));
        k = (struct kernel_view) { .state = KERNEL_LOCKED };
        kernel_view_message(&k, &why, &todo);
        assert_non_null(strstr(why, "enabled 2"));
        assert_non_null(strstr(todo, "next boot"));
        k = (struct kernel_view) { .state = KERNEL_ERROR, .error = -ETIMEDOUT };
        kernel_view_message(&k, &why, &todo);
        assert_string_equal(why, strerror(ETIMEDOUT));
        assert_null(todo);
}

/* The one parser of our fragment: live-only comments are ours, other comments nothing, and
 * refused or control lines are kept for --check to report. */
static void test_fragment_parse(void **state _unused_) {
        struct root root = {};
        struct fragment_lines l = {};
        struct rule want = { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/nonexistent-dar/x",
                             .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker };

        assert_int_equal(root_init(&root, NULL), 0);
        assert_int_equal(fragment_parse(&root, "# a comment\n"
                                               "-w /nonexistent-dar/x -p wa -k docker\n"
                                               "#   -w /nonexistent-dar/y -p wa -k docker\n"
                                               "-e 2\n"
                                               "-w relative -p wa\n"
                                               "\n", &l), 0);
        assert_int_equal(l.n, 4);
        assert_int_equal(l.lines[0].line, 2);
        assert_int_equal(l.lines[0].type, LINE_WATCH);
        assert_false(l.lines[0].commented);
        assert_int_equal(l.lines[1].line, 3);
        assert_true(l.lines[1].commented);
        assert_int_equal(l.lines[2].type, LINE_CONTROL);
        assert_string_equal(l.lines[2].text, "-e 2");
        assert_true(l.lines[3].type < 0);
        assert_true(fragment_lines_hold(&l, &want, false));
        want.path = (char *) "/nonexistent-dar/y";
        assert_false(fragment_lines_hold(&l, &want, false));
        assert_true(fragment_lines_hold(&l, &want, true));
        fragment_lines_done(&l);
        root_done(&root);
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
                cmocka_unit_test(test_diff_install),
                cmocka_unit_test(test_diff_remove),
                cmocka_unit_test(test_verdict_not_recursive),
                cmocka_unit_test(test_verdict_root),
                cmocka_unit_test(test_name_tables),
                cmocka_unit_test(test_kernel_messages),
                cmocka_unit_test(test_fragment_parse),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
