"""The Jiangsu 2019 budgets: each department publishes a narrative PDF and a tables PDF
(公开01–12表). Cells read by hand from the printed pages, every table kind recognised by
title, metadata from each file, and each pair indexed as one report whose citations render
from the file they came from."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from app.page_render import PageRenderer
from indexer.index import load_index
from indexer.model import PATH_SEP, Report, Row, Table
from indexer.numbers import squash
from indexer.pipeline import build_index
from tests.conftest import DATA

JIANGSU = DATA / "jiangsu"
SWB = "江苏省委办公厅"
ZX = "江苏省政协办公厅"
PAIRS = {
    SWB: (
        JIANGSU / "江苏省委办公厅2019年度部门预算公开文件.pdf",
        JIANGSU / "江苏省委办公厅2019年度部门预算公开表格.pdf",
    ),
    ZX: (
        JIANGSU / "江苏省政协办公厅2019年度部门预算.pdf",
        JIANGSU / "江苏省政协办公厅2019年预算公开表.pdf",
    ),
}
# the tables PDFs print 公开01–12表 in this order (their titles name the tables)
KINDS = [
    "income_expenditure_summary",  # 收支预算总表
    "income",  # 收入预算总表
    "expenditure",  # 支出预算总表
    "fiscal_summary",  # 财政拨款收支预算总表
    "fiscal_expenditure",  # 财政拨款支出预算表（功能科目）
    "fiscal_basic_expenditure",  # 财政拨款基本支出预算表（经济科目）
    "general_budget_expenditure",  # 一般公共预算支出预算表（功能科目）
    "basic_expenditure",  # 一般公共预算基本支出预算表（经济科目）
    "sangong",  # “三公”经费、会议费、培训费支出预算表
    "gov_fund",  # 财政拨款政府性基金支出预算表
    "office_running",  # 一般公共预算机关运行经费支出预算表
    "procurement",  # 2019年政府采购预算表
]
IN, FN, USE = "收入", "支出 › 功能分类", "支出 › 支出用途"  # the halves of 收支预算总表
IN_SUM = ("收入", "金额")
FN_SUM = ("支出", "功能分类", "金额")
USE_SUM = ("支出", "支出用途", "金额")


@dataclass(frozen=True)
class Expected:
    """One printed figure: table kind, row label (a hierarchy joined by ›), subject code,
    full column path, printed text, page, and the side-by-side half it belongs to."""

    kind: str
    row: str
    code: str | None
    column: tuple[str, ...]
    value: str
    page: int
    group: str | None = None


E = Expected
CELLS = {
    SWB: [
        E("income_expenditure_summary", "一、财政拨款", None, IN_SUM, "27,664.22", 1, IN),
        E("income_expenditure_summary", "一、一般公共服务支出", None, FN_SUM, "22,395.50", 1, FN),
        E("income_expenditure_summary", "八、社会保障和就业支出", None, FN_SUM, "1,374.63", 1, FN),
        E("income_expenditure_summary", "十八、住房保障支出", None, FN_SUM, "3,894.09", 1, FN),
        E("income_expenditure_summary", "一、基本支出", None, USE_SUM, "11,700.63", 1, USE),
        E("income_expenditure_summary", "三、单位预留机动经费", None, USE_SUM, "2,938.21", 1, USE),
        E("income_expenditure_summary", "收入合计", None, IN_SUM, "27,664.22", 1, IN),
        E("income", "收入总计", None, ("金额",), "27,664.22", 2),
        E("income", "一般公共预算资金 › 公共财政拨款(补助)资金", None, ("金额",), "27,664.22", 2),
        E("expenditure", "", None, ("项目支出",), "13,025.38", 3),
        E("expenditure", "", None, ("单位预留机动经费",), "2,938.21", 3),
        E("fiscal_summary", "一、一般公共预算", None, IN_SUM, "27,664.22", 4, IN),
        E("fiscal_summary", "二、项目支出", None, USE_SUM, "13,025.38", 4, USE),
        E("fiscal_expenditure", "行政运行", "2013101", ("金额",), "9,370.12", 5),
        E("fiscal_expenditure", "提租补贴", "2210202", ("金额",), "2,928.22", 5),
        E("fiscal_basic_expenditure", "津贴补贴", "30102", ("金额",), "4,292.67", 6),
        E("general_budget_expenditure", "机关事业单位基本养老保险缴费支出", "2080505",
          ("金额",), "785.06", 7),
        E("basic_expenditure", "商品和服务支出", "302", ("金额",), "2,232.91", 8),
        E("basic_expenditure", "公务用车运行维护费", "30231", ("金额",), "411.20", 8),
        E("sangong", "", None, ("合计",), "1,471.70", 9),
        E("sangong", "", None, ("“三公”经费", "小计"), "508.20", 9),
        E("sangong", "", None, ("“三公”经费", "因公出国(境)费"), "70.00", 9),
        E("sangong", "", None,
          ("“三公”经费", "公务用车购置及运行维护费", "公务用车运行维护费"), "411.20", 9),
        E("sangong", "", None, ("“三公”经费", "公务接待费"), "27.00", 9),
        E("sangong", "", None, ("会议费",), "933.50", 9),
        E("sangong", "", None, ("培训费",), "30.00", 9),
        E("office_running", "办公费", "30201", ("机关运行经费支出",), "450.00", 11),
        E("procurement", "合计", None, ("总计",), "1,422.50", 12),
        E("procurement", "三、服务C", None, ("总计",), "1,338.50", 12),
        E("procurement", "三、服务C › 省委办公厅承办的会议费 › 会议费 › 会议服务", None,
          ("总计",), "872.10", 12),
    ],
    ZX: [
        E("income_expenditure_summary", "一、财政拨款", None, IN_SUM, "13,297.11", 1, IN),
        E("income_expenditure_summary", "三、其他资金", None, IN_SUM, "80.00", 1, IN),
        E("income_expenditure_summary", "一、一般公共服务支出", None, FN_SUM, "10,271.56", 1, FN),
        E("income_expenditure_summary", "八、社会保障和就业支出", None, FN_SUM, "858.51", 1, FN),
        E("income_expenditure_summary", "一、基本支出", None, USE_SUM, "6,522.75", 1, USE),
        E("income_expenditure_summary", "二、项目支出", None, USE_SUM, "4,968.34", 1, USE),
        E("income_expenditure_summary", "当年收入小计", None, IN_SUM, "13,377.11", 1, IN),
        E("income", "收入总计", None, ("金额",), "13,377.11", 2),
        E("income", "其他资金 › 其他收入", None, ("金额",), "80.00", 2),
        E("income", "一般公共预算资金 › 公共财政拨款(补助)资金", None, ("金额",), "13,297.11", 2),
        E("expenditure", "", None, ("基本支出",), "6,522.75", 3),
        E("fiscal_summary", "一、基本支出", None, USE_SUM, "6,442.75", 4, USE),
        E("fiscal_summary", "收入合计", None, IN_SUM, "13,297.11", 4, IN),
        E("fiscal_expenditure", "政协会议", "2010204", ("金额",), "1,282.56", 5),
        E("fiscal_basic_expenditure", "公务用车运行维护费", "30231", ("金额",), "156.60", 6),
        E("general_budget_expenditure", "提租补贴", "2210202", ("金额",), "1,754.17", 7),
        E("basic_expenditure", "对个人和家庭的补助", "303", ("金额",), "944.05", 8),
        E("basic_expenditure", "合计", None, ("金额",), "6,442.75", 8),
        E("sangong", "", None, ("合计",), "2,224.43", 9),
        E("sangong", "", None, ("“三公”经费", "小计"), "660.10", 9),
        E("sangong", "", None, ("“三公”经费", "因公出国(境)费"), "106.00", 9),
        E("sangong", "", None, ("“三公”经费", "公务接待费"), "397.50", 9),
        E("sangong", "", None, ("会议费",), "1,282.56", 9),
        E("sangong", "", None, ("培训费",), "281.77", 9),
        E("office_running", "差旅费", "30211", ("机关运行经费支出",), "200.00", 11),
        E("procurement", "合计", None, ("总计",), "1,624.42", 12),
        E("procurement", "三、服务C", None, ("总计",), "1,274.42", 12),
        E("procurement", "一、货物A › 办公设备购置费 › 办公设备购置 › 家具用具", None,
          ("总计",), "198.00", 12),
    ],
}  # fmt: skip


Shipped = Callable[[Path], Report]


def _table(report: Report, kind: str) -> Table:
    [table] = [t for t in report.tables if t.kind == kind]
    return table


def _matches(row: Row, exp: Expected) -> bool:
    if exp.code and row.code != exp.code:
        return False
    return squash(row.label) == squash(exp.row)


@pytest.mark.parametrize("dept", PAIRS)
def test_every_table_recognised_by_its_title(dept: str, shipped: Shipped) -> None:
    report = shipped(PAIRS[dept][1])
    assert [t.kind for t in report.tables] == KINDS
    for t in report.tables:
        assert "表" in t.title and t.unit == "万元", t.title
        assert squash(dept) in squash(t.department_line or ""), t.title
    # only the 政协 file prints 公开NN表; no code is made up for the other
    codes = [t.code for t in report.tables]
    want = [f"公开{n:02d}表" for n in range(1, 13)] if dept == ZX else [None] * 12
    assert codes == want


@pytest.mark.parametrize("dept", PAIRS)
def test_hand_read_cells(dept: str, shipped: Shipped) -> None:
    report = shipped(PAIRS[dept][1])
    missing = []
    for exp in CELLS[dept]:
        table = _table(report, exp.kind)
        hits = [
            (row, c)
            for row in table.rows
            if _matches(row, exp)
            for c in row.cells
            if [squash(s) for s in c.column] == [squash(s) for s in exp.column]
            and c.text == exp.value
        ]
        ok = [
            (row, c)
            for row, c in hits
            if c.page == exp.page and c.bbox is not None and row.group == exp.group
        ]
        if not ok:
            missing.append((exp, [(r.label, r.group, c.column, c.page) for r, c in hits]))
    assert not missing, missing[:3]


@pytest.mark.parametrize("dept", PAIRS)
def test_side_by_side_rows_line_up(dept: str, shipped: Shipped) -> None:
    """In 收支预算总表 every figure sits in its own row's half (收入 | 功能分类 | 支出用途)."""
    table = _table(shipped(PAIRS[dept][1]), "income_expenditure_summary")
    for row in table.rows:
        assert row.group is not None, row.label
        prefix = tuple(row.group.split(PATH_SEP))
        for cell in row.cells:
            if cell.text:
                assert cell.column[: len(prefix)] == prefix, (row.label, cell.column)
    labels = {squash(r.label): r.group for r in table.rows}
    assert labels["一、财政拨款"] == IN and labels["一、一般公共服务支出"] == FN
    assert labels["一、基本支出"] == USE


