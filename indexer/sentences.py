"""Figures stated in a report's narrative, each bound to its own label, measure and period.

``parse_paragraph`` reads one paragraph top to bottom in small steps:

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
   label. The period is the last year word before the figure in its sentence (``2023 年``,
   ``上年``, ``本年``); a year inside a comparison (``比上年``) is a base, not a period, and a
   date (``截至 2024 年 8 月 31 日``) is neither.

Every Chinese word the reader knows lives in ``sentence_words.json`` beside this module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from indexer.model import PATH_SEP

MEASURES = ("amount", "budget", "actual", "change", "change_rate", "share", "completion_rate",
            "count", "score", "average")  # fmt: skip
CURRENT, PREVIOUS = "current", "previous"
W = json.loads(Path(__file__).with_name("sentence_words.json").read_text(encoding="utf-8"))
LIMITS = W["limits"]
MASK = "□"  # stands for deeper bracketed text while cue words are searched


def _alt(words: list[str] | dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _unit(unit: str) -> str:
    stop = W["unit_not_before"].get(unit)
    body = r"\s*".join(re.escape(c) for c in unit)
    return body + (rf"(?!\s*[{re.escape(stop)}])" if stop else "")


_DELIM = r"[^，,；;：:。]"
_ZERO_WORDS = _alt(W["zero_change"])
_TO = r"(?:为|达到|达)?$"
_UNITS = "|".join(_unit(u) for u in sorted(W["units"], key=len, reverse=True))
FIGURE = re.compile(
    rf"(?<![\d.,])([-−]?)(\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*({_UNITS})"
)
QUALIFIER = re.compile(rf"\s*(?:{_alt(W['qualifier_remark'])})?\s*(?:{_alt(W['qualifier_after'])})")
COMPARISON = re.compile(
    rf"(?:与|同|和|较)(?P<b1>[^，,；;：:。与同和较]{{1,{LIMITS['max_comparison_chars']}}}?)"
    rf"(?:{_alt(W['comparison_close'])})"
    rf"|(?:比|较)(?![{''.join(W['comparison_not_before'])}])(?P<b2>{_DELIM}{{1,20}}?)"
    rf"(?=(?:{_alt(W['change_up'] + W['change_down'] + W['zero_change'] + ['完成'])}))"
    rf"|(?:与|同|和)(?P<b3>[^，,；;：:。与同和]{{1,20}}?)(?=(?:{_ZERO_WORDS}))"
    rf"|(?P<same>{_alt(W['same_period'])})"
)
ZERO = re.compile("".join(f"(?<!{w})" for w in W["zero_change_not_after"]) + f"(?:{_ZERO_WORDS})")
CHANGE_TAIL = re.compile(rf"(?P<word>{_alt(W['change_up'] + W['change_down'])})"
                         rf"(?:{_alt(W['change_fillers'])}|{MASK})*$")  # fmt: skip
_SHARE = W["share_word"]
SHARE_TAIL = re.compile(rf"{_SHARE}(?![{''.join(W['share_not_before'])}])"
                        rf"(?P<base>[^{_SHARE}]*?)(?:{_alt(W['share_tails'])})?{_TO}")  # fmt: skip
COMPLETION_TAIL = re.compile(rf"{W['completion_word']}(?P<base>[^完]*?)的?{_TO}")
RATE_TAIL = re.compile(rf"(?:{_alt(W['completion_rate_nouns'])}){_TO}")
ACTUAL_END = re.compile(rf"(?:{_alt(W['actual_cues'])})$")
BUDGET_END = re.compile("".join(f"(?<!{p})" for p in W["budget_fund_prefixes"])
                        + rf"(?:{_alt(W['budget_cues'])})$")  # fmt: skip
AVERAGE = re.compile(_alt(W["average_cues"]))
YEAR_MARK = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*度?(?!\s*\d{1,2}\s*月)"
                       rf"(?!{_alt(W['year_not_before'])})")  # fmt: skip
WORD_MARK = re.compile(
    rf"(?P<prev>{_alt(W['period_previous'])})(?!{_alt(W['previous_not_before'])})"
    rf"|(?:{_alt(W['period_current'])})(?!{_alt(W['current_not_before'])})"
)
NEUTRAL_MARK = re.compile(_alt(W["period_neutral"]))
DATE = re.compile(
    rf"(?:{_alt(W['date_open'])})?\d{{4}}年\d{{1,2}}月(?:\d{{1,2}}日)?|{_alt(W['date_words'])}"
)
ORG = re.compile(  # a leading organisation name: 上海市普陀区人民政府万里街道办事处（部门）
    rf"(?:^|(?<=[年度]))(?:{_alt(W['org_prefixes'])})?[\u4e00-\u9fff]{{2,6}}[{W['org_places']}]"
    rf"(?:[\u4e00-\u9fff]{{1,6}}?[{W['org_districts']}])?[^，。]{{0,20}}?"
    rf"(?:{_alt(W['org_suffixes'])})(?:[（(][^）)]{{1,6}}[）)])?"
)
ORDINAL = re.compile("^(?:" + "|".join(W["ordinal_patterns"]) + ")")
OPENER = re.compile(rf"(?:{_alt(W['enumeration_openers'])})[：:]?")
CLOSING_OPENER = re.compile(rf"(?:{OPENER.pattern})$")
RESPECTIVE = re.compile(_alt(W["respective_words"]))
SUBJECT_VERB = re.compile(_alt(W["subject_verbs"]))
LEADING = re.compile(rf"^(?:{_alt(W['leading_fillers'])}|{OPENER.pattern})")
TRAILING = re.compile(
    f"(?:{_alt(W['trailing_fillers'] + W['measure_nouns'] + W['score_nouns'])})+$"
)
REMARK = re.compile(rf"[（(][^（()）]*(?:{_alt(W['label_remark_words'])})[^（()）]*[)）]$")
REASON = re.compile(_alt(W["reason_words"]))
TOPIC_SUFFIX = re.compile(rf"(?:{_alt(W['topic_suffixes'])})$")
NOUN_STOP = re.compile(_alt(W["counted_noun_stops"]))
NOUN_END = re.compile(rf"{_alt(W['counted_noun_ends'])}|[^\u4e00-\u9fff《》“”]")
SENTENCE_END = re.compile(f"[{W['sentence_ends']}]")


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

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}; expected one of {MEASURES}")

    def __repr__(self) -> str:
        what = self.measure if self.period == CURRENT else f"{self.measure} {self.period}"
        if self.base:
            what += " vs " + PATH_SEP.join(self.base)
        unit = "" if self.unit is None else self.unit if self.unit == "%" else " " + self.unit
        return f"StatedFigure({PATH_SEP.join(self.subject) or '?'} | {what} | {self.value}{unit})"


@dataclass(frozen=True)
class _Mention:
    """A printed figure (``value`` set) or a 持平 word (``value`` None) in the paragraph."""

    start: int
    end: int  # end of the printed figure (with its % sign)
    unit_end: int
    value: Decimal | None
    unit: str | None


def find_mentions(text: str) -> list[_Mention]:
    """Every number printed with a unit that states a figure (not a threshold, range, ordinal)."""
    out = []
    for m in FIGURE.finditer(text):
        before = text[: m.start()].rstrip()
        is_range = before[-1:] in W["range_marks"] and before[:-1].rstrip()[-1:].isdigit()
        if is_range or before.endswith(W["ordinal_before"]) or QUALIFIER.match(text, m.end()):
            continue
        unit = W["units"][re.sub(r"\s", "", m.group(3))]
        value = Decimal(m.group(2).replace(",", ""))
        end = m.end() if unit == "%" else m.end(2)
        out.append(_Mention(m.start(), end, m.end(), -value if m.group(1) else value, unit))
    return out


def bracket_depths(text: str) -> list[int]:
    """Nesting depth of each character; brackets count only when matched within a sentence."""
    depth, stack = [0] * len(text), []
    for i, ch in enumerate(text):
        if ch in W["brackets"]:
            stack.append((i, W["brackets"][ch]))
        elif stack and ch == stack[-1][1]:
            start, _ = stack.pop()
            depth[start : i + 1] = [d + 1 for d in depth[start : i + 1]]
        elif SENTENCE_END.match(ch):
            stack = []
    return depth


def split_sentences(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence from ``start`` on; the end mark stays with its sentence."""
    out, s = [], start
    for m in SENTENCE_END.finditer(text, start):
        out.append((s, m.end()))
        s = m.end()
    return [*out, (s, len(text))] if text[s:].strip() else out


