/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "containerd_toml.h"
#include "testlib.h"
#include "util.h"

#define UNUSED __attribute__((unused))

/* In the manner of `containerd config default` from containerd 1.7 (config version 2),
 * abridged but keeping every kind of construct it uses. */
static const char config_v2[] =
        "disabled_plugins = []\n"
        "imports = []\n"
        "oom_score = 0\n"
        "plugin_dir = \"\"\n"
        "required_plugins = []\n"
        "root = \"/var/lib/containerd\"\n"
        "state = \"/run/containerd\"\n"
        "temp = \"\"\n"
        "version = 2\n"
        "\n"
        "[cgroup]\n"
        "  path = \"\"\n"
        "\n"
        "[debug]\n"
        "  address = \"/run/containerd/debug.sock\"\n"
        "  format = \"\"\n"
        "  gid = 0\n"
        "  level = \"\"\n"
        "  uid = 0\n"
        "\n"
        "[grpc]\n"
        "  address = \"/run/containerd/containerd.sock\"\n"
        "  gid = 0\n"
        "  max_recv_message_size = 16777216\n"
        "  max_send_message_size = 16777216\n"
        "  tcp_address = \"\"\n"
        "  tcp_tls_ca = \"\"\n"
        "  tcp_tls_cert = \"\"\n"
        "  tcp_tls_key = \"\"\n"
        "  uid = 0\n"
        "\n"
        "[metrics]\n"
        "  address = \"\"\n"
        "  grpc_histogram = false\n"
        "\n"
        "[plugins]\n"
        "\n"
        "  [plugins.\"io.containerd.gc.v1.scheduler\"]\n"
        "    deletion_threshold = 0\n"
        "    mutation_threshold = 100\n"
        "    pause_threshold = 0.02\n"
        "    schedule_delay = \"0s\"\n"
        "    startup_delay = \"100ms\"\n"
        "\n"
        "  [plugins.\"io.containerd.grpc.v1.cri\"]\n"
        "    cdi_spec_dirs = [\"/etc/cdi\", \"/var/run/cdi\"]\n"
        "    device_ownership_from_security_context = false\n"
        "    disable_apparmor = false\n"
        "    disable_tcp_service = true\n"
        "    drain_exec_sync_io_timeout = \"0s\"\n"
        "    enable_cdi = false\n"
        "    enable_selinux = false\n"
        "    enable_tls_streaming = false\n"
        "    enable_unprivileged_icmp = false\n"
        "    enable_unprivileged_ports = false\n"
        "    ignore_image_defined_volumes = false\n"
        "    image_pull_progress_timeout = \"5m0s\"\n"
        "    max_concurrent_downloads = 3\n"
        "    max_container_log_line_size = 16384\n"
        "    netns_mounts_under_state_dir = false\n"
        "    restrict_oom_score_adj = false\n"
        "    sandbox_image = \"registry.k8s.io/pause:3.8\"\n"
        "    selinux_category_range = 1024\n"
        "    stats_collect_period = 10\n"
        "    stream_idle_timeout = \"4h0m0s\"\n"
        "    stream_server_address = \"127.0.0.1\"\n"
        "    stream_server_port = \"0\"\n"
        "    systemd_cgroup = false\n"
        "    tolerate_missing_hugetlb_controller = true\n"
        "    unset_seccomp_profile = \"\"\n"
        "\n"
        "    [plugins.\"io.containerd.grpc.v1.cri\".cni]\n"
        "      bin_dir = \"/opt/cni/bin\"\n"
        "      conf_dir = \"/etc/cni/net.d\"\n"
        "      conf_template = \"\"\n"
        "      ip_pref = \"\"\n"
        "      max_conf_num = 1\n"
        "      setup_serially = false\n"
        "\n"
        "    [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
        "      default_runtime_name = \"runc\"\n"
        "      disable_snapshot_annotations = true\n"
        "      discard_unpacked_layers = false\n"
        "      ignore_blockio_not_enabled_errors = false\n"
        "      ignore_rdt_not_enabled_errors = false\n"
        "      no_pivot = false\n"
        "      snapshotter = \"overlayfs\"\n"
        "\n"
        "      [plugins.\"io.containerd.grpc.v1.cri\".containerd.default_runtime]\n"
        "        base_runtime_spec = \"\"\n"
        "        cni_conf_dir = \"\"\n"
        "        cni_max_conf_num = 0\n"
        "        container_annotations = []\n"
        "        pod_annotations = []\n"
        "        privileged_without_host_devices = false\n"
        "        runtime_engine = \"\"\n"
        "        runtime_path = \"\"\n"
        "        runtime_root = \"\"\n"
        "        runtime_type = \"\"\n"
        "        sandbox_mode = \"\"\n"
        "        snapshotter = \"\"\n"
        "\n"
        "        [plugins.\"io.containerd.grpc.v1.cri\".containerd.default_runtime.options]\n"
        "\n"
        "      [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes]\n"
        "\n"
        "        [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
        "          base_runtime_spec = \"\"\n"
        "          cni_conf_dir = \"\"\n"
        "          cni_max_conf_num = 0\n"
        "          container_annotations = []\n"
        "          pod_annotations = []\n"
        "          privileged_without_host_devices = false\n"
        "          runtime_engine = \"\"\n"
        "          runtime_path = \"\"\n"
        "          runtime_root = \"\"\n"
        "          runtime_type = \"io.containerd.runc.v2\"\n"
        "          sandbox_mode = \"podsandbox\"\n"
        "          snapshotter = \"\"\n"
        "\n"
        "          [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
        "            BinaryName = \"\"\n"
        "            CriuImagePath = \"\"\n"
        "            CriuPath = \"\"\n"
        "            CriuWorkPath = \"\"\n"
        "            IoGid = 0\n"
        "            IoUid = 0\n"
        "            NoNewKeyring = false\n"
        "            NoPivotRoot = false\n"
        "            Root = \"\"\n"
        "            ShimCgroup = \"\"\n"
        "            SystemdCgroup = false\n"
        "\n"
        "    [plugins.\"io.containerd.grpc.v1.cri\".image_decryption]\n"
        "      key_model = \"node\"\n"
        "\n"
        "    [plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
        "      config_path = \"\"\n"
        "\n"
        "      [plugins.\"io.containerd.grpc.v1.cri\".registry.auths]\n"
        "\n"
        "      [plugins.\"io.containerd.grpc.v1.cri\".registry.configs]\n"
        "\n"
        "      [plugins.\"io.containerd.grpc.v1.cri\".registry.headers]\n"
        "\n"
        "      [plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors]\n"
        "\n"
        "    [plugins.\"io.containerd.grpc.v1.cri\".x509_key_pair_streaming]\n"
        "      tls_cert_file = \"\"\n"
        "      tls_key_file = \"\"\n"
        "\n"
        "  [plugins.\"io.containerd.internal.v1.opt\"]\n"
        "    path = \"/opt/containerd\"\n"
        "\n"
        "  [plugins.\"io.containerd.internal.v1.restart\"]\n"
        "    interval = \"10s\"\n"
        "\n"
        "  [plugins.\"io.containerd.internal.v1.tracing\"]\n"
        "    sampling_ratio = 1.0\n"
        "    service_name = \"containerd\"\n"
        "\n"
        "  [plugins.\"io.containerd.metadata.v1.bolt\"]\n"
        "    content_sharing_policy = \"shared\"\n"
        "\n"
        "  [plugins.\"io.containerd.monitor.v1.cgroups\"]\n"
        "    no_prometheus = false\n"
        "\n"
        "  [plugins.\"io.containerd.service.v1.diff-service\"]\n"
        "    default = [\"walking\"]\n"
        "\n"
        "  [plugins.\"io.containerd.snapshotter.v1.devmapper\"]\n"
        "    async_remove = false\n"
        "    base_image_size = \"\"\n"
        "    discard_blocks = false\n"
        "    fs_options = \"\"\n"
        "    fs_type = \"\"\n"
        "    pool_name = \"\"\n"
        "    root_path = \"\"\n"
        "\n"
        "  [plugins.\"io.containerd.snapshotter.v1.overlayfs\"]\n"
        "    mount_options = []\n"
        "    root_path = \"\"\n"
        "    sync_remove = false\n"
        "    upperdir_label = false\n"
        "\n"
        "[proxy_plugins]\n"
        "\n"
        "[stream_processors]\n"
        "\n"
        "  [stream_processors.\"io.containerd.ocicrypt.decoder.v1.tar\"]\n"
        "    accepts = [\"application/vnd.oci.image.layer.v1.tar+encrypted\"]\n"
        "    args = [\"--decryption-keys-path\", \"/etc/containerd/ocicrypt/keys\"]\n"
        "    env = [\"OCICRYPT_KEYPROVIDER_CONFIG=/etc/containerd/ocicrypt/ocicrypt_keyprovider.conf\"]\n"
        "    path = \"ctd-decoder\"\n"
        "    returns = \"application/vnd.oci.image.layer.v1.tar\"\n"
        "\n"
        "[timeouts]\n"
        "  \"io.containerd.timeout.bolt.open\" = \"0s\"\n"
        "  \"io.containerd.timeout.shim.cleanup\" = \"5s\"\n"
        "  \"io.containerd.timeout.shim.load\" = \"5s\"\n"
        "  \"io.containerd.timeout.shim.shutdown\" = \"3s\"\n"
        "  \"io.containerd.timeout.task.state\" = \"2s\"\n"
        "\n"
        "[ttrpc]\n"
        "  address = \"/run/containerd/containerd.sock.ttrpc\"\n"
        "  gid = 0\n"
        "  uid = 0\n";

