#!/bin/bash
# A user who can write only their own home steers nothing through rootless Docker's files: what
# their configuration names outside their tree is refused by name and not watched, files are read
# with their rights (a link to a root-only file is refused, its content never printed), their
# units' specifiers are their manager's, their rules are capped and never lines that load at boot.
# Host trees with homes owned by unprivileged uids, passed with --root; the tool runs as root.
#   test-security-rootless.sh BINARY
. "$(dirname "$0")/lib-security.sh"
security_start "$1" "to own the homes by other uids"
MARK=ROOTONLYSECRET7f3a

# A host: root's /etc/shadow holds the marker; alice (1000), mallory (1001) and bob (1002).
mkroot() { # dir
        local r=$1
        mkdir -p "$r"/etc "$r"/usr/bin "$r"/usr/lib/systemd/user "$r"/var/lib/systemd/linger "$r"/var/log/journal \
                "$r"/run/user/1001 "$r"/home
        cat > "$r/etc/passwd" <<-EOF
	root:x:0:0:root:/root:/bin/bash
	alice:x:1000:1000:Alice:/home/alice:/bin/bash
	mallory:x:1001:1001:Mallory:/home/mallory:/bin/zsh
	bob:x:1002:1002:Bob:/home/bob:/bin/bash
	EOF
        printf '{"data-root": "/%s"}\nroot:$y$j9T$%s:19000:0:99999:7:::\nX=%s\n' "$MARK" "$MARK" "$MARK" > "$r/etc/shadow"
        chmod 600 "$r/etc/shadow"
        printf 'X=%s\n' "$MARK" > "$r/etc/secret.env"
        chmod 600 "$r/etc/secret.env"
        printf '#!/bin/sh\n' > "$r/usr/bin/dockerd"
        printf '#!/bin/sh\n' > "$r/usr/bin/bash"
        ln -s usr/bin "$r/bin"
        chmod 755 "$r/usr/bin/dockerd" "$r/usr/bin/bash"
        chmod 1777 "$r/run/user/1001" && chmod 700 "$r/run/user/1001"
        for u in alice:1000 mallory:1001 bob:1002; do
                mkdir -p "$r/home/${u%%:*}/.config/docker" "$r/home/${u%%:*}/bin" "$r/home/${u%%:*}/.local/share/docker"
                printf '#!/bin/sh\n' > "$r/home/${u%%:*}/bin/dockerd"
                chmod 755 "$r/home/${u%%:*}/bin/dockerd"
                chown -R "${u#*:}:${u#*:}" "$r/home/${u%%:*}"
        done
        chown 1001:1001 "$r/run/user/1001"
        mkdir -p "$r/home/bob/private"
        chown 1002:1002 "$r/home/bob/private"
        chmod 700 "$r/home/bob" "$r/home/bob/private"
}

# Lines of the fragment that load at boot (not comments) naming a path below mallory's home.
boot_lines_of_mallory() { "$bin" --root "$1" --print 2>/dev/null | grep -E '^-(w|a) ' | grep -c '/home/mallory' ; }

as_mallory() { chown -h 1001:1001 "$@"; }

# ---- finding 3: a user's daemon.json names system paths and other users' files ----
for dr in /etc /usr/lib /home/bob/private /var/log/journal /home/bob; do
        r=$tmp/dr$RANDOM; mkroot "$r"
        printf '{"data-root": "%s"}\n' "$dr" > "$r/home/mallory/.config/docker/daemon.json"
        as_mallory "$r/home/mallory/.config/docker/daemon.json"
        out=$("$bin" --root "$r" --list-paths 2>&1)
        check "data-root $dr in mallory's daemon.json: refused by name" \
                "grep -qF \"problem: user mallory's configuration names data-root $dr (data-root in /home/mallory/.config/docker/daemon.json), outside their home\" <<<\"\$out\""
        check "data-root $dr in mallory's daemon.json: not watched" \
                "! \"\$bin\" --root \"$r\" --print 2>/dev/null | grep -E '^#? *-(w|a) ' | grep -qE '(dir|-w) ?=?$dr( |$)'"
done

# Whether bob's private directory exists is not told: the same words either way.
r=$tmp/exists; mkroot "$r"
printf '{"data-root": "/home/bob/private/x"}\n' > "$r/home/mallory/.config/docker/daemon.json"
as_mallory "$r/home/mallory/.config/docker/daemon.json"
a=$("$bin" --root "$r" --list-paths 2>&1)
mkdir "$r/home/bob/private/x"
b=$("$bin" --root "$r" --list-paths 2>&1)
check "a path in another user's home: the output is the same whether it exists or not" "[ \"\$a\" = \"\$b\" ]"
out=$("$bin" --root "$r" --list-paths 2>&1)
check "--list-paths says nothing of bob's private directory beyond the name mallory wrote" \
        "! grep -E '/home/bob/private/x +(yes|no)' <<<\"\$out\""

