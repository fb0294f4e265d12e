"""The ``reportqa ask``, ``log`` and ``doctor`` commands, run as real subprocesses."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.question_log import QuestionLog
from tests.test_api import QUESTION, is_chinese_error, running_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def reportqa(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def index_dir(seed_pdf_index: Path) -> Path:
    return seed_pdf_index


def test_ask_readable(index_dir: Path) -> None:
    r = reportqa("ask", QUESTION, "--index", str(index_dir))
    assert r.returncode == 0, r.stderr
    assert "已回答" in r.stdout
    assert "80.35" in r.stdout
    assert "来源" in r.stdout and "页" in r.stdout


def test_ask_json_and_huge_question(index_dir: Path) -> None:
    r = reportqa("ask", "--json", QUESTION, "--index", str(index_dir))
    a = json.loads(r.stdout)
    assert a["status"] == "answered" and a["value"] == pytest.approx(80.35)
    r = reportqa("ask", "x" * 10_000, "--index", str(index_dir))
    assert r.returncode == 2
    assert "500" in r.stderr
    r = reportqa("ask", "--json", "x" * 10_000, "--index", str(index_dir))
    assert r.returncode == 2
    refusal = json.loads(r.stdout)
    assert is_chinese_error(refusal) and "500" in refusal["error"]


def test_ask_jsonl_keeps_order(index_dir: Path) -> None:
    questions = [QUESTION, "三公经费一共花了多少？", "", "公" * 600, "哪个项目自评得分最低？"]
    r = reportqa("ask", "--jsonl", "--index", str(index_dir), stdin="\n".join(questions) + "\n")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [a["question"] for a in lines] == [q for q in questions if q]
    assert lines[1]["value"] == pytest.approx(100.44)
    assert is_chinese_error(lines[2]) and "500" in lines[2]["error"]
    assert lines[3]["status"] == "answered"


def test_interactive_session_quits_on_退出(index_dir: Path) -> None:
    r = reportqa("ask", "--index", str(index_dir), stdin=f"{QUESTION}\n退出\n不会被回答\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("已回答") == 1


def test_log_prints_asked_and_failed(index_dir: Path, tmp_path: Path) -> None:
    log_dir = tmp_path / "kiosk"
    qlog = QuestionLog.for_index(log_dir)
    qlog.add(QUESTION, "answered", "table", 80.0)
    qlog.add("火星基地的预算？", "not_found", None, 60.0)
    qlog.close()
    everything = reportqa("log", "--index", str(log_dir)).stdout
    assert QUESTION in everything and "火星基地" in everything
    failed = reportqa("log", "--failed", "--index", str(log_dir)).stdout
    assert "火星基地" in failed and QUESTION not in failed


def test_log_failed_lists_not_found_and_flagged_answers(index_dir: Path, tmp_path: Path) -> None:
    """A kiosk session on a real server, then ``reportqa log --failed`` over its log."""
    kiosk_index = tmp_path / "kiosk-index"
    shutil.copytree(index_dir, kiosk_index, symlinks=True,
                    ignore=shutil.ignore_patterns("question_log.sqlite*"))  # fmt: skip
    with running_server(kiosk_index, kiosk=True) as url, httpx.Client(base_url=url) as http:
        not_found = http.post("/api/ask", json={"question": "局长是谁？"}).json()
        assert not_found["status"] == "not_found"
        http.post("/api/ask", json={"question": "火星基地的预算是多少？"})
        fine = http.post("/api/ask", json={"question": QUESTION}).json()
        assert fine["status"] == "answered"
        entries = QuestionLog.for_index(kiosk_index).entries()
        wrong = next(e for e in entries if e.question == "火星基地的预算是多少？")
        flag = {"log_id": wrong.id, "reason": "wrong"}
        assert http.post("/api/feedback", json=flag).status_code == 200
    r = reportqa("log", "--failed", "--index", str(kiosk_index))
    assert r.returncode == 0, r.stderr
    assert "局长是谁" in r.stdout and "未找到" in r.stdout
    assert "火星基地" in r.stdout and "被标记：答案有误" in r.stdout
    assert QUESTION not in r.stdout
    assert "共 2 条" in r.stdout
    week_rows = [line.split() for line in r.stdout.splitlines() if "-W" in line]
    assert len(week_rows) == 1 and week_rows[0][1:] == ["1", "1", "0"], r.stdout


def test_doctor(index_dir: Path, tmp_path: Path) -> None:
    r = reportqa("doctor", "--index", str(index_dir))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "✓" in r.stdout and "报告 1 份" in r.stdout
    missing = reportqa("doctor", "--index", str(tmp_path / "none"))
    assert missing.returncode == 1
    assert "✗" in missing.stdout