/* In the manner of `containerd config default` from containerd 2.0 (config version 3), which
 * quotes with single quotes, abridged. */
static const char config_v3[] =
        "version = 3\n"
        "root = '/srv/containerd'\n"
        "state = '/run/containerd'\n"
        "temp = ''\n"
        "plugin_dir = ''\n"
        "disabled_plugins = []\n"
        "required_plugins = []\n"
        "oom_score = 0\n"
        "imports = []\n"
        "\n"
        "[grpc]\n"
        "  address = '/run/containerd/containerd.sock'\n"
        "  tcp_address = ''\n"
        "  tcp_tls_ca = ''\n"
        "  tcp_tls_cert = ''\n"
        "  tcp_tls_key = ''\n"
        "  uid = 0\n"
        "  gid = 0\n"
        "  max_recv_message_size = 16777216\n"
        "  max_send_message_size = 16777216\n"
        "\n"
        "[ttrpc]\n"
        "  address = ''\n"
        "  uid = 0\n"
        "  gid = 0\n"
        "\n"
        "[debug]\n"
        "  address = ''\n"
        "  uid = 0\n"
        "  gid = 0\n"
        "  level = ''\n"
        "  format = ''\n"
        "\n"
        "[metrics]\n"
        "  address = ''\n"
        "  grpc_histogram = false\n"
        "\n"
        "[plugins]\n"
        "  [plugins.'io.containerd.cri.v1.images']\n"
        "    snapshotter = 'overlayfs'\n"
        "    disable_snapshot_annotations = true\n"
        "    discard_unpacked_layers = false\n"
        "    max_concurrent_downloads = 3\n"
        "    image_pull_progress_timeout = '5m0s'\n"
        "    image_pull_with_sync_fs = false\n"
        "    stats_collect_period = 10\n"
        "\n"
        "    [plugins.'io.containerd.cri.v1.images'.pinned_images]\n"
        "      sandbox = 'registry.k8s.io/pause:3.10'\n"
        "\n"
        "    [plugins.'io.containerd.cri.v1.images'.registry]\n"
        "      config_path = ''\n"
        "\n"
        "    [plugins.'io.containerd.cri.v1.images'.image_decryption]\n"
        "      key_model = 'node'\n"
        "\n"
        "  [plugins.'io.containerd.cri.v1.runtime']\n"
        "    enable_selinux = false\n"
        "    selinux_category_range = 1024\n"
        "    max_container_log_line_size = 16384\n"
        "    cdi_spec_dirs = ['/etc/cdi', '/var/run/cdi']\n"
        "    drain_exec_sync_io_timeout = '0s'\n"
        "\n"
        "    [plugins.'io.containerd.cri.v1.runtime'.containerd]\n"
        "      default_runtime_name = 'runc'\n"
        "      ignore_blockio_not_enabled_errors = false\n"
        "      ignore_rdt_not_enabled_errors = false\n"
        "\n"
        "      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes]\n"
        "        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]\n"
        "          runtime_type = 'io.containerd.runc.v2'\n"
        "          runtime_path = ''\n"
        "          pod_annotations = []\n"
        "          container_annotations = []\n"
        "          privileged_without_host_devices = false\n"
        "          privileged_without_host_devices_all_devices_allowed = false\n"
        "          base_runtime_spec = ''\n"
        "          cni_conf_dir = ''\n"
        "          cni_max_conf_num = 0\n"
        "          snapshotter = ''\n"
        "          sandboxer = 'podsandbox'\n"
        "          io_type = ''\n"
        "\n"
        "          [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n"
        "            BinaryName = ''\n"
        "            CriuImagePath = ''\n"
        "            CriuWorkPath = ''\n"
        "            IoGid = 0\n"
        "            IoUid = 0\n"
        "            NoNewKeyring = false\n"
        "            Root = ''\n"
        "            ShimCgroup = ''\n"
        "\n"
        "    [plugins.'io.containerd.cri.v1.runtime'.cni]\n"
        "      bin_dir = '/opt/cni/bin'\n"
        "      conf_dir = '/etc/cni/net.d'\n"
        "      max_conf_num = 1\n"
        "      setup_serially = false\n"
        "      conf_template = ''\n"
        "      ip_pref = ''\n"
        "      use_internal_loopback = false\n"
        "\n"
        "  [plugins.'io.containerd.gc.v1.scheduler']\n"
        "    pause_threshold = 0.02\n"
        "    deletion_threshold = 0\n"
        "    mutation_threshold = 100\n"
        "    schedule_delay = '0s'\n"
        "    startup_delay = '100ms'\n"
        "\n"
        "  [plugins.'io.containerd.nri.v1.nri']\n"
        "    disable = false\n"
        "    socket_path = '/var/run/nri/nri.sock'\n"
        "    plugin_path = '/opt/nri/plugins'\n"
        "    plugin_config_path = '/etc/nri/conf.d'\n"
        "    plugin_registration_timeout = '5s'\n"
        "    plugin_request_timeout = '2s'\n"
        "    disable_connections = false\n"
        "\n"
        "  [plugins.'io.containerd.service.v1.tasks-service']\n"
        "    blockio_config_file = ''\n"
        "    rdt_config_file = ''\n"
        "\n"
        "  [plugins.'io.containerd.transfer.v1.local']\n"
        "    max_concurrent_downloads = 3\n"
        "    max_concurrent_uploaded_layers = 3\n"
        "\n"
        "    [[plugins.'io.containerd.transfer.v1.local'.unpack_config]]\n"
        "      platform = 'linux/amd64'\n"
        "      snapshotter = 'overlayfs'\n"
        "\n"
        "[cgroup]\n"
        "  path = ''\n"
        "\n"
        "[timeouts]\n"
        "  'io.containerd.timeout.bolt.open' = '0s'\n"
        "  'io.containerd.timeout.metrics.shimstats' = '2s'\n"
        "  'io.containerd.timeout.shim.cleanup' = '5s'\n"
        "  'io.containerd.timeout.shim.load' = '5s'\n"
        "  'io.containerd.timeout.shim.shutdown' = '3s'\n"
        "  'io.containerd.timeout.task.state' = '2s'\n"
        "\n"
        "[stream_processors]\n"
        "  [stream_processors.'io.containerd.ocicrypt.decoder.v1.tar']\n"
        "    accepts = ['application/vnd.oci.image.layer.v1.tar+encrypted']\n"
        "    returns = 'application/vnd.oci.image.layer.v1.tar'\n"
        "    path = 'ctd-decoder'\n"
        "    args = ['--decryption-keys-path', '/etc/containerd/ocicrypt/keys']\n"
        "    env = ['OCICRYPT_KEYPROVIDER_CONFIG=/etc/containerd/ocicrypt/ocicrypt_keyprovider.conf']\n";

