/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a user's files with that user's rights (userread.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "userread.h"
#include "util.h"

/* What the child sends before the data. */
struct reply {
        int32_t err;          /* 0 or -errno */
        uint32_t len;         /* bytes of data that follow */
};

/* Drop to the user's file system identity. Not root: nothing to drop (the reads are already
 * this process's own). 0 or -errno. */
static int drop_to_user(uid_t uid, gid_t gid) {
        if (geteuid() != 0)
                return 0;
        /* The child holds a copy of root's memory: never let anyone attach to it. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return -errno;
        if (setgroups(0, NULL) < 0)
                return -errno;
        (void) setfsgid(gid);
        (void) setfsuid(uid);
        /* setfsuid() and setfsgid() return the previous value whatever happens: ask again. */
        if ((uid_t) setfsuid((uid_t) -1) != uid || (gid_t) setfsgid((gid_t) -1) != gid)
                return -EPERM;
        return 0;
}

/* Open PATH (absolute host path) inside the root as the caller's (dropped) identity. */
static int open_in_root(const struct root *root, int rootfd, const char *path, int flags) {
        struct open_how how = {
                .flags = (unsigned long long) (flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        const char *rel = path + strspn(path, "/");
        struct resolved res = {};
        int fd, r;

        if (!*rel)
                rel = ".";
        fd = (int) syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
        if (fd >= 0)
                return fd;
        if (errno != ENOSYS)
                return -errno;
        /* No openat2: resolve inside the root first (as the user: a directory they cannot
         * search stops it), then open what it found without following a link. */
        r = root_resolve(root, path, false, &res);
        if (r < 0)
                return r;
        if (res.state != PATH_EXISTS) {
                resolved_done(&res);
                return -ENOENT;
        }
        rel = res.path + strspn(res.path, "/");
        fd = openat(rootfd, *rel ? rel : ".", flags | O_CLOEXEC | O_NOFOLLOW);
        r = fd < 0 ? -errno : fd;
        resolved_done(&res);
        return r;
}

/* Read at most INPUT_MAX bytes of a regular file, its type known before it is opened for
 * reading. 0 with *ret (malloc'ed, NUL-terminated) and *ret_len, or -errno. */
static int read_as_user(const struct root *root, int rootfd, const char *path, char **ret, size_t *ret_len) {
        _cleanup_close_ int pfd = -1, fd = -1;
        _cleanup_free_ char *buf = NULL;
        char fdpath[64];
        struct stat st, st2;
        size_t n = 0;
        int r;

        pfd = open_in_root(root, rootfd, path, O_PATH);
        if (pfd < 0)
                return pfd;
        if (fstat(pfd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (st.st_size > INPUT_MAX)
                return -EFBIG;
        /* The same inode, opened for reading (proc(5) /proc/self/fd): the kernel checks the
         * permission to read it now, as the user. */
        (void) snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", pfd);
        fd = open(fdpath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)   /* no /proc (a chroot): by name again, the inode compared below */
                fd = errno == ENOENT ? open_in_root(root, rootfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK)
                                     : errno == ENXIO ? -EBADFD : -errno;
        if (fd < 0)
                return fd;
        if (fstat(fd, &st2) < 0)
                return -errno;
        if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino || !S_ISREG(st2.st_mode))
                return -EBADFD;
        r = read_fd_upto(fd, (size_t) st2.st_size + 1, INPUT_MAX, &buf, &n);
        if (r < 0)
                return r;
        if (r > 0)
                return -EFBIG;  /* grew while we read it */
        *ret = TAKE_PTR(buf);
        *ret_len = n;
        return 0;
}

static int write_all(int fd, const void *p, size_t n) {
        const char *c = p;

        while (n > 0) {
                ssize_t k = write(fd, c, n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                c += k;
                n -= (size_t) k;
        }
        return 0;
}

static _Noreturn void child(const struct root *root, int rootfd, int out, uid_t uid, gid_t gid, const char *path) {
        struct reply h = {};
        char *data = NULL;
        size_t len = 0;
        int r;

        r = drop_to_user(uid, gid);
        if (r >= 0)
                r = read_as_user(root, rootfd, path, &data, &len);
        h.err = r < 0 ? r : 0;
        h.len = r < 0 ? 0 : (uint32_t) len;
        if (write_all(out, &h, sizeof(h)) < 0 || (h.len && write_all(out, data, len) < 0))
                _exit(1);
        _exit(0);
}

static long long now_ms(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Everything the child writes, until it closes the pipe, the deadline passes or more than max
 * bytes come. 0, -ETIMEDOUT, -EFBIG, -ENOMEM or -errno of poll(2)/read(2). */
static int read_reply(int fd, size_t max, char **ret, size_t *ret_len) {
        long long deadline = now_ms() + USER_READ_TIMEOUT_MS;
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, cap = 0;

        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                long long left = deadline - now_ms();
                ssize_t k;
                int q;

                if (left <= 0)
                        return -ETIMEDOUT;
                q = poll(&p, 1, (int) left);
                if (q < 0 && errno == EINTR)
                        continue;
                if (q < 0)
                        return -errno;
                if (q == 0)
                        return -ETIMEDOUT;
                if (n == cap) {
                        size_t ncap = cap ? cap * 2 : 4096;
                        char *m;
                        if (ncap > max + 1)
                                ncap = max + 1;
                        if (ncap <= n)
                                return -EFBIG;
                        m = realloc(buf, ncap + 1);
                        if (!m)
                                return -ENOMEM;
                        buf = m, cap = ncap;
                }
                k = read(fd, buf + n, cap - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        *ret = TAKE_PTR(buf);
        *ret_len = n;
        return 0;
}

int user_read_file(const struct root *root, uid_t uid, gid_t gid, const char *path, char **ret_data, size_t *ret_len) {
        _cleanup_close_ int rootfd = -1, in = -1;
        _cleanup_free_ char *buf = NULL;
        struct reply h;
        int p[2], status, r;
        size_t n = 0;
        pid_t pid;

        if (!path || path[0] != '/')
                return -EINVAL;
        rootfd = open(root->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return -errno;
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                r = -errno;
                close(p[0]);
                close(p[1]);
                return r;
        }
        if (pid == 0) {
                close(p[0]);
                child(root, rootfd, p[1], uid, gid, path);
        }
        close(p[1]);
        in = p[0];
        r = read_reply(in, sizeof(h) + INPUT_MAX, &buf, &n);
        if (r == -ETIMEDOUT)
                (void) kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (r < 0)
                return r;
        if (n < sizeof(h))
                return -EIO;        /* the child died before it said anything */
        memcpy(&h, buf, sizeof(h));
        if (h.err < 0)
                return h.err;
        if (h.err > 0 || h.len != n - sizeof(h) || h.len > INPUT_MAX)
                return -EIO;
        memmove(buf, buf + sizeof(h), h.len);
        buf[h.len] = 0;
        *ret_data = TAKE_PTR(buf);
        *ret_len = h.len;
        return 0;
}
