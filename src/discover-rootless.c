/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: rootless Docker, for every user in the root's /etc/passwd (read as a file inside the
 * root, never through NSS): the user units that run dockerd (dockerd-rootless.sh, rootlesskit,
 * dockerd) in the user manager's unit directories, or a rootless daemon's files in the home
 * (~/.config/docker/daemon.json, ~/.local/share/docker) when no unit starts it. Each is a dockerd
 * instance of its own; dockerd-config.c gives it the rootless defaults (below the home and
 * /run/user/UID). Lingering (/var/lib/systemd/linger/USER) makes the user's units start at boot.
 *
 * What a user writes is theirs, not root's (trust.h): their unit files and daemon.json are read
 * with their rights (userread.h), a file or directory of their home counts only when it resolves
 * within their own tree (trust_users()), and a user has at most ROOTLESS_INSTANCES_MAX instances. */
#include <errno.h>

#include "discovery-base.h"
#include "trust.h"
#include "util.h"

/* Users with a uid in this range are people (login.defs UID_MIN/UID_MAX defaults): an
 * unreadable home of theirs is said; system accounts' homes are looked at silently. */
#define PEOPLE_UID_MIN 1000u
#define PEOPLE_UID_MAX 60000u

/* The rootless dockerd instances one user may have (units that run it); the ones after are said
 * and not read. A real user has one. */
#define ROOTLESS_INSTANCES_MAX 4

struct user {
        char *name;
        unsigned uid;
        unsigned gid;
        char *home;
        char *shell;
};

/* Is this path of the user's home there, and theirs: its resolution stays within their own tree
 * (trust_users())? A directory when dir, else a file. Answered from the resolution alone: the
 * same whether a link of theirs leads to something that exists or not. */
static bool user_has(struct ctx *c, const struct user *u, const char *path, bool dir) {
        struct resolved res = {};
        bool found;

        if (root_resolve(c->root, path, false, &res) < 0)
                return false;
        found = res.state == PATH_EXISTS && res.is_dir == dir && trust_users(&res, u->uid, u->home);
        resolved_done(&res);
        return found;
}

/* A directory of the home that the user manager reads: used only when it resolves within the
 * user's tree, else a problem (a link to elsewhere would make root list and read there). 1 use
 * it, 0 not, -ENOMEM. */
static int user_dir_usable(struct ctx *c, const struct user *u, const char *dir) {
        struct resolved res = {};
        bool ok;

        ok = root_resolve(c->root, dir, false, &res) >= 0 && trust_users(&res, u->uid, u->home);
        resolved_done(&res);
        if (ok)
                return 1;
        return discovery_add_problem(c->d, dir, 0, "user %s's unit directory leads out of their home, or through "
                                     "another user's files: not read", u->name) < 0 ? -ENOMEM : 0;
}

/* The user manager's unit search path for this home, most important first; the home's two
 * directories only when they are there and the user's own (user_dir_usable()): *ret_own then. */
