"""The QA pipeline, top to bottom: validate → understand → pick the report(s) → aggregates,
computed figures, deterministic table/record lookups, narrative figures (with hybrid
retrieval) → one answer with citations, or a polite not_found. Never a guessed figure."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

from indexer.embedder import CachedEmbedder, make_embedder
from indexer.index import load_index
from indexer.store import ReportInfo
from qa.answer import Answer, Citation, Figure
from qa.candidates import Candidate, fmt_value, plain
from qa.knowledge import ReportKnowledge, load_knowledge
from qa.lookup import (
    aggregate_candidates,
    project_candidates,
    table_candidates,
    unit_candidates,
)
from qa.matching import coverage, longest_common
from qa.narrative import narrative_candidates
from qa.retrieval import HybridRetriever
from qa.understand import Intent, QuestionError, normalize, understand, validate

__all__ = ["Engine", "QuestionError"]

_CHANGE_WORDS = re.compile(r"与上年相比|比上年|较上年|同比|增加|减少|增长|降低|下降|今年|本年|的")
_NON_FIGURE = re.compile(r"是谁|叫什么|是什么|什么样|为什么|为何|怎么|如何|在哪|哪里|原因")
_FIGURE_WORDS = re.compile(
    r"多少|几|金额|数额|数字|率|比例|得分|分数|哪个|哪些|最高|最低|最多|最少"
)
_FOREIGN_UNIT = re.compile(r"平方米|平米|公顷|亩|公里|千米|吨|立方米|岁|小时|千瓦")
_ORGANISATION = re.compile(
    r"(?:[\u4e00-\u9fa5]{2,8}?(?:省|市|区|县|州))+[\u4e00-\u9fa5]{0,14}?"
    r"(?:局|委员会|办公室|中心|院|厅|办事处|执法队|工作部)"
)
MIN_TABLE_SCORE = 4.0
MIN_TEXT_SCORE = 6.0
_NARRATIVE_FIRST = {"change", "share", "completion", "average"}


class Engine:
    """Answers questions over one index; load once, ask many times."""

    def __init__(self, index_dir: Path) -> None:
        self.index = load_index(Path(index_dir))
        embedder = make_embedder(self.index.manifest.embedder)
        self.embedder = CachedEmbedder(embedder, Path(index_dir) / "cache" / "embeddings.sqlite")
        self.knowledge = load_knowledge(self.index.store)
        self.retriever = HybridRetriever(self.index.store, self.index.vectors, self.embedder)

    @classmethod
    def open(cls, index_dir: Path) -> Engine:
        """Load an index (SQLite, FAISS, embedder) for answering."""
        return cls(index_dir)

    def reports(self) -> list[ReportInfo]:
        return [k.info for k in self.knowledge.values()]

    # ------------------------------------------------------------ public API

    def ask(self, question: str, report: str | None = None) -> Answer:
        """Answer one question; ``report`` restricts it to one report id."""
        t0 = time.perf_counter()
        q = validate(question)
        intent = understand(q)
        refusal = self._not_a_figure_question(q, intent)
        if refusal is not None:
            refusal.latency_ms = (time.perf_counter() - t0) * 1000
            return refusal
        scope, scoped = self._scope(intent, report)
        if isinstance(scoped, Answer):  # a refusal: unknown report or year
            scoped.question = q
            scoped.latency_ms = (time.perf_counter() - t0) * 1000
            return scoped
        intent = scoped
        results = [(kb, self._answer_in(kb, intent)) for kb in scope]
        answered = [(kb, c) for kb, c in results if c is not None]
        if not answered:
            ans = self._not_found(q, scope)
        elif len(answered) == 1 or len(scope) == 1:
            kb, c = answered[0]
            ans = self._compose(q, c, kb, named=len(self.knowledge) > 1)
        else:
            ans = self._per_report(q, answered)
        ans.latency_ms = (time.perf_counter() - t0) * 1000
        return ans

    # ------------------------------------------------------------ scope

    def _scope(
        self, intent: Intent, report: str | None
    ) -> tuple[list[ReportKnowledge], Intent | Answer]:
        """The reports to answer from and the question without the department's name, or a
        not_found Answer for a report id or year that is not indexed."""
        reports = list(self.knowledge.values())
        if report:
            hit = [k for k in reports if k.info.id == report or k.info.id.startswith(report)]
            if not hit:
                return [], Answer(intent.text, "not_found", f"索引中没有编号为 {report} 的报告。"
                                  + self._covered())  # fmt: skip
            reports = hit
        named = [k for k in reports if _names_department(k, intent)]
        if named:
            reports = named
            intent = _without_department(intent, named[0])
        elif len(reports) > 1:
            reports = _closest_departments(reports, intent) or reports
        if not intent.wants("last_year") and any(
            k.info.year and y == k.info.year - 1 for y in intent.years for k in reports
        ):  # "2023年收入总计" in the 2024 report: last year's figure, computed
            intent = replace(intent, metrics=intent.metrics | {"last_year"})
        years = [y for y in intent.years if not _is_last_year_mention(intent, y, reports)]
        if years:
            in_year = [k for k in reports if k.info.year in years]
            if not in_year:
                ys = "、".join(str(y) for y in sorted(set(years)))
                msg = f"抱歉，已索引的报告中没有 {ys} 年度的内容。" + self._covered()
                return [], Answer(intent.text, "not_found", msg)
            reports = in_year
        return reports, intent

    def _not_a_figure_question(self, q: str, intent: Intent) -> Answer | None:
        """Questions ReportQA cannot answer from a budget report's figures: a person or a
        reason (是谁, 为什么), a unit no budget figure has (平方米), or an organisation that
        no indexed report covers (北京市生态环境局)."""
        text = intent.text
        if _NON_FIGURE.search(text) and not _FIGURE_WORDS.search(text):
            return Answer(q, "not_found", "抱歉，报告只公开收支数字及其说明，无法回答这类问题。"
                          + self._covered())  # fmt: skip
        if m := _FOREIGN_UNIT.search(text):
            return Answer(q, "not_found", f"抱歉，报告中没有以“{m.group(0)}”计量的数字。"
                          + self._covered())  # fmt: skip
        names = [normalize(k.info.department) for k in self.knowledge.values()]
        names += [u.key for k in self.knowledge.values() for u in k.units]
        for org in _ORGANISATION.findall(text):
            if not any(org in n or n in org for n in names):
                return Answer(q, "not_found", f"抱歉，已索引的报告中没有“{org}”的内容。"
                              + self._covered())  # fmt: skip
        return None

    def _covered(self) -> str:
        names = "、".join(f"《{k.info.title}》" for k in self.knowledge.values())
        return f"目前可查询的报告有：{names}。"

    # ------------------------------------------------------------ one report

    def _answer_in(self, kb: ReportKnowledge, intent: Intent) -> Candidate | None:
        agg = aggregate_candidates(kb, intent)
        if agg and (intent.wants("max") or intent.wants("min") or intent.wants("sum")):
            return agg[0]
        narrative_first = bool(intent.metrics & _NARRATIVE_FIRST or intent.count_unit)
        records, tables = ([], []) if narrative_first else _lookups(kb, intent)
        if not narrative_first and not intent.wants("last_year"):
            quick = _confident_answer(kb, intent, records, tables)
            if quick is not None:
                return quick  # a confident table/record answer needs no retrieval
        boost = self._boost(kb, intent)
        if intent.wants("last_year") and not intent.wants("change"):
            computed = self._last_year(kb, intent, boost)
            if computed:
                return computed
        text = [c for c in narrative_candidates(kb, intent, boost) if c.score >= MIN_TEXT_SCORE]
        if narrative_first:
            if agg and (not text or text[0].coverage < 8):
                same = [t for t in text if t.value == agg[0].value]
                return _with_extra_citations(agg[0], same[0]) if same else agg[0]
            return text[0] if text else None
        if records and (not tables or records[0].score >= tables[0].score):
            return _ambiguous_or_best(records)
        if tables and text and text[0].coverage > tables[0].coverage + 2:
            return text[0]
        if tables:
            best = tables[0]
            if best.empty:
                same = [t for t in text if t.value == 0 and _related(t, best)]
                if same:
                    return _with_extra_citations(same[0], best)
            return _reconcile(best, tables[1:], text)
        if agg:
            return agg[0]
        return text[0] if text else None

    def _boost(self, kb: ReportKnowledge, intent: Intent) -> dict[str, float]:
        """Paragraphs inside the retrieved chunks get a bonus by rank."""
        hits = self.retriever.search(intent.text, kb.info.id, k=6)
        boost: dict[str, float] = {}
        for rank, h in enumerate(hits):
            bonus = 1.5 / (1 + rank)
            for p in kb.paragraphs:
                if p.text in h.text and boost.get(p.text, 0) < bonus:
                    boost[p.text] = bonus
        return boost

    def _last_year(self, kb: ReportKnowledge, intent: Intent, boost) -> Candidate | None:
        """Last year's figure = this year's figure ∓ the stated change (method computed)."""
        base = replace(intent, metrics=intent.metrics - {"last_year"})
        change = replace(intent, metrics=base.metrics | {"change"})
        deltas = [c for c in narrative_candidates(kb, change, boost) if c.unit == "万元"]
        currents = table_candidates(kb, base) + [
            c for c in narrative_candidates(kb, base, boost) if c.unit == "万元"
        ]
        pair = None
        for d in deltas[:5]:
            # what changed, e.g. "今年收入总计增加" → 收入总计; it must be what was asked
            subject = re.sub(r"[\d\s年度]+", "", _CHANGE_WORDS.sub("", normalize(d.subject)))
            if len(subject) < 2 or coverage(subject, intent) < 2:
                continue
            same = [c for c in currents if subject in normalize(c.subject)]
            if same:
                pair = d, same[0]
                break
        if pair is None:
            return None
        d, cur = pair
        lead = d.citations[0].quote
        sign = -1 if re.search(r"(减少|降低|下降)\s*" + re.escape(str(d.value)), lead) else 1
        prior = cur.value - sign * d.value
        op = "−" if sign > 0 else "+"
        word = "增加" if sign > 0 else "减少"
        unit = cur.unit or "万元"
        answer = (
            f"上年（{kb.info.year - 1 if kb.info.year else '上'}年）{cur.label}为"
            f"{plain(prior)}{unit}：本年 {plain(cur.value)}{unit} {op} 比上年{word}的 "
            f"{plain(d.value)}{unit} = {plain(prior)}{unit}。"
        )
        figs = [Figure(f"上年 {cur.label}", prior, unit), *cur.figures, *d.figures]
        return Candidate(cur.score, "computed", prior, unit, f"上年 {cur.label}", answer,
                         cur.citations + d.citations, figs, cur.subject)  # fmt: skip

    # ------------------------------------------------------------ composing

    def _compose(self, q: str, c: Candidate, kb: ReportKnowledge, named: bool) -> Answer:
        text = c.answer
        if named:
            text = f"据《{kb.info.title}》：{text}"
        status = "ambiguous" if c.method == "ambiguous" else "answered"
        method = "table" if status == "ambiguous" else c.method
        value = None if status == "ambiguous" else c.value
        return Answer(q, status, text, value, c.unit, c.figures, c.citations, method,
                      kb.info.title)  # fmt: skip

    def _per_report(self, q: str, answered: list[tuple[ReportKnowledge, Candidate]]) -> Answer:
        lines, figs, cits = [], [], []
        for kb, c in answered:
            lines.append(f"《{kb.info.title}》：{c.answer}")
            figs += [Figure(f"{kb.info.title} {f.label}", f.value, f.unit) for f in c.figures[:1]]
            cits += c.citations
        first = answered[0][1]
        text = "问题未指明报告，以下分别列出各报告的数字：\n" + "\n".join(lines)
        return Answer(q, "answered", text, first.value, first.unit, figs, cits, first.method)

    def _not_found(self, q: str, scope: list[ReportKnowledge]) -> Answer:
        covers = (
            "收支总体情况、财政拨款支出、“三公”经费、基本支出明细、机关运行经费、"
            "政府采购、国有资产、绩效自评等"
        )
        return Answer(
            q, "not_found",
            f"抱歉，报告中没有找到与该问题对应的数字或说明，无法回答。报告涵盖：{covers}。"
            + self._covered(),
        )  # fmt: skip


def _lookups(kb: ReportKnowledge, intent: Intent) -> tuple[list[Candidate], list[Candidate]]:
    """Record candidates (best first) and table candidates above the table threshold."""
    records = unit_candidates(kb, intent) + project_candidates(kb, intent)
    records.sort(key=lambda c: -c.score)
    tables = [c for c in table_candidates(kb, intent) if c.score >= MIN_TABLE_SCORE]
    return records, tables


def _confident_answer(
    kb: ReportKnowledge, intent: Intent, records: list[Candidate], tables: list[Candidate]
) -> Candidate | None:
    """The deterministic answer when a record or table row clearly wins without any
    retrieval (the narrative is still read, unranked, to cite or contradict it)."""
    if records and (not tables or records[0].score >= tables[0].score):
        return _ambiguous_or_best(records)
    if not tables or tables[0].empty:
        return None
    text = [c for c in narrative_candidates(kb, intent, {}) if c.score >= MIN_TEXT_SCORE - 2]
    if text and text[0].coverage > tables[0].coverage + 2:
        return None  # the narrative names the question better: rank it with retrieval
    return _reconcile(tables[0], tables[1:], text)


def _names_department(kb: ReportKnowledge, intent: Intent) -> bool:
    dept = normalize(kb.info.department)
    short = re.sub(r"^(辽宁省|上海市|.{2,3}省)", "", dept)
    return bool(short) and (dept in intent.text or short in intent.text)


def _closest_departments(reports: list[ReportKnowledge], intent: Intent) -> list[ReportKnowledge]:
    """Reports whose department the question names in part (万里街道办事处, 社会福利院): the
    longest common part, at least 4 characters, that not every report shares."""
    scores = {k.info.id: longest_common(normalize(k.info.department), intent.text) for k in reports}
    best = max(scores.values())
    if best < 4 or all(v == best for v in scores.values()):
        return []
    return [k for k in reports if scores[k.info.id] == best]


def _without_department(intent: Intent, kb: ReportKnowledge) -> Intent:
    """The question without the department's name, which only chose the report."""
    dept = normalize(kb.info.department)
    names = sorted({dept, re.sub(r"^(辽宁省|上海市|.{2,3}省)", "", dept)}, key=len, reverse=True)
    text = intent.text
    for name in names:
        text = text.replace(name, "")
    return replace(intent, text=text, terms=[text, *intent.terms[1:]])


