/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "config.h"
#include "rulesdir.h"

/* The most of one rules file read. A file is read line by line and never held whole (what is
 * kept per line is a hash for the duplicate check, 8 bytes, and the lines that concern Docker's
 * paths), so the bound only stops a runaway file: auditctl and augenrules have none, and a host
 * with tens of thousands of watches in one file (a few MiB) is read. */
#define RULES_FILE_MAX (64u * 1024 * 1024)
#include "util.h"

void rules_dir_done(struct rules_dir *d) {
        for (size_t i = 0; i < d->n_lines; i++) {
                free(d->lines[i].text);
                rule_done(&d->lines[i].rule);
        }
        free(d->lines);
        free(d->troubles);
        problems_done(&d->problems);
        filter_rules_free(d->never, d->n_never);
        filter_rules_free(d->takers, d->n_takers);
        strv_free(d->files);
        free(d->dir);
        *d = (struct rules_dir) {};
}

void rule_decide_kind(const struct root *root, struct rule *r) {
        if (r->form == FORM_W)
                r->kind = root_is_dir(root, r->path) ? WATCH_DIR : WATCH_FILE;
}

int rules_dir_path(const struct root *root, const char *override, char **ret) {
        struct resolved res = {};
        char *p;
        int r;

        if (override) {
                p = strdup(override);
                if (!p)
                        return -ENOMEM;
                *ret = p;
                return 0;
        }
        /* Never fall back to the unresolved path: the kernel would follow an absolute link in it
         * out of the root. */
        r = root_resolve(root, RULES_DIR, false, &res);
        if (r < 0)
                return r;
        p = root_real(root, res.path);
        resolved_done(&res);
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

static int add_problem(struct rules_dir *d, const char *file, const char *msg) {
        return problems_add(&d->problems, file, 0, false, "%s", msg);
}

static int cmp_version(const void *a, const void *b) {
        return strverscmp(*(char * const *) a, *(char * const *) b);
}

/* Rules seen so far, for "the same rule is loaded earlier": an open-addressing set of the hash
 * of each rule without its kind (path, perms, exe, keys), with the kinds seen under it. The kind
 * of a -w rule costs a stat() of its path; for the lines that do not concern us it is decided
 * only when a second rule with the same hash turns up (the path is then in hand, and the earlier
 * rules under that hash have the same path, so the same answer). A slot is one 64-bit word:
 * the hash in its upper 60 bits, the SEEN_ flags in the lower 4 (0: an empty slot), so that
 * 10,000 rules fit 16,384 slots of 8 bytes. */
enum {
        SEEN_FILE = 1 << WATCH_FILE,
        SEEN_DIR = 1 << WATCH_DIR,
        SEEN_UNDECIDED = 1 << 2,  /* a -w rule whose kind was not looked up */
        SEEN_USED = 1 << 3,
        SEEN_FLAGS = 0xf,
};

/* A rule found loaded earlier: sorted by (hash, seq) at the end. */
struct duplicate { uint64_t hash; size_t seq; const char *file; unsigned line; };

/* What reading one directory needs beyond the result. */
struct reader {
        const struct root *root;
        char * const *keep_paths;
        uint64_t *keep_hashes;    /* path_hash() of each keep_paths entry */
        size_t n_keep;
        /* For near(): path_hash() of the keep paths, and of every keep path and each directory
         * above it, both sorted. */
        uint64_t *keep_sorted, *anc_sorted;
        size_t n_anc;
        const char *keep_key;
        uint64_t *seen;           /* rule_hash_nokind() & ~SEEN_FLAGS | flags, 0 for empty */
        size_t n_seen, seen_cap;  /* cap: a power of two, or 0 */
        size_t seq;
        struct duplicate *dups;
        size_t n_dups;
        const char *own_name;
        const char *old_name;
        char *last_parent;        /* rules files list many paths in one directory: ask once */
        bool last_parent_ok;
};

static int add_trouble(struct rules_dir *d, const char *file, unsigned line, const char *why) {
        struct rules_trouble *t = realloc(d->troubles, sizeof(*t) * (d->n_troubles + 1));
        if (!t)
                return -ENOMEM;
        d->troubles = t;
        t[d->n_troubles++] = (struct rules_trouble) { .file = file, .line = line, .why = why };
        return 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
        for (const unsigned char *c = p; n > 0; c++, n--)
                h = (h ^ *c) * 0x100000001b3ULL;
        return h;
}

static uint64_t path_hash(const char *path) {
        return fnv(0xcbf29ce484222325ULL, path, strlen(path) + 1);
}

/* A hash of what makes two rules the same kernel rule (rule_equal): keys as a set. */
static uint64_t rule_hash(const struct rule *r) {
        uint64_t h = 0xcbf29ce484222325ULL, keys = 0;
        unsigned v[3] = { r->kind, r->perms, r->exe ? 1u + r->exe_negated : 0u };

        h = fnv(h, r->path, strlen(r->path) + 1);
        h = fnv(h, v, sizeof(v));
        if (r->exe)
                h = fnv(h, r->exe, strlen(r->exe) + 1);
        for (char **k = r->keys; k && *k; k++)
                keys += fnv(0xcbf29ce484222325ULL, *k, strlen(*k) + 1); /* order-free */
        return fnv(h, &keys, sizeof(keys));
}

/* The same without the kind, from the path's hash: equal for rules that differ in kind only. */
static uint64_t rule_hash_nokind(const struct rule *r, uint64_t h_path) {
        uint64_t h = h_path, keys = 0;
        unsigned v[2] = { r->perms, r->exe ? 1u + r->exe_negated : 0u };

        h = fnv(h, v, sizeof(v));
        if (r->exe)
                h = fnv(h, r->exe, strlen(r->exe) + 1);
        for (char **k = r->keys; k && *k; k++)
                keys += fnv(0xcbf29ce484222325ULL, *k, strlen(*k) + 1);
        return fnv(h, &keys, sizeof(keys));
}

static bool wanted(const struct reader *rd, const struct rule *r, uint64_t h_path) {
        if (!rd->keep_paths && !rd->keep_key)
                return true;
        if (rd->keep_key && rule_has_key(r, rd->keep_key))
                return true;
        /* Compare hashes first: most lines of a large rules directory concern other paths. */
        for (size_t i = 0; i < rd->n_keep; i++)
                if (rd->keep_hashes[i] == h_path && streq(rd->keep_paths[i], r->path))
                        return true;
        return false;
}

static size_t seen_slot(const struct reader *rd, uint64_t h) {
        size_t j;

        for (j = (h >> 4) & (rd->seen_cap - 1); rd->seen[j] && (rd->seen[j] & ~(uint64_t) SEEN_FLAGS) != h;
             j = (j + 1) & (rd->seen_cap - 1))
                ;
        return j;
}

static int seen_grow(struct reader *rd) {
        struct reader grown = { .seen_cap = rd->seen_cap ? rd->seen_cap * 2 : 1024 };

        grown.seen = calloc(grown.seen_cap, sizeof(*grown.seen));
        if (!grown.seen)
                return -ENOMEM;
        for (size_t i = 0; i < rd->seen_cap; i++)
                if (rd->seen[i])
                        grown.seen[seen_slot(&grown, rd->seen[i] & ~(uint64_t) SEEN_FLAGS)] = rd->seen[i];
        free(rd->seen);
        rd->seen = grown.seen;
        rd->seen_cap = grown.seen_cap;
        return 0;
}

/* Note a rule read at file:lineno; a rule that was loaded earlier goes to rd->dups. decided:
 * whether r->kind is known (for a -w rule, looked up against the file system). */
static int note_rule(struct reader *rd, const char *file, unsigned lineno, struct rule *r, uint64_t h_path,
                     bool decided) {
        uint64_t h = rule_hash_nokind(r, h_path) & ~(uint64_t) SEEN_FLAGS, *k;
        size_t seq = rd->seq++;

        /* At most three quarters full. */
        if (4 * (rd->n_seen + 1) > 3 * rd->seen_cap && seen_grow(rd) < 0)
                return -ENOMEM;
        k = &rd->seen[seen_slot(rd, h)];
        if (!*k) {
                *k = h | SEEN_USED | (decided ? 1u << r->kind : SEEN_UNDECIDED);
                rd->n_seen++;
                return 0;
        }
        /* Same hash, so the same path: one lookup decides this rule and the earlier undecided ones. */
        if (!decided)
                rule_decide_kind(rd->root, r);
        if (*k & SEEN_UNDECIDED)
                *k = (*k & ~(uint64_t) SEEN_UNDECIDED) |
                     (r->form == FORM_W ? 1u << r->kind : root_is_dir(rd->root, r->path) ? SEEN_DIR : SEEN_FILE);
        if (*k & (1u << r->kind)) {
                struct duplicate *d = reallocarray(rd->dups, rd->n_dups + 1, sizeof(*d));

                if (!d)
                        return -ENOMEM;
                rd->dups = d;
                d[rd->n_dups++] = (struct duplicate) { .hash = rule_hash(r), .seq = seq, .file = file, .line = lineno };
        }
        *k |= 1u << r->kind;
        return 0;
}

/* Troubles of a watch line that auditctl would load: 1 when it has none (the kernel would hold
 * it), 0 when one was recorded, or -ENOMEM. */
static int check_watch(struct reader *rd, struct rules_dir *d, const char *file, unsigned lineno,
                       const struct rule *r) {
        const char *slash = strrchr(r->path, '/');
        /* path_parent(), compared in place: most lines repeat the previous line's parent. */
        size_t n = slash && slash != r->path ? (size_t) (slash - r->path) : 0;
        bool same = rd->last_parent && (n ? strlen(rd->last_parent) == n && !memcmp(rd->last_parent, r->path, n)
                                          : streq(rd->last_parent, "/"));

        if (!same) {
                char *parent = path_parent(r->path);

                if (!parent)
                        return -ENOMEM;
                rd->last_parent_ok = root_is_dir(rd->root, parent);
                free(rd->last_parent);
                rd->last_parent = parent;
        }
        if (!rd->last_parent_ok)
                return add_trouble(d, file, lineno, "its parent directory does not exist");
        if (r->form == FORM_A && r->kind == WATCH_DIR && !root_is_dir(rd->root, r->path))
                return add_trouble(d, file, lineno, "dir= names a directory that does not exist");
        return 1;
}

/* Where a rule of a file loads at boot, for shadow_judge(): first (-A), or before or after our
 * fragment in augenrules' order. */
static unsigned boot_pos(const struct reader *rd, const char *path, bool prepend) {
        return prepend ? RULES_POS_FIRST
                : !rd->own_name || strverscmp(path_basename(path), rd->own_name) < 0 ? RULES_POS_BEFORE
                : RULES_POS_AFTER;
}

/* Append f (taken) to *v with where it is; on failure f is released. */
static int push_filter(const struct reader *rd, struct filter_rule **v, size_t *n, const char *path, unsigned lineno,
                       struct filter_rule *f) {
        struct filter_rule *x = reallocarray(*v, *n + 1, sizeof(*x));

        if (x)
                *v = x;
        f->file = strdup(path);
        if (!f->file || !x) {
                filter_rule_done(f);
                return -ENOMEM;
        }
        f->line = lineno;
        f->pos = boot_pos(rd, path, f->prepend);
        x[(*n)++] = *f;
        return 0;
}

/* An always rule of the exit list without keep_key that can take events on a keep path. */
static bool taker_wanted(const struct reader *rd, const struct filter_rule *f) {
        if (f->list != FILTER_LIST_EXIT || f->action != FILTER_ALWAYS)
                return false;
        for (char **k = f->keys; rd->keep_key && k && *k; k++)
                if (streq(*k, rd->keep_key))
                        return false;
        if (!rd->keep_paths)
                return true;
        for (size_t i = 0; i < rd->n_keep; i++)
                if (shadow_take_classes(f, rd->keep_paths[i], true, 0, NULL))
                        return true;
        return false;
}

/* Keep a never rule of the task or exit list, or a rule of another key that can take events on
 * our paths, with where it is and when it loads. */
static int keep_filter(const struct reader *rd, struct rules_dir *d, const char *path, unsigned lineno,
                       const char *line) {
        struct filter_rule f = {};
        int r;

        r = rule_parse_filter(line, &f);
        if (r == -ENOMEM)
                return r;
        if (r >= 0 && f.action == FILTER_NEVER && (f.list == FILTER_LIST_TASK || f.list == FILTER_LIST_EXIT))
                return push_filter(rd, &d->never, &d->n_never, path, lineno, &f);
        if (r >= 0 && taker_wanted(rd, &f))
                return push_filter(rd, &d->takers, &d->n_takers, path, lineno, &f);
        filter_rule_done(&f);
        return 0;
}

/* A watch line as the exit-list rule it loads: path= or dir= (its kind decided), perm=, exe=
 * or exe!=, auid!=unset, its keys. */
static int watch_to_filter(const struct rule *w, struct filter_rule *ret) {
        struct filter_rule f = { .list = FILTER_LIST_EXIT, .action = FILTER_ALWAYS, .all_syscalls = true };
        char perms[5];
        int r;

        r = filter_rule_add_field(&f, w->kind == WATCH_DIR ? "dir" : "path", FILTER_OP_EQ, w->path);
        if (r >= 0)
                r = filter_rule_add_field(&f, "perm", FILTER_OP_EQ, perms_to_string(w->perms, perms));
        if (r >= 0 && w->exe)
                r = filter_rule_add_field(&f, "exe", w->exe_negated ? FILTER_OP_NE : FILTER_OP_EQ, w->exe);
        if (r >= 0 && w->auid_set)
                r = filter_rule_add_field(&f, "auid", FILTER_OP_NE, "unset");
        for (char **k = w->keys; r >= 0 && k && *k; k++)
                r = strv_extend(&f.keys, *k);
        if (r < 0) {
                filter_rule_done(&f);
                return r;
        }
        *ret = f;
        return 0;
}

static int cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
        return (x > y) - (x < y);
}

