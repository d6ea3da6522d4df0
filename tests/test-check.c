/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "apply.h"
#include "check.h"
#include "plan.h"
#include "probe.h"
#include "fragment.h"
#include "list.h"
#include "root.h"
#include "rule.h"
#include "testlib.h"
#include "util.h"

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

/* ---- Binary reads "others": a binary's two rules ---- */

#define RUNC "/usr/sbin/runc"
static struct target runc_targets[] = {
        { .comp = COMP_RUNC, .path = (char *) RUNC, .state = PATH_EXISTS },
};
/* -w RUNC -p wxa, and -a always,exit -F path=RUNC -F perm=r -F exe!=RUNC */
static struct rule runc_wxa(void) {
        return (struct rule) { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) RUNC,
                               .perms = PERM_WRITE | PERM_EXEC | PERM_ATTR, .keys = k_docker };
}
static struct rule runc_reads(void) {
        return (struct rule) { .form = FORM_A, .kind = WATCH_FILE, .path = (char *) RUNC, .perms = PERM_READ,
                               .exe = (char *) RUNC, .exe_negated = true, .keys = k_docker };
}
static struct rule runc_cis(char **keys) {
        return (struct rule) { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) RUNC, .perms = PERM_ALL,
                               .keys = keys };
}

static void test_binary_reads_cover(void **state _unused_) {
        struct rule wxa = runc_wxa(), reads = runc_reads(), cis = runc_cis(k_other), k = runc_reads(), parsed = {};

        /* The benchmark's line, whatever its key, covers both. */
        assert_true(kernel_rule_covers(&cis, &wxa));
        assert_true(kernel_rule_covers(&cis, &reads));
        /* Each covers itself, neither the benchmark's line: the binary's reads of itself are
         * missing from the one, everything but reads from the other. */
        assert_true(kernel_rule_covers(&wxa, &wxa));
        assert_true(kernel_rule_covers(&reads, &reads));
        assert_false(kernel_rule_covers(&wxa, &cis));
        assert_false(kernel_rule_covers(&reads, &cis));
        assert_false(kernel_rule_covers(&wxa, &reads));
        assert_false(kernel_rule_covers(&reads, &wxa));
        /* The same filter with more permissions covers the reads, never the executions: exe!=RUNC
         * leaves out every execution of runc (the exe at syscall exit is the new program). */
        k.perms = PERM_ALL;
        assert_true(kernel_rule_covers(&k, &reads));
        assert_false(kernel_rule_covers(&k, &wxa));
        /* Another program left out, or only runc's own reads: not what is wanted. */
        k = runc_reads();
        k.exe = (char *) "/usr/bin/containerd";
        assert_false(kernel_rule_covers(&k, &reads));
        k = runc_reads();
        k.exe_negated = false;
        assert_false(kernel_rule_covers(&k, &reads));
        /* As the fragment writes it. */
        parse_watch("-a always,exit -F path=" RUNC " -F perm=r -F exe!=" RUNC " -k docker", &parsed);
        assert_true(rule_equal(&parsed, &reads));
        assert_true(kernel_rule_covers(&parsed, &reads));
        rule_done(&parsed);
}

static struct plan runc_plan(struct rendered *rules, size_t n_rules, struct kernel_rule *kernel, size_t n_kernel,
                             struct fragment_line *lines, size_t n_lines) {
        struct plan p = { .key = "docker" };

        p.disc.targets = runc_targets;
        p.disc.n_targets = ELEMENTSOF(runc_targets);
        p.rules = (struct ruleset) { .rules = rules, .n_rules = n_rules };
        p.kernel.state = KERNEL_LOADED;
        p.kernel.rules = kernel;
        p.kernel.n_rules = n_kernel;
        p.fragment_path = (char *) "/etc/audit/rules.d/50-docker.rules";
        p.boot.loader = BOOT_AUGENRULES;
        p.boot_reads_fragment = true;
        p.disk.lines = (struct fragment_lines) { .lines = lines, .n = n_lines };
        return p;
}

/* The verdict of a binary with binary reads "others" takes both of its rules: covered when the
 * kernel and the fragment hold both, or the benchmark's line; not when one is missing. With
 * binary reads "all", the two rules do not cover the benchmark's line. */
