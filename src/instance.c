/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dockerd and containerd instances: their life cycle. */
#include <errno.h>
#include <stdarg.h>

#include "instance.h"
#include "discover.h"
#include "util.h"

static const char *const source_names[_SOURCE_MAX] = {
        [SOURCE_SYSTEMD] = "systemd",
        [SOURCE_OPENRC] = "openrc",
        [SOURCE_SNAP] = "snap",
        [SOURCE_PROC] = "proc",
        [SOURCE_DEFAULTS] = "defaults",
        [SOURCE_ROOTLESS] = "rootless",
};

const char *instance_source_name(enum instance_source s) {
        return (unsigned) s < _SOURCE_MAX ? source_names[s] : NULL;
}

void sourced_done(struct sourced *s) {
        free(s->value);
        free(s->evidence);
        *s = (struct sourced) {};
}

int sourced_set(struct sourced *s, const char *value, const char *fmt, ...) {
        char *v = strdup(value), *e = NULL;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&e, fmt, ap);
        va_end(ap);
        if (!v || k < 0) {
                free(v);
                return -ENOMEM;
        }
        sourced_done(s);
        s->value = v;
        s->evidence = e;
        return 0;
}

void sourced_free_many(struct sourced *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                sourced_done(&l[i]);
        free(l);
}

int sourced_append(struct sourced **l, size_t *n, const char *value, const char *fmt, ...) {
        struct sourced *a;
        char *v = strdup(value), *e = NULL;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&e, fmt, ap);
        va_end(ap);
        a = v && k >= 0 ? realloc(*l, sizeof(*a) * (*n + 1)) : NULL;
        if (!a) {
                free(v);
                if (k >= 0)
                        free(e);
                return -ENOMEM;
        }
        *l = a;
        a[(*n)++] = (struct sourced) { .value = v, .evidence = e };
        return 0;
}

static void running_free(struct running_daemon *l, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(l[i].exe);
                free(l[i].evidence);
        }
        free(l);
}

static void units_free(struct unit *u, size_t n) {
        for (size_t i = 0; i < n; i++)
                unit_done(&u[i]);
        free(u);
}

void dockerd_instance_done(struct dockerd_instance *i) {
        free(i->name);
        free(i->state);
        units_free(i->units, i->n_units);
        free(i->openrc_script);
        free(i->openrc_conf);
        free(i->openrc_conf_base);
        free(i->snap_bin);
        free(i->user);
        free(i->home);
        free(i->unit_dir);
        sourced_free_many(i->launchers, i->n_launchers);
        sourced_done(&i->binary);
        dockerd_opts_done(&i->flags);
        free(i->origin);
        running_free(i->running, i->n_running);
        dockerd_opts_done(&i->running_flags);
        free(i->running_origin);
        free(i->running_exe);
        sourced_done(&i->config_file);
        free(i->config_file_read);
        daemon_config_done(&i->config);
        sourced_done(&i->data_root);
        free(i->exec_root);
        sourced_done(&i->containerd);
        sourced_free_many(i->sockets, i->n_sockets);
        sourced_free_many(i->runtimes, i->n_runtimes);
        free(i->owner);
        *i = (struct dockerd_instance) {};
}

void containerd_instance_done(struct containerd_instance *i) {
        free(i->name);
        free(i->state);
        units_free(i->units, i->n_units);
        sourced_done(&i->binary);
        running_free(i->running, i->n_running);
        sourced_done(&i->config_file);
        containerd_opts_done(&i->flags);
        free(i->flags_origin);
        free(i->openrc_script);
        free(i->openrc_conf);
        containerd_config_done(&i->config);
        sourced_done(&i->state_dir);
        sourced_done(&i->grpc_address);
        sourced_free_many(i->runtimes, i->n_runtimes);
        sourced_done(&i->root_dir);
        sourced_free_many(i->config_imports, i->n_config_imports);
        sourced_free_many(i->config_dirs, i->n_config_dirs);
        sourced_done(&i->ttrpc_address);
        sourced_done(&i->debug_address);
        sourced_done(&i->plugin_dir);
        *i = (struct containerd_instance) {};
}

int discovery_add_dockerd(struct discovery *d, enum instance_source source, const char *name,
                          struct dockerd_instance **ret) {
        struct dockerd_instance *a;
        char *n = strdup(name);

        if (!n)
                return -ENOMEM;
        a = realloc(d->dockerds, sizeof(*a) * (d->n_dockerds + 1));
        if (!a) {
                free(n);
                return -ENOMEM;
        }
        d->dockerds = a;
        a[d->n_dockerds] = (struct dockerd_instance) { .source = source, .name = n };
        *ret = &a[d->n_dockerds++];
        return 0;
}

int discovery_add_containerd(struct discovery *d, enum instance_source source, const char *name,
                             struct containerd_instance **ret) {
        struct containerd_instance *a;
        char *n = strdup(name);

        if (!n)
                return -ENOMEM;
        a = realloc(d->containerds, sizeof(*a) * (d->n_containerds + 1));
        if (!a) {
                free(n);
                return -ENOMEM;
        }
        d->containerds = a;
        a[d->n_containerds] = (struct containerd_instance) { .source = source, .name = n };
        *ret = &a[d->n_containerds++];
        return 0;
}

int running_add(struct running_daemon **list, size_t *n, pid_t pid, const char *exe, const char *evidence) {
        struct running_daemon *a;
        char *x = exe ? strdup(exe) : NULL, *e = strdup(evidence);

        if ((exe && !x) || !e) {
                free(x);
                free(e);
                return -ENOMEM;
        }
        a = realloc(*list, sizeof(*a) * (*n + 1));
        if (!a) {
                free(x);
                free(e);
                return -ENOMEM;
        }
        *list = a;
        a[(*n)++] = (struct running_daemon) { .pid = pid, .exe = x, .evidence = e };
        return 0;
}

char *dockerd_instance_key(const struct dockerd_instance *i) {
        char *k;
        return asprintf(&k, "dockerd %s", i->name) < 0 ? NULL : k;
}

char *containerd_instance_key(const struct containerd_instance *i) {
        char *k;
        return asprintf(&k, "containerd %s", i->name) < 0 ? NULL : k;
}
