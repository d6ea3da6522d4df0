/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "options.h"
#include "plan.h"

/* Install (the default mode) and --remove: apply.c executes the plan's diff and says what became
 * of each action; apply-print.c formats that. */

/* What became of one action. */
enum apply_outcome {
        APPLY_DONE,              /* done (or, with --dry-run, would be) */
        APPLY_ALREADY,           /* the kernel had it meanwhile: unchanged */
        APPLY_HELD,              /* a delete held back because an add failed: unchanged */
        APPLY_GONE,              /* a delete of a rule gone meanwhile */
        APPLY_FAILED,
};

/* What an install or --remove did (or, with --dry-run, would do). */
struct apply_result {
        struct diff diff;         /* the plan's diff (kernel read and loaded only) */
        enum apply_outcome *results; /* one per action of diff */
        int *errors;              /* -errno per failed action */
        unsigned added, removed, unchanged, failed, left_alone;
        unsigned moved;           /* loaded rules moved where the order asks (ACTION_MOVE) */
        size_t takers, takers_may; /* rules of other keys in the kernel that take (or only may take)
                                   * events on Docker's paths (plan.kernel.takers): with the
                                   * order first, they no longer record them */
        char **taker_keys;        /* their keys, each once, in listing order ("" for none) */
        enum kernel_state kernel;
        char *kernel_message;     /* why the kernel was not (fully) changed, and what to do */
        bool fragment_changed;    /* written (--dry-run: would be) */
        bool fragment_removed;
        bool old_fragment_removed; /* the other order's fragment (plan.old_fragment_path) deleted
                                   * (--dry-run: would be) */
        const char *fragment_error; /* static text: what failed with the fragment */
        int fragment_errno;
        int status;               /* the exit status (EXIT_*) */
};


void apply_result_done(struct apply_result *r);

/* Run out->diff's actions against p's kernel connection, adds and moves first (prepended, last
 * to first, when p->order is ORDER_FIRST); when one fails, no delete follows (APPLY_HELD). With dry_run nothing is executed and every add and delete is
 * APPLY_DONE. out->results and out->errors must hold out->diff.n entries; the counts (added,
 * removed, unchanged, failed, left_alone) are set from the outcomes. */
void apply_execute(struct plan *p, bool dry_run, struct apply_result *out);

/* Install and --remove. Returns an exit status. */
int run_apply(const struct options *o);

/* ---- Printers (apply-print.c): they only format, and call nothing of apply.c. ---- */

/* An action as a report shows it: the rule with its kind, and why when that is not plain (the
 * error of a failed action, a kind changed, the reason). NULL when out of memory. */
char *apply_action_line(const struct apply_result *out, size_t i);
/* The summary (and, with -v or --dry-run, one line per action) as text. */
void apply_print_text(FILE *f, const struct options *o, const struct plan *p, const struct apply_result *out);
/* One JSON object (schema "docker-audit-rules/apply", version 1). */
void apply_print_json(FILE *f, const struct options *o, const struct plan *p, const struct apply_result *out);
/* The summary as one journal entry with fields (journal_log_summary()). */
void apply_print_journal(const struct options *o, const struct plan *p, const struct apply_result *out);
