/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Discovery: from a host tree to the list of paths Docker really uses there, each with the
 * evidence that named it. Nothing discovered is ever executed; every file is read inside the
 * root, bounded. This file runs the sources (discover-*.c) that build the dockerd and containerd
 * instances, settles their configuration, and has targets.c turn them into targets. */
#include <errno.h>
#include <stdarg.h>

#include "discover.h"
#include "target.h"
#include "unitfile.h"
#include "util.h"

void discovery_done(struct discovery *d) {
        for (size_t i = 0; i < d->n_targets; i++) {
                free(d->targets[i].path);
                free(d->targets[i].evidence);
                free(d->targets[i].skip);
                free(d->targets[i].owner);
                free(d->targets[i].instance);
        }
        free(d->targets);
        problems_done(&d->problems);
        free(d->dockerd);
        free(d->data_root);
        free(d->config_file);
        for (size_t i = 0; i < d->n_dockerds; i++)
                dockerd_instance_done(&d->dockerds[i]);
        free(d->dockerds);
        for (size_t i = 0; i < d->n_containerds; i++)
                containerd_instance_done(&d->containerds[i]);
        free(d->containerds);
        hindex_done(&d->target_index);
        hindex_done(&d->problem_index);
        *d = (struct discovery) {};
}

static int add_problem_va(struct discovery *d, bool warning, const char *file, unsigned line, const char *fmt,
                          va_list ap) __attribute__((format(printf, 5, 0)));

struct problem_key {
        const char *file;
        unsigned line;
        const char *message;
};

static bool problem_eq(const void *ctx, size_t i, const void *key) {
        const struct problem *p = &((const struct discovery *) ctx)->problems.items[i];
        const struct problem_key *k = key;

        return streq_ptr(p->file, k->file) && p->line == k->line && streq(p->message, k->message);
}

/* Appended with problems_addv(), then dropped again when the same file, line and message were
 * said before: said once is enough. */
static int add_problem_va(struct discovery *d, bool warning, const char *file, unsigned line, const char *fmt,
                          va_list ap) {
        const struct problem *p;
        unsigned long long h;
        int r;

        r = problems_addv(&d->problems, file, line, warning, fmt, ap);
        if (r < 0)
                return r;
        p = &d->problems.items[d->problems.n - 1];
        h = hash_bytes(hash_str(hash_str(0, file), p->message), &line, sizeof(line));
        if (hindex_find(&d->problem_index, h, problem_eq, d, &(struct problem_key) { file, line, p->message }) >= 0)
                r = 0;
        else if (hindex_add(&d->problem_index, h, d->problems.n - 1) >= 0)
                return 0;
        else
                r = -ENOMEM;
        problem_done(&d->problems.items[--d->problems.n]);
        return r;
}

int discovery_add_problem(struct discovery *d, const char *file, unsigned line, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = add_problem_va(d, false, file, line, fmt, ap);
        va_end(ap);
        return r;
}

int discovery_add_warning(struct discovery *d, const char *file, unsigned line, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = add_problem_va(d, true, file, line, fmt, ap);
        va_end(ap);
        return r;
}

static bool target_eq(const void *ctx, size_t i, const void *key) {
        const struct target *t = &((const struct discovery *) ctx)->targets[i];

        return t->path && streq(t->path, key);
}

struct target *discovery_find_target(struct discovery *d, const char *path) {
        long i = hindex_find(&d->target_index, hash_str(0, path), target_eq, d, path);

        return i < 0 ? NULL : &d->targets[i];
}

int discovery_add_target(struct discovery *d, enum component comp, const char *path,
                         const char *evidence, struct target **ret) {
        struct target *t;
        char *p = NULL, *e = NULL;

        if (path) {
                t = discovery_find_target(d, path);
                if (t) {
                        if (ret)
                                *ret = t;
                        return 0;
                }
                p = strdup(path);
                if (!p)
                        return -ENOMEM;
        }
        e = strdup(strempty(evidence));
        if (!e) {
                free(p);
                return -ENOMEM;
        }
        t = realloc(d->targets, sizeof(*t) * (d->n_targets + 1));
        if (!t) {
                free(p);
                free(e);
                return -ENOMEM;
        }
        d->targets = t;
        if (p && hindex_add(&d->target_index, hash_str(0, p), d->n_targets) < 0) {
                free(p);
                free(e);
                return -ENOMEM;
        }
        t = &d->targets[d->n_targets++];
        *t = (struct target) {
                .comp = comp,
                .path = p,
                .evidence = e,
                .state = PATH_MISSING,
        };
        if (ret)
                *ret = t;
        return 1;
}

