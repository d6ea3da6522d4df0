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

/* 1 when proc_dir/self/mountinfo lists no mount whose mount point is "/", 0 when one is listed
 * or the table cannot be read. */
static int root_is_no_mount_point(const char *proc_dir) {
        _cleanup_free_ char *p = path_join(proc_dir, "self/mountinfo"), *data = NULL;
        size_t len = 0;
        int r;

        if (!p)
                return -ENOMEM;
        r = read_file_bounded(AT_FDCWD, p, 0, &data, &len);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        for (char *line = data, *next; line && line < data + len; line = next) {
                const char *f = line;
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                /* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
                for (int k = 0; k < 4 && f; k++) {
                        f = strchr(f, ' ');
                        if (f)
                                f++;
                }
                if (f && f[0] == '/' && (f[1] == ' ' || f[1] == '\0'))
                        return 0;
        }
        return len > 0;
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
         * it went away. Then our own mount table tells: the kernel lists only the mounts below a
         * process's root, their mount points relative to it (proc(5) /proc/PID/mountinfo, field
         * 5), so in a chroot into a directory that is not itself a mount point no mount is at "/".
         * The sandbox of a systemd service (its own mount namespace) keeps a mount at "/". */
        if (stat(p, &b) < 0)
                return root_is_no_mount_point(proc_dir);
        return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* The inode number the kernel gives the initial PID namespace (PROC_PID_INIT_INO in
 * include/linux/proc_ns.h, fixed since Linux 3.8). */
#define PID_NS_INIT "pid:[4026531836]"

/* 1 when we run in the initial PID namespace, 0 when not or when that cannot be read. */
static int in_initial_pid_namespace(const char *proc_dir) {
        _cleanup_free_ char *p = path_join(proc_dir, "self/ns/pid");
        char buf[64];
        ssize_t n;

        if (!p)
                return -ENOMEM;
        n = readlink(p, buf, sizeof(buf) - 1);
        if (n < 0)
                return 0;
        buf[n] = 0;
        return streq(buf, PID_NS_INIT);
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
        /* in_image: a file a container engine puts into the container's root file system, which
         * therefore stays in an image exported from a container (a VM's root disk made from a
         * Docker image keeps its /.dockerenv). The others are written at run time. */
        static const struct {
                const char *path;
                const char *reason;
                bool in_image;
        } markers[] = {
                { ".dockerenv", "running in a container (/.dockerenv exists)", true },
                { "run/.containerenv", "running in a container (/run/.containerenv exists)", true },
                { "run/systemd/container", "running in a container (/run/systemd/container exists)", false },
                { "run/host/container-manager", "running in a container (/run/host/container-manager exists)", false },
        };
        _cleanup_free_ char *pid1 = NULL;
        const char *reason = NULL;
        bool initial_pid_ns;
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

        /* In the initial PID namespace, with PID 1 sharing our root (or out of sight), a marker left
         * in the image is not evidence: a container has its own PID namespace unless started with
         * --pid=host, and then PID 1's root is the host's, which the check above sees. The kernel
         * refuses rule changes from any other PID namespace (EPERM), so this only decides between
         * a real host and a host-PID container whose PID 1 we cannot inspect. */
        r = in_initial_pid_namespace(proc_dir);
        if (r < 0)
                return r;
        initial_pid_ns = r > 0;

        for (size_t i = 0; i < ELEMENTSOF(markers); i++)
                if (!(markers[i].in_image && initial_pid_ns) && exists_at(root_dir, markers[i].path)) {
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
