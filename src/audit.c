/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <limits.h>
#include <stdio.h>
#include <poll.h>
#include <time.h>

#include <libaudit.h>
#include <linux/netlink.h>

#include "audit.h"
#include "util.h"

/* How long to wait for any single reply we read ourselves. The wait for the acknowledgement of
 * a request happens inside libaudit (audit_send), which bounds it on its own. */
#define REPLY_TIMEOUT_MS 5000

/* Upper bound on stale messages thrown away before a request. */
#define DRAIN_MAX 4096

/* decode_filter()'s machine before audit_detect_machine() was asked (it returns -1 on failure). */
#define MACHINE_UNASKED (-2)

struct audit_conn {
        int fd;
        unsigned requests;     /* add and delete requests sent to the kernel */
};

void kernel_rules_free(struct kernel_rule *rules, size_t n) {
        if (!rules)
                return;
        for (size_t i = 0; i < n; i++) {
                rule_done(&rules[i].rule);
                free(rules[i].raw);
                filter_rule_done(rules[i].filter);
                free(rules[i].filter);
        }
        free(rules);
}

int audit_conn_open(struct audit_conn **ret) {
        struct audit_conn *c;
        int fd;

        /* libaudit's message mode is quiet unless a program asks otherwise (lib/message.c), and
         * set_aumessage_mode() is deprecated in audit 4: nothing to set. */
        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;

        errno = 0;
        fd = audit_open();
        if (fd < 0) {
                int e = errno > 0 ? errno : EPROTONOSUPPORT;

                free(c);
                /* socket() says "no such protocol" in several ways. */
                if (e == EPROTONOSUPPORT || e == EAFNOSUPPORT || e == EINVAL)
                        return -EPROTONOSUPPORT;
                return -e;
        }

        c->fd = fd;
        *ret = c;
        return 0;
}

void audit_conn_close(struct audit_conn *c) {
        if (!c)
                return;
        if (c->fd >= 0)
                audit_close(c->fd);
        free(c);
}

unsigned audit_conn_requests(const struct audit_conn *c) {
        return c ? c->requests : 0;
}

/* Throw away whatever is still queued on the socket (a late acknowledgement of an earlier
 * request, say), so that libaudit's check for the acknowledgement of the next request reads
 * the right one. */
static void drain(struct audit_conn *c) {
        struct audit_reply rep;

        for (unsigned i = 0; i < DRAIN_MAX; i++)
                if (audit_get_reply(c->fd, &rep, GET_REPLY_NONBLOCKING, 0) <= 0)
                        break;
}

static int64_t now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd has a message, at most until *deadline (set to REPLY_TIMEOUT_MS from now on the
 * first call, when it is negative). 0 to read again, -ETIMEDOUT, or -errno of poll(2). */
static int wait_readable(int fd, int64_t *deadline) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int64_t left;
        int r;

        if (*deadline < 0)
                *deadline = now_ms() + REPLY_TIMEOUT_MS;
        left = *deadline - now_ms();
        if (left <= 0)
                return -ETIMEDOUT;
        r = poll(&p, 1, (int) left);
        if (r < 0 && errno != EINTR)
                return -errno;
        return r == 0 ? -ETIMEDOUT : 0;
}

/* Read the next message, waiting at most REPLY_TIMEOUT_MS for it. Returns > 0 with *rep filled
 * in, or -errno (-ETIMEDOUT). A message already queued is taken without poll(): a rule list
 * arrives as one message per rule, and one system call per message (as `auditctl -l` makes
 * two) is half the cost of listing 10,000 rules. */
static int next_reply(struct audit_conn *c, struct audit_reply *rep) {
        int64_t deadline = -1;

        for (;;) {
                int r;

                r = audit_get_reply(c->fd, rep, GET_REPLY_NONBLOCKING, 0);
                if (r > 0)
                        return r;
                if (r == 0)
                        return -EBADMSG;
                if (r != -EAGAIN && r != -EINTR)
                        return r;

                r = wait_readable(c->fd, &deadline);
                if (r < 0)
                        return r;
        }
}

/* A rule list arrives as one netlink message per rule: 10,000 rules read one recvfrom(2) each
 * (as libaudit's audit_get_reply() and `auditctl -l` read them) are 10,000 system calls, each
 * with the audit context's own work at its entry and exit on a host with rules. recvmmsg(2) takes
 * up to LIST_BATCH messages per call. Each message is checked as audit_get_reply() checks it (libaudit lib/netlink.c):
 * from the kernel (nl_pid 0), not truncated, a whole netlink message. */
#define LIST_BATCH 16
/* A message's room: libaudit's struct audit_message, rounded up so that every buffer of the
 * array starts aligned for a struct nlmsghdr. */
#define LIST_MSG_ROOM ((MAX_AUDIT_MESSAGE_LENGTH + 15) & ~(size_t) 15)
/* The receive buffer asked for while a list arrives (SO_RCVBUFFORCE, bytes). */
#define LIST_RCVBUF (8 << 20)

