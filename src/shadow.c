/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The judge of never rules against our watches: pure functions over decoded rules. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shadow.h"
#include "string-table.h"
#include "util.h"

static const char *const filter_list_table[_FILTER_LIST_MAX] = {
        [FILTER_LIST_USER] = "user",
        [FILTER_LIST_TASK] = "task",
        [FILTER_LIST_EXIT] = "exit",
        [FILTER_LIST_EXCLUDE] = "exclude",
        [FILTER_LIST_FS] = "filesystem",
        [FILTER_LIST_URING] = "io_uring",
        [FILTER_LIST_OTHER] = "other",
};
DEFINE_STRING_TABLE_LOOKUP(filter_list, enum filter_list, filter_list_table, _FILTER_LIST_MAX);

static const char *const filter_action_table[_FILTER_ACTION_MAX] = {
        [FILTER_NEVER] = "never",
        [FILTER_ALWAYS] = "always",
};
DEFINE_STRING_TABLE_LOOKUP(filter_action, enum filter_action, filter_action_table, _FILTER_ACTION_MAX);

static const char *const filter_op_table[_FILTER_OP_MAX] = {
        [FILTER_OP_EQ] = "=",
        [FILTER_OP_NE] = "!=",
        [FILTER_OP_LT] = "<",
        [FILTER_OP_GT] = ">",
        [FILTER_OP_LE] = "<=",
        [FILTER_OP_GE] = ">=",
        [FILTER_OP_BITMASK] = "&",
        [FILTER_OP_BITTEST] = "&=",
};
DEFINE_STRING_TABLE_LOOKUP(filter_op, enum filter_op, filter_op_table, _FILTER_OP_MAX);

static const char *const shadow_kind_table[_SHADOW_KIND_MAX] = {
        [SHADOW_TASK] = "task",
        [SHADOW_EXIT_BEFORE] = "exit-before",
        [SHADOW_EXIT_AFTER] = "exit-after",
        [SHADOW_KEY_BEFORE] = "key-before",
        [SHADOW_KEY_AFTER] = "key-after",
};
DEFINE_STRING_TABLE_LOOKUP(shadow_kind, enum shadow_kind, shadow_kind_table, _SHADOW_KIND_MAX);

void filter_rule_done(struct filter_rule *r) {
        if (!r)
                return;
        for (size_t i = 0; i < r->n_fields; i++) {
                free(r->fields[i].name);
                free(r->fields[i].value);
        }
        free(r->fields);
        strv_free(r->syscalls);
        strv_free(r->keys);
        free(r->file);
        *r = (struct filter_rule) {};
}

void filter_rules_free(struct filter_rule *r, size_t n) {
        for (size_t i = 0; r && i < n; i++)
                filter_rule_done(&r[i]);
        free(r);
}

int filter_rule_add_field(struct filter_rule *r, const char *name, enum filter_op op, const char *value) {
        struct filter_field *f = reallocarray(r->fields, r->n_fields + 1, sizeof(*f));
        char *n, *v;

        if (!f)
                return -ENOMEM;
        r->fields = f;
        n = strdup(name);
        v = strdup(value ? value : "");
        if (!n || !v) {
                free(n);
                free(v);
                return -ENOMEM;
        }
        f[r->n_fields++] = (struct filter_field) { .name = n, .op = op, .value = v };
        return 0;
}

const struct filter_field *filter_rule_field(const struct filter_rule *r, const char *name) {
        for (size_t i = 0; i < r->n_fields; i++)
                if (streq(r->fields[i].name, name))
                        return &r->fields[i];
        return NULL;
}

/* -w shape: always,exit, every syscall, one path= or dir= and one perm= field, nothing else. */
static bool watch_shaped(const struct filter_rule *r, const struct filter_field **ret_path,
                         const struct filter_field **ret_perm) {
        const struct filter_field *path = NULL, *perm = NULL;

        if (r->list != FILTER_LIST_EXIT || r->action != FILTER_ALWAYS || r->prepend ||
            (!r->all_syscalls && r->syscalls))
                return false;
        for (size_t i = 0; i < r->n_fields; i++) {
                const struct filter_field *f = &r->fields[i];
                if (f->op == FILTER_OP_EQ && (streq(f->name, "path") || streq(f->name, "dir")) && !path)
                        path = f;
                else if (f->op == FILTER_OP_EQ && streq(f->name, "perm") && !perm)
                        perm = f;
                else
                        return false;
        }
        *ret_path = path;
        *ret_perm = perm;
        return path && perm;
}

