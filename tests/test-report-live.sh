#!/bin/bash
# --report on a real host, end to end: a private auditd (its own configuration and log), real
# containerd and dockerd (private data root, exec root, API socket and daemon.json), the rules the
# tool provisions with a key of this test's own into a rules directory of its own. Then what an
# administrator's week looks like: a container run, daemon.json edited with sed, a runtime binary
# chmodded and restored, a package installed and removed that ships a file below the data root,
# and one of our rules deleted by hand. The report names each with its component, action and
# actor: the package's writes flagged as the package manager's, the daemon's own as Docker's, the
# rule removal as tampering (first, exit status 2), sed and chmod as changes by other programs.
# The runtime is a copy of runc in a private directory, named in the private daemon.json: the
# kernel reports the key of the first matching rule, so the host's own rules (key docker) on
# /usr/sbin/runc or /etc/docker would hide events of the installed paths.
#   test-report-live.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-docker.sh"
live_need dpkg dpkg-deb python3

pkg=dar-test-pkg-$$
pkg_cleanup() {
        if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -qv 'not-installed'; then
                dpkg --purge "$pkg" >/dev/null 2>&1 || echo "note: could not purge $pkg"
        fi
}
trap 'pkg_cleanup; docker_cleanup; cleanup' EXIT

log=$TMP/auditd/audit.log
report() { "$bin" --report --input "$log" --key "$KEY" "$@"; }

live_start

# A runtime of our own: a copy of runc, named in the private daemon.json, which dockerd reloads.
mkdir -p "$TMP/bin" "$TMP/rules"
cp "$(command -v runc)" "$TMP/bin/runc"
printf '{"runtimes":{"t":{"path":"%s"}}}\n' "$TMP/bin/runc" > "$DK_CONFIG"
kill -HUP "$DOCKERD_PID"
expect "dockerd knows the runtime t" dk_wait "$DOCKERD_PID" 100 sh -c "'$DK_DOCKER' -H 'unix://$DK_API' info 2>/dev/null | grep -q 'Runtimes:.* t'"

# Provision, with the rules directory of the test. The data root is watched for every program
# (recursive): the default mode leaves dockerd's own writes there out, and the report is to show
# them flagged as Docker's.
etc_audit() { find /etc/audit -type f -exec sha256sum {} + 2>/dev/null | sort; }
etc_audit > "$TMP/etc-audit.before"
# Other processes come and go on a shared machine: a path discovery saw may be gone when its rule
# is loaded (status 1 then).
"$bin" --rules-dir "$TMP/rules" -k "$KEY" --data-root-mode recursive -q > "$TMP/provision.out" 2>&1
rc=$?
expect "provisioning with key $KEY: status 0, or 1 when a path vanished meanwhile ($rc)" test "$rc" -le 1
expect "the private runtime is watched with our key" grep -qE -- "^-w $TMP/bin/runc -p rwxa -k $KEY\$" <(auditctl -l)
expect "the private daemon.json is watched with our key" grep -qE -- "^-w $DK_CONFIG -p rwxa -k $KEY\$" <(auditctl -l)
expect "the private data root is watched with our key, for every program (recursive)" \
        grep -qE -- "^(-w $DK_DATA -p wa? -k|-a always,exit -F dir=$DK_DATA -F perm=wa? -F key=|-a always,exit -F dir=$DK_DATA -F perm=wa? -k) $KEY\$" <(auditctl -l)
expect "the fragment is in the test's rules directory" test -s "$TMP/rules/50-docker.rules"

# 1. A container run.
expect "docker run --rm --network none bb:1 /bin/true" dk run --rm --network none bb:1 /bin/true
expect "docker run --runtime t --rm --network none bb:1 /bin/true" dk run --runtime t --rm --network none bb:1 /bin/true

# 2. daemon.json edited by sed.
sed -i 's/"t"/"t"/' "$DK_CONFIG"

# 3. The runtime's mode changed and restored.
chmod 700 "$TMP/bin/runc"
chmod 755 "$TMP/bin/runc"

# 4. A package that ships a file below the data root, installed and removed.
pkgfile=$DK_DATA/$pkg.conf
mkdir -p "$TMP/pkg/DEBIAN" "$TMP/pkg$DK_DATA"
printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: docker-audit-rules tests <root@localhost>\nDescription: test package of docker-audit-rules\n' \
        "$pkg" > "$TMP/pkg/DEBIAN/control"
