/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

#include "plan.h"
#include "render.h"
#include "discover.h"

/* --list-paths: the discovery table, as text or JSON. */
int list_paths_text(FILE *f, const struct plan *p);
int list_paths_json(FILE *f, const struct plan *p);

/* What happened to a target in the rendered set: "watched", "live only", "held by FILE:LINE",
 * or the skip reason. */
const char *target_disposition(const struct discovery *d, const struct ruleset *s, size_t i,
                               const struct rendered **ret_rule);
const char *path_state_name(enum path_state s);

struct json_object;
/* {"1.2.0": "1.2.3", "1.6.0": "1.1.3", ...} for a component. */
struct json_object *cis_ids_json(enum component c);
