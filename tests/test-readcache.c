/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The read record: what is served from it (counted by readcache_stats), what is read again,
 * and which records are not trusted. Runs as any user, in a temporary directory. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "readcache.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static char dir[] = "/tmp/dar-readcache.XXXXXX";
static char *record, *conf, *link_path, *sub;

static void put(const char *path, const char *text) {
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        assert_true(fputs(text, f) >= 0);
        assert_int_equal(fclose(f), 0);
}

static int setup(void **state _unused_) {
        assert_non_null(mkdtemp(dir));
        assert_true(asprintf(&record, "%s/cache/reads", dir) > 0);
        assert_true(asprintf(&conf, "%s/daemon.json", dir) > 0);
        assert_true(asprintf(&link_path, "%s/link", dir) > 0);
        assert_true(asprintf(&sub, "%s/sub", dir) > 0);
        put(conf, "{ \"a\": 1 }\n");
        assert_int_equal(symlink("daemon.json", link_path), 0);
        assert_int_equal(mkdir(sub, 0755), 0);
        {
                _cleanup_free_ char *f = path_join(sub, "x.conf");
                put(f, "x\n");
        }
        /* Entries changed within READCACHE_RACY_NS of their reading are not kept. */
        sleep(3);
        return 0;
}

static int teardown(void **state _unused_) {
        _cleanup_free_ char *cmd = NULL;
        assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
        assert_int_equal(system(cmd), 0);
        free(record);
        free(conf);
        free(link_path);
        free(sub);
        return 0;
}

/* One pass as a run makes it: enable, read the file, the link and the directory, save.
 * Returns the hits. */
static unsigned pass(const char *expect_content) {
        _cleanup_free_ char *data = NULL;
        _cleanup_strv_free_ char **names = NULL;
        char target[256];
        struct stat st;
        unsigned hits, misses;
        size_t len = 0;

        assert_int_equal(readcache_enable(record), 0);
        assert_true(readcache_enabled());
        assert_int_equal(readcache_read_file(conf, &data, &len), 0);
        assert_string_equal(data, expect_content);
        assert_int_equal(len, strlen(expect_content));
        assert_int_equal(lstat(link_path, &st), 0);
        assert_int_equal(readcache_readlink(link_path, &st, target, sizeof(target)), (int) strlen("daemon.json"));
        assert_string_equal(target, "daemon.json");
        assert_int_equal(readcache_list_dir(sub, &names), 0);
        assert_int_equal(strv_length(names), 1);
        assert_string_equal(names[0], "x.conf");
        readcache_stats(&hits, &misses);
        assert_int_equal(hits + misses, 3);
        assert_true(readcache_save_and_disable() >= 0);
        assert_false(readcache_enabled());
        return hits;
}

