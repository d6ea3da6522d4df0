/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dockerd's effective configuration: where daemon.json is and what it says, the data root, the
 * exec root and the containerd socket. Precedence, as dockerd has it: a command-line flag, then
 * daemon.json, then the snap's wrapper, then dockerd's default. What the running daemon was
 * started with fills what the configuration leaves open. */
#include <errno.h>
#include <stdlib.h>

#include "discovery-base.h"
#include "dockerd_args.h"
#include "trust.h"
#include "userread.h"
#include "util.h"

/* A rootless dockerd's daemon.json, read with its user's rights (userread.h): a link to a file
 * the user cannot read is refused by name, and nothing of it is quoted. 1 read, 0 missing or
 * refused (a problem), -ENOMEM. */
static int read_user_config(struct ctx *c, const struct dockerd_instance *i, const char *path, char **ret_data,
                            size_t *ret_len) {
        int r = user_read_file(c->root, i->uid, i->gid, path, ret_data, ret_len);

        if (r >= 0)
                return 1;
        if (r == -ENOMEM)
                return r;
        if (r == -ENOENT)
                return 0;
        return discovery_add_problem(c->d, path, 0, "cannot be read by user %s (%s): their rootless dockerd's "
                                     "configuration is not read", i->user, errno_name(r)) < 0 ? -ENOMEM : 0;
}

/* Read daemon.json (path resolved). 0, or -ENOMEM; other trouble is a problem. */
static int read_daemon_json(struct ctx *c, const struct dockerd_instance *i, const struct sourced *configured,
                            const char *path, struct daemon_config *ret) {
        _cleanup_free_ char *data = NULL;
        const char *msg = NULL;
        unsigned line = 0;
        size_t len = 0;
        int r;

        if (i->rootless)
                r = read_user_config(c, i, configured->value, &data, &len);
        else
                r = read_configured_file(c, configured->value, path, configured->evidence, &data, &len);
        if (r <= 0)
                return r == -ENOMEM ? r : 0;
        r = daemon_json_parse(data, len, ret, &line, &msg);
        if (r == -ENOMEM)
                return r;
        if (r < 0 && r != -ENODATA) /* dockerd accepts an empty file */
                return discovery_add_problem(c->d, path, line, "%s", msg ? msg : "malformed JSON");
        return 0;
}

static int take_if_unset(char **dst, char **src) {
        if (*dst || !*src)
                return 0;
        *dst = TAKE_PTR(*src);
        return 1;
}

/* The running daemon's options fill the open ones; returns whether its options now lead. */
static bool fill_from_running(struct dockerd_instance *i) {
        bool lead = false;

        if (!i->running_origin)
                return false;
        lead |= take_if_unset(&i->flags.config_file, &i->running_flags.config_file);
        lead |= take_if_unset(&i->flags.data_root, &i->running_flags.data_root);
        take_if_unset(&i->flags.exec_root, &i->running_flags.exec_root);
        take_if_unset(&i->flags.containerd, &i->running_flags.containerd);
        take_if_unset(&i->flags.storage_driver, &i->running_flags.storage_driver);
        if (!i->flags.snapshotter_set && i->running_flags.snapshotter_set) {
                i->flags.snapshotter_set = true;
                i->flags.snapshotter = i->running_flags.snapshotter;
        }
        return lead;
}

static int config_file(struct ctx *c, struct dockerd_instance *i, bool snap) {
        _cleanup_free_ char *resolved = NULL;
        int r;

        if (i->flags.config_file)
                r = sourced_set(&i->config_file, i->flags.config_file, "--config-file (%s)", i->origin);
        else if (snap)
                r = sourced_set(&i->config_file, SNAP_DATA "/config/daemon.json",
                                "snap docker: its wrapper passes --config-file");
        else if (i->rootless) {
                _cleanup_free_ char *p = path_join(i->home, ".config/docker/daemon.json");
                r = p ? sourced_set(&i->config_file, p, "rootless dockerd's default configuration file (user %s)",
                                    i->user) : -ENOMEM;
        }
        else
                r = sourced_set(&i->config_file, DEFAULT_DAEMON_JSON, "dockerd's default configuration file");
        if (r < 0)
                return r;
        r = path_usable(c, i->config_file.value, &resolved);
        if (r <= 0)
                return r;
        r = read_daemon_json(c, i, &i->config_file, resolved, &i->config);
        if (r < 0)
                return r;
        i->config_file_read = TAKE_PTR(resolved);
        return 0;
}

