/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>

#include "containerd_args.h"
#include "util.h"

#define PROBLEMS_MAX 64

enum opt_kind {
        OPT_CONFIG,
        OPT_ADDRESS,
        OPT_ROOT,
        OPT_STATE,
        OPT_LOG_LEVEL,
        OPT_BOOL,             /* --help, --version: no value */
        OPT_UNKNOWN = -1,
};

/* `containerd --help` of containerd 1.6 and 1.7: GLOBAL OPTIONS. */
static const struct {
        const char *name;
        enum opt_kind kind;
} opts[] = {
        { "config",    OPT_CONFIG    },
        { "c",         OPT_CONFIG    },
        { "address",   OPT_ADDRESS   },
        { "a",         OPT_ADDRESS   },
        { "root",      OPT_ROOT      },
        { "state",     OPT_STATE     },
        { "log-level", OPT_LOG_LEVEL },
        { "l",         OPT_LOG_LEVEL },
        { "help",      OPT_BOOL      },
        { "h",         OPT_BOOL      },
        { "version",   OPT_BOOL      },
        { "v",         OPT_BOOL      },
};

void containerd_opts_done(struct containerd_opts *o) {
        if (!o)
                return;
        free(o->config);
        free(o->address);
        free(o->root);
        free(o->state);
        strv_free(o->problems);
        *o = (struct containerd_opts) {};
}

static enum opt_kind lookup(const char *name, size_t len) {
        for (size_t i = 0; i < ELEMENTSOF(opts); i++)
                if (strlen(opts[i].name) == len && memcmp(opts[i].name, name, len) == 0)
                        return opts[i].kind;
        return OPT_UNKNOWN;
}

static int problem(struct containerd_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int problem(struct containerd_opts *o, const char *fmt, ...) {
        va_list ap;
        int r;

        if (strv_length(o->problems) >= PROBLEMS_MAX)
                return 0;
        va_start(ap, fmt);
        r = strv_pushv(&o->problems, fmt, ap);
        va_end(ap);
        return r;
}

/* An empty value unsets: containerd applies a flag only when its value is not empty. */
static int set(char **field, const char *value) {
        char *c = NULL;

        if (*value && !(c = strdup(value)))
                return -ENOMEM;
        free(*field);
        *field = c;
        return 0;
}

int containerd_args_parse(char * const *argv, struct containerd_opts *o) {
        bool refused = false;
        int r = 0;

        for (size_t i = 1; argv && argv[0] && argv[i] && r >= 0; i++) {
                const char *a = argv[i], *name, *eq, *value = NULL;
                enum opt_kind kind;
                size_t len;

                /* flag.FlagSet.parseOne(): a non-option ends the options, "--" too */
                if (a[0] != '-' || a[1] == '\0')
                        break;
                if (streq(a, "--"))
                        break;
                name = a + (a[1] == '-' ? 2 : 1);
                if (!*name || *name == '-' || *name == '=') {
                        refused = true;
                        r = problem(o, "containerd refuses the option \"%s\" (bad flag syntax) and does not start", a);
                        continue;
                }
                eq = strchr(name, '=');
                len = eq ? (size_t) (eq - name) : strlen(name);
                kind = lookup(name, len);
                if (kind == OPT_UNKNOWN) {
                        refused = true;
                        r = problem(o, "containerd does not know the option \"%.*s\" and does not start",
                                    (int) (name - a + len), a);
                        continue;
                }
                if (kind == OPT_BOOL)
                        continue;
                if (eq)
                        value = eq + 1;
                else if (argv[i + 1])
                        value = argv[++i];
                else {
                        refused = true;
                        r = problem(o, "containerd's option \"%s\" needs a value and there is none: it does not start",
                                    a);
                        continue;
                }
                switch (kind) {
                case OPT_CONFIG:
                        r = set(&o->config, value);
                        break;
                case OPT_ADDRESS:
                        r = set(&o->address, value);
                        break;
                case OPT_ROOT:
                        r = set(&o->root, value);
                        break;
                case OPT_STATE:
                        r = set(&o->state, value);
                        break;
                default:
                        break;
                }
        }
        if (r < 0)
                return r;
        return refused ? -EINVAL : 0;
}

bool containerd_opts_same(const struct containerd_opts *a, const struct containerd_opts *b) {
        return streq_ptr(a->config, b->config) && streq_ptr(a->address, b->address) && streq_ptr(a->root, b->root) &&
               streq_ptr(a->state, b->state);
}
