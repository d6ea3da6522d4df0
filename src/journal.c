/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "journal.h"
#include "util.h"

int journal_wanted(void) {
        const char *e;

        /* systemd.exec(5): JOURNAL_STREAM is DEVICE:INODE of the stream the service's output was
         * connected to; a program started by the service's own program inherits it with another
         * standard error (a CI runner's pipe), so compare before trusting it. */
        e = getenv("JOURNAL_STREAM");
        if (e && *e) {
                unsigned long long dev, ino;
                struct stat st;
                char tail;
                if (sscanf(e, "%llu:%llu%c", &dev, &ino, &tail) != 2 || fstat(STDERR_FILENO, &st) < 0)
                        return 0;
                return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
        }
        e = getenv("INVOCATION_ID");
        if (e && *e && access("/run/systemd/journal/socket", F_OK) >= 0)
                return 1;
        return 0;
}

/* asprintf() that leaves NULL behind on failure (glibc leaves the pointer undefined). */
__attribute__((format(printf, 2, 3)))
static int field(char **ret, const char *fmt, ...) {
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(ret, fmt, ap);
        va_end(ap);
        if (k < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

enum {
        F_MESSAGE,
        F_PRIORITY,
        F_IDENTIFIER,
        F_MESSAGE_ID,
        F_ADDED,
        F_REMOVED,
        F_UNCHANGED,
        F_FRAGMENT,
        F_FRAGMENT_STATE,
        F_STATUS,
        _F_MAX,
};

int journal_log_summary(int priority, const char *message, unsigned added, unsigned removed, unsigned unchanged,
                        const char *fragment, const char *fragment_state, const char *status) {
        char *fields[_F_MAX] = {};
        struct iovec iov[_F_MAX];
        size_t n = 0;
        int r;

        if (!message || priority < LOG_EMERG || priority > LOG_DEBUG)
                return -EINVAL;

        if ((r = field(&fields[F_MESSAGE], "MESSAGE=%s", message)) < 0 ||
            (r = field(&fields[F_PRIORITY], "PRIORITY=%d", priority)) < 0 ||
            (r = field(&fields[F_IDENTIFIER], "SYSLOG_IDENTIFIER=%s", "docker-audit-rules")) < 0 ||
            (r = field(&fields[F_MESSAGE_ID], "MESSAGE_ID=%s", JOURNAL_SUMMARY_MESSAGE_ID)) < 0 ||
            (r = field(&fields[F_ADDED], "DOCKER_AUDIT_RULES_ADDED=%u", added)) < 0 ||
            (r = field(&fields[F_REMOVED], "DOCKER_AUDIT_RULES_REMOVED=%u", removed)) < 0 ||
            (r = field(&fields[F_UNCHANGED], "DOCKER_AUDIT_RULES_UNCHANGED=%u", unchanged)) < 0 ||
            (fragment && (r = field(&fields[F_FRAGMENT], "DOCKER_AUDIT_RULES_FRAGMENT=%s", fragment)) < 0) ||
            (fragment_state &&
             (r = field(&fields[F_FRAGMENT_STATE], "DOCKER_AUDIT_RULES_FRAGMENT_STATE=%s", fragment_state)) < 0) ||
            (status && (r = field(&fields[F_STATUS], "DOCKER_AUDIT_RULES_STATUS=%s", status)) < 0))
                goto finish;

        for (size_t i = 0; i < _F_MAX; i++)
                if (fields[i])
                        iov[n++] = (struct iovec) { .iov_base = fields[i], .iov_len = strlen(fields[i]) };
        r = sd_journal_sendv(iov, (int) n);

finish:
        for (size_t i = 0; i < _F_MAX; i++)
                free(fields[i]);
        return r;
}
