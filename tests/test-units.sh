#!/bin/bash
# The systemd units as meson generates them must pass `systemd-analyze verify` without a single
# message about them: unknown or misspelt keys, bad values and a non-executable ExecStart= are
# only warnings there, so any output naming our units fails the test.
#   test-units.sh BINARY SERVICE PATH-UNIT RUNTIME-SERVICE METRICS-SERVICE METRICS-TIMER
# The generated service's ExecStart= names the installed binary (PREFIX/sbin), which need not exist
# yet: a copy pointing at the built binary is verified, after checking that the generated one
# names an absolute .../docker-audit-rules.
set -u
bin=$(realpath "$1")
service=$2
pathunit=$3
runtime=$4
metrics=$5
timer=$6
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }

tmp=$(mktemp -d /tmp/test-units.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

for f in "$service" "$pathunit" "$runtime" "$metrics" "$timer"; do
        if grep -n '@[A-Z_]*@' "$f"; then bad "$(basename "$f"): unsubstituted @VARIABLE@"; else ok "$(basename "$f"): fully substituted"; fi
done

exec_line=$(grep '^ExecStart=' "$service")
if [[ $exec_line =~ ^ExecStart=/[^[:space:]]*/docker-audit-rules\ --best-effort\ -q$ ]]; then
        ok "ExecStart= is absolute and runs with --best-effort -q"
else
        bad "unexpected ExecStart= line: $exec_line"
fi

sed -E "s|^ExecStart=[^[:space:]]*/docker-audit-rules|ExecStart=$bin|" "$service" > "$tmp/docker-audit-rules.service"
cp "$pathunit" "$tmp/docker-audit-rules.path"
sed -E "s|^ExecStart=[^[:space:]]*/docker-audit-rules|ExecStart=$bin|" "$runtime" > "$tmp/docker-audit-rules-runtime.service"
grep -q "^ExecStart=$bin " "$tmp/docker-audit-rules.service" || bad "could not point ExecStart= at $bin"
sed -E "s|^ExecStart=[^[:space:]]*/docker-audit-rules|ExecStart=$bin|" "$metrics" > "$tmp/docker-audit-rules-metrics.service"
cp "$timer" "$tmp/docker-audit-rules-metrics.timer"

# The metrics service: --check --probe in the textfile format, into the collector's directory,
# the only place it may write; the timer starts it every 5 minutes.
mexec=$(sed -n 's/^ExecStart=//p' "$metrics")
mdir=$(sed -n 's/^ReadWritePaths=//p' "$metrics")
if [[ $mexec =~ ^/[^[:space:]]*/docker-audit-rules\ --check\ --probe\ --format\ prometheus\ --output\ (/[^[:space:]]*\.prom)$ ]] &&
   [ "$(dirname "${BASH_REMATCH[1]}")" = "$mdir" ]; then
        ok "the metrics service writes --check --probe metrics into its one writable directory ($mdir)"
else
        bad "unexpected metrics ExecStart= '$mexec' or ReadWritePaths= '$mdir'"
fi
if [ "$(sed -n 's/^OnUnitActiveSec=//p' "$timer")" = 5min ] &&
   [ "$(sed -n 's/^Unit=//p' "$timer")" = docker-audit-rules-metrics.service ]; then
        ok "the timer starts the metrics service every 5 minutes"
else
        bad "the timer does not start docker-audit-rules-metrics.service every 5 minutes"
fi

# The path unit must start our service, and nothing else.
target=$(sed -n 's/^Unit=//p' "$tmp/docker-audit-rules.path")
if [ "$target" = docker-audit-rules.service ]; then ok "path unit starts docker-audit-rules.service"; else bad "path unit's Unit= is '$target'"; fi
# Every PathChanged= is absolute (verify refuses only when none is left).
if grep -E '^Path[A-Za-z]+=' "$tmp/docker-audit-rules.path" | grep -vE '^PathChanged=/'; then
        bad "a path setting that is not an absolute PathChanged="
else
        ok "every path setting is an absolute PathChanged="
fi

# The run-time unit: the same run and sandbox as the boot service, started anew by every start of
# containerd or dockerd, after them.
section() { # file, section name: its lines, comments and blank lines left out
        awk -v s="[$2]" '/^\[/ { on = ($0 == s); next } on && !/^#/ && NF' "$1"
}
if diff <(section "$service" Service) <(section "$runtime" Service) > "$tmp/service.diff"; then
        ok "the run-time unit's [Service] is the boot service's, line for line"
else
        bad "the run-time unit's [Service] differs from the boot service's:"; sed 's/^/    /' "$tmp/service.diff"
fi
if section "$runtime" Service | grep -qx 'Type=oneshot' && ! section "$runtime" Service | grep -q '^RemainAfterExit='; then
        ok "the run-time unit is a oneshot without RemainAfterExit= (each daemon start runs it again)"
else
        bad "the run-time unit must be Type=oneshot without RemainAfterExit="
fi
words() { section "$1" "$2" | sed -n "s/^$3=//p" | tr ' ' '\n' | sort -u; }
for u in containerd.service docker.service docker.socket; do
        words "$runtime" Unit After | grep -qx "$u" && ok "the run-time unit runs after $u" || bad "the run-time unit is not After=$u"
done
for u in containerd.service docker.service; do
        words "$runtime" Install WantedBy | grep -qx "$u" && ok "$u pulls the run-time unit in (WantedBy=)" ||
                bad "the run-time unit is not WantedBy=$u"
done
if section "$runtime" Unit | grep -qE '^(Wants|Requires|BindsTo|PartOf|Requisite)='; then
        bad "the run-time unit pulls something in or binds to it: a failure could reach the daemons"
else
        ok "the run-time unit only orders itself, it pulls nothing in"
fi
# No loop: the only file either service writes is the fragment in its rules directory (the one
# read-write path of the sandbox); the path unit must not watch it, or anything above it.
rulesdir=$(section "$service" Service | sed -n 's/^ReadWritePaths=-\{0,1\}//p')
loop=
while read -r p; do
        case "$rulesdir/" in "${p%/}/"*) loop="$loop $p" ;; esac
        case "$p/" in "${rulesdir%/}/"*) loop="$loop $p" ;; esac
