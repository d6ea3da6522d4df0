/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --list-paths, the judge: which instance named each target, and what became of it in the
 * rendered set. Prints nothing; list-print.c formats the result, run_list() runs the mode. */
#include <errno.h>

#include "instance.h"
#include "list.h"
#include "util.h"

static void groups_free(struct list_group *g, size_t n) {
        for (size_t k = 0; k < n; k++)
                free(g[k].key);
        free(g);
}

/* The instances, dockerd first, then containerd, then the host's own group. */
static int groups_make(const struct discovery *d, struct list_group **ret, size_t *ret_n) {
        size_t n = d->n_dockerds + d->n_containerds + 1, k = 0;
        struct list_group *g = calloc(n, sizeof(*g));

        if (!g)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_dockerds; i++, k++) {
                const struct dockerd_instance *x = &d->dockerds[i];
                g[k] = (struct list_group) { .key = dockerd_instance_key(x), .kind = "dockerd", .name = x->name,
                                        .source = instance_source_name(x->source), .state = x->state,
                                        .daemon = x->daemon, .running = x->running, .n_running = x->n_running,
                                        .data_root = x->root.value ? &x->root : NULL };
                if (!g[k].key)
                        goto fail;
        }
        for (size_t i = 0; i < d->n_containerds; i++, k++) {
                const struct containerd_instance *x = &d->containerds[i];
                g[k] = (struct list_group) { .key = containerd_instance_key(x), .kind = "containerd", .name = x->name,
                                        .source = instance_source_name(x->source), .state = x->state,
                                        .daemon = x->daemon, .running = x->running, .n_running = x->n_running };
                if (!g[k].key)
                        goto fail;
        }
        *ret = g;
        *ret_n = n;
        return 0;
fail:
        groups_free(g, n);
        return -ENOMEM;
}

/* Is target t in group g? A target whose instance has no group is the host's. */
static bool in_group(const struct list_group *all, size_t n, size_t g, const struct target *t) {
        if (all[g].key)
                return streq_ptr(t->instance, all[g].key);
        for (size_t k = 0; k < n; k++)
                if (all[k].key && streq_ptr(t->instance, all[k].key))
                        return false;
        return true;
}

int list_build(const struct plan *p, struct list_result *ret) {
        const struct discovery *d = &p->disc;
        struct list_result r = { .p = p };
        int k;

        k = groups_make(d, &r.groups, &r.n_groups);
        if (k < 0)
                return k;
        r.group = calloc(d->n_targets + 1, sizeof(*r.group));
        r.disposition = calloc(d->n_targets + 1, sizeof(*r.disposition));
        r.rule = calloc(d->n_targets + 1, sizeof(*r.rule));
        if (!r.group || !r.disposition || !r.rule) {
                list_result_done(&r);
                return -ENOMEM;
        }
        for (size_t i = 0; i < d->n_targets; i++) {
                const struct target *t = &d->targets[i];

                r.found[t->comp] = true;
                r.disposition[i] = render_target_disposition(d, &p->rules, i, &r.rule[i]);
                for (size_t g = 0; g < r.n_groups; g++)
                        if (in_group(r.groups, r.n_groups, g, t)) {
                                r.group[i] = g;
                                break;
                        }
        }
        *ret = r;
        return 0;
}

void list_result_done(struct list_result *r) {
        if (r->groups)
                groups_free(r->groups, r->n_groups);
        free(r->group);
        free(r->disposition);
        free(r->rule);
        *r = (struct list_result) {};
}

int run_list(const struct options *o) {
        struct plan p = {};
        struct list_result l = {};
        const char *what = "";
        int r, n;

        r = plan_build(o, &p, &what);
        if (r < 0) {
                fprintf(stderr, "docker-audit-rules: %s: %s\n", what, strerror(-r));
                return EXIT_FAIL;
        }
        r = list_build(&p, &l);
        if (r >= 0 && o->format == FORMAT_JSON)
                r = list_print_json(stdout, &l);
        else if (r >= 0)
                r = list_print_text(stdout, &l);
        /* Text: the problems are in the table on standard output; JSON: in the document, and
         * said on standard error too. */
        n = plan_print_problems(o->format == FORMAT_JSON ? stderr : NULL, &p);
        list_result_done(&l);
        plan_done(&p);
        if (r < 0)
                return EXIT_FAIL;
        return n > 0 ? EXIT_INPUT : EXIT_OK;
}
