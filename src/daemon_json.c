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

static int get_hosts(struct json_object *top, struct daemon_config *c, int *ret, const char **ret_msg) {
        struct json_object *v;
        _cleanup_strv_free_ char **l = NULL;
        char *s;
        int r;

        if (!json_object_object_get_ex(top, "hosts", &v) || json_object_is_type(v, json_type_null))
                return 0;

        if (json_object_is_type(v, json_type_string)) {
                r = json_string_dup(v, &s);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        set_error(ret, ret_msg, r, "NUL character in a string");
                        return 0;
                }
                r = strv_push(&l, s);
                if (r < 0)
                        return r;
        } else if (json_object_is_type(v, json_type_array)) {
                size_t n = json_object_array_length(v);

                /* An empty array is still a list, distinct from no "hosts" at all. */
                l = calloc(1, sizeof(char *));
                if (!l)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        struct json_object *e = json_object_array_get_idx(v, i);

                        if (!json_object_is_type(e, json_type_string)) {
                                set_error(ret, ret_msg, -EINVAL, "\"hosts\" must be an array of strings");
                                return 0;
                        }
                        r = json_string_dup(e, &s);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0) {
                                set_error(ret, ret_msg, r, "NUL character in a string");
                                return 0;
                        }
                        r = strv_push(&l, s);
                        if (r < 0)
                                return r;
                }
        } else {
                set_error(ret, ret_msg, -EINVAL, "\"hosts\" must be an array of strings");
                return 0;
        }

        strv_free(c->hosts);
        c->hosts = TAKE_PTR(l);
        return 0;
}

static int get_runtimes(struct json_object *top, struct daemon_config *c, int *ret, const char **ret_msg) {
        struct json_object *v;
        _cleanup_strv_free_ char **l = NULL;

        if (!json_object_object_get_ex(top, "runtimes", &v) || json_object_is_type(v, json_type_null))
                return 0;
        if (!json_object_is_type(v, json_type_object)) {
                set_error(ret, ret_msg, -EINVAL, "\"runtimes\" must be an object");
                return 0;
        }

        json_object_object_foreach(v, name, rt) {
                struct json_object *p;
                const char *path;
                char *s;
                int r;

                if (!json_object_is_type(rt, json_type_object)) {
                        set_error(ret, ret_msg, -EINVAL, "a runtime must be an object");
                        continue;
                }
                if (!json_object_object_get_ex(rt, "path", &p) || json_object_is_type(p, json_type_null))
                        continue; /* e.g. {"runtimeType": "io.containerd.runsc.v1"} */
                if (!json_object_is_type(p, json_type_string)) {
                        set_error(ret, ret_msg, -EINVAL, "a runtime's \"path\" must be a string");
                        continue;
                }
                path = json_object_get_string(p);
                if ((size_t) json_object_get_string_len(p) != strlen(path)) {
                        set_error(ret, ret_msg, -EINVAL, "NUL character in a string");
                        continue;
                }
                if (path[0] == 0)
                        continue; /* Not a file. */
                if (asprintf(&s, "%s=%s", name, path) < 0)
                        return -ENOMEM;
                r = strv_push(&l, s);
                if (r < 0)
                        return r;
        }

        strv_free(c->runtimes);
        c->runtimes = TAKE_PTR(l);
        return 0;
}

int daemon_json_parse(const char *data, size_t len, struct daemon_config *ret, unsigned *ret_line,
                      const char **ret_msg) {
        struct daemon_config c = {};
        struct json_tokener *tok = NULL;
        struct json_object *top = NULL;
        _cleanup_free_ char *copy = NULL;
        enum json_tokener_error jerr;
        const char *msg = NULL, *nul;
        unsigned line = 0;
        size_t skip = 0, end;
        int r = 0, k;

        if (!data)
                len = 0;

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

        k = get_string(top, "data-root", &c.data_root, &r, &msg, "\"data-root\" must be a string");
        if (k >= 0 && !c.data_root)
                /* The deprecated spelling, honoured when "data-root" is absent. */
                k = get_string(top, "graph", &c.data_root, &r, &msg, "\"graph\" must be a string");
        if (k >= 0)
                k = get_string(top, "exec-root", &c.exec_root, &r, &msg, "\"exec-root\" must be a string");
        if (k >= 0)
                k = get_string(top, "containerd", &c.containerd, &r, &msg, "\"containerd\" must be a string");
        if (k >= 0)
                k = get_hosts(top, &c, &r, &msg);
        if (k >= 0)
                k = get_runtimes(top, &c, &r, &msg);
        if (k >= 0)
                k = get_string(top, "tlscacert", &c.tlscacert, &r, &msg, "\"tlscacert\" must be a string");
        if (k >= 0)
                k = get_string(top, "tlscert", &c.tlscert, &r, &msg, "\"tlscert\" must be a string");
        if (k >= 0)
                k = get_string(top, "tlskey", &c.tlskey, &r, &msg, "\"tlskey\" must be a string");
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
