/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --report without a kernel: the time window's forms, what a syscall did to a path, who is a
 * package manager or a Docker daemon, and the whole report over a log recorded on a real
 * kernel (tests/fixtures/report/audit.log, see record.sh there), damaged copy included. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "config.h"
#include "auditlog.h"
#include "report.h"
#include "util.h"

#define _unused_ __attribute__((unused))
#define FIX FIXTURES "/report"
#define KEY "dar-report-test"
#define WATCHED "/tmp/dar-report-fixture"

/* Sunday 29 November 2026, 22:21:53 UTC. */
static const time_t NOW = 1795990913;

static int setup(void **state _unused_) {
        assert_int_equal(setenv("TZ", "UTC", 1), 0);
        tzset();
        return 0;
}

static time_t utc(int y, int mo, int d, int h, int mi, int s) {
        struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s };
        return timegm(&tm);
}

static void assert_time(const char *s, bool end, time_t want) {
        time_t got = 0;
        if (report_parse_time(s, end, NOW, &got) < 0)
                fail_msg("\"%s\" refused", s);
        if (got != want)
                fail_msg("\"%s\" (%s): got %lld, want %lld", s, end ? "end" : "start", (long long) got, (long long) want);
}

static void test_time_keywords(void **state _unused_) {
        assert_int_equal(utc(2026, 11, 29, 22, 21, 53), NOW);
        assert_time("now", false, NOW);
        assert_time("recent", false, NOW - 600);
        assert_time("today", false, utc(2026, 11, 29, 0, 0, 0));
        assert_time("today", true, NOW);                         /* as ausearch's -te: now */
        assert_time("yesterday", false, utc(2026, 11, 28, 0, 0, 0));
        assert_time("this-week", false, utc(2026, 11, 29, 0, 0, 0)); /* a Sunday */
        assert_time("week-ago", false, utc(2026, 11, 22, 0, 0, 0));
        assert_time("this-month", false, utc(2026, 11, 1, 0, 0, 0));
        assert_time("this-year", false, utc(2026, 1, 1, 0, 0, 0));
}

static void test_time_dates(void **state _unused_) {
        assert_time("11/28/2026", false, utc(2026, 11, 28, 0, 0, 0));
        assert_time("11/28/2026", true, utc(2026, 11, 28, 23, 59, 59));
        assert_time("2026-11-28", false, utc(2026, 11, 28, 0, 0, 0));
        assert_time("2026-11-28", true, utc(2026, 11, 28, 23, 59, 59));
        assert_time("2026-11-28 10:11:12", false, utc(2026, 11, 28, 10, 11, 12));
        assert_time("2026-11-28T10:11:12", true, utc(2026, 11, 28, 10, 11, 12));
        assert_time("11/28/2026 10:11", false, utc(2026, 11, 28, 10, 11, 0));
        assert_time("10:11:12", false, utc(2026, 11, 29, 10, 11, 12));
        assert_time("2/3/2026", false, utc(2026, 2, 3, 0, 0, 0));
        assert_time("2028-02-29", false, utc(2028, 2, 29, 0, 0, 0));     /* a leap year */
        assert_time("2026-04-30 23:59:59", false, utc(2026, 4, 30, 23, 59, 59));
        assert_time("12/31/2026", true, utc(2026, 12, 31, 23, 59, 59));
}

static void test_time_refused(void **state _unused_) {
        static const char *const bad[] = {
                "", "tomorrow", "Today", "2026-13-01", "2026-11-32", "11/28/26", "2026-11-28 25:00:00",
                "2026-11-28 10", "2026-11-28x", "10:61", "1795990913", "2026/11/28", "11-28-2026",
                /* Days the month does not have: refused as ausearch refuses them, not rolled over. */
                "2026-02-30", "02/30/2026", "2026-04-31", "04/31/2026", "2027-02-29", "2026-02-29 10:00:00",
                "2026-01-01 24:00:00", "24:00:00",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                time_t t = 42;
                if (report_parse_time(bad[i], false, NOW, &t) != -EINVAL)
                        fail_msg("\"%s\" accepted", bad[i]);
                assert_int_equal(t, 42);
        }
}

static void test_classify(void **state _unused_) {
        static const struct {
                const char *syscall;
                enum audit_nametype nt;
                unsigned long long a1, a2;
                enum report_action want;
        } cases[] = {
                { "openat", NAMETYPE_NORMAL, 0, O_RDONLY, REPORT_ACTION_READ },
                { "openat", NAMETYPE_NORMAL, 0, O_WRONLY | O_CREAT | O_TRUNC, REPORT_ACTION_WRITTEN },
                { "openat", NAMETYPE_NORMAL, 0, O_RDWR, REPORT_ACTION_WRITTEN },
                { "openat", NAMETYPE_NORMAL, 0, O_RDONLY | O_TRUNC, REPORT_ACTION_WRITTEN },
                { "openat", NAMETYPE_CREATE, 0, O_WRONLY | O_CREAT | O_EXCL, REPORT_ACTION_CREATED },
                { "open", NAMETYPE_NORMAL, O_WRONLY, 0, REPORT_ACTION_WRITTEN },
                { "open", NAMETYPE_NORMAL, O_RDONLY, O_WRONLY, REPORT_ACTION_READ },
                { "openat2", NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_OTHER },
                { "creat", NAMETYPE_CREATE, 0, 0, REPORT_ACTION_CREATED },
                { "mkdir", NAMETYPE_PARENT, 0, 0, REPORT_ACTION_CREATED },
                { "symlinkat", NAMETYPE_CREATE, 0, 0, REPORT_ACTION_CREATED },
                { "unlinkat", NAMETYPE_DELETE, 0, 0, REPORT_ACTION_DELETED },
                { "rmdir", NAMETYPE_PARENT, 0, 0, REPORT_ACTION_DELETED },
                { "renameat2", NAMETYPE_DELETE, 0, 0, REPORT_ACTION_RENAMED },
                { "rename", NAMETYPE_CREATE, 0, 0, REPORT_ACTION_RENAMED },
                { "fchmodat", NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_ATTR },
                { "fchownat", NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_ATTR },
                { "setxattr", NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_ATTR },
                { "utimensat", NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_ATTR },
                { "execve", NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_EXECUTED },
                { "truncate", NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_WRITTEN },
                { "readlinkat", NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_READ },
                { "ioctl", NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_OTHER },
                { "ioctl", NAMETYPE_CREATE, 0, 0, REPORT_ACTION_CREATED },
                { NULL, NAMETYPE_NORMAL, 0, 0, REPORT_ACTION_OTHER },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unsigned long long args[4] = { 0, cases[i].a1, cases[i].a2, 0 };
                enum report_action got = report_classify(cases[i].syscall, cases[i].nt, args);
                if (got != cases[i].want)
                        fail_msg("%s %s: %s, want %s", strempty(cases[i].syscall), audit_nametype_name(cases[i].nt),
                                 report_action_name(got), report_action_name(cases[i].want));
        }
        assert_false(report_action_is_change(REPORT_ACTION_READ));
        assert_false(report_action_is_change(REPORT_ACTION_EXECUTED));
        assert_true(report_action_is_change(REPORT_ACTION_ATTR));
        assert_true(report_action_is_change(REPORT_ACTION_OTHER));
}

