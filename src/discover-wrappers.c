/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Wrappers: a daemon's binary as a unit, run script or init script names it may be a shell
 * script that exec's the real program (NixOS: /nix/store/...-docker/bin/dockerd, written by
 * makeWrapper, exec's .../libexec/docker/.dockerd-wrapped; a distribution's wrapper). The kernel
 * reports the real program as the process's exe, so that is the binary: it is watched and named
 * by every exe!= filter; the wrapper is watched too, and the directories its PATH adds (where
 * NixOS's dockerd finds containerd and runc) are searched for Docker's programs. A wrapper is
 * read as text, bounded (WRAPPER_MAX_SIZE), only when it is root's (trust_roots()): what it names
 * becomes an exemption. Nothing is run, and no directory is watched recursively for it. */
#include <errno.h>
#include <sys/stat.h>

#include "discovery-base.h"
#include "trust.h"
#include "util.h"
#include "wrapper.h"

/* Wrappers of wrappers, at most. */
#define WRAPPER_DEPTH 4

/* 1 with what the wrapper at path runs and its PATH directories, 0 when path is no wrapper (or
 * not root's, or not a small regular file), -ENOMEM. */
static int read_wrapper(struct ctx *c, const char *path, char **ret_program, char ***ret_dirs) {
        _cleanup_free_ char *real = NULL, *data = NULL;
        struct resolved res = {};
        struct stat st;
        size_t len = 0;
        bool ok;
        int r;

        if (root_resolve(c->root, path, false, &res) < 0)
                return 0;
        ok = res.state == PATH_EXISTS && S_ISREG(res.mode) && trust_roots(&res);
        real = ok ? root_real(c->root, res.path) : NULL;
        resolved_done(&res);
        if (!ok)
                return 0;
        if (!real)
                return -ENOMEM;
        /* A program's binary is not read: only a file small enough to be a script. */
        if (stat(real, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > WRAPPER_MAX_SIZE)
                return 0;
        r = root_read_file(c->root, path, &data, &len);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        return wrapper_parse(data, len, ret_program, ret_dirs);
}

/* A wrapper's PATH directories join the binary directories only when they are root's (trust.h):
 * a program found in a directory a user may write would be theirs to choose. */
static int add_dirs(struct ctx *c, char **dirs) {
        for (char **d = dirs; d && *d; d++) {
                struct resolved res = {};
                bool roots;
                int r;

                if (strv_contains(c->bin_dirs, *d) || !root_is_dir(c->root, *d))
                        continue;
                roots = root_resolve(c->root, *d, false, &res) >= 0 && trust_roots(&res);
                resolved_done(&res);
                if (!roots) {
                        _cleanup_free_ char *mend = root_mend_commands(c->root, *d);

                        if (!mend || discovery_add_problem(c->d, *d, 0, "a wrapper's PATH names it, but it is not "
                                                           "root's, or others may write it: no program is looked "
                                                           "for there; to look there, make it and each directory "
                                                           "on its way root's and writable by no one else (%s)",
                                                           mend) < 0)
                                return -ENOMEM;
                        continue;
                }
                if ((r = strv_extend(&c->bin_dirs, *d)) < 0)
                        return r;
        }
        return 0;
}

static int unwrap(struct ctx *c, struct instance *h) {
        for (unsigned depth = 0; depth < WRAPPER_DEPTH; depth++) {
                _cleanup_free_ char *program = NULL;
                _cleanup_strv_free_ char **dirs = NULL;
                struct sourced old;
                int r;

                if (!h->binary.value || h->binary.value[0] != '/')
                        return 0;
                r = read_wrapper(c, h->binary.value, &program, &dirs);
                if (r <= 0)
                        return r;
                if (streq(program, h->binary.value))
                        return 0;
                if ((r = sourced_append(&h->wrappers, &h->n_wrappers, h->binary.value, "wrapper script (%s)",
                                        strempty(h->binary.evidence))) < 0 ||
                    (r = add_dirs(c, dirs)) < 0)
                        return r;
                old = h->binary;
                h->binary = (struct sourced) {};
                r = sourced_set(&h->binary, program, "exec'd by the wrapper %s", old.value);
                sourced_done(&old);
                if (r < 0)
                        return r;
        }
        return 0;
}

int discover_wrappers(struct ctx *c) {
        for (enum daemon_kind kind = 0; kind < _DAEMON_MAX; kind++)
                for (size_t k = 0; k < discovery_n_instances(c->d, kind); k++) {
                        int r = unwrap(c, discovery_instance(c->d, kind, k));
                        if (r < 0)
                                return r;
                }
        return 0;
}