static void test_binary_reads_verdicts(void **state _unused_) {
        struct rendered split[] = { { .rule = runc_wxa() }, { .rule = runc_reads() } };
        struct rendered cis[] = { { .rule = runc_cis(k_docker) } };
        struct kernel_rule k_split[] = { { .is_watch = true, .pos = 0, .rule = runc_wxa() },
                                         { .is_watch = true, .pos = 1, .rule = runc_reads() } };
        struct kernel_rule k_cis[] = { { .is_watch = true, .rule = runc_cis(k_other) } };
        struct fragment_line f_split[] = { { .line = 1, .type = LINE_WATCH, .rule = runc_wxa() },
                                           { .line = 2, .type = LINE_WATCH, .rule = runc_reads() } };
        struct fragment_line f_cis[] = { { .line = 1, .type = LINE_WATCH, .rule = runc_cis(k_docker) } };
        struct verdicts v = {};
        struct plan p;
        struct diff d = {};

        /* Both rules in the kernel and in the fragment. */
        p = runc_plan(split, 2, k_split, 2, f_split, 2);
        assert_int_equal(verdicts_build(&p, -1, &v), 0);
        assert_int_equal(v.n, 1);
        assert_int_equal(v.v[0].status, STATUS_OK);
        assert_int_equal(v.v[0].sev, SEV_NONE);
        verdicts_done(&v);
        /* A second install changes nothing. */
        assert_int_equal(diff_build(&p, DIFF_INSTALL, &d), 0);
        assert_int_equal(diff_count(&d, ACTION_KEEP), 2);
        assert_int_equal(diff_count(&d, ACTION_ADD) + diff_count(&d, ACTION_DELETE), 0);
        diff_done(&d);

        /* The benchmark's line of another key in the kernel covers both; the file still counts. */
        p = runc_plan(split, 2, k_cis, 1, f_split, 2);
        assert_int_equal(verdicts_build(&p, -1, &v), 0);
        assert_int_equal(v.v[0].status, STATUS_OK);
        assert_string_equal(v.v[0].message, "covered by a rule with key \"other\"");
        verdicts_done(&v);

        /* The read rule missing from the kernel: not loaded, critical (runc is a CIS item). */
        p = runc_plan(split, 2, k_split, 1, f_split, 2);
        assert_int_equal(verdicts_build(&p, -1, &v), 0);
        assert_int_equal(v.v[0].status, STATUS_NOT_LOADED);
        assert_int_equal(v.v[0].sev, SEV_CRITICAL);
        assert_ptr_equal(v.v[0].x, &split[1]);
        verdicts_done(&v);
        /* The read rule missing from the fragment: not in the file. */
        p = runc_plan(split, 2, k_split, 2, f_split, 1);
        assert_int_equal(verdicts_build(&p, -1, &v), 0);
        assert_int_equal(v.v[0].status, STATUS_NOT_IN_FILE);
        assert_ptr_equal(v.v[0].x, &split[1]);
        verdicts_done(&v);

        /* Binary reads "all" wanted, the two rules loaded: the binary's own reads are missing. */
        p = runc_plan(cis, 1, k_split, 2, f_cis, 1);
        assert_int_equal(verdicts_build(&p, -1, &v), 0);
        assert_int_equal(v.v[0].status, STATUS_NOT_LOADED);
        assert_int_equal(v.v[0].sev, SEV_CRITICAL);
        verdicts_done(&v);
        /* An install puts the benchmark's line in first, then deletes the two. */
        assert_int_equal(diff_build(&p, DIFF_INSTALL, &d), 0);
        assert_int_equal(diff_count(&d, ACTION_ADD), 1);
        assert_int_equal(diff_count(&d, ACTION_DELETE), 2);
        assert_int_equal(d.actions[0].kind, ACTION_ADD);
        diff_done(&d);
        /* And the other way round: two added, the benchmark's line of our key deleted. */
        k_cis[0].rule.keys = k_docker;
        p = runc_plan(split, 2, k_cis, 1, f_split, 2);
        assert_int_equal(diff_build(&p, DIFF_INSTALL, &d), 0);
        assert_int_equal(diff_count(&d, ACTION_ADD), 2);
        assert_int_equal(diff_count(&d, ACTION_DELETE), 1);
        diff_done(&d);
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

/* ---- The check's judgements (check_judge()) ---- */

/* The same host, judged: a real root (a temporary tree with the parents of our paths), the
 * fragment on disk as this host needs it, root's and mode 0600, augenrules at boot, audit
 * enabled and auditd running. The kernel is the caller's. */
static struct tree check_tree;

static int check_setup(void **state _unused_) {
        tree_new(&check_tree, "test-check");
        tree_mkdir(&check_tree, "/run");
        tree_mkdir(&check_tree, "/usr/bin");
        return 0;
}

static int check_teardown(void **state _unused_) {
        tree_free(&check_tree);
        return 0;
}

/* Our fragment holds both wanted rules. */
static struct fragment_line fragment_both[] = {
        { .line = 1, .type = LINE_WATCH, .rule = { .form = FORM_W, .kind = WATCH_DIR, .path = (char *) "/run/containerd",
                                                   .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker } },
        { .line = 2, .type = LINE_WATCH, .rule = { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/usr/bin/dockerd",
                                                   .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker } },
};

/* A kernel that has exactly what is wanted. */
static struct kernel_rule kernel_wanted[] = {
        { .is_watch = true, .pos = 0, .rule = { .form = FORM_W, .kind = WATCH_DIR, .path = (char *) "/run/containerd",
                                                .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker } },
        { .is_watch = true, .pos = 1, .rule = { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/usr/bin/dockerd",
                                                .perms = PERM_WRITE | PERM_ATTR, .keys = k_docker } },
};

static struct plan judged_plan(enum kernel_state state, struct kernel_rule *kernel, size_t n_kernel) {
        struct plan p = host_plan(state);

        p.root = check_tree.root;
        p.kernel.rules = kernel;
        p.kernel.n_rules = n_kernel;
        p.kernel.n_total = n_kernel;
        p.kernel.st = (struct audit_state) { .enabled = state == KERNEL_LOCKED ? 2 : 1, .pid = 4242 };
        p.fragment_text = (char *) "the fragment\n";
        p.disk = (struct fragment_disk) { .exists = true, .text = (char *) "the fragment\n",
                                          .st = { .st_mode = S_IFREG | 0600, .st_uid = 0 },
                                          .lines = { .lines = fragment_both, .n = ELEMENTSOF(fragment_both) } };
        return p;
}

static struct check_result judge(const struct plan *p) {
        const struct check_request q = { .cis = -1 };
        struct check_result c = {};

        assert_int_equal(check_judge(p, &q, &c), 0);
        assert_ptr_equal(c.p, p);
        return c;
}

/* The finding whose message holds needle, or NULL. */
static const struct check_finding *finding(const struct check_result *c, const char *needle) {
        for (size_t i = 0; i < c->n_findings; i++)
                if (strstr(c->findings[i].message, needle))
                        return &c->findings[i];
        return NULL;
}

/* The finding whose message holds needle, which must be there with severity sev. */
static const struct check_finding *assert_finding(const struct check_result *c, const char *needle,
                                                  enum severity sev) {
        const struct check_finding *f = finding(c, needle);

        if (!f)
                fail_msg("no finding holds \"%s\"", needle);
        if (f->sev != sev)
                fail_msg("\"%s\": severity %s, want %s", f->message, severity_to_string(f->sev),
                         severity_to_string(sev));
        return f;
}

static size_t findings_above(const struct check_result *c, enum severity sev) {
        size_t n = 0;

        for (size_t i = 0; i < c->n_findings; i++)
                n += c->findings[i].sev > sev;
        return n;
}

/* Everything in the kernel and in the file that boots: OK, and every count says so. */
static void test_check_ok(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
        struct check_result c = judge(&p);

        assert_int_equal(c.verdicts.n, 2);
        for (size_t i = 0; i < c.verdicts.n; i++) {
                assert_int_equal(c.verdicts.v[i].status, STATUS_OK);
                assert_int_equal(c.verdicts.v[i].sev, SEV_NONE);
                assert_true(check_covered(&c, &c.verdicts.v[i]));
        }
        assert_int_equal(c.n_judged, 2);
        assert_int_equal(c.n_covered, 2);
        assert_int_equal(c.n_critical, 0);
        assert_int_equal(c.n_warning, 0);
        assert_int_equal(findings_above(&c, SEV_NONE), 0);
        assert_null(c.stale);
        assert_int_equal(c.n_shadowing, 0);
        assert_int_equal(c.status, CHECK_OK);
        assert_string_equal(check_status_to_string(c.status), "OK");
        check_result_done(&c);
}

/* A plain watch where a recursive one is wanted: the target is not-recursive (critical), the
 * drift names the plain watch and the stale rule, and the check is CRITICAL. */
static void test_check_not_recursive(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, host_kernel, ELEMENTSOF(host_kernel));
        struct check_result c = judge(&p);

        assert_int_equal(c.verdicts.v[0].status, STATUS_NOT_RECURSIVE);
        assert_int_equal(c.verdicts.v[0].sev, SEV_CRITICAL);
        assert_false(check_covered(&c, &c.verdicts.v[0]));
        assert_int_equal(c.verdicts.v[1].status, STATUS_OK);
        assert_int_equal(c.n_judged, 2);
        assert_int_equal(c.n_covered, 1);
        assert_true(strv_contains(c.stale, "-w /run/containerd -p wa -k docker (path=)"));
        assert_int_equal(strv_length(c.stale), 2);
        assert_finding(&c, "/run/containerd is watched as a plain path, wanted recursive", SEV_WARNING);
        assert_finding(&c, "stale rule with key \"docker\" for /old/dockerd", SEV_WARNING);
        /* The rule with another key too is not ours: no finding. */
        assert_null(finding(&c, "/etc/default/docker"));
        assert_int_equal(c.n_critical, 1);
        assert_int_equal(c.n_warning, 2);
        assert_int_equal(c.status, CHECK_CRITICAL);
        check_result_done(&c);
}

