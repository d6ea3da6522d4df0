#!/bin/bash
# Discovery through /proc on real daemons: containerd and dockerd started here with a private
# data root, exec root, API socket, pidfile and daemon.json; --list-paths and --print must name
# what the running dockerd uses, with evidence naming that process.
#   test-live-discovery.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docker.sh"
docker_need
mkdir -p "$TMP/rules"
tool() { "$bin" --rules-dir "$TMP/rules" -k "$KEY" "$@"; }

expect "containerd starts on a private socket" containerd_start
expect "dockerd starts on a private data root, exec root and API socket" dockerd_start "$CTRD_SOCK"
[ "$failures" = 0 ] || { finish; exit 1; }
[ "$(cat "$DK_PIDFILE" 2>/dev/null)" = "$DOCKERD_PID" ] || fail "dockerd's pidfile names pid $DOCKERD_PID"
dockerd_exe=$(readlink "/proc/$DOCKERD_PID/exe")
ctrd_exe=$(readlink "/proc/$CTRD_PID/exe")

tool --list-paths --format json > "$TMP/list.json" 2> "$TMP/list.err"
expect "--list-paths --format json exits 0" test $? = 0
# target COMPONENT PATH EVIDENCE-SUBSTRING: a target with that component and path whose evidence
# contains the substring; prints what was found otherwise.
target() {
        python3 - "$TMP/list.json" "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
comp, path, ev = sys.argv[2:5]
hits = [t for t in d["targets"] if t["path"] == path]
if any(t["component"] == comp and ev in t["evidence"] for t in hits):
    sys.exit(0)
print("    targets for %s: %s" % (path, [(t["component"], t["evidence"]) for t in hits] or "none"))
sys.exit(1)
EOF
}
ev_d="running dockerd"
expect "the running dockerd's binary, from /proc ($dockerd_exe)" target dockerd "$dockerd_exe" "$ev_d"
expect "the running containerd's binary, from /proc ($ctrd_exe)" \
        target containerd "$ctrd_exe" "running containerd"
# The running containerd's own command line (lib-docker.sh starts it with --config, --root,
# --state and --address): containerd applies them over config.toml and the defaults.
expect "the running containerd's --root, over config.toml and the default" \
        target containerd-root "$DK_DIR/ctrd-root" "--root of running containerd"
expect "the running containerd's --state" target run-containerd "$DK_DIR/ctrd-state" "--state of running containerd"
expect "the running containerd's --address" target containerd.sock "$CTRD_SOCK" "--address of running containerd"
expect "the running containerd's --config" target containerd-config "$DK_DIR/containerd.toml" "--config of running containerd"
expect "what containerd made there is where it was told: its root and its socket" \
        test -d "$DK_DIR/ctrd-root" -a -S "$CTRD_SOCK"
expect "the data root given by --data-root, evidence naming the running dockerd" target data-root "$DK_DATA" "--data-root ($ev_d)"
expect "the API socket given by -H unix://, evidence naming the running dockerd" target docker.sock "$DK_API" "$ev_d"
expect "daemon.json given by --config-file, evidence naming the running dockerd" target daemon.json "$DK_CONFIG" "--config-file ($ev_d)"

# The containerd socket the running dockerd talks to (--containerd): a running dockerd that no
# unit explains is an instance of its own, so its options count even where docker.service passes
# a --containerd of its own.
expect "the running dockerd's --containerd socket ($CTRD_SOCK)" target containerd.sock "$CTRD_SOCK" ""

# --print: the fragment has the data root in the default mode, with the running dockerd as exe!=,
# and the API socket, as rules that load at boot (their parents are not made at run time).
tool --print > "$TMP/print.txt" 2> "$TMP/print.err"
expect "--print exits 0" test $? = 0
expect "--print: the data root's rule excludes the running dockerd's own writes" \
        grep -qxF -- "-a always,exit -F dir=$DK_DATA -F perm=wa -F exe!=$dockerd_exe -k $KEY" "$TMP/print.txt"
expect "--print: the API socket's rule" grep -qxF -- "-w $DK_API -p rwxa -k $KEY" "$TMP/print.txt"
expect "--print: daemon.json's rule" grep -qxF -- "-w $DK_CONFIG -p rwxa -k $KEY" "$TMP/print.txt"
expect "--print: evidence names the running dockerd" grep -qF -- "--data-root ($ev_d)" "$TMP/print.txt"
[ "$failures" = 0 ] || { echo "    --print wrote:"; sed 's/^/    /' "$TMP/print.txt" "$TMP/print.err"; }

# After the daemons stop, the same run no longer finds them in /proc.
docker_cleanup
tool --list-paths --format json > "$TMP/list.json" 2>/dev/null
expect "with the daemons stopped, the private data root is no longer discovered" \
        python3 -c "import json,sys; sys.exit(any(t['path'] == '$DK_DATA' for t in json.load(open('$TMP/list.json'))['targets']))"
finish
