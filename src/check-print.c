/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --check, the printers: a struct check_result (check.c) as text, JSON or Prometheus metrics.
 * They judge nothing and call nothing of check.c: every count and the status come from the
 * result. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "check.h"
#include "list.h"
#include "plan.h"
#include "probe.h"
#include "util.h"

static const char *const status_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

const char *check_status_to_string(int status) {
        return status >= CHECK_OK && status <= CHECK_UNKNOWN ? status_names[status] : NULL;
}

static const char *cis_column(const struct check_result *c, enum component comp, char **buf) {
        if (c->cis >= 0)
                return component_info(comp)->cis[c->cis] ?: "-";
        if (component_cis_ids(comp, buf) < 0 || !**buf)
                return "-";
        return *buf;
}

static void summary_line(FILE *f, const struct check_result *c) {
        const struct kernel_view *k = &c->p->kernel;
        const char *why;

        if (k->state == KERNEL_SKIPPED)
                fprintf(f, "DOCKER AUDIT %s - %u of %u targets in a rules file loaded at boot", check_status_to_string(c->status),
                        c->n_covered, c->n_judged);
        else
                fprintf(f, "DOCKER AUDIT %s - %u of %u targets covered now and at boot", check_status_to_string(c->status),
                        c->n_covered, c->n_judged);
        if (c->cis >= 0)
                fprintf(f, " (CIS %s)", cis_version_name(c->cis));
        if (c->n_not_watched > 0)
                fprintf(f, ", %u more not watched", c->n_not_watched);
        fprintf(f, "; %u critical, %u warning", c->n_critical, c->n_warning);
        kernel_view_message(k, &why, NULL);
        if (k->state == KERNEL_SKIPPED)
                fprintf(f, "; the running kernel is not judged under --root");
        else if (!c->kernel_read)
                fprintf(f, "; kernel rules unknown: %s", why);
        else
                fprintf(f, "; audit %s, auditd %s",
                        k->st.enabled == 0 ? "disabled" : k->st.enabled == 2 ? "locked" : "enabled",
                        k->st.pid ? "running" : "not running");
        fputc('\n', f);
}

static const char *kernel_column(const struct check_result *c, const struct verdict *v) {
        if (!v->x || c->p->kernel.state == KERNEL_SKIPPED)
                return "-";
        if (!c->kernel_read)
                return "?";
        return v->in_kernel ? "yes" : "NO";
}

void check_print_text(FILE *f, const struct check_result *c, int verbosity) {
        summary_line(f, c);
        fprintf(f, "%-13s %-24s %-44s %-6s %-4s %s\n", "CIS", "COMPONENT", "PATH", "KERNEL", "FILE", "STATUS");
        for (unsigned comp = 0; comp < _COMP_MAX; comp++)
                for (size_t i = 0; i < c->verdicts.n; i++) {
                        const struct verdict *v = &c->verdicts.v[i];
                        _cleanup_free_ char *ids = NULL, *path = NULL;

                        if (v->t->comp != comp || (!v->x && verbosity < 1))
                                continue;
                        path = comment_safe(v->t->path);
                        fprintf_escaped(f, "%-13s %-24s %-44s %-6s %-4s %s%s%s\n", cis_column(c, v->t->comp, &ids),
                               component_info(v->t->comp)->name, path ? path : "?", kernel_column(c, v),
                               !v->x || v->x->live_only ? "-" : v->in_file ? "yes" : "NO",
                               target_status_to_string(v->status), v->message ? ": " : "", strempty(v->message));
                }
        for (char **s = c->stale; s && *s; s++)
                fprintf_escaped(f, "stale:   %s\n", *s);
        for (size_t i = 0; i < c->n_findings; i++)
                fprintf_escaped(f, "%s: %s\n", c->findings[i].sev == SEV_NONE ? "note" : severity_to_string(c->findings[i].sev),
                       c->findings[i].message);
        if (c->verdicts.n && verbosity >= 0)
                plan_print_problems(stderr, c->p);
}

