#!/bin/bash
# No user steers discovery through /proc. Any user can start a process named dockerd with any
# options; only root's daemons (uid 0 in the initial user namespace, running a binary of root's)
# name paths. A user's, a container root's (uid 0 of another user namespace), or root's running a
# user's binary: not used, said by pid and uid without quoting its command line, and the host's
# own data root stays watched. A user's binary is never the exe!= exemption of the host's data
# root. Live host only: /proc is read only without --root.
#   test-security-proc.sh BINARY FAKE-DAEMON
set -u
bin=$(realpath "$1")
fake=$(realpath "$2")
EVIL=/tmp/evil EVIL_JSON=/tmp/evil.json
USER_UID=65534

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (starts processes as another uid)"; exit 77; }
for p in setpriv unshare; do
        command -v "$p" >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done

TMP=$(mktemp -d /tmp/dar-secproc.XXXXXX)
ROOTBIN=$(mktemp -d /run/dar-secproc.XXXXXX)
PIDS=()
cleanup() {
        for p in "${PIDS[@]}"; do
                kill "$p" 2>/dev/null
                wait "$p" 2>/dev/null
        done
        rm -rf "$TMP" "$ROOTBIN"
}
trap cleanup EXIT
failures=0 checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

# The user's home, its ~/bin/dockerd the user's own; a copy of root's in a directory of root's
# that no one else can write (not below the sticky /tmp).
chmod 755 "$TMP"
HOME_U=$TMP/home
mkdir -p "$HOME_U/bin"
cp "$fake" "$HOME_U/bin/dockerd"
chown -R "$USER_UID:$USER_UID" "$HOME_U"
cp "$fake" "$ROOTBIN/dockerd"
USER_DOCKERD=$HOME_U/bin/dockerd ROOT_DOCKERD=$ROOTBIN/dockerd

# start EXPECTED-EXE COMMAND...: run it in the background until /proc shows it running EXPECTED-EXE;
# PID is its pid.
start() {
        local exe=$1; shift
        "$@" &
        PID=$!
        PIDS+=("$PID")
        for _ in $(seq 100); do
                [ "$(readlink "/proc/$PID/exe" 2>/dev/null)" = "$exe" ] && return 0
                sleep 0.05
        done
        echo "FAIL: $* did not start"
        exit 1
}
stop() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }

run() { # list|print: stdout in $TMP/out, stderr in $TMP/err
        local mode=--list-paths
        [ "$1" = print ] && mode=--print
        "$bin" "$mode" --rules-dir "$TMP/rules" >"$TMP/out" 2>"$TMP/err"
}

# The host as it is: its data roots and their rules.
run list; BASE_STATUS=$?; cp "$TMP/out" "$TMP/base-list"
run print; cp "$TMP/out" "$TMP/base-print"
mapfile -t DATA_ROOTS < <(awk '$1 == "data-root" { print $3 }' "$TMP/base-list" | sort -u)
if [ "${#DATA_ROOTS[@]}" = 0 ]; then
        echo "FAIL: the host lists no data root to compare with"
        exit 1
fi
if grep -qF "$EVIL" "$TMP/base-list" "$TMP/base-print"; then
        echo "SKIP: the host itself names $EVIL"
        exit 77
fi

mapfile -t CONFIGS < <(awk '$1 == "daemon.json" { print $3 }' "$TMP/base-list" | sort -u)

# The host's data roots and daemon.json are still listed, with the rules the host gave them.
host_kept() { # what
        local p line
        for p in "${DATA_ROOTS[@]}"; do
                grep -qE "^data-root +[^ ]+ +$p " "$TMP/out" || { fail "$1: the host's data root $p is no longer listed"; return; }
        done
        for p in "${CONFIGS[@]}"; do
                grep -qE "^daemon.json +[^ ]+ +$p " "$TMP/out" || { fail "$1: the host's daemon.json $p is no longer listed"; return; }
        done
        ok "$1: the host's data roots and daemon.json are still listed"
}
host_rules_kept() { # what
        local p line
        for p in "${DATA_ROOTS[@]}" "${CONFIGS[@]}"; do
                while IFS= read -r line; do
                        grep -qxF -- "$line" "$TMP/out" || { fail "$1: the rule '$line' is gone"; return; }
                done < <(grep -E -- "-F (dir|path)=$p |^-w $p " "$TMP/base-print")
        done
        ok "$1: the host's data root and daemon.json rules are as they were"
}

# hostile WHAT PATTERN: the daemon at $PID names nothing; said once by its pid, as a warning:
# no user changes the exit status of root's runs.
hostile() {
        local what=$1 said=$2
        run list
        expect "$what: --list-paths exits as it did without it" test "$?" = "$BASE_STATUS"
        expect "$what: --list-paths does not name $EVIL" bash -c "! grep -qF '$EVIL' '$TMP/out'"
        host_kept "$what"
        # --list-paths lists discovery's warnings with the paths.
        if [ -n "$said" ]; then
                expect "$what: one line names its pid and who it is" \
                        test "$(grep -cE "^warning: running dockerd \(pid $PID[,)].*$said" "$TMP/out")" = 1
        else
                expect "$what: nothing said (rootless Docker runs so)" bash -c "! grep -qF '(pid $PID' '$TMP/out' '$TMP/err'"
        fi
        expect "$what: no message quotes its command line" bash -c "! grep -qF '$EVIL' '$TMP/err'"
        run print
        [ -z "$said" ] || expect "$what: --print says it on standard error" grep -qF "(pid $PID" "$TMP/err"
        expect "$what: --print does not name $EVIL" bash -c "! grep -qF '$EVIL' '$TMP/out'"
        host_rules_kept "$what"
        expect "$what: no exe= field names the user's binary" bash -c "! grep -qF 'exe!=$HOME_U' '$TMP/out'"
}

