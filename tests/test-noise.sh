#!/bin/bash
# The noise budget: with real containerd and dockerd and the rules the tool installs, one
# `docker run --rm IMAGE /bin/true` records at most 20 events in the default configuration and at
# most 10 with binary reads "others", and what matters is still recorded: a change below
# containerd's state directory from a login session, one to the directory itself by any program,
# one below the data root by a program that is not dockerd; with binary reads "others", every
# execution of runc by the shim, a write and an attribute change to a binary and a read of it by
# another program, while a binary's reads of itself are not. Prints the events per docker run, by
# program and system call, for each run mode with each binary reads setting.
# containerd runs on its default state directory, /run/containerd, the one the tool watches (its
# private root, configuration and socket elsewhere). The kernel reports the key of the first
# matching rule: where the host watches the same paths (/run/containerd itself), its key "docker"
# is reported, so the events of both keys during a docker run are counted. The daemons run copies
# of the installed binaries (containerd, its shims, runc, dockerd) from a directory of the test's
# own, found first in their PATH: a host provisioned with the CIS rules (-w BINARY -p rwxa) would
# otherwise record every read of the installed binaries under its key, first, whatever our rules
# say.
#   test-noise.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docker.sh"
live_need
if [ "$(cat /proc/self/loginuid)" != 4294967295 ]; then
        echo "SKIP: this test runs in a login session (loginuid $(cat /proc/self/loginuid)); the daemons it starts"
        echo "      would have that login uid, unlike daemons started at boot"
        exit 77
fi
remove_test_rules() { auditctl -D -k "$KEY" >/dev/null 2>&1; auditctl -D -k "$KEY-m" >/dev/null 2>&1; }
BUDGET=20
# Binary reads "others" records every execution of Docker's binaries and nothing else here. One
# docker run makes 11 of them with docker.io 20.10, containerd 1.6 and runc 1.1: containerd runs
# the shim twice (start, delete), the shim re-executes itself once and runs runc four times
# (create, start, delete, delete --force), runc init re-executes runc twice (/proc/self/exe, then
# its clone with execveat), runc's hook runs dockerd (libnetwork-setkey) and dockerd re-executes
# itself (set-ipv6). The kernel reports the new program as exe after an execve, so a rule cannot
# keep an execution by another program and drop the same binary's re-execution of itself: 11,
# one above the 10 the reads alone would have allowed.
QUIET_BUDGET=11
RUNS=3

log=$TMP/auditd/audit.log
events() { ausearch -i -if "$log" -k "$1" 2>/dev/null; }
# seen KEY STRING...: wait (at most 5 s) for an event of that key with records containing every
# STRING.
seen() {
        local key=$1 _
        shift
        for _ in $(seq 50); do
                events "$key" | awk -v RS='----' -v n=$# 'BEGIN { for (i = 1; i < ARGC; i++) want[i] = ARGV[i]; ARGC = 1 }
                        { k = 0; for (i = 1; i <= n; i++) k += index($0, want[i]) > 0; if (k == n) found = 1 }
                        END { exit !found }' "$@" && return 0
                sleep 0.1
        done
        return 1
}
# recorded KEY "COMMAND" STRING...: COMMAND (run by sh) makes an event of that key with every
# STRING; tried up to three times, since other tests on the host may switch audit off for a moment
# (auditctl -e 0), which this test cannot prevent.
recorded() {
        local key=$1 cmd=$2 _
        shift 2
        for _ in 1 2 3; do
                sh -c "$cmd" && seen "$key" "$@" && return 0
        done
        return 1
}
# flush: write a marker file and wait until its event is in the log; $serial is its serial number.
marker=0 serial=0
flush() {
        marker=$((marker + 1))
        echo "$marker" > "$TMP/marker-$marker"
        seen "$KEY-m" "marker-$marker" || return 1
        serial=$(events "$KEY-m" | awk -v RS='----' -v m="marker-$marker" 'index($0, m) && match($0, /msg=audit\([^)]*\)/) {
                s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); sub(/\)/, "", s); print s; exit }')
        [ -n "$serial" ]
}
# between FROM TO: the records of the log with a serial number above FROM and below TO.
between() {
        awk -v a="$1" -v b="$2" 'match($0, /msg=audit\([^)]*\)/) {
                s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); sub(/\)/, "", s)
                if (s + 0 > a + 0 && s + 0 < b + 0) print }'
}

