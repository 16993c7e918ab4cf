"""The README's first command, as a newcomer types it: `scripts/run` installs what is missing,
builds, and starts the system, every time (not only the first: an up-to-date build used to make
it exit 1 without a word). Twice in a row, each run must reach "Twofold is running." and serve;
Ctrl-C (SIGINT to the whole process group) and SIGTERM stop it with status 0, and a `--fresh`
run's temporary folder, master key included, is gone afterwards."""

import os
import queue
import re
import signal
import subprocess
import threading
import time

import harness
from client import request

# The build is normally up to date (scripts/test and e2e-test.sh build first with the same
# flags); a cold build on two cores takes minutes.
START_TIMEOUT = 900


class ScriptsRun(harness.E2ETestCase):
    def start(self):
        port = harness.free_port()
        process = subprocess.Popen(
            [str(harness.REPO / "scripts" / "run"), "--fresh", "--listen", f"127.0.0.1:{port}", "--scrypt-log-n", "10"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self.addCleanup(self.kill, process)
        # A thread reads the output line by line (what it printed after the summary is for stop()).
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in process.stdout] + [lines.put(None)], daemon=True).start()
        seen = self.read_until(process, lines, "Press Ctrl-C to stop.")
        folder = next((m.group(1) for m in (re.match(r"\s*Data folder:\s+(\S+)", line) for line in seen) if m), None)
        self.assertIn("Twofold is running.\n", seen)
        self.assertIsNotNone(folder, "".join(seen))
        self.assertTrue(os.path.isfile(os.path.join(folder, "master-key")))
        health = request(port, "GET", "/healthz")
        self.assertEqual(health.status, 200, health)
        return process, folder, lines

    def read_until(self, process, lines, marker):
        seen = []
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            seen.append(line)
            if marker in line:
                return seen
        self.fail(f"scripts/run did not print {marker!r} (status {process.poll()}):\n" + "".join(seen[-40:]))

    def stop(self, process, lines, how):
        if how == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)  # what a terminal sends its foreground group
        else:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        output = []
        while (line := lines.get(timeout=10)) is not None:
            output.append(line)
        return "".join(output)

    @staticmethod
    def kill(process):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()

    def test_scripts_run_twice_in_a_row_starts_the_system_both_times_and_cleans_up_after_itself(self):
        for how in ("ctrl-c", "sigterm"):
            with self.subTest(stopped_by=how):
                process, folder, lines = self.start()
                output = self.stop(process, lines, how)
                self.assertEqual(process.returncode, 0, output)
                self.assertIn("twofold: stopped", output)
                self.assertIn(f"removed the temporary data folder {folder}", output)
                self.assertFalse(os.path.exists(folder), f"{folder} is left behind")
