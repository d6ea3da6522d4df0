#!/bin/bash
# Never rules that silence ours, and --probe, on this machine's real kernel with a real auditd
# (started here on a temporary log, stopped by its PID). Every rule added carries the test's key
# or is deleted by name in the trap; a never,task rule, which silences the whole machine, is
# filtered on an unused uid where that shows enough, and loaded unfiltered only for one probe.
#   test-probe.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
command -v auditd >/dev/null || { echo "SKIP: auditd not installed"; exit 77; }
if [ -n "$(pgrep -x auditd)" ]; then echo "SKIP: another auditd is running"; exit 77; fi

TESTUID=$((3900000000 + $$ % 100000))
TASK_ALL=
cleanup_probe() {
        [ -n "$TASK_ALL" ] && auditctl -d never,task >/dev/null 2>&1
        auditctl -d never,task -F uid="$TESTUID" >/dev/null 2>&1
        cleanup
}
trap cleanup_probe EXIT

rules=$TMP/rules
mkdir -p "$rules" "$TMP/metrics"
chmod 755 "$TMP"
tool() { "$bin" --rules-dir "$rules" -k "$KEY" "$@"; }
has() { grep -qF -- "$1" "$TMP/out"; }

expect "the test's own dockerd runs" start_own_dockerd
expect "auditd starts" start_auditd
auditctl -e 1 >/dev/null
tool -q
expect "the test's own daemon.json is watched" grep -qxF -- "-w $OWN_CONFIG -p rwxa -k $KEY" "$rules/50-docker.rules"

# --probe on a working host: the event comes, with our key, from a process named dar-probe.
expect_check_ok "clean install: --check --probe is OK" tool --check --probe
expect "the probe saw its event" has "recorded with key \"$KEY\""
expect "the probe found it in auditd's log" has "is in $TMP/auditd/audit.log"
expect "the probe's event is marked comm=dar-probe" \
        sh -c "ausearch -if '$TMP/auditd/audit.log' -k '$KEY' -c dar-probe 2>/dev/null | grep -qF 'comm=\"dar-probe\"'"

# Monitoring output, written atomically where a collector reads it.
prom=$TMP/metrics/docker_audit_rules.prom
tool --check --probe --format prometheus --output "$prom" >"$TMP/out" 2>&1
st=$?
metric() { sed -n "s/^$1 //p" "$prom"; }
# OK, or WARNING for the host's rules of other keys before ours alone (lib.sh only_host_takers).
prom_ok() {
        [ "$(metric docker_audit_rules_check_status)" = "$st" ] &&
                { [ "$st" = 0 ] || { [ "$st" = 1 ] && [ "$(metric 'docker_audit_rules_findings{severity="critical"}')" = 0 ] &&
                          [ "$(metric 'docker_audit_rules_findings{severity="warning"}')" = "$(metric docker_audit_rules_key_shadowing_rules)" ]; }; }
}
expect "--format prometheus --output writes the metrics file (status $st)" test -s "$prom"
expect "the metrics file is readable by the collector (0644)" test "$(stat -c %a "$prom")" = 644
expect "status 0 in the metrics (1 for the host's rules before ours alone), the exit status's" prom_ok
expect "the probe latency is in the metrics" grep -q '^docker_audit_rules_probe_latency_seconds 0\.' "$prom"
expect "no temporary file is left" test "$(ls -A "$TMP/metrics")" = docker_audit_rules.prom
if command -v promtool >/dev/null; then
        expect "promtool accepts the metrics" sh -c "promtool check metrics < '$prom'"
else
        echo "note: promtool not installed (Debian package prometheus): format not checked by it"
fi
expect_status "--format prometheus is for --check only" 2 tool --print --format prometheus
expect_status "a bad --probe-timeout is a usage error (UNKNOWN)" 3 tool --check --probe --probe-timeout 0

# A never,exit rule put first in the kernel's exit list, on a path of ours: CRITICAL.
never=(-F arch=b64 -S all -F path="$OWN_CONFIG" -k "$KEY")
auditctl -A exit,never "${never[@]}" >/dev/null
expect_status "never,exit before ours in the kernel: CRITICAL" 2 tool --check
expect "it is named, in the kernel" has "critical: never rule \"-a never,exit -F arch=x86_64 -S all -F path=$OWN_CONFIG -k $KEY\" in the kernel"
auditctl -d exit,never "${never[@]}" >/dev/null

# The same after ours: no effect.
auditctl -a exit,never "${never[@]}" >/dev/null
expect_check_ok "never,exit after ours in the kernel: OK" tool --check
expect "it is noted as without effect" has "comes after our watch in the exit list: no effect"
auditctl -d exit,never "${never[@]}" >/dev/null

# In the rules files: with file and line, in augenrules' order.
printf '# local\n-a never,exit -F arch=b64 -S all -F path=%s\n' "$OWN_CONFIG" > "$rules/10-never.rules"
expect_status "never,exit in a file loaded before ours: CRITICAL" 2 tool --check
expect "it is named with its file and line" has "$rules/10-never.rules:2 (loads at boot before our fragment)"
expect "install warns about it" sh -c "'$bin' --rules-dir '$rules' -k '$KEY' 2>&1 >/dev/null | grep -qF '$rules/10-never.rules:2'"
mv "$rules/10-never.rules" "$rules/90-never.rules"
expect_check_ok "the same in a file loaded after ours: OK" tool --check
sed -i 's/^-a /-A /' "$rules/90-never.rules"
expect_status "-A in a file loaded after ours still comes first: CRITICAL" 2 tool --check
expect "it says -A puts it first" has "-A puts it before our fragment"
rm -f "$rules/90-never.rules"

# never,task on some users: a WARNING.
auditctl -a never,task -F uid="$TESTUID" >/dev/null
expect_status "never,task on one uid: WARNING" 1 tool --check
expect "it is named" has "warning: never rule \"-a never,task -F uid=$TESTUID\" in the kernel"
auditctl -d never,task -F uid="$TESTUID" >/dev/null

# Audit disabled: the probe misses its event and says why.
auditctl -e 0 >/dev/null
expect_status "audit disabled: --check --probe is CRITICAL" 2 tool --check --probe --probe-timeout 1
expect "the probe names audit disabled" has "likely audit is disabled (enabled 0)"
auditctl -e 1 >/dev/null

# never,task for everyone, for the length of one probe: everything silenced.
TASK_ALL=1
auditctl -a never,task >/dev/null
tool --check --probe --probe-timeout 1 >"$TMP/out" 2>&1
st=$?
auditctl -d never,task >/dev/null
TASK_ALL=
expect "never,task: --check --probe is CRITICAL" test "$st" = 2
expect "the rule is named, everything silenced" has "critical: never rule \"-a never,task\" in the kernel: no system call of any task"
expect "the probe names the never rule" has "likely never rule \"-a never,task\" in the kernel"
expect "no never,task rule is left" sh -c "! auditctl -l | grep -q 'never,task'"

finish
