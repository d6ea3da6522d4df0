/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The judge of never rules against our watches: pure functions over decoded rules. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

int filter_rule_format(const struct filter_rule *r, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;
        int k;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
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
        if (!r->all_syscalls) {
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

int shadow_judge(const struct filter_rule *rules, size_t n_rules, const struct shadow_target *targets,
                 size_t n_targets, struct shadow **ret, size_t *ret_n) {
        struct shadow *v = calloc(1, sizeof(*v));
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n_rules; i++) {
                const struct filter_rule *r = &rules[i];
                struct shadow before = { .rule = r, .kind = SHADOW_EXIT_BEFORE },
                              after = { .rule = r, .kind = SHADOW_EXIT_AFTER };
                enum shadow_scope s = shadow_task_scope(r);

                if (s != SHADOW_NONE) {
                        if (push(&v, &n, (struct shadow) { .rule = r, .kind = SHADOW_TASK, .scope = s,
                                                           .n_targets = n_targets,
                                                           .first_path = n_targets ? targets[0].path : NULL }) < 0)
                                goto oom;
                        continue;
                }
                for (size_t j = 0; j < n_targets; j++) {
                        struct shadow *x;

                        s = shadow_exit_scope(r, targets[j].path, targets[j].recursive);
                        if (s == SHADOW_NONE)
                                continue;
                        x = r->pos < targets[j].pos ? &before : &after;
                        if (x->n_targets++ == 0)
                                x->first_path = targets[j].path;
                        if (s > x->scope)
                                x->scope = s;
                }
                if (before.n_targets > 0 && push(&v, &n, before) < 0)
                        goto oom;
                if (after.n_targets > 0 && push(&v, &n, after) < 0)
                        goto oom;
        }
        *ret = v;
        *ret_n = n;
        return (int) n;
oom:
        free(v);
        return -ENOMEM;
}
