/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: a SysV init script, /etc/init.d/docker as Docker's packages ship it for hosts without
 * systemd (contrib/init/sysvinit-debian/docker): it sources /etc/default/docker, then runs
 * `start-stop-daemon --exec "$DOCKERD" -- -p "$DOCKER_PIDFILE" $DOCKER_OPTS`, DOCKERD being
 * /usr/bin/dockerd unless that file sets it. Enabled by a start link in /etc/rc[2-5].d
 * (S[0-9][0-9]docker). It is what runs dockerd when no systemd unit does, and on WSL (a tree
 * with /etc/wsl.conf) when that file does not say `[boot] systemd=true`: WSL then starts no
 * systemd, and `service docker start` runs the script, even though docker.service is installed.
 * Source: Microsoft's "Advanced settings configuration in WSL" (wsl.conf, [boot] systemd),
 * Docker's "Install Docker Engine on Debian/Ubuntu" (service docker start), moby's
 * contrib/init/sysvinit-debian. An OpenRC script (#!/sbin/openrc-run) is discover-openrc.c's.
 * Nothing is run: the script is only looked at. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "discovery-base.h"
#include "envfile.h"
#include "util.h"
#include "wrapper.h"

#define SYSV_SCRIPT "/etc/init.d/docker"
#define SYSV_DEFAULT "/etc/default/docker"
#define SYSV_DOCKERD "/usr/bin/dockerd"

static const char *const sysv_path[] = { "/sbin", "/bin", "/usr/sbin", "/usr/bin", "/usr/local/sbin",
                                         "/usr/local/bin", NULL };

/* An init script for /bin/sh, not OpenRC's (which discover-openrc.c reads). */
static int is_sysv_script(struct ctx *c, bool *ret) {
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int r;

        *ret = false;
        if (!is_regular_exists(c, SYSV_SCRIPT, NULL))
                return 0;
        r = read_host_file(c, SYSV_SCRIPT, true, &data, &len);
        if (r <= 0)
                return r == -ENOMEM ? r : 0;
        *ret = script_is_shell(data, len) > 0;
        return 0;
}

/* "enabled" when a runlevel's directory holds its start link (S<NN>docker). */
static bool rc_enabled(struct ctx *c) {
        for (char level = '2'; level <= '5'; level++) {
                _cleanup_strv_free_ char **names = NULL;
                char dir[] = "/etc/rcN.d";
                dir[7] = level;
                if (root_list_dir(c->root, dir, &names) < 0)
                        continue;
                for (char **n = names; *n; n++)
                        if ((*n)[0] == 'S' && strlen(*n) == 9 && isdigit((unsigned char) (*n)[1]) &&
                            isdigit((unsigned char) (*n)[2]) && streq(*n + 3, "docker"))
                                return true;
        }
        return false;
}

/* The host's main dockerd, as a SysV script's: a reading of systemd's (docker.socket alone) is
 * not what runs; its unit files stay watched. */
static int take_instance(struct ctx *c, struct dockerd_instance **ret) {
        struct dockerd_instance *i;
        int r = ctx_dockerd(c, SOURCE_SYSV, SYSV_SCRIPT, &i);

        if (r < 0)
                return r;
        if (i->source != SOURCE_SYSV) {
                i->source = SOURCE_SYSV;
                free(i->name);
                free(i->origin);
                i->origin = NULL;
                sourced_done(&i->binary);
                dockerd_opts_done(&i->flags);
                i->flags = (struct dockerd_opts) {};
                if (!(i->name = strdup(SYSV_SCRIPT)))
                        return -ENOMEM;
        }
        *ret = i;
        return 0;
}

int discover_sysv(struct ctx *c) {
        _cleanup_strv_free_ char **vars = NULL, **argv = NULL;
        _cleanup_free_ char *what = NULL;
        struct dockerd_instance *i;
        enum wsl_boot wsl;
        const char *dockerd, *opts;
        bool script;
        int r;

        if ((r = is_sysv_script(c, &script)) < 0 || !script)
                return r;
        if ((r = ctx_wsl_boot(c, &wsl)) < 0)
                return r;
        /* systemd runs it: WSL with systemd, or any host with docker.service. */
        if (wsl == WSL_SYSTEMD || (wsl == WSL_NONE && c->docker_service))
                return 0;
        /* Another source's daemon (the snap) is not the script's; only systemd's reading is
         * replaced, on WSL. */
        for (size_t k = 0; k < c->d->n_dockerds; k++)
                if (!c->d->dockerds[k].extra && c->d->dockerds[k].daemon && c->d->dockerds[k].source != SOURCE_SYSTEMD)
                        return 0;
        if ((r = take_instance(c, &i)) < 0)
                return r;
        i->daemon = true;
        free(i->state);
        if (!(i->state = strdup(rc_enabled(c) ? "enabled" : wsl == WSL_SCRIPTS ? "service docker start" : "disabled")))
                return -ENOMEM;
        if ((r = sourced_append(&i->init_files, &i->n_init_files, SYSV_SCRIPT,
                                wsl == WSL_SCRIPTS ? "SysV init script (WSL without systemd: %s has no [boot] systemd=true)"
                                                   : "SysV init script%s", wsl == WSL_SCRIPTS ? WSL_CONF : "")) < 0 ||
            (r = sourced_append(&i->init_files, &i->n_init_files, SYSV_DEFAULT, "read by %s", SYSV_SCRIPT)) < 0)
                return r;
        if (wsl == WSL_SCRIPTS &&
            (r = sourced_append(&i->init_files, &i->n_init_files, WSL_CONF, "decides whether systemd or %s starts dockerd",
                                SYSV_SCRIPT)) < 0)
                return r;
        if ((r = init_script_read_env(c, SYSV_DEFAULT, &vars)) < 0)
                return r;
        dockerd = env_get(vars, "DOCKERD");
        opts = env_get(vars, "DOCKER_OPTS");
        if (dockerd && dockerd[0] == '/')
                r = sourced_set(&i->binary, dockerd, "DOCKERD in %s", SYSV_DEFAULT);
        else if (dockerd && *dockerd)
                r = init_script_program(c, &i->head, dockerd, SYSV_DEFAULT, sysv_path);
        else
                r = sourced_set(&i->binary, SYSV_DOCKERD, "default of %s", SYSV_SCRIPT);
        if (r < 0)
                return r;
        /* The script's command line: -p PIDFILE $DOCKER_OPTS. */
        if (!opts || !*opts)
                return 0;
        if (unit_split_words(opts, &argv) < 0) {
                r = discovery_add_problem(c->d, SYSV_DEFAULT, 0, "DOCKER_OPTS: unbalanced quotes: not read");
                return r < 0 ? r : 0;
        }
        if (asprintf(&what, "DOCKER_OPTS in %s", SYSV_DEFAULT) < 0)
                return -ENOMEM;
        return init_script_options(c, &i->head, argv, SYSV_DEFAULT, what);
}
