/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>

#include <json-c/json.h>

#include "daemon_json.h"
#include "util.h"

/* daemon.json is flat; a generous bound that still keeps json-c's recursion shallow. */
#define DAEMON_JSON_MAX_DEPTH 32

void daemon_config_done(struct daemon_config *c) {
        if (!c)
                return;
        free(c->data_root);
        free(c->exec_root);
        free(c->containerd);
        strv_free(c->hosts);
        strv_free(c->runtimes);
        free(c->tlscacert);
        free(c->tlscert);
        free(c->tlskey);
        for (size_t i = 0; i < c->n_runtime_list; i++) {
                free(c->runtime_list[i].name);
                free(c->runtime_list[i].path);
                free(c->runtime_list[i].runtime_type);
                free(c->runtime_list[i].binary_name);
        }
        free(c->runtime_list);
        free(c->seccomp_profile);
        strv_free(c->cdi_spec_dirs);
        free(c->userland_proxy_path);
        free(c->init_path);
        strv_free(c->authorization_plugins);
        free(c->userns_remap);
        free(c->storage_driver);
        *c = (struct daemon_config) {};
}

static unsigned line_of_offset(const char *data, size_t len, size_t offset) {
        unsigned line = 1;

        if (offset > len)
                offset = len;
        for (size_t i = 0; i < offset; i++)
                if (data[i] == '\n')
                        line++;
        return line;
}

static bool is_json_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies a JSON string, refusing one with an embedded NUL (from "\u0000"). */
static int json_string_dup(struct json_object *v, char **ret) {
        const char *s = json_object_get_string(v);
        char *c;

        if ((size_t) json_object_get_string_len(v) != strlen(s))
                return -EINVAL;
        c = strdup(s);
        if (!c)
                return -ENOMEM;
        *ret = c;
        return 0;
}

/* Record the first error only. */
static void set_error(int *ret, const char **ret_msg, int r, const char *msg) {
        if (*ret < 0)
                return;
        *ret = r;
        *ret_msg = msg;
}

static int get_string(struct json_object *top, const char *key, char **field, int *ret,
                      const char **ret_msg, const char *type_msg) {
        struct json_object *v;
        char *s = NULL;
        int r;

        if (!json_object_object_get_ex(top, key, &v) || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_string)) {
                set_error(ret, ret_msg, -EINVAL, type_msg);
                return 0;
        }
        r = json_string_dup(v, &s);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                set_error(ret, ret_msg, r, "NUL character in a string");
                return 0;
        }
        free(*field);
        *field = s;
        return 0;
}

/* A list of strings; with allow_single also one string (as "hosts" may be). */
static int get_strv(struct json_object *top, const char *key, bool allow_single, char ***field, int *ret,
                    const char **ret_msg, const char *type_msg) {
        struct json_object *v;
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 1;
        char *s;
        int r;

        if (!json_object_object_get_ex(top, key, &v) || json_object_is_type(v, json_type_null))
                return 0;
        if (json_object_is_type(v, json_type_array))
                n = json_object_array_length(v);
        else if (!allow_single || !json_object_is_type(v, json_type_string)) {
                set_error(ret, ret_msg, -EINVAL, type_msg);
                return 0;
        }

        /* An empty array is still a list, distinct from no key at all. */
        l = calloc(n + 1, sizeof(char *)); /* sized once: a long list costs linear time */
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                struct json_object *e = json_object_is_type(v, json_type_array) ? json_object_array_get_idx(v, i) : v;

                if (!json_object_is_type(e, json_type_string)) {
                        set_error(ret, ret_msg, -EINVAL, type_msg);
                        return 0;
                }
                r = json_string_dup(e, &s);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        set_error(ret, ret_msg, r, "NUL character in a string");
                        return 0;
                }
                l[i] = s;
        }

        strv_free(*field);
        *field = TAKE_PTR(l);
        return 0;
}

/* A string member of a runtime: 0 and NULL when absent or null, -EINVAL (error recorded) for
 * another type or an embedded NUL. */
