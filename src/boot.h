/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "root.h"

/* How this host loads audit rules at boot. */
enum boot_loader {
        BOOT_AUGENRULES,      /* rules.d is compiled by augenrules: our fragment is read */
        BOOT_AUDIT_RULES,     /* /etc/audit/audit.rules is loaded directly: rules.d is not read */
        BOOT_NONE,            /* no audit userspace that loads rules at boot was found */
};

struct boot_info {
        enum boot_loader loader;
        char *evidence;       /* which unit or file says so */
};

void boot_info_done(struct boot_info *b);
int boot_detect(const struct root *root, struct boot_info *ret);
const char *boot_loader_name(enum boot_loader l);
