#!/bin/bash
# End to end on this machine's real kernel with a real auditd (started here, in the foreground,
# on a temporary log, stopped by its PID): events are recorded, --check judges the host the way
# monitors need, and the public scanners' logic agrees with what was installed.
#   test-e2e.sh BINARY
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_kernel_audit
command -v auditd >/dev/null || { echo "SKIP: auditd not installed"; exit 77; }
if [ -n "$(pgrep -x auditd)" ]; then echo "SKIP: another auditd is running"; exit 77; fi

rules=$TMP/rules
mkdir -p "$rules"
chmod 755 "$TMP"
tool() { "$bin" --rules-dir "$rules" -k "$KEY" "$@"; }
frag=$rules/50-docker.rules
check_json() { tool --check --format json > "$TMP/check.json" 2>/dev/null; }
jq_py() { python3 -c "import json,sys; d=json.load(open('$TMP/check.json')); $1"; }

# Paths only this test watches (lib.sh): the host's own rules, this tool's with key docker
# among them, may already watch every usual Docker path.
expect "the test's own dockerd runs" start_own_dockerd
expect "auditd starts" start_auditd
tool -q
expect "the test's own dockerd is watched" grep -qxF -- "-w $OWN_DOCKERD -p rwxa -k $KEY" "$frag"

# Events: a change to a watched file is recorded, and found by its path.
watched=$OWN_CONFIG
touch "$watched"
found=0
for _ in $(seq 50); do
        if ausearch -if "$TMP/auditd/audit.log" -f "$watched" 2>/dev/null | grep -qF "name=\"$watched\""; then found=1; break; fi
        sleep 0.2
done
expect "touching $watched produces an event ausearch finds by its path" test "$found" = 1
# The key the kernel gave that event (each event's SYSCALL record carries the key of the first
# rule that matched). Another key is right only when a rule of the host's carrying it is listed
# before ours.
event_key=$(ausearch -if "$TMP/auditd/audit.log" -f "$watched" --raw 2>/dev/null | grep '^type=SYSCALL' | tail -n 1 |
            grep -oE ' key=[^ ]+' | head -n 1 | tr '\035' ' ' | sed -E 's/^ key=//; s/ .*//; s/"//g')
host_keys_before=$(auditctl -l | awk -v k="$KEY" 'index($0, "-k " k) || index($0, "key=" k) { exit } { print }' |
                   sed -nE 's/.*(-k |key=)([^ ]+)$/\2/p')
if [ "$event_key" = "$KEY" ]; then
        ok "the event carries our key"
elif [ -n "$event_key" ] && grep -qxF -- "$event_key" <<<"$host_keys_before"; then
        echo "skip: the event carries the key \"$event_key\" of a rule of the host's listed before ours, which the kernel reports first"
else
        fail "the event carries our key, not \"$event_key\""
fi

# --check on a clean install.
expect_check_ok "clean install: --check is OK" tool --check
expect "the first line is a monitoring-plugin summary" grep -qE "^DOCKER AUDIT (OK|WARNING) - " "$TMP/out"
check_json
expect "JSON: schema and version" jq_py "sys.exit(not (d['schema'] == 'docker-audit-rules/check' and d['version'] == 1 and ($CHECK_JSON_OK)))"

# One rule deleted by hand: CRITICAL, naming the path.
victim=$OWN_DOCKERD
auditctl -W "$victim" -p rwxa -k "$KEY"
expect_status "a deleted rule makes --check CRITICAL" 2 tool --check
expect "the deleted rule's path is named" grep -qE "^[^ ]+ +[^ ]+ +$victim +NO " "$TMP/out"
check_json
expect "JSON: the target says in_kernel false" jq_py "sys.exit(not any(t['path'] == '$victim' and t['in_kernel'] is False for t in d['targets']))"
tool -q

# The fragment deleted: CRITICAL (nothing survives a reboot).
rm "$frag"
expect_status "a deleted fragment makes --check CRITICAL" 2 tool --check
tool -q

# A line whose parent directory is missing would stop the boot-time load: CRITICAL.
echo "-w /nonexistent-dir-$KEY/file -p wa -k $KEY" >> "$frag"
expect_status "a fragment line with a missing parent is CRITICAL" 2 tool --check
expect "it is named" grep -q "nonexistent-dir-$KEY/file does not exist" "$TMP/out"
tool -q

# Another rules file that would stop the boot-time load before ours: CRITICAL; after ours: WARNING.
mkdir -p "$TMP/other"
printf -- '-w %s/other -p wa -k %s-other\n-w %s/other -p wa -k %s-other\n' "$TMP" "$KEY" "$TMP" "$KEY" > "$rules/10-other.rules"
expect_status "a duplicate in a rules file loaded before ours is CRITICAL" 2 tool --check
expect "it names the file, the line and why" grep -q "10-other.rules:2: this line fails at boot (the same rule is loaded earlier" "$TMP/out"
mv "$rules/10-other.rules" "$rules/90-other.rules"
expect_status "the same in a file loaded after ours is a WARNING" 1 tool --check
rm "$rules/90-other.rules"

