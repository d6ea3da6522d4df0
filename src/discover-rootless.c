/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: rootless Docker, for every user in the root's /etc/passwd (read as a file inside the
 * root, never through NSS): the user units that run dockerd (dockerd-rootless.sh, rootlesskit,
 * dockerd) in the user manager's unit directories, or a rootless daemon's files in the home
 * (~/.config/docker/daemon.json, ~/.local/share/docker) when no unit starts it. Each is a dockerd
 * instance of its own; dockerd-config.c gives it the rootless defaults (below the home and
 * /run/user/UID). Lingering (/var/lib/systemd/linger/USER) makes the user's units start at boot. */
#include <errno.h>

#include "discover.h"
#include "util.h"

/* Users with a uid in this range are people (login.defs UID_MIN/UID_MAX defaults): an
 * unreadable home of theirs is said; system accounts' homes are looked at silently. */
#define PEOPLE_UID_MIN 1000u
#define PEOPLE_UID_MAX 60000u

struct user {
        char *name;
        unsigned uid;
        char *home;
};

/* The user manager's unit search path for this home, most important first. */
static int user_unit_dirs(const char *home, char ***ret) {
        static const char *const in_home[] = { ".config/systemd/user", ".local/share/systemd/user" };
        static const char *const shared[] = { "/etc/systemd/user", "/run/systemd/user", "/usr/local/share/systemd/user",
                                              "/usr/share/systemd/user", "/usr/local/lib/systemd/user",
                                              "/usr/lib/systemd/user" };
        _cleanup_strv_free_ char **dirs = NULL;
        int r = 0;

        r = strv_push(&dirs, path_join(home, in_home[0]));
        for (size_t k = 0; k < ELEMENTSOF(shared) && r >= 0; k++)
                r = strv_extend(&dirs, shared[k]);
        if (r >= 0)
                r = strv_push(&dirs, path_join(home, in_home[1]));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(dirs);
        return 0;
}

/* A program of the unit: absolute as it is, else in ~/bin, then the binary directories. */
static char *find_user_program(struct ctx *c, const struct user *u, const char *name) {
        _cleanup_free_ char *bin = path_join(u->home, "bin"), *p = NULL;

        if (name[0] == '/')
                return strdup(name);
        if (!bin || !(p = path_join(bin, name)))
                return NULL;
        if (is_regular_exists(c, p, NULL))
                return TAKE_PTR(p);
        return find_program(c, name, NULL);
}

static int set_state(struct ctx *c, struct dockerd_instance *i, char * const *dirs, const char *unit) {
        _cleanup_free_ char *linger = NULL;
        struct resolved res = {};
        bool wanted = false, lingering;
        int r;

        if (asprintf(&linger, "/var/lib/systemd/linger/%s", i->user) < 0)
                return -ENOMEM;
        lingering = root_resolve(c->root, linger, true, &res) >= 0 && res.state == PATH_EXISTS;
        resolved_done(&res);
        if (unit && (r = unit_wanted(c->root, dirs, unit, &wanted)) < 0)
                return r;
        free(i->state);
        if (!unit)
                r = asprintf(&i->state, "no user unit: started by hand%s", lingering ? ", lingering" : "");
        else if (!wanted)
                r = asprintf(&i->state, "disabled: %s can start it by hand", i->user);
        else if (lingering)
                r = asprintf(&i->state, "enabled, lingering (%s): starts at boot", linger);
        else
                r = asprintf(&i->state, "enabled: starts when %s logs in", i->user);
        if (r < 0) {
                i->state = NULL;
                return -ENOMEM;
        }
        return 0;
}

static int new_instance(struct ctx *c, const struct user *u, const char *name, struct dockerd_instance **ret) {
        struct dockerd_instance *i;
        int r;

        r = discovery_add_dockerd(c->d, SOURCE_ROOTLESS, name, &i);
        if (r < 0)
                return r;
        i->extra = i->rootless = i->daemon = true;
        i->uid = u->uid;
        if (!(i->user = strdup(u->name)) || !(i->home = strdup(u->home)))
                return -ENOMEM;
        *ret = i;
        return 0;
}

