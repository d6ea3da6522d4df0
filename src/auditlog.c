/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <auparse.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>

#include "auditlog.h"
#include "util.h"

/* auparse reads a line into a buffer of this size (MAX_AUDIT_MESSAGE_LENGTH) and treats the
 * rest of a longer line as a line of its own: such lines are dropped here whole. */
#define LINE_MAX_BYTES 8970
#define CHUNK (256 * 1024)

/* libauparse is opened when a log is first read (--report, --probe's look in auditd's log), not
 * when the program starts: install and --check never read a log, and linking it would cost each
 * of them the library's pages and relocations. The soname is the one Debian's libauparse0 and
 * Fedora's audit-libs ship (the major version has been 0 since audit 2.0). */
#define AUPARSE_SONAME "libauparse.so.0"
#define AUPARSE_SYMBOLS(X) \
        X(auparse_destroy) \
        X(auparse_find_field) \
        X(auparse_first_field) \
        X(auparse_first_record) \
        X(auparse_get_field_name) \
        X(auparse_get_field_str) \
        X(auparse_get_milli) \
        X(auparse_get_serial) \
        X(auparse_get_time) \
        X(auparse_get_type) \
        X(auparse_init) \
        X(auparse_interpret_field) \
        X(auparse_next_field) \
        X(auparse_next_event) \
        X(auparse_next_record) \
        X(auparse_set_escape_mode)

#define DECLARE_SYM(f) static typeof(f) *sym_##f;
AUPARSE_SYMBOLS(DECLARE_SYM)
#undef DECLARE_SYM

