#!/bin/bash
# The host layouts' own settings files decide nothing unless they are root's: a MicroK8s args
# file or a k3s config.yaml a user may write, a wrapper's PATH directory a user owns.
#   test-security-layouts.sh BINARY FIXTURES-DIR
. "$(dirname "$0")/lib-security.sh"
security_start "$1" "to own parts of the trees by another uid"
fix=$(realpath "$2")
MARK=ROOTONLYSECRET5c1e

# MicroK8s: containerd's options file writable by a user names a root-only configuration.
r=$tmp/microk8s; cp -a "$fix/microk8s/root" "$r"
mkdir -p "$r/root"; chmod 700 "$r/root"
printf 'version = 2\nroot = "/%s-abs"\nstate = "%s-rel"\n' "$MARK" "$MARK" > "$r/root/secret.toml"
chmod 600 "$r/root/secret.toml"
args=$(find "$r/var/snap/microk8s" -path '*/args/containerd' -type f | head -1)
printf -- '--config /root/secret.toml\n--root /etc/ssh\n' > "$args"
chown 1001:1001 "$args"
out=$(run_all "$r")
check "MicroK8s args a user owns: the root-only file's content is in no output" "! grep -q '$MARK' <<<\"\$out\""
check "MicroK8s args a user owns: no rule on the root it names" "! \"\$bin\" --root '$r' --print 2>/dev/null | grep -q 'path=/etc/ssh'"
check "MicroK8s args a user owns: said by name" "grep -q \"not root's, or others may change it\" <<<\"\$out\""
named=$r/var/snap/microk8s/current/args/containerd
check "MicroK8s args a user owns: how to mend it, on the real path" \
        "grep -qF \"(chown root \$named; chmod go-w \$named)\" <<<\"\$out\""

# k3s: a config.yaml a user owns moves nothing.
r=$tmp/k3s; cp -a "$fix/k3s/root" "$r"
mkdir -p "$r/etc/rancher/k3s" "$r/home/alice/k3s"
printf 'data-dir: /home/alice/k3s\n' > "$r/etc/rancher/k3s/config.yaml"
chown 1001:1001 "$r/etc/rancher/k3s/config.yaml"
check "k3s config.yaml a user owns: the data directory is not moved into their home" \
        "! \"\$bin\" --root '$r' --print 2>/dev/null | grep -q '/home/alice/k3s'"

# A wrapper's PATH naming a directory a user owns: nothing there is watched.
r=$tmp/nixos; cp -a "$fix/nixos/root" "$r"
wrapper=$(find "$r/nix/store" -path '*/libexec/docker/dockerd' -type f | head -1)
mkdir -p "$r/home/carl/bin"
ln -s /etc/shadow "$r/home/carl/bin/runc"
: > "$r/etc/shadow"; chmod 600 "$r/etc/shadow"
chown -R 1002:1002 "$r/home/carl"
sed -i "s|^PATH='|PATH='/home/carl/bin:|" "$wrapper"
check "a wrapper's PATH with a user's directory: no rule on what is found there" \
        "! \"\$bin\" --root '$r' --print 2>/dev/null | grep -qE -- '(-w |path=)/(etc/shadow|home/carl)'"
check "a wrapper's PATH with a user's directory: said, with how to mend it on the real path" \
        "\"\$bin\" --root '$r' --print 2>&1 >/dev/null | grep -qF \"/home/carl/bin: a wrapper's PATH names it, but it is not root's, or others may write it: no program is looked for there; to look there, make it and each directory on its way root's and writable by no one else (chown root $r/home/carl/bin; chmod go-w $r/home/carl/bin)\""

# A system unit's EnvironmentFile= a user owns, or others may write, moves nothing: docker.io's
# docker.service reads /etc/default/docker, whose DOCKER_OPTS would move the data root and name a
# root-only file as daemon.json.
for how in owned writable; do
        r=$tmp/envfile-$how; cp -a "$fix/debian-docker.io/root" "$r"; mkdir -p "$r/srv"
        mkdir -p "$r/root"; chmod 700 "$r/root"
        printf '{"data-root": "/%s"}\n' "$MARK" > "$r/root/secret.json"; chmod 600 "$r/root/secret.json"
        env=$r/etc/default/docker
        printf 'DOCKER_OPTS="--data-root /srv/%s-moved --config-file /root/secret.json"\n' "$how" > "$env"
        if [ "$how" = owned ]; then chown 1001:1001 "$env"; else chmod 666 "$env"; fi
        out=$(run_all "$r")
        check "EnvironmentFile= $how by a user: its options move nothing" \
                "! \"\$bin\" --root '$r' --print 2>/dev/null | grep -qE '/srv/$how-moved|secret.json'"
        check "EnvironmentFile= $how by a user: the root-only file's content is in no output" "! grep -q '$MARK' <<<\"\$out\""
        check "EnvironmentFile= $how by a user: the file stays watched" \
                "\"\$bin\" --root '$r' --print 2>/dev/null | grep -q -- '-w /etc/default/docker '"
        check "EnvironmentFile= $how by a user: said, with how to mend it on the real path" \
                "grep -qF \"/etc/default/docker: EnvironmentFile= of docker.service is not root's, or others may change it: what it says is not used; to use it, make it and each directory on its way root's and writable by no one else (chown root \$env; chmod go-w \$env)\" <<<\"\$out\""
done
# Missing, in a directory a user owns: refused too, or the user could make it between the check
# and the read.
r=$tmp/envfile-missing; cp -a "$fix/debian-docker.io/root" "$r"; mkdir -p "$r/srv/u"; chown 1001:1001 "$r/srv/u"
sed -i 's|^EnvironmentFile=.*|EnvironmentFile=-/srv/u/docker.env|' "$r/usr/lib/systemd/system/docker.service"
check "EnvironmentFile= missing in a user's directory: refused by name" \
        "\"\$bin\" --root '$r' --print 2>&1 >/dev/null | grep -qF \"/srv/u/docker.env: EnvironmentFile= of docker.service is not root's\""
# A link loop in a directory a user owns cannot be resolved: refused by name, not read. Were it
# let through, the user could swap the loop for their own file (renameat2 RENAME_EXCHANGE) between
# the check and the read, and its options would count.
r=$tmp/envfile-loop; cp -a "$fix/debian-docker.io/root" "$r"; mkdir -p "$r/srv/u"
ln -s docker.loop "$r/srv/u/docker.env"; ln -s docker.env "$r/srv/u/docker.loop"
chown -h 1001:1001 "$r/srv/u" "$r/srv/u/docker.env" "$r/srv/u/docker.loop"
sed -i 's|^EnvironmentFile=.*|EnvironmentFile=-/srv/u/docker.env|' "$r/usr/lib/systemd/system/docker.service"
check "EnvironmentFile= a link loop in a user's directory: refused by name, never read" \
        "\"\$bin\" --root '$r' --print 2>&1 >/dev/null | grep -qF \"/srv/u/docker.env: EnvironmentFile= of docker.service is not root's\""
# The same file, root's and closed: read as before.
r=$tmp/envfile-root; cp -a "$fix/debian-docker.io/root" "$r"; mkdir -p "$r/srv"
printf 'DOCKER_OPTS="--data-root /srv/root-moved"\n' > "$r/etc/default/docker"
check "EnvironmentFile= root's: its options count" \
        "\"\$bin\" --root '$r' --print 2>/dev/null | grep -q 'dir=/srv/root-moved\\|path=/srv/root-moved'"

security_end
