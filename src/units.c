/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd unit loader: fragment, drop-ins, masks and specifiers, offline or over D-Bus. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdarg.h>
#include <systemd/sd-path.h>

#include "bus.h"
#include "envfile.h"
#include "statmemo.h"
#include "trust.h"
#include "unitfile.h"
#include "units.h"
#include "userread.h"
#include "util.h"

void unit_user_free(struct unit_user *u) {
        if (!u)
                return;
        free(u->name);
        free(u->home);
        free(u->shell);
        free(u);
}

struct unit_user *unit_user_copy(const struct unit_user *u) {
        struct unit_user *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
        c->uid = u->uid;
        c->gid = u->gid;
        if (!(c->name = strdup(u->name)) || !(c->home = strdup(u->home)) ||
            !(c->shell = strdup(strempty(u->shell)))) {
                unit_user_free(c);
                return NULL;
        }
        return c;
}

void unit_done(struct unit *u) {
        unit_user_free(u->user);
        free(u->name);
        free(u->fragment);
        free(u->masked_by);
        strv_free(u->dropins);
        strv_free(u->exec_start);
        strv_free(u->exec_start_src);
        strv_free(u->exec_start_all);
        strv_free(u->env_files);
        strv_free(u->environment);
        strv_free(u->listen);
        *u = (struct unit) {};
}

int unit_search_path(const struct root *root, char ***ret) {
        _cleanup_strv_free_ char **dirs = NULL;
        _cleanup_free_ struct stat *seen = NULL;
        size_t n = 0, kept = 0, kept_at = 0;
        int r;

        r = sd_path_lookup_strv(SD_PATH_SYSTEMD_SEARCH_SYSTEM_UNIT, NULL, &dirs);
        if (r < 0)
                return r;
        n = strv_length(dirs);
        seen = calloc(n + 1, sizeof(*seen));
        if (!seen)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                struct resolved res = {};
                _cleanup_free_ char *real = NULL;
                bool drop = false;
                struct stat st;

                r = root_resolve(root, dirs[i], false, &res);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0 && res.state != PATH_EXISTS)
                        drop = true;
                else if (r >= 0 && (real = root_real(root, res.path)) && stat(real, &st) == 0) {
                        for (size_t k = 0; k < kept && !drop; k++)
                                drop = seen[k].st_dev == st.st_dev && seen[k].st_ino == st.st_ino;
                } else
                        st = (struct stat) {};
                if (drop) {
                        resolved_done(&res);
                        free(dirs[i]);
                        dirs[i] = NULL;
                        continue;
                }
                /* Kept by the name its links lead to: what is found there is named so anyway
                 * (classify()), and each lookup then walks no link. */
                if (r >= 0 && res.state == PATH_EXISTS && !streq(res.path, dirs[i])) {
                        free(dirs[i]);
                        dirs[i] = TAKE_PTR(res.path);
                }
                resolved_done(&res);
                /* Kept, with or without a stat: the slot of a directory not looked at stays
                 * zero and matches nothing that exists. */
                seen[kept++] = st;
        }
        /* Close the gaps, keeping the order. */
        for (size_t i = 0; i < n; i++)
                if (dirs[i])
                        dirs[kept_at++] = dirs[i];
        dirs[kept_at] = NULL;
        *ret = TAKE_PTR(dirs);
        return 0;
}

static int add_problem(struct problems *problems, const char *file, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int add_problem(struct problems *problems, const char *file, unsigned line, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int k;

        if (!problems)
                return 0;
        va_start(ap, fmt);
        k = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        return problems_add(problems, file, line, false, "%s", msg);
}

/* ---- specifiers ---- */

/* systemd's unit name unescaping: "\xNN" to the byte; with path, '-' is '/' too. */
static char *name_unescape(const char *s, size_t n, bool path) {
        char *r = malloc(n + 1), *o = r;

        if (!r)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && isxdigit((unsigned char) s[i + 2]) &&
                    isxdigit((unsigned char) s[i + 3])) {
                        char hex[3] = { s[i + 2], s[i + 3], 0 };
                        *o++ = (char) strtoul(hex, NULL, 16);
                        i += 3;
                } else
                        *o++ = path && s[i] == '-' ? '/' : s[i];
        }
        *o = 0;
        return r;
}

/* The value of a specifier that a user manager resolves differently from the system manager
 * (systemd.unit(5) "Specifiers"): 1 with *ret, 0 when it is the same, -EOPNOTSUPP, -ENOMEM. */
static int user_specifier_value(char c, const char *name, const struct unit_user *u, char **ret) {
        int k;

        switch (c) {
        case 'h': *ret = strdup(u->home); break;
        case 'u': *ret = strdup(u->name); break;
        case 's': *ret = strdup(strempty(u->shell)); break;
        case 'U': k = asprintf(ret, "%u", (unsigned) u->uid); return k < 0 ? -ENOMEM : 1;
        case 'G': k = asprintf(ret, "%u", (unsigned) u->gid); return k < 0 ? -ENOMEM : 1;
        case 't': k = asprintf(ret, "/run/user/%u", (unsigned) u->uid); return k < 0 ? -ENOMEM : 1;
        case 'd': k = asprintf(ret, "/run/user/%u/credentials/%s", (unsigned) u->uid, name); return k < 0 ? -ENOMEM : 1;
        case 'E': case 'S': *ret = path_join(u->home, ".config"); break;
        case 'L': *ret = path_join(u->home, ".config/log"); break;
        case 'C': *ret = path_join(u->home, ".cache"); break;
        case 'g': return -EOPNOTSUPP;
        default: return 0;
        }
        return *ret ? 1 : -ENOMEM;
}

/* The value of specifier C for unit NAME: 0 with *ret (allocated), -EBADMSG unknown,
 * -EOPNOTSUPP known but host-dependent. */
