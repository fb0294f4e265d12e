"""Load test of ``POST /api/ask``: answer cache on and off, 1 and N worker processes.

    .venv/bin/python benchmarks/bench_api.py --index data/index --workers 1 2 --seconds 30

For each combination this starts ``reportqa serve`` on a free loopback port, waits until
every worker answers, then runs ``--clients`` concurrent clients for ``--seconds`` and prints
one Markdown table row: requests, errors, requests per second, p50 and p95 latency.

With the cache off, every request asks a question never asked before: variants of the public
questions (``tests/eval/questions.jsonl`` by default) with a polite prefix and suffix, so
the engine, its embedder and the answer cache never see the same text twice. With the cache
on, clients cycle through the public questions themselves, as visitors repeat common ones.
``--url`` measures a server that is already running (loopback only) instead.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = [ROOT / "tests" / "eval" / "questions.jsonl"]
PREFIXES = [
    "", "请问", "请问一下，", "我想知道", "我想问", "想了解一下", "麻烦查一下", "请帮我查",
    "您好，", "你好，请问", "打听一下", "请告诉我", "能告诉我", "咨询一下，",
]  # fmt: skip
SUFFIXES = ["", "谢谢", "麻烦您了", "多谢"]
# warm-up questions: outside the variants, so that a measured question is never a repeat
WARMUP = ["测试：公务用车运行维护费是多少？", "测试：三公经费一共花了多少？", "测试：收入总计？"]
START_TIMEOUT_S = 300.0
REQUEST_TIMEOUT_S = 60.0


def load_questions(files: list[Path]) -> list[str]:
    """The ``q`` of every line of the question files, in order, without repeats."""
    out: list[str] = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["q"])
    return list(dict.fromkeys(out))


def distinct_variants(questions: list[str]) -> Iterator[str]:
    """Every prefix × question × suffix once, never two with the same normalised text."""
    seen: set[str] = set()
    for prefix, suffix in itertools.product(PREFIXES, SUFFIXES):
        for q in questions:
            text = f"{prefix}{q.rstrip('？?')}？{suffix}"
            key = "".join(unicodedata.normalize("NFKC", text).split())
            if key not in seen:
                seen.add(key)
                yield text


@dataclass
class Load:
    """What the clients measured."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exhausted: bool = False  # ran out of distinct questions before the time was up

    def row(self, seconds: float) -> dict:
        q = statistics.quantiles(self.latencies, n=100) if len(self.latencies) > 1 else [0] * 99
        return {
            "requests": len(self.latencies),
            "errors": len(self.errors),
            "rps": len(self.latencies) / seconds,
            "p50": q[49],
            "p95": q[94],
        }


def run_clients(url: str, clients: int, seconds: float, questions: Iterator[str]) -> Load:
    """``clients`` threads asking questions from ``questions`` back to back until time is up."""
    load = Load()
    lock = threading.Lock()
    target = urlparse(url)
    until = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=REQUEST_TIMEOUT_S)
        while time.monotonic() < until:
            with lock:
                q = next(questions, None)
            if q is None:
                load.exhausted = True
                return
            body = json.dumps({"question": q}, ensure_ascii=False).encode()
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = json.loads(resp.read())
                ok = resp.status == 200 and data.get("status") != "error"
                error = "" if ok else f"{resp.status} {data.get('error', '')}"
            except (OSError, http.client.HTTPException, ValueError) as e:
                error = repr(e)
                conn.close()
                conn = http.client.HTTPConnection(target.hostname, target.port,
                                                  timeout=REQUEST_TIMEOUT_S)  # fmt: skip
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                load.latencies.append(ms)
                if error:
                    load.errors.append(error)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return load


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict | None:
    target = urlparse(url)
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
    try:
        conn.request("GET", target.path)
        resp = conn.getresponse()
        return json.loads(resp.read()) if resp.status == 200 else None
    except OSError:
        return None
    finally:
        conn.close()


@contextlib.contextmanager
def server(index: Path, workers: int, cache: bool, threads: int | None) -> Iterator[str]:
    """``reportqa serve`` in its own process group on a free port, until every worker is up."""
    port = _free_port()
    cmd = [sys.executable, "-m", "app.cli", "serve", "--index", str(index), "--port", str(port),
           "--workers", str(workers), "--answer-cache", "256" if cache else "0"]  # fmt: skip
    if threads:
        cmd += ["--threads", str(threads)]
    with tempfile.TemporaryFile("w+") as log:  # the server's messages, shown if it fails
        proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            seen: set[int] = set()
            deadline = time.monotonic() + START_TIMEOUT_S
            while len(seen) < workers:  # new connections spread over the workers
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"server did not start: {' '.join(cmd)}\n{log.read()}")
                health = _get(f"{url}/api/health")
                if health:
                    seen.add(health["worker"])
                else:
                    time.sleep(0.5)
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def measure(url: str, cache: bool, args: argparse.Namespace, questions: list[str]) -> dict:
    # every worker loads its embedder: connections are spread over the workers
    run_clients(url, args.clients, 60, iter(WARMUP * args.clients))
    stream = itertools.cycle(questions) if cache else distinct_variants(questions)
    load = run_clients(url, args.clients, args.seconds, stream)
    row = load.row(args.seconds)
    row["exhausted"] = load.exhausted
    row["error_kinds"] = sorted(set(load.errors))[:3]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / "data" / "index")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--cache", choices=["on", "off"], nargs="+", default=["on", "off"])
    parser.add_argument("--threads", type=int, default=None, help="native threads per worker")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--questions", type=Path, nargs="+", default=DEFAULT_QUESTIONS)
    parser.add_argument("--url", help="measure this running server instead (loopback only)")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    print(f"{len(questions)} questions, {sum(1 for _ in distinct_variants(questions))} distinct "
          f"variants; {args.clients} clients × {args.seconds:.0f} s; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("| answer cache | workers | requests | errors | req/s | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    if args.url:
        host = urlparse(args.url).hostname or ""
        if not (host == "localhost" or host.startswith("127.") or host == "::1"):
            raise SystemExit("only loopback targets are allowed")
        combos = [(args.cache[0] == "on", None)]
    else:
        combos = [(c == "on", w) for c in args.cache for w in args.workers]
    for cache, workers in combos:
        with contextlib.ExitStack() as stack:
            url = args.url or stack.enter_context(server(args.index, workers, cache, args.threads))
            r = measure(url, cache, args, questions)
        note = " (ran out of distinct questions)" if r["exhausted"] else ""
        cells = [
            "on" if cache else "off", workers or "?", r["requests"], r["errors"],
            f"{r['rps']:.1f}", f"{r['p50']:.0f}", f"{r['p95']:.0f}",
        ]  # fmt: skip
        print("| " + " | ".join(map(str, cells)) + f" |{note}", flush=True)
        if r["error_kinds"]:
            print(f"  errors: {r['error_kinds']}", flush=True)


if __name__ == "__main__":
    main()
