/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: systemd units. docker.service (with docker.socket and the snap's service) is a dockerd
 * instance, containerd.service a containerd instance; their ExecStart= names binary and options. */
#include <errno.h>

#include "discover.h"
#include "unitfile.h"
#include "util.h"

enum { U_DOCKER, U_SOCKET, U_CONTAINERD, U_SNAP, _U_MAX };

static bool unit_present(const struct unit *u) {
        return u->fragment || u->dropins || u->masked;
}

static int units_move(struct unit **list, size_t *n, struct unit *u) {
        struct unit *a = realloc(*list, sizeof(*a) * (*n + 1));

        if (!a)
                return -ENOMEM;
        *list = a;
        a[(*n)++] = *u;
        *u = (struct unit) {};
        return 0;
}

/* docker.service's ExecStart=: the binary (when it is a dockerd) and the options. */
static int dockerd_from_unit(struct ctx *c, struct dockerd_instance *i, const struct unit *u) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *found = NULL;
        const char *src = NULL, *prog;
        int r;

        r = unit_exec_argv(c->root, u, c->d, &argv, &src);
        if (r <= 0)
                return r;
        prog = argv[0];
        if (prog[0] != '/') {
                found = find_program(c, prog, NULL);
                prog = found;
        }
        if (prog && strstr(path_basename(prog), "dockerd") &&
            (r = sourced_set(&i->binary, prog, "ExecStart of %s (%s)", u->name, src)) < 0)
                return r;
        free(i->origin);
        if (asprintf(&i->origin, "%s ExecStart", u->name) < 0) {
                i->origin = NULL;
                return -ENOMEM;
        }
        if (dockerd_args_parse(argv, &i->flags) < 0) {
                _cleanup_free_ char *what = NULL;
                if (asprintf(&what, "%s ExecStart", u->name) < 0)
                        return -ENOMEM;
                r = discovery_add_dockerd_args_problems(c->d, src, what, &i->flags);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* containerd.service's ExecStart=: the binary and its --config. */
static int containerd_from_unit(struct ctx *c, struct containerd_instance *i, const struct unit *u) {
        _cleanup_strv_free_ char **argv = NULL;
        const char *src = NULL;
        int r;

        r = unit_exec_argv(c->root, u, c->d, &argv, &src);
        if (r <= 0)
                return r;
        if (argv[0][0] == '/' && (r = sourced_set(&i->binary, argv[0], "ExecStart of %s (%s)", u->name, src)) < 0)
                return r;
        for (char **a = argv + 1; *a; a++) {
                const char *v = NULL;
                if ((streq(*a, "--config") || streq(*a, "-c")) && a[1])
                        v = *++a;
                else if (startswith(*a, "--config="))
                        v = *a + strlen("--config=");
                if (v && (r = sourced_set(&i->config_file, v, "--config of %s (%s)", u->name, src)) < 0)
                        return r;
        }
        return 0;
}

static int add_dockerd(struct ctx *c, struct unit *units) {
        struct dockerd_instance *i;
        int r;

        if (!unit_present(&units[U_DOCKER]) && !unit_present(&units[U_SOCKET]) && !unit_present(&units[U_SNAP]))
                return 0;
        r = ctx_dockerd(c, unit_present(&units[U_DOCKER]) || unit_present(&units[U_SOCKET]) ? SOURCE_SYSTEMD
                                                                                            : SOURCE_SNAP,
                        unit_present(&units[U_DOCKER]) || unit_present(&units[U_SOCKET]) ? "docker.service"
                                                                                         : units[U_SNAP].name,
                        &i);
        if (r < 0)
                return r;
        c->docker_service = units[U_DOCKER].fragment != NULL;
        if (c->docker_service) {
                i->daemon = true;
                r = dockerd_from_unit(c, i, &units[U_DOCKER]);
                if (r < 0)
                        return r;
        }
        for (unsigned k = U_DOCKER; k < _U_MAX; k++)
                if (k != U_CONTAINERD && (r = units_move(&i->units, &i->n_units, &units[k])) < 0)
                        return r;
        return 0;
}

static int add_containerd(struct ctx *c, struct unit *u) {
        struct containerd_instance *i;
        int r;

        if (!unit_present(u))
                return 0;
        r = ctx_containerd(c, SOURCE_SYSTEMD, u->name, &i);
        if (r < 0)
                return r;
        if (u->fragment) {
                i->daemon = true;
                r = containerd_from_unit(c, i, u);
                if (r < 0)
                        return r;
        }
        return units_move(&i->units, &i->n_units, u);
}

int discover_systemd(struct ctx *c) {
        static const char *const names[] = { "docker.service", "docker.socket", "containerd.service",
                                             "snap.docker.dockerd.service", NULL };
        struct unit units[_U_MAX];
        int r;

        r = units_load(c->root, names, c->d, units);
        if (r < 0)
                return r;
        r = add_dockerd(c, units);
        if (r >= 0)
                r = add_containerd(c, &units[U_CONTAINERD]);
        for (unsigned k = 0; k < _U_MAX; k++)
                unit_done(&units[k]);
        return r;
}
