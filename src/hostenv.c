/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Is this a place where the running kernel's audit rules are ours to change? */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "hostenv.h"
#include "util.h"

/* Is DPKG_ROOT naming another root than "/"? dpkg exports it empty for a normal run. */
static bool dpkg_root_elsewhere(void) {
        const char *e = getenv("DPKG_ROOT");

        if (!e)
                return false;
        e += strspn(e, "/");
        return *e != 0;
}

/* 1: ROOT_DIR is not PID 1's root directory; 0: it is, or we cannot tell. */
static int chrooted(const char *proc_dir, const char *root_dir) {
        _cleanup_free_ char *p = path_join(proc_dir, "1/root");
        struct stat a, b;

        if (!p)
                return -ENOMEM;
        if (stat(root_dir, &a) < 0)
                return -errno;
        /* EACCES/EPERM: PID 1 is out of our reach (no CAP_SYS_PTRACE, a protected PID 1); ENOENT:
         * it went away. Neither tells us anything. */
        if (stat(p, &b) < 0)
                return 0;
        return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

static bool exists_at(const char *dir, const char *name) {
        _cleanup_free_ char *p = path_join(dir, name);
        struct stat st;

        /* Out of memory: not a reason to claim a container. */
        return p && lstat(p, &st) >= 0;
}

/* 1 when PID 1's environment carries a non-empty container=; 0 otherwise or when unreadable. */
static int environ_container(const char *proc_dir) {
        _cleanup_free_ char *p = path_join(proc_dir, "1/environ"), *data = NULL;
        size_t n = 0;
        int r;

        if (!p)
                return -ENOMEM;
        r = read_file_bounded(AT_FDCWD, p, 0, &data, &n);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0; /* EACCES for an unprivileged caller, ENOENT, ...: not conclusive */
        for (size_t i = 0; i < n; i += strlen(data + i) + 1) {
                const char *v = startswith(data + i, "container=");
                if (v && *v)
                        return 1;
        }
        return 0;
}

int hostenv_kernel_off_limits(const char *proc_dir, const char *root_dir, const char **ret_reason) {
        static const struct {
                const char *path;
                const char *reason;
        } markers[] = {
                { ".dockerenv", "running in a container (/.dockerenv exists)" },
                { "run/.containerenv", "running in a container (/run/.containerenv exists)" },
                { "run/systemd/container", "running in a container (/run/systemd/container exists)" },
                { "run/host/container-manager", "running in a container (/run/host/container-manager exists)" },
        };
        _cleanup_free_ char *pid1 = NULL;
        const char *reason = NULL;
        struct stat st;
        int r;

        if (dpkg_root_elsewhere()) {
                reason = "DPKG_ROOT is set: installing into another root";
                goto off_limits;
        }

        pid1 = path_join(proc_dir, "1");
        if (!pid1)
                return -ENOMEM;
        if (stat(pid1, &st) < 0 && (errno == ENOENT || errno == ENOTDIR)) {
                reason = "no /proc: image build or chroot";
                goto off_limits;
        }

        r = chrooted(proc_dir, root_dir);
        if (r < 0)
                return r;
        if (r > 0) {
                reason = "running in a chroot: / is not the root directory of PID 1";
                goto off_limits;
        }

        for (size_t i = 0; i < ELEMENTSOF(markers); i++)
                if (exists_at(root_dir, markers[i].path)) {
                        reason = markers[i].reason;
                        goto off_limits;
                }
        r = environ_container(proc_dir);
        if (r < 0)
                return r;
        if (r > 0) {
                reason = "running in a container (PID 1's environment has container=)";
                goto off_limits;
        }

        *ret_reason = NULL;
        return 0;

off_limits:
        *ret_reason = reason;
        return 1;
}