static void test_cache(void **state _unused_) {
        struct stat st;

        /* No record: everything is read, and the record is written, 0600 in a 0700 directory. */
        assert_int_equal(pass("{ \"a\": 1 }\n"), 0);
        assert_int_equal(stat(record, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        {
                _cleanup_free_ char *d = path_parent(record);
                assert_int_equal(stat(d, &st), 0);
                assert_int_equal(st.st_mode & 07777, 0700);
        }
        /* Nothing changed: everything from the record, and the record is not rewritten. */
        assert_int_equal(pass("{ \"a\": 1 }\n"), 3);

        /* Same size, new content: read again. */
        put(conf, "{ \"a\": 2 }\n");
        assert_int_equal(pass("{ \"a\": 2 }\n"), 2);

        /* It changed just now: not kept until it aged (a second change in the same tick). */
        assert_int_equal(pass("{ \"a\": 2 }\n"), 2);
        sleep(3);
        assert_int_equal(pass("{ \"a\": 2 }\n"), 2);
        assert_int_equal(pass("{ \"a\": 2 }\n"), 3);

        /* A damaged record (one byte of the body) is ignored whole. */
        {
                int fd = open(record, O_RDWR | O_CLOEXEC);
                char c;
                assert_true(fd >= 0);
                assert_int_equal(pread(fd, &c, 1, 80), 1);
                c ^= 1;
                assert_int_equal(pwrite(fd, &c, 1, 80), 1);
                close(fd);
        }
        assert_int_equal(pass("{ \"a\": 2 }\n"), 0);
        assert_int_equal(pass("{ \"a\": 2 }\n"), 3);

        /* Readable by others: not trusted. */
        assert_int_equal(chmod(record, 0644), 0);
        assert_int_equal(pass("{ \"a\": 2 }\n"), 0);
        assert_int_equal(pass("{ \"a\": 2 }\n"), 3);

        /* A file added to the directory: its listing is made again. */
        {
                _cleanup_free_ char *f = path_join(sub, "y.conf");
                _cleanup_strv_free_ char **names = NULL;
                put(f, "y\n");
                assert_int_equal(readcache_enable(record), 0);
                assert_int_equal(readcache_list_dir(sub, &names), 0);
                assert_int_equal(strv_length(names), 2);
                assert_true(readcache_save_and_disable() >= 0);
        }
}

static int cmp_names(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

/* The data stays in the record file, read when used: a record cut short after it was loaded
 * (by hand; the tool only ever replaces it whole) costs a read of the real file, never wrong
 * data. */
static void test_record_cut_after_load(void **state _unused_) {
        _cleanup_free_ char *data = NULL, *again = NULL;
        unsigned hits, misses;

        /* a record that serves the file */
        assert_int_equal(readcache_enable(record), 0);
        assert_int_equal(readcache_read_file(conf, &data, NULL), 0);
        assert_true(readcache_save_and_disable() >= 0);
        assert_int_equal(readcache_enable(record), 0);
        assert_int_equal(readcache_read_file(conf, &again, NULL), 0);
        readcache_stats(&hits, &misses);
        assert_int_equal(hits, 1);
        assert_true(readcache_save_and_disable() >= 0);
        free(again);
        again = NULL;

        /* loaded, then cut short under it */
        assert_int_equal(readcache_enable(record), 0);
        assert_int_equal(truncate(record, 64), 0);
        assert_int_equal(readcache_read_file(conf, &again, NULL), 0);
        assert_string_equal(again, data);
        readcache_stats(&hits, &misses);
        assert_int_equal(hits, 0);
        assert_int_equal(misses, 1);
        assert_true(readcache_save_and_disable() >= 0);
}

/* A directory of thousands of names, listed and then served from the record, whole. */
static void test_big_directory(void **state _unused_) {
        _cleanup_free_ char *big = path_join(dir, "big");
        enum { N = 3000 };
        unsigned hits, misses;

        assert_int_equal(mkdir(big, 0755), 0);
        for (int i = 0; i < N; i++) {
                _cleanup_free_ char *f = NULL;
                assert_true(asprintf(&f, "%s/name-%04d", big, i) > 0);
                put(f, "");
        }
        sleep(3); /* not kept while racy */
        for (int round = 0; round < 2; round++) {
                _cleanup_strv_free_ char **names = NULL;

                assert_int_equal(readcache_enable(record), 0);
                assert_int_equal(readcache_list_dir(big, &names), 0);
                assert_int_equal(strv_length(names), N);
                qsort(names, N, sizeof(char *), cmp_names);
                assert_string_equal(names[0], "name-0000");
                assert_string_equal(names[N - 1], "name-2999");
                readcache_stats(&hits, &misses);
                assert_int_equal(hits, round == 1);
                assert_true(readcache_save_and_disable() >= 0);
        }
}

/* Disabled, it reads as the plain calls do. */
static void test_disabled(void **state _unused_) {
        _cleanup_free_ char *data = NULL, *none = NULL;
        unsigned hits = 7, misses = 7;

        assert_false(readcache_enabled());
        assert_int_equal(readcache_read_file(conf, &data, NULL), 0);
        assert_int_equal(readcache_read_file(sub, &none, NULL), -EISDIR);
        readcache_stats(&hits, &misses);
        assert_int_equal(hits, 0);
        assert_int_equal(misses, 0);
        assert_int_equal(readcache_save_and_disable(), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cache),
                cmocka_unit_test(test_record_cut_after_load),
                cmocka_unit_test(test_big_directory),
                cmocka_unit_test(test_disabled),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
