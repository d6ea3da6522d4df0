/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Inside discovery (internal; the public header is discover.h). Its floors, lowest first:
 *   - discovery-base.c: the context the sources share, reads under the root, problems, where
 *     programs are looked for, whether a path can be watched, containerd's own options;
 *   - the sources (discover-systemd.c, -openrc.c, -snap.c, -proc.c, -rootless.c, -defaults.c),
 *     each one kind of origin, building instances (instance.h);
 *   - the effective configuration (dockerd-config.c, discover-containerd.c, runtimes.c) and the
 *     targets (targets.c);
 *   - discover() (discover.c), which runs them all.
 * A file calls only files on a lower floor (tests/layers-floors.txt). */

#include <limits.h>
#include <stdbool.h>

#include "discover.h"
#include "instance.h"
#include "root.h"

#define DEFAULT_DATA_ROOT "/var/lib/docker"
#define DEFAULT_EXEC_ROOT "/var/run/docker"
#define DEFAULT_DAEMON_JSON "/etc/docker/daemon.json"
#define DEFAULT_CONTAINERD_CONFIG "/etc/containerd/config.toml"
#define DEFAULT_CONTAINERD_STATE "/run/containerd"
#define DEFAULT_CONTAINERD_ROOT "/var/lib/containerd"
#define DEFAULT_CONTAINERD_SOCK "/run/containerd/containerd.sock"
#define DEFAULT_DOCKER_SOCK "/var/run/docker.sock"
#define SNAP_DIR "/snap/docker/current"
#define SNAP_DATA "/var/snap/docker/current"
#define SNAP_DATA_ROOT "/var/snap/docker/common/var-lib-docker"

/* How WSL starts a distribution's services (/etc/wsl.conf, Microsoft's "Advanced settings
 * configuration in WSL": [boot] systemd=true makes systemd its init; without it no systemd runs,
 * and `service docker start` runs the SysV script). */
#define WSL_CONF "/etc/wsl.conf"
enum wsl_boot {
        WSL_UNKNOWN,          /* not read yet */
        WSL_NONE,             /* not WSL: no /etc/wsl.conf */
        WSL_SCRIPTS,          /* WSL without systemd */
        WSL_SYSTEMD,          /* [boot] systemd=true */
};

struct ctx {
        const struct root *root;
        const struct discovery_options *opts;
        struct discovery *d;
        char **bin_dirs;              /* where programs are looked for, resolved duplicates dropped */
        bool docker_service;          /* docker.service has a unit file: it, not OpenRC, runs dockerd */
        char *instance;               /* targets.c: the instance whose targets are being made
                                       * ("dockerd docker.service"), NULL for the host's own */
        const struct dockerd_instance *user; /* targets.c: that instance when it is a user's
                                       * (rootless): its paths must lie in the user's tree */
        struct user_rules *user_rules; /* targets.c: the rules each user's configuration named */
        size_t n_user_rules;
        enum wsl_boot wsl;            /* ctx_wsl_boot()'s answer, once read */
        bool init_asked;              /* ctx_systemd_absent() was asked: its answer, and why */
        int no_systemd;
        char no_systemd_why[PATH_MAX + 64];
};

/* How many paths one user's rootless configuration made rules of (targets.c). */
struct user_rules {
        unsigned uid;
        size_t n;
        bool said;                    /* the cap was said */
        size_t refused;               /* paths refused, each said up to ROOTLESS_REFUSALS_SAID */
};

/* ---- discovery-base.c ---- */

/* The target of this (normalised) path, NULL when there is none yet. */
struct target *discovery_find_target(struct discovery *d, const char *path);

/* The host's main instance of a daemon, the one the sources enrich (docker.service, the snap,
 * /etc/init.d/docker, the binary's defaults): the existing one that is not `extra`, or a new one
 * of this source and name. *ret points into c->d's array (valid until the next addition).
 * 0 or -ENOMEM. */
