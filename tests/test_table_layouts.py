"""Tables split over pages and tables sharing a page.

A continuation printed on the next page without its header takes the header's column paths
(two real Shanghai reports whose 经济分类 table has its 人员经费/公用经费 header on one page and
its totals row on the next); two tables on one page stay two tables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from indexer.model import Block, Document, RawCell, RawTable, Report
from indexer.structure import build_report
from tests.conftest import DATA

HEAD = ("一般公共预算基本支出",)


Shipped = Callable[[Path], Report]


@pytest.mark.parametrize(
    ("name", "pages", "totals"),
    [
        # read from the printed pages: 合计 | 合计 | 人员经费 | 公用经费
        ("上海市普陀区商务委员会_2025_部门预算.pdf", (19, 20),
         ("19,830,655.00", "18,120,593.00", "1,710,062.00")),
        ("上海市普陀区人民政府万里街道办事处_2025_部门预算.pdf", (27, 28),
         ("101,341,746", "90,514,044", "10,827,702")),
    ],
)  # fmt: skip
def test_continuation_rows_take_the_header_paths(
    name: str, pages, totals, shipped: Shipped
) -> None:
    [table] = [t for t in shipped(DATA / "real" / name).tables if t.kind == "basic_expenditure"]
    assert (table.page_start, table.page_end) == pages
    [total] = [r for r in table.rows if r.label == "合计"]
    got = {c.column: (c.text, c.page) for c in total.cells}
    for leaf, value in zip(("合计", "人员经费", "公用经费"), totals, strict=True):
        assert got[(*HEAD, leaf)] == (value, pages[1])
    # every row printed on the continuation page has the full column paths
    later = [r for r in table.rows if r.page == pages[1]]
    assert later and all(c.column[:1] == HEAD for r in later for c in r.cells)


def _grid(rows: list[list[str]], page: int, top: float) -> RawTable:
    """A ruled grid as the PDF reader gives it: cells 100 pt wide, 20 pt high."""
    width, height = 100.0, 20.0

    def box(i: int, j: int) -> tuple[float, float, float, float]:
        return (width * j, top + height * i, width * (j + 1), top + height * (i + 1))

    grid = [
        [RawCell(text, page, box(i, j)) for j, text in enumerate(row)] for i, row in enumerate(rows)
    ]
    return RawTable(grid, page, (0.0, top, width * len(rows[0]), top + height * len(rows)))


def _document(items: list) -> Document:
    return Document("layout.pdf", "0" * 64, "pdf", 2, items)


def test_two_tables_on_one_page_stay_two() -> None:
    doc = _document(
        [
            Block("收入表", 1, (0, 10, 100, 20)),
            _grid([["项目", "金额"], ["合计", "10.00"], ["财政拨款", "10.00"]], 1, 30),
            _grid([["科目名称", "金额"], ["合计", "4.00"]], 1, 200),
        ]
    )
    report = build_report(doc)
    assert len(report.tables) == 2
    first, second = report.tables
    assert [r.label for r in first.rows] == ["合计", "财政拨款"]
    assert [(r.label, r.cells[0].column, r.cells[0].text) for r in second.rows] == [
        ("合计", ("金额",), "4.00")
    ]


def test_a_table_continued_on_the_next_page_is_one_table() -> None:
    doc = _document(
        [
            Block("支出表", 1, (0, 10, 100, 20)),
            _grid(
                [["项目", "支出", ""], ["", "基本支出", "项目支出"], ["行政运行", "5.00", ""]],
                1,
                30,
            ),
            _grid([["合计", "5.00", "2.00"]], 2, 40),
        ]
    )
    [table] = build_report(doc).tables
    total = table.rows[-1]
    assert (total.label, total.page) == ("合计", 2)
    assert [(c.column, c.text) for c in total.cells] == [
        (("支出", "基本支出"), "5.00"),
        (("支出", "项目支出"), "2.00"),
    ]