/* The unit's program: dockerd itself, or the script and rootlesskit that start it. */
static int from_unit(struct ctx *c, const struct user *u, struct dockerd_instance *i, const struct unit *unit) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *prog = NULL;
        const char *src = NULL;
        int r;

        r = unit_exec_argv(c->root, unit, c->d, &argv, &src);
        if (r <= 0)
                return r;
        if (asprintf(&i->origin, "%s ExecStart", i->name) < 0) {
                i->origin = NULL;
                return -ENOMEM;
        }
        prog = find_user_program(c, u, argv[0]);
        if (!prog)
                return -ENOMEM;
        if (streq(path_basename(prog), "dockerd"))
                r = sourced_set(&i->binary, prog, "ExecStart of %s (%s)", i->name, src);
        else
                r = sourced_append(&i->launchers, &i->n_launchers, prog, "ExecStart of %s (%s): it starts dockerd",
                                   i->name, src);
        if (r < 0)
                return r;
        if (dockerd_args_parse(argv, &i->flags) < 0 &&
            (r = discovery_add_dockerd_args_problems(c->d, src, i->origin, &i->flags)) < 0)
                return r;
        return 0;
}

/* dockerd and rootlesskit as the user's PATH finds them (~/bin first), when the unit did not. */
static int find_programs(struct ctx *c, const struct user *u, struct dockerd_instance *i) {
        _cleanup_free_ char *dockerd = find_user_program(c, u, "dockerd"), *kit = find_user_program(c, u, "rootlesskit");
        int r = 0;

        if (!i->binary.value && dockerd && is_regular_exists(c, dockerd, NULL))
                r = sourced_set(&i->binary, dockerd, "dockerd as %s's PATH finds it (~/bin first)", u->name);
        if (r >= 0 && kit && is_regular_exists(c, kit, NULL))
                r = sourced_append(&i->launchers, &i->n_launchers, kit, "rootlesskit as %s's PATH finds it (~/bin first): "
                                   "it starts rootless dockerd", u->name);
        return r;
}

/* A unit in a shared directory (/usr/lib/systemd/user) is every user's: it is this user's daemon
 * only when enabled for them, or when their home holds a rootless daemon's files. 1, 0, -ENOMEM. */
static int user_has_unit(struct ctx *c, const struct user *u, char * const *dirs, const struct unit_scan *scan,
                         const struct unit_scan_item *it) {
        _cleanup_free_ char *own = NULL, *conf = NULL, *data = NULL;

        if (!(own = path_join(dirs[0], it->service)) || !(conf = path_join(u->home, ".config/docker")) ||
            !(data = path_join(u->home, ".local/share/docker")))
                return -ENOMEM;
        if (is_regular_exists(c, own, NULL) || root_is_dir(c->root, conf) || root_is_dir(c->root, data))
                return 1;
        /* From the scan: listing the directories again for each unit would cost quadratic time. */
        return unit_scan_wanted(scan, it->service);
}

/* The scan of the shared user unit directories, made once for all users: a user with neither
 * ~/.config/systemd/user nor ~/.local/share/systemd/user sees exactly these units, so only users
 * with one of them are scanned again (the scan loads every user unit along the path). */
struct shared_scan {
        bool done;
        struct unit_scan scan;
};

static int user_scan(struct ctx *c, char * const *dirs, struct shared_scan *shared,
                     struct unit_scan *own, const struct unit_scan **ret) {
        size_t n = strv_length(dirs);
        int r;

        if (root_is_dir(c->root, dirs[0]) || root_is_dir(c->root, dirs[n - 1])) {
                r = unit_scan(c->root, dirs, c->d, own);
                *ret = own;
                return r;
        }
        if (!shared->done) {
                _cleanup_strv_free_ char **common = NULL;

                /* dirs without the first and the last, the two in the home */
                for (size_t k = 1; k + 1 < n; k++)
                        if (strv_extend(&common, dirs[k]) < 0)
                                return -ENOMEM;
                r = unit_scan(c->root, common, c->d, &shared->scan);
                if (r < 0)
                        return r;
                shared->done = true;
        }
        *ret = &shared->scan;
        return 0;
}

