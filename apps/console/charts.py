"""Geometry of the dashboard's charts, drawn as inline SVG by the templates.

Server-side, so the console loads no charting library and works without JavaScript;
each chart sits next to a table of the same numbers for screen readers and printing.
"""

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
LEFT = 44  # room for the value axis labels
BOTTOM = 28  # room for the category labels
TOP = 10


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: int


@dataclass(frozen=True)
class Group:
    label: str
    label_x: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float
    groups: list[Group]
    ticks: list[Tick]


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    baseline: float
    points: list[Point]
    ticks: list[Tick]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1), so the axis
    reads in round numbers."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(1, step * factor)
        step *= 10


def _ticks(top: int, plot_height: float) -> list[Tick]:
    """Evenly spaced whole numbers from 0 to `top` (a nice_ceiling value)."""
    steps = 4 if top % 4 == 0 else min(top, 5)
    return [
        Tick(y=TOP + plot_height * (1 - i / steps), value=top * i // steps)
        for i in range(steps + 1)
    ]


def bar_chart(categories: list[str], series: list[list[int]]) -> BarChart:
    """Grouped bars: one group per category, one bar per series in each group."""
    plot_width, plot_height = WIDTH - LEFT, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max((v for values in series for v in values), default=0))
    slot = plot_width / max(1, len(categories))
    bar_width = slot * 0.8 / max(1, len(series))
    groups = []
    for index, category in enumerate(categories):
        start = LEFT + slot * index + slot * 0.1
        bars = []
        for number, values in enumerate(series):
            height = plot_height * values[index] / top
            bars.append(
                Bar(
                    x=start + bar_width * number,
                    y=TOP + plot_height - height,
                    width=bar_width,
                    height=height,
                    value=values[index],
                    series=number,
                )
            )
        groups.append(Group(category, LEFT + slot * index + slot / 2, bars))
    return BarChart(WIDTH, HEIGHT, TOP + plot_height, groups, _ticks(top, plot_height))


def line_chart(points: list[tuple[str, int]]) -> LineChart:
    """One value per step (e.g. per day), left to right."""
    plot_width, plot_height = WIDTH - LEFT - 10, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max((v for _, v in points), default=0))
    step = plot_width / max(1, len(points) - 1)
    placed = [
        Point(LEFT + step * i, TOP + plot_height * (1 - value / top), value, label)
        for i, (label, value) in enumerate(points)
    ]
    return LineChart(WIDTH, HEIGHT, TOP + plot_height, placed, _ticks(top, plot_height))
