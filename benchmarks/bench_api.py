"""Load test of ``POST /api/ask`` on a running server (loopback only).

    reportqa serve --port 7860 &
    .venv/bin/python benchmarks/bench_api.py --url http://127.0.0.1:7860 --clients 10 --seconds 30

Each client asks a mix of questions in a loop until the time is up; prints request count,
errors and p50/p95 latency. Bounded in time, and refuses non-loopback targets.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from urllib.parse import urlparse

import httpx

QUESTIONS = [
    "公务用车运行维护费是多少？",
    "车辆运行花了多少钱？",
    "哪个项目自评得分最低？",
    "三公经费一共花了多少？",
    "公务接待费是多少？",
    "机关运行经费是多少？",
    "一般公共预算财政拨款支出决算数是多少？",
    "政府采购支出总额是多少？",
]


def client(url: str, offset: int, until: float, latencies: list[float], errors: list[str]):
    with httpx.Client(base_url=url, timeout=60) as http:
        i = offset
        while time.monotonic() < until:
            q = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            t0 = time.perf_counter()
            try:
                r = http.post("/api/ask", json={"question": q})
                ok = r.status_code == 200 and r.json().get("status")
            except httpx.HTTPError as e:
                ok, r = False, e
            latencies.append((time.perf_counter() - t0) * 1000)
            if not ok:
                errors.append(str(getattr(r, "status_code", r)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    host = urlparse(args.url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit("only loopback targets are allowed")
    httpx.post(f"{args.url}/api/ask", json={"question": QUESTIONS[0]}, timeout=60)  # warm-up
    latencies: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=client, args=(args.url, i, until, latencies, errors))
        for i in range(args.clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q = statistics.quantiles(latencies, n=100)
    print(
        f"clients={args.clients} seconds={args.seconds:.0f} requests={len(latencies)} "
        f"errors={len(errors)} rps={len(latencies) / args.seconds:.1f} "
        f"p50={q[49]:.1f}ms p95={q[94]:.1f}ms"
    )


if __name__ == "__main__":
    main()
