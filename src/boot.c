/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Boot-time loading: auditd's unit runs `augenrules --load` (Debian: ExecStartPost= of
 * auditd.service; newer audit: audit-rules.service), or loads /etc/audit/audit.rules directly
 * (`auditctl -R`, RHEL 7 with USE_AUGENRULES=no). */
#include <errno.h>
#include <strings.h>

#include "boot.h"
#include "envfile.h"
#include "units.h"
#include "util.h"

void boot_info_done(struct boot_info *b) {
        free(b->evidence);
        b->evidence = NULL;
}

const char *boot_loader_name(enum boot_loader l) {
        switch (l) {
        case BOOT_AUGENRULES:
                return "augenrules";
        case BOOT_AUDIT_RULES:
                return "audit.rules";
        default:
                return "none";
        }
}

/* Look through a unit's ExecStart*= lines (fragment and drop-ins, after resets) for augenrules
 * or auditctl -R. Returns 1 when the unit file was found, 2 when the unit is masked. */
static int scan_unit(const struct root *root, char **dirs, const char *name, bool *ret_augen, bool *ret_direct,
                     char **ret_path) {
        _cleanup_(unit_done) struct unit u = {};
        int r;

        r = unit_load(root, dirs, name, NULL, &u);
        if (r < 0)
                return r;
        if (u.masked) {
                *ret_path = TAKE_PTR(u.masked_by);
                return 2;
        }
        if (!u.fragment)
                return 0;
        for (char **l = u.exec_start_all; l && *l; l++) {
                const char *v = strchr(*l, '=') + 1;
                if (strstr(v, "augenrules"))
                        *ret_augen = true;
                else if (strstr(v, "auditctl") && strstr(v, "-R"))
                        *ret_direct = true;
        }
        *ret_path = TAKE_PTR(u.fragment);
        return 1;
}

int boot_detect(const struct root *root, struct boot_info *ret) {
        _cleanup_strv_free_ char **dirs = NULL;
        _cleanup_free_ char *unit = NULL, *data = NULL;
        bool augen = false, direct = false;
        struct boot_info b = { .loader = BOOT_NONE };
        int r;

        r = unit_search_path(root, &dirs);
        if (r < 0)
                return r;
        r = scan_unit(root, dirs, "audit-rules.service", &augen, &direct, &unit);
        if (r == 0)
                r = scan_unit(root, dirs, "auditd.service", &augen, &direct, &unit);
        if (r < 0)
                return r;

        if (r == 2) {
                b.loader = BOOT_NONE;
                if (asprintf(&b.evidence, "%s is a link to /dev/null: the unit is masked and nothing loads audit "
                             "rules at boot", unit) < 0)
                        return -ENOMEM;
        } else if (r > 0) {
                /* RHEL 7's auditd.service: ExecStartPost=-/sbin/augenrules --load, unless
                 * USE_AUGENRULES=no in /etc/sysconfig/auditd turns its init script to audit.rules. */
                size_t len = 0;
                if (augen && root_read_file(root, "/etc/sysconfig/auditd", &data, &len) >= 0) {
                        _cleanup_strv_free_ char **env = NULL;
                        (void) envfile_parse_shell(data, len, NULL, &env, NULL); /* its init script sources it */
                        if (env_get(env, "USE_AUGENRULES") && strcasecmp(env_get(env, "USE_AUGENRULES"), "no") == 0) {
                                augen = false;
                                direct = true;
                        }
                }
                b.loader = augen ? BOOT_AUGENRULES : BOOT_AUDIT_RULES;
                if (asprintf(&b.evidence, "%s %s", unit,
                             augen ? "runs augenrules --load" :
                             direct ? "loads /etc/audit/audit.rules with auditctl -R"
                                    : "does not run augenrules: /etc/audit/audit.rules is loaded by auditd") < 0)
                        return -ENOMEM;
        } else {
                struct resolved res = {};
                bool have_augenrules = false;
                const char *cands[] = { "/sbin/augenrules", "/usr/sbin/augenrules" };
                for (size_t i = 0; i < ELEMENTSOF(cands) && !have_augenrules; i++) {
                        if (root_resolve(root, cands[i], false, &res) >= 0 && res.state == PATH_EXISTS)
                                have_augenrules = true;
                        resolved_done(&res);
                }
                /* No systemd unit (OpenRC, no init here): augenrules present is our best guess. */
                b.loader = have_augenrules ? BOOT_AUGENRULES : BOOT_NONE;
                b.evidence = strdup(have_augenrules ? "no auditd unit found; augenrules is installed"
                                                    : "no auditd unit and no augenrules found");
                if (!b.evidence)
                        return -ENOMEM;
        }
        *ret = b;
        return 0;
}
