#!/bin/bash
# --probe runs as root and must never act on a path a user controls. On this machine's real
# kernel (the multicast group, no auditd needed): watches loaded with the test's key on a user's
# ~/bin/dockerd and on a path through the user's directory, while the user swaps names with
# renameat2(RENAME_EXCHANGE) as fast as it can (tests/race-exchange.c, run with the user's uid);
# then the probe on root's own files, one permission class at a time. The user's paths are
# watched for every class (rwxa), so that every action of the probe (a read, a refused open for
# writing, a refused execution, a refused attribute change) is tried on them under the race. Every
# rule added carries the test's key (KEY, or KEY-dev for the device) and is deleted on exit,
# whatever happened.
#   test-security-probe.sh BINARY RACE-EXCHANGE
set -u
bin=$(realpath "$1")
race_bin=$(realpath "$2")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) not installed"; exit 77; }

USERID=$((3900000000 + $$ % 100000))
PROBES=100
R= RACER=
cleanup_security() {
        if [ -n "$RACER" ]; then
                kill "$RACER" 2>/dev/null
                wait "$RACER" 2>/dev/null
        fi
        auditctl -D -k "$KEY-dev" >/dev/null 2>&1
        [ -n "$R" ] && rm -rf "$R"
        cleanup
}
trap cleanup_security EXIT

# A host of the test's own, outside /tmp (whose sticky, world-writable directory no trusted path
# crosses): root's directories, and a home owned by the user.
R=$(mktemp -d /run/dar-security-probe.XXXXXX)
chmod 755 "$R"
H=$R/home/user
mkdir -p "$R/etc" "$R/sbin" "$R/dev" "$H"
chown "$USERID:$USERID" "$H"
rules=$R/rules
mkdir -p "$rules"
install -m 755 "$race_bin" "$R/race-exchange"
tool() { "$bin" --rules-dir "$rules" -k "$KEY" --check --probe "$@"; }
audit_on() { auditctl -e 1 >/dev/null; }
# The user's racing loop, in the background, for at most a minute (setpriv execs it: RACER is
# its PID).
race() {
        setpriv --reuid="$USERID" --regid="$USERID" --clear-groups "$R/race-exchange" "$1" "$2" 60 >"$R/race.out" 2>&1 &
        RACER=$!
        sleep 0.2
}
race_stop() {
        kill "$RACER" 2>/dev/null
        wait "$RACER" 2>/dev/null
        RACER=
}
# Run the probe n times (short timeout), appending every line it prints about itself to $1.
probes() {
        local log=$1 n=$2 i
        : >"$log"
        for ((i = 0; i < n; i++)); do
                tool --probe-timeout 0.1 2>&1 | grep -F 'probe: ' >>"$log"
        done
}

audit_on

# (a) A user's ~/bin/dockerd, set-user-ID and writable by all, loaded with -p rwxa: every class,
# where the probe used to chmod by name. ~/bin is the user's link to a
# directory of theirs; the racing loop exchanges it with another link, to a directory where
# dockerd is a link to a root's file. (The name exchanged is above the watched file's directory:
# the kernel keeps the watch as it is, where exchanging the watched name itself makes it rewrite
# the rule and log a configuration change at every exchange.)
victim=$R/etc/victim
echo 'root data' >"$victim"
chmod 644 "$victim"
mkdir -p "$H/.bins/a" "$H/.bins/b"
cp /bin/true "$H/.bins/a/dockerd"
ln -s "$victim" "$H/.bins/b/dockerd"
ln -s .bins/a "$H/bin"
ln -s .bins/b "$H/bin.swap"
chown -R -h "$USERID:$USERID" "$H"
chmod 6777 "$H/.bins/a/dockerd"
auditctl -w "$H/bin/dockerd" -p rwxa -k "$KEY" >/dev/null
# not_acted_on PATH LOG: no line of LOG says the probe's event on PATH came (with any key).
not_acted_on() { ! grep -F "on $1 (" "$2" | grep -qF 'recorded with key'; }

tool >"$TMP/out" 2>&1
expect "a user's ~/bin/dockerd (-p rwxa) is not acted on by the probe" not_acted_on "$H/bin/dockerd" "$TMP/out"
expect "each class is said not probed, the path not being root's alone" \
        test "$(grep -cF "on $H/bin/dockerd (binary): not probed: its watched paths are not root's alone" "$TMP/out")" = 4
expect "with no watch of root's, the probe says there is nothing to probe" grep -qF 'nothing to probe' "$TMP/out"
expect "the user's file keeps its mode (6777)" test "$(stat -c %a "$H/.bins/a/dockerd")" = 6777

race "$H/bin" "$H/bin.swap"
probes "$TMP/probes-a" "$PROBES"
race_stop
expect "the user's racing loop ran (~/bin/dockerd swapped with a link to a root's file)" \
        grep -q '^[0-9]* exchanges$' "$R/race.out"
expect "each of the $PROBES probes ran and said what it did" test "$(grep -c 'probe: ' "$TMP/probes-a")" -ge "$PROBES"
expect "$PROBES probes under the race never act on ~/bin/dockerd" \
        not_acted_on "$H/bin/dockerd" "$TMP/probes-a"
expect "and never run it (it would be /bin/true; nothing to see) nor change the user's file's mode (6777)" \
        test "$(stat -c %a "$H/.bins/a/dockerd")" = 6777
expect "after $PROBES probes the root's file behind the link keeps its mode (644)" \
        test "$(stat -c %a "$victim")" = 644
expect "and its owner (root)" test "$(stat -c %u "$victim")" = 0
auditctl -D -k "$KEY" >/dev/null