@pytest.mark.parametrize("dept", PAIRS)
def test_sangong_total_is_not_the_table_total(dept: str, shipped: Shipped) -> None:
    """The 三公 total is “三公”经费 › 小计; the table's 合计 adds 会议费 and 培训费."""
    [row] = _table(shipped(PAIRS[dept][1]), "sangong").rows
    value = {c.column: c.value for c in row.cells if c.value is not None}
    sangong = value[("“三公”经费", "小计")]
    parts = [("“三公”经费", "因公出国(境)费"), ("“三公”经费", "公务接待费")]
    car = ("“三公”经费", "公务用车购置及运行维护费", "小计")
    assert sangong == sum((value[p] for p in parts), value[car])
    assert value[("合计",)] == sangong + value[("会议费",)] + value[("培训费",)]
    assert value[("合计",)] != sangong
    assert {c.unit for c in row.cells if c.text} == {"万元"}


@pytest.mark.parametrize("dept", PAIRS)
def test_table_text_is_never_a_paragraph(dept: str, shipped: Shipped) -> None:
    paragraphs = [p.text for p in shipped(PAIRS[dept][1]).paragraphs]
    assert paragraphs and all(t.startswith("注") for t in paragraphs), paragraphs


@pytest.mark.parametrize("dept", PAIRS)
@pytest.mark.parametrize("part", [0, 1], ids=["narrative", "tables"])
def test_metadata_read_from_each_file(dept: str, part: int, shipped: Shipped) -> None:
    report = shipped(PAIRS[dept][part])
    assert (report.year, report.kind, report.scope) == (2019, "预算", "部门")
    # the tables file of 省委办公厅 prints the full name (中共江苏省委办公厅)
    assert report.department.endswith(dept)
    assert report.title.endswith("2019年度部门预算")


