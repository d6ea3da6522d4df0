/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* What a configuration says a path is. A file or socket named by a configuration (daemon.json,
 * a TLS file, a runtime binary, -H unix://...) is never watched as a directory, whatever is
 * found there: a typo must not turn into a watch of everything below it. */
enum named_as {
        NAMED_AS_FILE,        /* a regular file or a program */
        NAMED_AS_SOCKET,      /* a unix socket: a file too */
        NAMED_AS_DIR,         /* a directory the daemon keeps (data root, exec root, state) */
};

enum guard_verdict {
        GUARD_OK,
        GUARD_ROOT,           /* "/": every file of the host */
        GUARD_DEVICE,         /* a character or block device: every open of it on the host */
        GUARD_FILE_IS_DIR,    /* named as a file or socket, but a directory */
        GUARD_SYSTEM_DIR,     /* a top-level system directory, watched recursively */
        _GUARD_MAX,
};

/* Decide whether a watch on path is safe. path is the normalised host path the rule would
 * name; exists and mode describe what is there (the last component followed, as auditctl's
 * stat() does; exists false for a missing path). Returns the verdict; never fails. */
enum guard_verdict watch_guard(const char *path, bool exists, mode_t mode, enum named_as named_as);

/* One clause saying why a verdict refuses a watch ("it is the root directory: ..."), or NULL
 * for GUARD_OK. */
const char *guard_verdict_explain(enum guard_verdict v);

/* Is path one of the top-level system directories (/usr, /etc, /var, /usr/bin, ...)? */
bool path_is_system_dir(const char *path);