static json_object *jstr(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static json_object *taken_by_json(const struct check_result *c, const struct verdict *v);

static json_object *verdict_json(const struct check_result *c, const struct verdict *v) {
        json_object *o = json_object_new_object();
        _cleanup_free_ char *id = NULL;

        if (asprintf(&id, "%s:%s", component_info(v->t->comp)->name, strempty(v->t->path)) < 0)
                id = NULL;
        json_object_object_add(o, "id", jstr(id));
        json_object_object_add(o, "component", json_object_new_string(component_info(v->t->comp)->name));
        json_object_object_add(o, "cis", cis_ids_json(v->t->comp));
        json_object_object_add(o, "path", jstr(v->t->path));
        json_object_object_add(o, "evidence", jstr(v->t->evidence));
        json_object_object_add(o, "exists", json_object_new_boolean(v->t->state == PATH_EXISTS));
        json_object_object_add(o, "watched", json_object_new_boolean(v->x != NULL));
        json_object_object_add(o, "live_only", json_object_new_boolean(v->x && v->x->live_only));
        json_object_object_add(o, "in_kernel", !v->x || !c->kernel_read ? NULL : json_object_new_boolean(v->in_kernel));
        json_object_object_add(o, "kernel_key", jstr(v->kernel_key));
        json_object_object_add(o, "in_file", !v->x || v->x->live_only ? NULL : json_object_new_boolean(v->in_file));
        json_object_object_add(o, "file", jstr(v->file));
        json_object_object_add(o, "counted", json_object_new_boolean(v->counted));
        json_object_object_add(o, "status", json_object_new_string(target_status_to_string(v->status)));
        json_object_object_add(o, "severity", json_object_new_string(severity_to_string(v->sev)));
        json_object_object_add(o, "message", jstr(v->message));
        json_object_object_add(o, "taken_by", taken_by_json(c, v));
        return o;
}

static json_object *audit_json(const struct check_result *c) {
        const struct kernel_view *k = &c->p->kernel;
        json_object *audit = json_object_new_object();
        const char *why;

        kernel_view_message(k, &why, NULL);
        json_object_object_add(audit, "reachable", json_object_new_boolean(c->kernel_read));
        json_object_object_add(audit, "error", jstr(k->state == KERNEL_SKIPPED ? "the running kernel is not judged under --root" : why));
        if (c->kernel_read) {
                json_object_object_add(audit, "enabled", json_object_new_int(k->st.enabled));
                json_object_object_add(audit, "locked", json_object_new_boolean(k->st.enabled == 2));
                json_object_object_add(audit, "auditd_pid", json_object_new_int(k->st.pid));
                json_object_object_add(audit, "lost", json_object_new_int64(k->st.lost));
                json_object_object_add(audit, "backlog", json_object_new_int64(k->st.backlog));
                json_object_object_add(audit, "backlog_limit", json_object_new_int64(k->st.backlog_limit));
                json_object_object_add(audit, "failure", json_object_new_int(k->st.failure));
                json_object_object_add(audit, "rules_loaded", json_object_new_int64((int64_t) k->n_total));
        }
        return audit;
}

static json_object *fragment_json(const struct check_result *c) {
        const struct fragment_disk *d = &c->p->disk;
        json_object *frag = json_object_new_object(), *boot = json_object_new_object();

        json_object_object_add(frag, "path", json_object_new_string(c->p->fragment_path));
        json_object_object_add(frag, "exists", json_object_new_boolean(d->exists));
        if (d->exists) {
                char mode[8];
                snprintf(mode, sizeof(mode), "%04o", (unsigned) (d->st.st_mode & 07777));
                json_object_object_add(frag, "owner_uid", json_object_new_int((int) d->st.st_uid));
                json_object_object_add(frag, "mode", json_object_new_string(mode));
                json_object_object_add(frag, "up_to_date", json_object_new_boolean(streq(d->text, c->p->fragment_text)));
        }
        json_object_object_add(boot, "loader", json_object_new_string(boot_loader_name(c->p->boot.loader)));
        json_object_object_add(boot, "evidence", jstr(c->p->boot.evidence));
        json_object_object_add(boot, "reads_fragment", json_object_new_boolean(c->p->boot_reads_fragment));
        json_object_object_add(frag, "boot", boot);
        return frag;
}

static bool shadow_is_key(const struct verdict_shadow *s) {
        return s->s.kind == SHADOW_KEY_BEFORE || s->s.kind == SHADOW_KEY_AFTER;
}

/* The common fields of a rule that shadows ours: what it is and where it stands. */
static void shadow_rule_fields(json_object *o, const struct verdict_shadow *s) {
        const struct filter_rule *r = s->s.rule;
        _cleanup_free_ char *text = NULL;

        if (filter_rule_format(r, &text) < 0)
                text = NULL;
        json_object_object_add(o, "rule", jstr(text));
        json_object_object_add(o, "in_kernel", json_object_new_boolean(s->in_kernel));
        json_object_object_add(o, "file", jstr(r->file));
        json_object_object_add(o, "line", r->file ? json_object_new_int((int) r->line) : NULL);
        /* 1-based, as `auditctl -l` lists the rules. */
        json_object_object_add(o, "position", s->in_kernel ? json_object_new_int64((int64_t) r->pos + 1) : NULL);
        if (shadow_is_key(s)) {
                char classes[5];
                json_object_object_add(o, "key", jstr(r->keys ? r->keys[0] : NULL));
                json_object_object_add(o, "classes", json_object_new_string(shadow_classes_to_string(s->s.classes, classes)));
                json_object_object_add(o, "may", json_object_new_boolean(s->s.scope != SHADOW_ALL));
                json_object_object_add(o, "our_position", s->in_kernel && s->our_pos != UINT_MAX
                                                                  ? json_object_new_int64((int64_t) s->our_pos + 1) : NULL);
        }
}

static json_object *shadows_json(const struct check_result *c) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < c->shadows.n; i++) {
                const struct verdict_shadow *s = &c->shadows.v[i];
                json_object *o = json_object_new_object(), *paths = json_object_new_array();

                shadow_rule_fields(o, s);
                json_object_object_add(o, "kind", json_object_new_string(shadow_kind_to_string(s->s.kind)));
                json_object_object_add(o, "all", json_object_new_boolean(s->s.scope == SHADOW_ALL));
                json_object_object_add(o, "watches", json_object_new_int((int) s->s.n_targets));
                for (size_t j = 0; j < s->n_targets; j++) {
                        const struct target *t = &c->p->disc.targets[s->targets[j]];
                        json_object *x = json_object_new_object();
                        json_object_object_add(x, "path", jstr(t->path));
                        json_object_object_add(x, "component", json_object_new_string(component_info(t->comp)->name));
                        json_object_object_add(x, "cis", cis_ids_json(t->comp));
                        json_object_array_add(paths, x);
                }
                json_object_object_add(o, "paths", paths);
                json_object_object_add(o, "severity", json_object_new_string(s->sev == SEV_NONE ? "info"
                                                                               : severity_to_string(s->sev)));
                json_object_object_add(o, "message", jstr(s->message));
                json_object_array_add(a, o);
        }
        return a;
}

