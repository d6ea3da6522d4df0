/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "envfile.h"
#include "util.h"

/* Expanding earlier variables could blow a small file up exponentially; cap the result. */
#define ENV_VALUE_MAX INPUT_MAX
/* Real files set a handful of variables; a bound keeps a hostile one from costing minutes
 * (every assignment looks the name up). */
#define ENV_VARS_MAX 1024
#define ENV_TOTAL_MAX (8 * INPUT_MAX)

static const char *env_get_n(char * const *env, const char *key, size_t n) {
        const char *found = NULL;

        for (char * const *i = env; i && *i; i++)
                if (strncmp(*i, key, n) == 0 && (*i)[n] == '=')
                        found = *i + n + 1;
        return found;
}

const char *env_get(char * const *env, const char *key) {
        /* The last one wins, should the list hold a key twice. */
        return env_get_n(env, key, strlen(key));
}

int env_set(char ***env, const char *key, const char *value) {
        size_t n = strlen(key);
        char *s;

        if (n == 0 || strchr(key, '='))
                return -EINVAL;
        if (asprintf(&s, "%s=%s", key, value) < 0)
                return -ENOMEM;

        for (char **i = *env; i && *i; i++)
                if (strncmp(*i, key, n) == 0 && (*i)[n] == '=') {
                        free(*i);
                        *i = s;
                        return 0;
                }
        return strv_push(env, s);
}

struct parser {
        const char *p;          /* NUL-terminated, CRLF already turned into LF */
        unsigned line;
        char * const *base;
        char **env;
        size_t n_vars;          /* distinct names in env */
        size_t total;           /* bytes of all values so far */
};

static int sbuf_append(struct strbuf *b, const char *s, size_t n) {
        if (b->n + n > ENV_VALUE_MAX)
                return -E2BIG;
        return strbuf_append(b, s, n);
}

static int sbuf_putc(struct strbuf *b, char c) {
        return sbuf_append(b, &c, 1);
}

