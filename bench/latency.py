"""Acknowledgement latency and throughput of the real bot over HTTP, beside a bare Bolt app.

Both servers run at once, each a process of its own pinned to the server core: the bot as
``grievance-bot run --no-scheduler`` against the Slack emulator and a fresh SQLite file,
the bare app (:mod:`bench.bare_bolt`) under the same ``make_server``. The load generator
(:mod:`bench.loadgen`) and the emulator share the other core. Every run is made against the
bare app and then the bot with the same kind, count and concurrency, so a noisy neighbour
hits both alike, and the bot is let finish its after-acknowledgement work before the next run.

The three requests are what Slack sends most: ``/grievance <text>`` (the bot checks the
channel with Slack, files and commits the grievance, then acknowledges; it posts the
grievance after), a reply in a grievance's thread and a ``+1`` reaction on a grievance
message (each recorded against Slack's retries in the database before the acknowledgement,
handled after it).

In the same run each kind's floor (:mod:`bench.floor`: its rows written with plain SQL) is
measured too, so step 10's CPU per request can be read between the floor and the bare app.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench import loadgen, payloads
from bench.floor import LOOKUP_ONLY, floor_cpu
from bench.processes import Cores, Server, cpu_seconds, pinned, start_bare, start_bot
from bench.report import Check, Section, Table, ms, percentile
from bot.sandbox.webapi import EmulatorServer
from bot.sandbox.workspace import Workspace

#: Slack's cap is 30,000 events an hour for a workspace; the open loop runs at ten times it.
OPEN_LOOP_RATE = 100.0
#: An earlier step's targets, checked at every concurrency: throughput and p99 against
#: the bare app's.
THROUGHPUT_FLOOR = 0.6
P99_CEILING = 1.5
#: Step 10: the open loop's p99 (every kind, and all together), with no error.
OPEN_LOOP_P99 = 0.030
#: Step 10's targets are checked at this many closed-loop clients.
STEP10_CLIENTS = 10
#: Step 10: server CPU seconds per request, the work after acknowledging included.
CPU_CEILINGS: dict[str, float] = {
    payloads.COMMAND: 0.0025,
    payloads.REPLY: 0.0010,
    payloads.REACTION: 0.0008,
}
#: Step 10: closed-loop throughput against the bare app's, per kind. Lower for events: the
#: bare app acknowledges one in a fraction of a millisecond, while it answers a command
#: only after Bolt's 10 ms poll for ``ack()``, which hides more of the bot's work.
STEP10_THROUGHPUT: dict[str, float] = {
    payloads.COMMAND: 0.6,
    payloads.REPLY: 0.4,
    payloads.REACTION: 0.4,
}


@dataclass(frozen=True)
class Scale:
    channels: int
    warmup: int
    requests: int
    concurrencies: tuple[int, ...]
    open_seconds: float
    open_rate: float


FULL = Scale(
    channels=100,
    warmup=50,
    requests=1500,
    concurrencies=(1, 10, 50),
    open_seconds=30,
    open_rate=OPEN_LOOP_RATE,
)
QUICK = Scale(
    channels=4, warmup=5, requests=60, concurrencies=(1, 10), open_seconds=3, open_rate=20
)


@dataclass
class Measured:
    """One run against one server: the load's view and the CPU it cost."""

    result: loadgen.LoadResult
    #: Server CPU seconds while the load ran, and until its work after acknowledging ended.
    server_cpu_during: float
    server_cpu: float
    #: CPU seconds of the bench's main process (the emulator) while the load ran.
    bench_cpu: float

    def p(self, fraction: float, kind: str | None = None) -> float:
        return percentile(
            [s.latency for s in self.result.samples if kind is None or s.kind == kind], fraction
        )