def split_clauses(text: str, depth: list[int], s: int, e: int, level: int,
                  figure_ends: set[int]) -> list[tuple[int, int, str]]:  # fmt: skip
    """(start, end, delimiter before) of each clause at bracket ``level`` in ``[s, e)``."""
    out, cs, delim = [], s, ""
    for i in range(s, e):
        ch = text[i]
        if depth[i] != level:
            continue
        is_list = ch == W["list_delim"] and len(text[:i].rstrip()) in figure_ends
        grouping = ch == "," and text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit()
        if (ch in W["clause_delims"] and not grouping) or is_list:
            out.append((cs, i, delim))
            cs, delim = i + 1, ch
    out.append((cs, e, delim))
    return [c for c in out if text[c[0] : c[1]].strip()]


def _squash(text: str, depth: list[int], s: int, e: int, level: int) -> tuple[str, str]:
    """``[s, e)`` without whitespace, as printed and with deeper brackets masked."""
    keep = [i for i in range(s, e) if not text[i].isspace()]
    return "".join(text[i] for i in keep), "".join(
        text[i] if depth[i] <= level else MASK for i in keep
    )


def _base(text: str) -> tuple[str, ...]:
    """A comparison base or share denominator, without remarks in brackets."""
    text = re.sub(r"[（(][^（()）]*[)）]", "", text)
    for filler in W["comparison_base_fillers"]:
        text = text.replace(filler, "")
    return (text,) if text else ()


