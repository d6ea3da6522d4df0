/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <cmocka.h>

#include "testlib.h"
#include "util.h"

#define _unused_ __attribute__((unused))

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                   */

/* An absolute path of n bytes: "/" followed by n - 1 'a's. */
static char *long_path(size_t n) {
        char *s = repeat('a', n);

        s[0] = '/';
        return s;
}

static char *make_tmpdir(void) {
        char *d = strdup("/tmp/test-util-XXXXXX");

        assert_non_null(d);
        assert_non_null(mkdtemp(d));
        return d;
}

static void tmpdir_free(char *d) {
        assert_int_equal(rm_rf(d), 0);
        free(d);
}

static void write_file(const char *dir, const char *name, const char *data) {
        _cleanup_free_ char *p = path_join(dir, name);
        FILE *f;

        assert_non_null(p);
        f = fopen(p, "we");
        assert_non_null(f);
        assert_int_equal(fputs(data, f) >= 0, 1);
        assert_int_equal(fclose(f), 0);
}

static void assert_normalize(const char *in, const char *expected) {
        char *out = (char *) "untouched";
        int r = path_normalize(in, &out);

        if (r != 0)
                fail_msg("path_normalize('%s'): %d", in, r);
        if (!streq(out, expected))
                fail_msg("path_normalize('%s'): expected '%s', got '%s'", in, expected, out);
        free(out);
}

static void assert_normalize_fails(const char *in) {
        char *out = (char *) "untouched";

        assert_int_equal(path_normalize(in, &out), -EINVAL);
        assert_string_equal(out, "untouched");
}

/* ---------------------------------------------------------------------------------------- */
/* Strings                                                                                   */

static void test_startswith_endswith(void **state _unused_) {
        const char *s = "/run/containerd";

        assert_ptr_equal(startswith(s, "/run"), s + 4);
        assert_ptr_equal(startswith(s, ""), s);
        assert_null(startswith(s, "/var"));
        assert_null(startswith("/r", "/run"));
        assert_true(endswith("a.rules", ".rules"));
        assert_true(endswith(".rules", ".rules"));
        assert_true(endswith("x", ""));
        assert_false(endswith("rules", ".rules"));
        assert_false(endswith("a.rules~", ".rules"));
        assert_true(streq_ptr(NULL, NULL));
        assert_false(streq_ptr("a", NULL));
        assert_false(streq_ptr(NULL, "a"));
        assert_true(streq_ptr("a", "a"));
        assert_string_equal(strempty(NULL), "");
        assert_string_equal(strempty("x"), "x");
}

/* ---------------------------------------------------------------------------------------- */
/* Paths                                                                                     */

static void test_normalize_root(void **state _unused_) {
        assert_normalize("/", "/");
        assert_normalize("//", "/");
        assert_normalize("///", "/");
        assert_normalize("/./", "/");
        assert_normalize("/.", "/");
        assert_normalize("/..", "/");
        assert_normalize("/../..", "/");
        assert_normalize("/a/..", "/");
        assert_normalize("/a/../..", "/");
        assert_normalize("/a/../../..", "/");
}

static void test_normalize_components(void **state _unused_) {
        assert_normalize("/a", "/a");
        assert_normalize("/a/", "/a");
        assert_normalize("/a/b/", "/a/b");
        assert_normalize("/a//b///c", "/a/b/c");
        assert_normalize("//a/b", "/a/b");
        assert_normalize("/a/./b/.", "/a/b");
        assert_normalize("/a/b/..", "/a");
        assert_normalize("/a/b/../../c", "/c");
        assert_normalize("/a//b/./c/../d/", "/a/b/d");
        assert_normalize("/../a", "/a");
        assert_normalize("/a/../../b", "/b");
        /* Names that only look like dots stay. */
        assert_normalize("/...", "/...");
        assert_normalize("/..a/.b/c.", "/..a/.b/c.");
        assert_normalize("/var/lib/docker", "/var/lib/docker");
}

static void test_normalize_rejects(void **state _unused_) {
        assert_normalize_fails("");
        assert_normalize_fails(NULL);
        assert_normalize_fails("a");
        assert_normalize_fails("a/b");
        assert_normalize_fails("./a");
        assert_normalize_fails("../a");
        assert_normalize_fails(".");
}

