"""The ``facts``, ``fact_blobs`` and ``phrases`` tables of the SQLite store: one row per
Fact, read back exactly; one blob per report holding its facts with their compared forms
(what the QA engine loads); one row per distinct phrase of a report (:attr:`Fact.phrase`) with its
jieba tokens.

Values are stored as their exact decimal string; paths as JSON (``ensure_ascii=False``).
Each fact row names its phrase (``phrase_id``); the phrase id is also the id of the phrase's
vector in the build's FAISS index, so facts of one subject share one vector.

A report's blob is one read instead of a row per fact: a zlib-compressed pickle of one
record per fact (the fact's fields after ``report_id``, then its :class:`FactForms`) and the
report's labels, written by this module from facts it has just made (the store is trusted
like the document cache).
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from indexer.fact_forms import FactForms, fact_forms, fact_labels
from indexer.facts import Fact
from indexer.phrase_tokens import join_tokens, split_tokens, tokenize

SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (
    id TEXT, report_id TEXT, seq INTEGER, origin TEXT, row TEXT, col TEXT, measure TEXT,
    period TEXT, value TEXT, text TEXT, unit TEXT, page INTEGER, bbox TEXT, locator TEXT,
    quote TEXT, context TEXT, table_kind TEXT, code TEXT, base TEXT, source_path TEXT,
    total INTEGER, phrase_id INTEGER
);
CREATE INDEX IF NOT EXISTS facts_report ON facts(report_id, seq);
CREATE TABLE IF NOT EXISTS fact_blobs (report_id TEXT PRIMARY KEY, data BLOB);
CREATE TABLE IF NOT EXISTS phrases (
    id INTEGER PRIMARY KEY, report_id TEXT, text TEXT, tokens TEXT, UNIQUE(report_id, text)
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
    for report_id in dict.fromkeys(f.report_id for f in facts):
        _write_blob(db, report_id, [f for f in facts if f.report_id == report_id])
    return len(rows)


_FACT_FIELDS = tuple(f.name for f in fields(Fact))[1:]  # after report_id
_N_FIELDS = len(_FACT_FIELDS)
_MEASURE = _FACT_FIELDS.index("measure")
_BLOB_LEVEL = 6  # zlib: a report's blob is ~40 KB per 1,000 facts


def _write_blob(db: sqlite3.Connection, report_id: str, facts: list[Fact]) -> None:
    stored = FactRecords.of(report_id, facts)
    data = pickle.dumps((stored.records, list(stored.labels)), protocol=pickle.HIGHEST_PROTOCOL)
    db.execute(
        "INSERT OR REPLACE INTO fact_blobs(report_id, data) VALUES (?, ?)",
        (report_id, zlib.compress(data, _BLOB_LEVEL)),
    )


def _record(fact: Fact) -> tuple:
    forms = fact_forms(fact)
    return (*(getattr(fact, name) for name in _FACT_FIELDS),
            forms.subject, forms.leaf, forms.context, forms.scope)  # fmt: skip


@dataclass(frozen=True)
class FactRecords:
    """One report's facts as stored in its blob: a record per fact (its fields and compared
    forms, in reading order) and the report's labels. Facts are made on demand."""

    report_id: str
    records: list[tuple]
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.records)

    def fact(self, i: int) -> Fact:
        return Fact(self.report_id, *self.records[i][:_N_FIELDS])

    def forms(self, i: int) -> FactForms:
        return FactForms(*self.records[i][_N_FIELDS:])

    def measure(self, i: int) -> str:
        return self.records[i][_MEASURE]

    def subjects_and_contexts(self) -> list[tuple[str, str]]:
        """(subject, context) compared forms of every fact, in order."""
        s, c = _N_FIELDS, _N_FIELDS + 2
        return [(r[s], r[c]) for r in self.records]

    @classmethod
    def of(cls, report_id: str, facts: list[Fact]) -> FactRecords:
        """Records made from facts in memory (as :func:`read_fact_records` would read them)."""
        return cls(report_id, [_record(f) for f in facts], tuple(sorted(fact_labels(facts))))


def read_fact_records(db: sqlite3.Connection, report_id: str) -> FactRecords | None:
    """One report's blob (None when the report has no facts)."""
    row = db.execute("SELECT data FROM fact_blobs WHERE report_id=?", (report_id,)).fetchone()
    if row is None:
        return None
    records, labels = pickle.loads(zlib.decompress(row[0]))
    return FactRecords(report_id, records, tuple(labels))


def _phrase_ids(db: sqlite3.Connection, facts: list[Fact]) -> dict[tuple[str, str], int]:
    """(report id, phrase) → phrase id, adding the phrases not stored yet (in fact order, so
    one report's phrases get consecutive ids)."""
    keys = list(dict.fromkeys((f.report_id, f.phrase) for f in facts))
    db.executemany(
        "INSERT OR IGNORE INTO phrases(report_id, text, tokens) VALUES (?,?,?)",
        [(report_id, text, join_tokens(tokenize(text))) for report_id, text in keys],
    )
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


def read_phrase_tokens(db: sqlite3.Connection, report_id: str) -> list[list[str]]:
    """The jieba tokens of each of one report's phrases, in :func:`read_phrases` order."""
    cur = db.execute("SELECT tokens FROM phrases WHERE report_id=? ORDER BY id", (report_id,))
    return [split_tokens(r[0]) for r in cur]


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
