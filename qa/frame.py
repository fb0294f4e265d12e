"""A question as a frame of named slots: what it is about, which measure, period, operation.

``parse(question, vocab)`` normalises the question, takes out years and department names,
segments the rest with the vocabulary and fills the slots; empty slots stay ``None``. The
content ``terms`` are what the report must explain before any figure is answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from qa.vocabulary import (
    ALIAS,
    COMPARISON,
    CONTENT_ROLES,
    COUNT_UNIT,
    MEASURE,
    NEGATION,
    OPERATION,
    PERCENT,
    PERIOD,
    TOTAL,
    UNKNOWN,
    Piece,
    Vocabulary,
    normalize,
)

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?:\s*年度?|(?=\D|$))")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(%|万元|元|亿元|分|辆|台|个|人)?")
_CLAUSE = re.compile(r"[，,。；;！!？?]")
_CONJUNCTION = re.compile(r"[和与及跟、]|加上|以及")
_RATE_MEASURES = ("completion_rate", "change_rate", "share")
_MEASURE_ORDER = (
    "completion_rate", "change_rate", "share", "average", "score", "change", "count",
    "executed", "actual", "budget",
)  # fmt: skip
_OPERATION_ORDER = ("difference", "sum", "max", "min", "list", "which")
MAX_UNKNOWN_ONE_CHAR = 1  # one-character unknown pieces are fragments, not content


@dataclass(frozen=True)
class Term:
    """A content word of the question and the report terms that would explain it."""

    text: str
    forms: tuple[str, ...]  # the word itself and its glossary expansions
    clause: int  # which clause of the question it stands in
    negated: bool = False  # "不算津贴": named only to be excluded
    asked: bool = True  # in a clause that asks for the figure (not a clause of background)

    @property
    def weight(self) -> int:
        return len(self.text)

    def __repr__(self) -> str:
        more = f"→{'/'.join(self.forms[1:])}" if len(self.forms) > 1 else ""
        return f"{'¬' if self.negated else ''}{self.text}{more}"


@dataclass(frozen=True)
class Frame:
    """The filled slots of one question."""

    text: str  # the normalised question
    terms: tuple[Term, ...] = ()
    measures: tuple[str, ...] = ()  # every measure named, strongest first
    period: str | None = None  # current | previous
    years: tuple[int, ...] = ()
    operation: str | None = None  # sum | difference | max | min | list | which
    count_unit: str | None = None
    percent: bool = False
    numbers: tuple[tuple[Decimal, str | None], ...] = ()
    groups: tuple[tuple[Term, ...], ...] = ()  # terms split at 和/与 (for sums and lists)
    comparison: str | None = None  # lt | gt | zero | nonzero: a condition on the figures
    wants_total: bool = False  # 一共, 总共, 合计: the whole, not a part
    departments: tuple[str, ...] = ()
    pieces: tuple[Piece, ...] = field(default=(), repr=False)

    @property
    def measure(self) -> str | None:
        return self.measures[0] if self.measures else None

    @property
    def wants_percent(self) -> bool:
        return self.percent or self.measure in _RATE_MEASURES

    @property
    def required(self) -> tuple[Term, ...]:
        """The terms a fact must explain: those of the asking clauses, else all named."""
        asked = tuple(t for t in self.terms if t.asked and not t.negated)
        return asked or tuple(t for t in self.terms if not t.negated)

    @property
    def background(self) -> tuple[Term, ...]:
        """Terms of clauses that set the scene; they help rank but are not required."""
        return tuple(t for t in self.terms if not t.asked and not t.negated)

    def __repr__(self) -> str:
        slots = {
            k: v
            for k, v in (
                ("terms", list(self.terms)), ("measures", list(self.measures)),
                ("period", self.period), ("years", list(self.years)),
                ("operation", self.operation), ("count_unit", self.count_unit),
                ("percent", self.percent or None), ("numbers", [str(n) for n, _ in self.numbers]),
                ("departments", list(self.departments)), ("comparison", self.comparison),
            )
            if v
        }  # fmt: skip
        return f"Frame({', '.join(f'{k}={v}' for k, v in slots.items())})"


def parse(question: str, vocab: Vocabulary, departments: tuple[str, ...] = ()) -> Frame:
    """Fill a frame from ``question``; ``departments`` are names the router found in it."""
    text = normalize(question)
    rest = text
    for name in sorted(departments, key=len, reverse=True):
        rest = rest.replace(normalize(name), "，")
    years = tuple(int(y) for y in _YEAR.findall(rest))
    rest = _YEAR.sub("，", rest)
    numbers = tuple(
        (Decimal(m.group(1)), m.group(2)) for m in _NUMBER.finditer(rest) if m.group(2)
    )
    pieces = vocab.segment(rest)
    clause_of = _clause_index(rest)
    negated_clauses = {clause_of(p.start) for p in pieces if p.role == NEGATION}
    asking = _asking_clauses(rest, vocab.question_words)
    terms: list[Term] = []
    measures: list[str] = []
    period = count_unit = comparison = None
    operations: list[str] = []
    percent = wants_total = False
    for p in pieces:
        clause = clause_of(p.start)
        negated = clause in negated_clauses
        if p.role in CONTENT_ROLES:
            if p.role == UNKNOWN and (len(p.text) <= MAX_UNKNOWN_ONE_CHAR or p.text.isdigit()):
                continue
            forms = (p.text, *p.expansions) if p.role == ALIAS else (p.text,)
            terms.append(Term(p.text, forms, clause, negated, clause in asking))
        elif negated:
            continue
        elif p.role == MEASURE:
            measures.append(p.meaning)
        elif p.role == PERIOD:
            period = period or p.meaning
        elif p.role == OPERATION:
            operations.append(p.meaning)
        elif p.role == COMPARISON:
            comparison = comparison or p.meaning
        elif p.role == COUNT_UNIT:
            count_unit = count_unit or p.meaning
        elif p.role == PERCENT:
            percent = True
        elif p.role == TOTAL:
            wants_total = True
    if count_unit and "count" not in measures:
        measures.append("count")
    measures = sorted(set(measures), key=_MEASURE_ORDER.index)
    return Frame(
        text=text,
        terms=tuple(terms),
        measures=tuple(measures),
        period=period,
        years=years,
        operation=min(operations, key=_OPERATION_ORDER.index) if operations else None,
        count_unit=count_unit,
        percent=percent,
        numbers=numbers,
        groups=_groups(rest, terms),
        comparison=comparison,
        wants_total=wants_total,
        departments=tuple(departments),
        pieces=tuple(pieces),
    )


def _clause_index(text: str):
    """A function from a character offset to the index of its clause."""
    ends = [m.start() for m in _CLAUSE.finditer(text)]

    def index(offset: int) -> int:
        return sum(1 for e in ends if e < offset)

    return index


def _asking_clauses(text: str, question_words: tuple[str, ...]) -> set[int]:
    """Indexes of the clauses that ask for a figure (多少, 几, 哪 …); all when none does."""
    clauses = _CLAUSE.split(text)
    asking = {i for i, c in enumerate(clauses) if any(w in c for w in question_words)}
    return asking or set(range(len(clauses)))


def _groups(text: str, terms: list[Term]) -> tuple[tuple[Term, ...], ...]:
    """Content terms split where the question joins subjects (水费和电费, 货物、服务)."""
    if not terms:
        return ()
    groups: list[list[Term]] = [[]]
    position = 0
    for term in terms:
        at = text.find(term.text, position)
        between = text[position:at] if at >= 0 else ""
        if groups[-1] and _CONJUNCTION.search(between):
            groups.append([])
        groups[-1].append(term)
        position = at + len(term.text) if at >= 0 else position
    return tuple(tuple(g) for g in groups if g)
