"""Charts drawn on the server as inline SVG: no script, nothing from the internet, and
readable by a screen reader (``role="img"`` with a title and a description; each page
shows the same figures as a table too).

Colours and fonts come from the page's stylesheet (classes ``chart``, ``bar``,
``line``, ``axis``, ``grid``, ``label``, ``value``): the strict CSP forbids style
attributes, and a stylesheet keeps the contrast in one place.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Frame:
    """The drawing area inside the margins (left for the labels, bottom for the axis)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


def nice_ticks(maximum: float, count: int = 4) -> list[int]:
    """Round tick values from 0 to at least ``maximum`` (1, 2 or 5 times a power of ten)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, int(step))
    top = math.ceil(maximum / step) * step
    return list(range(0, top + 1, step))


def _open(frame: Frame, title: str, description: str) -> list[str]:
    n = next(_ids)
    return [
        f'<svg class="chart" viewBox="0 0 {frame.width} {frame.height}" role="img" '
        f'aria-labelledby="chart-{n}-t chart-{n}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="chart-{n}-t">{escape(title)}</title>',
        f'<desc id="chart-{n}-d">{escape(description)}</desc>',
    ]


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u2009")  # a thin space: 12 345


def bar_chart(title: str, items: Sequence[tuple[str, int]], *, unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value): the label written in full above its bar
    (long names stay legible at any width), the value at the bar's end."""
    rows = max(1, len(items))
    band = 46  # a label line and its bar
    frame = Frame(width=480, height=36 + band * rows, left=8, right=56, top=6, bottom=30)
    described = "; ".join(f"{label}: {value}{unit}" for label, value in items) or "no data"
    out = _open(frame, title, described)
    ticks = nice_ticks(max((v for _, v in items), default=0))
    scale = frame.plot_width / ticks[-1]
    base = frame.top + band * rows
    for tick in ticks:
        x = frame.left + tick * scale
        out.append(
            f'<line class="grid" x1="{x:.1f}" y1="{frame.top}" x2="{x:.1f}" y2="{base}"/>'
            f'<text class="tick" x="{x:.1f}" y="{base + 20}" text-anchor="middle">'
            f"{_number(tick)}</text>"
        )
    for n, (label, value) in enumerate(items):
        y = frame.top + n * band
        length = value * scale
        out.append(
            f'<text class="label" x="{frame.left + 4}" y="{y + 17}">{escape(label)}</text>'
            f'<rect class="bar" x="{frame.left}" y="{y + 22}" width="{length:.1f}" '
            f'height="20"/><text class="value" x="{frame.left + length + 6:.1f}" '
            f'y="{y + 38}">{_number(value)}</text>'
        )
    out.append(
        f'<line class="axis" x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{base}"/>'
        f'<line class="axis" x1="{frame.left}" y1="{base}" x2="{frame.width - frame.right}" '
        f'y2="{base}"/>'
    )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text inside is escaped


def line_chart(title: str, points: Sequence[tuple[str, int]], *, label_every: int = 7) -> Markup:
    """A line over days (label, value), a dot per day, with a y axis of round ticks and
    every ``label_every``-th label (and the last) on the x axis."""
    frame = Frame(width=480, height=260, left=56, right=24, top=14, bottom=40)
    described = ", ".join(f"{label}: {value}" for label, value in points) or "no data"
    out = _open(frame, title, described)
    ticks = nice_ticks(max((v for _, v in points), default=0))
    base = frame.top + frame.plot_height
    y_scale = frame.plot_height / ticks[-1]
    step = frame.plot_width / max(1, len(points) - 1)
    for tick in ticks:
        y = base - tick * y_scale
        out.append(
            f'<line class="grid" x1="{frame.left}" y1="{y:.1f}" x2="{frame.width - frame.right}" '
            f'y2="{y:.1f}"/><text class="tick" x="{frame.left - 8}" y="{y + 5:.1f}" '
            f'text-anchor="end">{_number(tick)}</text>'
        )
    xy = [(frame.left + n * step, base - v * y_scale) for n, (_, v) in enumerate(points)]
    if xy:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        out.append(f'<polyline class="line" points="{path}"/>')
    last = len(points) - 1
    for n, ((label, value), (x, y)) in enumerate(zip(points, xy, strict=True)):
        out.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>'
                   f"{escape(label)}: {_number(value)}</title></circle>")  # fmt: skip
        if n == last or (n % label_every == 0 and last - n >= label_every // 2):
            anchor = "end" if n == last else ("start" if n == 0 else "middle")
            out.append(
                f'<text class="tick" x="{x:.1f}" y="{base + 22}" text-anchor="{anchor}">'
                f"{escape(label)}</text>"
            )
    out.append(
        f'<line class="axis" x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{base}"/>'
        f'<line class="axis" x1="{frame.left}" y1="{base}" x2="{frame.width - frame.right}" '
        f'y2="{base}"/>'
    )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text inside is escaped
