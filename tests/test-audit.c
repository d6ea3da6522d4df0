/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Talks to the running kernel: every rule added here carries a key of its own
 * (dartest-<pid>) and is removed again in the teardown, whatever happened. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <linux/audit.h>

#include "audit.h"
#include "auditmc.h"
#include "rule.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static struct {
        struct audit_conn *c;
        char key[64], key2[64];
        char base[64];
        char *file, *dir, *missing;
        bool have_auditctl;
        int enabled_before;
} t;

static bool has_test_key(const struct kernel_rule *k) {
        return strv_contains(k->rule.keys, t.key) || strv_contains(k->rule.keys, t.key2);
}

/* Delete every rule carrying one of the test keys; returns how many were left over. */
static unsigned cleanup_rules(void) {
        struct audit_conn *c = NULL;
        struct kernel_rule *rules = NULL;
        size_t n = 0;
        unsigned found = 0;

        if (audit_conn_open(&c) < 0)
                return 0;
        if (audit_conn_list(c, &rules, &n) >= 0) {
                for (size_t i = 0; i < n; i++)
                        if (has_test_key(&rules[i])) {
                                found++;
                                (void) audit_conn_delete(c, &rules[i]);
                        }
                kernel_rules_free(rules, n);
        }
        audit_conn_close(c);
        return found;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...) {
        _cleanup_free_ char *cmd = NULL, *full = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&cmd, fmt, ap);
        va_end(ap);
        assert_true(r >= 0);
        assert_true(asprintf(&full, "%s >/dev/null 2>&1", cmd) >= 0);
        r = system(full);
        if (r < 0 || !WIFEXITED(r))
                return -1;
        return WEXITSTATUS(r);
}

/* Does `auditctl -l` print exactly this line? */
static bool auditctl_lists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool auditctl_lists(const char *fmt, ...) {
        _cleanup_free_ char *want = NULL, *line = NULL;
        size_t sz = 0;
        bool found = false;
        va_list ap;
        FILE *f;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&want, fmt, ap);
        va_end(ap);
        assert_true(r >= 0);

        f = popen("auditctl -l 2>/dev/null", "r");
        assert_non_null(f);
        while (getline(&line, &sz, f) >= 0) {
                line[strcspn(line, "\n")] = 0;
                if (streq(line, want))
                        found = true;
        }
        pclose(f);
        return found;
}

static void make_rule(struct rule *r, enum rule_form form, enum watch_kind kind, const char *path,
                      unsigned perms, const char *exe, bool exe_negated, const char *key, const char *key2) {
        *r = (struct rule) {
                .form = form,
                .kind = kind,
                .path = strdup(path),
                .perms = perms,
                .exe = exe ? strdup(exe) : NULL,
                .exe_negated = exe_negated,
        };
        assert_non_null(r->path);
        if (key)
                assert_int_equal(strv_extend(&r->keys, key), 0);
        if (key2)
                assert_int_equal(strv_extend(&r->keys, key2), 0);
}

static void list(struct kernel_rule **rules, size_t *n) {
        int r = audit_conn_list(t.c, rules, n);
        assert_true(r >= 0);
        assert_int_equal((size_t) r, *n);
}

/* The one listed rule with a test key on this path, or NULL. */
static const struct kernel_rule *find(const struct kernel_rule *rules, size_t n, const char *path) {
        const struct kernel_rule *found = NULL;

        for (size_t i = 0; i < n; i++)
                if (has_test_key(&rules[i]) && rules[i].is_watch && streq(rules[i].rule.path, path)) {
                        assert_null(found);
                        found = &rules[i];
                }
        return found;
}

static unsigned count_test_rules(void) {
        struct kernel_rule *rules = NULL;
        size_t n = 0;
        unsigned k = 0;

        list(&rules, &n);
        for (size_t i = 0; i < n; i++)
                k += has_test_key(&rules[i]);
        kernel_rules_free(rules, n);
        return k;
}

/* An event with the test key from a child that writes path (0 when one came within 2 s). */
static int event_for_write(const char *path) {
        struct auditmc *mc = NULL;
        struct auditmc_event ev = {};
        pid_t pid;
        int r;

        if (auditmc_open(&mc) < 0)
                return -EOPNOTSUPP;
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
                _exit(fd < 0);
        }
        r = auditmc_wait_syscall(mc, pid, t.key, 2000, &ev);
        (void) waitpid(pid, NULL, 0);
        auditmc_close(mc);
        return r < 0 ? r : ev.key_matched ? 0 : -ENOKEY;
}

/* A rule of a user's tree: the kernel's lookup of its path never leaves the trees. Here "home" is
 * the tree and home/out a link to "/": added plainly, home/out/etc/X would watch the host's /etc;
 * confined, it leads to an empty root and fails. Inside the tree, files and trees are watched on
 * the real inodes, under the path given, after the confining child has gone. */
