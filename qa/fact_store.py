"""Facts of the indexed reports, held per report with the forms the scorer compares.

A report's facts are read from the SQLite store on first use in one read of its blob
(:class:`indexer.fact_table.FactRecords`: every fact with its compared forms, normalised when
the index was written) and kept in an LRU bounded by the number of facts held. A fact and its
view are made when first looked at; the facts a word could be about are found by searching
one string of the report's subjects and contexts (postings per bigram, made when first asked).
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from indexer.compared_text import normalize
from indexer.fact_forms import TOTAL_WORDS
from indexer.fact_table import FactRecords
from indexer.facts import Fact
from indexer.store import ReportInfo, Store

MAX_FACTS_IN_MEMORY = 200_000  # facts of the reports kept loaded (~1.5 KB each: ~300 MB)
_FACT_END, _PART_END = "\n", "\t"  # never in a compared form (normalize removes them)


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


class _Views(Sequence[FactView]):
    """A report's fact views in reading order, each made when first looked at."""

    def __init__(self, stored: FactRecords) -> None:
        self._stored = stored
        self._made: list[FactView | None] = [None] * len(stored)

    def __len__(self) -> int:
        return len(self._made)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._made)))]
        view = self._made[i]
        if view is None:
            i = i + len(self._made) if i < 0 else i
            forms = self._stored.forms(i)
            view = FactView(self._stored.fact(i), i, forms.subject, forms.leaf, forms.context,
                            forms.scope)  # fmt: skip
            self._made[i] = view
        return view

    def __iter__(self) -> Iterator[FactView]:
        return (self[i] for i in range(len(self._made)))


class ReportFacts:
    """One report's facts and the lookups over them."""

    def __init__(self, info: ReportInfo, stored: FactRecords) -> None:
        self.info = info
        self.views = _Views(stored)
        self.labels: set[str] = set(stored.labels)  # every row/column label: the report's words
        self.memo: dict = {}  # what a user derives from this report, dropped with it
        self._stored = stored
        pairs = stored.subjects_and_contexts()
        self._subjects = [s for s, _ in pairs]
        self._contexts = [c for _, c in pairs]
        self._text = _FACT_END.join(f"{s}{_PART_END}{c}" for s, c in pairs)
        self._starts, at = [], 0
        for s, c in pairs:
            self._starts.append(at)
            at += len(s) + len(c) + 2
        self._postings: dict[str, set[int]] = {}
        self._containing: dict[str, frozenset[int]] = {}

    @classmethod
    def build(cls, info: ReportInfo, facts: list[Fact]) -> ReportFacts:
        """From facts in memory (their compared forms computed here)."""
        return cls(info, FactRecords.of(facts[0].report_id if facts else info.id, facts))

    def subject(self, i: int) -> str:
        """The compared subject of fact ``i`` (without making its view)."""
        return self._subjects[i]

    def measure(self, i: int) -> str:
        """The measure of fact ``i`` (without making its view)."""
        return self._stored.measure(i)

    def postings(self, gram: str) -> set[int]:
        """Facts whose subject or context contains the bigram ``gram`` (in reading order)."""
        hit = self._postings.get(gram)
        if hit is None:
            hit = set()
            for i in self._find(gram):
                hit.add(i)
            self._postings[gram] = hit
        return hit

    def _find(self, needle: str) -> Iterator[int]:
        """Facts whose subject or context contains ``needle`` (non-empty), in order."""
        text, starts = self._text, self._starts
        at = text.find(needle)
        while at != -1:
            k = bisect_right(starts, at) - 1
            yield k
            at = text.find(needle, starts[k + 1]) if k + 1 < len(starts) else -1

    def mentioning(self, words: list[str]) -> set[int]:
        """Facts whose subject or context shares a bigram with any of ``words``."""
        hits: set[int] = set()
        for w in words:
            for bg in _bigrams(w):
                hits |= self.postings(bg)
        return hits

    def containing(self, word: str) -> frozenset[int]:
        """Facts whose subject or context contains ``word`` (cached per word)."""
        hit = self._containing.get(word)
        if hit is None:
            grams = _bigrams(word)
            if grams:
                sets = sorted((self.postings(g) for g in grams), key=len)
                pool = set.intersection(*sets) if sets[0] else set()
            else:
                pool = range(len(self.views))
            subjects, contexts = self._subjects, self._contexts
            hit = frozenset(i for i in pool if word in subjects[i] or word in contexts[i])
            self._containing[word] = hit
        return hit


