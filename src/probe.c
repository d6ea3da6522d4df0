/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --probe: one harmless action per permission class on a watched path of each kind, and the
 * events they must make with our key. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "auditlog.h"
#include "auditmc.h"
#include "probe.h"
#include "string-table.h"
#include "trust.h"
#include "util.h"

#ifdef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL_OR_0 MFD_NOEXEC_SEAL
#else
#define MFD_NOEXEC_SEAL_OR_0 0
#endif

/* statfs(2) f_type of FUSE (linux/magic.h FUSE_SUPER_MAGIC): a file system a user's process can
 * serve, where an open waits on that process. */
#define PROBE_FUSE_MAGIC 0x65735546

static const char *const probe_status_table[_PROBE_STATUS_MAX] = {
        [PROBE_SEEN] = "seen",
        [PROBE_OTHER_KEY] = "other-key",
        [PROBE_MISSED] = "missed",
        [PROBE_NOT_PROBED] = "not-probed",
        [PROBE_NO_TARGET] = "no-target",
        [PROBE_UNAVAILABLE] = "unavailable",
        [PROBE_ERROR] = "error",
};
DEFINE_STRING_TABLE_LOOKUP(probe_status, enum probe_status, probe_status_table, _PROBE_STATUS_MAX);

static const char *const probe_action_table[_PROBE_ACTION_MAX] = {
        [PROBE_READ] = "open for reading",
        [PROBE_WRITE] = "open for writing as a directory, refused",
        [PROBE_EXEC] = "execute with a bad argument vector, refused",
        [PROBE_ATTR] = "change no attribute (removexattr), refused",
};
DEFINE_STRING_TABLE_LOOKUP(probe_action, enum probe_action, probe_action_table, _PROBE_ACTION_MAX);

static const char *const probe_class_table[_PROBE_ACTION_MAX] = {
        [PROBE_READ] = "r",
        [PROBE_WRITE] = "w",
        [PROBE_EXEC] = "x",
        [PROBE_ATTR] = "a",
};
DEFINE_STRING_TABLE_LOOKUP(probe_class, enum probe_action, probe_class_table, _PROBE_ACTION_MAX);

static const char *const probe_kind_table[_PROBE_KIND_MAX] = {
        [PROBE_KIND_BINARY] = "binary",
        [PROBE_KIND_UNIT] = "unit file",
        [PROBE_KIND_CONFIG] = "configuration",
};
DEFINE_STRING_TABLE_LOOKUP(probe_kind, enum probe_kind, probe_kind_table, _PROBE_KIND_MAX);

static const char *const probe_skip_table[_PROBE_SKIP_MAX] = {
        [PROBE_SKIP_NONE] = "none",
        [PROBE_SKIP_NOT_ROOTS] = "not-roots",
        [PROBE_SKIP_NO_FILE] = "no-file",
        [PROBE_SKIP_EXE] = "exe-filter",
        [PROBE_SKIP_KERNEL] = "kernel",
};
DEFINE_STRING_TABLE_LOOKUP(probe_skip, enum probe_skip, probe_skip_table, _PROBE_SKIP_MAX);

/* The rule's PERM_* bit for each class. */
static const unsigned class_perm[_PROBE_ACTION_MAX] = {
        [PROBE_READ] = PERM_READ,
        [PROBE_WRITE] = PERM_WRITE,
        [PROBE_EXEC] = PERM_EXEC,
        [PROBE_ATTR] = PERM_ATTR,
};

unsigned probe_action_perm(enum probe_action a) {
        return (unsigned) a < _PROBE_ACTION_MAX ? class_perm[a] : 0;
}

/* The components of each kind, the most central first: the one probed is the first of these
 * with a usable watch. */
