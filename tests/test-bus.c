/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus.c against a private dbus-daemon and a fake systemd implemented here with sd-bus. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <systemd/sd-daemon.h>

#include "bus.h"
#include "testlib.h"
#include "util.h"

#define _unused_ __attribute__((unused))

struct fake_exec {
        const char *path;
        const char *const *argv;
};

struct fake_pair {
        const char *a;
        const char *b;
        bool ignore;
};

struct fake_unit {
        const char *name;
        const char *load_state;
        const char *fragment;
        const char *const *dropins;
        const struct fake_exec *exec;       /* terminated by .path == NULL */
        const struct fake_pair *env_files;  /* .a path, .ignore; terminated by .a == NULL */
        const struct fake_pair *listen;     /* .a type, .b address; terminated by .a == NULL */
};

static const struct fake_unit fake_units[] = {
        {
                .name = "docker.service",
                .load_state = "loaded",
                .fragment = "/usr/lib/systemd/system/docker.service",
                .dropins = (const char *const[]) { "/etc/systemd/system/docker.service.d/data-root.conf", NULL },
                .exec = (const struct fake_exec[]) {
                        { "/usr/bin/dockerd",
                          (const char *const[]) { "/usr/bin/dockerd", "-H", "fd://", "--data-root", "/srv/moved", NULL } },
                        {},
                },
                .env_files = (const struct fake_pair[]) { { "/etc/default/docker", NULL, true }, {} },
        },
        {
                .name = "docker.socket",
                .load_state = "loaded",
                .fragment = "/usr/lib/systemd/system/docker.socket",
                .listen = (const struct fake_pair[]) {
                        { "Stream", "/run/docker.sock", false },
                        { "Datagram", "/run/docker-dgram.sock", false },
                        {},
                },
        },
        {
                /* argv[0] differs from the path, two entries, no drop-ins. */
                .name = "containerd.service",
                .load_state = "loaded",
                .fragment = "/etc/systemd/system/containerd.service",
                .exec = (const struct fake_exec[]) {
                        { "/usr/bin/containerd",
                          (const char *const[]) { "@containerd", "--config", "/etc/containerd/config.toml", NULL } },
                        { "/bin/true", (const char *const[]) { "/bin/true", NULL } },
                        {},
                },
                .env_files = (const struct fake_pair[]) {
                        { "/etc/default/containerd", NULL, false },
                        { "/etc/sysconfig/containerd", NULL, true },
                        {},
                },
        },
        {
                .name = "missing.service",
                .load_state = "not-found",
        },
        {
                .name = "masked.service",
                .load_state = "masked",
                .fragment = "/etc/systemd/system/masked.service",
        },
};

static char tmpdir[PATH_MAX];
static char address[PATH_MAX + 32];
static pid_t daemon_pid = -1, fake_pid = -1;

/* ---- the fake systemd, run in a forked child ---- */

