/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Running daemons, read from /proc. Read-only; nothing is ever executed. */

#include <stddef.h>
#include <sys/types.h>

/* Upper bound read from /proc/PID/cmdline; longer command lines keep only their complete
 * leading arguments. */
#define PROC_CMDLINE_MAX (128 * 1024)

struct proc_daemon {
        pid_t pid;
        char *exe;     /* readlink of /proc/PID/exe, " (deleted)" suffix stripped; NULL when not
                        * permitted (EACCES/EPERM) */
        char **argv;   /* /proc/PID/cmdline split at NULs, never empty */
};

/* Every process under proc_dir ("/proc", or a fake tree with PID/exe and PID/cmdline) whose exe
 * or argv[0] has one of the NULL-terminated basenames in names. Kernel threads and zombies (empty
 * cmdline) and processes that vanish during the scan are skipped. Sorted by pid; *ret is NULL when
 * there are none. On failure (-errno) ret and ret_n are untouched. */
int proc_scan(const char *proc_dir, const char *const *names, struct proc_daemon **ret, size_t *ret_n);

void proc_daemons_free(struct proc_daemon *d, size_t n);
