/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "options.h"

/* Install (the default mode) and --remove. Returns an exit status. */
int run_apply(const struct options *o);
