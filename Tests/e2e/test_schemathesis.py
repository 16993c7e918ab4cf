"""protocol/openapi.json against the real gateway, by Schemathesis: every operation with generated
valid and invalid requests (and the methods the document does not list), every check (status
codes, content types, response schemas, headers, schema-invalid requests refused, schema-valid
ones not refused for their form), failing on any warning too. The configuration and why each
setting is there: schemathesis.toml. Deterministic and bounded (20 examples per operation and
phase; about 25 s here)."""

import os
import subprocess
import sys

import harness
from client import Api
from flows import Person, api_confirm, api_setup, api_signup


class SchemathesisAgreesWithTheGateway(harness.E2ETestCase):
    def test_the_gateway_answers_as_openapi_json_says(self):
        # On localhost, with the vault told the same URL, so the passkey operations are on.
        cluster = harness.Cluster(name="schemathesis", public_host="localhost")
        cluster.daemons["secret-vault"].argv += ["--public-url", cluster.origin]
        cluster.start()
        env = dict(os.environ)
        env.update(self.sessions(cluster))
        config = harness.REPO / "Tests" / "e2e" / "schemathesis.toml"
        command = [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
            str(harness.REPO / "protocol" / "openapi.json"), "--url", f"http://127.0.0.1:{cluster.port}", "--no-color",
        ]
        try:
            run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        except FileNotFoundError:
            self.fail("schemathesis is not installed (scripts/lib/install-deps.sh installs it)")
        output = run.stdout + run.stderr
        if "No module named schemathesis" in output:
            self.fail("schemathesis is not installed (scripts/lib/install-deps.sh installs it)")
        self.assertEqual(run.returncode, 0, output[-6000:])
        self.assertIn("No issues found", output)
        self.assertNotIn("WARNINGS", output)
        self.assertTrue(cluster.daemons["auth-gateway"].running, "the gateway is alive after the run")

    def sessions(self, cluster):
        """One session per operation that needs one, of the stage it takes, and the secrets the
        configuration's dictionaries use; as environment variables."""
        values = {}

        def signed_up(phone=None):
            person = Person.invited(cluster, phone=phone)
            api = Api(cluster)
            api_signup(self, api, person)
            setup = api_setup(self, api, person)
            api_confirm(self, api, person, setup["enrollment_id"])
            return api.token, person

        def password_stage(person):
            result = Api(cluster).post("/api/v1/login", {"email": person.email, "password": person.password}, expect=200)
            return result["session_token"]

        _, texted = signed_up(phone="+1 415 555 2671")
        _, sender = signed_up(phone="+1 415 555 2672")
        for name in ("CODE", "RECOVERY", "RECOVERY_VERIFY"):
            values["TOKEN_" + name] = password_stage(texted)
        values["TOKEN_RECOVERY_SEND"] = password_stage(sender)
        for name in ("PASSKEY_OPTIONS", "PASSKEY_SIGNIN"):
            values["TOKEN_" + name] = password_stage(texted)
        since = len(cluster.outbox())
        Api(cluster, values["TOKEN_RECOVERY_VERIFY"]).post("/api/v1/recovery/send", expect=200)
        values["SMS_CODE"] = cluster.sms_code(texted.e164, since)
        for name in ("SETUP", "CONFIRM"):
            person = Person.invited(cluster)
            api = Api(cluster)
            api_signup(self, api, person)
            values["TOKEN_" + name] = api.token
        for name in ("ME", "SELECT", "PHONE_SET", "PHONE_DELETE", "PASSWORD", "RESET", "LOGOUT", "PASSKEYS",
                     "PASSKEY_ADD_OPTIONS", "PASSKEY_ADD", "PASSKEY_REMOVE"):
            values["TOKEN_" + name], person = signed_up()
            if name == "SELECT":
                values["ACCOUNT_ID"] = person.accounts[0]["id"]
            if name == "PASSWORD":
                values["PASSWORD_CHANGE"] = person.password
            if name == "RESET":
                values["PASSWORD_RESET"] = person.password
        return values
