/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One containerd config.toml file, the keys that name files or programs: top-level `root`,
 * `state`, `plugin_dir`, `version`, `imports`; `address` in the `[grpc]`, `[ttrpc]` and `[debug]`
 * tables (`[metrics] address` is a TCP address, not kept); and the CRI runtimes:
 * `runtime_type` and `options.BinaryName` of
 *   [plugins.cri.containerd.runtimes.NAME]                            (version 1)
 *   [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.NAME]    (version 2)
 *   [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.NAME] (version 3, containerd 2.x)
 * A strict reader of TOML (containerd refuses a file that is not TOML, or whose kept keys have
 * the wrong type, and does not start): comments, blank lines, [table] and [a.b."c"] headers,
 * [[array-tables]], key = value with bare, basic ("...") and literal ('...') keys and strings,
 * integers, floats, booleans, dates, arrays and inline tables (possibly spanning lines),
 * multi-line strings. Dotted keys and inline tables are followed, so `grpc.address = ...` at the
 * top level or `grpc = { address = ... }` count too. A kept key given twice, or with a value of
 * the wrong type (a string; `version` an integer; `imports` an array of strings), is an error;
 * so is anything else outside TOML, with its line. */

enum containerd_cri {
        CONTAINERD_CRI_V1,      /* plugins.cri (a version 1 file) */
        CONTAINERD_CRI_V2,      /* plugins."io.containerd.grpc.v1.cri" */
        CONTAINERD_CRI_V3,      /* plugins."io.containerd.cri.v1.runtime" */
};

/* The plugin key, "cri", "io.containerd.grpc.v1.cri"...; NULL when out of range. */
const char *containerd_cri_to_string(enum containerd_cri c);

struct containerd_runtime {
        enum containerd_cri plugin;  /* the section it was found in */
        char *name;
        char *runtime_type;          /* e.g. "io.containerd.runc.v2"; NULL when unset */
        char *binary_name;           /* options.BinaryName; NULL when unset */
};

struct containerd_config {
        char *root;
        char *state;
        char *grpc_address;
        char *ttrpc_address;
        char *debug_address;
        char *plugin_dir;
        int version;                 /* 0 when absent (containerd takes that as 1) */
        char **imports;              /* as written; NULL when absent */
        /* registry.config_path, the hosts.toml/certs.d directories (':'-separated), of
         * plugins.cri (version 1), plugins."io.containerd.grpc.v1.cri" (version 2) and
         * plugins."io.containerd.cri.v1.images" (version 3), indexed by enum containerd_cri */
        char *registry_config_path[3];
        /* [plugins."io.containerd.nri.v1.nri"]: plugin_path, plugin_config_path, disable */
        char *nri_plugin_path;
        char *nri_plugin_config_path;
        bool nri_disable_set;
        bool nri_disable;
        struct containerd_runtime *runtimes;
        size_t n_runtimes;           /* in the order first seen */
};

void containerd_config_done(struct containerd_config *c);

/* Returns 0, or -EINVAL with *ret_line (1-based) and *ret_msg (short, static) for the first
 * malformed line; *ret is then left empty. Keys that are absent stay NULL. -ENOMEM. */
int containerd_toml_parse(const char *data, size_t len, struct containerd_config *ret,
                          unsigned *ret_line, const char **ret_msg);