/* A locked kernel without one of our rules, which is in the file: pending reboot, a warning
 * (not critical), and a note that the configuration is locked. */
static void test_check_pending_reboot(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOCKED, &kernel_wanted[1], 1);
        struct check_result c = judge(&p);

        assert_int_equal(c.verdicts.v[0].status, STATUS_PENDING_REBOOT);
        assert_string_equal(target_status_to_string(c.verdicts.v[0].status), "pending-reboot");
        assert_int_equal(c.verdicts.v[0].sev, SEV_WARNING);
        assert_int_equal(c.verdicts.v[1].status, STATUS_OK);
        assert_finding(&c, "locked (enabled 2) until reboot", SEV_NONE);
        assert_int_equal(c.n_covered, 1);
        assert_int_equal(c.n_critical, 0);
        assert_int_equal(c.status, CHECK_WARNING);
        check_result_done(&c);
}

/* --root: the kernel is not judged; what is in the file counts, what is not is critical. */
static void test_check_root(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_SKIPPED, NULL, 0);
        struct check_result c;

        p.disk.lines.n = 1;     /* only /run/containerd is in the file */
        c = judge(&p);
        assert_int_equal(c.verdicts.v[0].status, STATUS_AT_BOOT);
        assert_true(check_covered(&c, &c.verdicts.v[0]));
        assert_int_equal(c.verdicts.v[1].status, STATUS_NOT_IN_FILE);
        assert_false(check_covered(&c, &c.verdicts.v[1]));
        assert_int_equal(c.verdicts.v[1].sev, SEV_CRITICAL);
        assert_int_equal(c.n_judged, 2);
        assert_int_equal(c.n_covered, 1);
        assert_null(c.stale);           /* no drift without a kernel */
        assert_null(finding(&c, "auditd"));
        assert_int_equal(c.status, CHECK_CRITICAL);
        check_result_done(&c);
}

