/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --list-paths, the printers: a struct list_result (list.c) as a table or JSON. They decide
 * nothing and call nothing of list.c. */
#include <errno.h>
#include <json-c/json.h>

#include "instance.h"
#include "list.h"
#include "util.h"

/* The EXISTS column. */
static const char *state_name(enum path_state s) {
        switch (s) {
        case PATH_EXISTS:
                return "yes";
        case PATH_MISSING:
                return "no";
        default:
                return "no-parent";
        }
}

static void group_heading(FILE *f, const struct list_group *g) {
        if (!g->key) {
                fprintf_escaped(f, "# the host: programs in the binary directories, the CIS Benchmark's paths\n");
                return;
        }
        fprintf_escaped(f, "# %s (%s%s%s%s", g->key, g->source, g->state ? ", " : "", strempty(g->state),
                g->daemon ? "" : ", no daemon: its units only");
        for (size_t k = 0; k < g->n_running; k++)
                if (!streq(g->running[k].evidence, g->name)) /* named after it already */
                        fprintf_escaped(f, ", %s", g->running[k].evidence);
        fprintf_escaped(f, ")\n");
}

static int list_row(FILE *f, const struct list_result *l, size_t i) {
        const struct target *t = &l->p->disc.targets[i];
        const struct rendered *x = l->rule[i];
        const char *disp = l->disposition[i];
        _cleanup_free_ char *ids = NULL, *ev = comment_safe(t->evidence), *path = comment_safe(t->path),
                            *note = t->note ? comment_safe(t->note) : NULL;

        if (component_cis_ids(t->comp, &ids) < 0 || !ev || !path || (t->note && !note))
                return -ENOMEM;
        fprintf_escaped(f, "%-24s %-14s %-44s %-9s %s: %s%s%s%s%s%s\n", component_info(t->comp)->name, *ids ? ids : "-",
                path, t->link ? "link" : state_name(t->state), disp, ev,
                t->cis_literal && !t->cis_only ? " (CIS path)" : "",
                x && x->provided_by ? " in " : "", x && x->provided_by ? x->provided_by : "",
                note ? "; " : "", strempty(note));
        return 0;
}

int list_print_text(FILE *f, const struct list_result *l) {
        const struct plan *p = l->p;
        const struct discovery *d = &p->disc;
        int r = 0;

        fprintf_escaped(f, "%-24s %-14s %-44s %-9s %s\n", "COMPONENT", "CIS", "PATH", "EXISTS", "STATUS / EVIDENCE");
        for (size_t g = 0; g < l->n_groups && r >= 0; g++) {
                bool heading = false;
                for (size_t i = 0; i < d->n_targets && r >= 0; i++) {
                        if (l->group[i] != g)
                                continue;
                        if (!heading)
                                group_heading(f, &l->groups[g]);
                        heading = true;
                        r = list_row(f, l, i);
                }
        }
        if (r < 0)
                return r;
        for (unsigned c = 0; c < _COMP_MAX; c++) {
                _cleanup_free_ char *ids = NULL;
                if (!component_is_cis(c) || l->found[c])
                        continue;
                if (component_cis_ids(c, &ids) < 0)
                        return -ENOMEM;
                fprintf_escaped(f, "%-24s %-14s %-44s %-9s %s\n", component_info(c)->name, ids, "-", "-",
                        "not found on this host");
        }
        /* Problems go with the table, on standard output, marked as such. */
        for (size_t i = 0; i < d->problems.n; i++) {
                const struct problem *x = &d->problems.items[i];
                const char *what = x->warning ? "warning" : "problem";
                if (x->file && x->line)
                        fprintf_escaped(f, "%s: %s:%u: %s\n", what, x->file, x->line, x->message);
                else if (x->file)
                        fprintf_escaped(f, "%s: %s: %s\n", what, x->file, x->message);
                else
                        fprintf_escaped(f, "%s: %s\n", what, x->message);
        }
        for (size_t i = 0; i < p->others.problems.n; i++)
                fprintf_escaped(f, "problem: %s: %s\n", p->others.problems.items[i].file, p->others.problems.items[i].message);
        return ferror(f) ? -EIO : 0;
}

