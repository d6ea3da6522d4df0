/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <systemd/sd-daemon.h>

#include "bus.h"
#include "util.h"

#define SYSTEMD_DEST "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define MANAGER_IFACE "org.freedesktop.systemd1.Manager"
#define UNIT_IFACE "org.freedesktop.systemd1.Unit"
#define SERVICE_IFACE "org.freedesktop.systemd1.Service"
#define SOCKET_IFACE "org.freedesktop.systemd1.Socket"

#define SYSTEMD_PRIVATE_ADDRESS "unix:path=/run/systemd/private"
#define SYSTEM_BUS_ADDRESS "unix:path=/run/dbus/system_bus_socket"

void bus_unit_done(struct bus_unit *u) {
        if (!u)
                return;
        free(u->fragment_path);
        strv_free(u->dropin_paths);
        strv_free(u->exec_start);
        strv_free(u->environment_files);
        strv_free(u->listen);
        *u = (struct bus_unit) {};
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000ULL;
}

/* sd_bus_start() only begins authentication; finish it (and Hello) here, bounded. */
static int bus_wait_ready(sd_bus *bus, uint64_t timeout_usec) {
        uint64_t deadline = now_usec() + timeout_usec;

        for (;;) {
                uint64_t n;
                int r;

                r = sd_bus_is_ready(bus);
                if (r != 0)
                        return r < 0 ? r : 0;
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                n = now_usec();
                if (n >= deadline)
                        return -ETIMEDOUT;
                r = sd_bus_wait(bus, deadline - n);
                if (r < 0)
                        return r;
        }
}

static int bus_open_address(const char *address, bool bus_client, sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, address);
        if (r < 0)
                return r;
        r = sd_bus_set_bus_client(bus, bus_client);
        if (r < 0)
                return r;
        r = sd_bus_set_method_call_timeout(bus, BUS_CALL_TIMEOUT_USEC);
        if (r < 0)
                return r;
        r = sd_bus_start(bus);
        if (r < 0)
                return r;
        r = bus_wait_ready(bus, BUS_CALL_TIMEOUT_USEC);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(bus);
        return 0;
}

int bus_connect(sd_bus **ret) {
        const char *e;
        int r;

        if (!ret)
                return -EINVAL;

        e = getenv("DBUS_SYSTEM_BUS_ADDRESS");
        if (e && *e)
                return bus_open_address(e, true, ret);

        r = sd_booted();
        if (r < 0)
                return r;
        if (r == 0)
                return -ENXIO;

        /* Like systemctl: root talks to PID 1 directly, which works without a D-Bus daemon. */
        if (geteuid() == 0 && bus_open_address(SYSTEMD_PRIVATE_ADDRESS, false, ret) >= 0)
                return 0;
        return bus_open_address(SYSTEM_BUS_ADDRESS, true, ret);
}

static int get_string(sd_bus *bus, const char *path, const char *iface, const char *member, char **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char *s = NULL;
        int r;

        r = sd_bus_get_property_string(bus, SYSTEMD_DEST, path, iface, member, &error, &s);
        if (r < 0)
                return r;
        if (s && !*s) {
                free(s);
                s = NULL;
        }
        *ret = s;
        return 0;
}

static int get_strv(sd_bus *bus, const char *path, const char *iface, const char *member, char ***ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char **l = NULL;
        int r;

        r = sd_bus_get_property_strv(bus, SYSTEMD_DEST, path, iface, member, &error, &l);
        if (r < 0)
                return r;
        if (strv_length(l) == 0) {
                strv_free(l);
                l = NULL;
        }
        *ret = l;
        return 0;
}

