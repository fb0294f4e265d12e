"""Figures a report does not print, derived from printed ones by a shown formula, and the
plain lookup of a sub-question that they (and :mod:`qa.operations`) are built from.

- a share: part ÷ whole × 100, both named around 占 (or "share of");
- a rate of change: the stated change ÷ last year's level × 100;
- last year's figure: this year's figure ∓ the stated change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from indexer.facts import CURRENT, Fact
from qa import messages
from qa.fact_store import FactView, ReportFacts
from qa.features import Query
from qa.frame import Frame, Term
from qa.gate import MONEY_IN_YUAN, Computed, Decision, Reason, gate, in_yuan
from qa.scorer import Scorer, ScoringConfig
from qa.terms import scope_cut
from qa.vocabulary import base_vocabulary

SHARE_PLACES = Decimal("0.01")  # a computed share or rate is shown as reports print them
_SHARE_OF = re.compile(r"(?:share|percentage|proportion|percent) ?of")  # English share words
_SHARE_PART = re.compile(r"(?<![a-z])(?:goes ?to|go ?to|is|are|spent ?on)(?![a-z])")
# words naming the report's total as the whole of a share (占全部预算的比重)
_WHOLE_REPORT = re.compile(r"全部|全年总|总预算|总支出|整个|total|whole|overall")
CHANGES = ("change",)  # the measure a stated change has


def lookup(query: Query, terms, facts: ReportFacts, scorer: Scorer, config: ScoringConfig,
            views: list[FactView] | None = None, keep: Callable[[Fact], bool] | None = None,
            siblings: tuple[Term, ...] = (), **frame_changes) -> Decision:  # fmt: skip
    """A plain lookup of a sub-question: the same frame with other terms or slots, over
    ``views`` when given, else over the facts that mention its words (those ``keep``
    accepts, when given); the words of ``siblings`` (the other parts of a sum or a
    difference) do not count as naming its figure."""
    text = query.frame.text
    kept = " ".join(t.text for t in terms)
    for other in siblings:  # another part's words do not name this part's label
        if other.text not in kept and not any(t.text in other.text for t in terms):
            text = text.replace(other.text, " " * len(other.text))
    frame = replace(query.frame, text=text, terms=tuple(terms), operation=None, **frame_changes)
    sub = Query(frame, query.report_kind, query.report_year, query.measure_compat)
    if views is None:
        words = [p for t in frame.terms if not t.negated for f in t.forms for p in f.split("+")]
        views = [facts.views[i] for i in sorted(facts.mentioning(words))]
    if keep is not None:
        views = [v for v in views if keep(v.fact)]
    return gate(sub, scorer.rank(sub, views), config)


def share(query: Query, facts: ReportFacts, scorer: Scorer, config: ScoringConfig):
    """A share the report does not state: part ÷ whole × 100, both named around 占."""
    frame = query.frame
    part, whole = _share_sides(frame)
    if not part or not whole:
        return None
    measures = tuple(m for m in frame.measures if m not in ("share",))
    a = lookup(query, part, facts, scorer, config, measures=measures, percent=False)
    if a.status != "answered" or a.best is None:
        return None
    fa = a.best.fact

    def contains_part(f: Fact) -> bool:  # a whole is larger than its part, in its unit kind
        money = f.unit in MONEY_IN_YUAN and fa.unit in MONEY_IN_YUAN
        return (money or f.unit == fa.unit) and in_yuan(f) > in_yuan(fa)

    b = lookup(query, whole, facts, scorer, config, keep=contains_part, measures=measures,
                percent=False, wants_total=True)  # fmt: skip
    if b.status != "answered" or b.best is None:
        return None
    fb = b.best.fact
    na, nb = messages.short_label(fa), messages.short_label(fb)
    if not fb.value or na == nb:
        return None  # the whole read as the part itself is no share
    value = (in_yuan(fa) / in_yuan(fb) * 100).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
    formula = (
        f"{na} {messages.amount(fa.text, fa.value, fa.unit)} ÷ "
        f"{nb} {messages.amount(fb.text, fb.value, fb.unit)} × 100% ≈ {value}%"
    )
    return Decision("answered", Reason.OK, (a.best, b.best),
                    computed=Computed(value, "%", f"{na}占{nb}的比例", formula,
                                      (fa, fb)))  # fmt: skip


def _share_sides(frame: Frame) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """(part, whole) of a share question: A占B; B中，A占; A share of B; what share of B is /
    goes to A."""
    text, terms = frame.text, frame.required
    for m in reversed(list(re.finditer("占", text))):  # the 占 between asked words
        part = tuple(t for t in terms if t.start < m.start())
        whole = tuple(t for t in terms if t.start > m.start())
        if part and whole:
            return part, whole
        if part:  # "政府采购预算中，服务类占百分之多少": the scope clause before is the whole
            at = part[-1].clause
            inner = tuple(t for t in part if t.clause == at)
            scope = tuple(t for t in part if t.clause < at)
            if scope:
                return inner, scope
            # "三公经费里出国费占多大比例": in one clause
            cut = scope_cut(text, inner, base_vocabulary().scope_markers)
            if cut:
                return inner[cut:], inner[:cut]
            if _WHOLE_REPORT.search(text, m.end()):  # 占商务委全部预算的比重: of the total
                return part, _report_total(frame)
    of = _SHARE_OF.search(text)
    if of is None:
        return (), ()
    to = _SHARE_PART.search(text, of.end())
    if to is None:  # 人员经费 share of 基本支出
        before = tuple(t for t in terms if t.start < of.start())
        return before, tuple(t for t in terms if t.start >= of.end())
    whole = tuple(t for t in terms if of.end() <= t.start < to.start())
    if not whole and _WHOLE_REPORT.search(text, of.end(), to.start()):  # share of the total
        whole = _report_total(frame)
    return tuple(t for t in terms if t.start >= to.end()), whole


def _report_total(frame: Frame) -> tuple[Term, ...]:
    """The report's total, as the whole of a share that names no other (全部预算)."""
    forms = base_vocabulary().default_subject
    return (Term(forms[0], forms, max(frame.asking_clauses, default=0), start=len(frame.text)),)