static void test_actor(void **state _unused_) {
        static const struct {
                const char *exe;
                enum report_actor want;
        } cases[] = {
                { "/usr/bin/dpkg", ACTOR_PACKAGE_MANAGER },
                { "/tmp/x/dpkg", ACTOR_OTHER },             /* a name proves nothing */
                { "/tmp/dpkg", ACTOR_OTHER },
                { "/home/u/runc", ACTOR_OTHER },
                { "/home/u/containerd-shim-x", ACTOR_OTHER },
                { "/home/u/.local/bin/x /usr/bin/dockerd", ACTOR_OTHER },
                { "/usr/local/bin/dockerd", ACTOR_OTHER },   /* not the dockerd discovered */
                { "/usr/bin/rpm", ACTOR_PACKAGE_MANAGER },
                { "/usr/bin/apt-get", ACTOR_PACKAGE_MANAGER },
                { "/usr/bin/unattended-upgrade", ACTOR_OTHER }, /* a script: python is its exe */
                { "/usr/lib/snapd/snapd", ACTOR_PACKAGE_MANAGER },
                { "/sbin/apk", ACTOR_PACKAGE_MANAGER },
                { "/usr/bin/zypper", ACTOR_PACKAGE_MANAGER },
                { "/usr/sbin/dockerd", ACTOR_DOCKER },
                { "/usr/bin/containerd", ACTOR_DOCKER },
                { "/usr/bin/containerd-shim-runc-v2", ACTOR_DOCKER },
                { "/usr/sbin/runc", ACTOR_DOCKER },
                { "/usr/bin/docker-proxy", ACTOR_DOCKER },
                { "/usr/sbin/docker-audit-rules", ACTOR_SELF },
                { "/build/src/docker-audit-rules", ACTOR_SELF },   /* the binary running the report */
                { "/tmp/docker-audit-rules", ACTOR_OTHER },         /* a program of that name elsewhere */
                { "/usr/bin/docker", ACTOR_OTHER },        /* the client is anyone */
                { "/usr/bin/dpkg-query", ACTOR_OTHER },
                { "/usr/bin/vim", ACTOR_OTHER },
                { "/usr/bin/dash", ACTOR_OTHER },
                { "", ACTOR_OTHER },
                { NULL, ACTOR_OTHER },
        };
        char *self[] = { (char *) "/usr/sbin/docker-audit-rules", (char *) "/build/src/docker-audit-rules", NULL };
        char *docker[] = { (char *) "/usr/sbin/dockerd", (char *) "/usr/bin/containerd",
                           (char *) "/usr/bin/containerd-shim-runc-v2", (char *) "/usr/sbin/runc",
                           (char *) "/usr/bin/docker-proxy", NULL };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                enum report_actor got = report_actor_of(cases[i].exe, self, docker);
                if (got != cases[i].want)
                        fail_msg("%s: \"%s\", want \"%s\"", strempty(cases[i].exe), report_actor_name(got),
                                 report_actor_name(cases[i].want));
        }
}

/* The reader turns the recorded log into events with their fields. */
static void test_reader_fields(void **state _unused_) {
        struct audit_filter f = { .key = KEY };
        struct audit_reader *r = NULL;
        struct audit_event e;
        size_t n = 0, syscalls = 0;

        assert_int_equal(audit_reader_open(FIX "/audit.log", &f, &r), 0);
        while (audit_reader_next(r, &e) > 0) {
                if (e.kind == AUDIT_EVENT_SYSCALL && syscalls++ == 0) {
                        /* sh -c "echo new > daemon.json" */
                        assert_int_equal(e.sec, 1795990913);
                        assert_int_equal(e.msec, 860);
                        assert_int_equal(e.serial, 314);
                        assert_string_equal(e.key, KEY);
                        assert_string_equal(e.syscall, "openat");
                        assert_int_equal(e.success, 1);
                        assert_int_equal(e.exit, 4);
                        assert_int_equal(e.args[2], 0x241);
                        assert_string_equal(e.exe, "/usr/bin/dash");
                        assert_string_equal(e.comm, "sh");
                        assert_string_equal(e.cmdline, "sh -c echo new > " WATCHED "/daemon.json");
                        assert_int_equal(e.uid, 0);
                        assert_string_equal(e.uid_name, "root");
                        assert_true(e.auid == AUDIT_ID_UNSET);
                        assert_true(e.ses == AUDIT_ID_UNSET);
                        assert_int_equal(e.n_paths, 1);
                        assert_string_equal(e.paths[0].name, WATCHED "/daemon.json");
                        assert_int_equal(e.paths[0].nametype, NAMETYPE_NORMAL);
                        assert_int_equal(e.paths[0].inode, 10953262);
                }
                if (e.kind == AUDIT_EVENT_ENABLED && e.enabled == 0)
                        assert_int_equal(e.enabled_old, 1);
                if (e.kind == AUDIT_EVENT_RULE_REMOVED) {
                        assert_string_equal(e.key, KEY);
                        assert_string_equal(e.exe, "/usr/sbin/auditctl");
                }
                audit_event_done(&e);
                n++;
        }
        /* 9 syscalls, the rule added and removed, 2 enabled changes, auditd start and end. */
        assert_int_equal(syscalls, 9);
        assert_int_equal(n, 15);
        assert_int_equal(audit_reader_damaged(r), 0);
        audit_reader_free(r);

        /* Another key, no watched paths: only the audit system's own events. */
        f.key = "docker";
        assert_int_equal(audit_reader_open(FIX "/audit.log", &f, &r), 0);
        n = 0;
        while (audit_reader_next(r, &e) > 0) {
                assert_int_not_equal(e.kind, AUDIT_EVENT_SYSCALL);
                audit_event_done(&e);
                n++;
        }
        /* Two CONFIG_CHANGEs of the enabled flag, the rule of the other key added and removed,
         * auditd's start and end, and nothing else. */
        assert_int_equal(n, 6);
        audit_reader_free(r);
}

static bool run_verbose;   /* -v: every event listed too */
static const char *run_extra_target;   /* one more discovered file (an environment file), or NULL */

static int run(const char *input, const char *key, time_t since, time_t until, bool json, char **ret_text,
               struct report_result *ret) {
        struct discovery d = {};
        struct target *t = NULL;
        char *inputs[] = { (char *) input, NULL };
        char *self[] = { (char *) "/usr/sbin/docker-audit-rules", NULL };
        struct report_options o = { .key = key, .since = since, .until = until, .json = json, .inputs = inputs,
                                    .verbose = run_verbose, .self_exes = self };
        char *text = NULL;
        size_t len = 0;
        FILE *out;
        int r;

        /* The recorded watch stands for /etc/docker, its daemon.json for daemon.json. */
        assert_true(discovery_add_target(&d, COMP_ETC_DOCKER, WATCHED, "test", &t) >= 0);
        t->is_dir = true;
        assert_true(discovery_add_target(&d, COMP_DAEMON_JSON, WATCHED "/daemon.json", "test", NULL) >= 0);
        if (run_extra_target)
                assert_true(discovery_add_target(&d, COMP_ENV_FILE, run_extra_target, "test", NULL) >= 0);
        /* Docker's programs are those discovered: by their paths, not their names. */
        assert_true(discovery_add_target(&d, COMP_DOCKERD, "/usr/sbin/dockerd", "test", NULL) >= 0);
        assert_true(discovery_add_target(&d, COMP_RUNC, "/usr/sbin/runc", "test", NULL) >= 0);
        assert_true(discovery_add_target(&d, COMP_SHIM_RUNC_V2, "/usr/bin/containerd-shim-runc-v2", "test", NULL) >= 0);
        out = open_memstream(&text, &len);
        assert_non_null(out);
        r = report_run(&o, &d, out, ret);
        assert_int_equal(fclose(out), 0);
        discovery_done(&d);
        *ret_text = text;
        return r;
}

/* --report over the whole log at path with KEY, then the log removed: as text into *ret_text,
 * with -v into *ret_verbose and as JSON into *ret_json, each unless NULL (the caller frees them);
 * the result of the first of those runs into *ret unless NULL (report_result_done() frees it). */
static void report_log(const char *path, char **ret_text, char **ret_verbose, char **ret_json,
                       struct report_result *ret) {
        char **outs[] = { ret_text, ret_verbose, ret_json };
        bool kept = false;

        for (size_t k = 0; k < ELEMENTSOF(outs); k++) {
                struct report_result res;

                if (!outs[k])
                        continue;
                run_verbose = k == 1;
                assert_int_equal(run(path, KEY, 0, 0, k == 2, outs[k], &res), 0);
                run_verbose = false;
                if (ret && !kept)
                        *ret = res;
                else
                        report_result_done(&res);
                kept = true;
        }
        unlink(path);
}

static char *read_expected(const char *name) {
        _cleanup_free_ char *p = path_join(FIX, name);
        char *data = NULL;
        size_t len;
        assert_int_equal(read_file_bounded(AT_FDCWD, p, 0, &data, &len), 0);
        return data;
}