static void test_path_parent(void **state _unused_) {
        struct { const char *in, *out; } cases[] = {
                { "/", "/" },
                { "/a", "/" },
                { "/a/b", "/a" },
                { "/a/b/c", "/a/b" },
                { "/run/containerd/containerd.sock", "/run/containerd" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *p = path_parent(cases[i].in);
                assert_non_null(p);
                if (!streq(p, cases[i].out))
                        fail_msg("path_parent('%s'): expected '%s', got '%s'", cases[i].in, cases[i].out, p);
        }
}

static void test_path_basename(void **state _unused_) {
        const char *p = "/usr/bin/dockerd";

        assert_string_equal(path_basename(p), "dockerd");
        assert_ptr_equal(path_basename(p), p + 9);
        assert_string_equal(path_basename("/a"), "a");
        assert_string_equal(path_basename("x"), "x");
        assert_string_equal(path_basename("/a/b.rules"), "b.rules");
}

static void test_path_startswith_dir(void **state _unused_) {
        assert_true(path_startswith_dir("/run", "/run"));
        assert_true(path_startswith_dir("/run/x", "/run"));
        assert_true(path_startswith_dir("/run/x/y", "/run/x"));
        assert_false(path_startswith_dir("/running", "/run"));
        assert_false(path_startswith_dir("/run2/x", "/run"));
        assert_false(path_startswith_dir("/ru", "/run"));
        assert_false(path_startswith_dir("/var/run", "/run"));
        assert_true(path_startswith_dir("/", "/"));
        assert_true(path_startswith_dir("/anything", "/"));
        assert_false(path_startswith_dir("relative", "/"));
}

static void test_path_join(void **state _unused_) {
        struct { const char *a, *b, *out; } cases[] = {
                { "/a", "b", "/a/b" },
                { "/a/", "b", "/a/b" },
                { "/a", "/b", "/a/b" },
                { "/a//", "//b", "/a/b" },
                { "/", "b", "/b" },
                { "/", "/etc/passwd", "/etc/passwd" },
                { "/tmp/root", "/var/lib/docker", "/tmp/root/var/lib/docker" },
                { "rel", "x/y", "rel/x/y" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *p = path_join(cases[i].a, cases[i].b);
                assert_non_null(p);
                if (!streq(p, cases[i].out))
                        fail_msg("path_join('%s', '%s'): expected '%s', got '%s'",
                                 cases[i].a, cases[i].b, cases[i].out, p);
        }
}

/* ---------------------------------------------------------------------------------------- */
/* strv                                                                                      */

static void test_strv_basic(void **state _unused_) {
        _cleanup_strv_free_ char **l = NULL;

        assert_int_equal(strv_length(NULL), 0);
        assert_false(strv_contains(NULL, "a"));

        assert_int_equal(strv_extend(&l, "a"), 0);
        assert_int_equal(strv_length(l), 1);
        assert_int_equal(strv_push(&l, strdup("b")), 0);
        assert_int_equal(strv_extend(&l, ""), 0);
        assert_int_equal(strv_length(l), 3);
        assert_string_equal(l[0], "a");
        assert_string_equal(l[1], "b");
        assert_string_equal(l[2], "");
        assert_null(l[3]);
        assert_true(strv_contains(l, "a"));
        assert_true(strv_contains(l, "b"));
        assert_true(strv_contains(l, ""));
        assert_false(strv_contains(l, "c"));
        assert_false(strv_contains(l, "ab"));

        /* push of NULL (a failed strdup) reports ENOMEM and leaves the list alone */
        assert_int_equal(strv_push(&l, NULL), -ENOMEM);
        assert_int_equal(strv_length(l), 3);
}

static void test_strv_extend_copy(void **state _unused_) {
        _cleanup_strv_free_ char **a = NULL, **b = NULL, **c = NULL, **e = NULL;
        char *src[] = { (char *) "x", (char *) "y", NULL };

        assert_int_equal(strv_extend(&a, "first"), 0);
        assert_int_equal(strv_extend_strv(&a, src), 0);
        assert_int_equal(strv_length(a), 3);
        assert_string_equal(a[0], "first");
        assert_string_equal(a[1], "x");
        assert_string_equal(a[2], "y");
        assert_ptr_not_equal(a[1], src[0]);   /* copies */

        assert_int_equal(strv_extend_strv(&a, NULL), 0);
        assert_int_equal(strv_length(a), 3);

        b = strv_copy(a);
        assert_non_null(b);
        assert_ptr_not_equal(b, a);
        assert_int_equal(strv_length(b), 3);
        for (size_t i = 0; i < 3; i++) {
                assert_string_equal(b[i], a[i]);
                assert_ptr_not_equal(b[i], a[i]);
        }
        assert_null(b[3]);

        /* a copy of nothing is an empty vector, not NULL */
        c = strv_copy(NULL);
        assert_non_null(c);
        assert_null(c[0]);
        assert_int_equal(strv_length(c), 0);

        e = strv_copy(c);
        assert_non_null(e);
        assert_int_equal(strv_length(e), 0);

        strv_free(NULL); /* no-op */
}

/* ---------------------------------------------------------------------------------------- */
/* read_file_bounded                                                                         */

static void test_read_regular(void **state _unused_) {
        char *d = make_tmpdir();
        _cleanup_free_ char *p = path_join(d, "f"), *data = NULL, *data2 = NULL, *empty = NULL, *pe = NULL;
        size_t len = 12345;
        _cleanup_close_ int dfd = -1;

        write_file(d, "f", "hello\nworld\n");
        assert_int_equal(read_file_bounded(AT_FDCWD, p, 0, &data, &len), 0);
        assert_string_equal(data, "hello\nworld\n");
        assert_int_equal(len, 12);

        /* relative to a directory fd, ret_len optional */
        dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);
        assert_int_equal(read_file_bounded(dfd, "f", O_NOFOLLOW, &data2, NULL), 0);
        assert_string_equal(data2, "hello\nworld\n");

        /* empty file: "" with length 0 */
        write_file(d, "empty", "");
        pe = path_join(d, "empty");
        len = 99;
        assert_int_equal(read_file_bounded(AT_FDCWD, pe, 0, &empty, &len), 0);
        assert_non_null(empty);
        assert_string_equal(empty, "");
        assert_int_equal(len, 0);

        tmpdir_free(d);
}

static void test_read_embedded_nul(void **state _unused_) {
        char *d = make_tmpdir();
        _cleanup_free_ char *p = path_join(d, "nul"), *data = NULL;
        size_t len = 0;
        FILE *f = fopen(p, "we");

        assert_non_null(f);
        assert_int_equal(fwrite("a\0b", 1, 3, f), 3);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(read_file_bounded(AT_FDCWD, p, 0, &data, &len), 0);
        assert_int_equal(len, 3);
        assert_memory_equal(data, "a\0b", 4); /* NUL-terminated after the data */
        tmpdir_free(d);
}

static void test_read_errors(void **state _unused_) {
        char *d = make_tmpdir();
        _cleanup_free_ char *fifo = path_join(d, "fifo"), *link = path_join(d, "link"),
                            *missing = path_join(d, "missing");
        char *data = (char *) "untouched";
        size_t len = 777;

        /* a directory */
        assert_int_equal(read_file_bounded(AT_FDCWD, d, 0, &data, &len), -EISDIR);
        assert_string_equal(data, "untouched");
        assert_int_equal(len, 777);

        /* a FIFO without a writer: refused, and the call returns (does not block) */
        assert_int_equal(mkfifo(fifo, 0600), 0);
        assert_int_equal(read_file_bounded(AT_FDCWD, fifo, 0, &data, &len), -EBADFD);
        assert_string_equal(data, "untouched");

        /* a device */
        assert_int_equal(read_file_bounded(AT_FDCWD, "/dev/null", 0, &data, &len), -EBADFD);

        /* O_NOFOLLOW on a symlink */
        write_file(d, "target", "x");
        assert_int_equal(symlink("target", link), 0);
        assert_int_equal(read_file_bounded(AT_FDCWD, link, O_NOFOLLOW, &data, &len), -ELOOP);
        assert_string_equal(data, "untouched");
        {
                _cleanup_free_ char *via = NULL;
                assert_int_equal(read_file_bounded(AT_FDCWD, link, 0, &via, NULL), 0);
                assert_string_equal(via, "x");
        }

        /* a socket: not ENXIO from open(), a file that is not regular */
        {
                _cleanup_free_ char *sock = path_join(d, "sock");
                struct sockaddr_un sa = { .sun_family = AF_UNIX };
                int fd = socket(AF_UNIX, SOCK_STREAM, 0);

                assert_true(fd >= 0 && strlen(sock) < sizeof(sa.sun_path));
                strcpy(sa.sun_path, sock);
                assert_int_equal(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
                assert_int_equal(read_file_bounded(AT_FDCWD, sock, 0, &data, &len), -EBADFD);
                close(fd);
        }

        /* missing */
        assert_int_equal(read_file_bounded(AT_FDCWD, missing, 0, &data, &len), -ENOENT);
        assert_string_equal(data, "untouched");
        assert_int_equal(len, 777);

        tmpdir_free(d);
}

static void test_read_size_cap(void **state _unused_) {
        char *d = make_tmpdir();
        _cleanup_free_ char *big = path_join(d, "big"), *exact = path_join(d, "exact"), *data = NULL;
        char *none = (char *) "untouched";
        size_t len = 0;
        int fd;

        fd = open(big, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, INPUT_MAX + 1), 0);
        close(fd);
        assert_int_equal(read_file_bounded(AT_FDCWD, big, 0, &none, &len), -EFBIG);
        assert_string_equal(none, "untouched");

        fd = open(exact, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, INPUT_MAX), 0);
        close(fd);
        assert_int_equal(read_file_bounded(AT_FDCWD, exact, 0, &data, &len), 0);
        assert_int_equal(len, INPUT_MAX);
        assert_int_equal(data[0], 0);
        assert_int_equal(data[INPUT_MAX], 0);

        tmpdir_free(d);
}

