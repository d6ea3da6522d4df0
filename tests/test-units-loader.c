/* SPDX-License-Identifier: GPL-2.0-or-later */
/* units.c: fragment, drop-ins (order, hiding), masks, ExecStart= resets and specifiers, on
 * temporary host trees that, like image trees, have no /dev/null. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "boot.h"
#include "discover.h"
#include "testlib.h"
#include "unitfile.h"
#include "units.h"
#include "util.h"

static char *const dirs[] = { (char *) "/etc/systemd/system", (char *) "/usr/lib/systemd/system", NULL };

static bool has_problem(const struct problems *d, const char *needle) {
        for (size_t i = 0; i < d->n; i++)
                if (strstr(d->items[i].message, needle))
                        return true;
        return false;
}

static bool has_problem_in(const struct problems *d, const char *file, const char *needle) {
        for (size_t i = 0; i < d->n; i++)
                if (streq_ptr(d->items[i].file, file) && strstr(d->items[i].message, needle))
                        return true;
        return false;
}

static void test_dropin_order_and_hiding(void **state _unused_) {
        struct tree t;
        struct problems d = { .once = true };
        struct unit u = {};

        tree_new(&t, "test-units-loader");
        tree_file(&t, "/usr/lib/systemd/system/x.service", "[Service]\nExecStart=/bin/a\n");
        tree_file(&t, "/usr/lib/systemd/system/x.service.d/20-b.conf", "[Service]\nEnvironment=B=usr\n");
        tree_file(&t, "/usr/lib/systemd/system/x.service.d/30-c.conf", "[Service]\nEnvironment=C=usr\n");
        tree_file(&t, "/etc/systemd/system/x.service.d/30-c.conf", "[Service]\nEnvironment=C=etc\n");
        tree_file(&t, "/etc/systemd/system/x.service.d/10-a.conf", "[Service]\nEnvironment=A=etc\n");
        tree_file(&t, "/etc/systemd/system/x.service.d/not-a-dropin", "[Service]\nEnvironment=X=1\n");

        assert_int_equal(unit_load(&t.root, dirs, "x.service", &d, &u), 0);
        assert_string_equal(u.fragment, "/usr/lib/systemd/system/x.service");
        assert_false(u.masked);
        /* Name order across directories; /etc's 30-c.conf hides /usr/lib's. */
        assert_int_equal(strv_length(u.dropins), 3);
        assert_string_equal(u.dropins[0], "/etc/systemd/system/x.service.d/10-a.conf");
        assert_string_equal(u.dropins[1], "/usr/lib/systemd/system/x.service.d/20-b.conf");
        assert_string_equal(u.dropins[2], "/etc/systemd/system/x.service.d/30-c.conf");
        assert_int_equal(strv_length(u.environment), 3);
        assert_string_equal(u.environment[0], "A=etc");
        assert_string_equal(u.environment[1], "B=usr");
        assert_string_equal(u.environment[2], "C=etc");
        assert_int_equal(d.n, 0);
        unit_done(&u);
        problems_done(&d);
        tree_free(&t);
}

/* What has no natural bound is bounded and said: drop-ins over 1024 are not read (named from the
 * first one left out), nor list lines over 4096; a drop-in "directory" that is a file is skipped
 * as systemd skips it. */
static void test_bounds(void **state _unused_) {
        struct tree t;
        struct problems d = { .once = true };
        struct unit u = {};
        _cleanup_free_ char *big = NULL;
        struct strbuf b = {};

        tree_new(&t, "test-units-loader");
        tree_file(&t, "/usr/lib/systemd/system/x.service", "[Service]\nExecStart=/bin/a\n");
        for (unsigned i = 0; i < 1030; i++) {
                _cleanup_free_ char *p = NULL;
                assert_true(asprintf(&p, "/etc/systemd/system/x.service.d/%04u.conf", i) > 0);
                tree_file(&t, p, "[Service]\nEnvironment=A=1\n");
        }
        tree_file(&t, "/usr/lib/systemd/system/x.service.d", "not a directory");
        assert_int_equal(unit_load(&t.root, dirs, "x.service", &d, &u), 0);
        assert_int_equal(strv_length(u.dropins), 1024);
        assert_string_equal(u.dropins[1023], "/etc/systemd/system/x.service.d/1023.conf");
        assert_true(has_problem(&d, "more than 1024 drop-ins: 1024.conf and the ones after it"));
        assert_int_equal(d.n, 1);
        unit_done(&u);
        problems_done(&d);

        assert_int_equal(strbuf_append(&b, "[Service]\nExecStart=/bin/a\n", 27), 0);
        for (unsigned i = 0; i < 5000; i++) {
                char line[64];
                int n = snprintf(line, sizeof(line), "Environment=V%u=%u\n", i, i);
                assert_int_equal(strbuf_append(&b, line, (size_t) n), 0);
        }
        big = b.s;
        tree_file(&t, "/etc/systemd/system/y.service", big);
        assert_int_equal(unit_load(&t.root, dirs, "y.service", &d, &u), 0);
        assert_int_equal(strv_length(u.environment), 4095); /* ExecStart= took one */
        assert_true(has_problem(&d, "more than 4096 ExecStart=, Environment=, EnvironmentFile= and ListenStream= lines"));
        unit_done(&u);
        problems_done(&d);
        tree_free(&t);
}

