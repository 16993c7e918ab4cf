#!/usr/bin/env bash
# CI smoke run of the bundled load driver: starts sms-sender, secret-vault and auth-gateway on a
# temporary folder (fast password hashes: --scrypt-log-n 10) and runs every scenario for about
# 2 s each; fails when any run fails (error rate above 1 %, or setup failed). A pool that runs
# dry in a closed loop (a fast machine uses up its users) is a warning, not a failure.
#
# Uses the debug build by default (CONFIG=release for release).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-debug}
DURATION=${DURATION:-2s}
PORT=${PORT:-18580}

for product in sms-sender secret-vault auth-gateway load-driver; do
    swift build -c "$CONFIG" --product "$product" 2>&1 | grep -E "error|warning: " >&2 || true
done
BIN=$(swift build -c "$CONFIG" --show-bin-path)

WORK=$(mktemp -d /tmp/load-smoke.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

wait_ready() { # log file, name
    for _ in $(seq 1 200); do
        grep -q '"msg":"ready"' "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "load-smoke: $2 did not start:" >&2
    tail -n 20 "$1" >&2
    exit 1
}

mkdir -p "$WORK/sms" "$WORK/vault" "$WORK/gateway" "$WORK/run"
head -c 32 /dev/urandom >"$WORK/master-key"
chmod 600 "$WORK/master-key"

"$BIN/sms-sender" --socket "$WORK/run/sms.sock" --data-dir "$WORK/sms" 2>"$WORK/sms.log" &
PIDS+=($!)
wait_ready "$WORK/sms.log" sms-sender
"$BIN/secret-vault" --socket "$WORK/run/vault.sock" --data-dir "$WORK/vault" \
    --master-key-file "$WORK/master-key" --sms-socket "$WORK/run/sms.sock" 2>"$WORK/vault.log" &
PIDS+=($!)
wait_ready "$WORK/vault.log" secret-vault

GATEWAY_ARGS=(--listen "127.0.0.1:$PORT" --vault-socket "$WORK/run/vault.sock" --no-access-log
    --data-dir "$WORK/gateway" --admin-socket "$WORK/run/admin.sock" --scrypt-log-n 10)
"$BIN/auth-gateway" "${GATEWAY_ARGS[@]}" 2>"$WORK/gateway.log" &
PIDS+=($!)
wait_ready "$WORK/gateway.log" auth-gateway

DRIVER=("$BIN/load-driver" --duration "$DURATION" --no-progress --timeout 5s)
TARGETS=(--gateway "127.0.0.1:$PORT" --vault-socket "$WORK/run/vault.sock" --admin-socket "$WORK/run/admin.sock"
    --sms-outbox "$WORK/sms/outbox.jsonl")
failed=0
run() { # name, arguments...
    local name=$1
    shift
    echo "== load-driver $name"
    if ! "${DRIVER[@]}" "${TARGETS[@]}" --json "$WORK/$name.json" "$@"; then
        echo "load-smoke: $name FAILED" >&2
        failed=1
    fi
}

run verify --scenario verify --concurrency 4 --users 4000
run verify-open --scenario verify --rate 200
run get --scenario get --concurrency 4
run enroll --scenario enroll --concurrency 2
run login --scenario login --concurrency 4 --users 400
run session --scenario session --concurrency 4 --sessions 8
run recovery --scenario recovery --concurrency 2 --users 150
run mixed --scenario mixed --mix login=5,session=90,verify=5 --rate 100 --users 400 --sessions 16
exit $failed
