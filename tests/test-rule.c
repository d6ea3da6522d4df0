/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rule.h"
#include "testlib.h"
#include "util.h"

#define _unused_ __attribute__((unused))

/* Parse a line that must be a watch, into *r. */
static void parse_watch(const char *line, struct rule *r) {
        const char *why = NULL;
        int t = rule_parse_line(line, r, &why);

        if (t != LINE_WATCH)
                fail_msg("'%s': expected LINE_WATCH, got %d (%s)", line, t, strempty(why));
}

static int parse_type(const char *line) {
        struct rule r = {};
        int t = rule_parse_line(line, &r, NULL);

        if (t == LINE_WATCH)
                rule_done(&r);
        return t;
}

static void assert_invalid(const char *line, const char *why_expected) {
        struct rule r = { .path = (char *) "sentinel" };
        const char *why = NULL;
        int t = rule_parse_line(line, &r, &why);

        if (t != -EINVAL)
                fail_msg("'%s': expected -EINVAL, got %d", line, t);
        assert_non_null(why);
        if (why_expected && !streq(why, why_expected))
                fail_msg("'%s': expected why '%s', got '%s'", line, why_expected, why);
        assert_string_equal(r.path, "sentinel");
}

static void test_perms_from_string(void **state _unused_) {
        unsigned p = 12345;

        assert_int_equal(perms_from_string("r", &p), 0);
        assert_int_equal(p, PERM_READ);
        assert_int_equal(perms_from_string("rwxa", &p), 0);
        assert_int_equal(p, PERM_ALL);
        assert_int_equal(perms_from_string("aw", &p), 0);
        assert_int_equal(p, PERM_WRITE | PERM_ATTR);
        assert_int_equal(perms_from_string("wa", &p), 0);
        assert_int_equal(p, PERM_WRITE | PERM_ATTR);
        assert_int_equal(perms_from_string("xraw", &p), 0);
        assert_int_equal(p, PERM_ALL);

        p = 777;
        assert_int_equal(perms_from_string("", &p), -EINVAL);
        assert_int_equal(perms_from_string(NULL, &p), -EINVAL);
        assert_int_equal(perms_from_string("rr", &p), -EINVAL);
        assert_int_equal(perms_from_string("wq", &p), -EINVAL);
        assert_int_equal(perms_from_string("RW", &p), -EINVAL);
        assert_int_equal(perms_from_string("rwxaa", &p), -EINVAL);
        assert_int_equal(perms_from_string("w a", &p), -EINVAL);
        assert_int_equal(p, 777);
}

static void test_perms_to_string(void **state _unused_) {
        char buf[5];

        assert_string_equal(perms_to_string(0, buf), "");
        assert_string_equal(perms_to_string(PERM_ALL, buf), "rwxa");
        assert_string_equal(perms_to_string(PERM_ATTR | PERM_WRITE, buf), "wa");
        assert_string_equal(perms_to_string(PERM_EXEC | PERM_READ, buf), "rx");
        assert_string_equal(perms_to_string(PERM_EXEC, buf), "x");
        assert_ptr_equal(perms_to_string(PERM_READ, buf), buf);
}

static void test_format_w(void **state _unused_) {
        char *keys[] = { (char *) "docker", NULL };
        struct rule r = { .form = FORM_W, .kind = WATCH_DIR, .path = (char *) "/etc/docker",
                          .perms = PERM_ATTR | PERM_WRITE, .keys = keys };
        _cleanup_free_ char *s = NULL;

        assert_int_equal(rule_format(&r, &s), 0);
        assert_string_equal(s, "-w /etc/docker -p wa -k docker");
}

static void test_format_a_file(void **state _unused_) {
        char *keys[] = { (char *) "docker", NULL };
        struct rule r = { .form = FORM_A, .kind = WATCH_FILE, .path = (char *) "/usr/bin/dockerd",
                          .perms = PERM_EXEC, .keys = keys };
        _cleanup_free_ char *s = NULL;

        assert_int_equal(rule_format(&r, &s), 0);
        assert_string_equal(s, "-a always,exit -F path=/usr/bin/dockerd -F perm=x -k docker");
}

static void test_format_a_dir_exe(void **state _unused_) {
        char *keys[] = { (char *) "docker", (char *) "cis-1.1.3", NULL };
        struct rule r = { .form = FORM_A, .kind = WATCH_DIR, .path = (char *) "/var/lib/docker",
                          .perms = PERM_WRITE | PERM_ATTR, .exe = (char *) "/usr/bin/dockerd",
                          .exe_negated = true, .keys = keys };
        _cleanup_free_ char *s = NULL, *s2 = NULL;

        assert_int_equal(rule_format(&r, &s), 0);
        assert_string_equal(s, "-a always,exit -F dir=/var/lib/docker -F perm=wa "
                               "-F exe!=/usr/bin/dockerd -k docker -k cis-1.1.3");

        r.exe_negated = false;
        assert_int_equal(rule_format(&r, &s2), 0);
        assert_string_equal(s2, "-a always,exit -F dir=/var/lib/docker -F perm=wa "
                                "-F exe=/usr/bin/dockerd -k docker -k cis-1.1.3");
}

