"""Server-side chart geometry: the templates draw it as inline SVG, with no script.

Each chart comes with a text alternative (its `description`) and the report also shows its
data as a table, so nothing depends on seeing the colours. Counts are written inside the
bars and beside the points so the charts read in black and white.
"""

from dataclasses import dataclass

from actionplans.models import StatusColour

from .selectors import MonthCounts

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
