/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>

#include "containerd_toml.h"
#include "util.h"

/* Arrays and inline tables nested deeper than this are refused (keeps the recursion bounded). */
#define TOML_MAX_DEPTH 64

/* A key path from the document root is a string vector; the elements of arrays (and of arrays
 * of tables) get this component, which no key can hold (keys refuse control characters). */
#define ARRAY_ELEMENT "\x01"
/* Runtimes kept from one file (a bound for a hostile one; each store looks the name up). */
#define RUNTIMES_MAX 1024

/* The keys that are kept. */
enum field {
        FIELD_NONE,
        FIELD_ROOT,
        FIELD_STATE,
        FIELD_PLUGIN_DIR,
        FIELD_GRPC_ADDRESS,
        FIELD_TTRPC_ADDRESS,
        FIELD_DEBUG_ADDRESS,
        FIELD_VERSION,
        FIELD_IMPORTS,
        FIELD_RUNTIME_TYPE,
        FIELD_BINARY_NAME,
        FIELD_REGISTRY_CONFIG_PATH,
        FIELD_NRI_PLUGIN_PATH,
        FIELD_NRI_PLUGIN_CONFIG_PATH,
        FIELD_NRI_DISABLE,
};

struct parser {
        const char *p, *end;
        unsigned line;
        unsigned err_line;
        const char *err_msg;
        struct containerd_config *cfg;
        bool have_version, have_imports;
};

static const char * const cri_plugin_key[] = {
        [CONTAINERD_CRI_V1] = "cri",
        [CONTAINERD_CRI_V2] = "io.containerd.grpc.v1.cri",
        [CONTAINERD_CRI_V3] = "io.containerd.cri.v1.runtime",
};

const char *containerd_cri_to_string(enum containerd_cri c) {
        return c < ELEMENTSOF(cri_plugin_key) ? cri_plugin_key[c] : NULL;
}

void containerd_config_done(struct containerd_config *c) {
        if (!c)
                return;
        free(c->root);
        free(c->state);
        free(c->grpc_address);
        free(c->ttrpc_address);
        free(c->debug_address);
        free(c->plugin_dir);
        strv_free(c->imports);
        for (size_t i = 0; i < ELEMENTSOF(c->registry_config_path); i++)
                free(c->registry_config_path[i]);
        free(c->nri_plugin_path);
        free(c->nri_plugin_config_path);
        for (size_t i = 0; i < c->n_runtimes; i++) {
                free(c->runtimes[i].name);
                free(c->runtimes[i].runtime_type);
                free(c->runtimes[i].binary_name);
        }
        free(c->runtimes);
        *c = (struct containerd_config) {};
}

static bool path_is(char * const *p, size_t n, ...) {
        va_list ap;
        bool same = strv_length(p) == n;

        va_start(ap, n);
        for (size_t i = 0; same && i < n; i++)
                same = streq(p[i], va_arg(ap, const char *));
        va_end(ap);
        return same;
}

/* Which kept key a full key path names; for a runtime also its plugin and name. */
static enum field path_field(char * const *p, enum containerd_cri *ret_cri, const char **ret_name) {
        size_t n = strv_length(p);

