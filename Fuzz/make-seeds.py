#!/usr/bin/env python3
"""Writes the seed inputs of every harness into Fuzz/corpus/NAME/seed-*.

Seeds come from the protocol's golden frames, the RFC vectors under Tests/*/Vectors and the
examples of the table tests, each prefixed with the control bytes its harness reads first (see
Sources/TwofoldFuzz). The HTTP parser's table-test inputs (Fuzz/corpus/http-parser/table-*)
were dumped once from HTTPRequestParserTableTests and are kept as they are. Idempotent: a
seed's file name is its content's hash, so rerunning adds nothing twice.
"""
import hashlib
import json
import os
import re
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")


def write(harness, data):
    folder = os.path.join(CORPUS, harness)
    os.makedirs(folder, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def golden_bytes(path):
    digits = ""
    for line in open(path, encoding="utf-8"):
        digits += re.sub(r"\s", "", line.split("#", 1)[0])
    return bytes.fromhex(digits)


def vectors(relative):
    with open(os.path.join(ROOT, "Tests", relative), encoding="utf-8") as f:
        return json.load(f)["vectors"]


# 1. wire: control bytes [frame limit, chunk seed (2), max chunk], then the stream.
golden = os.path.join(ROOT, "protocol", "golden")
for folder in (golden, os.path.join(golden, "vault")):
    for name in sorted(os.listdir(folder)):
        if name.endswith(".hex"):
            write("wire", bytes([0, 0x12, 0x34, 15]) + golden_bytes(os.path.join(folder, name)))

# 2. http-parser: control bytes [limits/hosts, chunk seed (2), max chunk], then the bytes.
requests = [
    b"GET /login HTTP/1.1\r\nHost: example.com\r\nCookie: twofold=abc; __Host-twofold-csrf=x\r\n\r\n",
    b"POST /login HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Origin: http://127.0.0.1:8080\r\nContent-Length: 27\r\n\r\nemail=a%40b.c&password=x+y&",
    b"POST /api/v1/login HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
    b"GET http://example.com/a?b HTTP/1.1\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\nHost: example.com\r\n\r\n",
]
for setup in (0, 2):
    for request in requests:
        write("http-parser", bytes([setup, 0x43, 0x21, 9]) + request)

# 3. http-fields: [selector, flags], then the data (selector 0 form, 1 path, 2 cookies,
# 3 Origin/Referer, 4 Set-Cookie).
fields = [
    (0, 0, b"email=user%40example.com&password=correct+horse&csrf=AbC_-9"),
    (0, 0, b"a&=&b=%E2%82%AC&&c=%zz"),
    (1, 0, b"/api/v1/invites/AbC123/accept"),
    (1, 0, b"/a%20b/%E2%82%AC/x%2Fy/%2e%2e"),
    (2, 7, b'twofold=abc; __Host-twofold-csrf="xyz"; a=b=c;;  bad name=1; ok=""'),
    (3, 1 | 2 | 4, b"http://127.0.0.1:8080\nhttp://127.0.0.1:8080/login"),
    (3, 2 | 4 | 8, b"\nHTTPS://LOGIN.EXAMPLE.CO.UK/mfa/setup"),
    (4, 0, b"twofold\x00AbC-_9"),
    (4, 1, b"__Host-twofold-csrf\x00v"),
]
for selector, flags, data in fields:
    write("http-fields", bytes([selector, flags]) + data)

# 4. phone: the text as typed.
for number in [
    "+1 (415) 555-2671", "00 44 20 7946 0958", "+44 (0)20 7946 0958", "tel:+1-415-555-2671",
    "  +353.1.234.5678 ", "+213 551 23 45 67", "+7 701 123 4567", "+970 59 123 4567", "+972 50 123 4567",
    "+880 1712 345678", "+1 876 555 0100", "+800 1234 5678", "+882 16 1234 5678", "020 7946 0958",
    "+44 2079 4609 5812 3456", "+1\u00a0415\u00a0555\u00a02671",
]:
    write("phone", number.encode("utf-8"))

# 5. otp: [selector], then the data (0 Base32 text, 1 raw secret, 2 URI, 3 issuer NUL account).
for vector in vectors("TwofoldOTPTests/Vectors/rfc4648-base32.json"):
    write("otp", bytes([0]) + vector["base32"].encode())
    write("otp", bytes([0]) + vector["base32"].lower().encode() + b"====")
    write("otp", bytes([1]) + vector["data"].encode())
for vector in vectors("TwofoldOTPTests/Vectors/rfc6238.json"):
    write("otp", bytes([1]) + vector["seed_ascii"].encode())
for uri in [
    "otpauth://totp/Twofold:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Twofold"
    "&algorithm=SHA1&digits=6&period=30",
    "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co"
    "&algorithm=SHA256&digits=8&period=60",
    "otpauth://totp/bob?secret=gezdgnbvgy3tqojq&issuer=X",
    "otpauth://hotp/A:b?secret=GEZDGNBVGY3TQOJQ&counter=1",
]:
    write("otp", bytes([2]) + uri.encode())
write("otp", bytes([3]) + b"Twofold\x00alice@example.com")
write("otp", bytes([0x13]) + b"ACME Co\x00j\xc3\xb6rg@example.com")

# 5. qr: [level | boost << 2 | render << 3 | mask << 4 (8 = automatic), minimum version], then the data.
auto = 8 << 4
for options, version, data in [
    (1 | 8 | auto, 1, b"otpauth://totp/Twofold:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                  b"&issuer=Twofold&algorithm=SHA1&digits=6&period=30"),
    (1 | auto, 1, b"01234567"),
    (1 | (2 << 4), 1, b"HELLO WORLD"),
    (3 | 4 | auto, 7, b"https://login.example.com/invite/AbC"),
    (0 | 8 | (5 << 4), 40, b"\x00\xff"),
    (2 | auto, 10, b""),
]:
    write("qr", bytes([options, version]) + data)

# 6. store: [layout | pending << 2 | damage << 3 | sequence << 5, damage offset (2),
# sequence byte], then the data (for layout 3, length-prefixed payloads).
records = b"\x03abc\x00\x05hello\x10" + bytes(range(16))
for control, offset, data in [
    (0, 0, b""),                      # no log: created
    (3, 0, records),                  # clean log
    (3 | (1 << 3), 40, records),      # cut inside the last record: torn tail
    (3 | (2 << 3), 0x0125, records),  # a flipped byte in the first record, intact ones after
    (3 | (3 << 3), 7, records),       # zeros appended, as after a power loss
    (3 | 4, 0, records),              # a leftover pending compaction
    (3 | (1 << 5), 0, records),       # sequence numbers near 2^64
    (2, 0, b"\x00\x00\x00\x02\x00\x00\x00\x00ab"),
    (1, 0, b"\x89TFLOG\r\n"),
]:
    write("store", bytes([control]) + struct.pack(">H", offset) + b"\x07" + data)

# 7. vault: [mode, steps - 1], then per step [clock, raw flag] and either [length, envelope] (raw)
# or [operation] and one selector per argument key (VaultHarness.keys: 2 = the value that works).
OPS = ["enroll.begin", "enroll.confirm", "health", "phone.clear", "phone.set", "recovery.start",
       "recovery.verify", "reset", "stats", "status", "totp.verify", "user.delete"]
KEYS = ["user", "account_name", "enrollment_id", "code", "phone", "actor", "reason"]


def vault_step(op, keys, clock=0):
    return bytes([clock, 0, OPS.index(op)] + [2 if key in keys else 0 for key in KEYS])


session = [("enroll.begin", ["user", "account_name"]), ("enroll.confirm", ["user", "enrollment_id", "code"]),
           ("totp.verify", ["user", "code"]), ("phone.set", ["user", "phone", "code"]),
           ("recovery.start", ["user"]), ("status", ["user"]), ("reset", ["user", "actor", "reason"]),
           ("user.delete", ["user", "actor"])]
for mode in (0, 1):
    write("vault", bytes([mode, len(session) - 1]) + b"".join(
        vault_step(op, keys, clock=5 if op == "totp.verify" else 0) for op, keys in session))
for op in OPS:
    write("vault", bytes([0, 0]) + vault_step(op, KEYS))
for name in sorted(os.listdir(os.path.join(golden, "vault"))):
    if name.endswith(".request.hex"):
        payload = golden_bytes(os.path.join(golden, "vault", name))[4:]
        if len(payload) < 256:
            write("vault", bytes([0, 0, 0, 0x80, len(payload)]) + payload)

# 8. gateway-api: [route, stage (0 password, 1 setup, 2 recovery, 3 full, 5 none), origin,
# body length (2)], the body, then the vault's script: [2] + 14 zeros is a result whose every
# field is the first (working) value of ScriptedVault.fields.
ROUTES = ["/login", "/login/code", "GET /recovery", "/recovery/send", "/recovery/verify", "/mfa/setup",
          "/mfa/confirm", "/mfa/reset", "GET /me", "/accounts/select", "PUT /phone", "DELETE /phone", "/password",
          "/logout", "/invites/INVITE/accept"]
PASSWORD = "correct horse battery staple"
api = [
    ("/login", 5, {"email": "fuzz@example.com", "password": PASSWORD}),
    ("/login/code", 0, {"code": "123456"}),
    ("GET /recovery", 0, None),
    ("/recovery/send", 0, {}),
    ("/recovery/verify", 0, {"code": "123456"}),
    ("/mfa/setup", 1, {}),
    ("/mfa/setup", 2, {}),
    ("/mfa/confirm", 1, {"enrollment_id": "0123456789abcdef0123456789abcdef", "code": "123456"}),
    ("/mfa/reset", 3, {"password": PASSWORD}),
    ("GET /me", 3, None),
    ("/accounts/select", 3, {"account": "a-0123456789abcdef"}),
    ("PUT /phone", 3, {"phone": "+4915112345678", "code": "123456"}),
    ("DELETE /phone", 3, {"code": "123456"}),
    ("/password", 3, {"current_password": PASSWORD, "new_password": PASSWORD}),
    ("/logout", 3, {}),
    ("/invites/INVITE/accept", 5, {"email": "new@example.com", "temporary_password": "temporary password 1234",
                                   "new_password": "a brand new passphrase", "phone": "+4915112345678"}),
]
for route, stage, body in api:
    data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    script = (bytes([2]) + bytes(14)) * 3
    write("gateway-api", bytes([ROUTES.index(route), stage, 1]) + struct.pack(">H", len(data)) + data + script)

# webauthn-*: the WebAuthn module's own committed corpus (Tests/TwofoldWebAuthnTests/Corpus),
# read by the harnesses exactly as WebAuthnFuzz takes it.
for kind in ("cbor", "registration", "assertion"):
    folder = os.path.join(ROOT, "Tests", "TwofoldWebAuthnTests", "Corpus", kind)
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            write("webauthn-" + kind, f.read())
