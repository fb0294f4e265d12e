"""Fit the scorer's feature weights on questions with verified answers; measure leave-one-
report-out.

For every answerable lookup question, the engine's candidate facts are scored feature by
feature; a fact is a positive when it states the expected figure (either money unit) and,
where the question names one, its citation text. The weights minimise a structured hinge
loss (the best positive above every negative by a margin) with an L2 pull toward the current
weights. ``--loro`` fits once per report without that report's questions and
scores the left-out report through the whole engine (operations and gate included).

    .venv/bin/python scripts/fit_weights.py tests/eval/questions.jsonl \\
        tests/eval/real_questions.jsonl tests/eval/dev/*.jsonl [--loro] [--write]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.index import DEFAULT_REPORTS_DIR  # noqa: E402
from qa.engine import Engine  # noqa: E402
from qa.eval_runner import group_by_report, report_index  # noqa: E402
from qa.evaluate import _readings, evaluate, load_questions  # noqa: E402
from qa.features import FEATURES  # noqa: E402
from qa.scorer import ScoringConfig  # noqa: E402

NAMES = list(FEATURES)
L2 = 0.02  # pull toward the starting weights
STEPS = 300
LEARNING_RATE = 0.2
MARGIN = 1.0


@dataclass
class Example:
    """One question's candidates: feature matrix and which rows state the answer."""

    report: str
    x: np.ndarray  # candidates × features
    positive: np.ndarray  # bool per candidate


def _matches(value, unit, expected: dict) -> bool:
    targets = [expected["value"], *expected.get("alt", [])]
    return any(abs(r - t) <= 0.006 for r in _readings(float(value), unit) for t in targets)


def collect(engine: Engine, key: str, questions: list[dict]) -> list[Example]:
    """Feature matrices of the lookup questions that have a figure answer."""
    out = []
    for q in questions:
        if q["status"] != "answered" or q.get("kind") in ("computed", "aggregate"):
            continue
        for ex in engine.explain(q["q"]):
            if not ex.ranked:
                continue
            x = np.array([[s.values[n] for n in NAMES] for s in ex.ranked])
            cite = q.get("cite") or ""
            pos = np.array([
                _matches(s.fact.value, s.fact.unit, q)
                and (not cite or cite in s.fact.locator + s.fact.quote)
                for s in ex.ranked
            ])  # fmt: skip
            if pos.any() and not pos.all():
                out.append(Example(key, x, pos))
    return out


def fit(examples: list[Example], start: dict[str, float]) -> dict[str, float]:
    """Structured hinge: the best positive must outscore every negative by MARGIN; an L2
    pull toward ``start`` keeps features the data says little about where they were.
    Subgradient descent; the weights with the best training top-1 are kept."""
    w0 = np.array([start[n] for n in NAMES], dtype=float)
    w, best_w, best_acc = w0.copy(), w0.copy(), _accuracy(examples, w0)
    for step in range(STEPS):
        grad = L2 * (w - w0)
        for ex in examples:
            s = ex.x @ w
            pos = np.flatnonzero(ex.positive)
            neg = np.flatnonzero(~ex.positive)
            p, n = pos[np.argmax(s[pos])], neg[np.argmax(s[neg])]
            if s[p] - s[n] < MARGIN:
                grad += (ex.x[n] - ex.x[p]) / len(examples)
        w = w - LEARNING_RATE / (1 + step / STEPS) * grad
        acc = _accuracy(examples, w)
        if acc > best_acc:
            best_w, best_acc = w.copy(), acc
    return {n: round(float(v), 3) for n, v in zip(NAMES, best_w, strict=True)}


def _accuracy(examples: list[Example], w: np.ndarray) -> float:
    return sum(ex.positive[int(np.argmax(ex.x @ w))] for ex in examples) / max(len(examples), 1)


def top1(examples: list[Example], weights: dict[str, float]) -> float:
    return _accuracy(examples, np.array([weights[n] for n in NAMES]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="+")
    ap.add_argument("--work", default=str(ROOT / "data" / "index-eval"))
    ap.add_argument("--loro", action="store_true", help="leave-one-report-out evaluation")
    ap.add_argument("--write", action="store_true", help="save the fitted weights")
    args = ap.parse_args()
    questions = [q for p in args.questions for q in load_questions(Path(p))]
    groups = group_by_report(questions)
    base = ScoringConfig.load()
    engines = {
        key: Engine.open(report_index(key, DEFAULT_REPORTS_DIR, Path(args.work)), base)
        for key in groups
    }
    examples = [ex for key, qs in groups.items() for ex in collect(engines[key], key, qs)]
    weights = fit(examples, base.weights)
    print(f"{len(examples)} lookup questions; top-1 before {top1(examples, base.weights):.3f}, "
          f"after {top1(examples, weights):.3f}")  # fmt: skip
    for n in NAMES:
        print(f"  {n:<22} {base.weights[n]:>7.3f} → {weights[n]:>7.3f}")
    if args.loro:
        rates = []
        for key, qs in groups.items():
            held = fit([e for e in examples if e.report != key], base.weights)
            config = ScoringConfig(held, base.thresholds, base.measure_compat)
            engine = Engine.open(report_index(key, DEFAULT_REPORTS_DIR, Path(args.work)), config)
            result = evaluate(qs, lambda text, e=engine: e.ask(text).to_dict())
            rates.append(result.rate)
            print(f"  LORO {key}: {result.passed}/{result.total} ({result.rate:.1%}), "
                  f"not_found answered {result.wrongly_answered}")  # fmt: skip
        print(f"LORO mean {statistics.mean(rates):.1%} over {len(rates)} reports")
    if args.write:
        ScoringConfig(weights, base.thresholds, base.measure_compat).save()
        print("weights written to qa/scoring.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
