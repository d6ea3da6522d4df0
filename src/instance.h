/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The domain discovery models: the daemon instances of a host (dockerd, containerd), each a
 * shared head (struct instance: which daemon, where it came from, what it runs and reads) with
 * the daemon's own parts beside it. Discovery's sources (discover-*.c) build them;
 * dockerd-config.c and discover-containerd.c settle their effective configuration; targets.c
 * turns them into watch targets. */

#include <stdbool.h>
#include <sys/types.h>

#include "containerd_toml.h"
#include "daemon_json.h"
#include "containerd_args.h"
#include "dockerd_args.h"
#include "units.h"

/* Where an instance comes from: one value per kind of origin, each found by one source file
 * (discover-NAME.c). A supervisor that runs the daemons itself (k3s, RKE2, MicroK8s) or another
 * init system (runit, SysV scripts) is one more value here and one more source file. */
enum instance_source {
        SOURCE_SYSTEMD,       /* a systemd unit (docker.service, containerd.service) */
        SOURCE_OPENRC,        /* an OpenRC service script (/etc/init.d/docker) */
        SOURCE_SNAP,          /* the docker snap */
        SOURCE_PROC,          /* a running process, read from /proc */
        SOURCE_DEFAULTS,      /* a binary found in the usual directories, run with its defaults */
        SOURCE_ROOTLESS,      /* a user's rootless dockerd (user unit, or files in the home) */
        SOURCE_SUPERVISOR,    /* a containerd a supervisor runs (k3s, RKE2, MicroK8s) */
        SOURCE_RUNIT,         /* a runit service (/etc/sv/docker/run and its conf) */
        SOURCE_SYSV,          /* a SysV init script (/etc/init.d/docker, /etc/default/docker) */
        _SOURCE_MAX,
};
const char *instance_source_name(enum instance_source s);

/* A daemon process seen running (/proc). */
struct running_daemon {
        pid_t pid;
        char *exe;            /* its binary (host path), NULL when not readable or not absolute */
        char *evidence;       /* "running dockerd (pid 42)" */
};

/* A value with what named it, for the evidence of a target. */
struct sourced {
        char *value;
        char *evidence;
};

