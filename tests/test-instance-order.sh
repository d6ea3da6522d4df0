#!/bin/bash
# A path that several daemon instances name is listed under one of them chosen by name (the
# first instance key in sort order), with that instance's evidence: the same listing whatever
# order discovery walked the instances in. Two systemd units run dockerd and share its binary,
# EnvironmentFile= and /etc/docker; once the extra unit sorts before docker.service, once after.
#   test-instance-order.sh BINARY
set -u
bin=$(realpath "$1")
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
fail=0

host() { # root, extra unit's name
        mkdir -p "$1"/{usr/bin,etc/systemd/system,etc/default,etc/docker,var/lib/docker}
        printf '#!/bin/sh\n' > "$1/usr/bin/dockerd"; chmod 755 "$1/usr/bin/dockerd"
        printf 'DOCKER_OPTS=\n' > "$1/etc/default/docker"
        printf '[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd -H fd://\n' \
                > "$1/etc/systemd/system/docker.service"
        printf '[Service]\nEnvironmentFile=-/etc/default/docker\nExecStart=/usr/bin/dockerd --data-root /srv/b -H unix:///run/b.sock --exec-root /run/b\n' \
                > "$1/etc/systemd/system/$2"
}

# The instance heading a path is listed under in --list-paths.
heading_of() { # listing, path
        awk -v p="$2" '/^# / { h = $0 } $3 == p { print h; exit }' "$1"
}

check() { # extra unit's name, the heading expected for the shared paths
        local root=$t/${1%.service} out
        host "$root" "$1"
        out=$root.list
        "$bin" --root "$root" --list-paths > "$out" 2>&1
        for p in /usr/bin/dockerd /etc/default/docker /etc/docker; do
                h=$(heading_of "$out" "$p")
                case $h in
                "# dockerd $2 "*) echo "ok: $p under $2 (extra unit $1)" ;;
                *) echo "FAIL: $p is listed under \"$h\", not dockerd $2 (extra unit $1)"; fail=1 ;;
                esac
        done
        # The evidence is that instance's own.
        grep -E "^default-docker .*/etc/default/docker .*EnvironmentFile= of $2" "$out" >/dev/null ||
                { echo "FAIL: /etc/default/docker's evidence is not $2's"; cat "$out"; fail=1; }
}

check a-docker.service a-docker.service   # sorts before docker.service, walked after it
check z-docker.service docker.service     # sorts after it
exit $fail
