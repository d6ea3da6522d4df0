/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: OpenRC's /etc/init.d/docker, configured by /etc/conf.d/docker (DOCKERD_BINARY,
 * DOCKER_OPTS). Only when no docker.service runs dockerd. */
#include <errno.h>

#include "discover.h"
#include "envfile.h"
#include "util.h"

#define OPENRC_SCRIPT "/etc/init.d/docker"
#define OPENRC_CONF "/etc/conf.d/docker"

static int read_conf(struct ctx *c, struct dockerd_instance *i) {
        _cleanup_free_ char *data = NULL;
        _cleanup_strv_free_ char **vars = NULL, **words = NULL;
        unsigned line = 0;
        size_t len = 0;
        int r;

        if (read_host_file(c, OPENRC_CONF, true, &data, &len) <= 0)
                return 0;
        /* OpenRC's service script sources it with /bin/sh. */
        r = envfile_parse_shell(data, len, NULL, &vars, &line);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                discovery_add_problem(c->d, OPENRC_CONF, line, "%s", envfile_error(r));
        if (env_get(vars, "DOCKERD_BINARY") && !i->binary.value &&
            (r = sourced_set(&i->binary, env_get(vars, "DOCKERD_BINARY"), "DOCKERD_BINARY in " OPENRC_CONF)) < 0)
                return r;
        if (env_get(vars, "DOCKER_OPTS") && split_words(env_get(vars, "DOCKER_OPTS"), &words) >= 0) {
                if (dockerd_args_parse(words, &i->flags) < 0 &&
                    (r = discovery_add_dockerd_args_problems(c->d, OPENRC_CONF, "DOCKER_OPTS", &i->flags)) < 0)
                        return r;
                free(i->origin);
                i->origin = strdup("DOCKER_OPTS in " OPENRC_CONF);
                if (!i->origin)
                        return -ENOMEM;
        }
        return 0;
}

int discover_openrc(struct ctx *c) {
        struct dockerd_instance *i;
        struct resolved res = {};
        bool found;
        int r;

        if (c->docker_service)
                return 0;
        found = root_resolve(c->root, OPENRC_SCRIPT, false, &res) >= 0 && res.state == PATH_EXISTS && !res.is_dir;
        resolved_done(&res);
        if (!found)
                return 0;
        r = ctx_dockerd(c, SOURCE_OPENRC, OPENRC_SCRIPT, &i);
        if (r < 0)
                return r;
        i->daemon = true;
        if (!(i->openrc_script = strdup(OPENRC_SCRIPT)) || !(i->openrc_conf = strdup(OPENRC_CONF)))
                return -ENOMEM;
        r = read_conf(c, i);
        if (r >= 0 && !i->binary.value)
                r = sourced_set(&i->binary, "/usr/bin/dockerd", "default of " OPENRC_SCRIPT);
        return r;
}
