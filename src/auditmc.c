/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/netlink.h>

#include "auditmc.h"

/* The kernel joins several keys of one rule with this byte (libaudit's AUDIT_KEY_SEPARATOR). */
#define KEY_SEPARATOR 0x01

struct auditmc {
        int fd;
        char buf[65536];          /* one multicast message is one record */
};

int auditmc_open(struct auditmc **ret) {
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
        struct auditmc *m;
        int fd, bufsize = 1 << 20;

        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
        if (fd < 0)
                return errno == EPROTONOSUPPORT || errno == EAFNOSUPPORT || errno == EINVAL ? -EPROTONOSUPPORT : -errno;
        /* A busy host: room for the records that come before ours. Best effort. */
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        m = calloc(1, sizeof(*m));
        if (!m) {
                close(fd);
                return -ENOMEM;
        }
        m->fd = fd;
        *ret = m;
        return 0;
}

void auditmc_close(struct auditmc *m) {
        if (!m)
                return;
        close(m->fd);
        free(m);
}

/* The value of field name (" name=") in text, unquoted or hex-decoded into out. */
static bool field_value(const char *text, size_t len, const char *name, bool may_hex, char *out, size_t outsize) {
        size_t nl = strlen(name);

        for (size_t i = 0; i + nl + 2 <= len; i++) {
                const char *v;
                size_t n = 0;

                if (text[i] != ' ' || memcmp(text + i + 1, name, nl) != 0 || text[i + 1 + nl] != '=')
                        continue;
                v = text + i + 2 + nl;
                if (v < text + len && *v == '"') {
                        for (v++; v < text + len && *v != '"' && n + 1 < outsize; v++)
                                out[n++] = *v;
                } else {
                        const char *e = v;
                        bool hex = true;

                        while (e < text + len && *e != ' ' && *e != '\n')
                                e++;
                        for (const char *h = v; h < e; h++)
                                if (!((*h >= '0' && *h <= '9') || (*h >= 'A' && *h <= 'F')))
                                        hex = false;
                        /* Hex when the value holds a separator (several keys): decode it. */
                        if (may_hex && hex && e > v && (e - v) % 2 == 0)
                                for (const char *h = v; h + 1 < e && n + 1 < outsize; h += 2) {
                                        char b[3] = { h[0], h[1], 0 };
                                        out[n++] = (char) strtoul(b, NULL, 16);
                                }
                        else
                                for (const char *h = v; h < e && n + 1 < outsize; h++)
                                        out[n++] = *h;
                }
                out[n] = 0;
                return true;
        }
        return false;
}

/* A hex field's value (a0=7ffc...), 0 when absent or not hex. */
static unsigned long hex_field(const char *text, size_t len, const char *name) {
        char buf[32], *end;
        unsigned long v;

        if (!field_value(text, len, name, false, buf, sizeof(buf)))
                return 0;
        errno = 0;
        v = strtoul(buf, &end, 16);
        return errno || *end || end == buf ? 0 : v;
}

int auditmc_parse_event(const char *text, size_t len, struct auditmc_event *ret) {
        struct auditmc_event e = { .pid = -1, .syscall = -1 };
        char buf[64], *end;
        const char *colon, *close;

        if (len < 8 || memcmp(text, "audit(", 6) != 0)
                return -EINVAL;
        close = memchr(text, ')', len);
        colon = close ? memchr(text, ':', (size_t) (close - text)) : NULL;
        if (!colon)
                return -EINVAL;
        errno = 0;
        e.serial = strtoul(colon + 1, &end, 10);
        if (errno || end != close)
                return -EINVAL;
        if (field_value(text, len, "pid", false, buf, sizeof(buf))) {
                e.pid = strtol(buf, &end, 10);
                if (*end || end == buf)
                        e.pid = -1;
        }
        if (field_value(text, len, "syscall", false, buf, sizeof(buf))) {
                e.syscall = strtol(buf, &end, 10);
                if (*end || end == buf)
                        e.syscall = -1;
        }
        for (unsigned i = 0; i < 4; i++) {
                char name[3] = { 'a', (char) ('0' + i), 0 };
                e.args[i] = hex_field(text, len, name);
        }
        if (!field_value(text, len, "key", true, e.key, sizeof(e.key)) || strcmp(e.key, "(null)") == 0)
                e.key[0] = 0;
        *ret = e;
        return 0;
}