static void assert_same_text(const char *got, const char *expected_file) {
        _cleanup_free_ char *want = read_expected(expected_file);
        if (!streq(got, want)) {
                /* Written where a reader can diff it against the expected file. */
                _cleanup_free_ char *p = path_join(getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", expected_file);
                FILE *f = p ? fopen(p, "we") : NULL;
                if (f) {
                        fputs(got, f);
                        fclose(f);
                }
                fail_msg("output differs from %s: see diff %s %s/%s", expected_file, strempty(p), FIX, expected_file);
        }
}

static void test_report_text(void **state _unused_) {
        _cleanup_free_ char *text = NULL;
        struct report_result res;

        assert_int_equal(run(FIX "/audit.log", KEY, 0, 0, false, &text, &res), 0);
        assert_same_text(text, "expected-text.txt");
        assert_int_equal(res.status, REPORT_TAMPERED);
        assert_int_equal(res.n_events, 9);
        assert_int_equal(res.n_changes, 7);
        assert_int_equal(res.n_tampering, 3);
        assert_int_equal(res.damaged_lines, 0);
        report_result_done(&res);
}

static void test_report_json(void **state _unused_) {
        _cleanup_free_ char *text = NULL;
        struct report_result res;

        assert_int_equal(run(FIX "/audit.log", KEY, 0, 0, true, &text, &res), 0);
        assert_same_text(text, "expected-json.txt");
        report_result_done(&res);
}

/* The damaged copy gives the same report, with the damaged lines counted. */
static void test_report_damaged(void **state _unused_) {
        _cleanup_free_ char *text = NULL, *want = NULL;
        struct report_result res;
        char *p;

        assert_int_equal(run(FIX "/damaged.log", KEY, 0, 0, false, &text, &res), 0);
        assert_int_equal(res.damaged_lines, 5);
        assert_int_equal(res.status, REPORT_TAMPERED);
        want = read_expected("expected-text.txt");
        p = strstr(want, "0 damaged lines");
        assert_non_null(p);
        *p = '5';
        if (!streq(text, want))
                fail_msg("damaged.log:\n%s", text);
        report_result_done(&res);
}

/* The window: before the rule was removed, only changes by others (1); under another key, the
 * same events found by their paths (1); an unreadable input alone (3). */
static void test_report_window_and_status(void **state _unused_) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
        struct report_result res;

        /* Up to 1795990913.999: the write, read, chmod, touch and mv; auditd's start as information. */
        assert_int_equal(run(FIX "/audit.log", KEY, 1795990913, 1795990913, false, &a, &res), 0);
        assert_int_equal(res.status, REPORT_CHANGES);
        assert_int_equal(res.n_tampering, 0);
        assert_int_equal(res.n_events, 5);
        assert_int_equal(res.n_changes, 4);
        assert_non_null(strstr(a, " info       auditd-started "));
        assert_null(strstr(a, "TAMPERING"));
        report_result_done(&res);

        /* Another key: the same five events, found by their paths and said to be under the key
         * that labelled them. */
        assert_int_equal(run(FIX "/audit.log", "no-such-key", 1795990913, 1795990913, false, &b, &res), 0);
        assert_int_equal(res.status, REPORT_CHANGES);
        assert_int_equal(res.n_events, 5);
        assert_int_equal(res.n_by_path, 5);
        if (!strstr(b, " written    ok     " WATCHED "/daemon.json by auid=unset uid=root ses=unset tty=(none) "
                       "/usr/bin/dash \"sh -c echo new > " WATCHED "/daemon.json\" under key " KEY "\n"))
                fail_msg("the write is not said to be under key " KEY ":\n%s", b);
        report_result_done(&res);

        assert_int_equal(run(FIX "/no-such.log", KEY, 0, 0, false, &c, &res), 0);
        assert_int_equal(res.status, REPORT_UNREADABLE);
        assert_int_equal(res.n_input_errors, 1);
        assert_int_equal(res.input_errors[0].error, -ENOENT);
        report_result_done(&res);
}

/* Names the kernel records that are not paths as they stand: a rename over an existing file
 * (sed -i), a name relative to a directory descriptor (its PARENT record is the cwd, which it
 * is not), an AT_FDCWD-relative name (joined with the cwd), and name=(null) (an fd's file). */
#define REC(serial, rest) "type=SYSCALL msg=audit(1795995933." #serial ":" #serial "): arch=c000003e " rest \
        " ppid=1 pid=2 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295"
#define PATHREC(serial, item, name, nt) "type=PATH msg=audit(1795995933." #serial ":" #serial "): item=" #item \
        " name=" name " inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=" nt "\n"
#define CWDREC(serial, cwd) "type=CWD msg=audit(1795995933." #serial ":" #serial "): cwd=\"" cwd "\"\n"
static const char odd_names_log[] =
        REC(100, "syscall=82 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=5") " comm=\"sed\" exe=\"/usr/bin/sed\" key=\"" KEY "\"\n"
        CWDREC(100, "/work/build")
        PATHREC(100, 0, "\"" WATCHED "/\"", "PARENT") PATHREC(100, 1, "\"" WATCHED "/\"", "PARENT")
        PATHREC(100, 2, "\"" WATCHED "/sedGpefnd\"", "DELETE") PATHREC(100, 3, "\"" WATCHED "/daemon.json\"", "DELETE")
        PATHREC(100, 4, "\"" WATCHED "/daemon.json\"", "CREATE")
        REC(200, "syscall=263 success=no exit=-21 a0=16 a1=2 a2=0 a3=0 items=2") " comm=\"dockerd\" exe=\"/usr/sbin/dockerd\" key=\"" KEY "\"\n"
        CWDREC(200, "/work/build")
        PATHREC(200, 0, "\"/work/build\"", "PARENT") PATHREC(200, 1, "\"checkpoints\"", "DELETE")
        REC(300, "syscall=263 success=yes exit=0 a0=ffffff9c a1=2 a2=0 a3=0 items=2") " comm=\"rm\" exe=\"/usr/bin/rm\" key=\"" KEY "\"\n"
        CWDREC(300, WATCHED)
        PATHREC(300, 0, "\"" WATCHED "\"", "PARENT") PATHREC(300, 1, "\"rel\"", "DELETE")
        REC(400, "syscall=91 success=yes exit=0 a0=c a1=1a4 a2=0 a3=2 items=1") " comm=\"dpkg\" exe=\"/usr/bin/dpkg\" key=\"" KEY "\"\n"
        CWDREC(400, "/work/build")
        PATHREC(400, 0, "(null)", "NORMAL");

static void write_log(char path[], const char *text) {
        int fd = mkstemp(path);
        FILE *f;

        assert_true(fd >= 0);
        f = fdopen(fd, "w");
        assert_non_null(f);
        assert_true(fputs(text, f) >= 0);
        assert_int_equal(fclose(f), 0);
}

/* --report over a log of that text, in a file of its own (report_log()). */
static void report_of(const char *text, char **ret_text, char **ret_verbose, char **ret_json,
                      struct report_result *ret) {
        char path[] = "/tmp/dar-report-log.XXXXXX";

        write_log(path, text);
        report_log(path, ret_text, ret_verbose, ret_json, ret);
}

static char *long_event_log(size_t n_paths) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        assert_non_null(f);
        fprintf(f, REC(100, "syscall=257 success=yes exit=3 a0=ffffff9c a1=2 a2=241 a3=0 items=5") " comm=\"sh\" "
                   "exe=\"/usr/bin/dash\" key=\"" KEY "\"\n" CWDREC(100, "/"));
        for (size_t i = 0; i < n_paths; i++)
                fprintf(f, "type=PATH msg=audit(1795995933.100:100): item=%zu name=\"" WATCHED "/f%zu\" inode=1 "
                           "dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n", i, i);
        fprintf(f, "type=PROCTITLE msg=audit(1795995933.100:100): proctitle=7368\n"
                   "type=EOE msg=audit(1795995933.100:100): \n"
                   REC(200, "syscall=257 success=yes exit=3 a0=ffffff9c a1=2 a2=0 a3=0 items=1") " comm=\"cat\" "
                   "exe=\"/usr/bin/cat\" key=\"" KEY "\"\n" CWDREC(200, "/")
                   PATHREC(200, 0, "\"" WATCHED "/daemon.json\"", "NORMAL"));
        assert_int_equal(fclose(f), 0);
        return buf;
}

/* An event of 10,000 PATH records: the reader hands out its first AUDIT_EVENT_PATHS_MAX, the
 * records after them (the PROCTITLE) still read, and counts what it left out; the next event is
 * whole. The report says so in its summary. */
