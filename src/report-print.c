/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --report, the printers: a judged event, a change of the audit system, the headings and the
 * summary per component, as text lines or JSON objects (one a line). They decide nothing and
 * call nothing of report.c. */
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>

#include "report.h"
#include "util.h"

/* A path or program as one field of a text line, so that a name a user chose cannot pass for the
 * line's other words (" by auid=root ... /usr/bin/dpkg"): as is when it holds no space, double
 * quote or backslash, else in double quotes with " and \ preceded by a backslash. NULL for
 * NULL; newly allocated, NULL on allocation failure too (FIELD() tells the two apart). Control
 * bytes are left to fprintf_escaped(). */
static char *field_text(const char *s) {
        char *r, *o;

        if (!s)
                return NULL;
        if (!strpbrk(s, " \"\\"))
                return strdup(s);
        r = malloc(2 * strlen(s) + 3);
        if (!r)
                return NULL;
        o = r;
        *o++ = '"';
        for (; *s; s++) {
                if (*s == '"' || *s == '\\')
                        *o++ = '\\';
                *o++ = *s;
        }
        *o++ = '"';
        *o = 0;
        return r;
}

#define FIELD(var, s)                                                   \
        _cleanup_free_ char *var = field_text(s);                       \
        if ((s) && !var)                                                \
                return -ENOMEM

/* A command line as the text shows it after the program: a space, then always in double quotes,
 * with " and \ preceded by a backslash, so that a " in an argument cannot end the quote early and
 * make what follows pass for the line's own words. "" for NULL; NULL only on allocation failure. */
static char *cmdline_text(const char *s) {
        _cleanup_free_ char *q = NULL;
        char *r;

        if (!s)
                return strdup("");
        q = field_text(s);
        if (!q)
                return NULL;
        if (asprintf(&r, q[0] == '"' ? " %s" : " \"%s\"", q) < 0)
                return NULL;
        return r;
}

#define CMDLINE(var, s)                                                 \
        _cleanup_free_ char *var = cmdline_text(s);                     \
        if (!var)                                                       \
                return -ENOMEM

static const char *const action_names[_REPORT_ACTION_MAX] = {
        [REPORT_ACTION_READ] = "read",
        [REPORT_ACTION_WRITTEN] = "written",
        [REPORT_ACTION_ATTR] = "attributes",
        [REPORT_ACTION_EXECUTED] = "executed",
        [REPORT_ACTION_CREATED] = "created",
        [REPORT_ACTION_DELETED] = "deleted",
        [REPORT_ACTION_RENAMED] = "renamed",
        [REPORT_ACTION_OTHER] = "other",
};

const char *report_action_name(enum report_action a) {
        return a < _REPORT_ACTION_MAX ? action_names[a] : NULL;
}

static const char *const actor_names[_ACTOR_MAX] = {
        [ACTOR_OTHER] = "",
        [ACTOR_PACKAGE_MANAGER] = "package-manager",
        [ACTOR_DOCKER] = "docker",
        [ACTOR_SELF] = "self",
};

const char *report_actor_name(enum report_actor a) {
        return a < _ACTOR_MAX ? actor_names[a] : NULL;
}

static void format_time(time_t sec, unsigned msec, bool utc, char buf[static 40]) {
        struct tm tm;
        size_t n;

        if (!(utc ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm))) {
                snprintf(buf, 40, "%lld.%03u", (long long) sec, msec);
                return;
        }
        n = strftime(buf, 40, utc ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(buf + n, 40 - n, utc ? ".%03uZ" : ".%03u", msec);
}

const char *report_id_text(const char *name, long long id, char buf[static 24]) {
        if (id == AUDIT_ID_UNSET)
                return "unset";
        if (name && *name && !streq(name, "?"))
                return name;
        snprintf(buf, 24, "%lld", id);
        return buf;
}

