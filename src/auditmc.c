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

int auditmc_parse_record(const char *text, size_t len, unsigned long *ret_serial, long *ret_pid,
                         char ret_key[static 257]) {
        char buf[64], *end;
        const char *colon, *close;
        unsigned long serial;
        long pid = -1;

        if (len < 8 || memcmp(text, "audit(", 6) != 0)
                return -EINVAL;
        close = memchr(text, ')', len);
        colon = close ? memchr(text, ':', (size_t) (close - text)) : NULL;
        if (!colon)
                return -EINVAL;
        errno = 0;
        serial = strtoul(colon + 1, &end, 10);
        if (errno || end != close)
                return -EINVAL;
        if (field_value(text, len, "pid", false, buf, sizeof(buf))) {
                pid = strtol(buf, &end, 10);
                if (*end)
                        pid = -1;
        }
        if (!field_value(text, len, "key", true, ret_key, 257) || strcmp(ret_key, "(null)") == 0)
                ret_key[0] = 0;
        *ret_serial = serial;
        *ret_pid = pid;
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

int auditmc_wait_syscall(struct auditmc *m, pid_t pid, const char *key, int timeout_ms, struct auditmc_event *ret) {
        int64_t deadline = now_ms() + timeout_ms;
        struct auditmc_event other = {};
        bool have_other = false;
        char *buf = m->buf;

        for (;;) {
                struct pollfd p = { .fd = m->fd, .events = POLLIN };
                int64_t left = deadline - now_ms();
                ssize_t n;
                int r;

                if (left <= 0)
                        break;
                r = poll(&p, 1, (int) left);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                if (r == 0)
                        break;
                n = recv(m->fd, buf, sizeof(m->buf), MSG_DONTWAIT);
                if (n < 0) {
                        /* ENOBUFS: records were dropped for us; ours may come still. */
                        if (errno == EINTR || errno == EAGAIN || errno == ENOBUFS)
                                continue;
                        return -errno;
                }
                /* One datagram is one record. Its nlmsg_len is not to be trusted (the kernel has
                 * set it with and without the header over the years): the datagram's length is. */
                {
                        const struct nlmsghdr *h = (const struct nlmsghdr *) buf;
                        struct auditmc_event e = {};
                        long rec_pid;

                        if ((size_t) n <= NLMSG_HDRLEN || h->nlmsg_type != AUDIT_SYSCALL)
                                continue;
                        if (auditmc_parse_record(buf + NLMSG_HDRLEN, (size_t) n - NLMSG_HDRLEN, &e.serial, &rec_pid,
                                                 e.key) < 0 || rec_pid != (long) pid)
                                continue;
                        e.key_matched = key_in(e.key, key);
                        if (e.key_matched) {
                                *ret = e;
                                return 0;
                        }
                        if (!have_other) {
                                other = e;
                                have_other = true;
                        }
                }
        }
        if (have_other) {
                *ret = other;
                return 0;
        }
        return -ETIMEDOUT;
}