static void test_reader_long_event(void **state _unused_) {
        _cleanup_free_ char *log = long_event_log(10000), *text = NULL;
        char path[] = "/tmp/dar-report-long.XXXXXX";
        struct audit_filter f = { .key = KEY };
        struct audit_reader *r = NULL;
        struct report_result res;
        struct audit_event e;
        size_t events = 0;

        write_log(path, log);
        assert_int_equal(audit_reader_open(path, &f, &r), 0);
        assert_int_equal(audit_reader_next(r, &e), 1);
        assert_int_equal(e.serial, 100);
        assert_int_equal(e.n_paths, AUDIT_EVENT_PATHS_MAX);
        assert_string_equal(e.paths[AUDIT_EVENT_PATHS_MAX - 1].name, WATCHED "/f63");
        assert_string_equal(e.cmdline, "sh");
        audit_event_done(&e);
        assert_int_equal(audit_reader_next(r, &e), 1);
        assert_int_equal(e.serial, 200);
        assert_int_equal(e.n_paths, 1);
        audit_event_done(&e);
        assert_int_equal(audit_reader_next(r, &e), 0);
        assert_int_equal(audit_reader_records_cut(r, &events), 10000 - AUDIT_EVENT_PATHS_MAX);
        assert_int_equal(events, 1);
        assert_int_equal(audit_reader_damaged(r), 0);
        audit_reader_free(r);

        report_log(path, &text, NULL, NULL, &res);
        assert_int_equal(res.n_events, 2);
        assert_int_equal(res.records_cut, 10000 - AUDIT_EVENT_PATHS_MAX);
        assert_int_equal(res.events_cut, 1);
        report_result_done(&res);
        if (!strstr(text, "\nRecords cut: 9936 records of 1 events not read (an event's first 64 PATH records"))
                fail_msg("no word of the cut:\n%s", text);
}

/* An event of another key is handed out when one of its names is a watched path or below a
 * recursive one, whole component by component, joined to the cwd when relative; names the bytes
 * cannot settle ("..", ".", "//") are handed out for the report to decide. */
#define OTHER_EVENT(serial, cwd, name) \
        REC(serial, "syscall=257 success=yes exit=3 a0=ffffff9c a1=2 a2=0 a3=0 items=1") \
        " comm=\"cat\" exe=\"/usr/bin/cat\" key=\"other\"\n" CWDREC(serial, cwd) PATHREC(serial, 0, name, "NORMAL") \
        "type=PROCTITLE msg=audit(1795995933." #serial ":" #serial "): proctitle=636174\n"
static const char path_selection_log[] =
        OTHER_EVENT(101, "/", "\"/etc/docker/daemon.json\"")
        OTHER_EVENT(102, "/", "\"/etc/docker\"")
        OTHER_EVENT(103, "/", "\"/etc/dockerd/x\"")
        OTHER_EVENT(104, "/", "\"/usr/bin/dockerd\"")
        OTHER_EVENT(105, "/", "\"/usr/bin/dockerd/x\"")
        OTHER_EVENT(106, "/", "\"/usr/bin\"")
        OTHER_EVENT(107, "/usr/bin", "\"dockerd\"")
        OTHER_EVENT(108, "/usr/sbin", "\"../bin/dockerd\"")
        OTHER_EVENT(109, "/", "\"/tmp//x\"")
        OTHER_EVENT(110, "/", "\"/usr/lib/x86_64-linux-gnu/libc.so.6\"")
        OTHER_EVENT(111, "/", "\"/usr/bin/./tar\"")
        OTHER_EVENT(112, "/", "\"/etc/docker/\"")
        OTHER_EVENT(113, "/", "\"/.hidden/x\"")
        OTHER_EVENT(114, "/", "\"/run/docker.sock/x\"")
        OTHER_EVENT(115, "/", "\"/\"")
        OTHER_EVENT(116, "/", "2F6574632F646F636B6572")
        OTHER_EVENT(117, "/usr", "\"bin/dockerd\"")
        OTHER_EVENT(118, "/", "\"/usr/bin/..\"");

static void test_reader_path_selection(void **state _unused_) {
        static const struct audit_watch watches[] = {
                { "/etc/docker", true }, { "/usr/bin/dockerd", false }, { "/run/docker.sock", false },
                { "/run/docker.sock", true }, { "relative/not/a/watch", true },
        };
        static const unsigned want[] = { 101, 102, 104, 107, 108, 109, 111, 112, 114, 116, 117, 118 };
        char path[] = "/tmp/dar-report-paths.XXXXXX";
        struct audit_filter f = { .key = KEY, .watches = watches, .n_watches = ELEMENTSOF(watches) };
        struct audit_reader *r = NULL;
        struct audit_event e;
        size_t n = 0;

        write_log(path, path_selection_log);
        assert_int_equal(audit_reader_open(path, &f, &r), 0);
        while (audit_reader_next(r, &e) > 0) {
                if (n >= ELEMENTSOF(want) || e.serial != want[n])
                        fail_msg("event %lu handed out, want %u", (unsigned long) e.serial,
                                 n < ELEMENTSOF(want) ? want[n] : 0);
                audit_event_done(&e);
                n++;
        }
        assert_int_equal(n, ELEMENTSOF(want));
        audit_reader_free(r);

        /* "/" watched recursively: every event. */
        {
                static const struct audit_watch root[] = { { "/", true } };
                f.watches = root;
                f.n_watches = 1;
                assert_int_equal(audit_reader_open(path, &f, &r), 0);
                for (n = 0; audit_reader_next(r, &e) > 0; n++)
                        audit_event_done(&e);
                assert_int_equal(n, 18);
                audit_reader_free(r);
        }
        unlink(path);
}

/* An event selected by its path, whose records the reader held back while they were read in two
 * pieces (the reader reads 256 KiB at a time; the piece ends inside its CWD record, and the next
 * one is read over it), and one whose held records have a record it never reads between them:
 * both are handed out whole. */
static void test_reader_held_across_pieces(void **state _unused_) {
        static const struct audit_watch watches[] = { { "/etc/docker", true } };
        static const char filler[] = OTHER_EVENT(100, "/", "\"/usr/bin/true\"");
        static const char held[] = OTHER_EVENT(300, "/etc/docker", "\"daemon.json\"");
        static const char apart[] =
                REC(301, "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1")
                " comm=\"cat\" exe=\"/usr/bin/cat\" key=\"other\"\n"
                "type=EXECVE msg=audit(1795995933.301:301): argc=1 a0=\"cat\"\n"
                CWDREC(301, "/") PATHREC(301, 0, "\"/etc/docker/daemon.json\"", "NORMAL")
                "type=PROCTITLE msg=audit(1795995933.301:301): proctitle=636174\n";
        const size_t piece = 256 * 1024;
        size_t syscall_len = strchr(held, '\n') + 1 - held, len = 0, pad;
        char path[] = "/tmp/dar-report-pieces.XXXXXX";
        struct audit_filter f = { .key = KEY, .watches = watches, .n_watches = 1 };
        struct audit_reader *r = NULL;
        struct audit_event e;
        char *log = NULL;
        FILE *m = open_memstream(&log, &len);
        unsigned long got[2];
        size_t n = 0;

        assert_non_null(m);
        while (ftell(m) + 2 * (long) sizeof(filler) + 200 < (long) (piece - syscall_len))
                fputs(filler, m);
        /* A record of a type the reader never reads, as long as it takes for the piece to end five
         * bytes into the CWD record of the event. */
        pad = piece - syscall_len - 5 - (size_t) ftell(m);
        fprintf(m, "type=USER_ACCT msg=audit(1795995933.200:200): msg='%0*d'\n",
                (int) (pad - strlen("type=USER_ACCT msg=audit(1795995933.200:200): msg=''\n")), 0);
        assert_int_equal(ftell(m), (long) (piece - syscall_len - 5));
        fputs(held, m);
        fputs(apart, m);
        /* The next piece whole: read over every byte of the one before. */
        while (ftell(m) < (long) (3 * piece))
                fputs(filler, m);
        assert_int_equal(fclose(m), 0);
        write_log(path, log);
        free(log);

        assert_int_equal(audit_reader_open(path, &f, &r), 0);
        while (audit_reader_next(r, &e) > 0) {
                assert_true(n < 2);
                got[n++] = e.serial;
                assert_int_equal(e.n_paths, 1);
                assert_non_null(e.cwd);
                assert_string_equal(e.cwd, e.serial == 300 ? "/etc/docker" : "/");
                assert_string_equal(e.comm, "cat");
                assert_string_equal(e.cmdline, "cat");
                audit_event_done(&e);
        }
        assert_int_equal(n, 2);
        assert_int_equal(got[0], 300);
        assert_int_equal(got[1], 301);
        assert_int_equal(audit_reader_damaged(r), 0);
        audit_reader_free(r);
        unlink(path);
}

/* One openat(2) of WATCHED/file by sh under our key, as the kernel writes it: its SYSCALL and PATH
 * records. */
