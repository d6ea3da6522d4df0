/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* Files of variables: systemd's EnvironmentFile= (/etc/default/docker, /etc/sysconfig/docker),
 * and files a shell script sources (OpenRC's /etc/conf.d/docker, /etc/sysconfig/auditd). */

/* A line the reader skipped or took differently than its author may have meant. */
struct envfile_warning {
        unsigned line;          /* 1-based, the line where the assignment (or the odd text) starts */
        char *message;          /* one sentence, no file name, no trailing period */
};

struct envfile_warnings {
        struct envfile_warning *items;
        size_t n;
};

void envfile_warnings_done(struct envfile_warnings *w);

/* An EnvironmentFile= as systemd reads it (src/basic/env-file.c parse_env_file_internal(),
 * load_env_file(), then exec_context_load_environment() dropping invalid names):
 *  - lines whose first non-blank character is '#' or ';' are comments; a comment ends at the
 *    end of its line even after a trailing backslash;
 *  - KEY is everything up to the first '=' with surrounding blanks trimmed, so "A = 1" sets A;
 *    a line without '=' ("fi", "if [ ... ]; then") is ignored, and so is an assignment whose
 *    name is not [A-Za-z_][A-Za-z0-9_]* (that includes "export A=1": its name is "export A");
 *  - after '=' blanks are skipped; then '...' is literal, "..." keeps its text with \" \\ \`
 *    \$ unescaped, any other backslash kept and backslash-newline removed; quoted parts and
 *    unquoted parts join into one value ("a"'b'c is abc); quotes may span lines, and a quote
 *    never closed takes the rest of the file;
 *  - unquoted text runs to the end of the line, interior blanks and '#' included
 *    ("--dns 8.8.8.8 --data-root /x"); trailing blanks are trimmed; a backslash takes the next
 *    character literally and backslash-newline joins lines;
 *  - nothing is expanded: "$VAR" stays as it is; a later assignment replaces an earlier one;
 *  - a NUL byte or invalid UTF-8 in a name or value makes systemd refuse the whole file.
 * Returns 0 with *ret_env a NULL-terminated "KEY=VALUE" list: base (may be NULL) with the file's
 * assignments over it, as systemd merges EnvironmentFile= over Environment=. Returns -EBADMSG when
 * systemd would refuse the whole file: *ret_env is then a copy of base. Every line skipped gives
 * a warning in *ret_warnings (at most 64, the last one saying so when more were dropped); past
 * 1024 distinct names the rest of the file is not read (a warning says so). -ENOMEM, and -EINVAL
 * for data NULL with len > 0: outputs untouched. ret_warnings may be NULL. */
int envfile_load(const char *data, size_t len, char * const *base, char ***ret_env,
                 struct envfile_warnings *ret_warnings);

/* Compatibility form of envfile_load(): returns 0 (or -EBADMSG, -ENOMEM) and sets *ret_line to 0
 * (or the line of the first warning when returning -EBADMSG); the warnings are dropped. Callers
 * should move to envfile_load() and report each warning. ret_line may be NULL. */
int envfile_parse(const char *data, size_t len, char * const *base, char ***ret_env, unsigned *ret_line);

/* A file a POSIX shell sources (OpenRC's /etc/conf.d/NAME, RHEL's /etc/sysconfig/auditd read by
 * its init script). KEY=VALUE lines, an optional leading "export ", '#' and ';' comment lines,
 * single quotes (literal), double quotes (backslash escapes \" \\ \$ \`), unquoted values end at
 * unescaped whitespace or '#' after whitespace, backslash-newline continues a line.
 * "$VAR"/"${VAR}" references to variables set earlier in the same file (or in base) are
 * expanded, others become empty. Nothing is executed: a command substitution "$(...)" or
 * backquote is kept as literal text.
 *
 * Returns 0 with *ret_env a NULL-terminated "KEY=VALUE" list (a later assignment replaces an
 * earlier one), or -EINVAL with *ret_line set to the first malformed line (unterminated quote,
 * invalid variable name); the assignments before it are still returned in *ret_env (a shell stops
 * at a syntax error too).
 * Details: *ret_env holds only the file's own assignments, base is only looked up (the file's
 * variables first). Several assignments may share a line ("A=1 B=2"); anything else after an
 * unquoted value that is not a comment (a command, in shell terms) is malformed, as is "A = 1".
 * "export NAME" without a value is ignored. Quoted values may span lines. "${VAR:-x}" and other
 * parameter expansions are kept as literal text. In double quotes a backslash before any other
 * character stays. The malformed line reported is the one where the assignment started; a line
 * holding a NUL byte is malformed. CRLF line ends are accepted. A value growing over 1 MiB by
 * expansion, all values together over 8 MiB, or more than 1024 distinct names, give -E2BIG,
 * treated like -EINVAL. On other errors *ret_env is untouched. ret_line may be NULL and is set to
 * 0 on success. */
int envfile_parse_shell(const char *data, size_t len, char * const *base, char ***ret_env, unsigned *ret_line);

/* Value of KEY in a "KEY=VALUE" list, NULL when unset (the last one, should KEY occur twice). */
const char *env_get(char * const *env, const char *key);
/* Set (replace in place or append) KEY=VALUE in the list; -EINVAL for an empty KEY or one
 * containing '='. */
int env_set(char ***env, const char *key, const char *value);
