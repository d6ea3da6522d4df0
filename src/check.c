/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --check: is every Docker component this host has audited in the running kernel, written in a
 * rules file that loads at boot, and is the audit system recording? Changes nothing; one rule
 * list request to the kernel. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <sys/stat.h>

#include "audit.h"
#include "boot.h"
#include "check.h"
#include "fragment.h"
#include "list.h"
#include "plan.h"
#include "util.h"

enum severity {
        SEV_NONE,
        SEV_WARNING,
        SEV_CRITICAL,
};

static const char *const status_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

struct finding {
        enum severity sev;
        char *message;
};

struct target_result {
        const struct target *t;
        const struct rendered *x;     /* NULL: no rule wanted (skipped) */
        bool counted;                 /* part of the verdict (--cis) */
        bool in_kernel;
        char *kernel_key;             /* key of the covering rule */
        bool in_file;
        const char *file;             /* which file holds it */
        enum severity sev;
        const char *status;
        char *message;
};

struct check {
        const struct options *o;
        struct plan *p;
        /* kernel */
        bool kernel_ok;
        int kernel_err;
        const char *kernel_why;
        struct audit_state st;
        struct kernel_rule *k;
        size_t n_k;
        size_t n_k_total;             /* every rule listed, kept or not */
        /* fragment */
        bool frag_exists;
        struct stat frag_st;
        char *frag_text;
        struct rule *frag_rules;
        size_t n_frag_rules;
        struct boot_info boot;
        bool boot_reads_fragment;
        struct rule *boot_rules;      /* rules of /etc/audit/audit.rules when loaded directly */
        size_t n_boot_rules;
        /* results */
        struct target_result *res;
        size_t n_res;
        struct finding *findings;
        size_t n_findings;
        char **stale;
};