static const enum component kind_order[] = {
        COMP_DOCKERD, COMP_CONTAINERD, COMP_RUNC, COMP_SHIM_RUNC_V2, COMP_SHIM_RUNC_V1, COMP_CONTAINERD_SHIM,
        COMP_RUNTIME, COMP_DOCKER_INIT, COMP_DOCKER_PROXY, COMP_SUPERVISOR, COMP_PODMAN, COMP_DOCKER_CLIENT,
        COMP_DOCKER_SERVICE, COMP_DOCKER_SOCKET_UNIT, COMP_CONTAINERD_SERVICE, COMP_DROPIN, COMP_PODMAN_UNIT,
        COMP_OPENRC_INIT, COMP_INIT_SCRIPT,
        COMP_DAEMON_JSON, COMP_ETC_DOCKER, COMP_CONTAINERD_CONFIG, COMP_DEFAULT_DOCKER, COMP_SYSCONFIG_DOCKER,
        COMP_ENV_FILE, COMP_OPENRC_CONF, COMP_INIT_CONF, COMP_SUPERVISOR_CONF, COMP_TLS, COMP_AUTHZ_PLUGIN,
        COMP_PLUGIN_SPEC_DIR, COMP_SECCOMP_PROFILE, COMP_CDI_SPEC_DIR, COMP_NRI_DIR, COMP_REGISTRY_HOSTS,
        COMP_SUBID, COMP_TMPFILES,
};

int probe_component_kind(enum component c) {
        switch (c) {
        case COMP_DOCKERD: case COMP_CONTAINERD: case COMP_RUNC: case COMP_SHIM_RUNC_V2: case COMP_SHIM_RUNC_V1:
        case COMP_CONTAINERD_SHIM: case COMP_RUNTIME: case COMP_DOCKER_INIT: case COMP_DOCKER_PROXY:
        case COMP_SUPERVISOR: case COMP_PODMAN: case COMP_DOCKER_CLIENT:
                return PROBE_KIND_BINARY;
        case COMP_DOCKER_SERVICE: case COMP_DOCKER_SOCKET_UNIT: case COMP_CONTAINERD_SERVICE: case COMP_DROPIN:
        case COMP_PODMAN_UNIT: case COMP_OPENRC_INIT: case COMP_INIT_SCRIPT:
                return PROBE_KIND_UNIT;
        case COMP_DAEMON_JSON: case COMP_ETC_DOCKER: case COMP_CONTAINERD_CONFIG: case COMP_DEFAULT_DOCKER:
        case COMP_SYSCONFIG_DOCKER: case COMP_ENV_FILE: case COMP_OPENRC_CONF: case COMP_INIT_CONF:
        case COMP_SUPERVISOR_CONF: case COMP_TLS: case COMP_AUTHZ_PLUGIN: case COMP_PLUGIN_SPEC_DIR:
        case COMP_SECCOMP_PROFILE: case COMP_CDI_SPEC_DIR: case COMP_NRI_DIR: case COMP_REGISTRY_HOSTS:
        case COMP_SUBID: case COMP_TMPFILES:
                return PROBE_KIND_CONFIG;
        default:
                return -1;
        }
}

void probe_done(struct probe *pr) {
        for (size_t i = 0; i < pr->n_results; i++) {
                free(pr->results[i].path);
                free(pr->results[i].key);
        }
        free(pr->results);
        free(pr->log_file);
        *pr = (struct probe) {};
}

const struct probe_result *probe_first(const struct probe *pr) {
        for (size_t i = 0; i < pr->n_results; i++)
                if (pr->results[i].status != PROBE_NOT_PROBED)
                        return &pr->results[i];
        return NULL;
}

/* Does a watch of another key on the same path come before k in the kernel's list, taking the
 * class perm? Then every event of that class there carries its key: the rule set's check names
 * it, and another path is preferred. */
static bool taken_on_path(const struct plan *p, const struct kernel_rule *k, unsigned perm) {
        for (size_t j = 0; j < p->kernel.n_rules; j++) {
                const struct kernel_rule *o = &p->kernel.rules[j];
                if (o->is_watch && o->pos < k->pos && (o->rule.perms & perm) && !o->rule.exe &&
                    streq(o->rule.path, k->rule.path) && !rule_has_key(&o->rule, p->key))
                        return true;
        }
        return false;
}

/* A loaded watch of ours that could be probed, with what it resolves to now. */
struct candidate {
        const struct kernel_rule *k;
        enum probe_kind kind;
        unsigned rank;            /* place of its component in kind_order; after them all when no
                                   * target names the path */
        enum probe_skip skip;     /* PROBE_SKIP_NONE: usable */
        char *path;               /* usable: the resolved path the child opens */
        struct stat st;           /* usable: the inode the child must find */
        unsigned classes;         /* chosen: the PROBE_* bits to exercise on it */
        pid_t pid;
        double t0;
};

