/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --report, the judge: which events concern our key, what each did (report_classify()), who
 * did it (report_actor_of()), which are tampering, the counts per component and the exit status.
 * Events are judged one at a time and handed to the printers (report-print.c) as they come, so
 * that memory stays bounded: their lines wait in temporary files, not in memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>

#include "report.h"
#include "root.h"
#include "util.h"

bool report_action_is_change(enum report_action a) {
        return a != REPORT_ACTION_READ && a != REPORT_ACTION_EXECUTED;
}

static bool name_in(const char *s, const char *const *list) {
        for (; *list; list++)
                if (streq(s, *list))
                        return true;
        return false;
}

enum report_action report_classify(const char *syscall, enum audit_nametype nametype,
                                   const unsigned long long args[4]) {
        static const char *const renames[] = { "rename", "renameat", "renameat2", NULL };
        static const char *const deletes[] = { "unlink", "unlinkat", "rmdir", NULL };
        static const char *const creates[] = { "creat", "mkdir", "mkdirat", "mknod", "mknodat", "link",
                                               "linkat", "symlink", "symlinkat", NULL };
        static const char *const execs[] = { "execve", "execveat", NULL };
        static const char *const attrs[] = { "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown",
                                             "lchown", "fchownat", "setxattr", "lsetxattr", "fsetxattr",
                                             "removexattr", "lremovexattr", "fremovexattr", "utime",
                                             "utimes", "utimensat", "futimesat", NULL };
        static const char *const writes[] = { "truncate", "ftruncate", "write", "writev", "pwrite64",
                                              "pwritev", "pwritev2", "fallocate", NULL };
        static const char *const reads[] = { "read", "readv", "pread64", "readlink", "readlinkat",
                                             "getxattr", "lgetxattr", "fgetxattr", "listxattr",
                                             "llistxattr", "flistxattr", NULL };
        unsigned long long flags;

        if (!syscall)
                return REPORT_ACTION_OTHER;
        if (name_in(syscall, renames))
                return REPORT_ACTION_RENAMED;
        if (name_in(syscall, execs) && nametype == NAMETYPE_NORMAL)
                return REPORT_ACTION_EXECUTED;
        if (name_in(syscall, attrs))
                return REPORT_ACTION_ATTR;
        if (nametype == NAMETYPE_CREATE)
                return REPORT_ACTION_CREATED;
        if (nametype == NAMETYPE_DELETE)
                return REPORT_ACTION_DELETED;
        if (name_in(syscall, creates))
                return REPORT_ACTION_CREATED;
        if (name_in(syscall, deletes))
                return REPORT_ACTION_DELETED;
        if (name_in(syscall, writes))
                return REPORT_ACTION_WRITTEN;
        if (name_in(syscall, reads))
                return REPORT_ACTION_READ;
        if (streq(syscall, "open"))
                flags = args[1];
        else if (streq(syscall, "openat") || streq(syscall, "open_by_handle_at"))
                flags = args[2];
        else
                return REPORT_ACTION_OTHER;
        return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) ? REPORT_ACTION_WRITTEN : REPORT_ACTION_READ;
}

enum report_actor report_actor_of(const char *exe) {
        static const char *const pms[] = { "dpkg", "rpm", "apt", "apt-get", "dnf", "yum", "unattended-upgrade",
                                           "unattended-upgrades", "snapd", "apk", "zypper", NULL };
        static const char *const docker[] = { "dockerd", "containerd", "runc", "docker-proxy", "docker-init", NULL };
        const char *b;

        if (!exe || !*exe)
                return ACTOR_OTHER;
        b = path_basename(exe);
        if (name_in(b, pms))
                return ACTOR_PACKAGE_MANAGER;
        if (name_in(b, docker) || startswith(b, "containerd-shim"))
                return ACTOR_DOCKER;
        if (streq(b, "docker-audit-rules"))
                return ACTOR_SELF;
        return ACTOR_OTHER;
}