/* A kernel that cannot be read: UNKNOWN, whatever the rest says. */
static void test_check_unknown(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_UNAVAILABLE, NULL, 0);
        struct check_result c;

        p.kernel.error = -EPERM;
        c = judge(&p);
        assert_false(check_kernel_read(&p));
        assert_int_equal(c.verdicts.v[0].status, STATUS_UNKNOWN);
        assert_int_equal(c.status, CHECK_UNKNOWN);
        assert_string_equal(check_status_to_string(c.status), "UNKNOWN");
        check_result_done(&c);
}

/* Audit disabled and no auditd: each a warning, and the check says WARNING. */
static void test_check_audit_state(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
        struct check_result c;

        p.kernel.st.enabled = 0;
        p.kernel.st.pid = 0;
        p.kernel.st.lost = 7;
        c = judge(&p);
        assert_finding(&c, "audit is disabled", SEV_WARNING);
        assert_finding(&c, "auditd is not running", SEV_WARNING);
        assert_finding(&c, "lost 7 audit events", SEV_NONE);
        assert_int_equal(c.n_warning, 2);
        assert_int_equal(c.status, CHECK_WARNING);
        check_result_done(&c);
}

/* The fragment's file: another owner, a wide mode and an outdated text are warnings; a control
 * line and a line whose parent is missing stop the boot-time load, critical. */
static void test_check_fragment_file(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
        struct fragment_line lines[] = {
                fragment_both[0], fragment_both[1],
                { .line = 3, .type = LINE_CONTROL, .text = (char *) "-e 2" },
                { .line = 4, .type = LINE_WATCH, .rule = { .form = FORM_W, .kind = WATCH_FILE,
                                                           .path = (char *) "/nonexistent/x", .perms = PERM_WRITE,
                                                           .keys = k_docker } },
        };
        struct check_result c;

        p.disk.st.st_uid = 1000;
        p.disk.st.st_mode = S_IFREG | 0644;
        p.disk.text = (char *) "an older fragment\n";
        p.disk.lines = (struct fragment_lines) { .lines = lines, .n = ELEMENTSOF(lines) };
        c = judge(&p);
        assert_finding(&c, "is owned by uid 1000, not root", SEV_WARNING);
        assert_finding(&c, "has mode 0644", SEV_WARNING);
        assert_finding(&c, "differs from what this host needs now", SEV_WARNING);
        assert_finding(&c, ":3: \"-e 2\" does not belong in a fragment", SEV_CRITICAL);
        assert_finding(&c, ":4: the parent directory of /nonexistent/x does not exist", SEV_CRITICAL);
        assert_int_equal(c.status, CHECK_CRITICAL);
        check_result_done(&c);
}

/* How the host boots: augenrules that does not read our directory, or nothing at all, is
 * critical; audit.rules loaded instead of rules.d is a warning. */
static void test_check_boot(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
        struct check_result c;

        p.boot_reads_fragment = false;
        c = judge(&p);
        assert_finding(&c, "augenrules does not read it at boot", SEV_CRITICAL);
        assert_int_equal(c.status, CHECK_CRITICAL);
        check_result_done(&c);

        p.boot.loader = BOOT_NONE;
        p.boot.evidence = (char *) "no auditd";
        c = judge(&p);
        assert_finding(&c, "no auditd: no rules are loaded at boot", SEV_CRITICAL);
        assert_int_equal(c.status, CHECK_CRITICAL);
        check_result_done(&c);

        p.boot.loader = BOOT_AUDIT_RULES;
        p.boot.evidence = (char *) "auditd.service";
        p.boot_reads_fragment = true;
        c = judge(&p);
        assert_finding(&c, "rules.d is not compiled at boot", SEV_WARNING);
        check_result_done(&c);
}

/* A never rule before our watch, in the kernel or in a rules file that augenrules reads before
 * our fragment, silences it: a finding with the rule's severity, counted as shadowing. */
static void test_check_shadowed(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
        struct filter_rule never = {};
        struct check_result c;

        assert_int_equal(rule_parse_filter("-A never,exit -F arch=b64 -S all -F path=/usr/bin/dockerd", &never), 0);
        never.pos = 0;
        kernel_wanted[1].pos = 5;
        p.kernel.never = &never;
        p.kernel.n_never = 1;
        c = judge(&p);
        assert_int_equal(c.shadows.n, 1);
        assert_true(c.shadows.v[0].in_kernel);
        assert_int_equal(c.n_shadowing, 1);
        assert_true(c.shadows.v[0].sev > SEV_NONE);
        assert_non_null(finding(&c, "/usr/bin/dockerd"));
        assert_true(c.status == CHECK_WARNING || c.status == CHECK_CRITICAL);
        assert_int_equal(c.status, c.shadows.v[0].sev == SEV_CRITICAL ? CHECK_CRITICAL : CHECK_WARNING);
        check_result_done(&c);

        /* After our watch in the kernel's order it silences nothing. */
        never.pos = 9;
        c = judge(&p);
        assert_int_equal(c.n_shadowing, 0);
        assert_int_equal(c.status, CHECK_OK);
        check_result_done(&c);
        kernel_wanted[1].pos = 1;
        filter_rule_done(&never);
}

