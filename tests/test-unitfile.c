/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testlib.h"
#include "unitfile.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static int parse(const char *s, struct unit_file *u, unsigned *line) {
        return unit_file_parse(s, strlen(s), u, line);
}

static void assert_entry(const struct unit_file *u, size_t i, const char *section, const char *key,
                         const char *value, unsigned line) {
        assert_true(i < u->n_entries);
        assert_string_equal(u->entries[i].section, section);
        assert_string_equal(u->entries[i].key, key);
        assert_string_equal(u->entries[i].value, value);
        assert_int_equal(u->entries[i].line, line);
}

static void test_sections_and_comments(void **state _unused_) {
        struct unit_file u = {};
        unsigned line = 99;

        assert_int_equal(parse("# comment\n"
                               "; another\n"
                               "[Unit]\n"
                               "Description=Docker Application Container Engine\n"
                               "\n"
                               "   # indented comment\n"
                               "[Service]\n"
                               "Type=notify\n"
                               "ExecStart=/usr/bin/dockerd -H fd://\n"
                               "[Install]\n"
                               "WantedBy=multi-user.target",
                               &u, &line), 0);
        assert_int_equal(line, 0);
        assert_int_equal(u.n_entries, 4);
        assert_entry(&u, 0, "Unit", "Description", "Docker Application Container Engine", 4);
        assert_entry(&u, 1, "Service", "Type", "notify", 8);
        assert_entry(&u, 2, "Service", "ExecStart", "/usr/bin/dockerd -H fd://", 9);
        assert_entry(&u, 3, "Install", "WantedBy", "multi-user.target", 11);
        unit_file_done(&u);
        assert_null(u.entries);
        assert_int_equal(u.n_entries, 0);
}

static void test_whitespace_and_empty(void **state _unused_) {
        struct unit_file u = {};
        unsigned line;

        assert_int_equal(parse("[Service]\n"
                               "  Environment =  \"A=1\"  \t\n"
                               "ExecStart=\n"
                               "ExecStart=   \n"
                               "Key=a=b\n",
                               &u, &line), 0);
        assert_int_equal(u.n_entries, 4);
        assert_entry(&u, 0, "Service", "Environment", "\"A=1\"", 2);
        assert_entry(&u, 1, "Service", "ExecStart", "", 3);
        assert_entry(&u, 2, "Service", "ExecStart", "", 4);
        assert_entry(&u, 3, "Service", "Key", "a=b", 5);
        unit_file_done(&u);
}

static void test_continuation(void **state _unused_) {
        struct unit_file u = {};
        unsigned line;

        assert_int_equal(parse("[Service]\n"
                               "ExecStart=/usr/bin/dockerd \\\n"
                               "    -H fd:// \\\n"
                               "# a comment in the middle is skipped\n"
                               "  ; so is this one\n"
                               "    --containerd=/run/containerd/containerd.sock\n"
                               "After=x\n"
                               "Escaped=a\\\\\n"
                               "Last=end\\\n",
                               &u, &line), 0);
        assert_int_equal(u.n_entries, 4);
        assert_entry(&u, 0, "Service", "ExecStart",
                     "/usr/bin/dockerd      -H fd://      --containerd=/run/containerd/containerd.sock", 2);
        assert_entry(&u, 1, "Service", "After", "x", 7);
        /* an even number of backslashes does not continue */
        assert_entry(&u, 2, "Service", "Escaped", "a\\\\", 8);
        /* a continuation at the end of the file is taken as it is */
        assert_entry(&u, 3, "Service", "Last", "end", 9);
        unit_file_done(&u);
}

static void test_crlf(void **state _unused_) {
        struct unit_file u = {};
        unsigned line;

        assert_int_equal(parse("[Service]\r\n"
                               "ExecStart=/usr/bin/dockerd \\\r\n"
                               "  -H fd://\r\n"
                               "Type=notify\r\n",
                               &u, &line), 0);
        assert_int_equal(u.n_entries, 2);
        assert_entry(&u, 0, "Service", "ExecStart", "/usr/bin/dockerd    -H fd://", 2);
        assert_entry(&u, 1, "Service", "Type", "notify", 4);
        unit_file_done(&u);
}