def _comparison_base(m: re.Match) -> tuple[str, ...]:
    if m.group("same"):
        return (W["same_period"][m.group("same")],)
    return _base(m.group("b1") or m.group("b2") or m.group("b3") or "")


def _tidy(label: str) -> str:
    """Strip enumerators, fillers, copulas, measure nouns and remarks from both ends."""
    before = None
    while label and label != before:
        before = label
        label = LEADING.sub("", TRAILING.sub("", ORDINAL.sub("", label)))
        label = REMARK.sub("", label).strip("：:，,、 ")
    quotes = W["quotes"]
    if label[:1] in quotes and label[-1:] in quotes and not any(q in label[1:-1] for q in quotes):
        label = label[1:-1]
    return label if len(label) >= LIMITS["min_label_chars"] else ""


def clean_label(text: str, masked: str, drop: list[tuple[int, int]] | None = None) -> str:
    """The label in a lead: without comparisons, periods, markers, fillers and measure nouns.

    A period, a date or a verb such as 共有 separates who speaks from what is counted
    (``财政局 2024 年度政府采购金额`` → 政府采购金额), unless nothing specific follows it.
    """
    keep, cut = [True] * len(text), 0
    for a, b in (drop or []) + [m.span() for m in COMPARISON.finditer(masked)]:
        keep[a:b] = [False] * (min(b, len(text)) - a)
    for rx in (DATE, YEAR_MARK, WORD_MARK, NEUTRAL_MARK, SUBJECT_VERB, ORG):
        for m in rx.finditer(text):
            if keep[m.start()]:
                keep[m.start() : m.end()] = [False] * (m.end() - m.start())
                cut = max(cut, m.end())
    kept = [c if k else "" for c, k in zip(text, keep, strict=True)]
    tail = _tidy("".join(kept[cut:]))
    return tail if tail and tail not in W["generic_labels"] else _tidy("".join(kept))


@dataclass(frozen=True)
class _Lead:
    label: str
    measure: str
    sign: int = 1
    base: tuple[str, ...] = ()


def read_lead(text: str, masked: str, unit: str | None, zero: bool = False) -> _Lead:
    """Measure, sign, base and label from the text leading up to a figure (whitespace removed;
    ``masked`` is the same text with deeper brackets masked)."""
    comparisons = list(COMPARISON.finditer(masked))
    base = _comparison_base(comparisons[-1]) if comparisons else ()
    cut, sign, tail = len(masked), 1, None
    if zero:
        measure, cut = "change", ZERO.search(masked).start()
    elif tail := CHANGE_TAIL.search(masked):
        measure = "change_rate" if unit == "%" else "change"
        sign = -1 if tail.group("word") in W["change_down"] else 1
    elif unit == "%" and (tail := SHARE_TAIL.search(masked)):
        measure, base = "share", _base(text[tail.start("base") : tail.end("base")])
    elif unit == "%" and (tail := COMPLETION_TAIL.search(masked)):
        measure, base = "completion_rate", _base(tail.group("base")) or base
    elif unit == "%" and (tail := RATE_TAIL.search(masked)):
        measure = "completion_rate"
    elif unit == "%":
        measure = "share"
    elif unit in W["score_units"]:
        measure = "average" if AVERAGE.search(masked) else "score"
    elif unit in W["count_units"]:
        measure = "count"
    else:
        stem = re.sub(rf"(?:{_alt(W['trailing_fillers'])})+$", "", masked)
        measure = ("actual" if ACTUAL_END.search(stem) else "budget" if BUDGET_END.search(stem)
                   else "average" if AVERAGE.search(stem) else "amount")  # fmt: skip
    cut = tail.start() if tail else cut
    if measure not in ("change", "change_rate", "completion_rate", "share"):
        base = ()
    drop = [m.span() for m in comparisons if m.start() < cut]
    return _Lead(clean_label(text[:cut], masked[:cut], drop), measure, sign, base)


