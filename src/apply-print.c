/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Install and --remove, the printers: a struct apply_result (apply.c) as text (standard
 * error), JSON or a journal entry with fields. They decide nothing and call nothing of
 * apply.c. */
#include <errno.h>
#include <json-c/json.h>
#include <syslog.h>
#include <unistd.h>

#include "apply.h"
#include "config.h"
#include "journal.h"
#include "plan.h"
#include "util.h"

/* How an action shows in a report: the rule with its kind, and why when that is not plain. */
char *apply_action_line(const struct apply_result *out, size_t i) {
        const struct action *a = &out->diff.actions[i];
        _cleanup_free_ char *rule = NULL;
        const char *why = NULL;
        char *s;

        if (diff_rule_line(a->rule, &rule) < 0)
                return NULL;
        if (out->results && out->results[i] == APPLY_FAILED)
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
static json_object *lines_json(const struct apply_result *out, enum action_kind k, enum apply_outcome x) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < out->diff.n; i++) {
                _cleanup_free_ char *line = NULL;
                if (out->diff.actions[i].kind != k || (out->results[i] != x && k != ACTION_LEAVE_ALONE))
                        continue;
                line = apply_action_line(out, i);
                if (line)
                        json_object_array_add(a, json_object_new_string(line));
        }
        return a;
}

static json_object *failed_json(const struct apply_result *out) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < out->diff.n; i++) {
                _cleanup_free_ char *line = NULL;
                if (out->results[i] != APPLY_FAILED)
                        continue;
                line = apply_action_line(out, i);
                if (line)
                        json_object_array_add(a, json_object_new_string(line));
        }
        return a;
}

/* The order asked for and, when the kernel was read, what stands around our rules: the rules of
 * other keys in the exit list, and those that take events on Docker's paths (with --order first,
 * they no longer record them), with their keys. */
static json_object *order_json(const struct plan *p, const struct apply_result *out) {
        json_object *o = json_object_new_object(), *keys = NULL;
        bool read = out->kernel == KERNEL_LOADED;

        json_object_object_add(o, "setting", json_object_new_string(rule_order_to_string(p->order)));
        json_object_object_add(o, "fragment", json_object_new_string(path_basename(p->fragment_path)));
        json_object_object_add(o, "other_rules", read ? json_object_new_int64((int64_t) p->kernel.n_foreign_exit) : NULL);
        json_object_object_add(o, "takers", read ? json_object_new_int64((int64_t) out->takers) : NULL);
        json_object_object_add(o, "takers_may", read ? json_object_new_int64((int64_t) out->takers_may) : NULL);
        if (read) {
                keys = json_object_new_array();
                for (char **k = out->taker_keys; k && *k; k++)
                        json_object_array_add(keys, **k ? json_object_new_string(*k) : NULL);
        }
        json_object_object_add(o, "taker_keys", keys);
        return o;
}

/* The keys of the rules that take events on Docker's paths, quoted, at most five. */
static void print_taker_keys(FILE *f, const struct apply_result *out) {
        size_t n = strv_length(out->taker_keys), i = 0;

        fputs(n == 1 ? "key " : "keys ", f);
        for (char **k = out->taker_keys; k && *k && i < 5; k++, i++)
                fprintf_escaped(f, "%s%s%s%s", i ? ", " : "", **k ? "\"" : "", **k ? *k : "(none)", **k ? "\"" : "");
        if (n > 5)
                fprintf(f, " and %zu more", n - 5);
}

/* With --order first: where our rules now stand, and what the other rule sets lose. */
static void print_order(FILE *f, const struct options *o, const struct plan *p, const struct apply_result *out) {
        size_t n = p->kernel.n_foreign_exit, m = out->takers + out->takers_may;

        if (p->order != ORDER_FIRST || o->mode != MODE_INSTALL || out->kernel != KERNEL_LOADED)
                return;
        if (n == 0) {
                fprintf(f, "order first: no rule of another key is loaded in the exit list\n");
                return;
        }
        fprintf(f, "order first: our rules %s before the %zu rule%s of other keys in the exit list",
                o->dry_run ? "would stand" : "stand", n, n == 1 ? "" : "s");
        if (m == 0) {
                fprintf(f, "; none of them takes events on Docker's paths\n");
                return;
        }
        fprintf(f, "; %zu of them (", m);
        print_taker_keys(f, out);
        fprintf(f, ") %s events on Docker's paths", out->takers == 0 ? "may take" : "take");
        if (out->takers && out->takers_may)
                fprintf(f, " (%zu only may)", out->takers_may);
        fprintf(f, ", which are now recorded under our key and no longer under theirs\n");
}

static const char *kernel_state_name(const struct options *o, const struct apply_result *out) {
        return o->dry_run && out->kernel == KERNEL_LOADED ? "dry-run" : kernel_state_to_string(out->kernel);
}