/* Rules of other keys that take the events of ours: broad watches (Neo23x0's `-w /usr/sbin -p wa
 * -k binaries` shape) and STIG's chmod rule, before and after ours, in the kernel and in the
 * rules files. Before ours: a WARNING naming the rule, its key, where it stands, the classes it
 * takes and our paths with their CIS items. After ours: nothing, unless ours are to be first. */
static struct filter_rule kernel_takers[2], file_takers[2];

static void takers_setup(void) {
        assert_int_equal(rule_parse_filter("-a always,exit -S all -F dir=/usr/bin -F perm=wa -k binaries",
                                           &kernel_takers[0]), 0);
        assert_int_equal(rule_parse_filter("-a always,exit -S all -F dir=/run -F perm=wa -k runtime",
                                           &kernel_takers[1]), 0);
        kernel_takers[0].pos = 2;   /* before ours (5 and 6) */
        kernel_takers[1].pos = 9;   /* after */
        assert_int_equal(rule_parse_filter("-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 "
                                           "-F auid!=unset -F key=perm_mod", &file_takers[0]), 0);
        file_takers[0].file = strdup("/etc/audit/rules.d/30-stig.rules");
        file_takers[0].line = 7;
        file_takers[0].pos = RULES_POS_BEFORE;
        assert_int_equal(rule_parse_filter("-a always,exit -F dir=/usr/bin -F perm=x -k exec", &file_takers[1]), 0);
        file_takers[1].file = strdup("/etc/audit/rules.d/90-late.rules");
        file_takers[1].line = 1;
        file_takers[1].pos = RULES_POS_AFTER;
        kernel_wanted[0].pos = 5;
        kernel_wanted[1].pos = 6;
}

static void takers_teardown(void) {
        for (size_t i = 0; i < 2; i++) {
                filter_rule_done(&kernel_takers[i]);
                filter_rule_done(&file_takers[i]);
        }
        kernel_wanted[0].pos = 0;
        kernel_wanted[1].pos = 1;
}

/* The lookup the probe uses: which rule takes events of a class on a path, before ours. */
static void test_taker_for(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
        bool may = true;

        takers_setup();
        p.kernel.takers = kernel_takers;
        p.kernel.n_takers = 2;
        assert_ptr_equal(verdict_taker_for(&p, "/usr/bin/dockerd", 'w', &may), &kernel_takers[0]);
        assert_false(may);
        assert_ptr_equal(verdict_taker_for(&p, "/usr/bin/dockerd", 'a', NULL), &kernel_takers[0]);
        /* A class it does not take, a rule after ours, a path not ours, a class that is none. */
        assert_null(verdict_taker_for(&p, "/usr/bin/dockerd", 'r', NULL));
        assert_null(verdict_taker_for(&p, "/run/containerd", 'w', NULL));
        assert_null(verdict_taker_for(&p, "/usr/bin/containerd", 'w', NULL));
        assert_null(verdict_taker_for(&p, "/usr/bin/dockerd", 'q', NULL));
        /* Our rule not loaded: install appends it after every rule, so the later one takes too. */
        p.kernel.n_rules = 0;
        assert_ptr_equal(verdict_taker_for(&p, "/run/containerd", 'w', NULL), &kernel_takers[1]);
        /* The kernel not read: nothing is said of it. */
        p.kernel.state = KERNEL_UNAVAILABLE;
        assert_null(verdict_taker_for(&p, "/usr/bin/dockerd", 'w', NULL));
        takers_teardown();
}

/* The text of a printer, for a look at what a user reads. */
static char *printed(const struct check_result *c, void (*print)(FILE *, const struct check_result *)) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert_non_null(f);
        print(f, c);
        assert_int_equal(fclose(f), 0);
        return buf;
}

/* What print makes of c, which must hold every one of needles (NULL-terminated): the caller
 * frees it. */
static char *printed_with(const struct check_result *c, void (*print)(FILE *, const struct check_result *),
                          const char *const *needles) {
        char *text = printed(c, print);

        for (; *needles; needles++)
                if (!strstr(text, *needles))
                        fail_msg("no \"%s\" in:\n%s", *needles, text);
        return text;
}
#define PRINTED_WITH(c, print, ...) printed_with(c, print, (const char *const[]) { __VA_ARGS__, NULL })

