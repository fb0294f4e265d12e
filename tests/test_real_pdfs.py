"""All 13 real Shanghai PDFs: metadata read from the document, nine standard tables,
and hand-checked cells (tests/fixtures/real_pdfs_expected.json)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from indexer.model import Report, Table
from indexer.numbers import squash
from indexer.standard_tables import STANDARD_KEYS, classify_table
from tests.conftest import DATA, load_fixture

EXPECTED = load_fixture("real_pdfs_expected.json")
IDS = [e["file"].removesuffix(".pdf") for e in EXPECTED]
Shipped = Callable[[Path], Report]


@pytest.mark.parametrize("exp", EXPECTED, ids=IDS)
def test_metadata_from_the_document(exp: dict, shipped: Shipped) -> None:
    rep = shipped(DATA / "real" / exp["file"])
    assert (squash(rep.department), rep.year, rep.kind) == (
        squash(exp["department"]),
        exp["year"],
        exp["kind"],
    )


@pytest.mark.parametrize("exp", EXPECTED, ids=IDS)
def test_nine_standard_tables(exp: dict, shipped: Shipped) -> None:
    rep = shipped(DATA / "real" / exp["file"])
    found = {t.kind for t in rep.tables if t.kind in STANDARD_KEYS}
    assert found == set(STANDARD_KEYS)
    for t in exp["tables"]:
        kind = classify_table(t["title"])
        match = [x for x in rep.tables if x.kind == kind]
        assert match and match[0].page_start == t["page"], t["title"]
        assert match[0].unit == t["unit"], t["title"]


def _find_table(rep: Report, title: str) -> Table:
    kind = classify_table(title)
    return next(t for t in rep.tables if t.kind == kind)


@pytest.mark.parametrize("exp", EXPECTED, ids=IDS)
def test_spot_cells(exp: dict, shipped: Shipped) -> None:
    rep = shipped(DATA / "real" / exp["file"])
    missing = []
    for cell in exp["cells"]:
        table = _find_table(rep, cell["table"])
        want_col = [squash(s) for s in cell["column"]]
        found = False
        for row in table.rows:
            if cell["code"] and row.code != cell["code"]:
                continue
            if not cell["code"] and cell["row"] and squash(row.label) != squash(cell["row"]):
                continue
            for c in row.cells:
                got_col = [squash(s) for s in c.column]
                if got_col[-len(want_col) :] == want_col and c.text == cell["value"]:
                    found = found or c.page == cell["page"]
        if not found:
            missing.append(
                (cell["table"], cell["row"], cell["code"], cell["column"], cell["value"])
            )
    assert not missing, f"{len(missing)}/{len(exp['cells'])} cells not found: {missing[:4]}"


def test_a_figure_wrapped_to_the_next_line_stays_in_its_sentence(shipped: Shipped) -> None:
    # p.7: "…比2024年预算执行数增加" ends a line short of the margin: "24,558.18万元" did not fit
    report = shipped(DATA / "real" / "上海市普陀区商务委员会_2025_单位预算.pdf")
    texts = [p.text for p in report.paragraphs if p.page == 7]
    assert any("比2024年预算执行数增加24,558.18万元；事业收入0万元" in t for t in texts)


def test_a_template_note_a_table_contradicts_is_no_zero(shipped: Shipped) -> None:
    # p.31: the 三公 table prints 47.91 and 443.18; its note "本部门2024年无“三公”经费和机关运行
    # 经费预算，故本表为空表" is left from a template: no 0 from it, the printed figures stay
    from indexer.pipeline import derive

    wanli = DATA / "real" / "上海市普陀区人民政府万里街道办事处_2024_部门预算.pdf"
    facts = derive(shipped(wanli)).facts
    on_page = [f for f in facts if f.page == 31]
    assert not [f for f in on_page if f.text == "无"]
    assert any(f.value == Decimal("443.18") for f in on_page)
    assert [f for f in facts if f.text == "无" and f.page == 27]  # an absence nothing contradicts
