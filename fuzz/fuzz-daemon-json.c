/* SPDX-License-Identifier: GPL-2.0-or-later */
/* daemon.json through daemon_json_parse(), then the host addresses through host_to_socket_path(). */
#include <assert.h>

#include "daemon_json.h"
#include "dockerd_args.h"
#include "fuzz-common.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_copy(data, size);
        struct daemon_config c = {};
        const char *msg = NULL;
        unsigned line = 0;
        int r;

        r = daemon_json_parse(text, size, &c, &line, &msg);
        if (r < 0)
                assert(msg);
        for (char **h = c.hosts; h && *h; h++)
                free(host_to_socket_path(*h));
        for (char **rt = c.runtimes; rt && *rt; rt++)
                assert(strchr(*rt, '='));
        daemon_config_done(&c);
        free(text);
        return 0;
}