static void test_check_key_shadowed(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
        _cleanup_free_ char *json = NULL, *prom = NULL;
        const struct check_finding *f;
        struct check_result c;

        takers_setup();
        p.kernel.takers = kernel_takers;
        p.kernel.n_takers = 2;
        c = judge(&p);
        /* Only the rule before ours: the one after takes nothing of ours. */
        assert_int_equal(c.shadows.n, 1);
        assert_int_equal(c.shadows.v[0].s.kind, SHADOW_KEY_BEFORE);
        assert_int_equal(c.shadows.v[0].sev, SEV_WARNING);
        assert_int_equal(c.n_key_shadowing, 1);
        assert_int_equal(c.n_shadowing, 0);
        f = assert_finding(&c, "-w /usr/bin -p wa -k binaries", SEV_WARNING);
        assert_string_equal(f->message, "rule \"-w /usr/bin -p wa -k binaries\" in the kernel (auditctl -l rule 3, "
                                        "before ours at rule 7) takes the wa events of 1 of our watches: they are "
                                        "recorded under key \"binaries\", not \"docker\": /usr/bin/dockerd (CIS "
                                        "1.1.3/1.2.3)");
        assert_null(finding(&c, "runtime"));
        /* Recorded, under another key: a warning, whatever else is fine. */
        assert_int_equal(c.status, CHECK_WARNING);
        json = PRINTED_WITH(&c, check_print_json,
                "\"kind\":\"key-before\"",
                "\"taken_by\"",
                "\"key\":\"binaries\"",
                "\"classes\":\"wa\"",
                "\"position\":3",
                "\"our_position\":7");
        prom = PRINTED_WITH(&c, check_print_prometheus,
                "\ndocker_audit_rules_key_shadowing_rules 1\n",
                "\ndocker_audit_rules_shadowing_rules 0\n");
        check_result_done(&c);

        /* Ours to be first (Order=first): the rule before ours is not as asked, and the one after
         * ours is named for what its rule set loses. */
        p.order = ORDER_FIRST;
        c = judge(&p);
        assert_int_equal(c.shadows.n, 2);
        f = assert_finding(&c, "-k binaries", SEV_WARNING);
        assert_non_null(strstr(f->message, "ours are not first as asked (Order=first)"));
        f = assert_finding(&c, "-k runtime", SEV_NONE);
        assert_non_null(strstr(f->message, "(auditctl -l rule 10, after ours at rule 6) loses Docker's paths: the wa "
                                           "events of 1 of our watches that it matches carry key \"docker\", not "
                                           "\"runtime\": /run/containerd (CIS 1.1.4)"));
        assert_int_equal(c.n_key_shadowing, 1);
        assert_int_equal(c.status, CHECK_WARNING);
        check_result_done(&c);
        /* Ours not loaded yet: install puts them first, so every rule of another key is after. */
        p.kernel.n_rules = 0;
        c = judge(&p);
        assert_int_equal(c.n_key_shadowing, 0);
        f = assert_finding(&c, "-k binaries", SEV_NONE);
        assert_non_null(strstr(f->message, "in the kernel (auditctl -l rule 3; ours not loaded, install puts them "
                                           "first) loses Docker's paths"));
        check_result_done(&c);
        p.kernel.n_rules = ELEMENTSOF(kernel_wanted);
        p.order = ORDER_LAST;

        /* At boot: STIG's chmod rule in a file before our fragment, named by file and line; a
         * rule in a file after ours is no finding. */
        p.kernel.n_takers = 0;
        p.others.takers = file_takers;
        p.others.n_takers = 2;
        c = judge(&p);
        assert_int_equal(c.shadows.n, 1);
        f = assert_finding(&c, "perm_mod", SEV_WARNING);
        assert_string_equal(f->message, "rule \"-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 "
                                        "-F auid!=unset -k perm_mod\" /etc/audit/rules.d/30-stig.rules:7 (loads at "
                                        "boot before our fragment) may take the a events of 2 of our watches (its "
                                        "system calls only, when auid>=1000 and auid!=unset): they are recorded under "
                                        "key \"perm_mod\", not "
                                        "\"docker\": /run/containerd (CIS 1.1.4), /usr/bin/dockerd (CIS 1.1.3/1.2.3)");
        assert_null(finding(&c, "90-late.rules"));
        check_result_done(&c);
        /* Install says each rule once, not once per path. */
        assert_int_equal(verdict_print_shadows(NULL, &p), 1);
        takers_teardown();
}

/* The probe is not run when the kernel's rules could not be read, and says so as a note. */
static void test_check_probe_needs_kernel(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_SKIPPED, NULL, 0);
        const struct check_request q = { .cis = -1, .probe = true, .probe_timeout_ms = 10 };
        struct check_result c = {};

        assert_int_equal(check_judge(&p, &q, &c), 0);
        assert_false(c.probed);
        assert_finding(&c, "probe: not run", SEV_NONE);
        check_result_done(&c);
}

/* ---- The probe's results, judged (a probe that acts is in tests/test-probe.sh) ---- */

static const struct probe_result *fake_results;
static size_t fake_n;
static enum probe_status fake_status;

/* Fills the probe as probe_run() would, from the scenario above. */
static int fake_probe(const struct plan *p _unused_, char *const *paths _unused_, int timeout_ms _unused_,
                      struct probe *ret) {
        struct probe pr = { .status = fake_status, .n_results = fake_n };

        pr.results = calloc(fake_n + 1, sizeof(*pr.results));
        assert_non_null(pr.results);
        for (size_t i = 0; i < fake_n; i++) {
                pr.results[i] = fake_results[i];
                pr.results[i].path = fake_results[i].path ? strdup(fake_results[i].path) : NULL;
                pr.results[i].key = fake_results[i].key ? strdup(fake_results[i].key) : NULL;
        }
        *ret = pr;
        return 0;
}

static struct check_result judge_probed(const struct plan *p, const struct probe_result *r, size_t n,
                                        enum probe_status overall) {
        const struct check_request q = { .cis = -1, .probe = true, .probe_timeout_ms = 2000, .run_probe = fake_probe };
        struct check_result c = {};

        fake_results = r;
        fake_n = n;
        fake_status = overall;
        assert_int_equal(check_judge(p, &q, &c), 0);
        assert_true(c.probed);
        return c;
}

/* Every class seen with our key on a binary: one note per class, OK; JSON keeps the first
 * result's fields and lists every (class, path); Prometheus says each. */