# 1. A user's process named dockerd, with a data root and daemon.json of its own.
start "$USER_DOCKERD" setpriv --reuid=$USER_UID --regid=$USER_UID --clear-groups \
        "$USER_DOCKERD" --data-root "$EVIL" --config-file "$EVIL_JSON"
hostile "a user's dockerd" "uid $USER_UID, not root"
stop

# 2. The same with a daemon.json only: it was taken for the host's own instance (no data root
# named on either side), its daemon.json for the host's, and its binary for the exemption of
# the host's data root.
start "$USER_DOCKERD" setpriv --reuid=$USER_UID --regid=$USER_UID --clear-groups "$USER_DOCKERD" \
        --config-file "$EVIL_JSON"
hostile "a user's dockerd with a daemon.json of its own" "uid $USER_UID, not root"
stop

# 3. uid 0 of another user namespace (a container's root), running a binary of root's.
start "$ROOT_DOCKERD" unshare --user --map-root-user "$ROOT_DOCKERD" --data-root "$EVIL" --config-file "$EVIL_JSON"
hostile "root of another user namespace" "another user namespace"
stop

# 4. Root's process running the user's binary: the user could replace what runs as root's daemon.
start "$USER_DOCKERD" "$USER_DOCKERD" --data-root "$EVIL" --config-file "$EVIL_JSON"
hostile "root running a user's binary" "uid 0\) runs a binary that is not root's"
stop

# 5. A user in a user namespace of their own, as rootlesskit runs rootless Docker: not used,
# and not a warning either.
if setpriv --reuid=$USER_UID --regid=$USER_UID --clear-groups unshare --user --map-root-user true 2>/dev/null; then
        start "$USER_DOCKERD" setpriv --reuid=$USER_UID --regid=$USER_UID --clear-groups \
                unshare --user --map-root-user "$USER_DOCKERD" --data-root "$EVIL" --config-file "$EVIL_JSON"
        hostile "a user's dockerd in a user namespace of its own" ""
        stop
else
        echo "skip: users cannot create user namespaces here"
fi

# Control: root's own daemon from a binary of root's is used, so the checks above can fail.
start "$ROOT_DOCKERD" "$ROOT_DOCKERD" --data-root "$TMP/control" --config-file "$TMP/control.json"
run print
expect "control: root's daemon's data root is watched, its binary the exemption" \
        grep -qxF -- "-a always,exit -F path=$TMP/control -F perm=wa -F exe!=$ROOT_DOCKERD -k docker" "$TMP/out"
stop

# A host tree (--root) where only a user has a dockerd, in ~/bin: the exemption of the user's
# own data root may name it (the user's tree); the host's data root never does.
R=$TMP/tree
mkdir -p "$R/etc" "$R/var/lib" "$R/home/u/bin" "$R/home/u/.local/share/docker" "$R/home/v/bin" \
        "$R/home/v/.local/share/docker" "$R/shared"
printf 'root:x:0:0::/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\nv:x:1001:1001::/home/v:/bin/sh\n' > "$R/etc/passwd"
cp "$fake" "$R/home/u/bin/dockerd"
chown -R 1000:1000 "$R/home/u"
# v's ~/bin/dockerd is a link to a directory anyone can write: not even v's own.
chmod 1777 "$R/shared"
cp "$fake" "$R/shared/dockerd"
ln -s /shared/dockerd "$R/home/v/bin/dockerd"
chown -R 1001:1001 "$R/home/v"
chown -h 1001:1001 "$R/home/v/bin/dockerd"
"$bin" --root "$R" --print >"$TMP/out" 2>"$TMP/err"
expect "tree: the host's data root is watched" grep -qE -- "-F (dir|path)=/var/lib/docker " "$TMP/out"
expect "tree: a user's ~/bin/dockerd is not the exemption of the host's data root" \
        bash -c "! grep -E -- '-F (dir|path)=/var/lib/docker ' '$TMP/out' | grep -qF 'exe!=/home/'"
# (A rule made at run time may be a comment here: the line is the same.)
expect "tree: the user's own data root may name the user's binary" \
        grep -qE -- "^(# +)?-a always,exit -F dir=/home/u/.local/share/docker -F perm=wa -F exe!=/home/u/bin/dockerd -k docker\$" "$TMP/out"
expect "tree: a binary anyone can replace is no one's exemption" \
        bash -c "! grep -qE 'exe!=(/shared|/home/v)' '$TMP/out'"

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
