"""Charts as SVG, drawn on the server: a pure function of the numbers, no script.

Colours and sizes are presentation attributes, never ``style``: the pages' policy allows
no inline styles. Each chart is an image with a title and a description that says its
latest values in words, so a screen reader gets what the lines show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import count

from markupsafe import Markup

#: Dark enough on white for text and lines (WCAG AA), told apart by dash too.
COLOURS = ("#1b5e20", "#0d47a1", "#b71c1c", "#4a148c")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y = 640, 220, 40, 12, 20

_ids = count(1)

Points = Sequence[tuple[datetime, float]]


def line_chart(
    *, title: str, series: Mapping[str, Points], low: float, high: float, ticks: Sequence[float]
) -> Markup:
    """Lines over time between ``low`` and ``high``, one per named series."""
    chart_id = f"chart{next(_ids)}"
    moments = [moment for points in series.values() for moment, _value in points]
    if not moments:
        return Markup("<p>{}: nothing measured yet.</p>").format(title)
    first, last = min(moments), max(moments)
    span = (last - first).total_seconds() or 1.0
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - 2 * PAD_Y

    def x(moment: datetime) -> float:
        if first == last:
            return PAD_LEFT + plot_w / 2
        return PAD_LEFT + plot_w * (moment - first).total_seconds() / span

    def y(value: float) -> float:
        return PAD_Y + plot_h * (1 - (value - low) / (high - low))

    parts = [
        Markup(
            '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
            'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        ).format(w=WIDTH, h=HEIGHT, id=chart_id, title=title, desc=_describe(series))
    ]
    for tick in ticks:
        parts.append(
            Markup(
                '<line x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}" stroke="#757575" '
                'stroke-width="0.5"/><text x="{tx}" y="{ty:.1f}" font-size="11" '
                'text-anchor="end" fill="#212121">{label}</text>'
            ).format(
                x1=PAD_LEFT,
                x2=WIDTH - PAD_RIGHT,
                y=y(tick),
                tx=PAD_LEFT - 4,
                ty=y(tick) + 4,
                label=f"{tick:g}",
            )
        )
    for index, (name, points) in enumerate(series.items()):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        coords = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in sorted(points))
        parts.append(
            Markup(
                '<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2" '
                'stroke-dasharray="{dash}"/>'
            ).format(coords=coords, colour=colour, dash=dash or "none")
        )
        parts.extend(
            Markup('<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colour}"/>').format(
                cx=x(m), cy=y(v), colour=colour
            )
            for m, v in points
        )
        parts.append(
            Markup('<text x="{tx}" y="{ty}" font-size="12" fill="{colour}">{name}</text>').format(
                tx=PAD_LEFT + 8 + 120 * index, ty=PAD_Y - 6, colour=colour, name=name
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _describe(series: Mapping[str, Points]) -> str:
    """The chart in words: each line's latest value, and where it started."""
    said = []
    for name, points in series.items():
        ordered = sorted(points)
        first, last = ordered[0], ordered[-1]
        said.append(
            f"{name}: {last[1]:g} on {last[0]:%d %b %Y}"
            + (f", from {first[1]:g} on {first[0]:%d %b %Y}" if len(ordered) > 1 else "")
        )
    return "; ".join(said) + "."
