/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: runit's services, as Void Linux ships them: /etc/sv/docker/run, a shell script that
 * sources ./conf (OPTS=...) and ends `exec chpst ... dockerd $OPTS 2>&1`, and /etc/sv/containerd/run
 * likewise; a service is enabled by a link in /var/service (Void) or in the default runsvdir
 * (/etc/runit/runsvdir/default, Artix and others). Only when no systemd unit runs the daemon.
 * The run script is read as text, never run. Source: runsv(8), runsvdir(8), Void's srcpkgs/moby
 * and srcpkgs/containerd files/, the Void Handbook's "Services and Daemons - runit". */
#include <errno.h>

#include "discovery-base.h"
#include "util.h"
#include "wrapper.h"

/* Where runsv looks a service's program up: runit's stage 2 sets PATH to these (Void's
 * /etc/runit/2: PATH=/usr/bin:/usr/sbin), the rest as a shell's default would find them. */
static const char *const runit_path[] = { "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin",
                                          "/bin", "/sbin", NULL };

static bool link_exists(struct ctx *c, const char *path) {
        struct resolved res = {};
        bool found = root_resolve(c->root, path, true, &res) >= 0 && res.state == PATH_EXISTS;

        resolved_done(&res);
        return found;
}

static int service(struct ctx *c, enum daemon_kind kind, const char *name) {
        _cleanup_free_ char *dir = NULL, *run = NULL, *conf = NULL, *data = NULL, *what = NULL, *on1 = NULL,
                            *on2 = NULL;
        _cleanup_strv_free_ char **vars = NULL, **argv = NULL;
        const char *program = daemon_kind_name(kind);
        struct instance *h;
        bool enabled;
        size_t len = 0;
        int r;

        if (asprintf(&dir, "/etc/sv/%s", name) < 0 || asprintf(&run, "%s/run", dir) < 0 ||
            asprintf(&conf, "%s/conf", dir) < 0 || asprintf(&on1, "/var/service/%s", name) < 0 ||
            asprintf(&on2, "/etc/runit/runsvdir/default/%s", name) < 0)
                return -ENOMEM;
        if (!is_regular_exists(c, run, NULL))
                return 0;
        /* systemd's unit (or another source's daemon), when there is one, is what runs it. */
        for (size_t k = 0; k < discovery_n_instances(c->d, kind); k++) {
                const struct instance *o = discovery_instance(c->d, kind, k);
                if (o->daemon && !o->extra)
                        return 0;
        }
        r = ctx_instance(c, kind, SOURCE_RUNIT, dir, &h);
        if (r < 0)
                return r;
        enabled = link_exists(c, on1) || link_exists(c, on2);
        h->daemon = true;
        free(h->state);
        if (!(h->state = strdup(enabled ? "enabled" : "disabled")))
                return -ENOMEM;
        if ((r = sourced_append(&h->init_files, &h->n_init_files, run, "runit run script of %s", name)) < 0 ||
            (r = sourced_append(&h->init_files, &h->n_init_files, conf, "read by %s", run)) < 0)
                return r;
        /* run sources ./conf first: its variables expand the exec line. */
        if ((r = init_script_read_env(c, conf, &vars)) < 0)
                return r;
        if ((r = init_script_trusted(c, run)) <= 0)
                return r;
        r = read_host_file(c, run, false, &data, &len);
        if (r == -ENOMEM)
                return r;
        if (r > 0 && (r = script_exec_argv(data, len, vars, program, &argv)) < 0)
                return r;
        if (r <= 0) {
                r = discovery_add_problem(c->d, run, 0, "no line exec's %s: its options are not known", program);
                return r < 0 ? r : 0;
        }
        if ((r = init_script_program(c, h, argv[0], run, runit_path)) < 0)
                return r;
        if (asprintf(&what, "exec line of %s", run) < 0)
                return -ENOMEM;
        return init_script_options(c, h, argv, run, what);
}

int discover_runit(struct ctx *c) {
        int r = service(c, DAEMON_CONTAINERD, "containerd");
        return r < 0 ? r : service(c, DAEMON_DOCKERD, "docker");
}