static int get_exec_start(sd_bus *bus, const char *path, char ***ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **argv = NULL, **l = NULL;
        const char *p;
        int r;

        r = sd_bus_get_property(bus, SYSTEMD_DEST, path, SERVICE_IFACE, "ExecStart", &error, &reply,
                                "a(sasbttttuii)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(sasbttttuii)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'r', "sasbttttuii");
        if (r < 0)
                return r;
        if (r == 0) { /* no ExecStart= at all */
                *ret = NULL;
                return 0;
        }
        r = sd_bus_message_read(reply, "s", &p);
        if (r < 0)
                return r;
        r = sd_bus_message_read_strv(reply, &argv);
        if (r < 0)
                return r;

        r = strv_extend(&l, p);
        if (r < 0)
                return r;
        if (argv && argv[0]) {
                r = strv_extend_strv(&l, argv + 1);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int get_environment_files(sd_bus *bus, const char *path, char ***ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **l = NULL;
        int r;

        r = sd_bus_get_property(bus, SYSTEMD_DEST, path, SERVICE_IFACE, "EnvironmentFiles", &error, &reply,
                                "a(sb)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(sb)");
        if (r < 0)
                return r;
        for (;;) {
                const char *p;
                int ignore;
                char *s;

                r = sd_bus_message_read(reply, "(sb)", &p, &ignore);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (asprintf(&s, "%s%s", ignore ? "-" : "", p) < 0)
                        return -ENOMEM;
                r = strv_push(&l, s);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int get_listen(sd_bus *bus, const char *path, char ***ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **l = NULL;
        int r;

        r = sd_bus_get_property(bus, SYSTEMD_DEST, path, SOCKET_IFACE, "Listen", &error, &reply, "a(ss)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ss)");
        if (r < 0)
                return r;
        for (;;) {
                const char *type, *address;

                r = sd_bus_message_read(reply, "(ss)", &type, &address);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (!streq(type, "Stream"))
                        continue;
                r = strv_extend(&l, address);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int bus_get_unit(sd_bus *bus, const char *name, struct bus_unit *ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(bus_unit_done) struct bus_unit u = {};
        _cleanup_free_ char *load_state = NULL;
        const char *path;
        int r;

        if (!bus || !name || !*name || !ret)
                return -EINVAL;

        r = sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, MANAGER_IFACE, "LoadUnit", &error, &reply,
                               "s", name);
        if (r < 0) {
                /* LoadUnit normally answers with a "not-found" unit, but be lenient. */
                if (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit")) {
                        *ret = (struct bus_unit) {};
                        return 0;
                }
                return r;
        }
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return r;

        r = get_string(bus, path, UNIT_IFACE, "LoadState", &load_state);
        if (r < 0)
                return r;
        if (streq_ptr(load_state, "not-found")) {
                *ret = (struct bus_unit) {};
                return 0;
        }
        u.found = true;
        u.masked = streq_ptr(load_state, "masked");

        r = get_string(bus, path, UNIT_IFACE, "FragmentPath", &u.fragment_path);
        if (r < 0)
                return r;
        r = get_strv(bus, path, UNIT_IFACE, "DropInPaths", &u.dropin_paths);
        if (r < 0)
                return r;

        if (endswith(name, ".service")) {
                r = get_exec_start(bus, path, &u.exec_start);
                if (r < 0)
                        return r;
                r = get_environment_files(bus, path, &u.environment_files);
                if (r < 0)
                        return r;
        } else if (endswith(name, ".socket")) {
                r = get_listen(bus, path, &u.listen);
                if (r < 0)
                        return r;
        }

        *ret = u;
        u = (struct bus_unit) {};
        return 0;
}

int bus_get_units(const char *const *names, struct bus_unit *ret, int *ret_errors) {
        sd_bus *bus = NULL;
        int r;

        r = bus_connect(&bus);
        if (r < 0)
                return r;
        for (size_t i = 0; names[i]; i++) {
                ret[i] = (struct bus_unit) {};
                ret_errors[i] = bus_get_unit(bus, names[i], &ret[i]);
        }
        sd_bus_flush_close_unref(bus);
        return 0;
}
