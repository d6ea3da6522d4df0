/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Install (the default mode) and --remove: execute the plan's diff. Rules are only ever added or
 * deleted one by one, never flushed; rules with another key are never touched; new rules go in
 * before stale ones come out. --dry-run counts the same actions without executing them. What
 * became of each action is a struct apply_result; apply-print.c formats it. */
#include <errno.h>

#include "apply.h"
#include "config.h"
#include "audit.h"
#include "fragment.h"
#include "hostenv.h"
#include "journal.h"
#include "plan.h"
#include "util.h"

void apply_result_done(struct apply_result *o) {
        diff_done(&o->diff);
        strv_free(o->taker_keys);
        free(o->results);
        free(o->errors);
        free(o->kernel_message);
}

/* The trees a rule on a path of a user's tree is confined to: the kernel's lookup of its path
 * cannot leave them (audit_conn_add_confined()): the user may swap a directory of theirs for a
 * link at any moment, and the kernel follows links when it adds a rule. Returns 0 with
 * ret_trees[0] NULL for a rule that needs none. */
static int confine_trees(struct plan *p, const struct action *a, char **ret_run, char *ret_trees[static 3]) {
        const struct target *t = a->want ? &p->disc.targets[a->want->target] : NULL;

        ret_trees[0] = NULL;
        if (!t || !t->user_tree)
                return 0;
        if (asprintf(ret_run, "/run/user/%u", (unsigned) t->user_uid) < 0)
                return -ENOMEM;
        ret_trees[0] = *ret_run;
        ret_trees[1] = (char *) diff_user_home(p, t->user_uid);
        ret_trees[2] = NULL;
        return 0;
}

/* Add (prepend, with --order first) or move the action's rule. */
static int add_or_move(struct plan *p, const struct action *a) {
        _cleanup_free_ char *run = NULL;
        char *trees[3];
        bool first = p->order == ORDER_FIRST;
        int r;

        r = confine_trees(p, a, &run, trees);
        if (r < 0)
                return r;
        if (a->kind == ACTION_MOVE)
                return audit_conn_move(p->kernel.conn, a->have, a->rule, first, trees[0] ? trees : NULL);
        if (trees[0])
                return audit_conn_add_confined_flags(p->kernel.conn, a->rule, trees, first ? AUDIT_ADD_PREPEND : 0);
        return audit_conn_add_flags(p->kernel.conn, a->rule, first ? AUDIT_ADD_PREPEND : 0);
}

static bool adds(const struct action *a) {
        return a->kind == ACTION_ADD || a->kind == ACTION_MOVE;
}

/* Run the actions against the kernel (with --dry-run, only count them). Adds and moves go
 * first: with --order first they are prepended, so they go last to first and stand in the
 * diff's order once loaded. When an add or a move fails every rule we had is kept: no delete
 * follows. */
void apply_execute(struct plan *p, bool dry_run, struct apply_result *out) {
        bool add_failed = false, first = p->order == ORDER_FIRST;
        size_t n = out->diff.n;

        for (size_t k = 0; k < n; k++) {
                size_t i = first ? n - 1 - k : k;
                const struct action *a = &out->diff.actions[i];
                int r = 0;

                if (!adds(a))
                        continue;
                if (!dry_run)
                        r = add_or_move(p, a);
                out->results[i] = r == -EEXIST ? APPLY_ALREADY : r < 0 ? APPLY_FAILED : APPLY_DONE;
                add_failed = add_failed || out->results[i] == APPLY_FAILED;
                out->errors[i] = r;
        }
        for (size_t i = 0; i < n; i++) {
                const struct action *a = &out->diff.actions[i];
                int r = 0;

                if (a->kind != ACTION_DELETE)
                        continue;
                if (add_failed) {
                        out->results[i] = APPLY_HELD;
                        continue;
                }
                if (!dry_run)
                        r = audit_conn_delete(p->kernel.conn, a->have);
                out->results[i] = r == -ENOENT ? APPLY_GONE : r < 0 ? APPLY_FAILED : APPLY_DONE;
                out->errors[i] = r;
        }
        for (size_t i = 0; i < n; i++) {
                enum action_kind k = out->diff.actions[i].kind;
                enum apply_outcome x = out->results[i];

                out->added += k == ACTION_ADD && x == APPLY_DONE;
                out->moved += k == ACTION_MOVE && x == APPLY_DONE;
                out->removed += k == ACTION_DELETE && x == APPLY_DONE;
                out->unchanged += k == ACTION_KEEP || x == APPLY_ALREADY || x == APPLY_HELD;
                out->failed += x == APPLY_FAILED;
                out->left_alone += k == ACTION_LEAVE_ALONE;
        }
}

