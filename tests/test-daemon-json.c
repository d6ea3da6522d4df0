/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "daemon_json.h"
#include "testlib.h"
#include "util.h"

#define UNUSED __attribute__((unused))

/* What the last parse said besides its return value: the line and the message of
 * daemon_json_parse(). */
static unsigned parse_line;
static const char *parse_msg;

static int parse_n(const char *s, size_t n, struct daemon_config *c) {
        parse_line = 4242;
        parse_msg = "unset";
        return daemon_json_parse(s, n, c, &parse_line, &parse_msg);
}

static int parse(const char *s, struct daemon_config *c) {
        return parse_n(s, strlen(s), c);
}

static void test_full(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("{\n"
                               "  \"data-root\": \"/srv/docker\",\n"
                               "  \"exec-root\": \"/run/dx\",\n"
                               "  \"containerd\": \"/run/containerd/containerd.sock\",\n"
                               "  \"hosts\": [\"unix:///run/docker.sock\", \"tcp://127.0.0.1:2376\"],\n"
                               "  \"runtimes\": {\n"
                               "    \"crun\": { \"path\": \"/usr/bin/crun\", \"runtimeArgs\": [\"--debug\"] },\n"
                               "    \"runsc\": { \"runtimeType\": \"io.containerd.runsc.v1\" },\n"
                               "    \"nvidia\": { \"path\": \"nvidia-container-runtime\" }\n"
                               "  },\n"
                               "  \"tlscacert\": \"/etc/docker/ca.pem\",\n"
                               "  \"tlscert\": \"/etc/docker/cert.pem\",\n"
                               "  \"tlskey\": \"/etc/docker/key.pem\",\n"
                               "  \"log-driver\": \"journald\",\n"
                               "  \"log-opts\": { \"tag\": \"{{.Name}}\" },\n"
                               "  \"default-ulimits\": { \"nofile\": { \"Name\": \"nofile\", \"Hard\": 64000, \"Soft\": 64000 } },\n"
                               "  \"live-restore\": true,\n"
                               "  \"graph\": \"/ignored\"\n"
                               "}\n", &c), 0);
        assert_int_equal(parse_line, 0);
        assert_null(parse_msg);
        assert_string_equal(c.data_root, "/srv/docker");
        assert_string_equal(c.exec_root, "/run/dx");
        assert_string_equal(c.containerd, "/run/containerd/containerd.sock");
        assert_int_equal(strv_length(c.hosts), 2);
        assert_string_equal(c.hosts[0], "unix:///run/docker.sock");
        assert_string_equal(c.hosts[1], "tcp://127.0.0.1:2376");
        assert_int_equal(strv_length(c.runtimes), 2);
        assert_string_equal(c.runtimes[0], "crun=/usr/bin/crun");
        assert_string_equal(c.runtimes[1], "nvidia=nvidia-container-runtime");
        assert_string_equal(c.tlscacert, "/etc/docker/ca.pem");
        assert_string_equal(c.tlscert, "/etc/docker/cert.pem");
        assert_string_equal(c.tlskey, "/etc/docker/key.pem");
        daemon_config_done(&c);
        assert_null(c.data_root);
        assert_null(c.hosts);
}

static void test_minimal(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("{}", &c), 0);
        assert_null(c.data_root);
        assert_null(c.exec_root);
        assert_null(c.containerd);
        assert_null(c.hosts);
        assert_null(c.runtimes);
        assert_null(c.tlscacert);
        assert_null(c.tlscert);
        assert_null(c.tlskey);
        daemon_config_done(&c);

        /* null is the same as absent. */
        assert_int_equal(parse("{\"data-root\": null, \"hosts\": null, \"runtimes\": null}", &c), 0);
        assert_null(c.data_root);
        assert_null(c.hosts);
        assert_null(c.runtimes);
        daemon_config_done(&c);
}

static void test_graph(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("{\"graph\": \"/old/docker\"}", &c), 0);
        assert_string_equal(c.data_root, "/old/docker");
        daemon_config_done(&c);

        assert_int_equal(parse("{\"graph\": \"/old\", \"data-root\": \"/new\"}", &c), 0);
        assert_string_equal(c.data_root, "/new");
        daemon_config_done(&c);
}