def counted_noun(text: str) -> str:
    """The noun a count is of when it follows the unit: ``5 家预算单位的`` → 预算单位; a
    generic noun keeps its verb phrase: ``20 个单位开展整体绩效自评`` → the whole phrase."""
    squashed = re.sub(r"\s", "", text)
    end = NOUN_END.search(squashed)
    phrase = squashed[: end.start() if end else len(squashed)]
    stop = NOUN_STOP.search(phrase)
    noun = phrase[: stop.start() if stop else len(phrase)]
    noun = (phrase if noun in W["generic_labels"] else noun)[: LIMITS["max_counted_noun_chars"]]
    return noun if len(noun) >= LIMITS["min_label_chars"] else ""


def paragraph_topic(text: str, mentions: list[_Mention]) -> tuple[tuple[str, ...], int]:
    """A figure-less title opening the paragraph (``（3）X 项目自评综述：``) and where it ends."""
    m = re.search(f"[{W['topic_ends']}]", text)
    head = text[: m.start()] if m else ""
    if not m or any(x.start < m.start() for x in mentions) or OPENER.search(head):
        return (), 0
    if re.search(f"[{W['clause_delims']}]", head):  # a title is one clause
        return (), 0
    label = TOPIC_SUFFIX.sub("", ORDINAL.sub("", re.sub(r"\s", "", head)))
    if not LIMITS["min_label_chars"] <= len(label) <= LIMITS["max_topic_chars"]:
        return (), 0
    return (label,), m.end()


def heading_label(heading: tuple[str, ...]) -> tuple[str, ...]:
    """The innermost heading as a subject: ``（一）机关运行经费支出情况`` → 机关运行经费支出."""
    if not heading:
        return ()
    head = re.split(f"[{W['clause_delims']}{W['sentence_ends']}]", FIGURE.split(heading[-1])[0])[0]
    label = TOPIC_SUFFIX.sub("", ORDINAL.sub("", re.sub(r"\s", "", head))).rstrip("的")
    return (label,) if len(label) >= LIMITS["min_label_chars"] else ()


def _family(unit: str | None) -> str | None:
    """Items of one enumeration share a family: money, or one count unit; % fits any."""
    if unit is None or unit == "%":
        return None
    return "money" if unit in W["money_units"] else unit