done < <(sed -n 's/^PathChanged=//p' "$pathunit")
if [ -z "$rulesdir" ]; then
        bad "no ReadWritePaths= in the service"
elif [ -n "$loop" ]; then
        bad "the path unit watches where the services write ($rulesdir):$loop"
else
        ok "the path unit watches nothing the services write ($rulesdir)"
fi

args=(--man=no)
systemd-analyze verify --help 2>/dev/null | grep -q -- '--generators' && args+=(--generators=no)
(cd "$tmp" && systemd-analyze verify "${args[@]}" ./docker-audit-rules.service ./docker-audit-rules.path \
        ./docker-audit-rules-runtime.service ./docker-audit-rules-metrics.service \
        ./docker-audit-rules-metrics.timer) \
        > "$tmp/verify.out" 2>&1
rc=$?
sed 's/^/    /' "$tmp/verify.out"
if [ "$rc" -ne 0 ]; then
        bad "systemd-analyze verify exited $rc"
elif grep -q 'docker-audit-rules' "$tmp/verify.out"; then
        bad "systemd-analyze verify has something to say about our units"
else
        ok "systemd-analyze verify: no message about our units"
fi

# The check itself must be able to fail: a misspelt key and a missing binary are reported.
mkdir "$tmp/broken"
sed -e 's/^PrivateTmp=yes/PrivateTmp=yes\nPrivateTemp=yes/' -e "s|^ExecStart=$bin|ExecStart=$tmp/missing|" \
        "$tmp/docker-audit-rules.service" > "$tmp/broken/docker-audit-rules.service"
out=$(cd "$tmp/broken" && systemd-analyze verify "${args[@]}" ./docker-audit-rules.service 2>&1)
if grep -q "PrivateTemp" <<<"$out" && grep -q "$tmp/missing" <<<"$out"; then
        ok "a broken copy is reported"
else
        bad "a broken copy went unnoticed: $out"
fi

exit $fail
