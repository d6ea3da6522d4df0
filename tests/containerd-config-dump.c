/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What containerd_config_load() makes of a config.toml on this host, in the terms of
 * `containerd config dump`, for tests/test-containerd-dump.sh to compare with containerd itself.
 *
 *   containerd-config-dump [--v1-globs CWD] FILE
 *
 * Prints "root = ...", "state = ...", "grpc.address = ..." (containerd's defaults where no file
 * sets them), one "import = PATH" per file read, one "runtime = SECTION NAME TYPE BINARY" per
 * runtime ("-" for unset) and one "problem = FILE:LINE: MESSAGE" per problem. Exits 0, 1 when
 * there is a problem, 2 when FILE does not exist, 3 on other errors. */
#include <errno.h>

#include "containerd_config.h"
#include "util.h"

int main(int argc, char **argv) {
        struct containerd_load_options o = {};
        struct containerd_config c = {};
        struct problems problems = {};
        _cleanup_strv_free_ char **files = NULL;
        struct root root = {};
        int r;

        if (argc == 4 && streq(argv[1], "--v1-globs")) {
                o.v1_relative_globs = true;
                o.cwd = argv[2];
                argv += 2;
                argc -= 2;
        }
        if (argc != 2) {
                fprintf(stderr, "usage: containerd-config-dump [--v1-globs CWD] FILE\n");
                return 3;
        }
        if (root_init(&root, "/") < 0)
                return 3;
        r = containerd_config_load(&root, argv[1], &o, &c, &files, NULL, &problems);
        root_done(&root);
        if (r == -ENOENT)
                return 2;
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", argv[1], strerror(-r));
                return 3;
        }

        printf("root = %s\n", c.root ? c.root : "/var/lib/containerd");
        printf("state = %s\n", c.state ? c.state : "/run/containerd");
        printf("grpc.address = %s\n", c.grpc_address ? c.grpc_address : "/run/containerd/containerd.sock");
        for (char **f = files; f && *f; f++)
                printf("import = %s\n", *f);
        for (size_t i = 0; i < c.n_runtimes; i++)
                printf("runtime = %s %s %s %s\n", containerd_cri_to_string(c.runtimes[i].plugin),
                       c.runtimes[i].name, c.runtimes[i].runtime_type ? c.runtimes[i].runtime_type : "-",
                       c.runtimes[i].binary_name ? c.runtimes[i].binary_name : "-");
        for (size_t i = 0; i < problems.n; i++)
                printf("problem = %s:%u: %s\n", problems.items[i].file, problems.items[i].line,
                       problems.items[i].message);
        r = problems.n > 0 ? 1 : 0;
        containerd_config_done(&c);
        problems_done(&problems);
        if (fflush(stdout) != 0 || ferror(stdout))
                return 3;
        return r;
}