        if (path_is(p, 1, "root"))
                return FIELD_ROOT;
        if (path_is(p, 1, "state"))
                return FIELD_STATE;
        if (path_is(p, 1, "plugin_dir"))
                return FIELD_PLUGIN_DIR;
        if (path_is(p, 1, "version"))
                return FIELD_VERSION;
        if (path_is(p, 1, "imports"))
                return FIELD_IMPORTS;
        if (path_is(p, 2, "grpc", "address"))
                return FIELD_GRPC_ADDRESS;
        if (path_is(p, 2, "ttrpc", "address"))
                return FIELD_TTRPC_ADDRESS;
        if (path_is(p, 2, "debug", "address"))
                return FIELD_DEBUG_ADDRESS;
        /* The CRI plugin's registry hosts directories (containerd docs/hosts.md); version 3
         * moved the registry to the images plugin. */
        if (path_is(p, 4, "plugins", "cri", "registry", "config_path")) {
                *ret_cri = CONTAINERD_CRI_V1;
                return FIELD_REGISTRY_CONFIG_PATH;
        }
        if (path_is(p, 4, "plugins", "io.containerd.grpc.v1.cri", "registry", "config_path")) {
                *ret_cri = CONTAINERD_CRI_V2;
                return FIELD_REGISTRY_CONFIG_PATH;
        }
        if (path_is(p, 4, "plugins", "io.containerd.cri.v1.images", "registry", "config_path")) {
                *ret_cri = CONTAINERD_CRI_V3;
                return FIELD_REGISTRY_CONFIG_PATH;
        }
        /* NRI (containerd docs/NRI.md) */
        if (path_is(p, 3, "plugins", "io.containerd.nri.v1.nri", "plugin_path"))
                return FIELD_NRI_PLUGIN_PATH;
        if (path_is(p, 3, "plugins", "io.containerd.nri.v1.nri", "plugin_config_path"))
                return FIELD_NRI_PLUGIN_CONFIG_PATH;
        if (path_is(p, 3, "plugins", "io.containerd.nri.v1.nri", "disable"))
                return FIELD_NRI_DISABLE;

