/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Discovery, the public side: from a host tree (struct root) to the paths Docker really uses
 * there (struct target), with the daemon instances they were made from (instance.h) and the
 * problems met on the way. discover() is the one entry point; what its floors share is
 * discovery-base.h (internal). */

#include <stdbool.h>
#include <stddef.h>

#include "problems.h"
#include "root.h"
#include "rule.h"
#include "util.h"

/* The Docker components the tool knows, in output order. */
enum component {
        COMP_DOCKERD,
        COMP_RUN_CONTAINERD,
        COMP_DATA_ROOT,
        COMP_ETC_DOCKER,
        COMP_DOCKER_SERVICE,
        COMP_CONTAINERD_SOCK,
        COMP_DOCKER_SOCKET_UNIT,
        COMP_DOCKER_SOCK,
        COMP_DEFAULT_DOCKER,
        COMP_DAEMON_JSON,
        COMP_CONTAINERD_CONFIG,
        COMP_SYSCONFIG_DOCKER,
        COMP_CONTAINERD,
        COMP_CONTAINERD_SHIM,
        COMP_SHIM_RUNC_V1,
        COMP_SHIM_RUNC_V2,
        COMP_RUNC,
        /* Not in any CIS version: */
        COMP_RUNTIME,
        COMP_DOCKER_INIT,
        COMP_DOCKER_PROXY,
        COMP_CONTAINERD_SERVICE,
        COMP_DROPIN,
        COMP_ENV_FILE,
        COMP_OPENRC_INIT,
        COMP_OPENRC_CONF,
        COMP_TLS,
        COMP_DOCKER_CLIENT,   /* the docker command (older CIS texts audit /usr/bin/docker) */
        COMP_CONTAINERD_ROOT, /* containerd's root (/var/lib/containerd): watched like the data root */
        COMP_SUPERVISOR,      /* the program of a supervisor that runs containerd (k3s, RKE2) */
        COMP_SUPERVISOR_CONF, /* a supervisor's file that gives containerd's options (config.yaml, args) */
        COMP_PLUGIN_SPEC_DIR, /* a directory of Docker plugin specs an authorization plugin is looked up in */
        COMP_AUTHZ_PLUGIN,    /* an authorization plugin's spec file (NAME.spec, NAME.json) */
        COMP_SUBID,           /* /etc/subuid, /etc/subgid: userns-remap's ranges */
        COMP_SECCOMP_PROFILE, /* daemon.json's seccomp-profile */
        COMP_CDI_SPEC_DIR,    /* a CDI spec directory (/etc/cdi, /var/run/cdi) */
        COMP_NRI_DIR,         /* containerd's NRI plugin or plugin configuration directory */
        COMP_REGISTRY_HOSTS,  /* a registry hosts directory containerd's config_path names (certs.d) */
        COMP_PODMAN,          /* podman, where it serves Docker's API (podman-docker) */
        COMP_PODMAN_UNIT,     /* podman.socket, podman.service */
        COMP_TMPFILES,        /* the tmpfiles.d entry that links /run/docker.sock to podman's socket */
        COMP_INIT_SCRIPT,     /* a runit run script or SysV init script that starts a daemon */
        COMP_INIT_CONF,       /* a file that script reads (runit's conf) */
        _COMP_MAX,
};

enum cis_version {
        CIS_120,
        CIS_160,
        CIS_180,
        _CIS_MAX,
};

struct component_info {
        const char *name;              /* short machine name, e.g. "dockerd" */
        const char *cis[_CIS_MAX];     /* item id per version, NULL when the version has none */
        const char *cis_paths[3];      /* literal CIS paths for this component, NULL-terminated */
        unsigned perms;                /* default permissions (PERM_*) */
};

const struct component_info *component_info(enum component c);
const char *cis_version_name(enum cis_version v);
int cis_version_from_string(const char *s, enum cis_version *ret);
/* "1.1.3/1.2.3" style: every distinct id this component has, newest numbering first. */
int component_cis_ids(enum component c, char **ret);
bool component_is_cis(enum component c);

/* How the data root (and containerd's root, with containerd's binary as the writer) is watched. */
enum data_root_mode {
        DATA_ROOT_STATE,      /* default: recursive, writes and attribute changes, except dockerd's own */
        DATA_ROOT_CIS,        /* CIS v1.6 text: -F path=ROOT -F perm=war (not recursive) */
        DATA_ROOT_RECURSIVE,  /* every write below the data root */
        DATA_ROOT_OFF,
        _DATA_ROOT_MODE_MAX,
};
const char *data_root_mode_name(enum data_root_mode m);
int data_root_mode_from_string(const char *s, enum data_root_mode *ret);

/* How containerd's run-time (state) directory, /run/containerd, is watched. containerd, its
 * shims and runc write task bundles, pid files and sockets below it on every container start. */
enum run_mode {
        RUN_SESSION,          /* default: the directory itself for every program (path=), and
                               * recursively for tasks with a login uid (dir= ... auid!=unset) */
        RUN_CIS,              /* CIS text: -F path=DIR -F perm=war (not recursive) */
        RUN_RECURSIVE,        /* -w DIR: every change below it, the daemons' own included */
        _RUN_MODE_MAX,
};
const char *run_mode_name(enum run_mode m);
int run_mode_from_string(const char *s, enum run_mode *ret);