/* read_fd_upto() of the bytes data[0, len) through a pipe, which says no size. */
static int read_piped(const char *data, size_t len, size_t hint, size_t max, char **ret, size_t *ret_len) {
        int p[2], r;

        assert_int_equal(pipe(p), 0);
        assert_int_equal(write(p[1], data, len), (ssize_t) len);
        close(p[1]);
        r = read_fd_upto(p[0], hint, max, ret, ret_len);
        close(p[0]);
        return r;
}

static void test_read_fd_upto(void **state _unused_) {
        static char big[10000];
        char *d = NULL;
        size_t n = 0;

        /* To the end: 0, the bytes (NULs too) and a NUL after them. */
        assert_int_equal(read_piped("ab\0cd", 5, 0, 100, &d, &n), 0);
        assert_int_equal(n, 5);
        assert_memory_equal(d, "ab\0cd", 6);
        free(d);
        /* Exactly max bytes, then the end: 0. */
        assert_int_equal(read_piped("abcdef", 6, 0, 6, &d, &n), 0);
        assert_int_equal(n, 6);
        assert_string_equal(d, "abcdef");
        free(d);
        /* More than max: 1, the first max bytes. */
        assert_int_equal(read_piped("abcdef", 6, 0, 4, &d, &n), 1);
        assert_int_equal(n, 4);
        assert_string_equal(d, "abcd");
        free(d);
        assert_int_equal(read_piped("a", 1, 0, 0, &d, &n), 1);
        assert_int_equal(n, 0);
        free(d);
        assert_int_equal(read_piped("", 0, 0, 0, &d, &n), 0);
        assert_int_equal(n, 0);
        assert_string_equal(d, "");
        free(d);
        /* A hint too small grows; none starts at 4 KiB and grows past it. */
        memset(big, 'x', sizeof(big));
        for (size_t hint = 0; hint < 3; hint++) {
                assert_int_equal(read_piped(big, 9000, hint, sizeof(big), &d, &n), 0);
                assert_int_equal(n, 9000);
                assert_memory_equal(d, big, 9000);
                assert_int_equal(d[9000], 0);
                free(d);
        }
        assert_int_equal(read_piped(big, 9000, 1, 8193, &d, &n), 1);
        assert_int_equal(n, 8193);
        free(d);
        /* A descriptor that cannot be read: -errno, the outputs untouched. */
        d = (char *) "untouched";
        n = 7;
        assert_int_equal(read_fd_upto(-1, 0, 10, &d, &n), -EBADF);
        assert_string_equal(d, "untouched");
        assert_int_equal(n, 7);
}

