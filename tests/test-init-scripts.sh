#!/bin/bash
# runit services, SysV init scripts and wrapper scripts, on host trees built here (no kernel):
# which init system starts Docker, and what a wrapper exec's. A wrapper is followed only when it
# is root's, small and a shell script; it is never run.
#   test-init-scripts.sh BINARY
set -u
bin=$(realpath "$1")
TMP=$(mktemp -d /tmp/dar-init.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failures=0 checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
# check NAME yes|no PATTERN ARGS...: the output (status $STATUS, 0 unless set) has, or has not,
# a line matching.
check() {
        local name=$1 want=$2 pattern=$3 out st; shift 3
        out=$(timeout 10 "$bin" "$@" 2>&1); st=$?
        if [ "$st" != "${STATUS:-0}" ]; then fail "$name: status $st"; echo "$out" | sed 's/^/    /'; return; fi
        if grep -qE -- "$pattern" <<<"$out"; then [ "$want" = yes ] && ok "$name" && return
        else [ "$want" = no ] && ok "$name" && return; fi
        fail "$name: /$pattern/ should $([ "$want" = yes ] || echo "not ")be there"; echo "$out" | sed 's/^/    /'
}

# A host whose docker.service runs /opt/w/bin/dockerd, a wrapper exec'ing /opt/real/dockerd.
wrapped() {
        local h=$TMP/$1
        mkdir -p "$h/etc/systemd/system" "$h/opt/w/bin" "$h/opt/real" "$h/opt/evil" "$h/var/lib/docker" "$h/run" "$h/usr/bin"
        printf '[Service]\nExecStart=/opt/w/bin/dockerd -H fd://\n' > "$h/etc/systemd/system/docker.service"
        printf '#!/bin/sh\nexec /opt/real/dockerd "$@"\n' > "$h/opt/w/bin/dockerd"
        printf 'placeholder\n' > "$h/opt/real/dockerd"; printf 'placeholder\n' > "$h/opt/evil/dockerd"
        chmod 755 "$h/opt/w/bin/dockerd" "$h/opt/real/dockerd" "$h/opt/evil/dockerd"
        echo "$h"
}

h=$(wrapped plain)
check "wrapper: the data root's exe!= names the program it exec's" yes \
        '^-a always,exit -F dir=/var/lib/docker .*-F exe!=/opt/real/dockerd ' --root "$h" --print
check "wrapper: the wrapper itself is watched" yes '^-w /opt/w/bin/dockerd -p ' --root "$h" --print
check "wrapper: no exe!= names the script" no 'exe!=/opt/w/bin/dockerd' --root "$h" --print

h=$(wrapped loop)
printf '#!/bin/sh\nexec /opt/w/bin/dockerd "$@"\n' > "$h/opt/real/dockerd"
check "wrapper: two scripts exec'ing each other end" yes '^-w /opt/w/bin/dockerd -p ' --root "$h" --print

h=$(wrapped big)
{ printf '#!/bin/sh\n'; head -c 70000 /dev/zero | tr '\0' '#'; printf '\nexec /opt/evil/dockerd "$@"\n'; } > "$h/opt/w/bin/dockerd"
check "wrapper: a file bigger than a script is not read as one" no 'exe!=/opt/evil/dockerd' --root "$h" --print

h=$(wrapped python)
printf '#!/usr/bin/python3\nexec /opt/evil/dockerd\n' > "$h/opt/w/bin/dockerd"
check "wrapper: another interpreter's script is not a wrapper" no 'exe!=/opt/evil/dockerd' --root "$h" --print

if [ "$(id -u)" = 0 ]; then
        h=$(wrapped user-owned)
        printf '#!/bin/sh\nexec /opt/evil/dockerd "$@"\n' > "$h/opt/w/bin/dockerd"
        chown 4242:4242 "$h/opt/w/bin/dockerd"
        check "wrapper: a user's script names no exemption" no 'exe!=/opt/evil/dockerd' --root "$h" --print
        h=$(wrapped open-dir)
        printf '#!/bin/sh\nexec /opt/evil/dockerd "$@"\n' > "$h/opt/w/bin/dockerd"
        chmod 777 "$h/opt/w/bin"
        check "wrapper: a script in a directory others may write names no exemption" no 'exe!=/opt/evil/dockerd' \
                --root "$h" --print
else
        echo "skip: ownership cases need root"
fi

# runit: the run script's exec line, its conf, whether a link enables it.
h=$TMP/runit; mkdir -p "$h/etc/sv/docker" "$h/usr/bin" "$h/run" "$h/srv/d"
printf '#!/bin/sh\n[ -r conf ] && . ./conf\nexec chpst -o 1048576 dockerd $OPTS 2>&1\n' > "$h/etc/sv/docker/run"
printf 'OPTS="--data-root /srv/d"\n' > "$h/etc/sv/docker/conf"
printf 'placeholder\n' > "$h/usr/bin/dockerd"
check "runit: the data root comes from the run script and its conf" yes '^-a always,exit -F dir=/srv/d ' --root "$h" --print
check "runit: not linked in /var/service, it is disabled" yes '^# dockerd /etc/sv/docker \(runit, disabled\)' \
        --root "$h" --list-paths
mkdir -p "$h/etc/runit/runsvdir/default"; ln -s /etc/sv/docker "$h/etc/runit/runsvdir/default/docker"
check "runit: a link in the default runsvdir enables it" yes '^# dockerd /etc/sv/docker \(runit, enabled\)' \
        --root "$h" --list-paths
printf '#!/bin/sh\nexec 2>&1\nexec sleep infinity\n' > "$h/etc/sv/docker/run"
STATUS=3 check "runit: a run script that exec's no dockerd is a problem (status 3)" yes 'no line exec.s dockerd' --root "$h" --list-paths

# SysV: a Devuan-like host without systemd; an OpenRC script stays OpenRC's.
h=$TMP/sysv; mkdir -p "$h/etc/init.d" "$h/etc/default" "$h/usr/bin" "$h/run" "$h/srv/d"
printf '#!/bin/sh\n. /etc/default/docker\nstart-stop-daemon --start --exec "$DOCKERD" -- $DOCKER_OPTS\n' > "$h/etc/init.d/docker"
printf 'DOCKER_OPTS="--data-root=/srv/d"\n' > "$h/etc/default/docker"
printf 'placeholder\n' > "$h/usr/bin/dockerd"
check "sysv: DOCKER_OPTS of /etc/default/docker moves the data root" yes '^-a always,exit -F dir=/srv/d ' --root "$h" --print
check "sysv: --list-paths names the init system" yes '^# dockerd /etc/init.d/docker \(sysv, disabled\)' --root "$h" --list-paths
printf '#!/sbin/openrc-run\ncommand=/usr/bin/dockerd\n' > "$h/etc/init.d/docker"
check "sysv: an OpenRC script is OpenRC's" yes '^# dockerd /etc/init.d/docker \(openrc, ' --root "$h" --list-paths

if [ "$(id -u)" = 0 ]; then
        h=$TMP/sysv-user; mkdir -p "$h/etc/init.d" "$h/etc/default" "$h/usr/bin" "$h/run" "$h/srv/d" "$h/bin"
        printf '#!/bin/sh\n. /etc/default/docker\n' > "$h/etc/init.d/docker"
        printf 'DOCKERD=/bin/sh\nDOCKER_OPTS="--data-root=/srv/d"\n' > "$h/etc/default/docker"
        printf 'placeholder\n' > "$h/usr/bin/dockerd"; printf 'placeholder\n' > "$h/bin/sh"
        chown 4242:4242 "$h/etc/default/docker"
        STATUS=3 check "sysv: a user's /etc/default/docker names no exemption" no 'exe!=/bin/sh' --root "$h" --print
        STATUS=3 check "sysv: a user's /etc/default/docker is said, not read" yes \
                "/etc/default/docker: not root's, or others may change it" --root "$h" --print
        STATUS=3 check "sysv: a user's /etc/default/docker: the message says how to mend it, on the real path" yes \
                "writable by no one else \\(chown root $h/etc/default/docker; chmod go-w $h/etc/default/docker\\)\$" \
                --root "$h" --print
        h=$TMP/runit-user; mkdir -p "$h/etc/sv/docker" "$h/usr/bin" "$h/run" "$h/srv/d"
        printf '#!/bin/sh\n. ./conf\nexec dockerd $OPTS\n' > "$h/etc/sv/docker/run"
        printf 'OPTS="--data-root /srv/d"\n' > "$h/etc/sv/docker/conf"
        printf 'placeholder\n' > "$h/usr/bin/dockerd"
        chmod 666 "$h/etc/sv/docker/conf"
        STATUS=3 check "runit: a conf others may write moves nothing" no 'dir=/srv/d ' --root "$h" --print
fi

# WSL: /etc/wsl.conf decides between docker.service and the script.
h=$TMP/wsl; mkdir -p "$h/etc/init.d" "$h/etc/default" "$h/usr/bin" "$h/run" "$h/srv/d" "$h/lib/systemd/system"
printf '#!/bin/sh\n. /etc/default/docker\n' > "$h/etc/init.d/docker"
printf 'DOCKER_OPTS="--data-root /srv/d"\n' > "$h/etc/default/docker"
printf '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n' > "$h/lib/systemd/system/docker.service"
printf 'placeholder\n' > "$h/usr/bin/dockerd"
printf '[boot]\ncommand=service docker start\n' > "$h/etc/wsl.conf"
check "wsl: without systemd the script's options count" yes '^-a always,exit -F dir=/srv/d ' --root "$h" --print
printf '[network]\nhostname=x\n[Boot]\n  systemd = True  \n' > "$h/etc/wsl.conf"
check "wsl: [boot] systemd=true: docker.service's reading" no 'dir=/srv/d ' --root "$h" --print
check "wsl: [boot] systemd=true: --list-paths names systemd" yes '^# dockerd docker.service \(systemd' --root "$h" --list-paths
printf '[user]\nsystemd=true\n' > "$h/etc/wsl.conf"
check "wsl: systemd=true outside [boot] does not count" yes '^# dockerd /etc/init.d/docker \(sysv' --root "$h" --list-paths
# Without systemd no unit is read: containerd.service runs nothing there, docker.socket's socket is
# not dockerd's; the installed unit files stay watched, and say why they do not run.
printf '[Service]\nExecStart=/usr/bin/containerd --root /srv/c\n' > "$h/lib/systemd/system/containerd.service"
printf '[Socket]\nListenStream=/run/other.sock\n' > "$h/lib/systemd/system/docker.socket"
check "wsl without systemd: no containerd.service instance" no '^# containerd containerd.service' --root "$h" --list-paths
check "wsl without systemd: containerd.service's options move nothing" no '/srv/c' --root "$h" --list-paths
check "wsl without systemd: docker.socket's ListenStream= is not dockerd's socket" no 'other.sock' --root "$h" --list-paths
check "wsl without systemd: the unit file is watched, and says it does not start" \
        yes '^containerd.service .* unit file of containerd.service, which starts nothing here \(WSL without systemd' --root "$h" --list-paths
printf '[boot]\nsystemd=true\n' > "$h/etc/wsl.conf"
check "wsl with systemd: containerd.service is an instance" yes '^# containerd containerd.service \(systemd' --root "$h" --list-paths

# A host whose init is not systemd (Debian with sysvinit-core: /sbin/init is sysvinit's, and
# /etc/inittab is there), with docker.io's docker.service and SysV script both installed: the
# script runs dockerd, no unit is read.
h=$TMP/sysvinit; mkdir -p "$h/etc/init.d" "$h/etc/default" "$h/usr/sbin" "$h/sbin" "$h/run" "$h/srv/d" "$h/lib/systemd/system"
printf '#!/bin/sh\n. /etc/default/docker\n' > "$h/etc/init.d/docker"
printf 'DOCKER_OPTS="--data-root /srv/d"\n' > "$h/etc/default/docker"
printf '[Service]\nExecStart=/usr/sbin/dockerd -H fd://\n' > "$h/lib/systemd/system/docker.service"
printf 'placeholder\n' > "$h/usr/sbin/dockerd"
printf 'placeholder\n' > "$h/sbin/init"
printf 'id:2:initdefault:\n' > "$h/etc/inittab"
check "sysvinit host: the script's options count" yes '^-a always,exit -F dir=/srv/d ' --root "$h" --print
check "sysvinit host: the unit file is watched, and says why it starts nothing" \
        yes '^docker.service .* which starts nothing here \(the init is not systemd: /sbin/init is /sbin/init\)' --root "$h" --list-paths
# /sbin/init a link to systemd: the units are read, whatever old /etc/inittab lies there.
rm "$h/sbin/init"; ln -s /lib/systemd/systemd "$h/sbin/init"; printf 'placeholder\n' > "$h/lib/systemd/systemd"
check "systemd host with an old /etc/inittab: docker.service's reading" yes '^# dockerd docker.service \(systemd' --root "$h" --list-paths
# /sbin/init a program of another name, but no other init system's files (NixOS's /sbin/init is a
# script that starts systemd): the units are read.
rm "$h/sbin/init" "$h/etc/inittab"; printf '#!/bin/sh\nexec systemd\n' > "$h/sbin/init"
check "no other init system's files: docker.service's reading" yes '^# dockerd docker.service \(systemd' --root "$h" --list-paths

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