static void test_add_confined(void **state _unused_) {
        _cleanup_free_ char *home = path_join(t.base, "home"), *out = NULL, *escape = NULL, *in = NULL,
                            *sub = NULL, *deep = NULL, *file = NULL;
        char *trees[] = { home, NULL };
        struct kernel_rule *rules = NULL;
        struct rule r1, r2, r3;
        size_t n = 0;
        int k;

        assert_non_null(home);
        assert_int_equal(mkdir(home, 0755), 0);
        out = path_join(home, "out");
        escape = path_join(home, "out/etc/dar-confined-test");
        in = path_join(home, "in");
        sub = path_join(home, "in/sub");
        deep = path_join(home, "in/sub/f");
        file = path_join(home, "file");
        assert_int_equal(symlink("/", out), 0);
        assert_int_equal(mkdir(in, 0755), 0);
        assert_int_equal(mkdir(sub, 0755), 0);

        make_rule(&r1, FORM_W, WATCH_FILE, escape, PERM_WRITE | PERM_ATTR, NULL, false, t.key, NULL);
        assert_int_equal(audit_conn_add_confined(t.c, &r1, trees), -ENOENT);
        make_rule(&r2, FORM_W, WATCH_FILE, file, PERM_WRITE | PERM_ATTR, NULL, false, t.key, NULL);
        assert_int_equal(audit_conn_add_confined(t.c, &r2, trees), 0);
        make_rule(&r3, FORM_W, WATCH_DIR, in, PERM_WRITE | PERM_ATTR, NULL, false, t.key, NULL);
        assert_int_equal(audit_conn_add_confined(t.c, &r3, trees), 0);
        assert_int_equal(audit_conn_add_confined(t.c, &r2, trees), -EEXIST);
        assert_int_equal(audit_conn_add_confined(t.c, &r2, (char *[]) { (char *) "relative", NULL }), -EINVAL);

        list(&rules, &n);
        assert_null(find(rules, n, escape));
        assert_non_null(find(rules, n, file));
        assert_non_null(find(rules, n, in));
        assert_int_equal(find(rules, n, in)->rule.kind, WATCH_DIR);
        kernel_rules_free(rules, n);

        /* A rule on the user's tree that exempts a program of the system (a data root's rule with
         * exe!=DOCKERD): the kernel looks the program up in the confined root too, where its
         * directory is bound for that; a program in a directory a user could change is not. */
        {
                _cleanup_free_ char *in2 = path_join(home, "in2"), *progs = path_join(t.base, "progs"),
                                    *prog = path_join(t.base, "progs/dockerd");
                struct rule r4, r5;
                bool found = false;

                assert_int_equal(mkdir(in2, 0755), 0);
                make_rule(&r4, FORM_A, WATCH_DIR, in2, PERM_WRITE | PERM_ATTR, "/usr/bin/true", true, t.key, NULL);
                assert_int_equal(audit_conn_add_confined(t.c, &r4, trees), 0);
                list(&rules, &n);
                for (size_t i = 0; i < n; i++)
                        found = found || (has_test_key(&rules[i]) && rules[i].rule.exe &&
                                          streq(rules[i].rule.exe, "/usr/bin/true") && rules[i].rule.exe_negated);
                assert_true(found);
                kernel_rules_free(rules, n);
                /* A directory below /tmp, which everyone may write: not bound, so the kernel does not
                 * find it in the confined root and the add fails as it would with a missing one. */
                assert_int_equal(mkdir(progs, 0755), 0);
                make_rule(&r5, FORM_A, WATCH_DIR, in, PERM_WRITE | PERM_ATTR, prog, true, t.key, NULL);
                assert_int_equal(audit_conn_add_confined(t.c, &r5, trees), -ENOENT);
                (void) rmdir(progs);
                rule_done(&r4);
                rule_done(&r5);
                (void) rmdir(in2);
        }

        k = event_for_write(file);
        if (k == -EOPNOTSUPP) {
                skip();
                return;
        }
        assert_int_equal(k, 0);
        assert_int_equal(event_for_write(deep), 0);
        (void) unlink(deep);
        (void) unlink(file);
        (void) rmdir(sub);
        (void) rmdir(in);
        (void) unlink(out);
        (void) rmdir(home);
}

static void test_status(void **state _unused_) {
        struct audit_state s = {};

        assert_int_equal(audit_conn_status(t.c, &s), 0);
        assert_true(s.enabled == 0 || s.enabled == 1);
        assert_int_equal(s.enabled, t.enabled_before);
        assert_true(s.pid >= 0);
        assert_true(s.backlog_limit > 0);
}