static void candidates_free(struct candidate *c, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(c[i].path);
        free(c);
}

/* The kind and rank of a watched path: from the targets that name it, else from what it is
 * (lstat(): no open, so no event here). -1 when it is none of the three. */
static int path_kind(const struct plan *p, const char *path, const struct stat *st, unsigned *ret_rank) {
        int best = -1;
        unsigned best_rank = UINT_MAX;

        for (size_t i = 0; i < p->disc.n_targets; i++) {
                const struct target *t = &p->disc.targets[i];
                int kind;

                if (!streq(t->path, path) || (kind = probe_component_kind(t->comp)) < 0)
                        continue;
                for (unsigned r = 0; r < ELEMENTSOF(kind_order); r++)
                        if (r < best_rank && kind_order[r] == t->comp) {
                                best_rank = r;
                                best = kind;
                        }
        }
        if (best < 0 && st) {
                /* A rule of ours that no target names (loaded by hand, or left from another
                 * run): after every named path. */
                const char *base = strrchr(path, '/');
                best_rank = ELEMENTSOF(kind_order);
                base = base ? base + 1 : path;
                if (S_ISREG(st->st_mode) && (endswith(base, ".service") || endswith(base, ".socket")))
                        best = PROBE_KIND_UNIT;
                else if (S_ISREG(st->st_mode) && (st->st_mode & 0111))
                        best = PROBE_KIND_BINARY;
                else
                        best = PROBE_KIND_CONFIG;
        }
        *ret_rank = best_rank;
        return best;
}

/* Every loaded watch of ours on a path of one of the three kinds, usable or with why not. A
 * usable one is a regular file or directory (never a link, socket, FIFO or device) that is root's
 * by the trust rule (trust.h), so that no user can change what the path leads to between this
 * choice and the child's action. -ENOMEM is the only error. */
static int candidates_build(const struct plan *p, char *const *paths, struct candidate **ret, size_t *ret_n) {
        struct candidate *c = NULL;
        size_t n = 0;

        for (size_t j = 0; j < p->kernel.n_rules; j++) {
                const struct kernel_rule *k = &p->kernel.rules[j];
                _cleanup_(resolved_done) struct resolved res = {};
                struct candidate x = { .k = k, .skip = PROBE_SKIP_NONE };
                struct stat st;
                bool have_st = false;
                int kind, r;

                if (!k->is_watch || !rule_has_key(&k->rule, p->key) || !(k->rule.perms & PERM_ALL) ||
                    (paths && !strv_contains(paths, k->rule.path)))
                        continue;
                /* The kernel watches the last component itself, a link included: not followed. */
                r = root_resolve(&p->root, k->rule.path, true, &res);
                if (r == -ENOMEM) {
                        candidates_free(c, n);
                        return r;
                }
                if (r >= 0 && res.state == PATH_EXISTS && lstat(res.path, &st) >= 0)
                        have_st = true;
                kind = path_kind(p, k->rule.path, have_st ? &st : NULL, &x.rank);
                if (kind < 0)
                        continue;
                x.kind = (enum probe_kind) kind;
                if (k->rule.exe)
                        x.skip = PROBE_SKIP_EXE;
                else if (r < 0 || !have_st || !(S_ISREG(res.mode) || S_ISDIR(res.mode)) ||
                         (st.st_mode & S_IFMT) != (res.mode & S_IFMT))
                        x.skip = PROBE_SKIP_NO_FILE;
                else if (!trust_roots(&res) || st.st_uid != 0)
                        x.skip = PROBE_SKIP_NOT_ROOTS;
                else {
                        x.path = TAKE_PTR(res.path);
                        x.st = st;
                }
                {
                        struct candidate *a = reallocarray(c, n + 1, sizeof(*c));
                        if (!a) {
                                free(x.path);
                                candidates_free(c, n);
                                return -ENOMEM;
                        }
                        c = a;
                        c[n++] = x;
                }
        }
        *ret = c;
        *ret_n = n;
        return 0;
}

/* Is a better than b for class perm: usable first, then a path no other key takes first, then
 * the more central component, then the earlier rule. */
