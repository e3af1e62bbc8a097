"""The load generator: closed and open loops over keep-alive HTTP, in its own pinned process.

It runs in a worker process pinned to the bench's core (see :mod:`bench.processes`), so
its threads never take CPU from the server under test, and it reports how much of its
core it used: a load generator near 100% of its core measures itself, not the server.

*Closed loop*: ``concurrency`` clients, one thread and one keep-alive connection each,
send the next request as soon as the previous answer is read, until a fixed count is
done. *Open loop*: requests are due at fixed arrival times (``i / rate``) whatever the
server does, and each latency is measured from the time the request was *due*, not from
when a free worker sent it, so a stalled server cannot hide its stall (no coordinated
omission); enough workers are kept that one is always free at the target rate.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context

from bench.payloads import SignedRequest
from bench.processes import pin
from bot.web import EVENTS_PATH

#: Open-loop workers: at 100 requests/s they cover answers up to 640 ms without falling late.
OPEN_LOOP_WORKERS = 64


@dataclass(frozen=True)
class Sample:
    """One request: its kind, latency in seconds, HTTP status (0: no answer)."""

    kind: str
    latency: float
    status: int


@dataclass
class LoadResult:
    """What one run saw, and what it cost the load generator."""

    samples: list[Sample]
    wall: float
    loadgen_cpu: float
    errors: list[str] = field(default_factory=list)
    #: Open loop: how late the latest send left after its due time.
    max_send_lag: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.samples) / self.wall if self.wall else 0.0

    @property
    def failures(self) -> int:
        return sum(1 for s in self.samples if s.status != 200)


class _Client:
    """One keep-alive connection; reconnects after an error, as Slack's sender would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.connection.connect()

    def send(self, request: SignedRequest) -> int:
        try:
            self.connection.request("POST", EVENTS_PATH, request.body, request.headers)
            response = self.connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            return 0

    def close(self) -> None:
        self.connection.close()


def _run_threads(count: int, body: Callable[[_Client, threading.Barrier], None], port: int) -> None:
    barrier = threading.Barrier(count + 1)
    threads = [
        threading.Thread(target=body, args=(_Client(port), barrier), daemon=True)
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    for thread in threads:
        thread.join()


def closed_loop(port: int, requests: Sequence[SignedRequest], concurrency: int) -> LoadResult:
    """Send every request with ``concurrency`` clients, each waiting for its answer."""
    results: list[Sample | None] = [None] * len(requests)
    spans: list[tuple[float, float]] = []
    errors: list[str] = []
    counter = itertools.count()

    def client(connection: _Client, barrier: threading.Barrier) -> None:
        barrier.wait()
        first = last = time.perf_counter()
        while (i := next(counter)) < len(requests):
            started = time.perf_counter()
            status = connection.send(requests[i])
            last = time.perf_counter()
            results[i] = Sample(requests[i].kind, last - started, status)
            if status != 200 and len(errors) < 5:
                errors.append(f"{requests[i].kind}: HTTP {status}")
        spans.append((first, last))
        connection.close()

    cpu = time.process_time()
    _run_threads(concurrency, client, port)
    wall = max(end for _, end in spans) - min(start for start, _ in spans)
    samples = [s for s in results if s is not None]
    return LoadResult(samples, wall, time.process_time() - cpu, errors)


def open_loop(port: int, requests: Sequence[SignedRequest], rate: float) -> LoadResult:
    """Send request ``i`` at ``start + i / rate``; latency counts from that due time."""
    results: list[Sample | None] = [None] * len(requests)
    lags: list[float] = []
    errors: list[str] = []
    counter = itertools.count()
    start = time.perf_counter() + 0.5  # every worker connected and waiting by then

    def worker(connection: _Client, barrier: threading.Barrier) -> None:
        barrier.wait()
        lag = 0.0
        while (i := next(counter)) < len(requests):
            due = start + i / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            lag = max(lag, time.perf_counter() - due)
            status = connection.send(requests[i])
            results[i] = Sample(requests[i].kind, time.perf_counter() - due, status)
            if status != 200 and len(errors) < 5:
                errors.append(f"{requests[i].kind}: HTTP {status}")
        lags.append(lag)
        connection.close()

    cpu = time.process_time()
    _run_threads(OPEN_LOOP_WORKERS, worker, port)
    wall = time.perf_counter() - start
    samples = [s for s in results if s is not None]
    return LoadResult(samples, wall, time.process_time() - cpu, errors, max(lags))


def pool(core: int | None) -> ProcessPoolExecutor:
    """One worker process for the load, pinned to ``core`` before it does anything."""
    return ProcessPoolExecutor(
        max_workers=1, mp_context=get_context("spawn"), initializer=pin, initargs=(0, core)
    )
