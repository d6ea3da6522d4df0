# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot 3, with `-e 2` in rules.d: the rules written while locked are loaded at boot and the lock
# is stated; the audit log tells the administrator's edits. The lock is then taken out of rules.d
# for the next boot.
. /share/tests/guest-lib.sh

begin lock-reboot
put stage-uptime "$(uptime_s)"
wait_for 120 systemctl is-active docker.service containerd.service auditd.service
wait_for 120 ran_since docker-audit-rules-runtime.service 0
unit_show runtime docker-audit-rules-runtime.service
snap booted
run list docker-audit-rules --list-paths --format json
rm -f /etc/audit/rules.d/99-finalize.rules
end

begin report
run report docker-audit-rules --report
run report-json docker-audit-rules --report --format json
ls -l /var/log/audit >"$OUT/$cur/logs" 2>&1
end
