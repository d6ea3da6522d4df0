/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "render.h"
#include "discover.h"

struct settings;

enum mode {
        MODE_INSTALL,
        MODE_PRINT,
        MODE_LIST_PATHS,
        MODE_CHECK,
        MODE_REMOVE,
        MODE_REPORT,
};

enum format {
        FORMAT_TEXT,
        FORMAT_JSON,
        FORMAT_PROMETHEUS,       /* --check only: node_exporter's textfile collector format */
};

/* Exit statuses of every mode but --check (which uses the monitoring-plugin convention). */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,           /* something could not be done: fragment not written, rule refused */
        EXIT_USAGE = 2,          /* bad option or value */
        EXIT_INPUT = 3,          /* done, but a configuration file was malformed or unreadable */
        EXIT_LOCKED = 4,         /* audit configuration locked: fragment written, rules load at boot */
        EXIT_NO_AUDIT = 5,       /* the kernel's audit cannot be reached: fragment written, nothing loaded */
};

/* --check */
enum {
        CHECK_OK = 0,
        CHECK_WARNING = 1,
        CHECK_CRITICAL = 2,
        CHECK_UNKNOWN = 3,
};

struct options {
        enum mode mode;
        const char *root;
        const char *rules_dir;   /* NULL: RULES_DIR inside root */
        const char *output;      /* the fragment (NULL: rules_dir/FRAGMENT_NAME); --check: see check_output */
        const char *fragment;    /* --fragment: our fragment, in every mode */
        struct render_options render;
        struct discovery_options discovery;
        enum format format;
        int cis;                 /* -1: every version, else enum cis_version */
        bool no_load;
        bool no_write;
        bool dry_run;
        bool best_effort;
        int verbosity;           /* -1 quiet, 0 normal, 1 verbose */
        const char *config;      /* --config: the settings file; NULL: SETTINGS_FILE inside the root */
        struct {                 /* which settings the command line gave (they win over the file) */
                bool key, perms, data_root_mode, run_mode, binary_reads, cis_paths, order;
        } given;
        const struct settings *settings; /* what the settings files said, for their problems */
        char **inputs;           /* --report: --input files ("-" standard input); NULL: auditd's logs */
        const char *since;       /* --report: window, as ausearch's -ts/-te take it; NULL: unbounded */
        const char *until;
        bool probe;              /* --check --probe */
        int probe_timeout_ms;    /* 0: not given (2000 with --probe) */
        char **probe_paths;      /* --probe-path: normalised; NULL: the representative paths */
        const char *check_output; /* --check --output: the report goes to this file, atomically */
};
