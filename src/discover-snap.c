/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: the docker snap. Its binaries are in /snap/docker/current/bin, its data below
 * /var/snap/docker (dockerd-config.c knows its daemon.json and data root). */
#include <errno.h>

#include "discovery-base.h"
#include "util.h"

int discover_snap(struct ctx *c) {
        struct dockerd_instance *i;
        struct resolved res = {};
        int r;

        if (root_resolve(c->root, SNAP_DIR "/bin", false, &res) < 0 || res.state != PATH_EXISTS || !res.is_dir) {
                resolved_done(&res);
                return 0;
        }
        r = ctx_dockerd(c, SOURCE_SNAP, "snap docker", &i);
        if (r >= 0) {
                i->daemon = true;
                free(i->snap_bin);
                i->snap_bin = TAKE_PTR(res.path);
        }
        resolved_done(&res);
        return r;
}