# The daemons' binaries: copies, in a directory of root's that no one else may write (discovery
# trusts only such binaries), removed by lib.sh's cleanup.
OWN_BIN=$(mktemp -d /var/lib/dar-noise.XXXXXX) || exit 1
for p in containerd containerd-shim-runc-v2 runc dockerd; do
        cp "$(command -v "$p")" "$OWN_BIN/" || { echo "FAIL: cannot copy $p"; exit 1; }
done
runc=$OWN_BIN/runc shim=$OWN_BIN/containerd-shim-runc-v2

# A log that is never rotated: the counts below read one file, and the events of the whole host
# (other tests' daemons included) reach it.
expect "auditd starts" start_auditd max_log_file=4096 max_log_file_action=IGNORE
PATH="$OWN_BIN:$PATH" expect "containerd starts on /run/containerd, from the copies" containerd_start default
PATH="$OWN_BIN:$PATH" expect "dockerd starts, from the copy" dockerd_start "$CTRD_SOCK"
expect "a busybox image is imported" docker_image
[ "$failures" = 0 ] || { finish; exit 1; }
expect "containerd runs the copy" test "$(readlink "/proc/$CTRD_PID/exe")" = "$OWN_BIN/containerd"
expect "dockerd runs the copy" test "$(readlink "/proc/$DOCKERD_PID/exe")" = "$OWN_BIN/dockerd"
state=/run/containerd
auditctl -w "$TMP" -p wa -k "$KEY-m" >/dev/null
mkdir -p "$TMP/rules"
run() { "$bin" --key "$KEY" --rules-dir "$TMP/rules" --fragment "$TMP/rules/50-x.rules" "$@"; }
# A first container start does one-time work (layer mounts, directories): not measured.
dk run --rm --network none bb:1 /bin/true >/dev/null

# ours: of the SYSCALL records on standard input, those of the test's daemons: a process that runs
# one of the copies, or ran one earlier in the window (runc init re-executes a clone of runc's
# binary that the kernel names "/"). Other programs on the host (another test's daemons, which run
# the installed binaries, or its runs of this tool) may touch the paths watched too.
ours() {
        awk -v dir="$OWN_BIN/" '{
                pid = ""; exe = ""
                for (i = 1; i <= NF; i++) {
                        if ($i ~ /^pid=/) pid = substr($i, 5)
                        if ($i ~ /^exe=/) exe = substr($i, 5)
                }
                if (index(exe, dir) == 1) seen[pid] = 1
                if (pid in seen) print
        }'
}

# measure RUN-MODE BINARY-READS: events per docker run, by program and system call, under our
# key and the host's; the records of the window are kept in $TMP/window-RUN-MODE-BINARY-READS. A
# window in which the kernel's audit was switched off, or its configuration changed by another
# program (a CONFIG_CHANGE record that is not ours), is measured again.
measure() {
        local mode=$1 reads=$2 s0 s1 i n nk all try w=$TMP/window-$1-$2
        expect_status "install in run mode $mode, binary reads $reads" 0 run --run-mode "$mode" --binary-reads "$reads" -q
        for try in 1 2 3 4 5 6; do
                flush || { fail "the marker of the window's start is in the log"; return; }
                s0=$serial
                for ((i = 0; i < RUNS; i++)); do dk run --rm --network none bb:1 /bin/true >/dev/null || fail "docker run"; done
                flush || { fail "the marker of the window's end is in the log"; return; }
                s1=$serial
                ausearch -if "$log" -m CONFIG_CHANGE 2>/dev/null | grep '^type=CONFIG_CHANGE' | between "$s0" "$s1" > "$w.config"
                # Any change of the audit configuration by another program (other tests on the
                # host add rules of their keys, some before ours, and switch audit off).
                grep -q . "$w.config" || break
                echo "    note: the audit configuration changed during the measure ($(head -c 120 "$w.config")...): measured again"
        done
        if grep -q . "$w.config"; then
                echo "SKIP: another program kept changing the audit configuration (rules of other keys, which may take"
                echo "      our events, or audit switched off) during $try measures: no count here would hold"
                exit 77
        fi
        ausearch -i -if "$log" 2>/dev/null | grep '^type=SYSCALL' | grep -E " key=($KEY|docker)( |\$)" |
                between "$s0" "$s1" > "$w.all"
        ours < "$w.all" > "$w"
        n=$(grep -c . "$w") nk=$(grep -cE " key=$KEY( |\$)" "$w") all=$(grep -c . "$w.all")
        total=$(((n + RUNS - 1) / RUNS))
        printf '    run mode %-9s binary reads %-6s: %2d events per docker run (%d under our key, %d under docker;' \
                "$mode" "$reads" "$total" $((nk / RUNS)) $(((n - nk) / RUNS))
        printf ' %d of other processes left out); by program and call:' $((all - n))
        sed -E 's/.* syscall=([^ ]+) .* comm=([^ ]+) .*/\2 \1/' "$w" | sort | uniq -c | sort -rn |
                awk -v n="$RUNS" '{ printf " %s %s %.1f", $2, $3, $1 / n }'
        echo
        eval "total_${mode}_${reads}=\$total"
}