static int runtime_string(struct json_object *rt, const char *key, char **ret, int *err, const char **err_msg,
                          const char *type_msg) {
        struct json_object *p;
        int r;

        *ret = NULL;
        if (!rt || !json_object_object_get_ex(rt, key, &p) || json_object_is_type(p, json_type_null))
                return 0;
        if (!json_object_is_type(p, json_type_string)) {
                set_error(err, err_msg, -EINVAL, type_msg);
                return -EINVAL;
        }
        r = json_string_dup(p, ret);
        if (r == -EINVAL)
                set_error(err, err_msg, r, "NUL character in a string");
        return r;
}

/* One runtime, checked as dockerd's setupRuntimes() does; added to c->runtime_list (and, with a
 * path, to c->runtimes). */
static int get_runtime(struct daemon_config *c, const char *name, struct json_object *rt, int *err, const char **err_msg) {
        struct daemon_runtime d = {};
        struct json_object *opts = NULL;
        struct daemon_runtime *n;
        bool has_options = false;
        int r;

        if (!json_object_is_type(rt, json_type_object)) {
                set_error(err, err_msg, -EINVAL, "a runtime must be an object");
                return 0;
        }
        if (json_object_object_get_ex(rt, "options", &opts) && !json_object_is_type(opts, json_type_null)) {
                if (!json_object_is_type(opts, json_type_object)) {
                        set_error(err, err_msg, -EINVAL, "a runtime's \"options\" must be an object");
                        opts = NULL;
                } else
                        has_options = json_object_object_length(opts) > 0;
        } else
                opts = NULL;

        r = runtime_string(rt, "path", &d.path, err, err_msg, "a runtime's \"path\" must be a string");
        if (r != -ENOMEM)
                r = runtime_string(rt, "runtimeType", &d.runtime_type, err, err_msg,
                                   "a runtime's \"runtimeType\" must be a string");
        if (r != -ENOMEM)
                r = runtime_string(opts, "BinaryName", &d.binary_name, err, err_msg,
                                   "a runtime's \"options\" \"BinaryName\" must be a string");
        if (r == -ENOMEM)
                goto fail;

        /* Go's zero value: an empty string is unset. */
        if (d.path && !*d.path) {
                free(d.path);
                d.path = NULL;
        }
        if (d.runtime_type && !*d.runtime_type) {
                free(d.runtime_type);
                d.runtime_type = NULL;
        }

        if (!*name) {
                set_error(err, err_msg, -EINVAL, "a runtime has an empty name: no container can select it");
                r = 0;
                goto fail;
        }
        if (streq(name, "runc"))
                set_error(err, err_msg, -EINVAL, "the runtime name \"runc\" is reserved: dockerd refuses to start");
        else if (!d.path && !d.runtime_type)
                set_error(err, err_msg, -EINVAL, "a runtime has neither \"path\" nor \"runtimeType\": "
                          "dockerd refuses to start");
        else if (d.path && d.runtime_type)
                set_error(err, err_msg, -EINVAL, "a runtime has both \"path\" and \"runtimeType\": "
                          "dockerd refuses to start");
        else if (d.path && has_options)
                set_error(err, err_msg, -EINVAL, "a runtime has \"options\" with a \"path\": dockerd refuses to start");

        d.name = strdup(name);
        if (!d.name)
                goto enomem;
        if (d.path) {
                char *s;

                if (asprintf(&s, "%s=%s", name, d.path) < 0 || strv_push(&c->runtimes, s) < 0)
                        goto enomem;
        }
        n = realloc(c->runtime_list, (c->n_runtime_list + 1) * sizeof(*n));
        if (!n)
                goto enomem;
        c->runtime_list = n;
        c->runtime_list[c->n_runtime_list++] = d;
        return 0;

enomem:
        r = -ENOMEM;
fail:
        free(d.name);
        free(d.path);
        free(d.runtime_type);
        free(d.binary_name);
        return r;
}