# runtimes naming the system's programs.
r=$tmp/rt; mkroot "$r"
printf '{"runtimes": {"sh": {"path": "/bin/bash"}, "ld": {"path": "/etc/ld.so.cache"}}}\n' > "$r/home/mallory/.config/docker/daemon.json"
as_mallory "$r/home/mallory/.config/docker/daemon.json"
out=$("$bin" --root "$r" --list-paths 2>&1)
check "runtime /bin/bash in mallory's daemon.json: refused by name" \
        "grep -qF \"problem: user mallory's configuration names runtime /bin/bash\" <<<\"\$out\""
check "runtime /bin/bash: no rule" "! \"\$bin\" --root \"$r\" --print 2>/dev/null | grep -qE '(-w |path=)/(usr/)?bin/bash'"
check "runtime /etc/ld.so.cache: no rule" "! \"\$bin\" --root \"$r\" --print 2>/dev/null | grep -q 'ld.so.cache'"

# Caps: 5,000 runtimes in the home, 300 user units with a data root each.
r=$tmp/cap; mkroot "$r"
mkdir -p "$r/home/mallory/rt" "$r/home/mallory/.config/systemd/user"
{
        printf '{"runtimes": {'
        for i in $(seq 1 5000); do printf '"r%d": {"path": "/home/mallory/rt/r%d"},' "$i" "$i"; done
        printf '"last": {"path": "/home/mallory/rt/last"}}}\n'
} > "$r/home/mallory/.config/docker/daemon.json"
for i in $(seq 1 300); do
        mkdir -p "$r/home/mallory/d$i"
        printf '[Service]\nExecStart=/home/mallory/bin/dockerd --data-root /home/mallory/d%d\n' "$i" \
                > "$r/home/mallory/.config/systemd/user/docker-$i.service"
done
chown -R 1001:1001 "$r/home/mallory"
start=$(date +%s)
out=$("$bin" --root "$r" --list-paths 2>&1)
took=$(( $(date +%s) - start ))
printed=$("$bin" --root "$r" --print 2>&1)
check "more than 4 units of one user: said" \
        "grep -qE 'problem: user mallory has more than 4 user units that run dockerd' <<<\"\$out\""
check "more than 64 paths of one user: said" \
        "grep -qE \"problem: user mallory's configuration names more than 64 paths\" <<<\"\$out\""
n=$(grep -cE '^#? *-(w|a) .*/home/mallory' <<<"$printed")
check "at most 64 rules from mallory (has $n)" "[ $n -le 64 ] && [ $n -gt 0 ]"
n=$(grep -cE '^#? *-a .*dir=/home/mallory' <<<"$printed")
check "at most 4 recursive watches from mallory (has $n)" "[ $n -le 4 ]"
check "the capped run takes less than 60 s (took $took s)" "[ $took -lt 60 ]"

# ---- finding 4: files read with the user's rights, nothing of root's quoted ----
r=$tmp/env; mkroot "$r"
mkdir -p "$r/home/mallory/.config/systemd/user"
cat > "$r/home/mallory/.config/systemd/user/docker.service" <<'EOF'
[Service]
EnvironmentFile=/etc/shadow
EnvironmentFile=/etc/secret.env
EnvironmentFile=%h/linked.env
EnvironmentFile=%h/rootonly.env
ExecStart=/home/mallory/bin/dockerd --data-root /home/mallory/${X}/data
EOF
ln -s /etc/secret.env "$r/home/mallory/linked.env"
printf 'X=%s\n' "$MARK" > "$r/home/mallory/rootonly.env"
chown -R 1001:1001 "$r/home/mallory"
chown 0:0 "$r/home/mallory/rootonly.env"; chmod 600 "$r/home/mallory/rootonly.env"
all=$(run_all "$r")
check "EnvironmentFile=/etc/shadow of a user unit: not read, said with the unit and the path" \
        "grep -qF 'problem: /etc/shadow: EnvironmentFile= of docker.service (user mallory) is outside their home' <<<\"\$all\""
check "a link in the home to a root-only file: not read, said" \
        "grep -qF 'problem: /home/mallory/linked.env: EnvironmentFile= of docker.service (user mallory) is outside their home, or leads out of it' <<<\"\$all\""
check "a root-only file in the home: read as mallory, refused" \
        "grep -qF 'problem: /home/mallory/rootonly.env: cannot be read by user mallory' <<<\"\$all\""
check "no output carries the content of a root-only file (\${VAR} included)" "! grep -q '$MARK' <<<\"\$all\""
check "the data root that \${X} would make is the empty one" "grep -qE '/home/mallory/data +(yes|no)' <<<\"\$all\""