static void json_add_str(json_object *o, const char *k, const char *v) {
        json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void json_add_id(json_object *o, const char *k, const char *kname, long long id, const char *name) {
        json_object_object_add(o, k, id == AUDIT_ID_UNSET ? NULL : json_object_new_int64(id));
        json_add_str(o, kname, id == AUDIT_ID_UNSET ? NULL : name);
}

/* Time, serial and who: the fields every JSON object of an event has. */
static json_object *json_event_base(const char *type, const struct audit_event *e) {
        json_object *o = json_object_new_object();
        char t[40];

        if (!o)
                return NULL;
        format_time(e->sec, e->msec, true, t);
        json_add_str(o, "type", type);
        json_add_str(o, "time", t);
        json_object_object_add(o, "serial", json_object_new_int64((int64_t) e->serial));
        json_add_str(o, "key", e->key);
        json_add_id(o, "auid", "auid_name", e->auid, e->auid_name);
        json_add_id(o, "uid", "uid_name", e->uid, e->uid_name);
        json_add_id(o, "euid", "euid_name", e->euid, e->euid_name);
        json_object_object_add(o, "ses", e->ses == AUDIT_ID_UNSET ? NULL : json_object_new_int64(e->ses));
        json_add_str(o, "tty", e->tty);
        json_add_str(o, "exe", e->exe);
        json_add_str(o, "comm", e->comm);
        json_add_str(o, "cmdline", e->cmdline);
        return o;
}

static int json_put(FILE *f, json_object *o) {
        const char *s;
        int r = 0;

        if (!o)
                return -ENOMEM;
        s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s || fputs_json(s, f) == EOF || fputc('\n', f) == EOF)
                r = s ? -EIO : -ENOMEM;
        json_object_put(o);
        return r;
}

static void who_text(const struct audit_event *e, char *buf, size_t n) {
        char a[24], u[24], s[24];

        if (e->ses == AUDIT_ID_UNSET)
                strcpy(s, "unset");
        else
                snprintf(s, sizeof(s), "%lld", e->ses);
        snprintf(buf, n, "auid=%s uid=%s ses=%s tty=%s", report_id_text(e->auid_name, e->auid, a),
                 report_id_text(e->uid_name, e->uid, u), s, e->tty ? e->tty : "-");
}

int report_print_integrity(FILE *f, bool json, const struct audit_event *e, bool tampering, unsigned group) {
        char t[40], who[160], what[64];

        if (json) {
                json_object *o = json_event_base("integrity", e);
                if (!o)
                        return -ENOMEM;
                json_add_str(o, "what", audit_event_kind_name(e->kind));
                json_object_object_add(o, "tampering", json_object_new_boolean(tampering));
                json_object_object_add(o, "group", group ? json_object_new_int64(group) : NULL);
                json_add_str(o, "op", e->op);
                if (e->kind == AUDIT_EVENT_ENABLED) {
                        json_object_object_add(o, "enabled", json_object_new_int(e->enabled));
                        json_object_object_add(o, "enabled_old", json_object_new_int(e->enabled_old));
                }
                return json_put(f, o);
        }
        format_time(e->sec, e->msec, false, t);
        who_text(e, who, sizeof(who));
        if (e->kind == AUDIT_EVENT_ENABLED)
                snprintf(what, sizeof(what), "audit-enabled %d->%d", e->enabled_old, e->enabled);
        else if (e->kind == AUDIT_EVENT_RULE_REMOVED || e->kind == AUDIT_EVENT_RULE_ADDED)
                snprintf(what, sizeof(what), "%s key=%s", audit_event_kind_name(e->kind), strempty(e->key));
        else
                snprintf(what, sizeof(what), "%s", audit_event_kind_name(e->kind));
        /* The exe and command line are what a user chose: escaped, as all of the line. */
        FIELD(exe, e->exe);
        CMDLINE(cmd_e, e->cmdline);
        if (fprintf_escaped(f, "%s %-10s %-32s by %s%s%s%s\n", t, tampering ? "TAMPERING" : "info", what, who,
                    e->exe ? " " : "", strempty(exe), strempty(cmd_e)) < 0)
                return -EIO;
        return 0;
}