@dataclass
class _Enumeration:
    """An open list: its parent's subject and period, and what its items were stated in."""

    subject: tuple[str, ...]
    period: str
    level: int  # bracket level it was opened at
    start: int  # period words after this position override the parent's period
    scope: bool = False  # opened by ``X 中，`` rather than by a figure
    family: str | None = None
    has_items: bool = False
    candidates: list[StatedFigure] = field(default_factory=list)  # figures stated before it

    def adopt(self, unit: str | None) -> None:
        """With the first item known, the parent is the last figure of the item's family
        (``36.56 万元 … 新增 1 辆 …。其中：公务用车购置费 15 万元`` → 36.56 万元)."""
        family = _family(unit)
        fits = [c for c in self.candidates if family is None or _family(c.unit) in (None, family)]
        if fits:
            self.subject, self.period, self.start = (
                fits[-1].subject,
                fits[-1].period,
                fits[-1].span[1],
            )


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
        self.topic, self.body = paragraph_topic(self.text, self.mentions)
        self.first_subject: tuple[str, ...] = ()
        self.last: StatedFigure | None = None
        self.sentence_figures: list[StatedFigure] = []  # figures stated in the current sentence
        self.units: dict[tuple[str, ...], str] = {}  # the unit each subject was stated in

    def read(self) -> list[StatedFigure]:
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
        self.end = e
        masked = "".join(c if self.depth[i] == 0 else MASK for i, c in enumerate(self.text[s:e], s))
        compared = [(s + m.start(), s + m.end()) for m in COMPARISON.finditer(masked)]
        marks = [m for rx in (YEAR_MARK, WORD_MARK) for m in rx.finditer(self.text, s, e)]
        self.marks = sorted(
            (m.start(), self._period(m)) for m in marks
            if not any(a <= m.start() < b for a, b in compared)
            and not DATE.match(self.text, max(s, m.start() - len("截至")))
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
        family = _family(nxt.unit) if nxt else None
        while self.stack and self.stack[-1].level >= level:
            top = self.stack[-1]
            if top.has_items and (family is None or top.family in (None, family)):
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
                                       candidates=list(before)))  # fmt: skip

    def clause(self, cs: int, ce: int, level: int) -> None:
        text, masked = _squash(self.text, self.depth, cs, ce, level)
        events: list[tuple[int, _Mention | tuple[int, int]]] = [
            (m.start, m) for m in self.mentions + self.zeros(cs, ce, level)
            if cs <= m.start < ce and self.depth[m.start] == level
        ] + [(g[0], g) for g in self.groups(cs, ce, level)]  # fmt: skip
        events.sort(key=lambda ev: ev[0])
        numbered = ORDINAL.match(masked) and self.sentence_figures and not self.stack
        if OPENER.match(ORDINAL.sub("", masked).lstrip("".join(W["brackets"]))) or numbered:
            self.open(level)
        if not events:
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
        if CLOSING_OPENER.search(_squash(self.text, self.depth, pos, ce, level)[1]):
            self.open(level)  # … 99.43 分（其中，  /  主要用于以下方面：

    def zeros(self, cs: int, ce: int, level: int) -> list[_Mention]:
        """持平 / 一致 / 无变化 said against a comparison: a change of 0."""
        out = []
        for m in ZERO.finditer(self.text, cs, ce):
            _, masked = _squash(self.text, self.depth, cs, m.end(), level)
            if self.depth[m.start()] == level and (COMPARISON.search(masked) or self.compared):
                out.append(_Mention(m.start(), m.end(), m.end(), None, None))
        return out

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
            self.stack.append(_Enumeration(parent.subject, parent.period, level, parent.span[1]))
        self.span(g[0] + 1, g[1] - 1, level)
        del self.stack[depth:]
        self.ctx = ctx

    def bare(self, text: str, masked: str, pos: int, level: int) -> None:
        """A clause without figures may set the comparison, the subject of the next figures,
        or open a scope (``财政拨款支出预算中，…``)."""
        if m := COMPARISON.search(masked):
            self.compared = _comparison_base(m)
        if masked.endswith(W["scope_suffix"]) and not OPENER.search(masked):
            n = len(W["scope_suffix"])
            if label := clean_label(text[:-n], masked[:-n]):
                while self.stack and self.stack[-1].scope and self.stack[-1].level >= level:
                    self.stack.pop()
                parent = self.stack[-1].subject if self.stack else ()
                period = self.period_at(pos)
                self.stack.append(_Enumeration((*parent, label), period, level, pos, scope=True))
                return
        label = read_lead(text, masked, None).label
        short = len(label) <= LIMITS["max_bare_label_chars"]
        if label and short and label not in W["generic_labels"] and not REASON.search(text):
            self.ctx = (self.stack[-1].subject if self.stack else ()) + (label,)

    def figure(self, m: _Mention, pos: int, cs: int, ce: int, level: int) -> None:
        zero = m.value is None
        text, masked = _squash(self.text, self.depth, pos, m.end if zero else m.start, level)
        lead = read_lead(text, masked, m.unit, zero)
        label = self.respective_label(lead.label, text, masked)
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
                           self.text[m.start : m.end], unit, base,
                           self.text[cs:ce].strip(), (m.start, m.end))  # fmt: skip
        self.out.append(fig)
        self.last = fig
        self.sentence_figures.append(fig)
        if unit and unit != "%":
            self.units.setdefault(subject, unit)
        self.first_subject = self.first_subject or subject

    def respective_label(self, label: str, text: str, masked: str) -> str:
        """``A、B 分别为 1 万元、2 万元``: the n-th name goes with the n-th figure."""
        if r := RESPECTIVE.search(masked):
            names = clean_label(text[: r.start()], masked[: r.start()])
            label, *self.respective = re.split(f"[{W['respective_separators']}]", names)
        elif not label and self.respective:
            label = self.respective.pop(0)
        return label

    def subject(self, label: str, unit: str | None) -> tuple[str, ...]:
        """The label's path: under the open enumeration, or the inherited one if it has none."""
        if not label or label in W["generic_labels"]:
            return self.ctx or ((label,) if label else ())
        if self.stack:
            top = self.stack[-1]
            if not top.has_items:
                top.adopt(unit)
            top.has_items, top.family = True, top.family or _family(unit)
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
