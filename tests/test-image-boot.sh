#!/bin/bash
# An image whose boot loads no audit rules says so once, and says nothing false about the targets.
#   test-image-boot.sh BINARY
#
# A debootstrap-like tree (merged /usr, Debian's docker.io layout, made here with mkdir and echo)
# WITHOUT auditd: no auditd.service, no audit-rules.service, no augenrules, only a rules.d made
# for it. `--root IMG` writes the fragment there; `--check --root IMG` then judges the image.
#
# Expected behaviour:
#   - the check says once that nothing in the image loads audit rules at boot (auditd is not
#     installed there), and exits 1 or 2: the rules will not be in the kernel after a boot;
#   - no target is called not-in-file: the fragment holds every one of them (FILE yes, in_file
#     true in JSON), which the check must not deny, once per target, because of the missing loader.
# The same tree with auditd (its unit running augenrules --load, and augenrules) is the control:
# OK, exit 0, every target in the file.
#
# PENDING=1 would mark the checks written with `pending` as behaviour still to come: the test
# then skips (77) while only they fail, and fails once they pass. None is pending now.
set -u
PENDING=0
bin=$(realpath "$1")
TMP=$(mktemp -d /tmp/dar-image-boot.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
checks=0 failures=0 pending_failures=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
# A check of the behaviour still to come: a failure counts apart while PENDING is set.
pending() { # description, command...
        local what=$1; shift
        checks=$((checks + 1))
        if "$@"; then echo "ok: $what"; else pending_failures=$((pending_failures + 1)); echo "FAIL (pending): $what"; fi
}
expect() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

# The fragment must be root's for --check to call it fine: not root, own it in a user namespace.
asroot=()
if [ "$(id -u)" != 0 ]; then
        if unshare -r true 2>/dev/null; then asroot=(unshare -r); else echo "SKIP: not root and no user namespace"; exit 77; fi
fi
tool() { "${asroot[@]}" "$bin" "$@"; }

# The tree: Debian 12's docker.io, containerd and runc, as debootstrap --include would unpack them.
img=$TMP/img
mkdir -p "$img"/usr/{bin,sbin,lib/systemd/system} "$img"/etc/{docker,default,containerd,systemd/system} \
        "$img"/var/lib/{docker,containerd} "$img"/run
ln -s usr/bin "$img/bin"; ln -s usr/sbin "$img/sbin"; ln -s usr/lib "$img/lib"
for b in usr/sbin/dockerd usr/sbin/docker-proxy usr/sbin/runc usr/bin/containerd usr/bin/containerd-shim-runc-v2 \
         usr/bin/docker usr/bin/docker-init; do
        printf '#!/bin/sh\n' > "$img/$b"; chmod 755 "$img/$b"
done
ln -s ../sbin/runc "$img/usr/bin/runc"
cat > "$img/usr/lib/systemd/system/docker.service" <<'EOF'
[Unit]
Description=Docker Application Container Engine
After=network-online.target docker.socket containerd.service
Requires=docker.socket

[Service]
Type=notify
EnvironmentFile=-/etc/default/docker
ExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS

[Install]
WantedBy=multi-user.target
EOF
cat > "$img/usr/lib/systemd/system/docker.socket" <<'EOF'
[Socket]
ListenStream=/run/docker.sock
SocketMode=0660

[Install]
WantedBy=sockets.target
EOF
cat > "$img/usr/lib/systemd/system/containerd.service" <<'EOF'
[Service]
Type=notify
ExecStart=/usr/bin/containerd

[Install]
WantedBy=multi-user.target
EOF
echo '#DOCKER_OPTS=""' > "$img/etc/default/docker"
echo 'version = 2' > "$img/etc/containerd/config.toml"
echo 'root:x:0:0:root:/root:/bin/bash' > "$img/etc/passwd"
# No auditd: a rules directory made for the fragment, nothing that would read it at boot.
mkdir -p "$img/etc/audit/rules.d"

# The control: the same tree with auditd as Debian 12 installs it.
ctl=$TMP/ctl
cp -a "$img" "$ctl"
cat > "$ctl/usr/lib/systemd/system/auditd.service" <<'EOF'
[Service]
Type=forking
ExecStart=/sbin/auditd
ExecStartPost=-/sbin/augenrules --load

[Install]
WantedBy=multi-user.target
EOF
printf '#!/bin/sh\n' > "$ctl/usr/sbin/augenrules"; chmod 755 "$ctl/usr/sbin/augenrules"

# Which targets the fragment should hold, and which the check judged: from its JSON.
judged() { # json file -> "status in_file path" per watched target that is not live-only
        python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for t in d["targets"]:
    if t["watched"] and not t["live_only"]:
        print(t["status"], t["in_file"], t["path"])
EOF
}

for which in ctl img; do
        root=${!which}
        tool --root "$root" -q > "$TMP/$which.install" 2>&1
        expect "$which: --root writes the fragment (status $?)" test -s "$root/etc/audit/rules.d/50-docker.rules"
        tool --root "$root" --check > "$TMP/$which.check" 2>&1
        echo $? > "$TMP/$which.status"
        tool --root "$root" --check --format json > "$TMP/$which.json" 2>/dev/null
        judged "$TMP/$which.json" > "$TMP/$which.judged"
        expect "$which: the check judged targets ($(wc -l < "$TMP/$which.judged"))" test -s "$TMP/$which.judged"
done
# The fragment names the same targets in both trees: only the loader differs.
expect "the image's fragment holds the rules of the control's" \
        cmp -s <(grep -E '^-[wa] ' "$img/etc/audit/rules.d/50-docker.rules") \
               <(grep -E '^-[wa] ' "$ctl/etc/audit/rules.d/50-docker.rules")

# The control: auditd installed, every target at boot.
st=$(cat "$TMP/ctl.status")
expect "with auditd: --check --root is OK (status $st)" test "$st" = 0
expect "with auditd: every target is in the file" bash -c "! grep -qv ' True ' '$TMP/ctl.judged'"
[ "$failures" = 0 ] || sed 's/^/    /' "$TMP/ctl.check"

# The image without auditd.
st=$(cat "$TMP/img.status")
boot_lines=$(grep -ciE "no (audit )?rules (are|will be) loaded at boot|loads no (audit )?rules at boot" "$TMP/img.check")
expect "without auditd: --check --root is not OK, not UNKNOWN (status $st)" test "$st" = 1 -o "$st" = 2
pending "without auditd: the check says once that nothing loads rules at boot ($boot_lines lines)" \
        test "$boot_lines" = 1
pending "without auditd: the line names auditd" grep -qiE "(no rules are|nothing).*loaded at boot.*auditd|auditd.*(no rules|nothing).*boot" \
        "$TMP/img.check"
pending "without auditd: no target is called not-in-file ($(grep -c 'not-in-file' "$TMP/img.check"))" \
        bash -c "! grep -q 'not-in-file' '$TMP/img.check'"
pending "without auditd: every target the fragment holds is in the file (JSON in_file)" \
        bash -c "! grep -qv ' True ' '$TMP/img.judged'"

echo "$((checks - failures - pending_failures)) passed, $failures failed, $pending_failures pending"
if [ "$failures" != 0 ]; then
        sed 's/^/    /' "$TMP/img.check"
        exit 1
fi
if [ "$PENDING" = 1 ]; then
        if [ "$pending_failures" != 0 ]; then
                echo "SKIP: pending: on an image without auditd, --check --root must say once that nothing loads" \
                     "rules at boot and must not call the fragment's targets not-in-file ($pending_failures checks" \
                     "fail; the check's own lines follow)"
                sed "s/^/    /" "$TMP/img.check" | grep -vE "^    [0-9-][^ ]* +[a-z]" | head -20
                exit 77
        fi
        echo "FAIL: every pending check passes now: set PENDING=0 in $0"
        exit 1
fi
[ "$pending_failures" = 0 ]