int auditlog_dlopen(void) {
        static void *dl;
        static int error;
        void *h;

        if (dl)
                return 0;
        if (error)
                return error;
        h = dlopen(AUPARSE_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (!h) {
                fprintf(stderr, "docker-audit-rules: cannot open %s (%s): audit logs cannot be read; install "
                        "libauparse0 (Debian) or audit-libs (Fedora, RHEL)\n", AUPARSE_SONAME, dlerror());
                return error = -ELIBACC;
        }
#define LOAD_SYM(f) \
        if (!(sym_##f = (typeof(f) *) dlsym(h, #f))) { \
                fprintf(stderr, "docker-audit-rules: %s has no %s\n", AUPARSE_SONAME, #f); \
                dlclose(h); \
                return error = -ELIBBAD; \
        }
        AUPARSE_SYMBOLS(LOAD_SYM)
#undef LOAD_SYM
        dl = h;
        return 0;
}

static const char *const kind_names[_AUDIT_EVENT_KIND_MAX] = {
        [AUDIT_EVENT_SYSCALL] = "syscall",
        [AUDIT_EVENT_RULE_ADDED] = "rule-added",
        [AUDIT_EVENT_RULE_REMOVED] = "rule-removed",
        [AUDIT_EVENT_ENABLED] = "enabled-changed",
        [AUDIT_EVENT_DAEMON_START] = "auditd-started",
        [AUDIT_EVENT_DAEMON_END] = "auditd-stopped",
        [AUDIT_EVENT_DAEMON_ABORT] = "auditd-aborted",
        [AUDIT_EVENT_OTHER] = "other",
};

const char *audit_event_kind_name(enum audit_event_kind k) {
        return k < _AUDIT_EVENT_KIND_MAX ? kind_names[k] : NULL;
}

static const char *const nametype_names[_NAMETYPE_MAX] = {
        [NAMETYPE_NORMAL] = "NORMAL",
        [NAMETYPE_PARENT] = "PARENT",
        [NAMETYPE_CREATE] = "CREATE",
        [NAMETYPE_DELETE] = "DELETE",
        [NAMETYPE_UNKNOWN] = "UNKNOWN",
};

const char *audit_nametype_name(enum audit_nametype t) {
        return t < _NAMETYPE_MAX ? nametype_names[t] : NULL;
}

enum audit_nametype audit_nametype_from_string(const char *s) {
        for (enum audit_nametype t = 0; s && t < NAMETYPE_UNKNOWN; t++)
                if (streq(s, nametype_names[t]))
                        return t;
        return NAMETYPE_UNKNOWN;
}

void audit_event_done(struct audit_event *e) {
        free(e->key);
        free(e->syscall);
        free(e->exe);
        free(e->comm);
        free(e->cmdline);
        free(e->cwd);
        free(e->uid_name);
        free(e->auid_name);
        free(e->euid_name);
        free(e->tty);
        free(e->op);
        for (size_t i = 0; i < e->n_paths; i++)
                free(e->paths[i].name);
        free(e->paths);
        *e = (struct audit_event) {};
}

/* Records of one event that reach libauparse: it keeps the records of the events still open in
 * lists it walks for each record added, so n records of open events cost it n^2 steps (one
 * event of 200,000 PATH records: minutes). The kernel writes one PATH record per name a system
 * call looked up, a handful, and auditd writes an event's records together, at most a few events
 * interleaved. So, before libauparse sees them:
 *  - records of types the reader never reads (EXECVE, AVC, ...) are dropped;
 *  - of one event, records beyond the first AUDIT_EVENT_PATHS_MAX PATH records and the first
 *    AUDIT_EVENT_OTHERS_MAX of the other types are dropped and counted;
 *  - the events counted at once are the EVENT_SLOTS seen last; the one seen longest ago makes room
 *    for a new one and is then closed: a record of it that comes after is dropped and counted too.
 *    Closed events are remembered in two generations of CLOSED_SLOTS / 2 each (a 64-bit hash of
 *    the event's name), so that coming back costs at least that many other events first. */
#define EVENT_SLOTS 16
#define CLOSED_SLOTS 32768u

/* The longest event name ("node=NAME " and "msg=audit(SEC.MSEC:SERIAL)") the reader follows:
 * a host name is at most 255 bytes. Records of events with longer names are left out, counted. */
#define EVENT_NAME_MAX 320

/* Whether an event's records go to libauparse: decided by its first record that says (the
 * SYSCALL record's key, a PATH record's name, a CONFIG_CHANGE or DAEMON_* record); until then
 * its records wait in the slot's held buffer. */
enum event_selection {
        SEL_UNDECIDED,
        SEL_KEEP,
        SEL_DROP,
};

/* What an undecided event may hold back: more than this and it is kept (libauparse decides). */
#define HELD_MAX (32 * 1024)
/* The longest cwd the prefilter joins a relative name to; a longer one keeps the event. */
#define CWD_MAX 4096

struct event_count {
        unsigned long long id;  /* hash of the node and "SEC.MSEC:SERIAL"; slot unused when last_use is 0 */
        unsigned long long last_use;
        size_t paths, others;
        bool cut;
        bool ended;             /* its PROCTITLE (a system call's last record) or EOE was seen */
        char eoe[EVENT_NAME_MAX + 16];  /* its EOE record line, newline included */
        size_t eoe_len;
        enum event_selection sel;
        size_t held_cut;        /* records cut while undecided: counted if it is kept */
};

/* A set of closed events' hashes, open addressing; bit 0 of an entry: its cut was counted (or it
 * was not selected: its records are dropped uncounted, bit 1). */
struct closed_set {
        unsigned long long *slots;  /* CLOSED_SLOTS, 0 empty */
        size_t n;
};

/* One component of watched paths: the path up to it is watched itself (watched), or with every
 * path below it (recursive). Children are linked from first_child through next. */
struct watch_node {
        char *name;           /* the component, without slashes; NULL for "/" */
        size_t len;
        size_t first_child, next;   /* indexes into watch_nodes; 0: none */
        bool watched, recursive;
};

struct audit_reader {
        FILE *in;             /* the input as given */
        bool own_in;
        FILE *filtered;       /* what auparse reads: the input without damaged lines */
        auparse_state_t *au;
        bool started;
        size_t damaged;
        int read_error;       /* -errno of the underlying input, 0 */
        char *chunk;          /* CHUNK + LINE_MAX_BYTES: a carried partial line, then new data */
        size_t carry;         /* bytes of a partial line at the start of chunk */
        bool discarding;      /* inside an over-long line: drop until its newline */
        char *out;            /* good lines ready for auparse */
        size_t out_len, out_off, out_cap;
        struct event_count events[EVENT_SLOTS];
        unsigned long long tick;
        size_t last_slot;
        struct closed_set closed[2];  /* [0] the current generation, [1] the one before */
        size_t records_cut, events_cut;
        /* The selection (struct audit_filter), copied. */
        char *key_field;      /* ' key="KEY"', the bytes of a SYSCALL record with our key */
        size_t key_field_len;
        time_t since, until;
        /* The watched paths (normalised, absolute) as a tree of their components: node 0 is "/". */
        struct watch_node *watch_nodes;
        size_t n_watch_nodes;
        size_t n_watches;
        /* Per slot of events[]: the records held back while undecided, and the event's cwd. */
        char *held[EVENT_SLOTS];
        size_t held_len[EVENT_SLOTS], held_cap[EVENT_SLOTS];
        /* Held lines still where they were read, in chunk, after those of held[]: an event's
         * records come one after another, and most events are dropped before the chunk is
         * read again, so they are copied only then (held_keep()). */
        const char *held_ref[EVENT_SLOTS];
        size_t held_ref_len[EVENT_SLOTS];
        char cwd[EVENT_SLOTS][CWD_MAX];
        size_t cwd_len[EVENT_SLOTS];   /* 0: not known */
        char name_buf[2 * CWD_MAX + LINE_MAX_BYTES];
        /* What libauparse said of ids and system call numbers lately: its interpretation looks
         * each field's type up by name, and the user database, for every record. */
        struct {
                long long id;
                char *name;
        } id_names[16];
        struct {
                char key[40];           /* "ARCH/NUMBER" as recorded */
                char *name;
        } syscall_names[64];
        /* The last key and tty fields' values as recorded and as libauparse interprets them. */
        struct interpreted {
                char *raw, *value;
        } key_seen, tty_seen;
        char arch[24];                  /* the arch field of the record being read */
        /* The last stamp read ("SEC.MSEC:SERIAL)"), and what it says: line_is_record(). */
        char slim[LINE_MAX_BYTES + 2];  /* slim_record()'s line */
        char stamp[48];
        size_t stamp_len;               /* 0: none */
        time_t stamp_sec;
        unsigned long long stamp_value;
        /* The stamp's SEC, MSEC and SERIAL, when each fits in its number (stamp_ordered), and the
         * latest of the events without a node seen so far (seen_order, any_seen): an event later
         * than every one before it is new, not one closed (event_count_of()). */
        unsigned long long stamp_order[3], seen_order[3];
        bool stamp_ordered, any_seen;
};

/* Does a line start the way every record auditd writes does:
 * "[node=NAME ]type=TYPE msg=audit(SEC.MSEC:SERIAL): "? With *ret_type (TYPE, its length in
 * *ret_type_len) and *ret_id_len: the bytes from the line's start to SERIAL's end, which name
 * the event. */
static bool line_is_record(struct audit_reader *r, const char *p, size_t n, const char **ret_type, size_t *ret_type_len,
                           size_t *ret_id_len, time_t *ret_sec, unsigned long long *ret_stamp) {
        const char *start = p, *end = p + n, *q;
        unsigned long long parts[3] = {};

        if (n > 5 && memcmp(p, "node=", 5) == 0) {
                q = memchr(p, ' ', n);
                if (!q)
                        return false;
                p = q + 1;
        }
        if ((size_t) (end - p) < 5 || memcmp(p, "type=", 5) != 0)
                return false;
        q = memchr(p, ' ', end - p);
        if (!q || q == p + 5)
                return false;
        *ret_type = p + 5;
        *ret_type_len = q - (p + 5);
        p = q + 1;
        if ((size_t) (end - p) < 10 || memcmp(p, "msg=audit(", 10) != 0)
                return false;
        p += 10;
        /* An event's records come one after another: the same stamp as the line before is not
         * read again. */
        if (r->stamp_len > 0 && (size_t) (end - p) > r->stamp_len && memcmp(p, r->stamp, r->stamp_len) == 0) {
                p += r->stamp_len;
                *ret_id_len = p - start;
                *ret_sec = r->stamp_sec;
                *ret_stamp = r->stamp_value;
                return *p == ':';
        }
        q = p;
        bool ordered = true;
        for (int part = 0; part < 3; part++) {
                const char *digits = p;
                while (p < end && *p >= '0' && *p <= '9') {
                        parts[part] = parts[part] * 10 + (unsigned) (*p - '0');
                        p++;
                }
                if (p == digits || p >= end || *p != (part == 0 ? '.' : part == 1 ? ':' : ')'))
                        return false;
                ordered = ordered && p - digits <= 19;   /* 10^19 - 1 < 2^64 */
                p++;
        }
        *ret_id_len = p - start;
        /* An event's name as a number: SEC.MSEC:SERIAL mixed (a longer number wraps, which at worst
         * joins two events' counts). */
        *ret_sec = (time_t) (parts[0] & ((1ULL << 40) - 1));
        *ret_stamp = (parts[0] * 1000 + parts[1]) * 0x9E3779B97F4A7C15ULL ^ parts[2] * 0xC2B2AE3D27D4EB4FULL;
        if ((size_t) (p - q) <= sizeof(r->stamp)) {
                memcpy(r->stamp, q, p - q);
                r->stamp_len = p - q;
                r->stamp_sec = *ret_sec;
                r->stamp_value = *ret_stamp;
                memcpy(r->stamp_order, parts, sizeof(parts));
                r->stamp_ordered = ordered;
        } else {
                r->stamp_len = 0;
                r->stamp_ordered = false;
        }
        return p < end && *p == ':';
}

#define CLOSED_CUT 1ULL
#define CLOSED_DROPPED 2ULL
#define CLOSED_BITS (CLOSED_CUT | CLOSED_DROPPED)

static unsigned long long closed_key(unsigned long long id) {
        return (id & ~CLOSED_BITS) ? (id & ~CLOSED_BITS) : 4;
}

/* Where a key's probe starts: its low bits are the entry's flags, not the hash's. */
static size_t closed_index(unsigned long long k) {
        return (size_t) (k >> 2) % CLOSED_SLOTS;
}

/* The entry of id in set c, or NULL. */
static unsigned long long *closed_find(const struct closed_set *c, unsigned long long id) {
        unsigned long long k = closed_key(id);

        for (size_t i = closed_index(k); c->slots && c->slots[i]; i = (i + 1) % CLOSED_SLOTS)
                if ((c->slots[i] & ~CLOSED_BITS) == k)
                        return &c->slots[i];
        return NULL;
}

/* Remember id as closed; a full generation becomes the previous one. 0 or -ENOMEM. */
static int closed_add(struct audit_reader *r, unsigned long long id, unsigned long long bits) {
        struct closed_set *c = &r->closed[0];
        size_t i;

        if (c->n >= CLOSED_SLOTS / 2) {
                free(r->closed[1].slots);
                r->closed[1] = *c;
                *c = (struct closed_set) {};
        }
        if (!c->slots && !(c->slots = calloc(CLOSED_SLOTS, sizeof(*c->slots))))
                return -ENOMEM;
        for (i = closed_index(closed_key(id)); c->slots[i]; i = (i + 1) % CLOSED_SLOTS)
                if ((c->slots[i] & ~CLOSED_BITS) == closed_key(id))
                        return 0;
        c->slots[i] = closed_key(id) | bits;
        c->n++;
        return 0;
}

static int out_put(struct audit_reader *r, const char *p, size_t n) {
        if (r->out_len + n > r->out_cap) {
                size_t cap = r->out_cap * 2 >= r->out_len + n ? r->out_cap * 2 : r->out_len + n;
                char *m = realloc(r->out, cap);
                if (!m)
                        return -ENOMEM;
                r->out = m, r->out_cap = cap;
        }
        memcpy(r->out + r->out_len, p, n);
        r->out_len += n;
        return 0;
}

/* Nothing held back for slot's event any more. */
static void held_clear(struct audit_reader *r, size_t slot) {
        r->held_len[slot] = 0;
        r->held_ref_len[slot] = 0;
}

/* The count of the event a record belongs to: the last one's, another in the table, or a new
 * one in the slot of the event seen longest ago, which is closed: libauparse keeps an event open
 * until its last record (auditd does not write EOE records), so an EOE record is handed to it for
 * a closed event it was given that had not ended; the records an undecided event held back are
 * dropped with it. NULL for a closed event (or when memory runs out: the record is dropped, and
 * counted, too). */
/* Is the stamp just read (line_is_record()) of an event without a node later than every such
 * event seen before? Then it was not seen: not one closed either. */
static bool stamp_later_than_seen(const struct audit_reader *r) {
        if (!r->stamp_ordered)
                return false;
        if (!r->any_seen)
                return true;
        for (int i = 0; i < 3; i++)
                if (r->stamp_order[i] != r->seen_order[i])
                        return r->stamp_order[i] > r->seen_order[i];
        return false;
}

static struct event_count *event_count_of(struct audit_reader *r, unsigned long long id, bool has_node) {
        struct event_count *e = &r->events[r->last_slot], *oldest = NULL;

        r->tick++;
        if (!e->last_use || e->id != id) {
                e = NULL;
                for (size_t i = 0; i < EVENT_SLOTS; i++) {
                        struct event_count *x = &r->events[i];
                        if (x->last_use && x->id == id) {
                                e = x;
                                break;
                        }
                        if (!oldest || x->last_use < oldest->last_use)
                                oldest = x;
                }
                if (!e) {
                        size_t slot = oldest - r->events;
                        /* The closed sets are large and looked up at random: asked only when the
                         * event may have been seen. */
                        bool later = !has_node && stamp_later_than_seen(r);
                        if (!later && (closed_find(&r->closed[0], id) || closed_find(&r->closed[1], id)))
                                return NULL;
                        if (oldest->last_use) {
                                bool kept = oldest->sel == SEL_KEEP;
                                if (closed_add(r, oldest->id, kept ? (oldest->cut ? CLOSED_CUT : 0) : CLOSED_BITS) < 0 ||
                                    (kept && !oldest->ended && out_put(r, oldest->eoe, oldest->eoe_len) < 0))
                                        return NULL;
                        }
                        e = oldest;
                        /* Every field but the EOE line's bytes, which eoe_len says are not there. */
                        e->id = id;
                        e->paths = e->others = 0;
                        e->cut = e->ended = false;
                        e->eoe_len = 0;
                        e->sel = SEL_UNDECIDED;
                        e->held_cut = 0;
                        held_clear(r, slot);
                        r->cwd_len[slot] = 0;
                        if (later) {
                                memcpy(r->seen_order, r->stamp_order, sizeof(r->seen_order));
                                r->any_seen = true;
                        }
                        /* It is added to the closed set when it makes room, some events from now:
                         * the entry its probe starts at is fetched meanwhile. */
                        if (r->closed[0].slots)
                                __builtin_prefetch(&r->closed[0].slots[closed_index(closed_key(id))], 1);
                }
        }
        e->last_use = r->tick;
        r->last_slot = e - r->events;
        return e;
}

enum record_use {
        RECORD_UNUSED,
        RECORD_PATH,
        RECORD_SYSCALL,
        RECORD_CWD,
        RECORD_PROCTITLE,
        RECORD_EOE,
        RECORD_AUDIT,      /* CONFIG_CHANGE, DAEMON_*: the audit system's own, always kept */
        RECORD_UNKNOWN,    /* auditd names a type it does not know UNKNOWN[N]: kept with its event */
};

/* What the reader does with a record of this type (take_record(), EOE which ends an event).
 * Looked at by length first: one comparison for most records. */
static enum record_use record_use(const char *type, size_t len) {
#define IS(name) (memcmp(type, name, sizeof(name) - 1) == 0)
        switch (len) {
        case 3:
                return IS("CWD") ? RECORD_CWD : IS("EOE") ? RECORD_EOE : RECORD_UNUSED;
        case 4:
                return IS("PATH") ? RECORD_PATH : RECORD_UNUSED;
        case 7:
                return IS("SYSCALL") ? RECORD_SYSCALL : RECORD_UNUSED;
        case 9:
                return IS("PROCTITLE") ? RECORD_PROCTITLE : RECORD_UNUSED;
        case 10:
                return IS("DAEMON_END") ? RECORD_AUDIT : RECORD_UNUSED;
        case 12:
                return IS("DAEMON_START") || IS("DAEMON_ABORT") ? RECORD_AUDIT : RECORD_UNUSED;
        case 13:
                return IS("CONFIG_CHANGE") ? RECORD_AUDIT : RECORD_UNUSED;
        default:
                break;
        }
#undef IS
        if (len > 8 && memcmp(type, "UNKNOWN[", 8) == 0)
                return RECORD_UNKNOWN;
        return RECORD_UNUSED;
}

/* A hex digit's value, or -1: one look-up, not three ranges compared (the kernel writes a
 * PROCTITLE and many names in hex, two digits a byte). */
static int unhex_digit(char c) {
#define HEX(d, v) [d] = (v) + 1
        static const unsigned char value_plus_one[256] = {
                HEX('0', 0), HEX('1', 1), HEX('2', 2), HEX('3', 3), HEX('4', 4), HEX('5', 5), HEX('6', 6),
                HEX('7', 7), HEX('8', 8), HEX('9', 9), HEX('A', 10), HEX('B', 11), HEX('C', 12), HEX('D', 13),
                HEX('E', 14), HEX('F', 15), HEX('a', 10), HEX('b', 11), HEX('c', 12), HEX('d', 13), HEX('e', 14),
                HEX('f', 15),
        };
#undef HEX
        return (int) value_plus_one[(unsigned char) c] - 1;
}

/* strtoull(v, NULL, base) for base 10 or 16, read here when v is only digits of that base and
 * too few to overflow (as the kernel writes them: %lx, %lu, %d), by strtoull() otherwise. */
static unsigned long long parse_unsigned(const char *v, unsigned base) {
        unsigned long long n = 0;
        size_t i;

        for (i = 0; i < (base == 16 ? 16 : 19); i++) {
                int d = base == 16 ? unhex_digit(v[i]) : v[i] >= '0' && v[i] <= '9' ? v[i] - '0' : -1;
                if (d < 0)
                        break;
                n = n * base + (unsigned) d;
        }
        if (i > 0 && v[i] == 0)
                return n;
        return strtoull(v, NULL, (int) base);
}

/* The value of field name (" name=", with its space) in line[0, n), looked for at at first: quoted (its bytes), or
 * hex-encoded (decoded into buf, at most cap bytes). *ret_hex says which. -ENOENT when absent or
 * "(null)", -E2BIG when it does not fit, -EINVAL when damaged. */
static int field_value(const char *line, size_t n, const char *at, const char *field, char *buf, size_t cap,
                       const char **ret, size_t *ret_len) {
        size_t flen = strlen(field);
        const char *end = line + n, *p, *v;

        /* Where the field is when the record is as the kernel writes it (at; NULL: not known).
         * The header before it holds no space a field could follow, so it is the first one too. */
        if (at && (size_t) (end - at) >= flen && memcmp(at, field, flen) == 0)
                p = at;
        else
                p = memmem(line, n, field, flen);

        if (!p)
                return -ENOENT;
        v = p + flen;
        if (v < end && *v == '"') {
                const char *q = memchr(v + 1, '"', end - v - 1);
                if (!q)
                        return -EINVAL;
                *ret = v + 1;
                *ret_len = q - v - 1;
                return 0;
        }
        if ((size_t) (end - v) >= 6 && memcmp(v, "(null)", 6) == 0)
                return -ENOENT;
        size_t k = 0;
        for (const char *q = v; q < end && *q != ' ' && *q != '\x1d'; q += 2) {
                int hi, lo;
                if (q + 1 >= end)
                        return -EINVAL;
                hi = unhex_digit(q[0]), lo = unhex_digit(q[1]);
                if (hi < 0 || lo < 0)
                        return -EINVAL;
                if (k >= cap)
                        return -E2BIG;
                buf[k++] = (char) (hi << 4 | lo);
        }
        *ret = buf;
        *ret_len = k;
        return 0;
}

/* The child of node parent named c[0, n), or 0. */
static size_t watch_child(const struct audit_reader *r, size_t parent, const char *c, size_t n) {
        for (size_t i = r->watch_nodes[parent].first_child; i != 0; i = r->watch_nodes[i].next)
                if (r->watch_nodes[i].len == n && memcmp(r->watch_nodes[i].name, c, n) == 0)
                        return i;
        return 0;
}

/* Is this name (a PATH record's, joined to the event's cwd when relative) one of the watched
 * paths, or below a recursive one? Names the bytes cannot settle (a relative name without a
 * known cwd, ".", ".." or "//" in it, a NUL) are said to be, so that the report decides. The
 * name's components are followed down the tree of the watched paths' components as far as it
 * goes. */
static bool name_watched(struct audit_reader *r, size_t slot, const char *name, size_t n) {
        char *buf = r->name_buf;
        size_t len = 0, node = 0;

        if (n == 0 || memchr(name, 0, n))
                return true;
        if (name[0] != '/') {
                if (r->cwd_len[slot] == 0)
                        return true;
                memcpy(buf, r->cwd[slot], r->cwd_len[slot]);
                len = r->cwd_len[slot];
                buf[len++] = '/';
        }
        if (len + n >= sizeof(r->name_buf))
                return true;
        memmove(buf + len, name, n);
        len += n;
        while (len > 1 && buf[len - 1] == '/')
                len--;
        buf[len] = 0;
        /* "//", "/./", "/../", or a last "/." or "/..": most names have no "//" and no "/." at all. */
        if (strstr(buf, "//"))
                return true;
        for (const char *q = strstr(buf, "/."); q; q = strstr(q + 1, "/."))
                if (q[2] == '/' || q[2] == 0 || (q[2] == '.' && (q[3] == '/' || q[3] == 0)))
                        return true;
        /* buf starts with a slash (the cwd is absolute); "/" has no component. */
        if (len == 1)
                return r->watch_nodes[0].watched;
        for (const char *c = buf + 1, *end = buf + len, *ce; c <= end; c = ce + 1) {
                if (r->watch_nodes[node].recursive)
                        return true;
                ce = memchr(c, '/', end - c) ?: end;
                node = watch_child(r, node, c, ce - c);
                if (node == 0)
                        return false;   /* no watch here or below */
                if (ce == end && r->watch_nodes[node].watched)
                        return true;
        }
        return false;
}

/* Add path (absolute) to the tree of watched paths. "/" is node 0 itself; every other path's
 * components follow it, a last empty one (a trailing slash) included, which no name reaches (a
 * name with an empty component is said to be watched before). 0 or -ENOMEM. */
static int watch_add(struct audit_reader *r, const char *path, bool recursive) {
        size_t node = 0;

        for (const char *c = path + 1, *ce; !streq(path, "/"); c = ce + 1) {
                size_t child;

                ce = strchrnul(c, '/');
                child = watch_child(r, node, c, ce - c);
                if (child == 0) {
                        struct watch_node *a = realloc(r->watch_nodes, (r->n_watch_nodes + 1) * sizeof(*a));
                        char *name = strndup(c, ce - c);
                        if (a)
                                r->watch_nodes = a;
                        if (!a || !name) {
                                free(name);
                                return -ENOMEM;
                        }
                        child = r->n_watch_nodes++;
                        a[child] = (struct watch_node) { .name = name, .len = ce - c, .next = a[node].first_child };
                        a[node].first_child = child;
                }
                node = child;
                if (*ce == 0)
                        break;
        }
        r->watch_nodes[node].watched = true;
        r->watch_nodes[node].recursive = r->watch_nodes[node].recursive || recursive;
        return 0;
}

/* Append n bytes to what slot holds in its own buffer. 0 or -ENOMEM. */
static int held_append(struct audit_reader *r, size_t slot, const char *p, size_t n) {
        if (r->held_len[slot] + n > r->held_cap[slot]) {
                size_t cap = r->held_cap[slot] ? r->held_cap[slot] * 2 : 4096;
                char *m;
                while (cap < r->held_len[slot] + n)
                        cap *= 2;
                m = realloc(r->held[slot], cap);
                if (!m)
                        return -ENOMEM;
                r->held[slot] = m, r->held_cap[slot] = cap;
        }
        memcpy(r->held[slot] + r->held_len[slot], p, n);
        r->held_len[slot] += n;
        return 0;
}

/* Copy the lines slot holds in chunk into its own buffer. 0 or -ENOMEM. */
static int held_keep(struct audit_reader *r, size_t slot) {
        int k = 0;

        if (r->held_ref_len[slot] > 0)
                k = held_append(r, slot, r->held_ref[slot], r->held_ref_len[slot]);
        r->held_ref_len[slot] = 0;
        return k;
}

/* Before chunk is written again: every slot's lines still in it copied. 0 or -ENOMEM. */
static int held_keep_all(struct audit_reader *r) {
        for (size_t i = 0; i < EVENT_SLOTS; i++)
                if (held_keep(r, i) < 0)
                        return -ENOMEM;
        return 0;
}

static size_t held_total(const struct audit_reader *r, size_t slot) {
        return r->held_len[slot] + r->held_ref_len[slot];
}

/* Hold back line[0, n) (in chunk) for slot's event: where it is, when it follows the lines held
 * there. 0 or -ENOMEM. */
static int hold(struct audit_reader *r, size_t slot, const char *line, size_t n) {
        if (r->held_ref_len[slot] > 0 && r->held_ref[slot] + r->held_ref_len[slot] == line) {
                r->held_ref_len[slot] += n;
                return 0;
        }
        if (held_keep(r, slot) < 0)
                return -ENOMEM;
        r->held_ref[slot] = line;
        r->held_ref_len[slot] = n;
        return 0;
}

static int out_put_slim(struct audit_reader *r, const char *line, size_t n);

/* The event is selected: what it held back goes to libauparse, with its cut counted. */
static int select_event(struct audit_reader *r, struct event_count *e) {
        size_t slot = e - r->events;

        e->sel = SEL_KEEP;
        if (e->held_cut > 0) {
                r->records_cut += e->held_cut;
                r->events_cut++;
        }
        for (int part = 0; part < 2; part++) {
                const char *l = part == 0 ? r->held[slot] : r->held_ref[slot], *end, *nl;
                if (!l)
                        continue;
                for (end = l + (part == 0 ? r->held_len[slot] : r->held_ref_len[slot]); l < end; l = nl + 1) {
                        nl = memchr(l, '\n', end - l);
                        if (out_put_slim(r, l, nl + 1 - l) < 0)
                                return -ENOMEM;
                }
        }
        held_clear(r, slot);
        return 0;
}

/* Does a SYSCALL record carry our key? A key the kernel wrote in hex (several keys, or odd
 * bytes) is said to, so that libauparse decides. */
static bool syscall_has_key(const struct audit_reader *r, const char *line, size_t n) {
        /* The kernel writes the key last (audit_log_exit(), kernel/auditsc.c), before the
         * fields auditd's enriched format adds after a 0x1d byte; its value holds no space. */
        const char *raw_end = memchr(line, '\x1d', n) ?: line + n, *p;

        while (raw_end > line && raw_end[-1] == '\n')
                raw_end--;
        p = memrchr(line, ' ', raw_end - line);
        if (!p || raw_end - p < 5 || memcmp(p, " key=", 5) != 0)
                p = memmem(line, n, " key=", 5);

        if (!p)
                return false;
        if (p[5] != '"')
                return (size_t) (line + n - p) >= 11 ? memcmp(p + 5, "(null)", 6) != 0 : true;
        return r->key_field && (size_t) (line + n - p) >= r->key_field_len &&
               memcmp(p, r->key_field, r->key_field_len) == 0 &&
               ((size_t) (line + n - p) == r->key_field_len || p[r->key_field_len] == ' ' ||
                p[r->key_field_len] == '\x1d' || p[r->key_field_len] == '\n');
}

/* The fields of a SYSCALL or PATH record that audit_reader_next() reads (or that libauparse
 * reads to interpret them: arch for syscall, the enriched AUID=, UID=, EUID=, ARCH=, SYSCALL= for
 * the names; items, which says how many PATH records follow). libauparse copies every field of a
 * record it parses, so the others are left out before it sees them. */
static bool field_read(enum record_use use, const char *name, size_t len) {
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, sizeof(s) - 1) == 0)
        if (use == RECORD_PATH)
                return IS("name") || IS("inode") || IS("nametype") || IS("item");
        switch (name[0]) {
        case 'a':
                return len == 2 ? name[1] >= '0' && name[1] <= '3' : IS("arch") || IS("auid");
        case 'c':
                return IS("comm");
        case 'e':
                return IS("exit") || IS("exe") || IS("euid");
        case 'i':
                return IS("items");
        case 'k':
                return IS("key");
        case 'p':
                return IS("pid") || IS("ppid");
        case 's':
                return IS("syscall") || IS("success") || IS("ses");
        case 't':
                return IS("tty");
        case 'u':
                return IS("uid");
        case 'A':
                return IS("ARCH") || IS("AUID");
        case 'E':
                return IS("EUID");
        case 'S':
                return IS("SYSCALL");
        case 'U':
                return IS("UID");
        default:
                return false;
        }
#undef IS
}

/* line[0, n) (newline included, its header id_len bytes) with only the fields field_read() keeps,
 * in r->slim: *line and *n changed. Records of other types, and lines not as the kernel writes
 * them, are left whole. */
static void slim_record(struct audit_reader *r, enum record_use use, size_t id_len, const char **line, size_t *n) {
        const char *p = *line, *end = *line + *n - 1, *enriched;
        char *o = r->slim;
        bool any_enriched = false;

        if ((use != RECORD_SYSCALL && use != RECORD_PATH) || *n > sizeof(r->slim) || p[*n - 1] != '\n' ||
            id_len + 1 >= *n || p[id_len] != ':' || p[id_len + 1] != ' ')
                return;
        memcpy(o, p, id_len + 1);
        o += id_len + 1;
        enriched = memchr(p, '\x1d', end - p) ?: end;
        for (const char *t = p + id_len + 2, *te; t < end; t = te + 1) {
                bool second = t > enriched;
                const char *stop = second ? end : enriched, *eq;

                te = memchr(t, ' ', stop - t) ?: stop;
                eq = memchr(t, '=', te - t);
                if (eq && field_read(use, t, eq - t)) {
                        if (second && !any_enriched) {
                                *o++ = '\x1d';
                                any_enriched = true;
                        } else
                                *o++ = ' ';
                        memcpy(o, t, te - t);
                        o += te - t;
                }
        }
        *o++ = '\n';
        *line = r->slim;
        *n = o - r->slim;
}

/* A held line to libauparse, as slim_record() makes it. 0 or -ENOMEM. */
static int out_put_slim(struct audit_reader *r, const char *line, size_t n) {
        const char *type;
        size_t type_len, id_len;
        time_t sec;
        unsigned long long stamp;

        if (line_is_record(r, line, n - 1, &type, &type_len, &id_len, &sec, &stamp))
                slim_record(r, record_use(type, type_len), id_len, &line, &n);
        return out_put(r, line, n);
}

/* A good line of n bytes (newline included): to libauparse, held back, or dropped. line[0, id_len)
 * names its event (the record's type, type_len bytes at type, left out). 0 or -ENOMEM. */
static int take_line(struct audit_reader *r, const char *line, size_t n, size_t id_len, const char *type,
                     size_t type_len, time_t sec, unsigned long long stamp) {
        enum record_use use = record_use(type, type_len);
        size_t head = type - 5 - line;   /* "node=N " before "type=" */
        unsigned long long id;
        struct event_count *e;
        size_t *count, slot;
        bool over;

        if (use == RECORD_UNUSED)
                return 0;
        if ((r->since > 0 && sec < r->since) || (r->until > 0 && sec > r->until))
                return 0;
        if (id_len - type_len > EVENT_NAME_MAX) {
                r->records_cut++;
                return 0;
        }
        /* The event's name: its stamp, and its node when the line has one. */
        id = head > 0 ? hash_bytes(stamp, line, head) : stamp;
        e = event_count_of(r, id, head > 0);
        if (!e) {
                /* A record of a closed event: counted once per event, unless it was not selected. */
                unsigned long long *c = closed_find(&r->closed[0], id) ?: closed_find(&r->closed[1], id);
                if (c && (*c & CLOSED_DROPPED))
                        return 0;
                r->records_cut++;
                if (c && !(*c & CLOSED_CUT)) {
                        *c |= CLOSED_CUT;
                        r->events_cut++;
                }
                return 0;
        }
        slot = e - r->events;
        if (e->eoe_len == 0) {
                /* "[node=NAME ]type=EOE msg=audit(SEC.MSEC:SERIAL): " */
                memcpy(e->eoe, line, head);
                memcpy(e->eoe + head, "type=EOE", 8);
                memcpy(e->eoe + head + 8, type + type_len, line + id_len - (type + type_len));
                e->eoe_len = head + 8 + (size_t) (line + id_len - (type + type_len));
                memcpy(e->eoe + e->eoe_len, ": \n", 3);
                e->eoe_len += 3;
        }
        if (use == RECORD_PROCTITLE || use == RECORD_EOE)
                e->ended = true;
        if (e->sel == SEL_DROP)
                return 0;

        count = use == RECORD_PATH ? &e->paths : &e->others;
        over = *count >= (use == RECORD_PATH ? AUDIT_EVENT_PATHS_MAX : AUDIT_EVENT_OTHERS_MAX);
        if (!over)
                (*count)++;

        if (e->sel == SEL_UNDECIDED) {
                bool keep = false;

                switch (use) {
                case RECORD_AUDIT:
                        keep = true;
                        break;
                case RECORD_SYSCALL:
                        keep = syscall_has_key(r, line, n);
                        if (!keep && r->n_watches == 0) {
                                e->sel = SEL_DROP;
                                return 0;
                        }
                        break;
                case RECORD_CWD: {
                        const char *v;
                        size_t len;
                        if (field_value(line, n, line + id_len + 1, " cwd=", r->cwd[slot], CWD_MAX, &v, &len) == 0 && len > 0 &&
                            len < CWD_MAX && v[0] == '/') {
                                memmove(r->cwd[slot], v, len);
                                r->cwd_len[slot] = len;
                        }
                        break;
                }
                case RECORD_PATH: {
                        const char *v;
                        size_t len;
                        /* ": item=N name=" */
                        const char *at = line + id_len + 1, *end = line + n;
                        int k;
                        if ((size_t) (end - at) > 6 && memcmp(at, " item=", 6) == 0)
                                for (at += 6; at < end && *at >= '0' && *at <= '9'; at++)
                                        ;
                        k = field_value(line, n, at, " name=", r->name_buf, sizeof(r->name_buf) / 2, &v, &len);
                        if (k == -ENOENT)
                                break;
                        if (k < 0)
                                keep = true;
                        else {
                                /* name_watched() builds in name_buf: a hex name moves to its upper half. */
                                if (v == r->name_buf) {
                                        memcpy(r->name_buf + sizeof(r->name_buf) / 2, v, len);
                                        v = r->name_buf + sizeof(r->name_buf) / 2;
                                }
                                keep = name_watched(r, slot, v, len);
                        }
                        break;
                }
                case RECORD_PROCTITLE:
                case RECORD_EOE:
                        /* The event's last record, and nothing selected it. */
                        e->sel = SEL_DROP;
                        held_clear(r, slot);
                        return 0;
                default:
                        break;
                }
                if (!keep) {
                        if (over) {
                                e->held_cut++;
                                return 0;
                        }
                        if (held_total(r, slot) + n > HELD_MAX)
                                keep = true;   /* too much to hold: libauparse reads it, the report decides */
                        else
                                return hold(r, slot, line, n);
                }
                if (select_event(r, e) < 0)
                        return -ENOMEM;
        }
        if (over) {
                r->records_cut++;
                if (!e->cut)
                        r->events_cut++;
                e->cut = true;
                return 0;
        }
        slim_record(r, use, id_len, &line, &n);
        return out_put(r, line, n);
}

/* Move the complete good lines of chunk[0, len) to out; keep a partial last line. 0 or -ENOMEM. */
static int filter_lines(struct audit_reader *r, size_t len) {
        char *p = r->chunk, *end = r->chunk + len;

        while (p < end) {
                char *nl = memchr(p, '\n', end - p);
                if (!nl) {
                        size_t rest = end - p;
                        if (held_keep_all(r) < 0)
                                return -ENOMEM;
                        if (r->discarding || rest > LINE_MAX_BYTES) {
                                if (!r->discarding)
                                        r->damaged++;
                                r->discarding = true;
                                r->carry = 0;
                        } else {
                                memmove(r->chunk, p, rest);
                                r->carry = rest;
                        }
                        return 0;
                }
                size_t n = nl - p, type_len = 0, id_len = 0;
                const char *type = NULL;
                time_t sec = 0;
                unsigned long long stamp = 0;
                if (r->discarding)
                        r->discarding = false;
                else if (n > LINE_MAX_BYTES || (n > 0 && !line_is_record(r, p, n, &type, &type_len, &id_len, &sec, &stamp)))
                        r->damaged++;
                else if (n > 0 && take_line(r, p, n + 1, id_len, type, type_len, sec, stamp) < 0)
                        return -ENOMEM;
                p = nl + 1;
        }
        r->carry = 0;
        return held_keep_all(r);
}

static ssize_t filtered_read(void *cookie, char *buf, size_t size) {
        struct audit_reader *r = cookie;

        while (r->out_off >= r->out_len) {
                size_t n;

                r->out_off = r->out_len = 0;
                n = fread(r->chunk + r->carry, 1, CHUNK, r->in);
                if (n == 0) {
                        if (ferror(r->in)) {
                                r->read_error = errno > 0 ? -errno : -EIO;
                                return -1;
                        }
                        if (r->carry > 0 || r->discarding)
                                r->damaged++;   /* the last line has no newline: truncated */
                        r->carry = 0;
                        r->discarding = false;
                        return 0;
                }
                if (filter_lines(r, r->carry + n) < 0) {
                        r->read_error = -ENOMEM;
                        return -1;
                }
        }
        size_t n = r->out_len - r->out_off;
        if (n > size)
                n = size;
        memcpy(buf, r->out + r->out_off, n);
        r->out_off += n;
        return (ssize_t) n;
}

/* The selection of f, copied into r: the bytes of our key's field, the window, the watched paths. */
static int copy_filter(struct audit_reader *r, const struct audit_filter *f) {
        r->since = f->since;
        r->until = f->until;
        if (f->key && asprintf(&r->key_field, " key=\"%s\"", f->key) < 0) {
                r->key_field = NULL;
                return -ENOMEM;
        }
        r->key_field_len = r->key_field ? strlen(r->key_field) : 0;
        if (f->n_watches == 0)
                return 0;
        r->watch_nodes = calloc(1, sizeof(*r->watch_nodes));
        if (!r->watch_nodes)
                return -ENOMEM;
        r->n_watch_nodes = 1;
        for (size_t i = 0; i < f->n_watches; i++) {
                int k;
                if (!f->watches[i].path || f->watches[i].path[0] != '/')
                        continue;
                k = watch_add(r, f->watches[i].path, f->watches[i].recursive);
                if (k < 0)
                        return k;
                r->n_watches++;
        }
        return 0;
}

int audit_reader_open_stream(FILE *in, const struct audit_filter *f, struct audit_reader **ret) {
        static const cookie_io_functions_t io = { .read = filtered_read };
        struct audit_reader *r;
        int k;

        k = auditlog_dlopen();
        if (k < 0)
                return k;
        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->in = in;
        r->chunk = malloc(CHUNK + LINE_MAX_BYTES + 1);
        r->out_cap = CHUNK + LINE_MAX_BYTES + 1;
        r->out = malloc(r->out_cap);
        if (!r->chunk || !r->out) {
                audit_reader_free(r);
                return -ENOMEM;
        }
        /* Before libauparse starts: it may read ahead as it opens. */
        k = copy_filter(r, f);
        if (k < 0) {
                audit_reader_free(r);
                return k;
        }
        r->filtered = fopencookie(r, "r", io);
        if (!r->filtered) {
                audit_reader_free(r);
                return -ENOMEM;
        }
        r->au = sym_auparse_init(AUSOURCE_FILE_POINTER, r->filtered);
        if (!r->au) {
                audit_reader_free(r);
                return -ENOMEM;
        }
        sym_auparse_set_escape_mode(r->au, AUPARSE_ESC_RAW);
        *ret = r;
        return 0;
}

int audit_reader_open(const char *path, const struct audit_filter *f, struct audit_reader **ret) {
        FILE *in;
        int k;

        if (streq(path, "-"))
                return audit_reader_open_stream(stdin, f, ret);
        in = fopen(path, "re");
        if (!in)
                return -errno;
        k = audit_reader_open_stream(in, f, ret);
        if (k < 0) {
                fclose(in);
                return k;
        }
        (*ret)->own_in = true;
        return 0;
}

void audit_reader_free(struct audit_reader *r) {
        if (!r)
                return;
        /* auparse closes the stream it reads (the filtered one) itself. */
        if (r->au)
                sym_auparse_destroy(r->au);
        else if (r->filtered)
                fclose(r->filtered);
        if (r->own_in && r->in)
                fclose(r->in);
        free(r->chunk);
        free(r->out);
        free(r->closed[0].slots);
        free(r->closed[1].slots);
        free(r->key_field);
        for (size_t i = 0; i < r->n_watch_nodes; i++)
                free(r->watch_nodes[i].name);
        free(r->watch_nodes);
        for (size_t i = 0; i < EVENT_SLOTS; i++)
                free(r->held[i]);
        for (size_t i = 0; i < ELEMENTSOF(r->id_names); i++)
                free(r->id_names[i].name);
        for (size_t i = 0; i < ELEMENTSOF(r->syscall_names); i++)
                free(r->syscall_names[i].name);
        free(r->key_seen.raw);
        free(r->key_seen.value);
        free(r->tty_seen.raw);
        free(r->tty_seen.value);
        free(r);
}

size_t audit_reader_damaged(const struct audit_reader *r) {
        return r->damaged;
}

size_t audit_reader_records_cut(const struct audit_reader *r, size_t *ret_events) {
        if (ret_events)
                *ret_events = r->events_cut;
        return r->records_cut;
}

static int dup_interpreted(auparse_state_t *au, char **ret) {
        const char *v = sym_auparse_interpret_field(au);
        char *s;

        if (!v)
                return 0;
        s = strdup(v);
        if (!s)
                return -ENOMEM;
        free(*ret);
        *ret = s;
        return 0;
}

static int set_string(char **ret, const char *v, size_t n) {
        char *s = strndup(v, n);

        if (!s)
                return -ENOMEM;
        free(*ret);
        *ret = s;
        return 0;
}

/* An untrusted string field as the kernel writes it (audit_log_n_untrustedstring(),
 * kernel/audit.c): in double quotes, or in hex when it holds a quote, a control byte, a space or a
 * byte over 0x7e. Decoded as libauparse interprets it, without its lookups; a NUL byte becomes
 * nul (PROCTITLE: the space between arguments). Anything else ("(null)", "?") is libauparse's. */
static int dup_untrusted(auparse_state_t *au, char nul, char **ret) {
        const char *v = sym_auparse_get_field_str(au);
        size_t n;
        char *s;

        if (!v)
                return 0;
        n = strlen(v);
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
                return set_string(ret, v + 1, n - 2);
        if (n == 0 || n % 2 != 0)
                return dup_interpreted(au, ret);
        s = malloc(n / 2 + 1);
        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < n; i += 2) {
                int hi = unhex_digit(v[i]), lo = unhex_digit(v[i + 1]);
                if (hi < 0 || lo < 0) {
                        free(s);
                        return dup_interpreted(au, ret);
                }
                s[i / 2] = (char) (hi << 4 | lo);
                if (s[i / 2] == 0)
                        s[i / 2] = nul;
        }
        s[n / 2] = 0;
        /* A NUL that ends the value ends the string. */
        if (nul && n >= 2 && v[n - 2] == '0' && v[n - 1] == '0')
                s[n / 2 - 1] = 0;
        free(*ret);
        *ret = s;
        return 0;
}