struct list_batch {
        struct mmsghdr msgs[LIST_BATCH];
        struct iovec iov[LIST_BATCH];
        struct sockaddr_nl from[LIST_BATCH];
        char *bufs;           /* LIST_BATCH * LIST_MSG_ROOM bytes */
        unsigned n, next;     /* messages received, the next one to hand out */
};

static int list_batch_init(struct list_batch *b) {
        *b = (struct list_batch) {};
        b->bufs = malloc(LIST_BATCH * LIST_MSG_ROOM);
        return b->bufs ? 0 : -ENOMEM;
}

static void list_batch_done(struct list_batch *b) {
        free(b->bufs);
        b->bufs = NULL;
}

/* The next message of the list, as next_reply() gives one: > 0 with *rep pointing into b (valid
 * until the next call), or -errno (-ETIMEDOUT after REPLY_TIMEOUT_MS without a message; -EPROTO,
 * -EINVAL, -EFBIG, -EBADE as audit_get_reply() for a message not from the kernel, truncated or
 * malformed). */
static int next_list_reply(struct audit_conn *c, struct list_batch *b, struct audit_reply *rep) {
        int64_t deadline = -1;

        while (b->next >= b->n) {
                int r;

                for (unsigned i = 0; i < LIST_BATCH; i++) {
                        b->iov[i] = (struct iovec) { .iov_base = b->bufs + i * LIST_MSG_ROOM,
                                                     .iov_len = MAX_AUDIT_MESSAGE_LENGTH };
                        b->msgs[i] = (struct mmsghdr) { .msg_hdr = {
                                .msg_name = &b->from[i], .msg_namelen = sizeof(b->from[i]),
                                .msg_iov = &b->iov[i], .msg_iovlen = 1 } };
                }
                r = recvmmsg(c->fd, b->msgs, LIST_BATCH, MSG_DONTWAIT, NULL);
                if (r > 0) {
                        b->n = (unsigned) r;
                        b->next = 0;
                        break;
                }
                if (r == 0)
                        return -EBADMSG;
                if (errno != EAGAIN && errno != EINTR)
                        return -errno;
                r = wait_readable(c->fd, &deadline);
                if (r < 0)
                        return r;
        }

        {
                unsigned i = b->next++;
                const struct msghdr *h = &b->msgs[i].msg_hdr;
                struct nlmsghdr *nlh = (struct nlmsghdr *) (void *) (b->bufs + i * LIST_MSG_ROOM);
                unsigned len = b->msgs[i].msg_len;

                if (h->msg_namelen != sizeof(struct sockaddr_nl))
                        return -EPROTO;
                if (b->from[i].nl_pid != 0)
                        return -EINVAL;
                if ((h->msg_flags & MSG_TRUNC) || !NLMSG_OK(nlh, len))
                        return len >= MAX_AUDIT_MESSAGE_LENGTH || (h->msg_flags & MSG_TRUNC) ? -EFBIG : -EBADE;
                *rep = (struct audit_reply) { .type = nlh->nlmsg_type, .len = (int) nlh->nlmsg_len, .nlh = nlh };
                if (nlh->nlmsg_type == NLMSG_ERROR)
                        rep->error = NLMSG_DATA(nlh);
                else if (nlh->nlmsg_type == AUDIT_LIST_RULES)
                        rep->ruledata = NLMSG_DATA(nlh);
                return (int) len;
        }
}

/* For a reply to request `seq`: 0 to look at it, 1 to skip it, -errno for an error reply. */
static int classify(const struct audit_reply *rep, int seq) {
        if (!rep->nlh || rep->nlh->nlmsg_seq != (uint32_t) seq)
                return 1;
        if (rep->type == NLMSG_NOOP)
                return 1;
        if (rep->type == NLMSG_ERROR) {
                if (!rep->error || rep->error->error == 0)
                        return 1; /* an acknowledgement */
                return rep->error->error < 0 ? rep->error->error : -rep->error->error;
        }
        return 0;
}

int audit_conn_status(struct audit_conn *c, struct audit_state *ret) {
        int seq, r;

        if (!c || !ret)
                return -EINVAL;

        drain(c);
        seq = audit_request_status(c->fd);
        if (seq < 0)
                return seq;
        if (seq == 0)
                return -EIO;

        for (;;) {
                struct audit_reply rep;
                const struct audit_status *s;

                r = next_reply(c, &rep);
                if (r < 0)
                        return r;
                r = classify(&rep, seq);
                if (r < 0)
                        return r;
                if (r > 0 || rep.type != AUDIT_GET)
                        continue;

                /* Older kernels send a shorter struct; everything we read is in the first
                 * version of it. */
                if (NLMSG_PAYLOAD(rep.nlh, 0) < offsetof(struct audit_status, backlog) + sizeof(s->backlog))
                        return -EBADMSG;
                s = rep.status;
                *ret = (struct audit_state) {
                        .enabled = (int) s->enabled,
                        .failure = (int) s->failure,
                        .pid = (pid_t) s->pid,
                        .rate_limit = s->rate_limit,
                        .backlog_limit = s->backlog_limit,
                        .lost = s->lost,
                        .backlog = s->backlog,
                };
                return 0;
        }
}

