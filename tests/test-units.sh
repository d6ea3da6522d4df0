#!/bin/bash
# The systemd units as meson generates them must pass `systemd-analyze verify` without a single
# message about them: unknown or misspelt keys, bad values and a non-executable ExecStart= are
# only warnings there, so any output naming our units fails the test.
#   test-units.sh BINARY SERVICE PATH-UNIT
# The generated service's ExecStart= names the installed binary (PREFIX/sbin), which need not exist
# yet: a copy pointing at the built binary is verified, after checking that the generated one
# names an absolute .../docker-audit-rules.
set -u
bin=$(realpath "$1")
service=$2
pathunit=$3
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }

tmp=$(mktemp -d /tmp/test-units.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

for f in "$service" "$pathunit"; do
        if grep -n '@[A-Z_]*@' "$f"; then bad "$(basename "$f"): unsubstituted @VARIABLE@"; else ok "$(basename "$f"): fully substituted"; fi
done

exec_line=$(grep '^ExecStart=' "$service")
if [[ $exec_line =~ ^ExecStart=/[^[:space:]]*/docker-audit-rules\ --best-effort\ -q$ ]]; then
        ok "ExecStart= is absolute and runs with --best-effort -q"
else
        bad "unexpected ExecStart= line: $exec_line"
fi

sed -E "s|^ExecStart=[^[:space:]]*/docker-audit-rules|ExecStart=$bin|" "$service" > "$tmp/docker-audit-rules.service"
cp "$pathunit" "$tmp/docker-audit-rules.path"
grep -q "^ExecStart=$bin " "$tmp/docker-audit-rules.service" || bad "could not point ExecStart= at $bin"

# The path unit must start our service, and nothing else.
target=$(sed -n 's/^Unit=//p' "$tmp/docker-audit-rules.path")
if [ "$target" = docker-audit-rules.service ]; then ok "path unit starts docker-audit-rules.service"; else bad "path unit's Unit= is '$target'"; fi
# Every PathChanged= is absolute (verify refuses only when none is left).
if grep -E '^Path[A-Za-z]+=' "$tmp/docker-audit-rules.path" | grep -vE '^PathChanged=/'; then
        bad "a path setting that is not an absolute PathChanged="
else
        ok "every path setting is an absolute PathChanged="
fi

args=(--man=no)
systemd-analyze verify --help 2>/dev/null | grep -q -- '--generators' && args+=(--generators=no)
(cd "$tmp" && systemd-analyze verify "${args[@]}" ./docker-audit-rules.service ./docker-audit-rules.path) \
        > "$tmp/verify.out" 2>&1
rc=$?
sed 's/^/    /' "$tmp/verify.out"
if [ "$rc" -ne 0 ]; then
        bad "systemd-analyze verify exited $rc"
elif grep -q 'docker-audit-rules' "$tmp/verify.out"; then
        bad "systemd-analyze verify has something to say about our units"
else
        ok "systemd-analyze verify: no message about our units"
fi

# The check itself must be able to fail: a misspelt key and a missing binary are reported.
mkdir "$tmp/broken"
sed -e 's/^PrivateTmp=yes/PrivateTmp=yes\nPrivateTemp=yes/' -e "s|^ExecStart=$bin|ExecStart=$tmp/missing|" \
        "$tmp/docker-audit-rules.service" > "$tmp/broken/docker-audit-rules.service"
out=$(cd "$tmp/broken" && systemd-analyze verify "${args[@]}" ./docker-audit-rules.service 2>&1)
if grep -q "PrivateTemp" <<<"$out" && grep -q "$tmp/missing" <<<"$out"; then
        ok "a broken copy is reported"
else
        bad "a broken copy went unnoticed: $out"
fi

exit $fail
