#!/bin/bash
# --order on the real kernel, with a real auditd (or, while another test of this machine holds the
# kernel's one daemon slot, its multicast group): a broad rule of another key loaded before ours
# takes the events on a watched path (first match wins); --order first moves our rules before
# it without touching it, the event then carries our key, a second run changes nothing, and
# --order last moves ours back behind it. The fragment's name follows the order.
# Every run reads an empty settings file (--config): the host's own is never read.
#   test-order.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
# Paths of its own (lib.sh): the host's rules on its usual Docker paths stay out of the way.
expect "the test's own dockerd runs" start_own_dockerd

OTHER="other-$KEY"
rules=$TMP/rules
conf=$TMP/empty.conf
mkdir -p "$rules"
: > "$conf"
tool() { "$bin" --rules-dir "$rules" --config "$conf" -k "$KEY" "$@"; }
cleanup_other() { auditctl -D -k "$OTHER" >/dev/null 2>&1; }
trap 'stop_listener; cleanup_other; cleanup' EXIT

# Done: 0, or 3 when a configuration file could not be read (other tests on this machine run
# daemons with broken configurations of their own, which discovery finds in /proc).
done_ok() { [ "$1" = 0 ] || [ "$1" = 3 ]; }
ours="-w $OWN_CONFIG -p rwxa -k $KEY"
theirs="-w $OWN/etc -p wa -k $OTHER"
# The line number of a rule in auditctl -l (0: not listed).
line_of() { auditctl -l 2>/dev/null | grep -nxF -- "$1" | head -n 1 | cut -d: -f1 | grep . || echo 0; }
before() { # a b: rule a is listed, and before rule b, in one listing (other programs on this
            # machine may add and delete rules between two)
        auditctl -l 2>/dev/null | awk -v a="$1" -v b="$2" '
                $0 == a && !ia { ia = NR } $0 == b && !ib { ib = NR }
                END { exit !(ia && ib && ia < ib) }'
}
# The keys auditd recorded for the test's touch of daemon.json (one per line, sorted, unique):
# other programs may read it meanwhile (a run of this tool elsewhere finds the test's dockerd).
keys_of_events() {
        ausearch -if "$TMP/auditd/audit.log" -f "$OWN_CONFIG" -c touch -i 2>/dev/null |
                grep -o ' key=[^ ]*' | sed 's/ key=//' | sort -u
}
# No event on daemon.json recorded under key $1.
no_events_of() { ! keys_of_events | grep -qxF -- "$1"; }
# Every rule of ours comes before every rule of the exit list with another key (the other lists'
# rules are listed apart and do not count).
ours_all_first() {
        auditctl -l | awk -v k="$KEY" '
                $NF == k || $NF == "key=" k { if (seen) exit 1; next }
                /^-a (never|always),(task|user|exclude|filesystem)/ || /^No rules/ { next }
                { seen = 1 }'
}
# The kernel's audit multicast group (AUDIT_NLGRP_READLOG), written as auditd writes its log, so
# that ausearch reads it: for when another audit daemon of this machine holds the kernel's one
# daemon slot. Sets LISTENER_PID.
LISTENER_PID=
start_listener() {
        mkdir -p "$TMP/auditd"
        rm -f "$TMP/auditd/audit.log.ready"
        python3 - "$TMP/auditd/audit.log" <<'PY' &
import socket, struct, sys
names = {1300: "SYSCALL", 1302: "PATH", 1307: "CWD", 1320: "EOE", 1327: "PROCTITLE"}
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)   # NETLINK_AUDIT
s.bind((0, 1))                                              # AUDIT_NLGRP_READLOG
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "a", buffering=1) as f:
    while True:
        data = s.recv(1 << 16)
        while len(data) >= 16:
            ln, typ = struct.unpack("=IH", data[:6])
            text = data[16:ln].rstrip(b"\0").decode("utf-8", "replace")
            f.write("type=%s msg=%s\n" % (names.get(typ, "UNKNOWN[%d]" % typ), text))
            data = data[(ln + 3) & ~3:]
PY
        LISTENER_PID=$!
        for _ in $(seq 50); do [ -e "$TMP/auditd/audit.log.ready" ] && return 0; sleep 0.1; done
        return 1
}
stop_listener() {
        if [ -n "$LISTENER_PID" ]; then
                kill "$LISTENER_PID" 2>/dev/null
                wait "$LISTENER_PID" 2>/dev/null
                LISTENER_PID=
        fi
}
# A real auditd of the test's own, once no other audit daemon is registered (another test on this
# machine may run one): up to 30 s; else the multicast group, said in the output.
start_events() {
        for _ in $(seq 60); do
                [ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = 0 ] && break
                sleep 0.5
        done
        if [ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = 0 ] && start_auditd; then
                echo "events: from auditd -n -c $TMP/auditd"
                return 0
        fi
        stop_auditd
        echo "events: another audit daemon runs here; from the kernel's multicast group"
        start_listener
}
stop_events() { stop_auditd; stop_listener; }
# Touch daemon.json and wait (up to 5 s) until auditd has written an event of key $1 on it.
touch_and_wait() {
        touch "$OWN_CONFIG"
        for _ in $(seq 50); do
                keys_of_events | grep -qxF -- "$1" && return 0
                sleep 0.1
        done
        return 1
}