static const char *const section_names[_REPORT_SECTION_MAX] = {
        [REPORT_SECTION_ATTENTION] = "attention",
        [REPORT_SECTION_ROUTINE] = "routine",
        [REPORT_SECTION_OTHER] = "other",
};

const char *report_section_name(enum report_section s) {
        return s < _REPORT_SECTION_MAX ? section_names[s] : NULL;
}

static const char *const group_kind_names[_REPORT_GROUP_KIND_MAX] = {
        [REPORT_GROUP_EVENT] = "events",
        [REPORT_GROUP_AUDIT] = "audit-system",
        [REPORT_GROUP_SHADOW] = "shadowing-rule",
        [REPORT_GROUP_DOCKER] = "docker",
        [REPORT_GROUP_PACKAGE] = "package-transaction",
        [REPORT_GROUP_SELF] = "self",
};

const char *report_group_kind_name(enum report_group_kind k) {
        return k < _REPORT_GROUP_KIND_MAX ? group_kind_names[k] : NULL;
}

int report_print_section(FILE *f, const struct report_options *ro, enum report_section s, size_t n) {
        static const char *const headings[_REPORT_SECTION_MAX] = {
                [REPORT_SECTION_ATTENTION] = "Attention: changes by people and other programs, the audit system changed",
                [REPORT_SECTION_ROUTINE] = "Routine: Docker's daemons, package managers, this tool, auditd",
                [REPORT_SECTION_OTHER] = "Reads and executions by other programs",
        };

        if (ro->json)
                return 0;
        if (fprintf(f, "%s%s:\n", s == 0 ? "" : "\n", headings[s]) < 0 || (n == 0 && fputs("  nothing\n", f) < 0))
                return -EIO;
        return 0;
}

/* "07:05:46" when the end is on the day of the start, else the date too. */
static void format_span_end(time_t first, time_t last, char buf[static 40]) {
        struct tm a, b;

        if (localtime_r(&first, &a) && localtime_r(&last, &b) && a.tm_year == b.tm_year && a.tm_yday == b.tm_yday)
                strftime(buf, 40, "%H:%M:%S", &b);
        else
                format_time(last, 0, false, buf), buf[19] = 0;
}

/* ", 3 times until 07:05:57" or "". */
static void format_repeat(const struct report_group *g, char buf[static 80]) {
        char end[40];

        if (g->count <= 1) {
                buf[0] = 0;
                return;
        }
        format_span_end(g->first_sec, g->last_sec, end);
        snprintf(buf, 80, " (%zu times, until %s)", g->count, end);
}

/* "56 executions, 40 reads, 3 changes, 1 failed" */
static void format_counts(const struct report_group *g, char buf[static 160]) {
        size_t n = 0;

        buf[0] = 0;
#define COUNT(v, one, many) \
        if (v > 0) \
                n += snprintf(buf + n, 160 - n, "%s%zu %s", n ? ", " : "", (size_t) v, v == 1 ? one : many);
        COUNT(g->executions, "execution", "executions");
        COUNT(g->reads, "read", "reads");
        COUNT(g->changes, "change", "changes");
        COUNT(g->failed, "failed", "failed");
        COUNT(g->rules_added, "rule added", "rules added");
        COUNT(g->rules_removed, "rule removed", "rules removed");
#undef COUNT
}

/* "containerd-shim-runc-v2, dockerd and runc" */
static void format_names(const struct report_group *g, char buf[static 256]) {
        size_t n = 0;

        buf[0] = 0;
        for (size_t i = 0; i < g->n_names && n < 256; i++) {
                _cleanup_free_ char *name = field_text(g->names[i]);
                n += snprintf(buf + n, 256 - n, "%s%s", i == 0 ? "" : i + 1 == g->n_names && !g->more_names ? " and " : ", ",
                              name ? name : "?");
        }
        if (g->more_names && n < 256)
                snprintf(buf + n, 256 - n, " and others");
}