for mode in recursive cis session; do
        for reads in all others; do measure "$mode" "$reads"; done
done
expect "the recursive mode records more than the session mode (the measure sees the state directory)" \
        test "$total_recursive_all" -gt "$total_session_all"
expect "default (run mode session, binary reads all): at most $BUDGET events per docker run" \
        test "$total_session_all" -le "$BUDGET"
expect "binary reads others, run mode session: at most $QUIET_BUDGET events per docker run" \
        test "$total_session_others" -le "$QUIET_BUDGET"
expect "binary reads others records fewer events than all" test "$total_session_others" -lt "$total_session_all"
for mode in cis session; do
        expect "binary reads others, run mode $mode: every event of a docker run is an execution" \
                bash -c "! grep -vE ' syscall=execve(at)? ' '$TMP/window-$mode-others'"
done

# What binary reads "others" keeps and drops, in the window of its session measure.
w=$TMP/window-session-others
# execve SYSCALL records of program P: their pid= and ppid= fields.
pids_of() { grep -E " syscall=execve(at)? .* exe=$1( |\$)" "$w" | grep -oE ' pid=[0-9]+' | cut -d= -f2; }
ppids_of() { grep -E " syscall=execve(at)? .* exe=$1( |\$)" "$w" | grep -oE ' ppid=[0-9]+' | cut -d= -f2; }
by_shim=0
for p in $(ppids_of "$runc"); do grep -qx "$p" <(pids_of "$shim") && by_shim=$((by_shim + 1)); done
expect "binary reads others: runc's executions by the shim are recorded ($by_shim in $RUNS runs)" \
        test "$by_shim" -ge "$RUNS"
expect "binary reads others: no read of runc by runc itself is recorded" \
        bash -c "! grep -E ' syscall=(open|openat|openat2) .* exe=$runc( |\$)' '$w'"
expect "binary reads all: runc's reads of itself are recorded (what others leaves out)" \
        grep -qE " syscall=(open|openat|openat2) .* exe=$runc( |\$)" "$TMP/window-session-all"

# The rules of binary reads "others": in the kernel, in the fragment; --check accepts them, a
# second run changes nothing, and the CIS line of the binary is gone.
expect_status "an install with binary reads others (run mode session)" 0 run --binary-reads others -q
expect "the kernel holds runc's wxa watch" grep -qE -- "^-w $runc -p wxa -k $KEY\$" <(auditctl -l)
# auditctl 3.0.9 lists exe!= as exe=: the operator is read from the fragment and from --check.
expect "the kernel holds runc's read rule with an exe filter" \
        grep -qE -- "-F path=$runc -F perm=r -F exe!?=$runc .*key=$KEY\$" <(auditctl -l)
expect "the kernel no longer holds runc's rwxa watch" bash -c "! auditctl -l | grep -qE -- '^-w $runc -p rwxa -k $KEY\$'"
expect "the fragment writes runc's wxa watch" grep -qxF -- "-w $runc -p wxa -k $KEY" "$TMP/rules/50-x.rules"
expect "the fragment writes runc's read rule, exe!=runc" \
        grep -qxF -- "-a always,exit -F path=$runc -F perm=r -F exe!=$runc -k $KEY" "$TMP/rules/50-x.rules"
# --check's verdicts on this test's own paths (the host's other daemons, another test's among
# them, may come and go meanwhile and change the overall status).
# verdicts ARGS...: "PATH STATUS" per target of --check ARGS --format json, for the paths below
# the copies' directory and the state directory.
verdicts() {
        run --check --format json "$@" 2>/dev/null | python3 -c '
import json, sys
for t in json.load(sys.stdin)["targets"]:
    if t["path"] and (t["path"].startswith(sys.argv[1] + "/") or t["path"] == sys.argv[2]):
        print(t["path"], t["status"])' "$OWN_BIN" "$state"
}
verdicts --binary-reads others > "$TMP/verdicts"
expect "--check accepts binary reads others: every binary of the daemons is ok" \
        bash -c "grep -q '^$runc ok\$' '$TMP/verdicts' && grep -q '^$shim ok\$' '$TMP/verdicts' && ! grep -v ' ok\$' '$TMP/verdicts'"