/* The rules of other keys before ours that take events of this target's path: [] when none. (A
 * path several instances name is one rule, judged once for the target it was made for.) */
static json_object *taken_by_json(const struct check_result *c, const struct verdict *v) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < c->shadows.n; i++) {
                const struct verdict_shadow *s = &c->shadows.v[i];
                bool here = false;

                if (s->s.kind != SHADOW_KEY_BEFORE || !v->t->path)
                        continue;
                for (size_t j = 0; j < s->n_targets && !here; j++)
                        here = streq(c->p->disc.targets[s->targets[j]].path, v->t->path);
                if (here) {
                        json_object *o = json_object_new_object();
                        shadow_rule_fields(o, s);
                        json_object_array_add(a, o);
                }
        }
        return a;
}

static json_object *probe_result_json(const struct check_result *c, size_t i) {
        const struct probe_result *x = &c->probe.results[i];
        json_object *o = json_object_new_object();
        bool event = x->status == PROBE_SEEN || x->status == PROBE_OTHER_KEY;

        json_object_object_add(o, "class", json_object_new_string(probe_class_to_string(x->action)));
        json_object_object_add(o, "kind", json_object_new_string(probe_kind_to_string(x->kind)));
        json_object_object_add(o, "path", jstr(x->path));
        json_object_object_add(o, "status", json_object_new_string(probe_status_to_string(x->status)));
        json_object_object_add(o, "action", json_object_new_string(probe_action_to_string(x->action)));
        json_object_object_add(o, "key", x->status == PROBE_SEEN ? jstr(c->p->key) : jstr(x->key));
        json_object_object_add(o, "taken_by", c->probe_taken_by && c->probe_taken_by[i] && *c->probe_taken_by[i]
                                                      ? jstr(c->probe_taken_by[i]) : NULL);
        json_object_object_add(o, "serial", event ? json_object_new_int64((int64_t) x->serial) : NULL);
        json_object_object_add(o, "latency_seconds", event ? json_object_new_double(x->latency) : NULL);
        json_object_object_add(o, "in_log", x->log == PROBE_LOG_FOUND ? json_object_new_boolean(true)
                                            : x->log == PROBE_LOG_NOT_FOUND ? json_object_new_boolean(false) : NULL);
        json_object_object_add(o, "not_probed_because", x->status == PROBE_NOT_PROBED
                                                                ? json_object_new_string(probe_skip_to_string(x->skip)) : NULL);
        return o;
}

