"""Footprint: how fast ``grievance-bot run`` starts, and how much memory it holds.

The bot is started as an operator starts it (``grievance-bot run``, scheduler included)
against the emulator: first on an empty database, where start-up includes the
migrations, then restarted on the migrated one. Start-up is the time from spawning the
process to its first ``200`` from ``/healthz``. Memory is the process's resident set
(``VmRSS``, and its peak ``VmHWM``) when idle after start-up and after 10,000 Slack
requests (commands, thread replies and reactions), once the work they started is done.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import loadgen, payloads
from bench.latency import seed_threads, settle
from bench.processes import Cores, Server, memory_mb, pinned, start_bot
from bench.report import Check, Section, Table
from bot.sandbox.webapi import EmulatorServer

RSS_LIMIT_MB = 150.0
STARTUP_LIMIT = 2.0
IDLE_SECONDS = 3.0
CLIENTS = 10
#: Events outnumber commands in a real workspace: one command to two replies, two reactions.
MIX = (payloads.COMMAND, payloads.REPLY, payloads.REACTION, payloads.REPLY, payloads.REACTION)


@dataclass(frozen=True)
class Scale:
    restarts: int
    requests: int
    channels: int


FULL = Scale(restarts=3, requests=10_000, channels=20)
QUICK = Scale(restarts=1, requests=150, channels=3)


@dataclass(frozen=True)
class Footprint:
    """Start-up times (what, seconds) and resident memory in MiB."""

    starts: list[tuple[str, float]]
    idle: float
    loaded: float
    peak: float
    loaded_in: float
    failures: int


def _measure(scale: Scale, cores: Cores, workdir: Path) -> Footprint:
    workspace = payloads.bench_workspace(scale.channels)
    secret = secrets.token_hex(16)
    with EmulatorServer(workspace) as emulator, loadgen.pool(cores.bench) as pool:

        def start() -> Server:
            return start_bot(
                workdir=workdir,
                database_url=f"sqlite:///{workdir / 'footprint.db'}",
                api_url=emulator.base_url,
                token=workspace.bot_token,
                secret=secret,
                core=cores.server,
                scheduler=True,
            )

        starts = []
        for attempt in range(scale.restarts):
            server = start()  # a server that never becomes healthy is stopped by start_bot
            server.stop()
            starts.append(("empty database" if attempt == 0 else "migrated database", server))
        bot = start()
        starts.append(("migrated database", bot))
        try:
            time.sleep(IDLE_SECONDS)
            idle, _ = memory_mb(bot.pid)
            signer = payloads.Signer(workspace, secret, emulator.root_url)
            roots = seed_threads(workspace, signer, pool, bot)
            requests = payloads.mixed(signer, scale.requests, roots, MIX)
            began = time.perf_counter()
            result = pool.submit(loadgen.closed_loop, bot.port, requests, CLIENTS).result()
            settle(bot)
            loaded_in = time.perf_counter() - began
            loaded, peak = memory_mb(bot.pid)
        finally:
            bot.stop()
    return Footprint(
        [(what, server.started_in) for what, server in starts],
        idle,
        loaded,
        peak,
        loaded_in,
        result.failures,
    )


def run(quick: bool) -> Section:
    """Start, restart, idle, load; read /proc at each step."""
    scale = QUICK if quick else FULL
    cores = Cores.pick()
    with tempfile.TemporaryDirectory(prefix="bench-footprint-") as tmp, pinned(cores.bench):
        found = _measure(scale, cores, Path(tmp))
    slowest = max(seconds for _, seconds in found.starts)
    return Section(
        "Footprint",
        method=[
            "`grievance-bot run` (HTTP mode, scheduler on) against the emulator, on a "
            "temporary SQLite file. Start-up: spawn to first 200 from `/healthz`, once on "
            f"an empty database (migrations included), then {scale.restarts} more times on "
            f"the migrated one. Memory: VmRSS {IDLE_SECONDS:.0f} s after start-up, and after "
            f"{scale.requests:,} signed requests (one `/grievance` to two thread replies and "
            f"two reactions, {CLIENTS} clients) once the bot's work after acknowledging is "
            f"done; {cores.describe()}.",
        ],
        tables=[
            Table(
                "Start-up and resident memory of `grievance-bot run`",
                ["Measure", "Figure"],
                [
                    *([f"Start-up, {what}", f"{seconds:.2f} s"] for what, seconds in found.starts),
                    ["Resident memory, idle", f"{found.idle:.0f} MB"],
                    [
                        f"Resident memory after {scale.requests:,} requests",
                        f"{found.loaded:.0f} MB",
                    ],
                    ["Peak resident memory (VmHWM)", f"{found.peak:.0f} MB"],
                    [
                        f"{scale.requests:,} requests served and settled in",
                        f"{found.loaded_in:.1f} s ({found.failures} failed)",
                    ],
                ],
            )
        ],
        checks=[
            Check(
                f"resident memory after {scale.requests:,} requests",
                f"< {RSS_LIMIT_MB:.0f} MB",
                f"{found.loaded:.0f} MB",
                found.loaded < RSS_LIMIT_MB and found.failures == 0,
            ),
            Check(
                "start-up to healthy (slowest)",
                f"< {STARTUP_LIMIT:.0f} s",
                f"{slowest:.2f} s",
                slowest < STARTUP_LIMIT,
            ),
        ],
    )
