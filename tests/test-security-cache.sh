#!/bin/bash
# Root never opens a device or a FIFO that a host tree or a user puts in its way: not as
# daemon.json, not as an EnvironmentFile=, not named *.rules, and not through a race, where a user
# swaps a component of a path for a symlink to /dev between the tool's resolution and its open.
# The opens are watched with strace (a device opened shows as "<char MAJOR:MINOR>"; an O_PATH
# descriptor opens nothing) and a FIFO's writer waiting for a reader (fifo(7)). The read record's
# own cases (what it keeps, its caps, its memory) are C tests: test-readcache and test-root.
#   test-security-cache.sh BINARY
set -u
bin=$(realpath "$1")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (mknod, chown, a user to race with)"; exit 77; }
command -v strace >/dev/null || { echo "SKIP: strace not installed"; exit 77; }
PY=/usr/bin/python3 # not a shim in root's home, which the user cannot run
[ -x "$PY" ] || { echo "SKIP: $PY not installed"; exit 77; }
USER_ID=65534
TMP=$(mktemp -d /tmp/dar-security-cache.XXXXXX)
chmod 755 "$TMP" # the user's side walks into it
pids=()
cleanup() {
        local p
        for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
        rm -rf "$TMP"
}
trap cleanup EXIT
failures=0 checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }

# A small docker-ce-like host; its docker.service reads two EnvironmentFile= files.
host() {
        local h=$TMP/$1
        mkdir -p "$h/usr/bin" "$h/etc/docker" "$h/etc/default" "$h/lib/systemd/system" "$h/var/lib/docker" \
                "$h/run" "$h/etc/audit/rules.d" "$h/dev"
        : > "$h/usr/bin/dockerd"; : > "$h/usr/bin/runc"; : > "$h/usr/bin/containerd"
        cat > "$h/lib/systemd/system/docker.service" <<'UNIT'
[Service]
EnvironmentFile=-/etc/default/docker
EnvironmentFile=-/srv/u/env/zero
EnvironmentFile=-/srv/u/env/null
ExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS
UNIT
        echo "$h"
}

# A writer that waits for a reader of FIFO; marks NAME the moment someone opens it for reading.
fifo_watch() {
        local fifo=$1 name=$2
        mkfifo "$fifo"
        ( exec 3>"$fifo"; touch "$TMP/opened.$name" ) &
        pids+=($!)
}

# The opens (anything but O_PATH) in LOG that gave a descriptor of one of the device nodes
# PATH..., one per line. strace names a returned descriptor by its /proc/PID/fd link, which is
# the file really opened; the type it adds (<char 1:5>) is a stat by that name, made later, which
# a swap of a directory on the way can make lie: not used.
devices_opened() {
        local log=$1 node; shift
        for node in "$@"; do
                grep -F "<$node" "$log" | grep -E "= [0-9]+<$node(<[^<>]*>)?>\$" | grep -v O_PATH
        done
}

# run LOG ARGS...: the tool under strace, with a time limit (a FIFO opened without O_NONBLOCK
# would block).
run() {
        local log=$1; shift
        timeout 20 strace -f -qq --decode-fds=all -e trace=open,openat,openat2,creat -o "$log" \
                "$bin" "$@" > "$log.out" 2>&1
}

# 1. Named FIFOs: as daemon.json, as an EnvironmentFile=, as a *.rules file.
h=$(host fifos)
fifo_watch "$h/etc/docker/daemon.json" daemon-json
fifo_watch "$h/etc/default/docker" envfile
fifo_watch "$h/etc/audit/rules.d/50-fifo.rules" rules
run "$TMP/fifos.log" --root "$h" --print
st=$?
if [ "$st" = 124 ]; then fail "FIFOs: the tool hung"; else ok "FIFOs: the tool did not hang (status $st)"; fi
for name in daemon-json envfile rules; do
        if [ -e "$TMP/opened.$name" ]; then fail "FIFO as $name: opened by root"; else ok "FIFO as $name: never opened"; fi
done
grep -q "50-fifo.rules: is not a regular file" "$TMP/fifos.log.out" &&
        ok "the FIFO named *.rules is reported by name" || fail "the FIFO named *.rules is not reported"

