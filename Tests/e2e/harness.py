"""The end-to-end harness: the three real daemons on a temporary folder, and clients for them.

A `Cluster` starts `sms-sender`, `secret-vault` and `auth-gateway` from `.build/debug/` (or
`$TWOFOLD_BIN_DIR`) as separate processes on temporary sockets, waits for each one's
`"msg":"ready"` log line, and can stop, restart or `kill -9` any of them. Logs stay in the
temporary folder (`T/logs/<daemon>.log`); their tails are printed when a test fails. Children are
killed at exit, and also when this interpreter dies (PR_SET_PDEATHSIG).

Nothing here builds: `scripts/e2e-test.sh` runs `swift build` first.
"""

import atexit
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("TWOFOLD_BIN_DIR", REPO / ".build" / "debug"))
READY_TIMEOUT = 30.0
MAX_FRAME = 1 << 20

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def free_port():
    """A TCP port nobody listens on right now (bound to 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DaemonError(Exception):
    pass


def faketime_library():
    """libfaketime's preload library (Debian's `faketime` package)."""
    for candidate in sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1")):
        return str(candidate)
    raise DaemonError("libfaketime is missing: apt-get install faketime (.ci/run installs it)")


class Daemon:
    """One daemon process; its stdout and stderr are appended to one log file across restarts."""

    def __init__(self, name, argv, log_path, env=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.env = env
        self.proc = None

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        if self.running:
            raise DaemonError(f"{self.name} is already running")
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                preexec_fn=_die_with_parent,
                env=None if self.env is None else {**os.environ, **self.env},
            )
        self._wait_ready(offset)

    def _wait_ready(self, offset):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as log:
                log.seek(offset)
                if b'"msg":"ready"' in log.read():
                    return
            if self.proc.poll() is not None:
                raise DaemonError(f"{self.name} exited with status {self.proc.returncode}:\n{self.tail()}")
            time.sleep(0.02)
        raise DaemonError(f"{self.name} not ready after {READY_TIMEOUT} s:\n{self.tail()}")

    def stop(self):
        """SIGTERM, the way an operator stops it (the daemon removes its socket)."""
        self._end(signal.SIGTERM)

    def kill9(self):
        self._end(signal.SIGKILL)

    def _end(self, sig):
        if not self.running:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def tail(self, lines=30):
        if not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


class AdminError(Exception):
    def __init__(self, error):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.error = error


class Cluster:
    """The three daemons on one temporary folder T (T/run sockets, T/<daemon> data, T/logs)."""

    def __init__(self, gateway_args=(), name="main", public_host="127.0.0.1", vault_args=()):
        self.name = name
        self.root = Path(tempfile.mkdtemp(prefix=f"twofold-e2e-{name}-"))
        for sub in ("run", "sms", "vault", "gateway", "logs"):
            (self.root / sub).mkdir(mode=0o700)
        self.master_key = self.root / "master-key"
        fd = os.open(self.master_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as key:
            key.write(os.urandom(32))
        self.port = free_port()
        # The browser's origin: --public-url. Another host than loopback serves cookies without
        # the __Host- prefix and Secure (the harness still connects to 127.0.0.1).
        self.origin = f"http://{public_host}:{self.port}"
        self.admin_socket = str(self.root / "run" / "admin.sock")
        self.audit_log = self.root / "gateway" / "audit.jsonl"
        run = self.root / "run"
        logs = self.root / "logs"
        self.daemons = {
            "sms-sender": Daemon(
                "sms-sender",
                [str(BIN_DIR / "sms-sender"), "--socket", str(run / "sms.sock"), "--data-dir", str(self.root / "sms")],
                logs / "sms-sender.log",
            ),
            "secret-vault": Daemon(
                "secret-vault",
                [
                    str(BIN_DIR / "secret-vault"),
                    "--socket", str(run / "vault.sock"),
                    "--data-dir", str(self.root / "vault"),
                    "--master-key-file", str(self.master_key),
                    "--sms-socket", str(run / "sms.sock"),
                    *vault_args,
                ],
                logs / "secret-vault.log",
            ),
            "auth-gateway": Daemon(
                "auth-gateway",
                [
                    str(BIN_DIR / "auth-gateway"),
                    "--listen", f"127.0.0.1:{self.port}",
                    "--vault-socket", str(run / "vault.sock"),
                    "--data-dir", str(self.root / "gateway"),
                    "--admin-socket", self.admin_socket,
                    "--public-url", self.origin,
                    "--scrypt-log-n", "10",
                    "--audit-log", str(self.audit_log),
                    *gateway_args,
                ],
                logs / "auth-gateway.log",
            ),
        }
        # Everything secret the tests handled, to be looked for in the logs at the end.
        self.secrets = set()
        self.started = False
        self.clock_offset = 0.0
        self._counter = 0
        _clusters.append(self)

    # -- processes -------------------------------------------------------------------------------

    def fake_clock(self, wall_ms):
        """Before `start`: runs the daemons with their wall clock moved (libfaketime) so that it
        reads `wall_ms` now and runs on from there, the same for all three; `now()` reads it.

        Under libfaketime the Swift binaries lose their arguments, so the daemons are configured
        through their environment variables instead (the defaults cover the rest)."""
        library = faketime_library()
        self.clock_offset = wall_ms / 1000 - time.time()
        clock = {
            "LD_PRELOAD": library,
            "FAKETIME": f"{self.clock_offset:+.3f}",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        }
        run = self.root / "run"
        settings = {
            "sms-sender": {"TWOFOLD_SMS_SOCKET": str(run / "sms.sock"), "TWOFOLD_SMS_DATA_DIR": str(self.root / "sms")},
            "secret-vault": {
                "TWOFOLD_VAULT_SOCKET": str(run / "vault.sock"),
                "TWOFOLD_VAULT_DATA_DIR": str(self.root / "vault"),
                "TWOFOLD_VAULT_MASTER_KEY_FILE": str(self.master_key),
                "TWOFOLD_SMS_SOCKET": str(run / "sms.sock"),
            },
            "auth-gateway": {
                "TWOFOLD_GATEWAY_LISTEN": f"127.0.0.1:{self.port}",
                "TWOFOLD_VAULT_SOCKET": str(run / "vault.sock"),
                "TWOFOLD_GATEWAY_DATA_DIR": str(self.root / "gateway"),
                "TWOFOLD_ADMIN_SOCKET": self.admin_socket,
                "TWOFOLD_PUBLIC_URL": self.origin,
            },
        }
        for name, daemon in self.daemons.items():
            daemon.argv = daemon.argv[:1]
            daemon.env = {**clock, **settings[name]}

    def now(self):
        """The daemons' wall clock, in seconds (moved by `fake_clock`)."""
        return time.time() + self.clock_offset

    def start(self):
        try:
            for daemon in self.daemons.values():
                daemon.start()
        except Exception:
            self.close()
            raise
        self.started = True
        return self

    def stop(self, name):
        self.daemons[name].stop()

    def restart(self, name):
        self.daemons[name].start()

    def kill9(self, name):
        self.daemons[name].kill9()

    def close(self):
        for daemon in reversed(list(self.daemons.values())):
            daemon.kill9()

    def remove(self):
        self.close()
        if not os.environ.get("TWOFOLD_E2E_KEEP"):
            shutil.rmtree(self.root, ignore_errors=True)

    def tails(self):
        parts = [f"== cluster {self.name}: {self.root}"]
        for daemon in self.daemons.values():
            parts.append(f"-- {daemon.name} ({'running' if daemon.running else 'stopped'}), last lines:")
            parts.append(daemon.tail())
        return "\n".join(parts)

    def log_files(self):
        """Every file a daemon logs to: the three stderr logs and the audit logs."""
        files = [daemon.log_path for daemon in self.daemons.values()]
        files += [path for path in self.root.rglob("*audit*") if path.is_file()]
        return files

    # -- naming ----------------------------------------------------------------------------------

    def unique(self, prefix):
        self._counter += 1
        return f"{prefix}{self._counter}-{os.urandom(3).hex()}"

    def new_email(self, prefix="user"):
        return f"{self.unique(prefix)}@Example.com"

    def new_phone(self):
        """A US number used by no other user of this run (the vault's quotas are per number)."""
        self._counter += 1
        return f"+1 415 555 {self._counter % 10000:04d}"

    def remember(self, *values):
        for value in values:
            if value:
                self.secrets.add(str(value))

    # -- SMS outbox ------------------------------------------------------------------------------

    def outbox(self):
        path = self.root / "sms" / "outbox.jsonl"
        if not path.exists():
            return []
        lines = path.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def sms_code(self, phone_e164, since, timeout=5.0):
        """The 6-digit code of the first recovery message to `phone_e164` after outbox index `since`."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.outbox()[since:]:
                if message["to"] == phone_e164:
                    match = re.search(r"recovery code: (\d{6})", message["text"])
                    if match:
                        self.remember(match.group(1))
                        return match.group(1)
            if time.monotonic() > deadline:
                raise AssertionError(f"no recovery SMS to {phone_e164} in the outbox after message {since}")
            time.sleep(0.05)

    def notices(self, phone_e164, since, containing, timeout=5.0):
        """The messages to `phone_e164` after outbox index `since`, once one contains `containing`
        (notices are sent after the answer, best effort, so they may land a moment later)."""
        deadline = time.monotonic() + timeout
        while True:
            messages = [m for m in self.outbox()[since:] if m["to"] == phone_e164]
            if any(containing in m["text"] for m in messages) or time.monotonic() > deadline:
                return messages
            time.sleep(0.05)

    # -- admin socket ----------------------------------------------------------------------------

    def admin_raw(self, op, args=None, request_id=1):
        """One admin request; the whole response envelope."""
        return wire_request(self.admin_socket, op, args, request_id)

    def vault_raw(self, op, args=None, request_id=1):
        """One request straight to the vault (harness self-checks only; the tests go through HTTP)."""
        return wire_request(str(self.root / "run" / "vault.sock"), op, args, request_id)

    def admin(self, op, **args):
        """One admin request's `result`; raises AdminError when the answer is an error."""
        response = self.admin_raw(op, args)
        if response.get("ok") is True:
            return response["result"]
        raise AdminError(response.get("error") or {})

    def create_invite(self, email=None, accounts=(), **extra):
        """An invite: (token, temporary password, admin result)."""
        email = email or self.new_email()
        result = self.admin("invite.create", email=email, accounts=list(accounts), **extra)
        link = result["link"]
        if not link.startswith(self.origin + "/invite/"):
            raise AssertionError(f"invite link {link!r} is not under the public URL {self.origin}")
        token = link.rsplit("/", 1)[1]
        self.remember(token, result["temporary_password"])
        return token, result["temporary_password"], result