/* An id's name as libauparse interprets it, remembered for the next records. */
static int dup_id_name(struct audit_reader *r, long long id, char **ret) {
        typeof(r->id_names[0]) *c = &r->id_names[(unsigned long long) id % ELEMENTSOF(r->id_names)];
        int k;

        if (c->name && c->id == id)
                return set_string(ret, c->name, strlen(c->name));
        k = dup_interpreted(r->au, ret);
        if (k < 0 || !*ret)
                return k;
        free(c->name);
        c->name = strdup(*ret);
        c->id = id;
        return 0;
}

/* A field libauparse interprets from its value alone, the last value remembered in c. */
static int dup_interpreted_seen(auparse_state_t *au, struct interpreted *c, char **ret) {
        const char *v = sym_auparse_get_field_str(au);
        int k;

        if (v && c->raw && streq(v, c->raw))
                return set_string(ret, c->value, strlen(c->value));
        k = dup_interpreted(au, ret);
        if (k < 0 || !v || !*ret)
                return k;
        free(c->raw);
        free(c->value);
        c->raw = strdup(v);
        c->value = strdup(*ret);
        if (!c->raw || !c->value) {
                free(c->raw);
                free(c->value);
                *c = (struct interpreted) {};
        }
        return 0;
}

/* A system call's name as libauparse interprets it (from the record's arch and number),
 * remembered for the next records. */