static void test_errno_name(void **state _unused_) {
        assert_string_equal(errno_name(-EFBIG), "file too large");
        assert_string_equal(errno_name(EFBIG), "file too large");
        assert_string_equal(errno_name(-EBADFD), "not a regular file");
        assert_string_equal(errno_name(-EISDIR), "is a directory");
        assert_string_equal(errno_name(-ELOOP), "too many levels of symbolic links");
        assert_string_equal(errno_name(-ENOENT), strerror(ENOENT));
}

/* ---------------------------------------------------------------------------------------- */
/* rule_path_ok                                                                              */

static void test_rule_path_ok(void **state _unused_) {
        _cleanup_free_ char *max_ok = long_path(PATH_MAX - 1), *too_long = long_path(PATH_MAX),
                            *way_too_long = long_path(PATH_MAX + 10), *del = xasprintf("/a%cb", 0x7f),
                            *high = xasprintf("/caf%c%c", 0xc3, 0xa9);

        assert_true(rule_path_ok("/"));
        assert_true(rule_path_ok("/var/lib/docker"));
        assert_true(rule_path_ok("/usr/bin/containerd-shim-runc-v2"));
        assert_true(rule_path_ok("/a.b_c-d+e:f@g,h=i~j"));
        assert_true(rule_path_ok(high));        /* UTF-8 is fine */
        /* but not what shows otherwise than it is: a raw CSI byte, U+009B, U+202E, bad UTF-8 */
        assert_false(rule_path_ok("/a\x9b" "2Jb"));
        assert_false(rule_path_ok("/a\xc2\x9b" "2Jb"));
        assert_false(rule_path_ok("/a\xe2\x80\xae" "cod.exe"));
        assert_false(rule_path_ok("/a\xff"));
        assert_true(rule_path_ok(max_ok));

        assert_false(rule_path_ok(NULL));
        assert_false(rule_path_ok(""));
        assert_false(rule_path_ok("relative/path"));
        assert_false(rule_path_ok("./x"));
        assert_false(rule_path_ok("/with space"));
        assert_false(rule_path_ok(" /leading"));
        assert_false(rule_path_ok("/trailing "));
        assert_false(rule_path_ok("/with\ttab"));
        assert_false(rule_path_ok("/with\nnewline"));
        assert_false(rule_path_ok("/with\rcr"));
        assert_false(rule_path_ok("/ctl\x01"));
        assert_false(rule_path_ok(del));
        assert_false(rule_path_ok("/quo\"te"));
        assert_false(rule_path_ok("/has#hash"));
        assert_false(rule_path_ok("/back\\slash"));
        assert_false(rule_path_ok(too_long));
        assert_false(rule_path_ok(way_too_long));
}

