/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "shadow.h"

/* A file-watch audit rule, in the terms the kernel uses. Both `-w PATH -p PERMS -k KEY` and
 * `-a always,exit -F path=|dir=PATH -F perm=PERMS [-F exe[!]=EXE] [-F auid!=unset] -k KEY` map
 * onto this. */

enum {
        PERM_READ = 1 << 0,   /* AUDIT_PERM_READ is 4 in the kernel; mapped in audit.c */
        PERM_WRITE = 1 << 1,
        PERM_EXEC = 1 << 2,
        PERM_ATTR = 1 << 3,
        PERM_ALL = PERM_READ | PERM_WRITE | PERM_EXEC | PERM_ATTR,
};

enum watch_kind {
        WATCH_FILE,   /* AUDIT_WATCH: path=, or -w on something that is not a directory */
        WATCH_DIR,    /* AUDIT_DIR: dir=, or -w on an existing directory (recursive) */
};

enum rule_form {
        FORM_W,       /* written as -w PATH -p PERMS -k KEY */
        FORM_A,       /* written as -a always,exit -F path=/dir= ... */
};

struct rule {
        enum rule_form form;
        enum watch_kind kind;
        char *path;
        unsigned perms;       /* PERM_* bits */
        char *exe;            /* optional -F exe=/exe!= */
        bool exe_negated;
        bool auid_set;        /* -F auid!=unset: only tasks with a login uid (a login session or
                               * what it started; not daemons started at boot). After exe. */
        char **keys;          /* every key (the kernel joins several with 0x01) */
};

/* Where our rules stand in the kernel's exit list, which is first match wins: an event carries
 * the key of the first rule that matches it (kernel/auditsc.c, audit_filter_syscall()).
 * ORDER_LAST (the default) appends our rules as auditctl -a does and names the fragment so that
 * it sorts in the middle of the rules directory; ORDER_FIRST prepends them (AUDIT_FILTER_PREPEND,
 * auditctl -A) and names the fragment so that it sorts first. The names are the words of --order,
 * Order= and the output. */
enum rule_order {
        ORDER_LAST,
        ORDER_FIRST,
        _RULE_ORDER_MAX,
};
const char *rule_order_to_string(enum rule_order o);
enum rule_order rule_order_from_string(const char *s);

void rule_done(struct rule *r);
int rule_copy(const struct rule *src, struct rule *ret);

/* "rwxa" <-> PERM_* (any order, no repeats); -EINVAL on anything else. */
int perms_from_string(const char *s, unsigned *ret);
/* Canonical text in auditctl's order ("rwxa" subset); buf of at least 5 bytes. */
const char *perms_to_string(unsigned perms, char buf[static 5]);

/* Same kernel rule: kind, path, perms, exe (and its operator), auid filter and key set all equal. */
bool rule_equal(const struct rule *a, const struct rule *b);
bool rule_has_key(const struct rule *r, const char *key);

/* Whether key can be written as one -k KEY that auditctl -R reads back as it is: 1 to 256
 * bytes, no whitespace or other control character (so no 0x01, the kernel's separator of
 * several keys), no DEL, no '"', '#' or '\\'. The one rule for keys: rule_format() refuses a
 * rule with a key that fails it, and --key is checked with it. */
bool rule_key_valid(const char *key);

/* One rules line, without a newline, in the form the rule asks for. */
int rule_format(const struct rule *r, char **ret);

/* Parsing lines of rules files (ours or other tools'). */
enum rule_line_type {
        LINE_EMPTY,           /* blank or comment */
        LINE_WATCH,           /* a file-watch rule, parsed into the struct */
        LINE_OTHER_RULE,      /* a valid-looking rule we do not model (syscall rules, -a never ...) */
        LINE_CONTROL,         /* -D -b -f -e -c -i -r --backlog_wait_time ...: never in our fragment */
};

/* Parse one line of an audit rules file as auditctl -R would read it. Returns a line type,
 * or -EINVAL for a line auditctl would refuse (ret_why says why when not NULL).
 * When the type is LINE_WATCH the rule is stored in *ret (form kept; for FORM_W kind is
 * WATCH_FILE, to be decided against the file system by the caller). */
int rule_parse_line(const char *line, struct rule *ret, const char **ret_why);

/* A rule line that is not a watch (rule_parse_line() said LINE_OTHER_RULE), in the terms of
 * shadow.h: list and action of -a or -A (prepend set for -A), -S syscalls ("all" sets
 * all_syscalls), -F fields with their operators (key= goes to keys), -k keys, -C as a
 * field_compare field. file, line and pos are left for the caller. -EINVAL when the line adds
 * no rule; -ENOMEM. */
int rule_parse_filter(const char *line, struct filter_rule *ret);
