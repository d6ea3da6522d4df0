/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "config.h"
#include "render.h"
#include "rulesdir.h"
#include "discover.h"
#include "testlib.h"
#include "util.h"

#define _unused_ __attribute__((unused))

#define EV_DOCKERD "docker.service ExecStart (/lib/systemd/system/docker.service)"

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                   */

static struct render_options opts(enum data_root_mode m) {
        return (struct render_options) { .key = "docker", .data_root_mode = m };
}

/* Add a target and set its state; returns its index (pointers move on the next add). */
static size_t add(struct discovery *d, enum component comp, const char *path, const char *evidence,
                  enum path_state state, bool is_dir) {
        struct target *t = NULL;

        assert_int_equal(discovery_add_target(d, comp, path, evidence, &t), 1);
        assert_non_null(t);
        t->state = state;
        t->is_dir = is_dir;
        return d->n_targets - 1;
}

/* Lines of a text that ends with a newline. */
static char **lines_of(const char *text) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        const char *p = text;

        assert_non_null(l);
        assert_true(endswith(text, "\n"));
        while (*p) {
                const char *nl = strchr(p, '\n');
                assert_non_null(nl);
                assert_int_equal(strv_push(&l, strndup(p, (size_t) (nl - p))), 0);
                p = nl + 1;
        }
        return TAKE_PTR(l);
}

/* Every line is blank, a comment or a watch rule; never a control line. Returns the rule lines. */
static char **rule_lines_of(const char *text) {
        _cleanup_strv_free_ char **all = lines_of(text), **rules = calloc(1, sizeof(char *));
        static const char *const control[] = { "-D", "-b", "-f", "-e", "-c", "-i", "-r", "-s", "-l", "--" };

        assert_non_null(rules);
        for (char **i = all; *i; i++) {
                struct rule r = {};
                const char *why = NULL;
                int t;

                for (size_t c = 0; c < ELEMENTSOF(control); c++)
                        if (startswith(*i, control[c]))
                                fail_msg("control line in the fragment: '%s'", *i);
                if (!**i || **i == '#')
                        continue;
                t = rule_parse_line(*i, &r, &why);
                if (t != LINE_WATCH)
                        fail_msg("'%s': expected LINE_WATCH, got %d (%s)", *i, t, strempty(why));
                rule_done(&r);
                assert_int_equal(strv_extend(&rules, *i), 0);
        }
        return TAKE_PTR(rules);
}

static void assert_lines(char **got, const char *const *expected, size_t n) {
        for (size_t i = 0; i < n; i++) {
                if (!got[i])
                        fail_msg("line %zu missing, expected '%s'", i, expected[i]);
                if (!streq(got[i], expected[i]))
                        fail_msg("line %zu: expected '%s', got '%s'", i, expected[i], got[i]);
        }
        if (got[n])
                fail_msg("unexpected extra line %zu: '%s'", n, got[n]);
}

static bool has_line(char **lines, const char *line) {
        return strv_contains(lines, line);
}

/* render + render_fragment, both must succeed. */
static void render_all(const struct discovery *d, const struct render_options *o, const struct rules_dir *others,
                       struct ruleset *s, char **text) {
        assert_int_equal(render(d, o, others, s), 0);
        assert_int_equal(render_fragment(d, s, o, text), 0);
        assert_non_null(*text);
}

/* One data root, expect exactly one rule line. */
static void check_data_root(enum data_root_mode m, const char *dockerd, const char *expected) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(m);
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **rules = NULL;

        add(&d, COMP_DATA_ROOT, "/var/lib/docker", "daemon.json data-root", PATH_EXISTS, true);
        if (dockerd) {
                d.dockerd = strdup(dockerd);
                assert_non_null(d.dockerd);
        }
        render_all(&d, &o, NULL, &s, &text);
        rules = rule_lines_of(text);
        if (expected) {
                const char *e[] = { expected };
                assert_lines(rules, e, 1);
                assert_int_equal(s.n_rules, 1);
                assert_int_equal(s.rules[0].target, 0);
                assert_true(rendered_writes(&s.rules[0]));
        } else {
                assert_lines(rules, NULL, 0);
                assert_int_equal(s.n_rules, 0);
                assert_null(strstr(text, "/var/lib/docker"));
        }
        ruleset_done(&s);
        discovery_done(&d);
}

/* ---------------------------------------------------------------------------------------- */

static void test_comment_safe(void **state _unused_) {
        _cleanup_free_ char *a = comment_safe("a\nb\tc\x7f" "d\x1b[31m\r"), *b = comment_safe(NULL),
                            *c = comment_safe("caf\xc3\xa9 /x #y"), *e = comment_safe("");

        assert_string_equal(a, "a?b?c?d?[31m?");
        assert_string_equal(b, "");
        assert_string_equal(c, "caf\xc3\xa9 /x #y");
        assert_string_equal(e, "");
}