static void test_format_multi_key(void **state _unused_) {
        char *keys[] = { (char *) "a", (char *) "b", (char *) "c", NULL };
        struct rule r = { .form = FORM_W, .path = (char *) "/run/containerd/containerd.sock",
                          .perms = PERM_ALL, .keys = keys };
        _cleanup_free_ char *s = NULL;

        assert_int_equal(rule_format(&r, &s), 0);
        assert_string_equal(s, "-w /run/containerd/containerd.sock -p rwxa -k a -k b -k c");
}

static int format_rc(const struct rule *r) {
        char *s = (char *) "untouched";
        int k = rule_format(r, &s);

        if (k < 0)
                assert_string_equal(s, "untouched");
        else
                free(s);
        return k;
}

static void test_key_valid(void **state _unused_) {
        _cleanup_free_ char *k256 = repeat('k', 256), *k257 = repeat('k', 257);
        const char *good[] = { "docker", "cis-1.1.3", "a", "x_y.z/w:1", "k\xc3\xa9y", k256 };
        const char *bad[] = { "", "do cker", "do\tcker", "do\ncker", "dock\x01" "er", "dock\x7f",
                              "\"docker\"", "do#cker", "do\\cker", k257, NULL };

        for (size_t i = 0; i < ELEMENTSOF(good); i++)
                assert_true(rule_key_valid(good[i]));
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_false(rule_key_valid(bad[i]));
}

static void test_format_rejects(void **state _unused_) {
        _cleanup_free_ char *k256 = repeat('k', 256), *k257 = repeat('k', 257),
                            *k128 = repeat('m', 128), *k127 = repeat('n', 127);
        char *keys[] = { (char *) "docker", NULL };
        char *no_keys[] = { NULL };
        char *bad_space[] = { (char *) "do cker", NULL };
        char *bad_hash[] = { (char *) "do#cker", NULL };
        char *bad_quote[] = { (char *) "\"docker\"", NULL };
        char *bad_ctl[] = { (char *) "dock\x01" "er", NULL };
        char *bad_empty[] = { (char *) "", NULL };
        char *long1[] = { k256, NULL };
        char *long2[] = { k257, NULL };
        char *sum256[] = { k128, k127, NULL };  /* 128 + 1 + 127 */
        char *sum257[] = { k128, k128, NULL };  /* 128 + 1 + 128 */
        struct rule ok = { .form = FORM_A, .kind = WATCH_FILE, .path = (char *) "/x",
                           .perms = PERM_WRITE, .keys = keys };
        struct rule r;

        assert_int_equal(format_rc(&ok), 0);

        r = ok, r.keys = NULL;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.keys = no_keys;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.keys = bad_space;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.keys = bad_hash;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.keys = bad_quote;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.keys = bad_ctl;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.keys = bad_empty;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.keys = long1;
        assert_int_equal(format_rc(&r), 0);
        r = ok, r.keys = long2;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.keys = sum256;
        assert_int_equal(format_rc(&r), 0);
        r = ok, r.keys = sum257;
        assert_int_equal(format_rc(&r), -EINVAL);

        r = ok, r.perms = 0;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.perms = PERM_ALL + 1;
        assert_int_equal(format_rc(&r), -EINVAL);

        r = ok, r.path = NULL;
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.path = (char *) "relative/x";
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.path = (char *) "/with space";
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.path = (char *) "/with#hash";
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.path = (char *) "/x/";
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.path = (char *) "/";          /* path=/ is refused by the kernel */
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.path = (char *) "/", r.kind = WATCH_DIR;
        assert_int_equal(format_rc(&r), 0);
        r = ok, r.path = (char *) "/", r.form = FORM_W;
        assert_int_equal(format_rc(&r), 0);

        r = ok, r.form = FORM_W, r.exe = (char *) "/usr/bin/dockerd";
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.exe = (char *) "dockerd";
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.exe = (char *) "/usr/bin/";
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.exe = (char *) "/usr/bin/docker d";
        assert_int_equal(format_rc(&r), -EINVAL);
        r = ok, r.exe = (char *) "/usr/bin/dockerd";
        assert_int_equal(format_rc(&r), 0);
}

