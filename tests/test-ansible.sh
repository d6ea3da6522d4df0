#!/bin/bash
# The Ansible role in contrib/ansible, run on this machine (localhost, local connection) against
# the real kernel with a real auditd (started here in the foreground, stopped by its PID). The
# role gets its own key and data-root mode through its settings variables (a settings file of its
# own) and a temporary rules directory through docker_audit_rules_extra_args;
# lib.sh removes every rule carrying the key on exit.
#   test-ansible.sh BINARY
set -u
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
ansible_dir=$here/../contrib/ansible
command -v ansible-playbook >/dev/null || { echo "SKIP: ansible-playbook not installed"; exit 77; }
. "$here/lib.sh"
need_kernel_audit
command -v auditd >/dev/null || { echo "SKIP: auditd not installed"; exit 77; }
if [ -n "$(pgrep -x auditd)" ]; then echo "SKIP: another auditd is running"; exit 77; fi

rules=$TMP/rules
frag=$rules/50-docker.rules
mkdir -p "$rules" "$TMP/ansible-tmp" "$TMP/probe"
chmod 755 "$TMP"

# Where the tool will not touch the kernel (a container, a chroot), the role rightly fails the host
# (exit status 5): nothing to test here. Ask the tool itself, without changing anything.
"$bin" --dry-run --format json --rules-dir "$TMP/probe" -k "$KEY" >"$TMP/probe.json" 2>/dev/null
if ! python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d["kernel"]["state"] != "dry-run")' "$TMP/probe.json"; then
        echo "SKIP: the tool will not load rules here: $(python3 -c 'import json, sys; k = json.load(open(sys.argv[1]))["kernel"]; print(k["state"], k["message"])' "$TMP/probe.json" 2>&1)"
        exit 77
fi

cat > "$TMP/inventory.ini" <<INV
[docker_hosts]
localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3 ansible_become=false

[docker_hosts:vars]
docker_audit_rules_binary=$bin
docker_audit_rules_extra_args=["--rules-dir", "$rules"]
docker_audit_rules_key=$KEY
docker_audit_rules_data_root_mode=cis
docker_audit_rules_settings_file=$TMP/docker-audit-rules.conf
INV
: > "$TMP/ansible.cfg"

export ANSIBLE_CONFIG=$TMP/ansible.cfg ANSIBLE_STDOUT_CALLBACK=ansible.posix.json \
       ANSIBLE_LOCAL_TEMP=$TMP/ansible-tmp ANSIBLE_REMOTE_TMP=$TMP/ansible-tmp \
       ANSIBLE_ROLES_PATH=$ansible_dir/roles ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
       ANSIBLE_HOST_KEY_CHECKING=0 ANSIBLE_DEPRECATION_WARNINGS=0

# play NAME [ansible-playbook options...]: run site.yml, keep its JSON report in $TMP/NAME.json.
play() {
        local name=$1; shift
        ansible-playbook -i "$TMP/inventory.ini" "$ansible_dir/site.yml" "$@" >"$TMP/$name.json" 2>"$TMP/$name.err"
        echo "$name: ansible-playbook exited $?"
}
# q NAME EXPR: evaluate a Python expression over the run's report; exit 0 if it is true.
#   stats: the host's recap; task(prefix): the host's result of the task whose name starts so.
#   check_passed(result): the check task's JSON is OK, or WARNING only because the host's own
#   rules of other keys (the installed package's, say) stand before ours (CHECK_JSON_OK, lib.sh).
q() {
        CHECK_JSON_OK=$CHECK_JSON_OK python3 - "$TMP/$1.json" "$2" <<'PY'
import json, os, sys
play = json.load(open(sys.argv[1]))
stats = play["stats"]["localhost"]
def task(prefix):
    for p in play["plays"]:
        for t in p["tasks"]:
            if t["task"]["name"].split(" : ", 1)[-1].startswith(prefix):
                return t["hosts"].get("localhost")
    return None
def check_passed(h):
    if h is None or h.get("failed") is True or h.get("rc") not in (0, 1):
        return False
    d = json.loads(h["stdout"])
    if eval(os.environ["CHECK_JSON_OK"]):
        return True
    print("    check:", d.get("status"), d.get("summary"), [(x.get("kind"), x.get("in_kernel"), x.get("severity"))
          for x in d.get("shadowing_rules", [])], [(t["path"], t["status"]) for t in d.get("targets", [])
          if t.get("watched") and t.get("counted") and t.get("status") != "ok"], file=sys.stderr)
    return False
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}
show() { # NAME: print a run's report when something went wrong
        sed 's/^/    /' "$TMP/$1.err"
        python3 - "$TMP/$1.json" <<'PY' | sed 's/^/    /'
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["plays"]:
    for t in p["tasks"]:
        h = t["hosts"].get("localhost", {})
        print(t["task"]["name"], {k: h.get(k) for k in ("changed", "failed", "rc", "msg", "skipped")})
print(d["stats"])
PY
}
INSTALL="task('Install the Docker audit rules')"
CHECK="task('Verify the rules are loaded')"
REPORT="task('Report the check')"