/* Local midnight of the day tm is in, days_back days earlier. */
static time_t midnight(struct tm tm, int days_back) {
        tm.tm_mday -= days_back;
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_isdst = -1;
        return mktime(&tm);
}

static int parse_clock(const char *s, struct tm *tm) {
        int h, m, sec = 0, n = 0;

        if (sscanf(s, "%2d:%2d%n:%2d%n", &h, &m, &n, &sec, &n) < 2 || s[n] != 0)
                return -EINVAL;
        if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
                return -EINVAL;
        tm->tm_hour = h, tm->tm_min = m, tm->tm_sec = sec;
        return 0;
}

static int parse_date(const char *s, struct tm *tm, const char **ret_rest) {
        struct tm check;
        int y, mo, d, n = 0;

        if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10)
                ;
        else if (n = 0, sscanf(s, "%2d/%2d/%4d%n", &mo, &d, &y, &n) == 3 && n >= 8 && s[n - 5] == '/')
                ;
        else
                return -EINVAL;
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970)
                return -EINVAL;
        /* A day the month does not have (02-30, 04-31) is refused, as ausearch refuses it, not
         * rolled over into the next month by mktime(): the date must come back unchanged. At
         * noon, which no daylight saving change moves to another day. */
        check = (struct tm) { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = 12, .tm_isdst = -1 };
        if (mktime(&check) == (time_t) -1 || check.tm_year != y - 1900 || check.tm_mon != mo - 1 || check.tm_mday != d)
                return -EINVAL;
        tm->tm_year = y - 1900, tm->tm_mon = mo - 1, tm->tm_mday = d;
        *ret_rest = s + n;
        return 0;
}

int report_parse_time(const char *s, bool end, time_t now, time_t *ret) {
        struct tm tm;
        const char *rest;
        time_t t;

        if (!s || !localtime_r(&now, &tm))
                return -EINVAL;
        if (streq(s, "now"))
                t = now;
        else if (streq(s, "recent"))
                t = now - 600;
        else if (streq(s, "today"))
                t = end ? now : midnight(tm, 0);
        else if (streq(s, "yesterday"))
                t = midnight(tm, 1);
        else if (streq(s, "this-week"))
                t = midnight(tm, tm.tm_wday);
        else if (streq(s, "week-ago"))
                t = midnight(tm, 7);
        else if (streq(s, "this-month"))
                t = midnight(tm, tm.tm_mday - 1);
        else if (streq(s, "this-year"))
                t = midnight(tm, tm.tm_yday);
        else if (strchr(s, ':') && !strpbrk(s, "/- ")) {
                /* A time alone: today. */
                if (parse_clock(s, &tm) < 0)
                        return -EINVAL;
                tm.tm_isdst = -1;
                t = mktime(&tm);
        } else {
                if (parse_date(s, &tm, &rest) < 0)
                        return -EINVAL;
                if (*rest == 0) {
                        tm.tm_hour = end ? 23 : 0;
                        tm.tm_min = tm.tm_sec = end ? 59 : 0;
                } else if ((*rest == ' ' || *rest == 'T') && parse_clock(rest + 1, &tm) == 0)
                        ;
                else
                        return -EINVAL;
                tm.tm_isdst = -1;
                t = mktime(&tm);
        }
        if (t == (time_t) -1)
                return -EINVAL;
        *ret = t;
        return 0;
}

void report_result_done(struct report_result *r) {
        for (unsigned c = 0; c <= REPORT_NO_COMPONENT; c++)
                free(r->components[c].last_exe), free(r->components[c].last_auid);
        for (size_t i = 0; i < r->n_input_errors; i++)
                free(r->input_errors[i].path);
        free(r->input_errors);
        *r = (struct report_result) {};
}

struct report_state {
        const struct report_options *o;
        const struct discovery *d;
        FILE *integrity;       /* tampering and auditd starts, rendered, in log order */
        FILE *events;          /* event lines, rendered, in log order */
        char *cis[_COMP_MAX];
        struct report_result *res;
        bool changed_by_other;
};