static void test_hosts_forms(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("{\"hosts\": \"unix:///x.sock\"}", &c), 0);
        assert_int_equal(strv_length(c.hosts), 1);
        assert_string_equal(c.hosts[0], "unix:///x.sock");
        daemon_config_done(&c);

        assert_int_equal(parse("{\"hosts\": []}", &c), 0);
        assert_non_null(c.hosts);
        assert_int_equal(strv_length(c.hosts), 0);
        daemon_config_done(&c);
}

static void test_escapes_and_bom(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("\xef\xbb\xbf{\"data-root\": \"/srv/d\\u00f6cker\\/x\\\"q\"}", &c), 0);
        assert_string_equal(c.data_root, "/srv/d\xc3\xb6" "cker/x\"q");
        daemon_config_done(&c);
}

static void test_empty(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("", &c), -ENODATA);
        assert_null(c.data_root);
        assert_int_equal(parse_line, 0);
        assert_int_equal(parse(" \n\t\r\n", &c), -ENODATA);
        assert_int_equal(parse("\xef\xbb\xbf\n", &c), -ENODATA);
        assert_int_equal(parse_n(NULL, 0, &c), -ENODATA);
        daemon_config_done(&c);
}

/* s is refused (-EINVAL) with the message msg. */
static void check_refused(const char *s, const char *msg) {
        struct daemon_config c = {};

        assert_int_equal(parse(s, &c), -EINVAL);
        assert_string_equal(parse_msg, msg);
        daemon_config_done(&c);
}

static void check_malformed(const char *s, unsigned expected_line) {
        struct daemon_config c = {};

        assert_int_equal(parse(s, &c), -EINVAL);
        assert_int_equal(parse_line, expected_line);
        assert_non_null(parse_msg);
        assert_true(strlen(parse_msg) > 0);
        assert_null(c.data_root);
        daemon_config_done(&c);
}

static void test_malformed(void **state UNUSED) {
        check_malformed("{", 1);
        check_malformed("{\n\"data-root\": \"/x\",\n\"hosts\": [\n", 4);
        check_malformed("{\n  \"data-root\": \"/x\",\n  \"exec-root\": tru\n}\n", 3);
        check_malformed("{\n  \"data-root\": \"/x\",\n}\n", 3);             /* trailing comma */
        check_malformed("{\n  // comment\n  \"data-root\": \"/x\"\n}\n", 2);  /* comments are not JSON */
        check_malformed("{\"data-root\": \"/x\"}\n\n}\n", 3);                /* trailing garbage */
        check_malformed("{}\n{}", 2);
        check_malformed("{\"data-root\": \"/x\"", 1);
        check_malformed("{\n\"data-root\": \"/\xff\"}", 2);                 /* invalid UTF-8 */
        check_malformed("[\"data-root\"]", 1);                               /* not an object */
        check_malformed("\n\n  \"/srv/docker\"\n", 3);
        check_malformed("\n42", 2);
        check_malformed("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", 1);
}

static void test_nul_byte(void **state UNUSED) {
        static const char s[] = "{\n\"data-root\": \"/x\"\0}";
        struct daemon_config c = {};

        assert_int_equal(parse_n(s, sizeof(s) - 1, &c), -EINVAL);
        assert_int_equal(parse_line, 2);
        daemon_config_done(&c);

        assert_int_equal(parse("{\"data-root\": \"/x\\u0000y\", \"exec-root\": \"/e\"}", &c), -EINVAL);
        assert_null(c.data_root);
        assert_string_equal(c.exec_root, "/e");
        daemon_config_done(&c);
}

static void test_not_nul_terminated(void **state UNUSED) {
        /* The input is a buffer with a length; what follows it must not be read. */
        static const char s[] = "{\"data-root\": \"/x\"}garbage";
        struct daemon_config c = {};

        assert_int_equal(parse_n(s, strlen("{\"data-root\": \"/x\"}"), &c), 0);
        assert_string_equal(c.data_root, "/x");
        daemon_config_done(&c);
}

