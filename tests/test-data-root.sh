#!/bin/bash
# What each data-root form really records, on this machine's kernel with a real auditd. The
# default ("state") relies on: a recursive dir= watch records writes anywhere below the data
# root, and -F exe!=DOCKERD leaves out the daemon's own writes (layers, logs). The CIS v1.6 form
# (path=, not recursive) misses a changed container config entirely.
#   test-data-root.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
command -v auditd >/dev/null || { echo "SKIP: auditd not installed"; exit 77; }
if [ -n "$(pgrep -x auditd)" ]; then echo "SKIP: another auditd is running"; exit 77; fi
expect "auditd starts" start_auditd

# A miniature data root, and a stand-in for dockerd: a copy of cp named dockerd.
root=$TMP/data-root
mkdir -p "$root/containers/abc" "$root/overlay2/l1/diff"
cp /bin/cp "$TMP/dockerd"
daemon=$TMP/dockerd
event_for() { # path -> 0 when a record names it under our key
        local i
        for i in $(seq 30); do
                ausearch -if "$TMP/auditd/audit.log" -k "$1" 2>/dev/null | grep -qF -- "$2" && return 0
                sleep 0.1
        done
        return 1
}
no_event_for() { sleep 1; ! ausearch -if "$TMP/auditd/audit.log" -k "$1" 2>/dev/null | grep -qF -- "$2"; }

# state: -a always,exit -F dir=ROOT -F perm=wa -F exe!=DOCKERD
k_state="$KEY-state"
auditctl -a always,exit -F dir="$root" -F perm=wa -F exe!="$daemon" -k "$k_state"
echo '{"Config":{}}' > "$TMP/cfg.json"
cp "$TMP/cfg.json" "$root/containers/abc/config.v2.json"                 # someone else edits state
"$daemon" "$TMP/cfg.json" "$root/overlay2/l1/diff/layer-file"             # the daemon writes a layer
expect "state: a write below the data root by another program is recorded" event_for "$k_state" "containers/abc/config.v2.json"
expect "state: the daemon's own layer write is not recorded" no_event_for "$k_state" "layer-file"
auditctl -D -k "$k_state" >/dev/null

# cis (v1.6): -a always,exit -F path=ROOT -F perm=war: not recursive.
k_cis="$KEY-cis"
auditctl -a always,exit -F path="$root" -F perm=war -k "$k_cis"
echo '{"Config":{"x":1}}' > "$root/containers/abc/hostconfig.json"
expect "cis: a write two levels below is NOT recorded (not recursive)" no_event_for "$k_cis" "hostconfig.json"
auditctl -D -k "$k_cis" >/dev/null

# recursive: -w ROOT -p wa: everything, the daemon's layers included.
k_rec="$KEY-rec"
auditctl -w "$root" -p wa -k "$k_rec"
"$daemon" "$TMP/cfg.json" "$root/overlay2/l1/diff/layer-file2"
expect "recursive: the daemon's layer write is recorded too" event_for "$k_rec" "layer-file2"
auditctl -D -k "$k_rec" >/dev/null

# The tool renders the default form for the data root it discovers.
mkdir -p "$TMP/host/usr/bin" "$TMP/host/etc/docker" "$TMP/host/srv/d"
: > "$TMP/host/usr/bin/dockerd"
echo '{"data-root": "/srv/d"}' > "$TMP/host/etc/docker/daemon.json"
expect "the default renders dir=, perm=wa and exe!= the discovered dockerd" \
        grep -qxF -- "-a always,exit -F dir=/srv/d -F perm=wa -F exe!=/usr/bin/dockerd -k docker" \
        <("$bin" --root "$TMP/host" --print 2>/dev/null)
expect "--data-root-mode cis renders the CIS v1.6 rule" \
        grep -qxF -- "-a always,exit -F path=/srv/d -F perm=rwa -k docker" \
        <("$bin" --root "$TMP/host" --print --data-root-mode cis 2>/dev/null)
finish
