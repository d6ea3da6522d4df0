/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A systemd unit file through unit_file_parse(); every ExecStart= value through exec_split()
 * (with the unit's own Environment= assignments plus a few fixed variables, as discover.c
 * does with EnvironmentFile= variables), every EnvironmentFile= value through
 * environment_file_split(). */
#include <assert.h>
#include <errno.h>

#include "fuzz-common.h"
#include "unitfile.h"
#include "util.h"

static const char * const fixed_env[] = {
        "DOCKER_OPTS=-H fd:// --data-root '/srv/d ocker' \"$X\"",
        "OPTIONS=--selinux-enabled --log-driver=journald",
        "EMPTY=",
        "X=\\",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_copy(data, size);
        struct unit_file u;
        char **env = NULL;
        unsigned line = 0;
        int r;

        r = unit_file_parse(text, size, &u, &line);
        if (r != 0 && r != -EINVAL && r != -E2BIG) {
                free(text);
                return 0;
        }

        for (size_t i = 0; i < ELEMENTSOF(fixed_env); i++)
                if (strv_extend(&env, fixed_env[i]) < 0)
                        abort();
        for (size_t i = 0; i < u.n_entries; i++) {
                const struct unit_entry *e = &u.entries[i];

                assert(e->section && e->key && e->value);
                if (streq(e->key, "Environment") && strchr(e->value, '=') && e->value[0] != '=')
                        if (strv_extend(&env, e->value) < 0)
                                abort();
        }

        for (size_t i = 0; i < u.n_entries; i++) {
                const struct unit_entry *e = &u.entries[i];

                if (streq(e->key, "ExecStart") || streq(e->key, "ExecStartPre")) {
                        char **argv = NULL;

                        if (exec_split(e->value, env, &argv) >= 0) {
                                assert(argv);
                                strv_free(argv);
                        }
                        argv = NULL;
                        if (exec_split(e->value, NULL, &argv) >= 0)
                                strv_free(argv);
                } else if (streq(e->key, "EnvironmentFile")) {
                        char *path = NULL;
                        int optional = 0;

                        if (environment_file_split(e->value, &path, &optional) >= 0) {
                                assert(path && path[0] == '/');
                                free(path);
                        }
                }
        }

        strv_free(env);
        unit_file_done(&u);
        free(text);
        return 0;
}
