/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Discovery: from a host tree to the list of paths Docker really uses there, each with the
 * evidence that named it. Nothing discovered is ever executed; every file is read inside the
 * root, bounded. */
#include <errno.h>
#include <stdarg.h>

#include "containerd_toml.h"
#include "daemon_json.h"
#include "dockerd_args.h"
#include "envfile.h"
#include "proc.h"
#include "target.h"
#include "unitfile.h"
#include "units.h"
#include "util.h"

#define DEFAULT_DATA_ROOT "/var/lib/docker"
#define DEFAULT_EXEC_ROOT "/var/run/docker"
#define DEFAULT_DAEMON_JSON "/etc/docker/daemon.json"
#define DEFAULT_CONTAINERD_CONFIG "/etc/containerd/config.toml"
#define DEFAULT_CONTAINERD_STATE "/run/containerd"
#define DEFAULT_CONTAINERD_SOCK "/run/containerd/containerd.sock"
#define DEFAULT_DOCKER_SOCK "/var/run/docker.sock"
#define SNAP_DIR "/snap/docker/current"
#define SNAP_DATA "/var/snap/docker/current"
#define SNAP_DATA_ROOT "/var/snap/docker/common/var-lib-docker"

static const char *const default_bin_dirs[] = {
        "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/usr/libexec/docker",
        "/bin", "/sbin",
};

struct ctx {
        const struct root *root;
        const struct discovery_options *opts;
        struct discovery *d;
        char **bin_dirs;
};

void discovery_done(struct discovery *d) {
        for (size_t i = 0; i < d->n_targets; i++) {
                free(d->targets[i].path);
                free(d->targets[i].evidence);
                free(d->targets[i].skip);
                free(d->targets[i].owner);
        }
        free(d->targets);
        for (size_t i = 0; i < d->n_problems; i++) {
                free(d->problems[i].file);
                free(d->problems[i].message);
        }
        free(d->problems);
        free(d->dockerd);
        free(d->data_root);
        free(d->config_file);
        *d = (struct discovery) {};
}

int discovery_add_problem(struct discovery *d, const char *file, unsigned line, const char *fmt, ...) {
        struct problem *p;
        va_list ap;
        char *msg;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_problems; i++)
                if (streq_ptr(d->problems[i].file, file) && d->problems[i].line == line &&
                    streq(d->problems[i].message, msg)) {
                        free(msg);
                        return 0; /* said once is enough */
                }
        p = realloc(d->problems, sizeof(*p) * (d->n_problems + 1));
        if (!p) {
                free(msg);
                return -ENOMEM;
        }
        d->problems = p;
        p[d->n_problems++] = (struct problem) {
                .file = file ? strdup(file) : NULL,
                .line = line,
                .message = msg,
        };
        return 0;
}

static struct target *find_target(struct discovery *d, const char *path) {
        for (size_t i = 0; i < d->n_targets; i++)
                if (d->targets[i].path && streq(d->targets[i].path, path))
                        return &d->targets[i];
        return NULL;
}

