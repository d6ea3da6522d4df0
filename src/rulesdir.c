/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "config.h"
#include "rulesdir.h"
#include "util.h"

void rules_dir_done(struct rules_dir *d) {
        for (size_t i = 0; i < d->n_lines; i++) {
                free(d->lines[i].text);
                rule_done(&d->lines[i].rule);
        }
        free(d->lines);
        for (size_t i = 0; i < d->n_problems; i++) {
                free(d->problems[i].file);
                free(d->problems[i].message);
        }
        free(d->problems);
        strv_free(d->files);
        free(d->dir);
        *d = (struct rules_dir) {};
}

void rule_decide_kind(const struct root *root, struct rule *r) {
        if (r->form == FORM_W)
                r->kind = root_is_dir(root, r->path) ? WATCH_DIR : WATCH_FILE;
}

int rules_dir_path(const struct root *root, const char *override, char **ret) {
        struct resolved res = {};
        char *p;
        int r;

        if (override) {
                p = strdup(override);
                if (!p)
                        return -ENOMEM;
                *ret = p;
                return 0;
        }
        r = root_resolve(root, RULES_DIR, false, &res);
        if (r == -EACCES) {
                /* Unprivileged (--check, --print): name it as configured. */
                p = root_real(root, RULES_DIR);
                if (!p)
                        return -ENOMEM;
                *ret = p;
                return 0;
        }
        if (r < 0)
                return r;
        p = root_real(root, res.path);
        resolved_done(&res);
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

static int add_problem(struct rules_dir *d, const char *file, const char *msg) {
        struct rules_file_problem *p = realloc(d->problems, sizeof(*p) * (d->n_problems + 1));
        if (!p)
                return -ENOMEM;
        d->problems = p;
        p[d->n_problems] = (struct rules_file_problem) { .file = strdup(file), .message = strdup(msg) };
        if (!p[d->n_problems].file || !p[d->n_problems].message) {
                free(p[d->n_problems].file);
                free(p[d->n_problems].message);
                return -ENOMEM;
        }
        d->n_problems++;
        return 0;
}

static int cmp_version(const void *a, const void *b) {
        return strverscmp(*(char * const *) a, *(char * const *) b);
}

static int read_one(const struct root *root, struct rules_dir *d, int dfd, const char *name, const char *path) {
        _cleanup_free_ char *data = NULL;
        struct stat st;
        size_t len = 0;
        unsigned lineno = 0;
        char *line;
        int r;

        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return add_problem(d, path, strerror(errno));
        if (S_ISLNK(st.st_mode))
                /* augenrules would follow it; we do not read through links in this directory. */
                return add_problem(d, path, "is a symbolic link: not read");
        if (!S_ISREG(st.st_mode))
                return add_problem(d, path, "is not a regular file: not read");
        r = read_file_bounded(dfd, name, O_NOFOLLOW, &data, &len);
        if (r < 0)
                return add_problem(d, path, errno_name(r));
        if (memchr(data, 0, len))
                return add_problem(d, path, "holds a NUL byte: not a rules file");

        r = strv_extend(&d->files, path);
        if (r < 0)
                return r;
        path = d->files[strv_length(d->files) - 1];

        for (char *p = data; p; ) {
                struct rules_line *l;
                char *nl = strchr(p, '\n');

                if (nl)
                        *nl = 0;
                line = p;
                p = nl ? nl + 1 : NULL;
                lineno++;

                l = realloc(d->lines, sizeof(*l) * (d->n_lines + 1));
                if (!l)
                        return -ENOMEM;
                d->lines = l;
                l = &d->lines[d->n_lines];
                *l = (struct rules_line) { .file = path, .line = lineno };
                r = rule_parse_line(line, &l->rule, &l->why);
                if (r < 0) {
                        l->error = r;
                        l->type = LINE_EMPTY;
                } else
                        l->type = r;
                if (l->type == LINE_EMPTY && !l->error)
                        continue; /* not kept */
                /* The text is kept only for the lines that are trouble. */
                if (l->error || l->type == LINE_CONTROL) {
                        l->text = strdup(line);
                        if (!l->text) {
                                rule_done(&l->rule);
                                return -ENOMEM;
                        }
                }
                if (l->type == LINE_WATCH)
                        rule_decide_kind(root, &l->rule);
                d->n_lines++;
        }
        return 0;
}

int rules_dir_read(const struct root *root, const char *dir_real, const char *display_dir, const char *own_name,
                   struct rules_dir *ret) {
        struct rules_dir d = {};
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_close_ int dfd = -1;
        int r;

        d.dir = strdup(dir_real);
        d.files = calloc(1, sizeof(char *));
        if (!d.dir || !d.files) {
                rules_dir_done(&d);
                return -ENOMEM;
        }
        dfd = open(dir_real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                r = -errno;
                if (r == -ENOENT) {
                        *ret = d;
                        return 0;
                }
                if (r == -EACCES) {
                        /* Unprivileged --print or --check: say what could not be checked. */
                        r = add_problem(&d, dir_real, "cannot be read (permission denied): rules other files "
                                        "already hold were not looked for");
                        if (r < 0) {
                                rules_dir_done(&d);
                                return r;
                        }
                        *ret = d;
                        return 0;
                }
                rules_dir_done(&d);
                return r;
        }
        {
                struct root real_root = { .dir = (char *) "/", .live = true };
                r = root_list_dir(&real_root, dir_real, &names);
        }
        if (r < 0) {
                rules_dir_done(&d);
                return r;
        }
        qsort(names, strv_length(names), sizeof(char *), cmp_version);
        for (char **n = names; *n; n++) {
                _cleanup_free_ char *path = NULL;

                if (!endswith(*n, ".rules") || (own_name && streq(*n, own_name)))
                        continue;
                path = path_join(display_dir ? display_dir : dir_real, *n);
                if (!path) {
                        r = -ENOMEM;
                        break;
                }
                r = read_one(root, &d, dfd, *n, path);
                if (r < 0)
                        break;
        }
        if (r < 0) {
                rules_dir_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}
