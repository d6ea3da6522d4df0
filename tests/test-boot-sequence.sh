#!/bin/bash
# The boot sequence, end to end, for one key of our own: the fragment the tool wrote is loaded
# the way the boot-time load does it, before containerd exists; then real containerd (on its
# default paths, since /run/containerd is what boots get wrong) and dockerd start. The kernel then
# holds the plain, non-recursive watch on /run/containerd the fragment has (run mode "session"),
# but not the recursive login-session rule below it, nor a rule for the socket, and --check is
# CRITICAL. Running exactly what the shipped run-time unit runs fixes it.
# Recursion is shown by events: a write two directories below /run/containerd from a login
# session is recorded by the recursive rule only.
#   test-boot-sequence.sh BINARY RUNTIME-UNIT
set -u
bin=$(realpath "$1")
unit=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docker.sh"
live_need
if default_containerd_running; then
        echo "SKIP: a containerd runs on the default paths; this test must start one there itself"
        exit 77
fi

# /run/containerd must not exist, as at boot. A leftover of an earlier run (containerd's shims
# make /run/containerd/s even for a containerd on other paths) may go if nothing uses it.
in_use() { # path: 0 if a process has it (or something below it) open, as cwd or root, or a mount is below it
        local l
        findmnt -rn -o TARGET | grep -qE "^$1(/|\$)" && return 0
        for l in /proc/[0-9]*/cwd /proc/[0-9]*/root /proc/[0-9]*/fd/*; do
                case $(readlink "$l" 2>/dev/null) in "$1" | "$1"/*) return 0 ;; esac
        done
        return 1
}
if [ -e /run/containerd ]; then
        if in_use /run/containerd; then
                echo "SKIP: /run/containerd exists and is in use, so this cannot be a boot"
                exit 77
        fi
        echo "note: removing a leftover /run/containerd that nothing uses"
        rm -rf /run/containerd
fi

rules=$TMP/rules
mkdir -p "$rules"
frag=$rules/50-docker.rules
klist() { auditctl -l -k "$KEY" 2>/dev/null; }
# deep_write N: create /run/containerd/dar-probe-PID/N/f, two levels below, from a login session
# (run mode "session" records below /run/containerd what tasks with a login uid do), and print which key
# the event naming it carries: "ours", "other KEY" (a rule of the host matched first: the kernel
# reports the first matching rule's key, so the check proves nothing), or "none" (within 3 s).
deep_write() {
        local f=/run/containerd/dar-probe-$$/$1/f i k=
        sh -c 'echo 1000 > /proc/self/loginuid && mkdir -p "${1%/f}" && echo "$2" > "$1"' sh "$f" "$1"
        for i in $(seq 30); do
                k=$(ausearch -if "$TMP/auditd/audit.log" 2>/dev/null | awk -v RS='----' -v s="dar-probe-$$/$1/f" 'index($0, s)' |
                        grep -o ' key="[^"]*"' | sed 's/ key="\(.*\)"/\1/' | sort -u | head -1)
                [ -n "$k" ] && break
                sleep 0.1
        done
        rm -rf "/run/containerd/dar-probe-$$"
        if [ -z "$k" ]; then echo none; elif [ "$k" = "$KEY" ]; then echo ours; else echo "other $k"; fi
}
# target_status PATH: the status --check gives PATH (the tool's own reading of the kernel's rule).
target_status() {
        "$bin" --check --format json --key "$KEY" --rules-dir "$rules" 2>/dev/null |
                python3 -c "import json,sys; print([t['status'] for t in json.load(sys.stdin)['targets'] if t['path'] == '$1'])"
}

expect "auditd starts" start_auditd

# Before the reboot: the tool ran, the fragment is written.
expect_status "the tool writes the fragment and loads the rules" 0 "$bin" --key "$KEY" --rules-dir "$rules" -q
expect "the fragment has the watch on /run/containerd as a boot rule" \
        grep -qxF -- "-a always,exit -F path=/run/containerd -F perm=rwa -k $KEY" "$frag"
expect "the fragment has no boot rule below /run/containerd" bash -c "! grep -qE '^-[aw].*/run/containerd/' '$frag'"
cp "$frag" "$TMP/fragment-before"

# The boot, for our key only: its rules are gone, the load reads the fragment line by line and
# stops at the first failing line, so every line must load.
auditctl -D -k "$KEY" >/dev/null
expect "no rule with our key is left" test -z "$(kernel_lines)"
expect "/run/containerd does not exist" test ! -e /run/containerd
expect_status "auditctl -R loads the fragment without a failing line" 0 auditctl -R "$frag"

# The daemons start.
expect "containerd starts on its default paths" containerd_start default
expect "dockerd starts (private data root, exec root and API socket)" dockerd_start "$CTRD_SOCK"
[ "$failures" = 0 ] || { finish; exit 1; }
expect "containerd made /run/containerd" test -d /run/containerd
expect "containerd's socket exists" test -S /run/containerd/containerd.sock

# The failure state: the watch stayed plain, the socket has no rule, --check says CRITICAL.
klist > "$TMP/kernel-boot"
expect "after boot: a watch on /run/containerd is loaded" grep -qxF -- "-w /run/containerd -p rwa -k $KEY" "$TMP/kernel-boot"
expect "after boot: no rule for the socket" bash -c "! grep -qF -- '/run/containerd/containerd.sock' '$TMP/kernel-boot'"
expect_status "after boot: --check is CRITICAL" 2 "$bin" --check --key "$KEY" --rules-dir "$rules"
echo "    --check on /run/containerd: $(target_status /run/containerd)"
expect "after boot: --check says the watch on /run/containerd is not recursive (the login-session rule is missing)" \
        grep -qF "not-recursive" <(target_status /run/containerd)
got=$(deep_write boot)
case $got in
other*) echo "note: a rule of the host ($got) takes the events below /run/containerd: event check skipped" ;;
*) expect "after boot: a write two levels below /run/containerd is not recorded (got: $got)" test "$got" = none ;;
esac

