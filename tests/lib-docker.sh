# Real containerd and dockerd for the shell tests, started here as the test's own processes and
# stopped by their PID on exit, whatever happened. Source it after lib.sh (it uses $TMP and chains
# lib.sh's cleanup). Daemons this file did not start are never signalled.
#
#   docker_need                  skip (exit 77) unless root and the binaries are installed
#   containerd_start [default]   private root, state and socket in $DK_DIR; with "default", state
#                                /run/containerd and socket /run/containerd/containerd.sock (skips
#                                when a containerd already serves those). Sets CTRD_PID, CTRD_SOCK.
#   dockerd_start SOCK           private data root, exec root, API socket, pidfile and daemon.json,
#                                talking to the containerd at SOCK. Sets DOCKERD_PID, DK_API,
#                                DK_DATA, DK_EXEC, DK_PIDFILE, DK_CONFIG.
#   dk ARGS...                   the docker client on DK_API
#   docker_image                 bb:1, a busybox image made without network
#   live_need [PROGRAM...]       for the tests that read real events: docker_need, and skip unless
#                                the kernel's audit is reachable (lib.sh's need_kernel_audit),
#                                auditd and every PROGRAM are installed, no other auditd runs and
#                                the kernel holds no 'never' rule
#   live_start                   a private auditd (lib.sh's start_auditd, log $TMP/auditd/audit.log),
#                                containerd on private paths, dockerd on containerd's socket and
#                                the bb:1 image, one check each; ends the test (status 1) when one
#                                fails
#
# The daemons also write outside their private directories, whatever their flags: dockerd 20.10
# creates /etc/docker/key.json and /run/docker/plugins, and containerd's shims put their sockets in
# /run/containerd/s even when the state directory is elsewhere. What did not exist before is
# removed again when no other such daemon runs.
# shellcheck shell=bash

DK_DIR=$(mktemp -d /tmp/dar-dk.XXXXXX)
DK_PIDS=()              # the daemons started here, in start order
DK_NAMES=()
DK_SOCKS=()             # their containerd sockets, to find the shims they started
DK_PRE_SHIMS=" $(pgrep -d " " -x containerd-shim 2>/dev/null) "
DK_CREATED=()           # host paths that did not exist before a daemon started
CTRD_PID='' CTRD_SOCK='' DOCKERD_PID='' DK_API='' DK_DATA='' DK_EXEC='' DK_PIDFILE='' DK_CONFIG=''
DK_DOCKER=/usr/bin/docker
[ -x "$DK_DOCKER" ] || DK_DOCKER=$(command -v docker 2>/dev/null)

docker_need() {
        [ "$(id -u)" = 0 ] || { echo "SKIP: starting containerd and dockerd needs root"; exit 77; }
        local p
        for p in containerd dockerd runc ctr; do
                command -v "$p" >/dev/null || { echo "SKIP: $p is not installed"; exit 77; }
        done
        [ -n "$DK_DOCKER" ] || { echo "SKIP: the docker client is not installed"; exit 77; }
}

# Is some containerd (not ours) serving the default socket or using the default state directory?
default_containerd_running() {
        local pid args
        [ -S /run/containerd/containerd.sock ] && return 0
        for pid in $(pgrep -x containerd); do
                args=$(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline") || continue
                case " $args " in
                *" --address "* | *" -a "* | *" --address="*) ;;
                *) return 0 ;;
                esac
                case " $args " in *" --state "* | *" --state="*) ;; *) return 0 ;; esac
        done
        return 1
}

