/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>

#include "discover.h"
#include "util.h"

#define ALL PERM_ALL

/* The CIS Docker Benchmark's audit items. v1.2.0 numbers them 1.2.x, v1.6.0 and v1.8.0 1.1.x;
 * 1.1.9 is the docker.socket unit file up to v1.6 and the socket itself from v1.7 on. */
static const struct component_info table[_COMP_MAX] = {
        [COMP_DOCKERD]            = { "dockerd",            { "1.2.3", "1.1.3", "1.1.3" },   { "/usr/bin/dockerd" }, ALL },
        [COMP_RUN_CONTAINERD]     = { "run-containerd",     { NULL, "1.1.4", "1.1.4" },      { "/run/containerd" }, PERM_READ | PERM_WRITE | PERM_ATTR },
        [COMP_DATA_ROOT]          = { "data-root",          { "1.2.4", "1.1.5", "1.1.5" },   { "/var/lib/docker" }, PERM_READ | PERM_WRITE | PERM_ATTR },
        [COMP_ETC_DOCKER]         = { "etc-docker",         { "1.2.5", "1.1.6", "1.1.6" },   { "/etc/docker" }, ALL },
        [COMP_DOCKER_SERVICE]     = { "docker.service",     { "1.2.6", "1.1.7", "1.1.7" },   { NULL }, ALL },
        [COMP_CONTAINERD_SOCK]    = { "containerd.sock",    { NULL, "1.1.8", "1.1.8" },      { "/run/containerd/containerd.sock" }, ALL },
        [COMP_DOCKER_SOCKET_UNIT] = { "docker.socket",      { "1.2.7", "1.1.9", NULL },      { NULL }, ALL },
        [COMP_DOCKER_SOCK]        = { "docker.sock",        { NULL, NULL, "1.1.9" },         { "/var/run/docker.sock" }, ALL },
        [COMP_DEFAULT_DOCKER]     = { "default-docker",     { "1.2.8", "1.1.10", "1.1.10" }, { "/etc/default/docker" }, ALL },
        [COMP_DAEMON_JSON]        = { "daemon.json",        { "1.2.10", "1.1.11", "1.1.11" }, { "/etc/docker/daemon.json" }, ALL },
        [COMP_CONTAINERD_CONFIG]  = { "containerd-config",  { NULL, "1.1.12", "1.1.12" },    { "/etc/containerd/config.toml" }, ALL },
        [COMP_SYSCONFIG_DOCKER]   = { "sysconfig-docker",   { "1.2.9", "1.1.13", "1.1.13" }, { "/etc/sysconfig/docker" }, ALL },
        [COMP_CONTAINERD]         = { "containerd",         { "1.2.11", "1.1.14", "1.1.14" }, { "/usr/bin/containerd" }, ALL },
        [COMP_CONTAINERD_SHIM]    = { "containerd-shim",    { NULL, "1.1.15", "1.1.15" },    { "/usr/bin/containerd-shim" }, ALL },
        [COMP_SHIM_RUNC_V1]       = { "containerd-shim-runc-v1", { NULL, "1.1.16", "1.1.16" }, { "/usr/bin/containerd-shim-runc-v1" }, ALL },
        [COMP_SHIM_RUNC_V2]       = { "containerd-shim-runc-v2", { NULL, "1.1.17", "1.1.17" }, { "/usr/bin/containerd-shim-runc-v2" }, ALL },
        [COMP_RUNC]               = { "runc",               { "1.2.12", "1.1.18", "1.1.18" }, { "/usr/bin/runc", "/usr/sbin/runc" }, ALL },
        [COMP_RUNTIME]            = { "runtime",            { NULL }, { NULL }, ALL },
        [COMP_DOCKER_INIT]        = { "docker-init",        { NULL }, { NULL }, ALL },
        [COMP_DOCKER_PROXY]       = { "docker-proxy",       { NULL }, { NULL }, ALL },
        [COMP_CONTAINERD_SERVICE] = { "containerd.service", { NULL }, { NULL }, ALL },
        [COMP_DROPIN]             = { "drop-in",            { NULL }, { NULL }, ALL },
        [COMP_ENV_FILE]           = { "environment-file",   { NULL }, { NULL }, ALL },
        [COMP_OPENRC_INIT]        = { "openrc-init",        { NULL }, { NULL }, ALL },
        [COMP_OPENRC_CONF]        = { "openrc-conf",        { NULL }, { NULL }, ALL },
        [COMP_TLS]                = { "tls",                { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        /* Every docker command runs the client: recording its executions and reads would be a
         * line per command. A replaced or modified client is what matters: writes and
         * attribute changes. */
        [COMP_DOCKER_CLIENT]      = { "docker",             { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        [COMP_CONTAINERD_ROOT]    = { "containerd-root",    { NULL }, { NULL }, PERM_READ | PERM_WRITE | PERM_ATTR },
        /* k3s and RKE2 are multi-call programs (kubectl, crictl and ctr are links to them): a
         * replaced or modified program is what matters, not each command. */
        [COMP_SUPERVISOR]         = { "supervisor",         { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        [COMP_SUPERVISOR_CONF]    = { "supervisor-conf",    { NULL }, { NULL }, ALL },
        /* Files that switch a control off without touching daemon.json. Their readers read
         * them at every plugin lookup, container start or user namespace set-up: a change is
         * what matters, writes and attribute changes. */
        [COMP_PLUGIN_SPEC_DIR]    = { "plugin-spec-dir",    { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        [COMP_AUTHZ_PLUGIN]       = { "authz-plugin",       { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        [COMP_SUBID]              = { "subid",              { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        [COMP_SECCOMP_PROFILE]    = { "seccomp-profile",    { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        [COMP_CDI_SPEC_DIR]       = { "cdi-spec-dir",       { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        [COMP_NRI_DIR]            = { "nri-dir",            { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        [COMP_REGISTRY_HOSTS]     = { "registry-hosts",     { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        /* podman-docker: what serves Docker's API there. podman runs for every command, like
         * the docker client: a replaced or modified program is what matters. */
        [COMP_PODMAN]             = { "podman",             { NULL }, { NULL }, PERM_WRITE | PERM_ATTR },
        [COMP_PODMAN_UNIT]        = { "podman-unit",        { NULL }, { NULL }, ALL },
        [COMP_TMPFILES]           = { "tmpfiles.d",         { NULL }, { NULL }, ALL },
        [COMP_INIT_SCRIPT]        = { "init-script",        { NULL }, { NULL }, ALL },
        [COMP_INIT_CONF]          = { "init-conf",          { NULL }, { NULL }, ALL },
};

const struct component_info *component_info(enum component c) {
        if ((unsigned) c >= _COMP_MAX)
                return NULL;
        return &table[c];
}

static const char *const cis_names[_CIS_MAX] = {
        [CIS_120] = "1.2.0",
        [CIS_160] = "1.6.0",
        [CIS_180] = "1.8.0",
};

const char *cis_version_name(enum cis_version v) {
        return (unsigned) v < _CIS_MAX ? cis_names[v] : NULL;
}

int cis_version_from_string(const char *s, enum cis_version *ret) {
        for (unsigned v = 0; v < _CIS_MAX; v++)
                if (streq(s, cis_names[v]) || (startswith(cis_names[v], s) && strlen(s) == 3)) {
                        *ret = v;
                        return 0;
                }
        return -EINVAL;
}

bool component_is_cis(enum component c) {
        const struct component_info *i = component_info(c);
        for (unsigned v = 0; i && v < _CIS_MAX; v++)
                if (i->cis[v])
                        return true;
        return false;
}

int component_cis_ids(enum component c, char **ret) {
        const struct component_info *i = component_info(c);
        char buf[64] = "";
        size_t n = 0;

        if (!i)
                return -EINVAL;
        /* Newest numbering first; each distinct id once. */
        for (int v = _CIS_MAX - 1; v >= 0; v--) {
                const char *id = i->cis[v];
                bool seen = false;

                if (!id)
                        continue;
                for (int w = _CIS_MAX - 1; w > v; w--)
                        if (streq_ptr(i->cis[w], id))
                                seen = true;
                if (seen)
                        continue;
                n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "/" : "", id);
        }
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

static const char *const data_root_modes[_DATA_ROOT_MODE_MAX] = {
        [DATA_ROOT_STATE] = "state",
        [DATA_ROOT_CIS] = "cis",
        [DATA_ROOT_RECURSIVE] = "recursive",
        [DATA_ROOT_OFF] = "off",
};

const char *data_root_mode_name(enum data_root_mode m) {
        return (unsigned) m < _DATA_ROOT_MODE_MAX ? data_root_modes[m] : NULL;
}

int data_root_mode_from_string(const char *s, enum data_root_mode *ret) {
        for (unsigned m = 0; m < _DATA_ROOT_MODE_MAX; m++)
                if (streq(s, data_root_modes[m])) {
                        *ret = m;
                        return 0;
                }
        return -EINVAL;
}

static const char *const skip_reasons[_SKIP_MAX] = {
        [SKIP_NONE] = "none",
        [SKIP_UNRESOLVABLE] = "unresolvable",
        [SKIP_TOO_LONG] = "too-long",
        [SKIP_NO_PARENT] = "no-parent",
        [SKIP_NOT_APPLICABLE] = "not-applicable",
        [SKIP_DANGEROUS] = "dangerous",
};

bool component_is_dir(enum component c) {
        /* COMP_DROPIN names drop-in files and the drop-in directory alike. */
        return c == COMP_DATA_ROOT || c == COMP_ETC_DOCKER || c == COMP_RUN_CONTAINERD || c == COMP_DROPIN ||
               c == COMP_CONTAINERD_ROOT || c == COMP_PLUGIN_SPEC_DIR || c == COMP_CDI_SPEC_DIR ||
               c == COMP_NRI_DIR || c == COMP_REGISTRY_HOSTS;
}

const char *skip_reason_name(enum skip_reason s) {
        return (unsigned) s < _SKIP_MAX ? skip_reasons[s] : NULL;
}
