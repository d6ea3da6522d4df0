/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>

#include "readcache.h"
#include "root.h"
#include "testlib.h"
#include "trust.h"
#include "util.h"



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

/* The commands of a refusal's last words: on the real path, quoted for the shell. */
static void test_mend_commands(void **state _unused_) {
        struct root r = {};
        char *m;

        assert_int_equal(root_init(&r, "/"), 0);
        m = root_mend_commands(&r, "/etc/default/docker");
        assert_string_equal(m, "chown root /etc/default/docker; chmod go-w /etc/default/docker");
        free(m);
        root_done(&r);
        assert_int_equal(root_init(&r, "/srv/my image"), 0);
        m = root_mend_commands(&r, "/etc/it's");
        assert_string_equal(m, "chown root '/srv/my image/etc/it'\\''s'; chmod go-w '/srv/my image/etc/it'\\''s'");
        free(m);
        root_done(&r);
}

/* ---------------------------------------------------------------------------------------- */
/* root_resolve                                                                              */

static void test_plain_file(void **state _unused_) {
        struct tree t;
        struct resolved r;

        tree_new(&t, "test-root");
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

        tree_new(&t, "test-root");
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

        tree_new(&t, "test-root");
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

        tree_new(&t, "test-root");
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
        tree_new(t, "test-root");
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

        tree_new(&t, "test-root");
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

        tree_new(&t, "test-root");
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

        tree_new(&t, "test-root");
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

        tree_new(&t, "test-root");
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

        tree_new(&t, "test-root");
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

        tree_new(&t, "test-root");
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
                _cleanup_free_ char *p = tree_real(&t, "/big");
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
/* root_open_file                                                                            */

/* What fd reads from where it stands to its end, NUL-terminated; closes fd. */
static char *read_all(int fd) {
        char *data = NULL;
        size_t len = 0;

        assert_true(fd >= 0);
        assert_int_equal(read_fd_upto(fd, 0, INPUT_MAX, &data, &len), 0);
        close(fd);
        return data;
}

static void test_open_file(void **state _unused_) {
        struct tree t;
        struct stat st;

        tree_new(&t, "test-root-open");
        tree_file(&t, "/srv/status", "Package: docker.io\n");
        tree_link(&t, "/var/lib/dpkg/status", "/srv/status");
        tree_link(&t, "/var/lib/dpkg/rel", "../../../srv/status");
        tree_link(&t, "/var/lib/dpkg/host", "/etc/hostname");   /* host has one, tree has not */
        tree_link(&t, "/var/lib/dpkg/escape", "../../../../../../../etc/passwd");
        tree_fifo(&t, "/var/lib/dpkg/fifo");
        tree_link(&t, "/var/lib/dpkg/fifolink", "fifo");

        /* followed inside the root, its stat given */
        {
                _cleanup_free_ char *a = read_all(root_open_file(&t.root, "/var/lib/dpkg/status", &st));
                _cleanup_free_ char *b = read_all(root_open_file(&t.root, "/var/lib/dpkg/rel", NULL));
                assert_string_equal(a, "Package: docker.io\n");
                assert_string_equal(b, a);
                assert_true(S_ISREG(st.st_mode));
                assert_int_equal(st.st_size, strlen(a));
        }
        /* what root_read_file() refuses, refused alike, and a FIFO never opened (it would block) */
        assert_int_equal(root_open_file(&t.root, "/var/lib/dpkg/host", NULL), -ENOENT);
        assert_int_equal(root_open_file(&t.root, "/var/lib/dpkg/escape", NULL), -ENOENT);
        assert_int_equal(root_open_file(&t.root, "/var/lib/dpkg/missing", NULL), -ENOENT);
        assert_int_equal(root_open_file(&t.root, "/nope/missing", NULL), -ENOENT);
        assert_int_equal(root_open_file(&t.root, "/var/lib/dpkg/fifo", NULL), -EBADFD);
        assert_int_equal(root_open_file(&t.root, "/var/lib/dpkg/fifolink", NULL), -EBADFD);
        assert_int_equal(root_open_file(&t.root, "/var/lib/dpkg", NULL), -EISDIR);
        assert_int_equal(root_open_file(&t.root, "/", NULL), -EISDIR);
        assert_int_equal(root_open_file(&t.root, "relative", NULL), -EINVAL);

        /* a file of any size: it is read as a stream */
        {
                _cleanup_free_ char *p = tree_real(&t, "/big");
                int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
                assert_true(fd >= 0);
                assert_int_equal(ftruncate(fd, 2 * INPUT_MAX), 0);
                close(fd);
                fd = root_open_file(&t.root, "/big", &st);
                assert_true(fd >= 0);
                assert_int_equal(st.st_size, 2 * INPUT_MAX);
                close(fd);
        }
        tree_free(&t);
}

/* ---------------------------------------------------------------------------------------- */
/* root_list_dir                                                                             */

static void test_list_dir(void **state _unused_) {
        struct tree t;
        _cleanup_strv_free_ char **l = NULL, **via = NULL, **empty = NULL;
        char **none = (char **) 0x1;

        tree_new(&t, "test-root");
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

/* ---------------------------------------------------------------------------------------- */
/* Opens after the resolution: by descriptor, no symlink followed, never a FIFO or a device    */

/* The race's children and trees, stopped and removed by race_teardown() even when an assertion
 * fails half-way (a swapper left running would spin forever). */
static struct {
        struct tree t;
        char out[64];
        pid_t swapper, watch;
} race;

static pid_t spawn_swapper(const char *a, const char *b) {
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0)
                for (;;)
                        (void) renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
        return pid;
}

/* A child blocked in open(fifo, O_WRONLY): it exits 0 as soon as anyone opens the FIFO for
 * reading (fifo(7)); an O_PATH descriptor is no reader. */
static pid_t spawn_fifo_watch(const char *fifo) {
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0)
                _exit(open(fifo, O_WRONLY | O_CLOEXEC) >= 0 ? 0 : 1);
        return pid;
}