static void test_round_trip(void **state _unused_) {
        char *k1[] = { (char *) "docker", NULL };
        char *k2[] = { (char *) "docker", (char *) "cis_1.1.4", NULL };
        const struct rule rules[] = {
                { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/usr/bin/dockerd",
                  .perms = PERM_ALL, .keys = k1 },
                { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/etc/docker/daemon.json",
                  .perms = PERM_WRITE | PERM_ATTR, .keys = k2 },
                { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/", .perms = PERM_READ,
                  .keys = k1 },
                { .form = FORM_A, .kind = WATCH_FILE, .path = (char *) "/run/docker.sock",
                  .perms = PERM_READ | PERM_EXEC, .keys = k1 },
                { .form = FORM_A, .kind = WATCH_DIR, .path = (char *) "/var/lib/docker",
                  .perms = PERM_WRITE, .keys = k2 },
                { .form = FORM_A, .kind = WATCH_DIR, .path = (char *) "/var/lib/docker",
                  .perms = PERM_WRITE | PERM_ATTR, .exe = (char *) "/usr/bin/dockerd",
                  .exe_negated = true, .keys = k1 },
                { .form = FORM_A, .kind = WATCH_FILE, .path = (char *) "/etc/containerd/config.toml",
                  .perms = PERM_ATTR, .exe = (char *) "/usr/bin/containerd", .keys = k2 },
        };

        for (size_t i = 0; i < ELEMENTSOF(rules); i++) {
                _cleanup_free_ char *s = NULL, *s2 = NULL;
                struct rule p = {};

                assert_int_equal(rule_format(&rules[i], &s), 0);
                parse_watch(s, &p);
                assert_true(rule_equal(&rules[i], &p));
                assert_true(rule_equal(&p, &rules[i]));
                assert_int_equal(p.form, rules[i].form);
                assert_string_equal(p.path, rules[i].path);
                assert_int_equal(p.perms, rules[i].perms);
                assert_int_equal(strv_length(p.keys), strv_length(rules[i].keys));
                assert_int_equal(rule_format(&p, &s2), 0);
                assert_string_equal(s, s2);
                rule_done(&p);
        }
}

static void test_parse_w(void **state _unused_) {
        struct rule r = {};

        parse_watch("-w /etc/docker/ -p wa -k docker", &r);
        assert_int_equal(r.form, FORM_W);
        assert_int_equal(r.kind, WATCH_FILE);
        assert_string_equal(r.path, "/etc/docker");
        assert_int_equal(r.perms, PERM_WRITE | PERM_ATTR);
        assert_null(r.exe);
        assert_false(r.exe_negated);
        assert_int_equal(strv_length(r.keys), 1);
        assert_string_equal(r.keys[0], "docker");
        rule_done(&r);
        assert_null(r.path);
        assert_null(r.keys);

        /* -p defaults to rwxa, keys may be absent (an empty list, not NULL) */
        parse_watch("-w /usr/bin/dockerd", &r);
        assert_int_equal(r.perms, PERM_ALL);
        assert_non_null(r.keys);
        assert_int_equal(strv_length(r.keys), 0);
        rule_done(&r);

        /* options after -w in any order, whitespace of any kind */
        parse_watch("  \t-w\t/x   -k  k1 -p r -k k2\t \n", &r);
        assert_string_equal(r.path, "/x");
        assert_int_equal(r.perms, PERM_READ);
        assert_int_equal(strv_length(r.keys), 2);
        assert_string_equal(r.keys[0], "k1");
        assert_string_equal(r.keys[1], "k2");
        rule_done(&r);

        /* a later -p replaces the earlier one, as libaudit updates the AUDIT_PERM field */
        parse_watch("-w /x -p r -p wa -k k", &r);
        assert_int_equal(r.perms, PERM_WRITE | PERM_ATTR);
        rule_done(&r);

        /* auditctl lower-cases and ORs permission letters */
        parse_watch("-w /x -p WA -k k", &r);
        assert_int_equal(r.perms, PERM_WRITE | PERM_ATTR);
        rule_done(&r);
        parse_watch("-w /x -p ww -k k", &r);
        assert_int_equal(r.perms, PERM_WRITE);
        rule_done(&r);

        /* getopt: a value attached to its option */
        parse_watch("-w/x -pwa -kdocker", &r);
        assert_string_equal(r.path, "/x");
        assert_int_equal(r.perms, PERM_WRITE | PERM_ATTR);
        assert_string_equal(r.keys[0], "docker");
        rule_done(&r);

        /* -F key= after -w is taken by auditctl like -k */
        parse_watch("-w /x -p wa -F key=docker", &r);
        assert_int_equal(strv_length(r.keys), 1);
        assert_string_equal(r.keys[0], "docker");
        rule_done(&r);
}

