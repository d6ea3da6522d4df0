/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "rule.h"
#include "string-table.h"
#include "util.h"

/* AUDIT_MAX_KEY_LEN: the limit for the whole key field, several keys joined by 0x01 included. */
#define KEY_LEN_MAX 256

static const char *const rule_order_table[_RULE_ORDER_MAX] = {
        [ORDER_LAST] = "last",
        [ORDER_FIRST] = "first",
};
DEFINE_STRING_TABLE_LOOKUP(rule_order, enum rule_order, rule_order_table, _RULE_ORDER_MAX);

void rule_done(struct rule *r) {
        if (!r)
                return;
        free(r->path);
        free(r->exe);
        strv_free(r->keys);
        *r = (struct rule) {};
}

int rule_copy(const struct rule *src, struct rule *ret) {
        _cleanup_free_ char *path = NULL, *exe = NULL;
        _cleanup_strv_free_ char **keys = NULL;

        if (src->path) {
                path = strdup(src->path);
                if (!path)
                        return -ENOMEM;
        }
        if (src->exe) {
                exe = strdup(src->exe);
                if (!exe)
                        return -ENOMEM;
        }
        keys = strv_copy(src->keys);
        if (!keys)
                return -ENOMEM;

        *ret = (struct rule) {
                .form = src->form,
                .kind = src->kind,
                .path = TAKE_PTR(path),
                .perms = src->perms,
                .exe = TAKE_PTR(exe),
                .exe_negated = src->exe_negated,
                .auid_set = src->auid_set,
                .keys = TAKE_PTR(keys),
        };
        return 0;
}

static unsigned perm_from_char(char c) {
        switch (c) {
        case 'r':
                return PERM_READ;
        case 'w':
                return PERM_WRITE;
        case 'x':
                return PERM_EXEC;
        case 'a':
                return PERM_ATTR;
        default:
                return 0;
        }
}

int perms_from_string(const char *s, unsigned *ret) {
        unsigned perms = 0;

        if (!s || !*s)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                unsigned bit = perm_from_char(*p);

                if (bit == 0 || (perms & bit))
                        return -EINVAL;
                perms |= bit;
        }
        if (ret)
                *ret = perms;
        return 0;
}

const char *perms_to_string(unsigned perms, char buf[static 5]) {
        char *p = buf;

        if (perms & PERM_READ)
                *p++ = 'r';
        if (perms & PERM_WRITE)
                *p++ = 'w';
        if (perms & PERM_EXEC)
                *p++ = 'x';
        if (perms & PERM_ATTR)
                *p++ = 'a';
        *p = 0;
        return buf;
}

/* What auditctl accepts after -p or perm=: at most four letters, case-insensitive, repeats allowed. */
static int perms_from_auditctl(const char *s, unsigned *ret) {
        unsigned perms = 0;
        size_t n = strlen(s);

        if (n == 0 || n > 4)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                unsigned bit = perm_from_char((char) tolower((unsigned char) *p));

                if (bit == 0)
                        return -EINVAL;
                perms |= bit;
        }
        *ret = perms;
        return 0;
}

static bool keys_contain_all(char * const *a, char * const *b) {
        for (char * const *i = a; i && *i; i++)
                if (!strv_contains(b, *i))
                        return false;
        return true;
}

bool rule_equal(const struct rule *a, const struct rule *b) {
        if (a->kind != b->kind || a->perms != b->perms)
                return false;
        if (!streq_ptr(a->path, b->path) || !streq_ptr(a->exe, b->exe))
                return false;
        if (a->exe && a->exe_negated != b->exe_negated)
                return false;
        if (a->auid_set != b->auid_set)
                return false;
        return keys_contain_all(a->keys, b->keys) && keys_contain_all(b->keys, a->keys);
}

bool rule_has_key(const struct rule *r, const char *key) {
        return strv_contains(r->keys, key);
}

bool rule_key_valid(const char *key) {
        size_t n = 0;

        if (!key)
                return false;
        /* Everything up to ' ' is whitespace or a control character, 0x01 (the kernel's key
         * separator) included. */
        for (const unsigned char *p = (const unsigned char *) key; *p; p++, n++)
                if (*p <= ' ' || *p == 0x7f || *p == '#' || *p == '"' || *p == '\\')
                        return false;
        return n > 0 && n <= KEY_LEN_MAX;
}