static void test_cis_binary(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(DATA_ROOT_STATE);
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **lines = NULL, **rules = NULL;
        const char *body;
        size_t i;

        i = add(&d, COMP_DOCKERD, "/usr/bin/dockerd", EV_DOCKERD, PATH_EXISTS, false);
        d.targets[i].cis_literal = true;
        render_all(&d, &o, NULL, &s, &text);

        assert_int_equal(s.n_rules, 1);
        assert_int_equal(s.rules[0].target, 0);
        assert_int_equal(s.rules[0].rule.form, FORM_W);
        assert_int_equal(s.rules[0].rule.kind, WATCH_FILE);
        assert_int_equal(s.rules[0].rule.perms, PERM_ALL);
        assert_string_equal(s.rules[0].rule.path, "/usr/bin/dockerd");
        assert_null(s.rules[0].rule.exe);
        assert_int_equal(strv_length(s.rules[0].rule.keys), 1);
        assert_string_equal(s.rules[0].rule.keys[0], "docker");
        assert_false(s.rules[0].live_only);
        assert_null(s.rules[0].provided_by);
        assert_true(rendered_loads(&s.rules[0]));
        assert_true(rendered_writes(&s.rules[0]));

        /* the header names the key and the mode, the body is exact */
        assert_non_null(startswith(text, "# Audit rules for Docker, generated by docker-audit-rules "
                                         PACKAGE_VERSION ".\n"));
        lines = lines_of(text);
        assert_true(has_line(lines, "# Settings: key \"docker\", permissions default, data root mode \"state\", run mode "
                                    "\"session\","));
        body = strstr(text, "\n\n");
        assert_non_null(body);
        assert_string_equal(body, "\n\n"
                            "# CIS 1.1.3/1.2.3 dockerd\n"
                            "#   " EV_DOCKERD "; also the CIS Benchmark's path\n"
                            "-w /usr/bin/dockerd -p rwxa -k docker\n");

        rules = rule_lines_of(text);
        {
                const char *e[] = { "-w /usr/bin/dockerd -p rwxa -k docker" };
                assert_lines(rules, e, 1);
        }
        ruleset_done(&s);
        assert_null(s.rules);
        assert_int_equal(s.n_rules, 0);
        discovery_done(&d);
}

static void test_key_and_no_cis(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = { .key = "ctr-audit", .data_root_mode = DATA_ROOT_OFF };
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **rules = NULL, **lines = NULL;

        add(&d, COMP_DOCKER_PROXY, "/usr/bin/docker-proxy", "dockerd --userland-proxy-path", PATH_EXISTS, false);
        add(&d, COMP_TLS, "/etc/docker/certs", "daemon.json tlscacert", PATH_EXISTS, true);
        render_all(&d, &o, NULL, &s, &text);

        lines = lines_of(text);
        assert_true(has_line(lines, "# Settings: key \"ctr-audit\", permissions default, data root mode \"off\", run mode "
                                    "\"session\","));
        assert_true(has_line(lines, "# docker-proxy (no CIS item)"));
        assert_true(has_line(lines, "# tls (no CIS item)"));
        assert_true(has_line(lines, "#   dockerd --userland-proxy-path"));
        rules = rule_lines_of(text);
        {
                const char *e[] = {
                        "-w /usr/bin/docker-proxy -p rwxa -k ctr-audit",
                        "-w /etc/docker/certs -p wa -k ctr-audit",    /* tls: wa by default */
                };
                assert_lines(rules, e, 2);
        }
        assert_int_equal(s.rules[1].rule.kind, WATCH_DIR);
        /* Permissions given for every rule are recorded as letters. */
        free(text);
        text = NULL;
        ruleset_done(&s);
        o.perms = PERM_WRITE | PERM_ATTR;
        d.cis_paths = true;
        render_all(&d, &o, NULL, &s, &text);
        assert_non_null(strstr(text, "# Settings: key \"ctr-audit\", permissions wa, data root mode \"off\", run mode "
                                     "\"session\",\n# binary reads \"all\", CIS paths yes."));
        ruleset_done(&s);
        discovery_done(&d);
}

static void test_data_root_modes(void **state _unused_) {
        check_data_root(DATA_ROOT_STATE, "/usr/bin/dockerd",
                        "-a always,exit -F dir=/var/lib/docker -F perm=wa -F exe!=/usr/bin/dockerd -k docker");
        check_data_root(DATA_ROOT_STATE, NULL,
                        "-a always,exit -F dir=/var/lib/docker -F perm=wa -k docker");
        /* a dockerd path that cannot be written on a rules line: no filter rather than a broken line */
        check_data_root(DATA_ROOT_STATE, "/opt/my docker/dockerd",
                        "-a always,exit -F dir=/var/lib/docker -F perm=wa -k docker");
        check_data_root(DATA_ROOT_CIS, "/usr/bin/dockerd",
                        "-a always,exit -F path=/var/lib/docker -F perm=rwa -k docker");
        check_data_root(DATA_ROOT_RECURSIVE, "/usr/bin/dockerd",
                        "-w /var/lib/docker -p wa -k docker");
        check_data_root(DATA_ROOT_OFF, "/usr/bin/dockerd", NULL);
}

static void test_data_root_state_struct(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(DATA_ROOT_STATE);
        _cleanup_free_ char *text = NULL;

        add(&d, COMP_DATA_ROOT, "/srv/docker", "daemon.json data-root", PATH_EXISTS, true);
        d.dockerd = strdup("/usr/local/bin/dockerd");
        render_all(&d, &o, NULL, &s, &text);
        assert_int_equal(s.n_rules, 1);
        assert_int_equal(s.rules[0].rule.form, FORM_A);
        assert_int_equal(s.rules[0].rule.kind, WATCH_DIR);
        assert_int_equal(s.rules[0].rule.perms, PERM_WRITE | PERM_ATTR);
        assert_string_equal(s.rules[0].rule.exe, "/usr/local/bin/dockerd");
        assert_true(s.rules[0].rule.exe_negated);
        assert_string_equal(s.rules[0].rule.path, "/srv/docker");
        assert_non_null(strstr(text, "\n# CIS 1.1.5/1.2.4 data-root\n#   daemon.json data-root\n"
                                     "-a always,exit -F dir=/srv/docker -F perm=wa -F exe!=/usr/local/bin/dockerd "
                                     "-k docker\n"));
        ruleset_done(&s);
        discovery_done(&d);
}

static void test_data_root_owner(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(DATA_ROOT_STATE);
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **rules = NULL;
        size_t i;

        /* the daemon seen writing the data root wins over the configured dockerd */
        i = add(&d, COMP_DATA_ROOT, "/var/lib/docker", "running dockerd", PATH_EXISTS, true);
        d.targets[i].owner = strdup("/usr/local/bin/dockerd");
        d.dockerd = strdup("/usr/bin/dockerd");
        render_all(&d, &o, NULL, &s, &text);
        rules = rule_lines_of(text);
        {
                const char *e[] = { "-a always,exit -F dir=/var/lib/docker -F perm=wa "
                                    "-F exe!=/usr/local/bin/dockerd -k docker" };
                assert_lines(rules, e, 1);
        }
        ruleset_done(&s);
        discovery_done(&d);
}

