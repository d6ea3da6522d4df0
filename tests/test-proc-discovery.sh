#!/bin/bash
# A daemon started by hand (not by any unit) still gets audited: a program running as "dockerd"
# with --data-root and --config-file is picked up from /proc, when it is root's (uid 0, a binary
# of root's). Run as another user, the tool sees a daemon that is not root's: it says so and
# uses none of its options.
#   test-proc-discovery.sh BINARY FAKE-DAEMON
set -u
bin=$(realpath "$1")
TMP=$(mktemp -d /tmp/dar-proc.XXXXXX)
BIN=
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; [ -n "$BIN" ] && rm -rf "$BIN"' EXIT
failures=0 checks=0
check() { checks=$((checks + 1)); if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi; }
# Until /proc shows $pid running the binary $1 (not the shell that forks it).
running() {
        for _ in $(seq 100); do
                [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$1" ] && return 0
                sleep 0.05
        done
        echo "FAIL: $1 did not start"
        exit 1
}

mkdir -p "$TMP/data" "$TMP/etc"
if [ "$(id -u)" != 0 ]; then
        # Our own process: not root's, so not used; the problem names it by pid and uid.
        cp "$2" "$TMP/dockerd"
        "$TMP/dockerd" --data-root "$TMP/data" --config-file "$TMP/etc/daemon.json" &
        pid=$!
        running "$TMP/dockerd"
        out=$("$bin" --list-paths --rules-dir "$TMP/rules" 2>&1)
        check "a daemon that is not root's names no path" "! grep -qF '$TMP' <<<\"\$out\""
        check "it is said, by pid and uid" "grep -qF 'running dockerd (pid $pid) runs as uid $(id -u), not root' <<<\"\$out\""
        echo "$((checks - failures)) passed, $failures failed (not root: a daemon of root's is not tried)"
        [ "$failures" -eq 0 ]
        exit
fi

# A binary of root's: in a directory of root's that no one else can write (not below /tmp).
BIN=$(mktemp -d /run/dar-proc-bin.XXXXXX) || exit 1
cp "$2" "$BIN/dockerd"
"$BIN/dockerd" --data-root "$TMP/data" --config-file "$TMP/etc/daemon.json" -H "unix://$TMP/d.sock" &
pid=$!
running "$BIN/dockerd"
out=$("$bin" --list-paths --rules-dir "$TMP/rules" 2>&1)
check "the running daemon's binary is found" "grep -qE '^dockerd +[^ ]+ +$BIN/dockerd +yes .*running dockerd' <<<\"\$out\""
check "its --data-root is watched" "grep -qE '^data-root +[^ ]+ +$TMP/data +yes .*running dockerd' <<<\"\$out\""
check "its instance names its pid" "grep -qE '^# dockerd .*running dockerd \(pid $pid\)' <<<\"\$out\""
check "no watch's evidence names a pid (the fragment would change at each restart)" \
        "! grep -E '^[a-z]' <<<\"\$out\" | grep -qF '(pid '"
check "its --config-file is watched" "grep -qE '^daemon.json +[^ ]+ +$TMP/etc/daemon.json ' <<<\"\$out\""
check "its -H socket is watched" "grep -qE '^docker.sock +[^ ]+ +$TMP/d.sock ' <<<\"\$out\""
print=$("$bin" --print --rules-dir "$TMP/rules" 2>/dev/null)
check "the data root rule excludes that daemon's own writes" \
        "grep -qxF -- '-a always,exit -F dir=$TMP/data -F perm=wa -F exe!=$BIN/dockerd -k docker' <<<\"\$print\""
kill "$pid"; wait "$pid" 2>/dev/null; pid=
# The same daemon started again has another pid: the fragment is the same.
"$BIN/dockerd" --data-root "$TMP/data" --config-file "$TMP/etc/daemon.json" -H "unix://$TMP/d.sock" &
pid=$!
running "$BIN/dockerd"
check "a restarted daemon (another pid) leaves the fragment as it was" \
        "[ \"\$(\"\$bin\" --print --rules-dir \"\$TMP/rules\" 2>/dev/null)\" = \"\$print\" ]"
kill "$pid"; wait "$pid" 2>/dev/null; pid=
out=$("$bin" --list-paths --rules-dir "$TMP/rules" 2>&1)
check "once it exits, it is no longer discovered" "! grep -qF '$TMP/data' <<<\"\$out\""
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
