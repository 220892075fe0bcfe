"""The geometry of the site's inline SVG charts, worked out at build time (no script, no network).

Only numbers and labels here: the ``charts.html`` template draws them, escaping every label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ducha.outputs.present import rate_text
from ducha.rules.trends import Month


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart: its row, its length, its label and shown value."""

    y: int
    length: str
    value_x: str
    name: str
    shown: str
    css: str


@dataclass(frozen=True)
class BarChart:
    """Bars with their labels, as wide as ``width``."""

    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]


def bar_chart(items: Sequence[tuple[str, float, str]], unit: str = "", width: int = 560) -> BarChart | None:
    """(name, value, css) as bars scaled to the largest value; None for no items."""
    if not items:
        return None
    top = max(value for _, value, _ in items) or 1
    row, label_w = 26, 130
    bars = []
    for i, (name, value, css) in enumerate(items):
        length = (width - label_w - 60) * value / top
        shown = rate_text(value) if unit == "%" else f"{value:g}"
        bars.append(Bar(i * row, f"{length:.1f}", f"{label_w + length + 6:.1f}", name, shown, css))
    return BarChart(width, row * len(items) + 4, label_w, tuple(bars))


@dataclass(frozen=True)
class Point:
    """One month of a trend chart: its tick, and its value's place (None when it has none)."""

    x: str
    month: int
    label: str
    y: str | None = None
    shown: str = ""
    #: Where a bar starts and how wide and tall it is (``overdue`` charts).
    left: str = ""
    bar_width: str = ""
    bar_height: str = ""
    value_y: str = ""


@dataclass(frozen=True)
class TrendChart:
    """Twelve months as a line (``rate``) or as bars (``overdue``)."""

    kind: str
    width: int
    height: int
    left: int
    top: int
    axis_y: int
    top_label: str
    tick_y: int
    points: tuple[Point, ...]

    @property
    def line(self) -> str:
        """The polyline through the months that have a rate."""
        return " ".join(f"{p.x},{p.y}" for p in self.points if p.y is not None)


def trend_chart(months: Sequence[Month], kind: str, width: int = 560, height: int = 180) -> TrendChart | None:
    """按期办结率 as a line (``rate``), 超期未办结 at each month's end as bars; None for no months."""
    if not months:
        return None
    left, bottom, top = 40, 36, 14
    plot_w, plot_h = width - left - 10, height - bottom - top
    step = plot_w / len(months)
    if kind == "rate":
        values: list[float | None] = [m.rate for m in months]
        scale = 1.0
        top_label = "100%"
    else:
        values = [float(m.overdue) for m in months]
        scale = max(max(m.overdue for m in months), 1)
        top_label = f"{scale:g}"
    points = []
    for i, (month, value) in enumerate(zip(months, values, strict=True)):
        x = left + step * i + step / 2
        if value is None:
            points.append(Point(f"{x:.1f}", month.start.month, month.label))
            continue
        y = top + plot_h - plot_h * value / scale
        points.append(Point(f"{x:.1f}", month.start.month, month.label, f"{y:.1f}",
                            rate_text(value) if kind == "rate" else f"{value:g}",
                            f"{x - step * 0.3:.1f}", f"{step * 0.6:.1f}", f"{top + plot_h - y:.1f}", f"{y - 5:.1f}"))
    return TrendChart(kind, width, height, left, top, top + plot_h, top_label, height - 18, tuple(points))
