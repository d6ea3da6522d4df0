#!/bin/bash
# Hostile and broken input: every case must give a clear message, keep the other rules, never
# hang, never escape the root, and set the exit status. Host trees are built here, no kernel.
#   test-hostile.sh BINARY
set -u
bin=$(realpath "$1")
TMP=$(mktemp -d /tmp/dar-hostile.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failures=0 checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }

# A small docker-ce-like host: dockerd, runc, docker.service.
host() {
        local h=$TMP/$1
        rm -rf "$h"
        mkdir -p "$h/usr/bin" "$h/etc/docker" "$h/lib/systemd/system" "$h/var/lib/docker" "$h/run" "$h/etc/audit/rules.d"
        : > "$h/usr/bin/dockerd"; : > "$h/usr/bin/runc"; : > "$h/usr/bin/containerd"
        printf '[Service]\nExecStart=/usr/bin/dockerd -H fd://\n' > "$h/lib/systemd/system/docker.service"
        echo "$h"
}
# case NAME EXPECTED-STATUS PATTERN-IN-OUTPUT ARGS... : runs with a 10 s limit.
case_() {
        local name=$1 want=$2 pattern=$3; shift 3
        local out st
        out=$(timeout 10 "$bin" "$@" 2>&1); st=$?
        if [ "$st" = 124 ]; then fail "$name: hung"; return; fi
        if [ "$st" != "$want" ]; then fail "$name: status $st, expected $want"; echo "$out" | sed 's/^/    /'; return; fi
        if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
                fail "$name: output lacks /$pattern/"; echo "$out" | sed 's/^/    /'; return
        fi
        # Whatever went wrong, the rules for the rest of the host are still produced.
        if [ "$want" != 2 ] && [[ " $* " != *" --check "* ]] && [[ " $* " == *" --print "* ]] && ! grep -qxF -- "-w /usr/bin/runc -p rwxa -k docker" <<<"$out"; then
                fail "$name: the other rules were not produced"; return
        fi
        ok "$name"
}

h=$(host json-malformed); printf '{\n  "data-root": "/x",\n  "hosts" [\n}\n' > "$h/etc/docker/daemon.json"
case_ "daemon.json malformed: file and line, status 3" 3 "daemon.json:3: " --root "$h" --print
h=$(host json-empty); : > "$h/etc/docker/daemon.json"
case_ "daemon.json empty: accepted as dockerd does" 0 "" --root "$h" --print
h=$(host json-huge); { printf '{"x": "'; head -c 2000000 /dev/zero | tr '\0' a; printf '"}'; } > "$h/etc/docker/daemon.json"
case_ "daemon.json over 1 MiB: refused, not read" 3 "daemon.json: cannot read: file too large" --root "$h" --print
h=$(host json-fifo); mkfifo "$h/etc/docker/daemon.json"
case_ "daemon.json a FIFO: refused without blocking" 3 "daemon.json: cannot read: not a regular file" --root "$h" --print
h=$(host json-dir); mkdir "$h/etc/docker/daemon.json"
case_ "daemon.json a directory: refused" 3 "daemon.json: cannot read: is a directory" --root "$h" --print
h=$(host json-relative); echo '{"data-root": "var/lib/docker2"}' > "$h/etc/docker/daemon.json"
case_ "data-root relative: reported, not watched" 3 "data root \"var/lib/docker2\".*not an absolute path" --root "$h" --print
h=$(host json-space); mkdir -p "$h/srv/my docker"; echo '{"data-root": "/srv/my docker"}' > "$h/etc/docker/daemon.json"
case_ "data-root with whitespace: refused by name, other rules kept" 3 "/srv/my docker: not watched: .*one rules line" --root "$h" --print
h=$(host long-path); long=/$(printf 'd%.0s' $(seq 250))/$(printf 'e%.0s' $(seq 250)); long=$long$long$long$long$long$long$long$long$long$long$long$long$long$long$long$long$long
echo "{\"data-root\": \"$long\"}" > "$h/etc/docker/daemon.json"
case_ "data-root longer than PATH_MAX: reported, other rules kept" 3 "data-root /d+.*File name too long; not watched" --root "$h" --print

