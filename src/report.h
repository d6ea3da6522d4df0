/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "auditlog.h"
#include "options.h"
#include "discover.h"

/* --report: what the audit trail recorded about Docker's files, named by component and CIS
 * item, with who did it, and whether someone tampered with the audit system meanwhile. */

/* What an event did to its path, from the syscall and the PATH record's nametype. */
enum report_action {
        REPORT_ACTION_READ,
        REPORT_ACTION_WRITTEN,
        REPORT_ACTION_ATTR,        /* attributes changed: mode, owner, times, extended attributes */
        REPORT_ACTION_EXECUTED,
        REPORT_ACTION_CREATED,
        REPORT_ACTION_DELETED,
        REPORT_ACTION_RENAMED,
        REPORT_ACTION_OTHER,       /* a syscall this table does not know: shown by its name */
        _REPORT_ACTION_MAX,
};
const char *report_action_name(enum report_action a);
/* Everything but a read or an execution changes the file (or may have). */
bool report_action_is_change(enum report_action a);

/* syscall: the interpreted name ("openat"); args: a0..a3 as recorded, for open flags. */
enum report_action report_classify(const char *syscall, enum audit_nametype nametype,
                                   const unsigned long long args[4]);

/* Who wrote, by the exact path of the executable the kernel records (exe=, already resolved):
 * package managers by a fixed list of installed paths, Docker's daemons by the binaries
 * discovery found, this tool by its own paths. A base name proves nothing. */
enum report_actor {
        ACTOR_OTHER,
        ACTOR_PACKAGE_MANAGER, /* /usr/bin/dpkg, apt, apt-get, rpm, dnf, yum, zypper, /sbin/apk, snapd */
        ACTOR_DOCKER,          /* exe is one of docker_exes */
        ACTOR_SELF,            /* this tool: exe is one of self_exes (its installed path, the running binary) */
        _ACTOR_MAX,
};
const char *report_actor_name(enum report_actor a);   /* "" for ACTOR_OTHER */
/* self_exes, docker_exes: NULL-terminated, may be NULL. */
enum report_actor report_actor_of(const char *exe, char *const *self_exes, char *const *docker_exes);
/* This tool's paths, by which its own actions are known: the installed program (SBINDIR's, and
 * /usr/sbin's, the distribution package's, whatever prefix this build has), and the binary
 * running now (/proc/self/exe, proc(5)). NULL-terminated, newly allocated; NULL on allocation
 * failure. */
char **report_self_exes(void);
struct discovery;
/* Docker's programs as the kernel names them in exe=: d's dockerd and the targets of its binary
 * components (dockerd, containerd, shims, runc, runtimes, docker-init, docker-proxy), each as
 * discovered and with its links resolved (realpath(3)). *ret: NULL-terminated, never NULL on
 * success; d may be NULL. 0 or -ENOMEM. */
int report_docker_exes(const struct discovery *d, char ***ret);

/* Where a group of events is shown. */
enum report_section {
        REPORT_SECTION_ATTENTION,  /* changes by others, the audit system changed, rules that take our events */
        REPORT_SECTION_ROUTINE,    /* Docker's daemons, package transactions, this tool's re-syncs, auditd started */
        REPORT_SECTION_OTHER,      /* reads and executions by other programs */
        _REPORT_SECTION_MAX,
};
const char *report_section_name(enum report_section s);

/* What a group collapses. */
enum report_group_kind {
        REPORT_GROUP_EVENT,        /* identical events on Docker's paths by one program */
        REPORT_GROUP_AUDIT,        /* identical changes of the audit system (our rules, the enabled flag, auditd) */
        REPORT_GROUP_SHADOW,       /* a rule of another key added on a watched path or a directory above one */
        REPORT_GROUP_DOCKER,       /* everything Docker's daemons did */
        REPORT_GROUP_PACKAGE,      /* one package transaction (a package manager's events without a 10-minute gap) */
        REPORT_GROUP_SELF,         /* this tool's runs with one command line (a --remove: each run) */
        _REPORT_GROUP_KIND_MAX,
};
const char *report_group_kind_name(enum report_group_kind k);