int auditmc_parse_record(const char *text, size_t len, unsigned long *ret_serial, long *ret_pid,
                         char ret_key[static 257]) {
        struct auditmc_event e;
        int r;

        r = auditmc_parse_event(text, len, &e);
        if (r < 0)
                return r;
        *ret_serial = e.serial;
        *ret_pid = e.pid;
        memcpy(ret_key, e.key, sizeof(e.key));
        return 0;
}

static bool key_in(const char *keys, const char *key) {
        size_t n = strlen(key);

        for (const char *k = keys; *k;) {
                const char *e = strchr(k, KEY_SEPARATOR);
                size_t l = e ? (size_t) (e - k) : strlen(k);

                if (l == n && memcmp(k, key, n) == 0)
                        return true;
                if (!e)
                        break;
                k = e + 1;
        }
        return false;
}

static int64_t now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int auditmc_next_syscall(struct auditmc *m, const pid_t *pids, size_t n_pids, const char *key, int timeout_ms,
                         struct auditmc_event *ret) {
        int64_t deadline = now_ms() + timeout_ms;
        char *buf = m->buf;

        for (;;) {
                struct pollfd p = { .fd = m->fd, .events = POLLIN };
                const struct nlmsghdr *h = (const struct nlmsghdr *) buf;
                int64_t left = deadline - now_ms();
                struct auditmc_event e;
                bool ours = false;
                ssize_t n;
                int r;

                if (left <= 0)
                        return -ETIMEDOUT;
                r = poll(&p, 1, (int) left);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r == 0)
                        return -ETIMEDOUT;
                n = recv(m->fd, buf, sizeof(m->buf), MSG_DONTWAIT);
                if (n < 0) {
                        /* ENOBUFS: records were dropped for us; ours may come still. */
                        if (errno == EINTR || errno == EAGAIN || errno == ENOBUFS)
                                continue;
                        return -errno;
                }
                /* One datagram is one record. Its nlmsg_len is not to be trusted (the kernel has
                 * set it with and without the header over the years): the datagram's length is. */
                if ((size_t) n <= NLMSG_HDRLEN || h->nlmsg_type != AUDIT_SYSCALL)
                        continue;
                if (auditmc_parse_event(buf + NLMSG_HDRLEN, (size_t) n - NLMSG_HDRLEN, &e) < 0)
                        continue;
                for (size_t i = 0; i < n_pids && !ours; i++)
                        ours = e.pid == (long) pids[i];
                if (!ours)
                        continue;
                e.key_matched = key_in(e.key, key);
                *ret = e;
                return 0;
        }
}

int auditmc_wait_syscall(struct auditmc *m, pid_t pid, const char *key, int timeout_ms, struct auditmc_event *ret) {
        int64_t deadline = now_ms() + timeout_ms;
        struct auditmc_event other = {};
        bool have_other = false;

        for (;;) {
                int64_t left = deadline - now_ms();
                struct auditmc_event e;
                int r;

                if (left <= 0)
                        break;
                r = auditmc_next_syscall(m, &pid, 1, key, (int) left, &e);
                if (r == -ETIMEDOUT)
                        break;
                if (r < 0)
                        return r;
                if (e.key_matched) {
                        *ret = e;
                        return 0;
                }
                if (!have_other) {
                        other = e;
                        have_other = true;
                }
        }
        if (have_other) {
                *ret = other;
                return 0;
        }
        return -ETIMEDOUT;
}
