/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Discovery's bottom floor: what every source needs and nothing above it. The context the
 * sources share (struct ctx), the discovery's bookkeeping (targets, problems, the main
 * instances), reads under the root, where programs are looked for, whether a path can be
 * watched, containerd's own options, the init scripts' files and options. It calls no source
 * (discover-*.c), no targets.c and no discover.c: those sit above it and call down
 * (tests/layers-floors.txt). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "containerd_args.h"
#include "discovery-base.h"
#include "dockerd_args.h"
#include "envfile.h"
#include "trust.h"
#include "util.h"

/* The user manager's shared unit directories (root's), NULL-terminated. */
char *const user_unit_dirs_shared[] = { "/etc/systemd/user", "/run/systemd/user", "/usr/local/share/systemd/user",
                                        "/usr/share/systemd/user", "/usr/local/lib/systemd/user",
                                        "/usr/lib/systemd/user", NULL };

void discovery_done(struct discovery *d) {
        for (size_t i = 0; i < d->n_targets; i++) {
                free(d->targets[i].path);
                free(d->targets[i].evidence);
                free(d->targets[i].skip);
                free(d->targets[i].owner);
                free(d->targets[i].note);
                free(d->targets[i].instance);
                for (size_t k = 0; k < d->targets[i].n_by_instance; k++) {
                        free(d->targets[i].by_instance[k].instance);
                        free(d->targets[i].by_instance[k].evidence);
                }
                free(d->targets[i].by_instance);
        }
        free(d->targets);
        problems_done(&d->problems);
        free(d->dockerd);
        for (size_t i = 0; i < d->n_dockerds; i++)
                dockerd_instance_done(&d->dockerds[i]);
        free(d->dockerds);
        for (size_t i = 0; i < d->n_containerds; i++)
                containerd_instance_done(&d->containerds[i]);
        free(d->containerds);
        hindex_done(&d->target_index);
        *d = (struct discovery) {};
}

int discovery_add_problem(struct discovery *d, const char *file, unsigned line, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = problems_addv(&d->problems, file, line, false, fmt, ap);
        va_end(ap);
        return r;
}

