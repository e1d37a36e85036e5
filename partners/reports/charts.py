"""Coordinates of the report's SVG charts, computed here and drawn by a template.

Server-side SVG needs no JavaScript, prints sharply and carries its own title and
description for screen readers.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import cycle
from typing import NamedTuple

from django.utils.formats import number_format

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 30
FUNNEL_LABELS = 170  # room left of a funnel's bars for "stage: count"
PALETTE = ["#417690", "#e07b39", "#5b9b46", "#a04f9e", "#c9b037", "#6b6b6b"]
# A phone shows a chart about 350 px wide, its labels large (reports.css): at most this
# many year labels fit under the axis there; the others are marked "minor" and hidden.
PHONE_X_LABELS = 9
# There its labels are 22 units high (reports.css); a digit is at most 0.64 em wide
# (DejaVu Sans; Noto Sans CJK 0.55), 0.7 leaves room for the label's white outline; tick labels
# end TICK_GAP units left of the plot.
PHONE_FONT, DIGIT_EM, TICK_GAP = 22, 0.7, 6


class Bar(NamedTuple):
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # its tooltip

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


@dataclass
class Chart:
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    points: str = ""  # polyline "x,y x,y"
    x_labels: list = field(default_factory=list)  # dicts: x, text, minor
    y_ticks: list = field(default_factory=list)  # dicts: y, text
    legend: list = field(default_factory=list)  # dicts: colour, text
    baseline: int = HEIGHT - BOTTOM

    @property
    def left(self) -> int:
        """Where the plot starts: right of the widest tick label at a phone's font size."""
        widest = max((len(tick["text"]) for tick in self.y_ticks), default=0)
        return max(LEFT, TICK_GAP + math.ceil(widest * DIGIT_EM * PHONE_FONT))

    @property
    def tick_x(self) -> int:
        """Where the tick labels end (they are right-aligned), just left of the plot."""
        return self.left - TICK_GAP


def number(value: int) -> str:
    # Grouped as the report's tables write figures ("1.239", "1,239").
    return number_format(value, force_grouping=True)


def _scale(maximum: int):
    top = max(maximum, 1)
    plot = HEIGHT - TOP - BOTTOM
    ticks = sorted({0, top // 2, top})
    return top, plot, [{"y": HEIGHT - BOTTOM - plot * t / top, "text": number(t)} for t in ticks]


def _x_label(i: int, count: int, x: float, text) -> dict:
    every = math.ceil(count / PHONE_X_LABELS)
    return {"x": x, "text": text, "minor": i % every != 0}


def top_series(series: dict, other: str) -> dict:
    """The series with the largest totals, one per colour, the rest summed as ``other``.

    With 500 partner cities a bar each per year is neither readable nor cheap to draw.
    """
    if len(series) <= len(PALETTE):
        return series
    ranked = sorted(series.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    kept, rest = ranked[: len(PALETTE) - 1], ranked[len(PALETTE) - 1 :]
    summed = Counter()
    for _, values in rest:
        summed.update(values)
    return {**dict(kept), other: dict(summed)}


def grouped_bars(title, description, years, series: dict) -> Chart:
    """One group of bars per year, one bar per series (e.g. per partner city)."""
    top, plot, ticks = _scale(max((v for s in series.values() for v in s.values()), default=0))
    chart = Chart(title, description, y_ticks=ticks)
    slot = (WIDTH - chart.left - RIGHT) / max(len(years), 1)
    bar = slot * 0.8 / max(len(series), 1)
    colours = dict(zip(series, cycle(PALETTE)))
    for i, year in enumerate(years):
        x0 = chart.left + i * slot + slot * 0.1
        chart.x_labels.append(_x_label(i, len(years), x0 + slot * 0.4, year))
        for j, (name, values) in enumerate(series.items()):
            value = values.get(year, 0)
            height = plot * value / top
            label = f"{name} {year}: {number(value)}"
            chart.bars.append(
                Bar(x0 + j * bar, HEIGHT - BOTTOM - height, bar, height, colours[name], label)
            )
    chart.legend = [{"colour": colour, "text": name} for name, colour in colours.items()]
    return chart


def line(title, description, values: dict) -> Chart:
    """A line through one value per year (e.g. memoranda in force at each year's end)."""
    top, plot, ticks = _scale(max(values.values(), default=0))
    chart = Chart(title, description, y_ticks=ticks)
    step = (WIDTH - chart.left - RIGHT) / max(len(values), 1)
    coordinates = []
    for i, (year, value) in enumerate(values.items()):
        x = chart.left + step * (i + 0.5)
        y = HEIGHT - BOTTOM - plot * value / top
        coordinates.append(f"{x:.1f},{y:.1f}")
        chart.x_labels.append(_x_label(i, len(values), x, year))
        chart.bars.append(Bar(x - 3, y - 3, 6, 6, PALETTE[0], f"{year}: {number(value)}"))
    chart.points = " ".join(coordinates)
    return chart


def funnel(title, description, steps: list[tuple[str, int]]) -> Chart:
    """One centred horizontal bar per step, its width proportional to its value; the
    step's name and value are written left of the bars."""
    top = max((value for _, value in steps), default=0) or 1
    row = (HEIGHT - TOP - BOTTOM) / max(len(steps), 1)
    widest = WIDTH - FUNNEL_LABELS - RIGHT
    chart = Chart(title, description)
    for i, (name, value) in enumerate(steps):
        width = max(widest * value / top, 1)
        x = FUNNEL_LABELS + (widest - width) / 2
        colour = PALETTE[i % len(PALETTE)]
        label = f"{name}: {number(value)}"
        chart.bars.append(Bar(x, TOP + i * row, width, row * 0.8, colour, label))
    return chart
