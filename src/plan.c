/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <json-c/json.h>

#include "config.h"
#include "plan.h"
#include "util.h"

void plan_done(struct plan *p) {
        ruleset_done(&p->rules);
        rules_dir_done(&p->others);
        discovery_done(&p->disc);
        root_done(&p->root);
        free(p->rules_dir);
        free(p->fragment_path);
        free(p->fragment_text);
        *p = (struct plan) {};
}

int plan_build(const struct options *o, struct plan *ret, const char **ret_what) {
        struct plan p = {};
        const char *own;
        int r;

        r = root_init(&p.root, o->root);
        if (r < 0) {
                *ret_what = "the root directory";
                goto fail;
        }
        r = rules_dir_path(&p.root, o->rules_dir, &p.rules_dir);
        if (r < 0) {
                *ret_what = "the rules directory";
                goto fail;
        }
        if (o->output)
                p.fragment_path = strdup(o->output);
        else
                p.fragment_path = path_join(p.rules_dir, FRAGMENT_NAME);
        if (!p.fragment_path) {
                r = -ENOMEM;
                goto fail;
        }
        own = path_basename(p.fragment_path);

        r = discover(&p.root, &o->discovery, &p.disc);
        if (r < 0) {
                *ret_what = "discovery";
                goto fail;
        }
        {
                struct resolved res = {};
                bool inside = !o->rules_dir && !p.root.live && root_resolve(&p.root, RULES_DIR, false, &res) >= 0;
                _cleanup_strv_free_ char **paths = calloc(1, sizeof(char *));
                r = paths ? 0 : -ENOMEM;
                for (size_t i = 0; r >= 0 && i < p.disc.n_targets; i++)
                        if (p.disc.targets[i].path)
                                r = strv_extend(&paths, p.disc.targets[i].path);
                if (r >= 0)
                        r = rules_dir_read_filtered(&p.root, p.rules_dir, inside ? res.path : NULL, own, paths,
                                                    o->render.key, &p.others);
                resolved_done(&res);
        }
        if (r < 0) {
                *ret_what = "the rules directory";
                goto fail;
        }
        r = render(&p.root, &p.disc, &o->render, &p.others, &p.rules);
        if (r < 0) {
                *ret_what = "rendering";
                goto fail;
        }
        r = render_fragment(&p.disc, &p.rules, &o->render, &p.fragment_text);
        if (r < 0) {
                *ret_what = "rendering";
                goto fail;
        }
        *ret = p;
        return 0;

fail:
        plan_done(&p);
        return r;
}

int plan_print_problems(FILE *f, const struct plan *p) {
        int n = 0;

        for (size_t i = 0; i < p->disc.n_problems; i++, n++) {
                const struct problem *x = &p->disc.problems[i];
                if (x->file && x->line)
                        fprintf(f, "docker-audit-rules: %s:%u: %s\n", x->file, x->line, x->message);
                else if (x->file)
                        fprintf(f, "docker-audit-rules: %s: %s\n", x->file, x->message);
                else
                        fprintf(f, "docker-audit-rules: %s\n", x->message);
        }
        for (size_t i = 0; i < p->others.n_problems; i++, n++)
                fprintf(f, "docker-audit-rules: %s: %s\n", p->others.problems[i].file, p->others.problems[i].message);
        for (size_t i = 0; i < p->disc.n_targets; i++) {
                const struct target *t = &p->disc.targets[i];
                if (t->skip && strstr(t->skip, "one rules line")) {
                        fprintf(f, "docker-audit-rules: %s: not watched: %s\n", t->path, t->skip);
                        n++;
                }
        }
        return n;
}

static json_object *problem_json(const char *file, unsigned line, const char *message) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "file", file ? json_object_new_string(file) : NULL);
        json_object_object_add(o, "line", json_object_new_int((int) line));
        json_object_object_add(o, "message", json_object_new_string(message));
        return o;
}

json_object *plan_problems_json(const struct plan *p) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < p->disc.n_problems; i++)
                json_object_array_add(a, problem_json(p->disc.problems[i].file, p->disc.problems[i].line,
                                                      p->disc.problems[i].message));
        for (size_t i = 0; i < p->others.n_problems; i++)
                json_object_array_add(a, problem_json(p->others.problems[i].file, 0, p->others.problems[i].message));
        return a;
}