int filter_rule_format(const struct filter_rule *r, char **ret) {
        _cleanup_free_ char *buf = NULL;
        const struct filter_field *wpath, *wperm;
        size_t size = 0;
        FILE *f;
        int k;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        if ((r->as_watch || !r->file) && watch_shaped(r, &wpath, &wperm)) {
                fprintf(f, "-w %s -p %s", wpath->value, wperm->value);
                goto keys;
        }
        fprintf(f, "-%c %s,%s", r->prepend ? 'A' : 'a', strempty(filter_action_to_string(r->action)),
                strempty(filter_list_to_string(r->list)));
        /* Field order as the kernel holds it, except the syscalls, which auditctl writes first. */
        for (size_t i = 0; i < r->n_fields; i++)
                if (streq(r->fields[i].name, "arch"))
                        fprintf(f, " -F arch%s%s", filter_op_to_string(r->fields[i].op), r->fields[i].value);
        if (r->list == FILTER_LIST_EXIT) {
                if (r->all_syscalls)
                        fputs(" -S all", f);
                else
                        for (char **s = r->syscalls; s && *s; s++)
                                fprintf(f, "%s%s", s == r->syscalls ? " -S " : ",", *s);
        }
        for (size_t i = 0; i < r->n_fields; i++)
                if (streq(r->fields[i].name, "field_compare") && r->file)
                        fprintf(f, " -C %s", r->fields[i].value); /* as the file wrote it */
                else if (!streq(r->fields[i].name, "arch"))
                        fprintf(f, " -F %s%s%s", r->fields[i].name, filter_op_to_string(r->fields[i].op),
                                r->fields[i].value);
keys:
        for (char **s = r->keys; s && *s; s++)
                fprintf(f, " -k %s", *s);
        k = ferror(f);
        if (fclose(f) != 0 || k)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* Fields that narrow nothing for our purpose. */
static bool is_neutral_field(const char *name) {
        return streq(name, "arch") || streq(name, "key");
}

/* An arch field that selects the 32-bit system calls of a 64-bit machine: only programs of
 * that ABI are matched, and the Docker daemons are native. */
static bool is_compat_arch(const struct filter_field *f) {
        static const char *const names[] = { "b32", "i386", "i486", "i586", "i686", "arm", "armeb", "armv7l",
                                             "ppc", "s390" };

        if (!streq(f->name, "arch"))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(f->value, names[i]))
                        return f->op == FILTER_OP_EQ;
        return f->op == FILTER_OP_NE; /* arch!=b64: everything but the native calls */
}

bool shadow_syscall_relevant(const char *name) {
        /* The kernel's file classes (include/asm-generic/audit_*.h: read, write, change
         * attributes, execute) and the opens that the permission check looks at. */
        static const char *const names[] = {
                "open", "openat", "openat2", "creat", "open_by_handle_at", "truncate", "truncate64",
                "ftruncate", "ftruncate64", "rename", "renameat", "renameat2", "unlink", "unlinkat",
                "mkdir", "mkdirat", "rmdir", "link", "linkat", "symlink", "symlinkat", "mknod",
                "mknodat", "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "fchownat",
                "lchown", "chown32", "fchown32", "lchown32", "setxattr", "lsetxattr", "fsetxattr",
                "removexattr", "lremovexattr", "fremovexattr", "setxattrat", "removexattrat",
                "utime", "utimes", "futimesat", "utimensat", "readlink", "readlinkat", "execve",
                "execveat", "acct", "swapon", "quotactl", "quotactl_fd", "listxattr", "llistxattr",
                "getxattr", "lgetxattr", "bind", "mount", "umount2", "uselib", "fchdir",
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(name, names[i]))
                        return true;
        return false;
}

