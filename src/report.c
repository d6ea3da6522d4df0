/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --report, the judge: which events concern our key, what each did (report_classify()), who
 * did it (report_actor_of()), which are tampering, the counts per component and the exit status.
 * Events are judged one at a time and handed to the printers (report-print.c) as they come, so
 * that memory stays bounded: their lines wait in temporary files, not in memory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#include "config.h"
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

/* What a system call does to the file it names, before its PATH record's nametype and its
 * flags are looked at (report_classify()). */
enum syscall_class {
        SYSCALL_OTHER,
        SYSCALL_RENAME,
        SYSCALL_EXEC,
        SYSCALL_ATTR,
        SYSCALL_CREATE,
        SYSCALL_DELETE,
        SYSCALL_WRITE,
        SYSCALL_READ,
        SYSCALL_OPEN,           /* flags in args[1] */
        SYSCALL_OPENAT,         /* flags in args[2] */
};

struct syscall_class_entry {
        const char *name;
        enum syscall_class class;
};

/* Sorted by name (strcmp), for bsearch(): one look-up per event, not one comparison per name. */
static const struct syscall_class_entry syscall_classes[] = {
        { "chmod", SYSCALL_ATTR },          { "chown", SYSCALL_ATTR },
        { "creat", SYSCALL_CREATE },        { "execve", SYSCALL_EXEC },
        { "execveat", SYSCALL_EXEC },       { "fallocate", SYSCALL_WRITE },
        { "fchmod", SYSCALL_ATTR },         { "fchmodat", SYSCALL_ATTR },
        { "fchmodat2", SYSCALL_ATTR },      { "fchown", SYSCALL_ATTR },
        { "fchownat", SYSCALL_ATTR },       { "fgetxattr", SYSCALL_READ },
        { "flistxattr", SYSCALL_READ },     { "fremovexattr", SYSCALL_ATTR },
        { "fsetxattr", SYSCALL_ATTR },      { "ftruncate", SYSCALL_WRITE },
        { "futimesat", SYSCALL_ATTR },      { "getxattr", SYSCALL_READ },
        { "lchown", SYSCALL_ATTR },         { "lgetxattr", SYSCALL_READ },
        { "link", SYSCALL_CREATE },         { "linkat", SYSCALL_CREATE },
        { "listxattr", SYSCALL_READ },      { "llistxattr", SYSCALL_READ },
        { "lremovexattr", SYSCALL_ATTR },   { "lsetxattr", SYSCALL_ATTR },
        { "mkdir", SYSCALL_CREATE },        { "mkdirat", SYSCALL_CREATE },
        { "mknod", SYSCALL_CREATE },        { "mknodat", SYSCALL_CREATE },
        { "open", SYSCALL_OPEN },           { "open_by_handle_at", SYSCALL_OPENAT },
        { "openat", SYSCALL_OPENAT },       { "pread64", SYSCALL_READ },
        { "pwrite64", SYSCALL_WRITE },      { "pwritev", SYSCALL_WRITE },
        { "pwritev2", SYSCALL_WRITE },      { "read", SYSCALL_READ },
        { "readlink", SYSCALL_READ },       { "readlinkat", SYSCALL_READ },
        { "readv", SYSCALL_READ },          { "removexattr", SYSCALL_ATTR },
        { "rename", SYSCALL_RENAME },       { "renameat", SYSCALL_RENAME },
        { "renameat2", SYSCALL_RENAME },    { "rmdir", SYSCALL_DELETE },
        { "setxattr", SYSCALL_ATTR },       { "symlink", SYSCALL_CREATE },
        { "symlinkat", SYSCALL_CREATE },    { "truncate", SYSCALL_WRITE },
        { "unlink", SYSCALL_DELETE },       { "unlinkat", SYSCALL_DELETE },
        { "utime", SYSCALL_ATTR },          { "utimensat", SYSCALL_ATTR },
        { "utimes", SYSCALL_ATTR },         { "write", SYSCALL_WRITE },
        { "writev", SYSCALL_WRITE },
};

static int syscall_class_cmp(const void *key, const void *entry) {
        return strcmp(key, ((const struct syscall_class_entry *) entry)->name);
}

static enum syscall_class syscall_class_of(const char *syscall) {
        const struct syscall_class_entry *c = bsearch(syscall, syscall_classes, ELEMENTSOF(syscall_classes),
                                                      sizeof(syscall_classes[0]), syscall_class_cmp);
        return c ? c->class : SYSCALL_OTHER;
}

enum report_action report_classify(const char *syscall, enum audit_nametype nametype,
                                   const unsigned long long args[4]) {
        enum syscall_class class;
        unsigned long long flags;

        if (!syscall)
                return REPORT_ACTION_OTHER;
        class = syscall_class_of(syscall);
        if (class == SYSCALL_RENAME)
                return REPORT_ACTION_RENAMED;
        if (class == SYSCALL_EXEC && nametype == NAMETYPE_NORMAL)
                return REPORT_ACTION_EXECUTED;
        if (class == SYSCALL_ATTR)
                return REPORT_ACTION_ATTR;
        if (nametype == NAMETYPE_CREATE)
                return REPORT_ACTION_CREATED;
        if (nametype == NAMETYPE_DELETE)
                return REPORT_ACTION_DELETED;
        switch (class) {
        case SYSCALL_CREATE:
                return REPORT_ACTION_CREATED;
        case SYSCALL_DELETE:
                return REPORT_ACTION_DELETED;
        case SYSCALL_WRITE:
                return REPORT_ACTION_WRITTEN;
        case SYSCALL_READ:
                return REPORT_ACTION_READ;
        case SYSCALL_OPEN:
                flags = args[1];
                break;
        case SYSCALL_OPENAT:
                flags = args[2];
                break;
        default:
                return REPORT_ACTION_OTHER;
        }
        return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) ? REPORT_ACTION_WRITTEN : REPORT_ACTION_READ;
}

