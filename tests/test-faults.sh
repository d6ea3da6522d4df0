#!/bin/bash
# Faults and concurrency on the real kernel: a run killed between writing and renaming never
# leaves a half-written fragment, and ten concurrent runs end with one consistent fragment and
# no duplicate kernel rule.
#   test-faults.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
rules=$TMP/rules
mkdir -p "$rules"
frag=$rules/50-docker.rules
tool() { "$bin" --rules-dir "$rules" -k "$KEY" "$@"; }

# Killed between write and rename: the old fragment stays whole; the next run cleans up.
tool -q --no-load
cp "$frag" "$TMP/old"
with_shim DAR_SHIM_KILL_BEFORE_RENAME=1 "$bin" --rules-dir "$rules" -k "$KEY" --no-load --perms wa >/dev/null 2>&1
st=$?
expect "the run was killed before renaming (status $st)" test "$st" = 137
expect "killed before rename: the old fragment is intact" cmp -s "$frag" "$TMP/old"
expect "killed before rename: the complete new text waits in a temporary file augenrules ignores" \
        bash -c "ls -A '$rules' | grep -qE '^\.50-docker\.rules\.[0-9a-f]{16}\.tmp$'"
expect "no other .rules file appeared" test "$(ls "$rules"/*.rules | wc -l)" = 1
tool --no-load --perms wa -q
expect "the next run writes the new fragment" grep -q -- "-p wa -k $KEY" "$frag"
expect "the next run removes the leftover temporary file" test "$(ls -A "$rules" | wc -l)" = 1

# The variables earlier versions read for fault injection change nothing in the program: with
# them all set a run still loads every rule and writes the fragment.
rm -f "$frag"
remove_test_rules
DOCKER_AUDIT_RULES_FAKE_LOCKED=1 DOCKER_AUDIT_RULES_FAIL_ADD=1 DOCKER_AUDIT_RULES_TEST_KILL_BEFORE_RENAME=1 \
        tool -q > "$TMP/old-vars.out" 2>&1
st=$?
expect "old test variables: the run succeeds (status $st)" test "$st" = 0
expect "old test variables: the fragment is written" test -s "$frag"
want=$(grep -cE '^(-w|-a) ' "$frag")
have=$(kernel_lines | wc -l)
expect "old test variables: every rule is loaded ($have of $want)" test "$have" -ge 1 -a "$have" -ge "$want"
remove_test_rules

# The lock: while another run holds the rules directory, a run waits, then says so.
if command -v flock >/dev/null; then
        flock "$rules" sleep 2 &
        holder=$!
        sleep 0.3
        start=$(date +%s%N)
        tool -v --no-load > "$TMP/lock.out" 2>&1
        waited_ms=$(( ($(date +%s%N) - start) / 1000000 ))
        wait "$holder"
        expect "a second run waits for the lock (${waited_ms} ms)" test "$waited_ms" -ge 1000
        expect "and says it waited" grep -q "waited for another run to finish" "$TMP/lock.out"
fi

# Ten concurrent runs.
rm -f "$frag"
remove_test_rules
pids=()
for i in $(seq 10); do
        tool -q > "$TMP/run$i.out" 2>&1 &
        pids+=($!)
