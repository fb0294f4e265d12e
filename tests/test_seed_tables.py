"""Every non-empty cell of the seed's 公开01–07表 equals the hand-written expectation."""

from __future__ import annotations

import pytest

from indexer.model import Report, Row, Table
from indexer.numbers import squash
from tests.conftest import load_fixture

EXPECTED = load_fixture("seed_tables_expected.json")


def _table(report: Report, code: str) -> Table:
    found = [t for t in report.tables if t.code == code]
    assert len(found) == 1, f"{code}: {len(found)} tables"
    return found[0]


def _row_matches(row: Row, label: str, code: str | None) -> bool:
    ident = squash(label) or squash(code or "")
    if code and code.isdigit():
        return row.code == code and (not label or squash(row.label) == squash(label))
    return squash(row.label) == ident


def _column_matches(column: tuple[str, ...], expected: list[str]) -> bool:
    want = [squash(s) for s in expected]
    got = [squash(s) for s in column]
    return got[-len(want) :] == want


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_table_recognised_with_title_code_unit(seed_report: Report, code: str) -> None:
    exp = EXPECTED[code]
    table = _table(seed_report, code)
    assert squash(table.title) == squash(exp["title"])
    assert table.unit == exp["unit"]
    assert table.kind is not None
    if seed_report.format == "pdf":
        assert table.page_start == exp["pages"][0]


@pytest.mark.parametrize("code", [c for c in sorted(EXPECTED) if EXPECTED[c]["cells"]])
def test_every_cell_equals_the_report(seed_report: Report, code: str) -> None:
    table = _table(seed_report, code)
    mismatches = []
    for cell in EXPECTED[code]["cells"]:
        rows = [r for r in table.rows if _row_matches(r, cell["row"], cell["code"])]
        values = [
            c for r in rows for c in r.cells if _column_matches(c.column, cell["column"]) and c.text
        ]
        if not any(c.text == cell["value"] for c in values):
            mismatches.append((cell["row"], cell["code"], cell["column"], cell["value"], values))
        elif seed_report.format == "pdf":
            hit = next(c for c in values if c.text == cell["value"])
            assert hit.page == cell["page"] and hit.bbox is not None
    assert not mismatches, mismatches[:5]


def test_no_extra_values(seed_report: Report) -> None:
    """The parser finds no figure in 公开01–07 that the hand-written table lacks."""
    for code, exp in EXPECTED.items():
        table = _table(seed_report, code)
        found = sum(1 for r in table.rows for c in r.cells if c.value is not None)
        assert found == len(exp["cells"]), code
