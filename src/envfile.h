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
 * invalid variable name); the assignments before it are still returned in *ret_env.
 * Details: *ret_env holds only the file's own assignments, base is only looked up (the file's
 * variables first). Several assignments may share a line ("A=1 B=2"); anything else after an
 * unquoted value that is not a comment (a command, in shell terms) is malformed, as is "A = 1".
 * "export NAME" without a value is ignored. Quoted values may span lines. "${VAR:-x}" and other
 * parameter expansions are kept as literal text. In double quotes a backslash before any other
 * character stays. The malformed line reported is the one where the assignment started; a line
 * holding a NUL byte is malformed. CRLF line ends are accepted. A value growing over 1 MiB by
 * expansion, all values together over 8 MiB, or more than 1024 distinct names, give -E2BIG, treated like -EINVAL. On other
 * errors *ret_env is untouched. ret_line may be NULL and is set to 0 on success. */
int envfile_parse(const char *data, size_t len, char * const *base, char ***ret_env, unsigned *ret_line);

/* Value of KEY in a "KEY=VALUE" list, NULL when unset (the last one, should KEY occur twice). */
const char *env_get(char * const *env, const char *key);
/* Set (replace in place or append) KEY=VALUE in the list; -EINVAL for an empty KEY or one
 * containing '='. */
int env_set(char ***env, const char *key, const char *value);