static void test_volatile_parent(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(DATA_ROOT_STATE);
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **rules = NULL, **lines = NULL;
        size_t i;

        add(&d, COMP_DOCKERD, "/usr/bin/dockerd", EV_DOCKERD, PATH_EXISTS, false);
        i = add(&d, COMP_CONTAINERD_SOCK, "/run/containerd/containerd.sock", "containerd config.toml grpc.address",
                PATH_EXISTS, false);
        d.targets[i].volatile_parent = true;
        render_all(&d, &o, NULL, &s, &text);

        assert_int_equal(s.n_rules, 2);
        assert_int_equal(s.rules[1].target, 1);
        assert_true(s.rules[1].live_only);
        assert_null(s.rules[1].provided_by);
        assert_true(rendered_loads(&s.rules[1]));
        assert_false(rendered_writes(&s.rules[1]));
        assert_false(s.rules[0].live_only);
        assert_true(rendered_writes(&s.rules[0]));

        lines = lines_of(text);
        assert_true(has_line(lines, "#   -w /run/containerd/containerd.sock -p rwxa -k docker"));
        assert_false(has_line(lines, "-w /run/containerd/containerd.sock -p rwxa -k docker"));
        rules = rule_lines_of(text);
        {
                const char *e[] = { "-w /usr/bin/dockerd -p rwxa -k docker" };
                assert_lines(rules, e, 1);
        }
        ruleset_done(&s);
        discovery_done(&d);
}

static void test_skipped_and_missing(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(DATA_ROOT_STATE);
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **rules = NULL;
        size_t i;

        i = add(&d, COMP_TLS, "/etc/docker/tls/ca.pem", "daemon.json tlscacert", PATH_EXISTS, false);
        d.targets[i].skip = strdup("the path cannot be written on one rules line");
        /* missing, neither read by the configuration nor a CIS path: nothing */
        add(&d, COMP_DOCKER_INIT, "/usr/libexec/docker/docker-init", "default location", PATH_MISSING, false);
        add(&d, COMP_DROPIN, "/etc/systemd/system/docker.service.d/x.conf", "drop-in", PATH_PARENT_MISSING, false);
        /* missing but read by the configuration: watched while missing */
        i = add(&d, COMP_DAEMON_JSON, "/etc/docker/daemon.json", "dockerd default --config-file",
                PATH_MISSING, false);
        d.targets[i].wanted_missing = true;
        /* missing but the CIS path */
        i = add(&d, COMP_DEFAULT_DOCKER, "/etc/default/docker", "the CIS Benchmark's path", PATH_MISSING, false);
        d.targets[i].cis_literal = true;
        d.targets[i].cis_only = true;
        /* a target without a path */
        assert_int_equal(discovery_add_target(&d, COMP_RUNTIME, NULL, "no path", NULL), 1);

        render_all(&d, &o, NULL, &s, &text);
        assert_int_equal(s.n_rules, 2);
        assert_int_equal(s.rules[0].target, 4);   /* default-docker sorts before daemon.json */
        assert_int_equal(s.rules[1].target, 3);
        assert_int_equal(s.rules[0].rule.kind, WATCH_FILE);
        assert_int_equal(s.rules[1].rule.kind, WATCH_FILE);

        rules = rule_lines_of(text);
        {
                /* component order: default-docker before daemon.json */
                const char *e[] = {
                        "-w /etc/default/docker -p rwxa -k docker",
                        "-w /etc/docker/daemon.json -p rwxa -k docker",
                };
                assert_lines(rules, e, 2);
        }
        assert_null(strstr(text, "ca.pem"));
        assert_null(strstr(text, "docker-init"));
        assert_null(strstr(text, "x.conf"));
        /* the evidence already says it is the CIS path: not said twice */
        assert_non_null(strstr(text, "\n#   the CIS Benchmark's path\n-w /etc/default/docker"));
        ruleset_done(&s);
        discovery_done(&d);
}

static void write_at(const char *dir, const char *rel, const char *data) {
        _cleanup_free_ char *p = path_join(dir, rel);
        FILE *f;

        assert_non_null(p);
        f = fopen(p, "we");
        assert_non_null(f);
        assert_true(fputs(data, f) >= 0);
        assert_int_equal(fclose(f), 0);
}

