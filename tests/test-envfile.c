/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "envfile.h"
#include "testlib.h"
#include "util.h"

#define _unused_ __attribute__((unused))

/* ---- files a shell sources: envfile_parse_shell() ---- */

static int parse(const char *s, char * const *base, char ***env, unsigned *line) {
        return envfile_parse_shell(s, strlen(s), base, env, line);
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

static void test_shell_debian_default(void **state _unused_) {
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

static void test_shell_rhel_sysconfig(void **state _unused_) {
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

static void test_shell_quotes_and_escapes(void **state _unused_) {
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

static void test_shell_comments_and_continuation(void **state _unused_) {
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

static void test_shell_variables(void **state _unused_) {
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

static void test_shell_no_execution(void **state _unused_) {
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

static void test_shell_malformed(void **state _unused_) {
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

static void test_shell_nul_and_crlf(void **state _unused_) {
        static const char text[] = "A=1\r\nB=\"x\r\ny\"\r\nC=c\0d\nD=4\n";
        _cleanup_strv_free_ char **env = NULL, **env2 = NULL;
        unsigned line = 0;

        assert_int_equal(envfile_parse_shell(text, sizeof(text) - 1, NULL, &env, &line), -EINVAL);
        assert_int_equal(line, 4);
        assert_strv(env, (const char * const[]) { "A=1", "B=x\ny", NULL });

        line = 42;
        assert_int_equal(envfile_parse_shell(NULL, 0, NULL, &env2, &line), 0);
        assert_int_equal(line, 0);
        assert_strv(env2, (const char * const[]) { NULL });
}

static void test_shell_expansion_bomb(void **state _unused_) {
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
static void test_shell_too_many_names(void **state _unused_) {
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

/* ---- EnvironmentFile= as systemd reads it: envfile_load() ---- */

struct loaded {
        char **env;
        struct envfile_warnings w;
        int r;
};

static void loaded_done(struct loaded *l) {
        strv_free(l->env);
        envfile_warnings_done(&l->w);
}

static struct loaded load_n(const char *s, size_t n, char * const *base) {
        struct loaded l = {};

        l.r = envfile_load(s, n, base, &l.env, &l.w);
        return l;
}

static struct loaded load(const char *s) {
        return load_n(s, strlen(s), NULL);
}

/* The warning at index i is on this line and mentions this text. */
static void assert_warning(const struct loaded *l, size_t i, unsigned line, const char *text) {
        assert_true(i < l->w.n);
        assert_int_equal(l->w.items[i].line, line);
        if (!strstr(l->w.items[i].message, text))
                fail_msg("warning %zu \"%s\" does not mention \"%s\"", i, l->w.items[i].message, text);
}

/* RHEL 7's stock /etc/sysconfig/docker: the shell block is skipped line by line (with a
 * warning for each line that is not an assignment), the assignment inside it is taken and the
 * file is read to the end. */
static void test_systemd_rhel7_sysconfig(void **state _unused_) {
        _cleanup_(loaded_done) struct loaded l = load(
                "# /etc/sysconfig/docker\n"
                "\n"
                "# Modify these options if you want to change the way the docker daemon runs\n"
                "OPTIONS='--selinux-enabled --log-driver=journald --signature-verification=false'\n"
                "if [ -z \"${DOCKER_CERT_PATH}\" ]; then\n"
                "    DOCKER_CERT_PATH=/etc/docker\n"
                "fi\n"
                "\n"
                "# DOCKER_TMPDIR=/var/tmp\n"
                "DOCKER_TMPDIR=/srv/tmp\n");

        assert_int_equal(l.r, 0);
        assert_strv(l.env, (const char * const[]) {
                "OPTIONS=--selinux-enabled --log-driver=journald --signature-verification=false",
                "DOCKER_CERT_PATH=/etc/docker",
                "DOCKER_TMPDIR=/srv/tmp",
                NULL });
        assert_int_equal(l.w.n, 2);
        assert_warning(&l, 0, 5, "not an assignment");
        assert_warning(&l, 0, 5, "if [ -z");
        assert_warning(&l, 1, 7, "\"fi\"");
}

/* Unquoted values keep interior blanks, '#' and quotes; only trailing blanks go. Blanks around
 * '=' are trimmed. */
static void test_systemd_unquoted(void **state _unused_) {
        _cleanup_(loaded_done) struct loaded l = load(
                "DOCKER_OPTS=--dns 8.8.8.8 --data-root /srv/x\n"
                "DAEMON_MAXFILES = 1048576\n"
                "\tSPACED  =   value with  two  spaces   \t\n"
                "HASH=a # not a comment\n"
                "Q=x\"y z\"'w'\n"
                "ESC=a\\ \\\\b\\\"\\ \n"
                "CONT=one \\\n"
                "two\n"
                "EMPTY=\n"
                "EMPTY2=   \n"
                "EQ=a=b==c\n"
                "DOLLAR=$HOME ${HOME}\n");

        assert_int_equal(l.r, 0);
        assert_int_equal(l.w.n, 0);
        assert_strv(l.env, (const char * const[]) {
                "DOCKER_OPTS=--dns 8.8.8.8 --data-root /srv/x",
                "DAEMON_MAXFILES=1048576",
                "SPACED=value with  two  spaces",
                "HASH=a # not a comment",
                "Q=x\"y z\"'w'",
                "ESC=a \\b\" ",
                "CONT=one two",
                "EMPTY=",
                "EMPTY2=",
                "EQ=a=b==c",
                "DOLLAR=$HOME ${HOME}",
                NULL });
}

/* Quotes open only right after '=' (or after a closing quote); parts join; escapes in double
 * quotes as systemd has them; quotes span lines. */
static void test_systemd_quotes(void **state _unused_) {
        _cleanup_(loaded_done) struct loaded l = load(
                "S='single $A \\n \"x\"  '\n"
                "D=\"double \\\"q\\\" \\\\ \\$A \\` \\n \\x\"\n"
                "J=\"a\"'b'c d \n"
                "GAP='a'   \"b\"\n"
                "M='multi\n"
                "line'\n"
                "N=\"one \\\n"
                "two\"\n"
                "AFTER=1\n"
                "TRAIL=\"x\"   \n");

        assert_int_equal(l.r, 0);
        assert_int_equal(l.w.n, 0);
        assert_strv(l.env, (const char * const[]) {
                "S=single $A \\n \"x\"  ",
                "D=double \"q\" \\ $A ` \\n \\x",
                "J=abc d",
                "GAP=ab",
                "M=multi\nline",
                "N=one two",
                "AFTER=1",
                "TRAIL=x",
                NULL });
}

/* Comment lines start with '#' or ';' (after blanks); a trailing backslash does not continue a
 * comment; later assignments replace earlier ones; CRLF ends lines. */
static void test_systemd_comments_crlf(void **state _unused_) {
        _cleanup_(loaded_done) struct loaded l = load(
                "; semicolon\r\n"
                "   # indented \\\r\n"
                "A=1\r\n"
                "B=\"x\"\r\n"
                "A=2\r\n"
                "C=last");

        assert_int_equal(l.r, 0);
        assert_int_equal(l.w.n, 0);
        assert_strv(l.env, (const char * const[]) { "A=2", "B=x", "C=last", NULL });
}

/* Invalid names are skipped with a warning; reading goes on. "export A=1" is an invalid name to
 * systemd. */
static void test_systemd_invalid_names(void **state _unused_) {
        _cleanup_(loaded_done) struct loaded l = load(
                "A=1\n"
                "export B=2\n"
                "FOO-BAR=3\n"
                "1X=4\n"
                "=5\n"
                "\"Q\"=6\n"
                "just words\n"
                "Z=7\n"
                "test \"$A\" = 1 && echo\n");

        assert_int_equal(l.r, 0);
        assert_strv(l.env, (const char * const[]) { "A=1", "Z=7", NULL });
        assert_int_equal(l.w.n, 7);
        assert_warning(&l, 0, 2, "\"export B=\": systemd has no \"export\"");
        assert_warning(&l, 1, 3, "\"FOO-BAR\" is not a valid variable name");
        assert_warning(&l, 2, 4, "\"1X\"");
        assert_warning(&l, 3, 5, "not an assignment"); /* systemd takes the leading '=' into the name */
        assert_warning(&l, 4, 6, "\"\"Q\"\"");
        assert_warning(&l, 5, 7, "not an assignment");
        assert_warning(&l, 6, 9, "not a valid variable name");
}

/* A quote never closed takes the rest of the file as its value, as systemd does. */
static void test_systemd_unterminated(void **state _unused_) {
        _cleanup_(loaded_done) struct loaded l = load("A=1\nB=\"open\nC=3\n");

        assert_int_equal(l.r, 0);
        assert_strv(l.env, (const char * const[]) { "A=1", "B=open\nC=3\n", NULL });
        assert_int_equal(l.w.n, 1);
        assert_warning(&l, 0, 2, "never closes");
}

/* base comes first, the file's assignments over it; base itself is not changed. */
static void test_systemd_base(void **state _unused_) {
        char *base[] = { (char *) "OPTIONS=--from-unit", (char *) "KEEP=k", NULL };
        _cleanup_(loaded_done) struct loaded l = load_n("OPTIONS=--from-file $KEEP\n", 26, base);

        assert_int_equal(l.r, 0);
        assert_strv(l.env, (const char * const[]) { "OPTIONS=--from-file $KEEP", "KEEP=k", NULL });
        assert_string_equal(base[0], "OPTIONS=--from-unit");
}

/* A NUL byte or invalid UTF-8 in an assignment: systemd refuses the whole file. Invalid UTF-8
 * in a comment is fine. */
static void test_systemd_refused(void **state _unused_) {
        static const char nul[] = "A=1\nB=x\0y\n";
        char *base[] = { (char *) "BASE=1", NULL };
        _cleanup_(loaded_done) struct loaded l1 = load_n(nul, sizeof(nul) - 1, base);
        _cleanup_(loaded_done) struct loaded l2 = load("A=1\nB=\xff\n");
        _cleanup_(loaded_done) struct loaded l3 = load("# \xff\xfe\nA=\xc3\xa9\n");
        _cleanup_(loaded_done) struct loaded l4 = load("A=\xc0\xaf\n"); /* overlong '/' */

        assert_int_equal(l1.r, -EBADMSG);
        assert_strv(l1.env, (const char * const[]) { "BASE=1", NULL });
        assert_warning(&l1, 0, 2, "NUL byte");
        assert_int_equal(l2.r, -EBADMSG);
        assert_strv(l2.env, (const char * const[]) { NULL });
        assert_warning(&l2, 0, 2, "invalid UTF-8");
        assert_int_equal(l3.r, 0);
        assert_strv(l3.env, (const char * const[]) { "A=\xc3\xa9", NULL });
        assert_int_equal(l4.r, -EBADMSG);
}

/* At most 64 warnings are listed, and one more says how many were left out. */
static void test_systemd_many_warnings(void **state _unused_) {
        _cleanup_free_ char *text = malloc(200 * 8);
        char *p = text;

        assert_non_null(text);
        for (int i = 0; i < 200; i++)
                p += sprintf(p, "fi\n");
        {
                _cleanup_(loaded_done) struct loaded l = load(text);

                assert_int_equal(l.r, 0);
                assert_int_equal(l.w.n, 65);
                assert_warning(&l, 63, 64, "not an assignment");
                assert_warning(&l, 64, 201, "136 more lines");
        }
}

/* 1024 distinct names, then the rest of the file is not read (with a warning at the line);
 * reassigning a known name is always fine. */
static void test_systemd_too_many_names(void **state _unused_) {
        _cleanup_free_ char *text = malloc(64 * 1024);
        char *p = text;

        assert_non_null(text);
        for (int i = 0; i < 1024; i++)
                p += sprintf(p, "K%d=%d\n", i, i);
        for (int i = 0; i < 100; i++)
                p += sprintf(p, "K7=again\n");
        p += sprintf(p, "ONE_TOO_MANY=x\nK8=not read\n");
        {
                _cleanup_(loaded_done) struct loaded l = load(text);

                assert_int_equal(l.r, 0);
                assert_int_equal(strv_length(l.env), 1024);
                assert_string_equal(env_get(l.env, "K7"), "again");
                assert_string_equal(env_get(l.env, "K8"), "8");
                assert_null(env_get(l.env, "ONE_TOO_MANY"));
                assert_int_equal(l.w.n, 1);
                assert_warning(&l, 0, 1125, "more than 1024 variables");
        }
}

/* The compatibility form: 0 and line 0 even with skipped lines. */
static void test_systemd_compat(void **state _unused_) {
        _cleanup_strv_free_ char **env = NULL, **env2 = NULL;
        unsigned line = 99;

        assert_int_equal(envfile_parse("fi\nA=1\n", 7, NULL, &env, &line), 0);
        assert_int_equal(line, 0);
        assert_strv(env, (const char * const[]) { "A=1", NULL });
        assert_int_equal(envfile_parse("A=1\n\0", 5, NULL, &env2, &line), -EBADMSG);
        assert_int_equal(line, 2);
        assert_int_equal(envfile_parse(NULL, 1, NULL, &env2, &line), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_systemd_rhel7_sysconfig),
                cmocka_unit_test(test_systemd_unquoted),
                cmocka_unit_test(test_systemd_quotes),
                cmocka_unit_test(test_systemd_comments_crlf),
                cmocka_unit_test(test_systemd_invalid_names),
                cmocka_unit_test(test_systemd_unterminated),
                cmocka_unit_test(test_systemd_base),
                cmocka_unit_test(test_systemd_refused),
                cmocka_unit_test(test_systemd_many_warnings),
                cmocka_unit_test(test_systemd_too_many_names),
                cmocka_unit_test(test_systemd_compat),
                cmocka_unit_test(test_shell_too_many_names),
                cmocka_unit_test(test_env_get_set),
                cmocka_unit_test(test_shell_debian_default),
                cmocka_unit_test(test_shell_rhel_sysconfig),
                cmocka_unit_test(test_shell_quotes_and_escapes),
                cmocka_unit_test(test_shell_comments_and_continuation),
                cmocka_unit_test(test_shell_variables),
                cmocka_unit_test(test_shell_no_execution),
                cmocka_unit_test(test_shell_malformed),
                cmocka_unit_test(test_shell_nul_and_crlf),
                cmocka_unit_test(test_shell_expansion_bomb),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
