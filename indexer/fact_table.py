"""The ``facts`` table of the SQLite store: one row per Fact, read back exactly.

Values are stored as their exact decimal string; paths as JSON (``ensure_ascii=False``).
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
    total INTEGER
);
CREATE INDEX IF NOT EXISTS facts_report ON facts(report_id, seq);
"""
_COLUMNS = (
    "id, report_id, seq, origin, row, col, measure, period, value, text, unit, page, bbox,"
    " locator, quote, context, table_kind, code, base, source_path, total"
)


def _j(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def write_facts(db: sqlite3.Connection, facts: Iterable[Fact]) -> int:
    """Insert facts in order; returns how many."""
    rows = [
        (
            f.id, f.report_id, seq, f.origin, _j(list(f.row)), _j(list(f.column)), f.measure,
            f.period, format(f.value, "f"), f.text, f.unit, f.page,
            _j(list(f.bbox)) if f.bbox else None, f.locator, f.quote, _j(list(f.context)),
            f.table_kind, f.code, _j(list(f.base)), f.source_path, int(f.total),
        )
        for seq, f in enumerate(facts)
    ]  # fmt: skip
    db.executemany(f"INSERT INTO facts({_COLUMNS}) VALUES ({','.join('?' * 21)})", rows)
    return len(rows)


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
