#!/bin/bash
# The data root's default mode ("state") on a real dockerd, a real kernel and a real auditd: the
# rules the tool installs record a write below the data root by another program, and leave out
# dockerd's own writes while it creates and runs a container. A control rule without the exe!=
# filter shows that dockerd did write there, so the absence of its events is the filter's doing.
# Private paths and our own key only: no rule of the host names them, so the first matching rule
# (whose key the kernel reports) is ours.
#   test-live-data-root.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docker.sh"
live_need
remove_test_rules() { auditctl -D -k "$KEY" >/dev/null 2>&1; auditctl -D -k "$KEY-ctl" >/dev/null 2>&1; }

log=$TMP/auditd/audit.log
# events KEY: the raw records of that key.
events() { ausearch -if "$log" -k "$1" 2>/dev/null; }
# seen KEY STRING: wait (at most 5 s) for a record of that key containing STRING.
seen() {
        local _
        for _ in $(seq 50); do events "$1" | grep -qF -- "$2" && return 0; sleep 0.1; done
        return 1
}
# exes KEY STRING: the exe= of every event of that key with a record containing STRING.
exes() { events "$1" | awk -v RS='----' -v s="$2" 'index($0, s)' | grep -o 'exe="[^"]*"' | sort -u; }
# A write by another program, then wait until auditd has written its event: everything recorded
# before it is in the log too.
marker=0
flush() {
        marker=$((marker + 1))
        sh -c "echo $marker >> '$DK_DATA/marker-$1-$marker'"
        seen "$1" "marker-$1-$marker"
}

live_start
dockerd_exe=$(readlink "/proc/$DOCKERD_PID/exe")
cid=$(dk create --network none bb:1 /bin/true)
expect "a container is created ($cid)" test -f "$DK_DATA/containers/$cid/config.v2.json"

mkdir -p "$TMP/rules"
expect_status "the tool installs the rules in data-root mode state" 0 \
        "$bin" --key "$KEY" --rules-dir "$TMP/rules" --output "$TMP/rules/50-x.rules" --data-root-mode state -q
expect "the fragment holds the data root's rule with exe!= the running dockerd" \
        grep -qxF -- "-a always,exit -F dir=$DK_DATA -F perm=wa -F exe!=$dockerd_exe -k $KEY" "$TMP/rules/50-x.rules"
expect "the kernel holds a recursive dir= rule on the data root with our key" \
        grep -qE -- "-F dir=$DK_DATA -F perm=wa .*-F key=$KEY\$" <(auditctl -l)

# Another program edits a container's configuration: recorded, with that program as exe.
sh -c "echo >> '$DK_DATA/containers/$cid/config.v2.json'"
expect "a write by another program below the data root is recorded" seen "$KEY" "containers/$cid/config.v2.json"
ex=$(exes "$KEY" "containers/$cid/config.v2.json")
echo "    recorded with $ex"
expect "its exe is the shell, not dockerd" test -n "$ex" -a "$ex" != "exe=\"$dockerd_exe\""

# dockerd creates and runs a container: it writes config.v2.json, hostconfig.json, hosts, the
# log, the layer. None of that is recorded.
before=$(events "$KEY" | grep -c '^type=SYSCALL')
expect "docker run succeeds" dk run --cidfile "$TMP/cid2" --network none bb:1 /bin/true
cid2=$(cat "$TMP/cid2" 2>/dev/null)
expect "dockerd wrote the new container's state below the data root" test -f "$DK_DATA/containers/$cid2/config.v2.json"
expect "the events up to now are in the log" flush "$KEY"
# dockerd's events of our key are those of the rule on its own binary: it executes itself (through
# /proc/self/exe, also as runc's libnetwork-setkey hook) and reads itself. Any other would be a
# write below the data root that the filter should have left out.
events "$KEY" | awk -v RS='----' -v e="exe=\"$dockerd_exe\"" -v b="name=\"$dockerd_exe\"" \
        'index($0, e) && !index($0, b) && !/ syscall=59 / && !/name="\/proc\/(self|[0-9]+)\/exe"/' > "$TMP/dockerd-events"
expect "no event of our key by dockerd other than of its own binary" test ! -s "$TMP/dockerd-events"
sed -n '1,20s/^/    /p' "$TMP/dockerd-events"
expect "no event names the new container's config.v2.json" bash -c "! ausearch -if '$log' -k '$KEY' 2>/dev/null | grep -qF '$cid2/config.v2.json'"
after=$(events "$KEY" | grep -c '^type=SYSCALL')
echo "    events of our key during docker run: $((after - before - 1)) (runc, the shim; the marker excluded)"

# Control: the same paths without the filter (our rules removed first, so this one matches).
auditctl -D -k "$KEY" >/dev/null
auditctl -w "$DK_DATA" -p wa -k "$KEY-ctl"
expect "control: docker run succeeds" dk run --cidfile "$TMP/cid3" --network none bb:1 /bin/true
cid3=$(cat "$TMP/cid3" 2>/dev/null)
expect "control: without exe!=, dockerd's own writes are recorded" seen "$KEY-ctl" "exe=\"$dockerd_exe\""
expect "control: the new container's config.v2.json is named" seen "$KEY-ctl" "$cid3/config.v2.json"
auditctl -D -k "$KEY-ctl" >/dev/null
dk rm "$cid" "$cid2" "$cid3" >/dev/null 2>&1
finish