static void test_provided_by(void **state _unused_) {
        char tmp[] = "/tmp/test-render-XXXXXX";
        struct root root = {};
        struct rules_dir rd = {};
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(DATA_ROOT_STATE);
        _cleanup_free_ char *text = NULL, *rules_real = NULL, *etc_docker = NULL;
        _cleanup_strv_free_ char **rules = NULL, **lines = NULL;

        assert_non_null(mkdtemp(tmp));
        assert_int_equal(root_init(&root, tmp), 0);
        etc_docker = path_join(tmp, "/etc");
        assert_int_equal(mkdir(etc_docker, 0755), 0);
        free(etc_docker);
        etc_docker = path_join(tmp, "/etc/docker");
        assert_int_equal(mkdir(etc_docker, 0755), 0);
        rules_real = path_join(tmp, "/rules.d");
        assert_int_equal(mkdir(rules_real, 0755), 0);
        write_at(rules_real, "10-other.rules",
                 "# another tool\n"
                 "\n"
                 "-w /etc/docker -p rwxa -k docker\n"
                 "-w /etc/docker/daemon.json -p rwxa -k other\n");
        /* our own fragment is not "another" one */
        write_at(rules_real, "50-docker.rules", "-w /usr/bin/dockerd -p rwxa -k docker\n");

        assert_int_equal(rules_dir_read(&root, rules_real, "/etc/audit/rules.d", "50-docker.rules", &rd), 0);
        assert_int_equal(strv_length(rd.files), 1);

        add(&d, COMP_DOCKERD, "/usr/bin/dockerd", EV_DOCKERD, PATH_EXISTS, false);
        add(&d, COMP_ETC_DOCKER, "/etc/docker", "dockerd default", PATH_EXISTS, true);
        add(&d, COMP_DAEMON_JSON, "/etc/docker/daemon.json", "dockerd default --config-file", PATH_EXISTS, false);
        render_all(&d, &o, &rd, &s, &text);

        assert_int_equal(s.n_rules, 3);
        assert_null(s.rules[0].provided_by);
        assert_int_equal(s.rules[1].target, 1);
        assert_non_null(s.rules[1].provided_by);
        assert_string_equal(s.rules[1].provided_by, "/etc/audit/rules.d/10-other.rules:3");
        assert_false(rendered_loads(&s.rules[1]));
        assert_false(rendered_writes(&s.rules[1]));
        /* another key is another kernel rule */
        assert_null(s.rules[2].provided_by);
        assert_true(rendered_writes(&s.rules[2]));

        lines = lines_of(text);
        assert_true(has_line(lines, "#   already in /etc/audit/rules.d/10-other.rules:3; not repeated "
                                    "(a duplicate would stop the boot-time load)"));
        assert_true(has_line(lines, "#   -w /etc/docker -p rwxa -k docker"));
        rules = rule_lines_of(text);
        {
                const char *e[] = {
                        "-w /usr/bin/dockerd -p rwxa -k docker",
                        "-w /etc/docker/daemon.json -p rwxa -k docker",
                };
                assert_lines(rules, e, 2);
        }

        ruleset_done(&s);
        discovery_done(&d);
        rules_dir_done(&rd);
        root_done(&root);
        assert_int_equal(rm_rf(tmp), 0);
}

static void test_provided_by_hand_hostile_name(void **state _unused_) {
        char *keys[] = { (char *) "docker", NULL };
        char *files[] = { (char *) "/etc/audit/rules.d/x\n-D.rules", NULL };
        struct rules_line l = {
                .file = files[0], .line = 7, .type = LINE_WATCH, .text = (char *) "-w /usr/bin/runc -p rwxa -k docker",
                .rule = { .form = FORM_W, .kind = WATCH_FILE, .path = (char *) "/usr/bin/runc",
                          .perms = PERM_ALL, .keys = keys },
        };
        struct rules_dir rd = { .dir = (char *) "/etc/audit/rules.d", .files = files, .lines = &l, .n_lines = 1 };
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(DATA_ROOT_STATE);
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **rules = NULL, **lines = NULL;

        add(&d, COMP_RUNC, "/usr/bin/runc", "containerd runtime", PATH_EXISTS, false);
        render_all(&d, &o, &rd, &s, &text);
        assert_int_equal(s.n_rules, 1);
        assert_string_equal(s.rules[0].provided_by, "/etc/audit/rules.d/x\n-D.rules:7");
        lines = lines_of(text);
        assert_true(has_line(lines, "#   already in /etc/audit/rules.d/x?-D.rules:7; not repeated "
                                    "(a duplicate would stop the boot-time load)"));
        rules = rule_lines_of(text);
        assert_lines(rules, NULL, 0);
        ruleset_done(&s);
        discovery_done(&d);
}

static void test_perms_override(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {}, s2 = {};
        struct render_options o = opts(DATA_ROOT_CIS);
        _cleanup_free_ char *text = NULL, *text2 = NULL;
        _cleanup_strv_free_ char **rules = NULL, **rules2 = NULL;

        add(&d, COMP_DOCKERD, "/usr/bin/dockerd", EV_DOCKERD, PATH_EXISTS, false);
        add(&d, COMP_DATA_ROOT, "/var/lib/docker", "dockerd default", PATH_EXISTS, true);
        add(&d, COMP_ETC_DOCKER, "/etc/docker", "dockerd default", PATH_EXISTS, true);
        d.dockerd = strdup("/usr/bin/dockerd");

        o.perms = PERM_WRITE | PERM_ATTR;
        render_all(&d, &o, NULL, &s, &text);
        rules = rule_lines_of(text);
        {
                const char *e[] = {
                        "-w /usr/bin/dockerd -p wa -k docker",
                        "-a always,exit -F path=/var/lib/docker -F perm=rwa -k docker",
                        "-w /etc/docker -p wa -k docker",
                };
                assert_lines(rules, e, 3);
        }

        o.data_root_mode = DATA_ROOT_STATE;
        o.perms = PERM_READ;
        render_all(&d, &o, NULL, &s2, &text2);
        rules2 = rule_lines_of(text2);
        {
                const char *e[] = {
                        "-w /usr/bin/dockerd -p r -k docker",
                        "-a always,exit -F dir=/var/lib/docker -F perm=wa -F exe!=/usr/bin/dockerd -k docker",
                        "-w /etc/docker -p r -k docker",
                };
                assert_lines(rules2, e, 3);
        }
        ruleset_done(&s);
        ruleset_done(&s2);
        discovery_done(&d);
}

