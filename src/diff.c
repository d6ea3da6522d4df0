/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The diff: wanted rules x the kernel's rules (those keep_relevant kept) x other rules files ->
 * actions. Install executes them, --dry-run prints them, --check reads its drift from them. */
#include <errno.h>

#include "instance.h"
#include "plan.h"
#include "string-table.h"
#include "trust.h"
#include "util.h"

static const char *const action_kind_table[_ACTION_KIND_MAX] = {
        [ACTION_ADD] = "add",
        [ACTION_DELETE] = "delete",
        [ACTION_KEEP] = "keep",
        [ACTION_LIVE_ONLY] = "live-only",
        [ACTION_LEAVE_ALONE] = "leave-alone",
        [ACTION_MOVE] = "move",
};
DEFINE_STRING_TABLE_LOOKUP(action_kind, enum action_kind, action_kind_table, _ACTION_KIND_MAX);

static const char *const action_reason_table[_ACTION_REASON_MAX] = {
        [REASON_NONE] = "",
        [REASON_HELD_ELSEWHERE] = "held by another rules file",
        [REASON_NOT_OURS] = "not written by this tool",
        [REASON_PARENT_AT_RUN_TIME] = "its parent is made at run time, no boot-time rule possible",
        [REASON_USER_TREE] = "a path in a user's tree: loaded after it is checked again, never at boot",
        [REASON_KIND_CHANGED] = "the same path is watched with the other kind",
        [REASON_PREVIOUS_KEY] = "written by this tool with the key it used before",
        [REASON_ORDER] = "before the rules of other keys (--order first)",
        [REASON_ORDER_LAST] = "after the rules of other keys again (--order last)",
};
DEFINE_STRING_TABLE_LOOKUP(action_reason, enum action_reason, action_reason_table, _ACTION_REASON_MAX);

void diff_done(struct diff *d) {
        free(d->actions);
        *d = (struct diff) {};
}

size_t diff_count(const struct diff *d, enum action_kind k) {
        size_t n = 0;

        for (size_t i = 0; i < d->n; i++)
                n += d->actions[i].kind == k;
        return n;
}

static int push(struct diff *d, struct action a) {
        struct action *m = realloc(d->actions, sizeof(*m) * (d->n + 1));

        if (!m)
                return -ENOMEM;
        d->actions = m;
        d->actions[d->n++] = a;
        return 0;
}

/* Is this rule one that another rules file holds? Then it is not ours to delete. */
static bool held_elsewhere(const struct plan *p, const struct rule *r) {
        for (size_t i = 0; i < p->others.n_lines; i++)
                if (p->others.lines[i].type == LINE_WATCH && rule_equal(&p->others.lines[i].rule, r))
                        return true;
        return false;
}

bool diff_fragments_hold(const struct plan *p, const struct rule *r) {
        struct rule other = *r;

        other.kind = r->kind == WATCH_DIR ? WATCH_FILE : WATCH_DIR;
        return fragment_lines_hold(&p->disk.lines, r, true) || fragment_lines_hold(&p->disk.lines, &other, true) ||
               fragment_lines_hold(&p->disk.old_lines, r, true) ||
               fragment_lines_hold(&p->disk.old_lines, &other, true);
}

static bool only_our_key(const struct rule *r, const char *key) {
        return strv_length(r->keys) == 1 && streq(r->keys[0], key);
}

/* The same path with the other kind, the rest equal: a plain watch made before the directory
 * existed, now wanted recursively (or the other way round). */
static bool kind_changed(const struct rule *a, const struct rule *b) {
        struct rule x = *a;

        if (a->kind == b->kind)
                return false;
        x.kind = b->kind;
        return rule_equal(&x, b);
}

static const struct kernel_rule *find_kernel(const struct plan *p, const struct rule *r) {
        for (size_t j = 0; j < p->kernel.n_rules; j++)
                if (p->kernel.rules[j].is_watch && rule_equal(&p->kernel.rules[j].rule, r))
                        return &p->kernel.rules[j];
        return NULL;
}

static bool wanted_loaded(const struct plan *p, const struct rule *k, bool live_only_only,
                          const struct rendered **ret_kind_changed) {
        for (size_t i = 0; i < p->rules.n_rules; i++) {
                const struct rendered *x = &p->rules.rules[i];
                if (!rendered_loads(x) || (live_only_only && !x->live_only))
                        continue;
                if (rule_equal(k, &x->rule))
                        return true;
                if (ret_kind_changed && kind_changed(k, &x->rule))
                        *ret_kind_changed = x;
        }
        return false;
}

const char *diff_user_home(const struct plan *p, uid_t uid) {
        for (size_t k = 0; k < p->disc.n_dockerds; k++)
                if (p->disc.dockerds[k].rootless && p->disc.dockerds[k].uid == uid)
                        return p->disc.dockerds[k].home;
        return NULL;
}

/* A path in a user's tree, checked again right before it is added: the user may have turned one
 * of its directories into a link since discovery (the kernel follows links when it adds a
 * watch). It must still resolve to itself, through nothing but root's and the user's, within
 * their tree (trust_users()). */
static bool user_path_still_theirs(const struct plan *p, const struct target *t) {
        const char *home = diff_user_home(p, t->user_uid);
        struct resolved res = {};
        bool ok;

        ok = root_resolve(&p->root, t->path, true, &res) >= 0 && streq(res.path, t->path) && !res.is_symlink &&
             trust_users(&res, t->user_uid, home);
        resolved_done(&res);
        return ok;
}

/* The order is last, and our fragment of the order first is still on disk: this run switches
 * back, and moves our rules after the others' once. */
static bool back_to_last(const struct plan *p) {
        return p->order == ORDER_LAST && p->old_fragment_path && p->kernel.n_foreign_exit > 0;
}

