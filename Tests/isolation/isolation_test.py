#!/usr/bin/env python3
"""Isolation test: the deployed users, groups, folders and sockets keep each Twofold process to
what it needs (issue 8). Run as root through scripts/isolation-test.sh.

It stages an install into a temporary root (scripts/install.sh with DESTDIR), creates the users
and groups of deploy/sysusers.d with groupadd/useradd/usermod, then starts sms-sender and
secret-vault from their staged unit files the way systemd would (see sandbox.py). The gateway is
not started: its unit's identity (User=, Group=, SupplementaryGroups=) is used for the probes a
compromised gateway could make. Prints `N passed, M failed`; exits 1 on any failure.
"""

import argparse
import grp
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
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
    gateway = Identity.of_unit(parse_unit(sandbox.path("/etc/systemd/system/twofold-gateway.service"), "gateway"))
    nobody = Identity("nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name)
    vault_socket = sandbox.path("/run/twofold-vault/vault.sock")
    sms_socket = sandbox.path("/run/twofold-sms/sms.sock")
    outbox = sandbox.path("/var/lib/twofold-sms/outbox.jsonl")
    services = [sms, vault]
    try:
        if not check_started(results, sms) or not check_started(results, vault):
            return

        # (d) the gateway's user reaches the vault.
        health = prober.call(gateway, vault_socket, "health")
        results.check("twofold-gw can call the vault: health is ok",
                      (result_of(health) or {}).get("status") == "ok", json.dumps(health))

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
    for product in ("secret-vault", "sms-sender", "twofold"):
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