static void test_fragment_hiding(void **state _unused_) {
        struct tree t;
        struct unit u = {};

        tree_new(&t, "test-units-loader");
        tree_file(&t, "/usr/lib/systemd/system/x.service", "[Service]\nExecStart=/bin/usr\n");
        tree_file(&t, "/etc/systemd/system/x.service", "[Service]\nExecStart=/bin/etc\n");
        assert_int_equal(unit_load(&t.root, dirs, "x.service", NULL, &u), 0);
        assert_string_equal(u.fragment, "/etc/systemd/system/x.service");
        assert_int_equal(strv_length(u.exec_start), 1);
        assert_string_equal(u.exec_start[0], "/bin/etc");
        unit_done(&u);
        tree_free(&t);
}

static void test_mask_without_dev_null(void **state _unused_) {
        struct tree t;
        struct unit u = {};
        struct stat st;
        _cleanup_free_ char *devnull = NULL;

        tree_new(&t, "test-units-loader");
        assert_true(asprintf(&devnull, "%s/dev/null", t.dir) > 0);
        tree_file(&t, "/usr/lib/systemd/system/x.service", "[Service]\nExecStart=/bin/a\n");
        tree_file(&t, "/usr/lib/systemd/system/x.service.d/a.conf", "[Service]\nExecStart=\nExecStart=/bin/b\n");
        tree_link(&t, "/etc/systemd/system/x.service", "/dev/null");
        assert_int_equal(lstat(devnull, &st), -1); /* the tree has no /dev/null */

        assert_int_equal(unit_load(&t.root, dirs, "x.service", NULL, &u), 0);
        assert_true(u.masked);
        assert_string_equal(u.masked_by, "/etc/systemd/system/x.service");
        assert_null(u.fragment);
        assert_null(u.dropins);
        assert_null(u.exec_start);
        unit_done(&u);

        /* A relative link to /dev/null masks as well. */
        tree_link(&t, "/etc/systemd/system/y.service", "../../../dev/null");
        assert_int_equal(unit_load(&t.root, dirs, "y.service", NULL, &u), 0);
        assert_true(u.masked);
        unit_done(&u);

        /* A link to another file does not. */
        tree_link(&t, "/etc/systemd/system/z.service", "/usr/lib/systemd/system/x.service");
        assert_int_equal(unit_load(&t.root, dirs, "z.service", NULL, &u), 0);
        assert_false(u.masked);
        assert_string_equal(u.fragment, "/usr/lib/systemd/system/x.service");
        unit_done(&u);
        tree_free(&t);
}

static void test_masked_dropin(void **state _unused_) {
        struct tree t;
        struct unit u = {};

        tree_new(&t, "test-units-loader");
        tree_file(&t, "/usr/lib/systemd/system/x.service", "[Service]\nExecStart=/bin/a\n");
        tree_file(&t, "/usr/lib/systemd/system/x.service.d/50-move.conf", "[Service]\nExecStart=\nExecStart=/bin/b\n");
        tree_file(&t, "/usr/lib/systemd/system/x.service.d/60-keep.conf", "[Service]\nEnvironment=K=1\n");
        tree_link(&t, "/etc/systemd/system/x.service.d/50-move.conf", "/dev/null");

        assert_int_equal(unit_load(&t.root, dirs, "x.service", NULL, &u), 0);
        assert_false(u.masked);
        assert_int_equal(strv_length(u.dropins), 1);
        assert_string_equal(u.dropins[0], "/usr/lib/systemd/system/x.service.d/60-keep.conf");
        assert_int_equal(strv_length(u.exec_start), 1);
        assert_string_equal(u.exec_start[0], "/bin/a");
        unit_done(&u);
        tree_free(&t);
}

