"""The answer contract shared by the CLI, the HTTP API and the UI.

See ``tests/eval/README.md``: status answered | ambiguous | not_found, the single ``value``,
every stated figure in ``values``, and at least one citation per answered figure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass
class Citation:
    """Where a figure comes from: report, page, a locator path and the quoted source text."""

    report: str
    page: int | None
    locator: str
    quote: str
    report_id: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    kind: str = "cell"  # cell | paragraph | record
    file: str | None = None  # the PDF the page belongs to (a report may have several files)


@dataclass
class Figure:
    """One figure the answer states, with a label."""

    label: str
    value: Decimal
    unit: str | None

    def to_dict(self) -> dict:
        return {"label": self.label, "value": float(self.value), "unit": self.unit}


@dataclass
class ReportFigure:
    """One line of an answer over several reports: which report, and its figure (or none)."""

    report: str  # the report's title
    department: str
    year: int | None
    kind: str  # 预算 | 决算
    label: str
    value: Decimal | None  # None: this report does not state the figure
    unit: str | None
    citation: int | None = None  # index into Answer.citations
    report_id: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["value"] = float(self.value) if self.value is not None else None
        return d


@dataclass
class Answer:
    question: str
    status: str  # answered | ambiguous | not_found
    answer: str
    value: Decimal | None = None
    unit: str | None = None
    values: list[Figure] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    method: str | None = None  # table | text | computed | retrieval
    report: str | None = None  # title of the report answered from
    latency_ms: float | None = None
    table: list[ReportFigure] = field(default_factory=list)  # several reports, one line each
    chart: str | None = None  # "bar" (a ranking) or "line" (a trend) drawn from ``table``

    def to_dict(self) -> dict:
        """The JSON contract (numbers as JSON numbers)."""
        return {
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "value": float(self.value) if self.value is not None else None,
            "unit": self.unit,
            "values": [f.to_dict() for f in self.values],
            "citations": [asdict(c) for c in self.citations],
            "method": self.method,
            "report": self.report,
            "latency_ms": round(self.latency_ms, 1) if self.latency_ms is not None else None,
            "table": [r.to_dict() for r in self.table],
            "chart": self.chart,
            "series": [
                {"x": _series_label(r), "y": float(r.value)}
                for r in self.table
                if r.value is not None
            ]
            if self.chart
            else [],
        }


def _series_label(r: ReportFigure) -> str:
    """A chart point's label: the year for a trend over one department, else the department."""
    return f"{r.department} {r.year or ''}{r.kind}".strip()
