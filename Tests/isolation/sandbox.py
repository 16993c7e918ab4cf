"""The systemd emulation of the isolation test: users as setpriv arguments, a temporary root that
stands in for /, and services started the way their unit files say (see isolation_test.py)."""

import grp
import os
import pwd
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

from unitfiles import parse_unit, seconds

START_TIMEOUT = 60.0


class Identity:
    """Who a process runs as: uid, primary gid and the full supplementary group list."""

    def __init__(self, user, group=None, extra_groups=()):
        entry = pwd.getpwnam(user)
        self.user = user
        self.uid = entry.pw_uid
        self.gid = grp.getgrnam(group).gr_gid if group else entry.pw_gid
        # systemd: initgroups(User=, Group=) plus SupplementaryGroups=.
        groups = set(os.getgrouplist(user, self.gid))
        groups |= {grp.getgrnam(name).gr_gid for name in extra_groups}
        self.groups = sorted(groups)

    @classmethod
    def of_unit(cls, unit):
        return cls(unit.value("User"), unit.value("Group"), unit.words("SupplementaryGroups"))

    def setpriv(self):
        groups = ",".join(str(g) for g in self.groups)
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", f"--groups={groups}"]

    def __str__(self):
        return self.user


class Sandbox:
    """The temporary root standing in for /."""

    MOVED = ("/run/", "/var/lib/", "/etc/", "/usr/local/")

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="twofold-iso-")
        os.chmod(self.root, 0o755)

    def path(self, absolute):
        if absolute.startswith(self.root):
            return absolute
        if any(absolute.startswith(prefix) for prefix in self.MOVED):
            return self.root + absolute
        return absolute

    def rewrite(self, word):
        """An argv word with its absolute path (whole word or after `=`) moved under the root."""
        if word.startswith("/"):
            return self.path(word)
        if "=" in word:
            key, value = word.split("=", 1)
            if value.startswith("/"):
                return key + "=" + self.path(value)
        return word

    def directory(self, absolute, mode, uid=0, gid=0):
        path = self.path(absolute)
        os.makedirs(path, exist_ok=True)
        os.chown(path, uid, gid)
        os.chmod(path, mode)
        return path


class Service:
    """One unit started the way systemd would start it, under the sandbox."""

    def __init__(self, sandbox, name, adjust=None):
        self.sandbox = sandbox
        self.name = name
        self.adjust = adjust or (lambda argv: argv)
        self.unit = parse_unit(sandbox.path(f"/etc/systemd/system/{name}"), name)
        self.identity = Identity.of_unit(self.unit)
        self.process = None
        self.notify = None
        self.log_path = sandbox.directory("/var/log/isolation", 0o755) + f"/{name}.log"

    def prepare(self):
        ident = self.identity
        environment = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG": "C.UTF-8",
            "USER": ident.user,
            "LOGNAME": ident.user,
            "HOME": pwd.getpwnam(ident.user).pw_dir,
            "SHELL": pwd.getpwnam(ident.user).pw_shell,
            "INVOCATION_ID": secrets.token_hex(16),
        }
        for key, base in (("RuntimeDirectory", "/run/"), ("StateDirectory", "/var/lib/")):
            mode = int(self.unit.value(key + "Mode", "0755"), 8)
            paths = [
                self.sandbox.directory(base + name, mode, ident.uid, ident.gid) for name in self.unit.words(key)
            ]
            if paths:
                environment[key.replace("Directory", "_DIRECTORY").upper()] = ":".join(paths)
        credentials = self.unit.values("LoadCredential")
        if credentials:
            folder = self.sandbox.directory(f"/run/credentials/{self.name}", 0o700)
            for entry in credentials:
                name, source = entry.split(":", 1)
                target = os.path.join(folder, name)
                shutil.copyfile(self.sandbox.path(source), target)
                os.chown(target, ident.uid, ident.gid)
                os.chmod(target, 0o400)
            os.chown(folder, ident.uid, ident.gid)
            os.chmod(folder, 0o500)
            environment["CREDENTIALS_DIRECTORY"] = folder
        notify_folder = self.sandbox.directory("/run/systemd/notify", 0o755)
        notify_path = os.path.join(notify_folder, self.name)
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(notify_path)
        os.chmod(notify_path, 0o777)
        self.notify.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        environment["NOTIFY_SOCKET"] = notify_path
        if self.unit.value("WatchdogSec"):
            environment["WATCHDOG_USEC"] = str(int(seconds(self.unit.value("WatchdogSec")) * 1_000_000))
        argv = self.adjust([self.sandbox.rewrite(word) for word in self.unit.exec_start(environment)])
        return argv, environment

    def start(self):
        argv, environment = self.prepare()
        command = self.identity.setpriv()
        if self.unit.value("NoNewPrivileges") == "yes":
            command.append("--no-new-privs")
        if self.unit.is_set("CapabilityBoundingSet") and not self.unit.values("CapabilityBoundingSet"):
            command += ["--bounding-set=-all", "--inh-caps=-all"]
        umask = int(self.unit.value("UMask", "0022"), 8)
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            command + ["--"] + argv, env=environment, cwd="/", stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            preexec_fn=lambda: os.umask(umask))
        log.close()
        return self.wait_ready()

    def wait_ready(self):
        """READY=1 on the notify socket from the main pid (NotifyAccess=main), else why not."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False, f"exited with {self.process.returncode}:\n{self.log_tail()}"
            self.notify.settimeout(0.2)
            try:
                data, ancillary, _, _ = self.notify.recvmsg(4096, socket.CMSG_SPACE(12))
            except socket.timeout:
                continue
            sender = None
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    sender = struct.unpack("iII", payload[:12])[0]
            if "READY=1" in data.decode("utf-8", "replace").split("\n"):
                if sender != self.process.pid:
                    return False, f"READY=1 came from pid {sender}, not the main pid {self.process.pid}"
                return True, ""
        return False, f"no READY=1 within {START_TIMEOUT:.0f}s:\n{self.log_tail()}"

    def running_identity(self):
        """(uid, gid, groups) the kernel reports for the running main process."""
        fields = {}
        with open(f"/proc/{self.process.pid}/status", encoding="utf-8") as status:
            for line in status:
                key, _, value = line.partition(":")
                fields[key] = value.split()
        return int(fields["Uid"][1]), int(fields["Gid"][1]), sorted(int(g) for g in fields["Groups"])

    def stop(self):
        """SIGTERM, then SIGKILL after TimeoutStopSec=; returns the exit status (None if killed)."""
        if self.notify:
            self.notify.close()
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=seconds(self.unit.value("TimeoutStopSec", "15s")))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return "(no log)"
