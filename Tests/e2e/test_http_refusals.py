"""Requests the HTTP server refuses before any route sees them (a body over its 64 KiB limit):
the API's JSON error on /api/ paths, as protocol/openapi.json documents it, and a page elsewhere."""

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


if __name__ == "__main__":
    unittest.main()
