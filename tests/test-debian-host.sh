#!/bin/bash
# With Debian's docker.io, containerd and runc packages installed on this machine, --print on /
# must name the real binaries (not the CIS text's), the runc symlink and the units where Debian
# keeps them. Skips (77) where those packages are not installed.
set -u
bin=$1
for p in docker.io containerd runc; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || { echo "SKIP: $p not installed"; exit 77; }
done
out=$("$bin" --print --rules-dir "$(mktemp -d)") || { echo "FAIL: --print exited $?"; exit 1; }
fail=0
expect() {
        if grep -qxF -- "$1" <<<"$out"; then echo "ok: $1"; else echo "FAIL: missing line: $1"; fail=1; fi
}
expect "-w /usr/sbin/dockerd -p rwxa -k docker"
expect "-w /usr/sbin/runc -p rwxa -k docker"
expect "-w /usr/bin/runc -p rwxa -k docker"
expect "-w /usr/lib/systemd/system/docker.service -p rwxa -k docker"
expect "-w /usr/lib/systemd/system/docker.socket -p rwxa -k docker"
expect "-w /usr/lib/systemd/system/containerd.service -p rwxa -k docker"
expect "-w /usr/bin/containerd -p rwxa -k docker"
expect "-w /etc/default/docker -p rwxa -k docker"
# The symlink's target is what runs: its evidence must say where it was found.
grep -q "^#   found in /usr/sbin" <<<"$out" || { echo "FAIL: no evidence for /usr/sbin/runc"; fail=1; }
# Nothing in the fragment may be a control line.
if grep -qE '^-(D|b|f|e|c|i)( |$)' <<<"$out"; then echo "FAIL: control line in fragment"; fail=1; fi
exit $fail
