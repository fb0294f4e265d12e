"""Exact cosine search over phrase vectors with FAISS (``IndexFlatIP`` inside ``IndexIDMap2``).

Vectors must be L2-normalised, so the inner product FAISS ranks by is the cosine. FAISS
ids are the phrase ids of the store (``phrases.id``), so nothing else has to be stored to
map them back. A saved index is opened memory-mapped: vectors are read from the file (the
page cache, shared by every process serving the index) only when a search needs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np


class VectorIndex:
    """Id → vector store answering top-k cosine queries, optionally within a subset."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._ids: set[int] | None = set()  # None: not read from the index yet
        self._mapped = False  # vectors in a memory-mapped file (read-only)
        self._order: tuple[np.ndarray, np.ndarray] | None = None  # sorted ids, their rows

    def __len__(self) -> int:
        return self._index.ntotal

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Add one vector per id; ids must be new."""
        vecs = np.ascontiguousarray(vectors, dtype=np.float32)
        if vecs.ndim != 2 or vecs.shape != (len(ids), self.dim):
            raise ValueError(
                f"expected vectors of shape ({len(ids)}, {self.dim}), got {vecs.shape}"
            )
        new = [int(i) for i in ids]
        if self._mapped:  # a mapped file cannot grow: copy it into memory first
            self._index = faiss.deserialize_index(faiss.serialize_index(self._index))
            self._mapped = False
        if self._ids is None:
            self._ids = {int(i) for i in faiss.vector_to_array(self._index.id_map)}
        if len(set(new)) != len(new) or not self._ids.isdisjoint(new):
            raise ValueError("ids must be unique and not already in the index")
        self._index.add_with_ids(vecs, np.asarray(new, dtype=np.int64))
        self._ids.update(new)
        self._order = None

    def search(
        self, query: np.ndarray, k: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top ``k`` (id, cosine) pairs, best first; only ids in ``allowed`` if given."""
        params = None
        limit = len(self)
        if allowed is not None:
            wanted = np.fromiter(allowed, dtype=np.int64, count=len(allowed))
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(wanted))
            limit = min(limit, len(allowed))
        k = min(k, limit)
        if k <= 0:
            return []
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        scores, ids = self._index.search(q, k, params=params)
        return [(int(i), float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i != -1]

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        """The stored vectors of ``ids``, in order, shape ``(len(ids), dim)``.

        When the ids are stored consecutively (one report's phrases are), the result is a
        read-only view into the index's own memory, valid while this index is alive and
        unchanged; otherwise a copy. Raises KeyError for an id not in the index.
        """
        wanted = np.asarray(ids, dtype=np.int64)
        if not len(wanted):
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._order is None:
            stored = faiss.vector_to_array(self._index.id_map)
            rows = np.argsort(stored, kind="stable")
            self._order = (stored[rows], rows)
        sorted_ids, rows_of = self._order
        at = np.minimum(np.searchsorted(sorted_ids, wanted), max(len(sorted_ids) - 1, 0))
        missing = sorted_ids[at] != wanted if len(sorted_ids) else np.ones(len(wanted), bool)
        if missing.any():
            raise KeyError(f"ids not in the index: {wanted[missing][:5].tolist()}")
        rows = rows_of[at]
        flat = faiss.downcast_index(self._index.index)
        stored_vectors = faiss.rev_swig_ptr(flat.get_xb(), len(self) * self.dim)
        matrix = stored_vectors.reshape(len(self), self.dim)
        if rows[-1] - rows[0] == len(rows) - 1 and (np.diff(rows) == 1).all():
            view = matrix[rows[0] : rows[-1] + 1]
            view.flags.writeable = False
            return view
        return matrix[rows]

    def save(self, path: Path) -> None:
        """Write the index to ``path`` (FAISS's own format)."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, mmap: bool = True) -> VectorIndex:
        """Open an index written by :meth:`save`, memory-mapped unless ``mmap`` is False
        (an :meth:`add` copies a mapped index into memory first)."""
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC if mmap else 0)
        if not isinstance(index, faiss.IndexIDMap2):
            raise ValueError(f"{path} is not a VectorIndex file")
        self = cls(index.d)
        self._index, self._ids, self._mapped = index, None, mmap
        return self
