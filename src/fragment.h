/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "root.h"
#include "rule.h"

/* The persistent fragment on disk. */

/* Read it without following a symlink at its name. -ENOENT when absent, -ELOOP for a link. */
int fragment_read(const char *path, char **ret_text);

/* Does text begin with the header render_fragment() writes, that is, was it written by this
 * program (any version)? */
bool fragment_text_is_ours(const char *text);

/* Replace it atomically when its content differs: a temporary file in the same directory,
 * created exclusively with mode 0600, written, fsynced, renamed over the old one, directory
 * fsynced. On any failure the old fragment is left as it was and no temporary file remains.
 * *ret_changed says whether anything was written. */
int fragment_write(const char *path, const char *text, bool *ret_changed);
/* The same with another final mode, for any file written the way the fragment is (the report of
 * --check --output, mode 0644). */
int fragment_write_mode(const char *path, const char *text, mode_t mode, bool *ret_changed);

/* Remove temporary files a killed run left beside it (".NAME.*.tmp"). Call with the lock held.
 * Returns the number removed. */
int fragment_clean_stale(const char *path);

/* Delete it (and fsync the directory). 0 also when it did not exist; *ret_removed says. */
int fragment_remove(const char *path, bool *ret_removed);

/* Take an exclusive lock on the directory of path, waiting for another run if needed
 * (*ret_waited says whether it had to). Returns the fd holding the lock. The directory is
 * created (mode 0750) when its parent exists. */
int fragment_lock(const char *path, bool *ret_waited);

/* One line of a rules text read back: our fragment, or /etc/audit/audit.rules. Only the lines
 * that matter are kept: watches (live-only ones, written as "#   -w ...", marked commented),
 * lines auditctl would refuse, and control lines. */
struct fragment_line {
        unsigned line;            /* 1-based */
        int type;                 /* LINE_WATCH, LINE_CONTROL, or -EINVAL: auditctl would refuse it */
        const char *why;          /* for -EINVAL: static text, may be NULL */
        bool commented;           /* a live-only watch, kept as a comment */
        char *text;               /* the line, for LINE_CONTROL and -EINVAL */
        struct rule rule;         /* for LINE_WATCH: kind decided inside root as auditctl would */
};

struct fragment_lines {
        struct fragment_line *lines;
        size_t n;
};

void fragment_lines_done(struct fragment_lines *l);

/* Parse a rules text as auditctl -R reads it (-w kinds decided against root). The one parser of
 * our own fragment: --remove takes its watches (commented ones included), --check judges every
 * line. Returns 0 or -ENOMEM. */
int fragment_parse(const struct root *root, const char *text, struct fragment_lines *ret);

/* Does l hold a watch equal to r? Commented (live-only) lines count only when with_commented. */
bool fragment_lines_hold(const struct fragment_lines *l, const struct rule *r, bool with_commented);
