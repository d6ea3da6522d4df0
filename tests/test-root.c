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

#include "root.h"
#include "util.h"

#define _unused_ __attribute__((unused))

/* ---------------------------------------------------------------------------------------- */
/* A temporary host tree                                                                     */

struct tree {
        char *dir;
        struct root root;
};

static int rm_one(const char *p, const struct stat *st _unused_, int type _unused_, struct FTW *f _unused_) {
        return remove(p);
}

static void tree_new(struct tree *t) {
        t->dir = strdup("/tmp/test-root-XXXXXX");
        assert_non_null(t->dir);
        assert_non_null(mkdtemp(t->dir));
        assert_int_equal(root_init(&t->root, t->dir), 0);
        assert_string_equal(t->root.dir, t->dir);
        assert_false(t->root.live);
}

static void tree_free(struct tree *t) {
        assert_int_equal(nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
        free(t->dir);
        root_done(&t->root);
}

static char *real(const struct tree *t, const char *host_path) {
        char *p = path_join(t->dir, host_path);
        assert_non_null(p);
        return p;
}

/* mkdir -p of a host directory inside the tree */
static void tree_mkdir(const struct tree *t, const char *host_dir) {
        _cleanup_free_ char *p = real(t, host_dir);

        for (char *s = p + strlen(t->dir) + 1; ; s++) {
                if (*s == '/' || *s == 0) {
                        char c = *s;
                        *s = 0;
                        if (mkdir(p, 0755) < 0 && errno != EEXIST)
                                fail_msg("mkdir %s: %m", p);
                        *s = c;
                        if (!c)
                                break;
                }
        }
}

static void tree_parent(const struct tree *t, const char *host_path) {
        _cleanup_free_ char *parent = path_parent(host_path);
        assert_non_null(parent);
        if (!streq(parent, "/"))
                tree_mkdir(t, parent);
}

static void tree_file(const struct tree *t, const char *host_path, const char *data) {
        _cleanup_free_ char *p = real(t, host_path);
        FILE *f;

        tree_parent(t, host_path);
        f = fopen(p, "we");
        assert_non_null(f);
        assert_true(fputs(data, f) >= 0);
        assert_int_equal(fclose(f), 0);
}

static void tree_link(const struct tree *t, const char *host_path, const char *target) {
        _cleanup_free_ char *p = real(t, host_path);

        tree_parent(t, host_path);
        if (symlink(target, p) < 0)
                fail_msg("symlink %s -> %s: %m", p, target);
}

static void tree_fifo(const struct tree *t, const char *host_path) {
        _cleanup_free_ char *p = real(t, host_path);

        tree_parent(t, host_path);
        assert_int_equal(mkfifo(p, 0600), 0);
}

/* Resolve and expect success; the caller frees r. */
static void resolve(const struct tree *t, const char *path, bool nofollow, struct resolved *r) {
        int k;

        *r = (struct resolved) {};
        k = root_resolve(&t->root, path, nofollow, r);
        if (k != 0)
                fail_msg("root_resolve('%s'): %d", path, k);
        assert_non_null(r->path);
}

static void assert_resolved(const struct resolved *r, const char *path, enum path_state state) {
        if (!streq(r->path, path))
                fail_msg("expected path '%s', got '%s'", path, r->path);
        if (r->state != state)
                fail_msg("%s: expected state %d, got %d", path, state, r->state);
}

/* ---------------------------------------------------------------------------------------- */
/* root_init / root_real                                                                     */

static void test_init(void **state _unused_) {
        struct root r = {};
        _cleanup_free_ char *cwd = getcwd(NULL, 0), *expected = NULL, *expected2 = NULL, *rp = NULL, *lp = NULL;

        assert_non_null(cwd);

        assert_int_equal(root_init(&r, "/"), 0);
        assert_string_equal(r.dir, "/");
        assert_true(r.live);
        lp = root_real(&r, "/etc/passwd");
        assert_string_equal(lp, "/etc/passwd");
        root_done(&r);
        assert_null(r.dir);

        assert_int_equal(root_init(&r, NULL), 0);
        assert_string_equal(r.dir, "/");
        assert_true(r.live);
        root_done(&r);

        assert_int_equal(root_init(&r, ""), 0);
        assert_string_equal(r.dir, "/");
        assert_true(r.live);
        root_done(&r);

        assert_int_equal(root_init(&r, "//./"), 0);
        assert_string_equal(r.dir, "/");
        assert_true(r.live);
        root_done(&r);

        assert_int_equal(root_init(&r, "/srv//host/./root/"), 0);
        assert_string_equal(r.dir, "/srv/host/root");
        assert_false(r.live);
        rp = root_real(&r, "/etc/docker");
        assert_string_equal(rp, "/srv/host/root/etc/docker");
        root_done(&r);

        /* relative: made absolute against the working directory, normalised */
        assert_int_equal(root_init(&r, "some/host/../root/"), 0);
        assert_int_equal(path_normalize(cwd, &expected), 0);
        {
                _cleanup_free_ char *j = path_join(expected, "some/root");
                assert_int_equal(path_normalize(j, &expected2), 0);
        }
        assert_string_equal(r.dir, expected2);
        assert_false(r.live);
        root_done(&r);

        /* "." is the working directory itself */
        assert_int_equal(root_init(&r, "."), 0);
        assert_string_equal(r.dir, expected);
        root_done(&r);
}

/* ---------------------------------------------------------------------------------------- */
/* root_resolve                                                                              */

static void test_plain_file(void **state _unused_) {
        struct tree t;
        struct resolved r;

        tree_new(&t);
        tree_file(&t, "/usr/bin/dockerd", "ELF");

        resolve(&t, "/usr/bin/dockerd", false, &r);
        assert_resolved(&r, "/usr/bin/dockerd", PATH_EXISTS);
        assert_false(r.is_dir);
        assert_false(r.is_symlink);
        assert_true(S_ISREG(r.mode));
        resolved_done(&r);
        assert_null(r.path);

        /* a non-normalised spelling resolves to the same */
        resolve(&t, "//usr/./bin/../bin/dockerd/", false, &r);
        assert_resolved(&r, "/usr/bin/dockerd", PATH_EXISTS);
        assert_true(S_ISREG(r.mode));
        resolved_done(&r);

        /* a plain directory */
        resolve(&t, "/usr/bin", false, &r);
        assert_resolved(&r, "/usr/bin", PATH_EXISTS);
        assert_true(r.is_dir);
        assert_false(r.is_symlink);
        assert_true(S_ISDIR(r.mode));
        resolved_done(&r);

        /* the root itself */
        resolve(&t, "/", false, &r);
        assert_resolved(&r, "/", PATH_EXISTS);
        assert_true(r.is_dir);
        assert_true(S_ISDIR(r.mode));
        resolved_done(&r);

        tree_free(&t);
}

static void test_relative_symlink(void **state _unused_) {
        struct tree t;
        struct resolved r;

        tree_new(&t);
        tree_file(&t, "/usr/sbin/runc", "ELF");
        tree_link(&t, "/usr/bin/runc", "../sbin/runc");
        tree_link(&t, "/usr/bin/here", "./runc");

        resolve(&t, "/usr/bin/runc", false, &r);
        assert_resolved(&r, "/usr/sbin/runc", PATH_EXISTS);
        assert_true(r.is_symlink);
        assert_false(r.is_dir);
        assert_true(S_ISREG(r.mode));
        resolved_done(&r);

        /* two hops: here -> ./runc -> ../sbin/runc */
        resolve(&t, "/usr/bin/here", false, &r);
        assert_resolved(&r, "/usr/sbin/runc", PATH_EXISTS);
        assert_true(r.is_symlink);
        resolved_done(&r);

        tree_free(&t);
}

static void test_absolute_symlink_rerooted(void **state _unused_) {
        struct tree t;
        struct resolved r;

        tree_new(&t);
        tree_mkdir(&t, "/run");
        tree_file(&t, "/run/docker.sock", "");
        tree_link(&t, "/var/run", "/run");
        tree_mkdir(&t, "/etc");
        tree_link(&t, "/x", "/etc/passwd");       /* the host has one, the tree does not */
        tree_link(&t, "/y", "/nonexistent/passwd");

        resolve(&t, "/var/run/docker.sock", false, &r);
        assert_resolved(&r, "/run/docker.sock", PATH_EXISTS);
        assert_true(r.is_symlink);
        assert_true(S_ISREG(r.mode));
        resolved_done(&r);

        /* a directory reached through a link */
        resolve(&t, "/var/run", false, &r);
        assert_resolved(&r, "/run", PATH_EXISTS);
        assert_true(r.is_dir);
        assert_true(r.is_symlink);
        assert_true(S_ISDIR(r.mode));
        resolved_done(&r);

        /* the host's /etc/passwd is never looked at */
        resolve(&t, "/x", false, &r);
        assert_resolved(&r, "/etc/passwd", PATH_MISSING);
        assert_true(r.is_symlink);
        assert_false(r.is_dir);
        assert_int_equal(r.mode, 0);
        resolved_done(&r);

        resolve(&t, "/y", false, &r);
        assert_resolved(&r, "/nonexistent/passwd", PATH_PARENT_MISSING);
        assert_true(r.is_symlink);
        resolved_done(&r);

        /* once the tree has it, it is the tree's */
        tree_file(&t, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        resolve(&t, "/x", false, &r);
        assert_resolved(&r, "/etc/passwd", PATH_EXISTS);
        assert_true(S_ISREG(r.mode));
        resolved_done(&r);

        tree_free(&t);
}

static void test_dotdot_escape(void **state _unused_) {
        struct tree t;
        struct resolved r;
        _cleanup_free_ char *data = NULL;

        tree_new(&t);
        tree_file(&t, "/etc/shadow", "inside\n");
        tree_link(&t, "/usr/bin/runc", "../../../../../../etc/shadow");
        tree_link(&t, "/usr/bin/abs", "/../../../etc/shadow");
        tree_link(&t, "/usr/bin/gone", "../../../../../../nothere");

        resolve(&t, "/usr/bin/runc", false, &r);
        assert_resolved(&r, "/etc/shadow", PATH_EXISTS);
        assert_true(r.is_symlink);
        assert_true(S_ISREG(r.mode));
        resolved_done(&r);

        resolve(&t, "/usr/bin/abs", false, &r);
        assert_resolved(&r, "/etc/shadow", PATH_EXISTS);
        resolved_done(&r);

        /* lexical ".." in the path itself stops at the root too */
        resolve(&t, "/../../../etc/shadow", false, &r);
        assert_resolved(&r, "/etc/shadow", PATH_EXISTS);
        assert_false(r.is_symlink);
        resolved_done(&r);

        /* above the root there is nothing: the tree's /nothere, missing */
        resolve(&t, "/usr/bin/gone", false, &r);
        assert_resolved(&r, "/nothere", PATH_MISSING);
        resolved_done(&r);

        assert_int_equal(root_read_file(&t.root, "/usr/bin/runc", &data, NULL), 0);
        assert_string_equal(data, "inside\n");

        tree_free(&t);
}

/* Fixture for tests that may fail on a known bug: the tree goes away whatever happens. */
static int tree_setup(void **state) {
        struct tree *t = calloc(1, sizeof(*t));

        assert_non_null(t);
        tree_new(t);
        *state = t;
        return 0;
}

static int tree_teardown(void **state) {
        struct tree *t = *state;

        tree_free(t);
        free(t);
        return 0;
}

/* Resolve, keep only path and state, free: a failing comparison then leaks nothing. */
static void resolve_state(const struct tree *t, const char *path, char *ret_path, size_t size,
                          enum path_state *ret_state) {
        struct resolved r;

        resolve(t, path, false, &r);
        snprintf(ret_path, size, "%s", r.path);
        *ret_state = r.state;
        resolved_done(&r);
}

static void test_dotdot_after_link_is_physical(void **state) {
        struct tree *t = *state;
        char p[PATH_MAX];
        enum path_state st;

        tree_mkdir(t, "/run/lock");
        tree_mkdir(t, "/var/lib");
        tree_file(t, "/target", "");
        tree_link(t, "/var/run", "/run");
        /* ".." in a link target applies to where the link leads */
        tree_link(t, "/var/up", "run/../../target");

        resolve_state(t, "/var/up", p, sizeof(p), &st);
        assert_string_equal(p, "/target");
        assert_int_equal(st, PATH_EXISTS);

        /* The host resolves /var/run/.. as /run/.. = "/": /var/run/../run/lock is /run/lock and
         * /var/run/../lib is /lib (missing in this tree), not /var/lib. */
        resolve_state(t, "/var/run/../run/lock", p, sizeof(p), &st);
        assert_string_equal(p, "/run/lock");
        assert_int_equal(st, PATH_EXISTS);

        /* BUG: root_resolve() normalises the given path lexically (path_normalize) before it follows
         * any link, so "/var/run/../lib" is walked as "/var/lib" (exists) instead of "/lib". */
        resolve_state(t, "/var/run/../lib", p, sizeof(p), &st);
        assert_string_equal(p, "/lib");
        assert_int_equal(st, PATH_MISSING);
}

static void test_loops(void **state _unused_) {
        struct tree t;
        struct resolved r = { .path = (char *) "untouched" };

        tree_new(&t);
        tree_link(&t, "/a", "/b");
        tree_link(&t, "/b", "a");
        tree_link(&t, "/self", "self");
        tree_link(&t, "/dir/loop", "../dir/loop/x");

        assert_int_equal(root_resolve(&t.root, "/a", false, &r), -ELOOP);
        assert_string_equal(r.path, "untouched");
        assert_int_equal(root_resolve(&t.root, "/b/x/y", false, &r), -ELOOP);
        assert_int_equal(root_resolve(&t.root, "/self", false, &r), -ELOOP);
        assert_int_equal(root_resolve(&t.root, "/dir/loop", false, &r), -ELOOP);
        assert_string_equal(r.path, "untouched");

        /* with nofollow_last, the loop is never entered */
        {
                struct resolved n;
                resolve(&t, "/self", true, &n);
                assert_resolved(&n, "/self", PATH_EXISTS);
                assert_true(S_ISLNK(n.mode));
                resolved_done(&n);
        }

        tree_free(&t);
}

/* l0 -> l1 -> ... -> l<n-1> -> file: n links followed. */
static void make_chain(const struct tree *t, const char *prefix, unsigned n) {
        for (unsigned i = 0; i < n; i++) {
                _cleanup_free_ char *name = NULL, *target = NULL;
                assert_true(asprintf(&name, "/%s/l%u", prefix, i) >= 0);
                if (i + 1 < n)
                        assert_true(asprintf(&target, "l%u", i + 1) >= 0);
                else
                        target = strdup("file");
                assert_non_null(target);
                tree_link(t, name, target);
        }
        {
                _cleanup_free_ char *file = NULL;
                assert_true(asprintf(&file, "/%s/file", prefix) >= 0);
                tree_file(t, file, "end");
        }
}

static void test_link_chain_limit(void **state _unused_) {
        struct tree t;
        struct resolved r = {};

        tree_new(&t);
        make_chain(&t, "c40", 40);
        make_chain(&t, "c41", 41);

        /* 40 links, like the kernel's MAXSYMLINKS */
        resolve(&t, "/c40/l0", false, &r);
        assert_resolved(&r, "/c40/file", PATH_EXISTS);
        assert_true(r.is_symlink);
        resolved_done(&r);

        assert_int_equal(root_resolve(&t.root, "/c41/l0", false, &r), -ELOOP);
        /* one link in, the rest is 40 */
        resolve(&t, "/c41/l1", false, &r);
        assert_resolved(&r, "/c41/file", PATH_EXISTS);
        resolved_done(&r);

        tree_free(&t);
}

static void test_missing(void **state _unused_) {
        struct tree t;
        struct resolved r;

        tree_new(&t);
        tree_mkdir(&t, "/etc");
        tree_file(&t, "/file", "x");
        tree_link(&t, "/usr/bin/dangling", "nowhere");

        resolve(&t, "/etc/nothere", false, &r);
        assert_resolved(&r, "/etc/nothere", PATH_MISSING);
        assert_false(r.is_dir);
        assert_false(r.is_symlink);
        assert_int_equal(r.mode, 0);
        resolved_done(&r);

        /* lexical completion, normalised */
        resolve(&t, "/etc//nothere/", false, &r);
        assert_resolved(&r, "/etc/nothere", PATH_MISSING);
        resolved_done(&r);

        resolve(&t, "/nope/x/y", false, &r);
        assert_resolved(&r, "/nope/x/y", PATH_PARENT_MISSING);
        assert_false(r.is_dir);
        assert_int_equal(r.mode, 0);
        resolved_done(&r);

        resolve(&t, "/etc/nope/x", false, &r);
        assert_resolved(&r, "/etc/nope/x", PATH_PARENT_MISSING);
        resolved_done(&r);

        /* a file used as a directory */
        resolve(&t, "/file/x", false, &r);
        assert_string_equal(r.path, "/file/x");
        assert_int_not_equal(r.state, PATH_EXISTS);
        assert_false(r.is_dir);
        assert_int_equal(r.mode, 0);
        resolved_done(&r);

        resolve(&t, "/file/x/y", false, &r);
        assert_string_equal(r.path, "/file/x/y");
        assert_int_equal(r.state, PATH_PARENT_MISSING);
        resolved_done(&r);

        /* a dangling link: the target's path, missing */
        resolve(&t, "/usr/bin/dangling", false, &r);
        assert_resolved(&r, "/usr/bin/nowhere", PATH_MISSING);
        assert_true(r.is_symlink);
        resolved_done(&r);

        tree_free(&t);
}

static void test_nofollow_last(void **state _unused_) {
        struct tree t;
        struct resolved r;

        tree_new(&t);
        tree_file(&t, "/usr/sbin/runc", "ELF");
        tree_link(&t, "/usr/bin/runc", "../sbin/runc");
        tree_mkdir(&t, "/run");
        tree_link(&t, "/var/run", "/run");
        tree_link(&t, "/run/docker.sock", "/nowhere");
        tree_mkdir(&t, "/real/dir");
        tree_link(&t, "/dirlink", "/real/dir");

        resolve(&t, "/usr/bin/runc", true, &r);
        assert_resolved(&r, "/usr/bin/runc", PATH_EXISTS);
        assert_true(S_ISLNK(r.mode));
        assert_false(r.is_dir);
        resolved_done(&r);

        /* links before the last component are still followed */
        resolve(&t, "/var/run/docker.sock", true, &r);
        assert_resolved(&r, "/run/docker.sock", PATH_EXISTS);
        assert_true(S_ISLNK(r.mode));
        assert_true(r.is_symlink);
        resolved_done(&r);

        /* a link to a directory is not a directory when not followed */
        resolve(&t, "/dirlink", true, &r);
        assert_resolved(&r, "/dirlink", PATH_EXISTS);
        assert_true(S_ISLNK(r.mode));
        assert_false(r.is_dir);
        resolved_done(&r);

        resolve(&t, "/dirlink", false, &r);
        assert_resolved(&r, "/real/dir", PATH_EXISTS);
        assert_true(r.is_dir);
        assert_true(r.is_symlink);
        resolved_done(&r);

        /* no effect on a plain file */
        resolve(&t, "/usr/sbin/runc", true, &r);
        assert_resolved(&r, "/usr/sbin/runc", PATH_EXISTS);
        assert_true(S_ISREG(r.mode));
        assert_false(r.is_symlink);
        resolved_done(&r);

        tree_free(&t);
}

static void test_resolve_rejects(void **state _unused_) {
        struct tree t;
        struct resolved r = { .path = (char *) "untouched" };
        char *lng = malloc(PATH_MAX + 1);

        assert_non_null(lng);
        lng[0] = '/';
        memset(lng + 1, 'a', PATH_MAX - 1);
        lng[PATH_MAX] = 0;

        tree_new(&t);
        assert_int_equal(root_resolve(&t.root, "relative/x", false, &r), -EINVAL);
        assert_int_equal(root_resolve(&t.root, "", false, &r), -EINVAL);
        assert_int_equal(root_resolve(&t.root, NULL, false, &r), -EINVAL);
        assert_int_equal(root_resolve(&t.root, lng, false, &r), -ENAMETOOLONG);
        assert_string_equal(r.path, "untouched");
        free(lng);
        tree_free(&t);
}

/* ---------------------------------------------------------------------------------------- */
/* root_read_file                                                                            */

static void test_read_file(void **state _unused_) {
        struct tree t;
        _cleanup_free_ char *a = NULL, *b = NULL;
        char *none = (char *) "untouched";
        size_t len = 0;
        int fd;

        tree_new(&t);
        tree_file(&t, "/srv/daemon.json", "{\"data-root\": \"/x\"}\n");
        tree_link(&t, "/etc/docker/daemon.json", "/srv/daemon.json");
        tree_link(&t, "/etc/docker/rel.json", "../../srv/daemon.json");
        tree_link(&t, "/etc/docker/host", "/etc/hostname");   /* host has one, tree has not */
        tree_link(&t, "/etc/docker/escape", "../../../../../../../etc/passwd");
        tree_fifo(&t, "/etc/docker/fifo");
        tree_link(&t, "/etc/docker/fifolink", "fifo");

        assert_int_equal(root_read_file(&t.root, "/etc/docker/daemon.json", &a, &len), 0);
        assert_string_equal(a, "{\"data-root\": \"/x\"}\n");
        assert_int_equal(len, strlen(a));
        assert_int_equal(root_read_file(&t.root, "/etc/docker/rel.json", &b, NULL), 0);
        assert_string_equal(b, a);

        assert_int_equal(root_read_file(&t.root, "/etc/docker/host", &none, &len), -ENOENT);
        assert_int_equal(root_read_file(&t.root, "/etc/docker/escape", &none, &len), -ENOENT);
        assert_int_equal(root_read_file(&t.root, "/etc/docker/missing", &none, &len), -ENOENT);
        assert_int_equal(root_read_file(&t.root, "/nope/missing", &none, &len), -ENOENT);
        assert_int_equal(root_read_file(&t.root, "/etc/docker/fifo", &none, &len), -EBADFD);
        assert_int_equal(root_read_file(&t.root, "/etc/docker/fifolink", &none, &len), -EBADFD);
        assert_int_equal(root_read_file(&t.root, "/etc/docker", &none, &len), -EISDIR);
        assert_int_equal(root_read_file(&t.root, "relative", &none, &len), -EINVAL);
        assert_string_equal(none, "untouched");

        /* bounded */
        {
                _cleanup_free_ char *p = real(&t, "/big");
                fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
                assert_true(fd >= 0);
                assert_int_equal(ftruncate(fd, INPUT_MAX + 1), 0);
                close(fd);
        }
        tree_link(&t, "/biglink", "big");
        assert_int_equal(root_read_file(&t.root, "/big", &none, &len), -EFBIG);
        assert_int_equal(root_read_file(&t.root, "/biglink", &none, &len), -EFBIG);
        assert_string_equal(none, "untouched");

        tree_free(&t);
}

/* ---------------------------------------------------------------------------------------- */
/* root_list_dir                                                                             */

static void test_list_dir(void **state _unused_) {
        struct tree t;
        _cleanup_strv_free_ char **l = NULL, **via = NULL, **empty = NULL;
        char **none = (char **) 0x1;

        tree_new(&t);
        tree_file(&t, "/etc/systemd/system/b.service", "");
        tree_file(&t, "/etc/systemd/system/a.service", "");
        tree_file(&t, "/etc/systemd/system/A.service", "");
        tree_file(&t, "/etc/systemd/system/c.conf", "");
        tree_mkdir(&t, "/etc/systemd/system/docker.service.d");
        tree_link(&t, "/etc/systemd/system/z.service", "/dev/null");
        tree_link(&t, "/etc/sys", "systemd/system");
        tree_mkdir(&t, "/empty");

        assert_int_equal(root_list_dir(&t.root, "/etc/systemd/system", &l), 0);
        assert_int_equal(strv_length(l), 6);
        assert_string_equal(l[0], "A.service");
        assert_string_equal(l[1], "a.service");
        assert_string_equal(l[2], "b.service");
        assert_string_equal(l[3], "c.conf");
        assert_string_equal(l[4], "docker.service.d");
        assert_string_equal(l[5], "z.service");
        assert_null(l[6]);

        /* through a link */
        assert_int_equal(root_list_dir(&t.root, "/etc/sys", &via), 0);
        assert_int_equal(strv_length(via), 6);
        for (size_t i = 0; i < 6; i++)
                assert_string_equal(via[i], l[i]);

        assert_int_equal(root_list_dir(&t.root, "/empty", &empty), 0);
        assert_non_null(empty);
        assert_null(empty[0]);

        assert_int_equal(root_list_dir(&t.root, "/nope", &none), -ENOENT);
        assert_int_equal(root_list_dir(&t.root, "/nope/deeper", &none), -ENOENT);
        assert_int_equal(root_list_dir(&t.root, "/etc/systemd/system/a.service", &none), -ENOTDIR);
        assert_int_equal(root_list_dir(&t.root, "/etc/systemd/system/z.service", &none), -ENOENT);
        assert_int_equal(root_list_dir(&t.root, "relative", &none), -EINVAL);
        assert_ptr_equal(none, (char **) 0x1);

        tree_free(&t);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_init),
                cmocka_unit_test(test_plain_file),
                cmocka_unit_test(test_relative_symlink),
                cmocka_unit_test(test_absolute_symlink_rerooted),
                cmocka_unit_test(test_dotdot_escape),
                cmocka_unit_test_setup_teardown(test_dotdot_after_link_is_physical, tree_setup, tree_teardown),
                cmocka_unit_test(test_loops),
                cmocka_unit_test(test_link_chain_limit),
                cmocka_unit_test(test_missing),
                cmocka_unit_test(test_nofollow_last),
                cmocka_unit_test(test_resolve_rejects),
                cmocka_unit_test(test_read_file),
                cmocka_unit_test(test_list_dir),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