/* What the last parse said besides its return value: the line and the message of
 * containerd_toml_parse(). */
static unsigned parse_line;
static const char *parse_msg;

static int parse_n(const char *s, size_t n, struct containerd_config *c) {
        parse_line = 4242;
        parse_msg = "unset";
        return containerd_toml_parse(s, n, c, &parse_line, &parse_msg);
}

static int parse(const char *s, struct containerd_config *c) {
        return parse_n(s, strlen(s), c);
}

static void check_ok(const char *s, const char *root, const char *state, const char *address) {
        struct containerd_config c = {};

        assert_int_equal(parse(s, &c), 0);
        assert_int_equal(parse_line, 0);
        assert_null(parse_msg);
        assert_string_or_null(c.root, root);
        assert_string_or_null(c.state, state);
        assert_string_or_null(c.grpc_address, address);
        containerd_config_done(&c);
        assert_null(c.root);
}

static void check_bad(const char *s, unsigned expected_line, const char *expected_msg) {
        struct containerd_config c = {};

        assert_int_equal(parse(s, &c), -EINVAL);
        assert_string_equal(parse_msg, expected_msg);
        assert_int_equal(parse_line, expected_line);
        assert_null(c.root);
        assert_null(c.state);
        assert_null(c.grpc_address);
        containerd_config_done(&c);
}

