/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <json-c/json.h>

#include "config.h"
#include "plan.h"
#include "statmemo.h"
#include "settings.h"
#include "string-table.h"
#include "util.h"

static const char *const kernel_state_table[_KERNEL_STATE_MAX] = {
        [KERNEL_SKIPPED] = "skipped",
        [KERNEL_LOADED] = "loaded",
        [KERNEL_LOCKED] = "locked",
        [KERNEL_UNAVAILABLE] = "unavailable",
        [KERNEL_ERROR] = "error",
};
DEFINE_STRING_TABLE_LOOKUP(kernel_state, enum kernel_state, kernel_state_table, _KERNEL_STATE_MAX);

void plan_done(struct plan *p) {
        kernel_rules_free(p->kernel.rules, p->kernel.n_rules);
        filter_rules_free(p->kernel.never, p->kernel.n_never);
        filter_rules_free(p->kernel.takers, p->kernel.n_takers);
        audit_conn_close(p->kernel.conn);
        free(p->disk.text);
        fragment_lines_done(&p->disk.lines);
        fragment_lines_done(&p->disk.boot_lines);
        fragment_lines_done(&p->disk.old_lines);
        free(p->old_fragment_path);
        boot_info_done(&p->boot);
        free(p->default_rules_dir);
        ruleset_done(&p->rules);
        rules_dir_done(&p->others);
        discovery_done(&p->disc);
        root_done(&p->root);
        free(p->rules_dir);
        free(p->fragment_path);
        free(p->fragment_text);
        free(p->previous_key);
        *p = (struct plan) {};
}

/* How the host loads rules at boot, and whether that reads our fragment. */
static int plan_boot(const struct options *o, struct plan *p) {
        int r;

        r = boot_detect(&p->root, &p->boot);
        if (r < 0)
                return r;
        if (!o->rules_dir)
                p->default_rules_dir = strdup(p->rules_dir);
        else if (rules_dir_path(&p->root, NULL, &p->default_rules_dir) < 0)
                p->default_rules_dir = NULL; /* no such directory: the fragment is not read at boot */
        if (!o->rules_dir && !p->default_rules_dir)
                return -ENOMEM;
        p->fragment_in_boot_dir = p->default_rules_dir && path_startswith_dir(p->fragment_path, p->default_rules_dir);
        p->boot_reads_fragment = p->boot.loader == BOOT_AUGENRULES && (o->rules_dir || p->fragment_in_boot_dir);
        return 0;
}

/* Our fragment written under the other order's name, in the same directory: found only when its
 * header says it is ours (a file of the host's own that happens to bear the name is the host's). */
static int find_old_fragment(struct plan *p, enum rule_order order) {
        _cleanup_free_ char *path = NULL, *text = NULL;

        path = path_join(p->rules_dir, fragment_name_for(order == ORDER_FIRST ? ORDER_LAST : ORDER_FIRST));
        if (!path)
                return -ENOMEM;
        if (streq(path, p->fragment_path) || fragment_read(path, &text) < 0 || !fragment_text_is_ours(text))
                return 0;
        p->old_fragment_path = TAKE_PTR(path);
        return 0;
}

/* Does this run write the fragment (then the rules directory must be resolved)? */
static bool plan_writes(const struct options *o) {
        return (o->mode == MODE_INSTALL || o->mode == MODE_REMOVE) && !o->dry_run;
}

