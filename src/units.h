/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The one systemd unit loader: a unit as systemd's system manager would load it, read offline
 * from a host tree or asked of the running systemd over D-Bus (through bus.c). Used by
 * discovery (docker.service, containerd.service, ...) and by boot.c (auditd's units). */

#include <stdbool.h>
#include <sys/types.h>

#include "root.h"
#include "problems.h"

/* The user whose manager loads a user unit (rootless Docker): specifiers take the user's values,
 * every file of the unit is read with the user's rights (userread.h), a file in the home counts
 * only when its resolution stays in the user's tree (trust_users()), and EnvironmentFile= is read
 * only below the home. */
struct unit_user {
        char *name;
        uid_t uid;
        gid_t gid;
        char *home;
        char *shell;
};

struct unit {
        char *name;           /* "docker.service" */
        struct unit_user *user; /* a user manager's unit (its own copy), NULL for the system's */
        char *fragment;       /* resolved host path of the unit file, NULL when none */
        bool masked;          /* the unit file is a link to /dev/null (or systemd says "masked") */
        char *masked_by;      /* the host path of that link, NULL when not masked or told over D-Bus */
        bool via_bus;         /* what follows comes from the running systemd over D-Bus */
        char **dropins;       /* resolved host paths, in the order systemd applies them */
        char **exec_start;    /* [Service] ExecStart= command lines left after resets, specifiers
                               * expanded, quoted for exec_split() */
        char **exec_start_src;/* the file each came from */
        char **exec_start_all;/* every ExecStart*= line (ExecStartPre=, ExecStartPost= too), as
                               * "KEY=VALUE" after specifiers, for callers that only look */
        char **env_files;     /* EnvironmentFile= values, '-' prefix kept */
        char **environment;   /* Environment= values, quoted for exec_split() */
        char **listen;        /* [Socket] ListenStream= values */
};

void unit_done(struct unit *u);

/* systemd's system unit search path (sd_path), most important first, reduced as the system
 * manager reduces it before it loads anything (systemd's lookup_paths_reduce(),
 * src/shared/path-lookup.c): a directory that does not exist inside root is dropped, and so is
 * one that is the same directory (device and inode, links followed inside root) as one before
 * it: /usr/lib/systemd/system after /lib/systemd/system on a merged-/usr host. A directory kept is
 * named by the path its links lead to inside root (where systemd keeps the name it was given:
 * what is found there is reported by its resolved path either way). A directory that cannot be
 * looked at for another reason stays as it is. NULL-terminated strv in *ret; -ENOMEM, or
 * sd_path's -errno. */
int unit_search_path(const struct root *root, char ***ret);

/* Expand systemd's specifiers (systemd.unit(5) "Specifiers", the system manager's values) in
 * VALUE for the unit NAME, whose fragment is FRAGMENT (may be NULL). With quote, every expanded
 * value is escaped for exec_split() (whitespace as \x20, quotes and backslashes escaped, '%' as
 * "%%") and "%%" is kept as "%%" for exec_split() to turn into '%'; without, "%%" becomes '%'.
 * Returns 0, -ENOMEM, or -EBADMSG for a specifier systemd does not know (systemd then ignores
 * the whole line) and -EOPNOTSUPP for one whose value depends on the running host (%H, %m, %b,
 * %v, %a, ...); *ret_bad is then set to the specifier's letter (ret_bad may be NULL). */
int unit_specifiers_expand(const char *name, const char *fragment, const char *value, bool quote,
                           char **ret, char *ret_bad);
/* The same for a unit of user's manager (user NULL: the system manager's, as above): %h the home,
 * %u %U %G %s the user's name, uid, gid and shell, %t /run/user/UID, %E %S ~/.config, %L
 * ~/.config/log, %C ~/.cache, %d /run/user/UID/credentials/NAME (systemd.unit(5) "Specifiers",
 * for user managers, as systemd 252 resolves them: $XDG_CONFIG_HOME, $XDG_CACHE_HOME and
 * $XDG_RUNTIME_DIR at their defaults); %g (a group name, from a group database not read here)
 * is -EOPNOTSUPP. */
int unit_specifiers_expand_user(const char *name, const char *fragment, const struct unit_user *user,
                                const char *value, bool quote, char **ret, char *ret_bad);

/* Load NAME from the tree below root, looking in dirs (a unit search path) in order: the first
 * directory with NAME (or, for "a@b.service", the template "a@.service") gives the fragment;
 * drop-ins are NAME.d/ *.conf (and the template's) across all directories, a file name in an
 * earlier directory hiding the same name in later ones, applied in file-name order. A unit
 * file or drop-in that is a symlink whose target names /dev/null (decided by the link's
 * target, the tree need not have a /dev/null) masks the unit, or that drop-in. ExecStart= and
 * the list settings are reset by an empty value. Malformed lines, unreadable files and bad
 * specifiers are added to problems (may be NULL) and skipped. *ret is filled even when the
 * unit is not found (fragment NULL). Returns 0 or -ENOMEM. */
int unit_load(const struct root *root, char * const *dirs, const char *name, struct problems *problems,
              struct unit *ret);
/* The same for the manager of user (NULL: unit_load()). A candidate unit file, drop-in directory
 * or drop-in below the user's home that does not resolve within the user's own tree (their home
 * or /run/user/UID, every component theirs or root's: trust_users()) is not read: a problem names
 * it (as found, whatever it leads to, whether that exists or not) and the unit has no fragment,
 * or goes without that drop-in. Every file is read with the user's rights (user_read_file()). */
int unit_load_user(const struct root *root, char * const *dirs, const char *name, const struct unit_user *user,
                   struct problems *problems, struct unit *ret);
void unit_user_free(struct unit_user *u);
/* A copy of u: NULL on allocation failure. */
struct unit_user *unit_user_copy(const struct unit_user *u);

/* Load every unit of names (NULL-terminated) into ret[] (as many entries): offline, then, on the
 * live root when systemd answers over D-Bus, as systemd has them (a unit systemd does not know
 * is then empty; one it fails to tell about keeps the offline reading). Returns 0 or -ENOMEM. */
int units_load(const struct root *root, const char *const *names, struct problems *problems, struct unit *ret);

/* Split a list of words with systemd's quoting rules (Environment=, DOCKER_OPTS), without the
 * command-line prefixes of the first word: *ret starts with a placeholder argv[0] ("-"), then the
 * words. 0, -EINVAL (unbalanced quotes) or -ENOMEM. Source: systemd's extract_first_word() with
 * EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE, as exec_split() (unitfile.h) implements it. */
int unit_split_words(const char *value, char ***ret);

/* The unit's command line (its first ExecStart=) with its environment (Environment=, then
 * EnvironmentFile= files read below root; for a user's unit only files below their home, read
 * with their rights, so that no $VAR carries what they could not read) expanded: 1 with *ret_argv (program path, then the
 * arguments) and *ret_src (the file it came from, owned by u), 0 when the unit has none or it
 * cannot be split (a problem is added). Several ExecStart= lines are a problem too. -ENOMEM. */
int unit_exec_argv(const struct root *root, const struct unit *u, struct problems *problems, char ***ret_argv,
                   const char **ret_src);

/* Which daemon a unit's command line runs, by the basename of its program. */
enum unit_runs {
        UNIT_RUNS_NONE,
        UNIT_RUNS_DOCKERD,    /* dockerd, dockerd-current; rootless: dockerd-rootless.sh, rootlesskit */
        UNIT_RUNS_CONTAINERD, /* containerd, docker-containerd, docker-containerd-current */
        _UNIT_RUNS_MAX,
};
/* What the program of a command line ("/usr/bin/dockerd -H ...", as in unit.exec_start) is. */
enum unit_runs unit_program_runs(const char *program);

/* Whether systemd starts a unit at boot. */
enum unit_state {
        UNIT_ENABLED,         /* a link in some .wants/ or .requires/ directory pulls it (or its
                                 * socket) in */
        UNIT_DISABLED,        /* nothing pulls it in: it starts only by hand (systemctl start) */
        UNIT_MASKED,          /* a link to /dev/null: systemd refuses to start it */
        UNIT_TRANSIENT,       /* made at run time (systemd-run, /run/systemd/transient): gone at reboot */
        _UNIT_STATE_MAX,
};
const char *unit_state_name(enum unit_state s);

struct unit_scan_item {
        char *service;        /* "docker-cluster1.service", "docker@a.service" */
        char *socket;         /* its socket unit's name: the same with ".socket" */
        enum unit_runs kind;
        enum unit_state state;
        char *masked_by;      /* the mask link (host path), when masked */
};

struct unit_scan {
        struct unit_scan_item *items;
        size_t n;
        char **wanted;        /* every service and socket a .wants/ or .requires/ link pulls in, sorted */
        size_t n_wanted;
};

void unit_scan_done(struct unit_scan *s);

/* Does a link in some .wants/ or .requires/ directory of dirs (a unit search path; NULL: the
 * system's) below root pull in the unit NAME (a service or a socket)? 0 with *ret, or -ENOMEM. */
int unit_wanted(const struct root *root, char * const *dirs, const char *name, bool *ret);

/* Every system service along the search path, read below root, whose effective ExecStart= (the
 * first left after resets) runs dockerd or containerd, except docker.service, containerd.service
 * and snap.docker.dockerd.service (which callers load by name): the unit files of each
 * directory, and the instances of templates that a .wants/ or .requires/ directory names
 * ("docker@a.service", loaded from "docker@.service" with %i = "a"). A masked unit is judged by
 * the unit file the mask hides. Sorted by name. Problems of units that run no daemon are not
 * said; callers load the ones found again with problems. With user_dirs (a user manager's
 * search path, most important first) those directories are scanned instead, docker.service
 * included. Each directory (and .wants/ directory) is listed once and every name looked up in a
 * hash, so the scan costs time linear in the names found; at most 2048 names (unit files,
 * .wants/ and .requires/ directories and the links in them) are taken from one directory of the
 * path, the rest in name order left out with a problem (problems may be NULL), and the scan
 * stops, with a problem, once it has read 32 MiB of unit files. With user (a user manager's
 * scan), every unit file is read with that user's rights (unit_load_user()), never root's.
 * Returns 0 or -ENOMEM. */
int unit_scan(const struct root *root, char * const *user_dirs, const struct unit_user *user, struct problems *problems,
              struct unit_scan *ret);

/* Does a .wants/ or .requires/ link of the scanned directories pull in NAME? The answer
 * unit_wanted() gives for the same directories, without listing them again: O(log n). */
bool unit_scan_wanted(const struct unit_scan *s, const char *name);