static int specifier_value(char c, const char *name, const char *fragment, const struct unit_user *user, char **ret) {
        const char *dot = strrchr(name, '.'), *at = strchr(name, '@');
        size_t stem = dot ? (size_t) (dot - name) : strlen(name);
        size_t plen = at && (size_t) (at - name) < stem ? (size_t) (at - name) : stem;
        const char *inst = at && (size_t) (at - name) < stem ? at + 1 : NULL;
        size_t ilen = inst ? (size_t) (name + stem - inst) : 0;
        const char *v = NULL;

        if (user) {
                int k = user_specifier_value(c, name, user, ret);
                if (k != 0)
                        return k < 0 ? k : 0;
        }
        switch (c) {
        case 't': v = "/run"; break;
        case 'S': v = "/var/lib"; break;
        case 'C': v = "/var/cache"; break;
        case 'L': v = "/var/log"; break;
        case 'E': v = "/etc"; break;
        case 'T': v = "/tmp"; break;
        case 'V': v = "/var/tmp"; break;
        case 'h': v = "/root"; break;
        case 'u': case 'g': v = "root"; break;
        case 'U': case 'G': v = "0"; break;
        case 's': v = "/bin/sh"; break;
        case 'n': v = name; break;
        case 'y': v = fragment ? fragment : ""; break;
        case 'N': *ret = strndup(name, stem); return *ret ? 0 : -ENOMEM;
        case 'p': *ret = strndup(name, plen); return *ret ? 0 : -ENOMEM;
        case 'P': *ret = name_unescape(name, plen, false); return *ret ? 0 : -ENOMEM;
        case 'i': *ret = strndup(strempty(inst), ilen); return *ret ? 0 : -ENOMEM;
        case 'I': *ret = name_unescape(strempty(inst), ilen, false); return *ret ? 0 : -ENOMEM;
        case 'j': case 'J': {
                const char *dash = memrchr(name, '-', plen);
                const char *s = dash ? dash + 1 : name;
                size_t n = plen - (size_t) (s - name);
                *ret = c == 'j' ? strndup(s, n) : name_unescape(s, n, false);
                return *ret ? 0 : -ENOMEM;
        }
        case 'f': {
                _cleanup_free_ char *u = inst ? name_unescape(inst, ilen, true) : name_unescape(name, plen, true);
                if (!u)
                        return -ENOMEM;
                return asprintf(ret, "%s%s", u[0] == '/' ? "" : "/", u) < 0 ? -ENOMEM : 0;
        }
        case 'Y':
                *ret = fragment ? path_parent(fragment) : strdup("");
                return *ret ? 0 : -ENOMEM;
        case 'd':
                return asprintf(ret, "/run/credentials/%s", name) < 0 ? -ENOMEM : 0;
        case 'a': case 'A': case 'b': case 'B': case 'H': case 'l': case 'm': case 'M': case 'o':
        case 'q': case 'v': case 'w': case 'W':
                return -EOPNOTSUPP;
        default:
                return -EBADMSG;
        }
        *ret = strdup(v);
        return *ret ? 0 : -ENOMEM;
}

/* Append v, escaped for exec_split() when quote. */
static int append_value(struct strbuf *b, const char *v, bool quote) {
        int r = 0;

        if (!quote)
                return strbuf_append(b, v, strlen(v));
        for (const char *p = v; *p && r >= 0; p++) {
                char esc[5];
                if (isspace((unsigned char) *p) || iscntrl((unsigned char) *p)) {
                        snprintf(esc, sizeof(esc), "\\x%02x", (unsigned char) *p);
                        r = strbuf_append(b, esc, 4);
                } else if (*p == '"' || *p == '\'' || *p == '\\') {
                        esc[0] = '\\', esc[1] = *p;
                        r = strbuf_append(b, esc, 2);
                } else if (*p == '%')
                        r = strbuf_append(b, "%%", 2);
                else
                        r = strbuf_putc(b, *p);
        }
        return r;
}

int unit_specifiers_expand(const char *name, const char *fragment, const char *value, bool quote,
                           char **ret, char *ret_bad) {
        return unit_specifiers_expand_user(name, fragment, NULL, value, quote, ret, ret_bad);
}

int unit_specifiers_expand_user(const char *name, const char *fragment, const struct unit_user *user,
                                const char *value, bool quote, char **ret, char *ret_bad) {
        struct strbuf b = {};
        int r = strbuf_append(&b, "", 0);

        for (const char *p = value; *p && r >= 0; p++) {
                _cleanup_free_ char *v = NULL;

                if (*p != '%') {
                        r = strbuf_putc(&b, *p);
                        continue;
                }
                p++;
                if (*p == '%') {
                        r = quote ? strbuf_append(&b, "%%", 2) : strbuf_putc(&b, '%');
                        continue;
                }
                r = specifier_value(*p, name, fragment, user, &v);
                if (r < 0) {
                        if (ret_bad)
                                *ret_bad = *p;
                        break;
                }
                r = append_value(&b, v, quote);
        }
        if (r < 0) {
                free(b.s);
                return r;
        }
        *ret = b.s;
        return 0;
}

/* ---- one file ---- */

/* A file of unit u: a user's unit's with the user's rights, else root's. */
static int read_unit_file(const struct root *root, const struct unit *u, const char *path, char **ret_data,
                          size_t *ret_len) {
        if (u->user)
                return user_read_file(root, u->user->uid, u->user->gid, path, ret_data, ret_len);
        return root_read_file(root, path, ret_data, ret_len);
}

static int read_unit_text(const struct root *root, const struct unit *u, const char *path,
                          struct problems *problems, char **ret_data, size_t *ret_len) {
        int r = read_unit_file(root, u, path, ret_data, ret_len);
        if (r < 0 && u->user)
                add_problem(problems, path, 0, "cannot be read by user %s (%s): %s is read without it",
                            u->user->name, errno_name(r), u->name);
        else if (r < 0)
                add_problem(problems, path, 0, "cannot read: %s", errno_name(r));
        return r;
}

/* One entry's value after specifiers; 0 with NULL *ret when the line is to be skipped. */
static int entry_value(struct unit *u, const char *path, const struct unit_entry *e, bool quote,
                       struct problems *problems, char **ret) {
        char bad = 0;
        int r = unit_specifiers_expand_user(u->name, u->fragment, u->user, e->value, quote, ret, &bad);

        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                *ret = NULL;
                return add_problem(problems, path, e->line,
                                   r == -EBADMSG ? "%s=: unknown specifier %%%c: systemd ignores this line"
                                                 : "%s=: specifier %%%c depends on the running host: not read",
                                   e->key, bad ? bad : '?');
        }
        return 0;
}

static int strv_reset_or_push(char ***l, char *v) {
        if (!*v) {
                free(v);
                strv_free(*l);
                *l = NULL;
                return 0;
        }
        return strv_push(l, v);
}

/* Every ExecStart*= line; an empty value resets the lines of its own key. */
static int exec_all_add(struct unit *u, const char *key, bool reset, char *kv) {
        size_t k = 0, n = strlen(key);

        for (char **p = u->exec_start_all; p && *p; p++)
                if (reset && strncmp(*p, key, n) == 0 && (*p)[n] == '=')
                        free(*p);
                else
                        u->exec_start_all[k++] = *p;
        if (u->exec_start_all)
                u->exec_start_all[k] = NULL;
        if (reset) {
                free(kv);
                return 0;
        }
        return strv_push(&u->exec_start_all, kv);
}

