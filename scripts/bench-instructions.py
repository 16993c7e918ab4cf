#!/usr/bin/env python3
"""Instructions the gateway spends on one request, counted by callgrind, for one build or side by side.

Wall-clock rates (wrk, scripts/bench-http.sh) spread ±15 % on these shared 2-core machines; the
instruction count of a request is exact and repeatable, so it is the figure to compare two builds
with. Each auth-gateway binary runs under `valgrind --tool=callgrind` with one event loop and
`--benchmark-routes`, and answers N1 and then, in a second run, N2 keep-alive
`GET /bench/hello` requests sent one at a time on one connection. The difference between the two
runs' totals divided by N2 − N1 is the cost of one request, start-up and shutdown cancelled out.

    scripts/bench-instructions.py GATEWAY [BASELINE_GATEWAY]

e.g. with a baseline built from another commit in a worktree:
    git worktree add /tmp/base REV && (cd /tmp/base && swift build -c release --product auth-gateway)
    scripts/bench-instructions.py .build/release/auth-gateway /tmp/base/.build/release/auth-gateway

Prints one markdown row per binary (binary | instructions per request | of which Router.match)
and, with a baseline, the change. Exit status 1 if a request was not answered 200 "hello", so a
broken build is never reported as a figure. Needs valgrind (apt-get install -y valgrind).
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

N1, N2 = 2_000, 12_000
REQUEST = b"GET /bench/hello HTTP/1.1\r\nHost: bench\r\n\r\n"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connect(port, process):
    # Under callgrind the gateway takes seconds to start; no fixed deadline, only its exit stops us.
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            if process.poll() is not None:
                sys.exit(f"bench-instructions: the gateway exited with {process.returncode} before listening")
            time.sleep(0.1)


def count(binary, requests, work):
    """Total instructions, and those inclusive in Router.match, of a run answering `requests`."""
    port = free_port()
    out = os.path.join(work, f"callgrind.{requests}")
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary,
         "--listen", f"127.0.0.1:{port}", "--vault-socket", os.path.join(work, "no-vault.sock"),
         "--loops", "1", "--data-dir", os.path.join(work, f"gateway-{requests}"),
         "--admin-socket", os.path.join(work, f"admin-{requests}.sock"), "--benchmark-routes",
         "--max-connections-per-address", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with connect(port, process) as connection:
            for _ in range(requests):
                connection.sendall(REQUEST)
                answer = b""
                while b"\r\n\r\n" not in answer or not answer.endswith(b"hello"):
                    chunk = connection.recv(4096)
                    if not chunk:
                        sys.exit("bench-instructions: the gateway closed the connection")
                    answer += chunk
                if not answer.startswith(b"HTTP/1.1 200 "):
                    status = answer.split(b"\r\n", 1)[0]
                    sys.exit(f"bench-instructions: answered {status!r}, not 200")
    finally:
        process.terminate()
        process.wait()
    text = open(out).read()
    total = int(re.search(r"^(?:summary|totals): (\d+)", text, re.M).group(1))
    annotate = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True, text=True)
    router = max((int(line.split()[0].replace(",", "")) for line in annotate.stdout.splitlines()
                  if "Router" in line and "5match" in line and line.strip()[:1].isdigit()), default=0)
    return total, router


def per_request(binary):
    work = tempfile.mkdtemp(prefix="bench-instructions.")
    try:
        small, small_router = count(binary, N1, work)
        large, large_router = count(binary, N2, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return (large - small) / (N2 - N1), (large_router - small_router) / (N2 - N1)


def main():
    if not 2 <= len(sys.argv) <= 3 or shutil.which("valgrind") is None:
        sys.exit(__doc__)
    results = [(binary, *per_request(binary)) for binary in sys.argv[1:]]
    print("| gateway binary | instructions per request | of which Router.match |")
    print("|---|---:|---:|")
    for binary, total, router in results:
        print(f"| {binary} | {total:,.0f} | {router:,.0f} |")
    if len(results) == 2:
        change = results[0][1] / results[1][1] - 1
        print(f"\nfirst against the baseline: {change:+.1%} instructions per request")


if __name__ == "__main__":
    main()
