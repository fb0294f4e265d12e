"""Figures stated in a report's narrative, each bound to its own label, measure and period.

``parse_paragraph`` reads one paragraph top to bottom with the small steps of
:mod:`indexer.sentence_grammar` (whose wording lives in ``sentence_words.json``):

1. ``find_mentions``: every printed number with a unit (``1,234.56 万元``, ``95.89%``,
   ``8 辆``). A threshold inside a label (``单价 100 万元以上设备``), a range (``2-3 次``) and
   an ordinal (``第 2 批``) are not figures and stay part of the text.
2. ``bracket_depths``: brackets matched within each sentence. A bracket group right after a
   figure lists that figure's parts (``车辆 7 辆（一般公务用车 3 辆，…）``).
3. ``split_sentences`` / ``split_clauses``: a clause ends at ，；： outside brackets, and at 、
   right after a figure (``46 批次、225 人``).
4. ``read_lead``: the text between the previous figure and this one names the measure
   (增加/下降 …, 占…的, 完成…的, 预算数/决算数 …), what it is compared with, and the label.
5. ``_Reader`` resolves the subject: the label right before the figure; else the previous
   clause's subject in the same sentence; else the paragraph's topic (a figure-less title such
   as ``（3）X 项目自评综述：``) or its first subject; last, the heading. An enumeration
   (其中/包括/分别为, a bracket group, or ``X 中，``) puts its parent in front of each item's
   label; the parent is the figure stated right before it (of the items' unit family). The
   period is the last year word before the figure in its sentence (``2023 年``, ``上年``,
   ``本年``); a year inside a comparison (``比上年``) is a base, not a period, and a date
   (``截至 2024 年 8 月 31 日``) is neither. The measure words as printed right before the figure
   (年初预算, 全年预算, 决算, 执行数 …) are kept as ``measure_word``.
6. :mod:`indexer.sentence_absence`: a clause that states a zero in words (``本部门 2024 年度无
   政府性基金预算财政拨款支出``) gives a figure of 0 whose text is the word (无 / 没有 / 未安排).

Lists that go on in later paragraphs (``（二）支出总计 X 万元，包括：`` | ``1. 基本支出…``) are
:mod:`indexer.sentence_lists`' concern: it puts their figures under the list's subject.

Nothing is invented: every ``StatedFigure.text`` is ``paragraph[span[0]:span[1]]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from indexer.model import PATH_SEP
from indexer.sentence_absence import ABSENCE, find_absence
from indexer.sentence_grammar import (
    CLOSING_OPENER,
    COMPARISON,
    DATE,
    DATE_REACH,
    FIGURE,
    LIMITS,
    LIST_GAP,
    MASK,
    OPENER,
    ORDINAL,
    REASON,
    RESPECTIVE,
    RESPECTIVE_SPLIT,
    WORD_MARK,
    YEAR_MARK,
    ZERO,
    Mention,
    W,
    bracket_depths,
    clean_label,
    comparison_base,
    counted_noun,
    find_mentions,
    heading_label,
    paragraph_topic,
    read_lead,
    split_clauses,
    split_sentences,
    squash_span,
    unit_family,
)

MEASURES = ("amount", "budget", "actual", "executed", "change", "change_rate", "share",
            "completion_rate", "count", "score", "average")  # fmt: skip
CURRENT, PREVIOUS = "current", "previous"


@dataclass(frozen=True)
class StatedFigure:
    """One figure printed in a paragraph, with what it is a figure of."""

    subject: tuple[str, ...]  # label path, outermost first: ("政府采购金额", "服务采购金额")
    measure: str  # one of MEASURES
    period: str  # "current" | "previous" | a 4-digit year
    value: Decimal  # signed for change / change_rate (减少/下降 → negative)
    text: str  # exactly as printed: paragraph[span[0]:span[1]] == text
    unit: str | None  # 万元, %, 辆 …; None for 持平 when the subject's unit is not stated
    base: tuple[str, ...] = ()  # what a change / share / completion is measured against
    clause: str = ""  # the clause it was read from (a citation quote)
    span: tuple[int, int] = (0, 0)
    measure_word: str = ""  # the measure as printed before the figure: 年初预算, 决算, 执行数 …

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}; expected one of {MEASURES}")

    def __repr__(self) -> str:
        what = self.measure if self.period == CURRENT else f"{self.measure} {self.period}"
        if self.base:
            what += " vs " + PATH_SEP.join(self.base)
        unit = "" if self.unit is None else self.unit if self.unit == "%" else " " + self.unit
        return f"StatedFigure({PATH_SEP.join(self.subject) or '?'} | {what} | {self.value}{unit})"


@dataclass
class _Enumeration:
    """An open list: its parent's subject and period, and what its items were stated in."""

    subject: tuple[str, ...]
    period: str
    level: int  # bracket level it was opened at
    start: int  # period words after this position override the parent's period
    scope: bool = False  # opened by ``X 中，`` rather than by a figure
    unit: str | None = None  # the parent's unit
    family: str | None = None  # the items' unit family
    has_items: bool = False
    candidates: list[StatedFigure] = field(default_factory=list)  # figures stated before it

    def adopt(self, unit: str | None) -> None:
        """With the first item known, the parent is the last figure of the item's family
        (``36.56 万元 … 新增 1 辆 …。其中：公务用车购置费 15 万元`` → 36.56 万元)."""
        family = unit_family(unit)
        fits = [c for c in self.candidates if unit_family(c.unit) in (None, family) or not family]
        if fits:
            best = fits[-1]
            self.subject, self.period, self.start = best.subject, best.period, best.span[1]
            self.unit = best.unit

    @property
    def mixed(self) -> bool:
        """Items counted in their own units under a money total (固定资产 X 万元，其中：房屋
        Y 平方米；车辆 Z 辆 …): a change of unit does not end the list."""
        parent = unit_family(self.unit)
        return bool(self.has_items and parent and self.family and parent != self.family)


