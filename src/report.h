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

/* Who wrote, by the executable's base name. */
enum report_actor {
        ACTOR_OTHER,
        ACTOR_PACKAGE_MANAGER, /* dpkg, rpm, apt, apt-get, dnf, yum, unattended-upgrade(s), snapd, apk, zypper */
        ACTOR_DOCKER,          /* dockerd, containerd, containerd-shim*, runc, docker-proxy, docker-init */
        ACTOR_SELF,            /* docker-audit-rules */
        _ACTOR_MAX,
};
const char *report_actor_name(enum report_actor a);   /* "" for ACTOR_OTHER */
enum report_actor report_actor_of(const char *exe);

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

struct report_result {
        enum report_status status;
        struct report_component components[_COMP_MAX + 1];
        size_t n_events, n_tampering, n_changes;
        size_t n_inputs_read, damaged_lines;
        size_t records_cut, events_cut;  /* records of overlong events not read, of that many events */
        struct report_input_error *input_errors;
        size_t n_input_errors;
};
void report_result_done(struct report_result *r);

/* Read the inputs in order, write the report to out (tampering first, then one line per event,
 * then a summary per component) and judge it. Paths are named after d's targets (may be
 * NULL). Memory stays bounded: event lines wait in an unlinked temporary file, not in memory.
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
        enum component comp;      /* REPORT_NO_COMPONENT: a path no longer discovered */
        const char *cis;          /* the component's CIS ids (component_cis_ids()); NULL or "": none */
        const char *path;         /* the path shown; NULL: none */
        const char *renamed_to;   /* REPORT_ACTION_RENAMED: the new name */
        enum report_action action;
        bool change;              /* report_action_is_change(action) */
        enum report_actor actor;
};

/* One line of text, or one JSON object on a line; 0, -EIO or -ENOMEM. */
int report_print_event(FILE *f, bool json, const struct report_event *x);
/* A change of the audit system itself (tampering true: a rule of ours removed, the enabled flag
 * changed, auditd stopped); the same shapes. */
int report_print_integrity(FILE *f, bool json, const struct audit_event *e, bool tampering);
/* Text: the heading of the audit system's section, or (events_section) of the events'; JSON: the
 * document's first object (schema "docker-audit-rules/report", version 1), nothing for the
 * events section. */
int report_print_header(FILE *f, const struct report_options *ro, bool events_section);
/* The summary per component (cis_ids: per component, as component_cis_ids() gives them). */
int report_print_summary(FILE *f, const struct report_options *o, const struct report_result *res,
                         char *const cis_ids[]);
/* An auid or uid as shown: its name, else the number, "unset" for (unsigned) -1. buf holds 24. */
const char *report_id_text(const char *name, long long id, char buf[static 24]);