class _Bench:
    """The servers, the emulator and the load generator of one latency section.

    Everything started is registered on ``stack``, so a failure half-way stops it all.
    """

    def __init__(self, scale: Scale, workdir: Path, cores: Cores, stack: ExitStack) -> None:
        self.scale = scale
        self.workspace: Workspace = payloads.bench_workspace(scale.channels)
        self.emulator = stack.enter_context(EmulatorServer(self.workspace))
        secret = secrets.token_hex(16)
        self.signer = payloads.Signer(self.workspace, secret, self.emulator.root_url)
        common = {
            "api_url": self.emulator.base_url,
            "token": self.workspace.bot_token,
            "secret": secret,
            "core": cores.server,
        }
        self.bare = start_bare(workdir=workdir, **common)
        stack.callback(self.bare.stop)
        self.bot = start_bot(
            workdir=workdir, database_url=f"sqlite:///{workdir / 'latency.db'}", **common
        )
        stack.callback(self.bot.stop)
        self.pool = stack.enter_context(loadgen.pool(cores.bench))
        self.roots: dict[str, str] = {}

    def seed(self) -> None:
        self.roots = seed_threads(self.workspace, self.signer, self.pool, self.bot)

    def closed(
        self, server: Server, requests: Sequence[payloads.SignedRequest], concurrency: int
    ) -> Measured:
        return self._measure(server, loadgen.closed_loop, server.port, list(requests), concurrency)

    def opened(self, server: Server, requests: Sequence[payloads.SignedRequest]) -> Measured:
        return self._measure(
            server, loadgen.open_loop, server.port, list(requests), self.scale.open_rate
        )

    def _measure(
        self, server: Server, how: Callable[..., loadgen.LoadResult], *args: object
    ) -> Measured:
        server_cpu, bench_cpu = cpu_seconds(server.pid), time.process_time()
        result = self.pool.submit(how, *args).result()
        during = cpu_seconds(server.pid) - server_cpu
        bench_cpu = time.process_time() - bench_cpu
        settle(server)
        return Measured(result, during, cpu_seconds(server.pid) - server_cpu, bench_cpu)

    def batch(self, kind: str, count: int) -> list[payloads.SignedRequest]:
        return payloads.batch(self.signer, kind, count, self.roots)


def seed_threads(
    workspace: Workspace, signer: payloads.Signer, pool: Executor, bot: Server
) -> dict[str, str]:
    """File one grievance per channel and wait for the bot to post it: the thread roots
    that replies and reactions land on, by channel."""
    channels = payloads.bench_channels(workspace)
    requests = [signer.command("UANA", c, f"Seed grievance in {c}") for c in channels]
    pool.submit(loadgen.closed_loop, bot.port, requests, 4).result()
    roots: dict[str, str] = {}
    deadline = time.monotonic() + 60
    while len(roots) < len(channels) and time.monotonic() < deadline:
        with workspace.lock:
            for message in workspace.messages:
                if message.bot_id and message.channel in channels and not message.thread_ts:
                    roots.setdefault(message.channel, message.ts)
        time.sleep(0.1)
    if len(roots) < len(channels):
        raise RuntimeError("the bot did not post the seed grievances")
    return roots