struct items {
        const char **keys;
};

static bool items_eq(const void *ctx, size_t i, const void *key) {
        return streq(((const struct items *) ctx)->keys[i], key);
}

/* Many keys, each found at its own index, absent ones not found, through several growths;
 * equal hashes with different keys (forced) are told apart by the owner's comparison. */
static void test_hindex(void **state _unused_) {
        enum { N = 5000 };
        struct hindex h = {};
        struct items it = { .keys = calloc(N, sizeof(char *)) };

        assert_non_null(it.keys);
        assert_int_equal(hindex_find(&h, hash_str(0, "x"), items_eq, &it, "x"), -1);
        for (size_t i = 0; i < N; i++) {
                char *k;
                assert_true(asprintf(&k, "key-%zu", i) > 0);
                it.keys[i] = k;
                assert_int_equal(hindex_add(&h, hash_str(0, k), i), 0);
        }
        for (size_t i = 0; i < N; i++)
                assert_int_equal(hindex_find(&h, hash_str(0, it.keys[i]), items_eq, &it, it.keys[i]), (long) i);
        assert_int_equal(hindex_find(&h, hash_str(0, "key-5000"), items_eq, &it, "key-5000"), -1);
        assert_true(h.n == N && h.cap >= 2 * N);
        /* The same hash for two keys: each still found by its own. */
        {
                struct hindex c = {};
                const char *two[] = { "a", "b" };
                struct items t = { .keys = two };

                assert_int_equal(hindex_add(&c, 42, 0), 0);
                assert_int_equal(hindex_add(&c, 42, 1), 0);
                assert_int_equal(hindex_find(&c, 42, items_eq, &t, "a"), 0);
                assert_int_equal(hindex_find(&c, 42, items_eq, &t, "b"), 1);
                assert_int_equal(hindex_find(&c, 42, items_eq, &t, "c"), -1);
                hindex_done(&c);
        }
        /* A hash continues over more bytes: not the hash of the parts alone. */
        assert_true(hash_str(hash_str(0, "a"), "b") != hash_str(0, "b"));
        assert_true(hash_str(0, "ab") == hash_str(0, "ab"));
        for (size_t i = 0; i < N; i++)
                free((char *) it.keys[i]);
        free(it.keys);
        hindex_done(&h);
        assert_null(h.slots);
}

/* A long vector copied at once, in order. */
static void test_strv_copy_long(void **state _unused_) {
        enum { N = 100000 };
        char **l = calloc(N + 1, sizeof(char *)), **c;

        assert_non_null(l);
        for (size_t i = 0; i < N; i++)
                assert_true(asprintf(&l[i], "%zu", i) > 0);
        c = strv_copy(l);
        assert_non_null(c);
        assert_int_equal(strv_length(c), N);
        assert_string_equal(c[0], "0");
        assert_string_equal(c[N - 1], "99999");
        assert_int_equal(strv_extend_strv(&c, l), 0);
        assert_int_equal(strv_length(c), 2 * N);
        assert_string_equal(c[N], "0");
        strv_free(c);
        strv_free(l);
}

/* ---------------------------------------------------------------------------------------- */
/* Escaping for text output                                                                  */

