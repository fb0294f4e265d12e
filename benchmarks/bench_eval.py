"""Accuracy per question set: public, development and blind sets side by side.

Each ``*.jsonl`` file is one set (named by its folder and file); every question is asked of its
own report's index (:mod:`qa.eval_runner`). Prints, per set: passed, questions the report cannot
answer that got a figure anyway, answerable questions answered with a wrong figure, and warm
latency. ``--out`` keeps every expected/got pair.

    .venv/bin/python benchmarks/bench_eval.py tests/eval/questions.jsonl \\
        tests/eval/real_questions.jsonl tests/eval/dev/*.jsonl tests/eval/blind/*.jsonl
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.index import DEFAULT_REPORTS_DIR  # noqa: E402
from qa.engine import Engine  # noqa: E402
from qa.eval_runner import evaluate_per_report  # noqa: E402
from qa.evaluate import EvalResult, load_questions  # noqa: E402


def set_name(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="+", type=Path)
    ap.add_argument("--work", type=Path, default=ROOT / "data" / "index-eval")
    ap.add_argument("--reports-dir", type=Path, default=DEFAULT_REPORTS_DIR)
    ap.add_argument("--out", type=Path, help="write every expected/got pair (JSONL)")
    args = ap.parse_args()
    engines: dict[Path, Engine] = {}

    def open_engine(index_dir: Path) -> Engine:
        if index_dir not in engines:
            engines[index_dir] = Engine.open(index_dir)
        return engines[index_dir]

    rows, overall = [], EvalResult()
    for path in args.questions:
        result = EvalResult()
        per_report = evaluate_per_report(
            load_questions(path), args.reports_dir, args.work, open_engine
        )
        for part in per_report.values():
            result.merge(part)
        overall.merge(result)
        rows.append((set_name(path), result))
    rows.append(("all", overall))
    header = ("set", "passed", "not_found answered", "wrong figure", "p50 ms")
    print(f"{header[0]:<42} {header[1]:>13} {header[2]:>18} {header[3]:>12} {header[4]:>7}")
    for name, r in rows:
        p50 = statistics.median(r.latencies_ms) if r.latencies_ms else 0.0
        passed = f"{r.passed}/{r.total} {r.rate:6.1%}"
        print(f"{name:<42} {passed:>13} {r.wrongly_answered:>18} {r.wrong_figures:>12} {p50:>7.1f}")
    if args.out:
        with args.out.open("w", encoding="utf-8") as f:
            for q, got in overall.answers:
                f.write(json.dumps({"expected": q, "got": got}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
