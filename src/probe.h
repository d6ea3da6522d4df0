/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "plan.h"

/* --probe: prove end to end that our loaded rules make events now, with our key, for every
 * permission class they claim. Subscribed to the kernel's audit multicast group (auditmc.c),
 * one child process named PROBE_COMM per path chosen does one harmless thing per class that
 * the watch records, and the events are awaited: each must come with our key. The child's comm
 * marks the probe's own events: `comm="dar-probe"` in the SYSCALL record (ausearch -c
 * dar-probe), so that reports can leave them out.
 *
 * What is probed: for each kind of path (a binary, a unit file or init script, a configuration
 * file or directory) and each class (r, w, x, a) our loaded watches of that kind claim, one
 * representative path, chosen in this order: a usable one (below); one on which no watch of
 * another key on the same path comes first for that class (the check's shadow judge names
 * those anyway); the most central component (dockerd before runc, docker.service before a
 * drop-in, daemon.json before /etc/docker); the earliest in the kernel's list. A path our rules watch that discovery does not
 * name (a rule loaded by hand) counts as a directory's or an executable's or a configuration's
 * by what it is, after those discovery names.
 *
 * The actions, each recorded by the kernel before it refuses or completes it (seen on Linux
 * 6.18; the open flags decide the class of an open, kernel/auditsc.c audit_match_perm()):
 *   r  open(2) for reading, then close: the only one that succeeds (inotify sees IN_OPEN and
 *      IN_CLOSE_NOWRITE);
 *   w  open(2) with O_WRONLY|O_DIRECTORY: the kernel records the inode (fs/namei.c do_open()
 *      calls audit_inode() first) and then refuses, ENOTDIR for a file, EISDIR for a
 *      directory, before the file is opened: nothing is written, no write access is taken (no
 *      ETXTBSY for a program being started), no inotify event fires (a path unit's
 *      PathChanged= sees nothing);
 *   x  execveat(2) of the descriptor with an argument vector at address 1: the kernel opens the
 *      file for execution (recorded), then fails to read the vector (EFAULT) long before the
 *      point of no return, so nothing runs; a file without execute permission, or a directory,
 *      is refused earlier (EACCES), recorded too. An executable sees IN_OPEN and
 *      IN_CLOSE_NOWRITE, and writers are refused for the microseconds it is open, as when
 *      anyone starts it;
 *   a  removexattr(2) of a name in a namespace no file system has ("dar-probe."): recorded
 *      (the attribute class, include/asm-generic/audit_change_attr.h), refused with
 *      EOPNOTSUPP. utimensat(2) with both times UTIME_OMIT is no alternative: the kernel
 *      returns before it looks the path up (fs/utimes.c do_utimes()), and utimensat is in no
 *      class: even a real change of the times is not recorded by -p w or -p a.
 * Each is told apart in the events by its system call and open flags.
 *
 * The probe runs as root and never acts on a path a user controls: only a watch whose path is
 * root's by the trust rule (trust_roots(), trust.h: the object, every directory and symlink on
 * the way owned by root and writable by no one else) and is a regular file or a directory is
 * chosen, and the child acts on that inode through a descriptor (O_PATH|O_NOFOLLOW, same device,
 * inode and type, on no FUSE file system, then the descriptor's /proc/self/fd link or the
 * descriptor itself), never by name: no device or FIFO is ever opened, no mode, owner, time or
 * content is ever changed. */

#define PROBE_COMM "dar-probe"

enum probe_status {
        PROBE_SEEN,               /* an event with our key came */
        PROBE_OTHER_KEY,          /* an event came, with another key (a rule before ours matched) */
        PROBE_MISSED,             /* nothing within the time */
        PROBE_NOT_PROBED,         /* a class our rules claim on this kind of path, not exercised
                                   * (the result's skip says why) */
        PROBE_NO_TARGET,          /* (overall) no loaded watch of ours, on a root's regular file
                                   * or directory, allows a harmless action */
        PROBE_UNAVAILABLE,        /* (overall) the multicast group cannot be read (no
                                   * CAP_AUDIT_READ ...) */
        PROBE_ERROR,              /* (overall) */
        _PROBE_STATUS_MAX,
};
const char *probe_status_to_string(enum probe_status s);
enum probe_status probe_status_from_string(const char *s);