static int data_root(struct dockerd_instance *i, bool snap) {
        if (i->flags.data_root)
                return sourced_set(&i->root, i->flags.data_root, "--data-root (%s)", i->origin);
        if (i->config.data_root)
                return sourced_set(&i->root, i->config.data_root, "data-root in %s", i->config_file.value);
        if (snap)
                return sourced_set(&i->root, SNAP_DATA_ROOT, "snap docker's data root");
        if (i->rootless) {
                _cleanup_free_ char *p = path_join(i->home, ".local/share/docker");
                return p ? sourced_set(&i->root, p, "rootless dockerd's default data root (user %s)", i->user)
                         : -ENOMEM;
        }
        return sourced_set(&i->root, DEFAULT_DATA_ROOT, "dockerd's default data root");
}

static int containerd_socket(struct dockerd_instance *i) {
        _cleanup_free_ char *managed = NULL;

        if (i->flags.exec_root || i->config.exec_root || !i->rootless)
                i->exec_root = strdup(i->flags.exec_root ? i->flags.exec_root
                                      : i->config.exec_root ? i->config.exec_root : DEFAULT_EXEC_ROOT);
        else if (asprintf(&i->exec_root, "/run/user/%u/docker", i->uid) < 0)
                i->exec_root = NULL;
        if (!i->exec_root)
                return -ENOMEM;
        if (i->flags.containerd)
                return sourced_set(&i->containerd, i->flags.containerd, "--containerd of dockerd");
        if (i->config.containerd)
                return sourced_set(&i->containerd, i->config.containerd, "containerd in daemon.json");
        /* No --containerd: dockerd runs its own below its exec root. */
        managed = path_join(i->exec_root, "containerd/containerd.sock");
        if (!managed)
                return -ENOMEM;
        return sourced_set(&i->containerd, managed,
                           "containerd started by dockerd (no --containerd), below its exec root");
}

static int add_hosts(struct dockerd_instance *i, char **hosts, const char *origin, bool *any, bool *fd) {
        int r;

        for (char **h = hosts; h && *h; h++) {
                _cleanup_free_ char *p = host_to_socket_path(*h);

                *any = true;
                *fd = *fd || startswith(*h, "fd://");
                if (p && (r = sourced_append(&i->sockets, &i->n_sockets, p, "-H %s (%s)", *h, origin)) < 0)
                        return r;
        }
        return 0;
}

static const struct unit *socket_unit(const struct dockerd_instance *i) {
        for (size_t k = 0; k < i->n_units; k++)
                if (endswith(i->units[k].name, ".socket"))
                        return &i->units[k];
        return NULL;
}

/* Sockets: -H/hosts, docker.socket's ListenStream=, else dockerd's default. */
static int sockets(struct dockerd_instance *i) {
        const struct unit *socket = socket_unit(i);
        bool any = false, fd = false;
        int r;

        if ((r = add_hosts(i, i->flags.hosts, i->origin, &any, &fd)) < 0 ||
            (r = add_hosts(i, i->running_flags.hosts, i->running_origin, &any, &fd)) < 0 ||
            (r = add_hosts(i, i->config.hosts, i->config_file.value, &any, &fd)) < 0)
                return r;
        for (char **l = socket ? socket->listen : NULL; l && *l; l++)
                if ((*l)[0] == '/' &&
                    (r = sourced_append(&i->sockets, &i->n_sockets, *l, "ListenStream= of %s (%s)%s", socket->name,
                                        strempty(socket->fragment), fd ? ", passed to dockerd by -H fd://" : "")) < 0)
                        return r;
        if (!any && i->daemon && i->rootless) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "/run/user/%u/docker.sock", i->uid) < 0)
                        return -ENOMEM;
                return sourced_append(&i->sockets, &i->n_sockets, p, "rootless dockerd's default socket "
                                      "($XDG_RUNTIME_DIR of user %s, made at login)", i->user);
        }
        if (!any && i->daemon)
                return sourced_append(&i->sockets, &i->n_sockets, DEFAULT_DOCKER_SOCK, "dockerd's default -H unix://%s",
                                      DEFAULT_DOCKER_SOCK);
        return 0;
}

