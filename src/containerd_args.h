/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/* containerd's global options that move its files, from a command line (argv[0] is the program
 * and is skipped), read as containerd reads them: urfave/cli v1 over Go's flag package. "-x" and
 * "--x" are the same option; a value follows "=" or is the next argument (whatever it looks
 * like); the first argument that is not an option (a subcommand, "config dump") or a lone "--"
 * ends the options; a later option replaces an earlier one. containerd applies --root, --state
 * and --address over config.toml's root, state and [grpc] address (cmd/containerd/command
 * applyFlags()), and makes a relative --root or --state absolute against its working directory. */

struct containerd_opts {
        char *config;         /* --config, -c */
        char *address;        /* --address, -a */
        char *root;           /* --root */
        char *state;          /* --state */
        char **problems;      /* what containerd would refuse, one sentence each, or NULL */
};

void containerd_opts_done(struct containerd_opts *o);

/* Returns 0, or -EINVAL when containerd would refuse the command line and not start: an option
 * it does not define, an option that needs a value at the end, a malformed "-=x"; o->problems
 * says which, naming the option. The options read before and after are still filled in. */
int containerd_args_parse(char * const *argv, struct containerd_opts *o);

/* Whether two command lines give containerd the same files (each field equal, or both unset). */
bool containerd_opts_same(const struct containerd_opts *a, const struct containerd_opts *b);