static bool is_name_start(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_name_char(char c) {
        return is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

/* Variables of this file first, then those of base. */
static const char *lookup(struct parser *ps, const char *name, size_t n) {
        const char *v = env_get_n(ps->env, name, n);

        return v ? v : env_get_n(ps->base, name, n);
}

/* Copy text up to and including the closing character literally, p pointing at the first
 * character inside. For "$(" nested parentheses are counted. -EINVAL when it never closes. */
static int copy_literal(struct parser *ps, struct strbuf *b, char open, char close) {
        unsigned depth = 1;
        const char *s = ps->p;

        for (; *s; s++) {
                if (*s == '\n')
                        ps->line++;
                if (*s == '\\' && s[1]) {
                        s++;
                        if (*s == '\n')
                                ps->line++;
                        continue;
                }
                if (*s == close && --depth == 0)
                        break;
                if (*s == open && open != close)
                        depth++;
        }
        if (!*s)
                return -EINVAL;
        s++;
        {
                int r = sbuf_append(b, ps->p, (size_t) (s - ps->p));
                ps->p = s;
                return r;
        }
}

/* At a '$': a variable reference is expanded, command substitution copied as it is. */
static int parse_dollar(struct parser *ps, struct strbuf *b) {
        const char *s = ps->p + 1;

        if (*s == '(') {
                int r = sbuf_append(b, "$(", 2);
                if (r < 0)
                        return r;
                ps->p = s + 1;
                return copy_literal(ps, b, '(', ')');
        }

        if (*s == '{') {
                const char *e = s + 1, *v;

                while (is_name_char(*e))
                        e++;
                if (*e != '}' || e == s + 1 || !is_name_start(s[1])) {
                        /* ${VAR:-x} and friends are not interpreted, kept as they are */
                        int r = sbuf_append(b, "${", 2);
                        if (r < 0)
                                return r;
                        ps->p = s + 1;
                        return copy_literal(ps, b, '{', '}');
                }
                v = lookup(ps, s + 1, (size_t) (e - s - 1));
                ps->p = e + 1;
                return v ? sbuf_append(b, v, strlen(v)) : 0;
        }

        if (is_name_start(*s)) {
                const char *e = s, *v;

                while (is_name_char(*e))
                        e++;
                v = lookup(ps, s, (size_t) (e - s));
                ps->p = e;
                return v ? sbuf_append(b, v, strlen(v)) : 0;
        }

        /* a lone '$' */
        ps->p++;
        return sbuf_putc(b, '$');
}

static int parse_double_quoted(struct parser *ps, struct strbuf *b) {
        int r;

        ps->p++; /* the opening quote */
        for (;;) {
                const char *s = ps->p;

                if (*s == 0)
                        return -EINVAL;
                if (*s == '"') {
                        ps->p++;
                        return 0;
                }
                if (*s == '\\' && s[1] == '\n') {
                        ps->line++;
                        ps->p += 2;
                        continue;
                }
                if (*s == '\\' && s[1] && strchr("\"\\$`", s[1])) {
                        r = sbuf_putc(b, s[1]);
                        ps->p += 2;
                } else if (*s == '$')
                        r = parse_dollar(ps, b);
                else if (*s == '`') {
                        r = sbuf_putc(b, '`');
                        if (r < 0)
                                return r;
                        ps->p++;
                        r = copy_literal(ps, b, '`', '`');
                } else {
                        if (*s == '\n')
                                ps->line++;
                        r = sbuf_putc(b, *s);
                        ps->p++;
                }
                if (r < 0)
                        return r;
        }
}

/* The value of an assignment, up to unquoted whitespace or the end of the line. */
static int parse_value(struct parser *ps, char **ret) {
        struct strbuf b = {};
        int r = 0;

        r = sbuf_append(&b, "", 0);
        while (r >= 0) {
                const char *s = ps->p;

                if (*s == 0 || *s == '\n' || is_blank(*s))
                        break;
                if (*s == '\\') {
                        if (s[1] == '\n') {
                                ps->line++;
                                ps->p += 2;
                        } else if (s[1] == 0) {
                                r = sbuf_putc(&b, '\\');
                                ps->p++;
                        } else {
                                r = sbuf_putc(&b, s[1]);
                                ps->p += 2;
                        }
                } else if (*s == '\'') {
                        const char *e = strchr(s + 1, '\'');

                        if (!e) {
                                r = -EINVAL;
                                break;
                        }
                        for (const char *i = s + 1; i < e; i++)
                                if (*i == '\n')
                                        ps->line++;
                        r = sbuf_append(&b, s + 1, (size_t) (e - s - 1));
                        ps->p = e + 1;
                } else if (*s == '"')
                        r = parse_double_quoted(ps, &b);
                else if (*s == '$')
                        r = parse_dollar(ps, &b);
                else if (*s == '`') {
                        r = sbuf_putc(&b, '`');
                        ps->p++;
                        if (r >= 0)
                                r = copy_literal(ps, &b, '`', '`');
                } else {
                        r = sbuf_putc(&b, *s);
                        ps->p++;
                }
        }
        if (r >= 0 && ps->total + b.n > ENV_TOTAL_MAX)
                r = -E2BIG;
        if (r < 0) {
                free(b.s);
                return r;
        }
        ps->total += b.n;
        *ret = b.s;
        return 0;
}

/* Skip blanks and backslash-newlines. */
static void skip_blanks(struct parser *ps) {
        for (;;) {
                if (is_blank(*ps->p))
                        ps->p++;
                else if (ps->p[0] == '\\' && ps->p[1] == '\n') {
                        ps->p += 2;
                        ps->line++;
                } else
                        return;
        }
}

static void skip_to_eol(struct parser *ps) {
        while (*ps->p && *ps->p != '\n')
                ps->p++;
}

/* One line: "[export] NAME=VALUE [NAME=VALUE...] [# comment]", a comment or nothing.
 * *ret_line is set to the line where a problem started. */
static int parse_statement(struct parser *ps, unsigned *ret_line) {
        bool first = true, exported = false;
        int r;

        for (;; first = false) {
                const char *name, *e;
                _cleanup_free_ char *key = NULL, *value = NULL;

                skip_blanks(ps);
                *ret_line = ps->line;
                if (*ps->p == 0 || *ps->p == '\n')
                        return 0;
                if (*ps->p == '#' || (first && *ps->p == ';')) {
                        skip_to_eol(ps);
                        return 0;
                }

                name = e = ps->p;
                while (is_name_char(*e))
                        e++;

                if (first && e - name == 6 && strncmp(name, "export", 6) == 0 &&
                    (is_blank(*e) || *e == '\n' || *e == 0)) {
                        ps->p = e;
                        exported = true;
                        continue;
                }

                if (e == name || !is_name_start(*name))
                        return -EINVAL;
                if (*e != '=') {
                        /* "export NAME" marks an existing variable, nothing to do */
                        if (exported && (is_blank(*e) || *e == '\n' || *e == 0)) {
                                ps->p = e;
                                continue;
                        }
                        return -EINVAL;
                }

                key = strndup(name, (size_t) (e - name));
                if (!key)
                        return -ENOMEM;
                ps->p = e + 1;
                r = parse_value(ps, &value);
                if (r < 0)
                        return r;
                if (!env_get(ps->env, key)) {
                        if (ps->n_vars >= ENV_VARS_MAX)
                                return -E2BIG;
                        ps->n_vars++;
                }
                r = env_set(&ps->env, key, value);
                if (r < 0)
                        return r;
        }
}

int envfile_parse(const char *data, size_t len, char * const *base, char ***ret_env, unsigned *ret_line) {
        _cleanup_free_ char *text = NULL;
        struct parser ps = { .line = 1, .base = base };
        unsigned nul_line = 0, line = 1, bad_line = 0;
        size_t n = 0;
        int r = 0;

        if (!data && len > 0)
                return -EINVAL;

        /* A copy with CRLF turned into LF, cut before the line holding a NUL byte, if any. */
        text = malloc(len + 1);
        if (!text)
                return -ENOMEM;
        for (size_t i = 0, line_start = 0; i < len; i++) {
                if (data[i] == 0) {
                        nul_line = line;
                        n = line_start;
                        break;
                }
                if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
                        continue;
                text[n++] = data[i];
                if (data[i] == '\n') {
                        line++;
                        line_start = n;
                }
        }
        text[n] = 0;

        ps.env = calloc(1, sizeof(char *));
        if (!ps.env)
                return -ENOMEM;
        ps.p = text;

        while (*ps.p) {
                if (*ps.p == '\n') {
                        ps.line++;
                        ps.p++;
                        continue;
                }
                r = parse_statement(&ps, &bad_line);
                if (r < 0)
                        break;
        }
        if (r == 0 && nul_line > 0) {
                r = -EINVAL;
                bad_line = nul_line;
        }

        if (r < 0 && r != -EINVAL && r != -E2BIG) {
                strv_free(ps.env);
                return r;
        }
        *ret_env = ps.env;
        if (ret_line)
                *ret_line = r < 0 ? bad_line : 0;
        return r;
}