/* "NAME=PATH": a bare PATH is looked up in the binary directories, as dockerd looks in $PATH. */
static int add_runtime(struct ctx *c, struct dockerd_instance *i, const char *spec, const char *origin) {
        _cleanup_free_ char *name = NULL, *found = NULL;
        const char *eq = strchr(spec, '='), *path;

        if (!eq || eq == spec || !eq[1])
                return discovery_add_problem(c->d, NULL, 0, "runtime \"%s\" from %s has no path", spec, origin);
        name = strndup(spec, (size_t) (eq - spec));
        if (!name)
                return -ENOMEM;
        path = eq + 1;
        if (path[0] != '/') {
                found = find_program(c, path, NULL);
                if (!found)
                        return discovery_add_problem(c->d, NULL, 0, "runtime %s (%s) names \"%s\", which is not "
                                                     "in any binary directory", name, origin, path);
                path = found;
        }
        return sourced_append(&i->runtimes, &i->n_runtimes, path, "runtime %s (%s)", name, origin);
}

static int runtimes(struct ctx *c, struct dockerd_instance *i) {
        int r;

        for (char **rt = i->flags.runtimes; rt && *rt; rt++)
                if ((r = add_runtime(c, i, *rt, i->origin)) < 0)
                        return r;
        for (char **rt = i->running_flags.runtimes; rt && *rt; rt++)
                if ((r = add_runtime(c, i, *rt, i->running_origin)) < 0)
                        return r;
        for (char **rt = i->config.runtimes; rt && *rt; rt++)
                if ((r = add_runtime(c, i, *rt, i->config_file.value)) < 0)
                        return r;
        return 0;
}

/* Does the data root hold a graphdriver's state: a non-empty directory of one of Linux's
 * graphdrivers but vfs (moby daemon/graphdriver/driver.go scanPriorDrivers(); the drivers of
 * register/)? 1 yes, 0 no, -ENOMEM. */
static int has_prior_driver(struct ctx *c, const char *data_root) {
        static const char *const drivers[] = { "overlay2", "fuse-overlayfs", "btrfs", "zfs" };

        for (size_t k = 0; k < ELEMENTSOF(drivers); k++) {
                _cleanup_free_ char *p = path_join(data_root, drivers[k]);
                _cleanup_strv_free_ char **names = NULL;
                int r;

                if (!p)
                        return -ENOMEM;
                r = root_list_dir(c->root, p, &names);
                if (r == -ENOMEM)
                        return r;
                /* dockerd counts a directory it cannot read as not empty. */
                if (r == -EACCES || (r >= 0 && names && names[0]))
                        return 1;
        }
        return 0;
}

static bool is_graphdriver(const char *name) {
        static const char *const drivers[] = { "overlay2", "fuse-overlayfs", "btrfs", "zfs", "vfs" };

        for (size_t k = 0; k < ELEMENTSOF(drivers); k++)
                if (streq(name, drivers[k]))
                        return true;
        return false;
}

/* One paragraph of dpkg's status as it is read: the fields dpkg_docker_major() looks at. */
struct dpkg_paragraph {
        char *package, *status, *version;
};

static void dpkg_paragraph_done(struct dpkg_paragraph *p) {
        free(p->package);
        free(p->status);
        free(p->version);
        *p = (struct dpkg_paragraph) {};
}

/* A paragraph's line: the field kept when it is one of those, the last of each winning. 0, -ENOMEM. */
static int dpkg_paragraph_line(struct dpkg_paragraph *p, const char *line) {
        static const char *const names[] = { "Package: ", "Status: ", "Version: " };
        char **fields[] = { &p->package, &p->status, &p->version };

        for (size_t k = 0; k < ELEMENTSOF(names); k++) {
                const char *v = startswith(line, names[k]);
                if (!v)
                        continue;
                free(*fields[k]);
                *fields[k] = strdup(v);
                return *fields[k] ? 0 : -ENOMEM;
        }
        return 0;
}

/* A whole paragraph: when it is an installed Docker package, counted in *found, its major version
 * and "PACKAGE VERSION" kept. 0, -ENOMEM. */
