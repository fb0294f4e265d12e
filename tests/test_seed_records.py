"""Performance records equal the report; the txt and the PDF give the same records."""

from __future__ import annotations

import pytest

from indexer.model import Report
from indexer.numbers import squash
from indexer.performance import project_record, unit_record
from indexer.standard_tables import STANDARD_KEYS
from tests.conftest import load_fixture

EXPECTED = load_fixture("seed_performance_expected.json")


def _text(fig) -> str | None:
    return fig.text if fig is not None else None


def test_report_metadata(seed_report: Report) -> None:
    assert seed_report.department.endswith("朝阳市生态环境局")
    assert seed_report.year == 2024
    assert seed_report.kind == "决算"


def test_nine_standard_tables(seed_report: Report) -> None:
    kinds = [t.kind for t in seed_report.tables if t.kind in STANDARD_KEYS]
    assert sorted(kinds) == sorted(STANDARD_KEYS)


def test_unit_records(seed_report: Report) -> None:
    units = [unit_record(t) for t in seed_report.tables if t.kind == "unit_perf"]
    assert len(units) == len(EXPECTED["units"]) == 20
    for got, exp in zip(units, EXPECTED["units"], strict=True):
        assert got is not None
        assert (got.code, squash(got.name)) == (exp["code"], squash(exp["name"]))
        assert _text(got.budget_income) == exp["budget_income"]
        assert _text(got.budget_expenditure) == exp["budget_expenditure"]
        assert _text(got.score) == exp["score"], got.name
        if seed_report.format == "pdf":
            assert got.score.page is not None and got.score.bbox is not None


def test_project_records(seed_report: Report) -> None:
    projects = [project_record(t) for t in seed_report.tables if t.kind == "project_perf"]
    assert len(projects) == len(EXPECTED["projects"]) == 74
    for got, exp in zip(projects, EXPECTED["projects"], strict=True):
        assert got is not None
        assert squash(got.name) == squash(exp["name"])
        assert squash(got.implementer or "") == squash(exp["implementer"])
        assert _text(got.budget) == exp["budget"], got.name
        assert _text(got.executed) == exp["executed"], got.name
        assert _text(got.rate) == exp["rate"], got.name
        assert _text(got.score) == exp["score"], got.name


def _records(report: Report) -> list[tuple]:
    out = []
    for t in report.tables:
        if t.kind in ("unit_perf", "project_perf"):
            continue
        for r in t.rows:
            for c in r.cells:
                if c.value is not None:
                    column = tuple(squash(s) for s in c.column)
                    out.append((t.code, squash(t.title), squash(r.label), r.code, column,
                                str(c.value), c.unit))  # fmt: skip
    return sorted(out)


def test_txt_and_pdf_give_the_same_records(seed_txt_report: Report, seed_pdf_report: Report):
    assert _records(seed_txt_report) == _records(seed_pdf_report)
    units = [
        [(u.code, u.name, _text(u.score)) for t in rep.tables if (u := unit_record(t))]
        for rep in (seed_txt_report, seed_pdf_report)
    ]
    assert units[0] == units[1]
    projects = [
        [(squash(p.name), _text(p.budget), _text(p.executed), _text(p.score))
         for t in rep.tables if t.kind == "project_perf" and (p := project_record(t))]
        for rep in (seed_txt_report, seed_pdf_report)
    ]  # fmt: skip
    assert projects[0] == projects[1]


@pytest.mark.parametrize("fmt", ["pdf"])
def test_pdf_paragraphs_have_pages(seed_pdf_report: Report, fmt: str) -> None:
    paras = seed_pdf_report.paragraphs
    assert paras and all(p.page is not None for p in paras)
    hit = [p for p in paras if "公务用车运行维护费 80.35 万元" in p.text]
    assert hit and hit[0].page == 8


def _indicator(record, name: str):
    return next(i for i in record.indicators if squash(i.name) == name)


def test_indicators_carry_their_target_actual_and_score(seed_report: Report) -> None:
    """Hand-read from the report: a project's counted indicator, a unit's blank actual."""
    projects = [project_record(t) for t in seed_report.tables if t.kind == "project_perf"]
    air = next(p for p in projects if "第二批" in p.name and "678" in p.name)
    tester = _indicator(air, "购置便携式尾气排放检测设备数")
    assert (tester.target.text, tester.target.unit, tester.actual.text) == ("6", "台", "6")
    assert tester.score.text == "6.2"
    units = [unit_record(t) for t in seed_report.tables if t.kind == "unit_perf"]
    own = next(u for u in units if squash(u.name) == "朝阳市生态环境局")
    public = _indicator(own, "当地群众满意度")
    assert public.actual is None and public.score.text == "0"
