/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "root.h"
#include "rule.h"
#include "rulesdir.h"
#include "discover.h"

/* Render: from discovered targets to audit rules. No side effects. */

/* Which reads of Docker's binaries (dockerd, containerd, its shims, runc, the other runtimes,
 * docker-init, docker-proxy: the programs the kernel reports as a process's exe) are recorded
 * (--binary-reads, BinaryReads=). Their executions, writes and attribute changes are recorded
 * either way. */
enum binary_reads {
        BINARY_READS_ALL,     /* default: every read, the CIS Benchmark's -w BINARY -p rwxa */
        BINARY_READS_OTHERS,  /* reads by every program but the binary itself: -w BINARY -p wxa
                               * and -a always,exit -F path=BINARY -F perm=r -F exe!=BINARY. runc
                               * opens its own binary and /proc/self/exe on every run, dockerd
                               * and the shim re-execute themselves: those reads are not
                               * recorded, the executions are. */
        _BINARY_READS_MAX,
};
const char *binary_reads_to_string(enum binary_reads v);
/* -1 (cast) for a name that is none of "all", "others". */
enum binary_reads binary_reads_from_string(const char *s);

struct render_options {
        const char *key;                  /* audit key, "docker" by default */
        unsigned perms;                   /* 0: each component's default (CIS: rwxa) */
        enum data_root_mode data_root_mode;
        enum run_mode run_mode;
        enum rule_order order;            /* where our rules stand in the exit list (rule.h) */
        enum binary_reads binary_reads;
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
 * mode "session" (the second one live only when the directory is made at run time), an existing
 * binary two with binary reads "others" (render_is_self_read() tells the second). Rules another fragment in others already
 * holds are kept with provided_by set (neither loaded nor written by us). Reads nothing: whether a
 * path exists was settled by discovery (target.state), so no root is needed. Returns 0 or -ENOMEM. */
int render(const struct discovery *d, const struct render_options *o, const struct rules_dir *others,
           struct ruleset *ret);

/* Binary reads "others": the rule that records the reads of a binary by every other program
 * (-F perm=r -F exe!=PATH, exe naming the watched path itself). */
bool render_is_self_read(const struct rule *r);

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
