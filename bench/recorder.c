/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark helper, compiled by bench/run: write every CONFIG_CHANGE record the kernel sends to
 * the audit multicast group, until SIGTERM or SIGINT.
 *
 *   darbench-recorder OUT
 *
 * The kernel sends each record to the netlink group AUDIT_NLGRP_READLOG as well as to auditd
 * (kernel/audit.c, kauditd_send_multicast_skb(); needs CAP_AUDIT_READ), so this sees the records
 * auditd would write without an auditd running. A rule change makes a CONFIG_CHANGE record only
 * while the audit is enabled (kernel/auditfilter.c, audit_log_rule_change()).
 *
 * Each line of OUT: "SEC.MSEC TEXT", the record's own time stamp (taken when the kernel made the
 * record, inside the system call that changed the rule) and its text. A last line "# lost N"
 * says how many times the socket's buffer overflowed (ENOBUFS: records lost to this listener,
 * not to auditd). After the socket is bound it creates OUT.ready. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/netlink.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
        (void) sig;
        stop = 1;
}

int main(int argc, char **argv) {
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
        struct sigaction sig = { .sa_handler = on_signal };
        static char buf[65536];
        char ready[4096];
        long lost = 0;
        int fd, size = 64 << 20;
        FILE *out, *f;

        if (argc != 2) {
                fprintf(stderr, "usage: %s OUT\n", argv[0]);
                return 2;
        }
        out = fopen(argv[1], "we");
        if (!out) {
                perror(argv[1]);
                return 1;
        }
        sigaction(SIGTERM, &sig, NULL);
        sigaction(SIGINT, &sig, NULL);
        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
        if (fd < 0) {
                perror("socket");
                return 1;
        }
        /* Room for a flush of 10,000 rules and its reload (two records a rule). */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                perror("bind to the audit multicast group");
                return 1;
        }
        snprintf(ready, sizeof(ready), "%s.ready", argv[1]);
        f = fopen(ready, "we");
        if (f)
                fclose(f);

        while (!stop) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                struct nlmsghdr *nh = (struct nlmsghdr *) buf;
                ssize_t n;
                const char *text, *stamp;
                size_t len;

                if (poll(&p, 1, 200) <= 0)
                        continue;
                n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == ENOBUFS)
                                lost++;
                        continue;
                }
                if ((size_t) n < sizeof(*nh) || nh->nlmsg_type != AUDIT_CONFIG_CHANGE)
                        continue;
                text = (const char *) NLMSG_DATA(nh);
                len = (size_t) n - (size_t) (text - buf);
                if (nh->nlmsg_len >= NLMSG_HDRLEN && nh->nlmsg_len - NLMSG_HDRLEN < len)
                        len = nh->nlmsg_len - NLMSG_HDRLEN;
                /* "audit(SEC.MSEC:SERIAL): ..." */
                if (len < 8 || memcmp(text, "audit(", 6) != 0)
                        continue;
                stamp = text + 6;
                fprintf(out, "%.*s %.*s\n", (int) strcspn(stamp, ":"), stamp, (int) len, text);
        }
        fprintf(out, "# lost %ld\n", lost);
        close(fd);
        return fclose(out) == 0 ? 0 : 1;
}