static void test_add_list_delete(void **state _unused_) {
        struct rule fw, dw;
        struct kernel_rule *rules = NULL;
        const struct kernel_rule *kf, *kd;
        size_t n = 0;
        unsigned base = audit_conn_requests(t.c);

        make_rule(&fw, FORM_W, WATCH_FILE, t.file, PERM_WRITE | PERM_ATTR, NULL, false, t.key, NULL);
        make_rule(&dw, FORM_W, WATCH_DIR, t.dir, PERM_READ | PERM_EXEC, NULL, false, t.key, t.key2);

        assert_int_equal(audit_conn_add(t.c, &fw), 0);
        assert_int_equal(audit_conn_add(t.c, &dw), 0);
        assert_int_equal(audit_conn_requests(t.c), base + 2);

        list(&rules, &n);
        kf = find(rules, n, t.file);
        kd = find(rules, n, t.dir);
        assert_non_null(kf);
        assert_non_null(kd);

        assert_true(kf->is_watch);
        assert_int_equal(kf->rule.kind, WATCH_FILE);
        assert_int_equal(kf->rule.form, FORM_W);
        assert_int_equal(kf->rule.perms, PERM_WRITE | PERM_ATTR);
        assert_null(kf->rule.exe);
        assert_false(kf->rule.exe_negated);
        assert_int_equal(strv_length(kf->rule.keys), 1);
        assert_string_equal(kf->rule.keys[0], t.key);
        assert_non_null(kf->raw);
        assert_int_equal(kf->raw_len, sizeof(struct audit_rule_data) + ((struct audit_rule_data *) kf->raw)->buflen);

        assert_true(kd->is_watch);
        assert_int_equal(kd->rule.kind, WATCH_DIR);
        assert_int_equal(kd->rule.perms, PERM_READ | PERM_EXEC);
        assert_int_equal(strv_length(kd->rule.keys), 2);
        assert_string_equal(kd->rule.keys[0], t.key);
        assert_string_equal(kd->rule.keys[1], t.key2);

        /* Identical rules are refused; each refusal is still a request sent. */
        assert_int_equal(audit_conn_add(t.c, &fw), -EEXIST);
        assert_int_equal(audit_conn_add(t.c, &dw), -EEXIST);
        assert_int_equal(audit_conn_requests(t.c), base + 4);

        /* auditctl sees what we added. */
        if (t.have_auditctl) {
                assert_true(auditctl_lists("-w %s -p wa -k %s", t.file, t.key));
                assert_true(auditctl_lists("-w %s -p rx -k %s -k %s", t.dir, t.key, t.key2));
        }

        assert_int_equal(audit_conn_delete(t.c, kf), 0);
        assert_int_equal(audit_conn_delete(t.c, kd), 0);
        assert_int_equal(audit_conn_requests(t.c), base + 6);
        assert_int_equal(audit_conn_delete(t.c, kf), -ENOENT);
        assert_int_equal(audit_conn_requests(t.c), base + 7);
        kernel_rules_free(rules, n);

        assert_int_equal(count_test_rules(), 0);
        if (t.have_auditctl) {
                assert_false(auditctl_lists("-w %s -p wa -k %s", t.file, t.key));
                assert_false(auditctl_lists("-w %s -p rx -k %s -k %s", t.dir, t.key, t.key2));
        }

        rule_done(&fw);
        rule_done(&dw);
}

/* A rule auditctl added is found, decoded and refused as a duplicate of ours, and the rule we
 * would build is the same struct, byte for byte, as the one the kernel holds. */
static void check_auditctl_equivalent(const char *path, enum watch_kind kind, const char *auditctl_args,
                                      unsigned perms, const char *exe, bool exe_negated, enum rule_form form) {
        struct rule want;
        struct kernel_rule *rules = NULL;
        const struct kernel_rule *k;
        const struct audit_rule_data *kd, *bd;
        _cleanup_free_ void *built = NULL;
        size_t n = 0, built_len = 0;

        assert_int_equal(run("auditctl %s", auditctl_args), 0);

        make_rule(&want, form, kind, path, perms, exe, exe_negated, t.key, NULL);
        list(&rules, &n);
        k = find(rules, n, path);
        assert_non_null(k);
        assert_true(k->is_watch);
        assert_int_equal(k->rule.kind, kind);
        assert_int_equal(k->rule.form, form);
        assert_int_equal(k->rule.perms, perms);
        assert_true(streq_ptr(k->rule.exe, exe));
        assert_int_equal(k->rule.exe_negated, exe_negated);
        assert_int_equal(strv_length(k->rule.keys), 1);
        assert_string_equal(k->rule.keys[0], t.key);

        assert_int_equal(audit_rule_build_raw(&want, &built, &built_len), 0);
        kd = k->raw;
        bd = built;
        assert_int_equal(built_len, k->raw_len);
        assert_int_equal(bd->flags, kd->flags);
        assert_int_equal(bd->action, kd->action);
        assert_int_equal(bd->field_count, kd->field_count);
        assert_int_equal(bd->buflen, kd->buflen);
        assert_memory_equal(bd->mask, kd->mask, sizeof(bd->mask[0]) * (AUDIT_BITMASK_SIZE - 1));
        assert_memory_equal(bd->fields, kd->fields, sizeof(bd->fields));
        assert_memory_equal(bd->values, kd->values, sizeof(bd->values));
        assert_memory_equal(bd->fieldflags, kd->fieldflags, sizeof(bd->fieldflags));
        assert_memory_equal(bd->buf, kd->buf, bd->buflen);
        /* Everything but the last mask word, which libaudit sets to ~0 and the kernel lists with
         * only the bits it knows. */
        if (bd->mask[AUDIT_BITMASK_SIZE - 1] != kd->mask[AUDIT_BITMASK_SIZE - 1])
                print_message("note: mask word 63 built %#x, listed %#x\n",
                              bd->mask[AUDIT_BITMASK_SIZE - 1], kd->mask[AUDIT_BITMASK_SIZE - 1]);

        assert_int_equal(audit_conn_add(t.c, &want), -EEXIST);

        /* And what auditctl added, we can delete. */
        assert_int_equal(audit_conn_delete(t.c, k), 0);
        kernel_rules_free(rules, n);
        assert_int_equal(count_test_rules(), 0);

        /* The other way round: ours added, auditctl deletes it with its own syntax. */
        assert_int_equal(audit_conn_add(t.c, &want), 0);
        assert_int_equal(count_test_rules(), 1);
        if (startswith(auditctl_args, "-w "))
                assert_int_equal(run("auditctl -W %s", auditctl_args + 3), 0);
        else {
                const char *a = startswith(auditctl_args, "-a ");
                assert_non_null(a);
                assert_int_equal(run("auditctl -d %s", a), 0);
        }
        assert_int_equal(count_test_rules(), 0);

        rule_done(&want);
}

