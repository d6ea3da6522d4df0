/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The systemd unit loader over a small host tree made from the input: the input is cut at lines
 * holding only "----" into up to four files, written (in a temporary root made once) as the unit
 * /usr/lib/systemd/system/docker@x.service, its template's drop-in
 * /etc/systemd/system/docker@.service.d/10.conf, its own drop-in
 * /etc/systemd/system/docker@x.service.d/20.conf and the environment file /etc/default/docker;
 * a missing piece removes its file. Then unit_load() (search path, drop-ins, resets,
 * specifiers %n %N %p %i %I %j %J %f %% and the host-dependent ones, EnvironmentFile=) and
 * unit_exec_argv() (Environment=, the environment file, ExecStart= splitting), with the problems
 * collected in a problem list; everything is freed, so a leak is a finding too. The instance name
 * "x" and the template make every specifier have a value. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "fuzz-common.h"
#include "problems.h"
#include "units.h"
#include "util.h"

static const char * const files[] = {
        "/usr/lib/systemd/system/docker@x.service",
        "/etc/systemd/system/docker@.service.d/10.conf",
        "/etc/systemd/system/docker@x.service.d/20.conf",
        "/etc/default/docker",
};

static char *tree;
static struct root root;
static char **search;

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
        strv_free(search);
}

static void make_tree(void) {
        static const char * const dirs[] = {
                "/usr", "/usr/lib", "/usr/lib/systemd", "/usr/lib/systemd/system", "/etc", "/etc/systemd",
                "/etc/systemd/system", "/etc/systemd/system/docker@.service.d",
                "/etc/systemd/system/docker@x.service.d", "/etc/default",
        };
        char tmpl[] = "/tmp/fuzz-unit-load-XXXXXX";

        if (!mkdtemp(tmpl))
                abort();
        tree = strdup(tmpl);
        if (!tree || root_init(&root, tree) < 0 || atexit(remove_tree) != 0)
                abort();
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                char *p = root_real(&root, dirs[i]);
                if (!p || mkdir(p, 0755) < 0)
                        abort();
                free(p);
        }
        if (unit_search_path(&root, &search) < 0)
                abort();
}

static void write_piece(const char *host_path, const char *data, size_t n) {
        char *p = root_real(&root, host_path);
        int fd;

        if (!p)
                abort();
        (void) unlink(p);
        if (data) {
                fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (fd < 0 || (n > 0 && write(fd, data, n) != (ssize_t) n))
                        abort();
                close(fd);
        }
        free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = fuzz_copy(data, size), *s = text;
        struct problems pr = {};
        struct unit u = {};
        char **argv = NULL;
        const char *src = NULL;
        size_t k = 0;
        int r;

        if (!tree)
                make_tree();
        for (; k < ELEMENTSOF(files); k++) {
                char *cut = s ? strstr(s, "\n----\n") : NULL;
                size_t n = s ? (cut ? (size_t) (cut - s) + 1 : strlen(s)) : 0;

                write_piece(files[k], s, n);
                s = cut ? cut + 6 : NULL;
        }

        r = unit_load(&root, search, "docker@x.service", &pr, &u);
        assert(r == 0 || r == -ENOMEM);
        if (r == 0) {
                for (char **p = u.dropins; p && *p; p++)
                        assert((*p)[0] == '/');
                assert(strv_length(u.exec_start) == strv_length(u.exec_start_src));
                r = unit_exec_argv(&root, &u, &pr, &argv, &src);
                assert(r >= 0 || r == -ENOMEM);
                if (r > 0)
                        assert(argv && argv[0] && src);
                strv_free(argv);
        }
        for (size_t i = 0; i < pr.n; i++)
                assert(pr.items[i].message);
        unit_done(&u);
        problems_done(&pr);
        free(text);
        return 0;
}
