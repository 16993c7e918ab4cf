#!/usr/bin/env bash
# The gateway's directory at SMALL_USERS (10,000) and BIG_USERS (1,000,000) users (issue 21), release
# builds. For each size: twofold-bench directory-populate fills a fresh directory (each user with the
# used invite it signed up with, one session per ten users), the daemons start on it (the gateway at
# --scrypt-log-n 10, as in the issue's table), and the load driver measures invite.create (admin
# socket), sign-up (invite, accept, MFA setup, confirm), login (password, code, logout) and session
# checks (GET /api/v1/me), each in a closed loop; then the gateway is restarted and timed to ready.
#
# Writes the table with the targets (1M: restart < 10 s and RSS < 1 GB; every 1M rate within 1.5x of
# its 10k value) into docs/BENCHMARKS.md between <!-- directory:start --> and <!-- directory:end -->.
# A run that was refused (any failed iteration, a non-zero exit) or starved (a pool ran dry, or fewer
# than 50 iterations) stops the script with status 1 and writes nothing: such a number would measure
# the harness, not the gateway.
#
# Environment: SMALL_USERS, BIG_USERS, SKIP_BIG=1 (only the small size), RUN_SECONDS (20),
# LOGIN_USERS (8000: the login pool; each user carries one login per 30-s step), PORT (18690),
# SKIP_BUILD=1 (bench-all.sh has built), DIRECTORY_NO_WRITE=1 (print the section only).
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL_USERS=${SMALL_USERS:-10000}
BIG_USERS=${BIG_USERS:-1000000}
RUN_SECONDS=${RUN_SECONDS:-20}
LOGIN_USERS=${LOGIN_USERS:-8000}
PORT=${PORT:-18690}
SCRYPT_LOG_N=10

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "bench-directory: building (release)…" >&2
    for product in twofold-bench secret-vault sms-sender auth-gateway load-driver; do
        swift build -c release --product "$product" 2>&1 | grep -E "error|warning: " >&2 || true
    done
fi
BIN=$(swift build -c release --show-bin-path)
# shellcheck source=lib/daemons.sh
. scripts/lib/daemons.sh
daemons_init bench-directory

fail() {
    echo "bench-directory: FAILED: $*" >&2
    exit 1
}
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$1" "$2"; }