static int dup_syscall_name(struct audit_reader *r, char **ret) {
        const char *v = sym_auparse_get_field_str(r->au);
        size_t la = strlen(r->arch), lv = v ? strlen(v) : 0;
        char key[40];
        unsigned long h;
        int k;

        if (!v || la + 1 + lv >= sizeof(key))
                return dup_interpreted(r->au, ret);
        memcpy(key, r->arch, la);
        key[la] = '/';
        memcpy(key + la + 1, v, lv + 1);
        h = parse_unsigned(v, 10) % ELEMENTSOF(r->syscall_names);
        if (r->syscall_names[h].name && streq(r->syscall_names[h].key, key))
                return set_string(ret, r->syscall_names[h].name, strlen(r->syscall_names[h].name));
        k = dup_interpreted(r->au, ret);
        if (k < 0 || !*ret)
                return k;
        free(r->syscall_names[h].name);
        r->syscall_names[h].name = strdup(*ret);
        strcpy(r->syscall_names[h].key, key);
        return 0;
}

static long long raw_number(auparse_state_t *au) {
        const char *v = sym_auparse_get_field_str(au);
        char *end;
        long long n;

        if (!v)
                return AUDIT_ID_UNSET;
        /* Decimal digits, with a minus sign, too few to overflow: read here (strtoll() otherwise). */
        {
                const char *d = v + (*v == '-');
                size_t i;
                for (i = 0, n = 0; i < 18 && d[i] >= '0' && d[i] <= '9'; i++)
                        n = n * 10 + (d[i] - '0');
                if (i > 0 && d[i] == 0)
                        return *v == '-' ? -n : n;
        }
        errno = 0;
        n = strtoll(v, &end, 10);
        if (errno != 0 || end == v)
                return AUDIT_ID_UNSET;
        return n;
}