# Audit disabled with rules loaded: WARNING.
auditctl -e 0 >/dev/null
expect_status "audit disabled: --check is WARNING" 1 tool --check
expect "it says so" grep -q "audit is disabled" "$TMP/out"
auditctl -e 1 >/dev/null

# Drift: a rule with our key for a path no longer discovered (an upgrade moved the binary).
mkdir -p "$TMP/old"
auditctl -w "$TMP/old/dockerd" -p rwxa -k "$KEY"
expect_status "a stale rule: --check is WARNING" 1 tool --check
check_json
expect "JSON: the stale rule is listed" jq_py "sys.exit(not any('$TMP/old/dockerd' in s for s in d['stale_rules']))"
tool -q
expect_check_ok "after re-provisioning --check is OK again" tool --check

# --cis limits the verdict: the daemon's socket is an item of 1.8.0 only (1.1.9 is the
# docker.socket unit before v1.7): without its rule 1.6.0 and 1.2.0 are still OK, 1.8.0 is not.
auditctl -W "$OWN_SOCKET" -p rwxa -k "$KEY"
expect_check_ok "--cis 1.2.0 ignores an item 1.2.0 does not have" tool --check --cis 1.2.0
expect_check_ok "--cis 1.6.0 ignores an item 1.6.0 does not have" tool --check --cis 1.6.0
expect_status "--cis 1.8.0 counts it" 2 tool --check --cis 1.8.0
expect "it names the socket" grep -qE -- "^1\.1\.9 +docker\.sock +$OWN_SOCKET +NO " "$TMP/out"
tool -q

# Not root: the kernel's rules cannot be read: UNKNOWN, file checks still reported.
if command -v setpriv >/dev/null; then
        chmod 755 "$rules"; chmod 644 "$frag"
        expect_status "as nobody: --check is UNKNOWN" 3 setpriv --reuid=65534 --regid=65534 --clear-groups \
                "$bin" --rules-dir "$rules" -k "$KEY" --check
        expect "as nobody: says why" grep -q "needs root" "$TMP/out"
        expect "as nobody: the fragment's mode is still judged" grep -q "has mode 0644" "$TMP/out"
        expect_status "as nobody: --print works, saying what it could not read" 3 setpriv --reuid=65534 \
                --regid=65534 --clear-groups "$bin" --print
        expect "as nobody: --print still renders the rules" grep -qE -- "^-w .* -k docker$" "$TMP/out"
        chmod 600 "$frag"
fi

# The public scanners' logic agrees. docker-bench-security (CIS 1.6.0): for each item whose path
# exists (1.1.3 and 1.1.4 always), `auditctl -l | grep PATH` must find a rule.
listing=$(auditctl -l)
for p in /usr/bin/dockerd /run/containerd /var/lib/docker /etc/docker /lib/systemd/system/docker.service \
         /run/containerd/containerd.sock /lib/systemd/system/docker.socket /etc/default/docker \
         /etc/docker/daemon.json /etc/containerd/config.toml /etc/sysconfig/docker /usr/bin/containerd \
         /usr/bin/containerd-shim /usr/bin/containerd-shim-runc-v1 /usr/bin/containerd-shim-runc-v2 /usr/bin/runc; do
        case $p in /usr/bin/dockerd|/run/containerd) ;; *) [ -e "$p" ] || continue ;; esac
        expect "docker-bench-security style: auditctl -l | grep $p" grep -qF -- "$p" <<<"$listing"
done
# InSpec style: the exact line -w PATH -p rwxa -k KEY for each -w item whose path exists.
for p in /usr/bin/dockerd /etc/docker /usr/lib/systemd/system/docker.service /usr/lib/systemd/system/docker.socket \
         /var/run/docker.sock /etc/default/docker /etc/docker/daemon.json /etc/containerd/config.toml \
         /usr/bin/containerd /usr/bin/containerd-shim /usr/bin/containerd-shim-runc-v1 \
         /usr/bin/containerd-shim-runc-v2 /usr/bin/runc /usr/sbin/runc /usr/sbin/dockerd; do
        [ -e "$p" ] || [ "$p" = /usr/bin/dockerd ] || [ "$p" = /var/run/docker.sock ] || continue
        expect "InSpec style: -w $p -p rwxa -k KEY" grep -qxF -- "-w $p -p rwxa -k $KEY" <<<"$listing"
done

tool --remove -q
finish
