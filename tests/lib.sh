# Shared helpers for the shell tests that touch the kernel. Each test uses its own key and
# removes every rule carrying it on exit, whatever happened.
# shellcheck shell=bash

KEY="dartest-$$-$RANDOM"
TMP=$(mktemp -d /tmp/dar-test.XXXXXX)
ENABLED_BEFORE=
AUDITD_PID=
OWN= OWN_BIN= OWN_DOCKERD= OWN_PID=
failures=0
checks=0

need_kernel_audit() {
        command -v auditctl >/dev/null || { echo "SKIP: auditctl not installed"; exit 77; }
        if ! out=$(auditctl -s 2>&1); then
                echo "SKIP: the kernel's audit is not reachable here: $out"
                exit 77
        fi
        ENABLED_BEFORE=$(awk '$1 == "enabled" { print $2 }' <<<"$out")
        if [ "$ENABLED_BEFORE" = 2 ]; then
                echo "SKIP: the audit configuration is locked (enabled 2); nothing can be added"
                exit 77
        fi
}

# Delete every rule carrying our key, through auditctl itself (independent of the tool):
# `auditctl -D -k KEY` deletes the rules with that key only.
remove_test_rules() {
        auditctl -D -k "$KEY" >/dev/null 2>&1
}

stop_auditd() {
        if [ -n "$AUDITD_PID" ]; then
                kill "$AUDITD_PID" 2>/dev/null
                for _ in $(seq 50); do kill -0 "$AUDITD_PID" 2>/dev/null || break; sleep 0.1; done
                kill -9 "$AUDITD_PID" 2>/dev/null
                AUDITD_PID=
        fi
}

cleanup() {
        stop_own_dockerd
        stop_auditd
        remove_test_rules
        if [ -n "$ENABLED_BEFORE" ] && [ "$ENABLED_BEFORE" != 2 ]; then
                auditctl -e "$ENABLED_BEFORE" >/dev/null 2>&1
        fi
        mountpoint -q "$TMP/ro" 2>/dev/null && umount "$TMP/ro"
        mountpoint -q "$TMP/full" 2>/dev/null && umount "$TMP/full"
        rm -rf "$TMP"
        [ -n "$OWN_BIN" ] && rm -rf "$OWN_BIN"
        if auditctl -l 2>/dev/null | grep -qF -- "$KEY"; then
                echo "FAIL: rules with key $KEY are still loaded after cleanup"
                exit 1
        fi
}
trap cleanup EXIT

# A dockerd of the test's own: a stand-in (tests/fake-daemon.c) running from $TMP/own with its
# data root, configuration file and socket there too. Discovery finds it in /proc, so the tool
# also watches paths that only this test watches. A test needs them wherever the host's own
# rules would get in the way: the kernel reports the key of the first matching rule only, and
# --check counts a path as covered whatever key covers it, so with a host provisioned with
# this tool (key docker) the host's usual Docker paths say nothing about the test's rules.
# Discovery uses only a daemon of root's, running a binary of root's: the binary lives in a
# directory of root's that no one else can write (OWN_BIN: not below the sticky /tmp, and not
# below /run, whose rules are live only).
# Sets OWN (the directory), OWN_DOCKERD, OWN_CONFIG and OWN_SOCKET.
start_own_dockerd() {
        if [ -z "${FAKE_DAEMON:-}" ] || [ ! -x "$FAKE_DAEMON" ]; then
                echo "FAIL: FAKE_DAEMON does not name tests/fake-daemon (run through meson test)"
                return 1
        fi
        [ -n "$OWN_BIN" ] || OWN_BIN=$(mktemp -d /var/lib/dar-own.XXXXXX) || return 1
        # Its files too: root's, so that the read record keeps them as it keeps the host's.
        OWN=$OWN_BIN/own
        OWN_DOCKERD=$OWN_BIN/dockerd OWN_CONFIG=$OWN/etc/daemon.json OWN_SOCKET=$OWN/docker.sock
        mkdir -p "$OWN/data" "$OWN/etc"
        cp -f "$FAKE_DAEMON" "$OWN_DOCKERD"
        echo '{}' > "$OWN_CONFIG"
        python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$OWN_SOCKET" || return 1
        "$OWN_DOCKERD" --data-root "$OWN/data" --config-file "$OWN_CONFIG" -H "unix://$OWN_SOCKET" &
        OWN_PID=$!
        for _ in $(seq 100); do
                [ "$(readlink "/proc/$OWN_PID/exe" 2>/dev/null)" = "$OWN_DOCKERD" ] && return 0
                sleep 0.05
        done
        echo "FAIL: the test's own dockerd did not start"
        return 1
}

stop_own_dockerd() {
        if [ -n "$OWN_PID" ]; then
                kill "$OWN_PID" 2>/dev/null
                wait "$OWN_PID" 2>/dev/null
                OWN_PID=
        fi
}