int discovery_add_warning(struct discovery *d, const char *file, unsigned line, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = problems_addv(&d->problems, file, line, true, fmt, ap);
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

int ctx_instance(struct ctx *c, enum daemon_kind kind, enum instance_source source, const char *name,
                 struct instance **ret) {
        for (size_t k = 0; k < discovery_n_instances(c->d, kind); k++) {
                struct instance *i = discovery_instance(c->d, kind, k);
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
        return discovery_add_instance(c->d, kind, source, name, ret);
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

int ctx_wsl_boot(struct ctx *c, enum wsl_boot *ret) {
        _cleanup_free_ char *data = NULL;
        bool boot = false, systemd = false;
        size_t len = 0;
        int r;

        if (c->wsl != WSL_UNKNOWN) {
                *ret = c->wsl;
                return 0;
        }
        r = read_host_file(c, WSL_CONF, true, &data, &len);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                *ret = c->wsl = WSL_SCRIPTS; /* WSL, unreadable: said; the script's reading is the default */
                return 0;
        }
        if (r == 0) {
                *ret = c->wsl = WSL_NONE;
                return 0;
        }
        for (char *save = NULL, *l = strtok_r(data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *e, *v;
                while (isspace((unsigned char) *l))
                        l++;
                e = l + strlen(l);
                while (e > l && isspace((unsigned char) e[-1]))
                        *--e = 0;
                if (*l == '[') {
                        boot = strcasecmp(l, "[boot]") == 0;
                        continue;
                }
                if (!boot || !(v = strchr(l, '=')))
                        continue;
                for (e = v; e > l && isspace((unsigned char) e[-1]); e--)
                        ;
                *e = 0;
                for (v++; isspace((unsigned char) *v); v++)
                        ;
                if (strcasecmp(l, "systemd") == 0)
                        systemd = strcasecmp(v, "true") == 0 || strcasecmp(v, "\"true\"") == 0;
        }
        *ret = c->wsl = systemd ? WSL_SYSTEMD : WSL_SCRIPTS;
        return 0;
}

int ctx_systemd_absent(struct ctx *c, const char **ret_why) {
        static const char *const markers[] = { "/etc/inittab", "/etc/runlevels", "/etc/runit", "/etc/s6" };
        struct resolved res = {};
        enum wsl_boot wsl;
        bool marker = false;
        int r;

        if (c->init_asked) {
                *ret_why = c->no_systemd_why;
                return c->no_systemd;
        }
        r = ctx_wsl_boot(c, &wsl);
        if (r < 0)
                return r;
        c->init_asked = true;
        c->no_systemd = 0;
        if (wsl == WSL_SCRIPTS) {
                snprintf(c->no_systemd_why, sizeof(c->no_systemd_why), "WSL without systemd: %s has no [boot] "
                         "systemd=true", WSL_CONF);
                c->no_systemd = 1;
        } else if (wsl == WSL_NONE) {
                for (size_t k = 0; k < ELEMENTSOF(markers) && !marker; k++) {
                        struct resolved m = {};
                        marker = root_resolve(c->root, markers[k], false, &m) >= 0 && m.state == PATH_EXISTS;
                        resolved_done(&m);
                }
                if (marker && root_resolve(c->root, "/sbin/init", false, &res) >= 0 && res.state == PATH_EXISTS &&
                    !res.is_dir && !streq(path_basename(res.path), "systemd")) {
                        snprintf(c->no_systemd_why, sizeof(c->no_systemd_why), "the init is not systemd: /sbin/init "
                                 "is %s", res.path);
                        c->no_systemd = 1;
                }
                resolved_done(&res);
        }
        *ret_why = c->no_systemd_why;
        return c->no_systemd;
}

int ctx_system_units_load(struct ctx *c, const char *const *names, struct unit *ret) {
        const char *why;
        size_t n = 0;
        int r;

        if ((r = ctx_systemd_absent(c, &why)) != 0)
                return r < 0 ? r : 0;
        r = units_load(c->root, names, &c->d->problems, ret);
        if (r < 0) {
                while (names[n])
                        unit_done(&ret[n++]);
                return r;
        }
        return 1;
}

int read_host_file(struct ctx *c, const char *path, bool optional, char **ret_data, size_t *ret_len) {
        int r = root_read_file(c->root, path, ret_data, ret_len), k;
        if (r == -ENOENT && optional)
                return 0;
        if (r < 0) {
                _cleanup_free_ char *to = r == -ENOMEM ? NULL : root_resolves_to(c->root, path);
                if (r == -ENOMEM)
                        return r;
                if (to)
                        k = discovery_add_problem(c->d, path, 0, "cannot read: it resolves to %s: %s", to, errno_name(r));
                else
                        k = discovery_add_problem(c->d, path, 0, "cannot read: %s", errno_name(r));
                return k < 0 ? k : r;
        }
        return 1;
}

int read_configured_file(struct ctx *c, const char *configured, const char *resolved, const char *why,
                         char **ret_data, size_t *ret_len) {
        int r = root_read_file(c->root, resolved, ret_data, ret_len), k;
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                if (streq(configured, resolved))
                        k = discovery_add_problem(c->d, configured, 0, "cannot read: %s (%s)", errno_name(r), why);
                else
                        k = discovery_add_problem(c->d, configured, 0, "cannot read: it resolves to %s: %s (%s)",
                                                  resolved, errno_name(r), why);
                return k < 0 ? k : r;
        }
        return 1;
}

bool is_regular_exists(struct ctx *c, const char *path, char **ret_resolved) {
        struct resolved res = {};
        bool found;

        int r = root_resolve(c->root, path, false, &res);
        if (r == -ELOOP || r == -ENAMETOOLONG)
                discovery_add_problem(c->d, path, 0, "%s: not watched", errno_name(r));
        if (r < 0)
                return false;
        found = res.state == PATH_EXISTS && !res.is_dir;
        if (found && ret_resolved)
                *ret_resolved = TAKE_PTR(res.path);
        resolved_done(&res);
        return found;
}

char *find_program(struct ctx *c, const char *name, const char **ret_dir) {
        for (char **dir = c->bin_dirs; dir && *dir; dir++) {
                _cleanup_free_ char *p = path_join(*dir, name);
                if (p && is_regular_exists(c, p, NULL)) {
                        if (ret_dir)
                                *ret_dir = *dir;
                        return TAKE_PTR(p);
                }
        }
        return NULL;
}

int path_usable(struct ctx *c, const char *path, char **ret_resolved) {
        struct resolved res = {};
        int r = 0;

        *ret_resolved = NULL;
        if (!path || path[0] != '/' || root_resolve(c->root, path, false, &res) < 0)
                return 0;
        if (rule_path_ok(res.path) && res.state != PATH_PARENT_MISSING) {
                *ret_resolved = TAKE_PTR(res.path);
                r = 1;
        }
        resolved_done(&res);
        return r;
}

int containerd_take_args(struct ctx *c, struct containerd_instance *i, char * const *argv, const char *file,
                         const char *what) {
        _cleanup_(containerd_opts_done) struct containerd_opts o = {};
        char **rel[] = { &o.root, &o.state };
        int r = 0;

        if (containerd_args_parse(argv, &o) < 0)
                for (char **m = o.problems; r >= 0 && m && *m; m++)
                        r = discovery_add_problem(c->d, file, 0, "%s: %s", what, *m);
        /* A relative one is made absolute against containerd's working directory, which is not
         * known here: said, not guessed. */
        for (size_t k = 0; r >= 0 && k < ELEMENTSOF(rel); k++)
                if (*rel[k] && (*rel[k])[0] != '/') {
                        r = discovery_add_warning(c->d, file, 0, "%s: --%s %s is relative to containerd's working "
                                                  "directory, which is not known here: not watched; give "
                                                  "containerd an absolute path", what, k == 0 ? "root" : "state", *rel[k]);
                        free(*rel[k]);
                        *rel[k] = NULL;
                }
        if (r >= 0 && o.config)
                r = sourced_set(&i->config_file, o.config, "--config of %s", what);
        if (r < 0)
                return r;
        free(i->origin);
        if (!(i->origin = strdup(what)))
                return -ENOMEM;
        containerd_opts_done(&i->flags);
        i->flags = o;
        o = (struct containerd_opts) {};
        return 0;
}

bool rootless_shared_unit_path(const char *path) {
        for (char *const *d = user_unit_dirs_shared; *d; d++)
                if (path_startswith_dir(path, *d))
                        return true;
        return false;
}

/* ---- what the init scripts' sources share (runit, SysV, OpenRC) ---- */

int init_script_trusted(struct ctx *c, const char *path) {
        _cleanup_free_ char *mend = NULL;
        struct resolved res = {};
        int r;

        if (root_resolve(c->root, path, false, &res) < 0 || res.state != PATH_EXISTS) {
                resolved_done(&res);
                return 0;
        }
        r = trust_roots(&res);
        resolved_done(&res);
        if (r)
                return 1;
        mend = root_mend_commands(c->root, path);
        if (!mend)
                return -ENOMEM;
        r = discovery_add_problem(c->d, path, 0, "not root's, or others may change it: what it says is not used; "
                                  "to use it, make it and each directory on its way root's and writable by no "
                                  "one else (%s)", mend);
        return r < 0 ? r : 0;
}

int init_script_read_env(struct ctx *c, const char *path, char ***vars) {
        _cleanup_free_ char *data = NULL;
        _cleanup_strv_free_ char **mine = NULL;
        unsigned line = 0;
        size_t len = 0;
        int r;

        /* What it sets chooses the daemon's program and options: only a file of root's. */
        if ((r = init_script_trusted(c, path)) <= 0)
                return r;
        r = read_host_file(c, path, true, &data, &len);
        if (r <= 0)
                return r == -ENOMEM ? r : 0;
        r = envfile_parse_shell(data, len, *vars, &mine, &line);
        if (r == -ENOMEM)
                return r;
        if (r < 0 && discovery_add_problem(c->d, path, line, "%s", envfile_error(r)) < 0)
                return -ENOMEM;
        r = mine ? strv_extend_strv(vars, mine) : 0;
        return r < 0 ? r : 1;
}

int init_script_program(struct ctx *c, struct instance *h, const char *program, const char *script,
                        const char *const *path) {
        if (program[0] == '/')
                return sourced_set(&h->binary, program, "%s in %s", path_basename(program), script);
        for (size_t k = 0; path[k]; k++) {
                _cleanup_free_ char *p = path_join(path[k], program);
                if (!p)
                        return -ENOMEM;
                if (is_regular_exists(c, p, NULL))
                        return sourced_set(&h->binary, p, "%s in %s, found in %s", program, script, path[k]);
        }
        return 0;
}

int init_script_options(struct ctx *c, struct instance *h, char **argv, const char *file, const char *what) {
        int r;

        if (h->kind == DAEMON_DOCKERD) {
                struct dockerd_instance *i = (struct dockerd_instance *) h;
                if (dockerd_args_parse(argv, &i->flags) < 0 &&
                    (r = discovery_add_dockerd_args_problems(c->d, file, what, &i->flags)) < 0)
                        return r;
                free(h->origin);
                return (h->origin = strdup(what)) ? 0 : -ENOMEM;
        }
        return containerd_take_args(c, (struct containerd_instance *) h, argv, file, what);
}
