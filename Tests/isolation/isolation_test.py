#!/usr/bin/env python3
"""Isolation test: the deployed users, groups, folders and sockets keep each Twofold process to
what it needs (issue 8). Run as root through scripts/isolation-test.sh.

It stages an install into a temporary root (scripts/install.sh with DESTDIR), creates the users
and groups of deploy/sysusers.d with groupadd/useradd/usermod, then starts sms-sender and
secret-vault and auth-gateway from their staged unit files the way systemd would (see
sandbox.py), probes what each user can read and reach (the gateway's identity is used for the
probes a compromised gateway could make), and walks the whole login flow across the three users:
an operator (root) creates an invite on the admin socket, the user signs up over HTTP, sets up
an authenticator, logs out and logs in with password and code. Prints `N passed, M failed`;
exits 1 on any failure.
"""

import argparse
import base64
import grp
import hashlib
import hmac
import http.client
import socket
import json
import os
import pwd
import shutil
import stat
import struct
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sandbox import Identity, Sandbox, Service  # noqa: E402
from unitfiles import parse_sysusers, parse_tmpfiles, parse_unit  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PHONE = "+14155552671"
PROBE_TIMEOUT = 60


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        return ok


def create_accounts(conf):
    """What systemd-sysusers would do with the conf, with the shadow tools (works in containers)."""
    for entry in parse_sysusers(conf):
        if entry[0] == "g" and not exists(grp.getgrnam, entry[1]):
            run(["groupadd", "--system", entry[1]])
        elif entry[0] == "u" and not exists(pwd.getpwnam, entry[1]):
            _, name, gecos, home = entry
            run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", home,
                 "--shell", "/usr/sbin/nologin", "--comment", gecos, name])
        elif entry[0] == "m":
            _, user, group = entry
            if user not in grp.getgrnam(group).gr_mem:
                run(["usermod", "-aG", group, user])


def exists(lookup, name):
    try:
        lookup(name)
        return True
    except KeyError:
        return False


def run(command, **options):
    return subprocess.run(command, check=True, capture_output=True, text=True, **options)


class Prober:
    """Runs the wire client or a file read as a given identity, via setpriv."""

    def __init__(self, sandbox):
        self.client = sandbox.directory("/usr/local/libexec", 0o755) + "/wire_client.py"
        shutil.copyfile(Path(__file__).resolve().parent / "wire_client.py", self.client)
        os.chmod(self.client, 0o755)
        # The probes run as service users, who cannot read a toolchain under /root (pyenv).
        self.python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable

    def call(self, identity, socket_path, op, args=None):
        command = identity.setpriv() + ["--", self.python, "-I", "-S", self.client, socket_path, op]
        command.append(json.dumps(args or {}))
        done = subprocess.run(command, capture_output=True, text=True, cwd="/", timeout=PROBE_TIMEOUT)
        try:
            return json.loads(done.stdout)
        except json.JSONDecodeError:
            return {"client_failed": done.returncode, "stderr": done.stderr.strip()[-300:]}

    def read(self, identity, path):
        """(succeeded, stderr) of `cat` (or `ls` for a folder) run as the identity."""
        tool = ["ls", "-A"] if os.path.isdir(path) else ["cat"]
        done = subprocess.run(identity.setpriv() + ["--"] + tool + [path], capture_output=True, cwd="/",
                              timeout=PROBE_TIMEOUT)
        return done.returncode == 0, done.stderr.decode("utf-8", "replace").strip()


def refusal(outcome):
    """How a connection was refused (EACCES at connect, or a peer.forbidden frame), else None."""
    if outcome.get("connect_errno") == "EACCES":
        return "EACCES on connect"
    frame = outcome.get("unsolicited") or outcome.get("response") or {}
    if frame.get("ok") is False and frame.get("error", {}).get("code") == "peer.forbidden":
        return "peer.forbidden"
    return None


def result_of(outcome):
    frame = outcome.get("response") or {}
    return frame.get("result") if frame.get("ok") else None


