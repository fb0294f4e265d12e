"""Facts of the indexed reports, held per report with the forms the scorer compares.

Each report's facts are read from the SQLite store on first use and kept (an LRU of reports),
with their subject and context texts normalised once, a bigram index that finds the facts a
word could be about, and the report's labels for the vocabulary.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

from indexer.cell_facts import report_words
from indexer.facts import Fact
from indexer.store import ReportInfo, Store
from qa.vocabulary import normalize

MAX_REPORTS_IN_MEMORY = 64
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:%|万元|元|亿元|辆|台|个|人|分|次|批次|项|家|套)")


@dataclass(frozen=True)
class FactView:
    """A fact with its compared forms: subject (row › column), leaf label, context."""

    fact: Fact
    index: int
    subject: str  # normalised row path and column qualifiers
    leaf: str  # the most specific part of the subject that is not a total word
    context: str  # normalised table name / section / sentence
    scope: tuple[str, ...] = ()  # narrowing words of the table title not in the subject

    def __repr__(self) -> str:
        return repr(self.fact)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


@dataclass
class ReportFacts:
    """One report's facts and the lookups over them."""

    info: ReportInfo
    views: list[FactView]
    by_bigram: dict[str, set[int]] = field(default_factory=dict)
    _containing: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, info: ReportInfo, facts: list[Fact]) -> ReportFacts:
        views = [_view(f, i) for i, f in enumerate(facts)]
        index: dict[str, set[int]] = {}
        for v in views:
            for bg in _bigrams(v.subject) | _bigrams(v.context):
                index.setdefault(bg, set()).add(v.index)
        return cls(info, views, index)

    @cached_property
    def labels(self) -> set[str]:
        """Every row/column label and sentence subject: the report's own words."""
        out: set[str] = set()
        for v in self.views:
            out.update(normalize(p) for p in (*v.fact.row, *v.fact.column) if p)
        return out

    def mentioning(self, words: list[str]) -> set[int]:
        """Facts whose subject or context shares a bigram with any of ``words``."""
        hits: set[int] = set()
        for w in words:
            for bg in _bigrams(w):
                hits |= self.by_bigram.get(bg, set())
        return hits

    def containing(self, word: str) -> frozenset[int]:
        """Facts whose subject or context contains ``word`` (cached per word)."""
        hit = self._containing.get(word)
        if hit is None:
            grams = _bigrams(word)
            if grams:
                sets = sorted((self.by_bigram.get(g, set()) for g in grams), key=len)
                pool = set.intersection(*sets) if sets[0] else set()
            else:
                pool = range(len(self.views))
            hit = frozenset(
                i for i in pool if word in self.views[i].subject or word in self.views[i].context
            )
            self._containing[word] = hit
        return hit


_TOTAL_WORDS = ("合计", "总计", "小计")


def total_row(fact: Fact) -> bool:
    """A 合计/总计/小计 row (收入总计 too); a row's figure in a 合计 column is not one."""
    return bool(fact.row) and normalize(fact.row[-1]).endswith(_TOTAL_WORDS)


def _view(fact: Fact, index: int) -> FactView:
    parts = [p for p in (*fact.row, *fact.column) if p]
    subject = normalize("›".join(parts))
    named = [normalize(p) for p in fact.row if p and normalize(p) not in _TOTAL_WORDS]
    # a total row's figure is named by its column (合计 › 人员经费)
    if (fact.row and normalize(fact.row[-1]) in _TOTAL_WORDS) or not named:
        named = [normalize(p) for p in fact.column if normalize(p) not in _TOTAL_WORDS] or named
    leaf = named[-1] if named else ""
    context = normalize("›".join(fact.context))
    title = normalize(fact.context[0]) if fact.context and fact.origin == "cell" else ""
    scope = tuple(w for w in report_words().scope if w in title and w not in subject)
    if fact.base:
        context += "›" + normalize("›".join(fact.base))
    if fact.origin == "sentence" and len(_FIGURE.findall(fact.quote)) == 1:
        context += "›" + normalize(fact.quote)  # its only figure: the whole sentence is about it
    return FactView(fact, index, subject, leaf, context, scope)


def term_hits(facts: ReportFacts, forms: tuple[str, ...]) -> frozenset[int]:
    """Facts that contain one of a term's forms ('A+B': both A and B)."""
    out: set[int] = set()
    for form in forms:
        parts = [p for p in form.split("+") if p]
        hit = set(facts.containing(parts[0]))
        for part in parts[1:]:
            hit &= facts.containing(part)
        out |= hit
    return frozenset(out)


def candidates(facts: ReportFacts, frame, limit: int) -> list[FactView]:
    """The facts worth scoring: those naming the most of the question's words in full,
    then those sharing parts of them; at most ``limit``."""
    terms = [t for t in frame.terms if not t.negated]
    if not terms:
        return facts.views[:limit]
    weight: dict[int, float] = {}
    for t in terms:
        for i in term_hits(facts, t.forms):
            weight[i] = weight.get(i, 0.0) + t.weight * (2 if t.asked else 1)
    if weight and frame.measures:  # the asked measure breaks ties among equal namings
        for i in weight:
            if facts.views[i].fact.measure in frame.measures:
                weight[i] += 1
    chosen: list[int] = []
    if weight:
        best = max(weight.values())
        ranked = sorted((i for i, w in weight.items() if w >= best / 2), key=lambda i: -weight[i])
        chosen = ranked[:limit]
        if frame.measure:  # facts of the asked measure naming any word are always scored
            taken = set(chosen)
            chosen += [i for i in weight if i not in taken
                       and facts.views[i].fact.measure == frame.measure][:limit]  # fmt: skip
    if len(chosen) < limit:  # words named only in part (收入总计 ~ 收入 › 总计)
        grams = {g for t in terms for f in t.forms for p in f.split("+") for g in _bigrams(p)}
        overlap: dict[int, int] = {}
        for g in grams:
            for i in facts.by_bigram.get(g, ()):
                overlap[i] = overlap.get(i, 0) + 1
        taken = set(chosen)
        extra = sorted((i for i in overlap if i not in taken), key=lambda i: -overlap[i])
        chosen += extra[: max(0, limit - len(chosen)) // 2]
    return [facts.views[i] for i in sorted(chosen)]


class FactStore:
    """Reports of one index and their facts, loaded on demand (an LRU of reports)."""

    def __init__(self, store: Store, max_reports: int = MAX_REPORTS_IN_MEMORY) -> None:
        self.store = store
        self.infos = {i.id: i for i in store.reports()}
        self.max_reports = max_reports
        self._loaded: OrderedDict[str, ReportFacts] = OrderedDict()

    def report(self, report_id: str) -> ReportFacts:
        """One report's facts (read from SQLite on first use)."""
        hit = self._loaded.get(report_id)
        if hit is None:
            hit = ReportFacts.build(self.infos[report_id], self.store.facts(report_id))
            self._loaded[report_id] = hit
            if len(self._loaded) > self.max_reports:
                self._loaded.popitem(last=False)
        else:
            self._loaded.move_to_end(report_id)
        return hit
