"""The kiosk's question log: flags, failed questions, counts by week, and old log files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.question_log import QuestionLog, frequent_questions, weekly_failures


def test_flagged_answers_are_failed_questions(tmp_path: Path) -> None:
    log = QuestionLog.for_index(tmp_path)
    ok = log.add("公务用车运行维护费是多少？", "answered", "table", 12.0, "80.35万元。")
    wrong = log.add("火星基地的预算是多少？", "answered", "text", 20.0, "10 万元。")
    missing = log.add("局长是谁？", "not_found", None, 5.0, "抱歉……")
    assert log.flag(wrong, "wrong") and not log.flag(10_000, "wrong")
    with pytest.raises(ValueError, match="unknown feedback"):
        log.flag(ok, "spam")
    failed = log.entries(failed_only=True)
    assert [e.id for e in failed] == [wrong, missing]
    assert failed[0].feedback == "wrong" and failed[0].answer == "10 万元。"
    assert failed[0].feedback_time is not None


def test_weekly_counts(tmp_path: Path) -> None:
    log = QuestionLog.for_index(tmp_path)
    rows = [  # (time, status, flagged)
        ("2026-11-16T09:00:00+08:00", "not_found", False),
        ("2026-11-16T09:05:00+08:00", "answered", True),
        ("2026-11-22T23:00:00+08:00", "not_found", False),  # Sunday: still ISO week 47
        ("2026-11-22T23:10:00+08:00", "answered", False),
        ("2026-11-23T08:00:00+08:00", "not_found", False),  # Monday: week 48
        ("2026-11-23T10:00:00+08:00", "refused", False),
    ]
    for when, status, flagged in rows:
        row = log.add("q", status, None, 1.0)
        log._db.execute("UPDATE questions SET time=? WHERE id=?", (when, row))
        if flagged:
            log.flag(row, "unanswered")
    log._db.commit()
    weeks = weekly_failures(log.entries(failed_only=True))
    counts = [(w.week, w.not_found, w.flagged, w.other) for w in weeks]
    assert counts == [("2026-W47", 2, 1, 0), ("2026-W48", 1, 0, 1)]


def test_an_old_log_file_gains_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "question_log.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY, time TEXT, question TEXT,"
               " status TEXT, method TEXT, latency_ms REAL)")  # fmt: skip
    db.execute("INSERT INTO questions VALUES (1, '2026-01-05T10:00:00+08:00', '旧问题',"
               " 'not_found', NULL, 3.0)")  # fmt: skip
    db.commit()
    db.close()
    log = QuestionLog(path)
    (old,) = log.entries()
    assert old.question == "旧问题" and old.answer is None and old.feedback is None
    assert log.flag(old.id, "unanswered")
    assert old.week == "2026-W02"


def test_questions_asked_twice_are_frequent(tmp_path: Path) -> None:
    assert frequent_questions(tmp_path) == []  # no log: nothing frequent
    log = QuestionLog.for_index(tmp_path)
    for q in ("哪个部门的办公费最多？", "哪个部门的办公费最多？ ", "公务接待费是多少？"):
        log.add(q, "answered", "table", 5.0)
    log.close()
    assert frequent_questions(tmp_path) == ["哪个部门的办公费最多？"]
