"""Requests refused for their form: the HTTP server's own refusals (a body over its 64 KiB limit,
methods no route takes), the API's JSON error on /api/ paths as protocol/openapi.json documents
it and a page elsewhere; and API bodies that break the document's schemas."""

import unittest

import harness
from client import Api, request

TOO_LARGE = 70 * 1024


def setUpModule():
    harness.shared()


class ServerRefusals(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_an_api_body_over_the_limit_gets_the_documented_json_413(self):
        body = b'{"email": "' + b"a" * TOO_LARGE + b'"}'
        # Api.call validates the answer against the OpenAPI document (PayloadTooLarge).
        _, parsed, response = Api(self.cluster).call("POST", "/api/v1/login", body, expect=413)
        self.assertEqual(parsed["error"]["code"], "payload.too_large")
        self.assertTrue(response.header("Content-Type").startswith("application/json"), response)
        self.assertEqual(response.header("Connection"), "close")

    def test_a_form_over_the_limit_gets_a_page(self):
        response = request(
            self.cluster.port, "POST", "/login", body=b"email=" + b"a" * TOO_LARGE,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.assertEqual(response.status, 413, response)
        self.assertTrue(response.header("Content-Type").startswith("text/html"), response)
        page = response.page()
        self.assertIn("Too much data", page.text)
        self.assertEqual(response.header("X-Content-Type-Options"), "nosniff")

    def test_trace_and_query_get_405_with_allow_and_nothing_reflected(self):
        for method in ("TRACE", "QUERY"):
            response = request(self.cluster.port, method, "/api/v1/login", headers={"X-Probe": "reflect-me"})
            self.assertEqual(response.status, 405, response)
            self.assertEqual(response.header("Allow"), "POST", response)
            self.assertNotIn(b"reflect-me", response.body)

    def test_api_bodies_are_checked_against_the_document_before_anything_else(self):
        api = Api(self.cluster)
        cases = [
            ("POST", "/api/v1/login", b"", "missing body"),
            ("POST", "/api/v1/logout", b"", "missing body, no session"),
            ("POST", "/api/v1/mfa/setup", b"", "missing body, no session"),
            ("DELETE", "/api/v1/phone", b"", "missing body, no session"),
            ("POST", "/api/v1/login", b'{"email": "a@example.com", "password": "x", "admin": true}', "unknown field"),
            ("POST", "/api/v1/login", b'{"email": "a@example.com"}', "missing field"),
            ("POST", "/api/v1/login", b'{"email": 7, "password": "x"}', "wrong type"),
            ("POST", "/api/v1/login", b'{"email": "a@' + b"e" * 200 + b'.com", "password": "x"}', "email over 200"),
            ("POST", "/api/v1/login/code", b'{"code": "' + b"1" * 65 + b'"}', "code over 64"),
            ("POST", "/api/v1/mfa/confirm", b'{"code": "123456"}', "enrollment_id required"),
            ("POST", "/api/v1/mfa/confirm", b'{"code": "123456", "enrollment_id": "XYZ"}', "enrollment_id form"),
            ("POST", "/api/v1/accounts/select", b'{"account": "Acme"}', "account id form"),
            ("POST", "/api/v1/logout", b"[]", "not an object"),
            ("POST", f"/api/v1/invites/{'x' * 10}/accept",
             b'{"email": "a@example.com", "temporary_password": "t", "new_password": "n"}', "token form"),
        ]
        for method, path, body, why in cases:
            with self.subTest(why=why, path=path):
                _, parsed, _ = api.call(method, path, body, expect=400, token=None)
                self.assertEqual(parsed["error"]["code"], "request.invalid")

    def test_logout_without_a_session_is_401_as_documented(self):
        self.assertEqual(Api(self.cluster).error_code("POST", "/api/v1/logout", {}, expect=401, token=None), "auth.required")


if __name__ == "__main__":
    unittest.main()