static void test_default_v2(void **state UNUSED) {
        check_ok(config_v2, "/var/lib/containerd", "/run/containerd", "/run/containerd/containerd.sock");
}

static void test_default_v3(void **state UNUSED) {
        check_ok(config_v3, "/srv/containerd", "/run/containerd", "/run/containerd/containerd.sock");
}

static void test_empty(void **state UNUSED) {
        check_ok("", NULL, NULL, NULL);
        check_ok("\n\n   \n\t\n", NULL, NULL, NULL);
        check_ok("# only a comment", NULL, NULL, NULL);
        check_ok("version = 2\n", NULL, NULL, NULL);
}

static void test_other_addresses_ignored(void **state UNUSED) {
        check_ok("[debug]\naddress = \"/d.sock\"\n[ttrpc]\naddress = \"/t.sock\"\n"
                 "[grpc.tls]\naddress = \"/no\"\n[grpcx]\naddress = \"/no\"\n"
                 "[plugins.grpc]\naddress = \"/no\"\nroot = \"/no\"\nstate = \"/no\"\n",
                 NULL, NULL, NULL);
        /* root and state under a table are not the top-level keys. */
        check_ok("[grpc]\nroot = \"/no\"\nstate = \"/no\"\naddress = \"/g\"\n", NULL, NULL, "/g");
        /* An array of tables is never [grpc]: containerd refuses it. */
        check_bad("[[grpc]]\naddress = \"/no\"\n", 1, "containerd expects a table here, not an array of tables");
}

