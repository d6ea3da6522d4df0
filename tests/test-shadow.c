/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The judge of never rules (shadow.c), on rules decoded the way audit.c and rule.c decode them. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rule.h"
#include "rulesdir.h"
#include "shadow.h"
#include "testlib.h"
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
        /* CIS v1.7's exclusions give no -S: auditctl adds every system call. */
        assert_int_equal(exit_scope("-a exit,never -F dir=/var/lib/docker/volumes", "/var/lib/docker", true), SHADOW_SOME);
        assert_int_equal(exit_scope("-a never,exit -F path=/etc/docker/daemon.json", "/etc/docker/daemon.json", false),
                         SHADOW_ALL);
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
        struct shadow *s = NULL;
        size_t n = 0;

        r[0].pos = 1;
        r[1].pos = 0;
        r[2].pos = 9;   /* after ours */
        r[3].pos = 2;
        assert_int_equal(shadow_judge(r, 4, t, 3, &s, &n), 4);
        assert_int_equal(n, 4);
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
        assert_int_equal(s[2].which[0], 0);
        assert_int_equal(s[2].which[1], 2);
        /* An always rule without a key and without a path field, before ours: it takes every
         * event of every watch. */
        assert_ptr_equal(s[3].rule, &r[3]);
        assert_int_equal(s[3].kind, SHADOW_KEY_BEFORE);
        assert_int_equal(s[3].scope, SHADOW_ALL);
        assert_int_equal(s[3].n_targets, 3);
        assert_int_equal(s[3].classes, SHADOW_CLASS_ALL);
        shadows_free(s, n);
        s = NULL;

        /* The same rule placed before ours. */
        r[2].pos = 3;
        assert_int_equal(shadow_judge(r, 4, t, 3, &s, &n), 4);
        assert_int_equal(s[2].kind, SHADOW_EXIT_BEFORE);
        assert_int_equal(s[2].scope, SHADOW_ALL);
        assert_true(strstr(shadow_effect(&s[2]), "before our watch") != NULL);
        shadows_free(s, n);
        for (size_t i = 0; i < 4; i++)
                filter_rule_done(&r[i]);
}

/* ---- Rules of other keys ---- */

static unsigned take(const char *line, const char *path, bool recursive, const char *perms, bool *ret_may) {
        struct filter_rule f = parse(line);
        unsigned p = 0, c;

        for (const char *x = perms; *x; x++)
                p |= *x == 'r' ? SHADOW_CLASS_READ : *x == 'w' ? SHADOW_CLASS_WRITE : *x == 'x' ? SHADOW_CLASS_EXEC
                                                                                     : SHADOW_CLASS_ATTR;
        *ret_may = false;
        c = shadow_take_classes(&f, path, recursive, p, ret_may);
        filter_rule_done(&f);
        return c;
}

#define W SHADOW_CLASS_WRITE
#define A SHADOW_CLASS_ATTR

/* Watches, as the kernel holds `-w DIR -p wa` (dir=) and `-w FILE -p wa` (path=): Neo23x0's
 * rules, a directory above ours, the path itself, its parent without recursion. */
