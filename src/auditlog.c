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
#define CHUNK (64 * 1024)

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
        X(auparse_next_record) \
        X(auparse_set_escape_mode) \
        X(ausearch_add_expression) \
        X(ausearch_add_interpreted_item) \
        X(ausearch_add_item) \
        X(ausearch_add_timestamp_item) \
        X(ausearch_next_event) \
        X(ausearch_set_stop)

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

/* Records of one event that reach libauparse: it keeps an event's records in a list it walks
 * for each record added, so an event of n records costs it n^2 steps (200,000 PATH records: minutes).
 * The kernel writes one PATH record per name a system call looked up: a handful; EXECVE splits
 * a long argv into several records. The rest of a longer event is dropped before libauparse sees
 * it, and counted (AUDIT_EVENT_PATHS_MAX, AUDIT_EVENT_OTHERS_MAX). */
#define EVENT_SLOTS 64         /* events counted at once; auditd writes an event's records together */

struct event_count {
        unsigned long long id;  /* hash of the node and "SEC.MSEC:SERIAL"; slot unused when last_use is 0 */
        unsigned long long last_use;
        size_t paths, others;
        bool cut;
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
        size_t out_len, out_off;
        struct event_count events[EVENT_SLOTS];
        unsigned long long tick;
        size_t last_slot;
        size_t records_cut, events_cut;
};

/* Does a line start the way every record auditd writes does:
 * "[node=NAME ]type=TYPE msg=audit(SEC.MSEC:SERIAL): "? With *ret_type (TYPE, its length in
 * *ret_type_len) and *ret_id_len: the bytes from the line's start to SERIAL's end, which name
 * the event. */
static bool line_is_record(const char *p, size_t n, const char **ret_type, size_t *ret_type_len, size_t *ret_id_len) {
        const char *start = p, *end = p + n, *q;

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
        for (int part = 0; part < 3; part++) {
                const char *digits = p;
                while (p < end && *p >= '0' && *p <= '9')
                        p++;
                if (p == digits || p >= end || *p != (part == 0 ? '.' : part == 1 ? ':' : ')'))
                        return false;
                p++;
        }
        *ret_id_len = p - start;
        return p < end && *p == ':';
}

/* The count of the event a record belongs to: the last one's, another in the table, or the
 * slot of the event seen longest ago, started again. */
static struct event_count *event_count_of(struct audit_reader *r, const char *line, size_t id_len,
                                          const char *type, size_t type_len) {
        /* The event's name without the record's type: "node=N " and "msg=audit(...)". */
        size_t head = type - 5 - line;
        unsigned long long id = hash_bytes(hash_bytes(0, line, head), type + type_len, line + id_len - (type + type_len));
        struct event_count *e = &r->events[r->last_slot], *oldest = NULL;

        r->tick++;
        if (e->last_use && e->id != id) {
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
                        e = oldest;
                        *e = (struct event_count) { .id = id };
                }
        } else if (!e->last_use)
                *e = (struct event_count) { .id = id };
        e->last_use = r->tick;
        r->last_slot = e - r->events;
        return e;
}

/* Does this record of a good line go to libauparse, or is it one too many for its event? */
static bool keep_record(struct audit_reader *r, const char *line, size_t id_len, const char *type, size_t type_len) {
        struct event_count *e = event_count_of(r, line, id_len, type, type_len);
        bool path = type_len == 4 && memcmp(type, "PATH", 4) == 0;
        size_t *n = path ? &e->paths : &e->others;

        if (*n < (path ? AUDIT_EVENT_PATHS_MAX : AUDIT_EVENT_OTHERS_MAX)) {
                (*n)++;
                return true;
        }
        r->records_cut++;
        if (!e->cut)
                r->events_cut++;
        e->cut = true;
        return false;
}

/* Move the complete good lines of chunk[0, len) to out; keep a partial last line. */
static void filter_lines(struct audit_reader *r, size_t len) {
        char *p = r->chunk, *end = r->chunk + len;

        while (p < end) {
                char *nl = memchr(p, '\n', end - p);
                if (!nl) {
                        size_t rest = end - p;
                        if (r->discarding || rest > LINE_MAX_BYTES) {
                                if (!r->discarding)
                                        r->damaged++;
                                r->discarding = true;
                                r->carry = 0;
                        } else {
                                memmove(r->chunk, p, rest);
                                r->carry = rest;
                        }
                        return;
                }
                size_t n = nl - p, type_len = 0, id_len = 0;
                const char *type = NULL;
                if (r->discarding)
                        r->discarding = false;
                else if (n > LINE_MAX_BYTES || (n > 0 && !line_is_record(p, n, &type, &type_len, &id_len)))
                        r->damaged++;
                else if (n > 0 && keep_record(r, p, id_len, type, type_len)) {
                        memcpy(r->out + r->out_len, p, n + 1);
                        r->out_len += n + 1;
                }
                p = nl + 1;
        }
        r->carry = 0;
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
                filter_lines(r, r->carry + n);
        }
        size_t n = r->out_len - r->out_off;
        if (n > size)
                n = size;
        memcpy(buf, r->out + r->out_off, n);
        r->out_off += n;
        return (ssize_t) n;
}