static void test_malformed(void **state _unused_) {
        static const struct {
                const char *text;
                unsigned line;
                size_t n_kept;
        } cases[] = {
                { "Key=outside\n", 1, 0 },
                { "[Unit]\nA=1\n[Service\nB=2\n", 3, 1 },
                { "[Unit]\nA=1\nB=2\nno equals sign\nC=3\n", 4, 2 },
                { "[Unit]\n=value\n", 2, 0 },
                { "[Unit]\nA=1\n[\n", 3, 1 },
                /* reported at the first line of a continued line */
                { "[Unit]\nA=1\nfoo \\\nbar\n", 3, 1 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct unit_file u = {};
                unsigned line = 0;

                assert_int_equal(parse(cases[i].text, &u, &line), -EINVAL);
                assert_int_equal(line, cases[i].line);
                assert_int_equal(u.n_entries, cases[i].n_kept);
                if (cases[i].n_kept > 0)
                        assert_entry(&u, 0, "Unit", "A", "1", 2);
                unit_file_done(&u);
        }
}

static void test_nul_byte(void **state _unused_) {
        static const char text[] = "[Unit]\nA=1\nB=x\0y\nC=3\n";
        struct unit_file u = {};
        unsigned line = 0;

        assert_int_equal(unit_file_parse(text, sizeof(text) - 1, &u, &line), -EINVAL);
        assert_int_equal(line, 3);
        assert_int_equal(u.n_entries, 1);
        assert_entry(&u, 0, "Unit", "A", "1", 2);
        unit_file_done(&u);
}

static void test_huge_line(void **state _unused_) {
        size_t n = 70 * 1024;
        _cleanup_free_ char *text = malloc(n + 64);
        struct unit_file u = {};
        unsigned line = 0;
        size_t l;

        assert_non_null(text);
        l = (size_t) sprintf(text, "[Unit]\nA=1\nB=");
        memset(text + l, 'x', n);
        strcpy(text + l + n, "\nC=3\n");
        assert_int_equal(parse(text, &u, &line), -E2BIG);
        assert_int_equal(line, 3);
        assert_int_equal(u.n_entries, 1);
        assert_entry(&u, 0, "Unit", "A", "1", 2);
        unit_file_done(&u);

        /* just under the limit is fine */
        l = (size_t) sprintf(text, "[Unit]\nB=");
        memset(text + l, 'x', 64 * 1024 - 2);
        strcpy(text + l + 64 * 1024 - 2, "\n");
        assert_int_equal(parse(text, &u, &line), 0);
        assert_int_equal(u.n_entries, 1);
        assert_int_equal(strlen(u.entries[0].value), 64 * 1024 - 2);
        unit_file_done(&u);

        /* many short lines continued into a huge one */
        {
                _cleanup_free_ char *big = malloc(100 * 1024);
                char *p = big;

                assert_non_null(big);
                p += sprintf(p, "[Unit]\nA=\\\n");
                for (int i = 0; i < 8000; i++)
                        p += sprintf(p, "abcdefgh\\\n");
                assert_int_equal(parse(big, &u, &line), -E2BIG);
                assert_int_equal(u.n_entries, 0);
                unit_file_done(&u);
        }
}

static void test_empty(void **state _unused_) {
        struct unit_file u = { .n_entries = 42 };
        unsigned line = 7;

        assert_int_equal(unit_file_parse("", 0, &u, &line), 0);
        assert_int_equal(u.n_entries, 0);
        assert_int_equal(line, 0);
        unit_file_done(&u);

        /* a byte order mark is ignored */
        assert_int_equal(parse("\xef\xbb\xbf[Unit]\nA=1\n", &u, NULL), 0);
        assert_int_equal(u.n_entries, 1);
        assert_entry(&u, 0, "Unit", "A", "1", 2);
        unit_file_done(&u);
}

static void test_exec_split_basic(void **state _unused_) {
        char **argv = NULL;

        assert_int_equal(exec_split("/usr/bin/dockerd  -H fd://\t--debug", NULL, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/usr/bin/dockerd", "-H", "fd://", "--debug", NULL });
        strv_free(argv);

        assert_int_equal(exec_split("/bin/x \"a b\" 'c \"d\"' e\"f g\"h \"\" ''", NULL, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/bin/x", "a b", "c \"d\"", "ef gh", "", "", NULL });
        strv_free(argv);

        assert_int_equal(exec_split("/bin/x a\\sb \"q\\\"q\" 'it\\'s' \\\\ t\\tn\\n\\x41\\101 \\u00e9", NULL, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/bin/x", "a b", "q\"q", "it's", "\\", "t\tn\nAA",
                                                    "\xc3\xa9", NULL });
        strv_free(argv);

        assert_int_equal(exec_split("   ", NULL, &argv), 0);
        assert_strv(argv, (const char * const[]) { NULL });
        strv_free(argv);
}

static void test_exec_split_prefixes(void **state _unused_) {
        const struct {
                const char *cmdline;
                const char * const *argv;
        } cases[] = {
                { "-/usr/bin/dockerd -D", (const char * const[]) { "/usr/bin/dockerd", "-D", NULL } },
                { "@/usr/bin/dockerd dockerd-argv0 -D",
                  (const char * const[]) { "/usr/bin/dockerd", "-D", NULL } },
                { "+/usr/bin/dockerd", (const char * const[]) { "/usr/bin/dockerd", NULL } },
                { "!/usr/bin/dockerd", (const char * const[]) { "/usr/bin/dockerd", NULL } },
                { "!!/usr/bin/dockerd", (const char * const[]) { "/usr/bin/dockerd", NULL } },
                { "-@!!/usr/bin/dockerd x y", (const char * const[]) { "/usr/bin/dockerd", "y", NULL } },
                { ":/usr/bin/dockerd $X ${X} $$", (const char * const[]) { "/usr/bin/dockerd", "$X", "${X}", "$$", NULL } },
                /* a doubled prefix other than "!!" is part of the path */
                { "--/x", (const char * const[]) { "-/x", NULL } },
                { "+!/x", (const char * const[]) { "!/x", NULL } },
                /* a quoted first word gets its prefixes removed too */
                { "\"-/usr/bin/my prog\" a", (const char * const[]) { "/usr/bin/my prog", "a", NULL } },
        };
        char *env[] = { (char *) "X=1", NULL };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char **argv = NULL;

                assert_int_equal(exec_split(cases[i].cmdline, env, &argv), 0);
                assert_strv(argv, cases[i].argv);
                strv_free(argv);
        }
}

static void test_exec_split_variables(void **state _unused_) {
        char *env[] = {
                (char *) "DOCKER_OPTS=--data-root /srv/docker -H unix:///var/run/docker.sock",
                (char *) "EMPTY=",
                (char *) "SPACED=  a   b  ",
                (char *) "QUOTED=--label 'x y' \"z w\" back\\ slash",
                (char *) "ONE=v",
                NULL
        };
        char **argv = (char **) 0x1;

        assert_int_equal(exec_split("/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS",
                                    env, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/usr/sbin/dockerd", "-H", "fd://",
                                                    "--containerd=/run/containerd/containerd.sock",
                                                    "--data-root", "/srv/docker",
                                                    "-H", "unix:///var/run/docker.sock", NULL });
        strv_free(argv);

        assert_int_equal(exec_split("/bin/x $EMPTY $UNSET $SPACED end", env, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/bin/x", "a", "b", "end", NULL });
        strv_free(argv);

        assert_int_equal(exec_split("/bin/x $QUOTED", env, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/bin/x", "--label", "x y", "z w", "back slash", NULL });
        strv_free(argv);

        /* ${VAR} inside a word, not split */
        assert_int_equal(exec_split("/bin/x --opts=${SPACED} a${ONE}b ${UNSET}c ${DOCKER_OPTS}", env, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/bin/x", "--opts=  a   b  ", "avb", "c",
                                                    "--data-root /srv/docker -H unix:///var/run/docker.sock", NULL });
        strv_free(argv);

        /* $$ and %% */
        assert_int_equal(exec_split("/bin/x $$ $$ONE a$$b 100%% %n %%n %", env, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/bin/x", "$", "$ONE", "a$b", "100%", "%n", "%n", "%", NULL });
        strv_free(argv);

        /* "$VAR" inside a word is not expanded, quoted "$VAR" is (systemd expands after unquoting) */
        assert_int_equal(exec_split("/bin/x a$ONE \"$SPACED\" ${NOCLOSE", env, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/bin/x", "a$ONE", "a", "b", "${NOCLOSE", NULL });
        strv_free(argv);

        /* the path itself is never expanded */
        assert_int_equal(exec_split("/opt/${ONE}/bin a", env, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/opt/${ONE}/bin", "a", NULL });
        strv_free(argv);
}

static void test_exec_split_commands(void **state _unused_) {
        char **argv = NULL;

        assert_int_equal(exec_split("/bin/a 1 ; /bin/b 2", NULL, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/bin/a", "1", NULL });
        strv_free(argv);

        assert_int_equal(exec_split("/bin/a 1 \\; x; \";\"", NULL, &argv), 0);
        assert_strv(argv, (const char * const[]) { "/bin/a", "1", ";", "x;", ";", NULL });
        strv_free(argv);
}

static void test_exec_split_errors(void **state _unused_) {
        static const char * const bad[] = {
                "/bin/x \"unterminated",
                "/bin/x 'unterminated",
                "/bin/x a\"b",
                "/bin/x \\q",
                "/bin/x a\\ b",
                "/bin/x \\x4",
                "/bin/x \\x00",
                "/bin/x trailing\\",
                "@/bin/x",
                "-",
                "\"\"",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char **argv = (char **) 0x1;

                assert_int_equal(exec_split(bad[i], NULL, &argv), -EINVAL);
                assert_ptr_equal(argv, (char **) 0x1); /* untouched */
        }
}

/* Found by fuzz/fuzz-env-file: a "$VAR" holding hundreds of thousands of words (an env file
 * doubling a variable up to the 1 MiB cap) took minutes, every word counting the list again. */
static void test_exec_split_many_words(void **state _unused_) {
        enum { N = 200000 };
        _cleanup_free_ char *value = malloc(3 + 2 * N + 1), *cmd = malloc(8 + 2 * N + 1);
        char *env[2] = { value, NULL }, **argv = NULL;

        assert_non_null(value);
        assert_non_null(cmd);
        strcpy(value, "A=");
        strcpy(cmd, "/bin/x");
        for (size_t i = 0; i < N; i++) {
                strcat(value + 2 + 2 * i, i % 2 ? "b " : "a ");
                strcat(cmd + 6 + 2 * i, " w");
        }

        assert_int_equal(exec_split("/bin/x $A last", env, &argv), 0);
        assert_int_equal(strv_length(argv), N + 2);
        assert_string_equal(argv[0], "/bin/x");
        assert_string_equal(argv[1], "a");
        assert_string_equal(argv[N], "b");
        assert_string_equal(argv[N + 1], "last");
        strv_free(argv);

        assert_int_equal(exec_split(cmd, NULL, &argv), 0);
        assert_int_equal(strv_length(argv), N + 1);
        assert_string_equal(argv[N], "w");
        strv_free(argv);
}

static void test_environment_file_split(void **state _unused_) {
        char *path = NULL;
        int optional = 5;

        assert_int_equal(environment_file_split("-/etc/default/docker", &path, &optional), 0);
        assert_string_equal(path, "/etc/default/docker");
        assert_int_equal(optional, 1);
        free(path);

        assert_int_equal(environment_file_split("/etc/sysconfig/docker", &path, &optional), 0);
        assert_string_equal(path, "/etc/sysconfig/docker");
        assert_int_equal(optional, 0);
        free(path);

        path = (char *) 0x1;
        optional = 5;
        assert_int_equal(environment_file_split("-etc/default/docker", &path, &optional), -EINVAL);
        assert_int_equal(environment_file_split("docker", &path, &optional), -EINVAL);
        assert_int_equal(environment_file_split("-", &path, &optional), -EINVAL);
        assert_int_equal(environment_file_split("", &path, &optional), -EINVAL);
        assert_ptr_equal(path, (char *) 0x1);
        assert_int_equal(optional, 5);
}

/* "${A}" repeated over a long A: refused once the words pass what execve(2) takes, without
 * building gigabytes first. A word split from "$A" counts the same way. */
static void test_exec_split_bounded(void **state _unused_) {
        _cleanup_free_ char *val = malloc(65000 + 3), *cmd = NULL, *split = NULL;
        char **argv = NULL;
        char *env[2] = {};
        struct strbuf b = {};

        assert_non_null(val);
        memcpy(val, "A=", 2);
        memset(val + 2, 'x', 65000);
        val[65002] = 0;
        env[0] = val;
        assert_int_equal(strbuf_append(&b, "/bin/x", 6), 0);
        for (int i = 0; i < 16000; i++)
                assert_int_equal(strbuf_append(&b, " ${A}${A}", 9), 0);
        cmd = b.s;
        assert_int_equal(exec_split(cmd, env, &argv), -E2BIG);
        assert_null(argv);
        b = (struct strbuf) {};
        assert_int_equal(strbuf_append(&b, "/bin/x", 6), 0);
        for (int i = 0; i < 16000; i++)
                assert_int_equal(strbuf_append(&b, " $A", 3), 0);
        split = b.s;
        assert_int_equal(exec_split(split, env, &argv), -E2BIG);
        /* Under the bound, the same expansion is done. */
        assert_int_equal(exec_split("/bin/x ${A}${A} $A", env, &argv), 0);
        assert_int_equal(strv_length(argv), 3);
        assert_int_equal(strlen(argv[1]), 130000);
        strv_free(argv);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sections_and_comments),
                cmocka_unit_test(test_whitespace_and_empty),
                cmocka_unit_test(test_continuation),
                cmocka_unit_test(test_crlf),
                cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_nul_byte),
                cmocka_unit_test(test_huge_line),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_exec_split_basic),
                cmocka_unit_test(test_exec_split_prefixes),
                cmocka_unit_test(test_exec_split_variables),
                cmocka_unit_test(test_exec_split_bounded),
                cmocka_unit_test(test_exec_split_commands),
                cmocka_unit_test(test_exec_split_errors),
                cmocka_unit_test(test_exec_split_many_words),
                cmocka_unit_test(test_environment_file_split),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