static void stop(pid_t *pid) {
        if (*pid > 0) {
                (void) kill(*pid, SIGKILL);
                (void) waitpid(*pid, NULL, 0);
        }
        *pid = 0;
}

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int race_setup(void **state _unused_) {
        tree_new(&race.t, "test-root");
        strcpy(race.out, "/tmp/test-root-out-XXXXXX");
        assert_non_null(mkdtemp(race.out));
        return 0;
}

static int race_teardown(void **state _unused_) {
        stop(&race.swapper);
        stop(&race.watch);
        tree_free(&race.t);
        assert_int_equal(rm_rf(race.out), 0);
        return 0;
}

/* A user-writable component swapped, in a loop, for a symlink to a directory outside the tree
 * that holds a file of the same name, a FIFO and a name of its own: whatever root_resolve() saw,
 * root_read_file() and root_list_dir() read what the resolution found or fail; they never read
 * the file behind the link, never list its directory, never open the FIFO. (On the live root the
 * link is followed by the resolution itself: there is no race to show.) */
static void test_swap_race(void **state _unused_) {
        struct tree *t = &race.t;
        _cleanup_free_ char *of = path_join(race.out, "f"), *op = path_join(race.out, "p"),
                            *oo = path_join(race.out, "outside-only"), *a = tree_real(t, "/a"), *swap = tree_real(t, "/a.swap");
        unsigned ok = 0, failed = 0, rounds = 0;
        int status;

        {
                FILE *f = fopen(of, "we");
                assert_non_null(f);
                fputs("OUTSIDE\n", f);
                assert_int_equal(fclose(f), 0);
        }
        assert_int_equal(mkfifo(op, 0600), 0);
        assert_int_equal(mkdir(oo, 0755), 0);
        tree_file(t, "/a/f", "inside\n");
        tree_file(t, "/a/p", "inside\n");
        tree_link(t, "/a.swap", race.out); /* absolute: the kernel follows it out of the tree */

        race.watch = spawn_fifo_watch(op);
        race.swapper = spawn_swapper(a, swap);
        for (long long end = now_ms() + 3000; now_ms() < end; rounds++) {
                static const char *const files[] = { "/a/f", "/a/p" };
                _cleanup_strv_free_ char **names = NULL;

                for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                        _cleanup_free_ char *data = NULL;
                        if (root_read_file(&t->root, files[i], &data, NULL) == 0) {
                                if (!streq(data, "inside\n"))
                                        fail_msg("%s read through the swapped link: \"%s\"", files[i], data);
                                ok++;
                        } else
                                failed++;
                }
                if (root_list_dir(&t->root, "/a", &names) == 0)
                        for (char **n = names; *n; n++)
                                if (streq(*n, "outside-only"))
                                        fail_msg("the directory behind the swapped link was listed");
        }
        stop(&race.swapper);
        /* the FIFO's writer still waits: no one opened it for reading */
        if (waitpid(race.watch, &status, WNOHANG) != 0) {
                race.watch = 0;
                fail_msg("the FIFO behind the swapped link was opened");
        }
        print_message("%u rounds: %u reads, %u refused while swapped\n", rounds, ok, failed);
        /* both sides of the swap were seen */
        assert_true(ok > 0);
        assert_true(failed > 0);
}

/* ---------------------------------------------------------------------------------------- */
/* The read record on the live root: only what is root's                                    */

#define NOBODY 65534
#define SPARSE_FILES 1000

