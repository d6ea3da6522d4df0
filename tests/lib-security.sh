# The shared start of the security tests that build host trees owned by other uids and run the
# tool on them as root (--root): the tool, a scratch directory removed on exit, check(), and
# every output of the tool on a tree. Source it, then call security_start.
# shellcheck shell=bash

# security_start BINARY WHY: $bin is the tool's absolute path; skip (77) unless root, saying WHY
# root is needed; $tmp a directory removed on exit, open to every user's walk (mode 755: the
# trees below it are owned by other uids, and what the tool reads as them must be reachable).
security_start() {
        set -u
        bin=$(realpath "$1")
        [ "$(id -u)" = 0 ] || { echo "SKIP: needs root, $2"; exit 77; }
        tmp=$(mktemp -d)
        trap 'rm -rf "$tmp"' EXIT
        chmod 755 "$tmp"
        fail=0
}

# check NAME SHELL-TEST: "ok: NAME" when the test (eval'd) succeeds, else "FAIL: NAME" and the
# test fails at security_end.
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }

# Everything the tool can say about the tree ROOT, text and JSON, in one text.
run_all() { # ROOT
        "$bin" --root "$1" --list-paths 2>&1
        "$bin" --root "$1" --list-paths --format json 2>&1
        "$bin" --root "$1" --print 2>&1
        "$bin" --root "$1" -v --dry-run 2>&1
        "$bin" --root "$1" --check 2>&1
        "$bin" --root "$1" --check --format json 2>&1
}

# The test's status: 0 when every check passed.
security_end() { [ "$fail" = 0 ]; }
