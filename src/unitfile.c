/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>

#include "unitfile.h"
#include "util.h"

#define WHITESPACE " \t\n\r"
#define UNIT_LINE_MAX (64 * 1024)

static bool is_ws(char c) {
        return c != 0 && strchr(WHITESPACE, c);
}

/* A growable string. */
/* ---- unit files ---- */

void unit_file_done(struct unit_file *u) {
        if (!u)
                return;
        for (size_t i = 0; i < u->n_entries; i++) {
                free(u->entries[i].section);
                free(u->entries[i].key);
                free(u->entries[i].value);
        }
        free(u->entries);
        u->entries = NULL;
        u->n_entries = 0;
}

/* Trim WHITESPACE on both ends of s[0..n), returning the start and updating *n. */
static const char *strip(const char *s, size_t *n) {
        while (*n > 0 && is_ws(s[0])) {
                s++;
                (*n)--;
        }
        while (*n > 0 && is_ws(s[*n - 1]))
                (*n)--;
        return s;
}

static int unit_file_add(struct unit_file *u, size_t *cap, const char *section,
                         const char *key, size_t key_len, const char *value, size_t value_len,
                         unsigned line) {
        struct unit_entry e = { .line = line };

        if (u->n_entries >= *cap) {
                size_t c = *cap ? *cap * 2 : 16;
                struct unit_entry *m = realloc(u->entries, c * sizeof(struct unit_entry));
                if (!m)
                        return -ENOMEM;
                u->entries = m;
                *cap = c;
        }
        e.section = strdup(section);
        e.key = strndup(key, key_len);
        e.value = strndup(value, value_len);
        if (!e.section || !e.key || !e.value) {
                free(e.section);
                free(e.key);
                free(e.value);
                return -ENOMEM;
        }
        u->entries[u->n_entries++] = e;
        return 0;
}

/* One logical line (continuations joined). Returns 0, -EINVAL if malformed, -ENOMEM. */
static int parse_logical_line(struct unit_file *u, size_t *cap, char **section,
                              const char *l, size_t n, unsigned line) {
        const char *eq;

        l = strip(l, &n);
        if (n == 0)
                return 0;
        if (strchr("#;", l[0]))
                return 0;

        if (l[0] == '[') {
                char *s;

                if (n < 2 || l[n - 1] != ']')
                        return -EINVAL;
                s = strndup(l + 1, n - 2);
                if (!s)
                        return -ENOMEM;
                free(*section);
                *section = s;
                return 0;
        }

        if (!*section)
                return -EINVAL;
        eq = memchr(l, '=', n);
        if (!eq)
                return -EINVAL;

        {
                size_t key_len = (size_t) (eq - l), value_len = n - key_len - 1;
                const char *key = strip(l, &key_len), *value = strip(eq + 1, &value_len);

                if (key_len == 0)
                        return -EINVAL;
                return unit_file_add(u, cap, *section, key, key_len, value, value_len, line);
        }
}

/* Does the line end in an unescaped backslash (an odd number of trailing backslashes)? */
static bool ends_in_backslash(const char *s, size_t n) {
        size_t k = 0;

        while (k < n && s[n - 1 - k] == '\\')
                k++;
        return k % 2 == 1;
}

