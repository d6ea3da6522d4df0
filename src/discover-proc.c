/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: the daemons actually running (live host only): their binaries and options count too
 * (a daemon started by hand or by another init). Read-only; a process gone mid-scan is skipped.
 *
 * Any user can start a process named dockerd with any options. Only root's daemons are used
 * (trust.h): uid 0 in the initial user namespace, running a binary that is root's. The others
 * name no path: a user's dockerd would otherwise replace the host's data root and daemon.json
 * with its own. */
#include <errno.h>
#include <sys/stat.h>

#include "containerd_args.h"
#include "discovery-base.h"
#include "proc.h"
#include "trust.h"
#include "util.h"

#define PROC_DIR "/proc"

/* Why a running daemon is not used. */
enum proc_distrust {
        PROC_TRUSTED,
        PROC_GONE,               /* exited during the scan: skipped quietly */
        PROC_USER,               /* a uid other than 0 */
        PROC_CONTAINER_ROOT,     /* uid 0 of another user namespace */
        PROC_USER_BINARY,        /* root's, running a binary that is not root's */
        PROC_UNKNOWN_BINARY,     /* root's, its binary unreadable (not run as root) or not absolute */
        PROC_UNKNOWN,            /* whose it is cannot be told */
        _PROC_DISTRUST_MAX,
};

/* What a warning says of a running daemon that is not used, after "running KIND (pid N": the
 * rest of the parenthesis, why, and when the uid is named, what follows it. No entry: nothing
 * is said (a daemon trusted, or gone). */
static const struct distrust_text {
        const char *paren;
        const char *why;
        const char *uid_then;
} distrust_table[_PROC_DISTRUST_MAX] = {
        [PROC_USER] = { "", " runs as uid", ", not root" },
        [PROC_CONTAINER_ROOT] = { "", " is uid 0 of another user namespace, not the host's root", NULL },
        [PROC_USER_BINARY] = { ", uid 0", " runs a binary that is not root's here (another owner, a directory "
                               "others can write on its way, or not on this host)", NULL },
        [PROC_UNKNOWN_BINARY] = { ", uid 0", ": its binary cannot be read (run as root to read it)", NULL },
        [PROC_UNKNOWN] = { "", ": whose it is cannot be told", NULL },
};

/* Is pid in a user namespace other than ours? 1, 0, or -errno (namespaces(7): the same device
 * and inode, the same namespace). Only what to say depends on it, not whether it is trusted. */
