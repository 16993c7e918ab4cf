"""Writes an upgrade fixture: the data folders of the three daemons in a known state, and a
manifest of what a user would notice about that state (`Tests/Fixtures/format-vN/`).

Run by `scripts/make-upgrade-fixture.sh COMMIT FOLDER`, which builds that commit's daemons and
points `TWOFOLD_BIN_DIR` at them; this script only drives them over their public interfaces
(the JSON API and the admin socket), so it works with any build that speaks API v1.

What it leaves behind, all of it test-only (the master key and every secret are in the
manifest on purpose, so the upgrade test can act as the users):
- alice: enrolled, US phone, two accounts, live API and browser sessions, her last accepted
  step one step ahead of the capture time (so a fresh build must refuse it as a replay);
- bob: enrolled, no phone, two ended sessions (logged out);
- carol: enrolled, Bangladeshi phone (SMS recovery refused), locked for 60 s by her 7th wrong code;
- dave: signed up, MFA setup pending (known pending seed and enrollment id);
- erin and q1…q4: enrolled, one shared UK phone whose per-number SMS quota (5 a day) is spent;
  erin's session waits for the recovery code that is in the outbox;
- frank: enrolled, then disabled (his session ended with it);
- q2 also holds an operator's password-reset link, not yet used (from format-v4: builds that
  have `user.reset_password`), and alice a name on My Profile (builds that have it); every
  user enrolled by a build that issues backup codes has ten left (the operator's view shows it);
- invites pending, used, revoked and expired; two accounts.

The generator waits about 90 s in all (an invite's shortest lifetime is a minute, and the
second lockout needs the first to pass), so the fixture holds an expired invite and a long lock.
"""

import argparse
import json
import os
import shutil
import sys
import time
import unittest
from pathlib import Path

import harness
from client import Api, Browser
from flows import Person, api_confirm, api_password, api_setup, api_signup, html_login
from otp import PERIOD, current_step, hotp

UK_SHARED_PHONE = "+44 20 7946 0999"


class _Checks(unittest.TestCase):
    """The flows' assertions outside a test run."""

    def runTest(self):  # pragma: no cover - never run
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the fixture folder to write (replaced)")
    parser.add_argument("--commit", required=True, help="the commit whose binaries run (recorded)")
    arguments = parser.parse_args()
    out = Path(arguments.out)
    check = _Checks()

    cluster = harness.Cluster(name="fixture").start()
    try:
        manifest = build_state(check, cluster)
        manifest["commit"] = arguments.commit
        manifest["format"] = out.name
        for name in ("auth-gateway", "secret-vault", "sms-sender"):
            cluster.stop(name)
        write_fixture(cluster, manifest, out)
    finally:
        cluster.remove()
    print(f"wrote {out} ({manifest['captured_at_ms']} ms, commit {arguments.commit})")


def signed_up(check, cluster, prefix, accounts, phone=None):
    """A user who accepted an invite and confirmed MFA; (person, api holding a full session)."""
    person = invited(cluster, prefix, accounts, phone)
    api = Api(cluster)
    api_signup(check, api, person)
    setup = api_setup(check, api, person)
    api_confirm(check, api, person, setup["enrollment_id"])
    return person, api


def invited(cluster, prefix, accounts, phone=None):
    email = f"{prefix}@fixture.example"
    token, temporary, _ = cluster.create_invite(email, [a["id"] for a in accounts])
    return Person(cluster, email, temporary, token, phone=phone, accounts=accounts)


def logged_in_to_password_stage(check, cluster, person):
    api = Api(cluster)
    api_password(check, api, person)
    return api


def wrong_code(check, api, person, expect):
    status, result, _ = api.call("POST", "/api/v1/login/code", {"code": person.authenticator.wrong_code()})
    check.assertIn(status, expect, result)
    return status, result


def user_record(person):
    return {
        "email": person.email.lower(),
        "password": person.password,
        "id": person.user_id,
        "secret": person.authenticator.secret if person.authenticator else None,
        "last_step": person.authenticator.last_step if person.authenticator else None,
        "phone": person.phone,
    }


