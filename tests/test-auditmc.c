/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The multicast records' parser (auditmc.c): serial, pid and key of a SYSCALL record. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "auditmc.h"

#define _unused_ __attribute__((unused))

static int parse(const char *text, unsigned long *serial, long *pid, char key[static 257]) {
        return auditmc_parse_record(text, strlen(text), serial, pid, key);
}

static void test_syscall(void _unused_ **state) {
        unsigned long serial = 0;
        long pid = 0;
        char key[257];

        assert_int_equal(parse("audit(1700000000.123:4567): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c "
                               "items=1 ppid=10 pid=4242 auid=0 uid=0 comm=\"dar-probe\" exe=\"/usr/sbin/x\" "
                               "subj=unconfined key=\"docker\"", &serial, &pid, key), 0);
        assert_int_equal(serial, 4567);
        assert_int_equal(pid, 4242);    /* not ppid */
        assert_string_equal(key, "docker");
}

static void test_keys(void _unused_ **state) {
        unsigned long serial;
        long pid;
        char key[257];

        /* Several keys: the kernel writes them in hex, joined by 0x01. */
        assert_int_equal(parse("audit(1.002:9): pid=7 key=646F636B657201636973", &serial, &pid, key), 0);
        assert_string_equal(key, "docker\001cis");
        assert_int_equal(parse("audit(1.002:9): pid=7 key=(null)", &serial, &pid, key), 0);
        assert_string_equal(key, "");
        assert_int_equal(parse("audit(1.002:9): pid=7", &serial, &pid, key), 0);
        assert_string_equal(key, "");
        /* A record cut short keeps to its length. */
        assert_int_equal(auditmc_parse_record("audit(1.002:9): pid=71 key=\"abc\"", 21, &serial, &pid, key), 0);
        assert_int_equal(pid, 7);
}

static void test_bad(void _unused_ **state) {
        unsigned long serial = 1;
        long pid = 1;
        char key[257];

        assert_int_equal(parse("type=SYSCALL msg=audit(1.0:1): pid=1", &serial, &pid, key), -EINVAL);
        assert_int_equal(parse("audit(1.0): pid=1", &serial, &pid, key), -EINVAL);
        assert_int_equal(parse("audit(1.0:x): pid=1", &serial, &pid, key), -EINVAL);
        assert_int_equal(serial, 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_syscall),
                cmocka_unit_test(test_keys),
                cmocka_unit_test(test_bad),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