/* A listing longer than one batch of messages (audit.c reads up to LIST_BATCH per recvmmsg()):
 * every rule comes back once, in the kernel's order, each with its place. */
static void test_list_many(void **state _unused_) {
        enum { N = 150 };
        struct kernel_rule *rules = NULL;
        size_t n = 0, seen = 0;
        unsigned last_pos = 0;

        for (unsigned i = 0; i < N; i++) {
                _cleanup_free_ char *p = NULL;
                struct rule r;

                assert_true(asprintf(&p, "%s/many-%03u", t.dir, i) >= 0);
                make_rule(&r, FORM_W, WATCH_FILE, p, PERM_WRITE, NULL, false, t.key, NULL);
                assert_int_equal(audit_conn_add(t.c, &r), 0);
                rule_done(&r);
        }
        list(&rules, &n);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *want = NULL;

                if (i > 0)
                        assert_true(rules[i].pos > last_pos);
                last_pos = rules[i].pos;
                if (!has_test_key(&rules[i]))
                        continue;
                assert_true(asprintf(&want, "%s/many-%03zu", t.dir, seen) >= 0);
                assert_string_equal(rules[i].rule.path, want);
                seen++;
        }
        assert_int_equal(seen, N);
        kernel_rules_free(rules, n);
}

static void test_auditctl_watch_file(void **state _unused_) {
        _cleanup_free_ char *args = NULL;

        if (!t.have_auditctl)
                skip();
        assert_true(asprintf(&args, "-w %s -p wa -k %s", t.file, t.key) >= 0);
        check_auditctl_equivalent(t.file, WATCH_FILE, args, PERM_WRITE | PERM_ATTR, NULL, false, FORM_W);
}

static void test_auditctl_watch_dir(void **state _unused_) {
        _cleanup_free_ char *args = NULL;

        if (!t.have_auditctl)
                skip();
        /* auditctl stat()s the path: an existing directory becomes a dir= (AUDIT_DIR) rule. */
        assert_true(asprintf(&args, "-w %s -p rwxa -k %s", t.dir, t.key) >= 0);
        check_auditctl_equivalent(t.dir, WATCH_DIR, args, PERM_ALL, NULL, false, FORM_W);
}

static void test_auditctl_watch_missing(void **state _unused_) {
        _cleanup_free_ char *args = NULL;

        if (!t.have_auditctl)
                skip();
        assert_true(asprintf(&args, "-w %s -p x -k %s", t.missing, t.key) >= 0);
        check_auditctl_equivalent(t.missing, WATCH_FILE, args, PERM_EXEC, NULL, false, FORM_W);
}

static void test_auditctl_exe_negated(void **state _unused_) {
        _cleanup_free_ char *args = NULL;

        if (!t.have_auditctl)
                skip();
        assert_true(asprintf(&args, "-a always,exit -F dir=%s -F perm=wa -F exe!=/usr/bin/true -k %s",
                             t.dir, t.key) >= 0);
        check_auditctl_equivalent(t.dir, WATCH_DIR, args, PERM_WRITE | PERM_ATTR, "/usr/bin/true", true, FORM_A);
}

static void test_auditctl_exe(void **state _unused_) {
        _cleanup_free_ char *args = NULL;

        if (!t.have_auditctl)
                skip();
        assert_true(asprintf(&args, "-a always,exit -F path=%s -F perm=r -F exe=/usr/bin/cat -k %s",
                             t.file, t.key) >= 0);
        check_auditctl_equivalent(t.file, WATCH_FILE, args, PERM_READ, "/usr/bin/cat", false, FORM_A);
}