static int fake_property(sd_bus *bus, const char *path, const char *interface, const char *property,
                         sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const struct fake_unit *u = userdata;
        int r;

        if (streq(property, "LoadState"))
                return sd_bus_message_append(reply, "s", u->load_state);
        if (streq(property, "FragmentPath"))
                return sd_bus_message_append(reply, "s", strempty(u->fragment));
        if (streq(property, "DropInPaths"))
                return sd_bus_message_append_strv(reply, (char **) u->dropins);

        if (streq(property, "ExecStart")) {
                r = sd_bus_message_open_container(reply, 'a', "(sasbttttuii)");
                if (r < 0)
                        return r;
                for (const struct fake_exec *e = u->exec; e && e->path; e++) {
                        r = sd_bus_message_open_container(reply, 'r', "sasbttttuii");
                        if (r < 0)
                                return r;
                        r = sd_bus_message_append(reply, "s", e->path);
                        if (r < 0)
                                return r;
                        r = sd_bus_message_append_strv(reply, (char **) e->argv);
                        if (r < 0)
                                return r;
                        r = sd_bus_message_append(reply, "bttttuii", 0, UINT64_C(1), UINT64_C(2), UINT64_C(0),
                                                  UINT64_C(0), 4242u, 0, 0);
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
                for (const struct fake_pair *p = u->env_files; p && p->a; p++) {
                        r = sd_bus_message_append(reply, "(sb)", p->a, (int) p->ignore);
                        if (r < 0)
                                return r;
                }
                return sd_bus_message_close_container(reply);
        }

        if (streq(property, "Listen")) {
                r = sd_bus_message_open_container(reply, 'a', "(ss)");
                if (r < 0)
                        return r;
                for (const struct fake_pair *p = u->listen; p && p->a; p++) {
                        r = sd_bus_message_append(reply, "(ss)", p->a, p->b);
                        if (r < 0)
                                return r;
                }
                return sd_bus_message_close_container(reply);
        }

        return -ENOENT;
}

static const sd_bus_vtable unit_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("LoadState", "s", fake_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("FragmentPath", "s", fake_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("DropInPaths", "as", fake_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

static const sd_bus_vtable service_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("ExecStart", "a(sasbttttuii)", fake_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("EnvironmentFiles", "a(sb)", fake_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

static const sd_bus_vtable socket_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Listen", "a(ss)", fake_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

static int fake_load_unit(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *path = NULL;
        const char *name;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        if (streq(name, "hang.service"))
                return 1; /* never answer */
        if (streq(name, "gone.service"))
                return sd_bus_error_setf(error, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", name);
        for (size_t i = 0; i < ELEMENTSOF(fake_units); i++)
                if (streq(fake_units[i].name, name)) {
                        r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", name, &path);
                        if (r < 0)
                                return r;
                        return sd_bus_reply_method_return(m, "o", path);
                }
        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Unit name %s is not valid.", name);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("LoadUnit", "s", "o", fake_load_unit, 0),
        SD_BUS_VTABLE_END
};

static int fake_systemd_run(int ready_fd) {
        sd_bus *bus = NULL;
        char c = 'R';
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, address);
        if (r < 0)
                return r;
        r = sd_bus_set_bus_client(bus, true);
        if (r < 0)
                return r;
        r = sd_bus_start(bus);
        if (r < 0)
                return r;
        r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                     manager_vtable, NULL);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(fake_units); i++) {
                const struct fake_unit *u = &fake_units[i];
                _cleanup_free_ char *path = NULL;

                r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", u->name, &path);
                if (r < 0)
                        return r;
                r = sd_bus_add_object_vtable(bus, NULL, path, "org.freedesktop.systemd1.Unit", unit_vtable,
                                             (void *) u);
                if (r < 0)
                        return r;
                if (endswith(u->name, ".service"))
                        r = sd_bus_add_object_vtable(bus, NULL, path, "org.freedesktop.systemd1.Service",
                                                     service_vtable, (void *) u);
                else
                        r = sd_bus_add_object_vtable(bus, NULL, path, "org.freedesktop.systemd1.Socket",
                                                     socket_vtable, (void *) u);
                if (r < 0)
                        return r;
        }
        r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0);
        if (r < 0)
                return r;
        if (write(ready_fd, &c, 1) != 1)
                return -errno;

        for (;;) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0)
                        return r;
        }
}

/* ---- helpers of the test process ---- */

static int read_with_timeout(int fd, char *buf, size_t size, int timeout_ms) {
        size_t n = 0;

        while (n < size) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                ssize_t k;
                int r;

                r = poll(&p, 1, timeout_ms);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (r == 0)
                        return -ETIMEDOUT;
                k = read(fd, buf + n, size - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (memchr(buf, '\n', n))
                        break;
        }
        return (int) n;
}

static void stop(pid_t *pid) {
        if (*pid > 0) {
                kill(*pid, SIGKILL);
                (void) waitpid(*pid, NULL, 0);
                *pid = -1;
        }
}

static void unlink_in_tmpdir(const char *name) {
        _cleanup_free_ char *p = path_join(tmpdir, name);
        if (p)
                (void) unlink(p);
}

static int group_teardown(void **state _unused_) {
        stop(&fake_pid);
        stop(&daemon_pid);
        unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
        if (tmpdir[0]) {
                unlink_in_tmpdir("bus");
                unlink_in_tmpdir("bus.conf");
                (void) rmdir(tmpdir);
                tmpdir[0] = 0;
        }
        return 0;
}

static int start_daemon(void) {
        _cleanup_free_ char *conf = NULL;
        FILE *f;
        int pfd[2], r;
        char *nl;

        strcpy(tmpdir, "/tmp/dar-bus-XXXXXX");
        if (!mkdtemp(tmpdir)) {
                tmpdir[0] = 0;
                return -errno;
        }
        conf = path_join(tmpdir, "bus.conf");
        if (!conf)
                return -ENOMEM;
        f = fopen(conf, "we");
        if (!f)
                return -errno;
        fprintf(f,
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                "<busconfig>\n"
                "  <type>session</type>\n"
                "  <listen>unix:path=%s/bus</listen>\n"
                "  <auth>EXTERNAL</auth>\n"
                "  <policy context=\"default\">\n"
                "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                "    <allow eavesdrop=\"true\"/>\n"
                "    <allow own=\"*\"/>\n"
                "    <allow user=\"*\"/>\n"
                "  </policy>\n"
                "</busconfig>\n", tmpdir);
        if (fclose(f) != 0)
                return -errno;

        if (pipe2(pfd, O_CLOEXEC) < 0)
                return -errno;
        daemon_pid = fork();
        if (daemon_pid < 0) {
                r = -errno;
                close(pfd[0]);
                close(pfd[1]);
                return r;
        }
        if (daemon_pid == 0) {
                char arg_conf[PATH_MAX + 32], arg_fd[32];
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);

                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(pfd[1], 3) < 0)
                        _exit(127);
                snprintf(arg_conf, sizeof(arg_conf), "--config-file=%s", conf);
                snprintf(arg_fd, sizeof(arg_fd), "--print-address=%d", 3);
                execlp("dbus-daemon", "dbus-daemon", arg_conf, "--nofork", "--nopidfile", arg_fd, (char *) NULL);
                _exit(127);
        }
        close(pfd[1]);
        r = read_with_timeout(pfd[0], address, sizeof(address) - 1, 10000);
        close(pfd[0]);
        if (r <= 0)
                return r < 0 ? r : -EIO;
        address[r] = 0;
        nl = strchr(address, '\n');
        if (!nl)
                return -EIO;
        *nl = 0;
        return setenv("DBUS_SYSTEM_BUS_ADDRESS", address, 1) < 0 ? -errno : 0;
}