# 2. Devices: a device node as daemon.json (through a link to the tree's /dev/zero), as an
# EnvironmentFile= (a link to /dev/null) and named *.rules.
h=$(host devices)
mknod "$h/dev/zero" c 1 5; mknod "$h/dev/null" c 1 3
ln -s /dev/zero "$h/etc/docker/daemon.json"
ln -s /dev/null "$h/etc/default/docker"
mknod "$h/etc/audit/rules.d/50-null.rules" c 1 3
nodes=("$h/dev/zero" "$h/dev/null" "$h/etc/audit/rules.d/50-null.rules")
run "$TMP/devices.log" --root "$h" --print
if [ -n "$(devices_opened "$TMP/devices.log" "${nodes[@]}")" ]; then
        fail "devices in the tree: opened by root"; devices_opened "$TMP/devices.log" "${nodes[@]}" | sed 's/^/    /'
else
        ok "devices in the tree: never opened"
fi
grep -q "daemon.json: cannot read: .*not a regular file" "$TMP/devices.log.out" &&
        ok "the device as daemon.json is reported" || { fail "the device as daemon.json is not reported"; sed 's/^/    /' "$TMP/devices.log.out"; }

# 3. The race: a user owns /srv/u and swaps /srv/u/env, a directory holding the regular files zero
# and null, for a symlink to the host's /dev (renameat2 RENAME_EXCHANGE, in a loop), while root
# runs the tool again and again. The tool resolves the path, then opens it: whatever the user
# swaps in between, root never opens /dev/zero or /dev/null.
h=$(host race)
# Thirty reads of the two files per run: thirty chances for the swap to fall in between.
{
        echo '[Service]'
        for _ in $(seq 15); do echo 'EnvironmentFile=-/srv/u/env/zero'; echo 'EnvironmentFile=-/srv/u/env/null'; done
        echo 'ExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS'
} > "$h/lib/systemd/system/docker.service"
mkdir -p "$h/srv/u/env"
echo 'DOCKER_OPTS=--debug' > "$h/srv/u/env/zero"
echo 'X=1' > "$h/srv/u/env/null"
ln -s /dev "$h/srv/u/env.swap"
chown -hR "$USER_ID:$USER_ID" "$h/srv/u"
setpriv --reuid="$USER_ID" --regid="$USER_ID" --clear-groups "$PY" -c '
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = sys.argv[1].encode(), sys.argv[2].encode()
while True:
    libc.renameat2(-100, a, -100, b, 2)  # AT_FDCWD, RENAME_EXCHANGE
' "$h/srv/u/env" "$h/srv/u/env.swap" &
pids+=($!)
sleep 0.2
runs=0 hit=0 opened=0 refused=0
end=$((SECONDS + 6))
while [ "$SECONDS" -lt "$end" ]; do
        log=$TMP/race.$runs.log
        run "$log" --root "$h" --print
        runs=$((runs + 1))
        # The swap seen at the open: the component is a link now (ENOTDIR, ELOOP), or the open
        # followed it to a device.
        grep -qE '"env", [^)]*O_PATH[^)]*\) = -1 (ENOTDIR|ELOOP)|= [0-9]+</dev/(zero|null)' "$log" && hit=$((hit + 1))
        # A system unit's environment file a user owns is refused before any open (the trust rule).
        grep -q "EnvironmentFile= of docker.service is not root's" "$log.out" && refused=$((refused + 1))
        if [ -n "$(devices_opened "$log" /dev/zero /dev/null)" ]; then
                opened=$((opened + 1))
                [ "$opened" = 1 ] && devices_opened "$log" /dev/zero /dev/null | sed 's/^/    opened: /'
        fi
        rm -f "$log" "$log.out"
done
kill -9 "${pids[-1]}" 2>/dev/null; wait "${pids[-1]}" 2>/dev/null
echo "    $runs runs, $hit of them opened while the component was a symlink"
[ "$opened" = 0 ] && ok "a component swapped for a link to /dev: no device opened in $runs runs" ||
        fail "a component swapped for a link to /dev: a device opened in $opened of $runs runs"
# Either the swap fell between resolution and open, or the user's files were refused by name in
# every run (a system unit's EnvironmentFile= counts only when it is root's): never silence.
[ "$hit" -gt 0 ] || [ "$refused" = "$runs" ] && ok "the race was run, or the user's files were refused in all $runs runs" ||
        fail "the race was never hit in $runs runs, and the user's files were refused in only $refused: this test showed nothing"

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