/* exe= and exe!= on the same path are two rules; the operator survives the round trip. */
static void test_exe_operator_round_trip(void **state _unused_) {
        struct rule a, b;
        struct kernel_rule *rules = NULL;
        size_t n = 0;
        unsigned eq = 0, ne = 0;

        make_rule(&a, FORM_A, WATCH_DIR, t.dir, PERM_WRITE | PERM_ATTR, "/usr/bin/true", true, t.key, NULL);
        make_rule(&b, FORM_A, WATCH_DIR, t.dir, PERM_WRITE | PERM_ATTR, "/usr/bin/true", false, t.key, NULL);
        assert_int_equal(audit_conn_add(t.c, &a), 0);
        assert_int_equal(audit_conn_add(t.c, &b), 0);
        assert_int_equal(audit_conn_add(t.c, &a), -EEXIST);

        list(&rules, &n);
        for (size_t i = 0; i < n; i++) {
                if (!has_test_key(&rules[i]))
                        continue;
                assert_true(rules[i].is_watch);
                assert_string_equal(rules[i].rule.exe, "/usr/bin/true");
                assert_int_equal(rules[i].rule.form, FORM_A);
                if (rules[i].rule.exe_negated)
                        ne++;
                else
                        eq++;
        }
        assert_int_equal(eq, 1);
        assert_int_equal(ne, 1);
        kernel_rules_free(rules, n);

        if (t.have_auditctl)
                /* auditctl 3.0.9 prints both with exe= (it drops the '!'). */
                assert_true(auditctl_lists("-a always,exit -S all -F dir=%s -F perm=wa -F exe=/usr/bin/true -F key=%s",
                                           t.dir, t.key));

        rule_done(&a);
        rule_done(&b);
}

/* A path rule without a perm field (only -a ... -F path= without perm= makes one) matches every
 * syscall on the path: it is not a watch in our sense (a rule with perm=rwxa is another kernel
 * rule), and perms 0 is refused. */
static void test_no_perm_field(void **state _unused_) {
        struct rule r;
        struct kernel_rule *rules = NULL;
        const struct kernel_rule *k;
        size_t n = 0;
        unsigned base = audit_conn_requests(t.c);

        if (!t.have_auditctl)
                skip();
        assert_int_equal(run("auditctl -a always,exit -F path=%s -k %s", t.file, t.key), 0);
        list(&rules, &n);
        assert_null(find(rules, n, t.file));
        k = NULL;
        for (size_t i = 0; i < n; i++)
                if (rule_has_key(&rules[i].rule, t.key))
                        k = &rules[i];
        assert_non_null(k);
        assert_false(k->is_watch);
        assert_int_equal(((const struct audit_rule_data *) k->raw)->field_count, 2);
        kernel_rules_free(rules, n);

        make_rule(&r, FORM_A, WATCH_FILE, t.file, 0, NULL, false, t.key, NULL);
        assert_int_equal(audit_conn_add(t.c, &r), -EINVAL);
        assert_int_equal(audit_conn_requests(t.c), base);
        r.perms = PERM_ALL;
        assert_int_equal(audit_conn_add(t.c, &r), 0);
        assert_int_equal(count_test_rules(), 2);
        if (t.have_auditctl) {
                assert_true(auditctl_lists("-a always,exit -S all -F path=%s -F key=%s", t.file, t.key));
                assert_true(auditctl_lists("-w %s -p rwxa -k %s", t.file, t.key));
        }
        rule_done(&r);
}

/* A syscall rule is not a watch, but its keys are listed. */
static void test_not_a_watch(void **state _unused_) {
        struct kernel_rule *rules = NULL;
        size_t n = 0;
        unsigned found = 0;

        if (!t.have_auditctl)
                skip();
        assert_int_equal(run("auditctl -a always,exit -F arch=b64 -S openat -F path=%s -k %s -k %s",
                             t.file, t.key, t.key2), 0);
        list(&rules, &n);
        for (size_t i = 0; i < n; i++)
                if (has_test_key(&rules[i])) {
                        found++;
                        assert_false(rules[i].is_watch);
                        assert_null(rules[i].rule.path);
                        assert_int_equal(strv_length(rules[i].rule.keys), 2);
                        assert_string_equal(rules[i].rule.keys[0], t.key);
                        assert_string_equal(rules[i].rule.keys[1], t.key2);
                        assert_int_equal(audit_conn_delete(t.c, &rules[i]), 0);
                }
        assert_int_equal(found, 1);
        kernel_rules_free(rules, n);
        assert_int_equal(count_test_rules(), 0);
}