/* "2026-12-07 07:05:46-07:05:57" or the one time. */
static void format_span(const struct report_group *g, char buf[static 80]) {
        char a[40], b[40];

        format_time(g->first_sec, g->first_msec, false, a);
        a[19] = 0;
        if (g->first_sec == g->last_sec) {
                snprintf(buf, 80, "%s", a);
                return;
        }
        format_span_end(g->first_sec, g->last_sec, b);
        snprintf(buf, 80, "%s-%s", a, b);
}

static void who_of_group(const struct report_group *g, char *buf, size_t n) {
        char a[24], u[24], s[24];

        if (g->first.ses == AUDIT_ID_UNSET)
                strcpy(s, "unset");
        else
                snprintf(s, sizeof(s), "%lld", g->first.ses);
        snprintf(buf, n, "auid=%s uid=%s ses=%s tty=%s", report_id_text(g->first.auid_name, g->first.auid, a),
                 report_id_text(g->first.uid_name, g->first.uid, u), s, g->first.tty ? g->first.tty : "-");
}

static int group_json(FILE *f, const struct report_group *g, const char *text) {
        json_object *o = json_object_new_object(), *names;
        char a[40], b[40];

        if (!o)
                return -ENOMEM;
        format_time(g->first_sec, g->first_msec, true, a);
        format_time(g->last_sec, g->last_msec, true, b);
        json_add_str(o, "type", "group");
        json_object_object_add(o, "id", json_object_new_int64(g->id));
        json_add_str(o, "section", report_section_name(g->section));
        json_add_str(o, "kind", report_group_kind_name(g->kind));
        json_object_object_add(o, "tampering", json_object_new_boolean(g->tampering));
        json_object_object_add(o, "count", json_object_new_int64((int64_t) g->count));
        json_add_str(o, "first", a);
        json_add_str(o, "last", b);
        json_add_str(o, "key", g->first.key);
        json_object_object_add(o, "by_path", json_object_new_boolean(g->by_path));
        json_object_object_add(o, "executions", json_object_new_int64((int64_t) g->executions));
        json_object_object_add(o, "reads", json_object_new_int64((int64_t) g->reads));
        json_object_object_add(o, "changes", json_object_new_int64((int64_t) g->changes));
        json_object_object_add(o, "failed", json_object_new_int64((int64_t) g->failed));
        json_object_object_add(o, "rules_added", json_object_new_int64((int64_t) g->rules_added));
        json_object_object_add(o, "rules_removed", json_object_new_int64((int64_t) g->rules_removed));
        if (g->kind == REPORT_GROUP_SELF)
                json_object_object_add(o, "runs", json_object_new_int64((int64_t) g->runs));
        if (g->kind == REPORT_GROUP_SHADOW) {
                json_add_str(o, "rule_path", g->rule_path);
                json_add_str(o, "watched_path", g->target);
        }
        names = json_object_new_array();
        for (size_t i = 0; names && i < g->n_names; i++)
                json_object_array_add(names, json_object_new_string(g->names[i]));
        json_object_object_add(o, "programs", names);
        json_add_str(o, "text", text);
        return json_put(f, o);
}

