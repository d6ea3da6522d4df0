#!/bin/bash
# The administrator's choices kept across runs, on the real kernel: the key, the data-root mode
# and the CIS paths set in a settings file; a later run with no options keeps them; a changed key
# leaves no orphaned rules of the previous one; --check says when such rules are still loaded.
# Every run reads the settings through --config: the host's own /etc/docker-audit-rules.conf is
# never touched.
#   test-settings.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
# Paths of its own (lib.sh): the host may already watch its usual Docker paths.
expect "the test's own dockerd runs" start_own_dockerd

KEY2="$KEY-new"
rules=$TMP/rules
conf=$TMP/docker-audit-rules.conf
frag=$rules/50-docker.rules
mkdir -p "$rules"
tool() { "$bin" --rules-dir "$rules" --config "$conf" "$@"; }
lines_of() { auditctl -l 2>/dev/null | grep -E -- "(-k |key=)$1\$" | sort; }
cleanup_key2() { auditctl -D -k "$KEY2" >/dev/null 2>&1; }
trap 'cleanup_key2; cleanup' EXIT

# 1. The file's choices apply to a run with no options.
printf '[Rules]\nKey=%s\nDataRootMode=off\nCISPaths=no\n' "$KEY" > "$conf"
expect_status "first run with the settings file" 0 tool -q
expect "the fragment's header records the settings" \
        grep -qx "# Settings: key \"$KEY\", permissions default, data root mode \"off\", run mode \"session\"," "$frag"
expect "no data-root rule (DataRootMode=off)" bash -c "! grep -q -- '$OWN/data' '$frag'"
expect "no rule is there for the CIS text's sake alone (CISPaths=no)" bash -c "! grep -qx \"#   the CIS Benchmark's path\" '$frag'"
n1=$(lines_of "$KEY" | wc -l)
expect "rules with the first key are loaded ($n1)" test "$n1" -gt 0
# --check: the rules are all there; what the audit status says (enabled, auditd) is the host's.
check_ok() { # description
        local st
        tool --check > "$TMP/check.out" 2>&1; st=$?
        if [ "$st" -le 1 ] && ! grep -qE "^(stale|.*previous key)" "$TMP/check.out" &&
           grep -qE "([0-9]+) of \1 targets covered" "$TMP/check.out"; then
                ok "$1 (status $st)"
        else
                fail "$1: status $st"; sed 's/^/    /' "$TMP/check.out"
        fi
}
check_ok "--check with the same settings: every target covered, nothing stale"

# 2. The command line wins over the file.
tool --print --data-root-mode state 2>/dev/null > "$TMP/print-state"
expect "--data-root-mode on the command line wins over the file" grep -q -- "dir=$OWN/data" "$TMP/print-state"

# 3. The key changes in the file: --check sees the rules of the previous key, install moves them.
printf '[Rules]\nKey=%s\nDataRootMode=off\nCISPaths=no\n' "$KEY2" > "$conf"
tool --check > "$TMP/check-old.out" 2>&1
st=$?
expect "--check before the rerun is not OK ($st)" test "$st" -ne 0
expect "--check names the rules of the previous key" grep -q "previous key \"$KEY\"" "$TMP/check-old.out"
expect_status "rerun with the new key" 0 tool -q
expect "no rule with the previous key is left in the kernel" test "$(lines_of "$KEY" | wc -l)" = 0
expect "the same rules with the new key ($(lines_of "$KEY2" | wc -l))" test "$(lines_of "$KEY2" | wc -l)" = "$n1"
expect "the fragment carries the new key" grep -q "key \"$KEY2\"" "$frag"
check_ok "--check after the rerun: every target covered, nothing stale"
expect_status "an idempotent rerun" 0 tool -q
expect "it changed nothing" test "$(lines_of "$KEY2" | wc -l)" = "$n1"

# 4. A settings file problem is reported, the run goes on with the defaults for that setting.
printf '[Rules]\nKey=%s\nDataRootMode=sometimes\nCISPaths=no\n' "$KEY2" > "$conf"
tool --print > "$TMP/bad.out" 2>&1
expect "a bad value is named with its file and line" grep -q "$conf:3: DataRootMode=sometimes" "$TMP/bad.out"
expect_status "a bad value gives exit status 3" 3 tool --print
expect_status "a missing --config file is a usage error" 2 "$bin" --print --config "$TMP/nonexistent.conf"

# 5. --remove with the same settings removes the rules of the current key and the fragment.
printf '[Rules]\nKey=%s\nDataRootMode=off\nCISPaths=no\n' "$KEY2" > "$conf"
expect_status "--remove" 0 tool --remove -q
expect "no rule with the new key is left" test "$(lines_of "$KEY2" | wc -l)" = 0
expect "the fragment is gone" test ! -e "$frag"
finish