h=$(host unit-quoting)
cat > "$h/lib/systemd/system/docker.service" <<'UNIT'
[Service]
# a comment
ExecStart=/usr/bin/dockerd \
  "--data-root=/srv/quoted dir" \
  -H 'unix:///run/%i.sock'
UNIT
mkdir -p "$h/srv/quoted dir"
case_ "unit: quotes, continuation and specifiers parsed, odd path refused by name" 3 "/srv/quoted dir: not watched" --root "$h" --print
h=$(host unit-huge); { printf '[Service]\nExecStart=/usr/bin/dockerd '; head -c 100000 /dev/zero | tr '\0' x; printf '\n'; } > "$h/lib/systemd/system/docker.service"
case_ "unit: a huge line is reported with its line" 3 "docker.service:2: malformed unit file line: line too long" --root "$h" --print
h=$(host unit-noeq); printf '[Service]\nExecStart=/usr/bin/dockerd\nthis line has no equals sign\n' > "$h/lib/systemd/system/docker.service"
case_ "unit: a line without '=' is reported with its line" 3 "docker.service:3: malformed" --root "$h" --print

h=$(host link-loop); rm "$h/usr/bin/containerd"; ln -s containerd2 "$h/usr/bin/containerd"; ln -s containerd "$h/usr/bin/containerd2"
case_ "symlink loop: reported, no hang" 3 "containerd: too many levels of symbolic links" --root "$h" --print
h=$(host link-escape); rm "$h/usr/bin/runc" "$h/usr/bin/containerd"
# Both lead to /bin/true, which exists on the real host but not in this tree.
ln -s ../../../../../../../../bin/true "$h/usr/bin/runc"
ln -s /../../../../bin/true "$h/usr/bin/containerd"
out=$("$bin" --root "$h" --list-paths 2>&1)
# Escaping, they would be found (and watched) as the host's /bin/true or /usr/bin/true.
if ! grep -qE "/bin/true +yes" <<<"$out" && ! grep -qF "$TMP" <<<"$out" && [ -e /bin/true ]; then
        ok "symlinks out of the root stay inside it"
else
        fail "symlinks out of the root: escaped"; echo "$out" | sed 's/^/    /'
fi

case_ "key over 256 bytes: usage error" 2 "invalid key" -k "$(printf 'k%.0s' $(seq 300))" --print
case_ "empty key: usage error" 2 "invalid key" -k "" --print
case_ "empty --root: usage error" 2 "--root needs a directory" --root "" --print
case_ "relative --rules-dir: usage error" 2 "--rules-dir needs an absolute path" --rules-dir rel --print
case_ "unknown --order: usage error" 2 "invalid order \"middle\": first or last" --order middle --print
case_ "two modes: usage error" 2 "only one of" --print --remove
case_ "a usage error of --check is UNKNOWN for monitors" 3 "only one of" --print --check
case_ "an abbreviated --check with a bad option is UNKNOWN too" 3 "unknown option '--bogus'" --chec --bogus
case_ "a bad option before --check is UNKNOWN too" 3 "unknown option '--bogus'" --bogus --check
case_ "a missing --root: usage error naming it" 2 "--root $TMP/no/such/dir: No such file or directory" --print --root "$TMP/no/such/dir"
case_ "a missing --root under --check: UNKNOWN" 3 "--root $TMP/no/such/dir" --check --root "$TMP/no/such/dir"
case_ "a --root that is a file: usage error naming it" 2 "--root /etc/hostname: Not a directory" --print --root /etc/hostname
case_ "a key with a control character: usage error" 2 "invalid key" -k "$(printf 'a\001b')" --print
case_ "a key with a tab: usage error" 2 "invalid key" -k "$(printf 'a\tb')" --print
case_ "unknown option: usage error with a hint" 2 "Try 'docker-audit-rules --help'" --frobnicate
case_ "option without its value: usage error" 2 "needs a value" --print --key
case_ "bad permissions: usage error" 2 "invalid permissions" --print -p rwz
h=$(host repeated)
out=$("$bin" --root "$h" --print -k first -k second 2>&1)
if grep -q -- "-k second$" <<<"$out" && ! grep -q -- "-k first" <<<"$out"; then ok "repeated option: the last one wins"; else fail "repeated option"; fi