static void test_parse_trailing_slash(void **state _unused_) {
        struct rule r = {};

        parse_watch("-w /etc/docker/ -k k", &r);
        assert_string_equal(r.path, "/etc/docker");
        rule_done(&r);
        parse_watch("-w /etc/docker// -k k", &r);
        assert_string_equal(r.path, "/etc/docker");
        rule_done(&r);
        parse_watch("-w / -k k", &r);
        assert_string_equal(r.path, "/");
        rule_done(&r);
        parse_watch("-w /// -k k", &r);
        assert_string_equal(r.path, "/");
        rule_done(&r);
        /* dir= is passed to the kernel as written */
        parse_watch("-a always,exit -F dir=/var/lib/docker/ -F perm=wa -k k", &r);
        assert_string_equal(r.path, "/var/lib/docker/");
        rule_done(&r);
        /* path= with a trailing slash is refused by the kernel */
        assert_invalid("-a always,exit -F path=/etc/docker/ -F perm=wa -k k", NULL);
}

static void test_parse_a(void **state _unused_) {
        struct rule r = {};

        parse_watch("-a always,exit -F path=/usr/bin/containerd -F perm=x -k docker", &r);
        assert_int_equal(r.form, FORM_A);
        assert_int_equal(r.kind, WATCH_FILE);
        assert_string_equal(r.path, "/usr/bin/containerd");
        assert_int_equal(r.perms, PERM_EXEC);
        assert_null(r.exe);
        assert_int_equal(strv_length(r.keys), 1);
        assert_string_equal(r.keys[0], "docker");
        rule_done(&r);

        parse_watch("-a exit,always -F dir=/var/lib/docker -F perm=wa -F key=docker -k other", &r);
        assert_int_equal(r.form, FORM_A);
        assert_int_equal(r.kind, WATCH_DIR);
        assert_string_equal(r.path, "/var/lib/docker");
        assert_int_equal(r.perms, PERM_WRITE | PERM_ATTR);
        assert_int_equal(strv_length(r.keys), 2);
        assert_string_equal(r.keys[0], "docker");
        assert_string_equal(r.keys[1], "other");
        rule_done(&r);

        parse_watch("-A always,exit -F path=/x -F perm=r -k k", &r);
        assert_int_equal(r.form, FORM_A);
        assert_int_equal(r.perms, PERM_READ);
        rule_done(&r);

        /* -p on an -a rule sets the AUDIT_PERM field too */
        parse_watch("-a always,exit -F path=/x -p wa -k k", &r);
        assert_int_equal(r.form, FORM_A);
        assert_int_equal(r.perms, PERM_WRITE | PERM_ATTR);
        rule_done(&r);

        /* no key: still the same kind of kernel rule */
        parse_watch("-a always,exit -F path=/x -F perm=wa", &r);
        assert_int_equal(strv_length(r.keys), 0);
        rule_done(&r);
}

static void test_parse_exe(void **state _unused_) {
        struct rule a = {}, b = {}, c = {};

        parse_watch("-a always,exit -F dir=/var/lib/docker -F perm=wa -F exe=/usr/bin/dockerd -k d", &a);
        assert_string_equal(a.exe, "/usr/bin/dockerd");
        assert_false(a.exe_negated);
        assert_int_equal(a.kind, WATCH_DIR);

        parse_watch("-a always,exit -F dir=/var/lib/docker -F perm=wa -F exe!=/usr/bin/dockerd -k d", &b);
        assert_string_equal(b.exe, "/usr/bin/dockerd");
        assert_true(b.exe_negated);

        parse_watch("-a always,exit -F dir=/var/lib/docker -F perm=wa -k d", &c);
        assert_null(c.exe);

        assert_false(rule_equal(&a, &b));
        assert_false(rule_equal(&a, &c));
        assert_false(rule_equal(&c, &b));
        b.exe_negated = false;
        assert_true(rule_equal(&a, &b));

        rule_done(&a);
        rule_done(&b);
        rule_done(&c);

        assert_invalid("-a always,exit -F path=/x -F perm=wa -F exe=dockerd -k d", NULL);
        assert_invalid("-a always,exit -F path=/x -F perm=wa -F exe=/usr/bin/ -k d", NULL);
        assert_invalid("-a always,exit -F path=/x -F perm=wa -F exe=/a -F exe=/b -k d", NULL);
        assert_invalid("-a always,exit -F path=/x -F perm=wa -F exe>/a -k d", NULL);
}

