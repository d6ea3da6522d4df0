#!/bin/bash
# Install and remove on this machine's real kernel: a temporary rules directory, a key of our
# own, every rule removed at the end whatever happens.
#   test-install.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
# Paths of its own (lib.sh): the host may already watch its usual Docker paths with its own rules.
expect "the test's own dockerd runs" start_own_dockerd

rules=$TMP/rules
mkdir -p "$rules"
tool() { "$bin" --rules-dir "$rules" -k "$KEY" "$@"; }
frag=$rules/50-docker.rules

# 1. A first install loads every rendered rule and writes the fragment.
expect_status "first install" 0 tool
tool --print > "$TMP/print" 2>/dev/null
expect "fragment is byte-identical to --print" cmp -s "$frag" "$TMP/print"
expect "fragment is mode 0600" test "$(stat -c %a "$frag")" = 600
grep -E '^-[wa] ' "$frag" | sort > "$TMP/wanted-fragment"
# Every rule the fragment holds is in the kernel, as auditctl lists it.
missing=0
while IFS= read -r line; do
        path=$(sed -E 's/^-w ([^ ]+).*/\1/; s/.*-F (path|dir)=([^ ]+).*/\2/' <<<"$line")
        auditctl -l | grep -qE -- "(-w |-F (path|dir)=)$path( |$).*$KEY" || { echo "  not loaded: $line"; missing=1; }
done < "$TMP/wanted-fragment"
expect "every fragment rule is listed by auditctl -l" test "$missing" = 0
# ... and through the tool's own listing (--check reads the kernel once).
tool --check --format json > "$TMP/check.json" 2>/dev/null
expect "--check sees every watched target in the kernel" \
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(any(t["watched"] and t["in_kernel"] is False for t in d["targets"]))' "$TMP/check.json"
# The fragment loads by itself: with our rules gone, auditctl -R adds exactly them and fails on nothing.
kernel_lines > "$TMP/before"
remove_test_rules
expect "auditctl -R loads the fragment without an error" auditctl -R "$frag"
kernel_lines > "$TMP/after"
# The fragment's rule lines, and nothing else: its live-only rules are comments.
expect "auditctl -R adds nothing but the fragment's rules" \
        test "$(wc -l < "$TMP/after")" -eq "$(grep -cE '^-[wa] ' "$frag")"
tool -q >/dev/null 2>&1   # back to the full set (live-only rules too)

# 2. A second run changes nothing: no request, same file, same mtime.
mtime=$(stat -c %Y.%y "$frag")
sleep 1.1
tool --format json > "$TMP/second.json" 2>"$TMP/second.err"
expect "second run reports no change" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=d["kernel"]; sys.exit(d["changed"] or k["added"] or k["removed"] or d["fragment"]["written"])' "$TMP/second.json"
expect "second run says 'no changes'" grep -q "unchanged (no changes)" "$TMP/second.err"
expect "second run leaves the fragment's mtime alone" test "$mtime" = "$(stat -c %Y.%y "$frag")"

# 3. A stale rule with our key goes; a rule with another key on a watched path stays.
mkdir -p "$TMP/gone"
auditctl -w "$TMP/gone/dockerd" -p rwxa -k "$KEY"
other="other-$KEY"
auditctl -w /usr/sbin/dockerd -p wa -k "$other" 2>/dev/null || auditctl -w /etc/docker -p wa -k "$other"
tool -v > "$TMP/stale.out" 2>&1
expect "stale rule removed" bash -c "! auditctl -l | grep -qF -- '$TMP/gone/dockerd'"
expect "removal reported" grep -q "removed: -w $TMP/gone/dockerd" "$TMP/stale.out"
expect "rule with another key untouched" bash -c "auditctl -l | grep -qF -- '-k $other'"
auditctl -D -k "$other" >/dev/null

# 4. --dry-run changes nothing.
auditctl -w "$TMP/gone/dockerd" -p rwxa -k "$KEY"
cp "$frag" "$TMP/frag-before"
echo "# edited" >> "$frag"
tool --dry-run > "$TMP/dry.out" 2>&1
expect "--dry-run reports the stale rule" grep -q "would remove: -w $TMP/gone/dockerd" "$TMP/dry.out"
expect "--dry-run leaves the stale rule" bash -c "auditctl -l | grep -qF -- '$TMP/gone/dockerd'"
expect "--dry-run leaves the edited fragment" grep -q "^# edited" "$frag"
tool -q
expect "a real run restores the fragment" cmp -s "$frag" "$TMP/frag-before"