static long long raw_id(auparse_state_t *au) {
        long long n = raw_number(au);
        return n == 4294967295LL ? AUDIT_ID_UNSET : n;
}

/* Fields of the SYSCALL, CONFIG_CHANGE and DAEMON_* records. A record has some thirty fields:
 * the name is looked at by its first byte first. */
static int take_process_field(struct audit_reader *r, const char *name, bool config, struct audit_event *e) {
        auparse_state_t *au = r->au;

        switch (name[0]) {
        case 'a':
                if (streq(name, "arch")) {
                        const char *v = strempty(sym_auparse_get_field_str(au));
                        size_t n = strnlen(v, sizeof(r->arch) - 1);
                        memcpy(r->arch, v, n);
                        r->arch[n] = 0;
                        return 0;
                }
                if (name[1] >= '0' && name[1] <= '3' && name[2] == 0) {
                        e->args[name[1] - '0'] = parse_unsigned(strempty(sym_auparse_get_field_str(au)), 16);
                        return 0;
                }
                if (streq(name, "auid")) {
                        e->auid = raw_id(au);
                        return dup_id_name(r, e->auid, &e->auid_name);
                }
                if (streq(name, "audit_enabled")) {
                        e->enabled = (int) raw_number(au);
                        return 0;
                }
                return 0;
        case 'c':
                return streq(name, "comm") ? dup_untrusted(au, 0, &e->comm) : 0;
        case 'e':
                if (streq(name, "exit")) {
                        e->exit = raw_number(au);
                        return 0;
                }
                if (streq(name, "exe"))
                        return dup_untrusted(au, 0, &e->exe);
                if (streq(name, "euid")) {
                        e->euid = raw_id(au);
                        return dup_id_name(r, e->euid, &e->euid_name);
                }
                return 0;
        case 'k':
                if (streq(name, "key")) {
                        /* The SYSCALL record of a rule change says key=(null): the change's key wins. */
                        const char *v = sym_auparse_get_field_str(au);
                        if (!v || streq(v, "(null)") || (e->key && !config))
                                return 0;
                        return dup_interpreted_seen(au, &r->key_seen, &e->key);
                }
                return 0;
        case 'o':
                if (streq(name, "op"))
                        return dup_interpreted(au, &e->op);
                if (streq(name, "old")) {
                        e->enabled_old = (int) raw_number(au);
                        return 0;
                }
                return 0;
        case 'p':
                if (streq(name, "pid") && !config) {
                        e->pid = raw_number(au);
                        return 0;
                }
                if (streq(name, "ppid")) {
                        e->ppid = raw_number(au);
                        return 0;
                }
                return 0;
        case 's':
                if (streq(name, "syscall"))
                        return dup_syscall_name(r, &e->syscall);
                if (streq(name, "success")) {
                        const char *v = sym_auparse_get_field_str(au);
                        e->success = v && (streq(v, "yes") || streq(v, "1"));
                        return 0;
                }
                if (streq(name, "ses")) {
                        e->ses = raw_id(au);
                        return 0;
                }
                return 0;
        case 't':
                return streq(name, "tty") ? dup_interpreted_seen(au, &r->tty_seen, &e->tty) : 0;
        case 'u':
                if (streq(name, "uid")) {
                        e->uid = raw_id(au);
                        return dup_id_name(r, e->uid, &e->uid_name);
                }
                return 0;
        default:
                return 0;
        }
}

