/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container runtimes as containerd resolves them: a runtime type names a shim binary, a
 * runc-type runtime's options.BinaryName the runc-compatible program the shim runs. Read from
 * daemon.json's "runtimes" and from containerd's CRI runtimes in config.toml. */
#include <errno.h>

#include "discovery-base.h"
#include "runtimes.h"
#include "util.h"

int runtime_shim_binary(const char *runtime_type, char **ret) {
        const char *last, *prev;
        size_t n;

        *ret = NULL;
        if (!runtime_type || !*runtime_type)
                return -EINVAL;
        if (runtime_type[0] == '/') {
                *ret = strdup(runtime_type);
                return *ret ? 0 : -ENOMEM;
        }
        /* "io.containerd.NAME.VERSION": the last two dot-separated parts. */
        last = strrchr(runtime_type, '.');
        if (!last || !last[1] || last == runtime_type)
                return -EINVAL;
        for (prev = last - 1; prev > runtime_type && *prev != '.'; prev--)
                ;
        if (*prev == '.')
                prev++;
        n = (size_t) (last - prev);
        if (n == 0 || strchr(last + 1, '/') || memchr(prev, '/', n))
                return -EINVAL;
        if (asprintf(ret, "containerd-shim-%.*s-%s", (int) n, prev, last + 1) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

/* A program the runtime names: absolute as it is, else looked up in the binary directories
 * (containerd's PATH, then its own directory, which the binary directories start with). */
static int add_program(struct ctx *c, const char *program, struct sourced **list, size_t *n, const char *rt,
                       const char *what, const char *where) {
        _cleanup_free_ char *found = NULL;
        const char *dir = NULL;

        if (program[0] == '/')
                return sourced_append(list, n, program, "runtime %s (%s in %s)", rt, what, where);
        found = find_program(c, program, &dir);
        if (!found)
                return discovery_add_problem(c->d, NULL, 0, "runtime %s (%s in %s) names %s, which is not in any "
                                             "binary directory", rt, what, where, program);
        return sourced_append(list, n, found, "runtime %s (%s in %s), %s found in %s", rt, what, where, program, dir);
}

int runtime_resolve(struct ctx *c, const char *name, const char *runtime_type, const char *binary_name,
                    const char *where, struct sourced **list, size_t *n) {
        _cleanup_free_ char *shim = NULL, *what = NULL;
        int r;

        if (runtime_type) {
                r = runtime_shim_binary(runtime_type, &shim);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        r = discovery_add_problem(c->d, NULL, 0, "runtime %s in %s: runtime type \"%s\" names no "
                                                  "shim (io.containerd.NAME.VERSION or an absolute path)",
                                                  name, where, runtime_type);
                else {
                        if (asprintf(&what, "runtime type %s", runtime_type) < 0)
                                return -ENOMEM;
                        r = add_program(c, shim, list, n, name, what, where);
                }
                if (r < 0)
                        return r;
        }
        if (binary_name && *binary_name)
                return add_program(c, binary_name, list, n, name, "options.BinaryName", where);
        return 0;
}

int runtimes_dockerd(struct ctx *c, struct dockerd_instance *i) {
        int r = 0;

        for (size_t k = 0; k < i->config.n_runtime_list && r >= 0; k++) {
                const struct daemon_runtime *rt = &i->config.runtime_list[k];
                r = runtime_resolve(c, rt->name, rt->runtime_type, rt->binary_name, i->config_file.value,
                                    &i->runtimes, &i->n_runtimes);
        }
        return r;
}

int runtimes_containerd(struct ctx *c, struct containerd_instance *i) {
        int r = 0;

        for (size_t k = 0; k < i->config.n_runtimes && r >= 0; k++) {
                const struct containerd_runtime *rt = &i->config.runtimes[k];
                _cleanup_free_ char *where = NULL;

                if (asprintf(&where, "%s [plugins.\"%s\"]", strempty(i->config_file.value),
                             containerd_cri_to_string(rt->plugin)) < 0)
                        return -ENOMEM;
                r = runtime_resolve(c, rt->name, rt->runtime_type, rt->binary_name, where, &i->runtimes,
                                    &i->n_runtimes);
        }
        return r;
}