static void print_open_event(FILE *m, int serial, const char *file) {
        fprintf(m, "type=SYSCALL msg=audit(1795995933.100:%d): arch=c000003e syscall=257 success=yes exit=3 "
                   "a0=ffffff9c a1=2 a2=241 a3=0 items=1 ppid=1 pid=2 auid=4294967295 uid=0 gid=0 euid=0 "
                   "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"sh\" "
                   "exe=\"/usr/bin/dash\" key=\"" KEY "\"\n"
                   "type=PATH msg=audit(1795995933.100:%d): item=0 name=\"" WATCHED "/%s\" inode=1 dev=fe:00 "
                   "mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n", serial, serial, file);
}

/* An event older than those before it, never seen, is an event like any other (not one
 * closed), and a record of an event closed long ago is still left out, whatever its age. */
static void test_reader_out_of_order(void **state _unused_) {
        char path[] = "/tmp/dar-report-order.XXXXXX";
        struct audit_filter f = { .key = KEY };
        struct audit_reader *r = NULL;
        struct audit_event e;
        char *log = NULL;
        size_t len = 0, n = 0, events = 0;
        FILE *m = open_memstream(&log, &len);
        /* 200 .. 219, then 150 (never seen, older), then a record of 200 (closed). */
        static const int serials[] = { 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213,
                                       214, 215, 216, 217, 218, 219, 150 };
        bool seen[ELEMENTSOF(serials)] = {};

        assert_non_null(m);
        for (size_t k = 0; k < ELEMENTSOF(serials); k++)
                print_open_event(m, serials[k], "f");
        fprintf(m, "type=PATH msg=audit(1795995933.100:200): item=1 name=\"" WATCHED "/late\" inode=1 dev=fe:00 "
                   "mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n");
        assert_int_equal(fclose(m), 0);
        write_log(path, log);
        free(log);
        assert_int_equal(audit_reader_open(path, &f, &r), 0);
        /* In the order libauparse completes them. */
        while (audit_reader_next(r, &e) > 0) {
                size_t k = 0;
                while (k < ELEMENTSOF(serials) && (unsigned long) serials[k] != e.serial)
                        k++;
                assert_true(k < ELEMENTSOF(serials) && !seen[k]);
                seen[k] = true;
                assert_int_equal(e.n_paths, 1);
                audit_event_done(&e);
                n++;
        }
        assert_int_equal(n, ELEMENTSOF(serials));
        assert_int_equal(audit_reader_records_cut(r, &events), 1);
        assert_int_equal(events, 1);
        audit_reader_free(r);
        unlink(path);
}

/* Events written in turn: a record of an event that comes after 16 other events began is left
 * out and counted; the events themselves are all handed out, none twice, none invented. */
static void test_reader_interleaved(void **state _unused_) {
        char path[] = "/tmp/dar-report-turns.XXXXXX";
        struct audit_filter f = { .key = KEY };
        struct audit_reader *r = NULL;
        struct audit_event e;
        char *log = NULL;
        size_t len = 0, n = 0, events = 0;
        FILE *m = open_memstream(&log, &len);

        assert_non_null(m);
        for (int k = 0; k < 18; k++) {
                char file[16];
                snprintf(file, sizeof(file), "f%d", k);
                print_open_event(m, 100 + k, file);
        }
        /* Event 100 again, after 17 others: left out. Event 117 again: still counted, kept. */
        fprintf(m, "type=PATH msg=audit(1795995933.100:100): item=1 name=\"" WATCHED "/late\" inode=1 dev=fe:00 "
                   "mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n"
                   "type=PATH msg=audit(1795995933.100:117): item=1 name=\"" WATCHED "/kept\" inode=1 dev=fe:00 "
                   "mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n");
        assert_int_equal(fclose(m), 0);
        write_log(path, log);
        free(log);
        assert_int_equal(audit_reader_open(path, &f, &r), 0);
        while (audit_reader_next(r, &e) > 0) {
                assert_int_equal(e.kind, AUDIT_EVENT_SYSCALL);
                assert_int_equal(e.serial, 100 + n);
                assert_int_equal(e.n_paths, e.serial == 117 ? 2 : 1);
                audit_event_done(&e);
                n++;
        }
        assert_int_equal(n, 18);
        assert_int_equal(audit_reader_records_cut(r, &events), 1);
        assert_int_equal(events, 1);
        audit_reader_free(r);
        unlink(path);
}

/* A log whose exe, path and command line hold ESC [2J, a carriage return, a newline and a C1
 * CSI (the kernel writes such fields in hex): the text report shows them escaped, the JSON
 * report exactly (json-c writes \u001b), but for a byte that is not UTF-8 (0x9b alone), which
 * valid JSON cannot hold: U+FFFD (fputs_json()). */
static const char escapes_log[] =
        REC(100, "syscall=257 success=yes exit=3 a0=ffffff9c a1=2 a2=241 a3=0 items=1")
        " comm=\"sh\" exe=2F746D702F1B5B324A0D0A9B78 key=\"" KEY "\"\n"
        CWDREC(100, "/")
        "type=PATH msg=audit(1795995933.100:100): item=0 name=" "2F746D702F6461722D7265706F72742D666978747572652F1B5B324A0A"
        " inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n"
        "type=PROCTITLE msg=audit(1795995933.100:100): proctitle=73680063601B5D303B7469746C6507\n";

static void test_report_escapes(void **state _unused_) {
        _cleanup_free_ char *text = NULL, *json = NULL;
        struct report_result res;

        report_of(escapes_log, &text, NULL, &json, &res);
        assert_int_equal(res.n_events, 1);
        report_result_done(&res);
        for (const unsigned char *p = (const unsigned char *) text; *p; p++)
                if ((*p < 0x20 && *p != '\n') || *p == 0x7f || *p >= 0x80)
                        fail_msg("byte 0x%02x at %zu of the text report:\n%s", *p, (size_t) (p - (const unsigned char *) text), text);
        if (!strstr(text, WATCHED "/\\x1b[2J\\x0a by ") || !strstr(text, " /tmp/\\x1b[2J\\x0d\\x0a\\x9bx ") ||
            !strstr(text, "\"sh c`\\x1b]0;title\\x07\""))
                fail_msg("not escaped as \\xNN:\n%s", text);
        if (!strstr(json, "\"path\":\"" WATCHED "/\\u001b[2J\\n\"") || !strstr(json, "\"exe\":\"/tmp/\\u001b[2J\\r\\n\\ufffdx\"") ||
            !strstr(json, "\"cmdline\":\"sh c`\\u001b]0;title\\u0007\""))
                fail_msg("JSON not exact:\n%s", json);
}

static void test_report_odd_names(void **state _unused_) {
        _cleanup_free_ char *text = NULL;
        struct report_result res;

        report_of(odd_names_log, NULL, &text, NULL, &res);
        assert_int_equal(res.n_events, 4);
        report_result_done(&res);
        if (!strstr(text, " daemon.json          1.1.11/1.2.10 renamed    ok     " WATCHED "/sedGpefnd -> " WATCHED
                          "/daemon.json by ") ||
            !strstr(text, " -                    -             deleted    FAILED checkpoints by ") ||
            !strstr(text, " etc-docker           1.1.6/1.2.5   deleted    ok     " WATCHED "/rel by ") ||
            !strstr(text, " -                    -             attributes ok     - by ") ||
            strstr(text, "/work/build/") || strstr(text, "(null)"))
                fail_msg("odd names:\n%s", text);
}


/* One system call event: SYSCALL (key: "\"k\"" or "(null)"), CWD, one PATH, PROCTITLE. */
static void put_syscall(FILE *f, unsigned sec, unsigned serial, int syscall, const char *a2, const char *exe,
                        const char *key, unsigned pid, const char *path, const char *nametype, const char *cmdline) {
        fprintf(f, "type=SYSCALL msg=audit(%u.%03u:%u): arch=c000003e syscall=%d success=yes exit=0 a0=ffffff9c a1=1 "
                   "a2=%s a3=0 items=1 ppid=1 pid=%u auid=4242 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
                   "fsgid=0 tty=pts0 ses=3 comm=\"x\" exe=\"%s\" key=%s\n", sec, serial % 1000, serial, syscall, a2,
                pid, exe, key);
        fprintf(f, "type=CWD msg=audit(%u.%03u:%u): cwd=\"/\"\n", sec, serial % 1000, serial);
        fprintf(f, "type=PATH msg=audit(%u.%03u:%u): item=0 name=\"%s\" inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 "
                   "rdev=00:00 nametype=%s\n", sec, serial % 1000, serial, path, nametype);
        fprintf(f, "type=PROCTITLE msg=audit(%u.%03u:%u): proctitle=", sec, serial % 1000, serial);
        for (const char *c = cmdline; *c; c++)
                fprintf(f, "%02X", *c == ' ' ? 0 : (unsigned char) *c);
        fputc('\n', f);
}

