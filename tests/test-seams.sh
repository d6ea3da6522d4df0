#!/bin/bash
# The installed program has no test switches: the variables earlier versions read for fault
# injection are neither in the binary nor honoured by it. The faults come from
# tests/shim-audit.c, preloaded; this shows the shim really reaches the program's calls.
#   test-seams.sh BINARY FIXTURE-ROOT   (SHIM_AUDIT in the environment)
set -u
bin=$(realpath "$1")
root=$(realpath "$2")
tmp=$(mktemp -d /tmp/dar-seams.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0 checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

old=(DOCKER_AUDIT_RULES_FAKE_LOCKED DOCKER_AUDIT_RULES_FAIL_ADD DOCKER_AUDIT_RULES_TEST_KILL_BEFORE_RENAME
     AUDIT_FAULT_INJECTION DAR_SHIM_)
for v in "${old[@]}"; do
        expect "the binary does not contain \"$v\"" bash -c "! grep -qaF -- '$v' '$bin'"
done

run() { # rules-dir, env...
        local dir=$1; shift
        mkdir -p "$dir"
        env "$@" "$bin" --root "$root" --rules-dir "$dir" -k seams -q >"$dir.out" 2>&1
        echo $? > "$dir.status"
}
run "$tmp/plain"
run "$tmp/old" DOCKER_AUDIT_RULES_FAKE_LOCKED=1 DOCKER_AUDIT_RULES_FAIL_ADD=1 DOCKER_AUDIT_RULES_TEST_KILL_BEFORE_RENAME=1
expect "a plain run writes the fragment (status $(cat "$tmp/plain.status"))" test -s "$tmp/plain/50-docker.rules"
expect "the old variables change nothing: same status" cmp -s "$tmp/plain.status" "$tmp/old.status"
expect "the old variables change nothing: same output" cmp -s "$tmp/plain.out" "$tmp/old.out"
expect "the old variables change nothing: same fragment" cmp -s "$tmp/plain/50-docker.rules" "$tmp/old/50-docker.rules"

# Through the shim the same run is killed just before the rename, leaving only a temporary file.
if [ -n "${SHIM_AUDIT:-}" ] && [ -f "$SHIM_AUDIT" ]; then
        run "$tmp/shim" LD_PRELOAD="$SHIM_AUDIT" DAR_SHIM_KILL_BEFORE_RENAME=1
        expect "with the shim: killed before the rename (status $(cat "$tmp/shim.status"))" test "$(cat "$tmp/shim.status")" = 137
        expect "with the shim: no fragment, one temporary file" \
                bash -c "[ ! -e '$tmp/shim/50-docker.rules' ] && ls -A '$tmp/shim' | grep -qxE '\.50-docker\.rules\.[0-9a-f]{16}\.tmp'"
        # libauparse is opened only to read a log: without it --report says what to install and
        # exits 3 (no log readable), and the other modes do not notice.
        log=$(dirname "$root")/../report/audit.log
        env LD_PRELOAD="$SHIM_AUDIT" DAR_SHIM_NO_DLOPEN=libauparse "$bin" --report --input "$log" -k docker \
                >"$tmp/nolib.out" 2>"$tmp/nolib.err"
        st=$?
        expect "without libauparse: --report exits 3 (status $st)" test "$st" = 3
        expect "without libauparse: it names the library and the package to install" \
                grep -qE 'libauparse\.so\.0.*install libauparse0' "$tmp/nolib.err"
        env "$bin" --report --input "$log" -k docker >/dev/null 2>&1
        st=$?
        expect "with libauparse the same report reads the log (status $st)" test "$st" -ne 3
        run "$tmp/nolib-install" LD_PRELOAD="$SHIM_AUDIT" DAR_SHIM_NO_DLOPEN=libauparse
        expect "without libauparse: install writes the same fragment" \
                cmp -s "$tmp/plain/50-docker.rules" "$tmp/nolib-install/50-docker.rules"
        run "$tmp/inert" LD_PRELOAD="$SHIM_AUDIT"
        expect "with the shim and no variable: the same fragment as without it" \
                cmp -s "$tmp/plain/50-docker.rules" "$tmp/inert/50-docker.rules"
else
        fail "SHIM_AUDIT does not name the fault-injection library (run through meson test)"
fi

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
