# SPDX-License-Identifier: GPL-2.0-or-later
#
# Sourced by the boot scripts (boot*.sh) inside the VM. The VM only acts and collects: every
# scenario's evidence (exit statuses, --check's JSON and text, the kernel's rules, the audit
# status, the fragment, unit states) goes to /share/out/SCENARIO/, and the host judges it
# (judge.py) once the VM is off. Times are the VM's clock (set from the host's RTC at boot) and
# its uptime.
set -u
OUT=/share/out
MODE=$(cat /share/mode)         # "deb": the built package; "destdir": a meson install tree
FRAGMENT=/etc/audit/rules.d/50-docker.rules
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH DEBIAN_FRONTEND=noninteractive
mkdir -p "$OUT"
# As an administrator's shell: the harness unit's journal stream is not ours. (The program sends
# its summary to the journal instead of printing it when it believes systemd started it.)
unset JOURNAL_STREAM INVOCATION_ID

now() { date +%s.%N; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
say() { echo "vm[$(uptime_s)]: $*"; }

cur=
# begin NAME: a new scenario; its evidence goes to $OUT/NAME.
begin() {
        cur=$1
        mkdir -p "$OUT/$cur"
        now >"$OUT/$cur/start"
        say "scenario $cur"
}
end() {
        now >"$OUT/$cur/end"
        say "scenario $cur done"
}
# skip WHY: the scenario could not run here; the host reports it skipped, never passed.
skip() { printf '%s\n' "$*" >"$OUT/$cur/skip"; say "scenario $cur skipped: $*"; }
# put NAME VALUE: one fact for the judge.
put() { printf '%s\n' "$2" >"$OUT/$cur/$1"; }

# run LABEL CMD...: run CMD, keep its output, error output and exit status.
run() {
        local l=$1
        shift
        local t0 rc
        t0=$(now)
        "$@" >"$OUT/$cur/$l.out" 2>"$OUT/$cur/$l.err" </dev/null
        rc=$?
        echo "$rc" >"$OUT/$cur/$l.rc"
        echo "$t0 $(now)" >"$OUT/$cur/$l.time"
        say "$l: exit $rc ($(awk '{ printf "%.1f", $2 - $1 }' "$OUT/$cur/$l.time") s)"
        return "$rc"
}

# snap LABEL: what a user would look at: --check --probe (JSON and text), the kernel's rules and
# audit status, the fragment (LABEL.fragment, absent when there is none), our units' states.
snap() {
        local l=$1 u
        run "$l.check" docker-audit-rules --check --probe --format json
        run "$l.check-text" docker-audit-rules --check --probe
        auditctl -l >"$OUT/$cur/$l.rules" 2>&1
        auditctl -s >"$OUT/$cur/$l.status" 2>&1
        uname -r >"$OUT/$cur/$l.kernel"
        rm -f "$OUT/$cur/$l.fragment"
        [ -e "$FRAGMENT" ] && cp "$FRAGMENT" "$OUT/$cur/$l.fragment"
        # What the fragment would be now: a difference with the one on disk is what --check's
        # "differs from what this host needs now" is about.
        docker-audit-rules --print >"$OUT/$cur/$l.print" 2>&1
        # One systemctl call for all: "UNIT enabled=STATE active=STATE" lines.
        systemctl show -p Id -p UnitFileState -p ActiveState docker-audit-rules.service \
                docker-audit-rules.path docker-audit-rules-runtime.service docker.service \
                containerd.service auditd.service 2>/dev/null |
                awk -F= '/^Id=/ { id = $2 } /^UnitFileState=/ { en = $2 } /^ActiveState=/ { ac = $2 }
                         /^$/ { if (id != "") print id " enabled=" en " active=" ac; id = "" }
                         END { if (id != "") print id " enabled=" en " active=" ac }' >"$OUT/$cur/$l.units"
        say "snap $l: --check exit $(cat "$OUT/$cur/$l.check.rc"), $(grep -cE '(-k |key=)docker( |$)' "$OUT/$cur/$l.rules") rules with our key"
}

# wait_for SECONDS CMD...: poll CMD every half second; 0 as soon as it succeeds, 1 after SECONDS.
wait_for() {
        local limit=$1 t0
        shift
        t0=$(date +%s)
        while ! "$@" >/dev/null 2>&1; do
                [ $(($(date +%s) - t0)) -ge "$limit" ] && return 1
                sleep 0.5
        done
        return 0
}

# covered: --check --probe says every target is covered now and at boot, nothing is critical,
# and the probe's event was recorded. (Its exit status can still be WARNING for a finding of
# another kind; the judge looks at that apart.)
covered() {
        local text
        text=$(docker-audit-rules --check --probe 2>&1)
        printf '%s\n' "$text" | head -1 | grep -qE ' ([0-9]+) of \1 targets covered now and at boot.* 0 critical' &&
                printf '%s\n' "$text" | grep -q '^note: probe: .* recorded with key'
}

# A oneshot unit that ran (to completion or failure) since TIMESTAMP (monotonic µs): inactive or
# failed, with a start time after TIMESTAMP.
ran_since() { # UNIT MONOTONIC_USEC
        local st start
        st=$(systemctl show -P ActiveState "$1")
        start=$(systemctl show -P ExecMainStartTimestampMonotonic "$1")
        [ "$st" != activating ] && [ "$st" != active ] && [ "${start:-0}" -gt "$2" ]
}
mono_usec() { awk '{ printf "%d\n", $1 * 1000000 }' /proc/uptime; }
unit_show() { # LABEL UNIT: the unit's run, for the judge
        systemctl show -p ActiveState -p Result -p ExecMainStatus -p ExecMainStartTimestampMonotonic \
                -p ExecMainExitTimestampMonotonic -p NRestarts "$2" >"$OUT/$cur/$1.show" 2>&1
}

# The package's files: the .deb through dpkg, or (no package built) the meson install tree
# copied in, with its units enabled by hand and a first run, as the package's postinst would do.
install_tool() {
        if [ "$MODE" = deb ]; then
                run install dpkg -i /share/pkg/docker-audit-rules.deb
        else
                tar -C /share/pkg/destdir -cf - . | tar -C / -xf - --keep-directory-symlink &&
                        systemctl daemon-reload &&
                        systemctl enable docker-audit-rules.service docker-audit-rules.path \
                                docker-audit-rules-runtime.service >/dev/null 2>&1 &&
                        systemctl start docker-audit-rules.path &&
                        run install docker-audit-rules --best-effort -q
        fi
}