static void test_take_watches(void _unused_ **state) {
        bool may;

        /* -w /usr/lib/systemd -p wa -k systemd: every write and attribute change of the unit below. */
        assert_int_equal(take("-a always,exit -F dir=/usr/lib/systemd -F perm=wa -k systemd",
                              "/usr/lib/systemd/system/docker.service", false, "rwxa", &may), W | A);
        assert_false(may);
        /* -w /etc/systemd/ -p wa -k systemd over our recursive drop-in directory. */
        assert_int_equal(take("-a always,exit -F dir=/etc/systemd -F perm=wa -k systemd",
                              "/etc/systemd/system/docker.service.d", true, "rwxa", &may), W | A);
        assert_false(may);
        /* -w /usr/sbin -p wa -k binaries: runc below it. */
        assert_int_equal(take("-a always,exit -F dir=/usr/sbin -F perm=wa -k binaries", "/usr/sbin/runc", false,
                              "rwxa", &may), W | A);
        /* Only the classes both record: ours -p r, theirs -p wa. */
        assert_int_equal(take("-a always,exit -F dir=/usr/sbin -F perm=wa -k binaries", "/usr/sbin/runc", false,
                              "r", &may), 0);
        /* The very path. */
        assert_int_equal(take("-a always,exit -F path=/usr/sbin/runc -F perm=x -k exec", "/usr/sbin/runc", false,
                              "rwxa", &may), SHADOW_CLASS_EXEC);
        assert_false(may);
        /* path= the parent, not recursive: only the entry's creation, rename or removal (writes). */
        assert_int_equal(take("-a always,exit -F path=/usr/sbin -F perm=wa -k binaries", "/usr/sbin/runc", false,
                              "rwxa", &may), W);
        assert_true(may);
        /* Below our recursive watch: part of it. */
        assert_int_equal(take("-a always,exit -F dir=/etc/docker/certs.d -F perm=wa -k tls", "/etc/docker", true,
                              "wa", &may), W | A);
        assert_true(may);
        assert_int_equal(take("-a always,exit -F dir=/etc/docker/certs.d -F perm=wa -k tls", "/etc/docker", false,
                              "wa", &may), 0);
        /* Elsewhere, or a name that only starts the same. */
        assert_int_equal(take("-a always,exit -F dir=/etc/dock -F perm=wa -k x", "/etc/docker", true, "wa", &may), 0);
        assert_int_equal(take("-a always,exit -F dir=/srv -F perm=wa -k x", "/etc/docker", true, "wa", &may), 0);
        /* A filter on the program: may. */
        assert_int_equal(take("-a always,exit -F dir=/var/lib -F perm=wa -F exe!=/usr/sbin/dockerd -k x",
                              "/var/lib/docker", true, "wa", &may), W | A);
        assert_true(may);
        /* Never rules are the other judge's; other lists take nothing. */
        assert_int_equal(take("-a never,exit -F dir=/usr/sbin", "/usr/sbin/runc", false, "wa", &may), 0);
        assert_int_equal(take("-a always,filesystem -F fstype=tmpfs", "/usr/sbin/runc", false, "wa", &may), 0);
}

/* System call rules: the classes of the calls they name, arch, uid and auid conditions. */
static void test_take_syscalls(void _unused_ **state) {
        static const char *stig = "-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 "
                                  "-F auid!=unset -F key=perm_mod";
        bool may;

        /* STIG's perm_mod: the attribute changes of people, on every path. */
        assert_int_equal(take(stig, "/usr/sbin/runc", false, "rwxa", &may), A);
        assert_true(may);
        assert_int_equal(take(stig, "/etc/docker", true, "wa", &may), A);
        /* Ours record no attribute change: nothing to take. */
        assert_int_equal(take(stig, "/usr/sbin/runc", false, "rw", &may), 0);
        /* Its 32-bit twin: only 32-bit programs, not Docker's daemons nor the tools on their files. */
        assert_int_equal(take("-a always,exit -F arch=b32 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset "
                              "-F key=perm_mod", "/usr/sbin/runc", false, "rwxa", &may), 0);
        /* The native arch named as such narrows nothing. */
        assert_int_equal(take("-a always,exit -F arch=x86_64 -S all -F path=/usr/sbin/runc -k x", "/usr/sbin/runc",
                              false, "wa", &may), W | A);
        assert_false(may);
        /* chown, xattr and utime are attribute changes; open is read or write; execve execute. */
        assert_int_equal(take("-a always,exit -F arch=b64 -S fchownat,setxattr,utimensat -k own", "/etc/docker", true,
                              "rwxa", &may), A);
        assert_int_equal(take("-a always,exit -F arch=b64 -S open,openat -F exit=-EACCES -k access", "/etc/docker",
                              true, "rwxa", &may), SHADOW_CLASS_READ | W);
        assert_true(may);
        assert_int_equal(take("-a always,exit -F arch=b64 -S execve -k exec", "/usr/bin/dockerd", false, "rwxa", &may),
                          SHADOW_CLASS_EXEC);
        assert_int_equal(take("-a always,exit -F arch=b64 -S unlink,unlinkat,rename,renameat -F auid>=1000 -k delete",
                              "/etc/docker/daemon.json", false, "wa", &may), W);
        /* perm= narrows a syscall rule too. */
        assert_int_equal(take("-a always,exit -S all -F perm=a -k attrs", "/etc/docker", true, "rwxa", &may), A);
        assert_false(may);
        /* Calls no watch records: nothing. */
        assert_int_equal(take("-a always,exit -F arch=b64 -S kill,ptrace -k x", "/etc/docker", true, "rwxa", &may), 0);
        /* A uid condition: may. */
        assert_int_equal(take("-a always,exit -S all -F uid=0 -k root", "/etc/docker", true, "wa", &may), W | A);
        assert_true(may);
        /* No system call given: auditctl adds them all. */
        assert_int_equal(take("-a always,exit -F dir=/etc -F perm=w -k etc", "/etc/docker", true, "wa", &may), W);
        assert_false(may);
}

