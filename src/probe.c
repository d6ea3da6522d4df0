/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --probe: one harmless action on a watched path, and the event it must make. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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

/* statfs(2) f_type of FUSE (linux/magic.h FUSE_SUPER_MAGIC): a file system a user's process can
 * serve, where an open waits on that process. */
#define PROBE_FUSE_MAGIC 0x65735546

static const char *const probe_status_table[_PROBE_STATUS_MAX] = {
        [PROBE_SEEN] = "seen",
        [PROBE_OTHER_KEY] = "other-key",
        [PROBE_MISSED] = "missed",
        [PROBE_NO_TARGET] = "no-target",
        [PROBE_UNAVAILABLE] = "unavailable",
        [PROBE_ERROR] = "error",
};
DEFINE_STRING_TABLE_LOOKUP(probe_status, enum probe_status, probe_status_table, _PROBE_STATUS_MAX);

static const char *const probe_action_table[_PROBE_ACTION_MAX] = {
        [PROBE_READ] = "open for reading",
        [PROBE_ATTR] = "change no attribute (removexattr)",
};
DEFINE_STRING_TABLE_LOOKUP(probe_action, enum probe_action, probe_action_table, _PROBE_ACTION_MAX);

void probe_done(struct probe *pr) {
        free(pr->path);
        free(pr->key);
        free(pr->log_file);
        *pr = (struct probe) {};
}

/* Is k the first rule the kernel matches on its path (no watch of another key before it)? */
static bool first_on_path(const struct plan *p, const struct kernel_rule *k) {
        for (size_t j = 0; j < p->kernel.n_rules; j++) {
                const struct kernel_rule *o = &p->kernel.rules[j];
                if (o->is_watch && o->pos < k->pos && streq(o->rule.path, k->rule.path) &&
                    !rule_has_key(&o->rule, p->key))
                        return false;
        }
        return true;
}

/* The loaded watch of ours to act on, with what it resolves to now (*ret_path, the inode in
 * *ret_st): a regular file or directory (never a link, socket, FIFO or device) that is root's by
 * the trust rule (trust.h), so that no user can change what the path leads to between this
 * choice and the child's action; read-open preferred to the attribute no-op, a plain path watch
 * preferred to a tree. NULL when none. -ENOMEM is the only error. */
static int pick(const struct plan *p, const struct kernel_rule **ret_rule, enum probe_action *ret_action,
                char **ret_path, struct stat *ret_st) {
        const struct kernel_rule *best = NULL;
        _cleanup_free_ char *best_path = NULL;
        enum probe_action best_action = PROBE_READ;
        struct stat best_st = {};
        int best_score = 0;

        *ret_rule = NULL;
        if (!p->root.live)
                return 0; /* paths inside another root are not the kernel's */
        for (size_t j = 0; j < p->kernel.n_rules; j++) {
                const struct kernel_rule *k = &p->kernel.rules[j];
                _cleanup_(resolved_done) struct resolved res = {};
                struct stat st;
                int score, r;

                if (!k->is_watch || !rule_has_key(&k->rule, p->key) || k->rule.exe || !first_on_path(p, k))
                        continue;
                score = k->rule.perms & PERM_READ ? 4 : k->rule.perms & PERM_ATTR ? 2 : 0;
                if (score == 0)
                        continue;
                /* The kernel watches the last component itself, a link included: not followed. */
                r = root_resolve(&p->root, k->rule.path, true, &res);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 || !trust_roots(&res) || !(S_ISREG(res.mode) || S_ISDIR(res.mode)))
                        continue;
                /* The inode the child must find (lstat: no open, so no event of ours here). */
                if (lstat(res.path, &st) < 0 || (st.st_mode & S_IFMT) != (res.mode & S_IFMT) || st.st_uid != 0)
                        continue;
                score += k->rule.kind == WATCH_FILE && S_ISREG(st.st_mode);
                if (score > best_score) {
                        free(best_path);
                        best_path = TAKE_PTR(res.path);
                        best = k;
                        best_st = st;
                        best_score = score;
                        best_action = score >= 4 ? PROBE_READ : PROBE_ATTR;
                }
        }
        if (best) {
                *ret_action = best_action;
                *ret_path = TAKE_PTR(best_path);
                *ret_st = best_st;
        }
        *ret_rule = best;
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

