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

# shellcheck source=lib/swift-flags.sh
. scripts/lib/swift-flags.sh
for product in sms-sender secret-vault auth-gateway load-driver; do
    swift build -c "$CONFIG" --product "$product" "${DEBUG_BUILD_FLAGS[@]}" 2>&1 | grep -E "error|warning: " >&2 || true
done
BIN=$(swift build -c "$CONFIG" --show-bin-path)

# shellcheck source=lib/daemons.sh
. scripts/lib/daemons.sh
daemons_init load-smoke
start_daemons "$BIN" "$PORT" --scrypt-log-n 10

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
