"""Cross-report lines decided ahead (qa.precomputed): a ranking over every shipped report read
from lines.sqlite gives the figures the engine decides on the spot; the file is incremental,
and lines of other code or of a changed report are not used."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from qa.engine import Engine
from qa.precomputed import FILE_NAME, StoredLines, up_to_date

ACROSS = [
    "哪个部门的公务接待费最多？",
    "各部门三公经费排名",
    "哪个部门三公经费预算最高？",
    "2024年哪个部门机关运行经费最少？",
    "哪个部门的因公出国（境）费最多？",
    "2025年哪个部门的支出总计最高？",
    "公务接待费是多少？",
    "万里街道和区财政局2025年的三公经费比一比",
]


@pytest.fixture(scope="module")
def index_copy(shipped_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped index with its standard lines decided ahead."""
    copy = tmp_path_factory.mktemp("precomputed") / "index"
    shutil.copytree(shipped_index, copy, symlinks=True)
    Engine.open(copy).precompute()
    return copy


def _rows(answer) -> list[tuple]:
    return [(r.department, r.year, r.kind, r.value) for r in answer.table]


def test_stored_lines_give_the_figures_decided_on_the_spot(index_copy: Path) -> None:
    stored, live = Engine.open(index_copy), Engine.open(index_copy)
    live.stored = None
    assert stored.stored is not None
    for q in ACROSS:
        a, b = stored.ask(q), live.ask(q)
        assert (a.status, a.value, _rows(a)) == (b.status, b.value, _rows(b)), q
        assert a.status == "answered" and len(a.table) >= 2, q
        for row in a.table:  # every stated figure cited, with its page
            if row.value is not None:
                assert a.citations[row.citation].page, (q, row)


def test_a_standard_ranking_decides_no_report_on_the_spot(index_copy: Path) -> None:
    engine = Engine.open(index_copy)
    engine._decide = _fail
    a = engine.ask("哪个部门的公务接待费最多？")
    assert a.status == "answered" and a.chart == "bar"


def test_precompute_is_incremental(index_copy: Path) -> None:
    assert up_to_date(index_copy)  # a re-index that changed nothing need not open the engine
    again = Engine.open(index_copy).precompute()
    assert again.reports == 0 and again.lines == 0 and again.kept > 0


def test_a_frequent_question_is_decided_ahead_too(index_copy: Path) -> None:
    engine = Engine.open(index_copy)
    asked = "哪个部门的办公费最多？"  # not a standard figure
    assert engine.cross_local("区财政局和社工部的办公费谁多？") is None  # names departments
    done = engine.precompute(frequent=[asked, asked])
    assert done.reports == len(engine.reports()) and done.lines == done.reports
    live = Engine.open(index_copy)
    live.stored = None
    expected = live.ask(asked)
    engine._decide = _fail
    a = engine.ask(asked)
    assert (a.status, a.value, _rows(a)) == (expected.status, expected.value, _rows(expected))


def _fail(*args, **kwargs):
    raise AssertionError("a report was decided on the spot")


def test_lines_of_other_code_or_a_changed_report_are_not_used(
    index_copy: Path, tmp_path: Path
) -> None:
    engine = Engine.open(index_copy)
    info = engine.reports()[0]
    sig = min(_signatures(index_copy / FILE_NAME, info.id))
    assert engine.stored.lines(sig, [info])
    assert not engine.stored.lines(sig, [replace(info, sha256="0" * 64)])
    other = tmp_path / "index"
    other.mkdir()
    shutil.copyfile(index_copy / FILE_NAME, other / FILE_NAME)
    with closing(sqlite3.connect(other / FILE_NAME)) as db:
        db.execute("UPDATE meta SET value = 'other code' WHERE key = 'fingerprint'")
        db.commit()
    assert StoredLines.open(other) is None and not up_to_date(other)


def _signatures(path: Path, report_id: str) -> set[str]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT signature FROM lines WHERE report_id = ?", (report_id,))
        return {r[0] for r in rows}
