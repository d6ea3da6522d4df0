/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/* The dockerd options that move Docker's files, from a command line (argv[0] is the program
 * and is skipped). Both "--opt=value" and "--opt value" forms, the short "-g" and "-H"
 * (also "-Hunix:///x"), the deprecated "--graph"; a later option replaces an earlier one
 * (lists accumulate). Unknown options are ignored and consume no value (a stray value that
 * follows one is skipped as a positional argument), "--" ends options. Boolean shorthands
 * may be bundled in front ("-DHunix:///x"). */

struct dockerd_opts {
        char *config_file;    /* --config-file */
        char *data_root;      /* --data-root, -g, --graph */
        char *exec_root;      /* --exec-root */
        char *containerd;     /* --containerd (socket path) */
        char **hosts;         /* -H/--host values, as given ("unix:///run/docker.sock", "fd://") */
        char **runtimes;      /* --add-runtime NAME=PATH, as "NAME=PATH" (name trimmed, lower-cased) */
        char **authorization_plugins; /* --authorization-plugin NAME, every one */
        char *userns_remap;   /* --userns-remap */
        char *seccomp_profile; /* --seccomp-profile */
        char **cdi_spec_dirs; /* --cdi-spec-dir, every one */
        bool snapshotter_set; /* --feature containerd-snapshotter[=BOOL] was given */
        bool snapshotter;     /* its value (Go's strconv.ParseBool; no "=" is true) */
        char *storage_driver; /* --storage-driver, -s */
        char **problems;      /* why a value was refused, one sentence each (at most 64), or NULL */
};

void dockerd_opts_done(struct dockerd_opts *o);

/* Returns 0, or -EINVAL when an option that needs a value has none at the end of argv, or an
 * --add-runtime value is one dockerd refuses (opts RuntimeOpt.Set(): no '=', an empty name or
 * path after trimming blanks, the name "runc", a name defined twice; names are lower-cased);
 * that one is dropped, the others are still filled in, and o->problems says what each refused
 * value was, naming the option ("--add-runtime foo has no =PATH: dockerd refuses to start"). */
int dockerd_args_parse(char * const *argv, struct dockerd_opts *o);

/* The file-system path of a unix socket address ("unix:///run/x.sock" -> "/run/x.sock"; a bare
 * absolute path is taken as is, "unix://" alone is dockerd's default "/var/run/docker.sock"),
 * NULL for anything else (a relative path, tcp://, fd://, npipe://) or on allocation failure. */
char *host_to_socket_path(const char *host);
