/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One verdict per target: is its rule in the running kernel, and in a rules file that loads at
 * boot? --check reports these; the severity says how much a gap matters. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "list.h"
#include "plan.h"
#include "string-table.h"
#include "util.h"

static const char *const severity_table[_SEV_MAX] = {
        [SEV_NONE] = "ok",
        [SEV_WARNING] = "warning",
        [SEV_CRITICAL] = "critical",
};
DEFINE_STRING_TABLE_LOOKUP(severity, enum severity, severity_table, _SEV_MAX);

static const char *const target_status_table[_STATUS_MAX] = {
        [STATUS_OK] = "ok",
        [STATUS_AT_BOOT] = "at-boot",
        [STATUS_NOT_WATCHED] = "not-watched",
        [STATUS_UNKNOWN] = "unknown",
        [STATUS_NOT_LOADED] = "not-loaded",
        [STATUS_NOT_RECURSIVE] = "not-recursive",
        [STATUS_PENDING_REBOOT] = "pending-reboot",
        [STATUS_NOT_IN_FILE] = "not-in-file",
};
DEFINE_STRING_TABLE_LOOKUP(target_status, enum target_status, target_status_table, _STATUS_MAX);

void verdicts_done(struct verdicts *v) {
        for (size_t i = 0; i < v->n; i++)
                free(v->v[i].message);
        free(v->v);
        *v = (struct verdicts) {};
}

bool kernel_rule_covers(const struct rule *k, const struct rule *want) {
        if (!streq(k->path, want->path))
                return false;
        if (want->kind == WATCH_DIR && k->kind != WATCH_DIR)
                return false;
        if ((k->perms & want->perms) != want->perms)
                return false;
        if (k->exe) {
                /* A filtered rule covers only the same filter. Binary reads "others" wants
                 * -F perm=r -F exe!=BINARY beside -p wxa: a rule without the filter covers the
                 * first, and nothing with exe!=BINARY covers the second, since the kernel compares
                 * exe with the task's executable at syscall exit, after an execve the new program
                 * (kernel/auditsc.c, AUDIT_EXE): such a rule records no execution of BINARY. */
                if (!want->exe || !streq(k->exe, want->exe) || k->exe_negated != want->exe_negated)
                        return false;
        }
        /* auid!=unset (run mode "session") covers only a rule as narrow; a rule without it covers
         * one with it. */
        if (k->auid_set && !want->auid_set)
                return false;
        return true;
}

static bool counted(int cis, enum component comp) {
        if (cis < 0)
                return true;
        return component_info(comp)->cis[cis] != NULL || !component_is_cis(comp);
}

static bool kernel_read(const struct plan *p) {
        return p->kernel.state == KERNEL_LOADED || p->kernel.state == KERNEL_LOCKED;
}

/* In the kernel: any covering rule; ours preferred for the report. */
static void judge_kernel(const struct plan *p, struct verdict *v) {
        for (size_t j = 0; kernel_read(p) && j < p->kernel.n_rules; j++) {
                const struct kernel_rule *k = &p->kernel.rules[j];
                if (!k->is_watch || !kernel_rule_covers(&k->rule, &v->x->rule))
                        continue;
                if (!v->in_kernel || rule_has_key(&k->rule, p->key))
                        v->kernel_key = k->rule.keys && k->rule.keys[0] ? k->rule.keys[0] : "";
                v->in_kernel = true;
        }
}

/* On disk: another rules file, audit.rules when that is what boots, or our fragment. */
static void judge_file(const struct plan *p, struct verdict *v) {
        const struct rendered *x = v->x;

        if (x->provided_by) {
                v->in_file = true;
                v->file = x->provided_by;
        } else if (!x->live_only && p->boot.loader == BOOT_AUDIT_RULES) {
                v->in_file = fragment_lines_hold(&p->disk.boot_lines, &x->rule, false);
                v->file = "/etc/audit/audit.rules";
        } else if (!x->live_only) {
                /* Where nothing loads rules at boot (no auditd), the fragment is still the file:
                 * that it is not loaded is said once for the host (check.c judge_boot()), not as a
                 * false "not in the file" for each target it holds. */
                v->in_file = (p->boot_reads_fragment || p->boot.loader == BOOT_NONE) &&
                             fragment_lines_hold(&p->disk.lines, &x->rule, false);
                v->file = p->fragment_path;
        }
}