/* "probe": the overall status; path, action, serial, latency and in_log of the first result
 * exercised (as when the probe made one action); every (class, path) in "probes". */
static json_object *probe_json(const struct check_result *c) {
        const struct probe *pr = &c->probe;
        const struct probe_result *x = probe_first(pr);
        bool event = x && (x->status == PROBE_SEEN || x->status == PROBE_OTHER_KEY);
        json_object *o = json_object_new_object(), *a = json_object_new_array();

        json_object_object_add(o, "status", json_object_new_string(probe_status_to_string(pr->status)));
        json_object_object_add(o, "path", jstr(x ? x->path : NULL));
        json_object_object_add(o, "action", x ? json_object_new_string(probe_action_to_string(x->action)) : NULL);
        json_object_object_add(o, "serial", event ? json_object_new_int64((int64_t) x->serial) : NULL);
        json_object_object_add(o, "latency_seconds", event ? json_object_new_double(x->latency) : NULL);
        json_object_object_add(o, "log_file", jstr(pr->log_file));
        json_object_object_add(o, "in_log", x && x->log == PROBE_LOG_FOUND ? json_object_new_boolean(true)
                                            : x && x->log == PROBE_LOG_NOT_FOUND ? json_object_new_boolean(false) : NULL);
        for (size_t i = 0; i < pr->n_results; i++)
                json_object_array_add(a, probe_result_json(c, i));
        json_object_object_add(o, "probes", a);
        return o;
}

