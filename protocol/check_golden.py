#!/usr/bin/env python3
"""Cross-checks protocol/golden against protocol/schemas, independently of the Swift code.

Every response frame must match response.schema.json and already be in canonical form. A request
frame answered with success or op.unknown must match request.schema.json; one answered with
request.invalid, request.not_object or version.unsupported must not. Needs `jsonschema` (pip).
Usage: python3 protocol/check_golden.py   (exit status 1 on any mismatch)
"""
import json
import pathlib
import struct
import sys

import jsonschema
import referencing

HERE = pathlib.Path(__file__).resolve().parent
SHOULD_VIOLATE_SCHEMA = {"request.invalid", "request.not_object", "version.unsupported"}


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


def canonical(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def main():
    schemas = {p.name: json.loads(p.read_text()) for p in (HERE / "schemas").glob("*.schema.json")}
    registry = referencing.Registry().with_resources(
        (s["$id"], referencing.Resource.from_contents(s)) for s in schemas.values())
    validators = {name: jsonschema.Draft202012Validator(s, registry=registry) for name, s in schemas.items()}
    for validator in validators.values():
        validator.check_schema(validator.schema)
    failures, checked = [], 0

    for response_file in sorted((HERE / "golden").glob("*.response.hex")):
        responses = [json.loads(f) for f in frames(load_hex(response_file))]
        for index, (raw, response) in enumerate(zip(frames(load_hex(response_file)), responses)):
            checked += 1
            for error in validators["response.schema.json"].iter_errors(response):
                failures.append(f"{response_file.name}[{index}]: {error.message}")
            if canonical(response) != raw:
                failures.append(f"{response_file.name}[{index}]: not in canonical form")
        request_file = response_file.with_name(response_file.name.replace(".response.", ".request."))
        if not request_file.exists():
            continue
        for index, (raw, response) in enumerate(zip(frames(load_hex(request_file)), responses)):
            code = None if response["ok"] else response["error"]["code"]
            if code is not None and code.startswith(("json.", "frame.")):
                continue  # not JSON at all, nothing for a schema to say
            checked += 1
            request = json.loads(raw)
            valid = validators["request.schema.json"].is_valid(request)
            if valid == (code in SHOULD_VIOLATE_SCHEMA):
                failures.append(f"{request_file.name}[{index}]: schema says valid={valid}, server says {code}")

    for failure in failures:
        print("FAIL", failure)
    print(f"{checked} frames checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
