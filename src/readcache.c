/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "readcache.h"
#include "statmemo.h"
#include "util.h"

#define MAGIC "docker-audit-rules-reads"
#define FORMAT_VERSION 1
/* The largest record the caps allow: every entry's line, path and data. */
#define FILE_MAX ((size_t) READCACHE_MAX_BYTES + (size_t) READCACHE_MAX_ENTRIES * (PATH_MAX + 128))

enum entry_type {
        ENTRY_FILE = 'F',
        ENTRY_LINK = 'L',
        ENTRY_DIR = 'D',      /* data: the names, each followed by a NUL */
};

struct entry {
        char type;
        char *path;
        struct stat st;       /* only dev, ino, mode, size, mtim and ctim are kept */
        char *data;           /* NUL-terminated; NULL: len bytes at off in cache.fd */
        off_t off;
        size_t len;
        bool used;
};

static struct {
        bool enabled;
        bool dirty;           /* differs from the file: an entry added, or one left unused */
        char *file;
        int fd;               /* the file loaded, kept open: entries' data is read from it when
                               * used, so that the cache costs memory for its index only */
        struct entry *entries;
        size_t n;
        size_t bytes;         /* the data of every entry held, loaded and new: at most
                               * READCACHE_MAX_BYTES */
        unsigned hits, misses;
} cache = { .fd = -1 };

static void entry_done(struct entry *e) {
        free(e->path);
        free(e->data);
}

/* The entry's data, NUL-terminated, in a new buffer; NULL when out of memory or when the file
 * cannot be read back (the caller then reads the real path). */
static char *entry_copy(const struct entry *e) {
        char *d = malloc(e->len + 1);
        size_t n = 0;

        if (!d)
                return NULL;
        if (e->data)
                memcpy(d, e->data, e->len);
        else
                while (n < e->len) {
                        ssize_t k = pread(cache.fd, d + n, e->len - n, e->off + (off_t) n);
                        if (k <= 0) {
                                free(d);
                                return NULL;
                        }
                        n += (size_t) k;
                }
        d[e->len] = 0;
        return d;
}

#define FNV1A_INIT UINT64_C(14695981039346656037)

static uint64_t fnv1a(uint64_t h, const char *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                h ^= (unsigned char) p[i];
                h *= UINT64_C(1099511628211);
        }
        return h;
}