static char *live_dir, *live_record;

static void put_file(const char *dir, const char *name, const char *text, mode_t mode, uid_t uid) {
        _cleanup_free_ char *p = path_join(dir, name);
        FILE *f = fopen(p, "we");

        assert_non_null(f);
        assert_true(fputs(text, f) >= 0);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(chmod(p, mode), 0);
        assert_int_equal(chown(p, uid, uid == 0 ? 0 : uid), 0);
}

static char *make_dir(const char *dir, const char *name, mode_t mode, uid_t uid, gid_t gid) {
        char *p = path_join(dir, name);

        assert_non_null(p);
        assert_int_equal(mkdir(p, 0700), 0);
        assert_int_equal(chown(p, uid, gid), 0);
        assert_int_equal(chmod(p, mode), 0);
        return p;
}

/* A tree on the live root whose every parent is root's and closed to others (/run, as a rule):
 * the read record keeps what is root's there, and nothing else. Needs root (chown). */
static int live_setup(void **state _unused_) {
        struct root live = {};
        struct resolved res = {};
        _cleanup_free_ char *udir = NULL, *odir = NULL, *gdir = NULL, *sparse = NULL, *ulink = NULL, *rlink = NULL;
        bool trusted;

        if (geteuid() != 0)
                return 0;
        live_dir = strdup("/run/test-root-live-XXXXXX");
        assert_non_null(live_dir);
        if (!mkdtemp(live_dir)) {
                free(live_dir);
                live_dir = NULL;
                return 0;
        }
        assert_int_equal(chmod(live_dir, 0755), 0);
        assert_int_equal(root_init(&live, "/"), 0);
        assert_int_equal(root_resolve(&live, live_dir, false, &res), 0);
        trusted = trust_roots(&res);
        resolved_done(&res);
        root_done(&live);
        if (!trusted) { /* /run is not root's alone here: nothing to show */
                rmdir(live_dir);
                free(live_dir);
                live_dir = NULL;
                return 0;
        }
        live_record = path_join(live_dir, "cache/reads");

        put_file(live_dir, "pub.conf", "MARKER-PUBLIC\n", 0644, 0);
        put_file(live_dir, "shadow", "root:MARKER-SHADOW:19000::::::\n", 0640, 0);
        put_file(live_dir, "user.conf", "MARKER-USER-FILE\n", 0644, NOBODY);
        udir = make_dir(live_dir, "udir", 0755, NOBODY, NOBODY);
        put_file(udir, "root.conf", "MARKER-USER-DIR\n", 0644, 0);
        odir = make_dir(live_dir, "odir", 0777, 0, 0);
        put_file(odir, "root.conf", "MARKER-OPEN-DIR\n", 0644, 0);
        gdir = make_dir(live_dir, "gdir", 0775, 0, 100);
        put_file(gdir, "root.conf", "MARKER-GROUP-DIR\n", 0644, 0);
        rlink = path_join(live_dir, "link");
        assert_int_equal(symlink("pub.conf", rlink), 0);
        ulink = path_join(udir, "link");
        assert_int_equal(symlink("../pub.conf", ulink), 0);
        assert_int_equal(lchown(ulink, NOBODY, NOBODY), 0);
        /* a user's 1,000 files of 1 MiB (sparse: made in a moment) */
        sparse = make_dir(live_dir, "sparse", 0755, NOBODY, NOBODY);
        for (int i = 0; i < SPARSE_FILES; i++) {
                _cleanup_free_ char *f = NULL;
                int fd;
                assert_true(asprintf(&f, "%s/%04d.json", sparse, i) > 0);
                fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                assert_true(fd >= 0);
                assert_int_equal(ftruncate(fd, INPUT_MAX), 0);
                assert_int_equal(fchown(fd, NOBODY, NOBODY), 0);
                close(fd);
        }
        /* entries changed within READCACHE_RACY_NS of their reading are not kept */
        sleep(3);
        return 0;
}

static int live_teardown(void **state _unused_) {
        if (live_dir)
                assert_int_equal(rm_rf(live_dir), 0);
        free(live_dir);
        free(live_record);
        return 0;
}

static bool live_record_holds(const char *needle) {
        _cleanup_free_ char *data = NULL;
        size_t len = 0;

        /* the record may be larger than INPUT_MAX in general; here it holds a few lines */
        assert_int_equal(read_file_bounded(AT_FDCWD, live_record, O_NOFOLLOW, &data, &len), 0);
        return memmem(data, len, needle, strlen(needle)) != NULL;
}

