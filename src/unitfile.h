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
 * a '[' line without ']', a line without '=' are malformed. Lines longer than 64 KiB -E2BIG. */
int unit_file_parse(const char *data, size_t len, struct unit_file *ret, unsigned *ret_line);

/* Split a systemd command line (ExecStart value) into words, as systemd does: double and
 * single quotes, backslash escapes (\\ \" \' \n \t \s, \xNN), a leading '-', '@', ':', '+', '!'
 * or "!!" prefix on the first word removed (and '@' makes the next word argv[0]: the
 * returned vector is the program path followed by the arguments after argv[0]).
 * Variables are expanded from env (NULL-terminated "KEY=VALUE" list): "$VAR" standing alone as
 * a word splits the value at whitespace into words (an unset or empty one gives no word),
 * "${VAR}" is replaced inside the word as is; "$$" is a literal '$'. Specifiers ('%' followed
 * by a letter) are left as they are, except "%%" which becomes '%'.
 * -EINVAL on an unterminated quote or a bad escape. Only the first command is returned when
 * several are joined with " ; ". */
int exec_split(const char *cmdline, char * const *env, char ***ret_argv);

/* Split an EnvironmentFile= value ("-/etc/default/docker") into its path and whether a
 * missing file is fine (the '-' prefix). Returns -EINVAL for a relative path. */
int environment_file_split(const char *value, char **ret_path, int *ret_optional);
