/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Install (the default mode) and --remove: execute the plan's diff. Rules are only ever added or
 * deleted one by one, never flushed; rules with another key are never touched; new rules go in
 * before stale ones come out. --dry-run prints the same actions without executing them. */
#include <errno.h>
#include <json-c/json.h>
#include <syslog.h>

#include "apply.h"
#include "config.h"
#include "audit.h"
#include "fragment.h"
#include "hostenv.h"
#include "journal.h"
#include "plan.h"
#include "util.h"

/* What became of one action. */
enum result {
        RESULT_DONE,              /* done (or, with --dry-run, would be) */
        RESULT_ALREADY,           /* the kernel had it meanwhile: unchanged */
        RESULT_HELD,              /* a delete held back because an add failed: unchanged */
        RESULT_GONE,              /* a delete of a rule gone meanwhile */
        RESULT_FAILED,
};

struct outcome {
        struct diff diff;
        enum result *results;     /* one per action */
        int *errors;              /* -errno per failed action */
        unsigned added, removed, unchanged, failed, left_alone;
        enum kernel_state kernel;
        char *kernel_message;
        bool fragment_changed;
        bool fragment_removed;
        const char *fragment_error;
        int fragment_errno;
        int status;
};

static void outcome_done(struct outcome *o) {
        diff_done(&o->diff);
        free(o->results);
        free(o->errors);
        free(o->kernel_message);
}

/* Run the actions against the kernel (with --dry-run, only count them). When an add fails every
 * rule we had is kept: no delete follows. */
static void execute(const struct options *o, struct plan *p, struct outcome *out) {
        bool add_failed = false;

        for (size_t i = 0; i < out->diff.n; i++) {
                const struct action *a = &out->diff.actions[i];
                int r = 0;

                switch (a->kind) {
                case ACTION_ADD:
                        if (!o->dry_run)
                                r = audit_conn_add(p->kernel.conn, a->rule);
                        out->results[i] = r == -EEXIST ? RESULT_ALREADY : r < 0 ? RESULT_FAILED : RESULT_DONE;
                        add_failed = add_failed || out->results[i] == RESULT_FAILED;
                        break;
                case ACTION_DELETE:
                        if (add_failed) {
                                out->results[i] = RESULT_HELD;
                                break;
                        }
                        if (!o->dry_run)
                                r = audit_conn_delete(p->kernel.conn, a->have);
                        out->results[i] = r == -ENOENT ? RESULT_GONE : r < 0 ? RESULT_FAILED : RESULT_DONE;
                        break;
                default:
                        break;
                }
                out->errors[i] = r;
        }
        for (size_t i = 0; i < out->diff.n; i++) {
                enum action_kind k = out->diff.actions[i].kind;
                enum result x = out->results[i];

                out->added += k == ACTION_ADD && x == RESULT_DONE;
                out->removed += k == ACTION_DELETE && x == RESULT_DONE;
                out->unchanged += k == ACTION_KEEP || x == RESULT_ALREADY || x == RESULT_HELD;
                out->failed += x == RESULT_FAILED;
                out->left_alone += k == ACTION_LEAVE_ALONE;
        }
}

static int kernel_part(const struct options *o, struct plan *p, struct outcome *out) {
        int r;

        plan_read_kernel(p);
        out->kernel = p->kernel.state;
        if (p->kernel.state != KERNEL_LOADED)
                return 0;
        r = diff_build(p, o->mode == MODE_REMOVE ? DIFF_REMOVE : DIFF_INSTALL, &out->diff);
        if (r < 0)
                return r;
        out->results = calloc(out->diff.n + 1, sizeof(*out->results));
        out->errors = calloc(out->diff.n + 1, sizeof(*out->errors));
        if (!out->results || !out->errors)
                return -ENOMEM;
        execute(o, p, out);
        return 0;
}

/* How an action shows in a report: the rule with its kind, and why when that is not plain. */
static char *action_line(const struct outcome *out, size_t i) {
        const struct action *a = &out->diff.actions[i];
        _cleanup_free_ char *rule = NULL;
        const char *why = NULL;
        char *s;

        if (diff_rule_line(a->rule, &rule) < 0)
                return NULL;
        if (out->results && out->results[i] == RESULT_FAILED)
                why = strerror(-out->errors[i]);
        else if (a->reason == REASON_KIND_CHANGED && a->kind == ACTION_ADD)
                why = a->rule->kind == WATCH_DIR ? "replaces the plain watch loaded before the directory existed"
                                                 : "replaces the recursive watch of what is no longer a directory";
        else if (a->reason == REASON_KIND_CHANGED)
                why = a->rule->kind == WATCH_DIR ? "replaced by a plain watch: no longer a directory"
                                                 : "replaced by a recursive watch: the directory was made after the "
                                                   "rules loaded";
        else if (a->reason != REASON_NONE)
                why = action_reason_to_string(a->reason);
        if (asprintf(&s, "%s%s%s", rule, why ? ": " : "", strempty(why)) < 0)
                return NULL;
        return s;
}

