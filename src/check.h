/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "options.h"
#include "plan.h"
#include "probe.h"
#include "rule.h"

/* --check: the judge (check.c) and its printers (check-print.c).
 *
 * check_judge() turns a plan (built, fragment read, kernel read) into a struct check_result:
 * the verdict per target (verdicts_build()), the drift read from the install diff's DELETE
 * actions (diff_build()), the never rules that silence ours (verdict_shadows_build()), and
 * the findings only a check looks at (the fragment's lines, owner and mode, other files'
 * lines that fail at boot, the boot loader, the audit status, --probe). It prints nothing.
 * The printers only format a result; the exit status is the result's, whatever the format. */

/* Something the check found beside the verdicts per target, in the order found. */
struct check_finding {
        enum severity sev;        /* SEV_NONE: a note */
        char *message;            /* one line, as printed */
};

/* What a check asks for beyond the plan. */
struct check_request {
        int cis;                  /* -1, or the enum cis_version that decides which targets count */
        bool probe;               /* --probe: prove that an event comes */
        int probe_timeout_ms;
        char *const *probe_paths; /* --probe-path (NULL: the representative paths) */
        /* What runs the probe: NULL is probe_run() (probe.h); a test gives its own, which fills
         * a struct probe as probe_run() would. */
        int (*run_probe)(const struct plan *p, char *const *paths, int timeout_ms, struct probe *ret);
};

struct check_result {
        const struct plan *p;     /* the plan judged; not owned, must outlive the result */
        int cis;                  /* as requested */
        bool kernel_read;         /* the kernel's rules were read: the verdicts speak of it */
        struct verdicts verdicts; /* one per target */
        struct diff diff;         /* the install diff (kernel read only) */
        char **stale;             /* its DELETE actions, each as diff_rule_line() formats it */
        struct check_finding *findings;
        size_t n_findings;
        struct verdict_shadows shadows;
        unsigned n_shadowing;     /* never rules that silence some or all of ours */
        unsigned n_key_shadowing; /* rules of other keys before ours that take our events (in the
                                   * kernel and in the rules files, each place counted) */
        int n_problems;           /* discovery and rules-directory problems (each a warning) */
        bool probed;              /* probe holds a run */
        struct probe probe;
        char **probe_taken_by;    /* one per probe result: for OTHER_KEY the rules of that key that
                                   * take its class on its path, as the finding says them ("" when
                                   * none is known); NULL for the others */

        /* The judgement, computed once: */
        int status;               /* CHECK_OK, CHECK_WARNING, CHECK_CRITICAL or CHECK_UNKNOWN */
        unsigned n_judged;        /* targets that count: watched, counted (--cis), and judged
                                   * at all (a live-only rule is not, under --root) */
        unsigned n_covered;       /* of those, covered now and at boot (--root: at boot); never
                                   * more than n_judged */
        unsigned n_not_watched;   /* counted targets that get no rule */
        unsigned n_critical;      /* verdicts and findings of severity critical */
        unsigned n_warning;       /* ... and warning */
};

/* Judge the plan p. It must have been through plan_build(), plan_read_disk() and
 * plan_read_kernel() (or have the same fields set by hand). With q->probe and a readable kernel
 * the probe runs (probe_run(): one harmless action per permission class on a watched path of
 * each kind), and each of its results is a finding: seen with our key a note, with another key
 * a warning naming the loaded watches of that key on the path or above it, missed critical, not
 * probed a note. Returns 0, or -ENOMEM
 * (or a probe's -errno), leaving *ret untouched. Release the result with check_result_done(). */
int check_judge(const struct plan *p, const struct check_request *q, struct check_result *ret);
void check_result_done(struct check_result *c);

/* The kernel's rules were read (loaded or locked): the verdicts speak of the running kernel. */
bool check_kernel_read(const struct plan *p);
/* Covered: in the kernel and in a file that loads at boot (live-only rules: in the kernel); under
 * --root (kernel not read) in the file alone. */
bool check_covered(const struct check_result *c, const struct verdict *v);
/* Counts among the targets judged. */
bool check_judged(const struct check_result *c, const struct verdict *v);

/* ---- Printers (check-print.c): they only format, and call nothing of check.c. ---- */

/* "OK", "WARNING", "CRITICAL", "UNKNOWN": the monitoring-plugin words; NULL out of range. */
const char *check_status_to_string(int status);

/* The summary line, then one line per target (those with no rule only with verbosity >= 1), stale
 * rules and findings; with verbosity >= 0 the plan's problems go to standard error. */
void check_print_text(FILE *f, const struct check_result *c, int verbosity);
/* One JSON object (schema "docker-audit-rules/check", version 1). */
void check_print_json(FILE *f, const struct check_result *c);
/* node_exporter's textfile format. */
void check_print_prometheus(FILE *f, const struct check_result *c);
/* Nothing could be judged: one line, one JSON object or the status metric, in format fmt; what
 * names the step that failed (may be NULL), err is -errno. Returns CHECK_UNKNOWN. */
int check_print_unknown(FILE *f, enum format fmt, const char *what, int err);

/* --check. Returns a monitoring-plugin exit status (CHECK_*), the same whatever the output
 * format or verbosity: builds the plan, judges it, prints the result to standard output or
 * (--output) atomically to a file. */
int run_check(const struct options *o);
