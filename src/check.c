/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --check: is every Docker component this host has audited in the running kernel, written in a
 * rules file that loads at boot, and is the audit system recording? Changes nothing. The
 * verdicts per target and the drift come from the plan (verdict.c, diff.c), the same diff that
 * install executes; this file adds what only a check looks at (the fragment's lines, its owner
 * and mode, other files' failing lines, the audit status) and reports. */
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <json-c/json.h>

#include "check.h"
#include "config.h"
#include "list.h"
#include "plan.h"
#include "probe.h"
#include "util.h"

static const char *const status_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

struct finding {
        enum severity sev;
        char *message;
};

struct check {
        const struct options *o;
        struct plan *p;
        struct verdicts v;
        struct diff diff;
        struct finding *findings;
        size_t n_findings;
        char **stale;
        int problems;
        struct verdict_shadows shadows;
        unsigned n_shadowing;     /* never rules that silence some or all of ours */
        bool probed;
        struct probe probe;
        FILE *out;                /* the report: standard output, or the --output file's text */
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

static void check_done(struct check *c) {
        verdicts_done(&c->v);
        diff_done(&c->diff);
        for (size_t i = 0; i < c->n_findings; i++)
                free(c->findings[i].message);
        free(c->findings);
        strv_free(c->stale);
        verdict_shadows_done(&c->shadows);
        probe_done(&c->probe);
}

static bool kernel_read(const struct check *c) {
        return c->p->kernel.state == KERNEL_LOADED || c->p->kernel.state == KERNEL_LOCKED;
}

/* Lines of our fragment that would fail at boot, and rules another file already holds. */
static int judge_fragment_line(struct check *c, const struct fragment_line *l) {
        const char *frag = c->p->fragment_path;

        if (l->commented)
                return 0;
        if (l->type < 0)
                return add_finding(c, SEV_CRITICAL, "%s:%u: auditctl would refuse this line (%s): the boot-time "
                                   "load stops here", frag, l->line, l->why ? l->why : "invalid");
        if (l->type == LINE_CONTROL)
                return add_finding(c, SEV_CRITICAL, "%s:%u: \"%s\" does not belong in a fragment: augenrules moves "
                                   "or keeps only one of it and it changes the whole rule set", frag, l->line, l->text);
        {
                _cleanup_free_ char *parent = path_parent(l->rule.path);
                if (parent && !root_is_dir(&c->p->root, parent) &&
                    add_finding(c, SEV_CRITICAL, "%s:%u: the parent directory of %s does not exist: this line fails "
                                "at boot and every later rule is not loaded", frag, l->line, l->rule.path) < 0)
                        return -ENOMEM;
        }
        if (l->rule.form == FORM_A && l->rule.kind == WATCH_DIR && !root_is_dir(&c->p->root, l->rule.path) &&
            add_finding(c, SEV_CRITICAL, "%s:%u: dir=%s does not exist: the kernel refuses this line at boot and "
                        "every later rule is not loaded; run docker-audit-rules", frag, l->line, l->rule.path) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < c->p->others.n_lines; i++) {
                const struct rules_line *o = &c->p->others.lines[i];
                if (o->type == LINE_WATCH && rule_equal(&o->rule, &l->rule))
                        return add_finding(c, SEV_CRITICAL, "%s:%u: %s:%u holds the same rule: augenrules stops at "
                                           "\"Rule exists\"", frag, l->line, o->file, o->line);
        }
        return 0;
}

static int judge_fragment(struct check *c) {
        const struct fragment_disk *d = &c->p->disk;
        const char *frag = c->p->fragment_path;
        unsigned mode = (unsigned) (d->st.st_mode & 07777);
        int r;

        if (d->error)
                return add_finding(c, SEV_CRITICAL, "%s: cannot read: %s", frag, errno_name(d->error));
        if (!d->exists)
                return 0;
        for (size_t i = 0; i < d->lines.n; i++) {
                r = judge_fragment_line(c, &d->lines.lines[i]);
                if (r < 0)
                        return r;
        }
        if (d->st.st_uid != 0 &&
            add_finding(c, SEV_WARNING, "%s is owned by uid %u, not root", frag, (unsigned) d->st.st_uid) < 0)
                return -ENOMEM;
        if (mode != 0600 && mode != 0640 &&
            add_finding(c, SEV_WARNING, "%s has mode %04o; rules files are expected 0600 or 0640", frag, mode) < 0)
                return -ENOMEM;
        if (!streq(d->text, c->p->fragment_text) &&
            add_finding(c, SEV_WARNING, "%s differs from what this host needs now: run docker-audit-rules", frag) < 0)
                return -ENOMEM;
        return 0;
}

/* Will the boot path read it, and will the other files' lines let the load reach it? */
static int judge_boot(struct check *c) {
        const struct plan *p = c->p;
        const char *own = path_basename(p->fragment_path);
        const struct rules_dir *o = &p->others;

        if (p->boot.loader == BOOT_AUGENRULES) {
                if (!p->boot_reads_fragment &&
                    add_finding(c, SEV_CRITICAL, "%s is outside %s: augenrules does not read it at boot",
                                p->fragment_path, p->default_rules_dir ?: RULES_DIR) < 0)
                        return -ENOMEM;
        } else if (p->boot.loader == BOOT_AUDIT_RULES) {
                if (add_finding(c, SEV_WARNING, "%s: rules.d is not compiled at boot; /etc/audit/audit.rules is "
                                "loaded instead, and is checked for the rules", p->boot.evidence) < 0)
                        return -ENOMEM;
        } else if (add_finding(c, SEV_CRITICAL, "%s: no rules are loaded at boot %s%s: install auditd there, or the "
                               "rules are gone after a reboot", p->boot.evidence,
                               p->root.live ? "on this host" : "in ", p->root.live ? "" : p->root.dir) < 0)
                return -ENOMEM;

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
                if (add_finding(c, before ? SEV_CRITICAL : SEV_WARNING, "%s:%u: this line fails at boot (%s): %s", file,
                                line, why, before ? "the load stops before our fragment"
                                                  : "the rules after it, a final -e 2 included, are not loaded") < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Drift: what install would delete, read from the same diff. */
static int judge_drift(struct check *c) {
        if (!kernel_read(c))
                return 0;
        if (diff_build(c->p, DIFF_INSTALL, &c->diff) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < c->diff.n; i++) {
                const struct action *a = &c->diff.actions[i];
                char *line = NULL;
                int r;

                if (a->kind != ACTION_DELETE)
                        continue;
                if (diff_rule_line(a->rule, &line) < 0 || strv_push(&c->stale, line) < 0)
                        return -ENOMEM;
                if (a->reason == REASON_PREVIOUS_KEY)
                        r = add_finding(c, SEV_WARNING, "rule with the previous key \"%s\" for %s is still loaded: "
                                        "this tool wrote it before the key became \"%s\"; run docker-audit-rules "
                                        "to remove it", c->p->previous_key, a->rule->path, c->p->key);
                else if (a->reason == REASON_KIND_CHANGED)
                        r = add_finding(c, SEV_WARNING, "%s is watched as a %s, wanted %s (%s); run docker-audit-rules",
                                        a->rule->path, a->rule->kind == WATCH_DIR ? "recursive directory" : "plain path",
                                        a->rule->kind == WATCH_DIR ? "as a plain path" : "recursive",
                                        a->rule->kind == WATCH_DIR ? "it is no longer a directory"
                                                                   : "the directory was made after the rules loaded");
                else
                        r = add_finding(c, SEV_WARNING, "stale rule with key \"%s\" for %s: that path is no longer "
                                        "discovered (moved by an upgrade?); run docker-audit-rules to remove it",
                                        c->p->key, a->rule->path);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Never rules that silence ours: in the kernel now, and in the rules files at boot. */
static int judge_shadows(struct check *c) {
        int r = verdict_shadows_build(c->p, &c->shadows);

        if (r < 0)
                return r;
        for (size_t i = 0; i < c->shadows.n; i++) {
                const struct verdict_shadow *s = &c->shadows.v[i];
                c->n_shadowing += s->sev > SEV_NONE;
                r = add_finding(c, s->sev, "%s", s->message);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int judge_audit(struct check *c) {
        const struct audit_state *st = &c->p->kernel.st;

        if (!kernel_read(c))
                return 0;
        if (st->enabled == 0 &&
            add_finding(c, SEV_WARNING, "audit is disabled (enabled 0): rules are loaded but nothing is recorded") < 0)
                return -ENOMEM;
        if (st->pid == 0 &&
            add_finding(c, SEV_WARNING, "auditd is not running: events are not written to the audit log") < 0)
                return -ENOMEM;
        if (st->enabled == 2 &&
            add_finding(c, SEV_NONE, "the audit configuration is locked (enabled 2) until reboot") < 0)
                return -ENOMEM;
        if (st->lost > 0 &&
            add_finding(c, SEV_NONE, "the kernel has lost %u audit events since boot", st->lost) < 0)
                return -ENOMEM;
        return 0;
}

/* Covered: now and at boot; under --root (kernel not judged) at boot alone. */
static bool covered(const struct check *c, const struct verdict *v) {
        if (c->p->kernel.state == KERNEL_SKIPPED)
                return v->in_file;
        return v->in_kernel && (v->in_file || v->x->live_only);
}

static bool in_total(const struct check *c, const struct verdict *v) {
        return v->x && v->counted && !(c->p->kernel.state == KERNEL_SKIPPED && v->x->live_only);
}

/* The one exit status, whatever the output format or verbosity. */
static int verdict(const struct check *c, unsigned *ret_covered, unsigned *ret_total) {
        enum severity worst = c->problems > 0 ? SEV_WARNING : SEV_NONE;
        unsigned n_covered = 0, total = 0;

        for (size_t i = 0; i < c->v.n; i++) {
                const struct verdict *v = &c->v.v[i];
                if (!in_total(c, v))
                        continue;
                total++;
                n_covered += covered(c, v);
                if (v->sev > worst)
                        worst = v->sev;
        }
        for (size_t i = 0; i < c->n_findings; i++)
                if (c->findings[i].sev > worst)
                        worst = c->findings[i].sev;
        *ret_covered = n_covered;
        *ret_total = total;
        if (c->p->kernel.state == KERNEL_UNAVAILABLE || c->p->kernel.state == KERNEL_ERROR)
                return CHECK_UNKNOWN;
        return worst == SEV_CRITICAL ? CHECK_CRITICAL : worst == SEV_WARNING ? CHECK_WARNING : CHECK_OK;
}

static void count_severities(const struct check *c, unsigned *ret_crit, unsigned *ret_warn) {
        unsigned crit = 0, warn = 0;

        for (size_t i = 0; i < c->v.n; i++) {
                crit += c->v.v[i].sev == SEV_CRITICAL;
                warn += c->v.v[i].sev == SEV_WARNING;
        }
        for (size_t i = 0; i < c->n_findings; i++) {
                crit += c->findings[i].sev == SEV_CRITICAL;
                warn += c->findings[i].sev == SEV_WARNING;
        }
        *ret_crit = crit;
        *ret_warn = warn;
}

static const char *cis_column(const struct check *c, enum component comp, char **buf) {
        if (c->o->cis >= 0)
                return component_info(comp)->cis[c->o->cis] ?: "-";
        if (component_cis_ids(comp, buf) < 0 || !**buf)
                return "-";
        return *buf;
}

/* Paths found that get no rule (a missing parent, a refused path, a data root mode "off"): not
 * among the targets judged, said beside them so that the counts add up. */
static unsigned count_not_watched(const struct check *c) {
        unsigned n = 0;

        for (size_t i = 0; i < c->v.n; i++)
                n += c->v.v[i].counted && c->v.v[i].status == STATUS_NOT_WATCHED;
        return n;
}

static void summary_line(const struct check *c, int status, unsigned n_covered, unsigned total, FILE *f) {
        const struct kernel_view *k = &c->p->kernel;
        unsigned crit, warn, nw = count_not_watched(c);
        const char *why;

        count_severities(c, &crit, &warn);
        if (k->state == KERNEL_SKIPPED)
                fprintf(f, "DOCKER AUDIT %s - %u of %u targets in a rules file loaded at boot", status_names[status],
                        n_covered, total);
        else
                fprintf(f, "DOCKER AUDIT %s - %u of %u targets covered now and at boot", status_names[status],
                        n_covered, total);
        if (c->o->cis >= 0)
                fprintf(f, " (CIS %s)", cis_version_name(c->o->cis));
        if (nw > 0)
                fprintf(f, ", %u more not watched", nw);
        fprintf(f, "; %u critical, %u warning", crit, warn);
        kernel_view_message(k, &why, NULL);
        if (k->state == KERNEL_SKIPPED)
                fprintf(f, "; the running kernel is not judged under --root");
        else if (!kernel_read(c))
                fprintf(f, "; kernel rules unknown: %s", why);
        else
                fprintf(f, "; audit %s, auditd %s",
                        k->st.enabled == 0 ? "disabled" : k->st.enabled == 2 ? "locked" : "enabled",
                        k->st.pid ? "running" : "not running");
        fputc('\n', f);
}

static const char *kernel_column(const struct check *c, const struct verdict *v) {
        if (!v->x || c->p->kernel.state == KERNEL_SKIPPED)
                return "-";
        if (!kernel_read(c))
                return "?";
        return v->in_kernel ? "yes" : "NO";
}

static void report_text(const struct check *c, int status, unsigned n_covered, unsigned total) {
        summary_line(c, status, n_covered, total, c->out);
        fprintf(c->out, "%-13s %-24s %-44s %-6s %-4s %s\n", "CIS", "COMPONENT", "PATH", "KERNEL", "FILE", "STATUS");
        for (unsigned comp = 0; comp < _COMP_MAX; comp++)
                for (size_t i = 0; i < c->v.n; i++) {
                        const struct verdict *v = &c->v.v[i];
                        _cleanup_free_ char *ids = NULL, *path = NULL;

                        if (v->t->comp != comp || (!v->x && c->o->verbosity < 1))
                                continue;
                        path = comment_safe(v->t->path);
                        fprintf_escaped(c->out, "%-13s %-24s %-44s %-6s %-4s %s%s%s\n", cis_column(c, v->t->comp, &ids),
                               component_info(v->t->comp)->name, path ? path : "?", kernel_column(c, v),
                               !v->x || v->x->live_only ? "-" : v->in_file ? "yes" : "NO",
                               target_status_to_string(v->status), v->message ? ": " : "", strempty(v->message));
                }
        for (char **s = c->stale; s && *s; s++)
                fprintf_escaped(c->out, "stale:   %s\n", *s);
        for (size_t i = 0; i < c->n_findings; i++)
                fprintf_escaped(c->out, "%s: %s\n", c->findings[i].sev == SEV_NONE ? "note" : severity_to_string(c->findings[i].sev),
                       c->findings[i].message);
        if (c->v.n && c->o->verbosity >= 0)
                plan_print_problems(stderr, c->p);
}

static json_object *jstr(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static json_object *verdict_json(const struct check *c, const struct verdict *v) {
        json_object *o = json_object_new_object();
        _cleanup_free_ char *id = NULL;

        if (asprintf(&id, "%s:%s", component_info(v->t->comp)->name, strempty(v->t->path)) < 0)
                id = NULL;
        json_object_object_add(o, "id", jstr(id));
        json_object_object_add(o, "component", json_object_new_string(component_info(v->t->comp)->name));
        json_object_object_add(o, "cis", cis_ids_json(v->t->comp));
        json_object_object_add(o, "path", jstr(v->t->path));
        json_object_object_add(o, "evidence", jstr(v->t->evidence));
        json_object_object_add(o, "exists", json_object_new_boolean(v->t->state == PATH_EXISTS));
        json_object_object_add(o, "watched", json_object_new_boolean(v->x != NULL));
        json_object_object_add(o, "live_only", json_object_new_boolean(v->x && v->x->live_only));
        json_object_object_add(o, "in_kernel", !v->x || !kernel_read(c) ? NULL : json_object_new_boolean(v->in_kernel));
        json_object_object_add(o, "kernel_key", jstr(v->kernel_key));
        json_object_object_add(o, "in_file", !v->x || v->x->live_only ? NULL : json_object_new_boolean(v->in_file));
        json_object_object_add(o, "file", jstr(v->file));
        json_object_object_add(o, "counted", json_object_new_boolean(v->counted));
        json_object_object_add(o, "status", json_object_new_string(target_status_to_string(v->status)));
        json_object_object_add(o, "severity", json_object_new_string(severity_to_string(v->sev)));
        json_object_object_add(o, "message", jstr(v->message));
        return o;
}

static json_object *audit_json(const struct check *c) {
        const struct kernel_view *k = &c->p->kernel;
        json_object *audit = json_object_new_object();
        const char *why;

        kernel_view_message(k, &why, NULL);
        json_object_object_add(audit, "reachable", json_object_new_boolean(kernel_read(c)));
        json_object_object_add(audit, "error", jstr(k->state == KERNEL_SKIPPED ? "the running kernel is not judged under --root" : why));
        if (kernel_read(c)) {
                json_object_object_add(audit, "enabled", json_object_new_int(k->st.enabled));
                json_object_object_add(audit, "locked", json_object_new_boolean(k->st.enabled == 2));
                json_object_object_add(audit, "auditd_pid", json_object_new_int(k->st.pid));
                json_object_object_add(audit, "lost", json_object_new_int64(k->st.lost));
                json_object_object_add(audit, "backlog", json_object_new_int64(k->st.backlog));
                json_object_object_add(audit, "backlog_limit", json_object_new_int64(k->st.backlog_limit));
                json_object_object_add(audit, "failure", json_object_new_int(k->st.failure));
                json_object_object_add(audit, "rules_loaded", json_object_new_int64((int64_t) k->n_total));
        }
        return audit;
}

static json_object *fragment_json(const struct check *c) {
        const struct fragment_disk *d = &c->p->disk;
        json_object *frag = json_object_new_object(), *boot = json_object_new_object();

        json_object_object_add(frag, "path", json_object_new_string(c->p->fragment_path));
        json_object_object_add(frag, "exists", json_object_new_boolean(d->exists));
        if (d->exists) {
                char mode[8];
                snprintf(mode, sizeof(mode), "%04o", (unsigned) (d->st.st_mode & 07777));
                json_object_object_add(frag, "owner_uid", json_object_new_int((int) d->st.st_uid));
                json_object_object_add(frag, "mode", json_object_new_string(mode));
                json_object_object_add(frag, "up_to_date", json_object_new_boolean(streq(d->text, c->p->fragment_text)));
        }
        json_object_object_add(boot, "loader", json_object_new_string(boot_loader_name(c->p->boot.loader)));
        json_object_object_add(boot, "evidence", jstr(c->p->boot.evidence));
        json_object_object_add(boot, "reads_fragment", json_object_new_boolean(c->p->boot_reads_fragment));
        json_object_object_add(frag, "boot", boot);
        return frag;
}

static json_object *shadows_json(const struct check *c) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < c->shadows.n; i++) {
                const struct verdict_shadow *s = &c->shadows.v[i];
                json_object *o = json_object_new_object();
                _cleanup_free_ char *text = NULL;

                if (filter_rule_format(s->s.rule, &text) < 0)
                        text = NULL;
                json_object_object_add(o, "rule", jstr(text));
                json_object_object_add(o, "in_kernel", json_object_new_boolean(s->in_kernel));
                json_object_object_add(o, "file", jstr(s->s.rule->file));
                json_object_object_add(o, "line", s->s.rule->file ? json_object_new_int((int) s->s.rule->line) : NULL);
                json_object_object_add(o, "kind", json_object_new_string(shadow_kind_to_string(s->s.kind)));
                json_object_object_add(o, "all", json_object_new_boolean(s->s.scope == SHADOW_ALL));
                json_object_object_add(o, "watches", json_object_new_int((int) s->s.n_targets));
                json_object_object_add(o, "severity", json_object_new_string(s->sev == SEV_NONE ? "info"
                                                                               : severity_to_string(s->sev)));
                json_object_array_add(a, o);
        }
        return a;
}

static json_object *probe_json(const struct check *c) {
        const struct probe *pr = &c->probe;
        json_object *o = json_object_new_object();

        json_object_object_add(o, "status", json_object_new_string(probe_status_to_string(pr->status)));
        json_object_object_add(o, "path", jstr(pr->path));
        json_object_object_add(o, "action", pr->path ? json_object_new_string(probe_action_to_string(pr->action)) : NULL);
        json_object_object_add(o, "serial", pr->serial ? json_object_new_int64((int64_t) pr->serial) : NULL);
        json_object_object_add(o, "latency_seconds", pr->serial ? json_object_new_double(pr->latency) : NULL);
        json_object_object_add(o, "log_file", jstr(pr->log_file));
        json_object_object_add(o, "in_log", pr->log == PROBE_LOG_FOUND ? json_object_new_boolean(true)
                                            : pr->log == PROBE_LOG_NOT_FOUND ? json_object_new_boolean(false) : NULL);
        return o;
}

static void report_json(const struct check *c, int status, unsigned n_covered, unsigned total) {
        json_object *root = json_object_new_object(), *targets = json_object_new_array(),
                    *findings = json_object_new_array(), *summary = json_object_new_object(),
                    *drift = json_object_new_array();
        unsigned crit, warn, not_covered = 0;

        count_severities(c, &crit, &warn);
        json_object_object_add(root, "schema", json_object_new_string("docker-audit-rules/check"));
        json_object_object_add(root, "version", json_object_new_int(1));
        json_object_object_add(root, "status", json_object_new_string(status_names[status]));
        json_object_object_add(root, "exit_status", json_object_new_int(status));
        json_object_object_add(root, "cis_version", c->o->cis >= 0 ? json_object_new_string(cis_version_name(c->o->cis)) : NULL);
        json_object_object_add(root, "key", json_object_new_string(c->o->render.key));
        for (size_t i = 0; i < c->v.n; i++) {
                not_covered += in_total(c, &c->v.v[i]) && !covered(c, &c->v.v[i]);
                json_object_array_add(targets, verdict_json(c, &c->v.v[i]));
        }
        json_object_object_add(root, "targets", targets);
        json_object_object_add(root, "audit", audit_json(c));
        json_object_object_add(root, "fragment", fragment_json(c));
        for (char **s = c->stale; s && *s; s++)
                json_object_array_add(drift, json_object_new_string(*s));
        json_object_object_add(root, "stale_rules", drift);
        for (size_t i = 0; i < c->n_findings; i++) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "severity", json_object_new_string(c->findings[i].sev == SEV_NONE
                                                                                     ? "info"
                                                                                     : severity_to_string(c->findings[i].sev)));
                json_object_object_add(o, "message", json_object_new_string(c->findings[i].message));
                json_object_array_add(findings, o);
        }
        json_object_object_add(root, "findings", findings);
        json_object_object_add(root, "shadowing_rules", shadows_json(c));
        if (c->probed)
                json_object_object_add(root, "probe", probe_json(c));
        json_object_object_add(root, "problems", plan_problems_json(c->p));
        json_object_object_add(summary, "targets", json_object_new_int((int) total));
        json_object_object_add(summary, "covered", json_object_new_int((int) n_covered));
        json_object_object_add(summary, "not_covered", json_object_new_int((int) not_covered));
        json_object_object_add(summary, "not_watched", json_object_new_int((int) count_not_watched(c)));
        json_object_object_add(summary, "critical", json_object_new_int((int) crit));
        json_object_object_add(summary, "warning", json_object_new_int((int) warn));
        json_object_object_add(summary, "stale_rules", json_object_new_int((int) strv_length(c->stale)));
        json_object_object_add(root, "summary", summary);
        fprintf(c->out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
}

/* ---- --probe ---- */

/* Why an event may not have come: the likely causes, as one clause. */
static char *probe_causes(const struct check *c) {
        const struct probe *pr = &c->probe;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        bool any = false;

        if (!f)
                return NULL;
        if (c->p->kernel.st.enabled == 0) {
                fputs("audit is disabled (enabled 0)", f);
                any = true;
        }
        for (size_t i = 0; i < c->shadows.n; i++)
                if (c->shadows.v[i].in_kernel && c->shadows.v[i].sev > SEV_NONE) {
                        _cleanup_free_ char *text = NULL;
                        if (filter_rule_format(c->shadows.v[i].s.rule, &text) >= 0)
                                fprintf(f, "%snever rule \"%s\" in the kernel", any ? "; " : "", text);
                        any = true;
                }
        if (pr->lost_after > pr->lost_before || (pr->backlog_limit && pr->backlog >= pr->backlog_limit)) {
                fprintf(f, "%sthe kernel is losing events (lost %u, was %u; backlog %u of %u): backlog full or rate "
                        "limit", any ? "; " : "", pr->lost_after, pr->lost_before, pr->backlog, pr->backlog_limit);
                any = true;
        }
        if (!any)
                fputs("no cause seen: the event may have been dropped, or a rule before ours that this check "
                      "does not model matched it", f);
        if (fclose(f) != 0)
                return NULL;
        return TAKE_PTR(buf);
}

static int judge_probe_log(struct check *c) {
        const struct probe *pr = &c->probe;

        switch (pr->log) {
        case PROBE_LOG_FOUND:
                return add_finding(c, SEV_NONE, "probe: event %lu is in %s", pr->serial, pr->log_file);
        case PROBE_LOG_NOT_FOUND:
                return add_finding(c, SEV_WARNING, "probe: event %lu was not written to %s within a second: is auditd "
                                   "writing (disk full, suspended, another log file)?", pr->serial, pr->log_file);
        case PROBE_LOG_UNREADABLE:
                return add_finding(c, SEV_NONE, "probe: %s could not be read to look for event %lu",
                                   strempty(pr->log_file), pr->serial);
        default:
                return 0;
        }
}

static int judge_probe(struct check *c) {
        const struct probe *pr = &c->probe;
        double secs = c->o->probe_timeout_ms / 1000.0;
        int r;

        if (!c->o->probe)
                return 0;
        if (!kernel_read(c))
                return add_finding(c, SEV_NONE, "probe: not run, the kernel's audit rules could not be read");
        r = probe_run(c->p, c->o->probe_timeout_ms, &c->probe);
        if (r < 0)
                return r;
        c->probed = true;
        switch (pr->status) {
        case PROBE_SEEN:
                r = add_finding(c, SEV_NONE, "probe: %s (%s) recorded with key \"%s\" in %.3f s (event %lu, comm=\"%s\")",
                                pr->path, probe_action_to_string(pr->action), c->p->key, pr->latency, pr->serial,
                                PROBE_COMM);
                return r < 0 ? r : judge_probe_log(c);
        case PROBE_OTHER_KEY:
                return add_finding(c, SEV_WARNING, "probe: %s (%s) was recorded with key \"%s\", not \"%s\": a rule "
                                   "before ours matched first", pr->path, probe_action_to_string(pr->action),
                                   strempty(pr->key), c->p->key);
        case PROBE_MISSED: {
                _cleanup_free_ char *why = probe_causes(c);
                if (!why)
                        return -ENOMEM;
                return add_finding(c, SEV_CRITICAL, "probe: no event with key \"%s\" within %g s after %s (%s): "
                                   "likely %s", c->p->key, secs, pr->path, probe_action_to_string(pr->action), why);
        }
        case PROBE_NO_TARGET:
                return add_finding(c, SEV_WARNING, "probe: no loaded rule of ours on an existing file or directory "
                                   "of root's with the r or a permission: nothing to probe (a path a user "
                                   "owns or can change is never probed)");
        case PROBE_UNAVAILABLE:
                return add_finding(c, SEV_WARNING, "probe: cannot read the kernel's audit multicast group (%s): it "
                                   "needs root (CAP_AUDIT_READ) in the initial namespaces", strerror(-pr->error));
        default:
                return add_finding(c, SEV_WARNING, "probe: failed: %s", strerror(-pr->error));
        }
}

/* ---- --format prometheus (node_exporter's textfile collector) ---- */

static void metric(FILE *f, const char *name, const char *type, const char *help) {
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static double now_seconds(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (double) ts.tv_sec + (double) (ts.tv_nsec / 1000000) / 1000.0;
}

static void prometheus_head(FILE *f, int status) {
        metric(f, "docker_audit_rules_check_status", "gauge",
               "Result of docker-audit-rules --check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
        fprintf(f, "docker_audit_rules_check_status %d\n", status);
        metric(f, "docker_audit_rules_last_run_timestamp_seconds", "gauge", "When the check ran, in seconds since the epoch.");
        fprintf(f, "docker_audit_rules_last_run_timestamp_seconds %.3f\n", now_seconds());
}

static void report_prometheus(const struct check *c, int status, unsigned n_covered, unsigned total) {
        const struct kernel_view *k = &c->p->kernel;
        unsigned by_state[_STATUS_MAX] = {}, crit, warn;
        FILE *f = c->out;

        count_severities(c, &crit, &warn);
        for (size_t i = 0; i < c->v.n; i++)
                if (c->v.v[i].counted)
                        by_state[c->v.v[i].status]++;
        prometheus_head(f, status);
        metric(f, "docker_audit_rules_targets", "gauge",
               "Docker paths found on this host, by the state of their audit rule (not-watched: no rule, so not judged).");
        for (unsigned s = 0; s < _STATUS_MAX; s++)
                fprintf(f, "docker_audit_rules_targets{state=\"%s\"} %u\n", target_status_to_string(s), by_state[s]);
        metric(f, "docker_audit_rules_targets_covered", "gauge", "Targets covered now and at boot.");
        fprintf(f, "docker_audit_rules_targets_covered %u\n", n_covered);
        metric(f, "docker_audit_rules_targets_judged", "gauge",
               "Targets judged: the paths found, but for those in state not-watched.");
        fprintf(f, "docker_audit_rules_targets_judged %u\n", total);
        metric(f, "docker_audit_rules_instances", "gauge", "Daemon instances discovered, by daemon.");
        fprintf(f, "docker_audit_rules_instances{daemon=\"dockerd\"} %zu\n", c->p->disc.n_dockerds);
        fprintf(f, "docker_audit_rules_instances{daemon=\"containerd\"} %zu\n", c->p->disc.n_containerds);
        metric(f, "docker_audit_rules_findings", "gauge", "Findings of the check, by severity.");
        fprintf(f, "docker_audit_rules_findings{severity=\"critical\"} %u\n", crit);
        fprintf(f, "docker_audit_rules_findings{severity=\"warning\"} %u\n", warn);
        metric(f, "docker_audit_rules_stale_rules", "gauge", "Rules with our key for paths no longer discovered.");
        fprintf(f, "docker_audit_rules_stale_rules %zu\n", strv_length(c->stale));
        metric(f, "docker_audit_rules_shadowing_rules", "gauge",
               "Never rules (kernel or rules files) that silence some or all of our watches.");
        fprintf(f, "docker_audit_rules_shadowing_rules %u\n", c->n_shadowing);
        if (kernel_read(c)) {
                metric(f, "docker_audit_rules_audit_enabled", "gauge", "The kernel's audit enabled flag (0, 1, 2 locked).");
                fprintf(f, "docker_audit_rules_audit_enabled %d\n", k->st.enabled);
                metric(f, "docker_audit_rules_auditd_running", "gauge", "1 when auditd is registered with the kernel.");
                fprintf(f, "docker_audit_rules_auditd_running %d\n", k->st.pid > 0);
                metric(f, "docker_audit_rules_kernel_lost_events", "gauge", "The kernel's count of lost audit events since boot.");
                fprintf(f, "docker_audit_rules_kernel_lost_events %u\n", c->probed ? c->probe.lost_after : k->st.lost);
        }
        if (c->probed) {
                bool ok = c->probe.status == PROBE_SEEN;
                metric(f, "docker_audit_rules_probe_success", "gauge", "1 when --probe saw the event with our key.");
                fprintf(f, "docker_audit_rules_probe_success %d\n", ok);
                if (ok) {
                        metric(f, "docker_audit_rules_probe_latency_seconds", "gauge",
                               "Seconds from the probe's action to its event on the multicast group.");
                        fprintf(f, "docker_audit_rules_probe_latency_seconds %.6f\n", c->probe.latency);
                }
        }
}

/* Nothing could be judged: one line, or one JSON object, or the status metric. */
static int report_unknown(const struct options *o, FILE *out, const char *what, int err) {
        if (o->format == FORMAT_PROMETHEUS)
                prometheus_head(out, CHECK_UNKNOWN);
        else if (o->format == FORMAT_JSON) {
                json_object *root = json_object_new_object();
                _cleanup_free_ char *msg = NULL;

                if (asprintf(&msg, "%s%s%s", strempty(what), what ? ": " : "", strerror(-err)) < 0)
                        msg = NULL;
                json_object_object_add(root, "schema", json_object_new_string("docker-audit-rules/check"));
                json_object_object_add(root, "version", json_object_new_int(1));
                json_object_object_add(root, "status", json_object_new_string(status_names[CHECK_UNKNOWN]));
                json_object_object_add(root, "exit_status", json_object_new_int(CHECK_UNKNOWN));
                json_object_object_add(root, "error", jstr(msg));
                fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(root);
        } else if (what)
                fprintf(out, "DOCKER AUDIT UNKNOWN - %s: %s\n", what, strerror(-err));
        else
                fprintf(out, "DOCKER AUDIT UNKNOWN - %s\n", strerror(-err));
        return CHECK_UNKNOWN;
}

/* The report, to standard output or (--output) atomically to a file, mode 0644 so that a
 * collector running as another user reads it. A write failure makes the check UNKNOWN. */
static int emit(const struct options *o, char *text, size_t len, int status) {
        bool changed;
        int r;

        if (!o->check_output) {
                fwrite(text, 1, len, stdout);
                return status;
        }
        r = file_write_atomic(o->check_output, text, 0644, &changed);
        if (r < 0) {
                fprintf(stderr, "docker-audit-rules: %s: cannot write: %s\n", o->check_output, strerror(-r));
                return CHECK_UNKNOWN;
        }
        return status;
}

static int judge_all(struct check *c) {
        int r;

        c->problems = plan_print_problems(NULL, c->p);
        r = verdicts_build(c->p, c->o->cis, &c->v);
        if (r >= 0)
                r = judge_fragment(c);
        if (r >= 0)
                r = judge_boot(c);
        if (r >= 0)
                r = judge_drift(c);
        if (r >= 0)
                r = judge_shadows(c);
        if (r >= 0)
                r = judge_audit(c);
        if (r >= 0)
                r = judge_probe(c);
        return r;
}

int run_check(const struct options *o) {
        struct plan p = {};
        struct check c = { .o = o, .p = &p };
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        const char *what = NULL;
        unsigned n_covered = 0, total = 0;
        int r, status;

        c.out = open_memstream(&text, &len);
        if (!c.out) {
                fprintf(stderr, "docker-audit-rules: out of memory\n");
                return CHECK_UNKNOWN;
        }
        r = plan_build(o, &p, &what);
        if (r < 0)
                status = report_unknown(o, c.out, what, r);
        else {
                /* Our fragment first: its key, when it is another, is the previous key, whose
                 * rules the kernel listing keeps too. */
                r = plan_read_disk(&p);
                plan_read_kernel(&p);
                if (r >= 0)
                        r = judge_all(&c);
                if (r < 0)
                        status = report_unknown(o, c.out, NULL, r);
                else {
                        status = verdict(&c, &n_covered, &total);
                        if (o->format == FORMAT_JSON)
                                report_json(&c, status, n_covered, total);
                        else if (o->format == FORMAT_PROMETHEUS)
                                report_prometheus(&c, status, n_covered, total);
                        else
                                report_text(&c, status, n_covered, total);
                }
        }
        r = fclose(c.out);
        c.out = NULL;
        check_done(&c);
        plan_done(&p);
        if (r != 0) {
                fprintf(stderr, "docker-audit-rules: out of memory\n");
                return CHECK_UNKNOWN;
        }
        return emit(o, text, len, status);
}
