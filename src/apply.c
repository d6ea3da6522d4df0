/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Install (the default mode) and --remove: bring the running kernel and the fragment on disk in
 * line with the plan. Rules are only ever added or deleted one by one, never flushed; rules
 * with another key are never touched; new rules go in before stale ones come out. */
#include <errno.h>
#include <json-c/json.h>
#include <syslog.h>

#include "apply.h"
#include "audit.h"
#include "boot.h"
#include "fragment.h"
#include "hostenv.h"
#include "journal.h"
#include "plan.h"
#include "rulesdir.h"
#include "util.h"

struct outcome {
        char **added;             /* rule lines */
        char **removed;
        char **failed;            /* "LINE: error" */
        char **foreign;           /* rules with our key we leave alone */
        unsigned unchanged;
        const char *kernel;       /* "loaded", "locked", "unavailable", "skipped", "dry-run" */
        char *kernel_message;
        bool fragment_changed;
        bool fragment_removed;
        const char *fragment_error;
        int fragment_errno;
        struct boot_info boot;
        int status;
};

static void outcome_done(struct outcome *o) {
        strv_free(o->added);
        strv_free(o->removed);
        strv_free(o->failed);
        strv_free(o->foreign);
        free(o->kernel_message);
        boot_info_done(&o->boot);
}

/* One line: what is wrong and what to do. */
static const char *unavailable_message(int err) {
        switch (err) {
        case -EPROTONOSUPPORT:
                return "this kernel has no audit support (CONFIG_AUDIT): rules cannot be loaded; "
                       "the fragment is kept for a kernel that has it";
        case -ECONNREFUSED:
                return "audit is not reachable from this user namespace (a container?): "
                       "run on the host, or use --no-load";
        case -EPERM:
        case -EACCES:
                if (geteuid() != 0)
                        return "permission denied: loading audit rules needs root (CAP_AUDIT_CONTROL); "
                               "run as root, or use --no-load";
                return "permission denied although running as root: a container or a process without "
                       "CAP_AUDIT_CONTROL; run on the host, or use --no-load";
        default:
                return NULL;
        }
}

static bool is_unavailable(int err) {
        return err == -EPROTONOSUPPORT || err == -ECONNREFUSED || err == -EPERM || err == -EACCES;
}

static int push_line(char ***l, const struct rule *r, const char *suffix) {
        _cleanup_free_ char *line = NULL;
        char *s;

        if (rule_format(r, &line) < 0) {
                /* Rules from the kernel may not be writable as a line: say what we can. */
                if (asprintf(&s, "%s %s", r->kind == WATCH_DIR ? "dir" : "path", strempty(r->path)) < 0)
                        return -ENOMEM;
        } else if (asprintf(&s, "%s%s%s", line, suffix ? ": " : "", strempty(suffix)) < 0)
                return -ENOMEM;
        return strv_push(l, s);
}

/* Is this kernel rule one that another rules file holds? Then it is not ours to delete. */
static bool held_elsewhere(const struct plan *p, const struct rule *r) {
        for (size_t i = 0; i < p->others.n_lines; i++)
                if (p->others.lines[i].type == LINE_WATCH && rule_equal(&p->others.lines[i].rule, r))
                        return true;
        return false;
}

static bool only_our_key(const struct rule *r, const char *key) {
        return strv_length(r->keys) == 1 && streq(r->keys[0], key);
}

/* The rules our current fragment on disk says, for --remove. */
static int fragment_rules(const struct root *root, const char *path, struct rule **ret, size_t *ret_n) {
        _cleanup_free_ char *text = NULL;
        struct rule *rules = NULL;
        size_t n = 0;
        int r;

        r = fragment_read(path, &text);
        if (r < 0) {
                *ret = NULL;
                *ret_n = 0;
                return r == -ENOENT ? 0 : r;
        }
        for (char *line = text, *next; line; line = next) {
                struct rule x = {};
                const char *p = line;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                /* Live-only rules are written as "#   -w ..." comments: ours too. */
                while (*p == '#' || *p == ' ')
                        p++;
                if (*p != '-')
                        continue;
                if (rule_parse_line(p, &x, NULL) != LINE_WATCH)
                        continue;
                rule_decide_kind(root, &x);
                {
                        struct rule *m = realloc(rules, sizeof(*m) * (n + 1));
                        if (!m) {
                                rule_done(&x);
                                for (size_t i = 0; i < n; i++)
                                        rule_done(&rules[i]);
                                free(rules);
                                return -ENOMEM;
                        }
                        rules = m;
                        rules[n++] = x;
                }
        }
        *ret = rules;
        *ret_n = n;
        return 0;
}

