#!/bin/bash
# The package hooks in contrib/: they call docker-audit-rules the way they should, never fail,
# and a run under DPKG_ROOT (dpkg installing into another root) never touches the kernel.
#   test-hooks.sh BINARY
# Part 1 runs contrib/debian/postinst and the RPM scriptlets against a fake docker-audit-rules on
# PATH that records its arguments. Part 2 runs the real BINARY with DPKG_ROOT set and checks
# with auditctl that no rule with this test's key was loaded, and that the fragment was written.
# (Part 2 needs the program to consult hostenv_kernel_off_limits() in install mode.)
set -u
bin=$(realpath "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
postinst=$src/contrib/debian/postinst
scriptlets=$src/contrib/rpm/docker-audit-rules.spec-scriptlets
key=hooktest-$$
tmp=$(mktemp -d /tmp/test-hooks.XXXXXX)
fail=0

cleanup() {
        # Whatever happened, no rule with our key stays in the kernel.
        if command -v auditctl >/dev/null && [ "$(id -u)" = 0 ]; then
                auditctl -D -k "$key" >/dev/null 2>&1
        fi
        rm -rf "$tmp"
}
trap cleanup EXIT
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# A fake docker-audit-rules: one line per call, "DPKG_ROOT=... ARGS", and the exit status that
# $FAKE_STATUS asks for.
mkdir -p "$tmp/fakebin"
cat > "$tmp/fakebin/docker-audit-rules" <<'FAKE'
#!/bin/sh
echo "DPKG_ROOT=${DPKG_ROOT-<unset>} $*" >> "$FAKE_LOG"
exit "${FAKE_STATUS:-0}"
FAKE
chmod +x "$tmp/fakebin/docker-audit-rules"
export FAKE_LOG=$tmp/calls
fakepath=$tmp/fakebin:/usr/bin:/bin

run_postinst() { # expected-status, args...
        local want=$1; shift
        : > "$FAKE_LOG"
        PATH=$fakepath sh "$postinst" "$@" > "$tmp/postinst.out" 2>&1
        local got=$?
        if [ "$got" != "$want" ]; then
                bad "postinst $*: status $got, expected $want"
                sed 's/^/    /' "$tmp/postinst.out"
        fi
}

# --- Part 1: Debian postinst --------------------------------------------------------------------
root=$tmp/dpkg-root
mkdir -p "$root/etc/audit/rules.d"

export DPKG_ROOT=$root
run_postinst 0 configure 0.1.0
expect_line="DPKG_ROOT=$root --root $root --best-effort -q"
if [ "$(cat "$FAKE_LOG")" = "$expect_line" ]; then
        ok "postinst configure under DPKG_ROOT: one call, --root \$DPKG_ROOT --best-effort -q"
else
        bad "postinst configure under DPKG_ROOT called: $(cat "$FAKE_LOG")"
fi
run_postinst 0 triggered "/usr/sbin/dockerd /lib/systemd/system/docker.service"
[ "$(cat "$FAKE_LOG")" = "$expect_line" ] && ok "postinst triggered under DPKG_ROOT: the same call" ||
        bad "postinst triggered under DPKG_ROOT called: $(cat "$FAKE_LOG")"

for r in "" /; do
        export DPKG_ROOT=$r
        run_postinst 0 configure
        [ "$(cat "$FAKE_LOG")" = "DPKG_ROOT=$r --best-effort -q" ] &&
                ok "postinst configure with DPKG_ROOT='$r': --best-effort -q on the live system" ||
                bad "postinst configure with DPKG_ROOT='$r' called: $(cat "$FAKE_LOG")"
done
unset DPKG_ROOT
run_postinst 0 configure
[ "$(cat "$FAKE_LOG")" = "DPKG_ROOT=<unset> --best-effort -q" ] && ok "postinst configure without DPKG_ROOT" ||
        bad "postinst configure without DPKG_ROOT called: $(cat "$FAKE_LOG")"

# Never fails: the program failing (1) or refusing its options (2) does not fail the package.
before=$fail
for s in 1 2 5; do
        FAKE_STATUS=$s run_postinst 0 configure
        FAKE_STATUS=$s run_postinst 0 triggered /usr/bin/runc
done
[ "$fail" = "$before" ] && ok "postinst exits 0 whatever the program's status"
# The program not installed (any more): nothing to do, still 0.
: > "$FAKE_LOG"
PATH=/usr/bin:/bin sh -c 'command -v docker-audit-rules' >/dev/null 2>&1 ||
        { PATH=/usr/bin:/bin sh "$postinst" configure >/dev/null 2>&1 && ok "postinst without the program: 0" ||
                  bad "postinst without the program failed"; }
# Nothing to do for the abort-* and unknown actions.
before=$fail
for a in abort-upgrade abort-remove abort-deconfigure something-new; do
        run_postinst 0 "$a" 0.1.0
        [ -s "$FAKE_LOG" ] && bad "postinst $a called the program"
done
[ "$fail" = "$before" ] && ok "postinst abort-*/unknown: no call, status 0"

# Every trigger is a noawait file trigger on an absolute path (deb-triggers(5)).
triggers=$src/contrib/debian/docker-audit-rules.triggers
if grep -vE '^(#|$)' "$triggers" | grep -vE '^interest-noawait /[^[:space:]]+$'; then
        bad "a trigger line that is not 'interest-noawait /PATH'"
else
        ok "triggers: $(grep -c '^interest-noawait' "$triggers") interest-noawait file triggers"
fi

# --- Part 1b: RPM scriptlets ----------------------------------------------------------------------
# Cut each scriptlet's body out of the file, %{_sbindir} -> the fake, and run it with sh.
scriptlet() { # section header regex
        awk -v h="$1" '$0 ~ "^%" { on = ($0 ~ h) ; next } on' "$scriptlets" |
                sed "s|%{_sbindir}|$tmp/fakebin|g"
}
scriptlet '^%posttrans$' > "$tmp/posttrans"
scriptlet '^%transfiletriggerin ' > "$tmp/trigin"
scriptlet '^%transfiletriggerpostun ' > "$tmp/trigpostun"
for f in posttrans trigin trigpostun; do
        [ -s "$tmp/$f" ] || bad "no %$f scriptlet found"
done

run_scriptlet() { # name, expected number of calls, stdin text
        : > "$FAKE_LOG"
        printf '%s' "$3" | sh -e "$tmp/$1" > "$tmp/scriptlet.out" 2>&1
        local got=$? calls
        calls=$(wc -l < "$FAKE_LOG")
        if [ "$got" != 0 ]; then bad "$1: status $got"; sed 's/^/    /' "$tmp/scriptlet.out"; fi
        if [ "$calls" != "$2" ]; then bad "$1: $calls calls, expected $2 (input: $3)"; fi
        if [ "$calls" != 0 ] && ! grep -qx "DPKG_ROOT=<unset> --best-effort -q" "$FAKE_LOG"; then
                bad "$1: called with: $(cat "$FAKE_LOG")"
        fi
}
before=$fail
ours=$'/usr/bin/dockerd\n/usr/bin/containerd-shim-runc-v2\n/usr/lib/systemd/system/docker.service\n/usr/bin/runc\n'
others=$'/usr/bin/ls\n/usr/bin/ctr\n/usr/lib/systemd/system/sshd.service\n/usr/bin/not-runc\n/etc/sysconfig/network\n'
for s in 0 1 5; do
        export FAKE_STATUS=$s
        run_scriptlet posttrans 1 ""
        run_scriptlet trigin 1 "$ours$others"
        run_scriptlet trigin 1 $'/etc/docker/daemon.json\n'
        run_scriptlet trigin 0 "$others"
        run_scriptlet trigpostun 1 "$others/usr/sbin/runc"$'\n'
        run_scriptlet trigpostun 0 "$others"
done
unset FAKE_STATUS
# A large file list must be read to the end (rpm writes it into a pipe).
yes /usr/bin/unrelated | head -n 100000 > "$tmp/big"
: > "$FAKE_LOG"
sh -e "$tmp/trigin" < "$tmp/big" > /dev/null 2>&1 && [ ! -s "$FAKE_LOG" ] && ok "trigger with 100000 unrelated files: no call" ||
        bad "trigger with 100000 unrelated files"
# The program gone in the same transaction: 0, no call.
sed "s|$tmp/fakebin|$tmp/nowhere|g" "$tmp/trigin" > "$tmp/trigin-gone"
printf '%s' "$ours" | sh -e "$tmp/trigin-gone" >/dev/null 2>&1 && ok "trigger without the program: 0" ||
        bad "trigger without the program failed"
[ "$fail" = "$before" ] && ok "RPM scriptlets: call with --best-effort -q on matching files only, always exit 0"

# --- Part 2: the real program under DPKG_ROOT must not touch the kernel ---------------------------
rules=$tmp/rules
DPKG_ROOT=$tmp "$bin" --best-effort --rules-dir "$rules" -k "$key" > "$tmp/real.out" 2>&1
status=$?
sed 's/^/    /' "$tmp/real.out"
[ "$status" = 0 ] && ok "DPKG_ROOT run: status 0" || bad "DPKG_ROOT run: status $status"
if [ -s "$rules/50-docker.rules" ] && grep -q -- "-k $key" "$rules/50-docker.rules"; then
        ok "DPKG_ROOT run: fragment written to $rules with key $key"
else
        bad "DPKG_ROOT run: no fragment with key $key in $rules"
fi
if ! command -v auditctl >/dev/null || [ "$(id -u)" != 0 ]; then
        echo "SKIP (part): auditctl or root missing, the kernel cannot be inspected"
elif ! auditctl -s >/dev/null 2>&1; then
        echo "SKIP (part): the kernel's audit is not reachable here"
else
        loaded=$(auditctl -l 2>/dev/null | grep -cE -- "(-k |key=)$key\$")
        [ "$loaded" = 0 ] && ok "DPKG_ROOT run: no rule with key $key in the kernel" ||
                bad "DPKG_ROOT run: $loaded rules with key $key loaded into the kernel"
fi

exit $fail
