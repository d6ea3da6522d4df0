/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --probe: one harmless action on a watched path, and the event it must make. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auditlog.h"
#include "auditmc.h"
#include "probe.h"
#include "string-table.h"
#include "util.h"

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
        [PROBE_CHMOD] = "chmod to its own mode",
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

/* The loaded watch of ours to act on: a regular file or directory (never a link or a socket),
 * read-open preferred to chmod, a plain path watch preferred to a tree. */
static const struct kernel_rule *pick(const struct plan *p, enum probe_action *ret_action) {
        const struct kernel_rule *best = NULL;
        int best_score = 0;

        for (size_t j = 0; j < p->kernel.n_rules; j++) {
                const struct kernel_rule *k = &p->kernel.rules[j];
                struct stat st;
                int score;

                if (!k->is_watch || !rule_has_key(&k->rule, p->key) || k->rule.exe || !first_on_path(p, k))
                        continue;
                if (lstat(k->rule.path, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
                        continue;
                score = k->rule.perms & PERM_READ ? 4 : k->rule.perms & PERM_ATTR ? 2 : 0;
                if (score == 0)
                        continue;
                score += k->rule.kind == WATCH_FILE && S_ISREG(st.st_mode);
                if (score > best_score) {
                        best = k;
                        best_score = score;
                        *ret_action = score >= 4 ? PROBE_READ : PROBE_CHMOD;
                }
        }
        return best;
}

/* The child: named PROBE_COMM, does the one action, exits. Only async-signal-safe calls. */
static _Noreturn void act(enum probe_action a, const char *path) {
        struct stat st;
        int fd;

        (void) prctl(PR_SET_NAME, PROBE_COMM, 0, 0, 0);
        if (a == PROBE_READ) {
                fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
                if (fd >= 0)
                        close(fd);
        } else if (lstat(path, &st) >= 0 && !S_ISLNK(st.st_mode))
                (void) fchmodat(AT_FDCWD, path, st.st_mode & 07777, 0);
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

int plan_probe(const struct plan *p, int timeout_ms, struct probe *ret) {
        struct probe pr = { .status = PROBE_ERROR, .log = PROBE_LOG_NOT_LOOKED };
        const struct kernel_rule *k;
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
        k = pick(p, &pr.action);
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
                act(pr.action, pr.path);
        r = auditmc_wait_syscall(mc, pid, p->key, timeout_ms, &ev);
        pr.latency = now_s() - t0;
        (void) waitpid(pid, NULL, 0);
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
