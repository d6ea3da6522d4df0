/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From instances to watch targets: every path an instance names, resolved inside the root, with
 * the evidence that named it; then the CIS Benchmark's literal paths. */
#include <errno.h>
#include <stdarg.h>

#include "discovery-base.h"
#include "guard.h"
#include "runtimes.h"
#include "trust.h"
#include "unitfile.h"
#include "util.h"

static bool is_cis_literal(enum component comp, const char *path) {
        const struct component_info *i = component_info(comp);
        for (size_t k = 0; k < ELEMENTSOF(i->cis_paths) && i->cis_paths[k]; k++)
                if (streq(i->cis_paths[k], path))
                        return true;
        return false;
}

static int set_skip(struct target *t, enum skip_reason reason, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int set_skip(struct target *t, enum skip_reason reason, const char *fmt, ...) {
        va_list ap;
        int k;

        t->skip_reason = reason;
        va_start(ap, fmt);
        k = vasprintf(&t->skip, fmt, ap);
        va_end(ap);
        if (k < 0) {
                t->skip = NULL;
                return -ENOMEM;
        }
        return 0;
}

static bool parent_is_volatile(struct ctx *c, const char *parent) {
        struct resolved pres = {};
        bool v = false;

        if (root_resolve(c->root, parent, false, &pres) >= 0)
                v = !streq(pres.path, "/run") && path_startswith_dir(pres.path, "/run");
        resolved_done(&pres);
        return v;
}

/* Add a path as a target. Unless as_link, the path is resolved and the file it leads to is
 * watched (the kernel does not follow the last component of a watch). */
enum {
        ADD_WANTED = 1 << 0,  /* watch even while missing */
        ADD_AS_LINK = 1 << 1, /* watch the path itself, not what it points to */
        ADD_SYSTEM_OK = 1 << 2, /* a user's instance: a path of root's (trust_roots()) is the
                               * system's and watched as usual (the program a user unit runs,
                               * a unit file in a shared user unit directory) */
};

/* The rules one user's configuration (rootless Docker) may add; the paths after are said and
 * not watched. A rootless dockerd names about a dozen. */
#define ROOTLESS_RULES_MAX 64
/* The paths outside their tree said one by one for one user; the others in one line. */
#define ROOTLESS_REFUSALS_SAID 16

static struct user_rules *user_rules_of(struct ctx *c, unsigned uid) {
        struct user_rules *m;

        for (size_t k = 0; k < c->n_user_rules; k++)
                if (c->user_rules[k].uid == uid)
                        return &c->user_rules[k];
        m = reallocarray(c->user_rules, c->n_user_rules + 1, sizeof(*m));
        if (!m)
                return NULL;
        c->user_rules = m;
        m[c->n_user_rules] = (struct user_rules) { .uid = uid };
        return &m[c->n_user_rules++];
}

/* Is this resolved path in a directory every user can list and that holds the system's
 * programs or shared user units: one of the binary directories, or a shared user unit
 * directory? */
static bool system_place(const struct ctx *c, const char *path) {
        _cleanup_free_ char *parent = path_parent(path);

        if (!parent)
                return false;
        if (rootless_shared_unit_path(path))
                return true;
        for (char **dir = c->bin_dirs; dir && *dir; dir++)
                if (streq(*dir, parent))
                        return true;
        return false;
}

/* A path a user's instance names (c->user): 1 when it may be watched (*ret_user_tree when it is
 * in the user's own tree), 0 when refused (a problem names it as configured: never what it
 * resolves to, and the same words whether it exists or not, so that the output tells no one
 * about other users' files), -ENOMEM. Source: the trust rule, trust.h. */
static int user_confine(struct ctx *c, enum component comp, const char *path, const struct resolved *res, int resolve_r,
                        unsigned flags, const char *evidence, bool *ret_user_tree) {
        const struct dockerd_instance *i = c->user;
        struct user_rules *n;

        *ret_user_tree = false;
        /* The system's: root's all the way (judged by what exists of it: a program a shared user
         * unit names may be missing), in a place every user can look into (a binary directory,
         * a shared user unit directory). Nowhere else: a watch there would load at boot on a
         * user's word, and whether it is watched would tell the user what exists in directories
         * they cannot read (/root). */
        if (resolve_r >= 0 && (flags & ADD_SYSTEM_OK) && system_place(c, res->path) &&
            (trust_roots(res) || (res->state == PATH_MISSING && res->other_owner == 0 && !res->other_owners &&
                                  !res->open_dir)))
                return 1;
        n = user_rules_of(c, i->uid);
        if (!n)
                return -ENOMEM;
        if (resolve_r < 0 || !trust_users(res, i->uid, i->home)) {
                /* Said one by one up to a bound, then once: a user's file of 50,000 names must not
                 * make root print megabytes at every run. */
                if (++n->refused > ROOTLESS_REFUSALS_SAID) {
                        if (n->refused == ROOTLESS_REFUSALS_SAID + 1 &&
                            discovery_add_problem(c->d, NULL, 0, "user %s's configuration names more paths outside "
                                                  "their home: not watched, and not said one by one", i->user) < 0)
                                return -ENOMEM;
                        return 0;
                }
                return discovery_add_problem(c->d, NULL, 0, "user %s's configuration names %s %s (%s), outside their "
                                             "home (or through another user's files): not watched", i->user,
                                             component_info(comp)->name, path, evidence) < 0 ? -ENOMEM : 0;
        }
        if (n->n >= ROOTLESS_RULES_MAX) {
                if (!n->said && discovery_add_problem(c->d, NULL, 0, "user %s's configuration names more than %d "
                                                      "paths: %s and the ones after it are not watched", i->user,
                                                      ROOTLESS_RULES_MAX, path) < 0)
                        return -ENOMEM;
                n->said = true;
                return 0;
        }
        n->n++;
        *ret_user_tree = true;
        return 1;
}

static int add_unresolvable(struct ctx *c, enum component comp, const char *path, int err, const char *evidence,
                            struct target **ret) {
        _cleanup_free_ char *norm = NULL;
        struct target *t;
        int k;

        if (path_normalize(path, &norm) < 0)
                return -ENOMEM;
        k = discovery_add_target(c->d, comp, norm, evidence, &t);
        if (k < 0)
                return k;
        if (k > 0 && c->instance && !(t->instance = strdup(c->instance)))
                return -ENOMEM;
        if (k > 0 && set_skip(t, SKIP_UNRESOLVABLE, "cannot resolve: %s", errno_name(err)) < 0)
                return -ENOMEM;
        if (k > 0)
                discovery_add_problem(c->d, NULL, 0, "%s %.64s%s (%s): %s; not watched", component_info(comp)->name,
                                      norm, strlen(norm) > 64 ? "..." : "", evidence, errno_name(err));
        if (ret)
                *ret = t;
        return 0;
}

/* No configuration value may turn into a dangerous watch (guard.h): skipped, and said with the
 * path as configured and what configured it. */
static int refuse_dangerous(struct ctx *c, struct target *t, const char *configured, const struct resolved *res) {
        enum guard_verdict g;
        bool exists = res->state == PATH_EXISTS;

        g = watch_guard(res->path, exists, res->mode,
                        component_is_dir(t->comp) ? NAMED_AS_DIR :
                        t->comp == COMP_DOCKER_SOCK || t->comp == COMP_CONTAINERD_SOCK ? NAMED_AS_SOCKET : NAMED_AS_FILE);
        if (g == GUARD_OK)
                return 0;
        if (set_skip(t, SKIP_DANGEROUS, "%s", guard_verdict_explain(g)) < 0)
                return -ENOMEM;
        if (streq(configured, res->path))
                return discovery_add_problem(c->d, NULL, 0, "%s %s (%s): not watched: %s", component_info(t->comp)->name,
                                             res->path, t->evidence, guard_verdict_explain(g));
        return discovery_add_problem(c->d, NULL, 0, "%s %s (%s) resolves to %s: not watched: %s",
                                     component_info(t->comp)->name, configured, t->evidence, res->path,
                                     guard_verdict_explain(g));
}

static int new_target(struct ctx *c, struct target *t, const char *configured, const struct resolved *res,
                      unsigned flags) {
        _cleanup_free_ char *parent = path_parent(res->path);
        int r;

        if (!parent)
                return -ENOMEM;
        t->state = res->state;
        t->is_dir = res->is_dir;
        t->link = (flags & ADD_AS_LINK) && res->state == PATH_EXISTS && S_ISLNK(res->mode);
        t->wanted_missing = flags & ADD_WANTED;
        t->volatile_parent = parent_is_volatile(c, parent);
        r = refuse_dangerous(c, t, configured, res);
        if (r < 0 || t->skip)
                return r;
        if (!rule_path_ok(res->path))
                return set_skip(t, SKIP_TOO_LONG, "the path cannot be written on one rules line "
                                "(whitespace, control or quote characters, or too long)");
        if (res->state == PATH_PARENT_MISSING)
                return set_skip(t, SKIP_NO_PARENT, "parent directory %s does not exist", parent);
        return 0;
}

/* Record that instance named t with this evidence, once. 0 or -ENOMEM. */
static int add_by_instance(struct target *t, const char *instance, const char *evidence) {
        struct target_evidence *a;
        char *i, *e;

        for (size_t k = 0; k < t->n_by_instance; k++)
                if (streq(t->by_instance[k].instance, instance) && streq(t->by_instance[k].evidence, evidence))
                        return 0;
        a = reallocarray(t->by_instance, t->n_by_instance + 1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        t->by_instance = a;
        i = strdup(instance);
        e = strdup(evidence);
        if (!i || !e) {
                free(i);
                free(e);
                return -ENOMEM;
        }
        a[t->n_by_instance++] = (struct target_evidence) { .instance = i, .evidence = e };
        return 0;
}

static int by_instance_cmp(const void *a, const void *b) {
        const struct target_evidence *x = a, *y = b;
        int r = strcmp(x->instance, y->instance);

        return r ? r : strcmp(x->evidence, y->evidence);
}

/* A target several instances named: their evidence in an order of its own (by instance key, then
 * evidence), not the order the instances were walked in. The target's own evidence and instance
 * stay those of the first that named it: the walk puts the strongest first (a running process's
 * binary before the units that name it). */
static void sort_by_instance(struct target *t) {
        if (t->n_by_instance > 1)
                qsort(t->by_instance, t->n_by_instance, sizeof(*t->by_instance), by_instance_cmp);
}

static int add_path(struct ctx *c, enum component comp, const char *path, unsigned flags,
                    struct target **ret, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int add_path(struct ctx *c, enum component comp, const char *path, unsigned flags,
                    struct target **ret, const char *fmt, ...) {
        _cleanup_free_ char *evidence = NULL;
        struct resolved res = {};
        bool user_tree = false;
        struct target *t;
        va_list ap;
        int r, k;

        va_start(ap, fmt);
        k = vasprintf(&evidence, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        if (ret)
                *ret = NULL;
        if (!path || path[0] != '/')
                return discovery_add_problem(c->d, NULL, 0, "%s: path \"%s\" is not absolute (%s)",
                                             component_info(comp)->name, strempty(path), evidence);
        r = root_resolve(c->root, path, flags & ADD_AS_LINK, &res);
        if (c->user) {
                k = user_confine(c, comp, path, &res, r, flags, evidence, &user_tree);
                if (k <= 0) {
                        resolved_done(&res);
                        return k;
                }
        }
        if (r < 0)
                return add_unresolvable(c, comp, path, r, evidence, ret);
        k = discovery_add_target(c->d, comp, res.path, evidence, &t);
        if (k >= 0 && c->instance)
                k = add_by_instance(t, c->instance, evidence) < 0 ? -ENOMEM : k;
        if (k > 0 && user_tree) {
                t->user_tree = true;
                t->user_uid = c->user->uid;
        }
        if (k > 0 && c->instance && !(t->instance = strdup(c->instance)))
                k = -ENOMEM;
        if (k > 0)
                k = new_target(c, t, path, &res, flags);
        if (k >= 0) {
                if (is_cis_literal(comp, res.path))
                        t->cis_literal = true;
                if (flags & ADD_WANTED)
                        t->wanted_missing = true;
                if (ret)
                        *ret = t;
        }
        resolved_done(&res);
        return k < 0 ? k : 0;
}

/* A literal CIS path, written as the benchmark writes it (the kernel stores a watch's path as
 * given, and scanners grep for that string); its parent exists. */
static int add_literal(struct ctx *c, enum component comp, const char *path, struct target **ret) {
        _cleanup_free_ char *parent = path_parent(path);
        struct resolved res = {};
        struct target *t = NULL;
        int r;

        if (!parent)
                return -ENOMEM;
        r = discovery_add_target(c->d, comp, path, CIS_EVIDENCE, &t);
        if (r < 0)
                return r;
        if (r > 0)
                t->cis_only = true;
        if (r > 0) {
                if (root_resolve(c->root, path, true, &res) >= 0) {
                        t->state = res.state;
                        t->is_dir = res.is_dir;
                        t->link = res.state == PATH_EXISTS && S_ISLNK(res.mode);
                        resolved_done(&res);
                }
                t->volatile_parent = parent_is_volatile(c, parent);
        }
        *ret = t;
        return 0;
}

/* Every directory of bin_dirs holding NAME: add each (resolved; duplicates merge). */
static int add_programs(struct ctx *c, enum component comp, const char *const *names) {
        int r;

        for (const char *const *n = names; *n; n++)
                for (char **dir = c->bin_dirs; dir && *dir; dir++) {
                        _cleanup_free_ char *p = path_join(*dir, *n), *real = NULL;

                        if (!p)
                                return -ENOMEM;
                        if (!is_regular_exists(c, p, &real))
                                continue;
                        if (streq(real, p))
                                r = add_path(c, comp, p, 0, NULL, "found in %s", *dir);
                        else
                                r = add_path(c, comp, p, 0, NULL, "found in %s (%s resolves to it)", *dir, p);
                        if (r < 0)
                                return r;
                }
        return 0;
}

/* A unit's files; edit_dir is where `systemctl edit` puts new drop-ins (NULL: /etc/systemd/system),
 * note (may be NULL) is added to the unit file's evidence. */
/* A user's unit file or drop-in in a shared user unit directory is root's file. */
static unsigned shared(const struct ctx *c, const char *path) {
        return c->user && rootless_shared_unit_path(path) ? ADD_SYSTEM_OK : 0;
}

static int add_unit_files(struct ctx *c, const struct unit *u, enum component comp, const char *edit_dir,
                          const char *note) {
        int r;

        /* Removing the mask starts the unit again: watch the link itself. */
        if (u->masked && u->masked_by)
                return add_path(c, comp, u->masked_by, ADD_AS_LINK | shared(c, u->masked_by), NULL,
                                "%s is masked by this link to /dev/null: systemd does not start it", u->name);

        if (u->fragment) {
                r = add_path(c, comp, u->fragment, shared(c, u->fragment), NULL, "unit file of %s%s%s%s%s", u->name,
                             u->via_bus ? " (FragmentPath from systemd over D-Bus)" : "",
                             note ? " (" : "", strempty(note), note ? ")" : "");
                if (r < 0)
                        return r;
        }
        for (char **p = u->dropins; p && *p; p++) {
                r = add_path(c, COMP_DROPIN, *p, shared(c, *p), NULL, "drop-in of %s%s", u->name,
                             u->via_bus ? " (DropInPaths from systemd over D-Bus)" : "");
                if (r < 0)
                        return r;
        }
        if (u->fragment) {
                /* Where `systemctl edit` puts a new drop-in: its creation must be seen. */
                _cleanup_free_ char *dir = NULL;
                if (asprintf(&dir, "%s/%s.d", edit_dir ? edit_dir : "/etc/systemd/system", u->name) < 0)
                        return -ENOMEM;
                r = add_path(c, COMP_DROPIN, dir, ADD_WANTED, NULL, "drop-in directory of %s", u->name);
                if (r < 0)
                        return r;
        }
        if (u->fragment && strchr(u->name, '@')) {
                /* A template's drop-ins apply to every instance of it. */
                const char *at = strchr(u->name, '@'), *dot = strrchr(u->name, '.');
                _cleanup_free_ char *dir = NULL;
                if (dot > at && asprintf(&dir, "%s/%.*s%s.d", edit_dir ? edit_dir : "/etc/systemd/system",
                                         (int) (at - u->name + 1), u->name, dot) < 0)
                        return -ENOMEM;
                if (dir && (r = add_path(c, COMP_DROPIN, dir, ADD_WANTED, NULL, "drop-in directory of the template "
                                         "of %s", u->name)) < 0)
                        return r;
        }
        return 0;
}

static enum component env_file_component(const char *path) {
        if (streq(path, "/etc/default/docker"))
                return COMP_DEFAULT_DOCKER;
        if (streq(path, "/etc/sysconfig/docker"))
                return COMP_SYSCONFIG_DOCKER;
        return COMP_ENV_FILE;
}

static int add_env_files(struct ctx *c, const struct unit *u) {
        for (char **f = u->env_files; f && *f; f++) {
                _cleanup_free_ char *path = NULL;
                int optional = 0, r;

                if (environment_file_split(*f, &path, &optional) < 0)
                        continue;
                r = add_path(c, env_file_component(path), path, ADD_WANTED, NULL, "EnvironmentFile= of %s", u->name);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- per instance ---- */

/* The instance the next targets belong to (NULL: the host's); a user's (rootless) dockerd confines
 * them to the user's tree. 0 or -ENOMEM. */
static int for_instance(struct ctx *c, const struct instance *h) {
        const struct dockerd_instance *dockerd = h && h->kind == DAEMON_DOCKERD ? (const void *) h : NULL;

        free(c->instance);
        c->user = dockerd && dockerd->rootless ? dockerd : NULL;
        c->instance = h ? instance_key(h) : NULL;
        return h && !c->instance ? -ENOMEM : 0;
}

static const struct unit *dockerd_unit(const struct dockerd_instance *i, const char *suffix) {
        for (size_t k = 0; k < i->n_units; k++)
                if (endswith(i->units[k].name, suffix))
                        return &i->units[k];
        return NULL;
}

/* The running daemons' binaries, in pid order across every daemon. */
static int targets_running(struct ctx *c) {
        static const enum component comp[_DAEMON_MAX] = {
                [DAEMON_DOCKERD] = COMP_DOCKERD,
                [DAEMON_CONTAINERD] = COMP_CONTAINERD,
        };
        pid_t last = 0;

        for (;;) {
                const struct running_daemon *next = NULL;
                const struct instance *owner = NULL;
                int r;

                for (enum daemon_kind kind = 0; kind < _DAEMON_MAX; kind++)
                        for (size_t k = 0; k < discovery_n_instances(c->d, kind); k++) {
                                const struct instance *h = discovery_instance(c->d, kind, k);
                                for (size_t j = 0; j < h->n_running; j++)
                                        if (h->running[j].pid > last && (!next || h->running[j].pid < next->pid))
                                                next = &h->running[j], owner = h;
                        }
                if (!next)
                        return 0;
                last = next->pid;
                if ((r = for_instance(c, owner)) < 0)
                        return r;
                /* Not next->evidence: its PID would change the fragment at every restart. */
                if (next->exe && next->exe[0] == '/' &&
                    (r = add_path(c, comp[owner->kind], next->exe, 0, NULL, "running %s", path_basename(next->exe))) < 0)
                        return r;
        }
}

static int targets_dockerd_binary(struct ctx *c, struct dockerd_instance *i) {
        struct resolved res = {};
        int r;

        /* A user unit's program outside the home (/usr/bin/dockerd-rootless.sh) is the system's. */
        for (size_t k = 0; k < i->n_launchers; k++)
                if ((r = add_path(c, COMP_DOCKERD, i->launchers[k].value, ADD_WANTED | ADD_SYSTEM_OK, NULL, "%s",
                                  i->launchers[k].evidence)) < 0)
                        return r;
        if (!i->binary.value)
                return 0;
        r = add_path(c, COMP_DOCKERD, i->binary.value, ADD_WANTED | ADD_SYSTEM_OK, NULL, "%s",
                     strempty(i->binary.evidence));
        if (r < 0)
                return r;
        /* render.c's exe!= exemption of a data root without its own: only a binary of root's. */
        if (!c->d->dockerd && root_resolve(c->root, i->binary.value, false, &res) >= 0 && trust_roots(&res))
                c->d->dockerd = TAKE_PTR(res.path);
        resolved_done(&res);
        return 0;
}

static int targets_units(struct ctx *c) {
        struct discovery *d = c->d;
        int r;

        for (size_t k = 0; k < d->n_dockerds; k++) {
                _cleanup_free_ char *note = NULL;
                /* A user's unit: whose, and when it starts (lingering: at boot). */
                if (d->dockerds[k].rootless &&
                    asprintf(&note, "user %s, %s", d->dockerds[k].user, strempty(d->dockerds[k].state)) < 0)
                        return -ENOMEM;
                if ((r = for_instance(c, &d->dockerds[k].head)) < 0)
                        return r;
                for (size_t j = 0; j < d->dockerds[k].n_units; j++) {
                        const struct unit *u = &d->dockerds[k].units[j];
                        r = add_unit_files(c, u, endswith(u->name, ".socket") ? COMP_DOCKER_SOCKET_UNIT
                                                                              : COMP_DOCKER_SERVICE,
                                           d->dockerds[k].unit_dir, note);
                        if (r < 0)
                                return r;
                }
        }
        for (size_t k = 0; k < d->n_containerds; k++) {
                if ((r = for_instance(c, &d->containerds[k].head)) < 0)
                        return r;
                for (size_t j = 0; j < d->containerds[k].n_units; j++)
                        if ((r = add_unit_files(c, &d->containerds[k].units[j], COMP_CONTAINERD_SERVICE, NULL, NULL)) < 0)
                                return r;
        }
        for (size_t k = 0; k < d->n_dockerds; k++) {
                const struct unit *u = dockerd_unit(&d->dockerds[k], ".service");
                if ((r = for_instance(c, &d->dockerds[k].head)) < 0)
                        return r;
                if (u && !u->masked && (r = add_env_files(c, u)) < 0)
                        return r;
        }
        for (size_t k = 0; k < d->n_containerds; k++) {
                if ((r = for_instance(c, &d->containerds[k].head)) < 0)
                        return r;
                for (size_t j = 0; j < d->containerds[k].n_units; j++)
                        if ((r = add_env_files(c, &d->containerds[k].units[j])) < 0)
                                return r;
        }
        return 0;
}

/* Set the exe!= exemption of data root t (a dockerd instance's) to binary, resolved, unless t has
 * one. A binary anyone else could replace would exempt that user's writes: only a root's binary
 * (trust_roots()), or for a rootless instance's data root in the user's tree the user's own
 * binary there (trust_users()). Else nothing (render.c falls back to the host's dockerd, when it
 * is root's). 0 or -ENOMEM. */
static int set_exemption(struct ctx *c, const struct dockerd_instance *i, struct target *t, const char *binary) {
        struct resolved res = {};
        bool ok;
        int r = 0;

        if (!t || t->owner || !binary || binary[0] != '/')
                return 0;
        if (root_resolve(c->root, binary, false, &res) < 0)
                return 0;
        ok = trust_roots(&res) ||
             (i->rootless && res.state == PATH_EXISTS && i->home && trust_users(&res, i->uid, i->home) &&
              path_startswith_dir(t->path, i->home));
        if (ok && !(t->owner = strdup(res.path)))
                r = -ENOMEM;
        resolved_done(&res);
        return r;
}

static int targets_dockerd_files(struct ctx *c, struct dockerd_instance *i) {
        struct target *t = NULL;
        int r;

        r = add_path(c, COMP_DAEMON_JSON, i->config_file.value, ADD_WANTED, NULL, "%s", i->config_file.evidence);
        if (r < 0)
                return r;
        if (i->root.value[0] != '/') {
                r = discovery_add_problem(c->d, NULL, 0, "data root \"%s\" (%s) is not an absolute path: dockerd "
                                          "refuses it; not watched", i->root.value, i->root.evidence);
                if (r < 0)
                        return r;
        } else {
                r = add_path(c, COMP_DATA_ROOT, i->root.value, ADD_WANTED, &t, "%s", i->root.evidence);
                if (r < 0)
                        return r;
                /* The running daemon's binary, else this instance's own (a rootless dockerd in ~/bin). */
                if ((r = set_exemption(c, i, t, i->owner)) < 0 || (r = set_exemption(c, i, t, i->binary.value)) < 0)
                        return r;
        }
        /* Started by hand, or not restarted since a drop-in moved it: watch that one too. */
        if (i->running_flags.data_root && i->running_flags.data_root[0] == '/') {
                r = add_path(c, COMP_DATA_ROOT, i->running_flags.data_root, ADD_WANTED, &t, "--data-root of the %s",
                             i->running_origin);
                if (r < 0)
                        return r;
                if ((r = set_exemption(c, i, t, i->running_exe)) < 0)
                        return r;
        }
        if (i->running_flags.config_file && i->running_flags.config_file[0] == '/' &&
            (r = add_path(c, COMP_DAEMON_JSON, i->running_flags.config_file, ADD_WANTED, NULL,
                          "--config-file of the %s", i->running_origin)) < 0)
                return r;
        /* The host's, not a rootless dockerd's (it reads ~/.config/docker). */
        if (i->rootless)
                return 0;
        return add_path(c, COMP_ETC_DOCKER, "/etc/docker", ADD_WANTED, NULL, "dockerd's configuration directory");
}

/* A runtime's program: runc and containerd's runc shims are their CIS items. */
static enum component runtime_component(const char *path) {
        const char *b = path_basename(path);

        if (streq(b, "runc"))
                return COMP_RUNC;
        if (streq(b, "containerd-shim-runc-v2"))
                return COMP_SHIM_RUNC_V2;
        if (streq(b, "containerd-shim-runc-v1"))
                return COMP_SHIM_RUNC_V1;
        return COMP_RUNTIME;
}

static int add_runtimes(struct ctx *c, const struct sourced *l, size_t n) {
        int r;

        for (size_t k = 0; k < n; k++)
                if ((r = add_path(c, runtime_component(l[k].value), l[k].value, ADD_WANTED, NULL, "%s",
                                  l[k].evidence)) < 0)
                        return r;
        return 0;
}

/* Sockets, runtimes and TLS files. */
static int targets_dockerd_more(struct ctx *c, struct dockerd_instance *i) {
        const char *tls[] = { i->config.tlscacert, i->config.tlscert, i->config.tlskey };
        const char *names[] = { "tlscacert", "tlscert", "tlskey" };
        int r;

        for (size_t k = 0; k < i->n_sockets; k++)
                if ((r = add_path(c, COMP_DOCKER_SOCK, i->sockets[k].value, ADD_WANTED | ADD_AS_LINK, NULL, "%s",
                                  i->sockets[k].evidence)) < 0)
                        return r;
        if (i->daemon && (r = runtimes_dockerd(c, i)) < 0)
                return r;
        if ((r = add_runtimes(c, i->runtimes, i->n_runtimes)) < 0)
                return r;
        for (size_t k = 0; k < ELEMENTSOF(tls); k++)
                if (tls[k] && (r = add_path(c, COMP_TLS, tls[k], ADD_WANTED, NULL, "%s in %s", names[k],
                                            i->config_file.value)) < 0)
                        return r;
        return 0;
}

/* ---- files that switch a control off without touching daemon.json ---- */

/* Is name a plugin name whose spec dockerd looks for by file name: not empty, no '/', not "." or
 * "..", no control character (a managed plugin "user/name:tag" lives in the data root). */
static bool plugin_name_is_plain(const char *name) {
        if (!name[0] || streq(name, ".") || streq(name, "..") || strchr(name, '/'))
                return false;
        for (const char *p = name; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}

/* An authorization plugin's specs: dockerd looks a plugin up by name, its socket first
 * (/run/docker/plugins, below /run: no boot rule), then in each spec directory NAME.spec,
 * NAME/NAME.spec, NAME.json, NAME/NAME.json, the first found wins (moby pkg/plugins/discovery.go
 * LocalRegistry.Plugin(), pluginPaths(); discovery_unix.go specsPaths(): /etc/docker/plugins and
 * /usr/lib/docker/plugins, for a rootless dockerd $XDG_CONFIG_HOME/docker/plugins and
 * ~/.local/lib/docker/plugins). Every spec directory is watched, a spec created there with a
 * name earlier in that order would win; and every spec found, which may be a link leading out
 * of it. */
/* Names and directories one control key may list: each costs resolutions as root before any
 * per-user cap applies, so a list a user writes must not make a run take hours. */
#define CONTROL_NAMES_MAX 16

static int add_authz_plugin(struct ctx *c, const struct dockerd_instance *i, const char *name, const char *where) {
        static const struct { bool nested; const char *ext; } forms[] = {
                { false, "spec" }, { true, "spec" }, { false, "json" }, { true, "json" },
        };
        _cleanup_free_ char *user_conf = NULL, *user_lib = NULL;
        const char *dirs[2] = { "/etc/docker/plugins", "/usr/lib/docker/plugins" };
        int r;

        if (!plugin_name_is_plain(name))
                return discovery_add_problem(c->d, NULL, 0, "authorization plugin \"%s\" (%s) is not a plain name: "
                                             "no spec file is looked for", name, where) < 0 ? -ENOMEM : 0;
        if (i->rootless) {
                if (!i->home)
                        return 0;
                user_conf = path_join(i->home, ".config/docker/plugins");
                user_lib = path_join(i->home, ".local/lib/docker/plugins");
                if (!user_conf || !user_lib)
                        return -ENOMEM;
                dirs[0] = user_conf;
                dirs[1] = user_lib;
        }
        for (size_t k = 0; k < ELEMENTSOF(dirs); k++) {
                r = add_path(c, COMP_PLUGIN_SPEC_DIR, dirs[k], ADD_WANTED, NULL, "spec directory of authorization "
                             "plugin \"%s\" (%s)", name, where);
                if (r < 0)
                        return r;
                for (size_t f = 0; f < ELEMENTSOF(forms); f++) {
                        _cleanup_free_ char *p = NULL;
                        struct resolved res = {};
                        bool found;

                        if (asprintf(&p, "%s/%s%s%s.%s", dirs[k], forms[f].nested ? name : "",
                                     forms[f].nested ? "/" : "", name, forms[f].ext) < 0)
                                return -ENOMEM;
                        /* A user's: every form, through the user's confinement, whether it exists or
                         * not (asking as root would tell them what exists where they cannot look). */
                        found = i->rootless ||
                                (root_resolve(c->root, p, false, &res) >= 0 && res.state == PATH_EXISTS);
                        resolved_done(&res);
                        if (found && (r = add_path(c, COMP_AUTHZ_PLUGIN, p, i->rootless ? ADD_WANTED : 0, NULL,
                                                   "spec of authorization plugin \"%s\" (%s)", name, where)) < 0)
                                return r;
                }
        }
        return 0;
}

/* Docker's CDI spec directories when CDI is on: features.cdi true, or absent, since Docker
 * 28.2 turned CDI on by default (moby daemon/config DefaultCDISpecDirs: /etc/cdi and
 * /var/run/cdi; "cdi-spec-dirs" replaces them). Named by daemon.json or switched on there: the
 * directories are watched even while missing; on by default only: those that exist (an older
 * dockerd does not read them). A rootless dockerd's own defaults are not assumed. */
static int add_cdi_dirs(struct ctx *c, const struct dockerd_instance *i) {
        static const char *const defaults[] = { "/etc/cdi", "/var/run/cdi", NULL };
        const struct daemon_config *cf = &i->config;
        char **named = i->flags.cdi_spec_dirs ? i->flags.cdi_spec_dirs : cf->cdi_spec_dirs;
        char *const *dirs = named ? named : (char *const *) defaults;
        int r;

        if (cf->cdi_set && !cf->cdi)
                return 0;
        if (!named && i->rootless)
                return 0;
        for (char *const *d = dirs; *d; d++) {
                if (d - dirs >= CONTROL_NAMES_MAX) {
                        if (discovery_add_problem(c->d, NULL, 0, "more than %d CDI spec directories (%s): %s and the "
                                                  "ones after it are not watched", CONTROL_NAMES_MAX,
                                                  strempty(i->config_file.value), *d) < 0)
                                return -ENOMEM;
                        break;
                }
                if (!named && !cf->cdi_set) {
                        struct resolved res = {};
                        bool found = root_resolve(c->root, *d, false, &res) >= 0 && res.state == PATH_EXISTS;

                        resolved_done(&res);
                        if (!found)
                                continue;
                        r = add_path(c, COMP_CDI_SPEC_DIR, *d, 0, NULL, "CDI spec directory: Docker's default "
                                     "(CDI is on from Docker 28.2; no features.cdi in %s)", i->config_file.value);
                } else if (named == i->flags.cdi_spec_dirs)
                        r = add_path(c, COMP_CDI_SPEC_DIR, *d, ADD_WANTED, NULL, "--cdi-spec-dir (%s)", i->origin);
                else if (named)
                        r = add_path(c, COMP_CDI_SPEC_DIR, *d, ADD_WANTED, NULL, "cdi-spec-dirs in %s%s",
                                     i->config_file.value, cf->cdi_set ? " (features.cdi true)" : "");
                else
                        r = add_path(c, COMP_CDI_SPEC_DIR, *d, ADD_WANTED, NULL, "CDI spec directory (features.cdi "
                                     "true in %s)", i->config_file.value);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A dockerd's files that turn a control off while daemon.json stays as it is: the specs of its
 * authorization plugins, userns-remap's /etc/subuid and /etc/subgid (moby
 * daemon/daemon_unix.go setupRemappedRoot(), "default" is the user dockremap), the seccomp
 * profile ("unconfined" and "builtin" are not files), the CDI spec directories. Each with the
 * key that asked for it; a rootless dockerd's stay in its tree (user_confine()). */
static int targets_dockerd_controls(struct ctx *c, const struct dockerd_instance *i) {
        const struct daemon_config *cf = &i->config;
        /* A flag, else daemon.json (dockerd refuses to start when both give one). */
        char **plugins = i->flags.authorization_plugins ? i->flags.authorization_plugins : cf->authorization_plugins;
        const char *remap = i->flags.userns_remap ? i->flags.userns_remap : cf->userns_remap;
        const char *seccomp = i->flags.seccomp_profile ? i->flags.seccomp_profile : cf->seccomp_profile;
        _cleanup_free_ char *plugins_from = NULL, *remap_from = NULL, *seccomp_from = NULL;
        int r;

        if ((i->flags.authorization_plugins ? asprintf(&plugins_from, "--authorization-plugin (%s)", strempty(i->origin))
                                            : asprintf(&plugins_from, "authorization-plugins in %s",
                                                       strempty(i->config_file.value))) < 0 ||
            (i->flags.userns_remap ? asprintf(&remap_from, "given by --userns-remap (%s)", strempty(i->origin))
                                   : asprintf(&remap_from, "in %s", strempty(i->config_file.value))) < 0 ||
            (i->flags.seccomp_profile ? asprintf(&seccomp_from, "--seccomp-profile (%s)", strempty(i->origin))
                                      : asprintf(&seccomp_from, "seccomp-profile in %s",
                                                 strempty(i->config_file.value))) < 0)
                return -ENOMEM;
        for (char **p = plugins; p && *p; p++)
                if (p - plugins >= CONTROL_NAMES_MAX) {
                        if (discovery_add_problem(c->d, NULL, 0, "more than %d authorization plugins (%s): %s and the "
                                                  "ones after it are not looked for", CONTROL_NAMES_MAX, plugins_from,
                                                  *p) < 0)
                                return -ENOMEM;
                        break;
                } else if ((r = add_authz_plugin(c, i, *p, plugins_from)) < 0)
                        return r;
        if (remap && remap[0])
                for (const char *const *f = (const char *const[]) { "/etc/subuid", "/etc/subgid", NULL }; *f; f++)
                        if ((r = add_path(c, COMP_SUBID, *f, ADD_WANTED, NULL, "userns-remap \"%s\" %s", remap,
                                          remap_from)) < 0)
                                return r;
        if (seccomp && seccomp[0] && !streq(seccomp, "unconfined") && !streq(seccomp, "builtin") &&
            (r = add_path(c, COMP_SECCOMP_PROFILE, seccomp, ADD_WANTED, NULL, "%s", seccomp_from)) < 0)
                return r;
        return add_cdi_dirs(c, i);
}

/* containerd's binaries (its unit's, then every one in the binary directories) and helpers. */
static int targets_programs(struct ctx *c) {
        static const char *const containerd[] = { "containerd", "docker-containerd", "docker-containerd-current", NULL };
        static const char *const shim[] = { "containerd-shim", "docker-containerd-shim",
                                            "docker-containerd-shim-current", NULL };
        static const char *const v1[] = { "containerd-shim-runc-v1", NULL };
        static const char *const v2[] = { "containerd-shim-runc-v2", NULL };
        static const char *const runc[] = { "runc", "docker-runc", "docker-runc-current", NULL };
        static const char *const init[] = { "docker-init", "docker-init-current", NULL };
        static const char *const proxy[] = { "docker-proxy", "docker-proxy-current", NULL };
        static const char *const client[] = { "docker", "docker-current", NULL };
        int r;

        for (size_t k = 0; k < c->d->n_containerds; k++) {
                const struct containerd_instance *i = &c->d->containerds[k];
                if ((r = for_instance(c, &i->head)) < 0)
                        return r;
                if ((i->source == SOURCE_SYSTEMD || i->source == SOURCE_OPENRC || i->source == SOURCE_RUNIT) &&
                    i->binary.value &&
                    (r = add_path(c, COMP_CONTAINERD, i->binary.value, ADD_WANTED, NULL, "%s", i->binary.evidence)) < 0)
                        return r;
        }
        if ((r = for_instance(c, NULL)) < 0)
                return r;
        if ((r = add_programs(c, COMP_CONTAINERD, containerd)) < 0 ||
            (r = add_programs(c, COMP_CONTAINERD_SHIM, shim)) < 0 ||
            (r = add_programs(c, COMP_SHIM_RUNC_V1, v1)) < 0 ||
            (r = add_programs(c, COMP_SHIM_RUNC_V2, v2)) < 0 ||
            (r = add_programs(c, COMP_RUNC, runc)) < 0 ||
            (r = add_programs(c, COMP_DOCKER_INIT, init)) < 0 ||
            (r = add_programs(c, COMP_DOCKER_PROXY, proxy)) < 0 ||
            (r = add_programs(c, COMP_DOCKER_CLIENT, client)) < 0)
                return r;
        return 0;
}

/* containerd's root: config.toml's root, else the default; its writer for the exe!= filter. */
static int targets_containerd_root(struct ctx *c, struct containerd_instance *i) {
        const char *owner = i->n_running && i->running[0].exe ? i->running[0].exe : i->binary.value;
        struct target *t = NULL;
        int r;

        if (i->flags.root)
                r = sourced_set(&i->root, i->flags.root, "--root of %s", i->origin);
        else if (i->config.root)
                r = sourced_set(&i->root, i->config.root, "root in %s", strempty(i->config_file.value));
        else
                r = sourced_set(&i->root, DEFAULT_CONTAINERD_ROOT, "containerd's default root");
        if (r >= 0)
                r = add_path(c, COMP_CONTAINERD_ROOT, i->root.value, ADD_WANTED, &t, "%s", i->root.evidence);
        if (r < 0 || !t || t->owner || !owner || owner[0] != '/')
                return r;
        {
                struct resolved res = {};
                /* Only a binary of root's: one a user can replace would exempt the user's writes. */
                if (root_resolve(c->root, owner, false, &res) >= 0 && trust_roots(&res) && !(t->owner = strdup(res.path)))
                        r = -ENOMEM;
                resolved_done(&res);
        }
        return r;
}

/* containerd's files that change what it runs or trusts outside config.toml: NRI plugins
 * (programs containerd starts, that may adjust every container) and their configuration, and
 * the registry hosts directories (hosts.toml, CA certificates: where images come from and whom
 * they are trusted from). NRI is on when [plugins."io.containerd.nri.v1.nri"] disable is false,
 * or, unset, in a version 3 file (containerd 2.x turns NRI on by default; 1.7's default file
 * switches it off); its defaults are /opt/nri/plugins and /etc/nri/conf.d (containerd
 * docs/NRI.md; its socket, below /run, has no boot rule). config_path is the registry key of the
 * file's own version (containerd 2.x migrates an older file's), a ':'-separated list (Go's
 * filepath.SplitList, containerd docs/hosts.md). */
static int targets_containerd_controls(struct ctx *c, const struct containerd_instance *i) {
        const struct containerd_config *cf = &i->config;
        const char *file = strempty(i->config_file.value);
        const char *cp;
        int r = 0;

        if (cf->nri_disable_set ? !cf->nri_disable : cf->version == 3) {
                _cleanup_free_ char *why = NULL;

                if ((cf->nri_disable_set ? asprintf(&why, "NRI on: disable = false in %s", file)
                                         : asprintf(&why, "NRI on: containerd 2.x's default for a version 3 file (%s)",
                                                    file)) < 0)
                        return -ENOMEM;
                r = add_path(c, COMP_NRI_DIR, cf->nri_plugin_path ? cf->nri_plugin_path : "/opt/nri/plugins",
                             ADD_WANTED, NULL, "%s of [plugins.\"io.containerd.nri.v1.nri\"]; %s",
                             cf->nri_plugin_path ? "plugin_path" : "default plugin_path", why);
                if (r >= 0)
                        r = add_path(c, COMP_NRI_DIR, cf->nri_plugin_config_path ? cf->nri_plugin_config_path :
                                     "/etc/nri/conf.d", ADD_WANTED, NULL, "%s of [plugins.\"io.containerd.nri.v1.nri\"]; %s",
                                     cf->nri_plugin_config_path ? "plugin_config_path" : "default plugin_config_path", why);
                if (r < 0)
                        return r;
        }
        static const char *const plugin[] = {
                [CONTAINERD_CRI_V1] = "cri", [CONTAINERD_CRI_V2] = "io.containerd.grpc.v1.cri",
                [CONTAINERD_CRI_V3] = "io.containerd.cri.v1.images",
        };
        enum containerd_cri v = cf->version == 3 ? CONTAINERD_CRI_V3 : cf->version == 2 ? CONTAINERD_CRI_V2
                                                                                     : CONTAINERD_CRI_V1;

        cp = cf->registry_config_path[v];
        for (const char *p = cp; p && *p && r >= 0;) {
                size_t n = strcspn(p, ":");
                _cleanup_free_ char *dir = strndup(p, n);

                if (!dir)
                        return -ENOMEM;
                if (n > 0)
                        r = add_path(c, COMP_REGISTRY_HOSTS, dir, ADD_WANTED, NULL, "config_path of [plugins.\"%s\".registry] in %s",
                                     plugin[v], file);
                p += n + (p[n] == ':');
        }
        return r;
}

/* A supervisor's containerd (k3s, RKE2, MicroK8s): the supervisor's program, containerd's binary
 * in the supervisor's directory, the templates its config.toml is rendered from and the files
 * that give its options. */
static int targets_supervised(struct ctx *c, const struct containerd_instance *i) {
        int r = 0;

        if (i->source != SOURCE_SUPERVISOR)
                return 0;
        if (i->supervisor.value)
                r = add_path(c, COMP_SUPERVISOR, i->supervisor.value, ADD_WANTED, NULL, "%s", i->supervisor.evidence);
        if (r >= 0 && i->binary.value)
                r = add_path(c, COMP_CONTAINERD, i->binary.value, ADD_WANTED, NULL, "%s", i->binary.evidence);
        for (size_t k = 0; r >= 0 && k < i->n_templates; k++)
                r = add_path(c, COMP_CONTAINERD_CONFIG, i->templates[k].value, ADD_WANTED, NULL, "%s",
                             i->templates[k].evidence);
        for (size_t k = 0; r >= 0 && k < i->n_option_files; k++)
                r = add_path(c, COMP_SUPERVISOR_CONF, i->option_files[k].value, ADD_WANTED, NULL, "%s",
                             i->option_files[k].evidence);
        return r;
}

/* containerd's runtimes; a supervisor's binary directory is looked in first (it leads its PATH). */
static int runtimes_supervised(struct ctx *c, struct containerd_instance *i) {
        char **saved = c->bin_dirs, **dirs = NULL;
        int r;

        if (!i->bin_dir)
                return runtimes_containerd(c, i);
        if (strv_extend(&dirs, i->bin_dir) < 0 || strv_extend_strv(&dirs, saved) < 0) {
                strv_free(dirs);
                return -ENOMEM;
        }
        c->bin_dirs = dirs;
        r = runtimes_containerd(c, i);
        c->bin_dirs = saved;
        strv_free(dirs);
        return r;
}

static int targets_containerd(struct ctx *c, struct containerd_instance *i) {
        int r;

        r = targets_supervised(c, i);
        if (r >= 0)
                r = add_path(c, COMP_CONTAINERD_CONFIG, i->config_file.value, ADD_WANTED, NULL, "%s",
                             i->config_file.evidence);
        if (r >= 0)
                r = targets_containerd_root(c, i);
        if (r >= 0)
                r = runtimes_supervised(c, i);
        if (r >= 0)
                r = add_runtimes(c, i->runtimes, i->n_runtimes);
        if (r >= 0)
                r = add_path(c, COMP_RUN_CONTAINERD, i->state_dir.value, ADD_WANTED | ADD_AS_LINK, NULL, "%s",
                             i->state_dir.evidence);
        if (r >= 0)
                r = add_path(c, COMP_CONTAINERD_SOCK, i->grpc_address.value, ADD_WANTED | ADD_AS_LINK, NULL, "%s",
                             i->grpc_address.evidence);
        for (size_t k = 0; r >= 0 && k < i->n_config_imports; k++)
                r = add_path(c, COMP_CONTAINERD_CONFIG, i->config_imports[k].value, ADD_WANTED, NULL, "%s",
                             i->config_imports[k].evidence);
        for (size_t k = 0; r >= 0 && k < i->n_config_dirs; k++)
                r = add_path(c, COMP_DROPIN, i->config_dirs[k].value, ADD_WANTED, NULL, "%s", i->config_dirs[k].evidence);
        if (r >= 0 && i->ttrpc_address.value)
                r = add_path(c, COMP_CONTAINERD_SOCK, i->ttrpc_address.value, ADD_WANTED | ADD_AS_LINK, NULL, "%s",
                             i->ttrpc_address.evidence);
        if (r >= 0 && i->debug_address.value)
                r = add_path(c, COMP_CONTAINERD_SOCK, i->debug_address.value, ADD_WANTED | ADD_AS_LINK, NULL, "%s",
                             i->debug_address.evidence);
        if (r >= 0 && i->plugin_dir.value)
                r = add_path(c, COMP_DROPIN, i->plugin_dir.value, ADD_WANTED, NULL, "%s", i->plugin_dir.evidence);
        if (r >= 0)
                r = targets_containerd_controls(c, i);
        return r;
}

/* ---- another engine serving Docker's API ---- */

/* Does this tmpfiles.d text link Docker's socket to podman's (podman-docker's
 * "L+ %t/docker.sock - - - - %t/podman/podman.sock")? Source: tmpfiles.d(5): Type Path Mode
 * User Group Age Argument, '#' comments; L is a symlink whose target is the argument. */
static bool tmpfiles_links_docker_to_podman(const char *data) {
        _cleanup_free_ char *copy = strdup(data);
        char *line, *save = NULL;

        if (!copy)
                return false;
        for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *w[7] = {}, *ws = NULL;
                size_t n = 0;

                for (char *t = strtok_r(line, " \t\r", &ws); t && n < ELEMENTSOF(w); t = strtok_r(NULL, " \t\r", &ws))
                        w[n++] = t;
                if (n < ELEMENTSOF(w) || w[0][0] != 'L')
                        continue;
                if (!streq(w[1], "%t/docker.sock") && !streq(w[1], "/run/docker.sock") &&
                    !streq(w[1], "/var/run/docker.sock"))
                        continue;
                if (strstr(w[6], "/podman/podman.sock"))
                        return true;
        }
        return false;
}

/* podman-docker: /run/docker.sock is a link tmpfiles.d makes to podman's socket, and docker a
 * script that runs podman. What serves the API is watched: the tmpfiles.d entry (the first of
 * its name in tmpfiles.d(5)'s order, and the name in /etc/tmpfiles.d that would replace it),
 * podman.socket and podman.service with their drop-ins, the podman program; never the socket
 * below /run/podman (made at run time). The docker script is found as the docker command. No
 * dockerd instance is made. */
static int targets_podman_docker(struct ctx *c) {
        static const char *const dirs[] = { "/etc/tmpfiles.d", "/run/tmpfiles.d", "/usr/local/lib/tmpfiles.d",
                                            "/usr/lib/tmpfiles.d" };
        static const char *const names[] = { "podman.socket", "podman.service", NULL };
        static const char *const podman[] = { "podman", NULL };
        struct unit units[2] = {};
        _cleanup_free_ char *found = NULL;
        int r = 0;

        for (size_t k = 0; k < ELEMENTSOF(dirs) && !found; k++) {
                _cleanup_free_ char *p = path_join(dirs[k], "podman-docker.conf"), *data = NULL;
                size_t len = 0;

                if (!p)
                        return -ENOMEM;
                r = read_host_file(c, p, true, &data, &len);
                if (r == -ENOMEM)
                        return r;
                if (r <= 0)
                        continue;
                if (!tmpfiles_links_docker_to_podman(data))
                        return 0;
                found = TAKE_PTR(p);
        }
        if (!found)
                return 0;
        r = add_path(c, COMP_TMPFILES, found, 0, NULL, "podman serves Docker's API: this tmpfiles.d entry links "
                     "/run/docker.sock to podman's socket (podman-docker)");
        if (r >= 0 && !path_startswith_dir(found, "/etc/tmpfiles.d"))
                r = add_path(c, COMP_TMPFILES, "/etc/tmpfiles.d/podman-docker.conf", ADD_WANTED, NULL,
                             "would replace %s (tmpfiles.d(5)): podman serves Docker's API", found);
        if (r < 0)
                return r;
        r = units_load(c->root, names, &c->d->problems, units);
        for (size_t k = 0; r >= 0 && k < ELEMENTSOF(units); k++)
                if (units[k].fragment || units[k].masked)
                        r = add_unit_files(c, &units[k], COMP_PODMAN_UNIT, NULL, "podman serves Docker's API");
        /* podman.service's program (ExecStart=/usr/bin/podman $LOGGING system service). */
        if (r >= 0 && units[1].exec_start && units[1].exec_start[0]) {
                _cleanup_strv_free_ char **argv = NULL;

                if (unit_split_words(units[1].exec_start[0], &argv) >= 0 && argv[1] && argv[1][0] == '/')
                        r = add_path(c, COMP_PODMAN, argv[1], ADD_WANTED, NULL, "ExecStart of podman.service: it "
                                     "serves Docker's API");
        }
        if (r >= 0)
                r = add_programs(c, COMP_PODMAN, (const char *const *) podman);
        /* podman-docker's docker, a script that runs podman, in the binary directories. */
        for (char **dir = c->bin_dirs; r >= 0 && dir && *dir; dir++) {
                _cleanup_free_ char *p = path_join(*dir, "docker"), *real = NULL;

                if (!p)
                        r = -ENOMEM;
                else if (is_regular_exists(c, p, &real))
                        r = add_path(c, COMP_DOCKER_CLIENT, p, 0, NULL, "found in %s: podman-docker's docker, a script "
                                     "that runs podman", *dir);
        }
        for (size_t k = 0; k < ELEMENTSOF(units); k++)
                unit_done(&units[k]);
        return r;
}

/* A host whose init is not systemd (WSL without it, a sysvinit, OpenRC or runit host:
 * ctx_systemd_absent()) reads no unit (discover-systemd.c): docker.service, docker.socket and
 * containerd.service, installed by the packages, start nothing there, but they are what runs once
 * systemd does, and their CIS items name them: watched as files of the host, each in the first
 * directory of systemd's search path that has it. */
static int targets_idle_units(struct ctx *c) {
        static const char *const dirs[] = { "/etc/systemd/system", "/usr/local/lib/systemd/system",
                                            "/usr/lib/systemd/system", "/lib/systemd/system" };
        static const struct { const char *name; enum component comp; } units[] = {
                { "docker.service", COMP_DOCKER_SERVICE },
                { "docker.socket", COMP_DOCKER_SOCKET_UNIT },
                { "containerd.service", COMP_CONTAINERD_SERVICE },
        };
        const char *why;
        int r;

        if ((r = ctx_systemd_absent(c, &why)) <= 0)
                return r;
        for (size_t k = 0; k < ELEMENTSOF(units); k++)
                for (size_t j = 0; j < ELEMENTSOF(dirs); j++) {
                        _cleanup_free_ char *p = path_join(dirs[j], units[k].name);

                        if (!p)
                                return -ENOMEM;
                        if (!is_regular_exists(c, p, NULL))
                                continue;
                        if ((r = add_path(c, units[k].comp, p, 0, NULL, "unit file of %s, which starts nothing "
                                          "here (%s)", units[k].name, why)) < 0)
                                return r;
                        break;
                }
        return 0;
}

/* The literal CIS paths, where their parent exists, for scanners that grep for them. */
/* Is containerd 2.x installed, which ships neither containerd-shim nor containerd-shim-runc-v1
 * (docker-ce-packaging PR 1260)? A configuration of version 3 (only 2.x reads it), or a dpkg
 * package of containerd whose file list has containerd and no containerd-shim-runc-v1. 1 with
 * the reason in *ret, 0, -ENOMEM. */
static int containerd2_installed(struct ctx *c, char **ret) {
        static const char *const packages[] = { "containerd.io", "containerd", NULL };

        for (size_t k = 0; k < c->d->n_containerds; k++) {
                const struct containerd_instance *i = &c->d->containerds[k];
                if (i->daemon && i->config.version == 3)
                        return asprintf(ret, "%s is a version 3 configuration, which only containerd 2.x reads",
                                        strempty(i->config_file.value)) < 0 ? -ENOMEM : 1;
        }
        for (const char *const *p = packages; *p; p++) {
                _cleanup_free_ char *list = NULL, *data = NULL;
                bool has_containerd = false, has_v1 = false;
                size_t len;
                int r;

                if (asprintf(&list, "/var/lib/dpkg/info/%s.list", *p) < 0)
                        return -ENOMEM;
                r = read_host_file(c, list, true, &data, &len);
                if (r == -ENOMEM)
                        return r;
                if (r <= 0)
                        continue;
                for (char *l = data, *end; l && *l; l = end ? end + 1 : NULL) {
                        end = strchr(l, '\n');
                        if (end)
                                *end = '\0';
                        has_containerd = has_containerd || streq(path_basename(l), "containerd");
                        has_v1 = has_v1 || streq(path_basename(l), "containerd-shim-runc-v1");
                }
                if (has_containerd && !has_v1)
                        return asprintf(ret, "the installed package %s has no containerd-shim-runc-v1 (%s): "
                                        "containerd 2.x", *p, list) < 0 ? -ENOMEM : 1;
        }
        return 0;
}

static int targets_cis(struct ctx *c, bool have_docker) {
        _cleanup_free_ char *containerd2 = NULL;
        int c2 = containerd2_installed(c, &containerd2);

        if (c2 < 0)
                return c2;
        for (unsigned comp = 0; comp < _COMP_MAX; comp++) {
                const struct component_info *i = component_info(comp);
                for (size_t k = 0; k < ELEMENTSOF(i->cis_paths) && i->cis_paths[k]; k++) {
                        const char *p = i->cis_paths[k];
                        struct target *t = discovery_find_target(c->d, p);
                        _cleanup_free_ char *parent = NULL;
                        struct resolved res = {};
                        int r;

                        if (t) {
                                t->cis_literal = true;
                                continue;
                        }
                        if (comp == COMP_DATA_ROOT && !have_docker)
                                continue;
                        /* A binary that containerd 2.x no longer has: not applicable, not watched. */
                        if (c2 > 0 && (comp == COMP_CONTAINERD_SHIM || comp == COMP_SHIM_RUNC_V1)) {
                                r = discovery_add_target(c->d, comp, p, CIS_EVIDENCE, &t);
                                if (r > 0) {
                                        t->cis_only = true;
                                        t->cis_literal = true;
                                        r = set_skip(t, SKIP_NOT_APPLICABLE, "not applicable: %s, which no longer "
                                                     "ships %s", containerd2, path_basename(p));
                                }
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        parent = path_parent(p);
                        if (!parent)
                                return -ENOMEM;
                        if (root_resolve(c->root, parent, false, &res) < 0)
                                continue;
                        if (res.state == PATH_EXISTS && res.is_dir)
                                r = add_literal(c, comp, p, &t);
                        else {
                                r = discovery_add_target(c->d, comp, p, CIS_EVIDENCE, &t);
                                if (r > 0)
                                        t->cis_only = true;
                                if (r > 0)
                                        r = set_skip(t, SKIP_NO_PARENT, "parent directory %s does not exist", parent);
                        }
                        resolved_done(&res);
                        if (r < 0)
                                return r;
                        if (t)
                                t->cis_literal = true;
                }
        }
        return 0;
}

static int targets_openrc_conf(struct ctx *c, const struct dockerd_instance *i) {
        int r = 0;

        /* docker.NAME is usually a link to docker: the link names the instance, watch it too. */
        if (i->extra && (r = add_path(c, COMP_OPENRC_INIT, i->openrc_script, ADD_AS_LINK, NULL,
                                      "OpenRC service script of %s", path_basename(i->openrc_script))) < 0)
                return r;

        if (i->openrc_conf_base)
                r = add_path(c, COMP_OPENRC_CONF, i->openrc_conf_base, ADD_WANTED, NULL, "read by %s, before %s",
                             i->openrc_script, i->openrc_conf);
        if (r >= 0)
                r = add_path(c, COMP_OPENRC_CONF, i->openrc_conf, ADD_WANTED, NULL, "read by %s", i->openrc_script);
        return r;
}

/* A runit or SysV instance's script and the files it reads (the first is the script), and every
 * wrapper script between what starts a daemon and its binary. */
static int targets_init_files(struct ctx *c, const struct instance *h) {
        static const enum component comp[_DAEMON_MAX] = { COMP_DOCKERD, COMP_CONTAINERD };
        int r = 0;

        if (!h->n_init_files && !h->n_wrappers)
                return 0;
        if ((r = for_instance(c, h)) < 0)
                return r;
        for (size_t k = 0; r >= 0 && k < h->n_init_files; k++) {
                const char *p = h->init_files[k].value;
                enum component cm = k == 0 ? COMP_INIT_SCRIPT
                                  : streq(p, "/etc/default/docker") ? COMP_DEFAULT_DOCKER : COMP_INIT_CONF;
                r = add_path(c, cm, p, k == 0 ? 0 : ADD_WANTED, NULL, "%s", h->init_files[k].evidence);
        }
        for (size_t k = 0; r >= 0 && k < h->n_wrappers; k++)
                r = add_path(c, comp[h->kind], h->wrappers[k].value, ADD_WANTED | ADD_SYSTEM_OK, NULL, "%s",
                             h->wrappers[k].evidence);
        return r;
}

/* Add note to the target of host path (resolved as a directory), when there is one and it does
 * not say it already. 0 or -ENOMEM. */
static int note_target(struct ctx *c, const char *path, const char *note) {
        struct resolved res = {};
        struct target *t = NULL;
        char *n;

        if (root_resolve(c->root, path, false, &res) >= 0)
                t = discovery_find_target(c->d, res.path);
        resolved_done(&res);
        if (!t || (t->note && strstr(t->note, note)))
                return 0;
        if (t->note ? asprintf(&n, "%s; %s", t->note, note) < 0 : !(n = strdup(note)))
                return -ENOMEM; /* cppcheck-suppress memleak ; n is not allocated when this fails */
        free(t->note);
        t->note = n;
        return 0;
}

/* Do two host socket paths name the same socket (the same path once resolved inside the root)? */
static bool same_socket(struct ctx *c, const char *a, const char *b) {
        struct resolved ra = {}, rb = {};
        bool same;

        if (!a || !b)
                return false;
        if (streq(a, b))
                return true;
        same = root_resolve(c->root, a, false, &ra) >= 0 && root_resolve(c->root, b, false, &rb) >= 0 &&
               streq(ra.path, rb.path);
        resolved_done(&ra);
        resolved_done(&rb);
        return same;
}

/* The root of the containerd instance serving socket, NULL when none here does. */
static const char *containerd_root_serving(struct ctx *c, const char *socket) {
        for (size_t k = 0; k < c->d->n_containerds; k++) {
                const struct containerd_instance *ci = &c->d->containerds[k];

                if (ci->daemon && ci->root.value && same_socket(c, ci->grpc_address.value, socket))
                        return ci->root.value;
        }
        return NULL;
}

/* A dockerd whose images are in containerd's store (dockerd-config.c): the root of the containerd
 * it talks to holds them, and that root's rule covers them; the listing says so there. Without
 * --containerd, dockerd uses the containerd of the default socket when that exists as it
 * starts, else starts its own with its root in the data root's containerd/daemon (moby
 * daemon/command initializeContainerd(), containerdRootDir()), which the data root's rule
 * covers. A --containerd socket no containerd found here serves is a problem: where the images
 * are is not known. */
static int targets_image_store(struct ctx *c, const struct dockerd_instance *i) {
        _cleanup_free_ char *note = NULL;
        const char *root;
        int r;

        if (!i->daemon || i->image_store == IMAGE_STORE_DATA_ROOT)
                return 0;
        if (asprintf(&note, "holds Docker's image store%s (%s)",
                     i->image_store == IMAGE_STORE_CONTAINERD_FROM_29 ? " if dockerd is 29 or later" : "",
                     strempty(i->image_store_why)) < 0)
                return -ENOMEM;
        if (!i->flags.containerd && !i->config.containerd) {
                _cleanup_free_ char *own = NULL, *system = NULL;

                root = containerd_root_serving(c, DEFAULT_CONTAINERD_SOCK);
                if (root) {
                        if (asprintf(&system, "%s, when %s exists as dockerd starts (it has no --containerd)", note,
                                     DEFAULT_CONTAINERD_SOCK) < 0)
                                return -ENOMEM;
                        if ((r = note_target(c, root, system)) < 0)
                                return r;
                }
                if (asprintf(&own, "%s, in %s/containerd/daemon when dockerd starts its own containerd", note,
                             i->root.value) < 0)
                        return -ENOMEM;
                return note_target(c, i->root.value, own);
        }
        root = containerd_root_serving(c, i->containerd.value);
        if (root)
                return note_target(c, root, note);
        if (i->image_store == IMAGE_STORE_CONTAINERD_FROM_29)
                return 0;
        return discovery_add_problem(c->d, NULL, 0, "dockerd %s keeps its images in containerd's store (%s), but no "
                                     "containerd found here serves %s (%s): they are not watched", i->name,
                                     strempty(i->image_store_why), i->containerd.value, i->containerd.evidence) < 0
                       ? -ENOMEM : 0;
}

int targets_from_instances(struct ctx *c) {
        struct discovery *d = c->d;
        bool have_docker = false;
        int r = 0;

        for (size_t k = 0; k < d->n_dockerds && r >= 0; k++)
                if (d->dockerds[k].openrc_script && (r = for_instance(c, &d->dockerds[k].head)) >= 0 &&
                    (r = add_path(c, COMP_OPENRC_INIT, d->dockerds[k].openrc_script, 0, NULL,
                                  "OpenRC service script")) >= 0)
                        r = targets_openrc_conf(c, &d->dockerds[k]);
        for (size_t k = 0; k < d->n_containerds && r >= 0; k++) {
                const struct containerd_instance *i = &d->containerds[k];

                if (!i->openrc_script || (r = for_instance(c, &i->head)) < 0)
                        continue;
                r = add_path(c, COMP_OPENRC_INIT, i->openrc_script, 0, NULL, "OpenRC service script of containerd");
                if (r >= 0)
                        r = add_path(c, COMP_OPENRC_CONF, i->openrc_conf, ADD_WANTED, NULL, "read by %s",
                                     i->openrc_script);
        }
        for (size_t k = 0; k < d->n_dockerds && r >= 0; k++)
                r = targets_init_files(c, &d->dockerds[k].head);
        for (size_t k = 0; k < d->n_containerds && r >= 0; k++)
                r = targets_init_files(c, &d->containerds[k].head);
        if (r >= 0)
                r = targets_running(c);
        for (size_t k = 0; k < d->n_dockerds && r >= 0; k++)
                if ((r = for_instance(c, &d->dockerds[k].head)) >= 0)
                        r = targets_dockerd_binary(c, &d->dockerds[k]);
        if (r >= 0)
                r = targets_units(c);
        for (size_t k = 0; k < d->n_dockerds && r >= 0; k++) {
                struct dockerd_instance *i = &d->dockerds[k];
                have_docker = have_docker || i->daemon;
                r = for_instance(c, &i->head);
                if (r >= 0 && i->daemon)
                        r = targets_dockerd_files(c, i);
                if (r >= 0)
                        r = targets_dockerd_more(c, i);
                if (r >= 0 && i->daemon)
                        r = targets_dockerd_controls(c, i);
        }
        if (r >= 0 && (r = for_instance(c, NULL)) >= 0)
                r = targets_podman_docker(c);
        if (r >= 0)
                r = targets_programs(c);
        if (r >= 0)
                r = targets_idle_units(c);
        for (size_t k = 0; k < d->n_containerds && r >= 0; k++)
                if (d->containerds[k].daemon && (r = for_instance(c, &d->containerds[k].head)) >= 0)
                        r = targets_containerd(c, &d->containerds[k]);
        for (size_t k = 0; k < d->n_dockerds && r >= 0; k++)
                if (d->dockerds[k].daemon && (r = for_instance(c, &d->dockerds[k].head)) >= 0)
                        r = add_path(c, COMP_CONTAINERD_SOCK, d->dockerds[k].containerd.value, ADD_WANTED | ADD_AS_LINK,
                                     NULL, "%s", d->dockerds[k].containerd.evidence);
        for (size_t k = 0; k < d->n_dockerds && r >= 0; k++)
                r = targets_image_store(c, &d->dockerds[k]);
        if (r >= 0)
                r = for_instance(c, NULL);
        if (r >= 0 && (!c->opts || c->opts->cis_paths))
                r = targets_cis(c, have_docker);
        for (size_t k = 0; r >= 0 && k < d->n_targets; k++)
                sort_by_instance(&d->targets[k]);
        free(c->user_rules);
        c->user_rules = NULL;
        c->n_user_rules = 0;
        return r;
}
