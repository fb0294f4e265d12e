"""Narrative figures as facts: each :class:`StatedFigure` of a paragraph, cited by the
sentence it stands in (with the section path and the paragraph's page and box).

The paragraphs of a report are read in order, so that a list one paragraph opens
(``（二）支出总计 X 万元，包括：``) puts the numbered paragraphs after it under its parent. The
measure as printed before a figure (年初预算, 全年预算, 决算数 …) is the fact's column, which keeps
a 年初预算 and a 全年预算 of one subject apart."""

from __future__ import annotations

import re

from indexer.facts import Fact
from indexer.model import PATH_SEP, Paragraph, Report
from indexer.sentence_lists import ListContext, parse_in_context
from indexer.sentences import StatedFigure

_SENTENCE_END = "。；;！？!?"
MAX_QUOTE_CHARS = 160
_TOTAL_END = re.compile(r"(合计|总计|小计|总额)$")


def _sentence(text: str, span: tuple[int, int], label: str = "") -> str:
    """The sentence of ``text`` around ``span``: at most MAX_QUOTE_CHARS, the figure kept,
    and, where the sentence names it, the figure's own label (the quote says what it is)."""
    start = max((text.rfind(ch, 0, span[0]) for ch in _SENTENCE_END), default=-1) + 1
    ends = [i for ch in _SENTENCE_END if (i := text.find(ch, span[1])) >= 0]
    end = min(ends) + 1 if ends else len(text)
    if end - start > MAX_QUOTE_CHARS:
        named = text.rfind(label, start, span[0]) if label else -1
        start = named if named >= 0 else max(start, span[0] - MAX_QUOTE_CHARS // 2)
        end = min(end, max(span[1], start + MAX_QUOTE_CHARS))
    return text[start:end].strip()


_CLAUSE_END = re.compile(r"[，,。；;：:]")
MIN_TOPIC_CHARS = 4


def _topic(text: str, clause: str) -> tuple[str, ...]:
    """The paragraph's opening clause when it names its topic without a figure ("由…建设的
    万里街道社区公共服务中心新建工程，位于…，用地面积约为4000.6平方米"): what the later
    clauses' figures are about; () when it states a figure or is the figure's own clause."""
    m = _CLAUSE_END.search(text)
    first = text[: m.start()].strip() if m else ""
    if len(first) < MIN_TOPIC_CHARS or any(ch.isdigit() for ch in first) or first in clause:
        return ()
    return (first,)


def _measure(sf: StatedFigure, report_kind: str) -> str:
    """A level with no budget/actual word is the report's own kind of figure."""
    if sf.measure == "amount":
        return "budget" if report_kind == "预算" else "actual"
    return sf.measure


def paragraph_facts(
    report: Report, paragraph: Paragraph, ordinal: int, context: ListContext
) -> list[Fact]:
    """Every figure stated in one paragraph (``context``: what the paragraphs before it left
    open)."""
    out = []
    for sf in parse_in_context(paragraph.text, report.year, paragraph.section, context):
        section = PATH_SEP.join(paragraph.section) or "正文"
        out.append(
            Fact(
                report_id=report.id,
                origin="sentence",
                row=sf.subject,
                column=(sf.measure_word,) if sf.measure_word else (),
                measure=_measure(sf, report.kind),
                period=sf.period,
                value=sf.value,
                text=sf.text,
                unit=sf.unit,
                page=paragraph.page,
                bbox=paragraph.bbox,
                locator=f"{section} › {sf.subject[-1] if sf.subject else ''} › 第{ordinal}段",
                quote=_sentence(paragraph.text, sf.span, sf.subject[-1] if sf.subject else ""),
                context=(*paragraph.section, *_topic(paragraph.text, sf.clause), sf.clause),
                base=sf.base,
                source_path=paragraph.source_path or report.source_path,
                total=bool(sf.subject and _TOTAL_END.search(sf.subject[-1])),
            )
        )
    return out


def sentence_facts(report: Report) -> list[Fact]:
    """The narrative's facts, paragraph by paragraph (ordinals count within a section)."""
    out: list[Fact] = []
    seen: dict[tuple[str, ...], int] = {}
    context = ListContext()
    for p in report.paragraphs:
        seen[p.section] = seen.get(p.section, 0) + 1
        out += paragraph_facts(report, p, seen[p.section], context)
    return out
