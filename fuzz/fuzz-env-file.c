/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An EnvironmentFile= (envfile_load(), systemd's grammar) and an OpenRC conf.d file
 * (envfile_parse_shell()), alone and with a base environment; the result is looked up with
 * env_get() and changed with env_set(). Then what discover.c does with the variables: every one
 * is used as "$VAR" on a dockerd command line (exec_split()) and the words go through
 * dockerd_args_parse(). */
#include <assert.h>
#include <errno.h>

#include "dockerd_args.h"
#include "envfile.h"
#include "fuzz-common.h"
#include "unitfile.h"
#include "util.h"

static char *base[] = {
        (char *) "HOME=/root",
        (char *) "OPTIONS=--selinux-enabled",
        (char *) "DOCKER_OPTS=",
        NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_copy(data, size);

        for (int pass = 0; pass < 4; pass++) {
                char **env = NULL;
                unsigned line = 0;
                int r;

                if (pass < 2) {
                        struct envfile_warnings w = {};

                        r = envfile_load(text, size, pass ? base : NULL, &env, &w);
                        assert(r == 0 || r == -EBADMSG);
                        assert(w.n <= 65);
                        for (size_t i = 0; i < w.n; i++)
                                assert(w.items[i].line >= 1 && w.items[i].message);
                        if (r == -EBADMSG)
                                assert(w.n >= 1);
                        envfile_warnings_done(&w);
                        /* base comes through unless the file sets the name */
                        if (pass == 1 && !strstr(text, "HOME"))
                                assert(streq(env_get(env, "HOME"), "/root"));
                } else {
                        r = envfile_parse_shell(text, size, pass == 3 ? base : NULL, &env, &line);
                        if (r == 0)
                                assert(line == 0);
                }
                for (char **e = env; e && *e; e++) {
                        char *eq = strchr(*e, '=');
                        char *key;

                        assert(eq && eq != *e);
                        key = strndup(*e, (size_t) (eq - *e));
                        if (!key)
                                abort();
                        assert(env_get(env, key));
                        if (pass == 0 || pass == 2) {
                                char *cmd = NULL, **argv = NULL;
                                struct dockerd_opts o = {};

                                if (asprintf(&cmd, "/usr/bin/dockerd $%s", key) < 0)
                                        abort();
                                if (exec_split(cmd, env, &argv) >= 0) {
                                        (void) dockerd_args_parse(argv, &o);
                                        dockerd_opts_done(&o);
                                        strv_free(argv);
                                }
                                free(cmd);
                        }
                        free(key);
                }
                (void) env_get(env, "DOCKER_OPTS");
                if (env_set(&env, "DOCKER_OPTS", "-H fd://") == 0)
                        assert(streq(env_get(env, "DOCKER_OPTS"), "-H fd://"));
                strv_free(env);
        }
        free(text);
        return 0;
}