int ctx_instance(struct ctx *c, enum daemon_kind kind, enum instance_source source, const char *name,
                 struct instance **ret);
static inline int ctx_dockerd(struct ctx *c, enum instance_source source, const char *name,
                              struct dockerd_instance **ret) {
        struct instance *h;
        int r = ctx_instance(c, DAEMON_DOCKERD, source, name, &h);
        if (r >= 0)
                *ret = (struct dockerd_instance *) h; /* the head is its first member */
        return r;
}
static inline int ctx_containerd(struct ctx *c, enum instance_source source, const char *name,
                                 struct containerd_instance **ret) {
        struct instance *h;
        int r = ctx_instance(c, DAEMON_CONTAINERD, source, name, &h);
        if (r >= 0)
                *ret = (struct containerd_instance *) h;
        return r;
}

/* Say each value dockerd_args_parse() refused (o->problems), prefixed with what gave the
 * options ("docker.service ExecStart", "DOCKER_OPTS"); file may be NULL. 0 or -ENOMEM. */
int discovery_add_dockerd_args_problems(struct discovery *d, const char *file, const char *what,
                                        const struct dockerd_opts *o);
/* How WSL boots this tree (enum wsl_boot), from /etc/wsl.conf, read once: an ini file whose
 * [boot] systemd=true (keys and "true" in any case, as WSL reads them) makes systemd the init;
 * an unreadable one is said, and read as without systemd. 0 or -ENOMEM. */
int ctx_wsl_boot(struct ctx *c, enum wsl_boot *ret);
/* Is systemd not this tree's init, so that no system unit starts anything? 1 with *ret_why (a
 * phrase for evidence, valid as long as c) when WSL boots without it (ctx_wsl_boot()), or when
 * /sbin/init leads to a program not named systemd on a tree that shows another init system's
 * files (/etc/inittab: sysvinit or busybox; /etc/runlevels: OpenRC; /etc/runit; /etc/s6); 0 when
 * systemd is the init or it cannot be told (no /sbin/init, or none of those files: NixOS's
 * /sbin/init is a script that starts systemd), -ENOMEM. Read once. */
int ctx_systemd_absent(struct ctx *c, const char **ret_why);
/* The system units of names (NULL-terminated) that systemd starts on this tree: when systemd is
 * its init (ctx_systemd_absent()), every one loaded into ret[] (as many entries) by units_load(),
 * what it finds wrong said in c->d->problems; 1 then, each entry to be freed with unit_done().
 * 0 when another init starts the host (no unit of it runs anything), ret[] untouched; -ENOMEM,
 * ret[] freed. */
int ctx_system_units_load(struct ctx *c, const char *const *names, struct unit *ret);
/* A host file for a source: 1 with its data (*ret_data, *ret_len), 0 when optional and missing,
 * else -errno with a problem added (-ENOMEM when even that failed). */
int read_host_file(struct ctx *c, const char *path, bool optional, char **ret_data, size_t *ret_len);
/* Read a configuration file that `why` named as `configured` and that resolves to `resolved`
 * inside the root. 1 when read, 0 when missing (a file a daemon reads only if present), -errno
 * otherwise; the problem names the configured path, what it resolves to and who named it
 * (-ENOMEM when it could not be added). */
int read_configured_file(struct ctx *c, const char *configured, const char *resolved, const char *why,
                         char **ret_data, size_t *ret_len);
/* What envfile_load()'s error r means, for a problem. */
const char *envfile_error(int r);
/* containerd's command line (argv, argv[0] the program) for instance i: its --config becomes the
 * configuration file, --root, --state and --address are kept to override config.toml's (the
 * instance's flags). what names the command line ("ExecStart of containerd.service (FILE)",
 * "running containerd"); options containerd refuses are problems of file. 0 or -ENOMEM. */
int containerd_take_args(struct ctx *c, struct containerd_instance *i, char * const *argv, const char *file,
                         const char *what);

/* Is path a regular file inside the root (its resolution in *ret_resolved when asked)? A path
 * that cannot be resolved (loop, too long) is a problem. */
