/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: a containerd that a supervisor starts itself, each an instance of its own:
 *   - k3s (k3s.service, k3s-agent.service) and RKE2 (rke2-server.service, rke2-agent.service):
 *     the unit runs the supervisor, which unpacks containerd, its runc shim and runc into its
 *     data directory (k3s: DATA/data/HASH/bin through the `current` link; RKE2: DATA/bin, a link
 *     to data/RELEASE/bin) and runs containerd with -c DATA/agent/etc/containerd/config.toml
 *     (rendered at every start from config.toml.tmpl next to it, or config-v3.toml.tmpl for
 *     containerd 2.x), -a /run/k3s/containerd/containerd.sock, --state /run/k3s/containerd and
 *     --root DATA/agent/containerd. `--data-dir` (-d) on its command line, else `data-dir:` in
 *     its config.yaml, moves DATA (default /var/lib/rancher/k3s, /var/lib/rancher/rke2);
 *     `--docker` or `--container-runtime-endpoint` mean no containerd of its own.
 *   - MicroK8s (snap.microk8s.daemon-containerd.service): the snap runs $SNAP/bin/containerd
 *     with the options of $SNAP_DATA/args/containerd; its config.toml is rendered from
 *     args/containerd-template.toml.
 * Nothing is run: what the supervisor would pass is rebuilt as a command line and read by
 * containerd_take_args(), so that discover-containerd.c reads the configuration as for any
 * containerd. */
#include <ctype.h>
#include <errno.h>

#include "discovery-base.h"
#include "unitfile.h"
#include "util.h"

/* The socket and state directory k3s and RKE2 give their containerd (pkg/agent/config). */
#define K3S_CONTAINERD_STATE "/run/k3s/containerd"
#define K3S_CONTAINERD_SOCK K3S_CONTAINERD_STATE "/containerd.sock"

struct supervisor {
        const char *name;             /* "k3s" */
        const char *const *units;     /* its units, each running the supervisor */
        const char *data_dir;         /* the default data directory */
        const char *config_yaml;      /* its configuration file, which may set data-dir */
        const char *bin;              /* its binary directory below the data directory */
        const char *bin_why;          /* how that directory is reached, for evidence */
};

static const char *const k3s_units[] = { "k3s.service", "k3s-agent.service", NULL };
static const char *const rke2_units[] = { "rke2-server.service", "rke2-agent.service", NULL };

static const struct supervisor supervisors[] = {
        { "k3s", k3s_units, "/var/lib/rancher/k3s", "/etc/rancher/k3s/config.yaml", "data/current/bin",
          "the `current` link to the data/HASH/bin k3s unpacked, first in its containerd's PATH" },
        { "RKE2", rke2_units, "/var/lib/rancher/rke2", "/etc/rancher/rke2/config.yaml", "bin",
          "the link to the data/RELEASE/bin RKE2 unpacked, first in its containerd's PATH" },
};

#define MICROK8S_UNIT "snap.microk8s.daemon-containerd.service"
#define MICROK8S_SNAP "/snap/microk8s/current"
#define MICROK8S_DATA "/var/snap/microk8s/current"
#define MICROK8S_COMMON "/var/snap/microk8s/common"

/* The value of a top-level `data-dir:` in a config.yaml: a plain or quoted scalar on its line.
 * NULL when there is none; *ret_unread when the value is of a form not read here. */
static char *yaml_data_dir(const char *data, bool *ret_unread) {
        char *found = NULL;

        *ret_unread = false;
        for (const char *l = data; l && *l;) {
                const char *end = strchr(l, '\n'), *v;
                size_t n = end ? (size_t) (end - l) : strlen(l);

                v = startswith(l, "data-dir:");
                if (v && (size_t) (v - l) <= n) {
                        size_t m = n - (size_t) (v - l);
                        while (m > 0 && (*v == ' ' || *v == '\t'))
                                v++, m--;
                        while (m > 0 && isspace((unsigned char) v[m - 1]))
                                m--;
                        if (m >= 2 && (v[0] == '"' || v[0] == '\'') && v[m - 1] == v[0])
                                v++, m -= 2;
                        free(found);
                        found = NULL;
                        if (m == 0 || v[0] != '/' || memchr(v, '#', m) || memchr(v, '"', m) || memchr(v, '\'', m))
                                *ret_unread = true;
                        else if (!(found = strndup(v, m)))
                                return NULL;
                        else
                                *ret_unread = false;
                }
                l = end ? end + 1 : NULL;
        }
        return found;
}