void check_print_json(FILE *f, const struct check_result *c) {
        json_object *root = json_object_new_object(), *targets = json_object_new_array(),
                    *findings = json_object_new_array(), *summary = json_object_new_object(),
                    *drift = json_object_new_array();
        json_object_object_add(root, "schema", json_object_new_string("docker-audit-rules/check"));
        json_object_object_add(root, "version", json_object_new_int(1));
        json_object_object_add(root, "status", json_object_new_string(check_status_to_string(c->status)));
        json_object_object_add(root, "exit_status", json_object_new_int(c->status));
        json_object_object_add(root, "cis_version", c->cis >= 0 ? json_object_new_string(cis_version_name(c->cis)) : NULL);
        json_object_object_add(root, "key", json_object_new_string(c->p->key));
        for (size_t i = 0; i < c->verdicts.n; i++) {
                                json_object_array_add(targets, verdict_json(c, &c->verdicts.v[i]));
        }
        json_object_object_add(root, "targets", targets);
        json_object_object_add(root, "audit", audit_json(c));
        json_object_object_add(root, "fragment", fragment_json(c));
        for (char **s = c->stale; s && *s; s++)
                json_object_array_add(drift, json_object_new_string(*s));
        json_object_object_add(root, "stale_rules", drift);
        for (size_t i = 0; i < c->n_findings; i++) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "severity", json_object_new_string(c->findings[i].sev == SEV_NONE
                                                                                     ? "info"
                                                                                     : severity_to_string(c->findings[i].sev)));
                json_object_object_add(o, "message", json_object_new_string(c->findings[i].message));
                json_object_array_add(findings, o);
        }
        json_object_object_add(root, "findings", findings);
        json_object_object_add(root, "shadowing_rules", shadows_json(c));
        if (c->probed)
                json_object_object_add(root, "probe", probe_json(c));
        json_object_object_add(root, "problems", plan_problems_json(c->p));
        json_object_object_add(summary, "targets", json_object_new_int((int) c->n_judged));
        json_object_object_add(summary, "covered", json_object_new_int((int) c->n_covered));
        json_object_object_add(summary, "not_covered", json_object_new_int((int) (c->n_judged - c->n_covered)));
        json_object_object_add(summary, "not_watched", json_object_new_int((int) c->n_not_watched));
        json_object_object_add(summary, "critical", json_object_new_int((int) c->n_critical));
        json_object_object_add(summary, "warning", json_object_new_int((int) c->n_warning));
        json_object_object_add(summary, "stale_rules", json_object_new_int((int) strv_length(c->stale)));
        json_object_object_add(root, "summary", summary);
        fputs_json(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE), f);
        fputc('\n', f);
        json_object_put(root);
}

/* ---- --format prometheus (node_exporter's textfile collector) ---- */

