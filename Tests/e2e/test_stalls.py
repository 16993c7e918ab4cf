"""Peers that stall (SIGSTOP, or a vault whose disk writes stall after it read a request)
instead of dying: a call that gets no answer is reported as "unknown", never as "nothing
happened", the vault never starts work whose deadline has passed, a retry of work it did run
gets the recorded answer, and one stalled peer never turns into 503s for unrelated requests."""

import ctypes
import json
import os
import signal
import subprocess
import threading
import time
import unittest

import harness
from client import Api
from flows import api_password, api_signed_up

TWOFOLD = harness.BIN_DIR / "twofold"


def setUpModule():
    harness.shared("stalls")


class Stopped:
    """SIGSTOP a daemon for the duration of a `with` block (SIGCONT after, whatever happens)."""

    def __init__(self, cluster, name):
        self.pid = cluster.daemons[name].proc.pid

    def __enter__(self):
        os.kill(self.pid, signal.SIGSTOP)
        return self

    def __exit__(self, *exc):
        os.kill(self.pid, signal.SIGCONT)


class WriterStopped:
    """Stops one thread of a daemon, its record store's writer, for the duration of a `with`
    block (ptrace: PTRACE_SEIZE + PTRACE_INTERRUPT, then PTRACE_DETACH). The rest of the vault
    keeps running: it reads requests and decides them, but nothing it decides becomes durable, so
    nothing is answered, until the writer resumes: the vault has stalled *after* reading the
    request (a slow disk), the case a deadline cannot prevent."""

    PTRACE_DETACH = 17
    PTRACE_SEIZE = 0x4206
    PTRACE_INTERRUPT = 0x4207
    WALL = 0x40000000

    def __init__(self, cluster, name, thread="store-writer"):
        pid = cluster.daemons[name].proc.pid
        tasks = [t for t in os.listdir(f"/proc/{pid}/task") if self._comm(pid, t) == thread]
        if len(tasks) != 1:
            raise unittest.SkipTest(f"{name} has {len(tasks)} threads named {thread!r}")
        self.tid = int(tasks[0])
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
        self.libc.ptrace.restype = ctypes.c_long

    @staticmethod
    def _comm(pid, tid):
        with open(f"/proc/{pid}/task/{tid}/comm") as comm:
            return comm.read().strip()

    def __enter__(self):
        if self.libc.ptrace(self.PTRACE_SEIZE, self.tid, None, None) != 0:
            error = ctypes.get_errno()
            raise unittest.SkipTest(f"ptrace is not permitted here ({os.strerror(error)})")
        self.libc.ptrace(self.PTRACE_INTERRUPT, self.tid, None, None)
        os.waitpid(self.tid, self.WALL)
        return self

    def __exit__(self, *exc):
        self.libc.ptrace(self.PTRACE_DETACH, self.tid, None, None)


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


