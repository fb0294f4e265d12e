"""Named features of a (question, fact) pair, each a pure function returning a float.

The :class:`Query` holds what every feature needs from the question once (terms, measure,
period, wanted unit, the report's kind and year); :data:`FEATURES` maps each feature's name
to its function, as ``bm25s`` selects its scoring variants. Weights live in ``scoring.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from indexer.fact_forms import USES_MARK
from indexer.facts import CURRENT, PREVIOUS
from qa.fact_store import FactView
from qa.frame import Frame, Term
from qa.vocabulary import glossary, normalize

SPOKEN_PREVIOUS = "spoken_previous"  # 去年: the year before the asker's, not the report's
MIN_RUN = 2  # shortest run of characters that counts as naming something
MONEY_UNITS = ("元", "万元", "亿元", "千元")
_MONEY_WORDS = ("钱", "万元", "元", "亿元", "金额", "多少钱")
MEASURE_WORD_REACH = 12  # characters before a figure in which its measure word stands


def run_coverage(word: str, text: str) -> float:
    """Share of ``word``'s characters found in ``text`` as runs of ≥ MIN_RUN characters."""
    if not word:
        return 0.0
    if word in text:
        return 1.0
    covered, i, last_end = 0, 0, 0
    while i < len(word):
        n = 0
        while i + n < len(word) and word[i : i + n + 1] in text:
            n += 1
        if n >= MIN_RUN:
            covered += n
            i += n
            last_end = i
        else:
            i += 1
    if last_end == len(word) - 1 and covered > MIN_RUN:  # 国有资产 in 国有资本: 资 is not 资产
        covered -= 1
    return covered / len(word)


@dataclass
class Query:
    """The question's side of every feature, computed once per question and report."""

    frame: Frame
    report_kind: str  # 预算 | 决算
    report_year: int | None
    measure_compat: dict[str, dict[str, float]]
    dense: dict[str, float] = field(default_factory=dict)  # fact id → retrieval similarity
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def asked_period(self) -> str | None:
        """current / previous / a year, from the question's years and period words. A change
        is this year's figure: its 上年/year words name what it is compared with."""
        if self.frame.measure in ("change", "change_rate"):
            return CURRENT
        for y in self.frame.years:
            if self.report_year is None or y == self.report_year:
                continue
            return PREVIOUS if y == self.report_year - 1 else str(y)
        if self.frame.period == PREVIOUS:
            return PREVIOUS
        if self.frame.period == SPOKEN_PREVIOUS:  # the year before the asker's: a 决算 of
            return CURRENT if self.report_kind == "决算" else PREVIOUS  # Y is read in Y+1
        return CURRENT if self.frame.years or self.frame.period else None

    @cached_property
    def asks_money(self) -> bool:
        """The question names money (多少钱, 万元 …), not only a change."""
        return any(p.text in _MONEY_WORDS for p in self.frame.pieces) or any(
            w in self.frame.text for w in ("万元", "多少钱")
        )

    @cached_property
    def measure_words(self) -> tuple[str, ...]:
        """The question's measure words of two characters or more, as written."""
        return tuple(p.text for p in self.frame.pieces if p.role == "measure" and len(p.text) >= 2)

    @cached_property
    def named_text(self) -> str:
        """The question and every glossary form of its terms, for naming a fact's label."""
        forms = [p for t in self.frame.required for f in t.forms for p in f.split("+")]
        return "｜".join([self.frame.text, *forms])

    def explain(self, term: Term, view: FactView) -> tuple[float, float]:
        """(share explained by the fact's subject, share explained by subject or context)."""
        key = (term, view.index)
        hit = self._cache.get(key)
        if hit is None:
            hit = max(explain_form(f, view) for f in term.forms)
            self._cache[key] = hit
        return hit


def explain_form(form: str, view: FactView) -> tuple[float, float]:
    """How far one form of a term is named by the fact; 'A+B' needs both A and B."""
    if "+" in form:
        parts = [explain_form(p, view) for p in form.split("+") if p]
        return (sum(p[0] for p in parts) / len(parts), sum(p[1] for p in parts) / len(parts))
    if form in view.subject:
        return (1.0, 1.0)
    if form in view.context:
        return (0.0, 1.0)
    in_subject = run_coverage(form, view.subject)
    return (in_subject, max(in_subject, run_coverage(form, view.subject + "›" + view.context)))


def named_beyond_uses(q: Query, v: FactView) -> bool:
    """Some asked word is explained by the fact itself, not only by the list of uses its
    sentence gives (主要用于…国库集中收付银行代理银行费等项目支出 names no figure of its own)."""
    at = v.context.find(USES_MARK)
    if at < 0:
        return True
    own = replace(v, context=v.context[:at])
    return any(max(explain_form(f, own)[1] for f in t.forms) >= 1 for t in q.frame.required)


def _coverage(terms: tuple[Term, ...], q: Query, v: FactView, part: int) -> float:
    total = sum(t.weight for t in terms)
    if not total:
        return 1.0
    return sum(t.weight * q.explain(t, v)[part] for t in terms) / total


def required_coverage(q: Query, v: FactView) -> float:
    """Share of the asking clause's words the fact explains (subject or context)."""
    return _coverage(q.frame.required, q, v, 1)


def subject_coverage(q: Query, v: FactView) -> float:
    """Share of the asking clause's words the fact's own subject explains."""
    return _coverage(q.frame.required, q, v, 0)


