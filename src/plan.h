/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

#include "options.h"
#include "render.h"
#include "root.h"
#include "rulesdir.h"
#include "target.h"

/* Everything every mode starts from: the host, what it uses, the other rules files, the rules
 * we want and the fragment text that says them. */
struct plan {
        struct root root;
        struct discovery disc;
        struct rules_dir others;
        struct ruleset rules;
        char *rules_dir;          /* real path */
        char *fragment_path;      /* real path */
        char *fragment_text;
};

void plan_done(struct plan *p);

/* Returns 0, or -errno with *ret_what naming the step that failed (static text). */
int plan_build(const struct options *o, struct plan *ret, const char **ret_what);

/* Print the discovery problems and rules-directory problems to f, one line each. Returns the
 * number printed. */
int plan_print_problems(FILE *f, const struct plan *p);

/* The same problems as a JSON array of {file, line, message}. */
struct json_object;
struct json_object *plan_problems_json(const struct plan *p);