@dataclass
class _Reader:
    """Walks one paragraph sentence by sentence, keeping what later clauses inherit."""

    text: str
    year: int | None
    heading: tuple[str, ...]
    out: list[StatedFigure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.depth = bracket_depths(self.text)
        self.mentions = find_mentions(self.text)
        self.figure_ends = {m.end() for m in FIGURE.finditer(self.text)}
        self.start = 0
        self.topic, self.body = paragraph_topic(self.text, self.mentions)
        if self.topic and find_absence(self.text, self.depth, 0, self.body, 0, 0):
            self.topic, self.body = (), 0  # ``X 2024 年度无 Y。`` is a statement, not a title
        self.first_subject: tuple[str, ...] = ()
        self.last: StatedFigure | None = None
        self.sentence_figures: list[StatedFigure] = []  # figures stated in the current sentence
        self.units: dict[tuple[str, ...], str] = {}  # the unit each subject was stated in

    def read(self) -> list[StatedFigure]:
        if not self.mentions and not ZERO.search(self.text) and not ABSENCE.search(self.text):
            return []
        for s, e in split_sentences(self.text, self.body):
            self.sentence(s, e)
        return sorted(self.out, key=lambda f: f.span)

    # -------------------------------------------------------------- sentence state

    def sentence(self, s: int, e: int) -> None:
        self.ctx = self.topic or self.first_subject or heading_label(self.heading)
        self.stack: list[_Enumeration] = []
        self.compared: tuple[str, ...] = ()
        self.respective: list[str] = []
        self.previous_figures, self.sentence_figures = self.sentence_figures, []
        self.start, self.end = s, e
        masked = "".join(c if self.depth[i] == 0 else MASK for i, c in enumerate(self.text[s:e], s))
        compared = [(s + m.start(), s + m.end()) for m in COMPARISON.finditer(masked)]
        marks = [m for rx in (YEAR_MARK, WORD_MARK) for m in rx.finditer(self.text, s, e)]
        self.marks = sorted(
            (m.start(), self._period(m)) for m in marks
            if not any(a <= m.start() < b for a, b in compared)
            and not DATE.match(self.text, max(s, m.start() - DATE_REACH))
        )  # fmt: skip
        self.span(s, e, 0)

    def _period(self, m: re.Match) -> str:
        if m.re is WORD_MARK:
            return PREVIOUS if m.group("prev") else CURRENT
        year = int(m.group(1))
        if self.year is None:
            return str(year)
        return CURRENT if year == self.year else PREVIOUS if year == self.year - 1 else str(year)

    def period_at(self, pos: int) -> str:
        floor = self.stack[-1].start if self.stack else -1
        before = [p for at, p in self.marks if floor <= at < pos]
        return before[-1] if before else self.stack[-1].period if self.stack else CURRENT

    # -------------------------------------------------------------- clauses

    def span(self, s: int, e: int, level: int) -> None:
        for cs, ce, delim in split_clauses(self.text, self.depth, s, e, level, self.figure_ends):
            if delim and delim in W["semicolons"]:
                self.semicolon(cs, level)
            self.clause(cs, ce, level)

    def semicolon(self, pos: int, level: int) -> None:
        """After ；an enumeration goes on only if the next figure is of the same family."""
        nxt = next((m for m in self.mentions if pos <= m.start < self.end), None)
        family = unit_family(nxt.unit) if nxt else None
        while self.stack and self.stack[-1].level >= level:
            top = self.stack[-1]
            if top.has_items and (top.mixed or family is None or top.family in (None, family)):
                return
            self.ctx = self.stack.pop().subject

    def open(self, level: int) -> None:
        """其中 / 包括 …: a figure stated right before (in this sentence, else the one before)
        is the parent of what follows."""
        before = self.sentence_figures or self.previous_figures
        if not before or (self.stack and self.stack[-1].subject == before[-1].subject):
            return
        last = before[-1]
        self.stack.append(_Enumeration(last.subject, last.period, level, last.span[1],
                                       unit=last.unit, candidates=list(before)))  # fmt: skip

    def clause(self, cs: int, ce: int, level: int) -> None:
        text, masked = squash_span(self.text, self.depth, cs, ce, level)
        events: list[tuple[int, Mention | tuple[int, int]]] = [
            (m.start, m) for m in self.mentions + self.zeros(cs, ce, level)
            if cs <= m.start < ce and self.depth[m.start] == level
        ] + [(g[0], g) for g in self.groups(cs, ce, level)]  # fmt: skip
        events.sort(key=lambda ev: ev[0])
        numbered = ORDINAL.match(masked) and self.sentence_figures and not self.stack
        if OPENER.match(ORDINAL.sub("", masked).lstrip("".join(W["brackets"]))) or numbered:
            self.open(level)
        if not events and not self.absences(cs, ce, level):
            self.bare(text, masked, cs, level)
        pos, prev = cs, None
        for at, ev in events:
            if isinstance(ev, tuple):
                attached = prev is not None and not self.text[prev.unit_end : at].strip()
                self.group(ev, self.last if attached else None, level + 1)
                pos, prev = ev[1], None
            else:
                self.figure(ev, pos, cs, ce, level)
                pos, prev = ev.unit_end, ev
        if CLOSING_OPENER.search(squash_span(self.text, self.depth, pos, ce, level)[1]):
            self.open(level)  # … 99.43 分（其中，  /  主要用于以下方面：

    def zeros(self, cs: int, ce: int, level: int) -> list[Mention]:
        """持平 / 一致 / 无变化 said against a comparison: a change of 0."""
        out = []
        for m in ZERO.finditer(self.text, cs, ce):
            _, masked = squash_span(self.text, self.depth, cs, m.end(), level)
            if self.depth[m.start()] == level and (COMPARISON.search(masked) or self.compared):
                out.append(Mention(m.start(), m.end(), m.end(), None, None))
        return out

    def absences(self, cs: int, ce: int, level: int) -> bool:
        """Each thing a clause states absent (本部门无 X) is a figure of 0 printed as the word."""
        if not (found := find_absence(self.text, self.depth, cs, ce, level, self.start)):
            return False
        m, items = found
        parent = self.stack[-1].subject if self.stack else ()
        for item in items:
            self.out.append(
                StatedFigure((*parent, item.label), item.measure, self.period_at(m.start()),
                             Decimal(0), m.group(), None, (), self.text[cs:ce].strip(), m.span(),
                             item.measure_word)
            )  # fmt: skip
        return True

    def groups(self, cs: int, ce: int, level: int) -> list[tuple[int, int]]:
        """Bracket groups one level down that hold figures: (open, close + 1)."""
        out, i = [], cs
        while i < ce:
            j = i
            while j < ce and self.depth[j] > level:
                j += 1
            if j > i and any(i < m.start < j for m in self.mentions):
                out.append((i, j))
            i = max(j, i + 1)
        return out

    def group(self, g: tuple[int, int], parent: StatedFigure | None, level: int) -> None:
        ctx, depth = self.ctx, len(self.stack)
        if parent is not None:
            self.stack.append(
                _Enumeration(parent.subject, parent.period, level, parent.span[1], unit=parent.unit)
            )
        self.span(g[0] + 1, g[1] - 1, level)
        del self.stack[depth:]
        self.ctx = ctx

    def bare(self, text: str, masked: str, pos: int, level: int) -> None:
        """A clause without figures may set the comparison, the subject of the next figures,
        or open a scope (``财政拨款支出预算中，…``)."""
        if m := COMPARISON.search(masked):
            self.compared = comparison_base(m)
        if masked.endswith(W["scope_suffix"]) and not OPENER.search(masked):
            n = len(W["scope_suffix"])
            if label := clean_label(text[:-n], masked[:-n]).removeprefix(W["scope_prefix"]):
                while self.stack and self.stack[-1].scope and self.stack[-1].level >= level:
                    self.stack.pop()
                parent = self.stack[-1].subject if self.stack else ()
                period = self.period_at(pos)
                self.stack.append(_Enumeration((*parent, label), period, level, pos, scope=True))
                return
        if len(text) > LIMITS["max_bare_clause_chars"]:
            return
        label = read_lead(text, masked, None).label
        short = len(label) <= LIMITS["max_bare_label_chars"]
        if label and short and label not in W["generic_labels"] and not REASON.search(text):
            self.ctx = (self.stack[-1].subject if self.stack else ()) + (label,)

    def figure(self, m: Mention, pos: int, cs: int, ce: int, level: int) -> None:
        zero = m.value is None
        text, masked = squash_span(self.text, self.depth, pos, m.end if zero else m.start, level)
        lead = read_lead(text, masked, m.unit, zero)
        label = self.respective_label(lead.label, text, masked, m)
        if m.unit in W["count_units"] and (noun := counted_noun(self.text[m.unit_end : ce])):
            label = noun
        subject = self.subject(label, m.unit)
        base = lead.base
        if lead.measure in ("change", "change_rate"):
            base = self.compared = base or self.compared
        elif lead.measure == "share" and not base and self.stack:
            base = self.stack[-1].subject
        value = Decimal(0) if zero else m.value
        if lead.sign < 0:
            value = -abs(value)
        unit = self.units.get(subject) if zero else m.unit
        fig = StatedFigure(subject, lead.measure, self.period_at(m.start), value,
                           self.text[m.start : m.end], unit, base, self.text[cs:ce].strip(),
                           (m.start, m.end), lead.measure_word)  # fmt: skip
        self.out.append(fig)
        self.last = fig
        self.sentence_figures.append(fig)
        if unit and unit != "%":
            self.units.setdefault(subject, unit)
        self.first_subject = self.first_subject or subject

    def respective_label(self, label: str, text: str, masked: str, m: Mention) -> str:
        """``A、B 分别为 1 万元、2 万元``: the n-th name goes with the n-th figure; when the
        counts differ nothing is paired and every figure keeps the whole ``A、B``."""
        if r := RESPECTIVE.search(masked):
            names = clean_label(text[: r.start()], masked[: r.start()])
            parts = RESPECTIVE_SPLIT.split(names)
            if len(parts) == self.run_length(m):
                label, *self.respective = parts
            else:
                label, self.respective = names, []
        elif not label and self.respective:
            label = self.respective.pop(0)
        return label

    def run_length(self, m: Mention) -> int:
        """How many figures follow one another from ``m`` on with nothing but a list word
        between them (``1 万元、2 万元和 3 万元`` → 3)."""
        n, end = 0, None
        for x in self.mentions:
            if x.start < m.start or x.start >= self.end:
                continue
            if end is not None and not LIST_GAP.fullmatch(self.text[end : x.start]):
                break
            n, end = n + 1, x.unit_end
        return n

    def subject(self, label: str, unit: str | None) -> tuple[str, ...]:
        """The label's path: under the open enumeration, or the inherited one if it has none."""
        if not label or label in W["generic_labels"]:
            return self.ctx or ((label,) if label else ())
        if self.stack:
            top = self.stack[-1]
            if not top.has_items:
                top.adopt(unit)
            top.has_items, top.family = True, top.family or unit_family(unit)
            self.ctx = top.subject + (() if label in W["total_labels"] else (label,))
        else:
            self.ctx = (label,)
        return self.ctx


def parse_paragraph(
    text: str, report_year: int | None, heading: tuple[str, ...] = ()
) -> list[StatedFigure]:
    """Every figure stated in ``text``, in reading order, bound to subject, measure and period.

    ``report_year`` turns printed years into ``current`` / ``previous`` (a year string when it is
    None); ``heading`` (the section path) names the subject when nothing in the paragraph does.

    >>> parse_paragraph("共有车辆8辆，其中：一般公务用车3辆。", 2024)[1]
    StatedFigure(车辆 › 一般公务用车 | count | 3 辆)
    """
    return _Reader(text, report_year, heading).read()
