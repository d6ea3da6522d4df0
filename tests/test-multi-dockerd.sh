#!/bin/bash
# Two real dockerd processes at once, each on its own private data root, exec root and API socket
# (both on one private containerd, in namespaces of their own): discovery must find both as
# instances of their own, and the rules it installs must watch both data roots. Our own key and
# rules directory only; the rules are removed again.
#   test-multi-dockerd.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docker.sh"
need_kernel_audit
docker_need
mkdir -p "$TMP/rules"
tool() { "$bin" --rules-dir "$TMP/rules" --fragment "$TMP/rules/50-multi.rules" -k "$KEY" "$@"; }

# A second dockerd beside the one dockerd_start made, stopped by lib-docker.sh's cleanup.
dockerd_start_second() {
        D2_DATA=$DK_DIR/data2 D2_EXEC=$DK_DIR/exec2 D2_API=$DK_DIR/api2.sock
        mkdir -p "$D2_DATA" "$D2_EXEC"
        echo '{}' > "$DK_DIR/daemon2.json"
        dockerd --containerd "$CTRD_SOCK" --containerd-namespace moby2 --containerd-plugins-namespace plugins.moby2 \
                --data-root "$D2_DATA" --exec-root "$D2_EXEC" -H "unix://$D2_API" --pidfile "$DK_DIR/dockerd2.pid" \
                --config-file "$DK_DIR/daemon2.json" --iptables=false --ip6tables=false --bridge=none \
                > "$DK_DIR/dockerd2.log" 2>&1 &
        D2_PID=$!
        DK_PIDS+=("$D2_PID") DK_NAMES+=(dockerd) DK_SOCKS+=("")
        if ! dk_wait "$D2_PID" 300 "$DK_DOCKER" -H "unix://$D2_API" version; then
                echo "the second dockerd did not answer on $D2_API within 30 s:"
                tail -20 "$DK_DIR/dockerd2.log"
                return 1
        fi
}

expect "containerd starts on a private socket" containerd_start
expect "a first dockerd starts on a private data root" dockerd_start "$CTRD_SOCK"
expect "a second dockerd starts on another private data root" dockerd_start_second
[ "$failures" = 0 ] || { finish; exit 1; }

tool --list-paths --format json > "$TMP/list.json" 2> "$TMP/list.err"
expect "--list-paths --format json exits 0" test $? = 0
# instance PID DATA-ROOT: one dockerd instance runs as PID with that data root, and a data-root
# target on that path names it as its instance.
instance() {
        python3 - "$TMP/list.json" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
pid, root = int(sys.argv[2]), sys.argv[3]
ins = [i for i in d["instances"] if i["daemon"] == "dockerd" and pid in i["pids"]]
if len(ins) != 1 or ins[0]["data_root"] != root:
    print("    dockerd instances: %s" % [(i["key"], i["pids"], i["data_root"]) for i in d["instances"]])
    sys.exit(1)
t = [t for t in d["targets"] if t["path"] == root and t["component"] == "data-root"]
if not t or t[0]["instance"] != ins[0]["key"] or t[0]["status"] != "watched":
    print("    data-root targets on %s: %s" % (root, t))
    sys.exit(1)
PY
}
expect "version 2 of the list-paths schema" python3 -c "import json,sys; sys.exit(json.load(open('$TMP/list.json'))['version'] != 2)"
expect "the first dockerd (pid $DOCKERD_PID) is an instance with data root $DK_DATA" instance "$DOCKERD_PID" "$DK_DATA"
expect "the second dockerd (pid $D2_PID) is an instance with data root $D2_DATA" instance "$D2_PID" "$D2_DATA"
expect "the two are different instances" python3 - "$TMP/list.json" "$DOCKERD_PID" "$D2_PID" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
keys = {i["key"] for i in d["instances"] for p in i["pids"] if p in (int(sys.argv[2]), int(sys.argv[3]))}
sys.exit(len(keys) != 2)
PY
tool --list-paths > "$TMP/list.txt" 2>&1
expect "the text listing has a heading for each running dockerd" \
        test "$(grep -cE "^# dockerd .*running dockerd \(pid ($DOCKERD_PID|$D2_PID)\)" "$TMP/list.txt")" = 2

expect_status "the tool installs the rules" 0 tool -q
for root in "$DK_DATA" "$D2_DATA"; do
        expect "the fragment watches the data root $root" grep -qE -- "-F dir=$root -F perm=wa .*-k $KEY\$" \
                "$TMP/rules/50-multi.rules"
        expect "the kernel watches the data root $root with our key" grep -qE -- "-F dir=$root -F perm=wa .*-F key=$KEY\$" \
                <(auditctl -l)
done
expect "the kernel watches both API sockets" test "$(kernel_lines | grep -cE -- "-w ($DK_API|$D2_API) ")" = 2

expect_status "the tool removes its rules" 0 tool --remove -q
expect "no rule with our key is left in the kernel" test -z "$(kernel_lines)"
remove_test_rules
finish
