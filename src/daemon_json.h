/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/* The keys of dockerd's daemon.json that name files. Read with json-c (strict mode, UTF-8
 * checked, a leading byte order mark skipped). The deprecated "graph" stands in for an absent
 * "data-root"; "hosts" may also be a single string; runtimes without a "path" (e.g. only a
 * "runtimeType") are skipped. A JSON null is the same as an absent key. */

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
 * when known, else 0; *ret_msg gets a short static description). An empty or whitespace-only
 * file is -ENODATA. Keys given with the wrong type are reported (the first one; line 0), the
 * others still filled in. */
int daemon_json_parse(const char *data, size_t len, struct daemon_config *ret, unsigned *ret_line,
                      const char **ret_msg);
