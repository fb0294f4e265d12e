"""Every figure of a report as facts: table cells, appendix records and (narrative) sentences."""

from __future__ import annotations

from indexer.cell_facts import cell_facts
from indexer.facts import Fact
from indexer.list_facts import list_facts
from indexer.model import Report
from indexer.performance import ProjectPerformance, UnitPerformance
from indexer.record_facts import project_facts, unit_facts
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
    return facts + sentence_facts(report) + list_facts(report)