static bool is_string_field(uint32_t field) {
        /* The field types whose value is a length into buf, as the kernel lists them. */
        switch (field) {
        case AUDIT_SUBJ_USER:
        case AUDIT_SUBJ_ROLE:
        case AUDIT_SUBJ_TYPE:
        case AUDIT_SUBJ_SEN:
        case AUDIT_SUBJ_CLR:
        case AUDIT_OBJ_USER:
        case AUDIT_OBJ_ROLE:
        case AUDIT_OBJ_TYPE:
        case AUDIT_OBJ_LEV_LOW:
        case AUDIT_OBJ_LEV_HIGH:
        case AUDIT_WATCH:
        case AUDIT_DIR:
        case AUDIT_FILTERKEY:
        case AUDIT_EXE:
                return true;
        default:
                return false;
        }
}

/* The kernel's AUDIT_PERM_* bits and ours (rule.h) differ. */
static const struct {
        uint32_t kernel;
        unsigned ours;
} perm_map[] = {
        { AUDIT_PERM_READ, PERM_READ },
        { AUDIT_PERM_WRITE, PERM_WRITE },
        { AUDIT_PERM_EXEC, PERM_EXEC },
        { AUDIT_PERM_ATTR, PERM_ATTR },
};

static unsigned perms_from_kernel(uint32_t v) {
        unsigned p = 0;

        for (size_t i = 0; i < ELEMENTSOF(perm_map); i++)
                if (v & perm_map[i].kernel)
                        p |= perm_map[i].ours;
        return p;
}

static int perms_to_kernel(unsigned p) {
        uint32_t v = 0;

        for (size_t i = 0; i < ELEMENTSOF(perm_map); i++)
                if (p & perm_map[i].ours)
                        v |= perm_map[i].kernel;
        return (int) v;
}

/* Split a key field (several keys joined by AUDIT_KEY_SEPARATOR) onto *keys. */
static int keys_split(const char *s, size_t len, char ***keys) {
        const char *end = s + len;

        while (s < end) {
                const char *e = memchr(s, AUDIT_KEY_SEPARATOR, (size_t) (end - s));
                int r;

                if (!e)
                        e = end;
                if (e > s) {
                        r = strv_push(keys, strndup(s, (size_t) (e - s)));
                        if (r < 0)
                                return r;
                }
                s = e + 1;
        }
        return 0;
}

/* Decode the kernel's rule into k->rule; the caller has checked that buflen fits. */
static int decode_rule(const struct audit_rule_data *d, struct kernel_rule *k) {
        _cleanup_free_ char *path = NULL, *exe = NULL;
        _cleanup_strv_free_ char **keys = NULL;
        unsigned n_path = 0, n_perm = 0, n_exe = 0, n_other = 0, n_auid = 0;
        bool watch_ok, exe_negated = false;
        enum watch_kind kind = WATCH_FILE;
        uint32_t perm = 0;
        size_t off = 0;
        int r;

        if (d->field_count > AUDIT_MAX_FIELDS)
                return -EBADMSG;

        for (uint32_t i = 0; i < d->field_count; i++) {
                uint32_t f = d->fields[i], v = d->values[i], op = d->fieldflags[i] & AUDIT_OPERATORS;
                const char *s = NULL;

                if (is_string_field(f)) {
                        if (v > d->buflen - off)
                                return -EBADMSG;
                        s = d->buf + off;
                        off += v;
                }

                switch (f) {
                case AUDIT_WATCH:
                case AUDIT_DIR:
                        n_path++;
                        if (op != AUDIT_EQUAL || n_path > 1) {
                                n_other++;
                                break;
                        }
                        kind = f == AUDIT_DIR ? WATCH_DIR : WATCH_FILE;
                        path = strndup(s, v);
                        if (!path)
                                return -ENOMEM;
                        if (strlen(path) != v)
                                n_other++; /* an embedded NUL: not a path we could write */
                        break;
                case AUDIT_PERM:
                        n_perm++;
                        if (op != AUDIT_EQUAL || (v & ~15u) != 0)
                                n_other++;
                        perm = v;
                        break;
                case AUDIT_EXE:
                        n_exe++;
                        if ((op != AUDIT_EQUAL && op != AUDIT_NOT_EQUAL) || n_exe > 1) {
                                n_other++;
                                break;
                        }
                        exe_negated = op == AUDIT_NOT_EQUAL;
                        exe = strndup(s, v);
                        if (!exe)
                                return -ENOMEM;
                        if (strlen(exe) != v)
                                n_other++;
                        break;
                case AUDIT_LOGINUID:
                        /* Only auid!=unset (4294967295), after every other field but the key. */
                        if (op != AUDIT_NOT_EQUAL || v != 4294967295u || n_auid++ > 0)
                                n_other++;
                        break;
                case AUDIT_FILTERKEY:
                        if (op != AUDIT_EQUAL)
                                n_other++;
                        r = keys_split(s, v, &keys);
                        if (r < 0)
                                return r;
                        break;
                default:
                        n_other++;
                }
        }

        watch_ok = d->flags == AUDIT_FILTER_EXIT &&
                d->action == AUDIT_ALWAYS &&
                n_path == 1 && n_perm == 1 && n_exe <= 1 && n_other == 0 &&
                path && path[0] == '/';
        /* Every syscall: compare words 0..62 only, the last one differs by architecture. */
        for (size_t i = 0; watch_ok && i < AUDIT_BITMASK_SIZE - 1; i++)
                if (d->mask[i] != ~(uint32_t) 0)
                        watch_ok = false;

        k->is_watch = watch_ok;
        if (watch_ok) {
                k->rule.form = exe || n_auid ? FORM_A : FORM_W;
                k->rule.kind = kind;
                k->rule.path = TAKE_PTR(path);
                k->rule.perms = perms_from_kernel(perm);
                k->rule.exe = TAKE_PTR(exe);
                k->rule.exe_negated = k->rule.exe && exe_negated;
                k->rule.auid_set = n_auid > 0;
        }
        k->rule.keys = TAKE_PTR(keys);
        return 0;
}