/* One per permission class, in auditctl's order. */
enum probe_action {
        PROBE_READ,               /* r: open for reading, then close */
        PROBE_WRITE,              /* w: open for writing as a directory, refused */
        PROBE_EXEC,               /* x: execveat with a bad argument vector, refused */
        PROBE_ATTR,               /* a: removexattr of a name no file system has, refused */
        _PROBE_ACTION_MAX,
};
/* What the child does, as said in the text ("open for reading"). */
const char *probe_action_to_string(enum probe_action a);
enum probe_action probe_action_from_string(const char *s);
/* The class's letter, as in -p ("r", "w", "x", "a"). */
const char *probe_class_to_string(enum probe_action a);
enum probe_action probe_class_from_string(const char *s);
/* The class's PERM_* bit (rule.h). */
unsigned probe_action_perm(enum probe_action a);

enum probe_kind {
        PROBE_KIND_BINARY,        /* a daemon, runtime or client program */
        PROBE_KIND_UNIT,          /* a systemd unit file or drop-in, an init script */
        PROBE_KIND_CONFIG,        /* a configuration file or directory */
        _PROBE_KIND_MAX,
};
const char *probe_kind_to_string(enum probe_kind k);
enum probe_kind probe_kind_from_string(const char *s);

/* Why a class our rules claim was not exercised. */
enum probe_skip {
        PROBE_SKIP_NONE,
        PROBE_SKIP_NOT_ROOTS,     /* its paths are not root's by the trust rule: a user could
                                   * change what they lead to */
        PROBE_SKIP_NO_FILE,       /* its paths are missing, or not a regular file or directory
                                   * (a socket, a link, a device) */
        PROBE_SKIP_EXE,           /* its rules record one program's actions only (-F exe=) */
        PROBE_SKIP_KERNEL,        /* execute: this kernel checks the argument vector before it opens
                                   * the file (before Linux 6.8), so no refused execution is recorded
                                   * and no harmless one exists */
        _PROBE_SKIP_MAX,
};
const char *probe_skip_to_string(enum probe_skip s);
enum probe_skip probe_skip_from_string(const char *s);

enum probe_log {
        PROBE_LOG_NOT_LOOKED,     /* auditd not running, or no event to look for */
        PROBE_LOG_FOUND,          /* the event's serial is in auditd's log */
        PROBE_LOG_NOT_FOUND,      /* not written there within a second */
        PROBE_LOG_UNREADABLE,     /* the log could not be read */
        _PROBE_LOG_MAX,
};

/* One (class, path). */
struct probe_result {
        enum probe_status status; /* SEEN, OTHER_KEY, MISSED or NOT_PROBED */
        enum probe_action action; /* the class */
        enum probe_kind kind;
        enum probe_skip skip;     /* NOT_PROBED: why */
        char *path;               /* the watch's path as loaded (NOT_PROBED: the path that would
                                   * have been chosen, NULL when none) */
        char *key;                /* OTHER_KEY: the key recorded */
        unsigned long serial;     /* SEEN, OTHER_KEY: the event's serial */
        double latency;           /* seconds from the child's start to the event */
        enum probe_log log;       /* SEEN: whether auditd wrote it */
};

struct probe {
        enum probe_status status; /* overall: UNAVAILABLE, ERROR, NO_TARGET (nothing exercised),
                                   * else the worst result: MISSED, then OTHER_KEY, then SEEN */
        struct probe_result *results; /* by kind, then class (r w x a) */
        size_t n_results;
        char *log_file;           /* the log auditd writes, when it runs */
        int error;                /* -errno for UNAVAILABLE and ERROR */
        unsigned lost_before, lost_after; /* the kernel's lost counter around the probe */
        unsigned backlog, backlog_limit;
};

void probe_done(struct probe *pr);
/* The first result exercised (SEEN, OTHER_KEY or MISSED), NULL when none. */
const struct probe_result *probe_first(const struct probe *pr);

/* The kind of path a component is, -1 for those the probe leaves alone (data roots, run-time
 * directories, sockets). */
int probe_component_kind(enum component c);

/* Needs p->kernel read (KERNEL_LOADED or LOCKED) and its connection open, on the live root.
 * paths (NULL-terminated, normalised absolute paths; NULL for none): when given, only loaded
 * watches of ours on these paths are candidates (--probe-path). timeout_ms bounds the wait for the events of all the children together (the log lookup adds
 * at most a second); a child still running then is killed. Returns 0 with *ret filled (the
 * outcome in ret->status and ret->results), or -ENOMEM. */
int probe_run(const struct plan *p, char *const *paths, int timeout_ms, struct probe *ret);
