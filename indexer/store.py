"""SQLite store of reports, tables, rows, cells, performance records, paragraphs, facts and
their phrases.

Figures are stored as the exact strings the report prints plus the exact decimal string
(``value``), never as floats. One store holds several reports.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from indexer.departments import (
    NamingRules,
    default_rules,
    department_to_dict,
    merge_departments,
    parse_department,
)
from indexer.fact_table import SCHEMA as FACTS_SCHEMA
from indexer.fact_table import (
    FactRecords,
    read_fact_records,
    read_facts,
    read_phrase_ids,
    read_phrase_tokens,
    read_phrases,
    write_facts,
)
from indexer.facts import Fact
from indexer.model import Report, SourceFile
from indexer.numbers import format_decimal
from indexer.performance import Figure, ProjectPerformance, UnitPerformance

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, department TEXT, year INTEGER, kind TEXT, title TEXT,
    source_path TEXT, sha256 TEXT UNIQUE, format TEXT, page_count INTEGER,
    indexed_at TEXT DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS tables (
    id INTEGER PRIMARY KEY, report_id TEXT, seq INTEGER, kind TEXT, code TEXT, title TEXT,
    unit TEXT, department_line TEXT, page_start INTEGER, page_end INTEGER, section TEXT,
    columns TEXT
);
CREATE TABLE IF NOT EXISTS rows (
    id INTEGER PRIMARY KEY, table_id INTEGER, report_id TEXT, seq INTEGER, label TEXT,
    code TEXT, parent_code TEXT, grp TEXT, page INTEGER, bbox TEXT, quote TEXT,
    source_path TEXT
);
CREATE TABLE IF NOT EXISTS cells (
    id INTEGER PRIMARY KEY, row_id INTEGER, table_id INTEGER, report_id TEXT,
    column_path TEXT, leaf TEXT, text TEXT, value TEXT, unit TEXT, page INTEGER, bbox TEXT
);
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY, report_id TEXT, seq INTEGER, section TEXT, text TEXT,
    page INTEGER, bbox TEXT, source_path TEXT
);
CREATE TABLE IF NOT EXISTS report_files (
    report_id TEXT, seq INTEGER, path TEXT, sha256 TEXT, format TEXT, page_count INTEGER
);
CREATE TABLE IF NOT EXISTS unit_performance (
    id INTEGER PRIMARY KEY, report_id TEXT, table_id INTEGER, unit_code TEXT, unit_name TEXT,
    name_line TEXT, budget_income TEXT, budget_expenditure TEXT, score TEXT, page INTEGER,
    tasks TEXT
);
CREATE TABLE IF NOT EXISTS project_performance (
    id INTEGER PRIMARY KEY, report_id TEXT, table_id INTEGER, name TEXT, department TEXT,
    implementer TEXT, budget TEXT, executed TEXT, rate TEXT, score TEXT,
    indicator_score TEXT, execution_score TEXT, deduction TEXT, page INTEGER, indicators TEXT
);
CREATE TABLE IF NOT EXISTS report_registry (
    report_id TEXT PRIMARY KEY, department TEXT, printed_department TEXT, year INTEGER,
    kind TEXT, scope TEXT, title TEXT
);
CREATE TABLE IF NOT EXISTS departments (
    name TEXT PRIMARY KEY, level TEXT, region TEXT, data TEXT, rules_version INTEGER
);
CREATE INDEX IF NOT EXISTS registry_slot ON report_registry(department, year, kind);
CREATE INDEX IF NOT EXISTS cells_row ON cells(row_id);
CREATE INDEX IF NOT EXISTS rows_table ON rows(table_id);
"""
# columns added after the first stores were built: (table, column, type)
_ADDED_COLUMNS = [
    ("rows", "source_path", "TEXT"), ("paragraphs", "source_path", "TEXT"),
    ("facts", "phrase_id", "INTEGER"),
]  # fmt: skip


_UNIT_TITLE = re.compile(r"单位(?:预算|决算)$")


def scope_from_title(title: str | None) -> str:
    """单位 or 部门, read from a report title such as '上海市财政局 2025年度单位预算'."""
    return "单位" if _UNIT_TITLE.search(title or "") else "部门"


def _j(obj: object) -> str | None:
    return None if obj is None else json.dumps(obj, ensure_ascii=False)


def _fig(f: Figure | None) -> str | None:
    """A figure as JSON: printed text, exact value, unit, page, bbox."""
    if f is None:
        return None
    value = format_decimal(f.value) if f.value is not None else None
    return _j({"text": f.text, "value": value, "unit": f.unit, "page": f.page, "bbox": f.bbox})


@dataclass
class ReportInfo:
    """A summary line of what an index holds."""

    id: str
    department: str
    year: int | None
    kind: str
    title: str
    source_path: str
    sha256: str
    format: str
    pages: int | None
    tables: int
    facts: int