def settle(server: Server, quiet: float = 0.005, timeout: float = 60) -> None:
    """Wait until the server's work after acknowledging is done (its CPU goes quiet)."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(server.pid)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = cpu_seconds(server.pid)
        if now - last <= quiet:
            return
        last = now


def run(quick: bool) -> Section:
    """Measure both servers under closed and open loops; compare the bot with the bare app."""
    scale = QUICK if quick else FULL
    cores = Cores.pick()
    section = Section("Acknowledgement latency and throughput")
    with (
        tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp,
        pinned(cores.bench),
        ExitStack() as stack,
    ):
        bench = _Bench(scale, Path(tmp), cores, stack)
        bench.seed()
        for kind in payloads.KINDS:
            for server in (bench.bare, bench.bot):
                bench.closed(server, bench.batch(kind, scale.warmup), 4)
        closed = _closed_loops(bench)
        count = int(scale.open_rate * scale.open_seconds)
        opened = {
            server.name: bench.opened(server, payloads.mixed(bench.signer, count, bench.roots))
            for server in (bench.bare, bench.bot)
        }
        # The servers are idle now: the floors run in this process, on the bench's core.
        floors = {
            kind: floor_cpu(Path(tmp), kind, scale.requests)
            for kind in (*payloads.KINDS, LOOKUP_ONLY)
        }
    section.method = _method(scale, cores)
    _closed_tables(section, closed)
    _step10(section, closed, floors)
    _open_table(section, opened, scale)
    return section


ClosedRuns = dict[tuple[str, int], tuple[Measured, Measured]]


def _closed_loops(bench: _Bench) -> ClosedRuns:
    runs: ClosedRuns = {}
    for kind in payloads.KINDS:
        for concurrency in bench.scale.concurrencies:
            bare = bench.closed(bench.bare, bench.batch(kind, bench.scale.requests), concurrency)
            ours = bench.closed(bench.bot, bench.batch(kind, bench.scale.requests), concurrency)
            runs[kind, concurrency] = (bare, ours)
    return runs


def _method(scale: Scale, cores: Cores) -> list[str]:
    return [
        "Each server is its own process, started as in production: the bot is "
        "`grievance-bot run --no-scheduler` (waitress, 8 threads) against the Slack emulator "
        "and a fresh SQLite file; the bare app is a Bolt app whose listeners only "
        "acknowledge, served by the same `bot.server.make_server`. Requests are signed "
        "ahead of time with unique `event_id`s and sent over keep-alive HTTP/1.1 "
        "connections (`http.client`).",
        f"Isolation: {cores.describe()}. The load generator is a separate process; the "
        "emulator runs in the bench's main process on the same core.",
        f"Grievances are spread over {scale.channels} client channels (one case each); "
        "replies go to a grievance's thread and `+1` reactions land on grievance messages.",
        f"Closed loop: {scale.requests} requests per run at "
        f"{', '.join(map(str, scale.concurrencies))} concurrent clients (one thread and "
        "connection each), bare app then bot, after "
        f"{scale.warmup} warm-up requests of each kind; the bot is let finish its work "
        "after acknowledging before the next run. Throughput is requests over the run's "
        "wall time; CPU/req is the server process's CPU time (including the work it does "
        "after acknowledging) per request.",
        f"Open loop: {scale.open_rate:.0f} requests/s for {scale.open_seconds:.0f} s, the "
        "three kinds in turn, each due at a fixed time; latency counts from the due time, "
        f"with {loadgen.OPEN_LOOP_WORKERS} workers so a slow answer never delays the next send.",
        "Floor: each kind's rows written with plain `sqlite3` on the bot's schema "
        "(`bench/floor.py`), as many as a closed-loop run's requests, in the bench's "
        "process after the loads; its CPU/req is that process's CPU time per request.",
    ]


def _closed_tables(section: Section, runs: ClosedRuns) -> None:
    figures = Table(
        "Closed loop: bare Bolt app vs grievance-bot",
        [
            "Request",
            "Clients",
            "Bare req/s",
            "Ours req/s",
            "Thr. ratio",
            "Bare p50",
            "Ours p50",
            "Bare p99",
            "Ours p99",
            "p99 ratio",
            "Bare CPU/req",
            "Ours CPU/req",
        ],
    )
    cpu = Table(
        "Closed loop: how busy each core was (share of one core)",
        ["Request", "Clients", "Bare server", "Ours server", "Load gen. (max)", "Emulator (ours)"],
    )
    for (kind, concurrency), (bare, ours) in runs.items():
        thr = ours.result.throughput / bare.result.throughput
        p99 = ours.p(0.99) / bare.p(0.99)
        figures.rows.append(
            [
                kind,
                str(concurrency),
                f"{bare.result.throughput:.0f}",
                f"{ours.result.throughput:.0f}",
                f"{thr:.2f}",
                ms(bare.p(0.5)),
                ms(ours.p(0.5)),
                ms(bare.p(0.99)),
                ms(ours.p(0.99)),
                f"{p99:.2f}",
                ms(bare.server_cpu / len(bare.result.samples)),
                ms(ours.server_cpu / len(ours.result.samples)),
            ]
        )
        cpu.rows.append(
            [
                kind,
                str(concurrency),
                _share(bare.server_cpu_during, bare.result.wall),
                _share(ours.server_cpu_during, ours.result.wall),
                max(_share(m.result.loadgen_cpu, m.result.wall) for m in (bare, ours)),
                _share(ours.bench_cpu, ours.result.wall),
            ]
        )
        where = f"{kind}, {concurrency} client{'s' if concurrency > 1 else ''}"
        failures = bare.result.failures + ours.result.failures
        section.checks += [
            Check(
                f"throughput vs bare ({where})",
                f"≥ {THROUGHPUT_FLOOR}×",
                f"{thr:.2f}×",
                thr >= THROUGHPUT_FLOOR and not failures,
            ),
            Check(f"p99 vs bare ({where})", f"≤ {P99_CEILING}×", f"{p99:.2f}×", p99 <= P99_CEILING),
        ]
        if failures:
            figures.notes.append(
                f"{where}: {failures} failed requests: "
                + "; ".join(bare.result.errors + ours.result.errors)
            )
    cpu.notes.append(
        "CPU time over the run's wall time, from /proc. A server near 100% is the "
        "bottleneck; the load generator and the emulator share the other core, and stay "
        "well below it. CPU/req above also counts the work the bot finishes after the run."
    )
    section.tables += [figures, cpu]


def _step10(section: Section, runs: ClosedRuns, floors: dict[str, float]) -> None:
    """Step 10's closed-loop targets at ``STEP10_CLIENTS``, and each kind's CPU per request
    between its floor and the bare app, so a reader sees how much of the gap is left."""
    table = Table(
        f"CPU per request at {STEP10_CLIENTS} clients: floor, bare Bolt app, grievance-bot",
        ["Request", "Floor", "Bare Bolt", "grievance-bot", "Ours/bare", "Ours/floor", "Target"],
    )
    where = f"{STEP10_CLIENTS} clients"
    for kind in payloads.KINDS:
        bare, ours = runs[kind, STEP10_CLIENTS]
        bare_cpu = bare.server_cpu / len(bare.result.samples)
        ours_cpu = ours.server_cpu / len(ours.result.samples)
        failed = ours.result.failures > 0
        table.rows.append(
            [
                kind,
                ms(floors[kind]),
                ms(bare_cpu),
                ms(ours_cpu),
                f"{ours_cpu / bare_cpu:.1f}×",
                f"{ours_cpu / floors[kind]:.0f}×",
                f"≤ {ms(CPU_CEILINGS[kind])}",
            ]
        )
        thr = ours.result.throughput / bare.result.throughput
        floor = STEP10_THROUGHPUT[kind]
        section.checks += [
            Check(
                f"step 10: CPU per request ({kind}, {where})",
                f"≤ {ms(CPU_CEILINGS[kind])}",
                ms(ours_cpu),
                ours_cpu <= CPU_CEILINGS[kind] and not failed,
            ),
            Check(
                f"step 10: throughput vs bare ({kind}, {where})",
                f"≥ {floor}×",
                f"{thr:.2f}×",
                thr >= floor and not failed and bare.result.failures == 0,
            ),
        ]
    table.notes += [
        "Floor: the rows the request writes, in plain SQL (`bench/floor.py`): for "
        "`/grievance` the signature record, the grievance, its timeline entry, load and "
        "health snapshot, then its `ts`; for a thread reply the `event_id` record and the "
        "reply's timeline entry; for a reaction, a vote's: the `event_id` record, the vote "
        "and its timeline entry.",
        "The bench's `+1` lands on a grievance message, not a strategy's, so the bot only "
        "looks it up among the strategies and writes nothing; that lookup's floor is "
        f"{ms(floors[LOOKUP_ONLY])}.",
        "Bare Bolt and grievance-bot: the closed-loop runs above (server CPU, including the "
        "work after acknowledging, per request).",
    ]
    section.tables.append(table)


def _share(cpu: float, wall: float) -> str:
    return f"{cpu / wall:.0%}" if wall else "–"


def _open_table(section: Section, runs: dict[str, Measured], scale: Scale) -> None:
    table = Table(
        f"Open loop: {scale.open_rate:.0f} requests/s for {scale.open_seconds:.0f} s "
        "(latency from each request's due time)",
        ["Server", "Request", "Sent", "Errors", "p50", "p90", "p99", "max", "Latest send"],
    )
    for name, measured in runs.items():
        result = measured.result
        for kind in (*payloads.KINDS, None):
            samples = [s for s in result.samples if kind is None or s.kind == kind]
            latencies = [s.latency for s in samples]
            table.rows.append(
                [
                    name,
                    kind or "all",
                    str(len(samples)),
                    str(sum(1 for s in samples if s.status != 200)),
                    ms(percentile(latencies, 0.5)),
                    ms(percentile(latencies, 0.9)),
                    ms(percentile(latencies, 0.99)),
                    ms(max(latencies, default=float("nan"))),
                    ms(result.max_send_lag) if kind is None else "",
                ]
            )
    ours = runs["grievance-bot"]
    for kind in (*payloads.KINDS, None):
        p99 = ours.p(0.99, kind)
        section.checks.append(
            Check(
                f"open-loop p99 ({kind or 'all requests'})",
                f"< {OPEN_LOOP_P99 * 1000:.0f} ms",
                ms(p99),
                p99 < OPEN_LOOP_P99,
            )
        )
    section.checks.append(
        Check(
            "open-loop errors",
            "0",
            str(ours.result.failures),
            ours.result.failures == 0 and len(ours.result.samples) > 0,
        )
    )
    table.notes.append(
        "Latest send: how late the load generator sent its most delayed request; near zero "
        "means the generator kept the schedule."
    )
    section.tables.append(table)