static bool better(const struct plan *p, const struct candidate *a, const struct candidate *b, unsigned perm) {
        bool ta, tb;

        if ((a->skip == PROBE_SKIP_NONE) != (b->skip == PROBE_SKIP_NONE))
                return a->skip == PROBE_SKIP_NONE;
        ta = taken_on_path(p, a->k, perm);
        tb = taken_on_path(p, b->k, perm);
        if (ta != tb)
                return !ta;
        if (a->rank != b->rank)
                return a->rank < b->rank;
        return a->k->pos < b->k->pos;
}

static int add_result(struct probe *pr, const struct probe_result *x) {
        struct probe_result *a = reallocarray(pr->results, pr->n_results + 1, sizeof(*a));

        if (!a)
                return -ENOMEM;
        pr->results = a;
        a[pr->n_results] = *x;
        if (x->path && !(a[pr->n_results].path = strdup(x->path)))
                return -ENOMEM;
        pr->n_results++;
        return 0;
}

/* Whether execveat(2) opens the file before it reads the argument vector: since Linux 6.8
 * ("execve: open the executable file before doing anything else", fs/exec.c alloc_bprm()), the
 * execute probe's refused call (argv at address 1) is recorded; before, it fails with EFAULT
 * before any lookup, records nothing, and no other refused form exists (a valid argv runs the
 * program). Asked of the kernel's behaviour, not its version (a distribution may carry the change
 * back): the same call on a memfd without an execute bit fails with EACCES where the file is
 * opened first, and with EFAULT where the argument vector is read first. The memfd is no path
 * on any file system, so no watch records it; a rule on every execveat(2) may. Any other answer
 * (memfd_create(2) refused, say) counts as the old order: the class is then not probed. */
static bool kernel_records_refused_exec(void) {
        int fd, r, e;

        /* MFD_NOEXEC_SEAL where known (Linux 6.3, vm.memfd_noexec may demand it), else plain. */
        fd = memfd_create("docker-audit-rules-exec-order", MFD_CLOEXEC | MFD_NOEXEC_SEAL_OR_0);
        if (fd < 0 && errno == EINVAL)
                fd = memfd_create("docker-audit-rules-exec-order", MFD_CLOEXEC);
        if (fd < 0)
                return false;
        if (fchmod(fd, 0600) < 0 && errno != EPERM) {
                close(fd);
                return false;
        }
        r = (int) syscall(SYS_execveat, fd, "", (char *const *) 1, (char *const *) 1, AT_EMPTY_PATH);
        e = errno;
        close(fd);
        return r < 0 && e == EACCES;
}

/* For each kind and class, the candidate chosen (its classes bit set) and a result for it, or
 * a NOT_PROBED result when every watch claiming the class is unusable. ret_of[i] is the
 * candidate index of result i (SIZE_MAX for NOT_PROBED). */
static int choose(const struct plan *p, struct candidate *c, size_t n, struct probe *pr, size_t **ret_of) {
        _cleanup_free_ size_t *of = NULL;
        bool exec_ok = kernel_records_refused_exec();

        for (unsigned kind = 0; kind < _PROBE_KIND_MAX; kind++)
                for (unsigned a = 0; a < _PROBE_ACTION_MAX; a++) {
                        struct candidate *best = NULL;
                        struct probe_result x = { .action = a, .kind = kind, .log = PROBE_LOG_NOT_LOOKED };
                        size_t *o;

                        for (size_t i = 0; i < n; i++)
                                if (c[i].kind == kind && (c[i].k->rule.perms & class_perm[a]) &&
                                    (!best || better(p, &c[i], best, class_perm[a])))
                                        best = &c[i];
                        if (!best)
                                continue; /* not claimed by our rules on this kind of path */
                        x.path = best->k->rule.path;
                        if (best->skip == PROBE_SKIP_NONE && !(a == PROBE_EXEC && !exec_ok)) {
                                x.status = PROBE_MISSED; /* until its event comes */
                                best->classes |= 1u << a;
                        } else {
                                x.status = PROBE_NOT_PROBED;
                                x.skip = best->skip != PROBE_SKIP_NONE ? best->skip : PROBE_SKIP_KERNEL;
                        }
                        if (add_result(pr, &x) < 0)
                                return -ENOMEM;
                        o = reallocarray(of, pr->n_results, sizeof(*o));
                        if (!o)
                                return -ENOMEM;
                        of = o;
                        of[pr->n_results - 1] = x.status != PROBE_NOT_PROBED ? (size_t) (best - c) : SIZE_MAX;
                }
        *ret_of = TAKE_PTR(of);
        return 0;
}

