#!/usr/bin/env python3
"""Writes protocol/golden/vault/*.hex: the vault's golden exchanges, computed from the rules of
README.md (canonical encoding) and vault.md, never captured from the Swift code.

The exchanges run in file-name order against ONE freshly started secret-vault whose sms-sender
socket does not exist (so every SMS send fails after the vault's --sms-timeout), started with
--public-url https://login.example.org (so passkeys are on, RP ID login.example.org). Each file is one
connection; state changes carry over to the files after it, which is why names are numbered.
A request without a response file has a non-deterministic answer (enroll.begin's seed); the
tests check that answer against its schema only.

Messages are the reference implementation's (messages are not part of the contract).
Usage: python3 protocol/make_vault_golden.py   (rewrites the folder; then run check_golden.py)
"""
import pathlib
import struct

from check_golden import canonical_request, canonical_response

OUT = pathlib.Path(__file__).resolve().parent / "golden" / "vault"

USER_INVALID = "user must be 1–128 characters of letters, digits and . _ : @ -"
# The help article's 13 countries without recovery SMS: the vault's default --sms-blocked-countries.
BLOCKED = sorted(["DZ", "AZ", "BD", "ID", "IL", "NG", "OM", "PK", "PS", "LK", "TJ", "TN", "VN"])

PHONE_MESSAGES = {
    "phone.invalid_character": "A phone number may contain only digits, spaces, dashes, dots and brackets.",
    "phone.missing_country_code": "Include the country code, starting with + (for example +44 20 7946 0958).",
    "phone.too_short": "That phone number is too short.",
    "phone.too_long": "That phone number is too long.",
    "phone.unknown_country_code": "That country code is not a known country calling code.",
}


PASSKEY_NAME = "A passkey's name is 1 to 64 bytes of text without control characters."
CHALLENGE_UNKNOWN = "This passkey request has expired or was already used; start again."

# How long the vault keeps answers by idempotency key (health's idempotency_retention_ms).
RETENTION = 5 * 60_000


def req(id, op, args=None, key=None):
    request = {"v": 1, "id": id, "op": op, "args": {} if args is None else args}
    if key is not None:
        request["idempotency_key"] = key
    return request


def ok(id, result):
    return {"v": 1, "id": id, "ok": True, "result": result}


def fail(id, code, message, detail=None, retry_after_ms=None):
    error = {"code": code, "message": message}
    if detail is not None:
        error["detail"] = detail
    if retry_after_ms is not None:
        error["retry_after_ms"] = retry_after_ms
    return {"v": 1, "id": id, "ok": False, "error": error}


def missing(id, field):
    return fail(id, "request.invalid", f"field 'args.{field}' is missing")


def status(enrolled=False, pending=False, locked=False, phone=None):
    result = {"enrolled": enrolled, "pending": pending, "locked": locked, "sms_recovery": "no_phone",
              "backup_codes_left": 0, "passkeys": 0}
    if phone:
        masked, country, name, recovery = phone
        result.update(phone_masked=masked, phone_country=country, phone_country_name=name, sms_recovery=recovery)
    return result


US = ("+1 ••••••••71", "US", "United States", "available")
GB = ("+44 ••••••••58", "GB", "United Kingdom", "available")
IL = ("+972 •••••••67", "IL", "Israel", "unsupported_country")
INTL = ("+800 ••••••78", "001", "International networks", "unsupported_number")


def phone_result(p):
    masked, country, name, recovery = p
    return {"phone_masked": masked, "country": country, "country_name": name, "sms_recovery": recovery}


def phone_error(id, detail):
    return fail(id, "phone.invalid", PHONE_MESSAGES[detail], detail=detail)


