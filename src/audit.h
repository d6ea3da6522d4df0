/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The only door to the kernel's audit subsystem. audit.c is the one file that includes
 * <libaudit.h>; every function here returns 0 (or a count) or -errno, whatever convention the
 * libaudit call underneath uses. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "rule.h"

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
/* Build the rule the way auditctl builds it and add it. -EEXIST when the kernel has it. */
int audit_conn_add(struct audit_conn *c, const struct rule *r);
/* Delete by sending back the kernel's own copy. */
int audit_conn_delete(struct audit_conn *c, const struct kernel_rule *k);
/* Set the enabled flag (0 or 1 only; 2 is refused with -EINVAL, the tool never locks). */
int audit_conn_set_enabled(struct audit_conn *c, int enabled);

/* Number of add and delete requests sent since open (for "the idempotent run sends none"). */
unsigned audit_conn_requests(const struct audit_conn *c);

/* Fault injection for tests: when the environment variable DOCKER_AUDIT_RULES_FAIL_ADD=N is
 * set (and the program was built with tests enabled), the N-th add request fails with -EPERM
 * as a refusing kernel would. */
