/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark helper, compiled by bench/run: the kernel's cost of one rule change on this machine,
 * with the rules already loaded.
 *
 *   darbench-rulecost KEY PATH COUNT
 *
 * COUNT times: add the watch `-w PATH -p wa -k KEY` (an AUDIT_WATCH rule on the exit list, as
 * auditctl builds it, libaudit.h) and delete it again. The kernel handles an audit netlink
 * request in the sender's system call (kernel/audit.c audit_receive(), under audit_cmd_mutex),
 * so the time around each libaudit call is the kernel's work for that one change plus one
 * netlink round trip. One line per pair on standard output: "ADD_NS DEL_NS". Exit status 1 when
 * the kernel refuses a change.
 *
 *   darbench-rulecost --lookups COUNT PATH...
 *
 * The cost of one path lookup with the rules loaded: COUNT rounds of one lstat(2) of each PATH.
 * At the exit of a system call that looked up a path, the kernel compares each name with the
 * rules hung on the inode-hash bucket of its inode (kernel/auditsc.c audit_filter_inodes(); a
 * watch hangs on its parent directory's inode), so every lookup of every process pays for the
 * watches loaded. One line per round on standard output: the mean nanoseconds of one lstat. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libaudit.h>

static int64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Read and drop what the kernel answered (ACKs), without waiting. */
static void drain(int fd) {
        struct audit_reply rep;

        while (audit_get_reply(fd, &rep, GET_REPLY_NONBLOCKING, 0) > 0)
                ;
}

int main(int argc, char **argv) {
        struct audit_rule_data *rule;
        char keypair[300];
        long count;
        int fd, r;

        if (argc >= 4 && strcmp(argv[1], "--lookups") == 0 && (count = strtol(argv[2], NULL, 10)) > 0) {
                for (long i = 0; i < count; i++) {
                        int64_t t0 = now_ns();
                        struct stat st;

                        for (int k = 3; k < argc; k++)
                                (void) lstat(argv[k], &st);
                        printf("%lld\n", (long long) ((now_ns() - t0) / (argc - 3)));
                }
                return 0;
        }
        if (argc != 4 || (count = strtol(argv[3], NULL, 10)) <= 0) {
                fprintf(stderr, "usage: %s KEY PATH COUNT\n", argv[0]);
                return 2;
        }
        set_aumessage_mode(MSG_QUIET, DBG_NO);
        fd = audit_open();
        if (fd < 0) {
                perror("audit_open");
                return 1;
        }
        rule = audit_rule_create_data();
        if (!rule || audit_add_watch_dir(AUDIT_WATCH, &rule, argv[2]) < 0 ||
            audit_update_watch_perms(rule, AUDIT_PERM_WRITE | AUDIT_PERM_ATTR) < 0) {
                fprintf(stderr, "could not build the watch on %s\n", argv[2]);
                return 1;
        }
        snprintf(keypair, sizeof(keypair), "key=%s", argv[1]);
        if (audit_rule_fieldpair_data(&rule, keypair, AUDIT_FILTER_EXIT) < 0) {
                fprintf(stderr, "could not add the key\n");
                return 1;
        }
        for (long i = 0; i < count; i++) {
                int64_t t0, t1, t2;

                t0 = now_ns();
                r = audit_add_rule_data(fd, rule, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
                t1 = now_ns();
                if (r <= 0) {
                        fprintf(stderr, "add: %s\n", strerror(-r));
                        return 1;
                }
                drain(fd);
                t1 = t1 - t0;
                t0 = now_ns();
                r = audit_delete_rule_data(fd, rule, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
                t2 = now_ns();
                if (r <= 0) {
                        fprintf(stderr, "delete: %s\n", strerror(-r));
                        return 1;
                }
                drain(fd);
                printf("%lld %lld\n", (long long) t1, (long long) (t2 - t0));
        }
        audit_rule_free_data(rule);
        audit_close(fd);
        return 0;
}
