/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Faults the kernel cannot be asked for, injected from outside the program: this library is
 * LD_PRELOADed into the program (or a test) and wraps the libaudit and libc calls below. It is
 * inert unless one of its variables is set; the program itself reads none of them.
 *
 *   DAR_SHIM_FAIL_ADD=N     the N-th audit_add_rule_data() (1-based, counted from the last
 *                           audit_open()) fails with -EPERM without reaching the kernel, as a
 *                           kernel refusing that rule would.
 *   DAR_SHIM_FAKE_LOCKED=1  the kernel looks locked (auditctl -e 2): the status reply says
 *                           enabled 2, and every add, delete or change of the enabled flag
 *                           fails with -EPERM without reaching the kernel. A real lock lasts
 *                           until reboot, so this is how the locked path is tested.
 *   DAR_SHIM_KILL_BEFORE_RENAME=1
 *                           the process kills itself (SIGKILL) when it is about to rename a
 *                           temporary file (a name starting with '.' and ending in ".tmp")
 *                           into place: the moment a crash would leave a half-done write.
 *   DAR_SHIM_NO_DLOPEN=TEXT dlopen() of a library whose name contains TEXT fails as for a
 *                           library that is not installed (dlerror() says so once).
 *
 * DAR_SHIM_FAIL_ADD and DAR_SHIM_FAKE_LOCKED are read by audit_open(), so a test that opens
 * several connections can give each its own faults. Calls from the program's own code reach
 * these wrappers through the PLT: the program links libaudit and libc dynamically. */

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libaudit.h>

static unsigned fail_add;      /* 0: none */
static unsigned adds;
static bool fake_locked;

static void *real(const char *name) {
        void *f = dlsym(RTLD_NEXT, name);

        if (!f) {
                fprintf(stderr, "shim-audit: %s not found: %s\n", name, dlerror());
                abort();
        }
        return f;
}

static bool env_is(const char *name, const char *value) {
        const char *e = getenv(name);

        return e && strcmp(e, value) == 0;
}

static unsigned env_unsigned(const char *name) {
        const char *e = getenv(name);
        char *end;
        unsigned long v;

        if (!e || *e < '0' || *e > '9')
                return 0;
        errno = 0;
        v = strtoul(e, &end, 10);
        if (errno != 0 || *end != 0 || v > 0xffffffffUL)
                return 0;
        return (unsigned) v;
}

int audit_open(void) {
        int (*f)(void) = (int (*)(void)) real("audit_open");

        fail_add = env_unsigned("DAR_SHIM_FAIL_ADD");
        fake_locked = env_is("DAR_SHIM_FAKE_LOCKED", "1");
        adds = 0;
        return f();
}

int audit_add_rule_data(int fd, struct audit_rule_data *rule, int flags, int action) {
        int (*f)(int, struct audit_rule_data *, int, int) =
                (int (*)(int, struct audit_rule_data *, int, int)) real("audit_add_rule_data");

        adds++;
        if (fake_locked || (fail_add > 0 && adds == fail_add)) {
                errno = EPERM;
                return -EPERM;
        }
        return f(fd, rule, flags, action);
}

int audit_delete_rule_data(int fd, struct audit_rule_data *rule, int flags, int action) {
        int (*f)(int, struct audit_rule_data *, int, int) =
                (int (*)(int, struct audit_rule_data *, int, int)) real("audit_delete_rule_data");

        if (fake_locked) {
                errno = EPERM;
                return -EPERM;
        }
        return f(fd, rule, flags, action);
}

int audit_set_enabled(int fd, uint32_t enabled) {
        int (*f)(int, uint32_t) = (int (*)(int, uint32_t)) real("audit_set_enabled");

        if (fake_locked) {
                errno = EPERM;
                return -EPERM;
        }
        return f(fd, enabled);
}

int audit_get_reply(int fd, struct audit_reply *rep, reply_t block, int peek) {
        int (*f)(int, struct audit_reply *, reply_t, int) =
                (int (*)(int, struct audit_reply *, reply_t, int)) real("audit_get_reply");
        int r = f(fd, rep, block, peek);

        if (r > 0 && fake_locked && rep->type == AUDIT_GET && rep->status)
                rep->status->enabled = 2;
        return r;
}

static const char *dlopen_error;

void *dlopen(const char *file, int mode) {
        void *(*f)(const char *, int) = (void *(*)(const char *, int)) real("dlopen");
        const char *no = getenv("DAR_SHIM_NO_DLOPEN");

        if (file && no && *no && strstr(file, no)) {
                dlopen_error = "cannot open shared object file: No such file or directory (shim-audit)";
                return NULL;
        }
        return f(file, mode);
}

char *dlerror(void) {
        char *(*f)(void) = (char *(*)(void)) real("dlerror");
        const char *e = dlopen_error;

        if (e) {
                dlopen_error = NULL;
                return (char *) e;
        }
        return f();
}

static bool is_temporary(const char *path) {
        const char *base = strrchr(path, '/');
        size_t n;

        base = base ? base + 1 : path;
        n = strlen(base);
        return base[0] == '.' && n > 4 && strcmp(base + n - 4, ".tmp") == 0;
}

static void maybe_kill(const char *from) {
        if (env_is("DAR_SHIM_KILL_BEFORE_RENAME", "1") && is_temporary(from))
                kill(getpid(), SIGKILL);
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
        int (*f)(int, const char *, int, const char *) =
                (int (*)(int, const char *, int, const char *)) real("renameat");

        maybe_kill(oldpath);
        return f(olddirfd, oldpath, newdirfd, newpath);
}

int rename(const char *oldpath, const char *newpath) {
        int (*f)(const char *, const char *) = (int (*)(const char *, const char *)) real("rename");

        maybe_kill(oldpath);
        return f(oldpath, newpath);
}
