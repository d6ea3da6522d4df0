/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "proc.h"
#include "util.h"

#define EXE_MAX (PATH_MAX * 4)
#define DELETED_SUFFIX " (deleted)"

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

void proc_daemons_free(struct proc_daemon *d, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(d[i].exe);
                strv_free(d[i].argv);
        }
        free(d);
}

/* The process went away (or the fake tree entry is not a process): skip it quietly. */
static bool errno_vanished(int err) {
        return err == ENOENT || err == ESRCH || err == ENOTDIR || err == ELOOP;
}

static bool parse_pid(const char *s, pid_t *ret) {
        unsigned long v = 0;

        if (!*s || *s == '0')
                return false;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return false;
                v = v * 10 + (unsigned long) (*p - '0');
                if (v > INT_MAX)
                        return false;
        }
        *ret = (pid_t) v;
        return true;
}

/* NUL-separated arguments, at most PROC_CMDLINE_MAX bytes. *ret is NULL for an empty cmdline. */
static int read_cmdline(int pid_fd, char ***ret) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0;
        bool truncated;
        struct stat st;
        int r;

        fd = openat(pid_fd, "cmdline", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;

        r = read_fd_upto(fd, 0, PROC_CMDLINE_MAX, &buf, &n);
        if (r < 0)
                return r;
        truncated = r > 0;

        for (size_t i = 0; i < n;) {
                const char *e = memchr(buf + i, 0, n - i);
                size_t len = e ? (size_t) (e - (buf + i)) : n - i;

                /* An unterminated last piece is incomplete when we stopped reading early. */
                if (!e && truncated)
                        break;
                r = strv_push(&l, strndup(buf + i, len));
                if (r < 0)
                        return r;
                i += len + 1;
        }

        *ret = TAKE_PTR(l);
        return 0;
}

static int read_exe(int pid_fd, char **ret) {
        for (size_t sz = 256;; sz *= 2) {
                _cleanup_free_ char *buf = malloc(sz);
                ssize_t k;

                if (!buf)
                        return -ENOMEM;
                k = readlinkat(pid_fd, "exe", buf, sz);
                if (k < 0)
                        return -errno;
                if ((size_t) k < sz) {
                        size_t m = strlen(DELETED_SUFFIX);

                        buf[k] = 0;
                        if ((size_t) k > m && streq(buf + k - m, DELETED_SUFFIX))
                                buf[k - m] = 0;
                        *ret = TAKE_PTR(buf);
                        return 0;
                }
                if (sz >= EXE_MAX)
                        return -ENAMETOOLONG;
        }
}

/* The Uid: line of PID/status: *ret_uid the real uid, *ret_root whether all four are 0. A missing
 * file (a fake tree), anything but a small regular file there, or no well-formed Uid: line gives
 * PROC_UID_UNKNOWN and false. -errno when it cannot be read (gone: -ESRCH). */
static int read_uids(int pid_fd, uid_t *ret_uid, bool *ret_root) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r;

        r = read_file_bounded(pid_fd, "status", O_NOFOLLOW, &buf, &len);
        if (r == -ENOENT || r == -EBADFD || r == -EISDIR || r == -EFBIG) {
                *ret_uid = PROC_UID_UNKNOWN;
                *ret_root = false;
                return 0;
        }
        if (r < 0)
                return r;
        for (char *line = buf, *next; line && *line; line = next) {
                unsigned long u[4];
                char end;

                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (!startswith(line, "Uid:"))
                        continue;
                if (sscanf(line + 4, "%lu %lu %lu %lu %c", &u[0], &u[1], &u[2], &u[3], &end) != 4 ||
                    u[0] >= PROC_UID_UNKNOWN)
                        break;
                *ret_uid = (uid_t) u[0];
                *ret_root = !u[0] && !u[1] && !u[2] && !u[3];
                return 0;
        }
        *ret_uid = PROC_UID_UNKNOWN;
        *ret_root = false;
        return 0;
}

static bool name_matches(const char *path, const char *const *names) {
        const char *b;

        if (!path)
                return false;
        b = path_basename(path);
        for (const char *const *n = names; *n; n++)
                if (streq(b, *n))
                        return true;
        return false;
}

/* 1 and *ret filled when the process matches, 0 when it does not or is gone, else -errno. */
static int scan_one(int proc_fd, const char *entry, pid_t pid, const char *const *names, struct proc_daemon *ret) {
        _cleanup_close_ int pid_fd = -1;
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *exe = NULL;
        uid_t uid;
        bool root;
        int r;

        /* One fd for the PID directory: if the PID is reused mid-scan, reads fail with ESRCH
         * instead of mixing two processes. */
        pid_fd = openat(proc_fd, entry, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (pid_fd < 0)
                return errno_vanished(errno) || errno == EACCES ? 0 : -errno;

        r = read_cmdline(pid_fd, &argv);
        if (r < 0)
                return errno_vanished(-r) || r == -EACCES || r == -EPERM || r == -EBADFD ? 0 : r;
        if (!argv)
                return 0; /* kernel thread or zombie */

        r = read_exe(pid_fd, &exe);
        if (r < 0) {
                if (errno_vanished(-r))
                        return 0;
                if (r != -EACCES && r != -EPERM)
                        return r;
        }

        if (!name_matches(exe, names) && !name_matches(argv[0], names))
                return 0;

        r = read_uids(pid_fd, &uid, &root);
        if (r < 0)
                return errno_vanished(-r) || r == -EACCES || r == -EPERM ? 0 : r;

        *ret = (struct proc_daemon) {
                .pid = pid,
                .uid = uid,
                .root = root,
                .exe = TAKE_PTR(exe),
                .argv = TAKE_PTR(argv),
        };
        return 1;
}

static int cmp_pid(const void *a, const void *b) {
        pid_t x = ((const struct proc_daemon *) a)->pid, y = ((const struct proc_daemon *) b)->pid;

        return x < y ? -1 : x > y;
}

int proc_scan(const char *proc_dir, const char *const *names, struct proc_daemon **ret, size_t *ret_n) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct proc_daemon *list = NULL;
        size_t n = 0;
        int r;

        if (!proc_dir || !ret || !ret_n)
                return -EINVAL;

        d = opendir(proc_dir);
        if (!d)
                return -errno;

        for (;;) {
                struct proc_daemon p;
                struct dirent *de;
                pid_t pid;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        if (errno != 0) {
                                r = -errno;
                                goto fail;
                        }
                        break;
                }
                if (!names || !parse_pid(de->d_name, &pid))
                        continue;

                r = scan_one(dirfd(d), de->d_name, pid, names, &p);
                if (r < 0)
                        goto fail;
                if (r == 0)
                        continue;

                {
                        struct proc_daemon *m = reallocarray(list, n + 1, sizeof(*list));
                        if (!m) {
                                free(p.exe);
                                strv_free(p.argv);
                                r = -ENOMEM;
                                goto fail;
                        }
                        list = m;
                        list[n++] = p;
                }
        }

        if (n > 1)
                qsort(list, n, sizeof(*list), cmp_pid);
        *ret = list;
        *ret_n = n;
        return 0;

fail:
        proc_daemons_free(list, n);
        return r;
}
