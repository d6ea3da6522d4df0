/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <sys/stat.h>

/* A memo of lookups on the live host for one discovery: each system call costs more on a host
 * with many audit rules (the kernel walks its exit-filter list at every system call that a
 * rule's syscall mask selects, and a watch's mask selects all of them), and discovery resolves
 * the same directories again and again (every unit file looked up in a dozen unit directories,
 * every path walked component by component, root.c).
 *
 * What it keeps is what only root can change (the trust rule, trust.h), so a memo cannot be
 * made to lie by a user during the run:
 * - the lstat(2) of anything owned by root whose parent directory is in the memo, owned by root
 *   and writable by neither its group nor others ("stable"; "/" starts the chain): only root can
 *   change its owner, mode or type, or put another object under its name (a file's size and
 *   times may change; callers that read a file look at those again where they read it);
 * - that a name does not exist (ENOENT, ENOTDIR) in such a stable directory;
 * - the names of a stable directory that root.c listed (statmemo_note_listing()): a name not in
 *   it is answered ENOENT without a system call.
 * Only canonical absolute paths ("/a/b", no "//", ".", ".." or trailing "/") are kept, and
 * nothing below /proc, /sys or /dev (the kernel changes them as processes come, go and change
 * their owners); others pass through.
 *
 * Between statmemo_begin() and statmemo_end() only, around discovery, which changes nothing on
 * the host; outside, statmemo_lstat() is lstat(2). Single-threaded, process-wide, as the read
 * record (readcache.h). */

void statmemo_begin(void);
/* Forget everything; statmemo_lstat() is lstat(2) again. */
void statmemo_end(void);

/* lstat(2) of path, from the memo where it holds the answer. 0 with *ret filled in, or -errno
 * (-ENOENT, -ENOTDIR, …) as lstat(2). */
int statmemo_lstat(const char *path, struct stat *ret);

/* root.c listed directory path (sorted by strcmp(), NULL-terminated) and found it, and every
 * directory above it, owned by root and writable by no one else: keep the names when the memo is
 * on and path's lstat is in the memo as a stable directory. Copies what it keeps; a failed copy
 * only means that nothing is kept. */
void statmemo_note_listing(const char *path, char * const *sorted_names);

/* Counters since statmemo_begin() (zero after statmemo_end()), for tests: answers from the memo,
 * and lstat(2) calls made. */
void statmemo_stats(unsigned *ret_hits, unsigned *ret_calls);
