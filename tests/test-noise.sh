#!/bin/bash
# The noise budget: with real containerd and dockerd and the rules the tool installs, one
# `docker run --rm IMAGE /bin/true` records at most 20 events in the default configuration, and
# what matters is still recorded: a change below containerd's state directory from a login
# session, one to the directory itself by any program, one below the data root by a program that
# is not dockerd. Prints the events per docker run by program for each run mode.
# containerd runs on its default state directory, /run/containerd, the one the tool watches (its
# private root, configuration and socket elsewhere). The kernel reports the key of the first
# matching rule: where the host watches the same paths (the binaries, /run/containerd itself),
# its key "docker" is reported, so the events of both keys during a docker run are counted.
#   test-noise.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docker.sh"
need_kernel_audit
docker_need
command -v auditd >/dev/null || { echo "SKIP: auditd not installed"; exit 77; }
if [ -n "$(pgrep -x auditd)" ]; then echo "SKIP: another auditd is running"; exit 77; fi
if auditctl -l | grep -q '^-a never,'; then
        echo "SKIP: the host has 'never' rules, which silence the watches this test relies on"; exit 77
fi
if [ "$(cat /proc/self/loginuid)" != 4294967295 ]; then
        echo "SKIP: this test runs in a login session (loginuid $(cat /proc/self/loginuid)); the daemons it starts"
        echo "      would have that login uid, unlike daemons started at boot"
        exit 77
fi
remove_test_rules() { auditctl -D -k "$KEY" >/dev/null 2>&1; auditctl -D -k "$KEY-m" >/dev/null 2>&1; }
BUDGET=20
RUNS=3

log=$TMP/auditd/audit.log
# syscalls KEY: the SYSCALL records of events of that key (rule loading, a sendto with key=(null),
# is not one).
syscalls() { ausearch -if "$log" -k "$1" 2>/dev/null | grep '^type=SYSCALL' | grep -F "key=\"$1\""; }
count() { syscalls "$1" | grep -c .; }
events() { ausearch -if "$log" -k "$1" 2>/dev/null; }
# seen KEY STRING: wait (at most 5 s) for an event of that key with a record containing STRING.
seen() {
        local _
        for _ in $(seq 50); do events "$1" | grep -qF -- "$2" && return 0; sleep 0.1; done
        return 1
}
marker=0
flush() {
        marker=$((marker + 1))
        echo "$marker" > "$TMP/marker-$marker"
        seen "$KEY-m" "marker-$marker"
}

expect "auditd starts" start_auditd
expect "containerd starts on /run/containerd" containerd_start default
expect "dockerd starts" dockerd_start "$CTRD_SOCK"
expect "a busybox image is imported" docker_image
[ "$failures" = 0 ] || { finish; exit 1; }
state=/run/containerd
auditctl -w "$TMP" -p wa -k "$KEY-m" >/dev/null
mkdir -p "$TMP/rules"
run() { "$bin" --key "$KEY" --rules-dir "$TMP/rules" --fragment "$TMP/rules/50-x.rules" "$@"; }
# A first container start does one-time work (layer mounts, directories): not measured.
dk run --rm --network none bb:1 /bin/true >/dev/null

# measure MODE: events per docker run, by program, under our key and the host's.
measure() {
        local mode=$1 k0 d0 k1 d1 i
        expect_status "install in run mode $mode" 0 run --run-mode "$mode" -q
        expect "the events are in the log" flush
        k0=$(count "$KEY") d0=$(count docker)
        for ((i = 0; i < RUNS; i++)); do dk run --rm --network none bb:1 /bin/true >/dev/null || fail "docker run"; done
        expect "the events are in the log" flush
        k1=$(count "$KEY") d1=$(count docker)
        total=$(((k1 - k0 + d1 - d0 + RUNS - 1) / RUNS))
        printf '    run mode %-9s: %2d events per docker run (%d under our key, %d under docker); by program:' \
                "$mode" "$total" $(((k1 - k0) / RUNS)) $(((d1 - d0) / RUNS))
        { syscalls "$KEY" | tail -n +$((k0 + 1)); syscalls docker | tail -n +$((d0 + 1)); } |
                grep -o 'comm="[^"]*"' | sort | uniq -c | sort -rn |
                awk -v n="$RUNS" '{ sub(/comm=/, "", $2); printf " %s %.1f", $2, $1 / n }'
        echo
}

measure recursive
recursive_total=$total
measure cis
cis_total=$total
measure session
session_total=$total
expect "the recursive mode records more than the session mode (the measure sees the state directory)" \
        test "$recursive_total" -gt "$session_total"
expect "default (session): at most $BUDGET events per docker run" test "$session_total" -le "$BUDGET"

# The default mode's rules, in the kernel and in the fragment; --check accepts them.
expect_status "a default install (run mode session)" 0 run -q
expect "the kernel holds path=STATE (every program)" \
        grep -qE -- "-F path=$state -F perm=rwa .*key=$KEY\$|^-w $state -p rwa -k $KEY\$" <(auditctl -l)
expect "the kernel holds dir=STATE with auid!=unset" \
        grep -qE -- "-F dir=$state -F perm=rwa -F auid!=(-1|unset|4294967295) .*key=$KEY\$" <(auditctl -l)
expect "the fragment writes path=STATE" grep -qxF -- "-a always,exit -F path=$state -F perm=rwa -k $KEY" "$TMP/rules/50-x.rules"
expect_check_ok "--check accepts the session form" run --check -q

# A login session changes something below the state directory: recorded.
login=$(sh -c "echo 1000 > /proc/self/loginuid && cat /proc/self/loginuid && mkdir -p '$state/sub' && touch '$state/sub/by-login'")
expect "the writer ran with login uid 1000" test "$login" = 1000
expect "a change below the state directory from a login session is recorded" seen "$KEY" "sub/by-login"
expect "with auid 1000" bash -c "ausearch -if '$log' -k '$KEY' 2>/dev/null | grep -F -B9 -A9 'by-login' | grep -q ' auid=1000 '"
# Any program changes the directory itself: recorded (under the host's key where the host
# watches /run/containerd too: its rule comes first).
sh -c "touch '$state/by-service'"
seen_any() { seen "$KEY" "$1" || seen docker "$1"; }
expect "a change to the state directory itself by a program without a login uid is recorded" seen_any "by-service"
# Below it, without a login uid: the documented trade-off of the session mode.
sh -c "touch '$state/sub/by-service'"
flush
if events "$KEY" | grep -qF "sub/by-service"; then echo "    note: a change below it without login uid was recorded"
else echo "    note: a change below the state directory by a program without login uid is not recorded (session mode)"; fi
# Another program writes below the data root: recorded (data root mode state, exe!=dockerd).
sh -c "echo x > '$DK_DATA/by-another-program'"
expect "a change below the data root by another program is recorded" seen "$KEY" "by-another-program"

echo "    events per docker run: recursive $recursive_total, cis $cis_total, session $session_total (budget $BUDGET)"
run --remove -q >/dev/null 2>&1
finish