static int user_unit_dirs(struct ctx *c, const struct user *u, char ***ret, bool *ret_own) {
        _cleanup_free_ char *first = path_join(u->home, ".config/systemd/user"),
                            *last = path_join(u->home, ".local/share/systemd/user");
        _cleanup_strv_free_ char **dirs = NULL;
        bool own = false;
        int r = 0;

        if (!first || !last)
                return -ENOMEM;
        if (root_is_dir(c->root, first) && (r = user_dir_usable(c, u, first)) > 0) {
                own = true;
                r = strv_push(&dirs, TAKE_PTR(first));
        }
        for (char *const *d = user_unit_dirs_shared; *d && r >= 0; d++)
                r = strv_extend(&dirs, *d);
        if (r >= 0 && root_is_dir(c->root, last) && (r = user_dir_usable(c, u, last)) > 0) {
                own = true;
                r = strv_push(&dirs, TAKE_PTR(last));
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(dirs);
        *ret_own = own;
        return 0;
}

/* A program of the unit: absolute as it is, else in ~/bin (when it is the user's own), then the
 * binary directories. */
static char *find_user_program(struct ctx *c, const struct user *u, const char *name) {
        _cleanup_free_ char *bin = path_join(u->home, "bin"), *p = NULL;

        if (name[0] == '/')
                return strdup(name);
        if (!bin || !(p = path_join(bin, name)))
                return NULL;
        if (user_has(c, u, p, false))
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
        i->gid = u->gid;
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

        r = unit_exec_argv(c->root, unit, &c->d->problems, &argv, &src);
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

        if (!i->binary.value && dockerd && (user_has(c, u, dockerd, false) || is_regular_exists(c, dockerd, NULL)))
                r = sourced_set(&i->binary, dockerd, "dockerd as %s's PATH finds it (~/bin first)", u->name);
        if (r >= 0 && kit && (user_has(c, u, kit, false) || is_regular_exists(c, kit, NULL)))
                r = sourced_append(&i->launchers, &i->n_launchers, kit, "rootlesskit as %s's PATH finds it (~/bin first): "
                                   "it starts rootless dockerd", u->name);
        return r;
}

/* A unit in a shared directory (/usr/lib/systemd/user) is every user's: it is this user's daemon
 * only when enabled for them, or when their home holds a rootless daemon's files. 1, 0, -ENOMEM. */
static int user_has_unit(struct ctx *c, const struct user *u, const struct unit_scan *scan,
                         const struct unit_scan_item *it) {
        _cleanup_free_ char *own = NULL, *conf = NULL, *data = NULL;
        if (asprintf(&own, "%s/.config/systemd/user/%s", u->home, it->service) < 0) {
                own = NULL;
                return -ENOMEM;
        }
        if (!(conf = path_join(u->home, ".config/docker")) || !(data = path_join(u->home, ".local/share/docker")))
                return -ENOMEM;
        if (user_has(c, u, own, false) || user_has(c, u, conf, true) || user_has(c, u, data, true))
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

static int user_scan(struct ctx *c, char * const *dirs, const struct unit_user *user, bool own_dirs,
                     struct shared_scan *shared, struct unit_scan *own, const struct unit_scan **ret) {
        int r;

        /* The user's own unit directories are read with their rights; the shared ones are root's. */
        if (own_dirs) {
                r = unit_scan(c->root, dirs, user, &c->d->problems, own);
                *ret = own;
                return r;
        }
        if (!shared->done) {
                r = unit_scan(c->root, user_unit_dirs_shared, NULL, &c->d->problems, &shared->scan);
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
        struct unit_user uu = { .name = u->name, .uid = u->uid, .gid = u->gid, .home = u->home, .shell = u->shell };
        struct dockerd_instance *i;
        size_t found = 0;
        bool own_dirs = false;
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
        r = user_unit_dirs(c, u, &dirs, &own_dirs);
        if (r >= 0)
                r = user_scan(c, dirs, &uu, own_dirs, shared, &own, &scan);
        if (r < 0)
                return r;
        for (size_t k = 0; k < scan->n && r >= 0; k++) {
                _cleanup_free_ char *name = NULL;
                struct unit unit = {};

                if (scan->items[k].kind != UNIT_RUNS_DOCKERD)
                        continue;
                r = user_has_unit(c, u, scan, &scan->items[k]);
                if (r <= 0) {
                        if (r < 0)
                                return r;
                        continue;
                }
                if (++found > ROOTLESS_INSTANCES_MAX) {
                        r = discovery_add_problem(c->d, NULL, 0, "user %s has more than %d user units that run "
                                                  "dockerd: %s and the ones after it are not read", u->name,
                                                  ROOTLESS_INSTANCES_MAX, scan->items[k].service);
                        break;
                }
                if (asprintf(&name, "%s of user %s", scan->items[k].service, u->name) < 0)
                        return -ENOMEM;
                r = new_instance(c, u, name, &i);
                if (r >= 0 && !(i->unit_dir = path_join(u->home, ".config/systemd/user")))
                        r = -ENOMEM;
                if (r >= 0)
                        r = unit_load_user(c->root, dirs, scan->items[k].service, &uu, &c->d->problems, &unit);
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
        if (!user_has(c, u, conf, false) && !user_has(c, u, data, true))
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
        unsigned long uid, gid;
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
        gid = strtoul(f[3], &end, 10);
        if (errno || end == f[3] || *end || gid > 0xfffffffeUL)
                return -EINVAL;
        if (f[5][0] != '/' || streq(f[5], "/") || !rule_path_ok(f[5]))
                return -EINVAL;
        *ret = (struct user) { .name = f[0], .uid = (unsigned) uid, .gid = (unsigned) gid, .home = f[5],
                               .shell = n > 6 ? f[6] : (char *) "" };
        return 0;
}

/* The home as the host resolves it (a /home that is a link to /usr/home): what every path of the
 * user is judged against. 1 with *ret, 0 when there is no such directory, -ENOMEM. */
static int resolve_home(struct ctx *c, const struct user *u, char **ret) {
        struct resolved res = {};
        const char *home = u->home;

        if (root_resolve(c->root, u->home, false, &res) >= 0 && res.state == PATH_EXISTS && res.is_dir) {
                if (streq(res.path, "/")) {  /* a home that leads to "/": nobody's own tree */
                        resolved_done(&res);
                        return 0;
                }
                home = res.path;
        }
        *ret = strdup(home);   /* missing: as written, root_dir_readable() then skips it */
        resolved_done(&res);
        return *ret ? 1 : -ENOMEM;
}

int discover_rootless(struct ctx *c) {
        _cleanup_free_ char *home = NULL;
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
                r = resolve_home(c, &u, &home);
                if (r <= 0) {
                        if (r < 0)
                                break;
                        continue;
                }
                u.home = home;
                r = one_user(c, &u, &shared);
                free(home);
                home = NULL;
                if (r < 0)
                        break;
        }
        unit_scan_done(&shared.scan);
        return r < 0 ? r : 0;
}
