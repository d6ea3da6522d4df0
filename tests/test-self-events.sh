#!/bin/bash
# The tool's own reads of watched files are audit events: with its read cache, a run on a host
# where nothing changed since the last run records none, and after a change only what changed is
# read again. A real kernel and a private auditd; a stand-in dockerd of the test's own, so that its
# daemon.json is watched by our key only (the kernel reports the key of the first matching rule).
# Also prints what the tool's runs record under the host's own key "docker", when the host has it.
#   test-self-events.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
command -v auditd >/dev/null || { echo "SKIP: auditd not installed"; exit 77; }
if [ -n "$(pgrep -x auditd)" ]; then echo "SKIP: another auditd is running"; exit 77; fi
if auditctl -l | grep -q '^-a never,'; then
        echo "SKIP: the host has 'never' rules, which silence the watches this test relies on"; exit 77
fi
cache=/var/cache/docker-audit-rules/reads
# The host's record is kept aside and put back: the test's runs would leave theirs in it.
if [ -e "$cache" ]; then cp -p "$cache" "$TMP/cache-before"; fi
restore_cache() {
        if [ -e "$TMP/cache-before" ]; then cp -p "$TMP/cache-before" "$cache"; else rm -f "$cache"; fi
}
remove_test_rules() { auditctl -D -k "$KEY" >/dev/null 2>&1; auditctl -D -k "$KEY-m" >/dev/null 2>&1; }
trap 'restore_cache; cleanup' EXIT

log=$TMP/auditd/audit.log
# reads KEY: the events of that key made by the tool, one line per event: syscall number and the
# PATH names. (Loading rules is an event too, a sendto with key=(null) and a CONFIG_CHANGE record
# naming the key: not a read, not counted.)
reads() {
        ausearch -if "$log" -k "$1" 2>/dev/null | awk -v RS='----' -v e="exe=\"$bin\"" -v k="key=\"$1\"" '
                match($0, /type=SYSCALL[^\n]*/) {
                        sc = substr($0, RSTART, RLENGTH)
                        if (!index(sc, e) || !index(sc, k)) next
                        match(sc, / syscall=[0-9]+/); n = substr(sc, RSTART + 1, RLENGTH - 1)
                        while (match($0, / name="[^"]*"/)) { n = n " " substr($0, RSTART + 7, RLENGTH - 8); $0 = substr($0, RSTART + RLENGTH) }
                        print n }'
}
count() { reads "$1" | grep -c .; }
# Wait until auditd has written everything recorded so far: a marker write under a rule of our own.
marker=0
flush() {
        local _
        marker=$((marker + 1))
        echo "$marker" > "$TMP/marker"
        for _ in $(seq 50); do
                ausearch -if "$log" -k "$KEY-m" 2>/dev/null | grep -q "marker" &&
                        [ "$(ausearch -if "$log" -k "$KEY-m" 2>/dev/null | grep -c '^type=SYSCALL')" -ge "$marker" ] && return 0
                sleep 0.1
        done
        return 1
}

expect "auditd starts" start_auditd
expect "the test's own dockerd runs" start_own_dockerd
[ "$failures" = 0 ] || { finish; exit 1; }
touch "$TMP/marker"
auditctl -w "$TMP/marker" -p wa -k "$KEY-m" >/dev/null
mkdir -p "$TMP/rules"
run() { "$bin" --key "$KEY" --rules-dir "$TMP/rules" --fragment "$TMP/rules/50-x.rules" "$@"; }
expect_status "a first install loads the rules" 0 run -q

# With no record, the tool reads what it reads, and the rules just loaded record it. Files
# changed within the last two seconds are read again next time (a second change in the same
# time-stamp tick could go unseen): let the setup age first.
rm -f "$cache"
sleep 2.2
expect_status "an install with no read record" 0 run -q
expect "the events are in the log" flush
reads "$KEY" | sed 's/^/    read with no record: /'
expect "its read of the private daemon.json is recorded" bash -c "grep -qF '$OWN_CONFIG' <<<'$(reads "$KEY")'"
expect "the read record exists, root-owned, mode 0600" test "$(stat -c '%U %a' "$cache" 2>/dev/null)" = "root 600"
first=$(count "$KEY")
first_host=$(count docker)
reads docker | sed "s/^/    under the host's key docker: /"

expect_status "an idempotent install" 0 run -q
expect_check_ok "a --check" run --check -q
expect_status "--list-paths" 0 run --list-paths
expect "the events are in the log" flush
now=$(count "$KEY")
echo "    events of the tool under $KEY: install with no record $first, then $((now - first)) for install + --check + --list-paths"
echo "    events of the tool under the host's key docker: install with no record $first_host, then $(($(count docker) - first_host))"
expect "an unchanged host: no event of the tool's own" test "$now" = "$first"
expect "nor under the host's key" test "$(count docker)" = "$first_host"

# Edit the daemon's configuration: the next --check reads it, and only it.
echo '{ "debug": false }' > "$OWN_CONFIG"
expect_check_ok "a --check after daemon.json changed" run --check -q
expect "the events are in the log" flush
reads "$KEY" | tail -n +$((now + 1)) > "$TMP/new"
sed 's/^/    after the edit: /' "$TMP/new"
expect "exactly one event" test "$(grep -c . "$TMP/new")" = 1
expect "it is the read of the edited file" grep -qF "$OWN_CONFIG" "$TMP/new"
sleep 2.2
run --check -q >/dev/null 2>&1
now=$(count "$KEY")
run --check -q >/dev/null 2>&1
expect "the events are in the log" flush
expect "once read again after it aged, it is silent" test "$(count "$KEY")" = "$now"

# A damaged record is ignored whole: the files are read again, and the result is the same.
printf 'docker-audit-rules-reads 1 0000000000000000 5\nhello' > "$cache"
expect_check_ok "a --check with a damaged record" run --check -q
expect "the events are in the log" flush
expect "the damaged record was not trusted: daemon.json read again" test "$(count "$KEY")" -gt "$now"
expect "and it was rewritten" bash -c "head -c 27 '$cache' | grep -q '^docker-audit-rules-reads 1 '"
now=$(count "$KEY")
# A record that is not root's own, or readable by others, is not trusted either.
chmod 0644 "$cache"
run --check -q >/dev/null 2>&1
expect "the events are in the log" flush
expect "a record readable by others is not trusted" test "$(count "$KEY")" -gt "$now"

# --root runs use no record.
before=$(stat -c %Y.%i "$cache")
"$bin" --root "$TMP" --list-paths >/dev/null 2>&1
expect "a --root run leaves the record alone" test "$(stat -c %Y.%i "$cache")" = "$before"

run --remove -q >/dev/null 2>&1
finish
