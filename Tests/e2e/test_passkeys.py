"""Passkeys through the JSON API against the real daemons (issue 18), with a software ES256
authenticator written here from the WebAuthn spec (CBOR, authenticator data, signatures with the
`cryptography` package), independent of the Swift code.

The cluster's public URL is http://localhost:PORT, given to the gateway and to the vault. The
story: add a passkey (password + a fresh code, then the authenticator's answer), sign in with it
after the password, a replayed answer refused, `kill -9` of the vault right after an accepted
sign-in keeps the new sign count (the same count on a new challenge is then refused and audited
as a counter regression), passwordless sign-in (user verification required), the list with the
last use, and removal."""

import base64
import hashlib
import json
import os
import unittest

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

import harness
from client import Api
from flows import api_password, api_signed_up


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _head(major, value):
    if value < 24:
        return bytes([major << 5 | value])
    if value < 0x100:
        return bytes([major << 5 | 24, value])
    if value < 0x10000:
        return bytes([major << 5 | 25]) + value.to_bytes(2, "big")
    return bytes([major << 5 | 26]) + value.to_bytes(4, "big")


def cbor(value):
    """RFC 8949 in the CTAP2 canonical form, for the types a COSE key and an attestation use."""
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        return _head(3, len(value.encode())) + value.encode()
    if isinstance(value, dict):
        entries = sorted(((cbor(k), cbor(v)) for k, v in value.items()), key=lambda kv: (len(kv[0]), kv[0]))
        return _head(5, len(entries)) + b"".join(k + v for k, v in entries)
    raise TypeError(type(value))


UP, UV, AT = 0x01, 0x04, 0x40


class SoftwareAuthenticator:
    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        numbers = self.key.public_key().public_numbers()
        self.cose_key = cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def sign(self, data):
        return self.key.sign(data, ec.ECDSA(hashes.SHA256()))

    @staticmethod
    def client_data(kind, challenge, origin):
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False},
                          separators=(",", ":")).encode()

    def auth_data(self, rp_id, flags, count, attested=False):
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags | (AT if attested else 0)])
        data += count.to_bytes(4, "big")
        if attested:
            data += bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + self.cose_key
        return data

    def create(self, options, origin):
        client_data = self.client_data("webauthn.create", options["challenge"], origin)
        auth_data = self.auth_data(options["rp"]["id"], UP | UV, 0, attested=True)
        attestation = cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {"client_data_json": b64url(client_data), "attestation_object": b64url(attestation)}

    def get(self, options, origin, count, flags=UP | UV, user_handle=None):
        client_data = self.client_data("webauthn.get", options["challenge"], origin)
        auth_data = self.auth_data(options["rpId"], flags, count)
        answer = {
            "credential_id": b64url(self.credential_id), "client_data_json": b64url(client_data),
            "authenticator_data": b64url(auth_data),
            "signature": b64url(self.sign(auth_data + hashlib.sha256(client_data).digest())),
        }
        if user_handle is not None:
            answer["user_handle"] = b64url(user_handle)
        return answer


