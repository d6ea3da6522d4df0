/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The only door to the kernel's audit subsystem. audit.c is the one file that includes
 * <libaudit.h>; every function here returns 0 (or a count) or -errno, whatever convention the
 * libaudit call underneath uses. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "rule.h"
#include "shadow.h"

struct audit_state {
        int enabled;           /* 0 off, 1 on, 2 locked */
        int failure;
        pid_t pid;             /* auditd's pid, 0 when none */
        unsigned rate_limit;
        unsigned backlog_limit;
        unsigned lost;
        unsigned backlog;
};

/* A rule as the kernel listed it. */
struct kernel_rule {
        bool is_watch;         /* a pure file watch (see audit.c) that `rule` describes */
        struct rule rule;      /* when is_watch; keys also filled in for other rules */
        void *raw;             /* the kernel's own copy (struct audit_rule_data), for deletion */
        size_t raw_len;
        unsigned pos;          /* its place in the listing: the kernel lists each filter list in
                                * evaluation order, so within a list a lower pos is matched first */
        enum filter_list list; /* the filter list it is on (FILTER_LIST_EXIT for watches) */
        struct filter_rule *filter; /* a never rule, or any rule of the exit list, decoded (list,
                                * action, syscalls, fields with their operators, keys; pos set,
                                * file NULL); NULL for others. A watch is decoded too: its
                                * path= or dir= and perm= fields, every syscall. The keep()
                                * callback may take it (set it to NULL). */
};

void kernel_rules_free(struct kernel_rule *rules, size_t n);

struct audit_conn;

/* Open the netlink socket. -EPROTONOSUPPORT: kernel without audit; -EPERM/-ECONNREFUSED
 * show up on the first request rather than here. */
int audit_conn_open(struct audit_conn **ret);
void audit_conn_close(struct audit_conn *c);

int audit_conn_status(struct audit_conn *c, struct audit_state *ret);
/* One list request; every rule of every filter list. */
int audit_conn_list(struct audit_conn *c, struct kernel_rule **ret_rules, size_t *ret_n);
/* The same, keeping only the rules keep() accepts (each is decoded, then kept or dropped at
 * once): a host with 10,000 unrelated rules costs no memory for them. keep NULL keeps all. */
int audit_conn_list_filtered(struct audit_conn *c, bool (*keep)(struct kernel_rule *k, void *userdata),
                             void *userdata, struct kernel_rule **ret_rules, size_t *ret_n);
/* Build the rule the way auditctl builds it and add it. -EEXIST when the kernel has it. */
int audit_conn_add(struct audit_conn *c, const struct rule *r);

/* How audit_conn_add_flags() adds a rule. */
enum {
        AUDIT_ADD_PREPEND = 1 << 0, /* first in the exit list, as auditctl -A (AUDIT_FILTER_PREPEND) */
        AUDIT_ADD_TWIN = 1 << 1,    /* the same rule with two fields swapped (see below) */
};
/* audit_conn_add() with flags (AUDIT_ADD_*). A prepended rule is placed first in the exit list
 * and matched first: the kernel gives it a priority above every rule loaded so far
 * (kernel/auditfilter.c, audit_add_rule(): prio_high), and the exit list's and the watches'
 * rules are matched by that priority (kernel/auditsc.c, audit_filter_rules()). The kernel's
 * duplicate check compares the request's flags too, so a prepended copy of a rule it already has
 * is accepted, not refused with -EEXIST; and a delete then takes the copy found first, the newer.
 *
 * A twin is the rule with its perm field and the field after it in the other order: the kernel
 * compares rules field by field (audit_compare_rule()), so the twin is another rule to it,
 * which matches the same events and records the same key. It lets a rule be moved without a
 * moment in which its path is not watched (audit_conn_move()). It needs a third field (a key,
 * an exe or auid filter): -EINVAL otherwise. */
int audit_conn_add_flags(struct audit_conn *c, const struct rule *r, unsigned flags);
/* Delete the twin of r (AUDIT_ADD_TWIN). -ENOENT when the kernel does not have it. */
int audit_conn_delete_twin(struct audit_conn *c, const struct rule *r);
/* Move the loaded rule k (a watch) to the head of the exit list (prepend) or to its tail,
 * keeping its path watched throughout: add r's twin there, delete k, add r there, delete the
 * twin (four requests). r is k's rule as this tool writes it; trees, when not NULL, confine the
 * adds as audit_conn_add_confined() does. A failure before k is deleted leaves all as it was; a
 * failure after it leaves the twin loaded, which records the same events under the same key (a
 * later run sees it as r, decoded alike). 0 or -errno of the step that failed. */
