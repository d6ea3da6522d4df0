/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Container runtimes as containerd resolves them (runtimes.c). */

#include "instance.h"

/* The shim binary a runtime type names, as containerd's shim manager derives it
 * (core/runtime/v2 BinaryName()): "io.containerd.NAME.VERSION" -> "containerd-shim-NAME-VERSION"
 * (the last two dot-separated parts), an absolute path as it is. 0 with *ret (a bare name to
 * look up in PATH, or the absolute path); -EINVAL for a type with no dot, an empty part or a
 * '/' in a relative one; -ENOMEM. */
int runtime_shim_binary(const char *runtime_type, char **ret);

struct ctx;
/* Append to list the programs runtime NAME (read in WHERE) runs: its runtime type's shim and its
 * options.BinaryName, each absolute, else looked up in the binary directories (a runtime whose
 * program is in none is a problem, not an entry). 0 or -ENOMEM. */
int runtime_resolve(struct ctx *c, const char *name, const char *runtime_type, const char *binary_name,
                    const char *where, struct sourced **list, size_t *n);

/* daemon.json's runtimes (their runtimeType and options.BinaryName; "path" is read by
 * dockerd-config.c), appended to i->runtimes. 0 or -ENOMEM. */
int runtimes_dockerd(struct ctx *c, struct dockerd_instance *i);
/* config.toml's CRI runtimes, appended to i->runtimes. 0 or -ENOMEM. */
int runtimes_containerd(struct ctx *c, struct containerd_instance *i);