static void test_exec_start_reset(void **state _unused_) {
        struct tree t;
        struct unit u = {};
        struct problems d = { .once = true };

        tree_new(&t, "test-units-loader");
        tree_file(&t, "/usr/lib/systemd/system/x.service",
                   "[Service]\nExecStartPre=/bin/pre\nExecStart=/bin/a\nExecStartPost=/bin/post\n");
        tree_file(&t, "/etc/systemd/system/x.service.d/a.conf",
                   "[Service]\nExecStart=\nExecStart=/bin/b --flag\nExecStartPost=\n");
        assert_int_equal(unit_load(&t.root, dirs, "x.service", &d, &u), 0);
        assert_int_equal(strv_length(u.exec_start), 1);
        assert_string_equal(u.exec_start[0], "/bin/b --flag");
        assert_string_equal(u.exec_start_src[0], "/etc/systemd/system/x.service.d/a.conf");
        /* ExecStartPost= was reset, ExecStartPre= kept. */
        assert_int_equal(strv_length(u.exec_start_all), 2);
        assert_string_equal(u.exec_start_all[0], "ExecStartPre=/bin/pre");
        assert_string_equal(u.exec_start_all[1], "ExecStart=/bin/b --flag");
        unit_done(&u);

        /* Without a reset, a second ExecStart= is a problem (systemd refuses the unit). */
        tree_file(&t, "/etc/systemd/system/y.service", "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n");
        assert_int_equal(unit_load(&t.root, dirs, "y.service", &d, &u), 0);
        {
                _cleanup_strv_free_ char **argv = NULL;
                const char *src = NULL;
                assert_int_equal(unit_exec_argv(&t.root, &u, &d, &argv, &src), 1);
                assert_string_equal(argv[0], "/bin/a");
        }
        assert_true(has_problem(&d, "several ExecStart= lines without a reset"));
        unit_done(&u);
        problems_done(&d);
        tree_free(&t);
}

static void expand_eq(const char *name, const char *value, bool quote, const char *want) {
        _cleanup_free_ char *got = NULL;
        assert_int_equal(unit_specifiers_expand(name, "/usr/lib/systemd/system/x.service", value, quote, &got, NULL), 0);
        assert_string_equal(got, want);
}

static void test_specifiers(void **state _unused_) {
        char bad = 0;
        char *out = (char *) "untouched";

        expand_eq("docker.service", "%t %S %C %L %E %T %V %h %u %U", false,
                  "/run /var/lib /var/cache /var/log /etc /tmp /var/tmp /root root 0");
        expand_eq("docker.service", "%n %N %p %i|%I|", false, "docker.service docker docker ||");
        expand_eq("foo-bar@a\\x2db.service", "%n|%N|%p|%i|%I|%j|%J", false,
                  "foo-bar@a\\x2db.service|foo-bar@a\\x2db|foo-bar|a\\x2db|a-b|bar|bar");
        expand_eq("mnt-data@srv-x.service", "%f", false, "/srv/x");
        expand_eq("mnt-data.service", "%f", false, "/mnt/data");
        expand_eq("x.service", "%y %Y", false, "/usr/lib/systemd/system/x.service /usr/lib/systemd/system");
        /* %% is a literal '%': plainly, or kept for exec_split() to unquote. */
        expand_eq("x.service", "100%% %%t", false, "100% %t");
        expand_eq("x.service", "100%% %%t", true, "100%% %%t");
        /* Quoted for a command line, a value stays one word. */
        expand_eq("x@a\\x20b.service", "%I", true, "a\\x20b");
        expand_eq("x@q\\x22.service", "%I", true, "q\\\"");

        assert_int_equal(unit_specifiers_expand("x.service", NULL, "/a/%Z", false, &out, &bad), -EBADMSG);
        assert_int_equal(bad, 'Z');
        assert_string_equal(out, "untouched");
        assert_int_equal(unit_specifiers_expand("x.service", NULL, "/a/%H", false, &out, &bad), -EOPNOTSUPP);
        assert_int_equal(bad, 'H');
        assert_int_equal(unit_specifiers_expand("x.service", NULL, "/a/%", false, &out, &bad), -EBADMSG);
}

