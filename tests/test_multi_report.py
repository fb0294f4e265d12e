"""Several reports in one index: a question naming 朝阳市生态环境局 answers as before; an
unqualified one says which report it answers from; a report id restricts the answer."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from indexer.pipeline import build_index
from qa.engine import Engine
from tests.conftest import DATA
from tests.test_eval import QUESTIONS

OTHER = DATA / "real" / "中共上海市普陀区委社会工作部_2024_部门决算.pdf"


@pytest.fixture(scope="module")
def engines(seed_txt_index: Path, vector_cache: Path, tmp_path_factory) -> tuple[Engine, Engine]:
    multi = tmp_path_factory.mktemp("multi") / "index"
    shutil.copytree(seed_txt_index, multi, symlinks=True)
    result = build_index([OTHER], multi, cache_dir=vector_cache)
    assert [s.status for s in result.reports] == ["indexed"]
    return Engine.open(seed_txt_index), Engine.open(multi)


def test_two_reports_indexed(engines) -> None:
    _, multi = engines
    departments = sorted(r.department for r in multi.reports())
    assert len(departments) == 2 and any("朝阳市生态环境局" in d for d in departments)


def test_naming_the_department_keeps_the_seed_answers(engines) -> None:
    single, multi = engines
    changed = []
    for q in QUESTIONS:
        if q["kind"] == "unanswerable":
            continue
        before = single.ask(q["q"]).to_dict()
        after = multi.ask("朝阳市生态环境局" + q["q"]).to_dict()
        if (before["status"], before["value"]) != (after["status"], after["value"]):
            changed.append((q["q"], before["value"], after["value"]))
        assert after["report"] and "朝阳市生态环境局" in after["report"]
    assert not changed


def test_unqualified_question_names_its_report(engines) -> None:
    _, multi = engines
    ans = multi.ask("公务用车运行维护费是多少？")
    assert ans.status == "answered"
    assert "朝阳市生态环境局" in ans.answer
    assert any(f.value == Decimal("80.35") for f in ans.values)


def test_report_id_restricts_the_answer(engines) -> None:
    _, multi = engines
    other = next(r for r in multi.reports() if "社会工作部" in r.department)
    ans = multi.ask("收入总计是多少？", report=other.id)
    assert ans.status == "answered" and "社会工作部" in (ans.report or "")
    assert all("社会工作部" in c.report for c in ans.citations)