/* The group as one line of text, into f. */
static int group_text(FILE *f, const struct report_group *g, const char *cis) {
        const char *comp = g->comp == REPORT_NO_COMPONENT ? NULL : component_info(g->comp)->name;
        char t[40], who[160], rep[80], counts[160], names[256], span[80], under[300] = "";

        format_time(g->first_sec, g->first_msec, false, t);
        who_of_group(g, who, sizeof(who));
        format_repeat(g, rep);
        format_counts(g, counts);
        format_names(g, names);
        format_span(g, span);
        if (g->by_path)
                snprintf(under, sizeof(under), " under key %s", g->first.key ? g->first.key : "(none)");
        FIELD(path, g->path);
        FIELD(renamed_to, g->renamed_to);
        FIELD(exe, g->first.exe);
        FIELD(rule_path, g->rule_path);
        FIELD(target, g->target);
        CMDLINE(cmd_g, g->first.cmdline);

        switch (g->kind) {
        case REPORT_GROUP_EVENT:
                /* Paths, exe and command line are what a user chose: escaped, as all of the line. */
                return fprintf_escaped(f, "  %s %-20s %-13s %-10s %-6s %s%s%s by %s %s%s%s%s\n", t, comp ? comp : "-",
                        cis && *cis ? cis : "-",
                        g->action == REPORT_ACTION_OTHER ? "other" : report_action_name(g->action),
                        g->first.success == 0 ? "FAILED" : "ok", path ? path : "-", renamed_to ? " -> " : "",
                        strempty(renamed_to), who, strempty(exe), strempty(cmd_g), under, rep) < 0 ? -EIO : 0;
        case REPORT_GROUP_AUDIT: {
                char what[64];
                if (g->first.kind == AUDIT_EVENT_ENABLED)
                        snprintf(what, sizeof(what), "audit-enabled %d->%d", g->first.enabled_old, g->first.enabled);
                else if (g->first.kind == AUDIT_EVENT_RULE_REMOVED || g->first.kind == AUDIT_EVENT_RULE_ADDED)
                        snprintf(what, sizeof(what), "%s key=%s", audit_event_kind_name(g->first.kind),
                                 strempty(g->first.key));
                else
                        snprintf(what, sizeof(what), "%s", audit_event_kind_name(g->first.kind));
                return fprintf_escaped(f, "  %s %-10s %-32s by %s%s%s%s%s\n", t, g->tampering ? "TAMPERING" : "info",
                        what, who, exe ? " " : "", strempty(exe), strempty(cmd_g), rep) < 0 ? -EIO : 0;
        }
        case REPORT_GROUP_SHADOW:
                return fprintf_escaped(f, "  %s %-10s rule-added key=%s on %s: events on %s may carry key %s, not ours, "
                        "when it comes first, by %s%s%s%s%s\n", t, "SHADOWING", strempty(g->first.key),
                        strempty(rule_path), strempty(target), strempty(g->first.key), who, exe ? " " : "",
                        strempty(exe), strempty(cmd_g),
                        rep) < 0 ? -EIO : 0;
        case REPORT_GROUP_DOCKER:
                return fprintf_escaped(f, "  %s (Docker's daemons): %s, %s\n", names, counts, span) < 0 ? -EIO : 0;
        case REPORT_GROUP_PACKAGE:
                return fprintf_escaped(f, "  %s (package manager)%s: %zu event%s, %s, %s\n", names,
                        strempty(cmd_g), g->count, g->count == 1 ? "" : "s", counts,
                        span) < 0 ? -EIO : 0;
        case REPORT_GROUP_SELF:
                if (g->tampering)
                        return fprintf_escaped(f, "  %s %-10s this tool removed %zu rules with key %s (Docker's audit is "
                                "off) by %s %s%s\n", t, "TAMPERING", g->rules_removed, strempty(g->first.key), who,
                                strempty(exe), strempty(cmd_g)) < 0 ? -EIO : 0;
                return fprintf_escaped(f, "  this tool%s: %zu run%s, %s, %s\n", strempty(cmd_g), g->runs, g->runs == 1 ? "" : "s", counts,
                        span) < 0 ? -EIO : 0;
        default:
                return 0;
        }
}

int report_print_group(FILE *f, bool json, const struct report_group *g, const char *cis) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *m;
        int r;

        if (!json)
                return group_text(f, g, cis);
        m = open_memstream(&text, &len);
        if (!m)
                return -ENOMEM;
        r = group_text(m, g, cis);
        if (fclose(m) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        /* The line without its indent and newline. */
        if (len > 0 && text[len - 1] == '\n')
                text[len - 1] = 0;
        return group_json(f, g, text + strspn(text, " "));
}

