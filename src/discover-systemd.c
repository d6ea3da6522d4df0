/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: systemd units. docker.service (with docker.socket and the snap's service) is a dockerd
 * instance, containerd.service a containerd instance; their ExecStart= names binary and options.
 * Every other system service whose effective ExecStart= runs dockerd or containerd is an
 * instance of its own (docker-cluster1.service, the enabled instances of docker@.service), with
 * its NAME.socket. */
#include <errno.h>

#include "discovery-base.h"
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

        r = unit_exec_argv(c->root, u, &c->d->problems, &argv, &src);
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

/* containerd.service's ExecStart=: the binary and its options (--config, --root, --state, --address). */
static int containerd_from_unit(struct ctx *c, struct containerd_instance *i, const struct unit *u) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *what = NULL;
        const char *src = NULL;
        int r;

        r = unit_exec_argv(c->root, u, &c->d->problems, &argv, &src);
        if (r <= 0)
                return r;
        if (argv[0][0] == '/' && (r = sourced_set(&i->binary, argv[0], "ExecStart of %s (%s)", u->name, src)) < 0)
                return r;
        if (asprintf(&what, "ExecStart of %s (%s)", u->name, src) < 0)
                return -ENOMEM;
        return containerd_take_args(c, i, argv, src, what);
}

/* Enabled (the service or its socket pulled in at boot), disabled or masked. 0 or -ENOMEM. */
static int set_state(struct ctx *c, char **state, const struct unit *service, const struct unit *socket) {
        bool wanted = false, socket_wanted = false;
        int r;

        if (!service->fragment && !service->masked)
                return 0;
        r = unit_wanted(c->root, NULL, service->name, &wanted);
        if (r >= 0 && socket && unit_present(socket))
                r = unit_wanted(c->root, NULL, socket->name, &socket_wanted);
        if (r < 0)
                return r;
        free(*state);
        *state = strdup(unit_state_name(service->masked ? UNIT_MASKED : wanted || socket_wanted ? UNIT_ENABLED
                                                                                              : UNIT_DISABLED));
        return *state ? 0 : -ENOMEM;
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
        r = set_state(c, &i->state, &units[U_DOCKER], &units[U_SOCKET]);
        if (r < 0)
                return r;
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
        if (r >= 0)
                r = set_state(c, &i->state, u, NULL);
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

/* A unit of its own that runs a daemon of this kind (its socket with it, for dockerd), as an
 * instance of its own. 0 or -ENOMEM. */
static int add_extra(struct ctx *c, enum daemon_kind kind, struct unit *service, struct unit *socket,
                     const char *state) {
        struct instance *h;
        int r;

        r = discovery_add_instance(c->d, kind, SOURCE_SYSTEMD, service->name, &h);
        if (r < 0)
                return r;
        h->extra = true;
        if (state && !(h->state = strdup(state)))
                return -ENOMEM;
        if (service->fragment) {
                h->daemon = true;
                r = kind == DAEMON_DOCKERD ? dockerd_from_unit(c, (struct dockerd_instance *) h, service)
                                           : containerd_from_unit(c, (struct containerd_instance *) h, service);
                if (r < 0)
                        return r;
        }
        r = units_move(&h->units, &h->n_units, service);
        if (r >= 0 && socket && unit_present(socket))
                r = units_move(&h->units, &h->n_units, socket);
        return r;
}

/* The other units that run a daemon (unit_scan()), loaded as systemd has them, each an instance. */
static int discover_extra(struct ctx *c) {
        _cleanup_(unit_scan_done) struct unit_scan scan = {};
        _cleanup_free_ const char **names = NULL;
        _cleanup_free_ struct unit *units = NULL;
        size_t n = 0;
        int r;

        r = unit_scan(c->root, NULL, NULL, &c->d->problems, &scan);
        if (r < 0 || scan.n == 0)
                return r;
        /* Each service and its socket, in that order. */
        names = calloc(2 * scan.n + 1, sizeof(char *));
        units = calloc(2 * scan.n + 1, sizeof(struct unit));
        if (!names || !units)
                return -ENOMEM;
        for (size_t k = 0; k < scan.n; k++) {
                names[n++] = scan.items[k].service;
                names[n++] = scan.items[k].socket;
        }
        r = units_load(c->root, names, &c->d->problems, units);
        if (r < 0)
                return r;
        for (size_t k = 0; k < scan.n && r >= 0; k++) {
                struct unit *svc = &units[2 * k], *sock = &units[2 * k + 1];
                const char *state = unit_state_name(scan.items[k].state);

                if (svc->masked && !svc->masked_by && scan.items[k].masked_by &&
                    !(svc->masked_by = strdup(scan.items[k].masked_by)))
                        r = -ENOMEM;
                else if (scan.items[k].kind == UNIT_RUNS_DOCKERD)
                        r = add_extra(c, DAEMON_DOCKERD, svc, sock, state);
                else
                        r = add_extra(c, DAEMON_CONTAINERD, svc, NULL, state);
        }
        for (size_t k = 0; k < n; k++)
                unit_done(&units[k]);
        return r;
}

int discover_systemd(struct ctx *c) {
        static const char *const names[] = { "docker.service", "docker.socket", "containerd.service",
                                             "snap.docker.dockerd.service", NULL };
        struct unit units[_U_MAX];
        int r;

        /* The init system decides which units are read: without systemd, none runs. */
        r = ctx_system_units_load(c, names, units);
        if (r <= 0)
                return r;
        r = add_dockerd(c, units);
        if (r >= 0)
                r = add_containerd(c, &units[U_CONTAINERD]);
        for (unsigned k = 0; k < _U_MAX; k++)
                unit_done(&units[k]);
        if (r >= 0)
                r = discover_extra(c);
        return r;
}
