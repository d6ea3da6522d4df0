/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "problems.h"

#include <stdbool.h>
#include <stddef.h>

#include "root.h"
#include "rule.h"
#include "discover.h"
#include "render.h"

/* The administrator's choices, kept in a configuration file that every mode, the units, the
 * package hooks and the Ansible role read, so that a later run with no options keeps them.
 *
 * Format: systemd's configuration file syntax (systemd.syntax(7), as journald.conf): a
 * [Rules] section with KEY=VALUE lines, '#' and ';' comments. The main file is
 * SETTINGS_FILE inside the root; drop-ins SETTINGS_FILE.d/ *.conf follow in file-name order, a
 * later assignment overriding an earlier one. An explicit file (--config FILE) is read alone.
 * Precedence, lowest first: built-in defaults, the files, the command line.
 *
 *   [Rules]
 *   Key=docker             audit key of every rule (1 to 256 characters, no spaces, quotes,
 *                          '#' or '\')
 *   Permissions=rwxa       permissions of every -w rule, letters from rwxa; empty: each
 *                          component's own default
 *   DataRootMode=state     state, cis, recursive or off
 *   RunMode=session        session, cis or recursive
 *   BinaryReads=all        all or others: which reads of Docker's binaries are recorded
 *   CISPaths=yes           also watch the CIS Benchmark's literal paths (yes/no, true/false,
 *                          on/off, 1/0)
 *   Order=last             where our rules stand among the host's: last (appended, fragment
 *                          FRAGMENT_NAME) or first (prepended, fragment FRAGMENT_NAME_FIRST)
 *
 * An unknown section or key is a warning and ignored, as systemd does; a value that cannot be
 * understood is a problem and leaves the setting as it was. */

#define SETTINGS_FILE "/etc/docker-audit-rules.conf"

struct settings {
        char *key;                /* NULL: not set */
        bool have_perms;
        unsigned perms;           /* 0: each component's default */
        bool have_data_root_mode;
        enum data_root_mode data_root_mode;
        bool have_run_mode;
        enum run_mode run_mode;
        bool have_binary_reads;
        enum binary_reads binary_reads;
        int cis_paths;            /* -1 not set, else 0 or 1 */
        bool have_order;
        enum rule_order order;
        char **files;             /* host paths of the files read, in the order applied */
        struct problems problems;
};

void settings_done(struct settings *s);

/* Read the settings inside root. explicit_path NULL: SETTINGS_FILE and its drop-ins, a missing
 * file being fine; else exactly that host path, which must exist (-ENOENT otherwise, and
 * -EACCES, -EISDIR, -EFBIG ... as root_read_file() returns them). A default file that exists
 * but cannot be read is a problem, not an error. Returns 0 or -errno (-ENOMEM); *ret is
 * filled on 0 only. */
int settings_load(const struct root *root, const char *explicit_path, struct settings *ret);

/* Parse one file's text into s (later calls override earlier ones). file names it in
 * problems. Returns 0 or -ENOMEM. */
int settings_parse(struct settings *s, const char *file, const char *data, size_t len);

/* "yes"/"no" and systemd's other boolean spellings; -EINVAL otherwise. */
int parse_boolean(const char *v);
