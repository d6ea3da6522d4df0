/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: OpenRC's /etc/init.d/docker, configured by /etc/conf.d/docker (DOCKERD_BINARY,
 * DOCKER_OPTS), and its other instances: /etc/init.d/docker.NAME (a link to docker, or a script
 * of its own), each an instance of its own. openrc-run sources /etc/conf.d/docker for every
 * docker.NAME (the part of the service name before the first dot), then overlays
 * /etc/conf.d/docker.NAME. Only when no docker.service runs dockerd. Likewise
 * /etc/init.d/containerd (Alpine's: command="${containerd_command:-/usr/bin/containerd}",
 * command_args="${containerd_opts}") with /etc/conf.d/containerd, when no containerd.service
 * runs containerd. */
#include <errno.h>

#include "discovery-base.h"
#include "envfile.h"
#include "util.h"

#define OPENRC_SCRIPT "/etc/init.d/docker"
#define OPENRC_CONF "/etc/conf.d/docker"
#define OPENRC_CONTAINERD_SCRIPT "/etc/init.d/containerd"
#define OPENRC_CONTAINERD_CONF "/etc/conf.d/containerd"

static int read_conf(struct ctx *c, struct dockerd_instance *i) {
        _cleanup_strv_free_ char **vars = NULL, **words = NULL;
        const char *binary, *opts;
        int r;

        /* What they set chooses the daemon's program (an exe!= exemption) and options: only
         * root's files count (init_script_read_env()); the named instance's after the base's. */
        if (i->openrc_conf_base && (r = init_script_read_env(c, i->openrc_conf_base, &vars)) < 0)
                return r;
        if ((r = init_script_read_env(c, i->openrc_conf, &vars)) < 0)
                return r;
        binary = env_get(vars, "DOCKERD_BINARY");
        opts = env_get(vars, "DOCKER_OPTS");
        if (binary && !i->binary.value &&
            (r = sourced_set(&i->binary, binary, "DOCKERD_BINARY in %s", i->openrc_conf)) < 0)
                return r;
        if (opts && unit_split_words(opts, &words) >= 0) {
                _cleanup_free_ char *what = NULL;

                if (asprintf(&what, "DOCKER_OPTS in %s", i->openrc_conf) < 0)
                        return -ENOMEM;
                if (dockerd_args_parse(words, &i->flags) < 0 &&
                    (r = discovery_add_dockerd_args_problems(c->d, i->openrc_conf, "DOCKER_OPTS", &i->flags)) < 0)
                        return r;
                free(i->origin);
                i->origin = TAKE_PTR(what);
        }
        return 0;
}

static bool is_script(struct ctx *c, const char *path) {
        struct resolved res = {};
        bool found = root_resolve(c->root, path, false, &res) >= 0 && res.state == PATH_EXISTS && !res.is_dir;

        resolved_done(&res);
        return found;
}

/* "enabled" when some runlevel (/etc/runlevels/LEVEL/NAME) starts the service, else "disabled". */
static int set_state(struct ctx *c, char **state, const char *script) {
        _cleanup_strv_free_ char **levels = NULL;
        bool enabled = false;

        if (root_list_dir(c->root, "/etc/runlevels", &levels) >= 0)
                for (char **l = levels; *l && !enabled; l++) {
                        _cleanup_free_ char *p = NULL;
                        struct resolved res = {};
                        if (asprintf(&p, "/etc/runlevels/%s/%s", *l, path_basename(script)) < 0)
                                return -ENOMEM;
                        enabled = root_resolve(c->root, p, true, &res) >= 0 && res.state == PATH_EXISTS;
                        resolved_done(&res);
                }
        free(*state);
        *state = strdup(enabled ? "enabled" : "disabled");
        return *state ? 0 : -ENOMEM;
}

static int setup(struct ctx *c, struct dockerd_instance *i, const char *script, const char *conf, const char *base) {
        int r;

        if ((r = set_state(c, &i->state, script)) < 0)
                return r;
        i->daemon = true;
        if (!(i->openrc_script = strdup(script)) || !(i->openrc_conf = strdup(conf)) ||
            (base && !(i->openrc_conf_base = strdup(base))))
                return -ENOMEM;
        r = read_conf(c, i);
        if (r >= 0 && !i->binary.value)
                r = sourced_set(&i->binary, "/usr/bin/dockerd", "default of %s", script);
        return r;
}

