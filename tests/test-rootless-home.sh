#!/bin/bash
# Rootless Docker when a home cannot be read (an unprivileged run): the home is named in a
# problem, the exit status says so, and the readable homes are still searched; what they name is
# loaded live only, never as a line that loads at boot.
#   test-rootless-home.sh BINARY FIXTURES-DIR
set -u
bin=$(realpath "$1")
fixtures=$(realpath "$2")
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

cp -a "$fixtures/rootless/root" "$tmp/root"
chmod -R a+rX "$tmp/root"
chmod 000 "$tmp/root/home/bob"
# As root, a mode does not keep the tool out: run it as nobody. Otherwise as this user, whom mode
# 000 keeps out of their own directory too.
run=()
if [ "$(id -u)" = 0 ]; then
        command -v setpriv >/dev/null || { echo "SKIP: setpriv is not installed"; exit 77; }
        run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
out=$("${run[@]}" "$bin" --root "$tmp/root" --list-paths 2>&1)
status=$?
check "an unreadable home is a problem naming it and the user" \
        "grep -qE '^problem: /home/bob: home of user bob cannot be read' <<<\"\$out\""
check "a problem makes the exit status 3" "[ $status = 3 ]"
check "the readable home is still searched (alice's data root)" \
        "grep -qE '^data-root +[^ ]+ +/home/alice/docker-data +yes +live only \(a user.s path' <<<\"\$out\""
check "alice's lingering is said in her unit file's evidence" \
        "grep -qE '/home/alice/.config/systemd/user/docker.service +yes +live only \(a user.s path, checked at every run, never loaded at boot\): unit file of docker.service \(user alice, enabled, lingering' <<<\"\$out\""
check "the socket below /run/user is loaded live only" \
        "grep -qE '^docker.sock +[^ ]+ +/run/user/1000/docker.sock +no +live only' <<<\"\$out\""
check "a user's paths are never rules that load at boot" \
        "! \"\${run[@]}\" \"\$bin\" --root \"\$tmp/root\" --print 2>/dev/null | grep -qE '^-[wa].*/home/alice/'"
chmod 755 "$tmp/root/home/bob"
out=$("${run[@]}" "$bin" --root "$tmp/root" --list-paths 2>&1)
check "a readable home without Docker is no problem" "! grep -q '^problem:' <<<\"\$out\""
[ "$fail" = 0 ]
