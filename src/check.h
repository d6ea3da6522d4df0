/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "options.h"
#include "plan.h"
#include "rule.h"

/* --check. Returns a monitoring-plugin exit status (CHECK_*), the same whatever the output
 * format or verbosity. Judges the plan's verdicts (verdict.c) and drift (diff.c); kernel_rule_covers()
 * is declared in plan.h. */
int run_check(const struct options *o);
