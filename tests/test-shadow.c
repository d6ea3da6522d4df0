/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The judge of never rules (shadow.c), on rules decoded the way audit.c and rule.c decode them. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rule.h"
#include "shadow.h"
#include "util.h"

#define _unused_ __attribute__((unused))

/* A rule as a rules file line gives it. */
static struct filter_rule parse(const char *line) {
        struct filter_rule f = {};

        if (rule_parse_filter(line, &f) < 0)
                fail_msg("'%s': not a filter rule", line);
        return f;
}

static enum shadow_scope exit_scope(const char *line, const char *path, bool recursive) {
        struct filter_rule f = parse(line);
        enum shadow_scope s = shadow_exit_scope(&f, path, recursive);

        filter_rule_done(&f);
        return s;
}

static enum shadow_scope task_scope(const char *line) {
        struct filter_rule f = parse(line);
        enum shadow_scope s = shadow_task_scope(&f);

        filter_rule_done(&f);
        return s;
}

static void test_parse(void _unused_ **state) {
        struct filter_rule f = parse("-A never,exit -F arch=b64 -S openat,chmod -F path=/etc/docker -F auid!=4294967295 -k k1");
        _cleanup_free_ char *text = NULL;

        assert_int_equal(f.list, FILTER_LIST_EXIT);
        assert_int_equal(f.action, FILTER_NEVER);
        assert_true(f.prepend);
        assert_false(f.all_syscalls);
        assert_int_equal(strv_length(f.syscalls), 2);
        assert_string_equal(f.syscalls[1], "chmod");
        assert_int_equal(f.n_fields, 3);
        assert_string_equal(filter_rule_field(&f, "auid")->value, "4294967295");
        assert_int_equal(filter_rule_field(&f, "auid")->op, FILTER_OP_NE);
        assert_string_equal(f.keys[0], "k1");
        assert_int_equal(filter_rule_format(&f, &text), 0);
        assert_string_equal(text, "-A never,exit -F arch=b64 -S openat,chmod -F path=/etc/docker -F auid!=4294967295 -k k1");
        filter_rule_done(&f);

        f = parse("-a task,never");
        assert_int_equal(f.list, FILTER_LIST_TASK);
        assert_false(f.prepend);
        assert_int_equal(f.n_fields, 0);
        filter_rule_done(&f);

        f = parse("-a always,exit -S all -F uid>=1000 -F key=x");
        assert_int_equal(f.action, FILTER_ALWAYS);
        assert_true(f.all_syscalls);
        assert_int_equal(filter_rule_field(&f, "uid")->op, FILTER_OP_GE);
        assert_string_equal(f.keys[0], "x");
        filter_rule_done(&f);

        assert_int_equal(rule_parse_filter("-w /etc/docker -p wa", &f), -EINVAL);
        assert_int_equal(rule_parse_filter("-e 1", &f), -EINVAL);
}

static void test_task(void _unused_ **state) {
        assert_int_equal(task_scope("-a never,task"), SHADOW_ALL);
        assert_int_equal(task_scope("-a never,task -F uid=1000"), SHADOW_SOME);
        assert_int_equal(task_scope("-a never,task -F exe=/usr/bin/dockerd"), SHADOW_SOME);
        assert_int_equal(task_scope("-a always,task"), SHADOW_NONE);
        assert_int_equal(task_scope("-a never,exit -S all"), SHADOW_NONE);
}

static void test_exit_paths(void _unused_ **state) {
        /* The brief's case: -A never,exit for every syscall on our path. */
        assert_int_equal(exit_scope("-A never,exit -F arch=b64 -S all -F path=/etc/docker", "/etc/docker", true), SHADOW_ALL);
        /* No path field: everything. */
        assert_int_equal(exit_scope("-a never,exit -S all", "/var/lib/docker", true), SHADOW_ALL);
        /* dir= a parent, or the same directory. */
        assert_int_equal(exit_scope("-a never,exit -S all -F dir=/etc", "/etc/docker/daemon.json", false), SHADOW_ALL);
        assert_int_equal(exit_scope("-a never,exit -S all -F dir=/etc/docker", "/etc/docker", true), SHADOW_ALL);
        /* path= a parent is not recursive: nothing. */
        assert_int_equal(exit_scope("-a never,exit -S all -F path=/etc", "/etc/docker/daemon.json", false), SHADOW_NONE);
        /* Another path, or a prefix that is no parent. */
        assert_int_equal(exit_scope("-a never,exit -S all -F path=/etc/dockerd", "/etc/docker", true), SHADOW_NONE);
        assert_int_equal(exit_scope("-a never,exit -S all -F dir=/etc/dock", "/etc/docker", true), SHADOW_NONE);
        /* Part of a recursive watch. */
        assert_int_equal(exit_scope("-a never,exit -S all -F dir=/var/lib/docker/overlay2", "/var/lib/docker", true), SHADOW_SOME);
        assert_int_equal(exit_scope("-a never,exit -S all -F dir=/var/lib/docker/overlay2", "/var/lib/docker", false), SHADOW_NONE);
}

