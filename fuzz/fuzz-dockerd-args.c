/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The input split at NUL bytes or newlines into an argv (argv[0] first) through
 * dockerd_args_parse(); every -H value through host_to_socket_path(). */
#include <assert.h>

#include "dockerd_args.h"
#include "fuzz-common.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_copy(data, size);
        char **argv = fuzz_argv(text, size);
        struct dockerd_opts o = {};

        (void) dockerd_args_parse(argv, &o);
        for (char **h = o.hosts; h && *h; h++) {
                char *p = host_to_socket_path(*h);

                assert(!p || p[0] == '/');
                free(p);
        }
        for (char **a = argv; *a; a++)
                free(host_to_socket_path(*a));
        dockerd_opts_done(&o);
        free(argv);
        free(text);
        return 0;
}
