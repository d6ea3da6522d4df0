/* SPDX-License-Identifier: GPL-2.0-or-later */
/* No dangerous rule from any configuration: a watch on a directory records everything below
 * it, so a configuration value that names "/", "/usr/bin" or a device must never become a
 * watch. */
#include <sys/stat.h>

#include "guard.h"
#include "util.h"

/* Directories whose recursive watch records a large part of the host's activity: the FHS
 * top level and the shared directories below /usr and /var. Their children (/etc/docker,
 * /var/lib/docker) are fine. */
static const char *const system_dirs[] = {
        "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media",
        "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/snap", "/srv", "/sys", "/tmp", "/usr",
        "/var",
        "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libexec", "/usr/local",
        "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/usr/share", "/usr/include", "/usr/src",
        "/var/lib", "/var/run", "/var/log", "/var/cache", "/var/tmp", "/var/spool", "/var/mail",
        "/var/snap", "/var/opt", "/var/local", "/run/user", "/etc/systemd", "/etc/systemd/system",
        "/usr/lib/systemd", "/usr/lib/systemd/system", "/lib/systemd", "/lib/systemd/system",
        "/etc/default", "/etc/sysconfig", "/etc/init.d", "/etc/conf.d",
};

static const char *const explanations[_GUARD_MAX] = {
        [GUARD_OK] = NULL,
        [GUARD_ROOT] = "it is the root directory: a watch there records every file of the host",
        [GUARD_DEVICE] = "it is a device node: a watch there records every use of that device on the host",
        [GUARD_FILE_IS_DIR] = "it is named as a file or socket but is a directory: watching it would record "
                              "everything below it",
        [GUARD_SYSTEM_DIR] = "it is a system directory: a recursive watch there records a large part of the "
                             "host's activity",
};

bool path_is_system_dir(const char *path) {
        for (size_t i = 0; i < ELEMENTSOF(system_dirs); i++)
                if (streq(path, system_dirs[i]))
                        return true;
        return false;
}

enum guard_verdict watch_guard(const char *path, bool exists, mode_t mode, enum named_as named_as) {
        if (streq(path, "/"))
                return GUARD_ROOT;
        if (exists && (S_ISCHR(mode) || S_ISBLK(mode)))
                return GUARD_DEVICE;
        if (exists && S_ISDIR(mode) && named_as != NAMED_AS_DIR)
                return GUARD_FILE_IS_DIR;
        /* A missing system directory cannot be watched recursively now, but would be at the
         * next run: refuse it by name. */
        if (path_is_system_dir(path))
                return GUARD_SYSTEM_DIR;
        return GUARD_OK;
}

const char *guard_verdict_explain(enum guard_verdict v) {
        return (unsigned) v < _GUARD_MAX ? explanations[v] : NULL;
}
