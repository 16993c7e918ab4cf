#!/usr/bin/env python3
"""Writes the seed corpus of the WebAuthn fuzz entry points (Tests/TwofoldWebAuthnTests/Corpus),
one binary file per input, from the vectors beside this script:

- cbor/: every RFC 8949 Appendix A example (indefinite ones included), every W3C attestation object
  and every credential public key (COSE_Key) of the W3C examples;
- registration/: per W3C example, the fields challenge, clientDataJSON, attestationObject;
- assertion/: per W3C example, challenge, COSE key, credential ID, clientDataJSON,
  authenticatorData, signature.

Fields are each a 2-byte big-endian length and the bytes (WebAuthnFuzz.pack / fields).
Usage: make-fuzz-corpus.py   (run from this folder; rewrites ../Corpus)
"""

import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "Corpus"


def pack(*fields):
    return b"".join(len(f).to_bytes(2, "big") + f for f in fields)


def cbor_item_length(data, start):
    """Length of the definite-length CBOR item at `start` (enough for COSE keys)."""
    initial = data[start]
    major, info = initial >> 5, initial & 0x1F
    offset = start + 1
    if info < 24:
        argument = info
    else:
        width = 1 << (info - 24)
        argument = int.from_bytes(data[offset:offset + width], "big")
        offset += width
    if major in (0, 1, 7):
        return offset - start
    if major in (2, 3):
        return offset + argument - start
    items = argument * (2 if major == 5 else 1)
    for _ in range(items):
        offset += cbor_item_length(data, offset)
    return offset - start


def attestation_auth_data(attestation_object):
    marker = bytes.fromhex("6861757468446174") + b"a"  # "authData" as a CBOR text key
    index = attestation_object.index(marker) + len(marker)
    head = attestation_object[index]
    width = {0x58: 1, 0x59: 2, 0x5A: 4}[head]
    length = int.from_bytes(attestation_object[index + 1:index + 1 + width], "big")
    start = index + 1 + width
    return attestation_object[start:start + length]


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    for folder in ("cbor", "registration", "assertion"):
        (CORPUS / folder).mkdir(parents=True)
    rfc = json.load(open(HERE / "cbor-rfc8949.json"))
    for index, vector in enumerate(rfc["valid"] + rfc["indefinite"]):
        (CORPUS / "cbor" / f"rfc8949-a-{index:02}").write_bytes(bytes.fromhex(vector["hex"]))
    spec = json.load(open(HERE / "webauthn-l3.json"))
    for vector in spec["vectors"]:
        if "registration" not in vector:
            continue
        reg = {k: bytes.fromhex(v) for k, v in vector["registration"].items()}
        auth = {k: bytes.fromhex(v) for k, v in vector["authentication"].items()}
        name = vector["id"]
        auth_data = attestation_auth_data(reg["attestationObject"])
        id_length = int.from_bytes(auth_data[53:55], "big")
        key_start = 55 + id_length
        cose_key = auth_data[key_start:key_start + cbor_item_length(auth_data, key_start)]
        (CORPUS / "cbor" / f"{name}-attestation-object").write_bytes(reg["attestationObject"])
        (CORPUS / "cbor" / f"{name}-cose-key").write_bytes(cose_key)
        (CORPUS / "registration" / name).write_bytes(
            pack(reg["challenge"], reg["clientDataJSON"], reg["attestationObject"]))
        (CORPUS / "assertion" / name).write_bytes(
            pack(auth["challenge"], cose_key, reg["credential_id"], auth["clientDataJSON"],
                 auth["authenticatorData"], auth["signature"]))


if __name__ == "__main__":
    main()