/* The lines of the actions of one kind that ended in one result. */
static json_object *lines_json(const struct outcome *out, enum action_kind k, enum result x) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < out->diff.n; i++) {
                _cleanup_free_ char *line = NULL;
                if (out->diff.actions[i].kind != k || (out->results[i] != x && k != ACTION_LEAVE_ALONE))
                        continue;
                line = action_line(out, i);
                if (line)
                        json_object_array_add(a, json_object_new_string(line));
        }
        return a;
}

static json_object *failed_json(const struct outcome *out) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < out->diff.n; i++) {
                _cleanup_free_ char *line = NULL;
                if (out->results[i] != RESULT_FAILED)
                        continue;
                line = action_line(out, i);
                if (line)
                        json_object_array_add(a, json_object_new_string(line));
        }
        return a;
}

static const char *kernel_state_name(const struct options *o, const struct outcome *out) {
        return o->dry_run && out->kernel == KERNEL_LOADED ? "dry-run" : kernel_state_to_string(out->kernel);
}

static void report_json(const struct options *o, const struct plan *p, const struct outcome *out) {
        json_object *root = json_object_new_object(), *frag = json_object_new_object(),
                    *kern = json_object_new_object(), *boot = json_object_new_object();
        bool changed = out->added || out->removed || out->fragment_changed || out->fragment_removed;

        json_object_object_add(root, "schema", json_object_new_string("docker-audit-rules/apply"));
        json_object_object_add(root, "version", json_object_new_int(1));
        json_object_object_add(root, "mode", json_object_new_string(o->mode == MODE_REMOVE ? "remove" : "install"));
        json_object_object_add(root, "dry_run", json_object_new_boolean(o->dry_run));
        json_object_object_add(root, "changed", json_object_new_boolean(changed && !o->dry_run));
        json_object_object_add(root, "would_change", json_object_new_boolean(changed && o->dry_run));
        json_object_object_add(kern, "state", json_object_new_string(kernel_state_name(o, out)));
        json_object_object_add(kern, "message", out->kernel_message ? json_object_new_string(out->kernel_message) : NULL);
        json_object_object_add(kern, "added", lines_json(out, ACTION_ADD, RESULT_DONE));
        json_object_object_add(kern, "removed", lines_json(out, ACTION_DELETE, RESULT_DONE));
        json_object_object_add(kern, "failed", failed_json(out));
        json_object_object_add(kern, "left_alone", lines_json(out, ACTION_LEAVE_ALONE, RESULT_DONE));
        json_object_object_add(kern, "unchanged", json_object_new_int((int) out->unchanged));
        json_object_object_add(root, "kernel", kern);
        json_object_object_add(frag, "path", json_object_new_string(p->fragment_path));
        json_object_object_add(frag, "written", json_object_new_boolean(out->fragment_changed));
        json_object_object_add(frag, "removed", json_object_new_boolean(out->fragment_removed));
        json_object_object_add(frag, "error", out->fragment_error ? json_object_new_string(out->fragment_error) : NULL);
        json_object_object_add(root, "fragment", frag);
        json_object_object_add(boot, "loader", json_object_new_string(boot_loader_name(p->boot.loader)));
        json_object_object_add(boot, "evidence", p->boot.evidence ? json_object_new_string(p->boot.evidence) : NULL);
        json_object_object_add(root, "boot", boot);
        json_object_object_add(root, "problems", plan_problems_json(p));
        json_object_object_add(root, "exit_status", json_object_new_int(out->status));
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
}

/* One line per action: what was (or would be) done to which rule. */
static void report_actions(const struct options *o, const struct outcome *out, FILE *f) {
        for (size_t i = 0; i < out->diff.n; i++) {
                const struct action *a = &out->diff.actions[i];
                _cleanup_free_ char *line = NULL;
                const char *verb = NULL;

                if (out->results[i] == RESULT_FAILED)
                        continue;
                if (a->kind == ACTION_ADD && out->results[i] == RESULT_DONE)
                        verb = o->dry_run ? "would add" : "added";
                else if (a->kind == ACTION_DELETE && out->results[i] == RESULT_DONE)
                        verb = o->dry_run ? "would remove" : "removed";
                else if (a->kind == ACTION_LEAVE_ALONE)
                        verb = "left alone";
                else if (a->kind == ACTION_LIVE_ONLY)
                        verb = "live only (a comment in the fragment)";
                if (!verb)
                        continue;
                line = action_line(out, i);
                fprintf_escaped(f, "%s: %s\n", verb, line ? line : "?");
        }
}