static int one_user(struct ctx *c, const struct user *u, struct shared_scan *shared) {
        _cleanup_strv_free_ char **dirs = NULL;
        _cleanup_(unit_scan_done) struct unit_scan own = {};
        const struct unit_scan *scan = NULL;
        _cleanup_free_ char *conf = NULL, *data = NULL;
        struct dockerd_instance *i;
        size_t found = 0;
        int r;

        r = root_dir_readable(c->root, u->home);
        if (r == -EACCES || r == -EPERM) {
                if (u->uid >= PEOPLE_UID_MIN && u->uid < PEOPLE_UID_MAX)
                        return discovery_add_problem(c->d, u->home, 0, "home of user %s cannot be read (%s): a "
                                                     "rootless Docker there is not found", u->name, errno_name(r));
                return 0;
        }
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        r = user_unit_dirs(u->home, &dirs);
        if (r >= 0)
                r = user_scan(c, dirs, shared, &own, &scan);
        if (r < 0)
                return r;
        for (size_t k = 0; k < scan->n && r >= 0; k++) {
                _cleanup_free_ char *name = NULL;
                struct unit unit = {};

                if (scan->items[k].kind != UNIT_RUNS_DOCKERD)
                        continue;
                r = user_has_unit(c, u, dirs, scan, &scan->items[k]);
                if (r <= 0) {
                        if (r < 0)
                                return r;
                        continue;
                }
                found++;
                if (asprintf(&name, "%s of user %s", scan->items[k].service, u->name) < 0)
                        return -ENOMEM;
                r = new_instance(c, u, name, &i);
                if (r >= 0 && !(i->unit_dir = path_join(u->home, ".config/systemd/user")))
                        r = -ENOMEM;
                if (r >= 0)
                        r = unit_load(c->root, dirs, scan->items[k].service, c->d, &unit);
                if (r >= 0 && (r = set_state(c, i, dirs, scan->items[k].service)) >= 0 && unit.fragment)
                        r = from_unit(c, u, i, &unit);
                if (r >= 0)
                        r = find_programs(c, u, i);
                if (r >= 0) {
                        struct unit *a = realloc(i->units, sizeof(*a) * (i->n_units + 1));
                        if (!a)
                                r = -ENOMEM;
                        else {
                                i->units = a;
                                a[i->n_units++] = unit;
                                unit = (struct unit) {};
                        }
                }
                unit_done(&unit);
        }
        if (r < 0 || found > 0)
                return r;
        /* No unit: the files a rootless dockerd leaves in the home say one was run by hand. */
        if (!(conf = path_join(u->home, ".config/docker/daemon.json")) || !(data = path_join(u->home, ".local/share/docker")))
                return -ENOMEM;
        if (!is_regular_exists(c, conf, NULL) && !root_is_dir(c->root, data))
                return 0;
        {
                _cleanup_free_ char *name = NULL;
                if (asprintf(&name, "rootless dockerd of user %s", u->name) < 0)
                        return -ENOMEM;
                r = new_instance(c, u, name, &i);
        }
        if (r >= 0)
                r = set_state(c, i, dirs, NULL);
        return r >= 0 ? find_programs(c, u, i) : r;
}

/* "name:x:uid:gid:gecos:home:shell"; 0 and *ret filled, or -EINVAL for a line to skip. */
static int parse_passwd_line(char *line, struct user *ret) {
        char *f[7] = {}, *p = line, *end;
        unsigned long uid;
        size_t n = 0;

        while (n < 7) {
                f[n++] = p;
                p = strchr(p, ':');
                if (!p)
                        break;
                *p++ = '\0';
        }
        if (n < 6 || !*f[0] || f[0][0] == '+' || f[0][0] == '-' || f[0][0] == '#')
                return -EINVAL;
        errno = 0;
        uid = strtoul(f[2], &end, 10);
        if (errno || end == f[2] || *end || uid == 0 || uid > 0xfffffffeUL)
                return -EINVAL;
        if (f[5][0] != '/' || streq(f[5], "/") || !rule_path_ok(f[5]))
                return -EINVAL;
        *ret = (struct user) { .name = f[0], .uid = (unsigned) uid, .home = f[5] };
        return 0;
}

int discover_rootless(struct ctx *c) {
        _cleanup_free_ char *data = NULL;
        struct shared_scan shared = {};
        size_t len = 0;
        int r = 0;

        r = read_host_file(c, "/etc/passwd", true, &data, &len);
        if (r <= 0)
                return r == -ENOMEM ? r : 0;
        for (char *line = data, *next; line && line < data + len; line = next) {
                struct user u;

                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (parse_passwd_line(line, &u) < 0)
                        continue;
                r = one_user(c, &u, &shared);
                if (r < 0)
                        break;
        }
        unit_scan_done(&shared.scan);
        return r < 0 ? r : 0;
}