# daemon.json: a link to a root-only file, and a root-only file in the home.
for how in link rootfile; do
        r=$tmp/dj$how; mkroot "$r"
        if [ $how = link ]; then
                ln -s /etc/shadow "$r/home/mallory/.config/docker/daemon.json"
                as_mallory "$r/home/mallory/.config/docker/daemon.json"
        else
                printf '{"data-root": "/%s"}\n' "$MARK" > "$r/home/mallory/.config/docker/daemon.json"
                chmod 600 "$r/home/mallory/.config/docker/daemon.json"
                chown 0:0 "$r/home/mallory/.config/docker/daemon.json"
        fi
        all=$(run_all "$r")
        check "daemon.json ($how to a root-only file): refused by name" \
                "grep -qF \"problem: /home/mallory/.config/docker/daemon.json: cannot be read by user mallory (\" <<<\"\$all\""
        check "daemon.json ($how to a root-only file): no output carries its content" "! grep -q '$MARK' <<<\"\$all\""
done

# A unit file that links to a root-only file: refused by its name in the home.
r=$tmp/unitlink; mkroot "$r"
mkdir -p "$r/home/mallory/.config/systemd/user/docker.service.d" "$r/etc/private"
printf '[Service]\nExecStart=/usr/bin/dockerd --data-root /home/mallory/.local/share/docker${X}\n' > "$r/home/mallory/.config/systemd/user/docker.service"
printf '[Service]\nEnvironment=X=%s\n' "$MARK" > "$r/etc/private/x.conf"
chmod 700 "$r/etc/private"; chmod 600 "$r/etc/private/x.conf"
ln -s /etc/private/x.conf "$r/home/mallory/.config/systemd/user/docker.service.d/a.conf"
chown -R -h 1001:1001 "$r/home/mallory"
all=$(run_all "$r")
check "a drop-in linking to a root-only file: refused by its name in the home" \
        "grep -qF \"problem: /home/mallory/.config/systemd/user/docker.service.d/a.conf: not user mallory's own\" <<<\"\$all\""
check "nothing of it printed" "! grep -q '$MARK' <<<\"\$all\""
check "/usr/bin/dockerd, the system's, named by a user unit: watched as usual" \
        "\"\$bin\" --root \"$r\" --print 2>/dev/null | grep -qE '^-w /usr/bin/dockerd '"

# ---- finding 10: the user manager's specifiers ----
r=$tmp/spec; mkroot "$r"
mkdir -p "$r/home/mallory/.config/systemd/user" "$r/home/mallory/dd"
printf '[Service]\nExecStart=%%h/bin/dockerd --data-root %%h/dd --exec-root %%t/dx -H unix://%%t/d-%%u-%%U.sock\n' \
        > "$r/home/mallory/.config/systemd/user/docker.service"
chown -R 1001:1001 "$r/home/mallory"
out=$("$bin" --root "$r" --list-paths 2>&1)
check "%h of a user unit is the user's home" "grep -qE '^data-root +[^ ]+ +/home/mallory/dd +yes' <<<\"\$out\""
check "%h names the user's program" "grep -qE '^dockerd +[^ ]+ +/home/mallory/bin/dockerd +yes' <<<\"\$out\""
check "%t %u %U are the user's runtime directory, name and uid" \
        "grep -qE '^docker.sock +[^ ]+ +/run/user/1001/d-mallory-1001.sock ' <<<\"\$out\""
check "nothing of /root" "! grep -q '/root' <<<\"\$out\""

# ---- finding 8: a user's rules never load at boot; a swapped component is refused ----
r=$tmp/boot; mkroot "$r"
printf '{"data-root": "/home/mallory/x/journal"}\n' > "$r/home/mallory/.config/docker/daemon.json"
mkdir -p "$r/home/mallory/x/journal"
chown -R 1001:1001 "$r/home/mallory"
printed=$("$bin" --root "$r" --print 2>&1)
check "dir= of a user's data root is a comment in the fragment, not a boot-time line" \
        "grep -qE '^# +-a .*dir=/home/mallory/x/journal ' <<<\"\$printed\" && [ \$(boot_lines_of_mallory \"$r\") = 0 ]"
check "no read class on a user's path" \
        "grep -qE '^#? *-w /home/mallory' <<<\"\$printed\" && ! grep -E '^#? *-w /home/mallory' <<<\"\$printed\" | grep -q -- '-p r'"
rm -rf "$r/home/mallory/x"; ln -s /var/log "$r/home/mallory/x"; as_mallory "$r/home/mallory/x"
out=$("$bin" --root "$r" --list-paths 2>&1)
check "~/x swapped for a link to /var/log: ~/x/journal refused by name" \
        "grep -qF \"problem: user mallory's configuration names data-root /home/mallory/x/journal\" <<<\"\$out\""
check "~/x swapped for a link to /var/log: no rule on /var/log/journal from mallory" \
        "! \"\$bin\" --root \"$r\" --print 2>/dev/null | grep -qE 'dir=/var/log/journal '"