#define NO_COMP REPORT_NO_COMPONENT

static const struct target *match_target(const struct discovery *d, const char *path) {
        const struct target *best = NULL;

        for (size_t i = 0; d && i < d->n_targets; i++) {
                const struct target *t = &d->targets[i];
                if (!t->path)
                        continue;
                if (!streq(t->path, path) && !(t->is_dir && path_startswith_dir(path, t->path)))
                        continue;
                if (!best || strlen(t->path) > strlen(best->path))
                        best = t;
        }
        return best;
}

/* Does the syscall resolve relative names against a directory descriptor other than the cwd?
 * The *at calls take one (two for renameat, renameat2 and linkat) among a0..a2; AT_FDCWD is
 * recorded as ffffff9c or ffffffffffffff9c. The kernel logs such a name as given, and its PARENT
 * record as the cwd, which it is not: the log does not say which directory it was. */
static bool relative_to_dirfd(const struct audit_event *e) {
        static const struct {
                const char *syscall;
                unsigned dirfd_args;    /* bit N: aN is a directory descriptor */
        } calls[] = {
                { "openat", 1 }, { "openat2", 1 }, { "unlinkat", 1 }, { "mkdirat", 1 }, { "mknodat", 1 },
                { "fchownat", 1 }, { "fchmodat", 1 }, { "fchmodat2", 1 }, { "utimensat", 1 },
                { "futimesat", 1 }, { "readlinkat", 1 }, { "newfstatat", 1 }, { "statx", 1 },
                { "faccessat", 1 }, { "faccessat2", 1 }, { "execveat", 1 }, { "name_to_handle_at", 1 },
                { "renameat", 5 }, { "renameat2", 5 }, { "linkat", 5 }, { "symlinkat", 2 },
        };

        for (size_t i = 0; e->syscall && i < ELEMENTSOF(calls); i++) {
                if (!streq(e->syscall, calls[i].syscall))
                        continue;
                for (unsigned a = 0; a < 3; a++)
                        if ((calls[i].dirfd_args & (1u << a)) && (uint32_t) e->args[a] != (uint32_t) AT_FDCWD)
                                return true;
                return false;
        }
        return false;
}

/* The PATH record's name as an absolute, normalised path (relative names join the cwd, unless
 * they are relative to a directory descriptor: then they are shown as recorded). */
static char *absolute_name(const struct audit_event *e, const char *name) {
        _cleanup_free_ char *joined = NULL;
        char *norm = NULL;

        if (name[0] != '/') {
                if (!e->cwd || e->cwd[0] != '/' || relative_to_dirfd(e))
                        return strdup(name);
                joined = path_join(e->cwd, name);
                if (!joined)
                        return NULL;
                name = joined;
        }
        if (path_normalize(name, &norm) < 0)
                return strdup(name);
        return norm;
}

struct shown_path {
        char *path;                 /* the path shown (absolute when it could be made so) */
        char *renamed_to;           /* REPORT_ACTION_RENAMED: the new name */
        const struct target *target;
        enum audit_nametype nametype;
};

static void shown_path_done(struct shown_path *s) {
        free(s->path);
        free(s->renamed_to);
}

/* A rename shows its old name (the first DELETE record) and its new one (the CREATE record),
 * whichever of them is the discovered path: one that replaces a file (sed -i, an editor's
 * save) records the replaced file as a second DELETE, with the same name as the CREATE. The
 * component is the more specific of the two names' (the old name's on a tie). */
