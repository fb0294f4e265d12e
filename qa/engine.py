"""The QA pipeline, top to bottom: validate → route → parse → candidates → rank → operate →
gate → compose. One report at a time; several reports give one line each."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.executors import LocalExecutor
from indexer.index import load_index
from indexer.registry import Registry
from indexer.store import ReportInfo
from qa.answer import Answer
from qa.compose import compose, not_found_answer
from qa.cross_report import Line, compose_cross, line, local_question
from qa.cross_report import Plan as CrossPlan
from qa.cross_report import plan as plan_across
from qa.disambiguation import narrowed
from qa.errors import QuestionError, validate
from qa.fact_store import FactStore, ReportFacts, candidates
from qa.features import Query
from qa.frame import Frame, Term, parse
from qa.gate import Decision, Reason, gate, same_figure
from qa.lru import Lru
from qa.operations import operate
from qa.precomputed import (
    Asked,
    PrecomputeResult,
    Progress,
    Row,
    StoredLines,
    Todo,
    precompute,
    report_rows,
    signature,
)
from qa.retrieval import FactRetriever
from qa.routing import Route, route
from qa.scorer import Scored, Scorer, ScoringConfig
from qa.vocabulary import Vocabulary, base_vocabulary, load_segmenter, normalize

__all__ = ["Engine", "QuestionError"]
MAX_CROSS_LINES = 10_000  # per-report lines of cross-report answers remembered
PRECOMPUTE_SHARD = 25  # reports per precompute task


@dataclass
class Explanation:
    """What the engine made of a question in one report (``reportqa ask --explain``)."""

    report: ReportInfo
    frame: Frame
    ranked: list[Scored]
    decision: Decision

    def __repr__(self) -> str:
        lines = [f"报告：{self.report.title}", repr(self.frame)]
        lines += [f"  {s!r}" for s in self.ranked[:8]]
        lines.append(f"Decision({self.decision.status}, {self.decision.reason.value}, "
                     f"missing={list(self.decision.missing)})")  # fmt: skip
        return "\n".join(lines)


class Engine:
    """Answers questions over one index; load once (``open``), ask many times."""

    def __init__(self, index_dir: Path, config: ScoringConfig | None = None) -> None:
        load_segmenter()
        self.index = load_index(Path(index_dir))
        self.facts = FactStore(self.index.store)
        self.registry = Registry.open(Path(index_dir))
        self.retriever = FactRetriever.from_index(self.index)
        self.config = config or ScoringConfig.load()
        self.scorer = Scorer(self.config)
        self._lines: Lru[Line] = Lru(MAX_CROSS_LINES)
        self.stored = StoredLines.open(Path(index_dir))
        self.index_dir = Path(index_dir)

    @classmethod
    def open(cls, index_dir: Path, config: ScoringConfig | None = None) -> Engine:
        return cls(index_dir, config)

    def reports(self) -> list[ReportInfo]:
        return list(self.facts.infos.values())

    # ------------------------------------------------------------ pipeline

    def ask(self, question: str, report: str | None = None) -> Answer:
        """Answer one question; ``report`` restricts it to one report id (or its prefix)."""
        t0 = time.perf_counter()
        q = validate(question)
        plan = route(q, self.facts.infos, self.registry, report, self.index.store.reports_with_unit)
        if plan.refusal is not None:
            answer = not_found_answer(q, plan.refusal, list(plan.missing), self.reports())
        else:
            answer = self._across(q, plan) or compose(
                q, [(info, self._decide(q, info, plan)) for info in plan.reports], self.reports()
            )
        answer.latency_ms = (time.perf_counter() - t0) * 1000
        return answer

    def _across(self, q: str, plan: Route) -> Answer | None:
        """A ranking, comparison, trend, total or list over several reports, or None."""
        cross = self._cross_plan(q, plan)
        if cross is None:
            return None
        local = local_question(q, cross.mode)
        stored = self._stored_lines(local, cross.reports, plan)
        lines = [stored.get(info.id) or self._line(local, info, plan) for info in cross.reports]
        return compose_cross(q, cross, lines) or not_found_answer(q, "no_fact", [], self.reports())

    def _cross_plan(self, q: str, plan: Route) -> CrossPlan | None:
        if len(plan.reports) < 2:
            return None
        probe = parse(q, base_vocabulary(), plan.department_names)
        named = len({r.department for r in plan.reports}) if plan.department_names else 0
        asked_kind = ("决算" if {"actual", "executed"} & set(probe.measures)
                      else "预算" if "budget" in probe.measures else None)  # fmt: skip
        return plan_across(q, list(plan.reports), probe.operation, named, asked_kind)

    def cross_local(self, question: str) -> str | None:
        """The question as asked of each report, when it is answered across reports that it
        does not name (哪个部门…最多, 各部门…一共): what :meth:`precompute` can decide ahead."""
        q = validate(question)
        plan = route(q, self.facts.infos, self.registry, None, self.index.store.reports_with_unit)
        if plan.refusal is not None or plan.department_names:
            return None
        cross = self._cross_plan(q, plan)
        return local_question(q, cross.mode) if cross is not None else None

    def _line(self, local: str, info: ReportInfo, plan: Route) -> Line:
        """One report's line of a cross-report answer, remembered: a repeated ranking or
        table over many reports decides each report once."""
        key = (info.id, local, plan.department_names)
        hit = self._lines.get(key)
        if hit is None:
            hit = line(info, self._decide(local, info, plan, lookup=True)[2])
            self._lines.put(key, hit)
        return hit

    def _stored_lines(
        self, local: str, reports: tuple[ReportInfo, ...], plan: Route
    ) -> dict[str, Line]:
        """The lines decided ahead for this question (see :mod:`qa.precomputed`), for the
        reports the question's years do not move off their own year."""
        if self.stored is None:
            return {}
        frame = parse(local, base_vocabulary(), plan.department_names)
        same_year = [r for r in reports if set(frame.years) <= {r.year}]
        return self.stored.lines(signature(frame), same_year)

    def precompute(
        self, progress: Progress | None = None, workers: int = 2, frequent: Iterable[str] = ()
    ) -> PrecomputeResult:
        """Decide and store every report's lines for the standard figures and for the
        ``frequent`` cross-report questions (see :meth:`cross_local`); later questions with the
        same frame read them (incremental, atomic). Reports are decided in shards on
        ``workers`` local processes (1: here)."""

        def rows_of(todo: Todo) -> Iterator[tuple[int, list[Row]]]:
            if workers <= 1 or len(todo) < PRECOMPUTE_SHARD:
                for info, asked in todo:
                    yield 1, self._report_rows(info, asked)
                return
            pairs = [(i.id, asked) for i, asked in todo]
            shards = [(str(self.index_dir), pairs[k : k + PRECOMPUTE_SHARD])
                      for k in range(0, len(pairs), PRECOMPUTE_SHARD)]  # fmt: skip
            for _, (n, rows) in LocalExecutor(workers).map(_shard_rows, shards):
                yield n, rows

        locals_ = [local for q in frequent if (local := self._safe_local(q))]
        result = precompute(self.index_dir, self.reports(), _signature_of, rows_of, locals_,
                            progress)  # fmt: skip
        self.stored = StoredLines.open(self.index_dir)
        return result

    def _safe_local(self, question: str) -> str | None:
        try:
            return self.cross_local(question)
        except QuestionError:
            return None

    def _report_rows(self, info: ReportInfo, asked: Asked) -> list[Row]:
        whole = Route(())
        return report_rows(
            info, asked, lambda q, i: line(i, self._decide(q, i, whole, lookup=True)[2])
        )

    def explain(self, question: str, report: str | None = None) -> list[Explanation]:
        """The frame, the top ranked facts and the gate's decision, per report."""
        q = validate(question)
        plan = route(q, self.facts.infos, self.registry, report, self.index.store.reports_with_unit)
        out = []
        for info in plan.reports:
            frame, ranked, decision = self._decide(q, info, plan)
            out.append(Explanation(info, frame, ranked, decision))
        return out

    def _decide(
        self, q: str, info: ReportInfo, plan: Route, lookup: bool = False
    ) -> tuple[Frame, list[Scored], Decision]:
        """One report's decision; ``lookup``: the report's own figure only (a ranking or a
        total across reports is done over the reports, not inside one)."""
        facts = self.facts.report(info.id)
        frame = parse(q, self._vocabulary(facts), plan.department_names)
        if lookup and frame.operation in ("max", "min", "sum", "which"):
            frame = replace(frame, operation=None)
        result = self._decide_frame(q, info, facts, frame)
        # the asking clause names nothing ("…年初预算原本是多少？"): the clauses before it are
        # tried nearest first, each as what is asked
        for earlier in _earlier_clauses(frame) if result[2].reason == Reason.LOW_COVERAGE else ():
            tried = self._decide_frame(q, info, facts, earlier)
            if tried[2].status != "not_found":
                return tried
        own = _own_department_words(result[2], info, frame)
        if own and len(own) < len(frame.required):  # 街道办公费: 街道 is the department asked
            kept = tuple(t for t in frame.terms if t not in own)
            tried = self._decide_frame(q, info, facts, replace(frame, terms=kept))
            if tried[2].status != "not_found":
                return tried
        return result

    def _decide_frame(
        self, q: str, info: ReportInfo, facts: ReportFacts, frame: Frame
    ) -> tuple[Frame, list[Scored], Decision]:
        query = Query(frame, info.kind, info.year, self.config.measure_compat)
        ranked = self._rerank(
            q, info, query, self.scorer.rank(query, self._candidates(facts, frame))
        )
        operated = operate(query, ranked, facts, self.scorer, self.config)
        if operated is not None:
            return frame, ranked, operated
        return frame, ranked, narrowed(gate(query, ranked, self.config), frame, info, facts)

    def _rerank(self, q: str, info: ReportInfo, query: Query, ranked: list[Scored]) -> list[Scored]:
        """Retrieval second: when the lexical ranking is too close to call, the best facts are
        scored again with their e5 + BM25 similarity to the question (the gate's data says
        how close is close: ``dense_gate_margin``); not when the close facts all state the
        same figure (the gate cites them together)."""
        t = self.config.thresholds
        eligible = [
            s for s in ranked if s.values["required_coverage"] >= t["min_required_coverage"]
        ]
        margin = t["dense_gate_margin"]
        close = [s for s in eligible if eligible[0].total - s.total < margin]
        if len(close) < 2 or all(same_figure(close[0].fact, s.fact) for s in close[1:]):
            return ranked  # clear, or every close fact states the same figure
        top = eligible[: int(t["dense_candidates"])]
        asked = query.frame.text  # without the department: one report's phrases never name it
        for name in query.frame.departments:
            asked = asked.replace(normalize(name), "")
        query.dense.update(self.retriever.similarities(asked, info.id, [s.fact for s in top]))
        rescored = [self.scorer.score(query, s.view) for s in top]
        rest = [s for s in ranked if s not in top]
        return sorted(rescored, key=lambda s: -s.total) + rest

    def _candidates(self, facts: ReportFacts, frame: Frame) -> list:
        return candidates(facts, frame, int(self.config.thresholds["max_candidates"]))

    def _vocabulary(self, facts: ReportFacts) -> Vocabulary:
        vocab = facts.memo.get("vocabulary")  # kept while the report's facts are loaded
        if vocab is None:
            vocab = base_vocabulary().with_labels(facts.labels, normalized=True)
            facts.memo["vocabulary"] = vocab
        return vocab