def background_coverage(q: Query, v: FactView) -> float:
    """Share of the background clauses' words the fact explains (0 when there are none)."""
    return _coverage(q.frame.background, q, v, 1) if q.frame.background else 0.0


def negated_named(q: Query, v: FactView) -> float:
    """1 when the fact's subject is something the question excludes ("不算津贴")."""
    negated = [t for t in q.frame.terms if t.negated]
    return float(any(q.explain(t, v)[0] >= 1 for t in negated))


def label_named(q: Query, v: FactView) -> float:
    """How completely the question names the fact's most specific label (its row name)."""
    return run_coverage(v.leaf, q.named_text)


def unnamed_qualifiers(q: Query, v: FactView) -> float:
    """Column qualifiers (基本支出, 人员经费 …) of the fact that the question does not name, a
    qualifier named in part counting in part (实际 for 实际完成值)."""
    return sum(1 - run_coverage(c, q.named_text) for c in v.fact.column)


def is_total(q: Query, v: FactView) -> float:
    return float(v.fact.total)


def total_asked(q: Query, v: FactView) -> float:
    """+1 a total when the question asks for the whole (一共, 合计), −1 a part then."""
    if not q.frame.wants_total:
        return 0.0
    return 1.0 if v.fact.total else -1.0


def unnamed_scope(q: Query, v: FactView) -> float:
    """Narrowing words of the fact's table (基本支出, 财政拨款 …) the question does not name."""
    return float(sum(1 for w in v.scope if w not in q.named_text))


def measure_match(q: Query, v: FactView) -> float:
    """+1 the asked measure, −1 a conflicting one, 0 when the question names none."""
    asked = q.frame.measure or ("default_" + ("budget" if q.report_kind == "预算" else "actual"))
    if asked == "spent":  # 花了, 开销: what was spent in a final account, planned in a budget
        asked = "default_budget" if q.report_kind == "预算" else "actual"
    return q.measure_compat.get(asked, {}).get(v.fact.measure, -1.0)


def measure_worded(q: Query, v: FactView) -> float:
    """1 when the question's own measure words (全年预算, 年初预算, 决算数 …) stand at the
    fact: in its column or right before its figure in the sentence."""
    words = q.measure_words
    if not words:
        return 0.0
    f = v.fact
    if f.origin == "sentence":
        at = f.quote.find(f.text)
        near = normalize(f.quote[max(0, at - MEASURE_WORD_REACH) : at]) if at >= 0 else ""
    else:
        near = normalize("".join(f.column) + f.locator)
    return float(any(w in near for w in words))


def period_match(q: Query, v: FactView) -> float:
    """+1 the asked period, −1 another; unasked: 0 for this year, −1 for another."""
    asked = q.asked_period
    if asked is None:
        return 0.0 if v.fact.period == CURRENT else -1.0
    return 1.0 if v.fact.period == asked else -1.0


def unit_match(q: Query, v: FactView) -> float:
    """+1 the asked kind of unit (%, a count unit), −1 another kind; money is the default."""
    unit = v.fact.unit or ""
    if not unit and v.fact.value == 0:
        return 0.0  # a zero stated in words ("无…支出") is a zero of any unit
    if q.frame.measure == "change" and not q.asks_money:
        return 0.0  # "比上年增长多少": an amount or a rate, whichever the report states
    if q.frame.wants_percent:
        return 1.0 if unit == "%" else -1.0
    if q.frame.count_unit:
        if unit == q.frame.count_unit:
            return 1.0
        alike = glossary()["count_units_alike"].get(q.frame.count_unit, ())
        return 0.5 if unit in alike else (-0.5 if unit not in MONEY_UNITS else -1.0)
    if q.frame.measure == "score":
        return 1.0 if unit == "分" else -1.0
    if q.frame.measure == "average":
        return 0.0
    return 0.0 if unit in MONEY_UNITS else -1.0


def printed_empty(q: Query, v: FactView) -> float:
    return float(v.fact.empty)


def zero_in_words(q: Query, v: FactView) -> float:
    """A zero stated in words (无, 没有): weaker than a printed figure of the same thing."""
    return float(not v.fact.empty and not any(ch.isdigit() for ch in v.fact.text))


def from_cell(q: Query, v: FactView) -> float:
    return float(v.fact.origin == "cell")


def from_record(q: Query, v: FactView) -> float:
    return float(v.fact.origin == "record")


def from_sentence(q: Query, v: FactView) -> float:
    return float(v.fact.origin == "sentence")


def dense_similarity(q: Query, v: FactView) -> float:
    """The question's fused e5 + BM25 similarity to the fact's phrase, when the lexical
    ranking was too close to call (0 otherwise: computed only then)."""
    return q.dense.get(v.fact.id, 0.0)


def depth(q: Query, v: FactView) -> float:
    """How deep the fact's row sits (a parent row before its children when tied)."""
    return float(len(v.fact.row))


FEATURES: dict[str, Callable[[Query, FactView], float]] = {
    f.__name__: f
    for f in (
        required_coverage, subject_coverage, background_coverage, negated_named, label_named,
        unnamed_qualifiers, is_total, total_asked, unnamed_scope, measure_match,
        measure_worded, period_match, unit_match, printed_empty, zero_in_words, from_cell,
        from_record, from_sentence, dense_similarity, depth,
    )
}  # fmt: skip
