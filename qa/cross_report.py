"""Questions over several reports: rank departments, compare them, follow one department
over the years, add them up — or, for a question that names no report, one line per report.

Like is compared with like: departments at the same year and kind (预算 with 预算) unless the
question asks otherwise, and the answer says which year and kind were compared; a department
whose report lacks the figure is listed as such. Amounts are ranked and charted in 万元.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from indexer.store import ReportInfo
from qa import messages
from qa.answer import Answer, Citation, Figure, ReportFigure
from qa.compose import citation
from qa.gate import MONEY_IN_YUAN, Decision
from qa.vocabulary import glossary, normalize

RANK, TREND, COMPARE, TOTAL, LIST = "rank", "trend", "compare", "total", "list"
WAN = Decimal(10000)
_YEARS = re.compile(r"(?<!\d)20\d{2}\s*年?度?(?:\s*(?:到|至|-|~|—|～)\s*20\d{2}\s*年?度?)?")


@dataclass(frozen=True)
class Plan:
    """What to do over which reports, and the like-with-like slot when one was chosen."""

    mode: str  # rank | trend | compare | total | list
    reports: tuple[ReportInfo, ...]
    slot: tuple[int | None, str] | None = None  # (year, kind) every department is read at
    lacking: tuple[str, ...] = ()  # departments with no report at that slot
    descending: bool = True


def _words(mode: str) -> tuple[str, ...]:
    return tuple(normalize(w) for w in glossary()["across"][mode])


def plan(question: str, reports: list[ReportInfo], operation: str | None,
         named_departments: int, asked_kind: str | None) -> Plan | None:  # fmt: skip
    """The cross-report plan for ``reports`` (already narrowed by department and year), or
    None when one report answers."""
    if len(reports) < 2:
        return None
    text = normalize(question)
    departments = {r.department for r in reports}
    descending = operation != "min"
    if len(departments) == 1:
        if any(w in text for w in _words(TREND)) or len({r.year for r in reports}) > 1:
            return Plan(TREND, _one_per_year(reports, asked_kind))
        return Plan(LIST, tuple(reports))
    over_all = any(w in text for w in _words("scope"))  # 各部门, 哪个部门 …
    ranking = operation in ("max", "min") or any(w in text for w in _words(RANK))
    several = over_all or named_departments >= 2
    if several and any(w in text for w in _words(TOTAL)) and not ranking:
        mode = TOTAL
    elif ranking and (over_all or named_departments != 1):
        mode = RANK
    elif named_departments >= 2 or any(w in text for w in _words(COMPARE)):
        mode = COMPARE
    else:
        return Plan(LIST, tuple(sorted(reports, key=_list_order)))
    chosen, slot, lacking = _same_slot(reports, asked_kind)
    return Plan(mode, chosen, slot, lacking, descending)


def local_question(question: str, mode: str) -> str:
    """The question as asked of one report: without 哪个部门/各部门 (the reports are the
    departments), for a ranking without 排名/最多 (the reports are ranked), for a comparison
    without 谁多/多多少 (the reports are compared: each states its level, not a change)."""
    text = normalize(question)
    across = {RANK: (RANK,), COMPARE: (COMPARE, "difference")}.get(mode, ())
    words = [*_words("scope"), *(w for m in across for w in _words(m))]
    for w in sorted(words, key=len, reverse=True):
        text = text.replace(w, " ")
    if mode == TREND:  # each report answers for its own year
        text = _YEARS.sub(" ", text)
    return text


def _list_order(r: ReportInfo) -> tuple:
    return (r.department, -(r.year or 0), r.kind)


def _one_per_year(reports: list[ReportInfo], asked_kind: str | None) -> tuple[ReportInfo, ...]:
    """A department's reports, one a year: the asked kind, else 决算 where both exist."""
    by_year: dict[int | None, ReportInfo] = {}
    for r in sorted(reports, key=lambda r: (r.year or 0, r.kind != (asked_kind or "决算"))):
        by_year.setdefault(r.year, r)
    return tuple(by_year[y] for y in sorted(by_year, key=lambda y: y or 0))


def _same_slot(
    reports: list[ReportInfo], asked_kind: str | None
) -> tuple[tuple[ReportInfo, ...], tuple[int | None, str], tuple[str, ...]]:
    """The (year, kind) most departments have, latest first; one report per department."""
    counts = Counter(
        (r.year, r.kind) for r in {(r.department, r.year, r.kind): r for r in reports}.values()
        if asked_kind is None or r.kind == asked_kind
    )  # fmt: skip
    if not counts:
        counts = Counter((r.year, r.kind) for r in reports)
    slot = max(counts, key=lambda s: (counts[s], s[0] or 0, s[1] == "决算"))
    chosen: dict[str, ReportInfo] = {}
    for r in reports:
        if (r.year, r.kind) == slot:
            chosen.setdefault(r.department, r)
    lacking = tuple(sorted({r.department for r in reports} - set(chosen)))
    return tuple(chosen.values()), slot, lacking


# ---------------------------------------------------------------- composing


