"""QA benchmark: warm latency of ReportQA and a plain dense-RAG baseline, side by side.

    .venv/bin/python benchmarks/bench_qa.py --index DIR [QUESTIONS.jsonl]

The baseline uses the same embedder and FAISS index: the top-k fact phrases by cosine with the
question, and the first of their facts whose unit is the one the question asks for. Both are
scored with the same rules (qa/evaluate.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.embedder import Embedder, make_embedder  # noqa: E402
from indexer.facts import Fact  # noqa: E402
from qa.engine import Engine  # noqa: E402
from qa.evaluate import evaluate, load_questions  # noqa: E402

_ASKED_UNITS = [
    ("辆", "辆"), ("批次", "批"), ("人", "人"), ("台", "台"), ("%", "百分比例率"), ("分", "分"),
    ("个", "个"),
]  # fmt: skip


def asked_unit(question: str) -> str:
    for unit, words in _ASKED_UNITS:
        if any(w in question for w in words):
            return unit
    return "万元"


def facts_by_phrase(engine: Engine) -> dict[int, list[Fact]]:
    """Phrase id → the facts that share it, over every report of the index."""
    store = engine.index.store
    out: dict[int, list[Fact]] = {}
    for info in store.reports():
        for pid, fact in zip(store.fact_phrase_ids(info.id), store.facts(info.id), strict=True):
            out.setdefault(pid, []).append(fact)
    return out


def baseline(
    engine: Engine, embedder: Embedder, facts: dict[int, list[Fact]], question: str, k: int = 5
) -> dict:
    """Dense RAG: top-k fact phrases by e5 similarity, the first fact with the asked unit."""
    t0 = time.perf_counter()
    hits = engine.index.vectors.search(embedder.embed_query(question), k)
    unit = asked_unit(question)
    for pid, _ in hits:
        for f in facts.get(pid, []):
            if f.unit == unit or (unit == "人" and f.unit == "人次"):
                return {
                    "status": "answered", "answer": f.quote, "value": float(f.value),
                    "unit": unit, "values": [],
                    "citations": [{"locator": f.locator, "quote": f.quote}],
                    "latency_ms": (time.perf_counter() - t0) * 1000,
                }  # fmt: skip
    return {"status": "not_found", "answer": "", "value": None, "values": [], "citations": [],
            "latency_ms": (time.perf_counter() - t0) * 1000}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("questions", nargs="?", default=str(ROOT / "tests/eval/questions.jsonl"))
    ap.add_argument("--index", required=True)
    ap.add_argument("--rounds", type=int, default=3, help="timed passes over the questions")
    args = ap.parse_args()
    qs = load_questions(Path(args.questions))
    engine = Engine.open(Path(args.index))
    engine.ask("机关运行经费是多少？")  # warm: embedder loaded, per-report caches filled
    first = sorted(engine.ask(q["q"]).latency_ms for q in qs)  # every question new to the engine
    lat = sorted(engine.ask(q["q"]).latency_ms for _ in range(args.rounds) for q in qs)
    ours = evaluate(qs, lambda q: engine.ask(q).to_dict())
    embedder, facts = make_embedder(engine.index.manifest.embedder), facts_by_phrase(engine)
    base = evaluate(qs, lambda q: baseline(engine, embedder, facts, q))
    for name, xs in (("new questions", first), ("repeated questions", lat)):
        p95 = xs[int(0.95 * (len(xs) - 1))]
        print(f"warm index, {name} ({len(xs)}): p50 {statistics.median(xs):.1f} ms, "
              f"p95 {p95:.1f} ms, max {xs[-1]:.1f} ms")  # fmt: skip
    print(f"{'kind':<14}{'baseline':>10}{'ReportQA':>10}")
    for kind in sorted(ours.by_kind):
        b, o = base.by_kind.get(kind, [0, 0]), ours.by_kind[kind]
        print(f"{kind:<14}{b[0]:>6}/{b[1]:<3}{o[0]:>6}/{o[1]:<3}")
    print(f"{'overall':<14}{base.rate:>9.1%}{ours.rate:>10.1%}")


if __name__ == "__main__":
    main()