/* Only watches that carry our key or sit on a path we want matter here. */
struct relevance {
        const struct plan *p;
        const char *key;
};

static bool keep_relevant(const struct kernel_rule *k, void *userdata) {
        const struct relevance *rel = userdata;
        const struct plan *p = rel->p;

        if (!k->is_watch)
                return false;
        if (rule_has_key(&k->rule, rel->key))
                return true;
        for (size_t i = 0; i < p->rules.n_rules; i++)
                if (streq(p->rules.rules[i].rule.path, k->rule.path))
                        return true;
        return false;
}

static int kernel_part(const struct options *o, const struct plan *p, struct outcome *out) {
        struct audit_conn *c = NULL;
        struct audit_state st = {};
        struct kernel_rule *k = NULL;
        struct rule *own = NULL;
        size_t n = 0, n_own = 0;
        bool add_failed = false;
        const char *key = o->render.key;
        int r;

        r = audit_conn_open(&c);
        if (r >= 0)
                r = audit_conn_status(c, &st);
        if (r < 0) {
                out->kernel = "unavailable";
                out->kernel_message = strdup(unavailable_message(r) ?: strerror(-r));
                audit_conn_close(c);
                return r;
        }
        if (st.enabled == 2) {
                out->kernel = "locked";
                out->kernel_message = strdup("the audit configuration is locked (enabled 2): no rule can be "
                                             "added or deleted until reboot; the fragment loads at the next boot");
                audit_conn_close(c);
                return -EPERM;
        }
        r = audit_conn_list_filtered(c, keep_relevant, &(struct relevance) { .p = p, .key = key }, &k, &n);
        if (r < 0) {
                out->kernel = is_unavailable(r) ? "unavailable" : "error";
                out->kernel_message = strdup(unavailable_message(r) ?: strerror(-r));
                audit_conn_close(c);
                return r;
        }
        out->kernel = o->dry_run ? "dry-run" : "loaded";

        if (o->mode == MODE_REMOVE) {
                r = fragment_rules(&p->root, p->fragment_path, &own, &n_own);
                if (r < 0)
                        goto finish;
        }

        /* 1. Add what is missing. */
        if (o->mode == MODE_INSTALL)
                for (size_t i = 0; i < p->rules.n_rules; i++) {
                        const struct rendered *x = &p->rules.rules[i];
                        bool have = false;

                        if (!rendered_loads(x))
                                continue;
                        for (size_t j = 0; j < n && !have; j++)
                                have = k[j].is_watch && rule_equal(&k[j].rule, &x->rule);
                        if (have) {
                                out->unchanged++;
                                continue;
                        }
                        if (o->dry_run) {
                                r = push_line(&out->added, &x->rule, NULL);
                                if (r < 0)
                                        goto finish;
                                continue;
                        }
                        r = audit_conn_add(c, &x->rule);
                        if (r == -EEXIST) {
                                out->unchanged++;
                                continue;
                        }
                        if (r < 0) {
                                add_failed = true;
                                r = push_line(&out->failed, &x->rule, strerror(-r));
                        } else
                                r = push_line(&out->added, &x->rule, NULL);
                        if (r < 0)
                                goto finish;
                }

        /* 2. Delete what is ours and no longer wanted, unless an add failed: then keep every
         * rule we had. */
        for (size_t j = 0; j < n; j++) {
                bool wanted = false, ours = false;

                if (!k[j].is_watch || !rule_has_key(&k[j].rule, key))
                        continue;
                if (o->mode == MODE_INSTALL) {
                        for (size_t i = 0; i < p->rules.n_rules && !wanted; i++)
                                wanted = rendered_loads(&p->rules.rules[i]) &&
                                         rule_equal(&k[j].rule, &p->rules.rules[i].rule);
                        if (wanted)
                                continue;
                        ours = only_our_key(&k[j].rule, key) && !held_elsewhere(p, &k[j].rule);
                } else {
                        for (size_t i = 0; i < n_own && !ours; i++)
                                ours = rule_equal(&k[j].rule, &own[i]);
                        for (size_t i = 0; i < p->rules.n_rules && !ours; i++)
                                ours = p->rules.rules[i].live_only && rule_equal(&k[j].rule, &p->rules.rules[i].rule);
                        ours = ours && !held_elsewhere(p, &k[j].rule);
                }
                if (!ours) {
                        r = push_line(&out->foreign, &k[j].rule,
                                      held_elsewhere(p, &k[j].rule) ? "held by another rules file"
                                                                    : "not written by this tool");
                        if (r < 0)
                                goto finish;
                        continue;
                }
                if (add_failed) {
                        out->unchanged++;
                        continue;
                }
                if (o->dry_run) {
                        r = push_line(&out->removed, &k[j].rule, NULL);
                        if (r < 0)
                                goto finish;
                        continue;
                }
                r = audit_conn_delete(c, &k[j]);
                if (r == -ENOENT)
                        continue; /* gone meanwhile: fine */
                if (r < 0)
                        r = push_line(&out->failed, &k[j].rule, strerror(-r));
                else
                        r = push_line(&out->removed, &k[j].rule, NULL);
                if (r < 0)
                        goto finish;
        }
        r = 0;

finish:
        for (size_t i = 0; i < n_own; i++)
                rule_done(&own[i]);
        free(own);
        kernel_rules_free(k, n);
        audit_conn_close(c);
        return r;
}