enum shadow_scope shadow_task_scope(const struct filter_rule *r) {
        if (r->list != FILTER_LIST_TASK || r->action != FILTER_NEVER)
                return SHADOW_NONE;
        for (size_t i = 0; i < r->n_fields; i++)
                if (!is_neutral_field(r->fields[i].name))
                        return SHADOW_SOME;
        return SHADOW_ALL;
}

/* Is a below or equal to b (path components)? */
static bool path_at_or_below(const char *a, const char *b) {
        return path_startswith_dir(a, b);
}

/* What the path fields of r select of a watch on path: NONE, SOME (part of a tree) or ALL. */
static enum shadow_scope path_scope(const struct filter_rule *r, const char *path, bool recursive) {
        enum shadow_scope s = SHADOW_ALL;
        bool any = false;

        for (size_t i = 0; i < r->n_fields; i++) {
                const struct filter_field *f = &r->fields[i];
                bool dir = streq(f->name, "dir");
                enum shadow_scope here = SHADOW_NONE;

                if (!dir && !streq(f->name, "path"))
                        continue;
                any = true;
                if (f->op != FILTER_OP_EQ)
                        return SHADOW_NONE;
                if (streq(f->value, path) || (dir && path_at_or_below(path, f->value)))
                        here = SHADOW_ALL;
                else if (recursive && path_at_or_below(f->value, path))
                        here = SHADOW_SOME;
                if (here < s)
                        s = here;
        }
        return any ? s : SHADOW_ALL;
}

enum shadow_scope shadow_exit_scope(const struct filter_rule *r, const char *path, bool recursive) {
        enum shadow_scope s;

        if (r->list != FILTER_LIST_EXIT || r->action != FILTER_NEVER || !path)
                return SHADOW_NONE;
        s = path_scope(r, path, recursive);
        if (s == SHADOW_NONE)
                return s;
        /* No syscall given: auditctl adds every one (-S all). */
        if (!r->all_syscalls && r->syscalls) {
                bool relevant = false;

                for (char **sc = r->syscalls; sc && *sc && !relevant; sc++)
                        relevant = shadow_syscall_relevant(*sc);
                if (!relevant)
                        return SHADOW_NONE;
                s = SHADOW_SOME;
        }
        for (size_t i = 0; i < r->n_fields; i++) {
                const char *n = r->fields[i].name;
                if (is_compat_arch(&r->fields[i]))
                        s = SHADOW_SOME;
                if (is_neutral_field(n) || streq(n, "path") || streq(n, "dir"))
                        continue;
                /* A task field, or an object field (perm, success, exit, filetype ...). */
                s = SHADOW_SOME;
        }
        return s;
}

/* ---- Rules of another key that take our events ---- */

