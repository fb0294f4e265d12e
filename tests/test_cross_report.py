"""Questions across the shipped reports: rank, compare, trend, total and a compact table
for an unqualified question; like compared with like; short names; what is not indexed.
Figures expected are read from the reports' own text (pdftotext), not from the code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from qa.engine import Engine

WANLI = "上海市普陀区人民政府万里街道办事处"


@pytest.fixture(scope="module")
def engine(shipped_index: Path) -> Engine:
    return Engine.open(shipped_index)


def _cited(answer) -> None:
    """Every line with a figure links to a citation that has a report and a page."""
    for row in answer.table:
        if row.value is not None:
            c = answer.citations[row.citation]
            assert c.report and c.page, row


def test_trend_of_one_department_over_the_years(engine: Engine) -> None:
    # 2023/2024/2025 部门预算: “三公”经费预算数为22.91 / 47.91 / 37.91万元
    a = engine.ask("万里街道三公经费这几年怎么变的？")
    assert a.status == "answered" and a.chart == "line"
    series = [(r.year, r.value) for r in a.table]
    assert series == [(2023, Decimal("22.91")), (2024, Decimal("47.91")),
                      (2025, Decimal("37.91"))]  # fmt: skip
    assert all(r.department == WANLI and r.kind == "预算" for r in a.table)
    _cited(a)
    assert [p["y"] for p in a.to_dict()["series"]] == [22.91, 47.91, 37.91]


def test_rank_compares_like_with_like(engine: Engine) -> None:
    a = engine.ask("哪个部门的三公经费最多？")
    assert a.status == "answered" and a.chart == "bar"
    known = [r for r in a.table if r.value is not None]
    assert len(known) >= 3
    assert len({(r.year, r.kind) for r in known}) == 1  # one year and kind
    year, kind = known[0].year, known[0].kind
    assert f"均为{year}年{kind}" in a.answer
    assert [r.value for r in known] == sorted((r.value for r in known), reverse=True)
    assert a.value == known[0].value and known[0].department in a.answer
    _cited(a)


def test_compare_two_departments(engine: Engine) -> None:
    # 区财政局 2025 部门预算: “三公”经费预算数为0.95万元; 万里街道 2025: 37.91万元
    a = engine.ask("万里街道和区财政局2025年的三公经费比一比")
    assert a.status == "answered"
    values = {r.department: r.value for r in a.table}
    assert values[WANLI] == Decimal("37.91")
    assert values["上海市普陀区财政局"] == Decimal("0.95")
    assert "36.96" in a.answer  # the difference, stated
    _cited(a)


def test_total_over_departments_shows_its_formula(engine: Engine) -> None:
    a = engine.ask("各部门2025年三公经费一共多少？")
    assert a.status == "answered" and a.method == "computed"
    known = [r.value for r in a.table if r.value is not None]
    assert a.value == sum(known, Decimal(0)) and len(known) >= 3
    assert "+" in a.answer


def test_unqualified_question_gives_one_line_per_report(engine: Engine) -> None:
    a = engine.ask("机关运行经费是多少？")
    assert a.status == "answered" and len(a.table) >= 5
    assert "可在问题中写明" in a.answer  # says how to narrow it
    _cited(a)


@pytest.mark.parametrize(
    ("question", "department"),
    [
        ("区府办三公经费多少？", "上海市普陀区人民政府办公室"),
        ("社工部2024年出差一共花了多少钱？", "中共上海市普陀区委社会工作部"),
        ("江苏省委办2019年三公经费是多少？", "江苏省委办公厅"),
        ("福利院一年的物业管理费预算多少？", "上海市普陀区社会福利院"),
    ],
)
def test_short_names_find_their_department(engine: Engine, question: str, department) -> None:
    a = engine.ask(question)
    assert a.status == "answered", a.answer
    assert department in (a.report or ""), a.report


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("普陀区司法局2024年三公经费是多少？", "普陀区司法局"),
        ("江苏高院2019年三公经费是多少？", "江苏高院"),
        ("万里街道2020年三公经费是多少？", "2020年"),
    ],
)
def test_what_is_not_indexed_is_named(engine: Engine, question: str, named: str) -> None:
    a = engine.ask(question)
    assert a.status == "not_found" and a.value is None
    assert named in a.answer and "目前可查询的报告有" in a.answer


def test_a_comparison_states_each_level_not_a_change(engine: Engine) -> None:
    # 区财政局 2024 决算: 机关运行经费支出184.65万元，比2023年度增加2.55万元; 社工部: 10.23万元
    a = engine.ask("区财政局和社工部2024年决算的机关运行经费谁多？多多少？")
    values = {r.department: r.value for r in a.table}
    assert values["上海市普陀区财政局"] == Decimal("184.65")
    assert a.value == Decimal("174.42") and a.method == "computed"


def test_a_year_range_follows_every_year_inside_it(engine: Engine) -> None:
    a = engine.ask("万里街道2023到2025年“三公”经费预算是怎么变的？")
    assert a.status == "answered" and a.chart == "line"
    assert [(r.year, r.value) for r in a.table] == [
        (2023, Decimal("22.91")), (2024, Decimal("47.91")), (2025, Decimal("37.91"))]  # fmt: skip
