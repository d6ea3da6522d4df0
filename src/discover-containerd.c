/* SPDX-License-Identifier: GPL-2.0-or-later */
/* containerd: a containerd found only as a binary in the usual directories, and for every
 * containerd its config.toml (the unit's --config, else the default) with the state directory
 * and gRPC socket it names. */
#include <errno.h>

#include "discover.h"
#include "util.h"

static const char *const containerd_names[] = { "containerd", "docker-containerd", "docker-containerd-current", NULL };

static int read_containerd_config(struct ctx *c, const char *path, struct containerd_config *ret) {
        _cleanup_free_ char *data = NULL;
        const char *msg = NULL;
        unsigned line = 0;
        size_t len = 0;
        int r;

        r = read_host_file(c, path, true, &data, &len);
        if (r <= 0)
                return r == -ENOMEM ? r : 0;
        r = containerd_toml_parse(data, len, ret, &line, &msg);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                discovery_add_problem(c->d, path, line, "%s", msg ? msg : "malformed TOML");
        return 0;
}

/* No unit and no process: a binary in the binary directories is a containerd with defaults. */
static int find_binary(struct ctx *c) {
        for (size_t k = 0; k < c->d->n_containerds; k++)
                if (c->d->containerds[k].daemon)
                        return 0;
        for (const char *const *n = containerd_names; *n; n++) {
                const char *dir = NULL;
                _cleanup_free_ char *p = find_program(c, *n, &dir);
                struct containerd_instance *i;
                int r;

                if (!p)
                        continue;
                r = ctx_containerd(c, SOURCE_DEFAULTS, "containerd", &i);
                if (r < 0)
                        return r;
                i->daemon = true;
                return i->binary.value ? 0 : sourced_set(&i->binary, p, "found in %s", dir);
        }
        return 0;
}

static int settle(struct ctx *c, struct containerd_instance *i) {
        _cleanup_free_ char *resolved = NULL;
        int r = 0;

        if (!i->config_file.value)
                r = sourced_set(&i->config_file, DEFAULT_CONTAINERD_CONFIG, "containerd's default configuration file");
        if (r >= 0)
                r = path_usable(c, i->config_file.value, &resolved);
        if (r > 0)
                r = read_containerd_config(c, resolved, &i->config);
        if (r < 0)
                return r;
        if (i->config.state)
                r = sourced_set(&i->state_dir, i->config.state, "state in containerd's config.toml");
        else
                r = sourced_set(&i->state_dir, DEFAULT_CONTAINERD_STATE, "containerd's default state directory");
        if (r < 0)
                return r;
        if (i->config.grpc_address)
                return sourced_set(&i->grpc_address, i->config.grpc_address, "[grpc] address in containerd's config.toml");
        return sourced_set(&i->grpc_address, DEFAULT_CONTAINERD_SOCK, "containerd's default socket");
}

int discover_containerd(struct ctx *c) {
        int r = find_binary(c);

        for (size_t k = 0; k < c->d->n_containerds && r >= 0; k++)
                if (c->d->containerds[k].daemon)
                        r = settle(c, &c->d->containerds[k]);
        return r;
}