static int take_path(auparse_state_t *au, struct audit_event *e) {
        struct audit_path p = { .nametype = NAMETYPE_UNKNOWN };
        struct audit_path *a;
        int k = 0;

        sym_auparse_first_field(au);
        do {
                const char *name = sym_auparse_get_field_name(au);
                /* Only names that start with 'n' or 'i' are read: the others (item, and what
                 * slim_record() left) are passed over without a comparison. */
                if (!name || (name[0] != 'n' && name[0] != 'i'))
                        continue;
                /* The kernel writes an unquoted (null) where it has no name (an fd's file):
                 * not a file called "(null)", which would be quoted or hex-encoded. */
                if (streq(name, "name") && !streq_ptr(sym_auparse_get_field_str(au), "(null)"))
                        k = dup_untrusted(au, 0, &p.name);
                else if (streq(name, "nametype"))
                        p.nametype = audit_nametype_from_string(sym_auparse_get_field_str(au));
                else if (streq(name, "inode"))
                        p.inode = parse_unsigned(strempty(sym_auparse_get_field_str(au)), 10);
                if (k < 0)
                        break;
        } while (sym_auparse_next_field(au) > 0);
        if (k < 0 || !p.name) {
                free(p.name);
                return k;   /* a PATH record without a name (e.g. anonymous): nothing to show */
        }
        a = realloc(e->paths, (e->n_paths + 1) * sizeof(*a));
        if (!a) {
                free(p.name);
                return -ENOMEM;
        }
        e->paths = a;
        e->paths[e->n_paths++] = p;
        return 0;
}