# A user unit's program outside every system place (/root, where users cannot look): never a
# rule, and the same words whether it exists there or not.
for have in yes no; do
        r=$tmp/prog-$have; mkroot "$r"
        mkdir -p "$r/root/.ssh" "$r/home/mallory/.config/systemd/user"
        chmod 700 "$r/root" "$r/root/.ssh"
        [ "$have" = yes ] && printf '#!/bin/sh\n' > "$r/root/.ssh/rootlesskit"
        printf '[Service]\nExecStart=/root/.ssh/rootlesskit /usr/bin/dockerd\n[Install]\nWantedBy=default.target\n' \
                > "$r/home/mallory/.config/systemd/user/docker.service"
        chown -R 1001:1001 "$r/home/mallory"
        "$bin" --root "$r" --print > "$tmp/prog-$have.print" 2>&1
        "$bin" --root "$r" --list-paths 2>&1 | sed "s|$r||g" > "$tmp/prog-$have.list"
        check "a user unit's program in /root ($have there): no rule names it" "! grep -E '^#? *-(w|a) ' '$tmp/prog-$have.print' | grep -q '/root/.ssh'"
done
check "a user unit's program in /root: the listing is the same whether it exists or not" \
        "cmp -s '$tmp/prog-yes.list' '$tmp/prog-no.list'"

# 30,000 names outside the home in one daemon.json: refused, and said in a bounded output.
r=$tmp/many; mkroot "$r"
python3 -c 'import json,sys; json.dump({"hosts": ["unix:///srv/x%d.sock" % i for i in range(30000)]}, open(sys.argv[1], "w"))' \
        "$r/home/mallory/.config/docker/daemon.json"
as_mallory "$r/home/mallory/.config/docker/daemon.json"
size=$("$bin" --root "$r" --list-paths 2>&1 | wc -c)
check "30,000 hosts outside the home: the listing stays small ($size bytes)" "[ $size -lt 65536 ]"
cnt=$("$bin" --root "$r" --list-paths 2>&1 | grep -c 'names more paths outside their home')
check "30,000 hosts outside the home: the rest is said once ($cnt)" "[ $cnt = 1 ]"

# A user unit that is a link to a root-only file: the scan reads it with the user's rights, so
# what the file says (runs dockerd or not) changes nothing in any output.
for what in dockerd sleep; do
        r=$tmp/scanlink-$what; mkroot "$r"
        mkdir -p "$r/home/mallory/.config/systemd/user"
        printf '[Service]\nExecStart=/usr/bin/%s\n' "$what" > "$r/etc/hidden.service"
        chmod 600 "$r/etc/hidden.service"
        ln -s /etc/hidden.service "$r/home/mallory/.config/systemd/user/docker.service"
        chown -R 1001:1001 "$r/home/mallory"
        "$bin" --root "$r" --list-paths 2>&1 | sed "s|$r||g" > "$tmp/scanlink-$what.out"
done
check "a user unit linked to a root-only file: the output does not depend on what the file says" \
        "cmp -s '$tmp/scanlink-dockerd.out' '$tmp/scanlink-sleep.out'"

# Authorization plugin specs of a user: what exists in /root is not told (the same words whether
# the spec's link target exists or not), and a long list is cut before anything is resolved.
for have in yes no; do
        r=$tmp/authz-$have; mkroot "$r"
        mkdir -p "$r/root" "$r/home/mallory/.config/docker/plugins"
        chmod 700 "$r/root"
        [ "$have" = yes ] && : > "$r/root/spec"
        ln -s /root/spec "$r/home/mallory/.config/docker/plugins/x.spec"
        printf '{"authorization-plugins": ["x"]}\n' > "$r/home/mallory/.config/docker/daemon.json"
        chown -R 1001:1001 "$r/home/mallory"
        "$bin" --root "$r" --list-paths 2>&1 | sed "s|$r||g" > "$tmp/authz-$have.out"
done
check "a user's plugin spec linked into /root: the output is the same whether the target exists" \
        "cmp -s '$tmp/authz-yes.out' '$tmp/authz-no.out'"
r=$tmp/authz-many; mkroot "$r"
python3 -c 'import json,sys; json.dump({"authorization-plugins": ["p%d" % i for i in range(5000)]}, open(sys.argv[1], "w"))' \
        "$r/home/mallory/.config/docker/daemon.json"
as_mallory "$r/home/mallory/.config/docker/daemon.json"
timeout 30 "$bin" --root "$r" --list-paths > "$tmp/authz-many.out" 2>&1; st=$?
check "5,000 authorization plugins: done in time, the list cut with a problem (status $st)" \
        "[ $st != 124 ] && grep -q 'more than 16 authorization plugins' '$tmp/authz-many.out'"

security_end
