/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dockerd_args.h"
#include "testlib.h"
#include "util.h"

#define ARGV(...) ((char *[]) { "dockerd", __VA_ARGS__, NULL })

static void test_empty(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse((char *[]) { "dockerd", NULL }, &o), 0);
        assert_null(o.config_file);
        assert_null(o.data_root);
        assert_null(o.exec_root);
        assert_null(o.containerd);
        assert_null(o.hosts);
        assert_null(o.runtimes);
        assert_int_equal(dockerd_args_parse((char *[]) { NULL }, &o), 0);
        assert_null(o.data_root);
        dockerd_opts_done(&o);
}

static void test_separate_values(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("--config-file", "/etc/d.json",
                                                 "--data-root", "/srv/docker",
                                                 "--exec-root", "/run/dx",
                                                 "--containerd", "/run/containerd/containerd.sock",
                                                 "-H", "fd://",
                                                 "--host", "unix:///run/docker.sock",
                                                 "--add-runtime", "crun=/usr/bin/crun"), &o), 0);
        assert_string_equal(o.config_file, "/etc/d.json");
        assert_string_equal(o.data_root, "/srv/docker");
        assert_string_equal(o.exec_root, "/run/dx");
        assert_string_equal(o.containerd, "/run/containerd/containerd.sock");
        assert_int_equal(strv_length(o.hosts), 2);
        assert_string_equal(o.hosts[0], "fd://");
        assert_string_equal(o.hosts[1], "unix:///run/docker.sock");
        assert_int_equal(strv_length(o.runtimes), 1);
        assert_string_equal(o.runtimes[0], "crun=/usr/bin/crun");
        dockerd_opts_done(&o);
        assert_null(o.data_root);
        assert_null(o.hosts);
}

static void test_equals_values(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("--config-file=/etc/d.json",
                                                 "--data-root=/srv/docker",
                                                 "--exec-root=/run/dx",
                                                 "--containerd=/run/c.sock",
                                                 "--host=unix:///a.sock",
                                                 "-Hunix:///b.sock",
                                                 "-H=tcp://0.0.0.0:2375",
                                                 "--add-runtime=a=/bin/a",
                                                 "--add-runtime=b=/bin/b=x"), &o), 0);
        assert_string_equal(o.config_file, "/etc/d.json");
        assert_string_equal(o.data_root, "/srv/docker");
        assert_string_equal(o.exec_root, "/run/dx");
        assert_string_equal(o.containerd, "/run/c.sock");
        assert_int_equal(strv_length(o.hosts), 3);
        assert_string_equal(o.hosts[0], "unix:///a.sock");
        assert_string_equal(o.hosts[1], "unix:///b.sock");
        assert_string_equal(o.hosts[2], "tcp://0.0.0.0:2375");
        assert_int_equal(strv_length(o.runtimes), 2);
        assert_string_equal(o.runtimes[0], "a=/bin/a");
        assert_string_equal(o.runtimes[1], "b=/bin/b=x");
        dockerd_opts_done(&o);
}

static void test_graph_and_g(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("-g", "/old"), &o), 0);
        assert_string_equal(o.data_root, "/old");
        dockerd_opts_done(&o);

        assert_int_equal(dockerd_args_parse(ARGV("-g/glued"), &o), 0);
        assert_string_equal(o.data_root, "/glued");
        dockerd_opts_done(&o);

        assert_int_equal(dockerd_args_parse(ARGV("--graph", "/graph"), &o), 0);
        assert_string_equal(o.data_root, "/graph");
        dockerd_opts_done(&o);

        assert_int_equal(dockerd_args_parse(ARGV("--graph=/g2"), &o), 0);
        assert_string_equal(o.data_root, "/g2");
        dockerd_opts_done(&o);
}