/* "/proc/self/fd/N" into buf (at least 32 bytes), without stdio: the child calls it. */
static void fd_path(int fd, char *buf) {
        static const char prefix[] = "/proc/self/fd/";
        char digits[12];
        size_t n = 0, i;

        do {
                digits[n++] = (char) ('0' + fd % 10);
                fd /= 10;
        } while (fd > 0 && n < sizeof(digits));
        memcpy(buf, prefix, sizeof(prefix) - 1);
        for (i = 0; i < n; i++)
                buf[sizeof(prefix) - 1 + i] = digits[n - 1 - i];
        buf[sizeof(prefix) - 1 + n] = 0;
}

/* The child: named PROBE_COMM, does one action per class in classes (bits of enum
 * probe_action) on the inode the parent chose, exits. It acts through a descriptor: the path is
 * opened with O_PATH|O_NOFOLLOW (which opens nothing: no driver's open, no FIFO wait), and the
 * actions go ahead only when that descriptor is the parent's inode (device, inode number, type)
 * on a file system no user serves. Then, on that inode through /proc/self/fd (proc(5)) or the
 * descriptor itself (probe.h says why each is harmless and recorded):
 *  - r: reopened for reading, and closed;
 *  - w: opened with O_WRONLY|O_DIRECTORY: refused (ENOTDIR, EISDIR) after the kernel recorded it;
 *  - a: removexattr(2) of "dar-probe.none", refused with EOPNOTSUPP (xattr(7): no handler for
 *    the namespace). Not fchown(fd, -1, -1): the kernel's chown_common() (fs/open.c) asks to
 *    kill set-user-ID and privileges on every non-directory, and on 6.18 that "no-op" cleared
 *    set-user-ID, set-group-ID and file capabilities; nor a chmod, which follows a name;
 *  - x: execveat(2) of the descriptor (AT_EMPTY_PATH) with argv and envp at address 1, which
 *    no process can map (mmap_min_addr): fs/exec.c opens the file, then count() fails with
 *    EFAULT before anything of the program is loaded. Last, so that nothing follows it.
 * Only async-signal-safe calls. Exit status 0 when it acted, 1 when the inode was not found, 2
 * when it was another. */
