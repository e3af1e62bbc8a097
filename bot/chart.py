"""The digest's chart: health and confidence over time, rendered as PNG bytes.

A pure function of its data, so it is tested without Slack. Matplotlib runs on the Agg
backend (no display needed), and the figure is built with the object API rather than
``pyplot``: pyplot keeps global state, and digests are rendered on Bolt's worker threads
and the scheduler's at the same time.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

#: Success measures drawn at most (the legend stays readable); the digest lists them all.
MAX_MEASURES = 6
HEALTH_COLOUR = "#2e7d32"
PULSE_COLOUR = "#ad1457"
MEASURE_COLOURS = ("#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#5d4037")

Point = tuple[datetime | date, float]


def _label(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render(
    *,
    title: str,
    health: Sequence[Point],
    confidence: Mapping[str, Sequence[Point]],
    pulse: Sequence[Point] = (),
    width: float = 8.0,
    height: float = 4.0,
    dpi: int = 100,
) -> bytes:
    """PNG bytes: health (0–100, left axis), and confidence per measure and the client
    pulse (1–5, right axis).

    Dates run along the x axis. With no data at all the chart says so rather than
    showing empty axes without explanation.
    """
    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(_label(title, 80), fontsize=11)
    axes.set_ylim(0, 100)
    axes.set_ylabel("Health (0–100)", color=HEALTH_COLOUR)
    axes.grid(True, alpha=0.3)
    handles = []
    if health:
        xs, ys = zip(*health, strict=True)
        handles += axes.plot(
            xs, ys, color=HEALTH_COLOUR, linewidth=2.5, marker="o", markersize=4, label="Health"
        )
    measures = [(q, pts) for q, pts in confidence.items() if pts][:MAX_MEASURES]
    if measures or pulse:
        twin = axes.twinx()
        twin.set_ylim(1, 5)
        twin.set_yticks([1, 2, 3, 4, 5])
        twin.set_ylabel("Confidence · pulse (1–5)" if pulse else "Confidence (1–5)")
        for (question, points), colour in zip(measures, MEASURE_COLOURS, strict=False):
            xs, ys = zip(*points, strict=True)
            handles += twin.plot(
                xs,
                ys,
                color=colour,
                linestyle="--",
                marker="s",
                markersize=4,
                label=_label(question),
            )
        if pulse:
            xs, ys = zip(*pulse, strict=True)
            handles += twin.plot(
                xs,
                ys,
                color=PULSE_COLOUR,
                linewidth=2,
                marker="D",
                markersize=5,
                label="Client pulse",
            )
    if handles:
        locator = AutoDateLocator(minticks=3, maxticks=8)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.8)
    else:
        axes.set_xticks([])
        axes.text(
            0.5,
            0.5,
            "No health scores, check-in ratings or client pulse yet",
            ha="center",
            va="center",
            transform=axes.transAxes,
            color="#666666",
        )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