# Run a command with the fault-injection library preloaded (tests/shim-audit.c lists its
# variables): with_shim DAR_SHIM_FAIL_ADD=1 "$bin" ... The program itself reads none of them.
with_shim() {
        if [ -z "${SHIM_AUDIT:-}" ] || [ ! -f "$SHIM_AUDIT" ]; then
                echo "FAIL: SHIM_AUDIT does not name the fault-injection library (run through meson test)" >&2
                return 98
        fi
        env LD_PRELOAD="$SHIM_AUDIT" "$@"
}

ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { # description, command...
        local what=$1; shift
        if "$@"; then ok "$what"; else fail "$what"; fi
}
expect_status() { # description, expected status, command...
        local what=$1 want=$2; shift 2
        "$@" >"$TMP/out" 2>&1
        local got=$?
        if [ "$got" = "$want" ]; then ok "$what (status $got)"; else fail "$what: status $got, expected $want"; sed 's/^/    /' "$TMP/out"; fi
}
# The host's own rules of other keys come first. On a machine provisioned with this tool (key
# docker) or any other rule set watching Docker's usual paths, those rules are listed before a
# test's own (added later, so appended) and take the events of the same paths: the kernel gives
# an event the key of the first rule that matches (first match wins), and --check says so, one
# WARNING per rule. A clean --check of the test's key is then WARNING for that reason alone.
# only_host_takers FILE: FILE, a --check in text, counts no critical finding and as many warnings
# as it names such rules of the kernel before ours (a target in a state that counts is a
# warning or critical too).
only_host_takers() {
        local w n
        w=$(sed -nE '1s/.*; 0 critical, ([0-9]+) warning;.*/\1/p' "$1")
        n=$(grep -cE '^warning: rule ".*" in the kernel \(auditctl -l rule [0-9]+, before ours at rule [0-9]+\) (takes|may take) the [rwxa]+ events of ' "$1")
        [ -n "$w" ] && [ "$w" = "$n" ] && [ "$n" -gt 0 ]
}
# expect_check_ok description command...: a --check that is OK, or WARNING only because of the
# host's rules before ours (only_host_takers). Its output is left in $TMP/out.
expect_check_ok() {
        local what=$1; shift
        "$@" >"$TMP/out" 2>&1
        local got=$?
        if [ "$got" = 0 ] || { [ "$got" = 1 ] && only_host_takers "$TMP/out"; }; then
                ok "$what (status $got)"
        else
                fail "$what: status $got, expected 0 (or 1 for the host's rules of other keys before ours alone)"
                sed 's/^/    /' "$TMP/out"
        fi
}
# The same for a --check in JSON (python: d, the object): OK, or WARNING where every warning is a
# rule of another key before ours in the kernel, or a probe whose event such a rule took.
CHECK_JSON_OK='(d["status"] == "OK" and d["exit_status"] == 0) or (d["status"] == "WARNING" and d["exit_status"] == 1 and d["summary"]["critical"] == 0 and all(t["status"] == "ok" for t in d["targets"] if t["watched"] and t["counted"]) and d["summary"]["warning"] == len([x for x in d["shadowing_rules"] if x["kind"] == "key-before" and x["in_kernel"] and x["severity"] == "warning"]) + len([x for x in ((d.get("probe") or {}).get("probes") or []) if x["status"] == "other-key"]))'

finish() {
        echo "$((checks - failures)) passed, $failures failed"
        [ "$failures" -eq 0 ]
}

# Rules carrying our key, as auditctl lists them.
kernel_lines() { auditctl -l 2>/dev/null | grep -E -- "(-k |key=)$KEY\$" | sort; }

# start_auditd [SETTING=VALUE...]: auditd in the foreground with its own configuration and log in
# $TMP/auditd: the host's auditd.conf with log_file and log_group replaced, and each SETTING given
# replaced by its VALUE (a setting the host's file lacks is added), e.g. max_log_file_action=IGNORE.
start_auditd() {
        local kv sed_args=(-e "s|^log_file *=.*|log_file = $TMP/auditd/audit.log|" -e "s|^log_group *=.*|log_group = root|")
        mkdir -p "$TMP/auditd"
        for kv in "$@"; do sed_args+=(-e "/^${kv%%=*} *=/d"); done
        sed "${sed_args[@]}" /etc/audit/auditd.conf > "$TMP/auditd/auditd.conf"
        for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}" >> "$TMP/auditd/auditd.conf"; done
        chmod 0640 "$TMP/auditd/auditd.conf"
        auditd -n -c "$TMP/auditd" >"$TMP/auditd/stdout" 2>&1 &
        AUDITD_PID=$!
        for _ in $(seq 100); do
                [ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$AUDITD_PID" ] && return 0
                sleep 0.1
        done
        echo "auditd did not start:"; cat "$TMP/auditd/stdout"
        return 1
}
