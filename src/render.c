/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "config.h"
#include "render.h"
#include "string-table.h"
#include "util.h"

static const char *const run_mode_table[_RUN_MODE_MAX] = {
        [RUN_SESSION] = "session",
        [RUN_CIS] = "cis",
        [RUN_RECURSIVE] = "recursive",
};

const char *run_mode_name(enum run_mode m) {
        return (unsigned) m < _RUN_MODE_MAX ? run_mode_table[m] : NULL;
}

int run_mode_from_string(const char *s, enum run_mode *ret) {
        for (unsigned m = 0; m < _RUN_MODE_MAX; m++)
                if (streq(s, run_mode_table[m])) {
                        *ret = m;
                        return 0;
                }
        return -EINVAL;
}

static const char *const binary_reads_table[_BINARY_READS_MAX] = {
        [BINARY_READS_ALL] = "all",
        [BINARY_READS_OTHERS] = "others",
};
DEFINE_STRING_TABLE_LOOKUP(binary_reads, enum binary_reads, binary_reads_table, _BINARY_READS_MAX);

void ruleset_done(struct ruleset *s) {
        for (size_t i = 0; i < s->n_rules; i++) {
                rule_done(&s->rules[i].rule);
                free(s->rules[i].provided_by);
        }
        free(s->rules);
        *s = (struct ruleset) {};
}

char *comment_safe(const char *s) {
        char *c = strdup(strempty(s));
        if (!c)
                return NULL;
        for (char *p = c; *p; p++)
                if ((unsigned char) *p < ' ' || *p == 0x7f)
                        *p = '?';
        return c;
}

static int build_rule(const struct discovery *d, const struct target *t, const struct render_options *o,
                      struct rule *ret) {
        const struct component_info *info = component_info(t->comp);
        struct rule r = {
                .form = FORM_W,
                .kind = t->state == PATH_EXISTS && t->is_dir ? WATCH_DIR : WATCH_FILE,
                .perms = o->perms ? o->perms : info->perms,
        };
        int k;

        if (t->comp == COMP_RUN_CONTAINERD && o->run_mode != RUN_RECURSIVE) {
                /* containerd, its shims and runc write below it on every container start: the
                 * directory itself for every program, not recursive (CIS v1.6's rule). Session
                 * mode adds the recursive part for login sessions (render_session_rule). */
                r.form = FORM_A;
                r.kind = WATCH_FILE;
        }
        if (t->comp == COMP_DATA_ROOT || t->comp == COMP_CONTAINERD_ROOT) {
                switch (o->data_root_mode) {
                case DATA_ROOT_STATE:
                        /* Recursive, writes and attribute changes, except those dockerd itself makes
                         * (image layers, container logs): what is left is someone else editing the
                         * daemon's state behind its back. */
                        r.form = FORM_A;
                        r.perms = PERM_WRITE | PERM_ATTR;
                        if (t->owner && rule_path_ok(t->owner)) {
                                r.exe = strdup(t->owner);
                                if (!r.exe)
                                        return -ENOMEM;
                                r.exe_negated = true;
                        } else if (t->comp == COMP_DATA_ROOT && d->dockerd && rule_path_ok(d->dockerd)) {
                                r.exe = strdup(d->dockerd);
                                if (!r.exe)
                                        return -ENOMEM;
                                r.exe_negated = true;
                        }
                        break;
                case DATA_ROOT_CIS:
                        /* CIS v1.6: -a exit,always -F path=ROOT -F perm=war (not recursive). */
                        r.form = FORM_A;
                        r.kind = WATCH_FILE;
                        r.perms = PERM_READ | PERM_WRITE | PERM_ATTR;
                        break;
                case DATA_ROOT_RECURSIVE:
                        r.perms = PERM_WRITE | PERM_ATTR;
                        break;
                default:
                        rule_done(&r);
                        return -EINVAL;
                }
        }
        /* A user's path: what they write and change is audited, not what anyone reads there (a
         * read class would turn every look at their files into records, on their command). */
        if (t->user_tree)
                r.perms &= ~(unsigned) PERM_READ;
        r.path = strdup(t->path);
        if (!r.path) {
                rule_done(&r);
                return -ENOMEM;
        }
        k = strv_extend(&r.keys, o->key);
        if (k < 0) {
                rule_done(&r);
                return k;
        }
        *ret = r;
        return 0;
}

/* Below /run (a tmpfs): made at run time, missing at boot. */
static bool made_at_run_time(const struct target *t) {
        return path_startswith_dir(t->path, "/run") || path_startswith_dir(t->path, "/var/run");
}

