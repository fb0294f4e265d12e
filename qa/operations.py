"""Operations beyond one lookup, each from cited facts with a shown formula.

- ``max``/``min`` and counting a family under a condition (:mod:`qa.ranking`);
- ``sum``: one lookup per named subject (水费和电费), added up;
- ``difference``: 预算 − 决算 of one subject (比预算少花了多少), or A − B of two subjects;
- an execution rate (决算数占预算数的百分之多少) from one row's budget and spending;
- a share, a rate of change or last year's figure the report does not print
  (:mod:`qa.derived`).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from indexer.facts import PREVIOUS, Fact
from qa import messages
from qa.clauses import CHANGE_MEASURES
from qa.derived import CHANGES, SHARE_PLACES, change_rate, last_year, lookup, share
from qa.fact_store import FactView, ReportFacts
from qa.features import Query
from qa.frame import Term
from qa.gate import (
    MONEY_IN_YUAN,
    SPENT_MEASURES,
    Computed,
    Decision,
    Reason,
    gate,
    in_yuan,
    same_figure,
)
from qa.ranking import count, rank
from qa.scorer import Scored, Scorer, ScoringConfig

_BUDGET_BASE = re.compile(r"(比|较|相比)(年初|全年|调整后?)?预算")  # 比预算少花: budget − spent
_BUDGET_WORD = re.compile(r"(?<!决)预算")
SPENT_ASKED = {"actual", "executed", "spent"}  # measures that ask what was spent
_MEASURE_LABEL_ENDS = ("预算数", "执行数", "决算数", "年初预算", "全年预算")


def operate(
    query: Query, ranked: list[Scored], facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """A decision for a question that needs arithmetic or a ranking, else None (a lookup)."""
    frame = query.frame
    if frame.operation in ("max", "min"):
        return rank(query, ranked, facts, scorer, config)
    if frame.operation == "sum" and len(frame.groups) >= 2:
        summed = _sum(query, facts, scorer, config)
        if summed is not None and summed.status == "not_found":  # 三项加起来那个小计: printed
            stated = gate(query, ranked, config)
            if stated.status == "answered" and stated.best and stated.best.fact.total:
                return stated
        return summed
    if frame.operation == "sum":  # "四个季度的用款计划加起来": the listed figures summed
        return _sum_listed(query, ranked, config)
    if frame.wants_total and len(frame.groups) >= 2:  # "开会加培训一共": a sum if both are found
        summed = _sum(query, facts, scorer, config)
        if summed is not None and summed.status == "answered" and summed.computed is not None:
            return summed
    if frame.operation == "difference":
        return _difference(query, facts, scorer, config)
    if frame.operation == "list":
        return _list(query, ranked, config)
    stated = gate(query, ranked, config)
    if stated.status != "not_found":
        return None
    if frame.wants_percent and _BUDGET_WORD.search(frame.text) and SPENT_ASKED & {*frame.measures}:
        rate = _execution_rate(query, facts, scorer, config)
        if rate is not None:
            return rate
    if frame.measure == "share":
        return share(query, facts, scorer, config)
    if frame.measure == "change_rate":
        return change_rate(query, facts, scorer, config)
    if frame.count_unit and frame.comparison:
        return count(query, ranked, facts)
    if query.asked_period == PREVIOUS and frame.measure not in CHANGES:
        return last_year(query, stated, facts, scorer, config)
    return None


# ---------------------------------------------------------------- families


def _list(query: Query, ranked: list[Scored], config: ScoringConfig) -> Decision | None:
    """ "各是多少": every subject the question names as well as the best does, one figure
    each (the best-ranked figure of each subject)."""
    first = gate(query, ranked, config)
    if first.status != "answered" or first.best is None:
        return first
    best = first.best
    margin = config.thresholds["list_margin"]
    chosen, seen = [best], {best.view.subject}
    for s in ranked:
        if best.total - s.total > margin or s.view.subject in seen:
            continue
        same_kind = (s.fact.measure, s.fact.period, s.fact.unit) == (
            best.fact.measure,
            best.fact.period,
            best.fact.unit,
        )
        if same_kind and s.values["required_coverage"] >= best.values["required_coverage"]:
            chosen.append(s)
            seen.add(s.view.subject)
    if len(chosen) < 2:
        return first
    return Decision("answered", Reason.OK, tuple(chosen), note="list")


def _sum_listed(query: Query, ranked: list[Scored], config: ScoringConfig) -> Decision | None:
    """The figures "各是多少" would list, added up; a plain lookup when one figure (or a
    printed total among them) already is the whole."""
    listed = _list(query, ranked, config)
    several = listed is not None and (listed.note == "list" or listed.status == "ambiguous")
    if not several or any(s.fact.total for s in listed.chosen):
        return None
    chosen = tuple(sorted(_once_each(listed.chosen), key=lambda s: s.view.index))  # in order
    if len(chosen) < 2:
        return None
    inputs = [s.fact for s in chosen]
    if len({f.unit for f in inputs}) != 1:
        return Decision("not_found", Reason.UNIT_MISMATCH, listed.chosen)
    return _added(inputs, chosen)


def _once_each(chosen: tuple[Scored, ...]) -> list[Scored]:
    """One printing of each row's figure (水费 printed in two tables is added once)."""
    out: list[Scored] = []
    for s in chosen:
        if not any(s.view.leaf == o.view.leaf and same_figure(s.fact, o.fact) for o in out):
            out.append(s)
    return out