int discovery_add_target(struct discovery *d, enum component comp, const char *path,
                         const char *evidence, struct target **ret) {
        struct target *t;
        char *p = NULL, *e = NULL;

        if (path) {
                t = find_target(d, path);
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

static bool is_cis_literal(enum component comp, const char *path) {
        const struct component_info *i = component_info(comp);
        for (size_t k = 0; k < ELEMENTSOF(i->cis_paths) && i->cis_paths[k]; k++)
                if (streq(i->cis_paths[k], path))
                        return true;
        return false;
}

/* Add a path as a target. Unless as_link, the path is resolved and the file it leads to is
 * watched (the kernel does not follow the last component of a watch). */
enum {
        ADD_WANTED = 1 << 0,  /* watch even while missing */
        ADD_AS_LINK = 1 << 1, /* watch the path itself, not what it points to */
        ADD_IF_EXISTS = 1 << 2,
};

static int add_path(struct ctx *c, enum component comp, const char *path, unsigned flags,
                    struct target **ret, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int add_path(struct ctx *c, enum component comp, const char *path, unsigned flags,
                    struct target **ret, const char *fmt, ...) {
        _cleanup_free_ char *evidence = NULL, *parent = NULL;
        struct resolved res = {}, pres = {};
        struct target *t;
        va_list ap;
        int r, k;

        va_start(ap, fmt);
        k = vasprintf(&evidence, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;

        if (!path || path[0] != '/') {
                if (ret)
                        *ret = NULL;
                return discovery_add_problem(c->d, NULL, 0, "%s: path \"%s\" is not absolute (%s)",
                                             component_info(comp)->name, strempty(path), evidence);
        }

        r = root_resolve(c->root, path, flags & ADD_AS_LINK, &res);
        if (r < 0) {
                _cleanup_free_ char *norm = NULL;
                if (path_normalize(path, &norm) < 0)
                        return -ENOMEM;
                k = discovery_add_target(c->d, comp, norm, evidence, &t);
                if (k < 0)
                        return k;
                if (k > 0 && asprintf(&t->skip, "cannot resolve: %s", errno_name(r)) < 0)
                        return -ENOMEM;
                if (k > 0)
                        discovery_add_problem(c->d, NULL, 0, "%s %.64s%s (%s): %s; not watched",
                                              component_info(comp)->name, norm, strlen(norm) > 64 ? "..." : "",
                                              evidence, errno_name(r));
                if (ret)
                        *ret = t;
                return 0;
        }
        if ((flags & ADD_IF_EXISTS) && res.state != PATH_EXISTS) {
                resolved_done(&res);
                if (ret)
                        *ret = NULL;
                return 0;
        }

        k = discovery_add_target(c->d, comp, res.path, evidence, &t);
        if (k < 0) {
                resolved_done(&res);
                return k;
        }
        if (k > 0) {
                t->state = res.state;
                t->is_dir = res.is_dir;
                t->link = (flags & ADD_AS_LINK) && res.state == PATH_EXISTS && S_ISLNK(res.mode);
                t->wanted_missing = flags & ADD_WANTED;

                parent = path_parent(res.path);
                if (!parent) {
                        resolved_done(&res);
                        return -ENOMEM;
                }
                if (root_resolve(c->root, parent, false, &pres) >= 0) {
                        t->volatile_parent = !streq(pres.path, "/run") && path_startswith_dir(pres.path, "/run");
                        resolved_done(&pres);
                }
                if (!rule_path_ok(res.path)) {
                        if (asprintf(&t->skip, "the path cannot be written on one rules line "
                                     "(whitespace, control or quote characters, or too long)") < 0)
                                t->skip = NULL;
                } else if (res.state == PATH_PARENT_MISSING) {
                        if (asprintf(&t->skip, "parent directory %s does not exist", parent) < 0)
                                t->skip = NULL;
                }
        }
        if (is_cis_literal(comp, res.path))
                t->cis_literal = true;
        if (flags & ADD_WANTED)
                t->wanted_missing = true;
        resolved_done(&res);
        if (ret)
                *ret = t;
        return 0;
}

/* A literal CIS path, written as the benchmark writes it (the kernel stores a watch's path as
 * given, and scanners grep for that string); its parent exists. */
static int add_literal(struct ctx *c, enum component comp, const char *path, struct target **ret) {
        _cleanup_free_ char *parent = path_parent(path);
        struct resolved res = {}, pres = {};
        struct target *t;
        int r;

        if (!parent)
                return -ENOMEM;
        r = discovery_add_target(c->d, comp, path, "the CIS Benchmark's path", &t);
        if (r <= 0) {
                *ret = t;
                return r;
        }
        if (root_resolve(c->root, path, true, &res) >= 0) {
                t->state = res.state;
                t->is_dir = res.is_dir;
                t->link = res.state == PATH_EXISTS && S_ISLNK(res.mode);
                resolved_done(&res);
        }
        if (root_resolve(c->root, parent, false, &pres) >= 0) {
                t->volatile_parent = !streq(pres.path, "/run") && path_startswith_dir(pres.path, "/run");
                resolved_done(&pres);
        }
        *ret = t;
        return 0;
}

static const char *envfile_error(int r) {
        return r == -E2BIG ? "too much: a value over 1 MiB or more than 1024 variables; the rest is not read"
                           : "malformed assignment; the rest of the file is not read";
}

static int read_host_file(struct ctx *c, const char *path, bool optional, char **ret_data, size_t *ret_len) {
        int r = root_read_file(c->root, path, ret_data, ret_len);
        if (r == -ENOENT && optional)
                return 0;
        if (r < 0) {
                discovery_add_problem(c->d, path, 0, "cannot read: %s", errno_name(r));
                return r;
        }
        return 1;
}

/* Split a list of words with systemd's quoting rules, without the command-line prefixes of the
 * first word: the returned vector starts with a placeholder argv[0] ("-"), then the words. */
static int split_words(const char *value, char ***ret) {
        _cleanup_free_ char *cmd = NULL;

        if (asprintf(&cmd, "/- %s", value) < 0)
                return -ENOMEM;
        return exec_split(cmd, NULL, ret);
}

/* ---- helpers for binaries ---- */

static bool is_regular_exists(struct ctx *c, const char *path, char **ret_resolved) {
        struct resolved res = {};

        int r = root_resolve(c->root, path, false, &res);
        if (r == -ELOOP || r == -ENAMETOOLONG)
                discovery_add_problem(c->d, path, 0, "%s: not watched", errno_name(r));
        if (r < 0)
                return false;
        if (res.state == PATH_EXISTS && !res.is_dir) {
                if (ret_resolved)
                        *ret_resolved = TAKE_PTR(res.path);
                resolved_done(&res);
                return true;
        }
        resolved_done(&res);
        return false;
}

/* Find a program by name in the binary directories; first match. */
static char *find_program(struct ctx *c, const char *name, const char **ret_dir) {
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

static int add_runtime(struct ctx *c, const char *spec, const char *origin) {
        _cleanup_free_ char *name = NULL, *found = NULL;
        const char *eq = strchr(spec, '='), *path;

        if (!eq || eq == spec || !eq[1])
                return discovery_add_problem(c->d, NULL, 0, "runtime \"%s\" from %s has no path", spec, origin);
        name = strndup(spec, (size_t) (eq - spec));
        if (!name)
                return -ENOMEM;
        path = eq + 1;
        if (path[0] != '/') {
                /* dockerd looks a bare name up in $PATH. */
                found = find_program(c, path, NULL);
                if (!found)
                        return discovery_add_problem(c->d, NULL, 0, "runtime %s (%s) names \"%s\", which is not "
                                                     "in any binary directory", name, origin, path);
                path = found;
        }
        return add_path(c, COMP_RUNTIME, path, ADD_WANTED, NULL, "runtime %s (%s)", name, origin);
}

static int add_socket_host(struct ctx *c, const char *host, const char *origin) {
        _cleanup_free_ char *p = host_to_socket_path(host);
        if (!p)
                return 0;
        return add_path(c, COMP_DOCKER_SOCK, p, ADD_WANTED | ADD_AS_LINK, NULL, "-H %s (%s)", host, origin);
}

static int add_unit_files(struct ctx *c, struct unit *u, enum component comp, const char *name) {
        int r;

        if (u->fragment) {
                r = add_path(c, comp, u->fragment, 0, NULL, "unit file of %s%s", name,
                             u->via_bus ? " (FragmentPath from systemd over D-Bus)" : "");
                if (r < 0)
                        return r;
        }
        for (char **p = u->dropins; p && *p; p++) {
                r = add_path(c, COMP_DROPIN, *p, 0, NULL, "drop-in of %s%s", name,
                             u->via_bus ? " (DropInPaths from systemd over D-Bus)" : "");
                if (r < 0)
                        return r;
        }
        if (u->fragment) {
                /* Where `systemctl edit` puts a new drop-in: its creation must be seen. */
                _cleanup_free_ char *dir = NULL;
                if (asprintf(&dir, "/etc/systemd/system/%s.d", name) < 0)
                        return -ENOMEM;
                r = add_path(c, COMP_DROPIN, dir, ADD_WANTED, NULL, "drop-in directory of %s", name);
                if (r < 0)
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

static int add_env_files(struct ctx *c, struct unit *u, const char *name) {
        for (char **f = u->env_files; f && *f; f++) {
                _cleanup_free_ char *path = NULL;
                int optional = 0, r;

                if (environment_file_split(*f, &path, &optional) < 0)
                        continue;
                r = add_path(c, env_file_component(path), path, ADD_WANTED, NULL,
                             "EnvironmentFile= of %s", name);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- the whole host ---- */

static int setup_dirs(struct ctx *c) {
        c->bin_dirs = calloc(1, sizeof(char *));
        if (!c->bin_dirs)
                return -ENOMEM;
        return 0;
}

static int add_bin_dir(struct ctx *c, const char *dir) {
        struct resolved res = {};
        int r;

        /* Skip directories that resolve to one already listed (merged /usr). */
        if (root_resolve(c->root, dir, false, &res) < 0 || res.state != PATH_EXISTS || !res.is_dir) {
                resolved_done(&res);
                return 0;
        }
        for (char **d = c->bin_dirs; d && *d; d++) {
                struct resolved o = {};
                bool same = false;
                if (root_resolve(c->root, *d, false, &o) >= 0)
                        same = streq(o.path, res.path);
                resolved_done(&o);
                if (same) {
                        resolved_done(&res);
                        return 0;
                }
        }
        resolved_done(&res);
        r = strv_extend(&c->bin_dirs, dir);
        return r;
}

static int read_daemon_json(struct ctx *c, const char *path, struct daemon_config *ret) {
        _cleanup_free_ char *data = NULL;
        const char *msg = NULL;
        unsigned line = 0;
        size_t len = 0;
        int r;

        r = read_host_file(c, path, true, &data, &len);
        if (r <= 0)
                return r;
        r = daemon_json_parse(data, len, ret, &line, &msg);
        if (r == -ENODATA)
                return 0; /* dockerd accepts an empty file */
        if (r < 0)
                discovery_add_problem(c->d, path, line, "%s", msg ? msg : "malformed JSON");
        return 0;
}

static int read_containerd_config(struct ctx *c, const char *path, struct containerd_config *ret) {
        _cleanup_free_ char *data = NULL;
        const char *msg = NULL;
        unsigned line = 0;
        size_t len = 0;
        int r;

        r = read_host_file(c, path, true, &data, &len);
        if (r <= 0)
                return r;
        r = containerd_toml_parse(data, len, ret, &line, &msg);
        if (r < 0)
                discovery_add_problem(c->d, path, line, "%s", msg ? msg : "malformed TOML");
        return 0;
}

static const char *first_set(const char *a, const char *b) {
        return a ? a : b;
}

int discover(const struct root *root, const struct discovery_options *opts, struct discovery *ret) {
        struct discovery d = {};
        struct ctx c = { .root = root, .opts = opts, .d = &d };
        struct unit docker = {}, socket = {}, containerd = {}, snap = {};
        struct dockerd_opts dopts = {};
        struct daemon_config dcfg = {};
        struct containerd_config ccfg = {};
        _cleanup_strv_free_ char **dargv = NULL, **cargv = NULL;
        _cleanup_free_ char *dockerd = NULL, *dockerd_ev = NULL, *snap_bin = NULL;
        _cleanup_free_ char *config_file = NULL, *config_ev = NULL, *data_root = NULL, *data_root_ev = NULL;
        _cleanup_free_ char *ccfg_path = NULL, *ccfg_ev = NULL;
        const char *src = NULL, *origin = NULL;
        bool openrc = false, is_snap = false, have_docker;
        struct proc_daemon *procs = NULL;
        size_t n_procs = 0;
        struct dockerd_opts popts = {};
        _cleanup_free_ char *proc_origin = NULL, *proc_exe = NULL;
        int r;

        r = setup_dirs(&c);
        if (r < 0)
                goto finish;

        /* systemd units. */
        {
                static const char *const names[] = { "docker.service", "docker.socket", "containerd.service",
                                                     "snap.docker.dockerd.service", NULL };
                struct unit units[4];
                r = units_load(root, names, &d, units);
                if (r < 0)
                        goto finish;
                docker = units[0], socket = units[1], containerd = units[2], snap = units[3];
        }

        /* The snap: binaries in /snap/docker/current/bin, data under /var/snap/docker. */
        {
                struct resolved res = {};
                if (root_resolve(root, SNAP_DIR "/bin", false, &res) >= 0 && res.state == PATH_EXISTS && res.is_dir) {
                        is_snap = true;
                        snap_bin = TAKE_PTR(res.path);
                }
                resolved_done(&res);
        }

        if (docker.fragment) {
                r = unit_exec_argv(root, &docker, &d, &dargv, &src);
                if (r < 0)
                        goto finish;
                if (r > 0) {
                        const char *prog = dargv[0];
                        _cleanup_free_ char *found = NULL;

                        if (prog[0] != '/') {
                                found = find_program(&c, prog, NULL);
                                prog = found;
                        }
                        if (prog && strstr(path_basename(prog), "dockerd")) {
                                dockerd = strdup(prog);
                                if (asprintf(&dockerd_ev, "ExecStart of docker.service (%s)", src) < 0)
                                        dockerd_ev = NULL;
                        }
                        origin = "docker.service ExecStart";
                        if (dockerd_args_parse(dargv, &dopts) < 0)
                                discovery_add_problem(&d, src, 0, "docker.service ExecStart: an option is missing its value");
                }
        }

        /* OpenRC: /etc/init.d/docker with /etc/conf.d/docker. */
        {
                struct resolved res = {};
                if (root_resolve(root, "/etc/init.d/docker", false, &res) >= 0 && res.state == PATH_EXISTS &&
                    !res.is_dir && !docker.fragment)
                        openrc = true;
                resolved_done(&res);
        }
        if (openrc) {
                _cleanup_free_ char *data = NULL;
                _cleanup_strv_free_ char **vars = NULL, **words = NULL;
                unsigned line = 0;
                size_t len = 0;

                r = add_path(&c, COMP_OPENRC_INIT, "/etc/init.d/docker", 0, NULL, "OpenRC service script");
                if (r < 0)
                        goto finish;
                r = add_path(&c, COMP_OPENRC_CONF, "/etc/conf.d/docker", ADD_WANTED, NULL,
                             "read by /etc/init.d/docker");
                if (r < 0)
                        goto finish;
                if (read_host_file(&c, "/etc/conf.d/docker", true, &data, &len) > 0) {
                        r = envfile_parse(data, len, NULL, &vars, &line);
                        if (r < 0)
                                discovery_add_problem(&d, "/etc/conf.d/docker", line, "%s", envfile_error(r));
                        if (env_get(vars, "DOCKERD_BINARY") && !dockerd) {
                                dockerd = strdup(env_get(vars, "DOCKERD_BINARY"));
                                dockerd_ev = strdup("DOCKERD_BINARY in /etc/conf.d/docker");
                        }
                        if (env_get(vars, "DOCKER_OPTS") && split_words(env_get(vars, "DOCKER_OPTS"), &words) >= 0) {
                                if (dockerd_args_parse(words, &dopts) < 0)
                                        discovery_add_problem(&d, "/etc/conf.d/docker", 0,
                                                              "DOCKER_OPTS: an option is missing its value");
                                origin = "DOCKER_OPTS in /etc/conf.d/docker";
                        }
                }
                if (!dockerd) {
                        dockerd = strdup("/usr/bin/dockerd");
                        dockerd_ev = strdup("default of /etc/init.d/docker");
                }
        }

        /* The daemons actually running: their binaries and options count too (a daemon started
         * by hand or by another init). Read-only; a process gone mid-scan is skipped. */
        if (root->live) {
                static const char *const names[] = { "dockerd", "dockerd-current", "containerd",
                                                     "docker-containerd-current", NULL };
                r = proc_scan("/proc", names, &procs, &n_procs);
                if (r < 0 && r != -ENOENT && r != -EACCES) {
                        discovery_add_problem(&d, "/proc", 0, "cannot list running processes: %s", errno_name(r));
                        procs = NULL, n_procs = 0;
                }
                for (size_t i = 0; i < n_procs; i++) {
                        const char *exe = procs[i].exe ? procs[i].exe : procs[i].argv[0];
                        bool is_dockerd = strstr(path_basename(exe), "dockerd") != NULL;
                        _cleanup_free_ char *ev = NULL;

                        if (asprintf(&ev, "running %s (pid %d)", path_basename(exe), (int) procs[i].pid) < 0) {
                                r = -ENOMEM;
                                goto finish;
                        }
                        if (exe[0] == '/' &&
                            (r = add_path(&c, is_dockerd ? COMP_DOCKERD : COMP_CONTAINERD, exe, 0, NULL, "%s", ev)) < 0)
                                goto finish;
                        if (is_dockerd) {
                                if (!dockerd && exe[0] == '/') {
                                        dockerd = strdup(exe);
                                        dockerd_ev = strdup(ev);
                                }
                                if (dockerd_args_parse(procs[i].argv, &popts) < 0)
                                        discovery_add_problem(&d, NULL, 0, "%s: an option is missing its value", ev);
                                free(proc_origin);
                                proc_origin = TAKE_PTR(ev);
                                free(proc_exe);
                                proc_exe = exe[0] == '/' ? strdup(exe) : NULL;
                        }
                }
        }

        /* Binary directories: the daemon's own first, then the usual ones. */
        if (dockerd && dockerd[0] == '/') {
                _cleanup_free_ char *dir = path_parent(dockerd);
                if (dir && (r = add_bin_dir(&c, dir)) < 0)
                        goto finish;
        }
        if (snap_bin && (r = add_bin_dir(&c, snap_bin)) < 0)
                goto finish;
        for (size_t i = 0; i < ELEMENTSOF(default_bin_dirs); i++)
                if ((r = add_bin_dir(&c, default_bin_dirs[i])) < 0)
                        goto finish;

        if (!dockerd && is_snap) {
                dockerd = path_join(snap_bin, "dockerd");
                dockerd_ev = strdup("snap docker (/snap/docker/current)");
        }
        if (!dockerd) {
                const char *dir = NULL;
                dockerd = find_program(&c, "dockerd", &dir);
                if (!dockerd)
                        dockerd = find_program(&c, "dockerd-current", &dir);
                if (dockerd && asprintf(&dockerd_ev, "found in %s", dir) < 0)
                        dockerd_ev = NULL;
        }
        have_docker = dockerd || docker.fragment || openrc || is_snap || proc_origin;
        if (!origin)
                origin = is_snap ? "snap docker" : "dockerd defaults";

        if (dockerd) {
                r = add_path(&c, COMP_DOCKERD, dockerd, ADD_WANTED, NULL, "%s", strempty(dockerd_ev));
                if (r < 0)
                        goto finish;
                {
                        struct resolved res = {};
                        if (root_resolve(root, dockerd, false, &res) >= 0)
                                d.dockerd = TAKE_PTR(res.path);
                        resolved_done(&res);
                }
        }

        /* Units and their drop-ins. */
        if ((r = add_unit_files(&c, &docker, COMP_DOCKER_SERVICE, "docker.service")) < 0 ||
            (r = add_unit_files(&c, &socket, COMP_DOCKER_SOCKET_UNIT, "docker.socket")) < 0 ||
            (r = add_unit_files(&c, &containerd, COMP_CONTAINERD_SERVICE, "containerd.service")) < 0 ||
            (r = add_unit_files(&c, &snap, COMP_DOCKER_SERVICE, "snap.docker.dockerd.service")) < 0 ||
            (r = add_env_files(&c, &docker, "docker.service")) < 0 ||
            (r = add_env_files(&c, &containerd, "containerd.service")) < 0)
                goto finish;

        /* What the running daemon was started with fills what the configuration leaves open. */
        if (proc_origin) {
                if (!dopts.config_file && popts.config_file)
                        dopts.config_file = TAKE_PTR(popts.config_file), origin = proc_origin;
                if (!dopts.data_root && popts.data_root)
                        dopts.data_root = TAKE_PTR(popts.data_root), origin = proc_origin;
                if (!dopts.exec_root && popts.exec_root)
                        dopts.exec_root = TAKE_PTR(popts.exec_root);
                if (!dopts.containerd && popts.containerd)
                        dopts.containerd = TAKE_PTR(popts.containerd);
        }

        /* daemon.json: the --config-file one, else the default. */
        if (dopts.config_file) {
                config_file = strdup(dopts.config_file);
                r = asprintf(&config_ev, "--config-file (%s)", origin);
        } else if (is_snap && !docker.fragment) {
                config_file = strdup(SNAP_DATA "/config/daemon.json");
                r = asprintf(&config_ev, "snap docker: its wrapper passes --config-file");
        } else {
                config_file = strdup(DEFAULT_DAEMON_JSON);
                r = asprintf(&config_ev, "dockerd's default configuration file");
        }
        if (r < 0 || !config_file) {
                r = -ENOMEM;
                goto finish;
        }
        if (have_docker) {
                struct target *t = NULL;
                r = add_path(&c, COMP_DAEMON_JSON, config_file, ADD_WANTED, &t, "%s", config_ev);
                if (r < 0)
                        goto finish;
                if (t && !t->skip) {
                        d.config_file = strdup(t->path);
                        r = read_daemon_json(&c, t->path, &dcfg);
                        if (r < 0 && r != -ENOENT && r != -EISDIR && r != -EBADFD && r != -EFBIG && r != -EACCES)
                                goto finish;
                }
        }

        /* Data root: flag, daemon.json, the snap's, the default. */
        if (dopts.data_root) {
                data_root = strdup(dopts.data_root);
                r = asprintf(&data_root_ev, "--data-root (%s)", origin);
        } else if (dcfg.data_root) {
                data_root = strdup(dcfg.data_root);
                r = asprintf(&data_root_ev, "data-root in %s", config_file);
        } else if (is_snap && !docker.fragment) {
                data_root = strdup(SNAP_DATA_ROOT);
                r = asprintf(&data_root_ev, "snap docker's data root");
        } else {
                data_root = strdup(DEFAULT_DATA_ROOT);
                r = asprintf(&data_root_ev, "dockerd's default data root");
        }
        if (r < 0 || !data_root) {
                r = -ENOMEM;
                goto finish;
        }
        if (have_docker) {
                struct target *t = NULL;
                if (data_root[0] != '/')
                        discovery_add_problem(&d, NULL, 0, "data root \"%s\" (%s) is not an absolute path: dockerd "
                                              "refuses it; not watched", data_root, data_root_ev);
                else {
                        r = add_path(&c, COMP_DATA_ROOT, data_root, ADD_WANTED, &t, "%s", data_root_ev);
                        if (r < 0)
                                goto finish;
                        if (t)
                                d.data_root = strdup(t->path);
                        if (t && origin == proc_origin && proc_exe && !t->owner)
                                t->owner = strdup(proc_exe);
                }
                /* Started by hand, or not restarted since a drop-in moved it: watch that one too. */
                if (popts.data_root && popts.data_root[0] == '/') {
                        struct target *pt = NULL;
                        if ((r = add_path(&c, COMP_DATA_ROOT, popts.data_root, ADD_WANTED, &pt, "--data-root of the %s",
                                          proc_origin)) < 0)
                                goto finish;
                        if (pt && !pt->owner && proc_exe && !(pt->owner = strdup(proc_exe))) {
                                r = -ENOMEM;
                                goto finish;
                        }
                }
                if (popts.config_file && popts.config_file[0] == '/' &&
                    (r = add_path(&c, COMP_DAEMON_JSON, popts.config_file, ADD_WANTED, NULL, "--config-file of the %s",
                                  proc_origin)) < 0)
                        goto finish;
                r = add_path(&c, COMP_ETC_DOCKER, "/etc/docker", ADD_WANTED, NULL, "dockerd's configuration directory");
                if (r < 0)
                        goto finish;
        }

        /* Sockets: -H/hosts, docker.socket's ListenStream=, else dockerd's default. */
        {
                bool any = false, fd = false;
                for (char **h = dopts.hosts; h && *h; h++) {
                        any = true;
                        fd = fd || startswith(*h, "fd://");
                        if ((r = add_socket_host(&c, *h, origin)) < 0)
                                goto finish;
                }
                for (char **h = popts.hosts; h && *h; h++) {
                        any = true;
                        fd = fd || startswith(*h, "fd://");
                        if ((r = add_socket_host(&c, *h, proc_origin)) < 0)
                                goto finish;
                }
                for (char **h = dcfg.hosts; h && *h; h++) {
                        any = true;
                        fd = fd || startswith(*h, "fd://");
                        if ((r = add_socket_host(&c, *h, config_file)) < 0)
                                goto finish;
                }
                for (char **l = socket.listen; l && *l; l++)
                        if ((*l)[0] == '/' &&
                            (r = add_path(&c, COMP_DOCKER_SOCK, *l, ADD_WANTED | ADD_AS_LINK, NULL,
                                          "ListenStream= of docker.socket (%s)%s", socket.fragment,
                                          fd ? ", passed to dockerd by -H fd://" : "")) < 0)
                                goto finish;
                if (!any && have_docker &&
                    (r = add_path(&c, COMP_DOCKER_SOCK, DEFAULT_DOCKER_SOCK, ADD_WANTED | ADD_AS_LINK, NULL,
                                  "dockerd's default -H unix://%s", DEFAULT_DOCKER_SOCK)) < 0)
                        goto finish;
        }

        /* Runtimes and TLS files. */
        for (char **rt = dopts.runtimes; rt && *rt; rt++)
                if ((r = add_runtime(&c, *rt, origin)) < 0)
                        goto finish;
        for (char **rt = popts.runtimes; rt && *rt; rt++)
                if ((r = add_runtime(&c, *rt, proc_origin)) < 0)
                        goto finish;
        for (char **rt = dcfg.runtimes; rt && *rt; rt++)
                if ((r = add_runtime(&c, *rt, config_file)) < 0)
                        goto finish;
        {
                const char *tls[] = { dcfg.tlscacert, dcfg.tlscert, dcfg.tlskey };
                const char *names[] = { "tlscacert", "tlscert", "tlskey" };
                for (size_t i = 0; i < ELEMENTSOF(tls); i++)
                        if (tls[i] && (r = add_path(&c, COMP_TLS, tls[i], ADD_WANTED, NULL, "%s in %s", names[i],
                                                    config_file)) < 0)
                                goto finish;
        }

        /* containerd: the service's binary and config, else the usual places. */
        if (containerd.fragment) {
                const char *csrc = NULL;
                r = unit_exec_argv(root, &containerd, &d, &cargv, &csrc);
                if (r < 0)
                        goto finish;
                if (r > 0) {
                        if (cargv[0][0] == '/' &&
                            (r = add_path(&c, COMP_CONTAINERD, cargv[0], ADD_WANTED, NULL,
                                          "ExecStart of containerd.service (%s)", csrc)) < 0)
                                goto finish;
                        for (char **a = cargv + 1; *a; a++) {
                                const char *v = NULL;
                                if ((streq(*a, "--config") || streq(*a, "-c")) && a[1])
                                        v = *++a;
                                else if (startswith(*a, "--config="))
                                        v = *a + strlen("--config=");
                                if (v) {
                                        free(ccfg_path);
                                        ccfg_path = strdup(v);
                                        free(ccfg_ev);
                                        if (asprintf(&ccfg_ev, "--config of containerd.service (%s)", csrc) < 0)
                                                ccfg_ev = NULL;
                                }
                        }
                }
        }
        {
                static const char *const names[] = { "containerd", "docker-containerd", "docker-containerd-current", NULL };
                if ((r = add_programs(&c, COMP_CONTAINERD, names)) < 0)
                        goto finish;
        }
        {
                static const char *const shim[] = { "containerd-shim", "docker-containerd-shim",
                                                    "docker-containerd-shim-current", NULL };
                static const char *const v1[] = { "containerd-shim-runc-v1", NULL };
                static const char *const v2[] = { "containerd-shim-runc-v2", NULL };
                static const char *const runc[] = { "runc", "docker-runc", "docker-runc-current", NULL };
                static const char *const init[] = { "docker-init", "docker-init-current", NULL };
                static const char *const proxy[] = { "docker-proxy", "docker-proxy-current", NULL };
                if ((r = add_programs(&c, COMP_CONTAINERD_SHIM, shim)) < 0 ||
                    (r = add_programs(&c, COMP_SHIM_RUNC_V1, v1)) < 0 ||
                    (r = add_programs(&c, COMP_SHIM_RUNC_V2, v2)) < 0 ||
                    (r = add_programs(&c, COMP_RUNC, runc)) < 0 ||
                    (r = add_programs(&c, COMP_DOCKER_INIT, init)) < 0 ||
                    (r = add_programs(&c, COMP_DOCKER_PROXY, proxy)) < 0)
                        goto finish;
        }

        {
                bool have_containerd = containerd.fragment != NULL;
                for (size_t i = 0; i < d.n_targets; i++)
                        if (d.targets[i].comp == COMP_CONTAINERD)
                                have_containerd = true;
                if (!ccfg_path && have_containerd) {
                        ccfg_path = strdup(DEFAULT_CONTAINERD_CONFIG);
                        ccfg_ev = strdup("containerd's default configuration file");
                }
                if (ccfg_path) {
                        struct target *t = NULL;
                        r = add_path(&c, COMP_CONTAINERD_CONFIG, ccfg_path, ADD_WANTED, &t, "%s", strempty(ccfg_ev));
                        if (r < 0)
                                goto finish;
                        if (t && !t->skip)
                                read_containerd_config(&c, t->path, &ccfg);
                }
                if (have_containerd) {
                        const char *state = first_set(ccfg.state, DEFAULT_CONTAINERD_STATE);
                        const char *sock = first_set(ccfg.grpc_address, DEFAULT_CONTAINERD_SOCK);
                        r = add_path(&c, COMP_RUN_CONTAINERD, state, ADD_WANTED | ADD_AS_LINK, NULL, "%s",
                                     ccfg.state ? "state in containerd's config.toml" : "containerd's default state directory");
                        if (r >= 0)
                                r = add_path(&c, COMP_CONTAINERD_SOCK, sock, ADD_WANTED | ADD_AS_LINK, NULL, "%s",
                                             ccfg.grpc_address ? "[grpc] address in containerd's config.toml"
                                                               : "containerd's default socket");
                        if (r < 0)
                                goto finish;
                }
        }
        /* The containerd dockerd talks to. */
        if (have_docker) {
                const char *sock = first_set(dopts.containerd, dcfg.containerd);
                _cleanup_free_ char *managed = NULL;

                if (sock)
                        r = add_path(&c, COMP_CONTAINERD_SOCK, sock, ADD_WANTED | ADD_AS_LINK, NULL, "%s",
                                     dopts.containerd ? "--containerd of dockerd" : "containerd in daemon.json");
                else {
                        /* No --containerd: dockerd runs its own below its exec root. */
                        const char *exec_root = first_set(dopts.exec_root, first_set(dcfg.exec_root, DEFAULT_EXEC_ROOT));
                        managed = path_join(exec_root, "containerd/containerd.sock");
                        if (!managed) {
                                r = -ENOMEM;
                                goto finish;
                        }
                        r = add_path(&c, COMP_CONTAINERD_SOCK, managed, ADD_WANTED | ADD_AS_LINK, NULL,
                                     "containerd started by dockerd (no --containerd), below its exec root");
                }
                if (r < 0)
                        goto finish;
        }

        /* The literal CIS paths, where their parent exists, for scanners that grep for them. */
        if (!opts || opts->cis_paths)
                for (unsigned comp = 0; comp < _COMP_MAX; comp++) {
                        const struct component_info *i = component_info(comp);
                        for (size_t k = 0; k < ELEMENTSOF(i->cis_paths) && i->cis_paths[k]; k++) {
                                const char *p = i->cis_paths[k];
                                struct target *t = find_target(&d, p);
                                _cleanup_free_ char *parent = NULL;
                                struct resolved res = {};

                                if (t) {
                                        t->cis_literal = true;
                                        continue;
                                }
                                if (comp == COMP_DATA_ROOT && !have_docker)
                                        continue;
                                parent = path_parent(p);
                                if (!parent) {
                                        r = -ENOMEM;
                                        goto finish;
                                }
                                if (root_resolve(root, parent, false, &res) < 0)
                                        continue;
                                if (res.state == PATH_EXISTS && res.is_dir)
                                        r = add_literal(&c, comp, p, &t);
                                else {
                                        r = discovery_add_target(&d, comp, p, "the CIS Benchmark's path", &t);
                                        if (r > 0 && asprintf(&t->skip, "parent directory %s does not exist", parent) < 0)
                                                r = -ENOMEM;
                                }
                                resolved_done(&res);
                                if (r < 0)
                                        goto finish;
                                if (t)
                                        t->cis_literal = true;
                        }
                }
        r = 0;

finish:
        unit_done(&docker);
        unit_done(&socket);
        unit_done(&containerd);
        unit_done(&snap);
        proc_daemons_free(procs, n_procs);
        dockerd_opts_done(&popts);
        dockerd_opts_done(&dopts);
        daemon_config_done(&dcfg);
        containerd_config_done(&ccfg);
        strv_free(c.bin_dirs);
        if (r < 0) {
                discovery_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}