/* Run mode "session": below containerd's run-time directory, what tasks with a login uid change.
 * Daemons started at boot (containerd, its shims, runc, dockerd) have none (auid 4294967295). A
 * dir= rule on a missing directory is refused, so the rule is made only for an existing
 * directory, and is live only when the directory is made at run time (below /run): at boot it
 * would stop every later rule; the post-start run loads it. Returns 1 when *ret was made. */
static int render_session_rule(const struct target *t, const struct rendered *first, struct rendered *ret) {
        struct rendered x = { .target = first->target };
        int r;

        if (t->comp != COMP_RUN_CONTAINERD || t->state != PATH_EXISTS || !t->is_dir || t->link)
                return 0;
        r = rule_copy(&first->rule, &x.rule);
        if (r < 0)
                return r;
        x.rule.kind = WATCH_DIR;
        x.rule.auid_set = true;
        x.live_only = first->live_only || made_at_run_time(t);
        *ret = x;
        return 1;
}

/* The programs among the components: what the kernel reports as a process's exe when it runs. */
static bool component_is_program(enum component c) {
        switch (c) {
        case COMP_DOCKERD:
        case COMP_CONTAINERD:
        case COMP_CONTAINERD_SHIM:
        case COMP_SHIM_RUNC_V1:
        case COMP_SHIM_RUNC_V2:
        case COMP_RUNC:
        case COMP_RUNTIME:
        case COMP_DOCKER_INIT:
        case COMP_DOCKER_PROXY:
        case COMP_DOCKER_CLIENT:
        case COMP_SUPERVISOR:
        case COMP_PODMAN:
                return true;
        default:
                return false;
        }
}

bool render_is_self_read(const struct rule *r) {
        return r->form == FORM_A && r->kind == WATCH_FILE && r->perms == PERM_READ && r->exe && r->exe_negated &&
               streq(r->exe, r->path) && !r->auid_set;
}

/* Binary reads "others": the read class of an existing binary moves from first's rule to a rule
 * of its own that leaves out the binary's reads of itself. The kernel compares a rule's exe with
 * the task's executable at syscall exit (kernel/auditsc.c audit_filter_rules(), AUDIT_EXE;
 * kernel/audit_watch.c audit_exe_compare(): its device and inode, against a mark that follows
 * the name through renames, kernel/audit_fsnotify.c), so exe!= cannot tell an execve of the
 * binary by another program from one by itself: both end with the binary as exe. Executions
 * therefore stay in the rule without exe, every one of them. A link (which the kernel watches as
 * the link) or a missing path keeps its one rule: neither is ever a process's exe, and the CIS
 * paths among them keep the benchmark's line. A script (a wrapper) is never one either, its
 * interpreter is: its read rule leaves nothing out. Returns 1 when *ret was made (first's perms
 * then lose PERM_READ; 0 when only the read class was asked for), 0 when the target keeps one
 * rule, -ENOMEM. */
static int render_self_read_rule(const struct target *t, struct rendered *first, const struct render_options *o,
                                 struct rendered *ret) {
        struct rendered x = { .target = first->target, .live_only = first->live_only };
        int r;

        if (o->binary_reads != BINARY_READS_OTHERS || !component_is_program(t->comp) || t->state != PATH_EXISTS ||
            t->is_dir || t->link || !(first->rule.perms & PERM_READ) || first->rule.exe || first->rule.auid_set)
                return 0;
        r = rule_copy(&first->rule, &x.rule);
        if (r < 0)
                return r;
        free(x.rule.exe);
        x.rule.exe = strdup(t->path);
        if (!x.rule.exe) {
                rule_done(&x.rule);
                return -ENOMEM;
        }
        x.rule.exe_negated = true;
        x.rule.form = FORM_A;
        x.rule.kind = WATCH_FILE;
        x.rule.perms = PERM_READ;
        first->rule.perms &= ~(unsigned) PERM_READ;
        *ret = x;
        return 1;
}

static int set_provided_by(struct rendered *x, const struct rules_dir *others) {
        for (size_t j = 0; others && j < others->n_lines; j++) {
                const struct rules_line *l = &others->lines[j];
                if (l->type != LINE_WATCH || !rule_equal(&l->rule, &x->rule))
                        continue;
                if (asprintf(&x->provided_by, "%s:%u", l->file, l->line) < 0) {
                        x->provided_by = NULL;
                        return -ENOMEM;
                }
                break;
        }
        return 0;
}

static int cmp_rendered(const void *a, const void *b, void *userdata) {
        const struct discovery *d = userdata;
        const struct rendered *x = a, *y = b;
        const struct target *tx = &d->targets[x->target], *ty = &d->targets[y->target];
        int c;

        if (tx->comp != ty->comp)
                return tx->comp < ty->comp ? -1 : 1;
        c = strcmp(x->rule.path, y->rule.path);
        if (c != 0)
                return c;
        /* One target's rules: the one written at boot first (list.c and --check show it), the
         * one without an exe filter before the one with. */
        if (x->rule.kind != y->rule.kind)
                return (int) x->rule.kind - (int) y->rule.kind;
        return (int) !!x->rule.exe - (int) !!y->rule.exe;
}

