"""The ``facts`` and ``phrases`` tables of the SQLite store: one row per Fact, read back
exactly, and one row per distinct phrase of a report (:attr:`Fact.phrase`).

Values are stored as their exact decimal string; paths as JSON (``ensure_ascii=False``).
Each fact row names its phrase (``phrase_id``); the phrase id is also the id of the phrase's
vector in the build's FAISS index, so facts of one subject share one vector.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from decimal import Decimal

from indexer.facts import Fact

SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (
    id TEXT, report_id TEXT, seq INTEGER, origin TEXT, row TEXT, col TEXT, measure TEXT,
    period TEXT, value TEXT, text TEXT, unit TEXT, page INTEGER, bbox TEXT, locator TEXT,
    quote TEXT, context TEXT, table_kind TEXT, code TEXT, base TEXT, source_path TEXT,
    total INTEGER, phrase_id INTEGER
);
CREATE INDEX IF NOT EXISTS facts_report ON facts(report_id, seq);
CREATE TABLE IF NOT EXISTS phrases (
    id INTEGER PRIMARY KEY, report_id TEXT, text TEXT, UNIQUE(report_id, text)
);
"""
_COLUMNS = (
    "id, report_id, seq, origin, row, col, measure, period, value, text, unit, page, bbox,"
    " locator, quote, context, table_kind, code, base, source_path, total"
)


def _j(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def write_facts(db: sqlite3.Connection, facts: Iterable[Fact]) -> int:
    """Insert facts in order, each with the id of its report's phrase; returns how many."""
    facts = list(facts)
    phrase_ids = _phrase_ids(db, facts)
    rows = [
        (
            f.id, f.report_id, seq, f.origin, _j(list(f.row)), _j(list(f.column)), f.measure,
            f.period, format(f.value, "f"), f.text, f.unit, f.page,
            _j(list(f.bbox)) if f.bbox else None, f.locator, f.quote, _j(list(f.context)),
            f.table_kind, f.code, _j(list(f.base)), f.source_path, int(f.total),
            phrase_ids[(f.report_id, f.phrase)],
        )
        for seq, f in enumerate(facts)
    ]  # fmt: skip
    db.executemany(f"INSERT INTO facts({_COLUMNS}, phrase_id) VALUES ({','.join('?' * 22)})", rows)
    return len(rows)


def _phrase_ids(db: sqlite3.Connection, facts: list[Fact]) -> dict[tuple[str, str], int]:
    """(report id, phrase) → phrase id, adding the phrases not stored yet (in fact order, so
    one report's phrases get consecutive ids)."""
    keys = list(dict.fromkeys((f.report_id, f.phrase) for f in facts))
    db.executemany("INSERT OR IGNORE INTO phrases(report_id, text) VALUES (?,?)", keys)
    out: dict[tuple[str, str], int] = {}
    for report_id in {k[0] for k in keys}:
        cur = db.execute("SELECT id, text FROM phrases WHERE report_id=?", (report_id,))
        out.update(((report_id, text), pid) for pid, text in cur)
    return out


def read_phrases(db: sqlite3.Connection, report_id: str | None = None) -> list[tuple[int, str]]:
    """(phrase id, text) of one report's phrases, or of every report's, in id order."""
    if report_id is None:
        return list(db.execute("SELECT id, text FROM phrases ORDER BY id"))
    cur = db.execute("SELECT id, text FROM phrases WHERE report_id=? ORDER BY id", (report_id,))
    return list(cur)


def read_phrase_ids(db: sqlite3.Connection, report_id: str) -> list[int]:
    """The phrase id of each of one report's facts, in the order :func:`read_facts` gives."""
    cur = db.execute("SELECT phrase_id FROM facts WHERE report_id=? ORDER BY seq", (report_id,))
    return [r[0] for r in cur]


def read_facts(db: sqlite3.Connection, report_id: str) -> list[Fact]:
    """One report's facts, in the order they were written."""
    cur = db.execute(f"SELECT {_COLUMNS} FROM facts WHERE report_id=? ORDER BY seq", (report_id,))
    return [_fact(r) for r in cur]


def _fact(r: tuple) -> Fact:
    (_, report_id, _, origin, row, col, measure, period, value, text, unit, page, bbox,
     locator, quote, context, table_kind, code, base, source_path, total) = r  # fmt: skip
    return Fact(
        report_id=report_id,
        origin=origin,
        row=tuple(json.loads(row)),
        column=tuple(json.loads(col)),
        measure=measure,
        period=period,
        value=Decimal(value),
        text=text,
        unit=unit,
        page=page,
        bbox=tuple(json.loads(bbox)) if bbox else None,
        locator=locator,
        quote=quote,
        context=tuple(json.loads(context)),
        table_kind=table_kind,
        code=code,
        base=tuple(json.loads(base)),
        source_path=source_path,
        total=bool(total),
    )
