/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Reading a user's files with that user's rights (the trust rule, trust.h): rootless Docker's
 * daemon.json, user units and their drop-ins, the EnvironmentFile= of user units. The tool runs
 * as root; a user's configuration that names (or links to) a file the user could not read must
 * not make root read it. */

#include <stddef.h>
#include <sys/types.h>

#include "root.h"

/* How long a read as a user may take before the child doing it is killed (-ETIMEDOUT), in ms. */
#define USER_READ_TIMEOUT_MS 10000

/* Read the host file PATH (absolute, inside root) as the user UID:GID would read it: a child
 * process clears its supplementary groups and sets its file system uid and gid to the user's
 * (setgroups(2), setfsgid(2), setfsuid(2): the kernel then checks every permission as the user's
 * and drops root's file capabilities, capabilities(7); the child's real and effective uid stay
 * 0, so the user can neither signal nor trace it). It opens PATH from the root directory with
 * openat2(2) RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (absolute links start again at the root, ".."
 * never climbs above it, no /proc magic link), as O_PATH first: the type is checked with fstat()
 * before anything is opened for reading (never a device or a FIFO), then the same inode is
 * reopened read-only through /proc/self/fd. Where openat2 is missing (ENOSYS, Linux before 5.6)
 * the path is resolved inside the root first (root_resolve()) and opened with O_NOFOLLOW: still
 * with the user's rights only. At most INPUT_MAX bytes come back over a pipe, NUL-terminated.
 *
 * Not run as root, nothing is dropped: the file is read with this process's own rights.
 *
 * Returns 0 with *ret_data (free it) and *ret_len; -EACCES or -EPERM when the user may not read
 * it, -ENOENT, -ENOTDIR, -ELOOP, -EXDEV (a link leaving the root), -EISDIR, -EBADFD (not a regular
 * file), -EFBIG (over INPUT_MAX), -ETIMEDOUT (the child took longer than USER_READ_TIMEOUT_MS),
 * -EINVAL (relative path), -ENOMEM, or another -errno of fork(2), pipe(2) or the open. */
int user_read_file(const struct root *root, uid_t uid, gid_t gid, const char *path, char **ret_data, size_t *ret_len);