/* Only a plain watch on a path wanted recursively: loaded before the directory existed. */
static bool loaded_plain(const struct plan *p, const struct rule *want) {
        if (want->kind != WATCH_DIR)
                return false;
        for (size_t j = 0; j < p->kernel.n_rules; j++)
                if (p->kernel.rules[j].is_watch && streq(p->kernel.rules[j].rule.path, want->path) &&
                    p->kernel.rules[j].rule.kind == WATCH_FILE)
                        return true;
        return false;
}

static int judge_one(const struct plan *p, struct verdict *v, bool cis_exists) {
        const struct rendered *x = v->x;
        enum severity gap = cis_exists ? SEV_CRITICAL : SEV_WARNING;

        judge_kernel(p, v);
        judge_file(p, v);

        if (p->kernel.state == KERNEL_SKIPPED)
                /* --root: the files are judged; a live-only rule lives in the kernel alone. */
                v->status = x->live_only ? STATUS_UNKNOWN : v->in_file ? STATUS_AT_BOOT : STATUS_NOT_IN_FILE;
        else if (!kernel_read(p))
                v->status = STATUS_UNKNOWN;
        else if (!v->in_kernel) {
                bool locked = p->kernel.state == KERNEL_LOCKED;
                v->status = locked && v->in_file ? STATUS_PENDING_REBOOT : STATUS_NOT_LOADED;
                v->sev = locked && v->in_file ? SEV_WARNING : gap;
                if (loaded_plain(p, &x->rule)) {
                        v->status = STATUS_NOT_RECURSIVE;
                        v->message = strdup("watched as a plain path, wanted recursive (the directory was made "
                                            "after the rules loaded): run docker-audit-rules");
                        if (!v->message)
                                return -ENOMEM;
                }
        } else {
                v->status = STATUS_OK;
                if (!streq(v->kernel_key, p->key) &&
                    asprintf(&v->message, "covered by a rule with key \"%s\"", v->kernel_key) < 0)
                        return -ENOMEM;
        }

        if (!x->live_only && !v->in_file && (!v->sev || v->status == STATUS_OK)) {
                if (gap > v->sev)
                        v->sev = gap;
                if (v->status == STATUS_OK || v->status == STATUS_UNKNOWN)
                        v->status = STATUS_NOT_IN_FILE;
        }
        if (!v->message && !v->in_file && !x->live_only &&
            asprintf(&v->message, "not in %s: it will not be loaded after a reboot",
                     v->file ? v->file : "any rules file") < 0)
                return -ENOMEM;
        if (!v->message && x->live_only && p->disc.targets[x->target].user_tree)
                v->message = strdup("live only: a path in a user's tree, checked at every run, never loaded at boot");
        if (!v->message && x->live_only)
                v->message = strdup("live only: its parent is made at run time, no boot-time rule possible");
        if (!v->message && !v->in_kernel && kernel_read(p))
                v->message = strdup("not loaded in the running kernel");
        if (!v->counted)
                v->sev = SEV_NONE;
        return 0;
}

