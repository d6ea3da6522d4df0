/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "envfile.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static int parse(const char *s, char * const *base, char ***env, unsigned *line) {
        return envfile_parse(s, strlen(s), base, env, line);
}

static void assert_strv(char **l, const char * const *expected) {
        size_t n = 0;

        assert_non_null(l);
        for (; expected[n]; n++) {
                assert_non_null(l[n]);
                assert_string_equal(l[n], expected[n]);
        }
        assert_null(l[n]);
}

static void test_env_get_set(void **state _unused_) {
        _cleanup_strv_free_ char **env = NULL;

        assert_null(env_get(env, "A"));
        assert_int_equal(env_set(&env, "A", "1"), 0);
        assert_int_equal(env_set(&env, "AB", "2"), 0);
        assert_int_equal(env_set(&env, "A", "3=x"), 0);
        assert_int_equal(env_set(&env, "E", ""), 0);
        assert_strv(env, (const char * const[]) { "A=3=x", "AB=2", "E=", NULL });
        assert_string_equal(env_get(env, "A"), "3=x");
        assert_string_equal(env_get(env, "AB"), "2");
        assert_string_equal(env_get(env, "E"), "");
        assert_null(env_get(env, "B"));
        assert_null(env_get(env, "A="));
        assert_int_equal(env_set(&env, "", "x"), -EINVAL);
        assert_int_equal(env_set(&env, "X=Y", "x"), -EINVAL);
        assert_int_equal(strv_length(env), 3);
}

static void test_debian_default(void **state _unused_) {
        _cleanup_strv_free_ char **env = NULL;
        unsigned line = 99;

        assert_int_equal(parse("# Docker Upstart and SysVinit configuration file\n"
                               "\n"
                               "# Customize location of Docker binary (especially for development testing).\n"
                               "#DOCKERD=\"/usr/local/bin/dockerd\"\n"
                               "\n"
                               "# Use DOCKER_OPTS to modify the daemon startup options.\n"
                               "#DOCKER_OPTS=\"--dns 8.8.8.8 --dns 8.8.4.4\"\n"
                               "DOCKER_OPTS=\"--data-root=/srv/docker\"\n"
                               "\n"
                               "# If you need Docker to use an HTTP proxy, it can also be specified here.\n"
                               "#export http_proxy=\"http://127.0.0.1:3128/\"\n",
                               NULL, &env, &line), 0);
        assert_int_equal(line, 0);
        assert_strv(env, (const char * const[]) { "DOCKER_OPTS=--data-root=/srv/docker", NULL });
}

static void test_rhel_sysconfig(void **state _unused_) {
        _cleanup_strv_free_ char **env = NULL;
        unsigned line = 99;

        assert_int_equal(parse("# /etc/sysconfig/docker\n"
                               "\n"
                               "# Modify these options if you want to change the way the docker daemon runs\n"
                               "OPTIONS='--selinux-enabled --log-driver=journald --signature-verification=false'\n"
                               "if [ -z \"${DOCKER_CERT_PATH}\" ]; then\n"
                               "    DOCKER_CERT_PATH=/etc/docker\n"
                               "fi\n",
                               NULL, &env, &line), -EINVAL);
        /* the shell "if" is not an assignment; what came before it is kept */
        assert_int_equal(line, 5);
        assert_strv(env, (const char * const[]) {
                "OPTIONS=--selinux-enabled --log-driver=journald --signature-verification=false", NULL });
}

static void test_quotes_and_escapes(void **state _unused_) {
        _cleanup_strv_free_ char **env = NULL;
        unsigned line;

        assert_int_equal(parse("export A=1\n"
                               "export  B='single $A \\n \"x\"'\n"
                               "C=\"double \\\"q\\\" \\\\ \\$A \\` \\n $A\"\n"
                               "D=un\\ quoted\\\"\n"
                               "E=\n"
                               "F=\"\"\n"
                               "G=a\"b c\"'d e'f\n"
                               "\tH=indented\n"
                               "I='multi\n"
                               "line'\n"
                               "J=x#notacomment\n",
                               NULL, &env, &line), 0);
        assert_strv(env, (const char * const[]) {
                "A=1",
                "B=single $A \\n \"x\"",
                "C=double \"q\" \\ $A ` \\n 1",
                "D=un quoted\"",
                "E=",
                "F=",
                "G=ab cd ef",
                "H=indented",
                "I=multi\nline",
                "J=x#notacomment",
                NULL });
}

static void test_comments_and_continuation(void **state _unused_) {
        _cleanup_strv_free_ char **env = NULL;
        unsigned line;

        assert_int_equal(parse("; semicolon comment\n"
                               "   # indented comment\n"
                               "A=1 # inline comment\n"
                               "B=\"2 # not a comment\"   # but this is\n"
                               "C=--foo \\\n"
                               "D=--bar\n"
                               "E=\"one \\\n"
                               "two\"\n"
                               "F=x\\\n"
                               "y\n"
                               "G=1 H=2\n"
                               "# comment with backslash \\\n"
                               "I=3\n"
                               "export J\n"
                               "export\n",
                               NULL, &env, &line), 0);
        assert_strv(env, (const char * const[]) {
                "A=1", "B=2 # not a comment", "C=--foo", "D=--bar", "E=one two", "F=xy",
                "G=1", "H=2", "I=3", NULL });
}

