/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fake systemd for the integration tests: takes org.freedesktop.systemd1 on the bus named by
 * $DBUS_SYSTEM_BUS_ADDRESS and answers LoadUnit and the unit properties the tool reads, from a
 * description file:
 *
 *     unit docker.service
 *     FragmentPath=/usr/lib/systemd/system/docker.service
 *     DropInPaths=/etc/systemd/system/docker.service.d/data-root.conf
 *     ExecStart=/usr/sbin/dockerd -H fd:// --data-root /srv/moved
 *     EnvironmentFiles=-/etc/default/docker
 *     unit docker.socket
 *     Listen=Stream /run/docker.sock
 *
 * DropInPaths= and EnvironmentFiles= take space-separated lists and may be repeated, as may
 * Listen= (a type and an address); ExecStart= is split on spaces, its first word is the path;
 * LoadState= defaults to "loaded". Units not described are "not-found".
 * Prints "ready" once the name is acquired, then serves until SIGTERM or SIGINT, or until the
 * bus goes away.
 *
 *     fake-systemd DESCRIPTION */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#define UNIT_PREFIX "/org/freedesktop/systemd1/unit"

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void freep(void *p) { free(*(void **) p); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }

static bool endswith(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

static size_t strv_length(char **l) {
        size_t n = 0;
        if (l)
                while (l[n])
                        n++;
        return n;
}

static void strv_free(char **l) {
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}

static int strv_extend_n(char ***l, const char *s, size_t len) {
        size_t n = strv_length(*l);
        char **m, *c;

        c = strndup(s, len);
        if (!c)
                return -ENOMEM;
        m = realloc(*l, sizeof(char *) * (n + 2));
        if (!m) {
                free(c);
                return -ENOMEM;
        }
        m[n] = c;
        m[n + 1] = NULL;
        *l = m;
        return 0;
}

/* Append the space-separated words of s. */
static int strv_split_append(char ***l, const char *s) {
        for (;;) {
                size_t n;
                int r;

                s += strspn(s, " \t");
                if (!*s)
                        return 0;
                n = strcspn(s, " \t");
                r = strv_extend_n(l, s, n);
                if (r < 0)
                        return r;
                s += n;
        }
}

struct unit {
        char *name;
        char *load_state;    /* NULL: "loaded" */
        char *fragment;
        char **dropins;
        char **exec_start;   /* path (and argv[0]), then the arguments */
        char **env_files;    /* "-/path" when errors are ignored */
        char **listen;       /* type, address, type, address, ... */
};

static void unit_done(struct unit *u) {
        free(u->name);
        free(u->load_state);
        free(u->fragment);
        strv_free(u->dropins);
        strv_free(u->exec_start);
        strv_free(u->env_files);
        strv_free(u->listen);
        *u = (struct unit) {};
}

struct units {
        struct unit *units;
        size_t n;
};

static void units_done(struct units *us) {
        for (size_t i = 0; i < us->n; i++)
                unit_done(&us->units[i]);
        free(us->units);
        *us = (struct units) {};
}

static struct unit *units_find(struct units *us, const char *name) {
        for (size_t i = 0; i < us->n; i++)
                if (streq(us->units[i].name, name))
                        return &us->units[i];
        return NULL;
}

static int set_string(char **p, const char *v) {
        char *c = strdup(v);
        if (!c)
                return -ENOMEM;
        free(*p);
        *p = c;
        return 0;
}

static int unit_set(struct unit *u, const char *key, const char *value) {
        if (streq(key, "LoadState"))
                return set_string(&u->load_state, value);
        if (streq(key, "FragmentPath"))
                return set_string(&u->fragment, value);
        if (streq(key, "DropInPaths"))
                return strv_split_append(&u->dropins, value);
        if (streq(key, "ExecStart")) {
                strv_free(u->exec_start);
                u->exec_start = NULL;
                return strv_split_append(&u->exec_start, value);
        }
        if (streq(key, "EnvironmentFiles"))
                return strv_split_append(&u->env_files, value);
        if (streq(key, "Listen")) {
                char **l = NULL;
                int r;

                r = strv_split_append(&l, value);
                if (r >= 0 && strv_length(l) != 2)
                        r = -EINVAL;
                if (r >= 0)
                        r = strv_split_append(&u->listen, value);
                strv_free(l);
                return r;
        }
        return -EINVAL;
}

static int units_parse(const char *path, struct units *ret) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        struct units us = {};
        size_t size = 0;
        unsigned n = 0;
        int r = 0;

        f = fopen(path, "re");
        if (!f) {
                r = -errno;
                fprintf(stderr, "fake-systemd: %s: %s\n", path, strerror(-r));
                return r;
        }

        for (;;) {
                ssize_t k;
                char *s, *eq;

                errno = 0;
                k = getline(&line, &size, f);
                if (k < 0) {
                        r = errno > 0 ? -errno : 0;
                        break;
                }
                n++;
                if (k > 0 && line[k - 1] == '\n')
                        line[k - 1] = 0;
                s = line + strspn(line, " \t");
                if (!*s || *s == '#')
                        continue;

                if (strncmp(s, "unit ", 5) == 0) {
                        const char *name = s + 5 + strspn(s + 5, " \t");
                        struct unit *m;

                        if (!*name || strpbrk(name, " \t/") || units_find(&us, name)) {
                                r = -EINVAL;
                                break;
                        }
                        m = realloc(us.units, sizeof(struct unit) * (us.n + 1));
                        if (!m) {
                                r = -ENOMEM;
                                break;
                        }
                        us.units = m;
                        us.units[us.n] = (struct unit) { .name = strdup(name) };
                        if (!us.units[us.n].name) {
                                r = -ENOMEM;
                                break;
                        }
                        us.n++;
                        continue;
                }

                eq = strchr(s, '=');
                if (!eq || us.n == 0) {
                        r = -EINVAL;
                        break;
                }
                *eq = 0;
                r = unit_set(&us.units[us.n - 1], s, eq + 1);
                if (r < 0)
                        break;
        }
        if (r < 0) {
                fprintf(stderr, "fake-systemd: %s:%u: %s\n", path, n,
                        r == -EINVAL ? "not understood" : strerror(-r));
                units_done(&us);
                return r;
        }

        *ret = us;
        return 0;
}

