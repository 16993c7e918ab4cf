#!/usr/bin/env bash
# End-to-end tests of the login product over real HTTP: builds the three daemons, then runs
# Tests/e2e (Python unittest) against them. Each test file starts the real sms-sender,
# secret-vault and auth-gateway on a temporary folder; set TWOFOLD_E2E_KEEP=1 to keep the
# folders (logs under T/logs) after the run. Extra arguments go to unittest, e.g.
#   scripts/e2e-test.sh -k recovery        scripts/e2e-test.sh test_admin
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== build the daemons"
swift build --product sms-sender
swift build --product secret-vault
swift build --product auth-gateway

echo "== end-to-end tests (Tests/e2e)"
python3 -c 'import jsonschema' 2>/dev/null || {
    echo "e2e-test: needs Python's jsonschema (pip install jsonschema; openapi-spec-validator too, to check the document)" >&2
    exit 1
}
export TWOFOLD_BIN_DIR="${TWOFOLD_BIN_DIR:-$PWD/.build/debug}"
cd Tests/e2e
if [ "$#" -gt 0 ]; then
    exec python3 -m unittest -v "$@"
fi
exec python3 -m unittest discover -v -s . -p 'test_*.py'