int plan_build(const struct options *o, struct plan *ret, const char **ret_what) {
        struct plan p = { .key = o->render.key, .order = o->render.order, .rules_dir_given = o->rules_dir || o->output };
        const char *own;
        int r;

        r = root_init(&p.root, o->root);
        if (r < 0) {
                *ret_what = "the root directory";
                goto fail;
        }
        r = rules_dir_path(&p.root, o->rules_dir, &p.rules_dir);
        if (r < 0 && r != -ENOMEM && !plan_writes(o)) {
                /* A problem, not the end: the rest is still produced; nothing there is opened. */
                p.rules_dir_error = r;
                p.rules_dir = root_real(&p.root, RULES_DIR);
                r = p.rules_dir ? 0 : -ENOMEM;
        }
        if (r < 0) {
                *ret_what = "the rules directory";
                goto fail;
        }
        if (o->output)
                p.fragment_path = strdup(o->output);
        else
                p.fragment_path = path_join(p.rules_dir, fragment_name_for(o->render.order));
        if (!p.fragment_path) {
                r = -ENOMEM;
                goto fail;
        }
        own = path_basename(p.fragment_path);
        if (!o->output && !p.rules_dir_error) {
                r = find_old_fragment(&p, o->render.order);
                if (r < 0)
                        goto fail;
        }

        /* Discovery changes nothing on the host: what it looked up once stays true (statmemo.h). */
        statmemo_begin();
        r = discover(&p.root, &o->discovery, &p.disc);
        statmemo_end();
        if (r < 0) {
                *ret_what = "discovery";
                goto fail;
        }
        /* The settings files' problems are the run's problems, in every mode. */
        for (size_t i = 0; r >= 0 && o->settings && i < o->settings->problems.n; i++)
                r = discovery_add_problem(&p.disc, o->settings->problems.items[i].file,
                                          o->settings->problems.items[i].line, "%s",
                                          o->settings->problems.items[i].message);
        if (r < 0)
                goto fail;
        {
                struct resolved res = {};
                bool inside = !o->rules_dir && !p.root.live && root_resolve(&p.root, RULES_DIR, false, &res) >= 0;
                _cleanup_strv_free_ char **paths = calloc(p.disc.n_targets + 1, sizeof(char *));
                size_t n = 0;
                r = paths ? 0 : -ENOMEM;
                for (size_t i = 0; r >= 0 && i < p.disc.n_targets; i++)
                        if (p.disc.targets[i].path && !(paths[n++] = strdup(p.disc.targets[i].path)))
                                r = -ENOMEM;
                if (r >= 0 && p.rules_dir_error)
                        r = rules_dir_unreadable(p.rules_dir, p.rules_dir_error, &p.others);
                else if (r >= 0)
                        r = rules_dir_read_except(&p.root, p.rules_dir, inside ? res.path : NULL, own,
                                                  p.old_fragment_path ? path_basename(p.old_fragment_path) : NULL,
                                                  paths, o->render.key, &p.others);
                /* The host's own directory is not a directory, or a loop: a problem, the rest goes on;
                 * a --rules-dir the user named must be readable. */
                if (r < 0 && r != -ENOMEM && !o->rules_dir && !plan_writes(o))
                        r = rules_dir_unreadable(p.rules_dir, r, &p.others);
                resolved_done(&res);
        }
        if (r < 0) {
                *ret_what = "the rules directory";
                goto fail;
        }
        r = render(&p.disc, &o->render, &p.others, &p.rules);
        if (r < 0) {
                *ret_what = "rendering";
                goto fail;
        }
        r = render_fragment(&p.disc, &p.rules, &o->render, &p.fragment_text);
        if (r < 0) {
                *ret_what = "rendering";
                goto fail;
        }
        r = plan_boot(o, &p);
        if (r < 0) {
                *ret_what = "the boot loader";
                goto fail;
        }
        *ret = p;
        return 0;

fail:
        plan_done(&p);
        return r;
}

/* Our fragment's rules all carry the key it was written with. */
static int find_previous_key(struct plan *p, const struct fragment_lines *lines) {
        for (size_t i = 0; i < lines->n; i++) {
                const struct fragment_line *l = &lines->lines[i];
                if (l->type != LINE_WATCH || strv_length(l->rule.keys) != 1)
                        continue;
                if (streq(l->rule.keys[0], p->key))
                        return 0;
                free(p->previous_key);
                p->previous_key = strdup(l->rule.keys[0]);
                return p->previous_key ? 0 : -ENOMEM;
        }
        return 0;
}

