/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One containerd config.toml through containerd_toml_parse(); what it keeps is checked for shape. */
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
                assert(!c.root && !c.state && !c.grpc_address && !c.imports && c.n_runtimes == 0);
        }
        for (size_t i = 0; i < c.n_runtimes; i++) {
                assert(c.runtimes[i].name);
                assert(containerd_cri_to_string(c.runtimes[i].plugin));
                assert(c.runtimes[i].runtime_type || c.runtimes[i].binary_name);
        }
        containerd_config_done(&c);
        free(text);
        return 0;
}
