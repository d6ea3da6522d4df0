/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>
#include <sys/stat.h>

#include "audit.h"
#include "boot.h"
#include "fragment.h"
#include "options.h"
#include "render.h"
#include "root.h"
#include "rulesdir.h"
#include "discover.h"

/* The plan: what every mode starts from, and the one diff that install executes, --dry-run
 * prints and --check judges.
 *
 *   plan_build()        the host (discovery), the other rules files, the rules we want, the
 *                       fragment text, the boot loader and the rules directory it reads.
 *   plan_read_disk()    our fragment as it is on disk (and audit.rules when that is what boots).
 *   plan_read_kernel()  the kernel's status and the rules that concern us, once.
 *   diff_build()         wanted x kernel x other files -> actions (diff.c).
 *   verdicts_build()     wanted x kernel x disk -> one verdict per target (verdict.c). */

/* What became of reading the kernel. */
enum kernel_state {
        KERNEL_SKIPPED,           /* not read: --no-load, --root, or off limits */
        KERNEL_LOADED,            /* status and rules read; rules can be added and deleted */
        KERNEL_LOCKED,            /* read, but enabled 2: nothing can change until reboot */
        KERNEL_UNAVAILABLE,       /* no audit, another user namespace, no permission */
        KERNEL_ERROR,             /* any other failure */
        _KERNEL_STATE_MAX,
};
const char *kernel_state_to_string(enum kernel_state s);
enum kernel_state kernel_state_from_string(const char *s);

struct kernel_view {
        enum kernel_state state;
        int error;                /* -errno for UNAVAILABLE and ERROR */
        bool not_root;            /* the error came while not running as root */
        struct audit_state st;
        struct kernel_rule *rules; /* watches on our paths or with our key (keep_relevant) */
        size_t n_rules;
        size_t n_total;           /* every rule the kernel listed */
        struct filter_rule *never; /* never rules of the task and exit lists, in listing order */
        size_t n_never;
        struct filter_rule *takers; /* always rules of the exit list without our key (or the
                                   * previous one) that can take events on a wanted path
                                   * (shadow_take_classes()), in listing order: the rest of a
                                   * large rule set is not kept */
        size_t n_takers;
        unsigned first_foreign_exit; /* pos of the first rule of the exit list that carries neither
                                  * our key nor the previous one; UINT_MAX: none */
        unsigned last_foreign_exit; /* pos of the last such rule (valid when n_foreign_exit > 0) */
        size_t n_foreign_exit;    /* how many such rules the exit list has */
        struct audit_conn *conn;  /* kept open for apply */
};

/* One line each for a kernel that could not be read or changed: why, and what to do. The one
 * table of errno to message. *ret_todo may be NULL when there is nothing to do. */
void kernel_view_message(const struct kernel_view *k, const char **ret_why, const char **ret_todo);

/* Our fragment on disk. */
struct fragment_disk {
        bool exists;
        int error;                /* -errno other than -ENOENT from reading it */
        struct stat st;
        char *text;
        struct fragment_lines lines;
        struct fragment_lines boot_lines; /* /etc/audit/audit.rules when that is loaded at boot */
        struct fragment_lines old_lines; /* old_fragment_path's */
};

struct plan {
        struct root root;
        struct discovery disc;
        struct rules_dir others;
        struct ruleset rules;
        char *rules_dir;          /* real path */
        int rules_dir_error;      /* -errno: RULES_DIR could not be resolved inside the root; rules_dir
                                   * is then only its name, never opened (read-only modes go on) */
        char *default_rules_dir;  /* the one augenrules reads at boot (real path) */
        char *fragment_path;      /* real path */
        char *old_fragment_path;  /* our fragment under the other order's name (fragment_name_for())
                                   * in the same directory, when one is there; NULL otherwise or
                                   * when --fragment or --output names the fragment. Install and
                                   * --remove delete it; its lines count as ours. */
        char *fragment_text;
        const char *key;
        enum rule_order order;    /* where our rules are to stand: --order, Order= (rule.h) */
        char *previous_key;       /* the key of the fragment on disk when it is another: its rules
                                   * are ours to remove (plan_read_disk) */
        bool rules_dir_given;     /* --rules-dir: the boot path is the user's business */
        struct boot_info boot;
        bool fragment_in_boot_dir; /* the fragment lies in the directory augenrules reads */
        bool boot_reads_fragment; /* augenrules loads at boot and reads our fragment's directory */
        struct fragment_disk disk;
        struct kernel_view kernel;
};

void plan_done(struct plan *p);

/* Returns 0, or -errno with *ret_what naming the step that failed (static text). */
int plan_build(const struct options *o, struct plan *ret, const char **ret_what);

