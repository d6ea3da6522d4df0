/* SPDX-License-Identifier: GPL-2.0-or-later */
/* No dangerous watch from any configuration value. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "guard.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static void test_root_refused_whatever_it_is_named(void **state _unused_) {
        assert_int_equal(watch_guard("/", true, S_IFDIR | 0755, NAMED_AS_DIR), GUARD_ROOT);
        assert_int_equal(watch_guard("/", true, S_IFDIR | 0755, NAMED_AS_SOCKET), GUARD_ROOT);
        assert_non_null(guard_verdict_explain(GUARD_ROOT));
}

static void test_devices_refused(void **state _unused_) {
        assert_int_equal(watch_guard("/dev/null", true, S_IFCHR | 0666, NAMED_AS_FILE), GUARD_DEVICE);
        assert_int_equal(watch_guard("/srv/disk", true, S_IFBLK | 0660, NAMED_AS_DIR), GUARD_DEVICE);
        /* A socket is what a docker.sock watch is for. */
        assert_int_equal(watch_guard("/run/docker.sock", true, S_IFSOCK | 0660, NAMED_AS_SOCKET), GUARD_OK);
}

static void test_file_named_but_directory(void **state _unused_) {
        assert_int_equal(watch_guard("/srv/tls", true, S_IFDIR | 0755, NAMED_AS_FILE), GUARD_FILE_IS_DIR);
        assert_int_equal(watch_guard("/srv/sock", true, S_IFDIR | 0755, NAMED_AS_SOCKET), GUARD_FILE_IS_DIR);
        assert_int_equal(watch_guard("/srv/data", true, S_IFDIR | 0755, NAMED_AS_DIR), GUARD_OK);
        assert_int_equal(watch_guard("/etc/docker/daemon.json", false, 0, NAMED_AS_FILE), GUARD_OK);
        assert_int_equal(watch_guard("/etc/docker/daemon.json", true, S_IFREG | 0644, NAMED_AS_FILE), GUARD_OK);
}

static void test_system_dirs(void **state _unused_) {
        assert_int_equal(watch_guard("/usr/bin", true, S_IFDIR | 0755, NAMED_AS_DIR), GUARD_SYSTEM_DIR);
        assert_int_equal(watch_guard("/etc", true, S_IFDIR | 0755, NAMED_AS_DIR), GUARD_SYSTEM_DIR);
        assert_int_equal(watch_guard("/var/lib", false, 0, NAMED_AS_DIR), GUARD_SYSTEM_DIR);
        assert_int_equal(watch_guard("/usr/lib", false, 0, NAMED_AS_FILE), GUARD_SYSTEM_DIR);
        assert_int_equal(watch_guard("/var/lib/docker", true, S_IFDIR | 0710, NAMED_AS_DIR), GUARD_OK);
        assert_int_equal(watch_guard("/etc/docker", true, S_IFDIR | 0755, NAMED_AS_DIR), GUARD_OK);
        assert_int_equal(watch_guard("/run/containerd", false, 0, NAMED_AS_DIR), GUARD_OK);
        assert_true(path_is_system_dir("/usr/local/bin"));
        assert_false(path_is_system_dir("/usr/local/bin/dockerd"));
        assert_null(guard_verdict_explain(GUARD_OK));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_root_refused_whatever_it_is_named),
                cmocka_unit_test(test_devices_refused),
                cmocka_unit_test(test_file_named_but_directory),
                cmocka_unit_test(test_system_dirs),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