static void assert_escaped(const char *in, const char *want) {
        char *e = str_escape_control(in);

        assert_non_null(e);
        assert_string_equal(e, want);
        assert_int_equal(str_needs_escape(in), !streq(in, want));
        free(e);
}

static void test_escape_control(void **state _unused_) {
        /* Plain text, backslashes and valid UTF-8 stay. */
        assert_escaped("", "");
        assert_escaped("/var/lib/docker", "/var/lib/docker");
        assert_escaped("docker\\x2dcluster.service", "docker\\x2dcluster.service");
        assert_escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3");
        /* C0 controls and DEL: ESC [2J clears a screen, CR overwrites a line, LF makes one. */
        assert_escaped("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H");
        assert_escaped("a\nb\rc\td\x7f" "e\x01", "a\\x0ab\\x0dc\\x09d\\x7f" "e\\x01");
        /* C1 controls, raw (0x9b is CSI in 8-bit terminals) and as UTF-8 (U+009B). */
        assert_escaped("\x9b" "2J", "\\x9b" "2J");
        assert_escaped("\xc2\x9b" "2J", "\\xc2\\x9b" "2J");
        assert_escaped("\xc2\xa0", "\xc2\xa0");   /* U+00A0, the first after C1, stays */
        /* Invalid UTF-8: a lone continuation, a truncated sequence, an overlong form, a
         * surrogate, above U+10FFFF, 0xff: each byte escaped. */
        assert_escaped("\x80", "\\x80");
        assert_escaped("\xe2\x82", "\\xe2\\x82");
        assert_escaped("\xe2\x82x", "\\xe2\\x82x");
        assert_escaped("\xc0\xaf", "\\xc0\\xaf");
        assert_escaped("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
        assert_escaped("\xed\xa0\x80", "\\xed\\xa0\\x80");
        assert_escaped("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
        assert_escaped("\xff", "\\xff");
        /* Bidirectional controls and the line and paragraph separators, each byte escaped;
         * their neighbours stay. */
        assert_escaped("\xd8\x9c", "\\xd8\\x9c");                   /* U+061C */
        assert_escaped("\xe2\x80\x8e", "\\xe2\\x80\\x8e");         /* U+200E */
        assert_escaped("\xe2\x80\x8f", "\\xe2\\x80\\x8f");         /* U+200F */
        assert_escaped("\xe2\x80\xa8", "\\xe2\\x80\\xa8");         /* U+2028 */
        assert_escaped("\xe2\x80\xa9", "\\xe2\\x80\\xa9");         /* U+2029 */
        assert_escaped("\xe2\x80\xaa", "\\xe2\\x80\\xaa");         /* U+202A */
        assert_escaped("\xe2\x81\xa6", "\\xe2\\x81\\xa6");         /* U+2066 */
        assert_escaped("\xe2\x81\xa9", "\\xe2\\x81\\xa9");         /* U+2069 */
        assert_escaped("\xd8\x9b\xe2\x80\x8d\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
                       "\xd8\x9b\xe2\x80\x8d\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa");
        /* C1's bounds: U+009F escaped, U+007E stays. */
        assert_escaped("\xc2\x9f~", "\\xc2\\x9f~");
        assert_false(str_needs_escape(NULL));
}

/* utf8_decode() of the whole of s: its length or -EILSEQ, and the code point. */
static int decode(const char *s, uint32_t *ret_cp) {
        return utf8_decode(s, strlen(s), ret_cp);
}

static void assert_decodes(const char *s, int len, uint32_t want) {
        uint32_t cp = 0xffffffff;

        assert_int_equal(decode(s, &cp), len);
        assert_int_equal(cp, want);
}

static void assert_invalid(const char *s) {
        uint32_t cp = 0x12345;

        assert_int_equal(decode(s, &cp), -EILSEQ);
        assert_int_equal(cp, 0x12345);         /* untouched */
}

static void test_utf8_decode(void **state _unused_) {
        uint32_t cp;

        /* Each length at its bounds; only the first code point counts. */
        assert_decodes("a", 1, 'a');
        assert_decodes("\x7f", 1, 0x7f);
        assert_decodes("\xc2\x80", 2, 0x80);
        assert_decodes("\xdf\xbf", 2, 0x7ff);
        assert_decodes("\xe0\xa0\x80", 3, 0x800);
        assert_decodes("\xe2\x82\xac" "x", 3, 0x20ac);
        assert_decodes("\xef\xbf\xbf", 3, 0xffff);
        assert_decodes("\xf0\x90\x80\x80", 4, 0x10000);
        assert_decodes("\xf0\x9f\x90\xb3", 4, 0x1f433);
        assert_decodes("\xf4\x8f\xbf\xbf", 4, 0x10ffff);
        /* Controls are code points like any other: C0, C1 (U+009B) and bidi (U+202E, U+2066). */
        assert_decodes("\x1b", 1, 0x1b);
        assert_decodes("\xc2\x9b", 2, 0x9b);
        assert_decodes("\xe2\x80\xae", 3, 0x202e);
        assert_decodes("\xe2\x81\xa6", 3, 0x2066);
        /* Surrogates around their bounds. */
        assert_decodes("\xed\x9f\xbf", 3, 0xd7ff);
        assert_invalid("\xed\xa0\x80");
        assert_invalid("\xed\xbf\xbf");
        assert_decodes("\xee\x80\x80", 3, 0xe000);
        /* Overlong forms of '/', U+07FF and U+FFFF. */
        assert_invalid("\xc0\xaf");
        assert_invalid("\xc1\xbf");
        assert_invalid("\xe0\x80\xaf");
        assert_invalid("\xe0\x9f\xbf");
        assert_invalid("\xf0\x8f\xbf\xbf");
        /* Above U+10FFFF, and lead bytes that never start a sequence. */
        assert_invalid("\xf4\x90\x80\x80");
        assert_invalid("\xf5\x80\x80\x80");
        assert_invalid("\xf8\x88\x80\x80\x80");
        assert_invalid("\xff");
        assert_invalid("\x80");
        assert_invalid("\xbf\x80");
        /* Truncated: by the string's end, by a byte that is no continuation, by n. */
        assert_invalid("\xc2");
        assert_invalid("\xe2\x82");
        assert_invalid("\xf0\x9f\x90");
        assert_invalid("\xe2\x82x");
        assert_invalid("\xc2" "a");
        assert_int_equal(utf8_decode("\xe2\x82\xac", 2, &cp), -EILSEQ);
        assert_int_equal(utf8_decode("\xf0\x9f\x90\xb3", 3, &cp), -EILSEQ);
        assert_int_equal(utf8_decode("a", 0, &cp), -EILSEQ);
        /* A NUL inside the bounds ends a sequence; alone it is U+0000. */
        assert_int_equal(utf8_decode("\xc2\0", 2, &cp), -EILSEQ);
        assert_int_equal(utf8_decode("\0", 1, &cp), 1);
        assert_int_equal(cp, 0);
        /* ret_cp may be NULL. */
        assert_int_equal(utf8_decode("\xc3\xa9", 2, NULL), 2);
        /* A whole string: every code point, to its very end. */
        assert_true(utf8_valid("", 0));
        assert_true(utf8_valid("caf\xc3\xa9 \xf0\x9f\x90\xb3\x1b", 11));
        assert_true(utf8_valid("a\0b", 3));
        assert_false(utf8_valid("caf\xc3\xa9", 4));
        assert_false(utf8_valid("a\xed\xa0\x80", 4));
        assert_false(utf8_valid("\xc0\xaf", 2));
}

static void test_utf8_encode(void **state _unused_) {
        static const uint32_t cps[] = { 0, 'a', 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x20ac, 0xd7ff, 0xe000,
                                        0xfffd, 0xffff, 0x10000, 0x1f433, 0x10ffff };
        static const size_t lens[] = { 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4 };
        char out[4];
        uint32_t cp;

        assert_int_equal(utf8_encode(0x20ac, out), 3);
        assert_memory_equal(out, "\xe2\x82\xac", 3);
        assert_int_equal(utf8_encode(0x1f433, out), 4);
        assert_memory_equal(out, "\xf0\x9f\x90\xb3", 4);
        /* Every length at its bounds, and back through utf8_decode(). */
        for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
                size_t n = utf8_encode(cps[i], out);

                assert_int_equal(n, lens[i]);
                assert_int_equal(utf8_decode(out, n, &cp), (int) n);
                assert_int_equal(cp, cps[i]);
        }
        /* Hex digits. */
        assert_int_equal(unhexchar('0'), 0);
        assert_int_equal(unhexchar('9'), 9);
        assert_int_equal(unhexchar('a'), 10);
        assert_int_equal(unhexchar('F'), 15);
        assert_int_equal(unhexchar('g'), -EINVAL);
        assert_int_equal(unhexchar('/'), -EINVAL);
        assert_int_equal(unhexchar(0), -EINVAL);
}

static void assert_quoted(const char *in, const char *want) {
        char *q = shell_quote(in);

        assert_non_null(q);
        assert_string_equal(q, want);
        free(q);
}

static void test_shell_quote(void **state _unused_) {
        /* A path of plain characters stays as it is. */
        assert_quoted("/etc/default/docker", "/etc/default/docker");
        assert_quoted("/var/snap/microk8s/x1/args/containerd-env", "/var/snap/microk8s/x1/args/containerd-env");
        assert_quoted("/nix/store/abc-docker-24.0.5/x:y,z+a@b%2=1", "/nix/store/abc-docker-24.0.5/x:y,z+a@b%2=1");
        /* Anything a shell reads otherwise: in single quotes, a quote closed, escaped, reopened. */
        assert_quoted("", "''");
        assert_quoted("/srv/my docker", "'/srv/my docker'");
        assert_quoted("/srv/$HOME/`id`;rm", "'/srv/$HOME/`id`;rm'");
        assert_quoted("/srv/it's", "'/srv/it'\\''s'");
        assert_quoted("/srv/*?[a]~!#&|<>(){}\\\"", "'/srv/*?[a]~!#&|<>(){}\\\"'");
        assert_quoted("/srv/caf\xc3\xa9", "'/srv/caf\xc3\xa9'");
        assert_quoted("/srv/a\nb", "'/srv/a\nb'");
}

static char *printed(int (*print)(FILE *f, const char *s), const char *s) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        assert_non_null(f);
        assert_true(print(f, s) >= 0);
        assert_int_equal(fclose(f), 0);
        return buf;
}

