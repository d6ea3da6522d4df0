# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot 4, unlocked again: the package removed, then purged.
. /share/tests/guest-lib.sh

begin remove-purge
wait_for 120 systemctl is-active docker.service containerd.service auditd.service
wait_for 120 ran_since docker-audit-rules-runtime.service 0
snap booted
if [ "$MODE" != deb ]; then
        skip "needs the package (apt-get remove, purge): the code under test is a meson install tree, not a .deb"
else
        run remove apt-get remove -y docker-audit-rules
        auditctl -l >"$OUT/$cur/removed.rules" 2>&1
        ls -la /etc/audit/rules.d /etc/docker-audit-rules.conf /var/cache/docker-audit-rules \
                >"$OUT/$cur/removed.files" 2>&1
        [ -e "$FRAGMENT" ] && put removed-fragment yes
        [ -e /etc/docker-audit-rules.conf ] && put removed-conf yes
        run purge apt-get purge -y docker-audit-rules
        auditctl -l >"$OUT/$cur/purged.rules" 2>&1
        ls -la /etc/audit/rules.d /etc/docker-audit-rules.conf /var/cache/docker-audit-rules \
                >"$OUT/$cur/purged.files" 2>&1
        [ -e "$FRAGMENT" ] && put purged-fragment yes
        [ -e /etc/docker-audit-rules.conf ] && put purged-conf yes
        [ -e /var/cache/docker-audit-rules ] && put purged-cache yes
        systemctl list-unit-files 'docker-audit-rules*' >"$OUT/$cur/purged.units" 2>&1
fi
end
