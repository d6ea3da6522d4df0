/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "plan.h"

/* --probe: prove end to end that a loaded rule of ours makes an event now. Subscribed to the
 * kernel's audit multicast group (auditmc.c), a child process named PROBE_COMM does one
 * harmless thing that one of our loaded watches records, and the event with our key is
 * awaited. The child's comm marks the probe's own events: `comm="dar-probe"` in the SYSCALL
 * record (ausearch -c dar-probe), so that reports can leave them out.
 *
 * The probe runs as root and never acts on a path a user controls: only a watch whose path is
 * root's by the trust rule (trust_roots(), trust.h: the object, every directory and symlink on
 * the way owned by root and writable by no one else) and is a regular file or a directory is
 * chosen, and the child acts on that inode through a descriptor (O_PATH|O_NOFOLLOW, same device,
 * inode and type, then the descriptor's /proc/self/fd link), never by name: no device or FIFO
 * is ever opened, no mode or owner is ever changed. */

#define PROBE_COMM "dar-probe"

enum probe_status {
        PROBE_SEEN,               /* an event with our key came */
        PROBE_OTHER_KEY,          /* an event came, with another key (a rule before ours matched) */
        PROBE_MISSED,             /* nothing within the time */
        PROBE_NO_TARGET,          /* no loaded watch of ours, on a root's regular file or
                                   * directory, allows a harmless action */
        PROBE_UNAVAILABLE,        /* the multicast group cannot be read (no CAP_AUDIT_READ ...) */
        PROBE_ERROR,
        _PROBE_STATUS_MAX,
};
const char *probe_status_to_string(enum probe_status s);
enum probe_status probe_status_from_string(const char *s);

enum probe_action {
        PROBE_READ,               /* open the inode for reading, then close it: rules with r */
        PROBE_ATTR,               /* an attribute change that changes nothing (removexattr of a
                                   * name no file system has): rules with a */
        _PROBE_ACTION_MAX,
};
const char *probe_action_to_string(enum probe_action a);
enum probe_action probe_action_from_string(const char *s);

enum probe_log {
        PROBE_LOG_NOT_LOOKED,     /* auditd not running, or no event to look for */
        PROBE_LOG_FOUND,          /* the event's serial is in auditd's log */
        PROBE_LOG_NOT_FOUND,      /* not written there within a second */
        PROBE_LOG_UNREADABLE,     /* the log could not be read */
        _PROBE_LOG_MAX,
};

struct probe {
        enum probe_status status;
        enum probe_action action;
        char *path;               /* the path acted on */
        char *key;                /* PROBE_OTHER_KEY: the key recorded */
        unsigned long serial;
        double latency;           /* seconds from the action to the event */
        enum probe_log log;
        char *log_file;
        int error;                /* -errno for UNAVAILABLE and ERROR */
        unsigned lost_before, lost_after; /* the kernel's lost counter around the probe */
        unsigned backlog, backlog_limit;
};

void probe_done(struct probe *pr);

/* Needs p->kernel read (KERNEL_LOADED or LOCKED) and its connection open, on the live root.
 * timeout_ms bounds the wait for the event (the log lookup adds at most a second); a child still
 * running then is killed. Returns 0 with *ret filled (the outcome in ret->status; ret->path is
 * the watch's path as loaded), or -ENOMEM. */
int probe_run(const struct plan *p, int timeout_ms, struct probe *ret);
