#!/usr/bin/env bash
# Regenerates an upgrade fixture (Tests/Fixtures/format-vN/) from a given commit: builds that
# commit's daemons in a temporary folder, runs them on fresh data folders, drives them into
# the known state of Tests/e2e/make_upgrade_fixture.py (about 90 s of waiting), stops them,
# and copies their data folders and a manifest into FOLDER, replacing it. The commit is
# recorded in FOLDER/manifest.json and FOLDER/README.md.
#
#   scripts/make-upgrade-fixture.sh COMMIT Tests/Fixtures/format-v1
#
# A fixture is written once per stored format and then never regenerated for a later commit:
# it stands for the folders that builds of that format left on real machines.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -ne 2 ]; then
    echo "usage: $0 COMMIT FOLDER" >&2
    exit 64
fi
commit=$(git rev-parse --verify "$1^{commit}")
folder=$2

work=$(mktemp -d "${TMPDIR:-/tmp}/twofold-fixture-XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "== building the daemons of $commit"
git archive "$commit" | tar -x -C "$work"
for product in sms-sender secret-vault auth-gateway; do
    swift build --package-path "$work" --product "$product" 2>&1 | grep -E "error|warning: |Compiling|Build" || true
    [ -x "$work/.build/debug/$product" ] || { echo "$product did not build" >&2; exit 1; }
done

echo "== driving them into the fixture's state"
TWOFOLD_BIN_DIR="$work/.build/debug" python3 Tests/e2e/make_upgrade_fixture.py --out "$folder" --commit "$commit"
cat > "$folder/README.md" <<README
# Upgrade fixture $(basename "$folder")

Data folders written by commit \`$commit\` (\`git show -s $commit\`): \`vault/\` (the
secret-vault's sealed store and audit log), \`gateway/\` (the auth-gateway's directory and
audit log), \`sms/\` (the sms-sender's outbox) and \`master-key\` (a TEST-ONLY vault key).
\`manifest.json\` says what a user would notice about them: every user's password, TOTP seed
and last accepted step, sessions, invites, the operator's view (admin socket) and the outbox,
and \`captured_at_ms\`, the moment the state was captured.

\`Tests/e2e/test_upgrade.py\` starts the current daemons on a copy of this folder, their clock
moved to a second after the capture (libfaketime), and checks that nothing a user would notice
has changed. Written by \`scripts/make-upgrade-fixture.sh $commit $folder\`; never regenerate it
from a later commit: it stands for what builds of its format left on real machines.
README
echo "wrote $folder from $commit"
