"""The three real daemons on a temporary folder, the admin CLI, and the SMS outbox.

`System` starts `sms-sender`, `secret-vault` and `auth-gateway` from `.build/debug/` (or
`$TWOFOLD_BIN_DIR`) as separate processes with their own sockets under a temporary folder T,
waits for each one's `"msg":"ready"` log line, and kills them when closed or when this
interpreter dies (PR_SET_PDEATHSIG). The gateway hashes with `--scrypt-log-n 10` (fast, the
lowest the gateway allows) and its public URL is `http://127.0.0.1:PORT`, a loopback origin, so
the session cookie is `__Host-twofold` with `Secure`. Logs stay in T/logs; `tails()` shows
their last lines when a test fails.

Accounts and invites are made with the operator's tool, `twofold … --json`, the way a person
would, not with a hand-written socket client. Nothing here builds: `scripts/browser-test.sh`
runs `swift build` first.
"""

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("TWOFOLD_BIN_DIR", REPO / ".build" / "debug"))
READY_TIMEOUT = 30.0

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


class Daemon:
    """One daemon process; stdout and stderr go to one log file."""

    def __init__(self, name, argv, log_path):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.proc = None

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=_die_with_parent
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if b'"msg":"ready"' in self.log_path.read_bytes():
                return
            if self.proc.poll() is not None:
                raise DaemonError(f"{self.name} exited with status {self.proc.returncode}:\n{self.tail()}")
            time.sleep(0.02)
        raise DaemonError(f"{self.name} not ready after {READY_TIMEOUT} s:\n{self.tail()}")

    def stop(self):
        """SIGTERM, then SIGKILL if it does not end within 10 s."""
        if not self.running:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def tail(self, lines=25):
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


class AdminCommandError(Exception):
    pass


class System:
    """The three daemons on one temporary folder T (T/run sockets, T/<daemon> data, T/logs)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="twofold-browser-"))
        for sub in ("run", "sms", "vault", "gateway", "logs"):
            (self.root / sub).mkdir(mode=0o700)
        master_key = self.root / "master-key"
        fd = os.open(master_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as key:
            key.write(os.urandom(32))
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.admin_socket = str(self.root / "run" / "admin.sock")
        self.outbox_path = self.root / "sms" / "outbox.jsonl"
        run = self.root / "run"
        logs = self.root / "logs"
        self.daemons = [
            Daemon(
                "sms-sender",
                [str(BIN_DIR / "sms-sender"), "--socket", str(run / "sms.sock"), "--data-dir", str(self.root / "sms")],
                logs / "sms-sender.log",
            ),
            Daemon(
                "secret-vault",
                [
                    str(BIN_DIR / "secret-vault"),
                    "--socket", str(run / "vault.sock"),
                    "--data-dir", str(self.root / "vault"),
                    "--master-key-file", str(master_key),
                    "--sms-socket", str(run / "sms.sock"),
                ],
                logs / "secret-vault.log",
            ),
            Daemon(
                "auth-gateway",
                [
                    str(BIN_DIR / "auth-gateway"),
                    "--listen", f"127.0.0.1:{self.port}",
                    "--vault-socket", str(run / "vault.sock"),
                    "--data-dir", str(self.root / "gateway"),
                    "--admin-socket", self.admin_socket,
                    "--public-url", self.origin,
                    "--scrypt-log-n", "10",
                    "--audit-log", str(self.root / "gateway" / "audit.jsonl"),
                ],
                logs / "auth-gateway.log",
            ),
        ]

    def start(self):
        try:
            for daemon in self.daemons:
                daemon.start()
        except Exception:
            self.close()
            raise
        return self

    def close(self):
        for daemon in reversed(self.daemons):
            daemon.stop()

    def remove(self):
        """Stops the daemons and deletes T, unless TWOFOLD_BROWSER_KEEP is set."""
        self.close()
        if not os.environ.get("TWOFOLD_BROWSER_KEEP"):
            shutil.rmtree(self.root, ignore_errors=True)

    def tails(self):
        parts = [f"== daemons in {self.root}"]
        for daemon in self.daemons:
            state = "running" if daemon.running else "stopped"
            parts += [f"-- {daemon.name} ({state}), last lines:", daemon.tail()]
        return "\n".join(parts)

    # -- the operator's tool -------------------------------------------------------------------

    def twofold(self, *args):
        """Runs `twofold ARGS --admin-socket S --json`; its JSON result (exit status 0 required).

        The output of `invite create` holds the temporary password and the link's token, so a
        failure reports the exit status and stderr only, never stdout.
        """
        argv = [str(BIN_DIR / "twofold"), *args, "--admin-socket", self.admin_socket, "--json"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise AdminCommandError(
                f"twofold {' '.join(args[:2])} exited with {done.returncode}: {done.stderr.strip()}"
            )
        return json.loads(done.stdout)

    def create_account(self, name):
        return self.twofold("account", "create", name)

    def create_invite(self, email, accounts):
        """An invite for `email` to `accounts` (names): (link, temporary password)."""
        args = ["invite", "create", "--email", email]
        for account in accounts:
            args += ["--account", account]
        result = self.twofold(*args)
        link = result["link"]
        if not link.startswith(self.origin + "/invite/"):
            raise AssertionError(f"the invite link is not under the public URL {self.origin}")
        return link, result["temporary_password"]

    # -- SMS outbox ----------------------------------------------------------------------------

    def outbox(self):
        """The SMS messages sms-sender wrote, oldest first ({to, text, ...} per line)."""
        if not self.outbox_path.exists():
            return []
        return [json.loads(line) for line in self.outbox_path.read_text().splitlines() if line.strip()]

    def recovery_code(self, to, since, timeout=5.0):
        """The 6-digit code of the first SMS to `to` (E.164) after outbox index `since`."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.outbox()[since:]:
                if message.get("to") == to:
                    match = re.search(r"\b(\d{6})\b", message.get("text", ""))
                    if match:
                        return match.group(1)
            if time.monotonic() > deadline:
                raise AssertionError(f"no SMS with a 6-digit code to {to} after outbox message {since}")
            time.sleep(0.05)