static void test_check_probe_seen(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
        const struct probe_result r[] = {
                { .status = PROBE_SEEN, .action = PROBE_READ, .kind = PROBE_KIND_BINARY, .path = (char *) "/usr/bin/dockerd", .serial = 10 },
                { .status = PROBE_SEEN, .action = PROBE_WRITE, .kind = PROBE_KIND_BINARY, .path = (char *) "/usr/bin/dockerd", .serial = 11 },
                { .status = PROBE_SEEN, .action = PROBE_EXEC, .kind = PROBE_KIND_BINARY, .path = (char *) "/usr/bin/dockerd", .serial = 12 },
                { .status = PROBE_SEEN, .action = PROBE_ATTR, .kind = PROBE_KIND_BINARY, .path = (char *) "/usr/bin/dockerd", .serial = 13 },
                { .status = PROBE_NOT_PROBED, .action = PROBE_WRITE, .kind = PROBE_KIND_CONFIG, .path = (char *) "/run/containerd",
                  .skip = PROBE_SKIP_NOT_ROOTS },
        };
        struct check_result c = judge_probed(&p, r, ELEMENTSOF(r), PROBE_SEEN);
        _cleanup_free_ char *json = NULL, *prom = NULL;

        assert_int_equal(c.status, CHECK_OK);
        assert_finding(&c, "probe: r on /usr/bin/dockerd (binary): open for reading, recorded with key \"docker\"",
                       SEV_NONE);
        assert_finding(&c, "probe: x on /usr/bin/dockerd (binary): execute with a bad argument vector, refused, "
                           "recorded with key \"docker\"", SEV_NONE);
        assert_finding(&c, "probe: w on /run/containerd (configuration): not probed: its watched paths are not root's "
                           "alone", SEV_NONE);
        json = PRINTED_WITH(&c, check_print_json,
                "\"path\":\"/usr/bin/dockerd\",\n    \"action\":\"open for reading\"",
                "\"probes\":[",
                "\"class\":\"a\"",
                "\"not_probed_because\":\"not-roots\"");
        prom = PRINTED_WITH(&c, check_print_prometheus,
                "docker_audit_rules_probe_success 1\n",
                "docker_audit_rules_probe{class=\"x\",kind=\"binary\",status=\"seen\"} 1\n");
        assert_null(strstr(prom, "kind=\"configuration\""));
        check_result_done(&c);
}

/* The write on a unit file taken by a broad rule of another key on the directory above, loaded
 * first: a warning naming the key and the rule; a missed event is critical. */
static void test_check_probe_other_key(void **state _unused_) {
        struct kernel_rule kernel[] = {
                { .is_watch = true, .pos = 0, .rule = { .form = FORM_W, .kind = WATCH_DIR, .path = (char *) "/usr/lib/systemd",
                                                        .perms = PERM_WRITE | PERM_ATTR, .keys = k_other } },
                kernel_wanted[0], kernel_wanted[1],
        };
        struct plan p = judged_plan(KERNEL_LOADED, kernel, ELEMENTSOF(kernel));
        const struct probe_result r[] = {
                { .status = PROBE_SEEN, .action = PROBE_READ, .kind = PROBE_KIND_UNIT,
                  .path = (char *) "/usr/lib/systemd/system/docker.service", .serial = 20 },
                { .status = PROBE_OTHER_KEY, .action = PROBE_WRITE, .kind = PROBE_KIND_UNIT,
                  .path = (char *) "/usr/lib/systemd/system/docker.service", .key = (char *) "other", .serial = 21 },
        };
        const struct probe_result missed[] = {
                { .status = PROBE_MISSED, .action = PROBE_EXEC, .kind = PROBE_KIND_BINARY, .path = (char *) "/usr/bin/dockerd" },
        };
        struct check_result c;
        _cleanup_free_ char *json = NULL, *prom = NULL;

        kernel[1].pos = 1;
        kernel[2].pos = 2;
        c = judge_probed(&p, r, ELEMENTSOF(r), PROBE_OTHER_KEY);
        assert_int_equal(c.status, CHECK_WARNING);
        assert_finding(&c, "probe: w on /usr/lib/systemd/system/docker.service (unit file): open for writing as a "
                           "directory, refused, recorded with key \"other\", not \"docker\": taken by \"-w "
                           "/usr/lib/systemd -p wa -k other\" (kernel position 1)", SEV_WARNING);
        assert_finding(&c, "probe: r on /usr/lib/systemd/system/docker.service", SEV_NONE);
        json = PRINTED_WITH(&c, check_print_json,
                "\"status\":\"other-key\"",
                "\"key\":\"other\"",
                "\"taken_by\":\"\\\"-w /usr/lib/systemd -p wa -k other\\\" (kernel position 1)\"");
        prom = PRINTED_WITH(&c, check_print_prometheus,
                "docker_audit_rules_probe_success 0\n",
                "docker_audit_rules_probe{class=\"w\",kind=\"unit file\",status=\"other-key\"} 0\n");
        check_result_done(&c);

        /* The kernel's rule that takes it, found by the shadow judge (verdict_taker_for()): a
         * broad rule on the directory above, named with its place. */
        {
                struct plan q = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
                const struct probe_result taken[] = {
                        { .status = PROBE_OTHER_KEY, .action = PROBE_ATTR, .kind = PROBE_KIND_BINARY,
                          .path = (char *) "/usr/bin/dockerd", .key = (char *) "binaries", .serial = 30 },
                };

                takers_setup();
                q.kernel.takers = kernel_takers;
                q.kernel.n_takers = 2;
                c = judge_probed(&q, taken, ELEMENTSOF(taken), PROBE_OTHER_KEY);
                assert_finding(&c, "probe: a on /usr/bin/dockerd (binary): change no attribute (removexattr), "
                                   "refused, recorded with key \"binaries\", not \"docker\": taken by "
                                   "\"-w /usr/bin -p wa -k binaries\" (kernel position 3)", SEV_WARNING);
                check_result_done(&c);
                takers_teardown();
        }

        c = judge_probed(&p, missed, ELEMENTSOF(missed), PROBE_MISSED);
        assert_int_equal(c.status, CHECK_CRITICAL);
        assert_finding(&c, "probe: x on /usr/bin/dockerd (binary): no event with key \"docker\" within 2 s",
                       SEV_CRITICAL);
        check_result_done(&c);
}

