#!/bin/bash
# What a user decides the size of costs bounded time, and what a user wrote reaches a terminal
# escaped: 5,000 hard-linked unit files in a user's (or the system's) unit directory, unit files
# of 1 MiB each, an audit log with one event of 200,000 PATH records, file names and command
# lines holding ESC [2J in the log and in daemon.json, a key holding a newline, dates a month does
# not have. Host trees and logs built here, passed with --root and --input; no kernel.
#   test-security-bounds.sh BINARY SERVICE-UNIT RUNTIME-UNIT METRICS-UNIT
set -u
bin=$(realpath "$1")
units=("${@:2}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
# Bytes a terminal obeys: C0 controls but newline and tab, DEL, and the C1 CSI 0x9b.
has_controls() { LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f\x9b]' "$1"; }
# Hard links n1..n2 to file in dir (python: one process, not thousands).
links() { # file dir prefix n
        python3 -c 'import os, sys
f, d, p, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
for i in range(1, n + 1):
    os.link(f, os.path.join(d, "%s%d.service" % (p, i)))' "$@"
}
# run NAME LIMIT CMD...: the command's status in $st, output in $tmp/out; a timeout is a failure.
run() {
        local name=$1 limit=$2; shift 2
        local t0=$SECONDS
        timeout "$limit" "$@" > "$tmp/out" 2>&1; st=$?
        if [ "$st" = 124 ]; then bad "$name: not done in $limit s"; return 1; fi
        ok "$name: done in $((SECONDS - t0)) s (limit $limit s)"
}

# A host with dockerd, and a user (uid 4242) whose home is theirs.
mkhost() { # dir
        mkdir -p "$1/usr/bin" "$1/etc/docker" "$1/etc/systemd/system" "$1/lib/systemd/system" "$1/home/u/.config/systemd/user" \
                "$1/home/u/.local/share/systemd/user"
        printf '#!/bin/sh\n' > "$1/usr/bin/dockerd"
        chmod 755 "$1/usr/bin/dockerd"
        printf 'root:x:0:0:root:/root:/bin/bash\nu:x:4242:4242::/home/u:/bin/sh\n' > "$1/etc/passwd"
        printf '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n' > "$1/lib/systemd/system/docker.service"
}
unit='[Service]\nExecStart=/usr/bin/dockerd\n'

# 1. 5,000 hard-linked unit files, in each of the directories a user or root writes them to: the
# scan lists each directory once and takes at most 2048 names of one, said by a problem.
if [ "$(id -u)" = 0 ]; then
        for where in home/u/.config/systemd/user home/u/.local/share/systemd/user etc/systemd/system; do
                h=$tmp/scan-${where//\//-}
                mkhost "$h"
                printf "$unit" > "$h/$where/d0.service"
                links "$h/$where/d0.service" "$h/$where" d 5000
                chown -R 4242:4242 "$h/home/u"
                if run "5,000 unit files in /$where: --list-paths" 30 "$bin" --root "$h" --list-paths; then
                        check "  a problem says the scan stopped at 2048 names of /$where" \
                                "grep -q '^problem: /$where: more than 2048 unit files and .wants/ links: ' '$tmp/out'"
                fi
        done
        # Unit files of 1 MiB each, 2,100 links to one: one scan reads at most 32 MiB of them.
        h=$tmp/scan-big
        mkhost "$h"
        { printf "$unit"; head -c 1040000 /dev/zero | tr '\0' '#'; echo; } > "$h/home/u/.config/systemd/user/d0.service"
        links "$h/home/u/.config/systemd/user/d0.service" "$h/home/u/.config/systemd/user" d 2100
        chown -R 4242:4242 "$h/home/u"
        if run "2,100 unit files of 1 MiB: --list-paths" 30 "$bin" --root "$h" --list-paths; then
                check "  a problem says the scan stopped after 32 MiB" \
                        "grep -q '^problem: /home/u/.config/systemd/user: the unit scan read 32 MiB of unit files: ' '$tmp/out'"
        fi
else
        echo "skip: the user unit scans need root, to give the home to its user"
fi

# 2. --report on one event of 200,000 PATH records: its first 64 are read, the summary says the
# rest were cut.
log=$tmp/long.log
awk 'BEGIN {
        h = "msg=audit(1795990913.860:314): "
        print "type=SYSCALL " h "arch=c000003e syscall=257 success=yes exit=4 a0=ffffff9c a1=1 a2=241 a3=1b6 items=200000 ppid=1 pid=2 auid=4242 uid=4242 gid=4242 euid=4242 suid=4242 fsuid=4242 egid=4242 sgid=4242 fsgid=4242 tty=(none) ses=4 comm=\"sh\" exe=\"/usr/bin/dash\" key=\"dar-bounds\""
        print "type=CWD " h "cwd=\"/tmp\""
        for (i = 0; i < 200000; i++)
                printf "type=PATH %sitem=%d name=\"/etc/docker/f%d\" inode=%d dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n", h, i, i, i + 10
        print "type=PROCTITLE " h "proctitle=7368"
        print "type=EOE " h
}' > "$log"
if run "--report, one event of 200,000 PATH records" 30 "$bin" --report --input "$log" --key dar-bounds; then
        check "  the summary says 199,936 records were cut" \
                "grep -q '^Records cut: 199936 records of 1 events not read (an event.s first 64 PATH records' '$tmp/out'"
        check "  the event is still reported" "grep -q '^Summary: 1 events, 1 changes' '$tmp/out'"
fi
if run "--report --format json, the same log" 30 "$bin" --report --input "$log" --key dar-bounds --format json; then
        check "  the JSON summary counts the cut records" \
                "grep -v '^docker-audit-rules:' '$tmp/out' | tail -1 | jq -e '.records_cut == 199936 and .events_cut == 1' >/dev/null"
fi

# The same records spread over 100 events written in turn, and 60,000 events that never end (no
# PROCTITLE) at one time stamp: libauparse keeps such events open, and spent minutes on either.
awk 'BEGIN {
        for (k = 0; k < 100; k++)
                printf "type=SYSCALL msg=audit(1795990913.860:%d): arch=c000003e syscall=257 success=yes exit=4 a0=ffffff9c a1=1 a2=241 a3=1b6 items=1 ppid=1 pid=2 auid=4242 uid=4242 gid=4242 euid=4242 suid=4242 fsuid=4242 egid=4242 sgid=4242 fsgid=4242 tty=(none) ses=4 comm=\"sh\" exe=\"/usr/bin/dash\" key=\"dar-bounds\"\n", 1000 + k
        for (i = 0; i < 2000; i++)
                for (k = 0; k < 100; k++)
                        printf "type=PATH msg=audit(1795990913.860:%d): item=%d name=\"/etc/docker/f%d\" inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n", 1000 + k, i, i
}' > "$log"
if run "--report, 200,000 PATH records of 100 events written in turn" 30 "$bin" --report --input "$log" --key dar-bounds; then
        check "  the 100 events are reported, and the cut said" \
                "grep -q '^Summary: 100 events' '$tmp/out' && grep -q '^Records cut: 198976 records of 100 events' '$tmp/out'"
