"""The grounding gate: decides whether the best-ranked fact answers the question.

``gate`` never invents: it answers with ranked facts or says why not (a :class:`Reason`).
"Not found" is an ordinary decision. The check that every answered figure appears in a cited
quote, or follows from cited figures by a shown formula, is :func:`grounded`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from indexer.facts import Fact
from indexer.list_facts import listed_count
from indexer.numbers import parse_amount
from qa.eligibility import Eligibility
from qa.fact_store import row_under, total_row
from qa.features import Query, explain_form
from qa.frame import Term
from qa.scorer import Scored, ScoringConfig

MONEY_IN_YUAN = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000),
                 "亿元": Decimal(100000000)}  # fmt: skip
MAX_SUPPORT = 2
ALSO_MARGIN_FACTOR = 5  # how much further than a rival another printing may score
LEVEL_MEASURES = {"budget", "actual", "executed", "count"}  # figures a row states as its own
SPENT_MEASURES = {"actual", "executed"}  # a project's 执行数 is its 决算 spending
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?%?")


class Reason(Enum):
    OK = "ok"
    NO_FACT = "no_fact"  # nothing in the report shares a word with the question
    NO_SUBJECT = "no_subject"  # the question names nothing to look up
    LOW_COVERAGE = "low_coverage"  # some asked word is explained by no fact
    MEASURE_CONFLICT = "measure_conflict"  # e.g. a 决算 figure asked of a 预算 report
    PERIOD_CONFLICT = "period_conflict"  # a year the report has no figure for
    UNIT_MISMATCH = "unit_mismatch"  # a % or a count asked, only amounts stated
    AMBIGUOUS = "ambiguous"  # close facts of different subjects


@dataclass(frozen=True)
class Computed:
    """A figure that follows from cited facts by a shown formula."""

    value: Decimal
    unit: str | None
    label: str
    formula: str  # the Chinese formula line shown with the answer
    inputs: tuple[Fact, ...]


@dataclass(frozen=True)
class Decision:
    status: str  # answered | ambiguous | not_found
    reason: Reason
    chosen: tuple[Scored, ...] = ()
    missing: tuple[Term, ...] = field(default=())  # asked words nothing explains
    computed: Computed | None = None  # an operation's result (sum, difference …)
    support: tuple[Scored, ...] = ()  # other facts stating the same figure (cited too)
    also: tuple[Scored, ...] = ()  # the same thing stated with another figure elsewhere
    readings: tuple[Scored, ...] = ()  # other rows the question names as fully (另一口径)
    note: str = ""  # what an operation did, e.g. "最高（共 74 个项目）"

    @property
    def best(self) -> Scored | None:
        return self.chosen[0] if self.chosen else None


def gate(query: Query, ranked: list[Scored], config: ScoringConfig) -> Decision:
    """Answer, list (ambiguous) or refuse, from the ranked facts of one report."""
    t = config.thresholds
    if not query.frame.required:
        return Decision("not_found", Reason.NO_SUBJECT)
    if not ranked:
        return Decision("not_found", Reason.NO_FACT, missing=query.frame.required)
    # the coverage rule: only facts that explain the asked words are eligible at all
    fits = Eligibility.of(query, t)
    eligible = [s for s in ranked if fits(s)]
    if not eligible:
        best = ranked[0]
        missing = tuple(
            term for term in query.frame.required if query.explain(term, best.view)[1] < 1
        )
        return Decision("not_found", Reason.LOW_COVERAGE, (best,), missing)
    # the asked measure, period and kind of unit are constraints, not preferences
    fitting = [s for s in eligible if not _conflict(s, query)]
    if not fitting:
        best = eligible[0]
        return Decision("not_found", _conflict(best, query) or Reason.NO_FACT, (best,))
    ranked = fitting
    best = ranked[0]
    rivals = _rivals(best, ranked, t["ambiguity_margin"])
    if rivals:
        parent = _common_parent(best, rivals, ranked)
        if parent is None:
            return Decision("ambiguous", Reason.AMBIGUOUS, (best, *rivals))
        # 公车一年花多少钱: 购置及运行费 answers, its parts are stated after it
        best, parts = parent, (best, *rivals)
    else:
        parts = ()
        best = _named_parent(best, ranked, t["ambiguity_margin"])
    support = _support(best, ranked, t, _naming(query))
    if not parts:  # the row above tying parts answers as itself
        best, support = _primary(best, support, query)
    also = _also(best, ranked, t)
    return Decision("answered", Reason.OK, (best,), support=support, also=also,
                    readings=parts or _readings(best, ranked, also, t, query))  # fmt: skip


def _conflict(s: Scored, query: Query) -> Reason | None:
    """Why a fact cannot answer: another measure, another period, another kind of unit."""
    if s.values["measure_match"] < 0:
        return Reason.MEASURE_CONFLICT
    if s.values["period_match"] < 0 and query.asked_period is not None:
        return Reason.PERIOD_CONFLICT
    if s.values["unit_match"] < 0:
        return Reason.UNIT_MISMATCH
    return None


def in_yuan(fact: Fact) -> Decimal:
    """A money figure in 元 (others unchanged), to compare 288.70万元 with 2,887,000元."""
    return to_yuan(fact.value, fact.unit)


def to_yuan(value: Decimal, unit: str | None) -> Decimal:
    """An amount in 元 (a figure of another unit unchanged)."""
    return value * MONEY_IN_YUAN.get(unit or "", Decimal(1))


def same_figure(a: Fact, b: Fact) -> bool:
    """Two printings of one figure: equal in 元, or equal once the more precise one is
    rounded as the other is printed (a narrative's 37,151.47万元 for 371,514,655元)."""
    if (a.unit == "%") != (b.unit == "%"):
        return False
    x, y = in_yuan(a), in_yuan(b)
    if x == y:
        return True
    tolerance = max(_last_digit(a), _last_digit(b)) / 2
    return abs(x - y) <= tolerance


def _last_digit(f: Fact) -> Decimal:
    """The value in 元 of one unit in the last printed digit of ``f``."""
    exponent = f.value.as_tuple().exponent
    step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return step * MONEY_IN_YUAN.get(f.unit or "", Decimal(1))


def _also(best: Scored, ranked: list[Scored], t: dict) -> tuple[Scored, ...]:
    """Where the report states the same thing with another figure (a table's 公务接待费 of
    基本支出 beside the 三公 table's, 8,082.61 beside 8,082.62): listed, never hidden."""
    out: list[Scored] = []
    seen = {in_yuan(best.fact)}
    for s in ranked[1:]:
        if best.total - s.total > t["ambiguity_margin"] * ALSO_MARGIN_FACTOR or s.fact.empty:
            continue
        same_thing = (
            s.view.leaf == best.view.leaf
            and (s.fact.measure, s.fact.period) == (best.fact.measure, best.fact.period)
            # an empty column of the row (办公费 › 人员经费: 0) does not state it otherwise
            and (s.fact.value != 0 or best.fact.value == 0)
        )
        if same_thing and not same_figure(s.fact, best.fact) and in_yuan(s.fact) not in seen:
            seen.add(in_yuan(s.fact))
            out.append(s)
    return tuple(out[:MAX_SUPPORT])


def _readings(
    best: Scored, ranked: list[Scored], also: tuple[Scored, ...], t: dict, query: Query
) -> tuple[Scored, ...]:
    """Other rows the question names as fully as the best, scoring close to it, with another
    figure (退休费 beside 行政单位离退休), neither its parent nor its child, a total only
    beside a total: stated after the answer, so that a question which
    does not say which one it means still gets the figure it meant."""
    out: list[Scored] = []
    shown = [best.fact, *(s.fact for s in also)]
    # a count (车辆 34 辆) may be stated again as another total (公务用车保有量 41 辆) under a
    # longer label the question names less well
    margin = t["count_reading_margin" if best.fact.measure == "count" else "reading_margin"]
    widest = max(margin, t["alias_reading_margin"])
    for s in ranked[1:]:
        if best.total - s.total > widest:
            break
        if best.total - s.total > margin and not _by_another_form(query, best, s):
            continue
        if (
            s.fact.empty
            or not s.fact.value
            or total_row(s.fact) != total_row(best.fact)
            or _nested(s.fact.row, best.fact.row)
            or s.view.leaf == best.view.leaf
            or s.values["required_coverage"] < best.values["required_coverage"]
            or s.fact.measure != best.fact.measure
            or (s.fact.unit in MONEY_IN_YUAN) != (best.fact.unit in MONEY_IN_YUAN)
            or any(same_figure(s.fact, f) for f in shown)
        ):
            continue
        shown.append(s.fact)
        out.append(s)
    return tuple(out[:MAX_SUPPORT])


def _by_another_form(query: Query, best: Scored, other: Scored) -> bool:
    """``other``'s row is named by another glossary form of an asked word than ``best``'s
    (退休人员: 退休费 names one row, 离退休 the other): two readings of one word."""
    for term in query.frame.required:
        a = {f for f in term.forms if explain_form(f, best.view)[0] >= 1}
        b = {f for f in term.forms if explain_form(f, other.view)[0] >= 1}
        if a and b and not a & b:
            return True
    return False


def _nested(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One row path is the other, or its parent or child (城乡社区支出 › 其他城乡社区支出)."""
    return a == b or row_under(a, b) or row_under(b, a)


def _naming(query: Query) -> Callable[[Scored], tuple[float, bool]]:
    """How well a fact's own label is named: the share the question names, then whether the
    asker wrote it as is."""
    return lambda s: (s.values["label_named"], s.view.leaf in query.frame.text)


def _primary(
    best: Scored, support: tuple[Scored, ...], query: Query
) -> tuple[Scored, tuple[Scored, ...]]:
    """Which printing of one figure answers: of a row and its child of the same figure, the
    one the question names (行政单位医疗, not its 款), then the more precise (371,514,655元 for
    37,151.47万元); the others support it."""
    naming = _naming(query)
    rows = [s for s in support if _nested(s.fact.row, best.fact.row)]  # a 款 and its one 项
    named = max(rows, key=naming, default=None)
    if named is not None and naming(named) > naming(best):
        support, best = (best, *(s for s in support if s is not named)), named
    alike = [s for s in support if naming(s) >= naming(best)]
    finest = min(alike, key=lambda s: _last_digit(s.fact), default=None)
    if finest is not None and _last_digit(finest.fact) < _last_digit(best.fact):
        support, best = (best, *(s for s in support if s is not finest)), finest
    return best, support


def _support(
    best: Scored, ranked: list[Scored], t: dict, naming: Callable[[Scored], tuple]
) -> tuple[Scored, ...]:
    """Up to MAX_SUPPORT other facts, as well named, stating the same figure."""
    out: list[Scored] = []
    for s in ranked[1:]:
        if s.values["required_coverage"] < t["min_required_coverage"] or s.fact.empty:
            continue
        kinds = {s.fact.measure, best.fact.measure}
        same_measure = len(kinds) == 1 or kinds <= SPENT_MEASURES
        if same_figure(s.fact, best.fact) and same_measure and s.fact.locator != best.fact.locator:
            out.append(s)
    # the facts that name the asked subject best support first
    out.sort(key=naming, reverse=True)
    return tuple(out[:MAX_SUPPORT])


def _rivals(best: Scored, ranked: list[Scored], margin: float) -> list[Scored]:
    """Facts of other subjects that score as well as the best (within ``margin``): in the same
    table and column, of the same name or any row when the question names the best in part;
    or, anywhere, a row of the same measure and unit the question names exactly as much
    as the best without naming either in full (运行 for 行政运行 and 事业运行)."""
    out, seen = [], {(best.view.subject, in_yuan(best.fact))}
    for s in ranked[1:]:
        if best.total - s.total > margin:
            break
        key = (s.view.subject, in_yuan(s.fact))
        if in_yuan(s.fact) == in_yuan(best.fact) or key in seen:
            continue
        # a row the question names only in part (执法队) competes with its siblings
        in_part = best.values["label_named"] < 1 and best.fact.origin != "sentence"
        named_alike = s.view.leaf == best.view.leaf or in_part
        unnamed_both = (
            best.values["label_named"] < 1
            and s.values["label_named"] == best.values["label_named"]
            and s.fact.measure == best.fact.measure
            and s.fact.unit == best.fact.unit
            and s.view.leaf != best.view.leaf
        )
        if (_same_kind(s.fact, best.fact) and named_alike) or unnamed_both:
            seen.add(key)
            out.append(s)
    return out


def _common_parent(best: Scored, rivals: list[Scored], ranked: list[Scored]) -> Scored | None:
    """The row above siblings that tie (公务用车购置及运行费 over its 购置费 and 运行费), stated
    in the same measure and unit and explaining the question as fully: a question naming
    what they share asks for it."""
    rows = [s.fact.row for s in (best, *rivals)]
    depth = min(len(r) for r in rows) - 1
    while depth > 0 and len({r[:depth] for r in rows}) > 1:
        depth -= 1
    if depth == 0:
        return None
    parent = rows[0][:depth]
    for s in ranked:
        f = s.fact
        if (
            f.row == parent
            and not f.empty
            and (f.measure, f.unit, f.period)
            == (best.fact.measure, best.fact.unit, best.fact.period)
            and s.values["required_coverage"] >= best.values["required_coverage"]
        ):
            return s
    return None


def _named_parent(best: Scored, ranked: list[Scored], margin: float) -> Scored:
    """A row asked gives its own figure, not a child's: the best's parent row, scoring as
    close as a rival would and named better than the child (面向中小企业预留 over its
    预留给小型和微型企业), answers instead; a share or a change is asked of the part."""
    if best.fact.measure not in LEVEL_MEASURES:
        return best
    kind = (best.fact.measure, best.fact.unit, best.fact.period)
    for s in ranked[1:]:
        if best.total - s.total > margin:
            break
        f = s.fact
        if (
            f.row
            and row_under(best.fact.row, f.row)
            and (f.measure, f.unit, f.period) == kind
            and s.values["label_named"] > best.values["label_named"]
            and not f.empty
        ):
            return s
    return best


def _same_kind(a: Fact, b: Fact) -> bool:
    """Figures of one table and column (a project's budget under two implementers)."""
    return (a.context[:1], a.column, a.measure, a.period, a.unit) == (
        b.context[:1],
        b.column,
        b.measure,
        b.period,
        b.unit,
    )


def grounded(fact: Fact) -> bool:
    """The fact's figure is printed in its own quote (an empty cell is quoted as its row), or
    is the number of organisations the quote lists one by one."""
    if fact.empty:
        return bool(fact.quote)
    if fact.text in fact.quote:
        return True
    if fact.measure == "count" and listed_count(fact.quote) == fact.value:
        return True
    printed = fact.text.replace(",", "").rstrip("%")
    return any(
        parse_amount(token) == fact.value or token.replace(",", "").rstrip("%") == printed
        for token in _NUMBER.findall(fact.quote)
    )