# ---------------------------------------------------------------- one report of two files


@pytest.fixture(scope="module")
def pair_index(tmp_path_factory: pytest.TempPathFactory, vector_cache: Path) -> Path:
    index_dir = tmp_path_factory.mktemp("jiangsu") / "index"
    files = [path for pair in PAIRS.values() for path in pair]
    result = build_index(files, index_dir, cache_dir=vector_cache)
    assert [s.status for s in result.reports] == ["indexed"] * 4
    return index_dir


def test_each_pair_is_one_report(pair_index: Path) -> None:
    store = load_index(pair_index).store
    reports = {r.department: r for r in store.reports()}
    assert sorted(reports) == sorted(PAIRS)  # the narrative names the department
    files = store.report_files()
    for dept, (narrative, tables) in PAIRS.items():
        info = reports[dept]
        digests = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in (narrative, tables))
        assert info.id == hashlib.sha256("\n".join(digests).encode()).hexdigest()[:12]
        assert (info.year, info.kind, info.tables) == (2019, "预算", 12)
        assert info.source_path == str(narrative)
        assert [p for p, _ in files[info.id]] == [str(narrative), str(tables)]
        rows = store.db.execute(
            "SELECT DISTINCT source_path FROM rows WHERE report_id=?", (info.id,)
        ).fetchall()
        paragraphs = store.db.execute(
            "SELECT DISTINCT source_path FROM paragraphs WHERE report_id=?", (info.id,)
        ).fetchall()
        assert [r[0] for r in rows] == [str(tables)]
        assert {p[0] for p in paragraphs} == {str(narrative), str(tables)}