h=$(host rules-dir-odd); rd=$h/etc/audit/rules.d
mkdir "$rd/dir.rules"; mkfifo "$rd/fifo.rules"; ln -s /etc/passwd "$rd/link.rules"; printf '\0binary' > "$rd/nul.rules"
case_ "rules dir: a directory named .rules is reported" 3 "dir.rules: is not a regular file" --root "$h" --print
case_ "rules dir: a FIFO is reported, without blocking" 3 "fifo.rules: is not a regular file" --root "$h" --print
case_ "rules dir: a symlink is not followed" 3 "link.rules: is a symbolic link: not read" --root "$h" --print
case_ "rules dir: a binary file is reported" 3 "nul.rules: holds a NUL byte" --root "$h" --print

if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
        chmod 755 "$TMP"
        h=$(host not-root)
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" --root "$h" 2>&1); st=$?
        if [ "$st" = 1 ] && grep -q "needs root.*--print, --list-paths or --check" <<<"$out"; then
                ok "not root: installing says root is needed and what to use instead"
        else
                fail "not root: status $st"; echo "$out" | sed 's/^/    /'
        fi
fi

# No dangerous rule, whatever a configuration says: no watch of /, of a device, of a directory
# named as a file or socket, or recursively of a system directory; the rest is still produced.
# no_rule NAME PATH: the fragment has no rule on exactly PATH.
no_rule() {
        local name=$1 path=$2 out
        out=$("$bin" --root "$h" --print 2>/dev/null)
        if grep -qE -- "^-(w $path |a always,exit -F (dir|path)=$path )" <<<"$out"; then
                fail "$name: a rule on $path was rendered"; grep -E -- "$path " <<<"$out" | sed 's/^/    /'
        else
                ok "$name: no rule on $path"
        fi
}
h=$(host danger-json)
echo '{"hosts":["unix:///"],"tlscert":"/etc","runtimes":{"r":{"path":"/usr/bin"}}}' > "$h/etc/docker/daemon.json"
case_ "daemon.json hosts unix:///: refused by name and key" 3 "docker.sock / \(-H unix:/// \(/etc/docker/daemon.json\)\): not watched: it is the root directory" --root "$h" --print
case_ "daemon.json tlscert /etc: refused" 3 "tls /etc \(tlscert in /etc/docker/daemon.json\): not watched: it is named as a file" --root "$h" --print
case_ "daemon.json runtime path /usr/bin: refused" 3 "runtime /usr/bin \(runtime r .*\): not watched: it is named as a file" --root "$h" --print
no_rule "daemon.json hosts unix:///" /
no_rule "daemon.json tlscert /etc" /etc
no_rule "daemon.json runtime /usr/bin" /usr/bin
h=$(host danger-flags); printf '[Service]\nExecStart=/usr/bin/dockerd -H unix:/// --containerd /usr/bin\nEnvironmentFile=/usr/lib\n' > "$h/lib/systemd/system/docker.service"
mkdir -p "$h/usr/lib"
case_ "-H unix:/// and --containerd /usr/bin: refused" 3 "containerd.sock /usr/bin .*not watched" --root "$h" --print
no_rule "-H unix:///" /
no_rule "--containerd /usr/bin" /usr/bin
no_rule "EnvironmentFile=/usr/lib" /usr/lib
h=$(host danger-containerd); mkdir -p "$h/etc/containerd"
printf 'version = 2\nstate = "/"\n[grpc]\n  address = "/"\n' > "$h/etc/containerd/config.toml"
case_ "containerd state and address /: refused" 3 "run-containerd / .*not watched: it is the root directory" --root "$h" --print
no_rule "containerd state /" /
h=$(host danger-dropin); mkdir -p "$h/etc/systemd/system"; ln -s / "$h/etc/systemd/system/docker.service.d"
case_ "drop-in directory linked to /: refused" 3 "resolves to /: not watched" --root "$h" --print
no_rule "drop-in directory linked to /" /
h=$(host danger-etc-docker); rm -rf "$h/etc/docker"; ln -s /etc "$h/etc/docker"
case_ "/etc/docker linked to /etc: refused" 3 "/etc/docker .* resolves to /etc: not watched: it is a system directory" --root "$h" --print
no_rule "/etc/docker linked to /etc" /etc
if [ "$(id -u)" = 0 ]; then
        h=$(host danger-device); mkdir -p "$h/dev"; mknod "$h/dev/null" c 1 3; ln -s /dev/null "$h/etc/docker/daemon.json"
        case_ "daemon.json linked to a device: refused" 3 "daemon.json /etc/docker/daemon.json .* resolves to /dev/null: not watched: it is a device" --root "$h" --print
        no_rule "daemon.json linked to a device" /dev/null