static int get_runtimes(struct json_object *top, struct daemon_config *c, int *ret, const char **ret_msg) {
        struct json_object *v;

        if (!json_object_object_get_ex(top, "runtimes", &v) || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_object)) {
                set_error(ret, ret_msg, -EINVAL, "\"runtimes\" must be an object");
                return 0;
        }

        json_object_object_foreach(v, name, rt) {
                int r = get_runtime(c, name, rt, ret, ret_msg);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* One boolean of "features": 1 and *ret_value when set, 0 when absent or null, a type error
 * recorded. */
static int get_feature(struct json_object *features, const char *key, bool *ret_value, int *ret,
                       const char **ret_msg, const char *type_msg) {
        struct json_object *v;

        if (!json_object_object_get_ex(features, key, &v) || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_boolean)) {
                set_error(ret, ret_msg, -EINVAL, type_msg);
                return 0;
        }
        *ret_value = json_object_get_boolean(v);
        return 1;
}

/* "features": an object of booleans (moby daemon/config Config.Features, map[string]bool); "cdi"
 * and "containerd-snapshotter" are kept. */
static int get_features(struct json_object *top, struct daemon_config *c, int *ret, const char **ret_msg) {
        struct json_object *v;

        if (!json_object_object_get_ex(top, "features", &v) || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_object)) {
                set_error(ret, ret_msg, -EINVAL, "\"features\" must be an object");
                return 0;
        }
        c->cdi_set = get_feature(v, "cdi", &c->cdi, ret, ret_msg, "\"features\" \"cdi\" must be true or false");
        c->snapshotter_set = get_feature(v, "containerd-snapshotter", &c->snapshotter, ret, ret_msg,
                                         "\"features\" \"containerd-snapshotter\" must be true or false");
        return 0;
}

/* Is the JSON string token at s (its opening quote; n bytes up to the closing one included) the
 * string want? A token with escapes is decoded by json-c. */
static bool token_is(const char *s, size_t n, const char *want) {
        _cleanup_free_ char *copy = NULL;
        struct json_object *o;
        bool eq;

        if (!memchr(s, '\\', n))
                return n == strlen(want) + 2 && memcmp(s + 1, want, n - 2) == 0;
        copy = strndup(s, n);
        if (!copy)
                return false;
        o = json_tokener_parse(copy);
        eq = o && json_object_is_type(o, json_type_string) && streq(json_object_get_string(o), want);
        json_object_put(o);
        return eq;
}

/* The 1-based line of the last key "key" of the object that is the value of the top-level key
 * "parent", in text json-c has accepted (the last one is what json-c and dockerd keep); 0 when
 * there is none. A string is a key when ':' follows it; a container at depth 2 is the value of
 * the last top-level key. */
static unsigned key_line(const char *data, size_t len, const char *parent, const char *key) {
        unsigned line = 1, found = 0, depth = 0;
        bool in_parent = false;

        for (size_t i = 0; i < len; i++) {
                char ch = data[i];

                if (ch == '\n')
                        line++;
                else if (ch == '{' || ch == '[')
                        depth++;
                else if (ch == '}' || ch == ']')
                        depth--;
                else if (ch == '"') {
                        size_t start = i, j;
                        unsigned at = line;

                        for (i++; i < len && data[i] != '"'; i++)
                                if (data[i] == '\\')
                                        i++;
                        for (j = i + 1; j < len && is_json_space(data[j]); j++)
                                if (data[j] == '\n')
                                        line++;
                        if (j >= len || data[j] != ':') {
                                i = j - 1;
                                continue;
                        }
                        if (depth == 1)
                                in_parent = token_is(data + start, i - start + 1, parent);
                        else if (depth == 2 && in_parent && token_is(data + start, i - start + 1, key))
                                found = at;
                        i = j;
                }
        }
        return found;
}

/* dockerd decodes the file by its byte order mark (golang.org/x/text BOMOverride): UTF-16 LE or
 * BE becomes UTF-8 (a lone surrogate or an odd last byte becomes U+FFFD); a UTF-8 mark is
 * dropped later. Returns 1 with *ret (NUL-terminated) when the file was UTF-16, 0 otherwise. */
