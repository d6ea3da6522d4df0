/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark helper, compiled by bench/run: list the kernel's audit rules in a tight loop and
 * write one line per listing, until SIGTERM or SIGINT.
 *
 *   darbench-sampler [-p PAUSE_MS] OUT UNRELATED_KEY DOCKER_KEY [PATH...]
 *
 * Each line: "T0 T1 N_UNRELATED N_DOCKER PRESENT", where T0 and T1 are CLOCK_REALTIME
 * nanoseconds just before and just after the list request was sent (the kernel takes its
 * snapshot of the rule list inside that send, under audit_filter_mutex, so every listing is a
 * consistent snapshot taken between T0 and T1), N_* count the rules carrying each key, and
 * PRESENT has one character per PATH: 1 if a rule with DOCKER_KEY watches that path, else 0.
 * With -p it waits PAUSE_MS between listings, so that a run it watches for minutes is not slowed
 * by a listing always holding the kernel's rule mutex. After the third listing it creates OUT.ready. A listing whose replies overflowed the socket's
 * buffer (ENOBUFS) is dropped and a new one asked for; the last line, "# dropped N", counts them. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libaudit.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
        (void) sig;
        stop = 1;
}

static int64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int is_string_field(uint32_t f) {
        switch (f) {
        case AUDIT_SUBJ_USER: case AUDIT_SUBJ_ROLE: case AUDIT_SUBJ_TYPE: case AUDIT_SUBJ_SEN:
        case AUDIT_SUBJ_CLR: case AUDIT_OBJ_USER: case AUDIT_OBJ_ROLE: case AUDIT_OBJ_TYPE:
        case AUDIT_OBJ_LEV_LOW: case AUDIT_OBJ_LEV_HIGH: case AUDIT_WATCH: case AUDIT_DIR:
        case AUDIT_FILTERKEY: case AUDIT_EXE:
                return 1;
        default:
                return 0;
        }
}

/* Does the key field (keys joined by AUDIT_KEY_SEPARATOR) hold key? */
static int has_key(const char *s, size_t len, const char *key) {
        size_t klen = strlen(key);
        const char *end = s + len;

        while (s < end) {
                const char *e = memchr(s, AUDIT_KEY_SEPARATOR, (size_t) (end - s));
                if (!e)
                        e = end;
                if ((size_t) (e - s) == klen && memcmp(s, key, klen) == 0)
                        return 1;
                s = e + 1;
        }
        return 0;
}

int main(int argc, char **argv) {
        const char *ukey, *dkey;
        char **paths, *present;
        int npaths, fd, bufsize = 32 << 20;
        long dropped = 0;
        FILE *out;
        struct sigaction sa = { .sa_handler = on_signal };

        long pause_ms = 0;

        if (argc >= 3 && strcmp(argv[1], "-p") == 0) {
                pause_ms = strtol(argv[2], NULL, 10);
                argv += 2;
                argc -= 2;
        }
        if (argc < 4) {
                fprintf(stderr, "usage: %s [-p PAUSE_MS] OUT UNRELATED_KEY DOCKER_KEY [PATH...]\n", argv[0]);
                return 2;
        }
        out = fopen(argv[1], "we");
        if (!out) {
                perror(argv[1]);
                return 1;
        }
        ukey = argv[2];
        dkey = argv[3];
        paths = argv + 4;
        npaths = argc - 4;
        present = malloc((size_t) npaths + 1);
        if (!present)
                return 1;

        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        set_aumessage_mode(MSG_QUIET, DBG_NO);
        fd = audit_open();
        if (fd < 0) {
                perror("audit_open");
                return 1;
        }
        /* Room for a listing of 10,000 rules and more. */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsize, sizeof(bufsize)) < 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));

        for (long samples = 0; !stop; samples++) {
                int64_t t0, t1;
                long n_u = 0, n_d = 0;
                int seq, lost = 0;

                memset(present, '0', (size_t) npaths);
                present[npaths] = 0;
                t0 = now_ns();
                seq = audit_request_rules_list_data(fd);
                t1 = now_ns();
                if (seq <= 0) {
                        if (stop)
                                break;
                        fprintf(stderr, "list request failed: %s\n", strerror(-seq));
                        return 1;
                }
                for (;;) {
                        struct audit_reply rep;
                        const struct audit_rule_data *d;
                        const char *path = NULL, *keyf = NULL;
                        size_t path_len = 0, key_len = 0, off = 0;
                        int r = audit_get_reply(fd, &rep, GET_REPLY_BLOCKING, 0);

                        if (r == -EINTR || r == -EAGAIN)
                                continue; /* finish this listing even when told to stop */
                        if (r == -ENOBUFS) {
                                /* Replies were lost: this listing is incomplete. The rest of
                                 * it has this sequence number and is skipped by the next. */
                                lost = 1;
                                break;
                        }
                        if (r <= 0) {
                                fprintf(stderr, "reading the rule list failed: %s\n", strerror(-r));
                                return 1;
                        }
                        if (!rep.nlh || rep.nlh->nlmsg_seq != (uint32_t) seq)
                                continue;
                        if (rep.type == NLMSG_DONE)
                                break;
                        if (rep.type == NLMSG_ERROR && rep.error && rep.error->error != 0) {
                                fprintf(stderr, "the kernel refused the list: %s\n", strerror(-rep.error->error));
                                return 1;
                        }
                        if (rep.type != AUDIT_LIST_RULES)
                                continue;
                        d = rep.ruledata;
                        for (uint32_t i = 0; i < d->field_count && i < AUDIT_MAX_FIELDS; i++) {
                                uint32_t f = d->fields[i], v = d->values[i];
                                if (!is_string_field(f))
                                        continue;
                                if (v > d->buflen - off)
                                        break;
                                if (f == AUDIT_WATCH || f == AUDIT_DIR) {
                                        path = d->buf + off;
                                        path_len = v;
                                } else if (f == AUDIT_FILTERKEY) {
                                        keyf = d->buf + off;
                                        key_len = v;
                                }
                                off += v;
                        }
                        if (!keyf)
                                continue;
                        if (has_key(keyf, key_len, ukey))
                                n_u++;
                        if (has_key(keyf, key_len, dkey)) {
                                n_d++;
                                for (int p = 0; path && p < npaths; p++)
                                        if (strlen(paths[p]) == path_len && memcmp(paths[p], path, path_len) == 0)
                                                present[p] = '1';
                        }
                }
                if (lost) {
                        dropped++;
                        samples--;
                        continue;
                }
                fprintf(out, "%lld %lld %ld %ld %s\n", (long long) t0, (long long) t1, n_u, n_d,
                        npaths ? present : "-");
                if (pause_ms > 0) {
                        struct timespec ts = { pause_ms / 1000, (pause_ms % 1000) * 1000000 };
                        nanosleep(&ts, NULL);
                }
                if (samples == 2) {
                        /* Tell bench/run that sampling is under way. */
                        char ready[4096];
                        FILE *f;

                        fflush(out);
                        snprintf(ready, sizeof(ready), "%s.ready", argv[1]);
                        f = fopen(ready, "we");
                        if (f)
                                fclose(f);
                }
        }
        fprintf(out, "# dropped %ld\n", dropped);
        audit_close(fd);
        return fclose(out) == 0 ? 0 : 1;
}