static void test_specifiers_in_unit(void **state _unused_) {
        _cleanup_strv_free_ char **argv = NULL;
        struct tree t;
        struct unit u = {};
        struct problems d = { .once = true };
        const char *src = NULL;

        tree_new(&t, "test-units-loader");
        tree_file(&t, "/usr/lib/systemd/system/docker.service",
                   "[Service]\n"
                   "EnvironmentFile=-%E/default/docker\n"
                   "ExecStart=/usr/bin/dockerd --data-root=%S/docker-alt -H unix://%t/alt.sock\n"
                   "ExecStart=/usr/bin/dockerd --bad=%Z\n");
        tree_file(&t, "/usr/lib/systemd/system/docker.socket", "[Socket]\nListenStream=%t/docker.sock\n");
        assert_int_equal(unit_load(&t.root, dirs, "docker.service", &d, &u), 0);
        /* The line with the unknown specifier is skipped, as systemd skips it. */
        assert_int_equal(strv_length(u.exec_start), 1);
        assert_true(has_problem(&d, "unknown specifier %Z"));
        assert_string_equal(u.env_files[0], "-/etc/default/docker");
        assert_int_equal(unit_exec_argv(&t.root, &u, &d, &argv, &src), 1);
        assert_string_equal(argv[0], "/usr/bin/dockerd");
        assert_string_equal(argv[1], "--data-root=/var/lib/docker-alt");
        assert_string_equal(argv[2], "-H");
        assert_string_equal(argv[3], "unix:///run/alt.sock");
        assert_null(argv[4]);
        unit_done(&u);

        assert_int_equal(unit_load(&t.root, dirs, "docker.socket", &d, &u), 0);
        assert_string_equal(u.listen[0], "/run/docker.sock");
        unit_done(&u);
        problems_done(&d);
        tree_free(&t);
}

/* A user manager's specifiers (systemd.unit(5), for user managers, as systemd 252 has them). */
static void test_user_specifiers(void **state _unused_) {
        struct unit_user u = { .name = (char *) "alice", .uid = 1000, .gid = 1001, .home = (char *) "/home/alice",
                               .shell = (char *) "/bin/zsh" };
        _cleanup_free_ char *got = NULL;
        char bad = 0, *out = (char *) "untouched";

        assert_int_equal(unit_specifiers_expand_user("docker.service", NULL, &u, "%t %S %C %L %E %T %V %h %u %U %G %s %d",
                                                     false, &got, NULL), 0);
        assert_string_equal(got, "/run/user/1000 /home/alice/.config /home/alice/.cache /home/alice/.config/log "
                                 "/home/alice/.config /tmp /var/tmp /home/alice alice 1000 1001 /bin/zsh "
                                 "/run/user/1000/credentials/docker.service");
        /* The unit's own specifiers are the same as the system manager's. */
        free(got);
        assert_int_equal(unit_specifiers_expand_user("d@x.service", NULL, &u, "%n %i", false, &got, NULL), 0);
        assert_string_equal(got, "d@x.service x");
        /* The group's name would need the group database. */
        assert_int_equal(unit_specifiers_expand_user("x.service", NULL, &u, "%g", false, &out, &bad), -EOPNOTSUPP);
        assert_int_equal(bad, 'g');
        assert_string_equal(out, "untouched");
}

/* A user's unit: %h is their home; what leads out of their home is not read, and no $VAR of its
 * command line comes from such a file. */
