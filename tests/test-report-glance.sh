#!/bin/bash
# --report at a glance, on this machine's real kernel with a real auditd and real daemons (all
# started here, stopped by their PID): the tool provisions rules with a key of this test's own;
# another rule set's broad directory rules, put first in the exit list as a base rule set in an
# earlier rules.d file would be, take a chmod of runc and a write-open of docker.service (both
# harmless: the mode is set to what it is, nothing is written), so the kernel labels those events
# with the other key, not ours; then five `docker run`s, an administrator's edit of daemon.json
# with sed, and the tool's own --remove. The report finds the two events under the other key by
# their paths and names the key; it puts the edit and the removal under Attention, before the
# routine, which takes at most five lines; -v and JSON still list every event.
#   test-report-glance.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docker.sh"
live_need python3 jq
runc=$(realpath "$(command -v runc)")
unit=/usr/lib/systemd/system/docker.service
[ -f "$unit" ] || { echo "SKIP: $unit does not exist"; exit 77; }

OTHER=$KEY-other
remove_other() { auditctl -D -k "$OTHER" >/dev/null 2>&1; }
trap 'remove_other; docker_cleanup; cleanup' EXIT

log=$TMP/auditd/audit.log
report() { "$bin" --report --input "$log" --key "$KEY" "$@"; }

live_start

# 1. The tool provisions its rules with our key: routine work of its own.
mkdir -p "$TMP/rules"
# Other processes come and go on a shared machine: a path discovery saw may be gone when its rule
# is loaded (status 1 then).
"$bin" --rules-dir "$TMP/rules" -k "$KEY" -q > "$TMP/provision.out" 2>&1
rc=$?
expect "provisioning with key $KEY: status 0, or 1 when a path vanished meanwhile ($rc)" test "$rc" -le 1
expect "the private daemon.json is watched with our key" grep -qE -- "^-w $DK_CONFIG -p rwxa -k $KEY\$" <(auditctl -l)

# 2. Another key's directory rules first in the list (auditctl -A), for as long as two harmless
# actions take: runc's mode set to what it is, docker.service opened for appending and closed.
expect "the other key's rules go first" sh -c "auditctl -A exit,always -F dir=$(dirname "$runc") -F perm=wa -k '$OTHER' &&
        auditctl -A exit,always -F dir=$(dirname "$unit") -F perm=wa -k '$OTHER'"
mode_before=$(stat -c %a "$runc") unit_sum=$(sha256sum < "$unit") unit_mtime=$(stat -c %Y "$unit")
python3 -c "import os, sys; p = sys.argv[1]; os.chmod(p, os.stat(p).st_mode & 0o7777)" "$runc"
python3 -c "import sys; open(sys.argv[1], 'a').close()" "$unit"
remove_other
expect "runc's mode is unchanged" test "$(stat -c %a "$runc")" = "$mode_before"
expect "docker.service is unchanged, content and time" \
        test "$(sha256sum < "$unit")" = "$unit_sum" -a "$(stat -c %Y "$unit")" = "$unit_mtime"

# 3. Five containers.
for i in 1 2 3 4 5; do
        expect "docker run $i" dk run --rm --network none bb:1 /bin/true
done

# 4. An administrator's edit of daemon.json.
sed -i 's/^{}$/{ }/' "$DK_CONFIG"

# 5. The tool's own --remove. auditd writes in order: once the last removal is in the log, so is
# everything before it.
expect_status "--remove with key $KEY" 0 "$bin" --remove --rules-dir "$TMP/rules" -k "$KEY" -q
expect "no rule with our key is left" sh -c "! auditctl -l | grep -q -- '$KEY\$'"
n_removed=$(grep -c "op=remove_rule key=\"$KEY\"" "$log")
for _ in $(seq 50); do
        sleep 0.2
        m=$(grep -c "op=remove_rule key=\"$KEY\"" "$log")
        [ "$m" = "$n_removed" ] && [ "$m" -gt 0 ] && break
        n_removed=$m
done
expect "the removals are in the log" test "$n_removed" -gt 0
# The log as it is now: other programs' events on Docker's paths go on being recorded.
cp "$log" "$TMP/frozen.log"
log=$TMP/frozen.log

expect_status "the report: status 2 (the tool's --remove switched Docker's audit off)" 2 report
cp "$TMP/out" "$TMP/report.txt"
expect_status "-v: status 2" 2 report -v
cp "$TMP/out" "$TMP/report-v.txt"
report --format json > "$TMP/report.json" 2> "$TMP/report.err"
expect "JSON: status 2" test $? = 2

