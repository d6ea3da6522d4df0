/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Running daemons, read from /proc. Read-only; nothing is ever executed. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Upper bound read from /proc/PID/cmdline; longer command lines keep only their complete
 * leading arguments. */
#define PROC_CMDLINE_MAX (128 * 1024)

/* The uid of a process whose PID/status is missing or has no Uid: line (a fake tree). */
#define PROC_UID_UNKNOWN ((uid_t) -1)

struct proc_daemon {
        pid_t pid;
        uid_t uid;     /* its real uid (the first field of the Uid: line of /proc/PID/status),
                        * PROC_UID_UNKNOWN when PID/status does not exist */
        bool root;     /* real, effective, saved and file system uid all 0; false when unknown.
                        * Only the uids: whose the process is also takes its user namespace
                        * (trust_process(), trust.h) */
        char *exe;     /* readlink of /proc/PID/exe, " (deleted)" suffix stripped; NULL when not
                        * permitted (EACCES/EPERM) */
        char **argv;   /* /proc/PID/cmdline split at NULs, never empty */
};

/* Every process under proc_dir ("/proc", or a fake tree with PID/exe, PID/cmdline and optionally
 * PID/status) whose exe or argv[0] has one of the NULL-terminated basenames in names. Its uids
 * are read through the same PID directory descriptor as its command line, so a PID reused
 * mid-scan cannot lend one process's uids to another's options (proc(5): the Uid: line of
 * /proc/PID/status, real, effective, saved set and file system uid). Kernel threads and zombies
 * (empty cmdline) and processes that vanish during the scan are skipped. Sorted by pid; *ret is
 * NULL when there are none. On failure (-errno) ret and ret_n are untouched. */
int proc_scan(const char *proc_dir, const char *const *names, struct proc_daemon **ret, size_t *ret_n);

void proc_daemons_free(struct proc_daemon *d, size_t n);
