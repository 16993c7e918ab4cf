"""Bulk onboarding through the real CLI and gateway: `twofold invite import FILE` (issue 21).

The CLI reads a CSV or JSON-lines file, sends `invite.import` batches over the admin socket, prints
one line per refused row and writes each created invite's link and temporary password once, to a
new 0600 file; the links work for sign-up like any invite's."""

import json
import os
import stat
import subprocess
import unittest

import harness
from client import Api
from flows import Person, api_signup

SCHEMAS = harness.REPO / "protocol" / "schemas"


def setUpModule():
    harness.shared()


def validate_admin_response(test, op, response):
    """`response` against protocol/schemas/admin/<op>.response.schema.json (skipped without jsonschema)."""
    try:
        import jsonschema
        import referencing
    except ImportError:
        return
    contents = [json.loads(path.read_text()) for path in SCHEMAS.rglob("*.schema.json")]
    registry = referencing.Registry().with_resources(
        (schema["$id"], referencing.Resource.from_contents(schema)) for schema in contents)
    schema = json.loads((SCHEMAS / "admin" / f"{op}.response.schema.json").read_text())
    errors = [error.message for error in jsonschema.Draft202012Validator(schema, registry=registry).iter_errors(response)]
    test.assertEqual(errors, [], f"{op} response against its schema")