/* Read our fragment (and audit.rules when it is what boots). A missing fragment is not an error.
 * When the fragment's rules carry another key than p->key (the settings changed the key), that
 * key becomes p->previous_key. Call it before plan_read_kernel(), which then also keeps the
 * kernel's rules of the previous key. */
int plan_read_disk(struct plan *p);

/* Open the kernel's audit, read its status and list the rules that concern us (one request).
 * Never fails: the outcome is p->kernel.state (and .error). The connection stays open for
 * apply until plan_done(). Only on the live root (--root: KERNEL_SKIPPED). */
void plan_read_kernel(struct plan *p);

/* Print the discovery problems and rules-directory problems to f, one line each, escaped
 * (fprintf_escaped(): a path or value a user wrote cannot move the cursor or invent a line). Returns their
 * number; f NULL only counts them. */
int plan_print_problems(FILE *f, const struct plan *p);

/* The same problems as a JSON array of {file, line, message}. */
struct json_object;
struct json_object *plan_problems_json(const struct plan *p);

/* ---- The diff (diff.c) ---- */

enum action_kind {
        ACTION_ADD,               /* load a wanted rule the kernel lacks */
        ACTION_DELETE,            /* delete a rule of ours that is no longer wanted */
        ACTION_KEEP,              /* wanted and loaded: nothing to do */
        ACTION_LIVE_ONLY,         /* wanted, loaded now, only a comment in the fragment */
        ACTION_LEAVE_ALONE,       /* a rule with our key that is not ours to delete */
        ACTION_MOVE,              /* wanted and loaded, but not where the order asks: moved there
                                   * without a gap (audit_conn_move()) */
        _ACTION_KIND_MAX,
};
const char *action_kind_to_string(enum action_kind k);
enum action_kind action_kind_from_string(const char *s);

enum action_reason {
        REASON_NONE,
        REASON_HELD_ELSEWHERE,    /* another rules file holds the same rule */
        REASON_NOT_OURS,          /* carries another key too, or not in our fragment */
        REASON_PARENT_AT_RUN_TIME, /* live only: its parent is made at run time */
        REASON_USER_TREE,         /* live only: a path in a user's tree, checked again at every run */
        REASON_KIND_CHANGED,      /* the same path watched plainly, wanted recursively (or back) */
        REASON_PREVIOUS_KEY,      /* written by this tool under the key it used before */
        REASON_ORDER,             /* behind a rule of another key where the order is first */
        REASON_ORDER_LAST,        /* before a rule of another key, the order back to last */
        _ACTION_REASON_MAX,
};
const char *action_reason_to_string(enum action_reason r);
enum action_reason action_reason_from_string(const char *s);

struct action {
        enum action_kind kind;
        enum action_reason reason;
        const struct rule *rule;          /* the wanted rule (ADD, KEEP, LIVE_ONLY) or the kernel's */
        const struct rendered *want;      /* ADD, KEEP, LIVE_ONLY */
        const struct kernel_rule *have;   /* DELETE, KEEP, LEAVE_ALONE */
};

enum diff_mode {
        DIFF_INSTALL,             /* bring the kernel to the wanted rules */
        DIFF_REMOVE,              /* take out every rule our fragment (or live-only set) put in */
};

/* The home of the rootless instance of this uid, NULL when there is none (diff.c). */
const char *diff_user_home(const struct plan *p, uid_t uid);

struct diff {
        struct action *actions;
        size_t n;
};

void diff_done(struct diff *d);
/* The actions, adds and moves first, then deletes and the rest. With p->order ORDER_FIRST a
 * wanted rule that is loaded after a rule of another key in the exit list is a MOVE (reason
 * REASON_ORDER), and adds are meant to be prepended (apply.c). With ORDER_LAST, when our fragment
 * of the order first is still there (p->old_fragment_path: the order was first until now), a
 * wanted rule loaded before a rule of another key is a MOVE to the tail (REASON_ORDER_LAST). Needs p->kernel read (KERNEL_LOADED or
 * KERNEL_LOCKED) and, for DIFF_REMOVE, p->disk read. Returns 0 or -ENOMEM. */
int diff_build(const struct plan *p, enum diff_mode mode, struct diff *ret);
size_t diff_count(const struct diff *d, enum action_kind k);

/* ---- Verdicts per target (verdict.c) ---- */

enum severity {
        SEV_NONE,
        SEV_WARNING,
        SEV_CRITICAL,
        _SEV_MAX,
};
const char *severity_to_string(enum severity s);
enum severity severity_from_string(const char *s);