static bool has_hash(const uint64_t *v, size_t n, uint64_t h) {
        return n > 0 && bsearch(&h, v, n, sizeof(uint64_t), cmp_u64);
}

/* Is a keep path at or below path (whose path_hash() is h_path), or path at or below a keep
 * path? By comparing every keep
 * path, as path_startswith_dir() both ways, for a path whose hashes say it may be; a rules
 * directory of 10,000 lines near none of them then costs one pass over each line's path. */
static bool near_keep(const struct reader *rd, const char *path, uint64_t h_path) {
        uint64_t h = 0xcbf29ce484222325ULL;
        bool maybe = false, canonical = path[0] == '/';

        for (const char *c = path; *c && canonical; c++)
                if (c[0] == '/' && (c[1] == '/' || c[1] == 0 ||
                                    (c[1] == '.' && (c[2] == '/' || c[2] == 0 || (c[2] == '.' && (c[3] == '/' || c[3] == 0))))))
                        canonical = path[1] == 0; /* "/" alone is canonical */
        if (canonical) {
                /* path, or a directory above it (each prefix ending before a '/'), a keep path? */
                for (const char *c = path; ; c++) {
                        if (c > path && (*c == '/' || *c == 0) &&
                            has_hash(rd->keep_sorted, rd->n_keep, (h ^ 0) * 0x100000001b3ULL))
                                maybe = true;
                        if (c == path + 1 && path[1] != 0 && has_hash(rd->keep_sorted, rd->n_keep, path_hash("/")))
                                maybe = true;
                        if (!*c || maybe)
                                break;
                        h = (h ^ (unsigned char) *c) * 0x100000001b3ULL;
                }
                /* path a keep path or a directory above one? */
                maybe = maybe || has_hash(rd->anc_sorted, rd->n_anc, h_path);
                if (!maybe)
                        return false;
        }
        for (size_t i = 0; i < rd->n_keep; i++)
                if (path_startswith_dir(rd->keep_paths[i], path) || path_startswith_dir(path, rd->keep_paths[i]))
                        return true;
        return false;
}