def test_unchanged_pair_is_skipped(pair_index: Path) -> None:
    before = load_index(pair_index).path
    result = build_index([path for pair in PAIRS.values() for path in pair], pair_index)
    assert [s.status for s in result.reports] == ["unchanged"] * 4 and not result.changed
    assert load_index(pair_index).path == before


def _page_size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


@pytest.mark.parametrize("dept", PAIRS)
def test_citations_render_from_their_own_file(pair_index: Path, dept: str) -> None:
    """A figure of the tables file cites the tables PDF (landscape), a sentence of the
    narrative the narrative PDF (portrait); the citation names its file."""
    from qa.compose import citation
    from qa.engine import Engine

    engine = Engine.open(pair_index)
    [info] = [r for r in engine.reports() if r.department == dept]
    narrative, tables = PAIRS[dept]
    renderer = PageRenderer(scale=0.5)
    facts = [v.fact for v in engine.facts.report(info.id).views]

    cell = next(f for f in facts if f.table_kind == "sangong" and "会议费" in f.column and f.bbox)
    cite = citation(cell, info)
    assert cite.file == str(tables)
    width, height = _page_size(renderer.render(Path(cite.file), cite.page, [cite.bbox]))
    assert width > height  # the tables PDF is printed landscape, the narrative portrait

    said = next(f for f in facts if f.origin == "sentence" and "支出预算总计" in f.quote and f.bbox)
    cite = citation(said, info)
    assert cite.file == str(narrative)
    width, height = _page_size(renderer.render(Path(cite.file), cite.page, [cite.bbox]))
    assert width < height