void apply_print_json(FILE *f, const struct options *o, const struct plan *p, const struct apply_result *out) {
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
        json_object_object_add(kern, "added", lines_json(out, ACTION_ADD, APPLY_DONE));
        json_object_object_add(kern, "removed", lines_json(out, ACTION_DELETE, APPLY_DONE));
        json_object_object_add(kern, "moved", lines_json(out, ACTION_MOVE, APPLY_DONE));
        json_object_object_add(kern, "failed", failed_json(out));
        json_object_object_add(kern, "left_alone", lines_json(out, ACTION_LEAVE_ALONE, APPLY_DONE));
        json_object_object_add(kern, "unchanged", json_object_new_int((int) out->unchanged));
        json_object_object_add(root, "kernel", kern);
        json_object_object_add(root, "order", order_json(p, out));
        json_object_object_add(frag, "path", json_object_new_string(p->fragment_path));
        json_object_object_add(frag, "written", json_object_new_boolean(out->fragment_changed));
        json_object_object_add(frag, "removed", json_object_new_boolean(out->fragment_removed));
        json_object_object_add(frag, "old_path", p->old_fragment_path ? json_object_new_string(p->old_fragment_path) : NULL);
        json_object_object_add(frag, "old_removed", json_object_new_boolean(out->old_fragment_removed));
        json_object_object_add(frag, "error", out->fragment_error ? json_object_new_string(out->fragment_error) : NULL);
        json_object_object_add(root, "fragment", frag);
        json_object_object_add(boot, "loader", json_object_new_string(boot_loader_name(p->boot.loader)));
        json_object_object_add(boot, "evidence", p->boot.evidence ? json_object_new_string(p->boot.evidence) : NULL);
        json_object_object_add(root, "boot", boot);
        json_object_object_add(root, "problems", plan_problems_json(p));
        json_object_object_add(root, "exit_status", json_object_new_int(out->status));
        fputs_json(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE), f);
        fputc('\n', f);
        json_object_put(root);
}

/* One line per action: what was (or would be) done to which rule. */
static void print_actions(const struct options *o, const struct apply_result *out, FILE *f) {
        for (size_t i = 0; i < out->diff.n; i++) {
                const struct action *a = &out->diff.actions[i];
                _cleanup_free_ char *line = NULL;
                const char *verb = NULL;

                if (out->results[i] == APPLY_FAILED)
                        continue;
                if (a->kind == ACTION_ADD && out->results[i] == APPLY_DONE)
                        verb = o->dry_run ? "would add" : "added";
                else if (a->kind == ACTION_DELETE && out->results[i] == APPLY_DONE)
                        verb = o->dry_run ? "would remove" : "removed";
                else if (a->kind == ACTION_MOVE && out->results[i] == APPLY_DONE)
                        verb = o->dry_run ? "would move" : "moved";
                else if (a->kind == ACTION_LEAVE_ALONE)
                        verb = "left alone";
                else if (a->kind == ACTION_LIVE_ONLY)
                        verb = "live only (a comment in the fragment)";
                if (!verb)
                        continue;
                line = apply_action_line(out, i);
                fprintf_escaped(f, "%s: %s\n", verb, line ? line : "?");
        }
}

static void print_boot(const struct plan *p, FILE *f) {
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

void apply_print_text(FILE *f, const struct options *o, const struct plan *p, const struct apply_result *out) {
        const char *verb_add = o->dry_run ? "would add" : "added";
        const char *verb_del = o->dry_run ? "would remove" : "removed";

        if (o->verbosity >= 1 || o->dry_run)
                print_actions(o, out, f);
        for (size_t i = 0; i < out->diff.n; i++)
                if (out->results[i] == APPLY_FAILED) {
                        _cleanup_free_ char *line = apply_action_line(out, i);
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
        print_order(f, o, p, out);
        if (o->mode == MODE_INSTALL && !o->no_load && (out->moved || p->order == ORDER_FIRST))
                fprintf(f, "%s %u, %s %u, %s %u, unchanged %u; ", verb_add, out->added, o->dry_run ? "would move" : "moved",
                        out->moved, verb_del, out->removed, out->unchanged);
        else if (o->mode == MODE_INSTALL && !o->no_load)
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
        if (out->old_fragment_removed)
                fprintf(f, ", %s %s", p->old_fragment_path, o->dry_run ? "would be removed" : "removed");
        if (o->mode == MODE_INSTALL && !o->no_write)
                print_boot(p, f);
        else
                fputc('\n', f);
}

static const char *fragment_state(const struct options *o, const struct apply_result *out) {
        if (o->no_write)
                return "not-written";
        if (out->fragment_error)
                return "error";
        if (o->mode == MODE_REMOVE)
                return out->fragment_removed ? "removed" : "absent";
        return out->fragment_changed ? (o->dry_run ? "would-write" : "written") : "unchanged";
}

void apply_print_journal(const struct options *o, const struct plan *p, const struct apply_result *out) {
        _cleanup_free_ char *msg = NULL;
        int prio = out->status == EXIT_OK ? LOG_INFO : out->status == EXIT_FAIL ? LOG_ERR : LOG_WARNING;
        char moved[64] = "";

        if (out->moved)
                (void) snprintf(moved, sizeof(moved), "moved %u (order %s), ", out->moved, rule_order_to_string(p->order));
        if (asprintf(&msg, "%s: added %u, %sremoved %u, unchanged %u; fragment %s %s; kernel %s%s%s",
                     o->mode == MODE_REMOVE ? "remove" : "install", out->added, moved, out->removed, out->unchanged,
                     p->fragment_path, fragment_state(o, out), kernel_state_name(o, out),
                     out->kernel_message ? ": " : "", strempty(out->kernel_message)) < 0)
                return;
        (void) journal_log_summary(prio, msg, out->added, out->removed, out->unchanged, p->fragment_path,
                                   fragment_state(o, out), kernel_state_name(o, out));
}