int render(const struct discovery *d, const struct render_options *o, const struct rules_dir *others,
           struct ruleset *ret) {
        struct ruleset s = {};
        int r;

        s.rules = calloc(2 * d->n_targets + 1, sizeof(struct rendered));
        if (!s.rules)
                return -ENOMEM;

        for (size_t i = 0; i < d->n_targets; i++) {
                const struct target *t = &d->targets[i];
                struct rendered *x;

                if (t->skip || !t->path)
                        continue;
                if ((t->comp == COMP_DATA_ROOT || t->comp == COMP_CONTAINERD_ROOT) && o->data_root_mode == DATA_ROOT_OFF)
                        continue;
                if (t->state != PATH_EXISTS && !t->wanted_missing && !t->cis_literal)
                        continue;

                x = &s.rules[s.n_rules];
                *x = (struct rendered) { .target = i, .live_only = t->volatile_parent || t->user_tree };
                r = build_rule(d, t, o, &x->rule);
                if (r < 0) {
                        ruleset_done(&s);
                        return r;
                }
                if (!x->rule.perms) {
                        /* Only the read class was asked for, and a user's path has none. */
                        rule_done(&x->rule);
                        continue;
                }
                r = render_self_read_rule(t, x, o, &s.rules[s.n_rules + 1]);
                if (r < 0) {
                        rule_done(&x->rule);
                        ruleset_done(&s);
                        return r;
                }
                if (r > 0 && !x->rule.perms) {
                        /* -p r: the read rule alone. */
                        rule_done(&x->rule);
                        *x = s.rules[s.n_rules + 1];
                        s.rules[s.n_rules + 1] = (struct rendered) {};
                        r = 0;
                }
                s.n_rules += 1 + (r > 0);
                r = set_provided_by(x, others);
                if (r >= 0 && x != &s.rules[s.n_rules - 1])
                        r = set_provided_by(&s.rules[s.n_rules - 1], others);
                if (r >= 0 && o->run_mode == RUN_SESSION) {
                        r = render_session_rule(t, x, &s.rules[s.n_rules]);
                        if (r > 0) {
                                s.n_rules++;
                                r = set_provided_by(&s.rules[s.n_rules - 1], others);
                        }
                }
                if (r < 0) {
                        ruleset_done(&s);
                        return r;
                }
        }
        qsort_r(s.rules, s.n_rules, sizeof(struct rendered), cmp_rendered, (void *) d);
        *ret = s;
        return 0;
}

/* Run mode "session": the recursive login-session rule of a run-time directory, which the
 * fragment only names (below the boot rule). */
static bool is_session_rule(const struct target *t, const struct rendered *x) {
        return t->comp == COMP_RUN_CONTAINERD && x->rule.auid_set && x->live_only;
}

static int fragment_session_comment(FILE *f, const struct rule *boot_rule) {
        _cleanup_free_ char *line = NULL;
        struct rule r = {};
        int k;

        k = rule_copy(boot_rule, &r);
        if (k < 0)
                return k;
        r.kind = WATCH_DIR;
        r.auid_set = true;
        k = rule_format(&r, &line);
        rule_done(&r);
        if (k < 0)
                return k;
        fprintf(f, "#   below it, what login sessions change, once the directory exists (it is made at\n"
                   "#   run time; at boot the rule would fail and stop every later rule): loaded into\n"
                   "#   the running kernel only, by the run after the daemons start\n"
                   "#   %s\n", line);
        return 0;
}