fi

# One unreadable input never ends the run: it is named, the status is 3, the rest is produced.
h=$(host json-socket)
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$h/etc/docker/daemon.json"
case_ "daemon.json a socket: named, not opened, the rest produced" 3 "daemon.json: cannot read: not a regular file" --root "$h" --print
h=$(host rulesdir-file); rmdir "$h/etc/audit/rules.d"; : > "$h/etc/audit/rules.d"
case_ "rules directory a file: a problem, --print goes on" 3 "rules.d: cannot be read: Not a directory" --root "$h" --print
case_ "rules directory a file: a problem, --list-paths goes on" 3 "rules.d: cannot be read: Not a directory" --root "$h" --list-paths
h=$(host rulesdir-loop); rmdir "$h/etc/audit/rules.d"; ln -s rules.d "$h/etc/audit/rules.d"
case_ "rules directory a symlink loop: a problem, --list-paths goes on" 3 "rules.d: cannot be read: too many levels" --root "$h" --list-paths

# containerd's config.toml imports: what an imported file sets is found, the files are watched.
h=$(host containerd-imports); mkdir -p "$h/etc/containerd/conf.d"
printf 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n' > "$h/etc/containerd/config.toml"
printf 'version = 2\nstate = "/run/ctrd"\n[grpc]\n  address = "/run/ctrd/ctrd.sock"\n' > "$h/etc/containerd/conf.d/a.toml"
mkdir -p "$h/run/ctrd"
out=$(timeout 10 "$bin" --root "$h" --print 2>&1)
for want in "-a always,exit -F path=/run/ctrd -F perm=rwa -k docker" "-w /run/ctrd/ctrd.sock -p rwxa -k docker" \
            "-w /etc/containerd/conf.d/a.toml -p rwxa -k docker" "-w /etc/containerd/conf.d -p rwxa -k docker"; do
        if grep -qF -- "$want" <<<"$out"; then ok "containerd imports: $want"; else fail "containerd imports: no $want"; echo "$out" | sed 's/^/    /'; fi
done
printf 'version = 2\nstate = [\n' > "$h/etc/containerd/conf.d/b.toml"
case_ "containerd imports: a malformed imported file keeps its file and line" 3 "conf.d/b.toml:2: " --root "$h" --print

