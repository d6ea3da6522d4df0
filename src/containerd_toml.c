/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "containerd_toml.h"
#include "util.h"

/* Arrays and inline tables nested deeper than this are refused (keeps the recursion bounded). */
#define TOML_MAX_DEPTH 64

/* Where a key lands, relative to the document root. Only the few paths we want are told apart;
 * everything else is PATH_OTHER and its value is only checked for syntax. */
enum path {
        PATH_ROOT,          /* the document itself */
        PATH_GRPC,          /* the [grpc] table */
        PATH_ROOT_KEY,      /* root */
        PATH_STATE_KEY,     /* state */
        PATH_ADDRESS_KEY,   /* grpc.address */
        PATH_OTHER,
};

struct parser {
        const char *p, *end;
        unsigned line;
        unsigned err_line;
        const char *err_msg;
        struct containerd_config *cfg;
};

void containerd_config_done(struct containerd_config *c) {
        if (!c)
                return;
        free(c->root);
        free(c->state);
        free(c->grpc_address);
        *c = (struct containerd_config) {};
}

static enum path path_step(enum path p, const char *key) {
        switch (p) {
        case PATH_ROOT:
                if (streq(key, "grpc"))
                        return PATH_GRPC;
                if (streq(key, "root"))
                        return PATH_ROOT_KEY;
                if (streq(key, "state"))
                        return PATH_STATE_KEY;
                return PATH_OTHER;
        case PATH_GRPC:
                return streq(key, "address") ? PATH_ADDRESS_KEY : PATH_OTHER;
        default:
                return PATH_OTHER;
        }
}

static char **path_field(struct parser *ps, enum path p) {
        switch (p) {
        case PATH_ROOT_KEY:
                return &ps->cfg->root;
        case PATH_STATE_KEY:
                return &ps->cfg->state;
        case PATH_ADDRESS_KEY:
                return &ps->cfg->grpc_address;
        default:
                return NULL;
        }
}

static int fail(struct parser *ps, unsigned line, const char *msg) {
        ps->err_line = line;
        ps->err_msg = msg;
        return -EINVAL;
}

/* The character at offset off, or 0 at the end (NUL bytes are refused up front). */
static char peek(const struct parser *ps, size_t off) {
        return (size_t) (ps->end - ps->p) > off ? ps->p[off] : 0;
}

static bool is_control(char c) {
        return ((unsigned char) c < 0x20 && c != '\t') || c == 0x7f;
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_digit_base(char c, int base) {
        switch (base) {
        case 2:
                return c == '0' || c == '1';
        case 8:
                return c >= '0' && c <= '7';
        case 16:
                return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        default:
                return is_digit(c);
        }
}

static bool is_bare_key_char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-';
}

static void skip_ws(struct parser *ps) {
        while (peek(ps, 0) == ' ' || peek(ps, 0) == '\t')
                ps->p++;
}

/* Consumes one newline ("\n" or "\r\n") if there is one. */
static bool eat_newline(struct parser *ps) {
        if (peek(ps, 0) == '\n') {
                ps->p++;
                ps->line++;
                return true;
        }
        if (peek(ps, 0) == '\r' && peek(ps, 1) == '\n') {
                ps->p += 2;
                ps->line++;
                return true;
        }
        return false;
}

static int skip_comment(struct parser *ps) {
        if (peek(ps, 0) != '#')
                return 0;
        for (ps->p++; ps->p < ps->end; ps->p++) {
                char c = *ps->p;

                if (c == '\n' || (c == '\r' && peek(ps, 1) == '\n'))
                        break;
                if (is_control(c))
                        return fail(ps, ps->line, "control character in comment");
        }
        return 0;
}

/* Whitespace, then an optional comment, then a newline or the end of the input. */
static int expect_eol(struct parser *ps, const char *msg) {
        int r;

        skip_ws(ps);
        r = skip_comment(ps);
        if (r < 0)
                return r;
        if (ps->p >= ps->end || eat_newline(ps))
                return 0;
        return fail(ps, ps->line, msg);
}

/* Blank space, newlines and comments, as allowed between array elements. */
static int skip_ws_nl_comments(struct parser *ps) {
        for (;;) {
                int r;

                skip_ws(ps);
                r = skip_comment(ps);
                if (r < 0)
                        return r;
                if (!eat_newline(ps))
                        return 0;
        }
}