static void test_dotted_and_inline(void **state UNUSED) {
        check_ok("grpc.address = \"/a.sock\"\n", NULL, NULL, "/a.sock");
        check_ok("grpc = { address = \"/b.sock\", uid = 0 }\n", NULL, NULL, "/b.sock");
        check_ok("\"grpc\" . 'address' = \"/c.sock\"\n", NULL, NULL, "/c.sock");
        check_ok("[ \"grpc\" ]\n\"address\" = '/d.sock'\n", NULL, NULL, "/d.sock");
        check_ok("plugins.\"io.containerd.grpc.v1.cri\".sandbox_image = \"x\"\n"
                 "plugins.\"io.containerd.grpc.v1.cri\".containerd.snapshotter = \"overlayfs\"\n"
                 "root = \"/r\"\n", "/r", NULL, NULL);
        check_ok("x = { grpc = { address = \"/no\" } }\n", NULL, NULL, NULL);
}

static void test_values_skipped(void **state UNUSED) {
        check_ok("root = \"/r\" # comment\n"
                 "a = 0xdead_beef\n"
                 "b = 0o755\n"
                 "c = 0b1010\n"
                 "d = 1_000_000\n"
                 "e = -17\n"
                 "f = +0\n"
                 "g = 3.14\n"
                 "h = -1e-3\n"
                 "i = 6.626e+34\n"
                 "j = 1E6\n"
                 "k = inf\n"
                 "l = -nan\n"
                 "m = true\n"
                 "n = false\n"
                 "o = 1979-05-27T07:32:00Z\n"
                 "p = 1979-05-27 07:32:00.999-07:00\n"
                 "q = 1979-05-27\n"
                 "r = 07:32:00\n"
                 "s = [1, [2, 3], [\"a\", 'b'], { x = 1 }, ]\n"
                 "t = [\n"
                 "  # a comment inside an array\n"
                 "  \"one\",\n"
                 "  [ 'two', \"]\" ],\n"
                 "\n"
                 "]\n"
                 "u = { a = 1, b.c = \"x\", d = { e = [1, 2] } }\n"
                 "v = \"\"\"\n"
                 "state = \"/not-a-key\"\n"
                 "quotes \"\" inside, escaped \\\"\"\" too\n"
                 "\"\"\"\n"
                 "w = '''\n"
                 "[grpc]\n"
                 "address = 'also not a key' ''\n"
                 "'''''\n"
                 "x = \"\"\"\\\n"
                 "    folded \\\n"
                 "    line\"\"\"\n"
                 "y = 'C:\\Users\\nodejs\\templates'\n"
                 "z = \"tab\there\"\n"
                 "\"quoted key\" = 1\n"
                 "'literal key' = 2\n"
                 "bare-key_1 = 3\n"
                 "1234 = 4\n"
                 "\"\" = 5\n"
                 "[a.b.c]\n"
                 "[ d . \"e\" . 'f' ]  # comment\n"
                 "[[products]]\n"
                 "name = \"Hammer\"\n"
                 "[[products]]\n"
                 "\n"
                 "[state_dir]\n"
                 "state = \"/nope\"\n",
                 "/r", NULL, NULL);
}

static void test_escapes(void **state UNUSED) {
        check_ok("root = \"/var/lib/con\\\"tai\\\\ner\\u0064\\U0001F600\\t\\n\"\n"
                 "state = '/run/con\\tainerd'\n"
                 "[grpc]\n"
                 "address = \"\\u00e9\"\n",
                 "/var/lib/con\"tai\\nerd\xf0\x9f\x98\x80\t\n",
                 "/run/con\\tainerd",
                 "\xc3\xa9");
        check_ok("root = \"\"\"\n/multi\"\"\"\nstate = '''/lit'''\n", "/multi", "/lit", NULL);
        check_ok("root = \"\"\n", "", NULL, NULL);
}

