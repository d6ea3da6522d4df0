/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --report, the printers: a judged event, a change of the audit system, the headings and the
 * summary per component, as text lines or JSON objects (one a line). They decide nothing and
 * call nothing of report.c. */
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>

#include "report.h"
#include "util.h"

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

int report_print_integrity(FILE *f, bool json, const struct audit_event *e, bool tampering) {
        char t[40], who[160], what[64];

        if (json) {
                json_object *o = json_event_base("integrity", e);
                if (!o)
                        return -ENOMEM;
                json_add_str(o, "what", audit_event_kind_name(e->kind));
                json_object_object_add(o, "tampering", json_object_new_boolean(tampering));
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
        else if (e->kind == AUDIT_EVENT_RULE_REMOVED)
                snprintf(what, sizeof(what), "rule-removed key=%s", strempty(e->key));
        else
                snprintf(what, sizeof(what), "%s", audit_event_kind_name(e->kind));
        /* The exe and command line are what a user chose: escaped, as all of the line. */
        if (fprintf_escaped(f, "%s %-10s %-32s by %s%s%s%s%s%s\n", t, tampering ? "TAMPERING" : "info", what, who,
                    e->exe ? " " : "", strempty(e->exe), e->cmdline ? " \"" : "", strempty(e->cmdline),
                    e->cmdline ? "\"" : "") < 0)
                return -EIO;
        return 0;
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
                json_add_str(o, "renamed_to", action == REPORT_ACTION_RENAMED ? x->renamed_to : NULL);
                json_add_str(o, "action", report_action_name(action));
                json_object_object_add(o, "change", json_object_new_boolean(x->change));
                json_add_str(o, "syscall", e->syscall);
                json_object_object_add(o, "success", e->success < 0 ? NULL : json_object_new_boolean(e->success));
                json_object_object_add(o, "exit", json_object_new_int64(e->exit));
                json_add_str(o, "actor", actor == ACTOR_OTHER ? NULL : report_actor_name(actor));
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
        if (fprintf_escaped(f, "%s %-20s %-13s %-10s %-6s %s%s%s by %s %s%s%s%s%s%s%s\n", t, comp ? comp : "-",
                    cis && *cis ? cis : "-", action == REPORT_ACTION_OTHER && e->syscall ? e->syscall : report_action_name(action),
                    e->success == 0 ? "FAILED" : "ok", x->path ? x->path : "-",
                    action == REPORT_ACTION_RENAMED && x->renamed_to ? " -> " : "",
                    action == REPORT_ACTION_RENAMED && x->renamed_to ? x->renamed_to : "", who, strempty(e->exe),
                    e->cmdline ? " \"" : "", strempty(e->cmdline), e->cmdline ? "\"" : "",
                    actor == ACTOR_OTHER ? "" : " [", actor == ACTOR_OTHER ? "" : report_actor_name(actor),
                    actor == ACTOR_OTHER ? "" : "]") < 0)
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
                } else if (fprintf_escaped(out, "%-20s %-13s %6zu %7zu  %-23s %s%s%s%s\n", name ? name : "-",
                                   cis && *cis ? cis : "-", s->events, s->changes, s->changes ? t : "-",
                                   s->last_exe ? s->last_exe : "-", s->last_exe ? " (auid=" : "",
                                   strempty(s->last_auid), s->last_exe ? ")" : "") < 0)
                        return -EIO;
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
                return fprintf(out, "\nEvents with key %s:\n%-23s %-20s %-13s %-10s %-6s %s\n", ro->key, "TIME",
                               "COMPONENT", "CIS", "ACTION", "RESULT", "PATH by WHO EXE \"COMMAND\" [FLAG]") < 0 ? -EIO : 0;
        return fprintf(out, "The audit system itself (rules with key %s, audit enabled, auditd):\n", ro->key) < 0
                       ? -EIO : 0;
}
