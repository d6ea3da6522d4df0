/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* The few keys of containerd's config.toml that name files: top-level `root` and `state`,
 * and `address` in the `[grpc]` table. A small, strict reader of the TOML subset those keys
 * use: comments, blank lines, [table] and [a.b."c"] headers, [[array-tables]], key = value
 * with bare, basic ("...") and literal ('...') keys and strings, integers, floats, booleans,
 * dates, arrays and inline tables (skipped, possibly spanning lines), multi-line strings.
 * Dotted keys and inline tables are followed, so `grpc.address = ...` at the top level or
 * `grpc = { address = ... }` count too. A wanted key given twice, or with a value that is not
 * a string, is an error; so is anything else outside the subset, with its line. */

struct containerd_config {
        char *root;
        char *state;
        char *grpc_address;
};

void containerd_config_done(struct containerd_config *c);

/* Returns 0, or -EINVAL with *ret_line (1-based) and *ret_msg (short, static) for the first
 * malformed line; *ret is then left empty. Keys that are absent stay NULL. */
int containerd_toml_parse(const char *data, size_t len, struct containerd_config *ret,
                          unsigned *ret_line, const char **ret_msg);
