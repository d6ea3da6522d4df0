/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "root.h"
#include "problems.h"
#include "rule.h"

/* The audit rules directory as augenrules sees it: every *.rules file, in natural (version)
 * sort order, line by line. */

struct rules_line {
        const char *file;         /* points into rules_dir.files */
        unsigned line;
        enum rule_line_type type; /* or LINE_EMPTY for errors, see error */
        int error;                /* -EINVAL: auditctl would refuse this line */
        const char *why;
        char *text;               /* for errors and control lines only */
        struct rule rule;         /* when type == LINE_WATCH; kind decided like auditctl */
};

/* A line that would fail at boot although auditctl accepts its syntax. */
struct rules_trouble {
        const char *file;         /* points into rules_dir.files */
        unsigned line;
        const char *why;          /* static text */
};

struct rules_dir {
        char *dir;                /* the real directory read */
        char **files;             /* file paths, in load order, ours excluded */
        struct rules_line *lines; /* errors, control lines, and the watches that concern us */
        size_t n_lines, allocated;
        struct rules_trouble *troubles;   /* parent missing, or the same rule loaded earlier */
        size_t n_troubles;
        struct problems problems; /* files skipped or unreadable (line 0) */
        struct filter_rule *never; /* never rules on the task and exit lists, in load order; pos
                                    * is RULES_POS_FIRST (-A), RULES_POS_BEFORE or RULES_POS_AFTER
                                    * our fragment (own_name) in augenrules' order */
        size_t n_never;
        struct filter_rule *takers; /* always rules of the exit list (watches as the rule they load:
                                    * `-w DIR` a dir= field, `-w FILE` path=, with perm=) without
                                    * keep_key that can take events on a keep path
                                    * (shadow_take_classes(), that path taken as recursive), in
                                    * load order, pos as for never */
        size_t n_takers;
};

/* Evaluation order at boot, for shadow_judge(): our fragment's rules are RULES_POS_OWN. */
enum {
        RULES_POS_FIRST = 0,      /* -A: prepended when loaded, so before ours whatever the file */
        RULES_POS_BEFORE = 1,     /* -a in a file that sorts before ours */
        RULES_POS_OWN = 2,
        RULES_POS_AFTER = 3,      /* -a in a file that sorts after ours */
};

void rules_dir_done(struct rules_dir *d);

/* Read every *.rules file of dir_real except own_name. Paths in watch rules are looked up
 * inside root to decide, like auditctl, whether `-w` makes a directory watch. Files that are
 * not regular files, unreadable or symlinks are recorded as problems and skipped. A missing
 * directory is an empty one, one that cannot be read for want of permission an empty one with
 * a problem; -ENOTDIR, -ELOOP... otherwise. File names are reported below display_dir (the host's view of the
 * directory when it lies inside the root). */
int rules_dir_read(const struct root *root, const char *dir_real, const char *display_dir, const char *own_name,
                   struct rules_dir *ret);

/* The same, keeping a watch line only when its path is one of keep_paths or it carries keep_key
 * (the others are still checked for lines that fail at boot, then dropped: a rules directory
 * with 10,000 unrelated watches costs little memory), and a rule of another key as a taker only
 * when it can take events on one of keep_paths. NULL keep_paths and keep_key keep all. */
int rules_dir_read_filtered(const struct root *root, const char *dir_real, const char *display_dir,
                            const char *own_name, char * const *keep_paths, const char *keep_key,
                            struct rules_dir *ret);
/* The same, also skipping old_name (NULL: none): our fragment under the name of the other order
 * (fragment_name_for()), which the next install removes. */
int rules_dir_read_except(const struct root *root, const char *dir_real, const char *display_dir,
                          const char *own_name, const char *old_name, char * const *keep_paths,
                          const char *keep_key, struct rules_dir *ret);

/* The file name of our fragment in the rules directory for an order: FRAGMENT_NAME for
 * ORDER_LAST, FRAGMENT_NAME_FIRST for ORDER_FIRST, which sorts before the host's files in
 * augenrules' order (ls -1v: version sort, augenrules(8)). Static text. */
const char *fragment_name_for(enum rule_order order);

/* An empty rules directory with one problem: dir could not be resolved or read (err, -errno).
 * 0 or -ENOMEM. */
int rules_dir_unreadable(const char *dir, int err, struct rules_dir *ret);

/* The real path of the rules directory: override when given, else RULES_DIR resolved inside
 * root (-EACCES, -ELOOP... when it cannot be resolved: the unresolved path is never returned,
 * an absolute link in it would lead out of the root). */
int rules_dir_path(const struct root *root, const char *override, char **ret);

/* Decide a parsed -w rule's kind the way auditctl does: a directory that exists (inside root)
 * makes WATCH_DIR. FORM_A rules keep the kind their field gave. */
void rule_decide_kind(const struct root *root, struct rule *r);