static int apply_entry(struct unit *u, const char *path, const struct unit_entry *e, struct problems *problems) {
        bool service = streq(e->section, "Service"), sock = streq(e->section, "Socket");
        bool exec = service && streq(e->key, "ExecStart"), quote = exec || (service && streq(e->key, "Environment"));
        char *v = NULL;
        int r;

        if (!(service && (startswith(e->key, "ExecStart") || streq(e->key, "EnvironmentFile") ||
                          streq(e->key, "Environment"))) &&
            !(sock && streq(e->key, "ListenStream")))
                return 0;
        r = entry_value(u, path, e, quote, problems, &v);
        if (r < 0 || !v)
                return r;
        if (service && startswith(e->key, "ExecStart")) {
                _cleanup_free_ char *kv = NULL;
                if (asprintf(&kv, "%s=%s", e->key, v) < 0) {
                        free(v);
                        return -ENOMEM;
                }
                r = exec_all_add(u, e->key, !*v, TAKE_PTR(kv));
                if (r < 0 || !exec) {
                        free(v);
                        return r;
                }
                if (!*v) {
                        free(v);
                        strv_free(u->exec_start);
                        strv_free(u->exec_start_src);
                        u->exec_start = u->exec_start_src = NULL;
                        return 0;
                }
                r = strv_push(&u->exec_start, v);
                return r < 0 ? r : strv_extend(&u->exec_start_src, path);
        }
        if (streq(e->key, "EnvironmentFile"))
                return strv_reset_or_push(&u->env_files, v);
        if (streq(e->key, "Environment"))
                return strv_reset_or_push(&u->environment, v);
        return strv_reset_or_push(&u->listen, v);
}

/* Bounds for a hostile tree (systemd has none; real units have a handful of each): the lines kept
 * in a unit's lists (ExecStart*=, Environment=, EnvironmentFile=, ListenStream=) and its drop-ins.
 * What is over is said and not read, so a unit costs time linear in its files' size. */
#define UNIT_LIST_LINES_MAX 4096
#define UNIT_DROPINS_MAX 1024
/* The variables Environment= may set, and the EnvironmentFile= files read, per unit: every $VAR
 * of ExecStart= is looked up in that environment, and every file is read whole. */
#define UNIT_ENV_VARS_MAX 8192
#define UNIT_ENV_FILES_MAX 64

static int unit_apply_file(const struct root *root, struct unit *u, const char *path, struct problems *problems,
                           size_t *budget) {
        _cleanup_free_ char *data = NULL;
        struct unit_file uf = {};
        unsigned line = 0;
        size_t len = 0;
        int r;

        if (read_unit_text(root, u, path, problems, &data, &len) < 0)
                return 0;
        r = unit_file_parse(data, len, &uf, &line);
        if (r < 0 && (r = add_problem(problems, path, line, "malformed unit file line: %s",
                                      r == -E2BIG ? "line too long" : "not [Section] or KEY=VALUE")) < 0) {
                unit_file_done(&uf);
                return r;
        }
        r = 0;
        for (size_t i = 0; i < uf.n_entries && r >= 0; i++) {
                const struct unit_entry *e = &uf.entries[i];
                bool listed = (streq(e->section, "Service") && (startswith(e->key, "ExecStart") ||
                               streq(e->key, "Environment") || streq(e->key, "EnvironmentFile"))) ||
                              (streq(e->section, "Socket") && streq(e->key, "ListenStream"));

                if (listed && *budget == 0) {
                        r = add_problem(problems, path, e->line, "%s: more than %d ExecStart=, Environment=, "
                                        "EnvironmentFile= and ListenStream= lines: this one and the rest are not "
                                        "read", u->name, UNIT_LIST_LINES_MAX);
                        break;
                }
                if (listed)
                        (*budget)--;
                r = apply_entry(u, path, e, problems);
        }
        unit_file_done(&uf);
        return r;
}

/* ---- finding the files ---- */

/* Does this host path, itself a symlink, name /dev/null? Decided by the link's target as written
 * (made absolute against the link's directory), not by what the tree has at /dev/null. */
static bool link_to_dev_null(const struct root *root, const char *path) {
        _cleanup_free_ char *real = root_real(root, path), *parent = NULL, *abs = NULL, *norm = NULL;
        char buf[PATH_MAX];
        ssize_t n;

        if (!real)
                return false;
        n = readlink(real, buf, sizeof(buf) - 1);
        if (n <= 0)
                return false;
        buf[n] = 0;
        if (buf[0] != '/') {
                parent = path_parent(path);
                abs = parent ? path_join(parent, buf) : NULL;
        } else
                abs = strdup(buf);
        if (!abs || path_normalize(abs, &norm) < 0)
                return false;
        return streq(norm, "/dev/null");
}

enum file_kind { FILE_NONE, FILE_REGULAR, FILE_MASK, FILE_REFUSED };

/* A user's unit: a path below their home counts only when its resolution stays in their own tree
 * (trust_users()); else the user could make root look at (and say whether there is) any file.
 * Judged by the resolution alone, so the answer is the same whether what it leads to exists. */
static bool user_refuses(const struct unit_user *user, const char *path, const struct resolved *res) {
        return user && path_startswith_dir(path, user->home) && !trust_users(res, user->uid, user->home);
}

static int say_refused(struct problems *problems, const struct unit_user *user, const char *unit, const char *path) {
        return add_problem(problems, path, 0, "not user %s's own (it leads out of their home or /run/user/%u, or "
                           "through another user's files): not read as part of %s", user->name,
                           (unsigned) user->uid, unit);
}

/* What a unit file or drop-in path holds: nothing, a file (resolved into *ret_path) or a mask. */
/* On the live root the kernel's own lookup is the truth: one lstat() says that a candidate (a
 * unit file, a drop-in directory) is not there at all, where a full resolution takes a stat()
 * per component. The unit scan looks up hundreds of units in a dozen directories. Inside
 * another root the host kernel would follow absolute links out of it: there, resolve. */
static bool live_missing(const struct root *root, const char *path) {
        struct stat st;

        int r;

        if (!root->live)
                return false;
        r = statmemo_lstat(path, &st);
        return r == -ENOENT || r == -ENOTDIR;
}

static int classify(const struct root *root, const struct unit_user *user, const char *path, char **ret_path) {
        struct resolved link = {}, res = {};
        int kind = FILE_NONE;

        *ret_path = NULL;
        if (live_missing(root, path))
                return FILE_NONE;
        if (root_resolve(root, path, true, &link) < 0)
                return user && path_startswith_dir(path, user->home) ? FILE_REFUSED : FILE_NONE;
        if (user_refuses(user, path, &link)) {
                resolved_done(&link);
                return FILE_REFUSED;
        }
        if (link.state == PATH_EXISTS && S_ISLNK(link.mode) && link_to_dev_null(root, link.path)) {
                *ret_path = TAKE_PTR(link.path);
                resolved_done(&link);
                return FILE_MASK;
        }
        resolved_done(&link);
        if (root_resolve(root, path, false, &res) < 0)
                return user && path_startswith_dir(path, user->home) ? FILE_REFUSED : FILE_NONE;
        if (user_refuses(user, path, &res))
                kind = FILE_REFUSED;
        else if (res.state == PATH_EXISTS && streq(res.path, "/dev/null")) {
                kind = FILE_MASK;
                *ret_path = strdup(path);
        } else if (res.state == PATH_EXISTS && !res.is_dir) {
                kind = FILE_REGULAR;
                *ret_path = TAKE_PTR(res.path);
        }
        resolved_done(&res);
        if (kind != FILE_NONE && kind != FILE_REFUSED && !*ret_path)
                return -ENOMEM;
        return kind;
}

