/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Where the kernel's audit rules must not be touched although the audit netlink socket may well
 * answer: a chroot or an image build does not isolate the audit subsystem, and a privileged
 * container shares the host's rules. Package hooks and boot units skip the kernel load there and
 * only write the fragment (see REFERENCE.md section 6). */

/* Returns 1 and sets *ret_reason (a static string) when loading rules into the kernel must be
 * skipped, 0 (and *ret_reason = NULL) when the host kernel may be touched:
 *
 *   - DPKG_ROOT is set to anything but "" or "/": dpkg is installing into another root;
 *   - PROC_DIR/1 does not exist: /proc is not mounted, an image build or a chroot;
 *   - ROOT_DIR is not the same inode on the same device as PROC_DIR/1/root: a chroot (when
 *     PROC_DIR/1/root cannot be followed, EACCES for instance, that is not conclusive);
 *   - a container: ROOT_DIR/run/systemd/container or ROOT_DIR/run/host/container-manager exists,
 *     PROC_DIR/1/environ holds a non-empty container= (an unreadable environ is not conclusive),
 *     or ROOT_DIR/.dockerenv or ROOT_DIR/run/.containerenv exists and we are not in the initial
 *     PID namespace (PROC_DIR/self/ns/pid is not "pid:[4026531836]"): those two files are part
 *     of the root file system and stay in images exported from containers, such as a VM's root
 *     disk built from a Docker image, where PID 1 is the real init.
 *
 * The checks run in that order and the first that applies gives the reason. PROC_DIR is "/proc"
 * and ROOT_DIR "/" in production; tests pass fake trees. Returns -errno only when ROOT_DIR
 * cannot be examined or memory runs out. */
int hostenv_kernel_off_limits(const char *proc_dir, const char *root_dir, const char **ret_reason);
