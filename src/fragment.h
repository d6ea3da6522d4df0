/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/* The persistent fragment on disk. */

/* Read it without following a symlink at its name. -ENOENT when absent, -ELOOP for a link. */
int fragment_read(const char *path, char **ret_text);

/* Replace it atomically when its content differs: a temporary file in the same directory,
 * created exclusively with mode 0600, written, fsynced, renamed over the old one, directory
 * fsynced. On any failure the old fragment is left as it was and no temporary file remains.
 * *ret_changed says whether anything was written. */
int fragment_write(const char *path, const char *text, bool *ret_changed);

/* Remove temporary files a killed run left beside it (".NAME.*.tmp"). Call with the lock held.
 * Returns the number removed. */
int fragment_clean_stale(const char *path);

/* Delete it (and fsync the directory). 0 also when it did not exist; *ret_removed says. */
int fragment_remove(const char *path, bool *ret_removed);

/* Take an exclusive lock on the directory of path, waiting for another run if needed
 * (*ret_waited says whether it had to). Returns the fd holding the lock. The directory is
 * created (mode 0750) when its parent exists. */
int fragment_lock(const char *path, bool *ret_waited);