bool is_regular_exists(struct ctx *c, const char *path, char **ret_resolved);
/* The first program called name in the binary directories (c->bin_dirs), as a host path, with
 * the directory in *ret_dir; NULL when none (or out of memory). */
char *find_program(struct ctx *c, const char *name, const char **ret_dir);

/* Would a file at this host path be watched (absolute, resolvable, writable on a rules line,
 * parent present)? Then 1 with its resolved path, else 0. -ENOMEM. */
int path_usable(struct ctx *c, const char *path, char **ret_resolved);

/* The user manager's shared unit directories (/etc/systemd/user, /usr/lib/systemd/user, ...),
 * which are root's; NULL-terminated. */
extern char *const user_unit_dirs_shared[];
/* Is this host path in one of them? */
bool rootless_shared_unit_path(const char *path);

/* For the init scripts' sources (runit, SysV, OpenRC): read a shell variable file path, which a
 * script sources with /bin/sh (/etc/sv/NAME/conf, /etc/default/docker, /etc/conf.d/docker), over
 * *vars ("KEY=VALUE", the last one wins); only a file of root's (init_script_trusted()); 1 read,
 * 0 missing, unreadable or not root's (a problem says why), -ENOMEM. */
int init_script_read_env(struct ctx *c, const char *path, char ***vars);
/* Is the script or file at path root's and open to no one else (trust_roots())? 1 yes, 0 missing
 * or not (then a problem says so), -ENOMEM. */
int init_script_trusted(struct ctx *c, const char *path);
/* The daemon's program as script names it: absolute as is, else the first one found in path
 * (NULL-terminated directories); unset when none is. 0 or -ENOMEM. */
int init_script_program(struct ctx *c, struct instance *h, const char *program, const char *script,
                        const char *const *path);
/* The daemon's command line argv (argv[0] the program) as the instance's options, what naming
 * it ("DOCKER_OPTS in /etc/default/docker"); refused values are problems of file. 0 or -ENOMEM. */
int init_script_options(struct ctx *c, struct instance *h, char **argv, const char *file, const char *what);

/* ---- the floors above, for discover.c ---- */

/* The sources, each one kind of origin, adding to or creating instances in c->d. 0 or -ENOMEM. */
int discover_systemd(struct ctx *c);       /* discover-systemd.c: docker.service, docker.socket,
                                            * containerd.service, the snap's unit */
int discover_snap(struct ctx *c);          /* discover-snap.c: /snap/docker */
int discover_openrc(struct ctx *c);        /* discover-openrc.c: /etc/init.d/docker, /etc/conf.d/docker */
int discover_proc(struct ctx *c);          /* discover-proc.c: running dockerd and containerd */
int discover_defaults(struct ctx *c);      /* discover-defaults.c: binary directories, dockerd found there */
int discover_rootless(struct ctx *c);      /* discover-rootless.c: every user's rootless dockerd */
int discover_supervisors(struct ctx *c);   /* discover-supervisors.c: the containerd of k3s, RKE2, MicroK8s */
int discover_sysv(struct ctx *c);          /* discover-sysv.c: /etc/init.d/docker, /etc/default/docker, WSL */
int discover_runit(struct ctx *c);         /* discover-runit.c: /etc/sv/docker, /etc/sv/containerd */
/* discover-wrappers.c: every instance's binary that is a shell script exec'ing the real program
 * becomes that program; the script is kept in the instance's wrappers. */
int discover_wrappers(struct ctx *c);
/* dockerd-config.c: an instance's effective configuration (flags, daemon.json, snap, defaults). */
int dockerd_config_resolve(struct ctx *c, struct dockerd_instance *i);
/* discover-containerd.c: a containerd found only as a binary, and every instance's config.toml. */
int discover_containerd(struct ctx *c);

/* targets.c: the watch targets of every instance, then the CIS Benchmark's literal paths. */
int targets_from_instances(struct ctx *c);