static int decode_utf16(const char *data, size_t len, char **ret, size_t *ret_len) {
        const unsigned char *u = (const unsigned char *) data;
        bool le;
        struct strbuf b = {};
        int r = 0;

        if (len < 2 || !((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
                return 0;
        le = u[0] == 0xff;
        r = strbuf_append(&b, "", 0);
        for (size_t i = 2; r >= 0 && i < len; i += 2) {
                unsigned long cp = 0xfffd, w, w2;
                char out[4];
                size_t n;

                if (i + 1 < len) {
                        w = le ? (unsigned long) (u[i] | u[i + 1] << 8) : (unsigned long) (u[i] << 8 | u[i + 1]);
                        cp = w;
                        if (w >= 0xd800 && w <= 0xdbff && i + 3 < len) {
                                w2 = le ? (unsigned long) (u[i + 2] | u[i + 3] << 8)
                                        : (unsigned long) (u[i + 2] << 8 | u[i + 3]);
                                if (w2 >= 0xdc00 && w2 <= 0xdfff) {
                                        cp = 0x10000 + ((w - 0xd800) << 10) + (w2 - 0xdc00);
                                        i += 2;
                                } else
                                        cp = 0xfffd;
                        } else if (w >= 0xd800 && w <= 0xdfff)
                                cp = 0xfffd;
                }
                if (cp < 0x80) {
                        out[0] = (char) cp;
                        n = 1;
                } else if (cp < 0x800) {
                        out[0] = (char) (0xc0 | (cp >> 6));
                        out[1] = (char) (0x80 | (cp & 0x3f));
                        n = 2;
                } else if (cp < 0x10000) {
                        out[0] = (char) (0xe0 | (cp >> 12));
                        out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
                        out[2] = (char) (0x80 | (cp & 0x3f));
                        n = 3;
                } else {
                        out[0] = (char) (0xf0 | (cp >> 18));
                        out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
                        out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
                        out[3] = (char) (0x80 | (cp & 0x3f));
                        n = 4;
                }
                r = strbuf_append(&b, out, n);
        }
        if (r < 0) {
                free(b.s);
                return r;
        }
        *ret = b.s;
        *ret_len = b.n;
        return 1;
}

/* The kept keys of the top-level object; type errors recorded, -ENOMEM returned. */
static int read_keys(struct json_object *top, struct daemon_config *c, int *ret, const char **ret_msg) {
        int k;

        k = get_string(top, "data-root", &c->data_root, ret, ret_msg, "\"data-root\" must be a string");
        if (k >= 0 && !c->data_root)
                /* The deprecated spelling, honoured when "data-root" is absent. */
                k = get_string(top, "graph", &c->data_root, ret, ret_msg, "\"graph\" must be a string");
        if (k >= 0)
                k = get_string(top, "exec-root", &c->exec_root, ret, ret_msg, "\"exec-root\" must be a string");
        if (k >= 0)
                k = get_string(top, "containerd", &c->containerd, ret, ret_msg, "\"containerd\" must be a string");
        if (k >= 0)
                k = get_strv(top, "hosts", true, &c->hosts, ret, ret_msg, "\"hosts\" must be an array of strings");
        if (k >= 0)
                k = get_runtimes(top, c, ret, ret_msg);
        if (k >= 0)
                k = get_string(top, "tlscacert", &c->tlscacert, ret, ret_msg, "\"tlscacert\" must be a string");
        if (k >= 0)
                k = get_string(top, "tlscert", &c->tlscert, ret, ret_msg, "\"tlscert\" must be a string");
        if (k >= 0)
                k = get_string(top, "tlskey", &c->tlskey, ret, ret_msg, "\"tlskey\" must be a string");
        if (k >= 0)
                k = get_string(top, "seccomp-profile", &c->seccomp_profile, ret, ret_msg,
                               "\"seccomp-profile\" must be a string");
        if (k >= 0)
                k = get_strv(top, "cdi-spec-dirs", false, &c->cdi_spec_dirs, ret, ret_msg,
                             "\"cdi-spec-dirs\" must be an array of strings");
        if (k >= 0)
                k = get_string(top, "userland-proxy-path", &c->userland_proxy_path, ret, ret_msg,
                               "\"userland-proxy-path\" must be a string");
        if (k >= 0)
                k = get_string(top, "init-path", &c->init_path, ret, ret_msg, "\"init-path\" must be a string");
        if (k >= 0)
                k = get_strv(top, "authorization-plugins", false, &c->authorization_plugins, ret, ret_msg,
                             "\"authorization-plugins\" must be an array of strings");
        if (k >= 0)
                k = get_string(top, "userns-remap", &c->userns_remap, ret, ret_msg,
                               "\"userns-remap\" must be a string");
        if (k >= 0)
                k = get_features(top, c, ret, ret_msg);
        if (k >= 0)
                k = get_string(top, "storage-driver", &c->storage_driver, ret, ret_msg,
                               "\"storage-driver\" must be a string");
        return k;
}

int daemon_json_parse(const char *data, size_t len, struct daemon_config *ret, unsigned *ret_line,
                      const char **ret_msg) {
        struct daemon_config c = {};
        struct json_tokener *tok = NULL;
        struct json_object *top = NULL;
        _cleanup_free_ char *copy = NULL, *decoded = NULL;
        enum json_tokener_error jerr;
        const char *msg = NULL, *nul;
        unsigned line = 0;
        size_t skip = 0, end;
        int r = 0, k;

        if (!data)
                len = 0;

        r = decode_utf16(data, len, &decoded, &len);
        if (r < 0) {
                msg = "out of memory";
                goto finish;
        }
        if (r > 0)
                data = decoded;
        r = 0;

        /* RFC 8259 lets a parser ignore a UTF-8 byte order mark; dockerd does. */
        if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
                skip = 3;

        {
                size_t i = skip;

                while (i < len && is_json_space(data[i]))
                        i++;
                if (i >= len) {
                        r = -ENODATA;
                        msg = "empty file";
                        goto finish;
                }
        }

        if (len > (size_t) INT_MAX - 1) {
                r = -EINVAL;
                msg = "file too large";
                goto finish;
        }

        nul = memchr(data, 0, len);
        if (nul) {
                r = -EINVAL;
                msg = "NUL byte in file";
                line = line_of_offset(data, len, (size_t) (nul - data));
                goto finish;
        }

        /* json-c wants the terminating NUL included once the input is complete. */
        copy = strndup(data + skip, len - skip);
        if (!copy) {
                r = -ENOMEM;
                goto finish;
        }

        tok = json_tokener_new_ex(DAEMON_JSON_MAX_DEPTH);
        if (!tok) {
                r = -ENOMEM;
                goto finish;
        }
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);

        top = json_tokener_parse_ex(tok, copy, (int) (len - skip + 1));
        jerr = json_tokener_get_error(tok);
        end = json_tokener_get_parse_end(tok) + skip;
        if (!top || jerr != json_tokener_success) {
                r = -EINVAL;
                switch (jerr) {
                case json_tokener_error_depth:
                        msg = "nesting too deep";
                        break;
                case json_tokener_continue:
                case json_tokener_error_parse_eof:
                        msg = "unexpected end of file";
                        break;
                default:
                        msg = json_tokener_error_desc(jerr);
                }
                line = line_of_offset(data, len, end);
                goto finish;
        }

        /* Only whitespace may follow (json-c's strict mode checks too; be sure). */
        for (size_t i = end; i < len; i++)
                if (!is_json_space(data[i])) {
                        r = -EINVAL;
                        msg = "trailing characters after the JSON object";
                        line = line_of_offset(data, len, i);
                        goto finish;
                }

        if (!json_object_is_type(top, json_type_object)) {
                size_t i = skip;

                while (i < len && is_json_space(data[i]))
                        i++;
                r = -EINVAL;
                msg = "top level is not a JSON object";
                line = line_of_offset(data, len, i);
                goto finish;
        }

        k = read_keys(top, &c, &r, &msg);
        if (k >= 0 && c.snapshotter_set)
                c.snapshotter_line = key_line(copy, len - skip, "features", "containerd-snapshotter");
        if (k < 0) {
                r = k;
                msg = NULL;
                daemon_config_done(&c);
        }

finish:
        json_object_put(top);
        if (tok)
                json_tokener_free(tok);
        if (r == -ENOMEM) {
                daemon_config_done(&c);
                msg = "out of memory";
                line = 0;
        }
        *ret = c;
        if (ret_line)
                *ret_line = line;
        if (ret_msg)
                *ret_msg = msg;
        return r;
}
