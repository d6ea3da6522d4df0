/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Source: the daemons actually running (live host only): their binaries and options count too
 * (a daemon started by hand or by another init). Read-only; a process gone mid-scan is skipped. */
#include <errno.h>

#include "containerd_args.h"
#include "discover.h"
#include "proc.h"
#include "util.h"

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

/* name: "running dockerd (pid N)", for the instance and its list of processes; ev: "running
 * dockerd", the evidence of the values it gives, which the fragment's comments carry: without the
 * PID, so that a restarted daemon leaves the fragment as it was. */
static int add_dockerd_process(struct ctx *c, const struct proc_daemon *p, const char *exe, const char *name,
                               const char *ev) {
        _cleanup_(dockerd_opts_done) struct dockerd_opts o = {};
        struct dockerd_instance *i;
        bool any_daemon = false;
        int r;

        if (dockerd_args_parse(p->argv, &o) < 0 &&
            (r = discovery_add_dockerd_args_problems(c->d, NULL, ev, &o)) < 0)
                return r;
        for (size_t k = 0; k < c->d->n_dockerds; k++)
                any_daemon = any_daemon || c->d->dockerds[k].daemon;
        i = match_instance(c, &o);
        if (!i && any_daemon) {
                /* A daemon no unit or script explains: an instance of its own. */
                r = discovery_add_dockerd(c->d, SOURCE_PROC, name, &i);
                if (r >= 0)
                        i->extra = true;
        } else if (!i)
                r = ctx_dockerd(c, SOURCE_PROC, name, &i);
        else
                r = 0;
        if (r < 0)
                return r;
        i->daemon = true;
        r = running_add(&i->running, &i->n_running, p->pid, exe, name);
        if (r < 0)
                return r;
        if (!i->binary.value && exe[0] == '/' && (r = sourced_set(&i->binary, exe, "%s", ev)) < 0)
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
        bool any_daemon = false;
        int r;

        (void) containerd_args_parse(p->argv, &o);
        for (size_t k = 0; k < c->d->n_containerds; k++)
                any_daemon = any_daemon || c->d->containerds[k].daemon;
        i = match_containerd(c, &o);
        if (!i && any_daemon) {
                r = discovery_add_containerd(c->d, SOURCE_PROC, name, &i);
                if (r >= 0)
                        i->extra = true;
        } else if (!i)
                r = ctx_containerd(c, SOURCE_PROC, name, &i);
        else
                r = 0;
        if (r < 0)
                return r;
        /* A process of an instance that a unit explains: the unit's command line stands. */
        if (!i->daemon && (r = containerd_take_args(c, i, p->argv, NULL, ev)) < 0)
                return r;
        i->daemon = true;
        if (!i->binary.value && exe[0] == '/' && (r = sourced_set(&i->binary, exe, "%s", ev)) < 0)
                return r;
        return running_add(&i->running, &i->n_running, p->pid, exe, name);
}

int discover_proc(struct ctx *c) {
        static const char *const names[] = { "dockerd", "dockerd-current", "containerd",
                                             "docker-containerd-current", NULL };
        struct proc_daemon *procs = NULL;
        size_t n = 0;
        int r;

        if (!c->root->live)
                return 0;
        r = proc_scan("/proc", names, &procs, &n);
        if (r < 0 && r != -ENOENT && r != -EACCES)
                discovery_add_problem(c->d, "/proc", 0, "cannot list running processes: %s", errno_name(r));
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        r = 0;
        for (size_t k = 0; k < n && r >= 0; k++) {
                const char *exe = procs[k].exe ? procs[k].exe : procs[k].argv[0];
                _cleanup_free_ char *name = NULL, *ev = NULL;

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
