/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: binaries in the usual directories. Sets up where programs are looked for (the
 * daemon's own directory first, then the snap's, then the usual ones) and, when no other source
 * named dockerd's binary, takes the snap's or the first one found there, run with its defaults
 * (unless other units run dockerd: then the binary is theirs). */
#include <errno.h>

#include "discovery-base.h"
#include "util.h"

static const char *const default_bin_dirs[] = {
        "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/usr/libexec/docker",
        "/bin", "/sbin",
};

/* Skip directories that resolve to one already listed (merged /usr). */
static int add_bin_dir(struct ctx *c, const char *dir) {
        struct resolved res = {};

        if (root_resolve(c->root, dir, false, &res) < 0 || res.state != PATH_EXISTS || !res.is_dir) {
                resolved_done(&res);
                return 0;
        }
        for (char **d = c->bin_dirs; d && *d; d++) {
                struct resolved o = {};
                bool same = false;
                if (root_resolve(c->root, *d, false, &o) >= 0)
                        same = streq(o.path, res.path);
                resolved_done(&o);
                if (same) {
                        resolved_done(&res);
                        return 0;
                }
        }
        resolved_done(&res);
        return strv_extend(&c->bin_dirs, dir);
}

static int add_binary_dir(struct ctx *c, const struct dockerd_instance *i) {
        _cleanup_free_ char *dir = NULL;

        if (!i || !i->binary.value || i->binary.value[0] != '/')
                return 0;
        dir = path_parent(i->binary.value);
        return dir ? add_bin_dir(c, dir) : -ENOMEM;
}

static int setup_bin_dirs(struct ctx *c, const struct dockerd_instance *i) {
        int r;

        /* The main daemon's directory first, then the other instances'. */
        if ((r = add_binary_dir(c, i)) < 0)
                return r;
        for (size_t k = 0; k < c->d->n_dockerds; k++)
                if ((r = add_binary_dir(c, &c->d->dockerds[k])) < 0)
                        return r;
        if (i && i->snap_bin && (r = add_bin_dir(c, i->snap_bin)) < 0)
                return r;
        for (size_t k = 0; k < ELEMENTSOF(default_bin_dirs); k++)
                if ((r = add_bin_dir(c, default_bin_dirs[k])) < 0)
                        return r;
        return 0;
}

int discover_defaults(struct ctx *c) {
        struct dockerd_instance *i = NULL;
        _cleanup_free_ char *found = NULL;
        const char *dir = NULL;
        bool other_daemon = false;
        int r;

        for (size_t k = 0; k < c->d->n_dockerds; k++) {
                if (!c->d->dockerds[k].extra && !i)
                        i = &c->d->dockerds[k];
                other_daemon = other_daemon || (c->d->dockerds[k].extra && c->d->dockerds[k].daemon);
        }

        r = setup_bin_dirs(c, i);
        if (r < 0)
                return r;
        if (i && !i->binary.value && i->snap_bin) {
                _cleanup_free_ char *p = path_join(i->snap_bin, "dockerd");
                if (!p)
                        return -ENOMEM;
                return sourced_set(&i->binary, p, "snap docker (" SNAP_DIR ")");
        }
        if (i && i->binary.value)
                return 0;
        /* Other units run the daemons: a dockerd in the binary directories is theirs. */
        if (other_daemon && (!i || !i->daemon))
                return 0;
        found = find_program(c, "dockerd", &dir);
        if (!found)
                found = find_program(c, "dockerd-current", &dir);
        if (!found)
                return 0;
        r = ctx_dockerd(c, SOURCE_DEFAULTS, "dockerd defaults", &i);
        if (r < 0)
                return r;
        i->daemon = true;
        return sourced_set(&i->binary, found, "found in %s", dir);
}