static void test_later_replaces(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("--data-root", "/one", "-g", "/two",
                                                 "--data-root=/three",
                                                 "--exec-root", "/e1", "--exec-root", "/e2"), &o), 0);
        assert_string_equal(o.data_root, "/three");
        assert_string_equal(o.exec_root, "/e2");
        dockerd_opts_done(&o);
}

static void test_unknown_options(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        /* "debug" is the value of an unknown option; it is skipped, and --data-root is still seen. */
        assert_int_equal(dockerd_args_parse(ARGV("--log-level", "debug", "--data-root", "/d",
                                                 "--iptables=false", "--live-restore",
                                                 "-D", "-l", "info", "--exec-root", "/e",
                                                 "--data-rooty=/no", "--host-gateway-ip", "1.2.3.4",
                                                 "-G", "docker", "positional"), &o), 0);
        assert_string_equal(o.data_root, "/d");
        assert_string_equal(o.exec_root, "/e");
        assert_null(o.hosts);
        assert_null(o.config_file);
        dockerd_opts_done(&o);
}

static void test_bundled_shorthands(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("-DH", "unix:///x.sock", "-Dg/var/d", "-Dl", "-g"), &o),
                         -EINVAL);
        assert_int_equal(strv_length(o.hosts), 1);
        assert_string_equal(o.hosts[0], "unix:///x.sock");
        assert_string_equal(o.data_root, "/var/d");
        dockerd_opts_done(&o);

        /* "-lg" is the log level "g", not -g. */
        assert_int_equal(dockerd_args_parse(ARGV("-lg", "/not-data-root"), &o), 0);
        assert_null(o.data_root);
        dockerd_opts_done(&o);
}

static void test_double_dash(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("--data-root", "/a", "--", "--data-root", "/b",
                                                 "--exec-root"), &o), 0);
        assert_string_equal(o.data_root, "/a");
        assert_null(o.exec_root);
        dockerd_opts_done(&o);

        /* "--" as the value of an option is a value. */
        assert_int_equal(dockerd_args_parse(ARGV("--data-root", "--", "-g", "/x"), &o), 0);
        assert_string_equal(o.data_root, "/x");
        dockerd_opts_done(&o);
}

static void test_missing_value(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("--data-root", "/d", "-H", "fd://", "--exec-root"), &o),
                         -EINVAL);
        assert_string_equal(o.data_root, "/d");
        assert_null(o.exec_root);
        assert_int_equal(strv_length(o.hosts), 1);
        assert_string_equal(o.hosts[0], "fd://");
        dockerd_opts_done(&o);

        assert_int_equal(dockerd_args_parse(ARGV("--containerd=/c", "-H"), &o), -EINVAL);
        assert_string_equal(o.containerd, "/c");
        assert_null(o.hosts);
        dockerd_opts_done(&o);

        assert_int_equal(dockerd_args_parse(ARGV("-g"), &o), -EINVAL);
        assert_null(o.data_root);
        dockerd_opts_done(&o);

        /* An explicit empty value is a value. */
        assert_int_equal(dockerd_args_parse(ARGV("--data-root="), &o), 0);
        assert_string_equal(o.data_root, "");
        dockerd_opts_done(&o);
}

/* What dockerd's --add-runtime refuses, each with a problem naming the value. */
static void test_bad_runtime(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("--add-runtime", "foo", "--add-runtime", "=/x",
                                                 "--add-runtime=empty=", "--add-runtime", " OK = /bin/ok ",
                                                 "--add-runtime", "RunC=/x", "--add-runtime", "ok=/bin/other",
                                                 "--add-runtime", "a=b=c",
                                                 "--data-root", "/d", "--exec-root"), &o), -EINVAL);
        assert_int_equal(strv_length(o.runtimes), 2);
        assert_string_equal(o.runtimes[0], "ok=/bin/ok");
        assert_string_equal(o.runtimes[1], "a=b=c");
        assert_string_equal(o.data_root, "/d");
        assert_int_equal(strv_length(o.problems), 6);
        assert_string_equal(o.problems[0], "--add-runtime foo has no =PATH: dockerd refuses to start");
        assert_string_equal(o.problems[1], "--add-runtime =/x has no name before '=': dockerd refuses to start");
        assert_string_equal(o.problems[2], "--add-runtime empty= has no path after '=': dockerd refuses to start");
        assert_string_equal(o.problems[3], "--add-runtime RunC=/x: the name \"runc\" is reserved: dockerd refuses to start");
        assert_string_equal(o.problems[4], "--add-runtime ok=/bin/other: runtime \"ok\" is already defined: "
                                           "dockerd refuses to start");
        assert_string_equal(o.problems[5], "--exec-root at the end of the command line has no value: "
                                           "dockerd refuses to start");
        dockerd_opts_done(&o);
}