/* "a@b.service" -> "a@.service"; NULL (and 0) for a name that is no instance. */
static int template_of(const char *name, char **ret) {
        const char *at = strchr(name, '@'), *dot = strrchr(name, '.');

        *ret = NULL;
        if (!at || !dot || dot < at || dot == at + 1)
                return 0;
        if (asprintf(ret, "%.*s%s", (int) (at - name + 1), name, dot) < 0)
                return -ENOMEM;
        return 0;
}

static int find_fragment(const struct root *root, char * const *dirs, const char *name, const char *tmpl,
                         struct problems *problems, struct unit *u) {
        const char *names[] = { name, tmpl };

        for (size_t k = 0; k < ELEMENTSOF(names) && names[k]; k++)
                for (char * const *dir = dirs; dir && *dir; dir++) {
                        _cleanup_free_ char *p = path_join(*dir, names[k]), *found = NULL;
                        int kind;

                        if (!p)
                                return -ENOMEM;
                        kind = classify(root, u->user, p, &found);
                        if (kind < 0)
                                return kind;
                        if (kind == FILE_REFUSED)
                                return say_refused(problems, u->user, name, p);
                        if (kind == FILE_MASK) {
                                u->masked = true;
                                u->masked_by = TAKE_PTR(found);
                                return 0;
                        }
                        if (kind == FILE_REGULAR) {
                                u->fragment = TAKE_PTR(found);
                                return 0;
                        }
                }
        return 0;
}

/* A drop-in file name found in one drop-in directory: dirs[order / 2], dnames[order % 2]. */
struct dropin_entry {
        char *name;
        size_t order;
};

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