/* -F auid!=unset, the login-session filter: its spellings, its place, what it is not. */
static void test_parse_auid(void **state _unused_) {
        static const char *const same[] = {
                "-a always,exit -F dir=/run/containerd -F perm=rwa -F auid!=unset -k d",
                "-a always,exit -F dir=/run/containerd -F perm=rwa -F auid!=4294967295 -k d",
                "-a always,exit -F dir=/run/containerd -F perm=rwa -F auid!=-1 -k d",
        };
        static const char *const other[] = {
                "-a always,exit -F dir=/run/containerd -F perm=rwa -F auid=unset -k d",
                "-a always,exit -F dir=/run/containerd -F perm=rwa -F auid!=1000 -k d",
                "-a always,exit -F dir=/run/containerd -F perm=rwa -F auid>=1000 -k d",
                "-a always,exit -F dir=/run/containerd -F auid!=unset -F perm=rwa -k d",
                "-a always,exit -F dir=/run/containerd -F perm=rwa -F auid!=unset -F auid!=unset -k d",
                "-w /run/containerd -p rwa -F auid!=unset -k d",
        };
        struct rule a = {}, b = {}, plain = {}, ex = {};
        _cleanup_free_ char *line = NULL;

        parse_watch(same[0], &a);
        assert_true(a.auid_set);
        assert_int_equal(a.kind, WATCH_DIR);
        assert_int_equal(a.form, FORM_A);
        for (size_t i = 1; i < ELEMENTSOF(same); i++) {
                parse_watch(same[i], &b);
                assert_true(rule_equal(&a, &b));
                rule_done(&b);
        }
        assert_int_equal(rule_format(&a, &line), 0);
        assert_string_equal(line, same[0]);

        parse_watch("-a always,exit -F dir=/run/containerd -F perm=rwa -k d", &plain);
        assert_false(plain.auid_set);
        assert_false(rule_equal(&a, &plain));

        parse_watch("-a always,exit -F dir=/x -F perm=wa -F exe!=/usr/bin/dockerd -F auid!=unset -k d", &ex);
        assert_true(ex.auid_set);
        assert_true(ex.exe_negated);
        free(line);
        line = NULL;
        assert_int_equal(rule_format(&ex, &line), 0);
        assert_string_equal(line, "-a always,exit -F dir=/x -F perm=wa -F exe!=/usr/bin/dockerd -F auid!=unset -k d");

        for (size_t i = 0; i < ELEMENTSOF(other); i++) {
                struct rule r = {};
                int t = rule_parse_line(other[i], &r, NULL);
                if (t != LINE_OTHER_RULE)
                        fail_msg("'%s': type %d, expected another rule", other[i], t);
        }

        /* -w cannot carry the filter: refused on output. */
        a.form = FORM_W;
        free(line);
        line = NULL;
        assert_int_equal(rule_format(&a, &line), -EINVAL);

        rule_done(&a);
        rule_done(&plain);
        rule_done(&ex);
}

static void test_equivalence(void **state _unused_) {
        struct rule a = {}, w = {}, w2 = {}, d = {}, f = {}, A = {};

        parse_watch("-a always,exit -F path=/x -F perm=wa -k k", &a);
        parse_watch("-w /x -p wa -k k", &w);
        parse_watch("-w /x -p aw -k k", &w2);
        parse_watch("-a always,exit -F dir=/x -F perm=wa -k k", &d);
        parse_watch("-a exit,always -F path=/x -F perm=aw -F key=k", &f);
        parse_watch("-A always,exit -F path=/x -F perm=wa -k k", &A);

        assert_int_equal(a.form, FORM_A);
        assert_int_equal(w.form, FORM_W);
        assert_true(rule_equal(&a, &w));
        assert_true(rule_equal(&w, &a));
        assert_true(rule_equal(&w, &w2));
        assert_true(rule_equal(&a, &f));
        assert_true(rule_equal(&a, &A));
        /* dir= is a different kernel field; -w gives WATCH_FILE until the caller decides */
        assert_false(rule_equal(&a, &d));
        assert_false(rule_equal(&w, &d));
        w.kind = WATCH_DIR;
        assert_true(rule_equal(&w, &d));

        rule_done(&a);
        rule_done(&w);
        rule_done(&w2);
        rule_done(&d);
        rule_done(&f);
        rule_done(&A);
}

static void test_equal_fields(void **state _unused_) {
        char *k1[] = { (char *) "a", (char *) "b", NULL };
        char *k2[] = { (char *) "b", (char *) "a", NULL };
        char *k3[] = { (char *) "a", NULL };
        char *k4[] = { (char *) "a", (char *) "c", NULL };
        const struct rule base = { .form = FORM_A, .kind = WATCH_FILE, .path = (char *) "/x",
                                   .perms = PERM_WRITE, .keys = k1 };
        struct rule r;

        r = base;
        assert_true(rule_equal(&base, &r));
        r.form = FORM_W;                /* the form is only how it is written */
        assert_true(rule_equal(&base, &r));
        r = base, r.keys = k2;
        assert_true(rule_equal(&base, &r));
        r = base, r.keys = k3;
        assert_false(rule_equal(&base, &r));
        assert_false(rule_equal(&r, &base));
        r = base, r.keys = k4;
        assert_false(rule_equal(&base, &r));
        r = base, r.keys = NULL;
        assert_false(rule_equal(&base, &r));
        r = base, r.path = (char *) "/y";
        assert_false(rule_equal(&base, &r));
        r = base, r.path = (char *) "/x/";
        assert_false(rule_equal(&base, &r));
        r = base, r.perms = PERM_WRITE | PERM_ATTR;
        assert_false(rule_equal(&base, &r));
        r = base, r.kind = WATCH_DIR;
        assert_false(rule_equal(&base, &r));
        r = base, r.exe = (char *) "/bin/true";
        assert_false(rule_equal(&base, &r));
        assert_false(rule_equal(&r, &base));
}