unsigned shadow_syscall_classes(const char *name) {
        /* include/asm-generic/audit_read.h, audit_write.h (with audit_dir_write.h),
         * audit_change_attr.h; the opens by their flags and execve by audit_classify_syscall()
         * (arch/x86/kernel/audit_64.c). */
        static const struct {
                const char *name;
                unsigned classes;
        } table[] = {
                { "open", SHADOW_CLASS_READ | SHADOW_CLASS_WRITE },
                { "openat", SHADOW_CLASS_READ | SHADOW_CLASS_WRITE },
                { "openat2", SHADOW_CLASS_READ | SHADOW_CLASS_WRITE },
                { "execve", SHADOW_CLASS_EXEC },
                { "execveat", SHADOW_CLASS_EXEC },
                { "readlink", SHADOW_CLASS_READ },
                { "readlinkat", SHADOW_CLASS_READ },
                { "quotactl", SHADOW_CLASS_READ | SHADOW_CLASS_WRITE },
                { "listxattr", SHADOW_CLASS_READ },
                { "llistxattr", SHADOW_CLASS_READ },
                { "flistxattr", SHADOW_CLASS_READ },
                { "getxattr", SHADOW_CLASS_READ },
                { "lgetxattr", SHADOW_CLASS_READ },
                { "fgetxattr", SHADOW_CLASS_READ },
                { "getxattrat", SHADOW_CLASS_READ },
                { "listxattrat", SHADOW_CLASS_READ },
                { "rename", SHADOW_CLASS_WRITE },
                { "renameat", SHADOW_CLASS_WRITE },
                { "renameat2", SHADOW_CLASS_WRITE },
                { "mkdir", SHADOW_CLASS_WRITE },
                { "mkdirat", SHADOW_CLASS_WRITE },
                { "rmdir", SHADOW_CLASS_WRITE },
                { "creat", SHADOW_CLASS_WRITE },
                { "link", SHADOW_CLASS_WRITE },
                { "linkat", SHADOW_CLASS_WRITE },
                { "unlink", SHADOW_CLASS_WRITE },
                { "unlinkat", SHADOW_CLASS_WRITE },
                { "symlink", SHADOW_CLASS_WRITE },
                { "symlinkat", SHADOW_CLASS_WRITE },
                { "mknod", SHADOW_CLASS_WRITE },
                { "mknodat", SHADOW_CLASS_WRITE },
                { "acct", SHADOW_CLASS_WRITE },
                { "swapon", SHADOW_CLASS_WRITE },
                { "truncate", SHADOW_CLASS_WRITE },
                { "truncate64", SHADOW_CLASS_WRITE },
                { "ftruncate", SHADOW_CLASS_WRITE },
                { "ftruncate64", SHADOW_CLASS_WRITE },
                { "bind", SHADOW_CLASS_WRITE },
                { "fallocate", SHADOW_CLASS_WRITE },
                { "chmod", SHADOW_CLASS_ATTR },
                { "fchmod", SHADOW_CLASS_ATTR },
                { "fchmodat", SHADOW_CLASS_ATTR },
                { "fchmodat2", SHADOW_CLASS_ATTR },
                { "chown", SHADOW_CLASS_ATTR },
                { "fchown", SHADOW_CLASS_ATTR },
                { "lchown", SHADOW_CLASS_ATTR },
                { "fchownat", SHADOW_CLASS_ATTR },
                { "chown32", SHADOW_CLASS_ATTR },
                { "fchown32", SHADOW_CLASS_ATTR },
                { "lchown32", SHADOW_CLASS_ATTR },
                { "setxattr", SHADOW_CLASS_ATTR },
                { "lsetxattr", SHADOW_CLASS_ATTR },
                { "fsetxattr", SHADOW_CLASS_ATTR },
                { "setxattrat", SHADOW_CLASS_ATTR },
                { "removexattr", SHADOW_CLASS_ATTR },
                { "lremovexattr", SHADOW_CLASS_ATTR },
                { "fremovexattr", SHADOW_CLASS_ATTR },
                { "removexattrat", SHADOW_CLASS_ATTR },
                { "utime", SHADOW_CLASS_ATTR },
                { "utimes", SHADOW_CLASS_ATTR },
                { "futimesat", SHADOW_CLASS_ATTR },
                { "utimensat", SHADOW_CLASS_ATTR },
        };

        for (size_t i = 0; name && i < ELEMENTSOF(table); i++)
                if (streq(name, table[i].name))
                        return table[i].classes;
        return 0;
}

const char *shadow_classes_to_string(unsigned classes, char buf[static 5]) {
        static const char letters[] = "rwxa";
        size_t n = 0;

        for (unsigned i = 0; i < 4; i++)
                if (classes & (1u << i))
                        buf[n++] = letters[i];
        if (n == 0)
                buf[n++] = '-';
        buf[n] = 0;
        return buf;
}

/* perm=VALUE as classes: letters r w x a, any order. */
static unsigned perm_field_classes(const char *v) {
        unsigned c = 0;

        for (; v && *v; v++)
                c |= *v == 'r' ? SHADOW_CLASS_READ : *v == 'w' ? SHADOW_CLASS_WRITE : *v == 'x' ? SHADOW_CLASS_EXEC
                     : *v == 'a' ? SHADOW_CLASS_ATTR : 0;
        return c;
}

