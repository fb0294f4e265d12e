"""Operations beyond one lookup, each from cited facts with a shown formula.

- ``max``/``min``/``which``: the best fact's family (same table, column, measure, period;
  siblings for table rows) ranked by value;
- counting a family under a condition (执行数为0的项目有几个);
- ``sum``: one lookup per named subject (水费和电费), added up;
- ``difference``: 预算 − 决算 of one subject (比预算少花了多少), or A − B of two subjects;
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
from qa.fact_store import FactView, ReportFacts, total_row
from qa.features import Query, required_coverage
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
from qa.scorer import Scored, Scorer, ScoringConfig
from qa.vocabulary import base_vocabulary

_BUDGET_BASE = re.compile(r"(比|较|相比)(年初|全年|调整后?)?预算")  # 比预算少花: budget − spent
_BUDGET_WORD = re.compile(r"(?<!决)预算")
SPENT_ASKED = {"actual", "executed", "spent"}  # measures that ask what was spent
_MEASURE_LABEL_ENDS = ("预算数", "执行数", "决算数", "年初预算", "全年预算")
MAX_FAMILIES_TRIED = 12  # families of the best-ranked facts tried for a max/min


def operate(
    query: Query, ranked: list[Scored], facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """A decision for a question that needs arithmetic or a ranking, else None (a lookup)."""
    frame = query.frame
    if frame.operation in ("max", "min"):
        return _rank(query, ranked, facts, scorer, config)
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
        return _count(query, ranked, facts)
    if query.asked_period == PREVIOUS and frame.measure not in CHANGES:
        return last_year(query, stated, facts, scorer, config)
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
        if (f.context[:1], f.column, f.measure, f.period, f.unit, f.origin) != key:
            continue
        if total_row(f) or (f.total and f.origin != "cell"):
            continue
        if parent is not None and f.row[:-1] != parent:
            continue
        out.append(v)
    return out


def _peers(best: Fact, views: list[FactView], query: Query, least: float) -> list[list[FactView]]:
    """Records of one table compared across their units or projects (the first part of their
    row): the same label under each (总评价得分, 保工资 › 得分), as families."""
    groups: dict[tuple, list[FactView]] = {}
    for v in views:
        f = v.fact
        if (f.context[:1], f.measure, f.unit, f.origin) != (
            best.context[:1],
            best.measure,
            best.unit,
            best.origin,
        ) or f.empty:
            continue
        groups.setdefault((f.row[1:], f.column), []).append(v)  # the label under each
    return [
        members
        for members in groups.values()
        if len({m.fact.row[:1] for m in members}) >= 2
        and all(required_coverage(query, m) >= least for m in members)
    ]


def _rank(
    query: Query, ranked: list[Scored], facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """The highest or lowest member of a family of table/record facts: the family of the
    best-ranked fitting fact that has at least two members naming what was asked."""
    tabular = [s for s in ranked if s.fact.origin != "sentence"]
    checked = gate(query, tabular, config)
    if checked.status == "not_found" or checked.best is None:
        return checked
    least = config.thresholds["min_required_coverage"]
    tried: set[tuple] = set()
    families: list[list[FactView]] = []
    columns: dict[int, tuple] = {}  # a level's family: (its column unnamed, − its breadth)
    for s in tabular:
        f = s.fact
        key = (f.context[:1], f.column, f.measure, f.period, f.unit, f.origin, f.row[:-1])
        if key in tried or s.values["required_coverage"] < least or s.values["measure_match"] < 0:
            continue
        tried.add(key)
        members = [
            v
            for v in family(f, facts.views)
            if not v.fact.empty and required_coverage(query, v) >= least
        ]  # fmt: skip  (members must be what was named: 哪个分局 → the 分局 only)
        if query.frame.level and len(_at_level(f, facts.views, query.frame.level)) >= 2:
            members = _at_level(f, facts.views, query.frame.level)  # 哪个项级科目最多
            breadth = sum(in_yuan(v.fact) for v in members)  # 合计 column over its parts
            columns[id(members)] = (s.values["unnamed_qualifiers"], -breadth)
        elif (scope := _scope_row(query, f)) and len(_items_under(f, scope, facts.views)) >= 2:
            members = _items_under(f, scope, facts.views)  # 公用经费里面，哪一项最大
        members = _filtered(members, query)
        if len(members) >= 2:
            families.append(members)
        if len(tried) >= MAX_FAMILIES_TRIED:
            break
    if not families:
        return Decision("not_found", Reason.NO_FACT, (checked.best,))
    if columns:  # a level named: its rows, not another seed's siblings
        families = [m for m in families if id(m) in columns]
    # the best-ranked family's table; in it the things themselves before their parts
    # (a unit's score, not its tasks' scores)
    table = families[0][0].fact.context[:1]
    if families[0][0].fact.origin == "record":
        families += _peers(families[0][0].fact, facts.views, query, least)
    members = min(
        (m for m in families if m[0].fact.context[:1] == table),
        key=lambda m: (len(m[0].fact.row), columns.get(id(m), (0, 0))),
    )
    pick = min if query.frame.operation == "min" else max
    winner = pick(members, key=lambda v: in_yuan(v.fact))
    word = "最低" if query.frame.operation == "min" else "最高"
    note = f"{word}（在 {len(members)} 项中比较）"
    return Decision("answered", Reason.OK, (scorer.score(query, winner),), note=note)


CODE_DIGITS = {1: 3, 2: 5, 3: 7}  # 类, 款, 项: the digits of a classification code


def _same_table(best: Fact, views: list[FactView]) -> list[FactView]:
    """Printed, non-total facts of ``best``'s table, column, measure, period and unit."""
    key = (best.context[:1], best.column, best.measure, best.period, best.unit, best.origin)
    return [
        v for v in views
        if (v.fact.context[:1], v.fact.column, v.fact.measure, v.fact.period, v.fact.unit,
            v.fact.origin) == key and not v.fact.empty and not total_row(v.fact)
    ]  # fmt: skip