/* /etc/init.d/docker.NAME: each an instance of its own. */
static int discover_instances(struct ctx *c) {
        _cleanup_strv_free_ char **names = NULL;
        int r = 0;

        if (root_list_dir(c->root, "/etc/init.d", &names) < 0)
                return 0;
        for (char **n = names; *n && r >= 0; n++) {
                _cleanup_free_ char *script = NULL, *conf = NULL;
                struct dockerd_instance *i;

                if (!startswith(*n, "docker.") || !(*n)[strlen("docker.")])
                        continue;
                if (asprintf(&script, "/etc/init.d/%s", *n) < 0 || asprintf(&conf, "/etc/conf.d/%s", *n) < 0)
                        return -ENOMEM;
                if (!is_script(c, script))
                        continue;
                r = discovery_add_dockerd(c->d, SOURCE_OPENRC, script, &i);
                if (r < 0)
                        return r;
                i->extra = true;
                r = setup(c, i, script, conf, OPENRC_CONF);
        }
        return r;
}

/* /etc/init.d/containerd: the host's containerd, its binary and options from its conf.d file. */
static int discover_containerd_script(struct ctx *c) {
        _cleanup_strv_free_ char **vars = NULL, **words = NULL;
        _cleanup_free_ char *what = NULL;
        struct containerd_instance *i;
        const char *binary, *opts;
        int r;

        if (!is_script(c, OPENRC_CONTAINERD_SCRIPT))
                return 0;
        for (size_t k = 0; k < c->d->n_containerds; k++)
                if (c->d->containerds[k].source == SOURCE_SYSTEMD && c->d->containerds[k].daemon)
                        return 0;
        r = ctx_containerd(c, SOURCE_OPENRC, OPENRC_CONTAINERD_SCRIPT, &i);
        if (r >= 0)
                r = set_state(c, &i->state, OPENRC_CONTAINERD_SCRIPT);
        if (r < 0)
                return r;
        i->daemon = true;
        if (!(i->openrc_script = strdup(OPENRC_CONTAINERD_SCRIPT)) || !(i->openrc_conf = strdup(OPENRC_CONTAINERD_CONF)))
                return -ENOMEM;
        if ((r = init_script_read_env(c, OPENRC_CONTAINERD_CONF, &vars)) < 0)
                return r;
        binary = env_get(vars, "containerd_command");
        if (binary && *binary)
                r = sourced_set(&i->binary, binary, "containerd_command in %s", OPENRC_CONTAINERD_CONF);
        else if (!i->binary.value)
                r = sourced_set(&i->binary, "/usr/bin/containerd", "default of %s", OPENRC_CONTAINERD_SCRIPT);
        opts = env_get(vars, "containerd_opts");
        /* unit_split_words() puts a stand-in program first, as argv[0] */
        if (r < 0 || !opts || unit_split_words(opts, &words) < 0)
                return r;
        if (asprintf(&what, "containerd_opts in %s", OPENRC_CONTAINERD_CONF) < 0)
                return -ENOMEM;
        return containerd_take_args(c, i, words, OPENRC_CONTAINERD_CONF, what);
}

int discover_openrc(struct ctx *c) {
        struct dockerd_instance *i;
        int r;

        r = discover_containerd_script(c);
        if (r < 0)
                return r;
        if (c->docker_service)
                return 0;
        /* A SysV script (discover-sysv.c) is not OpenRC's. */
        for (size_t k = 0; k < c->d->n_dockerds; k++)
                if (c->d->dockerds[k].source == SOURCE_SYSV && !c->d->dockerds[k].extra)
                        return discover_instances(c);
        if (is_script(c, OPENRC_SCRIPT)) {
                r = ctx_dockerd(c, SOURCE_OPENRC, OPENRC_SCRIPT, &i);
                if (r < 0)
                        return r;
                r = setup(c, i, OPENRC_SCRIPT, OPENRC_CONF, NULL);
                if (r < 0)
                        return r;
        }
        return discover_instances(c);
}