int verdicts_build(const struct plan *p, int cis, struct verdicts *ret) {
        const struct discovery *d = &p->disc;
        struct verdicts vs = {};
        int r;

        vs.v = calloc(d->n_targets + 1, sizeof(*vs.v));
        if (!vs.v)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_targets; i++) {
                struct verdict *v = &vs.v[vs.n++];
                const char *disp = render_target_disposition(d, &p->rules, i, &v->x);
                bool exists = d->targets[i].state == PATH_EXISTS;

                /* A literal CIS path of a component this host has is what scanners judge it by. */
                if (!exists && d->targets[i].cis_literal)
                        for (size_t k = 0; k < d->n_targets && !exists; k++)
                                exists = d->targets[k].comp == d->targets[i].comp && d->targets[k].state == PATH_EXISTS;
                v->t = &d->targets[i];
                v->counted = counted(cis, v->t->comp);
                if (!v->x) {
                        v->status = STATUS_NOT_WATCHED;
                        v->message = strdup(disp);
                        r = v->message ? 0 : -ENOMEM;
                } else
                        r = judge_one(p, v, component_is_cis(v->t->comp) && exists);
                /* A target with more than one rule (run mode "session"): the worst of them. */
                for (size_t k = 0; r >= 0 && v->x && k < p->rules.n_rules; k++) {
                        struct verdict w = { .t = v->t, .x = &p->rules.rules[k], .counted = v->counted };
                        if (w.x->target != i || w.x == v->x)
                                continue;
                        r = judge_one(p, &w, component_is_cis(v->t->comp) && exists);
                        if (r >= 0 && (w.sev > v->sev || (w.status != STATUS_OK && v->status == STATUS_OK))) {
                                free(v->message);
                                *v = w;
                        } else
                                free(w.message);
                }
                if (r < 0) {
                        verdicts_done(&vs);
                        return r;
                }
        }
        *ret = vs;
        return 0;
}

/* ---- Never rules that silence ours, and rules of other keys that take our events ---- */

void verdict_shadows_done(struct verdict_shadows *s) {
        for (size_t i = 0; i < s->n; i++) {
                free(s->v[i].message);
                free(s->v[i].targets);
        }
        free(s->v);
        *s = (struct verdict_shadows) {};
}

static enum severity shadow_severity(const struct shadow *s) {
        if (s->kind == SHADOW_EXIT_AFTER || s->kind == SHADOW_KEY_AFTER)
                return SEV_NONE;
        if (s->kind == SHADOW_KEY_BEFORE)
                return SEV_WARNING; /* recorded, under another key */
        return s->scope == SHADOW_ALL ? SEV_CRITICAL : SEV_WARNING;
}

/* Where a rule stands: its line in `auditctl -l` and ours, or its file and line. */
static int shadow_where(const struct plan *p, const struct verdict_shadow *v, char **ret) {
        const struct filter_rule *r = v->s.rule;
        bool key = v->s.kind == SHADOW_KEY_BEFORE || v->s.kind == SHADOW_KEY_AFTER;
        bool before = v->s.kind == SHADOW_KEY_BEFORE || v->s.kind == SHADOW_EXIT_BEFORE;

        if (v->in_kernel && !key)
                return (*ret = strdup("in the kernel")) ? 0 : -ENOMEM;
        if (v->in_kernel && v->our_pos == UINT_MAX)
                return asprintf(ret, "in the kernel (auditctl -l rule %u; ours not loaded, %s)", r->pos + 1,
                                p->order == ORDER_FIRST ? "install puts them first" : "install appends them") < 0
                        ? -ENOMEM : 0;
        if (v->in_kernel)
                return asprintf(ret, "in the kernel (auditctl -l rule %u, %s ours at rule %u)", r->pos + 1,
                                before ? "before" : "after", v->our_pos + 1) < 0 ? -ENOMEM : 0;
        return asprintf(ret, "%s:%u (%s)", r->file, r->line,
                        v->s.kind == SHADOW_TASK ? "loads at boot"
                        : !before ? "loads at boot after our fragment"
                        : r->prepend ? "loads at boot, -A puts it before our fragment"
                                     : "loads at boot before our fragment") < 0 ? -ENOMEM : 0;
}

/* The paths touched, each with its CIS items: "/a (CIS 1.1.7), /b"; past SHADOW_PATHS_SAID,
 * how many more (a system call rule without a path takes from every watch; JSON lists them). */