static int add_search(auparse_state_t *au, const struct audit_filter *f) {
        char *error = NULL;

        if (sym_ausearch_add_interpreted_item(au, "key", "=", f->key, AUSEARCH_RULE_CLEAR) < 0 ||
            sym_ausearch_add_item(au, "audit_enabled", "exists", NULL, AUSEARCH_RULE_OR) < 0)
                return -EINVAL;
        if (sym_ausearch_add_expression(au, "\\record_type == DAEMON_START || \\record_type == DAEMON_END || "
                                    "\\record_type == DAEMON_ABORT", &error, AUSEARCH_RULE_OR) < 0) {
                free(error);
                return -EINVAL;
        }
        if (f->since > 0 && sym_ausearch_add_timestamp_item(au, ">=", f->since, 0, AUSEARCH_RULE_AND) < 0)
                return -EINVAL;
        if (f->until > 0 && sym_ausearch_add_timestamp_item(au, "<=", f->until, 999, AUSEARCH_RULE_AND) < 0)
                return -EINVAL;
        if (sym_ausearch_set_stop(au, AUSEARCH_STOP_EVENT) < 0)
                return -EINVAL;
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
        r->out = malloc(CHUNK + LINE_MAX_BYTES + 1);
        if (!r->chunk || !r->out) {
                audit_reader_free(r);
                return -ENOMEM;
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
        k = add_search(r->au, f);
        if (k < 0) {
                audit_reader_free(r);
                return k;
        }
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

static long long raw_number(auparse_state_t *au) {
        const char *v = sym_auparse_get_field_str(au);
        char *end;
        long long n;

        if (!v)
                return AUDIT_ID_UNSET;
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

/* Fields of the SYSCALL, CONFIG_CHANGE and DAEMON_* records. */
static int take_process_field(auparse_state_t *au, const char *name, bool config, struct audit_event *e) {
        if (streq(name, "syscall"))
                return dup_interpreted(au, &e->syscall);
        if (streq(name, "success")) {
                const char *v = sym_auparse_get_field_str(au);
                e->success = v && (streq(v, "yes") || streq(v, "1"));
                return 0;
        }
        if (streq(name, "exit")) {
                e->exit = raw_number(au);
                return 0;
        }
        if (name[0] == 'a' && name[1] >= '0' && name[1] <= '3' && name[2] == 0) {
                e->args[name[1] - '0'] = strtoull(strempty(sym_auparse_get_field_str(au)), NULL, 16);
                return 0;
        }
        if (streq(name, "exe"))
                return dup_interpreted(au, &e->exe);
        if (streq(name, "comm"))
                return dup_interpreted(au, &e->comm);
        if (streq(name, "uid")) {
                e->uid = raw_id(au);
                return dup_interpreted(au, &e->uid_name);
        }
        if (streq(name, "auid")) {
                e->auid = raw_id(au);
                return dup_interpreted(au, &e->auid_name);
        }
        if (streq(name, "euid")) {
                e->euid = raw_id(au);
                return dup_interpreted(au, &e->euid_name);
        }
        if (streq(name, "ses")) {
                e->ses = raw_id(au);
                return 0;
        }
        if (streq(name, "tty"))
                return dup_interpreted(au, &e->tty);
        if (streq(name, "key")) {
                /* The SYSCALL record of a rule change says key=(null): the change's key wins. */
                const char *v = sym_auparse_get_field_str(au);
                if (!v || streq(v, "(null)") || (e->key && !config))
                        return 0;
                return dup_interpreted(au, &e->key);
        }
        if (streq(name, "op"))
                return dup_interpreted(au, &e->op);
        if (streq(name, "audit_enabled")) {
                e->enabled = (int) raw_number(au);
                return 0;
        }
        if (streq(name, "old")) {
                e->enabled_old = (int) raw_number(au);
                return 0;
        }
        return 0;
}

static int take_path(auparse_state_t *au, struct audit_event *e) {
        struct audit_path p = { .nametype = NAMETYPE_UNKNOWN };
        struct audit_path *a;
        int k = 0;

        sym_auparse_first_field(au);
        do {
                const char *name = sym_auparse_get_field_name(au);
                if (!name)
                        continue;
                /* The kernel writes an unquoted (null) where it has no name (an fd's file):
                 * not a file called "(null)", which would be quoted or hex-encoded. */
                if (streq(name, "name") && !streq_ptr(sym_auparse_get_field_str(au), "(null)"))
                        k = dup_interpreted(au, &p.name);
                else if (streq(name, "nametype"))
                        p.nametype = audit_nametype_from_string(sym_auparse_get_field_str(au));
                else if (streq(name, "inode"))
                        p.inode = strtoul(strempty(sym_auparse_get_field_str(au)), NULL, 10);
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

static int take_record(auparse_state_t *au, int type, struct audit_event *e, int *kind_type) {
        int k = 0;

        switch (type) {
        case AUDIT_PATH:
                return take_path(au, e);
        case AUDIT_PROCTITLE:
        case AUDIT_CWD:
                if (sym_auparse_find_field(au, type == AUDIT_CWD ? "cwd" : "proctitle"))
                        k = dup_interpreted(au, type == AUDIT_CWD ? &e->cwd : &e->cmdline);
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
                                k = take_process_field(au, name, type != AUDIT_SYSCALL, e);
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

        /* ausearch_next_event moves to the next matching event itself. */
        k = sym_ausearch_next_event(r->au);
        if (r->read_error < 0)
                return r->read_error;
        if (k < 0)
                return -EIO;
        if (k == 0)
                return 0;

        e = (struct audit_event) {
                .success = -1, .uid = AUDIT_ID_UNSET, .auid = AUDIT_ID_UNSET, .euid = AUDIT_ID_UNSET,
                .ses = AUDIT_ID_UNSET, .enabled = -1, .enabled_old = -1,
        };
        e.sec = sym_auparse_get_time(r->au);
        e.msec = sym_auparse_get_milli(r->au);
        e.serial = sym_auparse_get_serial(r->au);

        sym_auparse_first_record(r->au);
        do {
                k = take_record(r->au, sym_auparse_get_type(r->au), &e, &type);
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
