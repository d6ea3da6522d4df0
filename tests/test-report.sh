#!/bin/bash
# --report on this machine's real kernel with a real auditd (started here, in the foreground, on
# a temporary log, stopped by its PID): a watch with a unique key on a temporary directory, then
# writes by the package manager (the installed dpkg, on its own database there), by a copy of cp
# named dpkg (someone else: a name proves nothing), by sh and by chmod, then the watch
# removed by hand. The report names each action and actor, puts the tampering first, and its
# exit status goes 0, 1, 2 as the log grows.
#   test-report.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
command -v auditd >/dev/null || { echo "SKIP: auditd not installed"; exit 77; }
if [ -n "$(pgrep -x auditd)" ]; then echo "SKIP: another auditd is running"; exit 77; fi

chmod 755 "$TMP"
w=$TMP/watched
log=$TMP/auditd/audit.log
mkdir -p "$w/db" "$TMP/bin"
echo old > "$w/daemon.json"
report() { "$bin" --report --input "$log" --key "$KEY" "$@"; }
# Wait until auditd has written the event naming this path.
wait_for() {
        for _ in $(seq 50); do
                grep -qF "name=\"$1\"" "$log" 2>/dev/null && return 0
                sleep 0.2
        done
        echo "no event for $1 in $log"
        return 1
}

expect "auditd starts" start_auditd
auditctl -w "$w" -p rwxa -k "$KEY" >/dev/null

# 1. A package manager's write only: nothing to report (0). The installed dpkg writes its
# database (--admindir, dpkg(1)) below the watched directory.
/usr/bin/dpkg --admindir="$w/db" --clear-avail
wait_for "$w/db/available"
expect_status "a package manager's write only: status 0" 0 report -v
expect "-v shows it as created, flagged package-manager" \
        grep -qE "^[0-9-]+ [0-9:.]+ .* created +ok +$w/db/lock by .*/usr/bin/dpkg .*\[package-manager\]$" "$TMP/out"
expect "it is one routine line, a package transaction by the program's full path, with its command line" \
        grep -qE "^  /usr/bin/dpkg \(package manager\) \"/usr/bin/dpkg --admindir=$w/db --clear-avail\": [0-9]+ events?, " "$TMP/out"
expect "no tampering is reported" sh -c "! grep -q TAMPERING '$TMP/out'"

# 2. Changes by other programs (1): a copy of cp named dpkg, a write by sh, a chmod, and a read
# that is not a change.
cp /bin/cp "$TMP/bin/dpkg"
"$TMP/bin/dpkg" /etc/hostname "$w/from-dpkg"
wait_for "$w/from-dpkg"
sh -c "echo new > $w/daemon.json"
chmod 600 "$w/daemon.json"
cat "$w/daemon.json" >/dev/null
rm "$w/from-dpkg"
wait_for "$w/from-dpkg" && sleep 0.5
expect_status "a write by sh and a chmod: status 1" 1 report -v
expect "the write by sh is 'written', with the command line" \
        grep -qE " written +ok +$w/daemon.json by auid=[^ ]+ uid=root .* \"sh -c echo new > $w/daemon.json\"$" "$TMP/out"
expect "the chmod is 'attributes'" grep -qE " attributes +ok +$w/daemon.json by .*chmod 600" "$TMP/out"
expect "the cat is 'read'" grep -qE " read +ok +$w/daemon.json by .*/cat " "$TMP/out"
expect "the rm is 'deleted'" grep -qE " deleted +ok +$w/from-dpkg by .*/rm " "$TMP/out"
expect "a program named dpkg elsewhere is someone else, under Attention" \
        sh -c "sed -n '/^Attention:/,/^Routine:/p' '$TMP/out' | grep -qE ' created +ok +$w/from-dpkg by .* $TMP/bin/dpkg \"'"