static void test_key_order(void **state _unused_) {
        struct rule a = {}, b = {}, c = {};

        parse_watch("-w /x -p wa -k a -k b", &a);
        parse_watch("-w /x -p wa -k b -k a", &b);
        parse_watch("-w /x -p wa -k a", &c);
        assert_true(rule_equal(&a, &b));
        assert_false(rule_equal(&a, &c));
        assert_false(rule_equal(&c, &a));
        assert_true(rule_has_key(&a, "a"));
        assert_true(rule_has_key(&a, "b"));
        assert_false(rule_has_key(&c, "b"));
        assert_false(rule_has_key(&c, "aa"));
        rule_done(&a);
        rule_done(&b);
        rule_done(&c);
}

static void test_has_key_null(void **state _unused_) {
        struct rule r = { .path = (char *) "/x" };

        assert_false(rule_has_key(&r, "docker"));
}

static void test_copy(void **state _unused_) {
        struct rule src = {}, dst = {};

        parse_watch("-a always,exit -F dir=/var/lib/docker -F perm=wa -F exe!=/usr/bin/dockerd -k a -k b", &src);
        assert_int_equal(rule_copy(&src, &dst), 0);
        assert_true(rule_equal(&src, &dst));
        assert_int_equal(dst.form, FORM_A);
        assert_int_equal(dst.kind, WATCH_DIR);
        assert_true(dst.exe_negated);
        assert_ptr_not_equal(src.path, dst.path);
        assert_ptr_not_equal(src.exe, dst.exe);
        assert_ptr_not_equal(src.keys, dst.keys);
        assert_ptr_not_equal(src.keys[0], dst.keys[0]);
        dst.path[1] = 'X';
        assert_string_equal(src.path, "/var/lib/docker");
        rule_done(&src);
        assert_string_equal(dst.keys[1], "b");
        rule_done(&dst);

        /* NULL path, exe and keys */
        struct rule empty = { .form = FORM_W, .perms = PERM_READ }, e2 = {};
        assert_int_equal(rule_copy(&empty, &e2), 0);
        assert_null(e2.path);
        assert_null(e2.exe);
        assert_non_null(e2.keys);
        assert_null(e2.keys[0]);
        assert_int_equal(e2.perms, PERM_READ);
        rule_done(&e2);
        rule_done(NULL);
}

static void test_empty_lines(void **state _unused_) {
        static const char * const lines[] = {
                "", " ", "\t \t", "\n", "# comment", "   # indented", "#-w /x -k k",
                "## -D", "\t#\t-e 2",
        };
        struct rule r = { .path = (char *) "sentinel" };

        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                assert_int_equal(rule_parse_line(lines[i], &r, NULL), LINE_EMPTY);
                assert_string_equal(r.path, "sentinel");
        }
}

static void test_control(void **state _unused_) {
        static const char * const lines[] = {
                "-D", "-D -k docker", "-b 8192", "-b 0x100", "-f 0", "-f 1", "-f 2", "-e 0", "-e 1",
                "-e 2", "-c", "-i", "-r 100", "--backlog_wait_time 60000",
                "--backlog_wait_time=60000", "--reset-lost", "--loginuid-immutable",
                "--reset_backlog_wait_time_actual", "--signal HUP", "-s", "-s -i", "-l", "-l -i",
                "-l -k docker", "-q /mnt,/mnt/sub", "-t", "-v", "-m hello",
                "-d always,exit -F path=/x -F perm=wa -k k", "-d exit,always -S all",
                "-W /etc/docker", "-W /etc/docker -p wa -k docker", "-ci",
        };
        struct rule r = { .path = (char *) "sentinel" };

        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                int t = rule_parse_line(lines[i], &r, NULL);

                if (t != LINE_CONTROL)
                        fail_msg("'%s': expected LINE_CONTROL, got %d", lines[i], t);
                assert_string_equal(r.path, "sentinel");
        }
}

static void test_control_rejects(void **state _unused_) {
        assert_invalid("-e 3", "value must be 0, 1 or 2");
        assert_invalid("-e", "option needs a value");
        assert_invalid("-f x", "value must be 0, 1 or 2");
        assert_invalid("-b lots", "value must be a number");
        assert_invalid("-r", "option needs a value");
        assert_invalid("--backlog_wait_time", "option needs a value");
        assert_invalid("--backlog_wait_time=x", "value must be a number");
        assert_invalid("--reset-lost=1", "option takes no value");
        assert_invalid("--reset", "unknown option");    /* ambiguous prefix */
        assert_invalid("--bogus", "unknown option");
        assert_invalid("-D extra", NULL);
        assert_invalid("-D # comment", "trailing comment");
        assert_invalid("-e 2 # lock", "trailing comment");
        assert_invalid("-D -w /x", NULL);
        assert_invalid("-R /etc/audit/audit.rules", NULL);
        assert_invalid("-h", NULL);
        assert_invalid("-q /mnt", NULL);
        assert_invalid("-W relative", "path must be absolute");
        assert_invalid("-d always", "bad -a list or action");
}