static void test_order_stable(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {}, s2 = {};
        struct render_options o = opts(DATA_ROOT_RECURSIVE);
        _cleanup_free_ char *text = NULL, *text2 = NULL;
        _cleanup_strv_free_ char **rules = NULL;

        /* added in no particular order */
        add(&d, COMP_RUNC, "/usr/sbin/runc", "containerd runtime", PATH_EXISTS, false);
        add(&d, COMP_TLS, "/etc/docker/b.pem", "tls", PATH_EXISTS, false);
        add(&d, COMP_DOCKERD, "/usr/bin/dockerd", EV_DOCKERD, PATH_EXISTS, false);
        add(&d, COMP_RUNC, "/usr/bin/runc", "the CIS Benchmark's path", PATH_EXISTS, false);
        add(&d, COMP_TLS, "/etc/docker/a.pem", "tls", PATH_EXISTS, false);
        add(&d, COMP_ETC_DOCKER, "/etc/docker", "dockerd default", PATH_EXISTS, true);
        add(&d, COMP_DATA_ROOT, "/var/lib/docker", "dockerd default", PATH_EXISTS, true);

        render_all(&d, &o, NULL, &s, &text);
        render_all(&d, &o, NULL, &s2, &text2);
        assert_string_equal(text, text2);

        assert_int_equal(s.n_rules, 7);
        {
                const size_t order[] = { 2, 6, 5, 3, 0, 4, 1 };
                for (size_t i = 0; i < ELEMENTSOF(order); i++)
                        assert_int_equal(s.rules[i].target, order[i]);
        }
        rules = rule_lines_of(text);
        {
                const char *e[] = {
                        "-w /usr/bin/dockerd -p rwxa -k docker",
                        "-w /var/lib/docker -p wa -k docker",
                        "-w /etc/docker -p rwxa -k docker",
                        "-w /usr/bin/runc -p rwxa -k docker",
                        "-w /usr/sbin/runc -p rwxa -k docker",
                        "-w /etc/docker/a.pem -p wa -k docker",
                        "-w /etc/docker/b.pem -p wa -k docker",
                };
                assert_lines(rules, e, 7);
        }
        ruleset_done(&s);
        ruleset_done(&s2);
        discovery_done(&d);
}

static void test_hostile_evidence(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(DATA_ROOT_STATE);
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **rules = NULL, **lines = NULL;

        add(&d, COMP_DOCKERD, "/usr/bin/dockerd", "ExecStart=x\n-D\n-e 2\r\n-b 8192\x7f", PATH_EXISTS, false);
        render_all(&d, &o, NULL, &s, &text);
        lines = lines_of(text);
        assert_true(has_line(lines, "#   ExecStart=x?-D?-e 2?" "?-b 8192?"));
        rules = rule_lines_of(text);    /* fails on any control line */
        {
                const char *e[] = { "-w /usr/bin/dockerd -p rwxa -k docker" };
                assert_lines(rules, e, 1);
        }
        ruleset_done(&s);
        discovery_done(&d);
}

static void test_everything_parses(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        _cleanup_free_ char *text = NULL;
        size_t i;

        for (enum data_root_mode m = 0; m < _DATA_ROOT_MODE_MAX; m++) {
                struct render_options o = opts(m);
                _cleanup_strv_free_ char **rules = NULL;

                discovery_done(&d);
                free(text);
                text = NULL;
                d.dockerd = strdup("/usr/bin/dockerd");
                add(&d, COMP_DOCKERD, "/usr/bin/dockerd", EV_DOCKERD, PATH_EXISTS, false);
                add(&d, COMP_RUN_CONTAINERD, "/run/containerd", "containerd state", PATH_EXISTS, true);
                add(&d, COMP_DATA_ROOT, "/var/lib/docker", "dockerd default", PATH_EXISTS, true);
                add(&d, COMP_DOCKER_SERVICE, "/lib/systemd/system/docker.service", "systemd", PATH_EXISTS, false);
                i = add(&d, COMP_DOCKER_SOCK, "/run/docker.sock", "docker.socket ListenStream", PATH_EXISTS, false);
                d.targets[i].link = true;
                i = add(&d, COMP_CONTAINERD_SOCK, "/run/containerd/containerd.sock", "config.toml", PATH_EXISTS, false);
                d.targets[i].volatile_parent = true;
                i = add(&d, COMP_SYSCONFIG_DOCKER, "/etc/sysconfig/docker", "the CIS Benchmark's path",
                        PATH_MISSING, false);
                d.targets[i].cis_literal = true;

                render_all(&d, &o, NULL, &s, &text);
                rules = rule_lines_of(text);
                assert_int_equal(strv_length(rules), m == DATA_ROOT_OFF ? 5 : 6);
                /* /run/containerd: path= at boot, and the live-only dir= auid!=unset. */
                assert_int_equal(s.n_rules, m == DATA_ROOT_OFF ? 7 : 8);
                ruleset_done(&s);
        }
        discovery_done(&d);
}

/* containerd's run-time directory in each run mode: the rules, which of them load at boot, and
 * that each line reads back as the rule it was written from. */
static void test_run_modes(void **state _unused_) {
        static const struct {
                enum run_mode mode;
                const char *state_dir;
                const char *lines[3];     /* the rendered rules, in order */
                bool live_only[2];
        } cases[] = {
                { RUN_SESSION, "/run/containerd",
                  { "-a always,exit -F path=/run/containerd -F perm=rwa -k docker",
                    "-a always,exit -F dir=/run/containerd -F perm=rwa -F auid!=unset -k docker" },
                  { false, true } },
                { RUN_SESSION, "/var/lib/ctrd-state",
                  { "-a always,exit -F path=/var/lib/ctrd-state -F perm=rwa -k docker",
                    "-a always,exit -F dir=/var/lib/ctrd-state -F perm=rwa -F auid!=unset -k docker" },
                  { false, false } },
                { RUN_CIS, "/run/containerd", { "-a always,exit -F path=/run/containerd -F perm=rwa -k docker" }, {} },
                { RUN_RECURSIVE, "/run/containerd", { "-w /run/containerd -p rwa -k docker" }, {} },
        };

        for (size_t c = 0; c < ELEMENTSOF(cases); c++) {
                struct discovery d = {};
                struct ruleset s = {};
                struct render_options o = opts(DATA_ROOT_STATE);
                _cleanup_free_ char *text = NULL;
                size_t n = 0;

                o.run_mode = cases[c].mode;
                add(&d, COMP_RUN_CONTAINERD, cases[c].state_dir, "containerd state", PATH_EXISTS, true);
                render_all(&d, &o, NULL, &s, &text);
                while (n < 3 && cases[c].lines[n])
                        n++;
                assert_int_equal(s.n_rules, n);
                for (size_t i = 0; i < n; i++) {
                        _cleanup_free_ char *line = NULL;
                        struct rule back = {};

                        assert_int_equal(rule_format(&s.rules[i].rule, &line), 0);
                        assert_string_equal(line, cases[c].lines[i]);
                        assert_int_equal(s.rules[i].live_only, cases[c].live_only[i]);
                        assert_int_equal(rule_parse_line(line, &back, NULL), LINE_WATCH);
                        if (back.form == FORM_W) /* -w: the kind is the file system's to decide */
                                back.kind = s.rules[i].rule.kind;
                        assert_true(rule_equal(&back, &s.rules[i].rule));
                        rule_done(&back);
                        /* The boot-time line is in the fragment, the live-only one a comment. */
                        assert_non_null(strstr(text, s.rules[i].live_only ? "#   -a always" : "\n-"));
                }
                ruleset_done(&s);
                discovery_done(&d);
        }
}

