#!/bin/bash
# Rules of another key that take our events, on this machine's real kernel: the exit list is
# first match wins, so a broad `-w DIR -p wa -k OTHER` loaded before our rules gives the events
# on Docker's paths below DIR its own key. --check names exactly the rule before ours (its key,
# its place in `auditctl -l` and ours, the classes it takes), as text and JSON; a rule after
# ours is no finding (with --order first: what its rule set loses); the rules directory's
# rules are named by file and line. The other keys' rules are the test's own, on the paths of
# the test's own dockerd (lib.sh), and are left as they were by every run of the tool.
#   test-key-shadow.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit

BEFORE=$KEY-before AFTER=$KEY-after
cleanup_keys() {
        auditctl -D -k "$BEFORE" >/dev/null 2>&1
        auditctl -D -k "$AFTER" >/dev/null 2>&1
        cleanup
}
trap cleanup_keys EXIT

rules=$TMP/rules
mkdir -p "$rules"
tool() { "$bin" --rules-dir "$rules" -k "$KEY" "$@"; }
show() { grep -F -- "$KEY-" "$TMP/out" | sed 's/^/    /'; false; }
has() { grep -qF -- "$1" "$TMP/out" || show; }
# The place of the rule with key $1 in the message and ours: "N M", as the tool listed them (other
# tests change the kernel's list at the same time: the numbers are compared, not looked up).
places() { grep -F -- "-k $1\" in the kernel" "$TMP/out" | sed -nE 's/.*\(auditctl -l rule ([0-9]+), (before|after) ours at rule ([0-9]+)\).*/\1 \3/p'; }
before_ours() { local p; p=$(places "$1"); [ -n "$p" ] && [ "${p% *}" -lt "${p#* }" ] || show; }
after_ours() { local p; p=$(places "$1"); [ -n "$p" ] && [ "${p% *}" -gt "${p#* }" ] || show; }
# Is the first rule with key $1 listed before the first with key $2 (one listing: other tests
# add and delete rules at the same time)?
listed_before() {
        auditctl -l > "$TMP/list"
        local a b
        a=$(grep -nE -- "(-k |key=)$1\$" "$TMP/list" | head -n 1 | cut -d: -f1)
        b=$(grep -nE -- "(-k |key=)$2\$" "$TMP/list" | head -n 1 | cut -d: -f1)
        [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}
others() { auditctl -l | grep -E -- "(-k |key=)($BEFORE|$AFTER)\$"; }

expect "the test's own dockerd runs" start_own_dockerd
# Neo23x0's shape, `-w /usr/sbin -p wa -k binaries`, over the own dockerd's directory: loaded
# before our rules.
auditctl -w "$OWN_BIN" -p wa -k "$BEFORE"
# The status: WARNING for these; another test's own dockerd running at the same time can make
# it CRITICAL (its paths are not in our file), so the severity is read from the finding.
expect_not_ok() { # description, command...
        local what=$1; shift
        "$@" >"$TMP/out" 2>&1
        local got=$?
        if [ "$got" = 1 ] || [ "$got" = 2 ]; then ok "$what (status $got)"; else fail "$what: status $got"; fi
}
expect_status "install" 0 tool -q
expect "install watches the test's own dockerd" grep -qxF -- "-w $OWN_DOCKERD -p rwxa -k $KEY" "$rules/50-docker.rules"
# And one loaded after ours, over the own configuration's directory.
auditctl -w "$OWN" -p wa -k "$AFTER"
others > "$TMP/others.before"
expect "the rule before ours is listed before ours" listed_before "$BEFORE" "$KEY"
expect "the rule after ours is listed after ours" listed_before "$KEY" "$AFTER"

expect_not_ok "a rule of another key before ours: not OK" tool --check
expect "it is named with its key" has "warning: rule \"-w $OWN_BIN -p wa -k $BEFORE\" in the kernel (auditctl -l rule "
expect "... its place and ours in auditctl -l" before_ours "$BEFORE"
expect "... the classes it takes and under which key" \
        sh -c "grep -qE -- 'takes the wa events of [0-9]+ of our watches: they are recorded under key \"$BEFORE\", not \"$KEY\": ' '$TMP/out'"
expect "... and our paths it takes, with their CIS items" has "$OWN_DOCKERD (CIS 1.1.3/1.2.3)"
expect "it is said once" test "$(grep -cF -- "-k $BEFORE\"" "$TMP/out")" = 1
expect "the rule after ours is not named" sh -c "! grep -qF -- '$AFTER' '$TMP/out'"