static void test_wrong_types(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("{\n"
                               "  \"data-root\": 42,\n"
                               "  \"exec-root\": \"/run/dx\",\n"
                               "  \"hosts\": [\"unix:///a\", 7],\n"
                               "  \"runtimes\": {\"crun\": {\"path\": \"/usr/bin/crun\"}},\n"
                               "  \"tlskey\": \"/k\"\n"
                               "}\n", &c), -EINVAL);
        assert_string_equal(parse_msg, "\"data-root\" must be a string");
        assert_int_equal(parse_line, 0);
        assert_null(c.data_root);
        assert_string_equal(c.exec_root, "/run/dx");
        assert_null(c.hosts);
        assert_int_equal(strv_length(c.runtimes), 1);
        assert_string_equal(c.runtimes[0], "crun=/usr/bin/crun");
        assert_string_equal(c.tlskey, "/k");
        daemon_config_done(&c);

        assert_int_equal(parse("{\"hosts\": {\"a\": 1}, \"data-root\": \"/d\"}", &c), -EINVAL);
        assert_string_equal(parse_msg, "\"hosts\" must be an array of strings");
        assert_string_equal(c.data_root, "/d");
        assert_null(c.hosts);
        daemon_config_done(&c);

        assert_int_equal(parse("{\"runtimes\": [], \"containerd\": \"/c\"}", &c), -EINVAL);
        assert_string_equal(parse_msg, "\"runtimes\" must be an object");
        assert_string_equal(c.containerd, "/c");
        assert_null(c.runtimes);
        daemon_config_done(&c);

        assert_int_equal(parse("{\"runtimes\": {\"a\": \"/bin/a\", \"b\": {\"path\": 1}, \"c\": {\"path\": \"/bin/c\"}}}",
                               &c), -EINVAL);
        assert_string_equal(parse_msg, "a runtime must be an object");
        assert_int_equal(strv_length(c.runtimes), 1);
        assert_string_equal(c.runtimes[0], "c=/bin/c");
        daemon_config_done(&c);

        assert_int_equal(parse("{\"graph\": false, \"tlscacert\": [\"/x\"], \"tlscert\": \"/c\"}", &c),
                         -EINVAL);
        assert_string_equal(parse_msg, "\"graph\" must be a string");
        assert_null(c.data_root);
        assert_null(c.tlscacert);
        assert_string_equal(c.tlscert, "/c");
        daemon_config_done(&c);
}

static void assert_runtime(const struct daemon_runtime *rt, const char *name, const char *path, const char *type,
                           const char *binary) {
        assert_string_equal(rt->name, name);
        assert_string_or_null(rt->path, path);
        assert_string_or_null(rt->runtime_type, type);
        assert_string_or_null(rt->binary_name, binary);
}

/* Every runtime is kept with its path, runtimeType and options.BinaryName. */
static void test_runtime_list(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("{\"runtimes\": {\n"
                               "  \"crun\": {\"path\": \"/usr/bin/crun\", \"runtimeArgs\": [\"--debug\"]},\n"
                               "  \"gvisor\": {\"runtimeType\": \"io.containerd.runsc.v1\"},\n"
                               "  \"shim\": {\"runtimeType\": \"/opt/bin/containerd-shim-x-v2\"},\n"
                               "  \"runc-alt\": {\"runtimeType\": \"io.containerd.runc.v2\",\n"
                               "               \"options\": {\"BinaryName\": \"/usr/local/bin/runc\", \"SystemdCgroup\": true}}\n"
                               "},\n"
                               "\"seccomp-profile\": \"/etc/docker/seccomp.json\",\n"
                               "\"cdi-spec-dirs\": [\"/etc/cdi\", \"/var/run/cdi\"],\n"
                               "\"userland-proxy-path\": \"/usr/libexec/docker/docker-proxy\",\n"
                               "\"init-path\": \"/usr/libexec/docker/docker-init\",\n"
                               "\"pidfile\": \"/run/docker.pid\"}", &c), 0);
        assert_int_equal(c.n_runtime_list, 4);
        assert_runtime(&c.runtime_list[0], "crun", "/usr/bin/crun", NULL, NULL);
        assert_runtime(&c.runtime_list[1], "gvisor", NULL, "io.containerd.runsc.v1", NULL);
        assert_runtime(&c.runtime_list[2], "shim", NULL, "/opt/bin/containerd-shim-x-v2", NULL);
        assert_runtime(&c.runtime_list[3], "runc-alt", NULL, "io.containerd.runc.v2", "/usr/local/bin/runc");
        assert_int_equal(strv_length(c.runtimes), 1);
        assert_string_equal(c.runtimes[0], "crun=/usr/bin/crun");
        assert_string_equal(c.seccomp_profile, "/etc/docker/seccomp.json");
        assert_int_equal(strv_length(c.cdi_spec_dirs), 2);
        assert_string_equal(c.cdi_spec_dirs[1], "/var/run/cdi");
        assert_string_equal(c.userland_proxy_path, "/usr/libexec/docker/docker-proxy");
        assert_string_equal(c.init_path, "/usr/libexec/docker/docker-init");
        daemon_config_done(&c);

        check_refused("{\"cdi-spec-dirs\": \"/etc/cdi\"}", "\"cdi-spec-dirs\" must be an array of strings");
}