/* A rule added or removed (op: "add_rule", "remove_rule") by exe, with its command line. */
/* A rule change by process pid, whose parent is ppid. */
static void put_rule_change_by(FILE *f, unsigned sec, unsigned serial, const char *op, const char *key,
                               const char *exe, unsigned pid, unsigned ppid, const char *cmdline) {
        fprintf(f, "type=CONFIG_CHANGE msg=audit(%u.%03u:%u): auid=4242 ses=3 op=%s key=\"%s\" list=4 res=1\n",
                sec, serial % 1000, serial, op, key);
        fprintf(f, "type=SYSCALL msg=audit(%u.%03u:%u): arch=c000003e syscall=44 success=yes exit=1096 a0=5 a1=1 "
                   "a2=448 a3=0 items=0 ppid=%u pid=%u auid=4242 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
                   "fsgid=0 tty=pts0 ses=3 comm=\"x\" exe=\"%s\" key=(null)\n", sec, serial % 1000, serial, ppid, pid,
                exe);
        fprintf(f, "type=PROCTITLE msg=audit(%u.%03u:%u): proctitle=", sec, serial % 1000, serial);
        for (const char *c = cmdline; *c; c++)
                fprintf(f, "%02X", *c == ' ' ? 0 : (unsigned char) *c);
        fputc('\n', f);
}

static void put_rule_change(FILE *f, unsigned sec, unsigned serial, const char *op, const char *key, const char *exe,
                            unsigned pid, const char *cmdline) {
        put_rule_change_by(f, sec, serial, op, key, exe, pid, 1, cmdline);
}

/* --report over the log that fill writes (report_of()). */
static void report_filled(void (*fill)(FILE *f), char **ret_text, char **ret_verbose, char **ret_json,
                          struct report_result *ret) {
        _cleanup_free_ char *log = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&log, &len);

        assert_non_null(m);
        fill(m);
        assert_int_equal(fclose(m), 0);
        report_of(log, ret_text, ret_verbose, ret_json, ret);
}

static void fill_keys(FILE *f) {
        /* 1. chmod of daemon.json under another key's rule: found by its path. */
        put_syscall(f, 1795995933, 1, 268, "1a4", "/usr/bin/chmod", "\"systemd\"", 10, WATCHED "/daemon.json",
                    "NORMAL", "chmod 644 " WATCHED "/daemon.json");
        /* 2. The same under another key, elsewhere: not Docker's. */
        put_syscall(f, 1795995933, 2, 268, "1a4", "/usr/bin/chmod", "\"systemd\"", 11, "/etc/hostname",
                    "NORMAL", "chmod 644 /etc/hostname");
        /* 3. A write below the watched directory, without a key. */
        put_syscall(f, 1795995933, 3, 257, "241", "/usr/bin/dash", "(null)", 12, WATCHED "/new", "CREATE",
                    "sh -c echo");
        /* 4. A relative name, joined to the cwd (/): not Docker's. */
        put_syscall(f, 1795995933, 4, 257, "241", "/usr/bin/dash", "\"systemd\"", 13, "tmp/elsewhere", "NORMAL",
                    "sh -c echo");
        /* 5. A rule of another key on a directory above the watched one (auditctl cuts -F at '='),
         * 6. one on a path of its own, 7. one of auditctl -R: no path said. */
        put_rule_change(f, 1795995934, 5, "add_rule", "perm_mod", "/usr/sbin/auditctl", 14,
                        "auditctl -a always,exit -F dir /tmp -F perm wa -k perm_mod");
        put_rule_change(f, 1795995934, 6, "add_rule", "mine", "/usr/sbin/auditctl", 15,
                        "auditctl -w /var/elsewhere -p wa -k mine");
        put_rule_change(f, 1795995934, 7, "add_rule", "base", "/usr/sbin/auditctl", 16,
                        "auditctl -R /etc/audit/audit.rules");
}

/* Events under other keys (or none) on Docker's paths are found and say which key labelled
 * them; others are not; a rule of another key added over a watched path is named. */
static void test_report_other_keys(void **state _unused_) {
        _cleanup_free_ char *text = NULL, *json = NULL;
        struct report_result res;

        report_filled(fill_keys, &text, NULL, &json, &res);
        assert_int_equal(res.n_events, 2);
        assert_int_equal(res.n_by_path, 2);
        assert_int_equal(res.status, REPORT_CHANGES);
        report_result_done(&res);
        if (!strstr(text, " daemon.json          1.1.11/1.2.10 attributes ok     " WATCHED "/daemon.json by auid=unknown(4242) "
                          "uid=root ses=3 tty=pts0 /usr/bin/chmod \"chmod 644 " WATCHED "/daemon.json\" under key systemd\n") ||
            !strstr(text, " etc-docker           1.1.6/1.2.5   created    ok     " WATCHED "/new by ") ||
            !strstr(text, "/usr/bin/dash \"sh -c echo\" under key (none)\n") ||
            !strstr(text, " SHADOWING  rule-added key=perm_mod on /tmp: events on " WATCHED " may carry key perm_mod") ||
            strstr(text, "/etc/hostname") || strstr(text, "elsewhere") || strstr(text, "key=mine") ||
            strstr(text, "key=base"))
                fail_msg("selection by path:\n%s", text);
        if (!strstr(json, "\"key\":\"systemd\"") || !strstr(json, "\"selected_by\":\"path\"") ||
            !strstr(json, "\"kind\":\"shadowing-rule\"") || !strstr(json, "\"rule_path\":\"/tmp\""))
                fail_msg("JSON of the selection by path:\n%s", json);
}

static void fill_groups(FILE *f) {
        /* Five runs: containerd-shim and runc execute, dockerd writes. */
        for (unsigned i = 0; i < 5; i++) {
                put_syscall(f, 1795995940 + i, 10 + 3 * i, 59, "0", "/usr/bin/containerd-shim-runc-v2", "\"" KEY "\"",
                            100 + i, WATCHED "/shim", "NORMAL", "containerd-shim-runc-v2 -namespace moby");
                put_syscall(f, 1795995940 + i, 11 + 3 * i, 59, "0", "/usr/sbin/runc", "\"" KEY "\"", 200 + i,
                            WATCHED "/runc", "NORMAL", "runc --root /run/docker/runtime-runc/moby");
                put_syscall(f, 1795995940 + i, 12 + 3 * i, 257, "241", "/usr/sbin/dockerd", "\"" KEY "\"", 300,
                            WATCHED "/containers", "NORMAL", "dockerd");
        }
        /* An administrator opens daemon.json for writing three times, the same way. */
        for (unsigned i = 0; i < 3; i++)
                put_syscall(f, 1795995950 + i, 30 + i, 257, "241", "/usr/bin/vim.basic", "\"" KEY "\"", 400 + i,
                            WATCHED "/daemon.json", "NORMAL", "vim " WATCHED "/daemon.json");
        /* A package transaction: two writes of dpkg. */
        put_syscall(f, 1795995955, 40, 257, "241", "/usr/bin/dpkg", "\"" KEY "\"", 500, WATCHED "/a", "NORMAL",
                    "dpkg --unpack docker.io.deb");
        put_syscall(f, 1795995956, 41, 257, "241", "/usr/bin/dpkg", "\"" KEY "\"", 501, WATCHED "/b", "NORMAL",
                    "dpkg --configure docker.io");
        /* This tool re-syncs: a stale rule replaced, and reads what it discovers. */
        put_syscall(f, 1795995960, 50, 257, "0", "/usr/sbin/docker-audit-rules", "\"" KEY "\"", 600,
                    WATCHED "/daemon.json", "NORMAL", "/usr/sbin/docker-audit-rules");
        put_rule_change(f, 1795995960, 51, "add_rule", KEY, "/usr/sbin/docker-audit-rules", 600,
                        "/usr/sbin/docker-audit-rules");
        put_rule_change(f, 1795995960, 52, "remove_rule", KEY, "/usr/sbin/docker-audit-rules", 600,
                        "/usr/sbin/docker-audit-rules");
        /* A program of the same name elsewhere removes a rule: that is someone else. */
        put_rule_change(f, 1795995961, 53, "remove_rule", KEY, "/tmp/docker-audit-rules", 601,
                        "/tmp/docker-audit-rules");
        /* This tool's --remove: it reads daemon.json (recorded under another rule set's key), then
         * removes three rules. A --remove --dry-run removes nothing. */
        put_syscall(f, 1795995970, 59, 257, "0", "/usr/sbin/docker-audit-rules", "\"systemd\"", 700,
                    WATCHED "/daemon.json", "NORMAL", "/usr/sbin/docker-audit-rules --remove");
        put_syscall(f, 1795995980, 70, 257, "0", "/usr/sbin/docker-audit-rules", "\"" KEY "\"", 800,
                    WATCHED "/daemon.json", "NORMAL", "/usr/sbin/docker-audit-rules --remove --dry-run");
        for (unsigned i = 0; i < 3; i++)
                put_rule_change(f, 1795995970, 60 + i, "remove_rule", KEY, "/usr/sbin/docker-audit-rules", 700,
                                "/usr/sbin/docker-audit-rules --remove");
}

