#!/usr/bin/env python3
"""Cross-checks protocol/golden and the operation docs against protocol/schemas, independently of
the Swift code.

- Every response frame must match response.schema.json and be in canonical form (README.md,
  Canonical encoding: key order v,id,ok,result|error; error code,message,detail,retry_after_ms;
  result members sorted by UTF-8 bytes at every depth; no whitespace; RFC 8785 string escapes).
- Every request frame answered with success or op.unknown must match request.schema.json; one
  answered with request.invalid, request.not_object or version.unsupported must not.
- golden/vault/ (the vault's exchanges, see make_vault_golden.py) and golden/sms-sender/ if present:
  each request must also match schemas/<server>/<op>.request.schema.json exactly when the server
  accepted its arguments (it must NOT match when the answer is request.invalid, user.invalid or
  reset.reason_required); each response must match <op>.response.schema.json, and a failure's
  code must be in that schema's x-error-codes or be an envelope code. An op without a schema must
  have been answered op.unknown. Every request file without a response file must name an op whose
  answer is not deterministic (listed in NON_DETERMINISTIC).
- The ```json examples in vault.md, sms-sender.md and admin.md: each line is one request or response
  payload; a response is checked against the schema of the request just before it.
- Every schema is itself a valid draft 2020-12 schema, and every operation has both schemas.

Needs `jsonschema` (pip). Usage: python3 protocol/check_golden.py  (exit status 1 on any failure;
the last line is "N passed, M failed").
"""
import json
import pathlib
import re
import struct
import sys

import jsonschema
import referencing

HERE = pathlib.Path(__file__).resolve().parent
SHOULD_VIOLATE_SCHEMA = {"request.invalid", "request.not_object", "version.unsupported"}
# Operation errors a per-op request schema is meant to predict (argument shape and ranges).
ARGUMENT_ERRORS = {"request.invalid", "user.invalid", "reset.reason_required", "admin.invalid"}
ENVELOPE_CODES = {
    "frame.empty", "frame.too_large", "frame.timeout", "json.invalid_utf8", "json.malformed", "request.not_object",
    "request.invalid", "version.unsupported", "op.unknown", "deadline.exceeded", "internal", "unavailable",
    "idempotency.mismatch", "idempotency.in_progress",
}
SERVERS = {"vault": "vault.md", "sms-sender": "sms-sender.md", "admin": "admin.md"}
OPERATIONS = {
    "vault": ["health", "stats", "enroll.begin", "enroll.confirm", "totp.verify", "status", "reset", "phone.set",
              "phone.clear", "recovery.start", "recovery.verify", "user.delete", "notice.send", "backup.generate",
              "backup.verify", "webauthn.register.begin", "webauthn.register.finish", "webauthn.assert.begin",
              "webauthn.assert.finish", "webauthn.credentials.list", "webauthn.credentials.remove"],
    "sms-sender": ["health", "sms.send"],
    "admin": ["invite.create", "invite.import", "invite.list", "invite.revoke", "user.list", "user.show", "user.disable", "user.enable",
              "user.reset_mfa", "user.reset_password", "account.create", "account.list", "account.rename", "member.add", "member.remove"],
}
NON_DETERMINISTIC = {"enroll.begin", "enroll.confirm", "totp.verify", "recovery.start", "recovery.verify", "sms.send",
                     "webauthn.assert.begin"}


# ---------------------------------------------------------------- canonical encoding

def _string(text):
    return json.dumps(text, ensure_ascii=False)  # \" \\ \b \t \n \f \r, other C0 as \u00xx lowercase