/* Found by fuzz/fuzz-env-file: hundreds of thousands of -H words (from a DOCKER_OPTS variable
 * doubled up to the 1 MiB cap) took minutes, every host counting the list again. Lists also go
 * on accumulating over a second call, as discover.c makes one for ExecStart and DOCKER_OPTS. */
static void test_many_hosts(void **state __attribute__((unused))) {
        enum { N = 200000 };
        _cleanup_free_ char **argv = calloc(N + 4, sizeof(char *));
        _cleanup_free_ char *names = malloc((N / 2 + 1) * 32);
        struct dockerd_opts o = {};

        assert_non_null(argv);
        assert_non_null(names);
        argv[0] = (char *) "dockerd";
        for (size_t i = 1; i <= N; i++) {
                argv[i] = names + (i / 2) * 32;
                if (i % 2)
                        argv[i] = (char *) "-Hunix:///a.sock";
                else
                        sprintf(argv[i], "--add-runtime=r%zu=/bin/r", i / 2);
        }
        /* dockerd takes any number of hosts; runtimes are checked against each other, so past
         * 1024 the rest are not read (a problem says so). */
        assert_int_equal(dockerd_args_parse(argv, &o), -EINVAL);
        assert_int_equal(strv_length(o.hosts), N / 2);
        assert_int_equal(strv_length(o.runtimes), 1024);
        assert_string_equal(o.hosts[N / 2 - 1], "unix:///a.sock");
        assert_string_equal(o.runtimes[1023], "r1024=/bin/r");
        assert_int_equal(strv_length(o.problems), 64);
        assert_string_equal(o.problems[0], "more than 1024 --add-runtime options: the rest are not read");
        dockerd_opts_done(&o);

        assert_int_equal(dockerd_args_parse(ARGV("-H", "fd://", "--add-runtime", "s=/bin/s"), &o), 0);
        assert_int_equal(dockerd_args_parse(ARGV("-H", "/b.sock", "--add-runtime", "t=/bin/t"), &o), 0);
        assert_int_equal(strv_length(o.hosts), 2);
        assert_string_equal(o.hosts[1], "/b.sock");
        assert_int_equal(strv_length(o.runtimes), 2);
        assert_string_equal(o.runtimes[1], "t=/bin/t");
        assert_null(o.problems);
        dockerd_opts_done(&o);

        /* Appending to a list made elsewhere (strv_push() sizes it exactly). */
        assert_int_equal(strv_extend(&o.hosts, "/x.sock"), 0);
        for (int i = 0; i < 40; i++)
                assert_int_equal(dockerd_args_parse(ARGV("-H", "fd://"), &o), 0);
        assert_int_equal(strv_length(o.hosts), 41);
        assert_string_equal(o.hosts[0], "/x.sock");
        assert_string_equal(o.hosts[40], "fd://");
        dockerd_opts_done(&o);
}

static void check_host(const char *host, const char *expected) {
        _cleanup_free_ char *p = host_to_socket_path(host);

        assert_string_or_null(p, expected);
}