int report_print_event(FILE *f, bool json, const struct report_event *x) {
        const struct audit_event *e = x->e;
        const char *comp = x->comp == REPORT_NO_COMPONENT ? NULL : component_info(x->comp)->name;
        const char *cis = x->cis;
        enum report_action action = x->action;
        enum report_actor actor = x->actor;
        char t[40], who[160];

        if (json) {
                json_object *o = json_event_base("event", e), *paths;
                if (!o)
                        return -ENOMEM;
                json_add_str(o, "component", comp);
                json_add_str(o, "cis", cis && *cis ? cis : NULL);
                json_add_str(o, "path", x->path);
                if (x->via)
                        json_add_str(o, "via", x->via);
                json_add_str(o, "renamed_to", action == REPORT_ACTION_RENAMED ? x->renamed_to : NULL);
                json_add_str(o, "action", report_action_name(action));
                json_object_object_add(o, "change", json_object_new_boolean(x->change));
                json_add_str(o, "syscall", e->syscall);
                json_object_object_add(o, "success", e->success < 0 ? NULL : json_object_new_boolean(e->success));
                json_object_object_add(o, "exit", json_object_new_int64(e->exit));
                json_add_str(o, "actor", actor == ACTOR_OTHER ? NULL : report_actor_name(actor));
                json_object_object_add(o, "group", x->group ? json_object_new_int64(x->group) : NULL);
                json_add_str(o, "selected_by", x->by_path ? "path" : "key");
                paths = json_object_new_array();
                for (size_t i = 0; paths && i < e->n_paths; i++) {
                        json_object *n = json_object_new_object();
                        json_add_str(n, "name", e->paths[i].name);
                        json_add_str(n, "nametype", audit_nametype_name(e->paths[i].nametype));
                        json_object_array_add(paths, n);
                }
                json_object_object_add(o, "paths", paths);
                return json_put(f, o);
        }
        format_time(e->sec, e->msec, false, t);
        who_text(e, who, sizeof(who));
        /* Paths, exe and command line are what a user chose: escaped, as all of the line. */
        FIELD(path, x->path);
        FIELD(via, x->via);
        FIELD(renamed_to, x->renamed_to);
        FIELD(exe, e->exe);
        CMDLINE(cmd_e, e->cmdline);
        if (fprintf_escaped(f, "%s %-20s %-13s %-10s %-6s %s%s%s%s%s by %s %s%s%s%s%s%s%s\n", t, comp ? comp : "-",
                    cis && *cis ? cis : "-", action == REPORT_ACTION_OTHER && e->syscall ? e->syscall : report_action_name(action),
                    e->success == 0 ? "FAILED" : "ok", path ? path : "-", via ? " via " : "", strempty(via),
                    action == REPORT_ACTION_RENAMED && renamed_to ? " -> " : "",
                    action == REPORT_ACTION_RENAMED && renamed_to ? renamed_to : "", who, strempty(exe),
                    strempty(cmd_e),
                    actor == ACTOR_OTHER ? "" : " [", actor == ACTOR_OTHER ? "" : report_actor_name(actor),
                    actor == ACTOR_OTHER ? "" : "]", x->by_path ? " under key " : "",
                    x->by_path ? (e->key ? e->key : "(none)") : "") < 0)
                return -EIO;
        return 0;
}

