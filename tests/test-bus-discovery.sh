#!/bin/bash
# Discovery through systemd over D-Bus: a fake systemd on a private dbus-daemon says that a
# drop-in moved the data root; the rules follow what it says. With nobody answering on the bus,
# the offline unit-file reader is used instead, without hanging.
#   test-bus-discovery.sh BINARY FAKE-SYSTEMD
set -u
bin=$(realpath "$1")
fake=$(realpath "$2")

command -v dbus-daemon >/dev/null || { echo "SKIP: dbus-daemon not installed"; exit 77; }
command -v timeout >/dev/null || { echo "SKIP: timeout not installed"; exit 77; }

TMP=$(mktemp -d /tmp/dar-bus-discovery.XXXXXX)
pids=()
cleanup() {
        local p
        for p in "${pids[@]}"; do
                kill "$p" 2>/dev/null
        done
        for p in "${pids[@]}"; do
                wait "$p" 2>/dev/null
        done
        rm -rf "$TMP"
}
trap cleanup EXIT

failures=0 checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
# description, fixed string: one line of $out is exactly that string
has_line() { if grep -qxF -- "$2" <<<"$out"; then ok "$1"; else fail "$1: no line '$2'"; fi; }
# description, fixed string: $out contains it somewhere
has() { if grep -qF -- "$2" <<<"$out"; then ok "$1"; else fail "$1: no '$2'"; fi; }
lacks() { if ! grep -qF -- "$2" <<<"$out"; then ok "$1"; else fail "$1: '$2' is there"; fi; }
status_in() { # description, status, allowed...
        local what=$1 got=$2; shift 2
        local s
        for s in "$@"; do
                [ "$got" = "$s" ] && { ok "$what (status $got)"; return; }
        done
        fail "$what: status $got, expected one of $*"
        sed 's/^/    /' "$TMP/err"
}

# start_bus NAME: a dbus-daemon of our own listening in $TMP/NAME; sets $address.
start_bus() {
        local dir=$TMP/$1
        mkdir -p "$dir"
        cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    <allow user="*"/>
  </policy>
</busconfig>
EOF
        dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile --print-address=1 \
                </dev/null >"$dir/address" 2>"$dir/stderr" &
        pids+=($!)
        address=
        for _ in $(seq 100); do
                address=$(head -n1 "$dir/address")
                [ -n "$address" ] && return 0
                kill -0 "${pids[-1]}" 2>/dev/null || break
                sleep 0.1
        done
        echo "dbus-daemon did not start:"
        cat "$dir/stderr"
        return 1
}

# The moved data root and the files the units name, all in $TMP.
dockerd=/usr/bin/dockerd
for d in /usr/sbin/dockerd /usr/bin/dockerd /usr/local/bin/dockerd; do
        [ -e "$d" ] && { dockerd=$d; break; }
done
mkdir -p "$TMP/moved-data-root" "$TMP/units/docker.service.d" "$TMP/rules"
exec_start="$dockerd -H fd:// --data-root $TMP/moved-data-root --config-file $TMP/alt.json"
cat >"$TMP/units/docker.service" <<EOF
[Service]
ExecStart=$dockerd -H fd://
EOF
cat >"$TMP/units/docker.service.d/data-root.conf" <<EOF
[Service]
ExecStart=
ExecStart=$exec_start
EOF
echo '{}' >"$TMP/alt.json"
echo '# nothing' >"$TMP/env"

cat >"$TMP/units.desc" <<EOF
unit docker.service
FragmentPath=$TMP/units/docker.service
DropInPaths=$TMP/units/docker.service.d/data-root.conf
ExecStart=$exec_start
EnvironmentFiles=-$TMP/env
unit docker.socket
FragmentPath=/usr/lib/systemd/system/docker.socket
Listen=Stream /run/docker.sock
EOF

start_bus bus || exit 1
bus_address=$address
DBUS_SYSTEM_BUS_ADDRESS=$bus_address "$fake" "$TMP/units.desc" >"$TMP/fake.out" 2>"$TMP/fake.err" </dev/null &
pids+=($!)
fake_pid=$!
for _ in $(seq 100); do
        grep -qx ready "$TMP/fake.out" && break
        kill -0 "$fake_pid" 2>/dev/null || break
        sleep 0.1
done
if ! grep -qx ready "$TMP/fake.out"; then
        echo "fake-systemd did not get ready:"
        cat "$TMP/fake.err"
        exit 1
fi

# ---- systemd answers ----
out=$(DBUS_SYSTEM_BUS_ADDRESS=$bus_address timeout 30 "$bin" --print --rules-dir "$TMP/rules" 2>"$TMP/err")
status_in "--print with systemd on the bus" $? 0 3
has_line "the data root from the drop-in's ExecStart is watched" \
        "-a always,exit -F dir=$TMP/moved-data-root -F perm=wa -F exe!=$dockerd -k docker"
has_line "its --config-file is watched" "-w $TMP/alt.json -p rwxa -k docker"
has_line "the drop-in systemd names is watched" "-w $TMP/units/docker.service.d/data-root.conf -p rwxa -k docker"
has_line "the unit file systemd names is watched" "-w $TMP/units/docker.service -p rwxa -k docker"
has_line "the environment file systemd names is watched" "-w $TMP/env -p rwxa -k docker"
has_line "dockerd from ExecStart is watched" "-w $dockerd -p rwxa -k docker"

out=$(DBUS_SYSTEM_BUS_ADDRESS=$bus_address timeout 30 "$bin" --list-paths --rules-dir "$TMP/rules" 2>"$TMP/err")
status_in "--list-paths with systemd on the bus" $? 0 3
has "the evidence says where the units came from" "systemd over D-Bus"
if grep -qE -- "^data-root +[^ ]+ +$TMP/moved-data-root +yes +watched: --data-root \(docker.service ExecStart\)" <<<"$out"; then
        ok "the data root is listed, from docker.service's ExecStart"
else
        fail "the data root is listed, from docker.service's ExecStart"
        printf '%s\n' "$out" | sed 's/^/    /'
fi
has "the drop-in's evidence is DropInPaths" "DropInPaths from systemd over D-Bus"

# ---- a bus where nobody answers for systemd: the offline reader ----
start_bus empty || exit 1
empty_address=$address
start=$SECONDS
out=$(DBUS_SYSTEM_BUS_ADDRESS=$empty_address timeout 30 "$bin" --print --rules-dir "$TMP/rules" 2>"$TMP/err")
st=$?
if [ "$st" = 124 ]; then fail "--print with nobody on the bus hung (killed after 30s)"; else
        status_in "--print with nobody on the bus" "$st" 0 3
fi
echo "   (took $((SECONDS - start))s)"
lacks "nothing from the fake systemd is left" "$TMP"
# The rules of this machine's real unit files, as the offline reader finds them.
for name in docker.service docker.socket containerd.service; do
        for dir in /etc/systemd/system /run/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
                if [ -f "$dir/$name" ]; then
                        has "the offline reader found $dir/$name" "-w $dir/$name -p rwxa -k docker"
                        break
                fi
        done
done

out=$(DBUS_SYSTEM_BUS_ADDRESS=$empty_address timeout 30 "$bin" --list-paths --rules-dir "$TMP/rules" 2>"$TMP/err")
st=$?
if [ "$st" = 124 ]; then fail "--list-paths with nobody on the bus hung (killed after 30s)"; else
        status_in "--list-paths with nobody on the bus" "$st" 0 3
fi
lacks "the evidence does not claim systemd over D-Bus" "systemd over D-Bus"

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