/* Nothing exercised: a warning saying so, beside the classes not probed and why. */
static void test_check_probe_no_target(void **state _unused_) {
        struct plan p = judged_plan(KERNEL_LOADED, kernel_wanted, ELEMENTSOF(kernel_wanted));
        const struct probe_result r[] = {
                { .status = PROBE_NOT_PROBED, .action = PROBE_READ, .kind = PROBE_KIND_BINARY, .path = (char *) "/usr/bin/dockerd",
                  .skip = PROBE_SKIP_EXE },
        };
        struct check_result c = judge_probed(&p, r, ELEMENTSOF(r), PROBE_NO_TARGET);

        assert_int_equal(c.status, CHECK_WARNING);
        assert_finding(&c, "nothing to probe", SEV_WARNING);
        assert_finding(&c, "probe: r on /usr/bin/dockerd (binary): not probed: its rules record one program's "
                           "actions only (-F exe=)", SEV_NONE);
        check_result_done(&c);
}

/* --dry-run: the install diff's actions counted, none executed (no kernel connection), each
 * add and delete as it would be done, and the report line of each says why. */
static void test_apply_dry_run(void **state _unused_) {
        struct plan p = host_plan(KERNEL_LOADED);
        struct apply_result out = {};
        _cleanup_free_ char *line = NULL;

        assert_int_equal(diff_build(&p, DIFF_INSTALL, &out.diff), 0);
        out.results = calloc(out.diff.n + 1, sizeof(*out.results));
        out.errors = calloc(out.diff.n + 1, sizeof(*out.errors));
        assert_non_null(out.results);
        assert_non_null(out.errors);
        apply_execute(&p, true, &out);
        assert_int_equal(out.added, 1);
        assert_int_equal(out.removed, 2);
        assert_int_equal(out.unchanged, 1);
        assert_int_equal(out.left_alone, 1);
        assert_int_equal(out.failed, 0);
        for (size_t i = 0; i < out.diff.n; i++)
                if (out.diff.actions[i].kind == ACTION_ADD) {
                        assert_int_equal(out.results[i], APPLY_DONE);
                        line = apply_action_line(&out, i);
                }
        assert_string_equal(line, "-w /run/containerd -p wa -k docker (dir=): replaces the plain watch loaded "
                                  "before the directory existed");
        apply_result_done(&out);
}

/* --list-paths: every target in the host's group (no instance named it), each with what became
 * of it and its rule. */
static void test_list_build(void **state _unused_) {
        struct plan p = host_plan(KERNEL_SKIPPED);
        struct list_result l = {};

        assert_int_equal(list_build(&p, &l), 0);
        assert_int_equal(l.n_groups, 1);
        assert_null(l.groups[0].key);
        for (size_t i = 0; i < p.disc.n_targets; i++) {
                assert_int_equal(l.group[i], 0);
                assert_string_equal(l.disposition[i], "watched");
                assert_ptr_equal(l.rule[i], &host_rules[i]);
        }
        assert_true(l.found[COMP_DOCKERD]);
        assert_false(l.found[COMP_DATA_ROOT]);
        list_result_done(&l);
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
                cmocka_unit_test(test_binary_reads_cover),
                cmocka_unit_test(test_binary_reads_verdicts),
                cmocka_unit_test(test_exe_parsed),
                cmocka_unit_test(test_diff_install),
                cmocka_unit_test(test_diff_remove),
                cmocka_unit_test(test_verdict_not_recursive),
                cmocka_unit_test(test_verdict_root),
                cmocka_unit_test(test_name_tables),
                cmocka_unit_test(test_kernel_messages),
                cmocka_unit_test(test_fragment_parse),
                cmocka_unit_test(test_check_ok),
                cmocka_unit_test(test_check_not_recursive),
                cmocka_unit_test(test_check_pending_reboot),
                cmocka_unit_test(test_check_root),
                cmocka_unit_test(test_check_unknown),
                cmocka_unit_test(test_check_audit_state),
                cmocka_unit_test(test_check_fragment_file),
                cmocka_unit_test(test_check_boot),
                cmocka_unit_test(test_check_shadowed),
                cmocka_unit_test(test_taker_for),
                cmocka_unit_test(test_check_key_shadowed),
                cmocka_unit_test(test_check_probe_needs_kernel),
                cmocka_unit_test(test_check_probe_seen),
                cmocka_unit_test(test_check_probe_other_key),
                cmocka_unit_test(test_check_probe_no_target),
                cmocka_unit_test(test_apply_dry_run),
                cmocka_unit_test(test_list_build),
        };

        return cmocka_run_group_tests(tests, check_setup, check_teardown);
}