static int hexval(char c) {
        if (is_digit(c))
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static int put_utf8(struct strbuf *b, unsigned long cp) {
        char s[4];
        size_t n;

        if (cp < 0x80) {
                s[0] = (char) cp;
                n = 1;
        } else if (cp < 0x800) {
                s[0] = (char) (0xc0 | (cp >> 6));
                s[1] = (char) (0x80 | (cp & 0x3f));
                n = 2;
        } else if (cp < 0x10000) {
                s[0] = (char) (0xe0 | (cp >> 12));
                s[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
                s[2] = (char) (0x80 | (cp & 0x3f));
                n = 3;
        } else {
                s[0] = (char) (0xf0 | (cp >> 18));
                s[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
                s[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
                s[3] = (char) (0x80 | (cp & 0x3f));
                n = 4;
        }
        return strbuf_append(b, s, n);
}

/* At a backslash in a basic string: decodes one escape sequence. */
static int parse_escape(struct parser *ps, struct strbuf *b) {
        char c = peek(ps, 1), out;
        unsigned long cp = 0;
        size_t ndigits;

        switch (c) {
        case 'b': out = '\b'; break;
        case 't': out = '\t'; break;
        case 'n': out = '\n'; break;
        case 'f': out = '\f'; break;
        case 'r': out = '\r'; break;
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case 'u':
        case 'U':
                ndigits = c == 'u' ? 4 : 8;
                for (size_t i = 0; i < ndigits; i++) {
                        int v = hexval(peek(ps, 2 + i));
                        if (v < 0)
                                return fail(ps, ps->line, "invalid unicode escape in string");
                        cp = cp * 16 + (unsigned long) v;
                }
                if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                        return fail(ps, ps->line, "invalid unicode escape in string");
                ps->p += 2 + ndigits;
                return put_utf8(b, cp);
        default:
                return fail(ps, ps->line, "invalid escape in string");
        }
        ps->p += 2;
        return strbuf_putc(b, out);
}

/* At a quote: parses any of the four kinds of strings. Returns the decoded text (which may
 * contain NUL from "\u0000", hence the length). */
static int parse_string(struct parser *ps, char **ret, size_t *ret_len) {
        struct strbuf b = {};
        unsigned start_line = ps->line;
        char q = peek(ps, 0);
        bool multi = peek(ps, 1) == q && peek(ps, 2) == q;
        int r;

        r = strbuf_append(&b, "", 0); /* Always have a string, even an empty one. */
        if (r < 0)
                return r;

        if (multi) {
                ps->p += 3;
                /* A newline right after the opening delimiter is trimmed. */
                eat_newline(ps);
        } else
                ps->p++;

        for (;;) {
                char c = peek(ps, 0);

                if (ps->p >= ps->end) {
                        r = fail(ps, start_line, "unterminated string");
                        goto fail;
                }

                if (c == q) {
                        size_t n = 1;

                        if (!multi) {
                                ps->p++;
                                break;
                        }
                        while (peek(ps, n) == q)
                                n++;
                        if (n >= 3) {
                                /* Up to two quotes may stand right before the closing three. */
                                if (n > 5) {
                                        r = fail(ps, ps->line, "too many quotes in string");
                                        goto fail;
                                }
                                r = strbuf_append(&b, ps->p, n - 3);
                                if (r < 0)
                                        goto fail;
                                ps->p += n;
                                break;
                        }
                        r = strbuf_append(&b, ps->p, n);
                        if (r < 0)
                                goto fail;
                        ps->p += n;
                        continue;
                }

                if (c == '\n' || (c == '\r' && peek(ps, 1) == '\n')) {
                        if (!multi) {
                                r = fail(ps, start_line, "unterminated string");
                                goto fail;
                        }
                        eat_newline(ps);
                        r = strbuf_putc(&b, '\n');
                        if (r < 0)
                                goto fail;
                        continue;
                }

                if (c == '\\' && q == '"') {
                        char n = peek(ps, 1);

                        if (multi && (n == ' ' || n == '\t' || n == '\n' || n == '\r')) {
                                /* Line-ending backslash: drop it and all blank space after it. */
                                ps->p++;
                                skip_ws(ps);
                                if (!eat_newline(ps)) {
                                        r = fail(ps, ps->line, "invalid escape in string");
                                        goto fail;
                                }
                                for (;;) {
                                        skip_ws(ps);
                                        if (!eat_newline(ps))
                                                break;
                                }
                                continue;
                        }
                        r = parse_escape(ps, &b);
                        if (r < 0)
                                goto fail;
                        continue;
                }

                if (is_control(c)) {
                        r = fail(ps, ps->line, "control character in string");
                        goto fail;
                }

                r = strbuf_putc(&b, c);
                if (r < 0)
                        goto fail;
                ps->p++;
        }

        *ret_len = b.n;
        *ret = b.s;
        return 0;

fail:
        free(b.s);
        return r;
}

/* One bare or quoted key component. */
static int parse_simple_key(struct parser *ps, char **ret) {
        const char *start = ps->p;
        size_t len;
        char c = peek(ps, 0);
        int r;

        if (c == '"' || c == '\'') {
                _cleanup_free_ char *k = NULL;

                if (peek(ps, 1) == c && peek(ps, 2) == c)
                        return fail(ps, ps->line, "invalid key");
                r = parse_string(ps, &k, &len);
                if (r < 0)
                        return r;
                if (strlen(k) != len)
                        return fail(ps, ps->line, "NUL character in key");
                *ret = TAKE_PTR(k);
                return 0;
        }

        while (is_bare_key_char(peek(ps, 0)))
                ps->p++;
        if (ps->p == start)
                return fail(ps, ps->line, "invalid key");
        *ret = strndup(start, (size_t) (ps->p - start));
        return *ret ? 0 : -ENOMEM;
}

/* A possibly dotted key; *path is walked down along it. */
static int parse_key(struct parser *ps, enum path *path) {
        for (;;) {
                _cleanup_free_ char *k = NULL;
                int r;

                skip_ws(ps);
                r = parse_simple_key(ps, &k);
                if (r < 0)
                        return r;
                *path = path_step(*path, k);
                skip_ws(ps);
                if (peek(ps, 0) != '.')
                        return 0;
                ps->p++;
        }
}

/* A run of digits in the given base with single underscores between digits; returns its
 * length, 0 if there is none or an underscore is misplaced. */
static size_t span_digits(const char *s, size_t n, int base) {
        size_t i = 0;

        while (i < n && (is_digit_base(s[i], base) || s[i] == '_')) {
                if (s[i] == '_' && (i == 0 || s[i - 1] == '_'))
                        return 0;
                i++;
        }
        if (i == 0 || s[i - 1] == '_')
                return 0;
        return i;
}

/* A decimal integer part: "0" or a run without a leading zero. */
static size_t span_dec_int(const char *s, size_t n) {
        size_t i = span_digits(s, n, 10);

        if (i > 1 && s[0] == '0')
                return 0;
        return i;
}

static bool is_integer(const char *s, size_t n) {
        size_t i = 0;

        if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
                int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
                return span_digits(s + 2, n - 2, base) == n - 2;
        }
        if (n > 0 && (s[0] == '+' || s[0] == '-'))
                i++;
        return i < n && span_dec_int(s + i, n - i) == n - i;
}

static bool is_float(const char *s, size_t n) {
        size_t i = 0, k;
        bool frac_or_exp = false;

        if (n > 0 && (s[0] == '+' || s[0] == '-'))
                i++;
        if ((n - i == 3 && memcmp(s + i, "inf", 3) == 0) || (n - i == 3 && memcmp(s + i, "nan", 3) == 0))
                return true;

        k = span_dec_int(s + i, n - i);
        if (k == 0)
                return false;
        i += k;
        if (i < n && s[i] == '.') {
                i++;
                k = span_digits(s + i, n - i, 10);
                if (k == 0)
                        return false;
                i += k;
                frac_or_exp = true;
        }
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
                i++;
                if (i < n && (s[i] == '+' || s[i] == '-'))
                        i++;
                k = span_digits(s + i, n - i, 10);
                if (k == 0)
                        return false;
                i += k;
                frac_or_exp = true;
        }
        return frac_or_exp && i == n;
}

/* Does s match the pattern, where 'D' is a digit and anything else itself? */
static bool match_shape(const char *s, size_t n, const char *shape) {
        size_t l = strlen(shape);

        if (n < l)
                return false;
        for (size_t i = 0; i < l; i++)
                if (shape[i] == 'D' ? !is_digit(s[i]) : s[i] != shape[i])
                        return false;
        return true;
}

/* HH:MM:SS with optional fraction; returns the length or 0. */
static size_t span_time(const char *s, size_t n) {
        size_t i = 8;

        if (!match_shape(s, n, "DD:DD:DD"))
                return 0;
        if (i < n && s[i] == '.') {
                size_t k = 0;

                while (i + 1 + k < n && is_digit(s[i + 1 + k]))
                        k++;
                if (k == 0)
                        return 0;
                i += 1 + k;
        }
        return i;
}

static bool is_datetime(const char *s, size_t n) {
        size_t i;

        if (match_shape(s, n, "DD:DD:DD"))
                return span_time(s, n) == n;  /* local time */

        if (!match_shape(s, n, "DDDD-DD-DD"))
                return false;
        if (n == 10)
                return true;                  /* local date */
        if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
                return false;
        i = span_time(s + 11, n - 11);
        if (i == 0)
                return false;
        i += 11;
        if (i == n)
                return true;                  /* local date-time */
        if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
                return true;
        return (s[i] == '+' || s[i] == '-') && n - i - 1 == 5 && match_shape(s + i + 1, 5, "DD:DD");
}

static bool is_scalar_char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) ||
                c == '_' || c == '+' || c == '-' || c == '.' || c == ':';
}

