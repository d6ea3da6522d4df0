/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The input split at NUL bytes or newlines into an argv (argv[0] first) through
 * containerd_args_parse(). */
#include <assert.h>
#include <errno.h>

#include "containerd_args.h"
#include "fuzz-common.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_copy(data, size);
        char **argv = fuzz_argv(text, size);
        struct containerd_opts o = {};
        int r = containerd_args_parse(argv, &o);

        assert(r == 0 || r == -EINVAL);
        assert((r == 0) == !o.problems);
        const char *fields[] = { o.config, o.address, o.root, o.state };

        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
                assert(!fields[i] || fields[i][0]); /* an empty value unsets */
        containerd_opts_done(&o);
        free(argv);
        free(text);
        return 0;
}
