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
enum report_actor report_actor(const char *exe);

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

struct report_result {
        enum report_status status;
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
