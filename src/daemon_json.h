/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* The keys of dockerd's daemon.json that name files. Read with json-c. */

struct daemon_config {
        char *data_root;
        char *exec_root;
        char *containerd;
        char **hosts;
        char **runtimes;      /* "NAME=PATH" for every runtimes.NAME.path */
        char *tlscacert;
        char *tlscert;
        char *tlskey;
};

void daemon_config_done(struct daemon_config *c);

/* Parse daemon.json text. Returns 0; -EINVAL for malformed JSON or a top level that is not an
 * object, or a known key of the wrong type (*ret_line set to the 1-based line of the error
 * when known, else 0; *ret_msg gets a short static description). An empty file is -ENODATA.
 * Keys given with the wrong type are reported, the others still filled in. */
int daemon_json_parse(const char *data, size_t len, struct daemon_config *ret, unsigned *ret_line,
                      const char **ret_msg);
