"""Cross-report lines decided ahead of the question.

A ranking, a total or a table over all departments needs one line per report; deciding 500
reports on the spot takes seconds. After an index build, every report's line for the
standard figures (``glossary.json`` › ``standard_figures``, each plain and as 预算 / 决算) is
decided by the engine itself and stored in ``lines.sqlite`` beside the index, keyed by the
question's frame signature and the report (id and content hash). A cross-report question
whose frame has the same signature reads its lines from there; any other question, or a
report not stored, is decided as before.

The stored lines are a cache of the engine's own decisions: the file records a fingerprint
of the code and data that decide (``qa/*.py``, ``qa/*.json``), and a file with another
fingerprint is not used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from indexer.index import current_build
from indexer.store import ReportInfo
from qa.answer import Citation
from qa.cross_report import Line
from qa.frame import Frame
from qa.routing import asked_years
from qa.vocabulary import glossary

log = logging.getLogger(__name__)
FILE_NAME = "lines.sqlite"
LOOKUP_OPERATIONS = ("max", "min", "sum", "which")  # done over reports, not inside one
MEASURE_WORDS = ("", "预算", "决算")  # each standard figure plain, as budget, as actual

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS lines (
    signature TEXT, report_id TEXT, sha256 TEXT, value TEXT, unit TEXT, label TEXT,
    citation TEXT, PRIMARY KEY (signature, report_id)
);
"""


def signature(frame: Frame) -> str:
    """What decides a report's line for a question: its content words (and whether each is
    asked or excluded), whether a year is named (only the report's own year is looked up),
    measures, period, unit, numbers and conditions — not the wording around them, nor an
    operation done over the reports."""
    operation = None if frame.operation in LOOKUP_OPERATIONS else frame.operation
    head = frame.head
    return json.dumps(
        [
            [(t.text, t.negated, t.asked) for t in frame.terms],
            head.text if head else None,
            bool(frame.years),
            list(frame.measures),
            frame.period,
            operation,
            frame.count_unit,
            frame.percent,
            [(str(v), u) for v, u in frame.numbers],
            frame.comparison,
            frame.wants_total,
            [[t.text for t in g] for g in frame.groups],
        ],
        ensure_ascii=False,
    )


def standard_questions(year: int | None) -> list[str]:
    """The questions whose lines are decided ahead for a report of ``year``: one per
    standard figure and measure, without a year and with the report's own year."""
    dates = ("", f"{year}年") if year else ("",)
    return [
        f"{d}{s}{m}是多少？" for d in dates for s in glossary()["standard_figures"]
        for m in MEASURE_WORDS
    ]  # fmt: skip


@cache
def fingerprint() -> str:
    """A hash of the code and data that decide a line."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), *here.glob("*.json")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


class StoredLines:
    """The lines of ``lines.sqlite``, read per question (one query per signature)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    @classmethod
    def open(cls, index_dir: Path) -> StoredLines | None:
        """The stored lines of an index, or None when there are none for this code."""
        path = Path(index_dir) / FILE_NAME
        if not path.exists():
            return None
        stored = cls(path)
        if _meta(stored.db).get("fingerprint") != fingerprint():
            log.info("stored lines in %s are from other code: not used", path)
            stored.db.close()
            return None
        return stored

    def lines(self, sig: str, infos: Iterable[ReportInfo]) -> dict[str, Line]:
        """The stored line of each report for ``sig`` (reports not stored are left out)."""
        wanted = {i.id: i for i in infos}
        rows = self.db.execute(
            "SELECT report_id, sha256, value, unit, label, citation FROM lines WHERE signature = ?",
            (sig,),
        ).fetchall()
        out = {}
        for rid, sha, value, unit, label, cited in rows:
            info = wanted.get(rid)
            if info is None or info.sha256 != sha:
                continue
            citation = Citation(**json.loads(cited)) if cited else None
            if citation is not None and citation.bbox is not None:
                citation.bbox = tuple(citation.bbox)
            out[rid] = Line(info, Decimal(value) if value is not None else None, unit,
                            label or "", citation)  # fmt: skip
        return out


@dataclass
class PrecomputeResult:
    reports: int  # reports with lines decided now
    kept: int  # lines still valid from the last time
    lines: int  # lines written now
    seconds: float