static void test_syscall_classes(void _unused_ **state) {
        char buf[5];

        assert_int_equal(shadow_syscall_classes("fchmodat"), A);
        assert_int_equal(shadow_syscall_classes("lchown32"), A);
        assert_int_equal(shadow_syscall_classes("removexattr"), A);
        assert_int_equal(shadow_syscall_classes("utimes"), A);
        assert_int_equal(shadow_syscall_classes("openat2"), SHADOW_CLASS_READ | W);
        assert_int_equal(shadow_syscall_classes("renameat2"), W);
        assert_int_equal(shadow_syscall_classes("ftruncate"), W);
        assert_int_equal(shadow_syscall_classes("readlinkat"), SHADOW_CLASS_READ);
        assert_int_equal(shadow_syscall_classes("execveat"), SHADOW_CLASS_EXEC);
        assert_int_equal(shadow_syscall_classes("getpid"), 0);
        assert_int_equal(shadow_syscall_classes("stat"), 0);
        assert_string_equal(shadow_classes_to_string(W | A, buf), "wa");
        assert_string_equal(shadow_classes_to_string(SHADOW_CLASS_ALL, buf), "rwxa");
        assert_string_equal(shadow_classes_to_string(0, buf), "-");
}

/* Before ours and after ours, in the kernel's order; the targets each touches. */
static void test_judge_takers(void _unused_ **state) {
        struct filter_rule r[3] = {
                parse("-a always,exit -F dir=/usr/lib/systemd -F perm=wa -k systemd"),
                parse("-a always,exit -F dir=/usr/sbin -F perm=wa -k binaries"),
                parse("-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -k perm_mod"),
        };
        const struct shadow_target t[] = {
                { .path = "/usr/lib/systemd/system/docker.service", .pos = 5, .perms = SHADOW_CLASS_ALL },
                { .path = "/usr/sbin/runc", .pos = 6, .perms = SHADOW_CLASS_ALL },
                { .path = "/etc/docker", .recursive = true, .pos = 7, .perms = W | A },
        };
        struct shadow *s = NULL;
        size_t n = 0;

        r[0].pos = 1;
        r[1].pos = 9;   /* after every one of ours */
        r[2].pos = 6;   /* after the first two, before /etc/docker's */
        assert_int_equal(shadow_judge(r, 3, t, 3, &s, &n), 4);
        assert_int_equal(s[0].kind, SHADOW_KEY_BEFORE);
        assert_int_equal(s[0].scope, SHADOW_ALL);
        assert_int_equal(s[0].classes, W | A);
        assert_int_equal(s[0].n_targets, 1);
        assert_int_equal(s[0].which[0], 0);
        assert_int_equal(s[1].kind, SHADOW_KEY_AFTER);
        assert_ptr_equal(s[1].rule, &r[1]);
        assert_int_equal(s[1].which[0], 1);
        /* The chmod rule: before /etc/docker's watch (pos 7), after runc's and the unit's. */
        assert_ptr_equal(s[2].rule, &r[2]);
        assert_int_equal(s[2].kind, SHADOW_KEY_BEFORE);
        assert_int_equal(s[2].scope, SHADOW_SOME);
        assert_int_equal(s[2].classes, A);
        assert_int_equal(s[2].n_targets, 1);
        assert_int_equal(s[2].which[0], 2);
        assert_ptr_equal(s[3].rule, &r[2]);
        assert_int_equal(s[3].kind, SHADOW_KEY_AFTER);
        assert_int_equal(s[3].n_targets, 2);
        assert_true(strstr(shadow_effect(&s[0]), "under its key") != NULL);
        shadows_free(s, n);

        /* The first taker of one class before ours. */
        {
                bool may = true;
                assert_ptr_equal(shadow_taker_first(r, 3, "/usr/lib/systemd/system/docker.service", false, A, 5, &may), &r[0]);
                assert_false(may);
                assert_null(shadow_taker_first(r, 3, "/usr/lib/systemd/system/docker.service", false, SHADOW_CLASS_READ, 5, NULL));
                assert_null(shadow_taker_first(r, 3, "/usr/sbin/runc", false, W, 6, NULL)); /* binaries is after */
                assert_ptr_equal(shadow_taker_first(r, 3, "/usr/sbin/runc", false, A, 7, &may), &r[2]);
                assert_true(may);
                assert_null(shadow_taker_first(r, 3, "/usr/sbin/runc", false, A, 6, NULL));
        }
        for (size_t i = 0; i < 3; i++)
                filter_rule_done(&r[i]);
}

