"""The site's charts: geometry computed here, drawn as SVG by the templates (no chart library
in the browser, no inline styles: colours are CSS classes, text is escaped by the template
engine). The practice dashboard's heatmap and bars, the interview history's trend line
(``quizzes/trend_chart.html``). No database access here.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

CELL = 12  # heatmap square plus its gap, in SVG user units
LABEL_WIDTH = 40
LABEL_HEIGHT = 16


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    day: date
    count: int
    level: int  # 0 (no reviews) to 4 (the busiest days)


@dataclass(frozen=True)
class Heatmap:
    cells: list[HeatCell]
    months: list[tuple[int, date]]  # x position and first day of each month shown
    width: int
    height: int


def heat_level(count: int, busiest: int) -> int:
    """0 for no reviews, else 1-4 by quarter of the busiest day."""
    if count <= 0 or busiest <= 0:
        return 0
    return min(4, math.ceil(4 * count / busiest))


def heatmap(counts: dict[date, int], *, today: date, weeks: int = 26) -> Heatmap:
    """A calendar heatmap: one column per week (Monday on top), ending with today's week."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    busiest = max((n for d, n in counts.items() if start <= d <= today), default=0)
    cells: list[HeatCell] = []
    months: list[tuple[int, date]] = []
    day = start
    while day <= today:
        column = (day - start).days // 7
        x = LABEL_WIDTH + column * CELL
        if day.day == 1 or day == start:
            months.append((x, day.replace(day=1)))
        count = counts.get(day, 0)
        cells.append(
            HeatCell(
                x=x,
                y=LABEL_HEIGHT + day.weekday() * CELL,
                day=day,
                count=count,
                level=heat_level(count, busiest),
            )
        )
        day += timedelta(days=1)
    if len(months) > 1 and months[1][0] - months[0][0] < 3 * CELL:
        months.pop(0)  # a partial first month would overlap the next label
    return Heatmap(
        cells=cells,
        months=months,
        width=LABEL_WIDTH + weeks * CELL,
        height=LABEL_HEIGHT + 7 * CELL,
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    size: int  # length in SVG user units
    offset: int  # position across the bars' direction
    start: int  # where the bar starts along its direction (columns grow up from a baseline)


def bars(
    items: list[tuple[str, int]],
    *,
    length: int,
    pitch: int,
    largest: int | None = None,
    baseline: int | None = None,
) -> list[Bar]:
    """Bars scaled so that ``largest`` (default: the largest value) spans ``length``.

    One bar every ``pitch`` units. With ``baseline``, bars are columns standing on it (SVG's
    y axis points down, so a column starts at ``baseline - size``); otherwise they start at 0.
    """
    top = largest if largest is not None else max((value for _label, value in items), default=0)
    result = []
    for index, (label, value) in enumerate(items):
        size = round(length * min(value, top) / top) if top else 0
        start = baseline - size if baseline is not None else 0
        result.append(Bar(label=label, value=value, size=size, offset=index * pitch, start=start))
    return result


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    label: str
    value: int


@dataclass(frozen=True)
class GridLine:
    y: float
    value: int  # the percentage it marks

    @property
    def label_y(self) -> float:
        return self.y + 4


@dataclass(frozen=True)
class Trend:
    """A line of percentages with grid lines at 0, 50 and 100 %, from ``pad`` to ``right``."""

    width: int
    height: int
    pad: int
    points: list[TrendPoint]
    grid: list[GridLine]

    @property
    def right(self) -> int:
        return self.width - self.pad

    @property
    def line(self) -> str:
        """The polyline's points."""
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


def trend(
    values: Sequence[tuple[str, int | None]], *, width: int = 640, height: int = 180, pad: int = 28
) -> Trend | None:
    """A line chart of percentages (0-100) in order, spread across ``width``; ``None`` values
    keep their place but are not drawn. ``None`` when there is nothing to draw."""
    if all(value is None for _label, value in values):
        return None
    steps = max(len(values) - 1, 1)

    def x(i: int) -> float:
        return pad + (width - 2 * pad) * (i / steps if len(values) > 1 else 0.5)

    def y(value: int) -> float:
        return height - pad - (height - 2 * pad) * max(0, min(value, 100)) / 100

    return Trend(
        width=width,
        height=height,
        pad=pad,
        points=[
            TrendPoint(x(i), y(value), label, value)
            for i, (label, value) in enumerate(values)
            if value is not None
        ],
        grid=[GridLine(y(value), value) for value in (0, 50, 100)],
    )
