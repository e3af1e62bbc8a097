"""What ``/grievance`` costs as a case grows: 10 open grievances against 10,000.

Filing rescores the case's health, whose grievance component weighs every open grievance.
It is read from running totals (``bot.playbook.load``), so a filing should cost the same
in a small case and a huge one. Each size gets a fresh SQLite file, seeded with one case
of that many open grievances (written directly, then counted with ``load.recount``), and
its own ``grievance-bot run`` process pinned to the server core; the same closed loop of
``/grievance`` into that case is sent to each, and to a bare Bolt app in the same run. The
floor (``bench.floor``) is the rows a filing writes, written with plain SQL.
"""

from __future__ import annotations

import secrets
import tempfile
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

from bench import loadgen, payloads
from bench.floor import floor_cpu
from bench.latency import CPU_CEILINGS, settle
from bench.processes import Cores, Server, cpu_seconds, pinned, start_bare, start_bot
from bench.report import Check, Section, Table, ms, percentile
from bot.playbook import load
from bot.playbook.people import Profile, ensure_person, ensure_workspace
from bot.sandbox.webapi import EmulatorServer
from storage.clock import utcnow
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import Case, Grievance, Side

SIZES = (10, 10_000)
QUICK_SIZES = (10, 1_000)
#: ``/grievance`` in the biggest case may cost at most this many times the smallest's.
GROWTH_CEILING = 1.2
#: CPU a filing may cost: step 10's target for ``/grievance`` (one table of them, in
#: ``bench.latency``), checked here in a case of the smallest size.
CPU_CEILING = CPU_CEILINGS[payloads.COMMAND]
CLIENTS = 10


def _seed(database_url: str, team_id: str, channel: str, open_grievances: int) -> None:
    """One case in ``channel`` with ``open_grievances`` open, spread over eight weeks."""
    db = Database.from_url(database_url)
    try:
        upgrade(db.engine)
        with db.transaction() as session:
            workspace = ensure_workspace(session=session, team_id=team_id)
            lead = Profile("UANA", "ana")
            ana = ensure_person(session=session, workspace=workspace, profile=lead)
            case = Case(workspace_id=workspace.id, channel_id=channel, client_name="Acme")
            session.add(case)
            session.flush()
            start = utcnow() - timedelta(weeks=8)
            step = timedelta(weeks=8) / open_grievances
            session.add_all(
                Grievance(
                    case_id=case.id,
                    number=n + 1,
                    reporter_id=ana.id,
                    side=Side.CLIENT,
                    severity=n % 4 + 1,
                    text=f"seeded grievance {n + 1}",
                    created_at=start + step * n,
                )
                for n in range(open_grievances)
            )
            session.flush()
            load.recount(session=session, case_id=case.id, now=utcnow())
    finally:
        db.dispose()


def _cost(server: Server, requests: list[payloads.SignedRequest]) -> tuple[float, float]:
    """CPU per request (with the work after acknowledging) and the p99, at ``CLIENTS``."""
    before = cpu_seconds(server.pid)
    result = loadgen.closed_loop(server.port, requests, CLIENTS)
    settle(server)
    if result.failures:
        raise RuntimeError("; ".join(result.errors))
    cpu = (cpu_seconds(server.pid) - before) / len(requests)
    return cpu, percentile([sample.latency for sample in result.samples], 0.99)


def run(quick: bool) -> Section:
    """Measure ``/grievance`` in a small and a big case, beside the bare app."""
    sizes, count = (QUICK_SIZES, 60) if quick else (SIZES, 600)
    cores = Cores.pick()
    section = Section("Cost of filing as a case grows")
    table = Table(
        f"`/grievance` into one case, {CLIENTS} clients, {count} requests",
        ["Server", "Open grievances in the case", "CPU/req", "p99"],
    )
    with tempfile.TemporaryDirectory(prefix="bench-size-") as tmp, pinned(cores.bench):
        workspace = payloads.bench_workspace(1)
        [channel] = payloads.bench_channels(workspace)
        costs: dict[int, float] = {}
        with EmulatorServer(workspace) as emulator, ExitStack() as stack:
            secret = secrets.token_hex(16)
            signer = payloads.Signer(workspace, secret, emulator.root_url)
            common = {
                "api_url": emulator.base_url,
                "token": workspace.bot_token,
                "secret": secret,
                "core": cores.server,
            }
            bare = start_bare(workdir=Path(tmp), **common)
            stack.callback(bare.stop)
            for size in sizes:
                url = f"sqlite:///{Path(tmp) / f'size-{size}.db'}"
                _seed(url, workspace.team_id, channel, size)
                bot = start_bot(workdir=Path(tmp), database_url=url, **common)
                try:
                    text = "The invoice export broke again"
                    warm = [signer.command("UANA", channel, text) for _ in range(20)]
                    _cost(bot, warm)
                    batch = [signer.command("UANA", channel, text) for _ in range(count)]
                    cpu, p99 = _cost(bot, batch)
                finally:
                    bot.stop()
                costs[size] = cpu
                table.rows.append(["grievance-bot", f"{size:,}", ms(cpu), ms(p99)])
            bare_cpu, bare_p99 = _cost(
                bare, [signer.command("UANA", channel, "bare") for _ in range(count)]
            )
            table.rows.append(["bare Bolt app", "–", ms(bare_cpu), ms(bare_p99)])
        floor = floor_cpu(Path(tmp), payloads.COMMAND, count)
        table.rows.append(["floor: its rows in plain SQL", f"{sizes[0]:,}", ms(floor), "–"])
    growth = costs[sizes[-1]] / costs[sizes[0]]
    table.notes.append(
        f"Per filing, the bot spends {costs[sizes[0]] / bare_cpu:.0f}× the bare app's CPU, "
        f"which itself spends {bare_cpu / floor:.0f}× the floor: the same rows written with "
        "plain SQL (`bench/floor.py`)."
    )
    section.method = [
        "Each case size gets its own SQLite file and `grievance-bot run --no-scheduler` "
        f"process on the server core ({cores.describe()}); the case is seeded directly with "
        "open grievances of severities 1–4 created over eight weeks (so some are past the "
        "28-day age cap), then counted with `load.recount`. 20 warm-up requests, then the "
        "measured closed loop; CPU/req includes the work done after acknowledging (posting "
        "the grievance, recording its `ts`).",
    ]
    section.tables.append(table)
    section.checks.append(
        Check(
            f"`/grievance` CPU per request ({CLIENTS} clients, {sizes[0]:,} open)",
            f"≤ {ms(CPU_CEILING)}",
            ms(costs[sizes[0]]),
            costs[sizes[0]] <= CPU_CEILING,
        )
    )
    section.checks.append(
        Check(
            f"`/grievance` CPU at {sizes[-1]:,} vs {sizes[0]:,} open grievances",
            f"≤ {GROWTH_CEILING}×",
            f"{growth:.2f}×",
            growth <= GROWTH_CEILING,
        )
    )
    return section
