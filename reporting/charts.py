"""Server-side chart geometry: the templates draw it as inline SVG, with no script.

Each chart comes with a text alternative (its `description`) and the report also shows its
data as a table, so nothing depends on seeing the colours. Counts are written inside the
bars and beside the points so the charts read in black and white.
"""

import datetime
import decimal
import math
from dataclasses import dataclass

from actionplans.models import Measure, StatusColour

from .selectors import MeasureRow, MonthCounts

# "No status": white with dark text (the palette's colours are StatusColour's own).
_NO_STATUS_FILL = ("#ffffff", "#0b0c0c")


def _fills(colour: str) -> tuple[str, str]:
    if colour not in StatusColour.values:
        return _NO_STATUS_FILL
    status_colour = StatusColour(colour)
    return status_colour.fill, status_colour.text


WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    fill: str
    text_fill: str
    label: str
    count: int

    @property
    def shows_count(self) -> bool:
        return self.height >= 13

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def text_y(self) -> float:
        return self.y + self.height / 2 + 4


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class XLabel:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    width: int
    height: int
    segments: list[Segment]
    ticks: list[Tick]
    x_labels: list[XLabel]
    axis_left: float
    axis_bottom: float
    axis_right: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int


@dataclass(frozen=True)
class Line:
    name: str
    dash: str  # stroke-dasharray, "" for a solid line
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    width: int
    height: int
    lines: list[Line]
    ticks: list[Tick]
    x_labels: list[XLabel]
    axis_left: float
    axis_bottom: float
    axis_right: float