def _sorted_value(value):
    if isinstance(value, dict):
        members = sorted(value.items(), key=lambda item: item[0].encode())
        return "{" + ",".join(_string(k) + ":" + _sorted_value(v) for k, v in members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_sorted_value(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            raise ValueError("integral doubles are not used in this protocol")
        return repr(value).replace("e+0", "e+").replace("e-0", "e-")
    return _string(value)


def canonical_request(request):
    """v, id, op, then deadline_at, idempotency_key, any_order when present, then args (always
    present); args members sorted."""
    extra = ""
    if "deadline_at" in request:
        extra += ",\"deadline_at\":" + _sorted_value(request["deadline_at"])
    if "idempotency_key" in request:
        extra += ",\"idempotency_key\":" + _string(request["idempotency_key"])
    if request.get("any_order") is True:
        extra += ",\"any_order\":true"
    return ("{\"v\":%s,\"id\":%s,\"op\":%s%s,\"args\":%s}" % (
        _sorted_value(request["v"]), _sorted_value(request["id"]), _string(request["op"]), extra,
        _sorted_value(request.get("args", {})))).encode()


def canonical_response(response):
    """v, id, ok, then result (sorted) or error (code, message, detail?, retry_after_ms?)."""
    head = "{\"v\":%s,\"id\":%s,\"ok\":%s," % (
        _sorted_value(response["v"]), _sorted_value(response["id"]), json.dumps(response["ok"]))
    if response["ok"]:
        return (head + "\"result\":" + _sorted_value(response["result"]) + "}").encode()
    error = response["error"]
    parts = ["\"code\":" + _string(error["code"]), "\"message\":" + _string(error["message"])]
    if "detail" in error:
        parts.append("\"detail\":" + _string(error["detail"]))
    if "retry_after_ms" in error:
        parts.append("\"retry_after_ms\":" + _sorted_value(error["retry_after_ms"]))
    return (head + "\"error\":{" + ",".join(parts) + "}}").encode()


# ---------------------------------------------------------------- files

def load_hex(path):
    digits = "".join("".join(line.split("#", 1)[0].split()) for line in path.read_text().splitlines())
    return bytes.fromhex(digits)


def frames(data):
    out, i = [], 0
    while i + 4 <= len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        if n == 0 or i + 4 + n > len(data):
            break  # a broken or truncated frame ends the exchange
        out.append(data[i + 4:i + 4 + n])
        i += 4 + n
    return out


def strict_loads(raw):
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate key")
        return dict(pairs)
    return json.loads(raw, object_pairs_hook=no_duplicates)


class Checker:
    def __init__(self):
        self.passed = 0
        self.failures = []
        paths = sorted((HERE / "schemas").rglob("*.schema.json"))
        contents = {p: json.loads(p.read_text()) for p in paths}
        registry = referencing.Registry().with_resources(
            (s["$id"], referencing.Resource.from_contents(s)) for s in contents.values())
        self.schemas = {p.relative_to(HERE / "schemas").as_posix(): s for p, s in contents.items()}
        self.validators = {}
        for name, schema in self.schemas.items():
            jsonschema.Draft202012Validator.check_schema(schema)
            self.validators[name] = jsonschema.Draft202012Validator(schema, registry=registry)

    def expect(self, condition, where, what):
        if condition:
            self.passed += 1
        else:
            self.failures.append(f"{where}: {what}")

    def parse(self, raw, where):
        """The JSON object in `raw`, or None after recording why it is not one."""
        try:
            value = strict_loads(raw)
        except ValueError as error:
            self.expect(False, where, f"not strict JSON: {error}")
            return None
        self.expect(isinstance(value, dict), where, "not a JSON object")
        return value if isinstance(value, dict) else None

    def errors(self, schema, instance):
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                for e in self.validators[schema].iter_errors(instance)]

    # ------------------------------------------------------------ golden/*.hex (envelope)
    def check_envelope_goldens(self):
        for response_file in sorted((HERE / "golden").glob("*.response.hex")):
            raws = frames(load_hex(response_file))
            responses = [self.parse(f, f"{response_file.name}[{i}]") for i, f in enumerate(raws)]
            if None in responses:
                continue
            for index, (raw, response) in enumerate(zip(raws, responses)):
                where = f"{response_file.name}[{index}]"
                errs = self.errors("response.schema.json", response)
                self.expect(not errs, where, "; ".join(errs))
                self.expect(canonical_response(response) == raw, where, "not in canonical form")
            request_file = response_file.with_name(response_file.name.replace(".response.", ".request."))
            if not request_file.exists():
                continue
            for index, (raw, response) in enumerate(zip(frames(load_hex(request_file)), responses)):
                code = None if response["ok"] else response["error"]["code"]
                if code is not None and code.startswith(("json.", "frame.")):
                    continue  # not JSON at all, nothing for a schema to say
                valid = self.validators["request.schema.json"].is_valid(json.loads(raw))
                self.expect(valid != (code in SHOULD_VIOLATE_SCHEMA), f"{request_file.name}[{index}]",
                            f"schema says valid={valid}, server says {code}")

    # ------------------------------------------------------------ per-operation checks
    def check_exchange(self, server, where, request, response):
        """One request and (if known) its response against the envelope and per-op schemas."""
        op = request.get("op")
        request_schema = f"{server}/{op}.request.schema.json"
        response_schema = f"{server}/{op}.response.schema.json"
        errs = self.errors("request.schema.json", request)
        self.expect(not errs, where, "request breaks the envelope schema: " + "; ".join(errs))
        code = None
        if response is not None:
            errs = self.errors("response.schema.json", response)
            self.expect(not errs, where, "response breaks the envelope schema: " + "; ".join(errs))
            self.expect(response.get("id") == request.get("id"), where, "response id is not the request id")
            code = None if response.get("ok") else response.get("error", {}).get("code")
        if request_schema not in self.schemas:
            self.expect(code == "op.unknown", where, f"no schema for op {op!r}, and the answer is {code}, not op.unknown")
            return
        errs = self.errors(request_schema, request)
        if code in ARGUMENT_ERRORS:
            self.expect(bool(errs), where, f"answered {code} but the {op} request schema accepts it")
        else:
            self.expect(not errs, where, f"{op} request schema: " + "; ".join(errs))
        if response is None:
            return
        errs = self.errors(response_schema, response)
        self.expect(not errs, where, f"{op} response schema: " + "; ".join(errs))
        if code is not None:
            allowed = set(self.schemas[response_schema].get("x-error-codes", [])) | ENVELOPE_CODES
            self.expect(code in allowed, where, f"error code {code} is not listed for {op}")

    def check_server_goldens(self, server):
        folder = HERE / "golden" / server
        if not folder.is_dir():
            return
        requests = sorted(folder.glob("*.request.hex"))
        self.expect(bool(requests), str(folder), "no golden requests")
        for request_file in requests:
            response_file = request_file.with_name(request_file.name.replace(".request.", ".response."))
            raw_requests = frames(load_hex(request_file))
            self.expect(bool(raw_requests), request_file.name, "holds no complete frame")
            requests_json = [self.parse(r, f"{request_file.name}[{i}]") for i, r in enumerate(raw_requests)]
            if None in requests_json:
                continue
            for index, (raw, request) in enumerate(zip(raw_requests, requests_json)):
                self.expect(canonical_request(request) == raw, f"{request_file.name}[{index}]", "not in canonical form")
            if response_file.exists():
                raw_responses = frames(load_hex(response_file))
                responses = [self.parse(r, f"{response_file.name}[{i}]") for i, r in enumerate(raw_responses)]
                if None in responses:
                    continue
                self.expect(len(responses) == len(requests_json), response_file.name,
                            f"{len(responses)} responses for {len(requests_json)} requests")
                for index, (raw, response) in enumerate(zip(raw_responses, responses)):
                    self.expect(canonical_response(response) == raw, f"{response_file.name}[{index}]",
                                "not in canonical form")
            else:
                responses = [None] * len(requests_json)
                ops = {r.get("op") for r in requests_json}
                self.expect(ops <= NON_DETERMINISTIC, request_file.name,
                            f"no response file, but {sorted(ops - NON_DETERMINISTIC)} answer deterministically")
            for index, (request, response) in enumerate(zip(requests_json, responses)):
                self.check_exchange(server, f"{request_file.name}[{index}]", request, response)

    # ------------------------------------------------------------ docs
    def check_doc_examples(self, server, doc):
        text = (HERE / doc).read_text()
        blocks = re.findall(r"```json\n(.*?)```", text, re.S)
        self.expect(bool(blocks), doc, "no ```json example blocks")
        seen = set()
        for number, block in enumerate(blocks):
            exchanges = []  # [where, request, response or None]
            for line_number, line in enumerate(l for l in block.splitlines() if l.strip()):
                where = f"{doc} example {number + 1} line {line_number + 1}"
                payload = self.parse(line.encode(), where)
                if payload is None:
                    continue
                if "op" in payload:
                    seen.add(payload["op"])
                    exchanges.append([where, payload, None])
                elif not exchanges or exchanges[-1][2] is not None:
                    self.expect(False, where, "a response with no request before it")
                else:
                    exchanges[-1][2] = payload
            for where, request, response in exchanges:
                self.check_exchange(server, where, request, response)
        for op in OPERATIONS[server]:
            self.expect(op in seen, doc, f"no example for {op}")
            for kind in ("request", "response"):
                name = f"{server}/{op}.{kind}.schema.json"
                self.expect(name in self.schemas, name, "missing")
                self.expect(f"schemas/{name}" in text, doc, f"does not link {name}")


def main():
    checker = Checker()
    checker.check_envelope_goldens()
    for server, doc in SERVERS.items():
        checker.check_server_goldens(server)
        checker.check_doc_examples(server, doc)
    for failure in checker.failures:
        print("FAIL", failure)
    print(f"{checker.passed} passed, {len(checker.failures)} failed")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