static bool same_stat(const struct stat *a, const struct stat *b) {
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_mode == b->st_mode &&
               a->st_size == b->st_size &&
               a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
               a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static long long ts_ns(const struct timespec *t) {
        return (long long) t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* Changed so recently that a second change within the same time-stamp tick could go unseen. */
static bool racy(const struct stat *st) {
        struct timespec now;
        long long m = ts_ns(&st->st_mtim), c = ts_ns(&st->st_ctim);

        if (clock_gettime(CLOCK_REALTIME, &now) < 0)
                return true;
        return ts_ns(&now) - (m > c ? m : c) < READCACHE_RACY_NS;
}

static struct entry *lookup(char type, const char *path, const struct stat *st) {
        for (size_t i = 0; i < cache.n; i++) {
                struct entry *e = &cache.entries[i];
                if (e->type == type && streq(e->path, path) && same_stat(&e->st, st)) {
                        e->used = true;
                        return e;
                }
        }
        return NULL;
}

/* Whether an entry of this type, path and mode may be in the record at all. Kernel files change
 * their content without a new time stamp. A file or directory that others may not read is not
 * copied to the disk: the record would be one more place where a secret (/etc/shadow, a key)
 * lies at rest. */
static bool keepable(char type, const char *path, mode_t mode) {
        if (path_startswith_dir(path, "/proc") || path_startswith_dir(path, "/sys") ||
            path_startswith_dir(path, "/dev"))
                return false;
        switch (type) {
        case ENTRY_FILE:
                return S_ISREG(mode) && (mode & S_IROTH);
        case ENTRY_DIR:
                return S_ISDIR(mode) && (mode & S_IROTH);
        case ENTRY_LINK:
                return S_ISLNK(mode);
        default:
                return false;
        }
}

static struct entry *find(char type, const char *path) {
        for (size_t i = 0; i < cache.n; i++)
                if (cache.entries[i].type == type && streq(cache.entries[i].path, path))
                        return &cache.entries[i];
        return NULL;
}

/* Takes nothing: copies path and data. Errors are not the caller's concern (the read worked):
 * what is not kept is read again next time. */
static void store(char type, const char *path, const struct stat *st, const char *data, size_t len) {
        struct entry e = { .type = type, .st = *st, .len = len, .used = true }, *old;
        size_t bytes;

        /* Our own user's (root's) only, never one changed too recently to tell a second change. */
        if (st->st_uid != geteuid() || !keepable(type, path, st->st_mode) || racy(st))
                return;
        /* Within the caps, counting what an older entry for the same path gives back. */
        old = find(type, path);
        bytes = cache.bytes - (old ? old->len : 0);
        if (len > READCACHE_MAX_BYTES - bytes || (!old && cache.n >= READCACHE_MAX_ENTRIES))
                return;
        e.path = strdup(path);
        e.data = malloc(len + 1);
        if (!e.path || !e.data) {
                entry_done(&e);
                return;
        }
        memcpy(e.data, data, len);
        e.data[len] = 0;
        if (old)
                /* An older entry for the same path is replaced. */
                entry_done(old);
        else {
                struct entry *n = reallocarray(cache.entries, cache.n + 1, sizeof(struct entry));
                if (!n) {
                        entry_done(&e);
                        return;
                }
                cache.entries = n;
                old = &cache.entries[cache.n++];
        }
        *old = e;
        cache.bytes = bytes + len;
        cache.dirty = true;
}

/* The record read as a stream, a buffer at a time: loading it costs the index and one buffer, not
 * the record's size (up to READCACHE_MAX_BYTES of data). Every byte of the body is summed. */
#define READER_BUF (16u * 1024)

struct reader {
        int fd;
        char *buf;
        size_t pos, len;
        off_t off;            /* the file offset of buf[pos] */
        bool sum_on;          /* the header is not summed, the body is */
        uint64_t sum;
        size_t body;          /* bytes of the body read */
};

/* Bytes available at r->buf + r->pos after refilling an empty buffer: 0 at the end, -errno. */
static ssize_t reader_fill(struct reader *r) {
        ssize_t k;

        if (r->pos < r->len)
                return (ssize_t) (r->len - r->pos);
        do
                k = read(r->fd, r->buf, READER_BUF);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        r->pos = 0;
        r->len = (size_t) k;
        return k;
}

/* n bytes taken (copied to dst unless it is NULL); -EBADMSG when the file ends first. */
static int reader_take(struct reader *r, char *dst, size_t n) {
        while (n > 0) {
                ssize_t avail = reader_fill(r);
                size_t k;

                if (avail <= 0)
                        return avail < 0 ? (int) avail : -EBADMSG;
                k = (size_t) avail < n ? (size_t) avail : n;
                if (dst) {
                        memcpy(dst, r->buf + r->pos, k);
                        dst += k;
                }
                if (r->sum_on) {
                        r->sum = fnv1a(r->sum, r->buf + r->pos, k);
                        r->body += k;
                }
                r->pos += k;
                r->off += (off_t) k;
                n -= k;
        }
        return 0;
}

/* One line, without its newline, NUL-terminated in line (size bytes): -EBADMSG when it is longer
 * or the file ends before its newline. */
static int reader_line(struct reader *r, char *line, size_t size) {
        for (size_t n = 0; n < size; n++) {
                int k = reader_take(r, line + n, 1);
                if (k < 0)
                        return k;
                if (line[n] == '\n') {
                        line[n] = 0;
                        return 0;
                }
        }
        return -EBADMSG;
}

/* An unsigned number in base at *p, as the record writes it (digits only: no sign, no space);
 * *p moved past it. */
static bool take_number(const char **p, int base, unsigned long long *ret) {
        char *end;

        if (!isxdigit((unsigned char) **p) || (base == 10 && !isdigit((unsigned char) **p)))
                return false;
        errno = 0;
        *ret = strtoull(*p, &end, base);
        if (errno)
                return false;
        *p = end;
        return true;
}

/* A time stamp "S.NS", S possibly negative (before 1970), NS 0 to 999999999. */
static bool take_time(const char **p, struct timespec *ret) {
        unsigned long long sec, ns;
        bool neg = **p == '-';

        if (neg)
                (*p)++;
        if (!take_number(p, 10, &sec) || sec > LLONG_MAX || *(*p)++ != '.' || !take_number(p, 10, &ns) ||
            ns > 999999999)
                return false;
        *ret = (struct timespec) { .tv_sec = neg ? -(time_t) sec : (time_t) sec, .tv_nsec = (long) ns };
        return true;
}

/* The fields after a separator: false when the separator is not there. */
static bool take_sep(const char **p, char sep) {
        return *(*p)++ == sep;
}

/* One entry: "T DEV INO MODE SIZE MS.MNS CS.CNS PATHLEN DATALEN\nPATHDATA\n". Its data is left in
 * the file (at ret->off) and only summed. */
static int read_entry(struct reader *r, struct entry *ret) {
        unsigned long long dev, ino, mode, size, plen, dlen;
        struct timespec mtim, ctim;
        char line[256], nl;
        const char *p = line;
        int k;

        k = reader_line(r, line, sizeof(line));
        if (k < 0)
                return k;
        if (!(line[0] == ENTRY_FILE || line[0] == ENTRY_LINK || line[0] == ENTRY_DIR) || (p++, !take_sep(&p, ' ')) ||
            !take_number(&p, 10, &dev) || !take_sep(&p, ' ') || !take_number(&p, 10, &ino) || !take_sep(&p, ' ') ||
            !take_number(&p, 8, &mode) || !take_sep(&p, ' ') || !take_number(&p, 10, &size) ||
            !take_sep(&p, ' ') || !take_time(&p, &mtim) || !take_sep(&p, ' ') || !take_time(&p, &ctim) ||
            !take_sep(&p, ' ') || !take_number(&p, 10, &plen) || !take_sep(&p, ' ') ||
            !take_number(&p, 10, &dlen) || *p || plen == 0 || plen >= 4096 || dlen > INPUT_MAX ||
            mode > 07777777 || size > (unsigned long long) INT64_MAX)
                return -EBADMSG;
        *ret = (struct entry) { .type = line[0], .len = dlen };
        ret->st.st_dev = (dev_t) dev;
        ret->st.st_ino = (ino_t) ino;
        ret->st.st_mode = (mode_t) mode;
        ret->st.st_size = (off_t) size;
        ret->st.st_mtim = mtim;
        ret->st.st_ctim = ctim;
        ret->path = malloc(plen + 1);
        if (!ret->path)
                return -ENOMEM;
        k = reader_take(r, ret->path, plen);
        if (k >= 0) {
                ret->path[plen] = 0;
                ret->off = r->off;
                k = reader_take(r, NULL, dlen);
        }
        if (k >= 0)
                k = reader_take(r, &nl, 1);
        if (k >= 0 && (nl != '\n' || strlen(ret->path) != plen || ret->path[0] != '/'))
                k = -EBADMSG;
        if (k < 0)
                entry_done(ret);
        return k;
}

/* The whole file or nothing: the header names the version, the body's checksum and length. */
static int parse(int fd) {
        _cleanup_free_ char *buf = malloc(READER_BUF);
        struct reader r = { .fd = fd, .buf = buf, .sum = FNV1A_INIT };
        unsigned long long version, sum, blen;
        char head[128];
        const char *p = head;
        int k;

        if (!buf)
                return -ENOMEM;
        k = reader_line(&r, head, sizeof(head));
        if (k < 0)
                return k;
        if (!startswith(head, MAGIC " ") || (p += strlen(MAGIC " "), !take_number(&p, 10, &version)) ||
            !take_sep(&p, ' ') || !take_number(&p, 16, &sum) || !take_sep(&p, ' ') || !take_number(&p, 10, &blen) ||
            *p || version != FORMAT_VERSION)
                return -EBADMSG;
        r.sum_on = true;
        while ((k = (int) reader_fill(&r)) > 0) {
                struct entry e, *n;

                k = read_entry(&r, &e);
                if (k < 0)
                        return k;
                /* Past the length the header gives: not this record. */
                if (r.body > blen) {
                        entry_done(&e);
                        return -EBADMSG;
                }
                /* Kept by an older version that copied anything: dropped, and the record is
                 * written again without it. */
                if (!keepable(e.type, e.path, e.st.st_mode)) {
                        entry_done(&e);
                        cache.dirty = true;
                        continue;
                }
                /* Over the caps: not written by this version, not trusted. */
                if (cache.n >= READCACHE_MAX_ENTRIES || e.len > READCACHE_MAX_BYTES - cache.bytes) {
                        entry_done(&e);
                        return -EBADMSG;
                }
                n = reallocarray(cache.entries, cache.n + 1, sizeof(struct entry));
                if (!n) {
                        entry_done(&e);
                        return -ENOMEM;
                }
                cache.entries = n;
                cache.entries[cache.n++] = e;
                cache.bytes += e.len;
        }
        if (k < 0)
                return k;
        if (r.body != blen || r.sum != sum)
                return -EBADMSG;
        return 0;
}

static void drop_entries(void) {
        for (size_t i = 0; i < cache.n; i++)
                entry_done(&cache.entries[i]);
        free(cache.entries);
        cache.entries = NULL;
        cache.n = 0;
        cache.bytes = 0;
        if (cache.fd >= 0)
                close(cache.fd);
        cache.fd = -1;
}

int readcache_enable(const char *path) {
        struct stat st;
        int fd, r;

        free(cache.file);
        drop_entries();
        cache = (typeof(cache)) { .file = strdup(path ? path : READCACHE_FILE), .fd = -1 };
        if (!cache.file)
                return -ENOMEM;
        cache.enabled = true;

        fd = open_regular(AT_FDCWD, cache.file, O_NOFOLLOW, &st);
        if (fd == -ENOENT)
                return 0;
        /* Only our own: written by this user (root), readable by nobody else, within the caps.
         * Anything else there is replaced when the run saves. */
        cache.dirty = true;
        if (fd < 0)
                return 0;
        if (st.st_uid != geteuid() || (st.st_mode & 077) || st.st_size == 0 || (size_t) st.st_size > FILE_MAX) {
                close(fd);
                return 0;
        }
        cache.dirty = false;
        /* Read as a stream while the index is made: the data stays in the file (replaced by
         * rename, never written in place, so the open file keeps what was checked). */
        cache.fd = fd;
        r = parse(fd);
        if (r < 0) {
                drop_entries();
                cache.dirty = true;
        }
        return r == -ENOMEM ? r : 0;
}

bool readcache_enabled(void) {
        return cache.enabled;
}

void readcache_stats(unsigned *ret_hits, unsigned *ret_misses) {
        *ret_hits = cache.hits;
        *ret_misses = cache.misses;
}

/* The record is written as it is made: the header's checksum and length, fixed in width, are
 * filled in at the end, so that saving holds no copy of the body in memory. */
#define HEADER_FMT MAGIC " %u %016" PRIx64 " %020zu\n"

struct writer {
        FILE *f;
        uint64_t sum;
        size_t len;
};

static void put(struct writer *w, const char *p, size_t n) {
        w->sum = fnv1a(w->sum, p, n);
        w->len += n;
        (void) fwrite(p, 1, n, w->f); /* checked once, with ferror(), at the end */
}

static int write_entries(int fd) {
        struct writer w = { .sum = FNV1A_INIT };
        char head[128];
        int k;

        w.f = fdopen(fd, "w");
        if (!w.f)
                return -errno;
        k = snprintf(head, sizeof(head), HEADER_FMT, FORMAT_VERSION, w.sum, w.len);
        (void) fwrite(head, 1, (size_t) k, w.f);
        for (size_t i = 0; i < cache.n; i++) {
                const struct entry *e = &cache.entries[i];
                _cleanup_free_ char *data = NULL;
                char line[256];
                int m;

                if (!e->used)
                        continue;
                data = entry_copy(e);
                if (!data) {
                        fclose(w.f);
                        return -ENOMEM;
                }
                m = snprintf(line, sizeof(line), "%c %llu %llu %o %llu %lld.%09ld %lld.%09ld %zu %zu\n", e->type,
                             (unsigned long long) e->st.st_dev, (unsigned long long) e->st.st_ino,
                             (unsigned) e->st.st_mode, (unsigned long long) e->st.st_size,
                             (long long) e->st.st_mtim.tv_sec, e->st.st_mtim.tv_nsec,
                             (long long) e->st.st_ctim.tv_sec, e->st.st_ctim.tv_nsec, strlen(e->path), e->len);
                put(&w, line, (size_t) m);
                put(&w, e->path, strlen(e->path));
                put(&w, data, e->len);
                put(&w, "\n", 1);
        }
        if (fflush(w.f) != 0 || ferror(w.f)) {
                int e = errno ? errno : EIO;
                fclose(w.f);
                return -e;
        }
        /* The same width as the placeholder: the body does not move. */
        if (snprintf(head, sizeof(head), HEADER_FMT, FORMAT_VERSION, w.sum, w.len) != k ||
            pwrite(fd, head, (size_t) k, 0) != k || fsync(fd) < 0) {
                int e = errno ? errno : EIO;
                fclose(w.f);
                return -e;
        }
        return fclose(w.f) == 0 ? 0 : -errno;
}

/* Temporary files (NAME.XXXXXX) that a run killed while saving left in the record's directory:
 * regular files of ours, not changed for a minute (a run saving now has just made its own). */
#define LEFTOVER_AGE_S 60
static void remove_leftovers(int dfd, const char *name) {
        size_t n = strlen(name);
        struct dirent *de;
        int fd = dup(dfd);
        DIR *d;

        if (fd < 0)
                return;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return;
        }
        while ((de = readdir(d))) {
                struct stat st;
                if (strncmp(de->d_name, name, n) != 0 || de->d_name[n] != '.' || strlen(de->d_name + n + 1) != 6)
                        continue;
                if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
                    st.st_uid != geteuid() || time(NULL) - st.st_mtime < LEFTOVER_AGE_S)
                        continue;
                (void) unlinkat(dfd, de->d_name, 0);
        }
        closedir(d);
}

