"""Score an engine on questions with verified answers (the contract of tests/eval/README.md).

A question passes when its status, figure (within ``TOLERANCE``, in the expected unit or a
money unit it converts to), listed figures, citation text and answer text all match.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

TOLERANCE = 0.006
MONEY_IN_YUAN = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000),
                 "亿元": Decimal(100000000)}  # fmt: skip


def load_questions(path: Path) -> list[dict]:
    """One JSON object per non-empty line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _readings(value: float, unit: str | None) -> list[float]:
    """A stated figure in its own unit and, for money, in every other money unit."""
    if unit not in MONEY_IN_YUAN:
        return [value]
    yuan = Decimal(str(value)) * MONEY_IN_YUAN[unit]
    return [float(yuan / factor) for factor in MONEY_IN_YUAN.values()]


def _close(stated: Iterable[tuple[float, str | None]], target: float) -> bool:
    return any(abs(r - target) <= TOLERANCE for v, u in stated for r in _readings(v, u))


def check(expected: dict, got: dict) -> list[str]:
    """Reasons the answer ``got`` fails ``expected``; empty when it passes."""
    reasons = []
    statuses = {expected["status"], *expected.get("status_alt", [])}
    if expected["status"] == "ambiguous":
        statuses.add("answered")
    if got["status"] not in statuses:
        reasons.append(f"status {got['status']} ∉ {sorted(statuses)}")
    stated = [(v["value"], v.get("unit")) for v in got.get("values", [])]
    stated += [(got.get("value"), got.get("unit"))]
    stated = [(v, u) for v, u in stated if v is not None]
    if expected.get("value") is not None and expected["status"] != "not_found":
        targets = [expected["value"], *expected.get("alt", [])]
        if not any(_close(stated, t) for t in targets):
            reasons.append(f"value {got.get('value')} ≠ {targets}")
    for v in expected.get("values", []) or []:
        if not _close(stated, v):
            reasons.append(f"missing value {v}")
    if (cite := expected.get("cite")) and expected["status"] != "not_found":
        texts = [c.get("locator", "") + " " + c.get("quote", "") for c in got.get("citations", [])]
        if not any(cite in t for t in texts):
            reasons.append(f"no citation contains {cite!r}")
    pages_needed = expected.get("page") and expected["status"] != "not_found"
    if pages_needed and not all(c.get("page") for c in got.get("citations", [])):
        reasons.append("a citation has no page")
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
    answers: list[tuple[dict, dict]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def wrongly_answered(self) -> int:
        """Questions the report cannot answer that got a figure anyway."""
        return sum(
            1 for q, got, _ in self.failures
            if q["status"] == "not_found" and got["status"] != "not_found"
        )  # fmt: skip

    @property
    def wrong_figures(self) -> int:
        """Answerable questions answered with a figure that does not pass (a wrong figure)."""
        return sum(
            1 for q, got, _ in self.failures
            if q["status"] != "not_found" and got["status"] == "answered"
        )  # fmt: skip

    def merge(self, other: EvalResult) -> None:
        self.total += other.total
        self.passed += other.passed
        for kind, (ok, n) in other.by_kind.items():
            self.by_kind[kind][0] += ok
            self.by_kind[kind][1] += n
        self.latencies_ms += other.latencies_ms
        self.failures += other.failures
        self.answers += other.answers

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]

    def summary(self) -> str:
        lines = [f"通过 {self.passed}/{self.total}（{self.rate:.1%}），"
                 f"不应回答却给出数字 {self.wrongly_answered} 题，"
                 f"答出的数字不对 {self.wrong_figures} 题"]  # fmt: skip
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
        res.answers.append((q, got))
        if got.get("latency_ms") is not None:
            res.latencies_ms.append(got["latency_ms"])
        if reasons:
            res.failures.append((q, got, reasons))
        else:
            res.passed += 1
            res.by_kind[q.get("kind", "?")][0] += 1
    return res