static void metric(FILE *f, const char *name, const char *type, const char *help) {
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static double now_seconds(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (double) ts.tv_sec + (double) (ts.tv_nsec / 1000000) / 1000.0;
}

static void prometheus_head(FILE *f, int status) {
        metric(f, "docker_audit_rules_check_status", "gauge",
               "Result of docker-audit-rules --check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
        fprintf(f, "docker_audit_rules_check_status %d\n", status);
        metric(f, "docker_audit_rules_last_run_timestamp_seconds", "gauge", "When the check ran, in seconds since the epoch.");
        fprintf(f, "docker_audit_rules_last_run_timestamp_seconds %.3f\n", now_seconds());
}

void check_print_prometheus(FILE *f, const struct check_result *c) {
        const struct kernel_view *k = &c->p->kernel;
        unsigned by_state[_STATUS_MAX] = {};

        for (size_t i = 0; i < c->verdicts.n; i++)
                if (c->verdicts.v[i].counted)
                        by_state[c->verdicts.v[i].status]++;
        prometheus_head(f, c->status);
        metric(f, "docker_audit_rules_targets", "gauge",
               "Docker paths found on this host, by the state of their audit rule (not-watched: no rule, so not judged).");
        for (unsigned s = 0; s < _STATUS_MAX; s++)
                fprintf(f, "docker_audit_rules_targets{state=\"%s\"} %u\n", target_status_to_string(s), by_state[s]);
        metric(f, "docker_audit_rules_targets_covered", "gauge", "Targets covered now and at boot.");
        fprintf(f, "docker_audit_rules_targets_covered %u\n", c->n_covered);
        metric(f, "docker_audit_rules_targets_judged", "gauge",
               "Targets judged: the paths found, but for those in state not-watched.");
        fprintf(f, "docker_audit_rules_targets_judged %u\n", c->n_judged);
        metric(f, "docker_audit_rules_instances", "gauge", "Daemon instances discovered, by daemon.");
        fprintf(f, "docker_audit_rules_instances{daemon=\"dockerd\"} %zu\n", c->p->disc.n_dockerds);
        fprintf(f, "docker_audit_rules_instances{daemon=\"containerd\"} %zu\n", c->p->disc.n_containerds);
        metric(f, "docker_audit_rules_findings", "gauge", "Findings of the check, by severity.");
        fprintf(f, "docker_audit_rules_findings{severity=\"critical\"} %u\n", c->n_critical);
        fprintf(f, "docker_audit_rules_findings{severity=\"warning\"} %u\n", c->n_warning);
        metric(f, "docker_audit_rules_stale_rules", "gauge", "Rules with our key for paths no longer discovered.");
        fprintf(f, "docker_audit_rules_stale_rules %zu\n", strv_length(c->stale));
        metric(f, "docker_audit_rules_shadowing_rules", "gauge",
               "Never rules (kernel or rules files) that silence some or all of our watches.");
        fprintf(f, "docker_audit_rules_shadowing_rules %u\n", c->n_shadowing);
        metric(f, "docker_audit_rules_key_shadowing_rules", "gauge",
               "Rules of other keys (kernel or rules files) before ours that take events on our paths: "
               "recorded under their key.");
        fprintf(f, "docker_audit_rules_key_shadowing_rules %u\n", c->n_key_shadowing);
        if (c->kernel_read) {
                metric(f, "docker_audit_rules_audit_enabled", "gauge", "The kernel's audit enabled flag (0, 1, 2 locked).");
                fprintf(f, "docker_audit_rules_audit_enabled %d\n", k->st.enabled);
                metric(f, "docker_audit_rules_auditd_running", "gauge", "1 when auditd is registered with the kernel.");
                fprintf(f, "docker_audit_rules_auditd_running %d\n", k->st.pid > 0);
                metric(f, "docker_audit_rules_kernel_lost_events", "gauge", "The kernel's count of lost audit events since boot.");
                fprintf(f, "docker_audit_rules_kernel_lost_events %u\n", c->probed ? c->probe.lost_after : k->st.lost);
        }
        if (c->probed) {
                const struct probe_result *first = probe_first(&c->probe);
                bool ok = c->probe.status == PROBE_SEEN;

                metric(f, "docker_audit_rules_probe_success", "gauge",
                       "1 when every event of --probe came with our key.");
                fprintf(f, "docker_audit_rules_probe_success %d\n", ok);
                if (ok && first) {
                        metric(f, "docker_audit_rules_probe_latency_seconds", "gauge",
                               "Seconds from the probe's first action to its event on the multicast group.");
                        fprintf(f, "docker_audit_rules_probe_latency_seconds %.6f\n", first->latency);
                }
                if (first) {
                        metric(f, "docker_audit_rules_probe", "gauge",
                               "Per permission class and kind of path probed: 1 when the event came with our key, 0 "
                               "when with another key or not at all (status says which).");
                        for (size_t i = 0; i < c->probe.n_results; i++) {
                                const struct probe_result *x = &c->probe.results[i];
                                if (x->status == PROBE_NOT_PROBED)
                                        continue;
                                fprintf(f, "docker_audit_rules_probe{class=\"%s\",kind=\"%s\",status=\"%s\"} %d\n",
                                        probe_class_to_string(x->action), probe_kind_to_string(x->kind),
                                        probe_status_to_string(x->status), x->status == PROBE_SEEN);
                        }
                }
        }
}

/* Nothing could be judged: one line, or one JSON object, or the status metric. */
int check_print_unknown(FILE *out, enum format fmt, const char *what, int err) {
        if (fmt == FORMAT_PROMETHEUS)
                prometheus_head(out, CHECK_UNKNOWN);
        else if (fmt == FORMAT_JSON) {
                json_object *root = json_object_new_object();
                _cleanup_free_ char *msg = NULL;

                if (asprintf(&msg, "%s%s%s", strempty(what), what ? ": " : "", strerror(-err)) < 0)
                        msg = NULL;
                json_object_object_add(root, "schema", json_object_new_string("docker-audit-rules/check"));
                json_object_object_add(root, "version", json_object_new_int(1));
                json_object_object_add(root, "status", json_object_new_string(check_status_to_string(CHECK_UNKNOWN)));
                json_object_object_add(root, "exit_status", json_object_new_int(CHECK_UNKNOWN));
                json_object_object_add(root, "error", jstr(msg));
                fputs_json(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE), out);
                fputc('\n', out);
                json_object_put(root);
        } else if (what)
                fprintf(out, "DOCKER AUDIT UNKNOWN - %s: %s\n", what, strerror(-err));
        else
                fprintf(out, "DOCKER AUDIT UNKNOWN - %s\n", strerror(-err));
        return CHECK_UNKNOWN;
}
