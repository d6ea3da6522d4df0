/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "problems.h"

#include <stdbool.h>
#include <stddef.h>

#include "containerd_toml.h"
#include "root.h"

/* containerd's whole configuration: the main config.toml and every file it imports, merged the
 * way containerd does it (cmd/containerd/server/config/config.go, LoadConfig(),
 * resolveImports(), mergeConfig()). */

/* Problems (problems.h) are what containerd would complain about, or refuse to start over. */

struct containerd_load_options {
        /* containerd 1.x globs a relative pattern holding '*' from its working directory, not
         * from the importing file's directory (relative paths without '*' are joined to that
         * directory in every version). Off: containerd 2.x. */
        bool v1_relative_globs;
        const char *cwd;        /* containerd's working directory (host path); "/" when NULL */
        /* When not NULL: filled with the file (host path) whose value won for each key, NULL for
         * a key no file sets; free with containerd_origins_done(). */
        struct containerd_origins *origins;
};

struct containerd_origins {
        char *root, *state, *grpc_address, *ttrpc_address, *debug_address, *plugin_dir;
};

void containerd_origins_done(struct containerd_origins *o);

/* Load the main file at host path `path` (absolute) inside root, then its imports, breadth first
 * as containerd does: every entry of `imports` is cleaned, a relative one joined to the importing
 * file's directory; one holding '*' is globbed (Go's filepath.Glob: '*', '?', '[...]' in any
 * component, sorted per directory, no match is no file) inside the root; a file is loaded once
 * however often it is imported (by its path). Each file is merged over what came before: a
 * non-empty string or non-zero version replaces the earlier one; runtimes are merged by
 * (section, name), field by field (containerd 2.x; containerd 1.x replaces a plugin's whole
 * section, so a runtime an earlier file names may be gone there: watching it anyway is harmless).
 * ret->imports lists the files loaded, in order, as containerd's own `config dump` does.
 *
 * Problems (in *ret_problems, never fatal here): a file that cannot be read or is not TOML
 * (containerd refuses to start; the other files are still read), a malformed glob, a merged
 * version over 3, more than 256 files. Returns 0, -ENOENT when the main file does not exist
 * (outputs untouched: containerd 2.x then uses its defaults, 1.x refuses to start), -EINVAL for a
 * relative path, -ENOMEM. *ret_files_read: host paths of every file read or tried (an import that
 * is missing or unreadable too: creating or fixing it changes the configuration), in load order;
 * *ret_glob_dirs (may be NULL): the directories a glob listed (a file added there changes the
 * configuration). */
int containerd_config_load(const struct root *root, const char *path, const struct containerd_load_options *opts,
                           struct containerd_config *ret, char ***ret_files_read, char ***ret_glob_dirs,
                           struct problems *ret_problems);
