"""Servers under test as separate processes, pinned to their own core, and what /proc says.

Both servers are started the way an operator starts them (``grievance-bot run`` with its
environment; the bare app through the same ``make_server``), each in its own process, so
the figures include nothing of the bench itself. On a machine with two or more usable
cores the server gets one core and the bench (load generator and Slack emulator) another,
so neither can starve the other; with one core nothing is pinned and the report says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: Variables of the caller that must not leak into a server under test.
_SCRUBBED = ("SLACK_", "DATABASE_URL", "PORT", "LOG_LEVEL")
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Cores:
    """Which core serves and which core drives the load (None: nothing is pinned)."""

    server: int | None
    bench: int | None

    @classmethod
    def pick(cls) -> Cores:
        usable = sorted(os.sched_getaffinity(0))
        if len(usable) < 2:
            return cls(None, None)
        return cls(usable[0], usable[1])

    def describe(self) -> str:
        if self.server is None:
            return "one usable core: server and load generator share it (nothing pinned)"
        return (
            f"server process pinned to core {self.server}; load generator and Slack "
            f"emulator pinned to core {self.bench}"
        )


def pin(pid: int, core: int | None) -> None:
    """Keep ``pid`` (0: this process) on ``core``; threads started later inherit it."""
    if core is not None:
        os.sched_setaffinity(pid, {core})


@contextlib.contextmanager
def pinned(core: int | None) -> Iterator[None]:
    """Run this process on ``core`` for a while, then give it back every core it had."""
    before = os.sched_getaffinity(0)
    pin(0, core)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), in MiB."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def is_healthy(url: str) -> bool:
    """``url`` answers 200 (the bot's ``/healthz``)."""
    try:
        with _DIRECT.open(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def is_listening(port: int) -> bool:
    """Something accepts connections on ``port`` (the bare app has no health route)."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Server:
    """A server process on loopback, its log file, and how long it took to become healthy."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    started_in: float = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_until(self, ready: Callable[[], bool], timeout: float = 30.0) -> float:
        """Seconds from now until ``ready()``; fails if the process dies first."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            if ready():
                return time.perf_counter() - started
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} was not healthy after {timeout} s")

    def stop(self) -> None:
        """SIGTERM (drain and exit, as in production), then SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _environment(extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED)}
    env.update(extra)
    return env


def spawn(
    name: str,
    args: list[str],
    env: Mapping[str, str],
    *,
    workdir: Path,
    core: int | None,
    port: int,
) -> Server:
    """Start a server process with ``env`` only, pinned at once (before it starts threads).

    Its output goes to a log file: a pipe nobody reads would fill and stall the server.
    """
    log = workdir / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            args, cwd=workdir, env=_environment(env), stdout=sink, stderr=subprocess.STDOUT
        )
    pin(process.pid, core)
    return Server(name, process, port, log)


def start_bot(
    *,
    workdir: Path,
    database_url: str,
    api_url: str,
    token: str,
    secret: str,
    core: int | None,
    scheduler: bool = False,
) -> Server:
    """``grievance-bot run`` in HTTP mode against the emulator; waits for ``/healthz``.

    ``started_in`` is the time from spawning the process to its first healthy answer.
    """
    port = free_port()
    args = [sys.executable, "-m", "bot", "run"] + ([] if scheduler else ["--no-scheduler"])
    env = {
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    spawned = time.perf_counter()
    server = spawn("grievance-bot", args, env, workdir=workdir, core=core, port=port)
    _await(server, lambda: is_healthy(server.base_url + "/healthz"))
    server.started_in = time.perf_counter() - spawned
    return server


def _await(server: Server, ready: Callable[[], bool]) -> None:
    """Wait for ``ready()``; a server that never gets there is stopped, not left behind."""
    try:
        server.wait_until(ready)
    except BaseException:
        server.stop()
        raise


def start_bare(*, workdir: Path, api_url: str, token: str, secret: str, core: int | None) -> Server:
    """The bare Bolt app (``bench.bare_bolt``) under the same server settings."""
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": api_url,
        "PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    args = [sys.executable, "-m", "bench.bare_bolt"]
    server = spawn("bare-bolt", args, env, workdir=workdir, core=core, port=port)
    _await(server, lambda: is_listening(port))
    return server