def _ticks(maximum: int, plot_height: float) -> tuple[int, list[Tick]]:
    step = max(1, -(-maximum // 5))
    top = step * 5 if maximum else 5
    ticks = [
        Tick(y=TOP + plot_height - plot_height * value / top, value=value)
        for value in range(0, top + 1, step if maximum else 1)
    ]
    return top, ticks


def status_bar_chart(
    series: list[MonthCounts], statuses: list, labels: list[str]
) -> BarChart:
    """Counts by status for each month, stacked in the order of the status scheme."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    top, ticks = _ticks(max((m.total for m in series), default=0), plot_height)
    colour = {s.label: s.colour for s in statuses}
    slot = plot_width / max(len(series), 1)
    bar_width = min(56.0, slot * 0.6)
    segments, x_labels, parts = [], [], []
    for index, month in enumerate(series):
        x = LEFT + slot * index + (slot - bar_width) / 2
        y = TOP + plot_height
        counts = []
        for label in labels:
            count = month.count_for(label)
            if not count:
                continue
            height = plot_height * count / top
            y -= height
            fill, text_fill = _fills(colour.get(label, ""))
            segments.append(
                Segment(x, y, bar_width, height, fill, text_fill, label, count)
            )
            counts.append(f"{count} {label}")
        x_labels.append(
            XLabel(x + bar_width / 2, TOP + plot_height + 18, month.period.short_label)
        )
        parts.append(f"{month.period.label}: {', '.join(counts) or 'no items'}")
    return BarChart(
        title="Items by status, month by month",
        description="; ".join(parts) + ".",
        width=WIDTH,
        height=HEIGHT,
        segments=segments,
        ticks=ticks,
        x_labels=x_labels,
        axis_left=LEFT,
        axis_bottom=TOP + plot_height,
        axis_right=WIDTH - RIGHT,
    )


def progress_line_chart(series: list[MonthCounts]) -> LineChart:
    """Complete items (solid) and overdue items (dashed) at the end of each month."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    maximum = max((max(m.complete, m.overdue) for m in series), default=0)
    top, ticks = _ticks(maximum, plot_height)
    slot = plot_width / max(len(series), 1)

    def points(values: list[int]) -> list[Point]:
        return [
            Point(
                x=LEFT + slot * index + slot / 2,
                y=TOP + plot_height - plot_height * value / top,
                value=value,
            )
            for index, value in enumerate(values)
        ]

    complete = [m.complete for m in series]
    overdue = [m.overdue for m in series]
    x_labels = [
        XLabel(LEFT + slot * i + slot / 2, TOP + plot_height + 18, m.period.short_label)
        for i, m in enumerate(series)
    ]
    description = "; ".join(
        f"{m.period.label}: {m.complete} complete, {m.overdue} overdue" for m in series
    )
    return LineChart(
        title="Complete and overdue items over time",
        description=description + ".",
        width=WIDTH,
        height=HEIGHT,
        lines=[
            Line("Complete", "", points(complete)),
            Line("Overdue", "6 4", points(overdue)),
        ],
        ticks=ticks,
        x_labels=x_labels,
        axis_left=LEFT,
        axis_bottom=TOP + plot_height,
        axis_right=WIDTH - RIGHT,
    )


# ---------------------------------------------------------------------------------------
# A measure: its actuals month by month against its baseline and targets

MEASURE_HEIGHT = 260
# Room on the right for the names of the baseline and target lines.
MEASURE_RIGHT = 190
# Right-hand labels closer than this (in pixels) are moved apart to stay readable.
_LABEL_GAP = 13


@dataclass(frozen=True)
class ValueTick:
    y: float
    label: str


@dataclass(frozen=True)
class ValuePoint:
    x: float
    y: float
    label: str  # "76%"


@dataclass(frozen=True)
class Level:
    """A level drawn across the chart: the baseline (dotted) or a target (dashed), named
    at its right end; a target due within the months shown also has a marker there."""

    kind: str  # "baseline" or "target"
    name: str  # "Baseline 63%", "Target 76% by Mar 2010"
    y: float
    label_y: float
    dash: str
    marker_x: float | None = None

    @property
    def marker_path(self) -> str:
        """A diamond on the level at the month the target is due ("" for none)."""
        if self.marker_x is None:
            return ""
        x, y, r = self.marker_x, self.y, 6
        corners = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
        return "M" + " L".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners) + " Z"


@dataclass(frozen=True)
class MeasureChart:
    title: str
    description: str
    width: int
    height: int
    points: list[ValuePoint]
    levels: list[Level]
    ticks: list[ValueTick]
    x_labels: list[XLabel]
    axis_left: float
    axis_bottom: float
    axis_right: float
    label_x: float  # where the levels' names start

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _value_scale(maximum: float) -> tuple[float, float]:
    """The top of the value axis and its step: about five steps of 1, 2, 2.5 or 5 × 10ⁿ,
    so ticks read as round numbers."""
    if maximum <= 0:
        return 1.0, 0.2
    raw = maximum / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(maximum / step - 1e-9), step


def _tick_label(value: float, unit: str) -> str:
    number = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{number}%" if unit == Measure.Unit.PERCENT else number


def _spread(ys: list[float], bottom: float) -> list[float]:
    """Label positions for levels at `ys` (in order), moved apart where they collide."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [0.0] * len(ys)
    last = -math.inf
    for index in order:
        placed[index] = max(ys[index], last + _LABEL_GAP)
        last = placed[index]
    # Pushed below the axis: move the run back up, keeping the gaps.
    overflow = max(placed, default=0) - bottom
    return [y - overflow for y in placed] if overflow > 0 else placed


def measure_chart(row: MeasureRow, months: list[datetime.date]) -> MeasureChart:
    """A measure's monthly actuals as a line over `months` (the report's months, oldest
    first), with its baseline as a dotted level and each target as a dashed one.

    Values start from zero so that a line's height reads as its size; the numbers are
    written beside the points and listed in the table the report puts after the chart.
    """
    plot_width = WIDTH - LEFT - MEASURE_RIGHT
    plot_height = MEASURE_HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_height
    levels_wanted = [t.value for t in row.targets]
    if row.baseline_value is not None:
        levels_wanted.append(row.baseline_value)
    values = [a.value for a in row.actuals] + levels_wanted
    top, step = _value_scale(float(max(values, default=decimal.Decimal(0))))

    def y_of(value: decimal.Decimal) -> float:
        return bottom - plot_height * float(value) / top

    slot = plot_width / max(len(months), 1)
    x_of = {month: LEFT + slot * index + slot / 2 for index, month in enumerate(months)}
    points = [
        ValuePoint(x_of[a.month], y_of(a.value), a.label)
        for a in row.actuals
        if a.month in x_of
    ]
    ticks = [
        ValueTick(
            bottom - plot_height * (n * step) / top, _tick_label(n * step, row.unit)
        )
        for n in range(round(top / step) + 1)
    ]
    # One month label in every `every`, so that long plans' labels do not overlap.
    every = max(1, math.ceil(len(months) / 12))
    x_labels = [
        XLabel(x_of[month], bottom + 18, f"{month:%b %Y}")
        for index, month in enumerate(months)
        if index % every == 0 or index == len(months) - 1
    ]

    drawn = []  # (kind, name, y, dash, marker_x)
    if row.baseline_value is not None:
        drawn.append(
            (
                "baseline",
                f"Baseline {row.baseline_label}",
                y_of(row.baseline_value),
                "2 3",
                None,
            )
        )
    for target in row.targets:
        due_month = target.due.replace(day=1)
        drawn.append(
            (
                "target",
                f"Target {target.value_label} by {target.due:%b %Y}",
                y_of(target.value),
                "7 4",
                x_of.get(due_month),
            )
        )
    label_ys = _spread([level[2] for level in drawn], bottom)
    levels = [
        Level(kind, name, y, label_y, dash, marker_x)
        for (kind, name, y, dash, marker_x), label_y in zip(
            drawn, label_ys, strict=True
        )
    ]
    return MeasureChart(
        title=f"{row.name}: actuals month by month",
        description=_measure_description(row, months),
        width=WIDTH,
        height=MEASURE_HEIGHT,
        points=points,
        levels=levels,
        ticks=ticks,
        x_labels=x_labels,
        axis_left=LEFT,
        axis_bottom=bottom,
        axis_right=WIDTH - MEASURE_RIGHT,
        label_x=WIDTH - MEASURE_RIGHT + 8,
    )


def _measure_description(row: MeasureRow, months: list[datetime.date]) -> str:
    shown = [a for a in row.actuals if a.month in set(months)]
    parts = [
        "Actuals: " + ", ".join(f"{a.month:%B %Y} {a.label}" for a in shown)
        if shown
        else "No actual entered yet"
    ]
    if row.baseline_label:
        when = f" ({row.baseline_date_label})" if row.baseline_date else ""
        parts.append(f"baseline {row.baseline_label}{when}")
    if row.targets:
        parts.append("targets: " + "; ".join(t.text for t in row.targets))
    parts.append(row.state_label.lower())
    return ". ".join(part[0].upper() + part[1:] for part in parts) + "."