/* The fragment does not change when containerd makes or removes /run/containerd: --check
 * compares it with what the host needs now. */
static void test_session_fragment_stable(void **state _unused_) {
        _cleanup_free_ char *with = NULL, *without = NULL;
        struct render_options o = opts(DATA_ROOT_STATE);

        for (int exists = 0; exists < 2; exists++) {
                struct discovery d = {};
                struct ruleset s = {};
                size_t i = add(&d, COMP_RUN_CONTAINERD, "/run/containerd", "containerd state",
                               exists ? PATH_EXISTS : PATH_MISSING, exists);

                d.targets[i].wanted_missing = true;
                render_all(&d, &o, NULL, &s, exists ? &with : &without);
                assert_int_equal(s.n_rules, exists ? 2 : 1);
                ruleset_done(&s);
                discovery_done(&d);
        }
        assert_string_equal(with, without);
        assert_non_null(strstr(with, "\n#   -a always,exit -F dir=/run/containerd -F perm=rwa -F auid!=unset -k docker\n"));
}

/* Binary reads "others": an existing binary's read class moves to a rule of its own that leaves
 * out the binary's reads of itself; executions stay with writes and attribute changes. A link, a
 * missing path, a directory and a component that is no program keep their one rule. */
static void test_binary_reads(void **state _unused_) {
        static const char *const all[] = {
                "-w /usr/bin/dockerd -p rwxa -k docker",
                "-w /etc/docker -p rwxa -k docker",
                "-w /usr/bin/runc -p rwxa -k docker",
                "-w /usr/sbin/runc -p rwxa -k docker",
                "-w /usr/bin/docker -p wa -k docker",
        };
        static const char *const others[] = {
                "-w /usr/bin/dockerd -p rwxa -k docker",
                "-w /etc/docker -p rwxa -k docker",
                "-w /usr/bin/runc -p rwxa -k docker",
                "-w /usr/sbin/runc -p wxa -k docker",
                "-a always,exit -F path=/usr/sbin/runc -F perm=r -F exe!=/usr/sbin/runc -k docker",
                "-w /usr/bin/docker -p wa -k docker",
        };

        for (enum binary_reads b = 0; b < _BINARY_READS_MAX; b++) {
                struct discovery d = {};
                struct ruleset s = {};
                struct render_options o = opts(DATA_ROOT_STATE);
                _cleanup_free_ char *text = NULL;
                _cleanup_strv_free_ char **rules = NULL, **lines = NULL;
                size_t i, n_self = 0;

                o.binary_reads = b;
                d.cis_paths = true;
                /* Added out of order: the rules of one target come out together, the one without
                 * an exe filter first. */
                add(&d, COMP_RUNC, "/usr/sbin/runc", "found in /usr/sbin", PATH_EXISTS, false);
                i = add(&d, COMP_RUNC, "/usr/bin/runc", CIS_EVIDENCE, PATH_EXISTS, false);
                d.targets[i].link = true;
                d.targets[i].cis_literal = d.targets[i].cis_only = true;
                i = add(&d, COMP_DOCKERD, "/usr/bin/dockerd", CIS_EVIDENCE, PATH_MISSING, false);
                d.targets[i].cis_literal = d.targets[i].cis_only = true;
                add(&d, COMP_ETC_DOCKER, "/etc/docker", "dockerd's configuration directory", PATH_EXISTS, true);
                add(&d, COMP_DOCKER_CLIENT, "/usr/bin/docker", "found in /usr/bin", PATH_EXISTS, false);
                render_all(&d, &o, NULL, &s, &text);
                rules = rule_lines_of(text);
                if (b == BINARY_READS_ALL)
                        assert_lines(rules, all, ELEMENTSOF(all));
                else
                        assert_lines(rules, others, ELEMENTSOF(others));
                lines = lines_of(text);
                assert_true(has_line(lines, b == BINARY_READS_ALL ? "# binary reads \"all\", CIS paths yes. Only lines "
                                                                    "that load at boot are rules; the"
                                                                  : "# binary reads \"others\", CIS paths yes. Only "
                                                                    "lines that load at boot are rules; the"));
                /* Every line reads back as the rule it was written from. */
                for (size_t k = 0; k < s.n_rules; k++) {
                        _cleanup_free_ char *line = NULL;
                        struct rule back = {};

                        assert_int_equal(rule_format(&s.rules[k].rule, &line), 0);
                        assert_int_equal(rule_parse_line(line, &back, NULL), LINE_WATCH);
                        if (back.form == FORM_W)
                                back.kind = s.rules[k].rule.kind;
                        assert_true(rule_equal(&back, &s.rules[k].rule));
                        rule_done(&back);
                        assert_true(rendered_loads(&s.rules[k]) && rendered_writes(&s.rules[k]));
                        if (render_is_self_read(&s.rules[k].rule)) {
                                n_self++;
                                assert_string_equal(s.rules[k].rule.path, "/usr/sbin/runc");
                                assert_true(k > 0 && s.rules[k - 1].target == s.rules[k].target);
                        }
                }
                assert_int_equal(n_self, b == BINARY_READS_OTHERS);
                if (b == BINARY_READS_OTHERS) {
                        /* One heading for the two rules, which says what is left out. */
                        assert_non_null(strstr(text, "\n# CIS 1.1.18/1.2.12 runc\n"
                                                     "#   found in /usr/sbin\n"
                                                     "#   binary reads \"others\": its reads by the program itself are "
                                                     "not recorded; its\n"
                                                     "#   executions, writes and attribute changes and every other "
                                                     "program's reads are\n"
                                                     "-w /usr/sbin/runc -p wxa -k docker\n"
                                                     "-a always,exit -F path=/usr/sbin/runc -F perm=r -F exe!=/usr/sbin/runc "
                                                     "-k docker\n"));
                        assert_null(strstr(text, "\n# CIS 1.1.18/1.2.12 runc\n#   found in /usr/sbin\n-w"));
                }
                ruleset_done(&s);
                discovery_done(&d);
        }
}

