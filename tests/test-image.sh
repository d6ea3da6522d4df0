#!/bin/bash
# An image build, on a real Debian 12 image made with debootstrap (Debian's archive must be
# reachable; skipped otherwise): docker.io, containerd and runc installed, auditd's files held
# back at first, as in the many image recipes where the order of packages is not ours to choose.
# The package hooks run the way dpkg runs them for another root (DPKG_ROOT): they never fail,
# say in one line what will happen, and write the fragment once auditd's rules directory
# arrives (dpkg's file trigger on /etc/audit/rules.d). --check --root judges the files and the
# boot path and says that the kernel is not judged. The build host's kernel is never touched.
#   test-image.sh BINARY
set -u
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
postinst=$here/../contrib/debian/postinst
TMP=$(mktemp -d /var/tmp/dar-image.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failures=0 checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

[ "$(id -u)" = 0 ] || { echo "SKIP: debootstrap needs root"; exit 77; }
command -v debootstrap >/dev/null || { echo "SKIP: debootstrap is not installed"; exit 77; }
img=$TMP/img
# Downloaded packages are kept between runs on this machine (only the .debs, never the image).
cache=/var/tmp/dar-image-cache
mkdir -p "$cache"
if ! debootstrap --variant=minbase --include=docker.io,containerd,runc,auditd --cache-dir="$cache" \
        bookworm "$img" http://deb.debian.org/debian > "$TMP/debootstrap.log" 2>&1; then
        if grep -qiE "couldn't download|failed to resolve|temporary failure|connection" "$TMP/debootstrap.log"; then
                echo "SKIP: Debian's archive is not reachable: $(grep -iE "download|resolve|connection" "$TMP/debootstrap.log" | head -1)"
                exit 77
        fi
        echo "FAIL: debootstrap"; tail -20 "$TMP/debootstrap.log"; exit 1
fi
rules_before=$(auditctl -l 2>/dev/null | md5sum)

# auditd's files held back: the image has Docker but no audit rules directory yet.
mv "$img/etc/audit" "$TMP/etc-audit"

# What a provisioning user sees: an error that says what to do.
"$bin" --root "$img" > "$TMP/noaudit.out" 2>&1; st=$?
expect "no auditd in the image: --root fails (status $st)" test "$st" = 1
expect "no auditd in the image: the message says auditd is not installed there" grep -q "auditd" "$TMP/noaudit.out"
expect "no auditd in the image: ... and what to do" grep -qiE "install auditd" "$TMP/noaudit.out"
# What a package hook sees: status 0 and one line.
"$bin" --root "$img" --best-effort > "$TMP/hook.out" 2>&1; st=$?
expect "no auditd in the image: --best-effort exits 0" test "$st" = 0
expect "no auditd in the image: --best-effort says it in one line ($(wc -l < "$TMP/hook.out"))" test "$(wc -l < "$TMP/hook.out")" = 1
# The hook itself, as dpkg runs it for another root.
mkdir -p "$TMP/bin"; ln -s "$bin" "$TMP/bin/docker-audit-rules"
PATH=$TMP/bin:$PATH DPKG_ROOT=$img sh "$postinst" configure > "$TMP/postinst.out" 2>&1; st=$?
expect "postinst configure with DPKG_ROOT: status 0" test "$st" = 0
expect "postinst configure: no fragment (no rules directory yet)" test ! -e "$img/etc/audit"

# The image's rules cover every path the Debian docker.io layout's rules cover (the data root's
# rule is plain until dockerd first makes the directory; the image may have drop-in directories).
paths() { sed -E 's/^-w ([^ ]+).*/\1/; s/.*-F (path|dir)=([^ ]+).*/\2/' | sort -u; }
"$bin" --root "$img" --print 2>/dev/null | grep -E '^-[wa] ' | paths > "$TMP/image-paths"
grep -E '^-[wa] ' "$here/fixtures/debian-docker.io/expected-print.txt" | paths > "$TMP/fixture-paths"
missing=$(comm -23 "$TMP/fixture-paths" "$TMP/image-paths")
expect "the image's rules cover every path of the debian-docker.io layout${missing:+ (missing: $missing)}" test -z "$missing"

# auditd arrives: dpkg's trigger on /etc/audit/rules.d runs the hook again.
mv "$TMP/etc-audit" "$img/etc/audit"
PATH=$TMP/bin:$PATH DPKG_ROOT=$img sh "$postinst" triggered /etc/audit/rules.d > "$TMP/trigger.out" 2>&1; st=$?
frag=$img/etc/audit/rules.d/50-docker.rules
expect "postinst triggered: status 0" test "$st" = 0
expect "postinst triggered: the fragment is written in the image" test -s "$frag"
expect "the fragment is root's, mode 0600" test "$(stat -c %U:%a "$frag")" = root:600
"$bin" --root "$img" --check > "$TMP/check.out" 2>&1; st=$?
expect "--check --root on the image: OK (status $st)" test "$st" = 0
expect "--check --root says once that the kernel is not judged" test "$(grep -ci "kernel.*not judged\|not judged.*kernel" "$TMP/check.out")" = 1
[ "$failures" = 0 ] || sed 's/^/    /' "$TMP/check.out"
# Every rule of the fragment can load at the image's boot: its parent directory is in the image.
bad=0
while read -r path; do
        [ -d "$img$(dirname "$path")" ] || { echo "    parent missing: $path"; bad=1; }
done < <(grep -E '^-w ' "$frag" | awk '{print $2}')
expect "every rule's parent directory exists in the image" test "$bad" = 0
expect "the build host's kernel rules are untouched" test "$(auditctl -l 2>/dev/null | md5sum)" = "$rules_before"

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