# (name, what it shows, [(request, response or None)])
EXCHANGES = [
    ("00-health-fresh", "health of a fresh vault: no users, sms-sender not reachable (its socket does not exist)",
     [(req(1, "health"), ok(1, {"status": "ok", "users": 0, "sms_reachable": False, "sms_blocked_countries": BLOCKED,
                   "idempotency_retention_ms": RETENTION}))]),
    ("01-stats-fresh", "stats of a fresh vault: no counters yet",
     [(req(2, "stats"), ok(2, {"users": 0, "operations": {}, "outcomes": {}}))]),
    ("02-status-unknown-user", "an unknown user is simply not enrolled (no error: the vault does not reveal who exists)",
     [(req("s-1", "status", {"user": "golden-unknown"}), ok("s-1", status()))]),
    ("03-status-user-invalid", "a user id outside [A-Za-z0-9._:@-]{1,128} is user.invalid; the message never echoes it",
     [(req(3, "status", {"user": "bad user!"}), fail(3, "user.invalid", USER_INVALID)),
      (req(4, "status", {"user": ""}), fail(4, "user.invalid", USER_INVALID)),
      (req(5, "status", {"user": "x" * 129}), fail(5, "user.invalid", USER_INVALID))]),
    ("04-status-args-invalid", "missing and mistyped arguments are request.invalid naming the field",
     [(req(6, "status"), missing(6, "user")),
      (req(7, "status", {"user": 42}), fail(7, "request.invalid", "field 'args.user' must be a string")),
      (req(8, "status", {"user": None}), fail(8, "request.invalid", "field 'args.user' must not be null"))]),
    ("05-totp_verify-unknown-user", "a code for a user without authenticator is the outcome not_enrolled, even a malformed one",
     [(req(9, "totp.verify", {"user": "golden-unknown", "code": "12ab"}), ok(9, {"outcome": "not_enrolled"}))]),
    ("06-totp_verify-code-missing", "totp.verify needs a code",
     [(req(10, "totp.verify", {"user": "golden-unknown"}), missing(10, "code")),
      (req(11, "totp.verify", {"user": "golden-unknown", "code": 123456}),
       fail(11, "request.invalid", "field 'args.code' must be a string"))]),
    ("07-stats-after-verify", "stats counts totp.verify calls and their outcomes (argument errors are not counted)",
     [(req(12, "stats"), ok(12, {"users": 0, "operations": {"totp.verify": 1},
                                 "outcomes": {"totp.verify.not_enrolled": 1}}))]),
    ("08-enroll_confirm-not-pending", "enroll.confirm without an enrollment in progress",
     [(req(13, "enroll.confirm", {"user": "golden-unknown", "code": "123456"}),
       fail(13, "enroll.not_pending", "There is no authenticator setup in progress; start the setup again."))]),
    ("09-enroll_begin-account-name-invalid", "account_name must be 1-200 bytes without ':'",
     [(req(14, "enroll.begin", {"user": "golden-enrolling", "account_name": "a:b"}),
       fail(14, "request.invalid", "account_name must be 1–200 characters without ':'.")),
      (req(15, "enroll.begin", {"user": "golden-enrolling", "account_name": ""}),
       fail(15, "request.invalid", "account_name must be 1–200 characters without ':'.")),
      (req(16, "enroll.begin", {"user": "golden-enrolling"}), missing(16, "account_name"))]),
    ("10-enroll_begin", "a new enrollment: the answer carries a fresh random seed, so only its schema is checked",
     [(req(17, "enroll.begin", {"user": "golden-enrolling", "account_name": "alice@example.com"}), None)]),
    ("11-status-pending", "the enrollment is pending until confirmed",
     [(req(18, "status", {"user": "golden-enrolling"}), ok(18, status(pending=True)))]),
    ("12-enroll_confirm-other-enrollment-id", "an enrollment_id that is not the pending one",
     [(req(19, "enroll.confirm", {"user": "golden-enrolling", "enrollment_id": "0" * 32, "code": "123456"}),
       fail(19, "enroll.not_pending", "That setup was replaced by a newer one; scan the new QR code."))]),
    ("13-enroll_confirm-malformed-code", "a code that is not 6 digits is a wrong code (counted, no lockout yet)",
     [(req(20, "enroll.confirm", {"user": "golden-enrolling", "code": "abc"}), ok(20, {"outcome": "invalid"})),
      (req(21, "enroll.confirm", {"user": "golden-enrolling", "enrollment_id": None, "code": "1234567"}),
       ok(21, {"outcome": "invalid"}))]),
    ("14-health-one-user", "the pending enrollment made a user",
     [(req(22, "health"), ok(22, {"status": "ok", "users": 1, "sms_reachable": False, "sms_blocked_countries": BLOCKED,
                   "idempotency_retention_ms": RETENTION}))]),
    ("15-reset-reason-missing", "a reset without the reason member is request.invalid, like any missing argument",
     [(req(23, "reset", {"user": "golden-enrolling", "actor": "operator:bob"}), missing(23, "reason"))]),
    ("16-reset-reason-blank", "a blank actor or reason is reset.reason_required",
     [(req(24, "reset", {"user": "golden-enrolling", "actor": "operator:bob", "reason": ""}),
       fail(24, "reset.reason_required", "A reset needs an actor and a reason.")),
      (req(25, "reset", {"user": "golden-enrolling", "actor": " \t", "reason": "lost phone"}),
       fail(25, "reset.reason_required", "A reset needs an actor and a reason."))]),
    ("17-reset", "a reset removes the pending enrollment; the user, now empty, is forgotten",
     [(req(26, "reset", {"user": "golden-enrolling", "actor": "operator:bob",
                         "reason": "lost phone, identity checked by video call"}), ok(26, {})),
      (req(27, "status", {"user": "golden-enrolling"}), ok(27, status()))]),
    ("18-phone_set-invalid", "phone numbers that cannot be normalised: phone.invalid with the reason as detail",
     [(req(28, "phone.set", {"user": "golden-phone", "phone": "415 555 2671"}), phone_error(28, "phone.missing_country_code")),
      (req(29, "phone.set", {"user": "golden-phone", "phone": "+1 415 555 267x"}), phone_error(29, "phone.invalid_character")),
      (req(30, "phone.set", {"user": "golden-phone", "phone": "+1 415"}), phone_error(30, "phone.too_short")),
      (req(31, "phone.set", {"user": "golden-phone", "phone": "+1 415 555 2671 12345"}), phone_error(31, "phone.too_long")),
      (req(32, "phone.set", {"user": "golden-phone", "phone": "+0 123 456 789"}), phone_error(32, "phone.unknown_country_code")),
      (req(33, "phone.set", {"user": "golden-phone"}), missing(33, "phone"))]),
    ("19-phone_set-first", "the first phone needs no code; the answer masks it",
     [(req(34, "phone.set", {"user": "golden-phone", "phone": "+1 (415) 555-2671"}), ok(34, phone_result(US)))]),
    ("20-status-with-phone", "status shows the masked phone and its country",
     [(req(35, "status", {"user": "golden-phone"}), ok(35, status(phone=US)))]),
    ("21-phone_set-change-not-enrolled", "without an authenticator, changing the phone needs no code either",
     [(req(36, "phone.set", {"user": "golden-phone", "phone": "+44 (0)20 7946 0958", "code": None}), ok(36, phone_result(GB)))]),
    ("22-recovery_start-no-phone", "SMS recovery for a user without phone",
     [(req(37, "recovery.start", {"user": "golden-unknown"}),
       fail(37, "recovery.no_phone", "No phone number is on file for SMS recovery."))]),
    ("23-recovery_start-sms-down", "the sms-sender is unreachable: sms.unavailable after the send deadline, the code is burnt",
     [(req(38, "recovery.start", {"user": "golden-phone"}),
       fail(38, "sms.unavailable", "SMS is temporarily unavailable; try again in a minute.", retry_after_ms=30000))]),
    ("24-recovery_verify-no-code", "recovery.verify when no code is live (never sent, or burnt) is the outcome expired",
     [(req(39, "recovery.verify", {"user": "golden-unknown", "code": "123456"}), ok(39, {"outcome": "expired"})),
      (req(40, "recovery.verify", {"user": "golden-phone", "code": "123456"}), ok(40, {"outcome": "expired"}))]),
    ("25-phone_set-blocked-country", "a number from a country SMS recovery refuses is stored but marked",
     [(req(41, "phone.set", {"user": "golden-israel", "phone": "+972 50 123 4567"}), ok(41, phone_result(IL)))]),
    ("26-recovery_start-unsupported-country", "recovery.start for it is refused, detail unsupported_country",
     [(req(42, "recovery.start", {"user": "golden-israel"}),
       fail(42, "recovery.unsupported_country", "Recovery codes cannot be sent by SMS to phone numbers from Israel.",
            detail="unsupported_country"))]),
    ("27-phone_set-non-geographic", "a non-geographic number (+800) is stored but cannot receive recovery codes",
     [(req(43, "phone.set", {"user": "golden-intl", "phone": "+800 1234 5678"}), ok(43, phone_result(INTL))),
      (req(44, "status", {"user": "golden-intl"}), ok(44, status(phone=INTL)))]),
    ("28-recovery_start-unsupported-number", "recovery.start for it is refused, detail unsupported_number",
     [(req(45, "recovery.start", {"user": "golden-intl"}),
       fail(45, "recovery.unsupported_country",
            "Recovery codes cannot be sent by SMS to phone numbers from International networks.",
            detail="unsupported_number"))]),
    ("28a-notice_send", "notice.send: the notice goes to any phone on file; without one nothing is queued",
     [(req(56, "notice.send", {"user": "golden-phone", "event": "password_changed"}), ok(56, {"queued": True})),
      (req(57, "notice.send", {"user": "golden-unknown", "event": "password_changed"}), ok(57, {"queued": False})),
      (req(58, "notice.send", {"user": "golden-phone", "event": "lottery_won"}),
       fail(58, "request.invalid", "event must be one of password_changed")),
      (req(59, "notice.send", {"user": "golden-phone"}), missing(59, "event"))]),
    ("29-phone_clear", "clearing: no phone is fine; without an authenticator no code is needed",
     [(req(46, "phone.clear", {"user": "golden-unknown"}), ok(46, {})),
      (req(47, "phone.clear", {"user": "golden-phone"}), ok(47, {})),
      (req(48, "status", {"user": "golden-phone"}), ok(48, status()))]),
    ("30-user_delete", "user.delete forgets a user, known or not; it needs an actor",
     [(req(49, "user.delete", {"user": "golden-israel", "actor": "operator:bob"}), ok(49, {})),
      (req(50, "user.delete", {"user": "golden-unknown", "actor": "operator:bob"}), ok(50, {})),
      (req(51, "user.delete", {"user": "golden-intl"}), missing(51, "actor")),
      (req(52, "user.delete", {"user": "bad/user", "actor": "operator:bob"}), fail(52, "user.invalid", USER_INVALID))]),
    ("31-op-unknown", "the vault does not offer the sms-sender's operation",
     [(req(53, "sms.send", {"id": "m-1", "to": "+14155552671", "text": "hi"}),
       fail(53, "op.unknown", "operation not supported by this server"))]),
    ("32-backup_verify-no-codes", "backup.verify for a user without backup codes: no_codes, whatever the input, nothing counted",
     [(req(56, "backup.verify", {"user": "golden-unknown", "code": "abcd-efgh-jk23"}), ok(56, {"outcome": "no_codes"})),
      (req(57, "backup.verify", {"user": "golden-intl", "code": "not a code"}), ok(57, {"outcome": "no_codes"})),
      (req(58, "status", {"user": "golden-intl"}), ok(58, status(phone=INTL)))]),
    ("33-backup_verify-args-invalid", "backup.verify needs a code, as a string",
     [(req(59, "backup.verify", {"user": "golden-unknown"}), missing(59, "code")),
      (req(60, "backup.verify", {"user": "golden-unknown", "code": 123456789012}),
       fail(60, "request.invalid", "field 'args.code' must be a string"))]),
    ("34-backup_generate-not-enrolled", "backup codes need an authenticator: a user without one is totp.not_enrolled",
     [(req(61, "backup.generate", {"user": "golden-unknown", "code": "123456"}),
       fail(61, "totp.not_enrolled", "Backup codes need an authenticator app; set one up first."))]),
    ("35-idempotency-first", "a change with an idempotency key, then another change without one",
     [(req(62, "phone.set", {"user": "golden-idem", "phone": "+1 (415) 555-2671"}, key="golden-key-0000000001"),
       ok(62, phone_result(US))),
      (req(63, "phone.set", {"user": "golden-idem", "phone": "+44 (0)20 7946 0958"}), ok(63, phone_result(GB)))]),
    ("36-idempotency-retry", "the keyed change retried (on a new connection, once its answer is durable) gets the "
     "recorded answer, although the state moved on; the same key with other arguments is idempotency.mismatch",
     [(req(64, "phone.set", {"user": "golden-idem", "phone": "+1 (415) 555-2671"}, key="golden-key-0000000001"),
       ok(64, phone_result(US))),
      (req(65, "status", {"user": "golden-idem"}), ok(65, status(phone=GB))),
      (req(66, "phone.set", {"user": "golden-idem", "phone": "+1 415 555 2671"}, key="golden-key-0000000001"),
       fail(66, "idempotency.mismatch",
            "This idempotency key was used for a different operation or different arguments; nothing was done."))]),
    ("37-idempotency-nothing-recorded", "a keyed request that changed nothing records nothing: its key is free for another",
     [(req(67, "phone.clear", {"user": "golden-unknown"}, key="golden-key-0000000002"), ok(67, {})),
      (req(68, "phone.clear", {"user": "golden-idem"}, key="golden-key-0000000002"), ok(68, {})),
      (req(69, "status", {"user": "golden-idem"}), ok(69, status()))]),
    ("37a-webauthn_register_begin-refused", "adding a passkey needs an authenticator app (and a current code from it), "
     "a valid name, and a user id short enough to be a WebAuthn user handle (64 bytes)",
     [(req(72, "webauthn.register.begin", {"user": "golden-unknown", "code": "123456", "name": "Laptop"}),
       fail(72, "totp.not_enrolled", "Passkeys need an authenticator app; set one up first.")),
      (req(73, "webauthn.register.begin", {"user": "golden-unknown", "code": "123456", "name": "a\u0007b"}),
       fail(73, "webauthn.invalid_name", PASSKEY_NAME)),
      (req(74, "webauthn.register.begin", {"user": "u" * 65, "code": "123456"}),
       fail(74, "webauthn.user_unsupported", "This user's id is too long for a passkey's user handle."))]),
    ("37b-webauthn_register_finish-challenge-unknown", "a registration answer needs a live challenge the vault issued; "
     "binary values are base64url without padding",
     [(req(75, "webauthn.register.finish", {"user": "golden-unknown", "challenge_id": "0" * 32,
                                            "client_data_json": "e30", "attestation_object": "oA"}),
       fail(75, "webauthn.challenge_unknown", CHALLENGE_UNKNOWN)),
      (req(76, "webauthn.register.finish", {"user": "golden-unknown", "challenge_id": "0" * 32,
                                            "client_data_json": "e30=", "attestation_object": "oA"}),
       fail(76, "request.invalid", "field 'args.client_data_json' must be base64url without padding, at most 8192 bytes"))]),
    ("37c-webauthn_assert_begin-no-credentials", "a sign-in with the passkeys of a user who has none",
     [(req(77, "webauthn.assert.begin", {"user": "golden-unknown"}),
       fail(77, "webauthn.no_credentials", "This user has no passkey."))]),
    ("37d-webauthn_assert_begin-passwordless", "a passwordless sign-in: the answer carries a fresh random challenge, so "
     "only its schema is checked",
     [(req(78, "webauthn.assert.begin", {}), None)]),
    ("37e-webauthn_assert_finish-refused", "an answer to a challenge that is not live is an error; a passwordless answer "
     "without a user handle names no user: the outcome invalid, nothing counted",
     [(req(79, "webauthn.assert.finish", {"user": "golden-unknown", "challenge_id": "0" * 32, "credential_id": "AQID",
                                          "client_data_json": "e30", "authenticator_data": "AA", "signature": "AA"}),
       fail(79, "webauthn.challenge_unknown", CHALLENGE_UNKNOWN)),
      (req(80, "webauthn.assert.finish", {"challenge_id": "0" * 32, "credential_id": "AQID",
                                          "client_data_json": "e30", "authenticator_data": "AA", "signature": "AA"}),
       ok(80, {"outcome": "invalid", "reason": "webauthn.credential_unknown"}))]),
    ("37f-webauthn_credentials", "listing and removing passkeys of a user who has none",
     [(req(81, "webauthn.credentials.list", {"user": "golden-unknown"}), ok(81, {"credentials": []})),
      (req(82, "webauthn.credentials.remove", {"user": "golden-unknown", "credential_id": "AQID"}),
       fail(82, "webauthn.credential_unknown", "This user has no such passkey.")),
      (req(83, "webauthn.credentials.remove", {"user": "golden-unknown", "credential_id": "AQI="}),
       fail(83, "request.invalid", "field 'args.credential_id' must be base64url without padding, at most 1023 bytes"))]),
    ("38-health-end", "only golden-intl is left (the others were reset, cleared or deleted to nothing)",
     [(req(70, "health"), ok(70, {"status": "ok", "users": 1, "sms_reachable": False, "sms_blocked_countries": BLOCKED,
                                  "idempotency_retention_ms": RETENTION}))]),
    ("39-stats-end", "the counters at the end: the two invalid totp.verify requests were never counted, nor were "
     "passkey requests refused before they reached a user (arguments, names, no credentials)",
     [(req(71, "stats"), ok(71, {"users": 1, "operations": {"totp.verify": 1, "webauthn.assert": 2,
                                                            "webauthn.assert.begin": 1, "webauthn.register": 1},
                                 "outcomes": {"totp.verify.not_enrolled": 1, "webauthn.assert.begin.ok": 1,
                                              "webauthn.assert.invalid": 1,
                                              "webauthn.assert.webauthn.challenge_unknown": 1,
                                              "webauthn.register.webauthn.challenge_unknown": 1}}))]),
]


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def hex_lines(data):
    return [" ".join(f"{b:02x}" for b in data[i:i + 16]) for i in range(0, len(data), 16)]


def write(path, description, who, payloads):
    lines = [f"# {description}", f"# {who}"]
    for payload in payloads:
        lines.append(f"# length {len(payload)} (0x{len(payload):08x}), payload: {payload.decode()}")
        lines += hex_lines(frame(payload))
    path.write_text("\n".join(lines) + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.hex"):
        old.unlink()
    for name, description, steps in EXCHANGES:
        text = description[0].upper() + description[1:] + "."
        write(OUT / f"{name}.request.hex", text, "Bytes the client sends.", [canonical_request(r) for r, _ in steps])
        responses = [r for _, r in steps]
        if all(r is not None for r in responses):
            write(OUT / f"{name}.response.hex", text, "Bytes the vault sends back.",
                  [canonical_response(r) for r in responses])
    print(f"wrote {len(EXCHANGES)} exchanges to {OUT}")


if __name__ == "__main__":
    main()
