"""Charts of an answer over several reports, as inline SVG (no script, no network).

``bar`` draws a ranking (one horizontal bar per report), ``line`` a trend (one point per
report, in the order given). Each bar and point is a link to its source, so a click or Enter
shows the cited page. The drawing is sized in SVG units and scales to the page width, so a
phone shows it whole without scrolling sideways.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from html import escape

from qa.answer import ReportFigure

WIDTH = 360  # SVG units; the chart is drawn at this width and scaled by the page
FONT = 13
BAR_ROW = 46  # height of one bar's row: its label, then the bar
BAR_HEIGHT = 18
VALUE_SPACE = 130  # room right of the longest bar for its figure
LINE_HEIGHT = 230
LINE_MARGIN = (36, 60, 40, 60)  # top, right, bottom, left: room for labels
POINT_RADIUS = 6
BAR_COLOUR = "#1d4ed8"
LINE_COLOUR = "#b45309"
CHART_KINDS = ("bar", "line")

Href = Callable[[int], str]


def _number(value: Decimal) -> str:
    return f"{value:,}"


def point_label(row: ReportFigure, rows: list[ReportFigure]) -> str:
    """What tells one row from the others: the year (and kind) over one department, else the
    department (with the year when the years differ)."""
    one_department = len({r.department for r in rows}) == 1
    year = f"{row.year}年{row.kind}" if row.year else row.kind
    if one_department:
        return year
    return row.department if len({r.year for r in rows}) == 1 else f"{row.department} {year}"


def _link(row: ReportFigure, label: str, href: Href, inner: str) -> str:
    """``inner`` wrapped in a link to the row's source (or not, when it has none)."""
    if row.citation is None:
        return inner
    n = row.citation + 1
    name = f"{label}：{_number(row.value)} {row.unit or ''}，来源 [{n}]"
    return (
        f"<a href='{escape(href(n))}' data-source='{n}' aria-label='{escape(name)}'>"
        f"<title>{escape(name)}</title>{inner}</a>"
    )


def bar_chart(rows: list[ReportFigure], href: Href) -> str:
    """Horizontal bars from zero, one row per report that states the figure."""
    shown = [r for r in rows if r.value is not None]
    low = min(Decimal(0), *(r.value for r in shown))
    high = max(Decimal(0), *(r.value for r in shown))
    span = (high - low) or Decimal(1)
    room = WIDTH - VALUE_SPACE

    def x(v: Decimal) -> float:
        return float((v - low) / span) * room

    parts = []
    for i, r in enumerate(shown):
        top = i * BAR_ROW
        label = point_label(r, rows)
        x0, x1 = sorted((x(Decimal(0)), x(r.value)))
        bar = (
            f"<rect x='{x0:.1f}' y='{top + FONT + 6}' width='{max(x1 - x0, 1):.1f}' "
            f"height='{BAR_HEIGHT}' fill='{BAR_COLOUR}' rx='2'/>"
            f"<text x='{x1 + 6:.1f}' y='{top + FONT + 6 + BAR_HEIGHT - 4}'>"
            f"{escape(_number(r.value))} {escape(r.unit or '')}</text>"
        )
        parts.append(
            f"<text x='0' y='{top + FONT}' class='rq-chart-label'>{escape(label)}</text>"
            + _link(r, label, href, bar)
        )
    height = max(1, len(shown)) * BAR_ROW
    return _svg(rows, "bar", height, "".join(parts))


def line_chart(rows: list[ReportFigure], href: Href) -> str:
    """A line through one point per report, in the given order, with each figure above it."""
    shown = [r for r in rows if r.value is not None]
    top, right, bottom, left = LINE_MARGIN
    low, high = min(r.value for r in shown), max(r.value for r in shown)
    pad = (high - low) / 10 or abs(high) / 10 or Decimal(1)
    low, high = low - pad, high + pad
    inner_w, inner_h = WIDTH - left - right, LINE_HEIGHT - top - bottom
    step = inner_w / max(1, len(shown) - 1)

    def xy(i: int, v: Decimal) -> tuple[float, float]:
        x = left + (i * step if len(shown) > 1 else inner_w / 2)
        return x, top + inner_h - float((v - low) / (high - low)) * inner_h

    points = [xy(i, r.value) for i, r in enumerate(shown)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    base = top + inner_h
    parts = [
        f"<line x1='{left}' y1='{base}' x2='{WIDTH - right}' y2='{base}' stroke='#52525b'/>",
        f"<polyline points='{path}' fill='none' stroke='{LINE_COLOUR}' stroke-width='3'/>",
    ]
    for r, (x, y) in zip(shown, points, strict=True):
        label = point_label(r, rows)
        dot = (
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{POINT_RADIUS}' fill='{LINE_COLOUR}'/>"
            f"<text x='{x:.1f}' y='{y - POINT_RADIUS - 6:.1f}' text-anchor='middle'>"
            f"{escape(_number(r.value))}</text>"
        )
        parts.append(
            _link(r, label, href, dot)
            + f"<text x='{x:.1f}' y='{base + FONT + 8}' text-anchor='middle' "
            f"class='rq-chart-label'>{escape(label)}</text>"
        )
    return _svg(rows, "line", LINE_HEIGHT, "".join(parts))


def _svg(rows: list[ReportFigure], kind: str, height: int, body: str) -> str:
    what = rows[0].label if rows else ""
    unit = next((r.unit for r in rows if r.unit), "")
    name = f"{'柱状图' if kind == 'bar' else '折线图'}：{what}（{unit}）"
    return (
        f"<figure class='rq-chart rq-chart-{kind}'>"
        f"<svg viewBox='0 -4 {WIDTH} {height + 8}' role='group' aria-label='{escape(name)}' "
        f"font-size='{FONT}' xmlns='http://www.w3.org/2000/svg'>{body}</svg>"
        f"<figcaption>{escape(name)}</figcaption></figure>"
    )


def chart_svg(rows: list[ReportFigure], kind: str, href: Href) -> str:
    """The chart of ``rows`` (``kind`` is "bar" or "line"); empty when nothing can be drawn."""
    if kind not in CHART_KINDS:
        raise ValueError(f"unknown chart kind {kind!r}; expected one of {CHART_KINDS}")
    if not any(r.value is not None for r in rows):
        return ""
    return bar_chart(rows, href) if kind == "bar" else line_chart(rows, href)