static enum filter_list list_from_kernel(uint32_t flags) {
        switch (flags & ~(uint32_t) AUDIT_FILTER_PREPEND) {
        case AUDIT_FILTER_USER:
                return FILTER_LIST_USER;
        case AUDIT_FILTER_TASK:
                return FILTER_LIST_TASK;
        case AUDIT_FILTER_EXIT:
                return FILTER_LIST_EXIT;
        case AUDIT_FILTER_EXCLUDE:
                return FILTER_LIST_EXCLUDE;
#ifdef AUDIT_FILTER_FS
        case AUDIT_FILTER_FS:
                return FILTER_LIST_FS;
#endif
#ifdef AUDIT_FILTER_URING_EXIT
        case AUDIT_FILTER_URING_EXIT:
                return FILTER_LIST_URING;
#endif
        default:
                return FILTER_LIST_OTHER;
        }
}

static enum filter_op op_from_kernel(uint32_t flags) {
        switch (flags & (AUDIT_OPERATORS | AUDIT_LESS_THAN | AUDIT_GREATER_THAN)) {
        case AUDIT_NOT_EQUAL:
                return FILTER_OP_NE;
        case AUDIT_LESS_THAN:
                return FILTER_OP_LT;
        case AUDIT_GREATER_THAN:
                return FILTER_OP_GT;
        case AUDIT_LESS_THAN_OR_EQUAL:
                return FILTER_OP_LE;
        case AUDIT_GREATER_THAN_OR_EQUAL:
                return FILTER_OP_GE;
        case AUDIT_BIT_MASK:
                return FILTER_OP_BITMASK;
        case AUDIT_BIT_TEST:
                return FILTER_OP_BITTEST;
        default:
                return FILTER_OP_EQ;
        }
}

/* The value of a numeric field as auditctl would write it. */
static int numeric_value(uint32_t field, uint32_t v, int *machine, char **ret) {
        if (field == AUDIT_ARCH) {
                int m = audit_elf_to_machine(v);
                const char *name = m >= 0 ? audit_machine_to_name(m) : NULL;

                if (m >= 0)
                        *machine = m;
                if (name) {
                        *ret = strdup(name);
                        return *ret ? 0 : -ENOMEM;
                }
        }
        if (field == AUDIT_PERM) {
                char buf[5];

                *ret = strdup(perms_to_string(perms_from_kernel(v), buf));
                return *ret ? 0 : -ENOMEM;
        }
        if (v == (uint32_t) -1 && (field == AUDIT_UID || field == AUDIT_EUID || field == AUDIT_SUID ||
                                   field == AUDIT_FSUID || field == AUDIT_LOGINUID || field == AUDIT_GID ||
                                   field == AUDIT_EGID || field == AUDIT_SGID || field == AUDIT_FSGID)) {
                *ret = strdup("unset");
                return *ret ? 0 : -ENOMEM;
        }
        return asprintf(ret, "%" PRIu32, v) < 0 ? -ENOMEM : 0;
}

