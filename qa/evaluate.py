"""Score an engine on questions with verified answers (the contract of tests/eval/README.md)."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TOLERANCE = 0.006


def load_questions(path: Path) -> list[dict]:
    """One JSON object per non-empty line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def check(expected: dict, got: dict) -> list[str]:
    """Reasons the answer ``got`` fails ``expected``; empty when it passes."""
    reasons = []
    statuses = {expected["status"], *expected.get("status_alt", [])}
    if expected["status"] == "ambiguous":
        statuses.add("answered")
    if got["status"] not in statuses:
        reasons.append(f"status {got['status']} ∉ {sorted(statuses)}")
    stated = [v["value"] for v in got.get("values", [])] + [got.get("value")]
    stated = [v for v in stated if v is not None]
    if "value" in expected:
        targets = [expected["value"], *expected.get("alt", [])]
        if not any(abs(s - t) <= TOLERANCE for s in stated for t in targets):
            reasons.append(f"value {got.get('value')} ≠ {targets}")
    for v in expected.get("values", []):
        if not any(abs(s - v) <= TOLERANCE for s in stated):
            reasons.append(f"missing value {v}")
    if cite := expected.get("cite"):
        texts = [c.get("locator", "") + " " + c.get("quote", "") for c in got.get("citations", [])]
        if not any(cite in t for t in texts):
            reasons.append(f"no citation contains {cite!r}")
    if (want := expected.get("answer_contains")) and want not in got.get("answer", ""):
        reasons.append(f"answer lacks {want!r}")
    return reasons


@dataclass
class EvalResult:
    total: int = 0
    passed: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[tuple[dict, dict, list[str]]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]

    def summary(self) -> str:
        lines = [f"通过 {self.passed}/{self.total}（{self.rate:.1%}）"]
        for kind, (ok, n) in sorted(self.by_kind.items()):
            lines.append(f"  {kind:<13} {ok}/{n}")
        if self.latencies_ms:
            lines.append(
                f"延迟 p50 {statistics.median(self.latencies_ms):.1f} ms，"
                f"p95 {self.percentile(95):.1f} ms"
            )
        return "\n".join(lines)


def evaluate(questions: list[dict], ask: Callable[[str], dict]) -> EvalResult:
    """Ask every question through ``ask`` (returns the JSON contract) and score it."""
    res = EvalResult()
    for q in questions:
        got = ask(q["q"])
        reasons = check(q, got)
        res.total += 1
        res.by_kind[q.get("kind", "?")][1] += 1
        if got.get("latency_ms") is not None:
            res.latencies_ms.append(got["latency_ms"])
        if reasons:
            res.failures.append((q, got, reasons))
        else:
            res.passed += 1
            res.by_kind[q.get("kind", "?")][0] += 1
    return res
