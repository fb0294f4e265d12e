"""Facts: every figure a report states, from a table cell, an appendix record or a sentence.

A :class:`Fact` says what the figure is about (``row``: the subject path, outermost first;
``column``: the qualifiers of its column such as 基本支出 or 人员经费), what was measured
(``measure``: budget, actual, change …), for which period, its exact value as printed, and
where it stands (page, box, locator, quote). One list of facts serves tables, narrative and
appendix alike; the QA engine ranks facts, never raw text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from indexer.model import PATH_SEP, BBox
from indexer.sentence_grammar import FIGURE

MEASURES = (
    "amount",  # a level with no budget/actual word (a 预算 report's amounts are budgets)
    "budget",  # 预算数, 年初预算, 全年预算
    "actual",  # 决算数, 实际支出
    "executed",  # 执行数 (of a project or task)
    "change",  # 比上年增加/减少 x (signed)
    "change_rate",  # 增长/下降 y% (signed)
    "share",  # 占 … 的 y%
    "completion_rate",  # 完成 … 的 y%, 执行率
    "count",  # 8 辆, 12 个项目
    "score",  # 自评得分
    "average",  # 平均
)
ORIGINS = ("cell", "record", "sentence")
CURRENT, PREVIOUS = "current", "previous"
_CLAUSE_TRIM = " ，,；;。：:"

INDICATOR_COLUMNS = ("年度指标值", "实际完成值", "指标得分")  # a 绩效 indicator's own figures


@dataclass(frozen=True)
class Fact:
    """One stated figure with what it is about and where it stands."""

    report_id: str
    origin: str  # cell | record | sentence
    row: tuple[str, ...]  # subject path, outermost first
    column: tuple[str, ...]  # column qualifiers (not measure, period or structure words)
    measure: str
    period: str  # current | previous | a 4-digit year
    value: Decimal
    text: str  # as printed ("" for a cell printed empty, read as 0)
    unit: str | None
    page: int | None
    bbox: BBox | None
    locator: str
    quote: str
    context: tuple[str, ...] = ()  # table name or section heading path
    table_kind: str | None = None  # standard-table key, unit_perf, project_perf
    code: str | None = None  # the row's subject code (2110301)
    base: tuple[str, ...] = ()  # what a change/share/completion compares with
    source_path: str | None = None  # the file the page belongs to
    total: bool = False  # a 合计/总计/小计 row or column

    @property
    def id(self) -> str:
        """A stable id derived from the content, as Haystack's Document does."""
        key = PATH_SEP.join(
            [self.report_id, self.origin, *self.row, "|", *self.column, self.measure,
             self.period, self.text, str(self.page), self.locator]
        )  # fmt: skip
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    @property
    def empty(self) -> bool:
        """A cell printed empty: the table states no such spending (read as 0)."""
        return self.text == ""

    @property
    def label(self) -> str:
        """The subject as one phrase: row path and column qualifiers."""
        return PATH_SEP.join(p for p in (*self.row, *self.column) if p)

    @property
    def indicator(self) -> bool:
        """A 绩效 indicator's own figure (年度指标值, 实际完成值, 指标得分)."""
        return self.origin == "record" and bool(self.column) and self.column[0] in INDICATOR_COLUMNS

    @property
    def phrase(self) -> str:
        """The short text embedded and BM25-indexed for what this fact is about.

        A cell: its label (row path › column qualifiers); a 绩效 record: its row path (unit ›
        task, or project), whose column is only the measured field (an indicator: its unit or
        project, so that indicators add no vectors to embed); a sentence: its clause
        without figures, after the subject when the clause does not name it. Neither table
        title nor section is included: facts of one subject share one phrase (one vector),
        and the context is matched word by word by the scorer.
        """
        if self.indicator:
            return self.row[0]  # an indicator shares its unit's or project's vector
        if self.origin == "record":
            return PATH_SEP.join(p for p in self.row if p)
        if self.origin != "sentence":
            return self.label
        clause = FIGURE.sub("", self.context[-1] if self.context else "").strip(_CLAUSE_TRIM)
        if all(p in clause for p in self.row):
            return clause or self.label
        return f"{self.label}：{clause}" if clause else self.label

    def __repr__(self) -> str:
        where = f"p.{self.page}" if self.page else self.origin
        shown = self.text or "空"
        return (
            f"Fact({self.label} | {self.period} {self.measure} | {shown} {self.unit or ''} | "
            f"{self.context[0] if self.context else ''} {where})"
        )
