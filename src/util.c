/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "util.h"

const char *startswith(const char *s, const char *prefix) {
        size_t n = strlen(prefix);
        return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

bool endswith(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

size_t strv_length(char * const *l) {
        size_t n = 0;
        if (l)
                while (l[n])
                        n++;
        return n;
}

void strv_free(char **l) {
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}

void strv_freep(char ***l) {
        strv_free(*l);
}

int strv_push(char ***l, char *s) {
        size_t n = strv_length(*l);
        char **m;

        if (!s)
                return -ENOMEM;
        m = realloc(*l, sizeof(char *) * (n + 2));
        if (!m) {
                free(s);
                return -ENOMEM;
        }
        m[n] = s;
        m[n + 1] = NULL;
        *l = m;
        return 0;
}

int strv_pushv(char ***l, const char *fmt, va_list ap) {
        char *s;

        return strv_push(l, vasprintf(&s, fmt, ap) < 0 ? NULL : s);
}

int strv_pushf(char ***l, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = strv_pushv(l, fmt, ap);
        va_end(ap);
        return r;
}

int strv_extend(char ***l, const char *s) {
        return strv_push(l, strdup(s));
}

int strv_extend_strv(char ***l, char * const *other) {
        size_t n = strv_length(*l), m = strv_length(other);
        char **a;

        if (m == 0)
                return 0;
        /* Grown once: copying a long vector costs linear time. */
        a = reallocarray(*l, n + m + 1, sizeof(char *));
        if (!a)
                return -ENOMEM;
        *l = a;
        for (size_t i = 0; i < m; i++) {
                a[n + i] = strdup(other[i]);
                if (!a[n + i]) {
                        for (size_t k = 0; k < i; k++)
                                free(a[n + k]);
                        a[n] = NULL;
                        return -ENOMEM;
                }
        }
        a[n + m] = NULL;
        return 0;
}

bool strv_contains(char * const *l, const char *s) {
        for (char * const *i = l; i && *i; i++)
                if (streq(*i, s))
                        return true;
        return false;
}

char **strv_copy(char * const *l) {
        char **c = calloc(1, sizeof(char *));
        if (!c)
                return NULL;
        if (strv_extend_strv(&c, l) < 0) {
                strv_free(c);
                return NULL;
        }
        return c;
}

int strbuf_append(struct strbuf *b, const char *s, size_t n) {
        if (b->n + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                char *m;

                while (cap < b->n + n + 1)
                        cap *= 2;
                m = realloc(b->s, cap);
                if (!m)
                        return -ENOMEM;
                b->s = m;
                b->cap = cap;
        }
        memcpy(b->s + b->n, s, n);
        b->n += n;
        b->s[b->n] = 0;
        return 0;
}

char *path_join(const char *a, const char *b) {
        char *r;
        size_t la = strlen(a);

        while (la > 0 && a[la - 1] == '/')
                la--;
        while (*b == '/')
                b++;
        if (asprintf(&r, "%.*s/%s", (int) la, a, b) < 0)
                return NULL;
        return r;
}

int path_normalize(const char *path, char **ret) {
        _cleanup_free_ char *out = NULL;
        size_t n = 0;
        const char *p = path;

        if (!path || path[0] != '/')
                return -EINVAL;
        out = malloc(strlen(path) + 2);
        if (!out)
                return -ENOMEM;

        while (*p) {
                const char *e;
                size_t l;

                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                e = strchrnul(p, '/');
                l = (size_t) (e - p);
                if (l == 1 && p[0] == '.') {
                        /* skip */
                } else if (l == 2 && p[0] == '.' && p[1] == '.') {
                        while (n > 0 && out[n - 1] != '/')
                                n--;
                        if (n > 0)
                                n--; /* drop the '/' too */
                } else {
                        out[n++] = '/';
                        memcpy(out + n, p, l);
                        n += l;
                }
                p = e;
        }
        if (n == 0)
                out[n++] = '/';
        out[n] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

char *path_parent(const char *path) {
        const char *s = strrchr(path, '/');
        if (!s || s == path)
                return strdup("/");
        return strndup(path, (size_t) (s - path));
}

const char *path_basename(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

bool path_startswith_dir(const char *path, const char *dir) {
        const char *r;

        if (streq(dir, "/"))
                return path[0] == '/';
        r = startswith(path, dir);
        return r && (*r == 0 || *r == '/');
}

/* -EISDIR, -ELOOP (a link, as O_NOFOLLOW's open(2) says) or -EBADFD unless st is a regular file. */
static int want_regular(const struct stat *st) {
        if (S_ISDIR(st->st_mode))
                return -EISDIR;
        if (S_ISLNK(st->st_mode))
                return -ELOOP;
        return S_ISREG(st->st_mode) ? 0 : -EBADFD;
}

/* fd (or -errno from the open that made it), checked to be the regular file seen in *st: the fd,
 * its stat in *ret_st, or -errno (the fd closed). */
static int same_regular(int fd, const struct stat *st, struct stat *ret_st) {
        struct stat now;

        if (fd < 0)
                return errno == ENXIO ? -EBADFD : -errno;
        if (fstat(fd, &now) < 0) {
                int k = -errno;
                close(fd);
                return k;
        }
        if (now.st_dev != st->st_dev || now.st_ino != st->st_ino || !S_ISREG(now.st_mode)) {
                close(fd);
                return -EBADFD;
        }
        if (ret_st)
                *ret_st = now;
        return fd;
}

int open_regular(int dirfd, const char *path, int open_flags, struct stat *ret_st) {
        _cleanup_close_ int pfd = -1;
        char fdpath[64];
        struct stat st;
        int fd, r;

        /* The type is known before anything is opened: opening a device acts on it (a watchdog
         * starts its countdown), opening a FIFO can block. O_PATH opens nothing. */
        pfd = openat(dirfd, path, O_PATH | O_CLOEXEC | (open_flags & O_NOFOLLOW));
        if (pfd < 0)
                return -errno;
        if (fstat(pfd, &st) < 0)
                return -errno;
        if ((r = want_regular(&st)) < 0)
                return r;
        /* The same inode, opened for reading through the descriptor (proc(5) /proc/self/fd). */
        (void) snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", pfd);
        fd = open(fdpath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0 && errno == ENOENT) {
                /* No /proc (a chroot): by name again, the type checked once more below. */
                fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
                if (fd < 0 && errno == ELOOP && !(open_flags & O_NOFOLLOW))
                        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        }
        return same_regular(fd, &st, ret_st);
}

int open_regular_trusted(int dirfd, const char *path, struct stat *ret_st) {
        struct stat st;
        int r;

        /* fstatat is not in the audit read class: only the open below is an event. */
        if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if ((r = want_regular(&st)) < 0)
                return r;
        return same_regular(openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW), &st,
                            ret_st);
}

static int read_bounded(int fd, const struct stat *stp, char **ret_data, size_t *ret_len);

int read_file_bounded(int dirfd, const char *path, int open_flags, char **ret_data, size_t *ret_len) {
        _cleanup_close_ int fd = -1;
        struct stat st;

        fd = open_regular(dirfd, path, open_flags, &st);
        if (fd < 0)
                return fd;
        return read_bounded(fd, &st, ret_data, ret_len);
}

int read_trusted_file_bounded(const char *path, char **ret_data, size_t *ret_len) {
        _cleanup_close_ int fd = -1;
        struct stat st;

        fd = open_regular_trusted(AT_FDCWD, path, &st);
        if (fd < 0)
                return fd;
        return read_bounded(fd, &st, ret_data, ret_len);
}

int read_fd_upto(int fd, size_t hint, size_t max, char **ret_data, size_t *ret_len) {
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, cap = hint > 0 ? hint : 4096;
        bool more = false;

        if (cap > max)
                cap = max;
        buf = malloc(cap + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k;

                if (n == cap) {
                        char *m;

                        if (cap == max) {
                                /* Is there more? One byte tells. */
                                char c;

                                do
                                        k = read(fd, &c, 1);
                                while (k < 0 && errno == EINTR);
                                if (k < 0)
                                        return -errno;
                                more = k > 0;
                                break;
                        }
                        cap = cap > max / 2 ? max : cap * 2;
                        m = realloc(buf, cap + 1);
                        if (!m)
                                return -ENOMEM;
                        buf = m;
                }
                k = read(fd, buf + n, cap - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = 0;
        if (n < cap) {
                char *m = realloc(buf, n + 1);
                if (m)
                        buf = m;
        }
        *ret_data = TAKE_PTR(buf);
        *ret_len = n;
        return more;
}

static int read_bounded(int fd, const struct stat *stp, char **ret_data, size_t *ret_len) {
        char *data;
        size_t n;
        int r;

        if (stp->st_size > INPUT_MAX)
                return -EFBIG;
        /* Sized by the file, growing if it grows while we read it, never past the cap. */
        r = read_fd_upto(fd, (size_t) stp->st_size + 1, INPUT_MAX, &data, &n);
        if (r < 0)
                return r;
        if (r > 0) {
                free(data);
                return -EFBIG; /* grew while we read it */
        }
        *ret_data = data;
        if (ret_len)
                *ret_len = n;
        return 0;
}

const char *errno_name(int err) {
        if (err < 0)
                err = -err;
        switch (err) {
        case EFBIG:
                return "file too large";
        case EBADFD:
                return "not a regular file";
        case EISDIR:
                return "is a directory";
        case ELOOP:
                return "too many levels of symbolic links";
        default:
                return strerror(err);
        }
}

bool rule_path_ok(const char *path) {
        size_t n = 0;

        if (!path || path[0] != '/')
                return false;
        for (const unsigned char *p = (const unsigned char *) path; *p; p++, n++)
                if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '#' || *p == '\\')
                        return false;
        /* Nothing that a terminal or a reader would show otherwise than it is: C1 controls,
         * invalid UTF-8, bidirectional controls (str_needs_escape()). */
        return n < PATH_MAX && !str_needs_escape(path);
}

/* ---- hash index ---- */

static unsigned long long hash_seed(void) {
        static unsigned long long seed;
        static bool done;

        if (!done) {
                if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
                        seed = (unsigned long long) getpid() * 0x9e3779b97f4a7c15ULL;
                seed |= 1;
                done = true;
        }
        return seed;
}

unsigned long long hash_bytes(unsigned long long h, const void *p, size_t n) {
        const unsigned char *b = p;

        if (h == 0)
                h = 0xcbf29ce484222325ULL ^ hash_seed();
        for (size_t i = 0; i < n; i++) {
                h ^= b[i];
                h *= 0x100000001b3ULL;
        }
        return h;
}

/* The final mix spreads FNV's low bits, which the mask keeps. */
static size_t slot_of(unsigned long long hash, size_t cap) {
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdULL;
        hash ^= hash >> 33;
        return (size_t) hash & (cap - 1);
}

void hindex_done(struct hindex *h) {
        free(h->slots);
        *h = (struct hindex) {};
}

long hindex_find(const struct hindex *h, unsigned long long hash, bool (*eq)(const void *ctx, size_t i, const void *key),
                 const void *ctx, const void *key) {
        if (h->cap == 0)
                return -1;
        for (size_t s = slot_of(hash, h->cap);; s = (s + 1) & (h->cap - 1)) {
                const struct hindex_slot *x = &h->slots[s];
                if (x->pos == 0)
                        return -1;
                if (x->hash == hash && eq(ctx, x->pos - 1, key))
                        return (long) (x->pos - 1);
        }
}

static void slot_put(struct hindex_slot *slots, size_t cap, unsigned long long hash, size_t pos) {
        size_t s = slot_of(hash, cap);

        while (slots[s].pos != 0)
                s = (s + 1) & (cap - 1);
        slots[s] = (struct hindex_slot) { .hash = hash, .pos = pos };
}

int hindex_add(struct hindex *h, unsigned long long hash, size_t i) {
        if ((h->n + 1) * 2 > h->cap) {  /* at most half full */
                size_t cap = h->cap ? h->cap * 2 : 64;
                struct hindex_slot *n = calloc(cap, sizeof(*n));

                if (!n)
                        return -ENOMEM;
                for (size_t k = 0; k < h->cap; k++)
                        if (h->slots[k].pos)
                                slot_put(n, cap, h->slots[k].hash, h->slots[k].pos);
                free(h->slots);
                h->slots = n;
                h->cap = cap;
        }
        slot_put(h->slots, h->cap, hash, i + 1);
        h->n++;
        return 0;
}

int utf8_decode(const char *s, size_t n, uint32_t *ret_cp) {
        const unsigned char *p = (const unsigned char *) s;
        size_t len;
        uint32_t cp;

        if (n == 0)
                return -EILSEQ;
        if (p[0] < 0x80)
                len = 1, cp = p[0];
        else if (p[0] >= 0xc2 && p[0] <= 0xdf)
                len = 2, cp = p[0] & 0x1f;
        else if (p[0] >= 0xe0 && p[0] <= 0xef)
                len = 3, cp = p[0] & 0x0f;
        else if (p[0] >= 0xf0 && p[0] <= 0xf4)
                len = 4, cp = p[0] & 0x07;
        else
                return -EILSEQ;         /* a continuation byte, 0xc0, 0xc1 (overlong), 0xf5..0xff */
        if (len > n)
                return -EILSEQ;
        for (size_t i = 1; i < len; i++) {
                if ((p[i] & 0xc0) != 0x80)      /* a NUL ends a string here too */
                        return -EILSEQ;
                cp = cp << 6 | (p[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return -EILSEQ;
        if (ret_cp)
                *ret_cp = cp;
        return (int) len;
}

bool utf8_valid(const char *s, size_t n) {
        while (n > 0) {
                int k = utf8_decode(s, n, NULL);

                if (k < 0)
                        return false;
                s += k;
                n -= (size_t) k;
        }
        return true;
}

size_t utf8_encode(uint32_t cp, char out[static 4]) {
        if (cp < 0x80) {
                out[0] = (char) cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (char) (0xc0 | (cp >> 6));
                out[1] = (char) (0x80 | (cp & 0x3f));
                return 2;
        }
        if (cp < 0x10000) {
                out[0] = (char) (0xe0 | (cp >> 12));
                out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
                out[2] = (char) (0x80 | (cp & 0x3f));
                return 3;
        }
        out[0] = (char) (0xf0 | (cp >> 18));
        out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
        out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
        out[3] = (char) (0x80 | (cp & 0x3f));
        return 4;
}

int unhexchar(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -EINVAL;
}

/* Does a terminal show this code point as a character? Not the C0 and C1 controls and DEL
 * (ECMA-48), nor what changes how a line shows without being seen: the bidirectional controls
 * (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, Unicode UAX #9) and the line and
 * paragraph separators (U+2028, U+2029). */
static bool code_point_printable(uint32_t cp) {
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
                return false;
        return !(cp == 0x61c || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
                 (cp >= 0x2066 && cp <= 0x2069));
}

int fputs_json(const char *json, FILE *f) {
        const char *p = json, *end = json + strlen(json);

        while (p < end) {
                int n = utf8_decode(p, (size_t) (end - p), NULL);

                if (n < 0) {
                        if (fputs("\\ufffd", f) == EOF)
                                return EOF;
                        p++;
                        continue;
                }
                if (fwrite(p, 1, (size_t) n, f) != (size_t) n)
                        return EOF;
                p += n;
        }
        return 0;
}

/* How many bytes of s[0, n) stay as they are (0: the first is escaped). */
static size_t plain_len(const char *s, size_t n) {
        uint32_t cp;
        int k = utf8_decode(s, n, &cp);

        return k > 0 && code_point_printable(cp) ? (size_t) k : 0;
}

bool str_needs_escape(const char *s) {
        if (!s)
                return false; /* no pointer arithmetic on NULL, not even + 0 */
        size_t len = strlen(s);

        for (const char *p = s, *end = p + len; p < end;) {
                size_t n = plain_len(p, (size_t) (end - p));

                if (n == 0)
                        return true;
                p += n;
        }
        return false;
}

/* s[0, len) escaped, appended to b. */
static int escape_append(struct strbuf *b, const char *s, size_t len) {
        static const char hex[] = "0123456789abcdef";
        const unsigned char *p = (const unsigned char *) s, *end = p + len;
        int r = strbuf_append(b, "", 0);

        while (r >= 0 && p < end) {
                size_t n = plain_len((const char *) p, (size_t) (end - p));

                if (n > 0) {
                        r = strbuf_append(b, (const char *) p, n);
                        p += n;
                } else {
                        char x[4] = { '\\', 'x', hex[*p >> 4], hex[*p & 0xf] };
                        r = strbuf_append(b, x, sizeof(x));
                        p++;
                }
        }
        return r;
}

char *str_escape_control(const char *s) {
        struct strbuf b = {};

        if (escape_append(&b, s, strlen(s)) < 0) {
                free(b.s);
                return NULL;
        }
        return b.s;
}

char *shell_quote(const char *s) {
        struct strbuf b = {};
        bool plain = *s;
        int r = 0;

        for (const char *p = s; *p && plain; p++)
                plain = strchr(SHELL_PLAIN, *p) != NULL;
        if (plain)
                return strdup(s);
        r = strbuf_putc(&b, '\'');
        for (const char *p = s; *p && r >= 0; p++)
                r = *p == '\'' ? strbuf_append(&b, "'\\''", 4) : strbuf_putc(&b, *p);
        if (r >= 0)
                r = strbuf_putc(&b, '\'');
        if (r < 0) {
                free(b.s);
                return NULL;
        }
        return b.s;
}

int fputs_escaped(const char *s, FILE *f) {
        _cleanup_free_ char *e = NULL;

        if (!str_needs_escape(s))
                return fputs(s, f);
        e = str_escape_control(s);
        if (!e) {
                errno = ENOMEM;
                return EOF;
        }
        return fputs(e, f);
}

int vfprintf_escaped(FILE *f, const char *fmt, va_list ap) {
        _cleanup_free_ char *line = NULL;
        struct strbuf b = {};
        bool nl;
        int n, r;

        n = vasprintf(&line, fmt, ap);
        if (n < 0) {
                line = NULL;
                errno = ENOMEM;
                return -1;
        }
        nl = n > 0 && line[n - 1] == '\n';
        if (nl)
                line[--n] = 0;
        if (!str_needs_escape(line)) {
                if (nl)
                        line[n++] = '\n';
                return fputs(line, f) < 0 ? -1 : n;
        }
        r = escape_append(&b, line, (size_t) n);
        if (r >= 0 && nl)
                r = strbuf_putc(&b, '\n');
        if (r < 0) {
                free(b.s);
                errno = ENOMEM;
                return -1;
        }
        r = fputs(b.s, f) < 0 ? -1 : (int) b.n;
        free(b.s);
        return r;
}

int fprintf_escaped(FILE *f, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vfprintf_escaped(f, fmt, ap);
        va_end(ap);
        return r;
}