/* What dockerd's setupRuntimes() refuses, and a runtime no container can select. */
static void test_runtime_problems(void **state UNUSED) {
        static const struct {
                const char *json, *msg;
                size_t n_kept;
        } cases[] = {
                { "{\"runtimes\": {\"\": {\"path\": \"/bin/x\"}, \"ok\": {\"path\": \"/bin/ok\"}}}",
                  "a runtime has an empty name: no container can select it", 1 },
                { "{\"runtimes\": {\"runc\": {\"path\": \"/bin/x\"}}}",
                  "the runtime name \"runc\" is reserved: dockerd refuses to start", 1 },
                { "{\"runtimes\": {\"x\": {}}}",
                  "a runtime has neither \"path\" nor \"runtimeType\": dockerd refuses to start", 1 },
                { "{\"runtimes\": {\"x\": {\"path\": \"\", \"runtimeType\": \"\"}}}",
                  "a runtime has neither \"path\" nor \"runtimeType\": dockerd refuses to start", 1 },
                { "{\"runtimes\": {\"x\": {\"path\": \"/a\", \"runtimeType\": \"io.containerd.runc.v2\"}}}",
                  "a runtime has both \"path\" and \"runtimeType\": dockerd refuses to start", 1 },
                { "{\"runtimes\": {\"x\": {\"path\": \"/a\", \"options\": {\"BinaryName\": \"/b\"}}}}",
                  "a runtime has \"options\" with a \"path\": dockerd refuses to start", 1 },
                { "{\"runtimes\": {\"x\": {\"runtimeType\": \"t\", \"options\": {\"BinaryName\": 1}}}}",
                  "a runtime's \"options\" \"BinaryName\" must be a string", 1 },
                { "{\"runtimes\": {\"x\": {\"runtimeType\": \"t\", \"options\": []}}}",
                  "a runtime's \"options\" must be an object", 1 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct daemon_config c = {};

                assert_int_equal(parse(cases[i].json, &c), -EINVAL);
                assert_string_equal(parse_msg, cases[i].msg);
                assert_int_equal(c.n_runtime_list, cases[i].n_kept);
                daemon_config_done(&c);
        }
}

/* UTF-16 with a byte order mark is decoded, as dockerd does; so is a UTF-8 one dropped. */
static void test_utf16(void **state UNUSED) {
        static const char le[] = "\xff\xfe{\0\"\0h\0o\0s\0t\0s\0\"\0:\0\"\0/\0\xe9\0\"\0}\0\n\0";
        static const char be[] = "\xfe\xff\0{\0\"\0h\0o\0s\0t\0s\0\"\0:\0\"\0/\xd8\x3d\xde\x00\0\"\0}";
        static const char odd[] = "\xff\xfe{\0}\0\n";
        static const char nobom[] = "{\0}\0";
        struct daemon_config c = {};

        assert_int_equal(parse_n(le, sizeof(le) - 1, &c), 0);
        assert_string_equal(c.hosts[0], "/\xc3\xa9");
        daemon_config_done(&c);
        assert_int_equal(parse_n(be, sizeof(be) - 1, &c), 0);
        assert_string_equal(c.hosts[0], "/\xf0\x9f\x98\x80");
        daemon_config_done(&c);
        /* An odd last byte becomes U+FFFD, which is not JSON whitespace. */
        assert_int_equal(parse_n(odd, sizeof(odd) - 1, &c), -EINVAL);
        daemon_config_done(&c);
        /* Without a mark, UTF-16 is just bytes with NULs in them. */
        assert_int_equal(parse_n(nobom, sizeof(nobom) - 1, &c), -EINVAL);
        daemon_config_done(&c);
}

/* The keys whose files switch a control off: authorization plugins, userns-remap, features.cdi. */
static void test_controls(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("{\"authorization-plugins\": [\"authz-broker\", \"opa\"], \"userns-remap\": \"default\",\n"
                               " \"features\": {\"containerd-snapshotter\": false, \"cdi\": true},\n"
                               " \"seccomp-profile\": \"/etc/docker/seccomp.json\"}", &c), 0);
        assert_int_equal(strv_length(c.authorization_plugins), 2);
        assert_string_equal(c.authorization_plugins[0], "authz-broker");
        assert_string_equal(c.authorization_plugins[1], "opa");
        assert_string_equal(c.userns_remap, "default");
        assert_true(c.cdi_set);
        assert_true(c.cdi);
        assert_string_equal(c.seccomp_profile, "/etc/docker/seccomp.json");
        daemon_config_done(&c);

        assert_int_equal(parse("{\"features\": {\"cdi\": false}}", &c), 0);
        assert_true(c.cdi_set);
        assert_false(c.cdi);
        daemon_config_done(&c);
        assert_int_equal(parse("{\"features\": {\"buildkit\": true}}", &c), 0);
        assert_false(c.cdi_set);
        assert_null(c.authorization_plugins);
        daemon_config_done(&c);

        /* dockerd refuses these types; the other keys are still read. */
        assert_int_equal(parse("{\"features\": {\"cdi\": \"yes\"}, \"data-root\": \"/d\"}", &c), -EINVAL);
        assert_string_equal(parse_msg, "\"features\" \"cdi\" must be true or false");
        assert_false(c.cdi_set);
        assert_string_equal(c.data_root, "/d");
        daemon_config_done(&c);
        check_refused("{\"authorization-plugins\": \"authz-broker\"}",
                      "\"authorization-plugins\" must be an array of strings");
        check_refused("{\"userns-remap\": true}", "\"userns-remap\" must be a string");
        check_refused("{\"features\": []}", "\"features\" must be an object");
}