static void test_errors(void **state _unused_) {
        _cleanup_free_ char *bad_parent = NULL, *long_key = NULL;
        struct rule r;
        unsigned base;

        /* Refused before anything is sent. */
        base = audit_conn_requests(t.c);
        make_rule(&r, FORM_W, WATCH_FILE, "relative/path", PERM_WRITE, NULL, false, t.key, NULL);
        assert_int_equal(audit_conn_add(t.c, &r), -EINVAL);
        rule_done(&r);

        long_key = malloc(AUDIT_MAX_KEY_LEN + 2);
        assert_non_null(long_key);
        memset(long_key, 'k', AUDIT_MAX_KEY_LEN + 1);
        long_key[AUDIT_MAX_KEY_LEN + 1] = 0;
        make_rule(&r, FORM_W, WATCH_FILE, t.file, PERM_WRITE, NULL, false, long_key, NULL);
        assert_int_equal(audit_conn_add(t.c, &r), -EINVAL);
        rule_done(&r);

        make_rule(&r, FORM_W, WATCH_FILE, t.file, PERM_WRITE, NULL, false, "a\001b", NULL);
        assert_int_equal(audit_conn_add(t.c, &r), -EINVAL);
        rule_done(&r);
        assert_int_equal(audit_conn_requests(t.c), base);

        /* Refused by the kernel: a missing parent directory. */
        assert_true(asprintf(&bad_parent, "%s/no/such", t.base) >= 0);
        make_rule(&r, FORM_W, WATCH_FILE, bad_parent, PERM_WRITE, NULL, false, t.key, NULL);
        assert_int_equal(audit_conn_add(t.c, &r), -ENOENT);
        assert_int_equal(audit_conn_requests(t.c), base + 1);
        rule_done(&r);

        /* Keys of exactly 256 bytes in all are fine. */
        memset(long_key, 'k', AUDIT_MAX_KEY_LEN);
        memcpy(long_key, t.key, strlen(t.key));
        long_key[AUDIT_MAX_KEY_LEN] = 0;
        make_rule(&r, FORM_W, WATCH_FILE, t.file, PERM_WRITE, NULL, false, long_key, NULL);
        assert_int_equal(audit_conn_add(t.c, &r), 0);
        rule_done(&r);
        {
                struct kernel_rule *rules = NULL;
                size_t n = 0;
                bool found = false;

                list(&rules, &n);
                for (size_t i = 0; i < n; i++)
                        if (strv_contains(rules[i].rule.keys, long_key)) {
                                found = true;
                                assert_int_equal(audit_conn_delete(t.c, &rules[i]), 0);
                        }
                kernel_rules_free(rules, n);
                assert_true(found);
        }

        /* Never lock, never anything but 0 or 1. */
        assert_int_equal(audit_conn_set_enabled(t.c, 2), -EINVAL);
        assert_int_equal(audit_conn_set_enabled(t.c, -1), -EINVAL);
        /* Setting the flag to what it is changes nothing. */
        assert_int_equal(audit_conn_set_enabled(t.c, t.enabled_before), 0);
}

/* libaudit stays quiet on stderr when the kernel refuses. */
static void test_quiet(void **state _unused_) {
        struct rule r, missing;
        struct kernel_rule *rules = NULL;
        size_t n = 0;
        char tmpl[] = "/tmp/dartest-stderr-XXXXXX";
        _cleanup_free_ char *bad_parent = NULL;
        int fd, saved;
        struct stat st;

        make_rule(&r, FORM_W, WATCH_FILE, t.file, PERM_WRITE, NULL, false, t.key, NULL);
        assert_true(asprintf(&bad_parent, "%s/no/such", t.base) >= 0);
        make_rule(&missing, FORM_W, WATCH_FILE, bad_parent, PERM_WRITE, NULL, false, t.key, NULL);
        assert_int_equal(audit_conn_add(t.c, &r), 0);
        list(&rules, &n);

        fd = mkstemp(tmpl);
        assert_true(fd >= 0);
        unlink(tmpl);
        fflush(stderr);
        saved = dup(STDERR_FILENO);
        assert_true(saved >= 0);
        assert_true(dup2(fd, STDERR_FILENO) >= 0);

        int add_again = audit_conn_add(t.c, &r);
        int add_missing = audit_conn_add(t.c, &missing);
        int del = -1, del_again = -1;
        const struct kernel_rule *k = find(rules, n, t.file);
        if (k) {
                del = audit_conn_delete(t.c, k);
                del_again = audit_conn_delete(t.c, k);
        }

        fflush(stderr);
        assert_true(dup2(saved, STDERR_FILENO) >= 0);
        close(saved);
        assert_int_equal(fstat(fd, &st), 0);
        close(fd);

        assert_int_equal(add_again, -EEXIST);
        assert_int_equal(add_missing, -ENOENT);
        assert_int_equal(del, 0);
        assert_int_equal(del_again, -ENOENT);
        assert_int_equal(st.st_size, 0);

        kernel_rules_free(rules, n);
        rule_done(&r);
        rule_done(&missing);
}

/* The faults come from tests/shim-audit.c, preloaded into this test (tests/meson.build): the
 * refusal goes through audit_conn_add() exactly as a kernel's would. Without the shim the
 * second add succeeds and this test fails. */
