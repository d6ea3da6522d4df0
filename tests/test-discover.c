/* SPDX-License-Identifier: GPL-2.0-or-later */
/* discover() on temporary host trees: a path that several daemon instances name keeps every
 * instance's evidence, in an order that does not depend on the order the instances were walked
 * in; the target's own evidence stays the first one's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "discover.h"
#include "testlib.h"
#include "util.h"

/* docker.service and another unit, `extra`, both run dockerd and read /etc/default/docker. */
static void two_units(struct tree *t, const char *extra) {
        char *p = xasprintf("/etc/systemd/system/%s", extra);

        tree_file(t, "/usr/bin/dockerd", "#!/bin/sh\n");
        tree_file(t, "/etc/default/docker", "DOCKER_OPTS=\n");
        tree_mkdir(t, "/etc/docker");
        tree_file(t, "/etc/systemd/system/docker.service",
                  "[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd -H fd://\n");
        tree_file(t, p, "[Service]\nEnvironmentFile=-/etc/default/docker\n"
                        "ExecStart=/usr/bin/dockerd --data-root /srv/b -H unix:///run/b.sock --exec-root /run/b\n");
        free(p);
}

static const struct target *find(const struct discovery *d, const char *path) {
        for (size_t k = 0; k < d->n_targets; k++)
                if (streq_ptr(d->targets[k].path, path))
                        return &d->targets[k];
        fail_msg("no target %s", path);
        return NULL;
}

/* first: the instance walked first (docker.service, the host's main one); sorted: the keys in
 * order. */
static void check_shared(const char *extra, const char *const sorted[2]) {
        static const char *const shared[] = { "/usr/bin/dockerd", "/etc/default/docker", "/etc/docker" };
        struct discovery d = {};
        struct tree t;

        tree_new(&t, "test-discover");
        two_units(&t, extra);
        assert_int_equal(discover(&t.root, NULL, &d), 0);
        for (size_t k = 0; k < ELEMENTSOF(shared); k++) {
                const struct target *x = find(&d, shared[k]);

                assert_int_equal(x->n_by_instance, 2);
                assert_string_equal(x->by_instance[0].instance, sorted[0]);
                assert_string_equal(x->by_instance[1].instance, sorted[1]);
                /* The target's own: the first walked, with its evidence. */
                assert_string_equal(x->instance, "dockerd docker.service");
                for (size_t j = 0; j < 2; j++)
                        if (streq(x->by_instance[j].instance, x->instance))
                                assert_string_equal(x->by_instance[j].evidence, x->evidence);
        }
        /* What only one instance names has that one alone. */
        assert_int_equal(find(&d, "/run/b.sock")->n_by_instance, 1);
        discovery_done(&d);
        tree_free(&t);
}

static void test_shared_sorted_before(void **state) {
        (void) state;
        /* a-docker.service is walked after docker.service and sorts before it. */
        check_shared("a-docker.service", (const char *const[]) { "dockerd a-docker.service", "dockerd docker.service" });
}

static void test_shared_sorted_after(void **state) {
        (void) state;
        check_shared("z-docker.service", (const char *const[]) { "dockerd docker.service", "dockerd z-docker.service" });
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shared_sorted_before),
                cmocka_unit_test(test_shared_sorted_after),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