/* The data directory: --data-dir (-d) of the command line, else config.yaml's data-dir, else
 * the default; *ret_why says which. 0 or -ENOMEM. */
static int data_dir_of(struct ctx *c, const struct supervisor *s, char **argv, const char *unit, char **ret,
                       char **ret_why) {
        _cleanup_free_ char *data = NULL;
        char *v = NULL;
        size_t len;
        bool unread = false;
        int r;

        for (char **a = argv + 1; *a; a++) {
                const char *x;
                if ((streq(*a, "--data-dir") || streq(*a, "-d")) && a[1])
                        v = *++a;
                else if ((x = startswith(*a, "--data-dir=")) || (x = startswith(*a, "-d=")))
                        v = (char *) x;
        }
        if (v) {
                if (!(*ret = strdup(v)) || asprintf(ret_why, "--data-dir of %s's ExecStart", unit) < 0)
                        return -ENOMEM;
                return 0;
        }
        /* What it says moves every watched path and the exe!= exemption: only a file of root's. */
        r = init_script_trusted(c, s->config_yaml);
        if (r > 0)
                r = read_host_file(c, s->config_yaml, true, &data, &len);
        if (r == -ENOMEM)
                return r;
        if (r > 0) {
                v = yaml_data_dir(data, &unread);
                if (v) {
                        *ret = v;
                        return asprintf(ret_why, "data-dir in %s", s->config_yaml) < 0 ? -ENOMEM : 0;
                }
                if (unread && (r = discovery_add_problem(c->d, s->config_yaml, 0, "data-dir is not a plain "
                                                         "absolute path: not read; %s's default %s is assumed",
                                                         s->name, s->data_dir)) < 0)
                        return r;
        }
        if (!(*ret = strdup(s->data_dir)) || asprintf(ret_why, "%s's default data directory", s->name) < 0)
                return -ENOMEM;
        return 0;
}

/* Does the command line give k3s or RKE2 another runtime than its own containerd? */
static bool other_runtime(char **argv) {
        for (char **a = argv + 1; *a; a++)
                if (streq(*a, "--docker") || startswith(*a, "--docker=") ||
                    startswith(*a, "--container-runtime-endpoint"))
                        return true;
        return false;
}

static int add_program(struct containerd_instance *i, const char *dir, const char *name, const char *why) {
        _cleanup_free_ char *p = path_join(dir, name);

        if (!p)
                return -ENOMEM;
        return sourced_append(&i->runtimes, &i->n_runtimes, p, "%s in %s (%s)", name, dir, why);
}

/* The supervisor's instance: its unit, state, the supervisor's program. */
static int add_instance(struct ctx *c, struct unit *u, const char *program, const char *src,
                        struct containerd_instance **ret) {
        struct containerd_instance *i;
        struct unit *units;
        bool wanted = false;
        int r;

        r = discovery_add_containerd(c->d, SOURCE_SUPERVISOR, u->name, &i);
        if (r < 0)
                return r;
        i->extra = true;
        r = unit_wanted(c->root, NULL, u->name, &wanted);
        if (r < 0)
                return r;
        if (!(i->state = strdup(unit_state_name(u->masked ? UNIT_MASKED : wanted ? UNIT_ENABLED : UNIT_DISABLED))))
                return -ENOMEM;
        if (program && program[0] == '/' &&
            (r = sourced_set(&i->supervisor, program, "ExecStart of %s (%s): the supervisor that runs containerd",
                             u->name, src)) < 0)
                return r;
        units = realloc(i->units, sizeof(*units) * (i->n_units + 1));
        if (!units)
                return -ENOMEM;
        i->units = units;
        units[i->n_units++] = *u;
        *u = (struct unit) {};
        *ret = i;
        return 0;
}