expect_status "a second install (--dry-run) changes nothing" 0 run --binary-reads others --dry-run
expect "  nothing of ours would be added or deleted" \
        bash -c "! grep -E '^would (add|delete): .*( |=)($OWN_BIN/|$state )' '$TMP/out'"
verdicts > "$TMP/verdicts-all"
expect "--check in binary reads all says runc's reads of itself are missing" grep -qx "$runc not-loaded" "$TMP/verdicts-all"

# What matters is still recorded, by other programs: a read, a write, an attribute change; and
# an execution.
expect "binary reads others: a read of runc by another program (cat) is recorded" \
        recorded "$KEY" "cat '$runc' > /dev/null" "name=$runc " "comm=cat "
expect "binary reads others: a write to runc by another program is recorded" \
        recorded "$KEY" ": >> '$runc'" "name=$runc " "comm=sh "
expect "binary reads others: an attribute change to runc by another program is recorded" \
        recorded "$KEY" "chmod 0755 '$runc'" "name=$runc " "comm=chmod "
expect "binary reads others: an execution of runc by another program is recorded" \
        recorded "$KEY" "'$runc' --version > /dev/null" "syscall=execve" "exe=$runc " "name=$runc "

# runc replaced as a package upgrade replaces it (a new file renamed over it): the kernel's watch
# and its exe filter follow the name, so runc's reads of itself stay unrecorded and another
# program's are.
cp -p "$runc" "$runc.new" && mv -f "$runc.new" "$runc"
flush && s0=$serial
dk run --rm --network none bb:1 /bin/true >/dev/null || fail "docker run"
flush && s1=$serial
ausearch -i -if "$log" 2>/dev/null | grep '^type=SYSCALL' | grep -E " key=$KEY( |\$)" | between "$s0" "$s1" | ours \
        > "$TMP/window-upgraded"
expect "after runc is replaced, its executions are recorded" grep -qE " syscall=execve .* exe=$runc( |\$)" "$TMP/window-upgraded"
expect "after runc is replaced, its reads of itself are not" \
        bash -c "! grep -E ' syscall=(open|openat|openat2) .* exe=$runc( |\$)' '$TMP/window-upgraded'"
expect "after runc is replaced, a read by another program (cat) is recorded" \
        recorded "$KEY" "cat '$runc' > /dev/null" "name=$runc " "comm=cat "

# The default mode's rules, in the kernel and in the fragment; --check accepts them.
expect_status "a default install (run mode session)" 0 run -q
expect "the kernel holds runc's rwxa watch again" grep -qE -- "^-w $runc -p rwxa -k $KEY\$" <(auditctl -l)
expect "the kernel no longer holds runc's read rule" bash -c "! auditctl -l | grep -qE -- '-F path=$runc -F perm=r '"
expect "the kernel holds path=STATE (every program)" \
        grep -qE -- "-F path=$state -F perm=rwa .*key=$KEY\$|^-w $state -p rwa -k $KEY\$" <(auditctl -l)
expect "the kernel holds dir=STATE with auid!=unset" \
        grep -qE -- "-F dir=$state -F perm=rwa -F auid!=(-1|unset|4294967295) .*key=$KEY\$" <(auditctl -l)
expect "the fragment writes path=STATE" grep -qxF -- "-a always,exit -F path=$state -F perm=rwa -k $KEY" "$TMP/rules/50-x.rules"
verdicts > "$TMP/verdicts"
expect "--check accepts the session form and the binaries' rules" \
        bash -c "grep -qx '$state ok' '$TMP/verdicts' && grep -qx '$runc ok' '$TMP/verdicts' && ! grep -v ' ok\$' '$TMP/verdicts'"

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

# --remove after binary reads others: no rule of ours on the binaries is left.
expect_status "an install with binary reads others again" 0 run --binary-reads others -q
expect_status "--remove" 0 run --remove -q
expect "no rule with our key is left" bash -c "! auditctl -l | grep -qE -- '(-k |key=)$KEY\$'"

echo "    events per docker run (binary reads all / others): recursive $total_recursive_all / $total_recursive_others," \
     "cis $total_cis_all / $total_cis_others, session $total_session_all / $total_session_others" \
     "(budgets $BUDGET / $QUIET_BUDGET)"
finish