static int other_userns(pid_t pid) {
        char theirs[64];
        struct stat a, b;

        (void) snprintf(theirs, sizeof(theirs), PROC_DIR "/%d/ns/user", (int) pid);
        if (stat(theirs, &a) < 0 || stat(PROC_DIR "/self/ns/user", &b) < 0)
                return -errno;
        return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* Whether p is root's own daemon (trust_process(), then its binary through trust_roots()); when
 * it is, *ret_exe is the binary as the kernel names it. p->root was read with the command line,
 * through one descriptor: a PID reused since then fails one of the two checks. */
static enum proc_distrust judge(struct ctx *c, const struct proc_daemon *p, const char **ret_exe) {
        const char *exe = p->exe ? p->exe : p->argv[0];
        struct resolved res = {};
        bool ok;
        int r;

        if (!p->root)
                return p->uid == PROC_UID_UNKNOWN ? PROC_UNKNOWN : PROC_USER;
        r = trust_process(PROC_DIR, p->pid);
        if (r == -ENOENT || r == -ESRCH)
                return PROC_GONE;
        if (r < 0)
                return PROC_UNKNOWN;
        if (r == 0)
                return PROC_CONTAINER_ROOT;
        /* Without the exe link (a run as another user), argv[0]: root chose it too. */
        if (exe[0] != '/')
                return PROC_UNKNOWN_BINARY;
        ok = root_resolve(c->root, exe, false, &res) >= 0 && trust_roots(&res);
        resolved_done(&res);
        if (!ok)
                return PROC_USER_BINARY;
        *ret_exe = exe;
        return PROC_TRUSTED;
}

/* Say that a running daemon is not used, naming its PID and uid, quoting nothing it chose (its
 * command line, its binary's name). A warning, which leaves the exit status alone: no user
 * changes what root's runs and monitors report by starting a process, and a container's daemon
 * (a privileged one runs as root, its binary in the container's file system) is not the host's.
 * A user's daemon in a user namespace of its own is how rootlesskit runs rootless Docker, which
 * discover-rootless.c finds from the user's home: said nothing of. 0 or -ENOMEM. */
static int say_distrusted(struct ctx *c, const struct proc_daemon *p, const char *kind, enum proc_distrust why) {
        const struct distrust_text *t;
        char uid[16] = "";

        if ((size_t) why >= _PROC_DISTRUST_MAX || !distrust_table[why].why)
                return 0;
        if (why == PROC_USER && other_userns(p->pid) > 0)
                return 0;
        t = &distrust_table[why];
        if (t->uid_then)
                (void) snprintf(uid, sizeof(uid), " %u", (unsigned) p->uid);
        return discovery_add_warning(c->d, NULL, 0, "running %s (pid %d%s)%s%s%s: its options and binary are "
                                     "not used", kind, (int) p->pid, t->paren, t->why, uid,
                                     t->uid_then ? t->uid_then : "");
}

static bool hosts_meet(char * const *a, char * const *b) {
        for (char * const *x = a; x && *x; x++)
                if (strv_contains(b, *x))
                        return true;
        return false;
}

/* The instance a running dockerd belongs to: the one whose own options name the same data root
 * (both none: the default) or serve a socket it serves; NULL when no instance explains it. */
static struct dockerd_instance *match_instance(struct ctx *c, const struct dockerd_opts *o) {
        for (size_t k = 0; k < c->d->n_dockerds; k++) {
                struct dockerd_instance *i = &c->d->dockerds[k];
                if (i->daemon && streq_ptr(i->flags.data_root, o->data_root))
                        return i;
        }
        for (size_t k = 0; k < c->d->n_dockerds; k++) {
                struct dockerd_instance *i = &c->d->dockerds[k];
                if (i->daemon && hosts_meet(i->flags.hosts, o->hosts))
                        return i;
        }
        return NULL;
}

/* The instance a running daemon of this kind belongs to: matched, the one whose options explain
 * it; else, when a unit or script already runs such a daemon, an instance of its own (a daemon no
 * unit or script explains); else the host's main instance. 0 or -ENOMEM. */
static int process_instance(struct ctx *c, enum daemon_kind kind, struct instance *matched, const char *name,
                            struct instance **ret) {
        bool any_daemon = false;
        int r;

        if (matched) {
                *ret = matched;
                return 0;
        }
        for (size_t k = 0; k < discovery_n_instances(c->d, kind); k++)
                any_daemon = any_daemon || discovery_instance(c->d, kind, k)->daemon;
        if (!any_daemon)
                return ctx_instance(c, kind, SOURCE_PROC, name, ret);
        r = discovery_add_instance(c->d, kind, SOURCE_PROC, name, ret);
        if (r >= 0)
                (*ret)->extra = true;
        return r;
}

/* Process p (its binary exe, named name, evidence ev) runs instance h. 0 or -ENOMEM. */
static int take_process(struct instance *h, const struct proc_daemon *p, const char *exe, const char *name,
                        const char *ev) {
        int r;

        h->daemon = true;
        if (!h->binary.value && exe[0] == '/' && (r = sourced_set(&h->binary, exe, "%s", ev)) < 0)
                return r;
        return running_add(&h->running, &h->n_running, p->pid, exe, name);
}

/* name: "running dockerd (pid N)", for the instance and its list of processes; ev: "running
 * dockerd", the evidence of the values it gives, which the fragment's comments carry: without the
 * PID, so that a restarted daemon leaves the fragment as it was. */
static int add_dockerd_process(struct ctx *c, const struct proc_daemon *p, const char *exe, const char *name,
                               const char *ev) {
        _cleanup_(dockerd_opts_done) struct dockerd_opts o = {};
        struct dockerd_instance *i;
        struct instance *h;
        int r;

        if (dockerd_args_parse(p->argv, &o) < 0 &&
            (r = discovery_add_dockerd_args_problems(c->d, NULL, ev, &o)) < 0)
                return r;
        i = match_instance(c, &o);
        r = process_instance(c, DAEMON_DOCKERD, i ? &i->head : NULL, name, &h);
        if (r < 0)
                return r;
        i = (struct dockerd_instance *) h;
        r = take_process(h, p, exe, name, ev);
        if (r < 0)
                return r;
        dockerd_opts_done(&i->running_flags);
        i->running_flags = o;
        o = (struct dockerd_opts) {};
        free(i->running_origin);
        free(i->running_exe);
        i->running_origin = strdup(ev);
        i->running_exe = exe[0] == '/' ? strdup(exe) : NULL;
        if (!i->running_origin || (exe[0] == '/' && !i->running_exe))
                return -ENOMEM;
        return 0;
}

/* The containerd instance a running containerd belongs to: the one whose own command line gives
 * the same configuration file, address, root and state (all unset: the defaults); NULL when no
 * instance explains it. */
static struct containerd_instance *match_containerd(struct ctx *c, const struct containerd_opts *o) {
        for (size_t k = 0; k < c->d->n_containerds; k++) {
                struct containerd_instance *i = &c->d->containerds[k];
                if (i->daemon && containerd_opts_same(&i->flags, o))
                        return i;
        }
        return NULL;
}

/* name and ev as for add_dockerd_process(). A containerd that no unit explains, on files of its
 * own (started by hand, or the one an older dockerd starts itself), is an instance of its own. */
static int add_containerd_process(struct ctx *c, const struct proc_daemon *p, const char *exe, const char *name,
                                  const char *ev) {
        _cleanup_(containerd_opts_done) struct containerd_opts o = {};
        struct containerd_instance *i;
        struct instance *h;
        int r;

        (void) containerd_args_parse(p->argv, &o);
        i = match_containerd(c, &o);
        r = process_instance(c, DAEMON_CONTAINERD, i ? &i->head : NULL, name, &h);
        if (r < 0)
                return r;
        i = (struct containerd_instance *) h;
        /* A process of an instance that a unit explains: the unit's command line stands. */
        if (!i->daemon && (r = containerd_take_args(c, i, p->argv, NULL, ev)) < 0)
                return r;
        return take_process(h, p, exe, name, ev);
}

/* "dockerd" or "containerd": which of the names it matched, in words of our own. */
static const char *kind(const struct proc_daemon *p) {
        const char *exe = p->exe ? path_basename(p->exe) : "";

        return strstr(exe, "dockerd") || strstr(path_basename(p->argv[0]), "dockerd") ? "dockerd" : "containerd";
}

int discover_proc(struct ctx *c) {
        static const char *const names[] = { "dockerd", "dockerd-current", "containerd",
                                             "docker-containerd-current", NULL };
        struct proc_daemon *procs = NULL;
        size_t n = 0;
        int r;

        if (!c->root->live)
                return 0;
        r = proc_scan(PROC_DIR, names, &procs, &n);
        if (r < 0 && r != -ENOENT && r != -EACCES)
                discovery_add_problem(c->d, PROC_DIR, 0, "cannot list running processes: %s", errno_name(r));
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        r = 0;
        for (size_t k = 0; k < n && r >= 0; k++) {
                const char *exe = NULL;
                _cleanup_free_ char *name = NULL, *ev = NULL;
                enum proc_distrust why = judge(c, &procs[k], &exe);

                if (why != PROC_TRUSTED) {
                        r = say_distrusted(c, &procs[k], kind(&procs[k]), why);
                        continue;
                }
                if (asprintf(&name, "running %s (pid %d)", path_basename(exe), (int) procs[k].pid) < 0 ||
                    asprintf(&ev, "running %s", path_basename(exe)) < 0) {
                        r = -ENOMEM;
                        break;
                }
                if (strstr(path_basename(exe), "dockerd"))
                        r = add_dockerd_process(c, &procs[k], exe, name, ev);
                else
                        r = add_containerd_process(c, &procs[k], exe, name, ev);
        }
        proc_daemons_free(procs, n);
        return r;
}