static int take_record(struct audit_reader *r, int type, struct audit_event *e, int *kind_type) {
        auparse_state_t *au = r->au;
        int k = 0;

        switch (type) {
        case AUDIT_PATH:
                return take_path(au, e);
        case AUDIT_PROCTITLE:
        case AUDIT_CWD:
                if (sym_auparse_find_field(au, type == AUDIT_CWD ? "cwd" : "proctitle"))
                        k = dup_untrusted(au, type == AUDIT_CWD ? 0 : ' ', type == AUDIT_CWD ? &e->cwd : &e->cmdline);
                return k;
        case AUDIT_SYSCALL:
        case AUDIT_CONFIG_CHANGE:
        case AUDIT_DAEMON_START:
        case AUDIT_DAEMON_END:
        case AUDIT_DAEMON_ABORT:
                if (type != AUDIT_SYSCALL || *kind_type == 0)
                        *kind_type = type;
                sym_auparse_first_field(au);
                do {
                        const char *name = sym_auparse_get_field_name(au);
                        if (name)
                                k = take_process_field(r, name, type != AUDIT_SYSCALL, e);
                } while (k >= 0 && sym_auparse_next_field(au) > 0);
                return k;
        default:
                return 0;
        }
}

static enum audit_event_kind classify_event(int type, const struct audit_event *e) {
        switch (type) {
        case AUDIT_SYSCALL:
                return AUDIT_EVENT_SYSCALL;
        case AUDIT_CONFIG_CHANGE:
                if (e->enabled >= 0)
                        return AUDIT_EVENT_ENABLED;
                if (streq_ptr(e->op, "add_rule"))
                        return AUDIT_EVENT_RULE_ADDED;
                if (streq_ptr(e->op, "remove_rule"))
                        return AUDIT_EVENT_RULE_REMOVED;
                return AUDIT_EVENT_OTHER;
        case AUDIT_DAEMON_START:
                return AUDIT_EVENT_DAEMON_START;
        case AUDIT_DAEMON_END:
                return AUDIT_EVENT_DAEMON_END;
        case AUDIT_DAEMON_ABORT:
                return AUDIT_EVENT_DAEMON_ABORT;
        default:
                return AUDIT_EVENT_OTHER;
        }
}

