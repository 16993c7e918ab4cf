#!/usr/bin/env bash
# Benchmarks (release builds): TOTP, the record store's group commit, QR rendering, and vault
# verify round trips against a raw Unix-socket echo. Writes the tables into docs/BENCHMARKS.md
# between the <!-- core-bench:start --> and <!-- core-bench:end --> markers.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product twofold-bench >/dev/null
swift build -c release --product secret-vault >/dev/null
bin=.build/release
out=$(mktemp)
{
    echo "<!-- core-bench:start -->"
    echo "## Core benchmarks"
    echo
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), release build, by \`scripts/bench.sh\`."
    echo
    echo "### TOTP (issue 2)"
    echo
    "$bin/twofold-bench" otp
    echo
    echo "### Record store group commit (issue 2)"
    echo
    echo "200-byte records, \`appendAndWait\` from N threads for 2 s each, on the project's ext4 disk."
    echo
    "$bin/twofold-bench" store
    echo
    echo "### QR rendering (issue 4)"
    echo
    "$bin/twofold-bench" qr
    echo
    echo "### Vault verify round trips (issue 3)"
    echo
    echo "One connection, N requests in flight, 3 s each; the raw echo (blocking thread-per-connection"
    echo "server, same request frames) runs in the same process of measurement. Every verify is a real"
    echo "acceptance of a fresh code, so each one persists the replay guard (fsync, group-committed)."
    echo
    "$bin/twofold-bench" vault "$PWD/$bin/secret-vault"
    echo "<!-- core-bench:end -->"
} | tee "$out"
doc=docs/BENCHMARKS.md
[ -f "$doc" ] || printf '# Benchmarks\n\nEvery figure here comes from a script in `scripts/`, run on this project'"'"'s 2-core machine.\n\n' > "$doc"
python3 - "$doc" "$out" <<'PY'
import re, sys
doc, new = sys.argv[1], open(sys.argv[2]).read().strip() + "\n"
text = open(doc).read()
pattern = re.compile(r"<!-- core-bench:start -->.*?<!-- core-bench:end -->\n?", re.S)
text = pattern.sub(lambda _: new, text) if pattern.search(text) else text.rstrip() + "\n\n" + new
open(doc, "w").write(text)
PY
rm -f "$out"
