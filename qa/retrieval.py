"""Hybrid retrieval over chunks: dense (FAISS, e5) plus BM25 (bm25s over jieba tokens).

Measured on the seed: dense retrieval carries reworded questions and an equal-weight fusion
with BM25 hurt, so BM25 enters with a small weight (``BM25_WEIGHT``) as a literal-match signal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import bm25s
import jieba

from indexer.embedder import Embedder
from indexer.store import Store
from indexer.vector_index import VectorIndex
from qa.vocabulary import normalize

jieba.setLogLevel(logging.WARNING)
logging.getLogger("bm25s").setLevel(logging.WARNING)
BM25_WEIGHT = 0.25
DENSE_WEIGHT = 1.0


def tokenize(text: str) -> list[str]:
    """jieba tokens of the normalised text, without single punctuation marks."""
    return [t for t in jieba.lcut(normalize(text)) if t.strip() and (len(t) > 1 or t.isalnum())]


@dataclass
class Hit:
    chunk_id: int
    report_id: str
    text: str
    score: float


class HybridRetriever:
    """Dense + BM25 search over every chunk of an index, filtered by report."""

    def __init__(self, store: Store, vectors: VectorIndex, embedder: Embedder) -> None:
        self.embedder = embedder
        self.vectors = vectors
        rows = store.chunk_texts()
        self.ids = [r[0] for r in rows]
        self.report_of = {r[0]: r[1] for r in rows}
        self.text_of = {r[0]: r[2] for r in rows}
        self.by_report: dict[str, set[int]] = {}
        for cid, rid, _ in rows:
            self.by_report.setdefault(rid, set()).add(cid)
        self.bm25 = bm25s.BM25()
        self.bm25.index([tokenize(t) for _, _, t in rows], show_progress=False)

    def search(self, question: str, report_id: str | None, k: int = 8) -> list[Hit]:
        """Top ``k`` chunks by fused score (dense cosine + weighted, normalised BM25)."""
        allowed = self.by_report.get(report_id) if report_id else None
        scores: dict[int, float] = {}
        qv = self.embedder.embed_query(question)
        for cid, sim in self.vectors.search(qv, k * 3, allowed=allowed):
            scores[cid] = DENSE_WEIGHT * float(sim)
        toks = tokenize(question)
        if toks and self.ids:
            docs, bm = self.bm25.retrieve([toks], k=min(len(self.ids), k * 10), show_progress=False)
            top = float(bm[0][0]) if len(bm[0]) and bm[0][0] > 0 else 0.0
            for idx, s in zip(docs[0], bm[0], strict=False):
                cid = self.ids[int(idx)]
                if (allowed is not None and cid not in allowed) or top == 0:
                    continue
                scores[cid] = scores.get(cid, 0.0) + BM25_WEIGHT * float(s) / top
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        return [Hit(cid, self.report_of[cid], self.text_of[cid], s) for cid, s in best]