void sourced_done(struct sourced *s);
void sourced_free_many(struct sourced *l, size_t n);
/* Append (value, evidence printf) to a list. 0 or -ENOMEM. */
int sourced_append(struct sourced **l, size_t *n, const char *value, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Replace s with (value, evidence printf). 0 or -ENOMEM. */
int sourced_set(struct sourced *s, const char *value, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Which daemon an instance is. */
enum daemon_kind {
        DAEMON_DOCKERD,
        DAEMON_CONTAINERD,
        _DAEMON_MAX,
};
/* "dockerd", "containerd" (the daemon's program, and the first word of instance_key()); NULL when
 * out of range. */
static inline const char *daemon_kind_name(enum daemon_kind k) {
        return k == DAEMON_DOCKERD ? "dockerd" : k == DAEMON_CONTAINERD ? "containerd" : NULL;
}

/* What every daemon instance has, whatever the daemon: which one it is, where it comes from, what
 * it runs and reads. The head of struct dockerd_instance and struct containerd_instance, reachable
 * there both by its own name (i->name) and as a whole (&i->head), so that one helper serves every
 * daemon. A new kind of origin (a supervisor, another init system) is a new instance_source and a
 * source file (discover-NAME.c) that fills these, not a new type. */
#define INSTANCE_HEAD_MEMBERS                                                                           \
        enum daemon_kind kind;                                                                          \
        enum instance_source source;                                                                    \
        char *name;                   /* for evidence: "docker.service", "/etc/init.d/docker", ... */   \
        bool extra;                   /* an instance of its own (another unit, another OpenRC        */ \
                                      /* service, a user's, a process no unit explains): the         */ \
                                      /* other sources do not merge into it                          */ \
        char *state;                  /* "enabled", "disabled", "masked", "lingering"...; NULL       */ \
        struct unit *units;           /* its systemd units (service, socket, the snap's service)     */ \
        size_t n_units;                                                                                 \
        char *openrc_script;          /* OpenRC: the service script and the file it reads            */ \
        char *openrc_conf;                                                                              \
        struct sourced binary;        /* the daemon's binary (host path as named)                    */ \
        bool daemon;                  /* a daemon is here (binary, unit, script, snap or process),   */ \
                                      /* not only stray units                                        */ \
        char *origin;                 /* what gave its command line's options: "docker.service      */ \
                                      /* ExecStart", "ExecStart of containerd.service (FILE)"        */ \
        struct running_daemon *running; /* its running processes (/proc)                            */ \
        size_t n_running;                                                                               \
        struct sourced config_file;   /* daemon.json, config.toml                                    */ \
        struct sourced root;          /* its root: dockerd's data root, containerd's root            */ \
        struct sourced *runtimes;     /* runtime programs (runtimes.c), host paths                   */ \
        size_t n_runtimes;                                                                              \
        struct sourced *init_files;   /* runit, SysV: the script that starts it (first), then the    */ \
        size_t n_init_files;          /* files that script reads                                     */ \
        struct sourced *wrappers;     /* shell scripts between what starts it and its binary         */ \
        size_t n_wrappers;            /* (discover-wrappers.c), host paths                           */

struct instance {
        INSTANCE_HEAD_MEMBERS
};

/* The head, named and unnamed at once (the kernel's struct_group()). */
#define INSTANCE_HEAD                           \
        union {                                 \
                struct instance head;           \
                struct {                        \
                        INSTANCE_HEAD_MEMBERS   \
                };                              \
        }

/* Where a dockerd keeps its images and their layers (dockerd-config.c). */
enum image_store {
        IMAGE_STORE_DATA_ROOT,        /* a graphdriver's, below the data root */
        IMAGE_STORE_CONTAINERD,       /* containerd-snapshotter on: the root of the containerd it talks to */
        IMAGE_STORE_CONTAINERD_FROM_29, /* nothing chose: the containerd's root if dockerd is 29 or later,
                                       * whose default it is, else the data root */
};

struct dockerd_instance {
        INSTANCE_HEAD;
        char *openrc_conf_base;       /* docker.NAME: /etc/conf.d/docker, read before openrc_conf */
        char *snap_bin;               /* the snap's binary directory (resolved), when a snap is there */
        /* Rootless: the user it runs as. Its defaults are below the home and /run/user/UID. */
        bool rootless;
        char *user;
        char *home;
        unsigned uid;
        unsigned gid;                 /* its primary group (/etc/passwd), for reads with its rights */
        char *unit_dir;               /* where `systemctl [--user] edit` puts drop-ins; NULL:
                                       * /etc/systemd/system */
        struct sourced *launchers;    /* programs that start dockerd (dockerd-rootless.sh,
                                       * rootlesskit), host paths */
        size_t n_launchers;

        /* Its own command line (unit ExecStart=, DOCKER_OPTS), read in head.origin. */
        struct dockerd_opts flags;

        /* The running processes' options fill what the configuration leaves open (a daemon
         * started by hand, or not restarted since its configuration changed). */
        struct dockerd_opts running_flags;
        char *running_origin;         /* evidence of the last one, NULL when none runs */
        char *running_exe;            /* its binary, for the data root's exe!= filter */

        /* Effective configuration (dockerd-config.c): flag, then daemon.json, then the snap's,
         * then dockerd's default; the data root is head.root. */
        char *config_file_read;       /* the resolved daemon.json that was read, NULL when none */
        struct daemon_config config;  /* what daemon.json says */
        char *exec_root;
        struct sourced containerd;    /* the containerd socket it talks to */
        struct sourced *sockets;      /* the unix sockets it serves (-H, hosts, docker.socket's
                                       * ListenStream=, else the default), host paths */
        size_t n_sockets;
        char *owner;                  /* the binary that writes the data root (exe!= filter), or NULL */
        enum image_store image_store; /* where its images live, and what decided it ("containerd-snapshotter */
        char *image_store_why;        /* on, /etc/docker/daemon.json:3"); NULL for the data root */
};

struct containerd_instance {
        INSTANCE_HEAD;
        struct containerd_opts flags; /* its command line's --config, --address, --root, --state */
        struct containerd_config config;
        struct sourced state_dir;
        struct sourced grpc_address;
        /* More of config.toml (discover-containerd.c): the files it imports (read or tried), the
         * directories an import glob listed, the ttrpc and debug sockets, plugin_dir; each unset
         * when the configuration does not name it. */
        struct sourced *config_imports;
        size_t n_config_imports;
        struct sourced *config_dirs;
        size_t n_config_dirs;
        struct sourced ttrpc_address;
        struct sourced debug_address;
        struct sourced plugin_dir;
        /* Started by a supervisor (discover-supervisors.c): the supervisor's program, the
         * directory containerd takes its programs from first (its PATH), the templates its
         * config.toml is rendered from, and the supervisor's files that give its options. */
        struct sourced supervisor;
        char *bin_dir;
        struct sourced *templates;
        size_t n_templates;
        struct sourced *option_files;
        size_t n_option_files;
};

/* Free what the head holds (not h itself). */
void instance_done(struct instance *h);

void dockerd_instance_done(struct dockerd_instance *i);
void containerd_instance_done(struct containerd_instance *i);

struct discovery;
/* How many instances of this daemon d has, and the k-th one's head (k < that count). */
size_t discovery_n_instances(const struct discovery *d, enum daemon_kind kind);
struct instance *discovery_instance(const struct discovery *d, enum daemon_kind kind, size_t k);
/* Append a zeroed instance of this daemon, source and name to d; *ret is its head, pointing into
 * d's array (valid until the next append). 0 or -ENOMEM. */
int discovery_add_instance(struct discovery *d, enum daemon_kind kind, enum instance_source source,
                           const char *name, struct instance **ret);
static inline int discovery_add_dockerd(struct discovery *d, enum instance_source source, const char *name,
                                        struct dockerd_instance **ret) {
        struct instance *h;
        int r = discovery_add_instance(d, DAEMON_DOCKERD, source, name, &h);
        if (r >= 0)
                *ret = (struct dockerd_instance *) h; /* the head is its first member */
        return r;
}
static inline int discovery_add_containerd(struct discovery *d, enum instance_source source, const char *name,
                                           struct containerd_instance **ret) {
        struct instance *h;
        int r = discovery_add_instance(d, DAEMON_CONTAINERD, source, name, &h);
        if (r >= 0)
                *ret = (struct containerd_instance *) h;
        return r;
}
/* Append a running process to an instance's list (copies). 0 or -ENOMEM. */
int running_add(struct running_daemon **list, size_t *n, pid_t pid, const char *exe, const char *evidence);

/* The key that names an instance in targets and listings: "dockerd NAME", "containerd NAME".
 * NULL on allocation failure. */
char *instance_key(const struct instance *h);
static inline char *dockerd_instance_key(const struct dockerd_instance *i) {
        return instance_key(&i->head);
}
static inline char *containerd_instance_key(const struct containerd_instance *i) {
        return instance_key(&i->head);
}
