/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* Shell-like variable files: systemd EnvironmentFile= files (/etc/default/docker,
 * /etc/sysconfig/docker) and OpenRC's /etc/conf.d/docker. KEY=VALUE lines, an optional
 * leading "export ", '#' and ';' comment lines, single quotes (literal), double quotes
 * (backslash escapes \" \\ \$ \`), unquoted values end at unescaped whitespace or '#' after
 * whitespace, backslash-newline continues a line. "$VAR"/"${VAR}" references to variables
 * set earlier in the same file (or in base) are expanded, others become empty. Nothing is
 * executed: a command substitution "$(...)" or backquote is kept as literal text.
 *
 * Returns 0 with *ret_env a NULL-terminated "KEY=VALUE" list (a later assignment replaces an
 * earlier one), or -EINVAL with *ret_line set to the first malformed line (unterminated quote,
 * invalid variable name); the assignments before it are still returned in *ret_env. */
int envfile_parse(const char *data, size_t len, char * const *base, char ***ret_env, unsigned *ret_line);

/* Value of KEY in a "KEY=VALUE" list, NULL when unset. */
const char *env_get(char * const *env, const char *key);
/* Set (replace or append) KEY=VALUE in the list. */
int env_set(char ***env, const char *key, const char *value);