static int pick_rename(const struct report_state *st, const struct audit_event *e, struct shown_path *s) {
        const char *from = NULL, *to = NULL;
        const struct target *t;
        char *a, *b;

        if (!e->syscall || report_classify(e->syscall, NAMETYPE_UNKNOWN, e->args) != REPORT_ACTION_RENAMED)
                return 0;
        for (size_t i = 0; i < e->n_paths; i++) {
                if (e->paths[i].nametype == NAMETYPE_DELETE && !from)
                        from = e->paths[i].name;
                if (e->paths[i].nametype == NAMETYPE_CREATE && !to)
                        to = e->paths[i].name;
        }
        if (!from || !to)
                return 0;
        a = absolute_name(e, from);
        b = absolute_name(e, to);
        if (!a || !b) {
                free(a);
                free(b);
                return -ENOMEM;
        }
        free(s->path);
        free(s->renamed_to);
        s->path = a;
        s->renamed_to = b;
        s->nametype = NAMETYPE_DELETE;
        s->target = match_target(st->d, a);
        t = match_target(st->d, b);
        if (t && (!s->target || strlen(t->path) > strlen(s->target->path)))
                s->target = t;
        return 0;
}

/* Which PATH record the event is about: the first that names a discovered target (a PARENT
 * record only when nothing else does), else the first that is not a PARENT, else the first. */
static int pick_path(const struct report_state *st, const struct audit_event *e, struct shown_path *ret) {
        int pick = -1, pick_rank = 0;

        for (size_t i = 0; i < e->n_paths; i++) {
                _cleanup_free_ char *abs = absolute_name(e, e->paths[i].name);
                bool parent = e->paths[i].nametype == NAMETYPE_PARENT;
                int rank;

                if (!abs)
                        return -ENOMEM;
                rank = match_target(st->d, abs) ? (parent ? 2 : 3) : (parent ? 0 : 1);
                if (pick < 0 || rank > pick_rank)
                        pick = (int) i, pick_rank = rank;
        }
        *ret = (struct shown_path) { .nametype = NAMETYPE_UNKNOWN };
        if (pick < 0)
                return 0;
        ret->path = absolute_name(e, e->paths[pick].name);
        if (!ret->path)
                return -ENOMEM;
        ret->target = match_target(st->d, ret->path);
        ret->nametype = e->paths[pick].nametype;
        for (size_t i = 0; i < e->n_paths; i++)
                if (e->paths[i].nametype == NAMETYPE_CREATE && (int) i != pick && !ret->renamed_to) {
                        ret->renamed_to = absolute_name(e, e->paths[i].name);
                        if (!ret->renamed_to)
                                return -ENOMEM;
                }
        return pick_rename(st, e, ret);
}

/* Is this event about the audit system itself, and is it tampering? */
static bool is_integrity(const struct audit_event *e, const char *key, bool *ret_tampering) {
        switch (e->kind) {
        case AUDIT_EVENT_RULE_REMOVED:
                *ret_tampering = true;
                return streq_ptr(e->key, key);
        case AUDIT_EVENT_ENABLED:
                /* auditd sets the flag to the value it already has when it starts. */
                *ret_tampering = true;
                return e->enabled != e->enabled_old;
        case AUDIT_EVENT_DAEMON_END:
        case AUDIT_EVENT_DAEMON_ABORT:
                *ret_tampering = true;
                return true;
        case AUDIT_EVENT_DAEMON_START:
                *ret_tampering = false;
                return true;
        default:
                return false;
        }
}

static int account(struct report_state *st, const struct audit_event *e, enum component c, bool change) {
        struct report_component *s = &st->res->components[c];
        char a[24], *x, *u;

        s->events++;
        if (!change)
                return 0;
        s->changes++;
        s->last_sec = e->sec;
        s->last_msec = e->msec;
        x = strdup(e->exe ? e->exe : "?");
        u = strdup(report_id_text(e->auid_name, e->auid, a));
        if (!x || !u) {
                free(x);
                free(u);
                return -ENOMEM;
        }
        free(s->last_exe);
        free(s->last_auid);
        s->last_exe = x;
        s->last_auid = u;
        return 0;
}

