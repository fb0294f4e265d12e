"""Decisions → the Answer contract: figure, unit, a sentence, every figure cited."""

from __future__ import annotations

from indexer.facts import Fact
from indexer.list_facts import listed_items
from indexer.store import ReportInfo
from qa import messages
from qa.answer import Answer, Citation, Figure, ReportFigure
from qa.fact_store import row_under
from qa.frame import Frame
from qa.gate import Decision, Reason, grounded
from qa.scorer import Scored

METHOD_OF_ORIGIN = {"cell": "table", "record": "table", "sentence": "text"}


def citation(fact: Fact, report: ReportInfo) -> Citation:
    kind = {"cell": "cell", "record": "record", "sentence": "paragraph"}[fact.origin]
    return Citation(report.title, fact.page, fact.locator, fact.quote, report.id, fact.bbox, kind,
                    fact.source_path)  # fmt: skip


def figure(fact: Fact, label: str | None = None) -> Figure:
    """A stated figure; a change is stated as its size (the answer says which way)."""
    value = abs(fact.value) if fact.measure in ("change", "change_rate") else fact.value
    return Figure(label or fact.label, value, fact.unit)


def compose(
    question: str,
    results: list[tuple[ReportInfo, tuple[Frame, list[Scored], Decision]]],
    indexed: list[ReportInfo],
) -> Answer:
    """One answer from each report's decision: the answered one, or a line per report."""
    answered = [(info, d) for info, (_, _, d) in results if d.status != "not_found"]
    if not answered:
        reason, missing = Reason.NO_FACT, []
        if results:
            decision = results[0][1][2]
            reason, missing = decision.reason, [t.text for t in decision.missing]
        answer = not_found_answer(question, reason.value, missing, indexed)
        if len(results) == 1:
            answer.report = results[0][0].title  # the report that was searched
        return answer
    if len(answered) == 1:
        info, decision = answered[0]
        answer = _one_report(question, info, decision)
        if len(indexed) > 1:
            answer.answer = f"据《{info.title}》：{answer.answer}"
        return answer
    return _several_reports(question, answered)


def _one_report(question: str, info: ReportInfo, decision: Decision) -> Answer:
    if decision.status == "ambiguous":
        facts = [s.fact for s in decision.chosen]
        return Answer(
            question, "ambiguous", messages.listed(facts, info.year), None, facts[0].unit,
            [figure(f) for f in facts], [citation(f, info) for f in facts], "table", info.title,
        )  # fmt: skip
    if decision.computed is not None:
        return _computed(question, info, decision)
    if decision.note == "list":
        facts = [s.fact for s in decision.chosen]
        text = "分别为：" + "；".join(messages.answered(f, info.year).rstrip("。") for f in facts)
        return Answer(question, "answered", text + "。", facts[0].value, facts[0].unit,
                      [figure(f) for f in facts], [citation(f, info) for f in facts],
                      METHOD_OF_ORIGIN[facts[0].origin], info.title)  # fmt: skip
    best = decision.best
    if best is None or not grounded(best.fact):
        return not_found_answer(question, Reason.NO_FACT.value, [], [info])
    fact = best.fact
    text = messages.answered(fact, info.year)
    # a count of what the quote lists one by one, not printed: shown as counted
    listed = fact.measure == "count" and fact.text not in fact.quote
    counted = listed_items(fact.quote) if listed else []
    if counted:
        text = text.rstrip("。") + f"（计数：{'、'.join(counted)} = {len(counted)}{fact.unit}）。"
    if decision.note:
        text = f"{decision.note}的是“{fact.row[-1] if fact.row else fact.label}”：{text}"
    figures = [figure(fact)]
    citations = [citation(fact, info)] + [
        citation(s.fact, info) for s in decision.support if grounded(s.fact)
    ]
    also = [s.fact for s in decision.also if grounded(s.fact)]
    if also:
        text += messages.disagreement([(_where(f), f) for f in also])
        figures += [figure(f, f"{f.label}（另见）") for f in also]
        citations += [citation(f, info) for f in also]
    readings = [s.fact for s in decision.readings if grounded(s.fact)]
    parts = [f for f in readings if row_under(f.row, fact.row)]
    if parts:
        text += messages.parts_of(parts)
    if others := [f for f in readings if f not in parts]:
        text += messages.other_readings(others)
    if readings:
        figures += [figure(f, f"{f.label}（另一口径）") for f in readings]
        citations += [citation(f, info) for f in readings]
    method = METHOD_OF_ORIGIN[fact.origin]
    if counted:
        method = "computed"
    value = abs(fact.value) if fact.measure in ("change", "change_rate") else fact.value
    return Answer(question, "answered", text, value, fact.unit, figures, citations, method,
                  info.title)  # fmt: skip


def _where(fact: Fact) -> str:
    """Where a figure is printed, in a few words: its table, or the narrative."""
    if fact.origin == "sentence":
        return "正文"
    return fact.context[0] if fact.context else "表格"


def _computed(question: str, info: ReportInfo, decision: Decision) -> Answer:
    """A figure computed from cited facts: the result, then the formula."""
    c = decision.computed
    if not all(grounded(f) for f in c.inputs):
        return not_found_answer(question, Reason.NO_FACT.value, [], [info])
    text = f"{c.label}为{messages.amount('', c.value, c.unit)}（{c.formula}）"
    figures = [Figure(c.label, c.value, c.unit), *(figure(f) for f in c.inputs)]
    citations = [citation(f, info) for f in c.inputs]
    return Answer(question, "answered", text, c.value, c.unit, figures, citations, "computed",
                  info.title)  # fmt: skip


def _several_reports(question: str, answered: list[tuple[ReportInfo, Decision]]) -> Answer:
    """A compact table: one line per report, each cited."""
    rows, citations, figures = [], [], []
    for info, decision in answered:
        best = decision.best
        if best is None:
            continue
        c = decision.computed
        value, unit = (c.value, c.unit) if c else (best.fact.value, best.fact.unit)
        label = c.label if c else best.fact.label
        citations.append(citation(best.fact, info))
        figures.append(Figure(f"{info.title} {label}", value, unit))
        rows.append(ReportFigure(info.title, info.department, info.year, info.kind, label,
                                 value, unit, len(citations) - 1, info.id))  # fmt: skip
    lines = "\n".join(
        f"{r.department} {r.year or ''}年{r.kind}：{messages.amount('', r.value, r.unit)}"
        for r in rows
    )
    text = f"问题未指明报告，以下分别列出各报告的数字（可在问题中写明部门或年度）：\n{lines}"
    first = rows[0]
    return Answer(question, "answered", text, first.value, first.unit, figures, citations,
                  "table", table=rows)  # fmt: skip


def not_found_answer(
    question: str, reason: str, missing: list[str], indexed: list[ReportInfo]
) -> Answer:
    covered = messages.covered_reports([r.title for r in indexed]) if indexed else ""
    return Answer(question, "not_found", messages.not_found(reason, missing, covered))
