"""Rankings and counts over a family of table or record facts: the highest or lowest member
(哪个分局得分最高, 哪个项级科目最多, 公用经费里面哪一项最大) and how many members meet a
condition (执行数为0的项目有几个)."""

from __future__ import annotations

from decimal import Decimal

from indexer.facts import Fact
from qa.fact_store import FactView, ReportFacts, total_row
from qa.features import Query, required_coverage
from qa.gate import Computed, Decision, Reason, gate, in_yuan
from qa.scorer import Scored, Scorer, ScoringConfig
from qa.vocabulary import base_vocabulary

MAX_FAMILIES_TRIED = 12  # families of the best-ranked facts tried for a max/min


def _kind(f: Fact) -> tuple:
    """What facts compared with one another share: table, column, measure, period, unit and
    origin."""
    return (f.context[:1], f.column, f.measure, f.period, f.unit, f.origin)


def family(best: Fact, views: list[FactView]) -> list[FactView]:
    """Facts of the same kind as ``best``; for table rows also the same parent row. Totals
    are not members."""
    key = _kind(best)
    parent = best.row[:-1] if best.origin == "cell" else None
    out = []
    for v in views:
        f = v.fact
        if _kind(f) != key:
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


def rank(
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
        key = (*_kind(f), f.row[:-1])
        if key in tried or s.values["required_coverage"] < least or s.values["measure_match"] < 0:
            continue
        tried.add(key)
        level = _at_level(f, facts.views, query.frame.level) if query.frame.level else []
        scope = _scope_row(query, f) if len(level) < 2 else None
        under = _items_under(f, scope, facts.views) if scope else []
        if len(level) >= 2:  # 哪个项级科目最多: every row of that level in the table
            members = level
            breadth = sum(in_yuan(v.fact) for v in members)  # 合计 column over its parts
            columns[id(members)] = (s.values["unnamed_qualifiers"], -breadth)
        elif len(under) >= 2:  # 公用经费里面，哪一项最大: the finest rows under it
            members = under
        else:  # members must be what was named: 哪个分局 → the 分局 only
            members = [
                v for v in family(f, facts.views)
                if not v.fact.empty and required_coverage(query, v) >= least
            ]  # fmt: skip
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
    key = _kind(best)
    return [v for v in views if _kind(v.fact) == key and not v.fact.empty and not total_row(v.fact)]


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


def count(query: Query, ranked: list[Scored], facts: ReportFacts) -> Decision | None:
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
