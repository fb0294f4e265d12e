"""Operations beyond one lookup, each from cited facts with a shown formula.

- ``max``/``min``/``which``: the best fact's family (same table, column, measure, period;
  siblings for table rows) ranked by value;
- counting a family under a condition (执行数为0的项目有几个);
- ``sum``: one lookup per named subject (水费和电费), added up;
- ``difference``: 预算 − 决算 of one subject (比预算少花了多少), or A − B of two subjects;
- last year's figure: this year's figure ∓ the stated change (when no figure of last year is
  stated).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from indexer.facts import CURRENT, PREVIOUS, Fact
from qa import messages
from qa.fact_store import FactView, ReportFacts
from qa.features import Query
from qa.gate import Computed, Decision, Reason, gate
from qa.scorer import Scored, Scorer, ScoringConfig

_RANKING = ("max", "min", "which")
_CHANGES = ("change",)


def operate(
    query: Query, ranked: list[Scored], facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """A decision for a question that needs arithmetic or a ranking, else None (a lookup)."""
    frame = query.frame
    if frame.operation in _RANKING or (frame.comparison and frame.count_unit):
        return _rank_or_count(query, ranked, facts, scorer, config)
    if frame.operation == "sum" and len(frame.groups) >= 2:
        return _sum(query, facts, scorer, config)
    if frame.operation == "difference":
        return _difference(query, facts, scorer, config)
    if query.asked_period == PREVIOUS and frame.measure not in _CHANGES:
        return _last_year(query, ranked, facts, scorer, config)
    return None


# ---------------------------------------------------------------- families


def family(best: Fact, views: list[FactView]) -> list[FactView]:
    """Facts of the same kind as ``best``: same table, column, measure, period and unit;
    for table rows also the same parent row. Totals are not members."""
    key = (best.context[:1], best.column, best.measure, best.period, best.unit, best.origin)
    parent = best.row[:-1] if best.origin == "cell" else None
    out = []
    for v in views:
        f = v.fact
        if (f.context[:1], f.column, f.measure, f.period, f.unit, f.origin) != key or f.total:
            continue
        if parent is not None and f.row[:-1] != parent:
            continue
        out.append(v)
    return out


def _rank_or_count(
    query: Query, ranked: list[Scored], facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    checked = gate(query, ranked, config)
    if checked.reason in (Reason.MEASURE_CONFLICT, Reason.UNIT_MISMATCH, Reason.NO_FACT):
        return checked
    if not ranked:
        return None
    members = [v for v in family(ranked[0].fact, facts.views) if not v.fact.empty]
    members = _filtered(members, query)
    if len(members) < 2:
        return None
    frame = query.frame
    if frame.count_unit and frame.operation not in _RANKING:
        count = Decimal(len(members))
        names = "、".join(m.fact.row[-1] for m in members)
        formula = f"符合条件的共 {len(members)} 个：{names}"
        computed = Computed(count, frame.count_unit, "个数", formula,
                            tuple(m.fact for m in members))  # fmt: skip
        return Decision("answered", Reason.OK, (ranked[0],), computed=computed)
    pick = min if frame.operation == "min" else max
    winner = pick(members, key=lambda v: v.fact.value)
    word = "最低" if frame.operation == "min" else "最高"
    chosen = scorer.score(query, winner)
    return Decision("answered", Reason.OK, (chosen,), note=f"{word}（共 {len(members)} 项比较）")


def _filtered(members: list[FactView], query: Query) -> list[FactView]:
    """Members meeting the question's condition (为0, 非零, 低于/高于 a number)."""
    frame = query.frame
    limit = frame.numbers[0][0] if frame.numbers else None
    if frame.comparison == "zero":
        return [m for m in members if m.fact.value == 0]
    if frame.comparison == "nonzero":
        return [m for m in members if m.fact.value != 0]
    if frame.comparison == "lt" and limit is not None:
        return [m for m in members if m.fact.value < limit]
    if frame.comparison == "gt" and limit is not None:
        return [m for m in members if m.fact.value > limit]
    return members


# ---------------------------------------------------------------- arithmetic


def _lookup(query: Query, terms, facts: ReportFacts, scorer: Scorer, config: ScoringConfig,
            **frame_changes) -> Decision:  # fmt: skip
    """A plain lookup of a sub-question: the same frame with other terms or slots."""
    frame = replace(query.frame, terms=tuple(terms), operation=None, **frame_changes)
    sub = Query(frame, query.report_kind, query.report_year, query.measure_compat)
    words = [p for t in frame.terms if not t.negated for f in t.forms for p in f.split("+")]
    views = [facts.views[i] for i in sorted(facts.mentioning(words))]
    return gate(sub, scorer.rank(sub, views), config)


def _sum(query: Query, facts: ReportFacts, scorer: Scorer, config: ScoringConfig) -> Decision:
    parts = [_lookup(query, group, facts, scorer, config) for group in query.frame.groups]
    if any(p.status != "answered" or p.best is None for p in parts):
        failed = next(p for p in parts if p.status != "answered" or p.best is None)
        return failed
    inputs = [p.best.fact for p in parts]
    if len({f.unit for f in inputs}) != 1:
        return Decision("not_found", Reason.UNIT_MISMATCH, tuple(p.best for p in parts))
    total = sum((f.value for f in inputs), Decimal(0))
    unit = inputs[0].unit
    shown = [(f.row[-1], messages.amount(f.text, f.value, f.unit)) for f in inputs]
    formula = messages.formula("合计", shown, "+", messages.amount("", total, unit))
    label = "与".join(f.row[-1] for f in inputs) + "合计"
    return Decision("answered", Reason.OK, tuple(p.best for p in parts),
                    computed=Computed(total, unit, label, formula, tuple(inputs)))  # fmt: skip


def _difference(
    query: Query, facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    frame = query.frame
    if len(frame.groups) >= 2:
        a, b = (_lookup(query, g, facts, scorer, config) for g in frame.groups[:2])
    else:
        a = _lookup(query, frame.terms, facts, scorer, config, measures=("budget",))
        b = _lookup(query, frame.terms, facts, scorer, config, measures=(_spent(query),))
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


def _spent(query: Query) -> str:
    """The measure that says what was spent: 执行数 for records, else 决算数."""
    return "executed" if "executed" in query.frame.measures else "actual"


def _last_year(
    query: Query, ranked: list[Scored], facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """Last year's figure: stated (answered by the lookup), else this year's ∓ the change."""
    stated = gate(query, ranked, config)
    if stated.status != "not_found" or stated.reason != Reason.PERIOD_CONFLICT:
        return None
    terms = query.frame.terms
    current = _lookup(query, terms, facts, scorer, config, years=(), period=CURRENT)
    change = _lookup(query, terms, facts, scorer, config, years=(), period=CURRENT,
                     measures=("change",))  # fmt: skip
    if current.status != "answered" or change.status != "answered":
        return None
    cur, delta = current.best.fact, change.best.fact
    if cur.unit != delta.unit or cur.measure == "change":
        return None
    value = cur.value - delta.value
    shown = [("本年", messages.amount(cur.text, cur.value, cur.unit)),
             ("比上年增减", messages.amount(delta.text, delta.value, delta.unit))]  # fmt: skip
    formula = messages.formula("上年数", shown, "−", messages.amount("", value, cur.unit))
    label = f"上年{cur.row[-1] if cur.row else ''}"
    return Decision("answered", Reason.OK, (current.best, change.best),
                    computed=Computed(value, cur.unit, label, formula, (cur, delta)))  # fmt: skip
