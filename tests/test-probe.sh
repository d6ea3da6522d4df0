#!/bin/bash
# Never rules that silence ours, and --probe, on this machine's real kernel with a real auditd
# (started here on a temporary log, stopped by its PID). Every rule added carries the test's key
# (or OTHER, the key of a broad rule loaded before ours) or is deleted by name in the trap; a
# never,task rule, which silences the whole machine, is filtered on an unused uid where that
# shows enough, and loaded unfiltered only for one probe. The probe per permission class acts on
# a private tree: the test's own dockerd binary, its daemon.json and a unit file that runs it, in
# a unit directory of the test's own (SYSTEMD_UNIT_PATH, which systemd's path lookup reads).
# Other tests' daemons come and go on this machine while it runs, and make --check's overall
# status move (their paths vanish: stale rules): the probe's part judges the probe's own findings
# and metrics. When another auditd runs (another test, so a busy machine), the parts that need a
# log of the test's own, and those that judge the overall status, are left out.
#   test-probe.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
command -v auditd >/dev/null || { echo "SKIP: auditd not installed"; exit 77; }
OWN_AUDITD=1
if [ -n "$(pgrep -x auditd)" ]; then
        echo "note: another auditd is running: the checks of auditd's log are left out"
        OWN_AUDITD=
fi

TESTUID=$((3900000000 + $$ % 100000))
OTHER=$KEY-other
TASK_ALL= P=
cleanup_probe() {
        [ -n "$TASK_ALL" ] && auditctl -d never,task >/dev/null 2>&1
        auditctl -d never,task -F uid="$TESTUID" >/dev/null 2>&1
        auditctl -D -k "$OTHER" >/dev/null 2>&1
        cleanup
        [ -n "$P" ] && rm -rf "$P"
}
trap cleanup_probe EXIT

rules=$TMP/rules
mkdir -p "$rules" "$TMP/metrics"
chmod 755 "$TMP"
tool() { "$bin" --rules-dir "$rules" -k "$KEY" "$@"; }
has() { grep -qF -- "$1" "$TMP/out"; }
# probe_worst SEVERITY: the worst severity of the probe's findings in the JSON in $TMP/out.
probe_worst() {
        python3 - "$TMP/out" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
order = ["info", "warning", "critical"]
sev = [f["severity"] for f in d["findings"] if f["message"].startswith("probe: ")]
worst = max(sev, key=order.index) if sev else None
if worst != sys.argv[2]:
    print("    probe findings: %s" % [(f["severity"], f["message"]) for f in d["findings"] if f["message"].startswith("probe: ")])
    sys.exit(1)
PY
}
# probe_is CLASS KIND PATH STATUS KEY: the JSON in $TMP/out has that result.
probe_is() {
        python3 - "$TMP/out" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cls, kind, path, status, key = sys.argv[2:7]
got = [p for p in d["probe"]["probes"] if p["class"] == cls and p["kind"] == kind]
if len(got) != 1 or got[0]["path"] != path or got[0]["status"] != status or got[0]["key"] != key:
    print("    %s on a %s: %s" % (cls, kind, got))
    sys.exit(1)
PY
}

# A private tree of root's, outside /tmp (whose sticky, world-writable directory no trusted path
# crosses): a program, its daemon.json and a unit file that runs it, named only in the unit
# directory this test gives the tool. No daemon runs from it, so other tests running at the same
# time do not discover it and put rules of their keys on it. The program only leaves a mark: the
# probe's execution must never run it.
P=$(mktemp -d /var/lib/dar-probe.XXXXXX)
chmod 755 "$P"
mkdir -p "$P/bin" "$P/etc" "$P/units"
OWN_DOCKERD=$P/bin/dockerd OWN_CONFIG=$P/etc/daemon.json
printf '#!/bin/sh\ntouch %s/ran\n' "$P" > "$OWN_DOCKERD"
chmod 755 "$OWN_DOCKERD"
echo '{}' > "$OWN_CONFIG"
units=$P/units
unit=$units/dar-probe-$$.service
export SYSTEMD_UNIT_PATH=$units:
printf '[Service]\nExecStart=%s --config-file %s\n' "$OWN_DOCKERD" "$OWN_CONFIG" > "$unit"
# The probe acts on these only: other tests' daemons run on this machine too.
PP=(--probe-path "$OWN_DOCKERD" --probe-path "$unit" --probe-path "$OWN_CONFIG")
[ -z "$OWN_AUDITD" ] || expect "auditd starts" start_auditd
auditctl -e 1 >/dev/null
tool -q
expect "the test's own daemon.json is watched" grep -qxF -- "-w $OWN_CONFIG -p rwxa -k $KEY" "$rules/50-docker.rules"
expect "the test's own unit file is watched" grep -qxF -- "-w $unit -p rwxa -k $KEY" "$rules/50-docker.rules"

