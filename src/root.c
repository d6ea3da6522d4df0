/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>

#include "readcache.h"
#include "statmemo.h"
#include "root.h"
#include "trust.h"
#include "util.h"

#define MAX_LINKS 40

void resolved_done(struct resolved *r) {
        free(r->path);
        r->path = NULL;
}

int root_init(struct root *root, const char *dir) {
        char *n = NULL;
        int r;

        if (!dir || !*dir)
                dir = "/";
        if (dir[0] != '/') {
                _cleanup_free_ char *cwd = getcwd(NULL, 0), *abs = NULL;
                if (!cwd)
                        return -errno;
                abs = path_join(cwd, dir);
                if (!abs)
                        return -ENOMEM;
                r = path_normalize(abs, &n);
        } else
                r = path_normalize(dir, &n);
        if (r < 0)
                return r;
        root->dir = n;
        root->live = streq(n, "/");
        return 0;
}

void root_done(struct root *root) {
        free(root->dir);
        root->dir = NULL;
}

char *root_real(const struct root *root, const char *host_path) {
        if (root->live)
                return strdup(host_path);
        return path_join(root->dir, host_path);
}

char *root_mend_commands(const struct root *root, const char *host_path) {
        _cleanup_free_ char *real = root_real(root, host_path), *q = NULL;
        char *s;

        q = real ? shell_quote(real) : NULL;
        if (!q || asprintf(&s, "chown root %s; chmod go-w %s", q, q) < 0)
                return NULL;
        return s;
}

/* What one component adds to the trust fields of struct resolved. */
struct owners {
        uid_t other;
        bool others, open;
};

static void note_component(struct owners *o, const struct stat *st) {
        if (st->st_uid != 0) {
                if (o->other != 0 && o->other != st->st_uid)
                        o->others = true;
                if (o->other == 0)
                        o->other = st->st_uid;
        }
        /* Group write counts whatever the group: with a POSIX ACL the group bits are the ACL's
         * mask (acl(5)), so a named user's write entry shows there, and reading the ACL itself
         * (getxattr) would be an audit event on a watched path. */
        if (!S_ISLNK(st->st_mode) && (st->st_mode & (S_IWOTH | S_IWGRP)))
                o->open = true;
}

/* Resolution works on a "todo" string of components still to walk and a "done" prefix that is
 * known to exist as a directory (or, once something is missing, is only completed lexically). */
int root_resolve(const struct root *root, const char *path, bool nofollow_last, struct resolved *ret) {
        _cleanup_free_ char *todo = NULL, *done = NULL;
        unsigned links = 0;
        int r;
        bool missing = false, parent_missing = false, via_link = false;
        struct stat st = {};
        struct owners own = {};
        bool have_st = false;

        if (!path || path[0] != '/')
                return -EINVAL;
        if (strlen(path) >= PATH_MAX)
                return -ENAMETOOLONG;
        /* Not normalised first: ".." after a symlink is resolved physically, as the kernel does
         * (/var/run/.. is / when /var/run -> /run); the walk below handles "." and "..". */
        todo = strdup(path);
        done = strdup("");
        if (!todo || !done)
                return -ENOMEM; /* cppcheck-suppress memleak ; both are freed by cleanup */

        for (;;) {
                const char *p = todo, *e;
                _cleanup_free_ char *comp = NULL, *cand = NULL, *real = NULL, *rest = NULL;
                bool last;

                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                e = strchrnul(p, '/');
                comp = strndup(p, (size_t) (e - p));
                rest = strdup(e);
                if (!comp || !rest)
                        return -ENOMEM;
                free(todo);
                todo = TAKE_PTR(rest);
                {
                        const char *q = todo;
                        while (*q == '/')
                                q++;
                        last = *q == 0;
                }

                if (streq(comp, "..")) {
                        char *s = strrchr(done, '/');
                        if (s)
                                *s = 0;
                        continue;
                }
                if (streq(comp, "."))
                        continue;

                if (asprintf(&cand, "%s/%s", done, comp) < 0)
                        return -ENOMEM;
                if (strlen(cand) >= PATH_MAX)
                        return -ENAMETOOLONG;

                if (missing) {
                        /* Below a missing component: only complete lexically. */
                        parent_missing = true;
                        free(done);
                        done = TAKE_PTR(cand);
                        continue;
                }

                real = root_real(root, cand);
                if (!real)
                        return -ENOMEM;
                r = root->live ? statmemo_lstat(real, &st) : lstat(real, &st) < 0 ? -errno : 0;
                if (r < 0) {
                        if (r != -ENOENT && r != -ENOTDIR)
                                return r;
                        missing = true;
                        have_st = false;
                        free(done);
                        done = TAKE_PTR(cand);
                        continue;
                }

                note_component(&own, &st);
                if (S_ISLNK(st.st_mode) && !(last && nofollow_last)) {
                        char target[PATH_MAX];
                        ssize_t k;
                        _cleanup_free_ char *nt = NULL;

                        if (++links > MAX_LINKS)
                                return -ELOOP;
                        /* On the live root, from the read cache when the link is unchanged:
                         * readlink of a watched link is an audit event. Only a link that is
                         * root's, in directories that are root's, is kept there (trust.h). */
                        if (root->live && own.other == 0 && !own.open) {
                                k = readcache_readlink(real, &st, target, sizeof(target));
                                if (k < 0)
                                        return (int) k;
                        } else if ((k = readlink(real, target, sizeof(target) - 1)) < 0)
                                return -errno;
                        target[k] = 0;
                        via_link = true;
                        if (target[0] == '/') {
                                /* Absolute: start again at the root. */
                                done[0] = 0;
                                if (asprintf(&nt, "%s%s", target, todo) < 0)
                                        return -ENOMEM;
                        } else if (asprintf(&nt, "/%s%s", target, todo) < 0)
                                return -ENOMEM;
                        if (strlen(nt) >= PATH_MAX)
                                return -ENAMETOOLONG;
                        free(todo);
                        todo = TAKE_PTR(nt);
                        continue;
                }

                if (!last && !S_ISDIR(st.st_mode)) {
                        /* A file where a directory is needed: the rest cannot exist. */
                        missing = true;
                }
                have_st = !missing;
                free(done);
                done = TAKE_PTR(cand);
        }

        if (!*done) {
                free(done);
                done = strdup("/");
                if (!done)
                        return -ENOMEM;
                if (lstat(root->dir, &st) < 0)
                        return -errno;
                have_st = true;
                missing = parent_missing = false;
        }

        *ret = (struct resolved) {
                .path = TAKE_PTR(done),
                .state = parent_missing ? PATH_PARENT_MISSING : missing ? PATH_MISSING : PATH_EXISTS,
                .is_dir = have_st && !missing && S_ISDIR(st.st_mode),
                .is_symlink = via_link,
                .mode = have_st && !missing ? st.st_mode : 0,
                .uid = have_st && !missing ? st.st_uid : 0,
                .other_owner = own.other,
                .other_owners = own.others,
                .open_dir = own.open,
        };
        return 0;
}

