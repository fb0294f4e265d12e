"""The indexed reports loaded into memory for fast deterministic lookups.

Rows with their cells, performance records and paragraphs come from the SQLite store once at
start-up; every lookup afterwards is plain Python over a few thousand objects.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from indexer.store import ReportInfo, Store
from qa.understand import normalize

_ENUM_PREFIX = re.compile(
    r"^(其中[:：]?)?([一二三四五六七八九十]+[、.]|\d+[、.．]|[（(]\d+[)）]|[（(][一二三四五六七八九十]+[)）])*"
)
_DOC_NUMBER = re.compile(r"[(（]?[\u4e00-\u9fa5]{0,4}财\S{0,3}\[\d{4}\]\d+号[)）]?")


def label_key(label: str) -> str:
    """A row label without enumerators (`其中：（1）`, `一、`) or the default `本年` prefix
    (本年收入合计 → 收入合计), in normalised form."""
    key = normalize(label)
    prev = None
    while prev != key:
        prev = key
        key = _ENUM_PREFIX.sub("", key)
    return key[2:] if key.startswith("本年") and len(key) > 4 else key


def name_key(name: str) -> str:
    """A project name without document numbers (`朝财指环[2024]678号`)."""
    return _DOC_NUMBER.sub("", normalize(name)).rstrip("-")


@dataclass
class TableRec:
    id: int
    report_id: str
    kind: str | None
    code: str | None
    title: str
    unit: str | None

    @property
    def name(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title


@dataclass
class RowRec:
    id: int
    table: TableRec
    label: str
    key: str
    code: str | None
    parent_code: str | None
    group: str | None
    page: int | None
    quote: str
    cells: list[CellRec] = field(default_factory=list)
    ancestors: list[str] = field(default_factory=list)  # normalised labels of parent codes


@dataclass
class FigureRec:
    """A printed figure with where it stands."""

    text: str
    value: Decimal | None
    unit: str | None
    page: int | None
    bbox: tuple | None


@dataclass
class CellRec(FigureRec):
    """A table cell: a figure under a column."""

    column_path: str = ""
    leaf: str = ""


@dataclass
class ProjectRec:
    report_id: str
    table: TableRec
    name: str
    key: str
    implementer: str | None
    page: int | None
    figures: dict[str, FigureRec]  # budget, executed, rate, score


@dataclass
class UnitRec:
    report_id: str
    table: TableRec
    name: str
    key: str
    page: int | None
    figures: dict[str, FigureRec]  # budget_income, budget_expenditure, score


@dataclass
class ParagraphRec:
    report_id: str
    text: str
    section: list[str]
    page: int | None
    bbox: tuple | None


@dataclass
class ReportKnowledge:
    info: ReportInfo
    rows: list[RowRec] = field(default_factory=list)
    projects: list[ProjectRec] = field(default_factory=list)
    units: list[UnitRec] = field(default_factory=list)
    paragraphs: list[ParagraphRec] = field(default_factory=list)


def _fig(raw: str | None) -> FigureRec | None:
    if not raw:
        return None
    d = json.loads(raw)
    bbox = tuple(d["bbox"]) if d.get("bbox") else None
    value = Decimal(d["value"]) if d.get("value") is not None else None
    return FigureRec(d["text"], value, d.get("unit"), d.get("page"), bbox)


def _bbox(raw: str | None) -> tuple | None:
    return tuple(json.loads(raw)) if raw else None


def load_knowledge(store: Store) -> dict[str, ReportKnowledge]:
    """Every report of the store as in-memory records, by report id."""
    db = store.db
    out = {i.id: ReportKnowledge(i) for i in store.reports()}
    tables = {
        r["id"]: TableRec(r["id"], r["report_id"], r["kind"], r["code"], r["title"], r["unit"])
        for r in db.execute("SELECT * FROM tables")
    }
    rows: dict[int, RowRec] = {}
    for r in db.execute("SELECT * FROM rows ORDER BY table_id, seq"):
        rows[r["id"]] = RowRec(
            r["id"], tables[r["table_id"]], r["label"], label_key(r["label"]), r["code"],
            r["parent_code"], r["grp"], r["page"], r["quote"],
        )  # fmt: skip
    for c in db.execute("SELECT * FROM cells ORDER BY id"):
        rows[c["row_id"]].cells.append(
            CellRec(
                c["text"], Decimal(c["value"]) if c["value"] is not None else None,
                c["unit"], c["page"], _bbox(c["bbox"]), c["column_path"], c["leaf"],
            )
        )  # fmt: skip
    by_code: dict[tuple[int, str], RowRec] = {
        (r.table.id, r.code): r for r in rows.values() if r.code
    }
    for r in rows.values():
        parent = r.parent_code
        while parent and (p := by_code.get((r.table.id, parent))):
            r.ancestors.append(p.key)
            parent = p.parent_code
        if r.table.kind not in ("unit_perf", "project_perf"):
            out[r.table.report_id].rows.append(r)
    for r in db.execute("SELECT * FROM project_performance ORDER BY id"):
        figs = {k: _fig(r[k]) for k in ("budget", "executed", "rate", "score")}
        out[r["report_id"]].projects.append(
            ProjectRec(
                r["report_id"], tables[r["table_id"]], r["name"], name_key(r["name"]),
                r["implementer"], r["page"], {k: v for k, v in figs.items() if v},
            )
        )  # fmt: skip
    for r in db.execute("SELECT * FROM unit_performance ORDER BY id"):
        figs = {k: _fig(r[k]) for k in ("budget_income", "budget_expenditure", "score")}
        out[r["report_id"]].units.append(
            UnitRec(
                r["report_id"], tables[r["table_id"]], r["unit_name"], normalize(r["unit_name"]),
                r["page"], {k: v for k, v in figs.items() if v},
            )
        )  # fmt: skip
    for r in db.execute("SELECT * FROM paragraphs ORDER BY report_id, seq"):
        out[r["report_id"]].paragraphs.append(
            ParagraphRec(
                r["report_id"],
                r["text"],
                json.loads(r["section"] or "[]"),
                r["page"],
                _bbox(r["bbox"]),
            )
        )
    return out