static int print_fputs(FILE *f, const char *s) {
        return fputs_escaped(s, f);
}

static int print_line(FILE *f, const char *s) {
        return fprintf_escaped(f, "problem: %s: %d\n", s, 3);
}

static int print_no_newline(FILE *f, const char *s) {
        return fprintf_escaped(f, "[%s]", s);
}

static void test_print_escaped(void **state _unused_) {
        char *p;

        p = printed(print_fputs, "x\x1b]0;title\x07y");
        assert_string_equal(p, "x\\x1b]0;title\\x07y");
        free(p);
        /* A line: only the final newline stays a newline. */
        p = printed(print_line, "/etc/docker/daemon.json\nproblem: all is well");
        assert_string_equal(p, "problem: /etc/docker/daemon.json\\x0aproblem: all is well: 3\n");
        free(p);
        p = printed(print_line, "plain");
        assert_string_equal(p, "problem: plain: 3\n");
        free(p);
        p = printed(print_no_newline, "a\n");
        assert_string_equal(p, "[a\\x0a]");
        free(p);
        p = printed(print_no_newline, "");
        assert_string_equal(p, "[]");
        free(p);
}

/* JSON text keeps valid UTF-8 and escapes every other byte as U+FFFD. */
static void test_fputs_json(void **state _unused_) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        /* text output escapes a bidirectional override */
        assert_true(str_needs_escape("/a\xe2\x80\xae" "b"));
        assert_false(str_needs_escape("/caf\xc3\xa9"));
        assert_non_null(f);
        assert_int_equal(fputs_json("{\"p\": \"/caf\xc3\xa9/\x9b/\xe2\x80\xae/\xff\"}", f), 0);
        assert_int_equal(fclose(f), 0);
        assert_string_equal(buf, "{\"p\": \"/caf\xc3\xa9/\\ufffd/\xe2\x80\xae/\\ufffd\"}");
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_startswith_endswith),
                cmocka_unit_test(test_normalize_root),
                cmocka_unit_test(test_normalize_components),
                cmocka_unit_test(test_normalize_rejects),
                cmocka_unit_test(test_path_parent),
                cmocka_unit_test(test_path_basename),
                cmocka_unit_test(test_path_startswith_dir),
                cmocka_unit_test(test_path_join),
                cmocka_unit_test(test_strv_basic),
                cmocka_unit_test(test_strv_extend_copy),
                cmocka_unit_test(test_read_regular),
                cmocka_unit_test(test_read_embedded_nul),
                cmocka_unit_test(test_read_errors),
                cmocka_unit_test(test_read_size_cap),
                cmocka_unit_test(test_read_fd_upto),
                cmocka_unit_test(test_errno_name),
                cmocka_unit_test(test_rule_path_ok),
                cmocka_unit_test(test_fputs_json),
                cmocka_unit_test(test_hindex),
                cmocka_unit_test(test_strv_copy_long),
                cmocka_unit_test(test_escape_control),
                cmocka_unit_test(test_utf8_decode),
                cmocka_unit_test(test_shell_quote),
                cmocka_unit_test(test_utf8_encode),
                cmocka_unit_test(test_print_escaped),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