/* Binary reads "others" with -p: only the read class asked for leaves the read rule alone; no
 * read class, the one rule. The names of the setting. */
static void test_binary_reads_perms(void **state _unused_) {
        static const struct {
                const char *perms;
                const char *lines[2];
        } cases[] = {
                { "r", { "-a always,exit -F path=/usr/bin/containerd -F perm=r -F exe!=/usr/bin/containerd -k docker" } },
                { "wa", { "-w /usr/bin/containerd -p wa -k docker" } },
                { "rx", { "-w /usr/bin/containerd -p x -k docker",
                          "-a always,exit -F path=/usr/bin/containerd -F perm=r -F exe!=/usr/bin/containerd -k docker" } },
        };

        for (size_t c = 0; c < ELEMENTSOF(cases); c++) {
                struct discovery d = {};
                struct ruleset s = {};
                struct render_options o = opts(DATA_ROOT_STATE);
                _cleanup_free_ char *text = NULL;
                _cleanup_strv_free_ char **rules = NULL;

                o.binary_reads = BINARY_READS_OTHERS;
                assert_int_equal(perms_from_string(cases[c].perms, &o.perms), 0);
                add(&d, COMP_CONTAINERD, "/usr/bin/containerd", "containerd.service ExecStart", PATH_EXISTS, false);
                render_all(&d, &o, NULL, &s, &text);
                rules = rule_lines_of(text);
                assert_lines(rules, cases[c].lines, cases[c].lines[1] ? 2 : 1);
                ruleset_done(&s);
                discovery_done(&d);
        }
        assert_string_equal(binary_reads_to_string(BINARY_READS_ALL), "all");
        assert_string_equal(binary_reads_to_string(BINARY_READS_OTHERS), "others");
        assert_int_equal(binary_reads_from_string("others"), BINARY_READS_OTHERS);
        assert_int_equal(binary_reads_from_string("all"), BINARY_READS_ALL);
        assert_int_equal((int) binary_reads_from_string("quiet"), -1);
        assert_null(binary_reads_to_string(_BINARY_READS_MAX));
}

/* A rules file that already holds one of the two rules: that one is held there, the other ours. */
static void test_binary_reads_provided_by(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = opts(DATA_ROOT_STATE);
        struct rules_dir others = {};
        struct rules_line l = { .type = LINE_WATCH, .file = "/etc/audit/rules.d/30-fleet.rules", .line = 4 };
        _cleanup_free_ char *text = NULL;

        o.binary_reads = BINARY_READS_OTHERS;
        assert_int_equal(rule_parse_line("-w /usr/sbin/runc -p wxa -k docker", &l.rule, NULL), LINE_WATCH);
        others.lines = &l;
        others.n_lines = 1;
        add(&d, COMP_RUNC, "/usr/sbin/runc", "found in /usr/sbin", PATH_EXISTS, false);
        render_all(&d, &o, &others, &s, &text);
        assert_int_equal(s.n_rules, 2);
        assert_string_equal(s.rules[0].provided_by, "/etc/audit/rules.d/30-fleet.rules:4");
        assert_null(s.rules[1].provided_by);
        assert_true(render_is_self_read(&s.rules[1].rule));
        assert_non_null(strstr(text, "\n-a always,exit -F path=/usr/sbin/runc -F perm=r -F exe!=/usr/sbin/runc -k docker\n"));
        assert_null(strstr(text, "\n-w /usr/sbin/runc"));
        rule_done(&l.rule);
        ruleset_done(&s);
        discovery_done(&d);
}

static void test_invalid_key(void **state _unused_) {
        struct discovery d = {};
        struct ruleset s = {};
        struct render_options o = { .key = "bad key", .data_root_mode = DATA_ROOT_STATE };
        char *text = (char *) "untouched";

        add(&d, COMP_DOCKERD, "/usr/bin/dockerd", EV_DOCKERD, PATH_EXISTS, false);
        assert_int_equal(render(&d, &o, NULL, &s), 0);
        assert_int_equal(render_fragment(&d, &s, &o, &text), -EINVAL);
        assert_string_equal(text, "untouched");
        ruleset_done(&s);
        discovery_done(&d);
}

static int cmp_unsigned(const void *a, const void *b) {
        unsigned x = *(const unsigned *) a, y = *(const unsigned *) b;
        return x < y ? -1 : x > y;
}

/* Duplicates among lines that concern none of our paths: the kind of a -w rule (a directory
 * watch or not) is looked up only when a second rule with the same path turns up, and decides
 * whether the two are the same kernel rule. */