# 5. Faults on disk leave the old fragment intact and no temporary file behind.
mkdir -p "$TMP/ro"
mount -t tmpfs -o size=64k tmpfs "$TMP/ro"
"$bin" --rules-dir "$TMP/ro" -k "$KEY" --no-load -q
cp "$TMP/ro/50-docker.rules" "$TMP/ro-before"
mount -o remount,ro "$TMP/ro"
expect_status "read-only rules directory fails" 1 "$bin" --rules-dir "$TMP/ro" -k "$KEY" --no-load --perms wa
expect "read-only: old fragment intact" cmp -s "$TMP/ro/50-docker.rules" "$TMP/ro-before"
umount "$TMP/ro"

mkdir -p "$TMP/full"
mount -t tmpfs -o size=16k tmpfs "$TMP/full"
"$bin" --rules-dir "$TMP/full" -k "$KEY" --no-load -q
cp "$TMP/full/50-docker.rules" "$TMP/full-before"
dd if=/dev/zero of="$TMP/full/filler" bs=1k count=64 2>/dev/null   # fills the file system
expect_status "full file system fails" 1 "$bin" --rules-dir "$TMP/full" -k "$KEY" --no-load --perms wa
expect "full: old fragment intact" cmp -s "$TMP/full/50-docker.rules" "$TMP/full-before"
expect "full: no temporary file left" test "$(ls -A "$TMP/full" | grep -vc -e '^50-docker.rules$' -e '^filler$')" = 0
umount "$TMP/full"

# 6. The kernel refusing one rule in the middle: reported, nothing we had is lost, status 1.
kernel_lines > "$TMP/k-before"
auditctl -w "$TMP/gone/dockerd" -p rwxa -k "$KEY"      # a stale rule that must survive the failure
auditctl -W /usr/sbin/runc -p rwxa -k "$KEY" 2>/dev/null || auditctl -W /etc/docker -p rwxa -k "$KEY"
auditctl -W /etc/default/docker -p rwxa -k "$KEY" 2>/dev/null
with_shim DAR_SHIM_FAIL_ADD=1 "$bin" --rules-dir "$rules" -k "$KEY" > "$TMP/refuse.out" 2>&1
st=$?
expect "refused rule: exit status 1" test "$st" = 1
expect "refused rule: named in the output" grep -q "the kernel refused: -w " "$TMP/refuse.out"
expect "refused rule: stale rule kept while an add failed" bash -c "auditctl -l | grep -qF -- '$TMP/gone/dockerd'"
tool -q
kernel_lines > "$TMP/k-after"
expect "after the failure, a normal run restores the full set" cmp -s "$TMP/k-before" "$TMP/k-after"

# 7. --remove leaves no rule with our key and no fragment.
auditctl -w "$TMP/gone/dockerd" -p rwxa -k "$KEY"
expect_status "--remove" 0 tool --remove -q
expect "--remove: fragment gone" test ! -e "$frag"
expect "--remove: only the rule we did not write is left" test "$(kernel_lines | wc -l)" = 1
remove_test_rules