static void test_variables(void **state _unused_) {
        _cleanup_strv_free_ char **env = NULL;
        char *base[] = { (char *) "BASE=b", (char *) "A=from-base", NULL };
        unsigned line;

        assert_int_equal(parse("A=1\n"
                               "B=$A${A}x$BASE-$UNSET-${UNSET}.\n"
                               "A=$A$A\n"
                               "C=\"$A and ${BASE}\"\n"
                               "D='$A'\n"
                               "E=$-$1-a$\n"
                               "F=\"${A:-default} ${A}\"\n",
                               base, &env, &line), 0);
        assert_strv(env, (const char * const[]) {
                "A=11",         /* later assignment replaces the first, in place */
                "B=11xb--.",
                "C=11 and b",
                "D=$A",
                "E=$-$1-a$",
                "F=${A:-default} 11",
                NULL });
        /* base is only looked at, not copied */
        assert_null(env_get(env, "BASE"));
}

static void test_no_execution(void **state _unused_) {
        _cleanup_strv_free_ char **env = NULL;
        unsigned line;

        assert_int_equal(parse("A=$(touch /tmp/pwned; echo x)\n"
                               "B=`id -u`\n"
                               "C=\"pre $(cat /etc/$(echo passwd)) `date` post\"\n"
                               "D=$((1 + 2))\n",
                               NULL, &env, &line), 0);
        assert_strv(env, (const char * const[]) {
                "A=$(touch /tmp/pwned; echo x)",
                "B=`id -u`",
                "C=pre $(cat /etc/$(echo passwd)) `date` post",
                "D=$((1 + 2))",
                NULL });
}

static void test_malformed(void **state _unused_) {
        static const struct {
                const char *text;
                unsigned line;
                size_t n_kept;
        } cases[] = {
                { "A=1\nB=\"unterminated\nC=3\n", 2, 1 },
                { "A=1\n\nB='unterminated\n", 3, 1 },
                { "A=1\nFOO-BAR=1\n", 2, 1 },
                { "A=1\n1A=2\n", 2, 1 },
                { "A=1\nA = 2\n", 2, 1 },
                { "A=1\njust words\n", 2, 1 },
                { "A=1 B=2\n=x\n", 2, 2 },
                { "A=1\nB=x y\n", 2, 2 },          /* "y" would be a command */
                { "A=1\nB=$(unterminated\n", 2, 1 },
                { "A=1\nB=`unterminated\n", 2, 1 },
                { "A=1\nB=\\\nC=\"x\n", 2, 1 },    /* continuation: B=C="x... unterminated */
                { "A=1\n\"B\"=2\n", 2, 1 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_strv_free_ char **env = NULL;
                unsigned line = 0;

                assert_int_equal(parse(cases[i].text, NULL, &env, &line), -EINVAL);
                assert_int_equal(line, cases[i].line);
                assert_int_equal(strv_length(env), cases[i].n_kept);
                assert_string_equal(env[0], "A=1");
        }
}

static void test_nul_and_crlf(void **state _unused_) {
        static const char text[] = "A=1\r\nB=\"x\r\ny\"\r\nC=c\0d\nD=4\n";
        _cleanup_strv_free_ char **env = NULL, **env2 = NULL;
        unsigned line = 0;

        assert_int_equal(envfile_parse(text, sizeof(text) - 1, NULL, &env, &line), -EINVAL);
        assert_int_equal(line, 4);
        assert_strv(env, (const char * const[]) { "A=1", "B=x\ny", NULL });

        line = 42;
        assert_int_equal(envfile_parse(NULL, 0, NULL, &env2, &line), 0);
        assert_int_equal(line, 0);
        assert_strv(env2, (const char * const[]) { NULL });
}

static void test_expansion_bomb(void **state _unused_) {
        _cleanup_free_ char *text = malloc(4096);
        _cleanup_strv_free_ char **env = NULL;
        unsigned line = 0;
        char *p = text;

        assert_non_null(text);
        p += sprintf(p, "A=xxxxxxxxxxxxxxxx\n");
        for (int i = 0; i < 40; i++)
                p += sprintf(p, "A=$A$A\n");
        assert_int_equal(parse(text, NULL, &env, &line), -E2BIG);
        /* 16 << 16 bytes is 1 MiB, the 17th doubling is one too many */
        assert_int_equal(line, 18);
        assert_int_equal(strlen(env_get(env, "A")), 16 << 16);
}

/* Thousands of distinct names (each assignment looks its name up) are refused at 1024, with the
 * line, and the assignments before it are kept; reassigning a known name is always fine. */
static void test_too_many_names(void **state _unused_) {
        _cleanup_free_ char *text = malloc(64 * 1024);
        _cleanup_strv_free_ char **env = NULL;
        unsigned line = 0;
        char *p = text;

        assert_non_null(text);
        for (int i = 0; i < 1024; i++)
                p += sprintf(p, "K%d=%d\n", i, i);
        for (int i = 0; i < 100; i++)
                p += sprintf(p, "K7=again\n");
        p += sprintf(p, "ONE_TOO_MANY=x\n");
        assert_int_equal(parse(text, NULL, &env, &line), -E2BIG);
        assert_int_equal(line, 1024 + 100 + 1);
        assert_int_equal(strv_length(env), 1024);
        assert_string_equal(env_get(env, "K7"), "again");
        assert_null(env_get(env, "ONE_TOO_MANY"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_too_many_names),
                cmocka_unit_test(test_env_get_set),
                cmocka_unit_test(test_debian_default),
                cmocka_unit_test(test_rhel_sysconfig),
                cmocka_unit_test(test_quotes_and_escapes),
                cmocka_unit_test(test_comments_and_continuation),
                cmocka_unit_test(test_variables),
                cmocka_unit_test(test_no_execution),
                cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_nul_and_crlf),
                cmocka_unit_test(test_expansion_bomb),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