fi
awk 'BEGIN {
        for (i = 0; i < 60000; i++)
                printf "type=SYSCALL msg=audit(1795990913.860:%d): arch=c000003e syscall=257 success=yes exit=4 a0=ffffff9c a1=1 a2=241 a3=1b6 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4 comm=\"sh\" exe=\"/usr/bin/dash\" key=\"dar-bounds\"\n", i
}' > "$log"
if run "--report, 60,000 events that never end" 30 "$bin" --report --input "$log" --key dar-bounds; then
        check "  all 60,000 are reported" "grep -q '^Summary: 60000 events' '$tmp/out'"
fi

# 3. A log whose exe, path and command line hold ESC [2J, ESC ]0; (a window title), CR, LF, BEL,
# DEL and the C1 CSI (the kernel writes such fields in hex): the text report shows them as \xNN,
# the JSON report exactly.
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F; }
exe=$'/tmp/\e[2J\e[H\r\n\x9bx'
path=$'/etc/docker/\e]0;owned\a\x7f'
{
        h="msg=audit(1795990914.100:400): "
        echo "type=SYSCALL ${h}arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 a2=241 a3=0 items=1 ppid=1 pid=2 auid=4242 uid=4242 gid=4242 euid=4242 suid=4242 fsuid=4242 egid=4242 sgid=4242 fsgid=4242 tty=(none) ses=4 comm=\"sh\" exe=$(hex "$exe") key=\"dar-bounds\""
        echo "type=CWD ${h}cwd=\"/\""
        echo "type=PATH ${h}item=0 name=$(hex "$path") inode=1 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL"
        echo "type=PROCTITLE ${h}proctitle=$(printf 'sh\0-c\0\033[2Jecho' | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F)"
} > "$tmp/esc.log"
if run "--report on a log with control bytes in exe, path and command line" 30 "$bin" --report --input "$tmp/esc.log" --key dar-bounds; then
        check "  the text holds no control byte but newlines" "! has_controls '$tmp/out'"
        check "  the path, exe and command line are shown as \\xNN" \
                "grep -qF '/etc/docker/\\x1b]0;owned\\x07\\x7f by ' '$tmp/out' && grep -qF '/tmp/\\x1b[2J\\x1b[H\\x0d\\x0a\\x9bx \"sh -c \\x1b[2Jecho\"' '$tmp/out'"
