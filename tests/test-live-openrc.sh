#!/bin/bash
# The OpenRC hooks (contrib/openrc/conf.d-*): start_post() returns 0 at once, whatever happens,
# and runs docker-audit-rules --best-effort -q only once the daemon's socket exists.
#   test-live-openrc.sh CONTRIB-OPENRC-DIR
set -u
dir=$1
tmp=$(mktemp -d /tmp/test-openrc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
mkdir "$tmp/bin"
printf '#!/bin/sh\necho "$*" >> "%s/calls"\nexit 1\n' "$tmp" > "$tmp/bin/docker-audit-rules"
chmod +x "$tmp/bin/docker-audit-rules"

for f in "$dir"/conf.d-containerd "$dir"/conf.d-docker; do
        n=$(basename "$f")
        rm -f "$tmp/calls" "$tmp/sock"
        start=$(date +%s%N)
        PATH=$tmp/bin:$PATH DOCKER_AUDIT_RULES_WAIT=$tmp/sock sh -e -c ". '$f'; start_post"
        rc=$?
        ms=$((($(date +%s%N) - start) / 1000000))
        [ "$rc" = 0 ] && ok "$n: start_post returns 0" || bad "$n: start_post returned $rc"
        [ "$ms" -lt 1000 ] && ok "$n: and at once (${ms} ms)" || bad "$n: start_post took ${ms} ms"
        sleep 1.5
        [ ! -e "$tmp/calls" ] && ok "$n: nothing runs before the socket exists" || bad "$n: ran before the socket existed"
        python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$tmp/sock"
        for _ in $(seq 30); do [ -e "$tmp/calls" ] && break; sleep 0.2; done
        if [ "$(cat "$tmp/calls" 2>/dev/null)" = "--best-effort -q" ]; then
                ok "$n: docker-audit-rules --best-effort -q runs once the socket exists"
        else
                bad "$n: calls: $(cat "$tmp/calls" 2>/dev/null)"
        fi
        # Without the program: still 0.
        PATH=/usr/bin:/bin DOCKER_AUDIT_RULES_WAIT=$tmp/sock sh -e -c ". '$f'; start_post" &&
                ok "$n: without the program, 0" || bad "$n: without the program, not 0"
done
exit $fail