static int dpkg_paragraph_end(const struct dpkg_paragraph *p, int *found, unsigned *major, char **what) {
        static const char *const packages[] = { "docker-ce", "docker.io", "moby-engine", "docker-engine" };

        if (!p->package || !p->status || !p->version || !streq(p->status, "install ok installed"))
                return 0;
        for (size_t k = 0; k < ELEMENTSOF(packages); k++) {
                const char *v = strchr(p->version, ':') ? strchr(p->version, ':') + 1 : p->version;

                if (!streq(p->package, packages[k]))
                        continue;
                ++*found;
                *major = (unsigned) strtoul(v, NULL, 10);
                free(*what);
                if (asprintf(what, "%s %s", p->package, p->version) < 0) {
                        *what = NULL;
                        return -ENOMEM;
                }
        }
        return 0;
}

/* The Docker package dpkg has installed (docker-ce, docker.io, moby-engine, docker-engine), when
 * exactly one is and the instance's binary is a packaged path (/usr/bin/dockerd, /usr/sbin/dockerd):
 * its major version (Debian's Version field, the epoch dropped: "5:29.0.0-1~debian.12" is 29) and
 * "PACKAGE VERSION" in *ret_what. Read from /var/lib/dpkg/status (deb-control(5): paragraphs of
 * "Field: value" lines, separated by an empty line) only when that file is root's, line by line:
 * the file (about 1 MiB on a small host) is never held whole. A status over the read bound
 * (INPUT_MAX), or none, is not known. 1 known, 0 not, -ENOMEM. */
static int dpkg_docker_major(struct ctx *c, const struct dockerd_instance *i, unsigned *ret_major, char **ret_what) {
        _cleanup_free_ char *what = NULL, *line = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        struct dpkg_paragraph para = {};
        struct resolved res = {};
        struct stat st;
        unsigned major = 0;
        size_t size = 0, total = 0;
        ssize_t n;
        bool trusted;
        int found = 0, fd, r = 0;

        if (!i->binary.value || (!streq(i->binary.value, "/usr/bin/dockerd") && !streq(i->binary.value, "/usr/sbin/dockerd")))
                return 0;
        trusted = root_resolve(c->root, "/var/lib/dpkg/status", false, &res) >= 0 && trust_roots(&res);
        resolved_done(&res);
        if (!trusted)
                return 0;
        fd = root_open_file(c->root, "/var/lib/dpkg/status", &st);
        if (fd < 0)
                return 0;
        f = fdopen(fd, "r");
        if (!f) {
                close(fd);
                return -ENOMEM;
        }
        if (st.st_size > INPUT_MAX)
                return 0;
        while (r >= 0 && found <= 1 && (n = getline(&line, &size, f)) >= 0) {
                /* Grown past the bound while it was read: not known, as when it is that long. */
                total += (size_t) n;
                if (total > INPUT_MAX) {
                        dpkg_paragraph_done(&para);
                        return 0;
                }
                if (n > 0 && line[n - 1] == '\n')
                        line[--n] = 0;
                if (n == 0) {
                        r = dpkg_paragraph_end(&para, &found, &major, &what);
                        dpkg_paragraph_done(&para);
                } else
                        r = dpkg_paragraph_line(&para, line);
        }
        if (r >= 0 && found <= 1 && ferror(f)) {
                /* Not read to its end: not known, as when it cannot be read. */
                dpkg_paragraph_done(&para);
                return 0;
        }
        if (r >= 0 && found <= 1)
                r = dpkg_paragraph_end(&para, &found, &major, &what);
        dpkg_paragraph_done(&para);
        if (r < 0)
                return r;
        /* Two of them: which one this dockerd is, is not known. */
        if (found != 1 || major == 0)
                return 0;
        *ret_major = major;
        *ret_what = TAKE_PTR(what);
        return 1;
}

/* Where dockerd keeps its images, as it decides (moby daemon/image_store_choice.go
 * determineImageStoreChoice(), daemon/command/daemon_linux.go for userns-remap): the
 * containerd-snapshotter feature (--feature, else daemon.json's "features") decides when set;
 * unset, Docker 29 uses containerd's store unless userns-remap is on, the data root holds a
 * graphdriver's state, or the storage driver is a graphdriver (--storage-driver, else
 * daemon.json's); Docker 24 to 28 only when the feature is on, older ones ignore it. The
 * version is dpkg's (dpkg_docker_major()) where it is known; elsewhere what only Docker 29 would
 * do is said as such. A rootless dockerd's
 * containerd is its own, inside its user's tree: not judged here. 0 or -ENOMEM. */
