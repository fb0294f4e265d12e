"""How close a question is to each fact of a report: the e5 cosine of the fact's phrase
vector fused with BM25 (:mod:`qa.bm25` over the jieba tokens the index stores per phrase).

Facts of one subject share one phrase (:attr:`indexer.facts.Fact.phrase`) and one vector.
Both signals are normalised within the report, per question: BM25 by the report's best
score; the cosine by how far it rises above the report's mean cosine towards its best (e5
cosines crowd into a narrow band, so their raw values say little). The fused similarity is
the weighted mean of the two, in [0, 1]. Weights and BM25 parameters are data: section
``retrieval`` of ``qa/scoring.json``, loaded by :class:`RetrievalConfig`.

Cost of a call: the question is embedded and tokenised once (then remembered); per report
one product of its phrase vectors with the question vector and one BM25 scoring of the
question's tokens. A report's phrases, vectors (a view into the FAISS index) and BM25
postings are loaded on first use and kept (an LRU of reports).

    retriever = FactRetriever.from_index(load_index(index_dir))
    sims = retriever.similarities("车辆运行花了多少钱？", report_id, facts)  # fact id → [0, 1]
    hits = retriever.search("车辆运行花了多少钱？", report_id, k=10)  # Hit(index, score)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import NamedTuple

import jieba
import numpy as np

from indexer.embedder import Embedder, make_embedder
from indexer.facts import Fact
from indexer.index import LoadedIndex
from indexer.phrase_tokens import tokenize
from indexer.store import Store
from indexer.vector_index import VectorIndex
from qa.bm25 import PhraseBM25
from qa.lru import Lru
from qa.scorer import ConfigError

CONFIG_PATH = Path(__file__).with_name("scoring.json")
MAX_REPORTS_IN_MEMORY = 64
MAX_QUESTIONS_IN_MEMORY = 256


@dataclass(frozen=True)
class RetrievalConfig:
    """Fusion weights and BM25 parameters (``scoring.json`` › ``retrieval``).

    dense_weight: weight of the e5 cosine, normalised within the report (≥ 0).
    bm25_weight: weight of BM25 (Lucene) over jieba tokens, normalised by the report's best (≥ 0).
    bm25_k1: BM25 term-frequency saturation (≥ 0; 0 ignores repeated terms).
    bm25_b: BM25 length normalisation, 0 (none) to 1 (full).
    The two weights must not both be 0; they are used as a weighted mean.
    """

    dense_weight: float
    bm25_weight: float
    bm25_k1: float
    bm25_b: float

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ConfigError(f.name, "must not be negative")
        if self.dense_weight + self.bm25_weight <= 0:
            raise ConfigError("dense_weight", "dense_weight and bm25_weight are both 0")
        if self.bm25_b > 1:
            raise ConfigError("bm25_b", "must be between 0 and 1")

    @classmethod
    def load(cls, path: Path = CONFIG_PATH) -> RetrievalConfig:
        """Read section ``retrieval`` of ``path``, rejecting unknown or missing keys."""
        data = json.loads(Path(path).read_text(encoding="utf-8")).get("retrieval", {})
        known = [f.name for f in fields(cls)]
        for key in data:
            if key not in known and not key.startswith("_"):
                raise ConfigError(key, f"unknown retrieval parameter; known: {', '.join(known)}")
        for key in known:
            if key not in data:
                raise ConfigError(key, "retrieval parameter missing")
        return cls(**{k: float(data[k]) for k in known})


class Hit(NamedTuple):
    """A fact found by :meth:`FactRetriever.search`."""

    index: int  # the fact's position in the report's facts (``Store.facts``, ``FactView.index``)
    score: float  # fused similarity in [0, 1]


@dataclass
class _Question:
    vector: np.ndarray
    tokens: list[str]


@dataclass
class _ReportPhrases:
    """One report's phrases: their rows, vectors, BM25 index and the facts using each."""

    row_of: dict[str, int]  # phrase text → row
    vectors: np.ndarray  # (phrases, dim)
    bm25: PhraseBM25
    facts_of: list[list[int]]  # row → indexes of the facts with that phrase


