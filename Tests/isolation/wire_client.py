#!/usr/bin/env python3
"""One request to a Twofold daemon over its Unix socket (protocol/README.md: a 4-byte big-endian
length, then one JSON object), run as whichever user the isolation test chose.

Usage: wire_client.py SOCKET OP [ARGS_JSON]

Prints exactly one JSON line on stdout describing what happened, and exits 0 whatever the daemon
said, so that the caller (running this under `setpriv` as another user) can tell the outcomes
apart:
  {"connect_errno": "EACCES"}                      connect(2) failed (file permissions, no socket)
  {"unsolicited": {...response...}}                the server spoke first: a peer refusal frame
  {"response": {...response...}}                   the answer to our request
  {"io_error": "ECONNRESET"} / {"closed": true}    the connection broke before any frame arrived
Exit status 2 is a usage error only.
"""

import errno
import json
import select
import socket
import struct
import sys

MAX_FRAME = 1 << 20
TIMEOUT = 15.0


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_frame(sock):
    header = read_exactly(sock, 4)
    if header is None:
        return None
    (length,) = struct.unpack(">I", header)
    if length == 0 or length > MAX_FRAME:
        raise ValueError(f"bad frame length {length}")
    payload = read_exactly(sock, length)
    if payload is None:
        return None
    return json.loads(payload.decode("utf-8"))


def errno_name(error):
    return errno.errorcode.get(error.errno, str(error.errno))


def exchange(path, op, args):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(TIMEOUT)
    try:
        sock.connect(path)
    except OSError as error:
        return {"connect_errno": errno_name(error)}
    try:
        # A refused peer gets one error frame as soon as it is accepted; look for it before
        # writing, so the refusal is read rather than raced by our own request.
        readable, _, _ = select.select([sock], [], [], 0.5)
        if readable:
            frame = read_frame(sock)
            return {"unsolicited": frame} if frame is not None else {"closed": True}
        request = {"v": 1, "id": 1, "op": op, "args": args}
        payload = json.dumps(request, separators=(",", ":")).encode("utf-8")
        sock.sendall(struct.pack(">I", len(payload)) + payload)
        frame = read_frame(sock)
        if frame is None:
            return {"closed": True}
        return {"unsolicited": frame} if frame.get("id") is None else {"response": frame}
    except OSError as error:
        return {"io_error": errno_name(error) if error.errno else str(error)}
    except ValueError as error:
        return {"protocol_error": str(error)}
    finally:
        sock.close()


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    args = json.loads(argv[3]) if len(argv) == 4 else {}
    print(json.dumps(exchange(argv[1], argv[2], args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