static void fill_named_like(FILE *f) {
        /* Programs named like a package manager or Docker's daemons, elsewhere. */
        put_syscall(f, 1795995940, 10, 257, "241", "/tmp/dpkg", "\"" KEY "\"", 100, WATCHED "/daemon.json", "NORMAL",
                    "/tmp/dpkg -c echo");
        put_syscall(f, 1795995941, 11, 82, "0", "/home/u/containerd-shim-x", "\"" KEY "\"", 101,
                    "/usr/sbin/runc", "DELETE", "mv");
        put_syscall(f, 1795995942, 12, 257, "241", "/home/u/runc", "\"" KEY "\"", 102, WATCHED "/daemon.json",
                    "NORMAL", "runc");
}

/* A name proves nothing: a program called dpkg, runc or containerd-shim* that is not the
 * installed one is someone else, and its changes need attention. */
static void test_report_actor_by_path(void **state _unused_) {
        _cleanup_free_ char *text = NULL;
        struct report_result res;
        const char *att, *rout;

        report_filled(fill_named_like, &text, NULL, NULL, &res);
        assert_int_equal(res.status, REPORT_CHANGES);
        report_result_done(&res);
        att = strstr(text, "\nAttention:");
        rout = strstr(text, "\nRoutine:");
        assert_non_null(att);
        assert_non_null(rout);
        if (rout < att)
                fail_msg("sections out of order:\n%s", text);
        *(char *) rout = 0;   /* att: the Attention section only */
        if (!strstr(att, " /tmp/dpkg \"/tmp/dpkg -c echo\"\n") || !strstr(att, " /home/u/containerd-shim-x \"mv\"\n") ||
            !strstr(att, " /home/u/runc \"runc\"\n") || strstr(rout + 1, "package manager)") ||
            strstr(rout + 1, "Docker's daemons)"))
                fail_msg("programs named like others:\n%s", text);
}

static void put_hex(FILE *f, const char *s) {
        for (; *s; s++)
                fprintf(f, "%02X", (unsigned char) *s);
}

static void fill_spaced(FILE *f) {
        /* The kernel writes a name or exe with a space in hex (audit_log_untrustedstring()). */
        fputs("type=SYSCALL msg=audit(1795995940.010:10): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c "
              "a1=1 a2=241 a3=0 items=1 ppid=1 pid=100 auid=4242 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
              "fsgid=0 tty=pts0 ses=3 comm=\"x\" exe=", f);
        put_hex(f, "/home/u/.local/bin/x /usr/bin/dockerd");
        fprintf(f, " key=\"%s\"\n", KEY);
        fputs("type=CWD msg=audit(1795995940.010:10): cwd=\"/\"\n", f);
        fputs("type=PATH msg=audit(1795995940.010:10): item=0 name=", f);
        put_hex(f, WATCHED "/daemon.json by auid=root uid=root /usr/bin/dpkg \"dpkg\"");
        fputs(" inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n", f);
        /* A command line whose argument holds a double quote, to end the quoting early. */
        fputs("type=PROCTITLE msg=audit(1795995940.010:10): proctitle=", f);
        put_hex(f, "x\" by auid=root \"");
        fputc('\n', f);
}

/* A name or program path with spaces is one quoted field of the text line: it cannot pass for
 * the line's own words. JSON keeps the strings as they are. */
static void test_report_spaced_fields(void **state _unused_) {
        _cleanup_free_ char *text = NULL, *json = NULL;

        report_filled(fill_spaced, NULL, &text, &json, NULL);
        if (!strstr(text, " FAILED \"" WATCHED "/daemon.json by auid=root uid=root /usr/bin/dpkg \\\"dpkg\\\"\" by "
                          "auid=unknown(4242) uid=root ses=3 tty=pts0 \"/home/u/.local/bin/x /usr/bin/dockerd\" "
                          "\"x\\\" by auid=root \\\"\"\n") ||
            strstr(text, "[docker]") || strstr(text, "[package-manager]"))
                fail_msg("spaced fields:\n%s", text);
        if (!strstr(json, "\"exe\":\"/home/u/.local/bin/x /usr/bin/dockerd\"") ||
            !strstr(json, "\"path\":\"" WATCHED "/daemon.json by auid=root uid=root /usr/bin/dpkg \\\"dpkg\\\"\""))
                fail_msg("JSON of spaced fields:\n%s", json);
}

static void fill_move(FILE *f) {
        /* This tool moves its rule to the front: the twin added, the rule deleted, added at the
         * front, the twin deleted; one process. */
        static const char *const ops[] = { "add_rule", "remove_rule", "add_rule", "remove_rule" };
        for (unsigned i = 0; i < 4; i++)
                put_rule_change(f, 1795995940, 10 + i, ops[i], KEY, "/usr/sbin/docker-audit-rules", 202,
                                "/usr/sbin/docker-audit-rules");
}

/* The installed tool's moves are routine, whatever prefix the running build has. */
static void test_report_self_move(void **state _unused_) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **self = report_self_exes();
        struct report_result res;

        assert_non_null(self);
        assert_true(strv_contains(self, "/usr/sbin/docker-audit-rules"));
        assert_true(strv_contains(self, SBINDIR "/docker-audit-rules"));
        report_filled(fill_move, &text, NULL, NULL, &res);
        assert_int_equal(res.status, REPORT_CLEAN);
        report_result_done(&res);
        if (strstr(text, "TAMPERING") ||
            !strstr(text, "\n  this tool \"/usr/sbin/docker-audit-rules\": 1 run, 2 rules added, 2 rules removed, "))
                fail_msg("this tool's moves:\n%s", text);
}

static void fill_runs_with_children(FILE *f) {
        /* One run (pid 300, from a shell 250) whose children add rules from a confined mount
         * namespace, the first event a child's; then a second run from the same shell. */
        static const char *const exe = "/usr/sbin/docker-audit-rules", *const cmd = "/usr/sbin/docker-audit-rules -q";
        put_rule_change_by(f, 1795995940, 10, "add_rule", KEY, exe, 301, 300, cmd);
        put_rule_change_by(f, 1795995940, 11, "add_rule", KEY, exe, 300, 250, cmd);
        put_rule_change_by(f, 1795995940, 12, "add_rule", KEY, exe, 302, 300, cmd);
        put_rule_change_by(f, 1795995940, 13, "remove_rule", KEY, exe, 300, 250, cmd);
        put_rule_change_by(f, 1795995941, 14, "add_rule", KEY, exe, 303, 300, cmd);
        put_rule_change_by(f, 1795995950, 15, "add_rule", KEY, exe, 400, 250, cmd);
        put_rule_change_by(f, 1795995950, 16, "add_rule", KEY, exe, 401, 400, cmd);
}

/* A run's forked children are that run, not runs of their own. */
static void test_report_runs_with_children(void **state _unused_) {
        _cleanup_free_ char *text = NULL;

        report_filled(fill_runs_with_children, &text, NULL, NULL, NULL);
        if (!strstr(text, "\n  this tool \"/usr/sbin/docker-audit-rules -q\": 2 runs, 6 rules added, 1 rule removed, "))
                fail_msg("runs with children:\n%s", text);
}

static unsigned long link_inode;

