/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The trust rule (trust.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "trust.h"
#include "util.h"

bool trust_roots(const struct resolved *r) {
        return r->state == PATH_EXISTS && r->uid == 0 && r->other_owner == 0 && !r->other_owners && !r->open_dir;
}

bool trust_users(const struct resolved *r, uid_t uid, const char *home) {
        char run[64];

        if (r->other_owners || r->open_dir || (r->other_owner != 0 && r->other_owner != uid))
                return false;
        if (r->state == PATH_EXISTS && r->uid != 0 && r->uid != uid)
                return false;
        (void) snprintf(run, sizeof(run), "/run/user/%u", (unsigned) uid);
        return (home && home[0] == '/' && !streq(home, "/") && path_startswith_dir(r->path, home)) ||
               path_startswith_dir(r->path, run);
}

/* The inode of the initial user namespace's nsfs file, fixed by the kernel since Linux 3.8
 * (include/linux/proc_ns.h: PROC_USER_INIT_INO); other namespaces get numbers from 0xF0000000. */
#define USER_NS_INIT_INO 0xEFFFFFFDU

static int same_ns(const char *proc_dir, pid_t pid) {
        _cleanup_free_ char *mine = NULL, *init = NULL;
        struct stat a, b;

        if (asprintf(&mine, "%s/%d/ns/user", proc_dir, (int) pid) < 0 || asprintf(&init, "%s/1/ns/user", proc_dir) < 0)
                return -ENOMEM;
        if (stat(mine, &a) < 0)
                return errno == ENOENT && lstat(mine, &a) < 0 && access(init, F_OK) < 0 ? 1 : -errno;
        if (stat(init, &b) < 0) {
                /* A PID 1 that is not dumpable (a VM's or a sandbox's own init) hides its
                 * namespaces even from root: the initial namespace's fixed inode tells. */
                if ((errno == EACCES || errno == EPERM) && streq(proc_dir, "/proc"))
                        return a.st_ino == USER_NS_INIT_INO;
                return -errno;
        }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int trust_process(const char *proc_dir, pid_t pid) {
        _cleanup_free_ char *path = NULL, *buf = NULL;
        size_t len = 0;
        int r;

        if (asprintf(&path, "%s/%d/status", proc_dir, (int) pid) < 0)
                return -ENOMEM;
        r = read_file_bounded(AT_FDCWD, path, O_NOFOLLOW, &buf, &len);
        if (r < 0)
                return r;
        for (char *line = buf, *next; line && *line; line = next) {
                unsigned long u[4];
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (!startswith(line, "Uid:"))
                        continue;
                if (sscanf(line + 4, "%lu %lu %lu %lu", &u[0], &u[1], &u[2], &u[3]) != 4)
                        return -EBADMSG;
                if (u[0] || u[1] || u[2] || u[3])
                        return 0;
                return same_ns(proc_dir, pid);
        }
        return -EBADMSG;
}