static void test_fault_injection(void **state _unused_) {
        struct audit_conn *c = NULL;
        struct audit_state st;
        struct rule a, b;

        make_rule(&a, FORM_W, WATCH_FILE, t.file, PERM_WRITE, NULL, false, t.key, NULL);
        make_rule(&b, FORM_W, WATCH_DIR, t.dir, PERM_WRITE, NULL, false, t.key, NULL);

        assert_int_equal(setenv("DAR_SHIM_FAIL_ADD", "2", 1), 0);
        assert_int_equal(audit_conn_open(&c), 0);
        unsetenv("DAR_SHIM_FAIL_ADD");

        assert_int_equal(audit_conn_add(c, &a), 0);
        assert_int_equal(audit_conn_add(c, &b), -EPERM);
        assert_int_equal(count_test_rules(), 1);
        assert_int_equal(audit_conn_add(c, &b), 0);
        assert_int_equal(audit_conn_requests(c), 3);
        assert_int_equal(count_test_rules(), 2);
        audit_conn_close(c);

        /* Not a number: ignored. */
        assert_int_equal(setenv("DAR_SHIM_FAIL_ADD", "x", 1), 0);
        assert_int_equal(audit_conn_open(&c), 0);
        unsetenv("DAR_SHIM_FAIL_ADD");
        assert_int_equal(audit_conn_add(c, &a), -EEXIST);
        audit_conn_close(c);

        /* A locked configuration: the status says 2, nothing can be added or deleted, and the
         * kernel keeps what it had. */
        assert_int_equal(setenv("DAR_SHIM_FAKE_LOCKED", "1", 1), 0);
        assert_int_equal(audit_conn_open(&c), 0);
        unsetenv("DAR_SHIM_FAKE_LOCKED");
        assert_int_equal(audit_conn_status(c, &st), 0);
        assert_int_equal(st.enabled, 2);
        assert_int_equal(audit_conn_add(c, &a), -EPERM);
        {
                struct kernel_rule *rules = NULL;
                size_t n = 0;
                const struct kernel_rule *k;

                assert_true(audit_conn_list(c, &rules, &n) >= 2);
                k = find(rules, n, t.file);
                assert_non_null(k);
                assert_int_equal(audit_conn_delete(c, k), -EPERM);
                kernel_rules_free(rules, n);
        }
        assert_int_equal(count_test_rules(), 2);
        audit_conn_close(c);

        /* Each connection reads the variables when it opens: this one sees no fault. */
        assert_int_equal(audit_conn_open(&c), 0);
        assert_int_equal(audit_conn_status(c, &st), 0);
        assert_true(st.enabled == 0 || st.enabled == 1);
        assert_int_equal(audit_conn_add(c, &a), -EEXIST);
        audit_conn_close(c);

        rule_done(&a);
        rule_done(&b);
}

/* How many of the test's rules of key on path are listed, and where the first stands (UINT_MAX:
 * none), in the one listing given. */
static unsigned pos_in(const struct kernel_rule *rules, size_t n, const char *path, const char *key, unsigned *ret_n) {
        unsigned pos = UINT_MAX, k = 0;

        for (size_t i = 0; i < n; i++)
                if (rules[i].is_watch && streq(rules[i].rule.path, path) && strv_contains(rules[i].rule.keys, key)) {
                        if (pos == UINT_MAX)
                                pos = rules[i].pos;
                        k++;
                }
        if (ret_n)
                *ret_n = k;
        return pos;
}

/* Is the rule of key_a on path_a listed before that of key_b on path_b, in one listing (other
 * programs may add and delete rules between two)? *ret_n_a: how many of the first. */
static bool listed_before(const char *path_a, const char *key_a, const char *path_b, const char *key_b,
                          unsigned *ret_n_a) {
        struct kernel_rule *rules = NULL;
        size_t n = 0;
        unsigned a, b;

        list(&rules, &n);
        a = pos_in(rules, n, path_a, key_a, ret_n_a);
        b = pos_in(rules, n, path_b, key_b, NULL);
        kernel_rules_free(rules, n);
        return a != UINT_MAX && b != UINT_MAX && a < b;
}

static unsigned count_of(const char *path, const char *key) {
        struct kernel_rule *rules = NULL;
        size_t n = 0;
        unsigned k;

        list(&rules, &n);
        (void) pos_in(rules, n, path, key, &k);
        kernel_rules_free(rules, n);
        return k;
}

/* Prepending, twins and moves (--order first): a broad rule of another key on the directory,
 * loaded first, takes the write of a file in it; moved first, ours takes it, and exactly one rule
 * of ours is left, in the form it had. */
static void test_prepend_and_move(void **state _unused_) {
        struct rule other, ours;
        struct kernel_rule *rules = NULL;
        const struct kernel_rule *k;
        size_t n = 0;
        unsigned base, count;
        int r;

        make_rule(&other, FORM_W, WATCH_DIR, t.base, PERM_WRITE | PERM_ATTR, NULL, false, t.key2, NULL);
        make_rule(&ours, FORM_W, WATCH_FILE, t.file, PERM_ALL, NULL, false, t.key, NULL);
        assert_int_equal(audit_conn_add(t.c, &other), 0);
        assert_int_equal(audit_conn_add(t.c, &ours), 0);
        assert_true(listed_before(t.base, t.key2, t.file, t.key, NULL));
        r = event_for_write(t.file);
        if (r != -EOPNOTSUPP)
                assert_int_equal(r, -ENOKEY); /* first match wins: the other key's */

        /* A twin is another rule to the kernel: added beside the rule, deleted alone. */
        assert_int_equal(audit_conn_add_flags(t.c, &ours, AUDIT_ADD_TWIN), 0);
        assert_int_equal(audit_conn_add(t.c, &ours), -EEXIST);
        assert_int_equal(count_of(t.file, t.key), 2);
        assert_int_equal(audit_conn_delete_twin(t.c, &ours), 0);
        assert_int_equal(audit_conn_delete_twin(t.c, &ours), -ENOENT);
        assert_int_equal(count_of(t.file, t.key), 1);

        /* Moved first: four requests, one rule of ours, before the other key's. */
        list(&rules, &n);
        k = find(rules, n, t.file);
        assert_non_null(k);
        base = audit_conn_requests(t.c);
        assert_int_equal(audit_conn_move(t.c, k, &ours, true, NULL), 0);
        assert_int_equal(audit_conn_requests(t.c), base + 4);
        kernel_rules_free(rules, n);
        assert_true(listed_before(t.file, t.key, t.base, t.key2, &count));
        assert_int_equal(count, 1);
        list(&rules, &n);
        k = find(rules, n, t.file);
        assert_non_null(k);
        assert_true(rule_equal(&k->rule, &ours));
        kernel_rules_free(rules, n);
        r = event_for_write(t.file);
        if (r != -EOPNOTSUPP)
                assert_int_equal(r, 0);

        /* And back to the tail. */
        list(&rules, &n);
        k = find(rules, n, t.file);
        assert_int_equal(audit_conn_move(t.c, k, &ours, false, NULL), 0);
        kernel_rules_free(rules, n);
        assert_true(listed_before(t.base, t.key2, t.file, t.key, NULL));
        count = count_of(t.file, t.key);
        assert_int_equal(count, 1);

        /* The kernel's duplicate check compares the prepend flag too: a prepended copy is taken. */
        assert_int_equal(audit_conn_add_flags(t.c, &ours, AUDIT_ADD_PREPEND), 0);
        assert_int_equal(count_of(t.file, t.key), 2);

        rule_done(&other);
        rule_done(&ours);
}