/* The child: named PROBE_COMM, does the one action on the inode the parent chose, exits. It acts
 * through a descriptor: the path is opened with O_PATH|O_NOFOLLOW (which opens nothing: no
 * driver's open, no FIFO wait), and the action goes ahead only when that descriptor is the
 * parent's inode (device, inode number, type) on a file system no user serves. Then:
 *  - read: the same inode reopened for reading through /proc/self/fd (proc(5)), a regular file
 *    or a directory only;
 *  - attribute: removexattr(2) of a name in a namespace no file system has ("dar-probe."),
 *    through the same magic link: the kernel resolves the inode, records it (audit's attribute
 *    class, the kernel's include/asm-generic/audit_change_attr.h, holds removexattr with chmod
 *    and chown) and fails with EOPNOTSUPP (xattr(7): no handler for the namespace), having
 *    changed nothing. Not fchown(fd, -1, -1): the kernel's chown_common() (fs/open.c) asks to
 *    kill set-user-ID and privileges on every non-directory, and on 6.18 that "no-op" cleared
 *    set-user-ID, set-group-ID and file capabilities; nor a chmod, which follows a name.
 * Only async-signal-safe calls. Exit status 0 when it acted, 1 when the inode was not found, 2
 * when it was another. */
static _Noreturn void act(enum probe_action a, const char *path, const struct stat *want) {
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
        if (a == PROBE_READ) {
                rfd = open(fdpath, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
                if (rfd >= 0)
                        (void) close(rfd);
        } else
                (void) removexattr(fdpath, "dar-probe.none");
        _exit(0);
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

/* Look for the event's serial in the log, from offset on, for up to a second. */
static void find_in_log(struct probe *pr, const char *key, off_t offset) {
        for (int tries = 0; tries < 10; tries++) {
                _cleanup_fclose_ FILE *f = fopen(pr->log_file, "re");
                struct audit_filter flt = { .key = key };
                struct audit_reader *rd = NULL;
                struct audit_event e;

                if (!f || fseeko(f, offset, SEEK_SET) < 0 || audit_reader_open_stream(f, &flt, &rd) < 0) {
                        pr->log = PROBE_LOG_UNREADABLE;
                        return;
                }
                while (audit_reader_next(rd, &e) > 0) {
                        bool found = e.serial == pr->serial;
                        audit_event_done(&e);
                        if (found) {
                                audit_reader_free(rd);
                                pr->log = PROBE_LOG_FOUND;
                                return;
                        }
                }
                audit_reader_free(rd);
                usleep(100 * 1000);
        }
        pr->log = PROBE_LOG_NOT_FOUND;
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

int probe_run(const struct plan *p, int timeout_ms, struct probe *ret) {
        struct probe pr = { .status = PROBE_ERROR, .log = PROBE_LOG_NOT_LOOKED };
        const struct kernel_rule *k = NULL;
        _cleanup_free_ char *act_path = NULL;
        struct stat act_st = {};
        struct auditmc *mc = NULL;
        struct auditmc_event ev = {};
        struct audit_state st = {};
        off_t log_size = 0;
        double t0;
        pid_t pid;
        int r;

        pr.lost_before = pr.lost_after = p->kernel.st.lost;
        pr.backlog = p->kernel.st.backlog;
        pr.backlog_limit = p->kernel.st.backlog_limit;
        r = pick(p, &k, &pr.action, &act_path, &act_st);
        if (r < 0)
                return r;
        if (!k) {
                pr.status = PROBE_NO_TARGET;
                *ret = pr;
                return 0;
        }
        pr.path = strdup(k->rule.path);
        if (!pr.path)
                return -ENOMEM;
        r = auditmc_open(&mc);
        if (r < 0) {
                pr.status = r == -ENOMEM ? PROBE_ERROR : PROBE_UNAVAILABLE;
                pr.error = r;
                *ret = pr;
                return 0;
        }
        log_before(p, &pr, &log_size);

        t0 = now_s();
        pid = fork();
        if (pid < 0) {
                pr.error = -errno;
                auditmc_close(mc);
                *ret = pr;
                return 0;
        }
        if (pid == 0)
                act(pr.action, act_path, &act_st);
        r = auditmc_wait_syscall(mc, pid, p->key, timeout_ms, &ev);
        pr.latency = now_s() - t0;
        /* A child still there after the wait is stuck (an open that waits on a file system's
         * server): it does not hold the check up. */
        if (waitpid(pid, NULL, WNOHANG) == 0) {
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
        }
        auditmc_close(mc);

        if (p->kernel.conn && audit_conn_status(p->kernel.conn, &st) >= 0) {
                pr.lost_after = st.lost;
                pr.backlog = st.backlog;
        }
        if (r == -ETIMEDOUT)
                pr.status = PROBE_MISSED;
        else if (r < 0)
                pr.error = r;
        else {
                pr.serial = ev.serial;
                pr.status = ev.key_matched ? PROBE_SEEN : PROBE_OTHER_KEY;
                if (!ev.key_matched && !(pr.key = strdup(ev.key))) {
                        probe_done(&pr);
                        return -ENOMEM;
                }
                if (ev.key_matched && pr.log_file)
                        find_in_log(&pr, p->key, log_size);
        }
        *ret = pr;
        return 0;
}