Decide = Callable[[str, ReportInfo], Line]
Progress = Callable[[str, int, int], None]
Row = tuple[str, str, str, str | None, str | None, str, str | None]
Asked = list[tuple[str, str]]  # (question, its signature)
Todo = list[tuple[ReportInfo, Asked]]  # each report with the questions it still lacks


def questions_for(info: ReportInfo, extra: Iterable[str] = ()) -> list[str]:
    """The questions decided ahead for a report: the standard ones, and ``extra`` (frequent
    questions, as asked of one report) that name no year or the report's own."""
    dated = [q for q in extra if asked_years(q) <= {info.year}]
    return list(dict.fromkeys([*standard_questions(info.year), *dated]))


def report_rows(info: ReportInfo, asked: Asked, decide: Decide) -> list[Row]:
    """One report's stored lines: its decision on each question, under its signature."""
    return [_row(sig, info, decide(q, info)) for q, sig in asked]


def precompute(
    index_dir: Path,
    infos: list[ReportInfo],
    signature_of: Callable[[str], str],
    rows_of: Callable[[Todo], Iterable[tuple[int, list[Row]]]],
    extra: Iterable[str] = (),
    progress: Progress | None = None,
) -> PrecomputeResult:
    """Decide each report's lines not stored yet (``rows_of(todo)`` yields (reports done, their
    rows) as they are decided), and replace ``lines.sqlite`` with the old lines still valid
    plus the new ones (atomically)."""
    t0 = time.perf_counter()
    path = Path(index_dir) / FILE_NAME
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    extra = list(extra)
    signatures: dict[str, str] = {}

    def sig(q: str) -> str:
        return signatures.get(q) or signatures.setdefault(q, signature_of(q))

    with closing(sqlite3.connect(tmp)) as db:
        db.executescript(_SCHEMA)
        db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint(),))
        db.execute("INSERT INTO meta VALUES ('build', ?)", (_build_name(index_dir),))
        kept = _copy_valid(db, path, infos)
        todo = [(i, [(q, sig(q)) for q in questions_for(i, extra) if (i.id, sig(q)) not in kept])
                for i in infos]  # fmt: skip
        todo = [(i, qs) for i, qs in todo if qs]
        written = done = 0
        for n, rows in rows_of(todo):
            db.executemany("INSERT OR REPLACE INTO lines VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            written, done = written + len(rows), done + n
            if progress:
                progress("precompute", done, len(todo))
        db.commit()
    os.replace(tmp, path)
    return PrecomputeResult(len(todo), len(kept), written, time.perf_counter() - t0)


def up_to_date(index_dir: Path) -> bool:
    """The stored lines were decided by this code for the current build (a re-index that
    changed nothing need not open the engine to check them)."""
    path = Path(index_dir) / FILE_NAME
    if not path.exists():
        return False
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        meta = _meta(db)
    return meta.get("fingerprint") == fingerprint() and meta.get("build") == _build_name(index_dir)


def _meta(db: sqlite3.Connection) -> dict[str, str]:
    return dict(db.execute("SELECT key, value FROM meta").fetchall())


def _build_name(index_dir: Path) -> str:
    build = current_build(Path(index_dir))
    return build.name if build else ""


def _copy_valid(db: sqlite3.Connection, old: Path, infos: list[ReportInfo]) -> set[tuple[str, str]]:
    """Copy the old file's lines of reports still indexed unchanged (same code); their
    (report id, signature) pairs."""
    if not old.exists():
        return set()
    with closing(sqlite3.connect(f"file:{old}?mode=ro", uri=True)) as src:
        if _meta(src).get("fingerprint") != fingerprint():
            return set()
        current = {(i.id, i.sha256) for i in infos}
        rows = [r for r in src.execute("SELECT * FROM lines") if (r[1], r[2]) in current]
    db.executemany("INSERT OR REPLACE INTO lines VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return {(r[1], r[0]) for r in rows}


def _row(sig: str, info: ReportInfo, line: Line) -> Row:
    cited = json.dumps(asdict(line.citation), ensure_ascii=False) if line.citation else None
    value = str(line.value) if line.value is not None else None
    return (sig, info.id, info.sha256, value, line.unit, line.label, cited)
