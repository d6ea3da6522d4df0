/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Upper bound for any file the tool reads (unit files, daemon.json, config.toml, rules). */
#define INPUT_MAX (1024 * 1024)

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p) { free(*(void **) p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
void strv_freep(char ***l);

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}
static inline const char *strempty(const char *s) { return s ? s : ""; }
const char *startswith(const char *s, const char *prefix);
bool endswith(const char *s, const char *suffix);

/* Take ownership of *p, leaving NULL behind. */
#define TAKE_PTR(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })
#define TAKE_FD(fd) ({ int _t = (fd); (fd) = -1; _t; })

/* NULL-terminated string vectors. */
size_t strv_length(char * const *l);
void strv_free(char **l);
int strv_push(char ***l, char *s);          /* takes s, frees it on failure */
/* Append a formatted string: 0 or -ENOMEM. */
int strv_pushf(char ***l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int strv_pushv(char ***l, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int strv_extend(char ***l, const char *s);  /* copies s */
int strv_extend_strv(char ***l, char * const *other);
bool strv_contains(char * const *l, const char *s);
char **strv_copy(char * const *l);

/* An index from keys to positions in an array its owner keeps (open addressing, linear probing):
 * the owner hashes a key with hash_bytes() and compares its own elements, so the index never
 * copies them. Lookups and additions cost O(1) on average; the hash is seeded per process, so a
 * hostile input cannot choose colliding keys in advance. */
struct hindex_slot {
        unsigned long long hash;
        size_t pos;             /* array index + 1; 0: empty */
};
struct hindex {
        struct hindex_slot *slots;
        size_t cap, n;          /* cap a power of two, or 0 */
};
void hindex_done(struct hindex *h);
/* Start a hash (0), or continue one over n more bytes. */
unsigned long long hash_bytes(unsigned long long h, const void *p, size_t n);
static inline unsigned long long hash_str(unsigned long long h, const char *s) {
        return hash_bytes(h, s ? s : "", s ? strlen(s) + 1 : 0);
}
/* The array index of the first element added with this hash for which eq(ctx, index, key) holds;
 * -1 when there is none. */
long hindex_find(const struct hindex *h, unsigned long long hash, bool (*eq)(const void *ctx, size_t i, const void *key),
                 const void *ctx, const void *key);
/* Record that element i has this hash. 0 or -ENOMEM. */
int hindex_add(struct hindex *h, unsigned long long hash, size_t i);

/* Join two path pieces with exactly one '/' between them. */
char *path_join(const char *a, const char *b);
/* A growable, always NUL-terminated string. */
struct strbuf {
        char *s;
        size_t n, cap;
};
int strbuf_append(struct strbuf *b, const char *s, size_t n);
static inline int strbuf_putc(struct strbuf *b, char c) { return strbuf_append(b, &c, 1); }

/* Lexically normalise an absolute path: collapse '//', drop '.', resolve '..' (never above '/'),
 * drop a trailing '/'. Returns -EINVAL for a relative or empty path. */
int path_normalize(const char *path, char **ret);
/* The parent of a normalised absolute path ("/" for "/x"). */
char *path_parent(const char *path);
const char *path_basename(const char *path);
bool path_startswith_dir(const char *path, const char *dir);

/* Read at most INPUT_MAX bytes of a regular file opened relative to dirfd (AT_FDCWD allowed),
 * NUL-terminated. Refuses FIFOs, devices and directories (-EBADFD / -EISDIR) without blocking,
 * and files over the cap (-EFBIG). */
/* Open a regular file for reading without ever opening anything else: an O_PATH descriptor
 * first, its type checked with fstat(), then the same inode reopened through /proc/self/fd
 * (O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC). open_flags may hold O_NOFOLLOW. Returns the
 * descriptor (and its stat in *ret_st, may be NULL), -EISDIR, -EBADFD for anything not a
 * regular file (device, FIFO, socket), or -errno of openat(2). */
struct stat;
int open_regular(int dirfd, const char *path, int open_flags, struct stat *ret_st);
/* The same for a path that only root can change (trust_roots() in trust.h holds for it): its type
 * is taken with fstatat(AT_SYMLINK_NOFOLLOW), then it is opened by name with O_NOFOLLOW and must
 * be the same inode. One open, so one audit event where the path is watched for reads, where
 * open_regular() makes two (its O_PATH open counts as a read: kernel/auditsc.c audit_match_perm()
 * takes the access mode of the open flags). Never for a path a user could swap: between the
 * fstatat and the open, a user could put a device there. The last component is never followed. */
int open_regular_trusted(int dirfd, const char *path, struct stat *ret_st);
/* read_file_bounded() through open_regular_trusted(), for such paths only. */
int read_trusted_file_bounded(const char *path, char **ret_data, size_t *ret_len);
int read_file_bounded(int dirfd, const char *path, int open_flags, char **ret_data, size_t *ret_len);
/* Read fd from where it stands to its end, or to max bytes: *ret_data (newly allocated, NUL
 * added, the bytes may hold NULs) and *ret_len. Returns 0 when the end was reached, 1 when max
 * bytes were read and more follow (one more byte was read to tell, and dropped), -ENOMEM, or
 * -errno of read(2) (EINTR is retried); outputs untouched on failure. hint: the size expected
 * (a regular file's st_size + 1, to meet the end without growing), 0 for none (files of /proc
 * say 0): 4 KiB first, doubled as needed. Memory: at most max + 1 bytes. */
int read_fd_upto(int fd, size_t hint, size_t max, char **ret_data, size_t *ret_len);

/* A short, human description of a path's trouble for messages. */
const char *errno_name(int err);

/* Is this string safe to put on one rules line (no whitespace, no control chars, no quote or
 * comment character, length < PATH_MAX), and to show (valid UTF-8 without C1 or bidirectional
 * controls: str_needs_escape())? */
bool rule_path_ok(const char *path);
/* One code point of UTF-8 at s[0, n): returns its length in bytes (1 to 4) and sets *ret_cp (if
 * not NULL) to its value, or returns -EILSEQ when the bytes at s do not begin a well-formed
 * sequence (RFC 3629, section 4): n is 0, the first byte is a continuation byte, 0xc0, 0xc1 or
 * 0xf5..0xff, the sequence is cut short (by n, or by a byte that is not a continuation, a NUL
 * included), or it is an overlong form, a surrogate (U+D800..U+DFFF) or above U+10FFFF. Every
 * code point counts, ASCII and controls included: what may be shown is the caller's judgement.
 * Not mbrtowc(3): that follows the locale's LC_CTYPE (byte by byte under the C locale a root
 * service runs in), and audit fields, paths and JSON are UTF-8 whatever the locale. */
int utf8_decode(const char *s, size_t n, uint32_t *ret_cp);
/* Is s[0, n) UTF-8 as utf8_decode() reads it, code point after code point (NULs included)? The
 * strict UTF-8 of systemd's utf8_is_valid() (src/basic/utf8.c), with which systemd refuses an
 * environment file: no overlong forms, no surrogates, nothing above U+10FFFF. */
bool utf8_valid(const char *s, size_t n);
/* The UTF-8 bytes of the code point cp in out: returns their count, 1 to 4. cp must be one
 * (at most U+10FFFF, no surrogate): the caller has judged it (RFC 3629, section 3). */
size_t utf8_encode(uint32_t cp, char out[static 4]);
/* The value of one hexadecimal digit (0-9, a-f, A-F), or -EINVAL. */
int unhexchar(char c);

/* Write JSON text (json-c's output) with every byte that is not part of valid UTF-8 replaced by
 * the escape \ufffd: json-c copies a string's bytes as they are, and a file path or an audit
 * field need not be UTF-8, which would make the whole document unreadable to strict parsers
 * (RFC 8259 section 8.1). Such bytes occur only inside strings, where the escape is valid.
 * Returns 0, or EOF on a write error. */
int fputs_json(const char *json, FILE *f);

/* Text output and terminals. A string a user could have written (a path, a file's value, a
 * command line from the audit log) may hold bytes a terminal obeys: ESC sequences that clear the
 * screen or move the cursor, a carriage return or newline that overwrites or invents a line.
 * Text output shows such a string escaped: every byte below 0x20 and DEL (0x7f) as \xNN (two
 * lower-case hex digits), every byte of 0x80 and above that is not part of valid UTF-8 as \xNN,
 * and the C1 controls U+0080..U+009F (which some terminals obey as their 8-bit forms) as \xNN of
 * each of their two bytes. Valid UTF-8 otherwise stays as it is, and so does the backslash:
 * systemd's unit names and paths hold \x2d and the like, which stay readable; so "\x1b" in the
 * output is either an escaped ESC or those four characters, and the JSON output, where json-c
 * escapes every control character itself, tells them apart. Source: ECMA-48 (C0 and C1
 * control sets), RFC 3629 (UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF). */

/* Does s (NULL: no) hold anything str_escape_control() changes? */
bool str_needs_escape(const char *s);
/* s escaped as above, newly allocated; NULL on allocation failure. s must not be NULL. */
char *str_escape_control(const char *s);
/* s as one word for a POSIX shell (the Shell Command Language, 2.2 Quoting): as it is when every
 * byte is a letter, a digit or one of SHELL_PLAIN's marks, else in single quotes with each ' as
 * '\''. For a command a message tells the user to run; printed through the escaping above like
 * any other text. Newly allocated; NULL on allocation failure. */
#define SHELL_PLAIN "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+,:@%="
char *shell_quote(const char *s);
/* fputs() of s escaped: the same result, EOF on error. */
int fputs_escaped(const char *s, FILE *f);
/* fprintf() whose whole result is escaped except a final newline: for a line whose format is
 * plain text and whose arguments may hold anything. Returns the bytes written or -1 (errno set,
 * ENOMEM when the line cannot be formatted). */
int fprintf_escaped(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf_escaped(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