# The actions on our directory, in order: stable whatever the host.
awk '/^Every event on Docker.s paths/ { on = 1 } on' "$TMP/out" | grep -F " $w/" | grep -vF " $w/db/" | awk '{ print $5 }' > "$TMP/actions"
printf '%s\n' created written attributes read deleted > "$TMP/actions.want"
expect "the actions, in order, are: created written attributes read deleted" diff -u "$TMP/actions.want" "$TMP/actions"
expect "a path not discovered has the component -" grep -qE "^[0-9-]+ [0-9:.]+ - +- +written " "$TMP/out"

# 3. Standard input gives the same report; a window after everything gives nothing.
# One copy of the log for both: each run's own reads of Docker's files are logged too.
cp "$log" "$TMP/snap.log"
"$bin" --report --input "$TMP/snap.log" --key "$KEY" > "$TMP/from-file" 2>&1
"$bin" --report --input - --key "$KEY" < "$TMP/snap.log" > "$TMP/from-stdin" 2>&1
expect "--input - reads standard input to the same report" cmp -s "$TMP/from-file" "$TMP/from-stdin"
later=$(date -d '+2 minutes' '+%Y-%m-%d %H:%M:%S')
expect_status "--since after the last event: nothing, status 0" 0 report --since "$later"
expect "it reports 0 events" grep -q "^Summary: 0 events" "$TMP/out"
expect_status "--until yesterday: nothing, status 0" 0 report --until yesterday

# 4. The watch removed by hand: tampering (2), shown before the events.
auditctl -W "$w" -p rwxa -k "$KEY" >/dev/null
for _ in $(seq 50); do grep -q "op=remove_rule key=\"$KEY\"" "$log" && break; sleep 0.2; done
expect_status "our rule removed: status 2" 2 report
expect "the removal is shown as TAMPERING with auditctl" \
        grep -qE "TAMPERING +rule-removed key=$KEY +by .*auditctl" "$TMP/out"
t=$(grep -n TAMPERING "$TMP/out" | head -1 | cut -d: -f1)
a=$(grep -n "^Attention:" "$TMP/out" | cut -d: -f1)
e=$(grep -n "^Routine:" "$TMP/out" | cut -d: -f1)
expect "tampering is under Attention, before the routine" test "${a:-99999}" -lt "${t:-0}" -a "${t:-99999}" -lt "${e:-0}"

# 5. JSON lines: the schema first, the summary last, the same judgement.
expect_status "JSON: status 2" 2 report --format json
expect "JSON: every line is an object; schema first, summary last" python3 -c "
import json, sys
lines = [json.loads(l) for l in open('$TMP/out')]
assert lines[0] == {**lines[0], 'schema': 'docker-audit-rules/report', 'version': 1, 'key': '$KEY'}
assert lines[-1]['type'] == 'summary' and lines[-1]['exit_status'] == 2 and lines[-1]['tampering'] >= 1
kinds = [l['type'] for l in lines[1:-1]]
assert kinds == sorted(kinds, key=lambda k: k != 'integrity'), kinds
ev = [l for l in lines if l.get('type') == 'event' and l['path'] == '$w/daemon.json' and l['action'] == 'written']
assert ev and ev[0]['actor'] is None and ev[0]['success'] is True and ev[0]['uid'] == 0, ev
pm = [l for l in lines if l.get('type') == 'event' and l['actor'] == 'package-manager']
assert pm and any(l['action'] == 'created' and l['exe'] == '/usr/bin/dpkg' for l in pm), pm
assert not [l for l in pm if l['exe'] != '/usr/bin/dpkg'], pm
"

# 6. Nothing readable: 3.
expect_status "an unreadable input: status 3" 3 "$bin" --report --input "$TMP/no-such.log" --key "$KEY"
expect "the input is named" grep -q "cannot read $TMP/no-such.log" "$TMP/out"
expect_status "a bad --since is a usage error, 3 (nothing read), not 2 (tampering)" 3 report --since tomorrow
expect_status "an unknown option of --report: 3 too" 3 "$bin" --report --no-such-option
finish