# What the shipped run-time unit runs (containerd.service and docker.service pull it in), with our
# key and rules directory.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
read -r -a cmd <<<"$exec_start"
expect "the run-time unit runs docker-audit-rules (${cmd[*]})" test "$(basename "${cmd[0]}")" = docker-audit-rules
cmd[0]=$bin
expect_status "the run-time unit's command succeeds" 0 "${cmd[@]}" --key "$KEY" --rules-dir "$rules"

klist > "$TMP/kernel-after"
sed 's/^/    /' "$TMP/kernel-after" | grep -F /run/containerd
expect_check_ok "after the run-time unit: --check is OK" "$bin" --check --key "$KEY" --rules-dir "$rules"
expect "after the run-time unit: one watch on /run/containerd" \
        test "$(grep -cxF -- "-w /run/containerd -p rwa -k $KEY" "$TMP/kernel-after")" = 1
expect "after the run-time unit: the recursive login-session rule on /run/containerd" \
        grep -qE -- "-F dir=/run/containerd -F perm=rwa -F auid!=(-1|unset|4294967295) .*key=$KEY\$" "$TMP/kernel-after"
expect "after the run-time unit: --check says the watch on /run/containerd is ok" \
        grep -qF "'ok'" <(target_status /run/containerd)
got=$(deep_write runtime)
case $got in
other*) echo "note: a rule of the host ($got) takes the events below /run/containerd: event check skipped" ;;
*) expect "after the run-time unit: a write two levels below /run/containerd is recorded (got: $got)" test "$got" = ours ;;
esac
expect "after the run-time unit: the socket is watched" \
        grep -qxF -- "-w /run/containerd/containerd.sock -p rwxa -k $KEY" "$TMP/kernel-after"
expect "the fragment still has no boot rule below /run/containerd" \
        bash -c "! grep -qE '^-[aw].*/run/containerd/' '$frag'"
expect "the fragment names the socket as loaded live only" \
        grep -qxF -- "#   -w /run/containerd/containerd.sock -p rwxa -k $KEY" "$frag"
if cmp -s "$TMP/fragment-before" "$frag"; then echo "    the fragment is unchanged"; else
        echo "    the fragment changed:"; diff "$TMP/fragment-before" "$frag" | sed 's/^/    /'; fi

# A second run changes nothing (the unit runs at every daemon start).
"${cmd[@]}" --key "$KEY" --rules-dir "$rules" -v > "$TMP/again" 2>&1
klist > "$TMP/kernel-again"
expect "a second run leaves the kernel's rules as they are" cmp -s "$TMP/kernel-after" "$TMP/kernel-again"
cmp -s "$TMP/kernel-after" "$TMP/kernel-again" || { diff "$TMP/kernel-after" "$TMP/kernel-again"; cat "$TMP/again"; } | sed 's/^/    /'
finish
