/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Shell scripts that start a daemon, read as text (never run): a wrapper that exec's the real
 * program (NixOS's makeWrapper, a distribution's wrapper), a runit run script, a SysV init
 * script. Nothing here reads a file: the callers hand the text in, bounded. */

#include <stddef.h>

/* Largest script read as text; a bigger file is a program, not a wrapper. */
#define WRAPPER_MAX_SIZE (64 * 1024)

/* Is data a shell script ("#!" naming sh, bash, dash, ash or ksh, or "/usr/bin/env" with one of
 * them)? */
int script_is_shell(const char *data, size_t len);

/* The words of the last line of a shell script whose command is `exec` and that runs a program
 * called name (basename; NULL: whatever program exec runs), from that program on: *ret_argv is
 * that program and its arguments. Lines continued with a backslash are joined; `exec`'s own
 * options (-a NAME, -c, -l) and shell redirections ("2>&1", ">file") are dropped; variables are
 * expanded from env (NULL-terminated "KEY=VALUE", e.g. a conf file the script sources) as
 * exec_split() does ("$OPTS" alone splits into words; "$@" and "$0" give no word).
 * 1 when found, 0 when the script has no such line, -ENOMEM. */
int script_exec_argv(const char *data, size_t len, char * const *env, const char *name, char ***ret_argv);

/* A wrapper: a shell script whose last exec runs an absolute program. 1 with that program in
 * *ret_program and the absolute directories its PATH assignments add ('...' quoted parts of
 * "PATH=" and "export PATH=" lines, as makeWrapper writes them: `PATH='/nix/store/X/bin'$PATH`)
 * in *ret_path_dirs (NULL-terminated, maybe empty); 0 when data is not one; -ENOMEM.
 * Source: nixpkgs pkgs/build-support/setup-hooks/make-wrapper.sh (its output ends with
 * `exec -a "$0" "/nix/store/...-pkg/bin/.NAME-wrapped" "$@"` or `exec "/nix/store/..." "$@"`). */
int wrapper_parse(const char *data, size_t len, char **ret_program, char ***ret_path_dirs);