int unit_file_parse(const char *data, size_t len, struct unit_file *ret, unsigned *ret_line) {
        struct unit_file u = {};
        _cleanup_free_ char *section = NULL;
        struct strbuf cont = {};        /* a continued line being collected */
        unsigned cont_line = 0, line = 0;
        size_t cap = 0, pos = 0;
        int r = 0;

        if (!data && len > 0)
                return -EINVAL;

        /* A UTF-8 byte order mark is ignored, as systemd does. */
        if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
                pos = 3;

        while (pos < len) {
                const char *l = data + pos, *nl;
                size_t n;

                line++;
                nl = memchr(l, '\n', len - pos);
                n = nl ? (size_t) (nl - l) : len - pos;
                pos += n + (nl ? 1 : 0);
                if (n > 0 && l[n - 1] == '\r')
                        n--;

                if (n > UNIT_LINE_MAX) {
                        r = -E2BIG;
                        break;
                }
                if (memchr(l, 0, n)) {
                        r = -EINVAL;
                        break;
                }

                /* Comment lines are skipped, also in the middle of a continuation. */
                {
                        size_t k = n;
                        const char *t = strip(l, &k);
                        if (k > 0 && strchr("#;", t[0]))
                                continue;
                }

                if (cont.n == 0 && !ends_in_backslash(l, n)) {
                        r = parse_logical_line(&u, &cap, &section, l, n, line);
                        if (r < 0)
                                break;
                        continue;
                }

                if (cont.n == 0)
                        cont_line = line;
                if (cont.n + n > UNIT_LINE_MAX) {
                        r = -E2BIG;
                        break;
                }
                r = strbuf_append(&cont, l, n);
                if (r < 0)
                        break;
                if (ends_in_backslash(cont.s, cont.n)) {
                        /* The backslash becomes a space and the next line is appended. */
                        cont.s[cont.n - 1] = ' ';
                        continue;
                }

                r = parse_logical_line(&u, &cap, &section, cont.s, cont.n, cont_line);
                if (r == -EINVAL)
                        line = cont_line;
                if (r < 0)
                        break;
                cont.n = 0;
        }

        /* A continuation running into the end of the file is taken as it is. */
        if (r == 0 && cont.n > 0) {
                r = parse_logical_line(&u, &cap, &section, cont.s, cont.n, cont_line);
                if (r == -EINVAL)
                        line = cont_line;
        }
        free(cont.s);

        if (r < 0 && r != -EINVAL && r != -E2BIG) {
                unit_file_done(&u);
                return r;
        }
        *ret = u;
        if (ret_line)
                *ret_line = r < 0 ? line : 0;
        return r;
}

/* ---- command lines ---- */

/* One C-style escape, p pointing after the backslash (as systemd's cunescape_one()).
 * Appends the result to b and returns the number of characters consumed, or -EINVAL. */
static int unescape_one(const char *p, struct strbuf *b) {
        static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''s ";
        char out[4];
        size_t n = 1;
        int consumed;

        if (*p == 0)
                return -EINVAL;
        for (size_t i = 0; simple[i]; i += 2)
                if (simple[i] == *p) {
                        out[0] = simple[i + 1];
                        goto done;
                }

        if (*p == 'x') {
                int a = unhexchar(p[1]), c;

                if (a < 0)
                        return -EINVAL;
                c = unhexchar(p[2]);
                if (c < 0)
                        return -EINVAL;
                if (a == 0 && c == 0)
                        return -EINVAL; /* no NUL bytes */
                out[0] = (char) (a << 4 | c);
                return strbuf_append(b, out, 1) < 0 ? -ENOMEM : 3;
        }

        if (*p == 'u' || *p == 'U') {
                int digits = *p == 'u' ? 4 : 8;
                uint32_t u = 0;

                for (int i = 1; i <= digits; i++) {
                        int v = unhexchar(p[i]);
                        if (v < 0)
                                return -EINVAL;
                        u = u << 4 | (uint32_t) v;
                }
                if (u == 0 || u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff))
                        return -EINVAL;
                n = utf8_encode(u, out);
                consumed = 1 + digits;
                return strbuf_append(b, out, n) < 0 ? -ENOMEM : consumed;
        }

        if (*p >= '0' && *p <= '7') {
                int v = 0;

                for (int i = 0; i < 3; i++) {
                        if (p[i] < '0' || p[i] > '7')
                                return -EINVAL;
                        v = v * 8 + (p[i] - '0');
                }
                if (v == 0 || v > 0xff)
                        return -EINVAL;
                out[0] = (char) v;
                return strbuf_append(b, out, 1) < 0 ? -ENOMEM : 3;
        }

        return -EINVAL;

done:
        return strbuf_append(b, out, n) < 0 ? -ENOMEM : 1;
}

/* Extract one word of a command line: quotes removed, C escapes resolved. Returns 1 with a
 * word, 0 at the end of the (first) command, -EINVAL on bad quoting or escaping. */
static int extract_command_word(const char **p, char **ret) {
        struct strbuf b = {};
        const char *s = *p;
        char quote = 0;
        int r;

        while (is_ws(*s))
                s++;
        if (*s == 0 || (s[0] == ';' && (s[1] == 0 || is_ws(s[1])))) {
                *p = s;
                return 0; /* the end, or " ; " which separates commands */
        }
        if (s[0] == '\\' && s[1] == ';' && (s[2] == 0 || is_ws(s[2]))) {
                /* "\;" is a literal ';' argument */
                *ret = strdup(";");
                if (!*ret)
                        return -ENOMEM;
                *p = s + 2;
                return 1;
        }

        for (; *s; s++) {
                if (*s == '\\') {
                        r = unescape_one(s + 1, &b);
                        if (r < 0)
                                goto fail;
                        s += r;
                } else if (quote) {
                        if (*s == quote)
                                quote = 0;
                        else if ((r = strbuf_putc(&b, *s)) < 0)
                                goto fail;
                } else if (*s == '"' || *s == '\'')
                        quote = *s;
                else if (is_ws(*s))
                        break;
                else if ((r = strbuf_putc(&b, *s)) < 0)
                        goto fail;
        }
        if (quote) {
                r = -EINVAL;
                goto fail;
        }
        if (!b.s) {
                b.s = strdup(""); /* "" or '' */
                if (!b.s)
                        return -ENOMEM;
        }
        *p = s;
        *ret = b.s;
        return 1;

fail:
        free(b.s);
        return r;
}