static void test_user_unit(void **state _unused_) {
        static char *const udirs[] = { (char *) "/home/alice/.config/systemd/user", (char *) "/usr/lib/systemd/user", NULL };
        /* Created by this process: as root, root's files in the home (the user's own tree allows
         * them) read as uid 1000; else this user's own. */
        struct unit_user user = { .name = (char *) "alice", .uid = geteuid() ? geteuid() : 1000,
                                  .gid = getegid() ? getegid() : 1000, .home = (char *) "/home/alice",
                                  .shell = (char *) "/bin/sh" };
        _cleanup_strv_free_ char **argv = NULL;
        struct problems d = { .once = true };
        struct unit u = {};
        const char *src = NULL;
        struct tree t;

        tree_new(&t, "test-units-loader");
        assert_int_equal(chmod(t.dir, 0755), 0);
        tree_file(&t, "/home/alice/.config/systemd/user/docker.service",
                   "[Service]\n"
                   "EnvironmentFile=/etc/secret.env\n"
                   "EnvironmentFile=%h/linked.env\n"
                   "EnvironmentFile=%h/own.env\n"
                   "ExecStart=%h/bin/dockerd --data-root=%h/${A}${B}${S} -H unix://%t/docker.sock\n");
        tree_file(&t, "/etc/secret.env", "S=secret\n");
        tree_file(&t, "/etc/secret.conf", "[Service]\nEnvironment=B=secret\n");
        tree_link(&t, "/home/alice/linked.env", "/etc/secret.env");
        tree_link(&t, "/home/alice/.config/systemd/user/docker.service.d/x.conf", "/etc/secret.conf");
        tree_file(&t, "/home/alice/own.env", "A=data\n");
        assert_int_equal(unit_load_user(&t.root, udirs, "docker.service", &user, &d, &u), 0);
        assert_string_equal(u.fragment, "/home/alice/.config/systemd/user/docker.service");
        assert_null(u.dropins);
        assert_true(has_problem(&d, "not user alice's own"));
        assert_int_equal(unit_exec_argv(&t.root, &u, &d, &argv, &src), 1);
        assert_string_equal(argv[0], "/home/alice/bin/dockerd");
        assert_string_equal(argv[1], "--data-root=/home/alice/data");
        {
                _cleanup_free_ char *sock = NULL;
                assert_true(asprintf(&sock, "unix:///run/user/%u/docker.sock", (unsigned) user.uid) > 0);
                assert_string_equal(argv[3], sock);
        }
        assert_true(has_problem_in(&d, "/etc/secret.env", "EnvironmentFile= of docker.service (user alice) is outside "
                                   "their home"));
        assert_true(has_problem_in(&d, "/home/alice/linked.env", "is outside their home, or leads out of it"));
        for (size_t i = 0; i < d.n; i++)
                assert_null(strstr(d.items[i].message, "secret"));
        unit_done(&u);
        problems_done(&d);
        tree_free(&t);
}

static void test_template(void **state _unused_) {
        _cleanup_strv_free_ char **argv = NULL;
        struct tree t;
        struct unit u = {};
        const char *src = NULL;

        tree_new(&t, "test-units-loader");
        tree_file(&t, "/usr/lib/systemd/system/dockerd@.service", "[Service]\nExecStart=/usr/bin/dockerd --data-root %S/%I\n");
        tree_file(&t, "/etc/systemd/system/dockerd@.service.d/a.conf", "[Service]\nEnvironment=T=1\n");
        tree_file(&t, "/etc/systemd/system/dockerd@my\\x20box.service.d/b.conf", "[Service]\nEnvironment=I=1\n");
        assert_int_equal(unit_load(&t.root, dirs, "dockerd@my\\x20box.service", NULL, &u), 0);
        assert_string_equal(u.fragment, "/usr/lib/systemd/system/dockerd@.service");
        assert_int_equal(strv_length(u.dropins), 2);
        assert_int_equal(unit_exec_argv(&t.root, &u, NULL, &argv, &src), 1);
        assert_string_equal(argv[2], "/var/lib/my box");
        unit_done(&u);
        tree_free(&t);
}

