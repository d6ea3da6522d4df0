/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <json-c/json.h>

#include "list.h"
#include "util.h"

const char *path_state_name(enum path_state s) {
        switch (s) {
        case PATH_EXISTS:
                return "yes";
        case PATH_MISSING:
                return "no";
        default:
                return "no-parent";
        }
}

const char *target_disposition(const struct discovery *d, const struct ruleset *s, size_t i,
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
                        return s->rules[k].live_only ? "live only (parent made at run time)" : "watched";
                }
        if (t->comp == COMP_DATA_ROOT)
                return "data root watch off";
        return "not watched (missing)";
}

/* Components that have no target at all: say so, so that a reader sees what was looked for. */
static bool component_found(const struct discovery *d, enum component c) {
        for (size_t i = 0; i < d->n_targets; i++)
                if (d->targets[i].comp == c)
                        return true;
        return false;
}

int list_paths_text(FILE *f, const struct plan *p) {
        const struct discovery *d = &p->disc;
        const struct ruleset *s = &p->rules;

        fprintf(f, "%-24s %-14s %-44s %-9s %s\n", "COMPONENT", "CIS", "PATH", "EXISTS", "STATUS / EVIDENCE");
        for (size_t i = 0; i < d->n_targets; i++) {
                const struct target *t = &d->targets[i];
                const struct rendered *x;
                const char *disp = target_disposition(d, s, i, &x);
                _cleanup_free_ char *ids = NULL, *ev = comment_safe(t->evidence), *path = comment_safe(t->path);

                if (component_cis_ids(t->comp, &ids) < 0 || !ev || !path)
                        return -ENOMEM;
                fprintf(f, "%-24s %-14s %-44s %-9s %s: %s%s%s%s\n", component_info(t->comp)->name, *ids ? ids : "-",
                        path, t->link ? "link" : path_state_name(t->state), disp, ev,
                        t->cis_literal && !t->cis_only ? " (CIS path)" : "",
                        x && x->provided_by ? " in " : "", x && x->provided_by ? x->provided_by : "");
        }
        for (unsigned c = 0; c < _COMP_MAX; c++) {
                _cleanup_free_ char *ids = NULL;
                if (!component_is_cis(c) || component_found(d, c))
                        continue;
                if (component_cis_ids(c, &ids) < 0)
                        return -ENOMEM;
                fprintf(f, "%-24s %-14s %-44s %-9s %s\n", component_info(c)->name, ids, "-", "-",
                        "not found on this host");
        }
        /* Problems go with the table, on standard output, marked as such. */
        for (size_t i = 0; i < d->n_problems; i++) {
                const struct problem *x = &d->problems[i];
                const char *what = x->warning ? "warning" : "problem";
                if (x->file && x->line)
                        fprintf(f, "%s: %s:%u: %s\n", what, x->file, x->line, x->message);
                else if (x->file)
                        fprintf(f, "%s: %s: %s\n", what, x->file, x->message);
                else
                        fprintf(f, "%s: %s\n", what, x->message);
        }
        for (size_t i = 0; i < p->others.n_problems; i++)
                fprintf(f, "problem: %s: %s\n", p->others.problems[i].file, p->others.problems[i].message);
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

int list_paths_json(FILE *f, const struct plan *p) {
        const struct discovery *d = &p->disc;
        const struct ruleset *s = &p->rules;
        json_object *root = json_object_new_object(), *arr = json_object_new_array();
        const char *text;

        json_object_object_add(root, "schema", json_object_new_string("docker-audit-rules/list-paths"));
        json_object_object_add(root, "version", json_object_new_int(1));
        for (size_t i = 0; i < d->n_targets; i++) {
                const struct target *t = &d->targets[i];
                const struct rendered *x;
                const char *disp = target_disposition(d, s, i, &x);
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
                json_object_object_add(o, "status", jstr(disp));
                if (x && rule_format(&x->rule, &line) >= 0)
                        json_object_object_add(o, "rule", jstr(line));
                json_object_object_add(o, "in_fragment", json_object_new_boolean(x && rendered_writes(x)));
                json_object_object_add(o, "held_by", jstr(x ? x->provided_by : NULL));
                json_object_object_add(o, "skip", jstr(t->skip));
                json_object_array_add(arr, o);
        }
        json_object_object_add(root, "targets", arr);
        json_object_object_add(root, "problems", plan_problems_json(p));
        text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        fprintf(f, "%s\n", text);
        json_object_put(root);
        return ferror(f) ? -EIO : 0;
}