static int k3s_like(struct ctx *c, const struct supervisor *s, struct unit *u) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *data = NULL, *why = NULL, *bin = NULL, *config = NULL, *root = NULL, *what = NULL,
                            *dir = NULL;
        const char *src = NULL;
        struct containerd_instance *i;
        struct resolved res = {};
        bool have_bin;
        int r;

        if (!u->fragment || u->masked)
                return u->masked ? add_instance(c, u, NULL, NULL, &i) : 0;
        r = unit_exec_argv(c->root, u, &c->d->problems, &argv, &src);
        if (r <= 0)
                return r;
        if (other_runtime(argv))
                return 0;
        r = data_dir_of(c, s, argv, u->name, &data, &why);
        if (r < 0)
                return r;
        if (data[0] != '/')
                return discovery_add_problem(c->d, src, 0, "%s: data directory \"%s\" (%s) is not an absolute path: "
                                             "its containerd is not watched", u->name, data, why);
        bin = path_join(data, s->bin);
        dir = path_join(data, "agent/etc/containerd");
        config = dir ? path_join(dir, "config.toml") : NULL;
        root = path_join(data, "agent/containerd");
        if (!bin || !dir || !config || !root ||
            asprintf(&what, "%s's containerd command line (%s, data directory %s: %s)", s->name, u->name, data, why) < 0)
                return -ENOMEM;

        r = add_instance(c, u, argv[0], src, &i);
        if (r < 0)
                return r;
        i->daemon = true;
        {
                char *const args[] = { (char *) "containerd", (char *) "-c", config, (char *) "-a",
                                       (char *) K3S_CONTAINERD_SOCK, (char *) "--state", (char *) K3S_CONTAINERD_STATE,
                                       (char *) "--root", root, NULL };
                r = containerd_take_args(c, i, args, NULL, what);
        }
        if (r < 0)
                return r;
        r = root_resolve(c->root, bin, false, &res);
        have_bin = r >= 0 && res.state == PATH_EXISTS && res.is_dir;
        resolved_done(&res);
        if (r == -ENOMEM)
                return r;
        if (!have_bin && (r = discovery_add_warning(c->d, NULL, 0, "%s: %s's binary directory %s does not exist "
                                                    "(it is unpacked at the first start): its containerd, shim and "
                                                    "runc are watched once it is there and the rules are re-synced",
                                                    u->name, s->name, bin)) < 0)
                return r;
        {
                _cleanup_free_ char *p = path_join(bin, "containerd");
                if (!p)
                        return -ENOMEM;
                r = sourced_set(&i->binary, p, "%s's containerd in %s (%s)", s->name, bin, s->bin_why);
                if (r < 0)
                        return r;
        }
        if (!(i->bin_dir = strdup(bin)))
                return -ENOMEM;
        if ((r = add_program(i, bin, "containerd-shim-runc-v2", s->bin_why)) < 0 ||
            (r = add_program(i, bin, "runc", s->bin_why)) < 0)
                return r;
        {
                _cleanup_free_ char *t2 = path_join(dir, "config.toml.tmpl"), *t3 = path_join(dir, "config-v3.toml.tmpl");
                if (!t2 || !t3)
                        return -ENOMEM;
                r = sourced_append(&i->templates, &i->n_templates, t2,
                                   "the template %s renders %s from at every start", s->name, config);
                if (r >= 0)
                        r = sourced_append(&i->templates, &i->n_templates, t3,
                                           "the template %s renders %s from at every start, before config.toml.tmpl, "
                                           "when its containerd is 2.x", s->name, config);
        }
        if (r >= 0)
                r = sourced_append(&i->option_files, &i->n_option_files, s->config_yaml,
                                   "%s's configuration file: its options, data-dir among them", s->name);
        return r;
}

/* One line of MicroK8s's args/containerd with the snap's variables expanded; NULL with *ret_bad
 * naming a variable it does not know. */
static char *microk8s_expand(const char *word, const char **ret_bad) {
        static const struct { const char *name, *value; } vars[] = {
                { "SNAP_DATA", MICROK8S_DATA }, { "SNAP_COMMON", MICROK8S_COMMON }, { "SNAP", MICROK8S_SNAP },
        };
        struct strbuf b = {};

        *ret_bad = NULL;
        for (const char *p = word; *p;) {
                const char *e = NULL;
                size_t k;

                if (*p != '$') {
                        if (strbuf_putc(&b, *p++) < 0)
                                goto oom;
                        continue;
                }
                for (k = 0; k < ELEMENTSOF(vars); k++) {
                        size_t n = strlen(vars[k].name);
                        if (p[1] == '{' && strncmp(p + 2, vars[k].name, n) == 0 && p[2 + n] == '}')
                                e = p + 3 + n;
                        else if (strncmp(p + 1, vars[k].name, n) == 0 && !(isalnum((unsigned char) p[1 + n]) || p[1 + n] == '_'))
                                e = p + 1 + n;
                        if (e)
                                break;
                }
                if (!e) {
                        free(b.s);
                        *ret_bad = p;
                        return NULL;
                }
                if (strbuf_append(&b, vars[k].value, strlen(vars[k].value)) < 0)
                        goto oom;
                p = e;
        }
        return b.s ? b.s : strdup("");
oom:
        free(b.s);
        return NULL;
}