#define SHADOW_PATHS_SAID 5
static int shadow_paths(const struct plan *p, const struct verdict_shadow *v, FILE *f) {
        for (size_t i = 0; i < v->n_targets; i++) {
                if (i == SHADOW_PATHS_SAID) {
                        fprintf(f, " and %zu more", v->n_targets - i);
                        break;
                }
                const struct target *t = &p->disc.targets[v->targets[i]];
                _cleanup_free_ char *ids = NULL;

                if (component_cis_ids(t->comp, &ids) < 0)
                        return -ENOMEM;
                fprintf(f, "%s%s", i ? ", " : "", t->path);
                if (*ids)
                        fprintf(f, " (CIS %s)", ids);
        }
        return 0;
}

/* Why a rule only may take our events: " (its system calls only, when auid>=1000 and
 * auid!=unset)". The fields that narrow are those shadow_take_classes() counts as conditions. */
static void may_why(const struct filter_rule *r, FILE *f) {
        bool calls = !r->all_syscalls && r->syscalls, any = false;

        fputs(" (", f);
        if (calls)
                fputs("its system calls only", f);
        for (size_t i = 0; i < r->n_fields; i++) {
                const struct filter_field *x = &r->fields[i];
                if (streq(x->name, "path") || streq(x->name, "dir") || streq(x->name, "perm") ||
                    streq(x->name, "arch") || streq(x->name, "key"))
                        continue;
                fprintf(f, "%s%s%s%s", any ? " and " : calls ? ", when " : "when ", x->name,
                        streq(x->name, "field_compare") ? " " : filter_op_to_string(x->op), x->value);
                any = true;
        }
        if (!calls && !any)
                fputs("part of the tree, or the entry's creation, rename and removal only", f);
        fputc(')', f);
}

