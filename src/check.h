/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "options.h"
#include "rule.h"

/* --check. Returns a monitoring-plugin exit status (CHECK_*). */
int run_check(const struct options *o);

/* Does the kernel's rule k give at least what want asks for: same path, a recursive watch where a
 * directory is wanted recursively, a superset of the permissions, and no narrower exe filter? */
bool kernel_rule_covers(const struct rule *k, const struct rule *want);