static json_object *jstr(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

struct json_object *cis_ids_json(enum component c) {
        const struct component_info *info = component_info(c);
        json_object *o = json_object_new_object();
        for (unsigned v = 0; v < _CIS_MAX; v++)
                if (info->cis[v])
                        json_object_object_add(o, cis_version_name(v), json_object_new_string(info->cis[v]));
        return o;
}

/* [{"key", "daemon", "name", "source", "state", "has_daemon", "pids", "data_root"}] */
static json_object *instances_json(const struct list_result *l) {
        json_object *arr = json_object_new_array();
        const struct list_group *g = l->groups;
        size_t n = l->n_groups;

        for (size_t k = 0; k < n; k++) {
                json_object *o, *pids;
                if (!g[k].key)
                        continue;
                o = json_object_new_object();
                pids = json_object_new_array();
                json_object_object_add(o, "key", jstr(g[k].key));
                json_object_object_add(o, "daemon", jstr(g[k].kind));
                json_object_object_add(o, "name", jstr(g[k].name));
                json_object_object_add(o, "source", jstr(g[k].source));
                json_object_object_add(o, "state", jstr(g[k].state));
                json_object_object_add(o, "has_daemon", json_object_new_boolean(g[k].daemon));
                for (size_t j = 0; j < g[k].n_running; j++)
                        json_object_array_add(pids, json_object_new_int(g[k].running[j].pid));
                json_object_object_add(o, "pids", pids);
                json_object_object_add(o, "data_root", jstr(g[k].data_root ? g[k].data_root->value : NULL));
                json_object_array_add(arr, o);
        }
        return arr;
}

int list_print_json(FILE *f, const struct list_result *l) {
        const struct plan *p = l->p;
        const struct discovery *d = &p->disc;
        json_object *root = json_object_new_object(), *arr = json_object_new_array();
        const char *text;

        json_object_object_add(root, "schema", json_object_new_string("docker-audit-rules/list-paths"));
        json_object_object_add(root, "version", json_object_new_int(2));
        for (size_t i = 0; i < d->n_targets; i++) {
                const struct target *t = &d->targets[i];
                const struct rendered *x = l->rule[i];
                const char *disp = l->disposition[i];
                json_object *o = json_object_new_object();
                _cleanup_free_ char *line = NULL;

                json_object_object_add(o, "component", json_object_new_string(component_info(t->comp)->name));
                json_object_object_add(o, "cis", cis_ids_json(t->comp));
                json_object_object_add(o, "path", jstr(t->path));
                json_object_object_add(o, "exists", json_object_new_boolean(t->state == PATH_EXISTS));
                json_object_object_add(o, "parent_exists", json_object_new_boolean(t->state != PATH_PARENT_MISSING));
                json_object_object_add(o, "directory", json_object_new_boolean(t->is_dir));
                json_object_object_add(o, "symlink", json_object_new_boolean(t->link));
                json_object_object_add(o, "cis_path", json_object_new_boolean(t->cis_literal));
                json_object_object_add(o, "evidence", jstr(t->evidence));
                json_object_object_add(o, "note", jstr(t->note));
                json_object_object_add(o, "status", jstr(disp));
                if (x && rule_format(&x->rule, &line) >= 0)
                        json_object_object_add(o, "rule", jstr(line));
                json_object_object_add(o, "in_fragment", json_object_new_boolean(x && rendered_writes(x)));
                json_object_object_add(o, "held_by", jstr(x ? x->provided_by : NULL));
                json_object_object_add(o, "skip", jstr(t->skip));
                json_object_object_add(o, "instance", jstr(t->instance));
                /* Every instance that named it, with its own evidence, in a stable order. */
                {
                        json_object *by = json_object_new_array();
                        for (size_t k = 0; k < t->n_by_instance; k++) {
                                json_object *e = json_object_new_object();
                                json_object_object_add(e, "instance", jstr(t->by_instance[k].instance));
                                json_object_object_add(e, "evidence", jstr(t->by_instance[k].evidence));
                                json_object_array_add(by, e);
                        }
                        json_object_object_add(o, "named_by", by);
                }
                json_object_array_add(arr, o);
        }
        json_object_object_add(root, "instances", instances_json(l));
        json_object_object_add(root, "targets", arr);
        json_object_object_add(root, "problems", plan_problems_json(p));
        text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        fputs_json(text, f);
        fputc('\n', f);
        json_object_put(root);
        return ferror(f) ? -EIO : 0;
}