static int image_store(struct ctx *c, struct dockerd_instance *i) {
        const char *remap = i->flags.userns_remap ? i->flags.userns_remap : i->config.userns_remap;
        const char *driver = i->flags.storage_driver ? i->flags.storage_driver : i->config.storage_driver;
        bool set = i->flags.snapshotter_set || i->config.snapshotter_set;
        bool on = i->flags.snapshotter_set ? i->flags.snapshotter : i->config.snapshotter;
        _cleanup_free_ char *package = NULL;
        unsigned major = 0;
        int r;

        if (driver && !driver[0])
                driver = NULL; /* dockerd takes an empty one as unset */

        i->image_store = IMAGE_STORE_DATA_ROOT;
        if (i->rootless || !i->root.value || i->root.value[0] != '/')
                return 0;
        if (set && !on)
                return 0;
        r = dpkg_docker_major(c, i, &major, &package);
        if (r < 0)
                return r;
        if (major && major < 24)
                return 0; /* the feature is read from Docker 24 on */
        if (set && remap && remap[0] &&
            discovery_add_problem(c->d, NULL, 0, "dockerd %s: containerd-snapshotter is on with userns-remap "
                                  "\"%s\": dockerd refuses to start", i->name, remap) < 0)
                return -ENOMEM;
        if (set) {
                i->image_store = IMAGE_STORE_CONTAINERD;
                if (i->flags.snapshotter_set)
                        r = asprintf(&i->image_store_why, "--feature containerd-snapshotter (%s)", strempty(i->origin));
                else if (i->config.snapshotter_line)
                        r = asprintf(&i->image_store_why, "containerd-snapshotter on, %s:%u", i->config_file.value,
                                     i->config.snapshotter_line);
                else
                        r = asprintf(&i->image_store_why, "containerd-snapshotter on in %s", i->config_file.value);
                return r < 0 ? -ENOMEM : 0;
        }
        if ((remap && remap[0]) || (driver && is_graphdriver(driver)))
                return 0;
        r = has_prior_driver(c, i->root.value);
        if (r != 0)
                return r < 0 ? r : 0;
        if (major && major < 29)
                return 0;
        i->image_store = major ? IMAGE_STORE_CONTAINERD : IMAGE_STORE_CONTAINERD_FROM_29;
        if (driver && major)
                r = asprintf(&i->image_store_why, "%s: storage-driver \"%s\" (%s) is not a graphdriver", package,
                             driver, i->flags.storage_driver ? strempty(i->origin) : i->config_file.value);
        else if (major)
                r = asprintf(&i->image_store_why, "%s: its default, no containerd-snapshotter in %s, no "
                             "graphdriver's images in %s", package, i->config_file.value, i->root.value);
        else if (driver)
                r = asprintf(&i->image_store_why, "storage-driver \"%s\" (%s) is not a graphdriver", driver,
                             i->flags.storage_driver ? strempty(i->origin) : i->config_file.value);
        else
                r = asprintf(&i->image_store_why, "its default: no containerd-snapshotter in %s, no graphdriver's "
                             "images in %s", i->config_file.value, i->root.value);
        return r < 0 ? -ENOMEM : 0;
}

int dockerd_config_resolve(struct ctx *c, struct dockerd_instance *i) {
        /* The snap's wrapper sets daemon.json and the data root, unless docker.service runs dockerd. */
        bool snap = i->snap_bin && !c->docker_service;
        int r;

        if (!i->daemon)
                return sockets(i); /* stray units only: what docker.socket listens on */

        if (!i->origin && !(i->origin = strdup(i->snap_bin ? "snap docker" : "dockerd defaults")))
                return -ENOMEM;
        if (fill_from_running(i)) {
                free(i->origin);
                if (!(i->origin = strdup(i->running_origin)))
                        return -ENOMEM;
                if (i->running_exe && !(i->owner = strdup(i->running_exe)))
                        return -ENOMEM;
        }
        r = config_file(c, i, snap);
        if (r >= 0)
                r = data_root(i, snap);
        if (r >= 0)
                r = containerd_socket(i);
        if (r >= 0)
                r = sockets(i);
        if (r >= 0)
                r = runtimes(c, i);
        if (r >= 0)
                r = image_store(c, i);
        return r;
}