int plan_read_disk(struct plan *p) {
        struct fragment_disk *d = &p->disk;
        int r;

        if (p->rules_dir_error && !p->rules_dir_given) {
                d->error = p->rules_dir_error; /* its path is not resolved: not opened */
                r = 0;
                goto boot;
        }
        r = fragment_read(p->fragment_path, &d->text);
        if (r >= 0) {
                d->exists = true;
                if (lstat(p->fragment_path, &d->st) < 0)
                        return -errno;
                r = fragment_parse(&p->root, d->text, &d->lines);
                if (r < 0)
                        return r;
                r = find_previous_key(p, &d->lines);
                if (r < 0)
                        return r;
        } else if (r != -ENOENT)
                d->error = r;
        if (p->old_fragment_path) {
                _cleanup_free_ char *text = NULL;
                if (fragment_read(p->old_fragment_path, &text) >= 0) {
                        r = fragment_parse(&p->root, text, &d->old_lines);
                        if (r < 0)
                                return r;
                        if (!d->exists) {
                                r = find_previous_key(p, &d->old_lines);
                                if (r < 0)
                                        return r;
                        }
                }
        }
boot:
        if (p->boot.loader == BOOT_AUDIT_RULES) {
                _cleanup_free_ char *text = NULL;
                if (root_read_file(&p->root, "/etc/audit/audit.rules", &text, NULL) >= 0) {
                        r = fragment_parse(&p->root, text, &d->boot_lines);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* The one table from a failure to reach the kernel's audit to what it means and what to do. */
static const struct {
        int error;
        bool not_root;            /* this row only when not running as root */
        const char *why;
        const char *todo;
} kernel_errors[] = {
        { -EPROTONOSUPPORT, false, "this kernel has no audit support (CONFIG_AUDIT)",
          "rules cannot be loaded; the fragment is kept for a kernel that has it" },
        { -ECONNREFUSED, false, "audit is not reachable from this user namespace (a container?)",
          "run on the host, or use --no-load" },
        { -EPERM, true, "permission denied: access to the kernel's audit rules needs root (CAP_AUDIT_CONTROL)",
          "run as root, or use --no-load" },
        { -EACCES, true, "permission denied: access to the kernel's audit rules needs root (CAP_AUDIT_CONTROL)",
          "run as root, or use --no-load" },
        { -EPERM, false, "permission denied although running as root: a container or a process without "
          "CAP_AUDIT_CONTROL", "run on the host, or use --no-load" },
        { -EACCES, false, "permission denied although running as root: a container or a process without "
          "CAP_AUDIT_CONTROL", "run on the host, or use --no-load" },
};

void kernel_view_message(const struct kernel_view *k, const char **ret_why, const char **ret_todo) {
        const char *why = NULL, *todo = NULL;

        switch (k->state) {
        case KERNEL_LOCKED:
                why = "the audit configuration is locked (enabled 2)";
                todo = "no rule can be added or deleted until reboot; the fragment loads at the next boot";
                break;
        case KERNEL_UNAVAILABLE:
        case KERNEL_ERROR:
                for (size_t i = 0; i < ELEMENTSOF(kernel_errors) && !why; i++)
                        if (kernel_errors[i].error == k->error && (!kernel_errors[i].not_root || k->not_root)) {
                                why = kernel_errors[i].why;
                                todo = kernel_errors[i].todo;
                        }
                if (!why)
                        why = strerror(-k->error);
                break;
        default:
                break;
        }
        *ret_why = why;
        if (ret_todo)
                *ret_todo = todo;
}

/* Move the decoded filter of k to the end of *v. */
static void take_filter(struct plan *p, struct kernel_rule *k, struct filter_rule **v, size_t *n) {
        struct filter_rule *x = reallocarray(*v, *n + 1, sizeof(*x));

        if (!x) {
                p->kernel.error = -ENOMEM; /* the listing fails after it (plan_read_kernel) */
                return;
        }
        *v = x;
        x[(*n)++] = *k->filter;
        free(k->filter);
        k->filter = NULL;
}

/* An always rule of the exit list that carries neither our key nor the previous one and takes
 * events of a wanted rule (shadow_take_classes() with the rule's path, kind and permissions). */
static bool is_taker(const struct plan *p, const struct filter_rule *f) {
        if (f->list != FILTER_LIST_EXIT || f->action != FILTER_ALWAYS)
                return false;
        for (char **k = f->keys; k && *k; k++)
                if (streq(*k, p->key) || (p->previous_key && streq(*k, p->previous_key)))
                        return false;
        for (size_t i = 0; i < p->rules.n_rules; i++) {
                const struct rule *w = &p->rules.rules[i].rule;
                if (shadow_take_classes(f, w->path, w->kind == WATCH_DIR, w->perms, NULL))
                        return true;
        }
        return false;
}

/* A rule of the exit list with neither our key nor the previous one: where the first and the
 * last stand, and how many there are. */
static void count_foreign(struct plan *p, const struct kernel_rule *k) {
        if (k->list != FILTER_LIST_EXIT || rule_has_key(&k->rule, p->key) ||
            (p->previous_key && rule_has_key(&k->rule, p->previous_key)))
                return;
        if (p->kernel.n_foreign_exit++ == 0)
                p->kernel.first_foreign_exit = k->pos;
        p->kernel.last_foreign_exit = k->pos;
}

/* Watches on our paths (any key: a rule with another key covers too) and rules carrying our key
 * (for drift), never rules, and the rules of other keys that take events on our paths; the rest
 * of a large rule set is not kept. */
static bool keep_relevant(struct kernel_rule *k, void *userdata) {
        struct plan *p = userdata;

        p->kernel.n_total++;
        count_foreign(p, k);
        if (k->filter && k->filter->action == FILTER_NEVER &&
            (k->filter->list == FILTER_LIST_TASK || k->filter->list == FILTER_LIST_EXIT))
                take_filter(p, k, &p->kernel.never, &p->kernel.n_never);
        else if (k->filter && is_taker(p, k->filter))
                take_filter(p, k, &p->kernel.takers, &p->kernel.n_takers);
        if (k->filter) {
                filter_rule_done(k->filter);
                free(k->filter);
                k->filter = NULL;
        }
        if (!k->is_watch)
                return false;
        if (rule_has_key(&k->rule, p->key) || (p->previous_key && rule_has_key(&k->rule, p->previous_key)))
                return true;
        for (size_t i = 0; i < p->rules.n_rules; i++)
                if (streq(p->rules.rules[i].rule.path, k->rule.path))
                        return true;
        return false;
}

static bool is_unavailable(int err) {
        return err == -EPROTONOSUPPORT || err == -ECONNREFUSED || err == -EPERM || err == -EACCES;
}

void plan_read_kernel(struct plan *p) {
        struct kernel_view *k = &p->kernel;
        int r;

        if (!p->root.live) {
                k->state = KERNEL_SKIPPED;
                return;
        }
        k->first_foreign_exit = UINT_MAX;
        r = audit_conn_open(&k->conn);
        if (r >= 0)
                r = audit_conn_status(k->conn, &k->st);
        if (r >= 0)
                r = audit_conn_list_filtered(k->conn, keep_relevant, p, &k->rules, &k->n_rules);
        if (r >= 0 && k->error < 0)
                r = k->error;
        if (r < 0) {
                audit_conn_close(k->conn);
                k->conn = NULL;
                k->state = is_unavailable(r) ? KERNEL_UNAVAILABLE : KERNEL_ERROR;
                k->error = r;
                k->not_root = geteuid() != 0;
                return;
        }
        k->state = k->st.enabled == 2 ? KERNEL_LOCKED : KERNEL_LOADED;
}

int plan_print_problems(FILE *f, const struct plan *p) {
        int n = 0;

        for (size_t i = 0; i < p->disc.problems.n; i++) {
                const struct problem *x = &p->disc.problems.items[i];
                const char *w = x->warning ? "warning: " : "";
                if (!x->warning)
                        n++;
                if (!f)
                        continue;
                if (x->file && x->line)
                        fprintf_escaped(f, "docker-audit-rules: %s%s:%u: %s\n", w, x->file, x->line, x->message);
                else if (x->file)
                        fprintf_escaped(f, "docker-audit-rules: %s%s: %s\n", w, x->file, x->message);
                else
                        fprintf_escaped(f, "docker-audit-rules: %s%s\n", w, x->message);
        }
        for (size_t i = 0; i < p->others.problems.n; i++, n++)
                if (f)
                        fprintf_escaped(f, "docker-audit-rules: %s: %s\n", p->others.problems.items[i].file, p->others.problems.items[i].message);
        for (size_t i = 0; i < p->disc.n_targets; i++) {
                const struct target *t = &p->disc.targets[i];
                if (t->skip_reason == SKIP_TOO_LONG) {
                        if (f)
                                fprintf_escaped(f, "docker-audit-rules: %s: not watched: %s\n", t->path, t->skip);
                        n++;
                }
        }
        return n;
}

static json_object *problem_json(const char *file, unsigned line, const char *message, bool warning) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "severity", json_object_new_string(warning ? "warning" : "problem"));
        json_object_object_add(o, "file", file ? json_object_new_string(file) : NULL);
        json_object_object_add(o, "line", json_object_new_int((int) line));
        json_object_object_add(o, "message", json_object_new_string(message));
        return o;
}

json_object *plan_problems_json(const struct plan *p) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < p->disc.problems.n; i++)
                json_object_array_add(a, problem_json(p->disc.problems.items[i].file, p->disc.problems.items[i].line,
                                                      p->disc.problems.items[i].message, p->disc.problems.items[i].warning));
        for (size_t i = 0; i < p->others.problems.n; i++)
                json_object_array_add(a, problem_json(p->others.problems.items[i].file, 0, p->others.problems.items[i].message, false));
        return a;
}