static void test_trailing_comment(void **state _unused_) {
        assert_invalid("-w /x -k docker # note", "trailing comment");
        assert_invalid("-w /x -p wa -k docker #note", "trailing comment");
        assert_invalid("-a always,exit -F path=/x -F perm=wa -k k # c", "trailing comment");
        assert_invalid("-a always,exit -S execve -k exec # c", "trailing comment");
        assert_invalid("-w /x -k docker extra", "unexpected argument");
        assert_invalid("-w /x -- -k docker", "unexpected argument");
        /* a '#' inside a value is just a character to auditctl */
        assert_int_equal(parse_type("-w /x -k a#b"), LINE_WATCH);
}

static void test_other_rules(void **state _unused_) {
        static const char * const lines[] = {
                "-a always,exit -F arch=b64 -S execve -k exec",
                "-a exit,always -F arch=b64 -S adjtimex -S settimeofday -k time-change",
                "-a never,exit -F path=/x -F perm=wa",
                "-a never,exit -F path=/x -F perm=wa -k k",
                "-a always,exit -F path=/x -F perm=wa -F auid>=1000 -F auid!=unset -k k",
                "-a always,exit -F path=/x",
                "-a always,exit -F path=/x -S open -k k",
                "-a always,exit -S all -F path=/x -F perm=wa -k k",
                "-a always,exit -F perm=wa -F path=/x -k k",
                "-a always,exit -F path=/x -F exe=/y -F perm=wa -k k",
                "-a always,exit -F path=/x -F perm=wa -F perm=r -k k",
                "-a always,exit -F key=k -F perm=wa -F path=/x",
                "-a always,exit -F key=k -S all",
                "-a always,exit -F path=/x -F perm=wa -C auid!=uid -k k",
                "-a always,exit -F dir=/x -F perm=wa -F success=0 -k k",
                "-a always,task",
                "-a task,never -F uid=0",
                "-a exclude,always -F msgtype=CWD",
                "-a always,user -F uid=0",
                "-a always,filesystem -F fstype=tmpfs",
                "-a always,filesystem -F fstype=debugfs -k k",
                "-A always,exit -F arch=b32 -S all -k k",
                "-a always,exit",
                "-w /x -p wa -F exe=/usr/bin/dockerd -k k",
                "-w /x -p wa -F auid>=1000 -k k",
                "-w /x -p wa -F perm=r -k k",
                "-w /x -S open -k k",
        };

        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                struct rule r = { .path = (char *) "sentinel" };
                const char *why = NULL;
                int t = rule_parse_line(lines[i], &r, &why);

                if (t != LINE_OTHER_RULE)
                        fail_msg("'%s': expected LINE_OTHER_RULE, got %d (%s)", lines[i], t, strempty(why));
                assert_string_equal(r.path, "sentinel");
        }
}

