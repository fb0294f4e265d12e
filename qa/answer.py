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


@dataclass
class Figure:
    """One figure the answer states, with a label."""

    label: str
    value: Decimal
    unit: str | None

    def to_dict(self) -> dict:
        return {"label": self.label, "value": float(self.value), "unit": self.unit}


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
        }