/* A NULL-terminated word list growing geometrically: strv_push() counts the list on every call,
 * quadratic for the hundreds of thousands of words a 1 MiB variable may hold. */
struct wordv {
        char **l;
        size_t n, cap;
};

/* Takes s (NULL meaning out of memory), frees it on failure. */
static int wordv_push(struct wordv *w, char *s) {
        if (!s)
                return -ENOMEM;
        if (w->n + 2 > w->cap) {
                size_t cap = w->cap ? w->cap * 2 : 16;
                char **m = realloc(w->l, cap * sizeof(char *));

                if (!m) {
                        free(s);
                        return -ENOMEM;
                }
                w->l = m;
                w->cap = cap;
        }
        w->l[w->n++] = s;
        w->l[w->n] = NULL;
        return 0;
}

/* Split a variable's value at whitespace, as systemd does for "$VAR" words: quotes are removed
 * and a backslash takes the next character literally; unbalanced quotes are tolerated. */
static int split_value(const char *v, struct wordv *l) {
        for (;;) {
                struct strbuf b = {};
                char quote = 0;
                bool any = false;
                int r;

                while (is_ws(*v))
                        v++;
                if (*v == 0)
                        return 0;

                for (; *v; v++) {
                        if (*v == '\\') {
                                if (v[1] == 0)
                                        continue; /* trailing backslash dropped */
                                v++;
                                r = strbuf_putc(&b, *v);
                        } else if (quote) {
                                if (*v == quote) {
                                        quote = 0;
                                        continue;
                                }
                                r = strbuf_putc(&b, *v);
                        } else if (*v == '"' || *v == '\'') {
                                quote = *v;
                                any = true;
                                continue;
                        } else if (is_ws(*v))
                                break;
                        else
                                r = strbuf_putc(&b, *v);
                        if (r < 0) {
                                free(b.s);
                                return r;
                        }
                        any = true;
                }
                if (!any)
                        return 0;
                r = wordv_push(l, b.s ? b.s : strdup(""));
                if (r < 0)
                        return r;
        }
}

/* "%%" becomes '%', other specifiers are left alone. */
static char *resolve_specifiers(const char *w) {
        char *s = strdup(w), *o = s;

        if (!s)
                return NULL;
        for (const char *i = w; *i; i++) {
                *o++ = *i;
                if (i[0] == '%' && i[1] == '%')
                        i++;
        }
        *o = 0;
        return s;
}