static void test_duplicates_unkept(void **state _unused_) {
        char tmp[] = "/tmp/test-render-XXXXXX";
        struct root root = {};
        struct rules_dir rd = {};
        _cleanup_free_ char *dir = NULL, *file = NULL, *rules_real = NULL, *text = NULL;
        char *keep[] = { (char *) "/usr/bin/dockerd", NULL };
        unsigned dup_lines[8], n_dup = 0;

        assert_non_null(mkdtemp(tmp));
        assert_int_equal(root_init(&root, "/"), 0);
        dir = path_join(tmp, "/d");
        file = path_join(tmp, "/f");
        rules_real = path_join(tmp, "/rules.d");
        assert_int_equal(mkdir(dir, 0755), 0);
        assert_int_equal(mkdir(rules_real, 0755), 0);
        write_at(tmp, "/f", "x\n");
        assert_true(asprintf(&text,
                                  "-w %1$s -p wa -k other\n"                                /* 1 */
                                  "-a always,exit -F dir=%1$s -F perm=wa -k other\n"         /* 2: same as 1 */
                                  "-a always,exit -F path=%1$s -F perm=wa -k other\n"        /* 3: not a dir watch */
                                  "-a always,exit -F dir=%2$s -F perm=wa -k other\n"         /* 4: missing dir */
                                  "-a always,exit -F path=%2$s -F perm=wa -k other\n"        /* 5 */
                                  "-w %2$s -p wa -k other\n"                                /* 6: same as 5 */
                                  "-w %2$s -p wa -k other\n"                                /* 7: same as 5 */
                                  "-w %2$s -p r -k other\n",                                /* 8: other perms */
                                  dir, file) > 0);
        write_at(rules_real, "10-other.rules", text);

        assert_int_equal(rules_dir_read_filtered(&root, rules_real, NULL, "50-docker.rules", keep, "docker", &rd), 0);
        assert_int_equal(rd.n_lines, 0); /* nothing kept */
        for (size_t i = 0; i < rd.n_troubles; i++) {
                if (strstr(rd.troubles[i].why, "Rule exists"))
                        dup_lines[n_dup++] = rd.troubles[i].line;
                else
                        assert_int_equal(rd.troubles[i].line, 4);
        }
        assert_int_equal(n_dup, 3);
        qsort(dup_lines, n_dup, sizeof(unsigned), cmp_unsigned);
        assert_int_equal(dup_lines[0], 2);
        assert_int_equal(dup_lines[1], 6);
        assert_int_equal(dup_lines[2], 7);
        rules_dir_done(&rd);
        root_done(&root);
        assert_int_equal(rm_rf(tmp), 0);
}

/* With --order first the fragment's name sorts before the host's files in augenrules' order
 * (version sort), the name of the other order is not read as another file's, and the positions
 * at boot are judged against the new name. */
static void test_fragment_name_order(void **state _unused_) {
        static const char *const host[] = { "01-audit.rules", "10-base-config.rules", "11-loginuid.rules",
                                            "20-dont-audit.rules", "30-stig.rules", "99-finalize.rules",
                                            "audit.rules", "custom.rules" };
        char tmp[] = "/tmp/test-render-XXXXXX";
        _cleanup_free_ char *rules_real = NULL;
        struct root root = {};
        struct rules_dir rd = {};

        assert_string_equal(fragment_name_for(ORDER_LAST), FRAGMENT_NAME);
        assert_string_equal(fragment_name_for(ORDER_FIRST), FRAGMENT_NAME_FIRST);
        assert_string_not_equal(FRAGMENT_NAME, FRAGMENT_NAME_FIRST);
        for (size_t i = 0; i < ELEMENTSOF(host); i++)
                assert_true(strverscmp(fragment_name_for(ORDER_FIRST), host[i]) < 0);
        assert_true(strverscmp(fragment_name_for(ORDER_LAST), "30-stig.rules") > 0);

        assert_non_null(mkdtemp(tmp));
        assert_int_equal(root_init(&root, "/"), 0);
        rules_real = path_join(tmp, "/rules.d");
        assert_int_equal(mkdir(rules_real, 0755), 0);
        write_at(rules_real, "00-docker.rules", "-w /usr/bin/dockerd -p rwxa -k docker\n");
        write_at(rules_real, "50-docker.rules", "-w /usr/bin/dockerd -p rwxa -k docker\n");
        write_at(rules_real, "10-other.rules", "-a never,exit -F path=/usr/bin/dockerd\n");
        assert_int_equal(rules_dir_read_except(&root, rules_real, NULL, "00-docker.rules", "50-docker.rules", NULL,
                                               NULL, &rd), 0);
        assert_int_equal(strv_length(rd.files), 1);
        assert_true(endswith(rd.files[0], "/10-other.rules"));
        assert_int_equal(rd.n_never, 1);
        assert_int_equal(rd.never[0].pos, RULES_POS_AFTER);
        rules_dir_done(&rd);

        /* The default order: 00-docker.rules would be another file's, were it not ours. */
        assert_int_equal(rules_dir_read_filtered(&root, rules_real, NULL, "50-docker.rules", NULL, NULL, &rd), 0);
        assert_int_equal(strv_length(rd.files), 2);
        assert_int_equal(rd.never[0].pos, RULES_POS_BEFORE);
        rules_dir_done(&rd);
        root_done(&root);
        assert_int_equal(rm_rf(tmp), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_comment_safe),
                cmocka_unit_test(test_fragment_name_order),
                cmocka_unit_test(test_cis_binary),
                cmocka_unit_test(test_key_and_no_cis),
                cmocka_unit_test(test_data_root_modes),
                cmocka_unit_test(test_data_root_state_struct),
                cmocka_unit_test(test_data_root_owner),
                cmocka_unit_test(test_volatile_parent),
                cmocka_unit_test(test_skipped_and_missing),
                cmocka_unit_test(test_provided_by),
                cmocka_unit_test(test_provided_by_hand_hostile_name),
                cmocka_unit_test(test_perms_override),
                cmocka_unit_test(test_order_stable),
                cmocka_unit_test(test_hostile_evidence),
                cmocka_unit_test(test_everything_parses),
                cmocka_unit_test(test_invalid_key),
                cmocka_unit_test(test_duplicates_unkept),
                cmocka_unit_test(test_run_modes),
                cmocka_unit_test(test_session_fragment_stable),
                cmocka_unit_test(test_binary_reads),
                cmocka_unit_test(test_binary_reads_perms),
                cmocka_unit_test(test_binary_reads_provided_by),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
