/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The only place that talks to sd-bus: ask the running systemd how it loaded a unit. */

#include <stdbool.h>
#include <systemd/sd-bus.h>

/* Every method call made on a bus from bus_connect() gives up after this long. */
#define BUS_CALL_TIMEOUT_USEC (5ULL * 1000000ULL)

/* What the running systemd says about one unit. String vectors are NULL when empty. */
struct bus_unit {
        bool found;                /* false when LoadState is "not-found" (everything else empty) */
        bool masked;               /* LoadState is "masked" */
        char *fragment_path;       /* NULL when systemd has none */
        char **dropin_paths;
        char **exec_start;         /* first ExecStart= entry: path, then argv[1..] (argv[0] replaced by path) */
        char **environment_files;  /* "-/path" when errors are ignored, else "/path" */
        char **listen;             /* .socket units: addresses of the "Stream" Listen entries */
};

void bus_unit_done(struct bus_unit *u);

/* Connect to systemd: to $DBUS_SYSTEM_BUS_ADDRESS when that is set (non-empty), else, when the
 * host was booted with systemd, to /run/systemd/private (root only, as systemctl does) or the
 * system bus. -ENXIO when neither applies. The connection is fully set up (authenticated, Hello
 * answered) when this returns, within BUS_CALL_TIMEOUT_USEC; method calls are bounded likewise. */
int bus_connect(sd_bus **ret);

/* LoadUnit(name), then the unit's properties. A unit systemd does not know returns 0 with
 * found == false. On success *ret is overwritten (not freed first); on failure it is untouched.
 * Errors are -errno (-ETIMEDOUT when systemd does not answer in time). */
int bus_get_unit(sd_bus *bus, const char *name, struct bus_unit *ret);

/* Connect (bus_connect()), bus_get_unit() every unit of names (NULL-terminated) into ret[] and
 * its result into ret_errors[] (0 or -errno; ret[i] is left empty on error), disconnect.
 * Returns 0, or bus_connect()'s error (-ENXIO: no systemd to ask) with ret untouched. */
int bus_get_units(const char *const *names, struct bus_unit *ret, int *ret_errors);