class FactRetriever:
    """Fused dense + BM25 similarity of a question to the facts of one report."""

    def __init__(
        self,
        store: Store,
        vectors: VectorIndex,
        embedder: Embedder,
        config: RetrievalConfig | None = None,
    ) -> None:
        self.store = store
        self.vectors = vectors
        self.embedder = embedder
        self.config = config or RetrievalConfig.load()
        self._reports: Lru[_ReportPhrases] = Lru(MAX_REPORTS_IN_MEMORY)
        self._questions: Lru[_Question] = Lru(MAX_QUESTIONS_IN_MEMORY)
        self._fused: Lru[np.ndarray] = Lru(MAX_QUESTIONS_IN_MEMORY)

    @classmethod
    def from_index(cls, index: LoadedIndex, config: RetrievalConfig | None = None) -> FactRetriever:
        """A retriever over a loaded index, embedding questions with the index's embedder."""
        return cls(index.store, index.vectors, make_embedder(index.manifest.embedder), config)

    def warm_up(self, report_ids: Sequence[str] = ()) -> None:
        """Load the heavy parts before the first question: jieba's dictionary, the embedding
        model, and the given reports' phrases."""
        jieba.initialize()
        self.embedder.embed_query("预热")
        for report_id in report_ids:
            self._report(report_id)

    def __repr__(self) -> str:
        return f"FactRetriever({self.embedder.name}, {self.config}, {len(self.vectors)} vectors)"

    # ------------------------------------------------------------ public

    def similarities(self, question: str, report_id: str, facts: list[Fact]) -> dict[str, float]:
        """Fact id → fused similarity in [0, 1] of each given fact of ``report_id``; a fact
        whose phrase the index does not hold gets 0."""
        report = self._report(report_id)
        fused = self._scores(question, report_id, report)
        out: dict[str, float] = {}
        for fact in facts:
            row = report.row_of.get(fact.phrase)
            out[fact.id] = float(fused[row]) if row is not None else 0.0
        return out

    def search(self, question: str, report_id: str, k: int) -> list[Hit]:
        """The ``k`` facts of ``report_id`` closest to the question, best first (facts of
        one phrase in reading order)."""
        report = self._report(report_id)
        fused = self._scores(question, report_id, report)
        hits: list[Hit] = []
        for row in np.argsort(-fused, kind="stable"):
            for index in report.facts_of[row]:
                if len(hits) == k:
                    return hits
                hits.append(Hit(index, float(fused[row])))
        return hits

    # ------------------------------------------------------------ scoring

    def _scores(self, question: str, report_id: str, report: _ReportPhrases) -> np.ndarray:
        """The fused similarity of every phrase of the report (remembered per question)."""
        key = (question, report_id)
        hit = self._fused.get(key)
        if hit is not None:
            return hit
        q = self._question(question)
        c = self.config
        fused = c.dense_weight * _dense(report.vectors @ q.vector)
        fused += c.bm25_weight * _bm25(report.bm25, q.tokens)
        fused /= c.dense_weight + c.bm25_weight
        self._fused.put(key, fused)
        return fused

    def _question(self, question: str) -> _Question:
        hit = self._questions.get(question)
        if hit is None:
            vector = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
            hit = _Question(vector, tokenize(question))
            self._questions.put(question, hit)
        return hit

    def _report(self, report_id: str) -> _ReportPhrases:
        hit = self._reports.get(report_id)
        if hit is not None:
            return hit
        phrases = self.store.phrases(report_id)
        row_of_id = {pid: row for row, (pid, _) in enumerate(phrases)}
        facts_of: list[list[int]] = [[] for _ in phrases]
        for index, pid in enumerate(self.store.fact_phrase_ids(report_id)):
            if pid in row_of_id:
                facts_of[row_of_id[pid]].append(index)
        tokens = self.store.phrase_tokens(report_id)
        bm25 = PhraseBM25(tokens, k1=self.config.bm25_k1, b=self.config.bm25_b)
        hit = _ReportPhrases(
            row_of={text: row for row, (_, text) in enumerate(phrases)},
            vectors=self.vectors.vectors([pid for pid, _ in phrases]),
            bm25=bm25,
            facts_of=facts_of,
        )
        self._reports.put(report_id, hit)
        return hit


def _dense(cosines: np.ndarray) -> np.ndarray:
    """Cosines rescaled within the report: its mean → 0 (and below), its best → 1."""
    if not len(cosines):
        return cosines.astype(np.float64)
    best, mean = float(cosines.max()), float(cosines.mean())
    if best <= mean:  # one phrase, or all alike
        return np.ones(len(cosines))
    return np.clip((cosines - mean) / (best - mean), 0.0, 1.0)


def _bm25(bm25: PhraseBM25, tokens: list[str]) -> np.ndarray:
    """BM25 of every phrase divided by the report's best (0 when nothing matches)."""
    scores = bm25.scores(tokens)
    best = float(scores.max(initial=0.0))
    return scores / best if best > 0 else scores