def last_year(
    query: Query, stated: Decision, facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """Last year's figure when none is stated: this year's figure minus its stated change,
    both read from the same subject (and, where it says both, the same sentence)."""
    if stated.reason != Reason.PERIOD_CONFLICT or query.frame.count_unit:
        return None  # a count is not a money figure's change
    terms = query.frame.required
    change = lookup(query, terms, facts, scorer, config, years=(), period=CURRENT,
                     measures=("change",))  # fmt: skip
    if change.status != "answered" or change.best is None:
        return None
    delta = change.best.fact
    level = _level_of(delta, facts)
    if level is None:
        return None
    cur = level.fact
    value = cur.value - delta.value
    shown = [("本年", messages.amount(cur.text, cur.value, cur.unit)),
             ("比上年增减", messages.amount(delta.text, delta.value, delta.unit))]  # fmt: skip
    formula = messages.formula("上年数", shown, "−", messages.amount("", value, cur.unit))
    label = f"上年{messages.short_label(cur)}"
    return Decision("answered", Reason.OK, (scorer.score(query, level), change.best),
                    computed=Computed(value, cur.unit, label, formula, (cur, delta)))  # fmt: skip


def change_rate(
    query: Query, facts: ReportFacts, scorer: Scorer, config: ScoringConfig
) -> Decision | None:
    """A rate of change the report does not state: its stated change ÷ last year's level
    (this year's level − the change) × 100."""
    change = lookup(query, query.frame.required, facts, scorer, config, measures=CHANGES,
                     percent=False)  # fmt: skip
    if change.status != "answered" or change.best is None:
        return None
    delta = change.best.fact
    level = _level_of(delta, facts)
    if level is None or level.fact.value - delta.value <= 0:
        return None
    cur = level.fact
    base = cur.value - delta.value
    rate = (delta.value / base * 100).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)
    word, moved, op = ("增长", "增加", "−") if rate >= 0 else ("下降", "减少", "+")
    size = messages.amount(delta.text, abs(delta.value), delta.unit)
    last = messages.amount("", base, cur.unit)
    formula = (
        f"上年数 = 本年 {messages.amount(cur.text, cur.value, cur.unit)} {op} {moved} {size} "
        f"= {last}；{word}幅度 = {size} ÷ {last} × 100% ≈ {abs(rate)}%"
    )
    label = f"{messages.short_label(cur)}{word}幅度"
    return Decision("answered", Reason.OK, (change.best, scorer.score(query, level)),
                    computed=Computed(abs(rate), "%", label, formula, (delta, cur)))  # fmt: skip


def _level_of(change: Fact, facts: ReportFacts) -> FactView | None:
    """This year's level of the subject a change is stated for, in the change's unit:
    from the change's own sentence first (its row or a row under it), else any fact of
    that subject, else the only level its sentence states (the subject said again in short);
    of the report's own measure (a final account's 决算数, a budget's 预算数) first."""
    levels = [
        v for v in facts.views
        if v.fact.unit == change.unit
        and v.fact.measure in ("budget", "actual", "executed") and v.fact.period == CURRENT
    ]  # fmt: skip
    in_sentence = [v for v in levels if v.fact.quote == change.quote]
    same = [
        v
        for v in levels
        if v.fact.row == change.row
        or (v.fact.quote == change.quote and v.fact.row[: len(change.row)] == change.row)
    ]
    if not same and len(in_sentence) == 1:  # "收入、支出预算总计…，收、支预算总计各增加…"
        same = in_sentence
    # a final account compares what was spent (决算数比上年减少), a budget what is planned
    spent = facts.info.kind == "决算"

    def order(v: FactView) -> tuple[bool, bool, bool]:
        own_measure = (v.fact.measure != "budget") == spent
        return v.fact.quote != change.quote, not own_measure, v.fact.origin != "sentence"

    same.sort(key=order)
    return same[0] if same else None
