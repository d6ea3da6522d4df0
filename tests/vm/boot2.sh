# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot 2, the first reboot: the boot-time load, Docker's daemons and the runtime unit; then the
# administrator appends `-e 2` in rules.d, loads it, and moves the data root again: the install
# can only say the rules load at the next boot.
. /share/tests/guest-lib.sh

begin reboot
put stage-uptime "$(uptime_s)"
# Each event's uptime: the daemons active, the runtime unit's run done, --check --probe OK.
wait_for 120 systemctl is-active docker.service containerd.service auditd.service
put daemons-active "$(uptime_s)"
wait_for 120 ran_since docker-audit-rules-runtime.service 0
put runtime-done "$(uptime_s)"
# Covered: every target in the kernel and in the boot-time file, nothing critical, and the
# probe's event recorded (the time is taken on that; the exit status is judged apart).
ok=1
wait_for 120 covered && ok=0
put check-ok "$ok"
put check-ok-uptime "$(uptime_s)"
unit_show service docker-audit-rules.service
unit_show runtime docker-audit-rules-runtime.service
unit_show auditd auditd.service
for u in auditd.service docker-audit-rules.service containerd.service docker.service \
         docker-audit-rules-runtime.service; do
        printf '%s %s %s %s\n' "$u" "$(systemctl show -P ExecMainStartTimestampMonotonic "$u")" \
                "$(systemctl show -P ActiveEnterTimestampMonotonic "$u")" \
                "$(systemctl show -P ExecMainExitTimestampMonotonic "$u")"
done >"$OUT/$cur/unit-times"
journalctl -b -o short-monotonic -u auditd -u docker-audit-rules.service -u docker-audit-rules-runtime.service \
        -u containerd -u docker >"$OUT/$cur/journal" 2>&1
snap booted
end

begin lock-append
printf '%s\n' '# The administrator locks the audit configuration until the next boot.' '-e 2' \
        >/etc/audit/rules.d/99-finalize.rules
run augenrules augenrules --load
auditctl -s >"$OUT/$cur/locked.status" 2>&1
# A change that needs new rules: the data root moves again (the path unit runs the install too,
# with --best-effort; the run here is the administrator's own, without it).
t=$(mono_usec)
run edit script -qec "SYSTEMD_EDITOR=/share/tests/edit-data-root DATA_ROOT=/srv/docker2 systemctl edit docker.service" /dev/null
systemctl restart docker.service
wait_for 120 ran_since docker-audit-rules-runtime.service "$t"
run install docker-audit-rules
run install-verbose docker-audit-rules -v
snap locked
end
