/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>

#include "containerd_config.h"
#include "util.h"

/* Bounds for a hostile tree: files loaded, directories a glob may list. */
#define FILES_MAX 256
#define GLOB_DIRS_MAX 4096
#define PENDING_MAX 4096

struct loader {
        const struct root *root;
        const struct containerd_load_options *opts;
        struct containerd_config out;
        char **pending;         /* queue of host paths, pending[next] the next one */
        size_t next;
        char **loaded;          /* host paths loaded (or tried), in order */
        char **glob_dirs;
        size_t n_listed;
        struct problems problems;
};

static int problem(struct loader *l, const char *file, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int problem(struct loader *l, const char *file, unsigned line, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = problems_addv(&l->problems, file, line, false, fmt, ap);
        va_end(ap);
        return r;
}

/* ---- globbing inside the root, as Go's filepath.Glob ---- */

/* One item of a character class as Go's getEsc() takes it; NULL when malformed. */
static const char *class_char(const char *p) {
        if (!*p || *p == '-' || *p == ']')
                return NULL;
        if (*p == '\\' && !*++p)
                return NULL;
        p++;
        return *p ? p : NULL;
}

/* Go's filepath.Match refuses an unclosed '[', an empty class, a bad range or a trailing
 * backslash; Glob checks the whole pattern first and returns "syntax error in pattern". */
static bool glob_pattern_valid(const char *p) {
        for (; *p; p++) {
                if (*p == '\\') {
                        if (!*++p)
                                return false;
                        continue;
                }
                if (*p != '[')
                        continue;
                p++;
                if (*p == '^')
                        p++;
                for (size_t n = 0;; n++) {
                        if (*p == ']' && n > 0)
                                break;
                        p = class_char(p);
                        if (p && *p == '-')
                                p = class_char(p + 1);
                        if (!p)
                                return false;
                }
        }
        return true;
}

static bool has_meta(const char *s) {
        return strpbrk(s, "*?[\\") != NULL;
}

/* Match comps[i..] below the host directory dir; every match is appended to *matches. */
static int glob_walk(struct loader *l, const char *dir, char **comps, size_t i, char ***matches) {
        _cleanup_strv_free_ char **names = NULL;
        int r;

        if (!comps[i])
                return strv_extend(matches, dir);

        if (l->n_listed++ >= GLOB_DIRS_MAX)
                return 0;
        r = root_list_dir(l->root, dir, &names);
        if (r == -ENOENT || r == -ENOTDIR)
                return 0;       /* Go's Glob ignores what is not there */
        if (r == -EACCES)       /* containerd (root) lists it; what it would import is unknown here */
                return problem(l, dir, 0, "cannot list: %s: files an import glob matches there are not read",
                               errno_name(r));
        if (r < 0)
                return r;
        if (!strv_contains(l->glob_dirs, dir) && strv_extend(&l->glob_dirs, dir) < 0)
                return -ENOMEM;
        for (char **n = names; *n; n++) {
                _cleanup_free_ char *p = NULL;

                if (fnmatch(comps[i], *n, 0) != 0)
                        continue;
                p = path_join(dir, *n);
                if (!p)
                        return -ENOMEM;
                r = glob_walk(l, p, comps, i + 1, matches);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Glob a normalised absolute pattern: the components before the first one with a meta character
 * are taken as they are, every later one is matched against the directory's entries. */
static int glob_in_root(struct loader *l, const char *pattern, char ***matches) {
        _cleanup_strv_free_ char **comps = NULL;
        _cleanup_free_ char *dir = strdup("/");
        const char *s = pattern;
        size_t i = 0;

        if (!dir)
                return -ENOMEM;
        comps = calloc(1, sizeof(char *));
        if (!comps)
                return -ENOMEM; /* cppcheck-suppress memleak ; dir is freed by its cleanup attribute */
        while (*s) {
                const char *e;

                while (*s == '/')
                        s++;
                if (!*s)
                        break;
                e = strchrnul(s, '/');
                if (strv_push(&comps, strndup(s, (size_t) (e - s))) < 0)
                        return -ENOMEM;
                s = e;
        }
        for (; comps[i] && !has_meta(comps[i]); i++) {
                char *d = path_join(dir, comps[i]);

                if (!d)
                        return -ENOMEM;
                free(dir);
                dir = d;
        }
        return glob_walk(l, dir, comps, i, matches);
}

/* ---- imports ---- */

/* The files one `imports` entry names, queued. */
static int resolve_import(struct loader *l, const char *parent, const char *entry) {
        _cleanup_strv_free_ char **matches = NULL;
        _cleanup_free_ char *joined = NULL, *path = NULL, *dir = NULL;
        bool glob = strchr(entry, '*');
        int r;

        if (entry[0] == '/')
                joined = strdup(entry);
        else if (glob && l->opts && l->opts->v1_relative_globs)
                joined = path_join(l->opts->cwd ? l->opts->cwd : "/", entry);
        else {
                dir = path_parent(parent);
                joined = dir ? path_join(dir, entry) : NULL;
        }
        if (!joined)
                return -ENOMEM;
        r = path_normalize(joined, &path);
        if (r < 0)
                return problem(l, parent, 0, "imports: \"%s\" is not a path", entry);

        if (strv_length(l->pending) >= PENDING_MAX)
                return problem(l, parent, 0, "imports: more than %d names: \"%s\" is not read", PENDING_MAX, entry);
        if (!glob)
                return strv_extend(&l->pending, path);
        if (!glob_pattern_valid(entry))
                return problem(l, parent, 0, "imports: \"%s\": syntax error in pattern: containerd "
                               "refuses to start", entry);
        matches = calloc(1, sizeof(char *));
        if (!matches)
                return -ENOMEM;
        r = glob_in_root(l, path, &matches);
        if (r < 0)
                return r;
        if (strv_length(l->pending) + strv_length(matches) > PENDING_MAX)
                return problem(l, parent, 0, "imports: \"%s\" matches too many files: not read", entry);
        return strv_extend_strv(&l->pending, matches);
}

/* ---- merging ---- */

static int merge_string(char **to, const char *from) {
        char *c;

        if (!from || !*from)
                return 0;       /* an empty string is Go's zero value: it does not replace */
        c = strdup(from);
        if (!c)
                return -ENOMEM;
        free(*to);
        *to = c;
        return 0;
}

static int merge_runtime(struct containerd_config *to, const struct containerd_runtime *from) {
        struct containerd_runtime *rt = NULL, *n;
        int r;

        for (size_t i = 0; i < to->n_runtimes && !rt; i++)
                if (to->runtimes[i].plugin == from->plugin && streq(to->runtimes[i].name, from->name))
                        rt = &to->runtimes[i];
        if (!rt) {
                n = realloc(to->runtimes, (to->n_runtimes + 1) * sizeof(*n));
                if (!n)
                        return -ENOMEM;
                to->runtimes = n;
                rt = &n[to->n_runtimes];
                *rt = (struct containerd_runtime) { .plugin = from->plugin, .name = strdup(from->name) };
                if (!rt->name)
                        return -ENOMEM;
                to->n_runtimes++;
        }
        r = merge_string(&rt->runtime_type, from->runtime_type);
        if (r >= 0)
                r = merge_string(&rt->binary_name, from->binary_name);
        return r;
}

void containerd_origins_done(struct containerd_origins *o) {
        if (!o)
                return;
        free(o->root);
        free(o->state);
        free(o->grpc_address);
        free(o->ttrpc_address);
        free(o->debug_address);
        free(o->plugin_dir);
        *o = (struct containerd_origins) {};
}

/* A string that replaces: its file becomes the key's origin (when origins are kept). */
static int merge_origin(char **to, const char *from, char **origin, const char *file) {
        int r = merge_string(to, from);

        if (r < 0 || !origin || !from || !*from)
                return r;
        free(*origin);
        *origin = strdup(file);
        return *origin ? 0 : -ENOMEM;
}

static int merge_config(struct loader *l, const char *file, const struct containerd_config *from) {
        struct containerd_config *to = &l->out;
        struct containerd_origins *o = l->opts ? l->opts->origins : NULL;
        int r = 0;

        if (from->version != 0)
                to->version = from->version;
        if (r >= 0)
                r = merge_origin(&to->root, from->root, o ? &o->root : NULL, file);
        if (r >= 0)
                r = merge_origin(&to->state, from->state, o ? &o->state : NULL, file);
        if (r >= 0)
                r = merge_origin(&to->grpc_address, from->grpc_address, o ? &o->grpc_address : NULL, file);
        if (r >= 0)
                r = merge_origin(&to->ttrpc_address, from->ttrpc_address, o ? &o->ttrpc_address : NULL, file);
        if (r >= 0)
                r = merge_origin(&to->debug_address, from->debug_address, o ? &o->debug_address : NULL, file);
        if (r >= 0)
                r = merge_origin(&to->plugin_dir, from->plugin_dir, o ? &o->plugin_dir : NULL, file);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(from->registry_config_path); i++)
                r = merge_string(&to->registry_config_path[i], from->registry_config_path[i]);
        if (r >= 0)
                r = merge_string(&to->nri_plugin_path, from->nri_plugin_path);
        if (r >= 0)
                r = merge_string(&to->nri_plugin_config_path, from->nri_plugin_config_path);
        if (from->nri_disable_set) {
                to->nri_disable_set = true;
                to->nri_disable = from->nri_disable;
        }
        for (size_t i = 0; r >= 0 && i < from->n_runtimes; i++)
                r = merge_runtime(to, &from->runtimes[i]);
        return r;
}

/* ---- loading ---- */

/* Read, parse and merge one file, then queue its imports. -ENOENT for a missing main file. */
static int load_one(struct loader *l, const char *path, bool main_file) {
        _cleanup_free_ char *data = NULL;
        struct containerd_config c = {};
        const char *msg = NULL;
        unsigned line = 0;
        size_t len = 0;
        int r;

        r = root_read_file(l->root, path, &data, &len);
        if (r == -ENOENT && main_file)
                return r;
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return problem(l, path, 0, "cannot read: %s: containerd refuses to start", errno_name(r));

        r = containerd_toml_parse(data, len, &c, &line, &msg);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return problem(l, path, line, "%s: containerd refuses the file and does not start",
                               msg ? msg : "malformed TOML");

        r = merge_config(l, path, &c);
        for (char **i = c.imports; r >= 0 && i && *i; i++)
                r = resolve_import(l, path, *i);
        containerd_config_done(&c);
        return r;
}

static void loader_done(struct loader *l) {
        containerd_config_done(&l->out);
        strv_free(l->pending);
        strv_free(l->loaded);
        strv_free(l->glob_dirs);
        problems_done(&l->problems);
}

int containerd_config_load(const struct root *root, const char *path, const struct containerd_load_options *opts,
                           struct containerd_config *ret, char ***ret_files_read, char ***ret_glob_dirs,
                           struct problems *ret_problems) {
        struct loader l = { .root = root, .opts = opts };
        _cleanup_free_ char *main_path = NULL;
        int r;

        r = path_normalize(path, &main_path);
        if (r < 0)
                return r;
        l.pending = calloc(1, sizeof(char *));
        l.loaded = calloc(1, sizeof(char *));
        if (!l.pending || !l.loaded || strv_extend(&l.pending, main_path) < 0) {
                loader_done(&l);
                return -ENOMEM;
        }

        for (r = 0; r >= 0 && l.pending[l.next]; l.next++) {
                const char *p = l.pending[l.next];

                if (strv_contains(l.loaded, p))
                        continue;       /* imported twice (or in a cycle): loaded once */
                if (strv_length(l.loaded) >= FILES_MAX) {
                        r = problem(&l, main_path, 0, "more than %d files imported: the rest are not read",
                                    FILES_MAX);
                        break;
                }
                r = strv_extend(&l.loaded, p);
                if (r >= 0)
                        r = load_one(&l, p, l.next == 0);
        }
        if (r >= 0 && l.out.version > 3)
                r = problem(&l, main_path, 0, "version %d: containerd 2.x refuses a config version over 3",
                            l.out.version);
        if (r >= 0) {
                l.out.imports = strv_copy(l.loaded);
                if (!l.out.imports)
                        r = -ENOMEM;
        }
        if (r < 0) {
                loader_done(&l);
                return r;
        }

        *ret = l.out;
        l.out = (struct containerd_config) {};
        if (ret_files_read)
                *ret_files_read = TAKE_PTR(l.loaded);
        if (ret_glob_dirs)
                *ret_glob_dirs = TAKE_PTR(l.glob_dirs);
        if (ret_problems) {
                *ret_problems = l.problems;
                l.problems = (struct problems) {};
        }
        loader_done(&l);
        return 0;
}