fi
if run "--report --format json on the same log" 30 "$bin" --report --input "$tmp/esc.log" --key dar-bounds --format json; then
        cat > "$tmp/exact.py" <<'PY'
import json, sys
# Strict: the document is UTF-8 (RFC 8259); a recorded byte that is not UTF-8 is U+FFFD there,
# everything else (control characters included) exactly what was recorded.
text = open(sys.argv[1], "rb").read().decode("utf-8")
objs = [json.loads(l) for l in text.splitlines() if not l.startswith("docker-audit-rules:")]
e = [o for o in objs if o.get("type") == "event"][0]
as_recorded = lambda s: s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
assert e["path"] == as_recorded(sys.argv[2]), e["path"]
assert e["exe"] == as_recorded(sys.argv[3]), e["exe"]
assert e["cmdline"] == "sh -c \x1b[2Jecho", e["cmdline"]
PY
        check "  every line is valid UTF-8 JSON, and path, exe and cmdline are the recorded bytes (U+FFFD for a non-UTF-8 byte)" \
                'python3 "$tmp/exact.py" "$tmp/out" "$path" "$exe"'
fi

# 4. A daemon.json string with escape sequences, quoted by a problem: escaped in every mode's text.
h=$tmp/json-esc
mkhost "$h"
printf '{"data-root": "x\\u001b[2J\\u001b[Hy\\nproblem: all is well"}\n' > "$h/etc/docker/daemon.json"
for args in "--list-paths" "--print" "--check" "--dry-run"; do
        # shellcheck disable=SC2086
        run "daemon.json with ESC [2J and a newline: $args" 30 "$bin" --root "$h" $args
        check "  $args: the output holds no control byte but newlines" "! has_controls '$tmp/out'"
        check "  $args: the problem quotes the value escaped, on one line" \
                "grep -qF 'data root \"x\\x1b[2J\\x1b[Hy\\x0aproblem: all is well\"' '$tmp/out'"
done