static int handle_event(struct report_state *st, const struct audit_event *e) {
        struct shown_path p = {};
        enum report_action action;
        enum report_actor actor;
        bool tampering = false;
        int r;

        if (is_integrity(e, st->o->key, &tampering)) {
                if (tampering)
                        st->res->n_tampering++;
                return report_print_integrity(st->integrity, st->o->json, e, tampering);
        }
        if (e->kind != AUDIT_EVENT_SYSCALL || !streq_ptr(e->key, st->o->key))
                return 0;
        r = pick_path(st, e, &p);
        if (r < 0)
                return r;
        action = report_classify(e->syscall, p.nametype, e->args);
        actor = report_actor_of(e->exe);
        st->res->n_events++;
        if (report_action_is_change(action) && e->success != 0) {
                st->res->n_changes++;
                if (actor == ACTOR_OTHER)
                        st->changed_by_other = true;
        }
        {
                enum component c = p.target ? p.target->comp : NO_COMP;
                const struct report_event x = { .e = e, .comp = c, .cis = c == NO_COMP ? NULL : st->cis[c],
                                                .path = p.path, .renamed_to = p.renamed_to, .action = action,
                                                .change = report_action_is_change(action), .actor = actor };
                r = report_print_event(st->events, st->o->json, &x);
        }
        if (r >= 0)
                r = account(st, e, p.target ? p.target->comp : NO_COMP,
                            report_action_is_change(action) && e->success != 0);
        shown_path_done(&p);
        return r;
}

static int add_input_error(struct report_result *res, const char *path, int error) {
        struct report_input_error *a = realloc(res->input_errors, (res->n_input_errors + 1) * sizeof(*a));
        if (!a)
                return -ENOMEM;
        res->input_errors = a;
        a[res->n_input_errors].path = strdup(path);
        a[res->n_input_errors].error = error;
        if (!a[res->n_input_errors].path)
                return -ENOMEM;
        res->n_input_errors++;
        return 0;
}

/* One input, start to end. A read error ends this input only (it is listed), never the report. */
static int read_input(struct report_state *st, const char *path) {
        struct audit_filter f = { .key = st->o->key, .since = st->o->since, .until = st->o->until };
        struct audit_reader *rd = NULL;
        int r, k;

        r = audit_reader_open(path, &f, &rd);
        if (r < 0)
                return r == -ENOMEM ? r : add_input_error(st->res, path, r);
        for (;;) {
                struct audit_event e;
                k = audit_reader_next(rd, &e);
                if (k <= 0)
                        break;
                r = handle_event(st, &e);
                audit_event_done(&e);
                if (r < 0)
                        break;
        }
        st->res->damaged_lines += audit_reader_damaged(rd);
        {
                size_t events = 0;
                st->res->records_cut += audit_reader_records_cut(rd, &events);
                st->res->events_cut += events;
        }
        audit_reader_free(rd);
        if (r < 0)
                return r;
        if (k < 0)
                return k == -ENOMEM ? k : add_input_error(st->res, path, k);
        st->res->n_inputs_read++;
        return 0;
}

static int copy_out(FILE *from, FILE *out) {
        char buf[16384];
        size_t n;

        if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0)
                return -errno;
        while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
                if (fwrite(buf, 1, n, out) != n)
                        return -EIO;
        return ferror(from) ? -EIO : 0;
}

static void state_done(struct report_state *st) {
        if (st->integrity)
                fclose(st->integrity);
        if (st->events)
                fclose(st->events);
        for (unsigned c = 0; c < _COMP_MAX; c++)
                free(st->cis[c]);
}

static int read_inputs(struct report_state *st) {
        _cleanup_strv_free_ char **logs = NULL;
        char **inputs = st->o->inputs;
        int r;

        if (!inputs) {
                r = audit_default_logs(st->o->auditd_conf ? st->o->auditd_conf : "/etc/audit/auditd.conf", &logs);
                if (r < 0)
                        return add_input_error(st->res, st->o->auditd_conf ? st->o->auditd_conf
                                                                           : "/etc/audit/auditd.conf", r);
                inputs = logs;
        }
        for (char **i = inputs; *i; i++) {
                r = read_input(st, *i);
                if (r < 0)
                        return r;
        }
        return 0;
}

