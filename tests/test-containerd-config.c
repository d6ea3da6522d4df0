/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "containerd_config.h"
#include "testlib.h"
#include "util.h"

struct loaded {
        struct containerd_config c;
        char **files, **dirs;
        struct problems problems;
        int r;
};

static void loaded_done(struct loaded *l) {
        containerd_config_done(&l->c);
        strv_free(l->files);
        strv_free(l->dirs);
        problems_done(&l->problems);
}

static struct loaded load(const struct tree *t, const char *path, const struct containerd_load_options *o) {
        struct loaded l = {};

        l.r = containerd_config_load(&t->root, path, o, &l.c, &l.files, &l.dirs, &l.problems);
        return l;
}

static void assert_problem(const struct loaded *l, size_t i, const char *file, unsigned line, const char *text) {
        assert_true(i < l->problems.n);
        assert_string_equal(l->problems.items[i].file, file);
        assert_int_equal(l->problems.items[i].line, line);
        if (!strstr(l->problems.items[i].message, text))
                fail_msg("problem \"%s\" does not mention \"%s\"", l->problems.items[i].message, text);
}

/* The main file imports a relative file, an absolute glob and a relative glob; one import sets
 * [grpc] address, another state and imports a file that is imported twice and the main file
 * again (a cycle). Breadth first, later files override, each file loaded once. */
static void test_imports(void **state _unused_) {
        struct tree t;
        struct loaded l;

        tree_new(&t, "test-containerd-config");
        tree_file(&t, "/etc/containerd/config.toml",
                  "version = 2\n"
                  "root = \"/var/lib/main\"\n"
                  "state = \"/run/main\"\n"
                  "imports = [\"grpc.toml\", \"/etc/containerd/conf.d/*.toml\", \"rel.d/*.toml\"]\n"
                  "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n"
                  "  runtime_type = \"io.containerd.runc.v2\"\n");
        tree_file(&t, "/etc/containerd/grpc.toml",
                  "[grpc]\naddress = \"/run/imported/containerd.sock\"\n"
                  "imports = []\n");
        tree_file(&t, "/etc/containerd/conf.d/10-state.toml",
                  "state = \"/run/from-conf-d\"\n"
                  "imports = [\"../shared.toml\", \"/etc/containerd/config.toml\"]\n");
        tree_file(&t, "/etc/containerd/conf.d/20-shared.toml",
                  "imports = [\"/etc/containerd/shared.toml\"]\n"
                  "root = \"\"\n"
                  "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\n"
                  "  BinaryName = \"/usr/local/bin/runc\"\n");
        tree_file(&t, "/etc/containerd/conf.d/not-toml.conf", "garbage");
        tree_file(&t, "/etc/containerd/rel.d/a.toml", "plugin_dir = \"/opt/plugins\"\n");
        tree_file(&t, "/etc/containerd/shared.toml", "[debug]\naddress = \"/run/debug.sock\"\n");
        tree_file(&t, "/rel.d/a.toml", "plugin_dir = \"/wrong\"\n");

        l = load(&t, "/etc/containerd/config.toml", NULL);
        assert_int_equal(l.r, 0);
        assert_int_equal(l.problems.n, 0);
        assert_string_equal(l.c.root, "/var/lib/main");            /* "" does not override */
        assert_string_equal(l.c.state, "/run/from-conf-d");
        assert_string_equal(l.c.grpc_address, "/run/imported/containerd.sock");
        assert_string_equal(l.c.debug_address, "/run/debug.sock");
        assert_string_equal(l.c.plugin_dir, "/opt/plugins");         /* next to the importing file */
        assert_int_equal(l.c.version, 2);
        assert_strv(l.files, (const char * const[]) {
                "/etc/containerd/config.toml",
                "/etc/containerd/grpc.toml",
                "/etc/containerd/conf.d/10-state.toml",
                "/etc/containerd/conf.d/20-shared.toml",
                "/etc/containerd/rel.d/a.toml",
                "/etc/containerd/shared.toml",
                NULL });
        assert_strv(l.c.imports, (const char * const[]) {
                "/etc/containerd/config.toml",
                "/etc/containerd/grpc.toml",
                "/etc/containerd/conf.d/10-state.toml",
                "/etc/containerd/conf.d/20-shared.toml",
                "/etc/containerd/rel.d/a.toml",
                "/etc/containerd/shared.toml",
                NULL });
        assert_strv(l.dirs, (const char * const[]) { "/etc/containerd/conf.d", "/etc/containerd/rel.d", NULL });
        assert_int_equal(l.c.n_runtimes, 1);
        assert_string_equal(l.c.runtimes[0].name, "runc");
        assert_string_equal(l.c.runtimes[0].runtime_type, "io.containerd.runc.v2");
        assert_string_equal(l.c.runtimes[0].binary_name, "/usr/local/bin/runc");
        loaded_done(&l);

        /* The file whose value won, per key: root stays the main file's ("" does not override). */
        {
                struct containerd_origins o = {};

                l = load(&t, "/etc/containerd/config.toml", &(struct containerd_load_options) { .origins = &o });
                assert_int_equal(l.r, 0);
                assert_string_equal(o.root, "/etc/containerd/config.toml");
                assert_string_equal(o.state, "/etc/containerd/conf.d/10-state.toml");
                assert_string_equal(o.grpc_address, "/etc/containerd/grpc.toml");
                assert_string_equal(o.debug_address, "/etc/containerd/shared.toml");
                assert_string_equal(o.plugin_dir, "/etc/containerd/rel.d/a.toml");
                assert_null(o.ttrpc_address);
                containerd_origins_done(&o);
                assert_null(o.state);
                loaded_done(&l);
        }

        /* containerd 1.x globs a relative pattern from its working directory. */
        l = load(&t, "/etc/containerd/config.toml", &(struct containerd_load_options) { .v1_relative_globs = true });
        assert_int_equal(l.r, 0);
        assert_string_equal(l.c.plugin_dir, "/wrong");
        assert_true(strv_contains(l.files, "/rel.d/a.toml"));
        loaded_done(&l);
        tree_free(&t);
}

