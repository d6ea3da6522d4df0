#!/bin/bash
# containerd's own reading of config.toml (`containerd --config FILE config dump`, which loads the
# file and its imports and prints the merged configuration, starting nothing) against
# containerd_config_load() (through tests/containerd-config-dump): root, state, [grpc] address
# and the files loaded must agree; where containerd refuses a file, the loader must report a
# problem. Inputs: the fuzz corpus and trees with imports built here. Skips (77) without containerd.
#   test-containerd-dump.sh HELPER CORPUS_DIR
#
# Known differences, not failures:
#  - the loader reports a version over 3 (containerd 2.x refuses it; 1.x takes it);
#  - containerd 1.x with version 2 refuses a plugin key that is not a full URI ("cri"); the loader
#    only looks at the runtimes' keys.
set -u
helper=$(realpath "$1")
corpus=$(realpath "$2")
if ! command -v containerd >/dev/null 2>&1; then
        echo "containerd is not installed: skipped"
        exit 77
fi
TMP=$(mktemp -d /tmp/dar-containerd-dump.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failures=0 checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }

# dump_get DUMP KEY: a top-level key, or grpc.address, from containerd's dump (quotes removed).
dump_get() {
        awk -v want="$2" '
                /^ *\[/ { s = $0; sub(/^ +/, "", s); next }
                {
                        l = $0; sub(/^ +/, "", l)
                        k = l; sub(/ = .*/, "", k)
                        v = l; sub(/^[^=]* = /, "", v)
                        if ((s == "" && k == want) || (s == "[grpc]" && want == "grpc.address" && k == "address")) {
                                gsub(/^"|"$/, "", v); gsub(/\\t/, "\t", v); gsub(/\\"/, "\"", v)
                                gsub(/\\\\/, "\\", v); print v; exit
                        }
                }' "$1"
}

# dump_imports DUMP CWD: the files containerd loaded, absolute, sorted, one a line.
dump_imports() {
        dump_get "$1" imports | sed 's/^\[//; s/\]$//; s/", "/\n/g; s/^"//; s/"$//' | grep . |
                while IFS= read -r f; do
                        case $f in /*) echo "$f" ;; *) echo "$2/$f" ;; esac
                done | sort
}

# compare NAME FILE: containerd runs in the file's directory (a relative glob is taken from
# there by containerd 1.x); the loader is told so.
compare() {
        local name=$1 file=$2 dir cdump hout crc hrc
        dir=$(dirname "$file")
        cdump=$TMP/containerd.out hout=$TMP/helper.out
        (cd "$dir" && timeout 20 containerd --config "$file" config dump) >"$cdump" 2>"$TMP/containerd.err"
        crc=$?
        "$helper" --v1-globs "$dir" "$file" >"$hout" 2>&1
        hrc=$?
        if [ "$crc" -ne 0 ]; then
                if [ "$hrc" -eq 1 ]; then
                        ok "$name: containerd refuses it, the loader reports: $(grep -m1 '^problem' "$hout")"
                else
                        fail "$name: containerd refuses it ($(tail -n1 "$TMP/containerd.err")), the loader reports no problem"
                fi
                return
        fi
        if [ "$hrc" -ne 0 ]; then
                if grep -q "containerd 2.x refuses a config version" "$hout"; then
                        ok "$name: version over 3, reported as for containerd 2.x (known difference)"
                        return
                fi
                fail "$name: containerd takes it, the loader says: $(cat "$hout")"
                return
        fi
        local key want got good=1
        for key in root state grpc.address; do
                want=$(dump_get "$cdump" "$key")
                got=$(sed -n "s/^$key = //p" "$hout")
                if [ "$want" != "$got" ]; then
                        fail "$name: $key: containerd \"$want\", loader \"$got\""
                        good=0
                fi
        done
        # containerd 1.x keys the files it loaded by the path as written: one reached as
        # "conf.d/x.toml" and as "/etc/containerd/conf.d/x.toml" is loaded twice (to the same
        # effect). The loader loads it once: compare the sets.
        if ! diff -u <(dump_imports "$cdump" "$dir" | sort -u) <(sed -n 's/^import = //p' "$hout" | sort) >"$TMP/diff"; then
                fail "$name: files loaded differ:"
                cat "$TMP/diff"
                good=0
        fi
        [ $good = 1 ] && ok "$name: root, state, grpc address and files loaded agree"
}

# The corpus, each file copied into a directory of its own.
for f in "$corpus"/*; do
        d=$TMP/corpus-$(basename "$f")
        mkdir -p "$d"
        cp "$f" "$d/config.toml"
        compare "corpus $(basename "$f")" "$d/config.toml"
done

# Trees with imports. root and state point into the test directory, and must not be created.
t=$TMP/tree1
mkdir -p "$t/conf.d" "$t/abs.d" "$t/nested"
cat > "$t/config.toml" <<TOML
version = 2
root = "$t/root"
imports = ["conf.d/*.toml", "$t/abs.d/*.toml", "nested/grpc.toml"]
TOML
printf 'state = "%s/state"\n' "$t" > "$t/conf.d/10-state.toml"
printf 'root = ""\nimports = ["../nested/grpc.toml", "%s/config.toml"]\n' "$t" > "$t/conf.d/20-cycle.toml"
printf '[debug]\naddress = "%s/debug.sock"\n' "$t" > "$t/abs.d/a.toml"
printf 'imports = ["deeper.toml"]\n[grpc]\naddress = "%s/grpc.sock"\n' "$t" > "$t/nested/grpc.toml"
printf 'state = "%s/state-deeper"\n' "$t" > "$t/nested/deeper.toml"
compare "imports: relative and absolute globs, nested, cyclic, imported twice" "$t/config.toml"
if [ -e "$t/root" ] || [ -e "$t/state" ] || [ -e "$t/state-deeper" ]; then
        fail "containerd config dump created a directory"
else
        ok "containerd config dump created no directory"
fi

t=$TMP/tree2
mkdir -p "$t/d"
printf 'imports = ["d/missing.toml"]\n' > "$t/config.toml"
compare "imports: a missing file" "$t/config.toml"

t=$TMP/tree3
mkdir -p "$t/d"
printf 'imports = ["%s/d/*.toml"]\n' "$t" > "$t/config.toml"
printf 'root = "/x"\n[grpc\n' > "$t/d/bad.toml"
compare "imports: a file that is not TOML" "$t/config.toml"

t=$TMP/tree4
mkdir -p "$t/d"
printf 'imports = ["%s/d/[*.toml"]\n' "$t" > "$t/config.toml"
compare "imports: a malformed pattern" "$t/config.toml"

t=$TMP/tree5
mkdir -p "$t/d"
printf 'imports = ["%s/none/*.toml", "%s/d/*.none"]\nstate = "%s/s"\n' "$t" "$t" "$t" > "$t/config.toml"
compare "imports: patterns matching nothing" "$t/config.toml"

t=$TMP/tree6
mkdir -p "$t"
printf 'version = 1\nroot = "%s/r"\nimports = ["b.toml"]\n' "$t" > "$t/config.toml"
printf 'version = 2\n[grpc]\naddress = "%s/g.sock"\n' "$t" > "$t/b.toml"
compare "imports: versions 1 and 2 mixed" "$t/config.toml"

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