# Does a real NAME (the installed binary, not a copy under another path) run?
real_daemon_running() {
        local pid want
        want=$(realpath "$(command -v "$1")" 2>/dev/null) || return 1
        for pid in $(pgrep -x "$1"); do
                [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$want" ] && return 0
        done
        return 1
}

# Remember HOST-PATH if it does not exist yet: it is removed after the daemons stop.
dk_note_created() {
        local p
        for p in "$@"; do [ -e "$p" ] || DK_CREATED+=("$p"); done
}

dk_ctrd_config() {
        # No CRI plugin (it wants CNI and /etc/cni), nothing below /var/lib/containerd.
        printf 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[plugins."io.containerd.internal.v1.opt"]\n  path = "%s/opt"\n' \
                "$DK_DIR" > "$DK_DIR/containerd.toml"
}

# Wait (at most $2 tenths of a second) until "$3..." succeeds, while process $1 lives.
dk_wait() {
        local pid=$1 tenths=$2 i
        shift 2
        for ((i = 0; i < tenths; i++)); do
                "$@" >/dev/null 2>&1 && return 0
                kill -0 "$pid" 2>/dev/null || return 1
                sleep 0.1
        done
        return 1
}

containerd_start() {
        local args=()
        dk_ctrd_config
        mkdir -p "$DK_DIR/ctrd-root"
        if [ "${1:-}" = default ]; then
                if default_containerd_running; then
                        echo "SKIP: a containerd already runs on the default paths (/run/containerd); this test needs them"
                        exit 77
                fi
                CTRD_SOCK=/run/containerd/containerd.sock
                args=(--config "$DK_DIR/containerd.toml" --root "$DK_DIR/ctrd-root")
        else
                mkdir -p "$DK_DIR/ctrd-state"
                CTRD_SOCK=$DK_DIR/containerd.sock
                args=(--config "$DK_DIR/containerd.toml" --root "$DK_DIR/ctrd-root" --state "$DK_DIR/ctrd-state"
                      --address "$CTRD_SOCK")
        fi
        dk_note_created /run/containerd/s /run/containerd
        containerd "${args[@]}" > "$DK_DIR/containerd.log" 2>&1 &
        CTRD_PID=$!
        DK_PIDS+=("$CTRD_PID") DK_NAMES+=(containerd) DK_SOCKS+=("$CTRD_SOCK")
        if ! dk_wait "$CTRD_PID" 200 ctr --address "$CTRD_SOCK" version; then
                echo "containerd did not answer on $CTRD_SOCK within 20 s:"
                tail -20 "$DK_DIR/containerd.log"
                return 1
        fi
}

dockerd_start() {
        local sock=$1
        DK_DATA=$DK_DIR/data DK_EXEC=$DK_DIR/exec DK_API=$DK_DIR/api.sock DK_PIDFILE=$DK_DIR/dockerd.pid
        DK_CONFIG=$DK_DIR/daemon.json
        mkdir -p "$DK_DATA" "$DK_EXEC"
        echo '{}' > "$DK_CONFIG"
        dk_note_created /etc/docker/key.json /run/docker/plugins /run/docker
        dockerd --containerd "$sock" --data-root "$DK_DATA" --exec-root "$DK_EXEC" -H "unix://$DK_API" \
                --pidfile "$DK_PIDFILE" --config-file "$DK_CONFIG" --iptables=false --ip6tables=false \
                --bridge=none > "$DK_DIR/dockerd.log" 2>&1 &
        DOCKERD_PID=$!
        DK_PIDS+=("$DOCKERD_PID") DK_NAMES+=(dockerd) DK_SOCKS+=("")
        if ! dk_wait "$DOCKERD_PID" 300 dk version; then
                echo "dockerd did not answer on $DK_API within 30 s:"
                tail -20 "$DK_DIR/dockerd.log"
                return 1
        fi
}

dk() { "$DK_DOCKER" -H "unix://$DK_API" "$@"; }

docker_image() {
        local bb l
        bb=$(command -v busybox) || { echo "busybox is not installed (package busybox-static)"; return 1; }
        mkdir -p "$DK_DIR/bb/bin"
        cp "$bb" "$DK_DIR/bb/bin/busybox"
        for l in sh echo cat sleep true; do ln -sf busybox "$DK_DIR/bb/bin/$l"; done
        tar -C "$DK_DIR/bb" -c . | dk import - bb:1 >/dev/null
}

live_need() {
        local p
        need_kernel_audit
        docker_need
        for p in auditd "$@"; do
                command -v "$p" >/dev/null || { echo "SKIP: $p is not installed"; exit 77; }
        done
        if [ -n "$(pgrep -x auditd)" ]; then echo "SKIP: another auditd is running"; exit 77; fi
        if auditctl -l | grep -q '^-a never,'; then
                echo "SKIP: the host has 'never' rules, which silence the watches this test relies on"; exit 77
        fi
}

live_start() {
        expect "auditd starts" start_auditd
        expect "containerd starts (private state and socket)" containerd_start
        expect "dockerd starts (private data root, exec root, socket, daemon.json)" dockerd_start "$CTRD_SOCK"
        expect "a busybox image is imported" docker_image
        [ "$failures" = 0 ] || { finish; exit 1; }
}

# TERM, up to 20 s, then KILL.
dk_stop_pid() {
        local pid=$1 i
        kill -0 "$pid" 2>/dev/null || return 0
        kill -TERM "$pid" 2>/dev/null
        for ((i = 0; i < 200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
                echo "note: pid $pid did not stop on TERM within 20 s; KILL"
                kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
        return 0
}

docker_cleanup() {
        local i pid p sock
        # Last started first: dockerd before the containerd it talks to.
        for ((i = ${#DK_PIDS[@]} - 1; i >= 0; i--)); do dk_stop_pid "${DK_PIDS[$i]}"; done
        # Shims outlive containerd when a container still runs: those of our containerd sockets.
        for pid in $(pgrep -x containerd-shim); do
                [[ $DK_PRE_SHIMS == *" $pid "* ]] && continue
                for sock in "${DK_SOCKS[@]}"; do
                        [ -n "$sock" ] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -qF -- "-address $sock " &&
                                dk_stop_pid "$pid"
                done
        done
        # Mounts left below the private directory (overlay2, the data root's own bind mount).
        findmnt -rn -o TARGET 2>/dev/null | grep -F -- "$DK_DIR/" | sort -r | while read -r p; do
                umount "$p" 2>/dev/null || umount -l "$p" 2>/dev/null
        done
        rm -rf "$DK_DIR"
        # Host paths the daemons made, when no other daemon that could use them runs.
        for p in "${DK_CREATED[@]}"; do
                [ -e "$p" ] || continue
                case $p in
                /run/containerd*) default_containerd_running || real_daemon_running containerd && continue ;;
                *) real_daemon_running dockerd && continue ;;
                esac
                if [ -d "$p" ]; then
                        findmnt -rn -o TARGET | grep -F -- "$p/" | sort -r | while read -r m; do umount "$m" 2>/dev/null; done
                        if [ "$p" = /run/containerd ]; then rm -rf "$p"; else rmdir "$p" 2>/dev/null; fi
                else
                        rm -f "$p"
                fi
        done
        DK_PIDS=()
}

if declare -F cleanup >/dev/null; then
        trap 'docker_cleanup; cleanup' EXIT
else
        trap docker_cleanup EXIT
fi
# Run the EXIT trap when meson's timeout (TERM) or an interrupt ends the test.
trap 'exit 143' TERM
trap 'exit 130' INT
