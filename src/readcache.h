/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* A record of what the tool read on the live host, so that a run on a host where nothing changed
 * reads no watched file again. With `-p r` watches the kernel records every open for reading and
 * every readlink of a watched path, the tool's own included; stat, lstat and fstatat are not in
 * the read class and record nothing. So a file's content (or a link's target, or a directory's
 * names) is taken from the record when, and only when, an lstat of the path now shows the same
 * device, inode, type and mode, size, mtime and ctime (nanoseconds) as when it was read. ctime
 * cannot be set back by a user (during discovery that lstat may be the one the lookup memo holds
 * from earlier in the same run, statmemo.h); entries whose times are too close to the time they were read
 * (within READCACHE_RACY_NS, a file changed twice within one time-stamp tick) are not kept, nor
 * anything below /proc, /sys or /dev, whose content changes without new time stamps.
 *
 * The record is one process-wide cache that main() enables for runs on the live root only
 * (root.c consults it when root->live): an image tree given with --root is never cached. It is
 * stored in READCACHE_FILE, root-owned, mode 0600, in a 0700 directory; a file with another owner,
 * any group or other permission, a bad header, a bad checksum or a bad entry is ignored whole.
 * Only its index (paths, stats, offsets) is held in memory: the file is read as a stream when it
 * is loaded, never mapped or read whole, and an entry's data is read from the file, kept open,
 * when it is used.
 *
 * What it keeps (the trust rule, trust.h): callers pass only paths that are root's, every
 * component owned by root and writable by no one else (root.c asks trust_roots() of the
 * resolution, and reads anything else directly, never through the record). The record adds its
 * own checks: an entry is kept only when the object is owned by the cache's own user (root) and,
 * for a file or a directory, readable by others: a copy of a file that only root or a group may
 * read (/etc/shadow, mode 0640) is never put at rest in the record; such a file is read again on
 * every run. An entry of an older record that fails these checks is dropped when it is loaded.
 * At most READCACHE_MAX_ENTRIES entries and READCACHE_MAX_BYTES bytes of data are held, loaded
 * and new together: what would go past them is simply read and not kept. So the record stays
 * under READCACHE_MAX_BYTES of data plus one line and one path per entry, and the memory it
 * costs under READCACHE_MAX_BYTES (the data of new entries until they are saved; the record is
 * written as it is made) plus the index, whatever the host holds. A record over its caps is
 * ignored whole. A file with mode 0600 or 0640, or one in a directory a user owns, costs one
 * read (and, where it is watched with `-p r`, its audit events) on every run. */

#define READCACHE_FILE "/var/cache/docker-audit-rules/reads"
#define READCACHE_RACY_NS (2LL * 1000 * 1000 * 1000)
#define READCACHE_MAX_ENTRIES 4096u
#define READCACHE_MAX_BYTES (8u * 1024 * 1024)

/* Enable the cache and load it from path (NULL: READCACHE_FILE). A missing, untrusted or damaged
 * file leaves an empty cache and returns 0; -ENOMEM. */
int readcache_enable(const char *path);
bool readcache_enabled(void);

/* Write the entries used by this run (others are dropped) back to the file the cache was loaded
 * from, atomically, when they differ from what was loaded. 0 when nothing needed writing, 1 when
 * written, -errno (-EACCES when not root). Disables and frees the cache. */
int readcache_save_and_disable(void);

/* read_trusted_file_bounded() (util.h), from the cache when the file is unchanged. path is a
 * real path, root's (see above): it is read by name, which is sound only because no one but root
 * can change where it leads. Never opens anything but a regular file, and opens it once (one
 * audit event where it is watched for reads). */
int readcache_read_file(const char *path, char **ret_data, size_t *ret_len);

/* readlink(2) of path, whose lstat the caller has in *st: from the cache when the link is
 * unchanged. Returns the length written to buf (NUL-terminated), or -errno. */
int readcache_readlink(const char *path, const struct stat *st, char *buf, size_t size);

/* The names in directory path, unsorted, without "." and "..", as a NULL-terminated strv; from the
 * cache when the directory (its mtime and ctime change with every entry added, removed or
 * renamed) is unchanged. -errno as opendir(3). */
int readcache_list_dir(const char *path, char ***ret_names);

/* Counters of this run, for tests: reads served from the cache and reads made. */
void readcache_stats(unsigned *ret_hits, unsigned *ret_misses);