/* What containerd refuses: each is a problem with file and line; the other files are still read. */
static void test_problems(void **state _unused_) {
        struct tree t;
        struct loaded l;

        tree_new(&t, "test-containerd-config");
        tree_file(&t, "/etc/containerd/config.toml",
                  "version = 9\n"
                  "imports = [\"missing.toml\", \"bad.toml\", \"/x/[.toml*\", \"/x/[]*\", \"/dir\", \"ok.toml\"]\n");
        tree_file(&t, "/etc/containerd/bad.toml", "root = \"/a\"\n[grpc\n");
        tree_file(&t, "/etc/containerd/ok.toml", "root = \"/ok\"\n");
        tree_mkdir(&t, "/dir");

        l = load(&t, "/etc/containerd/config.toml", NULL);
        assert_int_equal(l.r, 0);
        assert_string_equal(l.c.root, "/ok");
        assert_int_equal(l.problems.n, 6);
        assert_problem(&l, 0, "/etc/containerd/config.toml", 0, "\"/x/[.toml*\": syntax error in pattern");
        assert_problem(&l, 1, "/etc/containerd/config.toml", 0, "\"/x/[]*\": syntax error in pattern");
        assert_problem(&l, 2, "/etc/containerd/missing.toml", 0, "cannot read");
        assert_problem(&l, 3, "/etc/containerd/bad.toml", 2, "bad table header");
        assert_problem(&l, 4, "/dir", 0, "cannot read");
        assert_problem(&l, 5, "/etc/containerd/config.toml", 0, "version 9");
        assert_true(strv_contains(l.files, "/etc/containerd/missing.toml"));
        loaded_done(&l);

        /* A missing main file is the caller's to judge; a relative one is refused. */
        l = load(&t, "/etc/containerd/none.toml", NULL);
        assert_int_equal(l.r, -ENOENT);
        assert_null(l.files);
        l = load(&t, "etc/containerd/config.toml", NULL);
        assert_int_equal(l.r, -EINVAL);
        tree_free(&t);
}

/* Every path is resolved inside the root: an import through a symlink pointing out of it, or
 * with "..", lands inside the tree. */
static void test_inside_root(void **state _unused_) {
        struct tree t;
        struct loaded l;

        tree_new(&t, "test-containerd-config");
        tree_file(&t, "/etc/containerd/config.toml", "imports = [\"../../../../x.toml\", \"/etc/containerd/link.toml\"]\n");
        tree_file(&t, "/x.toml", "state = \"/run/x\"\n");
        tree_file(&t, "/target.toml", "root = \"/via-link\"\n");
        tree_link(&t, "/etc/containerd/link.toml", "../../../../../target.toml");

        l = load(&t, "/etc/containerd/config.toml", NULL);
        assert_int_equal(l.r, 0);
        assert_int_equal(l.problems.n, 0);
        assert_string_equal(l.c.state, "/run/x");
        assert_string_equal(l.c.root, "/via-link");
        assert_strv(l.files, (const char * const[]) {
                "/etc/containerd/config.toml", "/x.toml", "/etc/containerd/link.toml", NULL });
        loaded_done(&l);
        tree_free(&t);
}

/* A pattern is globbed only when it holds '*' (then '?' and '[...]' work too). A glob matches in
 * every component after the first with a meta character, hidden files too,
 * sorted per directory; Go's '*' never crosses '/'. */
static void test_glob(void **state _unused_) {
        struct tree t;
        struct loaded l;

        tree_new(&t, "test-containerd-config");
        tree_file(&t, "/etc/containerd/config.toml", "imports = [\"/c/*/x?.toml\", \"/c/b/[a-y]*.toml\"]\n");
        tree_file(&t, "/c/b/x1.toml", "");
        tree_file(&t, "/c/a/x2.toml", "");
        tree_file(&t, "/c/.h/x3.toml", "");
        tree_file(&t, "/c/a/deep/x4.toml", "");
        tree_file(&t, "/c/b/y.toml", "");
        tree_file(&t, "/c/b/z.toml", "");
        tree_file(&t, "/c/notdir", "");

        l = load(&t, "/etc/containerd/config.toml", NULL);
        assert_int_equal(l.r, 0);
        if (l.problems.n > 0)
                fail_msg("%s: %s", l.problems.items[0].file, l.problems.items[0].message);
        assert_strv(l.files, (const char * const[]) {
                "/etc/containerd/config.toml", "/c/.h/x3.toml", "/c/a/x2.toml", "/c/b/x1.toml", "/c/b/y.toml", NULL });
        loaded_done(&l);
        tree_free(&t);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_imports),
                cmocka_unit_test(test_problems),
                cmocka_unit_test(test_inside_root),
                cmocka_unit_test(test_glob),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
