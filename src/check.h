/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "options.h"

/* --check. Returns a monitoring-plugin exit status (CHECK_*). */
int run_check(const struct options *o);