/* A watch line of another key above, at, below or beside a keep path: kept as a taker when it
 * takes events there. w's kind is decided here when it was not. */
static int keep_watch_taker(const struct reader *rd, struct rules_dir *d, const char *path, unsigned lineno,
                            struct rule *w, uint64_t h_path, bool decided) {
        struct filter_rule f = {};
        bool near = !rd->keep_paths;
        int r;

        if (rd->keep_key && rule_has_key(w, rd->keep_key))
                return 0;
        near = near || near_keep(rd, w->path, h_path);
        if (!near)
                return 0;
        if (!decided)
                rule_decide_kind(rd->root, w);
        r = watch_to_filter(w, &f);
        if (r < 0)
                return r;
        if (!taker_wanted(rd, &f)) {
                filter_rule_done(&f);
                return 0;
        }
        f.as_watch = w->form == FORM_W;
        return push_filter(rd, &d->takers, &d->n_takers, path, lineno, &f);
}

static int read_one(struct reader *rd, struct rules_dir *d, int dfd, const char *name, const char *path) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t cap = 0, total = 0;
        unsigned lineno = 0;
        struct stat st;
        ssize_t n;
        int fd, r;

        /* Read line by line: a rules directory with thousands of lines is never held whole. A
         * device or FIFO named *.rules is never opened: its type is known first (open_regular()). */
        fd = open_regular(dfd, name, O_NOFOLLOW, &st);
        if (fd == -ELOOP)
                return add_problem(d, path, "is a symbolic link: not read");
        if (fd == -EBADFD || fd == -EISDIR)
                return add_problem(d, path, "is not a regular file: not read");
        if (fd < 0)
                return add_problem(d, path, strerror(-fd));
        if (st.st_size > (off_t) RULES_FILE_MAX) {
                close(fd);
                return add_problem(d, path, errno_name(-EFBIG));
        }
        f = fdopen(fd, "r");
        if (!f) {
                close(fd);
                return -errno;
        }

        r = strv_extend(&d->files, path);
        if (r < 0)
                return r;
        path = d->files[strv_length(d->files) - 1];

        while ((n = getline(&line, &cap, f)) >= 0) {
                struct rules_line l;

                total += (size_t) n;
                if (total > RULES_FILE_MAX)
                        return add_problem(d, path, errno_name(-EFBIG));
                if (memchr(line, 0, (size_t) n))
                        return add_problem(d, path, "holds a NUL byte: not a rules file");
                if (n > 0 && line[n - 1] == '\n')
                        line[n - 1] = 0;
                lineno++;

                l = (struct rules_line) { .file = path, .line = lineno };
                r = rule_parse_line(line, &l.rule, &l.why);
                if (r < 0) {
                        l.error = r;
                        l.type = LINE_EMPTY;
                } else
                        l.type = r;
                if (l.type == LINE_EMPTY && !l.error)
                        continue;
                if (l.type == LINE_OTHER_RULE) {
                        r = keep_filter(rd, d, path, lineno, line);
                        if (r < 0)
                                return r;
                }
                if (l.type == LINE_WATCH) {
                        uint64_t h_path = path_hash(l.rule.path);
                        bool keep = wanted(rd, &l.rule, h_path);

                        /* The kind of a -w rule is looked up for the rules kept, and for the
                         * others only when note_rule() needs it. */
                        if (keep)
                                rule_decide_kind(rd->root, &l.rule);
                        r = check_watch(rd, d, path, lineno, &l.rule);
                        if (r > 0) {
                                r = note_rule(rd, path, lineno, &l.rule, h_path, keep || l.rule.form == FORM_A);
                                if (r >= 0)
                                        r = keep_watch_taker(rd, d, path, lineno, &l.rule, h_path,
                                                             keep || l.rule.form == FORM_A);
                        }
                        if (r < 0 || !keep) {
                                rule_done(&l.rule);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                }
                /* The text is kept only for the lines that are trouble. */
                if (l.error || l.type == LINE_CONTROL) {
                        l.text = strdup(line);
                        if (!l.text) {
                                rule_done(&l.rule);
                                return -ENOMEM;
                        }
                }
                if (d->n_lines == d->allocated) {
                        size_t m = d->allocated ? d->allocated * 2 : 16;
                        struct rules_line *x = reallocarray(d->lines, m, sizeof(*x));
                        if (!x) {
                                free(l.text);
                                rule_done(&l.rule);
                                return -ENOMEM;
                        }
                        d->lines = x;
                        d->allocated = m;
                }
                d->lines[d->n_lines++] = l;
        }
        if (ferror(f))
                return add_problem(d, path, strerror(EIO));
        return 0;
}

