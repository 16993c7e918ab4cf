#!/usr/bin/env bash
# Benchmarks auth-gateway's `GET /bench/hello` (served only with --benchmark-routes) against nginx
# answering a fixed 200 "hello",
# with the same wrk load, and records the result in docs/BENCHMARKS.md (only the section between
# the http-bench markers is replaced).
#
# Both servers log every request (the gateway's JSON access log to /dev/null, nginx's access log
# to a file), as each would in production. Environment: GATEWAY_PORT, NGINX_PORT, DURATION,
# THREADS, CONNECTIONS, LOOPS (gateway event loops; default one per core), NGINX_WORKERS.
set -euo pipefail

cd "$(dirname "$0")/.."
GATEWAY_PORT=${GATEWAY_PORT:-18480}
NGINX_PORT=${NGINX_PORT:-18481}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
CORES=$(nproc)
LOOPS=${LOOPS:-$CORES}
NGINX_WORKERS=${NGINX_WORKERS:-$CORES}

for tool in nginx wrk; do
    command -v "$tool" >/dev/null || { echo "bench-http: $tool is not installed (apt-get install -y $tool)" >&2; exit 1; }
done

echo "building auth-gateway (release)..." >&2
swift build -c release --product auth-gateway >&2
GATEWAY="$(swift build -c release --show-bin-path)/auth-gateway"

# shellcheck source=lib/daemons.sh
. scripts/lib/daemons.sh
daemons_init bench-http

wait_for_port() {
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "bench-http: nothing listening on port $1" >&2
    exit 1
}

# nginx as a foreground process with its own prefix: never the system service.
mkdir -p "$WORK/nginx/logs"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes $NGINX_WORKERS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log $WORK/nginx/logs/access.log;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            default_type text/plain;
            return 200 "hello";
        }
    }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)

# --benchmark-routes: /bench/hello exists only with it. Every wrk connection comes from 127.0.0.1,
# so the per-address connection limit is off.
"$GATEWAY" --listen "127.0.0.1:$GATEWAY_PORT" --vault-socket "$WORK/no-vault.sock" --loops "$LOOPS" \
    --data-dir "$WORK/gateway" --admin-socket "$WORK/admin.sock" --benchmark-routes \
    --max-connections-per-address 0 2>/dev/null &
PIDS+=($!)

wait_for_port "$NGINX_PORT"
wait_for_port "$GATEWAY_PORT"

run_wrk() {
    local url=$1
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$url" >/dev/null  # warm-up
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url"
}

echo "wrk against auth-gateway..." >&2
GATEWAY_OUT=$(run_wrk "http://127.0.0.1:$GATEWAY_PORT/bench/hello")
echo "wrk against nginx..." >&2
NGINX_OUT=$(run_wrk "http://127.0.0.1:$NGINX_PORT/")

rps() { awk '/^Requests\/sec:/ { print $2 }' <<<"$1"; }
p99() { awk '$1 == "99%" { print $2 }' <<<"$1"; }
errors() { awk '/Non-2xx|Socket errors/ { print; found=1 } END { if (!found) print "none" }' <<<"$1" | paste -sd ';' -; }
GATEWAY_RPS=$(rps "$GATEWAY_OUT")
NGINX_RPS=$(rps "$NGINX_OUT")
RATIO=$(awk -v g="$GATEWAY_RPS" -v n="$NGINX_RPS" 'BEGIN { printf "%.2f", g / n }')

echo "auth-gateway: $GATEWAY_RPS requests/s (p99 $(p99 "$GATEWAY_OUT"), errors: $(errors "$GATEWAY_OUT"))"
echo "nginx:        $NGINX_RPS requests/s (p99 $(p99 "$NGINX_OUT"), errors: $(errors "$NGINX_OUT"))"
echo "ratio gateway/nginx: $RATIO"

SECTION=$(cat <<MD
<!-- http-bench:start -->
## HTTP server: auth-gateway vs nginx

\`scripts/bench-http.sh\`, $(date -u +%Y-%m-%d), $(nproc) cores ($(uname -m)), wrk \`-t$THREADS -c$CONNECTIONS -d$DURATION\`
on the same machine as both servers (so wrk takes CPU from them). Gateway: release build,
\`GET /bench/hello\`, $LOOPS event loop(s), JSON access log on. nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'):
$NGINX_WORKERS worker(s), \`return 200 "hello"\`, access log on.

| server | requests/s | p99 latency |
|---|---:|---:|
| auth-gateway | $GATEWAY_RPS | $(p99 "$GATEWAY_OUT") |
| nginx | $NGINX_RPS | $(p99 "$NGINX_OUT") |
| **ratio gateway/nginx** | **$RATIO** | |
<!-- http-bench:end -->
MD
)

FILE=docs/BENCHMARKS.md
[ -f "$FILE" ] || printf '# Benchmarks\n\nFigures from the scripts in `scripts/`; each script rewrites only its own section.\n' >"$FILE"
if grep -q '<!-- http-bench:start -->' "$FILE"; then
    SECTION="$SECTION" awk '
        /<!-- http-bench:start -->/ { print ENVIRON["SECTION"]; skipping = 1; next }
        /<!-- http-bench:end -->/ { skipping = 0; next }
        !skipping { print }
    ' "$FILE" >"$FILE.tmp"
    mv "$FILE.tmp" "$FILE"
else
    printf '\n%s\n' "$SECTION" >>"$FILE"
fi
echo "updated $FILE" >&2