static int write_atomic(const char *file) {
        _cleanup_free_ char *dir = path_parent(file), *tmp = NULL;
        _cleanup_close_ int dfd = -1;
        struct stat st;
        int fd, r;

        if (!dir)
                return -ENOMEM;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dfd < 0)
                return -errno;
        if (fstat(dfd, &st) < 0)
                return -errno;
        if (st.st_uid != geteuid() || (st.st_mode & 022))
                return -EPERM;
        remove_leftovers(dfd, path_basename(file));
        if (asprintf(&tmp, "%s.XXXXXX", file) < 0)
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fchmod(fd, 0600) < 0) {
                r = -errno;
                close(fd);
                unlink(tmp);
                return r;
        }
        r = write_entries(fd); /* closes fd */
        if (r >= 0 && rename(tmp, file) < 0)
                r = -errno;
        if (r < 0) {
                unlink(tmp);
                return r;
        }
        (void) fsync(dfd);
        return 0;
}

int readcache_save_and_disable(void) {
        int r = 0;

        if (!cache.enabled)
                return 0;
        for (size_t i = 0; i < cache.n; i++)
                if (!cache.entries[i].used)
                        cache.dirty = true;
        if (cache.dirty) {
                r = write_atomic(cache.file);
                if (r >= 0)
                        r = 1;
        }
        drop_entries();
        free(cache.file);
        cache = (typeof(cache)) { .fd = -1 };
        return r;
}