# A probe per permission class, on a binary, a unit file and a configuration file of the test's
# own: each event comes with our key, and nothing is changed.
stat_before=$(stat -c '%a %U %s %Y %Z' "$OWN_DOCKERD" "$unit" "$OWN_CONFIG")
tool --check --probe "${PP[@]}" --format json >"$TMP/out" 2>/dev/null
expect "--check --probe on the private tree: the probe's findings are notes" probe_worst info
for cls in r w x a; do
        expect "$cls on the binary: seen with our key" probe_is "$cls" binary "$OWN_DOCKERD" seen "$KEY"
        expect "$cls on the unit file: seen with our key" probe_is "$cls" "unit file" "$unit" seen "$KEY"
        expect "$cls on the configuration: seen with our key" probe_is "$cls" configuration "$OWN_CONFIG" seen "$KEY"
done
expect "the probe changed no mode, owner, size or time" \
        test "$(stat -c '%a %U %s %Y %Z' "$OWN_DOCKERD" "$unit" "$OWN_CONFIG")" = "$stat_before"
expect "the probe's execution ran nothing (no mark left by the program)" test ! -e "$P/ran"
tool --check --probe "${PP[@]}" >"$TMP/out" 2>&1
expect "the text says each class and kind" \
        has "note: probe: w on $unit (unit file): open for writing as a directory, refused, recorded with key \"$KEY\""
expect "the text says the execution" \
        has "note: probe: x on $OWN_DOCKERD (binary): execute with a bad argument vector, refused, recorded with key \"$KEY\""

# A broad rule of another key on the directory above, loaded before ours: it takes the write and
# attribute classes of all three, and the probe says so; reads and executions still come to us.
tool --remove -q
auditctl -w "$P" -p wa -k "$OTHER" >/dev/null
tool -q
expect "the other key's rule comes before ours" \
        sh -c "auditctl -l | grep -n -e '-k $OTHER' -e '$OWN_DOCKERD.*-k $KEY' | head -1 | grep -qF -- '-k $OTHER'"
tool --check --probe "${PP[@]}" --format json >"$TMP/out" 2>/dev/null
expect "--check --probe with another key's rule first: a probe warning" probe_worst warning
for kind in binary "unit file" configuration; do
        case $kind in binary) path=$OWN_DOCKERD ;; "unit file") path=$unit ;; *) path=$OWN_CONFIG ;; esac
        expect "w on the $kind: recorded with key $OTHER" probe_is w "$kind" "$path" other-key "$OTHER"
        expect "a on the $kind: recorded with key $OTHER" probe_is a "$kind" "$path" other-key "$OTHER"
        expect "r on the $kind: still ours" probe_is r "$kind" "$path" seen "$KEY"
        expect "x on the $kind: still ours" probe_is x "$kind" "$path" seen "$KEY"
done
tool --check --probe "${PP[@]}" >"$TMP/out" 2>&1
expect "the text names the key that took the write" \
        has "warning: probe: w on $unit (unit file): open for writing as a directory, refused, recorded with key \"$OTHER\", not \"$KEY\""
expect "and the rule, with its place in the kernel's list" \
        grep -qE -- "probe: w on $unit .*: taken by \"-w $P -p wa -k $OTHER\" \(kernel position [0-9]+\)" "$TMP/out"
tool --check --probe "${PP[@]}" --format prometheus >"$TMP/out" 2>&1
expect "the metrics say the attribute class on the binary went elsewhere" \
        has "docker_audit_rules_probe{class=\"a\",kind=\"binary\",status=\"other-key\"} 0"