enum target_status {
        STATUS_OK,                /* covered now and at boot */
        STATUS_AT_BOOT,           /* in a rules file that loads at boot; kernel not judged (--root) */
        STATUS_NOT_WATCHED,       /* no rule wanted: skipped */
        STATUS_UNKNOWN,           /* the kernel could not be read */
        STATUS_NOT_LOADED,        /* not in the running kernel */
        STATUS_NOT_RECURSIVE,     /* only a plain watch loaded where a recursive one is wanted */
        STATUS_PENDING_REBOOT,    /* locked kernel; in the file, loads at the next boot */
        STATUS_NOT_IN_FILE,       /* loaded now, not at boot */
        _STATUS_MAX,
};
const char *target_status_to_string(enum target_status s);
enum target_status target_status_from_string(const char *s);

struct verdict {
        const struct target *t;
        const struct rendered *x;         /* NULL: no rule wanted (skipped) */
        bool counted;                     /* part of the verdict (--cis) */
        bool in_kernel;
        const char *kernel_key;           /* key of the covering rule (points into the kernel's) */
        bool in_file;
        const char *file;                 /* which file holds it */
        enum target_status status;
        enum severity sev;
        char *message;
};

struct verdicts {
        struct verdict *v;
        size_t n;
};

void verdicts_done(struct verdicts *v);
/* One verdict per target. cis: -1 or the enum cis_version that decides which targets count.
 * Needs plan_read_disk() and (on the live root) plan_read_kernel(). */
int verdicts_build(const struct plan *p, int cis, struct verdicts *ret);

/* ---- Never rules that silence ours (verdict.c, judged by shadow.c) ---- */

struct verdict_shadow {
        struct shadow s;          /* s.rule points into the plan (kernel or rules directory); s.which
                                   * is not kept (NULL): see targets */
        bool in_kernel;           /* loaded now; else in a rules file (s.rule->file, ->line) */
        enum severity sev;        /* never rules: CRITICAL everything silenced, WARNING part, NONE no
                                   * effect. Rules of another key (s.kind SHADOW_KEY_*): WARNING
                                   * before ours (the events are recorded, under its key), NONE
                                   * after ours (said with Order=first only) */
        unsigned our_pos;         /* in_kernel: the listing position of our first rule it is judged
                                   * against (UINT_MAX: none loaded; install appends them, or with
                                   * ORDER_FIRST puts them first) */
        size_t *targets;          /* the discovery targets (indexes into p->disc.targets) it
                                   * touches, each once, in the plan's order */
        size_t n_targets;
        char *message;            /* one line: where, the rule, what it does, which of our paths */
};

struct verdict_shadows {
        struct verdict_shadow *v;
        size_t n;
};

void verdict_shadows_done(struct verdict_shadows *s);
/* The never rules of the running kernel (when read) against the watches loaded there (in the
 * kernel's order), and those of the rules directory against our fragment (in augenrules'
 * order); then the rules of other keys (p->kernel.takers, p->others.takers) that take events
 * of our watches (shadow_take_classes()): before ours, a WARNING; after ours, said (severity
 * NONE) only when p->order is ORDER_FIRST, as what that rule set no longer records. Our
 * position: in the kernel our first loaded rule for the path (not loaded: after every rule,
 * or before every rule with ORDER_FIRST); at boot our fragment's place in augenrules' order.
 * Returns the number found or -ENOMEM. */
int verdict_shadows_build(const struct plan *p, struct verdict_shadows *ret);
/* Those that matter (severity above NONE), one line each on f prefixed "warning: "; their
 * number. A rule loaded now and written in a rules file is said once (the file's line). */
int verdict_print_shadows(FILE *f, const struct plan *p);

/* The rule of another key in the running kernel that takes events of one class ('r', 'w',
 * 'x' or 'a') on path before our rule for it does: the first such rule of p->kernel.takers in
 * listing order (shadow_taker_first()), judged against our first loaded rule on that path
 * (not loaded: after every rule). NULL when none takes them, when path is none of our rules'
 * paths, or when the kernel was not read. *ret_may (may be NULL): it only may take them (a
 * condition on the task, the system calls or the tree; shadow_take_classes()). The rule points
 * into p and lives as long as it; format it with filter_rule_format(), its key is
 * rule->keys[0] (NULL: none). */
const struct filter_rule *verdict_taker_for(const struct plan *p, const char *path, char klass, bool *ret_may);

/* (diff.c) Does one of our fragments on disk (the current one, or the old one of the other
 * order) hold r or, as a -w line loads either way, r with the other kind? Commented live-only lines count. */
bool diff_fragments_hold(const struct plan *p, const struct rule *r);

/* Does kernel rule k give at least what rule want asks for: same path, a recursive watch where a
 * directory is wanted recursively, a superset of the permissions, and no narrower exe filter? */
bool kernel_rule_covers(const struct rule *k, const struct rule *want);

/* Formats a rule for a report line: the rule, with its kind spelled out (" (dir=)" or
 * " (path=)") when written as -w, where the kind does not show. */
int diff_rule_line(const struct rule *r, char **ret);