static void test_crlf(void **state UNUSED) {
        check_ok("# c\r\nroot = \"/r\"\r\n[grpc]\r\naddress = \"/a\" # x\r\n", "/r", NULL, "/a");
}

static void test_not_nul_terminated(void **state UNUSED) {
        static const char s[] = "root = \"/r\"garbage";
        struct containerd_config c = {};

        assert_int_equal(parse_n(s, strlen("root = \"/r\""), &c), 0);
        assert_string_equal(c.root, "/r");
        containerd_config_done(&c);

        /* Cut inside the string. */
        assert_int_equal(parse_n(s, strlen("root = \"/r"), &c), -EINVAL);
        assert_int_equal(parse_line, 1);
        assert_string_equal(parse_msg, "unterminated string");
        containerd_config_done(&c);
}

static void test_nul_byte(void **state UNUSED) {
        static const char s[] = "version = 2\nroot = \"/r\0x\"\n";
        struct containerd_config c = {};

        assert_int_equal(parse_n(s, sizeof(s) - 1, &c), -EINVAL);
        assert_int_equal(parse_line, 2);
        assert_string_equal(parse_msg, "NUL byte in file");
        assert_null(c.root);
        containerd_config_done(&c);

        check_bad("version = 2\n\nroot = \"/r\\u0000x\"\n", 3, "NUL character in string");
}

static void test_malformed(void **state UNUSED) {
        check_bad("version = 2\nroot = \"/var/lib/containerd\n", 2, "unterminated string");
        check_bad("root = '/x\nstate = '/y'\n", 1, "unterminated string");
        check_bad("a = 1\nb = \"\"\"\nnever\nclosed\n", 2, "unterminated string");
        check_bad("a = 1\nb = '''\nnever\n''\n", 2, "unterminated string");
        check_bad("version = 2\n\njust some words\n", 3, "expected '=' after key");
        check_bad("version = 2\nroot\n", 2, "expected '=' after key");
        check_bad("[grpc\naddress = \"/x\"\n", 1, "bad table header");
        check_bad("x = 1\n[]\n", 2, "bad table header");
        check_bad("[[a]\n", 1, "bad table header");
        check_bad("[a b]\n", 1, "bad table header");
        check_bad("[a] x = 1\n", 1, "unexpected text after table header");
        check_bad("[a]]\n", 1, "unexpected text after table header");
        check_bad("a = 1 2\n", 1, "unexpected text after value");
        check_bad("a = \"x\" \"y\"\n", 1, "unexpected text after value");
        check_bad("\n\na =\nb = 1\n", 3, "missing value");
        check_bad("a = # nothing\n", 1, "missing value");
        check_bad("a = yes\n", 1, "invalid value");
        check_bad("a = 0x_dead\n", 1, "invalid value");
        check_bad("a = 1__000\n", 1, "invalid value");
        check_bad("a = 012\n", 1, "invalid value");
        check_bad("a = 1.\n", 1, "invalid value");
        check_bad("a = .5\n", 1, "invalid value");
        check_bad("a = True\n", 1, "invalid value");
        check_bad("a = 1979-05-27T07:32\n", 1, "invalid value");
        check_bad("a = @\n", 1, "invalid value");
        check_bad("x = 1\na = [1, 2\nb = 3\n", 3, "expected ',' or ']' in array");
        check_bad("a = [\n1,\n2,\n", 1, "unterminated array");
        check_bad("a = [1,,2]\n", 1, "invalid value");
        check_bad("a = { b = 1\n", 1, "unterminated inline table");
        /* Unterminated after an item, before a first item, and inside a comment. */
        check_bad("a = [1\n", 1, "unterminated array");
        check_bad("x = 1\na = [\n", 2, "unterminated array");
        check_bad("a = [1, # no end\n", 1, "unterminated array");
        check_bad("a = {\n", 1, "unterminated inline table");
        check_bad("a = { b = 1, # no end\n", 1, "unterminated inline table");
        check_bad("a = { b = 1 c = 2 }\n", 1, "expected ',' or '}' in inline table");
        check_bad("a = { b }\n", 1, "expected '=' after key");
        check_bad("a = \"\\q\"\n", 1, "invalid escape in string");
        check_bad("a = \"\\u12\"\n", 1, "invalid unicode escape in string");
        check_bad("a = \"\\ud800\"\n", 1, "invalid unicode escape in string");
        check_bad("a = \"\\U00110000\"\n", 1, "invalid unicode escape in string");
        check_bad("a = \"x\x01\"\n", 1, "control character in string");
        check_bad("# ok\n# bad \x7f\n", 2, "control character in comment");
        check_bad("a = 1\r\r\n", 1, "unexpected text after value");
        check_bad("a = \"\"\"x\"\"\"\"\"\"\n", 1, "too many quotes in string");
        check_bad("\"\"\"k\"\"\" = 1\n", 1, "invalid key");
        check_bad("a.b. = 1\n", 1, "invalid key");
        check_bad("= 1\n", 1, "invalid key");
        check_bad("a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", 1, "nesting too deep");
}

