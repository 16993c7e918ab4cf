# shellcheck shell=bash
# Sourced by the scripts that start the daemons themselves (load-smoke.sh, bench-all.sh,
# bench-http.sh): a temporary folder, every started process stopped at exit, and the three
# daemons started in a row and awaited by their "ready" log line. Messages are prefixed with the
# sourcing script's name.

# daemons_init PREFIX: sets WORK (a new folder under /tmp) and PIDS; at exit stops every process
# in PIDS and removes WORK.
daemons_init() {
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    PIDS=()
    trap daemons_cleanup EXIT
}

# stop_daemons: SIGTERM to every process in PIDS, waits for them, empties PIDS.
stop_daemons() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}

daemons_cleanup() {
    stop_daemons
    rm -rf "$WORK"
}

# wait_ready LOG NAME: until the daemon logging to LOG says "ready" (60 s at most), else exits
# showing the log's tail.
wait_ready() {
    for _ in $(seq 1 1200); do
        grep -q '"msg":"ready"' "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "${0##*/}: $2 did not start:" >&2
    tail -n 20 "$1" >&2
    exit 1
}

# start_daemons BIN PORT [GATEWAY ARGS...]: sms-sender, secret-vault (a fresh master key) and
# auth-gateway on 127.0.0.1:PORT, all under WORK (sockets in WORK/run, logs WORK/<name>.log,
# the admin socket WORK/run/admin.sock, the outbox WORK/sms/outbox.jsonl, /metrics on the Unix
# socket WORK/run/metrics.sock). Every load-driver connection comes from 127.0.0.1, so the
# gateway's per-address connection limit is off.
start_daemons() {
    local bin=$1 port=$2
    shift 2
    start_backends "$bin"
    start_gateway "$WORK/gateway.log" "$bin" "$port" "$@"
}

# start_backends BIN: sms-sender and secret-vault (a fresh master key), as start_daemons does.
start_backends() {
    local bin=$1
    mkdir -p "$WORK/sms" "$WORK/vault" "$WORK/gateway" "$WORK/run"
    head -c 32 /dev/urandom >"$WORK/master-key"
    chmod 600 "$WORK/master-key"
    "$bin/sms-sender" --socket "$WORK/run/sms.sock" --data-dir "$WORK/sms" 2>"$WORK/sms.log" &
    PIDS+=($!)
    wait_ready "$WORK/sms.log" sms-sender
    "$bin/secret-vault" --socket "$WORK/run/vault.sock" --data-dir "$WORK/vault" \
        --master-key-file "$WORK/master-key" --sms-socket "$WORK/run/sms.sock" 2>"$WORK/vault.log" &
    PIDS+=($!)
    wait_ready "$WORK/vault.log" secret-vault
}

# start_gateway LOG BIN PORT [GATEWAY ARGS...]: auth-gateway on WORK/gateway logging to LOG (a new
# file: a restart passes another name, so the earlier "ready" line does not count); sets GATEWAY_PID.
start_gateway() {
    local log=$1 bin=$2 port=$3
    shift 3
    "$bin/auth-gateway" --listen "127.0.0.1:$port" --vault-socket "$WORK/run/vault.sock" --no-access-log \
        --data-dir "$WORK/gateway" --admin-socket "$WORK/run/admin.sock" \
        --metrics-listen "unix:$WORK/run/metrics.sock" --max-connections-per-address 0 "$@" 2>"$log" &
    GATEWAY_PID=$!
    PIDS+=($GATEWAY_PID)
    wait_ready "$log" auth-gateway
}