# 8. A locked configuration (simulated by tests/shim-audit.c: a real -e 2 lasts until reboot):
# the fragment is written, nothing is loaded, status 4; --best-effort makes it 0.
rm -f "$frag"
remove_test_rules
with_shim DAR_SHIM_FAKE_LOCKED=1 "$bin" --rules-dir "$rules" -k "$KEY" > "$TMP/locked.out" 2>&1
st=$?
expect "locked: exit status 4 ($st)" test "$st" = 4
expect "locked: says the rules load at the next boot" grep -q "locked (enabled 2).*next boot" "$TMP/locked.out"
expect "locked: the fragment is written" cmp -s "$frag" "$TMP/print"
expect "locked: nothing was loaded" test "$(kernel_lines | wc -l)" = 0
expect_status "locked with --best-effort: status 0" 0 with_shim DAR_SHIM_FAKE_LOCKED=1 "$bin" --rules-dir "$rules" -k "$KEY" --best-effort
with_shim DAR_SHIM_FAKE_LOCKED=1 "$bin" --rules-dir "$rules" -k "$KEY" --check --format json > "$TMP/locked-check.json" 2>/dev/null
# Judged on the test's own paths (lib.sh: its dockerd's binary, data root, configuration and
# socket), which the host's rules do not cover: the host's own rules (key docker, from a
# provisioning run) cover its usual Docker paths. Where any rule of another key is a plain watch
# of a directory wanted recursive (/etc/docker loaded before Docker was installed and made it; a
# data root under a cis-mode rule of another run that found this test's dockerd in /proc),
# --check rightly says not-recursive, locked or not. So the own targets must be pending reboot,
# and every target in the file but not in the kernel either pending reboot or not-recursive.
locked_verdicts() { # own|others
        python3 - "$TMP/locked-check.json" "$1" "$OWN/" "${OWN_BIN:+$OWN_BIN/}" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
which, own = sys.argv[2], tuple(p for p in sys.argv[3:] if p)
for t in d["targets"]:
    if t["in_kernel"] is False and t["in_file"] and t["path"].startswith(own) == (which == "own"):
        print(t["status"], t["path"])
EOF
}
locked_verdicts own > "$TMP/locked-own"
locked_verdicts others > "$TMP/locked-others"
expect "locked: the test's own paths are in the file, not in the kernel" test -s "$TMP/locked-own"
expect "locked: --check says pending reboot for rules in the file but not in the kernel" \
        grep -q '^pending-reboot ' "$TMP/locked-own"
expect "locked: any other verdict there is not-recursive, under a plain watch of another key" \
        bash -c "! grep -vhE '^(pending-reboot|not-recursive) ' '$TMP/locked-own' '$TMP/locked-others'"
[ "$failures" = 0 ] || sed 's/^/    /' "$TMP/locked-own" "$TMP/locked-others"

# 9. A plain watch on a directory wanted recursively (loaded before the directory existed):
# --check says so (not "stale"), install replaces it and -v tells the two lines apart.
if [ -d /etc/docker ] && tool --print 2>/dev/null | grep -qx -- "-w /etc/docker -p rwxa -k $KEY"; then
        tool -q
        auditctl -W /etc/docker -p rwxa -k "$KEY"
        auditctl -a always,exit -F path=/etc/docker -F perm=rwxa -k "$KEY"
        tool --check > "$TMP/kind.out" 2>&1
        expect "changed kind: --check says watched as a plain path, wanted recursive" \
                grep -q "/etc/docker is watched as a plain path, wanted recursive (the directory was made after" "$TMP/kind.out"
        expect "changed kind: --check does not call it stale and undiscovered" bash -c "! grep -q 'no longer discovered' '$TMP/kind.out'"
        expect "changed kind: --check lists the plain watch with its kind" \
                grep -q "^stale:   -w /etc/docker -p rwxa -k $KEY (path=)" "$TMP/kind.out"
        tool -v > "$TMP/kind-install.out" 2>&1
        expect "changed kind: -v shows the recursive watch added" \
                grep -q "^added: -w /etc/docker -p rwxa -k $KEY (dir=): replaces the plain watch" "$TMP/kind-install.out"
        expect "changed kind: -v shows the plain watch removed" \
                grep -q "^removed: -w /etc/docker -p rwxa -k $KEY (path=): replaced by a recursive watch" "$TMP/kind-install.out"
        expect "changed kind: only the recursive watch is left" \
                test "$(auditctl -l | grep -cE -- "(-w /etc/docker |dir=/etc/docker ).*$KEY")/$(auditctl -l | grep -c -- "path=/etc/docker .*$KEY")" = 1/0
        tool --check > "$TMP/kind.out" 2>&1
        expect "changed kind: --check no longer reports it" bash -c "! grep -q '/etc/docker is watched as a plain path' '$TMP/kind.out'"
        # --remove takes back the plain watch its own -w line loaded, as it takes the tree.
        auditctl -W /etc/docker -p rwxa -k "$KEY"
        auditctl -a always,exit -F path=/etc/docker -F perm=rwxa -k "$KEY"
        expect_status "changed kind: --remove" 0 tool --remove
        expect "changed kind: --remove took the plain watch of its own line out of the kernel" \
                test "$(kernel_lines | grep -c /etc/docker)" = 0
        rm -f "$frag"
        remove_test_rules
fi

# 10. --root never touches the kernel.
expect_status "--root writes the fragment only" 0 "$bin" --root / --rules-dir "$rules" -k "$KEY" -q
expect "--root loaded nothing" test "$(kernel_lines | wc -l)" = 0
expect "--root wrote the fragment" test -s "$frag"

finish