# 1. A broad rule of another key on the directory above daemon.json, loaded first; ours after it
#    with the default order: the other key takes the events.
auditctl -w "$OWN/etc" -p wa -k "$OTHER"
tool > "$TMP/last0.out" 2>&1
st=$?
expect "install, default order: status 0 or 3 ($st)" done_ok "$st"
expect "default order: the fragment is 50-docker.rules" test -f "$rules/50-docker.rules"
expect "default order: the other key's rule stands before ours" before "$theirs" "$ours"
expect "the audit events are read (auditd, or the multicast group)" start_events
expect "default order: the touch of daemon.json is recorded under the other key" touch_and_wait "$OTHER"
expect "default order: not under ours" no_events_of "$KEY"
stop_events
rm -f "$TMP/auditd/audit.log"

# 2. --order first: ours move before it; it stays loaded, untouched; the fragment is renamed.
n_other=$(auditctl -l | grep -cF -- "-k $OTHER")
tool --order first > "$TMP/first.out" 2>&1
st=$?
expect "--order first: status 0 or 3 ($st)" done_ok "$st"
expect "--order first: says our rules were moved" grep -qE "moved [1-9][0-9]*," "$TMP/first.out"
expect "--order first: says the order and the other key that loses the events" \
        grep -qE "^order first: our rules stand before .*\"$OTHER\".* take events on Docker's paths" "$TMP/first.out"
expect "--order first: ours stand before the other key's rule" before "$ours" "$theirs"
expect "--order first: the other key's rule is still loaded, once" test "$(auditctl -l | grep -cxF -- "$theirs")" = "$n_other"
expect "--order first: every rule of ours comes before every exit rule of another key" \
        ours_all_first
expect "--order first: no twin or duplicate of ours is left" \
        test "$(kernel_lines | sort | uniq -d | wc -l)" = 0
expect "--order first: the fragment is 00-docker.rules" test -f "$rules/00-docker.rules"
expect "--order first: 50-docker.rules is removed" test ! -e "$rules/50-docker.rules"
expect "--order first: the fragment's header says the order" grep -q "^# Order first:" "$rules/00-docker.rules"
expect "the audit events are read again" start_events
expect "--order first: the touch of daemon.json is recorded under our key" touch_and_wait "$KEY"
expect "--order first: not under the other key" no_events_of "$OTHER"
stop_events

# 3. A second run with nothing changed moves nothing. (Other programs on this machine may start
#    and stop daemons of their own meanwhile, which adds and removes rules: moves are counted.)
line_before=$(line_of "$ours")
tool --order first --format json > "$TMP/again.json" 2>"$TMP/again.err"
expect "second run: nothing moved" grep -q "moved 0," "$TMP/again.err"
expect "second run: ours still stand before the other key's rule" before "$ours" "$theirs"
expect "second run: our rule on daemon.json was not deleted and added again" \
        test "$(line_of "$ours")" -le "$line_before"
expect "second run: JSON says nothing moved, the order first and the fragment's name" \
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=d["kernel"]; o=d["order"]
sys.exit(k["moved"] or o["setting"] != "first" or o["fragment"] != "00-docker.rules" or not o["takers"])' "$TMP/again.json"

# 4. The setting in the settings file works as the option does.
printf '[Rules]\nOrder=first\n' > "$conf"
tool > "$TMP/setting.out" 2>&1
expect "Order=first in the settings file keeps the order" grep -q "moved 0," "$TMP/setting.out"
: > "$conf"

# 5. Back to last: ours move behind the other key's rule once, the fragment is renamed back.
tool --order last -v > "$TMP/last.out" 2>&1
st=$?
expect "--order last: status 0 or 3 ($st)" done_ok "$st"
expect "--order last: says each rule moved back" grep -q "^moved: .*after the rules of other keys again" "$TMP/last.out"
expect "--order last: the other key's rule stands before ours again" before "$theirs" "$ours"
expect "--order last: the fragment is 50-docker.rules again" test -f "$rules/50-docker.rules"
expect "--order last: 00-docker.rules is removed" test ! -e "$rules/00-docker.rules"
tool > "$TMP/last-again.out" 2>&1
if grep -E "^moved|moved [1-9]" "$TMP/last-again.out"; then fail "--order last, again: nothing moves"; sed "s/^/    /" "$TMP/last-again.out"; else ok "--order last, again: nothing moves"; fi

# 6. --remove finds the fragment under either name.
tool --order first -q
expect "--remove with the default order finds 00-docker.rules" bash -c "'$bin' --rules-dir '$rules' --config '$conf' -k '$KEY' --remove 2>&1 | grep -q '00-docker.rules removed'"
expect "--remove: no fragment left" test -z "$(ls "$rules")"
expect "--remove: no rule of ours left" test "$(kernel_lines | wc -l)" = 0
expect "--remove: the other key's rule is still loaded" test "$(line_of "$theirs")" -gt 0

finish
