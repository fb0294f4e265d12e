"""One scorer: a weighted sum of named features, explainable term by term.

``ScoringConfig`` loads ``scoring.json`` and rejects unknown feature names and bad
thresholds, naming the key. ``Scorer.rank`` returns :class:`Scored` items whose
``contributions`` map each feature to its weighted value, so every ranking can be explained.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qa.fact_store import FactView
from qa.features import FEATURES, Query

SCORING_PATH = Path(__file__).with_name("scoring.json")
THRESHOLDS = {
    "min_required_coverage": "lowest share of the asking clause's words a fact must explain",
    "min_head_coverage": "share of the asked thing itself (the clause's last word) a fact "
    "must explain",
    "min_background_coverage_when_nothing_asked": "same, for background words when the "
    "asking clause names nothing",
    "ambiguity_margin": "facts of other subjects within this score of the best are ambiguous",
    "count_reading_margin": "the same for a count, whose other totals have longer labels",
    "alias_reading_margin": "the same for a row named by another of the glossary forms of "
    "the asked word (退休人员: 退休费, 行政单位离退休)",
    "min_indicator_named": "share of a 绩效 indicator's name the question's own words must "
    "name for the indicator's figures to answer",
    "reading_margin": "other rows named as fully within this score of the best are stated "
    "after the answer as other readings",
    "max_candidates": "facts scored per question (those sharing words with it)",
    "list_margin": "facts within this score of the best are listed for 各是多少",
    "dense_gate_margin": "retrieval similarity is computed when the two best differ by less",
    "dense_candidates": "how many of the best-ranked facts retrieval re-scores",
}


class ConfigError(ValueError):
    """A bad scoring configuration: ``key`` names the offending entry."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


@dataclass(frozen=True)
class ScoringConfig:
    """Feature weights, gate thresholds and the measure compatibility table."""

    weights: dict[str, float]
    thresholds: dict[str, float]
    measure_compat: dict[str, dict[str, float]]

    def __post_init__(self) -> None:
        for name in self.weights:
            if name not in FEATURES:
                raise ConfigError(name, f"unknown feature; known: {', '.join(FEATURES)}")
        for name in FEATURES:
            if name not in self.weights:
                raise ConfigError(name, "feature has no weight")
        for name, value in self.thresholds.items():
            if name not in THRESHOLDS:
                raise ConfigError(name, f"unknown threshold; known: {', '.join(THRESHOLDS)}")
            if value < 0:
                raise ConfigError(name, "threshold must not be negative")

    @classmethod
    def load(cls, path: Path = SCORING_PATH) -> ScoringConfig:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["weights"], data["thresholds"], data["measure_compat"])

    def save(self, path: Path = SCORING_PATH, comment: str = "") -> None:
        data = json.loads(Path(path).read_text(encoding="utf-8")) if Path(path).exists() else {}
        data.update(weights=self.weights, thresholds=self.thresholds,
                    measure_compat=self.measure_compat)  # fmt: skip
        if comment:
            data["_comment"] = comment
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


@dataclass(frozen=True)
class Scored:
    """A fact with its total score and each feature's weighted contribution."""

    view: FactView
    total: float
    contributions: dict[str, float] = field(repr=False)
    values: dict[str, float] = field(repr=False)

    @property
    def fact(self):
        return self.view.fact

    def __repr__(self) -> str:
        top = sorted(self.contributions.items(), key=lambda kv: -abs(kv[1]))[:4]
        why = ", ".join(f"{k}={v:+.2f}" for k, v in top)
        return f"Scored({self.total:.2f} {self.fact!r} [{why}])"


class Scorer:
    """Ranks facts for a query by the weighted sum of the configured features."""

    def __init__(self, config: ScoringConfig) -> None:
        self.config = config

    def features(self, query: Query, view: FactView) -> dict[str, float]:
        return {name: fn(query, view) for name, fn in FEATURES.items()}

    def score(self, query: Query, view: FactView) -> Scored:
        values = self.features(query, view)
        contributions = {k: self.config.weights[k] * v for k, v in values.items()}
        return Scored(view, sum(contributions.values()), contributions, values)

    def rank(self, query: Query, views: list[FactView]) -> list[Scored]:
        """Every view scored, best first (ties keep reading order)."""
        scored = [self.score(query, v) for v in views]
        return sorted(scored, key=lambda s: -s.total)