int ctx_dockerd(struct ctx *c, enum instance_source source, const char *name, struct dockerd_instance **ret) {
        for (size_t k = 0; k < c->d->n_dockerds; k++) {
                struct dockerd_instance *i = &c->d->dockerds[k];
                if (i->extra)
                        continue;
                /* Stray units only so far: the source that finds the daemon names the instance. */
                if (!i->daemon) {
                        char *n = strdup(name);
                        if (!n)
                                return -ENOMEM;
                        free(i->name);
                        i->name = n;
                        i->source = source;
                        free(i->state); /* the stray units' state, not this daemon's */
                        i->state = NULL;
                }
                *ret = i;
                return 0;
        }
        return discovery_add_dockerd(c->d, source, name, ret);
}

int ctx_containerd(struct ctx *c, enum instance_source source, const char *name, struct containerd_instance **ret) {
        for (size_t k = 0; k < c->d->n_containerds; k++) {
                struct containerd_instance *i = &c->d->containerds[k];
                if (i->extra)
                        continue;
                /* Stray units only so far: the source that finds the daemon names the instance. */
                if (!i->daemon) {
                        char *n = strdup(name);
                        if (!n)
                                return -ENOMEM;
                        free(i->name);
                        i->name = n;
                        i->source = source;
                        free(i->state); /* the stray units' state, not this daemon's */
                        i->state = NULL;
                }
                *ret = i;
                return 0;
        }
        return discovery_add_containerd(c->d, source, name, ret);
}

const char *envfile_error(int r) {
        return r == -E2BIG ? "too much: a value over 1 MiB or more than 1024 variables; the rest is not read"
                           : "malformed assignment; the rest of the file is not read";
}

int discovery_add_dockerd_args_problems(struct discovery *d, const char *file, const char *what,
                                        const struct dockerd_opts *o) {
        int r = 0;

        for (char **m = o->problems; r >= 0 && m && *m; m++)
                r = discovery_add_problem(d, file, 0, "%s: %s", what, *m);
        if (r >= 0 && !o->problems)
                r = discovery_add_problem(d, file, 0, "%s: an option is missing its value", what);
        return r;
}

int read_host_file(struct ctx *c, const char *path, bool optional, char **ret_data, size_t *ret_len) {
        int r = root_read_file(c->root, path, ret_data, ret_len);
        if (r == -ENOENT && optional)
                return 0;
        if (r < 0) {
                _cleanup_free_ char *to = r == -ENOMEM ? NULL : root_resolves_to(c->root, path);
                if (r == -ENOMEM)
                        return r;
                if (to)
                        discovery_add_problem(c->d, path, 0, "cannot read: it resolves to %s: %s", to, errno_name(r));
                else
                        discovery_add_problem(c->d, path, 0, "cannot read: %s", errno_name(r));
                return r;
        }
        return 1;
}

int read_configured_file(struct ctx *c, const char *configured, const char *resolved, const char *why,
                         char **ret_data, size_t *ret_len) {
        int r = root_read_file(c->root, resolved, ret_data, ret_len);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                if (streq(configured, resolved))
                        discovery_add_problem(c->d, configured, 0, "cannot read: %s (%s)", errno_name(r), why);
                else
                        discovery_add_problem(c->d, configured, 0, "cannot read: it resolves to %s: %s (%s)",
                                              resolved, errno_name(r), why);
                return r;
        }
        return 1;
}

int split_words(const char *value, char ***ret) {
        _cleanup_free_ char *cmd = NULL;

        if (asprintf(&cmd, "/- %s", value) < 0)
                return -ENOMEM;
        return exec_split(cmd, NULL, ret);
}

int discover(const struct root *root, const struct discovery_options *opts, struct discovery *ret) {
        struct discovery d = { .cis_paths = !opts || opts->cis_paths };
        struct ctx c = { .root = root, .opts = opts, .d = &d };
        int r;

        c.bin_dirs = calloc(1, sizeof(char *));
        if (!c.bin_dirs)
                return -ENOMEM;
        /* The sources, strongest first: each adds to the instances the earlier ones found. */
        r = discover_systemd(&c);
        if (r >= 0)
                r = discover_snap(&c);
        if (r >= 0)
                r = discover_openrc(&c);
        if (r >= 0)
                r = discover_proc(&c);
        if (r >= 0)
                r = discover_defaults(&c);
        if (r >= 0)
                r = discover_rootless(&c);
        /* Their effective configuration. */
        for (size_t i = 0; r >= 0 && i < d.n_dockerds; i++)
                r = dockerd_config_resolve(&c, &d.dockerds[i]);
        if (r >= 0)
                r = discover_containerd(&c);
        if (r >= 0)
                r = targets_from_instances(&c);
        strv_free(c.bin_dirs);
        free(c.instance);
        if (r < 0) {
                discovery_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}