static void test_host_to_socket_path(void **state __attribute__((unused))) {
        check_host("unix:///run/docker.sock", "/run/docker.sock");
        check_host("unix:///var/run/docker.sock", "/var/run/docker.sock");
        check_host("/run/x.sock", "/run/x.sock");
        check_host("unix://", "/var/run/docker.sock");
        check_host("unix://relative", NULL);
        check_host("unix:relative", NULL);
        check_host("fd://", NULL);
        check_host("fd://3", NULL);
        check_host("tcp://0.0.0.0:2375", NULL);
        check_host("npipe:////./pipe/docker_engine", NULL);
        check_host("relative.sock", NULL);
        check_host("", NULL);
        check_host(NULL, NULL);
}

/* The options whose files switch a control off: lists accumulate, a later value replaces. */
static void test_controls(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("--authorization-plugin", "authz-broker",
                                                 "--authorization-plugin=opa",
                                                 "--userns-remap", "default",
                                                 "--seccomp-profile=/etc/a.json",
                                                 "--seccomp-profile", "/etc/b.json",
                                                 "--cdi-spec-dir", "/etc/cdi",
                                                 "--cdi-spec-dir=/srv/cdi",
                                                 "-H", "fd://"), &o), 0);
        assert_int_equal(strv_length(o.authorization_plugins), 2);
        assert_string_equal(o.authorization_plugins[0], "authz-broker");
        assert_string_equal(o.authorization_plugins[1], "opa");
        assert_string_equal(o.userns_remap, "default");
        assert_string_equal(o.seccomp_profile, "/etc/b.json");
        assert_int_equal(strv_length(o.cdi_spec_dirs), 2);
        assert_string_equal(o.cdi_spec_dirs[1], "/srv/cdi");
        assert_int_equal(strv_length(o.hosts), 1);
        dockerd_opts_done(&o);
        assert_null(o.seccomp_profile);
}

/* --feature containerd-snapshotter[=BOOL] and the storage driver, which choose where the images
 * are; another feature is not kept, a value Go's ParseBool refuses is a problem. */
static void test_image_store(void **state __attribute__((unused))) {
        struct dockerd_opts o = {};

        assert_int_equal(dockerd_args_parse(ARGV("--feature", "containerd-snapshotter", "--feature=cdi=false",
                                                 "-s", "overlay2"), &o), 0);
        assert_true(o.snapshotter_set);
        assert_true(o.snapshotter);
        assert_string_equal(o.storage_driver, "overlay2");
        dockerd_opts_done(&o);

        assert_int_equal(dockerd_args_parse(ARGV("--feature=containerd-snapshotter=F", "--storage-driver=overlayfs"), &o), 0);
        assert_true(o.snapshotter_set);
        assert_false(o.snapshotter);
        assert_string_equal(o.storage_driver, "overlayfs");
        dockerd_opts_done(&o);

        assert_int_equal(dockerd_args_parse(ARGV("--feature", "buildkit"), &o), 0);
        assert_false(o.snapshotter_set);
        dockerd_opts_done(&o);

        assert_int_equal(dockerd_args_parse(ARGV("--feature", "containerd-snapshotter=yes"), &o), -EINVAL);
        assert_false(o.snapshotter_set);
        assert_string_equal(o.problems[0], "--feature containerd-snapshotter=yes: \"yes\" is not true or false: "
                            "dockerd refuses to start");
        dockerd_opts_done(&o);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_image_store),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_separate_values),
                cmocka_unit_test(test_equals_values),
                cmocka_unit_test(test_graph_and_g),
                cmocka_unit_test(test_later_replaces),
                cmocka_unit_test(test_unknown_options),
                cmocka_unit_test(test_bundled_shorthands),
                cmocka_unit_test(test_double_dash),
                cmocka_unit_test(test_missing_value),
                cmocka_unit_test(test_bad_runtime),
                cmocka_unit_test(test_many_hosts),
                cmocka_unit_test(test_host_to_socket_path),
                cmocka_unit_test(test_controls),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
