/* SPDX-License-Identifier: GPL-2.0-or-later */
/* containerd's config.toml through containerd_toml_parse(). */
#include <assert.h>

#include "containerd_toml.h"
#include "fuzz-common.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_copy(data, size);
        struct containerd_config c = {};
        const char *msg = NULL;
        unsigned line = 0;
        int r;

        r = containerd_toml_parse(text, size, &c, &line, &msg);
        if (r < 0) {
                assert(msg);
                assert(!c.root && !c.state && !c.grpc_address);
        }
        containerd_config_done(&c);
        free(text);
        return 0;
}