static int group_setup(void **state) {
        int r = start_daemon();

        if (r < 0) {
                fprintf(stderr, "starting dbus-daemon failed: %s\n", strerror(-r));
                group_teardown(state);
                return -1;
        }
        return 0;
}

/* The fake systemd is started by a test, so that the first tests see a bus without it. */
static void start_fake_systemd(void) {
        int pfd[2];
        char c;

        if (fake_pid > 0)
                return;
        assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
        fake_pid = fork();
        assert_true(fake_pid >= 0);
        if (fake_pid == 0) {
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(pfd[0]);
                _exit(fake_systemd_run(pfd[1]) < 0 ? 1 : 0);
        }
        close(pfd[1]);
        assert_int_equal(read_with_timeout(pfd[0], &c, 1, 10000), 1);
        close(pfd[0]);
}

static const struct bus_unit sentinel = {
        .found = true,
        .fragment_path = (char *) "sentinel",
};

static void assert_untouched(const struct bus_unit *u) {
        assert_memory_equal(u, &sentinel, sizeof(*u));
}

/* ---- tests ---- */

static void test_connect(void **state _unused_) {
        _cleanup_free_ char *saved = strdup(address);
        sd_bus *bus = NULL;

        assert_non_null(saved);

        assert_int_equal(bus_connect(&bus), 0);
        assert_non_null(bus);
        bus = sd_bus_flush_close_unref(bus);

        /* Nobody listening: fails right away, ret untouched. */
        assert_int_equal(setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/dar/bus", 1), 0);
        bus = (sd_bus *) 0x1;
        assert_true(bus_connect(&bus) < 0);
        assert_ptr_equal(bus, (sd_bus *) 0x1);

        /* No address and not booted with systemd: -ENXIO. (On a systemd host this would
         * connect to the real bus, so only check where it cannot.) */
        if (sd_booted() <= 0) {
                assert_int_equal(setenv("DBUS_SYSTEM_BUS_ADDRESS", "", 1), 0);
                assert_int_equal(bus_connect(&bus), -ENXIO);
                assert_int_equal(unsetenv("DBUS_SYSTEM_BUS_ADDRESS"), 0);
                assert_int_equal(bus_connect(&bus), -ENXIO);
                assert_ptr_equal(bus, (sd_bus *) 0x1);
        }

        assert_int_equal(setenv("DBUS_SYSTEM_BUS_ADDRESS", saved, 1), 0);
}

static void test_no_systemd_on_bus(void **state _unused_) {
        struct bus_unit u = sentinel;
        sd_bus *bus = NULL;
        int r;

        assert_int_equal(bus_connect(&bus), 0);
        r = bus_get_unit(bus, "docker.service", &u);
        sd_bus_flush_close_unref(bus);
        assert_true(r < 0);
        assert_untouched(&u);
}

static void test_docker_service(void **state _unused_) {
        struct bus_unit u = {};
        sd_bus *bus = NULL;
        int r;

        start_fake_systemd();
        assert_int_equal(bus_connect(&bus), 0);
        r = bus_get_unit(bus, "docker.service", &u);
        sd_bus_flush_close_unref(bus);
        assert_int_equal(r, 0);

        assert_true(u.found);
        assert_false(u.masked);
        assert_string_equal(u.fragment_path, "/usr/lib/systemd/system/docker.service");
        assert_strv(u.dropin_paths, (const char *[]) { "/etc/systemd/system/docker.service.d/data-root.conf", NULL });
        assert_strv(u.exec_start,
                    (const char *[]) { "/usr/bin/dockerd", "-H", "fd://", "--data-root", "/srv/moved", NULL });
        assert_strv(u.environment_files, (const char *[]) { "-/etc/default/docker", NULL });
        assert_null(u.listen);
        bus_unit_done(&u);
}

static void test_docker_socket(void **state _unused_) {
        struct bus_unit u = {};
        sd_bus *bus = NULL;
        int r;

        start_fake_systemd();
        assert_int_equal(bus_connect(&bus), 0);
        r = bus_get_unit(bus, "docker.socket", &u);
        sd_bus_flush_close_unref(bus);
        assert_int_equal(r, 0);

        assert_true(u.found);
        assert_string_equal(u.fragment_path, "/usr/lib/systemd/system/docker.socket");
        assert_null(u.dropin_paths);
        assert_null(u.exec_start);
        assert_null(u.environment_files);
        assert_strv(u.listen, (const char *[]) { "/run/docker.sock", NULL }); /* Datagram left out */
        bus_unit_done(&u);
}

static void test_containerd_service(void **state _unused_) {
        struct bus_unit u = {};
        sd_bus *bus = NULL;
        int r;

        start_fake_systemd();
        assert_int_equal(bus_connect(&bus), 0);
        r = bus_get_unit(bus, "containerd.service", &u);
        sd_bus_flush_close_unref(bus);
        assert_int_equal(r, 0);

        assert_true(u.found);
        assert_string_equal(u.fragment_path, "/etc/systemd/system/containerd.service");
        assert_null(u.dropin_paths);
        /* First entry only, argv[0] replaced by the path. */
        assert_strv(u.exec_start,
                    (const char *[]) { "/usr/bin/containerd", "--config", "/etc/containerd/config.toml", NULL });
        assert_strv(u.environment_files,
                    (const char *[]) { "/etc/default/containerd", "-/etc/sysconfig/containerd", NULL });
        bus_unit_done(&u);
}

static void test_not_found_and_masked(void **state _unused_) {
        struct bus_unit u = sentinel;
        sd_bus *bus = NULL;

        start_fake_systemd();
        assert_int_equal(bus_connect(&bus), 0);

        assert_int_equal(bus_get_unit(bus, "missing.service", &u), 0);
        assert_false(u.found);
        assert_false(u.masked);
        assert_null(u.fragment_path);
        assert_null(u.dropin_paths);
        assert_null(u.exec_start);
        assert_null(u.environment_files);
        assert_null(u.listen);

        u = sentinel;
        assert_int_equal(bus_get_unit(bus, "gone.service", &u), 0);
        assert_false(u.found);
        assert_null(u.fragment_path);

        assert_int_equal(bus_get_unit(bus, "masked.service", &u), 0);
        assert_true(u.found);
        assert_true(u.masked);
        assert_string_equal(u.fragment_path, "/etc/systemd/system/masked.service");
        assert_null(u.exec_start);
        bus_unit_done(&u);

        u = sentinel;
        assert_int_equal(bus_get_unit(bus, "bad name", &u), -EINVAL);
        assert_untouched(&u);
        assert_int_equal(bus_get_unit(bus, "", &u), -EINVAL);
        assert_untouched(&u);

        sd_bus_flush_close_unref(bus);
}

/* Several units on one connection: each gets its own answer and its own result. */
static void test_get_units(void **state _unused_) {
        static const char *const names[] = { "docker.service", "missing.service", "bad name", "docker.socket", NULL };
        struct bus_unit u[4];
        int errs[4];

        start_fake_systemd();
        assert_int_equal(bus_get_units(names, u, errs), 0);
        assert_int_equal(errs[0], 0);
        assert_true(u[0].found);
        assert_string_equal(u[0].fragment_path, "/usr/lib/systemd/system/docker.service");
        assert_int_equal(errs[1], 0);
        assert_false(u[1].found);
        assert_int_equal(errs[2], -EINVAL);
        assert_false(u[2].found);
        assert_null(u[2].fragment_path);
        assert_int_equal(errs[3], 0);
        assert_strv(u[3].listen, (const char *[]) { "/run/docker.sock", NULL });
        for (size_t i = 0; i < 4; i++)
                bus_unit_done(&u[i]);
}

static void test_get_units_no_bus(void **state _unused_) {
        static const char *const names[] = { "docker.service", NULL };
        _cleanup_free_ char *saved = strdup(address);
        struct bus_unit u[1] = { sentinel };
        int errs[1] = { 7 };

        assert_non_null(saved);
        assert_int_equal(setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/dar/bus", 1), 0);
        assert_true(bus_get_units(names, u, errs) < 0);
        assert_untouched(&u[0]);
        assert_int_equal(errs[0], 7);
        assert_int_equal(setenv("DBUS_SYSTEM_BUS_ADDRESS", saved, 1), 0);
}

static void test_timeout(void **state _unused_) {
        struct bus_unit u = sentinel;
        sd_bus *bus = NULL;
        int r;

        start_fake_systemd();
        assert_int_equal(bus_connect(&bus), 0);
        /* The real bound is BUS_CALL_TIMEOUT_USEC; shorten it so the test stays quick. */
        assert_int_equal(sd_bus_set_method_call_timeout(bus, 300 * 1000), 0);
        r = bus_get_unit(bus, "hang.service", &u);
        sd_bus_flush_close_unref(bus);
        assert_int_equal(r, -ETIMEDOUT);
        assert_untouched(&u);
}

static bool have_dbus_daemon(void) {
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/bin:/bin");
        char *save = NULL;

        if (!copy)
                return false;
        for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *p = path_join(d, "dbus-daemon");
                if (p && access(p, X_OK) == 0)
                        return true;
        }
        return false;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_connect),
                cmocka_unit_test(test_no_systemd_on_bus),
                cmocka_unit_test(test_docker_service),
                cmocka_unit_test(test_docker_socket),
                cmocka_unit_test(test_containerd_service),
                cmocka_unit_test(test_not_found_and_masked),
                cmocka_unit_test(test_get_units),
                cmocka_unit_test(test_get_units_no_bus),
                cmocka_unit_test(test_timeout),
        };

        if (!have_dbus_daemon())
                return 77;
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
