/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "fragment.h"
#include "rulesdir.h"
#include "util.h"

int fragment_read(const char *path, char **ret_text) {
        return read_file_bounded(AT_FDCWD, path, O_NOFOLLOW, ret_text, NULL);
}

static int open_parent(const char *path, char **ret_name) {
        _cleanup_free_ char *dir = path_parent(path);
        int fd;

        if (!dir)
                return -ENOMEM;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_name = strdup(path_basename(path));
        if (!*ret_name) {
                close(fd);
                return -ENOMEM;
        }
        return fd;
}

static int write_all(int fd, const char *buf, size_t len) {
        while (len > 0) {
                ssize_t k = write(fd, buf, len);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                buf += k;
                len -= (size_t) k;
        }
        return 0;
}

int fragment_write(const char *path, const char *text, bool *ret_changed) {
        return fragment_write_mode(path, text, 0600, ret_changed);
}

int fragment_write_mode(const char *path, const char *text, mode_t mode, bool *ret_changed) {
        _cleanup_free_ char *old = NULL, *name = NULL, *tmp = NULL;
        _cleanup_close_ int dfd = -1, fd = -1;
        size_t len = strlen(text);
        int r;

        r = fragment_read(path, &old);
        if (r >= 0 && streq(old, text)) {
                *ret_changed = false;
                return 0;
        }
        if (r < 0 && r != -ENOENT && r != -ELOOP && r != -EBADFD)
                return r;

        dfd = open_parent(path, &name);
        if (dfd < 0)
                return dfd;

        /* A name augenrules ignores (it reads *.rules only), unique, created exclusively. */
        for (unsigned attempt = 0; attempt < 16; attempt++) {
                unsigned long long rnd = 0;

                if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
                        return -errno;
                free(tmp);
                if (asprintf(&tmp, ".%s.%016llx.tmp", name, rnd) < 0) {
                        tmp = NULL;
                        return -ENOMEM;
                }
                fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
                if (fd >= 0 || errno != EEXIST)
                        break;
        }
        if (fd < 0)
                return -errno;

        r = write_all(fd, text, len);
        if (r >= 0 && fchmod(fd, mode) < 0)
                r = -errno;
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0 && close(TAKE_FD(fd)) < 0)
                r = -errno;
        if (r >= 0) {
                if (renameat(dfd, tmp, dfd, name) < 0)
                        r = -errno;
        }
        if (r < 0) {
                (void) unlinkat(dfd, tmp, 0);
                return r;
        }
        if (fsync(dfd) < 0)
                return -errno;
        *ret_changed = true;
        return 0;
}

int fragment_clean_stale(const char *path) {
        _cleanup_free_ char *name = NULL, *prefix = NULL;
        _cleanup_close_ int dfd = -1;
        struct dirent *de;
        DIR *d;
        int n = 0;

        dfd = open_parent(path, &name);
        if (dfd < 0)
                return dfd == -ENOENT ? 0 : dfd;
        if (asprintf(&prefix, ".%s.", name) < 0)
                return -ENOMEM;
        d = fdopendir(fcntl(dfd, F_DUPFD_CLOEXEC, 3));
        if (!d)
                return -errno;
        while ((de = readdir(d)))
                if (startswith(de->d_name, prefix) && endswith(de->d_name, ".tmp") &&
                    unlinkat(dfd, de->d_name, 0) >= 0)
                        n++;
        closedir(d);
        return n;
}

int fragment_remove(const char *path, bool *ret_removed) {
        _cleanup_free_ char *name = NULL;
        _cleanup_close_ int dfd = -1;

        dfd = open_parent(path, &name);
        if (dfd == -ENOENT) {
                *ret_removed = false;
                return 0;
        }
        if (dfd < 0)
                return dfd;
        if (unlinkat(dfd, name, 0) < 0) {
                if (errno == ENOENT) {
                        *ret_removed = false;
                        return 0;
                }
                return -errno;
        }
        if (fsync(dfd) < 0)
                return -errno;
        *ret_removed = true;
        return 0;
}

int fragment_lock(const char *path, bool *ret_waited) {
        _cleanup_free_ char *dir = path_parent(path);
        int fd;

        if (!dir)
                return -ENOMEM;
        if (mkdir(dir, 0750) < 0 && errno != EEXIST)
                return -errno;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_waited = false;
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno != EWOULDBLOCK) {
                        int r = -errno;
                        close(fd);
                        return r;
                }
                *ret_waited = true;
                while (flock(fd, LOCK_EX) < 0)
                        if (errno != EINTR) {
                                int r = -errno;
                                close(fd);
                                return r;
                        }
        }
        return fd;
}

void fragment_lines_done(struct fragment_lines *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->lines[i].text);
                rule_done(&l->lines[i].rule);
        }
        free(l->lines);
        *l = (struct fragment_lines) {};
}

static int push_fragment_line(struct fragment_lines *l, struct fragment_line *x) {
        struct fragment_line *m = realloc(l->lines, sizeof(*m) * (l->n + 1));

        if (!m)
                return -ENOMEM;
        l->lines = m;
        l->lines[l->n++] = *x;
        *x = (struct fragment_line) {};
        return 0;
}

int fragment_parse(const struct root *root, const char *text, struct fragment_lines *ret) {
        _cleanup_free_ char *copy = strdup(text);
        struct fragment_lines l = {};
        unsigned lineno = 0;

        if (!copy)
                return -ENOMEM;
        for (char *line = copy, *next; line; line = next) {
                struct fragment_line x = {};
                const char *p = line;
                int r;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                x.line = ++lineno;
                if (*p == '#') {
                        /* "#   -w ...": a live-only rule of ours; any other comment is nothing. */
                        while (*p == '#' || *p == ' ')
                                p++;
                        if (*p != '-')
                                continue;
                        x.commented = true;
                }
                r = rule_parse_line(p, &x.rule, &x.why);
                if (x.commented && r != LINE_WATCH) {
                        rule_done(&x.rule);
                        continue;
                }
                if (r == LINE_WATCH)
                        rule_decide_kind(root, &x.rule);
                else if (r == LINE_CONTROL || r < 0) {
                        x.text = strdup(line);
                        if (!x.text)
                                goto oom;
                } else
                        continue;
                x.type = r;
                if (push_fragment_line(&l, &x) < 0) {
                        free(x.text);
                        rule_done(&x.rule);
                        goto oom;
                }
        }
        *ret = l;
        return 0;
oom:
        fragment_lines_done(&l);
        return -ENOMEM;
}

bool fragment_lines_hold(const struct fragment_lines *l, const struct rule *r, bool with_commented) {
        for (size_t i = 0; i < l->n; i++)
                if (l->lines[i].type == LINE_WATCH && (with_commented || !l->lines[i].commented) &&
                    rule_equal(&l->lines[i].rule, r))
                        return true;
        return false;
}
