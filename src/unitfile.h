/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* systemd unit files and drop-ins, read the way systemd reads them: [Section] headers,
 * KEY=VALUE, '#' and ';' comment lines, a trailing backslash continues a line (comment lines
 * inside a continuation are skipped), whitespace around KEY and VALUE trimmed. */

struct unit_entry {
        char *section;
        char *key;
        char *value;          /* after continuation joining; may be empty ("ExecStart=") */
        unsigned line;        /* first line of the entry, 1-based */
};

struct unit_file {
        struct unit_entry *entries;
        size_t n_entries;
};

void unit_file_done(struct unit_file *u);

/* Returns 0, or -EINVAL for a malformed line (*ret_line set to it; entries up to it are kept
 * in *ret so that the caller may go on with what was understood). Lines outside any section,
 * a '[' line without ']', a line without '=' are malformed. Lines longer than 64 KiB -E2BIG.
 * Details: *ret needs no initialisation and is to be released with unit_file_done() after 0,
 * -EINVAL or -E2BIG (-E2BIG keeps the entries before it and sets *ret_line too, also for a
 * continued line growing over 64 KiB); on other errors it is untouched. ret_line may be NULL
 * and is set to 0 on success. An empty key, and a NUL byte anywhere on a line, are malformed
 * too. A malformed continued line is reported at its first line. CRLF line ends and a leading
 * UTF-8 byte order mark are accepted. As in systemd the trailing backslash of a continued line
 * becomes a space and the next line is appended as it is. */
int unit_file_parse(const char *data, size_t len, struct unit_file *ret, unsigned *ret_line);

/* Split a systemd command line (ExecStart value) into words, as systemd does: double and
 * single quotes, backslash escapes (\\ \" \' \n \t \s, \xNN), a leading '-', '@', ':', '+', '!'
 * or "!!" prefix on the first word removed (and '@' makes the next word argv[0]: the
 * returned vector is the program path followed by the arguments after argv[0]).
 * Variables are expanded from env (NULL-terminated "KEY=VALUE" list): "$VAR" standing alone as
 * a word splits the value at whitespace into words (an unset or empty one gives no word),
 * "${VAR}" is replaced inside the word as is; "$$" is a literal '$'. Specifiers ('%' followed
 * by a letter) are left as they are, except "%%" which becomes '%'.
 * -EINVAL on an unterminated quote or a bad escape; -E2BIG when the expanded words would pass
 * 2 MiB, more than execve(2) takes. Only the first command is returned when
 * several are joined with " ; ".
 * Details, following systemd: an empty command line gives an empty vector; an empty path
 * (e.g. "-" alone) or '@' without an argv[0] word is -EINVAL. Escapes are resolved inside
 * quotes too; \a \b \f \r \v, \NNN (octal), \uXXXX and \UXXXXXXXX are understood as well,
 * any other escape (including "\ ") is bad. A word written "\;" is a literal ';'. Variables
 * are expanded in the words after unquoting (so a quoted "$VAR" is split as well), never in the
 * program path, and not at all with the ':' prefix. A "$VAR" value is split like systemd does
 * it, honouring quotes and backslashes in the value. A "$NAME" word whose NAME is not a valid
 * variable name gives no word, an unterminated "${" is kept as it is. */
int exec_split(const char *cmdline, char * const *env, char ***ret_argv);

/* Split an EnvironmentFile= value ("-/etc/default/docker") into its path and whether a
 * missing file is fine (the '-' prefix). Returns -EINVAL for a relative path. */
int environment_file_split(const char *value, char **ret_path, int *ret_optional);