/* What every unit systemd does not know looks like. */
static struct unit not_found_unit = {
        .load_state = (char *) "not-found",
};

static int unit_property(sd_bus *bus, const char *path, const char *interface, const char *property,
                         sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const struct unit *u = userdata;
        int r;

        if (streq(property, "LoadState"))
                return sd_bus_message_append(reply, "s", u->load_state ? u->load_state : "loaded");
        if (streq(property, "FragmentPath"))
                return sd_bus_message_append(reply, "s", u->fragment ? u->fragment : "");
        if (streq(property, "DropInPaths"))
                return sd_bus_message_append_strv(reply, u->dropins);

        if (streq(property, "ExecStart")) {
                r = sd_bus_message_open_container(reply, 'a', "(sasbttttuii)");
                if (r < 0)
                        return r;
                if (u->exec_start && u->exec_start[0]) {
                        r = sd_bus_message_open_container(reply, 'r', "sasbttttuii");
                        if (r < 0)
                                return r;
                        r = sd_bus_message_append(reply, "s", u->exec_start[0]);
                        if (r < 0)
                                return r;
                        r = sd_bus_message_append_strv(reply, u->exec_start);
                        if (r < 0)
                                return r;
                        r = sd_bus_message_append(reply, "bttttuii", 0, UINT64_C(0), UINT64_C(0), UINT64_C(0),
                                                  UINT64_C(0), 0u, 0, 0);
                        if (r < 0)
                                return r;
                        r = sd_bus_message_close_container(reply);
                        if (r < 0)
                                return r;
                }
                return sd_bus_message_close_container(reply);
        }

        if (streq(property, "EnvironmentFiles")) {
                r = sd_bus_message_open_container(reply, 'a', "(sb)");
                if (r < 0)
                        return r;
                for (char **p = u->env_files; p && *p; p++) {
                        bool ignore = (*p)[0] == '-';

                        r = sd_bus_message_append(reply, "(sb)", *p + ignore, (int) ignore);
                        if (r < 0)
                                return r;
                }
                return sd_bus_message_close_container(reply);
        }

        if (streq(property, "Listen")) {
                r = sd_bus_message_open_container(reply, 'a', "(ss)");
                if (r < 0)
                        return r;
                for (char **p = u->listen; p && p[0] && p[1]; p += 2) {
                        r = sd_bus_message_append(reply, "(ss)", p[0], p[1]);
                        if (r < 0)
                                return r;
                }
                return sd_bus_message_close_container(reply);
        }

        return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s.", property);
}

