#!/bin/bash
# The house stays layered: no circle among the source files beyond the known ones
# (tests/layers-known.txt), and no call that runs back up a floor (tests/layers-floors.txt), as
# ctags's definitions and the identifiers each file uses tell; src/README.md draws those floors.
#   test-layers.sh SRC_DIR
set -u
here=$(dirname "$(realpath "$0")")
src=${1:?usage: test-layers.sh SRC_DIR}
command -v ctags >/dev/null 2>&1 || { echo "SKIP: ctags (universal-ctags) is not installed"; exit 77; }
ctags --version 2>/dev/null | grep -q 'Universal Ctags' || { echo "SKIP: ctags is not Universal Ctags"; exit 77; }
python3 "$here/layers.py" "$src" --known "$here/layers-known.txt" --floors "$here/layers-floors.txt" \
        --readme "$src/README.md"
rc=$?
# The checker itself must see a circle (two files calling each other), a call up a floor, a file
# with no floor, and a README whose table is not the floors file's.
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
printf 'int b(void);\nint a(void) { return b(); }\n' > "$t/a.c"
printf 'int a(void);\nint b(void) { return a(); }\n' > "$t/b.c"
printf 'int c(void) { return 0; }\n' > "$t/c.c"
if python3 "$here/layers.py" "$t" >/dev/null 2>&1; then
        echo "FAIL: the checker does not see the circle a.c <-> b.c"; rc=1
else
        echo "ok: the checker sees a circle of two files"
fi
mkdir "$t/up"
printf 'int d(void) { return 0; }\n' > "$t/up/d.c"
printf 'int d(void);\nint e(void) { return d(); }\n' > "$t/up/e.c"
printf 'd.c 1\ne.c 2\n' > "$t/good"
printf 'd.c 2\ne.c 1\n' > "$t/bad"
printf 'e.c 1\n' > "$t/short"
printf '<!-- floors -->\n| Floor | Files |\n| --- | --- |\n| 2 | `e.c` |\n| 1 | `d.c` |\n<!-- /floors -->\n' > "$t/README.md"
if ! python3 "$here/layers.py" "$t/up" --floors "$t/good" --readme "$t/README.md" >/dev/null 2>&1; then
        echo "FAIL: the checker refuses e.c (floor 2) calling d.c (floor 1)"; rc=1
elif python3 "$here/layers.py" "$t/up" --floors "$t/bad" >/dev/null 2>&1; then
        echo "FAIL: the checker does not see d.c (floor 1) called from e.c, floor 1 below it"; rc=1
elif python3 "$here/layers.py" "$t/up" --floors "$t/short" >/dev/null 2>&1; then
        echo "FAIL: the checker lets d.c go without a floor"; rc=1
elif python3 "$here/layers.py" "$t/up" --floors "$t/good" --readme "$t/README.md" >/dev/null 2>&1 &&
     sed -i 's/| 2 |/| 3 |/' "$t/README.md" &&
     python3 "$here/layers.py" "$t/up" --floors "$t/good" --readme "$t/README.md" >/dev/null 2>&1; then
        echo "FAIL: the checker does not see a README table that differs from the floors file"; rc=1
else
        echo "ok: the checker sees a call up a floor, a file with no floor and a stale README table"
fi
exit $rc