class Store:
    """A SQLite file holding every report of one index."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA + FACTS_SCHEMA)
        for table, column, kind in _ADDED_COLUMNS:
            have = {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def close(self) -> None:
        self.db.close()

    def remove_report(self, report_id: str) -> None:
        """Delete one report and everything that belongs to it."""
        for table in (
            "cells", "rows", "tables", "paragraphs", "unit_performance",
            "project_performance", "facts", "fact_blobs", "phrases", "report_files",
            "report_registry",
        ):  # fmt: skip
            self.db.execute(f"DELETE FROM {table} WHERE report_id=?", (report_id,))
        self.db.execute("DELETE FROM reports WHERE id=?", (report_id,))

    def add_report(
        self,
        report: Report,
        units: list[UnitPerformance],
        projects: list[ProjectPerformance],
    ) -> None:
        """Insert a report with its tables, paragraphs and performance records."""
        db = self.db
        rid = report.id
        db.execute(
            "INSERT INTO reports(id, department, year, kind, title, source_path, sha256, format,"
            " page_count) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                rid, report.department, report.year, report.kind, report.title,
                report.source_path, report.sha256, report.format, report.page_count,
            ),
        )  # fmt: skip
        files = report.files or [
            SourceFile(report.source_path, report.sha256, report.format, report.page_count)
        ]
        db.executemany(
            "INSERT INTO report_files(report_id, seq, path, sha256, format, page_count)"
            " VALUES (?,?,?,?,?,?)",
            [(rid, i, f.path, f.sha256, f.format, f.page_count) for i, f in enumerate(files)],
        )
        db.execute(
            "INSERT INTO report_registry(report_id, printed_department, year, kind, scope, title)"
            " VALUES (?,?,?,?,?,?)",
            (rid, report.department, report.year, report.kind, report.scope, report.title),
        )
        table_ids: dict[int, int] = {}
        for t in report.tables:
            cur = db.execute(
                "INSERT INTO tables(report_id, seq, kind, code, title, unit, department_line,"
                " page_start, page_end, section, columns) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    rid, t.id, t.kind, t.code, t.title, t.unit, t.department_line,
                    t.page_start, t.page_end, _j(list(t.section)), _j([list(c) for c in t.columns]),
                ),
            )  # fmt: skip
            table_ids[t.id] = tid = cur.lastrowid
            codes = {r.code for r in t.rows if r.code}
            for row in t.rows:
                parent = _parent_code(row.code, codes)
                cur = db.execute(
                    "INSERT INTO rows(table_id, report_id, seq, label, code, parent_code, grp,"
                    " page, bbox, quote, source_path) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        tid, rid, row.index, row.label, row.code, parent, row.group, row.page,
                        _j(row.bbox), row.quote(), t.source_path or report.source_path,
                    ),
                )  # fmt: skip
                row_id = cur.lastrowid
                db.executemany(
                    "INSERT INTO cells(row_id, table_id, report_id, column_path, leaf, text, value,"
                    " unit, page, bbox) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            row_id, tid, rid, c.column_path, c.column[-1] if c.column else "",
                            c.text, format_decimal(c.value) if c.value is not None else None,
                            c.unit, c.page, _j(c.bbox),
                        )
                        for c in row.cells
                    ],
                )  # fmt: skip
        db.executemany(
            "INSERT INTO paragraphs(report_id, seq, section, text, page, bbox, source_path)"
            " VALUES (?,?,?,?,?,?,?)",
            [
                (
                    rid, i, _j(list(p.section)), p.text, p.page, _j(p.bbox),
                    p.source_path or report.source_path,
                )
                for i, p in enumerate(report.paragraphs)
            ],
        )  # fmt: skip
        for u in units:
            tasks = [
                {"name": k.name, "planned": _fig(k.planned), "executed": _fig(k.executed),
                 "rate": _fig(k.rate), "score": _fig(k.score)}
                for k in u.tasks
            ]  # fmt: skip
            db.execute(
                "INSERT INTO unit_performance(report_id, table_id, unit_code, unit_name, name_line,"
                " budget_income, budget_expenditure, score, page, tasks)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    rid, table_ids[u.table_id], u.code, u.name, u.name_line,
                    _fig(u.budget_income), _fig(u.budget_expenditure), _fig(u.score), u.page,
                    _j(tasks),
                ),
            )  # fmt: skip
        for p in projects:
            indicators = [
                {"name": i.name, "texts": i.texts, "weight": _fig(i.weight), "score": _fig(i.score)}
                for i in p.indicators
            ]
            db.execute(
                "INSERT INTO project_performance(report_id, table_id, name, department,"
                " implementer, budget, executed, rate, score, indicator_score, execution_score,"
                " deduction, page, indicators) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    rid, table_ids[p.table_id], p.name, p.department, p.implementer,
                    _fig(p.budget), _fig(p.executed), _fig(p.rate), _fig(p.score),
                    _fig(p.indicator_score), _fig(p.execution_score), _fig(p.deduction), p.page,
                    _j(indicators),
                ),
            )  # fmt: skip

    def reports_with_unit(self, name: str) -> set[str]:
        """Ids of the reports that list a unit (or a project's implementer) of that name."""
        like = f"%{name}%"
        rows = self.db.execute(
            "SELECT report_id FROM unit_performance WHERE unit_name LIKE ?"
            " UNION SELECT report_id FROM project_performance WHERE implementer LIKE ?",
            (like, like),
        )
        return {r[0] for r in rows}

    def add_facts(self, facts: list[Fact]) -> int:
        """Store a report's facts and their phrases (see :mod:`indexer.fact_table`)."""
        return write_facts(self.db, facts)

    def facts(self, report_id: str) -> list[Fact]:
        """One report's facts, in reading order."""
        return read_facts(self.db, report_id)

    def fact_records(self, report_id: str) -> FactRecords:
        """One report's facts with their compared forms, in one read (see
        :class:`indexer.fact_table.FactRecords`)."""
        return read_fact_records(self.db, report_id) or FactRecords(report_id, [], ())

    def phrases(self, report_id: str | None = None) -> list[tuple[int, str]]:
        """(phrase id, text) of one report's fact phrases, or of every report's, in id order."""
        return read_phrases(self.db, report_id)

    def phrase_tokens(self, report_id: str) -> list[list[str]]:
        """The jieba tokens of each of one report's phrases, in :meth:`phrases` order."""
        return read_phrase_tokens(self.db, report_id)

    def fact_phrase_ids(self, report_id: str) -> list[int]:
        """The phrase id of each of one report's facts, in :meth:`facts` order."""
        return read_phrase_ids(self.db, report_id)

    def commit(self) -> None:
        self.db.commit()

    def reports(self) -> list[ReportInfo]:
        """Every report in the store with its table and fact counts."""
        rows = self.db.execute(
            "SELECT r.*, (SELECT COUNT(*) FROM tables t WHERE t.report_id=r.id) AS n_tables,"
            " (SELECT COUNT(*) FROM facts f WHERE f.report_id=r.id) AS n_facts"
            " FROM reports r ORDER BY r.department, r.year, r.kind"
        ).fetchall()
        return [
            ReportInfo(
                r["id"], r["department"], r["year"], r["kind"], r["title"], r["source_path"],
                r["sha256"], r["format"], r["page_count"], r["n_tables"], r["n_facts"],
            )
            for r in rows
        ]  # fmt: skip

    def report_files(self) -> dict[str, list[tuple[str, str]]]:
        """Report id → (path, sha256) of every file it was read from, in reading order."""
        files: dict[str, list[tuple[str, str]]] = {}
        for r in self.db.execute(
            "SELECT report_id, path, sha256 FROM report_files ORDER BY report_id, seq"
        ):
            files.setdefault(r[0], []).append((r[1], r[2]))
        for r in self.db.execute("SELECT id, source_path, sha256 FROM reports"):
            files.setdefault(r[0], [(r[1], r[2])])  # stores built before report_files
        return files

    def refresh_registry(self, rules: NamingRules | None = None) -> None:
        """Derive the registry of reports and their departments from the ``reports`` rows.

        Every printed department name is mapped to its canonical name (中共江苏省委办公厅
        and 江苏省委办公厅 are one department) and the ``departments`` table is rewritten
        with each department's regions, level and short names. Reports indexed before the
        registry existed get a row, their scope read from the title.
        """
        rules = rules or default_rules()
        db = self.db
        for r in db.execute(
            "SELECT id, department, year, kind, title FROM reports"
            " WHERE id NOT IN (SELECT report_id FROM report_registry)"
        ).fetchall():
            scope = scope_from_title(r["title"])
            db.execute(
                "INSERT INTO report_registry(report_id, printed_department, year, kind, scope,"
                " title) VALUES (?,?,?,?,?,?)",
                (r["id"], r["department"], r["year"], r["kind"], scope, r["title"]),
            )
        db.execute("DELETE FROM departments")
        printed = [
            r[0] for r in db.execute("SELECT DISTINCT printed_department FROM report_registry")
        ]
        departments = {}
        for name in printed:
            dept = parse_department(name or "", rules)
            known = departments.get(dept.name)
            departments[dept.name] = merge_departments(known, dept) if known else dept
            db.execute(
                "UPDATE report_registry SET department=? WHERE printed_department IS ?",
                (dept.name, name),
            )
        db.executemany(
            "INSERT INTO departments(name, level, region, data, rules_version) VALUES (?,?,?,?,?)",
            [
                (d.name, d.level, d.region, _j(department_to_dict(d)), rules.version)
                for d in departments.values()
            ],
        )

    def registry_rows(self) -> list[sqlite3.Row]:
        """(report_id, department, printed_department, year, kind, scope, title) per report."""
        return self.db.execute("SELECT * FROM report_registry ORDER BY report_id").fetchall()

    def department_rows(self) -> list[sqlite3.Row]:
        """(name, level, region, data, rules_version) per department."""
        return self.db.execute("SELECT * FROM departments ORDER BY name").fetchall()


def _parent_code(code: str | None, codes: set[str]) -> str | None:
    """The longest other code of the same table that prefixes ``code`` (208 › 20805 › 2080501)."""
    if not code:
        return None
    best = None
    for c in codes:
        if c != code and code.startswith(c) and (best is None or len(c) > len(best)):
            best = c
    return best