@dataclass(frozen=True)
class Line:
    info: ReportInfo
    value: Decimal | None
    unit: str | None
    label: str
    citation: Citation | None  # where the figure stands (its first fact for a computed one)


def line(info: ReportInfo, decision: Decision) -> Line:
    """One report's figure (None when the report does not state it)."""
    if decision.status != "answered" or decision.best is None:
        return Line(info, None, None, "", None)
    fact = decision.best.fact
    c = decision.computed
    if c is not None:
        return Line(info, c.value, c.unit, c.label, citation(fact, info))
    return Line(info, fact.value, fact.unit, messages.short_label(fact), citation(fact, info))


def _wan(value: Decimal, unit: str | None) -> Decimal:
    """A money figure in 万元 (exact), other figures unchanged."""
    if unit in MONEY_IN_YUAN:
        return value * MONEY_IN_YUAN[unit] / WAN
    return value


def compose_cross(question: str, p: Plan, lines: list[Line]) -> Answer | None:
    """The cross-report answer: a sentence, the compact table, the chart, every figure cited."""
    stated = [ln for ln in lines if ln.value is not None]
    if not stated:
        return None
    citations, rows = [], []
    money = all(ln.unit in MONEY_IN_YUAN for ln in stated)
    unit = "万元" if money else stated[0].unit
    for ln in lines:
        index = None
        if ln.value is not None and ln.citation is not None:
            citations.append(ln.citation)
            index = len(citations) - 1
        value = _wan(ln.value, ln.unit) if ln.value is not None and money else ln.value
        rows.append(ReportFigure(ln.info.title, ln.info.department, ln.info.year, ln.info.kind,
                                 ln.label, value, unit if ln.value is not None else None,
                                 index, ln.info.id))  # fmt: skip
    rows += [ReportFigure("", d, p.slot[0] if p.slot else None, p.slot[1] if p.slot else "",
                          "", None, None) for d in p.lacking]  # fmt: skip
    known = [r for r in rows if r.value is not None]
    if p.mode == RANK:
        known.sort(key=lambda r: r.value, reverse=p.descending)
        rows = known + [r for r in rows if r.value is None]
    text = _sentence(p, known, unit)
    figures = [Figure(f"{r.department} {r.year or ''}{r.kind} {r.label}", r.value, r.unit)
               for r in known]  # fmt: skip
    lead = known[0]
    value = lead.value
    method = "table"
    if p.mode == TOTAL:
        value = sum((r.value for r in known), Decimal(0))
        method = "computed"
        figures.insert(0, Figure("合计", value, unit))
    if p.mode == TREND:
        lead = known[-1]
        value = lead.value
    if p.mode == COMPARE and len(known) == 2 and _asks_difference(question):
        value = abs(known[0].value - known[1].value)
        method = "computed"
        figures.insert(0, Figure("差额", value, unit))
    chart = {RANK: "bar", TREND: "line", COMPARE: "bar"}.get(p.mode)
    return Answer(question, "answered", text, value, unit, figures, citations, method,
                  table=rows, chart=chart)  # fmt: skip


def _asks_difference(question: str) -> bool:
    """多多少, 差多少 …: a comparison of two asks for the gap between them."""
    text = normalize(question)
    return any(w in text for w in _words("difference"))


def _sentence(p: Plan, known: list[ReportFigure], unit: str | None) -> str:
    def fig(r: ReportFigure) -> str:
        return f"{r.department}{messages.amount('', r.value, unit)}"

    slot = f"（均为{p.slot[0] or ''}年{p.slot[1]}）" if p.slot else ""
    missing = f"；{'、'.join(p.lacking)}没有该年度该类报告" if p.lacking else ""
    if p.mode == RANK:
        word = "最多" if p.descending else "最少"
        order = "；".join(fig(r) for r in known)
        return f"{known[0].department}{word}：{messages.amount('', known[0].value, unit)}{slot}。" \
               f"依次为：{order}{missing}。"  # fmt: skip
    if p.mode == TREND:
        steps = " → ".join(f"{r.year}年{r.kind} {messages.amount('', r.value, unit)}"
                           for r in known)  # fmt: skip
        return f"{known[0].department}各年：{steps}。"
    if p.mode == COMPARE:
        parts = "，".join(fig(r) for r in known)
        diff = ""
        if len(known) == 2:
            d = known[0].value - known[1].value
            more = "多" if d >= 0 else "少"
            diff = f"，{known[0].department}比{known[1].department}{more}" \
                   f"{messages.amount('', abs(d), unit)}"  # fmt: skip
        return f"{parts}{diff}{slot}{missing}。"
    if p.mode == TOTAL:
        total = sum((r.value for r in known), Decimal(0))
        parts = " + ".join(messages.amount("", r.value, unit) for r in known)
        return (
            f"{len(known)}个部门合计 {messages.amount('', total, unit)}（{parts}）{slot}{missing}。"
        )
    lines = "；".join(
        f"{r.department} {r.year or ''}年{r.kind}：{messages.amount('', r.value, unit)}"
        for r in known
    )
    return (
        f"问题未指明部门或年度，各报告的数字如下（可在问题中写明部门、年度或预算/决算）：{lines}。"
    )