def outbox_messages(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as outbox:
        return [json.loads(line) for line in outbox if line.strip()]


def check_install(results, sandbox, bin_dir):
    """scripts/install.sh staged into the sandbox: the key is private and never overwritten."""
    environment = dict(os.environ, DESTDIR=sandbox.root, PREFIX="/usr/local")
    run([str(REPO / "scripts/install.sh"), "--bin-dir", bin_dir], env=environment, cwd=REPO)
    key = sandbox.path("/etc/twofold/vault-master-key")
    info = os.stat(key)
    results.check(
        "install.sh creates the master key: 32 bytes, root:root, mode 0600",
        info.st_size == 32 and info.st_uid == 0 and info.st_gid == 0 and stat.S_IMODE(info.st_mode) == 0o600,
        f"size {info.st_size}, owner {info.st_uid}:{info.st_gid}, mode {oct(stat.S_IMODE(info.st_mode))}")
    before = Path(key).read_bytes()
    run([str(REPO / "scripts/install.sh"), "--bin-dir", bin_dir], env=environment, cwd=REPO)
    results.check("install.sh run again keeps the existing master key", Path(key).read_bytes() == before)
    for path, mode, user, group in parse_tmpfiles(sandbox.path("/etc/tmpfiles.d/twofold.conf")):
        sandbox.directory(path, mode, pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid)


def check_started(results, service):
    ok, detail = service.start()
    if not results.check(f"{service.name} starts as its unit says and reports READY=1", ok, detail):
        return False
    uid, gid, groups = service.running_identity()
    expected = (service.identity.uid, service.identity.gid, service.identity.groups)
    results.check(f"{service.name} runs as {service.identity} with the unit's groups", (uid, gid, groups) == expected,
                  f"running as {(uid, gid, groups)}, expected {expected}")
    return True


def scenario(results, sandbox, bin_dir):
    check_install(results, sandbox, bin_dir)
    create_accounts(sandbox.path("/etc/sysusers.d/twofold.conf"))
    prober = Prober(sandbox)
    sms = Service(sandbox, "twofold-sms.service")
    vault = Service(sandbox, "twofold-vault.service")
    port = free_port()
    # Free ports instead of the unit's fixed ones (another gateway may hold them); the metrics
    # listener takes any (port 0).
    ports = {"127.0.0.1:8080": "127.0.0.1:%d" % port, "127.0.0.1:9464": "127.0.0.1:0"}
    gateway_service = Service(sandbox, "twofold-gateway.service", adjust=lambda argv: [ports.get(w, w) for w in argv])
    gateway = gateway_service.identity
    nobody = Identity("nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name)
    vault_socket = sandbox.path("/run/twofold-vault/vault.sock")
    sms_socket = sandbox.path("/run/twofold-sms/sms.sock")
    outbox = sandbox.path("/var/lib/twofold-sms/outbox.jsonl")
    services = [sms, vault, gateway_service]
    try:
        if not check_started(results, sms) or not check_started(results, vault):
            return
        signed_up = None
        if check_started(results, gateway_service):
            signed_up = login_flow(results, sandbox, prober, port, nobody_identity=Identity("nobody", nobody_group()))

        # (d) the gateway's user reaches the vault.
        health = prober.call(gateway, vault_socket, "health")
        results.check("twofold-gw can call the vault: health is ok",
                      (result_of(health) or {}).get("status") == "ok", json.dumps(health))

        # (d') a compromised gateway (its identity, on the vault's socket) cannot add a passkey of
        # its own: the vault issues a registration challenge only for a current authenticator
        # code, and accepts no answer to a challenge it did not issue (issue 18).
        if signed_up:
            passkey_probes(results, prober, gateway, vault_socket, signed_up)

        # (e) the vault's user reaches the sms-sender, directly and through recovery.start.
        health = prober.call(vault.identity, sms_socket, "health")
        results.check("twofold-vault can call the sms-sender: health is ok",
                      (result_of(health) or {}).get("status") == "ok", json.dumps(health))
        before = len(outbox_messages(outbox))
        phone = prober.call(gateway, vault_socket, "phone.set", {"user": "u-isolation", "phone": PHONE})
        start = prober.call(gateway, vault_socket, "recovery.start", {"user": "u-isolation"})
        sent = [m for m in outbox_messages(outbox)[before:] if m.get("to") == PHONE]
        results.check("recovery.start through the vault puts the SMS in the sms-sender's outbox",
                      result_of(phone) is not None and result_of(start) is not None and len(sent) == 1,
                      f"phone.set {json.dumps(phone)}, recovery.start {json.dumps(start)}, {len(sent)} new SMS")

        # (a) neither the gateway's nor the sms-sender's user can read the vault's secrets, nor
        # the gateway the outbox (it holds recovery codes).
        secret_paths = [sandbox.path("/etc/twofold/vault-master-key"), sandbox.path("/etc/twofold"),
                        sandbox.path("/run/credentials/twofold-vault.service/master-key")]
        state = sandbox.path("/var/lib/twofold-vault")
        secret_paths.append(state)
        for folder, _, files in os.walk(state):
            secret_paths += [os.path.join(folder, name) for name in sorted(files)]
        for identity in (gateway, sms.identity):
            for path in secret_paths:
                check_unreadable(results, prober, identity, path, sandbox)
        check_unreadable(results, prober, gateway, outbox, sandbox)

        # (b), (c) refused connections.
        for identity, path, what in ((gateway, sms_socket, "the sms-sender"), (nobody, vault_socket, "the vault"),
                                     (nobody, sms_socket, "the sms-sender")):
            outcome = prober.call(identity, path, "health")
            how = refusal(outcome)
            results.check(f"{identity} is refused by {what}" + (f" ({how})" if how else ""), how is not None,
                          json.dumps(outcome))
        # Defence in depth: file permissions alone are not the gate; a member of the clients group
        # that is not the expected user is still refused by the peer-credential check.
        for group, path, what in (("twofold-vault-clients", vault_socket, "the vault"),
                                  ("twofold-sms-clients", sms_socket, "the sms-sender")):
            intruder = Identity("nobody", nobody_group(), [group])
            outcome = prober.call(intruder, path, "health")
            results.check(f"nobody in {group} is refused by {what}'s peer check",
                          refusal(outcome) == "peer.forbidden", json.dumps(outcome))
    finally:
        for service in reversed(services):
            if service.process is None:
                continue
            status = service.stop()
            results.check(f"{service.name} exits 0 on SIGTERM", status == 0,
                          f"status {status}:\n{service.log_tail()}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def totp(secret, step):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def http_json(port, method, path, body=None, token=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else None)


def login_flow(results, sandbox, prober, port, nobody_identity):
    """An invite from the admin socket (as root), then sign-up, setup, logout and login over HTTP:
    the gateway (twofold-gw) talks to the vault, which talks to the sms-sender."""
    admin_socket = sandbox.path("/run/twofold-gateway/admin.sock")
    root = Identity("root", "root")
    account = result_of(prober.call(root, admin_socket, "account.create", {"name": "Isolation Co"}))
    invite = result_of(prober.call(root, admin_socket, "invite.create",
                                   {"email": "iso@example.com", "accounts": ["Isolation Co"]}))
    if not results.check("root creates an account and an invite on the gateway's admin socket",
                         account is not None and invite is not None, f"{account} {invite}"):
        return
    outcome = prober.call(nobody_identity, admin_socket, "user.list")
    results.check("nobody is refused by the admin socket", refusal(outcome) is not None, json.dumps(outcome))
    # An operator is a member of twofold-admin through a supplementary group (usermod -aG).
    operator = Identity(nobody_identity.user, nobody_group(), ["twofold-admin"])
    outcome = prober.call(operator, admin_socket, "user.list")
    results.check("a member of twofold-admin (supplementary group) is admitted by the admin socket",
                  result_of(outcome) is not None, json.dumps(outcome))
    token = invite["link"].rsplit("/", 1)[1]
    status, body = http_json(port, "POST", f"/api/v1/invites/{token}/accept", {
        "email": "iso@example.com", "temporary_password": invite["temporary_password"],
        "new_password": "isolation passphrase 42", "phone": PHONE})
    if not results.check("sign-up through the gateway's HTTP API", status == 201, f"{status} {body}"):
        return
    session = body["session_token"]
    status, setup = http_json(port, "POST", "/api/v1/mfa/setup", {}, session)
    if not results.check("the gateway gets a new authenticator from the vault", status == 200, f"{status} {setup}"):
        return
    step = int(time.time()) // 30
    status, body = http_json(port, "POST", "/api/v1/mfa/confirm",
                             {"enrollment_id": setup["enrollment_id"], "code": totp(setup["secret"], step)}, session)
    results.check("the vault confirms the authenticator", status == 200 and body.get("stage") == "full",
                  f"{status} {body}")
    http_json(port, "POST", "/api/v1/logout", {}, (body or {}).get("session_token"))
    status, body = http_json(port, "POST", "/api/v1/login",
                             {"email": "iso@example.com", "password": "isolation passphrase 42"})
    results.check("password login across the users", status == 200 and body.get("stage") == "password",
                  f"{status} {body}")
    # The vault accepts one step ahead and never a step twice: the next step is always fresh.
    status, body = http_json(port, "POST", "/api/v1/login/code", {"code": totp(setup["secret"], step + 1)},
                             (body or {}).get("session_token"))
    results.check("the code step across the users signs in", status == 200 and body.get("stage") == "full",
                  f"{status} {body}")
    status, me = http_json(port, "GET", "/api/v1/me", token=(body or {}).get("session_token"))
    results.check("the signed-in user sees the account", status == 200 and (me.get("account") or {}).get("name")
                  == "Isolation Co", f"{status} {me}")
    gateway_state = sandbox.path("/var/lib/twofold-gateway")
    for path in [gateway_state] + [os.path.join(folder, name) for folder, _, files in os.walk(gateway_state)
                                   for name in files]:
        check_unreadable(results, prober, nobody_identity, path, sandbox)
    return ((me or {}).get("user") or {}).get("id")


def passkey_probes(results, prober, gateway, vault_socket, user):
    """What the gateway's identity gets from the vault's passkey operations for an enrolled user."""
    def error_code(outcome):
        return (((outcome or {}).get("response") or {}).get("error") or {}).get("code")

    begin = prober.call(gateway, vault_socket, "webauthn.register.begin", {"user": user, "name": "Gateway's own"})
    results.check("the gateway cannot start a passkey registration without a code (totp.code_required)",
                  error_code(begin) == "totp.code_required", json.dumps(begin))
    begin = prober.call(gateway, vault_socket, "webauthn.register.begin", {"user": user, "code": "000000"})
    results.check("nor with a wrong code (totp.code_rejected, counted)",
                  error_code(begin) == "totp.code_rejected", json.dumps(begin))
    made_up = {"user": user, "challenge_id": "0" * 32, "client_data_json": "e30", "attestation_object": "oA"}
    finish = prober.call(gateway, vault_socket, "webauthn.register.finish", made_up)
    results.check("nor finish one against a challenge the vault never issued (webauthn.challenge_unknown)",
                  error_code(finish) == "webauthn.challenge_unknown", json.dumps(finish))
    listed = result_of(prober.call(gateway, vault_socket, "webauthn.credentials.list", {"user": user}))
    results.check("the user has no passkey the gateway added", listed == {"credentials": []}, json.dumps(listed))


def nobody_group():
    return grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name


def check_unreadable(results, prober, identity, path, sandbox):
    name = path.replace(sandbox.root, "")
    readable, error = prober.read(identity, path)
    results.check(f"{identity} cannot read {name}", not readable and "Permission denied" in error,
                  "it could" if readable else error)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin-dir", default=str(REPO / ".build/debug"), help="where the built executables are")
    parser.add_argument("--keep", action="store_true", help="keep the temporary root for inspection")
    options = parser.parse_args()
    if os.geteuid() != 0:
        print("isolation test skipped: it must run as root (it creates users and switches to them)")
        return 0
    for product in ("secret-vault", "sms-sender", "auth-gateway", "twofold"):
        if not os.access(os.path.join(options.bin_dir, product), os.X_OK):
            print(f"isolation test: {options.bin_dir}/{product} is missing; run swift build first")
            return 1
    results = Results()
    sandbox = Sandbox()
    try:
        scenario(results, sandbox, os.path.abspath(options.bin_dir))
    except (subprocess.CalledProcessError, OSError, KeyError, ValueError) as error:
        detail = getattr(error, "stderr", "") or ""
        results.check("the test ran to the end", False, f"{error} {detail}".strip())
    finally:
        if options.keep:
            print(f"kept {sandbox.root}")
        else:
            shutil.rmtree(sandbox.root, ignore_errors=True)
    print(f"{results.passed} passed, {results.failed} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
