"""The registry of an index: which reports it holds (department, year, kind, scope) and the
departments with every name that names them, loaded without any report's contents.

Lookups are dictionaries keyed by department, (department, year, kind), year and alias, so
choosing the reports for a question costs the same at 14 reports as at 100,000.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from indexer.departments import (
    Department,
    NamingRules,
    abbreviations,
    default_rules,
    department_from_dict,
    merge_departments,
    parse_department,
)
from indexer.index import IndexMissingError, current_build
from indexer.store import scope_from_title


@dataclass(frozen=True)
class ReportRef:
    """One indexed report, as the registry knows it."""

    id: str
    department: str  # canonical name (see indexer.departments.canonical_name)
    printed_department: str  # as the report prints it
    year: int | None
    kind: str  # 预算 | 决算
    scope: str  # 部门 | 单位
    title: str

    def __repr__(self) -> str:
        return f"ReportRef({self.id} | {self.department} | {self.year} {self.scope}{self.kind})"


@dataclass(frozen=True)
class AliasEntry:
    """A department an alias may name, and how much of its region chain the alias omits."""

    department: str
    unnamed: int
    suffix_only: bool


class Registry:
    """Reports and departments of one index, with the lookups a router needs."""

    def __init__(self, reports: Iterable[ReportRef], departments: Iterable[Department]) -> None:
        self.reports: dict[str, ReportRef] = {r.id: r for r in reports}
        self.departments: dict[str, Department] = {d.name: d for d in departments}
        by_department: dict[str, list[ReportRef]] = defaultdict(list)
        by_slot: dict[tuple[str, int | None, str], list[ReportRef]] = defaultdict(list)
        by_year: dict[int | None, list[ReportRef]] = defaultdict(list)
        for r in sorted(self.reports.values(), key=_order):
            by_department[r.department].append(r)
            by_slot[(r.department, r.year, r.kind)].append(r)
            by_year[r.year].append(r)
        self.by_department = {k: tuple(v) for k, v in by_department.items()}
        self.by_slot = {k: tuple(v) for k, v in by_slot.items()}
        self.by_year = {k: tuple(v) for k, v in by_year.items()}
        aliases: dict[str, list[AliasEntry]] = defaultdict(list)
        regions: set[str] = set()
        for d in self.departments.values():
            if d.name not in self.by_department:
                continue
            for a in d.aliases:
                aliases[a.text].append(AliasEntry(d.name, a.unnamed, a.suffix_only))
            for r in d.regions:
                regions.update((r.name, r.stem))
        for generic, owners in _unique_generic_names(self.departments.values(), self.by_department):
            if generic not in aliases and len(owners) == 1:
                d = owners[0]
                aliases[generic].append(AliasEntry(d.name, len(d.regions), False))
        self.aliases = {k: tuple(v) for k, v in aliases.items()}
        self.max_alias_length = max((len(a) for a in self.aliases), default=0)
        self.region_words = frozenset(regions)  # 普陀区 and 普陀, 上海市 and 上海 ...

    def __len__(self) -> int:
        return len(self.reports)

    def __repr__(self) -> str:
        return (f"Registry({len(self.reports)} reports, {len(self.by_department)} departments, "
                f"years {self.years()})")  # fmt: skip

    def years(self, departments: Iterable[str] | None = None) -> list[int]:
        """The years indexed, for the given departments or for all."""
        if departments is None:
            return sorted(y for y in self.by_year if y is not None)
        return sorted(
            {r.year for d in departments for r in self.by_department.get(d, ()) if r.year}
        )

    def departments_in(self, year: int | None = None, kind: str | None = None) -> list[str]:
        """The departments with a report of that year (and kind), or every department."""
        refs = self.by_year.get(year, ()) if year is not None else self.reports.values()
        return sorted({r.department for r in refs if kind is None or r.kind == kind})

    @classmethod
    def from_rows(cls, rows: Iterable[dict], rules: NamingRules | None = None) -> Registry:
        """A registry from report rows (id, department as printed, year, kind, scope, title)."""
        rules = rules or default_rules()
        parsed: dict[str, Department] = {}  # by printed name
        merged: dict[str, Department] = {}  # by canonical name
        refs = []
        for row in rows:
            printed = row["printed_department"] or ""
            if printed not in parsed:
                dept = parsed[printed] = parse_department(printed, rules)
                known = merged.get(dept.name)
                merged[dept.name] = merge_departments(known, dept) if known else dept
            refs.append(ReportRef(row["report_id"], parsed[printed].name, printed, row["year"],
                                  row["kind"], row["scope"], row["title"]))  # fmt: skip
        return cls(refs, merged.values())

    @classmethod
    def open(cls, index_dir: Path, rules: NamingRules | None = None) -> Registry:
        """The registry of the current build of ``index_dir``."""
        build = current_build(Path(index_dir))
        if build is None:
            raise IndexMissingError(Path(index_dir))
        return cls.load(build / "store.sqlite", rules)

    @classmethod
    def load(cls, store_path: Path, rules: NamingRules | None = None) -> Registry:
        """Read the registry tables of an index's ``store.sqlite`` (two queries, no report
        contents); an index built before the registry existed is read from its reports."""
        rules = rules or default_rules()
        db = sqlite3.connect(f"file:{Path(store_path)}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if "report_registry" not in tables or not _count(db, "report_registry"):
                return cls.from_rows(_rows_of_reports(db), rules)  # an index built before
            rows = [dict(r) for r in db.execute("SELECT * FROM report_registry")]
            stored = db.execute("SELECT data, rules_version FROM departments").fetchall()
        finally:
            db.close()
        if any(r["rules_version"] != rules.version for r in stored):
            return cls.from_rows(rows, rules)  # naming rules changed since the build
        departments = [department_from_dict(json.loads(r["data"])) for r in stored]
        refs = [
            ReportRef(r["report_id"], r["department"], r["printed_department"] or "", r["year"],
                      r["kind"], r["scope"], r["title"])
            for r in rows
        ]  # fmt: skip
        return cls(refs, departments)


def _order(r: ReportRef) -> tuple:
    return (r.department, r.year or 0, r.kind, r.scope, r.id)


def _rows_of_reports(db: sqlite3.Connection) -> list[dict]:
    return [
        {"report_id": r["id"], "printed_department": r["department"], "year": r["year"],
         "kind": r["kind"], "scope": scope_from_title(r["title"]), "title": r["title"]}
        for r in db.execute("SELECT id, department, year, kind, title FROM reports")
    ]  # fmt: skip


def _count(db: sqlite3.Connection, table: str) -> int:
    return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


MIN_GENERIC_ALIAS = 4  # 政协办公厅: a generic name long enough not to stand inside a row label


def _unique_generic_names(
    departments: Iterable[Department], indexed: dict
) -> list[tuple[str, list[Department]]]:
    """Generic names (政协办公厅, 人大常委会办公厅) of the indexed departments, with the
    departments bearing each: one that only one indexed department bears names it."""
    rules = default_rules()
    owners: dict[str, list[Department]] = defaultdict(list)
    for d in departments:
        if d.name not in indexed:
            continue
        for form in abbreviations(d.body + d.organ, rules):
            if form in rules.generic and len(form) >= MIN_GENERIC_ALIAS:
                owners[form].append(d)
    return list(owners.items())