section() { # the lines of one section of the text report
        awk -v h="$1" 'index($0, h) == 1 { on = 1; next } /^$/ { on = 0 } on' "$TMP/report.txt"
}
section "Attention:" > "$TMP/attention"
section "Routine:" > "$TMP/routine"
esc_runc=$(printf '%s' "$runc" | sed 's/[.[\*^$]/\\&/g')
expect "the chmod of runc is under Attention, said to be under key $OTHER" \
        grep -qE " attributes +ok +$esc_runc by .* under key $OTHER\$" "$TMP/attention"
expect "the write-open of docker.service is under Attention, said to be under key $OTHER" \
        grep -qE "^  [0-9-]+ [0-9:.]+ docker.service +[0-9./]+ +written +ok +$unit by .* under key $OTHER\$" "$TMP/attention"
expect "the other key's rules added first are named as taking our events" \
        grep -qE "SHADOWING +rule-added key=$OTHER on $(dirname "$runc"): events on $(dirname "$runc")/[^ ]+ may carry key $OTHER" "$TMP/attention"
expect "the sed edit of daemon.json is under Attention" \
        grep -qE " daemon.json +[0-9./]+ +renamed +ok +$DK_DIR/sed[^ /]+ -> $DK_CONFIG by .*/sed " "$TMP/attention"
expect "the --remove is one TAMPERING line under Attention, with how many rules and by whom" \
        grep -qE "^  [0-9-]+ [0-9:.]+ TAMPERING +this tool removed $n_removed rules with key $KEY \(Docker's audit is off\) by auid=[^ ]+ uid=root .*--remove" "$TMP/attention"
expect "exactly one line says the removal" test "$(grep -c 'this tool removed' "$TMP/report.txt")" = 1
a=$(grep -n '^Attention:' "$TMP/report.txt" | cut -d: -f1)
r=$(grep -n '^Routine:' "$TMP/report.txt" | cut -d: -f1)
expect "Attention comes first, Routine after it" test "${a:-99999}" = 3 -a "${r:-0}" -gt "${a:-99999}"
expect "the routine takes at most five lines ($(wc -l < "$TMP/routine"))" test "$(wc -l < "$TMP/routine")" -le 5
expect "Docker's daemons' work is one routine line, with runc's executions" \
        grep -qE "^  .*runc.* \(Docker's daemons\): [0-9]+ executions" "$TMP/routine"
expect "the provisioning run is one routine line of this tool, with the rules it added" \
        grep -qE "^  this tool \"[^\"]*\": 1 run, .*rules added" "$TMP/routine"
expect "no event of Docker's daemons is under Attention" \
        sh -c "! grep -qE 'tty=[^ ]+ ($(command -v dockerd)|$(command -v containerd)|[^ ]*/containerd-shim[^ ]*|$esc_runc) ' '$TMP/attention'"

# Every event, in -v's listing and in JSON, as many as the summary counts.
n=$(sed -n 's/^Summary: \([0-9]*\) events.*/\1/p' "$TMP/report.txt")
listed=$(awk '/^Every event on Docker.s paths, in log order:/ { on = 1; getline; next } /^$/ { on = 0 } on' "$TMP/report-v.txt" | wc -l)
expect "-v lists every event ($listed of $n)" test "$listed" = "$n" -a "$n" -gt 20
expect "-v lists the runc executions one by one" \
        test "$(grep -cE " executed +ok +$esc_runc by " "$TMP/report-v.txt")" -ge 5
expect "JSON: every event, each with its group, the groups with their section" python3 - "$TMP/report.json" "$n" "$OTHER" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
n, other = int(sys.argv[2]), sys.argv[3]
ev = [l for l in lines if l.get('type') == 'event']
groups = {l['id']: l for l in lines if l.get('type') == 'group'}
summary = lines[-1]
assert summary['type'] == 'summary' and summary['events'] == n == len(ev), (summary['events'], n, len(ev))
assert all(l['group'] in groups for l in ev), [l for l in ev if l['group'] not in groups][:3]
by_other = [l for l in ev if l['key'] == other]
assert len(by_other) >= 2 and all(l['selected_by'] == 'path' for l in by_other), by_other
assert all(groups[l['group']]['section'] == 'attention' for l in by_other)
removal = [g for g in groups.values() if g['kind'] == 'self' and g['tampering']]
assert len(removal) == 1 and removal[0]['section'] == 'attention' and removal[0]['rules_removed'] > 0, removal
docker = [g for g in groups.values() if g['kind'] == 'docker']
assert len(docker) == 1 and docker[0]['section'] == 'routine' and docker[0]['executions'] >= 5, docker
EOF
if [ "$failures" != 0 ]; then
        echo "The text report:"
        sed 's/^/    /' "$TMP/report.txt"
fi
finish