# run_load NAME OPERATION [LOAD-DRIVER ARGS...] -> "rate p99_ms": throughput and the p99 of OPERATION
# (a request name of the summary, or "" for the whole iteration). Fails on refusal or starvation.
run_load() {
    local name=$1 operation=$2
    shift 2
    echo "bench-directory:   $name…" >&2
    if ! "$BIN/load-driver" --gateway "127.0.0.1:$PORT" --admin-socket "$WORK/run/admin.sock" --no-progress \
        --max-error-rate 0 --timeout 30s --json "$WORK/$name.json" "$@" >"$WORK/$name.txt" 2>&1; then
        tail -n 25 "$WORK/$name.txt" >&2
        fail "$name: the load driver was refused or failed (every iteration must succeed)"
    fi
    python3 - "$WORK/$name.json" "$operation" "$name" <<'PY' || { sed 's/^/    /' "$WORK/$name.txt" >&2; fail "$name: starved or refused"; }
import json, sys
d = json.load(open(sys.argv[1]))
operation, name = sys.argv[2], sys.argv[3]
problems = []
if d["failed"] or d["driver_failures"]:
    problems.append(f'{d["failed"]} failed iterations, {d["driver_failures"]} driver failures')
if d["succeeded"] < 50:
    problems.append(f'only {d["succeeded"]} iterations')
problems += d["warnings"]
if problems:
    print(f"bench-directory: {name}: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
latency = d["operations"][operation] if operation else d["latency"]
print(round(d["throughput_per_s"]), round(latency["p99_ms"], 1))
PY
    sed 's/^/    /' "$WORK/$name.txt" >>"$WORK/notes.md"
}

# measure USERS: one line of figures for the table on stdout. Called without a subshell, so that a
# failure stops the script and the daemons it started are stopped at exit.
measure() {
    local users=$1 sessions=$(($1 / 10))
    stop_daemons
    rm -rf "$WORK/gateway" "$WORK/vault" "$WORK/sms" "$WORK/run"
    mkdir -p "$WORK/gateway"
    echo "bench-directory: populating $users users…" >&2
    local populated fill bytes
    populated=$("$BIN/twofold-bench" directory-populate "$WORK/gateway" "$users" "$sessions") ||
        fail "directory-populate $users failed"
    read -r fill bytes <<<"$populated"
    echo "populating the directory: $fill users/s ($users users, $sessions sessions)" >>"$WORK/notes.md"
    sync
    start_backends "$BIN"
    local started ready restart_first
    started=$(date +%s%N)
    start_gateway "$WORK/gateway-$users.log" "$BIN" "$PORT" --scrypt-log-n "$SCRYPT_LOG_N"
    ready=$(date +%s%N)
    restart_first=$(awk -v a="$started" -v b="$ready" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
    grep '"directory opened"' "$WORK/gateway-$users.log" | sed 's/^/    /' >>"$WORK/notes.md" || true
    local invite signup login session
    invite=$(run_load "invite-$users" "admin invite.create" --scenario invite --concurrency 16 \
        --duration "${RUN_SECONDS}s")
    signup=$(run_load "signup-$users" "POST /api/v1/invites/{token}/accept" --scenario enroll --concurrency 16 \
        --duration "${RUN_SECONDS}s")
    login=$(run_load "login-$users" "" --scenario login --concurrency 8 --users "$LOGIN_USERS" --duration 10s)
    session=$(run_load "session-$users" "" --scenario session --concurrency 16 --sessions 64 \
        --duration "${RUN_SECONDS}s")
    local rss_fill
    rss_fill=$(rss_mb "$GATEWAY_PID")
    kill -TERM "$GATEWAY_PID"
    wait "$GATEWAY_PID" || true
    sync
    echo "bench-directory: restarting the gateway with $users users…" >&2
    started=$(date +%s%N)
    start_gateway "$WORK/gateway-$users-restart.log" "$BIN" "$PORT" --scrypt-log-n "$SCRYPT_LOG_N"
    ready=$(date +%s%N)
    local restart rss_restart
    restart=$(awk -v a="$started" -v b="$ready" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
    sleep 1
    rss_restart=$(rss_mb "$GATEWAY_PID")
    grep '"directory opened"' "$WORK/gateway-$users-restart.log" | sed 's/^/    /' >>"$WORK/notes.md" || true
    echo "first start on the populated folder: $restart_first s" >>"$WORK/notes.md"
    echo "$users $bytes $rss_fill $rss_restart $restart $invite $signup $login $session"
}

: >"$WORK/notes.md"
measure "$SMALL_USERS" >"$WORK/small.txt"
read -r S_USERS S_BYTES S_RSS S_RSS2 S_RESTART S_INV S_INV99 S_SIGN S_SIGN99 S_LOGIN S_LOGIN99 S_SESS S_SESS99 \
    <"$WORK/small.txt"
ROWS="| $S_USERS | $(awk -v b="$S_BYTES" 'BEGIN { printf "%.1f MB", b / 1e6 }') | $S_RSS / $S_RSS2 MB | $S_RESTART s | $S_INV/s (p99 $S_INV99 ms) | $S_SIGN/s (accept p99 $S_SIGN99 ms) | $S_LOGIN/s (p99 $S_LOGIN99 ms) | $S_SESS/s (p99 $S_SESS99 ms) |"
VERDICTS=""
if [ "${SKIP_BIG:-0}" != 1 ]; then
    measure "$BIG_USERS" >"$WORK/big.txt"
    read -r B_USERS B_BYTES B_RSS B_RSS2 B_RESTART B_INV B_INV99 B_SIGN B_SIGN99 B_LOGIN B_LOGIN99 B_SESS B_SESS99 \
        <"$WORK/big.txt"
    ROWS="$ROWS
| $B_USERS | $(awk -v b="$B_BYTES" 'BEGIN { printf "%.1f MB", b / 1e6 }') | $B_RSS / $B_RSS2 MB | $B_RESTART s | $B_INV/s (p99 $B_INV99 ms) | $B_SIGN/s (accept p99 $B_SIGN99 ms) | $B_LOGIN/s (p99 $B_LOGIN99 ms) | $B_SESS/s (p99 $B_SESS99 ms) |"
    verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "ge") ? (v >= t) : (v <= t); print (ok ? "hit" : "**miss**") }'; }
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
    VERDICTS="| measurement | $B_USERS users | target | verdict |
|---|---:|---|---|
| restart to ready | $B_RESTART s | < 10 s | $(verdict "$B_RESTART" le 10) |
| RSS after fill | $B_RSS MB | < 1024 MB | $(verdict "$B_RSS" le 1024) |
| RSS after restart | $B_RSS2 MB | < 1024 MB | $(verdict "$B_RSS2" le 1024) |"
    for pair in "invite.create:$B_INV:$S_INV" "sign-up:$B_SIGN:$S_SIGN" "login:$B_LOGIN:$S_LOGIN" \
        "session check:$B_SESS:$S_SESS"; do
        IFS=: read -r label big small <<<"$pair"
        r=$(ratio "$big" "$small")
        VERDICTS="$VERDICTS
| $label rate, $B_USERS vs $S_USERS users | ${r}x | ≥ 0.67x (within 1.5x) | $(verdict "$r" ge 0.667) |"
    done
fi

SECTION=$(
    cat <<MD
<!-- directory:start -->
## The gateway's directory at a million users (issue 21)

\`scripts/bench-directory.sh\` (run by \`scripts/bench-all.sh\`), $(date -u +%Y-%m-%d), $(nproc) cores
($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), release builds, the load on the same machine.
Each size is a fresh directory filled by \`twofold-bench directory-populate\` (each user with its used
invite, one live session per ten users), then measured with the load driver in closed loops at
\`--scrypt-log-n $SCRYPT_LOG_N\`: invite.create on the admin socket (16 in flight), sign-up (invite,
accept, MFA setup, confirm, logout; 16), login (password, code, logout; 8) and GET /api/v1/me with a
full session (16). RSS after fill is the gateway's after those runs; restart is SIGTERM, \`sync\`, start
to the "ready" log line.

| users | data folder | RSS after fill / restart | restart to ready | invite.create | sign-up | login | session check |
|---:|---:|---:|---:|---:|---:|---:|---:|
$ROWS

$VERDICTS

Notes:

\`\`\`
$(cat "$WORK/notes.md")
\`\`\`
<!-- directory:end -->
MD
)
echo "$SECTION"
if [ "${DIRECTORY_NO_WRITE:-0}" != 1 ]; then
    FILE=docs/BENCHMARKS.md
    if grep -q '<!-- directory:start -->' "$FILE"; then
        SECTION="$SECTION" awk '
            /<!-- directory:start -->/ { print ENVIRON["SECTION"]; skipping = 1; next }
            /<!-- directory:end -->/ { skipping = 0; next }
            !skipping { print }
        ' "$FILE" >"$FILE.tmp"
        mv "$FILE.tmp" "$FILE"
    else
        printf '\n%s\n' "$SECTION" >>"$FILE"
    fi
    echo "bench-directory: updated $FILE" >&2
fi
