"""VectorIndex on real FAISS: search, subset filtering, stored vectors by id, save/load."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.vector_index import VectorIndex

DIM = 16


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def data() -> tuple[list[int], np.ndarray]:
    rng = np.random.default_rng(0)
    ids = [100 + 3 * i for i in range(50)]
    return ids, _unit(rng.normal(size=(50, DIM)))


@pytest.fixture
def index(data: tuple[list[int], np.ndarray]) -> VectorIndex:
    ids, vecs = data
    idx = VectorIndex(DIM)
    idx.add(ids[:20], vecs[:20])
    idx.add(ids[20:], vecs[20:])
    return idx


def test_search_returns_ids_best_first(index, data):
    ids, vecs = data
    assert len(index) == 50
    hits = index.search(vecs[7], k=5)
    assert len(hits) == 5
    assert hits[0][0] == ids[7]
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    expected = [ids[i] for i in np.argsort(-(vecs @ vecs[7]))[:5]]
    assert [i for i, _ in hits] == expected


def test_allowed_restricts_results(index, data):
    ids, vecs = data
    allowed = {ids[3], ids[30], ids[41], 99999}  # an unknown id is simply never returned
    hits = index.search(vecs[7], k=10, allowed=allowed)
    assert {i for i, _ in hits} == {ids[3], ids[30], ids[41]}
    assert index.search(vecs[30], k=1, allowed=allowed)[0][0] == ids[30]
    assert index.search(vecs[7], k=5, allowed=set()) == []


def test_vectors_by_id_view_when_consecutive(index, data):
    ids, vecs = data
    run = index.vectors(ids[10:30])  # stored one after another: a view into FAISS's memory
    assert np.array_equal(run, vecs[10:30]) and not run.flags.writeable and not run.flags.owndata
    picked = index.vectors([ids[40], ids[2], ids[2]])  # any order, repeats: a copy
    assert np.array_equal(picked, vecs[[40, 2, 2]]) and picked.flags.owndata
    assert index.vectors([]).shape == (0, DIM)
    with pytest.raises(KeyError):
        index.vectors([ids[0], 99999])
    with pytest.raises(KeyError):
        VectorIndex(DIM).vectors([1])
    index.add([1], vecs[7:8])  # the id order is rebuilt after an add
    assert np.array_equal(index.vectors([1, ids[0]]), vecs[[7, 0]])


def test_k_larger_than_index_and_empty_index(index, data):
    _, vecs = data
    assert len(index.search(vecs[0], k=500)) == 50
    assert VectorIndex(DIM).search(vecs[0], k=3) == []


def test_add_rejects_bad_input(index, data):
    ids, vecs = data
    with pytest.raises(ValueError):
        index.add([ids[0]], vecs[:1])  # already present
    with pytest.raises(ValueError):
        index.add([1, 1], vecs[:2])
    with pytest.raises(ValueError):
        index.add([1, 2], vecs[:3])
    with pytest.raises(ValueError):
        VectorIndex(DIM + 1).add([1], vecs[:1])


def test_save_load_round_trip(index, data, tmp_path):
    ids, vecs = data
    path = tmp_path / "sub" / "vectors.faiss"
    index.save(path)
    loaded = VectorIndex.load(path)
    assert len(loaded) == 50 and loaded.dim == DIM
    for q in (vecs[0], vecs[33]):
        assert loaded.search(q, k=7) == index.search(q, k=7)
    assert loaded.search(vecs[7], k=3, allowed={ids[8]}) == index.search(
        vecs[7], k=3, allowed={ids[8]}
    )
    with pytest.raises(ValueError):
        loaded.add([ids[5]], vecs[:1])
    assert np.array_equal(loaded.vectors(ids), vecs)
    loaded.add([1], vecs[7:8])
    assert {i for i, _ in loaded.search(vecs[7], k=2)} == {1, ids[7]}
