#!/bin/bash
# A daemon started by hand (not by any unit) still gets audited: a program running as "dockerd"
# with --data-root and --config-file is picked up from /proc.
#   test-proc-discovery.sh BINARY FAKE-DAEMON
set -u
bin=$(realpath "$1")
TMP=$(mktemp -d /tmp/dar-proc.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
failures=0 checks=0
check() { checks=$((checks + 1)); if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi; }

cp "$2" "$TMP/dockerd"
mkdir -p "$TMP/data" "$TMP/etc"
"$TMP/dockerd" --data-root "$TMP/data" --config-file "$TMP/etc/daemon.json" -H "unix://$TMP/d.sock" &
pid=$!
sleep 0.3
out=$("$bin" --list-paths --rules-dir "$TMP/rules" 2>&1)
check "the running daemon's binary is found" "grep -qE '^dockerd +[^ ]+ +$TMP/dockerd +yes .*running dockerd' <<<\"\$out\""
check "its --data-root is watched" "grep -qE '^data-root +[^ ]+ +$TMP/data +yes .*running dockerd' <<<\"\$out\""
check "its instance names its pid" "grep -qE '^# dockerd .*running dockerd \(pid $pid\)' <<<\"\$out\""
check "no watch's evidence names a pid (the fragment would change at each restart)" \
        "! grep -E '^[a-z]' <<<\"\$out\" | grep -qF '(pid '"
check "its --config-file is watched" "grep -qE '^daemon.json +[^ ]+ +$TMP/etc/daemon.json ' <<<\"\$out\""
check "its -H socket is watched" "grep -qE '^docker.sock +[^ ]+ +$TMP/d.sock ' <<<\"\$out\""
print=$("$bin" --print --rules-dir "$TMP/rules" 2>/dev/null)
check "the data root rule excludes that daemon's own writes" \
        "grep -qxF -- '-a always,exit -F dir=$TMP/data -F perm=wa -F exe!=$TMP/dockerd -k docker' <<<\"\$print\""
kill "$pid"; wait "$pid" 2>/dev/null; pid=
# The same daemon started again has another pid: the fragment is the same.
"$TMP/dockerd" --data-root "$TMP/data" --config-file "$TMP/etc/daemon.json" -H "unix://$TMP/d.sock" &
pid=$!
sleep 0.3
check "a restarted daemon (another pid) leaves the fragment as it was" \
        "[ \"\$(\"\$bin\" --print --rules-dir \"\$TMP/rules\" 2>/dev/null)\" = \"\$print\" ]"
kill "$pid"; wait "$pid" 2>/dev/null; pid=
out=$("$bin" --list-paths --rules-dir "$TMP/rules" 2>&1)
check "once it exits, it is no longer discovered" "! grep -qF '$TMP/data' <<<\"\$out\""
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