# 4b. Paths with a raw CSI byte (0x9b), U+009B, U+202E or bytes that are not UTF-8: never raw on a
# rules line or in a comment, text output escapes them, and JSON stays valid UTF-8 for strict
# parsers (the bytes become U+FFFD there).
h=$tmp/raw-bytes
mkhost "$h"
mkdir -p "$h/srv/a$(printf '\x9b')2J" "$h/srv/b$(printf '\xc2\x9b')2J" "$h/srv/c$(printf '\xe2\x80\xae')exe" "$h/srv/d$(printf '\xff')"
printf '{"runtimes": {"a": {"path": "/srv/a\x9b2J/runc"}, "b": {"path": "/srv/b\xc2\x9b2J/runc"}, "c": {"path": "/srv/c\xe2\x80\xaeexe/runc"}, "d": {"path": "/srv/d\xff/runc"}}}\n' \
        > "$h/etc/docker/daemon.json"
"$bin" --root "$h" --print > "$tmp/out" 2>/dev/null
check "raw bytes: the fragment holds none of them" "! LC_ALL=C grep -qP '\\x9b|\\xe2\\x80\\xae|\\xff' '$tmp/out'"
for args in "--list-paths" "--check"; do
        # shellcheck disable=SC2086
        "$bin" --root "$h" $args > "$tmp/out" 2>&1
        check "raw bytes: $args text holds none of them" "! LC_ALL=C grep -qP '\\x9b|\\xe2\\x80\\xae|\\xff' '$tmp/out'"
        # shellcheck disable=SC2086
        "$bin" --root "$h" $args --format json > "$tmp/out.json" 2>/dev/null
        check "raw bytes: $args JSON is valid UTF-8 JSON" "python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\"))' '$tmp/out.json'"
done

# 5. A key holding a newline or an escape sequence: a usage error (2), one line that quotes it escaped.
"$bin" --print -k $'a\nb' > "$tmp/out" 2>&1; st=$?
check "-k 'a<newline>b': usage error, status 2" "[ $st = 2 ]"
check "  the message is one line quoting the key as a\\x0ab" \
        "[ \$(grep -c . '$tmp/out') = 2 ] && grep -qF 'invalid key \"a\\x0ab\"' '$tmp/out'"
"$bin" --list-paths --key $'k\e[2J' > "$tmp/out" 2>&1; st=$?
check "--key 'k<ESC>[2J': status 2, escaped" "[ $st = 2 ] && ! has_controls '$tmp/out' && grep -qF 'k\\x1b[2J' '$tmp/out'"

# 6. --since with a day the month does not have, or an hour 24: a usage error (--report's is 3,
# as 2 is its tampering), as ausearch refuses them, not rolled over to another date.
: > "$tmp/empty.log"
for d in 2026-02-30 02/30/2026 2026-04-31 04/31/2026 2026-13-01 2027-02-29 "2026-01-01 24:00:00" 24:00:00; do
        "$bin" --report --input "$tmp/empty.log" --key dar-bounds --since "$d" > "$tmp/out" 2>&1; st=$?
        check "--since '$d': refused, status 3, said" "[ $st = 3 ] && grep -qF 'invalid time \"$d\"' '$tmp/out'"
done
"$bin" --report --input "$tmp/empty.log" --key dar-bounds --since 2028-02-29 --until "02/29/2028 23:00:00" > "$tmp/out" 2>&1; st=$?
check "--since 2028-02-29 (a leap day): accepted, status 0" "[ $st = 0 ]"

# 7. The units: the boot-time oneshot is ordered before docker.service and the dpkg hook waits for
# it: a start may not last more than 90 s (a hang would hold Docker's start, and boot, 90 s at
# most); every unit of the package sets TimeoutStartSec=.
for u in "${units[@]}"; do
        t=$(sed -n 's/^TimeoutStartSec=\([0-9]*\)s*$/\1/p' "$u")
        check "$(basename "$u"): TimeoutStartSec= set, at most 90 s" "[ -n '$t' ] && [ '$t' -gt 0 ] && [ '$t' -le 90 ]"
done

[ "$fail" = 0 ] && echo "all passed"
exit "$fail"