echo "from the package" > "$TMP/pkg$pkgfile"
expect "the package is built" dpkg-deb --root-owner-group --build "$TMP/pkg" "$TMP/$pkg.deb" >/dev/null
expect "dpkg -i installs it" dpkg -i "$TMP/$pkg.deb" >/dev/null 2>&1
expect "its file is below the data root" test -f "$pkgfile"
expect "dpkg -r removes it" dpkg -r "$pkg" >/dev/null 2>&1
expect "its file is gone" test ! -e "$pkgfile"

# 5. One of our rules deleted by hand. auditd writes in order: once the removal is in the log,
# so is everything before it.
auditctl -W "$TMP/bin/runc" -p rwxa -k "$KEY" >/dev/null
for _ in $(seq 50); do grep -q "op=remove_rule key=\"$KEY\"" "$log" && break; sleep 0.2; done
expect "the rule removal is in the log" grep -q "op=remove_rule key=\"$KEY\"" "$log"

expect "/etc/audit is untouched" cmp -s "$TMP/etc-audit.before" <(etc_audit)

# The report, as text and as JSON lines.
# The log as it is now (other programs' events on Docker's paths go on being recorded), as text
# with every event (-v) and as JSON lines.
cp "$log" "$TMP/frozen.log"
log=$TMP/frozen.log
expect_status "the report: status 2 (tampering)" 2 report -v
cp "$TMP/out" "$TMP/report.txt"
report --format json > "$TMP/report.json" 2> "$TMP/report.err"
expect "the JSON report: status 2" test $? = 2

expect "text: the removal is TAMPERING, by auditctl" \
        grep -qE "TAMPERING +rule-removed key=$KEY +by .*auditctl" "$TMP/report.txt"
t=$(grep -n TAMPERING "$TMP/report.txt" | head -1 | cut -d: -f1)
a=$(grep -n "^Attention:" "$TMP/report.txt" | cut -d: -f1)
e=$(grep -n "^Routine:" "$TMP/report.txt" | cut -d: -f1)
expect "text: tampering is under Attention, before the routine" test "${a:-99999}" -lt "${t:-0}" -a "${t:-99999}" -lt "${e:-0}"
expect "text: the package's writes are flagged [package-manager]" \
        grep -qE " $pkgfile by .*/dpkg .*\[package-manager\]( under key [^ ]+)?$" "$TMP/report.txt"
expect "text: the chmod is 'attributes', unflagged" \
        grep -qE " attributes +ok +$TMP/bin/runc by .*chmod 700 $TMP/bin/runc\"( under key [^ ]+)?$" "$TMP/report.txt"
expect "text: sed's rename of its temporary file over daemon.json, unflagged" \
        grep -qE " daemon.json +[0-9./]+ +renamed +ok +$DK_DIR/sed[^ /]+ -> $DK_CONFIG by .*/sed .*$DK_CONFIG\"( under key [^ ]+)?$" "$TMP/report.txt"
expect "text: dockerd's writes below the data root are flagged [docker]" \
        grep -qE " data-root +[0-9./]+ +(written|created) +ok +$DK_DATA/containers/[^ ]+ by .* $(command -v dockerd) .*\[docker\]( under key [^ ]+)?$" "$TMP/report.txt"

expect "JSON: each event has the right component, action and actor" python3 - "$TMP/report.json" <<EOF
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
head, summary, body = lines[0], lines[-1], lines[1:-1]
ok = True
def check(what, cond, detail=None):
    global ok
    if not cond:
        ok = False
        print('    not so: ' + what + ('' if detail is None else ': ' + json.dumps(detail)))
check('the schema line first', head.get('schema') == 'docker-audit-rules/report' and head.get('key') == '$KEY', head)
check('the summary last, status 2', summary.get('type') == 'summary' and summary.get('exit_status') == 2, summary)
kinds = [l['type'] for l in body]
check('integrity lines before events', kinds == sorted(kinds, key=lambda k: k != 'integrity'), kinds)
removed = [l for l in body if l['type'] == 'integrity' and l['what'] == 'rule-removed' and (l['exe'] or '').endswith('/auditctl')]
check('one rule removal, tampering, by auditctl',
      len(removed) == 1 and removed[0]['tampering'] is True and removed[0]['key'] == '$KEY'
      and (removed[0]['exe'] or '').endswith('/auditctl'), removed)
