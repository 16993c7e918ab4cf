#!/usr/bin/env bash
# Isolation test (issue 8): starts sms-sender and secret-vault with the users, groups, folders and
# command lines of deploy/, under a temporary root, and proves who can and cannot reach what (see
# Tests/isolation/isolation_test.py). Needs root (it creates the service users and switches to
# them with setpriv); as another user it prints that it was skipped and exits 0.
#   scripts/isolation-test.sh [--bin-dir DIR] [--keep]     (default DIR: .build/debug)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
    echo "isolation-test: skipped (must run as root: it creates the service users and runs as them)"
    exit 0
fi
for tool in setpriv useradd groupadd usermod python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "isolation-test: $tool is missing (apt-get install util-linux passwd python3)" >&2
        exit 1
    fi
done
exec python3 Tests/isolation/isolation_test.py "$@"
