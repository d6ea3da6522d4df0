#!/bin/bash
# The generic fragment holds only lines that load: auditctl -R on a copy whose paths are moved
# below a temporary directory that has the same parents, under a test key.
#   test-generic-rules.sh GENERIC-RULES-FILE
set -u
src=$1
. "$(dirname "$0")/lib.sh"
need_kernel_audit
[ -s "$src" ] || { echo "FAIL: $src is empty or missing"; exit 1; }
copy=$TMP/generic.rules
base=$TMP/host
# Create every rule's parent directory below $base (the paths themselves need not exist).
grep -E '^-[wa] ' "$src" | sed -E 's/^-w ([^ ]+).*/\1/; s/.*-F (path|dir)=([^ ]+).*/\2/' | while read -r p; do
        mkdir -p "$base$(dirname "$p")"
done
# A dir= rule needs its directory to exist (the kernel refuses it otherwise), as on a Docker host.
grep -oE -- '-F dir=[^ ]+' "$src" | cut -d= -f2 | while read -r d; do mkdir -p "$base$d"; done
sed -E -e "s#^-w /#-w $base/#" -e "s#-F (path|dir|exe!?)=/#-F \1=$base/#g" -e "s#-k docker\$#-k $KEY#" "$src" > "$copy"
expect "no control lines (-D -b -f -e -c -i)" bash -c "! grep -qE '^-(D|b|f|e|c|i)( |\$)' '$copy'"
expect "no trailing comments" bash -c "! grep -qE '^-.*#' '$copy'"
expect "auditctl -R loads every line" auditctl -R "$copy"
n=$(grep -cE '^-[wa] ' "$copy")
expect "every rule is loaded ($n)" test "$(auditctl -l | grep -cF -- "$KEY")" = "$n"
finish
