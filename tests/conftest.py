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


@pytest.fixture(scope="session", params=["txt", "pdf"])
def seed_report(request: pytest.FixtureRequest) -> Report:
    """The seed report, once from each format."""
    return request.getfixturevalue(f"seed_{request.param}_report")