int readcache_read_file(const char *path, char **ret_data, size_t *ret_len) {
        struct stat before, after;
        struct entry *e;
        char *data;
        size_t len;
        int r;

        if (!cache.enabled || statmemo_lstat(path, &before) < 0 || !S_ISREG(before.st_mode))
                return read_trusted_file_bounded(path, ret_data, ret_len);
        e = lookup(ENTRY_FILE, path, &before);
        if (e && (data = entry_copy(e))) {
                cache.hits++;
                *ret_data = data;
                if (ret_len)
                        *ret_len = e->len;
                return 0;
        }
        cache.misses++;
        r = read_trusted_file_bounded(path, &data, &len);
        if (r < 0)
                return r;
        /* Kept only when nothing changed while it was read. */
        if (fstatat(AT_FDCWD, path, &after, AT_SYMLINK_NOFOLLOW) >= 0 && same_stat(&before, &after))
                store(ENTRY_FILE, path, &before, data, len);
        *ret_data = data;
        if (ret_len)
                *ret_len = len;
        return 0;
}

int readcache_readlink(const char *path, const struct stat *st, char *buf, size_t size) {
        struct stat after;
        struct entry *e;
        ssize_t k;

        if (size == 0)
                return -EINVAL;
        if (cache.enabled && S_ISLNK(st->st_mode) && (e = lookup(ENTRY_LINK, path, st)) && e->len < size) {
                _cleanup_free_ char *target = entry_copy(e);
                if (target) {
                        memcpy(buf, target, e->len + 1);
                        cache.hits++;
                        return (int) e->len;
                }
        }
        k = readlink(path, buf, size - 1);
        if (k < 0)
                return -errno;
        buf[k] = 0;
        if (cache.enabled) {
                cache.misses++;
                if (S_ISLNK(st->st_mode) && fstatat(AT_FDCWD, path, &after, AT_SYMLINK_NOFOLLOW) >= 0 &&
                    same_stat(st, &after))
                        store(ENTRY_LINK, path, st, buf, (size_t) k);
        }
        return (int) k;
}