tool --check --format json > "$TMP/check.json" 2>/dev/null
jq_py() { python3 -c "import json,sys; d=json.load(open('$TMP/check.json')); $1"; }
expect "JSON: the rule before ours is in shadowing_rules, with key, classes and positions" \
        jq_py "s=[x for x in d['shadowing_rules'] if x.get('key') == '$BEFORE']; \
               sys.exit(not (len(s) == 1 and s[0]['kind'] == 'key-before' and s[0]['classes'] == 'wa' and \
                             s[0]['position'] < s[0]['our_position'] and s[0]['in_kernel'] and not s[0]['may'] and \
                             '$OWN_DOCKERD' in [p['path'] for p in s[0]['paths']]))"
expect "JSON: the rule after ours is not" jq_py "sys.exit(any('$AFTER' in (x['rule'] or '') for x in d['shadowing_rules']))"
expect "JSON: the target says which rule takes its events" \
        jq_py "k=[r['key'] for x in d['targets'] if x['path'] == '$OWN_DOCKERD' for r in x['taken_by']]; \
               ok = '$BEFORE' in k and '$AFTER' not in k; ok or print('    taken_by keys:', k); sys.exit(not ok)"
expect "JSON: a warning" jq_py "sys.exit(not (d['status'] in ('WARNING', 'CRITICAL') and \
        [x['severity'] for x in d['shadowing_rules'] if x.get('key') == '$BEFORE'] == ['warning']))"

# Ours to be first: the rule before ours is against what was asked, the one after is named for
# what its rule set no longer records.
expect_not_ok "--order first: a rule before ours is still not OK" tool --check --order first
expect "it names the rule before ours" before_ours "$BEFORE"
expect "... not first as asked" has "not \"$KEY\"; ours are not first as asked (Order=first): "
expect "the rule after ours loses Docker's paths" has "note: rule \"-w $OWN -p wa -k $AFTER\" in the kernel (auditctl -l rule "
expect "... it is after ours" after_ours "$AFTER"
expect "... what it no longer records" \
        sh -c "grep -qE -- 'loses Docker.s paths: the wa events of [0-9]+ of our watches that it matches carry key \"$KEY\", not \"$AFTER\": .*$OWN_CONFIG' '$TMP/out'"

# At boot: a rules file that augenrules reads before our fragment, and one after.
printf '# a base rule set\n-w %s -p wa -k %s\n' "$OWN_BIN" "$BEFORE" > "$rules/10-base.rules"
printf -- '-w %s -p wa -k %s\n' "$OWN" "$AFTER" > "$rules/90-late.rules"
expect_not_ok "a rules file with such a rule before our fragment: not OK" tool --check
expect "it is named by file and line" \
        has "warning: rule \"-w $OWN_BIN -p wa -k $BEFORE\" $rules/10-base.rules:2 (loads at boot before our fragment) takes the wa events"
expect "the file after ours is not" sh -c "! grep -qF -- '90-late.rules' '$TMP/out'"
# Install warns once for a rule loaded now that a file also holds.
tool 2>"$TMP/warn" >/dev/null
expect "install warns about the rule once" test "$(grep -cF -- "-k $BEFORE\"" "$TMP/warn")" = 1
expect "... by its file and line" grep -qF -- "$rules/10-base.rules:2" "$TMP/warn"
rm -f "$rules/10-base.rules" "$rules/90-late.rules"

# The other keys' rules are not ours: left as they were, in their places.
others > "$TMP/others.after"
expect "the other keys' rules are untouched" cmp -s "$TMP/others.before" "$TMP/others.after"
expect_status "--remove" 0 tool --remove -q
expect "our rules are gone" test -z "$(kernel_lines)"
others > "$TMP/others.after"
expect "the other keys' rules are still loaded after --remove" cmp -s "$TMP/others.before" "$TMP/others.after"

finish