static void test_live_record_roots_only(void **state _unused_) {
        static const char *const paths[] = {
                "pub.conf", "link", "shadow", "user.conf", "udir/root.conf", "udir/link", "odir/root.conf",
                "gdir/root.conf",
        };
        struct root live = {};

        if (!live_dir)
                skip();
        assert_int_equal(root_init(&live, "/"), 0);
        for (int round = 0; round < 2; round++) {
                unsigned hits, misses;

                assert_int_equal(readcache_enable(live_record), 0);
                for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                        _cleanup_free_ char *p = path_join(live_dir, paths[i]), *data = NULL;
                        assert_int_equal(root_read_file(&live, p, &data, NULL), 0);
                        assert_non_null(strstr(data, "MARKER-"));
                }
                readcache_stats(&hits, &misses);
                if (round == 1) {
                        /* pub.conf, and link with the pub.conf it leads to: from the record; the
                         * shadow file read again; nothing else even looked up */
                        assert_int_equal(hits, 3);
                        assert_int_equal(misses, 1);
                }
                assert_true(readcache_save_and_disable() >= 0);
                assert_true(live_record_holds("MARKER-PUBLIC"));
                assert_false(live_record_holds("MARKER-SHADOW"));
                assert_false(live_record_holds("MARKER-USER-FILE"));
                assert_false(live_record_holds("MARKER-USER-DIR"));
                assert_false(live_record_holds("MARKER-OPEN-DIR"));
                assert_false(live_record_holds("MARKER-GROUP-DIR"));
                assert_false(live_record_holds("udir/link"));
        }
        root_done(&live);
}

static void read_user_sparse(void) {
        struct root live = {};

        if (root_init(&live, "/") < 0 || readcache_enable(live_record) < 0)
                _exit(1);
        for (int i = 0; i < SPARSE_FILES; i++) {
                _cleanup_free_ char *f = NULL, *data = NULL;
                size_t len = 0;
                if (asprintf(&f, "%s/sparse/%04d.json", live_dir, i) < 0 || root_read_file(&live, f, &data, &len) < 0 ||
                    len != INPUT_MAX)
                        _exit(2);
        }
        if (readcache_save_and_disable() < 0)
                _exit(3);
        root_done(&live);
        _exit(0);
}

/* On the live host, a root's file and a user's opened as a stream: never through the read record,
 * which a run then saves without them. */
static void test_live_open_file_not_recorded(void **state _unused_) {
        static const char *const paths[] = { "pub.conf", "link", "user.conf", "udir/root.conf" };
        struct root live = {};

        if (!live_dir)
                skip();
        assert_int_equal(root_init(&live, "/"), 0);
        assert_int_equal(readcache_enable(live_record), 0);
        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                _cleanup_free_ char *p = path_join(live_dir, paths[i]), *data = NULL;
                data = read_all(root_open_file(&live, p, NULL));
                assert_non_null(strstr(data, "MARKER-"));
        }
        assert_true(readcache_save_and_disable() >= 0);
        assert_false(live_record_holds("MARKER-PUBLIC"));
        assert_false(live_record_holds("MARKER-USER-FILE"));
        root_done(&live);
}

/* A user's 1,000 files of 1 MiB read as root on the live host: nothing of them is kept, and the
 * run's memory does not grow with them (3.2 GB of root's memory, a 1 GB record, before). */
static void test_live_record_user_files_bounded(void **state _unused_) {
        struct rusage ru;
        struct stat st;
        long base;
        int status;
        pid_t pid;

        if (!live_dir)
                skip();
        /* What a child costs before it reads anything (more under valgrind); ru_maxrss of
         * RUSAGE_CHILDREN is the largest of the children waited for so far. */
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
        base = ru.ru_maxrss;
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                read_user_sparse();
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
        assert_int_equal(stat(live_record, &st), 0);
        print_message("a user's %d files of 1 MiB through root_read_file: peak %ld KiB (a child that reads "
                      "nothing: %ld KiB), record %lld bytes\n", SPARSE_FILES, ru.ru_maxrss, base,
                      (long long) st.st_size);
        assert_true(!RSS_MEASURED || ru.ru_maxrss - base < 64 * 1024);
        assert_true(st.st_size < 64 * 1024);
}

int main(void) {
        const struct CMUnitTest live_tests[] = {
                cmocka_unit_test(test_live_record_roots_only),
                cmocka_unit_test(test_live_open_file_not_recorded),
                cmocka_unit_test(test_live_record_user_files_bounded),
        };
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_init),
                cmocka_unit_test(test_mend_commands),
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
                cmocka_unit_test(test_open_file),
                cmocka_unit_test(test_list_dir),
                cmocka_unit_test_setup_teardown(test_swap_race, race_setup, race_teardown),
        };
        int r;

        r = cmocka_run_group_tests(tests, NULL, NULL);
        return cmocka_run_group_tests(live_tests, live_setup, live_teardown) + r;
}
