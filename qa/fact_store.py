"""Facts of the indexed reports, held per report with the forms the scorer compares.

Each report's facts are read from the SQLite store on first use and kept (an LRU of reports),
with their subject and context texts normalised once, a bigram index that finds the facts a
word could be about, and the report's labels for the vocabulary.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

from indexer.facts import Fact
from indexer.store import ReportInfo, Store
from qa.vocabulary import normalize

MAX_REPORTS_IN_MEMORY = 64


@dataclass(frozen=True)
class FactView:
    """A fact with its compared forms: subject (row › column), leaf label, context."""

    fact: Fact
    index: int
    subject: str  # normalised row path and column qualifiers
    leaf: str  # the most specific part of the subject that is not a total word
    context: str  # normalised table name / section / sentence

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


_TOTAL_WORDS = ("合计", "总计", "小计")


def _view(fact: Fact, index: int) -> FactView:
    parts = [p for p in (*fact.row, *fact.column) if p]
    subject = normalize("›".join(parts))
    named = [normalize(p) for p in fact.row if p and normalize(p) not in _TOTAL_WORDS]
    named = named or [normalize(p) for p in fact.column if normalize(p) not in _TOTAL_WORDS]
    leaf = named[-1] if named else ""
    context = normalize("›".join(fact.context))
    if fact.origin == "sentence":
        context += "›" + normalize(fact.quote)
    return FactView(fact, index, subject, leaf, context)


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
