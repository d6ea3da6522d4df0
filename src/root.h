/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

/* Every host path the tool looks at is resolved inside a root directory (--root, default "/"),
 * the way the host itself would resolve it: symlinks are followed, absolute link targets start
 * again at the root, ".." never climbs above it. Nothing escapes the root. */

enum path_state {
        PATH_EXISTS,          /* the resolved path exists */
        PATH_MISSING,         /* the last component is missing, its parent exists */
        PATH_PARENT_MISSING,  /* some parent directory is missing */
};

struct resolved {
        char *path;           /* resolved host path (as seen from inside the root), normalised */
        enum path_state state;
        bool is_dir;          /* when PATH_EXISTS: a directory (after following) */
        bool is_symlink;      /* the path as given was (or went through) a symlink */
        mode_t mode;          /* when PATH_EXISTS */
        /* Who could have decided where the path leads (the trust rule, trust.h): every directory
         * walked through, every symlink followed and the object found, inside the root. */
        uid_t uid;            /* when PATH_EXISTS: the owner of the object found */
        uid_t other_owner;    /* a uid other than 0 owning a directory walked through or a symlink
                               * followed, or the object; 0 when all of them are root's */
        bool other_owners;    /* components of two different uids other than 0 */
        bool open_dir;        /* a component (the object included) is writable by its group or by
                               * others: anyone else could change it or put a name there */
};

void resolved_done(struct resolved *r);

struct root {
        char *dir;            /* normalised, "/" for the live host */
        bool live;            /* dir is "/" */
};

int root_init(struct root *root, const char *dir);
void root_done(struct root *root);

/* Resolve an absolute host path inside the root, following every symlink (the last one too,
 * unless nofollow_last). Returns 0 and fills *ret even when the path or its parent is missing
 * (then ret->path is the lexically completed path); -ELOOP, -ENAMETOOLONG, -EINVAL (relative). */
int root_resolve(const struct root *root, const char *path, bool nofollow_last, struct resolved *ret);

/* Is this host path an existing directory (symlinks followed)? On the live root this is one
 * stat(), as auditctl does it; inside another root, a full resolution. */
bool root_is_dir(const struct root *root, const char *host_path);

/* The real file-system path of a host path: root->dir joined with path. */
char *root_real(const struct root *root, const char *host_path);
/* The commands that make the file or directory at host_path root's and writable by no one else
 * (trust_roots() in trust.h asks that of every component: the last words of a problem that
 * refuses one): "chown root P; chmod go-w P", P its real path quoted for the shell
 * (shell_quote()). Newly allocated; NULL on allocation failure. */
char *root_mend_commands(const struct root *root, const char *host_path);

/* What a host path resolves to inside the root when that is another path (for messages that
 * name both), else NULL (same path, unresolvable, or out of memory). Free it. */
char *root_resolves_to(const struct root *root, const char *host_path);

/* Read a host file inside the root (resolved, bounded, regular files only). */
int root_read_file(const struct root *root, const char *host_path, char **ret_data, size_t *ret_len);
/* Open a host file inside the root for reading, resolved and checked as root_read_file() does
 * (regular files only; root's on the live host by name, anything else by descriptor without
 * following a symlink), but never through the read record: for a file read as a stream, line by
 * line, whose whole content is never held (dpkg's status). Returns the descriptor (O_CLOEXEC,
 * O_NONBLOCK, which a regular file ignores) and its stat in *ret_st (may be NULL); -ENOENT,
 * -EISDIR, -EBADFD (not a regular file), -ENOMEM, or -errno of openat(2). */
int root_open_file(const struct root *root, const char *host_path, struct stat *ret_st);

/* Whether a host directory inside the root can be listed by this process: 0, -ENOENT, -ENOTDIR,
 * or access(2)'s -EACCES (also on a network file system that squashes root). It opens nothing,
 * so it records no audit event where the directory is watched. */
int root_dir_readable(const struct root *root, const char *host_dir);

/* Names in a host directory inside the root, sorted; -ENOENT if it does not exist. */
int root_list_dir(const struct root *root, const char *host_dir, char ***ret_names);