bool root_is_dir(const struct root *root, const char *host_path) {
        struct resolved res = {};
        bool is_dir;

        if (root->live) {
                struct stat st;
                return stat(host_path, &st) >= 0 && S_ISDIR(st.st_mode);
        }
        if (root_resolve(root, host_path, false, &res) < 0)
                return false;
        is_dir = res.state == PATH_EXISTS && res.is_dir;
        resolved_done(&res);
        return is_dir;
}

char *root_resolves_to(const struct root *root, const char *host_path) {
        struct resolved res = {};
        char *p = NULL;

        if (root_resolve(root, host_path, false, &res) >= 0 && !streq(res.path, host_path))
                p = TAKE_PTR(res.path);
        resolved_done(&res);
        return p;
}

/* An O_PATH descriptor of the directory that holds path (as root_resolve() returns it:
 * absolute, normalised, no symlink left in it) inside the root, reached one component at a time
 * with O_NOFOLLOW, as systemd's chase() holds a descriptor per component: a component swapped
 * for a symlink since the path was resolved fails (-ENOTDIR, -ELOOP) instead of leading
 * elsewhere. *ret_name points into path, at its last component ("" for "/"). */
static int open_parent_nofollow(const struct root *root, const char *path, const char **ret_name) {
        _cleanup_close_ int fd = -1;
        const char *p = path;

        fd = open(root->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        for (;;) {
                char comp[NAME_MAX + 1];
                const char *e, *q;
                int nfd;

                while (*p == '/')
                        p++;
                e = q = strchrnul(p, '/');
                while (*q == '/')
                        q++;
                if (!*q)
                        break; /* p is the last component */
                if ((size_t) (e - p) > NAME_MAX)
                        return -ENAMETOOLONG;
                memcpy(comp, p, (size_t) (e - p));
                comp[e - p] = 0;
                if (streq(comp, ".") || streq(comp, ".."))
                        return -EINVAL; /* not a resolved path */
                nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (nfd < 0)
                        return -errno;
                close(fd);
                fd = nfd;
                p = e;
        }
        *ret_name = p;
        return TAKE_FD(fd);
}

/* root_read_file() (ret_data given) or root_open_file() (ret_data NULL): they differ only in
 * what is done with the file found. */
static int read_or_open(const struct root *root, const char *host_path, char **ret_data, size_t *ret_len,
                        struct stat *ret_st) {
        struct resolved res = {};
        _cleanup_close_ int pfd = -1;
        const char *name;
        int r;

        r = root_resolve(root, host_path, false, &res);
        if (r < 0)
                return r;
        if (res.state != PATH_EXISTS)
                r = -ENOENT;
        /* A socket, device or FIFO is never opened: opening some devices acts on them. */
        else if (!S_ISREG(res.mode))
                r = S_ISDIR(res.mode) ? -EISDIR : -EBADFD;
        /* Root's, on the live host: no one else can change where the name leads, so it is read
         * by name (one open, one audit event where it is watched for reads), through the read
         * record (readcache.h) when it is read whole. */
        else if (root->live && trust_roots(&res)) {
                _cleanup_free_ char *real = root_real(root, res.path);
                r = !real ? -ENOMEM
                    : ret_data ? readcache_read_file(real, ret_data, ret_len)
                               : open_regular_trusted(AT_FDCWD, real, ret_st);
        } else {
                /* Anything else by descriptor, following no symlink after the resolution, the
                 * type known before it is opened (open_regular()), never kept in the record. */
                pfd = open_parent_nofollow(root, res.path, &name);
                r = pfd < 0 ? pfd
                    : !*name ? -EISDIR
                    : ret_data ? read_file_bounded(pfd, name, O_NOFOLLOW, ret_data, ret_len)
                               : open_regular(pfd, name, O_NOFOLLOW, ret_st);
        }
        resolved_done(&res);
        return r;
}

int root_read_file(const struct root *root, const char *host_path, char **ret_data, size_t *ret_len) {
        return read_or_open(root, host_path, ret_data, ret_len, NULL);
}

int root_open_file(const struct root *root, const char *host_path, struct stat *ret_st) {
        return read_or_open(root, host_path, NULL, NULL, ret_st);
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

int root_dir_readable(const struct root *root, const char *host_dir) {
        _cleanup_free_ char *real = NULL;
        struct resolved res = {};
        int r;

        r = root_resolve(root, host_dir, false, &res);
        if (r < 0)
                return r;
        if (res.state != PATH_EXISTS || !res.is_dir) {
                r = res.state == PATH_EXISTS ? -ENOTDIR : -ENOENT;
                resolved_done(&res);
                return r;
        }
        real = root_real(root, res.path);
        resolved_done(&res);
        if (!real)
                return -ENOMEM;
        return faccessat(AT_FDCWD, real, R_OK | X_OK, AT_EACCESS) < 0 ? -errno : 0;
}

int root_list_dir(const struct root *root, const char *host_dir, char ***ret_names) {
        struct resolved res = {};
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_close_ int pfd = -1;
        size_t n = 0, cap = 16;
        const char *name;
        DIR *d;
        struct dirent *de;
        int r, fd;

        r = root_resolve(root, host_dir, false, &res);
        if (r < 0)
                return r;
        if (res.state != PATH_EXISTS || !res.is_dir) {
                bool exists = res.state == PATH_EXISTS;
                resolved_done(&res);
                return exists ? -ENOTDIR : -ENOENT;
        }
        /* Root's, on the live host: by name, through the read record (readcache.h). */
        if (root->live && trust_roots(&res)) {
                _cleanup_free_ char *real = root_real(root, res.path);
                resolved_done(&res);
                if (!real)
                        return -ENOMEM;
                r = readcache_list_dir(real, &names);
                if (r < 0)
                        return r;
                qsort(names, strv_length(names), sizeof(char *), cmp_str);
                statmemo_note_listing(real, names);
                *ret_names = TAKE_PTR(names);
                return 0;
        }
        /* Anything else by descriptor, following no symlink after the resolution; O_DIRECTORY
         * opens nothing but a directory. */
        pfd = open_parent_nofollow(root, res.path, &name);
        if (pfd < 0)
                fd = pfd;
        else if ((fd = openat(pfd, *name ? name : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
                fd = -errno;
        resolved_done(&res);
        if (fd < 0)
                return fd;
        d = fdopendir(fd);
        if (!d) {
                r = -errno;
                close(fd);
                return r;
        }
        names = calloc(cap, sizeof(char *));
        if (!names) {
                closedir(d);
                return -ENOMEM;
        }
        while ((errno = 0, de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (n + 1 == cap) { /* doubled: a large directory costs linear time */
                        char **m = reallocarray(names, cap * 2, sizeof(char *));
                        if (!m) {
                                closedir(d);
                                return -ENOMEM;
                        }
                        names = m, cap *= 2;
                }
                names[n] = strdup(de->d_name);
                if (!names[n]) {
                        closedir(d);
                        return -ENOMEM;
                }
                names[++n] = NULL;
        }
        r = errno ? -errno : 0;
        closedir(d);
        if (r < 0)
                return r;
        qsort(names, n, sizeof(char *), cmp_str);
        *ret_names = TAKE_PTR(names);
        return 0;
}