/* Integers, floats, booleans and dates: checked, not kept. */
static int parse_scalar(struct parser *ps) {
        const char *s = ps->p;
        size_t n = 0;

        while (is_scalar_char(peek(ps, n)))
                n++;
        /* A date and a time may be separated by one space. */
        if (n == 10 && match_shape(s, n, "DDDD-DD-DD") && peek(ps, 10) == ' ' &&
            is_digit(peek(ps, 11)) && is_digit(peek(ps, 12)) && peek(ps, 13) == ':') {
                n = 11;
                while (is_scalar_char(peek(ps, n)))
                        n++;
        }

        if (n == 0)
                return fail(ps, ps->line, "invalid value");
        if (!((n == 4 && memcmp(s, "true", 4) == 0) ||
              (n == 5 && memcmp(s, "false", 5) == 0) ||
              is_integer(s, n) || is_float(s, n) || is_datetime(s, n)))
                return fail(ps, ps->line, "invalid value");
        ps->p += n;
        return 0;
}

static int parse_value(struct parser *ps, enum path path, unsigned depth);

static int parse_array(struct parser *ps, unsigned depth) {
        unsigned start_line = ps->line;
        int r;

        ps->p++; /* '[' */
        for (;;) {
                r = skip_ws_nl_comments(ps);
                if (r < 0)
                        return r;
                if (ps->p >= ps->end)
                        return fail(ps, start_line, "unterminated array");
                if (peek(ps, 0) == ']')
                        break;

                r = parse_value(ps, PATH_OTHER, depth + 1);
                if (r < 0)
                        return r;

                r = skip_ws_nl_comments(ps);
                if (r < 0)
                        return r;
                if (ps->p >= ps->end)
                        return fail(ps, start_line, "unterminated array");
                if (peek(ps, 0) == ']')
                        break;
                if (peek(ps, 0) != ',')
                        return fail(ps, ps->line, "expected ',' or ']' in array");
                ps->p++;
        }
        ps->p++; /* ']' */
        return 0;
}