# ---------------------------------------------------------------- arithmetic


def _sum(
    query: Query, facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """The sum of the figures of two or more named subjects; None when two of them name one
    figure (政府采购（买东西、买服务）: the words explain one figure, they add nothing)."""
    groups = query.frame.groups
    parts = [lookup(query, g, facts, scorer, config, siblings=_siblings(g, groups)) for g in groups]
    if any(p.status != "answered" or p.best is None for p in parts):
        failed = next(p for p in parts if p.status != "answered" or p.best is None)
        return failed
    units = {p.best.fact.unit for p in parts}
    if len(units) > 1 and units <= MONEY_IN_YUAN.keys():  # each in the finest unit printed
        finest = min(units, key=MONEY_IN_YUAN.__getitem__)
        for i, p in enumerate(parts):
            if p.best.fact.unit != finest:
                again = lookup(query, groups[i], facts, scorer, config,
                                keep=lambda f: f.unit == finest)  # fmt: skip
                parts[i] = again if again.status == "answered" and again.best else p
    inputs = [p.best.fact for p in parts]
    if _one_figure_twice(parts):
        return None
    units = {f.unit for f in inputs}
    if len(units) != 1 and not units <= MONEY_IN_YUAN.keys():
        return Decision("not_found", Reason.UNIT_MISMATCH, tuple(p.best for p in parts))
    return _added(inputs, tuple(p.best for p in parts))


def _siblings(group: tuple[Term, ...], groups) -> tuple[Term, ...]:
    """The terms of the other parts, not shared with ``group``."""
    return tuple(t for g in groups if g is not group for t in g if t not in group)


def _one_figure_twice(parts: list[Decision]) -> bool:
    """Two parts name one figure: the same fact, or the same amount under labels one of which
    holds the other (人员经费 and 人员经费合计)."""
    views = [p.best.view for p in parts if p.best is not None]
    for i, a in enumerate(views):
        for b in views[i + 1 :]:
            alike = a.leaf in b.leaf or b.leaf in a.leaf
            if a.index == b.index or (alike and in_yuan(a.fact) == in_yuan(b.fact)):
                return True
    return False


def _added(inputs: list[Fact], chosen: tuple[Scored, ...]) -> Decision:
    """The sum of figures of one unit (money in several units: in 元), with its formula."""
    unit = inputs[0].unit
    if len({f.unit for f in inputs}) == 1:
        total = sum((f.value for f in inputs), Decimal(0))
    else:
        total, unit = sum((in_yuan(f) for f in inputs), Decimal(0)), "元"
    shown = [(messages.short_label(f), messages.amount(f.text, f.value, f.unit)) for f in inputs]
    formula = messages.formula("合计", shown, "+", messages.amount("", total, unit))
    label = "与".join(messages.short_label(f) for f in inputs) + "合计"
    return Decision("answered", Reason.OK, chosen,
                    computed=Computed(total, unit, label, formula, tuple(inputs)))  # fmt: skip


def _difference(
    query: Query, facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """A − B of two named subjects (项目支出比基本支出多多少), else 预算 − 决算/执行数 of one
    subject (比预算少花了多少, 还有多少没花出去)."""
    frame = query.frame
    # a group of measure labels only (预算数和全年执行数) names the two sides of one subject
    groups = [g for g in frame.groups if not all(t.text.endswith(_MEASURE_LABEL_ENDS) for t in g)]
    if len(groups) == 2 and not _BUDGET_BASE.search(frame.text):
        levels = tuple(m for m in frame.measures if m not in CHANGE_MEASURES)
        a, b = (lookup(query, g, facts, scorer, config, measures=levels,
                       siblings=_siblings(g, groups)) for g in groups)  # fmt: skip
    else:  # one subject: its budget and what it spent, both of the same row
        pair = _budget_and_spent(query, facts, scorer, config)
        if pair is None:
            return None
        a, b = pair
    if a.status != "answered" or b.status != "answered" or a.best is None or b.best is None:
        return None
    fa, fb = a.best.fact, b.best.fact
    if fa.unit != fb.unit or fa is fb:
        return None
    value = fa.value - fb.value
    shown = [(messages.describe(f, query.report_year), messages.amount(f.text, f.value, f.unit))
             for f in (fa, fb)]  # fmt: skip
    formula = messages.formula("差额", shown, "−", messages.amount("", value, fa.unit))
    return Decision("answered", Reason.OK, (a.best, b.best),
                    computed=Computed(value, fa.unit, "差额", formula, (fa, fb)))  # fmt: skip


def _budget_and_spent(
    query: Query, facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> tuple[Decision, Decision] | None:
    """The budget of the one subject asked and what the same row spent, both answered."""
    # a term that is a measure's own label (全年执行数) names a side, not the subject
    subject = tuple(t for t in query.frame.terms if not t.text.endswith(_MEASURE_LABEL_ENDS))
    a = lookup(query, subject, facts, scorer, config, measures=("budget",), percent=False)
    if a.status != "answered" or a.best is None:
        return None
    row = _subject_row(a.best.fact.row)
    same = [
        v for v in facts.views
        if _subject_row(v.fact.row) == row and v.fact.measure in SPENT_MEASURES
    ]  # fmt: skip
    b = lookup(query, subject, facts, scorer, config, measures=_spent_measures(same),
                views=same, percent=False)  # fmt: skip
    if b.status != "answered" or b.best is None:
        return None
    return a, b


def _execution_rate(
    query: Query, facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """What share of its budget one row spent, where the report prints no rate (决算数占预算数
    的百分之多少, 全年预算最后用掉了百分之几): spent ÷ budget × 100."""
    pair = _budget_and_spent(query, facts, scorer, config)
    if pair is None:
        return None
    a, b = pair
    budget, spent = a.best.fact, b.best.fact
    if budget.unit != spent.unit or not budget.value or budget is spent:
        return None
    value = (spent.value / budget.value * 100).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
    shown = [(messages.describe(f, query.report_year), messages.amount(f.text, f.value, f.unit))
             for f in (spent, budget)]  # fmt: skip
    formula = f"{shown[0][0]} {shown[0][1]} ÷ {shown[1][0]} {shown[1][1]} × 100% ≈ {value}%"
    return Decision("answered", Reason.OK, (b.best, a.best),
                    computed=Computed(value, "%", "执行率", formula, (spent, budget)))  # fmt: skip


def _subject_row(row: tuple[str, ...]) -> tuple[str, ...]:
    """A row without the measure label a sentence ends it with (项目 › 全年预算数 → 项目)."""
    return row[:-1] if len(row) > 1 and row[-1].endswith(_MEASURE_LABEL_ENDS) else row


def _spent_measures(views: list[FactView]) -> tuple[str, ...]:
    """The measure that says what a row spent: 执行数 where it states one, else 决算数."""
    return ("executed",) if any(v.fact.measure == "executed" for v in views) else ("actual",)
