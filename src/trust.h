/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The trust rule, in one place. The tool runs as root and reads what users write. A path, option
 * or value becomes a rule, an exe!= exemption, a read by root or an action by root only when
 * everything that decided it is root's:
 *
 *  - a file: owned by root, every directory walked through to it and every symlink followed
 *    owned by root, none of them writable by its group (a POSIX ACL shows there) or by others (systemd's
 *    chase() with CHASE_SAFE refuses the same transitions); with that, no user can change what
 *    the path leads to between the check and the use, so a check by name is sound;
 *  - a process: uid 0 (real, effective, saved and file system uid) in the initial user
 *    namespace (the same as PID 1's);
 *  - a user's own configuration (rootless Docker): read with that user's rights, never root's;
 *    every rule it yields lies in that user's tree (the home, /run/user/UID), every component
 *    owned by the user or by root and writable by no one else (trust_users()).
 *
 * Anything else is refused by name, without quoting content. The man page's SECURITY section
 * says the same for administrators. */

#include <stdbool.h>
#include <sys/types.h>

#include "root.h"

/* Root's: r->state is PATH_EXISTS and every component of the resolution, the object included,
 * is owned by uid 0 and open to no one else (struct resolved's trust fields). */
bool trust_roots(const struct resolved *r);

/* The user's own: every component owned by uid or by 0, none open to others, and the path (as
 * resolved) at or below one of the user's trees: home or /run/user/UID. A missing path is judged
 * by what exists of it. */
bool trust_users(const struct resolved *r, uid_t uid, const char *home);

/* Is the process pid (under proc_dir, normally "/proc") root's: every uid of its Uid: line 0 and
 * its user namespace PID 1's? 1 yes, 0 no, -errno when it cannot be told (gone: -ENOENT, -ESRCH).
 * Source: proc(5) /proc/PID/status, /proc/PID/ns/user (namespaces(7): same device and inode,
 * same namespace). A fake tree without ns/user judges by the uids alone. */
int trust_process(const char *proc_dir, pid_t pid);