check('tampering counted', summary.get('tampering', 0) >= 1, summary)
ev = [l for l in body if l['type'] == 'event']
check('every event has our key, or was found by its path', all(l['key'] == '$KEY' or l['selected_by'] == 'path' for l in ev))

# The package: dpkg's writes below the data root, flagged package-manager.
pk = [l for l in ev if '$pkg' in (l['path'] or '') + (l.get('renamed_to') or '')]
check('package events exist', pk)
check('package events are all by dpkg, flagged package-manager, component data-root',
      all(l['actor'] == 'package-manager' and l['exe'].endswith('/dpkg') and l['component'] == 'data-root' for l in pk),
      [(l['path'], l['action'], l['exe'], l['actor'], l['component']) for l in pk])
acts = {l['action'] for l in pk}
check('the package file is created (or renamed into place) and deleted',
      ('created' in acts or 'renamed' in acts) and 'deleted' in acts, sorted(acts))

# The daemons' own writes during the docker runs: flagged docker.
dk = [l for l in ev if l['actor'] == 'docker']
check('events by Docker\'s daemons exist, flagged docker', dk)
dkw = [l for l in dk if l['change'] and l['success'] and l['exe'] == '$(command -v dockerd)'
       and l['component'] == 'data-root' and (l['path'] or '').startswith('$DK_DATA/containers/')]
check('dockerd\'s own writes to the container\'s directory below the data root, flagged docker', dkw,
      [(l['path'], l['action'], l['exe']) for l in dk][:20])
check('no event of dockerd, containerd or the runtime is unflagged',
      not [l for l in ev if l['actor'] != 'docker' and (l['exe'] or '') in ('$(command -v dockerd)', '$(command -v containerd)', '$TMP/bin/runc')])
# Nothing but the package manager's, Docker's and this tool's events, sed's and chmod's.
# (Other programs on this machine may touch paths discovery found in their processes: only the
# test's own directories count. Another rule set on the machine may have recorded, under its own
# key, the test's own write of daemon.json by bash before provisioning.)
others = [l for l in ev if l['actor'] is None and l['change'] and l['success']
          and (l['path'] or '').startswith(('$TMP/', '$DK_DIR/'))]
check('the changes by other programs are sed\'s and chmod\'s only',
      {'sed', 'chmod'} <= {l['exe'].rsplit('/', 1)[-1] for l in others} <= {'sed', 'chmod', 'bash'},
      sorted({(l['exe'], l['path']) for l in others}))

# sed: daemon.json read, then replaced by a rename of sed's temporary file over it.
sd = [l for l in ev if (l['exe'] or '').endswith('/sed') and '$DK_CONFIG' in (l['path'], l.get('renamed_to'))]
check('sed\'s reading and replacing of daemon.json are there', {l['action'] for l in sd} == {'read', 'renamed'},
      [(l['path'], l['action'], l.get('renamed_to')) for l in sd])
check('sed\'s events: component daemon.json, no actor flag',
      sd and all(l['component'] == 'daemon.json' and l['actor'] is None for l in sd),
      [(l['path'], l['action'], l['component'], l['actor']) for l in sd])
rn = [l for l in sd if l['action'] == 'renamed']
check('the rename is from sed\'s temporary file to daemon.json, a change',
      len(rn) == 1 and rn[0]['renamed_to'] == '$DK_CONFIG' and rn[0]['path'].startswith('$DK_DIR/sed')
      and rn[0]['change'] and rn[0]['success'], rn)

# chmod: twice, attributes of the runtime, no actor flag.
ch = [l for l in ev if (l['exe'] or '').endswith('/chmod') and l['path'] == '$TMP/bin/runc']
check('two chmods of the runtime', len(ch) == 2, [(l['path'], l['action'], l['cmdline']) for l in ch])
check('chmod: component runc (the runtime t), attributes, no actor flag',
      ch and all(l['component'] in ('runc', 'runtime') and l['action'] == 'attributes' and l['actor'] is None for l in ch),
      [(l['component'], l['action'], l['actor']) for l in ch])
sys.exit(0 if ok else 1)
EOF
if [ "$failures" != 0 ]; then
        echo "The text report:"
        sed 's/^/    /' "$TMP/report.txt"
fi
finish