static bool env_name_valid(const char *name, size_t n) {
        if (n == 0 || (name[0] >= '0' && name[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(name[i] == '_' || (name[i] >= 'A' && name[i] <= 'Z') ||
                      (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9')))
                        return false;
        return true;
}

/* Unset variables and invalid names give NULL. */
static const char *env_lookup(char * const *env, const char *name, size_t n) {
        const char *found = NULL;

        if (!env_name_valid(name, n))
                return NULL;

        /* the last assignment wins, as in systemd */
        for (char * const *i = env; i && *i; i++)
                if (strncmp(*i, name, n) == 0 && (*i)[n] == '=')
                        found = *i + n + 1;
        return found;
}

/* "${VAR}" replaced as is inside the word, "$$" is '$', anything else stays. */
/* A command line that expands past what execve(2) takes is one systemd cannot run either: the
 * kernel's ARG_MAX bound (2 MiB for arguments at the default 8 MiB stack, execve(2) "Limits on
 * size of arguments and environment"). Also what keeps "${A}" repeated thousands of times over a
 * long A from costing gigabytes. */
#define EXEC_ARGS_MAX (2u * 1024 * 1024)

/* NULL with errno E2BIG when the word would grow past EXEC_ARGS_MAX, ENOMEM. */
static char *replace_env(const char *w, char * const *env) {
        struct strbuf b = {};

        if (strbuf_append(&b, "", 0) < 0)
                return NULL;
        while (*w) {
                const char *end;
                int r;

                if (w[0] == '$' && w[1] == '$') {
                        r = strbuf_putc(&b, '$');
                        w += 2;
                } else if (w[0] == '$' && w[1] == '{' && (end = strchr(w + 2, '}'))) {
                        const char *v = env_lookup(env, w + 2, (size_t) (end - w - 2));
                        if (b.n + strlen(strempty(v)) > EXEC_ARGS_MAX) {
                                free(b.s);
                                errno = E2BIG;
                                return NULL;
                        }
                        r = strbuf_append(&b, strempty(v), strlen(strempty(v)));
                        w = end + 1;
                } else {
                        r = strbuf_putc(&b, *w);
                        w++;
                }
                if (r < 0) {
                        free(b.s);
                        return NULL;
                }
        }
        return b.s;
}

int exec_split(const char *cmdline, char * const *env, char ***ret_argv) {
        _cleanup_strv_free_ char **words = NULL, **argv = NULL;
        struct wordv wv = {}, av = {};
        bool ignore = false, separate_argv0 = false, no_env = false, privileged = false,
                no_setuid = false, ambient = false;
        const char *p = cmdline, *path;
        size_t n, i, total = 0, counted = 0;
        int r;

        if (!cmdline)
                return -EINVAL;

        for (;;) {
                char *w = NULL;

                r = extract_command_word(&p, &w);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                r = wordv_push(&wv, w);
                words = wv.l;
                if (r < 0)
                        return r;
        }

        argv = av.l = calloc(1, sizeof(char *));
        if (!argv)
                return -ENOMEM;
        av.cap = 1;
        n = wv.n;
        if (n == 0) {
                *ret_argv = TAKE_PTR(argv);
                return 0;
        }

        /* Prefixes, each at most once, "!!" being the only doubled one. */
        for (path = words[0];; path++) {
                if (*path == '-' && !ignore)
                        ignore = true;
                else if (*path == '@' && !separate_argv0)
                        separate_argv0 = true;
                else if (*path == ':' && !no_env)
                        no_env = true;
                else if (*path == '+' && !(privileged || no_setuid || ambient))
                        privileged = true;
                else if (*path == '!' && !(privileged || no_setuid || ambient))
                        no_setuid = true;
                else if (*path == '!' && no_setuid && !ambient)
                        ambient = true;
                else
                        break;
        }
        if (*path == 0)
                return -EINVAL;
        if (separate_argv0 && n < 2)
                return -EINVAL;

        r = wordv_push(&av, resolve_specifiers(path));
        argv = av.l;
        if (r < 0)
                return r;

        for (i = separate_argv0 ? 2 : 1; i < n; i++) {
                _cleanup_free_ char *w = resolve_specifiers(words[i]);

                if (!w)
                        return -ENOMEM;

                if (!no_env && w[0] == '$' && w[1] != '{' && w[1] != '$') {
                        /* "$VAR" alone: split into words; unset, empty or invalid: nothing. */
                        const char *v = env_lookup(env, w + 1, strlen(w + 1));
                        if (v) {
                                r = split_value(v, &av);
                                argv = av.l;
                                if (r < 0)
                                        return r;
                        }
                        for (; counted < av.n; counted++)
                                if ((total += strlen(av.l[counted]) + 1) > EXEC_ARGS_MAX)
                                        return -E2BIG;
                        continue;
                }

                if (!no_env) {
                        char *x = replace_env(w, env);
                        if (!x)
                                return errno == E2BIG ? -E2BIG : -ENOMEM;
                        free(w);
                        w = x;
                }
                r = wordv_push(&av, TAKE_PTR(w));
                argv = av.l;
                if (r < 0)
                        return r;
                for (; counted < av.n; counted++)
                        if ((total += strlen(av.l[counted]) + 1) > EXEC_ARGS_MAX)
                                return -E2BIG;
        }

        *ret_argv = TAKE_PTR(argv);
        return 0;
}

int environment_file_split(const char *value, char **ret_path, int *ret_optional) {
        bool optional = false;
        char *path;

        if (!value)
                return -EINVAL;
        if (value[0] == '-') {
                optional = true;
                value++;
        }
        if (value[0] != '/')
                return -EINVAL;
        path = strdup(value);
        if (!path)
                return -ENOMEM;
        *ret_path = path;
        *ret_optional = optional;
        return 0;
}
