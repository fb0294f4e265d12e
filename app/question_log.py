"""The kiosk's question log: what was asked, what was answered and whether a citizen flagged it.

One SQLite file, ``<index dir>/question_log.sqlite``, shared by every server worker (WAL
mode). A row holds the time, the question (cut to 500 characters), the status, the method,
the latency, the answer text given, and the feedback a citizen sent about that answer.
No IP, no session, no user.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LOG_FILE = "question_log.sqlite"
MAX_QUESTION = 500
MAX_ANSWER = 2000
BUSY_TIMEOUT_S = 10.0  # other workers may hold the write lock for a moment
UNANSWERED = ("not_found", "error", "refused")
FEEDBACK_REASONS = ("wrong", "unanswered")  # 答案有误 / 没有回答我的问题

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY, time TEXT, question TEXT, status TEXT, method TEXT,
    latency_ms REAL
);
"""
# columns added after the first release: (name, type); old log files are upgraded in place
ADDED_COLUMNS = (("answer", "TEXT"), ("feedback", "TEXT"), ("feedback_time", "TEXT"))
FREQUENT_ASKS = 2  # a question asked this often has its cross-report lines decided ahead
COLUMNS = "id, time, question, status, method, latency_ms, answer, feedback, feedback_time"


@dataclass
class LoggedQuestion:
    id: int
    time: str
    question: str
    status: str  # answered | ambiguous | not_found | refused | error
    method: str | None
    latency_ms: float | None
    answer: str | None = None  # the answer text given
    feedback: str | None = None  # wrong | unanswered, when a citizen flagged the answer
    feedback_time: str | None = None

    @property
    def week(self) -> str:
        """The ISO week of the question, e.g. ``2026-W48``."""
        year, week, _ = datetime.fromisoformat(self.time).isocalendar()
        return f"{year}-W{week:02d}"


@dataclass
class WeekCount:
    """Failed questions of one ISO week, by kind of failure."""

    week: str
    not_found: int = 0
    flagged: int = 0
    other: int = 0  # refused or error


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class QuestionLog:
    """Append-only log of questions, safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False,
                                   timeout=BUSY_TIMEOUT_S)  # fmt: skip
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        have = {r[1] for r in self._db.execute("PRAGMA table_info(questions)")}
        for name, kind in ADDED_COLUMNS:
            if name not in have:
                self._db.execute(f"ALTER TABLE questions ADD COLUMN {name} {kind}")
        self._db.commit()
        self._lock = threading.Lock()

    @classmethod
    def for_index(cls, index_dir: Path) -> QuestionLog:
        return cls(Path(index_dir) / LOG_FILE)

    def add(
        self,
        question: str,
        status: str,
        method: str | None,
        latency_ms: float | None,
        answer: str | None = None,
    ) -> int:
        """Record one question and the answer given; return the row id."""
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO questions(time, question, status, method, latency_ms, answer)"
                " VALUES (?,?,?,?,?,?)",
                (_now(), question[:MAX_QUESTION], status, method, latency_ms,
                 answer[:MAX_ANSWER] if answer else None),
            )  # fmt: skip
            self._db.commit()
            return int(cur.lastrowid)

    def flag(self, entry_id: int, reason: str) -> bool:
        """Mark the answer of row ``entry_id`` as flagged by a citizen; False if no such row."""
        if reason not in FEEDBACK_REASONS:
            raise ValueError(f"unknown feedback reason {reason!r}; expected {FEEDBACK_REASONS}")
        with self._lock:
            cur = self._db.execute(
                "UPDATE questions SET feedback=?, feedback_time=? WHERE id=?",
                (reason, _now(), entry_id),
            )
            self._db.commit()
            return cur.rowcount == 1

    def entries(self, failed_only: bool = False, limit: int | None = None) -> list[LoggedQuestion]:
        """Logged questions, oldest first (the last ``limit`` when given).

        ``failed_only`` keeps questions not answered (not_found, refused, error) and answers
        a citizen flagged.
        """
        where = ""
        if failed_only:
            where = f"WHERE status IN ({','.join('?' * len(UNANSWERED))}) OR feedback IS NOT NULL"
        sql = f"SELECT {COLUMNS} FROM questions {where} ORDER BY id DESC"
        sql += f" LIMIT {int(limit)}" if limit else ""
        with self._lock:
            rows = self._db.execute(sql, UNANSWERED if failed_only else ()).fetchall()
        return [LoggedQuestion(*r) for r in reversed(rows)]

    def close(self) -> None:
        self._db.close()


def frequent_questions(index_dir: Path, min_asks: int = FREQUENT_ASKS) -> list[str]:
    """Questions the kiosk log holds at least ``min_asks`` times (none without a log)."""
    path = Path(index_dir) / LOG_FILE
    if not path.exists():
        return []
    log = QuestionLog(path)
    try:
        counts = Counter(e.question.strip() for e in log.entries())
    finally:
        log.close()
    return [q for q, n in counts.most_common() if n >= min_asks]


def weekly_failures(entries: list[LoggedQuestion]) -> list[WeekCount]:
    """Counts of not_found, flagged and other failed questions per ISO week, oldest first.

    A flagged answer counts as flagged whatever its status, so each question counts once.
    """
    counts: dict[str, Counter] = {}
    for e in entries:
        kind = "flagged" if e.feedback else "not_found" if e.status == "not_found" else "other"
        if e.feedback or e.status in UNANSWERED:
            counts.setdefault(e.week, Counter())[kind] += 1
    return [WeekCount(week, **counts[week]) for week in sorted(counts)]
