/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A hostile user's racing loop: swaps two names with renameat2(RENAME_EXCHANGE) as fast as it
 * can, so that a path checked by name and used by name leads to one object at the check and to
 * the other at the use.
 *   race-exchange A B SECONDS
 * Stops after SECONDS or on SIGTERM, then prints how many exchanges it made and exits 0; exits 1
 * when an exchange fails. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_term(int sig) {
        (void) sig;
        stop = 1;
}

int main(int argc, char **argv) {
        struct sigaction sa = { .sa_handler = on_term };
        unsigned long n = 0;
        time_t end;

        if (argc != 4) {
                fprintf(stderr, "usage: race-exchange A B SECONDS\n");
                return 2;
        }
        (void) sigaction(SIGTERM, &sa, NULL);
        end = time(NULL) + atol(argv[3]);
        while (!stop && time(NULL) < end)
                for (int i = 0; i < 10000; i++, n++)
                        if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0) {
                                fprintf(stderr, "race-exchange: %s <-> %s: %s\n", argv[1], argv[2], strerror(errno));
                                return 1;
                        }
        printf("%lu exchanges\n", n);
        return 0;
}