/* features.containerd-snapshotter moves Docker's images into containerd's root: its value and the
 * line of its key (the last one, as dockerd keeps), never a same-named key elsewhere. */
static void test_image_store(void **state UNUSED) {
        struct daemon_config c = {};

        assert_int_equal(parse("{\n  \"containerd-snapshotter\": false,\n  \"x\": {\"features\": {\"containerd-snapshotter\": 1}},\n"
                               "  \"features\": {\n    \"cdi\": true,\n    \"containerd-snapshotter\": true\n  },\n"
                               "  \"storage-driver\": \"overlayfs\"\n}", &c), 0);
        assert_true(c.snapshotter_set);
        assert_true(c.snapshotter);
        assert_int_equal(c.snapshotter_line, 6);
        assert_string_equal(c.storage_driver, "overlayfs");
        daemon_config_done(&c);

        /* An escaped spelling is the same key; the last one wins. */
        assert_int_equal(parse("{\"features\": {\"containerd-snapshotter\": true,\n\"containerd\\u002dsnapshotter\": false}}",
                               &c), 0);
        assert_true(c.snapshotter_set);
        assert_false(c.snapshotter);
        assert_int_equal(c.snapshotter_line, 2);
        daemon_config_done(&c);

        assert_int_equal(parse("{\"features\": {\"buildkit\": true}}", &c), 0);
        assert_false(c.snapshotter_set);
        assert_int_equal(c.snapshotter_line, 0);
        daemon_config_done(&c);

        check_refused("{\"features\": {\"containerd-snapshotter\": \"true\"}}",
                      "\"features\" \"containerd-snapshotter\" must be true or false");
        check_refused("{\"storage-driver\": 2}", "\"storage-driver\" must be a string");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_image_store),
                cmocka_unit_test(test_full),
                cmocka_unit_test(test_minimal),
                cmocka_unit_test(test_graph),
                cmocka_unit_test(test_hosts_forms),
                cmocka_unit_test(test_escapes_and_bom),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_nul_byte),
                cmocka_unit_test(test_not_nul_terminated),
                cmocka_unit_test(test_wrong_types),
                cmocka_unit_test(test_runtime_list),
                cmocka_unit_test(test_runtime_problems),
                cmocka_unit_test(test_utf16),
                cmocka_unit_test(test_controls),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
