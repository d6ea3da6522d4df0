/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --check, the judge: is every Docker component this host has audited in the running kernel,
 * written in a rules file that loads at boot, and is the audit system recording? Changes
 * nothing, prints nothing. The verdicts per target and the drift come from the plan
 * (verdict.c, diff.c), the same diff that install executes; this file adds what only a check
 * looks at (the fragment's lines, its owner and mode, other files' failing lines, the audit
 * status, the probe) and the one exit status. The printers are in check-print.c; run_check(),
 * the mode, plans, judges, has the result printed and writes it. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "config.h"
#include "fragment.h"
#include "plan.h"
#include "probe.h"
#include "util.h"

bool check_kernel_read(const struct plan *p) {
        return p->kernel.state == KERNEL_LOADED || p->kernel.state == KERNEL_LOCKED;
}

void check_result_done(struct check_result *c) {
        verdicts_done(&c->verdicts);
        diff_done(&c->diff);
        for (size_t i = 0; i < c->n_findings; i++)
                free(c->findings[i].message);
        free(c->findings);
        strv_free(c->stale);
        verdict_shadows_done(&c->shadows);
        for (size_t i = 0; c->probe_taken_by && i < c->probe.n_results; i++)
                free(c->probe_taken_by[i]);
        free(c->probe_taken_by);
        probe_done(&c->probe);
        *c = (struct check_result) {};
}

