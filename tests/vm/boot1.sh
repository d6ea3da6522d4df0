# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot 1, a fresh image without Docker: the tool installed first, then Docker (the file triggers),
# the data root moved with `systemctl edit` (the path unit), containerd restarted (the runtime
# unit), and discovery over D-Bus against the file reader.
. /share/tests/guest-lib.sh

begin install-before-docker
install_tool
snap installed
put docker-present "$(command -v dockerd || echo none)"
end

begin docker-trigger
if [ "$MODE" = deb ]; then
        # Only the package's file triggers may act: the path unit stopped and no daemon started
        # (the runtime unit would otherwise run when containerd starts).
        systemctl stop docker-audit-rules.path
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
else
        skip "needs the package's dpkg file triggers: the code under test is a meson install tree, not a .deb; Docker installed anyway for the next scenarios"
fi
run apt apt-get install -y --no-download --no-install-recommends docker.io
snap after-apt
rm -f /usr/sbin/policy-rc.d
systemctl start docker-audit-rules.path
t=$(mono_usec)
systemctl start containerd.service docker.service
wait_for 120 ran_since docker-audit-rules-runtime.service "$t"
put runtime-ran $?
put runtime-seconds "$(( ($(mono_usec) - t) / 1000000 ))"
unit_show runtime docker-audit-rules-runtime.service
snap daemons-up
end

begin data-root
t=$(mono_usec)
run edit script -qec "SYSTEMD_EDITOR=/share/tests/edit-data-root DATA_ROOT=/srv/docker systemctl edit docker.service" /dev/null
# The path unit sees the drop-in directory change and starts docker-audit-rules.service.
wait_for 60 ran_since docker-audit-rules.service "$t"
put path-ran $?
put path-seconds "$(( ($(mono_usec) - t) / 1000000 ))"
unit_show service docker-audit-rules.service
cp /etc/systemd/system/docker.service.d/override.conf "$OUT/$cur/override.conf" 2>/dev/null
snap edited
t=$(mono_usec)
systemctl restart docker.service
wait_for 120 ran_since docker-audit-rules-runtime.service "$t"
put runtime-ran $?
snap restarted
run list docker-audit-rules --list-paths --format json
end

begin containerd-restart
unit_show before docker-audit-rules-runtime.service
t=$(mono_usec)
systemctl restart containerd.service
wait_for 120 ran_since docker-audit-rules-runtime.service "$t"
put runtime-ran $?
put runtime-seconds "$(( ($(mono_usec) - t) / 1000000 ))"
unit_show after docker-audit-rules-runtime.service
wait_for 60 systemctl is-active docker.service
snap restarted
end

begin bus-vs-file
# Over sd-bus (root talks to PID 1's private socket), then with the bus made unreachable, which
# leaves the unit file reader alone.
run bus docker-audit-rules --list-paths --format json
run file env DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent docker-audit-rules --list-paths --format json
run bus-text docker-audit-rules --list-paths
run file-text env DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent docker-audit-rules --list-paths
end
