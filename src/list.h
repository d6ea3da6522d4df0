/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "discover.h"
#include "options.h"
#include "plan.h"
#include "render.h"

/* --list-paths: list.c groups the plan's targets by the instance that named them and says what
 * became of each (struct list_result); list-print.c formats that as text or JSON. */

/* One heading of the listing: an instance, or the host's own paths (key NULL). */
struct list_group {
        char *key;                /* instance_key() */
        const char *kind;         /* "dockerd", "containerd" */
        const char *name;
        const char *source;
        const char *state;        /* "enabled", ...; NULL */
        bool daemon;
        const struct running_daemon *running;
        size_t n_running;
        const struct sourced *data_root;
};

struct list_result {
        const struct plan *p;     /* the plan listed; not owned */
        struct list_group *groups; /* the instances, dockerd first, then containerd, then the host's */
        size_t n_groups;
        size_t *group;            /* per target: the index of its group */
        const char **disposition; /* per target: render_target_disposition() */
        const struct rendered **rule; /* per target: its first rule, or NULL */
        bool found[_COMP_MAX];    /* per component: some target has it */
};

/* Returns 0 or -ENOMEM, leaving *ret untouched. */
int list_build(const struct plan *p, struct list_result *ret);
void list_result_done(struct list_result *r);

/* --list-paths. Returns an exit status. */
int run_list(const struct options *o);

/* ---- Printers (list-print.c): they only format, and call nothing of list.c. ---- */

/* The table, grouped by instance, then the CIS components not found and the problems; 0, or -EIO
 * when f has failed. */
int list_print_text(FILE *f, const struct list_result *r);
/* One JSON object (schema "docker-audit-rules/list-paths", version 2); 0 or -EIO. */
int list_print_json(FILE *f, const struct list_result *r);

struct json_object;
/* {"1.2.0": "1.2.3", "1.6.0": "1.1.3", ...} for a component. */
struct json_object *cis_ids_json(enum component c);