static int microk8s(struct ctx *c, struct unit *u) {
        static const char args_file[] = MICROK8S_DATA "/args/containerd";
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *data = NULL, *what = NULL, *unit = NULL;
        struct containerd_instance *i;
        bool masked;
        size_t len;
        int r;

        if (!u->fragment && !u->masked)
                return 0;
        if (!(unit = strdup(u->name)))
                return -ENOMEM;
        masked = u->masked;
        r = add_instance(c, u, NULL, NULL, &i);
        if (r < 0 || masked)
                return r; /* cppcheck-suppress memleak ; unit is freed by its cleanup */
        i->daemon = true;
        r = sourced_set(&i->binary, MICROK8S_SNAP "/bin/containerd", "MicroK8s's containerd (%s runs it from the "
                        "snap's current revision)", unit);
        if (r >= 0 && !(i->bin_dir = strdup(MICROK8S_SNAP "/bin")))
                r = -ENOMEM;
        if (r >= 0)
                r = add_program(i, MICROK8S_SNAP "/bin", "containerd-shim-runc-v2", "MicroK8s's snap");
        if (r >= 0)
                r = add_program(i, MICROK8S_SNAP "/bin", "runc", "MicroK8s's snap");
        if (r >= 0)
                r = sourced_append(&i->option_files, &i->n_option_files, args_file,
                                   "containerd's options in MicroK8s (--config, --root, --state, --address)");
        if (r >= 0)
                r = sourced_append(&i->templates, &i->n_templates, MICROK8S_DATA "/args/containerd-template.toml",
                                   "the template MicroK8s renders containerd's configuration from at every start");
        if (r < 0)
                return r;
        if (strv_extend(&argv, "containerd") < 0)
                return -ENOMEM;
        /* containerd's --config, --root and --address: only from a file of root's (trust.h); a
         * file others may write is said and not read. */
        r = init_script_trusted(c, args_file);
        if (r > 0)
                r = read_host_file(c, args_file, true, &data, &len);
        if (r == -ENOMEM)
                return r;
        if (r <= 0)
                /* Without it the snap's wrapper passes nothing: containerd's own defaults. */
                return r == 0 ? discovery_add_warning(c->d, args_file, 0, "missing: %s's containerd is read with "
                                                      "containerd's defaults", unit)
                              : 0;
        for (char *l = data, *end; l && *l; l = end ? end + 1 : NULL) {
                _cleanup_strv_free_ char **words = NULL;

                end = strchr(l, '\n');
                if (end)
                        *end = '\0';
                while (*l == ' ' || *l == '\t')
                        l++;
                if (*l == '#' || *l == '\0')
                        continue;
                {
                        /* The wrapper reads it as a bash array, $VARS expanded, then quotes. */
                        const char *bad = NULL;
                        _cleanup_free_ char *x = microk8s_expand(l, &bad);
                        if (!x && bad)
                                return discovery_add_problem(c->d, args_file, 0, "a variable it uses is not one of "
                                                             "the snap's ($SNAP, $SNAP_DATA, $SNAP_COMMON): %s's "
                                                             "containerd is not read", unit);
                        if (!x)
                                return -ENOMEM;
                        r = unit_split_words(x, &words);
                }
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return discovery_add_problem(c->d, args_file, 0, "a line cannot be split into words: %s's "
                                                     "containerd is not read", unit);
                /* words[0] is a placeholder. */
                if (strv_extend_strv(&argv, words + 1) < 0)
                        return -ENOMEM;
        }
        if (asprintf(&what, "%s (MicroK8s's options for containerd)", args_file) < 0)
                return -ENOMEM;
        return containerd_take_args(c, i, argv, args_file, what);
}

int discover_supervisors(struct ctx *c) {
        static const char *const names[] = { "k3s.service", "k3s-agent.service", "rke2-server.service",
                                             "rke2-agent.service", MICROK8S_UNIT, NULL };
        struct unit units[ELEMENTSOF(names) - 1];
        int r;

        /* Their units, which a host without systemd never starts. */
        r = ctx_system_units_load(c, names, units);
        if (r <= 0)
                return r;
        for (size_t k = 0; k < ELEMENTSOF(units) && r >= 0; k++) {
                if (k < 2)
                        r = k3s_like(c, &supervisors[0], &units[k]);
                else if (k < 4)
                        r = k3s_like(c, &supervisors[1], &units[k]);
                else
                        r = microk8s(c, &units[k]);
        }
        for (size_t k = 0; k < ELEMENTSOF(units); k++)
                unit_done(&units[k]);
        return r;
}