static void test_exit_narrowing(void _unused_ **state) {
        /* Task filters: some tasks. */
        assert_int_equal(exit_scope("-a never,exit -S all -F path=/etc/docker -F auid=4294967295", "/etc/docker", false), SHADOW_SOME);
        assert_int_equal(exit_scope("-a never,exit -S all -F exe=/usr/bin/containerd", "/run/containerd", true), SHADOW_SOME);
        /* Syscalls a watch needs, or not. */
        assert_int_equal(exit_scope("-a never,exit -F arch=b64 -S openat -F path=/etc/docker", "/etc/docker", false), SHADOW_SOME);
        assert_int_equal(exit_scope("-a never,exit -F arch=b64 -S getpid,kill -F path=/etc/docker", "/etc/docker", false), SHADOW_NONE);
        /* 32-bit calls only. */
        assert_int_equal(exit_scope("-a never,exit -F arch=b32 -S all -F path=/etc/docker", "/etc/docker", false), SHADOW_SOME);
        assert_int_equal(exit_scope("-a never,exit -F arch=x86_64 -S all -F path=/etc/docker", "/etc/docker", false), SHADOW_ALL);
        /* Object fields. */
        assert_int_equal(exit_scope("-a never,exit -S all -F path=/etc/docker -F success=0", "/etc/docker", false), SHADOW_SOME);
        /* Not never, not exit. */
        assert_int_equal(exit_scope("-a always,exit -S all -F path=/etc/docker", "/etc/docker", false), SHADOW_NONE);
        assert_int_equal(exit_scope("-a never,task", "/etc/docker", false), SHADOW_NONE);
}

static void test_judge_order(void _unused_ **state) {
        struct filter_rule r[4] = {
                parse("-a never,task -F uid=4242"),
                parse("-A never,exit -S all -F path=/etc/docker"),
                parse("-a never,exit -S all -F dir=/etc"),
                parse("-a always,exit -S all"),
        };
        const struct shadow_target t[] = {
                { .path = "/etc/docker", .recursive = true, .pos = 5 },
                { .path = "/usr/bin/dockerd", .pos = 5 },
                { .path = "/etc/default/docker", .pos = 5 },
        };
        _cleanup_free_ struct shadow *s = NULL;
        size_t n = 0;

        r[0].pos = 1;
        r[1].pos = 0;
        r[2].pos = 9;   /* after ours */
        r[3].pos = 2;
        assert_int_equal(shadow_judge(r, 4, t, 3, &s, &n), 3);
        assert_int_equal(n, 3);
        assert_ptr_equal(s[0].rule, &r[0]);
        assert_int_equal(s[0].kind, SHADOW_TASK);
        assert_int_equal(s[0].scope, SHADOW_SOME);
        assert_int_equal(s[0].n_targets, 3);
        assert_ptr_equal(s[1].rule, &r[1]);
        assert_int_equal(s[1].kind, SHADOW_EXIT_BEFORE);
        assert_int_equal(s[1].scope, SHADOW_ALL);
        assert_int_equal(s[1].n_targets, 1);
        assert_string_equal(s[1].first_path, "/etc/docker");
        assert_ptr_equal(s[2].rule, &r[2]);
        assert_int_equal(s[2].kind, SHADOW_EXIT_AFTER);
        assert_int_equal(s[2].n_targets, 2);
        assert_string_equal(s[2].first_path, "/etc/docker");
        free(s);
        s = NULL;

        /* The same rule placed before ours. */
        r[2].pos = 3;
        assert_int_equal(shadow_judge(r, 4, t, 3, &s, &n), 3);
        assert_int_equal(s[2].kind, SHADOW_EXIT_BEFORE);
        assert_int_equal(s[2].scope, SHADOW_ALL);
        assert_true(strstr(shadow_effect(&s[2]), "before our watch") != NULL);
        for (size_t i = 0; i < 4; i++)
                filter_rule_done(&r[i]);
}

static void test_judge_none(void _unused_ **state) {
        struct filter_rule r = parse("-a never,exit -S all -F path=/srv/other");
        const struct shadow_target t = { .path = "/etc/docker", .pos = 5 };
        _cleanup_free_ struct shadow *s = NULL;
        size_t n = 1;

        assert_int_equal(shadow_judge(&r, 1, &t, 1, &s, &n), 0);
        assert_int_equal(n, 0);
        filter_rule_done(&r);
}

static void test_syscalls(void _unused_ **state) {
        assert_true(shadow_syscall_relevant("openat"));
        assert_true(shadow_syscall_relevant("fchmodat"));
        assert_true(shadow_syscall_relevant("renameat2"));
        assert_true(shadow_syscall_relevant("execve"));
        assert_false(shadow_syscall_relevant("getpid"));
        assert_false(shadow_syscall_relevant("stat"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_task),
                cmocka_unit_test(test_exit_paths),
                cmocka_unit_test(test_exit_narrowing),
                cmocka_unit_test(test_judge_order),
                cmocka_unit_test(test_judge_none),
                cmocka_unit_test(test_syscalls),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
