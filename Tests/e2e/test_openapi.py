"""protocol/openapi.json itself: a valid OpenAPI 3.1 document that describes every route of the
JSON API with the error object and the bearer scheme. (The other tests validate live answers
against it.)"""

import json
import unittest

import jsonschema
import openapi

try:
    from openapi_spec_validator import validate
except ImportError:  # .ci/run installs only jsonschema so far
    validate = None

ROUTES = {
    ("post", "/api/v1/invites/{token}/accept"): False,
    ("post", "/api/v1/login"): False,
    ("post", "/api/v1/login/code"): True,
    ("get", "/api/v1/recovery"): True,
    ("post", "/api/v1/recovery/send"): True,
    ("post", "/api/v1/recovery/verify"): True,
    ("post", "/api/v1/recovery/backup-code"): True,
    ("post", "/api/v1/mfa/setup"): True,
    ("post", "/api/v1/mfa/confirm"): True,
    ("post", "/api/v1/mfa/reset"): True,
    ("get", "/api/v1/backup-codes"): True,
    ("post", "/api/v1/backup-codes"): True,
    ("get", "/api/v1/me"): True,
    ("post", "/api/v1/accounts/select"): True,
    ("put", "/api/v1/phone"): True,
    ("delete", "/api/v1/phone"): True,
    ("post", "/api/v1/password"): True,
    ("post", "/api/v1/logout"): True,
    ("post", "/api/v1/password/forgot"): False,
    ("post", "/api/v1/password/forgot/code"): True,
    ("post", "/api/v1/password/forgot/sms/send"): True,
    ("post", "/api/v1/password/forgot/sms"): True,
    ("post", "/api/v1/password/forgot/password"): True,
    ("post", "/api/v1/reset-links/{token}/accept"): False,
    ("put", "/api/v1/profile/name"): True,
    ("post", "/api/v1/login/passkey/options"): True,
    ("post", "/api/v1/login/passkey"): True,
    ("post", "/api/v1/login/passwordless/options"): False,
    ("post", "/api/v1/login/passwordless"): False,
    ("get", "/api/v1/passkeys"): True,
    ("post", "/api/v1/passkeys"): True,
    ("post", "/api/v1/passkeys/registration/options"): True,
    ("delete", "/api/v1/passkeys/{id}"): True,
    ("get", "/healthz"): False,
}


class OpenAPIDocument(unittest.TestCase):
    def setUp(self):
        self.document = json.loads(openapi.DOCUMENT.read_text())

    def test_it_is_a_valid_openapi_3_1_document(self):
        self.assertEqual(self.document["openapi"], "3.1.0")
        if validate is None:
            self.skipTest("openapi-spec-validator is not installed (pip install openapi-spec-validator)")
        validate(self.document)

    def test_every_route_of_the_api_is_documented_with_its_security(self):
        documented = {
            (method, path)
            for path, item in self.document["paths"].items()
            for method in item
            if method in ("get", "post", "put", "delete", "patch")
        }
        self.assertEqual(documented, set(ROUTES))
        self.assertEqual(self.document["components"]["securitySchemes"]["bearer"], {
            **self.document["components"]["securitySchemes"]["bearer"], "type": "http", "scheme": "bearer"})
        for (method, path), needs_session in ROUTES.items():
            with self.subTest(route=f"{method} {path}"):
                operation = self.document["paths"][path][method]
                self.assertEqual(operation.get("security", self.document["security"]) != [], needs_session)
                self.assertIn("503", operation["responses"])
                if needs_session:
                    self.assertIn("401", operation["responses"])

    def test_every_schema_is_valid_json_schema_2020_12(self):
        for name, schema in self.document["components"]["schemas"].items():
            with self.subTest(schema=name):
                jsonschema.Draft202012Validator.check_schema(schema)

    def test_the_error_object_is_what_the_spec_says(self):
        openapi.validate_response("POST", "/api/v1/login", 401,
                                  {"error": {"code": "login.failed", "message": "Incorrect email or password."}})
        openapi.validate_response("POST", "/api/v1/recovery/verify", 401,
                                  {"error": {"code": "recovery.code_invalid", "message": "Wrong.", "attempts_left": 3}})
        for bad in ({"error": {"code": "login.failed"}}, {"error": {"code": "no.such", "message": "x"}},
                    {"code": "login.failed", "message": "x"}):
            with self.subTest(body=bad), self.assertRaises(openapi.SchemaMismatch):
                openapi.validate_response("POST", "/api/v1/login", 401, bad)

    def test_an_undocumented_status_or_a_leaked_field_is_caught(self):
        with self.assertRaises(openapi.SchemaMismatch):
            openapi.validate_response("GET", "/api/v1/me", 418, {"error": {"code": "internal", "message": "x"}})
        token = "A" * 43
        with self.assertRaises(openapi.SchemaMismatch):
            openapi.validate_response("POST", "/api/v1/login", 200,
                                      {"session_token": token, "stage": "password", "password_hash": "x"})
        openapi.validate_response("POST", "/api/v1/login", 200, {"session_token": token, "stage": "password"})


if __name__ == "__main__":
    unittest.main()