int report_run(const struct report_options *o, const struct discovery *d, FILE *out,
               struct report_result *ret) {
        struct report_result res = {};
        struct report_state st = { .o = o, .d = d, .res = &res };
        int r;

        for (unsigned c = 0; c < _COMP_MAX; c++)
                if (component_cis_ids(c, &st.cis[c]) < 0)
                        st.cis[c] = NULL;
        st.integrity = tmpfile();
        st.events = tmpfile();
        if (!st.integrity || !st.events) {
                r = -errno;
                goto finish;
        }
        r = read_inputs(&st);
        if (r < 0)
                goto finish;

        if (res.n_inputs_read == 0)
                res.status = REPORT_UNREADABLE;
        else if (res.n_tampering > 0)
                res.status = REPORT_TAMPERED;
        else if (st.changed_by_other)
                res.status = REPORT_CHANGES;
        else
                res.status = REPORT_CLEAN;

        r = report_print_header(out, o, false);
        if (r >= 0 && !o->json && ftell(st.integrity) == 0 && fputs("  nothing recorded\n", out) < 0)
                r = -EIO;
        if (r >= 0)
                r = copy_out(st.integrity, out);
        if (r >= 0)
                r = report_print_header(out, o, true);
        if (r >= 0)
                r = copy_out(st.events, out);
        if (r >= 0)
                r = report_print_summary(out, o, &res, st.cis);
finish:
        state_done(&st);
        if (r < 0) {
                report_result_done(&res);
                return r;
        }
        *ret = res;
        return 0;
}

int run_report(const struct options *o) {
        struct report_options ro = { .key = o->render.key, .json = o->format == FORMAT_JSON, .inputs = o->inputs,
                                     .auditd_conf = "/etc/audit/auditd.conf" };
        struct report_result res = {};
        struct discovery d = {};
        struct root root = {};
        time_t now = time(NULL);
        bool have_disc = false;
        int r;

        {
                const char *bad = o->since && report_parse_time(o->since, false, now, &ro.since) < 0 ? o->since :
                                  o->until && report_parse_time(o->until, true, now, &ro.until) < 0 ? o->until : NULL;
                /* A usage error: nothing was read, and 2 would read as tampering. */
                if (bad) {
                        fprintf_escaped(stderr, "docker-audit-rules: invalid time \"%s\": now, recent, today, yesterday, "
                                "this-week, week-ago, this-month, this-year, or MM/DD/YYYY or YYYY-MM-DD, optionally "
                                "followed by HH:MM:SS\n", bad);
                        return REPORT_UNREADABLE;
                }
        }
        /* Component names come from what is discovered now; without them paths are still shown. */
        r = root_init(&root, o->root ? o->root : "/");
        if (r >= 0) {
                r = discover(&root, &o->discovery, &d);
                have_disc = r >= 0;
        }
        if (r < 0)
                fprintf(stderr, "docker-audit-rules: discovery failed (%s): components are not named\n", strerror(-r));

        r = report_run(&ro, have_disc ? &d : NULL, stdout, &res);
        if (have_disc)
                discovery_done(&d);
        root_done(&root);
        if (r < 0) {
                fprintf(stderr, "docker-audit-rules: report: %s\n", strerror(-r));
                return REPORT_UNREADABLE;
        }
        for (size_t i = 0; i < res.n_input_errors; i++)
                fprintf_escaped(stderr, "docker-audit-rules: cannot read %s: %s\n", res.input_errors[i].path,
                        strerror(-res.input_errors[i].error));
        if (res.damaged_lines > 0 && o->verbosity >= 0)
                fprintf(stderr, "docker-audit-rules: %zu damaged or truncated log lines skipped\n", res.damaged_lines);
        if (res.records_cut > 0 && o->verbosity >= 0)
                fprintf(stderr, "docker-audit-rules: %zu records of %zu events not read: an event's first %d PATH "
                        "records are read\n", res.records_cut, res.events_cut, AUDIT_EVENT_PATHS_MAX);
        r = (int) res.status;
        report_result_done(&res);
        return r;
}
