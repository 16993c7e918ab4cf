"""Every admin operation through the gateway's admin socket once, with its visible effect on
the pages and the API."""

import time
import unittest

import harness
from client import Api, Browser
from flows import api_login, api_password, api_signed_up, html_password


def setUpModule():
    harness.shared()


class AdminOperations(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def assertAdminError(self, code, op, **args):
        response = self.cluster.admin_raw(op, args)
        self.assertIs(response.get("ok"), False, response)
        self.assertEqual(response["error"]["code"], code, response)
        return response["error"]

    def test_invites_are_created_listed_and_revoked(self):
        account = self.cluster.admin("account.create", name=self.cluster.unique("Invites "))["account"]
        email = self.cluster.new_email("invitee")
        token, temporary, created = self.cluster.create_invite(email, [account["name"]])
        invite = created["invite"]
        self.assertRegex(invite["id"], r"^i-[0-9a-f]{16}$")
        self.assertEqual((invite["email"], invite["status"]), (email.lower(), "pending"))
        self.assertEqual(invite["accounts"], [{"id": account["id"], "name": account["name"]}])
        self.assertEqual(invite["expires_at"] - invite["created_at"], 7 * 24 * 3600 * 1000, "7 days by default")
        listed = self.cluster.admin("invite.list")["invites"]
        self.assertEqual(listed[0]["id"], invite["id"], "newest first")
        self.assertNotIn(temporary, str(listed), "the temporary password is shown once only")
        self.assertNotIn(token, str(listed))
        self.assertAdminError("admin.conflict", "invite.create", email=email, accounts=[])
        self.assertAdminError("admin.invalid", "invite.create", email="not an email", accounts=[])
        self.assertAdminError("admin.invalid", "invite.create", email=self.cluster.new_email(), accounts=[], ttl_ms=1000)
        self.assertAdminError("admin.not_found", "invite.create", email=self.cluster.new_email(), accounts=["no such account"])
        revoked = self.cluster.admin("invite.revoke", invite=invite["id"])["invite"]
        self.assertEqual(revoked["status"], "revoked")
        self.assertIn("revoked_at", revoked)
        self.assertAdminError("invite.not_pending", "invite.revoke", invite=invite["id"])
        self.assertAdminError("admin.not_found", "invite.revoke", invite="i-0000000000000000")
        self.assertAdminError("op.unknown", "invite.frobnicate")
        self.assertAdminError("request.invalid", "invite.revoke")

    def test_users_are_shown_listed_disabled_enabled_and_reset(self):
        api, person = api_signed_up(self, self.cluster, phone=self.cluster.new_phone())
        shown = self.cluster.admin("user.show", user=person.email.upper())
        self.assertEqual(shown["user"]["id"], person.user_id)
        self.assertEqual(shown["user"]["status"], "active")
        self.assertGreaterEqual(shown["user"]["sessions"], 1)
        self.assertTrue(shown["mfa"]["enrolled"])
        self.assertEqual(shown["mfa"]["sms_recovery"], "available")
        self.assertIn(person.user_id, [u["id"] for u in self.cluster.admin("user.list")["users"]])
        self.assertAdminError("admin.not_found", "user.show", user="nobody@example.com")
        used = [i for i in self.cluster.admin("invite.list")["invites"] if i["email"] == person.email.lower()]
        self.assertEqual((used[0]["status"], used[0].get("user")), ("used", person.user_id))
        self.assertAdminError("admin.conflict", "invite.create", email=person.email, accounts=[])

        disabled = self.cluster.admin("user.disable", user=person.user_id)["user"]
        self.assertEqual((disabled["status"], disabled["sessions"]), ("disabled", 0))
        self.assertEqual(api.error_code("GET", "/api/v1/me", expect=401), "auth.required", "disable revokes sessions")
        body = {"email": person.email, "password": person.password}
        self.assertEqual(Api(self.cluster).error_code("POST", "/api/v1/login", body, expect=401), "login.failed")
        page = html_password(self, Browser(self.cluster), person)
        self.assertEqual(page.status, 401)
        self.assertIn("Incorrect email or password.", page.page().text)
        self.assertEqual(self.cluster.admin("user.enable", user=person.user_id)["user"]["status"], "active")
        api_login(self, api, person)

        self.assertAdminError("admin.invalid", "user.reset_mfa", user=person.user_id, reason="   ")
        since = len(self.cluster.outbox())
        self.cluster.admin("user.reset_mfa", user=person.user_id, reason="lost phone, identity checked by video call")
        self.assertEqual(api.error_code("GET", "/api/v1/me", expect=401), "auth.required", "reset revokes sessions")
        self.assertFalse(self.cluster.admin("user.show", user=person.user_id)["mfa"]["enrolled"])
        # The vault sends the notice after answering the reset: it reaches the outbox soon after.
        deadline = time.monotonic() + 5
        while not any(m["to"] == person.e164 for m in self.cluster.outbox()[since:]) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(any(m["to"] == person.e164 for m in self.cluster.outbox()[since:]), "a notice to the phone")
        self.assertEqual(api_password(self, Api(self.cluster), person)["stage"], "setup", "next login goes to MFA setup")
        response = html_password(self, Browser(self.cluster), person)
        self.assertEqual((response.status, response.location), (303, "/mfa/setup"), response)

    def test_accounts_are_created_listed_renamed_and_members_added_and_removed(self):
        name = self.cluster.unique("Globex ")
        account = self.cluster.admin("account.create", name=name)["account"]
        self.assertRegex(account["id"], r"^a-[0-9a-f]{16}$")
        self.assertEqual((account["name"], account["members"]), (name, 0))
        self.assertAdminError("admin.conflict", "account.create", name=name)
        self.assertAdminError("admin.invalid", "account.create", name="  ")
        self.assertIn(account["id"], [a["id"] for a in self.cluster.admin("account.list")["accounts"]])
        renamed = self.cluster.admin("account.rename", account=name, name=name + " Corp")["account"]
        self.assertEqual((renamed["id"], renamed["name"]), (account["id"], name + " Corp"))
        self.assertAdminError("admin.not_found", "account.rename", account="a-0000000000000000", name="x")

        api, person = api_signed_up(self, self.cluster)
        added = self.cluster.admin("member.add", account=account["id"], user=person.email)
        self.assertEqual(added["account"]["members"], 1)
        self.assertIn(account["id"], [a["id"] for a in added["user"]["accounts"]])
        self.assertAdminError("admin.conflict", "member.add", account=account["id"], user=person.user_id)
        me = api.get("/api/v1/me", expect=200)
        self.assertIn({"id": account["id"], "name": name + " Corp"}, me["accounts"])
        removed = self.cluster.admin("member.remove", account=account["id"], user=person.user_id)
        self.assertEqual(removed["account"]["members"], 0)
        self.assertNotIn(account["id"], [a["id"] for a in api.get("/api/v1/me", expect=200)["accounts"]])
        self.assertEqual(
            api.error_code("POST", "/api/v1/accounts/select", {"account": account["id"]}, expect=403), "account.not_member"
        )
        self.assertAdminError("admin.not_found", "member.remove", account=account["id"], user="u-000000000000000000000000")


if __name__ == "__main__":
    unittest.main()
