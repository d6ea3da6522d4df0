/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* The audit trail as the report needs it. This is the only file that sees libauparse: it reads
 * auditd's log format (raw or enriched) and hands out small project structs, one per event, in
 * log order, holding memory for one event at a time. */

/* What kind of event it is: a system call on a watched path, or one that says something about
 * the audit system itself. */
enum audit_event_kind {
        AUDIT_EVENT_SYSCALL,       /* a SYSCALL record, with its PATH records */
        AUDIT_EVENT_RULE_ADDED,    /* CONFIG_CHANGE op=add_rule (key: the rule's) */
        AUDIT_EVENT_RULE_REMOVED,  /* CONFIG_CHANGE op=remove_rule (key: the rule's) */
        AUDIT_EVENT_ENABLED,       /* CONFIG_CHANGE audit_enabled=N old=M */
        AUDIT_EVENT_DAEMON_START,  /* auditd started */
        AUDIT_EVENT_DAEMON_END,    /* auditd stopped */
        AUDIT_EVENT_DAEMON_ABORT,  /* auditd aborted */
        AUDIT_EVENT_OTHER,         /* anything else the search matched (e.g. another CONFIG_CHANGE) */
        _AUDIT_EVENT_KIND_MAX,
};
const char *audit_event_kind_name(enum audit_event_kind k);

/* A PATH record's nametype. */
enum audit_nametype {
        NAMETYPE_NORMAL,
        NAMETYPE_PARENT,
        NAMETYPE_CREATE,
        NAMETYPE_DELETE,
        NAMETYPE_UNKNOWN,          /* absent, or a value this program does not know */
        _NAMETYPE_MAX,
};
const char *audit_nametype_name(enum audit_nametype t);
enum audit_nametype audit_nametype_from_string(const char *s);

struct audit_path {
        char *name;                /* as recorded (may be relative to the event's cwd, or to a
                                    * directory descriptor of an *at call); PATH records the kernel
                                    * writes with name=(null) (an fd's file) are left out */
        enum audit_nametype nametype;
        unsigned long inode;       /* 0 when absent */
};

#define AUDIT_ID_UNSET ((long long) -1)   /* an id absent, or (uid_t) -1 "unset" */

struct audit_event {
        time_t sec;
        unsigned msec;
        unsigned long serial;
        enum audit_event_kind kind;
        char *key;                 /* interpreted; NULL when none */
        char *syscall;             /* interpreted name, "openat"; NULL when not a syscall event */
        int success;               /* 1 yes, 0 no, -1 not recorded */
        long long exit;
        unsigned long long args[4]; /* a0..a3 as recorded (hex): open flags and the like */
        char *exe;
        char *comm;
        char *cmdline;             /* PROCTITLE interpreted (NULs become spaces) */
        char *cwd;
        long long uid, auid, euid; /* AUDIT_ID_UNSET when absent or unset */
        char *uid_name, *auid_name, *euid_name;  /* as auparse interprets them, NULL when absent */
        long long ses;             /* AUDIT_ID_UNSET when unset */
        long long pid, ppid;       /* of the SYSCALL record; AUDIT_ID_UNSET when absent */
        char *tty;
        int enabled, enabled_old;  /* AUDIT_EVENT_ENABLED; -1 when absent */
        char *op;                  /* CONFIG_CHANGE and DAEMON_* op= */
        struct audit_path *paths;
        size_t n_paths;
};

void audit_event_done(struct audit_event *e);

/* A path whose events are wanted whatever key labelled them (normalised, absolute); recursive:
 * and everything below it, as the kernel's watch of a directory (-w DIR, dir=) records. */
struct audit_watch {
        const char *path;
        bool recursive;
};

/* Which events to hand out: system calls carrying key, system calls under any other key (or
 * none) one of whose PATH records names one of the watches (or a name the reader cannot settle
 * from the bytes: relative without a cwd, with "." or ".." in it), every CONFIG_CHANGE (rules
 * added and removed whatever their key, the enabled flag) and every auditd start, stop and abort;
 * all only when their time is in [since, until] (0: unbounded). The selection runs on the log's
 * bytes, before libauparse parses anything (REFERENCE: a byte prefilter keeps the reader near
 * grep's speed where few events match); the caller checks the paths of what it is handed. */
struct audit_filter {
        const char *key;
        time_t since;
        time_t until;
        const struct audit_watch *watches;
        size_t n_watches;
};

struct audit_reader;

/* Open libauparse (dlopen) once: 0, or -ELIBACC when it is not installed (-ELIBBAD when a symbol
 * is missing), said once on stderr. The readers below call it themselves. */
int auditlog_dlopen(void);

/* Open one input: a file path, or "-" for standard input. -errno when it cannot be opened
 * (the report says which input). Damaged lines are skipped as they stream by and counted. */
int audit_reader_open(const char *path, const struct audit_filter *f, struct audit_reader **ret);
/* Read from an already open stream, which the reader does not close. */
int audit_reader_open_stream(FILE *in, const struct audit_filter *f, struct audit_reader **ret);
/* 1 and *ret filled (free with audit_event_done), 0 at the end, -errno on a read error. */
int audit_reader_next(struct audit_reader *r, struct audit_event *ret);
/* Lines skipped so far: without an audit record header, or truncated, or over 8 KiB. */
size_t audit_reader_damaged(const struct audit_reader *r);
/* Records the reader leaves out (libauparse spends quadratic time on the records of the events
 * still open; the kernel writes a PATH record per name a system call looked up, a handful):
 * of one event, those beyond its first AUDIT_EVENT_PATHS_MAX PATH records and its first
 * AUDIT_EVENT_OTHERS_MAX records of other types, and those of an event that come after 16 other
 * events began (auditd writes an event's records together). How many were left out so far, and
 * of how many events (*ret_events, may be NULL). An event is known by its node and
 * "SEC.MSEC:SERIAL". Records of types the report never reads (EXECVE, AVC, ...) are not read
 * either, and not counted. */
#define AUDIT_EVENT_PATHS_MAX 64
#define AUDIT_EVENT_OTHERS_MAX 16
size_t audit_reader_records_cut(const struct audit_reader *r, size_t *ret_events);
void audit_reader_free(struct audit_reader *r);

/* The log files auditd writes, oldest first, as ausearch reads them: log_file from
 * auditd.conf in conf_dir (default /var/log/audit/audit.log), preceded by its rotated
 * siblings log_file.N ... log_file.1 that exist. Returns a NULL-terminated vector or -errno. */
int audit_default_logs(const char *auditd_conf, char ***ret);
