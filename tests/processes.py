"""Servers and workers started by a test as real processes (manage.py, gunicorn), all
stopped at its end: for what one test process cannot show (other processes, real
parallel requests on a database file)."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """Servers and workers started for one test, all stopped at its end."""

    def __init__(self, env, log_dir: Path):
        self.env, self.log_dir, self.started = env, log_dir, []

    def manage(self, *args) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
            capture_output=True, text=True,
        ).stdout  # fmt: skip

    def start(self, name, *command):
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 (closed in stop())
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.started.append((process, log))

    def server(self, name, *command) -> str:
        port = free_port()
        self.start(name, *[part.format(port=port) for part in command])
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                return base
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{name} did not start: {(self.log_dir / f'{name}.log').read_text()}")

    def stop(self):
        for process, _log in self.started:
            process.terminate()
        for process, log in self.started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def page(url) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()