static int add_finding(struct check *c, enum severity sev, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int add_finding(struct check *c, enum severity sev, const char *fmt, ...) {
        struct finding *f;
        va_list ap;
        char *m;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        f = realloc(c->findings, sizeof(*f) * (c->n_findings + 1));
        if (!f) {
                free(m);
                return -ENOMEM;
        }
        c->findings = f;
        f[c->n_findings++] = (struct finding) { .sev = sev, .message = m };
        return 0;
}

static void free_rules(struct rule *r, size_t n) {
        for (size_t i = 0; i < n; i++)
                rule_done(&r[i]);
        free(r);
}

static void check_done(struct check *c) {
        kernel_rules_free(c->k, c->n_k);
        free(c->frag_text);
        free_rules(c->frag_rules, c->n_frag_rules);
        free_rules(c->boot_rules, c->n_boot_rules);
        boot_info_done(&c->boot);
        for (size_t i = 0; i < c->n_res; i++) {
                free(c->res[i].kernel_key);
                free(c->res[i].message);
        }
        free(c->res);
        for (size_t i = 0; i < c->n_findings; i++)
                free(c->findings[i].message);
        free(c->findings);
        strv_free(c->stale);
}

/* Does kernel rule k give at least what rule want asks for? Same path; a recursive watch where a
 * directory is wanted recursively; a superset of the permissions; no narrower exe filter. */
bool kernel_rule_covers(const struct rule *k, const struct rule *want) {
        if (!streq(k->path, want->path))
                return false;
        if (want->kind == WATCH_DIR && k->kind != WATCH_DIR)
                return false;
        if ((k->perms & want->perms) != want->perms)
                return false;
        if (k->exe) {
                /* A filtered rule covers only the same filter. */
                if (!want->exe || !streq(k->exe, want->exe) || k->exe_negated != want->exe_negated)
                        return false;
        }
        return true;
}

/* Parse every rule line of a rules text (comments included when live_comments, for the
 * "#   -w ..." lines of live-only rules). Lines that could fail at boot are reported through
 * bad (may be NULL). */
static int parse_rules_text(struct check *c, const char *text, struct rule **ret, size_t *ret_n, bool report) {
        _cleanup_free_ char *copy = strdup(text);
        struct rule *rules = NULL;
        unsigned lineno = 0;
        size_t n = 0;
        int r;

        if (!copy)
                return -ENOMEM;
        for (char *line = copy, *next; line; line = next) {
                struct rule x = {};
                const char *why = NULL;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                lineno++;
                r = rule_parse_line(line, &x, &why);
                if (r < 0) {
                        if (report && add_finding(c, SEV_CRITICAL, "%s:%u: auditctl would refuse this line (%s): "
                                                  "the boot-time load stops here", c->p->fragment_path, lineno,
                                                  why ? why : "invalid") < 0)
                                goto oom;
                        continue;
                }
                if (r == LINE_CONTROL) {
                        if (report && add_finding(c, SEV_CRITICAL, "%s:%u: \"%s\" does not belong in a fragment: "
                                                  "augenrules moves or keeps only one of it and it changes the whole "
                                                  "rule set", c->p->fragment_path, lineno, line) < 0)
                                goto oom;
                        continue;
                }
                if (r != LINE_WATCH)
                        continue;
                rule_decide_kind(&c->p->root, &x);
                if (report) {
                        _cleanup_free_ char *parent = path_parent(x.path);
                        if (parent && !root_is_dir(&c->p->root, parent) &&
                            add_finding(c, SEV_CRITICAL, "%s:%u: the parent directory of %s does not exist: this "
                                        "line fails at boot and every later rule is not loaded",
                                        c->p->fragment_path, lineno, x.path) < 0) {
                                rule_done(&x);
                                goto oom;
                        }
                        if (x.form == FORM_A && x.kind == WATCH_DIR && !root_is_dir(&c->p->root, x.path) &&
                            add_finding(c, SEV_CRITICAL, "%s:%u: dir=%s does not exist: the kernel refuses this "
                                        "line at boot and every later rule is not loaded; run docker-audit-rules",
                                        c->p->fragment_path, lineno, x.path) < 0) {
                                rule_done(&x);
                                goto oom;
                        }
                        for (size_t i = 0; i < c->p->others.n_lines; i++) {
                                const struct rules_line *l = &c->p->others.lines[i];
                                if (l->type == LINE_WATCH && rule_equal(&l->rule, &x)) {
                                        if (add_finding(c, SEV_CRITICAL, "%s:%u: %s:%u holds the same rule: "
                                                        "augenrules stops at \"Rule exists\"", c->p->fragment_path,
                                                        lineno, l->file, l->line) < 0) {
                                                rule_done(&x);
                                                goto oom;
                                        }
                                        break;
                                }
                        }
                }
                {
                        struct rule *m = realloc(rules, sizeof(*m) * (n + 1));
                        if (!m) {
                                rule_done(&x);
                                goto oom;
                        }
                        rules = m;
                        rules[n++] = x;
                }
        }
        *ret = rules;
        *ret_n = n;
        return 0;
oom:
        free_rules(rules, n);
        return -ENOMEM;
}

static bool rules_hold(const struct rule *rules, size_t n, const struct rule *want) {
        for (size_t i = 0; i < n; i++)
                if (rule_equal(&rules[i], want))
                        return true;
        return false;
}

/* Watches on our paths (any key: a rule with another key covers too) and rules carrying our key
 * (for drift); the rest of a large rule set is not kept. */
static bool keep_relevant(const struct kernel_rule *k, void *userdata) {
        struct check *c = userdata;

        c->n_k_total++;
        if (!k->is_watch)
                return false;
        if (rule_has_key(&k->rule, c->o->render.key))
                return true;
        for (size_t i = 0; i < c->p->rules.n_rules; i++)
                if (streq(c->p->rules.rules[i].rule.path, k->rule.path))
                        return true;
        return false;
}

static int read_kernel(struct check *c) {
        struct audit_conn *conn = NULL;
        int r;

        r = audit_conn_open(&conn);
        if (r >= 0)
                r = audit_conn_status(conn, &c->st);
        if (r >= 0)
                r = audit_conn_list_filtered(conn, keep_relevant, c, &c->k, &c->n_k);
        audit_conn_close(conn);
        if (r < 0) {
                c->kernel_err = r;
                switch (r) {
                case -EPROTONOSUPPORT:
                        c->kernel_why = "this kernel has no audit support";
                        break;
                case -ECONNREFUSED:
                        c->kernel_why = "audit is not reachable from this user namespace (a container?)";
                        break;
                case -EPERM:
                case -EACCES:
                        c->kernel_why = geteuid() != 0 ? "reading the kernel's audit rules needs root"
                                                       : "permission denied although root: a container or no "
                                                         "CAP_AUDIT_CONTROL";
                        break;
                default:
                        c->kernel_why = "cannot read the kernel's audit rules";
                }
                return 0;
        }
        c->kernel_ok = true;
        return 0;
}

static int read_disk(struct check *c) {
        _cleanup_free_ char *default_dir = NULL;
        int r;

        r = fragment_read(c->p->fragment_path, &c->frag_text);
        if (r >= 0) {
                c->frag_exists = true;
                if (lstat(c->p->fragment_path, &c->frag_st) < 0)
                        return -errno;
                r = parse_rules_text(c, c->frag_text, &c->frag_rules, &c->n_frag_rules, true);
                if (r < 0)
                        return r;
                /* Live-only rules are kept as comments: they count for neither. */
        } else if (r != -ENOENT) {
                if (add_finding(c, SEV_CRITICAL, "%s: cannot read: %s", c->p->fragment_path, errno_name(r)) < 0)
                        return -ENOMEM;
        }

        if (c->frag_exists) {
                if (c->frag_st.st_uid != 0 &&
                    add_finding(c, SEV_WARNING, "%s is owned by uid %u, not root", c->p->fragment_path,
                                (unsigned) c->frag_st.st_uid) < 0)
                        return -ENOMEM;
                if ((c->frag_st.st_mode & 07777) != 0600 && (c->frag_st.st_mode & 07777) != 0640 &&
                    add_finding(c, SEV_WARNING, "%s has mode %04o; rules files are expected 0600 or 0640",
                                c->p->fragment_path, (unsigned) (c->frag_st.st_mode & 07777)) < 0)
                        return -ENOMEM;
                if (!streq(c->frag_text, c->p->fragment_text) &&
                    add_finding(c, SEV_WARNING, "%s differs from what this host needs now: run docker-audit-rules",
                                c->p->fragment_path) < 0)
                        return -ENOMEM;
        }

        /* Will the boot path read it? */
        r = boot_detect(&c->p->root, &c->boot);
        if (r < 0)
                return r;
        r = rules_dir_path(&c->p->root, NULL, &default_dir);
        if (r < 0)
                return r;
        if (c->boot.loader == BOOT_AUGENRULES) {
                c->boot_reads_fragment = c->o->rules_dir || path_startswith_dir(c->p->fragment_path, default_dir);
                if (!c->boot_reads_fragment &&
                    add_finding(c, SEV_CRITICAL, "%s is outside %s: augenrules does not read it at boot",
                                c->p->fragment_path, default_dir) < 0)
                        return -ENOMEM;
        } else if (c->boot.loader == BOOT_AUDIT_RULES) {
                _cleanup_free_ char *text = NULL;
                if (root_read_file(&c->p->root, "/etc/audit/audit.rules", &text, NULL) >= 0) {
                        r = parse_rules_text(c, text, &c->boot_rules, &c->n_boot_rules, false);
                        if (r < 0)
                                return r;
                }
                if (add_finding(c, SEV_WARNING, "%s: rules.d is not compiled at boot; /etc/audit/audit.rules is "
                                "loaded instead, and is checked for the rules", c->boot.evidence) < 0)
                        return -ENOMEM;
        } else if (add_finding(c, SEV_WARNING, "%s: no rules are loaded at boot on this host", c->boot.evidence) < 0)
                return -ENOMEM;

        /* Other rules files whose failing lines would stop the load before ours. */
        {
                const char *own = path_basename(c->p->fragment_path);
                const struct rules_dir *o = &c->p->others;

                for (size_t i = 0; i < o->n_lines + o->n_troubles; i++) {
                        const char *file, *why;
                        unsigned line;
                        bool before;

                        if (i < o->n_lines) {
                                if (!o->lines[i].error)
                                        continue;
                                file = o->lines[i].file, line = o->lines[i].line;
                                why = o->lines[i].why ? o->lines[i].why : "auditctl refuses it";
                        } else {
                                const struct rules_trouble *t = &o->troubles[i - o->n_lines];
                                file = t->file, line = t->line, why = t->why;
                        }
                        before = strverscmp(path_basename(file), own) < 0;
                        if (add_finding(c, before ? SEV_CRITICAL : SEV_WARNING,
                                        "%s:%u: this line fails at boot (%s): %s", file, line, why,
                                        before ? "the load stops before our fragment"
                                               : "the rules after it, a final -e 2 included, are not loaded") < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

static bool counted(const struct check *c, enum component comp) {
        if (c->o->cis < 0)
                return true;
        return component_info(comp)->cis[c->o->cis] != NULL || !component_is_cis(comp);
}

static int judge_targets(struct check *c) {
        const char *key = c->o->render.key;
        struct discovery *d = &c->p->disc;

        c->res = calloc(d->n_targets + 1, sizeof(*c->res));
        if (!c->res)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_targets; i++) {
                struct target_result *t = &c->res[c->n_res++];
                const struct rendered *x;
                const char *disp = target_disposition(d, &c->p->rules, i, &x);
                bool cis = component_is_cis(d->targets[i].comp), exists = d->targets[i].state == PATH_EXISTS;

                /* A literal CIS path of a component this host has is what scanners judge it by. */
                if (!exists && d->targets[i].cis_literal)
                        for (size_t k = 0; k < d->n_targets && !exists; k++)
                                exists = d->targets[k].comp == d->targets[i].comp && d->targets[k].state == PATH_EXISTS;

                t->t = &d->targets[i];
                t->x = x;
                t->counted = counted(c, t->t->comp);
                if (c->o->cis >= 0 && cis && !component_info(t->t->comp)->cis[c->o->cis])
                        t->counted = false;
                if (!x) {
                        t->status = "not-watched";
                        t->message = strdup(disp);
                        continue;
                }

                /* Kernel: any covering rule; ours preferred for the report. */
                for (size_t j = 0; c->kernel_ok && j < c->n_k; j++) {
                        if (!c->k[j].is_watch || !kernel_rule_covers(&c->k[j].rule, &x->rule))
                                continue;
                        if (!t->in_kernel || rule_has_key(&c->k[j].rule, key)) {
                                free(t->kernel_key);
                                t->kernel_key = c->k[j].rule.keys && c->k[j].rule.keys[0] ? strdup(c->k[j].rule.keys[0])
                                                                                           : strdup("");
                        }
                        t->in_kernel = true;
                }
                /* Disk: our fragment (unless live only), another rules file, or audit.rules. */
                if (x->provided_by) {
                        t->in_file = true;
                        t->file = x->provided_by;
                } else if (!x->live_only && c->boot.loader == BOOT_AUDIT_RULES) {
                        t->in_file = rules_hold(c->boot_rules, c->n_boot_rules, &x->rule);
                        t->file = "/etc/audit/audit.rules";
                } else if (!x->live_only) {
                        t->in_file = c->boot_reads_fragment && rules_hold(c->frag_rules, c->n_frag_rules, &x->rule);
                        t->file = c->p->fragment_path;
                }

                if (!c->kernel_ok) {
                        t->status = "unknown";
                } else if (!t->in_kernel) {
                        bool locked = c->st.enabled == 2;
                        t->status = locked && t->in_file ? "pending-reboot" : "not-loaded";
                        if (locked && t->in_file)
                                t->sev = SEV_WARNING;
                        else
                                t->sev = cis && exists ? SEV_CRITICAL : SEV_WARNING;
                        {
                                bool nonrec = false;
                                for (size_t j = 0; j < c->n_k; j++)
                                        if (c->k[j].is_watch && streq(c->k[j].rule.path, x->rule.path) &&
                                            x->rule.kind == WATCH_DIR && c->k[j].rule.kind == WATCH_FILE)
                                                nonrec = true;
                                if (nonrec) {
                                        t->status = "not-recursive";
                                        if (asprintf(&t->message, "only a non-recursive watch is loaded (added "
                                                     "before the directory existed): run docker-audit-rules") < 0)
                                                return -ENOMEM;
                                }
                        }
                } else if (t->kernel_key && !streq(t->kernel_key, key)) {
                        t->status = "ok";
                        if (asprintf(&t->message, "covered by a rule with key \"%s\"", t->kernel_key) < 0)
                                return -ENOMEM;
                } else
                        t->status = "ok";

                if (!x->live_only && !t->in_file && (!t->sev || streq(t->status, "ok"))) {
                        enum severity s = cis && exists ? SEV_CRITICAL : SEV_WARNING;
                        if (s > t->sev)
                                t->sev = s;
                        if (streq(t->status, "ok") || streq(t->status, "unknown"))
                                t->status = "not-in-file";
                }
                if (!t->message && !t->in_file && !x->live_only)
                        if (asprintf(&t->message, "not in %s: it will not be loaded after a reboot",
                                     t->file ? t->file : "any rules file") < 0)
                                return -ENOMEM;
                if (!t->message && x->live_only)
                        t->message = strdup("live only: its parent is made at run time, no boot-time rule possible");
                if (!t->message && !t->in_kernel && c->kernel_ok)
                        t->message = strdup("not loaded in the running kernel");
                if (!t->counted)
                        t->sev = SEV_NONE;
        }

        /* Drift: rules with our key alone that no longer match anything wanted. */
        for (size_t j = 0; c->kernel_ok && j < c->n_k; j++) {
                const struct rule *k = &c->k[j].rule;
                bool wanted = false, elsewhere = false;
                _cleanup_free_ char *line = NULL;

                if (!c->k[j].is_watch || strv_length(k->keys) != 1 || !streq(k->keys[0], key))
                        continue;
                for (size_t i = 0; i < c->p->rules.n_rules && !wanted; i++)
                        wanted = rule_equal(k, &c->p->rules.rules[i].rule);
                for (size_t i = 0; i < c->p->others.n_lines && !elsewhere; i++)
                        elsewhere = c->p->others.lines[i].type == LINE_WATCH && rule_equal(&c->p->others.lines[i].rule, k);
                if (wanted || elsewhere)
                        continue;
                if (rule_format(k, &line) < 0)
                        line = strdup(k->path);
                if (!line || strv_push(&c->stale, TAKE_PTR(line)) < 0)
                        return -ENOMEM;
                if (add_finding(c, SEV_WARNING, "stale rule with key \"%s\" for %s: that path is no longer "
                                "discovered (moved by an upgrade?); run docker-audit-rules to remove it", key, k->path) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int judge_audit(struct check *c) {
        if (!c->kernel_ok)
                return 0;
        if (c->st.enabled == 0 &&
            add_finding(c, SEV_WARNING, "audit is disabled (enabled 0): rules are loaded but nothing is recorded") < 0)
                return -ENOMEM;
        if (c->st.pid == 0 &&
            add_finding(c, SEV_WARNING, "auditd is not running: events are not written to the audit log") < 0)
                return -ENOMEM;
        if (c->st.enabled == 2 &&
            add_finding(c, SEV_NONE, "the audit configuration is locked (enabled 2) until reboot") < 0)
                return -ENOMEM;
        if (c->st.lost > 0 &&
            add_finding(c, SEV_NONE, "the kernel has lost %u audit events since boot", c->st.lost) < 0)
                return -ENOMEM;
        return 0;
}

static int verdict(const struct check *c, unsigned *ret_covered, unsigned *ret_total) {
        enum severity worst = SEV_NONE;
        unsigned covered = 0, total = 0;

        for (size_t i = 0; i < c->n_res; i++) {
                if (!c->res[i].x || !c->res[i].counted)
                        continue;
                total++;
                if (c->res[i].in_kernel && (c->res[i].in_file || c->res[i].x->live_only))
                        covered++;
                if (c->res[i].sev > worst)
                        worst = c->res[i].sev;
        }
        for (size_t i = 0; i < c->n_findings; i++)
                if (c->findings[i].sev > worst)
                        worst = c->findings[i].sev;
        *ret_covered = covered;
        *ret_total = total;
        if (!c->kernel_ok)
                return CHECK_UNKNOWN;
        return worst == SEV_CRITICAL ? CHECK_CRITICAL : worst == SEV_WARNING ? CHECK_WARNING : CHECK_OK;
}

static const char *sev_name(enum severity s) {
        return s == SEV_CRITICAL ? "critical" : s == SEV_WARNING ? "warning" : "ok";
}

static const char *cis_column(const struct check *c, enum component comp, char **buf) {
        if (c->o->cis >= 0)
                return component_info(comp)->cis[c->o->cis] ?: "-";
        if (component_cis_ids(comp, buf) < 0 || !**buf)
                return "-";
        return *buf;
}

static void summary_line(const struct check *c, int status, unsigned covered, unsigned total, FILE *f) {
        unsigned crit = 0, warn = 0;

        for (size_t i = 0; i < c->n_res; i++)
                if (c->res[i].sev == SEV_CRITICAL)
                        crit++;
                else if (c->res[i].sev == SEV_WARNING)
                        warn++;
        for (size_t i = 0; i < c->n_findings; i++)
                if (c->findings[i].sev == SEV_CRITICAL)
                        crit++;
                else if (c->findings[i].sev == SEV_WARNING)
                        warn++;
        fprintf(f, "DOCKER AUDIT %s - %u of %u targets covered now and at boot", status_names[status], covered, total);
        if (c->o->cis >= 0)
                fprintf(f, " (CIS %s)", cis_version_name(c->o->cis));
        fprintf(f, "; %u critical, %u warning", crit, warn);
        if (!c->kernel_ok)
                fprintf(f, "; kernel rules unknown: %s", c->kernel_why);
        else
                fprintf(f, "; audit %s, auditd %s", c->st.enabled == 0 ? "disabled" : c->st.enabled == 2 ? "locked" : "enabled",
                        c->st.pid ? "running" : "not running");
        fputc('\n', f);
}

static void report_text(const struct check *c, int status, unsigned covered, unsigned total) {
        summary_line(c, status, covered, total, stdout);
        printf("%-13s %-24s %-44s %-6s %-4s %s\n", "CIS", "COMPONENT", "PATH", "KERNEL", "FILE", "STATUS");
        for (unsigned comp = 0; comp < _COMP_MAX; comp++)
        for (size_t i = 0; i < c->n_res; i++) {
                const struct target_result *t = &c->res[i];
                if (t->t->comp != comp)
                        continue;
                _cleanup_free_ char *ids = NULL, *path = comment_safe(t->t->path);
                if (!t->x && c->o->verbosity < 1)
                        continue;
                printf("%-13s %-24s %-44s %-6s %-4s %s%s%s\n", cis_column(c, t->t->comp, &ids),
                       component_info(t->t->comp)->name, path ? path : "?",
                       !t->x ? "-" : !c->kernel_ok ? "?" : t->in_kernel ? "yes" : "NO",
                       !t->x || t->x->live_only ? "-" : t->in_file ? "yes" : "NO", t->status,
                       t->message ? ": " : "", strempty(t->message));
        }
        for (char **s = c->stale; s && *s; s++)
                printf("stale:   %s\n", *s);
        for (size_t i = 0; i < c->n_findings; i++)
                printf("%s: %s\n", c->findings[i].sev == SEV_NONE ? "note" : sev_name(c->findings[i].sev),
                       c->findings[i].message);
        if (c->n_res && c->o->verbosity >= 0)
                plan_print_problems(stderr, c->p);
}

static json_object *jstr(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static void report_json(const struct check *c, int status, unsigned covered, unsigned total) {
        json_object *root = json_object_new_object(), *targets = json_object_new_array(),
                    *audit = json_object_new_object(), *frag = json_object_new_object(),
                    *findings = json_object_new_array(), *summary = json_object_new_object(),
                    *drift = json_object_new_array(), *boot = json_object_new_object();
        unsigned crit = 0, warn = 0, not_covered = 0;

        json_object_object_add(root, "schema", json_object_new_string("docker-audit-rules/check"));
        json_object_object_add(root, "version", json_object_new_int(1));
        json_object_object_add(root, "status", json_object_new_string(status_names[status]));
        json_object_object_add(root, "exit_status", json_object_new_int(status));
        json_object_object_add(root, "cis_version", c->o->cis >= 0 ? json_object_new_string(cis_version_name(c->o->cis)) : NULL);
        json_object_object_add(root, "key", json_object_new_string(c->o->render.key));

        for (size_t i = 0; i < c->n_res; i++) {
                const struct target_result *t = &c->res[i];
                json_object *o = json_object_new_object();
                _cleanup_free_ char *id = NULL;

                if (asprintf(&id, "%s:%s", component_info(t->t->comp)->name, strempty(t->t->path)) < 0)
                        id = NULL;
                if (t->sev == SEV_CRITICAL)
                        crit++;
                else if (t->sev == SEV_WARNING)
                        warn++;
                if (t->x && t->counted && !(t->in_kernel && (t->in_file || t->x->live_only)))
                        not_covered++;
                json_object_object_add(o, "id", jstr(id));
                json_object_object_add(o, "component", json_object_new_string(component_info(t->t->comp)->name));
                json_object_object_add(o, "cis", cis_ids_json(t->t->comp));
                json_object_object_add(o, "path", jstr(t->t->path));
                json_object_object_add(o, "evidence", jstr(t->t->evidence));
                json_object_object_add(o, "exists", json_object_new_boolean(t->t->state == PATH_EXISTS));
                json_object_object_add(o, "watched", json_object_new_boolean(t->x != NULL));
                json_object_object_add(o, "live_only", json_object_new_boolean(t->x && t->x->live_only));
                json_object_object_add(o, "in_kernel", !t->x || !c->kernel_ok ? NULL : json_object_new_boolean(t->in_kernel));
                json_object_object_add(o, "kernel_key", jstr(t->kernel_key));
                json_object_object_add(o, "in_file", !t->x || t->x->live_only ? NULL : json_object_new_boolean(t->in_file));
                json_object_object_add(o, "file", jstr(t->file));
                json_object_object_add(o, "counted", json_object_new_boolean(t->counted));
                json_object_object_add(o, "status", json_object_new_string(t->status));
                json_object_object_add(o, "severity", json_object_new_string(sev_name(t->sev)));
                json_object_object_add(o, "message", jstr(t->message));
                json_object_array_add(targets, o);
        }
        json_object_object_add(root, "targets", targets);

        json_object_object_add(audit, "reachable", json_object_new_boolean(c->kernel_ok));
        json_object_object_add(audit, "error", jstr(c->kernel_why));
        if (c->kernel_ok) {
                json_object_object_add(audit, "enabled", json_object_new_int(c->st.enabled));
                json_object_object_add(audit, "locked", json_object_new_boolean(c->st.enabled == 2));
                json_object_object_add(audit, "auditd_pid", json_object_new_int(c->st.pid));
                json_object_object_add(audit, "lost", json_object_new_int64(c->st.lost));
                json_object_object_add(audit, "backlog", json_object_new_int64(c->st.backlog));
                json_object_object_add(audit, "backlog_limit", json_object_new_int64(c->st.backlog_limit));
                json_object_object_add(audit, "failure", json_object_new_int(c->st.failure));
                json_object_object_add(audit, "rules_loaded", json_object_new_int64((int64_t) c->n_k_total));
        }
        json_object_object_add(root, "audit", audit);

        json_object_object_add(frag, "path", json_object_new_string(c->p->fragment_path));
        json_object_object_add(frag, "exists", json_object_new_boolean(c->frag_exists));
        if (c->frag_exists) {
                char mode[8];
                snprintf(mode, sizeof(mode), "%04o", (unsigned) (c->frag_st.st_mode & 07777));
                json_object_object_add(frag, "owner_uid", json_object_new_int((int) c->frag_st.st_uid));
                json_object_object_add(frag, "mode", json_object_new_string(mode));
                json_object_object_add(frag, "up_to_date", json_object_new_boolean(streq(c->frag_text, c->p->fragment_text)));
        }
        json_object_object_add(boot, "loader", json_object_new_string(boot_loader_name(c->boot.loader)));
        json_object_object_add(boot, "evidence", jstr(c->boot.evidence));
        json_object_object_add(boot, "reads_fragment", json_object_new_boolean(c->boot_reads_fragment));
        json_object_object_add(frag, "boot", boot);
        json_object_object_add(root, "fragment", frag);

        for (char **s = c->stale; s && *s; s++)
                json_object_array_add(drift, json_object_new_string(*s));
        json_object_object_add(root, "stale_rules", drift);

        for (size_t i = 0; i < c->n_findings; i++) {
                json_object *o = json_object_new_object();
                if (c->findings[i].sev == SEV_CRITICAL)
                        crit++;
                else if (c->findings[i].sev == SEV_WARNING)
                        warn++;
                json_object_object_add(o, "severity", json_object_new_string(c->findings[i].sev == SEV_NONE ? "info" : sev_name(c->findings[i].sev)));
                json_object_object_add(o, "message", json_object_new_string(c->findings[i].message));
                json_object_array_add(findings, o);
        }
        json_object_object_add(root, "findings", findings);
        json_object_object_add(root, "problems", plan_problems_json(c->p));

        json_object_object_add(summary, "targets", json_object_new_int((int) total));
        json_object_object_add(summary, "covered", json_object_new_int((int) covered));
        json_object_object_add(summary, "not_covered", json_object_new_int((int) not_covered));
        json_object_object_add(summary, "critical", json_object_new_int((int) crit));
        json_object_object_add(summary, "warning", json_object_new_int((int) warn));
        json_object_object_add(summary, "stale_rules", json_object_new_int((int) strv_length(c->stale)));
        json_object_object_add(root, "summary", summary);

        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
}

int run_check(const struct options *o) {
        struct plan p = {};
        struct check c = { .o = o, .p = &p };
        const char *what = "";
        unsigned covered = 0, total = 0;
        int r, status;

        r = plan_build(o, &p, &what);
        if (r < 0) {
                printf("DOCKER AUDIT UNKNOWN - %s: %s\n", what, strerror(-r));
                return CHECK_UNKNOWN;
        }
        if (p.root.live)
                r = read_kernel(&c);
        else {
                c.kernel_err = -EOPNOTSUPP;
                c.kernel_why = "--root given: only the files are checked";
        }
        if (r >= 0)
                r = read_disk(&c);
        if (r >= 0)
                r = judge_targets(&c);
        if (r >= 0)
                r = judge_audit(&c);
        if (r < 0) {
                printf("DOCKER AUDIT UNKNOWN - %s\n", strerror(-r));
                check_done(&c);
                plan_done(&p);
                return CHECK_UNKNOWN;
        }
        status = verdict(&c, &covered, &total);
        if (o->format == FORMAT_JSON)
                report_json(&c, status, covered, total);
        else
                report_text(&c, status, covered, total);
        check_done(&c);
        plan_done(&p);
        return status;
}