expect "and the read came to us" has "docker_audit_rules_probe{class=\"r\",kind=\"binary\",status=\"seen\"} 1"
expect "the other key's rule is left as it was" \
        test "$(auditctl -l | grep -cxF -- "-w $P -p wa -k $OTHER")" = 1
auditctl -D -k "$OTHER" >/dev/null
tool --check --probe "${PP[@]}" --format json >"$TMP/out" 2>/dev/null
expect "without it: the probe's findings are notes again" probe_worst info

# The representative paths, on this host's own rules when the package has loaded them (key
# docker): the probe picks dockerd, docker.service and daemon.json or /etc/docker by itself, and
# only reads and acts through descriptors there (nothing is added or removed).
if auditctl -l | grep -q -- '-w [^ ]*/dockerd -p [rwxa]* -k docker$'; then
        "$bin" --check --probe --format json >"$TMP/out" 2>/dev/null
        expect "on the host's rules, the binary probed is a dockerd" \
                python3 -c "import json,sys; p=json.load(open('$TMP/out'))['probe']['probes']; sys.exit(not [x for x in p if x['kind'] == 'binary' and x['path'].endswith('/dockerd')])"
        expect "the unit file probed is docker.service" \
                python3 -c "import json,sys; p=json.load(open('$TMP/out'))['probe']['probes']; sys.exit(not [x for x in p if x['kind'] == 'unit file' and x['path'].endswith('/docker.service')])"
        expect "the configuration probed is daemon.json or /etc/docker" \
                python3 -c "import json,sys; p=json.load(open('$TMP/out'))['probe']['probes']; sys.exit(not [x for x in p if x['kind'] == 'configuration' and x['path'] in ('/etc/docker', '/etc/docker/daemon.json')])"
else
        echo "note: no rules of the installed package (key docker): the representative paths are not checked"
fi

if [ -z "$OWN_AUDITD" ]; then
        finish
        exit
fi

# --probe on a working host: the event comes, with our key, from a process named dar-probe.
expect_check_ok "clean install: --check --probe is OK" tool --check --probe "${PP[@]}"
expect "the probe saw its event" has "recorded with key \"$KEY\""
expect "the probe found its events in auditd's log" has " are in $TMP/auditd/audit.log"
expect "the probe's event is marked comm=dar-probe" \
        sh -c "ausearch -if '$TMP/auditd/audit.log' -k '$KEY' -c dar-probe 2>/dev/null | grep -qF 'comm=\"dar-probe\"'"

# Monitoring output, written atomically where a collector reads it.
prom=$TMP/metrics/docker_audit_rules.prom
tool --check --probe "${PP[@]}" --format prometheus --output "$prom" >"$TMP/out" 2>&1
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
expect_status "a bad --probe-timeout is a usage error (UNKNOWN)" 3 tool --check --probe "${PP[@]}" --probe-timeout 0
expect_status "--probe-path without --probe is a usage error (UNKNOWN)" 3 tool --check --probe-path "$OWN_DOCKERD"
expect_status "--probe-path on a path no rule of ours watches: nothing to probe (WARNING)" 1 \
        tool --check --probe --probe-path /nonexistent/dockerd
expect "it says so" has "among the paths given (--probe-path): nothing to probe"

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
expect_status "audit disabled: --check --probe is CRITICAL" 2 tool --check --probe "${PP[@]}" --probe-timeout 1
expect "the probe names audit disabled" has "likely audit is disabled (enabled 0)"
auditctl -e 1 >/dev/null

# never,task for everyone, for the length of one probe: everything silenced.
TASK_ALL=1
auditctl -a never,task >/dev/null
tool --check --probe "${PP[@]}" --probe-timeout 1 >"$TMP/out" 2>&1
st=$?
auditctl -d never,task >/dev/null
TASK_ALL=
expect "never,task: --check --probe is CRITICAL" test "$st" = 2
expect "the rule is named, everything silenced" has "critical: never rule \"-a never,task\" in the kernel: no system call of any task"
expect "the probe names the never rule" has "likely never rule \"-a never,task\" in the kernel"
expect "no never,task rule is left" sh -c "! auditctl -l | grep -q 'never,task'"

finish