static void report_boot(const struct plan *p, FILE *f) {
        if (p->boot.loader == BOOT_AUGENRULES && !p->fragment_in_boot_dir)
                fprintf(f, "; at boot: augenrules reads %s, not this file\n", p->default_rules_dir ?: RULES_DIR);
        else if (p->boot.loader == BOOT_AUGENRULES)
                fprintf(f, "; at boot: %s\n", p->boot.evidence);
        else if (p->boot.loader == BOOT_AUDIT_RULES)
                fprintf(f, "; at boot: %s, so this fragment alone is NOT loaded: run augenrules "
                           "(without --load) to compile it into /etc/audit/audit.rules\n", p->boot.evidence);
        else
                fprintf(f, "; at boot: %s, nothing loads audit rules\n", p->boot.evidence);
}

static void report_text(const struct options *o, const struct plan *p, const struct outcome *out) {
        FILE *f = stderr;
        const char *verb_add = o->dry_run ? "would add" : "added";
        const char *verb_del = o->dry_run ? "would remove" : "removed";

        if (o->verbosity >= 1 || o->dry_run)
                report_actions(o, out, f);
        for (size_t i = 0; i < out->diff.n; i++)
                if (out->results[i] == RESULT_FAILED) {
                        _cleanup_free_ char *line = action_line(out, i);
                        fprintf_escaped(f, "docker-audit-rules: the kernel refused: %s\n", line ? line : "?");
                }
        if (out->kernel_message && o->verbosity >= 0)
                fprintf_escaped(f, "docker-audit-rules: %s%s\n", o->best_effort && (out->status == EXIT_OK) ? "warning: " : "",
                        out->kernel_message);
        if (out->fragment_error)
                fprintf(f, "docker-audit-rules: %s: %s: %s%s\n", p->fragment_path, out->fragment_error,
                        strerror(out->fragment_errno),
                        (out->fragment_errno == EACCES || out->fragment_errno == EPERM) && geteuid() != 0
                                ? "; changing audit rules needs root: run as root, or use --print, --list-paths or "
                                  "--check, which change nothing"
                                : "");
        if (o->verbosity < 0)
                return;
        if (o->mode == MODE_INSTALL && !o->no_load)
                fprintf(f, "%s %u, %s %u, unchanged %u; ", verb_add, out->added, verb_del, out->removed, out->unchanged);
        else if (o->mode == MODE_REMOVE && !o->no_load)
                fprintf(f, "%s %u, left alone %u; ", verb_del, out->removed, out->left_alone);
        if (o->no_write)
                fprintf(f, "fragment not written (--no-write)");
        else if (o->mode == MODE_REMOVE)
                fprintf(f, "fragment %s %s", p->fragment_path,
                        out->fragment_error ? "NOT removed" :
                        out->fragment_removed ? (o->dry_run ? "would be removed" : "removed") : "absent");
        else if (out->fragment_error)
                fprintf(f, "fragment %s NOT written", p->fragment_path);
        else
                fprintf(f, "fragment %s %s", p->fragment_path,
                        out->fragment_changed ? (o->dry_run ? "would be written" : "written") : "unchanged (no changes)");
        if (o->mode == MODE_INSTALL && !o->no_write)
                report_boot(p, f);
        else
                fputc('\n', f);
}

static const char *fragment_state(const struct options *o, const struct outcome *out) {
        if (o->no_write)
                return "not-written";
        if (out->fragment_error)
                return "error";
        if (o->mode == MODE_REMOVE)
                return out->fragment_removed ? "removed" : "absent";
        return out->fragment_changed ? (o->dry_run ? "would-write" : "written") : "unchanged";
}

static void report_journal(const struct options *o, const struct plan *p, const struct outcome *out) {
        _cleanup_free_ char *msg = NULL;
        int prio = out->status == EXIT_OK ? LOG_INFO : out->status == EXIT_FAIL ? LOG_ERR : LOG_WARNING;

        if (asprintf(&msg, "%s: added %u, removed %u, unchanged %u; fragment %s %s; kernel %s%s%s",
                     o->mode == MODE_REMOVE ? "remove" : "install", out->added, out->removed, out->unchanged,
                     p->fragment_path, fragment_state(o, out), kernel_state_name(o, out),
                     out->kernel_message ? ": " : "", strempty(out->kernel_message)) < 0)
                return;
        (void) journal_log_summary(prio, msg, out->added, out->removed, out->unchanged, p->fragment_path,
                                   fragment_state(o, out), kernel_state_name(o, out));
}

/* Write or remove the fragment (with --dry-run, only say whether that would change it). */
static void fragment_part(const struct options *o, const struct plan *p, struct outcome *out) {
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

/* The exit status, most serious first. */
static int exit_status(const struct options *o, const struct outcome *out, int kr, int problems) {
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
        struct outcome out = { .kernel = KERNEL_SKIPPED };
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
                report_json(o, &p, &out);
        if (journal_wanted() > 0) {
                /* Started by systemd: the summary goes to the journal with fields; errors still
                 * go to standard error. */
                report_journal(o, &p, &out);
                if (o->verbosity >= 0)
                        copy.verbosity = -1;
        }
        report_text(o, &p, &out);

        r = out.status;
        outcome_done(&out);
        plan_done(&p);
        return r;
}
