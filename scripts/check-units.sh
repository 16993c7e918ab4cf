#!/usr/bin/env bash
# Checks deploy/systemd: `systemd-analyze verify` must print nothing, and the offline exposure
# scores must stay within the targets (vault <= 1.0, sms-sender <= 1.5, gateway <= 2.0).
# verify needs the ExecStart binaries to exist, so it runs on copies pointing at this build.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v systemd-analyze >/dev/null; then
    echo "check-units: systemd-analyze is missing (apt-get install systemd); skipped"
    exit 0
fi
bin="$PWD/.build/debug"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for unit in deploy/systemd/*; do
    sed "s|/usr/local/bin/|$bin/|g" "$unit" > "$work/$(basename "$unit")"
done
status=0
for unit in "$work"/*; do
    output=$(systemd-analyze verify "$unit" 2>&1 || true)
    if [ -n "$output" ]; then
        echo "check-units: verify $(basename "$unit"):"
        echo "$output"
        status=1
    fi
done
for pair in twofold-vault.service:1.0 twofold-sms.service:1.5 twofold-gateway.service:2.0; do
    unit=${pair%%:*}
    threshold=${pair##*:}
    score=$(systemd-analyze security --offline=yes "$work/$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
    if ! systemd-analyze security --offline=yes --threshold="$(awk "BEGIN{print int($threshold*10)}")" "$work/$unit" >/dev/null 2>&1; then
        echo "check-units: $unit exposure $score is above $threshold"
        status=1
    else
        echo "check-units: $unit exposure $score (target <= $threshold)"
    fi
done
exit $status