int audit_reader_next(struct audit_reader *r, struct audit_event *ret) {
        struct audit_event e;
        int type = 0, k;

        /* The prefilter selected the events: each one libauparse reads is handed out. */
        k = sym_auparse_next_event(r->au);
        if (r->read_error < 0)
                return r->read_error;
        if (k < 0)
                return -EIO;
        if (k == 0)
                return 0;

        e = (struct audit_event) {
                .success = -1, .uid = AUDIT_ID_UNSET, .auid = AUDIT_ID_UNSET, .euid = AUDIT_ID_UNSET,
                .ses = AUDIT_ID_UNSET, .enabled = -1, .enabled_old = -1, .pid = AUDIT_ID_UNSET,
                .ppid = AUDIT_ID_UNSET,
        };
        e.sec = sym_auparse_get_time(r->au);
        e.msec = sym_auparse_get_milli(r->au);
        e.serial = sym_auparse_get_serial(r->au);

        sym_auparse_first_record(r->au);
        do {
                k = take_record(r, sym_auparse_get_type(r->au), &e, &type);
                if (k < 0) {
                        audit_event_done(&e);
                        return k;
                }
        } while (sym_auparse_next_record(r->au) > 0);
        e.kind = classify_event(type, &e);
        *ret = e;
        return 1;
}

/* log_file from auditd.conf, or auditd's default. */
static int conf_log_file(const char *auditd_conf, char **ret) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        char *found = NULL;

        f = fopen(auditd_conf, "re");
        if (!f && errno != ENOENT)
                return -errno;
        while (f && getline(&line, &cap, f) > 0) {
                char *p = line + strspn(line, " \t"), *v;
                const char *rest = startswith(p, "log_file");
                if (!rest)
                        continue;
                rest += strspn(rest, " \t");
                if (*rest != '=')
                        continue;
                rest++;
                rest += strspn(rest, " \t");
                v = strndup(rest, strcspn(rest, " \t\r\n"));
                if (!v)
                        return -ENOMEM;
                free(found);
                found = v;
        }
        if (!found || found[0] != '/') {
                free(found);
                found = strdup("/var/log/audit/audit.log");
                if (!found)
                        return -ENOMEM;
        }
        *ret = found;
        return 0;
}

int audit_default_logs(const char *auditd_conf, char ***ret) {
        _cleanup_free_ char *log = NULL;
        _cleanup_strv_free_ char **l = NULL;
        unsigned n = 0;
        int k;

        k = conf_log_file(auditd_conf, &log);
        if (k < 0)
                return k;
        /* Count the rotated files log.1, log.2, ... that exist, as ausearch does. */
        for (;;) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s.%u", log, n + 1) < 0)
                        return -ENOMEM;
                if (access(p, F_OK) != 0)
                        break;
                n++;
        }
        for (unsigned i = n; i > 0; i--) {
                char *p;
                if (asprintf(&p, "%s.%u", log, i) < 0)
                        return -ENOMEM;
                k = strv_push(&l, p);
                if (k < 0)
                        return k;
        }
        k = strv_extend(&l, log);
        if (k < 0)
                return k;
        *ret = TAKE_PTR(l);
        return 0;
}
