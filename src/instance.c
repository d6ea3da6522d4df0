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
        [SOURCE_SUPERVISOR] = "supervisor",
        [SOURCE_RUNIT] = "runit",
        [SOURCE_SYSV] = "sysv",
};

const char *instance_source_name(enum instance_source s) {
        return (unsigned) s < _SOURCE_MAX ? source_names[s] : NULL;
}

void sourced_done(struct sourced *s) {
        free(s->value);
        free(s->evidence);
        *s = (struct sourced) {};
}

/* A new value and its evidence, fmt formatted with ap. 0 or -ENOMEM. */
static int sourced_makev(struct sourced *ret, const char *value, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));
static int sourced_makev(struct sourced *ret, const char *value, const char *fmt, va_list ap) {
        _cleanup_free_ char *v = strdup(value);
        char *e;

        if (!v || vasprintf(&e, fmt, ap) < 0)
                return -ENOMEM;
        *ret = (struct sourced) { .value = TAKE_PTR(v), .evidence = e };
        return 0;
}

int sourced_set(struct sourced *s, const char *value, const char *fmt, ...) {
        struct sourced new;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = sourced_makev(&new, value, fmt, ap);
        va_end(ap);
        if (r < 0)
                return r;
        sourced_done(s);
        *s = new;
        return 0;
}

void sourced_free_many(struct sourced *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                sourced_done(&l[i]);
        free(l);
}

int sourced_append(struct sourced **l, size_t *n, const char *value, const char *fmt, ...) {
        struct sourced new, *a;
        va_list ap;
        int r;

        /* Made before the list moves: value or an argument may point into it. */
        va_start(ap, fmt);
        r = sourced_makev(&new, value, fmt, ap);
        va_end(ap);
        if (r < 0)
                return r;
        a = realloc(*l, sizeof(*a) * (*n + 1));
        if (!a) {
                sourced_done(&new);
                return -ENOMEM;
        }
        *l = a;
        a[(*n)++] = new;
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

void instance_done(struct instance *h) {
        free(h->name);
        free(h->state);
        units_free(h->units, h->n_units);
        free(h->openrc_script);
        free(h->openrc_conf);
        sourced_done(&h->binary);
        free(h->origin);
        running_free(h->running, h->n_running);
        sourced_done(&h->config_file);
        sourced_done(&h->root);
        sourced_free_many(h->runtimes, h->n_runtimes);
        sourced_free_many(h->init_files, h->n_init_files);
        sourced_free_many(h->wrappers, h->n_wrappers);
        *h = (struct instance) {};
}

void dockerd_instance_done(struct dockerd_instance *i) {
        instance_done(&i->head);
        free(i->openrc_conf_base);
        free(i->snap_bin);
        free(i->user);
        free(i->home);
        free(i->unit_dir);
        sourced_free_many(i->launchers, i->n_launchers);
        dockerd_opts_done(&i->flags);
        dockerd_opts_done(&i->running_flags);
        free(i->running_origin);
        free(i->running_exe);
        free(i->config_file_read);
        daemon_config_done(&i->config);
        free(i->exec_root);
        sourced_done(&i->containerd);
        sourced_free_many(i->sockets, i->n_sockets);
        free(i->owner);
        free(i->image_store_why);
        *i = (struct dockerd_instance) {};
}

void containerd_instance_done(struct containerd_instance *i) {
        instance_done(&i->head);
        containerd_opts_done(&i->flags);
        containerd_config_done(&i->config);
        sourced_done(&i->state_dir);
        sourced_done(&i->grpc_address);
        sourced_free_many(i->config_imports, i->n_config_imports);
        sourced_free_many(i->config_dirs, i->n_config_dirs);
        sourced_done(&i->ttrpc_address);
        sourced_done(&i->debug_address);
        sourced_done(&i->plugin_dir);
        sourced_done(&i->supervisor);
        free(i->bin_dir);
        sourced_free_many(i->templates, i->n_templates);
        sourced_free_many(i->option_files, i->n_option_files);
        *i = (struct containerd_instance) {};
}

size_t discovery_n_instances(const struct discovery *d, enum daemon_kind kind) {
        return kind == DAEMON_DOCKERD ? d->n_dockerds : d->n_containerds;
}

struct instance *discovery_instance(const struct discovery *d, enum daemon_kind kind, size_t k) {
        return kind == DAEMON_DOCKERD ? &d->dockerds[k].head : &d->containerds[k].head;
}

int discovery_add_instance(struct discovery *d, enum daemon_kind kind, enum instance_source source,
                           const char *name, struct instance **ret) {
        /* Each daemon's array, with the size of its elements. */
        void **array = kind == DAEMON_DOCKERD ? (void **) &d->dockerds : (void **) &d->containerds;
        size_t *n = kind == DAEMON_DOCKERD ? &d->n_dockerds : &d->n_containerds;
        size_t size = kind == DAEMON_DOCKERD ? sizeof(struct dockerd_instance) : sizeof(struct containerd_instance);
        struct instance *h;
        char *a, *name_copy = strdup(name);

        if (!name_copy)
                return -ENOMEM;
        a = reallocarray(*array, *n + 1, size);
        if (!a) {
                free(name_copy);
                return -ENOMEM;
        }
        *array = a;
        memset(a + *n * size, 0, size);
        h = (struct instance *) (a + *n * size);
        *h = (struct instance) { .kind = kind, .source = source, .name = name_copy };
        (*n)++;
        *ret = h;
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

char *instance_key(const struct instance *h) {
        char *k;
        return asprintf(&k, "%s %s", daemon_kind_name(h->kind), h->name) < 0 ? NULL : k;
}