/* The syscall mask as names (or numbers), or all_syscalls. */
static int decode_syscalls(const struct audit_rule_data *d, int machine, struct filter_rule *f) {
        f->all_syscalls = true;
        for (size_t i = 0; i < AUDIT_BITMASK_SIZE - 1; i++)
                if (d->mask[i] != ~(uint32_t) 0)
                        f->all_syscalls = false;
        if (f->all_syscalls || f->list != FILTER_LIST_EXIT)
                return 0;
        for (int nr = 0; nr < (AUDIT_BITMASK_SIZE - 1) * 32; nr++) {
                const char *name;
                char *s;

                if (!(d->mask[nr / 32] & (UINT32_C(1) << (nr % 32))))
                        continue;
                name = machine >= 0 ? audit_syscall_to_name(nr, machine) : NULL;
                if (name)
                        s = strdup(name);
                else if (asprintf(&s, "%d", nr) < 0)
                        s = NULL;
                if (strv_push(&f->syscalls, s) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Decode a rule (a never rule, in practice) into auditctl's terms. `machine` is the machine
 * type the syscall numbers are named for when the rule has no arch= field
 * (audit_detect_machine(), asked once per listing: it is a uname(2) each time). */
static int decode_filter(const struct audit_rule_data *d, unsigned pos, int machine, struct filter_rule **ret) {
        _cleanup_free_ struct filter_rule *f = calloc(1, sizeof(*f));
        size_t off = 0;
        int r = 0;

        if (!f)
                return -ENOMEM;
        f->list = list_from_kernel(d->flags);
        f->action = d->action == AUDIT_NEVER ? FILTER_NEVER : FILTER_ALWAYS;
        f->prepend = false; /* the kernel does not say how a rule came to its place */
        f->pos = pos;
        for (uint32_t i = 0; r >= 0 && i < d->field_count && i < AUDIT_MAX_FIELDS; i++) {
                uint32_t fld = d->fields[i], v = d->values[i];
                const char *name = audit_field_to_name((int) fld);
                _cleanup_free_ char *value = NULL, *num = NULL;

                if (is_string_field(fld)) {
                        if (v > d->buflen - off) {
                                r = -EBADMSG;
                                break;
                        }
                        value = strndup(d->buf + off, v);
                        off += v;
                        if (!value) {
                                r = -ENOMEM;
                                break;
                        }
                }
                if (fld == AUDIT_FILTERKEY) {
                        r = keys_split(d->buf + off - v, v, &f->keys);
                        continue;
                }
                if (!value) {
                        r = numeric_value(fld, v, &machine, &value);
                        if (r < 0)
                                break;
                }
                if (!name) {
                        if (asprintf(&num, "field%" PRIu32, fld) < 0) {
                                r = -ENOMEM;
                                break;
                        }
                        name = num;
                }
                r = filter_rule_add_field(f, name, op_from_kernel(d->fieldflags[i]), value);
        }
        if (r >= 0)
                r = decode_syscalls(d, machine, f);
        if (r < 0) {
                filter_rule_done(f);
                return r;
        }
        *ret = TAKE_PTR(f);
        return 0;
}

int audit_conn_list(struct audit_conn *c, struct kernel_rule **ret_rules, size_t *ret_n) {
        return audit_conn_list_filtered(c, NULL, NULL, ret_rules, ret_n);
}

int audit_conn_list_filtered(struct audit_conn *c, bool (*keep)(struct kernel_rule *k, void *userdata),
                             void *userdata, struct kernel_rule **ret_rules, size_t *ret_n) {
        struct kernel_rule *rules = NULL;
        size_t n = 0, allocated = 0, n_seen = 0;
        struct list_batch batch;
        /* Its pointers lead into batch; its own buffer (msg) is not used. */
        static struct audit_reply rep;
        int seq, r, machine = MACHINE_UNASKED;

        if (!c || !ret_rules || !ret_n)
                return -EINVAL;

        r = list_batch_init(&batch);
        if (r < 0)
                return r;
        /* The kernel's sender (audit_send_list_thread()) waits whenever the socket's receive
         * buffer is full, and each wait is a switch to it and back: room for a few thousand rule
         * messages lets it run ahead. Kernel memory, taken only as messages arrive; without
         * the privilege the default stays, which is only slower. */
        {
                int room = LIST_RCVBUF;
                (void) setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &room, sizeof(room));
        }
        drain(c);
        seq = audit_request_rules_list_data(c->fd);
        if (seq <= 0) {
                list_batch_done(&batch);
                return seq < 0 ? seq : -EIO;
        }

        for (;;) {
                const struct audit_rule_data *d;
                size_t payload, len;
                struct kernel_rule *k;

                r = next_list_reply(c, &batch, &rep);
                if (r < 0)
                        goto fail;
                r = classify(&rep, seq);
                if (r < 0)
                        goto fail;
                if (r > 0)
                        continue;
                if (rep.type == NLMSG_DONE)
                        break;
                if (rep.type != AUDIT_LIST_RULES)
                        continue;

                payload = NLMSG_PAYLOAD(rep.nlh, 0);
                d = rep.ruledata;
                if (payload < sizeof(*d) || d->buflen > payload - sizeof(*d)) {
                        r = -EBADMSG;
                        goto fail;
                }
                len = sizeof(*d) + d->buflen;

                if (n >= allocated) {
                        size_t m = allocated ? allocated * 2 : 16;
                        struct kernel_rule *t = reallocarray(rules, m, sizeof(*rules));
                        if (!t) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        rules = t;
                        allocated = m;
                }
                k = &rules[n];
                *k = (struct kernel_rule) {};
                /* The reply buffer is reused: keep a copy. */
                k->raw = malloc(len);
                if (!k->raw) {
                        r = -ENOMEM;
                        goto fail;
                }
                memcpy(k->raw, d, len);
                k->raw_len = len;
                n++;

                r = decode_rule(k->raw, k);
                if (r < 0)
                        goto fail;
                k->pos = (unsigned) n_seen++;
                k->list = list_from_kernel(((const struct audit_rule_data *) k->raw)->flags);
                /* Never rules, and the exit list's always rules (which of them take events on
                 * our paths is the caller's to judge). */
                if (((const struct audit_rule_data *) k->raw)->action == AUDIT_NEVER ||
                    (((const struct audit_rule_data *) k->raw)->flags & ~(uint32_t) AUDIT_FILTER_PREPEND) ==
                            AUDIT_FILTER_EXIT) {
                        if (machine == MACHINE_UNASKED)
                                machine = audit_detect_machine();
                        r = decode_filter(k->raw, k->pos, machine, &k->filter);
                        if (r < 0)
                                goto fail;
                }
                if (keep && !keep(k, userdata)) {
                        rule_done(&k->rule);
                        free(k->raw);
                        filter_rule_done(k->filter);
                        free(k->filter);
                        n--;
                }
        }

        list_batch_done(&batch);
        *ret_rules = rules;
        *ret_n = n;
        return (int) (n > INT_MAX ? INT_MAX : n);

fail:
        list_batch_done(&batch);
        kernel_rules_free(rules, n);
        return r;
}

/* Build the rule the way auditctl does for -w PATH -p PERMS -k KEY (and for
 * -a always,exit -F path=|dir=PATH -F perm=PERMS -F exe[!]=EXE -k KEY): watch, perm, exe, then
 * one key field holding every key joined by AUDIT_KEY_SEPARATOR. */
static int build_rule(const struct rule *r, struct audit_rule_data **ret) {
        struct audit_rule_data *d;
        size_t keys_len = 0, n_keys = 0;
        int q;

        if (!r || !r->path || r->path[0] != '/' || strlen(r->path) >= PATH_MAX)
                return -EINVAL;
        if (r->kind != WATCH_FILE && r->kind != WATCH_DIR)
                return -EINVAL;
        if (r->perms == 0 || (r->perms & ~(unsigned) PERM_ALL))
                return -EINVAL;
        if (r->exe && (r->exe[0] != '/' || strlen(r->exe) >= PATH_MAX))
                return -EINVAL;
        for (char **i = r->keys; i && *i; i++) {
                if (!**i || strchr(*i, AUDIT_KEY_SEPARATOR))
                        return -EINVAL;
                keys_len += strlen(*i) + (n_keys > 0);
                n_keys++;
        }
        if (keys_len > AUDIT_MAX_KEY_LEN)
                return -EINVAL;

        d = audit_rule_create_data();
        if (!d)
                return -ENOMEM;

        /* Sets the filter, the action, every syscall and the one path field; it reallocates. */
        q = audit_add_watch_dir(r->kind == WATCH_DIR ? AUDIT_DIR : AUDIT_WATCH, &d, r->path);
        if (q < 0 || !d)
                goto invalid;

        /* audit_add_watch_dir() already put in a perm field with every bit set (as -w without -p
         * does); this narrows it. */
        q = audit_update_watch_perms(d, perms_to_kernel(r->perms));
        if (q < 0)
                goto invalid;

        if (r->exe) {
                _cleanup_free_ char *pair = NULL;

                if (asprintf(&pair, "exe%s=%s", r->exe_negated ? "!" : "", r->exe) < 0) {
                        audit_rule_free_data(d);
                        return -ENOMEM;
                }
                q = audit_rule_fieldpair_data(&d, pair, AUDIT_FILTER_EXIT);
                if (q < 0)
                        goto invalid;
        }

        if (r->auid_set) {
                char pair[] = "auid!=unset";
                q = audit_rule_fieldpair_data(&d, pair, AUDIT_FILTER_EXIT);
                if (q < 0)
                        goto invalid;
        }

        if (n_keys > 0) {
                _cleanup_free_ char *pair = malloc(strlen("key=") + keys_len + 1);
                char *p;

                if (!pair) {
                        audit_rule_free_data(d);
                        return -ENOMEM;
                }
                p = stpcpy(pair, "key=");
                for (char **i = r->keys; *i; i++) {
                        if (i != r->keys)
                                *p++ = AUDIT_KEY_SEPARATOR;
                        p = stpcpy(p, *i);
                }
                q = audit_rule_fieldpair_data(&d, pair, AUDIT_FILTER_EXIT);
                if (q < 0)
                        goto invalid;
        }

        /* audit_add_rule_data() sets these too; set them here so the built rule is complete. */
        d->flags = AUDIT_FILTER_EXIT;
        d->action = AUDIT_ALWAYS;
        *ret = d;
        return 0;

invalid:
        /* libaudit's rule builders return their own error numbers, not errnos. */
        audit_rule_free_data(d);
        return -EINVAL;
}

int audit_rule_build_raw(const struct rule *r, void **ret_raw, size_t *ret_len) {
        struct audit_rule_data *d = NULL;
        size_t len;
        void *copy;
        int q;

        if (!ret_raw || !ret_len)
                return -EINVAL;
        q = build_rule(r, &d);
        if (q < 0)
                return q;
        len = sizeof(*d) + d->buflen;
        copy = malloc(len);
        if (!copy) {
                audit_rule_free_data(d);
                return -ENOMEM;
        }
        memcpy(copy, d, len);
        audit_rule_free_data(d);
        *ret_raw = copy;
        *ret_len = len;
        return 0;
}

/* The twin of a built rule: its perm field (build_rule() puts it second) and the next field
 * swapped. The perm field holds no string, so the string buffer's order stays right. */
static int make_twin(struct audit_rule_data *d) {
        uint32_t f, v, fl;

        if (d->field_count < 3 || d->fields[1] != AUDIT_PERM)
                return -EINVAL;
        f = d->fields[1], v = d->values[1], fl = d->fieldflags[1];
        d->fields[1] = d->fields[2], d->values[1] = d->values[2], d->fieldflags[1] = d->fieldflags[2];
        d->fields[2] = f, d->values[2] = v, d->fieldflags[2] = fl;
        return 0;
}

static int build_rule_flags(const struct rule *r, unsigned flags, struct audit_rule_data **ret) {
        struct audit_rule_data *d = NULL;
        int q;

        q = build_rule(r, &d);
        if (q < 0)
                return q;
        if (flags & AUDIT_ADD_TWIN) {
                q = make_twin(d);
                if (q < 0) {
                        audit_rule_free_data(d);
                        return q;
                }
        }
        *ret = d;
        return 0;
}

/* The flags argument of audit_add_rule_data(): the list, with the prepend bit for -A. */
static int add_list_flags(unsigned flags) {
        return AUDIT_FILTER_EXIT | (flags & AUDIT_ADD_PREPEND ? AUDIT_FILTER_PREPEND : 0);
}

int audit_conn_add_flags(struct audit_conn *c, const struct rule *r, unsigned flags) {
        struct audit_rule_data *d = NULL;
        int q;

        if (!c || !r)
                return -EINVAL;

        q = build_rule_flags(r, flags, &d);
        if (q < 0)
                return q;

        drain(c);
        c->requests++;
        q = audit_add_rule_data(c->fd, d, add_list_flags(flags), AUDIT_ALWAYS);
        audit_rule_free_data(d);
        if (q < 0)
                return q;
        return 0;
}

int audit_conn_add(struct audit_conn *c, const struct rule *r) {
        return audit_conn_add_flags(c, r, 0);
}

int audit_conn_delete_twin(struct audit_conn *c, const struct rule *r) {
        struct audit_rule_data *d = NULL;
        int q;

        if (!c || !r)
                return -EINVAL;
        q = build_rule_flags(r, AUDIT_ADD_TWIN, &d);
        if (q < 0)
                return q;
        drain(c);
        c->requests++;
        q = audit_delete_rule_data(c->fd, d, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
        audit_rule_free_data(d);
        return q < 0 ? q : 0;
}

static int add_maybe_confined(struct audit_conn *c, const struct rule *r, char * const *trees, unsigned flags) {
        return trees ? audit_conn_add_confined_flags(c, r, trees, flags) : audit_conn_add_flags(c, r, flags);
}

int audit_conn_move(struct audit_conn *c, const struct kernel_rule *k, const struct rule *r, bool prepend,
                    char * const *trees) {
        unsigned where = prepend ? AUDIT_ADD_PREPEND : 0;
        int q;

        if (!c || !k || !r)
                return -EINVAL;
        /* Appended, the twin or the rule may be there already (a move cut short): that is fine. */
        q = add_maybe_confined(c, r, trees, where | AUDIT_ADD_TWIN);
        if (q < 0 && q != -EEXIST)
                return q;
        q = audit_conn_delete(c, k);
        if (q < 0 && q != -ENOENT) {
                (void) audit_conn_delete_twin(c, r);
                return q;
        }
        q = add_maybe_confined(c, r, trees, where);
        if (q < 0 && q != -EEXIST)
                return q; /* the twin stays: it records the same events */
        q = audit_conn_delete_twin(c, r);
        return q == -ENOENT ? 0 : q;
}

/* mkdir -p of path below top (an empty tmpfs of our own). 0 or -errno. */
static int mkdir_below(const char *top, const char *path) {
        char buf[PATH_MAX];
        size_t n;

        if (snprintf(buf, sizeof(buf), "%s%s", top, path) >= (int) sizeof(buf))
                return -ENAMETOOLONG;
        n = strlen(top);
        for (char *p = buf + n + 1; ; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char c = *p;
                *p = '\0';
                if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *p = c;
                if (!c)
                        return 0;
        }
}

/* The child of audit_conn_add_confined(): in a mount namespace of its own, the trees are pinned
 * (O_PATH: the bind below needs a mount of this namespace), an empty tmpfs covers /tmp, each tree
 * is bound at its own path below it, and it becomes the root; then the rule is sent on the
 * inherited socket. Exits with 0 or the errno. A tree that does not exist is not bound (a rule
 * below it then fails with ENOENT, as it would outside). */
static _Noreturn void confined_child(int fd, struct audit_rule_data *d, char * const *trees, int list_flags) {
        static const char top[] = "/tmp";
        int fds[9];
        size_t n = 0;
        int q;

        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                _exit(errno ? errno : EPERM);
        for (; trees[n]; n++) {
                fds[n] = open(trees[n], O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (fds[n] < 0 && errno != ENOENT && errno != ENOTDIR)
                        _exit(errno);
        }
        if (mount("dar-confined", top, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=1m") < 0)
                _exit(errno);
        for (size_t i = 0; i < n; i++) {
                char src[64], dst[PATH_MAX];
                if (fds[i] < 0)
                        continue;
                q = mkdir_below(top, trees[i]);
                if (q < 0)
                        _exit(-q);
                (void) snprintf(src, sizeof(src), "/proc/self/fd/%d", fds[i]);
                (void) snprintf(dst, sizeof(dst), "%s%s", top, trees[i]);
                if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
                        _exit(errno);
        }
        if (chroot(top) < 0 || chdir("/") < 0)
                _exit(errno);
        q = audit_add_rule_data(fd, d, list_flags, AUDIT_ALWAYS);
        _exit(q < 0 ? -q : 0);
}

int audit_conn_add_confined(struct audit_conn *c, const struct rule *r, char * const *trees) {
        return audit_conn_add_confined_flags(c, r, trees, 0);
}

/* path, a directory, and every directory above it: owned by root, writable by neither group nor
 * others, none a symlink. Looked at by name: a directory that only root can change stays so. */
static bool root_only_dir(const char *path) {
        char buf[PATH_MAX];
        size_t len = strlen(path);

        if (path[0] != '/' || len >= sizeof(buf))
                return false;
        memcpy(buf, path, len + 1);
        for (size_t end = 1; end <= len; end++) {
                struct stat st;
                char c;

                if (end < len && buf[end] != '/')
                        continue;
                c = buf[end];
                buf[end] = 0;
                if (lstat(buf, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
                    (st.st_mode & (S_IWGRP | S_IWOTH)))
                        return false;
                buf[end] = c;
        }
        return true;
}

int audit_conn_add_confined_flags(struct audit_conn *c, const struct rule *r, char * const *trees, unsigned flags) {
        struct audit_rule_data *d = NULL;
        _cleanup_free_ char *exe_dir = NULL;
        char *all[9 + 1];
        int status, q;
        size_t n = 0;
        pid_t pid;

        if (!c || !r || !trees || !trees[0])
                return -EINVAL;
        for (; trees[n]; n++) {
                if (n >= 8 || trees[n][0] != '/' || streq(trees[n], "/") ||
                    strlen(trees[n]) + sizeof("/tmp") >= PATH_MAX)
                        return -EINVAL;
                all[n] = trees[n];
        }
        all[n] = NULL;
        /* The exe= program's directory, when no tree holds it and only root can change it. */
        if (r->exe && r->exe[0] == '/') {
                bool inside = false;

                exe_dir = path_parent(r->exe);
                if (!exe_dir)
                        return -ENOMEM;
                for (size_t i = 0; i < n && !inside; i++)
                        inside = path_startswith_dir(exe_dir, trees[i]);
                if (!inside && !streq(exe_dir, "/") && strlen(exe_dir) + sizeof("/tmp") < PATH_MAX &&
                    root_only_dir(exe_dir)) {
                        all[n] = exe_dir;
                        all[n + 1] = NULL;
                }
        }
        trees = all;
        q = build_rule_flags(r, flags, &d);
        if (q < 0)
                return q;
        drain(c);
        c->requests++;
        pid = fork();
        if (pid < 0) {
                q = -errno;
                audit_rule_free_data(d);
                return q;
        }
        if (pid == 0)
                confined_child(c->fd, d, trees, add_list_flags(flags));
        audit_rule_free_data(d);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
}

int audit_conn_delete(struct audit_conn *c, const struct kernel_rule *k) {
        _cleanup_free_ struct audit_rule_data *d = NULL;
        int q;

        if (!c || !k || !k->raw || k->raw_len < sizeof(*d))
                return -EINVAL;
        if (((const struct audit_rule_data *) k->raw)->buflen != k->raw_len - sizeof(*d))
                return -EINVAL;

        /* libaudit writes flags and action into the rule it sends: work on a copy. */
        d = malloc(k->raw_len);
        if (!d)
                return -ENOMEM;
        memcpy(d, k->raw, k->raw_len);

        drain(c);
        c->requests++;
        q = audit_delete_rule_data(c->fd, d, (int) d->flags, (int) d->action);
        if (q < 0)
                return q;
        return 0;
}

int audit_conn_set_enabled(struct audit_conn *c, int enabled) {
        int q;

        if (!c || (enabled != 0 && enabled != 1))
                return -EINVAL;

        drain(c);
        q = audit_set_enabled(c->fd, (uint32_t) enabled);
        if (q < 0)
                return q;
        return 0;
}
