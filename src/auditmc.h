/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The kernel's audit multicast group (AUDIT_NLGRP_READLOG): every audit record the kernel
 * emits, as it emits it, whether or not auditd runs. Reading it needs CAP_AUDIT_READ. This file
 * sees only <linux/audit.h> and <linux/netlink.h>, not libaudit. */

struct auditmc;

/* Subscribe. -EPERM without CAP_AUDIT_READ, -EPROTONOSUPPORT for a kernel without audit,
 * -ECONNREFUSED from another user namespace. */
int auditmc_open(struct auditmc **ret);
void auditmc_close(struct auditmc *m);

/* A SYSCALL record seen. */
struct auditmc_event {
        unsigned long serial;     /* the event's serial number, audit(SEC.MSEC:SERIAL) */
        long pid;                 /* its pid field, -1 when absent */
        long syscall;             /* its syscall field: the number in the record's arch (the
                                   * caller's own, for its own children), -1 when absent */
        unsigned long args[4];    /* a0..a3, which the kernel writes in hex; 0 when absent */
        bool key_matched;         /* its key field is key (or key is one of several joined) */
        char key[257];            /* the key as recorded (quotes and hex decoded), "" for none */
};

/* Wait up to timeout_ms for a SYSCALL record of process pid; other records are skipped.
 * Returns 0 with *ret filled, -ETIMEDOUT, or -errno. When several records of pid come, the
 * first whose key is `key` wins; until the time is up a record with another key is kept as
 * the answer only if none with key comes. */
int auditmc_wait_syscall(struct auditmc *m, pid_t pid, const char *key, int timeout_ms, struct auditmc_event *ret);

/* The next SYSCALL record of any of the n processes pids, as it comes, whatever its key
 * (ret->key_matched says whether it is key): up to timeout_ms. Returns 0 with *ret filled
 * (ret->pid says whose), -ETIMEDOUT, or -errno. */
int auditmc_next_syscall(struct auditmc *m, const pid_t *pids, size_t n, const char *key, int timeout_ms,
                         struct auditmc_event *ret);

/* Parse one record's text ("audit(1700000000.123:456): arch=... pid=N ... key=\"K\"") for the
 * test: its serial, its pid field and its key. Returns 0, or -EINVAL when there is no header. */
int auditmc_parse_record(const char *text, size_t len, unsigned long *ret_serial, long *ret_pid,
                         char ret_key[static 257]);
/* The same into *ret, with the syscall number and a0..a3 (key_matched left false). */
int auditmc_parse_event(const char *text, size_t len, struct auditmc_event *ret);