@unittest.skipUnless(TWOFOLD.exists(), f"{TWOFOLD} is not built (scripts/e2e-test.sh builds it)")
class VaultStoppedPastTheDeadline(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared("stalls")

    def twofold(self, *arguments):
        return subprocess.run(
            [str(TWOFOLD), "--admin-socket", self.cluster.admin_socket, *arguments],
            capture_output=True, text=True, timeout=60,
        )

    def mfa_status(self, email):
        """The vault's status through `user show`, once the vault answers again."""
        return wait_for(lambda: self.cluster.admin("user.show", user=email)["mfa"])

    def test_reset_mfa_without_an_answer_is_reported_unknown_ends_the_sessions_and_never_runs_later(self):
        signed_in, person = api_signed_up(self, self.cluster)
        signed_in.call("GET", "/api/v1/me", expect=200)
        vault_log = self.cluster.daemons["secret-vault"].log_path
        with Stopped(self.cluster, "secret-vault"):
            result = self.twofold("user", "reset-mfa", person.email, "--reason", "lost phone, identity checked")
            self.assertEqual(result.returncode, 75, result.stderr)
            self.assertIn("the reset may or may not have happened: run `twofold user show", result.stderr)
            self.assertNotIn("nothing", result.stderr)
            # Whatever the vault does when it resumes, no session of the user survives.
            self.assertEqual(signed_in.error_code("GET", "/api/v1/me", expect=401), "auth.required")
        # The vault resumes and reads the reset after its deadline: it refuses it unstarted.
        self.assertTrue(wait_for(lambda: b"deadline had passed" in vault_log.read_bytes()))
        self.assertTrue(self.mfa_status(person.email)["enrolled"], "the reset never ran after SIGCONT")
        # The user logs in with the authenticator they still have.
        api = Api(self.cluster)
        api_password(self, api, person)
        self.assertEqual(api.post("/api/v1/login/code", {"code": person.code()}, expect=200)["stage"], "full")

    def test_a_login_code_sent_during_the_stall_and_retried_afterwards_logs_in(self):
        _, person = api_signed_up(self, self.cluster)
        api = Api(self.cluster)
        self.assertEqual(api_password(self, api, person)["stage"], "password")
        code = person.code()
        with Stopped(self.cluster, "secret-vault"):
            _, body, response = api.call("POST", "/api/v1/login/code", {"code": code}, expect=503)
            self.assertEqual(body["error"]["code"], "service.unavailable")
        # The verification sent during the stall reached the vault after its deadline and was not
        # run, so the code was not consumed: the user's retry logs in (not code.replayed).
        result = wait_for(
            lambda: api.call("POST", "/api/v1/login/code", {"code": code}, expect=(200, 503))[1], timeout=10
        )
        self.assertEqual(result.get("stage"), "full", result)

    def vault_audit(self, op):
        lines = (self.cluster.root / "vault" / "audit.jsonl").read_text().splitlines()
        return [entry for entry in map(json.loads, lines) if entry.get("op") == op]

    def test_a_login_code_the_vault_ran_but_answered_too_late_logs_in_when_retried(self):
        _, person = api_signed_up(self, self.cluster)
        api = Api(self.cluster)
        self.assertEqual(api_password(self, api, person)["stage"], "password")
        code = person.code()
        accepted_before = [e for e in self.vault_audit("totp.verify") if e["outcome"] == "accepted"]
        with WriterStopped(self.cluster, "secret-vault"):
            # The vault reads the verification at once, well within its deadline, accepts the code
            # and spends its step in memory; the write that would let it answer is stuck.
            _, body, _ = api.call("POST", "/api/v1/login/code", {"code": code}, expect=503)
            self.assertEqual(body["error"]["code"], "service.unavailable")
        # Once the disk moves again the verification completes: the code is spent, and the
        # answer (accepted) reaches a gateway that gave up on it long ago.
        self.assertTrue(
            wait_for(lambda: len([e for e in self.vault_audit("totp.verify") if e["outcome"] == "accepted"])
                     > len(accepted_before)),
            "the stalled verification never completed",
        )
        # The user sends the same code again: the gateway sends the same idempotency key (same
        # session, same code), and the vault answers with its recorded answer, not code.replayed.
        result = api.post("/api/v1/login/code", {"code": code}, expect=200)
        self.assertEqual(result["stage"], "full", result)
        recorded = [e for e in self.vault_audit("totp.verify") if e.get("answer") == "recorded"]
        self.assertTrue(recorded, "the retry was answered from the record")


class SMSSenderStopped(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared("stalls")

    def test_a_stalled_sms_sender_delays_only_recovery_never_logins(self):
        _, waiting = api_signed_up(self, self.cluster, phone=self.cluster.new_phone())
        _, person = api_signed_up(self, self.cluster)
        recovering = Api(self.cluster)
        api_password(self, recovering, waiting)
        logging_in = Api(self.cluster)
        api_password(self, logging_in, person)
        outcome = {}

        def ask_for_a_code():
            outcome["status"], outcome["body"], outcome["response"] = recovering.call(
                "POST", "/api/v1/recovery/send", {}, expect=(200, 503)
            )

        with Stopped(self.cluster, "sms-sender"):
            sender = threading.Thread(target=ask_for_a_code)
            sender.start()
            time.sleep(0.3)  # the recovery call is now waiting on the stalled worker
            started = time.monotonic()
            result = logging_in.post("/api/v1/login/code", {"code": person.code()}, expect=200)
            login_time = time.monotonic() - started
            self.assertEqual(result["stage"], "full")
            self.assertTrue(sender.is_alive(), "the recovery call was still waiting while the login went through")
            sender.join(timeout=15)
        self.assertFalse(sender.is_alive())
        # The vault gave up on the worker after its SMS timeout, within the gateway's deadline. The
        # worker may have taken the text, so the vault keeps the code valid and answers that the
        # delivery is unknown (it used to burn the code and answer sms.unavailable, while the text
        # could still arrive with a dead code), and the gateway tells the user exactly that.
        self.assertEqual(outcome["status"], 503, outcome)
        self.assertEqual(outcome["body"]["error"]["code"], "sms.unavailable")
        self.assertIn("If a code arrives, you can use it", outcome["body"]["error"]["message"])
        audit = (self.cluster.root / "vault" / "audit.jsonl").read_text()
        self.assertIn('"op":"recovery.start"', audit)
        self.assertIn('"outcome":"sms_unknown"', audit)
        self.assertLess(login_time, outcome["response"].elapsed, "the login did not queue behind the recovery call")


if __name__ == "__main__":
    unittest.main()
