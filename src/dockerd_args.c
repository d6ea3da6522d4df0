/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>

#include "dockerd_args.h"
#include "util.h"

enum opt_kind {
        OPT_CONFIG_FILE,
        OPT_DATA_ROOT,
        OPT_EXEC_ROOT,
        OPT_CONTAINERD,
        OPT_HOST,
        OPT_ADD_RUNTIME,
        OPT_AUTHZ_PLUGIN,
        OPT_USERNS_REMAP,
        OPT_SECCOMP_PROFILE,
        OPT_CDI_SPEC_DIR,
        OPT_FEATURE,
        OPT_STORAGE_DRIVER,
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
        { "authorization-plugin", OPT_AUTHZ_PLUGIN },
        { "userns-remap", OPT_USERNS_REMAP },
        { "seccomp-profile", OPT_SECCOMP_PROFILE },
        { "cdi-spec-dir", OPT_CDI_SPEC_DIR },
        { "feature", OPT_FEATURE },
        { "storage-driver", OPT_STORAGE_DRIVER },
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
        strv_free(o->authorization_plugins);
        free(o->userns_remap);
        free(o->seccomp_profile);
        strv_free(o->cdi_spec_dirs);
        free(o->storage_driver);
        strv_free(o->problems);
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

/* Problems kept per command line, runtimes checked (each is compared with the others). */
#define PROBLEMS_MAX 64
#define RUNTIMES_MAX 1024

/* Record a problem (at most PROBLEMS_MAX) and return -EINVAL. */
static int problem(struct dockerd_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int problem(struct dockerd_opts *o, const char *fmt, ...) {
        va_list ap;
        int r;

        if (strv_length(o->problems) >= PROBLEMS_MAX)
                return -EINVAL;
        va_start(ap, fmt);
        r = strv_pushv(&o->problems, fmt, ap);
        va_end(ap);
        return r < 0 ? r : -EINVAL;
}

static bool is_go_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* --add-runtime NAME=PATH as dockerd's RuntimeOpt.Set() takes it: cut at the first '=', both
 * sides trimmed of blanks and non-empty, the name lower-cased, not "runc", not defined twice. */
static int add_runtime(struct dockerd_opts *o, struct list *runtimes, const char *value) {
        const char *eq = strchr(value, '='), *k, *ke, *v, *ve;
        _cleanup_free_ char *spec = NULL;
        size_t kn;

        if (!eq)
                return problem(o, "--add-runtime %s has no =PATH: dockerd refuses to start", value);
        for (k = value, ke = eq; k < ke && is_go_space(*k); k++)
                ;
        while (ke > k && is_go_space(ke[-1]))
                ke--;
        for (v = eq + 1, ve = v + strlen(v); v < ve && is_go_space(*v); v++)
                ;
        while (ve > v && is_go_space(ve[-1]))
                ve--;
        if (k == ke)
                return problem(o, "--add-runtime %s has no name before '=': dockerd refuses to start", value);
        if (v == ve)
                return problem(o, "--add-runtime %s has no path after '=': dockerd refuses to start", value);
        kn = (size_t) (ke - k);
        if (asprintf(&spec, "%.*s=%.*s", (int) kn, k, (int) (ve - v), v) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < kn; i++)
                if (spec[i] >= 'A' && spec[i] <= 'Z')
                        spec[i] = (char) (spec[i] - 'A' + 'a');
        if (kn == 4 && strncmp(spec, "runc", 4) == 0)
                return problem(o, "--add-runtime %s: the name \"runc\" is reserved: dockerd refuses to start", value);
        if (runtimes->n >= RUNTIMES_MAX)
                return problem(o, "more than %d --add-runtime options: the rest are not read", RUNTIMES_MAX);
        for (size_t i = 0; i < runtimes->n; i++)
                if (strncmp((*runtimes->l)[i], spec, kn + 1) == 0)
                        return problem(o, "--add-runtime %s: runtime \"%.*s\" is already defined: "
                                       "dockerd refuses to start", value, (int) kn, spec);
        return list_append(runtimes, spec);
}

/* --feature NAME[=BOOL], as dockerd's SetOpts.Set() takes it (moby daemon/internal/opts): cut at
 * the first '=', no value is true, else Go's strconv.ParseBool; only containerd-snapshotter is
 * kept. */
static int add_feature(struct dockerd_opts *o, const char *value) {
        static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True", NULL };
        static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False", NULL };
        const char *eq = strchr(value, '=');
        size_t n = eq ? (size_t) (eq - value) : strlen(value);

        if (n == 0)
                return problem(o, "--feature %s has no name: dockerd refuses to start", value);
        if (n != strlen("containerd-snapshotter") || strncmp(value, "containerd-snapshotter", n) != 0)
                return 0;
        if (!eq) {
                o->snapshotter_set = o->snapshotter = true;
                return 0;
        }
        for (size_t k = 0; yes[k]; k++)
                if (streq(eq + 1, yes[k]) || streq(eq + 1, no[k])) {
                        o->snapshotter_set = true;
                        o->snapshotter = streq(eq + 1, yes[k]);
                        return 0;
                }
        return problem(o, "--feature %s: \"%s\" is not true or false: dockerd refuses to start", value, eq + 1);
}

/* Returns 0, -ENOMEM, or -EINVAL for a value dockerd itself would refuse (the option is then
 * not recorded, a problem says why). */
static int apply_opt(struct dockerd_opts *o, struct list *hosts, struct list *runtimes, struct list *more,
                     enum opt_kind kind, const char *value) {
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
                return add_runtime(o, runtimes, value);
        case OPT_AUTHZ_PLUGIN:
                return list_append(&more[0], value);
        case OPT_CDI_SPEC_DIR:
                return list_append(&more[1], value);
        case OPT_USERNS_REMAP:
                return replace_str(&o->userns_remap, value);
        case OPT_SECCOMP_PROFILE:
                return replace_str(&o->seccomp_profile, value);
        case OPT_FEATURE:
                return add_feature(o, value);
        case OPT_STORAGE_DRIVER:
                return replace_str(&o->storage_driver, value);
        default:
                return 0;
        }
}

int dockerd_args_parse(char * const *argv, struct dockerd_opts *o) {
        struct list hosts, runtimes, more[2];
        int ret = 0, r;

        if (!argv || !argv[0])
                return 0;
        list_init(&hosts, &o->hosts);
        list_init(&runtimes, &o->runtimes);
        list_init(&more[0], &o->authorization_plugins);
        list_init(&more[1], &o->cdi_spec_dirs);

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
                        else if (*s == 's')
                                kind = OPT_STORAGE_DRIVER;
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
                                /* Missing value at the end. */
                                ret = problem(o, "%s at the end of the command line has no value: "
                                              "dockerd refuses to start", a);
                                if (ret == -ENOMEM)
                                        return ret;
                                break;
                        }
                        value = argv[++i];
                }

                r = apply_opt(o, &hosts, &runtimes, more, kind, value);
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
