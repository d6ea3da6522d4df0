/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The read record: what is served from it (counted by readcache_stats), what is read again,
 * and which records are not trusted. Runs as any user, in a temporary directory. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "readcache.h"
#include "testlib.h"
#include "util.h"

#define _unused_ __attribute__((unused))

static char dir[] = "/tmp/dar-readcache.XXXXXX";
static char *record, *conf, *link_path, *sub, *secret600, *secret640, *public644, *sparse, *many;

/* 1,000 sparse files of 1 MiB each: 1 GB, were it copied. */
#define SPARSE_FILES 1000
/* More small files than the record keeps entries. */
#define MANY_FILES (READCACHE_MAX_ENTRIES + 500)

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
        /* Files only their owner, or a group, may read, and one anyone may read. */
        assert_true(asprintf(&secret600, "%s/secret600", dir) > 0);
        assert_true(asprintf(&secret640, "%s/secret640", dir) > 0);
        assert_true(asprintf(&public644, "%s/public644", dir) > 0);
        put(secret600, "root:MARKER-SECRET-0600:19000:0:99999:7:::\n");
        put(secret640, "root:MARKER-SECRET-0640:19000:0:99999:7:::\n");
        put(public644, "MARKER-PUBLIC-0644\n");
        assert_int_equal(chmod(secret600, 0600), 0);
        assert_int_equal(chmod(secret640, 0640), 0);
        assert_int_equal(chmod(public644, 0644), 0);
        assert_true(asprintf(&sparse, "%s/sparse", dir) > 0);
        assert_int_equal(mkdir(sparse, 0755), 0);
        for (int i = 0; i < SPARSE_FILES; i++) {
                _cleanup_free_ char *f = NULL;
                int fd;
                assert_true(asprintf(&f, "%s/%04d.json", sparse, i) > 0);
                fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                assert_true(fd >= 0);
                assert_int_equal(ftruncate(fd, INPUT_MAX), 0);
                close(fd);
        }
        assert_true(asprintf(&many, "%s/many", dir) > 0);
        assert_int_equal(mkdir(many, 0755), 0);
        for (unsigned i = 0; i < MANY_FILES; i++) {
                _cleanup_free_ char *f = NULL;
                assert_true(asprintf(&f, "%s/%05u", many, i) > 0);
                put(f, "x");
                assert_int_equal(chmod(f, 0644), 0);
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
        free(secret600);
        free(secret640);
        free(public644);
        free(sparse);
        free(many);
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

static char *slurp(const char *path, size_t *ret_len) {
        char *data = NULL;
        FILE *f = fopen(path, "re");
        size_t cap = 0, n = 0;

        assert_non_null(f);
        for (;;) {
                if (n + 4096 + 1 > cap) {
                        cap = (n + 4096 + 1) * 2;
                        data = realloc(data, cap);
                        assert_non_null(data);
                }
                size_t k = fread(data + n, 1, 4096, f);
                n += k;
                if (k == 0)
                        break;
        }
        fclose(f);
        data[n] = 0;
        *ret_len = n;
        return data;
}

static bool record_holds(const char *needle) {
        size_t len;
        _cleanup_free_ char *data = slurp(record, &len);
        return memmem(data, len, needle, strlen(needle)) != NULL;
}

/* A file that others may not read (/etc/shadow is 0640) is read, and read again every time, but
 * never copied into the record: the record is no second place where a secret lies at rest. */
static void test_secrets_not_kept(void **state _unused_) {
        unsigned hits, misses;

        for (int round = 0; round < 2; round++) {
                _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;

                assert_int_equal(readcache_enable(record), 0);
                assert_int_equal(readcache_read_file(secret600, &a, NULL), 0);
                assert_non_null(strstr(a, "MARKER-SECRET-0600"));
                assert_int_equal(readcache_read_file(secret640, &b, NULL), 0);
                assert_non_null(strstr(b, "MARKER-SECRET-0640"));
                assert_int_equal(readcache_read_file(public644, &c, NULL), 0);
                assert_string_equal(c, "MARKER-PUBLIC-0644\n");
                readcache_stats(&hits, &misses);
                /* the second time, only the file anyone may read comes from the record */
                assert_int_equal(hits, round == 1 ? 1 : 0);
                assert_true(readcache_save_and_disable() >= 0);
                assert_false(record_holds("MARKER-SECRET-0600"));
                assert_false(record_holds("MARKER-SECRET-0640"));
                assert_true(record_holds("MARKER-PUBLIC-0644"));
        }
}

static uint64_t fnv1a(const char *p, size_t n) {
        uint64_t h = UINT64_C(14695981039346656037);
        for (size_t i = 0; i < n; i++) {
                h ^= (unsigned char) p[i];
                h *= UINT64_C(1099511628211);
        }
        return h;
}

/* A record written by an older version, which copied anything it read, holds a copy of a file
 * others may not read: that entry is neither served nor written back. */
static void test_old_record_secret_dropped(void **state _unused_) {
        _cleanup_free_ char *body = NULL, *data = NULL;
        struct stat st;
        unsigned hits, misses;
        FILE *f;
        int n;

        assert_int_equal(lstat(secret600, &st), 0);
        n = asprintf(&body, "F %llu %llu %o %llu %lld.%09ld %lld.%09ld %zu %zu\n%sFORGED-COPY\n",
                     (unsigned long long) st.st_dev, (unsigned long long) st.st_ino, (unsigned) st.st_mode,
                     (unsigned long long) st.st_size, (long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                     (long long) st.st_ctim.tv_sec, st.st_ctim.tv_nsec, strlen(secret600),
                     strlen("FORGED-COPY"), secret600);
        assert_true(n > 0);
        f = fopen(record, "we");
        assert_non_null(f);
        fprintf(f, "docker-audit-rules-reads 1 %016llx %d\n%s", (unsigned long long) fnv1a(body, (size_t) n), n,
                body);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(chmod(record, 0600), 0);

        assert_int_equal(readcache_enable(record), 0);
        assert_int_equal(readcache_read_file(secret600, &data, NULL), 0);
        assert_non_null(strstr(data, "MARKER-SECRET-0600"));
        readcache_stats(&hits, &misses);
        assert_int_equal(hits, 0);
        assert_int_equal(readcache_save_and_disable(), 1);
        assert_false(record_holds("FORGED-COPY"));
        assert_false(record_holds(secret600));
}

/* Runs fn in a child and returns the largest peak resident memory of the children waited for so
 * far, in KiB (getrusage(2)'s ru_maxrss of RUSAGE_CHILDREN). */
static long child_max_rss_kib(void (*fn)(void)) {
        struct rusage ru;
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                fn();
                _exit(0);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
        return ru.ru_maxrss;
}

static void nothing(void) {
}

static void read_sparse(void) {
        if (readcache_enable(record) < 0)
                _exit(1);
        for (int i = 0; i < SPARSE_FILES; i++) {
                _cleanup_free_ char *f = NULL, *data = NULL;
                size_t len = 0;
                if (asprintf(&f, "%s/%04d.json", sparse, i) < 0 || readcache_read_file(f, &data, &len) < 0 ||
                    len != INPUT_MAX)
                        _exit(2);
        }
        if (readcache_save_and_disable() < 0)
                _exit(3);
}

/* 1,000 files of 1 MiB (sparse: a user makes them in a moment): the record keeps at most
 * READCACHE_MAX_BYTES of them, and a run's memory does not grow with what it read (it did: 3.2
 * GB for this). */
static void test_bytes_capped(void **state _unused_) {
        struct stat st;
        long base, kib;
        unsigned hits = 0, misses = 0;

        /* What a child costs before it reads anything (more under valgrind): the reads may add
         * a few times READCACHE_MAX_BYTES, not what they read. */
        base = child_max_rss_kib(nothing);
        kib = child_max_rss_kib(read_sparse);
        print_message("peak memory reading %d files of 1 MiB through the record: %ld KiB (a child that reads "
                      "nothing: %ld KiB)\n", SPARSE_FILES, kib, base);
        assert_true(!RSS_MEASURED || kib - base < 64 * 1024);
        assert_int_equal(stat(record, &st), 0);
        print_message("record: %lld bytes\n", (long long) st.st_size);
        assert_true((size_t) st.st_size <= READCACHE_MAX_BYTES + 64 * 1024);

        /* a second run is served what was kept, and reads the rest */
        kib = child_max_rss_kib(read_sparse);
        assert_true(!RSS_MEASURED || kib - base < 64 * 1024);
        assert_int_equal(readcache_enable(record), 0);
        for (int i = 0; i < SPARSE_FILES; i++) {
                _cleanup_free_ char *f = NULL, *data = NULL;
                assert_true(asprintf(&f, "%s/%04d.json", sparse, i) > 0);
                assert_int_equal(readcache_read_file(f, &data, NULL), 0);
        }
        readcache_stats(&hits, &misses);
        assert_true(hits >= 1 && hits <= READCACHE_MAX_BYTES / INPUT_MAX);
        assert_int_equal(hits + misses, SPARSE_FILES);
        assert_true(readcache_save_and_disable() >= 0);
}

/* The child's own peak, KiB (a child starts at what its parent had when it forked). */
static long self_max_rss_kib(void) {
        struct rusage ru;

        if (getrusage(RUSAGE_SELF, &ru) < 0)
                _exit(4);
        return ru.ru_maxrss;
}

static void load_only(void) {
        long before = self_max_rss_kib(), grown;

        if (readcache_enable(record) < 0)
                _exit(1);
        grown = self_max_rss_kib() - before;
        print_message("peak memory loading the record: %ld KiB more\n", grown);
        if (RSS_MEASURED && grown >= 1024)
                _exit(2);
}

/* Loading a record of READCACHE_MAX_BYTES (what test_bytes_capped() left) costs its index, not
 * its size: it is read as a stream, never mapped or read whole (it cost the whole record: 8 MiB). */
static void test_load_costs_the_index(void **state _unused_) {
        struct stat st;

        assert_int_equal(stat(record, &st), 0);
        print_message("record: %lld bytes\n", (long long) st.st_size);
        assert_true((size_t) st.st_size >= READCACHE_MAX_BYTES - INPUT_MAX);
        (void) child_max_rss_kib(load_only);
}

/* More files than READCACHE_MAX_ENTRIES: the rest are read every time, not kept. */
static void test_entries_capped(void **state _unused_) {
        /* Loaded entries count too: start from no record, not from the last test's full one. */
        assert_int_equal(unlink(record), 0);
        for (int round = 0; round < 2; round++) {
                unsigned hits, misses;

                assert_int_equal(readcache_enable(record), 0);
                for (unsigned i = 0; i < MANY_FILES; i++) {
                        _cleanup_free_ char *f = NULL, *data = NULL;
                        assert_true(asprintf(&f, "%s/%05u", many, i) > 0);
                        assert_int_equal(readcache_read_file(f, &data, NULL), 0);
                        assert_string_equal(data, "x");
                }
                readcache_stats(&hits, &misses);
                assert_int_equal(hits + misses, MANY_FILES);
                if (round == 1)
                        assert_int_equal(hits, READCACHE_MAX_ENTRIES);
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

/* A run killed while saving leaves its temporary record; the next save removes it once it is a
 * minute old, and leaves a fresh one (a run saving now) alone. */
static void test_leftovers_removed(void **state _unused_) {
        _cleanup_free_ char *old = NULL, *fresh = NULL, *data = NULL;
        struct timespec ts[2] = { { .tv_sec = time(NULL) - 3600 }, { .tv_sec = time(NULL) - 3600 } };
        int fd;

        assert_true(asprintf(&old, "%s.Ab12Cd", record) > 0);
        assert_true(asprintf(&fresh, "%s.Ef34Gh", record) > 0);
        (void) unlink(record);
        assert_true((fd = open(old, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0);
        close(fd);
        assert_int_equal(utimensat(AT_FDCWD, old, ts, 0), 0);
        assert_true((fd = open(fresh, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0);
        close(fd);
        assert_int_equal(readcache_enable(record), 0);
        assert_int_equal(readcache_read_file(conf, &data, NULL), 0);
        assert_int_equal(readcache_save_and_disable(), 1);
        assert_int_equal(access(old, F_OK), -1);
        assert_int_equal(access(fresh, F_OK), 0);
        assert_int_equal(unlink(fresh), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cache),
                cmocka_unit_test(test_leftovers_removed),
                cmocka_unit_test(test_record_cut_after_load),
                cmocka_unit_test(test_big_directory),
                cmocka_unit_test(test_disabled),
                cmocka_unit_test(test_secrets_not_kept),
                cmocka_unit_test(test_old_record_secret_dropped),
                cmocka_unit_test(test_bytes_capped),
                cmocka_unit_test(test_load_costs_the_index),
                cmocka_unit_test(test_entries_capped),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