/* The rules of other keys that take events on our paths (plan.kernel.takers): how many take them
 * all on one of our paths at least, how many only may, and their keys. */
static int order_judge(const struct plan *p, struct apply_result *out) {
        for (size_t i = 0; i < p->kernel.n_takers; i++) {
                const struct filter_rule *t = &p->kernel.takers[i];
                const char *key = t->keys && t->keys[0] ? t->keys[0] : "";
                bool takes = false;

                for (size_t j = 0; j < p->rules.n_rules && !takes; j++) {
                        const struct rule *w = &p->rules.rules[j].rule;
                        bool may = true;
                        takes = shadow_take_classes(t, w->path, w->kind == WATCH_DIR, w->perms, &may) && !may;
                }
                out->takers += takes;
                out->takers_may += !takes;
                if (!strv_contains(out->taker_keys, key) && strv_extend(&out->taker_keys, key) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int kernel_part(const struct options *o, struct plan *p, struct apply_result *out) {
        int r;

        plan_read_kernel(p);
        out->kernel = p->kernel.state;
        if (p->kernel.state != KERNEL_LOADED)
                return 0;
        r = order_judge(p, out);
        if (r < 0)
                return r;
        r = diff_build(p, o->mode == MODE_REMOVE ? DIFF_REMOVE : DIFF_INSTALL, &out->diff);
        if (r < 0)
                return r;
        out->results = calloc(out->diff.n + 1, sizeof(*out->results));
        out->errors = calloc(out->diff.n + 1, sizeof(*out->errors));
        if (!out->results || !out->errors)
                return -ENOMEM;
        apply_execute(p, o->dry_run, out);
        return 0;
}

/* Write or remove the fragment (with --dry-run, only say whether that would change it). */
static void fragment_part(const struct options *o, const struct plan *p, struct apply_result *out) {
        int r;

        if (o->mode == MODE_REMOVE && o->dry_run)
                out->fragment_removed = p->disk.exists;
        else if (o->mode == MODE_REMOVE) {
                r = fragment_remove(p->fragment_path, &out->fragment_removed);
                if (r < 0) {
                        out->fragment_error = "cannot remove";
                        out->fragment_errno = -r;
                }
        } else if (o->dry_run)
                out->fragment_changed = !p->disk.exists || !streq(p->disk.text, p->fragment_text);
        else {
                r = fragment_write(p->fragment_path, p->fragment_text, &out->fragment_changed);
                if (r < 0) {
                        out->fragment_error = "cannot write the fragment, the previous one is unchanged";
                        out->fragment_errno = -r;
                }
        }
}

/* Our fragment under the other order's name: deleted once the kernel is done with (install: the
 * new one is written; --remove: the rules its lines list are out), so that it never loads again
 * at boot. With --dry-run, only said. */
static void old_fragment_part(const struct options *o, const struct plan *p, struct apply_result *out) {
        int r;

        if (!p->old_fragment_path || o->no_write || out->fragment_error)
                return;
        if (o->dry_run) {
                out->old_fragment_removed = true;
                return;
        }
        r = fragment_remove(p->old_fragment_path, &out->old_fragment_removed);
        if (r < 0) {
                out->fragment_error = "cannot remove our fragment of the other order";
                out->fragment_errno = -r;
        }
}

/* The exit status, most serious first. */
static int exit_status(const struct options *o, const struct apply_result *out, int kr, int problems) {
        if (out->fragment_error || out->failed > 0 || kr < 0 || out->kernel == KERNEL_ERROR)
                return EXIT_FAIL;
        if (out->kernel == KERNEL_LOCKED)
                return o->best_effort ? EXIT_OK : EXIT_LOCKED;
        if (out->kernel == KERNEL_UNAVAILABLE)
                return o->best_effort ? EXIT_OK : EXIT_NO_AUDIT;
        if (problems > 0)
                return EXIT_INPUT;
        return EXIT_OK;
}

/* The rules directory's parent is missing where nobody named a directory: auditd is not
 * installed in that root. Returns an exit status. */
static int no_audit_userspace(const struct options *o, const struct plan *p, const char *audit_dir) {
        _cleanup_free_ char *where = NULL;

        if (asprintf(&where, "%s%s", p->root.live ? "this host" : "the root ", p->root.live ? "" : o->root) < 0)
                return EXIT_FAIL;
        if (o->best_effort) {
                if (o->verbosity >= 0)
                        fprintf(stderr, "docker-audit-rules: auditd is not installed in %s (no %s): the fragment "
                                "will be written when it is (its package triggers run docker-audit-rules again)\n",
                                where, audit_dir);
                return EXIT_OK;
        }
        fprintf(stderr, "docker-audit-rules: auditd is not installed in %s (no %s): install auditd there first "
                "(its package triggers run docker-audit-rules again), or name where the fragment goes with "
                "--rules-dir or --output\n", where, audit_dir);
        return EXIT_FAIL;
}

/* Take the rules directory's lock. Returns the fd, or -errno after printing why, with the exit
 * status to return in *ret_status. */
static int lock_rules_dir(const struct options *o, const struct plan *p, int *ret_status) {
        _cleanup_free_ char *dir = path_parent(p->fragment_path), *parent = NULL;
        bool waited = false;
        int lock;

        lock = fragment_lock(p->fragment_path, &waited);
        if (lock >= 0) {
                if (waited && o->verbosity >= 1)
                        fprintf(stderr, "docker-audit-rules: waited for another run to finish\n");
                return lock;
        }
        parent = dir ? path_parent(dir) : NULL;
        if (lock == -ENOENT && !p->rules_dir_given && parent && access(parent, F_OK) < 0)
                *ret_status = no_audit_userspace(o, p, parent);
        else {
                if ((lock == -EACCES || lock == -EPERM) && geteuid() != 0)
                        fprintf(stderr, "docker-audit-rules: changing audit rules needs root (cannot write %s): "
                                "run as root, or use --print, --list-paths or --check, which change nothing\n",
                                strempty(dir));
                else
                        fprintf(stderr, "docker-audit-rules: cannot lock the rules directory %s: %s\n", strempty(dir),
                                strerror(-lock));
                *ret_status = EXIT_FAIL;
        }
        return lock;
}

int run_apply(const struct options *opts) {
        struct options copy = *opts, *o = &copy;
        struct plan p = {};
        const char *off_limits = NULL, *what = "";
        struct apply_result out = { .kernel = KERNEL_SKIPPED };
        _cleanup_close_ int lock = -1;
        int r, kr = 0, problems;

        r = plan_build(o, &p, &what);
        if (r < 0) {
                fprintf(stderr, "docker-audit-rules: %s: %s\n", what, strerror(-r));
                return EXIT_FAIL;
        }
        problems = plan_print_problems(o->format == FORMAT_JSON && o->verbosity < 0 ? NULL : stderr, &p);

        if (!o->dry_run) {
                lock = lock_rules_dir(o, &p, &r);
                if (lock < 0) {
                        plan_done(&p);
                        return r;
                }
                if (!o->no_write && fragment_clean_stale(p.fragment_path) > 0 && o->verbosity >= 1)
                        fprintf(stderr, "docker-audit-rules: removed a temporary file an interrupted run left\n");
        }
        kr = plan_read_disk(&p);
        if (kr >= 0 && p.disk.error && o->mode == MODE_REMOVE)
                kr = p.disk.error;

        /* A chroot, an image build (DPKG_ROOT) or a container: the audit netlink socket is the
         * host's, so the kernel is never touched there. */
        if (!o->no_load && hostenv_kernel_off_limits("/proc", "/", &off_limits) > 0) {
                o->no_load = true;
                out.kernel = KERNEL_UNAVAILABLE;
                if (asprintf(&out.kernel_message, "%s: the kernel's rules were not touched; the fragment is "
                             "written and loads at the next boot of the host", off_limits) < 0)
                        out.kernel_message = NULL;
        }
        /* Install writes the fragment before it touches the kernel, and --remove empties the
         * kernel before it deletes the fragment: at every moment (a full disk, a read-only rules
         * directory, a run killed at any point) every rule of ours in the kernel is on a line of
         * the fragment, so a later run or --remove knows it for ours. A fragment that cannot be
         * written leaves the kernel as it was. */
        if (o->mode == MODE_INSTALL && !o->no_write && kr >= 0)
                fragment_part(o, &p, &out);
        if (out.fragment_error && !o->no_load) {
                if (asprintf(&out.kernel_message, "the kernel's rules were not changed: the fragment is written "
                             "first, so that every rule loaded is one a later run can find") < 0)
                        out.kernel_message = NULL;
        } else if (!o->no_load && kr >= 0)
                kr = kernel_part(o, &p, &out);
        if (!out.results) {
                out.results = calloc(1, sizeof(*out.results));
                out.errors = calloc(1, sizeof(*out.errors));
        }
        if (o->mode == MODE_REMOVE && !o->no_write && kr >= 0)
                fragment_part(o, &p, &out);
        if (kr >= 0)
                old_fragment_part(o, &p, &out);

        /* Never rules that silence ours: said, not counted in the exit status. */
        if (o->mode == MODE_INSTALL && o->verbosity >= 0 && kr >= 0)
                (void) verdict_print_shadows(stderr, &p);
        out.status = exit_status(o, &out, kr, problems);
        if (!out.kernel_message && (out.kernel == KERNEL_LOCKED || out.kernel == KERNEL_UNAVAILABLE ||
                                    out.kernel == KERNEL_ERROR)) {
                const char *why, *todo;
                kernel_view_message(&p.kernel, &why, &todo);
                if (asprintf(&out.kernel_message, "%s%s%s", why, todo ? ": " : "", strempty(todo)) < 0)
                        out.kernel_message = NULL;
        }
        if (kr < 0 && !out.kernel_message && p.disk.error && kr == p.disk.error) {
                if (asprintf(&out.kernel_message, "%s: cannot read the fragment (%s): nothing was changed; it must be "
                             "a regular file of root's", p.fragment_path, strerror(-kr)) < 0)
                        out.kernel_message = NULL;
        } else if (kr < 0 && !out.kernel_message)
                out.kernel_message = strdup(strerror(-kr));

        if (o->format == FORMAT_JSON)
                apply_print_json(stdout, o, &p, &out);
        if (journal_wanted() > 0) {
                /* Started by systemd: the summary goes to the journal with fields; errors still
                 * go to standard error. */
                apply_print_journal(o, &p, &out);
                if (o->verbosity >= 0)
                        copy.verbosity = -1;
        }
        apply_print_text(stderr, o, &p, &out);

        r = out.status;
        apply_result_done(&out);
        plan_done(&p);
        return r;
}
