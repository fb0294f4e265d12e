"""The kiosk's question log: what was asked and how it went, without personal data.

One SQLite file, ``<index dir>/question_log.sqlite``; rows hold the time, the question
(cut to 500 characters), the status, the method and the latency. No IP, no session, no user.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LOG_FILE = "question_log.sqlite"
MAX_QUESTION = 500
FAILED = ("not_found", "error", "refused")

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY, time TEXT, question TEXT, status TEXT, method TEXT,
    latency_ms REAL
);
"""


@dataclass
class LoggedQuestion:
    time: str
    question: str
    status: str  # answered | ambiguous | not_found | refused | error
    method: str | None
    latency_ms: float | None


class QuestionLog:
    """Append-only log of questions, safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    @classmethod
    def for_index(cls, index_dir: Path) -> QuestionLog:
        return cls(Path(index_dir) / LOG_FILE)

    def add(self, question: str, status: str, method: str | None, latency_ms: float | None) -> None:
        """Record one question."""
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        with self._lock:
            self._db.execute(
                "INSERT INTO questions(time, question, status, method, latency_ms)"
                " VALUES (?,?,?,?,?)",
                (now, question[:MAX_QUESTION], status, method, latency_ms),
            )
            self._db.commit()

    def entries(self, failed_only: bool = False, limit: int | None = None) -> list[LoggedQuestion]:
        """Logged questions, oldest first (the last ``limit`` when given)."""
        where = f"WHERE status IN ({','.join('?' * len(FAILED))})" if failed_only else ""
        sql = f"SELECT time, question, status, method, latency_ms FROM questions {where}"
        sql += " ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        with self._lock:
            rows = self._db.execute(sql, FAILED if failed_only else ()).fetchall()
        return [LoggedQuestion(*r) for r in reversed(rows)]

    def close(self) -> None:
        self._db.close()