def build_state(check, cluster):
    admin = cluster.admin
    fixture_co = admin("account.create", name="Fixture Co")["account"]
    second_co = admin("account.create", name="Second Co")["account"]
    users, sessions, invites = {}, {}, {}

    # An invite that expires while the generator runs (the shortest lifetime is one minute).
    expired_token, expired_temporary, created = cluster.create_invite(
        "expired@fixture.example", [fixture_co["id"]], ttl_ms=60_000
    )
    expired_at = created["invite"]["expires_at"]
    invites["expired"] = {"token": expired_token, "temporary_password": expired_temporary,
                          "email": "expired@fixture.example", "id": created["invite"]["id"]}
    revoked_token, revoked_temporary, created = cluster.create_invite("revoked@fixture.example", [fixture_co["id"]])
    admin("invite.revoke", invite=created["invite"]["id"])
    invites["revoked"] = {"token": revoked_token, "temporary_password": revoked_temporary,
                          "email": "revoked@fixture.example", "id": created["invite"]["id"]}

    # bob: both his sessions ended by logging out.
    bob, bob_api = signed_up(check, cluster, "bob", [fixture_co])
    ended = [bob_api.token]
    bob_api.call("POST", "/api/v1/logout", {}, expect=204)
    login = Api(cluster)
    api_password(check, login, bob)
    login.post("/api/v1/login/code", {"code": bob.code()}, expect=200)
    ended.append(login.token)
    login.call("POST", "/api/v1/logout", {}, expect=204)
    users["bob"] = user_record(bob)
    sessions["bob"] = {"ended": ended}
    invites["used_bob"] = {"token": bob.invite_token, "temporary_password": bob.temporary_password,
                           "email": bob.email}

    # frank: disabled by the operator, which ended his session.
    frank, frank_api = signed_up(check, cluster, "frank", [fixture_co])
    admin("user.disable", user=frank.email)
    users["frank"] = user_record(frank)
    sessions["frank"] = {"ended": [frank_api.token]}

    # carol: six wrong codes lock her for 30 s; the seventh, after that, for 60 s (below).
    carol, carol_api = signed_up(check, cluster, "carol", [fixture_co], phone="+880 1712 345678")
    carol_api.call("POST", "/api/v1/logout", {}, expect=204)
    carol_login = logged_in_to_password_stage(check, cluster, carol)
    statuses = [wrong_code(check, carol_login, carol, (401, 429))[0] for _ in range(7)]
    check.assertEqual(statuses, [401] * 6 + [429], "five free failures, the sixth locks, the seventh is refused")
    first_lock = time.time()

    # q1…q4 and erin share one UK number; each asks for a recovery SMS, spending its quota of 5.
    quota_users = {}
    for prefix in ("q1", "q2", "q3", "q4", "erin"):
        person, person_api = signed_up(check, cluster, prefix, [fixture_co], phone=UK_SHARED_PHONE)
        person_api.call("POST", "/api/v1/logout", {}, expect=204)
        recovering = logged_in_to_password_stage(check, cluster, person)
        before = len(cluster.outbox())
        recovering.post("/api/v1/recovery/send", expect=200)
        code = cluster.sms_code(person.e164, before)
        quota_users[prefix] = (person, recovering, code)
    erin, erin_api, erin_code = quota_users["erin"]
    reset_links = {}
    try:
        link = admin("user.reset_password", user=quota_users["q2"][0].email, reason="fixture: identity checked")
    except harness.AdminError as error:  # a build before the operator's reset link
        check.assertEqual(error.code, "op.unknown", error.error)
    else:
        reset_links["q2"] = {"token": link["link"].rsplit("/", 1)[1], "expires_at": link["expires_at"]}
    for prefix, (person, _, _) in quota_users.items():
        users[prefix] = user_record(person)
    users["erin"]["recovery_code"] = erin_code
    sessions["erin"] = {"recovery": erin_api.token}

    # Wait for the first lock to pass and the short invite to expire.
    wait_until = max(first_lock + 31, expired_at / 1000 + 1)
    time.sleep(max(0.0, wait_until - time.time()))

    # dave: signed up, setup shown, never confirmed.
    dave = invited(cluster, "dave", [fixture_co])
    dave_api = Api(cluster)
    api_signup(check, dave_api, dave)
    setup = api_setup(check, dave_api, dave)
    users["dave"] = user_record(dave)
    users["dave"]["enrollment_id"] = setup["enrollment_id"]
    sessions["dave"] = {"setup": dave_api.token}

    # A pending invite, to be accepted by the upgraded build.
    pending = invited(cluster, "grace", [second_co])
    invites["pending"] = {"token": pending.invite_token, "temporary_password": pending.temporary_password,
                          "email": pending.email}

    # carol's seventh counted failure, after the first lock: locked for 60 s from here.
    wrong_code(check, carol_login, carol, (401,))
    status, result = wrong_code(check, carol_login, carol, (429,))
    check.assertEqual(result["error"]["code"], "code.locked", result)
    users["carol"] = user_record(carol)
    sessions["carol"] = {"password": carol_login.token}

    # alice last: her final code is for the step after the current one, so that the upgraded
    # build, started a second after the capture time, still has it inside its window.
    alice, alice_api = signed_up(check, cluster, "alice", [fixture_co, second_co], phone="+1 415 555 0101")
    alice_name = "Alice Ångström-Øye"
    status, _, _ = alice_api.call("PUT", "/api/v1/profile/name", {"name": alice_name})
    check.assertIn(status, (200, 404), "a name is saved by builds that have My Profile")
    browser = Browser(cluster)
    html_login(check, browser, alice)
    login = Api(cluster)
    api_password(check, login, alice)
    while current_step() + 1 <= (alice.authenticator.last_step or 0):
        time.sleep(PERIOD - time.time() % PERIOD + 0.05)  # step now+1 is spent: wait for the next
    step = current_step() + 1
    login.post("/api/v1/login/code", {"code": hotp(alice.authenticator.secret, step)}, expect=200)
    alice.authenticator.last_step = step
    captured_at_ms = int(time.time() * 1000)
    users["alice"] = user_record(alice)
    if status == 200:
        users["alice"]["name"] = alice_name
    sessions["alice"] = {"live_api": [alice_api.token, login.token], "browser_cookies": dict(browser.cookies)}
    invites["used_alice"] = {"token": alice.invite_token, "temporary_password": alice.temporary_password,
                             "email": alice.email}

    # What the operator sees, to be compared after the upgrade.
    snapshot = {
        "user.list": admin("user.list"),
        "invite.list": admin("invite.list"),
        "account.list": admin("account.list"),
        "user.show": {name: admin("user.show", user=record["email"]) for name, record in users.items()},
    }
    return {
        "captured_at_ms": captured_at_ms,
        "users": users,
        "sessions": sessions,
        "invites": invites,
        "reset_links": reset_links,
        "accounts": {"fixture": fixture_co, "second": second_co},
        "shared_phone": UK_SHARED_PHONE,
        "admin": snapshot,
        "outbox": cluster.outbox(),
    }


def write_fixture(cluster, manifest, out):
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("vault", "gateway", "sms"):
        shutil.copytree(cluster.root / name, out / name)
    shutil.copyfile(cluster.master_key, out / "master-key")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    sys.exit(main())
