#!/usr/bin/env bash
# Issue 7's end-to-end browser test: builds the daemons and the admin CLI, then runs
# Tests/browser (Python unittest + Selenium) with headless Debian Chromium, zbarimg and oathtool
# against the three real daemons on a temporary folder. Screenshots of every page (390x844 and
# 1280x900) go to $TWOFOLD_SCREENSHOTS, default a new folder under /tmp; the path is printed at
# the start and the end. TWOFOLD_BROWSER_KEEP=1 keeps the daemons' folder (logs in T/logs).
# Extra arguments go to unittest, e.g. scripts/browser-test.sh test_authenticator
# Needs: chromium chromium-driver zbar-tools oathtool (apt) and selenium (pip).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in /usr/bin/chromium /usr/bin/chromedriver zbarimg oathtool; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
python3 -c 'import selenium' 2>/dev/null || missing+=("python3 selenium")
if [ ${#missing[@]} -gt 0 ]; then
    echo "browser-test: missing ${missing[*]}" >&2
    echo "  scripts/lib/install-deps.sh test installs them" >&2
    exit 1
fi

echo "== build the daemons and the admin CLI"
# shellcheck source=lib/swift-flags.sh
. scripts/lib/swift-flags.sh
for product in sms-sender secret-vault auth-gateway twofold; do
    swift build --product "$product" "${DEBUG_BUILD_FLAGS[@]}"
done

if [ -z "${TWOFOLD_SCREENSHOTS:-}" ]; then
    TWOFOLD_SCREENSHOTS="$(mktemp -d "/tmp/twofold-screenshots-$(date +%Y%m%d-%H%M%S)-XXXX")"
fi
mkdir -p "$TWOFOLD_SCREENSHOTS"
export TWOFOLD_SCREENSHOTS
export TWOFOLD_BIN_DIR="${TWOFOLD_BIN_DIR:-$PWD/.build/debug}"
echo "== browser test (Tests/browser); screenshots in $TWOFOLD_SCREENSHOTS"
status=0
if [ "$#" -gt 0 ]; then
    (cd Tests/browser && python3 -m unittest -v "$@") || status=$?
else
    (cd Tests/browser && python3 -m unittest discover -v -s . -p 'test_*.py') || status=$?
fi
echo "== screenshots: $TWOFOLD_SCREENSHOTS"
exit "$status"
