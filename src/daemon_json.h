/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The keys of dockerd's daemon.json that name files, as dockerd reads them (moby
 * daemon/config/config.go getConflictFreeConfiguration(), daemon/runtime_unix.go
 * setupRuntimes()). The bytes are decoded as dockerd does: a UTF-8 byte order mark is dropped, a
 * UTF-16 (LE or BE) one makes the rest UTF-16, turned into UTF-8; without one the file must be
 * UTF-8. Then strict JSON (json-c). The deprecated "graph" stands in for an absent "data-root";
 * "hosts" may also be a single string. A JSON null is the same as an absent key.
 *
 * What is kept, and why (every one is something whose change alters what dockerd runs or trusts):
 *   data-root, exec-root   dockerd's state; watched as directories
 *   hosts, containerd      the sockets dockerd serves and the containerd it talks to
 *   tlscacert/cert/key     whom the TCP socket trusts
 *   runtimes               programs run as root for every container: "path" (a runc-compatible
 *                          binary), "runtimeType" (a shim name, or the absolute path of a shim
 *                          binary) and "options" "BinaryName" (the binary the runc shim runs)
 *   seccomp-profile        a file whose change weakens every container's confinement
 *                          ("unconfined" and "builtin" are not files)
 *   cdi-spec-dirs          CDI device specs there can add hooks that run as root
 *   userland-proxy-path    docker-proxy, run as root for every published port
 *   init-path              docker-init, the PID 1 of containers run with --init
 *   authorization-plugins  names of plugins every API request is sent to: their spec files say
 *                          where (moby pkg/plugins/discovery.go); a changed spec bypasses them
 *   userns-remap           "default" or USER[:GROUP]: the remapped ranges come from /etc/subuid
 *                          and /etc/subgid (moby daemon/daemon_unix.go setupRemappedRoot())
 *   features.cdi           true or false: whether dockerd reads the CDI spec directories
 *   features.containerd-snapshotter
 *                          true or false: whether Docker's images and snapshots live in
 *                          containerd's root instead of the data root (moby
 *                          daemon/image_store_choice.go determineImageStoreChoice())
 *   storage-driver         a graphdriver's name (overlay2, fuse-overlayfs, btrfs, zfs, vfs) keeps
 *                          the images in the data root; another is a containerd snapshotter's
 * Not kept: pidfile (dockerd rewrites it at every start: only noise), default-runtime (a name:
 * the runtime's own files are what count), exec-opts (no paths). */

/* One entry of "runtimes". */
struct daemon_runtime {
        char *name;
        char *path;           /* NULL when unset */
        char *runtime_type;   /* NULL when unset */
        char *binary_name;    /* options.BinaryName; NULL when unset */
};

struct daemon_config {
        char *data_root;
        char *exec_root;
        char *containerd;
        char **hosts;
        char **runtimes;      /* "NAME=PATH" for every runtimes.NAME.path (non-empty name and path) */
        char *tlscacert;
        char *tlscert;
        char *tlskey;
        struct daemon_runtime *runtime_list; /* every runtime with a non-empty name, in file order */
        size_t n_runtime_list;
        char *seccomp_profile;
        char **cdi_spec_dirs; /* NULL when absent */
        char *userland_proxy_path;
        char *init_path;
        char **authorization_plugins; /* NULL when absent */
        char *userns_remap;
        bool cdi_set;         /* "features" has "cdi" */
        bool cdi;             /* its value */
        bool snapshotter_set; /* "features" has "containerd-snapshotter" */
        bool snapshotter;     /* its value */
        unsigned snapshotter_line; /* the 1-based line of that key, 0 when not known */
        char *storage_driver; /* NULL when absent */
};

void daemon_config_done(struct daemon_config *c);

/* Parse daemon.json text. Returns 0; -EINVAL for malformed JSON or a top level that is not an
 * object, or a known key of the wrong type (*ret_line set to the 1-based line of the error
 * when known, else 0; *ret_msg gets a short static description). An empty or whitespace-only
 * file is -ENODATA. Keys given with the wrong type are reported (the first one; line 0), the
 * others still filled in. A runtime dockerd refuses (named "runc", with both or neither of
 * "path" and "runtimeType", "options" with "path") or cannot select (an empty name) is reported
 * the same way; the empty-named one is left out, the others kept. */
int daemon_json_parse(const char *data, size_t len, struct daemon_config *ret, unsigned *ret_line,
                      const char **ret_msg);
