#!/usr/bin/env bash
# End-to-end tests of the login product over real HTTP: builds the three daemons, then runs
# Tests/e2e (Python unittest) against them. The tests start the real sms-sender,
# secret-vault and auth-gateway on temporary folders (one set shared by most tests, others for
# the gateway flags under test); set TWOFOLD_E2E_KEEP=1 to keep the
# folders (logs under T/logs) after the run; TWOFOLD_BIN_DIR points at other binaries. Extra
# arguments go to unittest, e.g.
#   scripts/e2e-test.sh -k recovery        scripts/e2e-test.sh test_admin
set -euo pipefail
cd "$(dirname "$0")/.."

# The same flags as scripts/test's build, so that after it nothing is compiled again.
# TWOFOLD_E2E_SKIP_BUILD=1 uses the binaries as they are.
if [ -z "${TWOFOLD_E2E_SKIP_BUILD:-}" ]; then
    # shellcheck source=lib/swift-flags.sh
    . scripts/lib/swift-flags.sh
    echo "== build the daemons and the launcher"
    for product in sms-sender secret-vault auth-gateway twofold; do
        swift build --product "$product" "${DEBUG_BUILD_FLAGS[@]}"
    done
fi

echo "== end-to-end tests (Tests/e2e)"
python3 -c 'import jsonschema, schemathesis' 2>/dev/null || {
    echo "e2e-test: needs Python's jsonschema and schemathesis: scripts/lib/install-deps.sh test installs them" >&2
    exit 1
}
export TWOFOLD_BIN_DIR="${TWOFOLD_BIN_DIR:-$PWD/.build/debug}"
cd Tests/e2e
if [ "$#" -gt 0 ]; then
    exec python3 -m unittest -v "$@"
fi
exec python3 -m unittest discover -v -s . -p 'test_*.py'