class InviteImport(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()
        self.folder = self.cluster.root / self.cluster.unique("import-")
        self.folder.mkdir()

    def twofold(self, *arguments):
        return subprocess.run(
            [str(harness.BIN_DIR / "twofold"), "--admin-socket", self.cluster.admin_socket, *arguments],
            capture_output=True, text=True, timeout=120,
        )

    def test_a_csv_file_becomes_invites_with_one_line_per_refused_row_and_secrets_written_once(self):
        cluster = self.cluster
        account = cluster.admin("account.create", name=cluster.unique("Import Co "))["account"]
        pending = Person.invited(cluster, accounts=[account])
        new = [cluster.new_email("imported") for _ in range(3)]
        rows = [
            "email,accounts",
            f'{new[0]},"{account["name"]}"',         # line 2: created, member of the account
            "not an email,",                           # line 3: refused by the gateway's rule
            f"{pending.email},",                       # line 4: already has a pending invite
            f"{new[0].upper()},",                      # line 5: a duplicate of line 2 (CLI)
            f"{new[1]},No Such Account",               # line 6: unknown account
            f'"{new[2]}",{account["id"]}',             # line 7: created
        ]
        people = self.folder / "people.csv"
        people.write_text("\n".join(rows) + "\n")
        secrets = self.folder / "secrets.csv"

        done = self.twofold("invite", "import", str(people), "--output", str(secrets), "--batch", "2")
        self.assertEqual(done.returncode, 65, done.stderr)
        # Rows the CLI refuses itself come first, then each batch's refusals.
        errors = sorted((line for line in done.stderr.splitlines() if line.startswith("twofold: line ")),
                        key=lambda line: int(line.split(":")[1].split()[1]))
        self.assertEqual([line.split(":")[1].strip() for line in errors], ["line 3", "line 4", "line 5", "line 6"],
                         done.stderr)
        self.assertIn("not a valid email address", errors[0])
        self.assertIn("already has a pending invite", errors[1])
        self.assertIn("duplicate of line 2", errors[2])
        self.assertIn("No Such Account", errors[3])
        self.assertIn("Created 2 invites; refused 4 rows.", done.stderr)
        self.assertEqual(done.stdout, "", "the secrets went to the file only")

        self.assertEqual(stat.S_IMODE(os.stat(secrets).st_mode), 0o600)
        lines = secrets.read_text().splitlines()
        self.assertEqual(lines[0], "line,email,invite,link,temporary_password")
        created = {line.split(",")[1]: line.split(",") for line in lines[1:]}
        self.assertEqual(set(created), {new[0].lower(), new[2].lower()})
        for fields in created.values():
            cluster.remember(fields[3], fields[4])
        listed = {invite["email"]: invite for invite in cluster.admin("invite.list")["invites"]}
        for email in (new[0].lower(), new[2].lower()):
            self.assertEqual(listed[email]["status"], "pending")
            self.assertEqual(listed[email]["id"], created[email][2])
            self.assertEqual(listed[email]["accounts"], [{"id": account["id"], "name": account["name"]}])
        self.assertNotIn(new[1].lower(), listed)
        self.assertNotIn(created[new[0].lower()][4], json.dumps(listed), "the temporary password is shown once")

        # The imported link signs up like any invite's.
        _, email, _, link, temporary = created[new[0].lower()]
        person = Person(cluster, email, temporary, link.rsplit("/", 1)[1])
        api_signup(self, Api(cluster), person)

        # Importing the same file again creates nothing: every row is now taken.
        again = self.twofold("invite", "import", str(people), "--output", str(self.folder / "again.csv"))
        self.assertEqual(again.returncode, 65, again.stderr)
        self.assertIn("Created 0 invites; refused 6 rows.", again.stderr)
        self.assertIn("already has a user", again.stderr, "line 2 signed up meanwhile")
        # And never overwrites the first run's secrets.
        clash = self.twofold("invite", "import", str(people), "--output", str(secrets))
        self.assertEqual(clash.returncode, 73, clash.stderr)
        self.assertEqual(len(secrets.read_text().splitlines()), 3)

    def test_json_lines_with_json_output_answer_one_object_per_row(self):
        cluster = self.cluster
        email = cluster.new_email("jsonl")
        people = self.folder / "people.jsonl"
        people.write_text(json.dumps({"email": email, "accounts": []}) + "\n" + '{"email": 7}\n')
        done = self.twofold("invite", "import", str(people), "--json", "--expires", "1h")
        self.assertEqual(done.returncode, 65, done.stderr)
        self.assertIn("twofold: line 2: 'email' is missing or not a string", done.stderr)
        results = [json.loads(line) for line in done.stdout.splitlines()]
        self.assertEqual(len(results), 1)
        self.assertEqual(results[0]["line"], 1)
        self.assertEqual(results[0]["invite"]["email"], email.lower())
        self.assertEqual(results[0]["invite"]["expires_at"] - results[0]["invite"]["created_at"], 3600 * 1000)
        cluster.remember(results[0]["link"].rsplit("/", 1)[1], results[0]["temporary_password"])

    def test_the_admin_operation_answers_per_row_and_refuses_malformed_requests_whole(self):
        cluster = self.cluster
        email = cluster.new_email("raw")
        response = cluster.admin_raw("invite.import", {"invites": [{"email": email}, {"email": email}, {"email": "x"}]})
        self.assertIs(response.get("ok"), True, response)
        validate_admin_response(self, "invite.import", response)
        results = response["result"]["results"]
        cluster.remember(results[0]["link"].rsplit("/", 1)[1], results[0]["temporary_password"])
        self.assertEqual([("invite" in r, r.get("error", {}).get("code")) for r in results],
                         [(True, None), (False, "admin.conflict"), (False, "admin.invalid")])
        for args, code in [
            ({"invites": []}, "admin.invalid"),
            ({"invites": [{"email": "a@example.com"}] * 1001}, "admin.invalid"),
            ({"invites": [{"accounts": []}]}, "request.invalid"),
            ({"invites": "a@example.com"}, "request.invalid"),
            ({"invites": [{"email": cluster.new_email()}], "ttl_ms": 5}, "admin.invalid"),
        ]:
            refused = cluster.admin_raw("invite.import", args)
            self.assertEqual(refused.get("error", {}).get("code"), code, args)
            validate_admin_response(self, "invite.import", refused)


if __name__ == "__main__":
    unittest.main()