/* The names of data (len bytes, each name followed by a NUL) as a strv, in one allocation of the
 * list: a directory of thousands of names costs linear time. */
static int names_from_data(const char *data, size_t len, char ***ret) {
        _cleanup_strv_free_ char **names = NULL;
        size_t n = 0;

        for (size_t i = 0; i < len; i += strlen(data + i) + 1)
                n++;
        names = calloc(n + 1, sizeof(char *));
        if (!names)
                return -ENOMEM;
        n = 0;
        for (size_t i = 0; i < len; i += strlen(data + i) + 1)
                if (!(names[n++] = strdup(data + i)))
                        return -ENOMEM;
        *ret = TAKE_PTR(names);
        return 0;
}

int readcache_list_dir(const char *path, char ***ret_names) {
        struct strbuf b = {};
        struct stat before, after;
        struct entry *e;
        DIR *d;
        struct dirent *de;
        bool have = cache.enabled && statmemo_lstat(path, &before) >= 0 &&
                    S_ISDIR(before.st_mode);
        int r;

        if (have && (e = lookup(ENTRY_DIR, path, &before))) {
                _cleanup_free_ char *data = entry_copy(e);
                if (data) {
                        cache.hits++;
                        return names_from_data(data, e->len, ret_names);
                }
        }
        d = opendir(path);
        if (!d)
                return -errno;
        r = 0;
        while (r >= 0 && (errno = 0, de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                r = strbuf_append(&b, de->d_name, strlen(de->d_name) + 1);
        }
        if (r >= 0 && errno)
                r = -errno;
        closedir(d);
        if (r >= 0 && have) {
                cache.misses++;
                if (fstatat(AT_FDCWD, path, &after, AT_SYMLINK_NOFOLLOW) >= 0 && same_stat(&before, &after))
                        store(ENTRY_DIR, path, &before, b.s ? b.s : "", b.n);
        }
        if (r >= 0)
                r = names_from_data(b.s ? b.s : "", b.n, ret_names);
        free(b.s);
        return r;
}