int audit_conn_move(struct audit_conn *c, const struct kernel_rule *k, const struct rule *r, bool prepend,
                    char * const *trees);
/* The same for a rule whose path lies in trees a user controls (a home, /run/user/UID): the
 * kernel resolves a rule's path by name when it is added (kern_path(), following symlinks in
 * every component but the last), and the user could swap a directory of theirs for a link to
 * "/" in between any check and the add. So the rule is sent from a child process in a mount
 * namespace of its own whose root is an empty tmpfs holding only the trees (NULL-terminated,
 * absolute, at most 8), each bound (not recursively) at its own path: every lookup the kernel
 * makes for the rule stays inside them, and a link out leads nowhere (-ENOENT). The watch is on
 * the same inodes as outside (a bind mount shares them), and the path string is the one given.
 * A rule's exe= program is looked up there too (kernel/audit_fsnotify.c audit_alloc_mark():
 * its directory must exist): when that directory is in none of the trees, it is bound as well,
 * if it and every directory above it are root's and writable by no one else (only root decides
 * what it holds; the kernel only puts a mark on it); otherwise the add fails with -ENOENT as it
 * would. Returns as audit_conn_add(), -EINVAL for bad trees, or the errno of
 * unshare(2)/mount(2). */
int audit_conn_add_confined(struct audit_conn *c, const struct rule *r, char * const *trees);
/* The same with flags (AUDIT_ADD_*). */
int audit_conn_add_confined_flags(struct audit_conn *c, const struct rule *r, char * const *trees, unsigned flags);
/* Delete by sending back the kernel's own copy. */
int audit_conn_delete(struct audit_conn *c, const struct kernel_rule *k);
/* Set the enabled flag (0 or 1 only; 2 is refused with -EINVAL, the tool never locks). */
int audit_conn_set_enabled(struct audit_conn *c, int enabled);

/* Number of add and delete requests sent since open (for "the idempotent run sends none"). */
unsigned audit_conn_requests(const struct audit_conn *c);

/* The tests inject faults (a refused add, a locked configuration) with an LD_PRELOAD library
 * that wraps the libaudit calls this file makes (tests/shim-audit.c); the program itself has no
 * switch for them. */

/* Details of the functions above:
 *
 * audit_conn_list() returns the number of rules. A rule is a watch (is_watch) when it is on the
 * exit filter with action always, covers every syscall (mask words 0..62 all set), and has
 * exactly one path= or dir= field, at most one perm= field, at most one exe= or exe!= field
 * and any number of key fields (each may hold several keys joined by 0x01). A watch without
 * a perm field (only `-a always,exit -F path=P` without perm= makes one) lists with perms
 * PERM_ALL, although it is not the same kernel rule as one with perm=rwxa (adding that one
 * is not refused with -EEXIST). form is FORM_A when exe is set, else FORM_W.
 *
 * audit_conn_add() uses r->kind as it is (the caller stat()s the path, as auditctl does).
 * Fields are built in auditctl's order: path/dir, perm, exe, then one key field with every key
 * of r->keys joined by 0x01 (none when r->keys is empty). The perm field is always there, as
 * with -w (libaudit puts one in even without -p), so r->perms must not be 0. -EINVAL for a
 * rule libaudit or auditctl would refuse (relative path, path of PATH_MAX or more, no perms,
 * joined keys over 256 bytes, an empty key or one containing 0x01).
 * Kernel errors come back as they are: -EEXIST, -ENOENT (missing parent), -EPERM ...
 *
 * audit_conn_delete() -ENOENT when the kernel no longer has the rule.
 *
 * Every wait for a reply is bounded (a few seconds): -ETIMEDOUT. */

/* The struct audit_rule_data (header and string buffer, raw_len bytes) that audit_conn_add()
 * would send for r, with flags and action filled in. For tests. */
int audit_rule_build_raw(const struct rule *r, void **ret_raw, size_t *ret_len);