/* Why no rule is rendered for a target. */
enum skip_reason {
        SKIP_NONE,
        SKIP_UNRESOLVABLE,    /* the path cannot be resolved inside the root (loop, too long) */
        SKIP_TOO_LONG,        /* the path cannot be written on one rules line (whitespace, control
                               * or quote characters, or longer than PATH_MAX) */
        SKIP_NO_PARENT,       /* its parent directory does not exist: the kernel refuses the watch */
        SKIP_NOT_APPLICABLE,  /* a CIS path of a binary the installed version no longer has
                               * (containerd-shim, containerd-shim-runc-v1 with containerd 2.x) */
        SKIP_DANGEROUS,       /* "/", a device, a file named as a file that is a directory, or a system
                               * directory: see guard.h */
        _SKIP_MAX,
};
const char *skip_reason_name(enum skip_reason s);

/* Is a component's path a file (or socket) or a directory by what names it? For the guard. */
bool component_is_dir(enum component c);

/* The evidence of a target that only the CIS Benchmark's text names. */
#define CIS_EVIDENCE "the CIS Benchmark's path"

/* What one instance said of a target. */
struct target_evidence {
        char *instance;       /* instance_key(): "dockerd docker.service" */
        char *evidence;       /* what in it named the path */
};

/* One path the host really uses (or that the CIS text names), with why we think so. */
struct target {
        enum component comp;
        char *path;           /* normalised host path, as it will be written in the rule */
        char *evidence;       /* what named it: "docker.service ExecStart (/lib/...)", ... */
        enum path_state state;
        bool is_dir;
        bool cis_literal;     /* the literal CIS path (emitted for scanners) */
        bool cis_only;        /* named only because the CIS text names it (evidence says so) */
        bool link;            /* the path itself is a symlink (watched as the link) */
        bool wanted_missing;  /* read by the active configuration: watch even while missing */
        bool volatile_parent; /* parent lives below /run and is made at run time: a rule for it
                               * would fail at boot, so it is loaded live only */
        bool user_tree;       /* named by a user's (rootless) configuration and in that user's
                               * tree: loaded live only, after its path is checked again (the user
                               * could swap a component for a link before a boot-time load, and
                               * the kernel would follow it), and never with the read class */
        unsigned user_uid;    /* that user, when user_tree */
        enum skip_reason skip_reason; /* why no rule is rendered for it, SKIP_NONE when one is */
        char *skip;           /* the same, as the text shown to the user (NULL when SKIP_NONE) */
        char *owner;          /* data root: the daemon binary that writes it (for -F exe!=) */
        char *note;           /* what else the path holds, for --list-paths ("holds Docker's image
                               * store (containerd-snapshotter on, daemon.json:3)"), or NULL */
        char *instance;       /* the instance that first named it, "dockerd docker.service"
                               * (instance_key()); NULL for the host's programs and CIS paths */
        struct target_evidence *by_instance; /* every instance that named it, each with its own
                               * evidence, sorted by instance key then evidence: the same
                               * whatever order the instances were walked in (evidence and
                               * instance above are the first one's) */
        size_t n_by_instance;
};

struct discovery_options {
        bool cis_paths;       /* also emit the literal CIS paths (default true) */
};

struct dockerd_instance;
struct containerd_instance;

struct discovery {
        struct target *targets;
        size_t n_targets;
        struct problems problems;     /* met while discovering (malformed files etc.), each said
                                       * once: reported, never fatal */
        char *dockerd;        /* the host's dockerd binary (resolved, root's): the data root's
                               * exe!= exemption when its instance names none */
        bool cis_paths;       /* the literal CIS paths were asked for (discovery_options) */
        /* The daemons found (instance.h): what the targets were made from. */
        struct dockerd_instance *dockerds;
        size_t n_dockerds;
        struct containerd_instance *containerds;
        size_t n_containerds;
        struct hindex target_index; /* the targets by path */
};

void discovery_done(struct discovery *d);
/* The target of path (normalised, NULL for a target with no path) with this evidence: 1 and *ret
 * the new one, 0 and *ret the existing one of that path, -ENOMEM. */
int discovery_add_target(struct discovery *d, enum component comp, const char *path,
                         const char *evidence, struct target **ret);
/* A problem of file (NULL: of the host) at line (0: the whole file), said once (problems.h).
 * 0 or -ENOMEM. */
int discovery_add_problem(struct discovery *d, const char *file, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* The same, as a warning (struct problem.warning). */
int discovery_add_warning(struct discovery *d, const char *file, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Discover what Docker uses in root (opts may be NULL: the defaults). 0 with *ret filled (free it
 * with discovery_done()), or -ENOMEM; what a file does wrong is a problem in ret->problems,
 * never a failure. (discover.c) */
int discover(const struct root *root, const struct discovery_options *opts, struct discovery *ret);
