"""Readers for the deploy/ files the isolation test obeys: systemd unit files (only what a
service's identity and command line need), sysusers.d and tmpfiles.d lines. Deliberately small:
the test must use the very values systemd would read, not a copy typed into the test."""

import re
import shlex


class Unit:
    """The [Service] settings of one unit file. `values(key)` lists every assignment in order;
    an empty assignment (`Key=`) resets the list, as systemd does."""

    def __init__(self, name, settings):
        self.name = name
        self._settings = settings

    def values(self, key):
        return list(self._settings.get(key, []))

    def is_set(self, key):
        """Whether the key appears at all (`CapabilityBoundingSet=` alone means "none")."""
        return key in self._settings

    def value(self, key, default=None):
        found = self.values(key)
        return found[-1] if found else default

    def words(self, key):
        """A space-separated list setting (SupplementaryGroups=, RuntimeDirectory=, ...)."""
        return [word for value in self.values(key) for word in value.split()]

    def exec_start(self, environment):
        """ExecStart= split into argv as systemd does: quotes honoured, `${VAR}` expanded to one
        word, `$VAR` to words; a leading `-`, `@`, `:` or `!` prefix is refused (the test would
        not emulate it)."""
        commands = self.values("ExecStart")
        if len(commands) != 1:
            raise ValueError(f"{self.name}: expected one ExecStart=, found {len(commands)}")
        line = commands[0]
        if line[:1] in "-@:!+":
            raise ValueError(f"{self.name}: ExecStart= prefixes are not emulated")
        argv = []
        for word in shlex.split(line):
            whole = re.fullmatch(r"\$(\w+)", word)
            if whole:
                argv.extend(environment.get(whole.group(1), "").split())
                continue
            argv.append(re.sub(r"\$\{(\w+)\}", lambda m: environment.get(m.group(1), ""), word))
        return argv


def parse_unit(path, name):
    settings = {}
    section = None
    pending = ""
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            stripped = line.strip()
            if not pending and (not stripped or stripped[0] in "#;"):
                continue
            if pending and stripped[:1] in ("#", ";"):
                continue  # comment lines inside a continuation are skipped (systemd >= 240)
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line = (pending + line).strip()
            pending = ""
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
                continue
            if section != "Service" or "=" not in line:
                continue
            key, value = line.split("=", 1)
            key, value = key.strip(), value.strip()
            if value == "":
                settings[key] = []
            else:
                settings.setdefault(key, []).append(value)
    return Unit(name, settings)


def parse_sysusers(path):
    """`g NAME`, `u NAME ID "GECOS" HOME`, `m USER GROUP` lines, as tuples in file order."""
    entries = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            words = shlex.split(raw, comments=True)
            if not words:
                continue
            kind = words[0]
            if kind == "g":
                entries.append(("g", words[1]))
            elif kind == "u":
                gecos = words[3] if len(words) > 3 and words[3] != "-" else ""
                home = words[4] if len(words) > 4 and words[4] != "-" else "/"
                entries.append(("u", words[1], gecos, home))
            elif kind == "m":
                entries.append(("m", words[1], words[2]))
            else:
                raise ValueError(f"sysusers line type '{kind}' is not emulated")
    return entries


def parse_tmpfiles(path):
    """`d PATH MODE USER GROUP` lines as (path, mode, user, group)."""
    entries = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            words = shlex.split(raw, comments=True)
            if not words:
                continue
            if words[0] != "d":
                raise ValueError(f"tmpfiles line type '{words[0]}' is not emulated")
            entries.append((words[1], int(words[2], 8), words[3], words[4]))
    return entries


def seconds(value):
    """A systemd time span such as `30s`, `1min`, `500ms` or `20`, in seconds."""
    total = 0.0
    units = {"us": 1e-6, "ms": 1e-3, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}
    for number, unit in re.findall(r"([\d.]+)\s*([a-z]*)", value):
        total += float(number) * units.get(unit or "s", 1)
    return total