static void test_wanted_key_errors(void **state UNUSED) {
        check_bad("root = \"/a\"\nversion = 2\nroot = \"/b\"\n", 3, "duplicate key");
        check_bad("[grpc]\naddress = \"/a\"\n[debug]\naddress = \"\"\n[grpc]\naddress = \"/b\"\n", 6,
                  "duplicate key");
        check_bad("grpc.address = \"/a\"\n[grpc]\naddress = \"/b\"\n", 3, "duplicate key");
        check_bad("version = 2\nroot = 42\n", 2, "expected a string value");
        check_bad("state = [\"/a\"]\n", 1, "expected a string value");
        check_bad("[grpc]\naddress = { path = \"/x\" }\n", 2, "expected a string value");
}

/* The other kept keys: plugin_dir, version, imports, ttrpc and debug addresses. */
static void test_more_keys(void **state UNUSED) {
        struct containerd_config c = {};

        assert_int_equal(parse("version = 3\n"
                               "plugin_dir = \"/opt/plugins\"\n"
                               "imports = [\"/etc/containerd/conf.d/*.toml\", 'rel.toml',\n"
                               "  # a comment\n"
                               "]\n"
                               "[ttrpc]\naddress = \"/t.sock\"\n"
                               "[debug]\naddress = \"/d.sock\"\n"
                               "[metrics]\naddress = \"127.0.0.1:1338\"\n", &c), 0);
        assert_int_equal(c.version, 3);
        assert_string_equal(c.plugin_dir, "/opt/plugins");
        assert_int_equal(strv_length(c.imports), 2);
        assert_string_equal(c.imports[0], "/etc/containerd/conf.d/*.toml");
        assert_string_equal(c.imports[1], "rel.toml");
        assert_string_equal(c.ttrpc_address, "/t.sock");
        assert_string_equal(c.debug_address, "/d.sock");
        assert_int_equal(c.n_runtimes, 0);
        containerd_config_done(&c);

        assert_int_equal(parse("imports = []\nversion = 0x2\n", &c), 0);
        assert_non_null(c.imports);
        assert_null(c.imports[0]);
        assert_int_equal(c.version, 2);
        containerd_config_done(&c);

        check_bad("version = \"2\"\n", 1, "version: expected an integer");
        check_bad("version = 2.0\n", 1, "version: expected an integer");
        check_bad("version = 2\nversion = 3\n", 2, "duplicate key");
        check_bad("imports = \"/a.toml\"\n", 1, "imports: expected an array of strings");
        check_bad("imports = [1]\n", 1, "imports: expected an array of strings");
        check_bad("imports = []\nimports = []\n", 2, "duplicate key");
        check_bad("plugin_dir = 1\n", 1, "expected a string value");
        /* containerd refuses an array of tables where it has a table or a map of tables. */
        check_bad("[[proxy_plugins.x]]\npath = \"/x\"\n", 1, "containerd expects a table here, not an array of tables");
        check_bad("root = \"/r\"\n[[grpc]]\n", 2, "containerd expects a table here, not an array of tables");
        check_ok("version = 2\n[[other]]\n[[plugins.\"io.containerd.x.v1.y\".z]]\n", NULL, NULL, NULL);
}

static void assert_runtime(const struct containerd_runtime *rt, enum containerd_cri cri, const char *name,
                           const char *type, const char *binary) {
        assert_int_equal(rt->plugin, cri);
        assert_string_equal(rt->name, name);
        assert_string_or_null(rt->runtime_type, type);
        assert_string_or_null(rt->binary_name, binary);
}