int report_print_summary(FILE *out, const struct report_options *ro, const struct report_result *res,
                         char *const cis_ids[]) {
        json_object *list = NULL;
        char t[40];

        if (ro->json)
                list = json_object_new_array();
        else if (fprintf(out, "\nSummary: %zu events, %zu changes, %zu tampering, %zu damaged lines skipped\n",
                         res->n_events, res->n_changes, res->n_tampering, res->damaged_lines) < 0 ||
                 (res->records_cut > 0 &&
                  fprintf(out, "Records cut: %zu records of %zu events not read (an event's first %d PATH records "
                               "and first %d others are read)\n", res->records_cut, res->events_cut,
                          AUDIT_EVENT_PATHS_MAX, AUDIT_EVENT_OTHERS_MAX) < 0) ||
                 fprintf(out, "%-20s %-13s %6s %7s  %-23s %s\n", "COMPONENT", "CIS", "EVENTS", "CHANGES",
                         "LAST-CHANGE", "LAST-WRITER") < 0)
                return -EIO;
        for (unsigned c = 0; c <= REPORT_NO_COMPONENT; c++) {
                const struct report_component *s = &res->components[c];
                const char *name = c == REPORT_NO_COMPONENT ? NULL : component_info(c)->name;
                const char *cis = c == REPORT_NO_COMPONENT ? NULL : cis_ids[c];

                if (s->events == 0)
                        continue;
                if (s->changes > 0)
                        format_time(s->last_sec, s->last_msec, !!list, t);
                if (list) {
                        json_object *o = json_object_new_object();
                        json_add_str(o, "component", name);
                        json_add_str(o, "cis", cis && *cis ? cis : NULL);
                        json_object_object_add(o, "events", json_object_new_int64((int64_t) s->events));
                        json_object_object_add(o, "changes", json_object_new_int64((int64_t) s->changes));
                        json_add_str(o, "last_change", s->changes ? t : NULL);
                        json_add_str(o, "last_writer_exe", s->last_exe);
                        json_add_str(o, "last_writer_auid", s->last_auid);
                        json_object_array_add(list, o);
                } else {
                        FIELD(last_exe, s->last_exe);
                        if (fprintf_escaped(out, "%-20s %-13s %6zu %7zu  %-23s %s%s%s%s\n", name ? name : "-",
                                   cis && *cis ? cis : "-", s->events, s->changes, s->changes ? t : "-",
                                   last_exe ? last_exe : "-", s->last_exe ? " (auid=" : "",
                                   strempty(s->last_auid), s->last_exe ? ")" : "") < 0)
                                return -EIO;
                }
        }
        if (list) {
                json_object *o = json_object_new_object();
                json_add_str(o, "type", "summary");
                json_object_object_add(o, "events", json_object_new_int64((int64_t) res->n_events));
                json_object_object_add(o, "changes", json_object_new_int64((int64_t) res->n_changes));
                json_object_object_add(o, "tampering", json_object_new_int64((int64_t) res->n_tampering));
                json_object_object_add(o, "damaged_lines", json_object_new_int64((int64_t) res->damaged_lines));
                json_object_object_add(o, "records_cut", json_object_new_int64((int64_t) res->records_cut));
                json_object_object_add(o, "events_cut", json_object_new_int64((int64_t) res->events_cut));
                json_object_object_add(o, "inputs_read", json_object_new_int64((int64_t) res->n_inputs_read));
                json_object_object_add(o, "components", list);
                json_object_object_add(o, "exit_status", json_object_new_int(res->status));
                return json_put(out, o);
        }
        return 0;
}

int report_print_header(FILE *out, const struct report_options *ro, bool events_section) {
        char a[40], b[40];

        if (ro->json) {
                json_object *o;
                if (events_section)
                        return 0;
                o = json_object_new_object();
                json_add_str(o, "schema", "docker-audit-rules/report");
                json_object_object_add(o, "version", json_object_new_int(1));
                json_add_str(o, "key", ro->key);
                if (ro->since)
                        format_time(ro->since, 0, true, a);
                if (ro->until)
                        format_time(ro->until, 999, true, b);
                json_add_str(o, "since", ro->since ? a : NULL);
                json_add_str(o, "until", ro->until ? b : NULL);
                return json_put(out, o);
        }
        if (events_section)
                return 0;
        return fprintf(out, "Events on Docker's paths, with key %s or under any key on a path discovered now, and "
                       "changes of the audit system.\n\n", ro->key) < 0 ? -EIO : 0;
}
