/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "root.h"
#include "rule.h"
#include "rulesdir.h"
#include "discover.h"

/* Render: from discovered targets to audit rules. No side effects. */

struct render_options {
        const char *key;                  /* audit key, "docker" by default */
        unsigned perms;                   /* 0: each component's default (CIS: rwxa) */
        enum data_root_mode data_root_mode;
        enum run_mode run_mode;
        enum rule_order order;            /* where our rules stand in the exit list (rule.h) */
};

struct rendered {
        struct rule rule;
        size_t target;                    /* index in discovery.targets */
        bool live_only;                   /* loaded now, not written: would fail at boot */
        char *provided_by;                /* "FILE:LINE" of another fragment holding it */
};

struct ruleset {
        struct rendered *rules;
        size_t n_rules;
};

void ruleset_done(struct ruleset *s);

/* Every target that is not skipped becomes one rule, containerd's run-time directory two in run
 * mode "session" (the second one live only when the directory is made at run time). Rules another fragment in others already
 * holds are kept with provided_by set (neither loaded nor written by us). Reads nothing: whether a
 * path exists was settled by discovery (target.state), so no root is needed. Returns 0 or -ENOMEM. */
int render(const struct discovery *d, const struct render_options *o, const struct rules_dir *others,
           struct ruleset *ret);

/* The rules to have in the kernel: not provided by another fragment. */
static inline bool rendered_loads(const struct rendered *r) { return !r->provided_by; }
/* The rules to write in the fragment. */
static inline bool rendered_writes(const struct rendered *r) { return !r->provided_by && !r->live_only; }

/* The fragment's text, exactly as installed. */
int render_fragment(const struct discovery *d, const struct ruleset *s, const struct render_options *o,
                    char **ret_text);

/* A comment-safe copy of a string (control characters become '?'). */
char *comment_safe(const char *s);

/* What happened to target i of d in the rendered set s: "watched", "live only (...)", "held by
 * another rules file", or its skip reason; static text. *ret_rule: its first rule, or NULL. */
const char *render_target_disposition(const struct discovery *d, const struct ruleset *s, size_t i,
                                      const struct rendered **ret_rule);