/* Newlines, comments and a trailing comma are accepted inside inline tables (as TOML 1.1
 * does). */
static int parse_inline_table(struct parser *ps, enum path path, unsigned depth) {
        unsigned start_line = ps->line;
        int r;

        ps->p++; /* '{' */
        for (;;) {
                enum path p = path;

                r = skip_ws_nl_comments(ps);
                if (r < 0)
                        return r;
                if (ps->p >= ps->end)
                        return fail(ps, start_line, "unterminated inline table");
                if (peek(ps, 0) == '}')
                        break;

                r = parse_key(ps, &p);
                if (r < 0)
                        return r;
                if (peek(ps, 0) != '=')
                        return fail(ps, ps->line, "expected '=' after key");
                ps->p++;
                skip_ws(ps);
                r = parse_value(ps, p, depth + 1);
                if (r < 0)
                        return r;

                r = skip_ws_nl_comments(ps);
                if (r < 0)
                        return r;
                if (ps->p >= ps->end)
                        return fail(ps, start_line, "unterminated inline table");
                if (peek(ps, 0) == '}')
                        break;
                if (peek(ps, 0) != ',')
                        return fail(ps, ps->line, "expected ',' or '}' in inline table");
                ps->p++;
        }
        ps->p++; /* '}' */
        return 0;
}