/* A watch is shown as auditctl -l shows it. */
static void test_format_watch(void _unused_ **state) {
        struct filter_rule f = parse("-a always,exit -S all -F dir=/usr/lib/systemd -F perm=wa -k systemd");
        _cleanup_free_ char *a = NULL, *b = NULL;

        assert_int_equal(filter_rule_format(&f, &a), 0);
        assert_string_equal(a, "-w /usr/lib/systemd -p wa -k systemd");
        /* A file's line keeps the form it was written in, unless it was a -w line. */
        f.file = strdup("/etc/audit/rules.d/10-base.rules");
        assert_int_equal(filter_rule_format(&f, &b), 0);
        assert_string_equal(b, "-a always,exit -S all -F dir=/usr/lib/systemd -F perm=wa -k systemd");
        filter_rule_done(&f);
}

static void test_judge_none(void _unused_ **state) {
        struct filter_rule r = parse("-a never,exit -S all -F path=/srv/other");
        const struct shadow_target t = { .path = "/etc/docker", .pos = 5 };
        struct shadow *s = NULL;
        size_t n = 1;

        assert_int_equal(shadow_judge(&r, 1, &t, 1, &s, &n), 0);
        assert_int_equal(n, 0);
        shadows_free(s, n);
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

/* The rules directory keeps, of the rules of other keys, only those that can take events on
 * our paths, with file, line and where each loads in augenrules' order; -w lines become the
 * rule they load (a directory that exists: dir=). */
static void test_rules_dir_takers(void _unused_ **state) {
        char *keep[] = { (char *) "/usr/lib/systemd/system/docker.service", (char *) "/usr/sbin/runc", NULL };
        struct rules_dir d = {};
        _cleanup_free_ char *dir = NULL, *text = NULL;
        struct tree t;

        tree_new(&t, "test-shadow");
        tree_mkdir(&t, "/usr/lib/systemd/system");
        tree_mkdir(&t, "/usr/sbin");
        tree_mkdir(&t, "/usr/share");
        tree_file(&t, "/rules.d/10-base.rules",
                  "-w /usr/lib/systemd -p wa -k systemd\n"
                  "-w /usr/share -p wa -k unrelated\n"
                  "-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -F key=perm_mod\n"
                  "-a always,exit -F arch=b32 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -F key=perm_mod\n"
                  "-a always,exit -F arch=b64 -S kill -k signals\n"
                  "-w /usr/lib/systemd/system/docker.service -p wa -k docker\n");
        tree_file(&t, "/rules.d/90-late.rules", "-w /usr/sbin -p wa -k binaries\n");
        dir = tree_real(&t, "/rules.d");
        assert_int_equal(rules_dir_read_filtered(&t.root, dir, "/etc/audit/rules.d", "50-docker.rules", keep, "docker",
                                                 &d), 0);
        assert_int_equal(d.n_takers, 3);
        assert_int_equal(filter_rule_format(&d.takers[0], &text), 0);
        assert_string_equal(text, "-w /usr/lib/systemd -p wa -k systemd");
        assert_string_equal(filter_rule_field(&d.takers[0], "dir")->value, "/usr/lib/systemd");
        assert_string_equal(d.takers[0].file, "/etc/audit/rules.d/10-base.rules");
        assert_int_equal(d.takers[0].line, 1);
        assert_int_equal(d.takers[0].pos, RULES_POS_BEFORE);
        assert_string_equal(d.takers[1].keys[0], "perm_mod");
        assert_int_equal(d.takers[1].line, 3);
        assert_string_equal(d.takers[2].file, "/etc/audit/rules.d/90-late.rules");
        assert_int_equal(d.takers[2].pos, RULES_POS_AFTER);
        rules_dir_done(&d);
        tree_free(&t);
}

/* A rules file of 40,000 watches (2.6 MiB) is read whole, line by line, as auditctl reads it:
 * its taker near Docker's paths at the end is found, and no problem is said. */
static void test_rules_dir_big_file(void _unused_ **state) {
        char *keep[] = { (char *) "/usr/sbin/runc", (char *) "/etc/docker", NULL };
        struct rules_dir d = {};
        _cleanup_free_ char *dir = NULL, *real = NULL;
        struct tree t;
        FILE *f;

        tree_new(&t, "test-shadow");
        tree_mkdir(&t, "/usr/sbin");
        tree_mkdir(&t, "/etc/docker");
        tree_mkdir(&t, "/rules.d");
        real = tree_real(&t, "/rules.d/10-many.rules");
        f = fopen(real, "we");
        assert_non_null(f);
        for (unsigned i = 0; i < 40000; i++)
                fprintf(f, "-w /usr/sbin/not-here-a-program-with-a-long-name-%05u -p wa -k many\n", i);
        fprintf(f, "-w /usr/sbin -p wa -k binaries\n");
        /* Below a keep path: a taker; beside one with the same prefix: not. */
        fprintf(f, "-w /etc/docker/daemon.json -p wa -k below\n");
        fprintf(f, "-w /etc/dockerx -p wa -k beside\n");
        fprintf(f, "-w /usr/sbinx -p wa -k beside\n");
        assert_int_equal(fclose(f), 0);
        dir = tree_real(&t, "/rules.d");
        assert_int_equal(rules_dir_read_filtered(&t.root, dir, "/etc/audit/rules.d", "50-docker.rules", keep, "docker",
                                                 &d), 0);
        assert_int_equal(d.problems.n, 0);
        assert_int_equal(d.n_takers, 2);
        assert_int_equal(d.takers[0].line, 40001);
        assert_int_equal(d.takers[1].line, 40002);
        rules_dir_done(&d);
        tree_free(&t);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_rules_dir_big_file),
                cmocka_unit_test(test_task),
                cmocka_unit_test(test_exit_paths),
                cmocka_unit_test(test_exit_narrowing),
                cmocka_unit_test(test_judge_order),
                cmocka_unit_test(test_judge_none),
                cmocka_unit_test(test_syscalls),
                cmocka_unit_test(test_take_watches),
                cmocka_unit_test(test_take_syscalls),
                cmocka_unit_test(test_syscall_classes),
                cmocka_unit_test(test_judge_takers),
                cmocka_unit_test(test_format_watch),
                cmocka_unit_test(test_rules_dir_takers),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