        /* plugins.CRI.containerd.runtimes.NAME.runtime_type, ...NAME.options.BinaryName */
        if ((n != 6 && n != 7) || !streq(p[0], "plugins") || !streq(p[2], "containerd") ||
            !streq(p[3], "runtimes") || streq(p[4], ARRAY_ELEMENT))
                return FIELD_NONE;
        for (size_t c = 0; c < ELEMENTSOF(cri_plugin_key); c++)
                if (streq(p[1], cri_plugin_key[c])) {
                        *ret_cri = (enum containerd_cri) c;
                        *ret_name = p[4];
                        if (n == 6 && streq(p[5], "runtime_type"))
                                return FIELD_RUNTIME_TYPE;
                        if (n == 7 && streq(p[5], "options") && streq(p[6], "BinaryName"))
                                return FIELD_BINARY_NAME;
                }
        return FIELD_NONE;
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

/* At a backslash in a basic string: decodes one escape sequence. */
static int parse_escape(struct parser *ps, struct strbuf *b) {
        char c = peek(ps, 1), out, utf8[4];
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
                        int v = unhexchar(peek(ps, 2 + i));
                        if (v < 0)
                                return fail(ps, ps->line, "invalid unicode escape in string");
                        cp = cp * 16 + (unsigned long) v;
                }
                if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                        return fail(ps, ps->line, "invalid unicode escape in string");
                ps->p += 2 + ndigits;
                return strbuf_append(b, utf8, utf8_encode((uint32_t) cp, utf8));
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

/* A possibly dotted key; its components are appended to *path. */
static int parse_key(struct parser *ps, char ***path) {
        for (;;) {
                char *k = NULL;
                int r;

                skip_ws(ps);
                r = parse_simple_key(ps, &k);
                if (r < 0)
                        return r;
                r = strv_push(path, k);
                if (r < 0)
                        return r;
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

/* Integers, floats, booleans and dates: checked, not kept; *ret_integer tells an integer. */
static int parse_scalar(struct parser *ps, bool *ret_integer) {
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
        *ret_integer = is_integer(s, n);
        if (!((n == 4 && memcmp(s, "true", 4) == 0) ||
              (n == 5 && memcmp(s, "false", 5) == 0) ||
              is_integer(s, n) || is_float(s, n) || is_datetime(s, n)))
                return fail(ps, ps->line, "invalid value");
        ps->p += n;
        return 0;
}

static int parse_value(struct parser *ps, char * const *path, unsigned depth);

/* The path of an array's elements. */
static char **element_path(char * const *path) {
        char **e = strv_copy(path);

        if (e && strv_extend(&e, ARRAY_ELEMENT) < 0) {
                strv_free(e);
                return NULL;
        }
        return e;
}

/* Inside an array or an inline table: blanks, newlines and comments up to the next item or the
 * closing character close. 1 past close (the list ends), 0 before anything else, -EINVAL with
 * the problem unterminated at start_line (where the list began) when the text ends first. */
static int skip_to_item(struct parser *ps, unsigned start_line, char close, const char *unterminated) {
        int r = skip_ws_nl_comments(ps);

        if (r < 0)
                return r;
        if (ps->p >= ps->end)
                return fail(ps, start_line, unterminated);
        if (peek(ps, 0) != close)
                return 0;
        ps->p++;
        return 1;
}

/* An array; with ret_strings (for `imports`) every element must be a string and is kept. */
static int parse_array(struct parser *ps, char * const *path, unsigned depth, char ***ret_strings) {
        _cleanup_strv_free_ char **elem = element_path(path);
        unsigned start_line = ps->line;
        int r;

        if (!elem)
                return -ENOMEM;
        ps->p++; /* '[' */
        for (;;) {
                r = skip_to_item(ps, start_line, ']', "unterminated array");
                if (r != 0)
                        return r < 0 ? r : 0;

                if (ret_strings) {
                        char *str;
                        size_t len;

                        if (peek(ps, 0) != '"' && peek(ps, 0) != '\'')
                                return fail(ps, ps->line, "imports: expected an array of strings");
                        r = parse_string(ps, &str, &len);
                        if (r < 0)
                                return r;
                        if (strlen(str) != len) {
                                free(str);
                                return fail(ps, ps->line, "NUL character in string");
                        }
                        r = strv_push(ret_strings, str);
                } else
                        r = parse_value(ps, elem, depth + 1);
                if (r < 0)
                        return r;

                r = skip_to_item(ps, start_line, ']', "unterminated array");
                if (r != 0)
                        return r < 0 ? r : 0;
                if (peek(ps, 0) != ',')
                        return fail(ps, ps->line, "expected ',' or ']' in array");
                ps->p++;
        }
}

/* Newlines, comments and a trailing comma are accepted inside inline tables (as TOML 1.1
 * does). */
static int parse_inline_table(struct parser *ps, char * const *path, unsigned depth) {
        unsigned start_line = ps->line;
        int r;

        ps->p++; /* '{' */
        for (;;) {
                _cleanup_strv_free_ char **p = NULL;

                r = skip_to_item(ps, start_line, '}', "unterminated inline table");
                if (r != 0)
                        return r < 0 ? r : 0;

                p = strv_copy(path);
                if (!p)
                        return -ENOMEM;
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

                r = skip_to_item(ps, start_line, '}', "unterminated inline table");
                if (r != 0)
                        return r < 0 ? r : 0;
                if (peek(ps, 0) != ',')
                        return fail(ps, ps->line, "expected ',' or '}' in inline table");
                ps->p++;
        }
}

/* The slot of a runtime's field, the runtime added when new. */
static int runtime_slot(struct parser *ps, enum containerd_cri cri, const char *name, enum field f, char ***ret) {
        struct containerd_config *c = ps->cfg;
        struct containerd_runtime *rt = NULL, *n;

        for (size_t i = 0; i < c->n_runtimes && !rt; i++)
                if (c->runtimes[i].plugin == cri && streq(c->runtimes[i].name, name))
                        rt = &c->runtimes[i];
        if (!rt) {
                if (c->n_runtimes >= RUNTIMES_MAX)
                        return fail(ps, ps->line, "too many runtimes");
                n = realloc(c->runtimes, (c->n_runtimes + 1) * sizeof(*n));
                if (!n)
                        return -ENOMEM;
                c->runtimes = n;
                rt = &c->runtimes[c->n_runtimes];
                *rt = (struct containerd_runtime) { .plugin = cri, .name = strdup(name) };
                if (!rt->name)
                        return -ENOMEM;
                c->n_runtimes++;
        }
        *ret = f == FIELD_RUNTIME_TYPE ? &rt->runtime_type : &rt->binary_name;
        return 0;
}

static int string_slot(struct parser *ps, char * const *path, char ***ret) {
        struct containerd_config *c = ps->cfg;
        enum containerd_cri cri = CONTAINERD_CRI_V2;
        const char *name = NULL;

        switch (path_field(path, &cri, &name)) {
        case FIELD_ROOT:          *ret = &c->root; return 0;
        case FIELD_STATE:         *ret = &c->state; return 0;
        case FIELD_PLUGIN_DIR:    *ret = &c->plugin_dir; return 0;
        case FIELD_GRPC_ADDRESS:  *ret = &c->grpc_address; return 0;
        case FIELD_TTRPC_ADDRESS: *ret = &c->ttrpc_address; return 0;
        case FIELD_DEBUG_ADDRESS: *ret = &c->debug_address; return 0;
        case FIELD_REGISTRY_CONFIG_PATH: *ret = &c->registry_config_path[cri]; return 0;
        case FIELD_NRI_PLUGIN_PATH: *ret = &c->nri_plugin_path; return 0;
        case FIELD_NRI_PLUGIN_CONFIG_PATH: *ret = &c->nri_plugin_config_path; return 0;
        case FIELD_RUNTIME_TYPE:
        case FIELD_BINARY_NAME:
                return runtime_slot(ps, cri, name, path_field(path, &cri, &name), ret);
        default:
                *ret = NULL;
                return 0;
        }
}

static int store_string(struct parser *ps, char * const *path, char *s, size_t len, unsigned line) {
        char **field = NULL;
        int r;

        r = string_slot(ps, path, &field);
        if (r < 0 || !field) {
                free(s);
                return r;
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

/* `version`: an integer (containerd refuses anything else). */
static int parse_version(struct parser *ps, unsigned line) {
        const char *start = ps->p;
        bool integer = false;
        char digits[32];
        size_t n = 0;
        long long v;
        int r;

        if (ps->have_version)
                return fail(ps, line, "duplicate key");
        if (peek(ps, 0) && strchr("\"'[{", peek(ps, 0)))
                return fail(ps, line, "version: expected an integer");
        r = parse_scalar(ps, &integer);
        if (r < 0)
                return r;
        if (!integer)
                return fail(ps, line, "version: expected an integer");
        for (const char *i = start; i < ps->p && n < sizeof(digits) - 1; i++)
                if (*i != '_')
                        digits[n++] = *i;
        digits[n] = 0;
        errno = 0;
        if (digits[0] == '0' && digits[1] && strchr("xob", digits[1]))
                v = strtoll(digits + 2, NULL, digits[1] == 'x' ? 16 : digits[1] == 'o' ? 8 : 2);
        else
                v = strtoll(digits, NULL, 10);
        if (errno != 0 || v < 0 || v > 1000)
                return fail(ps, line, "version: not a known config version");
        ps->cfg->version = (int) v;
        ps->have_version = true;
        return 0;
}

static int parse_value(struct parser *ps, char * const *path, unsigned depth) {
        enum containerd_cri cri;
        const char *name;
        unsigned line = ps->line;
        char c = peek(ps, 0);
        enum field f = path_field(path, &cri, &name);
        bool integer;
        int r;

        if (depth > TOML_MAX_DEPTH)
                return fail(ps, line, "nesting too deep");

        if (f == FIELD_VERSION)
                return parse_version(ps, line);
        if (f == FIELD_NRI_DISABLE) {
                /* A boolean (containerd refuses anything else). */
                bool t = ps->end - ps->p >= 4 && memcmp(ps->p, "true", 4) == 0 && !is_scalar_char(peek(ps, 4));
                bool fa = ps->end - ps->p >= 5 && memcmp(ps->p, "false", 5) == 0 && !is_scalar_char(peek(ps, 5));

                if (!t && !fa)
                        return fail(ps, line, "disable: expected true or false");
                if (ps->cfg->nri_disable_set)
                        return fail(ps, line, "duplicate key");
                ps->cfg->nri_disable_set = true;
                ps->cfg->nri_disable = t;
                ps->p += t ? 4 : 5;
                return 0;
        }
        if (f == FIELD_IMPORTS) {
                if (c != '[')
                        return fail(ps, line, "imports: expected an array of strings");
                if (ps->have_imports)
                        return fail(ps, line, "duplicate key");
                ps->have_imports = true;
                if (!ps->cfg->imports) {
                        ps->cfg->imports = calloc(1, sizeof(char *));
                        if (!ps->cfg->imports)
                                return -ENOMEM;
                }
                return parse_array(ps, path, depth, &ps->cfg->imports);
        }

        if (c == '"' || c == '\'') {
                char *s;
                size_t len;

                r = parse_string(ps, &s, &len);
                if (r < 0)
                        return r;
                return store_string(ps, path, s, len, line);
        }

        if (f != FIELD_NONE)
                return fail(ps, line, "expected a string value");

        if (c == '[')
                return parse_array(ps, path, depth, NULL);
        if (c == '{')
                return parse_inline_table(ps, path, depth);
        if (ps->p >= ps->end || c == '\n' || c == '\r' || c == '#')
                return fail(ps, line, "missing value");
        return parse_scalar(ps, &integer);
}

static bool is_containerd_table(char * const *p) {
        static const char * const tables[] = {
                "grpc", "ttrpc", "debug", "metrics", "cgroup", "plugins", "proxy_plugins",
                "stream_processors", "timeouts",
        };
        static const char * const maps_of_tables[] = { "plugins", "proxy_plugins", "stream_processors" };
        size_t n = strv_length(p);

        for (size_t i = 0; n == 1 && i < ELEMENTSOF(tables); i++)
                if (streq(p[0], tables[i]))
                        return true;
        for (size_t i = 0; n == 2 && i < ELEMENTSOF(maps_of_tables); i++)
                if (streq(p[0], maps_of_tables[i]))
                        return true;
        return false;
}

static int parse_header(struct parser *ps, char ***table) {
        bool array = peek(ps, 1) == '[';
        _cleanup_strv_free_ char **p = calloc(1, sizeof(char *));
        int r;

        if (!p)
                return -ENOMEM;
        ps->p += array ? 2 : 1;
        skip_ws(ps);
        if (peek(ps, 0) == ']')
                return fail(ps, ps->line, "bad table header"); /* cppcheck-suppress memleak ; p: cleanup attribute */
        r = parse_key(ps, &p);
        if (r < 0)
                return r;
        if (peek(ps, 0) != ']' || (array && peek(ps, 1) != ']'))
                return fail(ps, ps->line, "bad table header");
        ps->p += array ? 2 : 1;

        /* containerd's tables (and the entries of its maps of tables) cannot be arrays of
         * tables: it refuses the file ("Can't convert ... to trees"). */
        if (array && is_containerd_table(p))
                return fail(ps, ps->line, "containerd expects a table here, not an array of tables");
        /* The keys of an array of tables belong to its elements. */
        if (array && strv_extend(&p, ARRAY_ELEMENT) < 0)
                return -ENOMEM;
        strv_free(*table);
        *table = TAKE_PTR(p);
        return expect_eol(ps, "unexpected text after table header");
}

static int parse_document(struct parser *ps) {
        _cleanup_strv_free_ char **table = calloc(1, sizeof(char *));
        int r;

        if (!table)
                return -ENOMEM;
        /* A UTF-8 byte order mark means nothing. */
        if (ps->end - ps->p >= 3 && memcmp(ps->p, "\xef\xbb\xbf", 3) == 0)
                ps->p += 3;

        while (ps->p < ps->end) {
                _cleanup_strv_free_ char **p = NULL;
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

                p = strv_copy(table);
                if (!p)
                        return -ENOMEM;
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
