/* SPDX-License-Identifier: GPL-2.0-or-later */
/* containerd: a containerd found only as a binary in the usual directories, and for every
 * containerd its config.toml (the unit's --config, else the default) with the state directory
 * and gRPC socket it names. */
#include <errno.h>

#include "containerd_config.h"
#include "discovery-base.h"
#include "util.h"

static const char *const containerd_names[] = { "containerd", "docker-containerd", "docker-containerd-current", NULL };

/* Which containerd reads the file decides how a relative import glob is taken (1.x: from its
 * working directory, "/" under systemd; 2.x: from the importing file's directory). The binary's
 * version cannot be read without running it, so the configuration's own word is taken: a merged
 * `version = 3` is only accepted by containerd 2.x; anything else is read as containerd 1.x does
 * (Debian 12 and Ubuntu 22.04 ship 1.6, Docker's packages 1.6 and 1.7). */
struct loaded_config {
        struct containerd_config config;
        struct containerd_origins origins;  /* the file that set each key */
        char **files;           /* every file read or tried, the main one first */
        char **dirs;            /* every directory an import glob listed */
        struct problems problems;
};

static void loaded_config_done(struct loaded_config *l) {
        containerd_config_done(&l->config);
        containerd_origins_done(&l->origins);
        strv_free(l->files);
        strv_free(l->dirs);
        problems_done(&l->problems);
        *l = (struct loaded_config) {};
}

/* 1 when loaded, 0 when the main file does not exist, -ENOMEM. */
static int load_config(struct ctx *c, const char *path, struct loaded_config *ret) {
        struct containerd_load_options o = { .v1_relative_globs = true, .cwd = "/", .origins = &ret->origins };
        int r;

        r = containerd_config_load(c->root, path, &o, &ret->config, &ret->files, &ret->dirs, &ret->problems);
        if (r >= 0 && ret->config.version == 3) {
                loaded_config_done(ret);
                o.v1_relative_globs = false;
                r = containerd_config_load(c->root, path, &o, &ret->config, &ret->files, &ret->dirs, &ret->problems);
        }
        if (r == -ENOENT || r == -EINVAL)
                return 0;
        return r < 0 ? r : 1;
}

/* The loader's problems, each with its file and line; a file that could not be read says who
 * named it. */
static int add_load_problems(struct ctx *c, const struct containerd_instance *i, const struct loaded_config *l) {
        int r = 0;

        for (size_t k = 0; r >= 0 && k < l->problems.n; k++) {
                const struct problem *p = &l->problems.items[k];
                bool main_file = l->files && l->files[0] && streq(p->file, l->files[0]);

                if (p->line == 0 && startswith(p->message, "cannot read: ")) {
                        /* Which file named it, and what it really is. */
                        _cleanup_free_ char *to = root_resolves_to(c->root, p->file);
                        const char *why = main_file ? i->config_file.evidence : "imported by containerd's config.toml";

                        if (to)
                                r = discovery_add_problem(c->d, p->file, 0, "cannot read: it resolves to %s: %s (%s)", to,
                                                          p->message + strlen("cannot read: "), why);
                        else
                                r = discovery_add_problem(c->d, p->file, 0, "%s (%s)", p->message, why);
                } else
                        r = discovery_add_problem(c->d, p->file, p->line, "%s", p->message);
        }
        return r;
}

/* Set s to a value the configuration names, with the key and the file that set it: the main
 * file in the words the fixtures and reports use, an imported file by its path. */
static int set_configured(struct sourced *s, const char *value, const char *key, const char *origin,
                          const struct loaded_config *l) {
        if (!value)
                return 0;
        if (!origin || (l->files && l->files[0] && streq(origin, l->files[0])))
                return sourced_set(s, value, "%s in containerd's config.toml", key);
        return sourced_set(s, value, "%s in %s (imported by containerd's config.toml)", key, origin);
}