static int cmp_dup(const void *a, const void *b) {
        const struct duplicate *x = a, *y = b;
        if (x->hash != y->hash)
                return x->hash < y->hash ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The sorted hashes near_keep() looks up. 0 or -ENOMEM. */
static int near_index(struct reader *rd) {
        size_t cap = 1;

        for (size_t i = 0; i < rd->n_keep; i++)
                for (const char *c = rd->keep_paths[i]; *c; c++)
                        cap += *c == '/';
        cap += rd->n_keep;
        rd->keep_sorted = calloc(rd->n_keep + 1, sizeof(uint64_t));
        rd->anc_sorted = calloc(cap, sizeof(uint64_t));
        if (!rd->keep_sorted || !rd->anc_sorted)
                return -ENOMEM;
        memcpy(rd->keep_sorted, rd->keep_hashes, rd->n_keep * sizeof(uint64_t));
        qsort(rd->keep_sorted, rd->n_keep, sizeof(uint64_t), cmp_u64);
        rd->n_anc = 0;
        rd->anc_sorted[rd->n_anc++] = path_hash("/");
        for (size_t i = 0; i < rd->n_keep; i++) {
                const char *k = rd->keep_paths[i];
                uint64_t h = 0xcbf29ce484222325ULL;

                for (const char *c = k; ; c++) {
                        if (c > k && (*c == '/' || *c == 0) && rd->n_anc < cap)
                                rd->anc_sorted[rd->n_anc++] = (h ^ 0) * 0x100000001b3ULL;
                        if (!*c)
                                break;
                        h = (h ^ (unsigned char) *c) * 0x100000001b3ULL;
                }
        }
        qsort(rd->anc_sorted, rd->n_anc, sizeof(uint64_t), cmp_u64);
        return 0;
}

/* The same rule twice in the concatenation: the later one fails with "Rule exists". (Equal
 * 64-bit hashes of the canonical rule stand for equal rules.) Reported in the order of the
 * rule's hash, then of reading. */
static int find_duplicates(struct reader *rd, struct rules_dir *d) {
        if (rd->n_dups > 1)
                qsort(rd->dups, rd->n_dups, sizeof(*rd->dups), cmp_dup);
        for (size_t i = 0; i < rd->n_dups; i++) {
                int r = add_trouble(d, rd->dups[i].file, rd->dups[i].line,
                                    "the same rule is loaded earlier (\"Rule exists\")");
                if (r < 0)
                        return r;
        }
        return 0;
}

int rules_dir_unreadable(const char *dir, int err, struct rules_dir *ret) {
        _cleanup_free_ char *msg = NULL;
        struct rules_dir d = {};
        int r;

        if (asprintf(&msg, "cannot be read: %s: rules other files already hold were not looked for",
                     errno_name(err)) < 0)
                return -ENOMEM;
        d.dir = strdup(dir);
        d.files = calloc(1, sizeof(char *));
        r = d.dir && d.files ? add_problem(&d, dir, msg) : -ENOMEM;
        if (r < 0) {
                rules_dir_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

int rules_dir_read(const struct root *root, const char *dir_real, const char *display_dir, const char *own_name,
                   struct rules_dir *ret) {
        return rules_dir_read_filtered(root, dir_real, display_dir, own_name, NULL, NULL, ret);
}

const char *fragment_name_for(enum rule_order order) {
        return order == ORDER_FIRST ? FRAGMENT_NAME_FIRST : FRAGMENT_NAME;
}

int rules_dir_read_filtered(const struct root *root, const char *dir_real, const char *display_dir,
                            const char *own_name, char * const *keep_paths, const char *keep_key,
                            struct rules_dir *ret) {
        return rules_dir_read_except(root, dir_real, display_dir, own_name, NULL, keep_paths, keep_key, ret);
}

int rules_dir_read_except(const struct root *root, const char *dir_real, const char *display_dir,
                          const char *own_name, const char *old_name, char * const *keep_paths,
                          const char *keep_key, struct rules_dir *ret) {
        struct reader rd = { .root = root, .keep_paths = keep_paths, .keep_key = keep_key, .own_name = own_name,
                             .old_name = old_name };
        struct rules_dir d = {};
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_close_ int dfd = -1;
        int r;

        d.dir = strdup(dir_real);
        d.files = calloc(1, sizeof(char *));
        if (!d.dir || !d.files) {
                rules_dir_done(&d);
                return -ENOMEM;
        }
        dfd = open(dir_real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                r = -errno;
                if (r == -ENOENT) {
                        *ret = d;
                        return 0;
                }
                rules_dir_done(&d);
                /* Unprivileged --print or --check: say what could not be checked. */
                return r == -EACCES ? rules_dir_unreadable(dir_real, r, ret) : r;
        }
        {
                struct root real_root = { .dir = (char *) "/", .live = true };
                r = root_list_dir(&real_root, dir_real, &names);
        }
        if (r < 0) {
                rules_dir_done(&d);
                /* Unprivileged --print or --check: say what could not be checked. */
                return r == -EACCES ? rules_dir_unreadable(dir_real, r, ret) : r;
        }
        qsort(names, strv_length(names), sizeof(char *), cmp_version);
        rd.n_keep = keep_paths ? strv_length(keep_paths) : 0;
        rd.keep_hashes = calloc(rd.n_keep + 1, sizeof(uint64_t));
        if (!rd.keep_hashes) {
                rules_dir_done(&d);
                return -ENOMEM;
        }
        for (size_t i = 0; i < rd.n_keep; i++)
                rd.keep_hashes[i] = path_hash(keep_paths[i]);
        r = near_index(&rd);
        if (r < 0) {
                free(rd.keep_hashes);
        free(rd.keep_sorted);
        free(rd.anc_sorted);
                rules_dir_done(&d);
                return r;
        }
        for (char **n = names; *n; n++) {
                _cleanup_free_ char *path = NULL;

                if (!endswith(*n, ".rules") || (own_name && streq(*n, own_name)) ||
                    (rd.old_name && streq(*n, rd.old_name)))
                        continue;
                path = path_join(display_dir ? display_dir : dir_real, *n);
                if (!path) {
                        r = -ENOMEM;
                        break;
                }
                r = read_one(&rd, &d, dfd, *n, path);
                if (r < 0)
                        break;
        }
        if (r >= 0)
                r = find_duplicates(&rd, &d);
        free(rd.keep_hashes);
        free(rd.keep_sorted);
        free(rd.anc_sorted);
        free(rd.seen);
        free(rd.dups);
        free(rd.last_parent);
        if (r < 0) {
                rules_dir_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}
