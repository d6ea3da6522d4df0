/* SPDX-License-Identifier: GPL-2.0-or-later */
/* containerd_config_load() over a small host tree made from the input: the input is cut at
 * lines holding only "----" into up to five files, written (in a temporary root made once) as
 * /etc/containerd/config.toml, /etc/containerd/a.toml, /etc/containerd/conf.d/b.toml,
 * /etc/containerd/conf.d/c.toml and /opt/d.toml, a missing piece removing its file. Imports,
 * globs, cycles and ".." must stay inside the root, load each file at most once and give
 * problems, never a crash or a leak. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "containerd_config.h"
#include "fuzz-common.h"
#include "util.h"

static const char * const files[] = {
        "/etc/containerd/config.toml",
        "/etc/containerd/a.toml",
        "/etc/containerd/conf.d/b.toml",
        "/etc/containerd/conf.d/c.toml",
        "/opt/d.toml",
};

static char *tree;
static struct root root;

static int rm_one(const char *p, const struct stat *st, int type, struct FTW *f) {
        (void) st;
        (void) type;
        (void) f;
        return remove(p);
}

/* The tree goes when the fuzzer exits (libFuzzer leaves through exit()). */
static void remove_tree(void) {
        if (tree)
                (void) nftw(tree, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tree(void) {
        static const char * const dirs[] = { "/etc", "/etc/containerd", "/etc/containerd/conf.d", "/opt" };
        char tmpl[] = "/tmp/fuzz-containerd-imports-XXXXXX";

        if (!mkdtemp(tmpl))
                abort();
        tree = strdup(tmpl);
        if (!tree || root_init(&root, tree) < 0 || atexit(remove_tree) != 0)
                abort();
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                char *p = path_join(tree, dirs[i]);
                if (!p || mkdir(p, 0755) < 0)
                        abort();
                free(p);
        }
}

static void put_file(const char *host_path, const char *data, size_t len) {
        char *p = path_join(tree, host_path);
        int fd;

        if (!p)
                abort();
        if (!data) {
                (void) unlink(p);
                free(p);
                return;
        }
        fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || (len > 0 && write(fd, data, len) != (ssize_t) len))
                abort();
        close(fd);
        free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_copy(data, size), *s = text;
        struct containerd_config c = {};
        struct problems problems = {};
        char **read = NULL, **dirs = NULL;
        /* Odd inputs take containerd 1.x's relative globs; where each key came from is kept. */
        struct containerd_origins origins = {};
        struct containerd_load_options o = { .v1_relative_globs = size % 2, .origins = &origins };
        int r;

        if (!tree)
                make_tree();
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                char *sep = s ? strstr(s, "\n----\n") : NULL;
                size_t n = s ? (sep ? (size_t) (sep - s) + 1 : strlen(s)) : 0;

                put_file(files[i], s, n);
                s = sep ? sep + 6 : NULL;
        }

        r = containerd_config_load(&root, files[0], &o, &c, &read, &dirs, &problems);
        assert(r == 0 || r == -ENOENT);
        if (r == 0) {
                /* Every file once, the main one first, all absolute host paths. */
                assert(read && read[0] && streq(read[0], files[0]));
                for (char **i = read; *i; i++) {
                        assert((*i)[0] == '/');
                        for (char **j = i + 1; *j; j++)
                                assert(!streq(*i, *j));
                }
                assert(strv_length(read) <= 256);
                assert(c.imports && strv_length(c.imports) == strv_length(read));
                for (size_t i = 0; i < problems.n; i++)
                        assert(problems.items[i].file && problems.items[i].message);
                /* A key has an origin exactly when it has a value, and the origin was read. */
                assert(!c.state == !origins.state && (!origins.state || strv_contains(read, origins.state)));
                assert(!c.grpc_address == !origins.grpc_address);
                assert(!c.plugin_dir == !origins.plugin_dir);
        }
        containerd_origins_done(&origins);
        containerd_config_done(&c);
        strv_free(read);
        strv_free(dirs);
        problems_done(&problems);
        free(text);
        return 0;
}