def _is_last_year_mention(intent: Intent, year: int, reports: list[ReportKnowledge]) -> bool:
    """``上年（2023年）`` names last year, not a report to answer from."""
    return intent.wants("last_year") and any(k.info.year == year + 1 for k in reports)


def _related(a: Candidate, b: Candidate) -> bool:
    """Whether two candidates state a figure of the same thing (the narrative's subject
    ends with the table row's name: "3. 节能环保支出" ~ "节能环保支出")."""
    sa, sb = normalize(a.subject), normalize(b.subject)
    return bool(sa and sb) and (sa.endswith(sb) or sb.endswith(sa) or sa.endswith(sb.rstrip("费")))


def _with_extra_citations(c: Candidate, other: Candidate) -> Candidate:
    return replace(c, citations=c.citations + other.citations)


def _reconcile(best: Candidate, others: list[Candidate], text: list[Candidate]) -> Candidate:
    """Cite the narrative where it states the same figure; say so where sources disagree.

    When the report disagrees with itself, the figure most of its tables and its narrative
    state is answered (8,082.62 in 公开02/03/05表 and the text against 8,082.61 in 01/04).
    """
    same = [best] + [o for o in others if o.subject == best.subject and not o.empty]
    related = [t for t in text[:3] if _related(t, best) and t.unit == best.unit]
    support: dict = {}
    for c in same + related[:1]:
        support[c.value] = support.get(c.value, 0) + 1
    if support and support.get(best.value, 0) < max(support.values()):
        top = max(support, key=lambda v: support[v])
        best = next((c for c in same if c.value == top), best)
        others = [o for o in others if o is not best]
    notes = []
    extra: list[Citation] = []
    seen = {best.value}
    for o in others:
        if o.subject == best.subject and o.value not in seen and not o.empty:
            seen.add(o.value)
            notes.append(
                f"{o.citations[0].locator.split(' › ')[0]}为{fmt_value(plain(o.value), o.unit)}"
            )
            extra += o.citations
    for t in text[:3]:
        if _related(t, best):
            if t.value == best.value:
                extra += t.citations[:1]
                break
            if t.value not in seen and t.unit == best.unit:
                seen.add(t.value)
                notes.append(f"正文为{fmt_value(plain(t.value), t.unit)}")
                extra += t.citations[:1]
                break
    answer = best.answer
    figures = list(best.figures)
    if notes:
        answer += f"注意：报告内数字不一致，{'；'.join(notes)}。"
        figures += [
            Figure(f"{best.label}（另见）", v, best.unit) for v in sorted(seen - {best.value})
        ]
    return replace(best, answer=answer, citations=best.citations + extra, figures=figures)


def _ambiguous_or_best(records: list[Candidate]) -> Candidate:
    """Several records with the same name (one project under several units) → all listed."""
    top = records[0]
    same = [r for r in records if r.subject == top.subject and abs(r.score - top.score) < 1e-6]
    if len(same) < 2:
        return top
    lines = "；".join(f"{r.figures[0].label}：{fmt_value(plain(r.value), r.unit)}" for r in same)
    answer = f"有 {len(same)} 个同名项目，分别是：{lines}。请指明实施单位。"
    figs = [f for r in same for f in r.figures]
    cits = [c for r in same for c in r.citations]
    return Candidate(top.score, "ambiguous", None, top.unit, top.label, answer, cits, figs,
                     top.subject)  # fmt: skip
