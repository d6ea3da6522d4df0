/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "dockerd_args.h"
#include "util.h"

enum opt_kind {
        OPT_CONFIG_FILE,
        OPT_DATA_ROOT,
        OPT_EXEC_ROOT,
        OPT_CONTAINERD,
        OPT_HOST,
        OPT_ADD_RUNTIME,
        OPT_UNKNOWN = -1,
};

static const struct {
        const char *name;
        enum opt_kind kind;
} long_opts[] = {
        { "config-file", OPT_CONFIG_FILE },
        { "data-root",   OPT_DATA_ROOT   },
        { "graph",       OPT_DATA_ROOT   },
        { "exec-root",   OPT_EXEC_ROOT   },
        { "containerd",  OPT_CONTAINERD  },
        { "host",        OPT_HOST        },
        { "add-runtime", OPT_ADD_RUNTIME },
};

/* dockerd's boolean shorthands, which may be bundled in front of another shorthand ("-DH x"). */
static const char bool_shorthands[] = "Dhv";

void dockerd_opts_done(struct dockerd_opts *o) {
        if (!o)
                return;
        free(o->config_file);
        free(o->data_root);
        free(o->exec_root);
        free(o->containerd);
        strv_free(o->hosts);
        strv_free(o->runtimes);
        *o = (struct dockerd_opts) {};
}

static enum opt_kind long_opt_lookup(const char *name, size_t len) {
        for (size_t i = 0; i < ELEMENTSOF(long_opts); i++)
                if (strlen(long_opts[i].name) == len && memcmp(long_opts[i].name, name, len) == 0)
                        return long_opts[i].kind;
        return OPT_UNKNOWN;
}

static int replace_str(char **field, const char *value) {
        char *c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*field);
        *field = c;
        return 0;
}

/* A list being appended to, its length and allocated size known: strv_extend() counts the list
 * on every call, quadratic for the hundreds of thousands of words a 1 MiB variable may hold. */
struct list {
        char ***l;
        size_t n, cap;
};

static void list_init(struct list *x, char ***l) {
        x->l = l;
        x->n = strv_length(*l);
        x->cap = *l ? x->n + 1 : 0;
}

static int list_append(struct list *x, const char *value) {
        char *c;

        if (x->n + 2 > x->cap) {
                size_t cap = x->cap < 8 ? 16 : x->cap * 2;
                char **m = realloc(*x->l, cap * sizeof(char *));

                if (!m)
                        return -ENOMEM;
                *x->l = m;
                x->cap = cap;
        }
        c = strdup(value);
        if (!c)
                return -ENOMEM;
        (*x->l)[x->n++] = c;
        (*x->l)[x->n] = NULL;
        return 0;
}

/* Returns 0, -ENOMEM, or -EINVAL for a value dockerd itself would refuse (the option is then
 * not recorded). */
static int apply_opt(struct dockerd_opts *o, struct list *hosts, struct list *runtimes, enum opt_kind kind,
                     const char *value) {
        const char *eq;

        switch (kind) {
        case OPT_CONFIG_FILE:
                return replace_str(&o->config_file, value);
        case OPT_DATA_ROOT:
                return replace_str(&o->data_root, value);
        case OPT_EXEC_ROOT:
                return replace_str(&o->exec_root, value);
        case OPT_CONTAINERD:
                return replace_str(&o->containerd, value);
        case OPT_HOST:
                return list_append(hosts, value);
        case OPT_ADD_RUNTIME:
                /* dockerd refuses a runtime without "NAME=" or without a path. */
                eq = strchr(value, '=');
                if (!eq || eq == value || eq[1] == 0)
                        return -EINVAL;
                return list_append(runtimes, value);
        default:
                return 0;
        }
}

int dockerd_args_parse(char * const *argv, struct dockerd_opts *o) {
        struct list hosts, runtimes;
        int ret = 0, r;

        if (!argv || !argv[0])
                return 0;
        list_init(&hosts, &o->hosts);
        list_init(&runtimes, &o->runtimes);

        for (size_t i = 1; argv[i]; i++) {
                const char *a = argv[i], *value = NULL, *name;
                enum opt_kind kind = OPT_UNKNOWN;

                if (streq(a, "--"))
                        break;

                if ((name = startswith(a, "--"))) {
                        const char *eq = strchr(name, '=');

                        kind = long_opt_lookup(name, eq ? (size_t) (eq - name) : strlen(name));
                        if (kind == OPT_UNKNOWN)
                                continue; /* Unknown: consume nothing, a stray value is skipped later. */
                        if (eq)
                                value = eq + 1;
                } else if (a[0] == '-' && a[1] != 0) {
                        const char *s = a + 1;

                        /* Walk over bundled boolean shorthands, stop at the first other one. */
                        while (*s && strchr(bool_shorthands, *s))
                                s++;
                        if (*s == 'g')
                                kind = OPT_DATA_ROOT;
                        else if (*s == 'H')
                                kind = OPT_HOST;
                        else
                                continue; /* Unknown shorthand, or only booleans. */
                        s++;
                        if (*s == '=')
                                s++;
                        if (*s)
                                value = s;
                } else
                        continue; /* A positional argument, or the value of an unknown option. */

                if (!value) {
                        if (!argv[i + 1]) {
                                ret = -EINVAL; /* Missing value at the end. */
                                break;
                        }
                        value = argv[++i];
                }

                r = apply_opt(o, &hosts, &runtimes, kind, value);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }

        return ret;
}

char *host_to_socket_path(const char *host) {
        const char *p;

        if (!host)
                return NULL;

        /* dockerd takes a bare absolute path as a unix socket. */
        if (host[0] == '/')
                return strdup(host);

        p = startswith(host, "unix://");
        if (!p)
                return NULL;
        /* "unix://" alone means dockerd's default socket. */
        if (*p == 0)
                return strdup("/var/run/docker.sock");
        if (*p != '/')
                return NULL;
        return strdup(p);
}