/* boot.c reads auditd's units through the same loader: drop-ins count, and masks. */
static void test_boot_units(void **state _unused_) {
        struct tree t;
        struct boot_info b = {};

        tree_new(&t, "test-units-loader");
        tree_file(&t, "/usr/lib/systemd/system/auditd.service", "[Service]\nExecStart=/sbin/auditd\n");
        assert_int_equal(boot_detect(&t.root, &b), 0);
        assert_int_equal(b.loader, BOOT_AUDIT_RULES);
        boot_info_done(&b);

        /* A drop-in adds augenrules. */
        tree_file(&t, "/etc/systemd/system/auditd.service.d/rules.conf",
                   "[Service]\nExecStartPost=-/sbin/augenrules --load\n");
        assert_int_equal(boot_detect(&t.root, &b), 0);
        assert_int_equal(b.loader, BOOT_AUGENRULES);
        assert_string_equal(b.evidence, "/usr/lib/systemd/system/auditd.service runs augenrules --load");
        boot_info_done(&b);

        /* audit-rules.service comes first; masked (no /dev/null in the tree), nothing loads rules. */
        tree_file(&t, "/usr/lib/systemd/system/audit-rules.service", "[Service]\nExecStart=/sbin/augenrules --load\n");
        tree_link(&t, "/etc/systemd/system/audit-rules.service", "/dev/null");
        assert_int_equal(boot_detect(&t.root, &b), 0);
        assert_int_equal(b.loader, BOOT_NONE);
        assert_non_null(strstr(b.evidence, "/etc/systemd/system/audit-rules.service"));
        assert_non_null(strstr(b.evidence, "masked"));
        boot_info_done(&b);
        tree_free(&t);
}

/* The search path as the system manager reduces it (lookup_paths_reduce()): directories that do
 * not exist are left out, /lib/systemd/system on a merged-/usr tree is named by where its link
 * leads, and /usr/lib/systemd/system after it is the same directory, left out; the order stays.
 * A unit found through either is found once, by its real path. */
static void test_search_path_reduced(void **state _unused_) {
        struct tree t;
        _cleanup_strv_free_ char **search = NULL;
        struct unit u = {};

        tree_new(&t, "test-units-loader");
        tree_mkdir(&t, "/usr/lib/systemd/system");
        tree_mkdir(&t, "/etc/systemd/system");
        tree_link(&t, "/lib", "usr/lib");
        assert_int_equal(unit_search_path(&t.root, &search), 0);
        assert_strv(search, (const char *const[]) { "/etc/systemd/system", "/usr/lib/systemd/system", NULL });
        strv_free(search);
        search = NULL;

        /* Split /usr: both stay, each by its own name. */
        {
                _cleanup_free_ char *lib = tree_real(&t, "/lib");
                assert_int_equal(unlink(lib), 0);
        }
        tree_file(&t, "/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd\n");
        tree_mkdir(&t, "/run/systemd/transient");
        assert_int_equal(unit_search_path(&t.root, &search), 0);
        assert_strv(search, (const char *const[]) { "/run/systemd/transient", "/etc/systemd/system",
                                                  "/lib/systemd/system", "/usr/lib/systemd/system", NULL });
        assert_int_equal(unit_load(&t.root, search, "docker.service", NULL, &u), 0);
        assert_string_equal(u.fragment, "/lib/systemd/system/docker.service");
        unit_done(&u);
        tree_free(&t);
}

/* A problem said twice (same file, line and message) is kept once; the others all are, and a
 * warning stays a warning. */
static void test_problems_said_once(void **state) {
        struct problems d = { .once = true };

        (void) state;
        for (int k = 0; k < 2; k++) {
                assert_int_equal(problems_add(&d, "/etc/a", 3, false, "bad %s", "thing"), 0);
                assert_int_equal(problems_add(&d, "/etc/a", 4, false, "bad %s", "thing"), 0);
                assert_int_equal(problems_add(&d, NULL, 0, false, "no file"), 0);
                assert_int_equal(problems_add(&d, "/etc/b", 1, true, "skipped"), 0);
        }
        assert_int_equal(d.n, 4);
        assert_string_equal(d.items[0].file, "/etc/a");
        assert_int_equal(d.items[1].line, 4);
        assert_string_equal(d.items[1].message, "bad thing");
        assert_null(d.items[2].file);
        assert_false(d.items[0].warning);
        assert_true(d.items[3].warning);
        problems_done(&d);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_problems_said_once),
                cmocka_unit_test(test_dropin_order_and_hiding),
                cmocka_unit_test(test_fragment_hiding),
                cmocka_unit_test(test_bounds),
                cmocka_unit_test(test_mask_without_dev_null),
                cmocka_unit_test(test_masked_dropin),
                cmocka_unit_test(test_exec_start_reset),
                cmocka_unit_test(test_specifiers),
                cmocka_unit_test(test_specifiers_in_unit),
                cmocka_unit_test(test_template),
                cmocka_unit_test(test_user_specifiers),
                cmocka_unit_test(test_user_unit),
                cmocka_unit_test(test_boot_units),
                cmocka_unit_test(test_search_path_reduced),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
