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
        bool as_watch;            /* written as -w PATH -p PERMS (a rules file's watch line) */
        unsigned pos;             /* evaluation order: lower runs first (see shadow_judge()) */
};

void filter_rule_done(struct filter_rule *r);
void filter_rules_free(struct filter_rule *r, size_t n);
/* Appends a field (copies of name and value). -ENOMEM. */
int filter_rule_add_field(struct filter_rule *r, const char *name, enum filter_op op, const char *value);
const struct filter_field *filter_rule_field(const struct filter_rule *r, const char *name);
/* The rule as one auditctl line ("-a never,exit -F arch=b64 -S all -F path=/etc/docker").
 * Syscall numbers and field values are shown as decoded. A watch is shown as -w PATH -p PERMS,
 * as `auditctl -l` shows it: one written so (as_watch), and a kernel rule (file NULL) of that
 * shape (always,exit, every syscall, one path= or dir= and one perm= field, keys). */
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
        unsigned perms;           /* SHADOW_CLASS_* it records (0 counts as every class) */
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
 * A syscall list naming none of those: NONE. No syscall given (a rules file's line without -S)
 * is every syscall: auditctl adds them all. key fields and an arch field naming the native
 * 64-bit ABI do not narrow; an arch field naming a 32-bit ABI (b32, i386 ...) or arch!= does
 * (SOME: the Docker daemons are native programs).
 * Not modelled: an `always` rule of the task list placed before a never,task rule (the first
 * matching task rule wins), and an `always` rule of another key before a never,exit rule. */
enum shadow_scope shadow_exit_scope(const struct filter_rule *r, const char *path, bool recursive);

/* Whether a syscall name is one a file watch records: the kernel's read, write, attribute and
 * execute classes, and the opens. */
bool shadow_syscall_relevant(const char *name);

/* ---- Rules of another key that take our events: first match wins ----
 *
 * The kernel gives an event the key of the first rule of the exit list that matches it
 * (kernel/auditsc.c: audit_filter_syscall() stops at the first match). An `always` rule of
 * another key placed before our watch, that matches an event our watch would record, takes it:
 * the event is recorded, under that rule's key, and `ausearch -k` of ours does not find it. */

/* The permission classes of a watch, the kernel's perm= field (the same bits as rule.h's
 * PERM_*): which system calls an event comes from (include/asm-generic/audit_*.h; the opens by
 * their flags, execve as execute: audit_match_perm() in kernel/auditsc.c). */
enum {
        SHADOW_CLASS_READ = 1 << 0,   /* r: open for reading, readlink, getxattr ... */
        SHADOW_CLASS_WRITE = 1 << 1,  /* w: open for writing, creat, rename, unlink, truncate ... */
        SHADOW_CLASS_EXEC = 1 << 2,   /* x: execve, execveat */
        SHADOW_CLASS_ATTR = 1 << 3,   /* a: chmod, chown, setxattr, removexattr, utime ... */
        SHADOW_CLASS_ALL = 15,
};

/* The classes a system call's events belong to (0: none a watch records). Names as
 * audit_syscall_to_name() gives them for x86_64 and i386 (chown32 ...). */
unsigned shadow_syscall_classes(const char *name);
/* "rwxa" letters of classes, in that order, into buf (at least 5 bytes); "-" for none. */
const char *shadow_classes_to_string(unsigned classes, char buf[static 5]);

/* What an `always` rule of the exit list takes of the events a watch on path (recursive or
 * not) with permission classes perms records: the classes it matches (0: none), and in
 * *ret_may whether only under conditions, that is whether it "may" take them rather than
 * takes them all. The conditions, decided conservatively (when in doubt, "may"):
 *  - path fields: dir= the path or a directory above it, or path= the path: every event on it;
 *    no path field: every event of its system calls; path= the directory the path is in (not
 *    recursive): only the writes that create, rename or remove the entry (may); path= or dir=
 *    below a recursive watch: part of its tree (may); anything else, or a path operator other
 *    than =: none;
 *  - system calls: -S all, or none given (auditctl adds every one), takes every class; a list
 *    takes the classes of the calls it names (shadow_syscall_classes()), and only some calls
 *    of each (may);
 *  - perm=: only those classes;
 *  - arch: the native ABI (b64, x86_64 ...) narrows nothing; a 32-bit ABI (b32, i386 ...) or
 *    arch!= selects the calls of 32-bit programs only, and Docker's daemons and the tools that
 *    change their files are native: none (the 64-bit twin of such a rule is judged on its own);
 *  - key fields narrow nothing; every other field (uid, auid, exe, pid, success, exit,
 *    filetype, inode, a -C comparison ...) makes it "may".
 * Never rules, other lists, and a NULL path: 0. Keys are not looked at: the caller passes only
 * rules of other keys. */
unsigned shadow_take_classes(const struct filter_rule *r, const char *path, bool recursive, unsigned perms,
                             bool *ret_may);

/* The first rule in rules (in pos order) before our_pos that takes events of class on a watch
 * on path; NULL when none. For a caller that wants to say which rule took an event it made:
 * the --probe of one class. *ret_may (may be NULL) as shadow_take_classes(). */
const struct filter_rule *shadow_taker_first(const struct filter_rule *rules, size_t n_rules, const char *path,
                                             bool recursive, unsigned klass, unsigned our_pos, bool *ret_may);

/* What a rule does to our watches. */
enum shadow_kind {
        SHADOW_TASK,              /* never,task: no syscall event for the tasks it matches */
        SHADOW_EXIT_BEFORE,       /* never,exit before ours: the events it matches are silenced */
        SHADOW_EXIT_AFTER,        /* never,exit after ours, matching our paths: no effect */
        SHADOW_KEY_BEFORE,        /* always,exit of another key before ours: it takes the events it
                                   * matches, recorded under its key */
        SHADOW_KEY_AFTER,         /* always,exit of another key after ours: ours take the events both
                                   * match, which that rule set then no longer records */
        _SHADOW_KIND_MAX,
};
const char *shadow_kind_to_string(enum shadow_kind k);
enum shadow_kind shadow_kind_from_string(const char *s);

struct shadow {
        const struct filter_rule *rule;
        enum shadow_kind kind;
        enum shadow_scope scope;  /* the widest over the targets it touches (KEY kinds: SOME when
                                   * it only may take events, ALL when it takes them) */
        size_t n_targets;         /* our watches it touches */
        const char *first_path;   /* one of them (points into the targets) */
        size_t *which;            /* the n_targets indexes into the targets given, in their order
                                   * (allocated) */
        unsigned classes;         /* KEY kinds: the classes it takes, over every target */
};

void shadows_free(struct shadow *s, size_t n);

/* Judge every rule against every target: one shadow per rule that touches them (a never,task
 * rule always, a never,exit rule when it matches a target, an always,exit rule when it takes
 * events of a target (shadow_take_classes()); before it when r->pos < t->pos). Rules on other
 * lists are passed over. *ret is allocated (shadows_free()), possibly empty. Returns the number
 * of shadows or -ENOMEM. */
int shadow_judge(const struct filter_rule *rules, size_t n_rules, const struct shadow_target *targets,
                 size_t n_targets, struct shadow **ret, size_t *ret_n);

/* The one-line description of a shadow, without the rule or where it is: "silences every
 * system call of every task: no watch records anything" etc. Static text. */
const char *shadow_effect(const struct shadow *s);
