#!/bin/bash
# The house stays layered: no circle among the source files beyond the known ones
# (tests/layers-known.txt), as ctags's definitions and the identifiers each file uses tell.
#   test-layers.sh SRC_DIR
set -u
here=$(dirname "$(realpath "$0")")
command -v ctags >/dev/null 2>&1 || { echo "SKIP: ctags (universal-ctags) is not installed"; exit 77; }
ctags --version 2>/dev/null | grep -q 'Universal Ctags' || { echo "SKIP: ctags is not Universal Ctags"; exit 77; }
python3 "$here/layers.py" "${1:?usage: test-layers.sh SRC_DIR}" --known "$here/layers-known.txt"
rc=$?
# The checker itself must see a circle: two files calling each other.
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
printf 'int b(void);\nint a(void) { return b(); }\n' > "$t/a.c"
printf 'int a(void);\nint b(void) { return a(); }\n' > "$t/b.c"
printf 'int c(void) { return 0; }\n' > "$t/c.c"
if python3 "$here/layers.py" "$t" >/dev/null 2>&1; then
        echo "FAIL: the checker does not see the circle a.c <-> b.c"; rc=1
else
        echo "ok: the checker sees a circle of two files"
fi
exit $rc