# (b) A watch on a path through a link of the user's, which the user swaps for a link to a
# directory where the same name is a device: the probe never opens it, for reading, for writing
# or to execute it, nor changes its attributes. The device node (the null device's numbers) is
# watched for every class with a key of its own, KEY-dev: any action of the probe on it is an
# event with that key, which the probe reports as "recorded with key KEY-dev".
mkdir -p "$H/.conf"
echo '{}' >"$H/.conf/daemon.json"
ln -s .conf "$H/conf"
ln -s "$R/dev" "$H/conf.swap"
chown -R -h "$USERID:$USERID" "$H"
mknod -m 666 "$R/dev/daemon.json" c 1 3
auditctl -w "$H/conf/daemon.json" -p rwxa -k "$KEY" >/dev/null
auditctl -w "$R/dev/daemon.json" -p rwxa -k "$KEY-dev" >/dev/null

tool >"$TMP/out" 2>&1
expect "a watch through the user's link (-p rwxa) is not acted on" \
        not_acted_on "$H/conf/daemon.json" "$TMP/out"
race "$H/conf" "$H/conf.swap"
probes "$TMP/probes-b" "$PROBES"
race_stop
expect "the user's racing loop ran (~/conf swapped with a link to a directory of devices)" \
        grep -q '^[0-9]* exchanges$' "$R/race.out"
expect "each of the $PROBES probes ran and said what it did" test "$(grep -c 'probe: ' "$TMP/probes-b")" -ge "$PROBES"
expect "$PROBES probes under the race never open the device (no event with key $KEY-dev)" \
        sh -c "! grep -F '$KEY-dev' '$TMP/probes-b'"
expect "$PROBES probes under the race never act on the user's path" \
        not_acted_on "$H/conf/daemon.json" "$TMP/probes-b"
auditctl -D -k "$KEY" >/dev/null
auditctl -D -k "$KEY-dev" >/dev/null

# (c) Root's own files: the probe still proves its event, with r (a read), with w only (an open
# for writing the kernel refuses: the content and modification time stay), with x only (an
# execution the kernel refuses: nothing runs) and with a only (an attribute change that changes
# nothing: the set-user-ID bit, the file capabilities and the change time stay as they were).
own=$R/sbin/dockerd
cp /bin/true "$own"
chmod 4755 "$own"
caps=
if command -v setcap >/dev/null && setcap cap_net_raw+ep "$own" 2>/dev/null; then
        caps=$(getcap "$own")
fi
mode_before=$(stat -c %a "$own") ctime_before=$(stat -c %Z.%z "$own")

audit_on
auditctl -w "$own" -p r -k "$KEY" >/dev/null
tool >"$TMP/out" 2>&1
expect "a root's file with -p r: the probe reads it and sees its event" \
        grep -qF "probe: r on $own (binary): open for reading, recorded with key \"$KEY\"" "$TMP/out"
expect "and does nothing else (r is the only class claimed)" test "$(grep -c 'probe: [wxa] on' "$TMP/out")" = 0
auditctl -D -k "$KEY" >/dev/null

sum_before=$(sha256sum <"$own") mtime_before=$(stat -c %Y.%y "$own")
audit_on
auditctl -w "$own" -p w -k "$KEY" >/dev/null
tool >"$TMP/out" 2>&1
expect "a root's file with -p w only: the probe's refused open for writing is recorded" \
        grep -qF "probe: w on $own (binary): open for writing as a directory, refused, recorded with key \"$KEY\"" "$TMP/out"
auditctl -D -k "$KEY" >/dev/null
audit_on
auditctl -w "$own" -p x -k "$KEY" >/dev/null
tool >"$TMP/out" 2>&1
expect "a root's file with -p x only: the probe's refused execution is recorded" \
        grep -qF "probe: x on $own (binary): execute with a bad argument vector, refused, recorded with key \"$KEY\"" "$TMP/out"
auditctl -D -k "$KEY" >/dev/null
expect "the file's content did not change" test "$(sha256sum <"$own")" = "$sum_before"
expect "nor its modification time" test "$(stat -c %Y.%y "$own")" = "$mtime_before"

audit_on
auditctl -w "$own" -p a -k "$KEY" >/dev/null
tool >"$TMP/out" 2>&1
expect "a root's file with -p a only: the probe's no-op attribute change is recorded" \
        grep -qF "probe: a on $own (binary): change no attribute (removexattr), refused, recorded with key \"$KEY\"" "$TMP/out"
expect "the file keeps its set-user-ID mode ($mode_before)" test "$(stat -c %a "$own")" = "$mode_before"
expect "the file's change time did not move (nothing was changed)" test "$(stat -c %Z.%z "$own")" = "$ctime_before"
if [ -n "$caps" ]; then
        expect "the file keeps its capabilities" test "$(getcap "$own")" = "$caps"
else
        echo "note: setcap not available: file capabilities not checked"
fi
auditctl -D -k "$KEY" >/dev/null

audit_on
auditctl -w "$R/etc" -p a -k "$KEY" >/dev/null
ctime_before=$(stat -c %Z.%z "$R/etc")
tool >"$TMP/out" 2>&1
expect "a root's directory with -p a only: recorded" \
        grep -qF "probe: a on $R/etc (configuration): change no attribute (removexattr), refused, recorded with key \"$KEY\"" "$TMP/out"
expect "the directory's change time did not move" test "$(stat -c %Z.%z "$R/etc")" = "$ctime_before"
auditctl -D -k "$KEY" >/dev/null

finish
