/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Rules that silence ours: `never` rules on the task and exit lists, as the kernel lists them
 * (audit.c decodes them) or as a rules file holds them (rule_parse_filter() in rule.c), and the
 * pure judge of whether one of them keeps our watches from recording anything.
 *
 * The kernel evaluates the task list when a task is created: a matching `never` rule means no
 * audit context, so no syscall event at all for that task, whatever the exit list holds. The
 * exit list is evaluated in its order and the first matching rule wins: a `never` rule placed
 * before our watch silences every event it matches, whatever the keys. A `never` rule after
 * ours has no effect on what ours match. */

enum filter_list {
        FILTER_LIST_USER,
        FILTER_LIST_TASK,
        FILTER_LIST_EXIT,
        FILTER_LIST_EXCLUDE,
        FILTER_LIST_FS,
        FILTER_LIST_URING,
        FILTER_LIST_OTHER,
        _FILTER_LIST_MAX,
};
const char *filter_list_to_string(enum filter_list l);
enum filter_list filter_list_from_string(const char *s);

enum filter_action {
        FILTER_NEVER,
        FILTER_ALWAYS,
        _FILTER_ACTION_MAX,
};
const char *filter_action_to_string(enum filter_action a);
enum filter_action filter_action_from_string(const char *s);

/* The operators of -F, as auditctl writes them. */
enum filter_op {
        FILTER_OP_EQ,
        FILTER_OP_NE,
        FILTER_OP_LT,
        FILTER_OP_GT,
        FILTER_OP_LE,
        FILTER_OP_GE,
        FILTER_OP_BITMASK,        /* & */
        FILTER_OP_BITTEST,        /* &= */
        _FILTER_OP_MAX,
};
const char *filter_op_to_string(enum filter_op o);
enum filter_op filter_op_from_string(const char *s);

struct filter_field {
        char *name;               /* auditctl's field name ("path", "uid", "exe" ...) */
        enum filter_op op;
        char *value;              /* as auditctl would write it (numbers in decimal) */
};

/* A rule that is not a plain watch, in auditctl's terms. */
struct filter_rule {
        enum filter_list list;
        enum filter_action action;
        bool all_syscalls;        /* -S all, or every syscall bit set (words 0..62) */
        char **syscalls;          /* names (or numbers) otherwise; NULL when none */
        struct filter_field *fields;
        size_t n_fields;
        char **keys;
        /* Where it comes from: file NULL for the kernel. */
        char *file;
        unsigned line;
        bool prepend;             /* -A: put first in its list when loaded */
        unsigned pos;             /* evaluation order: lower runs first (see shadow_judge()) */
};

void filter_rule_done(struct filter_rule *r);
void filter_rules_free(struct filter_rule *r, size_t n);
/* Appends a field (copies of name and value). -ENOMEM. */
int filter_rule_add_field(struct filter_rule *r, const char *name, enum filter_op op, const char *value);
const struct filter_field *filter_rule_field(const struct filter_rule *r, const char *name);
/* The rule as one auditctl line ("-a never,exit -F arch=b64 -S all -F path=/etc/docker").
 * Syscall numbers and field values are shown as decoded. */
int filter_rule_format(const struct filter_rule *r, char **ret);

/* How much of what our watches see a rule silences. */
enum shadow_scope {
        SHADOW_NONE,              /* not a never rule that touches our watches */
        SHADOW_SOME,              /* some tasks, some syscalls or part of a tree */
        SHADOW_ALL,               /* everything our watch on that path records */
        _SHADOW_SCOPE_MAX,
};

/* One of our watches, for the judge: the path, recursive or not, and pos in the same order as
 * the rules' pos (SIZE_MAX or any value above every rule's: "after every rule"). */
struct shadow_target {
        const char *path;
        bool recursive;
        unsigned pos;
};

/* Does a never,task rule silence tasks? ALL without any field; SOME with fields (a filter on
 * some users or programs). NONE for any other rule. */
enum shadow_scope shadow_task_scope(const struct filter_rule *r);

/* Does a never,exit rule match what a watch on path records (ignoring order)? The path fields:
 * path= equal to path, or dir= equal to it or a parent of it, or no path field at all: the
 * whole watch (ALL when nothing else narrows it); path= or dir= below a recursive watch: part
 * of it (SOME). What narrows it to SOME: any task field (uid, auid, exe, pid ...), a syscall
 * list that is not every syscall but names one a watch needs (open, openat, write-class,
 * attribute-class or execve syscalls), any other object field (perm, success, filetype ...).
 * A syscall list naming none of those: NONE. key fields and an arch field naming the native
 * 64-bit ABI do not narrow; an arch field naming a 32-bit ABI (b32, i386 ...) or arch!= does
 * (SOME: the Docker daemons are native programs).
 * Not modelled: an `always` rule of the task list placed before a never,task rule (the first
 * matching task rule wins), and an `always` rule of another key before a never,exit rule. */
enum shadow_scope shadow_exit_scope(const struct filter_rule *r, const char *path, bool recursive);

/* Whether a syscall name is one a file watch records: the kernel's read, write, attribute and
 * execute classes, and the opens. */
bool shadow_syscall_relevant(const char *name);

/* What a rule does to our watches. */
enum shadow_kind {
        SHADOW_TASK,              /* never,task: no syscall event for the tasks it matches */
        SHADOW_EXIT_BEFORE,       /* never,exit before ours: the events it matches are silenced */
        SHADOW_EXIT_AFTER,        /* never,exit after ours, matching our paths: no effect */
        _SHADOW_KIND_MAX,
};
const char *shadow_kind_to_string(enum shadow_kind k);
enum shadow_kind shadow_kind_from_string(const char *s);

struct shadow {
        const struct filter_rule *rule;
        enum shadow_kind kind;
        enum shadow_scope scope;  /* the widest over the targets it touches */
        size_t n_targets;         /* our watches it touches */
        const char *first_path;   /* one of them (points into the targets) */
};

/* Judge every rule against every target: one shadow per rule that touches them (a never,task
 * rule always, a never,exit rule when it matches a target; before it when r->pos < t->pos).
 * Rules that are not never rules, or on other lists, are passed over. *ret is allocated
 * (free()), possibly empty. Returns the number of shadows or -ENOMEM. */
int shadow_judge(const struct filter_rule *rules, size_t n_rules, const struct shadow_target *targets,
                 size_t n_targets, struct shadow **ret, size_t *ret_n);

/* The one-line description of a shadow, without the rule or where it is: "silences every
 * system call of every task: no watch records anything" etc. Static text. */
const char *shadow_effect(const struct shadow *s);
