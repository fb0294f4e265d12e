"""BM25 over one report's phrase tokens, Lucene variant (the scores ``bm25s`` computes with
``method="lucene"``), built from the tokens the index stores.

A report has a few hundred short phrases and a question a handful of tokens, so nothing is
built per report: the postings of a question's tokens are found when first asked (one scan of
the phrases) and kept, and only those tokens are scored.

    bm25 = PhraseBM25([["公务", "接待费"], ["会议费"]], k1=1.2, b=0.75)
    bm25.scores(["接待费"])  # array of one score per phrase
"""

from __future__ import annotations

import math

import numpy as np


class PhraseBM25:
    """Lucene BM25 of a report's phrases.

    idf = ln(1 + (N − df + ½) / (df + ½)); tf part = tf / (tf + k1·(1 − b + b·dl/avgdl)).
    """

    def __init__(self, docs: list[list[str]], k1: float, b: float) -> None:
        self.k1, self.b = k1, b
        self.docs = docs
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        avg = float(lengths.mean()) if len(docs) else 0.0
        self._norm = k1 * ((1 - b) + b * lengths / avg) if avg else np.full(len(docs), k1)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # token → (phrases, tf)

    def scores(self, query: list[str]) -> np.ndarray:
        """One score per phrase: the sum over the query's tokens (a repeated token counts again)."""
        n = len(self.docs)
        out = np.zeros(n)
        for token in query:
            ids, tf = self._posting(token)
            if len(ids):
                idf = math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
                out[ids] += idf * tf / (self._norm[ids] + tf)
        return out

    def _posting(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The phrases holding ``token`` and how often (found on first ask, then kept)."""
        hit = self._postings.get(token)
        if hit is None:
            pairs = [(i, d.count(token)) for i, d in enumerate(self.docs) if token in d]
            ids = np.array([i for i, _ in pairs], dtype=np.int64)
            hit = (ids, np.array([c for _, c in pairs], dtype=np.float64))
            self._postings[token] = hit
        return hit