static void fill_link(FILE *f) {
        /* A user's link /tmp/innocent to the watched file: the kernel names the link, its
         * inode= is the file's. */
        fprintf(f, "type=SYSCALL msg=audit(1795995940.010:10): arch=c000003e syscall=257 success=no exit=-13 "
                   "a0=ffffff9c a1=1 a2=241 a3=0 items=1 ppid=1 pid=100 auid=4242 uid=0 gid=0 euid=0 suid=0 "
                   "fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"sh\" exe=\"/usr/bin/dash\" key=\"%s\"\n", KEY);
        fputs("type=CWD msg=audit(1795995940.010:10): cwd=\"/tmp\"\n", f);
        fprintf(f, "type=PATH msg=audit(1795995940.010:10): item=0 name=\"/tmp/innocent\" inode=%lu dev=fe:00 "
                   "mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n", link_inode);
        fputs("type=PROCTITLE msg=audit(1795995940.010:10): proctitle=7368\n", f);
}

/* Through a link, the event shows the watched file it reached, and the name used. */
static void test_report_via_link(void **state _unused_) {
        char file[] = "/tmp/dar-report-env.XXXXXX";
        _cleanup_free_ char *text = NULL, *json = NULL, *want = NULL, *wantj = NULL;
        struct stat sb;
        int fd = mkstemp(file);

        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(lstat(file, &sb), 0);
        link_inode = (unsigned long) sb.st_ino;
        run_extra_target = file;
        report_filled(fill_link, NULL, &text, &json, NULL);
        run_extra_target = NULL;
        unlink(file);
        assert_true(asprintf(&want, " written    FAILED %s via /tmp/innocent by ", file) > 0);
        assert_true(asprintf(&wantj, "\"path\":\"%s\",\"via\":\"/tmp/innocent\"", file) > 0);
        if (!strstr(text, want) || !strstr(text, " environment-file "))
                fail_msg("through a link:\n%s", text);
        if (!strstr(json, wantj))
                fail_msg("JSON through a link:\n%s", json);
}

/* What reads at a glance: the administrator's writes one line with a count, Docker's daemons one
 * routine line, one line per package transaction, this tool's re-sync routine and its --remove
 * one line of tampering, another program's rule removal tampering too. */
static void test_report_groups(void **state _unused_) {
        _cleanup_free_ char *text = NULL, *verbose = NULL, *json = NULL;
        struct report_result res;
        const char *att, *rout;
        size_t lines = 0;

        report_filled(fill_groups, &text, &verbose, &json, &res);
        assert_int_equal(res.status, REPORT_TAMPERED);
        assert_int_equal(res.n_tampering, 4);   /* the other program's removal, and the three of --remove */
        assert_int_equal(res.n_events, 23);
        report_result_done(&res);

        att = strstr(text, "\nAttention:");
        rout = strstr(text, "\nRoutine:");
        assert_non_null(att);
        assert_non_null(rout);
        assert_true(att < rout);
        att = strndupa(att, rout - att);
        if (!strstr(att, "  2026-11-29 23:45:50.030 daemon.json          1.1.11/1.2.10 written    ok     " WATCHED
                         "/daemon.json by auid=unknown(4242) uid=root ses=3 tty=pts0 /usr/bin/vim.basic \"vim " WATCHED
                         "/daemon.json\" (3 times, until 23:45:52)\n") ||
            !strstr(att, "TAMPERING  rule-removed key=" KEY " by auid=unknown(4242) uid=root ses=3 tty=pts0 "
                         "/tmp/docker-audit-rules") ||
            !strstr(att, "TAMPERING  this tool removed 3 rules with key " KEY " (Docker's audit is off) by auid=unknown(4242) "
                         "uid=root ses=3 tty=pts0 /usr/sbin/docker-audit-rules \"/usr/sbin/docker-audit-rules --remove\"\n") ||
            strstr(att, "dockerd") || strstr(att, "dpkg"))
                fail_msg("attention:\n%s", text);
        if (!strstr(rout, "\n  /usr/bin/containerd-shim-runc-v2, /usr/sbin/runc and /usr/sbin/dockerd (Docker's daemons): 10 executions, 5 changes, "
                          "2026-11-29 23:45:40-23:45:44\n") ||
            !strstr(rout, "\n  /usr/bin/dpkg (package manager) \"dpkg --unpack docker.io.deb\": 2 events, 2 changes, "
                          "2026-11-29 23:45:55-23:45:56\n") ||
            !strstr(rout, "\n  this tool \"/usr/sbin/docker-audit-rules\": 1 run, 1 read, 1 rule added, 1 rule removed, "
                          "2026-11-29 23:46:00\n") ||
            !strstr(rout, "\n  this tool \"/usr/sbin/docker-audit-rules --remove --dry-run\": 1 run, 1 read, "
                          "2026-11-29 23:46:20\n"))
                fail_msg("routine:\n%s", text);
        for (const char *p = rout + 1; *p && !(p[0] == '\n' && p[1] == '\n'); p++)
                lines += *p == '\n';
        assert_int_equal(lines, 4);   /* the heading's newline is not counted: four groups */
        /* -v: every event on its own line; JSON: every event with its group. */
        if (!strstr(verbose, "\nEvery event on Docker's paths, in log order:\n"))
                fail_msg("-v:\n%s", verbose);
        lines = 0;
        for (const char *p = strstr(verbose, " executed   ok     "); p; p = strstr(p + 1, " executed   ok     "))
                lines++;
        assert_int_equal(lines, 10);
        lines = 0;
        for (const char *p = strstr(json, "{\"type\":\"event\""); p; p = strstr(p + 1, "{\"type\":\"event\""))
                lines++;
        assert_int_equal(lines, 23);
        if (!strstr(json, "\"kind\":\"docker\",\"tampering\":false,\"count\":15,") ||
            !strstr(json, "\"kind\":\"self\",\"tampering\":true,\"count\":4,"))
                fail_msg("JSON groups:\n%s", json);
}

static void fill_many(FILE *f) {
        for (unsigned i = 0; i < REPORT_GROUPS_MAX + 76; i++) {
                char p[64];
                snprintf(p, sizeof(p), WATCHED "/f%u", i);
                put_syscall(f, 1795995933 + i / 1000, 1000 + i, 257, "241", "/usr/bin/dash", "\"" KEY "\"", i, p,
                            "NORMAL", "sh");
        }
}

/* More distinct events than groups: the groups stop at the cap, the report says how many events
 * were not grouped, and lists those that need attention one by one. */
static void test_report_groups_cap(void **state _unused_) {
        _cleanup_free_ char *text = NULL;
        struct report_result res;

        report_filled(fill_many, &text, NULL, NULL, &res);
        assert_int_equal(res.n_events, REPORT_GROUPS_MAX + 76);
        assert_int_equal(res.n_groups, REPORT_GROUPS_MAX);
        assert_int_equal(res.groups_capped, 76);
        report_result_done(&res);
        if (!strstr(text, "\n76 events were not grouped: more than 1024 groups") ||
            !strstr(text, "\n2026-11-29 23:45:34.099 etc-docker           1.1.6/1.2.5   written    ok     " WATCHED "/f1099 by "))
                fail_msg("the cap:\n%s", text);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_time_keywords),
                cmocka_unit_test(test_time_dates),
                cmocka_unit_test(test_time_refused),
                cmocka_unit_test(test_classify),
                cmocka_unit_test(test_actor),
                cmocka_unit_test(test_reader_fields),
                cmocka_unit_test(test_report_text),
                cmocka_unit_test(test_report_json),
                cmocka_unit_test(test_report_damaged),
                cmocka_unit_test(test_report_window_and_status),
                cmocka_unit_test(test_report_odd_names),
                cmocka_unit_test(test_reader_long_event),
                cmocka_unit_test(test_reader_interleaved),
                cmocka_unit_test(test_report_escapes),
                cmocka_unit_test(test_report_other_keys),
                cmocka_unit_test(test_report_groups),
                cmocka_unit_test(test_report_actor_by_path),
                cmocka_unit_test(test_reader_path_selection),
                cmocka_unit_test(test_reader_held_across_pieces),
                cmocka_unit_test(test_reader_out_of_order),
                cmocka_unit_test(test_report_spaced_fields),
                cmocka_unit_test(test_report_self_move),
                cmocka_unit_test(test_report_runs_with_children),
                cmocka_unit_test(test_report_via_link),
                cmocka_unit_test(test_report_groups_cap),
        };
        return cmocka_run_group_tests(tests, setup, NULL);
}