expect "the test's own dockerd runs" start_own_dockerd
expect "auditd starts" start_auditd

# 1. First run: the install task changes the host, the check passes.
play first
expect "first run: the play succeeds" q first "stats['failures'] == 0 and stats.get('unreachable', 0) == 0"
expect "first run: the install task reports changed" q first "${INSTALL}['changed'] is True and ${INSTALL}.get('failed') is not True"
expect "first run: the recap says changed=2 (settings file, rules)" q first "stats['changed'] == 2"
expect "first run: the settings file holds the key and mode from the role's variables" \
        grep -qxF "Key=$KEY" "$TMP/docker-audit-rules.conf"
expect "first run: the fragment was written with them" \
        grep -q "key \"$KEY\", permissions default, data root mode \"cis\"" "$frag"
expect "first run: the check task ran and passed (OK, or WARNING for the host's own rules alone)" \
        q first "check_passed(${CHECK}) and ${CHECK}['changed'] is False"
expect "first run: the check's report names no target that is not OK" \
        q first "${REPORT}['msg']['status'].startswith(('OK', 'WARNING')) and ${REPORT}['msg']['targets_not_ok'] == []"
expect "first run: the fragment was written in the temporary rules directory" test -s "$frag"
expect "first run: rules with our key are loaded" test -n "$(kernel_lines)"
[ "$failures" = 0 ] || show first

# 2. Second run: nothing to do.
play second
expect "second run: the play succeeds" q second "stats['failures'] == 0"
expect "second run: the install task reports ok, not changed" q second "${INSTALL}['changed'] is False and ${INSTALL}.get('failed') is not True"
expect "second run: the recap says changed=0" q second "stats['changed'] == 0 and stats['ok'] >= 2"
expect "second run: the check passes" q second "check_passed(${CHECK})"
[ "$failures" = 0 ] || show second

# 3. A rule deleted by hand: a check-only run fails the host and names the path.
# A path only this test watches: the host may cover its usual Docker paths with rules of its own.
victim=$OWN_DOCKERD
expect "a rule for $victim is deleted by hand" auditctl -W "$victim" -p rwxa -k "$KEY"
play checkonly --tags check
expect "check-only run: the install task did not run" q checkonly "${INSTALL} is None"
expect "check-only run: the host fails" q checkonly "stats['failures'] == 1 and stats['changed'] == 0"
expect "check-only run: the check task failed with CRITICAL" q checkonly "${CHECK}['failed'] is True and ${CHECK}['rc'] == 2"
expect "check-only run: the report names $victim" \
        q checkonly "${REPORT}['msg']['status'].startswith('CRITICAL') and any('$victim [' in s for s in ${REPORT}['msg']['targets_not_ok'])"
expect "check-only run: the rule is still missing" test -z "$(kernel_lines | grep -F -- " $victim ")"
[ "$failures" = 0 ] || show checkonly

# 4. A normal run repairs it, and the check passes again.
play repair
expect "repair run: the play succeeds" q repair "stats['failures'] == 0"
expect "repair run: the install task reports changed" q repair "${INSTALL}['changed'] is True and stats['changed'] == 1"
expect "repair run: the check passes" q repair "check_passed(${CHECK})"
expect "repair run: the rule for $victim is back" test -n "$(kernel_lines | grep -F -- "$victim")"
[ "$failures" = 0 ] || show repair

# 5. The report, fetched as JSON: the rule deleted by hand in 3 is tampering.
play report --tags report -e docker_audit_rules_report_since=today \
        -e "{\"docker_audit_rules_report_inputs\": [\"$TMP/auditd/audit.log\"]}" -e docker_audit_rules_report_fail_on=[]
FETCH="task('Keep the report as JSON objects')"
expect "report run: the play succeeds" q report "stats['failures'] == 0"
expect "report run: the report is fetched as JSON objects, schema first" \
        q report "${FETCH}['ansible_facts']['docker_audit_rules_report'][0]['schema'] == 'docker-audit-rules/report'"
expect "report run: it holds the deleted rule as tampering and a summary" \
        q report "any(o.get('type') == 'integrity' for o in ${FETCH}['ansible_facts']['docker_audit_rules_report']) and ${FETCH}['ansible_facts']['docker_audit_rules_report'][-1]['type'] == 'summary'"
[ "$failures" = 0 ] || show report

finish