static json_object *jstrv(char **l) {
        json_object *a = json_object_new_array();
        for (char **i = l; i && *i; i++)
                json_object_array_add(a, json_object_new_string(*i));
        return a;
}

static void report_json(const struct options *o, const struct plan *p, const struct outcome *out) {
        json_object *root = json_object_new_object(), *frag = json_object_new_object(),
                    *kern = json_object_new_object(), *boot = json_object_new_object();
        bool changed = strv_length(out->added) || strv_length(out->removed) || out->fragment_changed ||
                       out->fragment_removed;

        json_object_object_add(root, "schema", json_object_new_string("docker-audit-rules/apply"));
        json_object_object_add(root, "version", json_object_new_int(1));
        json_object_object_add(root, "mode", json_object_new_string(o->mode == MODE_REMOVE ? "remove" : "install"));
        json_object_object_add(root, "dry_run", json_object_new_boolean(o->dry_run));
        json_object_object_add(root, "changed", json_object_new_boolean(changed && !o->dry_run));
        json_object_object_add(root, "would_change", json_object_new_boolean(changed && o->dry_run));
        json_object_object_add(kern, "state", json_object_new_string(out->kernel));
        json_object_object_add(kern, "message", out->kernel_message ? json_object_new_string(out->kernel_message) : NULL);
        json_object_object_add(kern, "added", jstrv(out->added));
        json_object_object_add(kern, "removed", jstrv(out->removed));
        json_object_object_add(kern, "failed", jstrv(out->failed));
        json_object_object_add(kern, "left_alone", jstrv(out->foreign));
        json_object_object_add(kern, "unchanged", json_object_new_int((int) out->unchanged));
        json_object_object_add(root, "kernel", kern);
        json_object_object_add(frag, "path", json_object_new_string(p->fragment_path));
        json_object_object_add(frag, "written", json_object_new_boolean(out->fragment_changed));
        json_object_object_add(frag, "removed", json_object_new_boolean(out->fragment_removed));
        json_object_object_add(frag, "error", out->fragment_error ? json_object_new_string(out->fragment_error) : NULL);
        json_object_object_add(root, "fragment", frag);
        json_object_object_add(boot, "loader", json_object_new_string(boot_loader_name(out->boot.loader)));
        json_object_object_add(boot, "evidence", out->boot.evidence ? json_object_new_string(out->boot.evidence) : NULL);
        json_object_object_add(root, "boot", boot);
        json_object_object_add(root, "problems", plan_problems_json(p));
        json_object_object_add(root, "exit_status", json_object_new_int(out->status));
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
}