static int store_value(struct parser *ps, enum path path, char *s, size_t len, unsigned line) {
        char **field = path_field(ps, path);

        if (!field) {
                free(s);
                return 0;
        }
        if (*field) {
                free(s);
                return fail(ps, line, "duplicate key");
        }
        if (strlen(s) != len) {
                free(s);
                return fail(ps, line, "NUL character in string");
        }
        *field = s;
        return 0;
}

static int parse_value(struct parser *ps, enum path path, unsigned depth) {
        unsigned line = ps->line;
        char c = peek(ps, 0);
        int r;

        if (depth > TOML_MAX_DEPTH)
                return fail(ps, line, "nesting too deep");

        if (c == '"' || c == '\'') {
                char *s;
                size_t len;

                r = parse_string(ps, &s, &len);
                if (r < 0)
                        return r;
                return store_value(ps, path, s, len, line);
        }

        if (path_field(ps, path))
                return fail(ps, line, "expected a string value");

        if (c == '[')
                return parse_array(ps, depth);
        if (c == '{')
                return parse_inline_table(ps, path, depth);
        if (ps->p >= ps->end || c == '\n' || c == '\r' || c == '#')
                return fail(ps, line, "missing value");
        return parse_scalar(ps);
}

static int parse_header(struct parser *ps, enum path *table) {
        bool array = peek(ps, 1) == '[';
        enum path p = PATH_ROOT;
        int r;

        ps->p += array ? 2 : 1;
        skip_ws(ps);
        if (peek(ps, 0) == ']')
                return fail(ps, ps->line, "bad table header");
        r = parse_key(ps, &p);
        if (r < 0)
                return r;
        if (peek(ps, 0) != ']' || (array && peek(ps, 1) != ']'))
                return fail(ps, ps->line, "bad table header");
        ps->p += array ? 2 : 1;

        /* The elements of an array of tables are never one of the tables we look into. */
        *table = array ? PATH_OTHER : p;
        return expect_eol(ps, "unexpected text after table header");
}

static int parse_document(struct parser *ps) {
        enum path table = PATH_ROOT;
        int r;

        /* A UTF-8 byte order mark means nothing. */
        if (ps->end - ps->p >= 3 && memcmp(ps->p, "\xef\xbb\xbf", 3) == 0)
                ps->p += 3;

        while (ps->p < ps->end) {
                enum path p = table;
                char c;

                skip_ws(ps);
                c = peek(ps, 0);

                if (ps->p >= ps->end)
                        break;
                if (c == '#' || c == '\n' || c == '\r') {
                        r = expect_eol(ps, "unexpected character");
                        if (r < 0)
                                return r;
                        continue;
                }
                if (c == '[') {
                        r = parse_header(ps, &table);
                        if (r < 0)
                                return r;
                        continue;
                }

                r = parse_key(ps, &p);
                if (r < 0)
                        return r;
                if (peek(ps, 0) != '=')
                        return fail(ps, ps->line, "expected '=' after key");
                ps->p++;
                skip_ws(ps);
                r = parse_value(ps, p, 0);
                if (r < 0)
                        return r;
                r = expect_eol(ps, "unexpected text after value");
                if (r < 0)
                        return r;
        }
        return 0;
}

int containerd_toml_parse(const char *data, size_t len, struct containerd_config *ret,
                          unsigned *ret_line, const char **ret_msg) {
        struct containerd_config c = {};
        struct parser ps = {
                .p = data,
                .end = data ? data + len : data,
                .line = 1,
                .cfg = &c,
        };
        const char *nul = data ? memchr(data, 0, len) : NULL;
        int r;

        if (nul) {
                ps.line = 1;
                for (const char *i = data; i < nul; i++)
                        if (*i == '\n')
                                ps.line++;
                r = fail(&ps, ps.line, "NUL byte in file");
        } else
                r = parse_document(&ps);

        if (r < 0) {
                containerd_config_done(&c);
                if (r == -ENOMEM) {
                        ps.err_line = 0;
                        ps.err_msg = "out of memory";
                }
        }
        *ret = c;
        if (ret_line)
                *ret_line = r < 0 ? ps.err_line : 0;
        if (ret_msg)
                *ret_msg = r < 0 ? ps.err_msg : NULL;
        return r;
}