/* --since and --until, in the forms ausearch(8) knows: now, recent (10 minutes ago), today,
 * yesterday, this-week (Sunday), week-ago, this-month, this-year (all at local midnight), or a
 * date MM/DD/YYYY or YYYY-MM-DD, optionally followed by a time HH:MM[:SS], or a time alone
 * (today). A date without a time is its midnight, or for the end of the window (end true) its
 * last second; "today" as an end is now. Returns -EINVAL for anything else. */
int report_parse_time(const char *s, bool end, time_t now, time_t *ret);

/* Exit statuses of --report, for monitoring. */
enum report_status {
        REPORT_CLEAN = 0,      /* nothing, or only package managers, Docker's daemons and this tool */
        REPORT_CHANGES = 1,    /* another program changed (not only read) a watched file */
        REPORT_TAMPERED = 2,   /* our rule removed, audit's enabled flag changed, auditd stopped */
        REPORT_UNREADABLE = 3, /* no input could be read */
};

struct report_options {
        const char *key;
        time_t since, until;    /* 0: unbounded */
        bool json;
        bool verbose;           /* text: every event too, in log order */
        char **self_exes;       /* this tool's paths (NULL-terminated, may be NULL) */
        char **inputs;          /* files, "-" for standard input; NULL: auditd's logs */
        const char *auditd_conf;/* where to find log_file when inputs is NULL */
};

struct report_input_error {
        char *path;
        int error;              /* -errno */
};

/* Per component, and one slot (REPORT_NO_COMPONENT) for paths no longer discovered. */
#define REPORT_NO_COMPONENT _COMP_MAX
struct report_component {
        size_t events, changes;
        time_t last_sec;          /* the last change (successful) */
        unsigned last_msec;
        char *last_exe;           /* who made it: the executable, the auid as text */
        char *last_auid;
};

/* A group: identical events, or the work of one kind of expected actor, counted with its time span
 * and shown as one line. The first event's fields stand for all of them. */
#define REPORT_GROUP_NAMES_MAX 6
#define REPORT_RUN_PIDS 4
struct report_group {
        unsigned id;               /* 1, 2, ... in the order the groups began */
        enum report_group_kind kind;
        enum report_section section;
        bool tampering;            /* counts for the exit status as TAMPERED */
        size_t count;              /* events */
        size_t changes, reads, executions, failed;
        size_t rules_added, rules_removed;
        size_t runs;               /* REPORT_GROUP_SELF: runs, a run's forked children with it */
        long long last_pid;
        /* REPORT_GROUP_SELF: the process ids of the current run and their parents' (the last
         * REPORT_RUN_PIDS of each), to tell a child the run forked from a new run. */
        long long run_pids[REPORT_RUN_PIDS], run_ppids[REPORT_RUN_PIDS];
        unsigned run_n;
        time_t first_sec, last_sec;
        unsigned first_msec, last_msec;
        /* The first event, as judged. Its kind, enabled flags, key (the one that labelled it;
         * NULL: none), exe, command line, tty, ids and their names, and success are shown; in a
         * group made (group_new()) those strings are its own and the rest (paths, cwd, comm,
         * syscall name, euid's name, op) are NULL. */
        struct audit_event first;
        bool by_path;              /* selected by its path: the key is not ours */
        enum component comp;       /* REPORT_NO_COMPONENT: none */
        char *path, *renamed_to;
        char *rule_path;           /* REPORT_GROUP_SHADOW: the path of the rule added */
        char *target;              /* REPORT_GROUP_SHADOW: the watched path below it */
        enum report_action action;
        enum report_actor actor;
        char *names[REPORT_GROUP_NAMES_MAX]; /* the programs' base names (DOCKER, PACKAGE) */
        size_t n_names, more_names;
        unsigned long long hash;
};