static int teardown_rules(void **state _unused_) {
        (void) cleanup_rules();
        return 0;
}

static int setup_group(void **state _unused_) {
        int fd;

        assert_int_equal(audit_conn_open(&t.c), 0);
        assert_true(mkdtemp(t.base) != NULL);
        t.file = path_join(t.base, "file");
        t.dir = path_join(t.base, "dir");
        t.missing = path_join(t.base, "missing");
        assert_non_null(t.file);
        assert_non_null(t.dir);
        assert_non_null(t.missing);
        fd = open(t.file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(mkdir(t.dir, 0700), 0);
        t.have_auditctl = run("auditctl -s") == 0;
        return 0;
}

static int teardown_group(void **state _unused_) {
        (void) cleanup_rules();
        if (t.file)
                unlink(t.file);
        if (t.dir)
                rmdir(t.dir);
        rmdir(t.base);
        free(t.file);
        free(t.dir);
        free(t.missing);
        audit_conn_close(t.c);
        return 0;
}

int main(void) {
        struct audit_conn *c = NULL;
        struct audit_state s = {};
        int r;

        r = audit_conn_open(&c);
        if (r == -EPROTONOSUPPORT || r == -EPERM || r == -EACCES || r == -ECONNREFUSED) {
                fprintf(stderr, "kernel audit not reachable: %s; skipping\n", strerror(-r));
                return 77;
        }
        if (r < 0) {
                fprintf(stderr, "audit_conn_open: %s\n", strerror(-r));
                return 1;
        }
        r = audit_conn_status(c, &s);
        audit_conn_close(c);
        if (r == -EPROTONOSUPPORT || r == -EPERM || r == -ECONNREFUSED) {
                fprintf(stderr, "kernel audit not reachable: %s; skipping\n", strerror(-r));
                return 77;
        }
        if (r < 0) {
                fprintf(stderr, "audit_conn_status: %s\n", strerror(-r));
                return 1;
        }
        if (s.enabled == 2) {
                fprintf(stderr, "audit configuration is locked (enabled 2): rules cannot change; skipping\n");
                return 77;
        }
        t.enabled_before = s.enabled;

        snprintf(t.key, sizeof(t.key), "dartest-%d", (int) getpid());
        snprintf(t.key2, sizeof(t.key2), "dartest-%d-two", (int) getpid());
        snprintf(t.base, sizeof(t.base), "/tmp/dartest-%d-XXXXXX", (int) getpid());

        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_status),
                cmocka_unit_test_teardown(test_add_list_delete, teardown_rules),
                cmocka_unit_test_teardown(test_list_many, teardown_rules),
                cmocka_unit_test_teardown(test_add_confined, teardown_rules),
                cmocka_unit_test_teardown(test_prepend_and_move, teardown_rules),
                cmocka_unit_test_teardown(test_auditctl_watch_file, teardown_rules),
                cmocka_unit_test_teardown(test_auditctl_watch_dir, teardown_rules),
                cmocka_unit_test_teardown(test_auditctl_watch_missing, teardown_rules),
                cmocka_unit_test_teardown(test_auditctl_exe_negated, teardown_rules),
                cmocka_unit_test_teardown(test_auditctl_exe, teardown_rules),
                cmocka_unit_test_teardown(test_exe_operator_round_trip, teardown_rules),
                cmocka_unit_test_teardown(test_no_perm_field, teardown_rules),
                cmocka_unit_test_teardown(test_not_a_watch, teardown_rules),
                cmocka_unit_test_teardown(test_errors, teardown_rules),
                cmocka_unit_test_teardown(test_quiet, teardown_rules),
                cmocka_unit_test_teardown(test_fault_injection, teardown_rules),
        };

        r = cmocka_run_group_tests_name("audit", tests, setup_group, teardown_group);

        /* Belt and braces: nothing with the test keys may stay behind. */
        if (cleanup_rules() > 0) {
                fprintf(stderr, "rules with key %s were left behind (now removed)\n", t.key);
                if (r == 0)
                        r = 1;
        }
        return r;
}
