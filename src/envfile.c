/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

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

int envfile_parse_shell(const char *data, size_t len, char * const *base, char ***ret_env, unsigned *ret_line) {
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

/* ---- EnvironmentFile= as systemd reads it ---- */

#define ENV_WARNINGS_MAX 64

void envfile_warnings_done(struct envfile_warnings *w) {
        if (!w)
                return;
        for (size_t i = 0; i < w->n; i++)
                free(w->items[i].message);
        free(w->items);
        *w = (struct envfile_warnings) {};
}

enum sd_state {
        SD_PRE_KEY,
        SD_KEY,
        SD_PRE_VALUE,
        SD_VALUE,
        SD_VALUE_ESCAPE,
        SD_SINGLE_QUOTE,
        SD_DOUBLE_QUOTE,
        SD_DOUBLE_QUOTE_ESCAPE,
        SD_COMMENT,
        SD_COMMENT_ESCAPE,
};

struct sd_reader {
        enum sd_state state;
        unsigned line;           /* the line of the character being read */
        unsigned key_line;       /* where the current key started */
        unsigned quote_line;     /* where the current quote opened */
        struct strbuf key, value;
        size_t key_ws, value_ws; /* start of trailing blanks, SIZE_MAX when none */
        char **env;              /* the file's own assignments */
        size_t n_vars;
        bool full;               /* the name cap was reached: stop */
        bool refused;            /* systemd would refuse the whole file */
        struct envfile_warnings warnings;
        size_t n_dropped;
};

static int sd_warn(struct sd_reader *rd, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int sd_warn(struct sd_reader *rd, unsigned line, const char *fmt, ...) {
        struct envfile_warning *n;
        va_list ap;
        char *m;
        int k;

        if (rd->warnings.n >= ENV_WARNINGS_MAX) {
                rd->n_dropped++;
                return 0;
        }
        va_start(ap, fmt);
        k = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        n = realloc(rd->warnings.items, (rd->warnings.n + 1) * sizeof(*n));
        if (!n) {
                free(m);
                return -ENOMEM;
        }
        n[rd->warnings.n++] = (struct envfile_warning) { .line = line, .message = m };
        rd->warnings.items = n;
        return 0;
}

/* The last warning, past the cap: how many were left out. */
static int sd_warn_force(struct sd_reader *rd) {
        struct envfile_warning *n;
        char *m;

        if (asprintf(&m, "%zu more lines are skipped, not listed", rd->n_dropped) < 0)
                return -ENOMEM;
        n = realloc(rd->warnings.items, (rd->warnings.n + 1) * sizeof(*n));
        if (!n) {
                free(m);
                return -ENOMEM;
        }
        n[rd->warnings.n++] = (struct envfile_warning) { .line = rd->line, .message = m };
        rd->warnings.items = n;
        return 0;
}

static bool env_name_valid(const char *s) {
        if (!is_name_start(*s))
                return false;
        for (; *s; s++)
                if (!is_name_char(*s))
                        return false;
        return true;
}

/* Shorten a text for a message: at most 40 bytes, control characters shown as '?'. */
static char *excerpt(const char *s) {
        size_t n = strnlen(s, 40);
        char *e = strndup(s, n);

        if (!e)
                return NULL;
        for (char *i = e; *i; i++)
                if ((unsigned char) *i < 0x20 || *i == 0x7f)
                        *i = '?';
        return e;
}

static void sd_reset(struct sd_reader *rd) {
        rd->key.n = rd->value.n = 0;
        if (rd->key.s)
                rd->key.s[0] = 0;
        if (rd->value.s)
                rd->value.s[0] = 0;
        rd->key_ws = rd->value_ws = SIZE_MAX;
}

/* The end of an assignment: what systemd's push callback and the later clean-up do with it. */
static int sd_push(struct sd_reader *rd, bool chomp_value) {
        _cleanup_free_ char *shown = NULL;
        const char *key, *value;
        int r;

        if (rd->key_ws != SIZE_MAX)
                rd->key.n = rd->key_ws;
        if (chomp_value && rd->value_ws != SIZE_MAX)
                rd->value.n = rd->value_ws;
        r = strbuf_append(&rd->key, "", 0);
        if (r >= 0)
                r = strbuf_append(&rd->value, "", 0);
        if (r < 0)
                return r;
        rd->key.s[rd->key.n] = 0;
        rd->value.s[rd->value.n] = 0;
        key = rd->key.s;
        value = rd->value.s;

        if (!utf8_valid(key, strlen(key)) || !utf8_valid(value, strlen(value))) {
                rd->refused = true;
                return sd_warn(rd, rd->key_line, "invalid UTF-8: systemd refuses the whole file");
        }
        if (!env_name_valid(key)) {
                shown = excerpt(key);
                if (!shown)
                        return -ENOMEM;
                if (startswith(key, "export ") && env_name_valid(key + 7))
                        return sd_warn(rd, rd->key_line, "\"%s=\": systemd has no \"export\", takes \"%s\" "
                                       "as the name and ignores the assignment", shown, shown);
                return sd_warn(rd, rd->key_line, "\"%s\" is not a valid variable name: systemd ignores "
                               "the assignment", shown);
        }
        if (!env_get(rd->env, key)) {
                if (rd->n_vars >= ENV_VARS_MAX) {
                        rd->full = true;
                        return sd_warn(rd, rd->key_line, "more than %d variables: the rest of the file "
                                       "is not read", ENV_VARS_MAX);
                }
                rd->n_vars++;
        }
        return env_set(&rd->env, key, value);
}

static bool sd_newline(char c) {
        return c == '\n' || c == '\r';
}

static bool sd_space(char c) {
        return c == ' ' || c == '\t' || sd_newline(c);
}

static int sd_warn_no_equals(struct sd_reader *rd) {
        _cleanup_free_ char *shown = NULL;
        int r;

        r = strbuf_append(&rd->key, "", 0);
        if (r < 0)
                return r;
        shown = excerpt(rd->key.s);
        if (!shown)
                return -ENOMEM;
        return sd_warn(rd, rd->key_line, "\"%s\" is not an assignment (no '='): systemd ignores the line", shown);
}

/* One character of the file through systemd's state machine. */
static int sd_step(struct sd_reader *rd, char c) {
        switch (rd->state) {
        case SD_PRE_KEY:
                if (c == '#' || c == ';')
                        rd->state = SD_COMMENT;
                else if (!sd_space(c)) {
                        sd_reset(rd);
                        rd->state = SD_KEY;
                        rd->key_line = rd->line;
                        return strbuf_putc(&rd->key, c);
                }
                return 0;
        case SD_KEY:
                if (sd_newline(c)) {
                        rd->state = SD_PRE_KEY;
                        return sd_warn_no_equals(rd);
                }
                if (c == '=') {
                        rd->state = SD_PRE_VALUE;
                        rd->value_ws = SIZE_MAX;
                        return 0;
                }
                if (!sd_space(c))
                        rd->key_ws = SIZE_MAX;
                else if (rd->key_ws == SIZE_MAX)
                        rd->key_ws = rd->key.n;
                return strbuf_putc(&rd->key, c);
        case SD_PRE_VALUE:
                if (sd_newline(c)) {
                        rd->state = SD_PRE_KEY;
                        return sd_push(rd, false);
                }
                if (c == '\'') {
                        rd->state = SD_SINGLE_QUOTE;
                        rd->quote_line = rd->line;
                } else if (c == '"') {
                        rd->state = SD_DOUBLE_QUOTE;
                        rd->quote_line = rd->line;
                } else if (c == '\\')
                        rd->state = SD_VALUE_ESCAPE;
                else if (!sd_space(c)) {
                        rd->state = SD_VALUE;
                        return strbuf_putc(&rd->value, c);
                }
                return 0;
        case SD_VALUE:
                if (sd_newline(c)) {
                        rd->state = SD_PRE_KEY;
                        return sd_push(rd, true);
                }
                if (c == '\\') {
                        rd->state = SD_VALUE_ESCAPE;
                        rd->value_ws = SIZE_MAX;
                        return 0;
                }
                if (!sd_space(c))
                        rd->value_ws = SIZE_MAX;
                else if (rd->value_ws == SIZE_MAX)
                        rd->value_ws = rd->value.n;
                return strbuf_putc(&rd->value, c);
        case SD_VALUE_ESCAPE:
                rd->state = SD_VALUE;
                return sd_newline(c) ? 0 : strbuf_putc(&rd->value, c);
        case SD_SINGLE_QUOTE:
                if (c == '\'') {
                        rd->state = SD_PRE_VALUE;
                        return 0;
                }
                return strbuf_putc(&rd->value, c);
        case SD_DOUBLE_QUOTE:
                if (c == '"')
                        rd->state = SD_PRE_VALUE;
                else if (c == '\\')
                        rd->state = SD_DOUBLE_QUOTE_ESCAPE;
                else
                        return strbuf_putc(&rd->value, c);
                return 0;
        case SD_DOUBLE_QUOTE_ESCAPE:
                rd->state = SD_DOUBLE_QUOTE;
                if (strchr("\"\\`$", c))
                        return strbuf_putc(&rd->value, c);
                if (c == '\n')
                        return 0;
                {
                        char two[2] = { '\\', c };
                        return strbuf_append(&rd->value, two, 2);
                }
        case SD_COMMENT:
                if (c == '\\')
                        rd->state = SD_COMMENT_ESCAPE;
                else if (sd_newline(c))
                        rd->state = SD_PRE_KEY;
                return 0;
        case SD_COMMENT_ESCAPE:
                rd->state = sd_newline(c) ? SD_PRE_KEY : SD_COMMENT;
                return 0;
        }
        return 0;
}

/* The end of the file: an assignment still open is taken as it stands. */
static int sd_finish(struct sd_reader *rd) {
        switch (rd->state) {
        case SD_KEY:
                return sd_warn_no_equals(rd);
        case SD_SINGLE_QUOTE:
        case SD_DOUBLE_QUOTE:
        case SD_DOUBLE_QUOTE_ESCAPE: {
                int r = sd_warn(rd, rd->quote_line, "the quote opened here never closes: the rest of the "
                                "file is the value of the assignment");
                return r < 0 ? r : sd_push(rd, false);
        }
        case SD_PRE_VALUE:
        case SD_VALUE_ESCAPE:
                return sd_push(rd, false);
        case SD_VALUE:
                return sd_push(rd, true);
        default:
                return 0;
        }
}

/* base with the file's assignments over it. */
/* The merged list, indexed by name: a long base costs linear time, not one scan per name. */
struct merge {
        char **env;
        size_t n, cap;
        struct hindex index;
};

static size_t name_len(const char *entry) {
        return strchrnul(entry, '=') - entry;
}

static bool merge_eq(const void *ctx, size_t i, const void *key) {
        const char *e = ((const struct merge *) ctx)->env[i], *k = key;
        size_t n = name_len(k);

        return strncmp(e, k, n) == 0 && e[n] == '=';
}

/* Set the entry "NAME=VALUE" (copied): replace the first one of its name, else append. */
static int merge_set(struct merge *m, const char *entry) {
        unsigned long long h = hash_bytes(0, entry, name_len(entry));
        long i = hindex_find(&m->index, h, merge_eq, m, entry);
        char *c = strdup(entry);

        if (!c)
                return -ENOMEM;
        if (i >= 0) {
                free(m->env[i]);
                m->env[i] = c;
                return 0;
        }
        if (m->n + 1 >= m->cap) {
                size_t cap = m->cap ? m->cap * 2 : 64;
                char **a = reallocarray(m->env, cap, sizeof(char *));
                if (!a) {
                        free(c);
                        return -ENOMEM;
                }
                m->env = a, m->cap = cap;
        }
        if (hindex_add(&m->index, h, m->n) < 0) {
                free(c);
                return -ENOMEM;
        }
        m->env[m->n++] = c;
        m->env[m->n] = NULL;
        return 0;
}

static int sd_merge(char * const *base, char * const *file, char ***ret) {
        struct merge m = {};
        int r = 0;

        m.env = calloc(1, sizeof(char *));
        if (!m.env)
                return -ENOMEM;
        m.cap = 1;
        for (char * const *i = base; r >= 0 && i && *i; i++)
                r = merge_set(&m, *i);
        for (char * const *i = file; r >= 0 && i && *i; i++)
                r = merge_set(&m, *i);
        hindex_done(&m.index);
        if (r < 0) {
                strv_free(m.env);
                return r;
        }
        *ret = m.env;
        return 0;
}

int envfile_load(const char *data, size_t len, char * const *base, char ***ret_env,
                 struct envfile_warnings *ret_warnings) {
        struct sd_reader rd = { .line = 1, .key_ws = SIZE_MAX, .value_ws = SIZE_MAX };
        _cleanup_strv_free_ char **merged = NULL;
        const char *nul;
        int r = 0;

        if (!data && len > 0)
                return -EINVAL;

        nul = len > 0 ? memchr(data, 0, len) : NULL;
        if (nul) {
                unsigned line = 1;

                for (const char *i = data; i < nul; i++)
                        line += *i == '\n';
                rd.refused = true;
                r = sd_warn(&rd, line, "NUL byte: systemd refuses the whole file");
        }
        for (size_t i = 0; r >= 0 && !rd.refused && !rd.full && i < len; i++) {
                r = sd_step(&rd, data[i]);
                if (data[i] == '\n')
                        rd.line++;
        }
        if (r >= 0 && !rd.refused && !rd.full)
                r = sd_finish(&rd);
        if (r >= 0 && rd.n_dropped > 0)
                r = sd_warn_force(&rd);
        if (r >= 0)
                r = sd_merge(base, rd.refused ? NULL : rd.env, &merged);

        free(rd.key.s);
        free(rd.value.s);
        strv_free(rd.env);
        if (r < 0) {
                envfile_warnings_done(&rd.warnings);
                return r;
        }
        *ret_env = TAKE_PTR(merged);
        if (ret_warnings)
                *ret_warnings = rd.warnings;
        else
                envfile_warnings_done(&rd.warnings);
        return rd.refused ? -EBADMSG : 0;
}

int envfile_parse(const char *data, size_t len, char * const *base, char ***ret_env, unsigned *ret_line) {
        struct envfile_warnings w = {};
        int r;

        r = envfile_load(data, len, base, ret_env, &w);
        if (ret_line && (r == 0 || r == -EBADMSG))
                *ret_line = r == -EBADMSG && w.n > 0 ? w.items[0].line : 0;
        envfile_warnings_done(&w);
        return r;
}