/* Install: every wanted rule the kernel lacks is added, the ones it has are kept; with the order
 * first, one behind a rule of another key is moved (and back, once, when the order returns to
 * last). */
static int diff_wanted(const struct plan *p, struct diff *d) {
        for (size_t i = 0; i < p->rules.n_rules; i++) {
                const struct rendered *x = &p->rules.rules[i];
                const struct target *t = &p->disc.targets[x->target];
                const struct kernel_rule *have;
                enum action_reason why = REASON_NONE;
                int r;

                if (!rendered_loads(x))
                        continue;
                have = find_kernel(p, &x->rule);
                if (!have && t->user_tree && !user_path_still_theirs(p, t))
                        continue;
                if (!have)
                        for (size_t j = 0; j < p->kernel.n_rules && !why; j++)
                                if (p->kernel.rules[j].is_watch && only_our_key(&p->kernel.rules[j].rule, p->key) &&
                                    kind_changed(&p->kernel.rules[j].rule, &x->rule))
                                        why = REASON_KIND_CHANGED;
                if (have && p->order == ORDER_FIRST && have->pos > p->kernel.first_foreign_exit)
                        r = push(d, (struct action) { .kind = ACTION_MOVE, .reason = REASON_ORDER,
                                                      .rule = &x->rule, .want = x, .have = have });
                else if (have && back_to_last(p) && have->pos < p->kernel.last_foreign_exit)
                        r = push(d, (struct action) { .kind = ACTION_MOVE, .reason = REASON_ORDER_LAST,
                                                      .rule = &x->rule, .want = x, .have = have });
                else
                        r = push(d, (struct action) { .kind = have ? ACTION_KEEP : ACTION_ADD, .reason = why,
                                                      .rule = &x->rule, .want = x, .have = have });
                if (r >= 0 && x->live_only)
                        r = push(d, (struct action) { .kind = ACTION_LIVE_ONLY,
                                                      .reason = t->user_tree ? REASON_USER_TREE : REASON_PARENT_AT_RUN_TIME,
                                                      .rule = &x->rule, .want = x, .have = have });
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Rules of the key used before (the settings changed it): the ones our fragment listed, of
 * either kind (a plain watch loaded before its directory existed included), are ours to delete
 * in every mode; the key they carry is not ours any more, so they are never kept. */
static int diff_previous_key(const struct plan *p, struct diff *d) {
        if (!p->previous_key)
                return 0;
        for (size_t j = 0; j < p->kernel.n_rules; j++) {
                const struct kernel_rule *k = &p->kernel.rules[j];
                bool listed;

                if (!k->is_watch || !only_our_key(&k->rule, p->previous_key))
                        continue;
                listed = diff_fragments_hold(p, &k->rule);
                if (!listed)
                        continue;
                if (push(d, (struct action) {
                            .kind = held_elsewhere(p, &k->rule) ? ACTION_LEAVE_ALONE : ACTION_DELETE,
                            .reason = held_elsewhere(p, &k->rule) ? REASON_HELD_ELSEWHERE : REASON_PREVIOUS_KEY,
                            .rule = &k->rule, .have = k }) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int diff_build(const struct plan *p, enum diff_mode mode, struct diff *ret) {
        struct diff d = {};
        int r = 0;

        if (mode == DIFF_INSTALL)
                r = diff_wanted(p, &d);
        /* Rules with our key: ours to delete when no longer wanted (install) or when our fragment
         * or live-only set put them in (remove); never when another file holds them or when they
         * carry another key too. */
        for (size_t j = 0; r >= 0 && j < p->kernel.n_rules; j++) {
                const struct kernel_rule *k = &p->kernel.rules[j];
                const struct rendered *changed = NULL;
                enum action_reason why = REASON_NONE;
                bool ours;

                if (!k->is_watch || !rule_has_key(&k->rule, p->key))
                        continue;
                if (mode == DIFF_INSTALL) {
                        if (wanted_loaded(p, &k->rule, false, &changed))
                                continue;
                        ours = only_our_key(&k->rule, p->key);
                } else {
                        /* A -w line loads as a tree or as a plain watch, as the path was when it
                         * loaded (auditctl's stat()): either is the line's rule. */
                        struct rule other = k->rule;
                        other.kind = k->rule.kind == WATCH_DIR ? WATCH_FILE : WATCH_DIR;
                        ours = diff_fragments_hold(p, &k->rule) ||
                               wanted_loaded(p, &k->rule, true, NULL) || wanted_loaded(p, &other, true, NULL);
                }
                if (held_elsewhere(p, &k->rule))
                        why = REASON_HELD_ELSEWHERE;
                else if (!ours)
                        why = REASON_NOT_OURS;
                else if (changed)
                        why = REASON_KIND_CHANGED;
                r = push(&d, (struct action) {
                        .kind = why == REASON_NONE || why == REASON_KIND_CHANGED ? ACTION_DELETE : ACTION_LEAVE_ALONE,
                        .reason = why, .rule = &k->rule, .want = changed, .have = k });
        }
        if (r >= 0)
                r = diff_previous_key(p, &d);
        if (r < 0) {
                diff_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

int diff_rule_line(const struct rule *r, char **ret) {
        _cleanup_free_ char *line = NULL;
        const char *kind = r->kind == WATCH_DIR ? "dir=" : "path=";

        if (rule_format(r, &line) < 0)
                /* Rules from the kernel may not be writable as a line: say what we can. */
                return asprintf(ret, "%s%s", kind, strempty(r->path)) < 0 ? -ENOMEM : 0;
        if (r->form == FORM_W)
                return asprintf(ret, "%s (%s)", line, kind) < 0 ? -ENOMEM : 0;
        *ret = TAKE_PTR(line);
        return 0;
}