int render_fragment(const struct discovery *d, const struct ruleset *s, const struct render_options *o,
                    char **ret_text) {
        char *buf = NULL, perms[5];
        size_t len = 0;
        FILE *f;
        int r;

        f = open_memstream(&buf, &len);
        if (!f)
                return -ENOMEM;

        /* The settings in effect (command line, settings file, defaults): a later run with other
         * settings knows this fragment's key from its rules. */
        fprintf(f, "# Audit rules for Docker, generated by docker-audit-rules %s.\n"
                   "# Do not edit: run docker-audit-rules again to regenerate it, see docker-audit-rules(8).\n"
                   "# Settings: key \"%s\", permissions %s, data root mode \"%s\", run mode \"%s\",\n"
                   "# binary reads \"%s\", CIS paths %s. Only lines that load at boot are rules; the\n"
                   "# others are comments that say why.\n",
                PACKAGE_VERSION, o->key, o->perms ? perms_to_string(o->perms, perms) : "default",
                data_root_mode_name(o->data_root_mode), run_mode_name(o->run_mode),
                binary_reads_to_string(o->binary_reads), d->cis_paths ? "yes" : "no");
        if (o->order == ORDER_FIRST)
                fputs("# Order first: this file sorts before the host's rules files, and install prepends these\n"
                      "# rules, so that events on Docker's files carry this key (docker-audit-rules(8)).\n", f);

        for (size_t i = 0; i < s->n_rules; i++) {
                const struct rendered *x = &s->rules[i];
                const struct target *t = &d->targets[x->target];
                _cleanup_free_ char *ids = NULL, *line = NULL, *ev = NULL;

                /* Binary reads "others": the second rule of a binary, under the first one's heading. */
                bool second = i > 0 && s->rules[i - 1].target == x->target && render_is_self_read(&x->rule);

                /* Said with the boot rule below, whether the directory exists now or not: the
                 * fragment must not change when containerd starts or stops. */
                if (is_session_rule(t, x))
                        continue;
                r = component_cis_ids(t->comp, &ids);
                if (r >= 0)
                        r = rule_format(&x->rule, &line);
                if (r < 0)
                        goto fail;
                ev = comment_safe(t->evidence);
                if (!ev) {
                        r = -ENOMEM;
                        goto fail;
                }
                if (!second) {
                        if (*ids)
                                fprintf(f, "\n# CIS %s %s\n", ids, component_info(t->comp)->name);
                        else
                                fprintf(f, "\n# %s (no CIS item)\n", component_info(t->comp)->name);
                        fprintf(f, "#   %s%s\n", ev, t->cis_literal && !t->cis_only ? "; also " CIS_EVIDENCE : "");
                        if (render_is_self_read(&x->rule) ||
                            (i + 1 < s->n_rules && s->rules[i + 1].target == x->target &&
                             render_is_self_read(&s->rules[i + 1].rule)))
                                fprintf(f, "#   binary reads \"others\": its reads by the program itself are not "
                                           "recorded; its\n"
                                           "#   executions, writes and attribute changes and every other program's "
                                           "reads are\n");
                }
                if (x->provided_by) {
                        _cleanup_free_ char *pb = comment_safe(x->provided_by);
                        fprintf(f, "#   already in %s; not repeated (a duplicate would stop the boot-time load)\n"
                                   "#   %s\n", pb ? pb : "?", line);
                } else if (x->live_only && t->user_tree) {
                        fprintf(f, "#   loaded into the running kernel only, after its path is checked again:\n"
                                   "#   it lies in user %u's tree, and they could turn a directory of it into a\n"
                                   "#   link before a boot-time load, which would follow it anywhere\n"
                                   "#   %s\n", t->user_uid, line);
                } else if (x->live_only) {
                        fprintf(f, "#   loaded into the running kernel only: %s made at run\n"
                                   "#   time, so at boot the rule would fail and stop every later rule\n"
                                   "#   %s\n", t->volatile_parent ? "its parent directory is" : "the directory is",
                                line);
                } else {
                        if ((t->comp == COMP_DATA_ROOT || t->comp == COMP_CONTAINERD_ROOT) &&
                            o->data_root_mode != DATA_ROOT_CIS && x->rule.kind == WATCH_FILE && t->state != PATH_EXISTS)
                                fprintf(f, "#   missing now, so watched as the path itself: a recursive watch needs the\n"
                                           "#   directory; the first run after the daemon makes it (the runtime unit's)\n"
                                           "#   watches it recursively\n");
                        fprintf(f, "%s\n", line);
                }
                if (t->comp == COMP_RUN_CONTAINERD && o->run_mode == RUN_SESSION && x->rule.kind == WATCH_FILE &&
                    !x->provided_by && made_at_run_time(t)) {
                        r = fragment_session_comment(f, &x->rule);
                        if (r < 0)
                                goto fail;
                }
        }
        if (fclose(f) != 0) {
                free(buf);
                return -EIO;
        }
        *ret_text = buf;
        return 0;

fail:
        fclose(f);
        free(buf);
        return r;
}

const char *render_target_disposition(const struct discovery *d, const struct ruleset *s, size_t i,
                                      const struct rendered **ret_rule) {
        const struct target *t = &d->targets[i];

        *ret_rule = NULL;
        if (t->skip)
                return t->skip;
        for (size_t k = 0; k < s->n_rules; k++)
                if (s->rules[k].target == i) {
                        *ret_rule = &s->rules[k];
                        if (s->rules[k].provided_by)
                                return "held by another rules file";
                        if (s->rules[k].live_only && t->user_tree)
                                return "live only (a user's path, checked at every run, never loaded at boot)";
                        return s->rules[k].live_only ? "live only (parent made at run time)" : "watched";
                }
        if (t->comp == COMP_DATA_ROOT || t->comp == COMP_CONTAINERD_ROOT)
                return "data root watch off";
        return "not watched (missing)";
}