/* Package managers by the absolute path of the program that writes: dpkg(1) is the exe of every
 * file a Debian package transaction writes (apt, apt-get and unattended-upgrade run it; the last
 * is a python script, so its exe is python's and it is not listed), rpm(8) that of an RPM
 * transaction. A base name proves nothing: anyone can name a program dpkg. */
static const char *const package_manager_exes[] = {
        "/usr/bin/dpkg", "/usr/bin/apt", "/usr/bin/apt-get", "/usr/lib/apt/methods/http",
        "/usr/bin/rpm", "/usr/bin/dnf", "/usr/bin/dnf5", "/usr/libexec/dnf5", "/usr/bin/yum",
        "/usr/bin/microdnf", "/usr/bin/zypper", "/sbin/apk", "/usr/lib/snapd/snapd", NULL
};

enum report_actor report_actor_of(const char *exe, char *const *self_exes, char *const *docker_exes) {
        if (!exe || !*exe)
                return ACTOR_OTHER;
        if (name_in(exe, package_manager_exes))
                return ACTOR_PACKAGE_MANAGER;
        if (docker_exes && strv_contains(docker_exes, exe))
                return ACTOR_DOCKER;
        if (self_exes && strv_contains(self_exes, exe))
                return ACTOR_SELF;
        return ACTOR_OTHER;
}

static bool component_is_docker_program(enum component c) {
        switch (c) {
        case COMP_DOCKERD: case COMP_CONTAINERD: case COMP_CONTAINERD_SHIM: case COMP_SHIM_RUNC_V1:
        case COMP_SHIM_RUNC_V2: case COMP_RUNC: case COMP_RUNTIME: case COMP_DOCKER_INIT:
        case COMP_DOCKER_PROXY:
                return true;
        default:
                return false;
        }
}

static int strv_add_once(char ***l, const char *s) {
        return strv_contains(*l, s) ? 0 : strv_extend(l, s);
}

/* path with its directory resolved (realpath(3) of the directory only), added to *l. */
static int add_resolved(char ***l, const char *path) {
        const char *slash = strrchr(path, '/');
        _cleanup_free_ char *dir = NULL, *p = NULL;
        char buf[PATH_MAX];

        if (!slash || slash == path)
                return strv_add_once(l, path);
        dir = strndup(path, (size_t) (slash - path));
        if (!dir)
                return -ENOMEM;
        if (!realpath(dir, buf))
                return 0;
        p = path_join(buf, slash + 1);
        if (!p)
                return -ENOMEM;
        return strv_add_once(l, p);
}