def total_row(fact: Fact) -> bool:
    """A 合计/总计/小计 row (收入总计 too); a row's figure in a 合计 column is not one."""
    return bool(fact.row) and normalize(fact.row[-1]).endswith(TOTAL_WORDS)


def row_under(row: tuple[str, ...], parent: tuple[str, ...]) -> bool:
    """``row`` stands below ``parent`` in its hierarchy (城乡社区支出 › 其他城乡社区支出 under
    城乡社区支出), at any depth."""
    return len(row) > len(parent) and row[: len(parent)] == parent


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


SUBJECT_BONUS = 0.5  # a word in a fact's own subject, not only its table or sentence, counts more


def candidates(facts: ReportFacts, frame, limit: int) -> list[FactView]:
    """The facts worth scoring: those naming the most of the question's words in full,
    then those sharing parts of them; at most ``limit``."""
    terms = [t for t in frame.terms if not t.negated]
    if not terms:
        return facts.views[:limit]
    weight: dict[int, float] = {}
    for t in terms:
        for i in term_hits(facts, t.forms):
            named = any(f.split("+")[0] in facts.subject(i) for f in t.forms)
            weight[i] = weight.get(i, 0.0) + t.weight * (
                (2 if t.asked else 1) + SUBJECT_BONUS * named
            )
    if weight and frame.measures:  # the asked measure breaks ties among equal namings
        for i in weight:
            if facts.measure(i) in frame.measures:
                weight[i] += 1
    chosen: list[int] = []
    if weight:
        best = max(weight.values())
        ranked = sorted((i for i, w in weight.items() if w >= best / 2), key=lambda i: -weight[i])
        chosen = ranked[:limit]
        if frame.measure:  # facts of the asked measure naming any word are always scored
            taken = set(chosen)
            chosen += [i for i in weight if i not in taken
                       and facts.measure(i) == frame.measure][:limit]  # fmt: skip
    if len(chosen) < limit:  # words named only in part (收入总计 ~ 收入 › 总计)
        grams = {g for t in terms for f in t.forms for p in f.split("+") for g in _bigrams(p)}
        overlap: dict[int, int] = {}
        for g in grams:
            for i in facts.postings(g):
                overlap[i] = overlap.get(i, 0) + 1
        taken = set(chosen)
        extra = sorted((i for i in overlap if i not in taken), key=lambda i: -overlap[i])
        chosen += extra[: max(0, limit - len(chosen)) // 2]
    return [facts.views[i] for i in sorted(chosen)]


class FactStore:
    """Reports of one index and their facts, loaded on demand: an LRU of reports holding at
    most ``max_facts`` facts (the report in use is always kept)."""

    def __init__(self, store: Store, max_facts: int = MAX_FACTS_IN_MEMORY) -> None:
        self.store = store
        self.infos = {i.id: i for i in store.reports()}
        self.max_facts = max_facts
        self._loaded: OrderedDict[str, ReportFacts] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def report(self, report_id: str) -> ReportFacts:
        """One report's facts (read from SQLite on first use)."""
        with self._lock:
            hit = self._loaded.get(report_id)
            if hit is not None:
                self._loaded.move_to_end(report_id)
                return hit
        hit = ReportFacts(self.infos[report_id], self.store.fact_records(report_id))
        with self._lock:
            if report_id not in self._loaded:
                self._loaded[report_id] = hit
                self._held += len(hit.views)
            while self._held > self.max_facts and len(self._loaded) > 1:
                _, old = self._loaded.popitem(last=False)
                self._held -= len(old.views)
            return self._loaded.get(report_id, hit)
