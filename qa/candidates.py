"""Answer candidates and the Chinese phrasing shared by every way of finding a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from qa.answer import Citation, Figure


@dataclass
class Candidate:
    """One way of answering: a figure (or several), its wording, and its sources."""

    score: float
    method: str  # table | text | computed
    value: Decimal | None
    unit: str | None
    label: str
    answer: str
    citations: list[Citation]
    figures: list[Figure] = field(default_factory=list)
    subject: str = ""  # what the figure is about, for comparing candidates
    empty: bool = False  # the cited cell is printed empty
    coverage: int = 0  # characters of the question the cited source names literally


def fmt_value(text: str, unit: str | None) -> str:
    """A figure as printed plus its unit: ``80.35万元``, ``52.27%``, ``46批次``."""
    if text.endswith("%") or not unit:
        return text
    return f"{text}{unit}"


def plain(value: Decimal) -> str:
    """A Decimal for an answer sentence, without exponent notation."""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