static int key_message(const struct plan *p, const struct verdict_shadow *v, const char *text, const char *where,
                       char **ret) {
        const struct filter_rule *r = v->s.rule;
        const char *key = r->keys && r->keys[0] ? r->keys[0] : NULL;
        bool may = v->s.scope != SHADOW_ALL;
        _cleanup_free_ char *buf = NULL, *keytext = NULL;
        size_t size = 0;
        char classes[5];
        FILE *f;
        int k;

        /* Several keys: the kernel joins them, ausearch finds the event by each. */
        if (key && asprintf(&keytext, "%s%s", key, r->keys[1] ? " (and others)" : "") < 0)
                return -ENOMEM; /* cppcheck-suppress memleak ; keytext is freed by its cleanup attribute */
        if (!key && !(keytext = strdup("no key")))
                return -ENOMEM; /* cppcheck-suppress memleak ; keytext is freed by its cleanup attribute */
        shadow_classes_to_string(v->s.classes, classes);
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM; /* cppcheck-suppress memleak ; keytext is freed by its cleanup attribute */
        if (v->s.kind == SHADOW_KEY_BEFORE) {
                fprintf(f, "rule \"%s\" %s %s the %s events of %zu of our watches", text, where,
                        may ? "may take" : "takes", classes, v->n_targets);
                if (may)
                        may_why(r, f);
                fprintf(f, ": they are recorded under %s%s%s, not \"%s\"%s: ", key ? "key \"" : "", keytext,
                        key ? "\"" : "", p->key, p->order == ORDER_FIRST ? "; ours are not first as asked (Order=first)" : "");
        } else
                fprintf(f, "rule \"%s\" %s loses Docker's paths: the %s events of %zu of our watches that it %s carry "
                        "key \"%s\", not %s%s%s: ", text, where, classes, v->n_targets, may ? "may match" : "matches",
                        p->key, key ? "\"" : "", keytext, key ? "\"" : "");
        k = shadow_paths(p, v, f);
        if (fclose(f) != 0 || k < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

static int shadow_message(const struct plan *p, struct verdict_shadow *v) {
        _cleanup_free_ char *text = NULL, *where = NULL;
        const struct shadow *s = &v->s;

        if (filter_rule_format(s->rule, &text) < 0 || shadow_where(p, v, &where) < 0)
                return -ENOMEM;
        if (s->kind == SHADOW_KEY_BEFORE || s->kind == SHADOW_KEY_AFTER)
                return key_message(p, v, text, where, &v->message);
        if (s->n_targets == 0)
                return asprintf(&v->message, "never rule \"%s\" %s: %s", text, where, shadow_effect(s)) < 0 ? -ENOMEM : 0;
        return asprintf(&v->message, "never rule \"%s\" %s: %s (%zu of our watches, %s%s)", text, where,
                        shadow_effect(s), s->n_targets, s->n_targets > 1 ? "e.g. " : "", s->first_path) < 0
                ? -ENOMEM : 0;
}

/* The first loaded watch that covers want, in the kernel's order: its pos, or UINT_MAX. With
 * key, only a rule carrying it. */
static unsigned covering_pos(const struct plan *p, const struct rule *want, const char *key) {
        unsigned pos = UINT_MAX;

        for (size_t j = 0; j < p->kernel.n_rules; j++) {
                const struct kernel_rule *k = &p->kernel.rules[j];
                if (k->is_watch && kernel_rule_covers(&k->rule, want) && k->pos < pos &&
                    (!key || rule_has_key(&k->rule, key)))
                        pos = k->pos;
        }
        return pos;
}

/* Our position for a rule: for never rules any covering rule (what records), for the rules of
 * other keys our own first rule (what carries our key); not loaded: where install puts it. */
static unsigned our_pos(const struct plan *p, const struct rendered *x, bool in_kernel, bool key) {
        unsigned pos;

        if (!in_kernel)
                return RULES_POS_OWN;
        pos = covering_pos(p, &x->rule, key ? p->key : NULL);
        if (pos == UINT_MAX && key && p->order == ORDER_FIRST)
                return 0; /* prepended: before every rule listed now (pos 0 is not below 0) */
        return pos;
}

/* Append the distinct discovery targets of the shadow's watches to v. */
static int shadow_targets(const struct plan *p, const size_t *rendered_of, const struct shadow *s,
                          struct verdict_shadow *v) {
        v->targets = calloc(s->n_targets + 1, sizeof(*v->targets));
        if (!v->targets)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_targets; i++) {
                size_t t = p->rules.rules[rendered_of[s->which[i]]].target;
                bool seen = false;

                for (size_t j = 0; j < v->n_targets && !seen; j++)
                        seen = v->targets[j] == t;
                if (!seen)
                        v->targets[v->n_targets++] = t;
        }
        return 0;
}

static int judge_shadows(const struct plan *p, const struct filter_rule *rules, size_t n_rules, bool in_kernel,
                         bool key, struct verdict_shadows *out) {
        _cleanup_free_ struct shadow_target *t = calloc(p->rules.n_rules + 1, sizeof(*t));
        _cleanup_free_ size_t *rendered_of = calloc(p->rules.n_rules + 1, sizeof(*rendered_of));
        struct shadow *s = NULL;
        size_t n_t = 0, n_s = 0;
        int r;

        if (!t || !rendered_of)
                return -ENOMEM;
        if (n_rules == 0)
                return 0; /* cppcheck-suppress memleak ; t and rendered_of are freed by their cleanup attribute */
        for (size_t i = 0; i < p->rules.n_rules; i++) {
                const struct rendered *x = &p->rules.rules[i];

                if (in_kernel ? !rendered_loads(x) : !rendered_writes(x))
                        continue; /* another file's rule, or not in our fragment */
                rendered_of[n_t] = i;
                t[n_t++] = (struct shadow_target) { .path = x->rule.path, .recursive = x->rule.kind == WATCH_DIR,
                                                    .pos = our_pos(p, x, in_kernel, key), .perms = x->rule.perms };
        }
        r = shadow_judge(rules, n_rules, t, n_t, &s, &n_s);
        if (r < 0)
                return r;
        for (size_t i = 0; r >= 0 && i < n_s; i++) {
                struct verdict_shadow *v;

                /* A rule of another key after ours is no finding unless ours are to be first. */
                if (s[i].kind == SHADOW_KEY_AFTER && p->order != ORDER_FIRST)
                        continue;
                v = reallocarray(out->v, out->n + 1, sizeof(*v));
                if (!v) {
                        r = -ENOMEM;
                        break;
                }
                out->v = v;
                v = &out->v[out->n++];
                *v = (struct verdict_shadow) { .s = s[i], .in_kernel = in_kernel, .sev = shadow_severity(&s[i]),
                                               .our_pos = UINT_MAX };
                v->s.which = NULL;
                /* Where ours stand now: a rule of ours not loaded counts where install puts it for
                 * the judgement (t[].pos), and is said as not loaded. */
                for (size_t j = 0; j < s[i].n_targets; j++) {
                        unsigned pos = !key || !in_kernel ? t[s[i].which[j]].pos
                                : covering_pos(p, &p->rules.rules[rendered_of[s[i].which[j]]].rule, p->key);
                        if (pos < v->our_pos)
                                v->our_pos = pos;
                }
                /* first_path points into the plan's rules, which outlive this. */
                r = shadow_targets(p, rendered_of, &s[i], v);
                if (r >= 0)
                        r = shadow_message(p, v);
        }
        shadows_free(s, n_s);
        return r < 0 ? r : 0;
}

int verdict_shadows_build(const struct plan *p, struct verdict_shadows *ret) {
        struct verdict_shadows out = {};
        int r = 0;

        if (kernel_read(p))
                r = judge_shadows(p, p->kernel.never, p->kernel.n_never, true, false, &out);
        if (r >= 0)
                r = judge_shadows(p, p->others.never, p->others.n_never, false, false, &out);
        if (r >= 0 && kernel_read(p))
                r = judge_shadows(p, p->kernel.takers, p->kernel.n_takers, true, true, &out);
        if (r >= 0)
                r = judge_shadows(p, p->others.takers, p->others.n_takers, false, true, &out);
        if (r < 0) {
                verdict_shadows_done(&out);
                return r;
        }
        *ret = out;
        return (int) out.n;
}

/* A rule loaded now that a rules file also holds (the same text): said once, from the file. */
static bool also_in_file(const struct verdict_shadows *s, size_t i) {
        _cleanup_free_ char *a = NULL;

        if (!s->v[i].in_kernel || filter_rule_format(s->v[i].s.rule, &a) < 0)
                return false;
        for (size_t j = 0; j < s->n; j++) {
                _cleanup_free_ char *b = NULL;
                if (!s->v[j].in_kernel && s->v[j].sev > SEV_NONE && s->v[j].s.kind == s->v[i].s.kind &&
                    filter_rule_format(s->v[j].s.rule, &b) >= 0 && streq(a, b))
                        return true;
        }
        return false;
}

int verdict_print_shadows(FILE *f, const struct plan *p) {
        struct verdict_shadows s = {};
        int r, n = 0;

        r = verdict_shadows_build(p, &s);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s.n; i++)
                if (s.v[i].sev > SEV_NONE && !also_in_file(&s, i)) {
                        n++;
                        if (f)
                                fprintf_escaped(f, "docker-audit-rules: warning: %s\n", s.v[i].message);
                }
        verdict_shadows_done(&s);
        return n;
}

const struct filter_rule *verdict_taker_for(const struct plan *p, const char *path, char klass, bool *ret_may) {
        const char *letters = "rwxa", *c = klass ? strchr(letters, klass) : NULL;
        const struct rendered *x = NULL;

        if (!c || !path || !kernel_read(p))
                return NULL;
        for (size_t i = 0; i < p->rules.n_rules && !x; i++)
                if (rendered_loads(&p->rules.rules[i]) && streq(p->rules.rules[i].rule.path, path))
                        x = &p->rules.rules[i];
        if (!x)
                return NULL;
        return shadow_taker_first(p->kernel.takers, p->kernel.n_takers, path, x->rule.kind == WATCH_DIR,
                                  1u << (c - letters), our_pos(p, x, true, true), ret_may);
}