/* Is dir the directory path is in (path components, no allocation: this runs for every rule of
 * a large rule set)? */
static bool is_parent(const char *dir, const char *path) {
        size_t n = strlen(dir);
        const char *rest;

        while (n > 1 && dir[n - 1] == '/')
                n--;
        if (strncmp(path, dir, n) != 0)
                return false;
        rest = path + n;
        if (n == 1 && dir[0] == '/')
                rest = path; /* "/" is the parent of "/x" */
        if (*rest != '/')
                return false;
        while (*rest == '/')
                rest++;
        return *rest && !strchr(rest, '/');
}

/* What the path fields of an always rule select of the events on a watch on path: 0 none, 1
 * some of them (may), 2 all of them; *ret_classes narrowed to what the entry changes can be. */
static int take_path(const struct filter_rule *r, const char *path, bool recursive, unsigned *ret_classes) {
        int s = 2;

        for (size_t i = 0; i < r->n_fields; i++) {
                const struct filter_field *f = &r->fields[i];
                bool dir = streq(f->name, "dir");
                int here = 0;

                if (!dir && !streq(f->name, "path"))
                        continue;
                if (f->op != FILTER_OP_EQ)
                        return 0;
                if (streq(f->value, path) || (dir && path_at_or_below(path, f->value)))
                        here = 2;
                else if (recursive && path_at_or_below(f->value, path))
                        here = 1;
                else if (!dir && is_parent(f->value, path)) {
                        /* The kernel matches a path= watch against every inode a call collects,
                         * the parent directory of a created, renamed or removed entry too. */
                        here = 1;
                        *ret_classes &= SHADOW_CLASS_WRITE;
                }
                if (here < s)
                        s = here;
        }
        return s;
}

unsigned shadow_take_classes(const struct filter_rule *r, const char *path, bool recursive, unsigned perms,
                             bool *ret_may) {
        unsigned classes = perms ? perms & SHADOW_CLASS_ALL : SHADOW_CLASS_ALL;
        bool may = false;
        int s;

        if (r->list != FILTER_LIST_EXIT || r->action != FILTER_ALWAYS || !path)
                return 0;
        s = take_path(r, path, recursive, &classes);
        if (s == 0)
                return 0;
        may = s == 1;
        if (!r->all_syscalls && r->syscalls) {
                unsigned sc = 0;

                for (char **x = r->syscalls; *x; x++)
                        sc |= shadow_syscall_classes(*x);
                classes &= sc;
                may = true;
        }
        for (size_t i = 0; i < r->n_fields && classes; i++) {
                const struct filter_field *f = &r->fields[i];

                if (is_compat_arch(f))
                        return 0;
                if (is_neutral_field(f->name) || streq(f->name, "path") || streq(f->name, "dir"))
                        continue;
                if (streq(f->name, "perm") && f->op == FILTER_OP_EQ)
                        classes &= perm_field_classes(f->value);
                else
                        may = true;
        }
        if (classes && ret_may)
                *ret_may = may;
        return classes;
}

const struct filter_rule *shadow_taker_first(const struct filter_rule *rules, size_t n_rules, const char *path,
                                             bool recursive, unsigned klass, unsigned our_pos, bool *ret_may) {
        const struct filter_rule *best = NULL;
        bool best_may = false;

        for (size_t i = 0; i < n_rules; i++) {
                bool may = false;

                if (rules[i].pos >= our_pos || (best && rules[i].pos >= best->pos))
                        continue;
                if (!(shadow_take_classes(&rules[i], path, recursive, klass, &may) & klass))
                        continue;
                best = &rules[i];
                best_may = may;
        }
        if (best && ret_may)
                *ret_may = best_may;
        return best;
}

void shadows_free(struct shadow *s, size_t n) {
        for (size_t i = 0; s && i < n; i++)
                free(s[i].which);
        free(s);
}