struct report_result {
        enum report_status status;
        struct report_component components[_COMP_MAX + 1];
        size_t n_events, n_tampering, n_changes;
        size_t n_by_path;               /* events under another key (or none), selected by their path */
        struct report_group *groups;    /* in the order they began */
        size_t n_groups;
        size_t groups_capped;           /* events not grouped: the cap (REPORT_GROUPS_MAX) was reached */
        size_t n_inputs_read, damaged_lines;
        size_t records_cut, events_cut;  /* records of overlong events not read, of that many events */
        struct report_input_error *input_errors;
        size_t n_input_errors;
};
void report_result_done(struct report_result *r);

/* At most this many groups, holding at most REPORT_GROUPS_BYTES of strings; an event that would
 * begin another is counted in groups_capped (and listed one by one when it needs attention). */
#define REPORT_GROUPS_MAX 1024
#define REPORT_GROUPS_BYTES (2 * 1024 * 1024)

/* Read the inputs in order, write the report to out and judge it. Events are selected by our key
 * and, whatever key labelled them, by their paths: those of d's targets, directories with
 * everything below them (d may be NULL: our key only). Text: the events that need attention
 * first, then the routine summarised, then reads and executions by others, each group one line
 * (with -v every event after them), then a summary per component. JSON lines: every event, with
 * the id of its group, then the groups, then the summary. Memory stays bounded: event lines wait
 * in unlinked temporary files, groups are capped (REPORT_GROUPS_MAX).
 * Inputs that cannot be opened or read are listed in ret->input_errors, not fatal.
 * Returns 0, or -errno when out cannot be written or memory runs out. */
int report_run(const struct report_options *o, const struct discovery *d, FILE *out,
               struct report_result *ret);

/* The --report mode: discovery of the host (for component names), the report on standard
 * output, errors on standard error. Returns the exit status (enum report_status, or
 * EXIT_USAGE for a --since/--until the parser refuses). */
int run_report(const struct options *o);

/* ---- Printers (report-print.c): they only format, and call nothing of report.c. ---- */

/* One event of ours, judged. */
struct report_event {
        const struct audit_event *e;
        unsigned group;           /* its group's id; 0: none (the cap was reached) */
        bool by_path;             /* selected by its path (the key is not ours) */
        enum component comp;      /* REPORT_NO_COMPONENT: a path no longer discovered */
        const char *cis;          /* the component's CIS ids (component_cis_ids()); NULL or "": none */
        const char *path;         /* the path shown; NULL: none */
        const char *via;          /* the other name it was reached by (a link), by inode; NULL: none */
        const char *renamed_to;   /* REPORT_ACTION_RENAMED: the new name */
        enum report_action action;
        bool change;              /* report_action_is_change(action) */
        enum report_actor actor;
};

/* One line of text, or one JSON object on a line; 0, -EIO or -ENOMEM. */
int report_print_event(FILE *f, bool json, const struct report_event *x);
/* A change of the audit system itself (tampering true: a rule of ours removed, the enabled flag
 * changed, auditd stopped); the same shapes. */
int report_print_integrity(FILE *f, bool json, const struct audit_event *e, bool tampering, unsigned group);
/* One group: a line of text (indented by two spaces) or a JSON object. */
int report_print_group(FILE *f, bool json, const struct report_group *g, const char *cis);
/* Text: the heading of a section (n: its groups; 0 says "nothing"). JSON: nothing. */
int report_print_section(FILE *f, const struct report_options *ro, enum report_section s, size_t n);
/* Text: the heading of -v's listing of every event (events_section), or nothing; JSON: the
 * document's first object (schema "docker-audit-rules/report", version 1), nothing for the
 * events section. */
int report_print_header(FILE *f, const struct report_options *ro, bool events_section);
/* The summary per component (cis_ids: per component, as component_cis_ids() gives them). */
int report_print_summary(FILE *f, const struct report_options *o, const struct report_result *res,
                         char *const cis_ids[]);
/* An auid or uid as shown: its name, else the number, "unset" for (unsigned) -1. buf holds 24. */
const char *report_id_text(const char *name, long long id, char buf[static 24]);