static int cmp_dropin_entry(const void *a, const void *b) {
        const struct dropin_entry *x = a, *y = b;
        int c = strcmp(x->name, y->name);

        return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void dropin_entries_free(struct dropin_entry *e, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(e[i].name);
        free(e);
}

/* Every *.conf in every drop-in directory, sorted by name, then by the directory's precedence:
 * one sort, so many drop-ins cost n log n. A directory that exists but cannot be listed is a
 * problem (what it holds changes the unit, and is not known). */
static int dropin_entries(const struct root *root, const struct unit *u, char * const *dirs,
                          const char *const *dnames, struct problems *problems, struct dropin_entry **ret,
                          size_t *ret_n) {
        struct dropin_entry *e = NULL;
        size_t n = 0, cap = 0, d = 0;
        int r = 0;

        for (char * const *dir = dirs; r >= 0 && dir && *dir; dir++, d++)
                for (size_t k = 0; r >= 0 && dnames[k]; k++) {
                        _cleanup_free_ char *dd = path_join(*dir, dnames[k]);
                        _cleanup_strv_free_ char **names = NULL;

                        if (!dd) {
                                r = -ENOMEM;
                                break;
                        }
                        if (u->user && path_startswith_dir(dd, u->user->home) && !live_missing(root, dd)) {
                                struct resolved res = {};
                                bool refused = root_resolve(root, dd, false, &res) < 0 ||
                                               user_refuses(u->user, dd, &res);
                                resolved_done(&res);
                                if (refused) {
                                        r = say_refused(problems, u->user, u->name, dd);
                                        continue;
                                }
                        }
                        r = live_missing(root, dd) ? -ENOENT : root_list_dir(root, dd, &names);
                        if (r == -ENOENT || r == -ENOTDIR) {
                                r = 0;  /* systemd skips these too */
                                continue;
                        }
                        if (r < 0 && r != -ENOMEM) {
                                r = add_problem(problems, dd, 0, "cannot list the drop-in directory: %s: "
                                                "its drop-ins are not read", errno_name(r));
                                continue;
                        }
                        for (char **nm = names; r >= 0 && nm && *nm; nm++) {
                                if (!endswith(*nm, ".conf"))
                                        continue;
                                if (n == cap) {
                                        struct dropin_entry *m = reallocarray(e, cap ? cap * 2 : 16, sizeof(*e));
                                        if (!m) {
                                                r = -ENOMEM;
                                                break;
                                        }
                                        e = m, cap = cap ? cap * 2 : 16;
                                }
                                /* A copy: taking it would end the list early for strv_free(). */
                                e[n] = (struct dropin_entry) { .name = strdup(*nm), .order = d * 2 + k };
                                if (!e[n].name) {
                                        r = -ENOMEM;
                                        break;
                                }
                                n++;
                        }
                }
        if (r < 0) {
                dropin_entries_free(e, n);
                return r;
        }
        if (n > 0)
                qsort(e, n, sizeof(*e), cmp_dropin_entry);
        *ret = e;
        *ret_n = n;
        return 0;
}

/* The first of the entries [i, j) (one name) that is a file or a mask: a mask hides the same name
 * further down. 1 with *ret_path (NULL for a mask), 0 when none is there any more. */
static int dropin_pick(const struct root *root, const struct unit *u, char * const *dirs, const char *const *dnames,
                       const struct dropin_entry *e, size_t i, size_t j, struct problems *problems,
                       char **ret_path) {
        for (; i < j; i++) {
                _cleanup_free_ char *p = NULL, *found = NULL;
                int kind;

                if (asprintf(&p, "%s/%s/%s", dirs[e[i].order / 2], dnames[e[i].order % 2], e[i].name) < 0)
                        return -ENOMEM;
                kind = classify(root, u->user, p, &found);
                if (kind < 0)
                        return kind;
                if (kind == FILE_NONE)
                        continue;
                if (kind == FILE_REFUSED) {
                        /* What systemd would apply here is not known: nothing further down is. */
                        *ret_path = NULL;
                        kind = say_refused(problems, u->user, u->name, p);
                        return kind < 0 ? kind : 1;
                }
                *ret_path = kind == FILE_REGULAR ? TAKE_PTR(found) : NULL;
                return 1;
        }
        return 0;
}

static int find_dropins(const struct root *root, char * const *dirs, const char *name, const char *tmpl,
                        struct problems *problems, struct unit *u) {
        _cleanup_free_ char *d1 = NULL, *d2 = NULL;
        struct dropin_entry *e = NULL;
        const char *dnames[3] = {};
        size_t n = 0, k = 0;
        char **out;
        int r;

        if (asprintf(&d1, "%s.d", name) < 0 || (tmpl && asprintf(&d2, "%s.d", tmpl) < 0))
                return -ENOMEM;
        /* The instance's own directory before the template's. */
        dnames[0] = d1, dnames[1] = d2;
        r = dropin_entries(root, u, dirs, dnames, problems, &e, &n);
        if (r < 0)
                return r;
        out = calloc(n + 1 + strv_length(u->dropins), sizeof(char *));
        if (!out) {
                dropin_entries_free(e, n);
                return -ENOMEM;
        }
        for (char **p = u->dropins; p && *p; p++)
                out[k++] = *p;
        for (size_t i = 0, j; r >= 0 && i < n; i = j) {
                char *found = NULL;

                for (j = i + 1; j < n && streq(e[j].name, e[i].name); j++)
                        ;
                r = dropin_pick(root, u, dirs, dnames, e, i, j, problems, &found);
                if (r > 0 && found && k >= UNIT_DROPINS_MAX) {
                        free(found);
                        r = add_problem(problems, NULL, 0, "%s: more than %d drop-ins: %s and the ones after it "
                                        "(in name order) are not read", name, UNIT_DROPINS_MAX, e[i].name);
                        break;
                }
                if (r > 0 && found)
                        out[k++] = found;
        }
        dropin_entries_free(e, n);
        free(u->dropins);
        u->dropins = out;
        if (k == 0) {
                free(out);
                u->dropins = NULL;
        }
        return r < 0 ? r : 0;
}

int unit_load(const struct root *root, char * const *dirs, const char *name, struct problems *problems,
              struct unit *ret) {
        return unit_load_user(root, dirs, name, NULL, problems, ret);
}

int unit_load_user(const struct root *root, char * const *dirs, const char *name, const struct unit_user *user,
                   struct problems *problems, struct unit *ret) {
        _cleanup_(unit_done) struct unit u = {};
        _cleanup_free_ char *tmpl = NULL;
        size_t budget = UNIT_LIST_LINES_MAX;
        int r;

        u.name = strdup(name);
        if (!u.name)
                return -ENOMEM;
        if (user && !(u.user = unit_user_copy(user)))
                return -ENOMEM; /* cppcheck-suppress memleak ; u is freed by its cleanup */
        r = template_of(name, &tmpl);
        if (r >= 0)
                r = find_fragment(root, dirs, name, tmpl, problems, &u);
        if (r >= 0 && !u.masked)
                r = find_dropins(root, dirs, name, tmpl, problems, &u);
        if (r >= 0 && u.fragment)
                r = unit_apply_file(root, &u, u.fragment, problems, &budget);
        for (char **p = u.dropins; r >= 0 && p && *p && budget > 0; p++)
                r = unit_apply_file(root, &u, *p, problems, &budget);
        if (r < 0)
                return r;
        *ret = u;
        u = (struct unit) {};
        return 0;
}

/* ---- over D-Bus ---- */

/* One word of a command line, quoted for exec_split(): variables still expand, as systemd would
 * expand them when it runs the command; '%' is written "%%" (exec_split() makes it '%'). */
static int append_quoted(struct strbuf *b, const char *word) {
        int r = strbuf_append(b, b->n ? " \"" : "\"", b->n ? 2 : 1);

        for (const char *p = word; *p && r >= 0; p++) {
                if (*p == '"' || *p == '\\')
                        r = strbuf_putc(b, '\\');
                if (r >= 0)
                        r = *p == '%' ? strbuf_append(b, "%%", 2) : strbuf_putc(b, *p);
        }
        return r < 0 ? r : strbuf_putc(b, '"');
}

/* What systemd says of a unit, in the shape the offline reader produces. */
static int unit_from_bus(const char *name, struct bus_unit *b, struct unit *ret) {
        _cleanup_(unit_done) struct unit u = { .masked = b->masked, .via_bus = true };
        struct strbuf line = {};
        int r = 0;

        if (!(u.name = strdup(name)) || (b->fragment_path && !(u.fragment = strdup(b->fragment_path))) ||
            (b->dropin_paths && !(u.dropins = strv_copy(b->dropin_paths))) ||
            (b->environment_files && !(u.env_files = strv_copy(b->environment_files))) ||
            (b->listen && !(u.listen = strv_copy(b->listen))))
                return -ENOMEM;
        if (b->exec_start && b->exec_start[0]) {
                for (char **w = b->exec_start; r >= 0 && *w; w++)
                        r = append_quoted(&line, *w);
                if (r >= 0)
                        r = strv_push(&u.exec_start, TAKE_PTR(line.s));
                free(line.s);
                if (r >= 0)
                        r = strv_extend(&u.exec_start_src, "systemd over D-Bus");
                if (r < 0)
                        return r;
        }
        *ret = u;
        u = (struct unit) {};
        return 0;
}

int units_load(const struct root *root, const char *const *names, struct problems *problems, struct unit *ret) {
        _cleanup_strv_free_ char **dirs = NULL;
        size_t n = 0;
        int r;

        while (names[n])
                n++;
        r = unit_search_path(root, &dirs);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                ret[i] = (struct unit) {};
        for (size_t i = 0; i < n && r >= 0; i++)
                r = unit_load(root, dirs, names[i], problems, &ret[i]);
        if (r >= 0 && root->live) {
                struct bus_unit *b = calloc(n + 1, sizeof(*b));
                int *errs = calloc(n + 1, sizeof(int));

                if (!b || !errs)
                        r = -ENOMEM;
                else if (bus_get_units(names, b, errs) >= 0)
                        for (size_t i = 0; i < n; i++) {
                                struct unit u = { .via_bus = true };
                                if (errs[i] < 0)
                                        continue; /* this one offline */
                                if (r >= 0)
                                        r = b[i].found ? unit_from_bus(names[i], &b[i], &u)
                                                       : ((u.name = strdup(names[i])) ? 0 : -ENOMEM);
                                bus_unit_done(&b[i]);
                                if (r >= 0) {
                                        unit_done(&ret[i]);
                                        ret[i] = u;
                                }
                        }
                free(b);
                free(errs);
        }
        if (r < 0)
                for (size_t i = 0; i < n; i++)
                        unit_done(&ret[i]);
        return r;
}

/* ---- the command line ---- */

int unit_split_words(const char *value, char ***ret) {
        _cleanup_free_ char *cmd = NULL;

        if (asprintf(&cmd, "/- %s", value) < 0)
                return -ENOMEM;
        return exec_split(cmd, NULL, ret);
}


/* The environment Environment= builds: "KEY=VALUE" strings, indexed by key, so that many
 * assignments cost linear time. */
struct env_builder {
        char **env;
        size_t n, cap;
        struct hindex index;
};

static bool env_key_eq(const void *ctx, size_t i, const void *key) {
        const char *e = ((const struct env_builder *) ctx)->env[i], *k = key;
        size_t n = strlen(k);

        return strncmp(e, k, n) == 0 && e[n] == '=';
}

static int env_builder_set(struct env_builder *b, const char *key, const char *value) {
        unsigned long long h = hash_str(0, key);
        long i = hindex_find(&b->index, h, env_key_eq, b, key);
        char *s;

        if (asprintf(&s, "%s=%s", key, value) < 0)
                return -ENOMEM;
        if (i >= 0) {
                free(b->env[i]);
                b->env[i] = s;
                return 0;
        }
        if (b->n + 1 >= b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 16;
                char **m = reallocarray(b->env, cap, sizeof(char *));
                if (!m) {
                        free(s);
                        return -ENOMEM;
                }
                b->env = m, b->cap = cap;
        }
        if (hindex_add(&b->index, h, b->n) < 0) {
                free(s);
                return -ENOMEM;
        }
        b->env[b->n++] = s;
        b->env[b->n] = NULL;
        return 0;
}

static int env_from_assignments(const struct unit *u, struct problems *problems, char ***env) {
        struct env_builder b = {};
        int r = 0;

        for (char **a = u->environment; r >= 0 && a && *a; a++) {
                _cleanup_strv_free_ char **words = NULL;
                if (unit_split_words(*a, &words) < 0) {
                        r = add_problem(problems, u->fragment, 0, "%s: cannot parse Environment=%s", u->name, *a);
                        continue;
                }
                for (char **w = words + 1; r >= 0 && *w; w++) {
                        char *eq = strchr(*w, '=');
                        if (!eq || eq == *w)
                                continue;
                        *eq = 0;
                        if (b.n >= UNIT_ENV_VARS_MAX &&
                            hindex_find(&b.index, hash_str(0, *w), env_key_eq, &b, *w) < 0) {
                                r = add_problem(problems, u->fragment, 0, "%s: Environment= sets more than %d "
                                                "variables: %s and the ones after it are not read", u->name,
                                                UNIT_ENV_VARS_MAX, *w);
                                hindex_done(&b.index);
                                goto done;
                        }
                        r = env_builder_set(&b, *w, eq + 1);
                }
        }
        hindex_done(&b.index);
done:
        if (r < 0) {
                strv_free(b.env);
                return r;
        }
        if (b.env) {
                strv_free(*env);
                *env = b.env;
        }
        return 0;
}

/* A user's unit: an EnvironmentFile= is read only below their home, and only when its resolution
 * stays in their own tree; what it says becomes $VARs of the command line, which become paths
 * and messages. 1 read it, 0 not (a problem naming the unit and the path), -ENOMEM. */
static int user_env_file_ok(const struct root *root, const struct unit *u, const char *path,
                            struct problems *problems) {
        struct resolved res = {};
        bool ok;
        int r;

        ok = path_startswith_dir(path, u->user->home) && root_resolve(root, path, false, &res) >= 0 &&
             trust_users(&res, u->user->uid, u->user->home);
        resolved_done(&res);
        if (ok)
                return 1;
        r = add_problem(problems, path, 0, "EnvironmentFile= of %s (user %s) is outside their home, or leads out of "
                        "it: not read", u->name, u->user->name);
        return r < 0 ? r : 0;
}

/* A system unit: an EnvironmentFile= is read only when it is root's (trust_roots(): it, every
 * directory on its way and every link followed owned by root and writable by no one else), as an
 * init script's settings are; what it says becomes options of a daemon run as root. A missing one
 * is left to the reading (systemd's '-') when what exists of its path is root's. 1 read it, 0 not
 * (a problem naming the unit, the path and how to make it root's), -ENOMEM. */
static int system_env_file_ok(const struct root *root, const struct unit *u, const char *path,
                              struct problems *problems) {
        _cleanup_free_ char *mend = NULL;
        struct resolved res = {};
        bool ok;
        int r;

        r = root_resolve(root, path, false, &res);
        if (r == -ENOMEM)
                return r;
        /* Missing: only when what exists of it is root's too, else a user could make it between
         * this check and the read. A path that cannot be resolved (a link loop, a name too long) is
         * refused: a user who owns a directory on its way could keep a loop there during this check
         * and put their own file in its place for the read. */
        ok = r >= 0 && (trust_roots(&res) ||
                        (res.state != PATH_EXISTS && res.other_owner == 0 && !res.other_owners && !res.open_dir));
        resolved_done(&res);
        if (ok)
                return 1;
        mend = root_mend_commands(root, path);
        if (!mend)
                return -ENOMEM;
        r = add_problem(problems, path, 0, "EnvironmentFile= of %s is not root's, or others may change it: what it "
                        "says is not used; to use it, make it and each directory on its way root's and writable by "
                        "no one else (%s)", u->name, mend);
        return r < 0 ? r : 0;
}

/* Environment for a unit's ExecStart: Environment= first, then EnvironmentFile= files. */
static int unit_environment(const struct root *root, const struct unit *u, struct problems *problems,
                            char ***ret_env) {
        _cleanup_strv_free_ char **env = calloc(1, sizeof(char *));
        int r;

        if (!env)
                return -ENOMEM;
        r = env_from_assignments(u, problems, &env);
        if (r < 0)
                return r;
        for (char **f = u->env_files; f && *f; f++) {
                _cleanup_free_ char *path = NULL, *data = NULL;
                if (f - u->env_files >= UNIT_ENV_FILES_MAX) {
                        r = add_problem(problems, u->fragment, 0, "%s: more than %d EnvironmentFile= files: "
                                        "%s and the ones after it are not read", u->name, UNIT_ENV_FILES_MAX, *f);
                        if (r < 0)
                                return r;
                        break;
                }
                _cleanup_strv_free_ char **vars = NULL;
                struct envfile_warnings w = {};
                int optional = 0;
                size_t len = 0;

                if (environment_file_split(*f, &path, &optional) < 0) {
                        add_problem(problems, u->fragment, 0, "%s: EnvironmentFile=%s is not an absolute path",
                                    u->name, *f);
                        continue;
                }
                {
                        r = u->user ? user_env_file_ok(root, u, path, problems)
                                    : system_env_file_ok(root, u, path, problems);
                        if (r <= 0) {
                                if (r < 0)
                                        return r;
                                continue;
                        }
                }
                r = read_unit_file(root, u, path, &data, &len);
                if (r == -ENOENT && optional)
                        continue;
                if (r == -ENOMEM)
                        return r;
                if (r < 0 && r != -ENOENT && u->user)
                        add_problem(problems, path, 0, "cannot be read by user %s (%s): EnvironmentFile= of %s is "
                                    "read without it", u->user->name, errno_name(r), u->name);
                else if (r < 0 && r != -ENOENT) {
                        _cleanup_free_ char *to = root_resolves_to(root, path);
                        if (to)
                                add_problem(problems, path, 0, "cannot read: it resolves to %s: %s (EnvironmentFile= "
                                            "of %s)", to, errno_name(r), u->name);
                        else
                                add_problem(problems, path, 0, "cannot read: %s (EnvironmentFile= of %s)",
                                            errno_name(r), u->name);
                }
                if (r == -ENOENT)
                        add_problem(problems, path, 0, "%s names it in EnvironmentFile= without '-' "
                                    "but it does not exist: the unit will not start", u->name);
                if (r < 0)
                        continue;
                r = envfile_load(data, len, env, &vars, &w);
                if (r == -ENOMEM)
                        return r;
                /* Lines systemd skips with a warning: said, not a problem. */
                for (size_t k = 0; problems && k < w.n; k++)
                        if (problems_add(problems, path, w.items[k].line, true, "%s",
                                         w.items[k].message) < 0) {
                                envfile_warnings_done(&w);
                                return -ENOMEM;
                        }
                envfile_warnings_done(&w);
                if (r == -E2BIG)
                        add_problem(problems, path, 0, "too much: a value over 1 MiB or more than 1024 variables; "
                                    "the rest is not read");
                else if (r < 0)
                        add_problem(problems, path, 0, "systemd refuses this file (%s): %s will not start",
                                    r == -EBADMSG ? "a NUL byte or invalid UTF-8" : errno_name(r), u->name);
                if (vars) {
                        strv_free(env);
                        env = TAKE_PTR(vars);
                }
        }
        *ret_env = TAKE_PTR(env);
        return 0;
}

int unit_exec_argv(const struct root *root, const struct unit *u, struct problems *problems, char ***ret_argv,
                   const char **ret_src) {
        _cleanup_strv_free_ char **env = NULL, **argv = NULL;
        int r;

        *ret_argv = NULL;
        if (!u->exec_start)
                return 0;
        if (strv_length(u->exec_start) > 1)
                add_problem(problems, u->exec_start_src[1], 0,
                            "%s has several ExecStart= lines without a reset: systemd refuses to start it", u->name);
        r = unit_environment(root, u, problems, &env);
        if (r < 0)
                return r;
        r = exec_split(u->exec_start[0], env, &argv);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return add_problem(problems, u->exec_start_src[0], 0, "%s: cannot split ExecStart=%s", u->name,
                                   u->exec_start[0]);
        if (!argv || !argv[0])
                return 0;
        *ret_argv = TAKE_PTR(argv);
        *ret_src = u->exec_start_src[0];
        return 1;
}

/* ---- every unit that runs a daemon ---- */

static const char *const unit_state_names[_UNIT_STATE_MAX] = {
        [UNIT_ENABLED] = "enabled",
        [UNIT_DISABLED] = "disabled",
        [UNIT_MASKED] = "masked",
        [UNIT_TRANSIENT] = "transient",
};

const char *unit_state_name(enum unit_state s) {
        return (unsigned) s < _UNIT_STATE_MAX ? unit_state_names[s] : NULL;
}

enum unit_runs unit_program_runs(const char *cmdline) {
        _cleanup_strv_free_ char **argv = NULL;
        const char *b;

        if (!cmdline || exec_split(cmdline, NULL, &argv) < 0 || !argv || !argv[0])
                return UNIT_RUNS_NONE;
        b = path_basename(argv[0]);
        if (streq(b, "dockerd") || streq(b, "dockerd-current") || streq(b, "dockerd-rootless.sh") ||
            streq(b, "rootlesskit"))
                return UNIT_RUNS_DOCKERD;
        if (streq(b, "containerd") || streq(b, "docker-containerd") || streq(b, "docker-containerd-current"))
                return UNIT_RUNS_CONTAINERD;
        return UNIT_RUNS_NONE;
}

void unit_scan_done(struct unit_scan *s) {
        for (size_t k = 0; k < s->n; k++) {
                free(s->items[k].service);
                free(s->items[k].socket);
                free(s->items[k].masked_by);
        }
        free(s->items);
        for (size_t k = 0; k < s->n_wanted; k++)
                free(s->wanted[k]);
        free(s->wanted);
        *s = (struct unit_scan) {};
}

/* Names, each once, in the order first added, indexed by a hash: a lookup or an addition costs
 * O(1) on average, so that a directory of many unit files costs linear time. */
struct name_set {
        char **names;           /* NULL-terminated once anything was added */
        size_t n, cap;
        struct hindex index;
};

static void name_set_done(struct name_set *s) {
        for (size_t i = 0; i < s->n; i++)
                free(s->names[i]);
        free(s->names);
        hindex_done(&s->index);
        *s = (struct name_set) {};
}

static bool name_set_eq(const void *ctx, size_t i, const void *key) {
        const struct name_set *s = ctx;

        return streq(s->names[i], key);
}

static bool name_set_contains(const struct name_set *s, const char *name) {
        return hindex_find(&s->index, hash_str(0, name), name_set_eq, s, name) >= 0;
}

/* 1 added, 0 already there, -ENOMEM. */
static int name_set_add(struct name_set *s, const char *name) {
        unsigned long long h = hash_str(0, name);

        if (hindex_find(&s->index, h, name_set_eq, s, name) >= 0)
                return 0;
        if (s->n + 1 >= s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 16;
                char **m = reallocarray(s->names, cap, sizeof(char *));

                if (!m)
                        return -ENOMEM;
                s->names = m, s->cap = cap;
        }
        s->names[s->n] = strdup(name);
        if (!s->names[s->n])
                return -ENOMEM;
        if (hindex_add(&s->index, h, s->n) < 0) {
                free(s->names[s->n]);
                s->names[s->n] = NULL;
                return -ENOMEM;
        }
        s->names[++s->n] = NULL;
        return 1;
}

/* At most this many names are taken from one directory of the search path, its .wants/ and
 * .requires/ directories included: each service named is loaded, and a user chooses how many
 * their own unit directories hold. A host's busiest system unit directory holds a few hundred
 * services. */
#define UNIT_SCAN_NAMES_MAX 2048

/* Service names in every directory of the path, and those its .wants/ and .requires/ name: each
 * directory listed once, each name looked up in a hash. UNIT_SCAN_NAMES_MAX bounds what one
 * directory of the path gives (a problem, when problems is not NULL, says where it stopped). */
static int scan_names(const struct root *root, char * const *dirs, struct problems *problems,
                      struct name_set *all, struct name_set *enabled) {
        for (char * const *dir = dirs; dir && *dir; dir++) {
                _cleanup_strv_free_ char **names = NULL;
                size_t taken = 0;
                int r = 0;

                if (root_list_dir(root, *dir, &names) < 0)
                        continue;
                for (char **n = names; *n && r >= 0; n++) {
                        _cleanup_strv_free_ char **wants = NULL;
                        _cleanup_free_ char *sub = NULL;
                        bool service = endswith(*n, ".service") && !endswith(*n, "@.service");

                        if (!service && !endswith(*n, ".wants") && !endswith(*n, ".requires"))
                                continue;
                        if (taken++ >= UNIT_SCAN_NAMES_MAX) {
                                r = add_problem(problems, *dir, 0, "more than %d unit files and .wants/ "
                                                "links: %s and the ones after it (in name order) are not "
                                                "read", UNIT_SCAN_NAMES_MAX, *n);
                                break;
                        }
                        if (service) {
                                r = name_set_add(all, *n);
                                continue;
                        }
                        if (!(sub = path_join(*dir, *n)))
                                return -ENOMEM;
                        if (root_list_dir(root, sub, &wants) < 0)
                                continue;
                        for (char **w = wants; *w && r >= 0; w++) {
                                service = endswith(*w, ".service");
                                if (!service && !endswith(*w, ".socket"))
                                        continue;
                                if (taken++ >= UNIT_SCAN_NAMES_MAX) {
                                        r = add_problem(problems, sub, 0, "more than %d unit files and "
                                                        ".wants/ links in %s: %s and the ones after it (in "
                                                        "name order) are not read", UNIT_SCAN_NAMES_MAX,
                                                        *dir, *w);
                                        break;
                                }
                                r = name_set_add(enabled, *w);
                                if (r >= 0 && service)
                                        r = name_set_add(all, *w);
                        }
                        if (taken > UNIT_SCAN_NAMES_MAX)
                                break;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

int unit_wanted(const struct root *root, char * const *dirs, const char *name, bool *ret) {
        _cleanup_strv_free_ char **sys = NULL;
        struct name_set all = {}, enabled = {};
        int r = 0;

        if (!dirs && (r = unit_search_path(root, &sys)) >= 0)
                dirs = sys;
        if (r >= 0)
                r = scan_names(root, dirs, NULL, &all, &enabled);
        if (r >= 0)
                *ret = name_set_contains(&enabled, name);
        name_set_done(&all);
        name_set_done(&enabled);
        return r;
}

/* The unit text one scan reads at most: the unit files a user writes may each be as large as
 * INPUT_MAX, and as many as UNIT_SCAN_NAMES_MAX hard links to one of them. A host's system units
 * are a few hundred KiB in all. */
#define UNIT_SCAN_BYTES_MAX (32u << 20)

/* The size of u's fragment and drop-ins: what loading it read. */
static size_t unit_bytes(const struct root *root, const struct unit *u) {
        size_t sum = 0;

        for (size_t k = 0; k == 0 || (u->dropins && u->dropins[k - 1]); k++) {
                const char *path = k == 0 ? u->fragment : u->dropins[k - 1];
                _cleanup_free_ char *real = path ? root_real(root, path) : NULL;
                struct stat st;

                /* Resolved paths (classify()): no link to follow. */
                if (real && statmemo_lstat(real, &st) == 0 && S_ISREG(st.st_mode))
                        sum += (size_t) st.st_size;
        }
        return sum;
}

/* What the unit runs; a masked one by the unit file below its mask. Adds what it read to *read. */
static int scan_one(const struct root *root, char * const *dirs, const struct unit_user *user, const char *name,
                    enum unit_runs *ret_kind, char **ret_masked_by, bool *ret_transient, size_t *read) {
        _cleanup_(unit_done) struct unit u = {};
        size_t n = strv_length(dirs);
        int r;

        *ret_kind = UNIT_RUNS_NONE;
        r = unit_load_user(root, dirs, name, user, NULL, &u);
        if (r < 0)
                return r;
        *read += unit_bytes(root, &u);
        if (!u.masked) {
                *ret_kind = unit_program_runs(u.exec_start ? u.exec_start[0] : NULL);
                *ret_transient = u.fragment && path_startswith_dir(u.fragment, "/run/systemd/transient");
                return 0;
        }
        *ret_masked_by = TAKE_PTR(u.masked_by);
        for (size_t k = 1; k < n; k++) {
                _cleanup_(unit_done) struct unit v = {};

                r = unit_load_user(root, dirs + k, name, user, NULL, &v);
                if (r < 0)
                        return r;
                *read += unit_bytes(root, &v);
                if (v.masked)
                        continue;
                *ret_kind = unit_program_runs(v.exec_start ? v.exec_start[0] : NULL);
                break;
        }
        return 0;
}

int unit_scan(const struct root *root, char * const *user_dirs, const struct unit_user *user, struct problems *problems,
              struct unit_scan *ret) {
        static const char *const known[] = { "docker.service", "containerd.service", "snap.docker.dockerd.service" };
        _cleanup_strv_free_ char **sys = NULL;
        _cleanup_(unit_scan_done) struct unit_scan s = {};
        struct name_set all = {}, enabled = {};
        char * const *dirs = user_dirs;
        size_t cap = 0, read = 0;
        int r = 0;

        if (!dirs && (r = unit_search_path(root, &sys)) >= 0)
                dirs = sys;
        if (r >= 0)
                r = scan_names(root, dirs, problems, &all, &enabled);
        if (r >= 0 && all.n > 0)
                qsort(all.names, all.n, sizeof(char *), cmp_str);  /* all's index is not used again */
        for (size_t i = 0; r >= 0 && i < all.n; i++) {
                const char *n = all.names[i];
                _cleanup_free_ char *masked_by = NULL;
                struct unit_scan_item *a;
                enum unit_runs kind;
                bool skip = false, transient = false;

                for (size_t k = 0; !user_dirs && k < ELEMENTSOF(known); k++)
                        skip = skip || streq(n, known[k]);
                if (skip)
                        continue;
                if (read >= UNIT_SCAN_BYTES_MAX) {
                        r = add_problem(problems, dirs[0], 0, "the unit scan read %u MiB of unit files: %s and the "
                                        "units after it (in name order) are not read", UNIT_SCAN_BYTES_MAX >> 20, n);
                        break;
                }
                r = scan_one(root, dirs, user, n, &kind, &masked_by, &transient, &read);
                if (r < 0 || kind == UNIT_RUNS_NONE)
                        continue;
                if (s.n == cap) {
                        a = reallocarray(s.items, cap ? cap * 2 : 8, sizeof(*a));
                        if (!a) {
                                r = -ENOMEM;
                                break;
                        }
                        s.items = a, cap = cap ? cap * 2 : 8;
                }
                a = &s.items[s.n];
                *a = (struct unit_scan_item) {
                        .kind = kind,
                        .state = masked_by ? UNIT_MASKED : transient ? UNIT_TRANSIENT : UNIT_DISABLED,
                        .masked_by = TAKE_PTR(masked_by),
                        .service = strdup(n),
                };
                s.n++;
                if (!a->service ||
                    asprintf(&a->socket, "%.*s.socket", (int) (strlen(n) - strlen(".service")), n) < 0) {
                        a->socket = NULL;
                        r = -ENOMEM;
                        break;
                }
                if (a->state == UNIT_DISABLED &&
                    (name_set_contains(&enabled, n) || name_set_contains(&enabled, a->socket)))
                        a->state = UNIT_ENABLED;
        }
        name_set_done(&all);
        if (r >= 0 && enabled.n > 0) {
                qsort(enabled.names, enabled.n, sizeof(char *), cmp_str);
                s.wanted = TAKE_PTR(enabled.names);
                s.n_wanted = enabled.n;
                enabled.n = 0;
        }
        name_set_done(&enabled);
        if (r < 0)
                return r;
        *ret = s;
        s = (struct unit_scan) {};
        return 0;
}

bool unit_scan_wanted(const struct unit_scan *s, const char *name) {
        return s->n_wanted > 0 && bsearch(&name, s->wanted, s->n_wanted, sizeof(char *), cmp_str);
}