static int add_finding(struct check_result *c, enum severity sev, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int add_finding(struct check_result *c, enum severity sev, const char *fmt, ...) {
        struct check_finding *f;
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
        f[c->n_findings++] = (struct check_finding) { .sev = sev, .message = m };
        return 0;
}

/* Lines of our fragment that would fail at boot, and rules another file already holds. */
static int judge_fragment_line(struct check_result *c, const struct fragment_line *l) {
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

static int judge_fragment(struct check_result *c) {
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
static int judge_boot(struct check_result *c) {
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
static int judge_drift(struct check_result *c) {
        if (!check_kernel_read(c->p))
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

/* Never rules that silence ours, and rules of other keys that take our events: in the kernel
 * now, and in the rules files at boot. */
static int judge_shadows(struct check_result *c) {
        int r = verdict_shadows_build(c->p, &c->shadows);

        if (r < 0)
                return r;
        for (size_t i = 0; i < c->shadows.n; i++) {
                const struct verdict_shadow *s = &c->shadows.v[i];
                bool key = s->s.kind == SHADOW_KEY_BEFORE || s->s.kind == SHADOW_KEY_AFTER;

                if (key)
                        c->n_key_shadowing += s->sev > SEV_NONE;
                else
                        c->n_shadowing += s->sev > SEV_NONE;
                r = add_finding(c, s->sev, "%s", s->message);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int judge_audit(struct check_result *c) {
        const struct audit_state *st = &c->p->kernel.st;

        if (!check_kernel_read(c->p))
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

/* ---- --probe ---- */

/* Why an event may not have come: the likely causes, as one clause. */
static char *probe_causes(const struct check_result *c) {
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
                if (c->shadows.v[i].in_kernel && c->shadows.v[i].sev > SEV_NONE &&
                    (c->shadows.v[i].s.kind == SHADOW_TASK || c->shadows.v[i].s.kind == SHADOW_EXIT_BEFORE)) {
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

/* The rule that took a probe's event, as the finding names it: the kernel's first rule of
 * another key before ours that takes that class on that path (verdict_taker_for()), when it is
 * of the key recorded: "RULE" (kernel position N); else the loaded watches of that key on the
 * path or a directory above it, with that class, in the kernel's order (a path none of our
 * wanted rules names: a rule of ours loaded by hand); "" when none is known (a rule the
 * listing did not keep). */
static char *probe_takers(const struct check_result *c, const struct probe_result *x) {
        const struct kernel_view *k = &c->p->kernel;
        const struct filter_rule *t;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        unsigned perm = probe_action_perm(x->action);
        bool any = false, may = false;
        FILE *f;

        if (!x->key)
                return strdup("");
        t = verdict_taker_for(c->p, x->path, probe_class_to_string(x->action)[0], &may);
        if (t && t->keys && t->keys[0] && streq(t->keys[0], x->key)) {
                _cleanup_free_ char *text = NULL;
                char *r;

                if (filter_rule_format(t, &text) < 0 ||
                    asprintf(&r, "\"%s\" (kernel position %u%s)", text, t->pos + 1,
                             may ? ", under conditions the task met" : "") < 0)
                        return NULL;
                return r;
        }
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; i < k->n_rules; i++) {
                const struct kernel_rule *o = &k->rules[i];
                _cleanup_free_ char *line = NULL;

                if (!o->is_watch || !rule_has_key(&o->rule, x->key) || !(o->rule.perms & perm) ||
                    !(streq(o->rule.path, x->path) || path_startswith_dir(x->path, o->rule.path)))
                        continue;
                if (rule_format(&o->rule, &line) < 0) {
                        fclose(f);
                        return NULL;
                }
                fprintf(f, "%s\"%s\" (kernel position %u)", any ? ", " : "", line, o->pos + 1);
                any = true;
        }
        if (fclose(f) != 0)
                return NULL;
        return TAKE_PTR(buf);
}

static const char *probe_skip_text(enum probe_skip s) {
        switch (s) {
        case PROBE_SKIP_NOT_ROOTS:
                return "its watched paths are not root's alone (a path a user owns or can change is never probed)";
        case PROBE_SKIP_NO_FILE:
                return "its watched paths are missing, or not a regular file or directory";
        case PROBE_SKIP_EXE:
                return "its rules record one program's actions only (-F exe=)";
        case PROBE_SKIP_KERNEL:
                return "this kernel reads the argument vector before it opens the file (as Linux did before "
                       "6.8), so a refused execution records nothing, and an execution that is not refused would "
                       "run it";
        default:
                return "no harmless action";
        }
}

/* One finding per (class, path): the i-th result. */
static int judge_probe_result(struct check_result *c, const struct check_request *q, size_t i) {
        const struct probe_result *x = &c->probe.results[i];
        const char *cls = probe_class_to_string(x->action), *kind = probe_kind_to_string(x->kind),
                   *act = probe_action_to_string(x->action);

        switch (x->status) {
        case PROBE_SEEN:
                return add_finding(c, SEV_NONE, "probe: %s on %s (%s): %s, recorded with key \"%s\" in %.3f s (event %lu, "
                                   "comm=\"%s\")", cls, x->path, kind, act, c->p->key, x->latency, x->serial, PROBE_COMM);
        case PROBE_OTHER_KEY: {
                char *takers = probe_takers(c, x);
                if (!takers)
                        return -ENOMEM;
                c->probe_taken_by[i] = takers;
                return add_finding(c, SEV_WARNING, "probe: %s on %s (%s): %s, recorded with key \"%s\", not \"%s\": %s%s",
                                   cls, x->path, kind, act, strempty(x->key), c->p->key,
                                   *takers ? "taken by " : "a rule before ours matched first", takers);
        }
        case PROBE_MISSED: {
                _cleanup_free_ char *why = probe_causes(c);
                if (!why)
                        return -ENOMEM;
                return add_finding(c, SEV_CRITICAL, "probe: %s on %s (%s): no event with key \"%s\" within %g s after %s: "
                                   "likely %s", cls, x->path, kind, c->p->key, q->probe_timeout_ms / 1000.0, act, why);
        }
        case PROBE_NOT_PROBED:
                return add_finding(c, SEV_NONE, "probe: %s on %s (%s): not probed: %s", cls, strempty(x->path), kind,
                                   probe_skip_text(x->skip));
        default:
                return 0;
        }
}

/* Whether auditd wrote the events seen: one line. */
static int judge_probe_log(struct check_result *c) {
        const struct probe *pr = &c->probe;
        _cleanup_free_ char *found = NULL, *missing = NULL, *unreadable = NULL;
        size_t nf = 0, nm = 0, nu = 0;
        FILE *ff = open_memstream(&found, &nf), *fm = open_memstream(&missing, &nm), *fu = open_memstream(&unreadable, &nu);
        int r = 0;

        if (!ff || !fm || !fu) {
                if (ff)
                        fclose(ff);
                if (fm)
                        fclose(fm);
                if (fu)
                        fclose(fu);
                return -ENOMEM;
        }
        for (size_t i = 0; i < pr->n_results; i++) {
                const struct probe_result *x = &pr->results[i];
                FILE *f = x->log == PROBE_LOG_FOUND ? ff : x->log == PROBE_LOG_NOT_FOUND ? fm
                        : x->log == PROBE_LOG_UNREADABLE ? fu : NULL;
                if (f)
                        fprintf(f, "%s%lu", ftello(f) > 0 ? ", " : "", x->serial);
        }
        if ((fclose(ff) | fclose(fm) | fclose(fu)) != 0)
                return -ENOMEM;
        if (*found)
                r = add_finding(c, SEV_NONE, "probe: event%s %s %s in %s", strchr(found, ',') ? "s" : "", found,
                                strchr(found, ',') ? "are" : "is", pr->log_file);
        if (r >= 0 && *missing)
                r = add_finding(c, SEV_WARNING, "probe: event%s %s %s not written to %s within a second: is auditd "
                                "writing (disk full, suspended, another log file)?", strchr(missing, ',') ? "s" : "",
                                missing, strchr(missing, ',') ? "were" : "was", pr->log_file);
        if (r >= 0 && *unreadable)
                r = add_finding(c, SEV_NONE, "probe: %s could not be read to look for event%s %s", strempty(pr->log_file),
                                strchr(unreadable, ',') ? "s" : "", unreadable);
        return r;
}

static int judge_probe(struct check_result *c, const struct check_request *q) {
        const struct probe *pr = &c->probe;
        int r;

        if (!q->probe)
                return 0;
        if (!check_kernel_read(c->p))
                return add_finding(c, SEV_NONE, "probe: not run, the kernel's audit rules could not be read");
        r = (q->run_probe ? q->run_probe : probe_run)(c->p, q->probe_paths, q->probe_timeout_ms, &c->probe);
        if (r < 0)
                return r;
        c->probed = true;
        if (pr->n_results && !(c->probe_taken_by = calloc(pr->n_results, sizeof(char *))))
                return -ENOMEM;
        switch (pr->status) {
        case PROBE_SEEN:
        case PROBE_OTHER_KEY:
        case PROBE_MISSED:
                for (size_t i = 0; i < pr->n_results; i++)
                        if ((r = judge_probe_result(c, q, i)) < 0)
                                return r;
                return judge_probe_log(c);
        case PROBE_NO_TARGET:
                for (size_t i = 0; i < pr->n_results; i++)
                        if ((r = judge_probe_result(c, q, i)) < 0)
                                return r;
                return add_finding(c, SEV_WARNING, "probe: no loaded rule of ours on an existing file or directory "
                                   "of root's%s: nothing to probe (a path a user owns or can change is never probed)",
                                   q->probe_paths ? " among the paths given (--probe-path)" : "");
        case PROBE_UNAVAILABLE:
                return add_finding(c, SEV_WARNING, "probe: cannot read the kernel's audit multicast group (%s): it "
                                   "needs root (CAP_AUDIT_READ) in the initial namespaces", strerror(-pr->error));
        default:
                return add_finding(c, SEV_WARNING, "probe: failed: %s", strerror(-pr->error));
        }
}

/* Covered: now and at boot; under --root (kernel not judged) at boot alone. */
bool check_covered(const struct check_result *c, const struct verdict *v) {
        if (c->p->kernel.state == KERNEL_SKIPPED)
                return v->in_file;
        return v->in_kernel && (v->in_file || v->x->live_only);
}

bool check_judged(const struct check_result *c, const struct verdict *v) {
        return v->x && v->counted && !(c->p->kernel.state == KERNEL_SKIPPED && v->x->live_only);
}

/* The one exit status and the counts, whatever the output format or verbosity. */
static void judge_status(struct check_result *c) {
        enum severity worst = c->n_problems > 0 ? SEV_WARNING : SEV_NONE;

        for (size_t i = 0; i < c->verdicts.n; i++) {
                const struct verdict *v = &c->verdicts.v[i];

                c->n_critical += v->sev == SEV_CRITICAL;
                c->n_warning += v->sev == SEV_WARNING;
                /* Paths found that get no rule (a missing parent, a refused path, a data root
                 * mode "off"): not among the targets judged, said beside them so that the
                 * counts add up. */
                c->n_not_watched += v->counted && v->status == STATUS_NOT_WATCHED;
                if (!check_judged(c, v))
                        continue;
                c->n_judged++;
                c->n_covered += check_covered(c, v);
                if (v->sev > worst)
                        worst = v->sev;
        }
        for (size_t i = 0; i < c->n_findings; i++) {
                c->n_critical += c->findings[i].sev == SEV_CRITICAL;
                c->n_warning += c->findings[i].sev == SEV_WARNING;
                if (c->findings[i].sev > worst)
                        worst = c->findings[i].sev;
        }
        if (c->p->kernel.state == KERNEL_UNAVAILABLE || c->p->kernel.state == KERNEL_ERROR)
                c->status = CHECK_UNKNOWN;
        else
                c->status = worst == SEV_CRITICAL ? CHECK_CRITICAL : worst == SEV_WARNING ? CHECK_WARNING : CHECK_OK;
}

int check_judge(const struct plan *p, const struct check_request *q, struct check_result *ret) {
        struct check_result c = { .p = p, .cis = q->cis, .kernel_read = check_kernel_read(p) };
        int r;

        c.n_problems = plan_print_problems(NULL, p);
        r = verdicts_build(p, q->cis, &c.verdicts);
        if (r >= 0)
                r = judge_fragment(&c);
        if (r >= 0)
                r = judge_boot(&c);
        if (r >= 0)
                r = judge_drift(&c);
        if (r >= 0)
                r = judge_shadows(&c);
        if (r >= 0)
                r = judge_audit(&c);
        if (r >= 0)
                r = judge_probe(&c, q);
        if (r < 0) {
                check_result_done(&c);
                return r;
        }
        judge_status(&c);
        *ret = c;
        return 0;
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
        r = fragment_write_mode(o->check_output, text, 0644, &changed);
        if (r < 0) {
                fprintf(stderr, "docker-audit-rules: %s: cannot write: %s\n", o->check_output, strerror(-r));
                return CHECK_UNKNOWN;
        }
        return status;
}

int run_check(const struct options *o) {
        const struct check_request q = { .cis = o->cis, .probe = o->probe, .probe_timeout_ms = o->probe_timeout_ms,
                                       .probe_paths = o->probe_paths };
        struct plan p = {};
        struct check_result c = {};
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        const char *what = NULL;
        FILE *out;
        int r, status;

        out = open_memstream(&text, &len);
        if (!out) {
                fprintf(stderr, "docker-audit-rules: out of memory\n");
                return CHECK_UNKNOWN;
        }
        r = plan_build(o, &p, &what);
        if (r < 0)
                status = check_print_unknown(out, o->format, what, r);
        else {
                /* Our fragment first: its key, when it is another, is the previous key, whose
                 * rules the kernel listing keeps too. */
                r = plan_read_disk(&p);
                plan_read_kernel(&p);
                if (r >= 0)
                        r = check_judge(&p, &q, &c);
                if (r < 0)
                        status = check_print_unknown(out, o->format, NULL, r);
                else {
                        status = c.status;
                        if (o->format == FORMAT_JSON)
                                check_print_json(out, &c);
                        else if (o->format == FORMAT_PROMETHEUS)
                                check_print_prometheus(out, &c);
                        else
                                check_print_text(out, &c, o->verbosity);
                }
        }
        r = fclose(out);
        check_result_done(&c);
        plan_done(&p);
        if (r != 0) {
                fprintf(stderr, "docker-audit-rules: out of memory\n");
                return CHECK_UNKNOWN;
        }
        return emit(o, text, len, status);
}