def _at_level(best: Fact, views: list[FactView], level: int) -> list[FactView]:
    """The rows of one classification level (项级: 7-digit codes) in ``best``'s table."""
    digits = CODE_DIGITS[level]
    return [v for v in _same_table(best, views) if v.fact.code and len(v.fact.code) == digits]


def _scope_row(query: Query, best: Fact) -> str | None:
    """The row of ``best`` the question names as a scope (公用经费里面, 政协事务下面), if any."""
    text, markers = query.frame.text, base_vocabulary().scope_markers
    scoped = [
        t for t in query.frame.required
        if text[t.start + len(t.text) :].lstrip(" 的").startswith(markers)
    ]  # fmt: skip
    return next((r for r in best.row for t in scoped if r in t.forms), None)


def _items_under(best: Fact, scope: str, views: list[FactView]) -> list[FactView]:
    """The finest rows under ``scope`` in ``best``'s table (rows with none under them)."""
    under = [v for v in _same_table(best, views) if scope in v.fact.row[:-1]]
    rows = {v.fact.row for v in under}
    return [v for v in under if not any(r[:-1] == v.fact.row for r in rows)]


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


def _count(query: Query, ranked: list[Scored], facts: ReportFacts) -> Decision | None:
    """How many members of the best table/record fact's family meet the condition."""
    best = next((s for s in ranked if s.fact.origin != "sentence"), None)
    if best is None or best.values["required_coverage"] < 1:
        return None
    members = [v for v in family(best.fact, facts.views) if not v.fact.empty]
    chosen = _filtered(members, query)
    if not members or len(chosen) == len(members):
        return None
    names = "；".join(m.fact.row[-1] for m in chosen) or "无"  # a name may hold 、
    formula = f"{len(members)} 项中符合条件的共 {len(chosen)} 项：{names}"
    computed = Computed(Decimal(len(chosen)), query.frame.count_unit, "个数", formula,
                        tuple(m.fact for m in chosen))  # fmt: skip
    return Decision("answered", Reason.OK, (best,), computed=computed)


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