int report_docker_exes(const struct discovery *d, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        if (d && d->dockerd && (r = strv_add_once(&l, d->dockerd)) < 0)
                return r;
        for (size_t i = 0; d && i < d->n_targets; i++) {
                const struct target *t = &d->targets[i];
                char buf[PATH_MAX];

                if (!t->path || t->is_dir || !component_is_docker_program(t->comp))
                        continue;
                if ((r = strv_add_once(&l, t->path)) < 0)
                        return r;
                /* The kernel records the exe with every link resolved (the d_path of the mm's
                 * exe_file, proc(5) /proc/PID/exe). realpath(3) would readlink(2) the
                 * program itself, which fails on a file that is no link, and that failed
                 * read of a watched file would be logged as this tool's: only a program
                 * discovery found to be a link is read (once, one level), and otherwise only
                 * the directories are resolved. */
                if (t->link) {
                        ssize_t n = readlink(t->path, buf, sizeof(buf) - 1);
                        _cleanup_free_ char *dest = NULL;

                        if (n <= 0)
                                continue;
                        buf[n] = 0;
                        if (buf[0] == '/')
                                dest = strdup(buf);
                        else {
                                const char *slash = strrchr(t->path, '/');
                                _cleanup_free_ char *dir = strndup(t->path, slash ? (size_t) (slash - t->path) : 0);
                                dest = dir ? path_join(*dir ? dir : "/", buf) : NULL;
                        }
                        if (!dest)
                                return -ENOMEM;
                        if ((r = add_resolved(&l, dest)) < 0)
                                return r;
                } else if ((r = add_resolved(&l, t->path)) < 0)
                        return r;
        }
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
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

static void group_done(struct report_group *g) {
        audit_event_done(&g->first);
        free(g->path);
        free(g->renamed_to);
        free(g->rule_path);
        free(g->target);
        for (size_t i = 0; i < g->n_names; i++)
                free(g->names[i]);
}

void report_result_done(struct report_result *r) {
        for (unsigned c = 0; c <= REPORT_NO_COMPONENT; c++)
                free(r->components[c].last_exe), free(r->components[c].last_auid);
        for (size_t i = 0; i < r->n_input_errors; i++)
                free(r->input_errors[i].path);
        free(r->input_errors);
        for (size_t i = 0; i < r->n_groups; i++)
                group_done(&r->groups[i]);
        free(r->groups);
        *r = (struct report_result) {};
}

struct report_state {
        const struct report_options *o;
        const struct discovery *d;
        FILE *integrity;       /* every change of the audit system, rendered (JSON, -v), in log order */
        FILE *events;          /* every event on Docker's paths, rendered (JSON, -v), in log order */
        FILE *spill;           /* text: events that need attention beyond the groups' cap, one by one */
        char *cis[_COMP_MAX];
        struct report_result *res;
        struct hindex index;   /* the groups by identity (all but package transactions) */
        size_t group_bytes;
        long package;          /* the package transaction still open: its group's index, or -1 */
        struct audit_watch *watches;
        size_t n_watches;
        bool changed_by_other;
        char **docker_exes;    /* report_docker_exes() of d */
        struct target_inode { unsigned long ino; const struct target *t; } *inodes; /* lstat(2) of d's files */
        size_t n_inodes;
};

#define NO_COMP REPORT_NO_COMPONENT

static bool target_path_eq(const void *ctx, size_t i, const void *key) {
        const struct discovery *d = ctx;
        return d->targets[i].path && streq(d->targets[i].path, key);
}

static const struct target *find_target(const struct discovery *d, const char *path) {
        long i = hindex_find(&d->target_index, hash_str(0, path), target_path_eq, d, path);
        return i < 0 ? NULL : &d->targets[i];
}

/* The target of path: the target of that path, else the nearest directory target above it. */
static const struct target *match_target(const struct discovery *d, const char *path) {
        _cleanup_free_ char *up = NULL;
        const struct target *t;
        char *slash;

        if (!d || !path || path[0] != '/')
                return NULL;
        t = find_target(d, path);
        if (t)
                return t;
        up = strdup(path);
        if (!up)
                return NULL;
        while ((slash = strrchr(up, '/'))) {
                if (slash == up) {
                        t = up[1] ? find_target(d, "/") : NULL;
                        return t && t->is_dir ? t : NULL;
                }
                *slash = 0;
                t = find_target(d, up);
                if (t && t->is_dir)
                        return t;
        }
        return NULL;
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
        char *via;                  /* the name the event used, when path is the target it reached
                                     * through another name (a link): by inode */
        char *renamed_to;           /* REPORT_ACTION_RENAMED: the new name */
        const struct target *target;
        enum audit_nametype nametype;
};

static void shown_path_done(struct shown_path *s) {
        free(s->path);
        free(s->via);
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
        /* Under our key, through a link: the kernel names the link the user opened, and only
         * inode= is the watched file's. The records give no usable device here, so only under
         * our key (the kernel said a watch of ours took it) and only an inode that one
         * discovered file has. */
        if (pick_rank < 2 && streq_ptr(e->key, st->o->key))
                for (size_t i = 0; i < e->n_paths; i++) {
                        const struct target *hit = NULL;
                        size_t n = 0;

                        if (e->paths[i].nametype == NAMETYPE_PARENT || e->paths[i].inode == 0)
                                continue;
                        for (size_t k = 0; k < st->n_inodes; k++)
                                if (st->inodes[k].ino == e->paths[i].inode)
                                        hit = st->inodes[k].t, n++;
                        if (n != 1)
                                continue;
                        ret->via = absolute_name(e, e->paths[i].name);
                        ret->path = strdup(hit->path);
                        if (!ret->via || !ret->path)
                                return -ENOMEM;
                        ret->target = hit;
                        ret->nametype = e->paths[i].nametype;
                        return 0;
                }
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

/* Does the command line hold the word --remove? (PROCTITLE: the arguments joined by spaces.) */
static bool cmdline_removes(const char *cmdline) {
        const char *p = cmdline;

        while (p && (p = strstr(p, "--remove"))) {
                bool start = p == cmdline || p[-1] == ' ', end = p[8] == 0 || p[8] == ' ';
                if (start && end)
                        return true;
                p += 8;
        }
        return false;
}

/* The path a rule added by this command line watches, when it says one: "-w PATH",
 * "-F dir=PATH" (recursive) or "-F path=PATH". auditctl -R FILE and the like say none. auditctl
 * cuts its own -F arguments at '=' in place, so its PROCTITLE says "-F dir PATH". */
static bool rule_path_of(const char *cmdline, char **ret_path, bool *ret_dir) {
        _cleanup_free_ char *copy = cmdline ? strdup(cmdline) : NULL;
        char *save = NULL, *prev = NULL, *prev2 = NULL;

        if (!copy)
                return false;
        for (char *w = strtok_r(copy, " ", &save); w; prev2 = prev, prev = w, w = strtok_r(NULL, " ", &save)) {
                const char *v = NULL;
                bool dir = false;
                if (prev && streq(prev, "-w") && w[0] == '/')
                        v = w, dir = true;   /* a watch of a directory is recursive; of a file, the file */
                else if (prev && prev2 && streq(prev2, "-F") && (streq(prev, "dir") || streq(prev, "path")) &&
                         w[0] == '/')
                        v = w, dir = streq(prev, "dir");
                else if (startswith(w, "dir=/"))
                        v = w + 4, dir = true;
                else if (startswith(w, "path=/"))
                        v = w + 5;
                else if (startswith(w, "-Fdir=/"))
                        v = w + 6, dir = true;
                else if (startswith(w, "-Fpath=/"))
                        v = w + 7;
                if (v) {
                        char *n = NULL;
                        if (path_normalize(v, &n) < 0)
                                return false;
                        *ret_path = n;
                        *ret_dir = dir;
                        return true;
                }
        }
        return false;
}

/* The watched path a rule on rule_path takes events of: the path itself, or one below it when
 * the rule is a directory's. NULL when none. */
static const char *shadowed_target(const struct discovery *d, const char *rule_path, bool dir) {
        for (size_t i = 0; d && i < d->n_targets; i++) {
                const char *t = d->targets[i].path;
                if (t && (streq(t, rule_path) || (dir && path_startswith_dir(t, rule_path))))
                        return t;
        }
        return NULL;
}

static unsigned long long group_hash(const struct report_group *g) {
        unsigned long long h = hash_bytes(0, &g->kind, sizeof(g->kind));

        h = hash_bytes(h, &g->section, sizeof(g->section));
        switch (g->kind) {
        case REPORT_GROUP_EVENT:
                h = hash_str(hash_str(hash_str(h, g->path), g->first.exe), g->first.cmdline);
                h = hash_bytes(hash_bytes(h, &g->action, sizeof(g->action)), &g->first.auid, sizeof(g->first.auid));
                break;
        case REPORT_GROUP_AUDIT:
                h = hash_str(hash_str(hash_str(h, g->first.key), g->first.exe), g->first.cmdline);
                h = hash_bytes(h, &g->first.kind, sizeof(g->first.kind));
                break;
        case REPORT_GROUP_SHADOW:
                h = hash_str(hash_str(h, g->first.key), g->rule_path);
                break;
        case REPORT_GROUP_SELF:
                h = hash_str(h, g->first.cmdline);
                if (g->section == REPORT_SECTION_ATTENTION || !g->first.cmdline)
                        h = hash_bytes(h, &g->last_pid, sizeof(g->last_pid));
                break;
        default:
                break;
        }
        return h;
}

static bool group_same(const void *ctx, size_t i, const void *key) {
        const struct report_group *a = &((const struct report_result *) ctx)->groups[i], *b = key;
        const struct audit_event *x = &a->first, *y = &b->first;

        if (a->kind != b->kind || a->section != b->section)
                return false;
        switch (a->kind) {
        case REPORT_GROUP_EVENT:
                return a->comp == b->comp && streq_ptr(a->path, b->path) && streq_ptr(a->renamed_to, b->renamed_to) &&
                       a->action == b->action && x->success == y->success && streq_ptr(x->exe, y->exe) &&
                       streq_ptr(x->cmdline, y->cmdline) && x->auid == y->auid && x->uid == y->uid &&
                       streq_ptr(x->key, y->key) && streq_ptr(x->tty, y->tty) && x->ses == y->ses;
        case REPORT_GROUP_AUDIT:
                return x->kind == y->kind && streq_ptr(x->key, y->key) && x->enabled == y->enabled &&
                       x->enabled_old == y->enabled_old && a->tampering == b->tampering && streq_ptr(x->exe, y->exe) &&
                       streq_ptr(x->cmdline, y->cmdline) && x->auid == y->auid && x->uid == y->uid;
        case REPORT_GROUP_SHADOW:
                return streq_ptr(x->key, y->key) && streq_ptr(a->rule_path, b->rule_path) &&
                       streq_ptr(x->exe, y->exe) && streq_ptr(x->cmdline, y->cmdline);
        case REPORT_GROUP_SELF:
                return streq_ptr(x->cmdline, y->cmdline) &&
                       ((a->section != REPORT_SECTION_ATTENTION && x->cmdline) || a->last_pid == b->last_pid);
        case REPORT_GROUP_DOCKER:
                return true;
        default:
                return false;
        }
}

static size_t strsize(const char *s) {
        return s ? strlen(s) + 1 : 0;
}

static int dup_into(char **dst, const char *src, size_t *bytes) {
        if (!src) {
                *dst = NULL;
                return 0;
        }
        *dst = strdup(src);
        if (!*dst)
                return -ENOMEM;
        *bytes += strlen(src) + 1;
        return 0;
}

/* Own the fields of the first event src that a group shows: its strings copied (their bytes added
 * to *bytes), the others left out (NULL). 0, or -ENOMEM with nothing in dst to free. */
static int first_event_own(struct audit_event *dst, const struct audit_event *src, size_t *bytes) {
        *dst = (struct audit_event) {
                .kind = src->kind, .sec = src->sec, .msec = src->msec, .serial = src->serial,
                .success = src->success, .exit = src->exit, .auid = src->auid, .uid = src->uid, .euid = src->euid,
                .ses = src->ses, .pid = src->pid, .ppid = src->ppid, .enabled = src->enabled,
                .enabled_old = src->enabled_old,
        };
        memcpy(dst->args, src->args, sizeof(dst->args));
        if (dup_into(&dst->key, src->key, bytes) < 0 || dup_into(&dst->exe, src->exe, bytes) < 0 ||
            dup_into(&dst->cmdline, src->cmdline, bytes) < 0 || dup_into(&dst->tty, src->tty, bytes) < 0 ||
            dup_into(&dst->auid_name, src->auid_name, bytes) < 0 ||
            dup_into(&dst->uid_name, src->uid_name, bytes) < 0) {
                audit_event_done(dst);
                return -ENOMEM;
        }
        return 0;
}

/* The group proto stands for (its first event and strings borrowed), made a group of its own:
 * its index, -ENOMEM, or -ENOSPC when the cap is reached. */
static long group_new(struct report_state *st, const struct report_group *proto) {
        struct report_result *res = st->res;
        struct report_group *g;
        size_t bytes = strsize(proto->first.key) + strsize(proto->first.exe) + strsize(proto->first.cmdline) +
                       strsize(proto->path) + strsize(proto->renamed_to) + strsize(proto->rule_path) +
                       strsize(proto->target) + 64;

        if (res->n_groups >= REPORT_GROUPS_MAX || st->group_bytes + bytes > REPORT_GROUPS_BYTES)
                return -ENOSPC;
        if ((res->n_groups & (res->n_groups - 1)) == 0 || res->n_groups == 0) {
                size_t cap = res->n_groups ? res->n_groups * 2 : 16;
                struct report_group *a = realloc(res->groups, cap * sizeof(*a));
                if (!a)
                        return -ENOMEM;
                res->groups = a;
        }
        g = &res->groups[res->n_groups];
        *g = *proto;
        g->n_names = 0;
        g->id = (unsigned) res->n_groups + 1;
        g->path = g->renamed_to = g->rule_path = g->target = NULL;
        bytes = 0;
        if (first_event_own(&g->first, &proto->first, &bytes) < 0)
                return -ENOMEM;
        if (dup_into(&g->path, proto->path, &bytes) < 0 || dup_into(&g->renamed_to, proto->renamed_to, &bytes) < 0 ||
            dup_into(&g->rule_path, proto->rule_path, &bytes) < 0 || dup_into(&g->target, proto->target, &bytes) < 0) {
                group_done(g);
                return -ENOMEM;
        }
        st->group_bytes += bytes + sizeof(*g);
        if (g->kind != REPORT_GROUP_PACKAGE && hindex_add(&st->index, g->hash, res->n_groups) < 0) {
                group_done(g);
                return -ENOMEM;
        }
        return (long) res->n_groups++;
}

static int group_add_name(struct report_state *st, struct report_group *g, const char *exe) {
        const char *b = exe;   /* the full path: a base name proves nothing */

        if (!b || !*b)
                return 0;
        for (size_t i = 0; i < g->n_names; i++)
                if (streq(g->names[i], b))
                        return 0;
        if (g->n_names >= REPORT_GROUP_NAMES_MAX) {
                g->more_names++;
                return 0;
        }
        g->names[g->n_names] = strdup(b);
        if (!g->names[g->n_names])
                return -ENOMEM;
        st->group_bytes += strlen(b) + 1;
        g->n_names++;
        return 0;
}

static bool in_pids(const long long *v, unsigned n, long long pid) {
        for (unsigned i = 0; i < n && i < REPORT_RUN_PIDS; i++)
                if (v[i] == pid)
                        return true;
        return false;
}

/* One more event of this tool's: of the run before it, or a new run. The tool forks children (a
 * rule added from a confined mount namespace, a user's file read with the user's rights), whose
 * events have their own pid and the run's as ppid; a child's event may come first. So an event
 * is of the current run when its pid or ppid is one of the run's pids, or its pid is the parent
 * of one of them; two runs from one shell share only a ppid, which is not enough. */
static void count_run(struct report_group *g, const struct audit_event *e) {
        unsigned slot;

        if (g->runs == 0 || !(in_pids(g->run_pids, g->run_n, e->pid) || in_pids(g->run_pids, g->run_n, e->ppid) ||
                              in_pids(g->run_ppids, g->run_n, e->pid))) {
                g->runs++;
                g->run_n = 0;
        } else if (in_pids(g->run_pids, g->run_n, e->pid))
                return;
        slot = g->run_n++ % REPORT_RUN_PIDS;
        g->run_pids[slot] = e->pid;
        g->run_ppids[slot] = e->ppid;
        g->last_pid = e->pid;
}

/* Count the event e (judged into proto) in its group, made when it has none: the group's id, 0
 * when the cap is reached, or -ENOMEM. */
static long group_account(struct report_state *st, struct report_group *proto, const struct audit_event *e) {
        struct report_result *res = st->res;
        struct report_group *g;
        long i = -1;

        proto->first_sec = proto->last_sec = e->sec;
        proto->first_msec = proto->last_msec = e->msec;
        if (proto->kind == REPORT_GROUP_PACKAGE) {
                /* One transaction: the package managers' events of one session with no gap of 10 minutes. */
                if (st->package >= 0) {
                        struct report_group *p = &res->groups[st->package];
                        if (p->first.ses == proto->first.ses && e->sec - p->last_sec <= 600)
                                i = st->package;
                }
        } else {
                proto->hash = group_hash(proto);
                i = hindex_find(&st->index, proto->hash, group_same, res, proto);
        }
        if (i < 0) {
                i = group_new(st, proto);
                if (i == -ENOSPC) {
                        res->groups_capped++;
                        return 0;
                }
                if (i < 0)
                        return i;
                if (proto->kind == REPORT_GROUP_PACKAGE)
                        st->package = i;
                res->groups[i].last_pid = AUDIT_ID_UNSET;
        }
        g = &res->groups[i];
        g->count++;
        g->last_sec = e->sec;
        g->last_msec = e->msec;
        if (proto->kind == REPORT_GROUP_SELF)
                count_run(g, e);
        if (e->kind == AUDIT_EVENT_SYSCALL) {
                if (e->success == 0)
                        g->failed++;
                else if (proto->action == REPORT_ACTION_EXECUTED)
                        g->executions++;
                else if (proto->action == REPORT_ACTION_READ)
                        g->reads++;
                else
                        g->changes++;
        } else if (e->kind == AUDIT_EVENT_RULE_ADDED)
                g->rules_added++;
        else if (e->kind == AUDIT_EVENT_RULE_REMOVED)
                g->rules_removed++;
        if (g->kind == REPORT_GROUP_SELF && e->kind != AUDIT_EVENT_SYSCALL && e->key &&
            !streq_ptr(g->first.key, e->key)) {
                /* The run's rules' key, not that of a file it read first (which may be another's). */
                char *k = strdup(e->key);
                if (!k)
                        return -ENOMEM;
                free(g->first.key);
                g->first.key = k;
        }
        if ((g->kind == REPORT_GROUP_DOCKER || g->kind == REPORT_GROUP_PACKAGE) && group_add_name(st, g, e->exe) < 0)
                return -ENOMEM;
        return g->id;
}

/* The group e stands for, before it is judged: e is its first event (borrowed). */
static void proto_from_event(struct report_group *g, const struct audit_event *e) {
        g->first = *e;
        g->comp = REPORT_NO_COMPONENT;
        g->last_pid = e->pid;
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

/* A change of the audit system: which group, and whether it is tampering. 0 when the report
 * does not show it (a rule of another key that takes no event of ours, an enabled flag set to
 * the value it had, another CONFIG_CHANGE). */
static int judge_audit(struct report_state *st, const struct audit_event *e, struct report_group *g) {
        bool ours = streq_ptr(e->key, st->o->key);
        enum report_actor actor = report_actor_of(e->exe, st->o->self_exes, st->docker_exes);

        proto_from_event(g, e);
        g->kind = REPORT_GROUP_AUDIT;
        g->section = REPORT_SECTION_ATTENTION;
        switch (e->kind) {
        case AUDIT_EVENT_RULE_REMOVED:
        case AUDIT_EVENT_RULE_ADDED:
                if (ours && actor == ACTOR_SELF) {
                        /* The tool's own: a re-sync is routine; --remove switches Docker's audit off. */
                        g->kind = REPORT_GROUP_SELF;
                        g->actor = ACTOR_SELF;
                        g->tampering = cmdline_removes(e->cmdline);
                        g->section = g->tampering ? REPORT_SECTION_ATTENTION : REPORT_SECTION_ROUTINE;
                        return 1;
                }
                if (ours) {
                        g->tampering = e->kind == AUDIT_EVENT_RULE_REMOVED;
                        return 1;
                }
                if (e->kind == AUDIT_EVENT_RULE_ADDED) {
                        _cleanup_free_ char *rp = NULL;
                        const char *t;
                        bool dir;
                        if (!rule_path_of(e->cmdline, &rp, &dir) || !(t = shadowed_target(st->d, rp, dir)))
                                return 0;
                        g->kind = REPORT_GROUP_SHADOW;
                        g->rule_path = TAKE_PTR(rp);
                        g->target = (char *) t;
                        return 1;
                }
                return 0;
        case AUDIT_EVENT_ENABLED:
                /* auditd sets the flag to the value it already has when it starts. */
                g->tampering = true;
                return e->enabled != e->enabled_old;
        case AUDIT_EVENT_DAEMON_END:
        case AUDIT_EVENT_DAEMON_ABORT:
                g->tampering = true;
                return 1;
        case AUDIT_EVENT_DAEMON_START:
                g->section = REPORT_SECTION_ROUTINE;
                return 1;
        default:
                return 0;
        }
}

static int spill_text(struct report_state *st, long id, const struct report_group *g, const struct report_event *x,
                      const struct audit_event *e) {
        if (id != 0 || st->o->json || g->section != REPORT_SECTION_ATTENTION)
                return 0;
        return x ? report_print_event(st->spill, false, x) : report_print_integrity(st->spill, false, e, g->tampering, 0);
}

static int handle_audit(struct report_state *st, const struct audit_event *e) {
        struct report_group g = {};
        long id;
        int r;

        r = judge_audit(st, e, &g);
        if (r <= 0)
                return r;
        id = group_account(st, &g, e);
        if (g.kind == REPORT_GROUP_SHADOW)
                free(g.rule_path);
        if (id < 0)
                return (int) id;
        r = spill_text(st, id, &g, NULL, e);
        if (r >= 0 && (st->o->json || st->o->verbose))
                r = report_print_integrity(st->integrity, st->o->json, e, g.tampering, (unsigned) id);
        return r;
}

static int handle_event(struct report_state *st, const struct audit_event *e) {
        struct shown_path p = {};
        struct report_group g = {};
        enum report_action action;
        enum report_actor actor;
        enum component c;
        bool by_key, change;
        long id;
        int r;

        if (e->kind != AUDIT_EVENT_SYSCALL)
                return handle_audit(st, e);
        by_key = streq_ptr(e->key, st->o->key);
        r = pick_path(st, e, &p);
        if (r < 0)
                return r;
        if (!by_key && !p.target) {
                /* Under another key, and on none of Docker's paths. */
                shown_path_done(&p);
                return 0;
        }
        action = report_classify(e->syscall, p.nametype, e->args);
        actor = report_actor_of(e->exe, st->o->self_exes, st->docker_exes);
        change = report_action_is_change(action);
        c = p.target ? p.target->comp : NO_COMP;
        st->res->n_events++;
        if (!by_key)
                st->res->n_by_path++;
        if (change && e->success != 0) {
                st->res->n_changes++;
                if (actor == ACTOR_OTHER)
                        st->changed_by_other = true;
        }

        proto_from_event(&g, e);
        g.by_path = !by_key;
        g.comp = c;
        g.path = p.path;
        g.renamed_to = action == REPORT_ACTION_RENAMED ? p.renamed_to : NULL;
        g.action = action;
        g.actor = actor;
        g.section = REPORT_SECTION_ROUTINE;
        switch (actor) {
        case ACTOR_DOCKER:
                g.kind = REPORT_GROUP_DOCKER;
                break;
        case ACTOR_PACKAGE_MANAGER:
                g.kind = REPORT_GROUP_PACKAGE;
                break;
        case ACTOR_SELF:
                g.kind = REPORT_GROUP_SELF;
                g.tampering = cmdline_removes(e->cmdline);
                if (g.tampering)
                        g.section = REPORT_SECTION_ATTENTION;
                break;
        default:
                g.kind = REPORT_GROUP_EVENT;
                g.section = change ? REPORT_SECTION_ATTENTION : REPORT_SECTION_OTHER;
                break;
        }
        /* A --remove run's reads are not tampering: its rule removals are. */
        g.tampering = false;
        id = group_account(st, &g, e);
        r = id < 0 ? (int) id : 0;
        {
                const struct report_event x = { .e = e, .group = id > 0 ? (unsigned) id : 0, .by_path = !by_key,
                                                .comp = c, .cis = c == NO_COMP ? NULL : st->cis[c],
                                                .path = p.path, .via = p.via, .renamed_to = p.renamed_to,
                                                .action = action,
                                                .change = change, .actor = actor };
                if (r >= 0)
                        r = spill_text(st, id, &g, &x, e);
                if (r >= 0 && (st->o->json || st->o->verbose))
                        r = report_print_event(st->events, st->o->json, &x);
        }
        if (r >= 0)
                r = account(st, e, c, change && e->success != 0);
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
        struct audit_filter f = { .key = st->o->key, .since = st->o->since, .until = st->o->until,
                                  .watches = st->watches, .n_watches = st->n_watches };
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

        if (!from)
                return 0;
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
        if (st->spill)
                fclose(st->spill);
        for (unsigned c = 0; c < _COMP_MAX; c++)
                free(st->cis[c]);
        hindex_done(&st->index);
        free(st->watches);
        strv_free(st->docker_exes);
        free(st->inodes);
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

/* What only the whole log says: whether a run of this tool without a command line only removed
 * rules (then it was a removal), and the tampering the exit status counts. */
static void finish_groups(struct report_result *res) {
        for (size_t i = 0; i < res->n_groups; i++) {
                struct report_group *g = &res->groups[i];
                if (g->kind == REPORT_GROUP_SELF) {
                        g->tampering = g->rules_removed > 0 &&
                                       (g->first.cmdline ? cmdline_removes(g->first.cmdline) : g->rules_added == 0);
                        /* A --remove that removed nothing (--dry-run, nothing loaded) is routine. */
                        g->section = g->tampering ? REPORT_SECTION_ATTENTION : REPORT_SECTION_ROUTINE;
                        if (g->tampering)
                                res->n_tampering += g->rules_removed;
                } else if (g->tampering)
                        res->n_tampering += g->count;
        }
}

static int watches_of(const struct discovery *d, struct audit_watch **ret, size_t *ret_n) {
        struct audit_watch *w;
        size_t n = 0;

        if (!d || d->n_targets == 0) {
                *ret = NULL, *ret_n = 0;
                return 0;
        }
        w = calloc(d->n_targets, sizeof(*w));
        if (!w)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_targets; i++)
                if (d->targets[i].path)
                        w[n++] = (struct audit_watch) { .path = d->targets[i].path, .recursive = d->targets[i].is_dir };
        *ret = w, *ret_n = n;
        return 0;
}

static int print_sections(struct report_state *st, FILE *out) {
        const struct report_options *o = st->o;
        const struct report_result *res = st->res;
        int r = 0;

        for (enum report_section s = 0; r >= 0 && s < _REPORT_SECTION_MAX; s++) {
                size_t n = 0;
                for (size_t i = 0; i < res->n_groups; i++)
                        n += res->groups[i].section == s;
                if (s == REPORT_SECTION_ATTENTION && st->spill && ftell(st->spill) > 0)
                        n++;
                if (!o->json && (n > 0 || s != REPORT_SECTION_OTHER))
                        r = report_print_section(out, o, s, n);
                for (size_t i = 0; r >= 0 && i < res->n_groups; i++) {
                        const struct report_group *g = &res->groups[i];
                        if (g->section == s)
                                r = report_print_group(out, o->json, g, g->comp == NO_COMP ? NULL : st->cis[g->comp]);
                }
                if (r >= 0 && s == REPORT_SECTION_ATTENTION && !o->json)
                        r = copy_out(st->spill, out);
        }
        if (r >= 0 && !o->json && res->groups_capped > 0 &&
            fprintf(out, "\n%zu events were not grouped: more than %d groups (those that need attention are listed "
                         "one by one above; -v and --format json list every event)\n",
                    res->groups_capped, REPORT_GROUPS_MAX) < 0)
                r = -EIO;
        return r;
}

/* The inode of each of d's files (no directory: a directory's events name their own files),
 * by lstat(2): one call per target, no link followed. */
static int target_inodes(const struct discovery *d, struct target_inode **ret, size_t *ret_n) {
        struct target_inode *l;
        size_t n = 0;

        *ret = NULL, *ret_n = 0;
        if (!d || d->n_targets == 0)
                return 0;
        l = calloc(d->n_targets, sizeof(*l));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_targets; i++) {
                const struct target *t = &d->targets[i];
                struct stat sb;

                if (!t->path || t->is_dir || lstat(t->path, &sb) < 0 || S_ISDIR(sb.st_mode))
                        continue;
                l[n++] = (struct target_inode) { .ino = (unsigned long) sb.st_ino, .t = t };
        }
        *ret = l, *ret_n = n;
        return 0;
}

int report_run(const struct report_options *o, const struct discovery *d, FILE *out,
               struct report_result *ret) {
        struct report_result res = {};
        struct report_state st = { .o = o, .d = d, .res = &res, .package = -1 };
        int r;

        for (unsigned c = 0; c < _COMP_MAX; c++)
                if (component_cis_ids(c, &st.cis[c]) < 0)
                        st.cis[c] = NULL;
        r = watches_of(d, &st.watches, &st.n_watches);
        if (r < 0)
                goto finish;
        r = report_docker_exes(d, &st.docker_exes);
        if (r < 0)
                goto finish;
        r = target_inodes(d, &st.inodes, &st.n_inodes);
        if (r < 0)
                goto finish;
        st.integrity = tmpfile();
        st.events = tmpfile();
        st.spill = tmpfile();
        if (!st.integrity || !st.events || !st.spill) {
                r = -errno;
                goto finish;
        }
        r = read_inputs(&st);
        if (r < 0)
                goto finish;
        finish_groups(&res);

        if (res.n_inputs_read == 0)
                res.status = REPORT_UNREADABLE;
        else if (res.n_tampering > 0)
                res.status = REPORT_TAMPERED;
        else if (st.changed_by_other)
                res.status = REPORT_CHANGES;
        else
                res.status = REPORT_CLEAN;

        r = report_print_header(out, o, false);
        if (r >= 0 && o->json) {
                r = copy_out(st.integrity, out);
                if (r >= 0)
                        r = copy_out(st.events, out);
                if (r >= 0)
                        r = print_sections(&st, out);
        } else if (r >= 0) {
                r = print_sections(&st, out);
                if (r >= 0 && o->verbose) {
                        r = report_print_header(out, o, true);
                        if (r >= 0 && ftell(st.integrity) > 0 &&
                            fputs("\nEvery change of the audit system, in log order:\n", out) < 0)
                                r = -EIO;
                        if (r >= 0)
                                r = copy_out(st.integrity, out);
                        if (r >= 0 && fprintf(out, "\nEvery event on Docker's paths, in log order:\n%-23s %-20s %-13s "
                                                   "%-10s %-6s %s\n", "TIME", "COMPONENT", "CIS", "ACTION", "RESULT",
                                              "PATH by WHO EXE \"COMMAND\" [FLAG] (KEY)") < 0)
                                r = -EIO;
                        if (r >= 0)
                                r = copy_out(st.events, out);
                }
        }
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

char **report_self_exes(void) {
        static const char *const installed[] = { SBINDIR "/docker-audit-rules", "/usr/sbin/docker-audit-rules", NULL };
        _cleanup_strv_free_ char **l = NULL;
        char buf[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

        for (const char *const *i = installed; *i; i++)
                if (!strv_contains(l, *i) && strv_extend(&l, *i) < 0)
                        return NULL;
        if (n > 0) {
                buf[n] = 0;
                if (!strv_contains(l, buf) && strv_extend(&l, buf) < 0)
                        return NULL;
        }
        return TAKE_PTR(l);
}

int run_report(const struct options *o) {
        _cleanup_strv_free_ char **self = report_self_exes();
        struct report_options ro = { .key = o->render.key, .json = o->format == FORMAT_JSON, .inputs = o->inputs,
                                     .auditd_conf = "/etc/audit/auditd.conf", .verbose = o->verbosity > 0,
                                     .self_exes = self };
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
        /* The report whole before what follows on standard error, when both go to one file. */
        fflush(stdout);
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
