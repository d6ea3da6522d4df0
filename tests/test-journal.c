/* SPDX-License-Identifier: GPL-2.0-or-later */
/* journal_wanted()'s decision, and journal_log_summary()'s argument checks. Whether an entry
 * reaches journald cannot be seen here (no journald), so sending is only checked to return
 * cleanly. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <syslog.h>
#include <cmocka.h>

#include "journal.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static int setup(void **state _unused_) {
        assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
        assert_int_equal(unsetenv("INVOCATION_ID"), 0);
        return 0;
}

static int teardown(void **state _unused_) {
        (void) unsetenv("JOURNAL_STREAM");
        (void) unsetenv("INVOCATION_ID");
        return 0;
}

static bool journal_socket_exists(void) {
        return access("/run/systemd/journal/socket", F_OK) >= 0;
}

/* From a shell: neither variable. */
static void test_interactive(void **state _unused_) {
        assert_int_equal(journal_wanted(), 0);
}

/* A service's stdout/stderr connected to the journal: systemd sets JOURNAL_STREAM=DEV:INODE. */
static void test_journal_stream(void **state _unused_) {
        struct stat st;
        char v[64];

        assert_int_equal(fstat(STDERR_FILENO, &st), 0);
        (void) snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long) st.st_dev, (unsigned long long) st.st_ino);
        assert_int_equal(setenv("JOURNAL_STREAM", v, 1), 0);
        assert_int_equal(journal_wanted(), 1);
        /* Inherited by a program whose standard error is something else: not the journal's. */
        (void) snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long) st.st_dev, (unsigned long long) st.st_ino + 1);
        assert_int_equal(setenv("JOURNAL_STREAM", v, 1), 0);
        assert_int_equal(journal_wanted(), 0);
        assert_int_equal(setenv("JOURNAL_STREAM", "8:12345x", 1), 0);
        assert_int_equal(journal_wanted(), 0);
        assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
        assert_int_equal(journal_wanted(), 0);
        /* Set but empty is not set. */
        assert_int_equal(setenv("JOURNAL_STREAM", "", 1), 0);
        assert_int_equal(journal_wanted(), 0);
}

/* INVOCATION_ID alone (a unit with StandardError=null, say) counts only where journald listens. */
static void test_invocation_id(void **state _unused_) {
        assert_int_equal(setenv("INVOCATION_ID", "0123456789abcdef0123456789abcdef", 1), 0);
        assert_int_equal(journal_wanted(), journal_socket_exists() ? 1 : 0);
        assert_int_equal(setenv("INVOCATION_ID", "", 1), 0);
        assert_int_equal(journal_wanted(), 0);
}

static void test_summary_arguments(void **state _unused_) {
        assert_int_equal(journal_log_summary(LOG_INFO, NULL, 0, 0, 0, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(journal_log_summary(-1, "x", 0, 0, 0, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(journal_log_summary(LOG_DEBUG + 1, "x", 0, 0, 0, NULL, NULL, NULL), -EINVAL);
}

/* Without journald, sd_journal_sendv() drops the entry and returns 0 (libsystemd fails silently
 * when the socket is missing): the summary never makes a run fail, and nothing leaks (valgrind
 * setup). With journald the entry is sent. */
static void test_summary_send(void **state _unused_) {
        int r = journal_log_summary(LOG_INFO, "docker-audit-rules test-journal: added 1, removed 2, unchanged 3",
                                    1, 2, 3, "/tmp/50-docker.rules", "unchanged", "ok");

        if (journal_socket_exists())
                assert_true(r == 0 || r == -EPERM || r == -EACCES);
        else
                assert_int_equal(r, 0);
        r = journal_log_summary(LOG_WARNING, "no optional fields", 0, 0, 0, NULL, NULL, NULL);
        if (!journal_socket_exists())
                assert_int_equal(r, 0);
}

static void test_message_id(void **state _unused_) {
        const char *id = JOURNAL_SUMMARY_MESSAGE_ID;

        assert_int_equal(strlen(id), 32);
        assert_int_equal(strspn(id, "0123456789abcdef"), 32);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_interactive, setup, teardown),
                cmocka_unit_test_setup_teardown(test_journal_stream, setup, teardown),
                cmocka_unit_test_setup_teardown(test_invocation_id, setup, teardown),
                cmocka_unit_test(test_summary_arguments),
                cmocka_unit_test(test_summary_send),
                cmocka_unit_test(test_message_id),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