/* Runtimes in the three CRI sections, as tables, dotted keys and inline tables. */
static void test_runtimes(void **state UNUSED) {
        struct containerd_config c = {};

        assert_int_equal(parse("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
                               "  runtime_type = \"io.containerd.runc.v2\"\n"
                               "  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                               "    BinaryName = \"/usr/bin/runc\"\n"
                               "    SystemdCgroup = true\n"
                               "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.kata]\n"
                               "  runtime_type = \"io.containerd.kata.v2\"\n"
                               "  options = { BinaryName = '/opt/kata/bin/kata' }\n"
                               "[plugins.cri.containerd.runtimes]\n"
                               "  \"my runtime\".options.BinaryName = \"/usr/local/bin/crun\"\n"
                               "[plugins.\"io.containerd.grpc.v1.cri\".containerd.default_runtime]\n"
                               "  runtime_type = \"not kept\"\n"
                               "[plugins.other.containerd.runtimes.x]\n"
                               "  runtime_type = \"not kept\"\n"
                               "[[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes]]\n"
                               "  runtime_type = \"not kept\"\n",
                               &c), 0);
        assert_int_equal(c.n_runtimes, 3);
        assert_runtime(&c.runtimes[0], CONTAINERD_CRI_V2, "runc", "io.containerd.runc.v2", "/usr/bin/runc");
        assert_runtime(&c.runtimes[1], CONTAINERD_CRI_V3, "kata", "io.containerd.kata.v2", "/opt/kata/bin/kata");
        assert_runtime(&c.runtimes[2], CONTAINERD_CRI_V1, "my runtime", NULL, "/usr/local/bin/crun");
        assert_string_equal(containerd_cri_to_string(CONTAINERD_CRI_V3), "io.containerd.cri.v1.runtime");
        assert_null(containerd_cri_to_string(42));
        containerd_config_done(&c);

        check_bad("[plugins.cri.containerd.runtimes.a]\nruntime_type = \"x\"\nruntime_type = \"y\"\n", 3,
                  "duplicate key");
        check_bad("[plugins.cri.containerd.runtimes.a.options]\nBinaryName = 1\n", 2, "expected a string value");
}

/* The registry hosts directories of each version's plugin, and NRI's directories and switch. */
static void test_controls(void **state UNUSED) {
        struct containerd_config c = {};

        assert_int_equal(parse("version = 3\n"
                               "[plugins.\"io.containerd.cri.v1.images\".registry]\n"
                               "  config_path = \"/etc/containerd/certs.d:/etc/docker/certs.d\"\n"
                               "[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
                               "  config_path = \"/old\"\n"
                               "[plugins.\"io.containerd.nri.v1.nri\"]\n"
                               "  disable = false\n"
                               "  disable_connections = true\n"
                               "  plugin_path = \"/opt/nri/plugins\"\n"
                               "  plugin_config_path = \"/etc/nri/conf.d\"\n"
                               "  socket_path = \"/var/run/nri/nri.sock\"\n", &c), 0);
        assert_string_equal(c.registry_config_path[CONTAINERD_CRI_V3], "/etc/containerd/certs.d:/etc/docker/certs.d");
        assert_string_equal(c.registry_config_path[CONTAINERD_CRI_V2], "/old");
        assert_null(c.registry_config_path[CONTAINERD_CRI_V1]);
        assert_true(c.nri_disable_set);
        assert_false(c.nri_disable);
        assert_string_equal(c.nri_plugin_path, "/opt/nri/plugins");
        assert_string_equal(c.nri_plugin_config_path, "/etc/nri/conf.d");
        containerd_config_done(&c);

        assert_int_equal(parse("[plugins.cri.registry]\nconfig_path = '/etc/containerd/certs.d'\n"
                               "[plugins.'io.containerd.nri.v1.nri']\ndisable = true\n", &c), 0);
        assert_string_equal(c.registry_config_path[CONTAINERD_CRI_V1], "/etc/containerd/certs.d");
        assert_true(c.nri_disable_set);
        assert_true(c.nri_disable);
        containerd_config_done(&c);

        check_bad("[plugins.\"io.containerd.nri.v1.nri\"]\ndisable = 0\n", 2, "disable: expected true or false");
        check_bad("[plugins.\"io.containerd.nri.v1.nri\"]\ndisable = truex\n", 2, "disable: expected true or false");
        check_bad("[plugins.\"io.containerd.nri.v1.nri\"]\ndisable = true\ndisable = false\n", 3, "duplicate key");
        check_bad("[plugins.\"io.containerd.grpc.v1.cri\".registry]\nconfig_path = 1\n", 2, "expected a string value");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_v2),
                cmocka_unit_test(test_default_v3),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_other_addresses_ignored),
                cmocka_unit_test(test_dotted_and_inline),
                cmocka_unit_test(test_values_skipped),
                cmocka_unit_test(test_escapes),
                cmocka_unit_test(test_crlf),
                cmocka_unit_test(test_not_nul_terminated),
                cmocka_unit_test(test_nul_byte),
                cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_wanted_key_errors),
                cmocka_unit_test(test_more_keys),
                cmocka_unit_test(test_runtimes),
                cmocka_unit_test(test_controls),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