static _Noreturn void act(unsigned classes, const char *path, const struct stat *want) {
        struct stat st;
        struct statfs sf;
        char fdpath[32];
        int fd, rfd;

        (void) prctl(PR_SET_NAME, PROBE_COMM, 0, 0, 0);
        fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                _exit(1);
        if (fstat(fd, &st) < 0 || st.st_dev != want->st_dev || st.st_ino != want->st_ino ||
            (st.st_mode & S_IFMT) != (want->st_mode & S_IFMT) || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
                _exit(2);
        if (fstatfs(fd, &sf) < 0 || sf.f_type == PROBE_FUSE_MAGIC)
                _exit(2);
        fd_path(fd, fdpath);
        if (classes & (1u << PROBE_READ)) {
                rfd = open(fdpath, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
                if (rfd >= 0)
                        (void) close(rfd);
        }
        if (classes & (1u << PROBE_WRITE)) {
                rfd = open(fdpath, O_WRONLY | O_DIRECTORY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
                if (rfd >= 0)
                        (void) close(rfd); /* never: no directory opens for writing */
        }
        if (classes & (1u << PROBE_ATTR))
                (void) removexattr(fdpath, "dar-probe.none");
        if (classes & (1u << PROBE_EXEC))
                (void) syscall(SYS_execveat, fd, "", (char *const *) 1, (char *const *) 1, AT_EMPTY_PATH);
        _exit(0);
}

/* Which class's action a record of the child is, -1 for none (the O_PATH open is recorded as a
 * read where r is watched: told apart by its flags). */
static int record_action(const struct auditmc_event *e) {
        if (e->syscall == SYS_openat && !(e->args[2] & O_PATH)) {
                if ((e->args[2] & O_ACCMODE) == O_RDONLY)
                        return PROBE_READ;
                if ((e->args[2] & O_ACCMODE) == O_WRONLY && (e->args[2] & O_DIRECTORY))
                        return PROBE_WRITE;
                return -1;
        }
        if (e->syscall == SYS_execveat)
                return PROBE_EXEC;
        if (e->syscall == SYS_removexattr)
                return PROBE_ATTR;
        return -1;
}

static double now_s(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}
/* auditd's configuration: -c DIR on its command line, else the default. */
static char *auditd_conf(pid_t pid) {
        _cleanup_free_ char *path = NULL, *buf = NULL;
        size_t len = 0;
        char *r;

        if (asprintf(&path, "/proc/%d/cmdline", (int) pid) < 0)
                return NULL;
        if (read_file_bounded(AT_FDCWD, path, 0, &buf, &len) >= 0)
                for (const char *a = buf; a < buf + len; a += strlen(a) + 1)
                        if (streq(a, "-c") && a + 3 < buf + len)
                                return path_join(a + 3, "auditd.conf");
        r = strdup("/etc/audit/auditd.conf");
        return r;
}
/* The log file auditd writes now (the last of audit_default_logs()), and its size. */
static void log_before(const struct plan *p, struct probe *pr, off_t *ret_size) {
        _cleanup_free_ char *conf = NULL;
        _cleanup_strv_free_ char **logs = NULL;
        struct stat st;

        *ret_size = 0;
        if (p->kernel.st.pid <= 0)
                return;
        conf = auditd_conf(p->kernel.st.pid);
        if (!conf || audit_default_logs(conf, &logs) < 0 || !logs || !logs[0])
                return;
        pr->log_file = strdup(logs[strv_length(logs) - 1]);
        if (pr->log_file && stat(pr->log_file, &st) >= 0)
                *ret_size = st.st_size;
}

/* Look for the serials of the SEEN results in the log, from offset on, for up to a second. */
static void find_in_log(struct probe *pr, const char *key, off_t offset) {
        size_t want = 0;

        for (size_t i = 0; i < pr->n_results; i++)
                if (pr->results[i].status == PROBE_SEEN) {
                        pr->results[i].log = PROBE_LOG_NOT_FOUND;
                        want++;
                }
        for (int tries = 0; tries < 10 && want > 0; tries++) {
                _cleanup_fclose_ FILE *f = fopen(pr->log_file, "re");
                struct audit_filter flt = { .key = key };
                struct audit_reader *rd = NULL;
                struct audit_event e;

                if (!f || fseeko(f, offset, SEEK_SET) < 0 || audit_reader_open_stream(f, &flt, &rd) < 0) {
                        for (size_t i = 0; i < pr->n_results; i++)
                                if (pr->results[i].status == PROBE_SEEN)
                                        pr->results[i].log = PROBE_LOG_UNREADABLE;
                        return;
                }
                while (want > 0 && audit_reader_next(rd, &e) > 0) {
                        for (size_t i = 0; i < pr->n_results; i++)
                                if (pr->results[i].status == PROBE_SEEN && pr->results[i].log == PROBE_LOG_NOT_FOUND &&
                                    pr->results[i].serial == e.serial) {
                                        pr->results[i].log = PROBE_LOG_FOUND;
                                        want--;
                                }
                        audit_event_done(&e);
                }
                audit_reader_free(rd);
                if (want > 0)
                        usleep(100 * 1000);
        }
}

/* The overall status: the worst result exercised, NO_TARGET when none was. */
static enum probe_status overall(const struct probe *pr) {
        enum probe_status s = PROBE_NO_TARGET;

        for (size_t i = 0; i < pr->n_results; i++)
                switch (pr->results[i].status) {
                case PROBE_MISSED:
                        return PROBE_MISSED;
                case PROBE_OTHER_KEY:
                        s = PROBE_OTHER_KEY;
                        break;
                case PROBE_SEEN:
                        if (s == PROBE_NO_TARGET)
                                s = PROBE_SEEN;
                        break;
                default:
                        break;
                }
        return s;
}

/* Start the children and collect their events until each result has one or time is up. */
static int run_children(const struct plan *p, struct auditmc *mc, struct candidate *c, size_t n,
                        const size_t *of, struct probe *pr, int timeout_ms) {
        pid_t pids[_PROBE_KIND_MAX * _PROBE_ACTION_MAX];
        size_t n_pids = 0, left = 0;
        double deadline;
        int r = 0;

        for (size_t i = 0; i < n; i++) {
                if (!c[i].classes)
                        continue;
                c[i].t0 = now_s();
                c[i].pid = fork();
                if (c[i].pid < 0) {
                        r = -errno;
                        break;
                }
                if (c[i].pid == 0)
                        act(c[i].classes, c[i].path, &c[i].st);
                pids[n_pids++] = c[i].pid;
        }
        for (size_t i = 0; i < pr->n_results; i++)
                left += of[i] != SIZE_MAX && c[of[i]].pid > 0;
        deadline = now_s() + timeout_ms / 1000.0;
        while (r >= 0 && left > 0) {
                struct auditmc_event ev;
                double t = now_s();
                int k, a;

                if (t >= deadline)
                        break;
                k = auditmc_next_syscall(mc, pids, n_pids, p->key, (int) ((deadline - t) * 1000) + 1, &ev);
                if (k == -ETIMEDOUT)
                        break;
                if (k < 0) {
                        r = k;
                        break;
                }
                a = record_action(&ev);
                if (a < 0)
                        continue;
                for (size_t i = 0; i < pr->n_results; i++) {
                        struct probe_result *x = &pr->results[i];
                        if (of[i] == SIZE_MAX || c[of[i]].pid != (pid_t) ev.pid || x->action != (enum probe_action) a ||
                            x->status != PROBE_MISSED || x->serial)
                                continue;
                        x->serial = ev.serial;
                        x->latency = now_s() - c[of[i]].t0;
                        x->status = ev.key_matched ? PROBE_SEEN : PROBE_OTHER_KEY;
                        if (!ev.key_matched && !(x->key = strdup(ev.key)))
                                r = -ENOMEM;
                        left--;
                        break;
                }
        }
        /* A child still there after the wait is stuck (an open that waits on a file system's
         * server): it does not hold the check up. */
        for (size_t i = 0; i < n_pids; i++) {
                if (waitpid(pids[i], NULL, WNOHANG) == 0) {
                        (void) kill(pids[i], SIGKILL);
                        (void) waitpid(pids[i], NULL, 0);
                }
        }
        return r;
}

int probe_run(const struct plan *p, char *const *paths, int timeout_ms, struct probe *ret) {
        struct probe pr = { .status = PROBE_ERROR };
        struct candidate *c = NULL;
        _cleanup_free_ size_t *of = NULL;
        struct auditmc *mc = NULL;
        struct audit_state st = {};
        off_t log_size = 0;
        size_t n = 0;
        int r;

        pr.lost_before = pr.lost_after = p->kernel.st.lost;
        pr.backlog = p->kernel.st.backlog;
        pr.backlog_limit = p->kernel.st.backlog_limit;
        if (p->root.live) { /* paths inside another root are not the kernel's */
                r = candidates_build(p, paths, &c, &n);
                if (r < 0)
                        return r;
                r = choose(p, c, n, &pr, &of);
                if (r < 0)
                        goto fail;
        }
        pr.status = overall(&pr);
        if (pr.status == PROBE_NO_TARGET)
                goto done;
        r = auditmc_open(&mc);
        if (r < 0) {
                if (r == -ENOMEM)
                        goto fail;
                pr.status = PROBE_UNAVAILABLE;
                pr.error = r;
                goto done;
        }
        log_before(p, &pr, &log_size);
        r = run_children(p, mc, c, n, of, &pr, timeout_ms);
        auditmc_close(mc);
        if (r == -ENOMEM)
                goto fail;
        if (r < 0) {
                pr.status = PROBE_ERROR;
                pr.error = r;
                goto done;
        }
        if (p->kernel.conn && audit_conn_status(p->kernel.conn, &st) >= 0) {
                pr.lost_after = st.lost;
                pr.backlog = st.backlog;
        }
        pr.status = overall(&pr);
        if (pr.log_file)
                find_in_log(&pr, p->key, log_size);
done:
        candidates_free(c, n);
        *ret = pr;
        return 0;
fail:
        candidates_free(c, n);
        probe_done(&pr);
        return -ENOMEM;
}