static void report_text(const struct options *o, const struct plan *p, const struct outcome *out) {
        FILE *f = stderr;
        const char *verb_add = o->dry_run ? "would add" : "added";
        const char *verb_del = o->dry_run ? "would remove" : "removed";

        if (o->verbosity >= 1 || o->dry_run) {
                for (char **l = out->added; l && *l; l++)
                        fprintf(f, "%s: %s\n", verb_add, *l);
                for (char **l = out->removed; l && *l; l++)
                        fprintf(f, "%s: %s\n", verb_del, *l);
                for (char **l = out->foreign; l && *l; l++)
                        fprintf(f, "left alone: %s\n", *l);
        }
        for (char **l = out->failed; l && *l; l++)
                fprintf(f, "docker-audit-rules: the kernel refused: %s\n", *l);
        if (out->kernel_message && o->verbosity >= 0)
                fprintf(f, "docker-audit-rules: %s%s\n", o->best_effort && (out->status == EXIT_OK) ? "warning: " : "",
                        out->kernel_message);
        if (out->fragment_error)
                fprintf(f, "docker-audit-rules: %s: %s: %s%s\n", p->fragment_path, out->fragment_error,
                        strerror(out->fragment_errno),
                        (out->fragment_errno == EACCES || out->fragment_errno == EPERM) && geteuid() != 0
                                ? "; changing audit rules needs root: run as root, or use --print, --list-paths or "
                                  "--check, which change nothing"
                                : "");
        if (o->verbosity < 0)
                return;
        if (o->mode == MODE_INSTALL && !o->no_load)
                fprintf(f, "%s %zu, %s %zu, unchanged %u; ", verb_add, strv_length(out->added), verb_del,
                        strv_length(out->removed), out->unchanged);
        else if (o->mode == MODE_REMOVE && !o->no_load)
                fprintf(f, "%s %zu, left alone %zu; ", verb_del, strv_length(out->removed), strv_length(out->foreign));
        if (o->no_write)
                fprintf(f, "fragment not written (--no-write)");
        else if (o->mode == MODE_REMOVE)
                fprintf(f, "fragment %s %s", p->fragment_path,
                        out->fragment_removed ? (o->dry_run ? "would be removed" : "removed") : "absent");
        else if (out->fragment_error)
                fprintf(f, "fragment %s NOT written", p->fragment_path);
        else
                fprintf(f, "fragment %s %s", p->fragment_path,
                        out->fragment_changed ? (o->dry_run ? "would be written" : "written") : "unchanged (no changes)");
        if (o->mode == MODE_INSTALL && !o->no_write) {
                _cleanup_free_ char *boot_dir = NULL;
                bool elsewhere = rules_dir_path(&p->root, NULL, &boot_dir) >= 0 &&
                                 !path_startswith_dir(p->fragment_path, boot_dir);
                if (out->boot.loader == BOOT_AUGENRULES && elsewhere)
                        fprintf(f, "; at boot: augenrules reads %s, not this file\n", boot_dir);
                else if (out->boot.loader == BOOT_AUGENRULES)
                        fprintf(f, "; at boot: %s\n", out->boot.evidence);
                else if (out->boot.loader == BOOT_AUDIT_RULES)
                        fprintf(f, "; at boot: %s, so this fragment alone is NOT loaded: run augenrules "
                                   "(without --load) to compile it into /etc/audit/audit.rules\n", out->boot.evidence);
                else
                        fprintf(f, "; at boot: %s, nothing loads audit rules\n", out->boot.evidence);
        } else
                fputc('\n', f);
}

static const char *fragment_state(const struct options *o, const struct outcome *out) {
        if (o->no_write)
                return "not-written";
        if (out->fragment_error)
                return "error";
        if (o->mode == MODE_REMOVE)
                return out->fragment_removed ? "removed" : "absent";
        return out->fragment_changed ? (o->dry_run ? "would-write" : "written") : "unchanged";
}

static void report_journal(const struct options *o, const struct plan *p, const struct outcome *out) {
        _cleanup_free_ char *msg = NULL;
        int prio = out->status == EXIT_OK ? LOG_INFO : out->status == EXIT_FAIL ? LOG_ERR : LOG_WARNING;

        if (asprintf(&msg, "%s: added %zu, removed %zu, unchanged %u; fragment %s %s; kernel %s%s%s",
                     o->mode == MODE_REMOVE ? "remove" : "install", strv_length(out->added), strv_length(out->removed),
                     out->unchanged, p->fragment_path, fragment_state(o, out), out->kernel,
                     out->kernel_message ? ": " : "", strempty(out->kernel_message)) < 0)
                return;
        (void) journal_log_summary(prio, msg, (unsigned) strv_length(out->added), (unsigned) strv_length(out->removed),
                                   out->unchanged, p->fragment_path, fragment_state(o, out), out->kernel);
}