_WORKER_ENGINES: dict[str, Engine] = {}  # one engine per index in a precompute worker


def _shard_rows(task: tuple[str, list[tuple[str, Asked]]]) -> tuple[int, list[Row]]:
    """A precompute task: the stored-line rows of some reports of an index."""
    index_dir, todo = task
    engine = _WORKER_ENGINES.get(index_dir)
    if engine is None:
        engine = _WORKER_ENGINES[index_dir] = Engine(Path(index_dir))
    rows = [r for rid, asked in todo for r in engine._report_rows(engine.facts.infos[rid], asked)]
    return len(todo), rows


def _signature_of(question: str) -> str:
    return signature(parse(question, base_vocabulary()))


def _own_department_words(decision: Decision, info: ReportInfo, frame: Frame) -> set[Term]:
    """The asked words that are part of the report's own department name (街道 of 万里街道
    办事处, 政协 of 江苏省政协办公厅, 他们局的): a reference to the department, not a subject,
    even where a label holds them too (政协事务). For a refusal on coverage, only when every
    missing word is such a part; for another refusal, those of the asked words."""
    if decision.status != "not_found":
        return set()
    name = normalize(info.department)
    coverage = decision.reason == Reason.LOW_COVERAGE and decision.missing
    words = decision.missing if coverage else frame.required
    own = {t for t in words if len(t.text) >= 2 and t.text in name}
    return set() if coverage and len(own) != len(decision.missing) else own


def _earlier_clauses(frame: Frame) -> list[Frame]:
    """When no term stands in an asking clause: one frame per earlier clause that names
    something, nearest first (beyond the one ``Frame.required`` already chose)."""
    if any(t.asked for t in frame.terms):
        return []
    clauses = sorted({t.clause for t in frame.terms if not t.negated}, reverse=True)
    chosen = {t.clause for t in frame.required}
    out = []
    for c in clauses:
        if c in chosen:
            continue
        terms = tuple(replace(t, asked=t.clause == c) for t in frame.terms)
        out.append(replace(frame, terms=terms))
    return out