def wire_request(path, op, args=None, request_id=1):
    """One request over a daemon socket (protocol/README.md framing); the response envelope."""
    request = {"v": 1, "id": request_id, "op": op, "args": args or {}}
    payload = json.dumps(request).encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(path)
        sock.sendall(struct.pack(">I", len(payload)) + payload)
        (length,) = struct.unpack(">I", _read_exactly(sock, 4))
        if length == 0 or length > MAX_FRAME:
            raise AssertionError(f"{path} sent a bad frame length {length}")
        return json.loads(_read_exactly(sock, length))


def _read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise AssertionError("the daemon closed the socket mid-frame")
        data += chunk
    return data


_clusters = []
_shared = {}


def shared(name="main", gateway_args=(), public_host="127.0.0.1", vault_args=()):
    """The cluster of this name, started on first use and kept for the whole run."""
    if name not in _shared:
        _shared[name] = Cluster(
            gateway_args=gateway_args, name=name, public_host=public_host, vault_args=vault_args
        ).start()
    return _shared[name]


def all_clusters():
    return list(_clusters)


@atexit.register
def _cleanup():
    for cluster in _clusters:
        cluster.remove()


class E2ETestCase(unittest.TestCase):
    """A test case that prints the daemons' log tails when it fails."""

    maxDiff = None

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            for cluster in _clusters:
                sys.stderr.write("\n" + cluster.tails() + "\n")
        return outcome