int run_apply(const struct options *opts) {
        struct options copy = *opts, *o = &copy;
        struct plan p = {};
        const char *off_limits = NULL;
        struct outcome out = { .kernel = "skipped" };
        const char *what = "";
        _cleanup_close_ int lock = -1;
        int r, kr = 0, problems;

        r = plan_build(o, &p, &what);
        if (r < 0) {
                fprintf(stderr, "docker-audit-rules: %s: %s\n", what, strerror(-r));
                return EXIT_FAIL;
        }
        problems = (o->format == FORMAT_JSON && o->verbosity < 0) ? (int) p.disc.n_problems
                                                                  : plan_print_problems(stderr, &p);

        if (!o->dry_run) {
                bool waited = false;
                lock = fragment_lock(p.fragment_path, &waited);
                if (lock < 0) {
                        _cleanup_free_ char *dir = path_parent(p.fragment_path);
                        if ((lock == -EACCES || lock == -EPERM) && geteuid() != 0)
                                fprintf(stderr, "docker-audit-rules: changing audit rules needs root (cannot write %s): "
                                        "run as root, or use --print, --list-paths or --check, which change nothing\n",
                                        strempty(dir));
                        else
                                fprintf(stderr, "docker-audit-rules: cannot lock the rules directory %s: %s\n",
                                        strempty(dir), strerror(-lock));
                        plan_done(&p);
                        return EXIT_FAIL;
                }
                if (waited && o->verbosity >= 1)
                        fprintf(stderr, "docker-audit-rules: waited for another run to finish\n");
                if (!o->no_write && fragment_clean_stale(p.fragment_path) > 0 && o->verbosity >= 1)
                        fprintf(stderr, "docker-audit-rules: removed a temporary file an interrupted run left\n");
        }

        /* A chroot, an image build (DPKG_ROOT) or a container: the audit netlink socket is the
         * host's, so the kernel is never touched there. */
        if (!o->no_load && hostenv_kernel_off_limits("/proc", "/", &off_limits) > 0) {
                o->no_load = true;
                out.kernel = "unavailable";
                if (asprintf(&out.kernel_message, "%s: the kernel's rules were not touched; the fragment is "
                             "written and loads at the next boot of the host", off_limits) < 0)
                        out.kernel_message = NULL;
        }
        if (!o->no_load)
                kr = kernel_part(o, &p, &out);

        if (!o->no_write) {
                if (o->mode == MODE_REMOVE) {
                        if (o->dry_run) {
                                _cleanup_free_ char *t = NULL;
                                out.fragment_removed = fragment_read(p.fragment_path, &t) >= 0;
                        } else {
                                r = fragment_remove(p.fragment_path, &out.fragment_removed);
                                if (r < 0) {
                                        out.fragment_error = "cannot remove";
                                        out.fragment_errno = -r;
                                }
                        }
                } else if (o->dry_run) {
                        _cleanup_free_ char *old = NULL;
                        out.fragment_changed = fragment_read(p.fragment_path, &old) < 0 || !streq(old, p.fragment_text);
                } else {
                        r = fragment_write(p.fragment_path, p.fragment_text, &out.fragment_changed);
                        if (r < 0) {
                                out.fragment_error = "cannot write the fragment, the previous one is unchanged";
                                out.fragment_errno = -r;
                        }
                }
        }
        if (boot_detect(&p.root, &out.boot) < 0)
                out.boot = (struct boot_info) { .loader = BOOT_NONE };

        /* The exit status, most serious first. */
        if (out.fragment_error || strv_length(out.failed) > 0 || (kr < 0 && !streq(out.kernel, "locked") &&
                                                                  !streq(out.kernel, "unavailable")))
                out.status = EXIT_FAIL;
        else if (streq(out.kernel, "locked"))
                out.status = o->best_effort ? EXIT_OK : EXIT_LOCKED;
        else if (streq(out.kernel, "unavailable"))
                out.status = o->best_effort ? EXIT_OK : EXIT_NO_AUDIT;
        else if (problems > 0)
                out.status = EXIT_INPUT;
        else
                out.status = EXIT_OK;
        if (kr < 0 && !out.kernel_message)
                out.kernel_message = strdup(strerror(-kr));

        if (o->format == FORMAT_JSON)
                report_json(o, &p, &out);
        if (journal_wanted() > 0) {
                /* Started by systemd: the summary goes to the journal with fields; errors still
                 * go to standard error. */
                report_journal(o, &p, &out);
                if (o->verbosity >= 0)
                        copy.verbosity = -1;
        }
        report_text(o, &p, &out);

        r = out.status;
        outcome_done(&out);
        plan_done(&p);
        return r;
}