# A file that cannot be read is named as configured, with what it resolves to and who named it.
h=$(host envfile-dev); mkdir -p "$h/dev"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$h/dev/sock"
ln -s /dev/sock "$h/etc/default-docker"
printf '[Service]\nEnvironmentFile=/etc/default-docker\nExecStart=/usr/bin/dockerd -H fd://\n' > "$h/lib/systemd/system/docker.service"
case_ "EnvironmentFile= leading to a socket: configured path, target and unit named" 3 \
        "/etc/default-docker: cannot read: it resolves to /dev/sock: not a regular file \(EnvironmentFile= of docker.service\)" --root "$h" --print
h=$(host toml-dev); mkdir -p "$h/dev" "$h/etc/containerd"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$h/dev/sock"
ln -s /dev/sock "$h/etc/containerd/config.toml"
case_ "config.toml leading to a socket: configured path, target and who named it" 3 \
        "/etc/containerd/config.toml: cannot read: it resolves to /dev/sock: not a regular file.*\(containerd's default configuration file\)" --root "$h" --print

# As an unprivileged user: what cannot be read is named, and nothing unresolved is opened.
asuser=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
        asuser=(setpriv --reuid nobody --regid "$(id -gn nobody)" --clear-groups)
fi
if [ ${#asuser[@]} = 0 ]; then
        echo "skip: unprivileged cases: they need root (to build trees nobody cannot read) and setpriv"
else
        chmod 755 "$TMP"
        case_user() { local bin0=$bin; bin="${asuser[*]} $bin0"; case_ "$@"; bin=$bin0; }
        # /etc/audit is an absolute link whose target cannot be resolved inside the root (a
        # component only root can enter); the same absolute path outside the root holds a rule.
        outside=$TMP/outside; mkdir -p "$outside/audit/rules.d"
        echo "-w /usr/bin/runc -p rwxa -k docker" > "$outside/audit/rules.d/10-out.rules"
        chmod -R a+rX "$outside"
        h=$(host rulesdir-escape); rm -rf "$h/etc/audit"; ln -s "$outside/audit" "$h/etc/audit"
        mkdir -p "$h$TMP"; chmod 700 "$h$TMP"
        out=$("${asuser[@]}" "$bin" --root "$h" --print 2>&1); st=$?
        if [ "$st" = 3 ] && grep -q "cannot be read: Permission denied" <<<"$out" &&
           grep -qxF -- "-w /usr/bin/runc -p rwxa -k docker" <<<"$out" && ! grep -q "10-out.rules" <<<"$out"; then
                ok "rules directory unresolvable (EACCES): a problem, nothing outside the root read"
        else
                fail "rules directory unresolvable (EACCES): status $st"; echo "$out" | sed 's/^/    /'
        fi
        h=$(host dropin-unreadable); d=$h/etc/systemd/system/docker.service.d; mkdir -p "$d"
        printf '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --data-root /srv/docker\n' > "$d/override.conf"
        chmod 700 "$d"
        out=$("${asuser[@]}" "$bin" --root "$h" --print 2>&1); st=$?
        if [ "$st" = 3 ] && grep -q "docker.service.d: cannot list the drop-in directory: Permission denied" <<<"$out"; then
                ok "unreadable drop-in directory: named, status 3"
        else
                fail "unreadable drop-in directory: status $st"; echo "$out" | sed 's/^/    /'
        fi
        h=$(host import-dir-unreadable); mkdir -p "$h/etc/containerd/conf.d"; chmod 700 "$h/etc/containerd/conf.d"
        printf 'imports = ["/etc/containerd/conf.d/*.toml"]\n' > "$h/etc/containerd/config.toml"
        out=$("${asuser[@]}" "$bin" --root "$h" --print 2>&1); st=$?
        if [ "$st" = 3 ] && grep -q "conf.d: cannot list: Permission denied" <<<"$out"; then
                ok "unreadable import directory: named, status 3"
        else
                fail "unreadable import directory: status $st"; echo "$out" | sed 's/^/    /'
        fi
        chmod 700 "$TMP"
fi

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