class PasskeysOverTheAPI(harness.E2ETestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = harness.Cluster(name="passkeys", public_host="localhost")
        cls.cluster.daemons["secret-vault"].argv += ["--public-url", cls.cluster.origin]
        cls.cluster.start()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def sign_in_with_passkey(self, person, authenticator, count, expect=200):
        api = Api(self.cluster)
        self.assertEqual(api_password(self, api, person)["stage"], "password")
        ceremony = api.post("/api/v1/login/passkey/options", expect=200)
        options = ceremony["public_key"]
        self.assertEqual(options["rpId"], "localhost")
        self.assertEqual([c["id"] for c in options["allowCredentials"]], [b64url(authenticator.credential_id)])
        answer = {"challenge_id": ceremony["challenge_id"], **authenticator.get(options, self.cluster.origin, count)}
        status, result, _ = api.call("POST", "/api/v1/login/passkey", answer, expect=expect)
        return api, answer, result

    def test_add_sign_in_replay_kill9_passwordless_and_remove(self):
        cluster = self.cluster
        api, person = api_signed_up(self, cluster)
        authenticator = SoftwareAuthenticator()

        # Adding needs the password and a current code; the vault issues the challenge only then.
        code = api.error_code("POST", "/api/v1/passkeys/registration/options",
                              {"password": person.password, "code": "000000"}, expect=401)
        self.assertEqual(code, "code.invalid")
        ceremony = api.post("/api/v1/passkeys/registration/options",
                            {"password": person.password, "code": person.code(), "name": "E2E key"}, expect=200)
        options = ceremony["public_key"]
        self.assertEqual(options["rp"], {"id": "localhost", "name": "Twofold"})
        self.assertEqual(unb64url(options["user"]["id"]), person.user_id.encode(), "the handle is the opaque id")
        self.assertEqual(options["user"]["name"], person.email.lower())
        self.assertEqual(len(unb64url(options["challenge"])), 32)
        made = api.post("/api/v1/passkeys", {"challenge_id": ceremony["challenge_id"],
                                             **authenticator.create(options, cluster.origin)}, expect=201)
        self.assertEqual(made["passkey"]["name"], "E2E key")
        self.assertEqual(made["passkey"]["id"], b64url(authenticator.credential_id))
        # The same challenge again: spent.
        again = api.error_code("POST", "/api/v1/passkeys", {"challenge_id": ceremony["challenge_id"],
                                                             **authenticator.create(options, cluster.origin)},
                               expect=409)
        self.assertEqual(again, "passkey.expired")

        # Password, then the passkey.
        signed_in, answer, result = self.sign_in_with_passkey(person, authenticator, count=1)
        self.assertEqual(result["stage"], "full")
        self.assertEqual(signed_in.get("/api/v1/me", expect=200)["user"]["email"], person.email.lower())
        # The same answer on another password-stage session: its challenge is spent.
        other = Api(cluster)
        api_password(self, other, person)
        self.assertEqual(other.error_code("POST", "/api/v1/login/passkey", answer, expect=409), "passkey.expired")

        # kill -9 right after an accepted sign-in: the new count was durable before the answer.
        self.sign_in_with_passkey(person, authenticator, count=2)
        cluster.kill9("secret-vault")
        cluster.restart("secret-vault")
        _, _, refused = self.sign_in_with_passkey(person, authenticator, count=2, expect=401)
        self.assertEqual(refused["error"]["code"], "passkey.invalid")
        audit = (cluster.root / "vault" / "audit.jsonl").read_text()
        self.assertIn('"outcome":"webauthn.counter_regressed"', audit)
        self.sign_in_with_passkey(person, authenticator, count=3)

        # Passwordless: user verification and the user handle; the passkey is both factors.
        anonymous = Api(cluster)
        ceremony = anonymous.post("/api/v1/login/passwordless/options", expect=200)
        options = ceremony["public_key"]
        self.assertEqual(options["userVerification"], "required")
        self.assertEqual(options["allowCredentials"], [])
        unverified = authenticator.get(options, cluster.origin, 4, flags=UP, user_handle=person.user_id.encode())
        self.assertEqual(anonymous.error_code("POST", "/api/v1/login/passwordless",
                                              {"challenge_id": ceremony["challenge_id"], **unverified}, expect=401),
                         "passkey.invalid")
        ceremony = anonymous.post("/api/v1/login/passwordless/options", expect=200)
        verified = authenticator.get(ceremony["public_key"], cluster.origin, 5, user_handle=person.user_id.encode())
        result = anonymous.post("/api/v1/login/passwordless", {"challenge_id": ceremony["challenge_id"], **verified},
                                expect=200)
        self.assertEqual(result["stage"], "full")
        self.assertEqual(anonymous.get("/api/v1/me", expect=200)["user"]["id"], person.user_id)
        # Another origin's answer (a phishing site relaying the challenge) is refused.
        ceremony = anonymous.post("/api/v1/login/passwordless/options", expect=200)
        phished = authenticator.get(ceremony["public_key"], "http://localhost.evil.example", 6,
                                    user_handle=person.user_id.encode())
        self.assertEqual(Api(cluster).error_code("POST", "/api/v1/login/passwordless",
                                                 {"challenge_id": ceremony["challenge_id"], **phished}, expect=401),
                         "passkey.invalid")

        # The list shows the last use; removing it is allowed (the authenticator app stays).
        listed = api.get("/api/v1/passkeys", expect=200)["passkeys"]
        self.assertEqual(len(listed), 1)
        self.assertIn("last_used_at", listed[0])
        api.call("DELETE", f"/api/v1/passkeys/{listed[0]['id']}", {}, expect=204)
        self.assertEqual(api.get("/api/v1/passkeys", expect=200)["passkeys"], [])
        self.assertEqual(api.error_code("DELETE", f"/api/v1/passkeys/{listed[0]['id']}", {}, expect=404),
                         "passkey.unknown")


if __name__ == "__main__":
    unittest.main()