static bool basename_ok(const char *path) {
        return strlen(path_basename(path)) <= NAME_MAX;
}

static int rule_validate(const struct rule *r) {
        size_t total = 0, n = 0;

        if (!rule_path_ok(r->path) || !basename_ok(r->path))
                return -EINVAL;
        /* auditctl strips a trailing '/' from -w; the kernel refuses one on path=. */
        if (!streq(r->path, "/") && endswith(r->path, "/"))
                return -EINVAL;
        if (r->form == FORM_A && r->kind == WATCH_FILE && streq(r->path, "/"))
                return -EINVAL;
        if (r->form != FORM_W && r->form != FORM_A)
                return -EINVAL;
        if (r->kind != WATCH_FILE && r->kind != WATCH_DIR)
                return -EINVAL;
        if (r->perms == 0 || (r->perms & ~(unsigned) PERM_ALL))
                return -EINVAL;
        if (r->exe) {
                if (r->form == FORM_W)
                        return -EINVAL;
                /* The kernel wants an absolute exe without a trailing '/'. */
                if (!rule_path_ok(r->exe) || endswith(r->exe, "/"))
                        return -EINVAL;
        }
        if (r->auid_set && r->form == FORM_W)
                return -EINVAL;
        for (char **k = r->keys; k && *k; k++, n++) {
                if (!rule_key_valid(*k))
                        return -EINVAL;
                total += strlen(*k) + (n > 0);
        }
        if (n == 0 || total > KEY_LEN_MAX)
                return -EINVAL;
        return 0;
}