static void test_rejects(void **state _unused_) {
        _cleanup_free_ char *k256 = repeat('k', 256), *k257 = repeat('k', 257),
                            *k128 = repeat('m', 128), *k127 = repeat('n', 127),
                            *name = repeat('n', 256), *l = NULL;

        /* -a list and action */
        assert_invalid("-a always -F path=/x -F perm=wa -k k", "bad -a list or action");
        assert_invalid("-a bogus,always", "bad -a list or action");
        assert_invalid("-a always,bogus", "bad -a list or action");
        assert_invalid("-a always,exit,task", "bad -a list or action");
        assert_invalid("-a always,always", "bad -a list or action");
        assert_invalid("-a exit,exit", "bad -a list or action");
        assert_invalid("-a possible,exit", "bad -a list or action");
        assert_invalid("-a entry,always", "bad -a list or action");
        assert_invalid("-a", "option needs a value");
        assert_invalid("-a always,exit -a always,exit", NULL);

        /* paths */
        assert_invalid("-w relative/x -k k", "path must be absolute");
        assert_invalid("-w x", "path must be absolute");
        assert_invalid("-a always,exit -F path=x -F perm=wa -k k", "path must be absolute");
        assert_invalid("-a always,exit -F dir=./x -F perm=wa -k k", "path must be absolute");
        l = xasprintf("-w /x/%s -k k", name);
        assert_invalid(l, "path must be absolute");
        free(l), l = NULL;
        assert_invalid("-w /x -w /y", NULL);
        assert_invalid("-w /x -F path=/y -k k", NULL);
        assert_invalid("-a always,exit -F path=/x -F dir=/y -F perm=wa", NULL);
        assert_invalid("-a always,task -F path=/x", NULL);
        assert_invalid("-a always,exit -F path!=/x -F perm=wa", NULL);
        assert_invalid("-w /x -a always,exit", NULL);
        assert_invalid("-a always,exit -w /x", NULL);
        assert_invalid("-w", "option needs a value");

        /* permissions */
        assert_invalid("-w /x -p rwq -k k", "bad permissions");
        assert_invalid("-w /x -p rwxar -k k", "bad permissions");
        assert_invalid("-a always,exit -F path=/x -F perm=z -k k", "bad permissions");
        assert_invalid("-a always,exit -F path=/x -F perm= -k k", NULL);
        assert_invalid("-a always,user -F perm=wa", NULL);
        assert_invalid("-p wa -w /x", NULL);
        assert_invalid("-a always,exit -p wa -F path=/x", NULL);

        /* keys */
        l = xasprintf("-w /x -k %s", k256);
        assert_int_equal(parse_type(l), LINE_WATCH);
        free(l), l = NULL;
        l = xasprintf("-w /x -k %s", k257);
        assert_invalid(l, "key too long");
        free(l), l = NULL;
        l = xasprintf("-w /x -k %s -k %s", k128, k127);
        assert_int_equal(parse_type(l), LINE_WATCH);
        free(l), l = NULL;
        l = xasprintf("-w /x -k %s -F key=%s", k128, k128);
        assert_invalid(l, "key too long");
        free(l), l = NULL;
        assert_invalid("-k docker", NULL);
        assert_invalid("-k docker -w /x", NULL);
        assert_invalid("-a always,exit -F path=/x -k k", NULL);
        assert_invalid("-a always,exit -F path=/x -k k -F perm=wa", NULL);
        assert_invalid("-a always,exit -F path=/x -F key=k", "key option needs a watch or syscall given prior to it");
        assert_invalid("-a always,exit -F uid=0 -F key=k", NULL);

        /* fields */
        assert_invalid("-F path=/x", "list must be given before field");
        assert_invalid("-a always,exit -F bogus=1", "unknown field");
        assert_invalid("-a always,exit -F uid", "field without an operator");
        assert_invalid("-a always,exit -F =1", "field without a name");
        assert_invalid("-a always,exit -F uid=", "field without a value");
        assert_invalid("-a always,exit -C auid", NULL);

        /* syscalls */
        assert_invalid("-S open", "no list specified");
        assert_invalid("-a always,task -S open", NULL);
        assert_invalid("-a exclude,always -S open", NULL);

        /* anything else */
        assert_invalid("foo", "unexpected argument");
        assert_invalid("-x", "unknown option");
        assert_invalid("-w:/x", "path must be absolute");
        assert_invalid("-:", "unknown option");
        assert_invalid("-w /x -Z", "unknown option");
        assert_invalid("-", "unexpected argument");
}

static void test_why_optional_and_ret_null(void **state _unused_) {
        assert_int_equal(rule_parse_line("-w relative", NULL, NULL), -EINVAL);
        assert_int_equal(rule_parse_line("-w /x -k k", NULL, NULL), LINE_WATCH);
        assert_int_equal(rule_parse_line("-D", NULL, NULL), LINE_CONTROL);
        assert_int_equal(rule_parse_line("-a always,exit -S all", NULL, NULL), LINE_OTHER_RULE);
        assert_int_equal(rule_parse_line("# x", NULL, NULL), LINE_EMPTY);
        assert_int_equal(rule_parse_line(NULL, NULL, NULL), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_perms_from_string),
                cmocka_unit_test(test_perms_to_string),
                cmocka_unit_test(test_key_valid),
                cmocka_unit_test(test_format_w),
                cmocka_unit_test(test_format_a_file),
                cmocka_unit_test(test_format_a_dir_exe),
                cmocka_unit_test(test_format_multi_key),
                cmocka_unit_test(test_format_rejects),
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_parse_w),
                cmocka_unit_test(test_parse_trailing_slash),
                cmocka_unit_test(test_parse_a),
                cmocka_unit_test(test_parse_exe),
                cmocka_unit_test(test_parse_auid),
                cmocka_unit_test(test_equivalence),
                cmocka_unit_test(test_equal_fields),
                cmocka_unit_test(test_key_order),
                cmocka_unit_test(test_has_key_null),
                cmocka_unit_test(test_copy),
                cmocka_unit_test(test_empty_lines),
                cmocka_unit_test(test_control),
                cmocka_unit_test(test_control_rejects),
                cmocka_unit_test(test_trailing_comment),
                cmocka_unit_test(test_other_rules),
                cmocka_unit_test(test_rejects),
                cmocka_unit_test(test_why_optional_and_ret_null),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