done
all=0
for p in "${pids[@]}"; do wait "$p" || all=1; done
expect "ten concurrent runs all exit 0" test "$all" = 0
tool --print > "$TMP/print" 2>/dev/null
expect "ten concurrent runs: one consistent fragment" cmp -s "$frag" "$TMP/print"
expect "ten concurrent runs: no temporary file left" test "$(ls -A "$rules" | wc -l)" = 1
dups=$(auditctl -l | grep -F -- "$KEY" | sort | uniq -d | wc -l)
expect "ten concurrent runs: no duplicate kernel rule" test "$dups" = 0
# What the tool wants loaded now (boot rules and the live-only ones whose directory exists): a
# dry run says it would add and remove nothing, and keeps as many rules as the kernel has.
tool --dry-run --format json > "$TMP/dry.json" 2>/dev/null
want=$(python3 -c 'import json, sys; k = json.load(open(sys.argv[1]))["kernel"]; print(k["unchanged"] if not k["added"] and not k["removed"] else -1)' "$TMP/dry.json")
have=$(auditctl -l | grep -cF -- "$KEY")
expect "ten concurrent runs: exactly the wanted rules are loaded ($have of $want)" test "$have" = "$want"
# The fragment cannot be written (a full file system, a read-only one, an immutable fragment, a
# directory in its place): the kernel is left as it was, and the run says so. Then --remove takes
# back everything a run loaded, and says truthfully what it could not do to the fragment.
fault_case() { # name, setup command: a fresh rules directory $fdir is made before it
        local name=$1 setup=$2
        remove_test_rules
        fdir=$TMP/fault-$name
        rm -rf "$fdir"; mkdir -p "$fdir"
        eval "$setup"
        "$bin" --rules-dir "$fdir" -k "$KEY" > "$TMP/fault.out" 2>&1
        local st=$?
        expect "$name: install fails (status $st)" test "$st" = 1
        expect "$name: no rule of the run is in the kernel ($(kernel_lines | wc -l))" test "$(kernel_lines | wc -l)" = 0
        expect "$name: it says the kernel was not changed" grep -q "the kernel's rules were not changed" "$TMP/fault.out"
        [ "$failures" = 0 ] || sed 's/^/    /' "$TMP/fault.out"
}
if mount -t tmpfs -o size=64k tmpfs "$TMP/full" 2>/dev/null || { mkdir -p "$TMP/full" && mount -t tmpfs -o size=64k tmpfs "$TMP/full"; }; then
        dd if=/dev/zero of="$TMP/full/fill" bs=4k count=100 2>/dev/null
        fault_case "full file system" 'fdir=$TMP/full'
        umount "$TMP/full"
fi
fault_case "a directory in the fragment's place" 'mkdir "$fdir/50-docker.rules"'
if command -v chattr >/dev/null && touch "$TMP/immutable-probe" && chattr +i "$TMP/immutable-probe" 2>/dev/null; then
        chattr -i "$TMP/immutable-probe"
        fault_case "an immutable fragment" '"$bin" --rules-dir "$fdir" -k "$KEY" --no-load -q --perms wa; chattr +i "$fdir/50-docker.rules"'
        # --remove: the rules go, the fragment cannot; the summary says it was NOT removed.
        "$bin" --rules-dir "$fdir" -k "$KEY" --no-write --perms wa -q
        expect "immutable: rules loaded for --remove ($(kernel_lines | wc -l))" test "$(kernel_lines | wc -l)" -gt 0
        "$bin" --rules-dir "$fdir" -k "$KEY" --remove > "$TMP/fault.out" 2>&1
        st=$?
        expect "immutable: --remove fails (status $st)" test "$st" = 1
        expect "immutable: --remove took every rule out of the kernel" test "$(kernel_lines | wc -l)" = 0
        expect "immutable: --remove says the fragment was NOT removed" grep -q "NOT removed" "$TMP/fault.out"
        expect "immutable: --remove does not call the fragment absent" bash -c "! grep -q 'absent' '$TMP/fault.out'"
        chattr -i "$fdir/50-docker.rules"
fi
remove_test_rules
fdir=$TMP/fault-fifo; rm -rf "$fdir"; mkdir -p "$fdir"; mkfifo "$fdir/50-docker.rules"
timeout 10 "$bin" --rules-dir "$fdir" -k "$KEY" --remove > "$TMP/fault.out" 2>&1
st=$?
expect "a FIFO as the fragment: --remove fails without hanging (status $st)" test "$st" = 1
expect "a FIFO as the fragment: the message names the fragment" grep -qF "$fdir/50-docker.rules" "$TMP/fault.out"
[ "$failures" = 0 ] || sed 's/^/    /' "$TMP/fault.out"
remove_test_rules
finish