int rule_format(const struct rule *r, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;
        char perms[5];
        int k;

        k = rule_validate(r);
        if (k < 0)
                return k;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;

        perms_to_string(r->perms, perms);
        if (r->form == FORM_W)
                fprintf(f, "-w %s -p %s", r->path, perms);
        else {
                fprintf(f, "-a always,exit -F %s=%s -F perm=%s",
                        r->kind == WATCH_DIR ? "dir" : "path", r->path, perms);
                if (r->exe)
                        fprintf(f, " -F exe%s=%s", r->exe_negated ? "!" : "", r->exe);
                if (r->auid_set)
                        fprintf(f, " -F auid!=unset");
        }
        for (char **i = r->keys; *i; i++)
                fprintf(f, " -k %s", *i);

        k = ferror(f);
        if (fclose(f) != 0 || k)
                return -ENOMEM;

        *ret = TAKE_PTR(buf);
        return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing: an emulation of what auditctl's setopt() does with one line of a rules file.       */

enum {
        LIST_NONE,
        LIST_TASK,
        LIST_EXIT,
        LIST_USER,
        LIST_EXCLUDE,
        LIST_FS,
        LIST_URING,
};

enum {
        ACTION_NONE,
        ACTION_ALWAYS,
        ACTION_NEVER,
};

struct parse_state {
        char **tok;
        size_t n_tok;
        size_t i;               /* index of the token being handled */

        bool control;           /* a status/config option, -d or -W */
        bool watch;             /* -w */
        bool add;               /* -a or -A */
        bool del;               /* -d */
        int list;
        int action;

        /* auditctl's _audit_syscalladded, _audit_permadded, _audit_exeadded, _audit_filterfsadded */
        bool syscall, perm_added, exe_added, fs_added;
        bool other;             /* a field or option that makes this no plain watch */

        unsigned n_fields;      /* fields in the order they enter the kernel rule */
        unsigned path_pos, perm_pos, exe_pos, auid_pos;   /* 1-based, 0 = none */

        enum watch_kind kind;
        const char *path;       /* points into a token */
        size_t path_len;
        unsigned perms;
        const char *exe;
        bool exe_negated;
        bool auid_set;          /* auid!=unset (or its number, 4294967295 or -1) */
        char **keys;
        size_t keys_len;        /* joined length with separators */

        bool stray;
        bool comment;
};

static int fail(const char **ret_why, const char *why) {
        if (ret_why)
                *ret_why = why;
        return -EINVAL;
}

static bool has_comment_after(const struct parse_state *s) {
        for (size_t j = 1; j < s->n_tok; j++)
                if (s->tok[j][0] == '#')
                        return true;
        return false;
}

static int fail_extra(const struct parse_state *s, const char **ret_why, const char *why) {
        return fail(ret_why, has_comment_after(s) ? "trailing comment" : why);
}

static int list_from_string(const char *s) {
        static const struct {
                const char *name;
                int list;
        } table[] = {
                { "task", LIST_TASK },
                { "exit", LIST_EXIT },
                { "user", LIST_USER },
                { "exclude", LIST_EXCLUDE },
                { "filesystem", LIST_FS },
                { "io_uring", LIST_URING },
        };

        for (size_t j = 0; j < ELEMENTSOF(table); j++)
                if (streq(s, table[j].name))
                        return table[j].list;
        return LIST_NONE;
}

static int action_from_string(const char *s) {
        if (streq(s, "always"))
                return ACTION_ALWAYS;
        if (streq(s, "never"))
                return ACTION_NEVER;
        return ACTION_NONE;
}

/* "LIST,ACTION" or "ACTION,LIST", exactly one comma. */
static int parse_list_action(const char *arg, int *ret_list, int *ret_action) {
        _cleanup_free_ char *a = NULL;
        const char *comma = strchr(arg, ',');
        const char *b;
        int list, action;

        if (!comma || strchr(comma + 1, ','))
                return -EINVAL;
        a = strndup(arg, (size_t) (comma - arg));
        if (!a)
                return -ENOMEM;
        b = comma + 1;

        action = action_from_string(a);
        if (action != ACTION_NONE)
                list = list_from_string(b);
        else {
                list = list_from_string(a);
                action = action_from_string(b);
        }
        if (list == LIST_NONE || action == ACTION_NONE)
                return -EINVAL;
        *ret_list = list;
        *ret_action = action;
        return 0;
}

/* auditctl's check_path(): absolute, shorter than PATH_MAX, a base name of at most NAME_MAX. */
static bool auditctl_path_ok(const char *path, size_t len) {
        size_t b = len;

        if (path[0] != '/' || len >= PATH_MAX)
                return false;
        while (b > 1 && path[b - 1] == '/')
                b--;
        for (size_t e = b; b > 0 && path[b - 1] != '/'; b--)
                if (e - b + 1 > NAME_MAX)
                        return false;
        return true;
}

static bool is_number(const char *s) {
        char *end;

        if (!isdigit((unsigned char) s[0]))
                return false;
        errno = 0;
        (void) strtoul(s, &end, 0);
        return errno == 0;
}

static bool is_field_name(const char *name) {
        static const char * const names[] = {
                "a0", "a1", "a2", "a3", "arch", "auid", "devmajor", "devminor", "dir", "egid",
                "euid", "exe", "exit", "field_compare", "filetype", "fsgid", "fstype", "fsuid",
                "gid", "inode", "key", "loginuid", "msgtype", "obj_gid", "obj_lev_high",
                "obj_lev_low", "obj_role", "obj_type", "obj_uid", "obj_user", "path", "perm",
                "pers", "pid", "ppid", "saddr_fam", "sessionid", "sgid", "subj_clr", "subj_role",
                "subj_sen", "subj_type", "subj_user", "success", "suid", "uid",
        };

        for (size_t j = 0; j < ELEMENTSOF(names); j++)
                if (streq(name, names[j]))
                        return true;
        return false;
}

static bool rule_started(const struct parse_state *s) {
        return s->add || s->del || s->watch;
}

static int add_key(struct parse_state *s, const char *key, const char **ret_why) {
        size_t n = strlen(key);

        if (n == 0)
                return 0;
        if (n + s->keys_len + (s->keys_len > 0) > KEY_LEN_MAX)
                return fail(ret_why, "key too long");
        if (strv_extend(&s->keys, key) < 0)
                return -ENOMEM;
        s->keys_len += n + (s->keys_len > 0);
        return 0;
}

/* -F NAME OP VALUE, split the way libaudit's audit_rule_fieldpair_data() does. */
static int handle_field(struct parse_state *s, const char *arg, const char **ret_why) {
        _cleanup_free_ char *name = NULL;
        const char *v, *value;
        size_t oplen = 1;
        bool eq, neq;

        if (!rule_started(s))
                return fail(ret_why, "list must be given before field");

        v = startswith(arg, "key=");
        if (v)
                return add_key(s, v, ret_why);

        if ((v = strstr(arg, "!=")) || (v = strstr(arg, ">=")) || (v = strstr(arg, "<=")) ||
            (v = strstr(arg, "&=")))
                oplen = 2;
        else
                v = strpbrk(arg, "=<>&");
        if (!v)
                return fail(ret_why, "field without an operator");
        if (v == arg)
                return fail(ret_why, "field without a name");
        value = v + oplen;
        if (!*value)
                return fail(ret_why, "field without a value");
        name = strndup(arg, (size_t) (v - arg));
        if (!name)
                return -ENOMEM;
        if (!is_field_name(name))
                return fail(ret_why, "unknown field");
        eq = oplen == 1 && *v == '=';
        neq = oplen == 2 && *v == '!';

        if (streq(name, "path") || streq(name, "dir")) {
                size_t len = strlen(value);

                if (!eq)
                        return fail(ret_why, "path and dir need '='");
                if (s->list != LIST_EXIT)
                        return fail(ret_why, "path and dir only on the exit list");
                if (s->path)
                        return fail(ret_why, "more than one path");
                if (!auditctl_path_ok(value, len))
                        return fail(ret_why, "path must be absolute");
                if (streq(name, "path") && value[len - 1] == '/')
                        return fail(ret_why, "path= must not end in '/'");
                s->path = value;
                s->path_len = len;
                s->kind = streq(name, "dir") ? WATCH_DIR : WATCH_FILE;
                s->path_pos = ++s->n_fields;
                return 0;
        }

        if (streq(name, "perm")) {
                unsigned perms;

                if (!eq)
                        return fail(ret_why, "perm needs '='");
                if (s->list != LIST_EXIT)
                        return fail(ret_why, "perm only on the exit list");
                if (perms_from_auditctl(value, &perms) < 0)
                        return fail(ret_why, "bad permissions");
                s->perm_added = true;
                if (s->perm_pos > 0)
                        s->other = true;  /* a second AUDIT_PERM field */
                else {
                        s->perms = perms;
                        s->perm_pos = ++s->n_fields;
                }
                return 0;
        }

        if (streq(name, "exe")) {
                if (!eq && !neq)
                        return fail(ret_why, "exe needs '=' or '!='");
                if (s->exe)
                        return fail(ret_why, "more than one exe");
                if (value[0] != '/' || endswith(value, "/") || strlen(value) >= PATH_MAX)
                        return fail(ret_why, "exe must be an absolute file name");
                s->exe = value;
                s->exe_negated = neq;
                s->exe_added = true;
                s->exe_pos = ++s->n_fields;
                return 0;
        }

        /* auditctl takes "unset", -1 and 4294967295 alike for the login uid no task has. */
        if (streq(name, "auid") && neq && !s->auid_pos &&
            (streq(value, "unset") || streq(value, "-1") || streq(value, "4294967295"))) {
                s->auid_set = true;
                s->auid_pos = ++s->n_fields;
                return 0;
        }

        if (streq(name, "fstype"))
                s->fs_added = true;
        s->other = true;
        s->n_fields++;
        return 0;
}

/* auditctl's control options (status, list, flush, enable, backlog ...): never a watch. 1 when
 * c is not one of them. */
static int handle_control_option(struct parse_state *s, char c, const char *arg, const char **ret_why) {
        switch (c) {
        case 'h':
                return fail(ret_why, "-h in a rules file");
        case 'R':
                return fail(ret_why, "nested rule files are not supported");

        case 'i':
        case 'c':
        case 't':
        case 'v':
        case 'm':
                s->control = true;
                return 0;

        case 's':
                /* Only "-s" or "-s -i". */
                if (s->i != 0 || s->n_tok > 2 || (s->n_tok == 2 && !streq(s->tok[1], "-i")))
                        return fail_extra(s, ret_why, "too many options for -s");
                s->i = s->n_tok;
                s->control = true;
                return 0;

        case 'l':
                /* "-l", "-l -i" or "-l -k KEY". */
                if (s->i != 0 || s->n_tok > 3 ||
                    (s->n_tok == 2 && !streq(s->tok[1], "-i")) ||
                    (s->n_tok == 3 && !streq(s->tok[1], "-k")))
                        return fail_extra(s, ret_why, "wrong number of options for -l");
                s->i = s->n_tok;
                s->control = true;
                return 0;

        case 'D':
                /* "-D" or "-D -k KEY". */
                if (s->i != 0 || s->n_tok == 2 || s->n_tok > 3 ||
                    (s->n_tok == 3 && !streq(s->tok[1], "-k")))
                        return fail_extra(s, ret_why, "wrong number of options for -D");
                s->i = s->n_tok;
                s->control = true;
                return 0;

        case 'e':
        case 'f':
                if (!streq(arg, "0") && !streq(arg, "1") && !streq(arg, "2"))
                        return fail(ret_why, "value must be 0, 1 or 2");
                s->control = true;
                return 0;

        case 'b':
        case 'r':
                if (!is_number(arg))
                        return fail(ret_why, "value must be a number");
                s->control = true;
                return 0;

        case 'q': {
                const char *comma = strchr(arg, ',');

                if (!comma || comma == arg || !comma[1] || strchr(comma + 1, ','))
                        return fail(ret_why, "bad -q argument");
                s->control = true;
                return 0;
        }

        default:
                return 1;
        }
}

/* The options that start a rule: -a/-A/-d and -w/-W. 1 when c is not one of them. */
static int handle_rule_option(struct parse_state *s, char c, const char *arg, const char **ret_why) {
        int r;

        switch (c) {
        case 'a':
        case 'A':
        case 'd':
                if (s->add || s->del)
                        return fail(ret_why, "more than one rule operation");
                if (s->watch)
                        return fail(ret_why, "watch option can't be given with a rule");
                r = parse_list_action(arg, &s->list, &s->action);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return fail(ret_why, "bad -a list or action");
                if (c == 'd') {
                        s->del = true;
                        s->control = true;
                } else
                        s->add = true;
                return 0;

        case 'w': {
                size_t len = strlen(arg);

                if (s->add || s->del)
                        return fail(ret_why, "watch option can't be given with a rule");
                if (s->watch)
                        return fail(ret_why, "more than one watch");
                if (!auditctl_path_ok(arg, len))
                        return fail(ret_why, "path must be absolute");
                /* Like auditctl: drop trailing slashes when longer than two characters. */
                if (len > 2)
                        while (len > 1 && arg[len - 1] == '/')
                                len--;
                s->watch = true;
                s->list = LIST_EXIT;
                s->action = ACTION_ALWAYS;
                s->syscall = true;      /* what auditctl records for -w */
                s->path = arg;
                s->path_len = len;
                s->kind = WATCH_FILE;
                s->perms = PERM_ALL;
                s->path_pos = ++s->n_fields;
                s->perm_pos = ++s->n_fields;
                return 0;
        }

        case 'W':
                /* Deleting a watch: like -w, but on the delete side; -p and -k may follow. */
                if (s->add || s->del || s->watch)
                        return fail(ret_why, "more than one rule operation");
                if (!auditctl_path_ok(arg, strlen(arg)))
                        return fail(ret_why, "path must be absolute");
                s->del = true;
                s->list = LIST_EXIT;
                s->action = ACTION_ALWAYS;
                s->syscall = true;
                s->n_fields = 2;
                s->perm_pos = 2;
                s->control = true;
                return 0;

        default:
                return 1;
        }
}

/* The parts of a rule: -p, -k, -S, -F, -C. 1 when c is not one of them. */
static int handle_rule_part(struct parse_state *s, char c, const char *arg, const char **ret_why) {
        switch (c) {
        case 'p': {
                unsigned perms;

                if (!rule_started(s))
                        return fail(ret_why, "permission option needs a watch given prior to it");
                if (perms_from_auditctl(arg, &perms) < 0)
                        return fail(ret_why, "bad permissions");
                if (s->n_fields == 0)
                        return fail(ret_why, "permission option needs a field given prior to it");
                /* libaudit updates the existing AUDIT_PERM field, or appends one. */
                if (s->perm_pos == 0)
                        s->perm_pos = ++s->n_fields;
                s->perms = perms;
                s->perm_added = true;
                return 0;
        }

        case 'k':
                if (!(s->syscall || s->perm_added || s->exe_added || s->fs_added) || !rule_started(s))
                        return fail(ret_why, "key option needs a watch or syscall given prior to it");
                return add_key(s, arg, ret_why);

        case 'S':
                s->syscall = true;
                s->other = true;
                return 0;

        case 'F':
                return handle_field(s, arg, ret_why);

        case 'C':
                if (!rule_started(s))
                        return fail(ret_why, "list must be given before field");
                if (!strchr(arg, '='))
                        return fail(ret_why, "bad -C comparison");
                s->other = true;
                s->n_fields++;
                return 0;

        default:
                return 1;
        }
}

/* One option of a rules line, as auditctl's option loop takes it. */
static int handle_option(struct parse_state *s, char c, const char *arg, const char **ret_why) {
        int r;

        r = handle_control_option(s, c, arg, ret_why);
        if (r == 1)
                r = handle_rule_option(s, c, arg, ret_why);
        if (r == 1)
                r = handle_rule_part(s, c, arg, ret_why);
        if (r == 1)
                return fail(ret_why, "unknown option");
        return r;
}

static int handle_long_option(struct parse_state *s, const char *opt, const char **ret_why) {
        static const struct {
                const char *name;
                bool has_arg;
        } table[] = {
                { "loginuid-immutable", false },
                { "backlog_wait_time", true },
                { "reset-lost", false },
                { "reset_backlog_wait_time_actual", false },
                { "signal", true },
        };
        const char *eq = strchr(opt, '=');
        size_t len = eq ? (size_t) (eq - opt) : strlen(opt);
        const char *arg = eq ? eq + 1 : NULL;
        size_t match = ELEMENTSOF(table);
        unsigned n_match = 0;

        /* getopt_long: an exact name, or an unambiguous prefix of one. */
        for (size_t j = 0; j < ELEMENTSOF(table); j++) {
                if (strncmp(opt, table[j].name, len) != 0)
                        continue;
                if (strlen(table[j].name) == len) {
                        match = j;
                        n_match = 1;
                        break;
                }
                match = j;
                n_match++;
        }
        if (n_match != 1)
                return fail(ret_why, "unknown option");

        if (table[match].has_arg && !arg) {
                if (s->i + 1 >= s->n_tok)
                        return fail(ret_why, "option needs a value");
                arg = s->tok[++s->i];
        } else if (!table[match].has_arg && arg)
                return fail(ret_why, "option takes no value");

        if (streq(table[match].name, "backlog_wait_time") && !is_number(arg))
                return fail(ret_why, "value must be a number");
        s->control = true;
        return 0;
}

#define SHORT_OPTIONS "hicslDvtC:e:f:r:b:a:A:d:S:F:m:R:w:W:k:p:q:"

/* Split buf in place at white space. The tokens go into the n_small entries of small when they
 * fit (most lines), else into a heap array stored in *ret_heap as well. */
static int tokenize(char *buf, char **small, size_t n_small, char ***ret, char ***ret_heap, size_t *ret_n) {
        _cleanup_free_ char **heap = NULL;
        char **tok = small;
        size_t n = 0, allocated = n_small;
        char *p = buf;

        for (;;) {
                while (*p && isspace((unsigned char) *p))
                        p++;
                if (!*p)
                        break;
                if (n + 1 >= allocated) {
                        size_t a = allocated ? allocated * 2 : 16;
                        char **t = realloc(heap, a * sizeof(char *));

                        if (!t)
                                return -ENOMEM;
                        if (!heap)
                                memcpy(t, small, n * sizeof(char *));
                        tok = heap = t;
                        allocated = a;
                }
                tok[n++] = p;
                while (*p && !isspace((unsigned char) *p))
                        p++;
                if (*p)
                        *p++ = 0;
        }
        *ret = tok;
        *ret_heap = TAKE_PTR(heap);
        *ret_n = n;
        return 0;
}

static int parse_tokens(struct parse_state *s, const char **ret_why) {
        int r;

        for (s->i = 0; s->i < s->n_tok; s->i++) {
                const char *t = s->tok[s->i];

                if (t[0] != '-' || t[1] == 0) {
                        /* getopt skips it and auditctl then refuses the leftover argument. */
                        s->stray = true;
                        if (t[0] == '#')
                                s->comment = true;
                        continue;
                }
                if (streq(t, "--")) {
                        for (size_t j = s->i + 1; j < s->n_tok; j++) {
                                s->stray = true;
                                if (s->tok[j][0] == '#')
                                        s->comment = true;
                        }
                        break;
                }
                if (t[1] == '-') {
                        r = handle_long_option(s, t + 2, ret_why);
                        if (r < 0)
                                return r;
                        continue;
                }

                /* A cluster of short options, the last of which may take the rest or the next token. */
                for (const char *c = t + 1; *c; c++) {
                        const char *spec = *c == ':' ? NULL : strchr(SHORT_OPTIONS, *c);
                        const char *arg = NULL;
                        bool done = false;

                        if (!spec)
                                return fail(ret_why, "unknown option");
                        if (spec[1] == ':') {
                                if (c[1])
                                        arg = c + 1;
                                else if (s->i + 1 < s->n_tok)
                                        arg = s->tok[++s->i];
                                else
                                        return fail(ret_why, "option needs a value");
                                done = true;
                        }
                        r = handle_option(s, *c, arg, ret_why);
                        if (r < 0)
                                return r;
                        if (done || s->i >= s->n_tok)
                                break;
                }
        }
        return 0;
}

int rule_parse_line(const char *line, struct rule *ret, const char **ret_why) {
        _cleanup_free_ char *heap_buf = NULL;
        _cleanup_free_ char **heap_tok = NULL;
        _cleanup_strv_free_ char **keys = NULL;
        /* Rules files have thousands of lines: most fit these without an allocation. */
        char small_buf[512], *small_tok[32], *buf, **tok;
        struct parse_state s = {};
        size_t n_tok, len;
        int r;

        if (!line)
                return fail(ret_why, "no line");

        len = strlen(line);
        if (len < sizeof(small_buf))
                buf = memcpy(small_buf, line, len + 1);
        else {
                buf = heap_buf = strdup(line);
                if (!buf)
                        return -ENOMEM;
        }
        r = tokenize(buf, small_tok, ELEMENTSOF(small_tok), &tok, &heap_tok, &n_tok);
        if (r < 0)
                return r;
        if (n_tok == 0 || tok[0][0] == '#')
                return LINE_EMPTY;

        s.tok = tok;
        s.n_tok = n_tok;
        r = parse_tokens(&s, ret_why);
        keys = TAKE_PTR(s.keys);
        if (r < 0)
                return r;

        if (s.stray)
                return fail(ret_why, s.comment ? "trailing comment" : "unexpected argument");
        if (s.syscall && !rule_started(&s))
                return fail(ret_why, "no list specified");
        if (s.syscall && !s.watch &&
            (s.list == LIST_TASK || s.list == LIST_USER || s.list == LIST_FS || s.list == LIST_EXCLUDE))
                return fail(ret_why, "syscall auditing on a list that has none");
        /* auditctl adds the joined key as the last field; libaudit refuses it (EAU_KEYDEP) unless a
         * syscall, perm or exe came first. -k checks that as it goes, -F key= only here. */
        if (keys && !(s.syscall || s.perm_added || s.exe_added || s.fs_added))
                return fail(ret_why, "key option needs a watch or syscall given prior to it");
        if (s.control)
                return LINE_CONTROL;
        if (!s.watch && !s.add)
                return fail(ret_why, "not a rule");

        /* Is it exactly the kernel rule rule_format() would write for the struct? Fields in the
         * order watch, perm[, exe], the key last; nothing else. */
        if (s.watch) {
                if (s.other || s.exe || s.auid_set)
                        return LINE_OTHER_RULE;
        } else {
                if (s.list != LIST_EXIT || s.action != ACTION_ALWAYS || s.other)
                        return LINE_OTHER_RULE;
                if (s.path_pos != 1 || s.perm_pos != 2 || (s.exe && s.exe_pos != 3) ||
                    (s.auid_set && s.auid_pos != (s.exe ? 4u : 3u)))
                        return LINE_OTHER_RULE;
        }

        if (ret) {
                _cleanup_free_ char *path = NULL, *exe = NULL;

                path = strndup(s.path, s.path_len);
                if (!path)
                        return -ENOMEM;
                if (s.exe) {
                        exe = strdup(s.exe);
                        if (!exe)
                                return -ENOMEM;
                }
                if (!keys) {
                        keys = calloc(1, sizeof(char *));
                        if (!keys)
                                return -ENOMEM;
                }
                *ret = (struct rule) {
                        .form = s.watch ? FORM_W : FORM_A,
                        .kind = s.watch ? WATCH_FILE : s.kind,
                        .path = TAKE_PTR(path),
                        .perms = s.perms,
                        .exe = TAKE_PTR(exe),
                        .exe_negated = s.exe_negated,
                        .auid_set = s.auid_set,
                        .keys = TAKE_PTR(keys),
                };
        }
        return LINE_WATCH;
}

/* ------------------------------------------------------------------------------------------ */
/* Rules other than watches, in the terms shadow.c judges.                                     */

static const enum filter_list list_to_filter[] = {
        [LIST_NONE] = FILTER_LIST_OTHER,
        [LIST_TASK] = FILTER_LIST_TASK,
        [LIST_EXIT] = FILTER_LIST_EXIT,
        [LIST_USER] = FILTER_LIST_USER,
        [LIST_EXCLUDE] = FILTER_LIST_EXCLUDE,
        [LIST_FS] = FILTER_LIST_FS,
        [LIST_URING] = FILTER_LIST_URING,
};

/* -F NAME OP VALUE (the longest operator first, as libaudit splits it). */
static int filter_field(struct filter_rule *f, const char *arg) {
        static const char *const ops[] = { "!=", ">=", "<=", "&=", "=", "<", ">", "&" };
        _cleanup_free_ char *name = NULL;
        const char *at = NULL, *op = NULL;

        for (size_t j = 0; j < ELEMENTSOF(ops) && !at; j++)
                if ((at = strstr(arg, ops[j])))
                        op = ops[j];
        if (!at || at == arg)
                return -EINVAL;
        name = strndup(arg, (size_t) (at - arg));
        if (!name)
                return -ENOMEM;
        if (streq(name, "key"))
                return strv_extend(&f->keys, at + strlen(op));
        return filter_rule_add_field(f, name, filter_op_from_string(op), at + strlen(op));
}

static int filter_syscalls(struct filter_rule *f, const char *arg) {
        _cleanup_free_ char *copy = strdup(arg);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
                if (streq(s, "all")) {
                        f->all_syscalls = true;
                        strv_free(f->syscalls);
                        f->syscalls = NULL;
                        continue;
                }
                if (!f->all_syscalls && strv_extend(&f->syscalls, s) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* One option of a filter rule line; *i is moved past a separate argument. */
static int filter_option(struct filter_rule *f, char **tok, size_t n_tok, size_t *i, bool *ret_rule) {
        const char *t = tok[*i], *arg;
        char c = t[1];
        int list, action, r;

        if (t[0] != '-' || !c || c == '-' || !strchr("aAdSFkwWpC", c))
                return 0; /* not an option of a rule: ignored */
        if (t[2])
                arg = t + 2;
        else if (*i + 1 < n_tok)
                arg = tok[++*i];
        else
                return -EINVAL;
        switch (c) {
        case 'a':
        case 'A':
                r = parse_list_action(arg, &list, &action);
                if (r < 0)
                        return r;
                f->list = list_to_filter[list];
                f->action = action == ACTION_NEVER ? FILTER_NEVER : FILTER_ALWAYS;
                f->prepend = c == 'A';
                *ret_rule = true;
                return 0;
        case 'S':
                return filter_syscalls(f, arg);
        case 'F':
                return filter_field(f, arg);
        case 'k':
                return strv_extend(&f->keys, arg);
        case 'C':
                return filter_rule_add_field(f, "field_compare", FILTER_OP_EQ, arg);
        default:
                return -EINVAL; /* -d, -w, -W, -p: not an added filter rule */
        }
}

int rule_parse_filter(const char *line, struct filter_rule *ret) {
        _cleanup_free_ char *buf = NULL;
        _cleanup_free_ char **heap_tok = NULL;
        char *small_tok[32], **tok;
        struct filter_rule f = {};
        bool is_rule = false;
        size_t n_tok;
        int r;

        if (!line || !ret)
                return -EINVAL;
        buf = strdup(line);
        if (!buf)
                return -ENOMEM;
        r = tokenize(buf, small_tok, ELEMENTSOF(small_tok), &tok, &heap_tok, &n_tok);
        if (r < 0)
                return r;
        for (size_t i = 0; r >= 0 && i < n_tok; i++)
                r = filter_option(&f, tok, n_tok, &i, &is_rule);
        if (r >= 0 && !is_rule)
                r = -EINVAL;
        if (r < 0) {
                filter_rule_done(&f);
                return r;
        }
        *ret = f;
        return 0;
}
