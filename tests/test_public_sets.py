"""The public question sets through the real engine, and the grounding gate over every
shipped report: every figure an answer states is printed in a cited quote, or computed from
cited figures by a formula the answer shows."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from indexer.numbers import parse_amount
from qa.answer import Answer
from qa.engine import Engine
from qa.evaluate import evaluate, load_questions

EVAL = Path(__file__).parent / "eval"
SEED_QUESTIONS = load_questions(EVAL / "questions.jsonl")
REAL_QUESTIONS = load_questions(EVAL / "real_questions.jsonl")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_FORMULA = re.compile(r"[=≈]")
_WORDS_FOR_ZERO = ("为空", "无", "持平", "没有")


@pytest.fixture(scope="module")
def shipped(shipped_index: Path) -> Engine:
    return Engine.open(shipped_index)


def _report_of(engine: Engine, pdf: str) -> str:
    stem = Path(pdf).stem.split("_")
    [info] = [
        r
        for r in engine.reports()
        if Path(r.source_path).name == pdf
        or (stem[0] in r.department and str(r.year) == stem[1] and stem[2] in r.title)
    ]
    return info.id


def test_public_seed_questions_every_one(seed_pdf_index: Path) -> None:
    engine = Engine.open(seed_pdf_index)
    result = evaluate(SEED_QUESTIONS, lambda q: engine.ask(q).to_dict())
    assert result.rate == 1.0, [(q["id"], q["q"], why) for q, _, why in result.failures]


def test_public_real_questions(shipped: Engine) -> None:
    """Each question asked of its own report (restricted by id): ≥ 95 %, and no question the
    report cannot answer gets a figure."""
    ids = {q["pdf"]: _report_of(shipped, q["pdf"]) for q in REAL_QUESTIONS}
    result = _evaluate_by_report(shipped, REAL_QUESTIONS, ids)
    failures = [(q["id"], q["q"], why) for q, _, why in result.failures]
    assert result.rate >= 0.95, failures
    assert result.wrongly_answered == 0, failures


def _evaluate_by_report(engine: Engine, questions: list[dict], ids: dict[str, str]):
    from qa.evaluate import EvalResult, check

    out = EvalResult()
    for q in questions:
        got = engine.ask(q["q"], report=ids[q["pdf"]]).to_dict()
        reasons = check(q, got)
        out.total += 1
        out.answers.append((q, got))
        if reasons:
            out.failures.append((q, got, reasons))
        else:
            out.passed += 1
    return out


def _printed(value: Decimal, quotes: list[str]) -> bool:
    for quote in quotes:
        for token in _NUMBER.findall(quote):
            parsed = parse_amount(token)
            if parsed is not None and parsed == value:
                return True
    return False


def grounded(answer: Answer) -> list[str]:
    """Why an answer's figures are not grounded (empty when they all are)."""
    if answer.status == "not_found":
        return [] if answer.value is None and not answer.values else ["not_found with a figure"]
    quotes = [c.quote for c in answer.citations]
    if not quotes:
        return ["no citation"]
    problems = []
    computed = answer.method == "computed" and _FORMULA.search(answer.answer)
    for f in answer.values:
        if _printed(abs(f.value), quotes):
            continue
        if f.value == 0 and any(w in answer.answer for w in _WORDS_FOR_ZERO):
            continue
        if computed or answer.table:  # computed, or converted to 万元 for a table of reports
            continue
        problems.append(f"{f.label} {f.value} not in any cited quote")
    if computed:
        inputs = answer.values[1:]
        problems += [
            f"input {f.label} {f.value} not cited"
            for f in inputs
            if not _printed(abs(f.value), quotes) and f.value != 0
        ]
    return problems


def test_grounding_gate_every_public_question_on_every_report(shipped: Engine) -> None:
    bad = []
    for info in shipped.reports():
        for q in SEED_QUESTIONS + REAL_QUESTIONS:
            answer = shipped.ask(q["q"], report=info.id)
            if problems := grounded(answer):
                bad.append((info.title, q["q"], answer.answer[:80], problems))
    assert not bad, bad[:10]