static const sd_bus_vtable unit_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("LoadState", "s", unit_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("FragmentPath", "s", unit_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("DropInPaths", "as", unit_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

static const sd_bus_vtable service_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("ExecStart", "a(sasbttttuii)", unit_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("EnvironmentFiles", "a(sb)", unit_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

static const sd_bus_vtable socket_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Listen", "a(ss)", unit_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

static bool unit_name_valid(const char *name) {
        const char *dot = strrchr(name, '.');
        return dot && dot != name && dot[1] && !strpbrk(name, " \t/");
}

/* Any object under UNIT_PREFIX is a unit: a described one, or one that is not found. Only the
 * interface that fits the unit's type is there. */
static int unit_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                     sd_bus_error *error) {
        _cleanup_free_ char *name = NULL;
        struct unit *u;
        int r;

        r = sd_bus_path_decode(path, UNIT_PREFIX, &name);
        if (r <= 0)
                return r;
        if (!unit_name_valid(name))
                return 0;
        if (streq(interface, "org.freedesktop.systemd1.Service") && !endswith(name, ".service"))
                return 0;
        if (streq(interface, "org.freedesktop.systemd1.Socket") && !endswith(name, ".socket"))
                return 0;

        u = units_find(userdata, name);
        *found = u ? u : &not_found_unit;
        return 1;
}

static int load_unit(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *path = NULL;
        const char *name;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        if (!unit_name_valid(name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Unit name %s is not valid.", name);
        r = sd_bus_path_encode(UNIT_PREFIX, name, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "o", path);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("LoadUnit", "s", "o", load_unit, 0),
        SD_BUS_VTABLE_END
};

static int serve(const char *address, struct units *us) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        sigset_t mask;
        int r;

        /* Blocked before sd_event_add_signal(), as it wants. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;

        r = sd_event_default(&event);
        if (r < 0)
                return r;
        r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
        if (r < 0)
                return r;
        r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
        if (r < 0)
                return r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, address);
        if (r < 0)
                return r;
        r = sd_bus_set_bus_client(bus, true);
        if (r < 0)
                return r;
        /* When the dbus-daemon goes away, so do we. */
        r = sd_bus_set_exit_on_disconnect(bus, true);
        if (r < 0)
                return r;
        r = sd_bus_start(bus);
        if (r < 0)
                return r;

        r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                     manager_vtable, NULL);
        if (r < 0)
                return r;
        r = sd_bus_add_fallback_vtable(bus, NULL, UNIT_PREFIX, "org.freedesktop.systemd1.Unit", unit_vtable,
                                       unit_find, us);
        if (r < 0)
                return r;
        r = sd_bus_add_fallback_vtable(bus, NULL, UNIT_PREFIX, "org.freedesktop.systemd1.Service",
                                       service_vtable, unit_find, us);
        if (r < 0)
                return r;
        r = sd_bus_add_fallback_vtable(bus, NULL, UNIT_PREFIX, "org.freedesktop.systemd1.Socket", socket_vtable,
                                       unit_find, us);
        if (r < 0)
                return r;

        r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return r;

        printf("ready\n");
        if (fflush(stdout) != 0)
                return -errno;

        r = sd_event_loop(event);
        if (r < 0)
                return r;
        (void) sd_bus_detach_event(bus);
        return 0;
}

int main(int argc, char *argv[]) {
        const char *address;
        struct units us = {};
        int r;

        if (argc != 2) {
                fprintf(stderr, "Usage: %s DESCRIPTION\n", argv[0]);
                return 2;
        }
        address = getenv("DBUS_SYSTEM_BUS_ADDRESS");
        if (!address || !*address) {
                fprintf(stderr, "fake-systemd: $DBUS_SYSTEM_BUS_ADDRESS is not set\n");
                return 2;
        }

        r = units_parse(argv[1], &us);
        if (r < 0)
                return 1;

        r = serve(address, &us);
        units_done(&us);
        if (r < 0) {
                fprintf(stderr, "fake-systemd: %s\n", strerror(-r));
                return 1;
        }
        return 0;
}