const char *shadow_effect(const struct shadow *s) {
        switch (s->kind) {
        case SHADOW_TASK:
                return s->scope == SHADOW_ALL
                        ? "no system call of any task is audited: every watch is silent although it is loaded"
                        : "no system call of the tasks it matches is audited: the watches record nothing they do";
        case SHADOW_EXIT_BEFORE:
                return s->scope == SHADOW_ALL
                        ? "it comes before our watch in the exit list and matches everything it records: "
                          "nothing is recorded"
                        : "it comes before our watch in the exit list and matches part of what it records "
                          "(some tasks, system calls or files): those events are not recorded";
        case SHADOW_EXIT_AFTER:
                return "it comes after our watch in the exit list: no effect on it";
        case SHADOW_KEY_BEFORE:
                return s->scope == SHADOW_ALL
                        ? "it comes before our watch in the exit list and takes these events: they are recorded "
                          "under its key, not ours"
                        : "it comes before our watch in the exit list and may take some of these events (some "
                          "tasks, system calls or files): those are recorded under its key, not ours";
        case SHADOW_KEY_AFTER:
                return "it comes after our watch in the exit list: the events both match carry our key, and "
                       "its rule set no longer records them under its own";
        default:
                return "";
        }
}

static int push(struct shadow **v, size_t *n, struct shadow s) {
        struct shadow *x = reallocarray(*v, *n + 1, sizeof(**v));

        if (!x)
                return -ENOMEM;
        x[(*n)++] = s;
        *v = x;
        return 0;
}

/* Note target j (index) in a shadow being built. */
static int touch(struct shadow *x, const struct shadow_target *t, size_t j) {
        size_t *w = reallocarray(x->which, x->n_targets + 1, sizeof(*w));

        if (!w)
                return -ENOMEM;
        x->which = w;
        w[x->n_targets] = j;
        if (x->n_targets++ == 0)
                x->first_path = t->path;
        return 0;
}

int shadow_judge(const struct filter_rule *rules, size_t n_rules, const struct shadow_target *targets,
                 size_t n_targets, struct shadow **ret, size_t *ret_n) {
        struct shadow *v = calloc(1, sizeof(*v));
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n_rules; i++) {
                const struct filter_rule *r = &rules[i];
                bool key = r->action == FILTER_ALWAYS;
                struct shadow before = { .rule = r, .kind = key ? SHADOW_KEY_BEFORE : SHADOW_EXIT_BEFORE },
                              after = { .rule = r, .kind = key ? SHADOW_KEY_AFTER : SHADOW_EXIT_AFTER };
                enum shadow_scope s = shadow_task_scope(r);

                if (s != SHADOW_NONE) {
                        struct shadow task = { .rule = r, .kind = SHADOW_TASK, .scope = s };

                        for (size_t j = 0; j < n_targets; j++)
                                if (touch(&task, &targets[j], j) < 0) {
                                        free(task.which);
                                        goto oom;
                                }
                        if (push(&v, &n, task) < 0) {
                                free(task.which);
                                goto oom;
                        }
                        continue;
                }
                for (size_t j = 0; j < n_targets; j++) {
                        struct shadow *x;
                        unsigned classes = 0;

                        if (key) {
                                bool may = false;

                                classes = shadow_take_classes(r, targets[j].path, targets[j].recursive,
                                                              targets[j].perms, &may);
                                s = !classes ? SHADOW_NONE : may ? SHADOW_SOME : SHADOW_ALL;
                        } else
                                s = shadow_exit_scope(r, targets[j].path, targets[j].recursive);
                        if (s == SHADOW_NONE)
                                continue;
                        x = r->pos < targets[j].pos ? &before : &after;
                        if (touch(x, &targets[j], j) < 0)
                                goto oom_rule;
                        x->classes |= classes;
                        if (s > x->scope)
                                x->scope = s;
                }
                if (before.n_targets > 0 && push(&v, &n, before) < 0)
                        goto oom_rule;
                before.which = NULL;
                if (after.n_targets > 0 && push(&v, &n, after) < 0)
                        goto oom_rule;
                continue;
        oom_rule:
                free(before.which);
                free(after.which);
                goto oom;
        }
        *ret = v;
        *ret_n = n;
        return (int) n;
oom:
        shadows_free(v, n);
        return -ENOMEM;
}