/* What the loaded configuration names, each with the file that set it. */
static int take_config(struct containerd_instance *i, struct loaded_config *l) {
        const struct containerd_origins *o = &l->origins;
        int r = 0;

        for (char **f = l->files ? l->files + 1 : NULL; r >= 0 && f && *f; f++)
                r = sourced_append(&i->config_imports, &i->n_config_imports, *f, "imported by %s",
                                   i->config_file.value);
        for (char **d = l->dirs; r >= 0 && d && *d; d++)
                r = sourced_append(&i->config_dirs, &i->n_config_dirs, *d,
                                   "an import glob of containerd's config lists it: a file created there is read "
                                   "at the next start");
        if (r >= 0)
                r = set_configured(&i->state_dir, l->config.state, "state", o->state, l);
        if (r >= 0)
                r = set_configured(&i->grpc_address, l->config.grpc_address, "[grpc] address", o->grpc_address, l);
        if (r >= 0)
                r = set_configured(&i->ttrpc_address, l->config.ttrpc_address, "[ttrpc] address", o->ttrpc_address, l);
        if (r >= 0)
                r = set_configured(&i->debug_address, l->config.debug_address, "[debug] address", o->debug_address, l);
        if (r >= 0)
                r = set_configured(&i->plugin_dir, l->config.plugin_dir, "plugin_dir", o->plugin_dir, l);
        if (r >= 0) {
                containerd_config_done(&i->config);
                i->config = l->config;
                l->config = (struct containerd_config) {};
        }
        return r;
}

static int read_containerd_config(struct ctx *c, struct containerd_instance *i) {
        _cleanup_(loaded_config_done) struct loaded_config l = {};
        int r;

        r = load_config(c, i->config_file.value, &l);
        if (r <= 0)
                return r;
        r = add_load_problems(c, i, &l);
        if (r >= 0)
                r = take_config(i, &l);
        return r;
}

/* No unit and no process: a binary in the binary directories is a containerd with defaults. */
static int find_binary(struct ctx *c) {
        for (size_t k = 0; k < c->d->n_containerds; k++)
                if (c->d->containerds[k].daemon && c->d->containerds[k].source != SOURCE_SUPERVISOR)
                        return 0;
        for (const char *const *n = containerd_names; *n; n++) {
                const char *dir = NULL;
                _cleanup_free_ char *p = find_program(c, *n, &dir);
                struct containerd_instance *i;
                int r;

                if (!p)
                        continue;
                r = ctx_containerd(c, SOURCE_DEFAULTS, "containerd", &i);
                if (r < 0)
                        return r;
                i->daemon = true;
                return i->binary.value ? 0 : sourced_set(&i->binary, p, "found in %s", dir);
        }
        return 0;
}

static int settle(struct ctx *c, struct containerd_instance *i) {
        _cleanup_free_ char *resolved = NULL;
        int r = 0;

        if (!i->config_file.value)
                r = sourced_set(&i->config_file, DEFAULT_CONTAINERD_CONFIG, "containerd's default configuration file");
        if (r >= 0)
                r = path_usable(c, i->config_file.value, &resolved);
        if (r > 0)
                r = read_containerd_config(c, i);
        if (r < 0)
                return r;
        /* The command line over config.toml (containerd's applyFlags()), then the defaults. */
        if (i->flags.state)
                r = sourced_set(&i->state_dir, i->flags.state, "--state of %s", i->origin);
        if (r >= 0 && i->flags.address)
                r = sourced_set(&i->grpc_address, i->flags.address, "--address of %s", i->origin);
        if (r >= 0 && !i->state_dir.value)
                r = sourced_set(&i->state_dir, DEFAULT_CONTAINERD_STATE, "containerd's default state directory");
        if (r >= 0 && !i->grpc_address.value)
                r = sourced_set(&i->grpc_address, DEFAULT_CONTAINERD_SOCK, "containerd's default socket");
        return r;
}

int discover_containerd(struct ctx *c) {
        int r = find_binary(c);

        for (size_t k = 0; k < c->d->n_containerds && r >= 0; k++)
                if (c->d->containerds[k].daemon)
                        r = settle(c, &c->d->containerds[k]);
        return r;
}
