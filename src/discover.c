/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Discovery's top floor: from a host tree to the list of paths Docker really uses there, each
 * with the evidence that named it. Nothing discovered is ever executed; every file is read inside
 * the root, bounded. discover() alone lives here: it runs the sources (discover-*.c) that build
 * the daemon instances, settles their configuration (dockerd-config.c, discover-containerd.c),
 * and has targets.c turn them into targets. Everything it calls sits on a lower floor. */
#include <errno.h>
#include <stdarg.h>

#include "discovery-base.h"
#include "util.h"

int discover(const struct root *root, const struct discovery_options *opts, struct discovery *ret) {
        struct discovery d = { .cis_paths = !opts || opts->cis_paths, .problems.once = true };
        struct ctx c = { .root = root, .opts = opts, .d = &d };
        int r;

        c.bin_dirs = calloc(1, sizeof(char *));
        if (!c.bin_dirs)
                return -ENOMEM;
        /* The sources, strongest first: each adds to the instances the earlier ones found. */
        r = discover_systemd(&c);
        if (r >= 0)
                r = discover_snap(&c);
        if (r >= 0)
                r = discover_sysv(&c);
        if (r >= 0)
                r = discover_openrc(&c);
        if (r >= 0)
                r = discover_runit(&c);
        /* Before the processes: a supervisor's running containerd is its instance's. */
        if (r >= 0)
                r = discover_supervisors(&c);
        if (r >= 0)
                r = discover_proc(&c);
        if (r >= 0)
                r = discover_defaults(&c);
        if (r >= 0)
                r = discover_rootless(&c);
        /* What each binary really is, when a script stands for it. */
        if (r >= 0)
                r = discover_wrappers(&c);
        /* Their effective configuration. */
        for (size_t i = 0; r >= 0 && i < d.n_dockerds; i++)
                r = dockerd_config_resolve(&c, &d.dockerds[i]);
        if (r >= 0)
                r = discover_containerd(&c);
        if (r >= 0)
                r = targets_from_instances(&c);
        strv_free(c.bin_dirs);
        free(c.instance);
        if (r < 0) {
                discovery_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}
