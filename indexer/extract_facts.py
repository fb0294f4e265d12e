"""Every figure of a report as facts: table cells, appendix records and (narrative) sentences."""

from __future__ import annotations

import re

from indexer.cell_facts import cell_facts
from indexer.compared_text import normalize
from indexer.facts import Fact
from indexer.list_facts import list_facts
from indexer.model import Report
from indexer.performance import ProjectPerformance, UnitPerformance
from indexer.record_facts import project_facts, unit_facts
from indexer.sentence_absence import ABSENCE
from indexer.sentence_facts import sentence_facts


def extract_facts(
    report: Report, units: list[UnitPerformance], projects: list[ProjectPerformance]
) -> list[Fact]:
    """Facts: tables (cells), then 绩效 records, then the narrative's sentences."""
    tables = {t.id: t for t in report.tables}
    facts: list[Fact] = []
    for table in report.tables:
        facts += cell_facts(report, table)
    for unit in units:
        facts += unit_facts(report, tables[unit.table_id], unit)
    for project in projects:
        facts += project_facts(report, tables[project.table_id], project)
    return facts + _not_contradicted(sentence_facts(report), facts) + list_facts(report)


_MEASURE_TAIL = re.compile(r"(?:预算数|决算数|预算|决算)$")
_YEAR_HEAD = re.compile(r"^20\d{2}年度?")


def _not_contradicted(said: list[Fact], cells: list[Fact]) -> list[Fact]:
    """Sentence facts without the absences a table on the same page contradicts with a printed
    figure: "注：本部门2024年无“三公”经费和机关运行经费预算，故本表为空表" under a table that
    prints 47.91 and 443.18 is a template note left standing, not a 0."""
    printed = {
        (f.page, _bare(label)) for f in cells if not f.empty and f.value
        for label in (*f.row, *f.column)
    }  # fmt: skip
    return [
        f for f in said
        if not (ABSENCE.fullmatch(f.text) and any((f.page, _bare(r)) in printed for r in f.row))
    ]  # fmt: skip


def _bare(label: str) -> str:
    return _MEASURE_TAIL.sub("", _YEAR_HEAD.sub("", normalize(label)))
